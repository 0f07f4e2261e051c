/*
 * output.h - rendering snapshots and events as text: bpftrace's classic
 * format (text.c), its JSON lines (json.c), and the printf engine (printf.c).
 */
#ifndef TRACETOP_OUTPUT_H
#define TRACETOP_OUTPUT_H

#include "../bt.h"
#include "../model/model.h"

/* wanted by main.c (the lead): an output sink writing to a FILE */
struct output;
struct output *output_new_text(FILE *f, const struct bt_opts *o);
struct output *output_new_json(FILE *f, const struct bt_opts *o);
const struct sink_ops *output_sink(struct output *out);
void output_free(struct output *out); /* flushes; does not close f */

#endif
