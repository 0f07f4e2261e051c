/*
 * list.c - `tracetop -l [search]` and `-lv`: the probes this machine offers.
 *
 * The search is bpftrace's: "provider:rest", where the provider may be an
 * alias (t, k, u, s, h, rt, it, f ...) or a glob, and each ':'-separated
 * part of the rest is a glob of its own ('*' never crosses a ':'). A search
 * without ':' is a glob for the last part of every provider
 * ("*openat" finds tracepoint:syscalls:sys_enter_openat). As in bpftrace
 * 0.17, a tracepoint search with one part is an event glob in any category
 * ("tracepoint:sched*" = "tracepoint:*:sched*").
 *
 * Output follows bpftrace 0.17: providers in name order, each provider's
 * probes sorted, one per line; -lv adds the arguments indented by four
 * spaces (tracepoint format fields without common_*, BTF parameters for
 * kfunc/rawtracepoint). Listing everything shows what 0.17 shows
 * (hardware, iter, kfunc/kprobe when the kernel has them, software,
 * tracepoint); rawtracepoint, kretprobe, kretfunc, fentry/fexit, uprobe,
 * usdt and BEGIN/END are listed when named explicitly. Deliberate difference: 0.17
 * prints "software:<search>:" once instead of the event names; we print
 * "software:cpu-clock:" etc., one per matching event.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lister {
	FILE *out;
	bool verbose;
	bool explicit_provider; /* the provider part had no wildcard */
	struct kbtf *kb;        /* opened on first need */
	bool kb_tried;
	struct arena scratch;
	int err;
};

struct provider_ent {
	const char *name;
	const char *alias;
	bool explicit_only; /* not part of "list everything" */
	int (*list)(struct lister *l, const struct provider_ent *p, const char *rest);
};

/* perf event names bpftrace knows, with their short aliases */
static const char *const sw_events[][2] = {
	{"alignment-faults", NULL}, {"bpf-output", NULL},     {"context-switches", "cs"},
	{"cpu-clock", "cpu"},       {"cpu-migrations", NULL}, {"dummy", NULL},
	{"emulation-faults", NULL}, {"major-faults", NULL},   {"minor-faults", NULL},
	{"page-faults", "faults"},  {"task-clock", NULL},
};

static const char *const hw_events[][2] = {
	{"backend-stalls", NULL}, {"branch-instructions", "branches"},
	{"branch-misses", NULL},  {"bus-cycles", NULL},
	{"cache-misses", NULL},   {"cache-references", NULL},
	{"cpu-cycles", "cycles"}, {"frontend-stalls", NULL},
	{"instructions", NULL},   {"ref-cycles", NULL},
};

static struct kbtf *lister_btf(struct lister *l)
{
	if (!l->kb_tried) {
		l->kb_tried = true;
		l->kb = kbtf_open();
	}
	return l->kb;
}

static void print_args(struct lister *l, struct vec *lines)
{
	vec_foreach(lines, i) {
		fprintf(l->out, "    %s\n", (char *)lines->items[i]);
		free(lines->items[i]);
	}
	lines->len = 0;
}

static int list_perf(struct lister *l, const struct provider_ent *p, const char *rest)
{
	bool hw = !strcmp(p->name, "hardware");
	size_t n = hw ? ARRAY_SIZE(hw_events) : ARRAY_SIZE(sw_events);
	char *glob = xstrdup(rest);

	glob[strcspn(glob, ":")] = '\0'; /* "cpu-clock:1000": the count is no glob */
	for (size_t i = 0; i < n; i++) {
		const char *const *ev = hw ? hw_events[i] : sw_events[i];

		if (glob_match(glob, ev[0]) || (ev[1] && glob_match(glob, ev[1])))
			fprintf(l->out, "%s:%s:\n", p->name, ev[0]);
	}
	free(glob);
	return 0;
}

static void print_tp_fields(struct lister *l, const char *cat, const char *event)
{
	struct tp_field *f;
	int n = tracefs_tp_fields(cat, event, &f);

	for (int i = 0; i < n; i++) {
		const char *ct = f[i].ctype;
		const char *lb = strrchr(ct, '[');

		if (!strncmp(f[i].name, "common_", 7))
			continue;
		/* "char[16]" + "prev_comm" -> "char prev_comm[16]", but
		 * "__data_loc char[]" keeps its brackets, as the format file does */
		if (lb && ct[strlen(ct) - 1] == ']' && strncmp(ct, "__data_loc", 10) &&
		    strncmp(ct, "__rel_loc", 9))
			fprintf(l->out, "    %.*s %s%s\n", (int)(lb - ct), ct, f[i].name, lb);
		else
			fprintf(l->out, "    %s %s\n", ct, f[i].name);
	}
	if (n > 0)
		tracefs_tp_fields_free(f, n);
}

