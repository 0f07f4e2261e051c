/*
 * value_text.c - the text of scalar values, shared by every renderer.
 *
 * The plain and JSON outputs (output/), the dashboard (tui/) and the
 * metrics exporter lay out maps and compound values each their own way,
 * but a number, a raw buffer or a stats triple reads the same in all of
 * them; those pieces live here, once. Integers are written without printf:
 * a refresh or an exit dump of a 100,000-key map writes 200,000 of them.
 */
#include "model.h"

#include <inttypes.h>

static void put_u64(struct strbuf *sb, uint64_t u)
{
	char buf[20], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	sb_putn(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void value_put_int(struct strbuf *sb, uint64_t u, bool is_signed, uint64_t div)
{
	if (!div)
		div = 1;
	if (is_signed) {
		int64_t i = (int64_t)u / (int64_t)div;

		if (i < 0) {
			sb_putc(sb, '-');
			put_u64(sb, -(uint64_t)i);
		} else {
			put_u64(sb, (uint64_t)i);
		}
	} else {
		put_u64(sb, u / div);
	}
}

void value_put_bytes(struct strbuf *sb, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] <= 0x7e)
			sb_putc(sb, (char)p[i]);
		else
			sb_printf(sb, "\\x%02x", p[i]);
	}
}

void value_put_stats(struct strbuf *sb, const struct value *v)
{
	sb_printf(sb, "count %" PRIu64 ", average %" PRId64 ", total %" PRId64, v->stats.count,
		  value_avg(v), v->stats.total);
}
