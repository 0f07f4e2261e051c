#!/usr/bin/env bash
# Regenerates the golden files of the differential suite with the reference,
# bpftrace 0.17 (/usr/bin/bpftrace), on this machine:
#
#   tests/diff/regen.sh [REGEX]      only the cases whose name matches REGEX
#
# Each case runs twice; its stdout becomes tests/diff/golden/NAME.out only when
# both runs agree and the exit status is the expected one. Cases marked
# GOLDEN_EDITED (hand-corrected where 0.17 contradicts its own reference
# guide) are left alone. Review `git diff tests/diff/golden` afterwards.
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
mount_tracefs
BPFTRACE=${BPFTRACE:-/usr/bin/bpftrace}
case "$($BPFTRACE --version 2>/dev/null)" in
"bpftrace v0.17."*) ;;
*) echo "regen.sh: the goldens come from bpftrace 0.17; $BPFTRACE is $($BPFTRACE --version 2>&1)" >&2
   exit 1 ;;
esac
only=()
[ $# -gt 0 ] && only=(--only "$1")
$BTCASE --tracer "$BPFTRACE" --golden-dir tests/diff/golden --out tests/out/regen \
	--timeout 20 "${only[@]}" --regen tests/diff/cases/*.cases
rc=$?
# goldens whose case is gone
for g in tests/diff/golden/*.out; do
	n=$(basename "$g" .out)
	grep -qx "NAME $n" tests/diff/cases/*.cases || echo "orphan golden (no case): $g"
done
exit $rc
