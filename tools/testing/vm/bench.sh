#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (`make bench`): in the test bed, two parts:
#  - on the main kernel, the QEMU end-to-end scenarios, then the arc
#    benchmark (build/logs/bench.out);
#  - on a kernel with DMA logging (Debian's 6.1), the Linux guest with
#    device dirty tracking, with dirty_tracking=0 and without a VF, then
#    the doorbell benchmark (build/logs/bench-dirty.out);
# print their figures and write them to bench/RESULTS.md.  Fails if a
# scenario or a benchmark failed.  P2PMIG_BENCH="main" or "dirty" runs one
# part only (development: RESULTS.md then says the other did not run).
set -euo pipefail
. "$(dirname "$0")/config.sh"

LOGS=$BUILD/logs
mkdir -p "$LOGS"	# a fresh clone has no build/
"$VM/deps.sh"
load_versions
parts=${P2PMIG_BENCH:-main dirty}
make -s -C "$TOP/bench" OUTPUT="$BUILD/bench"
kit=$("$VM/mkl2.sh" 2>"$LOGS/mkl2.log") || { cat "$LOGS/mkl2.log"; exit 1; }
commit=$("$VM/bench-results.sh" --commit)
t0=$SECONDS

# part <name> <kernel> <payload script> <benchmark>: one boot of the test bed
part() {
	local name=$1 k=$2 script=$3 bench=$4 ko payload=$BUILD/payload-$1 rc=0
	rm -f "$LOGS/$name.out"
	ko=$("$VM/build-module.sh" "$k" 2>"$LOGS/build-$name.log") ||
		{ cat "$LOGS/build-$name.log"; return 1; }
	"$VM/mkinitramfs.sh" "$k" >/dev/null
	rm -rf "$payload"
	mkdir -p "$payload/bench"
	cp "$ko" "$payload/"
	cp "$BUILD/bench/$bench" "$payload/bench/"
	cp "$VM/guest/$script" "$payload/run"
	"$VM/run-l1.sh" -k "$k" -p "$payload" -n "$name" -m 2G -s "$kit" -t 3000 || rc=$?
	grep -v -E '^(P2PMIG-EXIT-STATUS|# testbed:)' "$LOGS/$name.out" || true
	return $rc
}

rc=0 rc_main=- rc_dirty=-
case " $parts " in *" main "*)
	rc_main=0
	part bench "$K_TESTBED" bench.sh p2pmig_arc_bench || rc_main=$?
	;;
esac
case " $parts " in *" dirty "*)
	rc_dirty=0
	part bench-dirty "$K_61" bench-dirty.sh p2pmig_doorbell_bench || rc_dirty=$?
	;;
esac
for r in $rc_main $rc_dirty; do
	[ "$r" = - ] || [ "$r" = 0 ] || rc=$r
done
# bench/RESULTS.md is this run's, whatever its outcome (its header says)
"$VM/bench-results.sh" "$LOGS/bench.out" "$rc_main" $((SECONDS - t0)) "$commit" \
	"$LOGS/bench-dirty.out" "$rc_dirty" >"$TOP/bench/RESULTS.md.new" &&
	mv "$TOP/bench/RESULTS.md.new" "$TOP/bench/RESULTS.md" &&
	echo "bench: wrote bench/RESULTS.md (exit $rc)"
exit "$rc"
