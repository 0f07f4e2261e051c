/*
 * strbuf.c - a growable NUL-terminated byte string, and whole files read
 * into one.
 *
 * Heap-backed (not arena) so that long-lived runtime and TUI state can use
 * it; whoever embeds one frees it. Every reader of a whole file or stream
 * (the script, a test driver's input) goes through sb_read_stream, so an
 * empty file is "" and a read error is NULL everywhere, with errno set;
 * past SB_READ_MAX it is EFBIG (`tracetop /dev/zero` must not eat memory).
 */
#define _GNU_SOURCE
#include "../bt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void sb_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	sb->buf = xrealloc(sb->buf, cap);
	sb->cap = cap;
}

void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_putn(sb, &c, 1);
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		BT_BUG("vsnprintf failed");
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

char *sb_steal(struct strbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return s;
}

char *sb_read_stream(FILE *f, size_t *len)
{
	struct strbuf sb = {0};
	size_t n;

	errno = 0;
	do {
		if (sb.len >= SB_READ_MAX) {
			sb_free(&sb);
			errno = EFBIG;
			return NULL;
		}
		sb_grow(&sb, 4096);
		n = fread(sb.buf + sb.len, 1, sb.cap - sb.len - 1, f);
		sb.len += n;
		sb.buf[sb.len] = '\0';
	} while (n > 0);
	if (ferror(f)) {
		int err = errno ? errno : EIO; /* EISDIR for a directory */
		sb_free(&sb);
		errno = err;
		return NULL;
	}
	if (len)
		*len = sb.len;
	return sb_steal(&sb);
}

char *sb_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *text;
	int err;

	if (!f)
		return NULL;
	text = sb_read_stream(f, len);
	err = errno;
	fclose(f);
	errno = err;
	return text;
}
