/*
 * elfsyms.c - function symbols of user binaries, through libelf, and the
 * resolution of the short binary names uprobes accept.
 *
 * struct elf_cache keeps one parsed table per file, keyed by (device,
 * inode) so that /usr/bin/bash, /bin/bash and /proc/PID/root/usr/bin/bash
 * share it. A table holds the defined FUNC/IFUNC symbols of .symtab and
 * .dynsym sorted by address (for address -> symbol) and the PT_LOAD
 * segments (to turn file offsets into virtual addresses and back, which is
 * the same for PIE and non-PIE binaries: uprobes attach at file offsets).
 * When a -dbg package installed /usr/lib/debug/.build-id/xx/yyyy.debug for
 * the file's build id, its .symtab is read too (as bpftrace does).
 *
 * bin_resolve turns "bash" into the first match on $PATH and "libc" into
 * the library the dynamic linker would pick, read from /etc/ld.so.cache
 * (the glibc "1.1" format), else from the standard directories.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct esym {
	uint64_t addr, size;
	const char *name; /* into the owning elf_file's strings */
};

struct eseg {
	uint64_t vaddr, off, filesz;
};

struct elf_file {
	dev_t dev;
	ino_t ino;
	int err; /* 0 or -errno (not ELF, unreadable) */
	struct esym *syms;
	size_t nsyms;
	struct eseg *segs;
	size_t nsegs;
	struct strbuf names; /* NUL-separated copies of symbol names */
	struct elf_file *next;
};

struct elf_cache {
	struct elf_file *files;
};

struct elf_cache *elf_cache_new(void)
{
	elf_version(EV_CURRENT); /* libelf's required handshake; idempotent */
	return xcalloc(1, sizeof(struct elf_cache));
}

void elf_cache_free(struct elf_cache *c)
{
	if (!c)
		return;
	for (struct elf_file *f = c->files, *next; f; f = next) {
		next = f->next;
		free(f->syms);
		free(f->segs);
		sb_free(&f->names);
		free(f);
	}
	free(c);
}

static int cmp_esym(const void *a, const void *b)
{
	const struct esym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* prefer sized symbols, then by name for determinism */
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void read_symtab(Elf *e, Elf_Scn *scn, GElf_Shdr *sh, struct vec *tmp)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;

	if (!data || !sh->sh_entsize)
		return;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		int type;
		struct esym *es;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    !sym.st_value)
			continue;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		es = xmalloc(sizeof(*es) + strlen(name) + 1);
		es->addr = sym.st_value;
		es->size = sym.st_size;
		es->name = strcpy((char *)(es + 1), name);
		vec_push(tmp, es);
	}
}

/* "/usr/lib/debug/.build-id/ab/cdef....debug" for the file's GNU build id
 * (where Debian's -dbg packages put full symbol tables), or NULL. */
static char *debug_file(Elf *e)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *id = (const unsigned char *)data->d_buf + doff;
			struct strbuf sb = {0};

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 || nh.n_descsz < 2 ||
			    memcmp((const char *)data->d_buf + noff, "GNU", 4))
				continue;
			sb_printf(&sb, "/usr/lib/debug/.build-id/%02x/", id[0]);
			for (size_t i = 1; i < nh.n_descsz; i++)
				sb_printf(&sb, "%02x", id[i]);
			sb_puts(&sb, ".debug");
			if (!access(sb.buf, R_OK))
				return sb_steal(&sb);
			sb_free(&sb);
			return NULL;
		}
	}
	return NULL;
}

static void read_debug_symtab(const char *path, struct vec *tmp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;
	Elf_Scn *scn = NULL;

	if (fd < 0)
		return;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (e && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			read_symtab(e, scn, &sh, tmp);
	}
	if (e)
		elf_end(e);
	close(fd);
}

