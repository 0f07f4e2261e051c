/*
 * events.c - the ring buffer: records in, sink calls out.
 *
 * Every record starts with a u64 (kind << 32 | index); its arguments
 * follow, packed as the format's T_TUPLE says, and are decoded into model
 * values (decode.c) before the output engine formats them (printf_format).
 * Consumption is bounded in time: under a storm of events a poll still
 * returns when its budget is spent (the callback stops libbpf's loop), so
 * Ctrl-C is seen promptly; it also stops for a caller's signal pending.
 * After exit() the remaining records are dropped, as bpftrace does, until
 * END runs; after a stop on a signal, prints of a map the final drain has
 * already printed unchanged are skipped.
 *
 * Lost records are counted by the BPF side in the RT_LOST_MAP array (see
 * runtime.h); increments are reported as "Lost N events".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "../output/output.h"
#include "rt_internal.h"

/* A callback return that means "budget spent", not an error. */
#define EV_STOP (-ECANCELED)
/* Decoded values live in a scratch arena, released this often; the time
 * budget and the caller's signals are looked at as often, and after every
 * slow record. */
#define EV_ARENA_RECORDS 256

/* The last print() of one map handled by a drain at stop (see
 * drain_duplicate). */
struct ev_printed {
	bool valid;
	uint64_t top, div;
};

struct ev_ctx {
	struct rt *rt;
	const struct sink_ops *sink;
	uint64_t budget_end;
	size_t bytes;   /* ring buffer bytes consumed by this call */
	unsigned count; /* records consumed by this call */
	struct arena scratch;
	struct strbuf sb;
	unsigned n;
	bool watch_signals; /* a caller's signal pending ends the drain */
	struct ev_printed *printed; /* per map, while draining after a signal */
};

static void sink_text(const struct sink_ops *sink, const char *s, size_t len)
{
	if (sink && sink->text)
		sink->text(sink->ctx, s, len);
}

/* time/join/cat/system output, tagged with its origin for JSON */
static void sink_kind(const struct sink_ops *sink, enum event_kind kind, const char *s, size_t len)
{
	if (sink)
		sink_output(sink, kind, s, len);
}

static void sink_error(const struct sink_ops *sink, const char *msg)
{
	if (sink && sink->error)
		sink->error(sink->ctx, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

static const struct bt_format *format_of(struct rt *rt, uint32_t idx)
{
	return idx < rt->prog->nformats ? &rt->prog->formats[idx] : NULL;
}

/* The record's arguments as values; *n = 0 when it has none. */
static const struct value *record_args(struct ev_ctx *c, const struct bt_format *f,
				       const uint8_t *data, size_t len, size_t *n)
{
	struct value *v;

	*n = 0;
	if (!f->args || f->args->size + 8 > len)
		return NULL;
	v = arena_alloc(&c->scratch, sizeof(*v));
	decode_value(c->rt, &c->scratch, f->args, data + 8, v);
	if (v->kind != V_TUPLE) {
		*n = 1;
		return v;
	}
	*n = v->tuple.n;
	return v->tuple.elems;
}

static void ev_printf_like(struct ev_ctx *c, const struct bt_format *f, const uint8_t *data,
			   size_t len)
{
	size_t n;
	const struct value *args = record_args(c, f, data, len, &n);

	sb_reset(&c->sb);
	printf_format(&c->sb, f->fmt, args, n);
}

static void ev_time(struct ev_ctx *c, const struct bt_format *f)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	sb_reset(&c->sb);
	if (printf_time(&c->sb, f->fmt, (uint64_t)ts.tv_sec * 1000000000ULL +
						(uint64_t)ts.tv_nsec) < 0) {
		sink_error(c->sink, "ERROR: strftime returned 0");
		return;
	}
	sink_kind(c->sink, EV_TIME, c->sb.buf, c->sb.len);
}

static void ev_join(struct ev_ctx *c, const struct bt_format *f, const uint8_t *data, size_t len)
{
	size_t n, nstr = 0;
	const struct value *args = record_args(c, f, data, len, &n);
	const char **strs = arena_alloc(&c->scratch, (n ? n : 1) * sizeof(char *));

	/* the argv array ends at its first empty (NULL) slot */
	for (size_t i = 0; i < n && args[i].kind == V_STR && args[i].str.len; i++)
		strs[nstr++] = args[i].str.s;
	sb_reset(&c->sb);
	printf_join(&c->sb, strs, nstr, f->fmt ? f->fmt : " ");
	sink_kind(c->sink, EV_JOIN, c->sb.buf, c->sb.len);
}

/* cat(): the file's first BPFTRACE_CAT_BYTES_MAX bytes, as one message */
static void ev_cat(struct ev_ctx *c, const struct bt_format *f, const uint8_t *data, size_t len)
{
	const struct bt_opts *o = c->rt->opts;
	size_t max = o && o->cat_bytes_max ? o->cat_bytes_max : 10240;
	struct strbuf out = {0};
	char buf[4096], *path;
	ssize_t r;
	int fd;

	ev_printf_like(c, f, data, len);
	path = xstrdup(c->sb.buf ? c->sb.buf : "");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		char *msg = xasprintf("ERROR: failed to open file '%s': %s", path, strerror(errno));

		sink_error(c->sink, msg);
		free(msg);
		free(path);
		return;
	}
	while (out.len < max &&
	       (r = read(fd, buf, max - out.len < sizeof(buf) ? max - out.len : sizeof(buf))) > 0)
		sb_putn(&out, buf, (size_t)r);
	close(fd);
	if (out.len)
		sink_kind(c->sink, EV_CAT, out.buf, out.len);
	sb_free(&out);
	free(path);
}

