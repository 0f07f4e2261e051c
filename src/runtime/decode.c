/*
 * decode.c - BPF bytes to model values.
 *
 * The one place where the byte layout of a type (bt.h) meets struct value
 * (model.h): integers of every size and sign, strings, buffers, tuples and
 * records (bitfields included), arrays, and the types that need the
 * running system to mean anything: stacks (read from the stack trace map
 * and symbolised), ksym/usym, probe names, user names, addresses, MACs,
 * strftime timestamps, errno strings. Everything is allocated in the
 * caller's arena. Map aggregates are folded in maps.c, not here.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../output/output.h"
#include "rt_internal.h"

static uint64_t load_uint(const uint8_t *b, uint32_t size)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64 = 0;

	switch (size) {
	case 1:
		memcpy(&v8, b, 1);
		return v8;
	case 2:
		memcpy(&v16, b, 2);
		return v16;
	case 4:
		memcpy(&v32, b, 4);
		return v32;
	default:
		memcpy(&v64, b, size < 8 ? size : 8);
		return v64;
	}
}

static int64_t sign_extend(uint64_t v, uint32_t bits)
{
	if (bits >= 64)
		return (int64_t)v;
	uint64_t m = 1ULL << (bits - 1);

	v &= (1ULL << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

static void set_int(struct value *out, uint64_t v, uint32_t bits, bool is_signed)
{
	out->kind = V_INT;
	out->is_signed = is_signed;
	if (is_signed)
		out->i = sign_extend(v, bits);
	else
		out->u = v;
}

static void set_str(struct arena *a, struct value *out, const char *s, size_t n)
{
	out->kind = V_STR;
	out->str.s = arena_strndup(a, s, n);
	out->str.len = n;
}

static void set_strf(struct arena *a, struct value *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_strf(struct arena *a, struct value *out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	set_str(a, out, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

struct syms *rt_syms(struct rt *rt)
{
	if (!rt->syms)
		rt->syms = syms_new();
	return rt->syms;
}

/* "sym+off", or the bare address when unknown */
static const char *frame_name(struct rt *rt, struct arena *a, bool user, int pid, uint64_t addr,
			      bool with_off)
{
	const char *name;
	uint64_t off;
	bool ok = user ? syms_user(rt_syms(rt), pid, addr, &name, &off)
		       : syms_kernel(rt_syms(rt), addr, &name, &off);

	/* unknown: the address in hex, as bpftrace prints it ("0" for 0) */
	if (!ok)
		return addr ? arena_printf(a, "0x%llx", (unsigned long long)addr)
			    : arena_strdup(a, "0");
	if (!with_off)
		return arena_strdup(a, name);
	return arena_printf(a, "%s+%llu", name, (unsigned long long)off);
}

static void decode_stack(struct rt *rt, struct arena *a, const struct type *t, const uint8_t *b,
			 struct value *out)
{
	bool user = t->kind == T_USTACK;
	uint64_t id = load_uint(b, 8);
	int pid = user ? (int)load_uint(b + 8, 8) : 0;
	uint32_t id32 = (uint32_t)id, depth = rt->stack_depth[user];
	uint32_t limit = t->stack_limit && t->stack_limit < depth ? t->stack_limit : depth;
	int fd = rt->stack_fd[user];
	uint64_t *ips = arena_alloc(a, (depth ? depth : 1) * sizeof(uint64_t));
	size_t n = 0;

	out->kind = V_STACK;
	out->stack.mode = t->stack_mode;
	/* a stack shorter than the map's value is zero-padded */
	if (fd >= 0 && depth && (int64_t)id >= 0 && bpf_map_lookup_elem(fd, &id32, ips) == 0)
		while (n < limit && ips[n])
			n++;
	out->stack.n = n;
	out->stack.addrs = ips;
	out->stack.frames = arena_alloc(a, (n ? n : 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *mod;

		out->stack.frames[i] = frame_name(rt, a, user, pid, ips[i], true);
		/* ustack(perf), as bpftrace: "sym+off (/path/of/the/binary)" */
		if (user && t->stack_mode == STACK_PERF &&
		    (mod = syms_user_module(rt_syms(rt), pid, ips[i])))
			out->stack.frames[i] =
				arena_printf(a, "%s (%s)", out->stack.frames[i], mod);
	}
}

static void decode_fields(struct rt *rt, struct arena *a, const struct type *t, const uint8_t *b,
			  struct value *out)
{
	size_t n = t->count;

	out->kind = t->kind == T_RECORD ? V_RECORD : V_TUPLE;
	out->tuple.n = n;
	out->tuple.elems = arena_alloc(a, (n ? n : 1) * sizeof(struct value));
	if (t->kind == T_RECORD)
		out->tuple.names = arena_alloc(a, (n ? n : 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &t->fields[i];
		struct value *e = &out->tuple.elems[i];

		if (out->tuple.names)
			out->tuple.names[i] = f->name;
		if (f->bitfield_len) {
			uint64_t raw = load_uint(b + f->offset, f->type->size);

			raw >>= f->bitfield_off;
			raw &= f->bitfield_len >= 64 ? ~0ULL : (1ULL << f->bitfield_len) - 1;
			set_int(e, raw, f->bitfield_len, f->type->is_signed);
			continue;
		}
		decode_value(rt, a, f->type, b + f->offset, e);
	}
}

static void decode_array(struct rt *rt, struct arena *a, const struct type *t, const uint8_t *b,
			 struct value *out)
{
	size_t n = t->count;
	uint32_t esz = t->elem ? t->elem->size : 0;