static void load_elf(struct elf_file *f, int fd)
{
	char *dbg;
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	Elf_Scn *scn = NULL;
	struct vec tmp = {0};
	size_t nph = 0;
	size_t *name_off;

	if (!e || elf_kind(e) != ELF_K_ELF) {
		f->err = -ENOEXEC;
		goto out;
	}
	if (!elf_getphdrnum(e, &nph)) {
		f->segs = xcalloc(nph ? nph : 1, sizeof(*f->segs));
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
				f->segs[f->nsegs++] =
					(struct eseg){ph.p_vaddr, ph.p_offset, ph.p_filesz};
		}
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) &&
		    (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			read_symtab(e, scn, &sh, &tmp);
	}
	dbg = debug_file(e);
	if (dbg) {
		read_debug_symtab(dbg, &tmp);
		free(dbg);
	}
	/* copy names into one buffer, then point into it (it no longer moves) */
	f->syms = xcalloc(tmp.len ? tmp.len : 1, sizeof(*f->syms));
	name_off = xcalloc(tmp.len ? tmp.len : 1, sizeof(*name_off));
	for (size_t i = 0; i < tmp.len; i++) {
		struct esym *es = tmp.items[i];

		name_off[i] = f->names.len;
		sb_putn(&f->names, es->name, strlen(es->name) + 1);
		f->syms[i] = *es;
	}
	for (size_t i = 0; i < tmp.len; i++) {
		f->syms[i].name = f->names.buf + name_off[i];
		free(tmp.items[i]);
	}
	f->nsyms = tmp.len;
	free(name_off);
	vec_free(&tmp);
	if (f->nsyms)
		qsort(f->syms, f->nsyms, sizeof(*f->syms), cmp_esym);
out:
	if (e)
		elf_end(e);
}

static struct elf_file *elf_cache_get(struct elf_cache *c, const char *path)
{
	struct stat st;
	struct elf_file *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	for (f = c->files; f; f = f->next)
		if (f->dev == st.st_dev && f->ino == st.st_ino)
			break;
	if (!f) {
		f = xcalloc(1, sizeof(*f));
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		load_elf(f, fd);
		f->next = c->files;
		c->files = f;
	}
	close(fd);
	return f->err ? NULL : f;
}

static const struct esym *sym_at(const struct elf_file *f, uint64_t vaddr)
{
	size_t lo = 0, hi = f->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* first of the symbols at that address */
	lo--;
	while (lo && f->syms[lo - 1].addr == f->syms[lo].addr)
		lo--;
	/* past the end of a sized symbol: in padding or an unnamed function */
	if (f->syms[lo].size && vaddr >= f->syms[lo].addr + f->syms[lo].size)
		return NULL;
	return &f->syms[lo];
}

struct elf_file *elf_cache_open(struct elf_cache *c, const char *path)
{
	return elf_cache_get(c, path);
}

bool elf_file_sym_by_offset(const struct elf_file *f, uint64_t file_off, const char **name,
			    uint64_t *off)
{
	const struct esym *s;

	for (size_t i = 0; i < f->nsegs; i++) {
		const struct eseg *g = &f->segs[i];

		if (file_off >= g->off && file_off < g->off + g->filesz) {
			uint64_t vaddr = file_off - g->off + g->vaddr;

			s = sym_at(f, vaddr);
			if (!s)
				return false;
			*name = s->name;
			*off = vaddr - s->addr;
			return true;
		}
	}
	return false;
}

bool elf_cache_sym_by_offset(struct elf_cache *c, const char *path, uint64_t file_off,
			     const char **name, uint64_t *off)
{
	struct elf_file *f = elf_cache_get(c, path);

	return f && elf_file_sym_by_offset(f, file_off, name, off);
}

bool elf_cache_sym_by_vaddr(struct elf_cache *c, const char *path, uint64_t vaddr,
			    const char **name, uint64_t *off)
{
	struct elf_file *f = elf_cache_get(c, path);
	const struct esym *s = f ? sym_at(f, vaddr) : NULL;

	if (!s)
		return false;
	*name = s->name;
	*off = vaddr - s->addr;
	return true;
}

int elf_cache_funcs(struct elf_cache *c, const char *path, struct vec *out)
{
	struct elf_file *f = elf_cache_get(c, path);
	size_t first = out->len;

	if (!f)
		return access(path, R_OK) ? -errno : -ENOEXEC;
	for (size_t i = 0; i < f->nsyms; i++)
		vec_push(out, (void *)f->syms[i].name);
	return (int)vec_sort_unique(out, first, false);
}

