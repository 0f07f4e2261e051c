/*
 * lexer.c - bpftrace source text to tokens.
 *
 * A hand-written scanner in the style of chibicc's tokenize(): one call
 * returns one token with its byte span. Keywords come back as TK_IDENT and
 * the parser decides by text. The lexer never reports a diagnostic itself:
 * a malformed token comes back as TK_ERROR with the message in .sval, and
 * the parser reports it when it reaches it. That keeps the order of
 * diagnostics right while the parser looks ahead.
 *
 * Besides the ordinary token stream there are three raw modes the parser
 * asks for in top-level position, where bpftrace's own lexer switches start
 * conditions: an attach point (lex_attach_point), a preprocessor line
 * (lex_pp_line) and the body of a C struct definition (lex_braced_body).
 *
 * Integer literals follow bpftrace 0.17 (decimal with '_' separators and an
 * 'e' exponent, 0x hex, 0 octal, C's u/l/ll suffixes) and, as an extension
 * from later bpftrace, the duration suffixes ns us ms s m h d (value in ns
 * ... d scaled to nanoseconds).
 */
#define _GNU_SOURCE /* memmem */
#include "frontend.h"

#include <ctype.h>
#include <string.h>

void lex_init(struct lexer *l, const struct source *src, struct arena *a, struct diags *d)
{
	l->src = src;
	l->arena = a;
	l->diags = d;
	l->pos = 0;
}

static int lex_at(const struct lexer *l, size_t i)
{
	if (i >= l->src->len)
		return -1;
	return (unsigned char)l->src->text[i];
}

static struct span lex_span(size_t lo, size_t hi)
{
	struct span s = {(uint32_t)lo, (uint32_t)hi};
	return s;
}

/* a token whose text is the source from lo to hi */
static struct token lex_text_token(struct lexer *l, enum token_kind kind, size_t lo, size_t hi)
{
	struct token t = {0};

	t.kind = kind;
	t.span = lex_span(lo, hi);
	t.sval = arena_strndup(l->arena, l->src->text + lo, hi - lo);
	t.slen = hi - lo;
	return t;
}

static struct token lex_error(struct lexer *l, size_t lo, size_t hi, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct token lex_error(struct lexer *l, size_t lo, size_t hi, const char *fmt, ...)
{
	struct token t = {0};
	struct strbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	t.kind = TK_ERROR;
	t.span = lex_span(lo, hi);
	t.sval = arena_strndup(l->arena, sb.buf ? sb.buf : "", sb.len);
	t.slen = sb.len;
	sb_free(&sb);
	return t;
}

/* Index just past the "*" "/" closing a block comment whose text starts at
 * from, or 0 when there is none. memmem, not strstr: the source may hold
 * NUL bytes. */
static size_t lex_comment_end(const struct lexer *l, size_t from)
{
	const char *end;

	if (from > l->src->len)
		return 0;
	end = memmem(l->src->text + from, l->src->len - from, "*/", 2);
	return end ? (size_t)(end - l->src->text) + 2 : 0;
}

/* Skips blanks and comments. Returns false, leaving pos at the comment, for
 * a block comment that never ends. */
static bool lex_skip_space(struct lexer *l)
{
	for (;;) {
		int c = lex_at(l, l->pos);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			l->pos++;
		} else if (c == '/' && lex_at(l, l->pos + 1) == '/') {
			while (lex_at(l, l->pos) != -1 && lex_at(l, l->pos) != '\n')
				l->pos++;
		} else if (c == '/' && lex_at(l, l->pos + 1) == '*') {
			size_t end = lex_comment_end(l, l->pos + 2);
			if (!end)
				return false;
			l->pos = end;
		} else {
			return true;
		}
	}
}

int lex_peek_char(struct lexer *l)
{
	if (!lex_skip_space(l))
		return '/';
	return lex_at(l, l->pos);
}

bool lex_at_word(struct lexer *l, const char *word)
{
	size_t n = strlen(word);

	if (lex_peek_char(l) == -1 || l->pos + n > l->src->len)
		return false;
	if (memcmp(l->src->text + l->pos, word, n) != 0)
		return false;
	int c = lex_at(l, l->pos + n);
	return !(c == '_' || (c != -1 && isalnum(c)));
}

static bool is_ident_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* v = v * base + digit, false on overflow */
static bool mul_add(uint64_t *v, uint64_t base, uint64_t digit)
{
	if (*v > (UINT64_MAX - digit) / base)
		return false;
	*v = *v * base + digit;
	return true;
}

struct int_suffix {
	const char *text;
	uint64_t scale;
};