static void ev_system(struct ev_ctx *c, const struct bt_format *f, const uint8_t *data, size_t len)
{
	struct strbuf out = {0};
	int err;

	/* once the run is stopping on a signal, no more commands start:
	 * under a storm of system() calls they could keep us for minutes */
	if (c->rt->interrupted) {
		c->rt->skipped++;
		return;
	}
	ev_printf_like(c, f, data, len);
	/* what we printed must come before anything the command writes itself
	 * (its stderr); its stdout is read back and goes through the sink like
	 * bpftrace's, as one "syscall" message once the command ends */
	if (c->sink && c->sink->flush)
		c->sink->flush(c->sink->ctx);
	fflush(stdout);
	err = command_run(c->rt, c->sb.buf ? c->sb.buf : "", &out);
	if (err && err != -EINTR)
		sink_error(c->sink, "ERROR: system() could not run a shell");
	if (out.len)
		sink_kind(c->sink, EV_SYSTEM, out.buf, out.len);
	sb_free(&out);
}

/*
 * Draining after a stop on a signal, the probes are detached: a map changes
 * only through the clear() and zero() records drained with it, so a print()
 * of a map already printed by this drain, with the same top and div and no
 * clear or zero in between, would print the same text again. Those are
 * skipped (and counted with the other records a signal skips): when each
 * print of a big map takes longer than the interval that asks for it, the
 * ring holds a backlog of them that would otherwise keep tracetop printing
 * the same map for minutes after Ctrl-C.
 */
static bool drain_duplicate(struct ev_ctx *c, uint32_t idx, uint64_t top, uint64_t div)
{
	struct ev_printed *p;

	if (!c->watch_signals || !c->rt->interrupted || !c->printed)
		return false;
	p = &c->printed[idx];
	if (p->valid && p->top == top && p->div == div)
		return true;
	*p = (struct ev_printed){.valid = true, .top = top, .div = div};
	return false;
}

static void drain_map_changed(struct ev_ctx *c, uint32_t idx)
{
	if (c->printed)
		c->printed[idx].valid = false;
}

