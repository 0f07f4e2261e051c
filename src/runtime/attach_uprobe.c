/*
 * attach_uprobe.c - uprobe/uretprobe, and the probe kinds not supported yet.
 *
 * libbpf resolves a symbol to a file offset itself (func_name); an address
 * given instead of a symbol is a virtual address, turned into a file offset
 * through the ELF program headers. -p restricts a uprobe to that process.
 * watchpoint probes are not implemented yet: they fail with a clear
 * message rather than a libbpf error (usdt: attach_usdt.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"

/* Virtual address in a binary -> file offset, or -errno. */
static int64_t vaddr_to_offset(const char *path, uint64_t vaddr)
{
	int64_t off = -ENOENT;
	size_t n = 0;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getphdrnum(elf, &n) != 0) {
		off = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz) {
			off = (int64_t)(vaddr - ph.p_vaddr + ph.p_offset);
			break;
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return off;
}

int attach_uprobe(struct rt *rt, const struct bt_probe *p, struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = p->kind == PK_URETPROBE);
	int pid = p->pid ? p->pid : (rt->opts && rt->opts->pid ? rt->opts->pid : -1);
	struct bpf_link *link;
	int64_t off = (int64_t)p->offset;
	int err;

	if (!p->target || !*p->target) {
		fprintf(stderr, "ERROR: %s: no binary to probe\n", p->name);
		return -EINVAL;
	}
	if (p->func && *p->func) {
		opts.func_name = p->func;
	} else if (p->address) {
		off = vaddr_to_offset(p->target, p->address);
		if (off < 0) {
			/* bpftrace's words: not in an executable segment */
			fprintf(stderr, "ERROR: Could not resolve address: %s:0x%llx\n", p->target,
				(unsigned long long)p->address);
			return (int)off;
		}
	}
	link = bpf_program__attach_uprobe_opts(prog, pid, p->target, (size_t)off, &opts);
	if (!link) {
		err = -errno;
		if (err == -ENOENT && access(p->target, F_OK) != 0)
			fprintf(stderr, "ERROR: %s: no such file %s\n", p->name, p->target);
		else if (err == -ENOENT)
			fprintf(stderr,
				"ERROR: %s: no symbol %s in %s; tracetop -l 'uprobe:%s:*' "
				"lists the symbols\n",
				p->name, p->func ? p->func : "?", p->target, p->target);
		else
			fprintf(stderr, "ERROR: %s: attaching failed: %s\n", p->name,
				strerror(-err));
		return err;
	}
	rt_add_link(rt, link);
	return 0;
}

int attach_unsupported(struct rt *rt, const struct bt_probe *p)
{
	(void)rt;
	fprintf(stderr, "ERROR: %s: this probe type is not supported by tracetop yet\n", p->name);
	return -EOPNOTSUPP;
}
