#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make bench`'s second part, on a test bed kernel with DMA
# logging (Debian's 6.1): the Linux guest of scenarios.sh migrated three
# ways in one run - its VF with device dirty tracking, its VF with
# dirty_tracking=0 (QEMU falls back to the type1 container, which reports
# every page dirty), and no VF at all - with where QEMU says each downtime
# went; then the doorbell benchmark (the cost of trapping the queue
# registers).
. /testbed/lib.sh
. /testbed/l2lib.sh
. /testbed/e2e.sh
. /testbed/scenarios.sh

e2e_setup || exit 1
rc=0
[ -x "$L2KIT/bin/qemu-system-x86_64" ] || { echo "# no L2 kit shared: no QEMU scenarios"; exit 1; }
mkdir -p "$L2DIR"
# QEMU's downtime checkpoints, with the time of each trace line
E2E_TRACES="$E2E_TRACES -trace vmstate_downtime_checkpoint -msg timestamp=on"
# Real convergence here, unlike make check's scenarios: QEMU's default
# downtime-limit (300 ms) and its own bandwidth estimate, so that the
# downtime is the final pass over what stayed dirty, not the whole RAM.
# With the type1 container every page is dirty in every pass: it may never
# switch over, which is then its result (cancelled after 120 s).
E2E_DOWNTIME_LIMIT=300 E2E_SWITCHOVER_BW=0 E2E_MIGRATE_TIMEOUT=120
export E2E_DOWNTIME_LIMIT E2E_SWITCHOVER_BW E2E_MIGRATE_TIMEOUT
SC_BENCH_RES=$L2DIR/bench.results
: >"$SC_BENCH_RES"
PARAM=/sys/module/p2pmig/parameters/dirty_tracking

# run <name> <scenario...>: a scenario, then where its downtime went
# (bd_name: the scenarios use n and other short names of their own)
run() {
	bd_name=$1
	shift
	sc_bench_run "$@" || rc=1
	sc_downtime_report "$bd_name"
	[ "${SC_RETURN:-0}" = 1 ] && sc_downtime_report "$bd_name-return" dst back
	return 0
}
# A downtime is QEMU's final pass, whose size its bandwidth estimate and
# the guest's last writes decide: it varies from run to run (89 to 246 ms
# without a VF in two runs).  So the guest with device dirty tracking (there
# and back) and without a VF take turns, three times each, and
# bench-results.sh compares medians.
# (bd_rep: the scenarios' own globals include r)
echo 1 >$PARAM
for bd_rep in '' -r2 -r3; do
	# shellcheck disable=SC2034	# read by scenario_linux
	SC_DIRTY=1
	SC_RETURN=1 run "linux-1vf-dirty$bd_rep" scenario_linux "$SC_ACK" "" "linux-1vf-dirty$bd_rep"
	unset SC_DIRTY
	run "linux-novf$bd_rep" scenario_linux_novf "linux-novf$bd_rep"
	[ -z "$bd_rep" ] || continue
	# read when a VF is bound: the scenario binds its VFs again
	echo 0 >$PARAM
	# shellcheck disable=SC2034	# read by scenario_linux
	SC_TIMEOUT_OK=1
	run linux-1vf-type1 scenario_linux "$SC_ACK" "" linux-1vf-type1
	unset SC_TIMEOUT_OK
	echo 1 >$PARAM
done

echo
sc_bench_table
echo

sc_bench_bin ./bench/p2pmig_doorbell_bench A "$PF0" 0 B "$PF0" 1 || rc=1
kernel_log_is_clean || { echo "# bench: the kernel log has a WARN, BUG, Oops or checker report"; rc=1; }
exit $rc
