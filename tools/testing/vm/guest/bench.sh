#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make bench`: prepare VFs, load p2pmig, run every benchmark in
# ./bench with the VF roles of the selftests.
. /testbed/lib.sh

testbed_setup 4 || exit 1
install_p2pmig ./p2pmig.ko || exit 1
P2PMIG_VF_A=$(vf_of "$PF0" 0)
P2PMIG_VF_C=$(vf_of "$PF1" 0)
export P2PMIG_VF_A P2PMIG_VF_C
for vf in $P2PMIG_VF_A $P2PMIG_VF_C; do
	bind_dev "$vf" p2pmig || exit 1
done
rc=0
for b in ./bench/*; do
	[ -x "$b" ] || continue
	"$b" || rc=1
done
exit $rc
