/*
 * runtime.h - a compiled program running in the kernel, through libbpf.
 *
 * loader.c opens the object from memory and loads it; attach_*.c attach one
 * probe family each; events.c consumes the ring buffer and turns records
 * into sink calls; maps.c reads maps (batch API) into a snapshot; symbols.c
 * resolves kernel (kallsyms) and user (libelf) addresses; tracefs.c finds
 * and mounts tracefs and reads tracepoint format files; btf.c answers type
 * questions from kernel BTF for sema; list.c implements -l.
 *
 * Only files under src/runtime include libbpf headers.
 */
#ifndef TRACETOP_RUNTIME_H
#define TRACETOP_RUNTIME_H

#include "../bt.h"
#include "../model/model.h"

struct rt; /* opaque: one running program */

/* Load and attach. Returns 0 or -errno after printing one message to stderr;
 * on failure nothing stays loaded or attached. BEGIN runs inside rt_start. */
int rt_open(struct rt **out, struct bt_program *prog, const struct bt_opts *opts);
int rt_start(struct rt *rt, const struct sink_ops *sink);
/* Wait up to timeout_ms for events, deliver them to the sink. Returns 1 when
 * the program asked to exit (exit(), -c child ended), 0 otherwise, -errno. */
int rt_poll(struct rt *rt, int timeout_ms, const struct sink_ops *sink);
/* Read every map into a new snapshot (caller frees with snapshot_free). */
struct snapshot *rt_snapshot(struct rt *rt);
int rt_clear_map(struct rt *rt, const char *name);
/* Detach everything, run END, drain the ring buffer, dump the maps to the
 * sink (unless dump is false) and free. Safe to call after any failure. */
void rt_stop(struct rt *rt, const struct sink_ops *sink, bool dump);
void rt_close(struct rt *rt);
size_t rt_nattached(const struct rt *rt);

/* wanted by main.c: --info, what this kernel supports (kprobes, fentry,
 * BTF, ring buffer, ...); returns 0 or -errno */
int rt_print_info(FILE *out);

/* list.c: -l / -lv */
int rt_list_probes(const char *glob, bool verbose, FILE *out);

/* tracefs.c */
const char *tracefs_path(void); /* mounts it if needed; NULL if unavailable */

#endif
