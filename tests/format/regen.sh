#!/bin/sh
# Regenerates the goldens of cases/*.bt from the installed bpftrace 0.17:
# cases/NAME.txt (classic text) and cases/NAME.json (-f json). Needs root.
# The goldens are bpftrace's own output: review a diff before committing.
cd "$(dirname "$0")/cases" || exit 1
command -v bpftrace >/dev/null || { echo "bpftrace not installed" >&2; exit 1; }
bpftrace --version | grep -q '^bpftrace v0\.17\.' || { echo "need bpftrace 0.17" >&2; exit 1; }
for bt in ${1:-*.bt}; do
	name=${bt%.bt}
	bpftrace "$bt" >"$name.txt" 2>"$name.err.tmp"
	bpftrace -f json "$bt" >"$name.json" 2>>"$name.err.tmp"
	# keep only real errors; the RLIMIT_MEMLOCK warning is expected here
	if grep -v 'RLIMIT_MEMLOCK' "$name.err.tmp" | grep -q .; then
		echo "== $name: bpftrace said:" >&2
		grep -v 'RLIMIT_MEMLOCK' "$name.err.tmp" >&2
	fi
	rm -f "$name.err.tmp"
done
