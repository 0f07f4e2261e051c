/*
 * kenums.c - the kernel's enumerators by name, for constants a program
 * uses without a header (TCP_ESTABLISHED, SKB_DROP_REASON_*).
 *
 * Every enumerator of every ENUM/ENUM64 in vmlinux BTF, sorted by name,
 * built once per struct kbtf on its first question (btf.c): tens of
 * thousands of entries, so never for a program that names none. Names
 * point into the BTF, which outlives the index.
 */
#include <bpf/btf.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

struct kenum {
	const char *name;
	int64_t value;
};

struct kenums {
	struct kenum *e;
	size_t n;
};

static int cmp_enumerator(const void *a, const void *b)
{
	return strcmp(((const struct kenum *)a)->name, ((const struct kenum *)b)->name);
}

struct kenums *kenums_build(const struct btf *b)
{
	struct kenums *ke = xcalloc(1, sizeof(*ke));
	uint32_t cnt = btf__type_cnt(b);
	size_t cap = 0;

	for (uint32_t id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);
		int n = btf_vlen(t);

		if (!btf_is_any_enum(t))
			continue;
		for (int i = 0; i < n; i++) {
			struct kenum e;

			if (btf_is_enum(t)) {
				const struct btf_enum *en = btf_enum(t) + i;

				e.name = btf__name_by_offset(b, en->name_off);
				/* kflag: signed values; else the u32 bits as unsigned */
				e.value = btf_kflag(t) ? (int64_t)en->val
						       : (int64_t)(uint32_t)en->val;
			} else {
				const struct btf_enum64 *en = btf_enum64(t) + i;

				e.name = btf__name_by_offset(b, en->name_off);
				e.value = (int64_t)btf_enum64_value(en);
			}
			if (!e.name || !*e.name)
				continue;
			if (ke->n == cap) {
				cap = cap ? 2 * cap : 4096;
				ke->e = xrealloc(ke->e, cap * sizeof(*ke->e));
			}
			ke->e[ke->n++] = e;
		}
	}
	if (ke->n)
		qsort(ke->e, ke->n, sizeof(*ke->e), cmp_enumerator);
	return ke;
}

void kenums_free(struct kenums *ke)
{
	if (!ke)
		return;
	free(ke->e);
	free(ke);
}

bool kenums_value(const struct kenums *ke, const char *name, int64_t *value)
{
	struct kenum key = {.name = name}, *e;

	e = ke->n ? bsearch(&key, ke->e, ke->n, sizeof(key), cmp_enumerator) : NULL;
	if (!e)
		return false;
	*value = e->value;
	return true;
}
