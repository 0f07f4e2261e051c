/*
 * load_error.c - a program load refused because of where a helper is
 * called, said at the call in the source.
 *
 * Some helpers are allowed only in some probes: bpf_d_path (path()) only
 * on the functions of the kernel's d_path allowlist. The verifier then
 * logs "N: (85) call bpf_d_path#147" and "helper call is not allowed in
 * probe" (or "unknown func bpf_d_path#147" where the kernel lacks it);
 * codegen recorded where the program calls such helpers
 * (prog->helper_uses), so the error points at the call as bpftrace's:
 * "stdin:1:18-48: ERROR: helper bpf_d_path not supported in probe".
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

/* The helper of the failing call: the "call NAME#ID" that comes last
 * before at. Returns its id (name copied to name), or -1. */
static int failed_call(const char *log, const char *at, char *name, size_t cap)
{
	const char *c = NULL, *p = log, *h;

	while ((p = strstr(p, "call ")) && p < at)
		c = p++;
	if (!c)
		return -1;
	c += 5;
	h = strchr(c, '#');
	if (!h || h > at || (size_t)(h - c) >= cap || h == c)
		return -1;
	memcpy(name, c, (size_t)(h - c));
	name[h - c] = 0;
	return atoi(h + 1);
}

bool load_error_helper(struct rt *rt)
{
	const char *log = rt->libbpf_log.buf, *at, *unk;
	const struct bt_helper_use *use = NULL;
	struct source src = {0};
	struct span span;
	struct diags d;
	char name[64], *text;
	int id;

	if (!log || !rt->prog->nhelper_uses)
		return false;
	at = strstr(log, "helper call is not allowed in probe");
	unk = strstr(log, "unknown func ");
	if (!at || (unk && unk < at))
		at = unk ? unk + strlen("unknown func ") + 1 : NULL;
	if (!at)
		return false;
	id = failed_call(log, at, name, sizeof(name));
	for (size_t i = 0; id >= 0 && i < rt->prog->nhelper_uses && !use; i++)
		if (rt->prog->helper_uses[i].helper == id)
			use = &rt->prog->helper_uses[i];
	if (!use)
		return false;
	text = rt_program_source(rt->opts, &src.name);
	src.text = text ? text : "";
	src.len = strlen(src.text);
	span = use->span;
	/* bpftrace's locations start where the whitespace before the token
	 * ends: print(path(...)) is located from "print" */
	while (span.lo > 0 && span.lo <= src.len && !strchr(" \t\n", src.text[span.lo - 1]))
		span.lo--;
	diags_init(&d, &src);
	diag_err(&d, span, "helper %s not supported in probe", name);
	if (!text || span.hi > src.len)
		((struct diag *)d.list.items[0])->has_span = false;
	fputc('\n', stderr);
	diags_print(&d, stderr);
	diags_free(&d);
	free(text);
	return true;
}
