/*
 * tui.h - the live dashboard.
 *
 * The TUI draws struct snapshot values (model.h) and the text a program
 * prints; it knows nothing of BPF. main.c implements struct tui_source over
 * the runtime and calls tui_run. Everything is composed into an in-memory
 * cell grid first (grid.c) and only then blitted to the terminal
 * (screen.c), so the whole dashboard can be rendered and dumped as text
 * without a terminal: tests drive tui_new/tui_feed/tui_key/tui_compose.
 *
 * Only screen.c includes <ncurses.h>; keys arrive as TUI_KEY_* codes.
 */
#ifndef TRACETOP_TUI_H
#define TRACETOP_TUI_H

#include "../bt.h"
#include "../model/model.h"

/* ---- public API (main.c) ---------------------------------------------- */

struct tui_opts {
	double interval_s; /* refresh interval, default 1; fractions allowed */
	const char *theme; /* theme name or path; NULL = "default" */
	bool unicode;      /* block characters for bars, sparklines, heat map */
	size_t log_lines;  /* printf lines kept; 0 = 1000 */
	/* append a line per refresh and per key with the time each took
	 * (stats.c; main.c: TRACETOP_TUI_STATS); NULL = none */
	const char *stats_path;
};

/*
 * What the dashboard draws, implemented by the caller. poll and snapshot
 * are required, the rest optional.
 *
 * The TUI's sink (tui_sink) receives printf text, print(value), lost events
 * and errors into the log pane, and so do the lines of a -c command
 * (sink->child_line, marked as the command's); print(@map) arrives as sink->map and is
 * shown in the map's panel (interval-driven dashboards: `interval:s:1 {
 * print(@x); clear(@x); }`), not as text. The map given to sink->map is only
 * borrowed for the duration of the call. The sink may be used before
 * tui_run (BEGIN's output) and after it.
 */
struct tui_source {
	void *ctx;
	const char *program; /* program text, shortened in the header */
	const char *command; /* -c command's name: marks its lines in the output
				pane ("[name] "); NULL = "-c" */
	size_t nprobes;      /* probes attached, for the header */
	/* wait up to timeout_ms (0: do not block) for events and deliver them;
	 * returns 1 when the program wants to exit (exit(), -c child ended, a
	 * signal caught by the caller), 0 otherwise, or -errno */
	int (*poll)(void *ctx, int timeout_ms, const struct sink_ops *sink);
	/* a new snapshot of every map; caller-allocated, the TUI frees it with
	 * snapshot_free. NULL = no data this tick. */
	struct snapshot *(*snapshot)(void *ctx);
	/* clear a map in the kernel ("@x"); 0 or -errno */
	int (*clear_map)(void *ctx, const char *name);
	/* an fd that becomes readable when events wait (rt_event_fd), so
	 * printf output shows at once; the TUI still polls every 100 ms. NULL
	 * or -1: it polls every 50 ms */
	int (*event_fd)(void *ctx);
};

enum tui_exit {
	TUI_EXIT_NONE,
	TUI_EXIT_QUIT,    /* the user pressed q */
	TUI_EXIT_PROGRAM, /* poll returned 1 (exit(), child ended, caller's signal) */
	TUI_EXIT_SIGNAL,  /* SIGINT/SIGTERM/SIGHUP caught by the TUI's own handler */
};

/* The dashboard's state; its sink can collect BEGIN output before tui_run. */
struct tui *tui_new(const struct tui_opts *o);
const struct sink_ops *tui_sink(struct tui *t);
/*
 * Run the dashboard until q, a signal or the program's exit. When the
 * caller has no handler of its own for SIGINT/SIGTERM/SIGHUP, the TUI
 * installs one for the duration. The terminal is restored on every return
 * path (also on a crash: fatal signals restore it before dying). Returns 0,
 * or 1 when no terminal could be set up (a message went to stderr).
 * Warnings (bad theme file) go to stderr before the screen opens.
 */
int tui_run(struct tui *t, const struct tui_source *src);
enum tui_exit tui_exit_reason(const struct tui *t);
/* after tui_run: the -c command's lines the output pane still holds (the
 * last opts.log_lines lines of output), so they are not lost with the screen */
