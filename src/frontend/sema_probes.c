/*
 * sema_probes.c - attach points to bt_probes and BPF functions.
 *
 * Each attach point as written becomes one or more bt_probe entries
 * (tracepoint wildcards are expanded against tracefs) and one or more
 * probe_fns: a wildcard whose body reads `probe`, or `args` of a
 * tracepoint, needs one function per target (the constant probe index and
 * the args layout differ); otherwise one function is attached to every
 * target. The first function types the N_PROBE's own predicate and body;
 * the others get deep copies (sema_copy_node), so every function has its
 * own typed tree for codegen.
 *
 * An expansion that matches nothing (a uprobe or kprobe wildcard, or a
 * kprobe on a function that is not traceable whose body reads `probe`)
 * drops its attach point with a warning, as bpftrace drops it: the rest
 * runs, and its function is typed but not generated (probe_fn.dropped).
 * When nothing is left to attach, main says "No probes to attach".
 *
 * Also here: the attach-point level checks bpftrace makes (one BEGIN, one
 * END) and the `args` record of each function.
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void copy_list(struct sema *s, struct node_list *dst, const struct node_list *src)
{
	memset(dst, 0, sizeof(*dst));
	node_foreach(src, n)
		node_list_append(dst, sema_copy_node(s, n));
}

struct node *sema_copy_node(struct sema *s, const struct node *n)
{
	if (!n)
		return NULL;
	struct node *c = arena_alloc(s->a, sizeof(*c));
	*c = *n;
	c->next = NULL;
	switch (n->kind) {
	case N_CALL:
		copy_list(s, &c->u.call.args, &n->u.call.args);
		break;
	case N_MAP:
		copy_list(s, &c->u.map.keys, &n->u.map.keys);
		break;
	case N_BINOP:
		c->u.binop.lhs = sema_copy_node(s, n->u.binop.lhs);
		c->u.binop.rhs = sema_copy_node(s, n->u.binop.rhs);
		break;
	case N_UNOP:
		c->u.unop.operand = sema_copy_node(s, n->u.unop.operand);
		break;
	case N_TERNARY:
		c->u.ternary.cond = sema_copy_node(s, n->u.ternary.cond);
		c->u.ternary.then = sema_copy_node(s, n->u.ternary.then);
		c->u.ternary.els = sema_copy_node(s, n->u.ternary.els);
		break;
	case N_FIELD:
		c->u.field.base = sema_copy_node(s, n->u.field.base);
		break;
	case N_INDEX:
		c->u.index.base = sema_copy_node(s, n->u.index.base);
		c->u.index.index = sema_copy_node(s, n->u.index.index);
		break;
	case N_TUPLE:
		copy_list(s, &c->u.tuple.elems, &n->u.tuple.elems);
		break;
	case N_TUPLE_GET:
		c->u.tuple_get.base = sema_copy_node(s, n->u.tuple_get.base);
		break;
	case N_CAST:
		c->u.cast.operand = sema_copy_node(s, n->u.cast.operand);
		break;
	case N_SIZEOF:
		c->u.size_of.expr = sema_copy_node(s, n->u.size_of.expr);
		break;
	case N_EXPR_STMT:
		c->u.expr_stmt.expr = sema_copy_node(s, n->u.expr_stmt.expr);
		break;
	case N_ASSIGN:
		c->u.assign.lhs = sema_copy_node(s, n->u.assign.lhs);
		c->u.assign.rhs = sema_copy_node(s, n->u.assign.rhs);
		break;
	case N_IF:
		c->u.if_.cond = sema_copy_node(s, n->u.if_.cond);
		c->u.if_.then = sema_copy_node(s, n->u.if_.then);
		c->u.if_.els = sema_copy_node(s, n->u.if_.els);
		break;
	case N_UNROLL:
		c->u.unroll.count = sema_copy_node(s, n->u.unroll.count);
		c->u.unroll.body = sema_copy_node(s, n->u.unroll.body);
		break;
	case N_WHILE:
		c->u.while_.cond = sema_copy_node(s, n->u.while_.cond);
		c->u.while_.body = sema_copy_node(s, n->u.while_.body);
		break;
	case N_FOR:
		c->u.for_.var = sema_copy_node(s, n->u.for_.var);
		c->u.for_.map = sema_copy_node(s, n->u.for_.map);
		c->u.for_.body = sema_copy_node(s, n->u.for_.body);
		break;
	case N_RETURN:
		c->u.ret.expr = sema_copy_node(s, n->u.ret.expr);
		break;
	case N_BLOCK:
		copy_list(s, &c->u.block.stmts, &n->u.block.stmts);
		break;
	default:
		break;
	}
	return c;
}

bool sema_kind_is(const struct sema *s, enum probe_kind k)
{
	return s->fn && s->fn->kind == k;
}

/* Which builtins and calls the body uses, by name (resolution comes
 * later): regs and override keep a kprobe from running as fentry. */