static const struct int_suffix int_suffixes[] = {
	{"u", 1},
	{"U", 1},
	{"l", 1},
	{"L", 1},
	{"ul", 1},
	{"UL", 1},
	{"uL", 1},
	{"Ul", 1},
	{"ll", 1},
	{"LL", 1},
	{"ull", 1},
	{"ULL", 1},
	{"uLL", 1},
	{"Ull", 1},
	{"lu", 1},
	{"LU", 1},
	{"llu", 1},
	{"LLU", 1},
	{"ns", 1},
	{"us", 1000ULL},
	{"ms", 1000000ULL},
	{"s", 1000000000ULL},
	{"m", 60000000000ULL},
	{"h", 3600000000000ULL},
	{"d", 86400000000000ULL},
};

static struct token lex_number(struct lexer *l)
{
	size_t lo = l->pos, i = l->pos;
	uint64_t v = 0;
	bool ok = true;
	struct token t = {0};

	if (lex_at(l, i) == '0' && (lex_at(l, i + 1) == 'x' || lex_at(l, i + 1) == 'X')) {
		i += 2;
		if (hex_val(lex_at(l, i)) < 0)
			return lex_error(l, lo, i, "invalid hexadecimal integer literal");
		while (hex_val(lex_at(l, i)) >= 0)
			ok = mul_add(&v, 16, (uint64_t)hex_val(lex_at(l, i++))) && ok;
	} else if (lex_at(l, i) == '0' && isdigit(lex_at(l, i + 1))) {
		i++;
		while (lex_at(l, i) != -1 && isdigit(lex_at(l, i))) {
			int c = lex_at(l, i);
			if (c > '7')
				return lex_error(l, i, i + 1, "invalid digit '%c' in octal literal",
						 c);
			ok = mul_add(&v, 8, (uint64_t)(c - '0')) && ok;
			i++;
		}
	} else {
		while (lex_at(l, i) != -1 && (isdigit(lex_at(l, i)) || lex_at(l, i) == '_')) {
			int c = lex_at(l, i);
			if (c == '_' && !isdigit(lex_at(l, i + 1)) && lex_at(l, i + 1) != '_')
				break;
			if (c != '_')
				ok = mul_add(&v, 10, (uint64_t)(c - '0')) && ok;
			i++;
		}
		if ((lex_at(l, i) == 'e' || lex_at(l, i) == 'E') && lex_at(l, i + 1) != -1 &&
		    isdigit(lex_at(l, i + 1))) {
			uint64_t e = 0;
			i++;
			while (lex_at(l, i) != -1 && isdigit(lex_at(l, i))) {
				e = e * 10 + (uint64_t)(lex_at(l, i) - '0');
				if (e > 100)
					e = 100;
				i++;
			}
			for (uint64_t k = 0; k < e && ok; k++)
				ok = mul_add(&v, 10, 0);
			if (v == 0)
				ok = true;
		}
	}
	/* suffix */
	size_t s = i;
	while (is_ident_char(lex_at(l, i)))
		i++;
	if (i > s) {
		const struct int_suffix *suf = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(int_suffixes); k++) {
			if (strlen(int_suffixes[k].text) == i - s &&
			    !memcmp(int_suffixes[k].text, l->src->text + s, i - s))
				suf = &int_suffixes[k];
		}
		if (!suf)
			return lex_error(l, lo, i, "invalid suffix '%.*s' on integer literal",
					 (int)(i - s), l->src->text + s);
		if (suf->scale > 1 && v > UINT64_MAX / suf->scale)
			ok = false;
		else
			v *= suf->scale;
	}
	l->pos = i;
	if (!ok)
		return lex_error(l, lo, i, "integer literal is too large: %.*s", (int)(i - lo),
				 l->src->text + lo);
	t = lex_text_token(l, TK_INT, lo, i);
	t.ival = v;
	return t;
}

/* the escapes \n \t \r \a \b \f \v \e \\ \" \' and their values */
static const char escape_chars[] = "ntrabfve\\\"'";
static const char simple_escapes[] = {'\n', '\t', '\r', '\a', '\b', '\f',
				      '\v', 27,   '\\', '"',  '\''};

static struct token lex_string(struct lexer *l)
{
	size_t lo = l->pos, i = l->pos + 1;
	struct strbuf sb = {0};
	struct token t = {0};

