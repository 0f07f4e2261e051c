#!/usr/bin/env bash
# tier-timeout: 900
# tier-needs: root
#
# VM tier: kprobes, kretprobes, fentry/fexit and BTF struct access, which the
# host kernel lacks, run inside qemu booting Debian's stock kernel
# (linux-image-amd64) with the host root shared read-only (tests/vm/vmrun;
# it installs qemu-system-x86 and busybox-static and caches the kernel and
# initramfs under /var/tmp/tracetop-vm). One boot runs every case of
# tests/vm/cases/*.cases (tests/vm/guest.sh); the PASS/FAIL lines come
# from inside the VM.
#   TRACER=/usr/bin/bpftrace tests/vm/tier.sh   validates the cases and the
#                                               harness with the reference
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
snapshot_tracer vm
out=$TOP/tests/out/vm
mkdir -p "$out"
limit=${VM_TIMEOUT:-600}
tests/vm/vmrun -t "$limit" -w "$out" -- "$TOP/tests/vm/guest.sh" "$TRACER" "$@"
rc=$?
case $rc in
0 | 1) exit $rc ;;  # the guest printed the PASS/FAIL lines
124) echo "FAIL vm: the VM run took more than ${limit}s (cases after the last line above did not run)" ;;
125) echo "FAIL vm: the VM gave no result (boot or 9p failure; see the console tail above)" ;;
*) echo "FAIL vm: guest script exited with status $rc" ;;
esac
exit 1
