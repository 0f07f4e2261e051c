/*
 * loader.c - the life cycle of a running program: open, start, poll, stop.
 *
 * rt_open opens the compiler's BPF object from memory with libbpf, loads it
 * (maps are created, programs verified), writes tt_config and sets up the
 * ring buffer consumer; nothing fires yet. rt_start prints "Attaching N
 * probes...", attaches every probe, runs BEGIN once in our own process,
 * then opens the other probes' gate and lets a -c child run. rt_stop undoes it in the order
 * bpftrace's semantics need: detach everything (in parallel, see detach.c),
 * run END, drain the ring buffer, dump the maps.
 *
 * libbpf's print callback takes no context pointer, so the rt being loaded
 * is kept in a thread-local for the callback: it collects warnings (shown
 * under -v, or when a load fails) and notices a rejected .BTF, which we
 * treat as a failure instead of libbpf's silent fallback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"

/* How often rt_poll looks at the ring buffer even without a wakeup: the
 * BPF side may submit with BPF_RB_NO_WAKEUP to spare a wakeup per event. */
#define RT_TICK_MS 10
/* A poll never spends longer than this consuming before it returns. */
#define RT_CONSUME_SLICE_NS (20 * 1000000ULL)
/* -c output read per rt_poll round, and when the command has ended */
#define RT_CHILD_SLICE_BYTES (64 * 1024)
#define RT_CHILD_FINAL_BYTES (1024 * 1024)

static _Thread_local struct rt *print_rt;

uint64_t rt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void note_failed_prog(struct rt *rt, const char *msg)
{
	const char *p = strstr(msg, "prog '");
	const char *q;
	size_t n;

	if (!p || !strstr(msg, "failed to load"))
		return;
	p += 6;
	q = strchr(p, '\'');
	if (!q)
		return;
	n = (size_t)(q - p);
	if (n >= sizeof(rt->failed_prog))
		n = sizeof(rt->failed_prog) - 1;
	memcpy(rt->failed_prog, p, n);
	rt->failed_prog[n] = 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct rt *rt = print_rt;
	bool verbose = rt && rt->opts && rt->opts->verbose;
	struct strbuf line = {0};
	va_list aq;

	if (level == LIBBPF_DEBUG)
		return 0;
	va_copy(aq, ap);
	sb_vprintf(&line, fmt, aq);
	va_end(aq);
	if (rt) {
		if (strstr(line.buf, "Error loading .BTF into kernel") ||
		    strstr(line.buf, "Error loading ELF section .BTF"))
			rt->btf_failed = true;
		note_failed_prog(rt, line.buf);
		if (level == LIBBPF_WARN)
			sb_puts(&rt->libbpf_log, line.buf);
	}
	if (verbose)
		fputs(line.buf, stderr);
	sb_free(&line);
	return 0;
}

const struct bt_probe *rt_probe_by_prog(const struct rt *rt, const char *prog_name)
{
	for (size_t i = 0; i < rt->prog->nprobes; i++) {
		const struct bt_probe *p = &rt->prog->probes[i];

		if (p->prog_name && strcmp(p->prog_name, prog_name) == 0)
			return p;
	}
	return NULL;
}

void rt_add_link(struct rt *rt, struct bpf_link *link)
{
	if (rt->nlinks == rt->links_cap) {
		rt->links_cap = rt->links_cap ? rt->links_cap * 2 : 64;
		rt->links = xrealloc(rt->links, rt->links_cap * sizeof(*rt->links));
	}
	rt->links[rt->nlinks++] = link;
}

void rt_keep_slow_fd(struct rt *rt, int fd)
{
	if (rt->nslow == rt->slow_cap) {
		rt->slow_cap = rt->slow_cap ? rt->slow_cap * 2 : 64;
		rt->slow_fds = xrealloc(rt->slow_fds, rt->slow_cap * sizeof(*rt->slow_fds));
	}
	rt->slow_fds[rt->nslow++] = fd;
}

static bool needs_tracefs(const struct bt_program *prog)
{
	for (size_t i = 0; i < prog->nprobes; i++)
		if (prog->probes[i].kind == PK_TRACEPOINT)
			return true;
	return false;
}

/* libbpf's warnings, for a failure without -v (which printed them all as
 * they came): the last lines, where the verifier says what it refused. */
