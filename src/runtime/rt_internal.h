/*
 * rt_internal.h - what the runtime's own files share, and nobody else.
 *
 * struct rt is the one running program: the libbpf object, the links of
 * every attached probe, the ring buffer and its consumer state, the -c
 * child. loader.c owns its life cycle (open, start, stop, close); the
 * attach_*.c files add links to it; events.c consumes records; maps.c and
 * decode.c turn map bytes into model values; child.c runs -c commands.
 *
 * This header includes libbpf, so only files under src/runtime include it;
 * runtime.h is the public face.
 */
#ifndef TRACETOP_RT_INTERNAL_H
#define TRACETOP_RT_INTERNAL_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <sys/types.h>

#include "runtime.h"

/* The -c child, or the -p process we watch. */
struct rt_child {
	pid_t pid;             /* 0: no child */
	int go_fd;             /* write end of the pipe the child waits on, -1 once released */
	int pidfd;             /* readable once the child (or -p process) exits, -1 if none */
	bool exited;           /* reaped (or -p process gone) */
	int status;            /* wait status when reaped */
	int out_fd;            /* cmd_capture: pty master (or pipe) of its stdout/stderr, -1 */
	bool own_group;        /* cmd_capture: it runs in a session (process group) of its own */
	struct strbuf partial; /* cmd_capture: its output after the last newline */
};

struct held_perf {
	int fd;
	uint64_t period; /* sample_period as opened, 0 for a frequency */
};

struct rt {
	struct bt_program *prog;
	const struct bt_opts *opts;
	struct bpf_object *obj;
	int *map_fds; /* per prog->maps entry, -1 when absent */
	bool *map_zeroed; /* per map: zero() left its scalar array slot present (maps.c) */
	int ncpus;    /* possible CPUs: per-cpu value stride */

	struct bpf_program *begin, *end; /* run once with test_run; not attached */

	struct bpf_link **links; /* every attached link (a profile probe has one per CPU) */
	size_t nlinks, links_cap;
	size_t nattached; /* attach points, as bpftrace counts them */
	size_t nshown;    /* "Attaching N probes...": a kprobe_multi wildcard counts once */
	size_t *kmulti;   /* per probe: n > 1 when it starts a kprobe_multi group of n, or NULL */
	int kprobe_multi; /* the kernel has kprobe_multi links: -1 not probed yet */
	int *slow_fds;    /* perf events whose last close waits for RCU (see detach.c) */
	struct held_perf *held; /* perf events attached but stopped until BEGIN ran (attach_perf.c) */
	size_t nheld, held_cap;
	size_t nslow, slow_cap;

	struct ring_buffer *rb;
	struct ev_ctx *ev;    /* events.c's consumer state */
	struct syms *syms;    /* symbol tables, loaded on first use */
	int epfd;             /* ring buffer's epoll fd + child pidfd */
	int idle_epfd;        /* child pidfd only: waits that ignore the ring */
	size_t ring_bytes;    /* the ring buffer's size */
	size_t consume_bytes; /* bytes the last events_consume took */
	bool consume_more;    /* the last events_consume stopped on its budget */
	sigset_t caller_mask; /* the caller's mask, its signals let in: waits and system() use it */
	uint64_t events_total;
	uint64_t lost_total;     /* as last reported */
	int stack_fd[2];         /* kstack, ustack trace maps, -1 when absent */
	uint32_t stack_depth[2]; /* frames per stack (value size / 8) */
	int lost_fd;             /* tt_lost map, -1 when the object has none */
	bool lost_percpu;
	bool exit_requested; /* exit() seen: rt_poll returns 1 */
	bool signalled;      /* a caller's signal came while a command ran */
	bool interrupted;    /* the run ends on a signal (rt_interrupt) */
	bool skip_rest;      /* a second signal while draining at stop */
	uint64_t skipped;    /* records not handled at stop (see rt_stop) */
	bool drop_events;    /* after exit(), records are dropped until END */
	bool started, stopped;

	struct rt_child child;
	struct strbuf libbpf_log; /* libbpf warnings, shown when a load fails */
	bool btf_failed;          /* libbpf said the kernel rejected .BTF */
	char failed_prog[128];    /* program libbpf said failed to load */
};

uint64_t rt_now_ns(void); /* CLOCK_MONOTONIC == bpf_ktime_get_ns() */
const struct bt_probe *rt_probe_by_prog(const struct rt *rt, const char *prog_name);
void rt_add_link(struct rt *rt, struct bpf_link *link);
/* keep a dup of a tracepoint perf event fd: detach.c closes it off the
 * critical path */
void rt_keep_slow_fd(struct rt *rt, int fd);

/* attach_*.c: attach one probe; on failure print one message naming the
 * probe, why, and what would work instead, and return -errno. Links go to
 * rt->links as they are made (the caller detaches them all on failure). */
int attach_tracepoint(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog);
int attach_rawtracepoint(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog);
int attach_perf(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog);
/* Start the perf events attach_perf holds stopped: an interval or profile
 * timer counts from when BEGIN has run, not from its attach. */
void attach_perf_release(struct rt *rt);
/* attach_kprobe.c: *consumed = how many probes (from p on) the call
 * attached: a kprobe_multi group attaches at once; 1 when the probe was
 * skipped (bt_probe.skippable, warned about), else 0 or -errno */
int attach_kprobe(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog,
		  size_t *consumed);
