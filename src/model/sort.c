/*
 * sort.c - the order in which bpftrace 0.17 prints a map's entries.
 *
 * count, sum and integer maps go by value, min/max by value, avg/stats by
 * average, hist/lhist by the total of their buckets: all ascending, so the
 * largest entry prints last. Every other map goes by key: integers compared
 * as unsigned 64-bit numbers (so -1 sorts after 2, as in bpftrace),
 * strings with strcmp, several keys by the first, then the second... Other
 * key kinds (stacks, buffers) keep the order they came in.
 *
 * bpftrace leaves ties in hash-table order; we sort by key first and then
 * stable-sort by value, so ties come out in key order and the output is
 * reproducible.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

typedef int (*entry_cmp_fn)(const struct map_entry *a, const struct map_entry *b);

static void merge_sort(struct map_entry *v, struct map_entry *tmp, size_t n, entry_cmp_fn cmp)
{
	if (n < 2)
		return;
	size_t mid = n / 2;
	merge_sort(v, tmp, mid, cmp);
	merge_sort(v + mid, tmp, n - mid, cmp);
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n) {
		if (cmp(&v[j], &v[i]) < 0)
			tmp[k++] = v[j++];
		else
			tmp[k++] = v[i++];
	}
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static void stable_sort(struct map_entry *v, size_t n, entry_cmp_fn cmp)
{
	if (n < 2)
		return;
	struct map_entry *tmp = xmalloc(n * sizeof(*tmp));
	merge_sort(v, tmp, n, cmp);
	free(tmp);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_s64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* how bpftrace orders two key components (or two whole multi-keys) */
int value_compare(const struct value *a, const struct value *b)
{
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case V_INT:
		return cmp_u64(a->u, b->u);
	case V_STR:
		return strcmp(a->str.s, b->str.s);
	case V_TUPLE:
		for (size_t i = 0; i < a->tuple.n && i < b->tuple.n; i++) {
			int c = value_compare(&a->tuple.elems[i], &b->tuple.elems[i]);
			if (c)
				return c;
		}
		return 0;
	default:
		return 0;
	}
}

int64_t value_avg(const struct value *v)
{
	if (!v->stats.count)
		return 0;
	return v->stats.total / (int64_t)v->stats.count;
}

static int by_key(const struct map_entry *a, const struct map_entry *b)
{
	return value_compare(&a->key, &b->key);
}

/* the number a value-sorted entry is ordered by; *is_signed says how to compare */
static uint64_t sort_number(const struct value *v, bool *is_signed)
{
	*is_signed = v->is_signed;
	switch (v->kind) {
	case V_INT:
	case V_COUNT:
	case V_SUM:
	case V_MIN:
	case V_MAX:
		return v->u;
	case V_AVG:
	case V_STATS:
		*is_signed = true;
		return (uint64_t)value_avg(v);
	case V_HIST:
		*is_signed = false;
		return hist_total(&v->hist);
	default:
		*is_signed = false;
		return 0;
	}
}

static int by_value(const struct map_entry *a, const struct map_entry *b)
{
	bool sa, sb;
	uint64_t x = sort_number(&a->val, &sa);
	uint64_t y = sort_number(&b->val, &sb);
	if (sa && sb)
		return cmp_s64((int64_t)x, (int64_t)y);
	return cmp_u64(x, y);
}

static bool sorted_by_value(const struct map_snapshot *m)
{
	switch (m->agg) {
	case AGG_NONE:
		return m->n && m->entries[0].val.kind == V_INT;
	default:
		return true;
	}
}

void map_sort_entries(struct map_snapshot *m)
{
	if (m->n < 2)
		return;
	if (m->has_keys)
		stable_sort(m->entries, m->n, by_key);
	if (sorted_by_value(m))
		stable_sort(m->entries, m->n, by_value);
}
