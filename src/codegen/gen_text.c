/*
 * gen_text.c - builtins on text that stay inside the kernel: debugf()
 * through bpf_trace_printk (tracefs trace_pipe), strcontains() as a bounded
 * substring search.
 */
#define CODEGEN_INTERNAL
#include "codegen.h"

#include <linux/bpf.h>

#define DEBUGF_MAX_ARGS 3 /* bpf_trace_printk's limit */

/* debugf(fmt, ...): the format is copied to the stack (trace_printk takes
 * read-only memory of any kind); integers pass as u64, strings as a
 * pointer to their bytes for %s. */
static LLVMValueRef call_debugf(struct cg *cg, struct node *n)
{
	struct node *fmt = n->u.call.args.head;
	LLVMValueRef args[2 + DEBUGF_MAX_ARGS], buf;
	unsigned na = 2;
	uint32_t size;

	if (!fmt || fmt->kind != N_STR) {
		cg_error(cg, n->span, "debugf() without a literal format");
		return ir_const(cg, 0);
	}
	size = (uint32_t)fmt->u.str.len + 1;
	buf = ir_scratch(cg, size, "debugf.fmt");
	gen_const_bytes(cg, buf, fmt->u.str.s, fmt->u.str.len, size);
	args[0] = buf;
	args[1] = ir_const32(cg, size);
	for (struct node *a = fmt->next; a; a = a->next) {
		LLVMValueRef v;

		if (na == ARRAY_SIZE(args)) {
			diag_err(cg->d, a->span, "debugf() takes at most %d arguments after the format",
				 DEBUGF_MAX_ARGS);
			cg->errors++;
			return ir_const(cg, 0);
		}
		v = gen_expr(cg, a);
		if (!cg_is_scalar(a->type))
			v = LLVMBuildPtrToInt(cg->b, v, cg->i64, "");
		args[na++] = ir_to_i64(cg, v, cg_is_signed(a->type));
	}
	ir_helper(cg, BPF_FUNC_trace_printk, cg->i64, args, na);
	ir_scratch_end(cg, buf, size);
	return ir_const(cg, 0);
}

/* strcontains(h, s): 1 when s occurs in h (an empty s always does). For
 * every start i in h, compare s byte by byte: both loops are bounded by
 * the strings' type sizes. */
static LLVMValueRef call_strcontains(struct cg *cg, struct node *n)
{
	struct node *ha = n->u.call.args.head, *na = ha ? ha->next : NULL;
	LLVMValueRef h, s, res, i, j, hc, sc;
	LLVMBasicBlockRef outer, inner, next_i, step_j, found, done;
	uint32_t hsz, ssz;

	if (!ha || !na) {
		cg_error(cg, n->span, "strcontains() without two strings");
		return ir_const(cg, 0);
	}
	hsz = ha->type->size;
	ssz = na->type->size;
	h = gen_expr(cg, ha);
	s = gen_expr(cg, na);
	res = ir_alloca(cg, 8, "strcontains.res");
	i = ir_alloca(cg, 8, "strcontains.i");
	j = ir_alloca(cg, 8, "strcontains.j");
	ir_store(cg, res, ir_const(cg, 0), 8);
	ir_store(cg, i, ir_const(cg, 0), 8);
	outer = ir_block(cg, "sc.outer");
	inner = ir_block(cg, "sc.inner");
	step_j = ir_block(cg, "sc.stepj");
	next_i = ir_block(cg, "sc.nexti");
	found = ir_block(cg, "sc.found");
	done = ir_block(cg, "sc.done");
	ir_br(cg, outer);

	/* outer: i < hsz; j = 0 */
	ir_set_block(cg, outer);
	{
		LLVMValueRef iv = ir_load(cg, i, 8, false);

		ir_store(cg, j, ir_const(cg, 0), 8);
		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntULT, iv, ir_const(cg, hsz), ""),
				inner, done);
	}
	/* inner: s[j] == 0 -> found; i + j >= hsz or h[i+j] != s[j] -> next i */
	ir_set_block(cg, inner);
	{
		LLVMValueRef iv = ir_load(cg, i, 8, false), jv = ir_load(cg, j, 8, false);
		LLVMValueRef ij = LLVMBuildAdd(cg->b, iv, jv, "");
		LLVMBasicBlockRef chk = ir_block(cg, "sc.chk"), cmp = ir_block(cg, "sc.cmp");

		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntUGE, jv, ir_const(cg, ssz), ""),
				found, chk);
		ir_set_block(cg, chk);
		sc = ir_load(cg, ir_gep_dyn(cg, s, jv), 1, false);
		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, sc, ir_const(cg, 0), ""),
				found, cmp);
		ir_set_block(cg, cmp);
		{
			LLVMBasicBlockRef rd = ir_block(cg, "sc.rd");

			LLVMBuildCondBr(cg->b,
					LLVMBuildICmp(cg->b, LLVMIntUGE, ij, ir_const(cg, hsz), ""),
					done, rd);
			ir_set_block(cg, rd);
			hc = ir_load(cg, ir_gep_dyn(cg, h, ij), 1, false);
			LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, hc, sc, ""), step_j,
					next_i);
		}
	}
	ir_set_block(cg, step_j);
	ir_store(cg, j, LLVMBuildAdd(cg->b, ir_load(cg, j, 8, false), ir_const(cg, 1), ""), 8);
	ir_br(cg, inner);

	/* next i, unless h ended here */
	ir_set_block(cg, next_i);
	{
		LLVMValueRef iv = ir_load(cg, i, 8, false);
		LLVMValueRef c = ir_load(cg, ir_gep_dyn(cg, h, iv), 1, false);

		ir_store(cg, i, LLVMBuildAdd(cg->b, iv, ir_const(cg, 1), ""), 8);
		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, c, ir_const(cg, 0), ""),
				done, outer);
	}
	ir_set_block(cg, found);
	ir_store(cg, res, ir_const(cg, 1), 8);
	ir_br(cg, done);
	ir_set_block(cg, done);
	return ir_load(cg, res, 8, false);
}

gen_call_fn gen_text_call(enum func fn)
{
	switch (fn) {
	case F_DEBUGF:
		return call_debugf;
	case F_STRCONTAINS:
		return call_strcontains;
	default:
		return NULL;
	}
}
