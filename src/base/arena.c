/*
 * arena.c - the compile arena.
 *
 * Tokens, AST nodes, types and interned strings of one compilation are
 * bump-allocated from blocks chained on the arena and released together by
 * arena_free. Requests larger than a block get a block of their own.
 */
#define _GNU_SOURCE
#include "../bt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK_SIZE (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

/* The caller is about to write all of a big block: fault its pages in
 * with one call rather than one trap per page (traps are dear in a VM).
 * Best effort: kernels before 5.14 say EINVAL. */
static void populate(void *p, size_t n)
{
	uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)4095;

	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;

	n = (n + 15) & ~(size_t)15;
	if (n > ARENA_BLOCK_SIZE) {
		/* a block of its own, behind the current one; calloc skips the
		 * memset of fresh pages (a 100,000-entry map snapshot is 11 MB) */
		b = xcalloc(1, sizeof(*b) + n);
		b->size = b->used = n;
		populate(b->data, n);
		if (a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			a->head = b;
		}
		return b->data;
	}
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK_SIZE ? n : ARENA_BLOCK_SIZE;
		b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *tmp, *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		BT_BUG("vasprintf failed");
	p = arena_strndup(a, tmp, (size_t)n);
	free(tmp);
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}