static int list_tracepoint(struct lister *l, const struct provider_ent *p, const char *rest)
{
	char *buf = xstrdup(rest), *colon = strchr(buf, ':');
	const char *cat = buf, *event;
	struct vec v = {0};
	int n;

	if (colon) {
		*colon = '\0';
		event = colon + 1;
	} else if (glob_has_wildcard(buf)) {
		cat = "*";
		event = buf;
	} else {
		free(buf);
		if (!l->explicit_provider)
			return 0;
		fprintf(stderr, "ERROR: %s probe type requires 2 arguments\n", p->name);
		return -EINVAL;
	}
	n = tracefs_tp_glob(cat, event, &v);
	free(buf);
	if (n < 0)
		fprintf(stderr, "ERROR: cannot read tracepoints from tracefs: %s\n", strerror(-n));
	vec_foreach(&v, i) {
		char *name = v.items[i];

		fprintf(l->out, "tracepoint:%s\n", name);
		if (l->verbose) {
			char *c = strchr(name, ':');

			*c = '\0';
			print_tp_fields(l, name, c + 1);
		}
		free(name);
	}
	vec_free(&v);
	return n < 0 ? n : 0;
}

static int list_rawtracepoint(struct lister *l, const struct provider_ent *p, const char *rest)
{
	struct kbtf *kb = lister_btf(l);
	struct vec v = {0}, lines = {0};
	const char *glob = strrchr(rest, ':') ? strrchr(rest, ':') + 1 : rest;

	kbtf_list_raw_tps(kb, &v);
	vec_foreach(&v, i) {
		if (!glob_match(glob, v.items[i]))
			continue;
		fprintf(l->out, "%s:%s\n", p->name, (char *)v.items[i]);
		if (l->verbose && kbtf_arg_lines(kb, v.items[i], true, &lines) > 0)
			print_args(l, &lines);
	}
	vec_free(&v);
	vec_free(&lines);
	return 0;
}

static int traceable_warning(int err)
{
	fprintf(stderr, "WARNING: Could not read symbols from %s/available_filter_functions: %s\n",
		tracefs_path() ? tracefs_path() : "/sys/kernel/tracing", strerror(-err));
	return 0;
}

/* kprobe/kretprobe: what ftrace can trace */
static int list_kprobe(struct lister *l, const struct provider_ent *p, const char *rest)
{
	struct kbtf *kb = lister_btf(l);
	struct vec v = {0};
	int n;

	if (!kb)
		return 0;
	n = kbtf_traceable_funcs(kb, &v);
	if (n < 0)
		return traceable_warning(n);
	/* as for uprobes, bpftrace 0.17 leaves out ".part.N" clones */
	vec_foreach(&v, i)
		if (glob_match(rest, v.items[i]) && !strstr(v.items[i], ".part."))
			fprintf(l->out, "%s:%s\n", p->name, (char *)v.items[i]);
	vec_free(&v);
	return 0;
}

/* kfunc/fentry: "kfunc:MODULE:FUNC" for BTF functions that ftrace can trace
 * (all of them when the traceable list is unreadable and the provider was
 * asked for by name). As bpftrace 0.17: at most 6 arguments, no ".part.N"
 * clones; "kfunc:GLOB" matches the function in any module. */
static int list_kfunc(struct lister *l, const struct provider_ent *p, const char *rest)
{
	struct kbtf *kb = lister_btf(l);
	struct vec v = {0}, lines = {0};
	const char *colon = strchr(rest, ':');
	char *mglob = colon ? xstrndup(rest, colon - rest) : xstrdup("*");
	const char *fglob = colon ? colon + 1 : rest;
	bool filter;

	if (!kb) {
		free(mglob);
		return 0;
	}
	filter = kbtf_traceable(kb, "schedule") >= 0;
	if (!filter && !l->explicit_provider) {
		free(mglob);
		return 0;
	}
	kbtf_list_funcs_mod(kb, 6, &v);
	vec_foreach(&v, i) {
		char *mod = v.items[i], *fn = strchr(mod, ':');

		*fn++ = '\0';
		if (glob_match(mglob, mod) && glob_match(fglob, fn) && !strstr(fn, ".part.") &&
		    (!filter || kbtf_traceable(kb, fn) == 1)) {
			fprintf(l->out, "%s:%s:%s\n", p->name, mod, fn);
			fn[-1] = ':'; /* the module's own prototype */
			if (l->verbose && kbtf_arg_lines(kb, mod, false, &lines) > 0)
				print_args(l, &lines);
		}
		free(mod);
	}
	vec_free(&v);
	vec_free(&lines);
	free(mglob);
	return 0;
}

