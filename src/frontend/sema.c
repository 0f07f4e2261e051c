/*
 * sema.c - the semantic analysis driver.
 *
 * sema_run resolves script structs, collects the program's maps (sorted by
 * name, so map ids are final before typing starts), expands attach points
 * into prog->probes and probe functions (sema_probes.c), then types every
 * probe function. Typing repeats while it keeps learning map types that
 * an earlier probe needed (bpftrace does the same), silently; a last
 * pass reports every error and registers the printf-like formats. At the
 * end the maps and formats are copied into the program, their types cloned
 * into prog->types so the program outlives the compile arena.
 *
 * Scratch variables live per probe function: var ids are slots in
 * fn->vars, assigned in program order (a variable must be assigned before
 * it is read, as in bpftrace).
 */
#define _GNU_SOURCE
#include "sema.h"

#include <stdlib.h>
#include <string.h>

static bool diag_seen(struct sema *s, struct span sp, const char *msg)
{
	vec_foreach(&s->d->list, i) {
		struct diag *g = s->d->list.items[i];
		if (g->has_span && g->span.lo == sp.lo && g->span.hi == sp.hi &&
		    !strcmp(g->msg, msg))
			return true;
	}
	return false;
}

/* Errors are only reported by the final pass, and only once even when a
 * body is typed for several expanded functions. Returns false so callers
 * can `return sema_err(...)`-style bail out. */
bool sema_err(struct sema *s, struct span sp, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	if (!s->final)
		return false;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (!diag_seen(s, sp, sb.buf))
		diag_err(s->d, sp, "%s", sb.buf);
	sb_free(&sb);
	return false;
}

void sema_warn(struct sema *s, struct span sp, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	if (!s->final)
		return;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (!diag_seen(s, sp, sb.buf))
		diag_warn(s->d, sp, "%s", sb.buf);
	sb_free(&sb);
}

struct sema_var *sema_var_find(struct sema *s, const char *name, int *id)
{
	vec_foreach(&s->vars, i) {
		struct sema_var *v = s->vars.items[i];
		if (!strcmp(v->name, name)) {
			if (id)
				*id = (int)i;
			return v;
		}
	}
	return NULL;
}

int sema_var_add(struct sema *s, const char *name, const struct type *t)
{
	struct sema_var *v = arena_alloc(s->a, sizeof(*v));

	v->name = name;
	v->type = t;
	vec_push(&s->vars, v);
	return (int)s->vars.len - 1;
}

/* Generic pre-order walk over expressions and statements. */
typedef void (*walk_fn)(struct sema *s, struct node *n, void *arg);

static void walk(struct sema *s, struct node *n, walk_fn f, void *arg);

static void walk_list(struct sema *s, struct node_list *l, walk_fn f, void *arg)
{
	node_foreach(l, n)
		walk(s, n, f, arg);
}

static void walk(struct sema *s, struct node *n, walk_fn f, void *arg)
{
	if (!n)
		return;
	f(s, n, arg);
	switch (n->kind) {
	case N_CALL:
		walk_list(s, &n->u.call.args, f, arg);
		break;
	case N_MAP:
		walk_list(s, &n->u.map.keys, f, arg);
		break;
	case N_BINOP:
		walk(s, n->u.binop.lhs, f, arg);
		walk(s, n->u.binop.rhs, f, arg);
		break;
	case N_UNOP:
		walk(s, n->u.unop.operand, f, arg);
		break;
	case N_TERNARY:
		walk(s, n->u.ternary.cond, f, arg);
		walk(s, n->u.ternary.then, f, arg);
		walk(s, n->u.ternary.els, f, arg);
		break;
	case N_FIELD:
		walk(s, n->u.field.base, f, arg);
		break;
	case N_INDEX:
		walk(s, n->u.index.base, f, arg);
		walk(s, n->u.index.index, f, arg);
		break;
	case N_TUPLE:
		walk_list(s, &n->u.tuple.elems, f, arg);
		break;
	case N_TUPLE_GET:
		walk(s, n->u.tuple_get.base, f, arg);
		break;
	case N_CAST:
		walk(s, n->u.cast.operand, f, arg);
		break;
	case N_SIZEOF:
		walk(s, n->u.size_of.expr, f, arg);
		break;
	case N_EXPR_STMT:
		walk(s, n->u.expr_stmt.expr, f, arg);
		break;
	case N_ASSIGN:
		walk(s, n->u.assign.lhs, f, arg);
		walk(s, n->u.assign.rhs, f, arg);
		break;
	case N_IF:
		walk(s, n->u.if_.cond, f, arg);
		walk(s, n->u.if_.then, f, arg);
		walk(s, n->u.if_.els, f, arg);
		break;
	case N_UNROLL:
		walk(s, n->u.unroll.count, f, arg);
		walk(s, n->u.unroll.body, f, arg);
		break;
	case N_WHILE:
		walk(s, n->u.while_.cond, f, arg);
		walk(s, n->u.while_.body, f, arg);
		break;
	case N_FOR:
		walk(s, n->u.for_.var, f, arg);
		walk(s, n->u.for_.map, f, arg);
		walk(s, n->u.for_.body, f, arg);
		break;
	case N_RETURN:
		walk(s, n->u.ret.expr, f, arg);
		break;
	case N_BLOCK:
		walk_list(s, &n->u.block.stmts, f, arg);
		break;
	default:
		break;
	}
}

