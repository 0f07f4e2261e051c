/*
 * dump.c - `-d bpf`: the BPF instructions of every program section of the
 * emitted object and of .text (the subprograms: for-loop callbacks, shared
 * bodies), disassembled with LLVM's own BPF disassembler (through the C
 * Object and Disassembler APIs), one listing per function.
 */
#define CODEGEN_INTERNAL
#include <llvm-c/Disassembler.h>
#include <llvm-c/Object.h>
#include <llvm-c/Target.h>
#include <string.h>

#include "codegen.h"

static bool is_program_section(const char *name)
{
	return name && *name && (!strcmp(name, ".text") || name[0] != '.') &&
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

/* One listing per function symbol (several programs may share a section,
 * BEGIN and END both live in "raw_tp"). */
static void dump_symbols(LLVMBinaryRef bin, LLVMSectionIteratorRef sec, LLVMDisasmContextRef dc,
			 FILE *f)
{
	LLVMSymbolIteratorRef sym = LLVMObjectFileCopySymbolIterator(bin);
	const char *secname = LLVMGetSectionName(sec);
	const uint8_t *code = (const uint8_t *)LLVMGetSectionContents(sec);
	uint64_t base = LLVMGetSectionAddress(sec), size = LLVMGetSectionSize(sec);

	for (; !LLVMObjectFileIsSymbolIteratorAtEnd(bin, sym); LLVMMoveToNextSymbol(sym)) {
		uint64_t addr = LLVMGetSymbolAddress(sym), len = LLVMGetSymbolSize(sym);
		char title[512];

		if (!LLVMGetSectionContainsSymbol(sec, sym) || !len || addr < base ||
		    addr - base + len > size)
			continue;
		snprintf(title, sizeof(title), "%s (%s)", LLVMGetSymbolName(sym), secname);
		dump_section(dc, title, code + (addr - base), len, f);
	}
	LLVMDisposeSymbolIterator(sym);
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
	for (; !LLVMObjectFileIsSectionIteratorAtEnd(bin, it); LLVMMoveToNextSection(it))
		if (is_program_section(LLVMGetSectionName(it)) && LLVMGetSectionSize(it))
			dump_symbols(bin, it, dc, f);
	LLVMDisposeSectionIterator(it);
	LLVMDisposeBinary(bin);
	LLVMDisposeMemoryBuffer(buf);
	LLVMDisasmDispose(dc);
	return 0;
}
