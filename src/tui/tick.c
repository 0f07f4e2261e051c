/*
 * tick.c - what one snapshot means for the screen.
 *
 * On every refresh the new snapshot is compared with the previous one:
 * each entry gets its key as text (the row's identity), its value as a
 * number, and its change and per-second rate over the interval; a
 * histogram gets its bucket counts of the interval. Rates and interval
 * histograms are pushed into history.c for sparklines and heat maps. This
 * is done once per snapshot, so redrawing on a key press costs no more
 * than selecting the rows that are visible.
 *
 * A map the program prints itself (print(@x), see printed.c) is shown as
 * printed. If the live map holds less than the print, the program clears
 * it after printing and each print is one interval; otherwise prints are
 * cumulative and the rate comes from the difference of the last two.
 * A counter that went down (clear() or the `c` key) counts from zero.
 */
#include "tui.h"

#include <string.h>

struct key_index {
	const char **keys;
	const struct map_entry **entries;
	size_t cap;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void index_build(struct key_index *ix, struct arena *a, const struct map_snapshot *m,
			struct strbuf *sb)
{
	ix->cap = 16;
	while (ix->cap < m->n * 2)
		ix->cap *= 2;
	ix->keys = arena_alloc(a, ix->cap * sizeof(char *));
	ix->entries = arena_alloc(a, ix->cap * sizeof(void *));
	for (size_t i = 0; i < m->n; i++) {
		sb_reset(sb);
		fmt_key(sb, &m->entries[i].key);
		const char *k = sb->buf ? sb->buf : "";
		size_t j = hash_str(k) & (ix->cap - 1);
		while (ix->keys[j] && strcmp(ix->keys[j], k))
			j = (j + 1) & (ix->cap - 1);
		if (!ix->keys[j]) {
			ix->keys[j] = arena_strdup(a, k);
			ix->entries[j] = &m->entries[i];
		}
	}
}

static const struct map_entry *index_find(const struct key_index *ix, const char *k)
{
	if (!ix->cap)
		return NULL;
	size_t j = hash_str(k) & (ix->cap - 1);
	for (; ix->keys[j]; j = (j + 1) & (ix->cap - 1))
		if (!strcmp(ix->keys[j], k))
			return ix->entries[j];
	return NULL;
}

/* the same key (false when unsure: the caller falls back to the index) */
static bool key_equal(const struct value *a, const struct value *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case V_NONE:
		return true;
	case V_INT:
		return a->u == b->u;
	case V_STR:
		return !strncmp(a->str.s, b->str.s,
				a->str.len > b->str.len ? a->str.len : b->str.len);
	case V_BUF:
		return a->buf.len == b->buf.len && !memcmp(a->buf.bytes, b->buf.bytes, a->buf.len);
	case V_TUPLE:
	case V_RECORD:
	case V_ARRAY:
		if (a->tuple.n != b->tuple.n)
			return false;
		for (size_t i = 0; i < a->tuple.n; i++)
			if (!key_equal(&a->tuple.elems[i], &b->tuple.elems[i]))
				return false;
		return true;
	case V_STACK:
		if (a->stack.n != b->stack.n)
			return false;
		for (size_t i = 0; i < a->stack.n; i++)
			if (strcmp(a->stack.frames[i] ? a->stack.frames[i] : "",
				   b->stack.frames[i] ? b->stack.frames[i] : ""))
				return false;
		return true;
	default:
		return false;
	}
}

static const struct map_snapshot *snap_map(const struct snapshot *s, const char *name)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->nmaps; i++)
		if (!strcmp(s->maps[i].name, name))
			return &s->maps[i];
	return NULL;
}

static double map_total(const struct map_snapshot *m)
{
	double t = 0, v;

	for (size_t i = 0; i < m->n; i++)
		if (entry_number(&m->entries[i].val, &v))
			t += v;
	return t;
}

static enum panel_kind map_kind(const struct map_snapshot *m)
{
	if (m->agg == AGG_HIST || m->agg == AGG_LHIST)
		return P_HIST;
	if (!m->has_keys)
		return P_SCALARS;
	if (m->agg == AGG_STATS)
		return P_STATS;
	return P_TABLE;
}

static const char *kind_name(const struct map_snapshot *m, struct arena *a)
{
	static const char *const names[] = {
		[AGG_NONE] = "value",  [AGG_COUNT] = "count", [AGG_SUM] = "sum",
		[AGG_MIN] = "min",     [AGG_MAX] = "max",     [AGG_AVG] = "avg",
		[AGG_STATS] = "stats", [AGG_HIST] = "hist",   [AGG_LHIST] = "lhist",
	};
	if (m->agg == AGG_LHIST && m->n && m->entries[0].val.kind == V_HIST) {
		const struct hist *h = &m->entries[0].val.hist;
		return arena_printf(a, "lhist(%lld, %lld, %lld)", (long long)h->lmin,
				    (long long)h->lmax, (long long)h->lstep);
	}
	return m->agg < ARRAY_SIZE(names) && names[m->agg] ? names[m->agg] : "?";
}

