#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run.sh: tests of the test bed's own checks, on samples, on the
# build host (host-tests.sh runs it; TAP on stdout, exit 1 on a failure):
#  - manifest.sh against a sample manifest and sample TAP: each way a run
#    can fall short of the manifest must be reported;
#  - bench-results.sh's dirty-tracking ratio, from medians, on a sample;
#  - the trace checks of guest/e2e.sh (the device's share of the downtime,
#    the replay before the switchover), run by busybox sh and awk as in the
#    guest, on a sample trace and variants of it.
set -uo pipefail
. "$(dirname "$0")/../config.sh"

T=$VM/tests
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check <description> <command...>
	local what=$1
	shift
	if "$@"; then
		echo "ok - test bed checks: $what"
	else
		echo "not ok - test bed checks: $what"
		failed=1
	fi
}

# --- bench-results.sh: the dirty-tracking ratio from medians -----------------
# medians: dirty 130 (300, 130, 128), back 110, no VF 100 (250, 90, 100)
bench_ratio() {
	: >"$tmp/bench.out"
	"$VM/bench-results.sh" "$tmp/bench.out" - 0 sample "$T/bench-dirty.sample" 0 >"$tmp/results" &&
		grep -q '^Downtime against the guest without a VF, medians: 1\.30x with device dirty tracking (1\.10x migrating back), no switchover with type1\.$' \
		"$tmp/results"
}
check "bench-results: the dirty-tracking ratio is taken from medians" bench_ratio

# --- manifest.sh ------------------------------------------------------------
manifest() {	# manifest <expected exit> <pattern> <manifest.sh arguments...>
	local want=$1 pat=$2 out rc
	shift 2
	out=$("$VM/manifest.sh" -m "$T/manifest.sample" "$@")
	rc=$?
	[ "$rc" = "$want" ] && grep -qE -- "$pat" <<<"$out" && return 0
	printf '%s\n' "$out" | sed 's/^/#   /'
	echo "#   exit $rc, wanted $want and a line matching: $pat"
	return 1
}
variant() {	# variant <name> <sed script>: the sample TAP, changed
	sed "$2" "$T/selftests.sample" >"$tmp/$1"
	echo "$tmp/$1"
}

s=$T/selftests.sample
check "manifest: the sample run matches its manifest" \
	manifest 0 '^ok - \[6\.12\] MANIFEST: a_test ran its 3 tests \(1 listed skips\)$' selftests 6.12 "$s"
check "manifest: a per-kernel count is held to (6.1 lists 2 tests)" \
	manifest 1 '^not ok - \[6\.1\] MANIFEST: a_test: .*ran 3 tests, MANIFEST lists 2' selftests 6.1 "$s"
check "manifest: a skip listed for other kernels only fails" \
	manifest 1 'a_test: .*f\.v\.t2 skipped \("no such feature here"\), not listed' selftests 6.1 "$s"
check "manifest: a missing binary fails" \
	manifest 1 '^not ok - \[7\.3\] MANIFEST: b_test: did not run$' \
	selftests 7.3 "$(variant nob '/begin b_test/,/end b_test/d')"
check "manifest: a binary that ran fewer tests fails" \
	manifest 1 'b_test: ran 1 tests, MANIFEST lists 2' \
	selftests 6.12 "$(variant fewer '/^not ok 2 g.t2/d')"
check "manifest: a binary that died before its totals fails" \
	manifest 1 'a_test: never finished; died before reporting its totals; ran 2 tests' \
	selftests 6.12 "$(variant died '/^ok 3 f.v.t3/,/end a_test/d')"
check "manifest: a skip with another reason fails" \
	manifest 1 'f\.v\.t2 skipped \("no device"\), not listed with that reason' \
	selftests 6.12 "$(variant reason 's/# SKIP no such feature here/# SKIP no device/')"
check "manifest: a binary not listed fails" \
	manifest 1 '^not ok - \[6\.12\] MANIFEST: c_test ran but is not listed$' \
	selftests 6.12 "$(variant extra 's/a_test/c_test/g')"
