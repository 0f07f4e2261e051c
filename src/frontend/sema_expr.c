/*
 * sema_expr.c - types of expressions (statements are in sema_stmt.c).
 *
 * One switch per node kind, following bpftrace 0.17's rules: integer
 * arithmetic in 64 bits (signed only when both sides are), strings
 * compared only with == and !=, pointers with scaled +/-, field access
 * through records from tracefs, BTF or script structs. Builtin variables
 * and positional parameters are resolved here too; calls are in
 * sema_call.c and maps in sema_maps.c.
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *unop_str(enum unop op)
{
	switch (op) {
	case OP_NEG:
		return "-";
	case OP_LNOT:
		return "!";
	case OP_BNOT:
		return "~";
	case OP_DEREF:
		return "*";
	case OP_ADDROF:
		return "&";
	case OP_PRE_INC:
	case OP_POST_INC:
		return "++";
	default:
		return "--";
	}
}

/* bpftrace's kind names in messages: "integer", "string", "pointer" ... */
static const char *kname(const struct type *t)
{
	switch (t ? t->kind : T_NONE) {
	case T_INT:
		return "integer";
	case T_STR:
		return "string";
	case T_BUF:
		return "buffer";
	case T_TUPLE:
		return "tuple";
	case T_RECORD:
		return "record";
	case T_PTR:
		return "pointer";
	case T_ARRAY:
		return "array";
	case T_CTX:
		return "ctx";
	case T_KSTACK:
		return "kstack";
	case T_USTACK:
		return "ustack";
	case T_KSYM:
		return "ksym";
	case T_USYM:
		return "usym";
	case T_PROBE:
		return "probe";
	case T_USERNAME:
		return "username";
	case T_INET:
		return "inet";
	case T_MAC:
		return "mac_address";
	case T_TIMESTAMP:
		return "timestamp";
	case T_CGROUP_PATH:
		return "cgroup_path";
	case T_STRERROR:
		return "strerror";
	case T_COUNT:
		return "count";
	case T_SUM:
		return "sum";
	case T_MIN:
		return "min";
	case T_MAX:
		return "max";
	case T_AVG:
		return "avg";
	case T_STATS:
		return "stats";
	case T_HIST:
		return "hist";
	case T_LHIST:
		return "lhist";
	default:
		return "none";
	}
}

const char *sema_kname(const struct type *t)
{
	return kname(t);
}

bool sema_const_int(struct sema *s, struct node *n, int64_t *out)
{
	if (!n)
		return false;
	switch (n->kind) {
	case N_INT:
		*out = (int64_t)n->u.ival;
		return true;
	case N_UNOP:
		if (n->u.unop.op == OP_NEG && sema_const_int(s, n->u.unop.operand, out)) {
			*out = -*out;
			return true;
		}
		return false;
	case N_PARAM:
		sema_expr(s, n);
		return n->kind == N_INT && sema_const_int(s, n, out);
	case N_BINOP: {
		int64_t a, b;
		if (!sema_const_int(s, n->u.binop.lhs, &a) ||
		    !sema_const_int(s, n->u.binop.rhs, &b))
			return false;
		switch (n->u.binop.op) {
		case OP_ADD:
			*out = a + b;
			return true;
		case OP_SUB:
			*out = a - b;
			return true;
		case OP_MUL:
			*out = a * b;
			return true;
		case OP_DIV:
			if (!b)
				return false;
			*out = a / b;
			return true;
		default:
			return false;
		}
	}
	default:
		return false;
	}
}

/* $N / $#: rewritten in place into N_INT or N_STR. Inside str() the
 * parameter is text (sema_call.c calls sema_param_str first). */
static bool is_numeric(const char *p, int64_t *v)
{
	char *end;

	if (!*p)
		return false;
	errno = 0;
	*v = strtoll(p, &end, 0);
	return !*end && !errno;
}