void tui_print_command_output(const struct tui *t, FILE *f);
int tui_exit_signal(const struct tui *t); /* with TUI_EXIT_SIGNAL */
void tui_free(struct tui *t);
/* true when stdin and stdout are terminals and TERM is set and not "dumb" */
bool tui_usable(void);

/* ---- internals ---------------------------------------------------------- */

/* keys as the TUI sees them (screen.c maps ncurses codes to these) */
enum tui_keycode {
	TUI_KEY_NONE = -1,
	TUI_KEY_ENTER = '\n',
	TUI_KEY_TAB = '\t',
	TUI_KEY_ESC = 27,
	TUI_KEY_BACKSPACE = 127,
	TUI_KEY_UP = 0x10000,
	TUI_KEY_DOWN,
	TUI_KEY_LEFT,
	TUI_KEY_RIGHT,
	TUI_KEY_PGUP,
	TUI_KEY_PGDN,
	TUI_KEY_HOME,
	TUI_KEY_END,
	TUI_KEY_BTAB, /* Shift-Tab */
	TUI_KEY_RESIZE,
};

/* what a key handler asks the loop to do */
enum tui_action {
	TUI_REDRAW = 1,  /* compose and blit again */
	TUI_RESCAN = 2,  /* take a snapshot now */
	TUI_QUIT = 4,    /* leave tui_run */
	TUI_RETHEME = 8, /* the theme changed: set colours up again */
};

/* theme.c: colour roles (X-macro: enum name, theme file name) */
#define TUI_ROLES(_)                                                                               \
	_(DEFAULT, "default")            /* anything else */                                       \
	_(HEADER, "header")              /* the header line */                                     \
	_(HEADER_HI, "header-highlight") /* figures in the header */                               \
	_(PAUSED, "paused")              /* PAUSED in the header */                                \
	_(TITLE, "title")                /* panel title bar */                                     \
	_(TITLE_FOCUS, "title-focus")    /* title bar of the focused panel */                      \
	_(COLHEAD, "column-header")      /* table column names */                                  \
	_(COLHEAD_SORT, "column-sorted") /* the column sorted by */                                \
	_(KEY, "key")                    /* map keys */                                            \
	_(VALUE, "value")                /* map values, counts */                                  \
	_(RATE, "rate")                  /* per-second rates */                                    \
	_(BAR, "bar")                    /* share and histogram bars */                            \
	_(BAR_EMPTY, "bar-empty")        /* the unfilled part of a bar */                          \
	_(SPARK, "sparkline")            /* rate history */                                        \
	_(LABEL, "label")                /* histogram bucket labels */                             \
	_(PCT, "percentile")             /* p50/p90/p99 line */                                    \
	_(HEAT1, "heat-1")               /* heat map, lowest shade */                              \
	_(HEAT2, "heat-2")                                                                         \
	_(HEAT3, "heat-3")                                                                         \
	_(HEAT4, "heat-4")        /* heat map, highest shade */                                    \
	_(SELECTED, "selected")   /* cursor row of the focused panel */                            \
	_(MORE, "more")           /* "N more" lines, hints */                                      \
	_(LOG, "log")             /* printf output */                                              \
	_(ERROR, "error")         /* runtime errors, warnings */                                   \
	_(STATUS, "status")       /* the bottom line */                                            \
	_(HELP, "help")           /* the help overlay */                                           \
	_(SEPARATOR, "separator") /* between columns */

enum color_role {
#define TUI_ROLE_ENUM(name, str) C_##name,
	TUI_ROLES(TUI_ROLE_ENUM)
#undef TUI_ROLE_ENUM
		C_NROLES
};

/* attributes, independent of ncurses (screen.c maps them) */
enum theme_attr {
	TA_BOLD = 1,
	TA_REVERSE = 2,
	TA_UNDERLINE = 4,
	TA_DIM = 8,
	TA_BLINK = 16,
	TA_STANDOUT = 32,
	TA_ITALIC = 64,
};

#define THEME_COLOR_DEFAULT (-1)

struct theme_style {
	short fg, bg;   /* 0..255, or THEME_COLOR_DEFAULT */
	unsigned attrs; /* enum theme_attr bits */
};

struct theme {
	char name[64];
	struct theme_style roles[C_NROLES];
};

const char *theme_role_name(enum color_role r);
void theme_default(struct theme *th);
/* Apply a theme file over th. Unknown roles/colours/attributes and bad lines
 * append "FILE:LINE: warning: ..." lines to warn and are skipped. Returns 0,
 * or -errno when the file cannot be read (th is unchanged then). */
