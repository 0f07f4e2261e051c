/*
 * sema_call_args.c - the argument checks every function shares, and the
 * functions whose rules are long: the aggregations (count ... lhist, with
 * lhist's bucket limits), kstack/ustack (mode and limit), str and buf
 * (lengths, BPFTRACE_STRLEN, positional parameters as text). sema_call.c
 * has the name table and the dispatch over enum func; messages use
 * bpftrace 0.17's words ("sum() only supports integer arguments (string
 * provided)").
 */
#define _GNU_SOURCE
#include "sema.h"

#include <string.h>

#define MAX_STACK     1024
#define DEFAULT_STACK 127

int sema_nargs(struct node *n)
{
	return (int)n->u.call.args.len;
}

struct node *sema_arg(struct node *n, int i)
{
	struct node *a = n->u.call.args.head;
	while (a && i--)
		a = a->next;
	return a;
}

/* bpftrace 0.17's words: "count() requires no arguments (1 provided)",
 * "str() requires at least one argument (0 provided)", "print() takes up
 * to 3 arguments (4 provided)" */
bool sema_check_arity(struct sema *s, struct node *n)
{
	const char *fn = n->u.call.name, *rule;
	int k = sema_nargs(n), min, max, want;

	sema_func_arity(n->u.call.fn, &min, &max);
	if (min == max && k != min)
		rule = "requires", want = min;
	else if (k < min)
		rule = "requires at least", want = min;
	else if (k > max)
		rule = "takes up to", want = max;
	else
		return true;
	if (want == 0)
		sema_err(s, n->span, "%s() requires no arguments (%d provided)", fn, k);
	else if (want == 1)
		sema_err(s, n->span, "%s() %s one argument (%d provided)", fn, rule, k);
	else
		sema_err(s, n->span, "%s() %s %d arguments (%d provided)", fn, rule, want, k);
	return false;
}

/* check_arg: kind of argument i, optionally a literal */
/* str($N) where a string literal is wanted (kaddr(str($1))): the text */
static void str_param_literal(struct sema *s, struct node *a)
{
	struct node *p = a->kind == N_CALL ? a->u.call.args.head : NULL;

	if (!p || a->u.call.fn != F_STR || p->next || a->type->kind != T_STR)
		return;
	if (p->kind == N_PARAM)
		sema_param_to_str(s, p);
	if (p->kind != N_STR)
		return;
	a->kind = N_STR;
	a->u.str.s = p->u.str.s;
	a->u.str.len = p->u.str.len;
	a->type = stype_str(s, (uint32_t)a->u.str.len + 1);
}

