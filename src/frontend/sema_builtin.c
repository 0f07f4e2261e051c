/*
 * sema_builtin.c - builtin variables: pid, comm, args, retval, arg0 ...
 *
 * The name table gives each identifier its enum builtin; sema_builtin
 * then applies bpftrace 0.17's rules: which probe kinds a builtin exists
 * in ("The retval builtin can only be used with 'kretprobe' and ...") and
 * its type (uint64 for the counters, string[16] for comm, a pointer to
 * the probe's args record, stacks with bpftrace's default mode and
 * limit). Identifiers that are not builtins may be named constants
 * (sema_consts.c); otherwise "Unknown identifier".
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <string.h>

#define DEFAULT_STACK 127
#define X86_MAX_ARG   5

static const struct {
	const char *name;
	enum builtin b;
} builtins[] = {
	{"pid", B_PID},         {"tid", B_TID},       {"uid", B_UID},
	{"gid", B_GID},         {"nsecs", B_NSECS},   {"elapsed", B_ELAPSED},
	{"numaid", B_NUMAID},   {"cpu", B_CPU},       {"comm", B_COMM},
	{"kstack", B_KSTACK},   {"ustack", B_USTACK}, {"retval", B_RETVAL},
	{"func", B_FUNC},       {"probe", B_PROBE},   {"curtask", B_CURTASK},
	{"rand", B_RAND},       {"cgroup", B_CGROUP}, {"cpid", B_CPID},
	{"args", B_ARGS},       {"ctx", B_CTX},       {"username", B_USERNAME},
	{"jiffies", B_JIFFIES},
};

bool sema_resolve_builtin(struct node *n)
{
	const char *nm = n->u.builtin.name;

	if (!nm)
		return true; /* made by sema itself */
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(builtins[i].name, nm)) {
			n->u.builtin.b = builtins[i].b;
			return true;
		}
	if (!strncmp(nm, "arg", 3) && nm[3] >= '0' && nm[3] <= '9' && !nm[4]) {
		n->u.builtin.b = B_ARG;
		n->u.builtin.argn = nm[3] - '0';
		return true;
	}
	if (!strncmp(nm, "sarg", 4) && nm[4] >= '0' && nm[4] <= '9' && !nm[5]) {
		n->u.builtin.b = B_SARG;
		n->u.builtin.argn = nm[4] - '0';
		return true;
	}
	return false;
}

static const struct type *record_ptr(struct sema *s, const char *name, bool user)
{
	struct type_name tn = {.name = name};
	const struct type *r = sema_type_from_name(s, &tn, false);

	if (!r) {
		struct type *o = arena_alloc(s->a, sizeof(*o));
		o->kind = T_RECORD;
		o->name = name;
		r = o;
	}
	return stype_ptr(s, r, user);
}

static enum probe_kind fn_kind(struct sema *s)
{
	return s->fn ? s->fn->kind : PK_BEGIN;
}

bool sema_is_perf_kind(enum probe_kind k)
{
	return k == PK_PROFILE || k == PK_INTERVAL || k == PK_SOFTWARE || k == PK_HARDWARE;
}

/* The module part of fentry:module:func (its BTF types args and retval),
 * not fentry:bpf:id:prog's */
static const char *kfunc_module(const struct bt_probe *bp)
{
	return bp->ns ? NULL : bp->target;
}

static const struct type *fn_args(struct sema *s, struct node *n)
{
	enum probe_kind k = fn_kind(s);

	if (s->fn->args)
		return stype_ptr(s, s->fn->args, k == PK_UPROBE);
	if (k == PK_FENTRY || k == PK_FEXIT) {
		struct bt_probe *bp = s->probes.items[s->fn->probe_lo];
		const struct type *ret = NULL;
		const struct type *proto =
			sema_btf(s)
				? kbtf_mod_func_proto(s->kb, s->a, kfunc_module(bp), bp->func, &ret)
				: NULL;
		if (!proto) {
			sema_err(s, n->span, "No BTF found for %s", bp->func);
			return &t_none;
		}
		s->fn->args = proto;
		return stype_ptr(s, proto, false);
	}
	if (k == PK_RAWTRACEPOINT) {
		/* newer bpftrace: the tracepoint's BTF prototype, like fentry */
		struct bt_probe *bp = s->probes.items[s->fn->probe_lo];
		const struct type *proto =
			sema_btf(s) ? kbtf_raw_tp_proto(s->kb, s->a, bp->func) : NULL;
		if (!proto) {
			sema_err(s, n->span, "No BTF found for raw tracepoint %s", bp->func);
			return &t_none;
		}
		s->fn->args = proto;
		return stype_ptr(s, proto, false);
	}
	if (k == PK_TRACEPOINT)
		return &t_none; /* reading the format failed: reported already */
	if (k == PK_UPROBE) {
		sema_err(s, n->span,
			 "args for uprobes need DWARF debug info, which is not supported");
		return &t_none;
	}
	sema_err(s, n->span,
		 "The args builtin can only be used with tracepoint/kfunc/uprobeprobes (%s used "
		 "here)",
		 k == PK_BEGIN || k == PK_END ? "special" : probe_kind_name(k));
	return &t_none;
}

