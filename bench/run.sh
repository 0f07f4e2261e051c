#!/usr/bin/env bash
# tracetop's benchmark (`make bench`): bpftrace-compatible tracers side by
# side with a hand-written libbpf floor, in one run.
#
#   run.sh [TRACER [TRACER2]]   default: /usr/bin/bpftrace and ./tracetop
#
# Every benchmark runs each tracer in turn (A B A B ...), so drift in the
# machine's speed hits both alike. Prints a table of median [min..max] per
# metric, plus B/A for two tracers. Raw samples and logs go to $BENCH_OUT.
#
# Environment knobs (defaults in brackets):
#   BENCH_ONLY      comma list of: startup,overhead,floor,wildcard,exitout,printf,
#                   tui [all]
#   BENCH_QUICK=1   fewer repetitions (smoke test, ~1.5 min per tracer)
#   BENCH_RUNS      runs for the short startup benchmarks [10]
#   BENCH_SESSIONS  tracer sessions per overhead/printf/exit config [3]
#   BENCH_N         getppid calls per rep [2000000]
#   BENCH_REPS      reps per session (median taken) [5]
#   BENCH_WILD_RUNS runs of each wildcard attach [3]
#   BENCH_OUT       results folder [bench/out/<time>]
#   BENCH_LOAD_CPU  CPU the syscall load is pinned to [1]
#   BENCH_TRACER_CPU CPU the tracer is pinned to in printf runs [0]
#   BENCH_TUI_SECS  seconds of CPU measurement per dashboard run [30; quick 15]
#   BENCH_TUI_KEYS  key presses timed with the 100,000-key map [40; quick 20]
#
# Needs root, tracefs, clang + libbpf-dev (for the floor programs), taskset.
# The tracer must accept `-e PROGRAM`, honour BPFTRACE_MAP_KEYS_MAX and exit
# on SIGINT printing its maps, and should print
# __BPFTRACE_NOTIFY_PROBES_ATTACHED on stderr once attached when that
# environment variable is set (as bpftrace does); without it the harness
# falls back to the "Attaching" line + BENCH_SETTLE_MS [1000].
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
B=${BENCH_BUILD:-$HERE/build}
make -s -C "$HERE" B="$B" >&2 || { echo "build failed" >&2; exit 1; }

