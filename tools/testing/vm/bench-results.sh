#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-results.sh <bench.out> <status> <seconds> [<commit> [<bench-dirty.out> <status>]]:
# bench/RESULTS.md on stdout, written from one `make bench` run's output
# (bench.sh calls it; <commit> is what the run was built from, by default
# HEAD now; a status "-" means that part did not run): a header saying
# when, on what and from which commit, the QEMU scenarios' table as the run
# printed it, the Linux guest with and without device dirty tracking and
# without a VF, the doorbell benchmark, and the arc benchmark's medians
# with its whole output.  Nothing in it is edited by hand.
set -uo pipefail
. "$(dirname "$0")/config.sh"

if [ "${1:-}" = --commit ]; then	# the commit of the tree, as the header says it
	c=$(git -C "$TOP" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
	[ -n "$(git -C "$TOP" status --porcelain --untracked-files=no 2>/dev/null)" ] &&
		c="$c (with uncommitted changes)"
	echo "$c"
	exit 0
fi
load_versions || exit 1

out=$1 status=$2 secs=$3
commit=${4:-$("$VM/bench-results.sh" --commit)}
dout=${5:-/dev/null} dstatus=${6:--}
[ "$status" = - ] && out=/dev/null
[ "$dstatus" = - ] && dout=/dev/null
for f in "$out" "$dout"; do
	[ -r "$f" ] || { echo "bench-results: no $f" >&2; exit 1; }
done
qemu=$(qemu-system-x86_64 --version 2>/dev/null | head -1)
l2qemu=$(cat "$BUILD/l2kit/qemu-version" 2>/dev/null)
scenarios=$(grep -E '^\|' "$out")
# the dirty-tracking part: its scenario table, then the doorbell benchmark's
dscen=$(sed -n '/^| scenario /,/^$/p' "$dout" | grep -E '^\|')
all=$(printf '%s\n%s\n' "$scenarios" "$dscen")
nscen=$(printf '%s\n' "$all" | grep -cE '^\| [a-z0-9-]+ \| (pass|fail) ')
nfail=$(printf '%s\n' "$all" | grep -cE '^\| [a-z0-9-]+ \| fail ')
arc=$(sed -n '/^p2pmig arc benchmark:/,$p' "$out" | grep -v -e '^P2PMIG-EXIT-STATUS' -e '^# ')
door=$(sed -n '/^p2pmig doorbell benchmark:/,$p' "$dout" | grep -v -e '^P2PMIG-EXIT-STATUS' -e '^# ')
where=$(grep -E '^#   linux-[a-z0-9-]+: (QEMU checkpoints|[0-9]+ device)' "$dout" | sed 's/^#   //')
when=$out
[ "$status" = - ] && when=$dout

cat <<EOF
<!-- SPDX-License-Identifier: GPL-2.0 -->
<!-- Written by \`make bench\` (tools/testing/vm/bench-results.sh); do not edit. -->
# Benchmark results

| | |
|---|---|
| date | $(date -u -r "$when" '+%Y-%m-%d %H:%M UTC') |
| git commit | $commit |
| L1 kernel (test bed) | Debian $K_TESTBED; Debian $K_61 for device dirty tracking |
| QEMU of the test bed (L1) | ${qemu:-unknown} |
| QEMU of the scenarios (L2, the VFIO client) | ${l2qemu:-unknown} |
| host | $(nproc) CPUs, no KVM: L1 runs under TCG, the L2 guests under TCG inside TCG |
| run | $((secs / 60)) min $((secs % 60)) s; payload exit status $status on the main kernel, $dstatus on $K_61 (- = not run); $nscen scenarios, $nfail failed |

Figures from TCG are slow and noisy (single runs, a shared machine):
compare rows with each other, not with hardware.  Full output:
\`build/logs/bench.out\` and \`build/logs/bench-dirty.out\`.

## QEMU end-to-end scenarios

A nested guest with VFs bound to p2pmig, assigned through
\`-device vfio-pci,...,enable-migration=on\`, migrates from a QEMU on PF0's
VFs to a QEMU on PF1's VFs (tools/testing/vm/guest/scenarios.sh; unix
socket, return-path, downtime-limit 8 s, avail-switchover-bandwidth
1 GiB/s: with the type1 container every page is dirty in every pass, and
the switchover must not depend on TCG's speed; see
Documentation/testbed.rst).  "device share" is the time p2pmig spent in
SET_STATE requests and data_fd transfers from the source's first step
with the vCPUs stopped (PRE_COPY -> PRE_COPY_P2P) to the destination
running, all VFs summed (p2pmig's tracepoints); "waiting for a CPU" is
how much of it QEMU's threads were runnable but not running (the
scheduler's run delay, the events' waited=): the L1 has two vCPUs, and
the L2 guests' TCG threads keep them busy.  The Linux guest pings L1
every 0.2 s through its VF across the migration, and then migrates back
to the source VF (the "-return" row): TCG translates code the first time
it runs it, so the first migration after QEMU's translation cache was
last emptied pays for translating p2pmig's arcs; the return runs them
warm, as a host would (Documentation/testbed.rst).  QEMU empties that
cache every few minutes while L2 guests run, so any migration may find
the code cold: the SeaBIOS guests with 1 and 4 VFs migrate there and back
three times each (the -rN and -return rows), and their ratio is taken
from the medians.

EOF
if [ -n "$scenarios" ]; then
	printf '%s\n' "$scenarios"
	# The Linux guest there and back; QEMU takes the devices' arcs one
	# after the other: the device share of 4 VFs against 1, same guest and
	# capabilities, from the medians of three migrations there and three
	# back each, in all and per VF.  "own": without the time QEMU's
	# threads waited for a CPU (L1's two vCPUs are shared with the L2
	# guests' TCG threads).
	printf '%s\n' "$scenarios" | awk -F'|' '
		function num(x) { gsub(/ /, "", x); return x ~ /^[0-9]+$/ ? x + 0 : -1 }
		function own(n) { return w[n] >= 0 ? d[n] - w[n] : d[n] }
		# median of the figures of the rows named <base>[-rN][-return],
		# v = "d" (share) or "o" (own); sets cnt, list
		function median(base, v,    k, m, i, j, t, a) {
			m = 0; list = ""
			for (k in d)
				if (k ~ ("^" base "(-r[0-9]+)?(-return)?$") && d[k] > 0)
					a[++m] = v == "d" ? d[k] : own(k)
			for (i = 2; i <= m; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			for (i = 1; i <= m; i++)
				list = list (i > 1 ? ", " : "") a[i]
			cnt = m
			if (m == 0) return -1
			return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		}
		{ n = $2; gsub(/ /, "", n); d[n] = num($7); w[n] = num($8) }
		END {
			a = "linux-1vf-switchover-ack-on"; b = a "-return"
			if (d[a] > 0 && d[b] > 0)
				printf "\nDevice share of the Linux guest (switchover-ack): %d us migrating there (%d us own, without waiting for a CPU), %d us migrating back (%d us own).\n",
					d[a], own(a), d[b], own(b)
			one = median("bios-1vf-switchover-ack-on", "d"); ones = list; n1 = cnt
			four = median("bios-4vf-p2p", "d"); fours = list; n4 = cnt
			if (one > 0 && four > 0) {
				o1 = median("bios-1vf-switchover-ack-on", "o"); o4 = median("bios-4vf-p2p", "o")
				printf "\nDevice share of 4 VFs against 1 (SeaBIOS, switchover-ack; medians of %d and %d migrations): %.2fx (%d us / %d us), own %.2fx (%d us / %d us); per VF with 4 VFs: %.2fx of one VF alone.\n",
					n4, n1, four / one, four, one, o4 / o1, o4, o1, four / 4 / one
				printf "(device shares, 1 VF: %s us; 4 VFs: %s us.)\n", ones, fours
			}
		}'
else
	echo "(the run printed no scenario table)"
fi

cat <<EOF

## Device dirty tracking: a Linux guest's downtime

The Linux guest of the table above (one VF, pinging L1 every 0.2 s,
switchover-ack) migrated three ways in one boot of the test bed on
Debian's $K_61 (Debian's 6.12 and 7.x kernels lack
CONFIG_IOMMUFD_DRIVER, so they offer no DMA logging): with the VF's
device dirty tracking (QEMU's own \`vfio_device_dirty_tracking_start\`
trace asserted), with \`dirty_tracking=0\` (the doorbells stay mmapped and
QEMU falls back to the type1 container, which reports every page dirty),
and the same guest without a VF (idle); with dirty tracking and without a
VF three times each, taking turns, compared by medians (a downtime varies
from run to run).  Unlike the scenarios above,
these converge as QEMU would by itself: its default downtime-limit of
300 ms and its own bandwidth estimate (no avail-switchover-bandwidth), so
that the downtime is the final pass over what stayed dirty, not the
whole RAM; a migration that does not switch over in 120 s is cancelled
and reported so.  Goal: a downtime with device dirty tracking at most
1.3x the one without a VF.

EOF
if [ -n "$dscen" ]; then
	printf '%s\n' "$dscen"
	# -r2, -r3: the same scenario again; compared by medians
	printf '%s\n' "$dscen" | awk -F'|' '
		function num(x) { gsub(/ /, "", x); return x ~ /^[0-9]+$/ ? x + 0 : -1 }
		function median(b,   i, j, t, v, k) {
			k = cnt[b]
			for (i = 1; i <= k; i++) v[i] = val[b, i]
			for (i = 2; i <= k; i++)
				for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
		}
		function all(b,   i, s) {
			for (i = 1; i <= cnt[b]; i++) s = s (i > 1 ? ", " : "") val[b, i]
			return s
		}
		function ratio(b) {
			if (cnt[b]) return sprintf("%.2fx", median(b) / median("linux-novf"))
			return st[b] == "timeout" ? "no switchover" : "-"
		}
		$2 ~ /linux-/ {
			n = $2; gsub(/ /, "", n); b = n; sub(/-r[0-9]+/, "", b)
			s = $4; gsub(/ /, "", s); if (!(b in st)) st[b] = s
			if (num($6) > 0) val[b, ++cnt[b]] = num($6)
		}
		END {
			if (!cnt["linux-novf"]) { print "\n(no downtime without a VF: no ratio)"; exit }
			printf "\nDowntime against the guest without a VF, medians: %s with device dirty tracking (%s migrating back), %s with type1.\n",
				ratio("linux-1vf-dirty"), ratio("linux-1vf-dirty-return"), ratio("linux-1vf-type1")
			printf "Downtimes (ms): with device dirty tracking %s (median %d), back %s (%d); without a VF %s (%d).\n",
				all("linux-1vf-dirty"), median("linux-1vf-dirty"),
				all("linux-1vf-dirty-return"), median("linux-1vf-dirty-return"),
				all("linux-novf"), median("linux-novf")
		}'
	if [ -n "$where" ]; then
		echo
		echo "Where each downtime went, by QEMU's own trace (vmstate_downtime_checkpoint, _save, _load):"
		echo
		echo '```'
		printf '%s\n' "$where"
		echo '```'
	fi
else
	echo "(the run printed no table for device dirty tracking)"
fi

cat <<EOF

## Doorbell benchmark (bench/p2pmig_doorbell_bench.c)

What trapping the queue registers for device dirty tracking costs, on
$K_61: a doorbell (RDT/TDT write) through p2pmig's trap, through
vfio-pci-core's region write, and through a mapping (what a guest does
when the pages stay mmapped), idle and with frames moving between two VFs
of one PF.  A guest's trapped doorbell also exits to its VMM, which this
does not count.

