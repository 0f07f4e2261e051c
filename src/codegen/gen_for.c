/*
 * gen_for.c - for ($kv : @map) { ... } through bpf_for_each_map_elem
 * (kernel 5.13+).
 *
 * The loop body becomes a static BPF function (a subprogram in .text)
 * long cb(map, key, value, ctx) that the helper calls once per entry. The
 * callback has its own stack: it gets fresh, zeroed slots for every
 * variable of the probe, $kv is filled from the key and value pointers, and
 * variables set before the loop read as zero inside it. break returns 1
 * (stop), continue and the end of the body return 0. The probe context is
 * not reachable from the callback (its ctx_arg is a null pointer).
 */
#define CODEGEN_INTERNAL
#include "codegen.h"

#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fn_state {
	LLVMValueRef fn, ctx_arg;
	LLVMBasicBlockRef entry, at;
	LLVMValueRef *vars;
	const struct type **var_types;
	struct cg_loop loops[CG_MAX_LOOPS];
	int nloops;
};

static void state_save(struct cg *cg, struct fn_state *st)
{
	st->fn = cg->fn;
	st->ctx_arg = cg->ctx_arg;
	st->entry = cg->entry;
	st->at = LLVMGetInsertBlock(cg->b);
	st->vars = cg->vars;
	st->var_types = cg->var_types;
	memcpy(st->loops, cg->loops, sizeof(st->loops));
	st->nloops = cg->nloops;
}

static void state_restore(struct cg *cg, const struct fn_state *st)
{
	free(cg->vars);
	free(cg->var_types);
	cg->fn = st->fn;
	cg->ctx_arg = st->ctx_arg;
	cg->entry = st->entry;
	cg->vars = st->vars;
	cg->var_types = st->var_types;
	memcpy(cg->loops, st->loops, sizeof(cg->loops));
	cg->nloops = st->nloops;
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	ir_set_block(cg, st->at);
}

static void callback_vars(struct cg *cg)
{
	const struct probe_fn *fn = cg->pfn;

	cg->vars = xcalloc(cg->nvars ? cg->nvars : 1, sizeof(*cg->vars));
	cg->var_types = xcalloc(cg->nvars ? cg->nvars : 1, sizeof(*cg->var_types));
	for (size_t i = 0; i < cg->nvars; i++) {
		const struct type *t = fn->vars[i].type ? fn->vars[i].type : &t_u64;
		uint32_t size = cg_is_scalar(t) || t->size < 8 ? 8 : t->size;

		cg->var_types[i] = t;
		cg->vars[i] = ir_alloca_zeroed(cg, size, fn->vars[i].name);
	}
}

static LLVMBasicBlockRef ret_block(struct cg *cg, const char *name, uint64_t v)
{
	LLVMBasicBlockRef bb = ir_block(cg, name), at = LLVMGetInsertBlock(cg->b);

	ir_set_block(cg, bb);
	LLVMBuildRet(cg->b, ir_const(cg, v));
	ir_set_block(cg, at);
	return bb;
}

static LLVMValueRef callback_begin(struct cg *cg, struct node *n)
{
	LLVMTypeRef params[] = {cg->ptr, cg->ptr, cg->ptr, cg->ptr};
	LLVMTypeRef fty = LLVMFunctionType(cg->i64, params, 4, false);
	char name[48];
	LLVMValueRef fn;

	for (unsigned i = 0;; i++) {
		snprintf(name, sizeof(name), "tt_for_%u_%u", n->span.lo, i);
		if (!LLVMGetNamedFunction(cg->mod, name))
			break;
	}
	fn = ir_subprogram(cg, name, fty);
	btf_callback(cg, fn, name);
	cg->fn = fn;
	cg->ctx_arg = LLVMConstNull(cg->ptr);
	cg->entry = ir_block(cg, "entry");
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	ir_set_block(cg, ir_block(cg, "body"));
	cg->nloops = 0;
	return fn;
}

void gen_for(struct cg *cg, struct node *n)
{
	struct node *var = n->u.for_.var, *map = n->u.for_.map;
	const struct type *kv = var->type;
	const struct bt_map *m;
	struct fn_state st;
	LLVMValueRef fn, slot, args[4];
	LLVMBasicBlockRef body;
	uint32_t ksz, vsz;

	if (map->kind != N_MAP || map->u.map.map_id < 0 ||
	    (size_t)map->u.map.map_id >= cg->prog->nmaps || !kv || kv->kind != T_TUPLE ||
	    kv->count != 2) {
		cg_error(cg, n->span, "this for loop");
		return;
	}
	m = &cg->prog->maps[map->u.map.map_id];
	if (m->is_array || m->percpu) {
		cg_error(cg, map->span, "a for loop over this map");
		return;
	}
	if (cg->nloops >= CG_MAX_LOOPS) {
		cg_error(cg, n->span, "loops nested this deep");
		return;
	}
	state_save(cg, &st);
	fn = callback_begin(cg, n);
	callback_vars(cg);
	slot = gen_var_slot(cg, var);
	ksz = kv->fields[0].type->size < m->key_size ? kv->fields[0].type->size : m->key_size;
	vsz = kv->fields[1].type->size < m->value_size ? kv->fields[1].type->size
							 : m->value_size;
	ir_memcpy(cg, ir_gep(cg, slot, kv->fields[0].offset), LLVMGetParam(fn, 1), ksz);
	ir_memcpy(cg, ir_gep(cg, slot, kv->fields[1].offset), LLVMGetParam(fn, 2), vsz);
	cg->loops[0].brk = ret_block(cg, "for.break", 1);
	cg->loops[0].cont = ret_block(cg, "for.next", 0);
	cg->nloops = 1;
	gen_block(cg, n->u.for_.body);
	if (!ir_block_terminated(cg))
		LLVMBuildRet(cg->b, ir_const(cg, 0));
	body = LLVMGetNextBasicBlock(cg->entry);
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	LLVMBuildBr(cg->alloca_b, body);
	state_restore(cg, &st);

	args[0] = cg_map(cg, map->u.map.map_id);
	args[1] = fn;
	args[2] = LLVMConstNull(cg->ptr);
	args[3] = ir_const(cg, 0);
	ir_helper(cg, BPF_FUNC_for_each_map_elem, cg->i64, args, 4);
}
