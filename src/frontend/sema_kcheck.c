/*
 * sema_kcheck.c - refusals bpftrace makes about kernel probes before
 * anything is loaded.
 *
 * A kprobe's optional first part names a kernel module
 * (kprobe:module:func); when it names no loaded module (as in
 * kprobe:syscalls:sys_exit_nanosleep, a tracepoint written as a kprobe)
 * the probe gets bpftrace's "requires 1 argument" error at its span.
 * kretprobes on the spinlock functions the kretprobe machinery itself
 * takes would lock the machine up: bpftrace refuses them with its
 * "can't be used" line, even when a wildcard expands to them.
 *
 * fentry:[module:]func needs func in the BTF of vmlinux or of that module
 * (/sys/kernel/btf/<module>, a loaded module's split BTF): otherwise the
 * attach point gets bpftrace's "No BTF found for func" at its span, with
 * what was missing. libbpf 1.1 (bpf_program__set_attach_target, or a
 * "fentry/func" section) looks a name up in vmlinux first, then in the
 * modules: a module function that vmlinux also has could not be attached
 * in its module, so that is refused too.
 */
#define _GNU_SOURCE
#include "sema.h"

#include "../runtime/runtime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const banned_kretprobes[] = {
	"_raw_spin_lock",
	"_raw_spin_lock_irqsave",
	"_raw_spin_unlock_irqrestore",
	"queued_spin_lock_slowpath",
};

/* 1: loaded, 0: not (also: no /proc/modules, a kernel without loadable
 * modules), -1: /proc/modules unreadable (no verdict) */
static int module_loaded(const char *name)
{
	FILE *f = fopen("/proc/modules", "r");
	char line[512];
	size_t n = strlen(name);
	int found = 0;

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && line[n] == ' ';
	fclose(f);
	return found;
}

void sema_check_kprobe_modules(struct sema *s)
{
	node_foreach(&s->ast->probes, p) {
		for (struct attach_point *ap = p->u.probe.aps; ap; ap = ap->next) {
			if (ap->kind != PK_KPROBE && ap->kind != PK_KRETPROBE)
				continue;
			if (!ap->target || !*ap->target || !strcmp(ap->target, "vmlinux") ||
			    strpbrk(ap->target, "*?["))
				continue;
			if (module_loaded(ap->target) != 0)
				continue;
			sema_err(s, ap->span,
				 "%s probe type requires 1 argument (a function), or 2 with a "
				 "loaded kernel module: '%s' is not one",
				 probe_kind_name(ap->kind), ap->target);
		}
	}
}

bool sema_check_kfunc(struct sema *s, const struct attach_point *ap)
{
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	const char *found = NULL;
	int err;

	/* fentry:bpf:[id:]prog is a BPF program; without BTF the load says */
	if (ap->ns || (mod && !strcmp(mod, "bpf")) || !sema_btf(s))
		return true;
	err = kbtf_func_module(s->kb, mod, ap->func, &found);
	if (err == -ENOENT) {
		diag_err(s->d, ap->span,
			 "No BTF found for %s: '%s' is not a loaded kernel module with BTF "
			 "(/sys/kernel/btf/%s)",
			 ap->func, mod, mod);
		return false;
	}
	if (err) {
		diag_err(s->d, ap->span, "No BTF found for %s%s%s", ap->func, mod ? " in " : "",
			 mod ? mod : "");
		return false;
	}
	if (strcmp(found, "vmlinux") && sema_fentry_shadowed(s, mod, ap->func)) {
		diag_err(s->d, ap->span,
			 "%s: vmlinux has a function %s too, which libbpf would attach to instead",
			 ap->raw, ap->func);
		return false;
	}
	return true;
}

void sema_check_banned(struct sema *s)
{
	vec_foreach(&s->probes, i) {
		const struct bt_probe *bp = s->probes.items[i];

		if (bp->kind != PK_KRETPROBE || !bp->func)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(banned_kretprobes); k++)
			if (!strcmp(bp->func, banned_kretprobes[k])) {
				/* one is enough, as bpftrace stops at the first */
				diag_err_nospan(s->d,
						"error: kretprobe:%s can't be used as it might lock "
						"up your system.",
						bp->func);
				return;
			}
	}
}
