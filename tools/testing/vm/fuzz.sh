#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh (`make fuzz`): the long libFuzzer runs (a benchmark: it prints
# figures), one per target: p2pmig_stream_fuzz over the stream parser, and
# p2pmig_igbvf_fuzz over the igbvf record validation behind it.  Each:
# P2PMIG_FUZZ_RUNS executions (default 10 M) from the seed corpus (a real
# stream), one job, a fixed seed; prints executions, executions per second,
# coverage and crashes.  A crash input is left in build/fuzz/<target>/
# (keep it in tools/testing/selftests/vfio/fuzz/regressions/ once fixed).
# Fails on a crash.
set -euo pipefail
. "$(dirname "$0")/config.sh"

"$VM/deps.sh"
runs=${P2PMIG_FUZZ_RUNS:-10000000}
mkdir -p "$BUILD/logs"
make -s -C "$TOP/tools/testing/selftests/vfio" fuzz OUTPUT="$BUILD/selftests"
failed=0
for t in p2pmig_stream_fuzz p2pmig_igbvf_fuzz; do
	out=$BUILD/fuzz/$t
	corpus=$out/corpus
	log=$BUILD/logs/$t.log
	mkdir -p "$out" "$corpus"
	touch "$out/.start"
	cp "$TOP"/tools/testing/selftests/vfio/fuzz/seeds/*.bin "$corpus/"
	t0=$SECONDS
	rc=0
	(cd "$out" && "$BUILD/selftests/fuzz/$t" -runs="$runs" -seed=1 \
		-print_final_stats=1 "$corpus") >"$log" 2>&1 || rc=$?
	secs=$((SECONDS - t0))
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
	crashes=$(find "$out" -maxdepth 1 -name 'crash-*' -newer "$out/.start" | wc -l)
	echo "fuzz: $t, $runs executions in $secs s"
	echo "fuzz: $t: $(grep -E 'stat::average_exec_per_sec' "$log" | awk '{ print $2 }') executions/s"
	echo "fuzz: $t: coverage $(echo "$done_line" | grep -oE 'cov: [0-9]+ ft: [0-9]+') corpus $(echo "$done_line" | grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*')"
	echo "fuzz: $t: $crashes crashes (exit $rc)"
	[ "$rc" = 0 ] && [ "$crashes" = 0 ] || failed=1
done
exit $failed