static const char *param_text(struct sema *s, int n)
{
	if (!s->opts || n < 1 || n > s->opts->nparams)
		return NULL;
	return s->opts->params[n - 1];
}

void sema_param_to_str(struct sema *s, struct node *n)
{
	if (n->kind == N_PARAM) {
		const char *p = param_text(s, n->u.param.n);
		n->kind = N_STR;
		n->u.str.s = p ? p : "";
		n->u.str.len = strlen(n->u.str.s);
	} else if (n->kind == N_PARAM_COUNT) {
		sema_err(s, n->span, "use $#, not str($#)");
	}
}

static const struct type *param(struct sema *s, struct node *n)
{
	if (n->kind == N_PARAM_COUNT) {
		n->kind = N_INT;
		n->u.ival = s->opts ? (uint64_t)s->opts->nparams : 0;
		return n->type = &t_s64;
	}
	int k = n->u.param.n;
	const char *p = param_text(s, k);
	int64_t v = 0;
	if (k <= 0) {
		sema_err(s, n->span, "$%d is not a valid parameter", k);
		return n->type = &t_s64;
	}
	if (p && !is_numeric(p, &v)) {
		/* reported once, in the final pass; stays a parameter until then */
		if (!s->final)
			return n->type = &t_s64;
		sema_err(s, n->span, "$%d used numerically but given \"%s\". Try using str($%d).",
			 k, p, k);
		v = 0;
	}
	n->kind = N_INT;
	n->u.ival = (uint64_t)v;
	return n->type = &t_s64;
}

static const struct type *var_read(struct sema *s, struct node *n)
{
	int id;
	struct sema_var *v = sema_var_find(s, n->u.var.name, &id);

	if (!v) {
		sema_err(s, n->span, "Undefined or undeclared variable: $%s", n->u.var.name);
		return n->type = &t_none;
	}
	n->u.var.var_id = id;
	return n->type = v->type;
}

/* bpftrace points at the operator itself: find it between the operands */
static struct span op_span(struct sema *s, struct node *n)
{
	const char *txt = s->d->src ? s->d->src->text : NULL;
	const char *op = ast_binop_str(n->u.binop.op);
	size_t len = strlen(op);
	struct span sp = n->span;

	if (!txt)
		return sp;
	for (uint32_t i = n->u.binop.lhs->span.hi; i + len <= n->u.binop.rhs->span.lo; i++)
		if (!strncmp(txt + i, op, len)) {
			sp.lo = i;
			sp.hi = i + (uint32_t)len;
			if (n->u.binop.op <= OP_SHR && txt[sp.hi] == '=')
				sp.hi++; /* compound assignment: "/=" */
			return sp;
		}
	return sp;
}

struct span sema_op_span(struct sema *s, struct node *binop)
{
	return op_span(s, binop);
}

/* a $N given as text that is not a number: *text gets the text */
bool sema_param_text(struct sema *s, struct node *n, const char **text)
{
	int64_t v;
	const char *p;

	if (n->kind != N_PARAM)
		return false;
	p = param_text(s, n->u.param.n);
	if (!p || is_numeric(p, &v))
		return false; /* a missing parameter is 0 here */
	*text = p;
	return true;
}

static bool nonneg_literal(struct node *n)
{
	return n->kind == N_INT && (int64_t)n->u.ival >= 0;
}

