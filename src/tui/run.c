/*
 * run.c - the dashboard's loop.
 *
 * A timeout-driven loop in one thread: wait for a key or an event (at most
 * until the next refresh, and at most 50 ms when the source offers no fd to
 * wait on, 100 ms when it does), let the source deliver its events, handle keys, and on each
 * tick take a snapshot, rebuild the tick and redraw. Drawing happens only
 * when something changed: a tick, a key, new log lines, a status message
 * expiring, a resize. That keeps the loop near idle between ticks.
 */
#include "tui.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t interval_ns(const struct tui *t)
{
	return (uint64_t)(t->interval_s * 1e9);
}

static void take_snapshot(struct tui *t)
{
	if (t->src->snapshot)
		tui_feed(t, t->src->snapshot(t->src->ctx));
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
	err = screen_open(&scr);
	if (err) {
		fprintf(stderr, "ERROR: cannot open the dashboard on this terminal: %s\n",
			strerror(-err));
		return 1;
	}
	apply_theme(t, scr);
	screen_size(scr, &w, &h);
	grid_init(&g, w, h);

	t->now_ns = tui_now_ns();
	take_snapshot(t);
	uint64_t next_tick = t->now_ns + interval_ns(t);
	uint64_t log_seen = t->log_added, partial_seen = t->log_partial.len;
	bool dirty = true, status_shown = false;

	for (;;) {
		t->now_ns = tui_now_ns();
		if (t->paused) {
			next_tick = t->now_ns + interval_ns(t);
		} else if (t->now_ns >= next_tick) {
			take_snapshot(t);
			next_tick += interval_ns(t);
			if (next_tick <= t->now_ns)
				next_tick = t->now_ns + interval_ns(t);
			dirty = true;
		}
		if (!t->paused &&
		    (t->log_added != log_seen || t->log_partial.len != partial_seen)) {
			log_seen = t->log_added;
			partial_seen = t->log_partial.len;
			dirty = true;
		}
		if (status_shown && t->now_ns >= t->status_until_ns) {
			status_shown = false;
			dirty = true;
		}
		if (dirty) {
			tui_compose(t, &g);
			screen_blit(scr, &g);
			status_shown = t->status[0] && t->now_ns < t->status_until_ns;
			dirty = false;
		}

		int fd = src->event_fd ? src->event_fd(src->ctx) : -1;
		uint64_t until = next_tick;
		if (status_shown && t->status_until_ns < until)
			until = t->status_until_ns;
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
			take_snapshot(t);
			next_tick = t->now_ns + interval_ns(t);
		}
		if (act)
			dirty = true;
	}
	screen_close(scr);
	grid_free(&g);
	return 0;
}
