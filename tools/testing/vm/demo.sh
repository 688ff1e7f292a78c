#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh (`make demo`): install what is missing, build, boot the test bed
# with VFs bound to p2pmig and show them working through VFIO.
set -euo pipefail
. "$(dirname "$0")/config.sh"

"$VM/deps.sh"
load_versions
ko=$("$VM/build-module.sh" "$K_TESTBED" 2>"$BUILD/build-demo.log") ||
	{ cat "$BUILD/build-demo.log"; exit 1; }
make -s -C "$TOP/tools/testing/selftests/vfio" OUTPUT="$BUILD/selftests"
"$VM/mkinitramfs.sh" >/dev/null

payload=$BUILD/payload-demo
rm -rf "$payload"
mkdir -p "$payload/selftests"
cp "$ko" "$payload/"
cp "$BUILD/selftests/guest/p2pmig_device_test" "$payload/selftests/"
cp "$VM/guest/demo.sh" "$payload/run"
rc=0
"$VM/run-l1.sh" -p "$payload" -n demo -t 600 || rc=$?
grep -v '^P2PMIG-EXIT-STATUS' "$BUILD/logs/demo.out"
echo "demo: guest console in $BUILD/logs/demo.console"
exit $rc