static void ev_print_map(struct ev_ctx *c, uint32_t idx, const uint8_t *data, size_t len)
{
	struct rt *rt = c->rt;
	uint64_t top = 0, div = 0;
	struct map_snapshot m;
	struct arena a = {0};

	if (idx >= rt->prog->nmaps)
		return;
	if (len >= 24) {
		memcpy(&top, data + 8, 8);
		memcpy(&div, data + 16, 8);
	}
	if (drain_duplicate(c, idx, top, div)) {
		rt->skipped++;
		return;
	}
	if (maps_read(rt, idx, &a, &m) == 0 && c->sink && c->sink->map)
		c->sink->map(c->sink->ctx, &m, top, div);
	arena_free(&a);
}

/* The program's text, for a warning that points into it: -e text, or the
 * script read again (only when a runtime error happens). */
char *rt_program_source(const struct bt_opts *o, const char **name)
{
	char *text;

	if (o && o->program_text) {
		*name = "stdin";
		return xstrdup(o->program_text);
	}
	if (!o || !o->program_file || strcmp(o->program_file, "-") == 0)
		return NULL;
	text = sb_read_file(o->program_file, NULL);
	if (text)
		*name = o->program_file;
	return text;
}

/* A failed helper (-k): "stdin:1:24-25: WARNING: Failed to map_update_elem:
 * Argument list too long (-7)", the line and ~~~ under the call, as
 * bpftrace prints it. */
static void ev_runtime_error(struct ev_ctx *c, uint32_t idx, const uint8_t *data, size_t len)
{
	const struct bt_runtime_error *e =
		idx < c->rt->prog->nerrors ? &c->rt->prog->errors[idx] : NULL;
	struct source src = {0};
	struct diags d;
	char *text, *msg = NULL;
	size_t msg_len = 0;
	int64_t ret = 0;
	FILE *f;

	if (c->rt->opts && c->rt->opts->no_warnings)
		return;
	if (len >= 16)
		memcpy(&ret, data + 8, 8);
	text = e ? rt_program_source(c->rt->opts, &src.name) : NULL;
	src.text = text ? text : "";
	src.len = strlen(src.text);
	diags_init(&d, &src);
	/* a lookup that found nothing returns 0: bpftrace says just that */
	if (ret == 0)
		diag_warn(&d, e ? e->span : (struct span){0, 0}, "%s: 0",
			  e ? e->msg : "runtime error");
	else
		diag_warn(&d, e ? e->span : (struct span){0, 0}, "%s: %s (%lld)",
			  e ? e->msg : "runtime error", strerror((int)-ret), (long long)ret);
	if (!text || !e || e->span.hi > src.len)
		((struct diag *)d.list.items[0])->has_span = false;
	f = open_memstream(&msg, &msg_len);
	if (f) {
		diags_print(&d, f);
		fclose(f);
		/* the sink ends the line itself */
		while (msg_len && msg[msg_len - 1] == '\n')
			msg[--msg_len] = 0;
		if (c->sink && c->sink->helper_error) {
			struct helper_error he = {.retcode = ret, .text = msg, .line = 1, .col = 1};
			const char *name = e ? e->msg : "runtime error";

			if (!strncmp(name, "Failed to ", 10))
				name += 10;
			he.helper = name;
			for (uint32_t i = 0; text && e && i < e->span.lo && i < src.len; i++) {
				he.col++;
				if (src.text[i] == '\n') {
					he.line++;
					he.col = 1;
				}
			}
			c->sink->helper_error(c->sink->ctx, &he);
		} else {
			sink_error(c->sink, msg);
		}
	}
	free(msg);
	diags_free(&d);
	free(text);
}

