#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh <kernel-version>: build p2pmig.ko against one of the
# kernels deps.sh extracted, in build/mod-<version>/ (a copy of the module
# sources, so several kernels can be built side by side), warnings as
# errors.  The 7.x headers need gcc-14: they are built in the trixie root.
# Prints the path of the module.
set -euo pipefail
. "$(dirname "$0")/config.sh"
load_versions
kver=$1
out=$BUILD/mod-$kver

rm -rf "$out"
copy_module_sources "$out"

args=(W=1 P2PMIG_WERROR=y modules)
if [ "$kver" = "$K_7" ]; then
	root=$CACHE/trixie
	mkdir -p "$root/work"
	# private mount namespace: nothing stays mounted if we die
	unshare -m bash -c '
		set -e
		mount -t proc proc "$1/proc"
		mount --rbind /dev "$1/dev"
		mount --bind "$2" "$1/work"
		shift 2
		chroot "$@"' _ "$root" "$out" "$root" make -C "$(kdir "$kver")" M=/work "${args[@]}" >&2
else
	make -C "$(kdir "$kver")" M="$out" "${args[@]}" >&2
fi
echo "$out/drivers/vfio/pci/p2pmig/p2pmig.ko"
