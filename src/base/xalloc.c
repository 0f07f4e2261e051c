/*
 * xalloc.c - allocation that never returns NULL.
 *
 * tracetop cannot do anything useful once malloc fails, so these abort
 * with a message instead of making every caller check. BT_BUG lands here
 * too: an impossible state prints where it was found and aborts.
 */
#define _GNU_SOURCE
#include "../bt.h"

#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "tracetop: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom(0);
	va_end(ap);
	return s;
}

void bt_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "tracetop: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
