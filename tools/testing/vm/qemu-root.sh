#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-root.sh [suite]: a Debian root with the QEMU of <suite>-backports
# (default trixie: QEMU 11.x), for mkl2.sh's P2PMIG_QEMU_ROOT - the second
# QEMU the end-to-end scenarios run with (check.sh's e2e-qemu11 stage).
# Made once with mmdebstrap from the archive apt already uses, kept in the
# cache; prints the root's path, its QEMU's version on stderr.
set -euo pipefail
. "$(dirname "$0")/config.sh"

suite=${1:-trixie}
root=$CACHE/qemu-$suite
log=$CACHE/qemu-$suite.log
qemu=/usr/bin/qemu-system-x86_64

if [ ! -f "$root/.done" ]; then
	[ "$(id -u)" = 0 ] || { echo "qemu-root: needs root (mmdebstrap, chroot)" >&2; exit 1; }
	: >"$log"
	if ! mkroot "$suite" "$root" "$log" ||
		! apt_in "$root" "$log" install -t "$suite-backports" qemu-system-x86; then
		tail -20 "$log" >&2
		echo "qemu-root: no QEMU root of $suite-backports, see $log" >&2
		exit 1
	fi
	# only what mkl2.sh takes stays useful: the package caches go
	rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
	touch "$root/.done"
fi
chroot "$root" "$qemu" --version | head -1 >&2
echo "$root"
