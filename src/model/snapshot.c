/*
 * snapshot.c - lifetime of a map snapshot.
 *
 * A snapshot and everything it points to (maps, entries, strings, stack
 * frames, histogram counts) live in the snapshot's own arena, so freeing is
 * one arena_free. Builders (the runtime's map reader, the format tests)
 * allocate with snapshot_alloc and friends.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

struct snapshot *snapshot_new(size_t nmaps)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));
	s->nmaps = nmaps;
	if (nmaps)
		s->maps = arena_alloc(&s->arena, nmaps * sizeof(*s->maps));
	return s;
}

void *snapshot_alloc(struct snapshot *s, size_t n)
{
	return arena_alloc(&s->arena, n ? n : 1);
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	arena_free(&s->arena);
	free(s);
}

void sink_output(const struct sink_ops *ops, enum event_kind kind, const char *s, size_t len)
{
	if (ops->output)
		ops->output(ops->ctx, kind, s, len);
	else if (ops->text)
		ops->text(ops->ctx, s, len);
}