#define LOG_TAIL_LINES 40
static void print_log_tail(const struct rt *rt)
{
	const char *buf = rt->libbpf_log.buf, *p;
	int lines = 0;

	if (!buf || rt->opts->verbose)
		return;
	for (p = buf + rt->libbpf_log.len; p > buf; p--)
		if (p[-1] == '\n' && p != buf + rt->libbpf_log.len && ++lines == LOG_TAIL_LINES)
			break;
	if (p > buf)
		fputs("... (tracetop -v shows the whole log)\n", stderr);
	fputs(p, stderr);
}

static void report_load_error(struct rt *rt, int err)
{
	const struct bt_probe *p =
		rt->failed_prog[0] ? rt_probe_by_prog(rt, rt->failed_prog) : NULL;
	bool show_log = true;
	const char *hint = p ? attach_load_hint(p, err, &show_log) : NULL;

	if (load_error_helper(rt))
		return;
	/* The verifier log says what is wrong with the code; a hint that the
	 * kernel lacks a mechanism needs no log. */
	if (show_log)
		print_log_tail(rt);
	if (p && hint)
		fprintf(stderr, "ERROR: %s: %s\n", p->name, hint);
	else if (p)
		fprintf(stderr, "ERROR: %s: loading the BPF program failed: %s\n", p->name,
			strerror(-err));
	else
		fprintf(stderr, "ERROR: loading the BPF object failed: %s\n", strerror(-err));
}

static int write_config(struct rt *rt)
{
	struct bpf_map *m = bpf_object__find_map_by_name(rt->obj, "tt_config");
	struct tt_config cfg = {
		.cpid = (uint64_t)rt->child.pid,
		.start_ns = rt_now_ns(),
	};
	uint32_t zero = 0;
	/* objects of the runtime tests end it before `begun` when ungated */
	size_t need = rt->prog->gated ? sizeof(cfg) : offsetof(struct tt_config, begun);

	if (!m)
		return 0;
	if (bpf_map__value_size(m) < need) {
		fprintf(stderr, "ERROR: tt_config is %u bytes, expected %zu\n",
			bpf_map__value_size(m), need);
		return -EINVAL;
	}
	if (bpf_map_update_elem(bpf_map__fd(m), &zero, &cfg, BPF_ANY) < 0) {
		int err = -errno;

		fprintf(stderr, "ERROR: writing tt_config: %s\n", strerror(errno));
		return err;
	}
	return 0;
}

static int find_programs(struct rt *rt)
{
	for (size_t i = 0; i < rt->prog->nprobes; i++) {
		const struct bt_probe *p = &rt->prog->probes[i];
		struct bpf_program *bp = bpf_object__find_program_by_name(rt->obj, p->prog_name);

		if (!bp) {
			fprintf(stderr, "ERROR: %s: program %s is not in the BPF object\n", p->name,
				p->prog_name);
			return -ENOENT;
		}
		if (p->kind == PK_BEGIN)
			rt->begin = bp;
		else if (p->kind == PK_END)
			rt->end = bp;
	}
	return 0;
}

static void find_maps(struct rt *rt)
{
	struct bpf_map *m;

	rt->map_fds = xcalloc(rt->prog->nmaps ? rt->prog->nmaps : 1, sizeof(int));
	rt->map_zeroed = xcalloc(rt->prog->nmaps ? rt->prog->nmaps : 1, sizeof(bool));
	for (size_t i = 0; i < rt->prog->nmaps; i++) {
		m = bpf_object__find_map_by_name(rt->obj, rt->prog->maps[i].elf_name);
		rt->map_fds[i] = m ? bpf_map__fd(m) : -1;
	}
	for (int u = 0; u < 2; u++) {
		const char *name = u ? rt->prog->ustack_map : rt->prog->kstack_map;

		m = name ? bpf_object__find_map_by_name(rt->obj, name) : NULL;
		rt->stack_fd[u] = m ? bpf_map__fd(m) : -1;
		rt->stack_depth[u] = m ? bpf_map__value_size(m) / 8 : 0;
	}
	m = bpf_object__find_map_by_name(rt->obj, RT_LOST_MAP);
	rt->lost_fd = m ? bpf_map__fd(m) : -1;
	rt->lost_percpu = m && bpf_map__type(m) == BPF_MAP_TYPE_PERCPU_ARRAY;
}

