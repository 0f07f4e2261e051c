/*
 * driver.c - format-tier driver: runs a tiny subset of bpftrace's language
 * (a BEGIN block of map assignments, aggregations, print, printf, clear,
 * zero, delete, exit) in userspace, builds snapshots the way the runtime
 * would, and prints them through the text or JSON sink. The same .bt files
 * run under bpftrace 0.17 produce the golden files (regen.sh), so what we
 * compare against is the real thing.
 *
 *   driver text|json FILE.bt     interpret and print
 *   driver labels | synth text|json | misc | sort | parse FILE: see units.c
 */
#include "../../src/bt.h"
#include "../../src/model/model.h"
#include "../../src/output/output.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ---------------------------------------------------------- */

struct tmap {
	char name[64];
	enum map_agg agg;
	bool has_keys, known;
	int64_t lmin, lmax, lstep;
	struct map_entry *e;
	size_t n, cap;
};

struct interp {
	const char *p; /* cursor */
	struct arena a;
	struct tmap maps[64];
	size_t nmaps;
	const struct sink_ops *sink;
	bool exited;
};

static void die(struct interp *in, const char *msg)
{
	fprintf(stderr, "driver: %s at: %.30s\n", msg, in->p);
	exit(2);
}

static void skip_ws(struct interp *in)
{
	for (;;) {
		while (isspace((unsigned char)*in->p))
			in->p++;
		if (in->p[0] == '/' && in->p[1] == '/') {
			while (*in->p && *in->p != '\n')
				in->p++;
			continue;
		}
		break;
	}
}

static bool accept(struct interp *in, const char *tok)
{
	skip_ws(in);
	size_t n = strlen(tok);
	if (strncmp(in->p, tok, n))
		return false;
	if (isalpha((unsigned char)tok[n - 1]) &&
	    (isalnum((unsigned char)in->p[n]) || in->p[n] == '_'))
		return false;
	in->p += n;
	return true;
}

static void expect(struct interp *in, const char *tok)
{
	if (!accept(in, tok)) {
		char msg[64];
		snprintf(msg, sizeof(msg), "expected '%s'", tok);
		die(in, msg);
	}
}

static struct value vint(int64_t i)
{
	return (struct value){.kind = V_INT, .is_signed = true, .i = i};
}

static struct value parse_expr(struct interp *in);

static struct value parse_string(struct interp *in)
{
	struct strbuf sb = {0};
	in->p++; /* opening quote */
	while (*in->p && *in->p != '"') {
		char c = *in->p++;
		if (c != '\\') {
			sb_putc(&sb, c);
			continue;
		}
		c = *in->p++;
		switch (c) {
		case 'n':
			sb_putc(&sb, '\n');
			break;
		case 't':
			sb_putc(&sb, '\t');
			break;
		case 'r':
			sb_putc(&sb, '\r');
			break;
		case 'x': {
			char hex[3] = {in->p[0], in->p[1], 0};
			sb_putc(&sb, (char)strtol(hex, NULL, 16));
			in->p += 2;
			break;
		}
		default:
			sb_putc(&sb, c);
		}
	}
	expect(in, "\"");
	struct value v = {.kind = V_STR};
	size_t len = sb.len;
	v.str.s = arena_strndup(&in->a, sb.buf ? sb.buf : "", len);
	v.str.len = len;
	sb_free(&sb);
	return v;
}

static const struct {
	const char *name;
	int bits;
	bool is_signed;
} casts[] = {
	{"int8", 8, true},   {"int16", 16, true},   {"int32", 32, true},   {"int64", 64, true},
	{"uint8", 8, false}, {"uint16", 16, false}, {"uint32", 32, false}, {"uint64", 64, false},
};

static struct value cast_int(struct value v, int bits, bool is_signed)
{
	uint64_t u = v.u;
	if (bits < 64) {
		u &= ((uint64_t)1 << bits) - 1;
		if (is_signed && (u >> (bits - 1)) & 1)
			u |= ~(((uint64_t)1 << bits) - 1);
	}
	v.u = u;
	v.is_signed = is_signed;
	return v;
}

