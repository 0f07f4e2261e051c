#!/usr/bin/env bash
# tier-timeout: 300
# tier-needs: root
#
# Tutorial tier: every lesson of the One-Liner Tutorial as an end-to-end
# case of the real binary (tests/tutorial/cases/lessons.cases). Lessons whose
# output is deterministic compare with tests/tutorial/golden/NAME.out
# (bpftrace 0.17; tests/tutorial/regen.sh); the others check exact lines of
# their workload and the shape of the rest. Lessons 6, 7 and 12 run for real
# in tests/vm.
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
snapshot_tracer tutorial
mount_tracefs
only=()
[ $# -gt 0 ] && only=(--only "$1")
exec $BTCASE --tracer "$TRACER" --golden-dir tests/tutorial/golden --out tests/out/tutorial \
	--timeout 15 "${only[@]}" tests/tutorial/cases/*.cases
