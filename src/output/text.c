/*
 * text.c - bpftrace 0.17's classic text output.
 *
 * Formats values, map keys, histograms and whole maps into a strbuf exactly
 * as bpftrace 0.17 prints them (FORMATS.md), and implements the plain text
 * sink on top: "Attaching N probes...", printf text as it comes, print()
 * of maps and values, "Lost N events", and the "\n\n" before the exit dump.
 * Maps are sorted here (on a private copy of the entry array), so the
 * runtime may hand over entries in any order.
 */
#define _GNU_SOURCE
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define HIST_LABEL_WIDTH 16
#define HIST_COUNT_WIDTH 8
#define HIST_BAR_WIDTH   52
#define TEXT_PREFETCH    16 /* entries ahead */

static uint64_t div_or_one(uint64_t div)
{
	return div ? div : 1;
}

void text_stack(struct strbuf *sb, const struct value *v, int indent)
{
	sb_putc(sb, '\n');
	for (size_t i = 0; i < v->stack.n; i++) {
		const char *frame = v->stack.frames ? v->stack.frames[i] : NULL;
		uint64_t addr = v->stack.addrs ? v->stack.addrs[i] : 0;
		switch (v->stack.mode) {
		case STACK_PERF:
			sb_printf(sb, "\t%" PRIx64 " %s\n", addr, frame ? frame : "");
			break;
		case STACK_RAW:
			sb_printf(sb, "%" PRIx64 "\n", addr);
			break;
		default:
			sb_printf(sb, "%*s", indent, "");
			if (frame)
				sb_puts(sb, frame);
			else
				sb_printf(sb, "0x%" PRIx64, addr);
			sb_putc(sb, '\n');
			break;
		}
	}
}

void text_value(struct strbuf *sb, const struct value *v, int stack_indent, uint64_t div)
{
	switch (v->kind) {
	case V_NONE:
		break;
	case V_INT:
	case V_COUNT:
	case V_SUM:
	case V_MIN:
	case V_MAX:
		value_put_int(sb, v->u, v->is_signed, div);
		break;
	case V_STR:
		/* a C string: it ends at its first NUL whatever the buffer size */
		if (v->str.s)
			sb_putn(sb, v->str.s, strnlen(v->str.s, v->str.len));
		break;
	case V_BUF:
		value_put_bytes(sb, v->buf.bytes, v->buf.len);
		break;
	case V_TUPLE:
		sb_putc(sb, '(');
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_puts(sb, ", ");
			text_value(sb, &v->tuple.elems[i], 8, 1);
		}
		sb_putc(sb, ')');
		break;
	case V_RECORD:
		sb_puts(sb, "{ ");
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_puts(sb, ", ");
			sb_printf(sb, ".%s = ", v->tuple.names ? v->tuple.names[i] : "");
			text_value(sb, &v->tuple.elems[i], 8, 1);
		}
		sb_puts(sb, " }");
		break;
	case V_ARRAY:
		sb_putc(sb, '[');
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_putc(sb, ',');
			text_value(sb, &v->tuple.elems[i], 8, 1);
		}
		sb_putc(sb, ']');
		break;
	case V_STACK:
		text_stack(sb, v, stack_indent);
		break;
	case V_AVG:
		value_put_int(sb, (uint64_t)value_avg(v), true, div);
		break;
	case V_STATS:
		value_put_stats(sb, v);
		break;
	case V_HIST:
		text_hist(sb, &v->hist, div);
		break;
	}
}

/* bpftrace 0.17 widens integer keys to 64 bits and prints them signed:
 * a u64 key of 2^64 - 1 prints as -1 */
void text_key_part(struct strbuf *sb, const struct value *v)
{
	if (v->kind == V_INT) {
		value_put_int(sb, v->u, true, 1);
	} else if (v->kind == V_RECORD) {
		/* a struct in a key is compact: @s[{.m=2,.n=3}] */
		sb_putc(sb, '{');
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_putc(sb, ',');
			sb_printf(sb, ".%s=", v->tuple.names ? v->tuple.names[i] : "");
			text_key_part(sb, &v->tuple.elems[i]);
		}
		sb_putc(sb, '}');
	} else
		text_value(sb, v, 4, 1);
}

void text_key(struct strbuf *sb, const struct map_snapshot *m, const struct value *key)
{
	if (!m->has_keys || key->kind == V_NONE)
		return;
	sb_putc(sb, '[');
	if (key->kind == V_TUPLE) {
		for (size_t i = 0; i < key->tuple.n; i++) {
			if (i)
				sb_puts(sb, ", ");
			text_key_part(sb, &key->tuple.elems[i]);
		}
	} else {
		text_key_part(sb, key);
	}
	sb_putc(sb, ']');
}

/* one "label  count |@@@@   |" row; the bar is count / max * 52 in float */
static void hist_row(struct strbuf *sb, const char *label, uint64_t count, int32_t max,
		     uint64_t div)
{
	float w = (float)count / (float)max * HIST_BAR_WIDTH;
	int bar = w > 0 ? (w < 65536 ? (int)w : 65536) : 0;

	sb_printf(sb, "%-*s%*" PRIu64 " |", HIST_LABEL_WIDTH, label, HIST_COUNT_WIDTH,
		  count / div_or_one(div));
	/* a bar longer than 52 (counts past INT_MAX) is not cut, as in bpftrace */
	for (int i = 0; i < bar || i < HIST_BAR_WIDTH; i++)
		sb_putc(sb, i < bar ? '@' : ' ');
	sb_puts(sb, "|\n");
}