/* before the load: refuse kprobes on a kernel without them (sema made
 * fentry what it could), then pick the kprobe_multi groups (their
 * programs load for that attach type) and count rt->nshown */
int kprobe_check(struct rt *rt);
int kprobe_plan(struct rt *rt);
int attach_fentry(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog);
int attach_uprobe(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog);
int attach_unsupported(struct rt *rt, const struct bt_probe *p);
/* attach_usdt.c */
int attach_usdt(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog);
/* why a program of this probe kind failed to load, for the load error;
 * *show_log: whether the verifier log tail helps (it does not when the
 * kernel lacks the mechanism) */
const char *attach_load_hint(const struct bt_probe *p, int err, bool *show_log);

/* attach_special.c: BEGIN/END, run synchronously in our own context */
int special_run(struct rt *rt, struct bpf_program *prog, const char *what);

/* loader.c: the signals a caller may catch to stop us (Ctrl-C and friends) */
void rt_caller_signals(sigset_t *set);
/* block them (*old: the mask to restore); rt->caller_mask = *old with them
 * let in, for the waits and for system() */
void rt_block_caller_signals(struct rt *rt, sigset_t *old);
bool rt_caller_signal_pending(void);

/* command.c: system(): run cmd with /bin/sh, its stdout appended to out.
 * 0, or -errno; -EINTR (and rt->signalled) when a caller's signal came
 * first: the command is then left running, not waited for. */
int command_run(struct rt *rt, const char *cmd, struct strbuf *out);

/* detach.c: destroy every link, in parallel threads when there are many */
void rt_detach_all(struct rt *rt);

/* events.c */
int events_open(struct rt *rt);
/* consume what is in the ring buffer; stops early once budget_end_ns is
 * passed (0 = no budget: drain everything), then sets rt->consume_more.
 * Returns the records consumed, or -errno. */
int events_consume(struct rt *rt, const struct sink_ops *sink, uint64_t budget_end_ns);
/* everything, at stop: a caller's signal arriving meanwhile (blocked for
 * the drain) makes the rest be skipped, counted in rt->skipped; after a
 * stop on a signal (rt->interrupted), so are prints of a map that would
 * repeat one this drain made (the probes are detached) */
int events_drain(struct rt *rt, const struct sink_ops *sink);
void events_check_lost(struct rt *rt, const struct sink_ops *sink);
void events_close(struct rt *rt);
/* the program's text (-e text, or the script read again; heap), *name
 * "stdin" or the path; NULL when it cannot be had */
char *rt_program_source(const struct bt_opts *o, const char **name);

/* load_error.c: a load the verifier refused because of a helper call
 * (bpf_d_path outside its allowlist): print bpftrace's located "helper X
 * not supported in probe" and return true; false when that is not why */
bool load_error_helper(struct rt *rt);

/* maps.c */
int maps_read(struct rt *rt, size_t idx, struct arena *a, struct map_snapshot *out);
int maps_clear(struct rt *rt, size_t idx);
int maps_zero(struct rt *rt, size_t idx);

/* decode.c: BPF bytes of a type -> a model value, allocated in a */
void decode_value(struct rt *rt, struct arena *a, const struct type *t, const uint8_t *bytes,
		  struct value *out);
/* the run's symbol tables (kallsyms, ELF), made on first use */
struct syms *rt_syms(struct rt *rt);

/* cgroup.c: cgroup_path()'s text, "name:/path,..." (heap); filter may be NULL */
char *rt_cgroup_path(uint64_t id, const char *filter);

/* child.c */
int child_spawn(struct rt *rt, const char *cmd);
int child_watch_pid(struct rt *rt, int pid);
void child_release(struct rt *rt);
bool child_check_exited(struct rt *rt); /* non-blocking */
/* cmd_capture: read what the command wrote (at most budget bytes, without
 * blocking) and hand it to sink->child_line line by line (stdout without
 * one); at EOF the unfinished line goes too and out_fd is closed. Returns
 * the bytes read. */
size_t child_read_output(struct rt *rt, const struct sink_ops *sink, size_t budget);
void child_cleanup(struct rt *rt);

/* ffuncs.c: available_filter_functions, what ftrace (so kprobes and
 * fentry) can trace, for btf.c. ffuncs_load never fails: an unreadable
 * file makes every question answer its -errno. */
struct ffuncs;
struct ffuncs *ffuncs_load(void);
void ffuncs_free(struct ffuncs *ff);
int ffuncs_has(const struct ffuncs *ff, const char *func); /* 1, 0 or -errno */
/* every name once (pointers into ff); the count or -errno */
int ffuncs_list(const struct ffuncs *ff, struct vec *out);
/* "module:func" (xmalloc'd) of the modules matching mglob, "vmlinux" for
 * the kernel's own functions; the count or -errno */
int ffuncs_list_mod(const struct ffuncs *ff, const char *mglob, struct vec *out);

/* kenums.c: vmlinux's enumerators by name, for btf.c's kbtf_enum_value */
struct btf;
struct kenums;
struct kenums *kenums_build(const struct btf *vmlinux);
void kenums_free(struct kenums *ke);
bool kenums_value(const struct kenums *ke, const char *name, int64_t *value);

/* btf.c: the vmlinux BTF a struct kbtf owns (btf_defs.c reads it) */
struct btf *kbtf_vmlinux(const struct kbtf *kb);

#endif
