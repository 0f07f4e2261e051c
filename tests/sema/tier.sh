#!/usr/bin/env bash
# tests/sema: what sema hands to codegen, as golden text. For every
# tests/sema/cases/NAME.bt, the sema driver (sema_driver.c: parse, sema,
# sema_dump, sema_verify; no LLVM, no BPF) must exit 0 and print exactly
# NAME.types; a contract violation (sema_verify) fails the case whatever
# the dump says. Tracepoint cases read tracefs and BTF of this kernel
# (root); they are skipped when tracefs is unreadable.
# Regenerate: tests/sema/tier.sh --regen [NAME...], then review the diff.
# tier-timeout: 300
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$TOP" || exit 1
drv=tests/out/bin/sema_driver
mkdir -p tests/out/bin
srcs="tests/sema/sema_driver.c src/base/*.c src/frontend/*.c src/runtime/tracefs.c
      src/runtime/btf.c src/runtime/btf_defs.c src/runtime/ffuncs.c src/runtime/kenums.c
      src/runtime/glob.c src/runtime/elfsyms.c src/runtime/symbols.c
      src/runtime/usdt_args.c src/runtime/kfeat.c"
need=0
[ -x "$drv" ] || need=1
for s in $srcs src/bt.h src/frontend/*.h src/runtime/runtime.h; do
	[ "$s" -nt "$drv" ] && need=1
done
if [ $need = 1 ]; then
	# shellcheck disable=SC2086
	gcc -O1 -g -std=gnu11 -o "$drv" $srcs $(pkg-config --cflags --libs libbpf libelf zlib) -lm \
		2>tests/out/sema_driver.build.log || {
		echo "FAIL build-sema-driver: $(grep -m1 error tests/out/sema_driver.build.log)"
		exit 1
	}
fi
regen=0
if [ "${1:-}" = --regen ]; then
	regen=1
	shift
fi
tracefs=0
[ -r /sys/kernel/tracing/events ] || [ -r /sys/kernel/debug/tracing/events ] && tracefs=1
cd tests/sema/cases || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for bt in *.bt; do
	name=${bt%.bt}
	if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
		continue
	fi
	if grep -q '^ *t\(racepoint\)\?:' "$bt" && [ $tracefs = 0 ]; then
		echo "SKIP $name: tracefs not readable"
		continue
	fi
	# shellcheck disable=SC2046
	"$TOP/$drv" "$bt" $(cat "$name.params" 2>/dev/null) >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $regen = 1 ] && [ $rc = 0 ]; then
		cp "$tmp/out" "$name.types"
	fi
	if [ $rc = 3 ]; then
		echo "FAIL $name: contract violation: $(head -1 "$tmp/err")"
	elif [ $rc != 0 ]; then
		echo "FAIL $name: exit status $rc: $(head -1 "$tmp/err")"
	elif [ ! -f "$name.types" ]; then
		echo "FAIL $name: no $name.types (tests/sema/tier.sh --regen $name)"
	elif ! diff -u "$name.types" "$tmp/out" >"$tmp/diff"; then
		echo "FAIL $name: types differ"
		sed 's/^/    /' "$tmp/diff" | head -20
	else
		echo "PASS $name"
	fi
done
