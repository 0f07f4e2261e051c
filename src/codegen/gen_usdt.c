/*
 * gen_usdt.c - arg0..argN of a usdt probe, lowered at compile time.
 *
 * The function's probe is one USDT site (sema: one bt_probe per site);
 * its note's operand for argument i (usdt_site_arg) becomes a constant, a
 * register of the uprobe's pt_regs narrowed to the operand's size, or a
 * read of user memory at register + index * scale + displacement.
 */
#include <errno.h>
#include <stdio.h>

#define CODEGEN_INTERNAL
#include "codegen.h"

#include "../runtime/runtime.h"

static LLVMValueRef narrow(struct cg *cg, LLVMValueRef v, int size, bool is_signed)
{
	if (size >= 8)
		return v;
	return ir_to_i64(cg, LLVMBuildTrunc(cg->b, v, ir_int_type(cg, (uint32_t)size), ""),
			 is_signed);
}

LLVMValueRef gen_usdt_arg(struct cg *cg, int i)
{
	const struct bt_probe *bp =
		cg->pfn->probe_lo < cg->prog->nprobes ? &cg->prog->probes[cg->pfn->probe_lo] : NULL;
	struct usdt_arg a;
	LLVMValueRef addr, dst, v;
	int nargs = 0, err;
	char msg[256];

	if (!bp || !bp->target)
		return ir_const(cg, 0);
	err = usdt_site_arg(bp->target, bp->address, i, &a, &nargs);
	if (err) {
		if (err == -ENOENT && i >= nargs)
			snprintf(msg, sizeof(msg), "usdt probe %s:%s has %d argument%s: no arg%d",
				 bp->ns ? bp->ns : "", bp->func ? bp->func : "", nargs,
				 nargs == 1 ? "" : "s", i);
		else
			snprintf(msg, sizeof(msg),
				 "arg%d of usdt probe %s:%s: its location in %s is not understood",
				 i, bp->ns ? bp->ns : "", bp->func ? bp->func : "", bp->target);
		diag_err(cg->d, cg->cur_span, "%s", msg);
		cg->errors++;
		return ir_const(cg, 0);
	}
	switch (a.kind) {
	case USDT_ARG_CONST:
		return ir_const(cg, (uint64_t)a.disp);
	case USDT_ARG_REG:
		return narrow(cg, ir_ctx_load(cg, (uint32_t)a.reg, 8, false), a.size, a.is_signed);
	case USDT_ARG_MEM:
		break;
	}
	addr = ir_ctx_load(cg, (uint32_t)a.reg, 8, false);
	if (a.index_reg >= 0)
		addr = LLVMBuildAdd(cg->b, addr,
				    LLVMBuildMul(cg->b,
						 ir_ctx_load(cg, (uint32_t)a.index_reg, 8, false),
						 ir_const(cg, (uint64_t)a.scale), ""),
				    "");
	addr = LLVMBuildAdd(cg->b, addr, ir_const(cg, (uint64_t)a.disp), "usdt_addr");
	dst = ir_scratch(cg, 8, "usdt_arg");
	ir_store(cg, dst, ir_const(cg, 0), 8);
	cg_check_read(cg, ir_probe_read(cg, dst, ir_const32(cg, (uint32_t)a.size), addr, AS_USER),
		      AS_USER, false);
	v = ir_load(cg, dst, (uint32_t)a.size, a.is_signed);
	ir_scratch_end(cg, dst, 8);
	return v;
}

/* The probe site's virtual address in its binary, when the function has
 * exactly one site known before run time (uprobe at a symbol or address,
 * a usdt site); 0 otherwise. */
static uint64_t site_vaddr(struct cg *cg, const struct bt_probe *bp)
{
	uint64_t v = 0;

	if (cg->pfn->probe_hi - cg->pfn->probe_lo != 1)
		return 0;
	if (bp->kind == PK_USDT)
		return bp->address;
	if (bp->kind != PK_UPROBE)
		return 0;
	if (bp->func && *bp->func)
		return elf_sym_vaddr(bp->target, bp->func, &v, NULL) ? 0 : v + bp->offset;
	return bp->address;
}

/* uaddr("sym"): the symbol's address in the probe's binary. In a PIE or a
 * library the load moves it: when the site is known, the address is
 * ip - site + sym (ip is the site in a uprobe handler); otherwise, as
 * bpftrace 0.17, the link-time address. */
LLVMValueRef gen_uaddr(struct cg *cg, struct node *n)
{
	const struct bt_probe *bp =
		cg->pfn->probe_lo < cg->prog->nprobes ? &cg->prog->probes[cg->pfn->probe_lo] : NULL;
	const char *name = n->u.call.args.head ? n->u.call.args.head->u.str.s : "";
	uint64_t v = 0, site;
	bool pie = false;
	char msg[300];

	if (!bp || !bp->target || elf_sym_vaddr(bp->target, name, &v, &pie)) {
		snprintf(msg, sizeof(msg), "Could not resolve symbol: %s:%s",
			 bp && bp->target ? bp->target : "?", name);
		diag_err(cg->d, n->span, "%s", msg);
		cg->errors++;
		return ir_const(cg, 0);
	}
	site = pie ? site_vaddr(cg, bp) : 0;
	if (!site)
		return ir_const(cg, v);
	return LLVMBuildAdd(cg->b, ir_ctx_load(cg, 128, 8, false), ir_const(cg, v - site), "uaddr");
}
