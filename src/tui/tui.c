/*
 * tui.c - the dashboard's state and its sink.
 *
 * struct tui holds everything the dashboard knows: the last two snapshots,
 * the tick built from them, the history, printed maps, the log, and the
 * view (focus, zoom, filter, per-panel sort and scroll kept by map name so
 * they survive maps coming and going). The sink given to the source lands
 * events here: text in the log, print(@map) in the map's panel. Nothing in
 * this file touches the terminal: run.c drives it and screen.c draws.
 */
#define _GNU_SOURCE
#include "tui.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t tui_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sink_attached(void *ctx, size_t nprobes)
{
	(void)ctx, (void)nprobes;
}

static void sink_text(void *ctx, const char *s, size_t len)
{
	log_append(ctx, s, len, false);
}

static void sink_value(void *ctx, const struct value *v)
{
	struct strbuf sb = {0};

	fmt_value(&sb, v);
	sb_putc(&sb, '\n');
	log_append(ctx, sb.buf, sb.len, false);
	sb_free(&sb);
}

static void sink_map(void *ctx, const struct map_snapshot *m, uint64_t top, uint64_t div)
{
	tui_printed_map(ctx, m, top, div, tui_now_ns());
}

static void sink_lost(void *ctx, uint64_t n)
{
	struct tui *t = ctx;

	t->lost_sink += n;
}

static void sink_error(void *ctx, const char *msg)
{
	struct strbuf sb = {0};

	sb_puts(&sb, msg);
	if (!sb.len || sb.buf[sb.len - 1] != '\n')
		sb_putc(&sb, '\n');
	log_append(ctx, sb.buf, sb.len, true);
	sb_free(&sb);
}

static void sink_child_line(void *ctx, const char *s, size_t len)
{
	log_child_line(ctx, s, len);
}

static void sink_nothing(void *ctx)
{
	(void)ctx;
}

struct tui *tui_new(const struct tui_opts *o)
{
	struct tui *t = xcalloc(1, sizeof(*t));

	t->opts = *o;
	if (!(t->opts.interval_s > 0))
		t->opts.interval_s = 1;
	if (!t->opts.log_lines)
		t->opts.log_lines = 1000;
	t->interval_s = t->opts.interval_s;
	t->hist = history_new();
	t->start_ns = t->now_ns = tui_now_ns();
	theme_default(&t->theme);
	t->color = true;
	t->sink = (struct sink_ops){
		.attached = sink_attached,
		.text = sink_text,
		.value = sink_value,
		.map = sink_map,
		.lost = sink_lost,
		.error = sink_error,
		.exit_begin = sink_nothing,
		.flush = sink_nothing,
		.child_line = sink_child_line,
		.ctx = t,
	};
	return t;
}

const struct sink_ops *tui_sink(struct tui *t)
{
	return &t->sink;
}

void tui_set_source(struct tui *t, const struct tui_source *src)
{
	t->src = src;
}

enum tui_exit tui_exit_reason(const struct tui *t)
{
	return t->exit_reason;
}

int tui_exit_signal(const struct tui *t)
{
	return t->exit_signal;
}

static void free_graveyard(struct tui *t)
{
	vec_foreach(&t->graveyard, i) {
		arena_free(t->graveyard.items[i]);
		free(t->graveyard.items[i]);
	}
	t->graveyard.len = 0;
}

void tui_feed(struct tui *t, struct snapshot *s)
{
	if (!s)
		return;
	if (t->prev)
		snapshot_free(t->prev);
	t->prev = t->cur;
	t->cur = s;
	uint64_t seq = t->tick.seq + 1;
	tick_free(&t->tick);
	free_graveyard(t);
	tick_build(&t->tick, seq, t->cur, t->prev, t->printed, t->nprinted, t->hist);
	layout_build(t);
}

void tui_printed_map(struct tui *t, const struct map_snapshot *m, uint64_t top, uint64_t div,
		     uint64_t now_ns)
{
	struct printed_map *pm = NULL;

	for (size_t i = 0; i < t->nprinted; i++)
		if (!strcmp(t->printed[i]->name, m->name))
			pm = t->printed[i];
	if (!pm) {
		pm = xcalloc(1, sizeof(*pm));
		t->printed = xrealloc(t->printed, (t->nprinted + 1) * sizeof(*t->printed));
		t->printed[t->nprinted++] = pm;
	}
	printed_map_store(pm, m, top, div, now_ns, &t->graveyard);
}

void tui_set_status(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof(t->status), fmt, ap);
	va_end(ap);
	t->status_until_ns = t->now_ns + 3000000000ull;
}

struct panel_state *tui_state(struct tui *t, const char *name)
{
	vec_foreach(&t->states, i) {
		struct panel_state *st = t->states.items[i];
		if (!strcmp(st->name, name))
			return st;
	}
	struct panel_state *st = xcalloc(1, sizeof(*st));
	st->name = xstrdup(name);
	st->sort_col = 1; /* by value, largest first: like top */
	vec_push(&t->states, st);
	return st;
}

void tui_free(struct tui *t)
{
	if (!t)
		return;
	tick_free(&t->tick);
	free_graveyard(t);
	vec_free(&t->graveyard);
	if (t->cur)
		snapshot_free(t->cur);
	if (t->prev)
		snapshot_free(t->prev);
	for (size_t i = 0; i < t->nprinted; i++)
		printed_map_free(t->printed[i]);
	free(t->printed);
	history_free(t->hist);
	log_free(t);
	vec_foreach(&t->states, i) {
		struct panel_state *st = t->states.items[i];
		free(st->name);
		free(st);
	}
	vec_free(&t->states);
	vec_foreach(&t->theme_names, i)
		free(t->theme_names.items[i]);
	vec_free(&t->theme_names);
	free(t->panels);
	free(t);
}

bool tui_usable(void)
{
	const char *term = getenv("TERM");

	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && term && *term &&
	       strcmp(term, "dumb");
}
