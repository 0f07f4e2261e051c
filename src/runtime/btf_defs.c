/*
 * btf_defs.c - which kernel records a C dump of vmlinux BTF defines.
 *
 * bpftrace 0.17 compiles the script's struct definitions with clang after
 * a header generated from vmlinux BTF: for each record it asks for, a C
 * dump that defines the record in full together with every named record
 * it holds by value (members, arrays, through typedefs and qualifiers);
 * records it only points to are declared, not defined. Sema needs that
 * set to tell when a script struct redefines a kernel record (clang then
 * fails and bpftrace drops the header) and which records an array member
 * may use. It also needs the records such definitions point to (through
 * one pointer, typedefs looked through), since bpftrace's next round asks
 * for those too. Only vmlinux is read, as in bpftrace.
 */
#include "rt_internal.h"

#include <bpf/btf.h>
#include <stdlib.h>
#include <string.h>

/* per type id: which lists it is already on */
#define SEEN_DEFINED 1
#define SEEN_POINTEE 2

struct dump_walk {
	const struct btf *btf;
	struct arena *a;
	uint8_t *seen;
	struct vec *defined;
	struct vec *pointees;
};

static bool is_record(const struct btf_type *t)
{
	return btf_is_struct(t) || btf_is_union(t);
}

/* typedefs, qualifiers and type tags looked through */
static uint32_t skip_mods(const struct btf *btf, uint32_t id)
{
	for (int guard = 0; guard < 64; guard++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (!t || !(btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t)))
			return id;
		id = t->type;
	}
	return id;
}

static const char *record_name(struct dump_walk *w, const struct btf_type *t)
{
	return arena_printf(w->a, "%s %s", btf_is_union(t) ? "union" : "struct",
			    btf__name_by_offset(w->btf, t->name_off));
}

/* a member of type id: a named record behind one pointer is a pointee */
static void note_pointee(struct dump_walk *w, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(w->btf, skip_mods(w->btf, id));

	if (!t || !btf_is_ptr(t))
		return;
	id = skip_mods(w->btf, t->type);
	t = btf__type_by_id(w->btf, id);
	if (!t || !is_record(t) || !t->name_off || (w->seen[id] & SEEN_POINTEE))
		return;
	w->seen[id] |= SEEN_POINTEE;
	if (w->pointees)
		vec_push(w->pointees, (void *)record_name(w, t));
}

/* defines type id and what it holds by value */
static void define(struct dump_walk *w, uint32_t id, int depth)
{
	const struct btf_type *t;

	for (;;) {
		id = skip_mods(w->btf, id);
		t = btf__type_by_id(w->btf, id);
		if (!t || !btf_is_array(t))
			break;
		id = btf_array(t)->type;
	}
	if (!t || !is_record(t) || (w->seen[id] & SEEN_DEFINED) || depth > 256)
		return;
	w->seen[id] |= SEEN_DEFINED;
	if (t->name_off)
		vec_push(w->defined, (void *)record_name(w, t));
	const struct btf_member *m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		note_pointee(w, m->type);
		define(w, m->type, depth + 1);
	}
}

/* "struct x" / "union x" -> its vmlinux id, or 0 */
static uint32_t find_record(const struct btf *btf, const char *name)
{
	int32_t id = -1;

	if (!strncmp(name, "struct ", 7))
		id = btf__find_by_name_kind(btf, name + 7, BTF_KIND_STRUCT);
	else if (!strncmp(name, "union ", 6))
		id = btf__find_by_name_kind(btf, name + 6, BTF_KIND_UNION);
	return id > 0 ? (uint32_t)id : 0;
}

void kbtf_dump_defs(struct kbtf *kb, struct arena *a, const char *const *names, size_t n,
		    struct vec *defined, struct vec *pointees)
{
	struct dump_walk w = {.a = a, .defined = defined, .pointees = pointees};

	if (!kb)
		return;
	w.btf = kbtf_vmlinux(kb);
	w.seen = xcalloc(btf__type_cnt(w.btf), 1);
	for (size_t i = 0; i < n; i++) {
		uint32_t id = find_record(w.btf, names[i]);
		if (id)
			define(&w, id, 0);
	}
	free(w.seen);
}
