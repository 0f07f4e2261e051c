# Sourced by the tiers: paths, the workload binary, the tracer under test.
#   TOP      top of the repository (the tiers run from there)
#   TRACER   tracer under test (default ./tracetop; set TRACER=/usr/bin/bpftrace
#            to run a tier against the reference)
#   BTCASE   the case runner (tests/lib/btcase.py)
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$TOP" || exit 1
TRACER=${TRACER:-$TOP/tracetop}
BTCASE="python3 $TOP/tests/lib/btcase.py"
BIN=$TOP/tests/out/bin

# build_ttload: the static workload program (tests/lib/ttload.c)
build_ttload() {
	mkdir -p "$BIN"
	if [ ! -x "$BIN/ttload" ] || [ "$TOP/tests/lib/ttload.c" -nt "$BIN/ttload" ]; then
		gcc -O2 -Wall -Wextra -static -pthread -o "$BIN/ttload" "$TOP/tests/lib/ttload.c" ||
			{ echo "FAIL build-ttload: cannot build tests/lib/ttload.c"; exit 1; }
	fi
}

# mount_tracefs: the tracepoint cases need it (tracetop mounts it itself,
# bpftrace 0.17 and the workloads' REQUIRES do not)
mount_tracefs() {
	[ -e /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
}

# snapshot_tracer NAME: the other engineers relink ./tracetop while tiers
# run; run a private copy of it so a tier sees one binary throughout. A copy
# taken in the middle of a link does not run: wait for a whole one.
snapshot_tracer() {
	[ "$TRACER" = "$TOP/tracetop" ] && [ -x "$TRACER" ] || return 0
	local dir=$TOP/tests/out/$1 i
	mkdir -p "$dir"
	for i in $(seq 1 60); do
		if cp "$TRACER" "$dir/tracetop.$$" 2>/dev/null && "$dir/tracetop.$$" --version >/dev/null 2>&1; then
			mv -f "$dir/tracetop.$$" "$dir/tracetop"
			TRACER=$dir/tracetop
			return 0
		fi
		sleep 2
	done
	rm -f "$dir/tracetop.$$"
	echo "note: no runnable snapshot of ./tracetop after 2 minutes; running it in place"
}
