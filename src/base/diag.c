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

/* Where every line of the source starts: built once per diags_print, so
 * that many diagnostics in a long file cost a binary search each. */
struct line_index {
	const struct source *src;
	uint32_t *start; /* start[i]: offset of line i + 1 */
	size_t n;
};

static void line_index_init(struct line_index *li, const struct source *src)
{
	size_t n = 1;

	li->src = src;
	for (size_t i = 0; i < src->len; i++)
		n += src->text[i] == '\n';
	li->start = xmalloc(n * sizeof(*li->start));
	li->n = 0;
	li->start[li->n++] = 0;
	for (size_t i = 0; i < src->len; i++)
		if (src->text[i] == '\n')
			li->start[li->n++] = (uint32_t)(i + 1);
}

/* 1-based line of byte offset off, and the offset where that line starts */
static unsigned line_of(const struct line_index *li, size_t off, size_t *line_start)
{
	size_t lo = 0, hi = li->n;

	if (off > li->src->len)
		off = li->src->len;
	/* the last line starting at or before off; a '\n' ends its line */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (li->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line_start = li->start[lo];
	return (unsigned)(lo + 1);
}

/* one diagnostic into sb: stderr is unbuffered, and a character at a time
 * would be a write() each */
static void print_one(const struct diags *d, const struct line_index *li, const struct diag *g,
		      struct strbuf *sb)
{
	const char *sev = g->sev == SEV_ERROR ? "ERROR" : "WARNING";
	const struct source *src = d->src;

	if (!g->has_span || !src) {
		sb_printf(sb, "%s: %s\n", sev, g->msg);
		goto hint;
	}

	size_t ls, ls_end;
	unsigned l1 = line_of(li, g->span.lo, &ls);
	uint32_t hi = g->span.hi > g->span.lo ? g->span.hi - 1 : g->span.lo;
	unsigned l2 = line_of(li, hi, &ls_end);
	if (l1 != l2) {
		sb_printf(sb, "%s:%u-%u: %s: %s\n", src->name, l1, l2, sev, g->msg);
		goto hint;
	}

	size_t c1 = g->span.lo - ls + 1;
	size_t c2 = (g->span.hi > g->span.lo ? g->span.hi : g->span.lo + 1) - ls + 1;
	sb_printf(sb, "%s:%u:%zu-%zu: %s: %s\n", src->name, l1, c1, c2, sev, g->msg);

	size_t le = ls;
	while (le < src->len && src->text[le] != '\n')
		le++;
	for (size_t i = ls; i < le; i++) {
		if (src->text[i] == '\t')
			sb_puts(sb, "    ");
		else
			sb_putc(sb, src->text[i]);
	}
	sb_putc(sb, '\n');
	for (size_t i = ls; i < g->span.lo && i < le; i++)
		sb_puts(sb, src->text[i] == '\t' ? "    " : " ");
	for (size_t i = g->span.lo; i < ls + c2 - 1; i++)
		sb_puts(sb, i < le && src->text[i] == '\t' ? "~~~~" : "~");
	sb_putc(sb, '\n');
hint:
	if (g->hint)
		sb_printf(sb, "HINT: %s\n", g->hint);
}

void diags_print(const struct diags *d, FILE *f)
{
	struct line_index li = {0};
	struct strbuf sb = {0};

	if (!d->list.len)
		return;
	if (d->src)
		line_index_init(&li, d->src);
	vec_foreach(&d->list, i) {
		const struct diag *g = d->list.items[i];

		if (g->sev != SEV_ERROR && d->no_warnings)
			continue;
		print_one(d, &li, g, &sb);
		fwrite(sb.buf, 1, sb.len, f);
		sb.len = 0;
	}
	sb_free(&sb);
	free(li.start);
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
