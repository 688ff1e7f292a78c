#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload entry for `make check`: prepare VFs, load p2pmig, run every
# selftest binary in ./selftests.  Output is TAP; the host counts it and
# checks it against tools/testing/selftests/vfio/MANIFEST.
. /testbed/lib.sh

tap_check "test bed: two igb PFs up, 4 VFs each, VFIO loaded" testbed_setup 4 || exit 1
if debug_kernel; then
	tap_check "kmemleak runs and forgets what boot left" kmemleak_forget || exit 1
fi
tap_check "p2pmig installs with depmod and loads by name" install_p2pmig ./p2pmig.ko || exit 1

# roles: A, B on PF0; C, D on PF1; SPARE (PF0) and SPARE2 (PF1) are bound
# and unbound by tests
P2PMIG_VF_A=$(vf_of "$PF0" 0)
P2PMIG_VF_B=$(vf_of "$PF0" 1)
P2PMIG_VF_C=$(vf_of "$PF1" 0)
P2PMIG_VF_D=$(vf_of "$PF1" 1)
P2PMIG_VF_SPARE=$(vf_of "$PF0" 3)
P2PMIG_VF_SPARE2=$(vf_of "$PF1" 3)
# E, F: bound only by the fuzz test, which no traffic test may follow on
# the same VF (QEMU's model keeps a queue's transmit state across an FLR)
P2PMIG_VF_E=$(vf_of "$PF0" 2)
P2PMIG_VF_F=$(vf_of "$PF1" 2)
export P2PMIG_VF_A P2PMIG_VF_B P2PMIG_VF_C P2PMIG_VF_D P2PMIG_VF_SPARE P2PMIG_VF_SPARE2
export P2PMIG_VF_E P2PMIG_VF_F
# the bed's shape, for tests that take it apart and put it back
P2PMIG_PF0=$PF0 P2PMIG_PF1=$PF1 P2PMIG_NUMVFS=4
export P2PMIG_PF0 P2PMIG_PF1 P2PMIG_NUMVFS
bind_all() {
	for vf in $P2PMIG_VF_A $P2PMIG_VF_B $P2PMIG_VF_C $P2PMIG_VF_D; do
		bind_dev "$vf" p2pmig || return 1
	done
}
tap_check "4 VFs on two PFs bind to p2pmig through driver_override" bind_all || exit 1
log "VFs: A=$P2PMIG_VF_A B=$P2PMIG_VF_B C=$P2PMIG_VF_C D=$P2PMIG_VF_D SPARE=$P2PMIG_VF_SPARE"
log "setup done at $(cut -d' ' -f1 /proc/uptime)s"

# stress and fuzz: longer on the debug kernel, where the checkers watch;
# its fuzz run takes new streams each time (a seed from the kernel's
# random pool, printed by the test: P2PMIG_FUZZ_SEED replays it), so that
# the runs add up instead of repeating seed 1's
if debug_kernel; then
	P2PMIG_STRESS_SECONDS=${P2PMIG_STRESS_SECONDS:-60}
	P2PMIG_FUZZ_STREAMS=${P2PMIG_FUZZ_STREAMS:-4000}
	uuid=$(cat /proc/sys/kernel/random/uuid)
	P2PMIG_FUZZ_SEED=${P2PMIG_FUZZ_SEED:-$((0x${uuid%%-*}))}
else
	P2PMIG_STRESS_SECONDS=${P2PMIG_STRESS_SECONDS:-20}
	P2PMIG_FUZZ_STREAMS=${P2PMIG_FUZZ_STREAMS:-1000}
	P2PMIG_FUZZ_SEED=${P2PMIG_FUZZ_SEED:-1}
fi
export P2PMIG_STRESS_SECONDS P2PMIG_FUZZ_STREAMS P2PMIG_FUZZ_SEED
log "fuzz: $P2PMIG_FUZZ_STREAMS streams, seed $P2PMIG_FUZZ_SEED"

# each binary's TAP between markers: the host holds it to the MANIFEST
fail=0
for t in ./selftests/*; do
	[ -x "$t" ] || continue
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo "# p2pmig-selftest: begin ${t##*/}"
	kselftest_run "$t"
	rc=$?
	echo "# p2pmig-selftest: end ${t##*/} exit=$rc"
	log "${t##*/} ran from ${t0}s to $(cut -d' ' -f1 /proc/uptime)s"
	[ $rc = 0 ] || fail=1
done
tap_check "kernel log has no WARN, BUG, Oops or checker report" kernel_log_is_clean || fail=1
if debug_kernel; then
	tap_check "kmemleak finds no leak" kmemleak_is_clean || fail=1
fi
log "tests done at $(cut -d' ' -f1 /proc/uptime)s"
exit $fail
