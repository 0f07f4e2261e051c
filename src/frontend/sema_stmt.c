/*
 * sema_stmt.c - statements: assignments, conditions, loops, blocks.
 *
 * `$x = e` declares or re-checks a scratch variable (same kind; strings
 * and tuples grow to the largest size); `@m[k] = e` infers the map's key
 * and value (sema_maps.c), `@m = count()` its aggregation kind; `op=`
 * is typed as `lhs = lhs op rhs`. Conditions take integers or pointers;
 * unroll counts are folded constants; break/continue need a loop.
 */
#define _GNU_SOURCE
#include "sema.h"

#include <string.h>

#define UNROLL_COPIES_MAX 10000 /* two nested unroll(100) */

/* A string or tuple variable takes the largest type any of its
 * assignments gives it: the previous pass left that in fn->vars, so every
 * read of the variable in this pass sees the type of its slot. */
static const struct type *grown_type(struct sema *s, const char *name, const struct type *t)
{
	if (t->kind != T_STR && t->kind != T_TUPLE)
		return t;
	for (size_t i = 0; s->fn->vars && i < s->fn->nvars; i++) {
		const struct type *h = s->fn->vars[i].type;
		if (strcmp(s->fn->vars[i].name, name) || !h || h->kind != t->kind)
			continue;
		const struct type *mg = stype_merge(s, h, t);
		return mg ? mg : t;
	}
	return t;
}

/* `$x = e` */
static void assign_var(struct sema *s, struct node *lhs, const struct type *t, struct span sp,
		       struct node *rhs)
{
	int id;
	struct sema_var *v = sema_var_find(s, lhs->u.var.name, &id);

	if (rhs->kind == N_BUILTIN && rhs->u.builtin.b == B_ARGS &&
	    (s->fn->kind == PK_FENTRY || s->fn->kind == PK_FEXIT || s->fn->kind == PK_UPROBE))
		sema_err(s, sp, "args cannot be assigned to a variable");
	if (t->kind == T_NONE || type_is_map_value_kind(t))
		t = &t_s64; /* reported by the call or expression */
	t = stype_storage(s, t);
	if (!v) {
		id = sema_var_add(s, lhs->u.var.name, grown_type(s, lhs->u.var.name, t));
	} else if (v->type->kind == T_STR && t->kind == T_STR) {
		if (t->size > v->type->size)
			v->type = t;
	} else if (v->type->kind == T_TUPLE && t->kind == T_TUPLE) {
		const struct type *mg = stype_merge(s, v->type, t);
		if (!mg)
			sema_err(s, sp, "Tuple type mismatch: %s != %s.", sema_tname(s, v->type),
				 sema_tname(s, t));
		else
			v->type = mg;
	} else if (v->type->kind != t->kind || (t->kind == T_RECORD && !type_equal(v->type, t))) {
		sema_err(s, sp,
			 "Type mismatch for $%s: trying to assign value of type '%s' when variable "
			 "already contains a value of type '%s'",
			 lhs->u.var.name, sema_tname(s, t), sema_tname(s, v->type));
	}
	lhs->u.var.var_id = id;
	lhs->type = ((struct sema_var *)s->vars.items[id])->type;
}

static bool is_agg_call(struct node *n)
{
	if (n->kind != N_CALL)
		return false;
	enum func f = sema_func_lookup(n->u.call.name);
	return f >= F_COUNT && f <= F_LHIST;
}

static void assign(struct sema *s, struct node *n)
{
	struct node *lhs = n->u.assign.lhs, *rhs = n->u.assign.rhs;
	const struct type *t;

	if (n->u.assign.compound) {
		/* @x op= e is @x = @x op e, typed as such; codegen reads the op */
		struct node tmp = {.kind = N_BINOP, .span = n->span};
		tmp.u.binop.op = n->u.assign.op;
		tmp.u.binop.lhs = lhs;
		tmp.u.binop.rhs = rhs;
		if (lhs->kind == N_MAP) {
			sema_map_keys(s, lhs, sema_map_get(s, lhs));
			if (!sema_map_get(s, lhs)->value)
				sema_map_assign(s, lhs, &t_s64, lhs->span);
		}
		t = sema_expr(s, &tmp);
	} else if (lhs->kind == N_MAP && is_agg_call(rhs)) {
		rhs->type = sema_call(s, rhs, lhs, false);
		lhs->type = sema_map_value(s, lhs);
		n->type = &t_none;
		return;
	} else if (rhs->kind == N_CALL) {
		t = rhs->type = sema_call(s, rhs, lhs, false);
	} else {
		t = sema_expr(s, rhs);
	}
	if (lhs->kind == N_MAP) {
		sema_map_keys(s, lhs, sema_map_get(s, lhs));
		if (t->kind == T_NONE) {
			/* reported by the call or the expression; define the map
			 * anyway so its other uses do not cascade */
			if (!sema_map_get(s, lhs)->value)
				sema_map_assign(s, lhs, &t_s64, lhs->span);
		} else if (t->kind == T_AVG || t->kind == T_STATS) {
			/* read in a probe, they are their average (an integer) */
			sema_map_assign(s, lhs, &t_s64, lhs->span);
		} else {
			sema_map_assign(s, lhs, t, lhs->span);
		}
		lhs->type = sema_map_value(s, lhs);
	} else if (lhs->kind == N_VAR) {
		assign_var(s, lhs, t, n->span, rhs);
	} else {
		sema_expr(s, lhs);
		sema_err(s, lhs->span, "Invalid expression for assignment");
	}
	n->type = &t_none;
}

