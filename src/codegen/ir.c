/*
 * ir.c - the only file that calls LLVMBuild* directly.
 *
 * A thin layer that speaks BPF rather than LLVM: stack slots (always in
 * the entry block, so the verifier sees a fixed frame), loads and stores of
 * 1/2/4/8-byte integers, and the BPF helpers called the way clang calls
 * them: through an inttoptr of the helper id, so no symbol needs resolving.
 * Map references are the .maps globals themselves; libbpf turns them into
 * map fds at load time. Everything hands back i64 values except pointers.
 */
#define CODEGEN_INTERNAL
#include <linux/bpf.h>
#include <string.h>

#include "codegen.h"

void ir_init(struct cg *cg, const char *module_name)
{
	cg->ctx = LLVMContextCreate();
	cg->mod = LLVMModuleCreateWithNameInContext(module_name, cg->ctx);
	cg->b = LLVMCreateBuilderInContext(cg->ctx);
	cg->i1 = LLVMInt1TypeInContext(cg->ctx);
	cg->i8 = LLVMInt8TypeInContext(cg->ctx);
	cg->i16 = LLVMInt16TypeInContext(cg->ctx);
	cg->i32 = LLVMInt32TypeInContext(cg->ctx);
	cg->i64 = LLVMInt64TypeInContext(cg->ctx);
	cg->ptr = LLVMPointerTypeInContext(cg->ctx, 0);
	cg->void_t = LLVMVoidTypeInContext(cg->ctx);
}

void ir_dispose(struct cg *cg)
{
	if (cg->alloca_b)
		LLVMDisposeBuilder(cg->alloca_b);
	if (cg->di)
		LLVMDisposeDIBuilder(cg->di);
	if (cg->b)
		LLVMDisposeBuilder(cg->b);
	if (cg->mod)
		LLVMDisposeModule(cg->mod);
	if (cg->ctx)
		LLVMContextDispose(cg->ctx);
	vec_free(&cg->used);
	cg->alloca_b = NULL;
	cg->di = NULL;
	cg->b = NULL;
	cg->mod = NULL;
	cg->ctx = NULL;
}

LLVMValueRef ir_const(struct cg *cg, uint64_t v)
{
	return LLVMConstInt(cg->i64, v, false);
}

LLVMValueRef ir_const32(struct cg *cg, uint32_t v)
{
	return LLVMConstInt(cg->i32, v, false);
}

LLVMTypeRef ir_int_type(struct cg *cg, uint32_t bytes)
{
	switch (bytes) {
	case 1:
		return cg->i8;
	case 2:
		return cg->i16;
	case 4:
		return cg->i32;
	default:
		return cg->i64;
	}
}

/*
 * Big values (struct arrays, long tuples and keys) do not fit the 512-byte
 * BPF stack together: they get 8-byte aligned slices of one per-CPU
 * scratch map entry instead, looked up once in the entry block (the
 * function returns 0 if that lookup fails, see ir_func_end). A slice lives
 * as long as the function, like an alloca without lifetime markers.
 */
static LLVMValueRef scratch_slice(struct cg *cg, uint32_t size, const char *name)
{
	LLVMBuilderRef body_b = cg->b;
	LLVMValueRef key, idx;

	if (size < SCRATCH_MIN || cg->scratch_used + size > SCRATCH_BYTES)
		return NULL;
	if (!cg->scratch_map)
		cg->scratch_map = btf_map_define(cg, SCRATCH_NAME, BPF_MAP_TYPE_PERCPU_ARRAY, 4,
						 SCRATCH_BYTES, 1);
	if (!cg->scratch_base) {
		key = LLVMBuildAlloca(cg->alloca_b, cg->i32, "scratch.key");
		LLVMBuildStore(cg->alloca_b, ir_const32(cg, 0), key);
		cg->b = cg->alloca_b; /* the helper call goes in the entry block */
		cg->scratch_base = ir_map_lookup(cg, cg->scratch_map, key);
		cg->b = body_b;
	}
	idx = ir_const(cg, cg->scratch_used);
	cg->scratch_used += (size + 7) & ~7u;
	return LLVMBuildGEP2(cg->alloca_b, cg->i8, cg->scratch_base, &idx, 1, name);
}

