/*
 * ttdrive.c - drives the dashboard from a script, with or without a terminal.
 *
 * The TUI's input is a struct tui_source (snapshots, printf text, print of
 * maps). This driver builds snapshots from a small script and feeds them
 * through that API, so the dashboard can be tested without BPF:
 *
 *   ttdrive --dump SCRIPT    headless: run the script, print each `dump` of
 *                            the composed grid as text (golden files)
 *   ttdrive --tty SCRIPT     the real tui_run on this terminal, the script's
 *                            snapshots served one per refresh, then grown
 *                            (values keep increasing) for as long as it runs
 *   ttdrive --check-theme F  print the warnings a theme file gives
 *   ttdrive --list-themes    the themes tracetop would find
 *   ttdrive --bench N        times a refresh and a redraw of an N-key map
 *                            (headless; bench/run.sh tui reports it)
 *
 * Script lines (# comments):
 *   size W H | opt unicode | opt interval=S | opt theme=NAME | opt textrate=N
 *   program TEXT | probes N | exit N (tty: program exits after N snapshots)
 *   crash N | die N (tty: SIGSEGV / exit(3) when taking snapshot N)
 *   snap [dt=S] [events=N] [lost=N]   then map/e lines, then `end`
 *   map @NAME KIND [max=N] [lhist MIN MAX STEP]
 *       KIND: count sum min max avg stats hist lhist int str
 *   e KEY... : VALUE...   keys: "str", 123, stack(a;b;c); none = scalar map
 *       values: N | COUNT TOTAL (avg, stats) | @VALUE:COUNT or bBUCKET:COUNT (hist)
 *   text STRING (C escapes) | print @NAME [TOP [DIV]] | advance S
 *   command NAME (the -c command's name) | child STRING (its lines, C escapes)
 *   key NAME (Tab BTab Up Down Left Right PgUp PgDn Home End Enter Esc
 *       Backspace Space, or one character) | type TEXT | resize W H
 *   dump [TITLE]
 */
#define _GNU_SOURCE
#include "../../src/tui/tui.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define T0_NS 1000000000000ull

struct pending_map {
	struct map_snapshot m;
	struct map_entry *entries;
	size_t n, cap;
};

struct timed_text {
	size_t after_snap; /* deliver once this many snapshots were taken */
	char *text;
};

struct drv {
	bool tty;
	struct tui_opts opts;
	struct tui *t;
	struct grid g;
	int w, h;
	char *program;
	char *command; /* -c command name (source.command) */
	size_t nprobes;
	uint64_t now_ns;
	int exit_after;
	int crash_after, die_after; /* tty: SIGSEGV / exit(3) at that snapshot */
	double textrate;

	/* the snapshot being written */
	struct snapshot *snap;
	struct pending_map maps[32];
	size_t nmaps;
	double snap_dt;

	struct snapshot *last; /* last snapshot built (for print) */
	struct vec snaps;      /* tty: struct snapshot * templates */
	struct timed_text texts[256];
	size_t ntexts;

	/* tty source state */
	size_t served, text_next;
	struct snapshot *acc;
	uint64_t grow;
	uint64_t text_count, text_t0;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "ttdrive: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---- tokens -------------------------------------------------------------- */

static int tokenize(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (*p == '"') {
			char *start = p; /* keep the quotes: they mark a string */
			p++;
			while (*p && *p != '"')
				p += *p == '\\' && p[1] ? 2 : 1;
			if (*p)
				p++;
			if (*p)
				*p++ = 0;
			tok[n++] = start;
			continue;
		}
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = 0;
	}
	return n;
}