static struct value parse_primary(struct interp *in)
{
	skip_ws(in);
	if (*in->p == '"')
		return parse_string(in);
	if (accept(in, "-")) {
		struct value v = parse_primary(in);
		v.i = -v.i;
		return v;
	}
	if (isdigit((unsigned char)*in->p)) {
		char *end;
		uint64_t u = strtoull(in->p, &end, 0);
		in->p = end;
		return vint((int64_t)u);
	}
	if (accept(in, "buf")) {
		expect(in, "(");
		struct value s = parse_expr(in);
		expect(in, ",");
		struct value n = parse_expr(in);
		expect(in, ")");
		uint8_t *b = arena_alloc(&in->a, (size_t)n.u + 1);
		memcpy(b, s.str.s, s.str.len < n.u ? s.str.len : n.u);
		struct value v = {.kind = V_BUF};
		v.buf.bytes = b;
		v.buf.len = (size_t)n.u;
		return v;
	}
	if (accept(in, "(")) {
		for (size_t i = 0; i < ARRAY_SIZE(casts); i++) {
			const char *save = in->p;
			if (accept(in, casts[i].name) && accept(in, ")"))
				return cast_int(parse_primary(in), casts[i].bits,
						casts[i].is_signed);
			in->p = save;
		}
		struct value elems[16];
		size_t n = 0;
		elems[n++] = parse_expr(in);
		if (accept(in, ")"))
			return elems[0];
		while (accept(in, ","))
			elems[n++] = parse_expr(in);
		expect(in, ")");
		struct value v = {.kind = V_TUPLE};
		v.tuple.elems = arena_alloc(&in->a, n * sizeof(*elems));
		memcpy(v.tuple.elems, elems, n * sizeof(*elems));
		v.tuple.n = n;
		return v;
	}
	die(in, "bad expression");
	return vint(0);
}

static struct value parse_mul(struct interp *in)
{
	struct value v = parse_primary(in);
	for (;;) {
		if (accept(in, "*"))
			v.i *= parse_primary(in).i;
		else if (accept(in, "/"))
			v.i /= parse_primary(in).i;
		else
			return v;
	}
}

static struct value parse_add(struct interp *in)
{
	struct value v = parse_mul(in);
	for (;;) {
		if (accept(in, "+"))
			v.i += parse_mul(in).i;
		else if (accept(in, "-"))
			v.i -= parse_mul(in).i;
		else
			return v;
	}
}

static struct value parse_expr(struct interp *in)
{
	struct value v = parse_add(in);
	while (accept(in, "<<"))
		v.u <<= parse_add(in).u;
	return v;
}

/* ---- maps ------------------------------------------------------------ */

static struct tmap *map_get(struct interp *in, const char *name)
{
	for (size_t i = 0; i < in->nmaps; i++)
		if (!strcmp(in->maps[i].name, name))
			return &in->maps[i];
	struct tmap *m = &in->maps[in->nmaps++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	return m;
}

static void parse_map_name(struct interp *in, char *name, size_t len)
{
	skip_ws(in);
	if (*in->p != '@')
		die(in, "expected a map");
	size_t n = 1;
	while (isalnum((unsigned char)in->p[n]) || in->p[n] == '_')
		n++;
	snprintf(name, len, "%.*s", (int)n, in->p);
	in->p += n;
}

static bool key_equal(const struct value *a, const struct value *b)
{
	struct strbuf x = {0}, y = {0};
	struct map_snapshot m = {.has_keys = true};
	text_key(&x, &m, a);
	text_key(&y, &m, b);
	bool eq = x.len == y.len && (!x.len || !memcmp(x.buf, y.buf, x.len));
	sb_free(&x);
	sb_free(&y);
	return eq;
}

static struct map_entry *map_slot(struct interp *in, struct tmap *m, struct value key, bool create)
{
	for (size_t i = 0; i < m->n; i++)
		if (!m->has_keys || key_equal(&m->e[i].key, &key))
			return &m->e[i];
	if (!create)
		return NULL;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->e = realloc(m->e, m->cap * sizeof(*m->e));
	}
	struct map_entry *e = &m->e[m->n++];
	memset(e, 0, sizeof(*e));
	e->key = key;
	(void)in;
	return e;
}

static struct value parse_key(struct interp *in, bool *has)
{
	struct value parts[8];
	size_t n = 0;
	*has = false;
	if (!accept(in, "["))
		return (struct value){.kind = V_NONE};
	*has = true;
	parts[n++] = parse_expr(in);
	while (accept(in, ","))
		parts[n++] = parse_expr(in);
	expect(in, "]");
	if (n == 1)
		return parts[0];
	struct value v = {.kind = V_TUPLE};
	v.tuple.elems = arena_alloc(&in->a, n * sizeof(*parts));
	memcpy(v.tuple.elems, parts, n * sizeof(*parts));
	v.tuple.n = n;
	return v;
}

