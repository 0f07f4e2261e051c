/*
 * program.c - releasing a struct bt_program, and facts about its maps that
 * codegen and the runtime must agree on (a histogram's bucket count).
 *
 * The program owns its object buffer and the tables the compiler filled;
 * types and strings reachable from the AST live in prog->types, the compile
 * arena, which the program keeps so the runtime can decode with them.
 */
#include "../bt.h"

#include <stdlib.h>
#include <string.h>

void bt_probe_free_strings(struct bt_probe *bp)
{
	free(bp->name);
	free(bp->prog_name);
	free(bp->target);
	free(bp->ns);
	free(bp->func);
}

void bt_program_free(struct bt_program *p)
{
	for (size_t i = 0; i < p->nprobes; i++)
		bt_probe_free_strings(&p->probes[i]);
	for (size_t i = 0; i < p->nmaps; i++) {
		free(p->maps[i].name);
		free(p->maps[i].elf_name);
	}
	for (size_t i = 0; i < p->nformats; i++)
		free(p->formats[i].fmt);
	for (size_t i = 0; i < p->nerrors; i++)
		free(p->errors[i].msg);
	for (size_t i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->notes);
	free(p->helper_uses);
	free(p->probes);
	free(p->maps);
	free(p->formats);
	free(p->errors);
	free(p->obj);
	arena_free(&p->types);
	memset(p, 0, sizeof(*p));
}

uint32_t bt_map_hist_buckets(const struct bt_map *m)
{
	int64_t step = m->lh_step > 0 ? m->lh_step : 1;

	if (m->agg == AGG_LHIST)
		return (uint32_t)((m->lh_max - m->lh_min) / step + 2);
	return 65;
}
