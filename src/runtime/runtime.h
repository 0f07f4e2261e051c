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
/* The run ends on a signal (Ctrl-C, SIGTERM): rt_stop then runs no
 * system() command still queued (printf output is still drained). */
void rt_interrupt(struct rt *rt);
void rt_close(struct rt *rt);
size_t rt_nattached(const struct rt *rt);
/* loader.c: an fd that becomes readable when records wait or the -c child
 * ends (for a caller's own poll loop; records submitted without wakeup do
 * not make it readable: poll at least every 100 ms anyway). */
int rt_event_fd(const struct rt *rt);

/* wanted by main.c: --info, what this kernel supports (kprobes, fentry,
 * BTF, ring buffer, ...); returns 0 or -errno */
int rt_print_info(FILE *out);

/* kfeat.c: kernel probe mechanisms this kernel and process can use, each
 * a real try (a PMU or kprobe_events to write, an fentry program that
 * loads, a kprobe_multi link the kernel knows). No caching: callers keep
 * the answers. Wanted by sema too (kprobes run as fentry without them). */
bool kfeat_kprobes(void);
bool kfeat_fentry(void);
bool kfeat_kprobe_multi(void);
/* Does the program insns load as fentry on the BTF function func? (what
 * kfeat_fentry and --info's dpath line ask) */
struct bpf_insn;
bool kfeat_fentry_loads(const char *func, const char *name, const struct bpf_insn *insns,
			size_t ninsns);

/* list.c: -l / -lv */
int rt_list_probes(const char *glob, bool verbose, FILE *out);

/* glob.c: bpftrace wildcards, '*' (any run, may be empty) and '?' (one
 * character); match one attach point part at a time. */
bool glob_match(const char *pat, const char *s);
bool glob_has_wildcard(const char *s);

/* tracefs.c */
const char *tracefs_path(void); /* mounts it if needed; NULL if unavailable */
/* whole file into *out (xmalloc'd, NUL-terminated); 0 or -errno */
int tracefs_read_file(const char *path, char **out, size_t *len);
bool tracefs_tp_exists(const char *category, const char *event);
struct kbtf;
/* events/<cat>/<event>/format as a T_RECORD "struct _tracepoint_<cat>_<event>"
 * built in arena a, fields in file order (common_* included) with bpftrace
 * 0.17's types: ints by size/sign (t_s32 ...), "char x[N]" -> T_STR size N,
 * other arrays -> T_ARRAY, pointers -> T_PTR (elem: base C type, NULL for
 * void, BTF type when kb is given, else an opaque T_RECORD named like
 * "struct file" / "sigset_t" with size 0), __data_loc/__rel_loc fields ->
 * a 4-byte T_INT for which tracefs_is_data_loc() is true. bpftrace gives
 * args->f of such a field the type int64: ctx + (loc & 0xffff) (for
 * __rel_loc also + the field's offset + 4); str() reads it.
 * Returns 0 or -errno (-ENOENT: no such tracepoint). kb may be NULL. */
int tracefs_tp_record(struct kbtf *kb, struct arena *a, const char *category, const char *event,
		      const struct type **out);
bool tracefs_is_data_loc(const struct type *t);
bool tracefs_is_rel_loc(const struct type *t);

/* wanted by sema: implemented in tracefs.c / btf.c
 *
 * sema (frontend) calls these while typing; they never print, they
 * return values. Heap results are freed by the caller as said.
 * (kernel-knowledge engineer: all implemented with these names; see also
 * tracefs_tp_record above, kbtf_raw_tp_proto / kbtf_traceable below and
 * uprobe_expand / bin_resolve for uprobe wildcards and short names.)
 */

/* tracefs.c: expand a tracepoint glob (glob_match: * and ? on each part)
 * against tracefs available_events. Pushes "category:event" strings (xmalloc'd,
 * caller frees each) onto out, sorted by strcmp; returns how many were
 * added (0: no match) or -errno (tracefs unavailable). */
int tracefs_tp_glob(const char *category, const char *event, struct vec *out);

/* One field of events/<category>/<event>/format, common_* fields included,
 * in file order. */
