/*
 * frontend.h - source text to a typed AST.
 *
 * lexer.c turns text into tokens with spans; parser.c builds the AST (a
 * tagged union allocated in the compile arena); probespec.c splits attach
 * point text per provider; sema.c resolves builtins, types every
 * expression, infers map key/value types and expands wildcard probes
 * against tracefs, BTF and ELF; ast_dump.c prints the tree for -d ast.
 *
 * Nothing in the frontend calls free(): the arena owns it all.
 */
#ifndef TRACETOP_FRONTEND_H
#define TRACETOP_FRONTEND_H

#include "../bt.h"

#include <setjmp.h>

/* lexer.c */
enum token_kind {
	TK_EOF,
	TK_INT,      /* 123, 0x1f, 017, 1_000, 1K, 10ms ... value in .ival */
	TK_STRING,   /* "..." with escapes decoded into .sval/.slen */
	TK_IDENT,    /* foo, also keywords resolved by the parser by text */
	TK_MAP,      /* @name or @ : text without the @ in .sval */
	TK_VAR,      /* $name : text without the $ */
	TK_PARAM,    /* $1 .. $N : number in .ival; $# is TK_PARAM_COUNT */
	TK_PARAM_COUNT,
	TK_ATTACH,   /* raw attach point text, lexed in probe-header context */
	TK_PUNCT,    /* operators and punctuation: text in .sval */
	TK_INCLUDE,  /* a #include / #define ... line: text in .sval */
	TK_ERROR,
};

struct token {
	enum token_kind kind;
	struct span span;
	const char *sval; /* arena */
	size_t slen;
	uint64_t ival;
};

struct lexer {
	const struct source *src;
	struct arena *arena;
	struct diags *diags;
	size_t pos;
};

void lex_init(struct lexer *l, const struct source *src, struct arena *a, struct diags *d);
struct token lex_next(struct lexer *l);
/* In probe-header position the parser asks for attach point text: reads up
 * to the next ',' '{' '/' (predicate) or newline outside quotes. */
struct token lex_attach_point(struct lexer *l);
/* Skips blanks and comments and returns the next raw byte, -1 at the end. */
int lex_peek_char(struct lexer *l);
/* True when the next text (after blanks) is the word w as a whole word. */
bool lex_at_word(struct lexer *l, const char *w);
/* Raw text of a preprocessor line ('#' to end of line) as TK_INCLUDE. */
struct token lex_pp_line(struct lexer *l);
/* After a '{': raw text up to the matching '}' (left unread), as TK_STRING. */
struct token lex_braced_body(struct lexer *l);

/* AST */
enum node_kind {
	/* expressions */
	N_INT,      /* integer literal: u.ival */
	N_STR,      /* string literal: u.str */
	N_BUILTIN,  /* pid, comm, args, arg0, retval ...: u.builtin */
	N_CALL,     /* f(args): u.call */
	N_MAP,      /* @name[keys]: u.map */
	N_VAR,      /* $name: u.var */
	N_PARAM,    /* $1 ...: u.param (sema folds it into N_INT or N_STR) */
	N_PARAM_COUNT, /* $# */
	N_BINOP,    /* a op b: u.binop */
	N_UNOP,     /* op a, a++ ...: u.unop */
	N_TERNARY,  /* c ? a : b: u.ternary */
	N_FIELD,    /* a.name or a->name: u.field */
	N_INDEX,    /* a[i] (not a map): u.index */
	N_TUPLE,    /* (a, b, ...): u.tuple */
	N_TUPLE_GET,/* $t.0: u.tuple_get */
	N_CAST,     /* (type)a: u.cast */
	N_SIZEOF,   /* sizeof(type or expr): u.size_of */
	N_OFFSETOF, /* offsetof(struct, field): u.offset_of */
	/* statements */
	N_EXPR_STMT, /* expression; : u.expr_stmt */
	N_ASSIGN,    /* lhs = rhs, lhs op= rhs: u.assign */
	N_IF,        /* if (c) {..} else ..: u.if_ */
	N_UNROLL,    /* unroll(n) {..}: u.unroll */
	N_WHILE,     /* while (c) {..}: u.while_ */
	N_FOR,       /* for ($kv : @map) {..}: u.for_ */
	N_BREAK,
	N_CONTINUE,
	N_RETURN,    /* return [expr]: u.ret */
	N_BLOCK,     /* { stmts }: u.block */
	/* top level */
	N_PROBE,     /* attach points, predicate, body: u.probe */
	N_STRUCT_DEF,/* struct Foo { ... }; : u.struct_def */
	N_CONFIG,    /* config = { k = v; ... }: u.config */
};

