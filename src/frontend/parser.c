/*
 * parser.c - tokens to AST: the top level and the parser's machinery.
 *
 * A recursive-descent parser in the style of chibicc's parse.c and Lua's
 * lparser.c: one function per production, its EBNF in the comment above.
 * This file owns the token buffer (a few tokens of lookahead, needed to
 * tell a cast from a parenthesised expression and the closing '/' of a
 * predicate from a division), the top-level productions (preprocessor
 * lines, struct definitions, config blocks, probes) and error reporting.
 * Expressions live in parser_expr.c, statements in parser_stmt.c.
 *
 * Attach points are not tokenised: in probe-header position the parser asks
 * the lexer for raw text (bpftrace lexes them in a start condition of their
 * own), so the lookahead buffer must be empty there; it is, because a probe
 * ends with the '}' of its body and nothing is peeked past it.
 *
 * The parser stops at the first error: parse_fail() reports it and
 * longjmps back to parse_program(). Everything allocated lives in the
 * arena, so unwinding leaks nothing. Nesting is bounded (PARSE_MAX_DEPTH)
 * so that hostile input gives an error rather than a stack overflow, here
 * or in the passes that walk the tree recursively.
 */
#include "frontend.h"

#include <string.h>

void node_list_append(struct node_list *l, struct node *n)
{
	n->next = NULL;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
	l->len++;
}

const struct token *parse_peek(struct parser *p, int k)
{
	if (k >= PARSE_LOOKAHEAD)
		BT_BUG("parser lookahead too far");
	while (p->nla <= k) {
		/* after an error or EOF keep returning that token */
		if (p->nla > 0 &&
		    (p->la[p->nla - 1].kind == TK_EOF || p->la[p->nla - 1].kind == TK_ERROR)) {
			p->la[p->nla] = p->la[p->nla - 1];
			p->nla++;
			continue;
		}
		p->la[p->nla++] = lex_next(&p->lex);
	}
	return &p->la[k];
}

struct token parse_next(struct parser *p)
{
	struct token t = *parse_peek(p, 0);

	if (t.kind == TK_ERROR)
		parse_fail(p, &t, NULL);
	memmove(&p->la[0], &p->la[1], sizeof(p->la[0]) * (size_t)(p->nla - 1));
	p->nla--;
	p->prev = t;
	return t;
}

bool parse_is(struct parser *p, int k, const char *text)
{
	const struct token *t = parse_peek(p, k);

	if (t->kind != TK_PUNCT && t->kind != TK_IDENT)
		return false;
	return !strcmp(t->sval, text);
}

bool parse_accept(struct parser *p, const char *text)
{
	if (!parse_is(p, 0, text))
		return false;
	parse_next(p);
	return true;
}

struct token parse_expect(struct parser *p, const char *text, const char *expecting)
{
	if (!parse_is(p, 0, text))
		parse_fail(p, parse_peek(p, 0), expecting ? expecting : text);
	return parse_next(p);
}

/* Words with a meaning of their own in bpftrace's grammar, named by
 * themselves in "unexpected ..." messages. */
static const char *const keywords[] = {
	"if",     "else",  "unroll", "while",  "for",      "break",  "continue", "return",
	"struct", "union", "enum",   "sizeof", "offsetof", "config", "let",
};

/* Only for messages ("unexpected builtin"): sema owns the real tables. */
static const char *const builtin_names[] = {
	"pid",    "tid",    "uid",    "gid",    "nsecs",    "elapsed", "numaid",  "cpu",
	"comm",   "kstack", "ustack", "retval", "func",     "probe",   "curtask", "rand",
	"cgroup", "cpid",   "args",   "ctx",    "username", "jiffies",
};

static const char *const call_names[] = {
	"count",       "sum",      "avg",     "min",      "max",      "stats",       "hist",
	"lhist",       "printf",   "print",   "time",     "join",     "exit",        "system",
	"cat",         "clear",    "zero",    "delete",   "signal",   "override",    "str",
	"buf",         "ksym",     "usym",    "kaddr",    "uaddr",    "ntop",        "pton",
	"reg",         "cgroupid", "macaddr", "strftime", "strncmp",  "strcontains", "path",
	"kptr",        "uptr",     "has_key", "len",      "strerror", "bswap",       "skboutput",
	"cgroup_path", "unwatch",  "debugf",
};

