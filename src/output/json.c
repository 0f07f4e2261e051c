/*
 * json.c - bpftrace 0.17's `-f json` output: one JSON object per line.
 *
 * Shapes (FORMATS.md): {"type": "map"|"hist"|"stats"|"value"|"printf"|
 * "time"|"join"|"cat"|"syscall"|"attached_probes"|"lost_events", "data":
 * ...}. Keys of a keyed map become one string, components joined with ","
 * and formatted as text; tuples and arrays are arrays without spaces,
 * records are { "field": value } objects, histograms arrays of bucket
 * objects. Empty maps print nothing. Like bpftrace, the sink still writes
 * the "\n\n" that precedes the exit dump.
 */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void json_string(struct strbuf *sb, const char *s, size_t len)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			sb_puts(sb, "\\\"");
			break;
		case '\\':
			sb_puts(sb, "\\\\");
			break;
		case '\n':
			sb_puts(sb, "\\n");
			break;
		case '\r':
			sb_puts(sb, "\\r");
			break;
		case '\t':
			sb_puts(sb, "\\t");
			break;
		default:
			if (c < 0x20)
				sb_printf(sb, "\\u%04x", c);
			else
				sb_putc(sb, (char)c);
		}
	}
	sb_putc(sb, '"');
}

/* a value's text form as a JSON string */
static void json_text_string(struct strbuf *sb, const struct value *v, int stack_indent)
{
	struct strbuf t = {0};
	text_value(&t, v, stack_indent, 1);
	json_string(sb, t.buf ? t.buf : "", t.len);
	sb_free(&t);
}

static uint64_t div_or_one(uint64_t div)
{
	return div ? div : 1;
}

/*
 * bpftrace 0.17 computes log2 bucket bounds for JSON as C ints: from
 * [2G, 4G) on they wrap ({"min": -2147483648, "max": 0}); the shift count
 * wraps at 32 as it does on x86. Only bucket 33 is reachable from its BPF
 * side, but we keep the arithmetic for every bucket.
 */
static void log2_bounds_as_int(int64_t idx, int64_t *lo, int64_t *hi)
{
	uint32_t lo_bits = (uint32_t)1 << ((idx - 2) & 31);
	uint32_t hi_bits = ((uint32_t)1 << ((idx - 1) & 31)) - 1;
	*lo = (int32_t)lo_bits;
	*hi = (int32_t)hi_bits;
}

static void json_hist(struct strbuf *sb, const struct hist *h, uint64_t div)
{
	uint32_t first, last;
	int32_t max;

	sb_putc(sb, '[');
	if (!hist_rows(h, &first, &last, &max)) {
		sb_putc(sb, ']');
		return;
	}
	if (h->kind == HIST_LINEAR)
		div = 1; /* bpftrace ignores print()'s div for lhist */
	for (uint32_t i = first; i <= last; i++) {
		int64_t lo, hi;
		bool has_lo, has_hi;
		hist_bucket_bounds(h, i, &lo, &has_lo, &hi, &has_hi);
		if (h->kind == HIST_LOG2 && i >= 3)
			log2_bounds_as_int(i, &lo, &hi);
		if (i != first)
			sb_puts(sb, ", ");
		sb_putc(sb, '{');
		if (has_lo)
			sb_printf(sb, "\"min\": %" PRId64 ", ", lo);
		if (has_hi)
			sb_printf(sb, "\"max\": %" PRId64 ", ", hi);
		sb_printf(sb, "\"count\": %" PRIu64 "}", h->counts[i] / div_or_one(div));
	}
	sb_putc(sb, ']');
}

void json_value(struct strbuf *sb, const struct value *v, uint64_t div)
{
	switch (v->kind) {
	case V_NONE:
		sb_puts(sb, "null");
		break;
	case V_INT:
	case V_COUNT:
	case V_SUM:
	case V_MIN:
	case V_MAX:
		value_put_int(sb, v->u, v->is_signed, div);
		break;
	case V_STR:
		json_string(sb, v->str.s ? v->str.s : "",
			    v->str.s ? strnlen(v->str.s, v->str.len) : 0);
		break;
	case V_BUF:
	case V_STACK:
		json_text_string(sb, v, 8);
		break;
	case V_TUPLE:
	case V_ARRAY:
		sb_putc(sb, '[');
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_putc(sb, ',');
			json_value(sb, &v->tuple.elems[i], 1);
		}
		sb_putc(sb, ']');
		break;
	case V_RECORD:
		sb_puts(sb, "{ ");
		for (size_t i = 0; i < v->tuple.n; i++) {
			const char *name = v->tuple.names ? v->tuple.names[i] : "";
			if (i)
				sb_puts(sb, ", ");
			json_string(sb, name, strlen(name));
			sb_puts(sb, ": ");
			json_value(sb, &v->tuple.elems[i], 1);
		}
		sb_puts(sb, " }");
		break;
	case V_AVG:
		value_put_int(sb, (uint64_t)value_avg(v), true, div);
		break;
	case V_STATS:
		sb_printf(sb,
			  "{\"count\": %" PRIu64 ", \"average\": %" PRId64 ", \"total\": %" PRId64
			  "}",
			  v->stats.count, value_avg(v), v->stats.total);
		break;
	case V_HIST:
		json_hist(sb, &v->hist, div);
		break;
	}
}

