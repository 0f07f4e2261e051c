/*
 * symbols.c - kernel and user symbols: addresses to "name + offset" for
 * kstack/ksym/ustack/usym, and names to addresses for kaddr.
 *
 * struct syms is the one context (one per running program). The kernel
 * table is /proc/kallsyms, read once on first use into a single text
 * buffer plus an array sorted by address (binary search). User lookups go
 * pid -> /proc/PID/maps (cached per pid, re-read once on a miss, since a
 * process may map libraries later) -> file offset -> the binary's ELF
 * symbols (elfsyms.c, cached per path in the embedded struct elf_cache).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ksym {
	uint64_t addr;
	const char *name; /* into syms->ktext */
	uint32_t order;   /* position in kallsyms, for stable ties */
	bool global;
};

struct pid_map {
	uint64_t start, end, file_off;
	const char *path;     /* into the owning pid_maps' text */
	struct elf_file *elf; /* owned by the elf cache; looked up once */
	bool elf_tried;
};

struct pid_maps {
	int pid;
	char *text;
	struct pid_map *maps;
	size_t n;
};

#define PID_CACHE 16

struct syms {
	char *ktext;
	struct ksym *ksyms;
	size_t nksyms;
	int kerr; /* 0 not loaded, 1 loaded, -errno */
	struct elf_cache *elves;
	struct pid_maps pids[PID_CACHE];
	unsigned next_pid_slot;
};

struct syms *syms_new(void)
{
	struct syms *s = xcalloc(1, sizeof(*s));

	s->elves = elf_cache_new();
	return s;
}

static void pid_maps_clear(struct pid_maps *pm)
{
	free(pm->text);
	free(pm->maps);
	memset(pm, 0, sizeof(*pm));
}

void syms_free(struct syms *s)
{
	if (!s)
		return;
	free(s->ktext);
	free(s->ksyms);
	for (int i = 0; i < PID_CACHE; i++)
		pid_maps_clear(&s->pids[i]);
	elf_cache_free(s->elves);
	free(s);
}