static int list_iter(struct lister *l, const struct provider_ent *p, const char *rest)
{
	/* the iterators bpftrace 0.17 knows, with the args it shows for them
	 * (its own wording: "int fd" where the kernel's struct says u32) */
	static const struct {
		const char *name;
		const char *args[4];
	} iters[] = {
		{"task", {"struct task_struct * task"}},
		{"task_file", {"struct task_struct * task", "int fd", "struct file * file"}},
	};
	struct kbtf *kb = lister_btf(l);

	for (size_t i = 0; i < ARRAY_SIZE(iters); i++) {
		char *st = xasprintf("bpf_iter__%s", iters[i].name);

		if (kbtf_has_struct(kb, st) && glob_match(rest, iters[i].name)) {
			fprintf(l->out, "%s:%s\n", p->name, iters[i].name);
			for (size_t k = 0; l->verbose && k < 4 && iters[i].args[k]; k++)
				fprintf(l->out, "    %s\n", iters[i].args[k]);
		}
		free(st);
	}
	return 0;
}

/* A file part with wildcards ("./bin/uprobe*"): the executable regular
 * files it matches, sorted (as bpftrace 0.17's glob), pushed xmalloc'd. */
static void glob_files(const char *pat, struct vec *out)
{
	glob_t g;

	if (glob(pat, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;

		if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    access(g.gl_pathv[i], X_OK) == 0)
			vec_push(out, xstrdup(g.gl_pathv[i]));
	}
	globfree(&g);
}

/* the functions of one uprobe target file; quiet: no error for a file a
 * glob matched that is not ELF */
static int list_uprobe_file(struct lister *l, const struct provider_ent *p, const char *bin,
			    const char *func_glob, bool quiet)
{
	char *path;
	struct vec v = {0};
	int n;

	n = uprobe_expand(bin, func_glob, &path, &v);
	if (quiet) /* one of the files a glob matched */
		n = 0;
	else if (n == -ENOENT && !path)
		fprintf(stderr,
			"ERROR: uprobe target file '%s' does not exist or is not executable\n",
			bin);
	else if (n < 0)
		fprintf(stderr, "ERROR: %s: %s\n", path ? path : bin, strerror(-n));
	vec_foreach(&v, i) {
		fprintf(l->out, "%s:%s:%s\n", p->name, strchr(bin, '/') ? bin : path,
			(char *)v.items[i]);
		free(v.items[i]);
	}
	vec_free(&v);
	free(path);
	return n < 0 ? n : 0;
}

static int list_uprobe(struct lister *l, const struct provider_ent *p, const char *rest)
{
	const char *colon = strchr(rest, ':');
	char *bin;
	struct vec files = {0};
	int n;

	if (!colon) {
		if (!l->explicit_provider)
			return 0;
		fprintf(stderr, "ERROR: %s probe type requires 2 arguments\n", p->name);
		return -EINVAL;
	}
	bin = xstrndup(rest, colon - rest);
	if (!glob_has_wildcard(bin)) {
		n = list_uprobe_file(l, p, bin, colon + 1, false);
		free(bin);
		return n;
	}
	/* every executable the file glob matches; those that are not ELF
	 * (scripts) have no functions to list */
	glob_files(bin, &files);
	vec_foreach(&files, i) {
		list_uprobe_file(l, p, files.items[i], colon + 1, true);
		free(files.items[i]);
	}
	vec_free(&files);
	free(bin);
	return 0;
}

static int cmp_note(const void *a, const void *b)
{
	const struct usdt_note *x = *(void *const *)a, *y = *(void *const *)b;
	int c = strcmp(x->provider, y->provider);

	return c ? c : strcmp(x->name, y->name);
}

/* usdt:BIN:[PROVIDER:]NAME, one line per probe (not per site), sorted */
static int list_usdt(struct lister *l, const struct provider_ent *p, const char *rest)
{
	const char *colon = strchr(rest, ':');
	char *bin, *path, *globs, *pglob, *nglob;
	struct vec v = {0};
	int n;

	if (!colon) {
		if (!l->explicit_provider)
			return 0;
		fprintf(stderr, "ERROR: %s probe type requires 2 or 3 arguments\n", p->name);
		return -EINVAL;
	}
	bin = xstrndup(rest, colon - rest);
	path = bin_resolve(bin);
	if (!path) {
		fprintf(stderr,
			"ERROR: usdt target file '%s' does not exist or is not executable\n", bin);
		free(bin);
		return -ENOENT;
	}
	globs = xstrdup(colon + 1);
	nglob = strchr(globs, ':');
	if (nglob) {
		*nglob++ = '\0';
		pglob = globs;
	} else {
		pglob = "*";
		nglob = globs;
	}
	n = elf_usdt_notes(path, &v);
	if (n < 0)
		fprintf(stderr, "ERROR: %s: %s\n", path, strerror(-n));
	if (v.len)
		qsort(v.items, v.len, sizeof(void *), cmp_note);
	vec_foreach(&v, i) {
		struct usdt_note *u = v.items[i];

		if (i && !cmp_note(&v.items[i - 1], &v.items[i]))
			continue;
		if (glob_match(pglob, u->provider) && glob_match(nglob, u->name))
			fprintf(l->out, "%s:%s:%s:%s\n", p->name, strchr(bin, '/') ? bin : path,
				u->provider, u->name);
	}
	usdt_notes_free(&v);
	free(globs);
	free(path);
	free(bin);
	return n < 0 ? n : 0;
}

