/*
 * types.c - the built-in type singletons and type names.
 *
 * Type names follow bpftrace's wording in diagnostics: int64, unsigned int8,
 * string[64], (int64,string[16]), count, hist, kstack ...
 */
#define _GNU_SOURCE
#include "../bt.h"

#include <string.h>

#define INT_TYPE(var, sz, sgn, nm)                                                                 \
	const struct type var = {.kind = T_INT, .size = sz, .align = sz, .is_signed = sgn, .name = nm}

INT_TYPE(t_u8, 1, false, "uint8");
INT_TYPE(t_u16, 2, false, "uint16");
INT_TYPE(t_u32, 4, false, "uint32");
INT_TYPE(t_u64, 8, false, "uint64");
INT_TYPE(t_s8, 1, true, "int8");
INT_TYPE(t_s16, 2, true, "int16");
INT_TYPE(t_s32, 4, true, "int32");
INT_TYPE(t_s64, 8, true, "int64");
const struct type t_none = {.kind = T_NONE, .name = "none"};

const struct type *type_int(bool is_signed, uint32_t size)
{
	switch (size) {
	case 1:
		return is_signed ? &t_s8 : &t_u8;
	case 2:
		return is_signed ? &t_s16 : &t_u16;
	case 4:
		return is_signed ? &t_s32 : &t_u32;
	case 8:
		return is_signed ? &t_s64 : &t_u64;
	}
	return NULL;
}

static const char *const simple_names[] = {
	[T_NONE] = "none",
	[T_CTX] = "ctx",
	[T_KSTACK] = "kstack",
	[T_USTACK] = "ustack",
	[T_KSYM] = "ksym",
	[T_USYM] = "usym",
	[T_PROBE] = "probe",
	[T_USERNAME] = "username",
	[T_INET] = "inet",
	[T_MAC] = "mac_address",
	[T_TIMESTAMP] = "timestamp",
	[T_CGROUP_PATH] = "cgroup_path",
	[T_STRERROR] = "strerror",
	[T_COUNT] = "count",
	[T_SUM] = "sum",
	[T_MIN] = "min",
	[T_MAX] = "max",
	[T_AVG] = "avg",
	[T_STATS] = "stats",
	[T_HIST] = "hist",
	[T_LHIST] = "lhist",
};

void type_fmt(const struct type *t, struct strbuf *sb)
{
	if (!t) {
		sb_puts(sb, "none");
		return;
	}
	switch (t->kind) {
	case T_INT:
		sb_printf(sb, "%sint%u", t->is_signed ? "" : "unsigned ", t->size * 8);
		break;
	case T_STR:
		sb_printf(sb, "string[%u]", t->size);
		break;
	case T_BUF:
		sb_printf(sb, "buffer[%u]", t->count);
		break;
	case T_TUPLE:
		sb_putc(sb, '(');
		for (uint32_t i = 0; i < t->count; i++) {
			if (i)
				sb_putc(sb, ',');
			type_fmt(t->fields[i].type, sb);
		}
		sb_putc(sb, ')');
		break;
	case T_RECORD:
		sb_puts(sb, t->name ? t->name : "struct");
		break;
	case T_PTR:
		if (t->elem)
			type_fmt(t->elem, sb);
		else
			sb_puts(sb, "void");
		sb_puts(sb, " *");
		break;
	case T_ARRAY:
		type_fmt(t->elem, sb);
		sb_printf(sb, "[%u]", t->count);
		break;
	default:
		if ((size_t)t->kind < ARRAY_SIZE(simple_names) && simple_names[t->kind])
			sb_puts(sb, simple_names[t->kind]);
		else
			sb_puts(sb, "?");
	}
}

const char *type_str(const struct type *t, char *buf, size_t len)
{
	struct strbuf sb = {0};

	if (!len)
		return buf;
	type_fmt(t ? t : &t_none, &sb);
	snprintf(buf, len, "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	return buf;
}

bool type_equal(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind || a->size != b->size)
		return false;
	switch (a->kind) {
	case T_INT:
		return a->is_signed == b->is_signed;
	case T_TUPLE:
		if (a->count != b->count)
			return false;
		for (uint32_t i = 0; i < a->count; i++)
			if (!type_equal(a->fields[i].type, b->fields[i].type))
				return false;
		return true;
	case T_RECORD:
		return a->name && b->name && !strcmp(a->name, b->name);
	case T_PTR:
	case T_ARRAY:
		return a->count == b->count && type_equal(a->elem, b->elem);
	case T_LHIST:
		return a->lh_min == b->lh_min && a->lh_max == b->lh_max &&
		       a->lh_step == b->lh_step;
	case T_KSTACK:
	case T_USTACK:
		return a->stack_mode == b->stack_mode && a->stack_limit == b->stack_limit;
	default:
		return true;
	}
}

bool type_is_map_value_kind(const struct type *t)
{
	return t && t->kind >= T_COUNT && t->kind <= T_LHIST;
}