int rt_open(struct rt **out, struct bt_program *prog, const struct bt_opts *opts)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "tracetop");
	struct rt *rt = xcalloc(1, sizeof(*rt));
	int err;

	*out = NULL;
	rt->prog = prog;
	rt->opts = opts;
	rt->epfd = -1;
	rt->idle_epfd = -1;
	rt->lost_fd = -1;
	rt->kprobe_multi = -1;
	rt->child.go_fd = -1;
	rt->child.pidfd = -1;
	rt->child.out_fd = -1;
	sigprocmask(SIG_BLOCK, NULL, &rt->caller_mask);
	print_rt = rt;
	libbpf_set_print(libbpf_print);

	if (needs_tracefs(prog) && !tracefs_path()) {
		fprintf(stderr, "ERROR: tracefs is not mounted and could not be mounted at "
				"/sys/kernel/tracing: tracepoints cannot be attached\n");
		err = -ENOENT;
		goto err_free;
	}
	rt->ncpus = libbpf_num_possible_cpus();
	if (rt->ncpus <= 0) {
		err = rt->ncpus ? rt->ncpus : -EINVAL;
		fprintf(stderr, "ERROR: cannot count the possible CPUs: %s\n", strerror(-err));
		goto err_free;
	}

	rt->obj = bpf_object__open_mem(prog->obj, prog->obj_len, &oo);
	if (!rt->obj) {
		err = -errno;
		print_log_tail(rt);
		fprintf(stderr, "ERROR: opening the BPF object failed: %s\n", strerror(errno));
		goto err_free;
	}
	err = find_programs(rt);
	if (!err)
		err = kprobe_check(rt);
	if (!err)
		err = kprobe_plan(rt);
	if (err)
		goto err_close;
	err = bpf_object__load(rt->obj);
	if (err) {
		report_load_error(rt, err);
		goto err_close;
	}
	if (rt->btf_failed) {
		print_log_tail(rt);
		fprintf(stderr, "ERROR: the kernel rejected the program's BTF (see above)\n");
		err = -EINVAL;
		goto err_close;
	}
	find_maps(rt);

	/* The child exists before tt_config is written, so cpid is known;
	 * it waits on a pipe until every probe is attached. */
	if (opts->cmd)
		err = child_spawn(rt, opts->cmd);
	else if (opts->pid)
		err = child_watch_pid(rt, opts->pid);
	if (err)
		goto err_close;
	err = write_config(rt);
	if (err)
		goto err_child;
	err = events_open(rt);
	if (err)
		goto err_events;
	print_rt = NULL;
	*out = rt;
	return 0;

err_events:
	events_close(rt);
err_child:
	child_cleanup(rt);
err_close:
	bpf_object__close(rt->obj);
err_free:
	print_rt = NULL;
	sb_free(&rt->libbpf_log);
	free(rt->kmulti);
	free(rt->map_fds);
	free(rt->map_zeroed);
	free(rt);
	return err;
}

void rt_caller_signals(sigset_t *set)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2};

	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

/* Block them; *old is the mask to restore, rt->caller_mask becomes *old
 * with them let in: the mask to wait with (and to run system() with),
 * whether or not the caller had blocked them itself. */
void rt_block_caller_signals(struct rt *rt, sigset_t *old)
{
	sigset_t block;

	rt_caller_signals(&block);
	sigprocmask(SIG_BLOCK, &block, old);
	rt->caller_mask = *old;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&block, sig) == 1)
			sigdelset(&rt->caller_mask, sig);
}

/* Has one of them arrived while blocked? */
bool rt_caller_signal_pending(void)
{
	sigset_t set, pending;

	if (sigpending(&pending) < 0)
		return false;
	rt_caller_signals(&set);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&set, sig) == 1 && sigismember(&pending, sig) == 1)
			return true;
	return false;
}

