/*
 * driver.c - the list tier's window on tracefs.c, btf.c, symbols.c,
 * elfsyms.c, glob.c and list.c, linked without the rest of tracetop.
 *
 *   driver list [-v] [SEARCH]     rt_list_probes, as `tracetop -l[v]`
 *   driver glob                   glob_match cases; prints PASS/FAIL lines
 *   driver tprecord CAT EVENT     the args record: "type name @offset"
 *   driver btf NAME               kbtf_type: "name size" then the fields
 *   driver proto FUNC             kbtf_func_proto fields, then the return
 *   driver usym PID ADDR          syms_user: "name+off"
 *   driver ksym NAME              kaddr then back: "name+0"
 *   driver uoff PATH FUNC         elf_cache_func: file offset (hex)
 *   driver resolve NAME           bin_resolve
 *   driver enum NAME              kbtf_enum_value
 *   driver usdt PATH              elf_usdt_notes: "prov:name pc_off sema_off args"
 */
#include "runtime/runtime.h"

#include <stdlib.h>
#include <string.h>

static void dump_record(const struct type *r)
{
	char buf[256];

	printf("%s %u\n", r->name ? r->name : "?", r->size);
	for (uint32_t i = 0; i < r->count; i++) {
		const struct field *f = &r->fields[i];

		printf("  %s %s @%u",
		       tracefs_is_data_loc(f->type) ? "__data_loc"
						    : type_str(f->type, buf, sizeof(buf)),
		       f->name, f->offset);
		if (f->bitfield_len)
			printf(" bits %u:%u", f->bitfield_off, f->bitfield_len);
		printf("\n");
	}
}

static int glob_cases(void)
{
	static const struct {
		const char *pat, *s;
		bool want;
	} cases[] = {
		{"*", "", true},
		{"*", "abc", true},
		{"", "", true},
		{"", "a", false},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"ab?", "abc", true},
		{"ab?", "ab", false},
		{"?", "", false},
		{"a*c", "ac", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbcd", false},
		{"*c", "cccc", true},
		{"sys_enter_*", "sys_enter_openat", true},
		{"sys_enter_*", "sys_exit_openat", false},
		{"*open*", "sys_enter_openat2", true},
		{"**", "x", true},
		{"*a*b*", "xxaxxbxx", true},
		{"*a*b*", "xxbxxaxx", false},
		{"sched*", "sched", true},
		{"s?h*d", "sched", true},
		{"a*b*c*d", "aXbYcZd", true},
		{"a*b*c*d", "aXbYcZ", false},
		{"[ab]", "a", false}, /* brackets are not special in bpftrace */
		{"[ab]", "[ab]", true},
	};
	int fails = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool got = glob_match(cases[i].pat, cases[i].s);

		if (got != cases[i].want) {
			printf("FAIL glob_%zu: glob_match(\"%s\", \"%s\") = %d\n", i, cases[i].pat,
			       cases[i].s, got);
			fails++;
		}
	}
	if (!fails)
		printf("PASS glob_cases: %zu cases\n", ARRAY_SIZE(cases));
	return fails != 0;
}

int main(int argc, char **argv)
{
	struct arena a = {0};
	int rc = 0;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "list")) {
		bool v = argc > 2 && !strcmp(argv[2], "-v");
		const char *s = argc > 2 + v ? argv[2 + v] : NULL;

		return rt_list_probes(s, v, stdout) ? 1 : 0;
	}
	if (!strcmp(argv[1], "glob"))
		return glob_cases();
	if (!strcmp(argv[1], "tprecord") && argc == 4) {
		const struct type *r;
		struct kbtf *kb = kbtf_open();
		int err = tracefs_tp_record(kb, &a, argv[2], argv[3], &r);

		if (err)
			printf("error %d\n", err);
		else
			dump_record(r);
		kbtf_close(kb);
	} else if (!strcmp(argv[1], "btf") && argc == 3) {
		struct kbtf *kb = kbtf_open();
		const struct type *t = kb ? kbtf_type(kb, &a, argv[2]) : NULL;

		if (!t)
			printf("none\n");
		else if (t->kind == T_RECORD)
			dump_record(t);
		else {
			char buf[128];

			printf("%s %u\n", type_str(t, buf, sizeof(buf)), t->size);
		}
		kbtf_close(kb);
	} else if (!strcmp(argv[1], "proto") && argc == 3) {
		struct kbtf *kb = kbtf_open();
		const struct type *ret = NULL,
				  *t = kb ? kbtf_func_proto(kb, &a, argv[2], &ret) : NULL;
		char buf[128];

		if (!t) {
			printf("none\n");
		} else {
			dump_record(t);
			printf("ret %s\n", ret ? type_str(ret, buf, sizeof(buf)) : "void");
		}
		kbtf_close(kb);
	} else if (!strcmp(argv[1], "usym") && argc == 4) {
		struct syms *s = syms_new();
		const char *name;
		uint64_t off;

		if (syms_user(s, atoi(argv[2]), strtoull(argv[3], NULL, 0), &name, &off))
			printf("%s+%llu\n", name, (unsigned long long)off);
		else
			printf("unknown\n");
		syms_free(s);
	} else if (!strcmp(argv[1], "ksym") && argc == 3) {
		struct syms *s = syms_new();
		uint64_t addr = syms_kernel_addr(s, argv[2]), off;
		const char *name;

		if (addr && syms_kernel(s, addr, &name, &off))
			printf("%s+%llu\n", name, (unsigned long long)off);
		else
			printf("unknown\n");
		syms_free(s);
	} else if (!strcmp(argv[1], "uoff") && argc == 4) {
		struct elf_cache *c = elf_cache_new();
		uint64_t off, vaddr;
		int err = elf_cache_func(c, argv[2], argv[3], &off, &vaddr);

		if (err)
			printf("error %d\n", err);
		else
			printf("%llx\n", (unsigned long long)off);
		elf_cache_free(c);
	} else if (!strcmp(argv[1], "usdt") && argc == 3) {
		struct vec v = {0};
		int n = elf_usdt_notes(argv[2], &v);

		if (n < 0)
			printf("error %d\n", n);
		vec_foreach(&v, i) {
			struct usdt_note *u = v.items[i];

			printf("%s:%s %llx %llx %s\n", u->provider, u->name,
			       (unsigned long long)u->pc_off, (unsigned long long)u->sema_off,
			       u->args);
		}
		usdt_notes_free(&v);
	} else if (!strcmp(argv[1], "enum") && argc == 3) {
		struct kbtf *kb = kbtf_open();
		int64_t v;

		if (kbtf_enum_value(kb, argv[2], &v))
			printf("%lld\n", (long long)v);
		else
			printf("none\n");
		kbtf_close(kb);
	} else if (!strcmp(argv[1], "resolve") && argc == 3) {
		char *p = bin_resolve(argv[2]);

		printf("%s\n", p ? p : "(none)");
		free(p);
	} else {
		rc = 2;
	}
	arena_free(&a);
	return rc;
}