struct tp_field {
	char *name;      /* "filename", "prev_comm", "name" */
	char *ctype;     /* the declaration without the name: "const char *",
			    "char[16]", "__data_loc char[]", "pid_t", "unsigned long" */
	uint32_t offset, size;
	bool is_signed;
};
/* Reads the format file; *fields is a heap array (free with
 * tracefs_tp_fields_free). Returns the field count or -errno (-ENOENT:
 * no such tracepoint). */
int tracefs_tp_fields(const char *category, const char *event, struct tp_field **fields);
void tracefs_tp_fields_free(struct tp_field *fields, int n);

/* btf.c: kernel BTF (/sys/kernel/btf/vmlinux) as bt.h types, built in the
 * caller's arena. Mapping: ints/enums/bool -> T_INT (size, sign; name the
 * C name: "char", "int", "unsigned long"); typedef/const/volatile/restrict
 * are looked through; pointers -> T_PTR (elem NULL for void and function
 * pointers); arrays -> T_ARRAY (elem, count); struct/union -> T_RECORD
 * (name "struct x" / "union x", size, align, btf_id, fields with offsets
 * in bytes and bitfield_off/len for bitfields; members of anonymous
 * struct/union members are also listed flattened, with their offsets
 * made absolute). Records reached through a field or pointer are shallow
 * (fields NULL, count 0, btf_id set) until completed by kbtf_type_by_id. */
struct kbtf;
struct kbtf *kbtf_open(void); /* NULL when the kernel has no BTF */
void kbtf_close(struct kbtf *kb);
/* "struct task_struct", "union x", "task_struct" (struct, union, then
 * typedef), "pid_t", "unsigned int": a complete type, or NULL. */
const struct type *kbtf_type(struct kbtf *kb, struct arena *a, const char *name);
const struct type *kbtf_type_by_id(struct kbtf *kb, struct arena *a, int64_t btf_id);
/* Kernel function prototype (fentry/fexit args): a T_RECORD whose fields
 * are the parameters in order (name, type, offset 8 * i, size 8 * n);
 * *ret is the return type (NULL for void). NULL if no such function. */
const struct type *kbtf_func_proto(struct kbtf *kb, struct arena *a, const char *func,
				   const struct type **ret);
/* The same for fentry:module:func: module NULL or "" looks in vmlinux,
 * then in every module; "vmlinux" or a module's name only there (the
 * module's own part of its split BTF, /sys/kernel/btf/<module>). */
const struct type *kbtf_mod_func_proto(struct kbtf *kb, struct arena *a, const char *module,
				       const char *func, const struct type **ret);
/* Where that lookup finds func: 0 and *found = "vmlinux" or the module's
 * name (valid until kbtf_close); -ENOENT when module has no BTF (not
 * loaded, or no such module), -ESRCH when it has no such function. */
int kbtf_func_module(struct kbtf *kb, const char *module, const char *func, const char **found);
/* btf.c, more: raw tracepoint args (btf_trace_<tp>, without the hidden
 * __data) as the same kind of record as kbtf_func_proto; NULL if none. */
const struct type *kbtf_raw_tp_proto(struct kbtf *kb, struct arena *a, const char *tp);
/* names, sorted and unique, pointing into kb (valid until kbtf_close) */
void kbtf_list_funcs(struct kbtf *kb, struct vec *out);
void kbtf_list_raw_tps(struct kbtf *kb, struct vec *out);
/* "vmlinux:vfs_read", "9p:caches_show": every BTF function with at most
 * max_args parameters (0: any), sorted, xmalloc'd (caller frees each) */
void kbtf_list_funcs_mod(struct kbtf *kb, int max_args, struct vec *out);
bool kbtf_has_struct(struct kbtf *kb, const char *name);
/* available_filter_functions: 1 traceable, 0 not, -errno unreadable (e.g.
 * -EPERM without kprobes); the _funcs variant pushes every name (into kb). */
int kbtf_traceable(struct kbtf *kb, const char *func);
int kbtf_traceable_funcs(struct kbtf *kb, struct vec *out);
/* "module:func" (xmalloc'd, caller frees) of the traceable functions of
 * the modules matching mglob ("vmlinux": every name of the file) */
