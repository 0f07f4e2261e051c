/*
 * units.c - format-tier cases that are not bpftrace programs:
 *
 *   driver labels          every hist/lhist bucket label and bound, the
 *                          log2 index of edge values, percentiles
 *   driver synth text|json values BEGIN cannot make (stacks, records,
 *                          arrays, symbol maps, huge counts, event kinds)
 *                          through the sinks; goldens checked by hand
 *                          against bpftrace 0.17 runs (FORMATS.md)
 *   driver misc            time()/strftime(), join(), buffers, printf_parse
 *   driver sort            map_sort_order against the plain definition (a
 *                          stable sort by key, then a stable sort by value)
 *                          on random maps full of ties
 */
#include "../../src/bt.h"
#include "../../src/model/model.h"
#include "../../src/output/output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void units_labels(void);
void units_synth(const struct sink_ops *sink);
void units_misc(void);
int units_sort(void);

static struct value vint(int64_t i)
{
	return (struct value){.kind = V_INT, .is_signed = true, .i = i};
}

void units_labels(void)
{
	struct hist lg = {.kind = HIST_LOG2, .nbuckets = 65};
	char buf[64];
	for (uint32_t i = 0; i < 65; i++) {
		int64_t lo, hi;
		bool hl, hh;
		hist_bucket_label(&lg, i, buf, sizeof(buf));
		hist_bucket_bounds(&lg, i, &lo, &hl, &hi, &hh);
		printf("log2 %u %s", i, buf);
		if (hl)
			printf(" min=%" PRId64, lo);
		if (hh)
			printf(" max=%" PRId64, hi);
		printf("\n");
	}
	static const int64_t lin[][3] = {{0, 10, 2},       {0, 10, 3},
					 {512, 3072, 512}, {0, 4194304, 1048576},
					 {10, 30, 5},      {0, 2048, 256}};
	for (size_t k = 0; k < ARRAY_SIZE(lin); k++) {
		struct hist h = {.kind = HIST_LINEAR,
				 .lmin = lin[k][0],
				 .lmax = lin[k][1],
				 .lstep = lin[k][2]};
		h.nbuckets = (uint32_t)((h.lmax - h.lmin) / h.lstep + 2);
		for (uint32_t i = 0; i < h.nbuckets; i++) {
			int64_t lo, hi;
			bool hl, hh;
			hist_bucket_label(&h, i, buf, sizeof(buf));
			hist_bucket_bounds(&h, i, &lo, &hl, &hi, &hh);
			printf("lin(%" PRId64 ",%" PRId64 ",%" PRId64 ") %u %s", h.lmin, h.lmax,
			       h.lstep, i, buf);
			if (hl)
				printf(" min=%" PRId64, lo);
			if (hh)
				printf(" max=%" PRId64, hi);
			printf("\n");
		}
	}
	static const int64_t vals[] = {-5,        -1,        0,         1,        2,
				       3,         4,         7,         8,        1023,
				       1024,      1025,      65535,     65536,    (1ll << 31) - 1,
				       1ll << 31, 1ll << 32, 1ll << 40, INT64_MAX};
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
		printf("log2_index(%" PRId64 ") = %u\n", vals[i], hist_log2_index(vals[i]));
	uint64_t counts[65] = {0};
	counts[3] = 10; /* [2,4) */
	counts[4] = 30; /* [4,8) */
	struct hist p = {.kind = HIST_LOG2, .nbuckets = 65, .counts = counts};
	static const double pcts[] = {0, 10, 25, 50, 90, 100};
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++)
		printf("p%g = %.3f\n", pcts[i], hist_percentile(&p, pcts[i]));
}

static struct value vstr(const char *s)
{
	struct value v = {.kind = V_STR};
	v.str.s = s;
	v.str.len = strlen(s);
	return v;
}

