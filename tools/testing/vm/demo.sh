#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh (`make demo`): install what is missing, build, boot the test bed
# and live-migrate a nested guest that pings through an assigned VF from
# one PF's VF to the other's (guest/demo.sh); print what happened.
set -euo pipefail
. "$(dirname "$0")/config.sh"

LOGS=$BUILD/logs
mkdir -p "$LOGS"	# a fresh clone has no build/
"$VM/deps.sh"
load_versions
ko=$("$VM/build-module.sh" "$K_TESTBED" 2>"$LOGS/build-demo.log") ||
	{ cat "$LOGS/build-demo.log"; exit 1; }
"$VM/mkinitramfs.sh" "$K_TESTBED" >/dev/null
kit=$("$VM/mkl2.sh" 2>"$LOGS/mkl2.log") || { cat "$LOGS/mkl2.log"; exit 1; }

payload=$BUILD/payload-demo
rm -rf "$payload"
mkdir -p "$payload"
cp "$ko" "$payload/"
cp "$VM/guest/demo.sh" "$payload/run"
rc=0
"$VM/run-l1.sh" -k "$K_TESTBED" -p "$payload" -n demo -m 2G -s "$kit" -t 2400 || rc=$?
grep -E '^demo:' "$LOGS/demo.out" || tail -20 "$LOGS/demo.out"
echo "demo: logs in $LOGS/demo.{out,console}; exit $rc"
exit $rc