/* bpftrace's warnings on mixed signedness and signed division */
static void int_warnings(struct sema *s, struct node *n, const struct type *l, const struct type *r)
{
	enum binop op = n->u.binop.op;
	struct node *ln = n->u.binop.lhs, *rn = n->u.binop.rhs;
	bool ls = l->is_signed, rs = r->is_signed;

	if (!s->final)
		return;
	if (ls != rs) {
		if (ls && !rs && nonneg_literal(ln))
			ls = false;
		else if (!ls && rs && nonneg_literal(rn))
			rs = false;
		else if (op >= OP_EQ && op <= OP_GE)
			sema_warn(s, op_span(s, n),
				  "comparison of integers of different signs: '%s' and '%s' can "
				  "lead to undefined behavior",
				  sema_tname(s, l), sema_tname(s, r));
		else if (op <= OP_MOD)
			sema_warn(s, op_span(s, n),
				  "arithmetic on integers of different signs: '%s' and '%s' can "
				  "lead to undefined behavior",
				  sema_tname(s, l), sema_tname(s, r));
	}
	if (op == OP_DIV || op == OP_MOD) {
		ls = l->is_signed && !nonneg_literal(ln);
		rs = r->is_signed && !nonneg_literal(rn);
		if (ls || rs)
			sema_warn(s, op_span(s, n),
				  "signed operands for '%s' can lead to undefined behavior (cast "
				  "to unsigned to silence warning)",
				  ast_binop_str(op));
	}
}

static const struct type *binop(struct sema *s, struct node *n)
{
	enum binop op = n->u.binop.op;
	const struct type *l = sema_expr(s, n->u.binop.lhs);
	const struct type *r = sema_expr(s, n->u.binop.rhs);
	struct span sp = op_span(s, n);

	if (l->kind == T_NONE || r->kind == T_NONE)
		return n->type = &t_s64; /* already reported */
	if (op == OP_LAND || op == OP_LOR) {
		if (!stype_is_intlike(l) || !stype_is_intlike(r))
			sema_err(s, sp,
				 "The %s operator can not be used on expressions of types %s, %s",
				 ast_binop_str(op), sema_tname(s, l), sema_tname(s, r));
		return n->type = &t_u64;
	}
	if (l->kind == T_PTR || r->kind == T_PTR) {
		bool cmp = op >= OP_EQ && op <= OP_GE;
		if (cmp && stype_is_intlike(l) && stype_is_intlike(r))
			return n->type = &t_u64;
		if ((op == OP_ADD || op == OP_SUB) && l->kind == T_PTR && r->kind == T_INT)
			return n->type = l;
		if (op == OP_ADD && r->kind == T_PTR && l->kind == T_INT)
			return n->type = r;
		sema_err(s, sp, "The %s operator can not be used on expressions of types %s, %s",
			 ast_binop_str(op), sema_tname(s, l), sema_tname(s, r));
		return n->type = &t_u64;
	}
	if (l->kind == T_INT && r->kind == T_INT) {
		bool sgn = l->is_signed && r->is_signed;
		if (op == OP_SHL || op == OP_SHR)
			sgn = l->is_signed;
		int_warnings(s, n, l, r);
		return n->type = stype_int(sgn, 8);
	}
	if (l->kind != r->kind) {
		sema_err(s, span_join(n->u.binop.lhs->span, n->u.binop.rhs->span),
			 "Type mismatch for '%s': comparing '%s' with '%s'", ast_binop_str(op),
			 sema_tname(s, l), sema_tname(s, r));
		return n->type = &t_u64;
	}
	if (l->kind == T_ARRAY) {
		/* compared bytewise: integer elements of one size, one count */
		const struct type *le = l->elem, *re = r->elem;
		if (op != OP_EQ && op != OP_NE)
			sema_err(s, sp, "The %s operator cannot be used on arrays.",
				 ast_binop_str(op));
		else if (l->count != r->count)
			sema_err(s, sp, "Only arrays of same size support comparison operators.");
		else if (!le || !re || le->kind != T_INT || re->kind != T_INT ||
			 le->size != re->size)
			sema_err(s, sp,
				 "Only arrays of same sized integer support comparison operators.");
		return n->type = &t_u64;
	}
	if (op != OP_EQ && op != OP_NE)
		sema_err(s, sp, "The %s operator can not be used on expressions of types %s, %s",
			 ast_binop_str(op), sema_tname(s, l), sema_tname(s, r));
	else if (l->kind != T_STR && l->kind != T_BUF && l->kind != T_ARRAY && l->kind != T_KSYM &&
		 l->kind != T_USYM && l->kind != T_PROBE && l->kind != T_USERNAME &&
		 l->kind != T_INET && l->kind != T_MAC && l->kind != T_KSTACK &&
		 l->kind != T_USTACK)
		sema_err(s, sp, "The %s operator can not be used on expressions of types %s, %s",
			 ast_binop_str(op), sema_tname(s, l), sema_tname(s, r));
	return n->type = &t_u64;
}

