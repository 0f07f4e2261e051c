/*
 * grid.c - the in-memory screen.
 *
 * Every frame is composed into a grid of cells (a code point and a colour
 * role each) before anything reaches the terminal: screen.c blits the grid,
 * tests dump it as text and compare it with golden files. Text goes in as
 * UTF-8 and is clipped to the field it is given; a double-width character
 * takes two cells, the second marked GRID_CONT. Invalid bytes show as '?'.
 */
#define _GNU_SOURCE
#include "tui.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void grid_init(struct grid *g, int w, int h)
{
	g->w = w > 0 ? w : 1;
	g->h = h > 0 ? h : 1;
	g->cells = xcalloc((size_t)g->w * g->h, sizeof(*g->cells));
	grid_clear(g);
}

void grid_resize(struct grid *g, int w, int h)
{
	if (g->cells && g->w == w && g->h == h)
		return;
	free(g->cells);
	grid_init(g, w, h);
}

void grid_free(struct grid *g)
{
	free(g->cells);
	g->cells = NULL;
	g->w = g->h = 0;
}

void grid_clear(struct grid *g)
{
	struct rect all = {0, 0, g->w, g->h};

	grid_fill(g, all, ' ', C_DEFAULT);
}

struct cell *grid_at(struct grid *g, int x, int y)
{
	if (x < 0 || y < 0 || x >= g->w || y >= g->h)
		return NULL;
	return &g->cells[(size_t)y * g->w + x];
}

void grid_fill(struct grid *g, struct rect r, uint32_t ch, int role)
{
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++) {
			struct cell *c = grid_at(g, x, y);
			if (c) {
				c->ch = ch;
				c->role = role;
			}
		}
}

void grid_set_role(struct grid *g, struct rect r, int role)
{
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++) {
			struct cell *c = grid_at(g, x, y);
			if (c)
				c->role = role;
		}
}

void grid_putc(struct grid *g, int x, int y, uint32_t ch, int role)
{
	struct cell *c = grid_at(g, x, y);

	if (c) {
		c->ch = ch;
		c->role = role;
	}
}

/* Decode one UTF-8 sequence; returns bytes used (>= 1), *cp = '?' if bad. */
static int utf8_decode(const unsigned char *s, uint32_t *cp)
{
	int n;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else {
		*cp = '?';
		return 1;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = '?';
			return 1;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return n;
}

static int cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1; /* shown as '?' */
	if (cp < 0x7f)
		return 1;
	int w = wcwidth((wchar_t)cp);
	/* C locale: wcwidth knows no wide characters; count them as one */
	return w == 2 ? 2 : 1;
}

int text_width(const char *s)
{
	int w = 0;

	while (*s) {
		uint32_t cp;
		s += utf8_decode((const unsigned char *)s, &cp);
		w += cp_width(cp);
	}
	return w;
}

int grid_puts(struct grid *g, int x, int y, int maxw, int role, const char *s)
{
	int used = 0;

	if (y < 0 || y >= g->h)
		return 0;
	while (*s && used < maxw) {
		uint32_t cp;
		s += utf8_decode((const unsigned char *)s, &cp);
		int w = cp_width(cp);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) /* C0, DEL, C1 */
			cp = cp == '\t' ? ' ' : '?';
		if (used + w > maxw)
			break;
		grid_putc(g, x + used, y, cp, role);
		if (w == 2)
			grid_putc(g, x + used + 1, y, GRID_CONT, role);
		used += w;
	}
	return used;
}

int grid_printf(struct grid *g, int x, int y, int maxw, int role, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return grid_puts(g, x, y, maxw, role, buf);
}

void grid_puts_right(struct grid *g, int x, int y, int w, int role, const char *s)
{
	int tw = text_width(s);

	if (tw > w)
		tw = w;
	grid_puts(g, x + w - tw, y, tw, role, s);
}

static void put_utf8(FILE *f, uint32_t cp)
{
	if (cp < 0x80) {
		fputc((int)cp, f);
	} else if (cp < 0x800) {
		fputc(0xc0 | cp >> 6, f);
		fputc(0x80 | (cp & 0x3f), f);
	} else if (cp < 0x10000) {
		fputc(0xe0 | cp >> 12, f);
		fputc(0x80 | ((cp >> 6) & 0x3f), f);
		fputc(0x80 | (cp & 0x3f), f);
	} else {
		fputc(0xf0 | cp >> 18, f);
		fputc(0x80 | ((cp >> 12) & 0x3f), f);
		fputc(0x80 | ((cp >> 6) & 0x3f), f);
		fputc(0x80 | (cp & 0x3f), f);
	}
}

void grid_dump(const struct grid *g, FILE *f)
{
	for (int y = 0; y < g->h; y++) {
		const struct cell *row = &g->cells[(size_t)y * g->w];
		int end = g->w;
		while (end > 0 && (row[end - 1].ch == ' ' || row[end - 1].ch == GRID_CONT))
			end--;
		for (int x = 0; x < end; x++)
			if (row[x].ch != GRID_CONT)
				put_utf8(f, row[x].ch);
		fputc('\n', f);
	}
}
