/*
 * gen_expr.c - expressions: the switch over node kinds, arithmetic with
 * bpftrace 0.17's signedness rules, logic, ternaries, tuples, casts, and
 * storing any value into a slot in STORAGE form (frontend.h).
 *
 * A scalar value is an i64; anything else is a pointer to its bytes. Slots
 * (variables, map keys and values, ring buffer records) are filled by
 * gen_into, which lets the producers that can write straight into the
 * destination (str(), comm, string literals) do so instead of going through
 * an intermediate copy on the 512-byte stack.
 */
#define CODEGEN_INTERNAL
#include <string.h>

#include "codegen.h"

bool cg_is_scalar(const struct type *t)
{
	switch (t->kind) {
	case T_INT:
	case T_PTR:
	case T_CTX:
	case T_KSTACK:
	case T_KSYM:
	case T_STRERROR:
	case T_PROBE:
	case T_USERNAME:
	case T_COUNT:
	case T_SUM:
	case T_MIN:
	case T_MAX:
	case T_NONE:
		return true;
	default:
		return false;
	}
}

bool cg_is_signed(const struct type *t)
{
	return (t->kind == T_INT || t->kind == T_SUM || t->kind == T_MIN || t->kind == T_MAX) &&
	       t->is_signed;
}

/* Store len bytes of s, zero padded to size, with 8-byte immediates. */
void gen_const_bytes(struct cg *cg, LLVMValueRef dst, const char *s, size_t len, uint32_t size)
{
	uint32_t off = 0;

	while (off < size) {
		uint32_t w = size - off >= 8 ? 8 : size - off >= 4 ? 4 : size - off >= 2 ? 2 : 1;
		uint64_t v = 0;

		for (uint32_t i = 0; i < w; i++)
			if (off + i < len)
				v |= (uint64_t)(uint8_t)s[off + i] << (8 * i);
		ir_store(cg, ir_gep(cg, dst, off), ir_const(cg, v), w);
		off += w;
	}
}

LLVMValueRef gen_var_slot(struct cg *cg, struct node *var)
{
	int id = var->u.var.var_id;

	if (id < 0 || (size_t)id >= cg->nvars || !cg->vars[id])
		BT_BUG("variable without a slot");
	return cg->vars[id];
}

static LLVMValueRef gen_str_lit(struct cg *cg, struct node *n)
{
	LLVMValueRef p = ir_alloca(cg, n->type->size, "str");

	gen_const_bytes(cg, p, n->u.str.s, n->u.str.len, n->type->size);
	return p;
}

LLVMValueRef gen_cond(struct cg *cg, struct node *n)
{
	return ir_to_bool(cg, gen_expr(cg, n));
}

static LLVMValueRef gen_logic(struct cg *cg, struct node *n)
{
	bool is_and = n->u.binop.op == OP_LAND;
	LLVMBasicBlockRef rhs_bb = ir_block(cg, is_and ? "and.rhs" : "or.rhs");
	LLVMBasicBlockRef end = ir_block(cg, "logic.end");
	LLVMValueRef l, r, phi, vals[2];
	LLVMBasicBlockRef bbs[2];

	l = gen_cond(cg, n->u.binop.lhs);
	bbs[0] = LLVMGetInsertBlock(cg->b);
	if (is_and)
		LLVMBuildCondBr(cg->b, l, rhs_bb, end);
	else
		LLVMBuildCondBr(cg->b, l, end, rhs_bb);
	ir_set_block(cg, rhs_bb);
	r = gen_cond(cg, n->u.binop.rhs);
	bbs[1] = LLVMGetInsertBlock(cg->b);
	ir_br(cg, end);
	ir_set_block(cg, end);
	phi = LLVMBuildPhi(cg->b, cg->i1, "");
	vals[0] = LLVMConstInt(cg->i1, is_and ? 0 : 1, false);
	vals[1] = r;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return ir_to_i64(cg, phi, false);
}

static LLVMValueRef cmp(struct cg *cg, enum binop op, LLVMValueRef l, LLVMValueRef r, bool sgn)
{
	LLVMIntPredicate p;

	switch (op) {
	case OP_EQ:
		p = LLVMIntEQ;
		break;
	case OP_NE:
		p = LLVMIntNE;
		break;
	case OP_LT:
		p = sgn ? LLVMIntSLT : LLVMIntULT;
		break;
	case OP_LE:
		p = sgn ? LLVMIntSLE : LLVMIntULE;
		break;
	case OP_GT:
		p = sgn ? LLVMIntSGT : LLVMIntUGT;
		break;
	default:
		p = sgn ? LLVMIntSGE : LLVMIntUGE;
		break;
	}
	return ir_to_i64(cg, LLVMBuildICmp(cg->b, p, l, r, ""), false);
}

