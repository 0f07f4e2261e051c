/*
 * probespec.c - attach point text to its parts, per provider.
 *
 * The parser keeps each attach point as raw text
 * ("uprobe:/bin/bash:readline"); this file splits it at ':' (outside double
 * quotes, which are removed) and fills kind, target, ns, func, offset,
 * address, period/frequency and count as struct bt_probe documents them. A
 * table of providers gives each one's names and its splitting function.
 * Errors are reported against the attach point's span in bpftrace's words
 * ("tracepoint probe type requires 2 arguments"). Expanding wildcards
 * against tracefs, BTF or ELF is sema's job; here we only note that the
 * text has one.
 */
#include "frontend.h"

#include <ctype.h>
#include <string.h>

#define SPEC_MAX_PARTS 8

struct spec {
	struct attach_point *ap;
	struct arena *arena;
	struct diags *diags;
	const char *kind_name;            /* canonical provider name for messages */
	const char *part[SPEC_MAX_PARTS]; /* after the provider, unquoted */
	int nparts;
};

struct provider_spec {
	const char *name, *alias, *alias2;
	enum probe_kind kind;
	int (*parse)(struct spec *s);
};

static int spec_err(struct spec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int spec_err(struct spec *s, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	diag_err(s->diags, s->ap->span, "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	return -1;
}

static int spec_nargs(struct spec *s, int lo, int hi)
{
	if (s->nparts >= lo && s->nparts <= hi)
		return 0;
	if (lo == hi)
		return spec_err(s, "%s probe type requires %d argument%s", s->kind_name, lo,
				lo == 1 ? "" : "s");
	return spec_err(s, "%s probe type requires %d or %d arguments", s->kind_name, lo, hi);
}

/* The exponent part of "m e n": *out = v * 10^n, t being n's digits. */
static bool spec_exponent(const char *t, uint64_t v, uint64_t *out)
{
	uint64_t n = 0;

	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return false;
		n = n * 10 + (uint64_t)(*t - '0');
		if (n > 100)
			return false;
	}
	for (uint64_t i = 0; i < n && v; i++) {
		if (v > UINT64_MAX / 10)
			return false;
		v *= 10;
	}
	*out = v;
	return true;
}

/* Parses a whole string as an unsigned number (decimal, 0x hex, 0 octal,
 * 1e6 scientific). */
static bool spec_number(const char *t, uint64_t *out)
{
	uint64_t v = 0, base = 10;

	if (!*t)
		return false;
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		base = 16;
		t += 2;
		if (!*t)
			return false;
	} else if (t[0] == '0' && t[1]) {
		base = 8;
		t++;
	}
	for (; *t; t++) {
		uint64_t d;
		if (*t >= '0' && *t <= '9')
			d = (uint64_t)(*t - '0');
		else if (base == 16 && isxdigit((unsigned char)*t))
			d = (uint64_t)(tolower((unsigned char)*t) - 'a' + 10);
		else if (*t == '_' && base == 10)
			continue;
		else if ((*t == 'e' || *t == 'E') && base == 10 && t[1])
			return spec_exponent(t + 1, v, out);
		else
			return false;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool has_wild(const char *t)
{
	return t && (strchr(t, '*') || strchr(t, '?') || strchr(t, '['));
}

static void spec_note_wild(struct spec *s)
{
	struct attach_point *ap = s->ap;

	ap->has_wildcard = has_wild(ap->target) || has_wild(ap->ns) || has_wild(ap->func);
}

/* "func+off" -> func, offset. */
static int spec_func_offset(struct spec *s, const char *t)
{
	const char *plus = strrchr(t, '+');

	if (!plus) {
		s->ap->func = t;
		return 0;
	}
	if (!spec_number(plus + 1, &s->ap->offset))
		return spec_err(s, "invalid offset '%s' in attach point", plus + 1);
	s->ap->func = arena_strndup(s->arena, t, (size_t)(plus - t));
	if (!*s->ap->func)
		return spec_err(s, "missing function name before offset");
	return 0;
}

static int parse_special(struct spec *s)
{
	return spec_nargs(s, 0, 0);
}

/* tracepoint:category:event */
static int parse_tracepoint(struct spec *s)
{
	if (spec_nargs(s, 2, 2))
		return -1;
	if (!*s->part[0] || !*s->part[1])
		return spec_err(s, "tracepoint category and event must not be empty");
	s->ap->target = s->part[0];
	s->ap->func = s->part[1];
	return 0;
}

/* rawtracepoint:[module:]event */
static int parse_rawtracepoint(struct spec *s)
{
	if (spec_nargs(s, 1, 2))
		return -1;
	if (s->nparts == 2)
		s->ap->target = s->part[0];
	s->ap->func = s->part[s->nparts - 1];
	if (!*s->ap->func)
		return spec_err(s, "rawtracepoint event must not be empty");
	return 0;
}

/* kprobe:[module:]func[+offset], kretprobe:[module:]func */
static int parse_kprobe(struct spec *s)
{
	if (spec_nargs(s, 1, 2))
		return -1;
	if (s->nparts == 2)
		s->ap->target = s->part[0];
	const char *f = s->part[s->nparts - 1];
	if (!*f)
		return spec_err(s, "kprobes should be attached to a function");
	if (s->ap->kind == PK_KRETPROBE) {
		if (strchr(f, '+'))
			return spec_err(s, "Offset not allowed");
		s->ap->func = f;
		return 0;
	}
	if (spec_number(f, &s->ap->address))
		return 0;
	return spec_func_offset(s, f);
}

/* fentry:[module:]func, fexit:[module:]func, fentry:bpf:[prog_id:]prog_name
 * (target "bpf", ns the program id) */
static int parse_fentry(struct spec *s)
{
	if (spec_nargs(s, 1, s->nparts == 3 && !strcmp(s->part[0], "bpf") ? 3 : 2))
		return -1;
	if (s->nparts >= 2)
		s->ap->target = s->part[0];
	if (s->nparts == 3)
		s->ap->ns = s->part[1];
	s->ap->func = s->part[s->nparts - 1];
	if (!*s->ap->func)
		return spec_err(s, "%s: function name must not be empty", s->kind_name);
	return 0;
}

/* uprobe:path:func[+offset] | uprobe:path:address | uprobe:path:lang:func */
static int parse_uprobe(struct spec *s)
{
	if (spec_nargs(s, 2, 3))
		return -1;
	if (!*s->part[0])
		return spec_err(s, "%s: binary path must not be empty", s->kind_name);
	s->ap->target = s->part[0];
	if (s->nparts == 3)
		s->ap->ns = s->part[1]; /* language, e.g. "cpp" */
	const char *f = s->part[s->nparts - 1];
	if (!*f)
		return spec_err(s, "%s should be attached to a function and/or address",
				s->kind_name);
	if (spec_number(f, &s->ap->address))
		return 0;
	if (s->ap->kind == PK_URETPROBE && strchr(f, '+'))
		return spec_err(s, "Offset not allowed");
	return spec_func_offset(s, f);
}

/* usdt:path:[provider:]probe */
static int parse_usdt(struct spec *s)
{
	if (spec_nargs(s, 2, 3))
		return -1;
	s->ap->target = s->part[0];
	if (s->nparts == 3)
		s->ap->ns = s->part[1];
	s->ap->func = s->part[s->nparts - 1];
	if (!*s->ap->func)
		return spec_err(s, "usdt probe name must not be empty");
	return 0;
}

struct time_unit {
	const char *name;
	uint64_t ns; /* 0: a frequency in hz */
};

static const struct time_unit time_units[] = {
	{"s", 1000000000ULL}, {"ms", 1000000ULL}, {"us", 1000ULL}, {"ns", 1ULL}, {"hz", 0},
};

/* interval:1s and profile:10ms (later bpftrace): the literal suffixes */
static const struct time_unit duration_suffixes[] = {
	{"ns", 1ULL},
	{"us", 1000ULL},
	{"ms", 1000000ULL},
	{"s", 1000000000ULL},
	{"m", 60000000000ULL},
	{"h", 3600000000000ULL},
	{"d", 86400000000000ULL},
	{"hz", 0},
};

static int spec_set_period(struct spec *s, uint64_t v, uint64_t unit_ns)
{
	if (v == 0)
		return spec_err(s, "%s %s should be a positive integer", s->kind_name,
				unit_ns ? "period" : "frequency");
	if (!unit_ns) {
		s->ap->freq_hz = v;
		return 0;
	}
	if (v > UINT64_MAX / unit_ns)
		return spec_err(s, "%s period is too large", s->kind_name);
	s->ap->period_ns = v * unit_ns;
	return 0;
}

/* interval:1s, interval:1000000 (ns): the value with an optional suffix */
static int parse_timed_short(struct spec *s)
{
	const char *t = s->part[0];
	size_t n = strspn(t, "0123456789_");
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(duration_suffixes) && t[n]; i++) {
		if (strcmp(t + n, duration_suffixes[i].name))
			continue;
		char *num = arena_strndup(s->arena, t, n);
		if (!spec_number(num, &v))
			break;
		return spec_set_period(s, v, duration_suffixes[i].ns);
	}
	if (t[n] || !spec_number(t, &v))
		return spec_err(s, "invalid %s value '%s': not a number or a duration",
				s->kind_name, t);
	return spec_set_period(s, v, 1);
}

/* profile:unit:value, interval:unit:value (unit s ms us ns hz), or the
 * one-part form of parse_timed_short */
static int parse_timed(struct spec *s)
{
	const struct time_unit *u = NULL;
	uint64_t v;

	if (spec_nargs(s, 1, 2))
		return -1;
	if (s->nparts == 1)
		return parse_timed_short(s);
	for (size_t i = 0; i < ARRAY_SIZE(time_units); i++)
		if (!strcmp(s->part[0], time_units[i].name))
			u = &time_units[i];
	if (!u)
		return spec_err(s, "%s is not an accepted unit of time", s->part[0]);
	if (!spec_number(s->part[1], &v))
		return spec_err(s, "invalid %s value '%s': not a number", s->kind_name, s->part[1]);
	return spec_set_period(s, v, u->ns);
}

static const char *const sw_events[] = {
	"cpu-clock",
	"cpu",
	"task-clock",
	"page-faults",
	"faults",
	"context-switches",
	"cs",
	"cpu-migrations",
	"minor-faults",
	"major-faults",
	"alignment-faults",
	"emulation-faults",
	"dummy",
	"bpf-output",
};

static const char *const hw_events[] = {
	"cpu-cycles",          "cycles",     "instructions",  "cache-references", "cache-misses",
	"branch-instructions", "branches",   "branch-misses", "bus-cycles",       "frontend-stalls",
	"backend-stalls",      "ref-cycles",
};

/* software:event[:count], hardware:event[:count] */
static int parse_perf_event(struct spec *s)
{
	bool sw = s->ap->kind == PK_SOFTWARE;
	const char *const *tab = sw ? sw_events : hw_events;
	size_t n = sw ? ARRAY_SIZE(sw_events) : ARRAY_SIZE(hw_events);
	bool found = false;

	if (spec_nargs(s, 1, 2))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s->part[0], tab[i]))
			found = true;
	if (!found)
		return spec_err(s, "%s is not a %s probe", s->part[0], s->kind_name);
	s->ap->func = s->part[0];
	if (s->nparts == 2 && *s->part[1]) {
		if (!spec_number(s->part[1], &s->ap->count) || s->ap->count == 0)
			return spec_err(s, "%s count should be a positive integer", s->kind_name);
	}
	return 0;
}

