/*
 * header.c - the header line, the bottom line and the help overlay.
 *
 * The header says what runs and how it is doing: the program (whitespace
 * collapsed, cut to fit), probes attached, elapsed time, events per second,
 * lost events, the fullest map's entries against its limit, the refresh
 * interval and PAUSED. Figures are dropped from the right when the line is
 * short; the program text gives way first. The bottom line shows key hints,
 * or a status message for a few seconds, or the filter being typed.
 */
#include "tui.h"

#include <inttypes.h>
#include <string.h>

static void collapse_space(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	bool space = false;

	for (; src && *src && n + 1 < len; src++) {
		if (*src == ' ' || *src == '\t' || *src == '\n' || *src == '\r') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < len)
			dst[n++] = ' ';
		space = false;
		dst[n++] = *src;
	}
	dst[n] = 0;
}

void header_draw(struct tui *t, struct grid *g, int y)
{
	char items[8][48], prog[512], num[24];
	int n = 0;
	size_t nprobes = t->src ? t->src->nprobes : 0;
	/* the source may count losses in snapshots, through the sink, or both */
	uint64_t lost = t->tick.lost_total > t->lost_sink ? t->tick.lost_total : t->lost_sink;

	grid_fill(g, (struct rect){0, y, g->w, 1}, ' ', C_HEADER);
	snprintf(items[n++], sizeof(items[0]), "%zu probe%s", nprobes, nprobes == 1 ? "" : "s");
	fmt_duration(num, sizeof(num), (double)(t->now_ns - t->start_ns) / 1e9);
	snprintf(items[n++], sizeof(items[0]), "up %s", num);
	fmt_num(num, sizeof(num), (double)(uint64_t)(t->tick.events_rate + 0.5), 6);
	snprintf(items[n++], sizeof(items[0]), "%s ev/s", num);
	snprintf(items[n++], sizeof(items[0]), "lost %" PRIu64, lost);
	/* always slot 4, empty without a limit to show */
	snprintf(items[n++], sizeof(items[0]), "keys %zu/%zu", t->tick.entries,
		 t->tick.entries_max);
	snprintf(items[n++], sizeof(items[0]), "every %.3gs", t->interval_s);

	/* what gives way first when the line is short: keys, lost, probes ... */
	static const int drop_order[] = {4, 3, 0, 2, 1, 5};
	bool shown[8];
	int right = 0;
	for (int i = 0; i < n; i++) {
		shown[i] = i != 4 || t->tick.entries_max;
		right += shown[i] ? text_width(items[i]) + 3 : 0;
	}
	int paused_w = t->paused ? 9 : 0;
	collapse_space(prog, sizeof(prog), t->src ? t->src->program : NULL);
	int progmin = text_width(prog) < 24 ? text_width(prog) : 24;
	for (size_t d = 0; d < ARRAY_SIZE(drop_order) && 10 + progmin + right + paused_w > g->w;
	     d++) {
		int i = drop_order[d];
		if (!shown[i])
			continue;
		shown[i] = false;
		right -= text_width(items[i]) + 3;
	}
	int x = grid_puts(g, 0, y, g->w, C_HEADER_HI, " tracetop ");
	int progw = g->w - x - right - paused_w - 1;
	if (progw > 3 && prog[0]) {
		if (text_width(prog) > progw) {
			grid_puts(g, x, y, progw - 3, C_HEADER, prog);
			grid_puts(g, x + progw - 3, y, 3, C_HEADER, "...");
		} else {
			grid_puts(g, x, y, progw, C_HEADER, prog);
		}
	}
	x = g->w - right - paused_w;
	for (int i = 0; i < n; i++) {
		if (!shown[i])
			continue;
		x += grid_puts(g, x, y, 3, C_HEADER, " | ");
		x += grid_puts(g, x, y, g->w - x, C_HEADER_HI, items[i]);
	}
	if (t->paused)
		grid_puts(g, g->w - 8, y, 8, C_PAUSED, " PAUSED ");
}

void footer_draw(struct tui *t, struct grid *g, int y)
{
	static const char hints[] = "q quit  p pause  s sort  r reverse  Tab focus  Enter zoom"
				    "  / filter  d rate/total  H heat  c clear  t theme"
				    "  +/- interval  h help";
	char buf[160];

	grid_fill(g, (struct rect){0, y, g->w, 1}, ' ', C_STATUS);
	if (t->filtering) {
		snprintf(buf, sizeof(buf), "/%s_", t->filter);
		int x = grid_puts(g, 0, y, g->w, C_STATUS, buf);
		grid_puts(g, x + 2, y, g->w - x - 2, C_STATUS, "(Enter: keep, Esc: clear)");
		return;
	}
	int fw = 0, hidden = 0;
	for (size_t i = 0; i < t->npanels && !t->zoom; i++)
		hidden += t->panels[i].r.h <= 0;
	if (hidden || t->filter[0]) {
		char more[40] = "";
		if (hidden)
			snprintf(more, sizeof(more), " +%d panel%s (Tab)", hidden,
				 hidden == 1 ? "" : "s");
		snprintf(buf, sizeof(buf), "%s%s%s ", more, t->filter[0] ? " filter: " : "",
			 t->filter);
		fw = text_width(buf);
		if (fw > g->w / 2)
			fw = g->w / 2;
		grid_puts(g, g->w - fw, y, fw, C_HEADER_HI, buf);
	}
	if (t->status[0] && t->now_ns < t->status_until_ns) {
		grid_puts(g, 0, y, g->w - fw, C_STATUS, t->status);
		return;
	}
	grid_puts(g, 0, y, g->w - fw, C_STATUS, hints);
}

static const char *const help_lines[] = {
	"tracetop keys",
	"",
	"q            quit (the program's END runs)",
	"space, p     pause / resume the display",
	"s            cycle the sort column",
	"r            reverse the sort order",
	"Tab, S-Tab   focus the next / previous panel",
	"Enter        zoom the focused panel (again: back)",
	"Up, Down     move the cursor / scroll",
	"PgUp, PgDn   page;  Home, End: first, last",
	"Left, Right  hist: previous / next key;",
	"             table: collapse / expand a stack",
	"/            filter keys by substring",
	"d            totals or the last interval",
	"H            heat map of the focused histogram",
	"c            clear the focused map",
	"t            next colour theme",
	"+, -         refresh interval",
	"h, ?         this help (any key closes it)",
};

void help_draw(struct tui *t, struct grid *g)
{
	int n = (int)ARRAY_SIZE(help_lines);
	int w = 54, h = n + 2;

	if (w > g->w)
		w = g->w;
	if (h > g->h)
		h = g->h;
	int x0 = (g->w - w) / 2, y0 = (g->h - h) / 2;
	grid_fill(g, (struct rect){x0, y0, w, h}, ' ', C_HELP);
	for (int i = 0; i < n && i + 1 < h; i++)
		grid_puts(g, x0 + 2, y0 + 1 + i, w - 3, C_HELP, help_lines[i]);
	char th[96];
	snprintf(th, sizeof(th), "theme: %s", t->theme.name);
	if (h == n + 2)
		grid_puts_right(g, x0, y0, w - 2, C_HELP, th);
}
