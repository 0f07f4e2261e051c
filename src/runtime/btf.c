/*
 * btf.c - kernel types from BTF, for sema (stub: full version follows).
 */
#include "runtime.h"

struct kbtf *kbtf_open(void)
{
	return NULL;
}

void kbtf_close(struct kbtf *kb)
{
	(void)kb;
}

const struct type *kbtf_type(struct kbtf *kb, struct arena *a, const char *name)
{
	(void)kb, (void)a, (void)name;
	return NULL;
}

const struct type *kbtf_type_by_id(struct kbtf *kb, struct arena *a, int64_t btf_id)
{
	(void)kb, (void)a, (void)btf_id;
	return NULL;
}

const struct type *kbtf_func_proto(struct kbtf *kb, struct arena *a, const char *func,
				   const struct type **ret)
{
	(void)kb, (void)a, (void)func;
	*ret = NULL;
	return NULL;
}
