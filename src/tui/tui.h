/*
 * tui.h - the live dashboard. It draws snapshots and a log of text; it
 * knows nothing of BPF: the caller supplies a struct tui_source.
 */
#ifndef TRACETOP_TUI_H
#define TRACETOP_TUI_H

#include "../bt.h"
#include "../model/model.h"

/* wanted by main.c (the lead): */
struct tui_opts {
	double interval_s;
	const char *theme;
	bool unicode;
};

struct tui_source {
	/* wait up to timeout_ms for events, delivering them to sink (the
	 * TUI's own, from tui_sink); 1 = the program wants to exit, <0 error */
	int (*poll)(void *ctx, int timeout_ms, const struct sink_ops *sink);
	struct snapshot *(*snapshot)(void *ctx); /* caller frees (snapshot_free) */
	int (*clear_map)(void *ctx, const char *name);
	void *ctx;
	const char *program; /* program text, for the header */
	size_t nprobes;
};

struct tui;
struct tui *tui_new(const struct tui_opts *o); /* NULL after printing why */
const struct sink_ops *tui_sink(struct tui *t);
int tui_run(struct tui *t, const struct tui_source *src); /* returns exit status */
void tui_free(struct tui *t); /* restores the terminal */

#endif