static void hist_add(struct interp *in, struct tmap *m, struct map_entry *e, int64_t v)
{
	struct hist *h = &e->val.hist;
	if (e->val.kind != V_HIST) {
		e->val.kind = V_HIST;
		h->kind = m->agg == AGG_HIST ? HIST_LOG2 : HIST_LINEAR;
		h->lmin = m->lmin, h->lmax = m->lmax, h->lstep = m->lstep;
		h->nbuckets =
			m->agg == AGG_HIST ? 65 : (uint32_t)((m->lmax - m->lmin) / m->lstep + 2);
		h->counts = arena_alloc(&in->a, h->nbuckets * sizeof(uint64_t));
	}
	uint32_t idx;
	if (m->agg == AGG_HIST) {
		idx = hist_log2_index(v);
	} else if (v < m->lmin) {
		idx = 0;
	} else if (v >= m->lmax) {
		idx = h->nbuckets - 1;
	} else {
		idx = (uint32_t)((v - m->lmin) / m->lstep + 1);
	}
	h->counts[idx]++;
}

static void stmt_assign(struct interp *in)
{
	char name[64];
	bool has_keys;
	parse_map_name(in, name, sizeof(name));
	struct tmap *m = map_get(in, name);
	struct value key = parse_key(in, &has_keys);
	m->has_keys = has_keys;
	expect(in, "=");

	static const struct {
		const char *fn;
		enum map_agg agg;
		enum value_kind kind;
	} aggs[] = {
		{"count", AGG_COUNT, V_COUNT}, {"sum", AGG_SUM, V_SUM},
		{"min", AGG_MIN, V_MIN},       {"max", AGG_MAX, V_MAX},
		{"avg", AGG_AVG, V_AVG},       {"stats", AGG_STATS, V_STATS},
		{"hist", AGG_HIST, V_HIST},    {"lhist", AGG_LHIST, V_HIST},
	};
	for (size_t i = 0; i < ARRAY_SIZE(aggs); i++) {
		if (!accept(in, aggs[i].fn))
			continue;
		expect(in, "(");
		struct value arg = vint(0);
		if (aggs[i].agg != AGG_COUNT)
			arg = parse_expr(in);
		m->agg = aggs[i].agg;
		if (aggs[i].agg == AGG_LHIST) {
			expect(in, ",");
			m->lmin = parse_expr(in).i;
			expect(in, ",");
			m->lmax = parse_expr(in).i;
			expect(in, ",");
			m->lstep = parse_expr(in).i;
		}
		expect(in, ")");
		struct map_entry *e = map_slot(in, m, key, true);
		bool fresh = e->val.kind == V_NONE;
		switch (aggs[i].agg) {
		case AGG_COUNT:
			e->val.kind = V_COUNT;
			e->val.u++;
			break;
		case AGG_SUM:
			e->val.kind = V_SUM;
			e->val.is_signed = true;
			e->val.i += arg.i;
			break;
		case AGG_MIN:
		case AGG_MAX:
			e->val.kind = aggs[i].kind;
			e->val.is_signed = true;
			/* bpftrace 0.17's max() compares a new key against 0: max(-3)
			 * alone creates nothing, max(0) creates 0 */
			if (aggs[i].agg == AGG_MAX && fresh && arg.i < 0) {
				m->n--;
				break;
			}
			if (fresh || (aggs[i].agg == AGG_MIN ? arg.i < e->val.i : arg.i > e->val.i))
				e->val.i = arg.i;
			break;
		case AGG_AVG:
		case AGG_STATS:
			e->val.kind = aggs[i].kind;
			e->val.is_signed = true;
			e->val.stats.count++;
			e->val.stats.total += arg.i;
			break;
		default:
			hist_add(in, m, e, arg.i);
			break;
		}
		return;
	}
	struct value v = parse_expr(in);
	m->agg = AGG_NONE;
	map_slot(in, m, key, true)->val = v;
}

static struct map_snapshot snap_of(struct tmap *m)
{
	return (struct map_snapshot){
		.name = m->name,
		.agg = m->agg,
		.entries = m->e,
		.n = m->n,
		.has_keys = m->has_keys,
	};
}

