#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh (`make fuzz`): the long libFuzzer run over p2pmig's stream parser
# (a benchmark: it prints figures).  P2PMIG_FUZZ_RUNS executions (default
# 10 M) from the seed corpus (a real stream), one job, a fixed seed;
# prints executions, executions per second, coverage and crashes.  A crash
# input is left in build/fuzz/ (keep it in
# tools/testing/selftests/vfio/fuzz/regressions/ once fixed).  Fails on a
# crash.
set -euo pipefail
. "$(dirname "$0")/config.sh"

"$VM/deps.sh"
runs=${P2PMIG_FUZZ_RUNS:-10000000}
out=$BUILD/fuzz
corpus=$out/corpus
mkdir -p "$out" "$corpus" "$BUILD/logs"
make -s -C "$TOP/tools/testing/selftests/vfio" fuzz OUTPUT="$BUILD/selftests"
cp "$TOP"/tools/testing/selftests/vfio/fuzz/seeds/*.bin "$corpus/"
log=$BUILD/logs/fuzz.log
t0=$SECONDS
rc=0
(cd "$out" && "$BUILD/selftests/fuzz/p2pmig_stream_fuzz" -runs="$runs" -seed=1 \
	-print_final_stats=1 "$corpus") >"$log" 2>&1 || rc=$?
secs=$((SECONDS - t0))
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
crashes=$(find "$out" -maxdepth 1 -name 'crash-*' -newer "$corpus" | wc -l)
echo "fuzz: p2pmig_stream_fuzz, $runs executions in $secs s"
echo "fuzz: $(grep -E 'stat::average_exec_per_sec' "$log" | awk '{ print $2 }') executions/s"
echo "fuzz: coverage $(echo "$done_line" | grep -oE 'cov: [0-9]+ ft: [0-9]+') corpus $(echo "$done_line" | grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*')"
echo "fuzz: $crashes crashes (exit $rc)"
[ "$rc" = 0 ] && [ "$crashes" = 0 ]
