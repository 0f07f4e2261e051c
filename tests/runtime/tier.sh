#!/usr/bin/env bash
# tier-timeout: 300
# tier-needs: root
#
# Runtime tier: real BPF objects (compiled here with clang -target bpf from
# tests/runtime/bpf/) loaded, attached and read through the runtime API by
# driver.c, with hand-built struct bt_program. Golden outputs in
# tests/runtime/golden/; other cases check properties in the driver. After
# every case no BPF program or link of the driver may be left behind.
set -u
cd "$(dirname "$0")/../.." || exit 1
out=build/tests/runtime
mkdir -p "$out"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP runtime: needs root to load BPF"
	exit 0
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

# The runtime and what it links against: every object but main's that builds.
mine="loader attach_special attach_tracepoint attach_kprobe attach_perf attach_uprobe detach child events decode maps"
objs=""
for f in $mine; do objs="$objs build/runtime/$f.o"; done
if ! make -s $objs >"$out/make.log" 2>&1; then
	echo "FAIL runtime_build: make failed (see $out/make.log)"
	cat "$out/make.log"
	exit 0
fi
others=""
for src in src/base/*.c src/model/*.c src/output/*.c src/runtime/*.c; do
	case " $mine " in *" $(basename "$src" .c) "*) continue ;; esac
	o=build/${src#src/}
	o=${o%.c}.o
	make -s "$o" >>"$out/make.log" 2>&1 && others="$others $o"
done
rm -f "$out/libothers.a"
ar rcs "$out/libothers.a" $others
CC=${CC:-cc}
if ! $CC -std=gnu11 -g -O1 -Wall -Wextra -o "$out/driver" tests/runtime/driver.c $objs \
	"$out/libothers.a" $(pkg-config --libs libbpf libelf zlib) -lpthread -lm \
	>"$out/cc.log" 2>&1; then
	echo "FAIL runtime_driver_build: cc failed (see $out/cc.log)"
	cat "$out/cc.log"
	exit 0
fi
bpfcc() { # bpfcc SRC OUT [FLAGS]
	clang-14 -target bpf -O2 -g -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu \
		-c "tests/runtime/bpf/$1" -o "$out/$2" "${@:3}" 2>>"$out/bpfcc.log"
}
: >"$out/bpfcc.log"
if ! bpfcc rt_test.bpf.c rt_test.o -DRB_SIZE=262144 ||
	! bpfcc rt_test.bpf.c rt_big.o -DRB_SIZE=262144 -DWITH_BIG || ! bpfcc rt_test.bpf.c rt_small.o -DRB_SIZE=4096 ||
	! bpfcc fail.bpf.c fail.o || ! bpfcc fail.bpf.c fail_fentry.o -DWITH_FENTRY ||
	! bpfcc fail.bpf.c fail_bad.o -DWITH_BAD; then
	echo "FAIL runtime_bpf_build: clang -target bpf failed (see $out/bpfcc.log)"
	exit 0
fi

leftovers() { # BPF programs of the test objects still loaded
	bpftool prog list 2>/dev/null | grep -c "name rtt_" || true
}

# run CASE [golden]: PASS when the driver succeeds, its stdout matches the
# golden file (if any), and nothing is left loaded.
run() {
	local c=$1 golden=tests/runtime/golden/$1.out
	"$out/driver" "$c" "$out" >"$out/$c.out" 2>"$out/$c.err"
	local rc=$?
	local left
	left=$(leftovers)
	# a closed program is freed after an RCU grace period: look again
	[ "$left" != 0 ] && sleep 0.5 && left=$(leftovers)
	if [ "$rc" != 0 ]; then
		echo "FAIL $c: driver exit $rc: $(tail -n 3 "$out/$c.err" | tr '\n' ' ')"
	elif [ -f "$golden" ] && ! diff -u "$golden" "$out/$c.out" >"$out/$c.diff"; then
		echo "FAIL $c: output differs from $golden"
		cat "$out/$c.diff"
	elif [ "$left" != 0 ]; then
		echo "FAIL $c: $left BPF programs left loaded"
	else
		echo "PASS $c"
	fi
	return 0
}

# expect_err CASE PATTERN: the case must print PATTERN on stderr
expect_err() {
	if grep -q -- "$2" "$out/$1.err"; then
		echo "PASS $1_message"
	else
		echo "FAIL $1_message: stderr lacks '$2': $(head -c 300 "$out/$1.err")"
	fi
}

run begin_end
run aggregates
run events
run exit_begin
run tracepoint
run rawtp
run profile
run interval
run software
run hardware
expect_err hardware "hardware:cycles:1000000: this machine has no hardware performance counters"
run kprobe_fail
expect_err kprobe_fail "kprobe:vfs_read: this kernel has no kprobes"
run fentry_fail
expect_err fentry_fail "fentry:vfs_read: this kernel refuses to load fentry/fexit programs"
run verifier_fail
expect_err verifier_fail "R0 invalid mem access 'map_value_or_null'"
expect_err verifier_fail "ERROR: tracepoint:syscalls:sys_enter_getppid: loading the BPF program failed"
run lost
run child
run notify
expect_err notify "^__BPFTRACE_NOTIFY_PROBES_ATTACHED$"
run storm
run detach_many
run bigmap
# ---- kprobes and trampolines, in a VM whose kernel has them ----
vmrun=/work/shared/vm/vmrun
[ -x tests/vm/vmrun ] && vmrun=tests/vm/vmrun
if [ "${RT_NO_VM:-0}" = 1 ] || [ ! -x "$vmrun" ]; then
	echo "SKIP kprobe_vm: no VM runner (or RT_NO_VM=1)"
else
	timeout 240 "$vmrun" -t 120 -- "$PWD/$out/driver" kprobe_vm "$PWD/$out" \
		>"$out/kprobe_vm.out" 2>"$out/kprobe_vm.err"
	rc=$?
	if [ "$rc" = 0 ]; then
		echo "PASS kprobe_vm"
	elif [ "$rc" = 125 ] || [ "$rc" = 124 ]; then
		echo "SKIP kprobe_vm: the VM did not run ($rc)"
	else
		echo "FAIL kprobe_vm: $(grep -v '^$' "$out/kprobe_vm.out" "$out/kprobe_vm.err" | tail -n 3 | tr '\n' ' ')"
	fi
fi

# ---- end to end through ./tracetop (when the whole binary builds) ----
# a private copy, checked to work: others rebuild ./tracetop meanwhile;
# its own name (comm) tells its BPF objects from those of other runs
tt=$out/tt-rt-e2e
tt_ok=no
for _ in 1 2 3; do
	if make -s tracetop >"$out/make_tracetop.log" 2>&1 && cp tracetop "$tt" &&
		[ "$("$tt" --plain -e 'BEGIN { printf("ok\n"); exit(); }' 2>&1 | head -2 | tail -1)" = ok ]; then
		tt_ok=yes
		break
	fi
	sleep 5
done
if [ $tt_ok != yes ]; then
	echo "SKIP e2e: ./tracetop does not build or run yet (see $out/make_tracetop.log)"
else
	# e2e NAME EXPECTED_RC [tracetop args...]: stdout against golden/NAME.out
	e2e() {
		local name=$1 want_rc=$2
		shift 2
		timeout 20 "$tt" --plain "$@" >"$out/$name.out" 2>"$out/$name.err"
		local rc=$?
		local left
		left=$(leftovers_all)
		if [ "$rc" != "$want_rc" ]; then
			echo "FAIL $name: exit status $rc, expected $want_rc: $(head -c 300 "$out/$name.err")"
		elif [ -f "tests/runtime/golden/$name.out" ] &&
			! diff -u "tests/runtime/golden/$name.out" "$out/$name.out" >"$out/$name.diff"; then
			echo "FAIL $name: output differs"
			cat "$out/$name.diff"
		elif [ "$left" != "$before_all" ]; then
			echo "FAIL $name: BPF programs left loaded ($before_all before, $left after)"
		else
			echo "PASS $name"
		fi
	}
	# programs or links still held by a process of that name (the run
	# itself or its detach helper) once the run has ended
	leftovers_all() {
		{
			bpftool -j prog list
			bpftool -j link list
		} 2>/dev/null | grep -o '"comm":"tt-rt-e2e"' | grep -c . || true
	}
	before_all=0
	e2e e2e_begin_exit 0 -e 'BEGIN { printf("a\n"); exit(); printf("dropped\n"); } END { printf("end\n"); }'
	e2e e2e_child_cpid 0 -c true -e 'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { @ = count(); }'
	e2e e2e_kprobe 1 -e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); } kprobe:vfs_read { @ = count(); }'
	expect_err e2e_kprobe "kprobe:vfs_read: this kernel has no kprobes"
	e2e e2e_interval_exit 0 -e 'interval:ms:50 { @n++; if (@n == 3) { exit(); } }'
	# Ctrl-C while 360 tracepoints count: everything detached, maps printed
	start=$(date +%s%N)
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "$tt" --plain \
		-e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }' \
		>"$out/e2e_sigint.out" 2>"$out/e2e_sigint.err" &
	pid=$!
	for _ in $(seq 200); do
		grep -q __BPFTRACE_NOTIFY_PROBES_ATTACHED "$out/e2e_sigint.err" && break
		sleep 0.05
	done
	attached_ms=$((($(date +%s%N) - start) / 1000000))
	start=$(date +%s%N)
	kill -INT $pid
	wait $pid
	rc=$?
	exit_ms=$((($(date +%s%N) - start) / 1000000))
	echo "# e2e_sigint: attached in $attached_ms ms, SIGINT to exit $exit_ms ms"
	if [ "$rc" != 0 ] || ! grep -q '^@\[tracepoint:syscalls:sys_enter_' "$out/e2e_sigint.out"; then
		echo "FAIL e2e_sigint: status $rc, or no map printed: $(head -c 300 "$out/e2e_sigint.err")"
	elif [ "$(leftovers_all)" != 0 ]; then
		echo "FAIL e2e_sigint: BPF programs or links still held after the run"
	else
		echo "PASS e2e_sigint"
	fi
fi

for c in profile interval software storm detach_many bigmap kprobe_vm; do
	[ -f "$out/$c.out" ] && sed "s/^/# $c: /" "$out/$c.out"
done
exit 0
