/*
 * codegen.c - the code generator's entry point and the program-wide BPF
 * resources: one BTF-defined map per user map (names from bt_map.elf_name,
 * per-CPU hashes for aggregations), the event ring buffer, and the maps
 * defined on first use (stack traces, tt_config).
 *
 * codegen_run walks every probe's functions into one LLVM module and hands
 * it to emit.c; the object lands in prog->obj.
 */
#define CODEGEN_INTERNAL
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "../runtime/runtime.h"

#define RINGBUF_NAME  "tt_events"
#define RINGBUF_BYTES (512 * 1024)
#define KSTACK_NAME   CODEGEN_KSTACK_MAP
#define USTACK_NAME   CODEGEN_USTACK_MAP
#define STACK_DEPTH   127
#define CONFIG_NAME   "tt_config"

void cg_error(struct cg *cg, struct span sp, const char *what)
{
	diag_err(cg->d, sp, "%s is not supported by the code generator yet", what);
	cg->errors++;
}

/* the EV_RUNTIME_ERROR record of a new bt_runtime_error, sent from the
 * current block when ret is negative, or always when always is set */
static void error_record(struct cg *cg, LLVMValueRef ret, const char *msg, struct span sp,
			 bool always)
{
	struct bt_program *prog = cg->prog;
	LLVMBasicBlockRef bad, have, done;
	LLVMValueRef rec;
	size_t id;

	id = prog->nerrors++;
	prog->errors = xrealloc(prog->errors, prog->nerrors * sizeof(*prog->errors));
	prog->errors[id].msg = xstrdup(msg);
	prog->errors[id].span = sp;
	bad = ir_block(cg, "helper.err");
	have = ir_block(cg, "helper.rec");
	done = ir_block(cg, "helper.ok");
	ret = ir_to_i64(cg, ret, true);
	if (always)
		ir_br(cg, bad);
	else
		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, ret, ir_const(cg, 0), ""),
				bad, done);
	ir_set_block(cg, bad);
	rec = ir_ringbuf_reserve(cg, 16);
	LLVMBuildCondBr(cg->b, ir_to_bool(cg, rec), have, done);
	ir_set_block(cg, have);
	ir_store(cg, rec, ir_const(cg, (uint64_t)EV_RUNTIME_ERROR << 32 | id), 8);
	ir_store(cg, ir_gep(cg, rec, 8), ret, 8);
	ir_ringbuf_submit(cg, rec);
	ir_br(cg, done);
	ir_set_block(cg, done);
}

void cg_check(struct cg *cg, LLVMValueRef ret, const char *msg, struct span sp, int level)
{
	if (!cg->opts || cg->opts->helper_check_level < level)
		return;
	error_record(cg, ret, msg, sp, false);
}

void cg_report_missing(struct cg *cg, struct span sp)
{
	/* -kk, as bpftrace: "Failed to map_lookup_elem: 0" */
	if (!cg->opts || cg->opts->helper_check_level < 2)
		return;
	error_record(cg, ir_const(cg, 0), "Failed to map_lookup_elem", sp, true);
}

void cg_check_read(struct cg *cg, LLVMValueRef ret, int space, bool str)
{
	static const char *const names[2][3] = {
		{"Failed to probe_read_kernel", "Failed to probe_read_user",
		 "Failed to probe_read"},
		{"Failed to probe_read_kernel_str", "Failed to probe_read_user_str",
		 "Failed to probe_read_str"},
	};

	cg_check(cg, ret, names[str][space], cg->cur_span, 2);
}

LLVMValueRef cg_stack_map(struct cg *cg, bool user)
{
	LLVMValueRef *m = user ? &cg->ustack_map : &cg->kstack_map;
	uint32_t n = cg->opts && cg->opts->map_keys_max ? cg->opts->map_keys_max : 4096;

	if (!*m) {
		*m = btf_map_define_sized(cg, user ? USTACK_NAME : KSTACK_NAME,
					  BPF_MAP_TYPE_STACK_TRACE, 4, 8 * STACK_DEPTH, n);
		if (user)
			cg->prog->ustack_map = USTACK_NAME;
		else
			cg->prog->kstack_map = KSTACK_NAME;
	}
	return *m;
}

LLVMValueRef cg_config_field(struct cg *cg, uint32_t off)
{
	LLVMValueRef key, p, v, phi, vals[2];
	LLVMBasicBlockRef yes, no, end, bbs[2];

	if (!cg->config_map)
		cg->config_map = btf_map_define(cg, CONFIG_NAME, BPF_MAP_TYPE_ARRAY, 4,
						sizeof(struct tt_config), 1);
	if (off == offsetof(struct tt_config, cpid))
		cg->prog->needs_cpid = true;
	key = ir_scratch(cg, 4, "cfgkey");
	ir_store(cg, key, ir_const32(cg, 0), 4);
	p = ir_map_lookup(cg, cg->config_map, key);
	yes = ir_block(cg, "cfg");
	no = ir_block(cg, "cfg.none");
	end = ir_block(cg, "cfg.end");
	LLVMBuildCondBr(cg->b, ir_to_bool(cg, p), yes, no);
	ir_set_block(cg, yes);
	v = ir_load(cg, ir_gep(cg, p, off), 8, false);
	ir_br(cg, end);
	ir_set_block(cg, no);
	ir_br(cg, end);
	ir_set_block(cg, end);
	phi = LLVMBuildPhi(cg->b, cg->i64, "cfg");
	vals[0] = v;
	vals[1] = ir_const(cg, 0);
	bbs[0] = yes;
	bbs[1] = no;
	LLVMAddIncoming(phi, vals, bbs, 2);
	ir_scratch_end(cg, key, 4);
	return phi;
}

