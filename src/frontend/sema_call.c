/*
 * sema_call.c - builtin functions.
 *
 * A table gives each name its enum func and arity; one switch applies
 * bpftrace 0.17's rules: which argument kinds and constants a function
 * takes, which probe kinds it works in, whether its result may or must be
 * assigned to a map (builtin variables are in sema_builtin.c). Messages use bpftrace's words
 * ("count() should be directly assigned to a map", "sum() only supports
 * integer arguments (string provided)").
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <signal.h>
#include <string.h>

#define MAX_STACK     1024
#define DEFAULT_STACK 127

static const struct {
	const char *name;
	enum func f;
	int min, max; /* arity; -1 = unchecked here */
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

const char *sema_func_name(enum func f)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (funcs[i].f == f)
			return funcs[i].name;
	return "?";
}

/* --- functions --- */

static int nargs(struct node *n)
{
	return (int)n->u.call.args.len;
}

static struct node *arg(struct node *n, int i)
{
	struct node *a = n->u.call.args.head;
	while (a && i--)
		a = a->next;
	return a;
}

static bool check_arity(struct sema *s, struct node *n, const char *fn, int min, int max)
{
	int k = nargs(n);

	if (min == max && k != min) {
		if (min == 0)
			sema_err(s, n->span, "%s() requires no arguments (%d provided)", fn, k);
		else if (min == 1)
			sema_err(s, n->span, "%s() requires one argument (%d provided)", fn, k);
		else
			sema_err(s, n->span, "%s() requires %d arguments (%d provided)", fn, min,
				 k);
		return false;
	}
	if (k < min) {
		if (min == 1)
			sema_err(s, n->span, "%s() requires at least one argument (%d provided)",
				 fn, k);
		else
			sema_err(s, n->span, "%s() requires at least %d arguments (%d provided)",
				 fn, min, k);
		return false;
	}
	if (k > max) {
		if (max == 0)
			sema_err(s, n->span, "%s() requires no arguments (%d provided)", fn, k);
		else if (max == 1)
			sema_err(s, n->span, "%s() takes up to one argument (%d provided)", fn, k);
		else
			sema_err(s, n->span, "%s() takes up to %d arguments (%d provided)", fn, max,
				 k);
		return false;
	}
	return true;
}

/* check_arg: kind of argument i, optionally a literal */
static bool want(struct sema *s, struct node *n, const char *fn, int i, enum type_kind k,
		 bool literal)
{
	struct node *a = arg(n, i);
	const char *kn = k == T_INT ? "integer" : k == T_STR ? "string" : "pointer";

	if (!a)
		return false;
	if (literal &&
	    ((k == T_STR && a->kind != N_STR) ||
	     (k == T_INT && a->kind != N_INT && !(a->kind == N_UNOP && a->u.unop.op == OP_NEG)))) {
		sema_err(s, n->span, "%s() expects a %s literal (%s provided)", fn, kn,
			 sema_kname(a->type));
		return false;
	}
	if (a->type->kind != k) {
		sema_err(s, n->span, "%s() only supports %s arguments (%s provided)", fn, kn,
			 sema_kname(a->type));
		return false;
	}
	return true;
}

enum ctx_want { WANT_MAP, WANT_NONE };

static void check_assignment(struct sema *s, struct node *n, const char *fn, struct node *to,
			     bool as_key, enum ctx_want w)
{
	if (w == WANT_MAP) {
		if (!to || to->kind != N_MAP)
			sema_err(s, n->span, "%s() should be directly assigned to a map", fn);
	} else if (to || as_key) {
		sema_err(s, n->span, "%s() should not be used in an assignment or as a map key",
			 fn);
	}
}

static bool is_map_arg(struct sema *s, struct node *n, const char *fn, bool keyed_ok)
{
	struct node *a = arg(n, 0);

	if (!a || a->kind != N_MAP) {
		sema_err(s, n->span, "%s() expects a map to be provided", fn);
		return false;
	}
	if (!keyed_ok && a->u.map.keys.len) {
		sema_err(s, n->span, "The map passed to %s() should not be indexed by a key", fn);
		return false;
	}
	return true;
}

static const struct type *agg(struct sema *s, struct node *n, enum func f, const char *fn,
			      struct node *to)
{
	enum map_agg kind = AGG_COUNT;
	enum type_kind tk = T_COUNT;
	const struct type *vt = NULL;
	bool sgn = false;