static char *unescape(const char *s, size_t *len)
{
	struct strbuf sb = {0};

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			sb_putc(&sb, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			sb_putc(&sb, '\n');
			break;
		case 't':
			sb_putc(&sb, '\t');
			break;
		case 'r':
			sb_putc(&sb, '\r');
			break;
		case '"':
			sb_putc(&sb, '"');
			break;
		case 'e': /* ESC */
			sb_putc(&sb, 0x1b);
			break;
		case 'a': /* BEL */
			sb_putc(&sb, 7);
			break;
		default:
			sb_putc(&sb, *s);
		}
	}
	if (!sb.buf)
		sb_putc(&sb, 0), sb.len = 0;
	*len = sb.len;
	return sb_steal(&sb);
}

/* ---- snapshots ----------------------------------------------------------- */

static const struct {
	const char *name;
	enum map_agg agg;
	enum value_kind kind;
} kinds[] = {
	{"count", AGG_COUNT, V_COUNT}, {"sum", AGG_SUM, V_SUM},      {"min", AGG_MIN, V_MIN},
	{"max", AGG_MAX, V_MAX},       {"avg", AGG_AVG, V_AVG},      {"stats", AGG_STATS, V_STATS},
	{"hist", AGG_HIST, V_HIST},    {"lhist", AGG_LHIST, V_HIST}, {"int", AGG_NONE, V_INT},
	{"str", AGG_NONE, V_STR},
};

static void parse_key(struct drv *d, struct value *v, const char *tok)
{
	struct arena *a = &d->snap->arena;

	if (tok[0] == '"') {
		size_t len;
		char *s = unescape(tok + 1, &len);
		if (len && s[len - 1] == '"')
			s[--len] = 0;
		v->kind = V_STR;
		v->str.s = arena_strndup(a, s, len);
		v->str.len = len + 1;
		free(s);
	} else if (!strncmp(tok, "stack(", 6)) {
		char *copy = xstrdup(tok + 6), *save = NULL;
		size_t n = 0;
		copy[strcspn(copy, ")")] = 0;
		v->kind = V_STACK;
		v->stack.frames = arena_alloc(a, 64 * sizeof(char *));
		v->stack.addrs = arena_alloc(a, 64 * sizeof(uint64_t));
		for (char *f = strtok_r(copy, ";", &save); f && n < 64;
		     f = strtok_r(NULL, ";", &save))
			v->stack.frames[n++] = arena_strdup(a, f);
		v->stack.n = n;
		free(copy);
	} else {
		v->kind = V_INT;
		v->is_signed = tok[0] == '-';
		if (v->is_signed)
			v->i = strtoll(tok, NULL, 0);
		else
			v->u = strtoull(tok, NULL, 0);
	}
}

