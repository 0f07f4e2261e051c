#!/usr/bin/env bash
# tier-timeout: 300
# tier-needs: root
#
# User-space probe tier: small C programs built here with gcc (target.c as
# PIE, non-PIE and stripped with only .dynsym; libtt.c as a shared library
# the targets link; usdt.c + usdt_sem.c with <sys/sdt.h> probes, one with a
# semaphore) traced end to end through `tracetop --plain`: counts,
# arguments, return values, str() of user pointers, ustack/usym names, usdt
# arguments and semaphores, -p and -c, wildcards, address and offset
# forms, the -l listings and the located errors. Outputs are compared with
# golden/*.out (the bin directory written as BIN). After every test no BPF
# program of this tier's binaries may be left loaded.
#   tests/uprobe/tier.sh [NAME]   run only the tests whose name contains NAME
set -u
. "$(dirname "$0")/../lib/common.sh"
# a usable private copy (others relink ./tracetop while this runs)
for _ in 1 2 3 4 5 6 7 8 9 10; do
	TRACER=${TRACER_ORIG:=$TRACER}
	snapshot_tracer uprobe
	[ "$("$TRACER" -l BEGIN 2>/dev/null)" = BEGIN ] && break
	sleep 2
done
mount_tracefs
only=${1:-}
OUT=$TOP/tests/out/uprobe
D=$OUT/bin
SRC=$TOP/tests/uprobe
GOLD=$SRC/golden
mkdir -p "$D" "$OUT/got"

build() {
	local cf="-O2 -g -fno-omit-frame-pointer -Wall -Wextra"
	gcc $cf -fPIC -shared -o "$D/libtt.so" "$SRC/libtt.c" &&
		gcc $cf -fPIE -pie -o "$D/target_pie" "$SRC/target.c" -L"$D" -ltt -Wl,-rpath,"$D" &&
		gcc $cf -fno-pie -no-pie -o "$D/target_nopie" "$SRC/target.c" -L"$D" -ltt -Wl,-rpath,"$D" &&
		gcc $cf -fPIE -pie -rdynamic -o "$D/target_stripped" "$SRC/target.c" -L"$D" -ltt \
			-Wl,-rpath,"$D" && strip "$D/target_stripped" &&
		gcc $cf -o "$D/usdt" "$SRC/usdt.c" "$SRC/usdt_sem.c"
}
if [ ! -e /usr/include/x86_64-linux-gnu/sys/sdt.h ] && [ ! -e /usr/include/sys/sdt.h ]; then
	echo "FAIL uprobe_build: <sys/sdt.h> missing (scripts/install-deps.sh installs systemtap-sdt-dev)"
	exit 0
fi
if ! build >"$OUT/build.log" 2>&1; then
	echo "FAIL uprobe_build: the test programs do not build (see $OUT/build.log)"
	cat "$OUT/build.log"
	exit 0
fi

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
want() { [ -z "$only" ] || [[ $1 == *"$only"* ]]; }

# leftovers NAME: FAIL when a BPF program of this tier's binaries is loaded
# (their names carry the bin path: "uprobe__..._tests_out_uprobe_bin_...")
leftovers() {
	local left
	left=$(bpftool prog list 2>/dev/null | grep -c 'tests_out_uprobe_bin')
	if [ "$left" != 0 ]; then
		fail "$1_detach" "$left BPF program(s) left loaded after the run"
		return 1
	fi
	return 0
}

# run NAME ARGS...: the tracer's stdout, stderr and status in $OUT/got
run() {
	local name=$1
	shift
	timeout 30 "$TRACER" "$@" >"$OUT/got/$name.out" 2>"$OUT/got/$name.err"
	echo $? >"$OUT/got/$name.rc"
	sed -i "s|$D|BIN|g" "$OUT/got/$name.out" "$OUT/got/$name.err"
}

