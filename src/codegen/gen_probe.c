/*
 * gen_probe.c - one BPF function per probe_fn sema made: the section name
 * that tells libbpf the program type, the variables' stack slots (zeroed
 * up front so the verifier never sees uninitialised stack), the predicate
 * and the body.
 *
 * BEGIN and END are "raw_tp" programs that are never attached: the runtime
 * runs them once with BPF_PROG_TEST_RUN, in tracetop's own process. When
 * there is a BEGIN, every other probe starts with a gate (cg_gate): it
 * returns until the runtime has run BEGIN.
 */
#define CODEGEN_INTERNAL
#include <stdlib.h>

#include "codegen.h"

#include <stdio.h>

const char *gen_section_name(struct cg *cg, const struct probe_fn *fn)
{
	const struct bt_probe *p =
		fn->probe_lo < cg->prog->nprobes ? &cg->prog->probes[fn->probe_lo] : NULL;
	const char *func = p && p->func ? p->func : "";
	const char *target = p && p->target ? p->target : "";
	struct arena *a = &cg->prog->types;

	switch (fn->kind) {
	case PK_BEGIN:
	case PK_END:
		return "raw_tp";
	case PK_TRACEPOINT:
		return arena_printf(a, "tracepoint/%s/%s", target, func);
	case PK_RAWTRACEPOINT:
		return arena_printf(a, "raw_tp/%s", func);
	case PK_KPROBE:
		/* no kprobes here: sema made it fentry (libbpf finds the BTF id) */
		if (fn->as_fentry)
			return arena_printf(a, "fentry/%s", func);
		return arena_printf(a, "kprobe/%s", func);
	case PK_KRETPROBE:
		if (fn->as_fentry)
			return arena_printf(a, "fexit/%s", func);
		return arena_printf(a, "kretprobe/%s", func);
	case PK_FENTRY:
		return arena_printf(a, "fentry/%s", func);
	case PK_FEXIT:
		return arena_printf(a, "fexit/%s", func);
	case PK_UPROBE:
		return "uprobe";
	case PK_URETPROBE:
		return "uretprobe";
	case PK_USDT:
		return "usdt";
	default: /* profile, interval, software, hardware, watchpoint */
		return "perf_event";
	}
}

static void alloc_vars(struct cg *cg, const struct probe_fn *fn)
{
	cg->nvars = fn->nvars;
	cg->vars = xcalloc(fn->nvars ? fn->nvars : 1, sizeof(*cg->vars));
	cg->var_types = xcalloc(fn->nvars ? fn->nvars : 1, sizeof(*cg->var_types));
	for (size_t i = 0; i < fn->nvars; i++) {
		const struct type *t = fn->vars[i].type ? fn->vars[i].type : &t_u64;
		uint32_t size = cg_is_scalar(t) || t->size < 8 ? 8 : t->size;

		cg->var_types[i] = t;
		cg->vars[i] = ir_alloca_zeroed(cg, size, fn->vars[i].name);
	}
}

static bool has_begin(const struct bt_program *prog)
{
	for (size_t i = 0; i < prog->nprobes; i++)
		if (prog->probes[i].kind == PK_BEGIN)
			return true;
	return false;
}

static void gen_body(struct cg *cg, const struct probe_fn *fn)
{
	if (fn->kind != PK_BEGIN && fn->kind != PK_END && has_begin(cg->prog))
		cg_gate(cg);
	alloc_vars(cg, fn);
	if (fn->pred) {
		LLVMBasicBlockRef yes = ir_block(cg, "pred.true");
		LLVMBasicBlockRef no = ir_block(cg, "pred.false");

		LLVMBuildCondBr(cg->b, gen_cond(cg, fn->pred), yes, no);
		ir_set_block(cg, no);
		LLVMBuildRet(cg->b, ir_const32(cg, 0));
		ir_set_block(cg, yes);
	}
	if (fn->body)
		gen_block(cg, fn->body);
	ir_func_end(cg);
	free(cg->vars);
	free(cg->var_types);
	cg->vars = NULL;
	cg->var_types = NULL;
	cg->nvars = 0;
}

static void gen_fn(struct cg *cg, const struct probe_fn *fn)
{
	cg->pfn = fn;
	cg->probe_index = fn->probe_index;
	ir_func_begin(cg, fn->prog_name, gen_section_name(cg, fn));
	gen_body(cg, fn);
	cg->pfn = NULL;
}

/*
 * A wildcard over tracepoints whose functions differ only in the value of
 * `probe` (no args): the body is generated and optimised once, as a static
 * subprogram int body(ctx, probe), and each attached program is a stub that
 * calls it with its own probe index. 360 syscall tracepoints then cost one
 * body through -O2 instead of 360.
 */
static bool shareable(const struct probe_info *info)
{
	if (info->nfns < 4)
		return false;
	for (size_t i = 0; i < info->nfns; i++) {
		const struct probe_fn *f = &info->fns[i];

		if ((f->kind != PK_TRACEPOINT && f->kind != PK_RAWTRACEPOINT) || f->args ||
		    f->kind != info->fns[0].kind)
			return false;
	}
	return true;
}

static void gen_shared(struct cg *cg, const struct probe_info *info)
{
	const struct probe_fn *f0 = &info->fns[0];
	LLVMTypeRef params[] = {cg->ptr, cg->i64};
	LLVMTypeRef fty = LLVMFunctionType(cg->i32, params, 2, false);
	char name[128];
	LLVMValueRef body;

	snprintf(name, sizeof(name), "%s_body", f0->prog_name);
	body = ir_subprogram(cg, name, fty);
	btf_shared_body(cg, body, name);
	vec_push(&cg->used, body); /* keeps its signature (and BTF) through -O2 */

	cg->pfn = f0;
	cg->fn = body;
	cg->ctx_arg = LLVMGetParam(body, 0);
	cg->probe_index_v = LLVMGetParam(body, 1);
	cg->entry = ir_block(cg, "entry");
	if (!cg->alloca_b)
		cg->alloca_b = LLVMCreateBuilderInContext(cg->ctx);
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	ir_set_block(cg, ir_block(cg, "body"));
	cg->nloops = 0;
	gen_body(cg, f0);
	cg->probe_index_v = NULL;

	for (size_t i = 0; i < info->nfns; i++) {
		const struct probe_fn *f = &info->fns[i];
		LLVMValueRef args[2], ret;

		cg->pfn = f;
		ir_func_begin(cg, f->prog_name, gen_section_name(cg, f));
		args[0] = cg->ctx_arg;
		args[1] = ir_const(cg, f->probe_index);
		LLVMSetCurrentDebugLocation2(
			cg->b, LLVMDIBuilderCreateDebugLocation(cg->ctx, 1, 0,
								LLVMGetSubprogram(cg->fn), NULL));
		ret = LLVMBuildCall2(cg->b, fty, body, args, 2, "");
		LLVMSetCurrentDebugLocation2(cg->b, NULL);
		LLVMBuildRet(cg->b, ret);
		ir_func_end(cg);
	}
	cg->pfn = NULL;
}

int gen_probe(struct cg *cg, struct node *probe)
{
	const struct probe_info *info = probe->u.probe.info;

	if (!info)
		BT_BUG("probe without sema's functions");
	if (shareable(info)) {
		gen_shared(cg, info);
		return 0;
	}
	for (size_t i = 0; i < info->nfns; i++)
		if (!info->fns[i].dropped) /* typed only: nothing to attach it to */
			gen_fn(cg, &info->fns[i]);
	return 0;
}
