#!/usr/bin/env bash
# btsuite.sh - run the kprobe/kretprobe/kfunc/kretfunc cases of bpftrace's
# own runtime test suite inside the VM (tests/vm/vmrun: Debian's 6.1 kernel
# under qemu), against bpftrace 0.17 (the reference) and against tracetop
# (a copy of it named bpftrace, as the suite's runner wants). Run by hand:
# the suite is not part of this repository, so this is not a make check
# tier. docs/CONFORMANCE.md says how the suite was unpacked and built and
# records the counts.
#
#   tests/vm/btsuite.sh [-b ref|tt|both] [-f GLOB] [-t SECS] [-k] SUITE
#
#   SUITE    the suite's tests/ directory (holds runtime/ and the built
#            testprogs/), e.g. /tmp/bt-suite/tests; it is read inside the
#            VM through the read-only root share
#   -b       which binaries: ref (/usr/bin/bpftrace), tt (./tracetop, or
#            $TRACER), both (default)
#   -f GLOB  only the cases matching the runner's fnmatch pattern on
#            "file.case name" (e.g. 'call.*', 'probe.kfunc*')
#   -t SECS  time limit of each VM run (default 1800)
#   -k       keep earlier results (rerun a few cases; the summary takes the
#            latest result of each case)
#   -r       rerun tracetop on the cases bpftrace passes and it did not
#            (from the latest results; implies -b tt -k)
#
# One VM boot per suite file, both binaries in the same boot. Inside the
# guest a small background load (cat and sleep in a loop) keeps vfs_read,
# do_nanosleep and friends firing, as a real system does: most cases probe
# them and wait for a hit. The runner's attach timeout is raised to 90 s and
# each case's TIMEOUT multiplied by 4 (tests/vm/btsuite.py): bpftrace takes
# about 10 s to start under TCG.
#
# Output under tests/out/btsuite/: BIN.results (one "STATUS<TAB>file.case"
# line per case run), BIN/FILE.log (the runner's output), summary.txt:
# how many cases bpftrace passes in the VM (N), how many of those tracetop
# passes (M), and the ones it fails.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=$TOP/tests/out/btsuite

# ---- inside the VM: tests/vm/btsuite.sh --guest SUITE FILE GLOB LIST BIN...
if [ "${1:-}" = --guest ]; then
	suite=$2 file=$3 glob=$4 list=$5
	shift 5
	(while :; do cat /proc/loadavg >/dev/null; sleep 0.2; done) &
	load=$!
	flt=()
	[ -n "$glob" ] && flt=(--filter "$glob")
	[ -n "$list" ] && flt+=(--cases "$list")
	for b in "$@"; do
		echo "btsuite: $b $file (kernel $(uname -r))"
		python3 "$HERE/btsuite.py" --suite "$suite" --bin "$OUT/$b" --file "$file" \
			"${flt[@]}" --results "$OUT/$b.results" >"$OUT/$b/$file.log" 2>&1
		tail -n 1 "$OUT/$b/$file.log"
	done
	kill "$load"
	exit 0
fi

bins=(ref tt) glob= limit=1800 keep=0 list=
while getopts b:f:t:krh o; do
	case $o in
	b) case $OPTARG in ref | tt) bins=("$OPTARG") ;; both) bins=(ref tt) ;;
		*) echo "btsuite: -b ref|tt|both" >&2; exit 2 ;; esac ;;
	f) glob=$OPTARG ;;
	t) limit=$OPTARG ;;
	k) keep=1 ;;
	r) list=$OUT/rerun.list keep=1 bins=(tt) ;;
	*) sed -n '2,34s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { sed -n '2,34s/^# \{0,1\}//p' "$0"; exit 2; }
SUITE=$(cd "$1" && pwd -P) || exit 2
[ -f "$SUITE/runtime/engine/runner.py" ] || { echo "btsuite: no runtime/engine/runner.py under $SUITE" >&2; exit 2; }
[ -f "$SUITE/runtime/engine/cmake_vars.py" ] ||
	{ echo "btsuite: $SUITE/runtime/engine/cmake_vars.py missing (see docs/CONFORMANCE.md)" >&2; exit 2; }

mkdir -p "$OUT/ref" "$OUT/tt"
ln -sf /usr/bin/bpftrace "$OUT/ref/bpftrace"
TRACER=${TRACER:-$TOP/tracetop}
# a copy: ./tracetop is relinked while the suite runs
cp "$TRACER" "$OUT/tt/bpftrace.$$" && mv -f "$OUT/tt/bpftrace.$$" "$OUT/tt/bpftrace" || exit 1
if [ "$keep" = 0 ]; then
	for b in "${bins[@]}"; do rm -f "$OUT/$b.results" "$OUT/$b"/*.log; done
fi

sel=(--suite "$SUITE")
[ -n "$glob" ] && sel+=(--filter "$glob")
if [ -n "$list" ]; then
	awk -F'\t' 'FNR == NR { if ($1 == "PASS") ok[$2] = 1; next } { r[$2] = $1 }
		END { for (c in ok) if (r[c] != "PASS") print c }' "$OUT/ref.results" "$OUT/tt.results" >"$list"
	sel+=(--cases "$list")
fi
files=$(python3 "$HERE/btsuite.py" "${sel[@]}" --files) || exit 1
for f in $files; do
	echo "btsuite: $f ($(python3 "$HERE/btsuite.py" "${sel[@]}" --file "$f" --list | wc -l) cases)"
	"$HERE/vmrun" -t "$limit" -w "$OUT" -- "$HERE/btsuite.sh" --guest "$SUITE" "$f" "$glob" "$list" "${bins[@]}"
	rc=$?
	[ $rc = 0 ] || echo "btsuite: VM run for $f ended with status $rc (see $OUT/*/$f.log)"
done

# ---- summary: the latest result of each case
# (of the cases in the current selection: results of cases no longer
# selected are left out)
python3 "$HERE/btsuite.py" --suite "$SUITE" --list >"$OUT/selected.list"
latest() { [ -f "$OUT/$1.results" ] && awk -F'\t' 'FNR == NR { sel[$0] = 1; next } ($2 in sel) { r[$2] = $1 }
	END { for (c in r) print r[c] "\t" c }' "$OUT/selected.list" "$OUT/$1.results" | sort -t$'\t' -k2; }
{
	latest ref >"$OUT/ref.latest"
	latest tt >"$OUT/tt.latest"
	n=$(grep -c '^PASS' "$OUT/ref.latest")
	echo "cases selected: $(wc -l <"$OUT/selected.list")"
	echo "bpftrace (ref): $(cut -f1 "$OUT/ref.latest" | sort | uniq -c | awk '{printf "%s %s  ", $2, $1}')"
	echo "tracetop (tt):  $(cut -f1 "$OUT/tt.latest" | sort | uniq -c | awk '{printf "%s %s  ", $2, $1}')"
	m=$(awk -F'\t' 'FNR == NR { if ($1 == "PASS") ok[$2] = 1; next } $1 == "PASS" && ok[$2]' \
		"$OUT/ref.latest" "$OUT/tt.latest" | wc -l)
	echo "tracetop passes $m of the $n cases bpftrace passes in the VM"
	awk -F'\t' 'FNR == NR { if ($1 == "PASS") ok[$2] = 1; next } ($2 in ok) { seen[$2] = 1; if ($1 != "PASS") print "  " $1 "\t" $2 }
		END { for (c in ok) if (!(c in seen)) print "  NOTRUN\t" c }' "$OUT/ref.latest" "$OUT/tt.latest"
} | tee "$OUT/summary.txt"
