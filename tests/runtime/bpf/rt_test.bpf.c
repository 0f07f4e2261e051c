/*
 * rt_test.bpf.c - hand-written BPF programs for the runtime tier.
 *
 * They stand in for what codegen emits, with the layouts bt.h fixes:
 * records (kind << 32 | index) on a ring buffer, per-CPU aggregate maps,
 * hist/lhist keys with the bucket index in the last 8 bytes, tt_config
 * and the tt_lost counter. driver.c builds the matching struct bt_program.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
/* the helpers need the kernel's types first */
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

typedef unsigned long long u64;
typedef long long s64;

#define EV_PRINTF        1ULL
#define EV_EXIT          2ULL
#define EV_PRINT_MAP     3ULL
#define EV_CLEAR_MAP     4ULL
#define EV_RUNTIME_ERROR 11ULL

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RB_SIZE);
} events SEC(".maps");

struct tt_config {
	u64 cpid, start_ns;
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tt_config);
} tt_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, u64);
} tt_lost SEC(".maps");

#define PCPU_MAP(name, k, v, n)                                                                    \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_PERCPU_HASH);                                            \
		__uint(max_entries, n);                                                            \
		__type(key, k);                                                                    \
		__type(value, v);                                                                  \
	} name SEC(".maps")

struct minmax {
	s64 value;
	u64 set;
};
struct avg {
	s64 total;
	u64 count;
};
struct hkey {
	u64 key, bucket;
};

PCPU_MAP(AT_c, u64, u64, 1024); /* @c = count() */
PCPU_MAP(AT_k, u64, u64, 1024); /* @k[x % 3] = count() */
PCPU_MAP(AT_s, u64, s64, 16);   /* @s = sum(x) */
PCPU_MAP(AT_mn, u64, struct minmax, 16);
PCPU_MAP(AT_mx, u64, struct minmax, 16);
PCPU_MAP(AT_a, u64, struct avg, 16);
PCPU_MAP(AT_st, u64, struct avg, 16);
PCPU_MAP(AT_h, struct hkey, u64, 1024); /* @h[x % 2] = hist(x) */
PCPU_MAP(AT_l, struct hkey, u64, 1024); /* @l = lhist(x, 0, 10, 2) */
PCPU_MAP(AT_r, u64, u64, 16);           /* raw tracepoint count */
PCPU_MAP(AT_p, u64, u64, 16);           /* perf event count */
PCPU_MAP(AT_t, u64, u64, 16);           /* tracepoint count */
PCPU_MAP(AT_cp, u64, u64, 16);          /* execs by cpid */
#ifdef WITH_BIG
PCPU_MAP(AT_big, u64, u64, 131072); /* filled by BEGIN_fill; slow to create */
#endif
struct str16 {
	char s[16];
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u64);
	__type(value, struct str16);
} AT_v SEC(".maps"); /* @v[1] = "hello" */

static __always_inline void inc(void *map, u64 key, u64 by)
{
	u64 *v = bpf_map_lookup_elem(map, &key);

	if (v) {
		*v += by;
		return;
	}
	bpf_map_update_elem(map, &key, &by, BPF_NOEXIST);
}

static __always_inline void lost(void)
{
	__u32 z = 0;
	u64 *v = bpf_map_lookup_elem(&tt_lost, &z);

	if (v)
		*v += 1;
}

static __always_inline void emit(void *rec, u64 size)
{
	if (bpf_ringbuf_output(&events, rec, size, 0) < 0)
		lost();
}

struct rec_hdr {
	u64 hdr;
};
struct rec_int {
	u64 hdr;
	s64 x;
};
struct rec_int_str {
	u64 hdr;
	s64 x;
	char s[8];
};

SEC("raw_tp")
int rtt_BEGIN_0(void *ctx)
{
	struct rec_int r = {EV_PRINTF << 32 | 0, bpf_get_current_pid_tgid() >> 32};

	emit(&r, sizeof(r));
	return 0;
}

SEC("raw_tp")
int rtt_END_0(void *ctx)
{
	struct rec_hdr r = {EV_PRINTF << 32 | 1};

	emit(&r, sizeof(r));
	return 0;
}

SEC("raw_tp")
int rtt_BEGIN_exit(void *ctx)
{
	struct rec_hdr r = {EV_EXIT << 32};

	emit(&r, sizeof(r));
	r.hdr = EV_PRINTF << 32 | 1; /* dropped: after exit() */
	emit(&r, sizeof(r));
	return 0;
}

static __always_inline u64 log2_bucket(s64 v)
{
	u64 idx = 2;

	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	for (int i = 0; i < 63; i++) {
		if ((u64)v >> (i + 1) == 0)
			break;
		idx++;
	}
	return idx;
}

