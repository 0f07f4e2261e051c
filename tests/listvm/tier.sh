#!/usr/bin/env bash
# tier-timeout: 900
# tier-needs: root
#
# List tier, VM half: what this machine's kernel cannot show (kprobes,
# traceable functions, kfunc with module BTF) listed inside a qemu VM that
# boots Debian's stock kernel (tests/vm/vmrun), compared with bpftrace 0.17
# listing the same there. The listing code runs through tests/list/driver.c.
# Skipped when vmrun cannot start a VM.
set -u
cd "$(dirname "$0")/../.." || exit 1
out=build/tests/listvm
mkdir -p "$out"
rm -f "$out"/*.ours "$out"/*.bt "$out"/result

objs="build/runtime/list.o build/runtime/tracefs.o build/runtime/glob.o build/runtime/btf.o
      build/runtime/ffuncs.o build/runtime/kenums.o
      build/runtime/symbols.o build/runtime/elfsyms.o"
base=""
for src in src/base/*.c; do o=build/${src#src/}; base="$base ${o%.c}.o"; done
if ! make -s $objs $base >"$out/make.log" 2>&1 ||
	! ${CC:-cc} -O1 -g -Isrc -o "$out/driver" tests/list/driver.c $objs $base \
		$(pkg-config --libs libbpf libelf) >>"$out/make.log" 2>&1; then
	echo "FAIL listvm_build: cannot build the driver (see $out/make.log)"
	exit 0
fi
if ! command -v bpftrace >/dev/null; then
	echo "SKIP listvm: bpftrace not installed"
	exit 0
fi

# inside the VM: each case writes NAME.ours and NAME.bt
cat >"$out/inside.sh" <<'INSIDE'
#!/bin/bash
cd "$1" || exit 1
run() {
	local name=$1 flag=$2 search=$3
	./driver list $([ "$flag" = -lv ] && echo -v) "$search" 2>/dev/null |
		grep -v -E '^(software|hardware):' >"$name.ours"
	bpftrace $flag "$search" 2>/dev/null | grep -v -E '^(software|hardware):' >"$name.bt"
}
run kprobe_glob -l 'kprobe:vfs_*'
run kretprobe -l 'kretprobe:vfs_read'
run kfunc_glob -l 'kfunc:vfs_*'
run kfunc_module_glob -l 'kfunc:*:vfs_*'
run kfunc_vmlinux -l 'kfunc:vmlinux:vfs_read'
run kfunc_module -l 'kfunc:9p*:*'
run kfunc_lv -lv 'kfunc:vfs_rea*'
run kprobe_all -l 'kprobe:*'
run kfunc_all -l 'kfunc:*'
echo ok >result
INSIDE
chmod +x "$out/inside.sh"
tests/vm/vmrun -t 800 -w "$PWD/$out" -- "$PWD/$out/inside.sh" "$PWD/$out" >"$out/vmrun.log" 2>&1
rc=$?
if [ ! -s "$out/result" ]; then
	if [ $rc = 125 ] || grep -qi "cannot\|no such\|not found" "$out/vmrun.log"; then
		echo "SKIP listvm: the VM did not run (see $out/vmrun.log)"
	else
		echo "FAIL listvm: the VM run failed with status $rc (see $out/vmrun.log)"
	fi
	exit 0
fi
for f in "$out"/*.bt; do
	name=$(basename "$f" .bt)
	if [ ! -s "$f" ]; then
		echo "FAIL vm_$name: bpftrace listed nothing"
	elif cmp -s "$f" "$out/$name.ours"; then
		echo "PASS vm_$name ($(wc -l <"$f") lines)"
	else
		echo "FAIL vm_$name: $(diff "$f" "$out/$name.ours" | head -3 | tr '\n' ' ')"
	fi
done
exit 0