enum binop {
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_BAND, OP_BOR, OP_BXOR, OP_SHL, OP_SHR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_LAND, OP_LOR,
};

enum unop {
	OP_NEG,     /* -a */
	OP_LNOT,    /* !a */
	OP_BNOT,    /* ~a */
	OP_DEREF,   /* *a */
	OP_ADDROF,  /* &a */
	OP_PRE_INC, OP_PRE_DEC, OP_POST_INC, OP_POST_DEC,
};

/* Every builtin variable; the name table lives in sema.c. */
enum builtin {
	B_PID, B_TID, B_UID, B_GID, B_NSECS, B_ELAPSED, B_NUMAID, B_CPU, B_COMM,
	B_KSTACK, B_USTACK, B_ARG, /* arg0..argN: u.builtin.argn */
	B_SARG,     /* sarg0..: stack args */
	B_RETVAL, B_FUNC, B_PROBE, B_CURTASK, B_RAND, B_CGROUP, B_CPID,
	B_ARGS,     /* args (tracepoint/fentry/uprobe-with-debuginfo) */
	B_CTX, B_USERNAME, B_JIFFIES,
};

/* Every function; the name/arity table lives in sema.c. */
enum func {
	F_UNKNOWN,
	/* map functions */
	F_COUNT, F_SUM, F_AVG, F_MIN, F_MAX, F_STATS, F_HIST, F_LHIST,
	/* output and control */
	F_PRINTF, F_PRINT, F_TIME, F_JOIN, F_EXIT, F_SYSTEM, F_CAT, F_CLEAR,
	F_ZERO, F_DELETE, F_SIGNAL, F_OVERRIDE,
	/* values */
	F_STR, F_BUF, F_KSYM, F_USYM, F_KADDR, F_UADDR, F_KSTACK, F_USTACK,
	F_NTOP, F_PTON, F_REG, F_CGROUPID, F_MACADDR, F_STRFTIME, F_STRNCMP,
	F_STRCONTAINS, F_PATH, F_KPTR, F_UPTR, F_SIZEOF, F_HAS_KEY, F_LEN,
	F_STRERROR, F_BSWAP, F_SKBOUTPUT, F_CGROUP_PATH, F_UNWATCH, F_DEBUGF,
};

struct node;

struct node_list {
	struct node *head, *tail;
	size_t len;
};

struct type_name {           /* a type written in the source, for casts/sizeof */
	const char *name;        /* "int", "uint8", "struct path", "path" */
	int ptr_depth;           /* number of '*' */
	uint32_t array_len;      /* [N], 0 = none */
	struct span span;
};

struct attach_point {
	const char *raw;         /* text as written: "tracepoint:syscalls:sys_enter_*" */
	struct span span;
	enum probe_kind kind;    /* filled by probespec.c */
	const char *target;      /* see struct bt_probe for the meaning per kind */
	const char *ns;          /* usdt: provider; uprobe: language ("cpp"); watchpoint: mode */
	const char *func;        /* watchpoint func+argN: the function */
	uint64_t offset, address, period_ns, freq_hz, count;
				 /* watchpoint: count = length in bytes, offset = N of
				    func+argN (address then 0) */
	bool has_wildcard;       /* '*', '?' or '[' in target, ns or func */
	struct attach_point *next;
};

