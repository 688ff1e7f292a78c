#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make check`'s end-to-end stage: QEMU in the test bed assigns
# VFs bound to p2pmig to nested guests and live-migrates them (the
# scenarios of scenarios.sh).  Output is TAP; the host counts it.
. /testbed/lib.sh
. /testbed/l2lib.sh
. /testbed/e2e.sh
. /testbed/scenarios.sh

tap_check "e2e: test bed with p2pmig, the L1 peer and QEMU ready" e2e_setup || exit 1

fail=0
tap_scenario() { sc_tap e2e "$@" || fail=1; }
mkdir -p "$L2DIR"

SC_RETURN=1 tap_scenario scenario_linux "$SC_ACK" "cancel dstfail"
tap_scenario scenario_bios bios-1vf-switchover-ack-off 1 "$SC_NOACK"
tap_scenario scenario_bios bios-2vf-p2p 2 "$SC_ACK"
tap_scenario scenario_bios bios-4vf-p2p 4 "$SC_ACK"
tap_scenario scenario_bios bios-2vf-multifd 2 "$SC_ACK,$SC_MULTIFD" \
	"$SC_MULTIFD_PROPS" "$SC_MULTIFD_PARAMS"
tap_scenario scenario_no_p2p
tap_check "kernel log has no WARN, BUG, Oops or checker report" kernel_log_is_clean || fail=1
log "e2e done at $(cut -d' ' -f1 /proc/uptime)s"
exit $fail
