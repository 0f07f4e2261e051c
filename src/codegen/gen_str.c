/*
 * gen_str.c - string equality (==, !=, strncmp) as an unrolled,
 * bounded byte comparison the verifier walks without a loop.
 *
 * Two strings are equal when their bytes match up to and including the
 * first NUL, each side bounded by its own size (frontend.h). Against a
 * literal (`comm == "bash"`) the literal's bytes are constants, so the
 * chain stops at the literal's NUL: five compares for "bash", not sixteen.
 */
#define CODEGEN_INTERNAL
#include "codegen.h"

struct side {
	struct node *n;
	LLVMValueRef p; /* bytes, when not a literal */
	uint32_t size;
};

static struct side side_of(struct cg *cg, struct node *n)
{
	struct side s = {.n = n, .size = n->type->size};

	if (n->kind != N_STR)
		s.p = gen_expr(cg, n);
	return s;
}

static bool is_const(const struct side *s)
{
	return s->n->kind == N_STR;
}

static uint8_t const_byte(const struct side *s, uint32_t i)
{
	return i < s->n->u.str.len ? (uint8_t)s->n->u.str.s[i] : 0;
}

static LLVMValueRef byte_at(struct cg *cg, const struct side *s, uint32_t i)
{
	if (is_const(s))
		return ir_const(cg, const_byte(s, i));
	return ir_load(cg, ir_gep(cg, s->p, i), 1, false);
}

LLVMValueRef gen_str_equal(struct cg *cg, struct node *an, struct node *bn, uint32_t limit)
{
	struct side a = side_of(cg, an), b = side_of(cg, bn);
	LLVMBasicBlockRef eq = ir_block(cg, "streq.yes"), ne = ir_block(cg, "streq.no");
	LLVMBasicBlockRef end = ir_block(cg, "streq.end");
	LLVMValueRef vals[2], phi;
	LLVMBasicBlockRef bbs[2];
	uint32_t n = a.size < b.size ? a.size : b.size;

	if (n > limit)
		n = limit;
	/* keep a literal on the b side */
	if (is_const(&a) && !is_const(&b)) {
		struct side t = a;

		a = b;
		b = t;
	}
	for (uint32_t i = 0; i < n; i++) {
		LLVMBasicBlockRef next = ir_block(cg, "streq.next");

		if (is_const(&a)) { /* both literals: decide now */
			if (const_byte(&a, i) != const_byte(&b, i)) {
				ir_br(cg, ne);
			} else if (!const_byte(&a, i)) {
				ir_br(cg, eq);
			} else {
				ir_br(cg, next);
			}
		} else {
			LLVMValueRef ca = byte_at(cg, &a, i), cb = byte_at(cg, &b, i);
			LLVMValueRef diff = LLVMBuildICmp(cg->b, LLVMIntNE, ca, cb, "");

			if (is_const(&b)) {
				/* equal to the literal's byte: a NUL there ends the match */
				LLVMBuildCondBr(cg->b, diff, ne, const_byte(&b, i) ? next : eq);
			} else {
				LLVMBasicBlockRef same = ir_block(cg, "streq.same");

				LLVMBuildCondBr(cg->b, diff, ne, same);
				ir_set_block(cg, same);
				LLVMBuildCondBr(
					cg->b,
					LLVMBuildICmp(cg->b, LLVMIntEQ, ca, ir_const(cg, 0), ""),
					eq, next);
			}
		}
		ir_set_block(cg, next);
		if (is_const(&b) && !const_byte(&b, i))
			break; /* unreachable from here on */
	}
	/* all n bytes matched without a NUL */
	if (n >= limit || a.size == b.size) {
		ir_br(cg, eq);
	} else {
		const struct side *longer = a.size > b.size ? &a : &b;
		LLVMValueRef c = byte_at(cg, longer, n);

		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, c, ir_const(cg, 0), ""), eq,
				ne);
	}
	ir_set_block(cg, eq);
	LLVMBuildBr(cg->b, end);
	ir_set_block(cg, ne);
	LLVMBuildBr(cg->b, end);
	ir_set_block(cg, end);
	phi = LLVMBuildPhi(cg->b, cg->i64, "streq");
	vals[0] = ir_const(cg, 1);
	vals[1] = ir_const(cg, 0);
	bbs[0] = eq;
	bbs[1] = ne;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}
