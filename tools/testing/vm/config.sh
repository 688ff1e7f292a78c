# SPDX-License-Identifier: GPL-2.0
# Shared settings of the p2pmig test bed scripts (sourced, not run).
# shellcheck shell=bash disable=SC2034
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VM=$TOP/tools/testing/vm
CACHE=${P2PMIG_CACHE:-$TOP/.cache}
BUILD=${P2PMIG_BUILD:-$TOP/build}

# load_versions: K_TESTBED (the main one), K_61 and K_7; all are booted
load_versions() {
	[ -f "$CACHE/versions" ] || { echo "run $VM/deps.sh first" >&2; return 1; }
	. "$CACHE/versions"
	K_ALL="$K_TESTBED $K_61 $K_7"
}

# kimage <kver>: the extracted kernel (boot/vmlinuz-<kver>, lib/modules/<kver>)
kimage() {
	echo "$CACHE/kernels/$1/image"
}

# kshort <kver>: 6.12.95+deb12-amd64 -> 6.12, 6.1.0-50-amd64 -> 6.1,
# 6.12.117-p2pmig-debug (build-debug-kernel.sh) -> 6.12-debug
kshort() {
	case $1 in
	*-p2pmig-debug) echo "$1" | sed -E 's/^([0-9]+\.[0-9]+).*/\1-debug/' ;;
	*) echo "$1" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/' ;;
	esac
}

# kdir <kver>: the kbuild directory of an extracted kernel
kdir() {
	case $1 in
	"$K_7") echo "/usr/src/linux-headers-$1" ;;	# inside $CACHE/trixie
	*-p2pmig-debug) echo "$CACHE/kernels/$1/obj" ;;
	*) echo "$CACHE/kernels/$1/hdr/usr/src/linux-headers-$1" ;;
	esac
}

# apt_archive_uri: the Debian archive URI this machine's apt already uses
# (new-style sources first); nothing if there is none.  Suites are added
# with it, never with a host name of our own.
apt_archive_uri() {
	local f=/etc/apt/sources.list.d/debian.sources uri=
	[ -f "$f" ] && uri=$(awk '/^URIs:/ { print $2; exit }' "$f")
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $3 ~ /^bookworm/ { print $2; exit }' /etc/apt/sources.list)
	fi
	echo "$uri"
}

# in_root <root> <command...>: run in the root, /proc mounted in a private
# mount namespace (nothing stays mounted if we die); no initramfs is made
in_root() {
	local root=$1
	shift
	unshare -m --propagation private bash -c '
		mount -t proc proc "$1/proc" || exit 1
		r=$1; shift
		exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive INITRD=No "$@"' _ "$root" "$@"
}

# apt_in <root> <log> <apt-get args...>
apt_in() {
	local root=$1 log=$2
	shift 2
	in_root "$root" apt-get -y -q --no-install-recommends -o Acquire::Retries=3 \
		-o Dpkg::Options::=--force-unsafe-io "$@" >>"$log" 2>&1
}

# mkroot <suite> <root> <log>: a clean root of <suite> and its backports
# (mmdebstrap, apt variant), from the archive apt already uses
mkroot() {
	local suite=$1 root=$2 log=$3 uri
	uri=$(apt_archive_uri)
	[ -n "$uri" ] || { echo "no archive URI in apt's configuration" >>"$log"; return 1; }
	rm -rf "$root"
	mmdebstrap --variant=apt --skip=cleanup/apt/lists --dpkgopt=force-unsafe-io \
		--aptopt='Acquire::Retries "3"' \
		"$suite" "$root" "deb $uri $suite main" "deb $uri $suite-backports main" \
		>>"$log" 2>&1
}

# copy_module_sources <dir>: the module's sources (with the top Makefile),
# without build products, into <dir>
copy_module_sources() {
	mkdir -p "$1"
	cp -r "$TOP/Makefile" "$TOP/Kbuild" "$TOP/drivers" "$TOP/include" "$1/"
	find "$1" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
}
