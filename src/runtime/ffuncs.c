/*
 * ffuncs.c - available_filter_functions: the functions ftrace can trace,
 * which is what kprobes and fentry can attach to.
 *
 * The file (tracefs) has one function a line, "vfs_read" for the kernel's
 * own and "dummy_xmit [dummy]" for a module's; a static function may be
 * listed more than once. It is read once per struct kbtf (btf.c asks on
 * the first question) and kept as a sorted array of names pointing into
 * the text, plus "module:func" strings for the module lines: kprobe and
 * fentry wildcards with a module part (kprobe:dummy:*) and bpftrace's
 * rule that a wildcard matches only traceable functions use them. Without
 * kprobes (this machine) the file may be unreadable (EPERM): every
 * question then answers that -errno and the callers fall back to BTF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

struct ffuncs {
	int err;          /* 0, or -errno: the file could not be read */
	char *text;       /* the file, lines cut at the first blank */
	struct vec names; /* into text, sorted */
	struct vec mods;  /* "module:func", xmalloc'd, of the module lines */
};

struct ffuncs *ffuncs_load(void)
{
	struct ffuncs *ff = xcalloc(1, sizeof(*ff));
	const char *root = tracefs_path();
	char *path, *line, *save = NULL;

	if (!root) {
		ff->err = -ENOENT;
		return ff;
	}
	path = xasprintf("%s/available_filter_functions", root);
	ff->err = tracefs_read_file(path, &ff->text, NULL);
	free(path);
	if (ff->err)
		return ff;
	for (line = strtok_r(ff->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strcspn(line, " \t");
		const char *mod = line[len] ? strchr(line + len, '[') : NULL;

		if (mod && strchr(mod, ']'))
			vec_push(&ff->mods, xasprintf("%.*s:%.*s", (int)strcspn(mod + 1, "]"),
						      mod + 1, (int)len, line));
		line[len] = '\0';
		vec_push(&ff->names, line);
	}
	if (ff->names.len) /* qsort's pointer must not be NULL */
		qsort(ff->names.items, ff->names.len, sizeof(void *), vec_strcmp);
	return ff;
}

void ffuncs_free(struct ffuncs *ff)
{
	if (!ff)
		return;
	vec_foreach(&ff->mods, i)
		free(ff->mods.items[i]);
	vec_free(&ff->mods);
	vec_free(&ff->names);
	free(ff->text);
	free(ff);
}

int ffuncs_has(const struct ffuncs *ff, const char *func)
{
	if (ff->err)
		return ff->err;
	return bsearch(&func, ff->names.items, ff->names.len, sizeof(void *), vec_strcmp) != NULL;
}

int ffuncs_list(const struct ffuncs *ff, struct vec *out)
{
	size_t w = out->len;

	if (ff->err)
		return ff->err;
	for (size_t i = 0; i < ff->names.len; i++)
		if (!i || strcmp(ff->names.items[i - 1], ff->names.items[i]))
			vec_push(out, ff->names.items[i]);
	return (int)(out->len - w);
}

int ffuncs_list_mod(const struct ffuncs *ff, const char *mglob, struct vec *out)
{
	struct vec modf = {0}; /* the func part of every module line, sorted */
	size_t w = out->len;

	if (ff->err)
		return ff->err;
	vec_foreach(&ff->mods, i) {
		const char *mf = ff->mods.items[i];
		size_t mlen = strcspn(mf, ":");
		char *mod = xstrndup(mf, mlen);

		vec_push(&modf, (void *)(mf + mlen + 1));
		if (glob_match(mglob, mod))
			vec_push(out, xstrdup(mf));
		free(mod);
	}
	if (modf.len) /* qsort's pointer must not be NULL */
		qsort(modf.items, modf.len, sizeof(void *), vec_strcmp);
	/* the kernel's own: the names no module line has */
	if (glob_match(mglob, "vmlinux"))
		for (size_t i = 0; i < ff->names.len; i++) {
			const char *f = ff->names.items[i];

			if ((!i || strcmp(ff->names.items[i - 1], f)) &&
			    !bsearch(&f, modf.items, modf.len, sizeof(void *), vec_strcmp))
				vec_push(out, xasprintf("vmlinux:%s", f));
		}
	vec_free(&modf);
	return (int)(out->len - w);
}
