# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
#
# Helpers for payloads running in the test bed guest (busybox sh).
# Installed as /testbed/lib.sh by mkinitramfs.sh.

IGB_PF_ID=0x8086:0x10c9
IGB_VF_ID=0x8086:0x10ca

log() { echo "# testbed: $*"; }
pci_id() { echo "$(cat "/sys/bus/pci/devices/$1/vendor"):$(cat "/sys/bus/pci/devices/$1/device")"; }
pci_drv() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null; }

# the igb PFs, in bus order
pf_list() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(pci_id "${d##*/}")" = $IGB_PF_ID ] && echo "${d##*/}"
	done
}

pf_netdev() { ls "/sys/bus/pci/devices/$1/net/" 2>/dev/null | head -1; }

# vf_of <pf> <n>: BDF of VF n of a PF
vf_of() { basename "$(readlink "/sys/bus/pci/devices/$1/virtfn$2")"; }

# make_vfs <pf> <n>: (re)create n VFs, leaving them unbound
make_vfs() {
	echo 0 >"/sys/bus/pci/devices/$1/sriov_drivers_autoprobe" &&
	echo 0 >"/sys/bus/pci/devices/$1/sriov_numvfs" &&
	echo "$2" >"/sys/bus/pci/devices/$1/sriov_numvfs"
}

# bind_dev <bdf> <driver>: the driver_override way (libvirt, driverctl)
bind_dev() {
	d=/sys/bus/pci/devices/$1
	[ -e "$d/driver" ] && echo "$1" >"$d/driver/unbind"
	echo "$2" >"$d/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(pci_drv "$1")" = "$2" ] || { log "bind $1 to $2 failed"; return 1; }
}

unbind_dev() {
	d=/sys/bus/pci/devices/$1
	[ -e "$d/driver" ] && echo "$1" >"$d/driver/unbind"
	echo >"$d/driver_override"
}

# testbed_setup <vfs per PF>: PF driver up with its netdevs up (the PF
# serves the VF mailbox only then), VFs created, VFIO loaded.
testbed_setup() {
	modprobe igb || { log "modprobe igb failed"; return 1; }
	PF0=$(pf_list | sed -n 1p)
	PF1=$(pf_list | sed -n 2p)
	[ -n "$PF0" ] && [ -n "$PF1" ] || { log "expected two igb PFs"; return 1; }
	for pf in $PF0 $PF1; do
		ip link set "$(pf_netdev "$pf")" up || return 1
		make_vfs "$pf" "$1" || { log "creating $1 VFs on $pf failed"; return 1; }
	done
	# QEMU 10's SR-IOV model loses MMIO to VF BARs placed above 4 GiB
	# (L1 with more than ~2.75 GiB of RAM gets its VF BARs there)
	vfbar=$(head -1 "/sys/bus/pci/devices/$(vf_of "$PF0" 0)/resource" | cut -d' ' -f1)
	[ $((vfbar >> 32)) -eq 0 ] ||
		{ log "VF BAR0 at $vfbar, above 4 GiB: QEMU drops MMIO there; give L1 less RAM"; return 1; }
	modprobe vfio-pci && modprobe vfio_iommu_type1 ||
		{ log "loading VFIO failed"; return 1; }
	export PF0 PF1
}

# install_p2pmig <ko>: install like a distribution would (extra/, depmod),
# so modules.alias gets our vfio_pci: alias, then load it by name.
install_p2pmig() {
	kv=$(uname -r)
	mkdir -p "/lib/modules/$kv/extra"
	cp "$1" "/lib/modules/$kv/extra/p2pmig.ko"
	depmod || { log "depmod failed"; return 1; }
	modprobe p2pmig || { log "modprobe p2pmig failed"; return 1; }
}

# kselftest_run <binary> [args]: run one kselftest binary; a binary that
# dies before its totals line is reported as a failed test of its own.
kselftest_run() {
	name=$(basename "$1")
	"$@" >/tmp/ksft.out 2>&1
	rc=$?
	cat /tmp/ksft.out
	grep -q '^# Totals:' /tmp/ksft.out ||
		echo "not ok 1 $name # died before reporting (exit $rc)"
	return $rc
}

# tap_check <name> <command...>: one shell-level check as a TAP line
tap_check() {
	name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		return 1
	fi
}

# What the kernel prints when one of its checkers fires: WARN, BUG (also
# KASAN, sleeping in atomic context, soft lockup), Oops, lockdep (its
# reports are WARNINGs), UBSAN, the hung-task detector.  The same list is in
# check.sh, which reads the debug kernel's console.
KERNEL_REPORTS='WARNING:|BUG:|Oops|general protection|Call Trace:|UBSAN:|INFO: task .* blocked for more than|possible recursive locking|inconsistent lock state|kmemleak: .*new suspected'

# the kernel log must not show a WARN, BUG, Oops or a checker's report
kernel_log_is_clean() {
	if dmesg | grep -E "$KERNEL_REPORTS"; then
		return 1
	fi
	return 0
}

# debug_kernel: the test bed's debug kernel (build-debug-kernel.sh)
debug_kernel() {
	case $(uname -r) in *-p2pmig-debug) return 0 ;; esac
	return 1
}

KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_forget: forget what leaked before the tests (boot)
kmemleak_forget() {
	[ -w $KMEMLEAK ] || { log "no $KMEMLEAK (kmemleak off or disabled)"; return 1; }
	echo scan >$KMEMLEAK && echo clear >$KMEMLEAK
}

# kmemleak_is_clean: no object became unreferenced since kmemleak_forget
# (kmemleak reports objects older than 5 s; it scans twice, as its
# documentation suggests, to drop transient false positives)
kmemleak_is_clean() {
	[ -w $KMEMLEAK ] || { log "no $KMEMLEAK (kmemleak off or disabled)"; return 1; }
	sleep 6
	echo scan >$KMEMLEAK && echo scan >$KMEMLEAK || return 1
	if grep -q . $KMEMLEAK; then
		log "kmemleak: $(grep -c '^unreferenced object' $KMEMLEAK) suspected leaks:"
		sed 's/^/#   /' $KMEMLEAK | head -200
		return 1
	fi
	return 0
}
