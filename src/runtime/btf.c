/*
 * btf.c - kernel types from BTF, as bt.h types, for sema and for -lv.
 *
 * struct kbtf owns vmlinux BTF (loaded once by kbtf_open) and, on demand,
 * the split BTF of kernel modules under /sys/kernel/btf/ (when a name is
 * not found in vmlinux, or a module is named: fentry:module:func looks in
 * that module's own types only). A type id handed out in struct type.btf_id is
 * (module index + 1) << 32 | id for module types, the plain id for vmlinux.
 *
 * Conversion is lazy: a record is converted with its fields, but records
 * reached through a field, an array or a pointer stay shallow (size, align,
 * btf_id, no fields) until kbtf_type_by_id completes them, so looking up
 * task_struct does not convert the kernel. Complete records are cached per
 * arena (the cache resets when a different arena is passed).
 *
 * It also answers which functions exist (FUNC entries), which raw
 * tracepoints exist (btf_trace_<name> typedefs), whether a function is
 * traceable (available_filter_functions through ffuncs.c), a kernel
 * enumerator's value (kenums.c) and prints BTF types as C text for `-lv`.
 */
#define _GNU_SOURCE
#include "rt_internal.h"

#include <bpf/btf.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MODULES 256

struct kbtf_mod {
	char *name;
	struct btf *btf;
};

struct kbtf {
	struct btf *vmlinux;
	struct kbtf_mod *mods; /* loaded on first miss in vmlinux */
	int nmods;
	bool mods_loaded;
	/* complete records by vmlinux id, valid for cache_arena */
	struct arena *cache_arena;
	const struct type **cache;
	uint32_t ncache;
	/* available_filter_functions (ffuncs.c), read on first question */
	struct ffuncs *ff;
	/* vmlinux enumerators (kenums.c), indexed on first question */
	struct kenums *en;
};

struct kbtf *kbtf_open(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct kbtf *kb;

	if (!btf)
		return NULL;
	kb = xcalloc(1, sizeof(*kb));
	kb->vmlinux = btf;
	return kb;
}

void kbtf_close(struct kbtf *kb)
{
	if (!kb)
		return;
	for (int i = 0; i < kb->nmods; i++) {
		btf__free(kb->mods[i].btf);
		free(kb->mods[i].name);
	}
	free(kb->mods);
	btf__free(kb->vmlinux);
	free(kb->cache);
	ffuncs_free(kb->ff);
	kenums_free(kb->en);
	free(kb);
}

static void load_modules(struct kbtf *kb)
{
	DIR *d;
	struct dirent *de;

	if (kb->mods_loaded)
		return;
	kb->mods_loaded = true;
	d = opendir("/sys/kernel/btf");
	if (!d)
		return;
	while ((de = readdir(d)) && kb->nmods < MAX_MODULES) {
		char *path;
		struct btf *b;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		path = xasprintf("/sys/kernel/btf/%s", de->d_name);
		b = btf__parse_split(path, kb->vmlinux);
		free(path);
		if (!b)
			continue;
		kb->mods = xrealloc(kb->mods, (kb->nmods + 1) * sizeof(*kb->mods));
		kb->mods[kb->nmods].name = xstrdup(de->d_name);
		kb->mods[kb->nmods].btf = b;
		kb->nmods++;
	}
	closedir(d);
}

/* One BTF and an id in it: the unit the converter works with. */
struct bref {
	const struct btf *btf;
	int mod; /* -1 = vmlinux */
};

static int64_t global_id(struct bref r, uint32_t id)
{
	return r.mod < 0 ? (int64_t)id : ((int64_t)(r.mod + 1) << 32) | id;
}

static struct bref bref_of(struct kbtf *kb, int64_t gid, uint32_t *id)
{
	int mod = (int)(gid >> 32) - 1;

	*id = (uint32_t)gid;
	if (mod >= 0 && mod < kb->nmods)
		return (struct bref){kb->mods[mod].btf, mod};
	return (struct bref){kb->vmlinux, -1};
}

