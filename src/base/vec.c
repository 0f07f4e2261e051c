/*
 * vec.c - a growable array of pointers.
 *
 * Heap-backed (not arena) so that long-lived runtime and TUI state can use
 * it; whoever embeds one frees it (and says whether it owns the items).
 */
#include "../bt.h"

#include <stdlib.h>
#include <string.h>

void vec_push(struct vec *v, void *item)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
	}
	v->items[v->len++] = item;
}

void vec_free(struct vec *v)
{
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}

int vec_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t vec_sort_unique(struct vec *v, size_t first, bool owned)
{
	size_t w = first;

	if (v->len > first) /* items may be NULL: qsort's pointer must not be */
		qsort(v->items + first, v->len - first, sizeof(void *), vec_strcmp);
	for (size_t i = first; i < v->len; i++) {
		if (w > first && !strcmp(v->items[w - 1], v->items[i])) {
			if (owned)
				free(v->items[i]);
			continue;
		}
		v->items[w++] = v->items[i];
	}
	v->len = w;
	return w - first;
}
