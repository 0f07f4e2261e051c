/*
 * gen_printf.c - everything that talks to userspace through the ring
 * buffer: printf, system, cat, print, time, join, exit, clear, zero.
 *
 * A record is reserved at its constant size (bt_format.size), its u64
 * header (kind << 32 | index) and arguments are written in place at the
 * offsets of the format's args tuple, then submitted. Nothing is built on
 * the 512-byte stack first, so a printf of several strings costs no stack.
 * When the buffer is full the record is dropped and counted in tt_lost
 * (the runtime prints "Lost N events", as bpftrace does for perf events).
 */
#define CODEGEN_INTERNAL
#include "codegen.h"

struct record {
	LLVMValueRef p;
	LLVMBasicBlockRef done;
};

static struct record record_begin(struct cg *cg, enum event_kind kind, uint64_t index,
				  uint64_t size)
{
	struct record r;
	LLVMBasicBlockRef have = ir_block(cg, "rec");

	r.done = ir_block(cg, "rec.done");
	r.p = ir_ringbuf_reserve(cg, size);
	LLVMBuildCondBr(cg->b, ir_to_bool(cg, r.p), have, r.done);
	ir_set_block(cg, have);
	ir_store(cg, r.p, ir_const(cg, (uint64_t)kind << 32 | index), 8);
	return r;
}

static void record_end(struct cg *cg, struct record *r)
{
	ir_ringbuf_submit(cg, r->p);
	ir_br(cg, r->done);
	ir_set_block(cg, r->done);
}

static const struct bt_format *format_of(struct cg *cg, struct node *n)
{
	int id = n->u.call.fmt_id;

	if (id < 0 || (size_t)id >= cg->prog->nformats)
		BT_BUG("call without a format");
	return &cg->prog->formats[id];
}

/* Write the format's args from the call's arguments (from `first` on). */
static void write_args(struct cg *cg, LLVMValueRef rec, const struct bt_format *f,
		       struct node *first)
{
	uint32_t i = 0;

	if (!f->args)
		return;
	for (struct node *a = first; a && i < f->args->count; a = a->next, i++)
		gen_into(cg, a, ir_gep(cg, rec, 8 + f->args->fields[i].offset),
			 f->args->fields[i].type);
}

/* Under -kk a failed read inside the arguments reports through the ring
 * buffer too; building the record on the stack first keeps that report
 * before the output it belongs to, as bpftrace prints them. */
#define STACK_RECORD_MAX 256

static void printf_via_stack(struct cg *cg, struct node *n, const struct bt_format *f)
{
	LLVMValueRef p = ir_scratch(cg, f->size, "rec");
	struct node *fmt = n->u.call.args.head;

	ir_memset(cg, p, 0, f->size);
	ir_store(cg, p, ir_const(cg, (uint64_t)f->kind << 32 | (uint64_t)n->u.call.fmt_id), 8);
	write_args(cg, p, f, fmt ? fmt->next : NULL);
	ir_ringbuf_output(cg, p, f->size);
	ir_scratch_end(cg, p, f->size);
}

/* printf/system/cat(fmt, args...) */
static LLVMValueRef call_printf(struct cg *cg, struct node *n)
{
	const struct bt_format *f = format_of(cg, n);
	struct node *fmt = n->u.call.args.head;
	struct record r;

	if (cg->opts && cg->opts->helper_check_level >= 2 && f->size <= STACK_RECORD_MAX) {
		printf_via_stack(cg, n, f);
		return ir_const(cg, 0);
	}
	r = record_begin(cg, f->kind, (uint64_t)n->u.call.fmt_id, f->size);
	write_args(cg, r.p, f, fmt ? fmt->next : NULL);
	record_end(cg, &r);
	return ir_const(cg, 0);
}

