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
res=$L2DIR/bench.results
: >"$res"
# run <scenario...>: its RESULT lines, then p2pmig's arcs in its last
# migration.  busybox sh has no pipefail: the scenario's own status is
# taken from a file, not from the end of a pipe.
run() {
	rm -f "$L2DIR/trace"
	"$@" >"$L2DIR/scenario.out" 2>&1
	r=$?
	cat "$L2DIR/scenario.out" >>"$res"
	grep "^RESULT" "$L2DIR/scenario.out" ||
		{ echo "RESULT $1 verdict=fail why=reported nothing" | tee -a "$res"; r=1; }
	grep -q '^RESULT .* verdict=fail ' "$L2DIR/scenario.out" && r=1
	grep '^#   ' "$L2DIR/scenario.out"
	if [ $r != 0 ]; then
		echo "# bench: failed (status $r): $(sed -n 's/^RESULT \([^ ]*\) verdict=fail.*/\1/p' \
			"$L2DIR/scenario.out" | tr '\n' ' ')"
		rc=1
	fi
	[ -f "$L2DIR/trace" ] && e2e_arcs "$L2DIR/trace" | sed 's/^/#   /'
}
run scenario_linux "$SC_ACK" "cancel dstfail" linux-1vf-switchover-ack-on
run scenario_linux "$SC_NOACK" "" linux-1vf-switchover-ack-off
run scenario_bios bios-1vf-switchover-ack-on 1 "$SC_ACK"
run scenario_bios bios-1vf-switchover-ack-off 1 "$SC_NOACK"
run scenario_bios bios-2vf-p2p 2 "$SC_ACK"
run scenario_bios bios-4vf-p2p 4 "$SC_ACK"
run scenario_bios bios-2vf-multifd 2 "$SC_ACK,$SC_MULTIFD" \
	"$SC_MULTIFD_PROPS" "$SC_MULTIFD_PARAMS"
run scenario_bios bios-4vf-multifd 4 "$SC_ACK,$SC_MULTIFD" \
	"$SC_MULTIFD_PROPS" "$SC_MULTIFD_PARAMS"
run scenario_no_p2p

echo
echo "| scenario | result | QEMU status | total ms | downtime ms | device share us | ping (answered/sent, longest gap) | note |"
echo "|---|---|---|---:|---:|---:|---|---|"
grep '^RESULT' "$res" | sed 's/^RESULT //' | awk '{
	split("", v); name = $1; n = split($0, f, " ")
	for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = substr(f[i], length(kv[1]) + 2) }
	why = $0; sub(/.* why=/, "", why)
	printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, v["verdict"], v["status"],
	       v["total_ms"], v["downtime_ms"], v["device_us"], v["ping"], why
}'

P2PMIG_VF_A=$(vf_of "$PF0" 0)
P2PMIG_VF_C=$(vf_of "$PF1" 0)
export P2PMIG_VF_A P2PMIG_VF_C
for vf in $P2PMIG_VF_A $P2PMIG_VF_C; do
	bind_dev "$vf" p2pmig || exit 1
done
for b in ./bench/*; do
	[ -x "$b" ] || continue
	"$b" || { echo "# bench: $b failed"; rc=1; }
done

exit $rc