EOF
if [ -n "$door" ]; then
	printf '%s\n' "$door" | grep -E '^\|'
	echo
	echo "The benchmark's whole output:"
	echo
	echo '```'
	printf '%s\n' "$door"
	echo '```'
else
	echo "(the run printed no doorbell benchmark output)"
fi

cat <<EOF

## Arc benchmark (bench/p2pmig_arc_bench.c)

A userspace-driven VF configured like a guest's igbvf (MAC, multicast
groups, VLANs, largest frame) migrates back and forth between VF 0 of PF0
(A) and VF 0 of PF1 (C), with the configuration replayed from the
initial bytes (replay_early=1, the default) or at RESUMING -> STOP
(replay_early=0).  Median µs per step; * marks the steps taken while the
guest is stopped, whose sum is the downtime-critical figure.

EOF
if [ -z "$arc" ]; then
	echo "(the run printed no arc benchmark output)"
	exit 0
fi
printf '%s\n' "$arc" | awk '
	# a section: "<title>, N migrations", then "  <step> [*] med min max"
	/ migrations$/ {
		col++
		t = $0
		sub(/, [0-9]+ migrations$/, "", t)
		mode = t; sub(/[:,].*/, "", mode)
		dir = t; sub(/.*, /, "", dir)
		if (dir ~ /A -> C/) dir = "A→C"; else if (dir ~ /C -> A/) dir = "C→A"
		title[col] = mode " " dir
		next
	}
	col && /^  / && $NF ~ /^[0-9.]+$/ && $(NF - 1) ~ /^[0-9.]+$/ && $(NF - 2) ~ /^[0-9.]+$/ {
		name = $0
		sub(/ +[0-9.]+ +[0-9.]+ +[0-9.]+$/, "", name)
		sub(/^ +/, "", name)
		gsub(/ +/, " ", name)
		if (name == "step")
			next
		if (!(name in row)) { row[name] = ++nrow; names[nrow] = name }
		v[row[name], col] = $(NF - 2)
		next
	}
	col && /downtime-critical share/ {
		name = "downtime-critical share of every step"
		if (!(name in row)) { row[name] = ++nrow; names[nrow] = name }
		v[row[name], col] = $NF
	}
	END {
		if (!col) exit
		printf "| step |"
		for (c = 1; c <= col; c++) printf " %s |", title[c]
		printf "\n|---|"
		for (c = 1; c <= col; c++) printf "---:|"
		printf "\n"
		for (r = 1; r <= nrow; r++) {
			bold = names[r] ~ /^downtime-critical/
			printf "| %s |", bold ? "**" names[r] "**" : names[r]
			for (c = 1; c <= col; c++)
				printf " %s |", bold ? "**" v[r, c] "**" : v[r, c]
			printf "\n"
		}
	}'
cat <<EOF

The benchmark's whole output (median, min and max µs):

\`\`\`
$arc
\`\`\`
EOF