SEC("uprobe")
int rtt_uprobe_target(struct pt_regs *ctx)
{
	s64 x = (s64)PT_REGS_PARM1(ctx);
	u64 zero = 0;
	struct minmax *mm, nmm = {x, 1};
	struct avg *a, na = {x, 1};
	struct hkey hk = {(u64)x % 2, log2_bucket(x)};
	struct hkey lk = {0, x < 0 ? 0 : x >= 10 ? 6 : x / 2 + 1};

	inc(&AT_c, 0, 1);
	inc(&AT_k, (u64)x % 3, 1);
	inc(&AT_s, 0, (u64)x);
	mm = bpf_map_lookup_elem(&AT_mn, &zero);
	if (!mm)
		bpf_map_update_elem(&AT_mn, &zero, &nmm, BPF_NOEXIST);
	else if (!mm->set || x < mm->value)
		*mm = nmm;
	mm = bpf_map_lookup_elem(&AT_mx, &zero);
	if (!mm)
		bpf_map_update_elem(&AT_mx, &zero, &nmm, BPF_NOEXIST);
	else if (!mm->set || x > mm->value)
		*mm = nmm;
	a = bpf_map_lookup_elem(&AT_a, &zero);
	if (a) {
		a->total += x;
		a->count++;
	} else {
		bpf_map_update_elem(&AT_a, &zero, &na, BPF_NOEXIST);
	}
	a = bpf_map_lookup_elem(&AT_st, &zero);
	if (a) {
		a->total += x;
		a->count++;
	} else {
		bpf_map_update_elem(&AT_st, &zero, &na, BPF_NOEXIST);
	}
	{
		u64 one = 1, *v = bpf_map_lookup_elem(&AT_h, &hk);

		if (v)
			*v += 1;
		else
			bpf_map_update_elem(&AT_h, &hk, &one, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&AT_l, &lk);
		if (v)
			*v += 1;
		else
			bpf_map_update_elem(&AT_l, &lk, &one, BPF_NOEXIST);
	}
	return 0;
}

/* printf("x=%d s=%s\n", x, "hi"); x == 99: exit(), then one more printf */
SEC("uprobe")
int rtt_uprobe_emit(struct pt_regs *ctx)
{
	struct rec_int_str r = {EV_PRINTF << 32 | 2, (s64)PT_REGS_PARM1(ctx), "hi"};
	struct rec_hdr e = {EV_EXIT << 32};

	if (r.x == 97) {
		/* a helper failed: runtime error 0, return code -7 */
		u64 re[2] = {EV_RUNTIME_ERROR << 32 | 0, (u64)-7};

		emit(re, sizeof(re));
		return 0;
	}
	if (r.x == 98) {
		/* print(@c) then clear(@k) */
		u64 pm[3] = {EV_PRINT_MAP << 32 | 1, 0, 0};
		struct rec_hdr c = {EV_CLEAR_MAP << 32 | 3};

		emit(pm, sizeof(pm));
		emit(&c, sizeof(c));
		return 0;
	}
	emit(&r, sizeof(r));
	if (r.x == 99) {
		emit(&e, sizeof(e));
		emit(&r, sizeof(r));
	}
	return 0;
}

/* a storm: one record per getppid() by our own process, no wakeup */
SEC("tracepoint/syscalls/sys_enter_getppid")
int rtt_tp_getppid(void *ctx)
{
	struct rec_int r = {EV_PRINTF << 32 | 3, bpf_get_current_pid_tgid() >> 32};

	inc(&AT_t, 0, 1);
	if (bpf_ringbuf_output(&events, &r, sizeof(r), BPF_RB_NO_WAKEUP) < 0)
		lost();
	return 0;
}

/* counts only: attached hundreds of times by the detach test */
SEC("tracepoint")
int rtt_tp_count(void *ctx)
{
	inc(&AT_t, 0, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int rtt_rawtp_sys_enter(void *ctx)
{
	inc(&AT_r, 0, 1);
	return 0;
}

SEC("perf_event")
int rtt_perf_count(void *ctx)
{
	inc(&AT_p, bpf_get_smp_processor_id() == 0 ? 0 : 1, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int rtt_tp_exec_cpid(void *ctx)
{
	__u32 z = 0;
	struct tt_config *c = bpf_map_lookup_elem(&tt_config, &z);

	if (c && c->cpid == bpf_get_current_pid_tgid() >> 32)
		inc(&AT_cp, 0, 1);
	return 0;
}

SEC("raw_tp")
int rtt_BEGIN_value(void *ctx)
{
	u64 one = 1;
	struct str16 s = {"hello"};

	bpf_map_update_elem(&AT_v, &one, &s, BPF_ANY);
	return 0;
}

#ifdef WITH_BIG
static long fill_cb(__u32 i, void *ctx)
{
	u64 k = i, v = 1;

	bpf_map_update_elem(&AT_big, &k, &v, BPF_ANY);
	return 0;
}

/* 100,000 keys for the map-reading benchmark */
SEC("raw_tp")
int rtt_BEGIN_fill(void *ctx)
{
	bpf_loop(100000, fill_cb, NULL, 0);
	return 0;
}
#endif

char LICENSE[] SEC("license") = "GPL";
