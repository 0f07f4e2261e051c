/*
 * parse_driver.c - a stand-in for `tracetop -d ast` that links only the
 * frontend's parser and src/base, for when the full binary does not link
 * (other stages under construction) and for quick runs. Same behaviour as
 * main.c's compile() up to the ast dump: diagnostics on stderr, exit 1 on
 * an error, the tree on stdout otherwise.
 *
 * usage: parse_driver [-d ast] [--dry-run] (-e 'program' | file.bt)
 * (--dry-run: parse only, print nothing but diagnostics)
 */
#include "../../src/frontend/frontend.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct source src = {0};
	struct arena arena = {0};
	struct diags d;
	struct ast ast;
	char *owned = NULL;
	int err = 0;

	bool dump = true;
	const char *prog = NULL, *file = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc)
			i++;
		else if (!strcmp(argv[i], "--dry-run"))
			dump = false;
		else if (!strcmp(argv[i], "-e") && i + 1 < argc)
			prog = argv[++i];
		else if (!file && !prog)
			file = argv[i];
	}
	if (prog) {
		src.name = "stdin";
		src.text = prog;
		src.len = strlen(prog);
	} else if (file) {
		owned = sb_read_file(file, &src.len);
		if (!owned) {
			fprintf(stderr, "ERROR: failed to open %s\n", file);
			return 1;
		}
		src.name = file;
		src.text = owned;
	} else {
		fprintf(stderr, "usage: parse_driver [-d ast] [--dry-run] (-e PROGRAM | FILE)\n");
		return 2;
	}
	diags_init(&d, &src);
	if (parse_program(&src, &arena, &d, &ast) || d.nerr)
		err = 1;
	else if (dump)
		ast_dump(&ast, stdout);
	diags_print(&d, stderr);
	diags_free(&d);
	arena_free(&arena);
	free(owned);
	return err;
}
