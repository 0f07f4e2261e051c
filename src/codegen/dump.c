/*
 * dump.c - `-d bpf`: the BPF instructions of every program section of the
 * emitted object, disassembled with LLVM's own BPF disassembler (through
 * the C Object and Disassembler APIs), one listing per section.
 */
#define CODEGEN_INTERNAL
#include <llvm-c/Disassembler.h>
#include <llvm-c/Object.h>
#include <llvm-c/Target.h>
#include <string.h>

#include "codegen.h"

static bool is_program_section(const char *name)
{
	return name && *name && strcmp(name, ".text") && name[0] != '.' &&
	       strcmp(name, "license");
}

static void dump_section(LLVMDisasmContextRef dc, const char *name, const uint8_t *code,
			 uint64_t size, FILE *f)
{
	char text[256];

	fprintf(f, "%s:\n", name);
	for (uint64_t off = 0; off < size;) {
		size_t n = LLVMDisasmInstruction(dc, (uint8_t *)code + off, size - off, off, text,
						 sizeof(text));

		if (!n) {
			fprintf(f, "%6llu: <unknown>\n", (unsigned long long)(off / 8));
			n = 8;
		} else {
			fprintf(f, "%6llu:%s\n", (unsigned long long)(off / 8), text);
		}
		off += n;
	}
	fputc('\n', f);
}

int codegen_dump_bpf(const struct bt_program *prog, FILE *f)
{
	LLVMMemoryBufferRef buf;
	LLVMBinaryRef bin;
	LLVMSectionIteratorRef it;
	LLVMDisasmContextRef dc;
	char *err = NULL;

	if (!prog->obj)
		return -1;
	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFDisassembler();
	dc = LLVMCreateDisasmCPU("bpfel", "v3", NULL, 0, NULL, NULL);
	if (!dc)
		return -1;
	buf = LLVMCreateMemoryBufferWithMemoryRange(prog->obj, prog->obj_len, "obj", false);
	bin = LLVMCreateBinary(buf, NULL, &err);
	if (!bin) {
		fprintf(stderr, "cannot read the object: %s\n", err ? err : "?");
		LLVMDisposeMessage(err);
		LLVMDisposeMemoryBuffer(buf);
		LLVMDisasmDispose(dc);
		return -1;
	}
	it = LLVMObjectFileCopySectionIterator(bin);
	for (; !LLVMObjectFileIsSectionIteratorAtEnd(bin, it); LLVMMoveToNextSection(it)) {
		const char *name = LLVMGetSectionName(it);

		if (is_program_section(name) && LLVMGetSectionSize(it))
			dump_section(dc, name, (const uint8_t *)LLVMGetSectionContents(it),
				     LLVMGetSectionSize(it), f);
	}
	LLVMDisposeSectionIterator(it);
	LLVMDisposeBinary(bin);
	LLVMDisposeMemoryBuffer(buf);
	LLVMDisasmDispose(dc);
	return 0;
}