/* Arithmetic on two i64 values (shared with compound assignment). */
static LLVMValueRef arith(struct cg *cg, enum binop op, LLVMValueRef l, LLVMValueRef r, bool sgn)
{
	switch (op) {
	case OP_ADD:
		return LLVMBuildAdd(cg->b, l, r, "");
	case OP_SUB:
		return LLVMBuildSub(cg->b, l, r, "");
	case OP_MUL:
		return LLVMBuildMul(cg->b, l, r, "");
	case OP_DIV:
		return LLVMBuildUDiv(cg->b, l, r, "");
	case OP_MOD:
		return LLVMBuildURem(cg->b, l, r, "");
	case OP_BAND:
		return LLVMBuildAnd(cg->b, l, r, "");
	case OP_BOR:
		return LLVMBuildOr(cg->b, l, r, "");
	case OP_BXOR:
		return LLVMBuildXor(cg->b, l, r, "");
	case OP_SHL:
		return LLVMBuildShl(cg->b, l, r, "");
	case OP_SHR:
		return LLVMBuildLShr(cg->b, l, r, "");
	default:
		return cmp(cg, op, l, r, sgn);
	}
}

LLVMValueRef gen_arith(struct cg *cg, enum binop op, LLVMValueRef l, LLVMValueRef r, bool sgn)
{
	return arith(cg, op, l, r, sgn);
}

static uint64_t elem_size(const struct type *t)
{
	if (t->kind == T_PTR && t->elem && t->elem->size)
		return t->elem->size;
	return 1;
}

/* p += n / p -= n on a pointer steps by the element size, as p + n does */
LLVMValueRef gen_ptr_step(struct cg *cg, const struct type *lhs, enum binop op, LLVMValueRef r)
{
	if ((op == OP_ADD || op == OP_SUB) && lhs && lhs->kind == T_PTR && elem_size(lhs) > 1)
		return LLVMBuildMul(cg->b, r, ir_const(cg, elem_size(lhs)), "");
	return r;
}

/* a == b on two arrays of one size: 1 when every byte is equal */
static LLVMValueRef gen_bytes_equal(struct cg *cg, LLVMValueRef a, LLVMValueRef b, uint32_t size)
{
	LLVMValueRef diff = ir_const(cg, 0);
	uint32_t off = 0;

	while (off < size) {
		uint32_t w = size - off >= 8 ? 8 : size - off >= 4 ? 4 : size - off >= 2 ? 2 : 1;
		LLVMValueRef x = ir_load(cg, ir_gep(cg, a, off), w, false);
		LLVMValueRef y = ir_load(cg, ir_gep(cg, b, off), w, false);

		diff = LLVMBuildOr(cg->b, diff, LLVMBuildXor(cg->b, x, y, ""), "");
		off += w;
	}
	return cmp(cg, OP_EQ, diff, ir_const(cg, 0), false);
}

static LLVMValueRef gen_binop(struct cg *cg, struct node *n)
{
	struct node *a = n->u.binop.lhs, *b = n->u.binop.rhs;
	enum binop op = n->u.binop.op;
	LLVMValueRef l, r;
	bool sgn;

	if (op == OP_LAND || op == OP_LOR)
		return gen_logic(cg, n);
	if (a->type->kind == T_STR || b->type->kind == T_STR) {
		LLVMValueRef eq = gen_str_equal(cg, a, b, UINT32_MAX);

		return op == OP_NE ? LLVMBuildXor(cg->b, eq, ir_const(cg, 1), "") : eq;
	}
	l = gen_expr(cg, a);
	r = gen_expr(cg, b);
	if (a->type->kind == T_ARRAY && b->type->kind == T_ARRAY) {
		LLVMValueRef eq = gen_bytes_equal(cg, l, r, a->type->size);

		return op == OP_NE ? LLVMBuildXor(cg->b, eq, ir_const(cg, 1), "") : eq;
	}
	sgn = cg_is_signed(a->type) && cg_is_signed(b->type);
	if ((op == OP_ADD || op == OP_SUB) && a->type->kind == T_PTR && b->type->kind == T_INT &&
	    elem_size(a->type) > 1)
		r = LLVMBuildMul(cg->b, r, ir_const(cg, elem_size(a->type)), "");
	else if (op == OP_ADD && b->type->kind == T_PTR && a->type->kind == T_INT &&
		 elem_size(b->type) > 1)
		l = LLVMBuildMul(cg->b, l, ir_const(cg, elem_size(b->type)), "");
	return arith(cg, op, l, r, sgn);
}

