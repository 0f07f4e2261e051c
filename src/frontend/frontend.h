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
	const char *ns;
	const char *func;
	uint64_t offset, address, period_ns, freq_hz, count;
	bool has_wildcard;
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
			const char *name; /* as written */
		} builtin;
		struct {
			const char *name;
			enum func fn;  /* resolved by sema */
			struct node_list args;
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
			struct type_name tn; /* when of a type */
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
		} probe;
		struct {
			const char *name;   /* "struct Foo" */
			const char *body;   /* the text between braces, parsed by sema */
			struct span body_span;
		} struct_def;
		struct {
			struct node_list items; /* N_ASSIGN of N_VAR-like names */
		} config;
	} u;
};

#define node_foreach(list, n) for (struct node *n = (list)->head; n; n = n->next)

struct ast {
	struct node_list includes; /* not used beyond -d ast */
	struct node_list structs;  /* N_STRUCT_DEF */
	struct node *config;       /* N_CONFIG or NULL */
	struct node_list probes;   /* N_PROBE */
};

/* parser.c: returns 0, or -1 after reporting a syntax error into diags. */
struct parser;
int parse_program(const struct source *src, struct arena *a, struct diags *d, struct ast *out);
void node_list_append(struct node_list *l, struct node *n);

/* probespec.c: split ap->raw into kind/target/func/...; reports errors. */
int probespec_parse(struct attach_point *ap, struct arena *a, struct diags *d);
const char *probe_kind_name(enum probe_kind k); /* "tracepoint", "kprobe" ... */

/* ast_dump.c */
void ast_dump(const struct ast *ast, FILE *f);

#endif
