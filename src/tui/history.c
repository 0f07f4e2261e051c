/*
 * history.c - what the dashboard remembers between snapshots.
 *
 * A snapshot only says what a map holds now. The sparklines (the rate of a
 * row over the last HISTORY_LEN intervals) and the heat maps (a histogram's
 * bucket counts per interval, HEAT_LEN columns) need the past, so every
 * tick pushes one sample per row here. Rows are identified by map name and
 * key text and live in an open-addressing hash table; samples sit in rings
 * indexed by tick number, and ticks a row missed read as zero. Rows idle for
 * HEAT_LEN ticks are dropped; at most HISTORY_MAX_ROWS are kept, and at
 * most HEAT_MAX_ROWS heat maps (62 KB each for a log2 histogram), so a map
 * with 100,000 keys costs bounded memory (rows beyond the limits simply have
 * no sparkline or heat map).
 */
#include "tui.h"

#include <stdlib.h>
#include <string.h>

struct hrow {
	char *id;      /* "map\x1fkey" */
	uint64_t hash; /* hash_id(map, key): compared before the text */
	uint64_t last;
	float samples[HISTORY_LEN];
	uint64_t heat_last;
	uint32_t nbuckets;
	uint32_t *heat; /* HEAT_LEN x nbuckets (saturating), or NULL */
};

struct history {
	struct hrow **slots;
	uint64_t *hashes; /* slots[i]->hash, read without touching the row */
	size_t cap, len;
	size_t nheat; /* rows with a heat map (at most HEAT_MAX_ROWS) */
};

static uint64_t hash_id(const char *map, const char *key)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *p = map; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h = (h ^ 0x1f) * 1099511628211ull;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	/* keys like "100000123" differ in a few low characters: mix the bits
	 * down so the low bits that pick the slot do not cluster */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static bool id_equal(const char *id, const char *map, const char *key)
{
	size_t ml = strlen(map);

	return !strncmp(id, map, ml) && id[ml] == 0x1f && !strcmp(id + ml + 1, key);
}

struct history *history_new(void)
{
	struct history *h = xcalloc(1, sizeof(*h));

	h->cap = 256;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	h->hashes = xcalloc(h->cap, sizeof(*h->hashes));
	return h;
}

static void hrow_free(struct hrow *r)
{
	free(r->id);
	free(r->heat);
	free(r);
}

void history_free(struct history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->cap; i++)
		if (h->slots[i])
			hrow_free(h->slots[i]);
	free(h->slots);
	free(h->hashes);
	free(h);
}

static void insert_slot(struct hrow **slots, uint64_t *hashes, size_t cap, struct hrow *r)
{
	size_t i = r->hash & (cap - 1);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = r;
	hashes[i] = r->hash;
}

/* rebuild into a table of cap slots, keeping rows keep() says yes to */
static void rehash(struct history *h, size_t cap, bool (*keep)(struct hrow *, void *), void *arg)
{
	struct hrow **slots = xcalloc(cap, sizeof(*slots));
	uint64_t *hashes = xcalloc(cap, sizeof(*hashes));
	size_t len = 0;

	for (size_t i = 0; i < h->cap; i++) {
		struct hrow *r = h->slots[i];
		if (!r)
			continue;
		if (keep && !keep(r, arg)) {
			if (r->heat)
				h->nheat--;
			hrow_free(r);
			continue;
		}
		insert_slot(slots, hashes, cap, r);
		len++;
	}
	free(h->slots);
	free(h->hashes);
	h->slots = slots;
	h->hashes = hashes;
	h->cap = cap;
	h->len = len;
}

static struct hrow *find(struct history *h, const char *map, const char *key, bool create)
{
	uint64_t hash = hash_id(map, key);
	size_t i = hash & (h->cap - 1);