static void parse_entry(struct drv *d, struct pending_map *pm, char **tok, int n,
			const int64_t lh[3])
{
	struct map_entry e = {0};
	struct arena *a = &d->snap->arena;
	int colon = -1;

	for (int i = 1; i < n; i++)
		if (!strcmp(tok[i], ":"))
			colon = i;
	if (colon < 0)
		die("entry without ':'");
	int nk = colon - 1;
	if (nk == 1) {
		parse_key(d, &e.key, tok[1]);
	} else if (nk > 1) {
		e.key.kind = V_TUPLE;
		e.key.tuple.n = (size_t)nk;
		e.key.tuple.elems = arena_alloc(a, nk * sizeof(struct value));
		for (int i = 0; i < nk; i++)
			parse_key(d, &e.key.tuple.elems[i], tok[1 + i]);
	}
	pm->m.has_keys = nk > 0;
	size_t k;
	for (k = 0; k < ARRAY_SIZE(kinds); k++)
		if (kinds[k].agg == pm->m.agg)
			break;
	e.val.kind = pm->m.agg == AGG_NONE ? V_INT : kinds[k].kind;
	char **vt = tok + colon + 1;
	int nv = n - colon - 1;
	switch (pm->m.agg) {
	case AGG_AVG:
	case AGG_STATS:
		if (nv != 2)
			die("avg/stats entries take COUNT TOTAL");
		e.val.stats.count = strtoull(vt[0], NULL, 0);
		e.val.stats.total = strtoll(vt[1], NULL, 0);
		break;
	case AGG_HIST:
	case AGG_LHIST:
		e.val.kind = V_HIST;
		if (pm->m.agg == AGG_LHIST) {
			e.val.hist.kind = HIST_LINEAR;
			e.val.hist.lmin = lh[0];
			e.val.hist.lmax = lh[1];
			e.val.hist.lstep = lh[2];
			e.val.hist.nbuckets = (uint32_t)((lh[1] - lh[0]) / lh[2] + 3);
		} else {
			e.val.hist.kind = HIST_LOG2;
			e.val.hist.nbuckets = 65;
		}
		e.val.hist.counts = arena_alloc(a, e.val.hist.nbuckets * sizeof(uint64_t));
		for (int i = 0; i < nv; i++) {
			char *c = strchr(vt[i], ':');
			if (!c)
				die("hist values are @VALUE:COUNT or bBUCKET:COUNT");
			int64_t x = strtoll(vt[i] + 1, NULL, 0);
			uint32_t b;
			if (vt[i][0] == 'b')
				b = (uint32_t)x;
			else if (e.val.hist.kind == HIST_LOG2)
				b = hist_log2_index(x);
			else if (x < lh[0])
				b = 0;
			else if (x >= lh[1])
				b = (uint32_t)((lh[1] - lh[0]) / lh[2] + 1);
			else
				b = (uint32_t)((x - lh[0]) / lh[2] + 1);
			if (b >= e.val.hist.nbuckets)
				die("bucket out of range");
			e.val.hist.counts[b] += strtoull(c + 1, NULL, 0);
		}
		break;
	default:
		if (nv != 1)
			die("one value expected");
		if (vt[0][0] == '"') {
			parse_key(d, &e.val, vt[0]);
		} else {
			e.val.is_signed = vt[0][0] == '-';
			if (e.val.is_signed)
				e.val.i = strtoll(vt[0], NULL, 0);
			else
				e.val.u = strtoull(vt[0], NULL, 0);
		}
	}
	if (pm->n == pm->cap) {
		pm->cap = pm->cap ? pm->cap * 2 : 16;
		pm->entries = xrealloc(pm->entries, pm->cap * sizeof(*pm->entries));
	}
	pm->entries[pm->n++] = e;
}

static void snap_end(struct drv *d)
{
	struct snapshot *s = d->snap;

	s->nmaps = d->nmaps;
	s->maps = arena_alloc(&s->arena, (d->nmaps + 1) * sizeof(struct map_snapshot));
	for (size_t i = 0; i < d->nmaps; i++) {
		struct pending_map *pm = &d->maps[i];
		s->maps[i] = pm->m;
		s->maps[i].n = pm->n;
		s->maps[i].entries = arena_alloc(&s->arena, (pm->n + 1) * sizeof(struct map_entry));
		if (pm->n)
			memcpy(s->maps[i].entries, pm->entries, pm->n * sizeof(struct map_entry));
		free(pm->entries);
	}
	d->nmaps = 0;
	d->snap = NULL;
	d->last = s;
	if (d->tty) {
		vec_push(&d->snaps, s);
		return;
	}
	d->t->now_ns = s->taken_ns;
	tui_feed(d->t, s);
}

/* a deep copy (tty mode serves copies; the TUI frees what it gets) */
static struct snapshot *snap_clone(const struct snapshot *src)
{
	struct snapshot *s = snapshot_new(src->nmaps);

	s->taken_ns = src->taken_ns;
	s->events_total = src->events_total;
	s->lost_total = src->lost_total;
	for (size_t i = 0; i < src->nmaps; i++) {
		const struct map_snapshot *m = &src->maps[i];
		s->maps[i] = *m;
		s->maps[i].name = arena_strdup(&s->arena, m->name);
		s->maps[i].entries = arena_alloc(&s->arena, (m->n + 1) * sizeof(struct map_entry));
		for (size_t j = 0; j < m->n; j++) {
			value_copy(&s->arena, &s->maps[i].entries[j].key, &m->entries[j].key);
			value_copy(&s->arena, &s->maps[i].entries[j].val, &m->entries[j].val);
		}
	}
	return s;
}

