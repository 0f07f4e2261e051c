/*
 * hist.c - histogram buckets: labels, bounds, indexes and percentiles.
 *
 * A log2 histogram has 65 buckets: 0 holds negative values, 1 holds 0,
 * 2 holds 1, and bucket k >= 3 holds [2^(k-2), 2^(k-1)). A linear one has
 * (max - min) / step + 2 buckets: 0 below min, then one per step, and the
 * last one for max and above. Labels are spelled exactly as bpftrace 0.17
 * prints them ("[1K, 2K)", "(..., 0)", "[10, ...)"); text, JSON and the
 * TUI all take them from here so a bucket reads the same everywhere.
 */
#include "model.h"

#include <inttypes.h>
#include <string.h>

/* 2^power with a K/M/G/T suffix for powers of 10/20/30/40 and above */
static void log2_power_label(int power, char *buf, size_t len)
{
	static const char suffixes[] = {'T', 'G', 'M', 'K'};
	static const int thresholds[] = {40, 30, 20, 10};
	char suffix = 0;

	for (size_t i = 0; i < ARRAY_SIZE(thresholds); i++) {
		if (power >= thresholds[i]) {
			suffix = suffixes[i];
			power -= thresholds[i];
			break;
		}
	}
	if (suffix)
		snprintf(buf, len, "%" PRIu64 "%c", (uint64_t)1 << power, suffix);
	else
		snprintf(buf, len, "%" PRIu64, (uint64_t)1 << power);
}

/* an lhist bound: "0", "NM" when divisible by 1M, "NK" by 1K, else N */
static void linear_label(int64_t n, char *buf, size_t len)
{
	if (n != 0 && n % 1048576 == 0)
		snprintf(buf, len, "%" PRId64 "M", n / 1048576);
	else if (n != 0 && n % 1024 == 0)
		snprintf(buf, len, "%" PRId64 "K", n / 1024);
	else
		snprintf(buf, len, "%" PRId64, n);
}

static uint32_t linear_inner_buckets(const struct hist *h)
{
	if (h->lstep <= 0)
		return 0;
	return (uint32_t)((h->lmax - h->lmin) / h->lstep);
}

void hist_bucket_label(const struct hist *h, uint32_t idx, char *buf, size_t len)
{
	char lo[32], hi[32];

	if (h->kind == HIST_LOG2) {
		if (idx == 0) {
			snprintf(buf, len, "(..., 0)");
		} else if (idx == 1) {
			snprintf(buf, len, "[0]");
		} else if (idx == 2) {
			snprintf(buf, len, "[1]");
		} else {
			log2_power_label((int)idx - 2, lo, sizeof(lo));
			log2_power_label((int)idx - 1, hi, sizeof(hi));
			snprintf(buf, len, "[%s, %s)", lo, hi);
		}
		return;
	}

	uint32_t inner = linear_inner_buckets(h);
	if (idx == 0) {
		linear_label(h->lmin, lo, sizeof(lo));
		snprintf(buf, len, "(..., %s)", lo);
	} else if (idx >= inner + 1) {
		linear_label(h->lmax, hi, sizeof(hi));
		snprintf(buf, len, "[%s, ...)", hi);
	} else {
		linear_label((int64_t)(idx - 1) * h->lstep + h->lmin, lo, sizeof(lo));
		linear_label((int64_t)idx * h->lstep + h->lmin, hi, sizeof(hi));
		snprintf(buf, len, "[%s, %s)", lo, hi);
	}
}