static void handle_record(struct ev_ctx *c, const uint8_t *data, size_t len)
{
	struct rt *rt = c->rt;
	uint64_t hdr;
	uint32_t kind, idx;
	const struct bt_format *f;

	if (len < 8)
		return;
	memcpy(&hdr, data, 8);
	kind = (uint32_t)(hdr >> 32);
	idx = (uint32_t)hdr;
	switch (kind) {
	case EV_EXIT:
		rt->exit_requested = true;
		rt->drop_events = true;
		return;
	case EV_PRINT_MAP:
		ev_print_map(c, idx, data, len);
		return;
	case EV_CLEAR_MAP:
		if (idx < rt->prog->nmaps) {
			maps_clear(rt, idx);
			drain_map_changed(c, idx);
		}
		return;
	case EV_ZERO_MAP:
		if (idx < rt->prog->nmaps) {
			maps_zero(rt, idx);
			drain_map_changed(c, idx);
		}
		return;
	case EV_RUNTIME_ERROR:
		ev_runtime_error(c, idx, data, len);
		return;
	default:
		break;
	}
	f = format_of(rt, idx);
	if (!f)
		return;
	switch (kind) {
	case EV_PRINTF:
		ev_printf_like(c, f, data, len);
		sink_text(c->sink, c->sb.buf, c->sb.len);
		break;
	case EV_PRINT_VALUE: {
		size_t n;
		const struct value *v = record_args(c, f, data, len, &n);

		if (n && c->sink && c->sink->value)
			c->sink->value(c->sink->ctx, v);
		break;
	}
	case EV_TIME:
		ev_time(c, f);
		break;
	case EV_JOIN:
		ev_join(c, f, data, len);
		break;
	case EV_SYSTEM:
		ev_system(c, f, data, len);
		break;
	case EV_CAT:
		ev_cat(c, f, data, len);
		break;
	default:
		break;
	}
}

/* system() and cat() records cost a process or a file each, print() of a
 * map a read of the whole map, a sort and its text (100,000 keys: ~0.1 s
 * on an idle machine, over 1 s on a loaded one) */
static bool slow_record(const uint8_t *data, size_t len)
{
	uint64_t hdr;
	uint32_t kind;

	if (len < 8)
		return false;
	memcpy(&hdr, data, 8);
	kind = (uint32_t)(hdr >> 32);
	return kind == EV_SYSTEM || kind == EV_CAT || kind == EV_PRINT_MAP;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct ev_ctx *c = ctx;
	struct rt *rt = c->rt;

	rt->events_total++;
	c->count++;
	c->bytes += len + 8; /* 8: the ring buffer's record header */
	/* after exit() nothing is printed until END runs */
	if (rt->skip_rest) {
		rt->skipped++;
		return 0;
	}
	if (!rt->drop_events)
		handle_record(c, data, len);
	if (rt->signalled) {
		/* in a poll: let the caller see its flag; at stop: skip */
		if (!c->watch_signals)
			return EV_STOP;
		rt->skip_rest = true;
	}
	if (++c->n % EV_ARENA_RECORDS == 0 || slow_record(data, len)) {
		if (c->n % EV_ARENA_RECORDS == 0)
			arena_free(&c->scratch);
		if (c->budget_end && rt_now_ns() > c->budget_end)
			return EV_STOP;
		/* The caller's signals are blocked while we consume (rt_poll,
		 * events_drain). In a poll, one pending ends the consume, and
		 * rt_poll lets it in. Without this, records that keep
		 * coming while slow ones are handled (prints of a big map from
		 * an interval probe, slower than the interval) kept libbpf's
		 * loop, and Ctrl-C with it, going for ever. Draining at stop,
		 * a second Ctrl-C drops the rest. */
		if (rt_caller_signal_pending()) {
			if (!c->watch_signals)
				return EV_STOP;
			rt->skip_rest = true;
		}
	}
	return 0;
}

