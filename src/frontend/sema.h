/*
 * sema.h - private to the sema_*.c files: the analysis context and the
 * functions the sema files call in each other.
 *
 * sema.c drives the passes; sema_probes.c expands attach points into
 * prog->probes and probe_fns; sema_expr.c types expressions and
 * statements; sema_call.c holds the builtin and function tables and checks
 * calls (with sema_call_args.c: shared argument checks, the long per-function
 * rules); sema_maps.c infers map key/value types; sema_printf.c checks
 * format strings and registers formats; sema_types.c builds types (strings,
 * tuples, storage forms, C type names, BTF and script structs).
 *
 * Typing runs several passes over every probe function, because a map may
 * be read in one probe before the probe that assigns it: the early passes
 * only learn map types and report nothing; the final pass reports every
 * error and registers formats.
 */
#ifndef TRACETOP_SEMA_H
#define TRACETOP_SEMA_H

#include "frontend.h"

struct kbtf;

/* What sema knows about one map while typing. */
struct sema_map {
	const char *name; /* "@x" */
	struct span span; /* first use */
	bool key_known;
	int nkeys;                /* -1 until known */
	const struct type *key;   /* storage type, NULL for scalar */
	const struct type *value; /* storage type or T_COUNT.. kind; NULL until known */
	enum map_agg agg;
	int id; /* index in prog->maps, set when the program is assembled */
	bool used_as_key_only;
};

/* A script-defined struct (struct Foo { ... }). */
struct sema_struct {
	const char *name; /* "struct Foo" */
	const struct type *type;
};

/* A struct member naming a record the script has not defined (yet): what
 * sema_check_struct_members decides on once every struct is read. */
struct sema_member_ref {
	const char *rec;  /* "struct thread_info" */
	struct span span; /* of the member declaration */
	enum { MREF_VALUE, MREF_ARRAY, MREF_POINTER } how;
};

struct sema {
	const struct bt_opts *opts;
	struct arena *a;
	struct diags *d;
	struct bt_program *prog;
	struct ast *ast;
	bool final;     /* report errors, register formats */
	uint64_t unroll_copies; /* copies of the statement being typed that
				   enclosing unrolls make (0: not in one) */
	int unresolved; /* map reads whose type is still unknown this pass */

	struct kbtf *kb;
	bool kb_tried;
	/* how kprobes run here, decided once on the first kprobe (kfeat.c) */
	enum { KPROBE_MODE_UNKNOWN, KPROBE_MODE_KPROBE, KPROBE_MODE_FENTRY, KPROBE_MODE_NONE }
		kprobe_mode;
	struct vec notes; /* char * (xmalloc'd): prog->notes, shown under -v */

	struct vec maps;       /* struct sema_map * */
	struct vec formats;    /* struct bt_format * (final pass) */
	struct vec structs;    /* struct sema_struct * */
	struct vec member_refs; /* struct sema_member_ref *, while structs are read */
	struct vec consts;     /* struct sema_const *: #define and enum names */
	struct vec str_params; /* N_STR nodes folded from str($N) */
	struct vec probes;     /* struct bt_probe * during expansion */

	/* the function being typed */
	struct node *probe_node;
	struct attach_point *ap;
	struct probe_fn *fn;
	struct vec vars; /* struct sema_var *, slot = var_id */
	int loop_depth;
	bool in_pred;
	bool have_begin, have_end;
	size_t fn_seq; /* numbers BPF function names */
};

/* sema.c */
void sema_walk(struct sema *s, struct node *n, void (*f)(struct sema *, struct node *, void *),
	       void *arg);