static LLVMValueRef gen_incdec(struct cg *cg, struct node *n)
{
	enum unop op = n->u.unop.op;
	struct node *target = n->u.unop.operand;
	bool post = op == OP_POST_INC || op == OP_POST_DEC;
	enum binop bop = op == OP_PRE_INC || op == OP_POST_INC ? OP_ADD : OP_SUB;
	LLVMValueRef slot, old, new;
	/* a pointer steps by its element's size, as in C */
	LLVMValueRef step = ir_const(cg, target->type ? elem_size(target->type) : 1);

	if (target->kind == N_MAP)
		return gen_map_incdec(cg, target, bop, step, post);
	slot = gen_var_slot(cg, target);
	old = ir_load(cg, slot, 8, false);
	new = arith(cg, bop, old, step, false);
	ir_store(cg, slot, new, 8);
	return post ? old : new;
}

static LLVMValueRef gen_unop(struct cg *cg, struct node *n)
{
	struct node *o = n->u.unop.operand;

	switch (n->u.unop.op) {
	case OP_NEG:
		return LLVMBuildNeg(cg->b, gen_expr(cg, o), "");
	case OP_LNOT:
		return ir_to_i64(cg, LLVMBuildNot(cg->b, gen_cond(cg, o), ""), false);
	case OP_BNOT:
		return LLVMBuildNot(cg->b, gen_expr(cg, o), "");
	case OP_DEREF:
		return gen_deref(cg, n);
	case OP_ADDROF:
		cg_error(cg, n->span, "taking an address");
		return ir_const(cg, 0);
	default:
		return gen_incdec(cg, n);
	}
}

static LLVMValueRef gen_ternary(struct cg *cg, struct node *n)
{
	LLVMBasicBlockRef tb = ir_block(cg, "tern.then"), eb = ir_block(cg, "tern.else");
	LLVMBasicBlockRef end = ir_block(cg, "tern.end");
	LLVMBasicBlockRef bbs[2];
	LLVMValueRef vals[2], phi, res = NULL;
	bool scalar = cg_is_scalar(n->type);

	if (!scalar)
		res = ir_alloca(cg, n->type->size, "tern");
	LLVMBuildCondBr(cg->b, gen_cond(cg, n->u.ternary.cond), tb, eb);
	ir_set_block(cg, tb);
	if (scalar)
		vals[0] = gen_expr(cg, n->u.ternary.then);
	else
		gen_into(cg, n->u.ternary.then, res, n->type);
	bbs[0] = LLVMGetInsertBlock(cg->b);
	ir_br(cg, end);
	ir_set_block(cg, eb);
	if (scalar)
		vals[1] = gen_expr(cg, n->u.ternary.els);
	else
		gen_into(cg, n->u.ternary.els, res, n->type);
	bbs[1] = LLVMGetInsertBlock(cg->b);
	ir_br(cg, end);
	ir_set_block(cg, end);
	if (!scalar)
		return res;
	phi = LLVMBuildPhi(cg->b, cg->i64, "");
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

static LLVMValueRef gen_tuple(struct cg *cg, struct node *n)
{
	const struct type *t = n->type;
	LLVMValueRef p = ir_alloca_zeroed(cg, t->size, "tuple");
	uint32_t i = 0;

	node_foreach(&n->u.tuple.elems, e) {
		if (i >= t->count)
			break;
		gen_into(cg, e, ir_gep(cg, p, t->fields[i].offset), t->fields[i].type);
		i++;
	}
	return p;
}

static LLVMValueRef gen_tuple_get(struct cg *cg, struct node *n)
{
	const struct type *t = n->u.tuple_get.base->type;
	const struct field *f;
	LLVMValueRef base = gen_expr(cg, n->u.tuple_get.base);

	if (t->kind != T_TUPLE || n->u.tuple_get.idx < 0 ||
	    (uint32_t)n->u.tuple_get.idx >= t->count)
		BT_BUG("bad tuple index");
	f = &t->fields[n->u.tuple_get.idx];
	if (cg_is_scalar(f->type))
		return ir_load(cg, ir_gep(cg, base, f->offset), f->type->size,
			       cg_is_signed(f->type));
	return ir_gep(cg, base, f->offset);
}

static LLVMValueRef gen_cast(struct cg *cg, struct node *n)
{
	const struct type *to = n->type;
	LLVMValueRef v = gen_expr(cg, n->u.cast.operand);

	if (!cg_is_scalar(n->u.cast.operand->type))
		return v;
	if (to->kind == T_INT && to->size < 8) {
		LLVMValueRef x = LLVMBuildTrunc(cg->b, v, ir_int_type(cg, to->size), "");

		return ir_to_i64(cg, x, to->is_signed);
	}
	return v;
}

static LLVMValueRef gen_expr_kind(struct cg *cg, struct node *n)
{
	switch (n->kind) {
	case N_INT:
		return ir_const(cg, n->u.ival);
	case N_STR:
		return gen_str_lit(cg, n);
	case N_BUILTIN:
		return gen_builtin(cg, n);
	case N_CALL:
		return gen_call(cg, n);
	case N_MAP:
		return gen_map_read(cg, n);
	case N_VAR: {
		LLVMValueRef slot = gen_var_slot(cg, n);

		if (cg_is_scalar(n->type))
			return ir_load(cg, slot, 8, false);
		return slot;
	}
	case N_BINOP:
		return gen_binop(cg, n);
	case N_UNOP:
		return gen_unop(cg, n);
	case N_TERNARY:
		return gen_ternary(cg, n);
	case N_FIELD:
		return gen_field(cg, n);
	case N_INDEX:
		return gen_index(cg, n);
	case N_TUPLE:
		return gen_tuple(cg, n);
	case N_TUPLE_GET:
		return gen_tuple_get(cg, n);
	case N_CAST:
		return gen_cast(cg, n);
	default:
		cg_error(cg, n->span, "this expression");
		return ir_const(cg, 0);
	}
}

LLVMValueRef gen_expr(struct cg *cg, struct node *n)
{
	struct span outer = cg->cur_span;
	LLVMValueRef v;

	cg->cur_span = n->span;
	v = gen_expr_kind(cg, n);
	cg->cur_span = outer;
	return v;
}

/* Copy a memory value of vt into a slot, zeroing the slot's tail. */
static void copy_bytes(struct cg *cg, LLVMValueRef src, uint32_t have, LLVMValueRef dst,
		       uint32_t size)
{
	uint32_t n = have < size ? have : size;

	ir_memcpy(cg, dst, src, n);
	if (n < size)
		ir_memset(cg, ir_gep(cg, dst, n), 0, size - n);
}

/* Two tuples of one shape whose element layouts differ (strings of other
 * sizes, another tuple inside): convert element by element. */
static bool tuple_relayout(const struct type *vt, const struct type *slot)
{
	if (vt->kind != T_TUPLE || slot->kind != T_TUPLE || vt->count != slot->count)
		return false;
	for (uint32_t i = 0; i < vt->count; i++)
		if (vt->fields[i].offset != slot->fields[i].offset ||
		    vt->fields[i].type->size != slot->fields[i].type->size)
			return true;
	return false;
}

void gen_store_value(struct cg *cg, LLVMValueRef v, const struct type *vt, LLVMValueRef dst,
		     const struct type *slot)
{
	if (tuple_relayout(vt, slot)) {
		for (uint32_t i = 0; i < vt->count; i++) {
			const struct field *f = &vt->fields[i], *g = &slot->fields[i];
			LLVMValueRef e = ir_gep(cg, v, f->offset);

			if (cg_is_scalar(f->type))
				e = ir_load(cg, e, f->type->size ? f->type->size : 8,
					    cg_is_signed(f->type));
			gen_store_value(cg, e, f->type, ir_gep(cg, dst, g->offset), g->type);
		}
		return;
	}
	/* an integer value too: an avg or stats map read in a probe is its
	 * average */
	if (cg_is_scalar(vt) || LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMIntegerTypeKind) {
		if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMPointerTypeKind)
			v = ir_to_i64(cg, v, false);
		ir_store(cg, dst, v, slot->size >= 8 || !slot->size ? 8 : slot->size);
		return;
	}
	copy_bytes(cg, v, vt->size, dst, slot->size);
}

