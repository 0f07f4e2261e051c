/*
 * cgroup.c - cgroup_path(): a cgroup id named in every hierarchy.
 *
 * bpftrace 0.17 answers cgroup_path(id[, filter]) with "name:/path" for
 * each mounted hierarchy where a cgroup of that id exists, joined by ','.
 * The cgroup v2 hierarchy is named "unified" and comes first; the v1 ones
 * are named after their mount directory (cpu, memory, systemd ...) and
 * sorted by that name. A filter keeps the hierarchies whose name matches
 * it (a shell wildcard). A cgroup's id is the 64-bit handle
 * name_to_handle_at() returns for its directory (the kernfs node id that
 * bpf_get_current_cgroup_id() reports); the directories under each mount
 * are searched depth first.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define CGROUP_DEPTH_MAX 64

struct cg_root {
	char *name; /* "unified", "cpu", ... */
	char *dir;  /* its mount point */
	bool v2;
};

static bool dir_id(const char *path, uint64_t *id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 64];
	} h;
	int mount_id;

	h.fh.handle_bytes = 64;
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) || h.fh.handle_bytes < 8)
		return false;
	memcpy(id, h.fh.f_handle, 8);
	return true;
}

/* the path of cgroup id under dir ("/" for dir itself), heap, or NULL */
static char *find_in(const char *dir, const char *rel, uint64_t id, int depth)
{
	char path[4096];
	struct dirent *e;
	char *found = NULL;
	uint64_t got;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s", dir, rel);
	if (dir_id(path, &got) && got == id)
		return xstrdup(*rel ? rel : "/");
	if (depth >= CGROUP_DEPTH_MAX || !(d = opendir(path)))
		return NULL;
	while (!found && (e = readdir(d))) {
		char sub[4096];

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name) >= (int)sizeof(sub))
			continue;
		found = find_in(dir, sub, id, depth + 1);
	}
	closedir(d);
	return found;
}

static int root_cmp(const void *a, const void *b)
{
	const struct cg_root *x = a, *y = b;

	if (x->v2 != y->v2)
		return x->v2 ? -1 : 1;
	return strcmp(x->name, y->name);
}

char *rt_cgroup_path(uint64_t id, const char *filter)
{
	struct cg_root *roots = NULL;
	size_t n = 0;
	struct strbuf sb = {0};
	struct mntent *m;
	FILE *f = setmntent("/proc/mounts", "r");

	while (f && (m = getmntent(f))) {
		bool v2 = !strcmp(m->mnt_type, "cgroup2");
		const char *base;

		if (!v2 && strcmp(m->mnt_type, "cgroup"))
			continue;
		base = strrchr(m->mnt_dir, '/');
		roots = xrealloc(roots, (n + 1) * sizeof(*roots));
		roots[n].v2 = v2;
		roots[n].name = xstrdup(v2 ? "unified" : base ? base + 1 : m->mnt_dir);
		roots[n].dir = xstrdup(m->mnt_dir);
		n++;
	}
	if (f)
		endmntent(f);
	if (n)
		qsort(roots, n, sizeof(*roots), root_cmp);
	for (size_t i = 0; i < n; i++) {
		char *path = NULL;

		if (!filter || !fnmatch(filter, roots[i].name, 0))
			path = find_in(roots[i].dir, "", id, 0);
		if (path) {
			sb_printf(&sb, "%s%s:%s", sb.len ? "," : "", roots[i].name, path);
			free(path);
		}
		free(roots[i].name);
		free(roots[i].dir);
	}
	free(roots);
	return sb.buf ? sb.buf : xstrdup("");
}
