/*
 * gen_maps.c - map keys, reads, assignments and the aggregations
 * (count/sum/min/max/avg/stats/hist/lhist), plus delete().
 *
 * The aggregations are the hot path of most one-liners, so they do what a
 * hand-written program does: build the key once, look up this CPU's slot
 * of the per-CPU map and update it in place; only when the key is absent
 * does the program pay for a map update. A per-CPU slot is written by one
 * CPU only, so plain loads and stores suffice (no lock prefix). Value
 * layouts are bt.h's: {s64 value, u64 set} for min/max and a scalar sum,
 * {s64 total, u64 count} for avg/stats, u64 counters per bucket for hist/lhist with the
 * bucket index in the 8 bytes after the user key. With --prometheus a
 * hist/lhist also adds each value to a trailing sum slot of the same user
 * key (bt_map.hist_sum): one more lookup per event, only then.
 */
#define CODEGEN_INTERNAL
#include <linux/bpf.h>

#include "codegen.h"

LLVMValueRef cg_map(struct cg *cg, int map_id)
{
	if (map_id < 0 || (size_t)map_id >= cg->prog->nmaps)
		BT_BUG("bad map id");
	return cg->map_vars[map_id];
}

static const struct bt_map *map_of(struct cg *cg, struct node *map)
{
	return &cg->prog->maps[map->u.map.map_id];
}

static bool has_padding(const struct type *t)
{
	uint32_t sum = 0;

	if (t->kind != T_TUPLE)
		return false;
	for (uint32_t i = 0; i < t->count; i++)
		sum += t->fields[i].type->size;
	return sum != t->size;
}

/* The bucket after a hist key: a string key may leave it unaligned, and
 * the verifier rejects a misaligned 8-byte stack store, so say so. */
static void store_bucket(struct cg *cg, LLVMValueRef k, uint32_t off, LLVMValueRef v)
{
	LLVMValueRef s = LLVMBuildStore(cg->b, ir_to_i64(cg, v, false), ir_gep(cg, k, off));

	LLVMSetAlignment(s, off % 8 ? 1 << __builtin_ctz(off) : 8);
}

/* The BPF key of @m[keys] (plus a bucket for hist/lhist) in a scratch slot. */
static LLVMValueRef map_key(struct cg *cg, struct node *map, LLVMValueRef bucket)
{
	const struct bt_map *m = map_of(cg, map);
	LLVMValueRef k = ir_scratch(cg, m->key_size, "key");
	uint32_t user_size = m->key ? m->key->size : 0;

	if (!m->key) {
		if (!bucket)
			ir_store(cg, k, ir_const(cg, 0), m->is_array ? 4 : 8);
	} else if (map->u.map.keys.len == 1) {
		gen_into(cg, map->u.map.keys.head, k, m->key);
	} else {
		uint32_t i = 0;

		if (has_padding(m->key))
			ir_memset(cg, k, 0, user_size);
		node_foreach(&map->u.map.keys, e) {
			if (i >= m->key->count)
				break;
			gen_into(cg, e, ir_gep(cg, k, m->key->fields[i].offset),
				 m->key->fields[i].type);
			i++;
		}
	}
	if (bucket)
		store_bucket(cg, k, user_size, bucket);
	else if (m->key_size >= user_size + 8 && (m->agg == AGG_HIST || m->agg == AGG_LHIST))
		store_bucket(cg, k, user_size, ir_const(cg, 0)); /* never uninitialised */
	return k;
}

static void key_end(struct cg *cg, struct node *map, LLVMValueRef k)
{
	ir_scratch_end(cg, k, map_of(cg, map)->key_size);
}

/* if (p) { found } else { missing }: returns the two blocks and the join. */
struct branch {
	LLVMBasicBlockRef found, missing, done;
};

static struct branch branch_on(struct cg *cg, LLVMValueRef p)
{
	struct branch br = {
		.found = ir_block(cg, "map.found"),
		.missing = ir_block(cg, "map.missing"),
		.done = ir_block(cg, "map.done"),
	};

	LLVMBuildCondBr(cg->b, ir_to_bool(cg, p), br.found, br.missing);
	ir_set_block(cg, br.found);
	return br;
}

