/*
 * bt.h - what every stage of tracetop shares.
 *
 * Allocation helpers (abort on OOM), the compile arena, a pointer vector and
 * a string buffer, source spans and diagnostics, the type representation
 * used from sema down to the output formatters, the options struct, and
 * struct bt_program: the plain data the compiler hands to the runtime.
 *
 * Nothing here knows LLVM, libbpf or ncurses.
 */
#ifndef TRACETOP_BT_H
#define TRACETOP_BT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACETOP_VERSION "0.1.0"

/* xalloc.c */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bt_bug(const char *file, int line, const char *msg) __attribute__((noreturn));
#define BT_BUG(msg) bt_bug(__FILE__, __LINE__, (msg))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* arena.c: one arena per compilation; everything in it is freed at once. */
struct arena_block;
struct arena {
	struct arena_block *head;
};
void *arena_alloc(struct arena *a, size_t n); /* zeroed, 16-byte aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* vec.c: a growable array of pointers. Says nothing about ownership: the
 * container that embeds it does. */
struct vec {
	void **items;
	size_t len, cap;
};
void vec_push(struct vec *v, void *item);
void vec_free(struct vec *v); /* frees the array, not the items */
/* qsort/bsearch comparison of char * items */
int vec_strcmp(const void *a, const void *b);
/* sorts the string items from index first on and drops repeats (freeing
 * them when owned); returns how many stay from first on */
size_t vec_sort_unique(struct vec *v, size_t first, bool owned);
#define vec_foreach(v, i) for (size_t i = 0; i < (v)->len; i++)

/* strbuf.c: a growable NUL-terminated byte string (may hold NULs too). */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_putc(struct strbuf *sb, char c);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putn(struct strbuf *sb, const char *s, size_t n);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
char *sb_steal(struct strbuf *sb); /* caller frees */
/* the rest of a stream / a whole file as a heap string the caller frees,
 * NUL-terminated ("" when empty), its length in *len (may be NULL); NULL
 * with errno set when it cannot be opened or read */
/* a whole stream or file; NULL with errno on error, EFBIG past SB_READ_MAX
 * (source spans are 32-bit, and no script is this long) */
#define SB_READ_MAX (64u << 20)
char *sb_read_stream(FILE *f, size_t *len);
char *sb_read_file(const char *path, size_t *len);

/* diag.c: source text, spans and collected diagnostics. */
struct source {
	const char *name; /* "stdin" for -e, else the script path */
	const char *text; /* NUL-terminated */
	size_t len;
	/* positional parameters: `$N` inside an attach point is replaced by
	 * the text of parameter N (when given) before it is split */
	char *const *params;
	int nparams;
};

/* A half-open byte range [lo, hi) in the source. */
struct span {
	uint32_t lo, hi;
};

enum diag_sev {
	SEV_ERROR,
	SEV_WARNING,
};

struct diag {
	enum diag_sev sev;
	struct span span;
	bool has_span;
	char *msg;
	char *hint; /* may be NULL */
};

struct diags {
	const struct source *src;
	struct vec list; /* struct diag *, owned (heap) */
	int nerr;
	bool no_warnings; /* diags_print leaves the warnings out */
};

