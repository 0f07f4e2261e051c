/*
 * gen_field.c - reading data the program does not own: the probe context
 * (tracepoint args, raw tracepoint / fentry argument slots, pt_regs) and
 * kernel or user memory behind pointers (`->` chains, `*p`, `p[i]`).
 *
 * Record-typed subexpressions are never read whole on the way down a
 * chain: gen_addr computes their address (an i64) and only the final field
 * is read, with bpf_probe_read_kernel/user as the pointer's address space
 * says. Tracepoint args are direct ctx loads, which the verifier checks
 * statically and which cost no helper call.
 */
#define CODEGEN_INTERNAL
#include <string.h>

#include "codegen.h"

/* x86-64 struct pt_regs */
static const struct {
	const char *name;
	uint32_t off;
} pt_regs[] = {
	{"r15", 0},     {"r14", 8},  {"r13", 16}, {"r12", 24},      {"bp", 32},  {"bx", 40},
	{"r11", 48},    {"r10", 56}, {"r9", 64},  {"r8", 72},       {"ax", 80},  {"cx", 88},
	{"dx", 96},     {"si", 104}, {"di", 112}, {"orig_ax", 120}, {"ip", 128}, {"cs", 136},
	{"flags", 144}, {"sp", 152}, {"ss", 160},
};
#define STACK_VALUE_MAX 256 /* bytes a single value may take on the stack */

static const uint32_t arg_regs[] = {112, 104, 96, 88, 72, 64}; /* di si dx cx r8 r9 */

static bool regs_kind(enum probe_kind k)
{
	return k == PK_KPROBE || k == PK_KRETPROBE || k == PK_UPROBE || k == PK_URETPROBE ||
	       k == PK_PROFILE || k == PK_INTERVAL || k == PK_SOFTWARE || k == PK_HARDWARE ||
	       k == PK_USDT || k == PK_WATCHPOINT;
}

/* Is ctx a struct pt_regs? Not for a kprobe compiled as fentry/fexit. */
static bool regs_ctx(const struct probe_fn *fn)
{
	return regs_kind(fn->kind) && !fn->as_fentry;
}

LLVMValueRef gen_probe_arg(struct cg *cg, int i)
{
	enum probe_kind k = cg->pfn->kind;

	if (k == PK_USDT)
		return gen_usdt_arg(cg, i);
	/* a kprobe run as fentry: the trampoline saved nargs u64 slots (past
	 * them a kprobe would read a stale register; the verifier allows no
	 * load there) */
	if (cg->pfn->as_fentry && (i < 0 || i >= cg->pfn->nargs))
		return ir_const(cg, 0);
	if (regs_ctx(cg->pfn)) {
		if (i < 0 || (size_t)i >= ARRAY_SIZE(arg_regs))
			return ir_const(cg, 0);
		return ir_ctx_load(cg, arg_regs[i], 8, false);
	}
	/* raw tracepoints, fentry, BEGIN/END: an array of u64 arguments */
	return ir_ctx_load(cg, 8 * (uint32_t)i, 8, false);
}

LLVMValueRef gen_retval(struct cg *cg)
{
	if (cg->pfn->as_fentry) /* fexit: the return value follows the arguments */
		return cg->pfn->ret_void ? ir_const(cg, 0)
					 : ir_ctx_load(cg, 8 * (uint32_t)cg->pfn->nargs, 8, false);
	if (regs_ctx(cg->pfn))
		return ir_ctx_load(cg, 80, 8, false);
	if (cg->pfn->kind == PK_FEXIT && cg->pfn->args)
		return ir_ctx_load(cg, 8 * cg->pfn->args->count, 8, false);
	return ir_const(cg, 0);
}

LLVMValueRef gen_reg(struct cg *cg, const char *name, struct span sp)
{
	for (size_t i = 0; i < ARRAY_SIZE(pt_regs); i++)
		if (!strcmp(pt_regs[i].name, name) && regs_ctx(cg->pfn))
			return ir_ctx_load(cg, pt_regs[i].off, 8, false);
	cg_error(cg, sp, "reg() of this register in this probe");
	return ir_const(cg, 0);
}

static LLVMValueRef ctx_addr(struct cg *cg, uint32_t off)
{
	return ir_to_i64(cg, ir_gep(cg, cg->ctx_arg, off), false);
}

static LLVMValueRef narrow(struct cg *cg, LLVMValueRef v, const struct type *t)
{
	if (t->kind != T_INT || t->size >= 8)
		return v;
	return ir_to_i64(cg, LLVMBuildTrunc(cg->b, v, ir_int_type(cg, t->size), ""), t->is_signed);
}