static void stmt_call(struct interp *in)
{
	char name[64];
	if (accept(in, "printf")) {
		expect(in, "(");
		skip_ws(in);
		struct value fmt = parse_string(in);
		struct value args[16];
		size_t n = 0;
		while (accept(in, ","))
			args[n++] = parse_expr(in);
		expect(in, ")");
		struct strbuf sb = {0};
		printf_format(&sb, fmt.str.s, args, n);
		sink_output(in->sink, EV_PRINTF, sb.buf ? sb.buf : "", sb.len);
		sb_free(&sb);
	} else if (accept(in, "print")) {
		expect(in, "(");
		skip_ws(in);
		if (*in->p == '@') {
			uint64_t top = 0, div = 0;
			parse_map_name(in, name, sizeof(name));
			if (accept(in, ","))
				top = parse_expr(in).u;
			if (accept(in, ","))
				div = parse_expr(in).u;
			struct map_snapshot s = snap_of(map_get(in, name));
			in->sink->map(in->sink->ctx, &s, top, div);
		} else {
			struct value v = parse_expr(in);
			in->sink->value(in->sink->ctx, &v);
		}
		expect(in, ")");
	} else if (accept(in, "clear") || accept(in, "zero")) {
		bool zero = in->p[-1] == 'o';
		expect(in, "(");
		parse_map_name(in, name, sizeof(name));
		expect(in, ")");
		struct tmap *m = map_get(in, name);
		if (!zero) {
			m->n = 0;
			return;
		}
		for (size_t i = 0; i < m->n; i++) {
			struct value *v = &m->e[i].val;
			if (v->kind == V_HIST)
				memset(v->hist.counts, 0, v->hist.nbuckets * sizeof(uint64_t));
			else if (v->kind == V_AVG || v->kind == V_STATS)
				v->stats.count = 0, v->stats.total = 0;
			else
				v->u = 0;
		}
	} else if (accept(in, "delete")) {
		bool has;
		expect(in, "(");
		parse_map_name(in, name, sizeof(name));
		struct value key = parse_key(in, &has);
		expect(in, ")");
		struct tmap *m = map_get(in, name);
		struct map_entry *e = map_slot(in, m, key, false);
		if (e) {
			*e = m->e[m->n - 1];
			m->n--;
		}
	} else if (accept(in, "exit")) {
		expect(in, "(");
		expect(in, ")");
		in->exited = true;
	} else {
		die(in, "unknown statement");
	}
}

static int cmp_map_name(const void *a, const void *b)
{
	return strcmp(((const struct tmap *)a)->name, ((const struct tmap *)b)->name);
}

static int run_program(const char *text, const struct sink_ops *sink)
{
	struct interp *in = calloc(1, sizeof(*in));
	in->p = text;
	in->sink = sink;
	sink->attached(sink->ctx, 1);
	expect(in, "BEGIN");
	expect(in, "{");
	while (!in->exited) {
		skip_ws(in);
		if (*in->p == '}')
			break;
		if (*in->p == '@')
			stmt_assign(in);
		else
			stmt_call(in);
		accept(in, ";");
	}
	sink->exit_begin(sink->ctx);
	qsort(in->maps, in->nmaps, sizeof(in->maps[0]), cmp_map_name);
	for (size_t i = 0; i < in->nmaps; i++) {
		struct map_snapshot s = snap_of(&in->maps[i]);
		sink->map(sink->ctx, &s, 0, 0);
		free(in->maps[i].e);
	}
	sink->flush(sink->ctx);
	arena_free(&in->a);
	free(in);
	return 0;
}

/* units.c */
void units_labels(void);
void units_synth(const struct sink_ops *sink);
void units_misc(void);
int units_sort(void);

static char *slurp(const char *path)
{
	char *text = sb_read_file(path, NULL);
	if (!text) {
		perror(path);
		exit(2);
	}
	return text;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "sort"))
		return units_sort() ? 1 : 0;
	if (argc >= 2 && !strcmp(argv[1], "misc")) {
		units_misc();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "parse")) {
		/* one format per line -> "count<TAB>format", as regen_formats.sh */
		char *text = slurp(argv[2]);
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			printf("%zu\t%s\n", printf_parse(line, NULL), line);
		free(text);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "labels")) {
		units_labels();
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: driver text|json FILE.bt | labels | synth text|json\n");
		return 2;
	}
	bool json = !strcmp(argv[argc == 3 && !strcmp(argv[1], "synth") ? 2 : 1], "json");
	struct output *out = json ? output_new_json(stdout, NULL) : output_new_text(stdout, NULL);
	const struct sink_ops *sink = output_sink(out);
	if (!strcmp(argv[1], "synth")) {
		units_synth(sink);
	} else {
		char *text = slurp(argv[2]);
		run_program(text, sink);
		free(text);
	}
	output_free(out);
	return 0;
}