void sema_walk(struct sema *s, struct node *n, void (*f)(struct sema *, struct node *, void *),
	       void *arg)
{
	walk(s, n, f, arg);
}

static int map_cmp(const void *a, const void *b)
{
	const struct sema_map *x = *(struct sema_map *const *)a;
	const struct sema_map *y = *(struct sema_map *const *)b;
	return strcmp(x->name, y->name);
}

static void collect_map(struct sema *s, struct node *n, void *arg)
{
	(void)arg;
	if (n->kind != N_MAP)
		return;
	const char *name = arena_printf(s->a, "@%s", n->u.map.name);
	vec_foreach(&s->maps, i) {
		struct sema_map *m = s->maps.items[i];
		if (!strcmp(m->name, name))
			return;
	}
	struct sema_map *m = arena_alloc(s->a, sizeof(*m));
	m->name = name;
	m->span = n->span;
	m->nkeys = -1;
	vec_push(&s->maps, m);
}

static void collect_maps(struct sema *s)
{
	node_foreach(&s->ast->probes, p) {
		walk(s, p->u.probe.pred, collect_map, NULL);
		walk(s, p->u.probe.body, collect_map, NULL);
	}
	if (s->maps.len)
		qsort(s->maps.items, s->maps.len, sizeof(void *), map_cmp);
	vec_foreach(&s->maps, i)
		((struct sema_map *)s->maps.items[i])->id = (int)i;
}

static void type_fn(struct sema *s, struct node *probe, struct probe_fn *fn)
{
	s->probe_node = probe;
	s->fn = fn;
	s->vars.len = 0;
	s->loop_depth = 0;
	if (fn->pred) {
		s->in_pred = true;
		const struct type *t = sema_expr(s, fn->pred);
		s->in_pred = false;
		if (t && t->kind != T_INT && t->kind != T_PTR && t->kind != T_NONE)
			sema_err(s, fn->pred->span, "Invalid type for predicate: %s",
				 sema_tname(s, t));
	}
	sema_block(s, fn->body);
	/* the final pass's variables; an earlier pass leaves its own as the
	 * types the next pass starts from (grown_type, sema_stmt.c) */
	fn->nvars = s->vars.len;
	fn->vars = arena_alloc(s->a, sizeof(*fn->vars) * (fn->nvars ? fn->nvars : 1));
	for (size_t i = 0; i < fn->nvars; i++)
		fn->vars[i] = *(struct sema_var *)s->vars.items[i];
}

static void type_all(struct sema *s)
{
	node_foreach(&s->ast->probes, p) {
		struct probe_info *info = p->u.probe.info;
		if (!info)
			continue;
		for (size_t i = 0; i < info->nfns; i++)
			type_fn(s, p, &info->fns[i]);
	}
}

