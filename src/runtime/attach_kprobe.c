/*
 * attach_kprobe.c - kprobe/kretprobe and fentry/fexit, and what to say when
 * the kernel has neither.
 *
 * kprobes attach through libbpf's perf-event kprobe (PMU "kprobe", or the
 * legacy kprobe_events file). A wildcard whose functions share one program
 * (the body does not read `probe`) attaches with one kprobe_multi link
 * when the kernel has them (kfeat.c, probed once per run): the program
 * must then be loaded for that attach type, so kprobe_plan runs before the
 * load. bpftrace counts such a wildcard as one probe in "Attaching N
 * probes...", and so do we; `func` is bpf_get_func_ip, the function's
 * address in both ways of attaching. A function that cannot be probed
 * (no such function, not traceable) ends the run, unless its probe has
 * other attach points (bt_probe.skippable): then, as bpftrace, it is
 * skipped with a warning.
 *
 * Without kprobes, sema compiled what it could as fentry/fexit
 * (bt_probe.as_fentry); kprobe_check refuses the rest before anything is
 * loaded, naming the probe, CONFIG_KPROBES and why fentry cannot stand in.
 * fentry/fexit programs are attached through BPF trampolines; a kernel
 * without them refuses to load the program at all, so that message comes
 * from the load error (attach_load_hint), not from here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal; what a missing trampoline returns */
#endif

static bool is_kprobe(const struct bt_probe *p)
{
	return p->kind == PK_KPROBE || p->kind == PK_KRETPROBE;
}

