#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (`make bench`): in the test bed on the main kernel, run the QEMU
# end-to-end scenarios, then the benchmarks of bench/, print their figures
# (build/logs/bench.out) and write them to bench/RESULTS.md.  Fails if a
# scenario or a benchmark failed.
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
t0=$SECONDS
commit=$("$VM/bench-results.sh" --commit)
"$VM/run-l1.sh" -k "$K_TESTBED" -p "$payload" -n bench -m 2G -s "$kit" -t 3000 || rc=$?
grep -v -E '^(P2PMIG-EXIT-STATUS|# testbed:)' "$LOGS/bench.out" || true
# bench/RESULTS.md is this run's, whatever its outcome (its header says)
"$VM/bench-results.sh" "$LOGS/bench.out" "$rc" $((SECONDS - t0)) "$commit" \
	>"$TOP/bench/RESULTS.md.new" &&
	mv "$TOP/bench/RESULTS.md.new" "$TOP/bench/RESULTS.md" &&
	echo "bench: wrote bench/RESULTS.md (exit $rc)"
exit $rc
