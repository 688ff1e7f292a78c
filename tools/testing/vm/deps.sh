#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the p2pmig test bed needs, from Debian's archive only.
# Idempotent: a second run does nothing but check.
#
# Host packages (needs root): QEMU >= 10 from bookworm-backports (without
# Recommends: the plain -t form drags a GUI stack in), and small tools.
# Everything else is downloaded with apt into the project's cache and
# extracted there; no kernel is installed on the host:
#   kernels/<ver>/image    Debian kernel image + modules (booted in the test
#                          bed: 6.12, 6.1 and 7.x)
#   kernels/<ver>/hdr      headers + kbuild (module builds; 7.x: in trixie/)
#   trixie/                minimal trixie root with gcc-14 (7.x headers need it)
#   src/                   files taken from Debian's linux-source package
#                          (kselftest harness, checkpatch)
#
# Suites are added with the archive URI this machine's apt already uses.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/config.sh"

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

archive_uri() {
	local uri
	uri=$(apt_archive_uri)
	[ -n "$uri" ] || die "cannot find the Debian archive URI in apt's configuration"
	echo "$uri"
}

# --- 1. host packages -------------------------------------------------------
host_packages() {
	local need=() p uri
	for p in kmod cpio xz-utils zstd debootstrap gzip libelf-dev dwarves iproute2 socat \
		 flex bison bc clang-14 libclang-rt-14-dev build-essential debhelper dh-dkms mmdebstrap; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *"ok installed" ]] ||
			need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		as_root "install ${need[*]}"
		log "installing ${need[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${need[@]}" >/dev/null
	fi
	qemu_ok && return 0
	as_root "install QEMU from bookworm-backports"
	if [ ! -f /etc/apt/sources.list.d/p2pmig-backports.sources ]; then
		uri=$(archive_uri)
		log "adding bookworm-backports ($uri)"
		cat >/etc/apt/sources.list.d/p2pmig-backports.sources <<EOS
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		apt-get update -qq
	fi
	log "installing qemu-system-x86 from bookworm-backports"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports qemu-system-x86 >/dev/null
	qemu_ok || die "qemu-system-x86_64 >= 10 with the igb model is not available"
}

as_root() {
	[ "$(id -u)" = 0 ] || die "need root to $1"
}

qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null || return 1
	local v
	v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	# no pipe into grep -q: QEMU's SIGPIPE would fail the pipeline
	[ "${v:-0}" -ge 10 ] && grep -q '"igb"' <<<"$(qemu-system-x86_64 -device help 2>/dev/null)"
}

# --- 2. a private apt view of all suites (for downloads only) ----------------
APTDIR=$CACHE/apt
APTOPT=(-o "Dir::Etc::SourceList=$APTDIR/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache"
	-o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root
	-o Debug::NoLocking=1)