	for (; h->slots[i]; i = (i + 1) & (h->cap - 1))
		if (h->hashes[i] == hash && id_equal(h->slots[i]->id, map, key))
			return h->slots[i];
	if (!create || h->len >= HISTORY_MAX_ROWS)
		return NULL;
	if ((h->len + 1) * 2 > h->cap) {
		rehash(h, h->cap * 2, NULL, NULL);
		return find(h, map, key, create);
	}
	struct hrow *r = xcalloc(1, sizeof(*r));
	r->id = xasprintf("%s\x1f%s", map, key);
	r->hash = hash;
	h->slots[i] = r;
	h->hashes[i] = hash;
	h->len++;
	return r;
}

void history_push(struct history *h, uint64_t tick, const char *map, const char *key, float v)
{
	struct hrow *r = find(h, map, key, true);

	if (!r)
		return;
	/* ticks this row missed read as zero */
	for (uint64_t t = r->last + 1; t < tick && t + HISTORY_LEN > tick; t++)
		r->samples[t % HISTORY_LEN] = 0;
	r->samples[tick % HISTORY_LEN] = v;
	r->last = tick;
}

int history_get(struct history *h, uint64_t tick, const char *map, const char *key, float *out,
		int n)
{
	struct hrow *r = find(h, map, key, false);

	if (n > HISTORY_LEN)
		n = HISTORY_LEN;
	for (int i = 0; i < n; i++) {
		uint64_t t = tick - (uint64_t)(n - 1 - i);
		bool ok = r && t >= 1 && t <= tick && t <= r->last && t + HISTORY_LEN > r->last;
		out[i] = ok ? r->samples[t % HISTORY_LEN] : 0;
	}
	return n;
}

void history_push_heat(struct history *h, uint64_t tick, const char *map, const char *key,
		       const uint64_t *counts, uint32_t nbuckets)
{
	struct hrow *r = find(h, map, key, true);

	if (!r || (!r->heat && h->nheat >= HEAT_MAX_ROWS))
		return;
	if (!r->heat)
		h->nheat++;
	if (!r->heat || r->nbuckets != nbuckets) {
		free(r->heat);
		r->heat = xcalloc((size_t)HEAT_LEN * nbuckets, sizeof(uint32_t));
		r->nbuckets = nbuckets;
		r->heat_last = tick - 1;
	}
	for (uint64_t t = r->heat_last + 1; t < tick && t + HEAT_LEN > tick; t++)
		memset(&r->heat[(t % HEAT_LEN) * nbuckets], 0, nbuckets * sizeof(uint32_t));
	uint32_t *col = &r->heat[(tick % HEAT_LEN) * nbuckets];
	for (uint32_t b = 0; b < nbuckets; b++)
		col[b] = counts[b] > UINT32_MAX ? UINT32_MAX : (uint32_t)counts[b];
	r->heat_last = tick;
	if (r->last < tick)
		r->last = tick;
}

const uint32_t *history_heat_col(struct history *h, uint64_t tick, const char *map, const char *key,
				 int n, int i, uint32_t *nbuckets)
{
	struct hrow *r = find(h, map, key, false);
	uint64_t t = tick - (uint64_t)(n - 1 - i);

	if (!r || !r->heat || t < 1 || t > tick || t > r->heat_last || t + HEAT_LEN <= r->heat_last)
		return NULL;
	*nbuckets = r->nbuckets;
	return &r->heat[(t % HEAT_LEN) * r->nbuckets];
}

static bool keep_other_map(struct hrow *r, void *arg)
{
	size_t ml = strlen(arg);

	return strncmp(r->id, arg, ml) || r->id[ml] != 0x1f;
}

void history_forget_map(struct history *h, const char *map)
{
	rehash(h, h->cap, keep_other_map, (void *)map);
}

static bool keep_recent(struct hrow *r, void *arg)
{
	uint64_t tick = *(uint64_t *)arg;

	return r->last + HEAT_LEN > tick;
}

void history_expire(struct history *h, uint64_t tick)
{
	rehash(h, h->cap, keep_recent, &tick);
}

size_t history_rows(const struct history *h)
{
	return h->len;
}
