/*
 * parser_expr.c - expressions, with C's precedence and associativity.
 *
 * One function per precedence level, each headed by its EBNF; the binary
 * levels share one loop (parse_binary) driven by a small operator table
 * per level. Assignment is a statement in bpftrace, so it lives in
 * parser_stmt.c. Identifiers become N_BUILTIN with the name as written
 * (sema resolves pid/comm/arg0/... and reports unknown names), calls
 * N_CALL with fn = F_UNKNOWN (sema resolves the function).
 *
 * A '(' may open a cast, a parenthesised expression or a tuple; a few
 * tokens of lookahead decide (parse_at_cast). Inside a predicate, a '/'
 * directly followed by '{' closes the predicate instead of dividing.
 */
#include "frontend.h"

#include <string.h>

struct binop_tab {
	const char *text;
	enum binop op;
};

static const struct binop_tab ops_lor[] = {{"||", OP_LOR}, {NULL, 0}};
static const struct binop_tab ops_land[] = {{"&&", OP_LAND}, {NULL, 0}};
static const struct binop_tab ops_bor[] = {{"|", OP_BOR}, {NULL, 0}};
static const struct binop_tab ops_bxor[] = {{"^", OP_BXOR}, {NULL, 0}};
static const struct binop_tab ops_band[] = {{"&", OP_BAND}, {NULL, 0}};
static const struct binop_tab ops_eq[] = {{"==", OP_EQ}, {"!=", OP_NE}, {NULL, 0}};
static const struct binop_tab ops_rel[] = {
	{"<", OP_LT}, {"<=", OP_LE}, {">", OP_GT}, {">=", OP_GE}, {NULL, 0}};
static const struct binop_tab ops_shift[] = {{"<<", OP_SHL}, {">>", OP_SHR}, {NULL, 0}};
static const struct binop_tab ops_add[] = {{"+", OP_ADD}, {"-", OP_SUB}, {NULL, 0}};
static const struct binop_tab ops_mul[] = {{"*", OP_MUL}, {"/", OP_DIV}, {"%", OP_MOD}, {NULL, 0}};

static struct node *parse_unary(struct parser *p);

static struct node *binop_new(struct parser *p, enum binop op, struct node *l, struct node *r)
{
	struct node *n = parse_new_node(p, N_BINOP, span_join(l->span, r->span));

	n->u.binop.op = op;
	n->u.binop.lhs = l;
	n->u.binop.rhs = r;
	return n;
}

/* level = next (op next)*  -- left associative. Every operator applied
 * counts as one level of nesting, so that a chain of a million '+' cannot
 * build a tree too deep for the recursive passes after us. */
static struct node *parse_binary(struct parser *p, const struct binop_tab *ops,
				 struct node *(*next)(struct parser *))
{
	int entered = 0;
	struct node *lhs = next(p);

	for (;;) {
		const struct binop_tab *o = ops;
		while (o->text && !parse_is(p, 0, o->text))
			o++;
		if (!o->text)
			break;
		if (o->op == OP_DIV && p->in_pred && parse_is(p, 1, "{"))
			break;
		struct token t = parse_next(p);
		parse_enter(p, t.span);
		entered++;
		lhs = binop_new(p, o->op, lhs, next(p));
	}
	p->depth -= entered;
	return lhs;
}

/* mul = unary (("*" | "/" | "%") unary)* */
static struct node *parse_mul(struct parser *p)
{
	return parse_binary(p, ops_mul, parse_unary);
}

/* add = mul (("+" | "-") mul)* */
static struct node *parse_add(struct parser *p)
{
	return parse_binary(p, ops_add, parse_mul);
}

/* shift = add (("<<" | ">>") add)* */
static struct node *parse_shift(struct parser *p)
{
	return parse_binary(p, ops_shift, parse_add);
}

/* relational = shift (("<" | "<=" | ">" | ">=") shift)* */
static struct node *parse_relational(struct parser *p)
{
	return parse_binary(p, ops_rel, parse_shift);
}

/* equality = relational (("==" | "!=") relational)* */
static struct node *parse_equality(struct parser *p)
{
	return parse_binary(p, ops_eq, parse_relational);
}

/* band = equality ("&" equality)* */
static struct node *parse_band(struct parser *p)
{
	return parse_binary(p, ops_band, parse_equality);
}

/* bxor = band ("^" band)* */
static struct node *parse_bxor(struct parser *p)
{
	return parse_binary(p, ops_bxor, parse_band);
}

/* bor = bxor ("|" bxor)* */
static struct node *parse_bor(struct parser *p)
{
	return parse_binary(p, ops_bor, parse_bxor);
}