static int attach_one(struct rt *rt, const struct bt_probe *p, size_t *consumed)
{
	struct bpf_program *bp = bpf_object__find_program_by_name(rt->obj, p->prog_name);

	*consumed = 1;
	switch (p->kind) {
	case PK_TRACEPOINT:
		return attach_tracepoint(rt, p, bp);
	case PK_RAWTRACEPOINT:
		return attach_rawtracepoint(rt, p, bp);
	case PK_PROFILE:
	case PK_INTERVAL:
	case PK_SOFTWARE:
	case PK_HARDWARE:
		return attach_perf(rt, p, bp);
	case PK_KPROBE:
	case PK_KRETPROBE:
		return attach_kprobe(rt, p, bp, consumed);
	case PK_FENTRY:
	case PK_FEXIT:
		return attach_fentry(rt, p, bp);
	case PK_UPROBE:
	case PK_URETPROBE:
		return attach_uprobe(rt, p, bp);
	case PK_USDT:
		return attach_usdt(rt, p, bp);
	case PK_WATCHPOINT:
		return attach_unsupported(rt, p);
	case PK_BEGIN:
	case PK_END:
		return 0;
	}
	BT_BUG("unknown probe kind");
}

/* Several programs on one hook run in the order the kernel keeps them:
 * newest first for kprobes (and fentry trampolines, uprobes, software
 * events), oldest first for tracepoints (one program array per event) and
 * kretprobes (each entry pushes a return instance, and the returns pop
 * them last in, first out). rt_start attaches the first kinds in reverse,
 * then the others in order, so that every hook runs its probes in script
 * order, as bpftrace does. */
static bool attach_reversed(enum probe_kind k)
{
	return k == PK_KPROBE || k == PK_FENTRY || k == PK_FEXIT || k == PK_UPROBE ||
	       k == PK_URETPROBE || k == PK_USDT || k == PK_SOFTWARE;
}

/* step k of the two passes: n-1 .. 0, then 0 .. n-1 */
static size_t attach_index(const struct bt_program *prog, size_t k)
{
	return k < prog->nprobes ? prog->nprobes - 1 - k : k - prog->nprobes;
}

/* which probes belong to a kprobe_multi group (rt->kmulti) */
static bool *in_kprobe_multi(const struct rt *rt)
{
	bool *g = xcalloc(rt->prog->nprobes ? rt->prog->nprobes : 1, sizeof(*g));

	for (size_t j = 0; rt->kmulti && j < rt->prog->nprobes; j++)
		for (size_t m = 0; rt->kmulti[j] > 1 && m < rt->kmulti[j]; m++)
			g[j + m] = true;
	return g;
}

/* BEGIN ran: let the other probes' programs through their gate */
static int open_gate(struct rt *rt)
{
	struct bpf_map *m = bpf_object__find_map_by_name(rt->obj, "tt_config");
	struct tt_config cfg;
	uint32_t zero = 0;
	int err;

	if (!rt->prog->gated || !m)
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(m), &zero, &cfg) < 0)
		goto fail;
	cfg.begun = 1;
	if (bpf_map_update_elem(bpf_map__fd(m), &zero, &cfg, BPF_ANY) < 0)
		goto fail;
	return 0;
fail:
	err = -errno;
	fprintf(stderr, "ERROR: writing tt_config: %s\n", strerror(-err));
	return err;
}

