# SPDX-License-Identifier: GPL-2.0
# Shared settings of the p2pmig test bed scripts (sourced, not run).
# shellcheck shell=bash disable=SC2034
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VM=$TOP/tools/testing/vm
CACHE=${P2PMIG_CACHE:-$TOP/.cache}
BUILD=${P2PMIG_BUILD:-$TOP/build}

# load_versions: K_TESTBED (booted), K_61 and K_7 (compile checks only)
load_versions() {
	[ -f "$CACHE/versions" ] || { echo "run $VM/deps.sh first" >&2; return 1; }
	. "$CACHE/versions"
	KIMAGE=$CACHE/kernels/$K_TESTBED/image
}

# kdir <kver>: the kbuild directory of an extracted kernel
kdir() {
	case $1 in
	"$K_7") echo "/usr/src/linux-headers-$1" ;;	# inside $CACHE/trixie
	*) echo "$CACHE/kernels/$1/hdr/usr/src/linux-headers-$1" ;;
	esac
}
