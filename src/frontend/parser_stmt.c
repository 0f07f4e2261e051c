/*
 * parser_stmt.c - statements and blocks.
 *
 * bpftrace separates statements with ';'. A statement that ends in a block
 * (if, unroll, while, for, a nested block) needs no ';' after it, and the
 * last statement of a block may omit it. Empty statements (";;") are
 * accepted, as later bpftrace does. Assignment is a statement here, not an
 * expression: its left side must be a map or a scratch variable. Later
 * bpftrace's `let $x[: type] [= expr]` is accepted and becomes an
 * assignment; its range loops (`for ($i : 0..n)`) are reported as not
 * supported rather than misparsed.
 */
#include "frontend.h"

#include <string.h>

static struct node *parse_stmt(struct parser *p, bool *ends_in_block);

struct assign_tab {
	const char *text;
	enum binop op;
};

static const struct assign_tab assign_ops[] = {
	{"+=", OP_ADD},  {"-=", OP_SUB}, {"*=", OP_MUL},  {"/=", OP_DIV},  {"%=", OP_MOD},
	{"&=", OP_BAND}, {"|=", OP_BOR}, {"^=", OP_BXOR}, {"<<=", OP_SHL}, {">>=", OP_SHR},
};

/*
 * block = "{" (stmt (";" stmt)*)? ";"? "}"
 *   where a stmt ending in a block needs no ";" before the next one
 */
struct node *parse_block(struct parser *p)
{
	struct token open = parse_expect(p, "{", NULL);
	struct node *b = parse_new_node(p, N_BLOCK, open.span);

	parse_enter(p, open.span);
	for (;;) {
		bool ends_in_block = false;
		while (parse_accept(p, ";"))
			;
		if (parse_accept(p, "}"))
			break;
		node_list_append(&b->u.block.stmts, parse_stmt(p, &ends_in_block));
		if (parse_accept(p, "}"))
			break;
		if (ends_in_block)
			continue;
		if (!parse_is(p, 0, ";"))
			parse_fail(p, parse_peek(p, 0), "; or }");
	}
	parse_leave(p);
	b->span = parse_span_from(p, open.span);
	return b;
}

/* "(" expr ")" */
static struct node *parse_cond(struct parser *p)
{
	parse_expect(p, "(", NULL);
	struct node *c = parse_expr(p);
	parse_expect(p, ")", NULL);
	return c;
}

/*
 * if_stmt = "if" "(" expr ")" block ("else" (if_stmt | block))?
 */
static struct node *parse_if(struct parser *p)
{
	struct token kw = parse_next(p);
	struct node *n = parse_new_node(p, N_IF, kw.span);

	parse_enter(p, kw.span);
	n->u.if_.cond = parse_cond(p);
	n->u.if_.then = parse_block(p);
	if (parse_accept(p, "else")) {
		if (parse_is(p, 0, "if"))
			n->u.if_.els = parse_if(p);
		else
			n->u.if_.els = parse_block(p);
	}
	parse_leave(p);
	n->span = parse_span_from(p, kw.span);
	return n;
}

/*
 * for_stmt = "for" "(" var ":" map ")" block
 */
static struct node *parse_for(struct parser *p)
{
	struct token kw = parse_next(p);
	struct node *n = parse_new_node(p, N_FOR, kw.span);

	parse_expect(p, "(", NULL);
	const struct token *v = parse_peek(p, 0);
	if (v->kind != TK_VAR)
		parse_fail(p, v, "variable");
	struct token vt = parse_next(p);
	n->u.for_.var = parse_new_node(p, N_VAR, vt.span);
	n->u.for_.var->u.var.name = vt.sval;
	n->u.for_.var->u.var.var_id = -1;
	parse_expect(p, ":", NULL);
	const struct token *m = parse_peek(p, 0);
	if (m->kind != TK_MAP && parse_is(p, 1, ".") && parse_is(p, 2, "."))
		parse_fail_msg(p, m->span, "for loops over a range are not supported yet");
	if (m->kind != TK_MAP)
		parse_fail(p, m, "map");
	struct token mt = parse_next(p);
	n->u.for_.map = parse_new_node(p, N_MAP, mt.span);
	n->u.for_.map->u.map.name = mt.sval;
	n->u.for_.map->u.map.map_id = -1;
	parse_expect(p, ")", NULL);
	n->u.for_.body = parse_block(p);
	n->span = parse_span_from(p, kw.span);
	return n;
}

/*
 * simple_stmt = expr (("=" | "+=" | "-=" | ... | ">>=") expr)?
 */
static struct node *parse_simple(struct parser *p)
{
	struct node *e = parse_expr(p);
	const struct token *t = parse_peek(p, 0);
	const struct assign_tab *op = NULL;
	struct node *n;