/* land = bor ("&&" bor)* */
static struct node *parse_land(struct parser *p)
{
	return parse_binary(p, ops_land, parse_bor);
}

/* lor = land ("||" land)* */
static struct node *parse_lor(struct parser *p)
{
	return parse_binary(p, ops_lor, parse_land);
}

/* expr = lor ("?" expr ":" expr)?   -- right associative */
struct node *parse_expr(struct parser *p)
{
	struct node *c;

	parse_enter(p, parse_peek(p, 0)->span);
	c = parse_lor(p);
	if (parse_is(p, 0, "?")) {
		bool in_pred = p->in_pred;
		parse_next(p);
		p->in_pred = false;
		struct node *a = parse_expr(p);
		p->in_pred = in_pred;
		parse_expect(p, ":", NULL);
		struct node *b = parse_expr(p);
		struct node *n = parse_new_node(p, N_TERNARY, span_join(c->span, b->span));
		n->u.ternary.cond = c;
		n->u.ternary.then = a;
		n->u.ternary.els = b;
		c = n;
	}
	parse_leave(p);
	return c;
}

static const char *const int_type_names[] = {
	"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool",
	"u8",   "u16",   "u32",   "u64",   "s8",    "s16",    "s32",    "s64",
};

static bool is_int_type_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(int_type_names); i++)
		if (!strcmp(s, int_type_names[i]))
			return true;
	return false;
}

/* Can token k start an operand (so that "(ident) <it>" is a cast)? Tokens
 * that can also be binary operators ('-', '*', '&') do not count. */
static bool starts_operand(struct parser *p, int k)
{
	const struct token *t = parse_peek(p, k);

	switch (t->kind) {
	case TK_INT:
	case TK_STRING:
	case TK_IDENT:
	case TK_MAP:
	case TK_VAR:
	case TK_PARAM:
	case TK_PARAM_COUNT:
		return true;
	case TK_PUNCT:
		return parse_is(p, k, "(") || parse_is(p, k, "!") || parse_is(p, k, "~");
	default:
		return false;
	}
}

/* Do the tokens from k on read as a type name closed by ')'? A bare word
 * without '*' is not decided here (see parse_at_cast). */
static bool parse_at_type_close(struct parser *p, int k)
{
	const struct token *t = parse_peek(p, k);

	if (t->kind != TK_IDENT)
		return false;
	if (!strcmp(t->sval, "struct") || !strcmp(t->sval, "union") || !strcmp(t->sval, "enum"))
		return true;
	if (is_int_type_name(t->sval))
		return parse_is(p, k + 1, ")") || parse_is(p, k + 1, "*") ||
		       parse_is(p, k + 1, "[");
	int i = k + 1;
	while (i < PARSE_LOOKAHEAD - 1 && parse_is(p, i, "*"))
		i++;
	return i > k + 1 && parse_is(p, i, ")");
}

/* Is the '(' at token 0 the start of a cast? "(word)" is one when an
 * operand follows: "(foo)arg0" but not "(pid) + 1". */
static bool parse_at_cast(struct parser *p)
{
	if (parse_at_type_close(p, 1))
		return true;
	return parse_peek(p, 1)->kind == TK_IDENT && parse_is(p, 2, ")") && starts_operand(p, 3);
}

/*
 * type_name = ("struct" | "union" | "enum") ident "*"* ("[" int "]")?
 *           | ident "*"* ("[" int "]")?
 */
struct type_name parse_type_name(struct parser *p)
{
	struct type_name tn = {0};
	struct token t = parse_next(p);

	if (t.kind != TK_IDENT)
		parse_fail(p, &t, "type name");
	tn.span = t.span;
	if (!strcmp(t.sval, "struct") || !strcmp(t.sval, "union") || !strcmp(t.sval, "enum")) {
		const struct token *id = parse_peek(p, 0);
		if (id->kind != TK_IDENT)
			parse_fail(p, id, "identifier");
		struct token name = parse_next(p);
		tn.name = arena_printf(p->arena, "%s %s", t.sval, name.sval);
	} else {
		tn.name = t.sval;
	}
	while (parse_accept(p, "*"))
		tn.ptr_depth++;
	if (parse_accept(p, "[")) {
		const struct token *n = parse_peek(p, 0);
		if (n->kind != TK_INT)
			parse_fail(p, n, "integer");
		if (n->ival == 0 || n->ival > UINT32_MAX)
			parse_fail_msg(p, n->span, "invalid array length %llu",
				       (unsigned long long)n->ival);
		tn.array_len = (uint32_t)parse_next(p).ival;
		parse_expect(p, "]", NULL);
	}
	tn.span = parse_span_from(p, tn.span);
	return tn;
}

