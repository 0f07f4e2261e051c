#!/bin/sh
# Whole-binary codegen cases: each runs a one-liner with the built tracetop
# and compares its sorted stdout (map entry order is the kernel's) with the
# expected lines. Usage: cli.sh TRACETOP OUTDIR
tt=$1
out=$2
check() { # name program expected-sorted-stdout
	timeout 20 "$tt" -e "$2" >"$out/$1.out" 2>&1
	got=$(grep -v '^Attaching' "$out/$1.out" | sed '/^$/d' | sort)
	want=$(printf '%s\n' "$3" | sort)
	if [ "$got" = "$want" ]; then
		echo "PASS $1"
	else
		echo "FAIL $1: $(printf '%s' "$got" | tr '\n' '|' | cut -c1-100)"
	fi
}
check cg_for_map 'BEGIN { @a[1] = 2; @a[5] = 7; for ($kv : @a) { printf("k%d v%d\n", $kv.0, $kv.1); } exit(); }' \
'k1 v2
k5 v7
@a[1]: 2
@a[5]: 7'
check cg_for_continue_strkey 'BEGIN { @s["ab"] = 1; @s["cd"] = 2; @s["ef"] = 3; for ($kv : @s) { if ($kv.1 == 2) { continue; } $x = $kv.1 * 10; printf("%s %d\n", $kv.0, $x); } clear(@s); exit(); }' \
'ab 10
ef 30'
check cg_for_break 'BEGIN { @a[1] = 1; @a[2] = 2; @a[3] = 3; for ($kv : @a) { @n = count(); break; } clear(@a); exit(); }' \
'@n: 1'
check cg_strcontains 'BEGIN { $s = "hello world"; printf("%d %d %d %d %d\n", strcontains($s, "o w"), strcontains("hello", "xyz"), strcontains("abc", ""), strcontains("aab", "ab"), strcontains(comm, "tracetop_no")); exit(); }' \
'1 0 1 1 0'

# debugf goes to tracefs' trace buffer, not to our output
trace=/sys/kernel/tracing/trace
if [ -w "$trace" ]; then
	tag="tt_debugf_$$"
	timeout 20 "$tt" -e "BEGIN { debugf(\"$tag %d %s\\n\", 42, \"str\"); exit(); }" >"$out/debugf.out" 2>&1
	if grep -q "$tag 42 str" "$trace"; then
		echo "PASS cg_debugf"
	else
		echo "FAIL cg_debugf: '$tag 42 str' not in $trace ($(head -c 80 "$out/debugf.out"))"
	fi
else
	echo "SKIP cg_debugf: no tracefs"
fi

# cgroup_path: codegen passes the cgroup id; user space names it (decode.c
# prints the id until it resolves paths as bpftrace does).
timeout 20 "$tt" -e 'BEGIN { printf("<%s> %d\n", cgroup_path(cgroup), cgroup); exit(); }' >"$out/cgpath.out" 2>&1
if grep -Eq '^<[^>]+> [0-9]+$' "$out/cgpath.out"; then
	echo "PASS cg_cgroup_path"
else
	echo "FAIL cg_cgroup_path: $(head -c 100 "$out/cgpath.out")"
fi

# A wildcard whose functions differ only in `probe` shares one optimised
# body: one _body subprogram, 300+ stubs, and the counts still land per probe.
p='tracepoint:syscalls:sys_enter_* /comm == "sleep"/ { @[probe] = count(); }'
nbody=$("$tt" -d ir -e "$p" 2>/dev/null | grep -c '^define internal .*_body(')
timeout -s INT 20 "$tt" -e "$p" -c 'sleep 0.2' >"$out/shared.out" 2>&1
if [ "$nbody" = 1 ] && grep -Eq '^@\[tracepoint:syscalls:sys_enter_(clock_)?nanosleep\]: [0-9]+$' "$out/shared.out"; then
	echo "PASS cg_wildcard_shared_body"
else
	echo "FAIL cg_wildcard_shared_body: $nbody bodies, $(grep -c nanosleep "$out/shared.out") nanosleep lines"
fi
