/*
 * kfeat.c - which kernel probe mechanisms this kernel, and this process,
 * can really use: kprobes, fentry/fexit and kprobe_multi links.
 *
 * Every answer comes from trying the mechanism's own interface, never from
 * a version number. kprobes: libbpf creates them through the "kprobe" PMU,
 * or, when its type file is missing, by writing kprobe_events (the legacy
 * interface, at the path libbpf 1.1 uses: debugfs's tracing directory when
 * it exists); without either nothing can make a kprobe. fentry: a tiny
 * tracing program is loaded against a BTF function (the load is what a
 * kernel without BPF trampolines refuses). kprobe_multi: a tiny kprobe
 * program loaded for multi-attach is linked to a function that does not
 * exist; a kernel that has the link type looks the symbol up and says
 * ESRCH, one without it says EINVAL or EOPNOTSUPP (no fprobe).
 *
 * Each call probes again; callers keep the answer (sema per compilation,
 * struct rt per run), so no state lives here.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

#define KPROBE_PMU_TYPE "/sys/bus/event_source/devices/kprobe/type"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

static const struct bpf_insn ret0[] = {
	{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	{.code = BPF_JMP | BPF_EXIT},
};

bool kfeat_kprobes(void)
{
	char path[512];
	const char *tfs;

	if (access(KPROBE_PMU_TYPE, R_OK) == 0)
		return true;
	if (access(DEBUGFS_TRACING, F_OK) == 0) {
		tfs = DEBUGFS_TRACING;
	} else {
		tfs = tracefs_path();
		if (!tfs)
			return false;
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", tfs);
	return access(path, W_OK) == 0;
}

bool kfeat_fentry_loads(const char *func, const char *name, const struct bpf_insn *insns,
			size_t ninsns)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool ok = false;
	int id, fd;

	if (!vmlinux)
		return false;
	id = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC);
	if (id > 0) {
		LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
			    .attach_btf_id = (__u32)id);

		fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, name, "GPL", insns, ninsns, &opts);
		if (fd >= 0) {
			ok = true;
			close(fd);
		}
	}
	btf__free(vmlinux);
	return ok;
}

bool kfeat_fentry(void)
{
	return kfeat_fentry_loads("vfs_read", "tt_feat_fentry", ret0, ARRAY_SIZE(ret0));
}

bool kfeat_kprobe_multi(void)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	LIBBPF_OPTS(bpf_link_create_opts, link_opts);
	const char *syms[] = {"tracetop_feature_probe_no_such_function"};
	int fd, link, err;

	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "tt_feat_kpmulti", "GPL", ret0, ARRAY_SIZE(ret0),
			   &lo);
	if (fd < 0)
		return false;
	link_opts.kprobe_multi.syms = syms;
	link_opts.kprobe_multi.cnt = 1;
	link = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &link_opts);
	err = link < 0 ? -errno : 0;
	if (link >= 0)
		close(link);
	close(fd);
	return link >= 0 || err == -ESRCH;
}
