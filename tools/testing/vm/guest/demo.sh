#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload of `make demo`: the test bed with one VF per PF bound to p2pmig
# and probed through VFIO.  (The live-migration demo replaces this once the
# migration core lands.)
. /testbed/lib.sh

testbed_setup 4 || exit 1
install_p2pmig ./p2pmig.ko || exit 1
A=$(vf_of "$PF0" 0)
C=$(vf_of "$PF1" 0)
for vf in $A $C; do
	bind_dev "$vf" p2pmig || exit 1
	echo "$vf: $(pci_id "$vf") driver=$(pci_drv "$vf") iommu_group=$(basename "$(readlink "/sys/bus/pci/devices/$vf/iommu_group")") PF=$(basename "$(readlink "/sys/bus/pci/devices/$vf/physfn")")"
done
echo "modules.alias: $(grep p2pmig "/lib/modules/$(uname -r)/modules.alias")"
P2PMIG_VF_A=$A ./selftests/p2pmig_device_test
