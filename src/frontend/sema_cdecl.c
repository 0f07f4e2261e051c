/*
 * sema_cdecl.c - struct and union definitions written in the script.
 *
 * `struct Foo { ... }` keeps its body as raw text (the parser does not know
 * C declarations); this file reads that text as a list of C member
 * declarations and lays the record out as a C compiler on x86-64 does:
 * natural alignment, unions at offset 0, bitfields packed into storage
 * units of their declared type (a field that would straddle a unit starts
 * the next one; `:0` closes the unit). Understood: type qualifiers, the C
 * integer names and typedef names (resolved like casts: bpftrace's names,
 * script structs, then BTF), `struct`/`union`/`enum` types, nested
 * struct/union bodies (named members, or anonymous ones whose fields
 * belong to the parent, as in C11), several declarators per line, full
 * declarators (`int *z[4]`, `int y[2][2]`, `void (*fn)(int)`) and a last
 * member without its `;`.
 */
#define _GNU_SOURCE
#include "sema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 256

/* A cursor over the body text, comments already blanked. */
struct cdecl {
	struct sema *s;
	const char *p;
	struct span span; /* of the member being read (else the definition), for diagnostics */
	const char *text; /* the body copy c->p walks */
	uint32_t text_lo; /* source offset of text[0]; 0 when unknown */
	int anon_seq;
};

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

static void skip_ws(struct cdecl *c)
{
	while (*c->p && isspace((unsigned char)*c->p))
		c->p++;
}

static bool is_ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* the next identifier, or NULL (the cursor is not moved then) */
static const char *ident(struct cdecl *c)
{
	const char *b;

	skip_ws(c);
	if (!isalpha((unsigned char)*c->p) && *c->p != '_')
		return NULL;
	b = c->p;
	while (is_ident_char(*c->p))
		c->p++;
	return arena_strndup(c->s->a, b, c->p - b);
}

static bool accept(struct cdecl *c, char ch)
{
	skip_ws(c);
	if (*c->p != ch)
		return false;
	c->p++;
	return true;
}

/* past the `close` that matches an `open` just read */
static void skip_balanced(struct cdecl *c, char open, char close)
{
	int depth = 1;

	for (; *c->p && depth; c->p++) {
		if (*c->p == open)
			depth++;
		else if (*c->p == close)
			depth--;
	}
}

static uint64_t number(struct cdecl *c)
{
	char *end;
	uint64_t v;

	skip_ws(c);
	v = strtoull(c->p, &end, 0);
	if (end == c->p)
		return 0;
	c->p = end;
	while (is_ident_char(*c->p)) /* 4u, 8UL */
		c->p++;
	return v;
}

static bool is_qualifier(const char *w)
{
	return !strcmp(w, "const") || !strcmp(w, "volatile") || !strcmp(w, "restrict") ||
	       !strcmp(w, "__restrict") || !strcmp(w, "static") || !strcmp(w, "extern");
}

/* words that combine into one C integer type name */
static bool is_type_keyword(const char *w)
{
	static const char *const kw[] = {"unsigned", "signed", "int",    "long",
					 "short",    "char",   "void",   "_Bool",
					 "bool",     "float",  "double", "__int128"};

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (!strcmp(w, kw[i]))
			return true;
	return false;
}

static struct type *new_record(struct cdecl *c, bool is_union, const char *name)
{
	struct type *t = arena_alloc(c->s->a, sizeof(*t));

	t->kind = T_RECORD;
	t->align = 1;
	t->name = name ? arena_printf(c->s->a, "%s %s", is_union ? "union" : "struct", name)
		       : arena_printf(c->s->a, "%s <anon%d>", is_union ? "union" : "struct",
				      ++c->anon_seq);
	return t;
}

static void parse_body(struct cdecl *c, struct type *rec, bool is_union);

/* `struct X`, `struct X { ... }`, `struct { ... }`, `enum X`, `enum { ... }` */
static const struct type *tagged(struct cdecl *c, const char *kw)
{
	const char *name = ident(c);
	bool is_union = !strcmp(kw, "union");

	if (!strcmp(kw, "enum")) {
		if (accept(c, '{'))
			skip_balanced(c, '{', '}');
		return stype_int(false, 4);
	}
	if (accept(c, '{')) {
		struct type *rec = new_record(c, is_union, name);
		if (name) {
			struct sema_struct *ss = arena_alloc(c->s->a, sizeof(*ss));
			ss->name = rec->name;
			ss->type = rec;
			vec_push(&c->s->structs, ss);
		}
		parse_body(c, rec, is_union);
		if (!accept(c, '}'))
			sema_err(c->s, c->span, "missing '}' in the definition of %s", rec->name);
		return rec;
	}
	if (!name) {
		sema_err(c->s, c->span, "expected a name or '{' after '%s'", kw);
		return NULL;
	}
	/* a reference: resolved later, like a cast's type name (pointers to
	 * unknown records stay opaque) */
	struct type *ref = arena_alloc(c->s->a, sizeof(*ref));
	ref->kind = T_RECORD;
	ref->align = 1;
	ref->name = arena_printf(c->s->a, "%s %s", kw, name);
	return ref;
}

