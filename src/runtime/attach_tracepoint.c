/*
 * attach_tracepoint.c - tracepoint:cat:event and rawtracepoint:event.
 *
 * A tracepoint is a perf event opened on the event's tracefs id, with the
 * program attached to it through a BPF link. We open the perf event
 * ourselves rather than let libbpf do it, to keep a duplicate of its fd:
 * the last close of a tracepoint perf event waits for an RCU grace period
 * under a kernel-wide mutex (tens of ms each, serialised), so detach.c
 * releases the links at once and leaves those closes to a helper process.
 * A raw tracepoint is opened by name and needs no tracefs. Both report a
 * missing event with the way to list the ones that exist.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt_internal.h"

static int attach_failed(const struct bt_probe *p, int err, const char *list_hint)
{
	if (err == -ENOENT)
		fprintf(stderr,
			"ERROR: %s: no such tracepoint on this kernel; "
			"tracetop -l '%s' lists those that exist\n",
			p->name, list_hint);
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "ERROR: %s: attaching needs root (CAP_BPF and CAP_PERFMON): %s\n",
			p->name, strerror(-err));
	else
		fprintf(stderr, "ERROR: %s: attaching failed: %s\n", p->name, strerror(-err));
	return err;
}

static int tracepoint_id(const char *cat, const char *event)
{
	const char *tfs = tracefs_path();
	char path[1024], buf[32];
	ssize_t n;
	int fd;

	if (!tfs)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tfs, cat, event);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = 0;
	return atoi(buf);
}

int attach_tracepoint(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_TRACEPOINT,
		.sample_period = 1,
		.wakeup_events = 1,
	};
	struct bpf_link *link;
	char hint[256];
	int id, pfd, keep, err;

	snprintf(hint, sizeof(hint), "tracepoint:%s:*", p->target);
	id = tracepoint_id(p->target, p->func);
	if (id < 0)
		return attach_failed(p, id, hint);
	attr.config = (uint64_t)id;
	/* a tracepoint fires on every CPU whatever the event's cpu */
	pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return attach_failed(p, -errno, hint);
	keep = fcntl(pfd, F_DUPFD_CLOEXEC, 0);
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		err = -errno;
		close(pfd);
		if (keep >= 0)
			close(keep);
		return attach_failed(p, err, hint);
	}
	rt_add_link(rt, link); /* the link owns pfd */
	if (keep >= 0)
		rt_keep_slow_fd(rt, keep);
	return 0;
}

int attach_rawtracepoint(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach_raw_tracepoint(prog, p->func);

	if (!link)
		return attach_failed(p, -errno, "rawtracepoint:*");
	rt_add_link(rt, link);
	return 0;
}