int elf_cache_func(struct elf_cache *c, const char *path, const char *name, uint64_t *file_off,
		   uint64_t *vaddr)
{
	struct elf_file *f = elf_cache_get(c, path);

	if (!f)
		return access(path, R_OK) ? -errno : -ENOEXEC;
	for (size_t i = 0; i < f->nsyms; i++) {
		const struct esym *s = &f->syms[i];

		if (strcmp(s->name, name))
			continue;
		if (vaddr)
			*vaddr = s->addr;
		for (size_t j = 0; j < f->nsegs; j++) {
			const struct eseg *g = &f->segs[j];

			if (s->addr >= g->vaddr && s->addr < g->vaddr + g->filesz) {
				*file_off = s->addr - g->vaddr + g->off;
				return 0;
			}
		}
		*file_off = s->addr; /* no segment (relocatable object): as is */
		return 0;
	}
	return -ENOENT;
}

/* ---- short names: "bash" via $PATH, "libc" via ld.so.cache ---- */

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static char *path_lookup(const char *name)
{
	const char *env = getenv("PATH");
	char *dirs = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
	char *found = NULL;

	for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);

		if (is_file(p) && !access(p, X_OK))
			found = p;
		else
			free(p);
	}
	free(dirs);
	return found;
}

#define CACHE_MAGIC "glibc-ld.so.cache1.1"

/* A library entry of ld.so.cache whose soname is "<lib>.so" or "<lib>.so.N". */
static char *ldcache_lookup(const char *lib)
{
	char *buf;
	size_t len, n, llen = strlen(lib);
	char *found = NULL;
	uint32_t nlibs;

	if (tracefs_read_file("/etc/ld.so.cache", &buf, &len))
		return NULL;
	/* old-format caches start with "ld.so-1.7.0" and embed the new one */
	char *p = memmem(buf, len, CACHE_MAGIC, strlen(CACHE_MAGIC));

	if (!p || (size_t)(p - buf) + 48 > len)
		goto out;
	memcpy(&nlibs, p + 20, 4);
	n = (len - (size_t)(p - buf) - 48) / 24;
	if (nlibs > n)
		nlibs = (uint32_t)n;
	for (uint32_t i = 0; i < nlibs && !found; i++) {
		const char *e = p + 48 + 24 * (size_t)i;
		uint32_t key, value;
		int32_t flags;
		const char *k;

		memcpy(&flags, e, 4);
		memcpy(&key, e + 4, 4);
		memcpy(&value, e + 8, 4);
		if (key >= len - (size_t)(p - buf) || value >= len - (size_t)(p - buf))
			continue;
		k = p + key; /* string offsets are relative to the new-format header */
		if (strncmp(k, lib, llen) || strncmp(k + llen, ".so", 3) ||
		    (k[llen + 3] && k[llen + 3] != '.'))
			continue;
#if defined(__x86_64__)
		/* FLAG_ELF_LIBC6 | FLAG_X8664_LIB64: skip 32-bit entries */
		if ((flags & 0xff00) && (flags & 0xff00) != 0x0300)
			continue;
#endif
		if (is_file(p + value))
			found = xstrdup(p + value);
	}
out:
	free(buf);
	return found;
}

static char *libdir_lookup(const char *lib)
{
	static const char *const dirs[] = {"/lib/x86_64-linux-gnu",
					   "/usr/lib/x86_64-linux-gnu",
					   "/lib64",
					   "/usr/lib64",
					   "/lib",
					   "/usr/lib",
					   "/usr/local/lib"};

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = xasprintf("%s/%s", dirs[i], lib);

		if (strstr(lib, ".so") && is_file(p))
			return p;
		free(p);
		p = xasprintf("%s/%s.so", dirs[i], lib);

		if (is_file(p))
			return p;
		free(p);
		for (int v = 0; v < 10; v++) {
			p = xasprintf("%s/%s.so.%d", dirs[i], lib, v);
			if (is_file(p))
				return p;
			free(p);
		}
	}
	return NULL;
}

char *bin_resolve(const char *name)
{
	char *p, *lib;

	if (!name || !*name)
		return NULL;
	if (strchr(name, '/'))
		return is_file(name) ? xstrdup(name) : NULL;
	p = path_lookup(name);
	if (p)
		return p;
	lib = strncmp(name, "lib", 3) ? xasprintf("lib%s", name) : xstrdup(name);
	/* "libc.so.6" written in full: a library name with a version */
	if (strstr(lib, ".so"))
		p = libdir_lookup(lib);
	if (!p)
		p = ldcache_lookup(lib);
	if (!p)
		p = libdir_lookup(lib);
	free(lib);
	return p;
}

