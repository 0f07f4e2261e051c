/*
 * ast_dump.c - the AST as an indented text tree, for -d ast and goldens.
 *
 * One line per node, children indented by two spaces more than their
 * parent. Expressions print an operator or a "kind: value" label, statements
 * their keyword; attach points print their raw text followed by the fields
 * probespec.c split out of it. Strings are printed quoted with C escapes so
 * that every line is plain printable text. The format is ours and stable:
 * golden tests in tests/parse depend on it, so change it only together
 * with tests/parse/regen.sh and a review of the diffs. The text of a binary
 * operator (ast_binop_str) is shared with -d types and sema's messages.
 */
#include "frontend.h"

#include <string.h>

static const char *const binop_text[] = {
	[OP_ADD] = "+",  [OP_SUB] = "-",   [OP_MUL] = "*",  [OP_DIV] = "/",  [OP_MOD] = "%",
	[OP_BAND] = "&", [OP_BOR] = "|",   [OP_BXOR] = "^", [OP_SHL] = "<<", [OP_SHR] = ">>",
	[OP_EQ] = "==",  [OP_NE] = "!=",   [OP_LT] = "<",   [OP_LE] = "<=",  [OP_GT] = ">",
	[OP_GE] = ">=",  [OP_LAND] = "&&", [OP_LOR] = "||",
};

const char *ast_binop_str(enum binop op)
{
	return binop_text[op];
}

static const char *const unop_text[] = {
	[OP_NEG] = "-",
	[OP_LNOT] = "!",
	[OP_BNOT] = "~",
	[OP_DEREF] = "*",
	[OP_ADDROF] = "&",
	[OP_PRE_INC] = "++ (pre)",
	[OP_PRE_DEC] = "-- (pre)",
	[OP_POST_INC] = "++ (post)",
	[OP_POST_DEC] = "-- (post)",
};

static void dump_indent(FILE *f, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", f);
}