/* ---- tty source ---------------------------------------------------------- */

static void grow_value(struct value *acc, const struct value *base, uint64_t w)
{
	switch (acc->kind) {
	case V_INT:
	case V_COUNT:
	case V_SUM:
		acc->u += base->u * w;
		break;
	case V_AVG:
	case V_STATS:
		acc->stats.count += base->stats.count * w;
		acc->stats.total += base->stats.total * (int64_t)w;
		break;
	case V_HIST:
		for (uint32_t b = 0; b < acc->hist.nbuckets; b++)
			acc->hist.counts[b] += base->hist.counts[b] * ((w + b) % 3);
		break;
	default:
		break;
	}
}

static struct snapshot *src_snapshot(void *ctx)
{
	struct drv *d = ctx;
	struct snapshot *s;

	if (d->crash_after && d->served + 1 >= (size_t)d->crash_after)
		raise(SIGSEGV); /* the terminal must come back all the same */
	if (d->die_after && d->served + 1 >= (size_t)d->die_after)
		exit(3); /* an exit() from anywhere: the atexit hook restores */
	if (d->served < d->snaps.len) {
		s = snap_clone(d->snaps.items[d->served]);
		if (d->acc)
			snapshot_free(d->acc);
		d->acc = snap_clone(s);
	} else if (d->acc) {
		const struct snapshot *base = d->snaps.items[d->snaps.len - 1];
		d->grow++;
		for (size_t i = 0; i < d->acc->nmaps && i < base->nmaps; i++)
			for (size_t j = 0; j < d->acc->maps[i].n && j < base->maps[i].n; j++)
				grow_value(&d->acc->maps[i].entries[j].val,
					   &base->maps[i].entries[j].val, 1 + (d->grow + j) % 3);
		d->acc->events_total += 1000 + d->grow % 7 * 100;
		s = snap_clone(d->acc);
	} else {
		s = snapshot_new(0);
	}
	d->served++;
	s->taken_ns = tui_now_ns();
	return s;
}

static int src_poll(void *ctx, int timeout_ms, const struct sink_ops *sink)
{
	struct drv *d = ctx;

	(void)timeout_ms;
	while (d->text_next < d->ntexts && d->texts[d->text_next].after_snap <= d->served) {
		const char *s = d->texts[d->text_next++].text;
		sink->text(sink->ctx, s, strlen(s));
	}
	if (d->textrate > 0) {
		uint64_t now = tui_now_ns();
		if (!d->text_t0)
			d->text_t0 = now;
		while (d->text_count < (uint64_t)((double)(now - d->text_t0) / 1e9 * d->textrate)) {
			char buf[64];
			int n = snprintf(buf, sizeof(buf), "event %llu\n",
					 (unsigned long long)++d->text_count);
			sink->text(sink->ctx, buf, (size_t)n);
		}
	}
	if (d->exit_after && d->served >= (size_t)d->exit_after)
		return 1;
	return 0;
}

static int src_clear(void *ctx, const char *name)
{
	struct drv *d = ctx;

	for (size_t i = 0; d->acc && i < d->acc->nmaps; i++)
		if (!strcmp(d->acc->maps[i].name, name))
			for (size_t j = 0; j < d->acc->maps[i].n; j++) {
				struct value *v = &d->acc->maps[i].entries[j].val;
				if (v->kind == V_HIST)
					memset(v->hist.counts, 0, v->hist.nbuckets * 8);
				else if (v->kind == V_AVG || v->kind == V_STATS)
					v->stats.count = v->stats.total = 0;
				else
					v->u = 0;
			}
	return 0;
}

