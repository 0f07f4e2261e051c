/*
 * output.h - rendering snapshots and events as text: bpftrace's classic
 * format (text.c), its JSON lines (json.c), and the printf engine (printf.c).
 */
#ifndef TRACETOP_OUTPUT_H
#define TRACETOP_OUTPUT_H

#include "../bt.h"
#include "../model/model.h"

/* wanted by main.c (the lead): an output sink writing to a FILE */
struct output;
struct output *output_new_text(FILE *f, const struct bt_opts *o);
struct output *output_new_json(FILE *f, const struct bt_opts *o);
const struct sink_ops *output_sink(struct output *out);
void output_free(struct output *out); /* flushes; does not close f */

/* private to text.c and json.c: the sink state behind struct output */
struct output {
	FILE *f;
	bool quiet;
	struct sink_ops ops;
	struct strbuf sb;
};

/* text.c: what the text and JSON sinks share: allocation, the exit
 * dump's two leading newlines (on stdout, even with -o), flushing */
struct output *output_alloc(FILE *f, const struct bt_opts *opts);
void output_write(struct output *o); /* writes out->sb to the file, empties it */
void output_exit_begin(void *ctx);
void output_flush(void *ctx);

/* text.c: bpftrace 0.17's classic text, appended to a strbuf */
/*
 * A value as bpftrace prints it: integers, strings, buffers (\x escapes),
 * tuples "(1, a)", records "{ .a = 1 }", arrays "[1,2]", aggregates (divided
 * by div, 0 = 1), stacks as "\n" + frames indented by stack_indent spaces
 * (4 in map keys, 8 elsewhere; perf mode "\t<hex> sym").
 */
void text_value(struct strbuf *sb, const struct value *v, int stack_indent, uint64_t div);
/* one key component: integers always signed 64-bit, as bpftrace prints keys */
void text_key_part(struct strbuf *sb, const struct value *v);
/* "[k1, k2]" for a keyed map entry, "" for a scalar map */
void text_key(struct strbuf *sb, const struct map_snapshot *m, const struct value *key);
/* the rows of one histogram (16/8/52 columns), nothing when it is all zero */
void text_hist(struct strbuf *sb, const struct hist *h, uint64_t div);
/* a whole map as print(@m, top, div) and the exit dump print it */
void text_map(struct strbuf *sb, const struct map_snapshot *m, uint64_t top, uint64_t div);
/* a stack: "\n" then one line per frame */
void text_stack(struct strbuf *sb, const struct value *v, int indent);

/* json.c: bpftrace 0.17's -f json shapes */
void json_string(struct strbuf *sb, const char *s, size_t len); /* quoted, escaped */
void json_value(struct strbuf *sb, const struct value *v, uint64_t div);
/* the full line for a map ("{"type": "map", ...}\n"), nothing for an empty map */
void json_map(struct strbuf *sb, const struct map_snapshot *m, uint64_t top, uint64_t div);

/*
 * printf.c: bpftrace's printf. A conversion is
 *   %[-][width][.precision][hh|h|l|ll|j|z|t](d|u|x|X|o|p)  integers
 *   %[-][width][.precision]c  %[-][width][.precision]s
 *   %r %rx %rh                                          buffers
 * Anything else (%i, %+d, %f ...) is not a conversion and consumes nothing.
 */
enum printf_arg {
	PF_INT, /* d u x X o c p */
	PF_STR, /* s: strings, and anything printable as text */
	PF_BUF, /* r rx rh */
};

struct printf_conv {
	uint32_t start, end; /* byte offsets of "%...x" in the format */
	enum printf_arg arg;
	char conv[3]; /* "d", "x", "rx" ... */
};

/* Find the conversions of fmt; *out (xmalloc'd, caller frees) gets them.
 * Returns how many, i.e. how many arguments the format takes. */
size_t printf_parse(const char *fmt, struct printf_conv **out);
/* Format like bpftrace: args are the decoded arguments in order. */
void printf_format(struct strbuf *sb, const char *fmt, const struct value *args, size_t nargs);
/* strftime(): local time of epoch_ns with bpftrace's %f (microseconds);
 * "(?)" when the result is empty, as bpftrace prints it */
void printf_strftime(struct strbuf *sb, const char *fmt, uint64_t epoch_ns);
/* time(): plain strftime, no %f. Returns -1 (and appends nothing) when the
 * result is empty: bpftrace then prints "ERROR: strftime returned 0" to
 * stderr and nothing to stdout. */
int printf_time(struct strbuf *sb, const char *fmt, uint64_t epoch_ns);
/* join(): the strings separated by delim, then a newline */
void printf_join(struct strbuf *sb, const char *const *strs, size_t n, const char *delim);
/* buffers as %r (printable kept, others \xNN), %rx (all \xNN), %rh ("61 62") */
void printf_buf(struct strbuf *sb, const uint8_t *b, size_t len, const char *conv);

#endif
