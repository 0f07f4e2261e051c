/*
 * e2e.c - compile a bpftrace program with tracetop's own frontend and code
 * generator, load it into the kernel with libbpf, run it, and print what
 * it left behind in a canonical text form for a golden comparison.
 *
 *   cg_e2e FILE.bt
 *
 * BEGIN programs run with BPF_PROG_TEST_RUN; programs libbpf can attach
 * from their section name alone (tracepoints, raw tracepoints) are attached
 * while a fixed workload runs (openat("/dev/null") three times, reads of
 * 100 and 5000 bytes from /dev/zero); then END runs. Output: every ring
 * buffer record as "event KIND INDEX: hex payload", then every map entry as
 * "NAME KEYHEX = VALUEHEX" (per-CPU values summed word by word), sorted.
 * Filter kernel-wide probes with `/comm == "cg_e2e"/` so the output is
 * deterministic. A program containing `// load-only` is only loaded (the
 * verifier must accept it); `// -k` / `// -kk` compile with helper checks.
 * Every loaded program must also pass the control flow check of older
 * kernels (cfg_check_61). Compile or load failures print a line and exit 1.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/codegen/codegen.h"
#include "../../src/frontend/frontend.h"

static int btf_trouble;

/* A BTF problem makes libbpf go on without BTF: treat it as a failure. */
static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (strstr(buf, "BTF"))
		btf_trouble = 1;
	return fputs(buf, stderr);
}

static void hex(struct strbuf *sb, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, "%02x", p[i]);
}

static struct vec lines;

static int on_record(void *ctx, void *data, size_t size)
{
	struct strbuf sb = {0};
	uint64_t hdr;

	(void)ctx;
	memcpy(&hdr, data, 8);
	sb_printf(&sb, "event %u %u:", (unsigned)(hdr >> 32), (unsigned)hdr);
	if (size > 8) {
		sb_putc(&sb, ' ');
		hex(&sb, (uint8_t *)data + 8, size - 8);
	}
	printf("%s\n", sb.buf);
	sb_free(&sb);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_map(const struct bt_map *m, struct bpf_map *bm)
{
	int fd = bpf_map__fd(bm), ncpu = m->percpu ? libbpf_num_possible_cpus() : 1;
	uint32_t vsz = (m->value_size + 7) & ~7u;
	uint8_t *key = calloc(1, m->key_size), *next = calloc(1, m->key_size);
	uint8_t *vals = calloc(ncpu, vsz), *sum = calloc(1, vsz);
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		struct strbuf sb = {0};

		memcpy(key, next, m->key_size);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, vals))
			continue;
		memset(sum, 0, vsz);
		if (m->percpu) {
			for (int c = 0; c < ncpu; c++)
				for (uint32_t w = 0; w < vsz / 8; w++)
					((uint64_t *)sum)[w] += ((uint64_t *)(vals + c * vsz))[w];
		} else {
			memcpy(sum, vals, m->value_size);
		}
		sb_printf(&sb, "%s ", m->name);
		hex(&sb, key, m->key_size);
		sb_puts(&sb, " = ");
		hex(&sb, sum, m->value_size);
		vec_push(&lines, sb_steal(&sb));
	}
	free(key);
	free(next);
	free(vals);
	free(sum);
}

static void workload(void)
{
	char buf[5000];
	int fd;

	for (int i = 0; i < 3; i++) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	fd = open("/dev/zero", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, buf, 100) < 0 || read(fd, buf, 5000) < 0)
			perror("read");
		close(fd);
	}
}

/* The edges 6.1's check_cfg follows out of insn t, fall-through first;
 * ok[i]: a jump's edge, which may close a loop. */
static int cfg_edges(const struct bpf_insn *in, size_t n, size_t t, size_t w[2], bool ok[2])
{
	uint8_t code = in[t].code, cls = BPF_CLASS(code), op = BPF_OP(code);
	int k = 0;

	if (code == (BPF_LD | BPF_IMM | BPF_DW) && in[t].src_reg == BPF_PSEUDO_FUNC) {
		w[k] = t + 1, ok[k++] = false;
		w[k] = t + in[t].imm + 1, ok[k++] = false;
	} else if (cls != BPF_JMP && cls != BPF_JMP32) {
		w[k] = t + 1, ok[k++] = false;
	} else if (op == BPF_CALL) {
		w[k] = t + 1, ok[k++] = false;
		if (in[t].src_reg == BPF_PSEUDO_CALL)
			w[k] = t + in[t].imm + 1, ok[k++] = false;
	} else if (op == BPF_JA) {
		w[k] = t + in[t].off + 1, ok[k++] = true;
	} else if (op != BPF_EXIT) {
		w[k] = t + 1, ok[k++] = true;
		w[k] = t + in[t].off + 1, ok[k++] = true;
	}
	for (int i = 0; i < k; i++)
		if (w[i] >= n)
			return -1;
	return k;
}

/*
 * The control flow check of older kernels (Debian 12's 6.1), run on every
 * program as loaded: a depth-first walk from insn 0 that accepts an edge
 * back to an insn still on its stack only from a jump; the fall-through of
 * any other insn (a helper call included) into a loop header is refused as
 * "back-edge from insn X to Y". The host's newer kernel accepts those, so
 * only this walk catches a code generator that emits them.
 */
