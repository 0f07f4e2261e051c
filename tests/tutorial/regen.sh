#!/usr/bin/env bash
# Regenerates tests/tutorial/golden/NAME.out (the lessons checked against a
# golden: those without EXPECT / CHECK lines) with bpftrace 0.17.
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
mount_tracefs
exec $BTCASE --tracer "${BPFTRACE:-/usr/bin/bpftrace}" --golden-dir tests/tutorial/golden \
	--out tests/out/regen --timeout 20 --regen tests/tutorial/cases/*.cases