/* Look through typedef, const, volatile, restrict and type tags. */
static uint32_t skip_mods(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

static const struct type *convert(struct kbtf *kb, struct arena *a, struct bref r, uint32_t id,
				  bool complete);

static void add_members(struct kbtf *kb, struct arena *a, struct bref r, const struct btf_type *t,
			uint32_t base_bits, struct field **fields, uint32_t *n, uint32_t *cap)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(r.btf, m->name_off);
		uint32_t bits = base_bits + btf_member_bit_offset(t, i);
		uint32_t blen = btf_member_bitfield_size(t, i);
		uint32_t tid = skip_mods(r.btf, m->type);
		const struct btf_type *mt = btf__type_by_id(r.btf, tid);
		struct field *f;

		if ((!name || !*name) && mt && (btf_is_struct(mt) || btf_is_union(mt))) {
			add_members(kb, a, r, mt, bits, fields, n, cap);
			continue;
		}
		if (*n == *cap) {
			struct field *nf = arena_alloc(a, (*cap ? 2 * *cap : 8) * sizeof(*nf));

			if (*n)
				memcpy(nf, *fields, *n * sizeof(*nf));
			*fields = nf;
			*cap = *cap ? 2 * *cap : 8;
		}
		f = &(*fields)[(*n)++];
		f->name = arena_strdup(a, name ? name : "");
		f->type = convert(kb, a, r, m->type, false);
		if (blen) {
			uint32_t unit = f->type->size ? f->type->size : 1;
			uint32_t off = bits / (unit * 8) * unit;

			if (bits - off * 8 + blen > unit * 8)
				off = bits / 8; /* straddles its unit (packed): by byte */
			f->offset = off;
			f->bitfield_off = bits - off * 8;
			f->bitfield_len = blen;
		} else {
			f->offset = bits / 8;
		}
	}
}

static struct type *new_type(struct arena *a, enum type_kind kind, uint32_t size, uint32_t align)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	t->kind = kind;
	t->size = size;
	t->align = align ? align : 1;
	return t;
}

static const struct type *convert_record(struct kbtf *kb, struct arena *a, struct bref r,
					 uint32_t id, const struct btf_type *t, bool complete)
{
	const char *name = btf__name_by_offset(r.btf, t->name_off);
	/* (libbpf complains about the alignment of a forward declaration) */
	int align = btf_is_fwd(t) ? 1 : btf__align_of(r.btf, id);
	struct type *rec;
	struct field *fields = NULL;
	uint32_t n = 0, cap = 0;

	if (complete && r.mod < 0 && kb->cache_arena == a && id < kb->ncache && kb->cache[id])
		return kb->cache[id];
	rec = new_type(a, T_RECORD, btf_is_fwd(t) ? 0 : t->size, align > 0 ? align : 1);
	rec->name = arena_printf(a, "%s %s",
				 (btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t))) ? "union"
										      : "struct",
				 name && *name ? name : "<anon>");
	rec->btf_id = global_id(r, id);
	if (!complete || btf_is_fwd(t))
		return rec;
	add_members(kb, a, r, t, 0, &fields, &n, &cap);
	rec->fields = fields;
	rec->count = n;
	if (r.mod < 0) {
		if (kb->cache_arena != a) {
			free(kb->cache);
			kb->ncache = btf__type_cnt(kb->vmlinux);
			kb->cache = xcalloc(kb->ncache, sizeof(*kb->cache));
			kb->cache_arena = a;
		}
		if (id < kb->ncache)
			kb->cache[id] = rec;
	}
	return rec;
}