# golden NAME ARGS...: stdout must equal golden/NAME.out, status 0
golden() {
	local name=$1
	shift
	want "$name" || return 0
	run "$name" "$@"
	if [ "$(cat "$OUT/got/$name.rc")" != 0 ]; then
		fail "$name" "exit $(cat "$OUT/got/$name.rc"): $(head -c 300 "$OUT/got/$name.err")"
	elif [ ! -e "$GOLD/$name.out" ]; then
		fail "$name" "no golden/$name.out (got: $OUT/got/$name.out)"
	elif ! diff -u "$GOLD/$name.out" "$OUT/got/$name.out" >"$OUT/got/$name.diff"; then
		fail "$name" "output differs: $(head -c 400 "$OUT/got/$name.diff" | tr '\n' '|')"
	else
		leftovers "$name" && pass "$name"
	fi
}

# error NAME MESSAGE ARGS...: status != 0, stderr holds MESSAGE and a
# located caret line, nothing attached ("Attaching" never printed)
error() {
	local name=$1 msg=$2
	shift 2
	want "$name" || return 0
	run "$name" "$@"
	if [ "$(cat "$OUT/got/$name.rc")" = 0 ]; then
		fail "$name" "exit 0"
	elif ! grep -qF -- "$msg" "$OUT/got/$name.err"; then
		fail "$name" "no '$msg' in: $(head -c 300 "$OUT/got/$name.err")"
	elif ! grep -q '^stdin:1:[0-9-]*: ERROR' "$OUT/got/$name.err"; then
		fail "$name" "the error is not located: $(head -c 300 "$OUT/got/$name.err")"
	elif grep -q Attaching "$OUT/got/$name.out" "$OUT/got/$name.err"; then
		fail "$name" "probes were attached"
	else
		leftovers "$name" && pass "$name"
	fi
}

P=$D/target_pie
N=$D/target_nopie
S=$D/target_stripped
U=$D/usdt