static LLVMValueRef bitfield(struct cg *cg, LLVMValueRef v, const struct field *f)
{
	if (!f->bitfield_len)
		return v;
	v = LLVMBuildLShr(cg->b, v, ir_const(cg, f->bitfield_off), "");
	if (f->bitfield_len < 64)
		v = LLVMBuildAnd(cg->b, v, ir_const(cg, (1ULL << f->bitfield_len) - 1), "");
	return v;
}

int cg_space(struct cg *cg, const struct type *t)
{
	enum probe_kind k = cg->pfn->kind;

	if (t->kind == T_PTR)
		return t->is_user ? AS_USER : t->any_space ? AS_ANY : AS_KERNEL;
	if (k == PK_UPROBE || k == PK_URETPROBE || k == PK_USDT)
		return AS_USER;
	return AS_ANY;
}

LLVMValueRef gen_read_mem(struct cg *cg, LLVMValueRef addr, const struct type *t, int space)
{
	uint32_t size = t->size ? t->size : 8;
	LLVMValueRef dst, v;

	if (cg_is_scalar(t)) {
		if (size > 8)
			size = 8;
		dst = ir_scratch(cg, 8, "rd");
		ir_store(cg, dst, ir_const(cg, 0), 8);
		cg_check_read(cg, ir_probe_read(cg, dst, ir_const32(cg, size), addr, space), space,
			      false);
		v = ir_load(cg, dst, size, cg_is_signed(t));
		ir_scratch_end(cg, dst, 8);
		return v;
	}
	if (size > STACK_VALUE_MAX) {
		diag_err(cg->d, cg->cur_span,
			 "reading a %u-byte value does not fit on the 512-byte BPF stack", size);
		size = 8;
	}
	dst = ir_alloca_zeroed(cg, size, "rdmem");
	cg_check_read(cg, ir_probe_read(cg, dst, ir_const32(cg, size), addr, space), space, false);
	return dst;
}

static bool is_args(struct node *n)
{
	return n->kind == N_BUILTIN && n->u.builtin.b == B_ARGS;
}

/* args->f on a tracepoint: everything lives in ctx. */
static bool tp_args_field(struct cg *cg, struct node *n)
{
	return n->kind == N_FIELD && is_args(n->u.field.base) && cg->pfn->kind == PK_TRACEPOINT;
}

/* Does gen_addr find this node's value in kernel/user memory (or ctx)? */
static bool is_remote(struct cg *cg, struct node *n)
{
	switch (n->kind) {
	case N_FIELD:
		return tp_args_field(cg, n) || n->u.field.base->type->kind == T_PTR ||
		       is_remote(cg, n->u.field.base);
	case N_UNOP:
		return n->u.unop.op == OP_DEREF;
	case N_CAST:
		return n->u.cast.operand->type->kind == T_PTR;
	case N_INDEX:
		return n->u.index.base->type->kind == T_PTR || is_remote(cg, n->u.index.base);
	default:
		return false;
	}
}

/* Address (i64) of a record/array-valued node in kernel or user memory,
 * or NULL when the value lives on the BPF stack. */
static LLVMValueRef gen_addr(struct cg *cg, struct node *n, int *user)
{
	struct node *b;
	LLVMValueRef a;

	*user = AS_KERNEL;
	switch (n->kind) {
	case N_FIELD:
		b = n->u.field.base;
		if (tp_args_field(cg, n))
			return ctx_addr(cg, n->u.field.fld->offset);
		if (b->type->kind == T_PTR) {
			*user = cg_space(cg, b->type);
			a = gen_expr(cg, b);
		} else {
			a = gen_addr(cg, b, user);
			if (!a)
				return NULL;
		}
		return LLVMBuildAdd(cg->b, a, ir_const(cg, n->u.field.fld->offset), "");
	case N_UNOP:
		if (n->u.unop.op != OP_DEREF)
			return NULL;
		*user = cg_space(cg, n->u.unop.operand->type);
		return gen_expr(cg, n->u.unop.operand);
	case N_CAST:
		if (n->u.cast.operand->type->kind == T_PTR) {
			*user = cg_space(cg, n->u.cast.operand->type);
			return gen_expr(cg, n->u.cast.operand);
		}
		return NULL;
	case N_INDEX: {
		const struct type *bt = n->u.index.base->type;
		LLVMValueRef base, idx;

		if (bt->kind == T_PTR) {
			*user = cg_space(cg, bt);
			base = gen_expr(cg, n->u.index.base);
		} else {
			base = gen_addr(cg, n->u.index.base, user);
			if (!base)
				return NULL;
		}
		idx = gen_expr(cg, n->u.index.index);
		return LLVMBuildAdd(cg->b, base,
				    LLVMBuildMul(cg->b, idx, ir_const(cg, n->type->size), ""), "");
	}
	default:
		return NULL;
	}
}

