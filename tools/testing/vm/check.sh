#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh (`make check`): install the dependencies, build the module (and
# compile it against every supported kernel), build the tests, run the host
# tests, boot the test bed and run every test in it.  Prints TAP, the time
# of each stage, and ends with "N passed, N failed[, N skipped]"; exits
# non-zero if anything failed.
set -uo pipefail
. "$(dirname "$0")/config.sh"
. "$VM/tap.sh"

LOGS=$BUILD/logs
HOST_TAP=$LOGS/host.tap
GUEST_NAME=check
stage_times=()

stage() {	# stage <name> <command...>: run and time one stage
	local name=$1 t0=$SECONDS rc
	shift
	echo "=== $name"
	"$@"
	rc=$?
	stage_times+=("$name $((SECONDS - t0))s")
	return $rc
}

summary() {
	echo "=== stage times: ${stage_times[*]}"
	local line
	line=$(tap_count "$HOST_TAP" "$LOGS/$GUEST_NAME.out")
	echo "$line"
	case $line in
	*" 0 failed"*) exit 0 ;;
	*) exit 1 ;;
	esac
}

mkdir -p "$LOGS"
rm -f "$HOST_TAP" "$LOGS/$GUEST_NAME.out"

if ! stage deps "$VM/deps.sh"; then
	tap_result "$HOST_TAP" 1 "dependencies install"
	summary
fi
load_versions

build() {
	local k ko log rc=0
	for k in "$K_TESTBED" "$K_61" "$K_7"; do
		log=$LOGS/build-$k.log
		if ko=$("$VM/build-module.sh" "$k" 2>"$log"); then
			tap_result "$HOST_TAP" 0 "p2pmig builds against $k (W=1, -Werror)"
			[ "$k" = "$K_TESTBED" ] && TESTBED_KO=$ko
		else
			tap_result "$HOST_TAP" 1 "p2pmig builds against $k (W=1, -Werror)"
			tail -20 "$log"
			rc=1
		fi
	done
	log=$LOGS/build-selftests.log
	if make -s -C "$TOP/tools/testing/selftests/vfio" WERROR=1 \
		OUTPUT="$BUILD/selftests" >"$log" 2>&1; then
		tap_result "$HOST_TAP" 0 "selftests build (-Werror)"
	else
		tap_result "$HOST_TAP" 1 "selftests build (-Werror)"
		cat "$log"
		rc=1
	fi
	return $rc
}

host_tests() {
	"$VM/host-tests.sh" "$TESTBED_KO" | tee -a "$HOST_TAP"
}

testbed() {
	local payload=$BUILD/payload-$GUEST_NAME out=$LOGS/$GUEST_NAME.out rc
	if ! "$VM/mkinitramfs.sh" >/dev/null; then
		echo "not ok - test bed initramfs builds" >"$out"
		return 1
	fi
	rm -rf "$payload"
	mkdir -p "$payload/selftests"
	cp "$TESTBED_KO" "$payload/"
	cp "$BUILD"/selftests/guest/* "$payload/selftests/"
	cp "$VM/guest/selftests.sh" "$payload/run"
	"$VM/run-l1.sh" -p "$payload" -n "$GUEST_NAME" -t 1200
	rc=$?
	cat "$out"
	if [ $rc -ge 124 ]; then
		# the guest died or hung: a failure of its own, whatever TAP it printed
		echo "not ok - test bed guest ran to completion (run-l1 status $rc)" >>"$out"
		tail -40 "$LOGS/$GUEST_NAME.console"
	elif [ $rc != 0 ] && ! grep -q '^not ok' "$out"; then
		echo "not ok - test bed payload exited $rc without naming a failed test" >>"$out"
	fi
	return $rc
}

TESTBED_KO=
stage build build
stage host-tests host_tests
if [ -n "$TESTBED_KO" ] && [ -f "$TESTBED_KO" ]; then
	stage testbed testbed
else
	echo "not ok - test bed not booted: no module for $K_TESTBED" >>"$HOST_TAP"
fi
summary