LLVMValueRef gen_map_read(struct cg *cg, struct node *n)
{
	const struct bt_map *m = map_of(cg, n);
	const struct type *vt = m->value;
	LLVMValueRef k = map_key(cg, n, NULL);
	LLVMValueRef p = ir_map_lookup(cg, cg_map(cg, n->u.map.map_id), k);
	LLVMValueRef v = NULL, res = NULL, phi, vals[2];
	LLVMBasicBlockRef bbs[2];
	struct branch br;
	bool scalar = cg_is_scalar(n->type) || m->agg == AGG_AVG || m->agg == AGG_STATS;

	if (!scalar)
		res = ir_alloca_zeroed(cg, m->value_size, "mapval");
	br = branch_on(cg, p);
	if (m->agg == AGG_AVG || m->agg == AGG_STATS) {
		LLVMValueRef cnt = ir_load(cg, ir_gep(cg, p, 8), 8, false);
		LLVMValueRef one = ir_const(cg, 1);

		cnt = LLVMBuildSelect(cg->b,
				      LLVMBuildICmp(cg->b, LLVMIntEQ, cnt, ir_const(cg, 0), ""),
				      one, cnt, "");
		/* BPF (cpu v3) has no signed division: divide the magnitude */
		LLVMValueRef total = ir_load(cg, p, 8, true);
		LLVMValueRef neg = LLVMBuildICmp(cg->b, LLVMIntSLT, total, ir_const(cg, 0), "");
		LLVMValueRef mag = LLVMBuildSelect(cg->b, neg, LLVMBuildNeg(cg->b, total, ""),
						   total, "");
		LLVMValueRef q = LLVMBuildUDiv(cg->b, mag, cnt, "");

		v = LLVMBuildSelect(cg->b, neg, LLVMBuildNeg(cg->b, q, ""), q, "avg");
	} else if (scalar) {
		v = ir_load(cg, p, vt->size && vt->size < 8 ? vt->size : 8, cg_is_signed(vt));
	} else {
		ir_memcpy(cg, res, p, m->value_size);
	}
	bbs[0] = LLVMGetInsertBlock(cg->b);
	ir_br(cg, br.done);
	ir_set_block(cg, br.missing);
	cg_report_missing(cg, n->span);
	bbs[1] = LLVMGetInsertBlock(cg->b);
	ir_br(cg, br.done);
	ir_set_block(cg, br.done);
	if (!scalar) {
		key_end(cg, n, k);
		return res;
	}
	vals[0] = v;
	vals[1] = ir_const(cg, 0);
	phi = LLVMBuildPhi(cg->b, cg->i64, "");
	LLVMAddIncoming(phi, vals, bbs, 2);
	key_end(cg, n, k);
	return phi;
}

static void update_value(struct cg *cg, struct node *map, LLVMValueRef k, LLVMValueRef val)
{
	LLVMValueRef r = ir_map_update(cg, cg_map(cg, map->u.map.map_id), k, val, BPF_ANY);

	cg_check(cg, r, "Failed to map_update_elem", cg->cur_span, 1);
}

/* @m[k] op= rhs / @m[k]++ on a plain map: in place when present. */
LLVMValueRef gen_map_incdec(struct cg *cg, struct node *map, enum binop op, LLVMValueRef rhs,
			    bool post)
{
	const struct bt_map *m = map_of(cg, map);
	bool sgn = cg_is_signed(m->value);
	LLVMValueRef k = map_key(cg, map, NULL);
	LLVMValueRef p = ir_map_lookup(cg, cg_map(cg, map->u.map.map_id), k);
	LLVMValueRef old1, new1, new2, val, phi, vals[2];
	LLVMBasicBlockRef bbs[2];
	struct branch br = branch_on(cg, p);

	if (op == OP_ADD || op == OP_SUB) {
		LLVMValueRef d = op == OP_ADD ? rhs : LLVMBuildNeg(cg->b, rhs, "");

		old1 = LLVMBuildAtomicRMW(cg->b, LLVMAtomicRMWBinOpAdd, p, d,
					  LLVMAtomicOrderingMonotonic, false);
		LLVMSetAlignment(old1, 8);
		new1 = LLVMBuildAdd(cg->b, old1, d, "");
	} else {
		old1 = ir_load(cg, p, 8, sgn);
		new1 = gen_arith(cg, op, old1, rhs, sgn);
		ir_store(cg, p, new1, 8);
	}
	bbs[0] = LLVMGetInsertBlock(cg->b);
	ir_br(cg, br.done);
	ir_set_block(cg, br.missing);
	new2 = gen_arith(cg, op, ir_const(cg, 0), rhs, sgn);
	val = ir_scratch(cg, m->value_size, "val");
	ir_store(cg, val, new2, 8);
	update_value(cg, map, k, val);
	ir_scratch_end(cg, val, m->value_size);
	bbs[1] = LLVMGetInsertBlock(cg->b);
	ir_br(cg, br.done);
	ir_set_block(cg, br.done);
	phi = LLVMBuildPhi(cg->b, cg->i64, "");
	vals[0] = post ? old1 : new1;
	vals[1] = post ? ir_const(cg, 0) : new2;
	LLVMAddIncoming(phi, vals, bbs, 2);
	key_end(cg, map, k);
	return phi;
}