bool sema_want(struct sema *s, struct node *n, const char *fn, int i, enum type_kind k,
	       bool literal)
{
	struct node *a = sema_arg(n, i);
	const char *kn = k == T_INT ? "integer" : k == T_STR ? "string" : "pointer";

	if (!a)
		return false;
	if (literal && k == T_STR)
		str_param_literal(s, a);
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

void sema_check_assignment(struct sema *s, struct node *n, const char *fn, struct node *to,
			   bool as_key, enum sema_want_ctx w)
{
	if (w == WANT_MAP) {
		if (!to || to->kind != N_MAP)
			sema_err(s, n->span, "%s() should be directly assigned to a map", fn);
	} else if (to || as_key) {
		sema_err(s, n->span, "%s() should not be used in an assignment or as a map key",
			 fn);
	}
}

bool sema_is_map_arg(struct sema *s, struct node *n, const char *fn, bool keyed_ok)
{
	struct node *a = sema_arg(n, 0);

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

/* each aggregation's map kind and value type; sum, min and max are signed
 * as their argument is, the others always or never */
static const struct {
	enum func f;
	enum map_agg agg;
	enum type_kind tk;
	bool arg_sign, is_signed;
} aggs[] = {
	{F_COUNT, AGG_COUNT, T_COUNT, false, true}, {F_SUM, AGG_SUM, T_SUM, true, false},
	{F_MIN, AGG_MIN, T_MIN, true, false},       {F_MAX, AGG_MAX, T_MAX, true, false},
	{F_AVG, AGG_AVG, T_AVG, false, true},       {F_STATS, AGG_STATS, T_STATS, false, true},
	{F_HIST, AGG_HIST, T_HIST, false, false},   {F_LHIST, AGG_LHIST, T_LHIST, false, false},
};

const struct type *sema_agg_call(struct sema *s, struct node *n, enum func f, const char *fn,
				 struct node *to)
{
	size_t ai = 0;
	enum map_agg kind;
	const struct type *vt = NULL;
	bool sgn = false;

	while (ai < ARRAY_SIZE(aggs) - 1 && aggs[ai].f != f)
		ai++; /* anything else: lhist */
	kind = aggs[ai].agg;
	sema_check_assignment(s, n, fn, to, false, WANT_MAP);
	if (sema_check_arity(s, n) && f != F_COUNT && sema_want(s, n, fn, 0, T_INT, false))
		sgn = sema_arg(n, 0)->type->is_signed;
	vt = stype_agg(s, aggs[ai].tk, aggs[ai].arg_sign ? sgn : aggs[ai].is_signed);
	if (f == F_LHIST && sema_nargs(n) == 4) {
		int64_t mn, mx, st;
		bool ok = true;
		struct type *lt = (struct type *)vt;
		for (int i = 1; i < 4; i++)
			ok &= sema_want(s, n, fn, i, T_INT, true);
		if (!ok)
			goto done;
		if (!sema_const_int(s, sema_arg(n, 1), &mn)) {
			sema_err(s, n->span, "%s: invalid min value", fn);
			goto done;
		}
		if (!sema_const_int(s, sema_arg(n, 2), &mx)) {
			sema_err(s, n->span, "%s: invalid max value", fn);
			goto done;
		}
		if (!sema_const_int(s, sema_arg(n, 3), &st)) {
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

const struct type *sema_stack_call(struct sema *s, struct node *n, bool kernel, const char *fn)
{
	enum stack_mode mode = STACK_BPFTRACE;
	int64_t limit = DEFAULT_STACK;
	int k = sema_nargs(n);
	struct node *a0 = sema_arg(n, 0), *lim = NULL;

	if (!sema_check_arity(s, n))
		return stype_stack(s, kernel, mode, (uint32_t)limit);
	if (k >= 1 && a0->kind == N_BUILTIN && a0->u.builtin.name &&
	    (!strcmp(a0->u.builtin.name, "bpftrace") || !strcmp(a0->u.builtin.name, "perf") ||
	     !strcmp(a0->u.builtin.name, "raw"))) {
		const char *m = a0->u.builtin.name;
		mode = m[0] == 'b' ? STACK_BPFTRACE : m[0] == 'p' ? STACK_PERF : STACK_RAW;
		a0->type = &t_none;
		lim = k == 2 ? sema_arg(n, 1) : NULL;
	} else if (k == 2) {
		sema_expr(s, a0);
		sema_err(s, n->span, "%s() expects a stack mode literal (%s provided)", fn,
			 sema_kname(a0->type));
		lim = sema_arg(n, 1);
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

/* str($N + k) and str(k + $N): in bpftrace 0.17 a text parameter is a
 * pointer to its string, so this is its text from byte k on; only a
 * constant k no longer than the text is allowed. The sum is folded into
 * the N_STR of that suffix, and str() treats it as str($N). */
static void param_suffix(struct sema *s, struct node *a)
{
	struct node *l, *r, *p, *k;
	const char *text;
	size_t len;

	if (a->kind != N_BINOP)
		return;
	l = a->u.binop.lhs, r = a->u.binop.rhs;
	p = l->kind == N_PARAM ? l : r->kind == N_PARAM ? r : NULL;
	k = p == l ? r : l;
	if (!p || !sema_param_text(s, p, &text))
		return;
	len = strlen(text);
	if (a->u.binop.op != OP_ADD || k->kind != N_INT || k->u.ival > len) {
		struct span sp = sema_op_span(s, a);

		if (!s->final)
			return; /* errors count in the final pass: fold then */

		sp.hi = a->span.hi;
		sema_err(s, sp,
			 "only addition of a single constant less or equal to the length of $%d "
			 "(which is %zu) is allowed inside str()",
			 p->u.param.n, len);
		text = "";
	} else {
		text += k->u.ival;
	}
	a->kind = N_STR;
	a->u.str.s = text;
	a->u.str.len = strlen(text);
	vec_push(&s->str_params, a);
}

/* str($N, n): the first n bytes of the text (folded in the final pass) */
static void param_truncate(struct sema *s, struct node *a, uint32_t size)
{
	if (a->kind != N_STR || a->u.str.len + 1 <= size)
		return;
	a->u.str.len = size ? size - 1 : 0;
	a->u.str.s = arena_strndup(s->a, a->u.str.s, a->u.str.len);
	a->type = stype_str(s, (uint32_t)a->u.str.len + 1);
}

const struct type *sema_str_call(struct sema *s, struct node *n)
{
	uint32_t max = s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64;
	struct node *a = sema_arg(n, 0);

	if (!sema_check_arity(s, n))
		return stype_str(s, max);
	param_suffix(s, a);
	/* str($N): the parameter's text; folded in the final pass only, so
	 * that every pass still sees it is a parameter */
	bool from_param = a->kind == N_PARAM;
	vec_foreach(&s->str_params, i)
		from_param |= s->str_params.items[i] == a;
	const struct type *t;
	if (a->kind == N_PARAM_COUNT) {
		sema_err(s, a->span, "use $#, not str($#)");
		t = s->final ? sema_expr(s, a) : &t_s64;
	} else if (from_param && !s->final && a->kind == N_PARAM) {
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
	if (sema_nargs(n) == 2) {
		struct node *l = sema_arg(n, 1);
		int64_t v;
		sema_expr(s, l);
		if (sema_want(s, n, "str", 1, T_INT, false) && sema_const_int(s, l, &v)) {
			if (v < 0)
				sema_err(s, n->span, "str() cannot use negative length (%lld)",
					 (long long)v);
			else if ((uint64_t)v + 1 < size)
				size = (uint32_t)v + 1;
		}
	}
	if (t->kind == T_STR && from_param) { /* str($1) */
		if (sema_nargs(n) == 2 && s->final) {
			param_truncate(s, a, size);
			t = a->type;
		}
		return t->size < size || sema_nargs(n) == 1 ? t : stype_str(s, size);
	}
	if (t->kind != T_INT && t->kind != T_PTR)
		sema_err(s, n->span,
			 "str() expects an integer or a pointer type as first argument (%s "
			 "provided)",
			 sema_tname(s, t));
	return stype_str(s, size);
}

const struct type *sema_buf_call(struct sema *s, struct node *n)
{
	uint32_t max = s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64;
	struct node *a = sema_arg(n, 0);
	uint32_t size = max;

	if (!sema_check_arity(s, n))
		return stype_buf(s, max);
	const struct type *t = sema_expr(s, a);
	if (t->kind != T_INT && t->kind != T_STR && t->kind != T_PTR && t->kind != T_ARRAY &&
	    t->kind != T_NONE)
		sema_err(s, n->span,
			 "buf() expects an integer, string, or array argument but saw %s",
			 sema_kname(t));
	if (sema_nargs(n) == 1) {
		if (t->kind == T_ARRAY)
			size = t->size;
		else
			sema_err(s, n->span,
				 "buf() expects a length argument for non-array type %s",
				 sema_kname(t));
	} else {
		struct node *l = sema_arg(n, 1);
		int64_t v;
		sema_expr(s, l);
		sema_want(s, n, "buf", 1, T_INT, false);
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