/* ---- script -------------------------------------------------------------- */

static int key_code(const char *name)
{
	static const struct {
		const char *name;
		int code;
	} names[] = {
		{"Tab", TUI_KEY_TAB},
		{"BTab", TUI_KEY_BTAB},
		{"Up", TUI_KEY_UP},
		{"Down", TUI_KEY_DOWN},
		{"Left", TUI_KEY_LEFT},
		{"Right", TUI_KEY_RIGHT},
		{"PgUp", TUI_KEY_PGUP},
		{"PgDn", TUI_KEY_PGDN},
		{"Home", TUI_KEY_HOME},
		{"End", TUI_KEY_END},
		{"Enter", TUI_KEY_ENTER},
		{"Esc", TUI_KEY_ESC},
		{"Backspace", TUI_KEY_BACKSPACE},
		{"Space", ' '},
		{"Resize", TUI_KEY_RESIZE},
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i].name))
			return names[i].code;
	if (strlen(name) == 1)
		return (unsigned char)name[0];
	die("unknown key '%s'", name);
}

static void do_dump(struct drv *d, char **tok, int n)
{
	printf("--- %s (%dx%d)\n", n > 1 ? tok[1] : "screen", d->w, d->h);
	grid_resize(&d->g, d->w, d->h);
	d->t->now_ns = d->now_ns;
	tui_compose(d->t, &d->g);
	grid_dump(&d->g, stdout);
}