static void cond_check(struct sema *s, struct node *c, const char *what)
{
	const struct type *t = sema_expr(s, c);

	if (t->kind != T_NONE && !stype_is_intlike(t))
		sema_err(s, c->span, "Invalid condition in %s: %s", what, sema_kname(t));
}

void sema_block(struct sema *s, struct node *n)
{
	if (!n)
		return;
	if (n->kind != N_BLOCK) {
		sema_stmt(s, n);
		return;
	}
	node_foreach(&n->u.block.stmts, st) {
		sema_stmt(s, st);
		if ((st->kind == N_BREAK || st->kind == N_CONTINUE || st->kind == N_RETURN) &&
		    st->next)
			sema_warn(s, st->span, "All code after a '%s' is unreachable.",
				  st->kind == N_BREAK      ? "break"
				  : st->kind == N_CONTINUE ? "continue"
							   : "return");
	}
	n->type = &t_none;
}

void sema_stmt(struct sema *s, struct node *n)
{
	int64_t v;
	uint64_t outer, copies;

	if (!n)
		return;
	switch (n->kind) {
	case N_EXPR_STMT: {
		struct node *e = n->u.expr_stmt.expr;
		if (e && e->kind == N_CALL)
			e->type = sema_call(s, e, NULL, false);
		else
			sema_expr(s, e);
		break;
	}
	case N_ASSIGN:
		assign(s, n);
		break;
	case N_IF:
		cond_check(s, n->u.if_.cond, "if()");
		sema_block(s, n->u.if_.then);
		sema_block(s, n->u.if_.els);
		break;
	case N_UNROLL:
		if (!sema_const_int(s, n->u.unroll.count, &v)) {
			sema_expr(s, n->u.unroll.count);
			sema_err(s, n->span, "invalid unroll value");
		} else if (v > 100) {
			sema_err(s, n->span, "unroll maximum value is 100");
		} else if (v < 1) {
			sema_err(s, n->span, "unroll minimum value is 1");
		} else {
			n->u.unroll.count->kind = N_INT;
			n->u.unroll.count->u.ival = (uint64_t)v;
			n->u.unroll.count->type = &t_s64;
		}
		outer = s->unroll_copies;
		copies = (outer ? outer : 1) * (uint64_t)(v >= 1 && v <= 100 ? v : 1);
		/* nested unrolls multiply: past two of 100 the code generator
		 * would spend minutes, or forever, on what BPF cannot load */
		if (copies > UNROLL_COPIES_MAX && outer <= UNROLL_COPIES_MAX)
			sema_err(s, n->span,
				 "nested unrolls repeat this body %llu times, more than %d",
				 (unsigned long long)copies, UNROLL_COPIES_MAX);
		/* saturated: reported once, and no overflow further in */
		s->unroll_copies = copies > UNROLL_COPIES_MAX ? UNROLL_COPIES_MAX + 1 : copies;
		sema_block(s, n->u.unroll.body);
		s->unroll_copies = outer;
		break;
	case N_WHILE:
		cond_check(s, n->u.while_.cond, "while()");
		s->loop_depth++;
		sema_block(s, n->u.while_.body);
		s->loop_depth--;
		break;
	case N_FOR: {
		struct node *m = n->u.for_.map;
		/* the map as a whole: no keys to check */
		const struct type *mt = m->kind == N_MAP ? sema_map_value(s, m) : sema_expr(s, m);
		struct sema_map *sm = m->kind == N_MAP ? sema_map_get(s, m) : NULL;
		const struct type *el[2] = {sm && sm->key ? sm->key : &t_s64, mt};
		if (sm && type_is_map_value_kind(mt))
			sema_err(s, m->span, "Loop expression does not support type: %s",
				 sema_tname(s, mt));
		const struct type *kv = stype_tuple(s, el, 2);
		struct sema_var *ev = sema_var_find(s, n->u.for_.var->u.var.name, NULL);
		if (ev)
			sema_err(s, n->u.for_.var->span,
				 "Loop declaration shadows existing variable: $%s",
				 n->u.for_.var->u.var.name);
		n->u.for_.var->u.var.var_id = sema_var_add(s, n->u.for_.var->u.var.name, kv);
		n->u.for_.var->type = kv;
		s->loop_depth++;
		sema_block(s, n->u.for_.body);
		s->loop_depth--;
		break;
	}
	case N_BREAK:
	case N_CONTINUE:
		if (!s->loop_depth)
			sema_err(s, n->span, "%s used outside of a loop",
				 n->kind == N_BREAK ? "break" : "continue");
		break;
	case N_RETURN:
		if (n->u.ret.expr)
			sema_expr(s, n->u.ret.expr);
		break;
	case N_BLOCK:
		sema_block(s, n);
		break;
	default:
		sema_expr(s, n);
		return;
	}
	n->type = &t_none;
}
