#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh [kver]: the test bed guest's base initramfs for a kernel
# (default: K_TESTBED): busybox-static, the kernel modules the tests need with
# their dependencies (decompressed: busybox cannot load .ko.xz), Debian's
# iproute2 (busybox's ip has neither `vf` nor `netns`), our init and guest
# helpers.  The tests and p2pmig.ko are not here: run-l1.sh appends them.
#
# Output: build/initramfs-<kver>.cpio.gz
set -euo pipefail
. "$(dirname "$0")/config.sh"
load_versions
kver=${1:-$K_TESTBED}
KIMAGE=$(kimage "$kver")

MODULES=(igb igbvf vfio vfio_iommu_type1 vfio-pci-core vfio-pci 9p 9pnet_virtio virtio_net virtio_pci)
HOST_BINS=(/sbin/ip /usr/bin/socat)
out=$BUILD/initramfs-$kver.cpio.gz
src=$KIMAGE/lib/modules/$kver

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,mnt,lib/modules/"$kver"}

cp "$CACHE/busybox/usr/bin/busybox" "$work/bin/busybox"
for a in $("$work/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$work/bin/$a"
done
install -m 0755 "$VM/init" "$work/init"
mkdir -p "$work/testbed"
cp "$VM"/guest/*.sh "$work/testbed/"

# modules and what they depend on, as modprobe resolves it
declare -A seen=()
for m in "${MODULES[@]}"; do
	while read -r kw path _; do
		[ "$kw" = insmod ] || continue
		rel=${path#"$src"/}
		[ -n "${seen[$rel]:-}" ] && continue
		seen[$rel]=1
		mkdir -p "$work/lib/modules/$kver/$(dirname "$rel")"
		case $rel in
		*.xz) xz -dc "$path" >"$work/lib/modules/$kver/${rel%.xz}" ;;
		*.zst) zstd -qdc "$path" >"$work/lib/modules/$kver/${rel%.zst}" ;;
		*) cp "$path" "$work/lib/modules/$kver/$rel" ;;
		esac
	done < <(modprobe -d "$KIMAGE" -S "$kver" --show-depends "$m")
done
cp "$src"/modules.{order,builtin,builtin.modinfo} "$work/lib/modules/$kver/"
# modules.order names .ko.xz; the guest has plain .ko
sed -i 's/\.ko\.xz$/.ko/' "$work/lib/modules/$kver/modules.order"
depmod -b "$work" "$kver"

# host programs with their shared libraries
for b in "${HOST_BINS[@]}"; do
	[ -x "$b" ] || { echo "mkinitramfs: $b missing (deps.sh installs it)" >&2; exit 1; }
	mkdir -p "$work$(dirname "$b")"
	rm -f "$work$b"
	cp -L "$b" "$work$b"
	for lib in $(ldd "$b" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\/lib64/ { print $1 }'); do
		mkdir -p "$work$(dirname "$lib")"
		cp -Ln "$lib" "$work$lib"
	done
done
# iproute2 looks here; the guest has no /etc otherwise
mkdir -p "$work/etc/iproute2" "$work/var/run/netns"

mkdir -p "$BUILD"
(cd "$work" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