struct node {
	enum node_kind kind;
	struct span span;
	const struct type *type; /* set by sema (expressions) */
	struct node *next;       /* next in a node_list */
	union {
		uint64_t ival; /* N_INT; is_signed/neg-literal handled by sema */
		struct {
			const char *s; /* N_STR: bytes, NUL-terminated */
			size_t len;
		} str;
		struct {
			enum builtin b;
			int argn;      /* B_ARG/B_SARG */
			const char *name; /* as written; the parser makes every bare
					     identifier an N_BUILTIN (argn -1), sema
					     resolves it (builtin, enum, macro...) */
		} builtin;
		struct {
			const char *name;
			enum func fn;  /* resolved by sema */
			struct node_list args;
			int fmt_id;    /* sema: index into prog->formats, or -1 */
		} call;
		struct {
			const char *name;    /* without '@', "" for the anonymous map */
			struct node_list keys; /* empty: scalar map */
			int map_id;          /* sema: index into the program's maps */
		} map;
		struct {
			const char *name;    /* without '$' */
			int var_id;          /* sema: slot within the probe */
		} var;
		struct {
			int n;
		} param;
		struct {
			enum binop op;
			struct node *lhs, *rhs;
		} binop;
		struct {
			enum unop op;
			struct node *operand;
		} unop;
		struct {
			struct node *cond, *then, *els;
		} ternary;
		struct {
			struct node *base;
			const char *name;
			bool arrow;          /* '->' rather than '.' */
			const struct field *fld; /* sema: the record field read */
			uint8_t data_loc;    /* sema: 1 __data_loc, 2 __rel_loc field */
		} field;
		struct {
			struct node *base, *index;
		} index;
		struct {
			struct node_list elems;
		} tuple;
		struct {
			struct node *base;
			int idx;
		} tuple_get;
		struct {
			struct type_name to;
			struct node *operand;
		} cast;
		struct {
			struct type_name tn; /* when of a type; sizeof(foo) with a
						bare word parses as expr = N_BUILTIN */
			struct node *expr;   /* when of an expression */
		} size_of;
		struct {
			struct type_name tn;
			const char *field;
		} offset_of;
		struct {
			struct node *expr;
		} expr_stmt;
		struct {
			struct node *lhs;   /* N_MAP or N_VAR */
			struct node *rhs;
			bool compound;      /* lhs op= rhs */
			enum binop op;
		} assign;
		struct {
			struct node *cond;
			struct node *then;  /* N_BLOCK */
			struct node *els;   /* N_BLOCK, N_IF or NULL */
		} if_;
		struct {
			struct node *count; /* N_INT after sema */
			struct node *body;
		} unroll;
		struct {
			struct node *cond, *body;
		} while_;
		struct {
			struct node *var;   /* N_VAR */
			struct node *map;   /* N_MAP without keys */
			struct node *body;
		} for_;
		struct {
			struct node *expr;  /* may be NULL */
		} ret;
		struct {
			struct node_list stmts;
		} block;
		struct {
			struct attach_point *aps; /* linked by ->next */
			struct node *pred;        /* may be NULL */
			struct node *body;        /* N_BLOCK */
			int probe_id;
			struct probe_info *info;  /* sema: the BPF functions */
		} probe;
		struct {
			const char *name;   /* "struct Foo" */
			const char *body;   /* the text between braces, parsed by sema */
			struct span body_span;
		} struct_def;
		struct {
			struct node_list items; /* N_ASSIGN: lhs N_VAR named by the key,
						   rhs N_INT, N_STR or N_BUILTIN (a word) */
		} config;
	} u;
};

#define node_foreach(list, n) for (struct node *n = (list)->head; n; n = n->next)

