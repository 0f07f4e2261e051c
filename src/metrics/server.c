/*
 * server.c - the /metrics HTTP endpoint (libmicrohttpd, its own thread).
 *
 * The main loop publishes a snapshot every interval; the server thread
 * renders the latest one per scrape. Publishing only swaps a pointer under
 * the mutex, and a scrape holds the mutex only to take a reference, so a
 * scrape never blocks the event loop or the dashboard; the last reference
 * frees a snapshot. The series-cap counters (entries folded, summed over
 * the snapshots) are advanced at publish time and travel with the
 * snapshot, so scrapes never change them. libmicrohttpd's limits bound what a slow or hostile
 * client can hold: connections in all and per address, a per-connection
 * memory pool, an idle timeout; requests other than GET/HEAD are refused.
 */
#define _GNU_SOURCE
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* a published snapshot and the scrapes still reading it */
struct published {
	struct snapshot *snap;
	uint64_t refresh_ns;
	uint64_t *folded; /* the series-cap counters as of this snapshot (snap->nmaps) */
	int refs;
};

struct metrics {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	struct published *cur; /* under lock */
	struct metrics_doc doc;
	char *program;
	uint64_t interval_ns, last_ns;
	uint64_t *folded; /* main loop only: entries folded, per map, over every publish */
	size_t nfolded;
	uint16_t port;
	unsigned nlogged; /* server thread only, after start */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int metrics_parse_listen(const char *s, char *addr, size_t addrlen, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	const char *p = colon ? colon + 1 : s;
	char *end;

	unsigned long n = strtoul(p, &end, 10);
	if (!*p || *end || n > 65535)
		return -EINVAL;
	*port = (uint16_t)n;
	if (!colon) {
		snprintf(addr, addrlen, "127.0.0.1");
		return 0;
	}
	size_t len = (size_t)(colon - s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (!len || len >= addrlen)
		return -EINVAL;
	memcpy(addr, s, len);
	addr[len] = 0;
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, addr, &a4) != 1 && inet_pton(AF_INET6, addr, &a6) != 1)
		return -EINVAL;
	return 0;
}

static void release(struct metrics *m, struct published *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&m->lock);
	bool last = --p->refs == 0;
	pthread_mutex_unlock(&m->lock);
	if (last) {
		if (p->snap)
			snapshot_free(p->snap);
		free(p->folded);
		free(p);
	}
}

static bool wants_openmetrics(struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");

	return accept && strstr(accept, "application/openmetrics-text");
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *type, char *body,
			     size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_len, void **con_cls)
{
	struct metrics *m = cls;
	(void)version;
	(void)upload;
	(void)upload_len;
	(void)con_cls;

	/* answered on the first call, from the headers alone: a request body
	 * is never read (libmicrohttpd closes such a connection after it) */
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", strdup("GET /metrics\n"),
			     13);
	if (strcmp(url, "/metrics")) {
		if (!strcmp(url, "/"))
			return reply(c, MHD_HTTP_OK, "text/html",
				     strdup("<a href=\"/metrics\">/metrics</a>\n"), 32);
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", strdup("not found\n"), 10);
	}

	pthread_mutex_lock(&m->lock);
	struct published *p = m->cur;
	if (p)
		p->refs++;
	pthread_mutex_unlock(&m->lock);

	bool om = wants_openmetrics(c);
	struct strbuf sb = {0};
	metrics_render(&sb, &m->doc, p ? p->snap : NULL, p ? p->refresh_ns : 0,
		       p ? p->folded : NULL, om);
	release(m, p);
	size_t len = sb.len;
	char *body = sb_steal(&sb);
	if (!body) {
		body = strdup("");
		len = 0;
	}
	return reply(c, MHD_HTTP_OK, metrics_content_type(om), body, len);
}

/* libmicrohttpd's messages (a flood of refused connections is one line
 * each): the first few only */
static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	struct metrics *m = cls;

	if (m->nlogged >= 10)
		return;
	fputs("WARNING: prometheus: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (++m->nlogged == 10)
		fputs("WARNING: prometheus: further server messages suppressed\n", stderr);
}

struct metrics *metrics_start(const struct metrics_opts *o)
{
	char addr[64];
	uint16_t port;
	struct sockaddr_storage ss = {0};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG;

	if (metrics_parse_listen(o->listen, addr, sizeof(addr), &port)) {
		fprintf(stderr, "ERROR: --prometheus '%s': expected [ADDR:]PORT\n", o->listen);
		return NULL;
	}
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s4->sin_addr);
	}

	struct metrics *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->doc = o->doc;
	if (o->doc.program) {
		m->program = strdup(o->doc.program);
		m->doc.program = m->program;
	}
	m->interval_ns = (uint64_t)((o->interval_s > 0 ? o->interval_s : 1.0) * 1e9);
	/* the server thread blocks every signal: a Ctrl-C sent to the process
	 * must go to the main thread, whose waits it interrupts (a handler
	 * run in this thread would set the flag but wake nobody) */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	m->daemon = MHD_start_daemon(
		flags, port, NULL, NULL, on_request, m, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, m,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)32, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)8,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32 * 1024, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!m->daemon) {
		fprintf(stderr, "ERROR: --prometheus: cannot listen on %s port %u\n", addr, port);
		metrics_stop(m);
		return NULL;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
	m->port = info && info->port ? info->port : port;
	return m;
}

bool metrics_due(struct metrics *m)
{
	return m && (!m->last_ns || now_ns() - m->last_ns >= m->interval_ns);
}

void metrics_publish(struct metrics *m, struct snapshot *s, uint64_t refresh_ns)
{
	struct published *p = calloc(1, sizeof(*p));

	m->last_ns = now_ns();
	if (!p) {
		if (s)
			snapshot_free(s);
		return;
	}
	p->snap = s;
	p->refresh_ns = refresh_ns;
	p->refs = 1;
	/* the counters live here, not in a scrape: a scrape only reads */
	size_t n = s ? s->nmaps : 0;
	if (n > m->nfolded) {
		uint64_t *f = realloc(m->folded, n * sizeof(*f));
		if (f) {
			memset(f + m->nfolded, 0, (n - m->nfolded) * sizeof(*f));
			m->folded = f;
			m->nfolded = n;
		}
	}
	if (n && n <= m->nfolded) {
		metrics_count_folded(&m->doc, s, m->folded);
		p->folded = malloc(n * sizeof(*p->folded));
		if (p->folded)
			memcpy(p->folded, m->folded, n * sizeof(*p->folded));
	}
	pthread_mutex_lock(&m->lock);
	struct published *old = m->cur;
	m->cur = p;
	pthread_mutex_unlock(&m->lock);
	release(m, old);
}

uint16_t metrics_port(const struct metrics *m)
{
	return m->port;
}

void metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	release(m, m->cur);
	pthread_mutex_destroy(&m->lock);
	free(m->program);
	free(m->folded);
	free(m);
}
