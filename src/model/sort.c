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
 * bpftrace leaves ties in hash-table order; ties in value come out in key
 * order here (then in the order they came in), so the output is
 * reproducible.
 */
#define _GNU_SOURCE
#include "model.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(uint64_t a, uint64_t b)
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

static bool sorted_by_value(const struct map_snapshot *m)
{
	switch (m->agg) {
	case AGG_NONE:
		return m->n && m->entries[0].val.kind == V_INT;
	default:
		return true;
	}
}

/*
 * One sort of small items instead of two stable sorts of whole entries:
 * (value, key, original index) in lexicographic order is exactly what
 * sorting by key and then stably by value gives. The value number is
 * biased so that signed values compare as unsigned ones; integer keys are
 * copied into the item, other keys are compared through the entries.
 */
struct sort_item {
	uint64_t num;
	uint64_t key[2]; /* an integer key, or a tuple of one or two integers */
	uint32_t idx;
};

struct sort_ctx {
	const struct map_entry *entries;
	bool by_value, by_key, int_keys;
};

static int cmp_item(const void *pa, const void *pb, void *arg)
{
	const struct sort_item *a = pa, *b = pb;
	const struct sort_ctx *c = arg;
	int r;

	if (c->by_value && a->num != b->num)
		return a->num < b->num ? -1 : 1;
	if (c->by_key) {
		if (c->int_keys)
			r = a->key[0] != b->key[0] ? cmp_u64(a->key[0], b->key[0])
						   : cmp_u64(a->key[1], b->key[1]);
		else
			r = value_compare(&c->entries[a->idx].key, &c->entries[b->idx].key);
		if (r)
			return r;
	}
	return cmp_u64(a->idx, b->idx);
}

/*
 * Integer keys (or tuples of two): an LSD radix sort of the items by the
 * key's last word, its first word, then the number (11 bits a pass,
 * stable, so equal items keep their index order), skipping the passes
 * whose digit is the same in every item: 100,000 file descriptors counted
 * once each take two passes.
 */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_DIGITS ((64 + RADIX_BITS - 1) / RADIX_BITS)

static uint32_t digit(const struct sort_item *it, unsigned pass)
{
	uint64_t v = pass < RADIX_DIGITS	  ? it->key[1]
		     : pass < 2 * RADIX_DIGITS ? it->key[0]
					       : it->num;

	return (uint32_t)(v >> ((pass % RADIX_DIGITS) * RADIX_BITS)) & (RADIX_SIZE - 1);
}

static void radix_sort(struct sort_item *items, size_t n, bool by_value)
{
	unsigned npass = by_value ? 3 * RADIX_DIGITS : 2 * RADIX_DIGITS;
	uint32_t(*count)[RADIX_SIZE] = xcalloc(npass, sizeof(*count));
	struct sort_item *tmp = xmalloc(n * sizeof(*tmp)), *src = items, *dst = tmp;

	for (size_t i = 0; i < n; i++)
		for (unsigned p = 0; p < npass; p++)
			count[p][digit(&items[i], p)]++;
	for (unsigned p = 0; p < npass; p++) {
		uint32_t sum = 0, c;

		if (count[p][digit(&items[0], p)] == n)
			continue; /* one digit value: this pass changes nothing */
		for (uint32_t d = 0; d < RADIX_SIZE; d++) {
			c = count[p][d];
			count[p][d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[p][digit(&src[i], p)]++] = src[i];
		struct sort_item *t = src;
		src = dst;
		dst = t;
	}
	if (src != items)
		memcpy(items, src, n * sizeof(*items));
	free(tmp);
	free(count);
}

/* k as key words, when it has the shape (kind, length) of the first key
 * and is an integer or a tuple of one or two integers */
static bool key_words(const struct value *k, const struct value *first, uint64_t w[2])
{
	w[0] = w[1] = 0;
	if (k->kind != first->kind)
		return false;
	if (k->kind == V_INT) {
		w[0] = k->u;
		return true;
	}
	if (k->kind != V_TUPLE || k->tuple.n != first->tuple.n || k->tuple.n < 1 ||
	    k->tuple.n > 2)
		return false;
	for (size_t i = 0; i < k->tuple.n; i++) {
		if (k->tuple.elems[i].kind != V_INT)
			return false;
		w[i] = k->tuple.elems[i].u;
	}
	return true;
}

uint32_t *map_sort_order(const struct map_snapshot *m)
{
	uint32_t *order = xmalloc((m->n ? m->n : 1) * sizeof(*order));
	struct sort_ctx c = {
		.entries = m->entries,
		.by_value = m->n && sorted_by_value(m),
		.by_key = m->has_keys,
		.int_keys = true,
	};
	struct sort_item *items;

	for (size_t i = 0; i < m->n; i++)
		order[i] = (uint32_t)i;
	if (m->n < 2 || (!c.by_value && !c.by_key))
		return order;
	items = xmalloc(m->n * sizeof(*items));
	for (size_t i = 0; i < m->n; i++) {
		const struct map_entry *e = &m->entries[i];
		bool is_signed;

		items[i].num = sort_number(&e->val, &is_signed);
		if (is_signed)
			items[i].num ^= 1ull << 63;
		items[i].idx = (uint32_t)i;
		if (!key_words(&e->key, &m->entries[0].key, items[i].key))
			c.int_keys = false;
		if (!c.by_key)
			items[i].key[0] = items[i].key[1] = 0;
	}
	if (c.int_keys || !c.by_key)
		radix_sort(items, m->n, c.by_value);
	else
		qsort_r(items, m->n, sizeof(*items), cmp_item, &c);
	for (size_t i = 0; i < m->n; i++)
		order[i] = items[i].idx;
	free(items);
	return order;
}

void map_sort_entries(struct map_snapshot *m)
{
	uint32_t *order;
	struct map_entry *copy;

	if (m->n < 2)
		return;
	order = map_sort_order(m);
	copy = xmalloc(m->n * sizeof(*copy));
	memcpy(copy, m->entries, m->n * sizeof(*copy));
	for (size_t i = 0; i < m->n; i++)
		m->entries[i] = copy[order[i]];
	free(copy);
	free(order);
}