/* args = (expr ("," expr)*)?  up to the closing `close` */
static void parse_args(struct parser *p, struct node_list *out, const char *close)
{
	if (parse_accept(p, close))
		return;
	for (;;) {
		node_list_append(out, parse_expr(p));
		if (parse_accept(p, close))
			return;
		if (!parse_is(p, 0, ","))
			parse_fail(p, parse_peek(p, 0),
				   !strcmp(close, ")") ? ") or \",\"" : "] or \",\"");
		parse_next(p);
	}
}

/*
 * ident_expr = "sizeof" "(" (type_name | expr) ")"
 *            | "offsetof" "(" type_name "," ident ")"
 *            | ident "(" args ")"
 *            | ident
 */
static struct node *parse_ident_expr(struct parser *p)
{
	struct token t = parse_next(p);
	struct node *n;

	if ((!strcmp(t.sval, "sizeof") || !strcmp(t.sval, "offsetof")) && !parse_is(p, 0, "("))
		parse_fail(p, parse_peek(p, 0), "(");
	if (!strcmp(t.sval, "sizeof")) {
		n = parse_new_node(p, N_SIZEOF, t.span);
		parse_next(p);
		if (parse_at_type_close(p, 0))
			n->u.size_of.tn = parse_type_name(p);
		else
			n->u.size_of.expr = parse_expr(p);
		parse_expect(p, ")", NULL);
	} else if (!strcmp(t.sval, "offsetof")) {
		n = parse_new_node(p, N_OFFSETOF, t.span);
		parse_next(p);
		n->u.offset_of.tn = parse_type_name(p);
		parse_expect(p, ",", NULL);
		const struct token *f = parse_peek(p, 0);
		if (f->kind != TK_IDENT)
			parse_fail(p, f, "identifier");
		n->u.offset_of.field = parse_next(p).sval;
		parse_expect(p, ")", NULL);
	} else if (parse_is(p, 0, "(")) {
		n = parse_new_node(p, N_CALL, t.span);
		n->u.call.name = t.sval;
		n->u.call.fn = F_UNKNOWN;
		parse_next(p);
		parse_args(p, &n->u.call.args, ")");
	} else {
		n = parse_new_node(p, N_BUILTIN, t.span);
		n->u.builtin.name = t.sval;
		n->u.builtin.argn = -1;
		return n;
	}
	n->span = parse_span_from(p, t.span);
	return n;
}

/*
 * paren = "(" expr ")" | "(" expr ("," expr)+ ","? ")"
 */
static struct node *parse_paren(struct parser *p)
{
	struct token open = parse_next(p);
	bool in_pred = p->in_pred;

	p->in_pred = false;
	struct node *e = parse_expr(p);
	if (!parse_is(p, 0, ",")) {
		parse_expect(p, ")", ")");
		p->in_pred = in_pred;
		return e;
	}
	struct node *n = parse_new_node(p, N_TUPLE, open.span);
	node_list_append(&n->u.tuple.elems, e);
	while (parse_accept(p, ",")) {
		if (parse_is(p, 0, ")"))
			break;
		node_list_append(&n->u.tuple.elems, parse_expr(p));
	}
	parse_expect(p, ")", ") or \",\"");
	p->in_pred = in_pred;
	n->span = parse_span_from(p, open.span);
	return n;
}

/*
 * primary = int | string | param | "$#" | var | map ("[" args "]")?
 *         | ident_expr | paren
 */
static struct node *parse_primary(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n;

	switch (t->kind) {
	case TK_INT:
		n = parse_new_node(p, N_INT, t->span);
		n->u.ival = t->ival;
		parse_next(p);
		return n;
	case TK_STRING:
		n = parse_new_node(p, N_STR, t->span);
		n->u.str.s = t->sval;
		n->u.str.len = t->slen;
		parse_next(p);
		return n;
	case TK_PARAM:
		n = parse_new_node(p, N_PARAM, t->span);
		n->u.param.n = (int)t->ival;
		parse_next(p);
		return n;
	case TK_PARAM_COUNT:
		n = parse_new_node(p, N_PARAM_COUNT, t->span);
		parse_next(p);
		return n;
	case TK_VAR:
		n = parse_new_node(p, N_VAR, t->span);
		n->u.var.name = t->sval;
		n->u.var.var_id = -1;
		parse_next(p);
		return n;
	case TK_MAP: {
		struct token m = parse_next(p);
		n = parse_new_node(p, N_MAP, m.span);
		n->u.map.name = m.sval;
		n->u.map.map_id = -1;
		if (parse_accept(p, "[")) {
			bool in_pred = p->in_pred;
			p->in_pred = false;
			if (parse_is(p, 0, "]"))
				parse_fail(p, parse_peek(p, 0), NULL);
			parse_args(p, &n->u.map.keys, "]");
			p->in_pred = in_pred;
			n->span = parse_span_from(p, m.span);
		}
		return n;
	}
	case TK_IDENT:
		if (parse_is_keyword(t->sval))
			break;
		return parse_ident_expr(p);
	case TK_PUNCT:
		if (parse_is(p, 0, "("))
			return parse_paren(p);
		break;
	default:
		break;
	}
	parse_fail(p, t, NULL);
}