static void run_line(struct drv *d, char *orig, int lineno)
{
	char *tok[300], line[8192];
	snprintf(line, sizeof(line), "%s", orig);
	int n = tokenize(line, tok, 300);
	static int64_t lh[32][3];

	if (!n)
		return;
	if (!strcmp(tok[0], "size") && n == 3) {
		d->w = atoi(tok[1]);
		d->h = atoi(tok[2]);
	} else if (!strcmp(tok[0], "opt") && n == 2) {
		if (!strcmp(tok[1], "unicode"))
			d->opts.unicode = true;
		else if (!strncmp(tok[1], "interval=", 9))
			d->opts.interval_s = atof(tok[1] + 9);
		else if (!strncmp(tok[1], "theme=", 6))
			d->opts.theme = xstrdup(tok[1] + 6);
		else if (!strncmp(tok[1], "textrate=", 9))
			d->textrate = atof(tok[1] + 9);
		else
			die("%d: unknown option %s", lineno, tok[1]);
	} else if (!strcmp(tok[0], "program")) {
		struct strbuf sb = {0};
		for (int i = 1; i < n; i++) {
			if (i > 1)
				sb_putc(&sb, ' ');
			sb_puts(&sb, tok[i]);
		}
		d->program = sb_steal(&sb);
	} else if (!strcmp(tok[0], "command") && n == 2) {
		d->command = xstrdup(tok[1]);
	} else if (!strcmp(tok[0], "child") && n >= 2) {
		/* lines of a -c command, as the runtime hands them on */
		const char *s = orig + strspn(orig, " \t") + 5;
		s += strspn(s, " \t");
		size_t len;
		char *txt = unescape(s[0] == '"' ? s + 1 : s, &len);
		if (s[0] == '"' && len && txt[len - 1] == '"')
			txt[--len] = 0;
		for (char *p = txt, *nl; !d->tty && p < txt + len; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(txt + len - p));
			if (!nl)
				nl = txt + len;
			d->t->sink.child_line(d->t, p, (size_t)(nl - p));
		}
		free(txt);
	} else if (!strcmp(tok[0], "probes") && n == 2) {
		d->nprobes = strtoul(tok[1], NULL, 0);
	} else if (!strcmp(tok[0], "exit") && n == 2) {
		d->exit_after = atoi(tok[1]);
	} else if (!strcmp(tok[0], "crash") && n == 2) {
		d->crash_after = atoi(tok[1]);
	} else if (!strcmp(tok[0], "die") && n == 2) {
		d->die_after = atoi(tok[1]);
	} else if (!strcmp(tok[0], "snap")) {
		d->snap = snapshot_new(0);
		d->snap_dt = d->opts.interval_s;
		for (int i = 1; i < n; i++) {
			if (!strncmp(tok[i], "dt=", 3))
				d->snap_dt = atof(tok[i] + 3);
			else if (!strncmp(tok[i], "events=", 7))
				d->snap->events_total = strtoull(tok[i] + 7, NULL, 0);
			else if (!strncmp(tok[i], "lost=", 5))
				d->snap->lost_total = strtoull(tok[i] + 5, NULL, 0);
		}
		if (d->last)
			d->now_ns += (uint64_t)(d->snap_dt * 1e9);
		d->snap->taken_ns = d->now_ns;
	} else if (!strcmp(tok[0], "map") && n >= 3) {
		if (!d->snap || d->nmaps == 32)
			die("%d: map outside snap", lineno);
		struct pending_map *pm = &d->maps[d->nmaps];
		memset(pm, 0, sizeof(*pm));
		pm->m.name = arena_strdup(&d->snap->arena, tok[1]);
		size_t k;
		for (k = 0; k < ARRAY_SIZE(kinds); k++)
			if (!strcmp(tok[2], kinds[k].name))
				break;
		if (k == ARRAY_SIZE(kinds))
			die("%d: unknown map kind %s", lineno, tok[2]);
		pm->m.agg = kinds[k].agg;
		pm->m.max_entries = 4096;
		int i = 3;
		if (pm->m.agg == AGG_LHIST) {
			if (n < 6)
				die("%d: lhist MIN MAX STEP", lineno);
			lh[d->nmaps][0] = strtoll(tok[3], NULL, 0);
			lh[d->nmaps][1] = strtoll(tok[4], NULL, 0);
			lh[d->nmaps][2] = strtoll(tok[5], NULL, 0);
			i = 6;
		}
		for (; i < n; i++)
			if (!strncmp(tok[i], "max=", 4))
				pm->m.max_entries = strtoul(tok[i] + 4, NULL, 0);
		d->nmaps++;
	} else if (!strcmp(tok[0], "e")) {
		if (!d->nmaps)
			die("%d: entry outside map", lineno);
		parse_entry(d, &d->maps[d->nmaps - 1], tok, n, lh[d->nmaps - 1]);
	} else if (!strcmp(tok[0], "end")) {
		if (!d->snap)
			die("%d: end without snap", lineno);
		snap_end(d);
	} else if (!strcmp(tok[0], "text") && n >= 2) {
		const char *s = orig + strspn(orig, " \t") + 4;
		s += strspn(s, " \t");
		size_t len;
		char *txt = unescape(s[0] == '"' ? s + 1 : s, &len);
		if (s[0] == '"' && len && txt[len - 1] == '"')
			txt[--len] = 0;
		if (d->tty) {
			if (d->ntexts < ARRAY_SIZE(d->texts))
				d->texts[d->ntexts++] = (struct timed_text){d->snaps.len, txt};
			return;
		}
		d->t->sink.text(d->t, txt, len);
		free(txt);
	} else if (!strcmp(tok[0], "print") && n >= 2) {
		const struct map_snapshot *m = NULL;
		for (size_t i = 0; d->last && i < d->last->nmaps; i++)
			if (!strcmp(d->last->maps[i].name, tok[1]))
				m = &d->last->maps[i];
		if (!m)
			die("%d: no map %s to print", lineno, tok[1]);
		if (!d->tty)
			tui_printed_map(d->t, m, n > 2 ? strtoull(tok[2], NULL, 0) : 0,
					n > 3 ? strtoull(tok[3], NULL, 0) : 0, d->now_ns);
	} else if (!strcmp(tok[0], "advance") && n == 2) {
		d->now_ns += (uint64_t)(atof(tok[1]) * 1e9);
	} else if (!strcmp(tok[0], "key") && n == 2) {
		if (!d->tty) {
			d->t->now_ns = d->now_ns;
			tui_key(d->t, key_code(tok[1]));
		}
	} else if (!strcmp(tok[0], "type") && n >= 2) {
		for (const char *c = tok[1]; *c && !d->tty; c++)
			tui_key(d->t, (unsigned char)*c);
	} else if (!strcmp(tok[0], "resize") && n == 3) {
		d->w = atoi(tok[1]);
		d->h = atoi(tok[2]);
		if (!d->tty)
			tui_key(d->t, TUI_KEY_RESIZE);
	} else if (!strcmp(tok[0], "dump")) {
		if (!d->tty)
			do_dump(d, tok, n);
	} else {
		die("%d: cannot read '%s'", lineno, tok[0]);
	}
}

