#!/usr/bin/env bash
# Runs inside the VM (tests/vm/vmrun): the cases of the directory $2
# (tests/vm/cases, or tests/vm/cases-6.12 on the newer kernel) with the
# tracer given as $1; a third argument: a regex on case names.
# tests/out/vm is the writable share; the rest of the host root is a
# read-only overlay.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$TOP" || exit 2
TRACER=$1
CASES=$2
shift 2
# Run a copy in the guest's own memory (the overlay's tmpfs): tests/out is a
# 9p share without caching, so every page of the binary would be faulted in
# over 9p, and Debian 6.1's 9p client can spin for minutes on such a fault
# while a signal is pending (a tracer stopped by SIGINT hung in its exit
# path, trampolines attached).
mkdir -p /tmp/vm-tracer
cp "$TRACER" /tmp/vm-tracer/ && TRACER=/tmp/vm-tracer/$(basename "$TRACER")
echo "vm: kernel $(uname -r), BTF $([ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no)," \
	"kprobe PMU $(cat /sys/bus/event_source/devices/kprobe/type 2>/dev/null || echo none)"
only=()
[ $# -gt 0 ] && only=(--only "$1")
exec python3 tests/lib/btcase.py --tracer "$TRACER" --out tests/out/vm/cases \
	--timeout 90 --summary --show 10 "${only[@]}" "$CASES"/*.cases