LLVMValueRef ir_alloca(struct cg *cg, uint32_t size, const char *name)
{
	LLVMTypeRef t = LLVMArrayType2(cg->i8, size ? size : 1);
	LLVMValueRef a = scratch_slice(cg, size, name);

	if (a)
		return a;
	a = LLVMBuildAlloca(cg->alloca_b, t, name);
	LLVMSetAlignment(a, 8);
	return a;
}

LLVMValueRef ir_alloca_zeroed(struct cg *cg, uint32_t size, const char *name)
{
	LLVMValueRef a = ir_alloca(cg, size, name);

	ir_memset(cg, a, 0, size);
	return a;
}

LLVMValueRef ir_gep(struct cg *cg, LLVMValueRef p, uint64_t off)
{
	LLVMValueRef idx = ir_const(cg, off);

	if (!off)
		return p;
	return LLVMBuildGEP2(cg->b, cg->i8, p, &idx, 1, "");
}

LLVMValueRef ir_gep_dyn(struct cg *cg, LLVMValueRef p, LLVMValueRef off)
{
	return LLVMBuildGEP2(cg->b, cg->i8, p, &off, 1, "");
}

static unsigned natural_align(uint32_t bytes)
{
	return bytes == 1 || bytes == 2 || bytes == 4 ? bytes : 8;
}

LLVMValueRef ir_load(struct cg *cg, LLVMValueRef p, uint32_t bytes, bool is_signed)
{
	LLVMValueRef v = LLVMBuildLoad2(cg->b, ir_int_type(cg, bytes), p, "");

	LLVMSetAlignment(v, natural_align(bytes));
	return ir_to_i64(cg, v, is_signed);
}

void ir_store(struct cg *cg, LLVMValueRef p, LLVMValueRef v, uint32_t bytes)
{
	LLVMTypeRef t = ir_int_type(cg, bytes);
	unsigned have = LLVMGetIntTypeWidth(LLVMTypeOf(v));
	LLVMValueRef s;

	if (have > bytes * 8)
		v = LLVMBuildTrunc(cg->b, v, t, "");
	else if (have < bytes * 8)
		v = LLVMBuildZExt(cg->b, v, t, "");
	s = LLVMBuildStore(cg->b, v, p);
	LLVMSetAlignment(s, natural_align(bytes));
}

void ir_memset(struct cg *cg, LLVMValueRef p, uint8_t byte, uint32_t size)
{
	if (!size)
		return;
	LLVMBuildMemSet(cg->b, p, LLVMConstInt(cg->i8, byte, false), ir_const(cg, size), 1);
}

void ir_memcpy(struct cg *cg, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
	if (!size)
		return;
	LLVMBuildMemCpy(cg->b, dst, 1, src, 1, ir_const(cg, size));
}

LLVMValueRef ir_to_i64(struct cg *cg, LLVMValueRef v, bool is_signed)
{
	LLVMTypeRef t = LLVMTypeOf(v);

	if (LLVMGetTypeKind(t) == LLVMPointerTypeKind)
		return LLVMBuildPtrToInt(cg->b, v, cg->i64, "");
	if (LLVMGetIntTypeWidth(t) == 64)
		return v;
	if (is_signed && LLVMGetIntTypeWidth(t) > 1)
		return LLVMBuildSExt(cg->b, v, cg->i64, "");
	return LLVMBuildZExt(cg->b, v, cg->i64, "");
}

LLVMValueRef ir_to_bool(struct cg *cg, LLVMValueRef v)
{
	LLVMTypeRef t = LLVMTypeOf(v);

	if (LLVMGetTypeKind(t) == LLVMPointerTypeKind)
		v = LLVMBuildPtrToInt(cg->b, v, cg->i64, "");
	else if (LLVMGetIntTypeWidth(t) == 1)
		return v;
	return LLVMBuildICmp(cg->b, LLVMIntNE, v, LLVMConstInt(LLVMTypeOf(v), 0, false), "");
}

void ir_atomic_add(struct cg *cg, LLVMValueRef p, LLVMValueRef v)
{
	LLVMValueRef r = LLVMBuildAtomicRMW(cg->b, LLVMAtomicRMWBinOpAdd, p, ir_to_i64(cg, v, true),
					    LLVMAtomicOrderingSequentiallyConsistent, false);

	LLVMSetAlignment(r, 8);
}