static void key_type(struct strbuf *sb, const struct value *k)
{
	switch (k->kind) {
	case V_INT:
		sb_puts(sb, "int");
		break;
	case V_STR:
		sb_puts(sb, "string");
		break;
	case V_BUF:
		sb_puts(sb, "buffer");
		break;
	case V_STACK:
		sb_puts(sb, "stack");
		break;
	case V_TUPLE:
	case V_RECORD:
		sb_putc(sb, '(');
		for (size_t i = 0; i < k->tuple.n; i++) {
			if (i)
				sb_puts(sb, ", ");
			key_type(sb, &k->tuple.elems[i]);
		}
		sb_putc(sb, ')');
		break;
	case V_ARRAY:
		sb_puts(sb, "array");
		break;
	default:
		sb_puts(sb, "value");
		break;
	}
}

/* the count behind a rate: events for avg/stats, the value for counters */
static bool rate_basis(const struct value *v, enum map_agg agg, double *out)
{
	switch (agg) {
	case AGG_COUNT:
	case AGG_SUM:
		return v->kind == V_INT || v->kind == V_COUNT || v->kind == V_SUM
			       ? entry_number(v, out)
			       : false;
	case AGG_AVG:
	case AGG_STATS:
		*out = (double)v->stats.count;
		return true;
	case AGG_HIST:
	case AGG_LHIST:
		*out = (double)hist_total(&v->hist);
		return true;
	default:
		return false;
	}
}

struct map_src {
	const struct map_snapshot *m, *prev;
	double dt;
	bool per_interval; /* each value already is one interval's worth */
	bool printed;
	bool stale; /* printed, and not printed again since the last tick: no
		       new heat map column */
};

static void build_hist_delta(struct tick *tk, struct row *r, const struct map_entry *e,
			     const struct map_entry *pe, const struct map_src *src)
{
	const struct hist *h = &e->val.hist;
	uint64_t *d = arena_alloc(&tk->arena, (h->nbuckets + 1) * sizeof(uint64_t));
	bool went_down = false;

	if (pe && pe->val.kind == V_HIST && pe->val.hist.nbuckets == h->nbuckets &&
	    !src->per_interval) {
		for (uint32_t b = 0; b < h->nbuckets; b++)
			if (h->counts[b] < pe->val.hist.counts[b])
				went_down = true;
		for (uint32_t b = 0; b < h->nbuckets; b++)
			d[b] = went_down ? h->counts[b] : h->counts[b] - pe->val.hist.counts[b];
	} else if (src->prev || src->per_interval) {
		memcpy(d, h->counts, h->nbuckets * sizeof(uint64_t));
	}
	r->hist_delta = d;
}

static void build_map(struct tick *tk, struct tick_map *tm, const struct map_src *src,
		      struct history *hist, struct strbuf *sb)
{
	const struct map_snapshot *m = src->m;
	struct key_index ix = {0};

	struct map_snapshot *copy = arena_alloc(&tk->arena, sizeof(*copy));
	*copy = *m; /* a printed map's header changes with the next print */
	copy->name = arena_strdup(&tk->arena, m->name);
	tm->name = copy->name;
	tm->m = copy;
	tm->kind = map_kind(m);
	tm->printed = src->printed;
	tm->dt = src->dt;
	sb_reset(sb);
	sb_puts(sb, kind_name(m, &tk->arena));
	if (m->has_keys && m->n) {
		sb_puts(sb, ", key ");
		key_type(sb, &m->entries[0].key);
	}
	if (src->printed)
		sb_puts(sb, ", printed");
	tm->desc = arena_strdup(&tk->arena, sb->buf);