	if (t->kind == TK_PUNCT) {
		for (size_t i = 0; i < ARRAY_SIZE(assign_ops); i++)
			if (!strcmp(t->sval, assign_ops[i].text))
				op = &assign_ops[i];
	}
	if ((op || parse_is(p, 0, "=")) && (e->kind == N_MAP || e->kind == N_VAR)) {
		parse_next(p);
		n = parse_new_node(p, N_ASSIGN, e->span);
		n->u.assign.lhs = e;
		n->u.assign.rhs = parse_expr(p);
		n->u.assign.compound = op != NULL;
		n->u.assign.op = op ? op->op : OP_ADD;
		n->span = parse_span_from(p, e->span);
		return n;
	}
	n = parse_new_node(p, N_EXPR_STMT, e->span);
	n->u.expr_stmt.expr = e;
	return n;
}

/*
 * let_stmt = "let" var (":" type_name)? ("=" expr)?
 * Later bpftrace's declaration, desugared to an assignment: the value is
 * the initialiser, cast to the type when one is written, or a zero of that
 * type. Without either there is nothing to assign, and it is an error.
 */
static struct node *parse_let(struct parser *p)
{
	struct token kw = parse_next(p);
	const struct token *v = parse_peek(p, 0);
	struct type_name tn = {0};
	bool typed = false;
	struct node *rhs;

	if (v->kind != TK_VAR)
		parse_fail(p, v, "variable");
	struct token vt = parse_next(p);
	struct node *var = parse_new_node(p, N_VAR, vt.span);
	var->u.var.name = vt.sval;
	var->u.var.var_id = -1;
	if (parse_accept(p, ":")) {
		tn = parse_type_name(p);
		typed = true;
	}
	if (parse_accept(p, "=")) {
		rhs = parse_expr(p);
	} else if (typed) {
		rhs = parse_new_node(p, N_INT, tn.span);
	} else {
		parse_fail_msg(p, parse_span_from(p, kw.span),
			       "let without a type or an initial value is not supported");
	}
	if (typed) {
		struct node *c = parse_new_node(p, N_CAST, rhs->span);
		c->u.cast.to = tn;
		c->u.cast.operand = rhs;
		rhs = c;
	}
	struct node *n = parse_new_node(p, N_ASSIGN, parse_span_from(p, kw.span));
	n->u.assign.lhs = var;
	n->u.assign.rhs = rhs;
	return n;
}

/*
 * stmt = if_stmt
 *      | "unroll" "(" expr ")" block
 *      | "while" "(" expr ")" block
 *      | for_stmt
 *      | "break" | "continue" | "return" expr?
 *      | let_stmt
 *      | block
 *      | simple_stmt
 */
static struct node *parse_stmt(struct parser *p, bool *ends_in_block)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n;

	*ends_in_block = true;
	if (t->kind == TK_EOF)
		parse_fail(p, t, "}");
	if (parse_is(p, 0, "if") && t->kind == TK_IDENT)
		return parse_if(p);
	if (t->kind == TK_IDENT && (!strcmp(t->sval, "unroll") || !strcmp(t->sval, "while"))) {
		struct token kw = parse_next(p);
		bool unroll = kw.sval[0] == 'u';
		n = parse_new_node(p, unroll ? N_UNROLL : N_WHILE, kw.span);
		parse_enter(p, kw.span);
		struct node *c = parse_cond(p);
		struct node *body = parse_block(p);
		parse_leave(p);
		if (unroll) {
			n->u.unroll.count = c;
			n->u.unroll.body = body;
		} else {
			n->u.while_.cond = c;
			n->u.while_.body = body;
		}
		n->span = parse_span_from(p, kw.span);
		return n;
	}
	if (t->kind == TK_IDENT && !strcmp(t->sval, "for")) {
		parse_enter(p, t->span);
		n = parse_for(p);
		parse_leave(p);
		return n;
	}
	if (parse_is(p, 0, "{"))
		return parse_block(p);
	*ends_in_block = false;
	if (t->kind == TK_IDENT && (!strcmp(t->sval, "break") || !strcmp(t->sval, "continue"))) {
		struct token kw = parse_next(p);
		return parse_new_node(p, kw.sval[0] == 'b' ? N_BREAK : N_CONTINUE, kw.span);
	}
	if (t->kind == TK_IDENT && !strcmp(t->sval, "let"))
		return parse_let(p);
	if (t->kind == TK_IDENT && !strcmp(t->sval, "return")) {
		struct token kw = parse_next(p);
		n = parse_new_node(p, N_RETURN, kw.span);
		if (!parse_is(p, 0, ";") && !parse_is(p, 0, "}"))
			n->u.ret.expr = parse_expr(p);
		n->span = parse_span_from(p, kw.span);
		return n;
	}
	return parse_simple(p);
}
