/*
 * layout.c - which panels exist and where they go.
 *
 * One panel per map (tables, histograms, stats) in the snapshot's order,
 * one panel gathering every scalar map, and the log pane once the program
 * printed something. The body is filled completely: on a wide terminal
 * (>= 120 columns) the map panels go into two columns, balanced by the rows
 * they would like; the log pane spans the bottom. Each panel first gets a
 * minimum, then rows go one at a time to panels that want more, then to
 * all, so nothing is left blank. When panels do not fit even at their
 * minimum, a window of them around the focused one is shown. Zoom gives
 * the focused panel the whole body.
 */
#include "tui.h"

#include <stdlib.h>
#include <string.h>

#define PANEL_MIN_H 3
#define WIDE_COLS   120

static int panel_want(const struct tui *t, const struct panel *p)
{
	switch (p->kind) {
	case P_TABLE:
	case P_STATS:
		return panel_table_want(t, p);
	case P_HIST:
		return panel_hist_want(t, p);
	case P_SCALARS: {
		int n = 1;
		for (size_t i = 0; i < t->tick.nmaps; i++)
			n += t->tick.maps[i].kind == P_SCALARS;
		return n;
	}
	case P_LOG:
		return (int)(t->log_len + (t->log_partial.len ? 1 : 0)) + 1;
	}
	return PANEL_MIN_H;
}

void layout_build(struct tui *t)
{
	size_t cap = t->tick.nmaps + 2, n = 0;
	bool scalars = false;

	free(t->panels);
	t->panels = xcalloc(cap, sizeof(*t->panels));
	for (size_t i = 0; i < t->tick.nmaps; i++) {
		const struct tick_map *tm = &t->tick.maps[i];
		if (tm->kind == P_SCALARS) {
			scalars = true;
			continue;
		}
		t->panels[n++] = (struct panel){.kind = tm->kind, .name = tm->name, .tm = tm};
	}
	if (scalars)
		t->panels[n++] = (struct panel){.kind = P_SCALARS, .name = "scalars"};
	if (t->log_len || t->log_partial.len)
		t->panels[n++] = (struct panel){.kind = P_LOG, .name = "output"};
	t->npanels = n;
	t->focus = 0;
	for (size_t i = 0; i < n; i++) {
		t->panels[i].st = tui_state(t, t->panels[i].name);
		t->panels[i].want_h = panel_want(t, &t->panels[i]);
		if (!strcmp(t->panels[i].name, t->focus_name))
			t->focus = (int)i;
	}
	if (n)
		snprintf(t->focus_name, sizeof(t->focus_name), "%s", t->panels[t->focus].name);
}

/* stack the panels idx[0..k) in column rect c */
static void place_column(struct tui *t, struct rect c, const int *idx, int k)
{
	int first = 0, m = k;
	int h[64];

	if (k > 64)
		k = m = 64;
	if (k * PANEL_MIN_H > c.h) {
		m = c.h / PANEL_MIN_H > 0 ? c.h / PANEL_MIN_H : 1;
		for (int i = 0; i < k; i++)
			if (idx[i] == t->focus && i >= m)
				first = i - m + 1;
	}
	int rem = c.h;
	for (int i = 0; i < m; i++) {
		h[i] = PANEL_MIN_H < rem ? PANEL_MIN_H : rem;
		rem -= h[i];
	}
	for (bool wanting = true; rem > 0;) {
		bool gave = false;
		for (int i = 0; i < m && rem > 0; i++) {
			if (wanting && h[i] >= t->panels[idx[first + i]].want_h)
				continue;
			h[i]++;
			rem--;
			gave = true;
		}
		if (!gave)
			wanting = false;
	}
	int y = c.y;
	for (int i = 0; i < m; i++) {
		t->panels[idx[first + i]].r = (struct rect){c.x, y, c.w, h[i]};
		y += h[i];
	}
}

void layout_place(struct tui *t, struct rect body)
{
	int left[64], right[64], nl = 0, nr = 0, log = -1;
	int want_l = 0, want_r = 0;

	for (size_t i = 0; i < t->npanels; i++)
		t->panels[i].r = (struct rect){0};
	if (!t->npanels)
		return;
	if (t->zoom) {
		t->panels[t->focus].r = body;
		return;
	}
	int nmap = 0;
	for (size_t i = 0; i < t->npanels; i++) {
		if (t->panels[i].kind == P_LOG)
			log = (int)i;
		else
			nmap++;
	}
	if (log >= 0 && nmap) {
		int lh = t->panels[log].want_h;
		int maxh = body.h / 3 > PANEL_MIN_H ? body.h / 3 : PANEL_MIN_H;
		lh = lh < PANEL_MIN_H ? PANEL_MIN_H : lh > maxh ? maxh : lh;
		t->panels[log].r = (struct rect){body.x, body.y + body.h - lh, body.w, lh};
		body.h -= lh;
	} else if (log >= 0) {
		t->panels[log].r = body;
		return;
	}
	bool two = body.w >= WIDE_COLS && nmap >= 2;
	for (size_t i = 0; i < t->npanels && nl + nr < 64; i++) {
		if ((int)i == log)
			continue;
		if (two && want_r < want_l) {
			right[nr++] = (int)i;
			want_r += t->panels[i].want_h;
		} else {
			left[nl++] = (int)i;
			want_l += t->panels[i].want_h;
		}
	}
	if (!two) {
		place_column(t, body, left, nl);
		return;
	}
	int lw = (body.w - 1) / 2;
	place_column(t, (struct rect){body.x, body.y, lw, body.h}, left, nl);
	place_column(t, (struct rect){body.x + lw + 1, body.y, body.w - lw - 1, body.h}, right, nr);
}