void sema_builtin(struct sema *s, struct node *n)
{
	enum probe_kind k = fn_kind(s);
	const char *nm = n->u.builtin.name;

	n->type = &t_u64;
	if (!sema_resolve_builtin(n)) {
		if (sema_ident_const(s, n))
			return;
		sema_err(s, n->span, "Unknown identifier: '%s'", nm);
		n->type = &t_none;
		return;
	}
	switch (n->u.builtin.b) {
	case B_PID:
	case B_TID:
	case B_UID:
	case B_GID:
	case B_NSECS:
	case B_ELAPSED:
	case B_NUMAID:
	case B_CPU:
	case B_RAND:
	case B_CGROUP:
	case B_JIFFIES:
		break;
	case B_CPID:
		if (!s->opts || !s->opts->cmd)
			sema_err(s, n->span, "cpid cannot be used without child command");
		n->type = &t_u32;
		break;
	case B_COMM:
		n->type = stype_str(s, 16);
		break;
	case B_KSTACK:
	case B_USTACK:
		n->type = stype_stack(s, n->u.builtin.b == B_KSTACK, STACK_BPFTRACE, DEFAULT_STACK);
		break;
	case B_PROBE:
		n->type = stype_simple(T_PROBE);
		break;
	case B_USERNAME:
		n->type = stype_simple(T_USERNAME);
		break;
	case B_CURTASK:
		n->type = record_ptr(s, "struct task_struct", false);
		break;
	case B_RETVAL:
		if (k == PK_KRETPROBE || k == PK_URETPROBE) {
			n->type = &t_u64;
		} else if (k == PK_FEXIT) {
			struct bt_probe *bp = s->probes.items[s->fn->probe_lo];
			const struct type *ret = NULL;
			const struct type *proto =
				sema_btf(s) ? kbtf_mod_func_proto(s->kb, s->a, kfunc_module(bp),
								  bp->func, &ret)
					    : NULL;
			/* codegen finds retval after the arguments: it needs their count */
			if (proto && !s->fn->args)
				s->fn->args = proto;
			n->type = ret ? sema_field_type(s, ret) : &t_u64;
		} else {
			sema_err(s, n->span,
				 "The retval builtin can only be used with 'kretprobe' and "
				 "'uretprobe' and 'kfunc' probes%s",
				 k == PK_TRACEPOINT ? " (try to use args->ret instead)" : "");
		}
		break;
	case B_FUNC:
		if (k == PK_KPROBE || k == PK_KRETPROBE || k == PK_FENTRY || k == PK_FEXIT)
			n->type = stype_simple(T_KSYM);
		else if (k == PK_UPROBE || k == PK_URETPROBE)
			n->type = stype_simple(T_USYM);
		else
			sema_err(s, n->span, "The func builtin can not be used with '%s' probes",
				 probe_kind_name(k));
		break;
	case B_ARG:
		/* rawtracepoint: the tracepoint's raw u64 arguments (reference guide) */
		if (k != PK_KPROBE && k != PK_UPROBE && k != PK_USDT && k != PK_RAWTRACEPOINT)
			sema_err(s, n->span,
				 "The %s builtin can only be used with 'kprobes', 'uprobes', "
				 "'rawtracepoint' and 'usdt' probes",
				 nm);
		else if (n->u.builtin.argn > X86_MAX_ARG)
			sema_err(s, n->span, "x86_64 doesn't support %s", nm);
		break;
	case B_SARG:
		if (k != PK_KPROBE && k != PK_UPROBE)
			sema_err(s, n->span,
				 "The %s builtin can only be used with 'kprobes' and 'uprobes' "
				 "probes",
				 nm);
		break;
	case B_ARGS:
		n->type = fn_args(s, n);
		break;
	case B_CTX:
		if (k == PK_KPROBE || k == PK_KRETPROBE || k == PK_UPROBE || k == PK_URETPROBE)
			n->type = record_ptr(s, "struct pt_regs", false);
		else if (sema_is_perf_kind(k))
			n->type = record_ptr(s, "struct bpf_perf_event_data", false);
		else if (k == PK_TRACEPOINT)
			sema_err(s, n->span, "Use args instead of ctx in tracepoint");
		else
			sema_err(s, n->span, "invalid program type");
		break;
	}
}
