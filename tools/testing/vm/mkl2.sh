#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkl2.sh: the kit the test bed guest (L1) needs to run a nested guest (L2)
# with an assigned VF, shared into L1 over 9p: a QEMU with its libraries
# and firmware (L1 runs it through the copied dynamic loader), the main
# test bed kernel, and an L2 initramfs with busybox, Linux's igbvf driver
# and a ping reporter (l2/init).
#
# The QEMU is P2PMIG_QEMU (`make ... QEMU=/path/to/qemu-system-x86_64`: an
# installed QEMU or one in its build tree) or else the host's (Debian's).
# With P2PMIG_QEMU_ROOT (`QEMU_ROOT=`) it is a QEMU installed in that root
# (another Debian release, say), P2PMIG_QEMU then naming it inside the root
# (default /usr/bin/qemu-system-x86_64): its libraries, loader and
# firmware come from the root.  The firmware is looked for beside the QEMU
# (a build tree's pc-bios/, an install's share/qemu/), then in Debian's
# packages (the root's first).
#
# Output: build/l2kit/, or P2PMIG_L2KIT (its qemu-version file names the
# QEMU)
set -euo pipefail
. "$(dirname "$0")/config.sh"
load_versions
kver=$K_TESTBED
KIMAGE=$(kimage "$kver")
kit=${P2PMIG_L2KIT:-$BUILD/l2kit}
qroot=${P2PMIG_QEMU_ROOT:-}
if [ -n "$qroot" ]; then
	qroot=$(readlink -f "$qroot")
	qin=${P2PMIG_QEMU:-/usr/bin/qemu-system-x86_64}
	qemu=$qroot$qin
	in_qroot() { chroot "$qroot" "$@"; }
else
	qin=${P2PMIG_QEMU:-$(command -v qemu-system-x86_64)}
	qemu=$qin
	in_qroot() { "$@"; }
fi
# real <path>: a file of the QEMU's system, its links resolved there
real() { echo "$qroot$(in_qroot readlink -f "$1")"; }
# copy_fw <file> <dest>: a firmware file under $qroot; an absolute link in
# the root points into the root
copy_fw() {
	local t=$1 l i
	for i in 1 2 3 4 5 6 7 8; do
		[ -L "$t" ] || break
		l=$(readlink "$t")
		case $l in
		/*) t=$qroot$l ;;
		*) t=$(dirname "$t")/$l ;;
		esac
	done
	cp "$t" "$2"
}
[ -x "$qemu" ] && in_qroot "$qin" --version >/dev/null 2>&1 ||
	{ echo "mkl2: $qemu is not a QEMU that runs here (P2PMIG_QEMU / QEMU=, P2PMIG_QEMU_ROOT / QEMU_ROOT=)" >&2; exit 1; }
bindir=$(dirname "$(real "$qin")")

rm -rf "$kit"
mkdir -p "$kit"/{bin,lib,share/qemu,l2}
cp "$qemu" "$kit/bin/qemu-system-x86_64"
echo "$(in_qroot "$qin" --version | head -1) ($qemu)" >"$kit/qemu-version"
libs=$(in_qroot ldd "$qin")
for l in $(awk '$3 ~ /^\// { print $3 }' <<<"$libs"); do
	cp "$(real "$l")" "$kit/lib/${l##*/}"
done
cp "$(real "$(awk '$1 ~ /ld-linux/ { print $1 }' <<<"$libs")")" "$kit/lib/ld-linux.so"
# firmware: SeaBIOS and the option ROMs QEMU loads for -kernel
for f in bios-256k.bin kvmvapic.bin linuxboot.bin linuxboot_dma.bin pvh.bin \
	 multiboot.bin multiboot_dma.bin; do
	for d in "$bindir/pc-bios" "$bindir/../share/qemu" "$qroot/usr/share/qemu" \
		 "$qroot/usr/share/seabios" /usr/share/qemu /usr/share/seabios; do
		[ -f "$d/$f" ] && copy_fw "$d/$f" "$kit/share/qemu/$f" && break
	done
done
[ -f "$kit/share/qemu/bios-256k.bin" ] || { echo "mkl2: no SeaBIOS image" >&2; exit 1; }

cp "$KIMAGE/boot/vmlinuz-$kver" "$kit/l2/vmlinuz"

# the L2 initramfs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,sbin,proc,sys,dev,tmp,lib/modules/"$kver"}
cp "$CACHE/busybox/usr/bin/busybox" "$work/bin/"
for a in $("$work/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$work/bin/$a"
done
install -m 0755 "$VM/l2/init" "$work/init"
src=$KIMAGE/lib/modules/$kver
while read -r kw path _; do
	[ "$kw" = insmod ] || continue
	rel=${path#"$src"/}
	mkdir -p "$work/lib/modules/$kver/$(dirname "$rel")"
	case $rel in
	*.xz) xz -dc "$path" >"$work/lib/modules/$kver/${rel%.xz}" ;;
	*.zst) zstd -qdc "$path" >"$work/lib/modules/$kver/${rel%.zst}" ;;
	*) cp "$path" "$work/lib/modules/$kver/$rel" ;;
	esac
done < <(modprobe -d "$KIMAGE" -S "$kver" --show-depends igbvf)
cp "$src"/modules.{order,builtin,builtin.modinfo} "$work/lib/modules/$kver/"
sed -i 's/\.ko\.xz$/.ko/' "$work/lib/modules/$kver/modules.order"
depmod -b "$work" "$kver"
(cd "$work" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$kit/l2/initrd.gz"
du -sh "$kit" >&2
echo "$kit"