static int attach_all(struct rt *rt)
{
	sigset_t block, old;
	bool *grouped;
	int err = 0;

	/* Ctrl-C while hundreds of probes attach: stop attaching at once
	 * (the caller sees its flag next and stops us as usual) */
	rt_caller_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	grouped = in_kprobe_multi(rt);
	for (size_t k = 0, n = 1; k < 2 * rt->prog->nprobes && !err; k += n) {
		size_t i = attach_index(rt->prog, k);
		const struct bt_probe *p = &rt->prog->probes[i];
		/* a kprobe_multi group attaches whole, in the forward pass */
		bool rev = attach_reversed(p->kind) && !grouped[i];

		n = 1;
		if (rev != (k < rt->prog->nprobes))
			continue;
		if (rt_caller_signal_pending())
			break;
		err = attach_one(rt, p, &n);
		if (!err)
			rt->nattached++; /* a profile probe on every CPU counts once */
		else if (err > 0)
			err = 0; /* skipped (attach_kprobe said why) */
	}
	free(grouped);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

/*
 * bpftrace's order: attach every probe, say so (the notify line), then run
 * BEGIN. The other probes' programs are gated (bt_program.gated) until
 * BEGIN has run, so BEGIN still runs before any of them; and when BEGIN
 * calls exit() the gate never opens.
 */
int rt_start(struct rt *rt, const struct sink_ops *sink)
{
	int err;

	print_rt = rt;
	for (size_t i = 0; rt->opts && rt->opts->verbose && i < rt->prog->nnotes; i++)
		fprintf(stderr, "%s\n", rt->prog->notes[i]);
	if (sink && sink->attached)
		sink->attached(sink->ctx, rt->nshown);
	/* an attach error on stderr must not overtake this line */
	if (sink && sink->flush)
		sink->flush(sink->ctx);
	rt->started = true;
	err = attach_all(rt);
	if (err)
		goto err_detach;
	/* what we printed comes before the line and what BEGIN prints */
	if (sink && sink->flush)
		sink->flush(sink->ctx);
	if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED"))
		fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stderr);
	if (rt->begin) {
		err = special_run(rt, rt->begin, "BEGIN");
		if (err)
			goto err_detach;
		events_consume(rt, sink, 0);
	}
	if (!rt->exit_requested) {
		err = open_gate(rt);
		if (err)
			goto err_detach;
		attach_perf_release(rt);
		/* what we printed comes before anything the command prints */
		if (sink && sink->flush)
			sink->flush(sink->ctx);
		child_release(rt);
	}
	print_rt = NULL;
	return 0;

err_detach:
	rt_detach_all(rt);
	rt->started = false; /* no END after a failed start */
	rt->stopped = true;
	print_rt = NULL;
	return err;
}

void rt_interrupt(struct rt *rt)
{
	if (rt)
		rt->interrupted = true;
}

size_t rt_nattached(const struct rt *rt)
{
	return rt ? rt->nattached : 0;
}

/* Wait for the ring buffer or the child, with the caller's signals let in
 * only while waiting (see rt_poll). */
static int poll_wait(int epfd, int ms, const sigset_t *wait_mask)
{
	struct epoll_event ev[4];
	int n = epoll_pwait(epfd, ev, ARRAY_SIZE(ev), ms, wait_mask);

	return n < 0 ? -errno : n;
}

/*
 * A signal that lands while we consume records would only be seen at the
 * next wait's end: the signals a caller may catch are blocked for the
 * duration of the poll and let in atomically by epoll_pwait, so one that
 * arrived at any moment makes the next wait return EINTR at once. The
 * consume before the wait stops for one that is pending after every slow
 * record (a print of a map, system(), cat()) and every 256 others
 * (events.c), so Ctrl-C waits at most for the record being handled. A wait
 * of 0 ms (records left over) does not return EINTR for a pending signal:
 * one pending after a consume is let in here, before we return, so the
 * caller's handler has run when it looks at its flags. A caller that
 * blocks those signals itself around its look at the flags and this call
 * closes the last window (a signal between the look and the wait).
 */
