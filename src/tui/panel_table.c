/*
 * panel_table.c - count/sum/min/max/avg maps as a table sorted like top.
 *
 * Columns: key, value, rate per second over the last interval, share of
 * the total as a percentage and a bar, and a sparkline of the row's rate
 * over the last HISTORY_LEN intervals. Columns are dropped from the right
 * when the panel is narrow. Only the rows that can be seen are sorted:
 * the matching rows are partitioned around the last visible one
 * (quickselect) and just that prefix is sorted, so a 100,000-key map
 * redraws in linear time. Also here: the helpers every panel shares
 * (title bar, bars, sparklines, row selection).
 */
#define _GNU_SOURCE
#include "tui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared helpers ---------------------------------------------------- */

void panel_title(struct tui *t, struct grid *g, struct panel *p, bool focused, const char *extra)
{
	int role = focused ? C_TITLE_FOCUS : C_TITLE;
	struct rect r = {p->r.x, p->r.y, p->r.w, 1};
	char left[256];

	grid_fill(g, r, ' ', role);
	/* '>' marks the focus also without colours */
	if (p->tm)
		snprintf(left, sizeof(left), "%c%s  %s", focused ? '>' : ' ', p->name, p->tm->desc);
	else
		snprintf(left, sizeof(left), "%c%s", focused ? '>' : ' ', p->name);
	int used = grid_puts(g, r.x, r.y, r.w, role, left);
	if (extra && *extra) {
		int ew = text_width(extra) + 1;
		if (used + 2 + ew <= r.w)
			grid_puts_right(g, r.x, r.y, r.w - 1, role, extra);
	}
	(void)t;
}

void draw_bar(struct tui *t, struct grid *g, int x, int y, int w, double frac, int role)
{
	static const uint32_t eighths[] = {0,      0x258f, 0x258e, 0x258d,
					   0x258c, 0x258b, 0x258a, 0x2589};

	if (w <= 0)
		return;
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	double cells = frac * w;
	int full = (int)cells;
	for (int i = 0; i < w; i++) {
		if (i < full) {
			grid_putc(g, x + i, y, t->opts.unicode ? 0x2588 : '#', role);
		} else if (i == full && t->opts.unicode && (int)((cells - full) * 8)) {
			grid_putc(g, x + i, y, eighths[(int)((cells - full) * 8)], role);
		} else {
			grid_putc(g, x + i, y, ' ', C_BAR_EMPTY);
		}
	}
	/* a non-zero share is never invisible */
	if (frac > 0 && full == 0 && !t->opts.unicode)
		grid_putc(g, x, y, '.', role);
}

