/*
 * attach_kprobe.c - kprobe/kretprobe and fentry/fexit, and what to say when
 * the kernel has neither.
 *
 * kprobes attach through libbpf's perf-event kprobe (PMU "kprobe", or the
 * legacy kprobe_events file). When the kernel is built without kprobes,
 * neither exists: say so, and point at tracepoints. fentry/fexit programs
 * are attached through BPF trampolines; a kernel without them refuses to
 * load the program at all, so that message comes from the load error
 * (attach_load_hint), not from here.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal; what a missing trampoline returns */
#endif

static bool kernel_has_kprobes(void)
{
	const char *tfs = tracefs_path();
	char path[512];

	if (access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0)
		return true;
	if (!tfs)
		return false;
	snprintf(path, sizeof(path), "%s/kprobe_events", tfs);
	return access(path, F_OK) == 0;
}

int attach_kprobe(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts, .offset = p->offset,
		    .retprobe = p->kind == PK_KRETPROBE);
	char func[256];
	struct bpf_link *link;
	int err;

	if (!kernel_has_kprobes()) {
		fprintf(stderr,
			"ERROR: %s: this kernel has no kprobes (CONFIG_KPROBES is off); "
			"a tracepoint (tracetop -l 'tracepoint:*') or rawtracepoint may work\n",
			p->name);
		return -EOPNOTSUPP;
	}
	/* libbpf takes "module:func" for module functions */
	if (p->target && *p->target)
		snprintf(func, sizeof(func), "%s:%s", p->target, p->func);
	else
		snprintf(func, sizeof(func), "%s", p->func);
	link = bpf_program__attach_kprobe_opts(prog, func, &opts);
	if (!link) {
		err = -errno;
		if (err == -ENOENT || err == -EINVAL)
			fprintf(stderr,
				"ERROR: %s: cannot probe %s: no such function, or it is "
				"inlined or blacklisted; tracetop -l 'kprobe:*' lists "
				"what can be probed\n",
				p->name, p->func);
		else
			fprintf(stderr, "ERROR: %s: attaching failed: %s\n", p->name,
				strerror(-err));
		return err;
	}
	rt_add_link(rt, link);
	return 0;
}

int attach_fentry(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach_trace(prog);
	int err;

	if (!link) {
		err = -errno;
		fprintf(stderr, "ERROR: %s: attaching failed: %s%s\n", p->name, strerror(-err),
			err == -EPERM || err == -ENOTSUPP || err == -EOPNOTSUPP
				? "; this kernel has no BPF trampolines for fentry/fexit: a "
				  "tracepoint or rawtracepoint may work"
				: "");
		return err;
	}
	rt_add_link(rt, link);
	return 0;
}

const char *attach_load_hint(const struct bt_probe *p, int err)
{
	switch (p->kind) {
	case PK_FENTRY:
	case PK_FEXIT:
		if (err == -EPERM || err == -EOPNOTSUPP || err == -ENOTSUPP || err == -EINVAL)
			return "this kernel refuses to load fentry/fexit programs (no BPF "
			       "trampolines, or the function is not traceable); "
			       "a tracepoint or rawtracepoint may work";
		if (err == -ESRCH || err == -ENOENT)
			return "no such kernel function in BTF; tracetop -l 'fentry:*' lists "
			       "what exists";
		return NULL;
	case PK_KPROBE:
	case PK_KRETPROBE:
		if (err == -EPERM || err == -EINVAL)
			return "this kernel cannot load kprobe programs (CONFIG_KPROBES or "
			       "CONFIG_BPF_EVENTS is off); a tracepoint may work";
		return NULL;
	default:
		return NULL;
	}
}