	check_assignment(s, n, fn, to, false, WANT_MAP);
	switch (f) {
	case F_COUNT:
		break;
	case F_SUM:
		kind = AGG_SUM, tk = T_SUM;
		break;
	case F_MIN:
		kind = AGG_MIN, tk = T_MIN;
		break;
	case F_MAX:
		kind = AGG_MAX, tk = T_MAX;
		break;
	case F_AVG:
		kind = AGG_AVG, tk = T_AVG;
		break;
	case F_STATS:
		kind = AGG_STATS, tk = T_STATS;
		break;
	case F_HIST:
		kind = AGG_HIST, tk = T_HIST;
		break;
	default:
		kind = AGG_LHIST, tk = T_LHIST;
		break;
	}
	if (f != F_COUNT && check_arity(s, n, fn, f == F_LHIST ? 4 : 1, f == F_LHIST ? 4 : 1)) {
		if (want(s, n, fn, 0, T_INT, false))
			sgn = arg(n, 0)->type->is_signed;
	} else if (f == F_COUNT) {
		check_arity(s, n, fn, 0, 0);
	}
	if (f == F_SUM || f == F_MIN || f == F_MAX)
		vt = stype_agg(s, tk, sgn);
	else
		vt = stype_agg(s, tk, f == F_AVG || f == F_STATS || f == F_COUNT);
	if (f == F_LHIST && nargs(n) == 4) {
		int64_t mn, mx, st;
		bool ok = true;
		struct type *lt = (struct type *)vt;
		for (int i = 1; i < 4; i++)
			ok &= want(s, n, fn, i, T_INT, true);
		if (!ok)
			goto done;
		if (!sema_const_int(s, arg(n, 1), &mn)) {
			sema_err(s, n->span, "%s: invalid min value", fn);
			goto done;
		}
		if (!sema_const_int(s, arg(n, 2), &mx)) {
			sema_err(s, n->span, "%s: invalid max value", fn);
			goto done;
		}
		if (!sema_const_int(s, arg(n, 3), &st)) {
			sema_err(s, n->span, "%s: invalid step value", fn);
			goto done;
		}
		if (st <= 0)
			sema_err(s, n->span, "lhist() step must be >= 1 (%lld provided)",
				 (long long)st);
		else if ((mx - mn) / st > 1000)
			sema_err(s, n->span,
				 "lhist() too many buckets, must be <= 1000 (would need %lld)",
				 (long long)((mx - mn) / st));
		if (mn < 0)
			sema_err(s, n->span, "lhist() min must be non-negative (provided min %lld)",
				 (long long)mn);
		if (mn > mx)
			sema_err(s, n->span,
				 "lhist() min must be less than max (provided min %lld and max "
				 "%lld)",
				 (long long)mn, (long long)mx);
		if (mx - mn < st)
			sema_err(s, n->span,
				 "lhist() step is too large for the given range (provided step "
				 "%lld for range %lld)",
				 (long long)st, (long long)(mx - mn));
		lt->lh_min = mn;
		lt->lh_max = mx;
		lt->lh_step = st;
	}
done:
	if (to && to->kind == N_MAP) {
		sema_map_keys(s, to, sema_map_get(s, to));
		sema_map_agg(s, to, kind, vt, to->span);
	}
	return vt;
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

static const struct type *stack_call(struct sema *s, struct node *n, bool kernel, const char *fn)
{
	enum stack_mode mode = STACK_BPFTRACE;
	int64_t limit = DEFAULT_STACK;
	int k = nargs(n);
	struct node *a0 = arg(n, 0), *lim = NULL;

	if (!check_arity(s, n, fn, 0, 2))
		return stype_stack(s, kernel, mode, (uint32_t)limit);
	if (k >= 1 && a0->kind == N_BUILTIN && a0->u.builtin.name &&
	    (!strcmp(a0->u.builtin.name, "bpftrace") || !strcmp(a0->u.builtin.name, "perf") ||
	     !strcmp(a0->u.builtin.name, "raw"))) {
		const char *m = a0->u.builtin.name;
		mode = m[0] == 'b' ? STACK_BPFTRACE : m[0] == 'p' ? STACK_PERF : STACK_RAW;
		a0->type = &t_none;
		lim = k == 2 ? arg(n, 1) : NULL;
	} else if (k == 2) {
		sema_expr(s, a0);
		sema_err(s, n->span, "%s() expects a stack mode literal (%s provided)", fn,
			 sema_kname(a0->type));
		lim = arg(n, 1);
	} else if (k == 1) {
		lim = a0;
	}
	if (lim) {
		sema_expr(s, lim);
		if (lim->kind != N_INT) {
			sema_err(s, n->span, "%s() expects a integer literal (%s provided)", fn,
				 sema_kname(lim->type));
		} else {
			limit = (int64_t)lim->u.ival;
			if (limit > MAX_STACK)
				sema_err(s, n->span,
					 "%s([int limit]): limit shouldn't exceed %d, %lld given",
					 fn, MAX_STACK, (long long)limit);
		}
	}
	return stype_stack(s, kernel, mode, (uint32_t)limit);
}

static bool printable(const struct type *t)
{
	return t->kind != T_NONE && t->kind != T_RECORD && t->kind != T_CTX &&
	       !type_is_map_value_kind(t);
}

static const struct type *str_call(struct sema *s, struct node *n)
{
	uint32_t max = s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64;
	struct node *a = arg(n, 0);

	if (!check_arity(s, n, "str", 1, 2))
		return stype_str(s, max);
	/* str($N): the parameter's text; folded in the final pass only, so
	 * that every pass still sees it is a parameter */
	bool from_param = a->kind == N_PARAM;
	vec_foreach(&s->str_params, i)
		from_param |= s->str_params.items[i] == a;
	const struct type *t;
	if (a->kind == N_PARAM_COUNT) {
		sema_err(s, a->span, "use $#, not str($#)");
		t = s->final ? sema_expr(s, a) : &t_s64;
	} else if (from_param && !s->final) {
		const char *p = s->opts && a->u.param.n >= 1 && a->u.param.n <= s->opts->nparams
					? s->opts->params[a->u.param.n - 1]
					: "";
		t = stype_str(s, (uint32_t)strlen(p) + 1);
	} else {
		if (a->kind == N_PARAM) {
			sema_param_to_str(s, a);
			vec_push(&s->str_params, a);
		}
		t = sema_expr(s, a);
	}
	uint32_t size = max;
	if (nargs(n) == 2) {
		struct node *l = arg(n, 1);
		int64_t v;
		sema_expr(s, l);
		if (want(s, n, "str", 1, T_INT, false) && sema_const_int(s, l, &v)) {
			if (v < 0)
				sema_err(s, n->span, "str() cannot use negative length (%lld)",
					 (long long)v);
			else if ((uint64_t)v + 1 < size)
				size = (uint32_t)v + 1;
		}
	}
	if (t->kind == T_STR && from_param) { /* str($1) */
		return t->size < size || nargs(n) == 1 ? t : stype_str(s, size);
	}
	if (t->kind != T_INT && t->kind != T_PTR)
		sema_err(s, n->span,
			 "str() expects an integer or a pointer type as first argument (%s "
			 "provided)",
			 sema_tname(s, t));
	return stype_str(s, size);
}

static const struct type *buf_call(struct sema *s, struct node *n)
{
	uint32_t max = s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64;
	struct node *a = arg(n, 0);
	uint32_t size = max;

	if (!check_arity(s, n, "buf", 1, 2))
		return stype_buf(s, max);
	const struct type *t = sema_expr(s, a);
	if (t->kind != T_INT && t->kind != T_STR && t->kind != T_PTR && t->kind != T_ARRAY &&
	    t->kind != T_NONE)
		sema_err(s, n->span,
			 "buf() expects an integer, string, or array argument but saw %s",
			 sema_kname(t));
	if (nargs(n) == 1) {
		if (t->kind == T_ARRAY)
			size = t->size;
		else
			sema_err(s, n->span,
				 "buf() expects a length argument for non-array type %s",
				 sema_kname(t));
	} else {
		struct node *l = arg(n, 1);
		int64_t v;
		sema_expr(s, l);
		want(s, n, "buf", 1, T_INT, false);
		if (sema_const_int(s, l, &v)) {
			if (v < 0)
				sema_err(s, n->span, "buf cannot use negative length (%lld)",
					 (long long)v);
			else
				size = (uint32_t)v;
		}
	}
	if (size > max) {
		sema_warn(s, n->span,
			  "buf() length is too long and will be shortened to %u bytes (see "
			  "BPFTRACE_STRLEN)",
			  max);
		size = max;
	}
	return stype_buf(s, size);
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

/* arguments other calls type normally */
static void type_args(struct sema *s, struct node *n, int from)
{
	int i = 0;
	node_foreach(&n->u.call.args, a) {
		if (i++ >= from)
			sema_expr(s, a);
	}
}

const struct type *sema_call(struct sema *s, struct node *n, struct node *to, bool as_key)
{
	const char *fn = n->u.call.name;
	enum func f = sema_func_lookup(fn);
	enum probe_kind k = s->fn ? s->fn->kind : PK_BEGIN;
	const struct type *t = &t_none;
	struct node *a0 = arg(n, 0);
	int64_t v;

	n->u.call.fn = f;
	n->u.call.fmt_id = -1;
	if (f == F_UNKNOWN) {
		type_args(s, n, 0);
		sema_err(s, n->span, "Unknown function: %s", fn);
		return &t_none;
	}
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
		return agg(s, n, f, fn, to);
	case F_PRINTF:
	case F_SYSTEM:
	case F_CAT:
	case F_DEBUGF:
		type_args(s, n, 1);
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		if (!check_arity(s, n, fn, 1, 128))
			return &t_none;
		if (a0->kind != N_STR) {
			sema_expr(s, a0);
			sema_err(s, n->span, "%s() expects a string literal (%s provided)", fn,
				 sema_kname(a0->type));
			return &t_none;
		}
		a0->type = stype_str(s, (uint32_t)a0->u.str.len + 1);
		sema_check_format(s, n, fn, a0->u.str.s, a0->next);
		if (f == F_DEBUGF)
			sema_warn(s, n->span,
				  "The debugf() builtin is not recommended for production use. For "
				  "more information see bpf_trace_printk in bpf-helpers(7).");
		return &t_none;
	case F_PRINT:
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		if (!check_arity(s, n, fn, 1, 3)) {
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
			if (nargs(n) > 1)
				want(s, n, fn, 1, T_INT, true);
			if (nargs(n) > 2)
				want(s, n, fn, 2, T_INT, true);
			if (a0->type->kind == T_STATS && nargs(n) > 1)
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
		} else if (nargs(n) != 1) {
			sema_err(s, n->span, "Non-map print() only takes 1 argument, %d found",
				 nargs(n));
		} else if (s->final) {
			const struct type *one[1] = {t};
			n->u.call.fmt_id =
				sema_add_format(s, EV_PRINT_VALUE, NULL, stype_tuple(s, one, 1));
		}
		return &t_none;
	case F_TIME:
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (!check_arity(s, n, fn, 0, 1))
			return &t_none;
		if (nargs(n) == 1 && !want(s, n, fn, 0, T_STR, true))
			return &t_none;
		if (s->final)
			n->u.call.fmt_id = sema_add_format(
				s, EV_TIME, nargs(n) ? a0->u.str.s : "%H:%M:%S\n", NULL);
		return &t_none;
	case F_STRFTIME:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 2, 2) && want(s, n, fn, 0, T_STR, true) &&
		    want(s, n, fn, 1, T_INT, false) && s->final)
			n->u.call.fmt_id = sema_add_format(s, EV_TIME, a0->u.str.s, NULL);
		return stype_simple(T_TIMESTAMP);
	case F_JOIN:
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (!check_arity(s, n, fn, 1, 2))
			return &t_none;
		if (!stype_is_intlike(a0->type))
			sema_err(s, n->span,
				 "join() only supports int or pointer arguments (%s provided)",
				 sema_kname(a0->type));
		if (nargs(n) > 1 && !want(s, n, fn, 1, T_STR, true))
			return &t_none;
		if (s->final) {
			uint32_t max = s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64;
			n->u.call.fmt_id = sema_add_format(
				s, EV_JOIN, nargs(n) > 1 ? arg(n, 1)->u.str.s : " ", NULL);
			struct bt_format *bf = s->formats.items[n->u.call.fmt_id];
			bf->size = 8 + 16 * max;
		}
		return &t_none;
	case F_EXIT:
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		check_arity(s, n, fn, 0, 0);
		return &t_none;
	case F_CLEAR:
	case F_ZERO:
	case F_DELETE:
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		if (!check_arity(s, n, fn, 1, 1)) {
			type_args(s, n, 0);
			return &t_none;
		}
		if (is_map_arg(s, n, fn, f == F_DELETE)) {
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
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (!check_arity(s, n, fn, 1, 1))
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
		check_assignment(s, n, fn, to, as_key, WANT_NONE);
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1))
			want(s, n, fn, 0, T_INT, false);
		if (k != PK_KPROBE)
			sema_err(s, n->span, "%s can only be used with kprobes.", fn);
		return &t_none;
	case F_STR:
		return str_call(s, n);
	case F_BUF:
		return buf_call(s, n);
	case F_KSYM:
	case F_USYM:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1) && !stype_is_intlike(a0->type))
			sema_err(s, n->span, "%s() expects an integer or pointer argument", fn);
		return stype_simple(f == F_KSYM ? T_KSYM : T_USYM);
	case F_KADDR:
	case F_CGROUPID:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1))
			want(s, n, fn, 0, T_STR, true);
		return &t_u64;
	case F_UADDR:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1))
			want(s, n, fn, 0, T_STR, true);
		return stype_ptr(s, &t_u64, true);
	case F_KSTACK:
	case F_USTACK:
		return stack_call(s, n, f == F_KSTACK, fn);
	case F_NTOP: {
		type_args(s, n, 0);
		if (!check_arity(s, n, fn, 1, 2))
			return stype_simple(T_INET);
		struct node *ad = a0;
		if (nargs(n) == 2) {
			ad = arg(n, 1);
			want(s, n, fn, 0, T_INT, false);
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
		if (check_arity(s, n, fn, 1, 1) && want(s, n, fn, 0, T_STR, true)) {
			const char *ad = a0->u.str.s;
			struct type *arr = arena_alloc(s->a, sizeof(*arr));
			arr->kind = T_ARRAY;
			arr->elem = &t_u8;
			arr->align = 1;
			if (strchr(ad, '.'))
				arr->count = 4;
			else if (strchr(ad, ':'))
				arr->count = 16;
			else
				sema_err(s, n->span,
					 "pton() expects an string argument of an IPv4/IPv6 "
					 "address, got %s",
					 ad);
			arr->size = arr->count;
			return arr;
		}
		return &t_none;
	case F_REG:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1) && want(s, n, fn, 0, T_STR, true)) {
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
		if (check_arity(s, n, fn, 1, 1)) {
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
		if (check_arity(s, n, fn, 3, 3)) {
			want(s, n, fn, 0, T_STR, false);
			want(s, n, fn, 1, T_STR, false);
			if (want(s, n, fn, 2, T_INT, true)) {
				if (!sema_const_int(s, arg(n, 2), &v))
					sema_err(s, n->span, "%s: invalid size value", fn);
				else if (v < 0)
					sema_err(s, n->span,
						 "Builtin strncmp requires a non-negative size");
			}
		}
		return &t_u64;
	case F_STRCONTAINS:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 2, 2)) {
			want(s, n, fn, 0, T_STR, false);
			want(s, n, fn, 1, T_STR, false);
		}
		return &t_u64;
	case F_PATH:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1) && a0->type->kind != T_PTR &&
		    a0->type->kind != T_RECORD)
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
		if (!check_arity(s, n, fn, 1, 1))
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
		check_arity(s, n, fn, 1, 1);
		return &t_u64;
	case F_STRERROR:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1))
			want(s, n, fn, 0, T_INT, false);
		return stype_simple(T_STRERROR);
	case F_BSWAP:
		type_args(s, n, 0);
		if (!check_arity(s, n, fn, 1, 1))
			return &t_u64;
		if (a0->type->kind != T_INT) {
			sema_err(s, n->span, "%s() only supports integer arguments (%s provided)",
				 fn, sema_kname(a0->type));
			return &t_u64;
		}
		return stype_int(false, a0->type->size);
	case F_CGROUP_PATH:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 2)) {
			want(s, n, fn, 0, T_INT, false);
			if (nargs(n) > 1)
				want(s, n, fn, 1, T_STR, false);
		}
		return stype_simple(T_CGROUP_PATH);
	case F_UNWATCH:
		type_args(s, n, 0);
		if (check_arity(s, n, fn, 1, 1))
			want(s, n, fn, 0, T_INT, false);
		return &t_none;
	case F_SKBOUTPUT:
		type_args(s, n, 0);
		check_arity(s, n, fn, 4, 4);
		return &t_u32;
	case F_HAS_KEY:
	case F_LEN:
	case F_UNKNOWN:
		break;
	}
	type_args(s, n, 0);
	sema_err(s, n->span, "Unknown function: '%s'", fn);
	return t;
}
