/*
 * tracefs.c - the kernel's tracing filesystem: where it is, which
 * tracepoints exist, and what their arguments look like.
 *
 * tracefs lives at /sys/kernel/tracing (or under debugfs on old setups).
 * It may not be mounted at boot: when we are root we mount it ourselves,
 * as tracetop promises. Nothing is cached between calls (no globals):
 * available_events is ~100 KB and reading it costs well under a
 * millisecond, format files are read on demand, one per tracepoint.
 *
 * A format file's "field:" lines become struct tp_field (raw text, for -lv
 * and for sema's own use) and, through tracefs_tp_record, a T_RECORD named
 * "struct _tracepoint_<cat>_<event>" whose field types follow bpftrace
 * 0.17: integers by size and sign, char[N] as string[N], other arrays as
 * T_ARRAY, pointers as T_PTR to the pointee (void -> NULL), and __data_loc
 * fields as a u32 marked by tracefs_is_data_loc.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACEFS_MAIN  "/sys/kernel/tracing"
#define TRACEFS_DEBUG "/sys/kernel/debug/tracing"

/* The type of a __data_loc / __rel_loc field; recognised by address. */
static const struct type data_loc_type = {
	.kind = T_INT, .size = 4, .align = 4, .name = "__data_loc"};
static const struct type rel_loc_type = {.kind = T_INT, .size = 4, .align = 4, .name = "__rel_loc"};

static bool tracefs_usable(const char *root)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/available_events", root);
	return access(path, R_OK) == 0;
}

const char *tracefs_path(void)
{
	if (tracefs_usable(TRACEFS_MAIN))
		return TRACEFS_MAIN;
	if (tracefs_usable(TRACEFS_DEBUG))
		return TRACEFS_DEBUG;
	if (geteuid() != 0)
		return NULL;
	/* EBUSY: someone mounted it meanwhile; either way, look again */
	if (mount("nodev", TRACEFS_MAIN, "tracefs", 0, NULL) && errno != EBUSY)
		return NULL;
	return tracefs_usable(TRACEFS_MAIN) ? TRACEFS_MAIN : NULL;
}

/* Read a whole (pseudo) file: tracefs reports size 0, so read until EOF. */
int tracefs_read_file(const char *path, char **out, size_t *len)
{
	struct strbuf sb = {0};
	char buf[16384];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_putn(&sb, buf, n);
	if (n < 0) {
		int err = -errno;

		close(fd);
		sb_free(&sb);
		return err;
	}
	close(fd);
	if (!sb.buf)
		sb_putn(&sb, "", 0);
	if (len)
		*len = sb.len;
	*out = sb_steal(&sb);
	return 0;
}

int tracefs_tp_glob(const char *category, const char *event, struct vec *out)
{
	const char *root = tracefs_path();
	char path[128], *text, *line, *save = NULL;
	size_t first = out->len;
	int err;

	if (!category || !event)
		return -EINVAL;
	if (!root)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/available_events", root);
	err = tracefs_read_file(path, &text, NULL);
	if (err)
		return err;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		if (glob_match(category, line) && glob_match(event, colon + 1))
			vec_push(out, xasprintf("%s:%s", line, colon + 1));
	}
	free(text);
	/* available_events has no duplicates, but be safe */
	return (int)vec_sort_unique(out, first, true);
}

bool tracefs_tp_exists(const char *category, const char *event)
{
	const char *root = tracefs_path();
	char *path;
	bool ok;

	if (!root || !category || !event || strchr(category, '/') || strchr(event, '/'))
		return false;
	path = xasprintf("%s/events/%s/%s/format", root, category, event);
	ok = access(path, R_OK) == 0;
	free(path);
	return ok;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * "const char * filename" -> name "filename", ctype "const char *";
 * "char prev_comm[16]" -> "prev_comm", "char[16]". Returns false when the
 * declaration has no identifier at its end.
 */
static bool parse_decl(char *decl, struct tp_field *f)
{
	char *end, *name_end, *name, *suffix = "";

	decl = trim(decl);
	end = decl + strlen(decl);
	name_end = end;
	if (end > decl && end[-1] == ']') {
		char *lb = strrchr(decl, '[');

		if (!lb)
			return false;
		suffix = lb;
		name_end = lb;
	}
	name = name_end;
	while (name > decl && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
		name--;
	if (name == name_end)
		return false;
	f->name = xstrndup(name, name_end - name);
	*name = '\0';
	f->ctype = xasprintf("%s%s", trim(decl), suffix);
	return true;
}

static bool parse_num(const char *line, const char *key, uint32_t *out)
{
	const char *p = strstr(line, key);

	if (!p)
		return false;
	*out = (uint32_t)strtoul(p + strlen(key), NULL, 10);
	return true;
}

void tracefs_tp_fields_free(struct tp_field *fields, int n)
{
	for (int i = 0; i < n; i++) {
		free(fields[i].name);
		free(fields[i].ctype);
	}
	free(fields);
}

int tracefs_tp_fields(const char *category, const char *event, struct tp_field **fields)
{
	const char *root = tracefs_path();
	char *path, *text, *line, *save = NULL;
	struct tp_field *arr = NULL;
	int n = 0, cap = 0, err;

	*fields = NULL;
	if (!root || !category || !event)
		return -ENOENT;
	if (strchr(category, '/') || strchr(event, '/') || !*category || !*event)
		return -ENOENT;
	path = xasprintf("%s/events/%s/%s/format", root, category, event);
	err = tracefs_read_file(path, &text, NULL);
	free(path);
	if (err)
		return err;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = trim(line), *semi;
		struct tp_field f = {0};
		uint32_t sgn = 0;

		if (strncmp(p, "field:", 6))
			continue;
		p += 6;
		semi = strchr(p, ';');
		if (!semi)
			continue;
		*semi = '\0';
		if (!parse_num(semi + 1, "offset:", &f.offset) ||
		    !parse_num(semi + 1, "size:", &f.size))
			continue;
		parse_num(semi + 1, "signed:", &sgn);
		f.is_signed = sgn != 0;
		if (!parse_decl(p, &f))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			arr = xrealloc(arr, cap * sizeof(*arr));
		}
		arr[n++] = f;
	}
	free(text);
	*fields = arr;
	return n;
}

