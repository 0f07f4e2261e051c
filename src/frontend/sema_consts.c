/*
 * sema_consts.c - named constants: identifiers that are not builtins.
 *
 * bpftrace runs scripts through clang, so macros from headers and the
 * script's own #define lines, and enum values (the script's or the
 * kernel's, from BTF) can be used as identifiers. tracetop has no C
 * preprocessor: it understands `#define NAME <integer, string or another
 * macro's name>` lines of the script and of the headers it includes
 * (sema_include.c), `enum Name { A, B = 5, ... };` definitions, a small
 * table of the header macros bpftrace's own tools use (AF_INET ...), and
 * kernel enumerators through BTF. A known name is folded in place into an
 * N_INT (enums are uint64, as in bpftrace) or N_STR.
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sema_const {
	const char *name;
	bool is_str;
	int64_t ival;
	const char *sval;
	const char *alias; /* `#define EWOULDBLOCK EAGAIN`: the other name */
};

#define ALIAS_DEPTH_MAX 8

static const struct {
	const char *name;
	int64_t v;
} header_macros[] = {
	{"AF_UNSPEC", 0},
	{"AF_UNIX", 1},
	{"AF_LOCAL", 1},
	{"AF_INET", 2},
	{"AF_INET6", 10},
	{"AF_NETLINK", 16},
	{"AF_PACKET", 17},
	{"TASK_RUNNING", 0},
	{"TASK_INTERRUPTIBLE", 1},
	{"TASK_UNINTERRUPTIBLE", 2},
	{"PF_KTHREAD", 0x00200000},
	{"NSEC_PER_SEC", 1000000000},
	{"NSEC_PER_MSEC", 1000000},
	{"NSEC_PER_USEC", 1000},
};

static void add(struct sema *s, const char *name, bool is_str, int64_t iv, const char *sv)
{
	struct sema_const *c = arena_alloc(s->a, sizeof(*c));

	c->name = name;
	c->is_str = is_str;
	c->ival = iv;
	c->sval = sv;
	vec_push(&s->consts, c);
}

static bool parse_int(const char *p, const char *end, int64_t *v)
{
	char *e;
	char *t = strndup(p, (size_t)(end - p));
	bool ok;

	errno = 0;
	*v = strtoll(t, &e, 0);
	while (*e == 'U' || *e == 'L' || *e == 'u' || *e == 'l')
		e++;
	ok = !errno && e != t && !*e;
	free(t);
	return ok;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "#define NAME value": a string, an integer or another macro's name */
void sema_define_line(struct sema *s, const char *line, size_t len)
{
	const char *p = skip_ws(line), *end = line + len;

	if (*p != '#')
		return;
	p = skip_ws(p + 1);
	if (strncmp(p, "define", 6) || !isspace((unsigned char)p[6]))
		return;
	p = skip_ws(p + 6);
	const char *n0 = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	if (p == n0 || *p == '(')
		return; /* function-like macros are not supported */
	const char *name = arena_strndup(s->a, n0, (size_t)(p - n0));
	p = skip_ws(p);
	/* a trailing comment is not part of the value (headers have them) */
	for (const char *c = p; c + 1 < end; c++) {
		if (*c == '"')
			break; /* a string value: leave it alone */
		if (c[0] == '/' && (c[1] == '*' || c[1] == '/')) {
			end = c;
			break;
		}
	}
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		add(s, name, true, 0, arena_strndup(s->a, p + 1, (size_t)(end - p - 2)));
		return;
	}
	if (end - p >= 2 && *p == '(' && end[-1] == ')')
		p++, end--;
	int64_t v;
	if (parse_int(p, end, &v)) {
		add(s, name, false, v, NULL);
		return;
	}
	const char *a0 = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	if (p == end && a0 < end && !isdigit((unsigned char)*a0)) {
		add(s, name, false, 0, NULL);
		((struct sema_const *)s->consts.items[s->consts.len - 1])->alias =
			arena_strndup(s->a, a0, (size_t)(end - a0));
	}
}

/* "enum Name" body: "A, B = 5, C" */
static void enum_body(struct sema *s, const char *body)
{
	int64_t next = 0;
	const char *p = body;

	while (p && *p) {
		while (*p && (isspace((unsigned char)*p) || *p == ','))
			p++;
		const char *n0 = p;
		while (*p && (isalnum((unsigned char)*p) || *p == '_'))
			p++;
		if (p == n0)
			break;
		const char *name = arena_strndup(s->a, n0, (size_t)(p - n0));
		p = skip_ws(p);
		while (*p && isspace((unsigned char)*p))
			p++;
		if (*p == '=') {
			const char *v0 = skip_ws(p + 1), *v1 = v0;
			while (*v1 && *v1 != ',' && !isspace((unsigned char)*v1))
				v1++;
			int64_t v;
			if (parse_int(v0, v1, &v))
				next = v;
			p = v1;
		}
		add(s, name, false, next++, NULL);
		p = strchr(p, ',');
	}
}

void sema_collect_consts(struct sema *s)
{
	node_foreach(&s->ast->includes, n) {
		if (n->kind == N_STR)
			sema_define_line(s, n->u.str.s, n->u.str.len);
	}
	node_foreach(&s->ast->structs, n) {
		if (n->kind == N_STRUCT_DEF && n->u.struct_def.name &&
		    !strncmp(n->u.struct_def.name, "enum", 4))
			enum_body(s, n->u.struct_def.body);
	}
}

static struct sema_const *find_const(struct sema *s, const char *name, int depth)
{
	vec_foreach(&s->consts, i) {
		struct sema_const *c = s->consts.items[i];
		if (strcmp(c->name, name))
			continue;
		if (c->alias)
			return depth < ALIAS_DEPTH_MAX ? find_const(s, c->alias, depth + 1) : NULL;
		return c;
	}
	return NULL;
}

/* Folds an unknown identifier into its constant; false if not one. */
bool sema_ident_const(struct sema *s, struct node *n)
{
	const char *name = n->u.builtin.name;
	struct sema_const *c = find_const(s, name, 0);
	int64_t v;

	if (c) {
		if (c->is_str) {
			n->kind = N_STR;
			n->u.str.s = c->sval;
			n->u.str.len = strlen(c->sval);
			n->type = stype_str(s, (uint32_t)n->u.str.len + 1);
		} else {
			n->kind = N_INT;
			n->u.ival = (uint64_t)c->ival;
			n->type = &t_s64;
		}
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(header_macros); i++)
		if (!strcmp(header_macros[i].name, name)) {
			n->kind = N_INT;
			n->u.ival = (uint64_t)header_macros[i].v;
			n->type = &t_s64;
			return true;
		}
	if (sema_btf(s) && kbtf_enum_value(s->kb, name, &v)) {
		n->kind = N_INT;
		n->u.ival = (uint64_t)v;
		n->type = &t_u64;
		return true;
	}
	return false;
}
