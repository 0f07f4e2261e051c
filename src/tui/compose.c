/*
 * compose.c - one frame of the dashboard into a grid.
 *
 * Header on the first line, key hints on the last, panels in between as
 * layout.c places them, the help overlay on top. Below 40x10 only a notice
 * is drawn. This is the whole of what a test sees: tui_compose on a grid of
 * any size, then grid_dump.
 */
#include "tui.h"

#define MIN_W 40
#define MIN_H 10

static void too_small(struct grid *g)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "terminal too small: %dx%d", g->w, g->h);
	int y = g->h / 2 - 1 < 0 ? 0 : g->h / 2 - 1;
	int w = text_width(buf);
	grid_puts(g, w < g->w ? (g->w - w) / 2 : 0, y, g->w, C_ERROR, buf);
	snprintf(buf, sizeof(buf), "need %dx%d, q quits", MIN_W, MIN_H);
	w = text_width(buf);
	grid_puts(g, w < g->w ? (g->w - w) / 2 : 0, y + 1, g->w, C_DEFAULT, buf);
}

void tui_compose(struct tui *t, struct grid *g)
{
	grid_clear(g);
	if (g->w < MIN_W || g->h < MIN_H) {
		too_small(g);
		return;
	}
	layout_build(t);
	struct rect body = {0, 1, g->w, g->h - 2};
	layout_place(t, body);
	header_draw(t, g, 0);
	footer_draw(t, g, g->h - 1);
	if (!t->npanels) {
		grid_puts(g, 2, 2, g->w - 2, C_MORE,
			  t->tick.seq ? "(no maps yet: waiting for the program to write one)"
				      : "(waiting for the first snapshot)");
	}
	for (size_t i = 0; i < t->npanels; i++) {
		struct panel *p = &t->panels[i];
		bool focused = (int)i == t->focus;
		if (p->r.h <= 0 || p->r.w <= 0)
			continue;
		if (p->r.x > 0)
			for (int y = p->r.y; y < p->r.y + p->r.h; y++)
				grid_putc(g, p->r.x - 1, y, t->opts.unicode ? 0x2502 : '|',
					  C_SEPARATOR);
		switch (p->kind) {
		case P_TABLE:
			panel_table_draw(t, g, p, focused);
			break;
		case P_STATS:
			panel_stats_draw(t, g, p, focused);
			break;
		case P_HIST:
			panel_hist_draw(t, g, p, focused);
			break;
		case P_SCALARS:
			panel_scalars_draw(t, g, p, focused);
			break;
		case P_LOG:
			panel_log_draw(t, g, p, focused);
			break;
		}
	}
	if (t->help)
		help_draw(t, g);
}
