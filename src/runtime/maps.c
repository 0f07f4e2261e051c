/*
 * maps.c - reading, clearing and zeroing the program's maps.
 *
 * A map is read in one pass of the batch lookup API (thousands of entries
 * per syscall), falling back to get_next_key + lookup where batches are
 * not supported. Per-CPU values are folded per aggregation kind (counts
 * and sums added, min/max over the CPUs that set one, avg/stats totals
 * and counts added); hist/lhist maps carry the bucket index in the last 8
 * key bytes, so their entries are grouped by user key into one histogram
 * each (with --prometheus, the index after the last bucket is the exact
 * sum of the key's values: bt_map.hist_sum). Keys and plain values are
 * decoded by decode.c. Entries come out unsorted: map_sort_entries (model)
 * gives bpftrace's order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define MAPS_BATCH_MIN 1024
#define MAPS_BATCH_MAX 65536

/* The raw contents of a map: n keys and n value blocks. */
struct raw_map {
	uint8_t *keys, *vals;
	size_t n, cap;
	uint32_t ksz, vstride;
};

static uint32_t value_stride(const struct rt *rt, const struct bt_map *bm)
{
	uint32_t vsz = bm->value_size;

	if (!bm->percpu)
		return vsz;
	return ((vsz + 7) & ~7U) * (uint32_t)rt->ncpus;
}

static void raw_reserve(struct raw_map *r, size_t more)
{
	if (r->n + more <= r->cap)
		return;
	while (r->cap < r->n + more)
		r->cap = r->cap ? r->cap * 2 : MAPS_BATCH_MIN;
	r->keys = xrealloc(r->keys, r->cap * r->ksz);
	r->vals = xrealloc(r->vals, r->cap * (r->vstride ? r->vstride : 1));
}

static void raw_free(struct raw_map *r)
{
	free(r->keys);
	free(r->vals);
}

static int read_one_by_one(int fd, struct raw_map *r)
{
	uint8_t *prev = NULL;
	int err;

	r->n = 0;
	for (;;) {
		raw_reserve(r, 1);
		uint8_t *k = r->keys + r->n * r->ksz;

		if (bpf_map_get_next_key(fd, prev, k) < 0)
			return errno == ENOENT ? 0 : -errno;
		/* the key may be deleted between the two calls: skip it */
		err = bpf_map_lookup_elem(fd, k, r->vals + r->n * r->vstride);
		if (err < 0 && errno != ENOENT)
			return -errno;
		if (err == 0) {
			prev = r->keys + r->n * r->ksz;
			r->n++;
		} else if (!prev) {
			/* restart from the beginning: nothing to continue from */
			continue;
		}
	}
}

static int read_raw(int fd, uint32_t max_entries, struct raw_map *r)
{
	uint64_t token = 0;
	bool first = true;
	size_t chunk = max_entries < MAPS_BATCH_MIN   ? MAPS_BATCH_MIN
		       : max_entries > MAPS_BATCH_MAX ? MAPS_BATCH_MAX
						      : max_entries;

	r->n = 0;
	for (;;) {
		__u32 count = (__u32)chunk;
		int err;

		raw_reserve(r, chunk);
		err = bpf_map_lookup_batch(fd, first ? NULL : &token, &token,
					   r->keys + r->n * r->ksz, r->vals + r->n * r->vstride,
					   &count, NULL);
		err = err < 0 ? -errno : 0;
		if (err == 0 || err == -ENOENT)
			r->n += count;
		if (err == -ENOENT)
			return 0;
		if (err == -ENOSPC && chunk < (1u << 24)) {
			chunk *= 2; /* a hash bucket holds more than a batch */
			continue;
		}
		if (err == -EINVAL || err == -ENOTSUP || err == -EOPNOTSUPP || err == -EPERM)
			return first ? read_one_by_one(fd, r) : err;
		if (err)
			return err;
		first = false;
	}
}

static uint64_t fold_u64(const struct rt *rt, const struct bt_map *bm, const uint8_t *v)
{
	uint32_t step = (bm->value_size + 7) & ~7U;
	int ncpu = bm->percpu ? rt->ncpus : 1;
	uint64_t sum = 0;

	for (int c = 0; c < ncpu; c++) {
		uint64_t x;

		memcpy(&x, v + c * step, 8);
		sum += x;
	}
	return sum;
}

static void fold_value(const struct rt *rt, const struct bt_map *bm, const uint8_t *v,
		       struct value *out)
{
	uint32_t step = (bm->value_size + 7) & ~7U;
	int ncpu = bm->percpu ? rt->ncpus : 1;
	bool seen = false;