T1=${1:-/usr/bin/bpftrace}
T2=${2:-}
[ $# -eq 0 ] && T2=$(cd "$HERE/.." && pwd)/tracetop
TRACERS=("$T1")
[ -n "$T2" ] && TRACERS+=("$T2")
for t in "${TRACERS[@]}"; do
	[ -x "$t" ] || { echo "not executable: $t" >&2; exit 2; }
done
label() { # short unique label per tracer
	local i=$1 b
	b=$(basename "${TRACERS[$i]}")
	if [ ${#TRACERS[@]} -eq 2 ] && [ "$(basename "$T1")" = "$(basename "$T2")" ]; then
		b="$b#$((i + 1))"
	fi
	echo "$b"
}
LABELS=("$(label 0)")
[ -n "$T2" ] && LABELS+=("$(label 1)")

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	RUNS=${BENCH_RUNS:-3}; SESS=${BENCH_SESSIONS:-1}; N=${BENCH_N:-1000000}
	REPS=${BENCH_REPS:-3}; WRUNS=${BENCH_WILD_RUNS:-1}
else
	RUNS=${BENCH_RUNS:-10}; SESS=${BENCH_SESSIONS:-3}; N=${BENCH_N:-2000000}
	REPS=${BENCH_REPS:-5}; WRUNS=${BENCH_WILD_RUNS:-3}
fi
ONLY=${BENCH_ONLY:-startup,overhead,floor,wildcard,exitout,printf,tui}
LCPU=${BENCH_LOAD_CPU:-1}
TCPU=${BENCH_TRACER_CPU:-0}
OUT=${BENCH_OUT:-$HERE/out/$(date +%Y%m%d-%H%M%S)}
SHM=/dev/shm/tracer-bench.$$
mkdir -p "$OUT" "$SHM"
trap 'rm -rf "$SHM"' EXIT
RAW=$OUT/raw.tsv
: >"$RAW"
LOG=$OUT/log.txt
: >"$LOG"
SETTLE=${BENCH_SETTLE_MS:-1000}

want() { [[ ",$ONLY," == *",$1,"* ]]; }
log() { echo "$*" >>"$LOG"; }
say() { echo "$*" >&2; log "$*"; }
# kv KEY "k=v k=v ..." -> v
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }
# rec LABEL METRIC UNIT VALUE
rec() { [ -n "$4" ] && printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"; }
ms() { awk -v x="$1" 'BEGIN { if (x < 0) exit; printf "%.1f", x * 1000 }'; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }

# tracerun wrapper: trun LABEL_FOR_LOG [tracerun opts] -- cmd...
trun() {
	local what=$1; shift
	local extra=()
	# tracer without the notify marker: fall back to Attaching + settle
	[ "${BENCH_NO_MARKER:-0}" = 1 ] && extra=(-m '' -w "$SETTLE")
	local res
	res=$("$B/tracerun" "${extra[@]}" "$@" 2>>"$LOG")
	log "[$what] $res"
	echo "$res"
}
# good RES WHAT: the run exited 0 without hitting the time bound
good() {
	[ "$(kv status "$1")" = 0 ] && [ "$(kv timeout "$1")" = 0 ] && return 0
	say "  $2: failed ($1)"
	return 1
}

say "# output: $OUT"
say "# tracers: ${TRACERS[*]}"
say "# kernel $(uname -r), $(nproc) cpus, runs=$RUNS sessions=$SESS N=$N reps=$REPS"

# ---------------------------------------------------------------- startup
if want startup; then
	say "== startup"
	for ((r = 0; r < RUNS; r++)); do
		for i in "${!TRACERS[@]}"; do
			t=${TRACERS[$i]} l=${LABELS[$i]}
			res=$(trun "begin_exit $l" -E "$OUT/begin.err" -- "$t" -e 'BEGIN { exit(); }')
			if good "$res" "BEGIN exit ($l)"; then
				rec "$l" "startup: BEGIN{exit()} wall" ms "$(ms "$(kv wall "$res")")"
				rec "$l" "startup: BEGIN{exit()} to 'Attaching' line" ms "$(ms "$(kv attach_line "$res")")"
				rec "$l" "startup: BEGIN{exit()} peak RSS" MB "$(calc "$(kv maxrss_kb "$res")/1024")"
			fi
			res=$(trun "first_event $l" -- "$t" -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); exit(); }')
			good "$res" "first event ($l)" || continue
			rec "$l" "startup: sys_enter count+exit() on 1st event, wall" ms "$(ms "$(kv wall "$res")")"
			rec "$l" "startup: sys_enter count, to all-attached" ms "$(ms "$(kv ready "$res")")"
		done
	done
	for ((r = 0; r < (RUNS + 1) / 2; r++)); do
		for i in "${!TRACERS[@]}"; do
			t=${TRACERS[$i]} l=${LABELS[$i]}
			res=$(trun "tutorial $l" -- "$t" -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } interval:s:1 { exit(); }')
			good "$res" "tutorial ($l)" || continue
			w=$(kv wall "$res") rd=$(kv ready "$res")
			rec "$l" "startup: tutorial one-liner wall - 1 s" ms "$(calc "($w - 1) * 1000")"
			rec "$l" "startup: tutorial, all-attached -> exit - 1 s" ms "$(calc "($w - $rd - 1) * 1000")"
			rec "$l" "startup: tutorial peak RSS" MB "$(calc "$(kv maxrss_kb "$res")/1024")"
			rec "$l" "startup: tutorial VmRSS once attached" MB "$(calc "$(kv rss_ready_kb "$res")/1024")"
		done
	done
fi

# ------------------------------------------------------- per-event overhead
# One session = bare sysloop run, then a tracer session running the same
# sysloop. Metric: CPU ns per getppid call of the loop thread (immune to
# preemption by other load; the BPF program runs in its context), median of
# REPS reps; "added" = traced - bare of the same session.
# Samples taken while another process had a BPF program on a syscall
# tracepoint (guard.sh) are void and retried, up to 3 tries.
LOADCMD="$HERE/guard.sh taskset -c $LCPU $B/sysloop getppid $N $REPS"
overhead_one() { # LABEL SECTION NAME CMD...
	local l=$1 sec=$2 name=$3; shift 3
	local bare='' res='' o='' g='' tr_ns='' ok=0
	for _ in 1 2 3; do
		o=$(TRACER_PID=-1 $LOADCMD | tail -2)
		g=$(tail -1 <<<"$o") o=$(head -1 <<<"$o")
		log "[bare] $o $g"
		bare=$(kv cpu_med "$o")
		[ "$(kv foreign_before "$g")$(kv foreign_after "$g")" = 00 ] || { say "  bare: foreign syscall probes ($g), retry"; sleep 5; continue; }
		res=$(trun "$sec $name $l" -s -l "$LOADCMD" -L "$SHM/load.txt" -- "$@")
		g=$(tail -1 "$SHM/load.txt") o=$(tail -2 "$SHM/load.txt" | head -1)
		log "  load: $o $g"
		[ "$(kv foreign_before "$g")$(kv foreign_after "$g")" = 00 ] || { say "  $name ($l): foreign syscall probes ($g), retry"; sleep 5; continue; }
		ok=1
		break
	done
	if [ "$ok" != 1 ]; then
		say "  $name ($l): no clean sample in 3 tries (other processes trace syscalls), skipped"
		return
	fi
	tr_ns=$(kv cpu_med "$o")
	if [ -z "$tr_ns" ] || [ "$(kv status "$res")" != 0 ]; then
		say "  $name ($l) failed: $res"; return
	fi
	rec bare "overhead: bare getppid (cpu ns/call)" ns "$bare"
	rec "$l" "$sec: $name, added ns/event" ns "$(calc "$tr_ns - $bare")"
	rec "$l" "$sec: $name, wall ns/call" ns "$(kv ns_med "$o")"
}
OVERHEAD_PROGS=(
	"raw_syscalls @[comm]=count()|tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }"
	"raw_syscalls @=count()|tracepoint:raw_syscalls:sys_enter { @ = count(); }"
	"sys_enter_getppid @[tid]=count()|tracepoint:syscalls:sys_enter_getppid { @[tid] = count(); }"
	"sys_enter_getppid @[tid]=hist(nsecs)|tracepoint:syscalls:sys_enter_getppid { @[tid] = hist(nsecs); }"
	"sys_enter_getppid @=hist(nsecs)|tracepoint:syscalls:sys_enter_getppid { @ = hist(nsecs); }"
)
if want overhead; then
	say "== overhead (N=$N x $REPS reps, $SESS sessions)"
	for ((r = 0; r < SESS; r++)); do
		for p in "${OVERHEAD_PROGS[@]}"; do
			name=${p%%|*} prog=${p#*|}
			for i in "${!TRACERS[@]}"; do
				overhead_one "${LABELS[$i]}" overhead "$name" "${TRACERS[$i]}" -e "$prog"
			done
		done
	done
fi
FLOORS=(
	"raw_syscalls empty|empty raw_syscalls:sys_enter"
	"raw_syscalls percpu-array ++|array_inc raw_syscalls:sys_enter"
	"raw_syscalls @[comm]=count()|comm_count raw_syscalls:sys_enter"
	"sys_enter_getppid empty|empty syscalls:sys_enter_getppid"
	"sys_enter_getppid @[tid]=count()|tid_count syscalls:sys_enter_getppid"
	"sys_enter_getppid @[tid]=hist(nsecs)|tid_hist syscalls:sys_enter_getppid"
)
if want floor; then
	say "== floor (minimal libbpf programs)"
	for ((r = 0; r < SESS; r++)); do
		for f in "${FLOORS[@]}"; do
			name=${f%%|*} args=${f#*|}
			# shellcheck disable=SC2086
			overhead_one floor floor "$name" "$B/floor" $args
		done
	done
fi

# ---------------------------------------------------------- wildcard attach
if want wildcard; then
	say "== wildcard attach"
	for ((r = 0; r < WRUNS; r++)); do
		for w in "syscalls:sys_enter_*" "sched:sched*"; do
			for i in "${!TRACERS[@]}"; do
				t=${TRACERS[$i]} l=${LABELS[$i]}
				res=$(trun "wild $w $l" -s -T 600 -- "$t" -e "tracepoint:$w { @[probe] = count(); }")
				good "$res" "wildcard $w ($l)" || continue
				rec "$l" "wildcard $w: probes" n "$(kv probes "$res")"
				rec "$l" "wildcard $w: start -> all attached" ms "$(ms "$(kv ready "$res")")"
				rec "$l" "wildcard $w: SIGINT -> exit (detach+print)" ms "$(ms "$(kv exit_after_sig "$res")")"
				rec "$l" "wildcard $w: peak RSS" MB "$(calc "$(kv maxrss_kb "$res")/1024")"
			done
		done
	done
fi

if want wildcard && want floor; then
	say "== wildcard attach floor (libbpf, empty program, sequential / 16-thread detach)"
	for ((r = 0; r < ${BENCH_FLOOR_WILD_RUNS:-1}; r++)); do
		for w in "syscalls:sys_enter_*" "sched:sched*"; do
			for th in 1 16; do
				res=$(FLOOR_DETACH_THREADS=$th trun "floor wild $w $th" -s -T 600 -- "$B/floor" empty "$w")
				rec floor "floor wildcard $w: start -> all attached" ms "$(ms "$(kv ready "$res")")"
				rec floor "floor wildcard $w: SIGINT -> exit, $th detach thread(s)" ms "$(ms "$(kv exit_after_sig "$res")")"
			done
		done
	done
fi

# --------------------------------------------------------- exit-time output
# K distinct keys made deterministically: sysloop close K BASE calls
# close(BASE+i) (EBADF), the tracer counts per fd. Then SIGINT; the time to
# exit covers detach + reading + sorting + printing K entries to a tmpfs file.
if want exitout; then
	say "== exit-time output"
	BASE=100000000
	for ((r = 0; r < SESS; r++)); do
		for k in 100 10000 100000; do
			for kind in fd tid_fd; do
				[ "$kind" = tid_fd ] && [ $k -ne 100000 ] && continue
				if [ "$kind" = fd ]; then key='args->fd'; else key='tid, args->fd'; fi
				for i in "${!TRACERS[@]}"; do
					t=${TRACERS[$i]} l=${LABELS[$i]}
					res=$(BPFTRACE_MAP_KEYS_MAX=$((k * 2)) trun "exitout $k $kind $l" -s -T 600 \
						-o "$SHM/exit.out" -l "$B/sysloop close $k $BASE" -L "$SHM/load.txt" -- \
						"$t" -e "tracepoint:syscalls:sys_enter_close /args->fd >= $BASE/ { @[$key] = count(); }")
					good "$res" "exitout $k $kind ($l)" || continue
					lines=$(grep -c ']: ' "$SHM/exit.out")
					log "  map lines printed: $lines"
					[ "$lines" -ge "$k" ] || say "  exitout $k $kind ($l): only $lines map lines"
					rec "$l" "exit output: @[$key]=count(), $k keys: SIGINT -> exit" ms "$(ms "$(kv exit_after_sig "$res")")"
					rec "$l" "exit output: @[$key]=count(), $k keys: peak RSS" MB "$(calc "$(kv maxrss_kb "$res")/1024")"
				done
			done
		done
	done
fi

# --------------------------------------------------------- printf throughput
# Load: sysloop dur 2 (getppid for 2 s, max rate or paced) pinned to LCPU.
# Tracer pinned to TCPU (or not: "tracer unpinned"); its stdout straight
# to a tmpfs file, counted afterwards (/dev/null would hide the lines and
# the "Lost N events" reports). Unfiltered, every syscall the tracer makes
# while printing is itself an event, so it feeds itself; the filtered
# variant sees only the load. Floor: a ring buffer program + buffered
# consumer (floor rb_printf_*).
printf_one() { # LABEL NAME RATE PIN(-c N or '') CMD...
	local l=$1 name=$2 rate=$3 pin=$4; shift 4
	local res o stats secs calls ev sl lost pre=printf
	[ "$l" = floor ] && pre="floor printf"
	# shellcheck disable=SC2086
	res=$(trun "printf $name $l" -s $pin -T 300 -o "$SHM/pf.out" \
		-l "taskset -c $LCPU $B/sysloop dur 2 $rate" -L "$SHM/load.txt" -- "$@")
	o=$(tail -1 "$SHM/load.txt")
	log "  load: $o"
	stats=$(awk '/^Lost [0-9]+ events/ { lost += $2; next }
		/^Attaching/ { next }
		$2 == "sysloop" { sl++ } NF == 2 { ev++ }
		END { printf "ev=%d sl=%d lost=%d", ev, sl, lost }' "$SHM/pf.out")
	log "  $stats"
	rm -f "$SHM/pf.out"
	secs=$(kv secs "$o") calls=$(kv calls "$o")
	ev=$(kv ev "$stats") sl=$(kv sl "$stats") lost=$(kv lost "$stats")
	[ -n "$secs" ] || { say "  printf $name ($l) failed: $res"; return; }
	rec "$l" "$pre $name: load events delivered /s" ev/s "$(calc "$sl / $secs")"
	rec "$l" "$pre $name: all events delivered /s (load window)" ev/s "$(calc "$ev / $secs")"
	rec "$l" "$pre $name: events lost (reported) /s" ev/s "$(calc "$lost / $secs")"
	rec "$l" "$pre $name: load delivered / load syscalls" % "$(calc "100 * $sl / $calls")"
	rec "$l" "$pre $name: load syscalls /s" ev/s "$(kv calls_per_s "$o")"
	rec "$l" "$pre $name: tracer CPU s (user+sys)" s "$(calc "$(kv utime "$res") + $(kv stime "$res")")"
	[ "$l" = floor ] || rec "$l" "$pre $name: SIGINT resends needed" n "$(kv sig_resends "$res")"
	[ "$l" = floor ] || rec "$l" "$pre $name: first SIGINT -> exit" ms "$(ms "$(kv exit_after_first_sig "$res")")"
	[ "$l" = floor ] || rec "$l" "$pre $name: VmRSS while tracing" MB "$(calc "$(kv rss_sig_kb "$res")/1024")"
}
if want printf; then
	say "== printf throughput"
	PF_ALL='tracepoint:raw_syscalls:sys_enter { printf("%d %s\n", pid, comm); }'
	PF_SL='tracepoint:raw_syscalls:sys_enter /comm == "sysloop"/ { printf("%d %s\n", pid, comm); }'
	# name|rate|pin|program|floor program
	PF_CASES=(
		"unfiltered, max load|0|-c $TCPU|$PF_ALL|rb_printf_all"
		"unfiltered, max load, tracer unpinned|0||$PF_ALL|rb_printf_all"
		"comm==sysloop, max load|0|-c $TCPU|$PF_SL|rb_printf_sysloop"
		"comm==sysloop, load 100k/s|100000|-c $TCPU|$PF_SL|rb_printf_sysloop"
	)
	for ((r = 0; r < SESS; r++)); do
		for p in "${PF_CASES[@]}"; do
			IFS='|' read -r name rate pin prog fprog <<<"$p"
			for i in "${!TRACERS[@]}"; do
				printf_one "${LABELS[$i]}" "$name" "$rate" "$pin" "${TRACERS[$i]}" -e "$prog"
			done
			if want floor; then
				printf_one floor "$name" "$rate" "$pin" "$B/floor" "$fprog" raw_syscalls:sys_enter
			fi
		done
	done
fi

# ----------------------------------------------------------------- dashboard
# The dashboard's own cost (issue 6). bench/src/tuirun.py runs the tracer on
# a pseudo-terminal (160x50) and reads the timings tracetop writes to
# TRACETOP_TUI_STATS (one line per refresh and per key): the tracer
# process's CPU (utime+stime) over BENCH_TUI_SECS with no key pressed, the
# refresh (map snapshot read + rows rebuilt) and redraw times, and with a
# 100,000-key map the time from a key press (s: next sort column) to the end
# of the redraw that shows it. A tracer without --plain in its --help has no
# dashboard (bpftrace): for it, and for tracetop too, the classic way of
# watching a map live is measured instead: the same map printed each second
# (interval:s:1 { print(@); }, stdout to /dev/null).
has_dashboard() { "$1" --help 2>&1 | grep -q -- '--plain'; }
tuirun() { # WHAT tuirun-args...
	local what=$1; shift
	local res
	res=$(python3 "$HERE/src/tuirun.py" --stats "$SHM/tui.stats" "$@" 2>>"$LOG")
	log "[$what] $res"
	echo "$res"
}
tui_ok() { [ "$(kv status "$1")" = 0 ] && return 0; say "  $2: failed ($1)"; return 1; }
# classic runs: the CPU sample counts even when the exit went wrong (said)
tui_cpu_ok() {
	[ "$(kv status "$1")" = 0 ] || say "  $2: $1"
	[ -n "$(kv cpu_pct "$1")" ]
}
if want tui; then
	say "== dashboard (tui)"
	if [ "$QUICK" = 1 ]; then TSECS=${BENCH_TUI_SECS:-15} TKEYS=${BENCH_TUI_KEYS:-20}
	else TSECS=${BENCH_TUI_SECS:-30} TKEYS=${BENCH_TUI_KEYS:-40}; fi
	TL4='tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
	# a steady 20k syscalls/s from a process of known comm, sleeping between
	# 1 ms batches (not a spinning core)
	TL4LOAD="taskset -c $LCPU $B/sysloop pace 3600 20000"
	TK=100000 TBASE=100000000
	TBIG="tracepoint:syscalls:sys_enter_close /args->fd >= $TBASE/ { @[args->fd] = count(); }"
	# every key touched again each second
	TBIGLOAD="while :; do taskset -c $LCPU $B/sysloop close $TK $TBASE; sleep 1; done"
	for ((r = 0; r < SESS; r++)); do
		for i in "${!TRACERS[@]}"; do
			t=${TRACERS[$i]} l=${LABELS[$i]}
			if has_dashboard "$t"; then
				res=$(tuirun "tui lesson4 $l" --secs "$TSECS" --load "$TL4LOAD" -- "$t" -i 1 -e "$TL4")
				if tui_ok "$res" "dashboard lesson 4 ($l)"; then
					rec "$l" "tui: lesson 4 dashboard at 1 Hz: CPU" "% core" "$(kv cpu_pct "$res")"
					rec "$l" "tui: lesson 4 dashboard: refresh (read+rebuild)" ms "$(kv refresh_ms_med "$res")"
					rec "$l" "tui: lesson 4 dashboard: redraw" ms "$(kv redraw_ms_med "$res")"
				fi
				res=$(BPFTRACE_MAP_KEYS_MAX=$((TK * 2)) tuirun "tui 100k $l" --secs "$TSECS" --fill "$TK" \
					--keys "$TKEYS" --load "$TBIGLOAD" -- "$t" -i 1 -e "$TBIG")
				if tui_ok "$res" "dashboard 100k keys ($l)"; then
					rec "$l" "tui: 100k keys dashboard at 1 Hz: CPU" "% core" "$(kv cpu_pct "$res")"
					rec "$l" "tui: 100k keys: snapshot read" ms "$(kv snapshot_ms_med "$res")"
					rec "$l" "tui: 100k keys: rows rebuilt" ms "$(kv tick_ms_med "$res")"
					rec "$l" "tui: 100k keys: refresh (read+rebuild)" ms "$(kv refresh_ms_med "$res")"
					rec "$l" "tui: 100k keys: refresh, slowest" ms "$(kv refresh_ms_max "$res")"
					rec "$l" "tui: 100k keys: redraw (compose+blit)" ms "$(kv redraw_ms_med "$res")"
					rec "$l" "tui: 100k keys: key press to screen, median" ms "$(kv key_ms_med "$res")"
					rec "$l" "tui: 100k keys: key press to screen, p95" ms "$(kv key_ms_p95 "$res")"
					rec "$l" "tui: 100k keys: key press to screen, max" ms "$(kv key_ms_max "$res")"
					rec "$l" "tui: 100k keys: q to exit" ms "$(kv quit_ms "$res")"
				fi
			fi
			res=$(tuirun "classic lesson4 $l" --plain-out /dev/null --plain-err "$SHM/tui.err" --secs "$TSECS" \
				--load "$TL4LOAD" -- "$t" -e "$TL4 interval:s:1 { print(@); }")
			tui_cpu_ok "$res" "classic lesson 4 ($l)" &&
				rec "$l" "tui: lesson 4 + interval:s:1 { print(@); }, classic: CPU" "% core" "$(kv cpu_pct "$res")"
			res=$(BPFTRACE_MAP_KEYS_MAX=$((TK * 2)) tuirun "classic 100k $l" --plain-out /dev/null \
				--plain-err "$SHM/tui.err" --secs "$TSECS" --fill "$TK" --fill-wait 5 --load "$TBIGLOAD" -- \
				"$t" -e "$TBIG interval:s:1 { print(@); }")
			tui_cpu_ok "$res" "classic 100k keys ($l)" &&
				rec "$l" "tui: 100k keys + interval:s:1 { print(@); }, classic: CPU" "% core" "$(kv cpu_pct "$res")"
		done
	done
fi

# -------------------------------------------------------------------- table
awk -F'\t' -v labels="${LABELS[*]}" '
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
function fmt(x) { return (x >= 1000 || x <= -1000) ? sprintf("%.0f", x) : sprintf("%.1f", x) }
{
	key = $1 SUBSEP $2
	if (!(key in cnt)) { if (!($2 in seen)) { seen[$2] = 1; order[++nm] = $2; unit[$2] = $3 } }
	cnt[key]++; v[key, cnt[key]] = $4 + 0
}
END {
	nl = split(labels, L, " ")
	hdr = "| metric | unit |"; sep = "|---|---|"
	for (k = 1; k <= nl; k++) { hdr = hdr " " L[k] " median [min..max] (n) |"; sep = sep "---|" }
	if (nl == 2) { hdr = hdr " " L[2] "/" L[1] " |"; sep = sep "---|" }
	print hdr; print sep
	for (m = 1; m <= nm; m++) {
		name = order[m]; row = "| " name " | " unit[name] " |"; split("", md)
		# floor and bare rows: one value, shown in the first column
		single = ((("floor" SUBSEP name) in cnt) || (("bare" SUBSEP name) in cnt))
		for (k = 1; k <= nl; k++) {
			lab = single ? (("floor" SUBSEP name) in cnt ? "floor" : "bare") : L[k]
			key = lab SUBSEP name
			if (!(key in cnt) || (single && k > 1)) { row = row " |"; continue }
			n = cnt[key]; split("", a); mn = 1e300; mx = -1e300
			for (i = 1; i <= n; i++) { a[i] = v[key, i]; if (a[i] < mn) mn = a[i]; if (a[i] > mx) mx = a[i] }
			md[k] = med(a, n)
			row = row " " fmt(md[k]) " [" fmt(mn) ".." fmt(mx) "] (" n ") |"
		}
		if (nl == 2) row = row ((1 in md) && (2 in md) && md[1] != 0 ? sprintf(" %.2f |", md[2] / md[1]) : " |")
		if (single) sub(/^\| /, "| (" (("floor" SUBSEP name) in cnt ? "floor" : "bare") ") ", row)
		print row
	}
}' "$RAW" | tee "$OUT/table.md"
# the targets of tracetop's issues 3 and 6 (bench/targets.py)
if [ ${#TRACERS[@]} -eq 2 ]; then
	echo
	python3 "$HERE/targets.py" "$RAW" "${LABELS[0]}" "${LABELS[1]}" | tee "$OUT/targets.md"
fi
say "# raw samples: $RAW; log: $LOG"
