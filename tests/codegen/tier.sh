#!/bin/sh
# Codegen tier: builds the test drivers against the codegen objects and
# runs them as root against the real kernel (BPF load + BPF_PROG_TEST_RUN).
cd "$(dirname "$0")/../.." || exit 1
out=build/tests/codegen
mkdir -p "$out"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP codegen: needs root to load BPF"
	exit 0
fi
objs="build/codegen/ir.o build/codegen/btf_maps.o build/codegen/emit.o"
base=$(ls src/base/*.c 2>/dev/null | sed 's|^src/|build/|; s|\.c$|.o|')
if ! make -s $objs $base >"$out/make.log" 2>&1; then
	echo "FAIL codegen_build: make failed (see $out/make.log)"
	exit 0
fi
LLVM_CFLAGS=$(llvm-config-19 --cflags | sed 's/-std=[^ ]*//')
LLVM_LIBS="$(llvm-config-19 --ldflags --libs) $(llvm-config-19 --system-libs)"
if ! cc -std=gnu11 -g -O1 -Wall -Wextra $LLVM_CFLAGS -o "$out/plumbing" tests/codegen/plumbing.c \
	$objs $base $LLVM_LIBS $(pkg-config --libs libbpf libelf zlib) -lm >"$out/cc.log" 2>&1; then
	echo "FAIL plumbing_build: cc failed (see $out/cc.log)"
	cat "$out/cc.log" >&2
	exit 0
fi
"$out/plumbing"
[ -x tests/codegen/e2e.sh ] && tests/codegen/e2e.sh
exit 0
