/*
 * model.h - the neutral snapshot of a program's maps and events.
 *
 * The runtime decodes BPF bytes into these values (per-CPU values already
 * folded, symbols already resolved); output/ and tui/ only render them.
 * Nothing here knows BPF, LLVM or ncurses.
 *
 * Ownership: a struct snapshot owns everything below it (one arena per
 * snapshot); snapshot_free releases it all at once.
 */
#ifndef TRACETOP_MODEL_H
#define TRACETOP_MODEL_H

#include "../bt.h"

enum value_kind {
	V_NONE,
	V_INT,    /* signed or unsigned 64-bit: .i / .u, is_signed */
	V_STR,    /* .str (NUL-terminated; may come from probe, ksym, username ...) */
	V_BUF,    /* .buf: raw bytes, printed as \x escapes */
	V_TUPLE,  /* .tuple: elems */
	V_RECORD, /* .tuple with field names (structs) */
	V_ARRAY,  /* .tuple: elems, printed [a,b,c] */
	V_STACK,  /* .stack: frames (already symbolised strings) and mode */
	V_COUNT,  /* aggregated values, with the map kind they came from */
	V_SUM,
	V_MIN,
	V_MAX,
	V_AVG,   /* .stats: count, total (average = total / count) */
	V_STATS, /* .stats */
	V_HIST,  /* .hist */
};

enum hist_kind {
	HIST_LOG2,
	HIST_LINEAR,
};

struct value;

struct hist {
	enum hist_kind kind;
	uint32_t nbuckets;         /* log2: 65; linear: (max-min)/step + 3 */
	int64_t lmin, lmax, lstep; /* HIST_LINEAR */
	uint64_t *counts;          /* nbuckets entries */
	/* the exact sum of the values recorded, when the BPF side kept one
	 * (--prometheus); text, JSON and the TUI show the buckets only */
	bool has_sum;
	int64_t sum;
};

struct value {
	enum value_kind kind;
	bool is_signed;
	union {
		int64_t i;
		uint64_t u;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			const uint8_t *bytes;
			size_t len;
		} buf;
		struct {
			struct value *elems;
			const char **names; /* V_RECORD: field names */
			size_t n;
		} tuple;
		struct {
			const char **frames; /* "sym+off" or raw "0x..." */
			uint64_t *addrs;
			size_t n;
			enum stack_mode mode;
		} stack;
		struct {
			uint64_t count;
			int64_t total;
		} stats;
		struct hist hist;
	};
};

/* One entry of a map: key (V_NONE for a scalar map, V_TUPLE for several keys). */
struct map_entry {
	struct value key;
	struct value val;
};

struct map_snapshot {
	const char *name; /* "@x" */
	enum map_agg agg;
	struct map_entry *entries;
	size_t n;
	bool has_keys;
	size_t max_entries;
	/* the value's type kind (T_KSYM, T_INET, T_KSTACK ...) when known,
	 * T_NONE otherwise: bpftrace 0.17 prints the entries of kstack, ustack,
	 * ksym, usym and inet maps with no newline between them */
	enum type_kind value_type;
};

struct snapshot {
	struct arena arena; /* owns everything below */
	struct map_snapshot *maps;
	size_t nmaps;
	uint64_t taken_ns; /* CLOCK_MONOTONIC */
	uint64_t events_total, lost_total;
};

void snapshot_free(struct snapshot *s);
/* snapshot.c: a heap snapshot with nmaps zeroed maps; allocations below it
 * (entries, strings, counts) come from its arena via snapshot_alloc */
struct snapshot *snapshot_new(size_t nmaps);
void *snapshot_alloc(struct snapshot *s, size_t n); /* zeroed */

/* A BPF helper that failed at run time (-k, -kk): bpftrace's JSON parts */
struct helper_error {
	const char *helper; /* "probe_read", "map_lookup_elem" */
	int64_t retcode;    /* what it returned: -errno (or 0 for a lookup) */
	unsigned line, col; /* where the call is in the program, from 1 */
	const char *text;   /* the located WARNING, as the text output prints it */
};