static void run_script(struct drv *d, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int lineno = 0;
	struct tui_source src = {0};

	if (!f)
		die("%s: %s", path, strerror(errno));
	d->w = 80;
	d->h = 24;
	d->opts.interval_s = 1;
	d->now_ns = T0_NS;
	/* options come first; the tui is made at the first other line */
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		char tmp[8192], *tok[4];
		snprintf(tmp, sizeof(tmp), "%s", line);
		int n = tokenize(tmp, tok, 4);
		bool setup = n && (!strcmp(tok[0], "opt") || !strcmp(tok[0], "size") ||
				   !strcmp(tok[0], "program") || !strcmp(tok[0], "probes") ||
				   !strcmp(tok[0], "command") || !strcmp(tok[0], "exit") ||
				   !strcmp(tok[0], "crash") || !strcmp(tok[0], "die"));
		if (!d->t && n && !setup) {
			d->t = tui_new(&d->opts);
			src = (struct tui_source){.ctx = d,
						  .program = d->program,
						  .command = d->command,
						  .nprobes = d->nprobes,
						  .poll = src_poll,
						  .snapshot = src_snapshot,
						  .clear_map = src_clear};
			tui_set_source(d->t, &src);
			if (!d->tty)
				d->t->start_ns = d->now_ns;
			if (!d->tty) {
				struct strbuf warn = {0};
				theme_load(&d->t->theme, d->opts.theme, &warn);
				fputs(warn.buf ? warn.buf : "", stdout);
				sb_free(&warn);
			}
		}
		run_line(d, line, lineno);
	}
	fclose(f);
	if (!d->t) {
		d->t = tui_new(&d->opts);
		src = (struct tui_source){.ctx = d,
					  .program = d->program,
					  .nprobes = d->nprobes,
					  .poll = src_poll,
					  .snapshot = src_snapshot,
					  .clear_map = src_clear};
	}
	if (d->tty) {
		src.program = d->program;
		src.nprobes = d->nprobes;
		int rc = tui_run(d->t, &src);
		enum tui_exit why = tui_exit_reason(d->t);
		printf("ttdrive: tui_run returned %d, reason %s\n", rc,
		       why == TUI_EXIT_QUIT      ? "quit"
		       : why == TUI_EXIT_PROGRAM ? "program"
		       : why == TUI_EXIT_SIGNAL  ? "signal"
						 : "none");
		if (why == TUI_EXIT_SIGNAL)
			printf("ttdrive: signal %d\n", tui_exit_signal(d->t));
		fflush(stdout);
	}
	tui_free(d->t);
	grid_free(&d->g);
	vec_foreach(&d->snaps, i)
		snapshot_free(d->snaps.items[i]);
	vec_free(&d->snaps);
	if (d->acc)
		snapshot_free(d->acc);
	for (size_t i = 0; i < d->ntexts; i++)
		free(d->texts[i].text);
	free(d->program);
	free(d->command);
}

