#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-results.sh <bench.out> <payload status> <seconds> [<commit>]:
# bench/RESULTS.md on stdout, written from one `make bench` run's output
# (bench.sh calls it; <commit> is what the run was built from, by default
# HEAD now): a header saying when, on what and from which commit, the QEMU
# scenarios' table as the run printed it, and the arc benchmark's medians
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
[ -r "$out" ] || { echo "bench-results: no $out" >&2; exit 1; }
commit=${4:-$("$VM/bench-results.sh" --commit)}
qemu=$(qemu-system-x86_64 --version 2>/dev/null | head -1)
scenarios=$(grep -E '^\|' "$out")
nscen=$(printf '%s\n' "$scenarios" | grep -cE '^\| [a-z0-9-]+ \| (pass|fail) ')
nfail=$(printf '%s\n' "$scenarios" | grep -cE '^\| [a-z0-9-]+ \| fail ')
arc=$(sed -n '/^p2pmig arc benchmark:/,$p' "$out" | grep -v -e '^P2PMIG-EXIT-STATUS' -e '^# ')

cat <<EOF
<!-- SPDX-License-Identifier: GPL-2.0 -->
<!-- Written by \`make bench\` (tools/testing/vm/bench-results.sh); do not edit. -->
# Benchmark results

| | |
|---|---|
| date | $(date -u -r "$out" '+%Y-%m-%d %H:%M UTC') |
| git commit | $commit |
| L1 kernel (test bed) | Debian $K_TESTBED |
| QEMU (L1 and L2) | ${qemu:-unknown} |
| host | $(nproc) CPUs, no KVM: L1 runs under TCG, the L2 guests under TCG inside TCG |
| run | $((secs / 60)) min $((secs % 60)) s, payload exit status $status; $nscen scenarios, $nfail failed |

Figures from TCG are slow and noisy (single runs, a shared machine):
compare rows with each other, not with hardware.  Full output:
\`build/logs/bench.out\`.

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
running, all VFs summed (p2pmig's tracepoints).  The Linux guest pings L1
every 0.2 s through its VF across the migration.

EOF
if [ -n "$scenarios" ]; then
	printf '%s\n' "$scenarios"
else
	echo "(the run printed no scenario table)"
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
