/*
 * sema_types.c - building the types sema hands to codegen and the runtime.
 *
 * Integers are the bt.h singletons; every other type is built in the
 * compile arena. "Storage" is the form a value takes once stored in a
 * variable, map, tuple or event record: integers widen to 8 bytes, tuples
 * re-lay their elements. Written type names (casts, sizeof, offsetof) are
 * resolved here: bpftrace's int8..uint64, C integer names, script-defined
 * structs (laid out by sema_cdecl.c) and kernel types through BTF.
 * Names in diagnostics follow bpftrace 0.17 ("unsigned int64",
 * "string[16]", "struct task_struct *").
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <stdlib.h>
#include <string.h>

#define SIMPLE(var, k, sz, al) static const struct type var = {.kind = k, .size = sz, .align = al}
SIMPLE(t_ksym, T_KSYM, 8, 8);
SIMPLE(t_usym, T_USYM, 16, 8);
SIMPLE(t_probe, T_PROBE, 8, 8);
SIMPLE(t_username, T_USERNAME, 8, 8);
SIMPLE(t_inet, T_INET, 24, 8);
SIMPLE(t_mac, T_MAC, 6, 1);
SIMPLE(t_timestamp, T_TIMESTAMP, 16, 8);
SIMPLE(t_ctx, T_CTX, 8, 8);
SIMPLE(t_cgpath, T_CGROUP_PATH, 16, 8);
SIMPLE(t_strerror, T_STRERROR, 8, 8);

const struct type *stype_int(bool is_signed, uint32_t size)
{
	const struct type *t = type_int(is_signed, size);

	return t ? t : is_signed ? &t_s64 : &t_u64;
}

const struct type *stype_simple(enum type_kind k)
{
	switch (k) {
	case T_KSYM:
		return &t_ksym;
	case T_USYM:
		return &t_usym;
	case T_PROBE:
		return &t_probe;
	case T_USERNAME:
		return &t_username;
	case T_INET:
		return &t_inet;
	case T_MAC:
		return &t_mac;
	case T_TIMESTAMP:
		return &t_timestamp;
	case T_CTX:
		return &t_ctx;
	case T_CGROUP_PATH:
		return &t_cgpath;
	case T_STRERROR:
		return &t_strerror;
	default:
		return &t_none;
	}
}

static struct type *type_new(struct sema *s, enum type_kind k, uint32_t size, uint32_t align)
{
	struct type *t = arena_alloc(s->a, sizeof(*t));

	t->kind = k;
	t->size = size;
	t->align = align;
	return t;
}

const struct type *stype_str(struct sema *s, uint32_t size)
{
	return type_new(s, T_STR, size, 1);
}

const struct type *stype_stack(struct sema *s, bool kernel, enum stack_mode m, uint32_t limit)
{
	struct type *t = type_new(s, kernel ? T_KSTACK : T_USTACK, kernel ? 8 : 16, 8);

	t->stack_mode = m;
	t->stack_limit = limit;
	return t;
}

const struct type *stype_ptr(struct sema *s, const struct type *elem, bool is_user)
{
	struct type *t = type_new(s, T_PTR, 8, 8);

	t->elem = elem;
	t->is_user = is_user;
	return t;
}

const struct type *stype_buf(struct sema *s, uint32_t n)
{
	struct type *t = type_new(s, T_BUF, n + 4, 4);

	t->count = n;
	return t;
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

static const struct type *layout_tuple(struct sema *s, const struct type **elems, uint32_t n,
				       bool widen)
{
	struct type *t = type_new(s, T_TUPLE, 0, 1);
	struct field *f = arena_alloc(s->a, sizeof(*f) * (n ? n : 1));
	uint32_t off = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct type *e = widen ? stype_storage(s, elems[i]) : elems[i];
		uint32_t al = e->align ? e->align : 1;

		off = align_up(off, al);
		f[i].type = e;
		f[i].offset = off;
		off += e->size;
		if (al > t->align)
			t->align = al;
	}
	t->fields = f;
	t->count = n;
	t->size = align_up(off, t->align);
	return t;
}

const struct type *stype_tuple(struct sema *s, const struct type **elems, uint32_t n)
{
	return layout_tuple(s, elems, n, true);
}

const struct type *stype_tuple_value(struct sema *s, const struct type **elems, uint32_t n)
{
	return layout_tuple(s, elems, n, false);
}

const struct type *stype_agg(struct sema *s, enum type_kind k, bool is_signed)
{
	uint32_t size = (k == T_MIN || k == T_MAX || k == T_AVG || k == T_STATS) ? 16 : 8;
	struct type *t = type_new(s, k, size, 8);

	t->is_signed = is_signed;
	return t;
}

const struct type *stype_storage(struct sema *s, const struct type *t)
{
	(void)s;
	if (!t)
		return &t_none;
	if (t->kind == T_INT)
		return stype_int(t->is_signed, 8);
	return t; /* a tuple is stored as laid out, small integers included */
}

