/*
 * sema_printf.c - printf-style format strings and the format table.
 *
 * A conversion is what bpftrace 0.17 recognises: %[-][width][.prec]
 * [hh|h|l|ll|j|z|t](d|u|o|x|X|p|c), %s, %r, %rx, %rh. Anything else after
 * a '%' is plain text, as in bpftrace (whose token scan also finds the
 * %d inside "%%d"; the runtime's formatter prints "%%" as '%'). Each conversion is checked against
 * its argument's kind: integers (and pointers) for the numeric ones, strings and every value
 * printed as text (ksym, probe, stacks, inet, ...) for %s, buffers for %r.
 *
 * sema_add_format appends to the table that becomes prog->formats, in the
 * final pass only, so ids are stable and each call site has one entry.
 */
#define _GNU_SOURCE
#include "sema.h"

#include <string.h>

enum conv_kind {
	CONV_INT,
	CONV_STR,
	CONV_BUF,
};

/* Length of the conversion at p (just after '%'), 0 if none; its kind and
 * the token text bpftrace names in messages (without width). */
static size_t conv_at(const char *p, enum conv_kind *k, const char **tok, size_t *toklen)
{
	const char *q = p;

	if (*q == '-')
		q++;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.') {
		if (q[1] < '0' || q[1] > '9')
			return 0;
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	*tok = q;
	if (*q == 's') {
		*k = CONV_STR;
		*toklen = 1;
		return (size_t)(q + 1 - p);
	}
	if (*q == 'r') {
		*k = CONV_BUF;
		*toklen = (q[1] == 'x' || q[1] == 'h') ? 2 : 1;
		return (size_t)(q + *toklen - p);
	}
	if (*q == 'c') {
		*k = CONV_INT;
		*toklen = 1;
		return (size_t)(q + 1 - p);
	}
	const char *l = q;
	if (!strncmp(q, "hh", 2) || !strncmp(q, "ll", 2))
		q += 2;
	else if (strchr("hljzt", *q) && *q)
		q++;
	if (*q && strchr("duoxXp", *q)) {
		*k = CONV_INT;
		*toklen = (size_t)(q + 1 - l);
		return (size_t)(q + 1 - p);
	}
	return 0;
}

static const char *arg_kind(const struct type *t)
{
	switch (t->kind) {
	case T_KSYM:
	case T_USYM:
	case T_PROBE:
	case T_USERNAME:
	case T_KSTACK:
	case T_USTACK:
	case T_INET:
	case T_TIMESTAMP:
	case T_MAC:
	case T_CGROUP_PATH:
	case T_STRERROR:
	case T_STR:
		return "string";
	case T_PTR:
	case T_INT:
		return "integer";
	default:
		return sema_kname(t);
	}
}

void sema_check_format(struct sema *s, struct node *call, const char *fn, const char *fmt,
		       struct node *args)
{
	int nargs = 0, ntok = 0;
	enum conv_kind kinds[130];
	const char *toks[130];
	size_t toklens[130];

	for (struct node *a = args; a; a = a->next)
		nargs++;
	for (const char *p = fmt; *p; p++) {
		/* like bpftrace's token regex, "%%" is not skipped: "%%d" holds
		 * a %d conversion */
		if (*p != '%')
			continue;
		enum conv_kind k;
		const char *tok;
		size_t tl, n = conv_at(p + 1, &k, &tok, &tl);
		if (!n)
			continue;
		if (ntok < (int)ARRAY_SIZE(kinds)) {
			kinds[ntok] = k;
			toks[ntok] = tok;
			toklens[ntok] = tl;
		}
		ntok++;
		p += n;
	}
	if (nargs < ntok) {
		sema_err(s, call->span,
			 "%s: Not enough arguments for format string (%d supplied, %d expected)",
			 fn, nargs, ntok);
		return;
	}
	if (nargs > ntok) {
		sema_err(s, call->span,
			 "%s: Too many arguments for format string (%d supplied, %d expected)", fn,
			 nargs, ntok);
		return;
	}
	if (!strcmp(fn, "debugf") && nargs > 3) {
		sema_err(s, call->span, "%s: Cannot use more than 3 conversion specifiers", fn);
		return;
	}
	const struct type **el = arena_alloc(s->a, sizeof(*el) * (nargs ? nargs : 1));
	int i = 0;
	for (struct node *a = args; a; a = a->next, i++) {
		const struct type *t = a->type ? a->type : &t_none;
		const char *have = arg_kind(t);
		const char *need = kinds[i] == CONV_INT   ? "integer"
				   : kinds[i] == CONV_STR ? "string"
							  : "buffer";
		if (t->kind == T_NONE)
			return; /* reported where it was typed */
		if (strcmp(have, need)) {
			sema_err(s, call->span,
				 "%s: %%%.*s specifier expects a value of type %s (%s supplied)",
				 fn, (int)toklens[i], toks[i], need, have);
			return;
		}
		el[i] = t;
	}
	if (!s->final)
		return;
	enum event_kind ek = !strcmp(fn, "system") ? EV_SYSTEM
			     : !strcmp(fn, "cat")  ? EV_CAT
						   : EV_PRINTF;
	call->u.call.fmt_id = sema_add_format(s, ek, fmt, nargs ? stype_tuple(s, el, nargs) : NULL);
}

int sema_add_format(struct sema *s, enum event_kind kind, const char *fmt, const struct type *args)
{
	struct bt_format *f = arena_alloc(s->a, sizeof(*f));

	f->kind = kind;
	f->fmt = fmt ? arena_strdup(s->a, fmt) : NULL;
	f->args = args;
	f->size = 8 + (args ? args->size : 0);
	vec_push(&s->formats, f);
	return (int)s->formats.len - 1;
}
