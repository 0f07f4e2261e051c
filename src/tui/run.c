/*
 * run.c - the dashboard's loop.
 *
 * A timeout-driven loop in one thread: wait for a key or an event (at most
 * until the next refresh, and at most 50 ms when the source offers no fd to
 * wait on, 100 ms when it does), let the source deliver its events, handle
 * keys, and on each tick take a snapshot, rebuild the tick and redraw.
 * Drawing happens only when something changed: a tick, a key, a status
 * message expiring, a resize, or new log lines (those at most every
 * LOG_REDRAW_NS, so a printf storm or a chatty -c command does not turn
 * into a redraw per line). That keeps the loop near idle between ticks.
 * With opts.stats_path each refresh and key is timed (stats.c).
 */
#include "tui.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t interval_ns(const struct tui *t)
{
	return (uint64_t)(t->interval_s * 1e9);
}

#define LOG_REDRAW_NS 50000000ull /* new log lines redraw at most this often */

static void take_snapshot(struct tui *t, struct tui_timing *tm)
{
	tm->start_ns = tui_now_ns();
	struct snapshot *s = t->src->snapshot ? t->src->snapshot(t->src->ctx) : NULL;
	tm->snap_ns = tui_now_ns();
	tui_feed(t, s);
	tm->tick_ns = tui_now_ns();
}

static void apply_theme(struct tui *t, struct screen *scr)
{
	screen_apply_theme(scr, &t->theme, &t->color);
	if (!t->color && strcmp(t->theme.name, "mono")) {
		/* colours alone would tell nothing apart: use attributes */
		struct strbuf warn = {0};
		theme_load(&t->theme, "mono", &warn);
		sb_free(&warn);
		screen_apply_theme(scr, &t->theme, &t->color);
	}
}

int tui_run(struct tui *t, const struct tui_source *src)
{
	struct strbuf warn = {0};
	struct screen *scr;
	struct grid g = {0};
	struct tui_timing rtm = {0}, ktm = {0};
	int w, h, err;

	t->src = src;
	theme_load(&t->theme, t->opts.theme, &warn);
	if (warn.len) {
		/* stderr is hidden behind the screen: the log pane shows them too */
		fputs(warn.buf, stderr);
		log_append(t, warn.buf, warn.len, true);
		tui_set_status(t, "theme: %.*s", (int)strcspn(warn.buf, "\n"), warn.buf);
	}
	sb_free(&warn);
	FILE *stats = tui_stats_open(t->opts.stats_path);
	err = screen_open(&scr);
	if (err) {
		fprintf(stderr, "ERROR: cannot open the dashboard on this terminal: %s\n",
			strerror(-err));
		if (stats)
			fclose(stats);
		return 1;
	}
	apply_theme(t, scr);
	screen_size(scr, &w, &h);
	grid_init(&g, w, h);

	take_snapshot(t, &rtm);
	t->now_ns = tui_now_ns();
	uint64_t next_tick = t->now_ns + interval_ns(t);
	uint64_t log_seen = t->log_added, partial_seen = t->log_partial.len, last_draw = 0;
	bool dirty = true, status_shown = false, refreshed = true;
	int pending_key = TUI_KEY_NONE;

	for (;;) {
		t->now_ns = tui_now_ns();
		if (t->paused) {
			next_tick = t->now_ns + interval_ns(t);
		} else if (t->now_ns >= next_tick) {
			take_snapshot(t, &rtm);
			refreshed = true;
			next_tick += interval_ns(t);
			if (next_tick <= t->now_ns)
				next_tick = t->now_ns + interval_ns(t);
			dirty = true;
		}
		bool log_new = !t->paused &&
			       (t->log_added != log_seen || t->log_partial.len != partial_seen);
		if (log_new && t->now_ns >= last_draw + LOG_REDRAW_NS)
			dirty = true;
		if (status_shown && t->now_ns >= t->status_until_ns) {
			status_shown = false;
			dirty = true;
		}
		if (dirty) {
			struct tui_timing d = {.compose_start_ns = tui_now_ns()};
			tui_compose(t, &g);
			d.compose_ns = tui_now_ns();
			screen_blit(scr, &g);
			d.done_ns = last_draw = tui_now_ns();
			status_shown = t->status[0] && t->now_ns < t->status_until_ns;
			if (!t->paused) {
				log_seen = t->log_added;
				partial_seen = t->log_partial.len;
			}
			log_new = false;
			dirty = false;
			if (refreshed) {
				rtm.compose_start_ns = d.compose_start_ns;
				rtm.compose_ns = d.compose_ns;
				rtm.done_ns = d.done_ns;
				tui_stats_refresh(stats, t, &rtm);
				refreshed = false;
			}
			if (pending_key != TUI_KEY_NONE) {
				ktm.compose_start_ns = d.compose_start_ns;
				ktm.compose_ns = d.compose_ns;
				ktm.done_ns = d.done_ns;
				tui_stats_key(stats, pending_key, &ktm);
				pending_key = TUI_KEY_NONE;
			}
		}

		int fd = src->event_fd ? src->event_fd(src->ctx) : -1;
		uint64_t until = next_tick;
		if (status_shown && t->status_until_ns < until)
			until = t->status_until_ns;
		if (log_new && last_draw + LOG_REDRAW_NS < until)
			until = last_draw + LOG_REDRAW_NS;
		int timeout = until > t->now_ns ? (int)((until - t->now_ns) / 1000000) + 1 : 0;
		/* without an fd, poll the source every 50 ms; with one, every 100 ms
		 * still (records submitted without a wakeup do not make it readable) */
		if (timeout > (fd < 0 ? 50 : 100))
			timeout = fd < 0 ? 50 : 100;
		screen_wait(scr, fd, timeout);

		int r = src->poll(src->ctx, 0, &t->sink);
		if (r == 1 || (r < 0 && r != -EINTR && r != -EAGAIN)) {
			t->exit_reason = TUI_EXIT_PROGRAM;
			break;
		}
		int sig = screen_pending_signal();
		if (sig) {
			t->exit_reason = TUI_EXIT_SIGNAL;
			t->exit_signal = sig;
			break;
		}
		int key, act = 0;
		while ((key = screen_getkey(scr)) != TUI_KEY_NONE) {
			if (pending_key == TUI_KEY_NONE) {
				pending_key = key;
				ktm.start_ns = tui_now_ns();
			}
			if (key == TUI_KEY_RESIZE) {
				screen_size(scr, &w, &h);
				grid_resize(&g, w, h);
			}
			act |= tui_key(t, key);
			if (act & TUI_QUIT)
				break;
		}
		if (act & TUI_QUIT)
			break;
		if (act & TUI_RETHEME)
			apply_theme(t, scr);
		if (act & TUI_RESCAN && !t->paused) {
			t->now_ns = tui_now_ns();
			take_snapshot(t, &rtm);
			refreshed = true;
			next_tick = t->now_ns + interval_ns(t);
		}
		ktm.tick_ns = tui_now_ns();
		/* a key without a visible effect is drawn too: its stats line then
		 * says when the loop was done with it */
		if (act || pending_key != TUI_KEY_NONE)
			dirty = true;
	}
	screen_close(scr);
	grid_free(&g);
	if (stats)
		fclose(stats);
	return 0;
}