/* A probe of a program with BEGIN: return until the runtime says BEGIN
 * ran. The verifier inlines the array lookup: a few instructions and one
 * load per event. */
void cg_gate(struct cg *cg)
{
	LLVMBasicBlockRef go = ir_block(cg, "begun"), wait = ir_block(cg, "not.begun");
	LLVMValueRef begun;

	cg->prog->gated = true;
	begun = cg_config_field(cg, offsetof(struct tt_config, begun));
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntNE, begun, ir_const(cg, 0), ""), go,
			wait);
	ir_set_block(cg, wait);
	LLVMBuildRet(cg->b, ir_const32(cg, 0));
	ir_set_block(cg, go);
}

/* Scalar aggregations: a per-CPU array's lookup is inlined by the verifier,
 * so `@ = count()` costs what a hand-written array increment costs. */
static bool scalar_array(const struct bt_map *m)
{
	switch (m->agg) {
	case AGG_COUNT:
	case AGG_SUM:
	case AGG_MIN:
	case AGG_MAX:
	case AGG_AVG:
	case AGG_STATS:
		return !m->key && m->percpu;
	default:
		return false;
	}
}

static void define_maps(struct cg *cg)
{
	struct bt_program *prog = cg->prog;

	cg->map_vars = xcalloc(prog->nmaps ? prog->nmaps : 1, sizeof(*cg->map_vars));
	for (size_t i = 0; i < prog->nmaps; i++) {
		struct bt_map *m = &prog->maps[i];
		uint32_t type = m->percpu ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH;

		if (m->is_array)
			type = BPF_MAP_TYPE_PERCPU_ARRAY;
		cg->map_vars[i] = btf_map_define_typed(cg, m, type);
	}
	cg->ringbuf = btf_map_define(cg, RINGBUF_NAME, BPF_MAP_TYPE_RINGBUF, 0, 0, RINGBUF_BYTES);
	cg->lost_map = btf_map_define(cg, RT_LOST_MAP, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
}

/* join() records hold 16 string slots; describe them as the format's args
 * so the runtime decodes them like any other record. */
static void describe_join_records(struct bt_program *prog)
{
	for (size_t i = 0; i < prog->nformats; i++) {
		struct bt_format *f = &prog->formats[i];
		uint32_t slot = (f->size - 8) / JOIN_SLOTS;
		struct type *str, *tup;
		struct field *fields;

		if (f->kind != EV_JOIN || f->args || f->size < 8 + JOIN_SLOTS)
			continue;
		str = arena_alloc(&prog->types, sizeof(*str));
		str->kind = T_STR;
		str->size = slot;
		str->align = 1;
		fields = arena_alloc(&prog->types, JOIN_SLOTS * sizeof(*fields));
		for (uint32_t j = 0; j < JOIN_SLOTS; j++) {
			fields[j].type = str;
			fields[j].offset = j * slot;
		}
		tup = arena_alloc(&prog->types, sizeof(*tup));
		tup->kind = T_TUPLE;
		tup->size = JOIN_SLOTS * slot;
		tup->align = 1;
		tup->count = JOIN_SLOTS;
		tup->fields = fields;
		f->args = tup;
	}
}

void codegen_prepare(const struct bt_opts *opts, struct bt_program *prog)
{
	for (size_t i = 0; i < prog->nmaps; i++) {
		struct bt_map *m = &prog->maps[i];

		if (scalar_array(m)) {
			m->is_array = true;
			m->key_size = 4;
			m->max_entries = 1;
			/* {s64 value, u64 set}: a slot never written prints nothing */
			if (m->agg == AGG_SUM)
				m->value_size = 16;
		}
		m->hist_sum = opts && opts->hist_sums && (m->agg == AGG_HIST || m->agg == AGG_LHIST);
	}
	prog->ringbuf_name = RINGBUF_NAME;
	describe_join_records(prog);
}

int codegen_run(const struct ast *ast, const struct bt_opts *opts, struct bt_program *prog,
		struct diags *d)
{
	struct cg cg = {.opts = opts, .prog = prog, .d = d, .ast = ast};
	const char *dump = opts ? opts->dump : NULL;
	int err = -1;

	ir_init(&cg, "tracetop");
	btf_init(&cg);
	codegen_prepare(opts, prog);
	define_maps(&cg);
	node_foreach(&ast->probes, p)
		gen_probe(&cg, p);
	btf_finish(&cg);
	if (cg.errors || d->nerr)
		goto out;
	err = emit_object(&cg, &prog->obj, &prog->obj_len, dump);
	if (!err && dump && !strcmp(dump, "bpf"))
		codegen_dump_bpf(prog, stdout);
out:
	free(cg.map_vars);
	ir_dispose(&cg);
	return err;
}