LLVMValueRef ir_subprogram(struct cg *cg, const char *name, LLVMTypeRef fty)
{
	LLVMValueRef fn = LLVMAddFunction(cg->mod, name, fty);
	static const char *const attrs[] = {"nounwind", "noinline"};

	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++)
		LLVMAddAttributeAtIndex(
			fn, LLVMAttributeFunctionIndex,
			LLVMCreateEnumAttribute(
				cg->ctx, LLVMGetEnumAttributeKindForName(attrs[i], strlen(attrs[i])),
				0));
	return fn;
}

LLVMBasicBlockRef ir_block(struct cg *cg, const char *name)
{
	return LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, name);
}

void ir_set_block(struct cg *cg, LLVMBasicBlockRef bb)
{
	LLVMPositionBuilderAtEnd(cg->b, bb);
}

bool ir_block_terminated(struct cg *cg)
{
	return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(cg->b)) != NULL;
}

void ir_br(struct cg *cg, LLVMBasicBlockRef bb)
{
	if (!ir_block_terminated(cg))
		LLVMBuildBr(cg->b, bb);
}

LLVMValueRef ir_helper(struct cg *cg, int id, LLVMTypeRef ret, LLVMValueRef *args, unsigned n)
{
	LLVMTypeRef params[8];
	LLVMTypeRef fty;
	LLVMValueRef callee;

	if (n > ARRAY_SIZE(params))
		BT_BUG("too many helper arguments");
	for (unsigned i = 0; i < n; i++)
		params[i] = LLVMTypeOf(args[i]);
	fty = LLVMFunctionType(ret, params, n, false);
	callee = LLVMConstIntToPtr(ir_const(cg, (uint64_t)id), cg->ptr);
	return LLVMBuildCall2(cg->b, fty, callee, args, n, "");
}

LLVMValueRef ir_map_lookup(struct cg *cg, LLVMValueRef map, LLVMValueRef key)
{
	LLVMValueRef args[] = {map, key};

	return ir_helper(cg, BPF_FUNC_map_lookup_elem, cg->ptr, args, 2);
}

LLVMValueRef ir_map_update(struct cg *cg, LLVMValueRef map, LLVMValueRef key, LLVMValueRef val,
			   uint64_t flags)
{
	LLVMValueRef args[] = {map, key, val, ir_const(cg, flags)};

	return ir_helper(cg, BPF_FUNC_map_update_elem, cg->i64, args, 4);
}

LLVMValueRef ir_map_delete(struct cg *cg, LLVMValueRef map, LLVMValueRef key)
{
	LLVMValueRef args[] = {map, key};

	return ir_helper(cg, BPF_FUNC_map_delete_elem, cg->i64, args, 2);
}

static LLVMValueRef as_u32(struct cg *cg, LLVMValueRef v)
{
	if (LLVMGetIntTypeWidth(LLVMTypeOf(v)) == 32)
		return v;
	return LLVMBuildTrunc(cg->b, v, cg->i32, "");
}

static const int read_helpers[] = {BPF_FUNC_probe_read_kernel, BPF_FUNC_probe_read_user,
				   BPF_FUNC_probe_read};
static const int read_str_helpers[] = {BPF_FUNC_probe_read_kernel_str, BPF_FUNC_probe_read_user_str,
				       BPF_FUNC_probe_read_str};

LLVMValueRef ir_probe_read(struct cg *cg, LLVMValueRef dst, LLVMValueRef size, LLVMValueRef src,
			   int space)
{
	LLVMValueRef args[] = {dst, as_u32(cg, size), src};

	if (LLVMGetTypeKind(LLVMTypeOf(src)) != LLVMPointerTypeKind)
		args[2] = LLVMBuildIntToPtr(cg->b, src, cg->ptr, "");
	return ir_helper(cg, read_helpers[space], cg->i64, args, 3);
}

LLVMValueRef ir_probe_read_str(struct cg *cg, LLVMValueRef dst, LLVMValueRef size, LLVMValueRef src,
			       int space)
{
	LLVMValueRef args[] = {dst, as_u32(cg, size), src};

	if (LLVMGetTypeKind(LLVMTypeOf(src)) != LLVMPointerTypeKind)
		args[2] = LLVMBuildIntToPtr(cg->b, src, cg->ptr, "");
	return ir_helper(cg, read_str_helpers[space], cg->i64, args, 3);
}

static LLVMValueRef helper0(struct cg *cg, int id)
{
	return ir_helper(cg, id, cg->i64, NULL, 0);
}

