#!/usr/bin/env bash
# Regenerates the EXPECT_FILE texts of tests/e2e/cases with bpftrace 0.17.
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
mount_tracefs
exec $BTCASE --tracer "${BPFTRACE:-/usr/bin/bpftrace}" --out tests/out/regen --timeout 20 \
	--regen tests/e2e/cases/*.cases
