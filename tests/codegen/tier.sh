#!/bin/sh
# tier-needs: root
# tier-timeout: 900
# Codegen tier, run as root against the real kernel:
#  - plumbing: a module built by hand through codegen's API, loaded and run;
#  - cases/*.bt: programs compiled by the real frontend + codegen, loaded
#    (the verifier must accept them), run (BEGIN by BPF_PROG_TEST_RUN,
#    tracepoints attached around a fixed workload, END), their ring buffer
#    records and maps printed canonically and compared with cases/*.out;
#  - bpftrace's installed tools (/usr/sbin/*.bt) must compile and load.
# UPDATE=1 rewrites the .out files (review the diff before committing).
cd "$(dirname "$0")/../.." || exit 1
out=build/tests/codegen
mkdir -p "$out"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP codegen: needs root to load BPF"
	exit 0
fi
LLVM_CFLAGS=$(llvm-config-19 --cflags | sed 's/-std=[^ ]*//')
LLVM_LIBS="$(llvm-config-19 --ldflags --libs) $(llvm-config-19 --system-libs)"
PKG_LIBS=$(pkg-config --libs libbpf libelf ncursesw zlib libmicrohttpd)
CC_FLAGS="-std=gnu11 -g -O1 -Wall -Wextra $LLVM_CFLAGS"

# every stage but main.c (codegen's USDT lowering calls into the runtime)
lib_objs=$(ls src/*.c src/*/*.c | grep -v '^src/main\.c$' | sed 's|^src/|build/|; s|\.c$|.o|')
if ! make -s $lib_objs >"$out/make.log" 2>&1; then
	echo "FAIL codegen_build: make failed (see $out/make.log)"
	exit 0
fi
if cc $CC_FLAGS -o "$out/plumbing" tests/codegen/plumbing.c $lib_objs \
	$LLVM_LIBS $PKG_LIBS -lm >"$out/cc.log" 2>&1; then
	"$out/plumbing" 2>"$out/plumbing.err"
else
	echo "FAIL plumbing_build: cc failed (see $out/cc.log)"
fi

if ! cc $CC_FLAGS -o "$out/cg_e2e" tests/codegen/e2e.c $lib_objs $LLVM_LIBS $PKG_LIBS -lm \
		>"$out/cc-e2e.log" 2>&1; then
	echo "FAIL codegen_e2e_build: the frontend/codegen did not build (see $out/cc-e2e.log)"
	exit 0
fi
mount | grep -q ' type tracefs ' || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
for bt in tests/codegen/cases/*.bt; do
	[ -e "$bt" ] || continue
	name=cg_$(basename "$bt" .bt)
	want=${bt%.bt}.out
	got=$out/$(basename "$bt" .bt).got
	"$out/cg_e2e" "$bt" >"$got" 2>"$got.err"
	if [ -n "$UPDATE" ]; then
		cp "$got" "$want"
	fi
	if [ ! -e "$want" ]; then
		echo "FAIL $name: no $want"
	elif cmp -s "$got" "$want"; then
		echo "PASS $name"
	else
		echo "FAIL $name: $(diff "$want" "$got" | grep '^[<>]' | head -1 | cut -c1-120)"
	fi
done

if make -s tracetop >"$out/make-tt.log" 2>&1 && cp tracetop "$out/tracetop"; then
	sh tests/codegen/lost.sh "$out/tracetop" "$out"
	sh tests/codegen/cli.sh "$out/tracetop" "$out"
else
	echo "FAIL cg_lost_build: make tracetop failed (see $out/make-tt.log)"
fi

# bpftrace's own tools (installed with bpftrace 0.17, not copied here):
# each must compile and pass the verifier; a frontend limitation is a SKIP.
for bt in /usr/sbin/*.bt; do
	[ -e "$bt" ] || continue
	name=cg_tool_$(basename "$bt" .bt)
	log=$out/$(basename "$bt").log
	CG_LOAD_ONLY=1 timeout 120 "$out/cg_e2e" "$bt" >"$log" 2>&1
	res=$(tail -1 "$log")
	case "$res" in
	loaded) echo "PASS $name" ;;
	"compile error") echo "SKIP $name: frontend: $(grep -m1 ERROR "$log" | sed 's/.*ERROR: //' | cut -c1-80)" ;;
	*) echo "FAIL $name: $res" ;;
	esac
done
exit 0