struct uses {
	bool probe, args, regs, override;
};

static void find_uses(struct sema *s, struct node *n, void *arg)
{
	struct uses *u = arg;
	const char *nm;

	(void)s;
	if (n->kind == N_CALL && n->u.call.name) {
		if (!strcmp(n->u.call.name, "reg"))
			u->regs = true;
		else if (!strcmp(n->u.call.name, "override"))
			u->override = true;
		return;
	}
	if (n->kind != N_BUILTIN || !n->u.builtin.name)
		return;
	nm = n->u.builtin.name;
	if (!strcmp(nm, "probe"))
		u->probe = true;
	else if (!strcmp(nm, "args"))
		u->args = true;
	else if (!strcmp(nm, "ctx") || !strncmp(nm, "sarg", 4))
		u->regs = true;
}

/* [A-Za-z0-9_] only, short enough to read in bpftool */
static char *prog_name(const char *name, size_t idx)
{
	struct strbuf sb = {0};

	for (const char *c = name; *c && sb.len < 40; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9');
		sb_putc(&sb, ok ? *c : '_');
	}
	sb_printf(&sb, "_%zu", idx);
	return sb_steal(&sb);
}

static struct bt_probe *probe_new(struct sema *s, const struct attach_point *ap, const char *name)
{
	struct bt_probe *bp = xcalloc(1, sizeof(*bp));

	bp->kind = ap->kind;
	bp->name = xstrdup(name);
	bp->target = ap->target ? xstrdup(ap->target) : NULL;
	bp->ns = ap->ns ? xstrdup(ap->ns) : NULL;
	bp->func = ap->func ? xstrdup(ap->func) : NULL;
	bp->offset = ap->offset;
	bp->address = ap->address;
	bp->period_ns = ap->period_ns;
	bp->freq_hz = ap->freq_hz;
	bp->count = ap->count;
	bp->pid = s->opts ? s->opts->pid : 0;
	vec_push(&s->probes, bp);
	return bp;
}

/* The name `probe` prints: the canonical provider, then the rest as written. */
static const char *full_name(struct sema *s, const struct attach_point *ap)
{
	if (ap->kind == PK_BEGIN || ap->kind == PK_END)
		return ap->kind == PK_BEGIN ? "BEGIN" : "END";
	const char *colon = strchr(ap->raw, ':');
	return arena_printf(s->a, "%s%s", probe_kind_name(ap->kind), colon ? colon : "");
}

static const struct type *tp_args(struct sema *s, const char *cat, const char *event,
				  struct span sp)
{
	const struct type *rec = NULL;
	/* no BTF here: pointer fields to kernel structs stay opaque records
	 * until a field access completes them (sema_complete) */
	int err = tracefs_tp_record(NULL, s->a, cat, event, &rec);

	if (err < 0 || !rec) {
		diag_err(s->d, sp, "Could not read the format of tracepoint %s:%s", cat, event);
		return NULL;
	}
	return rec;
}

/* A uprobe's binary must be ELF and its symbol (when named) defined, or
 * the error is located here rather than at attach time. */
static bool uprobe_symbol_check(struct sema *s, const struct attach_point *ap, const char *path)
{
	struct elf_cache *c = elf_cache_new();
	uint64_t off = 0, vaddr = 0, size = 0;
	int err;

	err = elf_cache_func(c, path, ap->func && *ap->func ? ap->func : "", &off, &vaddr);
	elf_cache_free(c);
	if (err == -ENOEXEC)
		diag_err(s->d, ap->span, "uprobe target file '%s' is not an ELF file", path);
	else if (err == -ENOENT && ap->func && *ap->func)
		diag_err(s->d, ap->span, "uprobe symbol '%s' not found in %s", ap->func, path);
	else if (ap->offset && ap->func && *ap->func &&
		 !elf_sym_find(path, ap->func, &vaddr, &size, NULL) && size && ap->offset >= size)
		diag_err(s->d, ap->span, "Offset outside the function bounds ('%s' size is %llu)",
			 ap->func, (unsigned long long)size);
	else
		return true;
	return false;
}

