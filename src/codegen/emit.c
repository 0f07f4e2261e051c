/*
 * emit.c - from a finished LLVM module to a BPF ELF object in memory.
 *
 * The target is "bpfel" with cpu v3 (32-bit jumps, atomics); the module is
 * verified, optimised with the standard `default<O2>` pipeline through
 * LLVMRunPasses (the verifier needs it: unoptimised code spills every value
 * and loses the bounds it proves), then emitted to a memory buffer that
 * is copied into a heap block the program owns, where backedge.c makes
 * every loop edge a jump's for older verifiers. -d ir-raw / -d ir print
 * the module before and after optimisation.
 */
#define CODEGEN_INTERNAL
#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <string.h>

#include "codegen.h"

#define BPF_TRIPLE "bpfel"

static void print_module(struct cg *cg, FILE *f)
{
	char *s = LLVMPrintModuleToString(cg->mod);

	fputs(s, f);
	LLVMDisposeMessage(s);
}

static LLVMTargetMachineRef target_machine(struct cg *cg)
{
	LLVMTargetRef target;
	char *err = NULL;

	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
	if (LLVMGetTargetFromTriple(BPF_TRIPLE, &target, &err)) {
		diag_err_nospan(cg->d, "LLVM has no BPF target: %s", err ? err : "?");
		LLVMDisposeMessage(err);
		return NULL;
	}
	return LLVMCreateTargetMachine(target, BPF_TRIPLE, "v3", "", LLVMCodeGenLevelDefault,
				       LLVMRelocStatic, LLVMCodeModelDefault);
}

int emit_object(struct cg *cg, void **obj, size_t *len, const char *dump)
{
	LLVMTargetMachineRef tm;
	LLVMTargetDataRef td;
	LLVMPassBuilderOptionsRef pbo;
	LLVMErrorRef perr;
	LLVMMemoryBufferRef buf = NULL;
	char *dl, *err = NULL;
	int ret = -1;

	tm = target_machine(cg);
	if (!tm)
		return -1;
	LLVMSetTarget(cg->mod, BPF_TRIPLE);
	td = LLVMCreateTargetDataLayout(tm);
	dl = LLVMCopyStringRepOfTargetData(td);
	LLVMSetDataLayout(cg->mod, dl);
	LLVMDisposeMessage(dl);
	LLVMDisposeTargetData(td);

	if (dump && !strcmp(dump, "ir-raw"))
		print_module(cg, stdout);
	if (LLVMVerifyModule(cg->mod, LLVMReturnStatusAction, &err)) {
		diag_err_nospan(cg->d, "internal error: invalid LLVM IR: %s", err);
		LLVMDisposeMessage(err);
		goto out_tm;
	}
	LLVMDisposeMessage(err);
	err = NULL;

	pbo = LLVMCreatePassBuilderOptions();
	perr = LLVMRunPasses(cg->mod, "default<O2>", tm, pbo);
	LLVMDisposePassBuilderOptions(pbo);
	if (perr) {
		char *m = LLVMGetErrorMessage(perr);

		diag_err_nospan(cg->d, "internal error: LLVM passes: %s", m);
		LLVMDisposeErrorMessage(m);
		goto out_tm;
	}
	if (dump && !strcmp(dump, "ir"))
		print_module(cg, stdout);

	if (LLVMTargetMachineEmitToMemoryBuffer(tm, cg->mod, LLVMObjectFile, &err, &buf)) {
		diag_err_nospan(cg->d, "internal error: BPF emission: %s", err ? err : "?");
		LLVMDisposeMessage(err);
		goto out_tm;
	}
	*len = LLVMGetBufferSize(buf);
	*obj = xmalloc(*len);
	memcpy(*obj, LLVMGetBufferStart(buf), *len);
	LLVMDisposeMemoryBuffer(buf);
	/* < 0: a layout the pass does not know; the object stays as emitted */
	backedge_pad(obj, len);
	ret = 0;
out_tm:
	LLVMDisposeTargetMachine(tm);
	return ret;
}
