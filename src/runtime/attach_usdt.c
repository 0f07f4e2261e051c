/*
 * attach_usdt.c - USDT probes: a uprobe at the probe site of a
 * .note.stapsdt note.
 *
 * sema makes one bt_probe per site (target = binary, address = the site's
 * virtual address), since each site has its own argument locations, which
 * codegen lowered into the program at compile time (usdt_args.c). Here the
 * site is looked up again for its file offset and semaphore: a semaphore
 * is raised by the kernel itself through the uprobe's reference counter
 * (ref_ctr_offset = the semaphore's file offset), in every process that
 * maps the binary, now or later, and lowered when the link goes.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"

int attach_usdt(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	int pid = p->pid ? p->pid : (rt->opts && rt->opts->pid ? rt->opts->pid : -1);
	const struct usdt_note *site = NULL;
	struct vec notes = {0};
	struct bpf_link *link;
	int n, err;

	if (!p->target || !*p->target) {
		fprintf(stderr, "ERROR: %s: no binary to probe\n", p->name);
		return -EINVAL;
	}
	n = elf_usdt_notes(p->target, &notes);
	if (n < 0) {
		fprintf(stderr, "ERROR: %s: cannot read the USDT notes of %s: %s\n", p->name,
			p->target, n == -ENOEXEC ? "not an ELF file" : strerror(-n));
		return n;
	}
	vec_foreach(&notes, i) {
		const struct usdt_note *u = notes.items[i];

		if (u->pc == p->address) {
			site = u;
			break;
		}
	}
	if (!site || !site->pc_off) {
		fprintf(stderr, "ERROR: %s: no USDT probe site at 0x%llx in %s\n", p->name,
			(unsigned long long)p->address, p->target);
		usdt_notes_free(&notes);
		return -ENOENT;
	}
	opts.ref_ctr_offset = site->sema_off;
	link = bpf_program__attach_uprobe_opts(prog, pid, p->target, site->pc_off, &opts);
	err = link ? 0 : -errno;
	if (!link)
		fprintf(stderr, "ERROR: %s: attaching at 0x%llx%s failed: %s\n", p->name,
			(unsigned long long)site->pc_off,
			site->sema_off ? " (with a semaphore)" : "", strerror(-err));
	usdt_notes_free(&notes);
	if (err)
		return err;
	rt_add_link(rt, link);
	return 0;
}
