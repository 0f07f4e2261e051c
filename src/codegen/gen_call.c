/*
 * gen_call.c - function calls: the dispatch over enum func, and the
 * value-producing builtins (str, buf, ksym, usym, kaddr, ntop, pton, reg,
 * macaddr, strftime, strncmp, bswap, signal, cgroupid, override ...), one
 * function each. Map functions live in gen_maps.c and ring-buffer events
 * in gen_printf.c; each family hands back its handler for a func.
 */
#define CODEGEN_INTERNAL
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codegen.h"

#define AF_INET_  2
#define AF_INET6_ 10

static struct node *arg(struct node *n, int i)
{
	struct node *a = n->u.call.args.head;

	while (a && i-- > 0)
		a = a->next;
	return a;
}

/* Length argument (+ extra) clamped to [0, max], so the verifier sees the
 * bound. str(p, n) reads n characters and a NUL: extra 1. */
static LLVMValueRef clamp_len(struct cg *cg, struct node *len, uint32_t max, uint32_t extra)
{
	LLVMValueRef v;

	if (!len)
		return ir_const(cg, max);
	if (len->kind == N_INT)
		return ir_const(cg, len->u.ival + extra < max ? len->u.ival + extra : max);
	v = gen_expr(cg, len);
	if (extra)
		v = LLVMBuildAdd(cg->b, v, ir_const(cg, extra), "");
	return LLVMBuildSelect(cg->b, LLVMBuildICmp(cg->b, LLVMIntUGT, v, ir_const(cg, max), ""),
			       ir_const(cg, max), v, "");
}

bool gen_str_into(struct cg *cg, struct node *n, LLVMValueRef dst, uint32_t size)
{
	struct node *src = arg(n, 0);
	uint32_t max = n->type->size < size ? n->type->size : size;

	if (!src || src->type->kind == T_STR)
		return false;
	ir_memset(cg, dst, 0, size);
	cg_check_read(cg,
		      ir_probe_read_str(cg, dst, clamp_len(cg, arg(n, 1), max, 1),
					gen_expr(cg, src), cg_space(cg, src->type)),
		      cg_space(cg, src->type), true);
	return true;
}

static LLVMValueRef call_str(struct cg *cg, struct node *n)
{
	struct node *src = arg(n, 0);
	LLVMValueRef p;

	if (src->type->kind == T_STR)
		return gen_expr(cg, src);
	p = ir_alloca(cg, n->type->size, "str");
	gen_str_into(cg, n, p, n->type->size);
	return p;
}

static LLVMValueRef call_buf(struct cg *cg, struct node *n)
{
	uint32_t cap = n->type->size - 4;
	struct node *src = arg(n, 0);
	LLVMValueRef p = ir_alloca_zeroed(cg, n->type->size, "buf");
	LLVMValueRef len = clamp_len(cg, arg(n, 1), cap, 0);
	/* an array or string value is already on the BPF stack */
	int space = cg_is_scalar(src->type) ? cg_space(cg, src->type) : AS_KERNEL;

	ir_store(cg, p, len, 4);
	cg_check_read(cg, ir_probe_read(cg, ir_gep(cg, p, 4), len, gen_expr(cg, src), space), space,
		      false);
	return p;
}

static LLVMValueRef pid_pair(struct cg *cg, LLVMValueRef v)
{
	LLVMValueRef p = ir_alloca(cg, 16, "pair");

	ir_store(cg, p, v, 8);
	ir_store(cg, ir_gep(cg, p, 8),
		 LLVMBuildLShr(cg->b, ir_get_pid_tgid(cg), ir_const(cg, 32), ""), 8);
	return p;
}

static LLVMValueRef call_identity(struct cg *cg, struct node *n)
{
	return gen_expr(cg, arg(n, 0));
}

static LLVMValueRef call_usym(struct cg *cg, struct node *n)
{
	return pid_pair(cg, gen_expr(cg, arg(n, 0)));
}

static LLVMValueRef call_stack(struct cg *cg, struct node *n)
{
	return gen_stack_value(cg, n->type);
}

/* kaddr("sym"): resolved now, from /proc/kallsyms. */
static LLVMValueRef call_kaddr(struct cg *cg, struct node *n)
{
	struct node *name = arg(n, 0);
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256];
	unsigned long long addr = 0, a;
	char kind;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &kind, sym) == 3 &&
		    !strcmp(sym, name->u.str.s)) {
			addr = a;
			break;
		}
	if (f)
		fclose(f);
	if (!addr)
		diag_err(cg->d, n->span, "Failed to resolve kernel symbol: %s", name->u.str.s);
	return ir_const(cg, addr);
}

