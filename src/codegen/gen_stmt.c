/*
 * gen_stmt.c - statements and control flow: assignment to variables and
 * maps, if/else, while with break/continue, unroll, return, blocks.
 *
 * while loops become ordinary LLVM loops; the kernel verifier (5.3+) accepts
 * them when it can walk every iteration, which is what bpftrace 0.17 relies
 * on too. Code after return/break/continue goes into a fresh block with no
 * predecessor, which -O2 deletes.
 */
#define CODEGEN_INTERNAL
#include "codegen.h"

static void gen_assign(struct cg *cg, struct node *n)
{
	struct node *lhs = n->u.assign.lhs, *rhs = n->u.assign.rhs;
	LLVMValueRef slot;

	if (lhs->kind == N_MAP) {
		gen_map_assign(cg, n);
		return;
	}
	if (lhs->kind != N_VAR) {
		cg_error(cg, n->span, "assigning to this expression");
		return;
	}
	slot = gen_var_slot(cg, lhs);
	if (n->u.assign.compound) {
		bool sgn = cg_is_signed(lhs->type) && cg_is_signed(rhs->type);
		LLVMValueRef old = ir_load(cg, slot, 8, sgn);

		LLVMValueRef r = gen_ptr_step(cg, lhs->type, n->u.assign.op, gen_expr(cg, rhs));

		ir_store(cg, slot, gen_arith(cg, n->u.assign.op, old, r, sgn), 8);
		return;
	}
	if (cg_is_scalar(lhs->type)) {
		ir_store(cg, slot, ir_to_i64(cg, gen_expr(cg, rhs), cg_is_signed(rhs->type)), 8);
		return;
	}
	if (rhs->kind == N_VAR && rhs->u.var.var_id == lhs->u.var.var_id)
		return;
	gen_into(cg, rhs, slot, cg->var_types[lhs->u.var.var_id]);
}

static void gen_if(struct cg *cg, struct node *n)
{
	LLVMBasicBlockRef then = ir_block(cg, "if.then"), end = ir_block(cg, "if.end");
	LLVMBasicBlockRef els = n->u.if_.els ? ir_block(cg, "if.else") : end;

	LLVMBuildCondBr(cg->b, gen_cond(cg, n->u.if_.cond), then, els);
	ir_set_block(cg, then);
	gen_stmt(cg, n->u.if_.then);
	ir_br(cg, end);
	if (n->u.if_.els) {
		ir_set_block(cg, els);
		gen_stmt(cg, n->u.if_.els);
		ir_br(cg, end);
	}
	ir_set_block(cg, end);
}

static bool push_loop(struct cg *cg, struct node *n, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont)
{
	if (cg->nloops >= CG_MAX_LOOPS) {
		cg_error(cg, n->span, "loops nested this deep");
		return false;
	}
	cg->loops[cg->nloops].brk = brk;
	cg->loops[cg->nloops].cont = cont;
	cg->nloops++;
	return true;
}

static void gen_while(struct cg *cg, struct node *n)
{
	LLVMBasicBlockRef cond = ir_block(cg, "while.cond"), body = ir_block(cg, "while.body");
	LLVMBasicBlockRef end = ir_block(cg, "while.end");

	ir_br(cg, cond);
	ir_set_block(cg, cond);
	LLVMBuildCondBr(cg->b, gen_cond(cg, n->u.while_.cond), body, end);
	ir_set_block(cg, body);
	if (push_loop(cg, n, end, cond)) {
		gen_stmt(cg, n->u.while_.body);
		cg->nloops--;
	}
	ir_br(cg, cond);
	ir_set_block(cg, end);
}

/* unroll(n): n copies of the body; continue jumps to the next copy. */
static void gen_unroll(struct cg *cg, struct node *n)
{
	uint64_t count = n->u.unroll.count->u.ival;
	LLVMBasicBlockRef end = ir_block(cg, "unroll.end");

	for (uint64_t i = 0; i < count; i++) {
		LLVMBasicBlockRef next = ir_block(cg, "unroll.next");

		if (!push_loop(cg, n, end, next))
			break;
		gen_stmt(cg, n->u.unroll.body);
		cg->nloops--;
		ir_br(cg, next);
		ir_set_block(cg, next);
	}
	ir_br(cg, end);
	ir_set_block(cg, end);
}

static void jump_out(struct cg *cg, struct node *n, bool is_break)
{
	if (!cg->nloops) {
		cg_error(cg, n->span,
			 is_break ? "break outside a loop" : "continue outside a loop");
		return;
	}
	ir_br(cg, is_break ? cg->loops[cg->nloops - 1].brk : cg->loops[cg->nloops - 1].cont);
	ir_set_block(cg, ir_block(cg, "dead"));
}

static void gen_return(struct cg *cg, struct node *n)
{
	LLVMValueRef v = ir_const32(cg, 0);

	if (n->u.ret.expr)
		v = LLVMBuildTrunc(cg->b, gen_expr(cg, n->u.ret.expr), cg->i32, "");
	if (!ir_block_terminated(cg))
		LLVMBuildRet(cg->b, v);
	ir_set_block(cg, ir_block(cg, "dead"));
}

void gen_block(struct cg *cg, struct node *block)
{
	node_foreach(&block->u.block.stmts, s)
		gen_stmt(cg, s);
}

void gen_stmt(struct cg *cg, struct node *n)
{
	switch (n->kind) {
	case N_EXPR_STMT:
		gen_expr(cg, n->u.expr_stmt.expr);
		break;
	case N_ASSIGN:
		gen_assign(cg, n);
		break;
	case N_IF:
		gen_if(cg, n);
		break;
	case N_UNROLL:
		gen_unroll(cg, n);
		break;
	case N_WHILE:
		gen_while(cg, n);
		break;
	case N_BREAK:
		jump_out(cg, n, true);
		break;
	case N_CONTINUE:
		jump_out(cg, n, false);
		break;
	case N_RETURN:
		gen_return(cg, n);
		break;
	case N_BLOCK:
		gen_block(cg, n);
		break;
	case N_FOR:
		gen_for(cg, n);
		break;
	default:
		/* anything else sema lets through */
		cg_error(cg, n->span, "this statement");
		break;
	}
}