struct ast {
	struct node_list includes; /* N_STR: each preprocessor line (#include,
				      #define, #!...) as written */
	struct node_list structs;  /* N_STRUCT_DEF */
	struct node *config;       /* N_CONFIG or NULL */
	struct node_list probes;   /* N_PROBE */
};

/* parser.c: returns 0, or -1 after reporting a syntax error into diags. */
#define PARSE_MAX_DEPTH 200 /* nesting of expressions/statements */
#define PARSE_LOOKAHEAD 8
/* The parser's context, shared by parser.c, parser_expr.c, parser_stmt.c. */
struct parser {
	struct lexer lex;
	struct arena *arena;
	struct diags *diags;
	struct token la[PARSE_LOOKAHEAD]; /* tokens lexed but not consumed */
	int nla;
	struct token prev; /* the last consumed token */
	int depth;         /* current nesting, bounded by PARSE_MAX_DEPTH */
	bool in_pred;      /* inside /pred/: a '/' followed by '{' ends it */
	jmp_buf fail;      /* longjmp target after the first syntax error */
};
int parse_program(const struct source *src, struct arena *a, struct diags *d, struct ast *out);
void node_list_append(struct node_list *l, struct node *n);
/* parser.c helpers for the other parser*.c files */
const struct token *parse_peek(struct parser *p, int k); /* k = 0: current */
struct token parse_next(struct parser *p);
bool parse_is(struct parser *p, int k, const char *text); /* punct or identifier text */
bool parse_accept(struct parser *p, const char *text);
struct token parse_expect(struct parser *p, const char *text, const char *expecting);
void parse_fail(struct parser *p, const struct token *t, const char *expecting)
	__attribute__((noreturn));