/* cgroupid("/sys/fs/cgroup/..."): the cgroup v2 id is its directory's inode. */
static LLVMValueRef call_cgroupid(struct cg *cg, struct node *n)
{
	struct node *path = arg(n, 0);
	struct stat st;

	if (stat(path->u.str.s, &st)) {
		diag_err(cg->d, n->span, "cgroupid: cannot stat %s", path->u.str.s);
		return ir_const(cg, 0);
	}
	return ir_const(cg, st.st_ino);
}

static LLVMValueRef call_ntop(struct cg *cg, struct node *n)
{
	struct node *a0 = arg(n, 0), *a1 = arg(n, 1);
	struct node *addr = a1 ? a1 : a0;
	LLVMValueRef p = ir_alloca_zeroed(cg, 24, "inet");
	const struct type *t = addr->type;
	uint32_t len = t->kind == T_INT ? 4 : t->size > 16 ? 16 : t->size;

	if (a1)
		ir_store(cg, p, gen_expr(cg, a0), 8);
	else
		ir_store(cg, p, ir_const(cg, len == 16 ? AF_INET6_ : AF_INET_), 8);
	if (cg_is_scalar(t))
		ir_store(cg, ir_gep(cg, p, 8), gen_expr(cg, addr), 4);
	else
		ir_memcpy(cg, ir_gep(cg, p, 8), gen_expr(cg, addr), len);
	return p;
}

/* pton("addr"): the address's bytes (checked by sema), as a constant array */
static LLVMValueRef call_pton(struct cg *cg, struct node *n)
{
	const char *addr = arg(n, 0)->u.str.s;
	uint32_t len = n->type->size;
	uint8_t bytes[16] = {0};
	LLVMValueRef p = ir_alloca(cg, len, "pton");

	inet_pton(len == 16 ? AF_INET6 : AF_INET, addr, bytes);
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t w;

		memcpy(&w, bytes + i, 4);
		ir_store(cg, ir_gep(cg, p, i), ir_const32(cg, w), 4);
	}
	return p;
}

static LLVMValueRef call_reg(struct cg *cg, struct node *n)
{
	return gen_reg(cg, arg(n, 0)->u.str.s, n->span);
}

static LLVMValueRef call_macaddr(struct cg *cg, struct node *n)
{
	struct node *a = arg(n, 0);
	LLVMValueRef p;

	if (!cg_is_scalar(a->type))
		return gen_expr(cg, a);
	p = ir_alloca_zeroed(cg, 8, "mac");
	ir_probe_read(cg, p, ir_const32(cg, 6), gen_expr(cg, a), cg_space(cg, a->type));
	return p;
}

static LLVMValueRef call_strftime(struct cg *cg, struct node *n)
{
	LLVMValueRef p = ir_alloca(cg, 16, "ts");

	ir_store(cg, p, ir_const(cg, (uint64_t)n->u.call.fmt_id), 8);
	ir_store(cg, ir_gep(cg, p, 8), gen_expr(cg, arg(n, 1)), 8);
	return p;
}

/* strncmp(a, b, n): 0 when the first n bytes match, as C's == 0 */
static LLVMValueRef call_strncmp(struct cg *cg, struct node *n)
{
	struct node *len = arg(n, 2);
	uint32_t limit = len && len->kind == N_INT ? (uint32_t)len->u.ival : UINT32_MAX;
	LLVMValueRef eq = gen_str_equal(cg, arg(n, 0), arg(n, 1), limit);

	return LLVMBuildXor(cg->b, eq, ir_const(cg, 1), "");
}

