#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-root.sh [-l] [suite]: a Debian root with the QEMU of
# <suite>-backports (default trixie: QEMU 11.x), for mkl2.sh's
# P2PMIG_QEMU_ROOT - the second QEMU the end-to-end scenarios run with
# (check.sh's e2e-qemu11 stage).
# -l: with <suite>-backports' libvirt too (libvirtd and virsh; Debian
# ships no modular daemons), configured for the test bed guest, where
# guest/libvirt.sh runs it chrooted into this root (the e2e-dirty stage):
# QEMU as root, without security driver, cgroups, namespaces or virtlogd
# (the test bed has none of them), no authentication on the local socket.
# Made once with mmdebstrap from the archive apt already uses, kept in the
# cache; prints the root's path, its QEMU's (and libvirtd's) version on
# stderr.
set -euo pipefail
. "$(dirname "$0")/config.sh"

libvirt=
if [ "${1:-}" = -l ]; then
	libvirt=1
	shift
fi
suite=${1:-trixie}
root=$CACHE/qemu-$suite${libvirt:+-libvirt}
log=$root.log
qemu=/usr/bin/qemu-system-x86_64
pkgs=(qemu-system-x86)
[ -z "$libvirt" ] || pkgs+=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients kmod)

# libvirt_config: what libvirtd needs to run in the test bed guest
libvirt_config() {
	cat >"$root/etc/libvirt/qemu.conf" <<-'EOF'
	# p2pmig test bed (tools/testing/vm/qemu-root.sh): QEMU runs as root,
	# no confinement the test bed could not provide
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	security_default_confined = 0
	cgroup_controllers = [ ]
	namespaces = [ ]
	stdio_handler = "file"
	EOF
	cat >"$root/etc/libvirt/libvirtd.conf" <<-'EOF'
	# p2pmig test bed (tools/testing/vm/qemu-root.sh): one local user
	auth_unix_rw = "none"
	auth_unix_ro = "none"
	unix_sock_group = "root"
	keepalive_interval = -1
	log_outputs = "1:file:/var/log/libvirt/libvirtd.log"
	log_filters = "1:qemu 1:hostdev 1:pci 3:object 3:json 3:event 3:util"
	EOF
	# where guest/libvirt.sh mounts the test bed guest's modules
	mkdir -p "$root/usr/lib/modules"
	# libvirtd probes every QEMU binary it finds: one is enough
	rm -f "$root"/usr/bin/qemu-system-{i386,amd64,x86_64-microvm}
}

if [ ! -f "$root/.done" ]; then
	[ "$(id -u)" = 0 ] || { echo "qemu-root: needs root (mmdebstrap, chroot)" >&2; exit 1; }
	mkdir -p "$CACHE"
	: >"$log"
	if ! mkroot "$suite" "$root" "$log" ||
		! apt_in "$root" "$log" install -t "$suite-backports" "${pkgs[@]}"; then
		tail -20 "$log" >&2
		echo "qemu-root: no root with ${pkgs[*]} of $suite-backports, see $log" >&2
		exit 1
	fi
	[ -z "$libvirt" ] || libvirt_config
	# apt's package caches are of no use to a QEMU or libvirt run from here
	rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
	touch "$root/.done"
fi
chroot "$root" "$qemu" --version | head -1 >&2
[ -z "$libvirt" ] || chroot "$root" /usr/sbin/libvirtd --version >&2
echo "$root"