/* uprobe:bin:func with the binary resolved (bpftrace resolves short
 * names through $PATH) and function wildcards expanded from its ELF
 * symbols. */
static bool expand_uprobe(struct sema *s, const struct attach_point *ap, struct vec *names)
{
	const char *kind = probe_kind_name(ap->kind);
	char *path = NULL;
	struct attach_point one = *ap;

	if (!ap->has_wildcard || !ap->func || !strpbrk(ap->func, "*?[")) {
		path = bin_resolve(ap->target);
		if (!path) {
			diag_err(s->d, ap->span,
				 "uprobe target file '%s' does not exist or is not executable",
				 ap->target);
			return false;
		}
		if (!uprobe_symbol_check(s, ap, path)) {
			free(path);
			return false;
		}
		one.target = arena_strdup(s->a, path);
		const char *fn = ap->func ? ap->func : "";
		if (ap->func)
			probe_new(s, &one,
				  ap->offset ? arena_printf(s->a, "%s:%s:%s+%llu", kind, path, fn,
							    (unsigned long long)ap->offset)
					     : arena_printf(s->a, "%s:%s:%s", kind, path, fn));
		else
			probe_new(s, &one,
				  arena_printf(s->a, "%s:%s:0x%llx", kind, path,
					       (unsigned long long)ap->address));
		free(path);
		return true;
	}
	int n = uprobe_expand(ap->target, ap->func, &path, names);
	if (n < 0) {
		diag_err(s->d, ap->span,
			 "uprobe target file '%s' does not exist or is not executable", ap->target);
		free(path);
		return false;
	}
	if (n == 0) {
		/* as bpftrace: the attach point is dropped, the rest runs */
		diag_warn(s->d, ap->span, "No probes matched %s", ap->raw);
		free(path);
		return false;
	}
	one.target = arena_strdup(s->a, path);
	vec_foreach(names, i) {
		one.func = arena_strdup(s->a, names->items[i]);
		probe_new(s, &one, arena_printf(s->a, "%s:%s:%s", kind, path, one.func));
	}
	free(path);
	return true;
}

/* usdt:bin:[provider:]name: one bt_probe per probe site of the matching
 * .note.stapsdt notes (address = the site), since every site has its own
 * argument locations; provider and name may be wildcards. */
static bool expand_usdt(struct sema *s, const struct attach_point *ap)
{
	struct attach_point one = *ap;
	struct vec notes = {0};
	char *path = bin_resolve(ap->target);
	size_t before = s->probes.len;
	int n;

	if (!path) {
		diag_err(s->d, ap->span,
			 "usdt target file '%s' does not exist or is not executable", ap->target);
		return false;
	}
	n = elf_usdt_notes(path, &notes);
	if (n < 0) {
		diag_err(s->d, ap->span, "usdt target file '%s' is not an ELF file", path);
		free(path);
		return false;
	}
	one.target = arena_strdup(s->a, path);
	vec_foreach(&notes, i) {
		struct usdt_note *u = notes.items[i];

		if ((ap->ns && !glob_match(ap->ns, u->provider)) || !glob_match(ap->func, u->name))
			continue;
		one.ns = arena_strdup(s->a, u->provider);
		one.func = arena_strdup(s->a, u->name);
		one.address = u->pc;
		probe_new(s, &one, arena_printf(s->a, "usdt:%s:%s:%s", path, u->provider, u->name));
	}
	usdt_notes_free(&notes);
	if (s->probes.len == before)
		diag_err(s->d, ap->span, "No usdt probe %s%s%s in %s", ap->ns ? ap->ns : "",
			 ap->ns ? ":" : "", ap->func, path);
	free(path);
	return s->probes.len > before;
}

/* The candidates of a kernel function wildcard whose module part is given
 * (kprobe:mod*:f*, fentry:mod:*): "module:func" entries, xmalloc'd, from
 * available_filter_functions for kprobes when readable, else from BTF. */
static void kfunc_candidates_mod(struct sema *s, const struct attach_point *ap, bool kprobe,
				 struct vec *out)
{
	if (!sema_btf(s))
		return;
	if (kprobe && kbtf_traceable_funcs_mod(s->kb, ap->target, out) > 0)
		return;
	kbtf_list_funcs_mod(s->kb, 0, out);
}