static LLVMValueRef tp_field(struct cg *cg, struct node *n)
{
	const struct field *f = n->u.field.fld;
	LLVMValueRef v;

	if (n->u.field.data_loc) {
		v = ir_ctx_load(cg, f->offset, 4, false);
		v = LLVMBuildAnd(cg->b, v, ir_const(cg, 0xffff), "");
		return LLVMBuildAdd(cg->b, ctx_addr(cg, 0), v, "");
	}
	if (cg_is_scalar(n->type) && f->type->size <= 8 && f->type->size &&
	    (f->type->size & (f->type->size - 1)) == 0) {
		v = ir_ctx_load(cg, f->offset, f->type->size, cg_is_signed(f->type));
		return narrow(cg, bitfield(cg, v, f), n->type);
	}
	return gen_read_mem(cg, ctx_addr(cg, f->offset), n->type, false);
}

/* args->f where args are argument slots (fentry, raw tracepoint) or registers. */
static LLVMValueRef slot_field(struct cg *cg, struct node *n)
{
	const struct type *rec = cg->pfn->args;
	int i = (int)(n->u.field.fld - rec->fields);

	return narrow(cg, gen_probe_arg(cg, i), n->type);
}

LLVMValueRef gen_field(struct cg *cg, struct node *n)
{
	struct node *base = n->u.field.base;
	const struct field *f = n->u.field.fld;
	LLVMValueRef addr, v;
	int user = AS_KERNEL;

	if (!f)
		BT_BUG("field without sema's field");
	if (is_args(base)) {
		if (cg->pfn->kind == PK_TRACEPOINT)
			return tp_field(cg, n);
		if (cg->pfn->args && f >= cg->pfn->args->fields &&
		    f < cg->pfn->args->fields + cg->pfn->args->count)
			return slot_field(cg, n);
	}
	if (base->type->kind == T_TUPLE || (base->type->kind == T_RECORD && !is_remote(cg, base))) {
		/* a record held on the stack (variable, map value) */
		LLVMValueRef p = ir_gep(cg, gen_expr(cg, base), f->offset);

		if (!cg_is_scalar(n->type))
			return p;
		v = ir_load(cg, p, f->type->size > 8 ? 8 : f->type->size, cg_is_signed(f->type));
		return narrow(cg, bitfield(cg, v, f), n->type);
	}
	addr = gen_addr(cg, n, &user);
	v = gen_read_mem(cg, addr, f->bitfield_len ? f->type : n->type, user);
	if (cg_is_scalar(n->type))
		v = narrow(cg, bitfield(cg, v, f), n->type);
	return v;
}

LLVMValueRef gen_index(struct cg *cg, struct node *n)
{
	struct node *base = n->u.index.base;
	struct node *idx = n->u.index.index;
	LLVMValueRef addr;
	int user = AS_KERNEL;

	/* args->array[const] on a tracepoint: a direct ctx load (an array
	 * inside the record; a pointer field like argv is read through) */
	if (tp_args_field(cg, base) && base->type->kind == T_ARRAY && idx->kind == N_INT &&
	    cg_is_scalar(n->type) &&
	    n->type->size <= 8) {
		uint32_t off = base->u.field.fld->offset + (uint32_t)idx->u.ival * n->type->size;

		return ir_ctx_load(cg, off, n->type->size, cg_is_signed(n->type));
	}
	if (base->type->kind != T_PTR && !is_remote(cg, base)) {
		/* an array on the stack: only constant indexes are provably in bounds */
		if (idx->kind != N_INT || idx->u.ival >= base->type->count) {
			cg_error(cg, n->span, "indexing a stack array with a variable index");
			return ir_const(cg, 0);
		}
		LLVMValueRef p = ir_gep(cg, gen_expr(cg, base), idx->u.ival * n->type->size);

		return cg_is_scalar(n->type) ? ir_load(cg, p, n->type->size, cg_is_signed(n->type))
					     : p;
	}
	addr = gen_addr(cg, n, &user);
	return gen_read_mem(cg, addr, n->type, user);
}

LLVMValueRef gen_deref(struct cg *cg, struct node *n)
{
	struct node *o = n->u.unop.operand;
	LLVMValueRef addr = gen_expr(cg, o);

	/* a failed read is reported at the '*', as bpftrace does */
	cg->cur_span.hi = cg->cur_span.lo + 1;
	return gen_read_mem(cg, addr, n->type, cg_space(cg, o->type));
}

LLVMValueRef gen_kernel_addr(struct cg *cg, struct node *n)
{
	int user;

	if (n->type->kind == T_PTR)
		return gen_expr(cg, n);
	return gen_addr(cg, n, &user);
}
