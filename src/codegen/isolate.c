/*
 * isolate.c - code generation in a short-lived child process.
 *
 * LLVM is linked statically. Its code (tens of MB of text, touched all
 * over during -O2 and emission) and its heap would otherwise stay mapped
 * in the tracer for the whole run. So the tracer forks after sema, the
 * child runs LLVM's static constructors (deferred at link time: the
 * Makefile renames LLVM's .init_array to tt_llvm_init, so they do not run
 * at every start), generates the object and writes back what codegen
 * adds to the program: the object, the stack map and cpid flags, -k's
 * runtime error sites, the helper call sites and the diagnostics. The parent never executes LLVM
 * code. No LLVM header here: only plain data crosses the pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codegen.h"

/* LLVM's constructors, renamed out of .init_array (see the Makefile). Weak:
 * a build against the shared libLLVM (tests/codegen) has no such section
 * and its constructors ran at load time. */
typedef void (*init_fn)(void);
extern const init_fn __start_tt_llvm_init[] __attribute__((weak));
extern const init_fn __stop_tt_llvm_init[] __attribute__((weak));

void codegen_llvm_init(void)
{
	if (!__start_tt_llvm_init)
		return;
	for (const init_fn *f = __start_tt_llvm_init; f < __stop_tt_llvm_init; f++)
		(*f)();
}

enum {
	RES_KSTACK = 1,
	RES_USTACK = 2,
	RES_CPID = 4,
	RES_GATED = 8, /* bt_program.gated */
};

/* the fixed part of the child's answer; obj, errors and diags follow */
struct cg_result {
	int32_t rc;
	uint32_t flags;
	uint64_t obj_len;
	uint32_t nerrors; /* new runtime error sites (-k) */
	uint32_t ndiags;  /* new diagnostics */
	uint32_t nhelper_uses; /* helper call sites (path()'s bpf_d_path) */
};

static void put_u32(struct strbuf *sb, uint32_t v)
{
	sb_putn(sb, (const char *)&v, sizeof(v));
}

