/*
 * fuzz_parse.c - libFuzzer target over the frontend's parser.
 *
 * Input: arbitrary bytes. If the first byte is 0x01 the rest is handed to
 * probespec_parse() as one raw attach point; otherwise the bytes are a
 * program for parse_program(), whose AST (on success) and diagnostics (in
 * any case) are printed to /dev/null so that the dumper and the diagnostic
 * printer run over every tree and span the parser makes. Everything must
 * come back without a crash, a hang, a leak or undefined behaviour.
 */
#include "../../src/frontend/frontend.h"

#include <stdlib.h>
#include <string.h>

static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source src = {.name = "fuzz"};
	struct arena arena = {0};
	struct diags d;
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = 0;
	src.text = text;
	src.len = size;
	diags_init(&d, &src);
	if (size > 0 && data[0] == 0x01) {
		struct attach_point ap = {0};
		ap.raw = text + 1;
		ap.span.lo = 1;
		ap.span.hi = (uint32_t)strlen(text + 1) + 1;
		probespec_parse(&ap, &arena, &d);
	} else {
		struct ast ast;
		if (parse_program(&src, &arena, &d, &ast) == 0 && !d.nerr)
			ast_dump(&ast, devnull());
	}
	diags_print(&d, devnull());
	diags_free(&d);
	arena_free(&arena);
	free(text);
	return 0;
}