static LLVMValueRef map_event(struct cg *cg, struct node *n, enum event_kind kind)
{
	struct node *map = n->u.call.args.head;
	struct record r;

	if (!map || map->kind != N_MAP) {
		cg_error(cg, n->span, "this map argument");
		return ir_const(cg, 0);
	}
	r = record_begin(cg, kind, (uint64_t)map->u.map.map_id, kind == EV_PRINT_MAP ? 24 : 8);
	if (kind == EV_PRINT_MAP) {
		struct node *top = map->next, *div = top ? top->next : NULL;

		ir_store(cg, ir_gep(cg, r.p, 8), top ? gen_expr(cg, top) : ir_const(cg, 0), 8);
		ir_store(cg, ir_gep(cg, r.p, 16), div ? gen_expr(cg, div) : ir_const(cg, 0), 8);
	}
	record_end(cg, &r);
	return ir_const(cg, 0);
}

static LLVMValueRef call_print(struct cg *cg, struct node *n)
{
	const struct bt_format *f;
	struct record r;

	if (n->u.call.fmt_id < 0)
		return map_event(cg, n, EV_PRINT_MAP);
	f = format_of(cg, n);
	r = record_begin(cg, EV_PRINT_VALUE, (uint64_t)n->u.call.fmt_id, f->size);
	write_args(cg, r.p, f, n->u.call.args.head);
	record_end(cg, &r);
	return ir_const(cg, 0);
}

static LLVMValueRef call_clear(struct cg *cg, struct node *n)
{
	/* a scalar array's slot cannot be deleted: the runtime resets it and
	 * counts it as unset (maps.c), unlike zero() */
	return map_event(cg, n, EV_CLEAR_MAP);
}

static LLVMValueRef call_zero(struct cg *cg, struct node *n)
{
	return map_event(cg, n, EV_ZERO_MAP);
}

static LLVMValueRef call_time(struct cg *cg, struct node *n)
{
	struct record r = record_begin(cg, EV_TIME, (uint64_t)n->u.call.fmt_id, 8);

	record_end(cg, &r);
	return ir_const(cg, 0);
}

/* exit(): tell userspace, then leave the probe (bpftrace 0.17 does). */
static LLVMValueRef call_exit(struct cg *cg, struct node *n)
{
	struct record r = record_begin(cg, EV_EXIT, 0, 8);

	(void)n;
	ir_ringbuf_submit_wakeup(cg, r.p);
	ir_br(cg, r.done);
	ir_set_block(cg, r.done);
	LLVMBuildRet(cg->b, ir_const32(cg, 0));
	ir_set_block(cg, ir_block(cg, "after.exit"));
	return ir_const(cg, 0);
}

/* join(argv[, delim]): up to 16 strings of argv; an empty slot ends it. */
static LLVMValueRef call_join(struct cg *cg, struct node *n)
{
	const struct bt_format *f = format_of(cg, n);
	struct node *argv = n->u.call.args.head;
	uint32_t slot = (f->size - 8) / JOIN_SLOTS;
	int user = argv->type->kind == T_PTR ? cg_space(cg, argv->type) : AS_USER;
	struct record r;
	LLVMValueRef base;

	base = gen_expr(cg, argv);
	r = record_begin(cg, EV_JOIN, (uint64_t)n->u.call.fmt_id, f->size);
	for (uint32_t i = 0; i < JOIN_SLOTS; i++) {
		LLVMValueRef dst = ir_gep(cg, r.p, 8 + i * slot);
		LLVMValueRef addr = LLVMBuildAdd(cg->b, base, ir_const(cg, 8 * i), "");
		LLVMValueRef s = gen_read_mem(cg, addr, &t_u64, user);

		ir_store(cg, dst, ir_const(cg, 0), 1);
		ir_probe_read_str(cg, dst, ir_const32(cg, slot), s, user);
	}
	record_end(cg, &r);
	return ir_const(cg, 0);
}

gen_call_fn gen_event_call(enum func fn)
{
	switch (fn) {
	case F_PRINTF:
	case F_SYSTEM:
	case F_CAT:
		return call_printf;
	case F_PRINT:
		return call_print;
	case F_CLEAR:
		return call_clear;
	case F_ZERO:
		return call_zero;
	case F_TIME:
		return call_time;
	case F_EXIT:
		return call_exit;
	case F_JOIN:
		return call_join;
	default:
		return NULL;
	}
}