void hist_bucket_bounds(const struct hist *h, uint32_t idx, int64_t *lo, bool *has_lo, int64_t *hi,
			bool *has_hi)
{
	*has_lo = *has_hi = true;
	*lo = *hi = 0;
	if (h->kind == HIST_LOG2) {
		if (idx == 0) {
			*has_lo = false;
			*hi = -1;
		} else if (idx == 1 || idx == 2) {
			*lo = *hi = idx - 1;
		} else {
			*lo = (int64_t)((uint64_t)1 << (idx - 2));
			*hi = (int64_t)(((uint64_t)1 << (idx - 1)) - 1);
		}
		return;
	}
	uint32_t inner = linear_inner_buckets(h);
	if (idx == 0) {
		*has_lo = false;
		*hi = h->lmin - 1;
	} else if (idx >= inner + 1) {
		*has_hi = false;
		*lo = h->lmax;
	} else {
		*lo = (int64_t)(idx - 1) * h->lstep + h->lmin;
		*hi = (int64_t)idx * h->lstep + h->lmin - 1;
	}
}

/*
 * bpftrace 0.17's BPF log2 does five halving steps (16, 8, 4, 2, 1 bits),
 * so it never reaches past bucket 33: every value of 2^31 or more lands in
 * [2G, 4G). We reproduce that so our buckets match its output.
 */
uint32_t hist_log2_index(int64_t v)
{
	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	uint64_t n = (uint64_t)v;
	uint32_t result = 0;
	for (int i = 4; i >= 0; i--) {
		uint32_t shift = 1u << i;
		if (n >= ((uint64_t)1 << shift)) {
			n >>= shift;
			result += shift;
		}
	}
	return result + 2;
}

/*
 * bpftrace 0.17 reads every count as a C int to pick the rows: a log2
 * histogram prints from the first to the last bucket whose int is > 0; a
 * linear one needs some int != 0, then trims to the first and last count
 * > 0 among its (max - min) / step + 2 buckets. The bar scale is the
 * largest int. So a count of 2^32 alone prints nothing, and one of 3e9
 * (a negative int) is skipped as a row end and as the scale. We do the same.
 */
bool hist_rows(const struct hist *h, uint32_t *first, uint32_t *last, int32_t *max_value)
{
	int64_t lo = -1, hi = -1;
	int32_t max = 0;
	bool any = false;

	for (uint32_t i = 0; i < h->nbuckets; i++) {
		int32_t v = (int32_t)h->counts[i];
		if (h->kind == HIST_LOG2 ? v > 0 : v != 0) {
			if (lo < 0)
				lo = i;
			hi = i;
			any = true;
		}
		if (v > max)
			max = v;
	}
	*max_value = max;
	if (!any)
		return false;
	if (h->kind == HIST_LINEAR) {
		uint32_t used = h->lstep > 0 ? linear_inner_buckets(h) + 2 : h->nbuckets;
		lo = -1;
		hi = 0;
		for (uint32_t i = 0; i < used && i < h->nbuckets; i++) {
			if (h->counts[i] > 0) {
				if (lo < 0)
					lo = i;
				hi = i;
			}
		}
		if (lo < 0)
			lo = 0;
	}
	*first = (uint32_t)lo;
	*last = (uint32_t)hi;
	return true;
}

uint64_t hist_total(const struct hist *h)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < h->nbuckets; i++)
		t += h->counts[i];
	return t;
}

/*
 * Percentile estimate: find the bucket holding the pct-th value and
 * interpolate linearly between its bounds. Open-ended buckets report their
 * closed end.
 */
double hist_percentile(const struct hist *h, double pct)
{
	uint64_t total = hist_total(h);
	if (!total)
		return 0;
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	double want = pct / 100.0 * (double)total;
	uint64_t seen = 0;
	for (uint32_t i = 0; i < h->nbuckets; i++) {
		uint64_t c = h->counts[i];
		if (!c)
			continue;
		if ((double)(seen + c) >= want) {
			int64_t lo, hi;
			bool has_lo, has_hi;
			hist_bucket_bounds(h, i, &lo, &has_lo, &hi, &has_hi);
			if (!has_lo)
				return (double)hi;
			if (!has_hi)
				return (double)lo;
			double frac = (want - (double)seen) / (double)c;
			if (frac < 0)
				frac = 0;
			return (double)lo + frac * (double)(hi - lo);
		}
		seen += c;
	}
	return 0;
}