/* pointer fields read from a user record (syscall args, uprobe args) point
 * into user memory as well; so do the pointers inside its arrays and
 * records, and the pointer a user `T **` points to */
static const struct type *as_user(struct sema *s, const struct type *t, bool user)
{
	if (!user || !t || t->is_user)
		return t;
	if (t->kind == T_PTR)
		return stype_ptr(s, t->elem, true);
	if (t->kind == T_ARRAY || t->kind == T_RECORD) {
		struct type *c = arena_alloc(s->a, sizeof(*c));
		*c = *t;
		c->is_user = true;
		return c;
	}
	return t;
}

static bool is_lvalue(struct node *n)
{
	return n->kind == N_MAP || n->kind == N_VAR;
}

static const struct type *unop(struct sema *s, struct node *n)
{
	enum unop op = n->u.unop.op;
	struct node *e = n->u.unop.operand;
	bool incdec =
		op == OP_PRE_INC || op == OP_PRE_DEC || op == OP_POST_INC || op == OP_POST_DEC;

	if (incdec) {
		if (!is_lvalue(e)) {
			sema_err(s, n->span, "The %s operator must be applied to a map or variable",
				 unop_str(op));
			sema_expr(s, e);
			return n->type = &t_s64;
		}
		if (e->kind == N_MAP) {
			/* @x++ defines @x as an integer map; a pointer map stays one */
			struct sema_map *m = sema_map_get(s, e);
			sema_map_keys(s, e, m);
			sema_map_assign(s, e,
					m->value && m->value->kind == T_PTR ? m->value : &t_s64,
					e->span);
		}
	}
	const struct type *t =
		incdec && e->kind == N_MAP ? (e->type = sema_map_value(s, e)) : sema_expr(s, e);
	if (t->kind == T_NONE)
		return n->type = &t_s64;
	switch (op) {
	case OP_DEREF:
		if (t->kind == T_PTR) {
			const struct type *el = t->elem ? sema_field_type(s, t->elem) : &t_u64;
			if (!el || el->kind == T_NONE)
				el = &t_u64;
			return n->type = as_user(s, el, t->is_user);
		}
		if (t->kind == T_INT)
			return n->type = &t_u64;
		if (t->kind == T_RECORD)
			sema_err(s, n->span,
				 "Can not dereference struct/union of type '%s'. It is not a "
				 "pointer.",
				 sema_tname(s, t));
		else
			sema_err(s, n->span,
				 "The %s operator can not be used on expressions of type '%s'",
				 unop_str(op), sema_tname(s, t));
		return n->type = &t_u64;
	case OP_ADDROF:
		sema_err(s, n->span, "The & operator can not be used on expressions of type '%s'",
			 sema_tname(s, t));
		return n->type = &t_u64;
	default:
		break;
	}
	if (t->kind == T_PTR && incdec)
		return n->type = t;
	if (t->kind != T_INT && !(t->kind == T_PTR && op == OP_LNOT)) {
		sema_err(s, n->span, "The %s operator can not be used on expressions of type '%s'",
			 unop_str(op), sema_tname(s, t));
		return n->type = &t_s64;
	}
	if (op == OP_LNOT)
		return n->type = &t_u64;
	return n->type = stype_int(t->is_signed, 8);
}