static LLVMValueRef call_bswap(struct cg *cg, struct node *n)
{
	struct node *a = arg(n, 0);

	return ir_bswap(cg, gen_expr(cg, a), a->type->size ? a->type->size : 8);
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT}, {"SIGILL", SIGILL},
	{"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT}, {"SIGBUS", SIGBUS},   {"SIGFPE", SIGFPE},
	{"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1}, {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2},
	{"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM}, {"SIGCHLD", SIGCHLD},
	{"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP}, {"SIGTSTP", SIGTSTP}, {"SIGURG", SIGURG},
};

static LLVMValueRef call_signal(struct cg *cg, struct node *n)
{
	struct node *a = arg(n, 0);
	LLVMValueRef sig = NULL;

	if (a->kind == N_STR) {
		for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
			if (!strcmp(signals[i].name, a->u.str.s) ||
			    !strcmp(signals[i].name + 3, a->u.str.s))
				sig = ir_const(cg, signals[i].sig);
		if (!sig) {
			diag_err(cg->d, a->span, "Invalid string for signal: %s", a->u.str.s);
			return ir_const(cg, 0);
		}
	} else {
		sig = gen_expr(cg, a);
	}
	ir_send_signal(cg, sig);
	return ir_const(cg, 0);
}

static LLVMValueRef call_override(struct cg *cg, struct node *n)
{
	LLVMValueRef args[] = {cg->ctx_arg, gen_expr(cg, arg(n, 0))};

	ir_helper(cg, BPF_FUNC_override_return, cg->i64, args, 2);
	return ir_const(cg, 0);
}

/* cgroup_path(id[, filter]): 16 bytes, the cgroup id then 1 + the format
 * id holding the filter (0: none); user space names the id (decode.c). */
static LLVMValueRef call_cgroup_path(struct cg *cg, struct node *n)
{
	LLVMValueRef p = ir_alloca(cg, 16, "cgpath");

	ir_store(cg, p, gen_expr(cg, arg(n, 0)), 8);
	ir_store(cg, ir_gep(cg, p, 8), ir_const(cg, (uint64_t)(n->u.call.fmt_id + 1)), 8);
	return p;
}

/* path(p): bpf_d_path into a zeroed string. The argument must stay the
 * verifier's typed kernel pointer (an fentry argument plus a field offset):
 * no probe read. The kernel allows the helper only on the functions of
 * its d_path allowlist; elsewhere the load fails (loader.c says where). */
static LLVMValueRef call_path(struct cg *cg, struct node *n)
{
	struct node *a = arg(n, 0);
	LLVMValueRef buf = ir_alloca_zeroed(cg, n->type->size, "path");
	LLVMValueRef addr = gen_kernel_addr(cg, a);

	if (!addr) {
		cg_error(cg, a->span, "path() of a value that is not in kernel memory");
		return buf;
	}
	LLVMValueRef args[] = {LLVMBuildIntToPtr(cg->b, addr, cg->ptr, ""), buf,
			       LLVMConstInt(cg->i32, n->type->size, false)};
	ir_helper(cg, BPF_FUNC_d_path, cg->i64, args, 3);
	cg->prog->helper_uses = xrealloc(cg->prog->helper_uses, (cg->prog->nhelper_uses + 1) *
									sizeof(*cg->prog->helper_uses));
	cg->prog->helper_uses[cg->prog->nhelper_uses++] =
		(struct bt_helper_use){BPF_FUNC_d_path, n->span};
	return buf;
}

gen_call_fn gen_value_call(enum func fn)
{
	switch (fn) {
	case F_STR:
		return call_str;
	case F_BUF:
		return call_buf;
	case F_KSYM:
	case F_KPTR:
	case F_UPTR:
	case F_STRERROR:
		return call_identity;
	case F_CGROUP_PATH:
		return call_cgroup_path;
	case F_PATH:
		return call_path;
	case F_USYM:
		return call_usym;
	case F_KADDR:
		return call_kaddr;
	case F_UADDR:
		return gen_uaddr;
	case F_KSTACK:
	case F_USTACK:
		return call_stack;
	case F_NTOP:
		return call_ntop;
	case F_PTON:
		return call_pton;
	case F_REG:
		return call_reg;
	case F_CGROUPID:
		return call_cgroupid;
	case F_MACADDR:
		return call_macaddr;
	case F_STRFTIME:
		return call_strftime;
	case F_STRNCMP:
		return call_strncmp;
	case F_BSWAP:
		return call_bswap;
	case F_SIGNAL:
		return call_signal;
	case F_OVERRIDE:
		return call_override;
	default:
		return NULL;
	}
}

LLVMValueRef gen_call(struct cg *cg, struct node *n)
{
	enum func fn = n->u.call.fn;
	gen_call_fn f = gen_value_call(fn);

	if (!f)
		f = gen_map_call(fn);
	if (!f)
		f = gen_event_call(fn);
	if (!f)
		f = gen_text_call(fn);
	if (!f) {
		cg_error(cg, n->span, n->u.call.name);
		return ir_const(cg, 0);
	}
	return f(cg, n);
}