int rt_poll(struct rt *rt, int timeout_ms, const struct sink_ops *sink)
{
	uint64_t deadline = rt_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ULL;
	sigset_t old;
	int err = 0;

	rt_block_caller_signals(rt, &old);
	for (;;) {
		uint64_t now;
		int wait_ms, epfd = rt->epfd, n;

		/* a slice at most: then look at signals (the wait) again */
		n = events_consume(rt, sink, rt_now_ns() + RT_CONSUME_SLICE_NS);
		if (n < 0) {
			err = n;
			break;
		}
		/* the -c command's output (dashboard), a slice at a time too */
		child_read_output(rt, sink, RT_CHILD_SLICE_BYTES);
		if (rt->signalled)
			break;
		if (rt_caller_signal_pending()) {
			/* the handler runs now (the mask restored below
			 * may keep it blocked: the caller's own) */
			sigprocmask(SIG_SETMASK, &rt->caller_mask, NULL);
			break;
		}
		if (rt->exit_requested || child_check_exited(rt)) {
			/* what it wrote before it ended (bounded: a grandchild may
			 * still be writing) */
			child_read_output(rt, sink, RT_CHILD_FINAL_BYTES);
			break;
		}
		now = rt_now_ns();
		if (now >= deadline)
			break;
		wait_ms = (int)((deadline - now + 999999) / 1000000);
		if (wait_ms > RT_TICK_MS)
			wait_ms = RT_TICK_MS;
		if (rt->consume_more) {
			/* records left over (slice spent): no sleep (a 0 ms
			 * wait never says EINTR: signals were looked at above) */
			wait_ms = 0;
		} else if (n > 0) {
			/* Busy: sleep a tick whatever the ring says. A producer
			 * only wakes a consumer that has caught up, so reading
			 * every record at once would cost one wakeup per
			 * record; read in batches, sooner when the ring fills. */
			epfd = rt->idle_epfd;
			if (rt->consume_bytes > rt->ring_bytes / 4)
				wait_ms = wait_ms < 1 ? wait_ms : 1;
		}
		err = poll_wait(epfd, wait_ms, &rt->caller_mask);
		if (err == -EINTR) {
			/* a signal: let the caller look at its flags now (what
			 * is left in the ring waits for the next poll, or the
			 * drain at stop: a slow record here would delay it) */
			err = 0;
			break;
		}
		if (err < 0)
			break;
		err = 0;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	rt->signalled = false; /* the caller looks at its flags now */
	if (err < 0)
		return err;
	events_check_lost(rt, sink);
	if (sink && sink->flush)
		sink->flush(sink->ctx);
	return rt->exit_requested || rt->child.exited;
}

int rt_event_fd(const struct rt *rt)
{
	return rt ? rt->epfd : -1;
}

struct snapshot *rt_snapshot(struct rt *rt)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	s->nmaps = rt->prog->nmaps;
	s->maps = arena_alloc(&s->arena, (s->nmaps ? s->nmaps : 1) * sizeof(*s->maps));
	for (size_t i = 0; i < s->nmaps; i++)
		maps_read(rt, i, &s->arena, &s->maps[i]);
	s->taken_ns = rt_now_ns();
	s->events_total = rt->events_total;
	s->lost_total = rt->lost_total;
	return s;
}

int rt_clear_map(struct rt *rt, const char *name)
{
	for (size_t i = 0; i < rt->prog->nmaps; i++)
		if (strcmp(rt->prog->maps[i].name, name) == 0)
			return maps_clear(rt, i);
	return -ENOENT;
}

void rt_stop(struct rt *rt, const struct sink_ops *sink, bool dump)
{
	if (!rt || rt->stopped)
		return;
	rt->stopped = true;
	rt_detach_all(rt);
	/* What the probes wrote before they were detached (dropped after
	 * exit()), then END's output: all of it, no time budget, unless a
	 * signal comes meanwhile (then the rest is skipped, and said). After
	 * a stop on a signal, queued system() calls do not run (rt_interrupt). */
	events_drain(rt, sink);
	rt->drop_events = false;
	rt->interrupted = false;
	rt->skip_rest = false;
	rt->signalled = false;
	if (rt->started && rt->end) {
		special_run(rt, rt->end, "END");
		events_drain(rt, sink);
	}
	events_check_lost(rt, sink);
	if (rt->skipped && !rt->opts->no_warnings) {
		char *msg = xasprintf("WARNING: %llu events not processed: stopped by a signal",
				      (unsigned long long)rt->skipped);

		if (sink && sink->error)
			sink->error(sink->ctx, msg);
		else
			fprintf(stderr, "%s\n", msg);
		free(msg);
		rt->skipped = 0;
	}
	if (dump && rt->started && sink) {
		struct snapshot *s = rt_snapshot(rt);

		if (sink->exit_begin)
			sink->exit_begin(sink->ctx);
		for (size_t i = 0; i < s->nmaps; i++)
			if (sink->map)
				sink->map(sink->ctx, &s->maps[i], 0, 0);
		snapshot_free(s);
	}
	if (sink && sink->flush)
		sink->flush(sink->ctx);
}

void rt_close(struct rt *rt)
{
	if (!rt)
		return;
	rt_detach_all(rt);
	events_close(rt);
	child_cleanup(rt);
	syms_free(rt->syms);
	bpf_object__close(rt->obj);
	free(rt->links);
	free(rt->held);
	free(rt->kmulti);
	free(rt->slow_fds);
	free(rt->map_fds);
	free(rt->map_zeroed);
	sb_free(&rt->libbpf_log);
	free(rt);
}