static void put_str(struct strbuf *sb, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;

	put_u32(sb, n);
	if (s)
		sb_putn(sb, s, n);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void child_main(int fd, const struct ast *ast, const struct bt_opts *opts,
		       struct bt_program *prog, struct diags *d)
{
	size_t nerrors0 = prog->nerrors, ndiags0 = d->list.len, nuses0 = prog->nhelper_uses;
	struct cg_result r = {0};
	struct strbuf sb = {0};

	codegen_llvm_init();
	r.rc = codegen_run(ast, opts, prog, d);
	fflush(stdout); /* -d ir / -d bpf */
	r.flags = (prog->kstack_map ? RES_KSTACK : 0) | (prog->ustack_map ? RES_USTACK : 0) |
		  (prog->needs_cpid ? RES_CPID : 0) | (prog->gated ? RES_GATED : 0);
	r.obj_len = r.rc ? 0 : prog->obj_len;
	r.nerrors = (uint32_t)(prog->nerrors - nerrors0);
	r.ndiags = (uint32_t)(d->list.len - ndiags0);
	r.nhelper_uses = (uint32_t)(prog->nhelper_uses - nuses0);
	sb_putn(&sb, (const char *)&r, sizeof(r));
	if (r.obj_len)
		sb_putn(&sb, prog->obj, prog->obj_len);
	for (size_t i = nerrors0; i < prog->nerrors; i++) {
		put_u32(&sb, prog->errors[i].span.lo);
		put_u32(&sb, prog->errors[i].span.hi);
		put_str(&sb, prog->errors[i].msg);
	}
	for (size_t i = nuses0; i < prog->nhelper_uses; i++) {
		put_u32(&sb, (uint32_t)prog->helper_uses[i].helper);
		put_u32(&sb, prog->helper_uses[i].span.lo);
		put_u32(&sb, prog->helper_uses[i].span.hi);
	}
	for (size_t i = ndiags0; i < d->list.len; i++) {
		const struct diag *g = d->list.items[i];

		put_u32(&sb, g->sev);
		put_u32(&sb, g->has_span);
		put_u32(&sb, g->span.lo);
		put_u32(&sb, g->span.hi);
		put_str(&sb, g->msg);
		put_str(&sb, g->hint);
	}
	_exit(write_all(fd, sb.buf, sb.len) ? 1 : 0);
}

/* a cursor over the child's answer */
struct reader {
	const char *p, *end;
	bool bad;
};

static void take(struct reader *rd, void *dst, size_t n)
{
	if (rd->bad || (size_t)(rd->end - rd->p) < n) {
		rd->bad = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, rd->p, n);
	rd->p += n;
}

static uint32_t take_u32(struct reader *rd)
{
	uint32_t v;

	take(rd, &v, sizeof(v));
	return v;
}

static char *take_str(struct reader *rd)
{
	uint32_t n = take_u32(rd);
	char *s;

	if (n == UINT32_MAX || rd->bad)
		return NULL;
	if ((size_t)(rd->end - rd->p) < n) {
		rd->bad = true;
		return NULL;
	}
	s = xstrndup(rd->p, n);
	rd->p += n;
	return s;
}

static int apply_result(struct reader *rd, struct bt_program *prog, struct diags *d)
{
	struct cg_result r;

	take(rd, &r, sizeof(r));
	if (rd->bad)
		return -1;
	if (r.obj_len) {
		if ((uint64_t)(rd->end - rd->p) < r.obj_len)
			return -1;
		prog->obj = xmalloc(r.obj_len);
		memcpy(prog->obj, rd->p, r.obj_len);
		prog->obj_len = r.obj_len;
		rd->p += r.obj_len;
	}
	/* the same string constants codegen.c sets: one binary, one address */
	if (r.flags & RES_KSTACK)
		prog->kstack_map = CODEGEN_KSTACK_MAP;
	if (r.flags & RES_USTACK)
		prog->ustack_map = CODEGEN_USTACK_MAP;
	if (r.flags & RES_CPID)
		prog->needs_cpid = true;
	if (r.flags & RES_GATED)
		prog->gated = true;
	for (uint32_t i = 0; i < r.nerrors && !rd->bad; i++) {
		struct bt_runtime_error e;

		e.span.lo = take_u32(rd);
		e.span.hi = take_u32(rd);
		e.msg = take_str(rd);
		prog->errors = xrealloc(prog->errors, (prog->nerrors + 1) * sizeof(*prog->errors));
		prog->errors[prog->nerrors++] = e;
	}
	for (uint32_t i = 0; i < r.nhelper_uses && !rd->bad; i++) {
		struct bt_helper_use u;

		u.helper = (int)take_u32(rd);
		u.span.lo = take_u32(rd);
		u.span.hi = take_u32(rd);
		prog->helper_uses = xrealloc(prog->helper_uses,
					     (prog->nhelper_uses + 1) * sizeof(*prog->helper_uses));
		prog->helper_uses[prog->nhelper_uses++] = u;
	}
	for (uint32_t i = 0; i < r.ndiags && !rd->bad; i++) {
		struct diag *g = xcalloc(1, sizeof(*g));

		g->sev = take_u32(rd);
		g->has_span = take_u32(rd);
		g->span.lo = take_u32(rd);
		g->span.hi = take_u32(rd);
		g->msg = take_str(rd);
		g->hint = take_str(rd);
		if (!g->msg)
			g->msg = xstrdup("");
		vec_push(&d->list, g);
		if (g->sev == SEV_ERROR)
			d->nerr++;
	}
	return rd->bad ? -1 : r.rc;
}

int codegen_run_isolated(const struct ast *ast, const struct bt_opts *opts,
			 struct bt_program *prog, struct diags *d)
{
	struct strbuf sb = {0};
	struct reader rd;
	char buf[65536];
	int fds[2], status = 0, rc;
	pid_t pid;
	ssize_t n;

	codegen_prepare(opts, prog);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		diag_err_nospan(d, "code generator: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0) {
		diag_err_nospan(d, "code generator: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(fds[1], ast, opts, prog, d);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sb_putn(&sb, buf, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rd.p = sb.buf;
	rd.end = sb.buf + sb.len;
	rd.bad = false;
	rc = sb.len && WIFEXITED(status) && !WEXITSTATUS(status) ? apply_result(&rd, prog, d) : -1;
	sb_free(&sb);
	if (rc && !d->nerr) {
		if (WIFSIGNALED(status))
			diag_err_nospan(d, "internal error: the code generator died (%s)",
					strsignal(WTERMSIG(status)));
		else
			diag_err_nospan(d, "internal error: the code generator failed");
	}
	return rc;
}
