/*
 * printf.c - bpftrace 0.17's printf, time(), join() and buffer formats.
 *
 * bpftrace finds conversions with a pattern, %[-][width][.prec] followed by
 * an integer, pointer, char, string or buffer conversion, and hands the C
 * library one segment per argument: the text since the previous
 * conversion up to and including this one. The text after the last
 * conversion is copied as is, and a format with no arguments is printed
 * verbatim (so "%%" stays "%%" there). Inside a segment the C library's
 * rules apply: "%%" becomes "%", and it may swallow the '%' of the
 * conversion ("%%d" prints "%d"). We reproduce that by scanning each
 * segment as the C library would, then formatting the one argument with a
 * clean single-conversion format of the right C type, which is what an
 * int-sized %d does with a 64-bit value on x86-64 (it prints the low 32
 * bits). A segment's output ends at its first NUL, as a C string does.
 */
#define _GNU_SOURCE
#include "output.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* the length modifiers bpftrace's pattern accepts before d u x X o p */
static const char *const int_lengths[] = {"hh", "h", "ll", "l", "j", "z", "t", ""};

static size_t match_prefix(const char *s, const char *p)
{
	size_t n = strlen(p);
	return strncmp(s, p, n) == 0 ? n : 0;
}

/* try to match one bpftrace conversion at fmt[i] == '%'; returns its end or 0 */
static size_t match_conv(const char *fmt, size_t i, struct printf_conv *c)
{
	size_t j = i + 1;

	if (fmt[j] == '-')
		j++;
	while (isdigit((unsigned char)fmt[j]))
		j++;
	if (fmt[j] == '.' && isdigit((unsigned char)fmt[j + 1])) {
		j++;
		while (isdigit((unsigned char)fmt[j]))
			j++;
	}
	c->start = (uint32_t)i;
	memset(c->conv, 0, sizeof(c->conv));

	/* buffers: longest first */
	if (fmt[j] == 'r') {
		c->arg = PF_BUF;
		c->conv[0] = 'r';
		if (fmt[j + 1] == 'x' || fmt[j + 1] == 'h') {
			c->conv[1] = fmt[j + 1];
			return c->end = (uint32_t)(j + 2);
		}
		return c->end = (uint32_t)(j + 1);
	}
	if (fmt[j] == 's' || fmt[j] == 'c') {
		c->arg = fmt[j] == 's' ? PF_STR : PF_INT;
		c->conv[0] = fmt[j];
		return c->end = (uint32_t)(j + 1);
	}
	for (size_t k = 0; k < ARRAY_SIZE(int_lengths); k++) {
		size_t n = match_prefix(fmt + j, int_lengths[k]);
		if (!n && int_lengths[k][0])
			continue;
		if (fmt[j + n] && strchr("duxXop", fmt[j + n])) {
			c->arg = PF_INT;
			c->conv[0] = fmt[j + n];
			return c->end = (uint32_t)(j + n + 1);
		}
	}
	return 0;
}

size_t printf_parse(const char *fmt, struct printf_conv **out)
{
	struct printf_conv *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; fmt[i];) {
		struct printf_conv c;
		size_t end;
		if (fmt[i] != '%' || !(end = match_conv(fmt, i, &c))) {
			i++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = c;
		i = end;
	}
	if (out)
		*out = v;
	else
		free(v);
	return n;
}