bool tracefs_is_data_loc(const struct type *t)
{
	return t == &data_loc_type || t == &rel_loc_type;
}

bool tracefs_is_rel_loc(const struct type *t)
{
	return t == &rel_loc_type;
}

/* C base types and common kernel typedefs, for pointees (whose size the
 * format file does not give). Anything else goes to BTF when we have it. */
static const struct {
	const char *name;
	const struct type *type;
} base_types[] = {
	{"char", &t_s8},
	{"signed char", &t_s8},
	{"unsigned char", &t_u8},
	{"u8", &t_u8},
	{"__u8", &t_u8},
	{"uint8_t", &t_u8},
	{"bool", &t_u8},
	{"_Bool", &t_u8},
	{"s8", &t_s8},
	{"__s8", &t_s8},
	{"short", &t_s16},
	{"unsigned short", &t_u16},
	{"u16", &t_u16},
	{"__u16", &t_u16},
	{"uint16_t", &t_u16},
	{"umode_t", &t_u16},
	{"s16", &t_s16},
	{"__s16", &t_s16},
	{"int", &t_s32},
	{"signed int", &t_s32},
	{"s32", &t_s32},
	{"__s32", &t_s32},
	{"int32_t", &t_s32},
	{"pid_t", &t_s32},
	{"key_t", &t_s32},
	{"mqd_t", &t_s32},
	{"clockid_t", &t_s32},
	{"timer_t", &t_s32},
	{"unsigned int", &t_u32},
	{"unsigned", &t_u32},
	{"uint", &t_u32},
	{"u32", &t_u32},
	{"__u32", &t_u32},
	{"uint32_t", &t_u32},
	{"uid_t", &t_u32},
	{"gid_t", &t_u32},
	{"dev_t", &t_u32},
	{"gfp_t", &t_u32},
	{"long", &t_s64},
	{"long int", &t_s64},
	{"long long", &t_s64},
	{"s64", &t_s64},
	{"__s64", &t_s64},
	{"int64_t", &t_s64},
	{"loff_t", &t_s64},
	{"ssize_t", &t_s64},
	{"time64_t", &t_s64},
	{"unsigned long", &t_u64},
	{"unsigned long int", &t_u64},
	{"unsigned long long", &t_u64},
	{"u64", &t_u64},
	{"__u64", &t_u64},
	{"uint64_t", &t_u64},
	{"size_t", &t_u64},
	{"sector_t", &t_u64},
	{"aio_context_t", &t_u64},
	{"void", &t_none},
};

/* Drop "const"/"volatile"/"__user"/address-space words and squeeze spaces. */
static char *strip_qualifiers(const char *s)
{
	static const char *const drop[] = {"const",    "volatile", "__user",    "__seg_gs",
					   "__seg_fs", "restrict", "__restrict"};
	struct strbuf sb = {0};
	const char *p = s;

	while (*p) {
		size_t n;
		bool skip = false;

		while (isspace((unsigned char)*p))
			p++;
		n = strcspn(p, " \t");
		if (!n)
			break;
		for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
			if (strlen(drop[i]) == n && !strncmp(p, drop[i], n))
				skip = true;
		if (!skip) {
			if (sb.len)
				sb_putc(&sb, ' ');
			sb_putn(&sb, p, n);
		}
		p += n;
	}
	if (!sb.buf)
		sb_putn(&sb, "", 0);
	return sb_steal(&sb);
}

