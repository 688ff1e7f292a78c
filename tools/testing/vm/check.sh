#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh (`make check`): install the dependencies, build the module (and
# compile it against every supported kernel), build the tests, run the host
# tests, boot the test bed and run every test in it; what ran is held to
# tools/testing/selftests/vfio/MANIFEST (manifest.sh).  Prints TAP, the
# time of each stage, and ends with "N passed, N failed[, N skipped]";
# exits non-zero if anything failed.
set -uo pipefail
. "$(dirname "$0")/config.sh"
. "$VM/tap.sh"

LOGS=$BUILD/logs
HOST_TAP=$LOGS/host.tap
stage_times=()
declare -A KO=()

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
	line=$(tap_count "$HOST_TAP" "$LOGS"/check-*.tap)
	echo "$line"
	case $line in
	*" 0 failed"*) exit 0 ;;
	*) exit 1 ;;
	esac
}

mkdir -p "$LOGS"
rm -f "$HOST_TAP" "$LOGS"/check-*

if ! stage deps "$VM/deps.sh"; then
	tap_result "$HOST_TAP" 1 "dependencies install"
	summary
fi
load_versions

# build_module <kver>: p2pmig against one kernel, a TAP line, KO[<kver>]
build_module() {
	local k=$1 log=$LOGS/build-$1.log ko
	if ko=$("$VM/build-module.sh" "$k" 2>"$log"); then
		tap_result "$HOST_TAP" 0 "p2pmig builds against $k (W=1, -Werror)"
		KO[$k]=$ko
	else
		tap_result "$HOST_TAP" 1 "p2pmig builds against $k (W=1, -Werror)"
		tail -20 "$log"
		return 1
	fi
}

build() {
	local k log rc=0
	for k in "$K_TESTBED" "$K_61" "$K_7"; do
		build_module "$k" || rc=1
	done
	log=$LOGS/build-selftests.log
	# the harness is in the cache, wherever P2PMIG_CACHE puts it
	if make -s -C "$TOP/tools/testing/selftests/vfio" WERROR=1 \
		KSFT_DIR="$CACHE/src/tools/testing/selftests" \
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
	"$VM/host-tests.sh" "${KO[$K_TESTBED]}" | tee -a "$HOST_TAP"
}

# packaging: the Debian package in clean Debian roots (packaging.sh); the
# 6.12 and 7.x test beds then boot the modules DKMS built there
declare -A DKMS_KO=()
packaging() {
	local out=$BUILD/dkms k rc
	"$VM/packaging.sh" "$out" | tee -a "$HOST_TAP"
	rc=${PIPESTATUS[0]}
	for k in "$K_TESTBED" "$K_7"; do
		if [ -s "$out/$k/p2pmig.ko" ]; then
			KO[$k]=$out/$k/p2pmig.ko
			DKMS_KO[$k]=$out/$k/p2pmig.ko
		else
			rc=1
		fi
	done
	return $rc
}

# Host-only work of later stages - the debug kernel's build, the Debian
# roots with libvirt and with QEMU 11 - runs in the background beside the
# test beds, which keep one core busy with TCG: niced, so that TCG keeps
# its core.  The stages that need a product wait for the background first;
# then their own call finds it made (or makes it, and reports a failure
# with its log).
BG_PID=
background() {
	case " ${P2PMIG_KERNELS:-debug} " in
	*" debug "*) nice -n 10 "$VM/build-debug-kernel.sh" ;;
	esac
	case " ${P2PMIG_KERNELS:-e2e-dirty} " in
	*" e2e-dirty "*) nice -n 10 "$VM/qemu-root.sh" -l bookworm ;;
	esac
	case " ${P2PMIG_KERNELS:-e2e-qemu11} " in
	*" e2e-qemu11 "*) nice -n 10 "$VM/qemu-root.sh" trixie ;;
	esac
}
background_wait() {
	[ -n "$BG_PID" ] || return 0
	wait "$BG_PID"
	BG_PID=
}
kill_tree() {	# kill_tree <pid>: a process and all its descendants
	local c
	for c in $(pgrep -P "$1"); do
		kill_tree "$c"
	done
	kill "$1" 2>/dev/null
}

# debug_kernel: build the debug kernel (cached) and p2pmig against it
debug_kernel() {
	local log=$LOGS/debug-kernel.log
	background_wait
	if ! K_DEBUG=$("$VM/build-debug-kernel.sh" 2>"$log"); then
		tap_result "$HOST_TAP" 1 "debug kernel builds (lockdep, KASAN, UBSAN, kmemleak)"
		cat "$log"
		return 1
	fi
	cat "$log"
	tap_result "$HOST_TAP" 0 "debug kernel $K_DEBUG builds (lockdep, KASAN, UBSAN, kmemleak)"
	build_module "$K_DEBUG"
}

