/*
 * keys.c - what each key does.
 *
 * tui_key changes the view state and answers with enum tui_action bits:
 * REDRAW (compose again), RESCAN (take a snapshot now), QUIT, RETHEME (set
 * the terminal's colours again). It never draws and never touches the
 * terminal, so tests drive it directly. Keys act on the focused panel where
 * that makes sense (sort, scroll, clear, heat map) and on the whole
 * dashboard otherwise (pause, filter, rate/total, theme, interval).
 */
#include "tui.h"

#include <ctype.h>
#include <string.h>

static const double intervals[] = {0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 30, 60};

static struct panel *focused(struct tui *t)
{
	return t->npanels && t->focus >= 0 && (size_t)t->focus < t->npanels ? &t->panels[t->focus]
									    : NULL;
}

static void set_focus(struct tui *t, int i)
{
	if (!t->npanels)
		return;
	t->focus = (i % (int)t->npanels + (int)t->npanels) % (int)t->npanels;
	snprintf(t->focus_name, sizeof(t->focus_name), "%s", t->panels[t->focus].name);
}

static const char *sort_name(const struct panel *p)
{
	static const char *const table[] = {"key", "value", "rate"};
	static const char *const stats[] = {"key", "count", "average", "total"};

	if (p->kind == P_STATS)
		return stats[p->st->sort_col % 4];
	return table[p->st->sort_col % 3];
}

/* Up/Down/PgUp/PgDn/Home/End on the focused panel: delta rows, or +-INT_MAX */
static void move(struct tui *t, struct panel *p, int delta)
{
	struct panel_state *st = p->st;
	long v;

	switch (p->kind) {
	case P_TABLE:
	case P_STATS:
		v = (long)st->cursor + delta;
		st->cursor = v < 0 ? 0 : v > 1 << 30 ? 1 << 30 : (int)v;
		break;
	case P_LOG: /* scroll counts lines from the bottom */
		v = (long)st->scroll - delta;
		st->scroll = v < 0 ? 0 : v > 1 << 30 ? 1 << 30 : (int)v;
		break;
	case P_HIST:
	case P_SCALARS:
		v = (long)st->scroll + delta;
		st->scroll = v < 0 ? 0 : v > 1 << 30 ? 1 << 30 : (int)v;
		break;
	}
	(void)t;
}

static int filter_key(struct tui *t, int key)
{
	size_t len = strlen(t->filter);

	if (key == TUI_KEY_ENTER || key == '\r') {
		t->filtering = false;
	} else if (key == TUI_KEY_ESC) {
		t->filtering = false;
		t->filter[0] = 0;
	} else if (key == TUI_KEY_BACKSPACE || key == 8) {
		if (len)
			t->filter[len - 1] = 0;
	} else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof(t->filter)) {
		t->filter[len] = (char)key;
		t->filter[len + 1] = 0;
	}
	for (size_t i = 0; i < t->npanels; i++)
		t->panels[i].st->cursor = t->panels[i].st->scroll = 0;
	return TUI_REDRAW;
}

static int cycle_theme(struct tui *t)
{
	struct strbuf warn = {0};
	size_t i;

	if (!t->theme_names.len)
		theme_list(&t->theme_names);
	for (i = 0; i < t->theme_names.len; i++)
		if (!strcmp(t->theme_names.items[i], t->theme.name))
			break;
	const char *next = t->theme_names.items[(i + 1) % t->theme_names.len];
	theme_load(&t->theme, next, &warn);
	if (warn.len) {
		log_append(t, warn.buf, warn.len, true);
		tui_set_status(t, "theme %s: %.100s", t->theme.name, warn.buf);
	} else {
		tui_set_status(t, "theme %s%s", t->theme.name, t->color ? "" : " (no colours)");
	}
	sb_free(&warn);
	return TUI_REDRAW | TUI_RETHEME;
}

static int change_interval(struct tui *t, int dir)
{
	size_t n = ARRAY_SIZE(intervals);
	double cur = t->interval_s, next = cur;

	if (dir > 0) {
		for (size_t i = 0; i < n; i++)
			if (intervals[i] > cur + 1e-9) {
				next = intervals[i];
				break;
			}
	} else {
		for (size_t i = n; i-- > 0;)
			if (intervals[i] < cur - 1e-9) {
				next = intervals[i];
				break;
			}
	}
	t->interval_s = next;
	tui_set_status(t, "refresh every %.3g s", next);
	return TUI_REDRAW;
}