void draw_spark(struct tui *t, struct grid *g, int x, int y, int w, const char *map,
		const char *key)
{
	static const char ascii[] = " .:-=+*#";
	static const uint32_t blocks[] = {' ',    0x2581, 0x2582, 0x2583, 0x2584,
					  0x2585, 0x2586, 0x2587, 0x2588};
	float v[HISTORY_LEN];
	float max = 0;
	int levels = t->opts.unicode ? 8 : 7;

	if (w <= 0)
		return;
	if (w > HISTORY_LEN)
		w = HISTORY_LEN;
	int n = history_get(t->hist, t->tick.seq, map, key, v, w);
	for (int i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (int i = 0; i < n; i++) {
		int lv = 0;
		if (max > 0 && v[i] > 0) {
			lv = (int)ceil(v[i] / max * levels);
			lv = lv < 1 ? 1 : lv > levels ? levels : lv;
		}
		grid_putc(g, x + i, y, t->opts.unicode ? blocks[lv] : (uint32_t)ascii[lv], C_SPARK);
	}
}

bool row_matches(const struct tui *t, const struct row *r)
{
	return !t->filter[0] || strcasestr(r->key, t->filter);
}

struct sort_ctx {
	int col;
	bool reverse;
	enum panel_kind kind;
};

static int cmp_num(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_key(const struct row *a, const struct row *b)
{
	const struct value *ka = &a->e->key, *kb = &b->e->key;

	if (ka->kind == V_INT && kb->kind == V_INT) {
		if (ka->is_signed)
			return ka->i < kb->i ? -1 : ka->i > kb->i;
		return ka->u < kb->u ? -1 : ka->u > kb->u;
	}
	return strcmp(a->key, b->key);
}

static double stats_field(const struct row *r, int col)
{
	const struct value *v = &r->e->val;

	if (v->kind != V_STATS && v->kind != V_AVG)
		return r->value;
	if (col == 1)
		return (double)v->stats.count;
	if (col == 2)
		return v->stats.count ? (double)(v->stats.total / (int64_t)v->stats.count) : 0;
	return (double)v->stats.total;
}

/* <0 when a goes first */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct row *a = *(const struct row *const *)pa, *b = *(const struct row *const *)pb;
	const struct sort_ctx *c = arg;
	int r;

	if (c->col == 0) {
		r = cmp_key(a, b);
	} else if (c->kind == P_STATS) {
		r = -cmp_num(stats_field(a, c->col), stats_field(b, c->col));
	} else if (c->col == 2) {
		r = -cmp_num(a->has_rate ? a->rate : -1, b->has_rate ? b->rate : -1);
	} else {
		r = -cmp_num(a->value, b->value);
	}
	if (c->reverse)
		r = -r;
	return r ? r : cmp_key(a, b);
}

/* move the k first elements (in order) to the front of v[0..n) */
static void select_top(const struct row **v, size_t n, size_t k, struct sort_ctx *c)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 16 && k > lo && k < hi) {
		const struct row *pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi - 1;
		for (;;) {
			while (cmp_rows(&v[i], &pivot, c) < 0)
				i++;
			while (cmp_rows(&v[j], &pivot, c) > 0)
				j--;
			if (i >= j)
				break;
			const struct row *tmp = v[i];
			v[i++] = v[j];
			v[j--] = tmp;
		}
		if (k <= j + 1)
			hi = j + 1;
		else
			lo = j + 1;
	}
}

size_t rows_select(const struct tui *t, const struct tick_map *tm, const struct panel_state *st,
		   size_t first, size_t n, const struct row **out)
{
	const struct row **v = xmalloc((tm->nrows + 1) * sizeof(*v));
	struct sort_ctx c = {st->sort_col, st->reverse, tm->kind};
	size_t m = 0;

	for (size_t i = 0; i < tm->nrows; i++)
		if (row_matches(t, &tm->rows[i]))
			v[m++] = &tm->rows[i];
	size_t k = first + n < m ? first + n : m;
	if (k < m)
		select_top(v, m, k, &c);
	qsort_r(v, k, sizeof(*v), cmp_rows, &c);
	for (size_t i = first; i < k; i++)
		out[i - first] = v[i];
	free(v);
	return m;
}

/* ---- the table ---------------------------------------------------------- */

struct cols {
	int key, val, rate, pct, bar, spark; /* widths; 0 = column hidden */
};

static struct cols plan_cols(int w, bool stats)
{
	struct cols c = {0};
	int fixed, avail;

	c.val = w >= 50 ? 10 : 8;
	c.rate = stats ? (w >= 60 ? 10 : 8) : (w >= 50 ? 9 : 7);
	fixed = c.val + 1 + c.rate + 1;
	avail = w - fixed - 12;
	if (stats) {
		c.pct = c.val;                               /* avg */
		c.bar = avail - c.pct - 1 >= 12 ? c.val : 0; /* total */
		c.key = w - fixed - c.pct - 1 - (c.bar ? c.bar + 1 : 0);
		return c;
	}
	if (avail >= 11) {
		c.pct = 4;
		c.bar = avail / 5 < 6 ? 6 : avail / 5 > 20 ? 20 : avail / 5;
		avail -= c.pct + 1 + c.bar + 1;
	}
	if (avail >= 12) {
		c.spark = avail / 2 > HISTORY_LEN ? HISTORY_LEN : avail / 2;
		if (c.spark < 10)
			c.spark = 10;
		avail -= c.spark + 1;
	}
	c.key = w - fixed - (c.pct ? c.pct + 1 + c.bar + 1 : 0) - (c.spark ? c.spark + 1 : 0);
	return c;
}