void units_synth(const struct sink_ops *sink)
{
	static const char *kframes[] = {"perf_syscall_enter+475", "syscall_trace_enter+384",
					"do_syscall_64+527"};
	static uint64_t kaddrs[] = {0xffffffff814c2d0bull, 0xffffffff81424310ull,
				    0xffffffff81e6b1cfull};
	static const char *uframes[] = {"0x7f85ceced4e7", "0x94bc20"};
	static uint64_t uaddrs[] = {0x7f85ceced4e7ull, 0x94bc20ull};

	struct value ks = {.kind = V_STACK};
	ks.stack.frames = kframes, ks.stack.addrs = kaddrs, ks.stack.n = 3,
	ks.stack.mode = STACK_BPFTRACE;
	struct value kp = ks;
	kp.stack.n = 2, kp.stack.mode = STACK_PERF;
	struct value us = {.kind = V_STACK};
	us.stack.frames = uframes, us.stack.addrs = uaddrs, us.stack.n = 2;
	struct value kraw = ks;
	kraw.stack.mode = STACK_RAW;

	sink->attached(sink->ctx, 1);
	/* printf("%s|\n", kstack(2)) and print(kstack(2)) */
	struct value k2 = ks;
	k2.stack.n = 2;
	struct strbuf sb = {0};
	printf_format(&sb, "%s|\n", &k2, 1);
	sink_output(sink, EV_PRINTF, sb.buf, sb.len);
	sb_reset(&sb);
	printf_format(&sb, "%s|\n", &kp, 1);
	sink_output(sink, EV_PRINTF, sb.buf, sb.len);
	sb_free(&sb);
	sink->value(sink->ctx, &k2);
	sink->value(sink->ctx, &kp);
	sink->value(sink->ctx, &kraw);
	sink->exit_begin(sink->ctx);

	struct map_entry e_k = {.key = ks, .val = {.kind = V_COUNT, .u = 1}};
	struct map_snapshot m_k = {
		.name = "@", .agg = AGG_COUNT, .entries = &e_k, .n = 1, .has_keys = true};
	sink->map(sink->ctx, &m_k, 0, 0);
	struct map_entry e_p = {.key = kp, .val = {.kind = V_COUNT, .u = 1}};
	struct map_snapshot m_p = {
		.name = "@p", .agg = AGG_COUNT, .entries = &e_p, .n = 1, .has_keys = true};
	sink->map(sink->ctx, &m_p, 0, 0);

	/* @t = (1, kstack(1)) */
	struct value k1 = ks;
	k1.stack.n = 1;
	struct value telems[2] = {vint(1), k1};
	struct value tup = {.kind = V_TUPLE};
	tup.tuple.elems = telems, tup.tuple.n = 2;
	struct map_entry e_t = {.val = tup};
	struct map_snapshot m_t = {.name = "@t", .agg = AGG_NONE, .entries = &e_t, .n = 1};
	sink->map(sink->ctx, &m_t, 0, 0);

	struct map_entry e_u = {.key = us, .val = {.kind = V_COUNT, .u = 1}};
	struct map_snapshot m_u = {
		.name = "@u", .agg = AGG_COUNT, .entries = &e_u, .n = 1, .has_keys = true};
	sink->map(sink->ctx, &m_u, 0, 0);

	/* @v = kstack(2); @vp = kstack(perf, 2) */
	struct map_entry e_v = {.val = k2};
	struct map_snapshot m_v = {.name = "@v", .agg = AGG_NONE, .entries = &e_v, .n = 1};
	sink->map(sink->ctx, &m_v, 0, 0);
	struct map_entry e_vp = {.val = kp};
	struct map_snapshot m_vp = {.name = "@vp", .agg = AGG_NONE, .entries = &e_vp, .n = 1};
	sink->map(sink->ctx, &m_vp, 0, 0);

	/* @m = curtask->pid_links: an array of records with signed pointers */
	static const char *names[] = {"next", "pprev"};
	struct value rec_f[2][2] = {{vint(0), vint(-131387262404288)},
				    {vint(-131387258621184), vint(-131387262625072)}};
	struct value recs[2];
	for (int i = 0; i < 2; i++) {
		recs[i] = (struct value){.kind = V_RECORD};
		recs[i].tuple.elems = rec_f[i], recs[i].tuple.names = names, recs[i].tuple.n = 2;
	}
	struct value arr = {.kind = V_ARRAY};
	arr.tuple.elems = recs, arr.tuple.n = 2;
	struct map_entry e_m = {.val = arr};
	struct map_snapshot m_m = {.name = "@m", .agg = AGG_NONE, .entries = &e_m, .n = 1};
	sink->map(sink->ctx, &m_m, 0, 0);

	/* huge counts and a sum near the unsigned limit */
	struct map_entry big[3] = {
		{.key = vstr("a"), .val = {.kind = V_COUNT, .u = 18446744073709551615ull}},
		{.key = vstr("b"), .val = {.kind = V_COUNT, .u = 4294967296ull}},
		{.key = vstr("c"), .val = {.kind = V_COUNT, .u = 0}},
	};
	struct map_snapshot m_big = {
		.name = "@big", .agg = AGG_COUNT, .entries = big, .n = 3, .has_keys = true};
	sink->map(sink->ctx, &m_big, 0, 0);
	uint64_t counts[65] = {0};
	counts[1] = 3000000000ull;
	counts[12] = 1000000000ull;
	counts[33] = 7;
	struct map_entry e_h = {.val = {.kind = V_HIST}};
	e_h.val.hist = (struct hist){.kind = HIST_LOG2, .nbuckets = 65, .counts = counts};
	struct map_snapshot m_h = {.name = "@hbig", .agg = AGG_HIST, .entries = &e_h, .n = 1};
	sink->map(sink->ctx, &m_h, 0, 0);
	/* several stack / symbol / address values: no newline between entries */
	struct map_entry vs[2] = {{.key = vint(1), .val = k2}, {.key = vint(2), .val = k1}};
	struct map_snapshot m_vs = {.name = "@vs", .entries = vs, .n = 2, .has_keys = true};
	sink->map(sink->ctx, &m_vs, 0, 0);
	struct map_entry syms[2] = {{.key = vint(1), .val = vstr("perf_syscall_enter")},
				    {.key = vint(2), .val = vstr("syscall_trace_enter")}};
	struct map_snapshot m_syms = {
		.name = "@s", .entries = syms, .n = 2, .has_keys = true, .value_type = T_KSYM};
	sink->map(sink->ctx, &m_syms, 0, 0);
	struct map_entry ips[2] = {{.key = vint(2), .val = vstr("127.0.0.2")},
				   {.key = vint(1), .val = vstr("127.0.0.1")}};
	struct map_snapshot m_ips = {
		.name = "@i", .entries = ips, .n = 2, .has_keys = true, .value_type = T_INET};
	sink->map(sink->ctx, &m_ips, 0, 0);
	struct map_entry users[2] = {{.key = vint(1), .val = vstr("root")},
				     {.key = vint(2), .val = vstr("daemon")}};
	struct map_snapshot m_users = {
		.name = "@u", .entries = users, .n = 2, .has_keys = true, .value_type = T_USERNAME};
	sink->map(sink->ctx, &m_users, 0, 0);
	/* a lone count of 2^32 is an int 0 to bpftrace: no rows at all */
	uint64_t c32[65] = {0};
	c32[5] = 4294967296ull;
	struct map_entry e_h32 = {.val = {.kind = V_HIST}};
	e_h32.val.hist = (struct hist){.kind = HIST_LOG2, .nbuckets = 65, .counts = c32};
	struct map_snapshot m_h32 = {.name = "@h32", .agg = AGG_HIST, .entries = &e_h32, .n = 1};
	sink->map(sink->ctx, &m_h32, 0, 0);
	sink->lost(sink->ctx, 42);
	/* other event kinds: JSON tags them; join loses its newline there */
	sink_output(sink, EV_CAT, "hello file\n", 11);
	sink_output(sink, EV_SYSTEM, "hi 5\n", 5);
	sink_output(sink, EV_JOIN, "/bin/echo,a,b\n", 14);
	sink_output(sink, EV_TIME, "01:03:38\n", 9);
	sink->flush(sink->ctx);
}

