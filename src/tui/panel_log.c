/*
 * panel_log.c - printf output as a scrolling pane.
 *
 * Text arrives in pieces (printf need not end in a newline); complete
 * lines go into a ring of the last opts.log_lines lines, the unfinished
 * one waits in log_partial and is shown as the last line. Tabs become
 * spaces to the next multiple of 8. The pane follows the end unless the
 * user scrolls up (st->scroll counts lines from the bottom).
 */
#include "tui.h"

#include <stdlib.h>
#include <string.h>

static void log_push(struct tui *t, const char *s, size_t len, bool error)
{
	struct strbuf sb = {0};
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\t') {
			do
				sb_putc(&sb, ' ');
			while (++col % 8);
		} else if (s[i] != '\r') {
			sb_putc(&sb, s[i]);
			col++;
		}
	}
	if (!t->log) {
		t->log_cap = t->opts.log_lines ? t->opts.log_lines : 1000;
		t->log = xcalloc(t->log_cap, sizeof(*t->log));
	}
	struct log_line ln = {.text = sb.buf ? sb_steal(&sb) : xstrdup(""), .error = error};
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
		log_push(t, t->log_partial.buf ? t->log_partial.buf : "", t->log_partial.len,
			 error);
		sb_reset(&t->log_partial);
		s += n + 1;
		len -= n + 1;
	}
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
		if (ln)
			grid_puts(g, p->r.x, y, p->r.w, ln->error ? C_ERROR : C_LOG, ln->text);
		else
			grid_puts(g, p->r.x, y, p->r.w, C_LOG,
				  t->log_partial.buf ? t->log_partial.buf : "");
	}
}