/* "k1,k2" as one JSON string */
static void json_key(struct strbuf *sb, const struct value *key)
{
	struct strbuf t = {0};
	if (key->kind == V_TUPLE) {
		for (size_t i = 0; i < key->tuple.n; i++) {
			if (i)
				sb_putc(&t, ',');
			text_key_part(&t, &key->tuple.elems[i]);
		}
	} else {
		text_key_part(&t, key);
	}
	json_string(sb, t.buf ? t.buf : "", t.len);
	sb_free(&t);
}

static const char *json_map_type(const struct map_snapshot *m)
{
	switch (m->agg) {
	case AGG_HIST:
	case AGG_LHIST:
		return "hist";
	case AGG_AVG:
	case AGG_STATS:
		return "stats";
	default:
		return "map";
	}
}

void json_map(struct strbuf *sb, const struct map_snapshot *m, uint64_t top, uint64_t div)
{
	if (!m->n)
		return;
	struct map_snapshot c = *m;
	c.entries = xmalloc(m->n * sizeof(*c.entries));
	memcpy(c.entries, m->entries, m->n * sizeof(*c.entries));
	map_sort_entries(&c);
	if (m->agg == AGG_STATS)
		top = div = 0;

	sb_printf(sb, "{\"type\": \"%s\", \"data\": {", json_map_type(m));
	json_string(sb, m->name, strlen(m->name));
	sb_puts(sb, ": ");
	if (!m->has_keys) {
		json_value(sb, &c.entries[0].val, div);
	} else {
		size_t skip = top && c.n > top ? c.n - top : 0;
		sb_putc(sb, '{');
		for (size_t i = skip; i < c.n; i++) {
			if (i != skip)
				sb_puts(sb, ", ");
			json_key(sb, &c.entries[i].key);
			sb_puts(sb, ": ");
			json_value(sb, &c.entries[i].val, div);
		}
		sb_putc(sb, '}');
	}
	sb_puts(sb, "}}\n");
	free(c.entries);
}

/* The JSON sink. */
static void js_attached(void *ctx, size_t nprobes)
{
	struct output *o = ctx;
	if (o->quiet)
		return;
	fprintf(o->f, "{\"type\": \"attached_probes\", \"data\": {\"probes\": %zu}}\n", nprobes);
}

static const char *event_type(enum event_kind kind)
{
	switch (kind) {
	case EV_TIME:
		return "time";
	case EV_JOIN:
		return "join";
	case EV_CAT:
		return "cat";
	case EV_SYSTEM:
		return "syscall";
	default:
		return "printf";
	}
}

static void js_output(void *ctx, enum event_kind kind, const char *s, size_t len)
{
	struct output *o = ctx;
	/* join()'s text ends in a newline in text mode only */
	if (kind == EV_JOIN && len && s[len - 1] == '\n')
		len--;
	sb_printf(&o->sb, "{\"type\": \"%s\", \"data\": ", event_type(kind));
	json_string(&o->sb, s, len);
	sb_puts(&o->sb, "}\n");
	output_write(o);
}

static void js_text(void *ctx, const char *s, size_t len)
{
	js_output(ctx, EV_PRINTF, s, len);
}

static void js_value(void *ctx, const struct value *v)
{
	struct output *o = ctx;
	sb_puts(&o->sb, "{\"type\": \"value\", \"data\": ");
	json_value(&o->sb, v, 1);
	sb_puts(&o->sb, "}\n");
	output_write(o);
}

static void js_map(void *ctx, const struct map_snapshot *m, uint64_t top, uint64_t div)
{
	struct output *o = ctx;
	json_map(&o->sb, m, top, div);
	output_write(o);
}

static void js_lost(void *ctx, uint64_t n)
{
	struct output *o = ctx;
	fprintf(o->f, "{\"type\": \"lost_events\", \"data\": {\"events\": %" PRIu64 "}}\n", n);
}

static void js_error(void *ctx, const char *msg)
{
	struct output *o = ctx;
	sb_puts(&o->sb, "{\"type\": \"helper_error\", \"msg\": ");
	json_string(&o->sb, msg, strlen(msg));
	sb_puts(&o->sb, "}\n");
	output_write(o);
}

/* bpftrace 0.17: {"type": "helper_error", "helper": "probe_read",
 * "retcode": -14, "line": 1, "col": 37} */
static void js_helper_error(void *ctx, const struct helper_error *e)
{
	struct output *o = ctx;
	sb_puts(&o->sb, "{\"type\": \"helper_error\", \"helper\": ");
	json_string(&o->sb, e->helper, strlen(e->helper));
	sb_printf(&o->sb, ", \"retcode\": %lld, \"line\": %u, \"col\": %u}\n",
		  (long long)e->retcode, e->line, e->col);
	output_write(o);
}

struct output *output_new_json(FILE *f, const struct bt_opts *opts)
{
	struct output *o = output_alloc(f, opts);
	o->ops = (struct sink_ops){
		.attached = js_attached,
		.text = js_text,
		.value = js_value,
		.map = js_map,
		.lost = js_lost,
		.error = js_error,
		.exit_begin = output_exit_begin,
		.flush = output_flush,
		.output = js_output,
		.helper_error = js_helper_error,
		.ctx = o,
	};
	return o;
}
