#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make bench`: the QEMU end-to-end scenarios of scenarios.sh,
# whose figures are printed as a table, then the benchmarks of ./bench with
# the VF roles of the selftests.
. /testbed/lib.sh
. /testbed/l2lib.sh
. /testbed/e2e.sh
. /testbed/scenarios.sh

e2e_setup || exit 1
rc=0
[ -x "$L2KIT/bin/qemu-system-x86_64" ] || { echo "# no L2 kit shared: no QEMU scenarios"; exit 1; }
mkdir -p "$L2DIR"
SC_BENCH_RES=$L2DIR/bench.results
: >"$SC_BENCH_RES"
run() { sc_bench_run "$@" || rc=1; }
SC_RETURN=1 run scenario_linux "$SC_ACK" "cancel dstfail" linux-1vf-switchover-ack-on
run scenario_linux "$SC_NOACK" "" linux-1vf-switchover-ack-off
# 1 and 4 VFs there and back, three times each: the ratio of their device
# shares is taken from medians (bench-results.sh), as TCG runs p2pmig's
# code cold now and then (it empties its translation cache every few
# minutes while L2 guests run)
for r in '' -r2 -r3; do
	SC_RETURN=1 run scenario_bios bios-1vf-switchover-ack-on$r 1 "$SC_ACK"
done
run scenario_bios bios-1vf-switchover-ack-off 1 "$SC_NOACK"
run scenario_bios bios-2vf-p2p 2 "$SC_ACK"
for r in '' -r2 -r3; do
	SC_RETURN=1 run scenario_bios bios-4vf-p2p$r 4 "$SC_ACK"
done
run scenario_bios bios-2vf-multifd 2 "$SC_ACK,$SC_MULTIFD" \
	"$SC_MULTIFD_PROPS" "$SC_MULTIFD_PARAMS"
run scenario_bios bios-4vf-multifd 4 "$SC_ACK,$SC_MULTIFD" \
	"$SC_MULTIFD_PROPS" "$SC_MULTIFD_PARAMS"
run scenario_no_p2p

echo
sc_bench_table

sc_bench_bin ./bench/p2pmig_arc_bench A "$PF0" 0 C "$PF1" 0 || rc=1

exit $rc