# what the kernel prints when a checker fires (as in guest/lib.sh)
KERNEL_REPORTS='WARNING:|BUG:|Oops|general protection|Call Trace:|UBSAN:|INFO: task .* blocked for more than|possible recursive locking|inconsistent lock state|kmemleak: .*new suspected'

# testbed <kver> [run-l1 args]: boot the test bed on one kernel, run every
# guest test
testbed() {
	local k=$1 name tap out payload rc
	shift
	name=check-$(kshort "$k")
	out=$LOGS/$name.out
	tap=$LOGS/$name.tap
	payload=$BUILD/payload-$name
	if [ -z "${KO[$k]:-}" ]; then
		echo "not ok - test bed on $k: no module built" >"$tap"
		return 1
	fi
	if ! "$VM/mkinitramfs.sh" "$k" >/dev/null; then
		echo "not ok - test bed initramfs for $k builds" >"$tap"
		return 1
	fi
	rm -rf "$payload"
	mkdir -p "$payload/selftests"
	cp "${KO[$k]}" "$payload/"
	if [ -n "${DKMS_KO[$k]:-}" ]; then
		echo "# test bed on $k: the module DKMS built (${KO[$k]})"
	fi
	cp "$BUILD"/selftests/guest/* "$payload/selftests/"
	cp "$VM/guest/selftests.sh" "$payload/run"
	"$VM/run-l1.sh" -k "$k" -p "$payload" -n "$name" -t 1200 "$@"
	rc=$?
	# the same tests run on every kernel: say which in each result line
	sed -E "s/^(ok|not ok) ([0-9]+ )?(- )?/\1 \2\3[$(kshort "$k")] /" "$out" >"$tap"
	case $k in
	*-p2pmig-debug)
		# the console has the whole boot-to-poweroff log (loglevel 5:
		# warnings and worse), also what came after the payload's scan
		if grep -E "$KERNEL_REPORTS" "$LOGS/$name.console" >"$LOGS/$name.reports"; then
			echo "not ok - [$(kshort "$k")] console has no checker report (lockdep, KASAN, UBSAN, hung task, lockup)" >>"$tap"
			head -60 "$LOGS/$name.reports"
		else
			echo "ok - [$(kshort "$k")] console has no checker report (lockdep, KASAN, UBSAN, hung task, lockup)" >>"$tap"
		fi
		;;
	esac
	cat "$tap"
	# every binary of the MANIFEST ran all its tests, skips as listed
	"$VM/manifest.sh" selftests "$(kshort "$k")" "$out" | tee -a "$tap"
	if [ $rc -ge 124 ]; then
		# the guest died or hung: a failure of its own, whatever TAP it printed
		echo "not ok - [$(kshort "$k")] test bed guest ran to completion (run-l1 status $rc)" >>"$tap"
		tail -40 "$LOGS/$name.console"
	elif [ $rc != 0 ] && ! grep -q '^not ok' "$tap"; then
		echo "not ok - [$(kshort "$k")] test bed payload exited $rc without naming a failed test" >>"$tap"
	fi
	return $rc
}

# e2e <stage> <kernel> <payload script> [QEMU root]: QEMU in the test bed
# migrates nested guests.  Stage "e2e" runs the scenarios on the main kernel
# (they test p2pmig with QEMU, the kernels are covered above); "e2e-dirty"
# runs the Linux scenario with device dirty tracking, on a kernel that has
# DMA logging (Debian's 6.1); "e2e-qemu11" runs scenarios with the QEMU of
# a root (qemu-root.sh: trixie-backports' QEMU 11) on 7.x.  E2E_SYSROOT: a
# root shared with the guest as /sysroot (libvirt for the e2e-dirty stage).
e2e() {
	local stage=$1 k=$2 script=$3 qroot=${4:-} name=check-$1 tap out payload kit rc sysroot=()
	out=$LOGS/$name.out
	tap=$LOGS/$name.tap
	payload=$BUILD/payload-$name
	if [ -n "$qroot" ]; then
		kit=$(P2PMIG_QEMU_ROOT=$qroot P2PMIG_QEMU= P2PMIG_L2KIT=$BUILD/l2kit-$stage \
			"$VM/mkl2.sh" 2>"$LOGS/mkl2-$stage.log")
	else
		kit=$("$VM/mkl2.sh" 2>"$LOGS/mkl2-$stage.log")
	fi
	rc=$?
	if [ -z "${KO[$k]:-}" ] || [ $rc != 0 ] || ! "$VM/mkinitramfs.sh" "$k" >/dev/null; then
		echo "not ok - $stage: module, L2 kit and initramfs build" >"$tap"
		cat "$LOGS/mkl2-$stage.log"
		return 1
	fi
	rm -rf "$payload"
	mkdir -p "$payload"
	cp "${KO[$k]}" "$payload/"
	cp "$VM/guest/$script" "$payload/run"
	[ -z "${E2E_SYSROOT:-}" ] || sysroot=(-r "$E2E_SYSROOT")
	"$VM/run-l1.sh" -k "$k" -p "$payload" -n "$name" -m 2G -s "$kit" -t 2400 "${sysroot[@]}"
	rc=$?
	grep -E '^(ok|not ok|# RESULT)' "$out" >"$tap"
	cat "$tap"
	# a failed scenario's own account (QEMU, the L2 consoles, p2pmig's arcs)
	grep -q '^not ok' "$tap" && grep '^#   ' "$out" | tail -100
	# every scenario of the MANIFEST reported
	"$VM/manifest.sh" e2e "$out" "$stage" | tee -a "$tap"
	if [ $rc -ge 124 ]; then
		echo "not ok - $stage: test bed guest ran to completion (run-l1 status $rc)" >>"$tap"
		tail -40 "$LOGS/$name.console"
	elif [ $rc != 0 ] && ! grep -q '^not ok' "$tap"; then
		echo "not ok - $stage: payload exited $rc without naming a failed test" >>"$tap"
	fi
	return $rc
}

stage build build
stage host-tests host_tests
background >"$LOGS/background.log" 2>&1 &
BG_PID=$!
trap '[ -z "$BG_PID" ] || kill_tree "$BG_PID"' EXIT
# P2PMIG_KERNELS="packaging 6.12 7.3 debug e2e" limits the stages
# (development; CI runs all)
case " ${P2PMIG_KERNELS:-packaging} " in
*" packaging "*) stage packaging packaging ;;
esac
for k in $K_ALL; do
	case " ${P2PMIG_KERNELS:-$(kshort "$k")} " in
	*" $(kshort "$k") "*) stage "testbed-$(kshort "$k")" testbed "$k" ;;
	esac
done
# the debug kernel (lockdep, KASAN, UBSAN, kmemleak): every guest test again
case " ${P2PMIG_KERNELS:-debug} " in
*" debug "*)
	if stage debug-kernel debug_kernel; then
		stage "testbed-$(kshort "$K_DEBUG")" testbed "$K_DEBUG" -A loglevel=5 -t 1800
	fi
	;;
esac
case " ${P2PMIG_KERNELS:-e2e} " in
*" e2e "*) stage e2e e2e e2e "$K_TESTBED" e2e-check.sh ;;
esac

# e2e_dirty: the Linux scenario with device dirty tracking on Debian 12's
# 6.1, then libvirt from bookworm-backports (qemu-root.sh -l) assigning a
# VF, saving, restoring
e2e_dirty() {
	local root
	background_wait
	if ! root=$("$VM/qemu-root.sh" -l bookworm 2>"$LOGS/libvirt-root.log"); then
		echo "not ok - e2e-dirty: a root with bookworm-backports' libvirt (qemu-root.sh -l)" |
			tee "$LOGS/check-libvirt-root.tap"
		tail -20 "$LOGS/libvirt-root.log"
		root=
	fi
	E2E_SYSROOT=$root e2e e2e-dirty "$K_61" e2e-dirty-check.sh
}
case " ${P2PMIG_KERNELS:-e2e-dirty} " in
*" e2e-dirty "*) stage e2e-dirty e2e_dirty ;;
esac

# e2e_qemu11: the scenarios again, with QEMU 11 as the client, on 7.x
e2e_qemu11() {
	local root
	background_wait
	if ! root=$("$VM/qemu-root.sh" trixie 2>"$LOGS/qemu-root.log"); then
		echo "not ok - e2e-qemu11: a root with trixie-backports' QEMU (qemu-root.sh)" |
			tee "$LOGS/check-e2e-qemu11.tap"
		tail -20 "$LOGS/qemu-root.log"
		return 1
	fi
	e2e e2e-qemu11 "$K_7" e2e-qemu11-check.sh "$root"
}
case " ${P2PMIG_KERNELS:-e2e-qemu11} " in
*" e2e-qemu11 "*) stage e2e-qemu11 e2e_qemu11 ;;
esac
summary
