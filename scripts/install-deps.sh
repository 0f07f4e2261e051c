#!/bin/sh
# Installs the Debian packages tracetop needs to build and test, when missing.
# Runs as root on Debian 12; does nothing when everything is present.
set -e
PKGS="gcc make pkg-config llvm-19-dev libbpf-dev libelf-dev libncurses-dev zlib1g-dev libzstd-dev
      bpftool bpftrace tmux clang python3 qemu-system-x86 busybox-static linux-perf
      libmicrohttpd-dev prometheus systemtap-sdt-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends $missing >&2