static bool name_in(const char *s, const char *const *tab, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, tab[i]))
			return true;
	return false;
}

bool parse_is_keyword(const char *s)
{
	return name_in(s, keywords, ARRAY_SIZE(keywords)) && strcmp(s, "sizeof") &&
	       strcmp(s, "offsetof") && strcmp(s, "config");
}

static bool is_arg_name(const char *s)
{
	const char *d = NULL;

	if (!strncmp(s, "arg", 3))
		d = s + 3;
	else if (!strncmp(s, "sarg", 4))
		d = s + 4;
	if (!d || !*d)
		return false;
	for (; *d; d++)
		if (*d < '0' || *d > '9')
			return false;
	return true;
}

static const char *token_desc(const struct token *t)
{
	switch (t->kind) {
	case TK_EOF:
		return "end of file";
	case TK_INT:
		return "integer";
	case TK_STRING:
		return "string";
	case TK_MAP:
		return "map";
	case TK_VAR:
		return "variable";
	case TK_PARAM:
	case TK_PARAM_COUNT:
		return "positional parameter";
	case TK_ATTACH:
		return "attach point";
	case TK_INCLUDE:
		return "preprocessor directive";
	case TK_PUNCT:
		return t->sval;
	case TK_ERROR:
		return "invalid token";
	case TK_IDENT:
		if (name_in(t->sval, keywords, ARRAY_SIZE(keywords)))
			return t->sval;
		if (name_in(t->sval, builtin_names, ARRAY_SIZE(builtin_names)) ||
		    is_arg_name(t->sval))
			return "builtin";
		if (name_in(t->sval, call_names, ARRAY_SIZE(call_names)))
			return "call";
		return "identifier";
	}
	return "token";
}

void parse_fail(struct parser *p, const struct token *t, const char *expecting)
{
	struct span sp = t->span;

	if (t->kind == TK_ERROR) {
		diag_err(p->diags, sp, "%s", t->sval);
		longjmp(p->fail, 1);
	}
	/* like bison's locations, the end of file sits on the last token */
	if (t->kind == TK_EOF && p->prev.span.hi > 0)
		sp = p->prev.span;
	if (expecting)
		diag_err(p->diags, sp, "syntax error, unexpected %s, expecting %s", token_desc(t),
			 expecting);
	else
		diag_err(p->diags, sp, "syntax error, unexpected %s", token_desc(t));
	/* "if ($x = 1)", "/pid = 1/": assignment is a statement here */
	if (t->kind == TK_PUNCT && !strcmp(t->sval, "=") && expecting &&
	    (!strcmp(expecting, "/") || !strcmp(expecting, ")")))
		diag_hint(p->diags, "'=' assigns and is a statement; use '==' to compare");
	longjmp(p->fail, 1);
}