/* @m[k] = v on a plain map. */
static void assign_plain(struct cg *cg, struct node *map, struct node *rhs)
{
	const struct bt_map *m = map_of(cg, map);
	LLVMValueRef val = ir_scratch(cg, m->value_size, "val");
	LLVMValueRef k;

	gen_into(cg, rhs, val, m->value);
	k = map_key(cg, map, NULL);
	update_value(cg, map, k, val);
	key_end(cg, map, k);
	ir_scratch_end(cg, val, m->value_size);
}

/* The per-aggregation parts: how to update a present slot in place and
 * how to initialise a new one. arg is the (first) argument's i64. */
struct agg_op {
	void (*in_place)(struct cg *cg, const struct bt_map *m, LLVMValueRef p, LLVMValueRef arg);
	void (*init)(struct cg *cg, const struct bt_map *m, LLVMValueRef val, LLVMValueRef arg);
};

static void add_at(struct cg *cg, LLVMValueRef p, uint32_t off, LLVMValueRef d)
{
	LLVMValueRef q = ir_gep(cg, p, off);

	ir_store(cg, q, LLVMBuildAdd(cg->b, ir_load(cg, q, 8, false), d, ""), 8);
}

static void count_in_place(struct cg *cg, const struct bt_map *m, LLVMValueRef p, LLVMValueRef a)
{
	(void)m;
	add_at(cg, p, 0, a ? a : ir_const(cg, 1));
}

static void count_init(struct cg *cg, const struct bt_map *m, LLVMValueRef val, LLVMValueRef a)
{
	(void)m;
	ir_store(cg, val, a ? a : ir_const(cg, 1), 8);
}

/* a scalar sum's array slot, {s64 value, u64 set}: set marks it written */
static void sum_set_in_place(struct cg *cg, const struct bt_map *m, LLVMValueRef p,
			     LLVMValueRef a)
{
	(void)m;
	add_at(cg, p, 0, a);
	ir_store(cg, ir_gep(cg, p, 8), ir_const(cg, 1), 8);
}

static void minmax_in_place(struct cg *cg, const struct bt_map *m, LLVMValueRef p, LLVMValueRef a)
{
	bool sgn = cg_is_signed(m->value);
	LLVMValueRef cur = ir_load(cg, p, 8, sgn);
	LLVMValueRef set = ir_load(cg, ir_gep(cg, p, 8), 8, false);
	LLVMIntPredicate pr = m->agg == AGG_MIN ? (sgn ? LLVMIntSLT : LLVMIntULT)
						: (sgn ? LLVMIntSGT : LLVMIntUGT);
	LLVMValueRef better = LLVMBuildICmp(cg->b, pr, a, cur, "");
	LLVMValueRef unset = LLVMBuildICmp(cg->b, LLVMIntEQ, set, ir_const(cg, 0), "");
	LLVMValueRef take;

	if (m->agg == AGG_MAX) {
		/* bpftrace 0.17 compares a new max against 0 (the zeroed slot):
		 * an unset slot takes a only when a >= 0, and stays unset else */
		LLVMValueRef same = LLVMBuildICmp(cg->b, LLVMIntEQ, a, cur, "");

		take = LLVMBuildOr(cg->b, better, LLVMBuildAnd(cg->b, unset, same, ""), "");
		ir_store(cg, ir_gep(cg, p, 8),
			 LLVMBuildSelect(cg->b, LLVMBuildOr(cg->b, take, LLVMBuildNot(cg->b, unset, ""), ""),
					 ir_const(cg, 1), ir_const(cg, 0), ""),
			 8);
	} else {
		take = LLVMBuildOr(cg->b, better, unset, "");
		ir_store(cg, ir_gep(cg, p, 8), ir_const(cg, 1), 8);
	}
	ir_store(cg, p, LLVMBuildSelect(cg->b, take, a, cur, ""), 8);
}

static void pair_init(struct cg *cg, const struct bt_map *m, LLVMValueRef val, LLVMValueRef a)
{
	(void)m;
	ir_store(cg, val, a, 8);
	ir_store(cg, ir_gep(cg, val, 8), ir_const(cg, 1), 8);
}

static void avg_in_place(struct cg *cg, const struct bt_map *m, LLVMValueRef p, LLVMValueRef a)
{
	(void)m;
	add_at(cg, p, 0, a);
	add_at(cg, p, 8, ir_const(cg, 1));
}