static const struct type *convert(struct kbtf *kb, struct arena *a, struct bref r, uint32_t id,
				  bool complete)
{
	const struct btf_type *t;
	struct type *nt;

	id = skip_mods(r.btf, id);
	t = btf__type_by_id(r.btf, id);
	if (!t || id == 0)
		return &t_none;
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(t);

		nt = new_type(a, T_INT, t->size, t->size);
		nt->is_signed = enc & BTF_INT_SIGNED;
		nt->name = btf__name_by_offset(r.btf, t->name_off);
		return nt;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		const char *name = btf__name_by_offset(r.btf, t->name_off);

		nt = new_type(a, T_INT, t->size, t->size);
		nt->is_signed = btf_kflag(t);
		nt->name = arena_printf(a, "enum %s", name && *name ? name : "<anon>");
		return nt;
	}
	case BTF_KIND_FLOAT:
		nt = new_type(a, T_INT, t->size, t->size);
		nt->name = btf__name_by_offset(r.btf, t->name_off);
		return nt;
	case BTF_KIND_PTR: {
		uint32_t pid = skip_mods(r.btf, t->type);
		const struct btf_type *pt = btf__type_by_id(r.btf, pid);

		nt = new_type(a, T_PTR, 8, 8);
		if (pid && pt && !btf_is_func_proto(pt))
			nt->elem = convert(kb, a, r, pid, false);
		nt->btf_id = global_id(r, pid);
		return nt;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = btf_array(t);
		const struct type *elem = convert(kb, a, r, arr->type, false);

		nt = new_type(a, T_ARRAY, elem->size * arr->nelems, elem->align);
		nt->elem = elem;
		nt->count = arr->nelems;
		return nt;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
		return convert_record(kb, a, r, id, t, complete);
	default:
		return &t_none;
	}
}

/* Find name in vmlinux, then in the modules; kind 0 = any of struct,
 * union, typedef, int, enum (in that order). */
static bool find_type(struct kbtf *kb, const char *name, int kind, struct bref *r, uint32_t *id)
{
	static const int order[] = {BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_TYPEDEF,
				    BTF_KIND_INT,    BTF_KIND_ENUM,  BTF_KIND_ENUM64};

	for (int pass = 0; pass < 2; pass++) {
		int n = pass ? kb->nmods : 1;

		if (pass)
			load_modules(kb);
		for (int m = 0; m < n; m++) {
			const struct btf *b = pass ? kb->mods[m].btf : kb->vmlinux;

			for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
				int want = kind ? kind : order[k];
				int32_t got = btf__find_by_name_kind(b, name, want);

				if (got > 0 &&
				    (!pass || (uint32_t)got >= btf__type_cnt(kb->vmlinux))) {
					*r = (struct bref){b, pass ? m : -1};
					*id = (uint32_t)got;
					return true;
				}
				if (kind)
					break;
			}
		}
	}
	return false;
}

const struct type *kbtf_type(struct kbtf *kb, struct arena *a, const char *name)
{
	struct bref r;
	uint32_t id;
	int kind = 0;

	if (!kb || !name)
		return NULL;
	while (*name == ' ')
		name++;
	if (!strncmp(name, "struct ", 7)) {
		kind = BTF_KIND_STRUCT;
		name += 7;
	} else if (!strncmp(name, "union ", 6)) {
		kind = BTF_KIND_UNION;
		name += 6;
	} else if (!strncmp(name, "enum ", 5)) {
		kind = BTF_KIND_ENUM;
		name += 5;
	}
	if (!find_type(kb, name, kind, &r, &id)) {
		if (kind == BTF_KIND_ENUM && find_type(kb, name, BTF_KIND_ENUM64, &r, &id))
			return convert(kb, a, r, id, true);
		return NULL;
	}
	return convert(kb, a, r, id, true);
}

const struct type *kbtf_type_by_id(struct kbtf *kb, struct arena *a, int64_t btf_id)
{
	struct bref r;
	uint32_t id;

	if (!kb || btf_id <= 0)
		return NULL;
	r = bref_of(kb, btf_id, &id);
	if (!btf__type_by_id(r.btf, id))
		return NULL;
	return convert(kb, a, r, id, true);
}

/* Index of the module named name in kb->mods, or -1. */
static int module_index(struct kbtf *kb, const char *name)
{
	load_modules(kb);
	for (int m = 0; m < kb->nmods; m++)
		if (!strcmp(kb->mods[m].name, name))
			return m;
	return -1;
}

/* FUNC name among a module's own types (ids from base_cnt on): its split
 * BTF's own lookup answers with vmlinux's entry when vmlinux has the name
 * too. */
static int32_t find_own_func(const struct btf *b, uint32_t base_cnt, const char *name)
{
	uint32_t cnt = btf__type_cnt(b);

	for (uint32_t id = base_cnt; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (btf_is_func(t) && !strcmp(btf__name_by_offset(b, t->name_off), name))
			return (int32_t)id;
	}
	return -ENOENT;
}

