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
# Its firmware is looked for beside it (a build tree's pc-bios/, an
# install's share/qemu/), then in Debian's packages.
#
# Output: build/l2kit/ (its qemu-version file names the QEMU)
set -euo pipefail
. "$(dirname "$0")/config.sh"
load_versions
kver=$K_TESTBED
KIMAGE=$(kimage "$kver")
kit=$BUILD/l2kit
qemu=${P2PMIG_QEMU:-$(command -v qemu-system-x86_64)}
[ -x "$qemu" ] && "$qemu" --version >/dev/null 2>&1 ||
	{ echo "mkl2: $qemu is not a QEMU that runs here (P2PMIG_QEMU / QEMU=)" >&2; exit 1; }
bindir=$(dirname "$(readlink -f "$qemu")")

rm -rf "$kit"
mkdir -p "$kit"/{bin,lib,share/qemu,l2}
cp "$qemu" "$kit/bin/qemu-system-x86_64"
echo "$("$qemu" --version | head -1) ($qemu)" >"$kit/qemu-version"
ldd "$qemu" | awk '$3 ~ /^\// { print $3 }' | xargs -I{} cp -L {} "$kit/lib/"
cp -L "$(ldd "$qemu" | awk '$1 ~ /ld-linux/ { print $1 }')" "$kit/lib/ld-linux.so"
# firmware: SeaBIOS and the option ROMs QEMU loads for -kernel
for f in bios-256k.bin kvmvapic.bin linuxboot.bin linuxboot_dma.bin pvh.bin \
	 multiboot.bin multiboot_dma.bin; do
	for d in "$bindir/pc-bios" "$bindir/../share/qemu" /usr/share/qemu /usr/share/seabios; do
		[ -f "$d/$f" ] && cp -L "$d/$f" "$kit/share/qemu/" && break
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