/* The specifiers of a declaration: qualifiers and a type. *name_out gets
 * an identifier read past the type (the first declarator's name). */
static const struct type *specifiers(struct cdecl *c, const char **name_out)
{
	struct strbuf words = {0};
	const struct type *t = NULL;
	const char *w;
	bool have_type = false;

	*name_out = NULL;
	while ((w = ident(c))) {
		if (is_qualifier(w))
			continue;
		if (!have_type &&
		    (!strcmp(w, "struct") || !strcmp(w, "union") || !strcmp(w, "enum"))) {
			t = tagged(c, w);
			have_type = true;
			continue;
		}
		if (is_type_keyword(w) && !t) {
			if (words.len)
				sb_putc(&words, ' ');
			sb_puts(&words, w);
			have_type = true;
			continue;
		}
		if (!have_type) { /* a typedef name */
			sb_puts(&words, w);
			have_type = true;
			continue;
		}
		*name_out = w;
		break;
	}
	if (words.len) {
		if (!strcmp(words.buf, "void")) {
			t = &t_none;
		} else {
			struct type_name tn = {.name = arena_strdup(c->s->a, words.buf),
					       .span = c->span};
			t = sema_type_from_name(c->s, &tn, true);
		}
	}
	sb_free(&words);
	return t;
}

/* the script struct named `name` read so far, or NULL */
static const struct type *script_record(struct cdecl *c, const char *name)
{
	vec_foreach(&c->s->structs, i) {
		const struct sema_struct *ss = c->s->structs.items[i];
		if (!strcmp(ss->name, name))
			return ss->type;
	}
	return NULL;
}

/* a struct the script defines further down */
static bool defined_later(struct cdecl *c, const char *name)
{
	node_foreach(&c->s->ast->structs, n) {
		if (!strcmp(n->u.struct_def.name, name))
			return true;
	}
	return false;
}

static void note_ref(struct cdecl *c, const char *rec, int how)
{
	struct sema_member_ref *r = arena_alloc(c->s->a, sizeof(*r));

	r->rec = rec;
	r->span = c->span;
	r->how = how;
	vec_push(&c->s->member_refs, r);
}

/* A record reference (`struct X` not defined in place) resolved now, for a
 * member holding it through `ptr` pointers or by value (`array`: as array
 * elements). By value it must be complete, as clang wants in bpftrace: a
 * script struct defined before, else a kernel record, which
 * sema_check_struct_members judges once every struct is read. */
static const struct type *resolve(struct cdecl *c, const struct type *t, int ptr, bool array)
{
	if (!t || t->kind != T_RECORD || t->fields || t->size)
		return t;
	const struct type *own = script_record(c, t->name);
	bool complete = own && own->fields;
	if (ptr) {
		if (!complete && ptr == 1)
			note_ref(c, t->name, MREF_POINTER);
		struct type_name tn = {.name = t->name, .ptr_depth = 1, .span = c->span};
		const struct type *r = sema_type_from_name(c->s, &tn, false);
		return r ? r->elem : t;
	}
	if (complete)
		return own;
	const struct type *k = NULL;
	if (!own && !defined_later(c, t->name)) { /* else clang fails whatever BTF has */
		struct type_name tn = {.name = t->name, .span = c->span};
		k = sema_type_from_name(c->s, &tn, false);
	}
	if (!k) {
		sema_err_incomplete(c->s, c->span, t->name, array);
		return NULL;
	}
	note_ref(c, t->name, array ? MREF_ARRAY : MREF_VALUE);
	return k;
}

static const struct type *array_of(struct cdecl *c, const struct type *elem, uint32_t n)
{
	struct type *t = arena_alloc(c->s->a, sizeof(*t));

	t->kind = T_ARRAY;
	t->elem = elem;
	t->count = n;
	t->size = elem->size * n;
	t->align = elem->align ? elem->align : 1;
	return t;
}

struct declarator {
	const char *name;
	const struct type *type;
	int bits; /* -1: not a bitfield */
};

/* declarator = { '*' | qualifier } ( name | '(' '*' name ')' '(' ... ')' )
 *              { '[' N ']' } [ ':' N ] */