/* time(), strftime() and join() at a fixed instant (run with TZ=UTC) */
void units_misc(void)
{
	static const char *fmts[] = {"%H:%M:%S.%f",       "%%f", "%f%f",
				     "%Y-%m-%d %H:%M:%S", "",    "%p %%f"};
	uint64_t ns = 1700000000123456789ull;
	struct strbuf sb = {0};

	for (size_t i = 0; i < ARRAY_SIZE(fmts); i++) {
		sb_reset(&sb);
		printf_strftime(&sb, fmts[i], ns);
		printf("strftime(\"%s\") = \"%s\"\n", fmts[i], sb.buf ? sb.buf : "");
		sb_reset(&sb);
		int rc = printf_time(&sb, fmts[i], ns);
		printf("time(\"%s\") = %d \"%s\"\n", fmts[i], rc, sb.buf ? sb.buf : "");
	}
	static const char *argv[] = {"ls", "-l", "/tmp"};
	sb_reset(&sb);
	printf_join(&sb, argv, 3, " ");
	printf_join(&sb, argv, 3, ",");
	printf_join(&sb, argv, 0, ",");
	fputs(sb.buf, stdout);
	static const uint8_t bytes[] = {'a', ' ', '~', 0x7f, 0, 0x80, '\\', '"'};
	for (int i = 0; i < 3; i++) {
		static const char *convs[] = {"r", "rx", "rh"};
		sb_reset(&sb);
		printf_buf(&sb, bytes, sizeof(bytes), convs[i]);
		printf("%%%s: %s\n", convs[i], sb.buf);
	}
	struct printf_conv *c;
	size_t n = printf_parse("%d %%d %5.2s %-3lu %rx %i %lld %hhx%%%p %c", &c);
	for (size_t i = 0; i < n; i++)
		printf("conv %u-%u %s arg=%d\n", c[i].start, c[i].end, c[i].conv, c[i].arg);
	free(c);
	sb_free(&sb);
}