void diags_init(struct diags *d, const struct source *src);
void diag_err(struct diags *d, struct span sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warn(struct diags *d, struct span sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* an error with no place in the source (e.g. "no probes") */
void diag_err_nospan(struct diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* attach a HINT: line to the last diagnostic */
void diag_hint(struct diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* prints like bpftrace: "file:L:C1-C2: ERROR: msg", the line, "~~~" */
void diags_print(const struct diags *d, FILE *f);
void diags_free(struct diags *d);
struct span span_join(struct span a, struct span b);

/*
 * Types, from sema down to output. Type objects are immutable once built;
 * the singletons below are static, others live in the compile arena or (for
 * the runtime's copies in bt_program) are owned by the program.
 */
enum type_kind {
	T_NONE,      /* no value (statements, void calls) */
	T_INT,       /* integer: size 1/2/4/8, is_signed */
	T_STR,       /* NUL-padded string of size bytes */
	T_BUF,       /* buf(): u32 length + size bytes of data */
	T_TUPLE,     /* fields[] at offsets, packed with natural alignment */
	T_RECORD,    /* a C struct/union (BTF or script-defined): name, fields */
	T_PTR,       /* pointer to elem (kernel or user address space) */
	T_ARRAY,     /* count x elem */
	T_CTX,       /* the probe context (args of a tracepoint is a T_PTR to a T_RECORD) */
	T_KSTACK,    /* stack id (u64); printed symbolised, stack_mode/limit */
	T_USTACK,    /* stack id + pid (2 x u64) */
	T_KSYM,      /* kernel address, printed as symbol */
	T_USYM,      /* user address + pid (2 x u64), printed as symbol */
	T_PROBE,     /* probe index (u64), printed as the probe's full name */
	T_USERNAME,  /* uid (u64), printed as user name */
	T_INET,      /* ntop(): af (u64) + 16 address bytes */
	T_MAC,       /* macaddr(): 6 bytes */
	T_TIMESTAMP, /* strftime(): fmt id + nsecs */
	T_CGROUP_PATH,
	T_STRERROR,
	/* map value kinds: only as the value type of a map */
	T_COUNT,
	T_SUM,
	T_MIN,
	T_MAX,
	T_AVG,
	T_STATS,
	T_HIST,
	T_LHIST,
};

enum stack_mode {
	STACK_BPFTRACE,
	STACK_PERF,
	STACK_RAW,
};

struct type;
struct field {
	const char *name; /* NULL for tuple elements */
	const struct type *type;
	uint32_t offset;
	uint16_t bitfield_off, bitfield_len; /* bits; len 0 = not a bitfield */
};

struct type {
	enum type_kind kind;
	uint32_t size; /* bytes as stored in BPF (map key/value, record) */
	uint32_t align;
	bool is_signed;        /* T_INT, T_SUM, T_MIN, T_MAX */
	bool is_user;          /* T_PTR: points into user memory */
	bool any_space;        /* T_PTR: an integer cast to a pointer (bpftrace:
				  no address space): read with probe_read */
	const char *name;      /* T_RECORD: "struct path"; T_INT: "u64"... */
	const struct type *elem; /* T_PTR, T_ARRAY */
	uint32_t count;          /* T_ARRAY: elements; T_TUPLE/T_RECORD: nfields */
	const struct field *fields;
	/* T_KSTACK/T_USTACK */
	enum stack_mode stack_mode;
	uint32_t stack_limit;
	/* T_LHIST */
	int64_t lh_min, lh_max, lh_step;
	int64_t btf_id; /* T_RECORD/T_PTR from kernel BTF: type id, else 0 */
};

extern const struct type t_none, t_u8, t_u16, t_u32, t_u64, t_s8, t_s16, t_s32, t_s64;
/* types.c */
const char *type_str(const struct type *t, char *buf, size_t len); /* "unsigned int64", "string[64]" */
void type_fmt(const struct type *t, struct strbuf *sb);              /* the same, appended */
bool type_equal(const struct type *a, const struct type *b);
bool type_is_map_value_kind(const struct type *t); /* T_COUNT .. T_LHIST */
/* the built-in integer of 1, 2, 4 or 8 bytes (&t_s32 ...); NULL for other sizes */
const struct type *type_int(bool is_signed, uint32_t size);

/* Options from the command line, passed down by main. */
enum output_format {
	OUT_TEXT,
	OUT_JSON,
};

enum buffer_mode {
	BUF_DEFAULT, /* line if terminal, full otherwise (bpftrace's default) */
	BUF_LINE,
	BUF_FULL,
	BUF_NONE,
};

struct bt_opts {
	const char *program_text; /* -e */
	const char *program_file;
	char **params; /* $1..$N */
	int nparams;
	char **include_dirs; /* -I DIR, searched first */
	int ninclude_dirs;
	char **include_files; /* --include FILE, as `#include <FILE>` lines */
	int ninclude_files;
	const char *cmd; /* -c */
	/* -c's stdout and stderr go to a pseudo-terminal the runtime reads and
	 * hands to sink->child_line (the dashboard), stdin is /dev/null; false:
	 * the command inherits tracetop's terminal, as with bpftrace */
	bool cmd_capture;
	int pid;         /* -p, 0 = none */
	const char *output_file;
	enum output_format format;
	enum buffer_mode buffering;
	bool quiet, unsafe, plain, verbose, dry_run;
	bool no_warnings; /* --no-warnings: no WARNING at compile or run time */
	int helper_check_level; /* -k, -kk */
	double interval_s;      /* TUI refresh */
	const char *theme;
	bool unicode, print_on_exit;
	const char *dump; /* -d ast|types|ir|bpf */
	uint32_t strlen_max;   /* BPFTRACE_STRLEN, default 64 */
	uint32_t map_keys_max; /* BPFTRACE_MAP_KEYS_MAX, default 4096 */
	uint32_t max_probes;   /* BPFTRACE_MAX_PROBES, default 512 */
	uint32_t max_bpf_progs; /* BPFTRACE_MAX_BPF_PROGS, default 512 */
	uint32_t cat_bytes_max; /* BPFTRACE_CAT_BYTES_MAX, default 10240 */
	bool hist_sums; /* --prometheus: hist/lhist maps keep an exact sum (bt_map.hist_sum) */
};

/*
 * struct bt_program: the compiler's product, the runtime's input.
 * Everything is heap-owned by the program; bt_program_free releases it.
 */
enum probe_kind {
	PK_BEGIN,
	PK_END,
	PK_TRACEPOINT,
	PK_RAWTRACEPOINT,
	PK_KPROBE,
	PK_KRETPROBE,
	PK_FENTRY,
	PK_FEXIT,
	PK_UPROBE,
	PK_URETPROBE,
	PK_USDT,
	PK_PROFILE,
	PK_INTERVAL,
	PK_SOFTWARE,
	PK_HARDWARE,
	PK_WATCHPOINT,
};

struct bt_probe {
	enum probe_kind kind;
	char *name;      /* full name, as the `probe` builtin prints it:
			    "tracepoint:syscalls:sys_enter_openat" */
	char *prog_name; /* BPF function name in the object ([A-Za-z0-9_]) */
	/* attach target, by kind:
	 *  tracepoint:   target = category, func = event
	 *  rawtracepoint: func = tracepoint name
	 *  kprobe/kretprobe/fentry/fexit: target = module or NULL, func, offset
	 *  uprobe/uretprobe: target = binary path, func = symbol or NULL, offset/addr
	 *  usdt:         target = binary path, ns = provider, func = probe name,
	 *                address = the probe site (one bt_probe per site)
	 *  profile/interval: period in nanoseconds (freq_hz if given as hz)
	 *  software/hardware: func = event name, count = sample period
	 */
	char *target;
	char *ns;
	char *func;
	uint64_t offset;
	uint64_t address;
	uint64_t period_ns;
	uint64_t freq_hz;
	uint64_t count;
	int pid; /* uprobes: restrict to pid (-p), 0 = all */
	/* kprobe/kretprobe only: this kernel has no kprobes, so sema compiled
	 * the probe as fentry/fexit (same `probe` name, arg0..N and retval
	 * read from the trampoline's argument slots) */
	bool as_fentry;
	/* kprobe/kretprobe only: why it could not run as fentry here (static
	 * text, not freed), or NULL */
	const char *no_fentry;
	/* one of several attach points of its probe, or of a wildcard's
	 * functions: a kprobe that fails to attach (no such function) is
	 * skipped with a warning, as bpftrace does, instead of ending the run */
	bool skippable;
};

enum map_agg {
	AGG_NONE,  /* plain value map (@x = expr) */
	AGG_COUNT, /* u64 per cpu, summed */
	AGG_SUM,   /* s64/u64 per cpu, summed */
	AGG_MIN,   /* {value, set} per cpu */
	AGG_MAX,   /* {value, set} per cpu */
	AGG_AVG,   /* {total, count} per cpu */
	AGG_STATS, /* {total, count} per cpu */
	AGG_HIST,  /* key = user key + u64 bucket; u64 per cpu; 65 buckets */
	AGG_LHIST, /* key = user key + u64 bucket; u64 per cpu */
};

/*
 * BPF-side layout of map values, shared by codegen and the runtime:
 *   AGG_NONE            BPF_MAP_TYPE_HASH, value = the value type's bytes
 *   AGG_COUNT, AGG_SUM  PERCPU_HASH, u64/s64 (a scalar sum, is_array below:
 *                       struct { s64 value; u64 set; }, as min/max)
 *   AGG_MIN, AGG_MAX    PERCPU_HASH, struct { s64 value; u64 set; } (set = 1 once written)
 *   AGG_AVG, AGG_STATS  PERCPU_HASH, struct { s64 total; u64 count; }
 *   AGG_HIST, AGG_LHIST PERCPU_HASH, key = user key + u64 bucket index, value u64
 *                       with hist_sum, the trailing index bt_map_hist_buckets() holds
 *                       an s64 running sum of the values instead of a count
 * A map without keys (@x) uses a u64 key of 0. Keys are the user key's
 * bytes packed as its T_TUPLE type says (strings zero-padded).
 *
 * Besides the user maps the object holds: the event ring buffer
 * (prog->ringbuf_name), stack trace maps when stacks are used, and, when
 * the program reads cpid or elapsed or has a BEGIN probe, a 1-entry ARRAY "tt_config" whose
 * value is struct tt_config, written by the runtime after load and before
 * any probe is attached.
 */
struct tt_config {
	uint64_t cpid;     /* -c child's pid */
	uint64_t start_ns; /* bpf_ktime_get_ns() base for `elapsed` */
	uint64_t begun;    /* 1 once BEGIN has run (see bt_program.gated) */
};

struct bt_map {
	char *name;     /* "@x", or "@" for the anonymous map */
	char *elf_name; /* name in the object's .maps: "AT_x", "AT_" */
	enum map_agg agg;
	const struct type *key;   /* user key: T_TUPLE for several keys, NULL for a scalar map */
	const struct type *value; /* value as the user sees it (T_COUNT, T_INT, T_STR ...) */
	uint32_t key_size;        /* bytes of the BPF key (user key + 8 for hist/lhist) */
	uint32_t value_size;      /* bytes of one (per-cpu) BPF value */
	bool percpu;
	uint32_t max_entries;
	int64_t lh_min, lh_max, lh_step; /* AGG_LHIST */
	/* Set by codegen: a scalar count/sum/min/max/avg/stats map is a 1-entry
	 * BPF_MAP_TYPE_PERCPU_ARRAY (the verifier inlines its lookup: no hash
	 * per event). key_size is then 4 (u32 key 0); the entry always exists
	 * (all zero until written) and cannot be deleted: clear() zeroes it. */
	bool is_array;
	/* Set by codegen (opts->hist_sums, for the metrics exporter): each user
	 * key of a hist/lhist map also has the bucket index bt_map_hist_buckets(m),
	 * one past the last real bucket, whose per-CPU value is the s64 sum of
	 * the values recorded (wrapping like bpftrace's sum()). */
	bool hist_sum;
};

/* program.c: buckets of a hist (65) or lhist ((max - min) / step + 2) map */
uint32_t bt_map_hist_buckets(const struct bt_map *m);

/* Records on the ring buffer start with a u64 holding (kind << 32 | index). */
enum event_kind {
	EV_PRINTF = 1,   /* index = format id; then the packed args */
	EV_EXIT,         /* no payload */
	EV_PRINT_MAP,    /* index = map id; then u64 top, u64 div */
	EV_CLEAR_MAP,    /* index = map id */
	EV_ZERO_MAP,     /* index = map id */
	EV_PRINT_VALUE,  /* index = format id (its single arg's type) */
	EV_TIME,         /* index = format id (time format string); no args */
	EV_JOIN,         /* index = format id (delimiter); then argv strings */
	EV_SYSTEM,       /* index = format id; printf-style args */
	EV_CAT,          /* index = format id; printf-style args */
	EV_RUNTIME_ERROR,/* index = error id; then s64 return code */
};

struct bt_format {
	enum event_kind kind;
	char *fmt;                  /* printf/system/cat format, time format, join delimiter */
	const struct type *args;    /* T_TUPLE of the packed args (NULL when none) */
	uint32_t size;              /* total record size including the 8-byte header */
};

struct bt_runtime_error {
	char *msg;       /* "Failed to map_update_elem" */
	struct span span;
};

/* A call of a helper the kernel allows only in some probes (path()'s
 * bpf_d_path): where it is, for the error when the load is refused. */
struct bt_helper_use {
	int helper; /* BPF_FUNC_* */
	struct span span;
};

/* Where a map comes from in the source (for metrics labels and HELP). */
struct bt_map_meta {
	const char *name;        /* "@x", as in prog->maps */
	uint32_t line;           /* 1-based line of the map's first use */
	uint32_t nkeys;          /* keys of its first keyed use */
	const char **key_names;  /* nkeys: builtin name ("comm", "pid") or NULL */
};

struct bt_program {
	void *obj;       /* BPF ELF object in memory (heap) */
	size_t obj_len;
	struct bt_probe *probes;
	size_t nprobes;
	struct bt_map *maps; /* sorted by name: the order of the exit dump */
	size_t nmaps;
	struct bt_format *formats;
	size_t nformats;
	struct bt_runtime_error *errors;
	size_t nerrors;
	const char *ringbuf_name;  /* ELF name of the event ring buffer map */
	const char *kstack_map;    /* ELF name of the stack trace map, or NULL */
	const char *ustack_map;
	bool needs_cpid;           /* the program reads cpid */
	char **notes;              /* lines printed under -v before attaching (xmalloc'd) */
	size_t nnotes;
	/* Set by codegen when the program has a BEGIN probe: every other
	 * probe returns at once until tt_config.begun is 1. The runtime
	 * attaches everything, then runs BEGIN, then sets begun: BEGIN runs
	 * before any other probe fires, after all are attached (bpftrace's
	 * order for __BPFTRACE_NOTIFY_PROBES_ATTACHED). */
	bool gated;
	struct arena types;        /* owns the types the program points to */
	/* sema_maps.c, for the metrics exporter: nmaps entries in prog->maps
	 * order (allocated in types), or NULL */
	struct bt_map_meta *map_meta;
	struct bt_helper_use *helper_uses; /* codegen (xmalloc'd) */
	size_t nhelper_uses;
};

void bt_program_free(struct bt_program *p);
/* The heap strings of one probe (name, prog_name, target, ns, func). */
void bt_probe_free_strings(struct bt_probe *bp);

#endif
