/*
 * panel_stats.c - stats maps and scalar maps.
 *
 * A keyed stats map is a table (key, count, average, total, count per
 * second) drawn by panel_table.c with its own columns; `s` cycles through
 * them. Maps without keys (@x = 5, @c = count(), @s = stats(...)) are not
 * worth a panel each: they share one compact panel, a line per map with
 * its value, its rate when it has one, and a sparkline.
 */
#include "tui.h"

#include <string.h>

void panel_stats_draw(struct tui *t, struct grid *g, struct panel *p, bool focused)
{
	panel_table_draw(t, g, p, focused);
}

void panel_scalars_draw(struct tui *t, struct grid *g, struct panel *p, bool focused)
{
	int y = p->r.y + 1, ymax = p->r.y + p->r.h;
	int namew = 4, n = 0;
	char buf[64];

	for (size_t i = 0; i < t->tick.nmaps; i++) {
		const struct tick_map *tm = &t->tick.maps[i];
		if (tm->kind != P_SCALARS)
			continue;
		n++;
		int w = text_width(tm->name);
		namew = w > namew ? w : namew;
	}
	snprintf(buf, sizeof(buf), "%d map%s", n, n == 1 ? "" : "s");
	panel_title(t, g, p, focused, buf);
	if (namew > p->r.w / 3)
		namew = p->r.w / 3;
	int valw = 14, ratew = p->r.w >= 50 ? 10 : 0;
	int sparkw = p->r.w - namew - valw - ratew - 4;
	if (sparkw > HISTORY_LEN)
		sparkw = HISTORY_LEN;
	int skip = p->st->scroll;
	for (size_t i = 0; i < t->tick.nmaps && y < ymax; i++) {
		const struct tick_map *tm = &t->tick.maps[i];
		if (tm->kind != P_SCALARS || skip-- > 0)
			continue;
		int x = p->r.x;
		grid_puts(g, x, y, namew, C_KEY, tm->name);
		x += namew + 1;
		if (!tm->nrows) {
			grid_puts(g, x, y, p->r.w - namew - 1, C_MORE, "(empty)");
			y++;
			continue;
		}
		const struct row *r = &tm->rows[0];
		const struct value *v = &r->e->val;
		if (v->kind == V_STATS || !r->numeric) {
			struct strbuf sb = {0};
			fmt_value(&sb, v);
			grid_puts(g, x, y, p->r.x + p->r.w - x, C_VALUE, sb.buf ? sb.buf : "");
			sb_free(&sb);
			y++;
			continue;
		}
		fmt_num(buf, sizeof(buf), r->value, valw);
		grid_puts_right(g, x, y, valw, C_VALUE, buf);
		x += valw + 1;
		if (ratew) {
			if (r->has_rate) {
				fmt_num(buf, sizeof(buf), r->rate, ratew - 2);
				strcat(buf, "/s");
			} else {
				buf[0] = 0;
			}
			grid_puts_right(g, x, y, ratew, C_RATE, buf);
			x += ratew + 1;
		}
		if (sparkw >= 8)
			draw_spark(t, g, x + 1, y, sparkw, tm->name, r->key);
		y++;
	}
}