static const char *sort_mark(const struct tui *t, const struct panel_state *st, int col)
{
	if (st->sort_col != col)
		return "";
	bool up = col == 0 ? !st->reverse : st->reverse;
	if (t->opts.unicode)
		return up ? "\u25b2" : "\u25bc";
	return up ? "^" : "v";
}

static void head_cell(struct tui *t, struct grid *g, int x, int y, int w, bool right,
		      const struct panel_state *st, int col, const char *name)
{
	char buf[64];
	int role = st->sort_col == col ? C_COLHEAD_SORT : C_COLHEAD;

	snprintf(buf, sizeof(buf), "%s%s", name, sort_mark(t, st, col));
	if (right)
		grid_puts_right(g, x, y, w, role, buf);
	else
		grid_puts(g, x, y, w, role, buf);
}

int panel_table_want(const struct tui *t, const struct panel *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->tm->nrows; i++)
		n += row_matches(t, &p->tm->rows[i]);
	return (int)n + 2 + (n ? 0 : 1);
}

static void clamp_cursor(struct panel_state *st, size_t m, int rows)
{
	if (st->cursor >= (int)m)
		st->cursor = (int)m - 1;
	if (st->cursor < 0)
		st->cursor = 0;
	if (rows < 1)
		rows = 1;
	if (st->scroll > st->cursor)
		st->scroll = st->cursor;
	if (st->cursor >= st->scroll + rows)
		st->scroll = st->cursor - rows + 1;
	if (st->scroll < 0)
		st->scroll = 0;
}

static int draw_stack(struct grid *g, struct panel *p, int y, int ymax, const struct value *k)
{
	for (size_t i = 0; i < k->stack.n && y < ymax; i++, y++)
		grid_printf(g, p->r.x + 4, y, p->r.w - 4, C_KEY, "%s", k->stack.frames[i]);
	return y;
}