int uprobe_expand(const char *target, const char *func_glob, char **path, struct vec *out)
{
	struct elf_cache *c;
	struct vec names = {0};
	int n, added = 0;

	*path = bin_resolve(target);
	if (!*path)
		return -ENOENT;
	c = elf_cache_new();
	n = elf_cache_funcs(c, *path, &names);
	for (int i = 0; i < n; i++) {
		const char *name = names.items[i];

		/* as bpftrace 0.17: no partial-inlining clones (".part.N") */
		if (glob_match(func_glob, name) && !strstr(name, ".part.")) {
			vec_push(out, xstrdup(name));
			added++;
		}
	}
	vec_free(&names);
	elf_cache_free(c);
	if (n < 0) {
		free(*path);
		*path = NULL;
		return n;
	}
	return added;
}

/* ---- USDT: the .note.stapsdt notes of SystemTap-style static probes ---- */

static uint64_t vaddr_to_off(const struct eseg *segs, size_t n, uint64_t vaddr)
{
	for (size_t i = 0; i < n; i++)
		if (vaddr >= segs[i].vaddr && vaddr < segs[i].vaddr + segs[i].filesz)
			return vaddr - segs[i].vaddr + segs[i].off;
	return 0;
}

static void usdt_from_note(const char *d, size_t len, uint64_t base_addr, struct eseg *segs,
			   size_t nsegs, struct vec *out)
{
	struct usdt_note *u;
	uint64_t a[3];
	const char *prov, *name, *args, *end = d + len;

	if (len < 3 * 8 + 3)
		return;
	memcpy(a, d, sizeof(a));
	prov = d + 24;
	name = memchr(prov, '\0', end - prov);
	if (!name++ || name >= end)
		return;
	args = memchr(name, '\0', end - name);
	if (!args++ || args > end)
		return;
	u = xcalloc(1, sizeof(*u));
	u->pc = a[0];
	/* prelinked or moved: the note's base is .stapsdt.base's address at
	 * link time; shift pc (and the semaphore) by how far it moved */
	if (base_addr && a[1]) {
		u->pc += base_addr - a[1];
		if (a[2])
			a[2] += base_addr - a[1];
	}
	u->sema = a[2];
	u->pc_off = vaddr_to_off(segs, nsegs, u->pc);
	u->sema_off = u->sema ? vaddr_to_off(segs, nsegs, u->sema) : 0;
	u->provider = xstrdup(prov);
	u->name = xstrdup(name);
	u->args = args < end ? xstrndup(args, end - args) : xstrdup("");
	vec_push(out, u);
}

int elf_usdt_notes(const char *path, struct vec *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx, nph = 0, nsegs = 0;
	uint64_t base_addr = 0;
	struct eseg *segs = NULL;
	int added = 0;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx)) {
		if (e)
			elf_end(e);
		close(fd);
		return -ENOEXEC;
	}
	if (!elf_getphdrnum(e, &nph)) {
		segs = xcalloc(nph ? nph : 1, sizeof(*segs));
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
				segs[nsegs++] = (struct eseg){ph.p_vaddr, ph.p_offset, ph.p_filesz};
		}
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *sname;

		if (gelf_getshdr(scn, &sh) && (sname = elf_strptr(e, shstrndx, sh.sh_name)) &&
		    !strcmp(sname, ".stapsdt.base"))
			base_addr = sh.sh_addr;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *data;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != 3 || nh.n_namesz != 8 ||
			    memcmp((const char *)data->d_buf + noff, "stapsdt", 8))
				continue;
			usdt_from_note((const char *)data->d_buf + doff, nh.n_descsz, base_addr,
				       segs, nsegs, out);
			added++;
		}
	}
	free(segs);
	elf_end(e);
	close(fd);
	return added;
}

void usdt_notes_free(struct vec *v)
{
	vec_foreach(v, i) {
		struct usdt_note *u = v->items[i];

		free(u->provider);
		free(u->name);
		free(u->args);
		free(u);
	}
	vec_free(v);
}
