/*
 * sema_include.c - `#include` lines and --include files.
 *
 * bpftrace runs the script's preprocessor lines through clang, so a header
 * that cannot be found is a fatal error, and the macros it defines can be
 * used as identifiers (`--include errno.h` ... `strerror(EPERM)`). tracetop
 * has no C preprocessor: it looks each header up in bpftrace's search
 * order (-I directories, then the compiler's and the system's include
 * directories), reports a missing one (kernel-internal headers excepted
 * when BTF describes the kernel's types), and reads the object-like
 * `#define NAME value` lines of the header and of the headers it includes
 * in turn (sema_consts.c keeps them). Conditionals are not evaluated; struct
 * declarations in headers are not read (kernel types come from BTF).
 */
#define _GNU_SOURCE
#include "sema.h"

#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INCLUDE_DEPTH_MAX 16

/* the compiler's own headers (stddef.h ...), then the system's */
static const char *const system_dirs[] = {
	"/usr/lib/llvm-*/lib/clang/*/include",
	"/usr/lib/gcc/x86_64-linux-gnu/*/include",
	"/usr/local/include",
	"/usr/include/x86_64-linux-gnu",
	"/usr/include",
};

/* a header is a readable file: a directory is "not found", as with clang */
static bool header_exists(const char *path)
{
	struct stat st;

	return !access(path, R_OK) && !stat(path, &st) && !S_ISDIR(st.st_mode);
}

static char *try_dir(const char *dir, const char *name)
{
	char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	if (header_exists(path))
		return path;
	free(path);
	return NULL;
}

/* the header's path (heap) or NULL: -I directories first */
static char *find_header(struct sema *s, const char *name)
{
	char *path = NULL;

	if (name[0] == '/')
		return header_exists(name) ? xstrdup(name) : NULL;
	for (int i = 0; s->opts && i < s->opts->ninclude_dirs && !path; i++)
		path = try_dir(s->opts->include_dirs[i], name);
	for (size_t i = 0; i < ARRAY_SIZE(system_dirs) && !path; i++) {
		glob_t g;

		if (glob(system_dirs[i], 0, NULL, &g))
			continue;
		for (size_t k = g.gl_pathc; k-- > 0 && !path;)
			path = try_dir(g.gl_pathv[k], name); /* the newest version first */
		globfree(&g);
	}
	return path;
}

/* the header name of an `#include <x>` / `#include "x"` line, or NULL */
static const char *include_name(struct sema *s, const char *line, size_t len, size_t *col)
{
	const char *p = line, *end = line + len, *q;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end || *p++ != '#')
		return NULL;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if ((size_t)(end - p) < 7 || strncmp(p, "include", 7))
		return NULL;
	p += 7;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end || (*p != '<' && *p != '"'))
		return NULL;
	q = memchr(p + 1, *p == '<' ? '>' : '"', (size_t)(end - p - 1));
	if (!q)
		return NULL;
	*col = (size_t)(p - line);
	return arena_strndup(s->a, p + 1, (size_t)(q - p - 1));
}

static void read_header(struct sema *s, const char *path, int depth, struct vec *seen)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0, col;
	ssize_t n;

	vec_foreach(seen, i) {
		if (!strcmp(seen->items[i], path))
			return;
	}
	vec_push(seen, arena_strndup(s->a, path, strlen(path)));
	f = fopen(path, "r");
	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *inc = include_name(s, line, (size_t)n, &col);

		if (inc && depth < INCLUDE_DEPTH_MAX) {
			char *sub = find_header(s, inc);
			if (sub)
				read_header(s, sub, depth + 1, seen);
			free(sub);
		} else if (!inc) {
			sema_define_line(s, line, (size_t)n);
		}
	}
	free(line);
	fclose(f);
}

/* Kernel-internal headers (<net/sock.h>, <linux/sched.h> ...) are not
 * installed here; bpftrace would read them from the kernel's build tree.
 * Their structs come from BTF, so with BTF they need not be found. */
static bool kernel_header(struct sema *s, const char *name)
{
	static const char *const dirs[] = {
		"linux/", "net/",   "asm/",    "asm-generic/", "uapi/", "trace/",
		"scsi/",  "sound/", "crypto/", "keys/",        "rdma/", "video/",
		"xen/",   "drm/",   "media/",  "soc/",         "vdso/", "kunit/",
	};

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!strncmp(name, dirs[i], strlen(dirs[i])))
			return sema_btf(s);
	return false;
}

/* bpftrace's words: clang's "'x.h' file not found", fatal */
void sema_includes(struct sema *s)
{
	struct vec seen = {0};
	size_t col;

	for (int i = 0; s->opts && i < s->opts->ninclude_files; i++) {
		const char *name = s->opts->include_files[i];
		char *path = find_header(s, name);

		if (!path && kernel_header(s, name))
			continue;
		if (!path) {
			diag_err_nospan(s->d, "'%s' file not found", name);
			continue;
		}
		read_header(s, path, 1, &seen);
		free(path);
	}
	node_foreach(&s->ast->includes, n) {
		const char *name;
		char *path;

		if (n->kind != N_STR || !(name = include_name(s, n->u.str.s, n->u.str.len, &col)))
			continue;
		path = find_header(s, name);
		if (!path && kernel_header(s, name))
			continue;
		if (!path) {
			struct span sp = {n->span.lo + (uint32_t)col,
					  n->span.lo + (uint32_t)(col + strlen(name) + 2)};
			diag_err(s->d, sp, "'%s' file not found", name);
			continue;
		}
		read_header(s, path, 1, &seen);
		free(path);
	}
	vec_free(&seen);
}