/*
 * postfix = primary ("." ident | "." int | "->" ident | "[" expr "]"
 *                    | "++" | "--")*
 */
static struct node *parse_postfix(struct parser *p)
{
	/* as bpftrace's: "(expr)->f" spans from the '(' */
	uint32_t first = parse_peek(p, 0)->span.lo;
	struct node *n = parse_primary(p);
	int entered = 0;

	for (;;) {
		struct span start = n->span;
		struct node *m;

		if (!entered && first < start.lo)
			start.lo = first;
		if (parse_is(p, 0, ".") || parse_is(p, 0, "->")) {
			struct token op = parse_next(p);
			const struct token *f = parse_peek(p, 0);
			if (op.sval[0] == '.' && f->kind == TK_INT) {
				if (f->ival > 65535)
					parse_fail_msg(p, f->span, "tuple index %llu is too large",
						       (unsigned long long)f->ival);
				m = parse_new_node(p, N_TUPLE_GET, start);
				m->u.tuple_get.base = n;
				m->u.tuple_get.idx = (int)parse_next(p).ival;
			} else {
				if (f->kind != TK_IDENT)
					parse_fail(p, f, "identifier");
				m = parse_new_node(p, N_FIELD, start);
				m->u.field.base = n;
				m->u.field.name = parse_next(p).sval;
				m->u.field.arrow = op.sval[0] == '-';
			}
		} else if (parse_is(p, 0, "[")) {
			bool in_pred = p->in_pred;
			parse_next(p);
			p->in_pred = false;
			m = parse_new_node(p, N_INDEX, start);
			m->u.index.base = n;
			m->u.index.index = parse_expr(p);
			parse_expect(p, "]", NULL);
			p->in_pred = in_pred;
		} else if ((parse_is(p, 0, "++") || parse_is(p, 0, "--")) &&
			   (n->kind == N_MAP || n->kind == N_VAR)) {
			struct token op = parse_next(p);
			m = parse_new_node(p, N_UNOP, start);
			m->u.unop.op = op.sval[0] == '+' ? OP_POST_INC : OP_POST_DEC;
			m->u.unop.operand = n;
		} else {
			break;
		}
		parse_enter(p, m->span);
		entered++;
		m->span = parse_span_from(p, start);
		n = m;
	}
	p->depth -= entered;
	return n;
}

struct unop_tab {
	const char *text;
	enum unop op;
};

static const struct unop_tab unops[] = {
	{"-", OP_NEG},    {"!", OP_LNOT},     {"~", OP_BNOT},     {"*", OP_DEREF},
	{"&", OP_ADDROF}, {"++", OP_PRE_INC}, {"--", OP_PRE_DEC},
};

/*
 * unary = ("-" | "!" | "~" | "*" | "&" | "++" | "--") unary
 *       | "(" type_name ")" unary
 *       | postfix
 */
static struct node *parse_unary(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n;

	if (t->kind == TK_PUNCT) {
		for (size_t i = 0; i < ARRAY_SIZE(unops); i++) {
			if (strcmp(t->sval, unops[i].text))
				continue;
			struct token op = parse_next(p);
			parse_enter(p, op.span);
			n = parse_new_node(p, N_UNOP, op.span);
			n->u.unop.op = unops[i].op;
			n->u.unop.operand = parse_unary(p);
			/* as in bpftrace: ++ and -- apply to maps and variables only */
			if ((unops[i].op == OP_PRE_INC || unops[i].op == OP_PRE_DEC) &&
			    n->u.unop.operand->kind != N_MAP && n->u.unop.operand->kind != N_VAR)
				parse_fail(p, &op, NULL);
			n->span = parse_span_from(p, op.span);
			parse_leave(p);
			return n;
		}
		if (parse_is(p, 0, "(") && parse_at_cast(p)) {
			struct token open = parse_next(p);
			parse_enter(p, open.span);
			n = parse_new_node(p, N_CAST, open.span);
			n->u.cast.to = parse_type_name(p);
			parse_expect(p, ")", NULL);
			n->u.cast.operand = parse_unary(p);
			n->span = parse_span_from(p, open.span);
			parse_leave(p);
			return n;
		}
	}
	return parse_postfix(p);
}
