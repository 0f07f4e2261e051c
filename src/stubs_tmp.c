/*
 * stubs_tmp.c - TEMPORARY weak stand-ins so the binary links while the
 * stages are being written in parallel. Each real definition overrides its
 * stub; this file is deleted once every stage has landed.
 */
#include "bt.h"
#include "codegen/codegen.h"
#include "frontend/frontend.h"
#include "output/output.h"
#include "runtime/runtime.h"
#include "tui/tui.h"

#define STUB __attribute__((weak))

static int missing(const char *what)
{
	fprintf(stderr, "ERROR: %s: not built yet\n", what);
	return -1;
}

STUB int parse_program(const struct source *s, struct arena *a, struct diags *d, struct ast *o)
{
	(void)s, (void)a, (void)d, (void)o;
	return missing("parser");
}
STUB void ast_dump(const struct ast *ast, FILE *f)
{
	(void)ast, (void)f;
}
STUB int sema_run(struct ast *ast, const struct bt_opts *o, struct arena *a, struct diags *d,
		  struct bt_program *p)
{
	(void)ast, (void)o, (void)a, (void)d, (void)p;
	return missing("sema");
}
STUB int codegen_run(const struct ast *ast, const struct bt_opts *o, struct bt_program *p,
		     struct diags *d)
{
	(void)ast, (void)o, (void)p, (void)d;
	return missing("codegen");
}
STUB int rt_open(struct rt **out, struct bt_program *p, const struct bt_opts *o)
{
	(void)out, (void)p, (void)o;
	return missing("runtime");
}
STUB int rt_start(struct rt *rt, const struct sink_ops *s)
{
	(void)rt, (void)s;
	return -1;
}
STUB int rt_poll(struct rt *rt, int ms, const struct sink_ops *s)
{
	(void)rt, (void)ms, (void)s;
	return -1;
}
STUB struct snapshot *rt_snapshot(struct rt *rt)
{
	(void)rt;
	return NULL;
}
STUB int rt_clear_map(struct rt *rt, const char *n)
{
	(void)rt, (void)n;
	return -1;
}
STUB void rt_stop(struct rt *rt, const struct sink_ops *s, bool dump)
{
	(void)rt, (void)s, (void)dump;
}
STUB void rt_close(struct rt *rt)
{
	(void)rt;
}
STUB size_t rt_nattached(const struct rt *rt)
{
	(void)rt;
	return 0;
}
STUB int rt_print_info(FILE *f)
{
	(void)f;
	return missing("--info");
}
STUB int rt_list_probes(const char *g, bool v, FILE *f)
{
	(void)g, (void)v, (void)f;
	return missing("-l");
}
STUB struct output *output_new_text(FILE *f, const struct bt_opts *o)
{
	(void)f, (void)o;
	return NULL;
}
STUB struct output *output_new_json(FILE *f, const struct bt_opts *o)
{
	(void)f, (void)o;
	return NULL;
}
STUB const struct sink_ops *output_sink(struct output *out)
{
	(void)out;
	return NULL;
}
STUB void output_free(struct output *out)
{
	(void)out;
}
STUB struct tui *tui_new(const struct tui_opts *o)
{
	(void)o;
	missing("dashboard");
	return NULL;
}
STUB const struct sink_ops *tui_sink(struct tui *t)
{
	(void)t;
	return NULL;
}
STUB int tui_run(struct tui *t, const struct tui_source *s)
{
	(void)t, (void)s;
	return 1;
}
STUB void tui_free(struct tui *t)
{
	(void)t;
}
