/*
 * sema_maps.c - map key and value inference.
 *
 * A map's key type comes from its first keyed use and every later use must
 * agree (integers of any width and sign are one key kind, stored as 8
 * bytes; strings grow to the largest size seen). Its value type comes from
 * the first assignment: a plain value (storage form) or an aggregation
 * kind from count()/sum()/...; later assignments must be of the same kind.
 * Reads of a map nobody assigns are "Undefined map" in the final pass;
 * earlier passes only count them so the driver knows to go round again.
 */
#define _GNU_SOURCE
#include "sema.h"

#include <string.h>

struct sema_map *sema_map_get(struct sema *s, struct node *map)
{
	vec_foreach(&s->maps, i) {
		struct sema_map *m = s->maps.items[i];
		if (!strcmp(m->name + 1, map->u.map.name)) {
			map->u.map.map_id = m->id;
			return m;
		}
	}
	BT_BUG("map not collected");
}

static void key_list(struct sema *s, const struct type *key, int nkeys, struct strbuf *sb)
{
	sb_putc(sb, '[');
	for (int i = 0; i < nkeys; i++) {
		const struct type *t = nkeys == 1 ? key : key->fields[i].type;
		if (i)
			sb_puts(sb, ", ");
		if (t->kind == T_INT)
			t = &t_u64; /* bpftrace lists integer keys unsigned */
		sb_puts(sb, sema_tname(s, t));
	}
	sb_putc(sb, ']');
}

/* The merge of two key/value types of one kind, or NULL if they differ.
 * Integers inside a tuple value must agree in size and sign (its layout
 * keeps them as they are, as bpftrace's does); a multi-key list stores
 * every integer as 8 bytes, so any integer goes there. */
static const struct type *merge_types(struct sema *s, const struct type *a, const struct type *b,
				      bool value, bool strict)
{
	if (a->kind != b->kind)
		return NULL;
	switch (a->kind) {
	case T_INT:
		return !strict || type_equal(a, b) ? a : NULL;
	case T_STR:
		return a->size >= b->size ? a : b;
	case T_TUPLE: {
		if (a->count != b->count)
			return NULL;
		const struct type **el = arena_alloc(s->a, sizeof(*el) * (a->count ? a->count : 1));
		bool same = true;
		for (uint32_t i = 0; i < a->count; i++) {
			el[i] = merge_types(s, a->fields[i].type, b->fields[i].type, value, value);
			if (!el[i])
				return NULL;
			same &= el[i] == a->fields[i].type;
		}
		if (same)
			return a;
		return value ? stype_tuple_value(s, el, a->count) : stype_tuple(s, el, a->count);
	}
	case T_RECORD:
		return a->name && b->name && !strcmp(a->name, b->name) ? a : NULL;
	case T_KSTACK:
	case T_USTACK:
		return a->stack_mode == b->stack_mode && a->stack_limit == b->stack_limit ? a
											  : NULL;
	case T_BUF:
		return a->count >= b->count ? a : b;
	case T_ARRAY:
		return type_equal(a, b) ? a : NULL;
	case T_PTR:
		return a;
	default:
		return a;
	}
}

const struct type *stype_merge(struct sema *s, const struct type *a, const struct type *b)
{
	return merge_types(s, a, b, true, false);
}

void sema_map_keys(struct sema *s, struct node *map, struct sema_map *m)
{
	int n = (int)map->u.map.keys.len, i = 0;
	const struct type **el = arena_alloc(s->a, sizeof(*el) * (n ? n : 1));
	const char *name = m->name;

	node_foreach(&map->u.map.keys, k) {
		const struct type *t;
		if (k->kind == N_CALL)
			t = k->type = sema_call(s, k, NULL, true);
		else
			t = sema_expr(s, k);
		if (t->kind == T_TUPLE)
			sema_err(s, map->span,
				 "tuple cannot be used as a map key. Try a multi-key associative "
				 "array instead (eg `@map[$1, $2] = ...)`.");
		else if (t->kind == T_CTX || (k->kind == N_BUILTIN && k->u.builtin.b == B_ARGS))
			sema_err(s, map->span, "context cannot be used as a map key");
		else if (type_is_map_value_kind(t))
			sema_err(s, k->span, "Invalid expression for assignment: %s",
				 sema_tname(s, t));
		el[i++] = stype_storage(s, t);
	}
	for (int j = 0; j < n; j++)
		if (el[j]->kind == T_NONE)
			return; /* reported where it was typed */
	const struct type *key = n == 0 ? NULL : n == 1 ? el[0] : stype_tuple(s, el, (uint32_t)n);
	if (!m->key_known) {
		m->key_known = true;
		m->nkeys = n;
		m->key = key;
		return;
	}
	const struct type *mg = NULL;
	if (m->nkeys == n && (n == 0 || (mg = merge_types(s, m->key, key, false, false)))) {
		if (n)
			m->key = mg;
		return;
	}
	struct strbuf a = {0}, b = {0};
	key_list(s, key, n, &a);
	key_list(s, m->key, m->nkeys, &b);
	sema_err(s, map->span,
		 "Argument mismatch for %s: trying to access with arguments: %s when map expects "
		 "arguments: %s",
		 name, a.buf, b.buf);
	sb_free(&a);
	sb_free(&b);
}

static const struct type *value_of(struct sema *s, struct node *map, struct sema_map *m)
{
	if (!m->value) {
		if (s->final)
			sema_err(s, map->span, "Undefined map: %s", m->name);
		else
			s->unresolved++;
		return &t_none;
	}
	return m->value;
}