LLVMValueRef ir_get_pid_tgid(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_get_current_pid_tgid);
}

LLVMValueRef ir_get_uid_gid(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_get_current_uid_gid);
}

LLVMValueRef ir_ktime(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_ktime_get_ns);
}

LLVMValueRef ir_get_cpu(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_get_smp_processor_id);
}

LLVMValueRef ir_get_numa_node(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_get_numa_node_id);
}

LLVMValueRef ir_get_comm(struct cg *cg, LLVMValueRef dst, uint32_t size)
{
	LLVMValueRef args[] = {dst, ir_const32(cg, size)};

	return ir_helper(cg, BPF_FUNC_get_current_comm, cg->i64, args, 2);
}

LLVMValueRef ir_get_current_task(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_get_current_task);
}

LLVMValueRef ir_get_prandom(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_get_prandom_u32);
}

LLVMValueRef ir_get_cgroup_id(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_get_current_cgroup_id);
}

LLVMValueRef ir_get_jiffies(struct cg *cg)
{
	return helper0(cg, BPF_FUNC_jiffies64);
}

LLVMValueRef ir_get_stackid(struct cg *cg, LLVMValueRef map, uint64_t flags)
{
	LLVMValueRef args[] = {cg->ctx_arg, map, ir_const(cg, flags)};

	return ir_helper(cg, BPF_FUNC_get_stackid, cg->i64, args, 3);
}

LLVMValueRef ir_send_signal(struct cg *cg, LLVMValueRef sig)
{
	LLVMValueRef args[] = {as_u32(cg, sig)};

	return ir_helper(cg, BPF_FUNC_send_signal, cg->i64, args, 1);
}

/* tt_lost[0] += 1 (RT_LOST_MAP, per-CPU: no atomic needed), then on to cont. */
static void ringbuf_lost(struct cg *cg, LLVMValueRef failed)
{
	LLVMBasicBlockRef lost, bump, cont;
	LLVMValueRef key, v;

	if (!cg->lost_map)
		return;
	lost = ir_block(cg, "rb.lost");
	bump = ir_block(cg, "rb.bump");
	cont = ir_block(cg, "rb.cont");
	LLVMBuildCondBr(cg->b, failed, lost, cont);
	ir_set_block(cg, lost);
	key = ir_scratch(cg, 4, "lost.key");
	ir_store(cg, key, ir_const32(cg, 0), 4);
	v = ir_map_lookup(cg, cg->lost_map, key);
	ir_scratch_end(cg, key, 4);
	LLVMBuildCondBr(cg->b, ir_to_bool(cg, v), bump, cont);
	ir_set_block(cg, bump);
	ir_store(cg, v, LLVMBuildAdd(cg->b, ir_load(cg, v, 8, false), ir_const(cg, 1), ""), 8);
	ir_br(cg, cont);
	ir_set_block(cg, cont);
}

LLVMValueRef ir_ringbuf_reserve(struct cg *cg, uint64_t size)
{
	LLVMValueRef args[] = {cg->ringbuf, ir_const(cg, size), ir_const(cg, 0)};
	LLVMValueRef rec = ir_helper(cg, BPF_FUNC_ringbuf_reserve, cg->ptr, args, 3);

	ringbuf_lost(cg, LLVMBuildIsNull(cg->b, rec, ""));
	return rec;
}

/* The runtime polls the ring every 10 ms: no wakeup unless asked for. */
void ir_ringbuf_submit(struct cg *cg, LLVMValueRef rec)
{
	LLVMValueRef args[] = {rec, ir_const(cg, BPF_RB_NO_WAKEUP)};

	ir_helper(cg, BPF_FUNC_ringbuf_submit, cg->void_t, args, 2);
}

void ir_ringbuf_submit_wakeup(struct cg *cg, LLVMValueRef rec)
{
	LLVMValueRef args[] = {rec, ir_const(cg, BPF_RB_FORCE_WAKEUP)};

	ir_helper(cg, BPF_FUNC_ringbuf_submit, cg->void_t, args, 2);
}

LLVMValueRef ir_ringbuf_output(struct cg *cg, LLVMValueRef data, uint64_t size)
{
	LLVMValueRef args[] = {cg->ringbuf, data, ir_const(cg, size),
			       ir_const(cg, BPF_RB_NO_WAKEUP)};
	LLVMValueRef ret = ir_helper(cg, BPF_FUNC_ringbuf_output, cg->i64, args, 4);

	ringbuf_lost(cg, LLVMBuildICmp(cg->b, LLVMIntSLT, ret, ir_const(cg, 0), ""));
	return ret;
}