void text_hist(struct strbuf *sb, const struct hist *h, uint64_t div)
{
	uint32_t first, last;
	int32_t max;
	char label[64];

	if (!hist_rows(h, &first, &last, &max))
		return;
	/* bpftrace divides the printed counts but not the bars; lhist ignores div */
	if (h->kind == HIST_LINEAR)
		div = 1;
	for (uint32_t i = first; i <= last; i++) {
		hist_bucket_label(h, i, label, sizeof(label));
		hist_row(sb, label, h->counts[i], max, div);
	}
}

static bool is_hist_map(const struct map_snapshot *m)
{
	return m->agg == AGG_HIST || m->agg == AGG_LHIST;
}

static bool is_stats_map(const struct map_snapshot *m)
{
	return m->agg == AGG_AVG || m->agg == AGG_STATS;
}

/*
 * bpftrace 0.17 joins a map's entries with "\n", except for stack, symbol
 * and address values, which it joins with nothing ("@s[1]: a@s[2]: b").
 */
static bool entries_joined(const struct map_snapshot *m)
{
	switch (m->value_type) {
	case T_KSTACK:
	case T_USTACK:
	case T_KSYM:
	case T_USYM:
	case T_INET:
		return true;
	default:
		return m->agg == AGG_NONE && m->n && m->entries[0].val.kind == V_STACK;
	}
}

void text_map(struct strbuf *sb, const struct map_snapshot *m, uint64_t top, uint64_t div)
{
	if (!m->n) {
		sb_puts(sb, is_stats_map(m) ? "\n\n" : "\n");
		return;
	}
	uint32_t *order = map_sort_order(m);
	if (m->agg == AGG_STATS)
		top = div = 0; /* bpftrace ignores both for stats() */
	size_t skip = top && m->n > top ? m->n - top : 0;
	bool joined = entries_joined(m);
	const char *sep = is_hist_map(m) ? ": \n" : ": ";
	for (size_t i = skip; i < m->n; i++) {
		const struct map_entry *e = &m->entries[order[i]];
		/* the sorted order jumps all over the entries: fetch ahead */
		if (i + TEXT_PREFETCH < m->n)
			__builtin_prefetch(&m->entries[order[i + TEXT_PREFETCH]]);
		if (i != skip && !joined)
			sb_putc(sb, '\n');
		sb_puts(sb, m->name);
		text_key(sb, m, &e->key);
		sb_puts(sb, e->val.kind == V_HIST ? ": \n" : sep);
		text_value(sb, &e->val, 8, div);
	}
	sb_putc(sb, '\n');
	if (is_stats_map(m))
		sb_putc(sb, '\n');
	free(order);
}

/* The text sink. */
void output_write(struct output *o)
{
	if (o->sb.len)
		fwrite(o->sb.buf, 1, o->sb.len, o->f);
	sb_reset(&o->sb);
}

static void text_attached(void *ctx, size_t nprobes)
{
	struct output *o = ctx;
	if (o->quiet)
		return;
	fprintf(o->f, "Attaching %zu probe%s...\n", nprobes, nprobes == 1 ? "" : "s");
}

static void text_text(void *ctx, const char *s, size_t len)
{
	struct output *o = ctx;
	fwrite(s, 1, len, o->f);
}

static void text_output(void *ctx, enum event_kind kind, const char *s, size_t len)
{
	(void)kind;
	text_text(ctx, s, len);
}

static void text_print_value(void *ctx, const struct value *v)
{
	struct output *o = ctx;
	text_value(&o->sb, v, 8, 1);
	sb_putc(&o->sb, '\n');
	output_write(o);
}

static void text_print_map(void *ctx, const struct map_snapshot *m, uint64_t top, uint64_t div)
{
	struct output *o = ctx;
	text_map(&o->sb, m, top, div);
	output_write(o);
}

static void text_lost(void *ctx, uint64_t n)
{
	struct output *o = ctx;
	fprintf(o->f, "Lost %" PRIu64 " events\n", n);
}

static void text_error(void *ctx, const char *msg)
{
	struct output *o = ctx;
	fflush(o->f);
	fprintf(stderr, "%s\n", msg);
}

/* bpftrace 0.17 writes a failed helper's warning to its output (stdout or
 * the -o file), in line with the printf output */
static void text_helper_error(void *ctx, const struct helper_error *e)
{
	struct output *o = ctx;
	sb_puts(&o->sb, e->text);
	sb_putc(&o->sb, '\n');
	output_write(o);
}

/* bpftrace writes these two newlines to stdout even with -o FILE */
void output_exit_begin(void *ctx)
{
	(void)ctx;
	fputs("\n\n", stdout);
}

void output_flush(void *ctx)
{
	struct output *o = ctx;
	fflush(o->f);
}

struct output *output_alloc(FILE *f, const struct bt_opts *opts)
{
	struct output *o = xcalloc(1, sizeof(*o));
	o->f = f;
	o->quiet = opts && opts->quiet;
	return o;
}

struct output *output_new_text(FILE *f, const struct bt_opts *opts)
{
	struct output *o = output_alloc(f, opts);
	o->ops = (struct sink_ops){
		.attached = text_attached,
		.text = text_text,
		.value = text_print_value,
		.map = text_print_map,
		.lost = text_lost,
		.error = text_error,
		.exit_begin = output_exit_begin,
		.flush = output_flush,
		.output = text_output,
		.helper_error = text_helper_error,
		.ctx = o,
	};
	return o;
}

const struct sink_ops *output_sink(struct output *out)
{
	return &out->ops;
}

void output_free(struct output *out)
{
	if (!out)
		return;
	fflush(out->f);
	sb_free(&out->sb);
	free(out);
}
