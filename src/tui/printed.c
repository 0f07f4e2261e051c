/*
 * printed.c - maps a program prints itself.
 *
 * Programs written for bpftrace often drive their own refresh:
 * `interval:s:1 { print(@x); clear(@x); }`. Reading such a map at our own
 * tick would catch it half-filled, so the dashboard shows what the program
 * printed instead. The source hands print(@map) to the sink with a
 * borrowed snapshot; it is deep-copied here into an arena of its own, and
 * the previous print is kept so tick.c can tell the interval between them.
 * print(@m, top, div) is honoured: the top largest entries, values divided.
 */
#include "tui.h"

#include <stdlib.h>
#include <string.h>

void value_copy(struct arena *a, struct value *dst, const struct value *src)
{
	*dst = *src;
	switch (src->kind) {
	case V_STR:
		dst->str.s = arena_strndup(a, src->str.s, strnlen(src->str.s, src->str.len));
		break;
	case V_BUF: {
		uint8_t *b = arena_alloc(a, src->buf.len + 1);
		memcpy(b, src->buf.bytes, src->buf.len);
		dst->buf.bytes = b;
		break;
	}
	case V_TUPLE:
	case V_RECORD:
	case V_ARRAY:
		dst->tuple.elems = arena_alloc(a, (src->tuple.n + 1) * sizeof(struct value));
		for (size_t i = 0; i < src->tuple.n; i++)
			value_copy(a, &dst->tuple.elems[i], &src->tuple.elems[i]);
		if (src->tuple.names) {
			dst->tuple.names = arena_alloc(a, (src->tuple.n + 1) * sizeof(char *));
			for (size_t i = 0; i < src->tuple.n; i++)
				dst->tuple.names[i] = src->tuple.names[i]
							      ? arena_strdup(a, src->tuple.names[i])
							      : NULL;
		}
		break;
	case V_STACK:
		dst->stack.frames = arena_alloc(a, (src->stack.n + 1) * sizeof(char *));
		dst->stack.addrs = arena_alloc(a, (src->stack.n + 1) * sizeof(uint64_t));
		for (size_t i = 0; i < src->stack.n; i++) {
			dst->stack.frames[i] =
				arena_strdup(a, src->stack.frames[i] ? src->stack.frames[i] : "??");
			if (src->stack.addrs)
				dst->stack.addrs[i] = src->stack.addrs[i];
		}
		break;
	case V_HIST:
		dst->hist.counts = arena_alloc(a, (src->hist.nbuckets + 1) * sizeof(uint64_t));
		memcpy(dst->hist.counts, src->hist.counts, src->hist.nbuckets * sizeof(uint64_t));
		break;
	default:
		break;
	}
}

static void value_divide(struct value *v, uint64_t div)
{
	switch (v->kind) {
	case V_INT:
	case V_COUNT:
	case V_SUM:
	case V_MIN:
	case V_MAX:
		if (v->is_signed)
			v->i /= (int64_t)div;
		else
			v->u /= div;
		break;
	case V_AVG:
	case V_STATS:
		v->stats.total /= (int64_t)div;
		break;
	default:
		break;
	}
}

static int cmp_entry_desc(const void *a, const void *b)
{
	double x, y;

	entry_number(&((const struct map_entry *)a)->val, &x);
	entry_number(&((const struct map_entry *)b)->val, &y);
	return x < y ? 1 : x > y ? -1 : 0;
}

void printed_map_store(struct printed_map *pm, const struct map_snapshot *m, uint64_t top,
		       uint64_t div, uint64_t now_ns, struct vec *graveyard)
{
	if (pm->seq) {
		/* the tick on screen may still point into it: freed at the next tick */
		struct arena *old = xmalloc(sizeof(*old));
		*old = pm->prev_arena;
		vec_push(graveyard, old);
		pm->prev_arena = pm->arena;
		pm->prev = pm->m;
		pm->prev_at_ns = pm->at_ns;
		pm->has_prev = true;
		pm->arena = (struct arena){0};
	}
	if (!pm->name)
		pm->name = xstrdup(m->name);
	pm->m = *m;
	pm->m.name = pm->name;
	pm->m.entries = arena_alloc(&pm->arena, (m->n + 1) * sizeof(struct map_entry));
	for (size_t i = 0; i < m->n; i++) {
		value_copy(&pm->arena, &pm->m.entries[i].key, &m->entries[i].key);
		value_copy(&pm->arena, &pm->m.entries[i].val, &m->entries[i].val);
		if (div > 1)
			value_divide(&pm->m.entries[i].val, div);
	}
	if (top && top < m->n) {
		qsort(pm->m.entries, m->n, sizeof(struct map_entry), cmp_entry_desc);
		pm->m.n = top;
	}
	pm->at_ns = now_ns;
	pm->seq++;
}

void printed_map_free(struct printed_map *pm)
{
	arena_free(&pm->arena);
	arena_free(&pm->prev_arena);
	free(pm->name);
	free(pm);
}
