/*
 * sema_cdecl_btf.c - when a script struct may hold a kernel record.
 *
 * bpftrace 0.17 compiles the script's struct definitions with clang after
 * a header it generates from BTF (runtime/btf_defs.c says what such a
 * header defines). The header first holds the kernel records whose fields
 * the program reads or whose size it takes (`curtask->pid` and
 * `sizeof(struct task_struct)` ask for task_struct, whatever the script
 * defines); one more round adds every record that the header's or the script's
 * structs name by value or through one pointer without defining it. When
 * a script struct redefines a record of that header, clang reports a
 * redefinition and bpftrace drops the whole header: the script's
 * definitions must then be complete by themselves, and a member that holds
 * a kernel record by value fails as clang says, "field has incomplete
 * type". A member array of records is not one of the names the second
 * round asks for, so its element type must be defined in the script or be
 * in the header for another reason.
 *
 * sema_cdecl.c notes every member that names a record the script has not
 * defined before it; this file decides once the probes are typed. With an
 * #include line (or --include) the decision is left out: tracetop reads no
 * struct from headers, and BTF stands in for what they would define.
 */
#include "sema.h"

#include "../runtime/runtime.h"

#include <ctype.h>
#include <string.h>

void sema_err_incomplete(struct sema *s, struct span sp, const char *rec, bool array)
{
	/* clang's words, as bpftrace prints them ("error: ...") */
	sema_err(s, sp, "C definition error: %s has incomplete %stype '%s'",
		 array ? "array" : "field", array ? "element " : "", rec);
}

static bool has_includes(struct sema *s)
{
	if (s->opts && s->opts->ninclude_files)
		return true;
	node_foreach(&s->ast->includes, n) {
		const char *p = n->u.str.s;
		while (isspace((unsigned char)*p))
			p++;
		if (*p++ != '#')
			continue;
		while (isspace((unsigned char)*p))
			p++;
		if (!strncmp(p, "include", 7))
			return true;
	}
	return false;
}

static void push_once(struct vec *v, const char *name)
{
	vec_foreach(v, i) {
		if (!strcmp(v->items[i], name))
			return;
	}
	vec_push(v, (void *)name);
}

/* `x->f` / `x.f` on a record and `sizeof(struct x)`: bpftrace asks BTF
 * for that record */
static void seed_fn(struct sema *s, struct node *n, void *arg)
{
	const struct type *t;

	(void)s;
	if (n->kind == N_SIZEOF && !n->u.size_of.expr && n->u.size_of.tn.name &&
	    !n->u.size_of.tn.ptr_depth) {
		push_once(arg, n->u.size_of.tn.name);
		return;
	}
	if (n->kind != N_FIELD || !n->u.field.base || !(t = n->u.field.base->type))
		return;
	if (t->kind == T_PTR)
		t = t->elem;
	if (t && t->kind == T_RECORD && t->name)
		push_once(arg, t->name);
}

/* the kernel records the program itself names: bpftrace's first header
 * (records the kernel does not have are left out by kbtf_dump_defs) */
static void program_seeds(struct sema *s, struct vec *seeds)
{
	node_foreach(&s->ast->probes, p) {
		sema_walk(s, p->u.probe.pred, seed_fn, seeds);
		sema_walk(s, p->u.probe.body, seed_fn, seeds);
	}
}

/* a script struct that the header defines too, or NULL */
static const char *redefined(struct sema *s, const struct vec *defined)
{
	vec_foreach(&s->structs, i) {
		const struct sema_struct *ss = s->structs.items[i];
		vec_foreach(defined, k) {
			if (!strcmp(ss->name, defined->items[k]))
				return ss->name;
		}
	}
	return NULL;
}

static bool in_list(const struct vec *v, const char *name)
{
	vec_foreach(v, i) {
		if (!strcmp(v->items[i], name))
			return true;
	}
	return false;
}

void sema_check_struct_members(struct sema *s)
{
	struct vec seeds = {0}, first = {0}, pointees = {0}, second = {0};
	const char *clash;
	bool pending = false;

	vec_foreach(&s->member_refs, i) {
		const struct sema_member_ref *r = s->member_refs.items[i];
		pending |= r->how != MREF_POINTER;
	}
	if (!pending || has_includes(s) || !sema_btf(s))
		return;
	program_seeds(s, &seeds);
	kbtf_dump_defs(s->kb, s->a, (const char *const *)seeds.items, seeds.len, &first, &pointees);
	clash = redefined(s, &first);
	if (!clash) {
		vec_foreach(&pointees, i)
			push_once(&seeds, pointees.items[i]);
		vec_foreach(&s->member_refs, i) {
			const struct sema_member_ref *r = s->member_refs.items[i];
			if (r->how != MREF_ARRAY)
				push_once(&seeds, r->rec);
		}
		kbtf_dump_defs(s->kb, s->a, (const char *const *)seeds.items, seeds.len, &second,
			       NULL);
		clash = redefined(s, &second);
	}
	vec_foreach(&s->member_refs, i) {
		const struct sema_member_ref *r = s->member_refs.items[i];
		const struct sema_member_ref *prev = i ? s->member_refs.items[i - 1] : NULL;

		if (r->how == MREF_POINTER)
			continue;
		if (prev && prev->span.lo == r->span.lo && !strcmp(prev->rec, r->rec))
			continue; /* `struct x a, b;`: one report */
		if (clash) {
			sema_err_incomplete(s, r->span, r->rec, r->how == MREF_ARRAY);
			diag_hint(s->d,
				  "%s is also a kernel type this program takes from BTF, so no "
				  "type is taken from BTF: define %s in the script, before this "
				  "struct",
				  clash, r->rec);
		} else if (r->how == MREF_ARRAY && !in_list(&second, r->rec)) {
			sema_err_incomplete(s, r->span, r->rec, true);
			diag_hint(s->d,
				  "the element type of an array member is taken from BTF only "
				  "when the program also uses it otherwise: define %s in the "
				  "script, before this struct",
				  r->rec);
		}
	}
	vec_free(&seeds);
	vec_free(&first);
	vec_free(&pointees);
	vec_free(&second);
}