void parse_fail_msg(struct parser *p, struct span sp, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	diag_err(p->diags, sp, "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	longjmp(p->fail, 1);
}

struct node *parse_new_node(struct parser *p, enum node_kind k, struct span sp)
{
	struct node *n = arena_alloc(p->arena, sizeof(*n));

	n->kind = k;
	n->span = sp;
	return n;
}

struct span parse_span_from(struct parser *p, struct span start)
{
	struct span s = start;

	if (p->prev.span.hi > s.hi)
		s.hi = p->prev.span.hi;
	return s;
}

void parse_enter(struct parser *p, struct span sp)
{
	if (++p->depth > PARSE_MAX_DEPTH)
		parse_fail_msg(p, sp, "program is nested too deeply (more than %d levels)",
			       PARSE_MAX_DEPTH);
}

void parse_leave(struct parser *p)
{
	p->depth--;
}

/* Raw-mode productions need the token buffer empty. */
static void parse_check_raw(struct parser *p)
{
	if (p->nla)
		BT_BUG("raw lexing with tokens in the lookahead buffer");
}

/*
 * pp_line = "#" <any text to end of line>
 * Kept as an N_STR in ast->includes; sema decides what it means.
 */
static void parse_pp_line(struct parser *p, struct ast *ast)
{
	parse_check_raw(p);
	struct token t = lex_pp_line(&p->lex);
	struct node *n = parse_new_node(p, N_STR, t.span);

	n->u.str.s = t.sval;
	n->u.str.len = t.slen;
	p->prev = t;
	node_list_append(&ast->includes, n);
}

/*
 * struct_def = ("struct" | "union" | "enum") ident "{" <raw C text> "}" ";"?
 */
static void parse_struct_def(struct parser *p, struct ast *ast)
{
	struct token kw = parse_next(p);
	const struct token *id = parse_peek(p, 0);

	if (id->kind != TK_IDENT)
		parse_fail(p, id, "identifier");
	struct token name = parse_next(p);
	parse_expect(p, "{", NULL);
	parse_check_raw(p);
	struct token body = lex_braced_body(&p->lex);
	if (body.kind == TK_ERROR)
		parse_fail(p, &body, NULL);
	parse_expect(p, "}", NULL);
	struct node *n = parse_new_node(p, N_STRUCT_DEF, kw.span);
	n->u.struct_def.name = arena_printf(p->arena, "%s %s", kw.sval, name.sval);
	n->u.struct_def.body = body.sval;
	n->u.struct_def.body_span = body.span;
	/* the ';' is optional; only peek at it when it is there, so the
	 * buffer stays empty for the next probe header */
	if (lex_peek_char(&p->lex) == ';')
		parse_next(p);
	n->span = parse_span_from(p, kw.span);
	node_list_append(&ast->structs, n);
}

/*
 * config      = "config" "=" "{" (config_item (";" config_item)* ";"?)? "}"
 * config_item = ident "=" (int | string | ident)
 */
static void parse_config(struct parser *p, struct ast *ast)
{
	struct token kw = parse_next(p);
	struct node *cfg = parse_new_node(p, N_CONFIG, kw.span);

	if (ast->config)
		parse_fail_msg(p, kw.span, "only one config block is allowed");
	parse_expect(p, "=", NULL);
	parse_expect(p, "{", NULL);
	while (!parse_is(p, 0, "}")) {
		const struct token *k = parse_peek(p, 0);
		if (k->kind != TK_IDENT)
			parse_fail(p, k, "}");
		struct token key = parse_next(p);
		struct node *lhs = parse_new_node(p, N_VAR, key.span);
		lhs->u.var.name = key.sval;
		parse_expect(p, "=", NULL);
		struct token v = parse_next(p);
		struct node *rhs;
		if (v.kind == TK_INT) {
			rhs = parse_new_node(p, N_INT, v.span);
			rhs->u.ival = v.ival;
		} else if (v.kind == TK_STRING) {
			rhs = parse_new_node(p, N_STR, v.span);
			rhs->u.str.s = v.sval;
			rhs->u.str.len = v.slen;
		} else if (v.kind == TK_IDENT) {
			rhs = parse_new_node(p, N_BUILTIN, v.span);
			rhs->u.builtin.name = v.sval;
		} else {
			parse_fail(p, &v, "integer, string or identifier");
		}
		struct node *a = parse_new_node(p, N_ASSIGN, span_join(key.span, v.span));
		a->u.assign.lhs = lhs;
		a->u.assign.rhs = rhs;
		node_list_append(&cfg->u.config.items, a);
		if (!parse_accept(p, ";") && !parse_is(p, 0, "}"))
			parse_fail(p, parse_peek(p, 0), "; or }");
	}
	parse_next(p);
	cfg->span = parse_span_from(p, kw.span);
	ast->config = cfg;
}

/* `$N` in an attach point is parameter N's text, as in bpftrace
 * (`interval:ms:$1`, `BEG$1`); a missing one stays as written, so that
 * the attach point's error names it */
static const char *expand_params(struct parser *p, const char *raw)
{
	const struct source *src = p->lex.src;
	struct strbuf sb = {0};
	const char *out;

	if (!strchr(raw, '$'))
		return raw;
	for (const char *c = raw; *c;) {
		if (c[0] == '$' && c[1] >= '0' && c[1] <= '9') {
			const char *d = c + 1;
			long n = 0;

			for (; *d >= '0' && *d <= '9' && n < 1000000; d++)
				n = n * 10 + (*d - '0');
			if (n >= 1 && n <= src->nparams) {
				sb_puts(&sb, src->params[n - 1]);
				c = d;
				continue;
			}
		}
		sb_putc(&sb, *c++);
	}
	out = arena_strndup(p->arena, sb.buf ? sb.buf : "", sb.len);
	sb_free(&sb);
	return out;
}

/*
 * attach_list = attach_point ("," attach_point)* ","?
 * The text is raw (positional parameters expanded); probespec.c splits it.
 */
static struct attach_point *parse_attach_list(struct parser *p)
{
	struct attach_point *head = NULL, **tail = &head;

	for (;;) {
		parse_check_raw(p);
		struct token t = lex_attach_point(&p->lex);
		if (t.kind == TK_ERROR)
			parse_fail(p, &t, NULL);
		if (t.slen == 0) {
			if (head)
				break;
			if (lex_peek_char(&p->lex) == '{' || lex_peek_char(&p->lex) == '/') {
				struct span sp = {t.span.lo, t.span.lo};
				parse_fail_msg(p, sp, "No attach points for probe");
			}
			parse_fail(p, parse_peek(p, 0), NULL);
		}
		struct attach_point *ap = arena_alloc(p->arena, sizeof(*ap));
		ap->raw = expand_params(p, t.sval);
		ap->span = t.span;
		*tail = ap;
		tail = &ap->next;
		p->prev = t;
		if (lex_peek_char(&p->lex) != ',')
			break;
		parse_next(p); /* the ',' */
		int c = lex_peek_char(&p->lex);
		if (c == '{' || c == '/')
			break;
	}
	return head;
}

/*
 * probe = attach_list ("/" expr "/")? block
 */
static void parse_probe(struct parser *p, struct ast *ast)
{
	struct attach_point *aps = parse_attach_list(p);
	struct node *n = parse_new_node(p, N_PROBE, aps->span);

	n->u.probe.aps = aps;
	if (parse_is(p, 0, "/")) {
		parse_next(p);
		p->in_pred = true;
		n->u.probe.pred = parse_expr(p);
		p->in_pred = false;
		parse_expect(p, "/", NULL);
	}
	if (!parse_is(p, 0, "{"))
		parse_fail(p, parse_peek(p, 0), "{");
	n->u.probe.body = parse_block(p);
	n->span = parse_span_from(p, aps->span);
	node_list_append(&ast->probes, n);
}

/*
 * A program without a probe (empty, or only comments, #include lines and
 * struct definitions) is an error, as in bpftrace, at its end of file:
 * from the end of the last token to the end of the text, and, like
 * bison's, past a final newline onto the next line. An empty text has no
 * place to point at.
 */
static void parse_fail_empty(struct parser *p)
{
	const struct source *src = p->lex.src;
	struct span sp = {p->prev.span.hi, (uint32_t)src->len};

	if (!src->len) {
		diag_err_nospan(p->diags, "unexpected end of file, expected {");
		longjmp(p->fail, 1);
	}
	if (src->text[src->len - 1] == '\n')
		sp.hi++;
	parse_fail_msg(p, sp, "unexpected end of file, expected {");
}

/*
 * program = (pp_line | struct_def | config | probe)* EOF
 */
static void parse_toplevel(struct parser *p, struct ast *ast)
{
	for (;;) {
		int c = lex_peek_char(&p->lex);
		if (c == -1) {
			if (!ast->probes.head)
				parse_fail_empty(p);
			return;
		}
		if (c == '#')
			parse_pp_line(p, ast);
		else if (lex_at_word(&p->lex, "struct") || lex_at_word(&p->lex, "union") ||
			 lex_at_word(&p->lex, "enum"))
			parse_struct_def(p, ast);
		else if (lex_at_word(&p->lex, "config"))
			parse_config(p, ast);
		else
			parse_probe(p, ast);
	}
}

static int parse_attach_specs(struct ast *ast, struct arena *a, struct diags *d)
{
	int err = 0;

	node_foreach(&ast->probes, n) {
		for (struct attach_point *ap = n->u.probe.aps; ap; ap = ap->next)
			if (probespec_parse(ap, a, d) < 0)
				err = -1;
	}
	return err;
}

int parse_program(const struct source *src, struct arena *a, struct diags *d, struct ast *out)
{
	struct parser *p = arena_alloc(a, sizeof(*p));

	memset(out, 0, sizeof(*out));
	lex_init(&p->lex, src, a, d);
	p->arena = a;
	p->diags = d;
	if (setjmp(p->fail))
		return -1;
	parse_toplevel(p, out);
	return parse_attach_specs(out, a, d);
}
