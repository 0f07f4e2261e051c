/*
 * plumbing.c - the codegen tier's first test: the LLVM-to-kernel path with
 * no frontend involved.
 *
 * Builds a module by hand through codegen's internal API (a per-CPU count
 * map incremented in place, a ring buffer record, a raw_tp BEGIN program),
 * emits it, opens the object with libbpf, loads it into the kernel, runs
 * BEGIN twice with BPF_PROG_TEST_RUN and checks the map and the records.
 * Any libbpf warning about BTF fails the test: libbpf would otherwise load
 * the object without BTF and the map names/types would silently degrade.
 */
#define CODEGEN_INTERNAL
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/codegen/codegen.h"

static int btf_trouble;
static int nfail;

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (level != LIBBPF_DEBUG && strstr(buf, "BTF"))
		btf_trouble = 1;
	if (level != LIBBPF_DEBUG)
		fprintf(stderr, "libbpf: %s", buf);
	return 0;
}

static void result(const char *name, const char *why)
{
	if (why) {
		printf("FAIL %s: %s\n", name, why);
		nfail++;
	} else {
		printf("PASS %s\n", name);
	}
}

static int build(void **obj, size_t *len)
{
	struct source src = {.name = "test", .text = "", .len = 0};
	struct diags d;
	struct cg cg = {0};
	LLVMValueRef key, val, p, rec;
	LLVMBasicBlockRef hit, miss, done, have_rec, out;
	int err;

	diags_init(&d, &src);
	cg.d = &d;
	ir_init(&cg, "plumbing");
	btf_init(&cg);
	LLVMValueRef count = btf_map_define(&cg, "AT_count", BPF_MAP_TYPE_PERCPU_HASH, 8, 8, 16);
	cg.ringbuf = btf_map_define(&cg, "tt_events", BPF_MAP_TYPE_RINGBUF, 0, 0, 1 << 16);

	ir_func_begin(&cg, "BEGIN_0", "raw_tp");
	key = ir_alloca(&cg, 8, "key");
	ir_store(&cg, key, ir_const(&cg, 0), 8);
	p = ir_map_lookup(&cg, count, key);
	hit = ir_block(&cg, "hit");
	miss = ir_block(&cg, "miss");
	done = ir_block(&cg, "done");
	LLVMBuildCondBr(cg.b, ir_to_bool(&cg, p), hit, miss);
	ir_set_block(&cg, hit);
	ir_atomic_add(&cg, p, ir_const(&cg, 1));
	ir_br(&cg, done);
	ir_set_block(&cg, miss);
	val = ir_alloca(&cg, 8, "val");
	ir_store(&cg, val, ir_const(&cg, 1), 8);
	ir_map_update(&cg, count, key, val, BPF_NOEXIST);
	ir_br(&cg, done);
	ir_set_block(&cg, done);
	rec = ir_ringbuf_reserve(&cg, 16);
	have_rec = ir_block(&cg, "have_rec");
	out = ir_block(&cg, "out");
	LLVMBuildCondBr(cg.b, ir_to_bool(&cg, rec), have_rec, out);
	ir_set_block(&cg, have_rec);
	ir_store(&cg, rec, ir_const(&cg, (uint64_t)EV_PRINTF << 32 | 7), 8);
	ir_store(&cg, ir_gep(&cg, rec, 8),
		 LLVMBuildLShr(cg.b, ir_get_pid_tgid(&cg), ir_const(&cg, 32), ""), 8);
	ir_ringbuf_submit(&cg, rec);
	ir_br(&cg, out);
	ir_set_block(&cg, out);
	ir_func_end(&cg);

	btf_finish(&cg);
	err = emit_object(&cg, obj, len, getenv("DUMP"));
	if (err)
		diags_print(&d, stderr);
	ir_dispose(&cg);
	diags_free(&d);
	return err;
}

static int nrec;
static uint64_t rec_hdr, rec_pid;

static int on_rec(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size >= 16) {
		memcpy(&rec_hdr, data, 8);
		memcpy(&rec_pid, (char *)data + 8, 8);
	}
	nrec++;
	return 0;
}

int main(void)
{
	void *obj = NULL;
	size_t len = 0;
	struct bpf_object *o;
	struct bpf_program *prog;
	struct bpf_map *m;
	struct ring_buffer *rb;
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int ncpu, err;
	uint64_t key = 0, sum = 0, *vals;
	char why[256];

	libbpf_set_print(print_cb);
	if (build(&obj, &len)) {
		result("plumbing_emit", "emit_object failed");
		return 1;
	}
	result("plumbing_emit", NULL);

	o = bpf_object__open_mem(obj, len, NULL);
	if (!o) {
		result("plumbing_open", "bpf_object__open_mem failed");
		return 1;
	}
	m = bpf_object__find_map_by_name(o, "AT_count");
	result("plumbing_btf_map", !m ? "no map AT_count"
				   : bpf_map__type(m) != BPF_MAP_TYPE_PERCPU_HASH ? "wrong map type"
				   : bpf_map__key_size(m) != 8                    ? "wrong key size"
										  : NULL);
	err = bpf_object__load(o);
	if (err) {
		snprintf(why, sizeof(why), "load: %s", strerror(-err));
		result("plumbing_load", why);
		return 1;
	}
	result("plumbing_load", NULL);
	result("plumbing_btf", btf_trouble                        ? "libbpf reported a BTF problem"
			       : !bpf_object__btf(o)              ? "object has no BTF"
			       : bpf_map__btf_key_type_id(m) == 0 ? "map has no BTF key type"
								  : NULL);

	prog = bpf_object__find_program_by_name(o, "BEGIN_0");
	err = prog ? bpf_prog_test_run_opts(bpf_program__fd(prog), &topts) : -ENOENT;
	if (!err)
		err = bpf_prog_test_run_opts(bpf_program__fd(prog), &topts);
	if (err) {
		snprintf(why, sizeof(why), "test_run: %s", strerror(errno));
		result("plumbing_run", why);
		return 1;
	}
	result("plumbing_run", NULL);

	ncpu = libbpf_num_possible_cpus();
	vals = calloc(ncpu, 8);
	if (bpf_map_lookup_elem(bpf_map__fd(m), &key, vals)) {
		result("plumbing_count", "no element for key 0");
	} else {
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
		snprintf(why, sizeof(why), "count %llu, want 2", (unsigned long long)sum);
		result("plumbing_count", sum == 2 ? NULL : why);
	}

	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(o, "tt_events")), on_rec,
			      NULL, NULL);
	if (rb)
		ring_buffer__consume(rb);
	snprintf(why, sizeof(why), "%d records, hdr %#llx pid %llu (want 2, %#llx, %d)", nrec,
		 (unsigned long long)rec_hdr, (unsigned long long)rec_pid,
		 (unsigned long long)EV_PRINTF << 32 | 7, getpid());
	result("plumbing_ringbuf", nrec == 2 && rec_hdr == ((uint64_t)EV_PRINTF << 32 | 7) &&
						   rec_pid == (uint64_t)getpid()
					   ? NULL
					   : why);
	ring_buffer__free(rb);
	bpf_object__close(o);
	free(vals);
	free(obj);
	return nfail ? 1 : 0;
}
