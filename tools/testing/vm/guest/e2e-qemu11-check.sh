#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make check`'s e2e-qemu11 stage: the end-to-end scenarios with
# the newest QEMU (11.x, from trixie-backports; the kit check.sh made with
# qemu-root.sh) as the client, on the 7.x test bed, beside the e2e stage's
# QEMU 10 on 6.12.  QEMU 11 opts into PRECOPY_INFO v2; the Linux guest
# switches its receive mode during the migrations, so p2pmig answers
# PRECOPY_INFO with REINIT and QEMU asks the destination for a new
# switchover ack.  Output is TAP; the host counts it.
. /testbed/lib.sh
. /testbed/l2lib.sh
. /testbed/e2e.sh
. /testbed/scenarios.sh

E2E_TRACES="$E2E_TRACES -trace vfio_migration_init -trace vfio_query_precopy_size"
tap_check "e2e-qemu11: test bed with p2pmig, the L1 peer and QEMU ready" e2e_setup || exit 1
fail=0
echo "# QEMU: $(cat "$L2KIT/qemu-version")"
tap_check "e2e-qemu11: the kit's QEMU is QEMU 11" grep -q 'version 11\.' "$L2KIT/qemu-version" || fail=1
tap_scenario() { sc_tap e2e-qemu11 "$@" || fail=1; }
mkdir -p "$L2DIR"

SC_RXMODE=0.5 SC_REINIT=1 tap_scenario scenario_linux "$SC_ACK" "cancel dstfail" linux-1vf-qemu11
tap_scenario scenario_bios bios-2vf-p2p-qemu11 2 "$SC_ACK"
tap_scenario scenario_bios bios-2vf-multifd-qemu11 2 "$SC_ACK,$SC_MULTIFD" \
	"$SC_MULTIFD_PROPS" "$SC_MULTIFD_PARAMS"
tap_check "kernel log has no WARN, BUG, Oops or checker report" kernel_log_is_clean || fail=1
log "e2e-qemu11 done at $(cut -d' ' -f1 /proc/uptime)s"
exit $fail