/* --bench N: a map of N keys, five snapshots; how long rebuilding the rows
 * (tick) and a redraw take, and a sort key + redraw (no BPF, no terminal:
 * the dashboard's own share of a refresh; bench/run.sh tui) */
static struct snapshot *bench_snap(size_t n, uint64_t t, uint64_t mul)
{
	struct snapshot *s = snapshot_new(1);
	struct map_snapshot *m = &s->maps[0];

	s->taken_ns = t;
	m->name = arena_strdup(&s->arena, "@");
	m->agg = AGG_COUNT;
	m->has_keys = true;
	m->max_entries = n;
	m->n = n;
	m->entries = arena_alloc(&s->arena, n * sizeof(*m->entries));
	for (size_t i = 0; i < n; i++) {
		struct map_entry *e = &m->entries[i];
		char k[32];
		int len = snprintf(k, sizeof(k), "key%07zu", (i * 7919) % n);
		e->key.kind = V_STR;
		e->key.str.s = arena_strndup(&s->arena, k, (size_t)len);
		e->key.str.len = (size_t)len + 1;
		e->val.kind = V_COUNT;
		e->val.u = (i * 2654435761u) % 100000 * mul;
	}
	return s;
}

static double ms_since(uint64_t t0)
{
	return (double)(tui_now_ns() - t0) / 1e6;
}

static int bench(size_t n)
{
	struct tui_opts o = {.interval_s = 1};
	struct tui *t = tui_new(&o);
	struct tui_source src = {.program = "bench"};
	struct grid g = {0};
	double build = 0, draw = 0, key = 0;

	tui_set_source(t, &src);
	grid_init(&g, 160, 50);
	for (int i = 0; i < 5; i++) {
		struct snapshot *sn =
			bench_snap(n, T0_NS + (uint64_t)i * 1000000000ull, (uint64_t)i + 1);
		uint64_t t0 = tui_now_ns();
		tui_feed(t, sn);
		build += ms_since(t0);
		t0 = tui_now_ns();
		t->now_ns = T0_NS;
		tui_compose(t, &g);
		draw += ms_since(t0);
		t0 = tui_now_ns();
		tui_key(t, 's');
		tui_compose(t, &g);
		key += ms_since(t0);
	}
	printf("keys=%zu tick_ms=%.3f compose_ms=%.3f key_compose_ms=%.3f (means of 5)\n", n,
	       build / 5, draw / 5, key / 5);
	grid_free(&g);
	tui_free(t);
	return 0;
}

int main(int argc, char **argv)
{
	struct drv d = {0};

	if (argc == 3 && !strcmp(argv[1], "--dump")) {
		run_script(&d, argv[2]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--bench"))
		return bench(strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "--tty")) {
		d.tty = true;
		run_script(&d, argv[2]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--check-theme")) {
		struct theme th;
		struct strbuf warn = {0};
		theme_default(&th);
		int err = theme_load_file(&th, argv[2], &warn);
		fputs(warn.buf ? warn.buf : "", stdout);
		sb_free(&warn);
		return err ? 1 : 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--load-theme")) {
		struct theme th;
		struct strbuf warn = {0};
		int err = theme_load(&th, argv[2], &warn);
		fputs(warn.buf ? warn.buf : "", stdout);
		printf("loaded %s (%d)\n", th.name, err);
		for (int r = 0; r < C_NROLES; r++)
			printf("%s %d %d %u\n", theme_role_name(r), th.roles[r].fg, th.roles[r].bg,
			       th.roles[r].attrs);
		sb_free(&warn);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--list-themes")) {
		struct vec names = {0};
		theme_list(&names);
		vec_foreach(&names, i) {
			puts(names.items[i]);
			free(names.items[i]);
		}
		vec_free(&names);
		return 0;
	}
	fprintf(stderr, "usage: ttdrive --dump|--tty SCRIPT | --check-theme FILE | "
			"--load-theme NAME | --list-themes\n");
	return 2;
}