check "manifest: a binary that exited non-zero with every test ok fails" \
	manifest 1 'b_test: exited 1 with no failed test' \
	selftests 6.12 "$(variant exit 's/^not ok 2 g.t2/ok 2 g.t2/')"
check "manifest: host binaries are held to the host entries" \
	manifest 1 '^not ok - MANIFEST: h_test: did not run$' selftests host "$s"
printf 'RESULT s1 verdict=pass\n# RESULT s2 verdict=fail\n' >"$tmp/e2e-ok"
printf 'RESULT s1 verdict=pass\nRESULT s3 verdict=pass\n' >"$tmp/e2e-bad"
check "manifest: every listed scenario reported (pass or fail)" \
	manifest 0 '^ok - e2e: MANIFEST: its 2 scenarios reported' e2e "$tmp/e2e-ok"
check "manifest: a missing scenario fails" \
	manifest 1 '^not ok - e2e: MANIFEST: scenario s2 reported no RESULT$' e2e "$tmp/e2e-bad"
check "manifest: a scenario not listed fails" \
	manifest 1 '^not ok - e2e: MANIFEST: scenario s3 ran but is not listed$' e2e "$tmp/e2e-bad"
printf 'RESULT s9 verdict=pass\n' >"$tmp/e2e-other"
check "manifest: another e2e stage is held to its own scenarios only" \
	manifest 0 '^ok - e2e: MANIFEST: its 1 scenarios reported' e2e "$tmp/e2e-other" other
check "manifest: a scenario of another stage does not count in this one" \
	manifest 1 '^not ok - e2e: MANIFEST: scenario s9 ran but is not listed$' e2e "$tmp/e2e-other"
printf '#!/bin/sh\ngrep -v "^# [SPp]" "%s" >&2\n' "$T/list.sample" >"$tmp/lister"
chmod +x "$tmp/lister"
check "manifest: count reads a binary's -l listing (22 tests, variants times tests)" \
	test "$("$VM/manifest.sh" count "$tmp/lister")" = "lister 22"

real_manifest() {	# the real one has entries of each kind
	local k
	for k in guest host e2e; do
		grep -qE "^${k}[[:space:]]" "$TOP/tools/testing/selftests/vfio/MANIFEST" || return 1
	done
}
check "manifest: the real MANIFEST lists guest, host and e2e entries" real_manifest

# --- guest/e2e.sh's trace checks, by busybox as in the guest ----------------
bb=$CACHE/busybox/usr/bin/busybox
mkdir -p "$tmp/bin"
if [ -x "$bb" ]; then
	for a in sh awk grep sed cut tr cat; do ln -s "$bb" "$tmp/bin/$a"; done
fi
bbsh() {	# bbsh <function> <arguments...>: a function of guest/e2e.sh
	PATH=$tmp/bin "$tmp/bin/sh" -c '. "$0"; "$@"' "$VM/guest/e2e.sh" "$@"
}
check "trace: busybox from the cache runs" test -x "$tmp/bin/sh"

trace=$T/switchover-ack.trace
tvariant() {	# tvariant <name> <sed script>: the sample trace, changed
	sed "$2" "$trace" >"$tmp/$1"
	echo "$tmp/$1"
}
# share: PRE_COPY => PRE_COPY_P2P 35 + PRE_COPY_P2P => STOP_COPY 60 + read
# 20 + written 20 + RESUMING => STOP 128 + STOP => RUNNING_P2P 30 +
# RUNNING_P2P => RUNNING 6 us; not the arcs, not before the vCPUs stop, not
# STOP_COPY => STOP, not after the destination runs
share=$(bbsh e2e_device_share "$trace")
check "trace: device share counts PRE_COPY -> PRE_COPY_P2P to the destination's RUNNING (299 us, got $share)" \
	test "$share" = 299
