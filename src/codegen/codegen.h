/*
 * codegen.h - typed AST to a BPF ELF object in memory, through the LLVM C API.
 *
 * The public part (codegen_run, codegen_dump_bpf) is all main.c needs and
 * pulls in no LLVM header. Files under src/codegen define CODEGEN_INTERNAL
 * before including this header to see the shared context struct and the
 * per-file sections: ir.c (every raw LLVMBuild* call and BPF helper),
 * btf_maps.c (BTF-defined .maps globals), emit.c (target machine, -O2,
 * object emission), gen_*.c (the AST walk, one file per concern).
 */
#ifndef TRACETOP_CODEGEN_H
#define TRACETOP_CODEGEN_H

#include "../bt.h"

struct ast;

/*
 * Generate one BPF object for the program: fills prog->obj/obj_len, each
 * probe's prog_name, prog->ringbuf_name/kstack_map/ustack_map. sema has
 * filled prog->probes, maps and formats. Honours opts->dump: "ir" prints
 * the optimised LLVM IR to stdout, "ir-raw" the IR before optimisation,
 * "bpf" the BPF instructions of each program. Returns 0 or -1 after
 * reporting into d.
 */
int codegen_run(const struct ast *ast, const struct bt_opts *opts, struct bt_program *prog,
		struct diags *d);
/* Disassemble prog->obj (every program section) to f: what -d bpf prints. */
int codegen_dump_bpf(const struct bt_program *prog, FILE *f);
/*
 * The parts of codegen that need no LLVM: the layout of scalar aggregation
 * maps (one-slot per-CPU arrays), hist_sum, the ring buffer's name, join()
 * records' argument types. codegen_run calls it too; calling it twice is
 * harmless. Whatever else codegen_run writes into prog must be decided
 * here or be sent back by isolate.c: the tracer never sees the child's
 * memory.
 */
void codegen_prepare(const struct bt_opts *opts, struct bt_program *prog);

/* backedge.c: put a `goto +0` after every non-jump instruction that falls
 * through into a loop header (a jump target in its own cycle), which the
 * verifier of kernels like 6.1 refuses as "back-edge from insn X to X+1";
 * *obj (xmalloc'd) is replaced when something was inserted. Returns the
 * number of gotos inserted, or -errno (object unchanged) for a layout it
 * does not handle. No LLVM: plain ELF bytes. */
int backedge_pad(void **obj, size_t *len);

/* isolate.c: codegen_run in a child process, so that LLVM's code and heap
 * never become resident in the tracer; same contract as codegen_run (dumps
 * go to stdout from the child). What main.c calls. */
int codegen_run_isolated(const struct ast *ast, const struct bt_opts *opts,
			 struct bt_program *prog, struct diags *d);
/* Run LLVM's static constructors, which tracetop's static link defers (the
 * Makefile moves them out of .init_array): once per process, before any
 * LLVM call. A no-op when LLVM is linked dynamically. */
void codegen_llvm_init(void);

#define CODEGEN_KSTACK_MAP "tt_kstack"
#define CODEGEN_USTACK_MAP "tt_ustack"

#ifdef CODEGEN_INTERNAL
#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "../frontend/frontend.h"

#define CG_MAX_LOOPS 32
#define JOIN_SLOTS   16 /* join(): argv strings per record */
/* ir_alloca: values of SCRATCH_MIN bytes or more live in the per-CPU map
 * SCRATCH_NAME (SCRATCH_BYTES per function), not on the 512-byte stack */
#define SCRATCH_NAME  "tt_scratch"
#define SCRATCH_MIN   128
#define SCRATCH_BYTES 4096

struct cg_loop {
	LLVMBasicBlockRef brk, cont;
};

/* One compilation: the LLVM module and, while a probe is generated, that
 * probe's function state. */
struct cg {
	const struct bt_opts *opts;
	struct bt_program *prog;
	struct diags *d;
	const struct ast *ast;

	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMDIBuilderRef di;
	LLVMMetadataRef di_cu, di_file;
	LLVMTypeRef i1, i8, i16, i32, i64, ptr, void_t;
	struct vec used; /* LLVMValueRef globals for llvm.compiler.used */

	LLVMValueRef *map_vars; /* per prog->maps[i] */
	LLVMValueRef ringbuf, kstack_map, ustack_map, config_map, lost_map;
	LLVMValueRef scratch_map; /* SCRATCH_NAME, made on first use */