const struct type *sema_map_read(struct sema *s, struct node *map)
{
	struct sema_map *m = sema_map_get(s, map);

	if (map->u.map.keys.len || m->nkeys > 0)
		sema_map_keys(s, map, m);
	return map->type = value_of(s, map, m);
}

const struct type *sema_map_value(struct sema *s, struct node *map)
{
	struct sema_map *m = sema_map_get(s, map);
	return map->type = value_of(s, map, m);
}

static void mismatch(struct sema *s, struct span sp, struct sema_map *m, const struct type *t)
{
	sema_err(s, sp,
		 "Type mismatch for %s: trying to assign value of type '%s' when map already "
		 "contains a value of type '%s'",
		 m->name, sema_tname(s, t), sema_tname(s, m->value));
}

void sema_map_assign(struct sema *s, struct node *map, const struct type *vt, struct span sp)
{
	struct sema_map *m = sema_map_get(s, map);

	vt = stype_storage(s, vt);
	if (vt->kind == T_CTX || (vt->kind == T_PTR && vt->elem && vt->elem->kind == T_CTX)) {
		sema_err(s, sp, "context cannot be assigned to a map");
		return;
	}
	if (!m->value) {
		m->value = vt;
		m->agg = AGG_NONE;
		return;
	}
	if (m->agg != AGG_NONE) {
		mismatch(s, sp, m, vt);
		return;
	}
	const struct type *mg = stype_merge(s, m->value, vt);
	if (!mg) {
		if (m->value->kind == T_TUPLE && vt->kind == T_TUPLE)
			sema_err(s, sp, "Tuple type mismatch: %s != %s.", sema_tname(s, m->value),
				 sema_tname(s, vt));
		else
			mismatch(s, sp, m, vt);
		return;
	}
	m->value = mg;
}

void sema_map_agg(struct sema *s, struct node *map, enum map_agg agg, const struct type *vt,
		  struct span sp)
{
	struct sema_map *m = sema_map_get(s, map);

	if (!m->value) {
		m->value = vt;
		m->agg = agg;
		return;
	}
	if (m->agg != agg) {
		mismatch(s, sp, m, vt);
		return;
	}
	if (agg == AGG_LHIST && (m->value->lh_min != vt->lh_min || m->value->lh_max != vt->lh_max ||
				 m->value->lh_step != vt->lh_step)) {
		sema_err(s, sp, "Type mismatch for %s: lhist() arguments differ between uses",
			 m->name);
		return;
	}
	if ((agg == AGG_SUM || agg == AGG_MIN || agg == AGG_MAX) && vt->is_signed &&
	    !m->value->is_signed)
		m->value = vt; /* signed wins once any signed value is aggregated */
}

struct meta_walk {
	struct bt_map_meta *meta;
	bool *assigned; /* line is that of the first assignment */
	const char *text;
};

static uint32_t line_of(const char *text, uint32_t pos)
{
	uint32_t line = 1;

	for (uint32_t j = 0; text && j < pos && text[j]; j++)
		line += text[j] == '\n';
	return line;
}

/* The first keyed use of each map names its label keys (builtins only);
 * its first assignment (else its first use) is the line that defines it. */
static void meta_visit(struct sema *s, struct node *n, void *arg)
{
	struct meta_walk *w = arg;

	if (n->kind == N_ASSIGN && n->u.assign.lhs && n->u.assign.lhs->kind == N_MAP) {
		int id = sema_map_get(s, n->u.assign.lhs)->id;
		if (!w->assigned[id]) {
			w->assigned[id] = true;
			w->meta[id].line = line_of(w->text, n->span.lo);
		}
	}
	if (n->kind != N_MAP || !n->u.map.keys.len)
		return;
	struct bt_map_meta *mm = &w->meta[sema_map_get(s, n)->id];
	if (mm->key_names)
		return;
	mm->nkeys = (uint32_t)n->u.map.keys.len;
	mm->key_names = arena_alloc(s->a, sizeof(*mm->key_names) * mm->nkeys);
	uint32_t i = 0;
	node_foreach(&n->u.map.keys, k)
	{
		if (k->kind == N_BUILTIN && k->u.builtin.name)
			mm->key_names[i] = arena_printf(s->a, "%s", k->u.builtin.name);
		i++;
	}
}

/* prog->map_meta: each map's defining line and its key names, for metrics. */
static void maps_meta(struct sema *s)
{
	struct meta_walk w = {
		.meta = arena_alloc(s->a, sizeof(*w.meta) * (s->maps.len + 1)),
		.assigned = arena_alloc(s->a, sizeof(*w.assigned) * (s->maps.len + 1)),
		.text = s->d && s->d->src ? s->d->src->text : NULL,
	};

	vec_foreach(&s->maps, i)
	{
		struct sema_map *m = s->maps.items[i];
		w.meta[i].name = m->name;
		w.meta[i].line = line_of(w.text, m->span.lo);
	}
	node_foreach(&s->ast->probes, p)
	{
		sema_walk(s, p->u.probe.pred, meta_visit, &w);
		sema_walk(s, p->u.probe.body, meta_visit, &w);
	}
	if (s->prog)
		s->prog->map_meta = w.meta;
}

void sema_maps_finish(struct sema *s)
{
	vec_foreach(&s->maps, i) {
		struct sema_map *m = s->maps.items[i];
		if (!m->value)
			m->value = &t_s64;
	}
	maps_meta(s);
}