static const struct type *ternary(struct sema *s, struct node *n)
{
	const struct type *c = sema_expr(s, n->u.ternary.cond);
	const struct type *a = sema_expr(s, n->u.ternary.then);
	const struct type *b = sema_expr(s, n->u.ternary.els);

	if (c->kind != T_NONE && !stype_is_intlike(c))
		sema_err(s, n->span, "Invalid condition in ternary: %s", sema_kname(c));
	if (a->kind == T_NONE && b->kind == T_NONE)
		return n->type = &t_none;
	if (a->kind != b->kind) {
		sema_err(s, n->span,
			 "Ternary operator must return the same type: have '%s' and '%s'",
			 sema_kname(a), sema_kname(b));
		return n->type = a;
	}
	if (a->kind == T_INT)
		return n->type = stype_int(a->is_signed && b->is_signed, 8);
	if (a->kind == T_STR)
		return n->type = stype_str(s, a->size > b->size ? a->size : b->size);
	if (a->kind == T_TUPLE || a->kind == T_RECORD || a->kind == T_ARRAY) {
		sema_err(s, n->span, "Ternary return type unsupported %s", sema_tname(s, a));
		return n->type = a;
	}
	return n->type = a;
}

static bool tp_is_syscalls(struct sema *s)
{
	if (!s->fn || s->fn->kind != PK_TRACEPOINT)
		return false;
	struct bt_probe *bp = s->probes.items[s->fn->probe_lo];
	return bp->target && !strcmp(bp->target, "syscalls");
}

static const struct type *field(struct sema *s, struct node *n)
{
	struct node *b = n->u.field.base;
	const struct type *bt = sema_expr(s, b);
	const struct type *rec;
	bool user = false;
	bool is_args = b->kind == N_BUILTIN && b->u.builtin.b == B_ARGS;

	if (bt->kind == T_NONE)
		return n->type = &t_none;
	if (bt->kind == T_PTR && bt->elem && bt->elem->kind == T_RECORD) {
		if (!n->u.field.arrow && !is_args) {
			sema_err(s, n->span,
				 "Can not access field '%s' on type '%s'. Try dereferencing it "
				 "first, or using '->'",
				 n->u.field.name, sema_tname(s, bt));
			return n->type = &t_none;
		}
		rec = bt->elem;
		user = bt->is_user;
	} else if (bt->kind == T_RECORD) {
		rec = bt;
		user = bt->is_user;
	} else {
		sema_err(s, n->span, "Can not access field '%s' on expression of type '%s'",
			 n->u.field.name, sema_tname(s, bt));
		return n->type = &t_none;
	}
	const struct type *full;
	const struct field *f = sema_find_field(s, rec, n->u.field.name, &full);
	if (!full || (!full->fields && !full->count && full->btf_id == 0 && !full->size)) {
		sema_err(s, n->span, "Unknown struct/union: '%s'", sema_tname(s, rec));
		return n->type = &t_none;
	}
	if (!f) {
		sema_err(s, n->span,
			 "Struct/union of type '%s' does not contain a field named '%s'",
			 sema_tname(s, full), n->u.field.name);
		return n->type = &t_none;
	}
	if (is_args && s->fn->kind == PK_TRACEPOINT && !strncmp(f->name, "common_", 7)) {
		sema_err(s, n->span, "BPF does not support accessing common tracepoint fields");
		return n->type = &t_none;
	}
	n->u.field.fld = f;
	if (is_args && s->fn->kind == PK_TRACEPOINT) {
		if (tracefs_is_data_loc(f->type)) {
			n->u.field.data_loc = tracefs_is_rel_loc(f->type) ? 2 : 1;
			return n->type = stype_ptr(s, &t_s8, false);
		}
		user = tp_is_syscalls(s);
	}
	if (is_args && s->fn->kind == PK_UPROBE)
		user = true;
	return n->type = as_user(s, sema_field_type(s, f->type), user);
}