static const struct agg_op agg_ops[] = {
	[AGG_COUNT] = {count_in_place, count_init}, [AGG_SUM] = {count_in_place, count_init},
	[AGG_MIN] = {minmax_in_place, pair_init},   [AGG_MAX] = {minmax_in_place, pair_init},
	[AGG_AVG] = {avg_in_place, pair_init},      [AGG_STATS] = {avg_in_place, pair_init},
	[AGG_HIST] = {count_in_place, count_init},  [AGG_LHIST] = {count_in_place, count_init},
};

static const struct agg_op sum_set_op = {sum_set_in_place, pair_init};

/* log2 bucket, branch-free: 0 for v < 0, 1 for 0, 2 + floor(log2 v) above,
 * capped at 33 like hist_log2_index() (bpftrace 0.17 halves five times). */
static LLVMValueRef hist_bucket(struct cg *cg, LLVMValueRef v)
{
	LLVMValueRef n = v, r = ir_const(cg, 0), idx;

	for (int s = 4; s >= 0; s--) { /* five steps, as bpftrace 0.17 */
		LLVMValueRef ge =
			LLVMBuildICmp(cg->b, LLVMIntUGE, n, ir_const(cg, 1ULL << (1 << s)), "");
		LLVMValueRef t = LLVMBuildShl(cg->b, ir_to_i64(cg, ge, false), ir_const(cg, s), "");

		n = LLVMBuildLShr(cg->b, n, t, "");
		r = LLVMBuildOr(cg->b, r, t, "");
	}
	idx = LLVMBuildAdd(cg->b, r, ir_const(cg, 2), "");
	idx = LLVMBuildSelect(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, v, ir_const(cg, 0), ""),
			      ir_const(cg, 1), idx, "");
	return LLVMBuildSelect(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, v, ir_const(cg, 0), ""),
			       ir_const(cg, 0), idx, "hist.bucket");
}

/* lhist: 0 below min, (max-min)/step + 1 at or above max, else (v-min)/step + 1 */
static LLVMValueRef lhist_bucket(struct cg *cg, const struct bt_map *m, LLVMValueRef v)
{
	int64_t step = m->lh_step > 0 ? m->lh_step : 1;
	LLVMValueRef in = LLVMBuildUDiv(cg->b, LLVMBuildSub(cg->b, v, ir_const(cg, m->lh_min), ""),
					ir_const(cg, step), "");
	LLVMValueRef idx = LLVMBuildAdd(cg->b, in, ir_const(cg, 1), "");
	uint64_t top = (uint64_t)((m->lh_max - m->lh_min) / step) + 1;

	idx = LLVMBuildSelect(cg->b,
			      LLVMBuildICmp(cg->b, LLVMIntSGE, v, ir_const(cg, m->lh_max), ""),
			      ir_const(cg, top), idx, "");
	return LLVMBuildSelect(cg->b,
			       LLVMBuildICmp(cg->b, LLVMIntSLT, v, ir_const(cg, m->lh_min), ""),
			       ir_const(cg, 0), idx, "lhist.bucket");
}

/* The slot of key k: op's in-place update when present, else op's initial
 * value inserted (arg NULL: count one). */
static void agg_update(struct cg *cg, struct node *map, const struct agg_op *op, LLVMValueRef k,
		       LLVMValueRef arg)
{
	const struct bt_map *m = map_of(cg, map);
	LLVMValueRef p = ir_map_lookup(cg, cg_map(cg, map->u.map.map_id), k), val;
	struct branch br = branch_on(cg, p);

	op->in_place(cg, m, p, arg);
	ir_br(cg, br.done);
	ir_set_block(cg, br.missing);
	if (m->agg == AGG_MAX && cg_is_signed(m->value)) {
		/* a new max(v) compares v against 0: max(-3) alone creates nothing */
		LLVMBasicBlockRef ins = ir_block(cg, "max.insert");

		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSGE, arg, ir_const(cg, 0), ""),
				ins, br.done);
		ir_set_block(cg, ins);
	}
	val = ir_scratch(cg, m->value_size, "val");
	op->init(cg, m, val, arg);
	update_value(cg, map, k, val);
	ir_scratch_end(cg, val, m->value_size);
	ir_br(cg, br.done);
	ir_set_block(cg, br.done);
}