	for (;;) {
		int c = lex_at(l, i);
		if (c == -1 || c == '\n') {
			sb_free(&sb);
			l->pos = i;
			return lex_error(l, lo, i, "unterminated string");
		}
		if (c == '"')
			break;
		if (c != '\\') {
			sb_putc(&sb, (char)c);
			i++;
			continue;
		}
		size_t esc = i;
		c = lex_at(l, i + 1);
		i += 2;
		const char *simple = c > 0 ? strchr(escape_chars, c) : NULL;
		if (simple) {
			sb_putc(&sb, simple_escapes[simple - escape_chars]);
			continue;
		}
		switch (c) {
		case 'x': {
			int v = 0, n = 0;
			while (n < 2 && hex_val(lex_at(l, i)) >= 0) {
				v = v * 16 + hex_val(lex_at(l, i++));
				n++;
			}
			if (!n) {
				sb_free(&sb);
				l->pos = i;
				return lex_error(l, esc, i, "invalid escape character '\\x'");
			}
			sb_putc(&sb, (char)v);
			break;
		}
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7': {
			int v = 0, n = 0;
			i--;
			while (n < 3 && lex_at(l, i) >= '0' && lex_at(l, i) <= '7') {
				v = v * 8 + (lex_at(l, i++) - '0');
				n++;
			}
			if (v > 255) {
				sb_free(&sb);
				l->pos = i;
				return lex_error(l, esc, i,
						 "octal escape sequence out of range '%.*s'",
						 (int)(i - esc), l->src->text + esc);
			}
			sb_putc(&sb, (char)v);
			break;
		}
		default:
			sb_free(&sb);
			if (c == -1 || c == '\n') {
				l->pos = i - 1;
				return lex_error(l, lo, i - 1, "unterminated string");
			}
			l->pos = i;
			if (c < 0x20 || c >= 0x7f)
				return lex_error(l, esc, i, "invalid escape character '\\x%02x'",
						 c);
			return lex_error(l, esc, i, "invalid escape character '\\%c'", c);
		}
	}
	l->pos = i + 1;
	t.kind = TK_STRING;
	t.span = lex_span(lo, i + 1);
	t.slen = sb.len;
	/* copy the bytes exactly: the string may hold NULs */
	char *p = arena_alloc(l->arena, sb.len + 1);
	if (sb.len)
		memcpy(p, sb.buf, sb.len);
	t.sval = p;
	sb_free(&sb);
	return t;
}

/* longest first */
static const char *const puncts[] = {
	"<<=", ">>=", "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=",
	"&=",  "|=",  "^=", "<<", ">>", "->", "{",  "}",  "(",  ")",  "[",  "]",  ";",  ",",  ".",
	"+",   "-",   "*",  "/",  "%",  "&",  "|",  "^",  "!",  "~",  "<",  ">",  "=",  "?",  ":",
};

struct token lex_next(struct lexer *l)
{
	struct token t = {0};
	size_t lo;

	if (!lex_skip_space(l)) {
		size_t start = l->pos;
		l->pos = l->src->len;
		return lex_error(l, start, l->src->len, "end of file during comment");
	}
	lo = l->pos;
	int c = lex_at(l, lo);
	if (c == -1) {
		t.kind = TK_EOF;
		t.span = lex_span(lo, lo);
		t.sval = "";
		return t;
	}
	if (isdigit(c))
		return lex_number(l);
	if (c == '"')
		return lex_string(l);
	if (is_ident_start(c)) {
		size_t i = lo;
		while (is_ident_char(lex_at(l, i)))
			i++;
		l->pos = i;
		return lex_text_token(l, TK_IDENT, lo, i);
	}
	if (c == '$') {
		size_t i = lo + 1;
		int d = lex_at(l, i);
		if (d == '#') {
			t.kind = TK_PARAM_COUNT;
			t.span = lex_span(lo, i + 1);
			t.sval = "#";
			l->pos = i + 1;
			return t;
		}
		if (d != -1 && isdigit(d)) {
			uint64_t v = 0;
			bool ok = true;
			while (lex_at(l, i) != -1 && isdigit(lex_at(l, i)))
				ok = mul_add(&v, 10, (uint64_t)(lex_at(l, i++) - '0')) && ok;
			l->pos = i;
			if (!ok || v > 1000000)
				return lex_error(l, lo, i,
						 "positional parameter is too large: %.*s",
						 (int)(i - lo), l->src->text + lo);
			t.kind = TK_PARAM;
			t.span = lex_span(lo, i);
			t.ival = v;
			t.sval = arena_strndup(l->arena, l->src->text + lo + 1, i - lo - 1);
			t.slen = i - lo - 1;
			return t;
		}
		if (is_ident_start(d)) {
			while (is_ident_char(lex_at(l, i)))
				i++;
			t.kind = TK_VAR;
			t.span = lex_span(lo, i);
			t.sval = arena_strndup(l->arena, l->src->text + lo + 1, i - lo - 1);
			t.slen = i - lo - 1;
			l->pos = i;
			return t;
		}
		l->pos = lo + 1;
		return lex_error(l, lo, lo + 1, "invalid character '$'");
	}
	if (c == '@') {
		size_t i = lo + 1;
		while (is_ident_char(lex_at(l, i)))
			i++;
		t.kind = TK_MAP;
		t.span = lex_span(lo, i);
		t.sval = arena_strndup(l->arena, l->src->text + lo + 1, i - lo - 1);
		t.slen = i - lo - 1;
		l->pos = i;
		return t;
	}
	for (size_t k = 0; k < ARRAY_SIZE(puncts); k++) {
		size_t n = strlen(puncts[k]);
		if (lo + n <= l->src->len && !memcmp(l->src->text + lo, puncts[k], n)) {
			t.kind = TK_PUNCT;
			t.span = lex_span(lo, lo + n);
			t.sval = puncts[k];
			t.slen = n;
			l->pos = lo + n;
			return t;
		}
	}
	l->pos = lo + 1;
	if (c < 0x20 || c >= 0x7f)
		return lex_error(l, lo, lo + 1, "invalid character '\\x%02x'", c);
	return lex_error(l, lo, lo + 1, "invalid character '%c'", c);
}

