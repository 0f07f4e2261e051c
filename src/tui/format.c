/*
 * format.c - values as short text for the dashboard.
 *
 * Keys are shown the way bpftrace prints them inside @m[...] (several keys
 * joined with ", ", strings unquoted); numbers, buffers and stats read as
 * in the plain output (model/value_text.c); a stack key shows its leaf frame
 * first, callers after ';', so a narrow column still says where it was.
 * Numbers get squeezed into the columns they have: exact when they fit,
 * else 1.2K / 3.4M. The key text doubles as the identity of a row across
 * snapshots (history.c).
 */
#include "tui.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static void fmt_inner(struct strbuf *sb, const struct value *v, bool top, bool as_key)
{
	switch (v->kind) {
	case V_NONE:
		break;
	case V_INT:
	case V_COUNT:
	case V_SUM:
	case V_MIN:
	case V_MAX:
		value_put_int(sb, v->u, v->is_signed, 1);
		break;
	case V_STR:
		sb_putn(sb, v->str.s, strnlen(v->str.s, v->str.len));
		break;
	case V_BUF:
		value_put_bytes(sb, v->buf.bytes, v->buf.len);
		break;
	case V_TUPLE:
	case V_RECORD:
		if (!top)
			sb_putc(sb, v->kind == V_RECORD ? '{' : '(');
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_puts(sb, ", ");
			if (v->kind == V_RECORD && v->tuple.names && v->tuple.names[i])
				sb_printf(sb, ".%s = ", v->tuple.names[i]);
			fmt_inner(sb, &v->tuple.elems[i], false, as_key);
		}
		if (!top)
			sb_putc(sb, v->kind == V_RECORD ? '}' : ')');
		break;
	case V_ARRAY:
		sb_putc(sb, '[');
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_putc(sb, ',');
			fmt_inner(sb, &v->tuple.elems[i], false, as_key);
		}
		sb_putc(sb, ']');
		break;
	case V_STACK:
		if (!v->stack.n)
			sb_puts(sb, as_key ? "(empty stack)" : "");
		for (size_t i = 0; i < v->stack.n; i++) {
			if (i)
				sb_puts(sb, as_key ? ";" : "\n");
			sb_puts(sb, v->stack.frames[i] ? v->stack.frames[i] : "??");
		}
		break;
	case V_AVG:
		value_put_int(sb, (uint64_t)value_avg(v), true, 1);
		break;
	case V_STATS:
		value_put_stats(sb, v);
		break;
	case V_HIST:
		sb_printf(sb, "hist(%" PRIu64 ")", hist_total(&v->hist));
		break;
	}
}

void fmt_key(struct strbuf *sb, const struct value *v)
{
	fmt_inner(sb, v, true, true);
}

void fmt_value(struct strbuf *sb, const struct value *v)
{
	fmt_inner(sb, v, false, false);
}

bool entry_number(const struct value *v, double *out)
{
	switch (v->kind) {
	case V_INT:
	case V_COUNT:
	case V_SUM:
	case V_MIN:
	case V_MAX:
		*out = v->is_signed ? (double)v->i : (double)v->u;
		return true;
	case V_AVG:
		*out = (double)value_avg(v);
		return true;
	case V_STATS:
		*out = (double)v->stats.count;
		return true;
	case V_HIST:
		*out = (double)hist_total(&v->hist);
		return true;
	default:
		*out = 0;
		return false;
	}
}

void fmt_num(char *buf, size_t len, double v, int w)
{
	static const char units[] = "KMGTPE";
	double a = fabs(v);

	if (!buf || !len)
		return;
	/* rates: one decimal below 10, whole numbers above */
	if (a - floor(a) < 1e-9 || a >= 9.95)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1f", v);
	if ((int)strlen(buf) <= w)
		return;
	/* a fraction that does not fit loses its decimals first */
	snprintf(buf, len, "%.0f", v);
	if ((int)strlen(buf) <= w)
		return;
	for (int u = 0; units[u]; u++) {
		a /= 1000;
		if (a < 999.5 || !units[u + 1]) {
			snprintf(buf, len, a < 9.95 ? "%s%.1f%c" : "%s%.0f%c", v < 0 ? "-" : "", a,
				 units[u]);
			return;
		}
	}
}

void fmt_duration(char *buf, size_t len, double seconds)
{
	uint64_t s = seconds > 0 ? (uint64_t)seconds : 0;

	if (s >= 3600)
		snprintf(buf, len, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(buf, len, "%02" PRIu64 ":%02" PRIu64, s / 60, s % 60);
}
