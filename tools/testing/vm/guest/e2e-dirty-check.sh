#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make check`'s e2e-dirty stage: the Linux scenario of
# scenarios.sh with device dirty tracking, on a test bed kernel that has
# DMA logging.  QEMU must pick the VF's DMA logging over the container's
# (its own trace says so), the guest's ping must survive and every copy of
# a file it downloads again and again across the migration, and the one
# back to the source VF, must be intact.  Then libvirt (bookworm-backports',
# its root shared as /sysroot: libvirt.sh) assigns a VF to a guest, saves
# and restores it onto the other PF, with a domain XML as a user writes it:
# QEMU's default enable-migration=auto migrates a VF that offers DMA
# logging.  Output is TAP; the host counts it.
. /testbed/lib.sh
. /testbed/l2lib.sh
. /testbed/e2e.sh
. /testbed/scenarios.sh
. /testbed/libvirt.sh

tap_check "e2e-dirty: test bed with p2pmig, the L1 peer and QEMU ready" e2e_setup || exit 1

fail=0
mkdir -p "$L2DIR"
SC_DIRTY=1 SC_STREAM=1 SC_RETURN=1 sc_tap e2e-dirty scenario_linux "$SC_ACK" "" linux-1vf-dirty || fail=1
grep '^vfio_device_dirty_tracking_start' "$L2DIR/src.log" | head -1 | sed 's/^/# QEMU: /'
cat "$L2DIR/dst.serial" "$L2DIR/back.serial" 2>/dev/null | tr -d '\r' | grep -e '^L2-STREAM' -e 'not the expected' | sed 's/^/# L2: /'
# it unloads p2pmig for libvirt to load: the last one
sc_tap e2e-dirty scenario_libvirt || fail=1
tap_check "kernel log has no WARN, BUG, Oops or checker report" kernel_log_is_clean || fail=1
log "e2e-dirty done at $(cut -d' ' -f1 /proc/uptime)s"
exit $fail