struct elf_cache *syms_elf_cache(struct syms *s)
{
	return s->elves;
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->global != y->global)
		return x->global ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int load_kallsyms(struct syms *s)
{
	char *p, *line;
	size_t cap = 0;
	int err;

	if (s->kerr)
		return s->kerr < 0 ? s->kerr : 0;
	err = tracefs_read_file("/proc/kallsyms", &s->ktext, NULL);
	if (err) {
		s->kerr = err;
		return err;
	}
	/* "ffffffff81000000 T _text" or "... t name\t[module]" */
	for (p = s->ktext; *p; p = line) {
		char *end, type, *name;
		uint64_t addr;

		line = strchr(p, '\n');
		line = line ? (*line = '\0', line + 1) : p + strlen(p);
		addr = strtoull(p, &end, 16);
		if (end == p || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		type = end[1];
		name = end + 3;
		name[strcspn(name, "\t ")] = '\0';
		if (!addr || type == 'a' || type == 'A' || type == 'U')
			continue;
		if (s->nksyms == cap) {
			cap = cap ? 2 * cap : 65536;
			s->ksyms = xrealloc(s->ksyms, cap * sizeof(*s->ksyms));
		}
		s->ksyms[s->nksyms] =
			(struct ksym){addr, name, (uint32_t)s->nksyms, type >= 'A' && type <= 'Z'};
		s->nksyms++;
	}
	if (s->nksyms)
		qsort(s->ksyms, s->nksyms, sizeof(*s->ksyms), cmp_ksym);
	s->kerr = s->nksyms ? 1 : -ENOENT;
	return s->kerr < 0 ? s->kerr : 0;
}

/* the index of the first symbol above addr (nksyms if none) */
static size_t ksym_above(const struct syms *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nksyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool syms_kernel(struct syms *s, uint64_t addr, const char **name, uint64_t *off)
{
	size_t lo;

	if (load_kallsyms(s))
		return false;
	/* last symbol with sym.addr <= addr (first of its address group) */
	lo = ksym_above(s, addr);
	if (!lo)
		return false;
	lo--;
	while (lo && s->ksyms[lo - 1].addr == s->ksyms[lo].addr)
		lo--;
	*name = s->ksyms[lo].name;
	*off = addr - s->ksyms[lo].addr;
	return true;
}

uint64_t syms_kernel_addr(struct syms *s, const char *name)
{
	if (load_kallsyms(s))
		return 0;
	/* kaddr() is compiled once per use: a linear scan is fine */
	for (size_t i = 0; i < s->nksyms; i++)
		if (!strcmp(s->ksyms[i].name, name))
			return s->ksyms[i].addr;
	return 0;
}

uint64_t syms_kernel_size(struct syms *s, const char *name)
{
	uint64_t addr = syms_kernel_addr(s, name);
	size_t next;

	if (!addr)
		return 0;
	/* the first symbol above it bounds it (alignment padding included) */
	next = ksym_above(s, addr);
	return next < s->nksyms ? s->ksyms[next].addr - addr : 0;
}

static int load_pid_maps(struct pid_maps *pm, int pid)
{
	char path[64], *p, *line;
	size_t cap = 0;
	int err;

	pid_maps_clear(pm);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	err = tracefs_read_file(path, &pm->text, NULL);
	if (err)
		return err;
	pm->pid = pid;
	/* "55d0c1a00000-55d0c1a2f000 r--p 00000000 08:01 1234  /usr/bin/bash" */
	for (p = pm->text; *p; p = line) {
		unsigned long long start, end, off;
		char perms[8];
		int pos = 0;

		line = strchr(p, '\n');
		line = line ? (*line = '\0', line + 1) : p + strlen(p);
		if (sscanf(p, "%llx-%llx %7s %llx %*s %*u %n", &start, &end, perms, &off, &pos) <
			    4 ||
		    !pos || p[pos] != '/')
			continue;
		if (pm->n == cap) {
			cap = cap ? 2 * cap : 64;
			pm->maps = xrealloc(pm->maps, cap * sizeof(*pm->maps));
		}
		pm->maps[pm->n++] = (struct pid_map){start, end, off, p + pos, NULL, false};
	}
	return 0;
}

static struct pid_map *find_map(struct pid_maps *pm, uint64_t addr)
{
	for (size_t i = 0; i < pm->n; i++)
		if (addr >= pm->maps[i].start && addr < pm->maps[i].end)
			return &pm->maps[i];
	return NULL;
}

bool syms_user(struct syms *s, int pid, uint64_t addr, const char **name, uint64_t *off)
{
	struct pid_maps *pm = NULL;
	struct pid_map *m;
	bool fresh = false;

	for (int i = 0; i < PID_CACHE; i++)
		if (s->pids[i].pid == pid && s->pids[i].text)
			pm = &s->pids[i];
	if (!pm) {
		pm = &s->pids[s->next_pid_slot++ % PID_CACHE];
		if (load_pid_maps(pm, pid))
			return false;
		fresh = true;
	}
	m = find_map(pm, addr);
	if (!m && !fresh) {
		if (load_pid_maps(pm, pid))
			return false;
		m = find_map(pm, addr);
	}
	if (!m)
		return false;
	if (!m->elf_tried) {
		/* through the process's root, so containers resolve their own files */
		char *path = xasprintf("/proc/%d/root%s", pid, m->path);

		m->elf = elf_cache_open(s->elves, path);
		if (!m->elf)
			m->elf = elf_cache_open(s->elves, m->path);
		m->elf_tried = true;
		free(path);
	}
	return m->elf && elf_file_sym_by_offset(m->elf, addr - m->start + m->file_off, name, off);
}

const char *syms_user_module(struct syms *s, int pid, uint64_t addr)
{
	for (int i = 0; i < PID_CACHE; i++)
		if (s->pids[i].pid == pid && s->pids[i].text) {
			struct pid_map *m = find_map(&s->pids[i], addr);

			return m && m->path && *m->path ? m->path : NULL;
		}
	return NULL;
}
