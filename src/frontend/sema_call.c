/*
 * sema_call.c - builtin functions.
 *
 * A table gives each name its enum func and arity; one switch applies
 * bpftrace 0.17's rules: which argument kinds and constants a function
 * takes, which probe kinds it works in, whether its result may or must be
 * assigned to a map (builtin variables are in sema_builtin.c). The shared
 * argument checks and the long per-function rules (aggregations, stacks,
 * str, buf) are in sema_call_args.c. Messages use bpftrace's words
 * ("count() should be directly assigned to a map", "sum() only supports
 * integer arguments (string provided)").
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <arpa/inet.h>
#include <signal.h>
#include <string.h>

static const struct {
	const char *name;
	enum func f;
	int min, max; /* how many arguments: sema_check_arity checks every call */
} funcs[] = {
	{"count", F_COUNT, 0, 0},
	{"sum", F_SUM, 1, 1},
	{"avg", F_AVG, 1, 1},
	{"min", F_MIN, 1, 1},
	{"max", F_MAX, 1, 1},
	{"stats", F_STATS, 1, 1},
	{"hist", F_HIST, 1, 1},
	{"lhist", F_LHIST, 4, 4},
	{"printf", F_PRINTF, 1, 128},
	{"print", F_PRINT, 1, 3},
	{"time", F_TIME, 0, 1},
	{"join", F_JOIN, 1, 2},
	{"exit", F_EXIT, 0, 0},
	{"system", F_SYSTEM, 1, 128},
	{"cat", F_CAT, 1, 128},
	{"clear", F_CLEAR, 1, 1},
	{"zero", F_ZERO, 1, 1},
	{"delete", F_DELETE, 1, 1},
	{"signal", F_SIGNAL, 1, 1},
	{"override", F_OVERRIDE, 1, 1},
	{"str", F_STR, 1, 2},
	{"buf", F_BUF, 1, 2},
	{"ksym", F_KSYM, 1, 1},
	{"usym", F_USYM, 1, 1},
	{"kaddr", F_KADDR, 1, 1},
	{"uaddr", F_UADDR, 1, 1},
	{"kstack", F_KSTACK, 0, 2},
	{"ustack", F_USTACK, 0, 2},
	{"ntop", F_NTOP, 1, 2},
	{"pton", F_PTON, 1, 1},
	{"reg", F_REG, 1, 1},
	{"cgroupid", F_CGROUPID, 1, 1},
	{"macaddr", F_MACADDR, 1, 1},
	{"strftime", F_STRFTIME, 2, 2},
	{"strncmp", F_STRNCMP, 3, 3},
	{"strcontains", F_STRCONTAINS, 2, 2},
	{"path", F_PATH, 1, 1},
	{"kptr", F_KPTR, 1, 1},
	{"uptr", F_UPTR, 1, 1},
	{"sizeof", F_SIZEOF, 1, 1},
	{"strerror", F_STRERROR, 1, 1},
	{"bswap", F_BSWAP, 1, 1},
	{"skboutput", F_SKBOUTPUT, 4, 4},
	{"cgroup_path", F_CGROUP_PATH, 1, 2},
	{"unwatch", F_UNWATCH, 1, 1},
	{"debugf", F_DEBUGF, 1, 128},
};

enum func sema_func_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (!strcmp(funcs[i].name, name))
			return funcs[i].f;
	return F_UNKNOWN;
}

void sema_func_arity(enum func f, int *min, int *max)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++) {
		if (funcs[i].f == f) {
			*min = funcs[i].min;
			*max = funcs[i].max;
			return;
		}
	}
	BT_BUG("a function with no arity");
}

const char *sema_func_name(enum func f)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (funcs[i].f == f)
			return funcs[i].name;
	return "?";
}

static bool unsafe(enum func f)
{
	return f == F_SYSTEM || f == F_SIGNAL || f == F_OVERRIDE;
}

static bool available(enum func f, enum probe_kind k)
{
	switch (f) {
	case F_REG:
		return k == PK_KPROBE || k == PK_KRETPROBE || k == PK_UPROBE || k == PK_URETPROBE ||
		       k == PK_USDT || sema_is_perf_kind(k) || k == PK_WATCHPOINT;
	case F_UADDR:
		return k == PK_UPROBE || k == PK_URETPROBE || k == PK_USDT;
	case F_SIGNAL:
		return k == PK_KPROBE || k == PK_KRETPROBE || k == PK_UPROBE || k == PK_URETPROBE ||
		       k == PK_USDT || k == PK_TRACEPOINT || k == PK_PROFILE || k == PK_FENTRY ||
		       k == PK_FEXIT || k == PK_RAWTRACEPOINT;
	default:
		return true;
	}
}

