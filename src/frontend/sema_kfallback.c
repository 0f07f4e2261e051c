/*
 * sema_kfallback.c - kprobes on a kernel that has none: run them as
 * fentry/fexit when that can mean the same thing.
 *
 * How kprobes run is decided once per compilation, from kfeat.c's tries of
 * the running kernel: kprobes when they exist; else fentry when a tracing
 * program loads; else neither (the probe stays a kprobe and the runtime
 * refuses it before anything loads, naming what is missing). A kprobe:f or
 * kretprobe:f then compiles as fentry:f / fexit:f when the function is in
 * BTF and the body needs nothing only a kprobe has: registers (reg(),
 * sargN, ctx are pt_regs), override(), an offset into the function. The
 * probe keeps its kprobe name and its kprobe semantics: arg0..N are the
 * trampoline's argument slots, kretprobe's retval the slot after them.
 */
#include "sema.h"

#include "../runtime/runtime.h"

#include <stdlib.h>
#include <string.h>

static int kprobe_mode(struct sema *s)
{
	if (s->kprobe_mode == KPROBE_MODE_UNKNOWN)
		s->kprobe_mode = kfeat_kprobes()  ? KPROBE_MODE_KPROBE
				 : kfeat_fentry() ? KPROBE_MODE_FENTRY
						  : KPROBE_MODE_NONE;
	return s->kprobe_mode;
}

const char *sema_kprobe_fallback(struct sema *s, const struct attach_point *ap, bool uses_regs,
				 bool uses_override)
{
	switch (kprobe_mode(s)) {
	case KPROBE_MODE_KPROBE:
		return NULL;
	case KPROBE_MODE_NONE:
		return "fentry, which could run it instead, does not work either (no BPF "
		       "trampolines)";
	default:
		break;
	}
	if (ap->offset)
		return "it cannot run as fentry: an offset into the function needs a kprobe";
	if (uses_regs)
		return "it cannot run as fentry: it reads registers (reg(), sargN or ctx)";
	if (uses_override)
		return "it cannot run as fentry: override() needs a kprobe";
	if (!sema_btf(s))
		return "it cannot run as fentry: the kernel has no BTF";
	return NULL;
}

bool sema_kprobe_mode_fentry(struct sema *s)
{
	return kprobe_mode(s) == KPROBE_MODE_FENTRY;
}

bool sema_fentry_func(struct sema *s, const char *module, const char *func, int *nargs,
		      bool *ret_void)
{
	const struct type *ret = NULL;
	const struct type *proto =
		sema_btf(s) ? kbtf_mod_func_proto(s->kb, s->a, module, func, &ret) : NULL;

	if (!proto)
		return false;
	if (nargs)
		*nargs = (int)proto->count;
	if (ret_void)
		*ret_void = !ret;
	return true;
}

bool sema_fentry_shadowed(struct sema *s, const char *module, const char *func)
{
	const char *found;

	return module && *module && strcmp(module, "vmlinux") && sema_btf(s) &&
	       !kbtf_func_module(s->kb, "vmlinux", func, &found);
}

void sema_note(struct sema *s, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	vec_push(&s->notes, sb_steal(&sb));
}