	/* current function */
	LLVMValueRef fn, ctx_arg;
	LLVMBasicBlockRef entry;
	LLVMBuilderRef alloca_b; /* positioned in the entry block */
	LLVMValueRef scratch_base; /* this function's scratch entry, or NULL */
	uint32_t scratch_used;     /* bytes of it handed out */
	const struct probe_fn *pfn;
	uint64_t probe_index;
	LLVMValueRef probe_index_v; /* the `probe` value when it is a parameter, else NULL */
	LLVMValueRef *vars; /* allocas by var_id, created on first store */
	const struct type **var_types;
	size_t nvars;
	struct cg_loop loops[CG_MAX_LOOPS];
	int nloops;
	int errors;           /* codegen-time errors reported */
	struct span cur_span; /* the expression being generated, for -k reports */
};

/* ir.c: the thin layer over LLVMBuild* and BPF helpers. */
void ir_init(struct cg *cg, const char *module_name);
void ir_dispose(struct cg *cg);
LLVMValueRef ir_const(struct cg *cg, uint64_t v);   /* i64 */
LLVMValueRef ir_const32(struct cg *cg, uint32_t v); /* i32 */
LLVMTypeRef ir_int_type(struct cg *cg, uint32_t bytes);
LLVMValueRef ir_alloca(struct cg *cg, uint32_t size, const char *name); /* [size x i8], align 8 */
LLVMValueRef ir_alloca_zeroed(struct cg *cg, uint32_t size, const char *name);
LLVMValueRef ir_gep(struct cg *cg, LLVMValueRef p, uint64_t off); /* i8 gep */
LLVMValueRef ir_gep_dyn(struct cg *cg, LLVMValueRef p, LLVMValueRef off);
LLVMValueRef ir_load(struct cg *cg, LLVMValueRef p, uint32_t bytes, bool is_signed); /* -> i64 */
void ir_store(struct cg *cg, LLVMValueRef p, LLVMValueRef v, uint32_t bytes); /* v: any int */
void ir_memset(struct cg *cg, LLVMValueRef p, uint8_t byte, uint32_t size);
void ir_memcpy(struct cg *cg, LLVMValueRef dst, LLVMValueRef src, uint32_t size);
LLVMValueRef ir_to_i64(struct cg *cg, LLVMValueRef v, bool is_signed);
LLVMValueRef ir_to_bool(struct cg *cg, LLVMValueRef v);            /* i1: v != 0 */
void ir_atomic_add(struct cg *cg, LLVMValueRef p, LLVMValueRef v); /* i64 */
LLVMBasicBlockRef ir_block(struct cg *cg, const char *name);
/* A BPF subprogram: internal, in .text, nounwind and never inlined. */
LLVMValueRef ir_subprogram(struct cg *cg, const char *name, LLVMTypeRef fty);
void ir_set_block(struct cg *cg, LLVMBasicBlockRef bb);
bool ir_block_terminated(struct cg *cg);
void ir_br(struct cg *cg, LLVMBasicBlockRef bb); /* unless already terminated */
/* helpers: return i64 unless said otherwise */
LLVMValueRef ir_helper(struct cg *cg, int id, LLVMTypeRef ret, LLVMValueRef *args, unsigned n);
LLVMValueRef ir_map_lookup(struct cg *cg, LLVMValueRef map, LLVMValueRef key); /* ptr or null */
LLVMValueRef ir_map_update(struct cg *cg, LLVMValueRef map, LLVMValueRef key, LLVMValueRef val,
			   uint64_t flags);
LLVMValueRef ir_map_delete(struct cg *cg, LLVMValueRef map, LLVMValueRef key);
/* Where a pointer points: AS_ANY (an integer used as an address) uses the
 * probe_read helpers that try both, as bpftrace does for such reads. */
enum addr_space {
	AS_KERNEL,
	AS_USER,
	AS_ANY,
};
LLVMValueRef ir_probe_read(struct cg *cg, LLVMValueRef dst, LLVMValueRef size, LLVMValueRef src,
			   int space);
LLVMValueRef ir_probe_read_str(struct cg *cg, LLVMValueRef dst, LLVMValueRef size, LLVMValueRef src,
			       int space);