static int clear_focused(struct tui *t, struct panel *p)
{
	if (!p || !p->tm) {
		tui_set_status(t, "c: focus a map panel first");
		return TUI_REDRAW;
	}
	if (!t->src || !t->src->clear_map) {
		tui_set_status(t, "c: clearing maps is not available");
		return TUI_REDRAW;
	}
	int err = t->src->clear_map(t->src->ctx, p->name);
	if (err) {
		tui_set_status(t, "clearing %s failed: %s", p->name,
			       strerror(err < 0 ? -err : err));
		return TUI_REDRAW;
	}
	history_forget_map(t->hist, p->name);
	tui_set_status(t, "cleared %s", p->name);
	return TUI_REDRAW | TUI_RESCAN;
}

int tui_key(struct tui *t, int key)
{
	struct panel *p = focused(t);
	int page = t->page_rows > 1 ? t->page_rows : 10;

	if (key == TUI_KEY_RESIZE)
		return TUI_REDRAW;
	if (t->help) {
		t->help = false;
		return TUI_REDRAW;
	}
	if (t->filtering)
		return filter_key(t, key);
	switch (key) {
	case 'q':
	case 'Q':
		t->exit_reason = TUI_EXIT_QUIT;
		return TUI_QUIT;
	case ' ':
	case 'p':
		t->paused = !t->paused;
		tui_set_status(t, t->paused ? "paused: the display is frozen, tracing goes on"
					    : "resumed");
		return TUI_REDRAW | (t->paused ? 0 : TUI_RESCAN);
	case 's':
		if (p && (p->kind == P_TABLE || p->kind == P_STATS)) {
			p->st->sort_col = (p->st->sort_col + 1) % (p->kind == P_STATS ? 4 : 3);
			tui_set_status(t, "%s: sorted by %s", p->name, sort_name(p));
		}
		return TUI_REDRAW;
	case 'r':
		if (p) {
			p->st->reverse = !p->st->reverse;
			tui_set_status(t, "%s: %s", p->name,
				       p->st->reverse ? "reversed order" : "normal order");
		}
		return TUI_REDRAW;
	case TUI_KEY_TAB:
		set_focus(t, t->focus + 1);
		return TUI_REDRAW;
	case TUI_KEY_BTAB:
		set_focus(t, t->focus - 1);
		return TUI_REDRAW;
	case TUI_KEY_ENTER:
	case '\r':
		t->zoom = !t->zoom && p;
		return TUI_REDRAW;
	case TUI_KEY_ESC:
		t->zoom = false;
		return TUI_REDRAW;
	case TUI_KEY_UP:
	case 'k':
		if (p)
			move(t, p, -1);
		return TUI_REDRAW;
	case TUI_KEY_DOWN:
	case 'j':
		if (p)
			move(t, p, 1);
		return TUI_REDRAW;
	case TUI_KEY_PGUP:
		if (p)
			move(t, p, -page);
		return TUI_REDRAW;
	case TUI_KEY_PGDN:
		if (p)
			move(t, p, page);
		return TUI_REDRAW;
	case TUI_KEY_HOME:
	case 'g':
		if (p)
			move(t, p, -(1 << 30));
		return TUI_REDRAW;
	case TUI_KEY_END:
	case 'G':
		if (p)
			move(t, p, 1 << 30);
		return TUI_REDRAW;
	case TUI_KEY_LEFT:
	case TUI_KEY_RIGHT:
		if (p && p->kind == P_HIST) {
			p->st->hist_key += key == TUI_KEY_LEFT ? -1 : 1;
			p->st->scroll = 0;
		} else if (p && p->kind == P_TABLE) {
			p->st->expand = key == TUI_KEY_RIGHT;
		}
		return TUI_REDRAW;
	case '/':
		t->filtering = true;
		return TUI_REDRAW;
	case 'd':
		t->show_rate = !t->show_rate;
		for (size_t i = 0; i < t->npanels; i++) {
			struct panel_state *st = t->panels[i].st;
			if (t->panels[i].kind == P_TABLE && st->sort_col == (t->show_rate ? 1 : 2))
				st->sort_col = t->show_rate ? 2 : 1;
		}
		tui_set_status(t, t->show_rate ? "showing the last interval (rates)"
					       : "showing totals");
		return TUI_REDRAW;
	case 'c':
		return clear_focused(t, p);
	case 't':
		return cycle_theme(t);
	case '+':
	case '=':
		return change_interval(t, 1);
	case '-':
	case '_':
		return change_interval(t, -1);
	case 'h':
	case '?':
		t->help = true;
		return TUI_REDRAW;
	case 'H':
		if (p && p->kind == P_HIST) {
			p->st->heat = !p->st->heat;
			p->st->scroll = 0;
		} else {
			tui_set_status(t, "H: focus a histogram panel first (Tab)");
		}
		return TUI_REDRAW;
	default:
		return 0;
	}
}
