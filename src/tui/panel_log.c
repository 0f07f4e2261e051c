/*
 * panel_log.c - printf output as a scrolling pane.
 *
 * Text arrives in pieces (printf need not end in a newline); complete
 * lines go into a ring of the last opts.log_lines lines, the unfinished
 * one waits in log_partial and is shown as the last line. A -c command's
 * lines arrive whole (the runtime splits them) and are marked "[name] ".
 * Tabs become spaces to the next multiple of 8; terminal escape sequences
 * (colours) are dropped and a carriage return starts the line over, so
 * nothing a program prints can move the dashboard's cursor. The pane
 * follows the end unless the user scrolls up (st->scroll counts lines
 * from the bottom).
 */
#include "tui.h"

#include <stdlib.h>
#include <string.h>

/* the end of the escape sequence starting at s[i] (ESC) */
static size_t skip_escape(const char *s, size_t len, size_t i)
{
	if (i + 1 >= len)
		return len;
	if (s[i + 1] == '[') { /* CSI: parameters, then a final byte @..~ */
		for (i += 2; i < len; i++)
			if (s[i] >= 0x40 && s[i] <= 0x7e)
				return i + 1;
		return len;
	}
	if (s[i + 1] == ']') { /* OSC: up to BEL or ESC \ */
		for (i += 2; i < len; i++) {
			if (s[i] == 7)
				return i + 1;
			if (s[i] == 0x1b)
				return i + 1 < len && s[i + 1] == '\\' ? i + 2 : i + 1;
		}
		return len;
	}
	return i + 2; /* ESC and one character */
}

static void log_push(struct tui *t, const char *s, size_t len, bool error, bool child)
{
	struct strbuf sb = {0};
	size_t col = 0;

	for (size_t i = 0; i < len;) {
		if (s[i] == 0x1b) {
			i = skip_escape(s, len, i);
			continue;
		}
		if (s[i] == '\t') {
			do
				sb_putc(&sb, ' ');
			while (++col % 8);
		} else if (s[i] == '\r') {
			if (i + 1 < len) { /* "50%\r60%": what follows replaces it */
				sb_reset(&sb);
				col = 0;
			}
		} else {
			sb_putc(&sb, s[i]);
			col++;
		}
		i++;
	}
	if (!t->log) {
		t->log_cap = t->opts.log_lines ? t->opts.log_lines : 1000;
		t->log = xcalloc(t->log_cap, sizeof(*t->log));
	}
	struct log_line ln = {
		.text = sb.buf ? sb_steal(&sb) : xstrdup(""), .error = error, .child = child};
	if (t->log_len < t->log_cap) {
		t->log[(t->log_head + t->log_len++) % t->log_cap] = ln;
	} else {
		free(t->log[t->log_head].text);
		t->log[t->log_head] = ln;
		t->log_head = (t->log_head + 1) % t->log_cap;
	}
	t->log_added++;
}

void log_append(struct tui *t, const char *s, size_t len, bool error)
{
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) : len;
		sb_putn(&t->log_partial, s, n);
		if (!nl)
			break;
		log_push(t, t->log_partial.buf ? t->log_partial.buf : "", t->log_partial.len, error,
			 false);
		sb_reset(&t->log_partial);
		s += n + 1;
		len -= n + 1;
	}
}

void log_child_line(struct tui *t, const char *s, size_t len)
{
	log_push(t, s, len, false, true);
}

void tui_print_command_output(const struct tui *t, FILE *f)
{
	for (size_t i = 0; i < t->log_len; i++) {
		const struct log_line *ln = log_get(t, i);
		if (ln->child) {
			fputs(ln->text, f);
			fputc('\n', f);
		}
	}
	fflush(f);
}

const struct log_line *log_get(const struct tui *t, size_t i)
{
	return i < t->log_len ? &t->log[(t->log_head + i) % t->log_cap] : NULL;
}

void log_free(struct tui *t)
{
	for (size_t i = 0; i < t->log_len; i++)
		free(t->log[(t->log_head + i) % t->log_cap].text);
	free(t->log);
	t->log = NULL;
	t->log_len = t->log_head = 0;
	sb_free(&t->log_partial);
}

void panel_log_draw(struct tui *t, struct grid *g, struct panel *p, bool focused)
{
	struct panel_state *st = p->st;
	size_t total = t->log_len + (t->log_partial.len ? 1 : 0);
	int rows = p->r.h - 1;
	char extra[64];

	if (rows < 1)
		rows = 0;
	/* scrolled up, the view stays on the same lines while new ones arrive
	 * (st->cursor remembers how many lines had arrived at the last draw) */
	uint64_t added = t->log_added + (t->log_partial.len ? 1 : 0);
	if (st->scroll > 0 && added > (uint64_t)st->cursor)
		st->scroll += (int)(added - (uint64_t)st->cursor);
	st->cursor = (int)added;
	if (st->scroll < 0)
		st->scroll = 0;
	if (total > (size_t)rows && (size_t)st->scroll > total - rows)
		st->scroll = (int)(total - rows);
	if (total <= (size_t)rows)
		st->scroll = 0;
	if (st->scroll)
		snprintf(extra, sizeof(extra), "%zu lines, %d below", total, st->scroll);
	else
		snprintf(extra, sizeof(extra), "%zu lines", total);
	panel_title(t, g, p, focused, extra);
	if (focused)
		t->page_rows = rows;

	size_t end = total - (size_t)st->scroll; /* one past the last line shown */
	size_t first = end > (size_t)rows ? end - rows : 0;
	for (size_t i = first; i < end; i++) {
		int y = p->r.y + 1 + (int)(i - first);
		const struct log_line *ln = log_get(t, i);
		if (ln && ln->child) {
			char mark[40];
			const char *cmd = t->src && t->src->command ? t->src->command : "-c";
			snprintf(mark, sizeof(mark), "[%.24s] ", cmd);
			int used = grid_puts(g, p->r.x, y, p->r.w, C_MORE, mark);
			grid_puts(g, p->r.x + used, y, p->r.w - used, C_LOG, ln->text);
		} else if (ln) {
			grid_puts(g, p->r.x, y, p->r.w, ln->error ? C_ERROR : C_LOG, ln->text);
		} else {
			grid_puts(g, p->r.x, y, p->r.w, C_LOG,
				  t->log_partial.buf ? t->log_partial.buf : "");
		}
	}
}
