/* fail.bpf.c - programs this kernel cannot run: kprobe attach, fentry load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getppid")
int rtt_tp_ok(void *ctx)
{
	return 0;
}

SEC("kprobe/vfs_read")
int rtt_kp_vfs_read(void *ctx)
{
	return 0;
}

#ifdef WITH_FENTRY
SEC("fentry/vfs_read")
int rtt_fe_vfs_read(void *ctx)
{
	return 0;
}
#endif

char LICENSE[] SEC("license") = "GPL";