int events_open(struct rt *rt)
{
	struct bpf_map *m;
	struct epoll_event ev = {.events = EPOLLIN};
	struct ev_ctx *c;

	rt->epfd = epoll_create1(EPOLL_CLOEXEC);
	rt->idle_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rt->epfd < 0 || rt->idle_epfd < 0) {
		fprintf(stderr, "ERROR: epoll_create1: %s\n", strerror(errno));
		return -errno;
	}
	if (rt->child.pidfd >= 0) {
		epoll_ctl(rt->epfd, EPOLL_CTL_ADD, rt->child.pidfd, &ev);
		epoll_ctl(rt->idle_epfd, EPOLL_CTL_ADD, rt->child.pidfd, &ev);
	}
	if (rt->child.out_fd >= 0) {
		/* the -c command's output wakes the caller's wait too */
		epoll_ctl(rt->epfd, EPOLL_CTL_ADD, rt->child.out_fd, &ev);
		epoll_ctl(rt->idle_epfd, EPOLL_CTL_ADD, rt->child.out_fd, &ev);
	}
	if (!rt->prog->ringbuf_name)
		return 0;
	m = bpf_object__find_map_by_name(rt->obj, rt->prog->ringbuf_name);
	if (!m) {
		fprintf(stderr, "ERROR: the event ring buffer %s is not in the BPF object\n",
			rt->prog->ringbuf_name);
		return -ENOENT;
	}
	rt->ring_bytes = bpf_map__max_entries(m);
	c = xcalloc(1, sizeof(*c));
	c->rt = rt;
	c->printed = xcalloc(rt->prog->nmaps ? rt->prog->nmaps : 1, sizeof(*c->printed));
	rt->ev = c;
	rt->rb = ring_buffer__new(bpf_map__fd(m), on_record, c, NULL);
	if (!rt->rb) {
		int err = -errno;

		fprintf(stderr, "ERROR: opening the event ring buffer: %s\n", strerror(errno));
		return err;
	}
	if (epoll_ctl(rt->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rt->rb), &ev) < 0) {
		int err = -errno;

		fprintf(stderr, "ERROR: epoll_ctl: %s\n", strerror(errno));
		return err;
	}
	return 0;
}

int events_consume(struct rt *rt, const struct sink_ops *sink, uint64_t budget_end_ns)
{
	struct ev_ctx *c = rt->ev;
	int n;

	if (!rt->rb)
		return 0;
	c->sink = sink;
	c->budget_end = budget_end_ns;
	c->count = 0;
	c->bytes = 0;
	n = ring_buffer__consume(rt->rb);
	arena_free(&c->scratch);
	rt->consume_more = n == EV_STOP;
	rt->consume_bytes = c->bytes;
	if (n < 0 && n != EV_STOP)
		return n;
	return (int)c->count;
}

int events_drain(struct rt *rt, const struct sink_ops *sink)
{
	sigset_t old;
	int n;

	if (!rt->rb)
		return 0;
	rt_block_caller_signals(rt, &old);
	rt->ev->watch_signals = true;
	/* prints are deduplicated per drain (END may change the maps) */
	for (size_t i = 0; i < rt->prog->nmaps; i++)
		rt->ev->printed[i].valid = false;
	if (rt_caller_signal_pending())
		rt->skip_rest = true;
	n = events_consume(rt, sink, 0);
	rt->ev->watch_signals = false;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return n;
}

void events_check_lost(struct rt *rt, const struct sink_ops *sink)
{
	uint64_t *vals, total = 0;
	uint32_t zero = 0;
	int n;

	if (rt->lost_fd < 0)
		return;
	n = rt->lost_percpu ? rt->ncpus : 1;
	vals = xcalloc((size_t)n, sizeof(*vals));
	if (bpf_map_lookup_elem(rt->lost_fd, &zero, vals) == 0)
		for (int i = 0; i < n; i++)
			total += vals[i];
	free(vals);
	if (total > rt->lost_total) {
		if (sink && sink->lost)
			sink->lost(sink->ctx, total - rt->lost_total);
		rt->lost_total = total;
	}
}

void events_close(struct rt *rt)
{
	struct ev_ctx *c = rt->ev;

	ring_buffer__free(rt->rb);
	rt->rb = NULL;
	if (c) {
		arena_free(&c->scratch);
		sb_free(&c->sb);
		free(c->printed);
		free(c);
		rt->ev = NULL;
	}
	if (rt->epfd >= 0)
		close(rt->epfd);
	if (rt->idle_epfd >= 0)
		close(rt->idle_epfd);
	rt->epfd = -1;
	rt->idle_epfd = -1;
}