/*
 * An attach point runs to the next blank, ',', '{', '}' or ';' outside
 * double quotes. A '/' ends it only before the first ':' ("BEGIN/pid/"),
 * since paths are full of slashes. An empty result (TK_ATTACH with slen 0)
 * means the text here cannot start an attach point.
 */
struct token lex_attach_point(struct lexer *l)
{
	size_t lo, i;
	bool colon = false, quote = false;

	if (!lex_skip_space(l))
		return lex_next(l);
	lo = i = l->pos;
	for (;;) {
		int c = lex_at(l, i);
		if (c == -1)
			break;
		if (quote) {
			if (c == '\n' || c == 0)
				break;
			if (c == '"')
				quote = false;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
		    c == ',' || c == '{' || c == '}' || c == ';' || c == 0)
			break;
		if (c == '/' && !colon)
			break;
		if (c == '/' && (lex_at(l, i + 1) == '/' || lex_at(l, i + 1) == '*') && i > lo &&
		    lex_at(l, i - 1) != ':')
			break;
		if (c == ':')
			colon = true;
		if (c == '"')
			quote = true;
		i++;
	}
	if (quote)
		return lex_error(l, lo, i, "unterminated string");
	l->pos = i;
	return lex_text_token(l, TK_ATTACH, lo, i);
}

/* A preprocessor line from '#' to the end of the line, with backslash-newline
 * continuations. */
struct token lex_pp_line(struct lexer *l)
{
	size_t lo, i;

	lex_skip_space(l);
	lo = i = l->pos;
	while (lex_at(l, i) != -1) {
		if (lex_at(l, i) == '\\' && lex_at(l, i + 1) == '\n') {
			i += 2;
			continue;
		}
		if (lex_at(l, i) == '\n')
			break;
		i++;
	}
	l->pos = i;
	return lex_text_token(l, TK_INCLUDE, lo, i);
}

/* Called after a '{': the raw text up to the matching '}', which is left
 * for lex_next. Nested braces, strings and comments are skipped over. */
struct token lex_braced_body(struct lexer *l)
{
	size_t lo = l->pos, i = l->pos;
	int depth = 0;

	for (;;) {
		int c = lex_at(l, i);
		if (c == -1)
			return lex_error(l, lo > 0 ? lo - 1 : 0, lo,
					 "unterminated struct definition");
		if (c == '/' && lex_at(l, i + 1) == '*') {
			size_t end = lex_comment_end(l, i + 2);
			if (!end)
				return lex_error(l, i, l->src->len, "end of file during comment");
			i = end;
			continue;
		}
		if (c == '/' && lex_at(l, i + 1) == '/') {
			while (lex_at(l, i) != -1 && lex_at(l, i) != '\n')
				i++;
			continue;
		}
		if (c == '"' || c == '\'') {
			i++;
			while (lex_at(l, i) != -1 && lex_at(l, i) != c && lex_at(l, i) != '\n')
				i += lex_at(l, i) == '\\' && lex_at(l, i + 1) != -1 ? 2 : 1;
			i++;
			continue;
		}
		if (c == '{')
			depth++;
		if (c == '}' && depth-- == 0)
			break;
		i++;
	}
	l->pos = i;
	return lex_text_token(l, TK_STRING, lo, i);
}
