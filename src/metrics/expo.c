/*
 * expo.c - a snapshot in the Prometheus text exposition format (0.0.4) or
 * in OpenMetrics 1.0.
 *
 * One metric family per map, named tracetop_<map> (the anonymous map @ is
 * tracetop_map): count maps are counters (<name>_total), sum/min/max and
 * integer value maps gauges, avg/stats summaries (_sum and _count only),
 * hist/lhist histograms with cumulative `le` buckets at each bucket's
 * inclusive upper bound and the exact _sum the generated code keeps under
 * --prometheus (OpenMetrics forbids a _sum beside buckets with a negative
 * threshold: there, empty negative buckets are left out so the _sum can be
 * given; a histogram with negative values, or a summary or histogram with
 * a negative sum, has no _sum there). Label names come from the key
 * expressions when they are builtins (comm, pid, ...), else key0..keyN. A
 * map with more than max_series entries keeps the largest and folds the
 * rest into one series whose label values are all "__other__";
 * tracetop_map_series_folded_total counts the entries so folded, summed
 * over the snapshots published (the caller keeps the totals:
 * metrics_count_folded). Then tracetop_info and the self-metrics.
 */
#define _GNU_SOURCE
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fam_type { FAM_COUNTER, FAM_GAUGE, FAM_SUMMARY, FAM_HISTOGRAM };

struct fam {
	const struct map_snapshot *m;
	const struct bt_map_meta *meta;
	enum fam_type type;
	char name[128];
	const char *labels[16]; /* label names, nlabels of them */
	size_t nlabels;
	bool om;
};

static const char *const agg_names[] = {
	[AGG_NONE] = "value",    [AGG_COUNT] = "count()", [AGG_SUM] = "sum()",
	[AGG_MIN] = "min()",     [AGG_MAX] = "max()",     [AGG_AVG] = "avg()",
	[AGG_STATS] = "stats()", [AGG_HIST] = "hist()",   [AGG_LHIST] = "lhist()",
};

const char *metrics_content_type(bool openmetrics)
{
	return openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
			   : "text/plain; version=0.0.4; charset=utf-8";
}