/*
 * What a run produces, delivered to an output sink (plain text, JSON, the
 * TUI). printf/time/join/system/cat output arrives already formatted.
 */
struct sink_ops {
	void (*attached)(void *ctx, size_t nprobes);        /* "Attaching N probes..." */
	void (*text)(void *ctx, const char *s, size_t len);  /* printf and friends */
	void (*value)(void *ctx, const struct value *v);     /* print(non-map) */
	/* print(@m, top, div), and each map of the exit dump (top = div = 0) */
	void (*map)(void *ctx, const struct map_snapshot *m, uint64_t top, uint64_t div);
	void (*lost)(void *ctx, uint64_t n);                 /* "Lost N events" */
	void (*error)(void *ctx, const char *msg);           /* runtime warnings/errors */
	void (*exit_begin)(void *ctx);                       /* before the exit map dump */
	void (*flush)(void *ctx);
	void *ctx;
	/* optional (may be NULL): formatted output with its origin (EV_PRINTF,
	 * EV_TIME, EV_JOIN, EV_CAT, EV_SYSTEM), so JSON can tag it "printf",
	 * "time", "join", "cat", "syscall". Call through sink_output(). */
	void (*output)(void *ctx, enum event_kind kind, const char *s, size_t len);
	/* optional: one line (without its newline) the -c command wrote, when
	 * its output is captured (bt_opts.cmd_capture: the dashboard). Without
	 * it the runtime writes such lines to stdout. */
	void (*child_line)(void *ctx, const char *s, size_t len);
	/* optional: a failed BPF helper (-k), in parts for JSON's
	 * helper_error; without it the sink gets e->text through error() */
	void (*helper_error)(void *ctx, const struct helper_error *e);
};

/* snapshot.c: calls ops->output when set, else ops->text */
void sink_output(const struct sink_ops *ops, enum event_kind kind, const char *s, size_t len);

/* hist.c: bucket labels and bounds, shared by text, json and the TUI */
/* label as bpftrace 0.17 prints it: "[4, 8)", "(..., 0)", "[1K, 2K)" */
void hist_bucket_label(const struct hist *h, uint32_t idx, char *buf, size_t len);
/* inclusive bounds of a bucket; has_lo/has_hi false for open ends */
void hist_bucket_bounds(const struct hist *h, uint32_t idx, int64_t *lo, bool *has_lo, int64_t *hi,
			bool *has_hi);
/* log2 bucket index of a value, as the BPF side computes it */
uint32_t hist_log2_index(int64_t v);
uint64_t hist_total(const struct hist *h);
/* the rows bpftrace 0.17 prints, [*first, *last], and its bar scale;
 * false when it prints no row at all */
bool hist_rows(const struct hist *h, uint32_t *first, uint32_t *last, int32_t *max_value);
/* percentile estimate (0..100) from the buckets, linear within a bucket */
double hist_percentile(const struct hist *h, double pct);

/* sort.c: bpftrace's exit-dump ordering of a map's entries */
void map_sort_entries(struct map_snapshot *m);
/* the same order without moving entries: m->n indices (caller frees) */
uint32_t *map_sort_order(const struct map_snapshot *m);
int value_compare(const struct value *a, const struct value *b);
/* avg/stats average as bpftrace computes it: signed total / count, 0 if empty */
int64_t value_avg(const struct value *v);

/* value_text.c: the text of scalar values, the same in text, JSON, the TUI
 * and the exporter */
/* an integer divided by div (0 or 1: as it is), signed or not, in decimal */
void value_put_int(struct strbuf *sb, uint64_t u, bool is_signed, uint64_t div);
/* raw bytes: printable ASCII as it is, anything else as \xNN */
void value_put_bytes(struct strbuf *sb, const uint8_t *p, size_t n);
/* a stats value: "count N, average N, total N" */
void value_put_stats(struct strbuf *sb, const struct value *v);

#endif