void parse_fail_msg(struct parser *p, struct span sp, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
struct node *parse_new_node(struct parser *p, enum node_kind k, struct span sp);
struct span parse_span_from(struct parser *p, struct span start); /* start .. prev */
void parse_enter(struct parser *p, struct span sp); /* depth++, fails when too deep */
void parse_leave(struct parser *p);
bool parse_is_keyword(const char *s); /* if, else, while ...: never an expression */
/* parser_expr.c */
struct node *parse_expr(struct parser *p);
struct type_name parse_type_name(struct parser *p);
/* parser_stmt.c */
struct node *parse_block(struct parser *p);

/* probespec.c: split ap->raw into kind/target/func/...; reports errors. */
int probespec_parse(struct attach_point *ap, struct arena *a, struct diags *d);
const char *probe_kind_name(enum probe_kind k); /* "tracepoint", "kprobe" ... */

/* sema.c (declared by the lead for main.c; the sema engineer documents the contract) */
int sema_run(struct ast *ast, const struct bt_opts *opts, struct arena *a, struct diags *d,
	     struct bt_program *prog);

/* ast_dump.c */
void ast_dump(const struct ast *ast, FILE *f);
const char *ast_binop_str(enum binop op); /* "+", "<<", "&&" ... */

/* sema.c, sema_*.c: names, types, maps, formats and probe expansion.
 *
 * sema_run returns 0, or -1 after reporting every error it found into d
 * (then the AST is unfit for codegen). It fills prog->probes, maps and
 * formats; prog->errors stays empty (codegen appends runtime-error entries
 * {msg, span of the call} for the helper calls it checks and uses their
 * index as the EV_RUNTIME_ERROR id). On success it guarantees:
 *
 * NODES
 * - Every expression node has ->type set (never NULL); statements and
 *   void calls have &t_none. Types live in the arena a.
 * - N_PARAM is rewritten in place to N_INT or N_STR, N_PARAM_COUNT to
 *   N_INT, N_SIZEOF and N_OFFSETOF to N_INT: codegen never sees those.
 *   unroll(n)'s count is an N_INT (1..100).
 * - N_BUILTIN: u.builtin.b is final (B_ARG/B_SARG with argn). An
 *   identifier naming a constant (#define, script or kernel enum value,
 *   AF_INET ...) is rewritten in place to N_INT (or N_STR). Stack mode
 *   words in kstack(perf, 8) stay N_BUILTIN with ->type &t_none: read the
 *   mode and limit from the call's ->type (T_KSTACK stack_mode/limit).
 * - N_CALL: u.call.fn is never F_UNKNOWN; u.call.fmt_id is the index into
 *   prog->formats for printf, system, cat, time, join, print of a non-map
 *   value, strftime; -1 otherwise.
 * - N_MAP: u.map.map_id indexes prog->maps (also inside calls such as
 *   count(), delete(@m[k]), print(@m), clear(@m)). A map node's ->type is
 *   the map's value type (T_COUNT.. for aggregations, which only appear as
 *   the rhs of `@m = count()` etc. or as print/clear/zero arguments).
 * - N_VAR: u.var.var_id indexes the enclosing probe_fn's vars[].
 * - N_FIELD: u.field.fld is the field read (offset, bitfield) in the
 *   record the base points to/is; u.field.data_loc marks a tracepoint
 *   `__data_loc` (1) / `__rel_loc` (2) field: read the u32 v at
 *   fld->offset from ctx; the data is at ctx + (v & 0xffff) (+ fld->offset
 *   + 4 for __rel_loc); the node's type is then T_PTR (kernel) to char.
 * - N_CAST: ->type is the target type (T_INT or T_PTR, or T_RECORD/array
 *   only when the operand is a pointer reinterpretation).
 * - N_PROBE: u.probe.info lists the BPF functions it compiles to.
 *
 * PROBES. prog->probes has one bt_probe per attach target, in source
 * order, wildcards expanded (tracefs globs, ELF symbols); name is the
 * full name the `probe` builtin prints ("tracepoint:sched:sched_switch",
 * "BEGIN", "interval:s:5", "profile:hz:99", "uprobe:/bin/bash:readline"),
 * uprobe targets resolved to a path (bin_resolve), wildcards expanded
 * (uprobe_expand; fentry/fexit against BTF function names);
 * prog_name the BPF function's name, [A-Za-z0-9_] only, shared by every
 * bt_probe that one function is attached to. One probe_fn per attach point
 * as written; an attach point that expands to several targets gets one
 * probe_fn per target when the body reads `probe`, or `args` of a
 * tracepoint or fentry/fexit (layouts differ), else one probe_fn
 * attached many times.
 * Probe kinds this kernel cannot attach (kprobe...) are typed normally.
 */
struct sema_var {
	const char *name;        /* without '$' */
	const struct type *type; /* storage type (see STORAGE) */
};

struct probe_fn {
	const char *prog_name;    /* == prog->probes[i].prog_name, lo <= i < hi */
	enum probe_kind kind;
	size_t probe_lo, probe_hi; /* the prog->probes this function is attached to */
	uint64_t probe_index;     /* value of the `probe` builtin: probe_lo */
	/* its attach point matched nothing and was dropped (probe_lo ==
	 * probe_hi): typed, as bpftrace types it (its maps exist), but
	 * never generated */
	bool dropped;
	const struct type *args;  /* T_RECORD of `args` (tracepoint format, fentry
				     prototype) or NULL; ->type of B_ARGS is T_PTR to it */
	struct node *pred;        /* NULL or the typed predicate */
	struct node *body;        /* N_BLOCK, typed for this function; the N_PROBE's
				     own nodes for fns[0], a sema-made copy for the others */
	struct sema_var *vars;    /* by var_id */
	size_t nvars;
	/* a kprobe/kretprobe compiled as fentry/fexit (bt_probe.as_fentry):
	 * argN is ctx slot N (0 past nargs), kretprobe's retval slot nargs */
	bool as_fentry;
	int nargs;     /* the function's parameter count (BTF) */
	bool ret_void; /* the function returns nothing: retval reads 0 */
};

struct probe_info {
	struct probe_fn *fns;
	size_t nfns;
};

/*
 * TYPES of expressions (bpftrace 0.17):
 * - Integer literals: int64. pid tid uid gid cpu numaid nsecs elapsed rand
 *   cgroup jiffies arg0..N sarg0..N retval(kretprobe/uretprobe): uint64.
 *   cpid: uint32. comm: string[16]. kstack/ustack: T_KSTACK/T_USTACK
 *   (mode bpftrace, limit 127 unless kstack(mode, n)). func: T_KSYM
 *   (kprobe) or T_USYM (uprobe). probe: T_PROBE. username: T_USERNAME.
 *   curtask: T_PTR to "struct task_struct" (BTF; elem record shallow when
 *   BTF is missing). ctx: T_PTR to "struct pt_regs" (kprobe/uprobe) or
 *   "struct bpf_perf_event_data" (profile/interval/software/hardware).
 *   retval on fexit: the BTF return type.
 *   args: T_PTR (kernel) to the probe_fn's args record; `args->f` on a
 *   tracepoint is a direct ctx load at fld->offset; on fentry/fexit the
 *   and rawtracepoint (BTF prototype) the field index i is ctx u64 slot i
 *   (uprobe args need DWARF: an error).
 * - Record fields: C ints -> T_INT of their size/sign; char[N] (and
 *   signed/unsigned char[N]) -> T_STR of size N; other arrays T_ARRAY;
 *   pointers T_PTR (is_user set for `syscalls:` tracepoint pointer fields
 *   and uprobe args: read with probe_read_user*, else probe_read_kernel*).
 *   `a->f`/`a.f` on a kernel/user memory record: probe_read of the field
 *   (bitfields: shift right bitfield_off, mask bitfield_len).
 * - Binary arithmetic + - * / % & | ^ << >>: operands extended to 64 bits
 *   (sext if that operand is signed, zext otherwise); result 64-bit,
 *   signed iff both are signed (<< >>: iff lhs signed). / is always udiv,
 *   % always urem, >> always lshr (as bpftrace 0.17 does). Unary - ~ on
 *   ints: 64-bit, signedness of the operand. ! and comparisons, && ||
 *   (short-circuit): uint64 0/1; < <= > >= compare signed iff both
 *   operands are signed.
 * - Pointer +/- int: int scaled by sizeof(*elem) (1 for void*); type of
 *   the pointer. ptr == ptr, ptr cmp int: as uint64.
 * - Strings: == and != between two T_STR (any sizes): equal iff the bytes
 *   match up to and including the first NUL, each side bounded by its own
 *   size. No other operator applies to strings. == and != also compare
 *   two values of another same non-int kind (ksym, probe, inet, buf ...)
 *   byte for byte. if/ternary/predicate conditions: ints or pointers
 *   (non-zero is true). *p reads *p's type (records stay addresses,
 *   see below); *int reads a uint64 from kernel memory.
 * - Ternary: both arms the same kind; ints -> 64-bit (signed iff both);
 *   strings -> the larger size.
 * - Tuples: T_TUPLE, elements as typed (an int8 stays 1 byte, as in
 *   bpftrace 0.17) at natural alignment (align = max elem align, size
 *   rounded up to it); $t.N: element N. A tuple is stored as laid out.
 *   Two tuples of one variable or map must have equal element types
 *   (strings may differ in size: the slot takes the largest); a tuple of
 *   another layout stored into a slot is converted element by element.
 * - Arrays: == and != on two T_ARRAYs of integer elements of one size and
 *   one count compare the bytes. A `char` array (plain char only: uint8_t
 *   and unsigned char arrays stay integer arrays) reads as T_STR.
 *
 * STORAGE. Whenever a value is stored (scratch variable, map key, map
 * value, printf/format argument): integers are widened to
 * 8 bytes (sext if signed, else zext), keeping signedness; strings are
 * copied into the slot's size (the slot's type: the largest string size
 * ever stored there), min(src, slot) bytes then zeros; others as bytes:
 *   T_KSTACK 8 (stack id)        T_USTACK 16 (stack id, pid)
 *   T_KSYM 8 (addr)              T_USYM 16 (addr, pid)
 *   T_PROBE 8 (index in prog->probes)   T_USERNAME 8 (uid)
 *   T_INET 24 (u64 af, 16 addr bytes)   T_MAC 6 (bytes)
 *   T_TIMESTAMP 16 (u64 fmt id of an EV_TIME format, u64 nsecs since boot)
 *   T_BUF count+4 (u32 length, then count bytes; ->size = count + 4)
 *   T_PTR 8, T_RECORD/T_ARRAY their size (copied with probe_read).
 * A T_RECORD/T_ARRAY-typed expression (*p of a struct pointer, an embedded
 * struct field) is an address in kernel memory (user when ->is_user):
 * fields and elements add their offset; only storing it copies bytes.
 * str(p[, n]): p a pointer or int (address) read with probe_read*_str;
 * like bpftrace, n counts characters without the NUL: the read size is
 * min(n + 1, strlen_max). Type: string[min(n + 1, strlen_max)] when n is
 * an N_INT, else string[strlen_max]. str($N) is folded: its argument is
 * the N_STR of the parameter's text and str() returns it unchanged.
 *
 * MAPS. prog->maps sorted by name (strcmp of "@name"), elf_name "AT_" +
 * name without '@'. key: NULL for a scalar map, the single key's STORAGE
 * type, or a T_TUPLE of them for several keys. value: T_COUNT/T_SUM/...
 * for aggregations (T_SUM/T_MIN/T_MAX is_signed from their argument;
 * T_LHIST carries lh_min/max/step), else the STORAGE type of the value.
 * key_size: 8 for a scalar map (u64 0), key->size otherwise, + 8 for
 * hist/lhist (bucket u64 after the user key; a scalar hist key is just the
 * bucket). value_size per bt.h. percpu for every aggregation.
 * max_entries opts->map_keys_max (1 for scalar non-hist maps).
 * A map used with two kinds (count and sum, int and string, different key
 * types, lhist with different params) is an error.
 *
 * FORMATS (prog->formats, in source order). Every record on the ring buffer
 * is: u64 header (kind << 32 | index), then the args tuple's bytes at
 * offset 8; bt_format.size = 8 + args->size (8 when args is NULL).
 *   printf(fmt, ...)   EV_PRINTF,  fmt as written (escapes decoded), args =
 *                      T_TUPLE of the STORAGE of each argument
 *   system/cat(...)    EV_SYSTEM/EV_CAT, same layout
 *   print(value)       EV_PRINT_VALUE, fmt NULL, args = 1-field tuple
 *   time([fmt])        EV_TIME, fmt default "%H:%M:%S\n", args NULL
 *   strftime(fmt, ns)  EV_TIME entry holding fmt (never sent as an event:
 *                      the T_TIMESTAMP value carries its id)
 *   join(argv[, d])    EV_JOIN, fmt = delimiter (default " "), args NULL,
 *                      size = 8 + 16 * strlen_max: 16 string slots read
 *                      from argv[0..15], stopping (slot empty) at NULL
 * Events without a format: exit() EV_EXIT index 0; print(@m[, top[, div]])
 * EV_PRINT_MAP index map_id + u64 top, u64 div (0 = all / no division);
 * clear(@m) EV_CLEAR_MAP, zero(@m) EV_ZERO_MAP, index map_id.
 */
int sema_run(struct ast *ast, const struct bt_opts *opts, struct arena *a, struct diags *d,
	     struct bt_program *prog);
/* -d types: the typed AST with each probe's functions and variables */
void sema_dump(const struct ast *ast, const struct bt_program *prog, FILE *f);

#endif