/* watchpoint:address:length:mode | watchpoint:func+argN:length:mode */
static int parse_watchpoint(struct spec *s)
{
	uint64_t len;
	const char *m;

	if (spec_nargs(s, 3, 3))
		return -1;
	if (!spec_number(s->part[0], &s->ap->address)) {
		const char *plus = strrchr(s->part[0], '+');
		uint64_t argn;
		if (!plus || strncmp(plus + 1, "arg", 3) || !spec_number(plus + 4, &argn) ||
		    plus == s->part[0])
			return spec_err(s, "invalid watchpoint address '%s'", s->part[0]);
		s->ap->func = arena_strndup(s->arena, s->part[0], (size_t)(plus - s->part[0]));
		s->ap->offset = argn; /* the argument holding the address */
	}
	if (!spec_number(s->part[1], &len) || (len != 1 && len != 2 && len != 4 && len != 8))
		return spec_err(s, "watchpoint length must be one of (1,2,4,8)");
	s->ap->count = len;
	m = s->part[2];
	/* what x86 debug registers can do: no read-only watch */
	if (strcmp(m, "w") && strcmp(m, "x") && strcmp(m, "rw") && strcmp(m, "wr"))
		return spec_err(s, "invalid watchpoint mode: %s", m);
	s->ap->ns = m;
	return 0;
}