LLVMValueRef ir_get_pid_tgid(struct cg *cg);
LLVMValueRef ir_get_uid_gid(struct cg *cg);
LLVMValueRef ir_ktime(struct cg *cg);
LLVMValueRef ir_get_cpu(struct cg *cg);
LLVMValueRef ir_get_numa_node(struct cg *cg);
LLVMValueRef ir_get_comm(struct cg *cg, LLVMValueRef dst, uint32_t size);
LLVMValueRef ir_get_current_task(struct cg *cg);
LLVMValueRef ir_get_prandom(struct cg *cg);
LLVMValueRef ir_get_cgroup_id(struct cg *cg);
LLVMValueRef ir_get_jiffies(struct cg *cg);
LLVMValueRef ir_get_stackid(struct cg *cg, LLVMValueRef map, uint64_t flags);
LLVMValueRef ir_send_signal(struct cg *cg, LLVMValueRef sig);
/* reserve/output count a failure in tt_lost (RT_LOST_MAP); records are
 * submitted with BPF_RB_NO_WAKEUP, _wakeup forces one (exit). */
LLVMValueRef ir_ringbuf_reserve(struct cg *cg, uint64_t size); /* ptr or null */
void ir_ringbuf_submit(struct cg *cg, LLVMValueRef rec);
void ir_ringbuf_submit_wakeup(struct cg *cg, LLVMValueRef rec);
LLVMValueRef ir_ringbuf_output(struct cg *cg, LLVMValueRef data, uint64_t size);
LLVMValueRef ir_ctx_load(struct cg *cg, uint32_t off, uint32_t bytes, bool is_signed);
/* A BPF program function `int name(void *ctx)` in section sec: sets
 * cg->fn, ctx_arg, entry and leaves the builder in its body. */
LLVMValueRef ir_func_begin(struct cg *cg, const char *name, const char *sec);
void ir_func_end(struct cg *cg); /* returns 0 from an open block, seals entry */

/* Short-lived stack slots: an entry-block alloca bracketed by lifetime
 * markers, so -O2 can give slots of different statements the same bytes. */
LLVMValueRef ir_scratch(struct cg *cg, uint32_t size, const char *name);
void ir_scratch_end(struct cg *cg, LLVMValueRef p, uint32_t size);
LLVMValueRef ir_bswap(struct cg *cg, LLVMValueRef v, uint32_t bytes);
LLVMValueRef ir_get_func_ip(struct cg *cg);

/* btf_maps.c: BTF-defined maps in ".maps", the license, debug info. */
void btf_init(struct cg *cg);
void btf_finish(struct cg *cg);
LLVMValueRef btf_map_define(struct cg *cg, const char *name, uint32_t map_type, uint32_t key_size,
			    uint32_t value_size, uint32_t max_entries);
LLVMValueRef btf_map_define_typed(struct cg *cg, const struct bt_map *m, uint32_t map_type);
LLVMValueRef btf_map_define_sized(struct cg *cg, const char *name, uint32_t map_type,
				  uint32_t key_size, uint32_t value_size, uint32_t max_entries);
void btf_function(struct cg *cg, LLVMValueRef fn, const char *name);
/* long name(void *map, void *key, void *value, void *ctx): a for_each callback */
void btf_callback(struct cg *cg, LLVMValueRef fn, const char *name);
/* int name(void *ctx, long probe): a probe body shared by many programs */
void btf_shared_body(struct cg *cg, LLVMValueRef fn, const char *name);

/* emit.c: verify, optimise and emit the module. */
int emit_object(struct cg *cg, void **obj, size_t *len, const char *dump);

/* codegen.c: resources defined on first use */
LLVMValueRef cg_stack_map(struct cg *cg, bool user);
LLVMValueRef cg_config_field(struct cg *cg, uint32_t off); /* i64 from tt_config */
void cg_gate(struct cg *cg);
/* -kk: from the current block (a map lookup that found nothing), report
 * "Failed to map_lookup_elem: 0" at sp */
void cg_report_missing(struct cg *cg, struct span sp); /* return unless tt_config.begun (bt_program.gated) */
void cg_error(struct cg *cg, struct span sp, const char *what);
/* -k/-kk: when the helper's return ret (i64) is negative, send an
 * EV_RUNTIME_ERROR record naming msg at sp. level 1: -k, 2: -kk only. */
void cg_check(struct cg *cg, LLVMValueRef ret, const char *msg, struct span sp, int level);
void cg_check_read(struct cg *cg, LLVMValueRef ret, int space, bool str); /* -kk */

