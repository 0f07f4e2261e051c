/*
 * metrics.h - map snapshots as Prometheus metrics.
 *
 * A stage beside output/ and tui/: it reads struct snapshot only (no BPF).
 * expo.c renders a snapshot in the Prometheus text exposition format or in
 * OpenMetrics; server.c serves /metrics over HTTP (libmicrohttpd, its own
 * thread) from the latest snapshot the main loop published.
 */
#ifndef TRACETOP_METRICS_H
#define TRACETOP_METRICS_H

#include "../bt.h"
#include "../model/model.h"

#include <stdint.h>

#define METRICS_DEFAULT_MAX_SERIES 500

/* What a rendering knows about the program besides the snapshot. */
struct metrics_doc {
	const struct bt_map_meta *meta; /* may be NULL: labels key0..N, line 0 */
	size_t nmeta;
	const char *program; /* source text, for tracetop_info (may be NULL) */
	size_t max_series;   /* per map; the rest fold into one "__other__" series */
};

/* expo.c: append the exposition of s (NULL: self-metrics only) to sb;
 * folded_total (s->nmaps counters, may be NULL: zeros) is what
 * metrics_count_folded accumulated over the snapshots published */
void metrics_render(struct strbuf *sb, const struct metrics_doc *d, const struct snapshot *s,
		    uint64_t refresh_ns, const uint64_t *folded_total, bool openmetrics);
/* add to totals[i] the entries of s->maps[i] the series cap folds */
void metrics_count_folded(const struct metrics_doc *d, const struct snapshot *s, uint64_t *totals);
/* the Content-Type of each format */
const char *metrics_content_type(bool openmetrics);

struct metrics_opts {
	const char *listen; /* "[ADDR:]PORT"; ADDR defaults to 127.0.0.1 */
	double interval_s;  /* how often the main loop should publish */
	struct metrics_doc doc;
};

struct metrics;

/* server.c: parse "[ADDR:]PORT" (IPv4 dotted, or [v6]); 0 or -EINVAL */
int metrics_parse_listen(const char *s, char *addr, size_t addrlen, uint16_t *port);
/* start serving; prints an error and returns NULL on failure */
struct metrics *metrics_start(const struct metrics_opts *o);
/* whether a new snapshot is due (interval_s since the last publish) */
bool metrics_due(struct metrics *m);
/* hand over the newest snapshot (ownership moves; the previous one is
 * released once no scrape uses it) and how long it took to take */
void metrics_publish(struct metrics *m, struct snapshot *s, uint64_t refresh_ns);
/* the port actually bound (useful with port 0) */
uint16_t metrics_port(const struct metrics *m);
void metrics_stop(struct metrics *m);

/* quiet.c: a sink that prints nothing but errors (stderr), for -q headless */
const struct sink_ops *metrics_quiet_sink(void);

#endif