static void fill_program(struct sema *s)
{
	struct bt_program *prog = s->prog;
	struct arena *pa = &prog->types;

	prog->nmaps = s->maps.len;
	prog->maps = xcalloc(prog->nmaps ? prog->nmaps : 1, sizeof(*prog->maps));
	vec_foreach(&s->maps, i) {
		struct sema_map *m = s->maps.items[i];
		struct bt_map *bm = &prog->maps[i];
		bm->name = xstrdup(m->name);
		bm->elf_name = xasprintf("AT_%s", m->name + 1);
		bm->agg = m->agg;
		bm->key = stype_clone(pa, m->key, 4);
		bm->value = stype_clone(pa, m->value, 4);
		bm->key_size = m->key ? m->key->size : 8;
		if (m->agg == AGG_HIST || m->agg == AGG_LHIST)
			bm->key_size = m->key ? m->key->size + 8 : 8;
		switch (m->agg) {
		case AGG_NONE:
			bm->value_size = m->value ? m->value->size : 8;
			break;
		case AGG_MIN:
		case AGG_MAX:
		case AGG_AVG:
		case AGG_STATS:
			bm->value_size = 16;
			break;
		default:
			bm->value_size = 8;
		}
		bm->percpu = m->agg != AGG_NONE;
		bm->max_entries = s->opts && s->opts->map_keys_max ? s->opts->map_keys_max : 4096;
		if (!m->key && m->agg != AGG_HIST && m->agg != AGG_LHIST)
			bm->max_entries = 1;
		if (m->agg == AGG_LHIST && m->value) {
			bm->lh_min = m->value->lh_min;
			bm->lh_max = m->value->lh_max;
			bm->lh_step = m->value->lh_step;
		}
	}
	prog->nformats = s->formats.len;
	prog->formats = xcalloc(prog->nformats ? prog->nformats : 1, sizeof(*prog->formats));
	vec_foreach(&s->formats, i) {
		struct bt_format *f = s->formats.items[i];
		prog->formats[i] = *f;
		prog->formats[i].fmt = f->fmt ? xstrdup(f->fmt) : NULL;
		prog->formats[i].args = stype_clone(pa, f->args, 4);
	}
	prog->nprobes = s->probes.len;
	prog->probes = xcalloc(prog->nprobes ? prog->nprobes : 1, sizeof(*prog->probes));
	vec_foreach(&s->probes, i) {
		struct bt_probe *bp = s->probes.items[i];
		prog->probes[i] = *bp; /* strings already heap copies */
	}
	prog->nnotes = s->notes.len;
	prog->notes = xcalloc(prog->nnotes ? prog->nnotes : 1, sizeof(*prog->notes));
	vec_foreach(&s->notes, i)
		prog->notes[i] = s->notes.items[i];
	s->notes.len = 0;
}

static void uses_cpid(struct sema *s, struct node *n, void *arg)
{
	(void)s;
	if (n->kind == N_BUILTIN && n->u.builtin.b == B_CPID)
		*(bool *)arg = true;
}

int sema_run(struct ast *ast, const struct bt_opts *opts, struct arena *a, struct diags *d,
	     struct bt_program *prog)
{
	struct sema s = {.opts = opts, .a = a, .d = d, .prog = prog, .ast = ast};
	int nerr0 = d->nerr;
	int prev = -1;

	s.final = true; /* structs and attach points report as they go */
	sema_parse_structs(&s);
	sema_collect_consts(&s);
	sema_includes(&s); /* after the script's own #defines, which win */
	collect_maps(&s);
	sema_check_kprobe_modules(&s);
	sema_expand_probes(&s);
	sema_check_banned(&s);
	/* as bpftrace: too many programs (one per attach point when the body
	 * reads `probe`) is reported first, and alone */
	if (opts && opts->max_bpf_progs && s.fn_seq > opts->max_bpf_progs)
		diag_err_nospan(d,
				"Failed to compile: Your program is trying to generate more than "
				"%zu BPF programs, which exceeds the current limit of %u.\n"
				"You can increase the limit through the BPFTRACE_MAX_BPF_PROGS "
				"environment variable.",
				s.fn_seq, opts->max_bpf_progs);
	else if (opts && opts->max_probes && s.probes.len > opts->max_probes)
		diag_err_nospan(d,
				"Can't attach to %zu probes because it exceeds the current limit "
				"of %u probes.\n"
				"You can increase the limit through the BPFTRACE_MAX_PROBES "
				"environment variable, but BE CAREFUL since a high number of "
				"probes attached can cause your system to crash.",
				s.probes.len, opts->max_probes);
	for (int pass = 0; pass < 8; pass++) {
		s.final = false;
		s.unresolved = 0;
		type_all(&s);
		if (!s.unresolved || s.unresolved == prev)
			break;
		prev = s.unresolved;
	}
	s.final = true;
	type_all(&s);
	sema_check_struct_members(&s); /* needs the field accesses typed */
	sema_maps_finish(&s);
	if (d->nerr == nerr0) {
		fill_program(&s);
		node_foreach(&ast->probes, p) {
			struct probe_info *info = p->u.probe.info;
			for (size_t i = 0; info && i < info->nfns; i++) {
				walk(&s, info->fns[i].pred, uses_cpid, &prog->needs_cpid);
				walk(&s, info->fns[i].body, uses_cpid, &prog->needs_cpid);
			}
		}
	}
	vec_free(&s.maps);
	vec_free(&s.formats);
	vec_free(&s.structs);
	vec_free(&s.member_refs);
	vec_free(&s.consts);
	vec_free(&s.str_params);
	sema_btf_close(&s);
	vec_foreach(&s.probes, i) {
		struct bt_probe *bp = s.probes.items[i];

		if (d->nerr != nerr0) /* else prog->probes owns the strings */
			bt_probe_free_strings(bp);
		free(bp);
	}
	vec_free(&s.probes);
	vec_foreach(&s.notes, i)
		free(s.notes.items[i]);
	vec_free(&s.notes);
	vec_free(&s.vars);
	return d->nerr == nerr0 ? 0 : -1;
}
