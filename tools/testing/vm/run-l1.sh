#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-l1.sh: boot the test bed guest (L1) and run a payload in it.
#
#   run-l1.sh -p <payload dir> [-k kernel version] [-n name] [-t timeout s]
#             [-m mem] [-s share dir] [-r root dir] [-A "extra kernel args"]
#
# The machine: q35 under TCG (no usable KVM here) with an emulated VT-d IOMMU
# (interrupt remapping, caching mode: every VF in an IOMMU group of its
# own) and two 82576 PFs (QEMU's igb, SR-IOV) behind their own PCIe root
# ports, whose network backends share one hub so frames cross between PFs;
# a virtio-net NIC on the same hub is a peer outside both PFs (the "LAN").
# Two vCPUs, run by one TCG thread: with multi-threaded TCG (QEMU 10.0.2) a
# vCPU now and then halts with a timer interrupt in service that it never
# acknowledged (its local APIC shows vector 236 in ISR) and the guest stalls
# (seen in ~1 of 5 boots); round-robin TCG has not shown it in dozens and
# is as fast here.  No MONITOR/MWAIT: an idle guest CPU "polling" in MWAIT
# is not woken by TCG when another CPU skips the IPI.
# -s shares a directory with the guest over 9p (/share there: the L2 kit),
# -r a Debian root read-only (/sysroot there: libvirt, guest/libvirt.sh).
# The payload directory becomes /payload in the guest; its ./run is run by
# our init.  Console (kernel log) -> build/logs/<name>.console, payload
# output -> build/logs/<name>.out; the payload's exit status is ours.
# P2PMIG_L1_QEMU_ARGS adds QEMU arguments (e.g. "-trace igb_set_vfmailbox").
# Exit: payload status; 124 timeout; 125 the guest died without a status;
# 126 a guest vCPU stalled (RCU stall on the console, see watchdog()).
set -uo pipefail
. "$(dirname "$0")/config.sh"
load_versions || exit 2

payload='' name=l1 timeout=600 mem=2G share='' sysroot='' xargs='' kver=$K_TESTBED
while getopts p:k:n:t:m:s:r:A: o; do
	case $o in
	p) payload=$OPTARG ;;
	k) kver=$OPTARG ;;
	n) name=$OPTARG ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	s) share=$OPTARG ;;
	r) sysroot=$OPTARG ;;
	A) xargs=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ -x "$payload/run" ] || { echo "run-l1: $payload/run is not executable" >&2; exit 2; }

base=$BUILD/initramfs-$kver.cpio.gz
[ -f "$base" ] || { echo "run-l1: $base missing (mkinitramfs.sh)" >&2; exit 2; }
mkdir -p "$BUILD/logs"
console=$BUILD/logs/$name.console
result=$BUILD/logs/$name.out
initrd=$(mktemp "$BUILD/initrd.XXXXXX")
trap 'rm -f "$initrd"' EXIT

# the payload as a second cpio archive: the kernel unpacks both
cp "$base" "$initrd"
stage=$(mktemp -d)
mkdir "$stage/payload"
cp -a "$payload"/. "$stage/payload/"
(cd "$stage" && find payload -print0 | cpio --null -o -H newc --quiet) | gzip -1 >>"$initrd"
rm -rf "$stage"

# watchdog <pid>: a guest vCPU that stops taking interrupts (seen rarely
# under TCG) shows as an RCU stall on the console; record the CPUs' and
# local APICs' state through the monitor and stop the guest instead of
# waiting for the timeout.
watchdog() {
	while kill -0 "$1" 2>/dev/null; do
		sleep 5
		grep -q 'rcu: INFO: .* detected stalls' "$console" 2>/dev/null || continue
		{
			echo "run-l1: guest RCU stall: monitor dump follows"
			for c in "info cpus" "info lapic 0" "info lapic 1" "info registers -a"; do
				echo "=== $c"
				printf '%s\n' "$c" | socat -t 2 - "UNIX-CONNECT:$hmp" 2>&1
			done
		} >"$BUILD/logs/$name.stall" 2>&1
		kill "$1" 2>/dev/null
		return
	done
}

opts=()
append="console=ttyS0 intel_iommu=on iommu=pt panic=-1 loglevel=4 $xargs"
if [ -n "$share" ]; then
	opts+=(-virtfs "local,path=$share,mount_tag=share,security_model=none,id=share")
	append+=" p2pmig.share=1"
fi
if [ -n "$sysroot" ]; then
	opts+=(-virtfs "local,path=$sysroot,mount_tag=sysroot,security_model=none,readonly=on,id=sysroot")
	append+=" p2pmig.sysroot=1"
fi

: >"$console"
: >"$result"
hmp=$BUILD/logs/$name.hmp
rm -f "$hmp"
start=$SECONDS
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-accel "${P2PMIG_L1_ACCEL:-tcg,thread=single}" -cpu "${P2PMIG_L1_CPU:-max,-monitor}" -smp 2 -m "$mem" \
	-machine q35,kernel-irqchip=split \
	-device "intel-iommu,intremap=on,caching-mode=on${P2PMIG_L1_IOMMU_OPTS:-}" \
	-device pcie-root-port,id=rp1,chassis=1,slot=1 \
	-device pcie-root-port,id=rp2,chassis=2,slot=2 \
	-netdev hubport,id=pf0net,hubid=0 \
	-device igb,netdev=pf0net,bus=rp1,mac=52:54:00:00:00:10 \
	-netdev hubport,id=pf1net,hubid=0 \
	-device igb,netdev=pf1net,bus=rp2,mac=52:54:00:00:00:20 \
	-netdev hubport,id=lannet,hubid=0 \
	-device virtio-net-pci,netdev=lannet,mac=52:54:00:00:00:30 \
	"${opts[@]}" ${P2PMIG_L1_QEMU_ARGS:-} \
	-kernel "$(kimage "$kver")/boot/vmlinuz-$kver" -initrd "$initrd" -append "$append" \
	-display none -no-reboot -nodefaults \
	-monitor "unix:$hmp,server=on,wait=off" \
	-serial "file:$console" -serial "file:$result" </dev/null \
	2> >(grep -v 'is not connected to host network' >&2) &
qpid=$!
watchdog "$qpid" &
wpid=$!
wait "$qpid"
qrc=$?
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
wall=$((SECONDS - start))

tr -d '\r' <"$result" >"$result.tmp" && mv "$result.tmp" "$result"
tr -d '\r' <"$console" >"$console.tmp" && mv "$console.tmp" "$console"
status=$(sed -n 's/^P2PMIG-EXIT-STATUS=\([0-9]*\)$/\1/p' "$result" | tail -1)
if [ -s "$BUILD/logs/$name.stall" ]; then
	echo "run-l1: $name: a guest vCPU stalled (see $BUILD/logs/$name.stall)" >&2
	exit 126
fi
if [ "$qrc" = 124 ]; then
	echo "run-l1: $name timed out after ${timeout}s (console: $console)" >&2
	exit 124
fi
if [ -z "$status" ]; then
	echo "run-l1: $name: guest ended without an exit status (qemu rc $qrc); last console lines:" >&2
	tail -n 30 "$console" >&2
	exit 125
fi
echo "run-l1: $name: payload exit status $status after ${wall}s" >&2
exit "$status"