/* FUNC func in vmlinux, then in the modules; module (fentry:module:func)
 * narrows the search to "vmlinux" or one module's own part of its split
 * BTF. -ENOENT: no BTF for that module; -ESRCH: no such function. */
static int find_func(struct kbtf *kb, const char *module, const char *func, struct bref *r,
		     uint32_t *proto)
{
	int only = -2; /* -2: any, -1: vmlinux, m: kb->mods[m] */

	if (module && *module) {
		only = strcmp(module, "vmlinux") ? module_index(kb, module) : -1;
		if (only == -1 && strcmp(module, "vmlinux"))
			return -ENOENT;
	}
	for (int pass = 0; pass < 2; pass++) {
		int n = pass ? kb->nmods : 1;

		if (pass)
			load_modules(kb);
		for (int m = 0; m < n; m++) {
			const struct btf *b = pass ? kb->mods[m].btf : kb->vmlinux;
			int mi = pass ? m : -1;
			int32_t id;

			if (only != -2 && only != mi)
				continue;
			id = pass ? find_own_func(b, btf__type_cnt(kb->vmlinux), func)
				  : btf__find_by_name_kind(b, func, BTF_KIND_FUNC);
			if (id > 0) {
				*r = (struct bref){b, mi};
				*proto = btf__type_by_id(b, id)->type;
				return 0;
			}
		}
	}
	return -ESRCH;
}

/* Parameters of a FUNC_PROTO as a record of 8-byte slots; skip the first
 * `skip` parameters (raw tracepoints: the hidden void *__data). */
static const struct type *proto_record(struct kbtf *kb, struct arena *a, struct bref r,
				       uint32_t proto_id, int skip, const struct type **ret)
{
	const struct btf_type *p = btf__type_by_id(r.btf, proto_id);
	const struct btf_param *pa;
	struct type *rec;
	struct field *f;
	int n;

	if (!p || !btf_is_func_proto(p))
		return NULL;
	n = btf_vlen(p);
	pa = btf_params(p);
	/* a trailing void parameter means varargs */
	if (n && !pa[n - 1].type)
		n--;
	n = n > skip ? n - skip : 0;
	rec = new_type(a, T_RECORD, 8 * n, 8);
	rec->name = "args";
	f = arena_alloc(a, (n ? n : 1) * sizeof(*f));
	for (int i = 0; i < n; i++) {
		const char *name = btf__name_by_offset(r.btf, pa[i + skip].name_off);

		f[i].name = name && *name ? arena_strdup(a, name) : arena_printf(a, "arg%d", i);
		f[i].type = convert(kb, a, r, pa[i + skip].type, false);
		f[i].offset = 8 * i;
	}
	rec->fields = f;
	rec->count = n;
	if (ret)
		*ret = p->type ? convert(kb, a, r, p->type, false) : NULL;
	return rec;
}

const struct type *kbtf_func_proto(struct kbtf *kb, struct arena *a, const char *func,
				   const struct type **ret)
{
	return kbtf_mod_func_proto(kb, a, NULL, func, ret);
}

const struct type *kbtf_mod_func_proto(struct kbtf *kb, struct arena *a, const char *module,
				       const char *func, const struct type **ret)
{
	struct bref r;
	uint32_t proto;

	if (ret)
		*ret = NULL;
	if (!kb || find_func(kb, module, func, &r, &proto))
		return NULL;
	return proto_record(kb, a, r, proto, 0, ret);
}

int kbtf_func_module(struct kbtf *kb, const char *module, const char *func, const char **found)
{
	struct bref r;
	uint32_t proto;
	int err;

	if (!kb)
		return -ENOENT;
	err = find_func(kb, module, func, &r, &proto);
	if (!err && found)
		*found = r.mod < 0 ? "vmlinux" : kb->mods[r.mod].name;
	return err;
}

/* btf_trace_<tp> is a typedef of a pointer to the raw tracepoint's proto;
 * the FUNC __bpf_trace_<tp> has the same parameters with their names. */