/* Appends s[0..len) as UTF-8, invalid bytes as U+FFFD, escaping \ " \n. */
static void put_escaped(struct strbuf *sb, const char *s, size_t len, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		unsigned c = p[i];
		size_t n = c < 0x80         ? 1
			   : (c >> 5) == 6  ? 2
			   : (c >> 4) == 14 ? 3
			   : (c >> 3) == 30 ? 4
					    : 0;
		bool ok = n && i + n <= len && !(c == 0xc0 || c == 0xc1 || c > 0xf4);
		for (size_t k = 1; ok && k < n; k++)
			ok = (p[i + k] & 0xc0) == 0x80;
		if (!ok) {
			sb_puts(sb, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (c == '\\')
			sb_puts(sb, "\\\\");
		else if (c == '\n')
			sb_puts(sb, "\\n");
		else if (c == '"' && quote)
			sb_puts(sb, "\\\"");
		else if (c == 0)
			break;
		else
			sb_putn(sb, s + i, n);
		i += n;
	}
}

static bool valid_label_name(const char *s)
{
	if (!s || !*s || !strcmp(s, "le") || !strcmp(s, "quantile") || !strncmp(s, "__", 2))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		      (p != s && *p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* A key (or one element of a tuple key) as a label value. */
static void key_text(struct strbuf *sb, const struct value *v)
{
	switch (v->kind) {
	case V_INT:
		value_put_int(sb, v->u, v->is_signed, 1);
		break;
	case V_STR:
		if (v->str.s)
			sb_putn(sb, v->str.s, strnlen(v->str.s, v->str.len));
		break;
	case V_BUF:
		for (size_t i = 0; i < v->buf.len; i++)
			sb_printf(sb, "%02x", v->buf.bytes[i]);
		break;
	case V_STACK:
		for (size_t i = 0; i < v->stack.n; i++)
			sb_printf(sb, "%s%s", i ? ";" : "", v->stack.frames[i]);
		break;
	case V_TUPLE:
	case V_RECORD:
	case V_ARRAY:
		sb_putc(sb, '(');
		for (size_t i = 0; i < v->tuple.n; i++) {
			if (i)
				sb_puts(sb, ", ");
			key_text(sb, &v->tuple.elems[i]);
		}
		sb_putc(sb, ')');
		break;
	default:
		break;
	}
}

static size_t key_arity(const struct map_snapshot *m, const struct value *k)
{
	if (!m->has_keys || k->kind == V_NONE)
		return 0;
	return k->kind == V_TUPLE ? k->tuple.n : 1;
}

/* {a="x",b="y"[,le="..."]}; key NULL is the folded series */
static void put_labels(struct strbuf *sb, const struct fam *f, const struct value *key,
		       const char *le)
{
	struct strbuf t = {0};

	if (!f->nlabels && !le)
		return;
	sb_putc(sb, '{');
	for (size_t i = 0; i < f->nlabels; i++) {
		sb_printf(sb, "%s%s=\"", i ? "," : "", f->labels[i]);
		if (!key) {
			sb_puts(sb, "__other__");
		} else {
			sb_reset(&t);
			key_text(&t, key->kind == V_TUPLE && f->nlabels > 1 ? &key->tuple.elems[i]
									    : key);
			put_escaped(sb, t.buf ? t.buf : "", t.len, true);
		}
		sb_putc(sb, '"');
	}
	if (le)
		sb_printf(sb, "%sle=\"%s\"", f->nlabels ? "," : "", le);
	sb_putc(sb, '}');
	sb_free(&t);
}

static int64_t val_int(const struct value *v)
{
	return v->i;
}

static void put_int(struct strbuf *sb, const struct value *v, int64_t x)
{
	if (v->is_signed)
		sb_printf(sb, " %lld\n", (long long)x);
	else
		sb_printf(sb, " %llu\n", (unsigned long long)x);
}

/* what "largest" means when capping series */
static double weight(const struct value *v)
{
	switch (v->kind) {
	case V_AVG:
	case V_STATS:
		return (double)v->stats.count;
	case V_HIST:
		return (double)hist_total(&v->hist);
	default:
		return v->is_signed ? (double)(v->i < 0 ? -v->i : v->i) : (double)v->u;
	}
}

static int by_key(const void *a, const void *b, void *arg)
{
	const struct map_snapshot *m = arg;
	return value_compare(&m->entries[*(const size_t *)a].key,
			     &m->entries[*(const size_t *)b].key);
}

/* largest first; equal weights in key order, so the cut is stable */
static int by_weight(const void *a, const void *b, void *arg)
{
	const struct map_snapshot *m = arg;
	double x = weight(&m->entries[*(const size_t *)a].val);
	double y = weight(&m->entries[*(const size_t *)b].val);
	return x < y ? 1 : x > y ? -1 : by_key(a, b, arg);
}

static void put_series(struct strbuf *sb, const struct fam *f, const struct value *key,
		       const struct value *v)
{
	switch (f->type) {
	case FAM_COUNTER:
	case FAM_GAUGE:
		sb_printf(sb, "%s%s", f->name, f->type == FAM_COUNTER ? "_total" : "");
		put_labels(sb, f, key, NULL);
		put_int(sb, v, val_int(v));
		break;
	case FAM_SUMMARY:
		/* OpenMetrics: a summary's _sum is a counter, never negative */
		if (!f->om || v->stats.total >= 0) {
			sb_printf(sb, "%s_sum", f->name);
			put_labels(sb, f, key, NULL);
			sb_printf(sb, " %lld\n", (long long)v->stats.total);
		}
		sb_printf(sb, "%s_count", f->name);
		put_labels(sb, f, key, NULL);
		sb_printf(sb, " %llu\n", (unsigned long long)v->stats.count);
		break;
	case FAM_HISTOGRAM: {
		const struct hist *h = &v->hist;
		uint64_t cum = 0;
		bool inf = false;
		/* OpenMetrics: no _sum beside a negative threshold, so leave
		 * out the negative buckets while they are empty */
		bool sum = h->has_sum, skip_neg = false;
		if (f->om && sum) {
			for (uint32_t i = 0; i < h->nbuckets; i++) {
				int64_t lo, hi;
				bool has_lo, has_hi;
				hist_bucket_bounds(h, i, &lo, &has_lo, &hi, &has_hi);
				if (!has_hi || hi >= 0)
					break;
				cum += h->counts[i];
			}
			skip_neg = cum == 0;
			sum = skip_neg && h->sum >= 0; /* never negative either */
			cum = 0;
		}
		for (uint32_t i = 0; i < h->nbuckets; i++) {
			int64_t lo, hi;
			bool has_lo, has_hi;
			char le[32];
			hist_bucket_bounds(h, i, &lo, &has_lo, &hi, &has_hi);
			cum += h->counts[i];
			if (skip_neg && has_hi && hi < 0)
				continue;
			if (has_hi)
				snprintf(le, sizeof(le), f->om ? "%lld.0" : "%lld", (long long)hi);
			else
				snprintf(le, sizeof(le), "+Inf");
			inf |= !has_hi;
			sb_printf(sb, "%s_bucket", f->name);
			put_labels(sb, f, key, le);
			sb_printf(sb, " %llu\n", (unsigned long long)cum);
			if (!has_hi)
				break;
		}
		if (!inf) {
			sb_printf(sb, "%s_bucket", f->name);
			put_labels(sb, f, key, "+Inf");
			sb_printf(sb, " %llu\n", (unsigned long long)cum);
		}
		sb_printf(sb, "%s_count", f->name);
		put_labels(sb, f, key, NULL);
		sb_printf(sb, " %llu\n", (unsigned long long)cum);
		if (sum) {
			sb_printf(sb, "%s_sum", f->name);
			put_labels(sb, f, key, NULL);
			sb_printf(sb, " %lld\n", (long long)h->sum);
		}
		break;
	}
	}
}

/* The sum (or min, max) of the folded entries, in storage owned by *fold. */
static void fold_into(struct value *acc, const struct value *v, enum map_agg agg, bool first)
{
	if (first) {
		*acc = *v;
		if (v->kind == V_HIST) {
			acc->hist.counts = calloc(v->hist.nbuckets, sizeof(uint64_t));
			memcpy(acc->hist.counts, v->hist.counts,
			       v->hist.nbuckets * sizeof(uint64_t));
		}
		return;
	}
	switch (v->kind) {
	case V_AVG:
	case V_STATS:
		acc->stats.count += v->stats.count;
		acc->stats.total += v->stats.total;
		break;
	case V_HIST:
		for (uint32_t i = 0; i < v->hist.nbuckets && i < acc->hist.nbuckets; i++)
			acc->hist.counts[i] += v->hist.counts[i];
		acc->hist.sum = (int64_t)((uint64_t)acc->hist.sum + (uint64_t)v->hist.sum);
		break;
	default:
		if (agg == AGG_MIN)
			acc->i = (v->is_signed ? v->i < acc->i : v->u < acc->u) ? v->i : acc->i;
		else if (agg == AGG_MAX)
			acc->i = (v->is_signed ? v->i > acc->i : v->u > acc->u) ? v->i : acc->i;
		else
			acc->u += v->u;
	}
}

static bool fam_init(struct fam *f, const struct map_snapshot *m, const struct metrics_doc *d,
		     bool anon_exists)
{
	memset(f, 0, sizeof(*f));
	f->m = m;
	for (size_t i = 0; d->meta && i < d->nmeta; i++)
		if (d->meta[i].name && !strcmp(d->meta[i].name, m->name))
			f->meta = &d->meta[i];
	switch (m->agg) {
	case AGG_COUNT:
		f->type = FAM_COUNTER;
		break;
	case AGG_AVG:
	case AGG_STATS:
		f->type = FAM_SUMMARY;
		break;
	case AGG_HIST:
	case AGG_LHIST:
		f->type = FAM_HISTOGRAM;
		break;
	case AGG_NONE:
		/* integer value maps only */
		if (!m->n)
			return false;
		for (size_t i = 0; i < m->n; i++)
			if (m->entries[i].val.kind != V_INT)
				return false;
		f->type = FAM_GAUGE;
		break;
	default:
		f->type = FAM_GAUGE;
	}
	const char *base = m->name[0] == '@' ? m->name + 1 : m->name;
	size_t o = (size_t)snprintf(f->name, sizeof(f->name), "tracetop_");
	if (!*base)
		base = "map";
	for (const char *p = base; *p && o + 1 < sizeof(f->name) - 8; p++)
		f->name[o++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					       (*p >= '0' && *p <= '9')
				       ? *p
				       : '_';
	f->name[o] = 0;
	/* names tracetop uses itself */
	if (!strcmp(base, "info") || !strncmp(base, "self_", 5) ||
	    (m->name[1] && !strcmp(base, "map") && anon_exists))
		strcat(f->name, "_map");

	size_t n = m->n ? key_arity(m, &m->entries[0].key) : 0;
	if (!m->n && f->meta)
		n = m->has_keys ? f->meta->nkeys : 0;
	static const char *const keyn[] = {"key0",  "key1",  "key2",  "key3", "key4",  "key5",
					   "key6",  "key7",  "key8",  "key9", "key10", "key11",
					   "key12", "key13", "key14", "key15"};
	f->nlabels = n < 16 ? n : 16;
	for (size_t i = 0; i < f->nlabels; i++) {
		const char *nm = f->meta && f->meta->nkeys == n ? f->meta->key_names[i] : NULL;
		for (size_t j = 0; nm && j < i; j++)
			if (!strcmp(f->labels[j], nm))
				nm = NULL;
		f->labels[i] = valid_label_name(nm) ? nm : keyn[i];
	}
	return true;
}

static void put_help(struct strbuf *sb, const struct fam *f, const char *help)
{
	const char *types[] = {"counter", "gauge", "summary", "histogram"};
	const char *name = f->name;
	char sample[160];

	if (f->type == FAM_COUNTER && !f->om) {
		snprintf(sample, sizeof(sample), "%s_total", f->name);
		name = sample;
	}
	sb_printf(sb, "# HELP %s ", name);
	put_escaped(sb, help, strlen(help), f->om);
	sb_printf(sb, "\n# TYPE %s %s\n", name, types[f->type]);
}

/* entries of f's map beyond the cap, folded into the __other__ series */
static size_t folded_entries(const struct metrics_doc *d, const struct fam *f)
{
	return d->max_series && f->m->n > d->max_series ? f->m->n - d->max_series : 0;
}

static void render_map(struct strbuf *sb, const struct metrics_doc *d, const struct fam *f)
{
	const struct map_snapshot *m = f->m;
	char help[256];

	if (f->meta && f->meta->line)
		snprintf(help, sizeof(help), "%s = %s, defined at line %u of the program", m->name,
			 agg_names[m->agg], f->meta->line);
	else
		snprintf(help, sizeof(help), "%s = %s", m->name, agg_names[m->agg]);
	put_help(sb, f, help);

	size_t *order = calloc(m->n ? m->n : 1, sizeof(*order));
	for (size_t i = 0; i < m->n; i++)
		order[i] = i;
	size_t keep = m->n - folded_entries(d, f);
	if (keep < m->n)
		qsort_r(order, m->n, sizeof(*order), by_weight, (void *)m);
	/* series in key order: the same map renders the same way every time */
	if (f->nlabels)
		qsort_r(order, keep, sizeof(*order), by_key, (void *)m);
	for (size_t i = 0; i < keep; i++) {
		const struct map_entry *e = &m->entries[order[i]];
		if (key_arity(m, &e->key) != f->nlabels && f->nlabels)
			continue;
		put_series(sb, f, f->nlabels ? &e->key : NULL, &e->val);
	}
	if (keep < m->n) {
		struct value acc;
		for (size_t i = keep; i < m->n; i++)
			fold_into(&acc, &m->entries[order[i]].val, m->agg, i == keep);
		put_series(sb, f, NULL, &acc);
		if (acc.kind == V_HIST)
			free(acc.hist.counts);
	}
	free(order);
}

static void put_self(struct strbuf *sb, bool om, const char *name, const char *type,
		     const char *help)
{
	if (om && !strcmp(type, "counter"))
		sb_printf(sb, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)(strlen(name) - 6), name,
			  help, (int)(strlen(name) - 6), name, type);
	else
		sb_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_count_folded(const struct metrics_doc *d, const struct snapshot *s, uint64_t *totals)
{
	bool anon = false;

	for (size_t i = 0; s && i < s->nmaps; i++)
		anon |= !strcmp(s->maps[i].name, "@");
	for (size_t i = 0; s && i < s->nmaps; i++) {
		struct fam f;
		if (fam_init(&f, &s->maps[i], d, anon))
			totals[i] += folded_entries(d, &f);
	}
}

void metrics_render(struct strbuf *sb, const struct metrics_doc *d, const struct snapshot *s,
		    uint64_t refresh_ns, const uint64_t *folded_total, bool om)
{
	size_t nmaps = s ? s->nmaps : 0;
	bool anon = false;

	for (size_t i = 0; i < nmaps; i++)
		anon |= !strcmp(s->maps[i].name, "@");
	for (size_t i = 0; i < nmaps; i++) {
		struct fam f;
		if (!fam_init(&f, &s->maps[i], d, anon))
			continue;
		f.om = om;
		render_map(sb, d, &f);
	}

	put_self(sb, om, "tracetop_info", "gauge", "tracetop's version and the program it runs");
	sb_printf(sb, "tracetop_info{version=\"%s\",program=\"", TRACETOP_VERSION);
	if (d->program) {
		size_t len = strlen(d->program);
		put_escaped(sb, d->program, len > 512 ? 512 : len, true);
	}
	sb_printf(sb, "\",maps=\"%zu\"} 1\n", nmaps);

	put_self(sb, om, "tracetop_events_total", "counter", "events read from the ring buffer");
	sb_printf(sb, "tracetop_events_total %llu\n",
		  (unsigned long long)(s ? s->events_total : 0));
	put_self(sb, om, "tracetop_lost_events_total", "counter",
		 "events the kernel dropped (ring buffer full)");
	sb_printf(sb, "tracetop_lost_events_total %llu\n",
		  (unsigned long long)(s ? s->lost_total : 0));
	put_self(sb, om, "tracetop_refresh_duration_seconds", "gauge",
		 "time taken to read the maps for the latest snapshot");
	sb_printf(sb, "tracetop_refresh_duration_seconds %.9f\n", refresh_ns / 1e9);
	if (nmaps) {
		put_self(sb, om, "tracetop_map_entries", "gauge", "entries in each map");
		for (size_t i = 0; i < nmaps; i++) {
			sb_puts(sb, "tracetop_map_entries{map=\"");
			put_escaped(sb, s->maps[i].name, strlen(s->maps[i].name), true);
			sb_printf(sb, "\"} %zu\n", s->maps[i].n);
		}
		put_self(sb, om, "tracetop_map_series_folded_total", "counter",
			 "map entries folded into the __other__ series (series cap), summed over "
			 "the snapshots published");
		for (size_t i = 0; i < nmaps; i++) {
			sb_puts(sb, "tracetop_map_series_folded_total{map=\"");
			put_escaped(sb, s->maps[i].name, strlen(s->maps[i].name), true);
			sb_printf(sb, "\"} %llu\n",
				  (unsigned long long)(folded_total ? folded_total[i] : 0));
		}
	}
	if (om)
		sb_puts(sb, "# EOF\n");
}
