#!/usr/bin/env bash
# tier-timeout: 300
# tier-needs: root
#
# List tier: `tracetop -l` / `-lv` against the real tracefs, BTF and ELF
# files of this machine, compared with bpftrace 0.17's own listing where it
# is installed, plus golden files for what does not depend on the kernel
# (perf event names, the uprobe target's symbols) and direct checks of the
# kernel-knowledge APIs through driver.c (glob, tracepoint records, BTF,
# kallsyms, user symbols of a PIE and a non-PIE binary, library lookup).
# Deliberate difference from 0.17: software/hardware lines (0.17 prints
# "software:<search>:"; we print each event), so those lines are left out
# of the comparisons with bpftrace.
set -u
cd "$(dirname "$0")/../.." || exit 1
out=build/tests/list
gold=tests/list/golden
mkdir -p "$out"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

objs="build/runtime/list.o build/runtime/tracefs.o build/runtime/glob.o build/runtime/btf.o
      build/runtime/ffuncs.o build/runtime/kenums.o
      build/runtime/symbols.o build/runtime/elfsyms.o"
base=""
for src in src/base/*.c; do o=build/${src#src/}; base="$base ${o%.c}.o"; done
if ! make -s $objs $base >"$out/make.log" 2>&1 ||
	! ${CC:-cc} -O1 -g -Isrc -o "$out/driver" tests/list/driver.c $objs $base \
		$(pkg-config --libs libbpf libelf) >>"$out/make.log" 2>&1; then
	echo "FAIL list_build: cannot build the driver (see $out/make.log)"
	cat "$out/make.log"
	exit 0
fi
D=$out/driver
cc -O1 -o "$out/target_pie" -fPIE -pie tests/list/target.c &&
	cc -O1 -o "$out/target_nopie" -fno-pie -no-pie tests/list/target.c ||
	echo "FAIL list_target_build: cannot build tests/list/target.c"

# the tracer's -l when the whole binary links, else the same function
# through the driver (other stages may be mid-edit)
# (a private copy: others rebuild ./tracetop while the tier runs)
usable_copy() {
	for _ in 1 2 3 4 5; do
		make -s tracetop >"$out/make_tracetop.log" 2>&1 || return 1
		cp tracetop "$out/tracetop" 2>/dev/null &&
			[ "$("$out/tracetop" -l BEGIN 2>/dev/null)" = BEGIN ] && return 0
		sleep 2
	done
	return 1
}
if usable_copy; then
	LIST=("$out/tracetop" -l)
	LISTV=("$out/tracetop" -lv)
	echo "using ./tracetop"
else
	LIST=("$D" list)
	LISTV=("$D" list -v)
	echo "note: ./tracetop does not link right now; listing through the driver"
fi

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

"$D" glob

has_bpftrace=0
command -v bpftrace >/dev/null && bpftrace --version 2>/dev/null | grep -q '^bpftrace v0\.17' && has_bpftrace=1

# same_as_bpftrace NAME FLAG SEARCH: our listing equals bpftrace's (stdout)
same_as_bpftrace() {
	local name=$1 flag=$2 search=$3 ours theirs
	if [ $has_bpftrace = 0 ]; then
		echo "SKIP $name: bpftrace 0.17 not installed"
		return
	fi
	theirs=$out/$name.bpftrace
	ours=$out/$name.ours
	bpftrace $flag "$search" 2>/dev/null | grep -v -E '^(software|hardware):' >"$theirs"
	if [ "$flag" = -l ]; then
		"${LIST[@]}" "$search" 2>"$out/$name.err" | grep -v -E '^(software|hardware):' >"$ours"
	else
		"${LISTV[@]}" "$search" 2>"$out/$name.err" | grep -v -E '^(software|hardware):' >"$ours"
	fi
	if [ ! -s "$theirs" ]; then
		fail "$name" "bpftrace listed nothing for '$search'"
	elif cmp -s "$theirs" "$ours"; then
		pass "$name"
	else
		fail "$name" "differs from bpftrace $flag '$search': $(diff "$theirs" "$ours" | head -3 | tr '\n' ' ')"
	fi
}

# no search at all: everything, as `bpftrace -l`
if [ $has_bpftrace = 1 ]; then
	bpftrace -l 2>/dev/null | grep -v -E '^(software|hardware):' >"$out/l_no_search.bpftrace"
	"${LIST[@]}" 2>/dev/null | grep -v -E '^(software|hardware):' >"$out/l_no_search.ours"
	[ -s "$out/l_no_search.ours" ] && cmp -s "$out/l_no_search.bpftrace" "$out/l_no_search.ours" &&
		pass l_no_search || fail l_no_search "differs from bpftrace -l"
fi
same_as_bpftrace l_syscalls_enter -l 'tracepoint:syscalls:sys_enter_*'
same_as_bpftrace l_everything -l '*'
same_as_bpftrace l_sched_star -l 'tracepoint:sched*'
same_as_bpftrace l_alias_t -l 't:sched:*'
same_as_bpftrace l_no_provider -l '*openat'
same_as_bpftrace l_no_provider_prefix -l 's*'
same_as_bpftrace l_event_suffix -l 'tracepoint:*switch'
same_as_bpftrace l_one_part -l 'tracepoint:irq*'
same_as_bpftrace l_provider_glob -l 't*:sched:sched_switch'
same_as_bpftrace l_category_glob -l 'tracepoint:sched*:sched_switch'
same_as_bpftrace l_exact -l 'tracepoint:sched:sched_switch'
same_as_bpftrace l_uprobe_bash -l 'uprobe:/bin/bash:*'
same_as_bpftrace l_uprobe_short -l 'uprobe:bash:readline*'
same_as_bpftrace l_uretprobe -l 'uretprobe:/bin/bash:readline*'
same_as_bpftrace l_uprobe_libc -l 'uprobe:libc:*'
same_as_bpftrace l_iter -l 'iter:*'
same_as_bpftrace lv_iter -lv 'iter:*'
same_as_bpftrace lv_openat -lv 'tracepoint:syscalls:sys_enter_openat'
same_as_bpftrace lv_sched_switch -lv 'tracepoint:sched:sched_switch'
same_as_bpftrace lv_data_loc -lv 'tracepoint:sched:sched_process_exec'
same_as_bpftrace lv_array -lv 'tracepoint:raw_syscalls:sys_enter'
same_as_bpftrace lv_glob -lv 'tracepoint:syscalls:sys_enter_exec*'
same_as_bpftrace lv_all_tracepoints -lv 'tracepoint:*:*'

# golden: names that do not depend on the kernel
golden() {
	local name=$1
	shift
	"$@" >"$out/$name.out" 2>"$out/$name.err"
	if cmp -s "$gold/$name.out" "$out/$name.out"; then
		pass "$name"
	else
		fail "$name" "differs from $gold/$name.out: $(diff "$gold/$name.out" "$out/$name.out" | head -3 | tr '\n' ' ')"
	fi
}
golden software_all "${LIST[@]}" 'software:*'
golden software_alias "${LIST[@]}" 's:cpu*'
golden hardware_alias_match "${LIST[@]}" 'hardware:cycles'
golden begin "${LIST[@]}" 'BEGIN'

# uprobe listing of our own binaries (PIE and non-PIE)
for kind in pie nopie; do
	bin=$PWD/$out/target_$kind
	"${LIST[@]}" "uprobe:$bin:tt_*" | sed "s|$bin|TARGET|" >"$out/uprobe_target_$kind.out"
	if cmp -s "$gold/uprobe_target.out" "$out/uprobe_target_$kind.out"; then
		pass "uprobe_target_$kind"
	else
		fail "uprobe_target_$kind" "$(diff "$gold/uprobe_target.out" "$out/uprobe_target_$kind.out" | head -3 | tr '\n' ' ')"
	fi
	same_as_bpftrace "l_uprobe_target_$kind" -l "uprobe:$bin:*"

	# address -> symbol in a live process, and symbol -> file offset: the
	# bytes at the file offset are the bytes the process runs
	coproc T { "$bin" wait; }
	read -r pid a_alpha a_gamma <&"${T[0]}"
	got=$("$D" usym "$pid" "$a_alpha")
	got3=$("$D" usym "$pid" $((a_alpha + 3)))
	gotg=$("$D" usym "$pid" "$a_gamma")
	off=$("$D" uoff "$bin" tt_alpha)
	same=$(python3 - "$pid" "$a_alpha" "$bin" "$off" <<'PY'
import sys
pid, addr, path, off = int(sys.argv[1]), int(sys.argv[2], 16), sys.argv[3], int(sys.argv[4], 16)
with open(f"/proc/{pid}/mem", "rb") as m:
    m.seek(addr); live = m.read(16)
with open(path, "rb") as f:
    f.seek(off); disk = f.read(16)
print("same" if live == disk else "differ")
PY
)
	echo >&"${T[1]}"
	wait "$T_PID" 2>/dev/null
	[ "$got" = "tt_alpha+0" ] && [ "$got3" = "tt_alpha+3" ] && [ "$gotg" = "tt_local_gamma+0" ] &&
		pass "usym_$kind" || fail "usym_$kind" "got '$got' '$got3' '$gotg'"
	[ "$same" = same ] && pass "uprobe_offset_$kind" || fail "uprobe_offset_$kind" "file offset $off: $same"
done

# a wildcard in the file part lists every executable it matches; a file
# part under a wildcard provider lists uprobes (and usdt) only
same_as_bpftrace l_uprobe_file_glob -l "uprobe:$PWD/$out/target_*:tt_*"
same_as_bpftrace l_uprobe_file_glob_all -l "uprobe:$PWD/$out/target_*p*:*"
same_as_bpftrace l_provider_glob_file -l "*:$PWD/$out/target_pie:*"
same_as_bpftrace l_provider_glob_file_u -l "u*:$PWD/$out/target_nopie:tt_*"

# characters bpftrace's lexer refuses: its located error, exit status 1
inv=0
for s in '\n' "tracepoint:sched:a'b"; do
	n=l_invalid_char_$((++inv))
	"${LIST[@]}" "$s" >"$out/$n.out" 2>"$out/$n.err"
	rc=$?
	if [ $rc != 1 ] || [ -s "$out/$n.out" ] || ! grep -q "ERROR: invalid character" "$out/$n.err"; then
		fail "$n" "exit $rc, stderr: $(head -1 "$out/$n.err")"
	elif [ $has_bpftrace = 1 ] && ! bpftrace -l "$s" 2>&1 | grep -v RLIMIT | cmp -s - "$out/$n.err"; then
		fail "$n" "stderr differs from bpftrace's: $(head -1 "$out/$n.err")"
	else
		pass "$n"
	fi
done

# USDT: listing like bpftrace, and each site's file offsets as computed
# independently from readelf's notes and program headers
usdt_bin=/usr/bin/python3.11
if [ -e "$usdt_bin" ] && [ "$(readelf -n "$usdt_bin" 2>/dev/null | grep -c stapsdt)" -gt 0 ]; then
	same_as_bpftrace l_usdt -l "usdt:$usdt_bin:*"
	same_as_bpftrace l_usdt_provider -l "usdt:$usdt_bin:python:gc*"
	"$D" usdt "$usdt_bin" >"$out/usdt.ours"
	python3 - "$usdt_bin" >"$out/usdt.readelf" <<'PY'
import re, subprocess, sys
path = sys.argv[1]
segs = []
for l in subprocess.run(['readelf', '-lW', path], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if f and f[0] == 'LOAD':
        segs.append((int(f[2], 16), int(f[1], 16), int(f[4], 16)))
def off(v):
    for va, o, sz in segs:
        if va <= v < va + sz:
            return v - va + o
    return 0
notes = subprocess.run(['readelf', '-n', path], capture_output=True, text=True).stdout
prov = name = None
for l in notes.splitlines():
    l = l.strip()
    if l.startswith('Provider:'): prov = l.split(':', 1)[1].strip()
    elif l.startswith('Name:'): name = l.split(':', 1)[1].strip()
    elif l.startswith('Location:'):
        m = re.findall(r'0x[0-9a-f]+', l)
        loc, sem = int(m[0], 16), int(m[2], 16)
    elif l.startswith('Arguments:'):
        args = l.split(':', 1)[1].strip()
        print('%s:%s %x %x %s' % (prov, name, off(loc), off(sem) if sem else 0, args))
PY
	cmp -s "$out/usdt.ours" "$out/usdt.readelf" && pass usdt_offsets ||
		fail usdt_offsets "$(diff "$out/usdt.readelf" "$out/usdt.ours" | head -3 | tr '\n' ' ')"
else
	echo "SKIP usdt: no binary with USDT notes (python3.11)"
fi

# library and program short names
want=$(type -P bash)
got=$("$D" resolve bash)
[ "$got" = "$want" ] && pass resolve_path || fail resolve_path "bash -> '$got', want '$want'"
want=$(ldconfig -p | awk '/libc\.so\.6 .*x86-64/ {print $NF; exit}')
for n in libc c libc.so.6; do
	got=$("$D" resolve $n)
	[ -n "$want" ] && [ "$(realpath "$got")" = "$(realpath "$want")" ] && pass "resolve_$n" ||
		fail "resolve_$n" "$n -> '$got', want '$want'"
done
got=$("$D" resolve no_such_binary_tt)
[ "$got" = "(none)" ] && pass resolve_missing || fail resolve_missing "got '$got'"

# kernel symbols
got=$("$D" ksym vfs_read)
[ "$got" = "vfs_read+0" ] && pass ksym_roundtrip || fail ksym_roundtrip "got '$got'"

# tracepoint records and BTF types (this kernel's layouts)
golden tprecord_sched_switch "$D" tprecord sched sched_switch
golden tprecord_process_exec "$D" tprecord sched sched_process_exec
golden tprecord_execve "$D" tprecord syscalls sys_enter_execve
golden tprecord_missing "$D" tprecord nosuchcat nosuchevent
golden btf_path "$D" btf 'struct path'
golden btf_path_bare "$D" btf path
golden btf_missing "$D" btf 'struct no_such_struct_tt'
golden btf_proto_vfs_read "$D" proto vfs_read
"$D" btf task_struct >"$out/btf_task.out"
grep -q '^  int32 pid @' "$out/btf_task.out" && grep -q ' bits ' "$out/btf_task.out" &&
	grep -q '^  unsigned int8\[16\] comm @' "$out/btf_task.out" &&
	pass btf_task_struct || fail btf_task_struct "pid/comm/bitfields not found"

# kernel enumerators by name (values fixed by the kernel's UAPI)
got="$("$D" enum TCP_ESTABLISHED) $("$D" enum BPF_MAP_TYPE_RINGBUF) $("$D" enum PERF_COUNT_SW_CPU_CLOCK) $("$D" enum NO_SUCH_ENUMERATOR_TT)"
[ "$got" = "1 27 0 none" ] && pass btf_enum_values || fail btf_enum_values "got '$got'"

# errors: exit status non-zero, nothing on stdout
err_case() {
	local name=$1 search=$2
	if "${LIST[@]}" "$search" >"$out/$name.out" 2>"$out/$name.err"; then
		fail "$name" "'$search' succeeded"
	elif [ -s "$out/$name.out" ]; then
		fail "$name" "printed probes"
	else
		pass "$name"
	fi
}
err_case err_tp_one_part 'tracepoint:sched_switch'
err_case err_uprobe_missing 'uprobe:/no/such/file:*'
err_case err_uprobe_no_func 'uprobe:/bin/bash'
"${LIST[@]}" 'tracepoint:no_such_category:*' >"$out/nomatch.out" 2>&1 && [ ! -s "$out/nomatch.out" ] &&
	pass no_match_is_empty || fail no_match_is_empty "rc or output"

# tracefs unmounted: we mount it (in a private mount namespace)
if command -v unshare >/dev/null; then
	got=$(unshare -m sh -c 'umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug 2>/dev/null;
		test -e /sys/kernel/tracing/available_events && echo still-mounted;
		"$@"' sh "${LIST[@]}" 'tracepoint:sched:sched_switch' 2>&1)
	[ "$got" = "tracepoint:sched:sched_switch" ] && pass tracefs_mount ||
		fail tracefs_mount "got '$got'"
else
	echo "SKIP tracefs_mount: no unshare"
fi

exit 0