void printf_buf(struct strbuf *sb, const uint8_t *b, size_t len, const char *conv)
{
	bool hex = !strcmp(conv, "rh");

	if (!strcmp(conv, "r")) {
		value_put_bytes(sb, b, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (hex)
			sb_printf(sb, i ? " %02x" : "%02x", b[i]);
		else
			sb_printf(sb, "\\x%02x", b[i]);
	}
}

/* a glibc conversion spec found while scanning a segment */
struct c_spec {
	size_t len;     /* bytes of the spec, from '%' */
	char length[3]; /* "hh", "l" ... */
	char conv;      /* conversion character, 0 at end of text */
};

static bool c_conv_valid(char c)
{
	return c && strchr("diouxXcspaAeEfFgGnmCS%", c);
}

static void scan_c_spec(const char *s, struct c_spec *sp)
{
	size_t j = 1;
	memset(sp, 0, sizeof(*sp));
	while (s[j] && strchr("-+ #0'I", s[j]))
		j++;
	if (s[j] == '*')
		j++;
	else
		while (isdigit((unsigned char)s[j]))
			j++;
	if (s[j] == '.') {
		j++;
		if (s[j] == '*')
			j++;
		else
			while (isdigit((unsigned char)s[j]))
				j++;
	}
	size_t l = 0;
	while (s[j] && strchr("hlLqjzZt", s[j]) && l < 2)
		sp->length[l++] = s[j++];
	sp->conv = s[j];
	sp->len = s[j] ? j + 1 : j;
}

/* the text a value gives for %s */
static void value_as_text(struct strbuf *sb, const struct value *v)
{
	if (v->kind != V_STR)
		text_value(sb, v, 8, 1);
	else if (v->str.s)
		sb_putn(sb, v->str.s, strnlen(v->str.s, v->str.len));
}

/* format one argument with the single conversion spec[0..len) */
static void format_arg(struct strbuf *out, const char *spec, const struct c_spec *sp,
		       const struct value *v)
{
	char *f = xstrndup(spec, sp->len);
	uint64_t u = v->kind == V_STR ? 0 : v->u;
	bool wide = sp->length[0] && strcmp(sp->length, "h") && strcmp(sp->length, "hh");

	switch (sp->conv) {
	case 'd':
	case 'i':
		if (wide)
			sb_printf(out, f, (long long)u);
		else
			sb_printf(out, f, (int)u);
		break;
	case 'o':
	case 'u':
	case 'x':
	case 'X':
		if (wide)
			sb_printf(out, f, (unsigned long long)u);
		else
			sb_printf(out, f, (unsigned int)u);
		break;
	case 'c':
		sb_printf(out, f, (int)u);
		break;
	case 'p':
		sb_printf(out, f, (void *)(uintptr_t)u);
		break;
	case 's': {
		struct strbuf t = {0};
		value_as_text(&t, v);
		sb_printf(out, f, t.buf ? t.buf : "");
		sb_free(&t);
		break;
	}
	default:
		sb_putn(out, spec, sp->len);
		break;
	}
	free(f);
}

static bool is_plain_buf_conv(const char *fmt, const struct printf_conv *c)
{
	return c->arg == PF_BUF && c->end - c->start == strlen(c->conv) + 1 &&
	       !strncmp(fmt + c->start + 1, c->conv, strlen(c->conv));
}

/* one segment fmt[lo, c->end) with its argument, as snprintf would print it */
static void format_segment(struct strbuf *sb, const char *fmt, size_t lo,
			   const struct printf_conv *c, const struct value *arg)
{
	struct strbuf seg = {0};
	bool used = false;
	size_t hi = c->end;

	for (size_t i = lo; i < hi;) {
		if (fmt[i] != '%') {
			sb_putc(&seg, fmt[i++]);
			continue;
		}
		/* bpftrace turns an exact %r/%rx/%rh into a string conversion */
		if (i == c->start && !used && is_plain_buf_conv(fmt, c)) {
			if (arg->kind == V_BUF)
				printf_buf(&seg, arg->buf.bytes, arg->buf.len, c->conv);
			else
				value_as_text(&seg, arg);
			used = true;
			i = hi;
			continue;
		}
		/* the C library sees only this segment: the spec ends within it */
		char *piece = xstrndup(fmt + i, hi - i);
		struct c_spec sp;
		scan_c_spec(piece, &sp);
		if (sp.conv == '%') {
			sb_putc(&seg, '%');
		} else if (c_conv_valid(sp.conv) && !used) {
			format_arg(&seg, piece, &sp, arg);
			used = true;
		} else {
			/* an unknown conversion is printed as written */
			sb_putn(&seg, piece, sp.len ? sp.len : 1);
		}
		i += sp.len ? sp.len : 1;
		free(piece);
	}
	if (seg.len)
		sb_putn(sb, seg.buf, strnlen(seg.buf, seg.len));
	sb_free(&seg);
}

void printf_format(struct strbuf *sb, const char *fmt, const struct value *args, size_t nargs)
{
	struct printf_conv *convs;
	size_t n, pos = 0;

	if (!nargs) {
		sb_puts(sb, fmt);
		return;
	}
	n = printf_parse(fmt, &convs);
	for (size_t i = 0; i < n && i < nargs; i++) {
		format_segment(sb, fmt, pos, &convs[i], &args[i]);
		pos = convs[i].end;
	}
	sb_puts(sb, fmt + pos);
	free(convs);
}

/* strftime of local time into sb; false when strftime produced nothing */
static bool put_strftime(struct strbuf *sb, const char *fmt, uint64_t epoch_ns)
{
	time_t secs = (time_t)(epoch_ns / 1000000000u);
	struct tm tm;
	char out[4096];

	localtime_r(&secs, &tm);
	size_t n = *fmt ? strftime(out, sizeof(out), fmt, &tm) : 0;
	sb_putn(sb, out, n);
	return n > 0;
}

/*
 * strftime(): bpftrace replaces every "%f" with the microseconds before
 * calling strftime, even the one in "%%f" (which then fails), and prints
 * "(?)" when strftime produces nothing.
 */
void printf_strftime(struct strbuf *sb, const char *fmt, uint64_t epoch_ns)
{
	struct strbuf f = {0};

	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 'f') {
			sb_printf(&f, "%06u", (unsigned)((epoch_ns % 1000000000u) / 1000));
			p++;
		} else {
			sb_putc(&f, *p);
		}
	}
	if (!put_strftime(sb, f.buf ? f.buf : "", epoch_ns))
		sb_puts(sb, "(?)");
	sb_free(&f);
}

int printf_time(struct strbuf *sb, const char *fmt, uint64_t epoch_ns)
{
	return put_strftime(sb, fmt, epoch_ns) ? 0 : -1;
}

void printf_join(struct strbuf *sb, const char *const *strs, size_t n, const char *delim)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, delim);
		sb_puts(sb, strs[i]);
	}
	sb_putc(sb, '\n');
}