# ---- uprobe/uretprobe: counts, arguments, return values (-c: attached
# before the command runs, so every call is seen) ----
golden pie_args_retval --plain -e "uprobe:$P:tt_add { @calls = count(); @args[arg0, arg1] = count(); }
uretprobe:$P:tt_add { @ret[retval] = count(); }" -c "$P 5"
golden nopie_args_retval --plain -e "uprobe:$N:tt_add { @calls = count(); @args[arg0, arg1] = count(); }
uretprobe:$N:tt_add { @ret[retval] = count(); }" -c "$N 5"
golden six_args --plain -e "u:$P:tt_six { @[arg0, arg1, arg2, arg3, arg4, arg5] = count(); }
ur:$P:tt_six { @sum = sum(retval); }" -c "$P 3"
golden stripped_args --plain -e "uprobe:$S:tt_six { @[arg0, arg1, arg2, arg3, arg4, arg5] = count(); }
uretprobe:$S:tt_add { @ret[retval] = count(); }" -c "$S 2"
golden str_arg --plain -e "uprobe:$N:tt_greet { printf(\"greet '%s'\n\", str(arg0)); }
uretprobe:$N:tt_greet { printf(\"ret '%s'\n\", str(retval)); }" -c "$N 2"
golden shlib --plain -e "uprobe:$D/libtt.so:tt_lib_mul { @[arg0, arg1] = count(); }
uretprobe:$D/libtt.so:tt_lib_mul { @ret[retval] = count(); }" -c "$P 4"
golden wildcard --plain -e "uprobe:$P:tt_* { @[probe] = count(); }" -c "$P 2"

# ---- address and offset forms ----
addr=$(nm "$N" | awk '$3 == "tt_add" { print $1 }')
golden address --plain -e "uprobe:$N:0x$addr { @[arg0, arg1] = count(); }" -c "$N 3"
# tt_add is "lea (%rdi,%rsi),%eax; ret": at the ret (+3) eax holds the sum
off=$(objdump -d --no-show-raw-insn "$N" | awk '/<tt_add>:/ { f = 1; next } f && /ret/ { sub(":", "", $1); print $1; exit }')
if [ -n "$off" ]; then
	off=$(printf '%d' $((0x$off - 0x$addr)))
	golden offset --plain -e "uprobe:$N:tt_add+$off { @[reg(\"ax\") & 0xffffffff] = count(); }" -c "$N 3"
else
	want offset && echo "SKIP offset: no ret found in tt_add"
fi

# ---- ustack / usym, symbolised while the process lives ----
if want ustack; then
	run ustack --plain -e "uprobe:$P:tt_leaf { printf(\"usym %s\n%s\n\", usym(reg(\"ip\")), ustack); }" -c "$P 1 300"
	frames=$(awk '$1 ~ /^[a-z_]+\+[0-9]+$/ { sub(/\+.*/, "", $1); printf "%s ", $1 }' "$OUT/got/ustack.out")
	if ! grep -q '^usym tt_leaf$' "$OUT/got/ustack.out"; then
		fail ustack "no 'usym tt_leaf' in: $(head -c 300 "$OUT/got/ustack.out" | tr '\n' '|')"
	elif [[ $frames != "tt_leaf tt_top main "* ]]; then
		fail ustack "frames '$frames' are not tt_leaf tt_top main ..."
	else
		leftovers ustack && pass ustack
	fi
fi
if want ustack_nopie; then
	run ustack_nopie --plain -e "uprobe:$N:tt_middle { printf(\"%s\n\", ustack(3)); }" -c "$N 1 300"
	frames=$(awk 'NF == 1 { sub(/\+.*/, "", $1); printf "%s ", $1 }' "$OUT/got/ustack_nopie.out")
	if [ "$frames" != "tt_middle tt_top main " ]; then
		fail ustack_nopie "frames '$frames' are not 'tt_middle tt_top main'"
	else
		leftovers ustack_nopie && pass ustack_nopie
	fi
fi
# frames NAME WANT PROGRAM CMD: the first frames of a printed ustack
frames() {
	local name=$1 wantf=$2 prog=$3 cmd=$4 got
	want "$name" || return 0
	run "$name" --plain -e "$prog" -c "$cmd"
	got=$(awk 'NF == 1 { sub(/\+.*/, "", $1); printf "%s ", $1 }' "$OUT/got/$name.out")
	if [ "$got" != "$wantf" ]; then
		fail "$name" "frames '$got', want '$wantf'"
	else
		leftovers "$name" && pass "$name"
	fi
}
# a stripped binary: names from .dynsym; a frame in a library, then one in
# libc (at a function's first instruction its caller's frame is not pushed
# yet, so a frame-pointer walk skips the direct caller: main here)
frames ustack_stripped "tt_middle tt_top main " "uprobe:$S:tt_middle { printf(\"%s\n\", ustack(3)); }" "$S 1 300"
frames ustack_shlib "tt_lib_mul __libc_start_call_main " "uprobe:$D/libtt.so:tt_lib_mul { printf(\"%s\n\", ustack(2)); }" "$P 1 300"
# ustack(perf, N): "\tADDR sym+off (binary)", as bpftrace 0.17
if want ustack_perf; then
	run ustack_perf --plain -e "uprobe:$N:tt_leaf { printf(\"%s\n\", ustack(perf, 2)); }" -c "$N 1 300"
	got=$(grep -P '^\t' "$OUT/got/ustack_perf.out" | sed -E 's/^\t[0-9a-f]+ /\tADDR /; s/\+[0-9]+ / /' | tr '\t\n' 'T|')
	if [ "$got" != "TADDR tt_leaf (BIN/target_nopie)|TADDR tt_top (BIN/target_nopie)|" ]; then
		fail ustack_perf "frames: $got"
	else
		leftovers ustack_perf && pass ustack_perf
	fi
fi
# a process gone before the map is printed: raw addresses, never garbage
if want ustack_exited; then
	run ustack_exited --plain -e "uprobe:$P:tt_leaf { @[ustack] = count(); }" -c "$P 2"
	bad=$(awk '/^@\[$/ { s = 1; next } /^\]: / { s = 0; next } s && $1 !~ /^(0x[0-9a-f]+|[A-Za-z_][A-Za-z0-9_.]*\+[0-9]+)$/' "$OUT/got/ustack_exited.out")
	if ! grep -q '^]: 2$' "$OUT/got/ustack_exited.out"; then
		fail ustack_exited "no stack counted twice: $(head -c 300 "$OUT/got/ustack_exited.out" | tr '\n' '|')"
	elif [ -n "$bad" ]; then
		fail ustack_exited "frames neither symbols nor addresses: $bad"
	else
		leftovers ustack_exited && pass ustack_exited
	fi
fi

# ---- uaddr: a symbol's address, moved with the load bias of a PIE ----
golden uaddr_nopie --plain -e "uprobe:$N:tt_leaf { printf(\"%s %s\n\", usym(uaddr(\"tt_top\")), usym(uaddr(\"tt_add\"))); }" -c "$N 1 300"
golden uaddr_pie --plain -e "uprobe:$P:tt_leaf { printf(\"%s\n\", usym(uaddr(\"tt_top\"))); }" -c "$P 1 300"
# the pointer's type follows the symbol's size (int8/16/32, else int64)
golden uaddr_sizes --plain -e "uprobe:$N:tt_leaf { printf(\"%d %d %d %d\n\", *uaddr(\"tt_g_int\"), *uaddr(\"tt_g_short\"), *uaddr(\"tt_g_char\"), *uaddr(\"tt_g_long\")); exit(); }" -c "$N 1 300"
golden uaddr_usdt_global --plain -e "usdt:$U:ttprov:plain { printf(\"g_val %d\n\", *uaddr(\"g_val\")); }" -c "$U 2"

# ---- -p: only that process; the other instance is not seen ----
if want pid_filter; then
	"$P" 100000 20 2>/dev/null &
	a=$!
	"$P" 100000 20 2>/dev/null &
	b=$!
	sleep 0.3
	run pid_filter --plain -p "$a" -e "uprobe:$P:tt_add { @[pid] = count(); } interval:ms:800 { exit(); }"
	kill "$a" "$b" 2>/dev/null
	wait "$a" "$b" 2>/dev/null
	pids=$(sed -n 's/^@\[\([0-9]*\)\]: [0-9]*$/\1/p' "$OUT/got/pid_filter.out" | tr '\n' ' ')
	if [ "$pids" != "$a " ]; then
		fail pid_filter "pids seen '$pids', want only '$a' (not $b)"
	else
		leftovers pid_filter && pass pid_filter
	fi
fi

# ---- usdt: arguments (registers, constants, %rip-relative symbol),
# probes without arguments, a semaphore raised only while traced ----
golden usdt_args --plain -e "usdt:$U:ttprov:plain { printf(\"%d %d %s %d\n\", arg0, arg1, str(arg2), arg3); }" -c "$U 2"
golden usdt_short --plain -e "usdt:$U:noargs { @n = count(); } usdt:$U:ttprov:guarded { @g[arg0, arg1] = count(); }" -c "$U 3"
golden usdt_two_sites --plain -e "usdt:$U:ttprov:twice { @[arg0] = count(); }" -c "$U 3"
# a semaphore in a library the command maps only after the probes attached
golden usdt_shlib --plain -e "usdt:$D/libtt.so:ttlib:mul { @[arg0, arg1] = count(); }" -c "$P 3"
golden usdt_wildcard --plain -e "usdt:$U:ttprov:* { @[probe] = count(); }" -c "$U 2"
if want usdt_semaphore; then
	# traced for the first ~1 s of a ~3 s run: the semaphore goes up on
	# attach and back down on detach, so only some calls fire
	"$U" 30 100 2>"$OUT/got/usdt_semaphore.target" &
	t=$!
	run usdt_semaphore --plain -p "$t" -e "usdt:$U:ttprov:guarded { @ = count(); } interval:ms:1000 { exit(); }"
	wait "$t"
	fired=$(sed -n 's/^guarded fired //p' "$OUT/got/usdt_semaphore.target")
	seen=$(sed -n 's/^@: //p' "$OUT/got/usdt_semaphore.out")
	if [ -z "$fired" ] || [ "$fired" -le 0 ] || [ "$fired" -ge 30 ]; then
		fail usdt_semaphore "the guarded probe fired '$fired' times of 30 (want some, not all)"
	elif [ "$seen" != "$fired" ] && [ "$seen" != $((fired - 1)) ]; then
		fail usdt_semaphore "traced $seen of $fired guarded firings"
	else
		leftovers usdt_semaphore && pass usdt_semaphore
	fi
fi
if want usdt_untraced; then
	"$U" 3 2>"$OUT/got/usdt_untraced.target"
	if grep -q '^guarded fired 0$' "$OUT/got/usdt_untraced.target"; then
		pass usdt_untraced
	else
		fail usdt_untraced "the semaphore is raised with no tracer: $(cat "$OUT/got/usdt_untraced.target")"
	fi
fi

# ---- listings ----
golden list_pie -l "uprobe:$P:tt_*"
golden list_stripped -l "uprobe:$S:tt_*"
golden list_shlib -l "uprobe:$D/libtt.so:*"
golden list_usdt -l "usdt:$U:*"
if want list_libc; then
	run list_libc -l "uprobe:libc:malloc"
	if grep -qx 'uprobe:/.*/libc\.so\.6:malloc' "$OUT/got/list_libc.out"; then
		pass list_libc
	else
		fail list_libc "libc not resolved: $(head -c 300 "$OUT/got/list_libc.out" "$OUT/got/list_libc.err")"
	fi
fi
golden list_usdt_provider -l "usdt:$U:ttprov:g*"

# ---- errors: located, nothing attached ----
error err_missing_binary "does not exist" --plain -e "uprobe:$D/no_such_binary:tt_add { }"
error err_no_symbol "'tt_nope' not found" --plain -e "uprobe:$P:tt_nope { }"
error err_not_elf "not an ELF file" --plain -e "uprobe:$SRC/target.c:tt_add { }"
error err_offset_bounds "Offset outside the function bounds" --plain -e "uprobe:$N:tt_add+64 { }"
# a glob that matches nothing is dropped with a located warning (0.17 drops
# it silently); nothing left to attach: bpftrace's line on stdout, exit 1
if want no_match_dropped; then
	run no_match_dropped --plain -e "uprobe:$P:zz_* { }"
	if [ "$(cat "$OUT/got/no_match_dropped.rc")" != 1 ]; then
		fail no_match_dropped "exit $(cat "$OUT/got/no_match_dropped.rc"), not 1"
	elif [ "$(cat "$OUT/got/no_match_dropped.out")" != "No probes to attach" ]; then
		fail no_match_dropped "stdout: $(head -c 300 "$OUT/got/no_match_dropped.out")"
	elif ! grep -q '^stdin:1:1-[0-9]*: WARNING: No probes matched uprobe:' \
		"$OUT/got/no_match_dropped.err"; then
		fail no_match_dropped "no located warning: $(head -c 300 "$OUT/got/no_match_dropped.err")"
	else
		leftovers no_match_dropped && pass no_match_dropped
	fi
fi
error err_usdt_missing "does not exist" --plain -e "usdt:$D/no_such_binary:ttprov:plain { }"
error err_usdt_no_probe "No usdt probe" --plain -e "usdt:$U:ttprov:nope { }"
error err_usdt_no_arg "has 0 arguments: no arg0" --plain -e "usdt:$U:ttprov:noargs { print(arg0); }"
error err_uaddr_unknown "Could not resolve symbol" --plain -e "uprobe:$P:tt_add { print(uaddr(\"no_such_sym\")); }"
error err_usdt_not_elf "not an ELF file" --plain -e "usdt:$SRC/usdt.c:ttprov:plain { }"
exit 0