bool stype_is_int(const struct type *t)
{
	return t && t->kind == T_INT;
}

bool stype_is_intlike(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_PTR);
}

const char *sema_tname(struct sema *s, const struct type *t)
{
	struct strbuf sb = {0};
	char *r;

	type_fmt(t, &sb);
	r = arena_strdup(s->a, sb.buf ? sb.buf : "");
	sb_free(&sb);
	return r;
}

struct kbtf *sema_btf(struct sema *s)
{
	if (!s->kb_tried) {
		s->kb_tried = true;
		s->kb = kbtf_open();
	}
	return s->kb;
}

/* Records may come shallow: a BTF record reached through a pointer (by
 * btf_id), or an opaque "struct file" of a tracepoint format (by name,
 * so that BTF is only loaded once a program looks inside one). */
const struct type *sema_complete(struct sema *s, const struct type *t)
{
	const struct type *full = NULL;

	if (!t || t->kind != T_RECORD || t->fields || t->count)
		return t;
	if (t->btf_id) {
		if (sema_btf(s))
			full = kbtf_type_by_id(s->kb, s->a, t->btf_id);
	} else if (t->name && (!strncmp(t->name, "struct ", 7) || !strncmp(t->name, "union ", 6))) {
		vec_foreach(&s->structs, i)
		{
			struct sema_struct *ss = s->structs.items[i];
			if (!strcmp(ss->name, t->name))
				return ss->type;
		}
		if (sema_btf(s))
			full = kbtf_type(s->kb, s->a, t->name);
	}
	return full ? full : t;
}

static bool is_char(const struct type *t)
{
	/* only plain char: uint8_t, unsigned char and int8 arrays stay arrays (bpftrace) */
	return t && t->kind == T_INT && t->size == 1 && t->name && !strcmp(t->name, "char");
}

const struct type *sema_field_type(struct sema *s, const struct type *t)
{
	if (t && t->kind == T_ARRAY && is_char(t->elem))
		return stype_str(s, t->count);
	if (t && t->kind == T_RECORD)
		return sema_complete(s, t);
	return t;
}

const struct field *sema_find_field(struct sema *s, const struct type *rec, const char *name,
				    const struct type **rec_out)
{
	rec = sema_complete(s, rec);
	if (rec_out)
		*rec_out = rec;
	if (!rec || rec->kind != T_RECORD)
		return NULL;
	for (uint32_t i = 0; i < rec->count; i++)
		if (rec->fields[i].name && !strcmp(rec->fields[i].name, name))
			return &rec->fields[i];
	return NULL;
}

/* bpftrace's integer type names and the common C ones */
static const struct {
	const char *name;
	bool is_signed;
	uint32_t size;
} int_names[] = {
	{"int8", true, 1},
	{"int16", true, 2},
	{"int32", true, 4},
	{"int64", true, 8},
	{"uint8", false, 1},
	{"uint16", false, 2},
	{"uint32", false, 4},
	{"uint64", false, 8},
	{"s8", true, 1},
	{"s16", true, 2},
	{"s32", true, 4},
	{"s64", true, 8},
	{"u8", false, 1},
	{"u16", false, 2},
	{"u32", false, 4},
	{"u64", false, 8},
	{"int8_t", true, 1},
	{"int16_t", true, 2},
	{"int32_t", true, 4},
	{"int64_t", true, 8},
	{"uint8_t", false, 1},
	{"uint16_t", false, 2},
	{"uint32_t", false, 4},
	{"uint64_t", false, 8},
	{"char", true, 1},
	{"short", true, 2},
	{"int", true, 4},
	{"long", true, 8},
	{"signed char", true, 1},
	{"unsigned char", false, 1},
	{"unsigned short", false, 2},
	{"unsigned int", false, 4},
	{"unsigned", false, 4},
	{"unsigned long", false, 8},
	{"long long", true, 8},
	{"unsigned long long", false, 8},
	{"long int", true, 8},
	{"unsigned long int", false, 8},
	{"bool", false, 1},
	{"_Bool", false, 1},
	{"size_t", false, 8},
	{"pid_t", true, 4},
};

/* "unsigned long int", "short", "signed char": C's integer names in any
 * word order; NULL when name is not made of those words only */