static const struct provider_spec providers[] = {
	{"BEGIN", "begin", NULL, PK_BEGIN, parse_special},
	{"END", "end", NULL, PK_END, parse_special},
	{"tracepoint", "t", NULL, PK_TRACEPOINT, parse_tracepoint},
	{"rawtracepoint", "rt", NULL, PK_RAWTRACEPOINT, parse_rawtracepoint},
	{"kprobe", "k", NULL, PK_KPROBE, parse_kprobe},
	{"kretprobe", "kr", NULL, PK_KRETPROBE, parse_kprobe},
	{"fentry", "kfunc", "f", PK_FENTRY, parse_fentry},
	{"fexit", "kretfunc", "fr", PK_FEXIT, parse_fentry},
	{"uprobe", "u", NULL, PK_UPROBE, parse_uprobe},
	{"uretprobe", "ur", NULL, PK_URETPROBE, parse_uprobe},
	{"usdt", "U", NULL, PK_USDT, parse_usdt},
	{"profile", "p", NULL, PK_PROFILE, parse_timed},
	{"interval", "i", NULL, PK_INTERVAL, parse_timed},
	{"software", "s", NULL, PK_SOFTWARE, parse_perf_event},
	{"hardware", "h", NULL, PK_HARDWARE, parse_perf_event},
	{"watchpoint", "w", NULL, PK_WATCHPOINT, parse_watchpoint},
	{"asyncwatchpoint", "aw", NULL, PK_WATCHPOINT, parse_watchpoint},
};