void panel_table_draw(struct tui *t, struct grid *g, struct panel *p, bool focused)
{
	const struct tick_map *tm = p->tm;
	struct panel_state *st = p->st;
	bool stats = p->kind == P_STATS;
	struct cols c = plan_cols(p->r.w, stats);
	int x = p->r.x, y = p->r.y + 1, ymax = p->r.y + p->r.h;
	int rows = p->r.h - 2;
	char buf[64], extra[96];

	if (rows < 1)
		rows = 1;
	size_t m = 0;
	for (size_t i = 0; i < tm->nrows; i++)
		m += row_matches(t, &tm->rows[i]);
	if (m > (size_t)rows)
		rows--; /* room for "N more" */
	if (rows < 1)
		rows = 1;
	clamp_cursor(st, m, rows);
	if (focused)
		t->page_rows = rows;

	snprintf(extra, sizeof(extra), "%zu key%s%s%s", m, m == 1 ? "" : "s",
		 t->filter[0] ? " matching" : "", t->show_rate ? "  share of rate" : "");
	panel_title(t, g, p, focused, extra);
	if (y >= ymax)
		return;

	/* column names */
	int cx = x;
	head_cell(t, g, cx, y, c.key, false, st, 0, "KEY");
	cx += c.key + 1;
	if (stats) {
		head_cell(t, g, cx, y, c.val, true, st, 1, "COUNT");
		cx += c.val + 1;
		head_cell(t, g, cx, y, c.pct, true, st, 2, "AVG");
		cx += c.pct + 1;
		if (c.bar) {
			head_cell(t, g, cx, y, c.bar, true, st, 3, "TOTAL");
			cx += c.bar + 1;
		}
		head_cell(t, g, cx, y, c.rate, true, st, 4, "COUNT/s");
	} else {
		head_cell(t, g, cx, y, c.val, true, st, 1, "VALUE");
		cx += c.val + 1;
		head_cell(t, g, cx, y, c.rate, true, st, 2, "RATE/s");
		cx += c.rate + 1;
		if (c.pct) {
			head_cell(t, g, cx, y, c.pct + 1 + c.bar, false, st, -1,
				  t->show_rate ? "SHARE/s" : "SHARE");
			cx += c.pct + 1 + c.bar + 1;
		}
		if (c.spark)
			head_cell(t, g, cx, y, c.spark, false, st, -1,
				  p->r.w >= 100 ? "RATE HISTORY" : "HISTORY");
	}
	y++;
	if (!m) {
		if (y < ymax)
			grid_puts(g, x + 1, y, p->r.w - 1, C_MORE,
				  tm->nrows ? "(no key matches the filter)" : "(empty)");
		return;
	}

	const struct row **vis = xmalloc((size_t)rows * sizeof(*vis));
	size_t got = rows_select(t, tm, st, (size_t)st->scroll, (size_t)rows, vis);
	size_t shown = got > (size_t)st->scroll ? got - (size_t)st->scroll : 0;
	if (shown > (size_t)rows)
		shown = (size_t)rows;
	double total = t->show_rate ? tm->total_rate : tm->total;
	if (tm->m->agg == AGG_MIN || tm->m->agg == AGG_MAX || tm->m->agg == AGG_AVG ||
	    tm->m->agg == AGG_NONE)
		total = tm->max_value; /* a share of the sum means nothing here */

	for (size_t i = 0; i < shown && y < ymax; i++, y++) {
		const struct row *r = vis[i];
		bool sel = focused && (int)i + st->scroll == st->cursor;
		int rx = x;

		if (sel)
			grid_fill(g, (struct rect){x, y, p->r.w, 1}, ' ', C_SELECTED);
		grid_puts(g, rx, y, c.key, sel ? C_SELECTED : C_KEY, r->key);
		rx += c.key + 1;
		if (!r->numeric) {
			struct strbuf sb = {0};
			fmt_value(&sb, &r->e->val);
			grid_puts(g, rx, y, p->r.x + p->r.w - rx, sel ? C_SELECTED : C_VALUE,
				  sb.buf ? sb.buf : "");
			sb_free(&sb);
		} else if (stats) {
			fmt_num(buf, sizeof(buf), stats_field(r, 1), c.val);
			grid_puts_right(g, rx, y, c.val, C_VALUE, buf);
			rx += c.val + 1;
			fmt_num(buf, sizeof(buf), stats_field(r, 2), c.pct);
			grid_puts_right(g, rx, y, c.pct, C_VALUE, buf);
			rx += c.pct + 1;
			if (c.bar) {
				fmt_num(buf, sizeof(buf), stats_field(r, 3), c.bar);
				grid_puts_right(g, rx, y, c.bar, C_VALUE, buf);
				rx += c.bar + 1;
			}
			if (r->has_rate) {
				fmt_num(buf, sizeof(buf), r->rate, c.rate);
				grid_puts_right(g, rx, y, c.rate, C_RATE, buf);
			}
		} else {
			fmt_num(buf, sizeof(buf), r->value, c.val);
			grid_puts_right(g, rx, y, c.val, C_VALUE, buf);
			rx += c.val + 1;
			if (r->has_rate)
				fmt_num(buf, sizeof(buf), r->rate, c.rate);
			else
				snprintf(buf, sizeof(buf), "-");
			grid_puts_right(g, rx, y, c.rate, C_RATE, buf);
			rx += c.rate + 1;
			if (c.pct) {
				double v = t->show_rate ? r->rate : r->value;
				double frac = total > 0 ? v / total : 0;
				snprintf(buf, sizeof(buf), "%3.0f%%", frac * 100);
				grid_puts_right(g, rx, y, c.pct, C_VALUE, buf);
				draw_bar(t, g, rx + c.pct + 1, y, c.bar, frac, C_BAR);
				rx += c.pct + 1 + c.bar + 1;
			}
			if (c.spark)
				draw_spark(t, g, rx, y, c.spark, tm->name, r->key);
		}
		if (sel && st->expand && r->e->key.kind == V_STACK)
			y = draw_stack(g, p, y + 1, ymax, &r->e->key) - 1;
	}
	free(vis);
	size_t below = m - (size_t)st->scroll - shown;
	if (below && y < ymax) {
		snprintf(buf, sizeof(buf), "... %zu more", below);
		grid_puts(g, x + 1, y, p->r.w - 1, C_MORE, buf);
	}
}
