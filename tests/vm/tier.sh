#!/usr/bin/env bash
# tier-timeout: 1500
# tier-needs: root
#
# VM tier: kprobes, kretprobes, fentry/fexit and BTF struct access, which the
# host kernel lacks, run inside qemu booting Debian's stock kernel
# (linux-image-amd64) with the host root shared read-only (tests/vm/vmrun;
# it installs qemu-system-x86 and busybox-static and caches the kernel and
# initramfs under /var/tmp/tracetop-vm). One boot runs every case of
# tests/vm/cases/*.cases (tests/vm/guest.sh); the PASS/FAIL lines come
# from inside the VM. A second boot runs tests/vm/cases-6.12 on Debian 12's
# 6.12 kernel (linux-image-6.12-amd64, cached beside the first): kprobe_multi
# links need fprobe, which Debian's 6.1 lacks. An argument is a regex on case
# names; a boot none of whose cases match is left out.
#   TRACER=/usr/bin/bpftrace tests/vm/tier.sh   validates the cases and the
#                                               harness with the reference
set -u
. "$(dirname "$0")/../lib/common.sh"
build_ttload
snapshot_tracer vm
out=$TOP/tests/out/vm
mkdir -p "$out"
limit=${VM_TIMEOUT:-900}
# boot KERNEL_PKG CASE_DIR [REGEX]: the cases of one directory in one VM
boot() {
	local pkg=$1 dir=$2 rc
	shift 2
	if [ $# -gt 0 ] && ! sed -n 's/^NAME //p' "$dir"/*.cases | grep -qE "$1"; then
		return 0
	fi
	tests/vm/vmrun -k "$pkg" -t "$limit" -w "$out" -- "$TOP/tests/vm/guest.sh" "$TRACER" "$dir" "$@"
	rc=$?
	case $rc in
	0 | 1) return $rc ;;  # the guest printed the PASS/FAIL lines
	124) echo "FAIL vm($pkg): the VM run took more than ${limit}s (cases after the last line above did not run)" ;;
	125) echo "FAIL vm($pkg): the VM gave no result (boot or 9p failure; see the console tail above)" ;;
	*) echo "FAIL vm($pkg): guest script exited with status $rc" ;;
	esac
	return 1
}
status=0
boot linux-image-amd64 tests/vm/cases "$@" || status=1
boot linux-image-6.12-amd64 tests/vm/cases-6.12 "$@" || status=1
exit $status
