/*
 * panel_hist.c - hist/lhist maps as live histograms and heat maps.
 *
 * The histogram view prints bpftrace's rows (its bucket labels come from
 * the model's hist_bucket_label, trimmed to the first and last non-empty
 * bucket) with bars scaled to the panel width, and a footer with the
 * sample count and p50/p90/p99 estimated by hist_percentile. With `d` it
 * shows the last interval instead of the totals. A keyed histogram shows
 * one key at a time, Left/Right choose which (keys in key order).
 *
 * `H` switches to a heat map in the manner of Brendan Gregg's latency heat
 * maps: time runs left to right, one column per interval (the newest at
 * the right edge), one row per bucket (larger values higher up), each cell
 * shaded by how many samples fell in that bucket during that interval,
 * relative to the busiest cell shown, on a log scale (else one busy
 * interval washes out everything else). The columns come from history.c.
 */
#define _GNU_SOURCE
#include "tui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_MAX 20

/* busiest first (largest total), then by key */
static int cmp_hist_rows(const void *pa, const void *pb)
{
	const struct row *a = *(const struct row *const *)pa, *b = *(const struct row *const *)pb;

	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* the selected key's row among the keys matching the filter, busiest first;
 * the selection follows the key, not its place; Left/Right moves pending in
 * st->hist_key are applied here */
static const struct row *selected_row(const struct tui *t, const struct panel *p, size_t *nkeys,
				      int *idx)
{
	const struct tick_map *tm = p->tm;
	struct panel_state *st = p->st;
	const struct row **v = xmalloc((tm->nrows + 1) * sizeof(*v));
	size_t m = 0;
	int i = 0;

	for (size_t j = 0; j < tm->nrows; j++)
		if (tm->rows[j].e->val.kind == V_HIST &&
		    (!tm->m->has_keys || row_matches(t, &tm->rows[j])))
			v[m++] = &tm->rows[j];
	qsort(v, m, sizeof(*v), cmp_hist_rows);
	for (size_t j = 0; st->hist_sel[0] && j < m; j++)
		if (!strcmp(v[j]->key, st->hist_sel))
			i = (int)j;
	i += st->hist_key;
	st->hist_key = 0;
	if (i >= (int)m)
		i = (int)m - 1;
	if (i < 0)
		i = 0;
	const struct row *r = m ? v[i] : NULL;
	if (r && (st->hist_sel[0] || i))
		snprintf(st->hist_sel, sizeof(st->hist_sel), "%s", r->key);
	free(v);
	*nkeys = m;
	*idx = i;
	return r;
}

/* the counts shown: totals, or the last interval with `d` */
static struct hist shown_hist(const struct tui *t, const struct row *r)
{
	struct hist h = r->e->val.hist;

	if (t->show_rate && r->hist_delta)
		h.counts = (uint64_t *)r->hist_delta;
	return h;
}

static bool hist_range(const struct hist *h, uint32_t *lo, uint32_t *hi)
{
	bool any = false;

	for (uint32_t b = 0; b < h->nbuckets; b++)
		if (h->counts[b]) {
			if (!any)
				*lo = b;
			*hi = b;
			any = true;
		}
	return any;
}

/* bucket range with samples in the last ncols heat columns */
static bool heat_range(struct tui *t, const struct panel *p, const struct row *r, int ncols,
		       uint32_t *lo, uint32_t *hi, uint64_t *max)
{
	bool any = false;

	*max = 0;
	for (int i = 0; i < ncols; i++) {
		uint32_t nb;
		const uint32_t *c =
			history_heat_col(t->hist, t->tick.seq, p->tm->name, r->key, ncols, i, &nb);
		for (uint32_t b = 0; c && b < nb; b++) {
			if (!c[b])
				continue;
			if (!any || b < *lo)
				*lo = b;
			if (!any || b > *hi)
				*hi = b;
			if (c[b] > *max)
				*max = c[b];
			any = true;
		}
	}
	return any;
}

int panel_hist_want(const struct tui *t, const struct panel *p)
{
	size_t nkeys;
	int idx;
	uint32_t lo = 0, hi = 0;
	const struct row *r = selected_row(t, p, &nkeys, &idx);

	if (!r)
		return 3;
	if (p->st->heat) {
		uint64_t max;
		if (!heat_range((struct tui *)t, p, r, HEAT_LEN, &lo, &hi, &max))
			return 3;
		return (int)(hi - lo) + 3;
	}
	struct hist h = shown_hist(t, r);
	if (!hist_range(&h, &lo, &hi))
		return 3;
	return (int)(hi - lo) + 3;
}

static void fmt_pct(char *buf, size_t len, const struct hist *h, double pct)
{
	fmt_num(buf, len, round(hist_percentile(h, pct)), 7);
}

static void draw_footer(struct tui *t, struct grid *g, struct panel *p, const struct hist *h, int y)
{
	char n[24], p50[24], p90[24], p99[24];

	fmt_num(n, sizeof(n), (double)hist_total(h), 10);
	fmt_pct(p50, sizeof(p50), h, 50);
	fmt_pct(p90, sizeof(p90), h, 90);
	fmt_pct(p99, sizeof(p99), h, 99);
	grid_printf(g, p->r.x, y, p->r.w, C_PCT, " n=%s  p50 %s  p90 %s  p99 %s%s", n, p50, p90,
		    p99, t->show_rate ? "  (last interval)" : "");
}

static void draw_histogram(struct tui *t, struct grid *g, struct panel *p, const struct row *r)
{
	struct hist h = shown_hist(t, r);
	uint32_t lo = 0, hi = 0;
	int y = p->r.y + 1, ymax = p->r.y + p->r.h;
	char label[64], cnt[24];

	if (!hist_range(&h, &lo, &hi)) {
		if (y < ymax)
			grid_puts(g, p->r.x + 1, y, p->r.w - 1, C_MORE,
				  t->show_rate ? "(no samples in the last interval)"
					       : "(no samples yet)");
		return;
	}
	int rows = ymax - y - 1; /* the footer */
	if (rows < 1)
		rows = 1;
	int nb = (int)(hi - lo + 1);
	if (nb > rows && rows > 1)
		rows--; /* room for "N more buckets" */
	int *scroll = &p->st->scroll;
	if (*scroll > nb - rows)
		*scroll = nb - rows;
	if (*scroll < 0)
		*scroll = 0;
	int labelw = 0;
	uint64_t max = 0;
	for (uint32_t b = lo; b <= hi; b++) {
		hist_bucket_label(&h, b, label, sizeof(label));
		int lw = text_width(label);
		labelw = lw > labelw ? lw : labelw;
		max = h.counts[b] > max ? h.counts[b] : max;
	}
	if (labelw > LABEL_MAX)
		labelw = LABEL_MAX;
	int cntw = p->r.w >= 60 ? 8 : 6;
	int barw = p->r.w - labelw - 1 - cntw - 3;
	for (int i = 0; i < rows && *scroll + i < nb && y < ymax - 1; i++, y++) {
		uint32_t b = lo + (uint32_t)(*scroll + i);
		int x = p->r.x;
		hist_bucket_label(&h, b, label, sizeof(label));
		grid_puts(g, x, y, labelw, C_LABEL, label);
		x += labelw + 1;
		fmt_num(cnt, sizeof(cnt), (double)h.counts[b], cntw);
		grid_puts_right(g, x, y, cntw, C_VALUE, cnt);
		x += cntw;
		if (barw >= 1) {
			grid_puts(g, x, y, 2, C_DEFAULT, " |");
			draw_bar(t, g, x + 2, y, barw, max ? (double)h.counts[b] / max : 0, C_BAR);
			grid_puts(g, x + 2 + barw, y, 1, C_DEFAULT, "|");
		}
	}
	if (*scroll + rows < nb && y < ymax - 1)
		grid_printf(g, p->r.x + 1, y++, p->r.w - 1, C_MORE, "... %d more buckets",
			    nb - *scroll - rows);
	draw_footer(t, g, p, &h, ymax - 1);
}

static void draw_heat(struct tui *t, struct grid *g, struct panel *p, const struct row *r)
{
	static const char ascii[] = " .:-=+*#%@";
	static const uint32_t blocks[] = {' ', 0x2591, 0x2592, 0x2593, 0x2588};
	int levels = t->opts.unicode ? 4 : 9;
	int y0 = p->r.y + 1, ymax = p->r.y + p->r.h;
	struct hist h = r->e->val.hist;
	char label[64];
	int labelw = 0;

	uint32_t lo = 0, hi = 0;
	uint64_t max = 0;
	int ncols = p->r.w - 13 > HEAT_LEN ? HEAT_LEN : p->r.w - 13;
	if (ncols < 1 || !heat_range(t, p, r, ncols, &lo, &hi, &max)) {
		if (y0 < ymax)
			grid_puts(g, p->r.x + 1, y0, p->r.w - 1, C_MORE,
				  "(heat map: no samples in the intervals seen so far)");
		return;
	}
	/* labels as wide as the widest one in the range shown */
	for (uint32_t b = lo; b <= hi; b++) {
		hist_bucket_label(&h, b, label, sizeof(label));
		int lw = text_width(label);
		labelw = lw > labelw ? lw : labelw;
	}
	if (labelw > LABEL_MAX)
		labelw = LABEL_MAX;
	ncols = p->r.w - labelw - 1 > HEAT_LEN ? HEAT_LEN : p->r.w - labelw - 1;
	heat_range(t, p, r, ncols, &lo, &hi, &max);
	int rows = ymax - y0 - 1;
	int nb = (int)(hi - lo + 1);
	if (rows < 1)
		rows = 1;
	int *scroll = &p->st->scroll; /* rows hidden at the top (largest buckets) */
	if (*scroll > nb - rows)
		*scroll = nb - rows;
	if (*scroll < 0)
		*scroll = 0;
	int top = (int)hi - *scroll; /* bucket on the first row */
	for (int i = 0; i < rows && top - i >= (int)lo; i++) {
		uint32_t b = (uint32_t)(top - i);
		int y = y0 + i;
		hist_bucket_label(&h, b, label, sizeof(label));
		grid_puts_right(g, p->r.x, y, labelw, C_LABEL, label);
		for (int c = 0; c < ncols; c++) {
			uint32_t cnb;
			const uint32_t *col = history_heat_col(t->hist, t->tick.seq, p->tm->name,
							       r->key, ncols, c, &cnb);
			uint64_t n = col && b < cnb ? col[b] : 0;
			int lv = 0;
			if (n && max) {
				/* log scale: a busy interval does not wash out the rest */
				lv = (int)ceil(log1p((double)n) / log1p((double)max) * levels);
				lv = lv < 1 ? 1 : lv > levels ? levels : lv;
			}
			int role = lv ? C_HEAT1 + (lv - 1) * 4 / levels : C_DEFAULT;
			uint32_t ch = t->opts.unicode ? blocks[lv] : (uint32_t)ascii[lv];
			grid_putc(g, p->r.x + labelw + 1 + c, y, ch, role);
		}
	}
	char mx[24];
	fmt_num(mx, sizeof(mx), (double)max, 8);
	grid_printf(g, p->r.x, ymax - 1, p->r.w, C_PCT,
		    " heat map: %d intervals of %.3gs, newest right; darkest = %s (log shades)",
		    ncols, t->interval_s, mx);
}

void panel_hist_draw(struct tui *t, struct grid *g, struct panel *p, bool focused)
{
	size_t nkeys;
	int idx;
	char extra[160];
	const struct row *r = selected_row(t, p, &nkeys, &idx);

	if (p->tm->m->has_keys && r)
		snprintf(extra, sizeof(extra), "key %d/%zu: %.80s%s", idx + 1, nkeys, r->key,
			 nkeys > 1 ? "  <- ->" : "");
	else if (p->tm->m->has_keys)
		snprintf(extra, sizeof(extra), "%s", t->filter[0] ? "no key matches" : "no keys");
	else
		extra[0] = 0;
	if (p->st->heat)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "%sheat map",
			 extra[0] ? "  " : "");
	panel_title(t, g, p, focused, extra);
	if (focused)
		t->page_rows = p->r.h - 2;
	if (!r) {
		if (p->r.h > 1)
			grid_puts(g, p->r.x + 1, p->r.y + 1, p->r.w - 1, C_MORE, "(empty)");
		return;
	}
	if (p->st->heat)
		draw_heat(t, g, p, r);
	else
		draw_histogram(t, g, p, r);
}