/* the definition sort.c must agree with: insertion sorts, stable */
static int ref_by_key(const struct map_entry *a, const struct map_entry *b)
{
	return value_compare(&a->key, &b->key);
}

static int ref_by_value(const struct map_entry *a, const struct map_entry *b)
{
	bool sg = a->val.is_signed && b->val.is_signed;

	if (sg)
		return (a->val.i > b->val.i) - (a->val.i < b->val.i);
	return (a->val.u > b->val.u) - (a->val.u < b->val.u);
}

static void ref_sort(uint32_t *idx, const struct map_entry *e, size_t n,
		     int (*cmp)(const struct map_entry *, const struct map_entry *))
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = idx[i];
		size_t j = i;

		for (; j > 0 && cmp(&e[x], &e[idx[j - 1]]) < 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = x;
	}
}

/* Returns the number of mismatching cases; prints each. */
int units_sort(void)
{
	static const char *words[] = {"b", "a", "c", "ab", "", "ba"};
	unsigned seed = 42;
	int bad = 0;

	for (int c = 0; c < 60; c++) {
		size_t n = 1 + (size_t)(rand_r(&seed) % 700);
		int keys = c % 4;          /* 0 none, 1 int, 2 string, 3 (int, int) */
		bool is_signed = c % 2;    /* sum of signed values */
		bool wide = (c / 6) % 2;   /* values over the whole u64 range */
		struct map_snapshot m = {.name = "@", .agg = AGG_SUM, .has_keys = keys != 0, .n = n};
		struct map_entry *e = calloc(n, sizeof(*e));
		uint32_t *want = malloc(n * sizeof(*want)), *got;

		m.entries = e;
		for (size_t i = 0; i < n; i++) {
			uint64_t r = (uint64_t)rand_r(&seed) << 33 ^ (uint64_t)rand_r(&seed) << 11 ^
				     (uint64_t)rand_r(&seed);

			e[i].val.kind = V_SUM;
			e[i].val.is_signed = is_signed;
			e[i].val.u = wide ? r : r % 5 - 2;
			if (keys == 1)
				e[i].key = (struct value){.kind = V_INT, .u = r % 3 ? r % 97 : r};
			else if (keys == 2)
				e[i].key = (struct value){.kind = V_STR, .str = {words[r % 6], 2}};
			else if (keys == 3) {
				struct value *el = calloc(2, sizeof(*el));

				el[0] = (struct value){.kind = V_INT, .u = r % 3};
				el[1] = (struct value){.kind = V_INT, .u = r % 7 ? r % 11 : r};
				e[i].key = (struct value){.kind = V_TUPLE, .tuple = {el, NULL, 2}};
			}
			want[i] = (uint32_t)i;
		}
		if (keys)
			ref_sort(want, e, n, ref_by_key);
		ref_sort(want, e, n, ref_by_value);
		got = map_sort_order(&m);
		if (memcmp(want, got, n * sizeof(*got))) {
			printf("sort case %d (n=%zu keys=%d signed=%d wide=%d): order differs\n", c, n,
			       keys, is_signed, wide);
			bad++;
		}
		free(got);
		free(want);
		for (size_t i = 0; keys == 3 && i < n; i++)
			free(e[i].key.tuple.elems);
		free(e);
	}
	printf("sort: %d of 60 cases differ\n", bad);
	return bad;
}
