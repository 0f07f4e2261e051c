#!/usr/bin/env bash
# Runs inside the VM (tests/vm/vmrun): the cases of tests/vm/cases with the
# tracer given as $1; further arguments: a regex on case names.
# tests/out/vm is the writable share; the rest of the host root is a
# read-only overlay.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$TOP" || exit 2
TRACER=$1
shift
echo "vm: kernel $(uname -r), BTF $([ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no)," \
	"kprobe PMU $(cat /sys/bus/event_source/devices/kprobe/type 2>/dev/null || echo none)"
only=()
[ $# -gt 0 ] && only=(--only "$1")
exec python3 tests/lib/btcase.py --tracer "$TRACER" --out tests/out/vm/cases \
	--timeout 90 --summary --show 10 "${only[@]}" tests/vm/cases/*.cases