static bool declarator(struct cdecl *c, const struct type *base, const char *name,
		       struct declarator *d)
{
	int ptr = 0;
	bool fnptr = false;
	uint32_t dims[8];
	int ndims = 0;

	d->bits = -1;
	if (!name) {
		for (;;) {
			const char *save = c->p;
			const char *w;
			if (accept(c, '*')) {
				ptr++;
				continue;
			}
			if ((w = ident(c))) {
				if (is_qualifier(w))
					continue;
				name = w;
				break;
			}
			c->p = save;
			break;
		}
		if (!name && accept(c, '(')) {
			while (accept(c, '*'))
				ptr++;
			name = ident(c);
			accept(c, ')');
			if (accept(c, '('))
				skip_balanced(c, '(', ')');
			fnptr = true;
		}
	}
	while (accept(c, '[')) {
		uint64_t n = number(c);
		if (!accept(c, ']')) {
			sema_err(c->s, c->span, "expected ']' in an array member declarator");
			return false;
		}
		if (ndims < (int)ARRAY_SIZE(dims))
			dims[ndims++] = (uint32_t)n;
	}
	if (accept(c, ':'))
		d->bits = (int)number(c);
	const struct type *t = fnptr ? NULL : resolve(c, base, ptr, ndims > 0);
	if (!fnptr && !t)
		return false;
	if (fnptr || (ptr && t->kind == T_NONE)) { /* void *, function pointers */
		t = stype_ptr(c->s, NULL, false);
		ptr--;
	}
	for (int i = 0; i < ptr; i++)
		t = stype_ptr(c->s, t, false);
	for (int i = ndims - 1; i >= 0; i--)
		t = array_of(c, t, dims[i]);
	if (t->kind == T_NONE) {
		sema_err(c->s, c->span, "member '%s' has type void", name ? name : "");
		return false;
	}
	d->name = name;
	d->type = t;
	return true;
}

/* Lays members out one after another (bit positions, so bitfields pack). */
struct layout {
	struct field fields[MAX_FIELDS];
	uint32_t n;
	uint64_t bitpos; /* struct: next free bit */
	uint32_t size;   /* union: largest member */
	uint32_t align;
	bool is_union;
};

static void add_field(struct cdecl *c, struct layout *l, const char *name, const struct type *t,
		      int bits)
{
	uint32_t al = t->align ? t->align : 1;
	uint64_t unit = (uint64_t)(t->size ? t->size : 1) * 8;
	struct field f = {.name = name, .type = t};

	if (bits >= 0 && t->kind != T_INT) {
		sema_err(c->s, c->span, "bitfield '%s' must have an integer type",
			 name ? name : "");
		return;
	}
	if (bits == 0) { /* `int :0` closes the storage unit */
		if (!l->is_union)
			l->bitpos = (l->bitpos + unit - 1) / unit * unit;
		return;
	}
	uint64_t pos = l->is_union ? 0 : l->bitpos;
	if (bits > 0) {
		if (pos / unit != (pos + bits - 1) / unit)
			pos = (pos + unit - 1) / unit * unit;
		f.offset = (uint32_t)(pos / unit * (unit / 8));
		f.bitfield_off = (uint16_t)(pos - f.offset * 8ULL);
		f.bitfield_len = (uint16_t)bits;
		pos += bits;
	} else {
		f.offset = align_up((uint32_t)((pos + 7) / 8), al);
		pos = (uint64_t)(f.offset + t->size) * 8;
	}
	if (al > l->align)
		l->align = al;
	if (l->is_union) {
		uint32_t sz = (uint32_t)((pos + 7) / 8);
		if (sz > l->size)
			l->size = sz;
	} else {
		l->bitpos = pos;
	}
	if (!name) /* an unnamed bitfield only takes room */
		return;
	if (l->n == MAX_FIELDS) {
		sema_err(c->s, c->span, "too many members in a struct definition");
		return;
	}
	l->fields[l->n++] = f;
}

/* An anonymous struct/union member: its fields belong to the parent. */
static void add_anonymous(struct layout *l, const struct type *rec)
{
	uint32_t al = rec->align ? rec->align : 1;
	uint32_t base = l->is_union ? 0 : align_up((uint32_t)((l->bitpos + 7) / 8), al);

	for (uint32_t i = 0; i < rec->count && l->n < MAX_FIELDS; i++) {
		l->fields[l->n] = rec->fields[i];
		l->fields[l->n].offset += base;
		l->n++;
	}
	if (al > l->align)
		l->align = al;
	if (l->is_union) {
		if (rec->size > l->size)
			l->size = rec->size;
	} else {
		l->bitpos = (uint64_t)(base + rec->size) * 8;
	}
}