share=$(bbsh e2e_device_share "$(tvariant nop2p '/PRE_COPY => PRE_COPY_P2P/d; /PRE_COPY -> PRE_COPY_P2P/d;
	s/PRE_COPY_P2P => STOP_COPY/PRE_COPY => STOP_COPY/')")
check "trace: without P2P the share starts at => STOP_COPY (264 us, got $share)" \
	test "$share" = 264
# waited: RESUMING => STOP 100 us; not RUNNING => RESUMING (200 us, before
# the vCPUs stop), not STOP_COPY => STOP (4 us, after the switchover)
share=$(bbsh e2e_device_share "$trace" waited)
check "trace: of the share, 100 us waited for a CPU, only within the share's span (got $share)" \
	test "$share" = 100

# sc_vfio_error: QEMU's own lines about a VFIO device, not its trace's,
# not its warning about dirty tracking
mkdir -p "$tmp/l2"
cat >"$tmp/l2/src.log" <<'LOG'
2026-12-06T15:00:00.000Z qemu-system-x86_64: -device vfio-pci,host=0000:01:10.0,id=vf0: warning: 0000:01:10.0: VFIO device doesn't support device and IOMMU dirty tracking
1234@1765033200.000000:vfio_migration_set_state  (0000:01:10.0) new state PRE_COPY, recover state ERROR
2026-12-06T15:00:01.000Z qemu-system-x86_64: failed to save SaveStateEntry with id(name): 1(ram): -5
2026-12-06T15:00:01.000Z qemu-system-x86_64: Channel error: Input/output error
LOG
{ cat "$tmp/l2/src.log"
  echo "2026-12-06T15:00:01.000Z qemu-system-x86_64: failed to save SaveStateEntry with id(name): 2(0000:00:03.0/vfio): -22"
} >"$tmp/l2/bad.log"
scsh() {	# scsh <function> <arguments...>: a function of guest/scenarios.sh
	L2DIR=$tmp/l2 PATH=$tmp/bin "$tmp/bin/sh" -c '. "$0"; "$@"' "$VM/guest/scenarios.sh" "$@"
}
err=$(scsh sc_vfio_error src)
check "scenarios: a RAM channel error, a trace's ERROR and the dirty tracking warning are no VFIO error (got '$err')" \
	test -z "$err"
err=$(scsh sc_vfio_error bad)
check "scenarios: a failed VFIO device save is a VFIO error" \
	grep -q '2(0000:00:03.0/vfio): -22' <<<"$err"

src=0000:01:10.0 dst=0000:02:10.0
order() {	# order <expected why pattern or ""> <trace>
	local why
	why=$(bbsh e2e_replay_order "$2" "$src" "$dst")
	if [ -z "$1" ]; then
		[ -z "$why" ] && return 0
	else
		grep -qE -- "$1" <<<"$why" && return 0
	fi
	echo "#   got: ${why:-(nothing)}; wanted: ${1:-(nothing)}"
	return 1
}
check "trace: replay before PRE_COPY -> PRE_COPY_P2P passes" order "" "$trace"
check "trace: no replay line fails, saying so" \
	order "^no p2pmig_step replay line for the destination VF $dst in the trace$" \
	"$(tvariant norep '/p2pmig_step/d')"
check "trace: a replay of another VF does not count" \
	order "^no p2pmig_step replay line" "$(tvariant other "s/p2pmig_step: $dst/p2pmig_step: $src/")"
check "trace: a failed replay fails" \
	order "replay failed \(ret=-110\)" "$(tvariant ret 's/replay 15700000 ns ret=0/replay 15700000 ns ret=-110/')"
check "trace: a replay ending after the source began PRE_COPY -> PRE_COPY_P2P fails" \
	order "replay ended at 302\.899990 s, after the source VF $src began PRE_COPY -> PRE_COPY_P2P at 302\.899965 s" \
	"$(tvariant late 's/301\.700000: p2pmig_step/302.899990: p2pmig_step/')"
check "trace: a source that never went PRE_COPY -> PRE_COPY_P2P fails" \
	order "^the source VF $src never went PRE_COPY -> PRE_COPY_P2P$" \
	"$(tvariant nosrc '/PRE_COPY => PRE_COPY_P2P/d')"

# --- guest/l2lib.sh's QMP helpers, by busybox, against the host's QEMU --------
# A QEMU whose main loop does not run for a while (SIGSTOP here; a
# migration's switchover holds it for seconds under TCG) must give a late
# answer or "noreply", never "none": "none" ends e2e_migrate's wait as if
# the migration had failed, while it still completes.
for a in mktemp rm sleep kill; do [ -x "$bb" ] && ln -s "$bb" "$tmp/bin/$a"; done
ln -s "$(command -v socat)" "$tmp/bin/socat" 2>/dev/null
l2sh() {	# l2sh <shell code>: run with guest/l2lib.sh, L2DIR=$tmp/l2
	PATH=$tmp/bin L2DIR=$tmp/l2 "$tmp/bin/sh" -c '. "$0"; L2DIR=$L2; eval "$1"' \
		"$VM/guest/l2lib.sh" "$1"
}
qmp_qemu() {	# a QEMU with nothing in it but QMP at $tmp/l2/q.qmp
	mkdir -p "$tmp/l2"
	qemu-system-x86_64 -machine none -nodefaults -display none \
		-qmp "unix:$tmp/l2/q.qmp,server=on,wait=off" </dev/null >"$tmp/l2/q.log" 2>&1 &
	echo $! >"$tmp/l2/q.pid"
	L2=$tmp/l2 l2sh 'l2_wait_qmp q 20'
}
stalled() {	# stalled <seconds> <shell code>: its output, QEMU stopped meanwhile
	local pid
	pid=$(cat "$tmp/l2/q.pid")
	kill -STOP "$pid"
	(sleep "$1"; kill -CONT "$pid") &
	L2=$tmp/l2 l2sh "$2"
	wait $!
}
if command -v qemu-system-x86_64 >/dev/null && command -v socat >/dev/null && qmp_qemu; then
	got=$(L2=$tmp/l2 l2sh 'l2_migrate_status q')
	check "qmp: a QEMU that never migrated has migration status none (got $got)" test "$got" = none
	L2=$tmp/l2 l2sh "l2_qmp q '{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"exec:cat >/dev/null\"}}'" >/dev/null
	got=$(stalled 6 'l2_migrate_status q')
	check "qmp: a QEMU that answers only after 6 s still gives its status (got $got)" test "$got" = completed
	# QEMU comes back well after the 2-3 s of L2_QMP_WAIT=2 and socat's
	# 3 s after that, however slowly the machine runs the loop
	got=$(stalled 15 'L2_QMP_WAIT=2 l2_migrate_status q')
	check "qmp: no answer within L2_QMP_WAIT is noreply, not none (got $got)" test "$got" = noreply
	got=$(L2=$tmp/l2 l2sh "l2_query q '{\"execute\":\"query-status\"}'")
	check "qmp: l2_query prints the command's reply, not qmp_capabilities' (got $got)" \
		grep -q '"status": "postmigrate"' <<<"$got"
	got=$(L2=$tmp/l2 l2sh "l2_query q '{\"execute\":\"no-such-command\"}'")
	check "qmp: l2_query prints an error reply (got $got)" grep -q '"CommandNotFound"' <<<"$got"
	L2=$tmp/l2 l2sh 'l2_quit q'
	check "qmp: l2_quit ends the QEMU" test ! -d "/proc/$(cat "$tmp/l2/q.pid")"
	got=$(L2=$tmp/l2 l2sh 'l2_migrate_status q')
	check "qmp: a QEMU that is gone is noreply (got $got)" test "$got" = noreply
else
	echo "not ok - test bed checks: qmp: a QEMU with QMP starts on the host (qemu-system-x86_64, socat)"
	failed=1
fi

exit $failed
