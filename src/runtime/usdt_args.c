/*
 * usdt_args.c - the argument locations of a USDT probe site, for codegen.
 *
 * A .note.stapsdt note carries its arguments as the assembler operands GCC
 * chose, "SIZE@OPERAND" separated by spaces: "-4@%edi", "8@-16(%rbp)",
 * "-4@$99", "8@g_val(%rip)", "4@8(%rax,%rdx,4)". SIZE is the byte size,
 * negative when signed. usdt_site_arg turns the I-th one into a struct
 * usdt_arg: a constant, a register (by its struct pt_regs offset), or
 * memory at register + index * scale + displacement. A symbol operand
 * relative to %rip ("g_val(%rip)") becomes memory at ip + (symbol - site):
 * in a uprobe handler ip is the probe site, so the load bias cancels out.
 * x86-64 only (the notes of other architectures use other operand syntax).
 * Also here: elf_sym_vaddr, any symbol's address, for uaddr().
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* register names of every width -> offset of the full register in pt_regs */
static const struct {
	const char *names[4];
	int off;
} regs[] = {
	{{"rax", "eax", "ax", "al"}, 80},      {{"rbx", "ebx", "bx", "bl"}, 40},
	{{"rcx", "ecx", "cx", "cl"}, 88},      {{"rdx", "edx", "dx", "dl"}, 96},
	{{"rsi", "esi", "si", "sil"}, 104},    {{"rdi", "edi", "di", "dil"}, 112},
	{{"rbp", "ebp", "bp", "bpl"}, 32},     {{"rsp", "esp", "sp", "spl"}, 152},
	{{"r8", "r8d", "r8w", "r8b"}, 72},     {{"r9", "r9d", "r9w", "r9b"}, 64},
	{{"r10", "r10d", "r10w", "r10b"}, 56}, {{"r11", "r11d", "r11w", "r11b"}, 48},
	{{"r12", "r12d", "r12w", "r12b"}, 24}, {{"r13", "r13d", "r13w", "r13b"}, 16},
	{{"r14", "r14d", "r14w", "r14b"}, 8},  {{"r15", "r15d", "r15w", "r15b"}, 0},
	{{"rip", "eip", NULL, NULL}, 128},
};

/* "%reg" at *p: its pt_regs offset, *p moved past it; -1 if unknown */
static int parse_reg(const char **p)
{
	const char *s = *p;
	size_t n = 0;

	if (*s != '%')
		return -1;
	s++;
	while (isalnum((unsigned char)s[n]))
		n++;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (int w = 0; w < 4; w++)
			if (regs[i].names[w] && strlen(regs[i].names[w]) == n &&
			    !strncmp(regs[i].names[w], s, n)) {
				*p = s + n;
				return regs[i].off;
			}
	return -1;
}

int elf_sym_find(const char *path, const char *name, uint64_t *vaddr, uint64_t *size, bool *pie)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	int err = -ENOENT;
	Elf *e;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		err = -ENOEXEC;
		goto out;
	}
	if (pie)
		*pie = eh.e_type == ET_DYN;
	while (err && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *sn;

			if (gelf_getsym(d, (int)i, &sym) && sym.st_shndx != SHN_UNDEF &&
			    (sn = elf_strptr(e, sh.sh_link, sym.st_name)) && !strcmp(sn, name)) {
				*vaddr = sym.st_value;
				if (size)
					*size = sym.st_size;
				err = 0;
				break;
			}
		}
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return err;
}

int elf_sym_vaddr(const char *path, const char *name, uint64_t *vaddr, bool *pie)
{
	return elf_sym_find(path, name, vaddr, NULL, pie);
}

/* one "SIZE@OPERAND" (len bytes at s) -> *a; 0 or -EINVAL */
static int parse_one(const char *path, uint64_t site, const char *s, size_t len, struct usdt_arg *a)
{
	char buf[256], *end;
	const char *p, *at;
	long size;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	memset(a, 0, sizeof(*a));
	a->index_reg = -1;
	a->scale = 1;
	at = strchr(buf, '@');
	if (!at) { /* no size: GCC's old notes; assume a signed long */
		size = -8;
		p = buf;
	} else {
		size = strtol(buf, &end, 10);
		if (end != at)
			return -EINVAL;
		p = at + 1;
	}
	a->is_signed = size < 0;
	a->size = (int)(size < 0 ? -size : size);
	if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8)
		return -EINVAL;
	if (*p == '$') {
		a->kind = USDT_ARG_CONST;
		a->disp = strtoll(p + 1, &end, 0);
		return *end ? -EINVAL : 0;
	}
	if (*p == '%') {
		a->kind = USDT_ARG_REG;
		a->reg = parse_reg(&p);
		return a->reg < 0 || *p ? -EINVAL : 0;
	}
	/* memory: [disp|symbol[+-disp]](%base[,%index[,scale]]) */
	a->kind = USDT_ARG_MEM;
	if (*p == '-' || isdigit((unsigned char)*p)) {
		a->disp = strtoll(p, &end, 0);
		p = end;
	} else if (*p != '(') {
		const char *sym = p;
		char name[200];
		uint64_t v;

		while (*p && *p != '(' && *p != '+' && *p != '-')
			p++;
		if ((size_t)(p - sym) >= sizeof(name))
			return -EINVAL;
		memcpy(name, sym, p - sym);
		name[p - sym] = 0;
		if (elf_sym_vaddr(path, name, &v, NULL))
			return -ENOENT;
		a->disp = (int64_t)(v - site);
		if (*p == '+' || *p == '-') {
			a->disp += strtoll(p, &end, 0);
			p = end;
		}
		a->is_rip_sym = true;
	}
	if (*p != '(')
		return -EINVAL;
	p++;
	a->reg = parse_reg(&p);
	if (a->reg < 0)
		return -EINVAL;
	if (a->is_rip_sym && a->reg != 128)
		return -EINVAL; /* a symbol is only meaningful relative to %rip */
	if (*p == ',') {
		p++;
		a->index_reg = parse_reg(&p);
		if (a->index_reg < 0)
			return -EINVAL;
		if (*p == ',') {
			a->scale = (int)strtol(p + 1, &end, 10);
			p = end;
		}
	}
	return *p == ')' && !p[1] ? 0 : -EINVAL;
}

int usdt_site_arg(const char *path, uint64_t site, int idx, struct usdt_arg *a, int *nargs)
{
	struct vec notes = {0};
	const char *args = NULL;
	int n = 0, err = -ENOENT;

	if (elf_usdt_notes(path, &notes) < 0)
		return -ENOEXEC;
	vec_foreach(&notes, i) {
		struct usdt_note *u = notes.items[i];

		if (u->pc == site) {
			args = u->args;
			break;
		}
	}
	if (!args) {
		usdt_notes_free(&notes);
		return -ESRCH;
	}
	for (const char *p = args; *p;) {
		size_t len;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (n == idx)
			err = parse_one(path, site, p, len, a);
		n++;
		p += len;
	}
	if (nargs)
		*nargs = n;
	usdt_notes_free(&notes);
	return err;
}