int kbtf_traceable_funcs_mod(struct kbtf *kb, const char *mglob, struct vec *out);
/* -lv lines "struct file * file", ..., "ssize_t retval" (xmalloc'd) */
int kbtf_arg_lines(struct kbtf *kb, const char *name, bool raw_tp, struct vec *out);
/* a kernel enumerator's value by name ("TCP_ESTABLISHED" -> 1), from the
 * enums of vmlinux BTF (indexed once per kb); false when unknown */
bool kbtf_enum_value(struct kbtf *kb, const char *name, int64_t *value);

/* btf_defs.c: the records a C dump of vmlinux BTF defines in full for
 * `names` ("struct task_struct", "union x"): each named record reached by
 * value (members, arrays, typedefs), pushed on `defined` once; `pointees`
 * (may be NULL) gets the named records their members point to (through
 * one pointer). Names are "struct x" / "union x" strings in arena a. */
void kbtf_dump_defs(struct kbtf *kb, struct arena *a, const char *const *names, size_t n,
		    struct vec *defined, struct vec *pointees);

/* wanted by sema (sema_consts.c), btf.c: the value of a kernel enumerator
 * ("TCP_SYN_SENT", "SKB_DROP_REASON_NOT_SPECIFIED"); false if none. */
bool kbtf_enum_value(struct kbtf *kb, const char *name, int64_t *value);

/* wanted by runtime (decode.c): implemented in symbols.c.
 * Address -> symbol for kstack/ustack/ksym/usym. The tables load lazily on
 * first use and stay cached in struct syms (one per running program).
 * On success *name points into the tables (valid until syms_free) and
 * *off is addr - symbol start; false when the address is unknown. */
struct syms;
struct syms *syms_new(void);
void syms_free(struct syms *s);
bool syms_kernel(struct syms *s, uint64_t addr, const char **name, uint64_t *off);
bool syms_user(struct syms *s, int pid, uint64_t addr, const char **name, uint64_t *off);
/* symbols.c, more: kaddr(): the address of a kernel symbol, 0 if none;
 * the ELF cache inside s, for uprobe resolution in the same context. */
uint64_t syms_kernel_addr(struct syms *s, const char *name);
/* the bytes from a kernel symbol to the next one above it (an upper bound
 * of its function's size), 0 if unknown */
uint64_t syms_kernel_size(struct syms *s, const char *name);
struct elf_cache *syms_elf_cache(struct syms *s);
/* the file mapped at addr in pid (after syms_user looked there), as
 * /proc/PID/maps names it, for ustack(perf); NULL if unknown */
const char *syms_user_module(struct syms *s, int pid, uint64_t addr);

/* elfsyms.c: user binaries' function symbols (FUNC/IFUNC of .symtab and
 * .dynsym), cached per file (device, inode). Names point into the cache
 * (valid until elf_cache_free). */
struct elf_cache;
struct elf_cache *elf_cache_new(void);
void elf_cache_free(struct elf_cache *c);
/* sorted unique function names; count or -errno (-ENOEXEC: not ELF) */
int elf_cache_funcs(struct elf_cache *c, const char *path, struct vec *out);
/* uprobe target: the file offset (what the kernel's uprobe API takes) and
 * the symbol's virtual address; 0, -ENOENT (no such symbol) or -errno */
int elf_cache_func(struct elf_cache *c, const char *path, const char *name, uint64_t *file_off,
		   uint64_t *vaddr);
/* address -> symbol by file offset (from /proc/PID/maps) or by vaddr */
bool elf_cache_sym_by_offset(struct elf_cache *c, const char *path, uint64_t file_off,
			     const char **name, uint64_t *off);
bool elf_cache_sym_by_vaddr(struct elf_cache *c, const char *path, uint64_t vaddr,
			    const char **name, uint64_t *off);
/* the same without a path lookup per address (symbols.c keeps the file
 * per mapping): the cached file, valid until elf_cache_free, or NULL */
struct elf_file;
struct elf_file *elf_cache_open(struct elf_cache *c, const char *path);
bool elf_file_sym_by_offset(const struct elf_file *f, uint64_t file_off, const char **name,
			    uint64_t *off);
