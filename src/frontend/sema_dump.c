/*
 * sema_dump.c - the typed program as text, for `-d types` and tests.
 *
 * One block per probe function (its BPF name, the attach points it
 * serves, its args record and variables), then its predicate and body as
 * an indented tree with every expression's type, then the map table and
 * the format table exactly as codegen and the runtime receive them.
 */
#define _GNU_SOURCE
#include "sema.h"

#include <inttypes.h>

static const char *tn(const struct type *t, char *buf, size_t len)
{
	struct sema s = {0};
	struct arena a = {0};
	const char *r;

	s.a = &a;
	r = sema_tname(&s, t);
	snprintf(buf, len, "%s", r);
	arena_free(&a);
	return buf;
}

static void dump_node(const struct node *n, int depth, FILE *f);

static void dump_list(const struct node_list *l, int depth, FILE *f)
{
	node_foreach(l, n)
		dump_node(n, depth, f);
}

static void dump_node(const struct node *n, int depth, FILE *f)
{
	char b[256];

	if (!n)
		return;
	fprintf(f, "%*s", depth * 2, "");
	switch (n->kind) {
	case N_INT:
		fprintf(f, "int %" PRId64, (int64_t)n->u.ival);
		break;
	case N_STR:
		fprintf(f, "string \"");
		for (size_t i = 0; i < n->u.str.len; i++) {
			unsigned char c = (unsigned char)n->u.str.s[i];
			if (c == '\n')
				fputs("\\n", f);
			else if (c < 32 || c > 126)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
		fputc('"', f);
		break;
	case N_BUILTIN:
		fprintf(f, "builtin %s", n->u.builtin.name ? n->u.builtin.name : "?");
		break;
	case N_CALL:
		fprintf(f, "call %s", n->u.call.name);
		if (n->u.call.fmt_id >= 0)
			fprintf(f, " fmt#%d", n->u.call.fmt_id);
		break;
	case N_MAP:
		fprintf(f, "map @%s #%d", n->u.map.name, n->u.map.map_id);
		break;
	case N_VAR:
		fprintf(f, "var $%s #%d", n->u.var.name, n->u.var.var_id);
		break;
	case N_BINOP:
		fprintf(f, "%s", ast_binop_str(n->u.binop.op));
		break;
	case N_UNOP:
		fprintf(f, "unop %d", (int)n->u.unop.op);
		break;
	case N_TERNARY:
		fprintf(f, "?:");
		break;
	case N_FIELD:
		fprintf(f, "%s%s", n->u.field.arrow ? "->" : ".", n->u.field.name);
		if (n->u.field.fld)
			fprintf(f, " @%u", n->u.field.fld->offset);
		if (n->u.field.data_loc)
			fprintf(f, " data_loc");
		break;
	case N_INDEX:
		fprintf(f, "[]");
		break;
	case N_TUPLE:
		fprintf(f, "tuple");
		break;
	case N_TUPLE_GET:
		fprintf(f, ".%d", n->u.tuple_get.idx);
		break;
	case N_CAST:
		fprintf(f, "cast");
		break;
	case N_EXPR_STMT:
		fprintf(f, "expr\n");
		dump_node(n->u.expr_stmt.expr, depth + 1, f);
		return;
	case N_ASSIGN:
		fprintf(f, "%s=\n", n->u.assign.compound ? ast_binop_str(n->u.assign.op) : "");
		dump_node(n->u.assign.lhs, depth + 1, f);
		dump_node(n->u.assign.rhs, depth + 1, f);
		return;
	case N_IF:
		fprintf(f, "if\n");
		dump_node(n->u.if_.cond, depth + 1, f);
		dump_node(n->u.if_.then, depth + 1, f);
		if (n->u.if_.els) {
			fprintf(f, "%*selse\n", depth * 2, "");
			dump_node(n->u.if_.els, depth + 1, f);
		}
		return;
	case N_UNROLL:
		fprintf(f, "unroll\n");
		dump_node(n->u.unroll.count, depth + 1, f);
		dump_node(n->u.unroll.body, depth + 1, f);
		return;
	case N_WHILE:
		fprintf(f, "while\n");
		dump_node(n->u.while_.cond, depth + 1, f);
		dump_node(n->u.while_.body, depth + 1, f);
		return;
	case N_FOR:
		fprintf(f, "for\n");
		dump_node(n->u.for_.var, depth + 1, f);
		dump_node(n->u.for_.map, depth + 1, f);
		dump_node(n->u.for_.body, depth + 1, f);
		return;
	case N_BREAK:
		fprintf(f, "break\n");
		return;
	case N_CONTINUE:
		fprintf(f, "continue\n");
		return;
	case N_RETURN:
		fprintf(f, "return\n");
		dump_node(n->u.ret.expr, depth + 1, f);
		return;
	case N_BLOCK:
		fprintf(f, "{\n");
		dump_list(&n->u.block.stmts, depth + 1, f);
		return;
	default:
		fprintf(f, "node %d", (int)n->kind);
		break;
	}
	fprintf(f, " :: %s%s\n", tn(n->type, b, sizeof(b)),
		n->type && n->type->kind == T_PTR && n->type->is_user ? " (user)" : "");
	switch (n->kind) {
	case N_CALL:
		dump_list(&n->u.call.args, depth + 1, f);
		break;
	case N_MAP:
		dump_list(&n->u.map.keys, depth + 1, f);
		break;
	case N_BINOP:
		dump_node(n->u.binop.lhs, depth + 1, f);
		dump_node(n->u.binop.rhs, depth + 1, f);
		break;
	case N_UNOP:
		dump_node(n->u.unop.operand, depth + 1, f);
		break;
	case N_TERNARY:
		dump_node(n->u.ternary.cond, depth + 1, f);
		dump_node(n->u.ternary.then, depth + 1, f);
		dump_node(n->u.ternary.els, depth + 1, f);
		break;
	case N_FIELD:
		dump_node(n->u.field.base, depth + 1, f);
		break;
	case N_INDEX:
		dump_node(n->u.index.base, depth + 1, f);
		dump_node(n->u.index.index, depth + 1, f);
		break;
	case N_TUPLE:
		dump_list(&n->u.tuple.elems, depth + 1, f);
		break;
	case N_TUPLE_GET:
		dump_node(n->u.tuple_get.base, depth + 1, f);
		break;
	case N_CAST:
		dump_node(n->u.cast.operand, depth + 1, f);
		break;
	default:
		break;
	}
}

static const char *agg_name(enum map_agg a)
{
	static const char *const s[] = {"none", "count", "sum",  "min",  "max",
					"avg",  "stats", "hist", "lhist"};
	return s[a];
}

void sema_dump(const struct ast *ast, const struct bt_program *prog, FILE *f)
{
	char b[256], c[256];

	node_foreach(&ast->probes, p) {
		const struct probe_info *info = p->u.probe.info;
		for (size_t i = 0; info && i < info->nfns; i++) {
			const struct probe_fn *fn = &info->fns[i];
			fprintf(f, "fn %s probes [%zu, %zu)", fn->prog_name, fn->probe_lo,
				fn->probe_hi);
			for (size_t k = fn->probe_lo; k < fn->probe_hi && k < prog->nprobes; k++)
				fprintf(f, " %s", prog->probes[k].name);
			fputc('\n', f);
			if (fn->args)
				fprintf(f, "  args %s\n", tn(fn->args, b, sizeof(b)));
			for (size_t v = 0; v < fn->nvars; v++)
				fprintf(f, "  var $%s #%zu :: %s\n", fn->vars[v].name, v,
					tn(fn->vars[v].type, b, sizeof(b)));
			if (fn->pred) {
				fprintf(f, "  pred\n");
				dump_node(fn->pred, 2, f);
			}
			dump_node(fn->body, 1, f);
		}
	}
	for (size_t i = 0; i < prog->nmaps; i++) {
		const struct bt_map *m = &prog->maps[i];
		fprintf(f, "map #%zu %s %s %s key %s value %s key_size %u value_size %u max %u%s\n",
			i, m->name, m->elf_name, agg_name(m->agg),
			m->key ? tn(m->key, b, sizeof(b)) : "-", tn(m->value, c, sizeof(c)),
			m->key_size, m->value_size, m->max_entries, m->percpu ? " percpu" : "");
	}
	for (size_t i = 0; i < prog->nformats; i++) {
		const struct bt_format *fm = &prog->formats[i];
		fprintf(f, "format #%zu kind %d size %u args %s fmt \"", i, (int)fm->kind, fm->size,
			fm->args ? tn(fm->args, b, sizeof(b)) : "-");
		for (const char *q = fm->fmt ? fm->fmt : ""; *q; q++)
			if (*q == '\n')
				fputs("\\n", f);
			else
				fputc(*q, f);
		fputs("\"\n", f);
	}
}

/* Checks the contract in frontend.h on a typed AST; prints each violation
 * and returns how many there were (for tests). */
static int verify_node(const struct node *n, bool expr, FILE *f);

static int verify_list(const struct node_list *l, bool expr, FILE *f)
{
	int bad = 0;
	node_foreach(l, n)
		bad += verify_node(n, expr, f);
	return bad;
}

static int verify_node(const struct node *n, bool expr, FILE *f)
{
	int bad = 0;

	if (!n)
		return 0;
	if (expr && !n->type) {
		fprintf(f, "untyped node kind %d at %u\n", (int)n->kind, n->span.lo);
		bad++;
	}
	switch (n->kind) {
	case N_PARAM:
	case N_PARAM_COUNT:
	case N_SIZEOF:
	case N_OFFSETOF:
		fprintf(f, "unfolded node kind %d at %u\n", (int)n->kind, n->span.lo);
		return bad + 1;
	case N_CALL:
		if (n->u.call.fn == F_UNKNOWN)
			fprintf(f, "unresolved call at %u\n", n->span.lo), bad++;
		return bad + verify_list(&n->u.call.args, true, f);
	case N_MAP:
		if (n->u.map.map_id < 0)
			fprintf(f, "map without id at %u\n", n->span.lo), bad++;
		return bad + verify_list(&n->u.map.keys, true, f);
	case N_VAR:
		if (n->u.var.var_id < 0)
			fprintf(f, "var without id at %u\n", n->span.lo), bad++;
		return bad;
	case N_BINOP:
		return bad + verify_node(n->u.binop.lhs, true, f) +
		       verify_node(n->u.binop.rhs, true, f);
	case N_UNOP:
		return bad + verify_node(n->u.unop.operand, true, f);
	case N_TERNARY:
		return bad + verify_node(n->u.ternary.cond, true, f) +
		       verify_node(n->u.ternary.then, true, f) +
		       verify_node(n->u.ternary.els, true, f);
	case N_FIELD:
		if (!n->u.field.fld)
			fprintf(f, "field without record field at %u\n", n->span.lo), bad++;
		return bad + verify_node(n->u.field.base, true, f);
	case N_INDEX:
		return bad + verify_node(n->u.index.base, true, f) +
		       verify_node(n->u.index.index, true, f);
	case N_TUPLE:
		return bad + verify_list(&n->u.tuple.elems, true, f);
	case N_TUPLE_GET:
		return bad + verify_node(n->u.tuple_get.base, true, f);
	case N_CAST:
		return bad + verify_node(n->u.cast.operand, true, f);
	case N_EXPR_STMT:
		return verify_node(n->u.expr_stmt.expr, true, f);
	case N_ASSIGN:
		return verify_node(n->u.assign.lhs, true, f) +
		       verify_node(n->u.assign.rhs, true, f);
	case N_IF:
		return verify_node(n->u.if_.cond, true, f) + verify_node(n->u.if_.then, false, f) +
		       verify_node(n->u.if_.els, false, f);
	case N_UNROLL:
		if (!n->u.unroll.count || n->u.unroll.count->kind != N_INT)
			fprintf(f, "unroll count not folded at %u\n", n->span.lo), bad++;
		return bad + verify_node(n->u.unroll.body, false, f);
	case N_WHILE:
		return verify_node(n->u.while_.cond, true, f) +
		       verify_node(n->u.while_.body, false, f);
	case N_FOR:
		return verify_node(n->u.for_.var, true, f) + verify_node(n->u.for_.map, true, f) +
		       verify_node(n->u.for_.body, false, f);
	case N_RETURN:
		return verify_node(n->u.ret.expr, true, f);
	case N_BLOCK:
		return verify_list(&n->u.block.stmts, false, f);
	default:
		return bad;
	}
}

int sema_verify(const struct ast *ast, FILE *f)
{
	int bad = 0;

	node_foreach(&ast->probes, p) {
		const struct probe_info *info = p->u.probe.info;
		if (!info) {
			fprintf(f, "probe without info\n");
			bad++;
			continue;
		}
		for (size_t i = 0; i < info->nfns; i++) {
			bad += verify_node(info->fns[i].pred, true, f);
			bad += verify_node(info->fns[i].body, false, f);
		}
	}
	return bad;
}