static const struct type *base_type(struct kbtf *kb, struct arena *a, const char *ctype)
{
	char *name = strip_qualifiers(ctype);
	const struct type *t = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(base_types); i++)
		if (!strcmp(base_types[i].name, name))
			t = base_types[i].type;
	if (!t && kb)
		t = kbtf_type(kb, a, name);
	if (!t) {
		/* unknown: an opaque record sema can complete by name later */
		struct type *r = arena_alloc(a, sizeof(*r));

		r->kind = T_RECORD;
		r->name = arena_strdup(a, name);
		r->align = 1;
		t = r;
	}
	free(name);
	return t;
}

/* The type of a pointer declaration "T **": T_PTR to T_PTR to T. */
static const struct type *ptr_type(struct kbtf *kb, struct arena *a, const char *ctype)
{
	char *base = xstrdup(ctype);
	int depth = 0;
	char *e = base + strlen(base);
	const struct type *t;

	/* "const char *const *": peel '*' and the qualifiers between them */
	for (;;) {
		while (e > base && isspace((unsigned char)e[-1]))
			e--;
		if (e > base && e[-1] == '*') {
			depth++;
			e--;
			continue;
		}
		if (e - base >= 5 && !strncmp(e - 5, "const", 5) &&
		    (e - 5 == base || (!isalnum((unsigned char)e[-6]) && e[-6] != '_'))) {
			e -= 5;
			continue;
		}
		break;
	}
	*e = '\0';
	t = base_type(kb, a, base);
	if (t == &t_none)
		t = NULL; /* void *: elem NULL, as btf.c does */
	free(base);
	while (depth--) {
		struct type *p = arena_alloc(a, sizeof(*p));

		p->kind = T_PTR;
		p->size = p->align = 8;
		p->elem = t;
		t = p;
	}
	return t;
}

static const struct type *field_type(struct kbtf *kb, struct arena *a, const struct tp_field *f)
{
	const char *ct = f->ctype;
	const char *lb = strchr(ct, '[');
	struct type *t;

	if (!strncmp(ct, "__data_loc ", 11))
		return &data_loc_type;
	if (!strncmp(ct, "__rel_loc ", 10))
		return &rel_loc_type;
	if (lb && !strchr(ct, '*')) {
		char *elem_name = xstrndup(ct, lb - ct);
		char *plain = strip_qualifiers(elem_name);
		uint32_t count = (uint32_t)strtoul(lb + 1, NULL, 0);
		const struct type *elem;

		t = arena_alloc(a, sizeof(*t));
		if (!strcmp(plain, "char")) {
			/* bpftrace 0.17 reads char arrays as strings */
			t->kind = T_STR;
			t->size = f->size;
			t->align = 1;
		} else {
			elem = base_type(kb, a, elem_name);
			if (elem->kind == T_RECORD && !elem->size)
				elem = &t_u8;
			if (elem->size && f->size % elem->size == 0)
				count = f->size / elem->size;
			t->kind = T_ARRAY;
			t->elem = elem;
			t->count = count;
			t->size = f->size;
			t->align = elem->align ? elem->align : 1;
		}
		free(elem_name);
		free(plain);
		return t;
	}
	if (strchr(ct, '*'))
		return ptr_type(kb, a, ct);
	if (type_int(f->is_signed, f->size))
		return type_int(f->is_signed, f->size);
	/* a struct passed by value (rare): raw bytes */
	t = arena_alloc(a, sizeof(*t));
	t->kind = T_ARRAY;
	t->elem = &t_u8;
	t->count = f->size;
	t->size = f->size;
	t->align = 1;
	return t;
}

int tracefs_tp_record(struct kbtf *kb, struct arena *a, const char *category, const char *event,
		      const struct type **out)
{
	struct tp_field *fields;
	int n = tracefs_tp_fields(category, event, &fields);
	struct field *rf;
	struct type *rec;
	uint32_t end = 0;

	*out = NULL;
	if (n < 0)
		return n;
	rec = arena_alloc(a, sizeof(*rec));
	rf = arena_alloc(a, (n ? n : 1) * sizeof(*rf));
	for (int i = 0; i < n; i++) {
		rf[i].name = arena_strdup(a, fields[i].name);
		rf[i].type = field_type(kb, a, &fields[i]);
		rf[i].offset = fields[i].offset;
		if (fields[i].offset + fields[i].size > end)
			end = fields[i].offset + fields[i].size;
	}
	tracefs_tp_fields_free(fields, n);
	rec->kind = T_RECORD;
	rec->name = arena_printf(a, "struct _tracepoint_%s_%s", category, event);
	rec->size = (end + 7) & ~7u;
	rec->align = 8;
	rec->count = n;
	rec->fields = rf;
	*out = rec;
	return 0;
}
