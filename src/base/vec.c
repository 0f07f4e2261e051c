/*
 * vec.c - a growable array of pointers.
 *
 * Heap-backed (not arena) so that long-lived runtime and TUI state can use
 * it; whoever embeds one frees it (and says whether it owns the items).
 */
#include "../bt.h"

#include <stdlib.h>

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