/* Producers that can write into the slot directly. */
static bool gen_into_direct(struct cg *cg, struct node *n, LLVMValueRef dst,
			    const struct type *slot)
{
	if (slot->kind != T_STR)
		return false;
	if (n->kind == N_STR) {
		gen_const_bytes(cg, dst, n->u.str.s, n->u.str.len,
				slot->size < n->type->size ? slot->size : n->type->size);
		if (n->type->size < slot->size)
			ir_memset(cg, ir_gep(cg, dst, n->type->size), 0,
				  slot->size - n->type->size);
		return true;
	}
	if (n->kind == N_CALL && n->u.call.fn == F_STR && gen_str_into(cg, n, dst, slot->size))
		return true;
	if (n->kind == N_BUILTIN && n->u.builtin.b == B_COMM && slot->size >= 16) {
		ir_get_comm(cg, dst, 16);
		if (slot->size > 16)
			ir_memset(cg, ir_gep(cg, dst, 16), 0, slot->size - 16);
		return true;
	}
	return false;
}

void gen_into(struct cg *cg, struct node *n, LLVMValueRef dst, const struct type *slot)
{
	struct span outer = cg->cur_span;
	bool done;

	cg->cur_span = n->span;
	done = gen_into_direct(cg, n, dst, slot);
	cg->cur_span = outer;
	if (!done)
		gen_store_value(cg, gen_expr(cg, n), n->type, dst, slot);
}
