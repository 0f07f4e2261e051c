/*
 * attach_special.c - BEGIN and END: run once, synchronously, in our process.
 *
 * They are never attached. Their programs sit in a raw_tp section and run
 * through BPF_PROG_TEST_RUN, which executes them right here, in tracetop's
 * own context (so pid and comm are ours, as in bpftrace). The kernel
 * refuses data_in/out, repeat and duration for raw_tp programs; a zeroed
 * context is passed in case the program reads it.
 */
#include <errno.h>
#include <string.h>

#include "rt_internal.h"

int special_run(struct rt *rt, struct bpf_program *prog, const char *what)
{
	uint64_t ctx[8] = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));
	int fd = bpf_program__fd(prog);

	(void)rt;
	if (fd < 0 || bpf_prog_test_run_opts(fd, &opts) < 0) {
		int err = fd < 0 ? fd : -errno;

		fprintf(stderr, "ERROR: running %s: %s\n", what, strerror(-err));
		return err;
	}
	return 0;
}
