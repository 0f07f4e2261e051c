#!/usr/bin/env bash
# tier-timeout: 300
# tier-needs: root
#
# End-to-end tier: the real binary, run as `tracetop --plain ...`, on the
# cases of tests/e2e/cases/*.cases (bpftrace runtime-test style: see
# tests/lib/btcase.py); EXPECT_FILE texts come from bpftrace 0.17
# (tests/e2e/regen.sh). After every case no BPF program or link of the run
# may be left.
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
snapshot_tracer e2e
mount_tracefs
only=()
[ $# -gt 0 ] && only=(--only "$1")
exec $BTCASE --tracer "$TRACER" --out tests/out/e2e --timeout 10 "${only[@]}" tests/e2e/cases/*.cases
