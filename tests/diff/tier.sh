#!/usr/bin/env bash
# tier-timeout: 600
# tier-needs: root
#
# Differential tier: every program of tests/diff/cases/*.cases runs under the
# tracer (TRACER, default ./tracetop --plain); its stdout must equal
# tests/diff/golden/NAME.out, produced by bpftrace 0.17 (tests/diff/regen.sh)
# and its exit status must be 0. Programs are deterministic: BEGIN-only,
# interval counters, tracepoints filtered to a controlled workload
# (tests/lib/ttload.c) with exact counts. A pass count per file ends the run.
#   tests/diff/tier.sh [REGEX]    only the cases whose name matches REGEX
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
snapshot_tracer diff
mount_tracefs
only=()
[ $# -gt 0 ] && only=(--only "$1")
exec $BTCASE --tracer "$TRACER" --golden-dir tests/diff/golden --out tests/out/diff \
	--timeout "${DIFF_TIMEOUT:-10}" --jobs "${DIFF_JOBS:-2}" --summary --show 8 "${only[@]}" \
	tests/diff/cases/*.cases
