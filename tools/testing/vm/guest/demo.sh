#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make demo`: live-migrate a nested guest (L2) that pings a peer
# through an assigned 82576 VF, from a QEMU on PF0's VF to a QEMU on PF1's
# VF, with p2pmig in the test bed's kernel (L1), and report what happened.
# Exit status 0 only if the guest's network survived.
. /testbed/lib.sh
. /testbed/l2lib.sh
. /testbed/e2e.sh

say() { echo "demo: $*"; }
fail() {
	say "FAILED: $*"
	for f in src dst; do
		[ -f "$L2DIR/$f.log" ] || continue
		say "QEMU $f (last messages):"
		grep -v -e '^vmstate_downtime' -e '^vfio_migration_set_state' "$L2DIR/$f.log" |
			tail -8 | sed 's/^/demo:   /'
	done
	say "kernel (last messages):"
	dmesg | grep -iE 'p2pmig|igb|vfio' | tail -12 | sed 's/^/demo:   /'
	exit 1
}

e2e_setup || fail "test bed setup"
e2e_prepare "$PF0" "$E2E_ETH0" 1 || fail "source VF"
e2e_prepare "$PF1" "$E2E_ETH1" 1 || fail "destination VF"
SRC_VF=$(vf_of "$PF0" 0)
DST_VF=$(vf_of "$PF1" 0)
say "source VF $SRC_VF (PF0), destination VF $DST_VF (PF1), guest MAC $(e2e_mac 0)"

E2E_PING_SECS=${DEMO_PING_SECS:-70}
e2e_start_guest src "$PF0" 1 linux "" || fail "source QEMU did not start: $(cat $L2DIR/src.log)"
say "L2 booting (Debian kernel under TCG inside TCG: a few minutes)"
l2_wait_serial src L2-READY 900 ||
	fail "the guest's network never came up: $(tr -d '\r' <$L2DIR/src.serial | grep '^L2')"
say "L2 up and pinging $E2E_PEER; starting the destination QEMU"
e2e_start_guest dst "$PF1" 1 linux "" -incoming defer || fail "destination QEMU did not start"
sleep 5

e2e_trace_on
say "migrating (return-path, switchover-ack; pre-copy and P2P from p2pmig)"
# shellcheck disable=SC2046
set -- $(e2e_migrate src dst \
	'[{"capability":"return-path","state":true},{"capability":"switchover-ack","state":true}]')
status=$1 total=$2 downtime=$3
e2e_trace_off "$L2DIR/trace"
say "migration $status: total ${total:-?} ms, downtime ${downtime:-?} ms (QEMU's figures)"
[ "$status" = completed ] || fail "migration $status: $(tail -3 $L2DIR/src.qmp.log)"

# what libvirt does on the source afterwards: stop QEMU, give the VF back
l2_quit src
e2e_release "$E2E_ETH0" 1

say "device's share of the downtime (p2pmig tracepoints): $(e2e_device_share "$L2DIR/trace") us," \
	"of it waiting for a CPU: $(e2e_device_share "$L2DIR/trace" waited) us"
say "device states, and p2pmig's time in each request and data_fd transfer:"
e2e_arcs "$L2DIR/trace" | sed 's/^/demo:   /'
say "QEMU's VFIO migration states (trace vfio_migration_set_state):"
grep -h 'vfio_migration_set_state' "$L2DIR/src.log" "$L2DIR/dst.log" 2>/dev/null |
	sed 's/^/demo:   /'

l2_wait_serial dst L2-DONE $((E2E_PING_SECS * 4)) || fail "the guest did not finish on the destination"
ping=$(e2e_ping_report "$L2DIR/src.serial" "$L2DIR/dst.serial")
say "ping across the migration: $ping"
l2_quit dst
received=$(echo "$ping" | sed -n 's/.*received=\([0-9]*\).*/\1/p')
sent=$(echo "$ping" | sed -n 's/.*sent=\([0-9]*\).*/\1/p')
last=$(echo "$ping" | sed -n 's/.*last_answered=\([0-9-]*\).*/\1/p')
[ -n "$sent" ] && [ "${received:-0}" -gt 0 ] || fail "no ping result"
[ "$sent" -ge "$received" ] ||
	fail "ping ended without statistics: $(tr -d '\r' <"$L2DIR/dst.serial" | grep 'ping exited')"
# survived: the last pings, sent well after the switchover, were answered
[ $((sent - 1 - last)) -le 5 ] || fail "pings stopped being answered after the migration"
tx=$(e2e_tx_done)
[ "${tx:-0}" -ge $((sent * 9 / 10)) ] ||
	fail "the guest reclaimed ${tx:-0} of $sent sent frames: its TX interrupts stopped"
say "the guest's network survived the migration"