static const struct type *c_int_type(struct sema *s, const char *name)
{
	int nlong = 0, nshort = 0, nchar = 0, nsign = 0, nunsigned = 0, nint = 0;

	for (const char *p = name; *p;) {
		size_t n = strcspn(p, " ");

		if (n == 4 && !strncmp(p, "long", 4))
			nlong++;
		else if (n == 5 && !strncmp(p, "short", 5))
			nshort++;
		else if (n == 4 && !strncmp(p, "char", 4))
			nchar++;
		else if (n == 6 && !strncmp(p, "signed", 6))
			nsign++;
		else if (n == 8 && !strncmp(p, "unsigned", 8))
			nunsigned++;
		else if (n == 3 && !strncmp(p, "int", 3))
			nint++;
		else
			return NULL;
		p += n;
		p += strspn(p, " ");
	}
	if (nsign + nunsigned > 1 || nint > 1 || nchar > 1 || nlong > 2 ||
	    (nchar && (nlong || nshort || nint)) || (nshort && nlong))
		return NULL;
	uint32_t size = nchar ? 1 : nshort ? 2 : nlong ? 8 : 4;
	struct type *t = type_new(s, T_INT, size, size);
	t->is_signed = !nunsigned;
	t->name = name; /* plain "char" alone reads arrays as strings */
	return t;
}

static const struct type *lookup_named(struct sema *s, const char *name)
{
	const struct type *ct = strcmp(name, "int") ? c_int_type(s, name) : NULL;

	if (ct)
		return ct;
	for (size_t i = 0; i < ARRAY_SIZE(int_names); i++)
		if (!strcmp(int_names[i].name, name)) {
			struct type *t = type_new(s, T_INT, int_names[i].size, int_names[i].size);
			t->is_signed = int_names[i].is_signed;
			t->name = int_names[i].name;
			/* keep the singletons where the name is bpftrace's own */
			if (!strncmp(name, "int", 3) || !strncmp(name, "uint", 4))
				return stype_int(t->is_signed, t->size);
			return t;
		}
	vec_foreach(&s->structs, i) {
		struct sema_struct *ss = s->structs.items[i];
		if (!strcmp(ss->name, name) ||
		    (!strncmp(ss->name, "struct ", 7) && !strcmp(ss->name + 7, name)))
			return ss->type;
	}
	if (sema_btf(s))
		return kbtf_type(s->kb, s->a, name);
	return NULL;
}

const struct type *sema_type_from_name(struct sema *s, const struct type_name *tn, bool report)
{
	const struct type *t = lookup_named(s, tn->name);

	if (!t) {
		/* "struct foo" with no BTF: an opaque record still casts */
		if (!strncmp(tn->name, "struct ", 7) || !strncmp(tn->name, "union ", 6)) {
			if (tn->ptr_depth > 0) {
				struct type *r = type_new(s, T_RECORD, 0, 1);
				r->name = tn->name;
				t = r;
			}
		}
		if (!t) {
			if (report)
				sema_err(s, tn->span, "Unknown struct/union: '%s'", tn->name);
			return NULL;
		}
	}
	if (tn->array_len) {
		struct type *arr = type_new(s, T_ARRAY, t->size * tn->array_len, t->align);
		arr->elem = t;
		arr->count = tn->array_len;
		t = arr;
	}
	for (int i = 0; i < tn->ptr_depth; i++)
		t = stype_ptr(s, t, false);
	return t;
}

/* A copy owned by another arena (the program's), for bt_map/bt_format.
 * Pointers keep only a shallow copy of what they point to. */
const struct type *stype_clone(struct arena *a, const struct type *t, int depth)
{
	if (!t || t == &t_none ||
	    (t->kind == T_INT && t->name &&
	     (t == &t_u8 || t == &t_u16 || t == &t_u32 || t == &t_u64 || t == &t_s8 ||
	      t == &t_s16 || t == &t_s32 || t == &t_s64)))
		return t;
	struct type *c = arena_alloc(a, sizeof(*c));
	*c = *t;
	if (t->name)
		c->name = arena_strdup(a, t->name);
	if (t->kind == T_PTR) {
		c->elem = depth > 0 ? stype_clone(a, t->elem, 0) : NULL;
		return c;
	}
	if (depth <= 0 && t->kind == T_RECORD) {
		c->fields = NULL;
		c->count = 0;
		return c;
	}
	/* records nest only through pointers: what a value holds is kept whole */
	if (t->elem)
		c->elem = stype_clone(a, t->elem, depth);
	if (t->fields && t->count) {
		struct field *f = arena_alloc(a, sizeof(*f) * t->count);
		for (uint32_t i = 0; i < t->count; i++) {
			f[i] = t->fields[i];
			if (f[i].name)
				f[i].name = arena_strdup(a, f[i].name);
			f[i].type = stype_clone(a, f[i].type, depth);
		}
		c->fields = f;
	}
	return c;
}

void sema_btf_close(struct sema *s)
{
	if (s->kb)
		kbtf_close(s->kb);
	s->kb = NULL;
}
