/*
 * gen_builtin.c - builtin variables (pid, comm, nsecs, kstack, arg0 ...),
 * one small function each, dispatched from a table indexed by enum builtin.
 *
 * Values follow the STORAGE layouts of frontend.h: comm is 16 bytes on the
 * stack, kstack a u64 stack id from the program's stack trace map, ustack
 * and func-in-uprobes two u64s (value, pid) so userspace can symbolise in
 * the right process.
 */
#define CODEGEN_INTERNAL
#include <linux/bpf.h>

#include "codegen.h"

typedef LLVMValueRef (*builtin_fn)(struct cg *cg, struct node *n);

static LLVMValueRef b_pid(struct cg *cg, struct node *n)
{
	(void)n;
	return LLVMBuildLShr(cg->b, ir_get_pid_tgid(cg), ir_const(cg, 32), "pid");
}

static LLVMValueRef b_tid(struct cg *cg, struct node *n)
{
	(void)n;
	return LLVMBuildAnd(cg->b, ir_get_pid_tgid(cg), ir_const(cg, 0xffffffff), "tid");
}

static LLVMValueRef b_uid(struct cg *cg, struct node *n)
{
	(void)n;
	return LLVMBuildAnd(cg->b, ir_get_uid_gid(cg), ir_const(cg, 0xffffffff), "uid");
}

static LLVMValueRef b_gid(struct cg *cg, struct node *n)
{
	(void)n;
	return LLVMBuildLShr(cg->b, ir_get_uid_gid(cg), ir_const(cg, 32), "gid");
}

static LLVMValueRef b_nsecs(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_ktime(cg);
}

static LLVMValueRef b_elapsed(struct cg *cg, struct node *n)
{
	(void)n;
	return LLVMBuildSub(cg->b, ir_ktime(cg),
			    cg_config_field(cg, offsetof(struct tt_config, start_ns)), "elapsed");
}

static LLVMValueRef b_numaid(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_get_numa_node(cg);
}

static LLVMValueRef b_cpu(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_get_cpu(cg);
}

static LLVMValueRef b_comm(struct cg *cg, struct node *n)
{
	LLVMValueRef p = ir_alloca(cg, n->type->size, "comm");

	ir_get_comm(cg, p, 16);
	if (n->type->size > 16)
		ir_memset(cg, ir_gep(cg, p, 16), 0, n->type->size - 16);
	return p;
}

LLVMValueRef gen_stack_value(struct cg *cg, const struct type *t)
{
	bool user = t->kind == T_USTACK;
	LLVMValueRef id = ir_get_stackid(cg, cg_stack_map(cg, user), user ? BPF_F_USER_STACK : 0);
	LLVMValueRef p;

	if (!user)
		return id;
	p = ir_alloca(cg, 16, "ustack");
	ir_store(cg, p, id, 8);
	ir_store(cg, ir_gep(cg, p, 8), b_pid(cg, NULL), 8);
	return p;
}

static LLVMValueRef b_stack(struct cg *cg, struct node *n)
{
	return gen_stack_value(cg, n->type);
}

static LLVMValueRef b_arg(struct cg *cg, struct node *n)
{
	return gen_probe_arg(cg, n->u.builtin.argn);
}

static LLVMValueRef b_sarg(struct cg *cg, struct node *n)
{
	/* the stack argument N sits above the return address at sp */
	LLVMValueRef sp = gen_reg(cg, "sp", n->span);
	LLVMValueRef addr = LLVMBuildAdd(cg->b, sp, ir_const(cg, 8 * (n->u.builtin.argn + 1)), "");

	return gen_read_mem(cg, addr, &t_u64, cg_space(cg, &t_u64));
}

static LLVMValueRef b_retval(struct cg *cg, struct node *n)
{
	(void)n;
	return gen_retval(cg);
}

static LLVMValueRef b_func(struct cg *cg, struct node *n)
{
	LLVMValueRef p;

	if (n->type->kind != T_USYM)
		return ir_get_func_ip(cg);
	p = ir_alloca(cg, 16, "func");
	ir_store(cg, p, gen_reg(cg, "ip", n->span), 8);
	ir_store(cg, ir_gep(cg, p, 8), b_pid(cg, NULL), 8);
	return p;
}

static LLVMValueRef b_probe(struct cg *cg, struct node *n)
{
	(void)n;
	if (cg->probe_index_v)
		return cg->probe_index_v;
	return ir_const(cg, cg->probe_index);
}

static LLVMValueRef b_curtask(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_get_current_task(cg);
}

static LLVMValueRef b_rand(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_get_prandom(cg);
}

static LLVMValueRef b_cgroup(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_get_cgroup_id(cg);
}

static LLVMValueRef b_cpid(struct cg *cg, struct node *n)
{
	(void)n;
	return cg_config_field(cg, offsetof(struct tt_config, cpid));
}

static LLVMValueRef b_ctx(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_to_i64(cg, cg->ctx_arg, false);
}

static LLVMValueRef b_jiffies(struct cg *cg, struct node *n)
{
	(void)n;
	return ir_get_jiffies(cg);
}

static const builtin_fn builtins[] = {
	[B_PID] = b_pid,       [B_TID] = b_tid,         [B_UID] = b_uid,
	[B_GID] = b_gid,       [B_NSECS] = b_nsecs,     [B_ELAPSED] = b_elapsed,
	[B_NUMAID] = b_numaid, [B_CPU] = b_cpu,         [B_COMM] = b_comm,
	[B_KSTACK] = b_stack,  [B_USTACK] = b_stack,    [B_ARG] = b_arg,
	[B_SARG] = b_sarg,     [B_RETVAL] = b_retval,   [B_FUNC] = b_func,
	[B_PROBE] = b_probe,   [B_CURTASK] = b_curtask, [B_RAND] = b_rand,
	[B_CGROUP] = b_cgroup, [B_CPID] = b_cpid,       [B_ARGS] = b_ctx,
	[B_CTX] = b_ctx,       [B_USERNAME] = b_uid,    [B_JIFFIES] = b_jiffies,
};

LLVMValueRef gen_builtin(struct cg *cg, struct node *n)
{
	enum builtin b = n->u.builtin.b;

	if ((size_t)b >= ARRAY_SIZE(builtins) || !builtins[b]) {
		cg_error(cg, n->span, "this builtin");
		return ir_const(cg, 0);
	}
	return builtins[b](cg, n);
}
