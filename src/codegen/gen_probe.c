/*
 * gen_probe.c - one BPF function per probe_fn sema made: the section name
 * that tells libbpf the program type, the variables' stack slots (zeroed
 * up front so the verifier never sees uninitialised stack), the predicate
 * and the body.
 *
 * BEGIN and END are "raw_tp" programs that are never attached: the runtime
 * runs them once with BPF_PROG_TEST_RUN, in tracetop's own process.
 */
#define CODEGEN_INTERNAL
#include <stdlib.h>

#include "codegen.h"

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
		return arena_printf(a, "kprobe/%s", func);
	case PK_KRETPROBE:
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

static void gen_fn(struct cg *cg, const struct probe_fn *fn)
{
	cg->pfn = fn;
	cg->probe_index = fn->probe_index;
	ir_func_begin(cg, fn->prog_name, gen_section_name(cg, fn));
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
	cg->pfn = NULL;
}

int gen_probe(struct cg *cg, struct node *probe)
{
	const struct probe_info *info = probe->u.probe.info;

	if (!info)
		BT_BUG("probe without sema's functions");
	for (size_t i = 0; i < info->nfns; i++)
		gen_fn(cg, &info->fns[i]);
	return 0;
}