int kprobe_check(struct rt *rt)
{
	for (size_t i = 0; i < rt->prog->nprobes; i++) {
		const struct bt_probe *p = &rt->prog->probes[i];

		if (!is_kprobe(p) || p->as_fentry)
			continue;
		if (kfeat_kprobes())
			return 0;
		fprintf(stderr,
			"ERROR: %s: this kernel has no kprobes (CONFIG_KPROBES is off)%s%s; a "
			"tracepoint (tracetop -l 'tracepoint:*') or rawtracepoint may work\n",
			p->name, p->no_fentry ? ", and " : "", p->no_fentry ? p->no_fentry : "");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* kprobe:module:func names a module ("vmlinux" is the kernel itself) */
static bool in_module(const struct bt_probe *p)
{
	return p->target && *p->target && strcmp(p->target, "vmlinux");
}

/* Probes i.. sharing one kprobe program that kprobe_multi can attach at
 * once: plain functions of vmlinux (no offset, no module). */
static size_t multi_group(const struct bt_program *prog, size_t i)
{
	const struct bt_probe *p = &prog->probes[i];
	size_t j = i;

	while (j < prog->nprobes && is_kprobe(&prog->probes[j]) && !prog->probes[j].as_fentry &&
	       !prog->probes[j].offset && !in_module(&prog->probes[j]) &&
	       !strcmp(prog->probes[j].prog_name, p->prog_name))
		j++;
	return j - i;
}

int kprobe_plan(struct rt *rt)
{
	const struct bt_program *prog = rt->prog;

	rt->nshown = prog->nprobes;
	for (size_t i = 0; i < prog->nprobes;) {
		size_t n = multi_group(prog, i);
		struct bpf_program *bp;

		if (n < 2) {
			i++;
			continue;
		}
		if (rt->kprobe_multi < 0)
			rt->kprobe_multi = kfeat_kprobe_multi();
		if (!rt->kprobe_multi)
			return 0;
		bp = bpf_object__find_program_by_name(rt->obj, prog->probes[i].prog_name);
		if (!bp || bpf_program__set_expected_attach_type(bp, BPF_TRACE_KPROBE_MULTI)) {
			fprintf(stderr, "ERROR: %s: cannot prepare its program for kprobe_multi\n",
				prog->probes[i].name);
			return -EINVAL;
		}
		if (!rt->kmulti)
			rt->kmulti = xcalloc(prog->nprobes, sizeof(*rt->kmulti));
		rt->kmulti[i] = n;
		rt->nshown -= n - 1;
		i += n;
	}
	return 0;
}

/* One link for the n functions of probes p[0..n). */
static int attach_multi(struct rt *rt, const struct bt_probe *p, size_t n, struct bpf_program *prog)
{
	const char **syms = xcalloc(n, sizeof(*syms));
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = syms, .cnt = n,
		    .retprobe = p->kind == PK_KRETPROBE);
	struct bpf_link *link;
	int err;

	for (size_t i = 0; i < n; i++)
		syms[i] = p[i].func;
	link = bpf_program__attach_kprobe_multi_opts(prog, NULL, &opts);
	err = link ? 0 : -errno;
	free(syms);
	if (!link) {
		fprintf(stderr,
			"ERROR: %s: attaching %zu functions with one kprobe_multi link failed: "
			"%s%s\n",
			p->name, n, strerror(-err),
			err == -ESRCH || err == -ENOENT
				? " (a function is not traceable: tracetop -l 'kprobe:*' lists "
				  "what can be probed)"
				: "");
		return err;
	}
	rt_add_link(rt, link);
	return 0;
}

int attach_kprobe(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog,
		  size_t *consumed)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts, .offset = p->offset,
		    .retprobe = p->kind == PK_KRETPROBE);
	size_t i = (size_t)(p - rt->prog->probes);
	char func[256];
	struct bpf_link *link;
	int err;

	*consumed = 1;
	if (p->as_fentry)
		return attach_fentry(rt, p, prog);
	if (rt->kmulti && rt->kmulti[i] > 1) {
		*consumed = rt->kmulti[i];
		return attach_multi(rt, p, rt->kmulti[i], prog);
	}
	/* the kernel would place func+offset past the function's end, inside
	 * whatever function follows: refuse it, as bpftrace does when it
	 * knows the size (kallsyms bounds it here) */
	if (p->offset && !in_module(p)) {
		uint64_t size = syms_kernel_size(rt_syms(rt), p->func);

		if (size && p->offset >= size) {
			fprintf(stderr,
				"ERROR: %s: Offset outside the function bounds ('%s' size is "
				"%" PRIu64 ")\n",
				p->name, p->func, size);
			return -ERANGE;
		}
	}
	/* libbpf takes "module:func" for module functions */
	if (in_module(p))
		snprintf(func, sizeof(func), "%s:%s", p->target, p->func);
	else
		snprintf(func, sizeof(func), "%s", p->func);
	link = bpf_program__attach_kprobe_opts(prog, func, &opts);
	if (!link) {
		err = -errno;
		if ((err == -ENOENT || err == -EINVAL) && p->skippable) {
			fprintf(stderr, "WARNING: could not attach probe %s, skipping.\n", p->name);
			return 1; /* not attached, not an error */
		}
		if (err == -EILSEQ) /* the kernel's word for a kprobe inside an instruction */
			fprintf(stderr,
				"ERROR: %s: Possible attachment attempt in the middle of an "
				"instruction, try a different offset.\n",
				p->name);
		else if (err == -ENOENT || err == -EINVAL)
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

/* Did the kernel refuse fentry/fexit as such (no trampolines), rather than
 * this program? EPERM and ENOTSUPP say so; EINVAL may be either, so a
 * trivial fentry program decides: when that loads, the verifier refused
 * our code or the attach target, and its log says why. */
static bool fentry_refused(int err)
{
	if (err == -EPERM || err == -EOPNOTSUPP || err == -ENOTSUPP)
		return true;
	return err == -EINVAL && !kfeat_fentry();
}

#define FENTRY_TARGET_HINT                                                                 \
	"the kernel refused this program (fentry works here: the verifier's log above "   \
	"says why; with no reason given, this function cannot be traced by fentry)"

/* An fentry program's load error: no such function, no fentry at all, or
 * (with the log) this program or target refused. */
static const char *fentry_hint(int err, bool *show_log, const char *no_func,
			       const char *no_fentry)
{
	if (err == -ESRCH || err == -ENOENT)
		return no_func;
	if (fentry_refused(err))
		return no_fentry;
	*show_log = true;
	return err == -EINVAL ? FENTRY_TARGET_HINT : NULL;
}

const char *attach_load_hint(const struct bt_probe *p, int err, bool *show_log)
{
	*show_log = false;
	switch (p->kind) {
	case PK_FENTRY:
	case PK_FEXIT:
		return fentry_hint(err, show_log,
				   "no such kernel function in BTF; tracetop -l 'fentry:*' lists "
				   "what exists",
				   "this kernel refuses to load fentry/fexit programs (no BPF "
				   "trampolines); a tracepoint or rawtracepoint may work");
	case PK_KPROBE:
	case PK_KRETPROBE:
		if (p->as_fentry)
			return fentry_hint(err, show_log,
					   "no such kernel function in BTF (this kernel has no "
					   "kprobes: the kprobe runs as fentry)",
					   "this kernel has no kprobes, and it refuses to load the "
					   "fentry program that would stand in for this kprobe");
		if ((err == -EPERM || err == -EINVAL) && !kfeat_kprobes())
			return "this kernel cannot load kprobe programs (CONFIG_KPROBES or "
			       "CONFIG_BPF_EVENTS is off); a tracepoint may work";
		*show_log = true;
		return NULL;
	default:
		*show_log = true;
		return NULL;
	}
}