struct kfunc_match {
	const char *mod; /* NULL without a module part */
	const char *name;
};

/* by module (kernel's first), then name */
static int kfunc_match_cmp(const void *a, const void *b)
{
	const struct kfunc_match *x = *(struct kfunc_match *const *)a;
	const struct kfunc_match *y = *(struct kfunc_match *const *)b;

	if (!x->mod != !y->mod)
		return x->mod ? 1 : -1;
	int c = x->mod ? strcmp(x->mod, y->mod) : 0;
	return c ? c : strcmp(x->name, y->name);
}

/* Kernel function wildcards: fentry/fexit against BTF; kprobes against
 * available_filter_functions ("name" or "name [module]") when readable,
 * else BTF; kprobes run as fentry (btf_only) keep the functions BTF has;
 * functions ftrace cannot trace are left out when that list is readable.
 * With a module part (which may be a glob too) each match names its
 * module: bt_probe.target, and the probe's name kind:module:func. */
static bool expand_kfunc(struct sema *s, const struct attach_point *ap, bool btf_only)
{
	struct vec funcs = {0}, matches = {0};
	struct attach_point one = *ap;
	size_t before = s->probes.len;
	bool kprobe = ap->kind == PK_KPROBE || ap->kind == PK_KRETPROBE;
	bool by_mod = ap->target && *ap->target;

	if (by_mod)
		kfunc_candidates_mod(s, ap, kprobe, &funcs);
	else if (sema_btf(s) && (!kprobe || kbtf_traceable_funcs(s->kb, &funcs) < 0 || !funcs.len))
		kbtf_list_funcs(s->kb, &funcs);
	vec_foreach(&funcs, i) {
		const char *f = funcs.items[i];
		const char *colon = by_mod ? strchr(f, ':') : NULL;
		const char *fn = colon ? colon + 1 : f;
		char *mod = colon ? arena_strndup(s->a, f, (size_t)(colon - f)) : NULL;
		char *name = arena_strndup(s->a, fn, strcspn(fn, " \t"));

		if (by_mod && (!mod || !glob_match(ap->target, mod)))
			continue;
		if (!glob_match(ap->func, name))
			continue;
		/* as bpftrace: what ftrace cannot trace (__init functions, gone
		 * once the module is loaded; notrace) is no match */
		if (s->kb && kbtf_traceable(s->kb, name) == 0)
			continue;
		if (btf_only && !sema_fentry_func(s, mod, name, NULL, NULL))
			continue;
		struct kfunc_match *m = arena_alloc(s->a, sizeof(*m));
		m->mod = mod;
		m->name = name;
		vec_push(&matches, m);
	}
	if (by_mod)
		vec_foreach(&funcs, i)
			free(funcs.items[i]);
	vec_free(&funcs);
	/* sorted, a function listed twice ("f", "f [mod]") comes twice in a
	 * row: `kprobe:*` matches ~56k, too many to compare pairwise */
	if (matches.len)
		qsort(matches.items, matches.len, sizeof(void *), kfunc_match_cmp);
	vec_foreach(&matches, i) {
		const struct kfunc_match *m = matches.items[i];

		if (i && !kfunc_match_cmp(&matches.items[i - 1], &matches.items[i]))
			continue;
		one.func = m->name;
		one.target = m->mod;
		probe_new(s, &one,
			  m->mod ? arena_printf(s->a, "%s:%s:%s", probe_kind_name(ap->kind), m->mod,
						m->name)
				 : arena_printf(s->a, "%s:%s", probe_kind_name(ap->kind), m->name));
	}
	vec_free(&matches);
	if (s->probes.len == before) {
		/* as bpftrace: a kprobe wildcard that matches nothing is dropped
		 * (the rest runs); fentry's is an error */
		if (kprobe)
			diag_warn(s->d, ap->span, "No probes matched %s", ap->raw);
		else
			diag_err(s->d, ap->span, "No probes matched %s", ap->raw);
		return false;
	}
	return true;
}

/* A kprobe on one function whose body reads `probe` is expanded like a
 * wildcard by bpftrace (one program per function), against the traceable
 * functions: one not in that list matches nothing and is dropped. True
 * when ap is such a kprobe (warned about here). */