	memset(out, 0, sizeof(*out));
	out->is_signed = bm->value && bm->value->is_signed;
	switch (bm->agg) {
	case AGG_COUNT:
	case AGG_SUM:
		out->kind = bm->agg == AGG_COUNT ? V_COUNT : V_SUM;
		out->u = fold_u64(rt, bm, v);
		return;
	case AGG_MIN:
	case AGG_MAX:
		out->kind = bm->agg == AGG_MIN ? V_MIN : V_MAX;
		for (int c = 0; c < ncpu; c++) {
			int64_t x;
			uint64_t set;

			memcpy(&x, v + c * step, 8);
			memcpy(&set, v + c * step + 8, 8);
			if (!set)
				continue;
			if (!seen || (bm->agg == AGG_MIN ? x < out->i : x > out->i))
				out->i = x;
			seen = true;
		}
		return;
	case AGG_AVG:
	case AGG_STATS:
		out->kind = bm->agg == AGG_AVG ? V_AVG : V_STATS;
		for (int c = 0; c < ncpu; c++) {
			int64_t total;
			uint64_t count;

			memcpy(&total, v + c * step, 8);
			memcpy(&count, v + c * step + 8, 8);
			out->stats.total += total;
			out->stats.count += count;
		}
		return;
	default:
		return;
	}
}

/*
 * A scalar sum/min/max/avg/stats lives in a one-slot per-CPU array, which
 * always has its entry; bpftrace keeps these in a hash and has none until
 * the first write, none after clear(), and a zero one after zero(). The
 * slot counts as written when some CPU set its sum/min/max or counted an
 * avg/stats value; clear() writes it back to all zeros, and zero() does
 * too but marks it present (rt->map_zeroed) until the next clear().
 */
static bool array_slot_written(const struct rt *rt, const struct bt_map *bm, const uint8_t *v)
{
	uint32_t step = (bm->value_size + 7) & ~7U;
	int ncpu = bm->percpu ? rt->ncpus : 1;

	for (int c = 0; c < ncpu; c++) {
		uint64_t x;

		memcpy(&x, v + c * step + 8, 8); /* sum/min/max set, avg/stats count */
		if (x)
			return true;
	}
	return false;
}

static void decode_key(struct rt *rt, struct arena *a, const struct bt_map *bm, const uint8_t *k,
		       struct value *out)
{
	if (bm->key)
		decode_value(rt, a, bm->key, k, out);
	else
		memset(out, 0, sizeof(*out));
}

/* order of entries by user key (the key without its bucket index) */
static int cmp_user_key(const void *a, const void *b, void *arg)
{
	const struct raw_map *r = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = memcmp(r->keys + i * r->ksz, r->keys + j * r->ksz, r->ksz - 8);

	return c ? c : (i > j) - (i < j);
}

static void hist_init(const struct bt_map *bm, struct arena *a, struct value *v)
{
	v->kind = V_HIST;
	if (bm->agg == AGG_LHIST) {
		v->hist.kind = HIST_LINEAR;
		v->hist.lmin = bm->lh_min;
		v->hist.lmax = bm->lh_max;
		v->hist.lstep = bm->lh_step > 0 ? bm->lh_step : 1;
	} else {
		v->hist.kind = HIST_LOG2;
	}
	v->hist.nbuckets = bt_map_hist_buckets(bm);
	v->hist.counts = arena_alloc(a, v->hist.nbuckets * sizeof(uint64_t));
	v->hist.has_sum = bm->hist_sum;
}

static void build_hists(struct rt *rt, const struct bt_map *bm, struct raw_map *r, struct arena *a,
			struct map_snapshot *out)
{
	size_t *order = xmalloc((r->n ? r->n : 1) * sizeof(size_t));
	uint32_t uksz = r->ksz - 8;

	for (size_t i = 0; i < r->n; i++)
		order[i] = i;
	qsort_r(order, r->n, sizeof(size_t), cmp_user_key, r);
	out->entries = arena_alloc(a, (r->n ? r->n : 1) * sizeof(struct map_entry));
	out->n = 0;
	bool counted = true; /* the current user key has a bucket entry */
	for (size_t i = 0; i < r->n; i++) {
		const uint8_t *k = r->keys + order[i] * r->ksz;
		struct map_entry *e = out->n ? &out->entries[out->n - 1] : NULL;
		uint64_t bucket, x;

		if (!e || memcmp(k, r->keys + order[i - 1] * r->ksz, uksz) != 0) {
			if (!counted)
				out->n--; /* a sum slot alone: delete() caught halfway */
			e = &out->entries[out->n++];
			decode_key(rt, a, bm, k, &e->key);
			hist_init(bm, a, &e->val);
			counted = false;
		}
		memcpy(&bucket, k + uksz, 8);
		x = fold_u64(rt, bm, r->vals + order[i] * r->vstride);
		if (bucket < e->val.hist.nbuckets) {
			e->val.hist.counts[bucket] += x;
			counted = true;
		} else if (bucket == e->val.hist.nbuckets && bm->hist_sum) {
			e->val.hist.sum += (int64_t)x; /* per-CPU s64 sums, added mod 2^64 */
		}
	}
	if (!counted)
		out->n--;
	free(order);
}