static const struct type *index_expr(struct sema *s, struct node *n)
{
	const struct type *bt = sema_expr(s, n->u.index.base);
	const struct type *it = sema_expr(s, n->u.index.index);
	int64_t v;

	if (bt->kind == T_NONE)
		return n->type = &t_none;
	if (it->kind != T_INT && it->kind != T_NONE)
		sema_err(s, n->span,
			 "The array index operator [] only accepts integer indices, found %s",
			 sema_tname(s, it));
	if (bt->kind == T_ARRAY) {
		if (sema_const_int(s, n->u.index.index, &v) && (v < 0 || (uint64_t)v >= bt->count))
			sema_err(s, n->span, "the index %lld is out of bounds for array of size %u",
				 (long long)v, bt->count);
		return n->type = as_user(s, sema_field_type(s, bt->elem), bt->is_user);
	}
	if (bt->kind == T_PTR) {
		const struct type *el = bt->elem ? sema_field_type(s, bt->elem) : NULL;
		if (!el || el->kind == T_NONE || !el->size) {
			sema_err(s, n->span,
				 "The array index operator [] cannot be used on a pointer to an "
				 "incomplete type");
			return n->type = &t_u64;
		}
		return n->type = as_user(s, el, bt->is_user);
	}
	sema_err(s, n->span,
		 "The array index operator [] can only be used on arrays and pointers, found %s.",
		 sema_tname(s, bt));
	return n->type = &t_none;
}

static const struct type *tuple(struct sema *s, struct node *n)
{
	size_t k = n->u.tuple.elems.len, i = 0;
	const struct type **el = arena_alloc(s->a, sizeof(*el) * (k ? k : 1));

	node_foreach(&n->u.tuple.elems, e) {
		el[i] = sema_expr(s, e);
		if (el[i]->kind == T_NONE || type_is_map_value_kind(el[i]))
			sema_err(s, e->span, "Invalid expression for assignment: %s",
				 sema_tname(s, el[i]));
		i++;
	}
	return n->type = stype_tuple_value(s, el, (uint32_t)k);
}

static const struct type *tuple_get(struct sema *s, struct node *n)
{
	const struct type *bt = sema_expr(s, n->u.tuple_get.base);
	int i = n->u.tuple_get.idx;

	if (bt->kind == T_NONE)
		return n->type = &t_none;
	if (bt->kind != T_TUPLE) {
		sema_err(s, n->span, "Can not access index '%d' on expression of type '%s'", i,
			 sema_tname(s, bt));
		return n->type = &t_none;
	}
	if (i < 0 || (uint32_t)i >= bt->count) {
		sema_err(s, n->span, "Invalid tuple index: %d. Found %u elements in tuple.", i,
			 bt->count);
		return n->type = &t_none;
	}
	return n->type = bt->fields[i].type;
}

static const struct type *cast(struct sema *s, struct node *n)
{
	const struct type *from = sema_expr(s, n->u.cast.operand);
	const struct type *to = sema_type_from_name(s, &n->u.cast.to, true);

	if (!to)
		return n->type = &t_none;
	if (from->kind == T_NONE)
		return n->type = to;
	if (to->kind == T_RECORD) {
		sema_err(s, n->span, "Cannot cast to struct type \"%s\"", sema_tname(s, to));
		return n->type = to;
	}
	if (from->kind == T_RECORD) {
		sema_err(s, n->span, "Cannot cast from struct type \"%s\"", sema_tname(s, from));
		return n->type = to;
	}
	if (to->kind == T_ARRAY) {
		if (from->kind != T_INT || from->size != to->size)
			sema_err(s, n->span, "Cannot cast from \"%s\" to \"%s\"",
				 sema_tname(s, from), sema_tname(s, to));
		return n->type = to;
	}
	if (!stype_is_intlike(from)) {
		sema_err(s, n->span, "Cannot cast from \"%s\" type", sema_tname(s, from));
		return n->type = to;
	}
	if (to->kind == T_PTR && from->kind == T_PTR && from->is_user && !to->is_user)
		to = stype_ptr(s, to->elem, true);
	if (to->kind == T_PTR && s->fn &&
	    (s->fn->kind == PK_UPROBE || s->fn->kind == PK_URETPROBE) && !to->is_user)
		to = stype_ptr(s, to->elem, true);
	/* an integer made a pointer: bpftrace knows no address space for it
	 * and reads it with probe_read (kernel or user, by the address) */
	if (to->kind == T_PTR && from->kind != T_PTR && !to->is_user) {
		struct type *any = (struct type *)stype_ptr(s, to->elem, false);

		any->any_space = true;
		to = any;
	}
	return n->type = to;
}