	/* maps are read in hash order, which rarely changes between two
	 * snapshots: match by position first, build the index only if needed */
	const struct map_snapshot *pm = src->prev && !src->per_interval ? src->prev : NULL;
	struct strbuf ksb = {0};
	tm->rows = arena_alloc(&tk->arena, (m->n + 1) * sizeof(struct row));
	tm->nrows = m->n;
	for (size_t i = 0; i < m->n; i++) {
		const struct map_entry *e = &m->entries[i];
		struct row *r = &tm->rows[i];
		double now, before = 0;

		sb_reset(&ksb);
		fmt_key(&ksb, &e->key);
		r->key = arena_strdup(&tk->arena, ksb.buf ? ksb.buf : "");
		r->e = e;
		r->numeric = entry_number(&e->val, &r->value);
		const struct map_entry *pe = NULL;
		if (pm && i < pm->n && key_equal(&pm->entries[i].key, &e->key)) {
			pe = &pm->entries[i];
		} else if (pm) {
			if (!ix.cap)
				index_build(&ix, &tk->arena, pm, sb);
			pe = index_find(&ix, r->key);
		}
		if (rate_basis(&e->val, m->agg, &now) && src->dt > 0 &&
		    (src->prev || src->per_interval)) {
			if (pe && !src->per_interval)
				rate_basis(&pe->val, m->agg, &before);
			r->delta = now >= before ? now - before : now;
			r->rate = r->delta / src->dt;
			r->has_rate = true;
		}
		if (tm->kind == P_HIST && e->val.kind == V_HIST) {
			build_hist_delta(tk, r, e, pe, src);
			if (r->hist_delta && !src->stale)
				history_push_heat(hist, tk->seq, m->name, r->key, r->hist_delta,
						  e->val.hist.nbuckets);
		}
		/* sparklines show rates; maps without one (min, max) their value
		 * (a stale print repeats its sample: no holes in the line) */
		double ignored;
		if (r->has_rate)
			history_push(hist, tk->seq, m->name, r->key, (float)r->rate);
		else if (r->numeric && !rate_basis(&e->val, m->agg, &ignored))
			history_push(hist, tk->seq, m->name, r->key, (float)r->value);
		if (r->numeric) {
			tm->total += r->value;
			if (r->value > tm->max_value)
				tm->max_value = r->value;
		}
		if (r->has_rate) {
			tm->total_rate += r->rate;
			if (r->rate > tm->max_rate)
				tm->max_rate = r->rate;
		}
	}
	sb_free(&ksb);
}

static double secs(uint64_t a, uint64_t b)
{
	return a > b ? (double)(a - b) / 1e9 : 0;
}

static void printed_src(struct map_src *src, struct printed_map *pm,
			const struct map_snapshot *live, double dt)
{
	src->m = &pm->m;
	src->printed = true;
	src->stale = pm->seen_seq == pm->seq; /* history: one sample per print */
	pm->seen_seq = pm->seq;
	/* the program clears what it printed: each print is one interval */
	src->per_interval = live && map_total(live) < map_total(&pm->m);
	src->prev = pm->has_prev ? &pm->prev : NULL;
	src->dt = pm->has_prev ? secs(pm->at_ns, pm->prev_at_ns) : 0;
	if (src->per_interval && !src->dt)
		src->dt = dt;
}

void tick_build(struct tick *tk, uint64_t seq, const struct snapshot *cur,
		const struct snapshot *prev, struct printed_map **printed, size_t nprinted,
		struct history *hist)
{
	struct strbuf sb = {0};
	size_t cap = (cur ? cur->nmaps : 0) + nprinted + 1;

	tick_free(tk);
	tk->seq = seq;
	tk->maps = arena_alloc(&tk->arena, cap * sizeof(struct tick_map));
	if (cur && prev)
		tk->dt = secs(cur->taken_ns, prev->taken_ns);
	if (cur) {
		tk->events_total = cur->events_total;
		tk->lost_total = cur->lost_total;
		if (prev && tk->dt > 0 && cur->events_total >= prev->events_total)
			tk->events_rate = (double)(cur->events_total - prev->events_total) / tk->dt;
	}
	for (size_t i = 0; cur && i < cur->nmaps; i++) {
		const struct map_snapshot *m = &cur->maps[i];
		struct map_src src = {.m = m, .prev = snap_map(prev, m->name), .dt = tk->dt};
		for (size_t p = 0; p < nprinted; p++)
			if (!strcmp(printed[p]->name, m->name))
				printed_src(&src, printed[p], m, tk->dt);
		build_map(tk, &tk->maps[tk->nmaps++], &src, hist, &sb);
		if (m->max_entries && m->has_keys &&
		    (!tk->entries_max || m->n * tk->entries_max > tk->entries * m->max_entries)) {
			tk->entries = m->n;
			tk->entries_max = m->max_entries;
		}
	}
	/* printed maps the snapshot does not have (no live copy) */
	for (size_t p = 0; p < nprinted; p++) {
		if (snap_map(cur, printed[p]->name))
			continue;
		struct map_src src = {0};
		printed_src(&src, printed[p], NULL, tk->dt);
		build_map(tk, &tk->maps[tk->nmaps++], &src, hist, &sb);
	}
	/* the source counts ring buffer records; count-like maps add how many
	 * probe hits there were */
	if (cur) {
		for (size_t i = 0; i < tk->nmaps; i++) {
			enum map_agg agg = tk->maps[i].m->agg;
			if (!tk->maps[i].printed &&
			    (agg == AGG_COUNT || agg == AGG_AVG || agg == AGG_STATS ||
			     agg == AGG_HIST || agg == AGG_LHIST))
				tk->events_rate += tk->maps[i].total_rate;
		}
	}
	if (seq % 16 == 0)
		history_expire(hist, seq);
	sb_free(&sb);
}

void tick_free(struct tick *tk)
{
	arena_free(&tk->arena);
	memset(tk, 0, sizeof(*tk));
}
