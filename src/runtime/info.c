/*
 * info.c - `tracetop --info`: what this kernel can do for a tracer.
 *
 * Every line is a real probe of the running kernel, not a version guess:
 * libbpf's feature probes for program and map types and helpers, a test
 * load of an fentry program calling bpf_d_path (dpath), and kfeat.c's
 * tries of kprobes, fentry and kprobe_multi links (the same answers sema
 * and the runtime act on).
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runtime.h"

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* a hardware counter that can really be opened, not just a PMU directory */
static bool has_hw_events(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_CPU_CYCLES,
		.disabled = 1,
	};
	int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

/* bpf_d_path (path()) is allowed only in fentry programs on the kernel's
 * allowlisted functions: load one on dentry_open(const struct path *, ...)
 * that calls it on its first argument. */
static bool can_load_d_path(void)
{
	struct bpf_insn insns[] = {
		/* r1 = *(u64 *)(r1 + 0); r2 = r10; r2 += -8; r3 = 8 */
		{.code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1},
		{.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10},
		{.code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -8},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 8},
		{.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_d_path},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};

	return kfeat_fentry_loads("dentry_open", "tt_probe_dpath", insns, ARRAY_SIZE(insns));
}

int rt_print_info(FILE *out)
{
	struct utsname u;
	libbpf_print_fn_t old = libbpf_set_print(silent_print);

	uname(&u);
	fprintf(out, "System\n  OS: %s %s %s\n  Arch: %s\n\n", u.sysname, u.release, u.version,
		u.machine);
	fprintf(out, "Build\n  version: v%s\n  libbpf: %u.%u\n\n", TRACETOP_VERSION,
		libbpf_major_version(), libbpf_minor_version());

	static const struct {
		const char *name;
		enum bpf_func_id id;
	} helpers[] = {
		{"probe_read_user", BPF_FUNC_probe_read_user},
		{"probe_read_user_str", BPF_FUNC_probe_read_user_str},
		{"probe_read_kernel", BPF_FUNC_probe_read_kernel},
		{"probe_read_kernel_str", BPF_FUNC_probe_read_kernel_str},
		{"get_current_cgroup_id", BPF_FUNC_get_current_cgroup_id},
		{"send_signal", BPF_FUNC_send_signal},
		{"override_return", BPF_FUNC_override_return},
		{"get_func_ip", BPF_FUNC_get_func_ip},
		{"ringbuf_output", BPF_FUNC_ringbuf_output},
	};
	fprintf(out, "Kernel helpers (kprobe programs)\n");
	for (size_t i = 0; i < ARRAY_SIZE(helpers); i++)
		fprintf(out, "  %s: %s\n", helpers[i].name,
			yes_no(libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, helpers[i].id, NULL) ==
			       1));
	fprintf(out, "  dpath: %s\n", yes_no(can_load_d_path()));

	fprintf(out, "\nKernel features\n");
	fprintf(out, "  btf: %s\n", yes_no(access("/sys/kernel/btf/vmlinux", R_OK) == 0));
	fprintf(out, "  tracefs: %s\n", yes_no(tracefs_path() != NULL));
	/* bounded loops came in 5.3; a kernel with bpf_loop (5.17) surely has them */
	fprintf(out, "  Loop support: %s\n",
		yes_no(libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_loop, NULL) == 1));

	static const struct {
		const char *name;
		enum bpf_map_type type;
	} maps[] = {
		{"hash", BPF_MAP_TYPE_HASH},
		{"percpu hash", BPF_MAP_TYPE_PERCPU_HASH},
		{"array", BPF_MAP_TYPE_ARRAY},
		{"percpu array", BPF_MAP_TYPE_PERCPU_ARRAY},
		{"stack_trace", BPF_MAP_TYPE_STACK_TRACE},
		{"ringbuf", BPF_MAP_TYPE_RINGBUF},
		{"perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY},
	};
	fprintf(out, "\nMap types\n");
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++)
		fprintf(out, "  %s: %s\n", maps[i].name,
			yes_no(libbpf_probe_bpf_map_type(maps[i].type, NULL) == 1));

	fprintf(out, "\nProbe types\n");
	fprintf(out, "  kprobe: %s\n", yes_no(kfeat_kprobes()));
	fprintf(out, "  kprobe_multi: %s\n", yes_no(kfeat_kprobe_multi()));
	fprintf(out, "  fentry/fexit: %s\n", yes_no(kfeat_fentry()));
	/* the same under bpftrace's name: its test runner greps "kfunc: yes" */
	fprintf(out, "  kfunc: %s\n", yes_no(kfeat_fentry()));
	fprintf(out, "  tracepoint: %s\n",
		yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL) == 1));
	fprintf(out, "  rawtracepoint: %s\n",
		yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) == 1));
	fprintf(out, "  perf_event: %s\n",
		yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_PERF_EVENT, NULL) == 1));
	fprintf(out, "  uprobe: %s\n",
		yes_no(access("/sys/bus/event_source/devices/uprobe/type", R_OK) == 0));
	fprintf(out, "  hardware events: %s\n",
		yes_no(has_hw_events()));
	libbpf_set_print(old);
	return 0;
}
