#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (`make bench`): run the benchmarks of bench/ in the test bed on
# the main kernel, then the QEMU end-to-end scenarios, and print their
# figures (build/logs/bench.out).
set -euo pipefail
. "$(dirname "$0")/config.sh"

LOGS=$BUILD/logs
mkdir -p "$LOGS"	# a fresh clone has no build/
"$VM/deps.sh"
load_versions
ko=$("$VM/build-module.sh" "$K_TESTBED" 2>"$LOGS/build-bench.log") ||
	{ cat "$LOGS/build-bench.log"; exit 1; }
make -s -C "$TOP/bench" OUTPUT="$BUILD/bench"
"$VM/mkinitramfs.sh" "$K_TESTBED" >/dev/null
kit=$("$VM/mkl2.sh" 2>"$LOGS/mkl2.log") || { cat "$LOGS/mkl2.log"; exit 1; }

payload=$BUILD/payload-bench
rm -rf "$payload"
mkdir -p "$payload/bench"
cp "$ko" "$payload/"
cp "$BUILD"/bench/* "$payload/bench/"
cp "$VM/guest/bench.sh" "$payload/run"
rc=0
"$VM/run-l1.sh" -k "$K_TESTBED" -p "$payload" -n bench -m 2G -s "$kit" -t 3000 || rc=$?
grep -v -E '^(P2PMIG-EXIT-STATUS|# testbed:)' "$LOGS/bench.out"
exit $rc