/* uprobe binary names: a path (kept as written if it exists), a program on
 * $PATH ("bash" -> "/usr/bin/bash"), or a library the dynamic linker knows
 * ("libc", "c", "libc.so.6" -> "/lib/x86_64-linux-gnu/libc.so.6").
 * xmalloc'd, NULL if not found. */
char *bin_resolve(const char *name);
/* uprobe wildcards: resolve target (bin_resolve; *path xmalloc'd, NULL on
 * error) and push the matching function names (xmalloc'd, sorted, unique,
 * without GCC ".part.N" clones, as bpftrace 0.17). Returns the count, or
 * -ENOENT (no such binary) / -ENOEXEC (not ELF) / -errno. */
int uprobe_expand(const char *target, const char *func_glob, char **path, struct vec *out);
/* USDT probes of a binary (.note.stapsdt), in file order, duplicates kept
 * (one per probe site): pushes struct usdt_note * (free the lot with
 * usdt_notes_free). Returns the count or -errno (-ENOEXEC: not ELF). */
struct usdt_note {
	char *provider, *name;
	char *args;        /* "-4@%edi 8@%rsi": the SystemTap argument spec */
	uint64_t pc;       /* probe site, virtual address (after .stapsdt.base) */
	uint64_t pc_off;   /* its file offset: where a uprobe goes */
	uint64_t sema;     /* semaphore (u16) virtual address, 0 = none */
	uint64_t sema_off; /* its file offset (uprobe ref_ctr_offset) */
};
int elf_usdt_notes(const char *path, struct vec *out);
void usdt_notes_free(struct vec *v);

/* usdt_args.c: the idx-th argument (from 0) of the USDT site at virtual
 * address site in path, parsed from the note's operand text, for codegen.
 * reg/index_reg are struct pt_regs offsets (x86-64); for USDT_ARG_MEM the
 * address is reg + index_reg * scale + disp (a %rip-relative symbol has
 * is_rip_sym: disp = symbol - site, and ip = site in the handler).
 * *nargs (may be NULL) gets the site's argument count. Returns 0, -ENOENT
 * (no such argument, or an unknown symbol), -EINVAL (operand not
 * understood), -ESRCH (no site there), -ENOEXEC. */
enum usdt_arg_kind { USDT_ARG_CONST, USDT_ARG_REG, USDT_ARG_MEM };
struct usdt_arg {
	enum usdt_arg_kind kind;
	int size; /* 1, 2, 4, 8 bytes */
	bool is_signed;
	bool is_rip_sym;
	int reg, index_reg; /* pt_regs offsets; index_reg -1 = none */
	int scale;
	int64_t disp; /* the constant for USDT_ARG_CONST */
};
int usdt_site_arg(const char *path, uint64_t site, int idx, struct usdt_arg *a, int *nargs);
/* the virtual address of a defined symbol of any type (functions,
 * objects) of .symtab/.dynsym; *pie (may be NULL): an ET_DYN file, whose
 * addresses move at load. 0, -ENOENT, -ENOEXEC or -errno. */
int elf_sym_vaddr(const char *path, const char *name, uint64_t *vaddr, bool *pie);
/* the same with the symbol's size (st_size; size may be NULL) */
int elf_sym_find(const char *path, const char *name, uint64_t *vaddr, uint64_t *size, bool *pie);

/*
 * loader.c, events.c, maps.c: conventions between codegen and the runtime.
 *
 * RT_LOST_MAP: when the object holds a map of this name (ARRAY or
 * PERCPU_ARRAY, one entry, u64 value), the BPF side adds 1 to it for every
 * record it could not put on the ring buffer (bpf_ringbuf_output/reserve
 * failed). The runtime sums it and reports increments as "Lost N events".
 * Records may be submitted with BPF_RB_NO_WAKEUP: rt_poll looks at the
 * ring buffer every 10 ms whatever the wakeups.
 * EV_PRINT_MAP / EV_CLEAR_MAP / EV_ZERO_MAP index prog->maps.
 * BEGIN and END programs are in a "raw_tp" section (never attached); the
 * runtime runs each once with BPF_PROG_TEST_RUN and a zeroed context.
 * rt_snapshot leaves each map's entries unsorted: map_sort_entries sorts.
 */
#define RT_LOST_MAP "tt_lost"

#endif