static void dump_quoted(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

static void dump_type_name(FILE *f, const struct type_name *tn)
{
	fputs(tn->name ? tn->name : "?", f);
	if (tn->ptr_depth)
		fputc(' ', f);
	for (int i = 0; i < tn->ptr_depth; i++)
		fputc('*', f);
	if (tn->array_len)
		fprintf(f, "[%u]", tn->array_len);
}

static void dump_node(FILE *f, const struct node *n, int depth);

static void dump_list(FILE *f, const struct node_list *l, int depth)
{
	node_foreach(l, n)
		dump_node(f, n, depth);
}

/* a labelled group: "label" then the node one level deeper */
static void dump_labelled(FILE *f, const char *label, const struct node *n, int depth)
{
	dump_indent(f, depth);
	fprintf(f, "%s\n", label);
	dump_node(f, n, depth + 1);
}

static void dump_expr_line(FILE *f, const struct node *n)
{
	switch (n->kind) {
	case N_INT:
		fprintf(f, "int: %llu", (unsigned long long)n->u.ival);
		break;
	case N_STR:
		fputs("string: ", f);
		dump_quoted(f, n->u.str.s, n->u.str.len);
		break;
	case N_BUILTIN:
		fprintf(f, "builtin: %s", n->u.builtin.name);
		break;
	case N_CALL:
		fprintf(f, "call: %s", n->u.call.name);
		break;
	case N_MAP:
		fprintf(f, "map: @%s", n->u.map.name);
		break;
	case N_VAR:
		fprintf(f, "variable: $%s", n->u.var.name);
		break;
	case N_PARAM:
		fprintf(f, "param: $%d", n->u.param.n);
		break;
	case N_PARAM_COUNT:
		fputs("param: $#", f);
		break;
	case N_BINOP:
		fprintf(f, "binop: %s", ast_binop_str(n->u.binop.op));
		break;
	case N_UNOP:
		fprintf(f, "unop: %s", unop_text[n->u.unop.op]);
		break;
	case N_TERNARY:
		fputs("ternary: ?:", f);
		break;
	case N_FIELD:
		fprintf(f, "field: %s%s", n->u.field.arrow ? "->" : ".", n->u.field.name);
		break;
	case N_INDEX:
		fputs("index: []", f);
		break;
	case N_TUPLE:
		fputs("tuple", f);
		break;
	case N_TUPLE_GET:
		fprintf(f, "tuple get: .%d", n->u.tuple_get.idx);
		break;
	case N_CAST:
		fputs("cast: (", f);
		dump_type_name(f, &n->u.cast.to);
		fputc(')', f);
		break;
	case N_SIZEOF:
		fputs("sizeof", f);
		if (!n->u.size_of.expr) {
			fputs(": ", f);
			dump_type_name(f, &n->u.size_of.tn);
		}
		break;
	case N_OFFSETOF:
		fputs("offsetof: ", f);
		dump_type_name(f, &n->u.offset_of.tn);
		fprintf(f, ", %s", n->u.offset_of.field);
		break;
	default:
		fprintf(f, "node kind %d", (int)n->kind);
		break;
	}
}

static void dump_children(FILE *f, const struct node *n, int depth)
{
	switch (n->kind) {
	case N_CALL:
		dump_list(f, &n->u.call.args, depth);
		break;
	case N_MAP:
		dump_list(f, &n->u.map.keys, depth);
		break;
	case N_BINOP:
		dump_node(f, n->u.binop.lhs, depth);
		dump_node(f, n->u.binop.rhs, depth);
		break;
	case N_UNOP:
		dump_node(f, n->u.unop.operand, depth);
		break;
	case N_TERNARY:
		dump_node(f, n->u.ternary.cond, depth);
		dump_node(f, n->u.ternary.then, depth);
		dump_node(f, n->u.ternary.els, depth);
		break;
	case N_FIELD:
		dump_node(f, n->u.field.base, depth);
		break;
	case N_INDEX:
		dump_node(f, n->u.index.base, depth);
		dump_node(f, n->u.index.index, depth);
		break;
	case N_TUPLE:
		dump_list(f, &n->u.tuple.elems, depth);
		break;
	case N_TUPLE_GET:
		dump_node(f, n->u.tuple_get.base, depth);
		break;
	case N_CAST:
		dump_node(f, n->u.cast.operand, depth);
		break;
	case N_SIZEOF:
		if (n->u.size_of.expr)
			dump_node(f, n->u.size_of.expr, depth);
		break;
	default:
		break;
	}
}

static void dump_node(FILE *f, const struct node *n, int depth)
{
	if (!n) {
		dump_indent(f, depth);
		fputs("(null)\n", f);
		return;
	}
	switch (n->kind) {
	case N_EXPR_STMT:
		dump_labelled(f, "expr", n->u.expr_stmt.expr, depth);
		return;
	case N_ASSIGN:
		dump_indent(f, depth);
		if (n->u.assign.compound)
			fprintf(f, "assign: %s=\n", ast_binop_str(n->u.assign.op));
		else
			fputs("assign: =\n", f);
		dump_node(f, n->u.assign.lhs, depth + 1);
		dump_node(f, n->u.assign.rhs, depth + 1);
		return;
	case N_IF:
		dump_indent(f, depth);
		fputs("if\n", f);
		dump_node(f, n->u.if_.cond, depth + 1);
		dump_labelled(f, "then", n->u.if_.then, depth + 1);
		if (n->u.if_.els)
			dump_labelled(f, "else", n->u.if_.els, depth + 1);
		return;
	case N_UNROLL:
		dump_indent(f, depth);
		fputs("unroll\n", f);
		dump_node(f, n->u.unroll.count, depth + 1);
		dump_node(f, n->u.unroll.body, depth + 1);
		return;
	case N_WHILE:
		dump_indent(f, depth);
		fputs("while\n", f);
		dump_node(f, n->u.while_.cond, depth + 1);
		dump_node(f, n->u.while_.body, depth + 1);
		return;
	case N_FOR:
		dump_indent(f, depth);
		fputs("for\n", f);
		dump_node(f, n->u.for_.var, depth + 1);
		dump_node(f, n->u.for_.map, depth + 1);
		dump_node(f, n->u.for_.body, depth + 1);
		return;
	case N_BREAK:
	case N_CONTINUE:
		dump_indent(f, depth);
		fputs(n->kind == N_BREAK ? "break\n" : "continue\n", f);
		return;
	case N_RETURN:
		dump_indent(f, depth);
		fputs("return\n", f);
		if (n->u.ret.expr)
			dump_node(f, n->u.ret.expr, depth + 1);
		return;
	case N_BLOCK:
		dump_indent(f, depth);
		fputs("block\n", f);
		dump_list(f, &n->u.block.stmts, depth + 1);
		return;
	default:
		break;
	}
	dump_indent(f, depth);
	dump_expr_line(f, n);
	fputc('\n', f);
	dump_children(f, n, depth + 1);
}

static void dump_attach_point(FILE *f, const struct attach_point *ap, int depth)
{
	dump_indent(f, depth);
	fprintf(f, "attach: %s\n", ap->raw);
	dump_indent(f, depth + 1);
	fprintf(f, "kind=%s", probe_kind_name(ap->kind));
	if (ap->target)
		fprintf(f, " target=%s", ap->target);
	if (ap->ns)
		fprintf(f, " ns=%s", ap->ns);
	if (ap->func)
		fprintf(f, " func=%s", ap->func);
	if (ap->offset)
		fprintf(f, " offset=%llu", (unsigned long long)ap->offset);
	if (ap->address)
		fprintf(f, " address=0x%llx", (unsigned long long)ap->address);
	if (ap->period_ns)
		fprintf(f, " period_ns=%llu", (unsigned long long)ap->period_ns);
	if (ap->freq_hz)
		fprintf(f, " freq_hz=%llu", (unsigned long long)ap->freq_hz);
	if (ap->count)
		fprintf(f, " count=%llu", (unsigned long long)ap->count);
	if (ap->has_wildcard)
		fputs(" wildcard", f);
	fputc('\n', f);
}

void ast_dump(const struct ast *ast, FILE *f)
{
	fputs("program\n", f);
	node_foreach(&ast->includes, n) {
		dump_indent(f, 1);
		fputs("preprocessor: ", f);
		dump_quoted(f, n->u.str.s, n->u.str.len);
		fputc('\n', f);
	}
	node_foreach(&ast->structs, n) {
		dump_indent(f, 1);
		fprintf(f, "struct definition: %s\n", n->u.struct_def.name);
		dump_indent(f, 2);
		fputs("body: ", f);
		dump_quoted(f, n->u.struct_def.body, strlen(n->u.struct_def.body));
		fputc('\n', f);
	}
	if (ast->config) {
		dump_indent(f, 1);
		fputs("config\n", f);
		node_foreach(&ast->config->u.config.items, n) {
			dump_indent(f, 2);
			fprintf(f, "%s =\n", n->u.assign.lhs->u.var.name);
			dump_node(f, n->u.assign.rhs, 3);
		}
	}
	node_foreach(&ast->probes, n) {
		dump_indent(f, 1);
		fputs("probe\n", f);
		for (const struct attach_point *ap = n->u.probe.aps; ap; ap = ap->next)
			dump_attach_point(f, ap, 2);
		if (n->u.probe.pred)
			dump_labelled(f, "predicate", n->u.probe.pred, 2);
		dump_node(f, n->u.probe.body, 2);
	}
}