static bool kprobe_unmatched(struct sema *s, const struct attach_point *ap, const struct uses *u)
{
	if (!u->probe || ap->has_wildcard || (ap->target && *ap->target) || !ap->func ||
	    !sema_btf(s) || kbtf_traceable(s->kb, ap->func) != 0)
		return false;
	diag_warn(s->d, ap->span,
		  "No probes matched %s: %s is not traceable (not in "
		  "available_filter_functions)",
		  ap->raw, ap->func);
	return true;
}

/* The function of an attach point dropped for matching nothing: typed
 * only, so that the body's maps and errors are what bpftrace has. */
static void push_dropped(struct sema *s, const struct attach_point *ap, struct vec *fns)
{
	struct probe_fn *fn = arena_alloc(s->a, sizeof(*fn));

	fn->kind = ap->kind;
	fn->probe_lo = fn->probe_hi = fn->probe_index = s->probes.len;
	fn->prog_name = arena_printf(s->a, "dropped_%zu", s->fn_seq++);
	fn->dropped = true;
	vec_push(fns, fn);
}

/* One written attach point: its bt_probes and probe_fns. */
static void expand_ap(struct sema *s, struct attach_point *ap, const struct uses *u,
		      struct vec *fns)
{
	size_t first = s->probes.len;
	struct vec targets = {0}; /* "cat:event" for expanded tracepoints */
	bool per_target = false;
	bool kprobe = ap->kind == PK_KPROBE || ap->kind == PK_KRETPROBE;
	/* one fentry program per function: its BTF id is fixed at load */
	bool fentry = ap->kind == PK_FENTRY || ap->kind == PK_FEXIT;
	const char *no_fentry = NULL;
	int nerr0 = s->d->nerr;

	if (kprobe && kprobe_unmatched(s, ap, u)) {
		push_dropped(s, ap, fns);
		return;
	}
	if (kprobe) {
		no_fentry = sema_kprobe_fallback(s, ap, u->regs, u->override);
		if (!no_fentry && sema_kprobe_mode_fentry(s)) {
			fentry = true;
			if (!ap->has_wildcard &&
			    !sema_fentry_func(s, ap->target, ap->func, NULL, NULL)) {
				no_fentry = "it cannot run as fentry: its function is not in the "
					    "kernel's BTF";
				fentry = false;
			} else if (!ap->has_wildcard &&
				   sema_fentry_shadowed(s, ap->target, ap->func)) {
				no_fentry = "it cannot run as fentry: vmlinux has a function of "
					    "that name too, which libbpf would attach to instead";
				fentry = false;
			}
		}
	}