int maps_read(struct rt *rt, size_t idx, struct arena *a, struct map_snapshot *out)
{
	const struct bt_map *bm = &rt->prog->maps[idx];
	struct raw_map r = {.ksz = bm->key_size ? bm->key_size : 8,
			    .vstride = value_stride(rt, bm)};
	int fd = rt->map_fds[idx];
	int err;

	memset(out, 0, sizeof(*out));
	out->name = bm->name;
	out->agg = bm->agg;
	out->has_keys = bm->key != NULL;
	out->max_entries = bm->max_entries;
	out->value_type = bm->value ? bm->value->kind : T_NONE;
	if (fd < 0)
		return -ENOENT;
	err = read_raw(fd, bm->max_entries, &r);
	if (err) {
		raw_free(&r);
		return err;
	}
	if ((bm->agg == AGG_HIST || bm->agg == AGG_LHIST) && r.ksz >= 8) {
		build_hists(rt, bm, &r, a, out);
		raw_free(&r);
		return 0;
	}
	out->entries = arena_alloc(a, (r.n ? r.n : 1) * sizeof(struct map_entry));
	out->n = r.n;
	for (size_t i = 0; i < r.n; i++) {
		struct map_entry *e = &out->entries[i];
		const uint8_t *v = r.vals + i * r.vstride;

		if (bm->is_array && bm->value_size >= 16 && !rt->map_zeroed[idx] &&
		    !array_slot_written(rt, bm, v)) {
			out->n--; /* the array has one slot: nothing follows it */
			continue;
		}
		decode_key(rt, a, bm, r.keys + i * r.ksz, &e->key);
		if (bm->agg == AGG_NONE)
			decode_value(rt, a, bm->value, v, &e->val);
		else
			fold_value(rt, bm, v, &e->val);
	}
	raw_free(&r);
	return 0;
}

/* Every key of map idx, read in batches. */
static int read_keys(struct rt *rt, size_t idx, struct raw_map *r)
{
	const struct bt_map *bm = &rt->prog->maps[idx];

	r->ksz = bm->key_size ? bm->key_size : 8;
	r->vstride = value_stride(rt, bm);
	if (rt->map_fds[idx] < 0)
		return -ENOENT;
	return read_raw(rt->map_fds[idx], bm->max_entries, r);
}

/* clear() or zero() of a scalar array: its one slot back to zeros */
static int array_reset(struct rt *rt, size_t idx, bool present)
{
	uint32_t key = 0;
	uint8_t *zero = xcalloc(1, value_stride(rt, &rt->prog->maps[idx]));
	int err = bpf_map_update_elem(rt->map_fds[idx], &key, zero, BPF_ANY) ? -errno : 0;

	free(zero);
	rt->map_zeroed[idx] = present;
	return err;
}

int maps_clear(struct rt *rt, size_t idx)
{
	struct raw_map r = {0};
	int fd = rt->map_fds[idx], err;
	__u32 count;

	if (rt->prog->maps[idx].is_array)
		return fd < 0 ? -ENOENT : array_reset(rt, idx, false);
	err = read_keys(rt, idx, &r);
	count = (__u32)r.n;
	if (!err && r.n && bpf_map_delete_batch(fd, r.keys, &count, NULL) < 0)
		for (size_t i = 0; i < r.n; i++)
			bpf_map_delete_elem(fd, r.keys + i * r.ksz);
	raw_free(&r);
	return err;
}

int maps_zero(struct rt *rt, size_t idx)
{
	struct raw_map r = {0};
	int fd = rt->map_fds[idx], err;
	uint8_t *zero;

	if (rt->prog->maps[idx].is_array)
		return fd < 0 ? -ENOENT : array_reset(rt, idx, true);
	err = read_keys(rt, idx, &r);
	zero = xcalloc(1, r.vstride ? r.vstride : 1);

	for (size_t i = 0; !err && i < r.n; i++)
		bpf_map_update_elem(fd, r.keys + i * r.ksz, zero, BPF_EXIST);
	free(zero);
	raw_free(&r);
	return err;
}