static int cfg_check_61(const char *name, const struct bpf_insn *in, size_t n)
{
	uint8_t *state = calloc(n, 1), *cur = calloc(n, 1); /* 1 on stack, 2 done */
	size_t *stk = calloc(n, sizeof(*stk)), sp = 0;
	int ret = 0;

	stk[sp++] = 0;
	state[0] = 1;
	while (sp && !ret) {
		size_t t = stk[sp - 1], w[2];
		bool ok[2];
		int k = cfg_edges(in, n, t, w, ok);

		if (k < 0) {
			printf("cfg error: %s: jump out of range at insn %zu\n", name, t);
			ret = -1;
		} else if (cur[t] < k) {
			int e = cur[t]++;

			if (!state[w[e]]) {
				state[w[e]] = 1;
				stk[sp++] = w[e];
			} else if (state[w[e]] == 1 && !ok[e]) {
				printf("cfg error: %s: back-edge from insn %zu to %zu\n", name, t,
				       w[e]);
				ret = -1;
			}
		} else {
			state[t] = 2;
			sp--;
		}
	}
	free(state);
	free(cur);
	free(stk);
	return ret;
}

static bool attachable(const struct bt_probe *p)
{
	return p->kind == PK_TRACEPOINT || p->kind == PK_RAWTRACEPOINT;
}

static int run_kind(struct bt_program *prog, struct bpf_object *o, enum probe_kind kind)
{
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct bpf_program *p;
		LIBBPF_OPTS(bpf_test_run_opts, topts);
		uint64_t ctx[8] = {0};

		if (prog->probes[i].kind != kind)
			continue;
		p = bpf_object__find_program_by_name(o, prog->probes[i].prog_name);
		topts.ctx_in = ctx;
		topts.ctx_size_in = sizeof(ctx);
		if (!p || bpf_prog_test_run_opts(bpf_program__fd(p), &topts)) {
			printf("run error: %s: %s\n", prog->probes[i].name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct source src = {0};
	struct bt_opts opts = {
		.strlen_max = 64, .map_keys_max = 4096, .max_probes = 512, .unsafe = true};
	struct bt_program prog = {0};
	struct diags d;
	struct ast ast = {0};
	struct bpf_object *o;
	struct bpf_link *links[64];
	struct ring_buffer *rb;
	size_t nlinks = 0, len;
	int err;

	if (argc < 2)
		return 2;
	libbpf_set_print(print_cb);
	src.name = argv[1];
	src.text = sb_read_file(argv[1], &len);
	src.len = len;
	if (!src.text)
		return 2;
	opts.dump = getenv("CG_DUMP");
	if (strstr(src.text, "// -kk"))
		opts.helper_check_level = 2;
	else if (strstr(src.text, "// -k"))
		opts.helper_check_level = 1;
	diags_init(&d, &src);
	if (parse_program(&src, &prog.types, &d, &ast) || d.nerr ||
	    sema_run(&ast, &opts, &prog.types, &d, &prog) || d.nerr ||
	    codegen_run(&ast, &opts, &prog, &d) || d.nerr) {
		diags_print(&d, stdout);
		printf("compile error\n");
		return 1;
	}
	o = bpf_object__open_mem(prog.obj, prog.obj_len, NULL);
	err = o ? bpf_object__load(o) : -errno;
	if (err) {
		printf("load error: %s\n", strerror(-err));
		return 1;
	}
	if (btf_trouble || !bpf_object__btf(o)) {
		printf("btf error\n");
		return 1;
	}
	{
		struct bpf_program *p;

		bpf_object__for_each_program(p, o)
			if (cfg_check_61(bpf_program__name(p), bpf_program__insns(p),
					 bpf_program__insn_cnt(p)))
				return 1;
	}
	if (strstr(src.text, "// load-only") || getenv("CG_LOAD_ONLY")) {
		printf("loaded\n");
		return 0;
	}
	if (run_kind(&prog, o, PK_BEGIN))
		return 1;
	for (size_t i = 0; i < prog.nprobes && nlinks < 64; i++) {
		struct bpf_program *p;

		if (!attachable(&prog.probes[i]))
			continue;
		p = bpf_object__find_program_by_name(o, prog.probes[i].prog_name);
		links[nlinks] = p ? bpf_program__attach(p) : NULL;
		if (!links[nlinks]) {
			printf("attach error: %s\n", prog.probes[i].name);
			return 1;
		}
		nlinks++;
	}
	workload();
	for (size_t i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	if (run_kind(&prog, o, PK_END))
		return 1;

	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(o, prog.ringbuf_name)),
			      on_record, NULL, NULL);
	if (rb) {
		ring_buffer__consume(rb);
		ring_buffer__free(rb);
	}
	for (size_t i = 0; i < prog.nmaps; i++) {
		struct bpf_map *bm = bpf_object__find_map_by_name(o, prog.maps[i].elf_name);

		if (bm)
			dump_map(&prog.maps[i], bm);
		else
			printf("missing map %s\n", prog.maps[i].elf_name);
	}
	qsort(lines.items, lines.len, sizeof(void *), cmp_str);
	vec_foreach(&lines, i)
		printf("%s\n", (char *)lines.items[i]);
	bpf_object__close(o);
	bt_program_free(&prog);
	return 0;
}