	if (ap->kind == PK_BEGIN || ap->kind == PK_END) {
		bool *seen = ap->kind == PK_BEGIN ? &s->have_begin : &s->have_end;
		if (*seen)
			diag_err(s->d, ap->span, "More than one %s probe defined",
				 ap->kind == PK_BEGIN ? "BEGIN" : "END");
		*seen = true;
	}
	if (ap->kind == PK_TRACEPOINT && ap->has_wildcard) {
		int n = tracefs_tp_glob(ap->target, ap->func, &targets);
		if (n < 0) {
			diag_err(s->d, ap->span, "tracefs is not available to expand %s", ap->raw);
			return;
		}
		if (n == 0) {
			diag_err(s->d, ap->span, "tracepoints not found: %s:%s", ap->target,
				 ap->func);
			return;
		}
		per_target = u->probe || u->args;
		vec_foreach(&targets, i) {
			char *ce = targets.items[i];
			char *colon = strchr(ce, ':');
			struct attach_point one = *ap;
			*colon = 0;
			one.target = ce;
			one.func = colon + 1;
			probe_new(s, &one, arena_printf(s->a, "tracepoint:%s:%s", ce, colon + 1));
		}
	} else if (ap->kind == PK_TRACEPOINT && tracefs_path() &&
		   !tracefs_tp_exists(ap->target, ap->func)) {
		diag_err(s->d, ap->span, "tracepoint not found: %s:%s", ap->target, ap->func);
		return;
	} else if ((ap->kind == PK_UPROBE || ap->kind == PK_URETPROBE) && ap->target) {
		if (!expand_uprobe(s, ap, &targets)) {
			if (s->d->nerr == nerr0)
				push_dropped(s, ap, fns);
			return;
		}
		per_target = ap->has_wildcard && u->probe;
	} else if (ap->kind == PK_USDT && ap->target) {
		if (!expand_usdt(s, ap))
			return;
		per_target = true; /* each site: its own argument locations */
	} else if ((fentry || kprobe) && ap->has_wildcard) {
		if (!expand_kfunc(s, ap, kprobe && fentry)) {
			if (s->d->nerr == nerr0)
				push_dropped(s, ap, fns);
			return;
		}
		per_target = u->probe || u->args || fentry;
	} else {
		if ((ap->kind == PK_FENTRY || ap->kind == PK_FEXIT) && !sema_check_kfunc(s, ap))
			return;
		probe_new(s, ap, full_name(s, ap));
	}
	size_t last = s->probes.len;
	size_t nfn = per_target ? last - first : 1;
	for (size_t k = first; kprobe && k < last; k++) {
		struct bt_probe *bp = s->probes.items[k];
		bp->as_fentry = fentry;
		bp->no_fentry = no_fentry;
	}
	if (kprobe && fentry && last > first) {
		const char *as =
			arena_printf(s->a, "%s:%s%s%s", ap->kind == PK_KPROBE ? "fentry" : "fexit",
				     ap->target ? ap->target : "", ap->target ? ":" : "", ap->func);
		if (ap->has_wildcard)
			sema_note(s,
				  "%s runs as %s (this kernel has no kprobes; fentry works): %zu "
				  "functions in BTF",
				  full_name(s, ap), as, last - first);
		else
			sema_note(s, "%s runs as %s (this kernel has no kprobes; fentry works)",
				  full_name(s, ap), as);
	}
	for (size_t i = 0; i < nfn && last > first; i++) {
		struct probe_fn *fn = arena_alloc(s->a, sizeof(*fn));
		fn->kind = ap->kind;
		fn->probe_lo = per_target ? first + i : first;
		fn->probe_hi = per_target ? first + i + 1 : last;
		fn->probe_index = fn->probe_lo;
		/* the sites of one usdt probe are one `probe` value */
		for (size_t k = first; ap->kind == PK_USDT && k < fn->probe_lo; k++)
			if (!strcmp(((struct bt_probe *)s->probes.items[k])->name,
				    ((struct bt_probe *)s->probes.items[fn->probe_lo])->name)) {
				fn->probe_index = k;
				break;
			}
		struct bt_probe *bp0 = s->probes.items[fn->probe_lo];
		char *pn = prog_name(per_target ? bp0->name : full_name(s, ap), s->fn_seq++);
		fn->prog_name = arena_strdup(s->a, pn);
		for (size_t k = fn->probe_lo; k < fn->probe_hi; k++) {
			struct bt_probe *bp = s->probes.items[k];
			bp->prog_name = xstrdup(pn);
		}
		free(pn);
		if (ap->kind == PK_TRACEPOINT && u->args && fn->probe_hi - fn->probe_lo == 1)
			fn->args = tp_args(s, bp0->target, bp0->func, ap->span);
		if (kprobe && fentry) {
			fn->as_fentry = true;
			sema_fentry_func(s, bp0->target, bp0->func, &fn->nargs, &fn->ret_void);
		}
		vec_push(fns, fn);
	}
	vec_foreach(&targets, i)
		free(targets.items[i]);
	vec_free(&targets);
}

void sema_expand_probes(struct sema *s)
{
	int id = 0;

	node_foreach(&s->ast->probes, p) {
		struct uses u = {0};
		struct vec fns = {0};
		struct probe_info *info = arena_alloc(s->a, sizeof(*info));

		p->u.probe.probe_id = id++;
		sema_walk(s, p->u.probe.pred, find_uses, &u);
		sema_walk(s, p->u.probe.body, find_uses, &u);
		for (struct attach_point *ap = p->u.probe.aps; ap; ap = ap->next) {
			size_t b = s->probes.len;

			expand_ap(s, ap, &u, &fns);
			for (size_t k = b; k < s->probes.len; k++)
				((struct bt_probe *)s->probes.items[k])->skippable =
					ap->has_wildcard || p->u.probe.aps->next;
		}
		info->nfns = fns.len;
		info->fns = arena_alloc(s->a, sizeof(*info->fns) * (fns.len ? fns.len : 1));
		vec_foreach(&fns, i) {
			info->fns[i] = *(struct probe_fn *)fns.items[i];
			info->fns[i].pred =
				i ? sema_copy_node(s, p->u.probe.pred) : p->u.probe.pred;
			info->fns[i].body =
				i ? sema_copy_node(s, p->u.probe.body) : p->u.probe.body;
		}
		vec_free(&fns);
		p->u.probe.info = info;
	}
}