int theme_load_file(struct theme *th, const char *path, struct strbuf *warn);
/* Find a theme by name ("solarized-dark") or path and load it over the
 * default; on failure th is the default and warn says why. */
int theme_load(struct theme *th, const char *name, struct strbuf *warn);
/* Names of the available themes (built-in "default" first), sorted; caller
 * frees the vec's strings with free() and the vec with vec_free. */
void theme_list(struct vec *names);

/* grid.c: the in-memory screen */
#define GRID_CONT 0xffffffffu /* right half of a double-width character */

struct cell {
	uint32_t ch; /* Unicode code point */
	uint8_t role;
};

struct rect {
	int x, y, w, h;
};

struct grid {
	int w, h;
	struct cell *cells;
};

void grid_init(struct grid *g, int w, int h);
void grid_resize(struct grid *g, int w, int h);
void grid_free(struct grid *g);
void grid_clear(struct grid *g);
struct cell *grid_at(struct grid *g, int x, int y); /* NULL outside */
void grid_fill(struct grid *g, struct rect r, uint32_t ch, int role);
void grid_putc(struct grid *g, int x, int y, uint32_t ch, int role);
/* UTF-8 text clipped to maxw columns (and the grid); returns columns used */
int grid_puts(struct grid *g, int x, int y, int maxw, int role, const char *s);
int grid_printf(struct grid *g, int x, int y, int maxw, int role, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* right-aligned in a field of w columns */
void grid_puts_right(struct grid *g, int x, int y, int w, int role, const char *s);
void grid_set_role(struct grid *g, struct rect r, int role);
/* as text, one line per row, trailing blanks removed */
void grid_dump(const struct grid *g, FILE *f);
/* display width of UTF-8 text (invalid bytes count 1) */
int text_width(const char *s);

/* format.c: values as text for keys, scalars and the log */
void fmt_key(struct strbuf *sb, const struct value *v);   /* "bash", "1, x", stacks by leaf */
void fmt_value(struct strbuf *sb, const struct value *v); /* print(value) text */
/* a number in at most w columns: 1234567 -> "1234567" or "1.2M" */
void fmt_num(char *buf, size_t len, double v, int w);
void fmt_duration(char *buf, size_t len, double seconds); /* "1:02:03" */
/* value of an aggregated entry as a number (avg: total/count), and whether
 * it is one */
bool entry_number(const struct value *v, double *out);

/* history.c: per-row rate history and per-hist heat map columns, kept
 * across snapshots, keyed by map name + key string */
#define HISTORY_LEN      60  /* rate samples per row (sparkline) */
#define HEAT_LEN         240 /* heat map columns per histogram */
#define HISTORY_MAX_ROWS 16384
#define HEAT_MAX_ROWS    128

struct history;
struct history *history_new(void);
void history_free(struct history *h);
/* record this tick's sample for a row (tick counts snapshots from 1) */
void history_push(struct history *h, uint64_t tick, const char *map, const char *key, float v);
/* the last n samples, oldest first (missing ticks are 0); returns n filled */
int history_get(struct history *h, uint64_t tick, const char *map, const char *key, float *out,
		int n);
/* one heat map column: bucket counts of the last interval */
void history_push_heat(struct history *h, uint64_t tick, const char *map, const char *key,
		       const uint64_t *counts, uint32_t nbuckets);
/* column i (0 = oldest of n) of the last n ticks, or NULL when none */
const uint32_t *history_heat_col(struct history *h, uint64_t tick, const char *map, const char *key,
				 int n, int i, uint32_t *nbuckets);
/* forget every row of a map (after clear) */
void history_forget_map(struct history *h, const char *map);
/* drop rows not updated for HEAT_LEN ticks */
void history_expire(struct history *h, uint64_t tick);
size_t history_rows(const struct history *h);

/* tick.c: per-snapshot derived data (rows with keys as text, rates, hist
 * deltas), rebuilt on each snapshot */
enum panel_kind {
	P_TABLE,   /* count/sum/min/max/avg/plain maps with keys */
	P_HIST,    /* hist/lhist, keyed or not */
	P_STATS,   /* stats maps with keys */
	P_SCALARS, /* every map without keys that is not a hist */
	P_LOG,     /* printf output */
};

struct row {
	const char *key;           /* key as text (tick arena) */
	const struct map_entry *e; /* the entry in the current data */
	double value;              /* numeric value (avg: the average) */
	double rate;               /* per second over the last interval */
	double delta;              /* change over the last interval */
	bool numeric, has_rate;
	const uint64_t *hist_delta; /* P_HIST: bucket counts of the interval */
};

struct tick_map {
	const char *name;
	enum panel_kind kind;
	const struct map_snapshot *m; /* live snapshot, or the last print() */
	bool printed;                 /* from print(@map) */
	struct row *rows;
	size_t nrows;
	double total, total_rate, max_value, max_rate; /* over rows */
	double dt;                                     /* seconds of the interval (0 = first) */
	const char *desc;                              /* "count, key: string" */
};

/* printed.c: print(@map) output kept by the TUI, the last two per map */
struct printed_map {
	char *name;
	struct arena arena, prev_arena;
	struct map_snapshot m, prev; /* deep copies */
	bool has_prev;
	uint64_t at_ns, prev_at_ns;
	uint64_t seq;      /* prints so far */
	uint64_t seen_seq; /* seq at the last tick (tick.c) */
};
void value_copy(struct arena *a, struct value *dst, const struct value *src);
/* the arena replaced goes to graveyard (struct arena *), to be freed once
 * no tick points into it */
void printed_map_store(struct printed_map *pm, const struct map_snapshot *m, uint64_t top,
		       uint64_t div, uint64_t now_ns, struct vec *graveyard);
void printed_map_free(struct printed_map *pm);

struct tick {
	struct arena arena;
	struct tick_map *maps;
	size_t nmaps;
	uint64_t seq; /* tick number, from 1 */
	double dt;    /* seconds since the previous snapshot */
	double events_rate;
	uint64_t events_total, lost_total;
	size_t entries, entries_max; /* fullest map: entries vs its limit */
};

/* build tick seq from cur (and prev, may be NULL); printed maps replace the
 * live ones of the same name; records rates and heat columns in hist */
void tick_build(struct tick *tk, uint64_t seq, const struct snapshot *cur,
		const struct snapshot *prev, struct printed_map **printed, size_t nprinted,
		struct history *hist);
void tick_free(struct tick *tk);

/* the whole state of a dashboard */
struct panel_state {
	char *name;         /* map name, "scalars" or "log" */
	int sort_col;       /* 0 = key, 1 = value, 2 = rate (tables); stats: key/count/avg/total */
	bool reverse;       /* smallest first */
	int cursor;         /* selected row (tables), bucket scroll (hists) */
	int scroll;         /* first row shown */
	int hist_key;       /* keyed hist: a pending Left/Right move (-1, +1) */
	char hist_sel[128]; /* keyed hist: the selected key ("" = the busiest) */
	bool heat;          /* H: heat map instead of histogram */
	bool expand;        /* show every frame of a stack key at the cursor */
};

struct panel {
	enum panel_kind kind;
	const char *name;
	const struct tick_map *tm; /* NULL for scalars and the log */
	struct panel_state *st;
	struct rect r;
	int want_h; /* rows it would like (title included) */
};

struct log_line {
	char *text;
	bool error;
	bool child; /* written by the -c command */
};

struct tui {
	struct tui_opts opts;
	const struct tui_source *src;
	struct sink_ops sink;
	struct theme theme;
	bool color;             /* colours on (not NO_COLOR, terminal has them) */
	struct vec theme_names; /* char * (owned) */

	struct snapshot *cur, *prev; /* owned */
	struct tick tick;
	struct history *hist;
	struct printed_map **printed; /* owned */
	size_t nprinted;
	struct vec graveyard; /* struct arena *: printed copies freed at the next tick */

	/* log pane */
	struct log_line *log;
	size_t log_cap, log_len, log_head; /* ring */
	struct strbuf log_partial;
	uint64_t log_added; /* lines ever added */
	uint64_t lost_sink;

	/* view */
	struct vec states; /* struct panel_state * (owned) */
	struct panel *panels;
	size_t npanels;
	int focus;
	char focus_name[128]; /* focus follows the panel when panels come and go */
	bool zoom, paused, help, show_rate, filtering;
	char filter[64];
	char status[160];
	uint64_t status_until_ns;
	uint64_t start_ns, now_ns;
	double interval_s;
	int page_rows; /* rows of the focused panel at the last compose */
	enum tui_exit exit_reason;
	int exit_signal; /* rows of the focused panel at the last compose */
};

/* tui.c */
void tui_set_source(struct tui *t, const struct tui_source *src);
/* take ownership of a new snapshot and rebuild the tick */
void tui_feed(struct tui *t, struct snapshot *s);
/* keep a printed map (sink->map) for its panel */
void tui_printed_map(struct tui *t, const struct map_snapshot *m, uint64_t top, uint64_t div,
		     uint64_t now_ns);
void tui_set_status(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct panel_state *tui_state(struct tui *t, const char *name);
uint64_t tui_now_ns(void);

/* panel_log.c */
void log_append(struct tui *t, const char *s, size_t len, bool error);
void log_child_line(struct tui *t, const char *s, size_t len); /* one whole line */
const struct log_line *log_get(const struct tui *t, size_t i); /* 0 = oldest kept */
void log_free(struct tui *t);
void panel_log_draw(struct tui *t, struct grid *g, struct panel *p, bool focused);

/* layout.c: panels from the tick, rectangles in the body */
void layout_build(struct tui *t);
void layout_place(struct tui *t, struct rect body);

/* panel_*.c: draw one panel into its rect; the title bar is the first row */
void panel_title(struct tui *t, struct grid *g, struct panel *p, bool focused, const char *extra);
void panel_table_draw(struct tui *t, struct grid *g, struct panel *p, bool focused);
void panel_hist_draw(struct tui *t, struct grid *g, struct panel *p, bool focused);
void panel_stats_draw(struct tui *t, struct grid *g, struct panel *p, bool focused);
void panel_scalars_draw(struct tui *t, struct grid *g, struct panel *p, bool focused);
int panel_table_want(const struct tui *t, const struct panel *p);
int panel_hist_want(const struct tui *t, const struct panel *p);
/* rows matching the filter, top (first+n) selected and sorted in out;
 * returns the number of matching rows */
size_t rows_select(const struct tui *t, const struct tick_map *tm, const struct panel_state *st,
		   size_t first, size_t n, const struct row **out);
bool row_matches(const struct tui *t, const struct row *r);
/* sparkline of the row's history into w cells */
void draw_spark(struct tui *t, struct grid *g, int x, int y, int w, const char *map,
		const char *key);
/* a bar of frac (0..1) in w cells */
void draw_bar(struct tui *t, struct grid *g, int x, int y, int w, double frac, int role);

/* header.c */
void header_draw(struct tui *t, struct grid *g, int y);
void footer_draw(struct tui *t, struct grid *g, int y);
void help_draw(struct tui *t, struct grid *g);

/* keys.c */
int tui_key(struct tui *t, int key); /* enum tui_action bits */

/* compose.c: the whole screen into g (sized to the terminal) */
void tui_compose(struct tui *t, struct grid *g);

/* stats.c: timestamps of one refresh or one key, CLOCK_MONOTONIC ns */
struct tui_timing {
	uint64_t start_ns;         /* refresh began / key read */
	uint64_t snap_ns;          /* snapshot taken (refresh) */
	uint64_t tick_ns;          /* rows rebuilt (refresh) / key handled */
	uint64_t compose_start_ns; /* then drawn into the grid ... */
	uint64_t compose_ns;
	uint64_t done_ns; /* ... and on the terminal */
};
FILE *tui_stats_open(const char *path); /* NULL: no path, or a warning on stderr */
void tui_stats_refresh(FILE *f, const struct tui *t, const struct tui_timing *tm);
void tui_stats_key(FILE *f, int key, const struct tui_timing *tm);

/* screen.c: the only ncurses user */
struct screen;
int screen_open(struct screen **out); /* -errno */
void screen_close(struct screen *s);
void screen_apply_theme(struct screen *s, const struct theme *th, bool *color);
void screen_size(struct screen *s, int *w, int *h);
void screen_blit(struct screen *s, const struct grid *g);
int screen_getkey(struct screen *s);                             /* TUI_KEY_NONE when none waits */
int screen_wait(struct screen *s, int extra_fd, int timeout_ms); /* >0 when input may wait */
int screen_pending_signal(void); /* SIGINT/SIGTERM/... caught, or 0 */

#endif
