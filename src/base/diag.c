/*
 * diag.c - collected diagnostics, printed the way bpftrace prints them.
 *
 * Every stage appends to one struct diags instead of printing, so that all
 * errors of a program are reported together and tests can compare the text.
 * A single-line span prints "file:L:C1-C2: ERROR: msg", the source line with
 * tabs as four spaces, and '~' under the span; a span over several lines
 * prints only "file:L1-L2: ERROR: msg". Columns are 1-based, C2 exclusive.
 */
#define _GNU_SOURCE
#include "../bt.h"

#include <stdlib.h>
#include <string.h>

void diags_init(struct diags *d, const struct source *src)
{
	memset(d, 0, sizeof(*d));
	d->src = src;
}

static struct diag *diag_add(struct diags *d, enum diag_sev sev, struct span sp, bool has_span,
			     const char *fmt, va_list ap)
{
	struct diag *g = xcalloc(1, sizeof(*g));
	struct strbuf sb = {0};

	sb_vprintf(&sb, fmt, ap);
	g->sev = sev;
	g->span = sp;
	g->has_span = has_span;
	g->msg = sb_steal(&sb);
	vec_push(&d->list, g);
	if (sev == SEV_ERROR)
		d->nerr++;
	return g;
}

void diag_err(struct diags *d, struct span sp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, SEV_ERROR, sp, true, fmt, ap);
	va_end(ap);
}

void diag_warn(struct diags *d, struct span sp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, SEV_WARNING, sp, true, fmt, ap);
	va_end(ap);
}

void diag_err_nospan(struct diags *d, const char *fmt, ...)
{
	va_list ap;
	struct span none = {0, 0};

	va_start(ap, fmt);
	diag_add(d, SEV_ERROR, none, false, fmt, ap);
	va_end(ap);
}

void diag_hint(struct diags *d, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = {0};

	if (!d->list.len)
		return;
	struct diag *g = d->list.items[d->list.len - 1];
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	free(g->hint);
	g->hint = sb_steal(&sb);
}

struct span span_join(struct span a, struct span b)
{
	struct span s = {a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi};
	return s;
}

/* 1-based line of byte offset off, and the offset where that line starts */
static unsigned line_of(const struct source *src, size_t off, size_t *line_start)
{
	unsigned line = 1;
	size_t start = 0;

	if (off > src->len)
		off = src->len;
	for (size_t i = 0; i < off; i++) {
		if (src->text[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	*line_start = start;
	return line;
}

static void print_one(const struct diags *d, const struct diag *g, FILE *f)
{
	const char *sev = g->sev == SEV_ERROR ? "ERROR" : "WARNING";
	const struct source *src = d->src;

	if (!g->has_span || !src) {
		fprintf(f, "%s: %s\n", sev, g->msg);
		goto hint;
	}

	size_t ls, ls_end;
	unsigned l1 = line_of(src, g->span.lo, &ls);
	uint32_t hi = g->span.hi > g->span.lo ? g->span.hi - 1 : g->span.lo;
	unsigned l2 = line_of(src, hi, &ls_end);
	if (l1 != l2) {
		fprintf(f, "%s:%u-%u: %s: %s\n", src->name, l1, l2, sev, g->msg);
		goto hint;
	}

	size_t c1 = g->span.lo - ls + 1;
	size_t c2 = (g->span.hi > g->span.lo ? g->span.hi : g->span.lo + 1) - ls + 1;
	fprintf(f, "%s:%u:%zu-%zu: %s: %s\n", src->name, l1, c1, c2, sev, g->msg);

	size_t le = ls;
	while (le < src->len && src->text[le] != '\n')
		le++;
	for (size_t i = ls; i < le; i++) {
		if (src->text[i] == '\t')
			fputs("    ", f);
		else
			fputc(src->text[i], f);
	}
	fputc('\n', f);
	for (size_t i = ls; i < g->span.lo && i < le; i++)
		fputs(src->text[i] == '\t' ? "    " : " ", f);
	for (size_t i = g->span.lo; i < ls + c2 - 1; i++)
		fputs(i < le && src->text[i] == '\t' ? "~~~~" : "~", f);
	fputc('\n', f);
hint:
	if (g->hint)
		fprintf(f, "HINT: %s\n", g->hint);
}

void diags_print(const struct diags *d, FILE *f)
{
	vec_foreach(&d->list, i) {
		const struct diag *g = d->list.items[i];

		if (g->sev != SEV_ERROR && d->no_warnings)
			continue;
		print_one(d, g, f);
	}
}

void diags_free(struct diags *d)
{
	vec_foreach(&d->list, i) {
		struct diag *g = d->list.items[i];
		free(g->msg);
		free(g->hint);
		free(g);
	}
	vec_free(&d->list);
	d->nerr = 0;
}