static void fold_int(struct node *n, uint64_t v)
{
	n->kind = N_INT;
	n->u.ival = v;
	n->type = &t_u64;
}

static const struct type *size_of(struct sema *s, struct node *n)
{
	const struct type *t;

	if (n->u.size_of.expr)
		t = sema_expr(s, n->u.size_of.expr);
	else
		t = sema_type_from_name(s, &n->u.size_of.tn, true);
	if (t)
		t = sema_complete(s, t);
	fold_int(n, t ? t->size : 0);
	return n->type;
}

static const struct type *offset_of(struct sema *s, struct node *n)
{
	const struct type *t = sema_type_from_name(s, &n->u.offset_of.tn, true);
	const struct type *full = NULL;
	const struct field *f = NULL;

	if (t) {
		f = sema_find_field(s, t, n->u.offset_of.field, &full);
		if (!f)
			sema_err(s, n->span,
				 "Struct/union of type '%s' does not contain a field named '%s'",
				 sema_tname(s, full ? full : t), n->u.offset_of.field);
	}
	fold_int(n, f ? f->offset : 0);
	return n->type;
}

/* The BPF backend copies at most 1 KiB inline: a longer literal value
 * failed in the code generator (when BPFTRACE_STRLEN allows it). */
#define STR_LIT_MAX 1024

/* bpftrace's limit: a string literal is a value of at most BPFTRACE_STRLEN
 * bytes, NUL included (printf's format excepted: it never reaches BPF).
 * Literals sema made from a positional parameter (str($1)) are cut to
 * size elsewhere: only quoted text counts. */
void sema_check_str_lit(struct sema *s, struct node *n)
{
	uint32_t max = s->opts && s->opts->strlen_max ? s->opts->strlen_max : 64;
	const struct source *src = s->d->src;

	if (max > STR_LIT_MAX)
		max = STR_LIT_MAX;

	if (n->u.str.len + 1 <= max || !src || n->span.lo >= src->len ||
	    src->text[n->span.lo] != '"')
		return;
	sema_err(s, n->span, "String is too long (over %u bytes): %s", max, n->u.str.s);
}

const struct type *sema_expr(struct sema *s, struct node *n)
{
	if (!n)
		return &t_none;
	switch (n->kind) {
	case N_INT:
		return n->type = n->u.ival > INT64_MAX ? &t_u64 : &t_s64;
	case N_STR:
		sema_check_str_lit(s, n);
		return n->type = stype_str(s, (uint32_t)n->u.str.len + 1);
	case N_BUILTIN:
		sema_builtin(s, n);
		return n->type;
	case N_CALL:
		return n->type = sema_call(s, n, NULL, false);
	case N_MAP:
		return n->type = sema_map_read(s, n);
	case N_VAR:
		return var_read(s, n);
	case N_PARAM:
	case N_PARAM_COUNT:
		return param(s, n);
	case N_BINOP:
		return binop(s, n);
	case N_UNOP:
		return unop(s, n);
	case N_TERNARY:
		return ternary(s, n);
	case N_FIELD:
		return field(s, n);
	case N_INDEX:
		return index_expr(s, n);
	case N_TUPLE:
		return tuple(s, n);
	case N_TUPLE_GET:
		return tuple_get(s, n);
	case N_CAST:
		return cast(s, n);
	case N_SIZEOF:
		return size_of(s, n);
	case N_OFFSETOF:
		return offset_of(s, n);
	default:
		sema_stmt(s, n);
		return n->type = &t_none;
	}
}