/* point diagnostics at the declaration that starts at p */
static void member_span(struct cdecl *c, const char *p)
{
	const char *e = p;

	if (!c->text_lo)
		return;
	while (*e && *e != ';' && *e != '{' && *e != '}')
		e++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	c->span.lo = c->text_lo + (uint32_t)(p - c->text);
	c->span.hi = c->text_lo + (uint32_t)(e - c->text);
	if (c->span.hi <= c->span.lo)
		c->span.hi = c->span.lo + 1;
}

/* body = { specifiers [ declarator { ',' declarator } ] ( ';' | end ) } */
static void parse_body(struct cdecl *c, struct type *rec, bool is_union)
{
	struct layout *l = xcalloc(1, sizeof(*l));

	l->align = 1;
	l->is_union = is_union;
	for (;;) {
		skip_ws(c);
		if (!*c->p || *c->p == '}')
			break;
		if (accept(c, ';'))
			continue;
		const char *start = c->p, *name;
		member_span(c, start);
		const struct type *base = specifiers(c, &name);
		if (!base) {
			if (c->p == start) {
				sema_err(c->s, c->span,
					 "cannot read the member declaration at '%.20s'", c->p);
				break;
			}
			while (*c->p && *c->p != ';' && *c->p != '}')
				c->p++;
			continue;
		}
		skip_ws(c);
		if (!name && (*c->p == ';' || *c->p == '}' || !*c->p)) {
			if (base->kind == T_RECORD && base->fields && !strstr(base->name, " <anon"))
				; /* `struct X { ... };` only defines X */
			else if (base->kind == T_RECORD && base->fields)
				add_anonymous(l, base);
			continue;
		}
		bool bad = false;
		for (;;) {
			struct declarator d;
			if (!declarator(c, base, name, &d)) {
				bad = true; /* reported: on to the next member */
				break;
			}
			add_field(c, l, d.name, d.type, d.bits);
			name = NULL;
			if (!accept(c, ','))
				break;
		}
		skip_ws(c);
		while (bad && *c->p && *c->p != ';' && *c->p != '}')
			c->p++;
		if (!accept(c, ';') && *c->p && *c->p != '}') {
			sema_err(c->s, c->span, "expected ';' after a member, found '%.20s'", c->p);
			break;
		}
	}
	struct field *f = arena_alloc(c->s->a, sizeof(*f) * (l->n ? l->n : 1));
	memcpy(f, l->fields, sizeof(*f) * l->n);
	rec->fields = f;
	rec->count = l->n;
	rec->align = l->align;
	rec->size = align_up(is_union ? l->size : (uint32_t)((l->bitpos + 7) / 8), l->align);
	free(l);
}

/* a copy of a struct body with its comments turned into spaces */
static char *strip_comments(struct sema *s, const char *body)
{
	char *c = arena_strdup(s->a, body);

	for (char *p = c; *p; p++) {
		if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (!*p)
				break;
		} else if (p[0] == '/' && p[1] == '*') {
			char *e = strstr(p + 2, "*/");
			char *stop = e ? e + 2 : p + strlen(p);
			while (p < stop)
				*p++ = ' ';
			p--;
		}
	}
	return c;
}

static void parse_struct(struct sema *s, struct node *def)
{
	const char *name = def->u.struct_def.name;
	struct type *t = arena_alloc(s->a, sizeof(*t));
	struct sema_struct *ss = arena_alloc(s->a, sizeof(*ss));
	struct cdecl c = {.s = s, .span = def->span};
	const char *body = def->u.struct_def.body;
	const char *src = s->d->src ? s->d->src->text : NULL;

	t->kind = T_RECORD;
	t->align = 1;
	t->name = name;
	ss->name = name;
	ss->type = t;
	vec_push(&s->structs, ss); /* visible to its own pointer members */
	c.p = c.text = body ? strip_comments(s, body) : "";
	/* the body is the source text after the definition's '{' */
	if (body && src && def->span.hi <= s->d->src->len) {
		const char *lb = memchr(src + def->span.lo, '{', def->span.hi - def->span.lo);
		if (lb && !strncmp(lb + 1, body, strlen(body)))
			c.text_lo = (uint32_t)(lb + 1 - src);
	}
	parse_body(&c, t, !strncmp(name, "union ", 6));
	skip_ws(&c);
	c.span = def->span;
	if (*c.p)
		sema_err(s, def->span, "unexpected '%.20s' in the definition of %s", c.p, name);
}

void sema_parse_structs(struct sema *s)
{
	node_foreach(&s->ast->structs, n) {
		if (strncmp(n->u.struct_def.name, "enum", 4))
			parse_struct(s, n);
	}
}
