/*
 * fail.bpf.c - kprobe, kretprobe, fentry and fexit programs: the host
 * kernel cannot attach the first two nor load the last two (the error
 * cases of the tier); the VM case (kernel with both) counts with them.
 */
#include <linux/bpf.h>
/* the helpers need the kernel's types first */
#include <bpf/bpf_helpers.h>

typedef unsigned long long u64;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, u64);
	__type(value, u64);
} AT_kp SEC(".maps"); /* 0 kprobe, 1 kretprobe, 2 fentry, 3 fexit */

static __always_inline void inc(u64 key)
{
	u64 one = 1, *v = bpf_map_lookup_elem(&AT_kp, &key);

	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&AT_kp, &key, &one, BPF_NOEXIST);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int rtt_tp_ok(void *ctx)
{
	return 0;
}

SEC("kprobe/vfs_read")
int rtt_kp_vfs_read(void *ctx)
{
	inc(0);
	return 0;
}

SEC("kretprobe/vfs_read")
int rtt_krp_vfs_read(void *ctx)
{
	inc(1);
	return 0;
}

#ifdef WITH_FENTRY
SEC("fentry/vfs_read")
int rtt_fe_vfs_read(void *ctx)
{
	inc(2);
	return 0;
}

SEC("fexit/vfs_read")
int rtt_fx_vfs_read(void *ctx)
{
	inc(3);
	return 0;
}
#endif

#ifdef WITH_BAD
/* the verifier refuses this: a map value used without a NULL check */
SEC("tracepoint/syscalls/sys_enter_getppid")
int rtt_bad(void *ctx)
{
	u64 key = 0, *v = bpf_map_lookup_elem(&AT_kp, &key);

	*v += 1;
	return 0;
}
#endif

char LICENSE[] SEC("license") = "GPL";