/* gen_expr.c: expressions. A scalar value (ints, pointers, stack ids,
 * ksym, probe...) is an i64; any other value is a pointer to its bytes in
 * STORAGE form (frontend.h), t->size long. */
bool cg_is_scalar(const struct type *t);
bool cg_is_signed(const struct type *t);
LLVMValueRef gen_expr(struct cg *cg, struct node *n);
LLVMValueRef gen_cond(struct cg *cg, struct node *n); /* i1 */
/* Store n's value in STORAGE form into the slot at dst of type slot. */
void gen_into(struct cg *cg, struct node *n, LLVMValueRef dst, const struct type *slot);
void gen_store_value(struct cg *cg, LLVMValueRef v, const struct type *vt, LLVMValueRef dst,
		     const struct type *slot);
void gen_const_bytes(struct cg *cg, LLVMValueRef dst, const char *s, size_t len, uint32_t size);
LLVMValueRef gen_var_slot(struct cg *cg, struct node *var);
LLVMValueRef gen_arith(struct cg *cg, enum binop op, LLVMValueRef l, LLVMValueRef r, bool sgn);
LLVMValueRef gen_ptr_step(struct cg *cg, const struct type *lhs, enum binop op, LLVMValueRef r);

/* gen_stmt.c */
void gen_stmt(struct cg *cg, struct node *n);
void gen_block(struct cg *cg, struct node *block);
/* gen_for.c: for ($kv : @map) through bpf_for_each_map_elem */
void gen_for(struct cg *cg, struct node *n);

/* gen_probe.c */
int gen_probe(struct cg *cg, struct node *probe);
const char *gen_section_name(struct cg *cg, const struct probe_fn *fn);

/* gen_field.c: reads from the probe context and kernel/user memory. */
LLVMValueRef gen_field(struct cg *cg, struct node *n);
LLVMValueRef gen_index(struct cg *cg, struct node *n);
LLVMValueRef gen_deref(struct cg *cg, struct node *n);
/* read a value of type t from address addr (i64) in kernel or user memory */
LLVMValueRef gen_read_mem(struct cg *cg, LLVMValueRef addr, const struct type *t, int space);
int cg_space(struct cg *cg, const struct type *ptr); /* of a pointer or int address */
LLVMValueRef gen_probe_arg(struct cg *cg, int i);
LLVMValueRef gen_retval(struct cg *cg);
LLVMValueRef gen_reg(struct cg *cg, const char *name, struct span sp);
/* the kernel address (i64) of a pointer value or of a record in kernel
 * memory (args->filp->f_path), or NULL when the value is on the stack */
LLVMValueRef gen_kernel_addr(struct cg *cg, struct node *n);

/* gen_usdt.c: arg i of the function's USDT site (from its note, at
 * compile time); uaddr("sym") of the probe's binary. */
LLVMValueRef gen_usdt_arg(struct cg *cg, int i);
LLVMValueRef gen_uaddr(struct cg *cg, struct node *n);

/* gen_builtin.c */
LLVMValueRef gen_builtin(struct cg *cg, struct node *n);
LLVMValueRef gen_stack_value(struct cg *cg, const struct type *t);

/* gen_call.c: one function per builtin call, dispatched from a table. */
LLVMValueRef gen_call(struct cg *cg, struct node *n);
typedef LLVMValueRef (*gen_call_fn)(struct cg *cg, struct node *n);
gen_call_fn gen_value_call(enum func fn);
/* str(p[, n]) read straight into a slot of size bytes; false if n is no str() of memory */
bool gen_str_into(struct cg *cg, struct node *n, LLVMValueRef dst, uint32_t size);
/* gen_maps.c */
gen_call_fn gen_map_call(enum func fn);
LLVMValueRef gen_map_read(struct cg *cg, struct node *n);
void gen_map_assign(struct cg *cg, struct node *assign);
LLVMValueRef gen_map_incdec(struct cg *cg, struct node *map, enum binop op, LLVMValueRef rhs,
			    bool post);
LLVMValueRef cg_map(struct cg *cg, int map_id);
/* gen_printf.c */
gen_call_fn gen_event_call(enum func fn);
/* gen_text.c: debugf, strcontains */
gen_call_fn gen_text_call(enum func fn);
/* gen_str.c: string comparison, bounded and unrolled */
LLVMValueRef gen_str_equal(struct cg *cg, struct node *a, struct node *b, uint32_t limit);
#endif /* CODEGEN_INTERNAL */

#endif