struct sema_var *sema_var_find(struct sema *s, const char *name, int *id);
int sema_var_add(struct sema *s, const char *name, const struct type *t);
bool sema_err(struct sema *s, struct span sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sema_warn(struct sema *s, struct span sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* sema_kfallback.c: kprobes on a kernel without them (see the file) */
/* NULL when the attach point runs as it is (kprobes here) or as fentry;
 * otherwise why it cannot run at all (static text) */
const char *sema_kprobe_fallback(struct sema *s, const struct attach_point *ap, bool uses_regs,
				 bool uses_override);
bool sema_kprobe_mode_fentry(struct sema *s); /* no kprobes, fentry works */
/* func is a BTF function: its parameter count and whether it returns void */
bool sema_fentry_func(struct sema *s, const char *module, const char *func, int *nargs,
		      bool *ret_void);
/* module:func names a module function whose name vmlinux has too: libbpf
 * 1.1 resolves fentry targets by name, vmlinux first, so it cannot attach
 * there */
bool sema_fentry_shadowed(struct sema *s, const char *module, const char *func);
void sema_note(struct sema *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sema_types.c */
const struct type *stype_int(bool is_signed, uint32_t size);
const struct type *stype_str(struct sema *s, uint32_t size);
const struct type *stype_simple(enum type_kind k); /* T_KSYM, T_PROBE ... */
const struct type *stype_stack(struct sema *s, bool kernel, enum stack_mode m, uint32_t limit);
const struct type *stype_ptr(struct sema *s, const struct type *elem, bool is_user);
const struct type *stype_buf(struct sema *s, uint32_t n);
const struct type *stype_tuple(struct sema *s, const struct type **elems, uint32_t n);
const struct type *stype_agg(struct sema *s, enum type_kind k, bool is_signed);
/* a tuple value (`(a, b)`): elements as they are, C layout; stype_tuple
 * lays out records of stored values (keys, printf arguments): integers
 * widened to 8 bytes */
const struct type *stype_tuple_value(struct sema *s, const struct type **elems, uint32_t n);
const struct type *stype_storage(struct sema *s, const struct type *t);
/* bpftrace's wording: "int64", "unsigned int64", "string[16]" ... */
const char *sema_tname(struct sema *s, const struct type *t);
bool stype_is_int(const struct type *t);
bool stype_is_intlike(const struct type *t); /* int or pointer */
/* resolve a written type name (casts, sizeof, offsetof); NULL + error */
const struct type *sema_type_from_name(struct sema *s, const struct type_name *tn, bool report);
/* complete a shallow BTF record; returns t if not shallow */
const struct type *sema_complete(struct sema *s, const struct type *t);
const struct field *sema_find_field(struct sema *s, const struct type *rec, const char *name,
				    const struct type **rec_out);
/* char[N] arrays read as strings, BTF shallow records completed */
const struct type *sema_field_type(struct sema *s, const struct type *t);
struct kbtf *sema_btf(struct sema *s);
void sema_btf_close(struct sema *s);
void sema_parse_structs(struct sema *s);
/* sema_cdecl_btf.c */
void sema_err_incomplete(struct sema *s, struct span sp, const char *rec, bool array);
void sema_check_struct_members(struct sema *s);
const struct type *stype_clone(struct arena *a, const struct type *t, int depth);

/* sema_consts.c */
void sema_collect_consts(struct sema *s);
void sema_define_line(struct sema *s, const char *line, size_t len);
/* sema_include.c */
void sema_includes(struct sema *s);
bool sema_ident_const(struct sema *s, struct node *n);

/* sema_probes.c */
void sema_expand_probes(struct sema *s);
/* sema_kcheck.c: kprobe module parts, banned kretprobes, fentry functions
 * (see the file) */
void sema_check_kprobe_modules(struct sema *s);
void sema_check_banned(struct sema *s);
/* fentry:[module:]func names a function of that BTF (else a located error) */
bool sema_check_kfunc(struct sema *s, const struct attach_point *ap);
bool sema_kind_is(const struct sema *s, enum probe_kind k);
struct node *sema_copy_node(struct sema *s, const struct node *n);

/* sema_expr.c */
const struct type *sema_expr(struct sema *s, struct node *n);
void sema_check_str_lit(struct sema *s, struct node *n); /* longer than strlen */
void sema_stmt(struct sema *s, struct node *n);
void sema_block(struct sema *s, struct node *n);
bool sema_const_int(struct sema *s, struct node *n, int64_t *out);
const char *sema_kname(const struct type *t); /* "integer", "string" ... */
void sema_param_to_str(struct sema *s, struct node *n);
void sema_builtin(struct sema *s, struct node *n);

struct span sema_op_span(struct sema *s, struct node *binop); /* the operator */
bool sema_param_text(struct sema *s, struct node *n, const char **text);
/* sema_builtin.c */
bool sema_resolve_builtin(struct node *n); /* name -> enum builtin */
bool sema_is_perf_kind(enum probe_kind k); /* profile, interval, software, hardware */

/* sema_call.c */
const struct type *sema_call(struct sema *s, struct node *n, struct node *assign_to, bool as_key);
enum func sema_func_lookup(const char *name);
const char *sema_func_name(enum func f);
void sema_func_arity(enum func f, int *min, int *max); /* from the name table */
/* sema_call_args.c */
enum sema_want_ctx { WANT_MAP, WANT_NONE }; /* must / must not be assigned */
int sema_nargs(struct node *call);
struct node *sema_arg(struct node *call, int i);
/* the call's argument count against sema_func_arity, in bpftrace's words */
bool sema_check_arity(struct sema *s, struct node *call);
bool sema_want(struct sema *s, struct node *n, const char *fn, int i, enum type_kind k,
	       bool literal);
void sema_check_assignment(struct sema *s, struct node *n, const char *fn, struct node *to,
			   bool as_key, enum sema_want_ctx w);
bool sema_is_map_arg(struct sema *s, struct node *n, const char *fn, bool keyed_ok);
const struct type *sema_agg_call(struct sema *s, struct node *n, enum func f, const char *fn,
				 struct node *to);
const struct type *sema_stack_call(struct sema *s, struct node *n, bool kernel, const char *fn);
const struct type *sema_str_call(struct sema *s, struct node *n);
const struct type *sema_buf_call(struct sema *s, struct node *n);

/* sema_maps.c */
struct sema_map *sema_map_get(struct sema *s, struct node *map);
const struct type *sema_map_read(struct sema *s, struct node *map);
const struct type *sema_map_value(struct sema *s, struct node *map);
void sema_map_keys(struct sema *s, struct node *map, struct sema_map *m);
void sema_map_assign(struct sema *s, struct node *map, const struct type *vt, struct span sp);
void sema_map_agg(struct sema *s, struct node *map, enum map_agg agg, const struct type *vt,
		  struct span sp);
void sema_maps_finish(struct sema *s);
/* two value types of a map or variable merged (strings grow), NULL if they differ */
const struct type *stype_merge(struct sema *s, const struct type *a, const struct type *b);

/* sema_dump.c: checks the frontend.h contract, prints and counts violations */
int sema_verify(const struct ast *ast, FILE *f);

/* sema_printf.c */
void sema_check_format(struct sema *s, struct node *call, const char *fn, const char *fmt,
		       struct node *args);
int sema_add_format(struct sema *s, enum event_kind kind, const char *fmt, const struct type *args);

#endif