/* Providers bpftrace (0.17 or later) has and tracetop does not (yet): a
 * located error rather than "Invalid probe type". */
static const char *const unsupported[] = {
	"lsm", "l", "iter", "it", "self", "test", "bench",
};

const char *probe_kind_name(enum probe_kind k)
{
	for (size_t i = 0; i < ARRAY_SIZE(providers); i++)
		if (providers[i].kind == k)
			return providers[i].name;
	return "unknown";
}

/* Splits raw at ':' outside quotes, removing the quotes. */
static int spec_split(struct spec *s, const char *raw, const char **provider)
{
	struct strbuf sb = {0};
	bool quote = false, first = true;

	for (const char *c = raw;; c++) {
		if (*c == '"') {
			quote = !quote;
			continue;
		}
		if (*c && (quote || *c != ':')) {
			sb_putc(&sb, *c);
			continue;
		}
		const char *t = arena_strndup(s->arena, sb.buf ? sb.buf : "", sb.len);
		sb_reset(&sb);
		if (first) {
			*provider = t;
			first = false;
		} else if (s->nparts == SPEC_MAX_PARTS) {
			sb_free(&sb);
			return spec_err(s, "too many ':'-separated parts in attach point");
		} else {
			s->part[s->nparts++] = t;
		}
		if (!*c)
			break;
	}
	sb_free(&sb);
	return 0;
}

int probespec_parse(struct attach_point *ap, struct arena *a, struct diags *d)
{
	struct spec s = {.ap = ap, .arena = a, .diags = d};
	const char *prov = NULL;

	if (spec_split(&s, ap->raw, &prov))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(providers); i++) {
		const struct provider_spec *p = &providers[i];
		if (strcmp(prov, p->name) && strcmp(prov, p->alias) &&
		    !(p->alias2 && !strcmp(prov, p->alias2)))
			continue;
		ap->kind = p->kind;
		s.kind_name = p->name;
		if (p->parse(&s))
			return -1;
		spec_note_wild(&s);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
		if (!strcmp(prov, unsupported[i]))
			return spec_err(&s, "%s probes are not supported by tracetop", prov);
	return spec_err(&s, "Invalid probe type: %s", prov);
}