static bool find_raw_tp(struct kbtf *kb, const char *tp, struct bref *r, uint32_t *proto)
{
	char *name = xasprintf("__bpf_trace_%s", tp);
	bool ok = !find_func(kb, NULL, name, r, proto);

	free(name);
	if (ok)
		return true;
	name = xasprintf("btf_trace_%s", tp);

	for (int pass = 0; pass < 2 && !ok; pass++) {
		int n = pass ? kb->nmods : 1;

		if (pass)
			load_modules(kb);
		for (int m = 0; m < n && !ok; m++) {
			const struct btf *b = pass ? kb->mods[m].btf : kb->vmlinux;
			int32_t id = btf__find_by_name_kind(b, name, BTF_KIND_TYPEDEF);
			const struct btf_type *t;

			if (id <= 0)
				continue;
			t = btf__type_by_id(b, btf__type_by_id(b, id)->type);
			if (!t || !btf_is_ptr(t))
				continue;
			*r = (struct bref){b, pass ? m : -1};
			*proto = t->type;
			ok = true;
		}
	}
	free(name);
	return ok;
}

const struct type *kbtf_raw_tp_proto(struct kbtf *kb, struct arena *a, const char *tp)
{
	struct bref r;
	uint32_t proto;

	if (!kb || !find_raw_tp(kb, tp, &r, &proto))
		return NULL;
	return proto_record(kb, a, r, proto, 1, NULL);
}

/* Push names (pointers into BTF, valid while kb is open) of every FUNC, or
 * of every raw tracepoint (btf_trace_ prefix removed), sorted, unique. */
static void list_names(struct kbtf *kb, bool raw_tps, struct vec *out)
{
	size_t first = out->len;
	int nb;

	load_modules(kb);
	nb = 1 + kb->nmods;
	for (int m = 0; m < nb; m++) {
		const struct btf *b = m ? kb->mods[m - 1].btf : kb->vmlinux;
		uint32_t start = m ? btf__type_cnt(kb->vmlinux) : 1, cnt = btf__type_cnt(b);

		for (uint32_t id = start; id < cnt; id++) {
			const struct btf_type *t = btf__type_by_id(b, id);
			const char *name;

			if (raw_tps ? !btf_is_typedef(t) : !btf_is_func(t))
				continue;
			name = btf__name_by_offset(b, t->name_off);
			if (raw_tps) {
				if (strncmp(name, "btf_trace_", 10))
					continue;
				name += 10;
			}
			vec_push(out, (void *)name);
		}
	}
	vec_sort_unique(out, first, false);
}

void kbtf_list_funcs(struct kbtf *kb, struct vec *out)
{
	if (kb)
		list_names(kb, false, out);
}

void kbtf_list_funcs_mod(struct kbtf *kb, int max_args, struct vec *out)
{
	size_t first = out->len;

	if (!kb)
		return;
	load_modules(kb);
	for (int m = 0; m <= kb->nmods; m++) {
		const struct btf *b = m ? kb->mods[m - 1].btf : kb->vmlinux;
		const char *mod = m ? kb->mods[m - 1].name : "vmlinux";
		uint32_t start = m ? btf__type_cnt(kb->vmlinux) : 1, cnt = btf__type_cnt(b);

		for (uint32_t id = start; id < cnt; id++) {
			const struct btf_type *t = btf__type_by_id(b, id), *p;

			if (!btf_is_func(t))
				continue;
			p = btf__type_by_id(b, t->type);
			if (max_args && (!p || !btf_is_func_proto(p) || btf_vlen(p) > max_args))
				continue;
			vec_push(out, xasprintf("%s:%s", mod, btf__name_by_offset(b, t->name_off)));
		}
	}
	/* a static function may have several FUNC entries: list it once */
	vec_sort_unique(out, first, true);
}

void kbtf_list_raw_tps(struct kbtf *kb, struct vec *out)
{
	if (kb)
		list_names(kb, true, out);
}

struct btf *kbtf_vmlinux(const struct kbtf *kb)
{
	return kb->vmlinux;
}

bool kbtf_has_struct(struct kbtf *kb, const char *name)
{
	return kb && btf__find_by_name_kind(kb->vmlinux, name, BTF_KIND_STRUCT) > 0;
}

int kbtf_traceable(struct kbtf *kb, const char *func)
{
	if (!kb)
		return -ENOENT;
	if (!kb->ff)
		kb->ff = ffuncs_load();
	return ffuncs_has(kb->ff, func);
}