/* @m[k] = count() / sum(v) / hist(v) ...: look up, add in place, else insert. */
static void assign_agg(struct cg *cg, struct node *map, struct node *call)
{
	const struct bt_map *m = map_of(cg, map);
	const struct agg_op *op = m->agg == AGG_SUM && m->is_array ? &sum_set_op : &agg_ops[m->agg];
	struct node *a0 = call->u.call.args.head;
	LLVMValueRef arg = NULL, bucket = NULL, k;

	if (a0)
		arg = gen_expr(cg, a0);
	if (m->agg == AGG_HIST)
		bucket = hist_bucket(cg, arg);
	else if (m->agg == AGG_LHIST)
		bucket = lhist_bucket(cg, m, arg);
	k = map_key(cg, map, bucket);
	agg_update(cg, map, op, k, bucket ? NULL : arg);
	if (m->hist_sum) {
		/* the same key, the trailing sum slot: add the value itself */
		store_bucket(cg, k, m->key ? m->key->size : 0,
			     ir_const(cg, bt_map_hist_buckets(m)));
		agg_update(cg, map, &agg_ops[AGG_SUM], k, arg);
	}
	key_end(cg, map, k);
}

void gen_map_assign(struct cg *cg, struct node *assign)
{
	struct node *map = assign->u.assign.lhs, *rhs = assign->u.assign.rhs;
	const struct bt_map *m = map_of(cg, map);

	cg->cur_span = assign->span;
	if (m->agg != AGG_NONE) {
		if (rhs->kind != N_CALL || (size_t)m->agg >= ARRAY_SIZE(agg_ops)) {
			cg_error(cg, assign->span, "assigning to an aggregation map");
			return;
		}
		assign_agg(cg, map, rhs);
		return;
	}
	if (assign->u.assign.compound) {
		enum binop op = assign->u.assign.op;

		gen_map_incdec(cg, map, op, gen_ptr_step(cg, map->type, op, gen_expr(cg, rhs)),
			       false);
		return;
	}
	assign_plain(cg, map, rhs);
}

/* delete(@h[k]) of a histogram: every bucket of k (and its sum slot), in a
 * bounded loop. */
static void delete_buckets(struct cg *cg, struct node *map, LLVMValueRef k)
{
	const struct bt_map *m = map_of(cg, map);
	uint32_t user_size = m->key ? m->key->size : 0;
	uint64_t nb = bt_map_hist_buckets(m) + (m->hist_sum ? 1 : 0); /* and the sum slot */
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(cg->b);
	LLVMBasicBlockRef body = ir_block(cg, "del.bucket"), end = ir_block(cg, "del.end");
	LLVMValueRef i, next;

	LLVMBuildBr(cg->b, body);
	ir_set_block(cg, body);
	i = LLVMBuildPhi(cg->b, cg->i64, "bucket");
	store_bucket(cg, k, user_size, i);
	ir_map_delete(cg, cg_map(cg, map->u.map.map_id), k);
	next = LLVMBuildAdd(cg->b, i, ir_const(cg, 1), "");
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntULT, next, ir_const(cg, nb), ""), body,
			end);
	LLVMValueRef vals[] = {ir_const(cg, 0), next};
	LLVMBasicBlockRef bbs[] = {pre, body};
	LLVMAddIncoming(i, vals, bbs, 2);
	ir_set_block(cg, end);
}

static LLVMValueRef call_delete(struct cg *cg, struct node *n)
{
	struct node *map = n->u.call.args.head;
	LLVMValueRef k;

	if (!map || map->kind != N_MAP) {
		cg_error(cg, n->span, "delete() of this argument");
		return ir_const(cg, 0);
	}
	/* a scalar aggregation's array slot cannot be deleted: the runtime
	 * resets it on every CPU and counts it unset, as clear() (a count map
	 * then prints "@: 0", as bpftrace's, a sum map nothing) */
	if (map_of(cg, map)->is_array)
		return gen_event_call(F_CLEAR)(cg, n);
	k = map_key(cg, map, NULL);
	if (map_of(cg, map)->agg == AGG_HIST || map_of(cg, map)->agg == AGG_LHIST) {
		delete_buckets(cg, map, k);
	} else {
		cg_check(cg, ir_map_delete(cg, cg_map(cg, map->u.map.map_id), k),
			 "Failed to map_delete_elem", n->span, 1);
	}
	key_end(cg, map, k);
	return ir_const(cg, 0);
}

static LLVMValueRef call_agg_outside(struct cg *cg, struct node *n)
{
	cg_error(cg, n->span, "an aggregation outside `@map = ...`");
	return ir_const(cg, 0);
}

gen_call_fn gen_map_call(enum func fn)
{
	switch (fn) {
	case F_DELETE:
		return call_delete;
	case F_COUNT:
	case F_SUM:
	case F_AVG:
	case F_MIN:
	case F_MAX:
	case F_STATS:
	case F_HIST:
	case F_LHIST:
		return call_agg_outside;
	default:
		return NULL;
	}
}