static const char *provider_written(struct sema *s)
{
	if (!s->fn)
		return "?";
	return probe_kind_name(s->fn->kind);
}

static bool printable(const struct type *t)
{
	return t->kind != T_NONE && t->kind != T_CTX && !type_is_map_value_kind(t);
}

static int signal_num(const char *name)
{
	static const struct {
		const char *n;
		int v;
	} sigs[] = {
		{"SIGHUP", SIGHUP},       {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT},
		{"SIGILL", SIGILL},       {"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT},
		{"SIGBUS", SIGBUS},       {"SIGFPE", SIGFPE},   {"SIGKILL", SIGKILL},
		{"SIGUSR1", SIGUSR1},     {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2},
		{"SIGPIPE", SIGPIPE},     {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM},
		{"SIGCHLD", SIGCHLD},     {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP},
		{"SIGTSTP", SIGTSTP},     {"SIGTTIN", SIGTTIN}, {"SIGTTOU", SIGTTOU},
		{"SIGURG", SIGURG},       {"SIGXCPU", SIGXCPU}, {"SIGXFSZ", SIGXFSZ},
		{"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF}, {"SIGWINCH", SIGWINCH},
		{"SIGIO", SIGIO},         {"SIGPWR", SIGPWR},   {"SIGSYS", SIGSYS},
	};
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (!strcmp(sigs[i].n, name) || !strcmp(sigs[i].n + 3, name))
			return sigs[i].v;
	return -1;
}

/* pton("addr"): uint8[4] or uint8[16], the bytes are made by codegen */
static const struct type *pton_type(struct sema *s, struct node *n, const char *addr)
{
	uint8_t bytes[16];
	struct type *arr;
	int af = strchr(addr, ':') ? AF_INET6 : strchr(addr, '.') ? AF_INET : AF_UNSPEC;

	if (af == AF_UNSPEC) {
		sema_err(s, n->span,
			 "pton() expects an string argument of an IPv4/IPv6 address, got %s", addr);
		return &t_none;
	}
	if (inet_pton(af, addr, bytes) != 1) {
		sema_err(s, n->span, "pton() expects a valid IPv4/IPv6 address, got %s", addr);
		return &t_none;
	}
	arr = arena_alloc(s->a, sizeof(*arr));
	arr->kind = T_ARRAY;
	arr->elem = &t_u8;
	arr->align = 1;
	arr->count = af == AF_INET ? 4 : 16;
	arr->size = arr->count;
	return arr;
}

/* uaddr("sym"): a user pointer to a signed int of the symbol's size when
 * that is 1, 2 or 4 bytes, else to an int64, as bpftrace 0.17 */
static const struct type *uaddr_type(struct sema *s, const char *sym)
{
	struct bt_probe *bp =
		s->fn && s->fn->probe_lo < s->probes.len ? s->probes.items[s->fn->probe_lo] : NULL;
	uint64_t addr, size = 0;

	if (!bp || !bp->target || elf_sym_find(bp->target, sym, &addr, &size, NULL) ||
	    (size != 1 && size != 2 && size != 4))
		size = 8;
	return stype_ptr(s, stype_int(true, (uint32_t)size), true);
}

/* arguments other calls type normally */
static void type_args(struct sema *s, struct node *n, int from)
{
	int i = 0;
	node_foreach(&n->u.call.args, a) {
		if (i++ >= from)
			sema_expr(s, a);
	}
}

/* bpftrace 0.17 rejects the name before it looks at the arguments: the
 * span is the name's, and the arguments get no errors of their own (a map
 * passed to a later function, has_key(@m, k), is no bad map access) */
static const struct type *unknown_function(struct sema *s, struct node *n)
{
	struct span sp = n->span;
	uint32_t len = (uint32_t)strlen(n->u.call.name);

	if (sp.hi > sp.lo + len)
		sp.hi = sp.lo + len;
	sema_err(s, sp, "Unknown function: %s", n->u.call.name);
	return &t_none;
}

const struct type *sema_call(struct sema *s, struct node *n, struct node *to, bool as_key)
{
	const char *fn = n->u.call.name;
	enum func f = sema_func_lookup(fn);
	enum probe_kind k = s->fn ? s->fn->kind : PK_BEGIN;
	const struct type *t = &t_none;
	struct node *a0 = sema_arg(n, 0);
	int64_t v;

	n->u.call.fn = f;
	n->u.call.fmt_id = -1;
	if (f == F_UNKNOWN)
		return unknown_function(s, n);
	if (unsafe(f) && !(s->opts && s->opts->unsafe))
		sema_err(s, n->span, "%s() is an unsafe function being used in safe mode", fn);
	if (!available(f, k))
		sema_err(s, n->span, "%s can not be used with \"%s\" probes", fn,
			 provider_written(s));

	switch (f) {
	case F_COUNT:
	case F_SUM:
	case F_AVG:
	case F_MIN:
	case F_MAX:
	case F_STATS:
	case F_HIST:
	case F_LHIST:
		type_args(s, n, 0);
		return sema_agg_call(s, n, f, fn, to);
	case F_PRINTF:
	case F_SYSTEM:
	case F_CAT:
	case F_DEBUGF:
		type_args(s, n, 1);
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		if (!sema_check_arity(s, n))
			return &t_none;
		if (a0->kind != N_STR) {
			sema_expr(s, a0);
			sema_err(s, n->span, "%s() expects a string literal (%s provided)", fn,
				 sema_kname(a0->type));
			return &t_none;
		}
		if (f != F_PRINTF)
			sema_check_str_lit(s, a0); /* as bpftrace: system's, cat's too */
		a0->type = stype_str(s, (uint32_t)a0->u.str.len + 1);
		sema_check_format(s, n, fn, a0->u.str.s, a0->next);
		if (f == F_DEBUGF)
			sema_warn(s, n->span,
				  "The debugf() builtin is not recommended for production use. For "
				  "more information see bpf_trace_printk in bpf-helpers(7).");
		return &t_none;
	case F_PRINT:
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		if (!sema_check_arity(s, n)) {
			type_args(s, n, 0);
			return &t_none;
		}
		if (a0->kind == N_MAP) {
			if (a0->u.map.keys.len) {
				sema_err(
					s, n->span,
					"The map passed to print() should not be indexed by a key");
				sema_expr(s, a0);
			} else {
				a0->type = sema_map_value(s, a0);
			}
			type_args(s, n, 1);
			if (sema_nargs(n) > 1)
				sema_want(s, n, fn, 1, T_INT, true);
			if (sema_nargs(n) > 2)
				sema_want(s, n, fn, 2, T_INT, true);
			if (a0->type->kind == T_STATS && sema_nargs(n) > 1)
				sema_warn(s, n->span,
					  "print()'s top and div arguments are ignored when used "
					  "on stats() maps.");
			return &t_none;
		}
		t = sema_expr(s, a0);
		type_args(s, n, 1);
		if (!printable(t)) {
			if (t->kind != T_NONE)
				sema_err(s, n->span, "%s type passed to print() is not printable",
					 sema_tname(s, t));
		} else if (sema_nargs(n) != 1) {
			sema_err(s, n->span, "Non-map print() only takes 1 argument, %d found",
				 sema_nargs(n));
		} else if (s->final) {
			const struct type *one[1] = {t};
			n->u.call.fmt_id =
				sema_add_format(s, EV_PRINT_VALUE, NULL, stype_tuple(s, one, 1));
		}
		return &t_none;
	case F_TIME:
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (!sema_check_arity(s, n))
			return &t_none;
		if (sema_nargs(n) == 1 && !sema_want(s, n, fn, 0, T_STR, true))
			return &t_none;
		if (s->final)
			n->u.call.fmt_id = sema_add_format(
				s, EV_TIME, sema_nargs(n) ? a0->u.str.s : "%H:%M:%S\n", NULL);
		return &t_none;
	case F_STRFTIME:
		type_args(s, n, 0);
		if (sema_check_arity(s, n) && sema_want(s, n, fn, 0, T_STR, true) &&
		    sema_want(s, n, fn, 1, T_INT, false) && s->final)
			n->u.call.fmt_id = sema_add_format(s, EV_TIME, a0->u.str.s, NULL);
		return stype_simple(T_TIMESTAMP);
	case F_JOIN:
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (!sema_check_arity(s, n))
			return &t_none;
		if (!stype_is_intlike(a0->type))
			sema_err(s, n->span,
				 "join() only supports int or pointer arguments (%s provided)",
				 sema_kname(a0->type));
		if (sema_nargs(n) > 1 && !sema_want(s, n, fn, 1, T_STR, true))
			return &t_none;
		if (s->final) {
			uint32_t max = s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64;
			n->u.call.fmt_id = sema_add_format(
				s, EV_JOIN, sema_nargs(n) > 1 ? sema_arg(n, 1)->u.str.s : " ",
				NULL);
			struct bt_format *bf = s->formats.items[n->u.call.fmt_id];
			bf->size = 8 + 16 * max;
		}
		return &t_none;
	case F_EXIT:
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		sema_check_arity(s, n);
		return &t_none;
	case F_CLEAR:
	case F_ZERO:
	case F_DELETE:
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		if (!sema_check_arity(s, n)) {
			type_args(s, n, 0);
			return &t_none;
		}
		if (sema_is_map_arg(s, n, fn, f == F_DELETE)) {
			if (f == F_DELETE) {
				sema_map_keys(s, a0, sema_map_get(s, a0));
				a0->type = sema_map_value(s, a0);
			} else {
				a0->type = sema_map_value(s, a0);
			}
		} else {
			type_args(s, n, 0);
		}
		return &t_none;
	case F_SIGNAL:
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (!sema_check_arity(s, n))
			return &t_none;
		if (a0->kind == N_STR) {
			if (signal_num(a0->u.str.s) < 1)
				sema_err(s, n->span, "%s is not a valid signal", a0->u.str.s);
		} else if (sema_const_int(s, a0, &v)) {
			if (v < 1 || v > 64)
				sema_err(s, n->span,
					 "%lld is not a valid signal, allowed range: [1,64]",
					 (long long)v);
		} else if (a0->type->kind != T_INT) {
			sema_err(s, n->span, "signal only accepts string literals or integers");
		}
		return &t_none;
	case F_OVERRIDE:
		sema_check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (sema_check_arity(s, n))
			sema_want(s, n, fn, 0, T_INT, false);
		if (k != PK_KPROBE)
			sema_err(s, n->span, "%s can only be used with kprobes.", fn);
		return &t_none;
	case F_STR:
		return sema_str_call(s, n);
	case F_BUF:
		return sema_buf_call(s, n);
	case F_KSYM:
	case F_USYM:
		type_args(s, n, 0);
		if (sema_check_arity(s, n) && !stype_is_intlike(a0->type))
			sema_err(s, n->span, "%s() expects an integer or pointer argument", fn);
		return stype_simple(f == F_KSYM ? T_KSYM : T_USYM);
	case F_KADDR:
	case F_CGROUPID:
		type_args(s, n, 0);
		if (sema_check_arity(s, n))
			sema_want(s, n, fn, 0, T_STR, true);
		return &t_u64;
	case F_UADDR:
		type_args(s, n, 0);
		if (sema_check_arity(s, n) && sema_want(s, n, fn, 0, T_STR, true))
			return uaddr_type(s, a0->u.str.s);
		return stype_ptr(s, &t_s64, true);
	case F_KSTACK:
	case F_USTACK:
		return sema_stack_call(s, n, f == F_KSTACK, fn);
	case F_NTOP: {
		type_args(s, n, 0);
		if (!sema_check_arity(s, n))
			return stype_simple(T_INET);
		struct node *ad = a0;
		if (sema_nargs(n) == 2) {
			ad = sema_arg(n, 1);
			sema_want(s, n, fn, 0, T_INT, false);
		}
		const struct type *at = ad->type;
		if (at->kind != T_INT && at->kind != T_STR && at->kind != T_ARRAY)
			sema_err(s, n->span, "%s() expects an integer or array argument, got %s",
				 fn, sema_kname(at));
		else if (at->kind != T_INT && at->size != 4 && at->size != 16)
			sema_err(s, n->span, "%s() argument must be 4 or 16 bytes in size", fn);
		return stype_simple(T_INET);
	}
	case F_PTON:
		type_args(s, n, 0);
		if (sema_check_arity(s, n) && sema_want(s, n, fn, 0, T_STR, true))
			return pton_type(s, n, a0->u.str.s);
		return &t_none;
	case F_REG:
		type_args(s, n, 0);
		if (sema_check_arity(s, n) && sema_want(s, n, fn, 0, T_STR, true)) {
			static const char *const regs[] = {
				"r15", "r14",     "r13", "r12", "bp",    "bx", "r11",
				"r10", "r9",      "r8",  "ax",  "cx",    "dx", "si",
				"di",  "orig_ax", "ip",  "cs",  "flags", "sp", "ss",
			};
			bool ok = false;
			for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
				ok |= !strcmp(regs[i], a0->u.str.s);
			if (!ok)
				sema_err(s, n->span,
					 "'%s' is not a valid register on this architecture "
					 "(x86_64)",
					 a0->u.str.s);
		}
		return &t_u64;
	case F_MACADDR:
		type_args(s, n, 0);
		if (sema_check_arity(s, n)) {
			const struct type *at = a0->type;
			if (at->kind != T_INT && at->kind != T_ARRAY && at->kind != T_PTR &&
			    at->kind != T_STR)
				sema_err(s, n->span,
					 "macaddr() only supports array or pointer arguments (%s "
					 "provided)",
					 sema_kname(at));
			else if ((at->kind == T_ARRAY || at->kind == T_STR) && at->size != 6)
				sema_err(s, n->span, "macaddr() argument must be 6 bytes in size");
			else if (at->kind == T_STR && a0->kind == N_STR)
				sema_err(s, n->span,
					 "macaddr() does not support literal string arguments");
		}
		return stype_simple(T_MAC);
	case F_STRNCMP:
		type_args(s, n, 0);
		if (sema_check_arity(s, n)) {
			sema_want(s, n, fn, 0, T_STR, false);
			sema_want(s, n, fn, 1, T_STR, false);
			if (sema_want(s, n, fn, 2, T_INT, true)) {
				if (!sema_const_int(s, sema_arg(n, 2), &v))
					sema_err(s, n->span, "%s: invalid size value", fn);
				else if (v < 0)
					sema_err(s, n->span,
						 "Builtin strncmp requires a non-negative size");
			}
		}
		return &t_u64;
	case F_STRCONTAINS:
		type_args(s, n, 0);
		if (sema_check_arity(s, n)) {
			sema_want(s, n, fn, 0, T_STR, false);
			sema_want(s, n, fn, 1, T_STR, false);
		}
		return &t_u64;
	case F_PATH:
		type_args(s, n, 0);
		if (sema_check_arity(s, n) && a0->type->kind != T_PTR && a0->type->kind != T_RECORD)
			sema_err(s, n->span,
				 "path() only supports pointer or record argument (%s provided)",
				 sema_kname(a0->type));
		if (k != PK_FENTRY && k != PK_FEXIT)
			sema_err(s, n->span,
				 "The path function can only be used with 'kfunc', 'kretfunc', "
				 "'iter' probes");
		return stype_str(s, s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64);
	case F_KPTR:
	case F_UPTR:
		type_args(s, n, 0);
		if (!sema_check_arity(s, n))
			return &t_u64;
		if (!stype_is_intlike(a0->type)) {
			sema_err(s, n->span,
				 "%s() only supports integer or pointer arguments (%s provided)",
				 fn, sema_kname(a0->type));
			return &t_u64;
		}
		if (a0->type->kind == T_PTR)
			return stype_ptr(s, a0->type->elem, f == F_UPTR);
		return a0->type;
	case F_SIZEOF:
		type_args(s, n, 0);
		sema_check_arity(s, n);
		return &t_u64;
	case F_STRERROR:
		type_args(s, n, 0);
		if (sema_check_arity(s, n))
			sema_want(s, n, fn, 0, T_INT, false);
		return stype_simple(T_STRERROR);
	case F_BSWAP:
		type_args(s, n, 0);
		if (!sema_check_arity(s, n))
			return &t_u64;
		if (a0->type->kind != T_INT) {
			sema_err(s, n->span, "%s() only supports integer arguments (%s provided)",
				 fn, sema_kname(a0->type));
			return &t_u64;
		}
		return stype_int(false, a0->type->size);
	case F_CGROUP_PATH:
		type_args(s, n, 0);
		if (sema_check_arity(s, n)) {
			sema_want(s, n, fn, 0, T_INT, false);
			/* the filter travels as a string of the format table, like
			 * strftime's format; its id goes in the value */
			if (sema_nargs(n) > 1 && sema_want(s, n, fn, 1, T_STR, true) && s->final)
				n->u.call.fmt_id =
					sema_add_format(s, EV_TIME, sema_arg(n, 1)->u.str.s, NULL);
		}
		return stype_simple(T_CGROUP_PATH);
	case F_UNWATCH:
		type_args(s, n, 0);
		if (sema_check_arity(s, n))
			sema_want(s, n, fn, 0, T_INT, false);
		return &t_none;
	case F_SKBOUTPUT:
		type_args(s, n, 0);
		sema_check_arity(s, n);
		return &t_u32;
	case F_HAS_KEY:
	case F_LEN:
	case F_UNKNOWN:
		break;
	}
	return unknown_function(s, n);
}