int kbtf_traceable_funcs(struct kbtf *kb, struct vec *out)
{
	if (!kb)
		return -ENOENT;
	if (!kb->ff)
		kb->ff = ffuncs_load();
	return ffuncs_list(kb->ff, out);
}

int kbtf_traceable_funcs_mod(struct kbtf *kb, const char *mglob, struct vec *out)
{
	if (!kb)
		return -ENOENT;
	if (!kb->ff)
		kb->ff = ffuncs_load();
	return ffuncs_list_mod(kb->ff, mglob, out);
}

/* C text of a type for -lv: "struct file *", "const char *", "size_t". */
static void cstr(const struct btf *b, uint32_t id, struct strbuf *sb)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	const char *name;

	if (!id || !t) {
		sb_puts(sb, "void");
		return;
	}
	name = btf__name_by_offset(b, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		cstr(b, t->type, sb);
		sb_puts(sb, " *");
		return;
	case BTF_KIND_CONST:
		sb_puts(sb, "const ");
		cstr(b, t->type, sb);
		return;
	case BTF_KIND_VOLATILE:
		sb_puts(sb, "volatile ");
		cstr(b, t->type, sb);
		return;
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		cstr(b, t->type, sb);
		return;
	case BTF_KIND_STRUCT:
		sb_printf(sb, "struct %s", name);
		return;
	case BTF_KIND_UNION:
		sb_printf(sb, "union %s", name);
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		sb_printf(sb, "enum %s", name);
		return;
	case BTF_KIND_FWD:
		sb_printf(sb, "%s %s", btf_kflag(t) ? "union" : "struct", name);
		return;
	case BTF_KIND_FUNC_PROTO:
		sb_puts(sb, "void (*)(...)");
		return;
	case BTF_KIND_ARRAY:
		cstr(b, btf_array(t)->type, sb);
		sb_printf(sb, "[%u]", btf_array(t)->nelems);
		return;
	default:
		sb_puts(sb, name && *name ? name : "?");
	}
}

/* Argument lines of a function ("func" or "module:func") or raw tracepoint
 * for -lv: "struct file * file".
 * Pushes xmalloc'd strings; the last one is the return value ("ssize_t
 * retval") for functions with one. Returns the count or -ENOENT. */
int kbtf_arg_lines(struct kbtf *kb, const char *name, bool raw_tp, struct vec *out)
{
	struct bref r;
	uint32_t proto;
	const struct btf_type *p;
	const struct btf_param *pa;
	int n, added = 0;

	if (!kb)
		return -ENOENT;
	if (raw_tp) {
		if (!find_raw_tp(kb, name, &r, &proto))
			return -ENOENT;
	} else {
		const char *colon = strchr(name, ':');
		char *mod = colon ? strndup(name, (size_t)(colon - name)) : NULL;
		int err = find_func(kb, mod, colon ? colon + 1 : name, &r, &proto);

		free(mod);
		if (err)
			return -ENOENT;
	}
	p = btf__type_by_id(r.btf, proto);
	if (!p || !btf_is_func_proto(p))
		return -ENOENT;
	pa = btf_params(p);
	n = btf_vlen(p);
	for (int i = raw_tp ? 1 : 0; i < n; i++) {
		struct strbuf sb = {0};
		const char *pn = btf__name_by_offset(r.btf, pa[i].name_off);

		if (!pa[i].type)
			continue;
		cstr(r.btf, pa[i].type, &sb);
		if (pn && *pn)
			sb_printf(&sb, " %s", pn);
		else
			sb_printf(&sb, " arg%d", i - (raw_tp ? 1 : 0));
		vec_push(out, sb_steal(&sb));
		added++;
	}
	if (!raw_tp && p->type) {
		struct strbuf sb = {0};

		cstr(r.btf, p->type, &sb);
		sb_puts(&sb, " retval");
		vec_push(out, sb_steal(&sb));
		added++;
	}
	return added;
}

bool kbtf_enum_value(struct kbtf *kb, const char *name, int64_t *value)
{
	if (!kb || !name)
		return false;
	if (!kb->en)
		kb->en = kenums_build(kb->vmlinux);
	return kenums_value(kb->en, name, value);
}