	/* a char array inside a record value prints as a string, as bpftrace */
	if (t->elem && t->elem->kind == T_INT && esz == 1 && t->elem->name &&
	    !strcmp(t->elem->name, "char")) {
		set_str(a, out, (const char *)b, strnlen((const char *)b, n));
		return;
	}
	out->kind = V_ARRAY;
	out->tuple.n = n;
	out->tuple.elems = arena_alloc(a, (n ? n : 1) * sizeof(struct value));
	for (size_t i = 0; i < n && t->elem; i++)
		decode_value(rt, a, t->elem, b + i * esz, &out->tuple.elems[i]);
}

static void decode_timestamp(struct rt *rt, struct arena *a, const uint8_t *b, struct value *out)
{
	uint64_t fmt_id = load_uint(b, 8), ns = load_uint(b + 8, 8);
	const char *fmt = fmt_id < rt->prog->nformats ? rt->prog->formats[fmt_id].fmt : "%c";
	struct timespec real, boot;
	struct strbuf sb = {0};

	/* nsecs count from boot; shift them onto the wall clock */
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	int64_t off =
		((int64_t)real.tv_sec - boot.tv_sec) * 1000000000LL + (real.tv_nsec - boot.tv_nsec);
	printf_strftime(&sb, fmt, (uint64_t)((int64_t)ns + off));
	set_str(a, out, sb.buf ? sb.buf : "", sb.len);
	sb_free(&sb);
}

static void decode_inet(struct arena *a, const uint8_t *b, struct value *out)
{
	uint64_t af = load_uint(b, 8);
	char buf[INET6_ADDRSTRLEN];
	int family = af == AF_INET6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(family, b + 8, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "(bad address)");
	set_str(a, out, buf, strlen(buf));
}

static void decode_username(struct arena *a, uint64_t uid, struct value *out)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		set_str(a, out, pw.pw_name, strlen(pw.pw_name));
	else
		set_strf(a, out, "%llu", (unsigned long long)uid);
}

void decode_value(struct rt *rt, struct arena *a, const struct type *t, const uint8_t *b,
		  struct value *out)
{
	memset(out, 0, sizeof(*out));
	if (!t)
		return;
	switch (t->kind) {
	case T_NONE:
		return;
	case T_INT:
	case T_COUNT:
	case T_SUM:
	case T_MIN:
	case T_MAX:
		set_int(out, load_uint(b, t->size ? t->size : 8), (t->size ? t->size : 8) * 8,
			t->is_signed);
		return;
	case T_PTR:
	case T_CTX:
		set_int(out, load_uint(b, 8), 64, false);
		return;
	case T_STR:
		set_str(a, out, (const char *)b, strnlen((const char *)b, t->size));
		return;
	case T_BUF: {
		uint32_t len = (uint32_t)load_uint(b, 4), cap = t->size > 4 ? t->size - 4 : 0;
		uint8_t *copy;

		if (len > cap)
			len = cap;
		copy = arena_alloc(a, len ? len : 1);
		memcpy(copy, b + 4, len);
		out->kind = V_BUF;
		out->buf.bytes = copy;
		out->buf.len = len;
		return;
	}
	case T_TUPLE:
	case T_RECORD:
		decode_fields(rt, a, t, b, out);
		return;
	case T_ARRAY:
		decode_array(rt, a, t, b, out);
		return;
	case T_KSTACK:
	case T_USTACK:
		decode_stack(rt, a, t, b, out);
		return;
	case T_KSYM:
		out->kind = V_STR;
		out->str.s = frame_name(rt, a, false, 0, load_uint(b, 8), false);
		out->str.len = strlen(out->str.s);
		return;
	case T_USYM:
		out->kind = V_STR;
		out->str.s =
			frame_name(rt, a, true, (int)load_uint(b + 8, 8), load_uint(b, 8), false);
		out->str.len = strlen(out->str.s);
		return;
	case T_PROBE: {
		uint64_t idx = load_uint(b, 8);
		const char *name = idx < rt->prog->nprobes ? rt->prog->probes[idx].name : "?";

		set_str(a, out, name, strlen(name));
		return;
	}
	case T_USERNAME:
		decode_username(a, load_uint(b, 8), out);
		return;
	case T_INET:
		decode_inet(a, b, out);
		return;
	case T_MAC:
		set_strf(a, out, "%02X:%02X:%02X:%02X:%02X:%02X", b[0], b[1], b[2], b[3], b[4],
			 b[5]);
		return;
	case T_TIMESTAMP:
		decode_timestamp(rt, a, b, out);
		return;
	case T_CGROUP_PATH: {
		/* the id, then 1 + the format id of the filter (0: none) */
		uint64_t fid = load_uint(b + 8, 8);
		const char *filter =
			fid && fid - 1 < rt->prog->nformats ? rt->prog->formats[fid - 1].fmt : NULL;
		char *path = rt_cgroup_path(load_uint(b, 8), filter);

		set_str(a, out, path, strlen(path));
		free(path);
		return;
	}
	case T_STRERROR: {
		const char *s = strerror((int)load_uint(b, t->size ? t->size : 8));

		set_str(a, out, s, strlen(s));
		return;
	}
	case T_AVG:
	case T_STATS:
		out->kind = t->kind == T_AVG ? V_AVG : V_STATS;
		out->stats.total = (int64_t)load_uint(b, 8);
		out->stats.count = load_uint(b + 8, 8);
		return;
	case T_HIST:
	case T_LHIST:
		return; /* only as folded map values (maps.c) */
	}
}