apt_view() {
	local uri s
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	uri=$(archive_uri)
	: >"$APTDIR/sources.list.new"
	for s in bookworm bookworm-backports trixie trixie-backports; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" \
			>>"$APTDIR/sources.list.new"
	done
	mv "$APTDIR/sources.list.new" "$APTDIR/sources.list"
	# refresh at most once a day
	if [ -z "$(find "$APTDIR/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
		log "updating the private package lists"
		apt-get "${APTOPT[@]}" update -qq
	fi
}

# newest package name matching an extended regex
newest() {
	apt-cache "${APTOPT[@]}" pkgnames | grep -E "^$1\$" | sort -V | tail -1
}

# fetch <package>: download the .deb into $CACHE/debs (once)
fetch() {
	local p=$1
	mkdir -p "$CACHE/debs"
	ls "$CACHE/debs/${p}_"*.deb >/dev/null 2>&1 && return 0
	log "downloading $p"
	(cd "$CACHE/debs" && apt-get "${APTOPT[@]}" download -qq "$p" >/dev/null) ||
		die "apt-get download $p failed"
}

# unpack <dir> <package>...: extract debs into dir (once per dir)
unpack() {
	local dir=$1 p; shift
	[ -f "$dir/.done" ] && return 0
	rm -rf "$dir"; mkdir -p "$dir"
	for p in "$@"; do
		fetch "$p"
		dpkg-deb -x "$CACHE/debs/${p}_"*.deb "$dir"
	done
	touch "$dir/.done"
}

resolve_versions() {
	local f=$CACHE/versions
	if [ -f "$f" ]; then
		return 0
	fi
	local k612 k61 k7
	k612=$(newest 'linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned')
	k612=${k612#linux-image-}; k612=${k612%-unsigned}
	k61=$(newest 'linux-headers-6\.1\.0-[0-9]+-amd64'); k61=${k61#linux-headers-}
	k7=$(newest 'linux-headers-7\.[0-9]+\.[0-9]+\+deb13-amd64'); k7=${k7#linux-headers-}
	[ -n "$k612" ] && [ -n "$k61" ] && [ -n "$k7" ] ||
		die "cannot resolve kernel versions (6.12: '$k612' 6.1: '$k61' 7.x: '$k7')"
	printf 'K_TESTBED=%s\nK_61=%s\nK_7=%s\n' "$k612" "$k61" "$k7" >"$f.new"
	mv "$f.new" "$f"
}

# kbuild_pkg <kver>: the linux-kbuild package for a kernel version
kbuild_pkg() {
	case $1 in
	6.1.0-*) echo linux-kbuild-6.1 ;;
	*) echo "linux-kbuild-${1%-amd64}" ;;
	esac
}

# image_pkgs <kver>: the packages holding a kernel's image and modules
# (7.x splits them into linux-binary-*, linux-modules-* and linux-base-*)
image_pkgs() {
	if apt-cache "${APTOPT[@]}" show "linux-binary-$1" >/dev/null 2>&1; then
		echo "linux-binary-$1 linux-modules-$1 linux-base-$1"
	elif apt-cache "${APTOPT[@]}" show "linux-image-$1-unsigned" >/dev/null 2>&1; then
		echo "linux-image-$1-unsigned"
	else
		echo "linux-image-$1"
	fi
}

# normalize_image <dir> <kver>: give a merged-/usr image (7.x) the classic
# paths the scripts use: lib/modules/<kver> and boot/vmlinuz-<kver>
normalize_image() {
	local d=$1 k=$2
	if [ ! -e "$d/lib/modules" ] && [ -d "$d/usr/lib/modules/$k" ]; then
		mkdir -p "$d/lib"
		ln -s ../usr/lib/modules "$d/lib/modules"
	fi
	if [ ! -e "$d/boot/vmlinuz-$k" ] && [ -f "$d/usr/lib/modules/$k/vmlinuz" ]; then
		mkdir -p "$d/boot"
		ln -s "../usr/lib/modules/$k/vmlinuz" "$d/boot/vmlinuz-$k"
	fi
}

kernels() {
	. "$CACHE/versions"
	local k
	# every supported kernel is booted in the test bed, not only built for
	for k in "$K_TESTBED" "$K_61" "$K_7"; do
		# shellcheck disable=SC2046
		unpack "$CACHE/kernels/$k/image" $(image_pkgs "$k")
		normalize_image "$CACHE/kernels/$k/image" "$k"
		[ -f "$CACHE/kernels/$k/image/lib/modules/$k/modules.dep" ] ||
			depmod -b "$CACHE/kernels/$k/image" "$k"
	done
	for k in "$K_TESTBED" "$K_61"; do
		unpack "$CACHE/kernels/$k/hdr" "linux-headers-$k" \
			"linux-headers-${k%-amd64}-common" "$(kbuild_pkg "$k")"
		# Debian's per-flavour Makefile includes the common one by its
		# installed (absolute) path: point it into the cache instead
		sed -i "s|^include /usr/src/|include $CACHE/kernels/$k/hdr/usr/src/|" \
			"$CACHE/kernels/$k/hdr/usr/src/linux-headers-$k/Makefile"
	done
}

# --- 3. trixie root with gcc-14 for the 7.x headers ---------------------------
trixie_root() {
	. "$CACHE/versions"
	local root=$CACHE/trixie
	if [ ! -f "$root/.done" ]; then
		[ "$(id -u)" = 0 ] || die "need root for debootstrap"
		log "debootstrapping a minimal trixie root for gcc-14"
		rm -rf "$root"
		debootstrap --variant=minbase \
			--include=gcc-14,make,libelf-dev,bc,kmod,dwarves,libc6-dev \
			trixie "$root" "$(archive_uri)" >"$CACHE/debootstrap.log" 2>&1 ||
			die "debootstrap failed, see $CACHE/debootstrap.log"
		touch "$root/.done"
	fi
	# the headers go to the root's own /usr/src, where their absolute
	# paths point when used inside the chroot
	if [ ! -f "$root/.headers-$K_7" ]; then
		local p
		for p in "linux-headers-$K_7" "linux-headers-${K_7%-amd64}-common" \
			 "$(kbuild_pkg "$K_7")"; do
			fetch "$p"
			dpkg-deb -x "$CACHE/debs/${p}_"*.deb "$root"
		done
		touch "$root/.headers-$K_7"
	fi
}

# --- 4. files from Debian's linux-source (harness, checkpatch) ----------------
source_files() {
	local d=$CACHE/src tarball pkg
	[ -f "$d/.done" ] && return 0
	pkg=$(newest 'linux-source-6\.12')
	unpack "$CACHE/linux-source" "$pkg"
	tarball=$(ls "$CACHE"/linux-source/usr/src/linux-source-*.tar.xz)
	log "extracting the kselftest harness and checkpatch from $(basename "$tarball")"
	rm -rf "$d"; mkdir -p "$d"
	tar -C "$d" --strip-components=1 -xJf "$tarball" --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	rm -rf "$CACHE/linux-source"
	touch "$d/.done"
}

busybox() {
	[ -x "$CACHE/busybox/usr/bin/busybox" ] && return 0
	unpack "$CACHE/busybox" busybox-static
}

main() {
	local t0=$SECONDS
	mkdir -p "$CACHE"
	host_packages
	apt_view
	resolve_versions
	kernels
	trixie_root
	source_files
	busybox
	log "ready in $((SECONDS - t0)) s ($(tr '\n' ' ' <"$CACHE/versions"))"
}

main "$@"
