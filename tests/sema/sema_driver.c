/*
 * sema_driver.c - parse and analyse a program, print what sema hands to
 * codegen (sema_dump: probe functions, typed trees, maps, formats) and
 * check the frontend.h contract on it (sema_verify). Links the frontend,
 * src/base and the runtime's kernel-knowledge files (tracefs, BTF, ELF
 * symbols) only: no LLVM, no BPF loading.
 *
 * usage: sema_driver file.bt [params...]
 * exit: 0 typed (dump on stdout), 1 diagnostics (on stderr), 3 contract
 * violation (listed on stderr).
 */
#include "../../src/frontend/sema.h"

#include <string.h>

int main(int argc, char **argv)
{
	struct source src = {0};
	struct bt_opts o = {.strlen_max = 64, .map_keys_max = 4096, .max_probes = 512};
	struct bt_program prog = {0};
	struct diags d;
	struct ast ast;
	size_t len = 0;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: sema_driver file.bt [params...]\n");
		return 2;
	}
	char *text = sb_read_file(argv[1], &len);
	if (!text) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	src.name = argv[1];
	src.text = text;
	src.len = len;
	o.params = argv + 2;
	o.nparams = argc - 2;
	diags_init(&d, &src);
	if (parse_program(&src, &prog.types, &d, &ast) || d.nerr ||
	    sema_run(&ast, &o, &prog.types, &d, &prog)) {
		rc = 1;
	} else {
		sema_dump(&ast, &prog, stdout);
		if (sema_verify(&ast, stderr))
			rc = 3;
	}
	diags_print(&d, stderr);
	diags_free(&d);
	return rc;
}