LLVMValueRef ir_ctx_load(struct cg *cg, uint32_t off, uint32_t bytes, bool is_signed)
{
	return ir_load(cg, ir_gep(cg, cg->ctx_arg, off), bytes, is_signed);
}

LLVMValueRef ir_func_begin(struct cg *cg, const char *name, const char *sec)
{
	LLVMTypeRef fty = LLVMFunctionType(cg->i32, &cg->ptr, 1, false);
	LLVMBasicBlockRef body;

	cg->fn = LLVMAddFunction(cg->mod, name, fty);
	LLVMSetSection(cg->fn, sec);
	/* nounwind: no .eh_frame section for libbpf to skip */
	LLVMAddAttributeAtIndex(
		cg->fn, LLVMAttributeFunctionIndex,
		LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName("nounwind", 8),
					0));
	cg->ctx_arg = LLVMGetParam(cg->fn, 0);
	LLVMSetValueName2(cg->ctx_arg, "ctx", 3);
	btf_function(cg, cg->fn, name);
	cg->entry = ir_block(cg, "entry");
	cg->scratch_base = NULL;
	cg->scratch_used = 0;
	body = ir_block(cg, "body");
	if (!cg->alloca_b)
		cg->alloca_b = LLVMCreateBuilderInContext(cg->ctx);
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	ir_set_block(cg, body);
	cg->nloops = 0;
	return cg->fn;
}

void ir_func_end(struct cg *cg)
{
	LLVMBasicBlockRef body = LLVMGetNextBasicBlock(cg->entry);

	if (!ir_block_terminated(cg))
		LLVMBuildRet(cg->b, ir_const32(cg, 0));
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	if (cg->scratch_base) {
		LLVMBasicBlockRef none = ir_block(cg, "scratch.none");
		LLVMBuilderRef b = LLVMCreateBuilderInContext(cg->ctx);

		LLVMBuildCondBr(cg->alloca_b,
				LLVMBuildIsNull(cg->alloca_b, cg->scratch_base, "scratch.null"),
				none, body);
		LLVMPositionBuilderAtEnd(b, none);
		LLVMBuildRet(b, ir_const32(cg, 0));
		LLVMDisposeBuilder(b);
		cg->scratch_base = NULL;
		cg->scratch_used = 0;
		return;
	}
	LLVMBuildBr(cg->alloca_b, body);
}

static void lifetime(struct cg *cg, const char *name, LLVMValueRef p, uint32_t size)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, id, &cg->ptr, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(cg->ctx, id, &cg->ptr, 1);
	LLVMValueRef args[] = {ir_const(cg, size), p};

	LLVMBuildCall2(cg->b, fty, fn, args, 2, "");
}

LLVMValueRef ir_scratch(struct cg *cg, uint32_t size, const char *name)
{
	LLVMValueRef p = ir_alloca(cg, size, name);

	if (LLVMIsAAllocaInst(p))
		lifetime(cg, "llvm.lifetime.start", p, size ? size : 1);
	return p;
}

void ir_scratch_end(struct cg *cg, LLVMValueRef p, uint32_t size)
{
	if (!ir_block_terminated(cg) && LLVMIsAAllocaInst(p))
		lifetime(cg, "llvm.lifetime.end", p, size ? size : 1);
}

LLVMValueRef ir_bswap(struct cg *cg, LLVMValueRef v, uint32_t bytes)
{
	LLVMTypeRef t = ir_int_type(cg, bytes);
	unsigned id = LLVMLookupIntrinsicID("llvm.bswap", 10);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, id, &t, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(cg->ctx, id, &t, 1);
	LLVMValueRef x;

	if (bytes == 1)
		return v;
	x = bytes == 8 ? v : LLVMBuildTrunc(cg->b, v, t, "");
	return ir_to_i64(cg, LLVMBuildCall2(cg->b, fty, fn, &x, 1, ""), false);
}

LLVMValueRef ir_get_func_ip(struct cg *cg)
{
	return ir_helper(cg, BPF_FUNC_get_func_ip, cg->i64, &cg->ctx_arg, 1);
}