static int list_special(struct lister *l, const struct provider_ent *p, const char *rest)
{
	(void)rest;
	fprintf(l->out, "%s\n", p->name);
	return 0;
}

/* in name order: the order of a full listing */
static const struct provider_ent providers[] = {
	{"BEGIN", NULL, true, list_special},
	{"END", NULL, true, list_special},
	{"fentry", NULL, true, list_kfunc},
	{"fexit", NULL, true, list_kfunc},
	{"hardware", "h", false, list_perf},
	{"iter", "it", false, list_iter},
	{"kfunc", "f", false, list_kfunc},
	{"kprobe", "k", false, list_kprobe},
	{"kretfunc", "fr", true, list_kfunc},
	{"kretprobe", "kr", true, list_kprobe},
	{"rawtracepoint", "rt", true, list_rawtracepoint},
	{"software", "s", false, list_perf},
	{"tracepoint", "t", false, list_tracepoint},
	{"uprobe", "u", true, list_uprobe},
	{"uretprobe", "ur", true, list_uprobe},
	{"usdt", "U", true, list_usdt},
};

/* bpftrace reads the search with its lexer, which refuses some characters
 * outright: a quote or backquote anywhere, a backslash or a control
 * character at the start. Its message, pointing at the character (at the
 * whole search when the character is inside an attach point). */
static int check_search(const char *search)
{
	size_t len = strlen(search), i, hi;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)search[i];

		if (ch == '\'' || ch == '`' || (i == 0 && (ch == '\\' || ch < 0x20 || ch == 0x7f)))
			break;
	}
	if (i == len)
		return 0;
	/* bpftrace's columns: 1-2 for the first character, 1-LEN (one
	 * short) for the whole attach point */
	hi = i == 0 ? 2 : len;
	fprintf(stderr, "stdin:1:1-%zu: ERROR: invalid character '%c'\n%s\n", hi, search[i],
		search);
	for (size_t k = 1; k < hi; k++)
		fputc('~', stderr);
	fputc('\n', stderr);
	return -EINVAL;
}

int rt_list_probes(const char *search, bool verbose, FILE *out)
{
	struct lister l = {.out = out, .verbose = verbose};
	const char *colon, *rest;
	char *prov;
	bool on_file;
	int err = 0;

	if (!search || !*search)
		search = "*";
	if (check_search(search))
		return -EINVAL;
	colon = strchr(search, ':');
	if (colon) {
		prov = xstrndup(search, colon - search);
		rest = colon + 1;
	} else {
		prov = xstrdup("*");
		rest = search;
	}
	l.explicit_provider = !glob_has_wildcard(prov);
	/* "BEGIN" / "END" alone name the special probes */
	if (!colon && !glob_has_wildcard(search)) {
		for (size_t i = 0; i < ARRAY_SIZE(providers); i++)
			if (providers[i].list == list_special && !strcmp(search, providers[i].name))
				fprintf(out, "%s\n", search);
		free(prov);
		return 0;
	}
	/* "*:./bin:*": a file part (with a '/') is for the file providers
	 * only, uprobe and usdt, as bpftrace 0.17 lists it */
	colon = strchr(rest, ':');
	on_file = memchr(rest, '/', colon ? (size_t)(colon - rest) : strlen(rest)) != NULL;
	for (size_t i = 0; i < ARRAY_SIZE(providers); i++) {
		const struct provider_ent *p = &providers[i];
		bool named = !strcmp(prov, p->name) || (p->alias && !strcmp(prov, p->alias));
		bool file_prov = p->list == list_usdt || !strcmp(p->name, "uprobe");
		int e;

		if (p->list == list_special)
			continue;
		if (l.explicit_provider
			    ? !named
			    : !glob_match(prov, p->name) || (on_file ? !file_prov : p->explicit_only))
			continue;
		e = p->list(&l, p, rest);
		if (e && !err)
			err = e;
	}
	free(prov);
	kbtf_close(l.kb);
	arena_free(&l.scratch);
	fflush(out);
	return err;
}
