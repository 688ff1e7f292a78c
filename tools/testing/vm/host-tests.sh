#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host-tests.sh <p2pmig.ko>: the tests that need no guest.  TAP on stdout.
set -uo pipefail
. "$(dirname "$0")/config.sh"

ko=$1
n=0 failed=0
result() {	# result <rc> <description>
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

# checkpatch --strict from Debian's linux-source, over every C file we own.
# Ignored, and only where named: version tests in compat.h (its purpose),
# the TRACE_EVENT() layout in trace.h (the kernel's own idiom), the ABI's
# own CamelCase name in the uAPI overlay and libFuzzer's entry point, and
# in userspace tests BIT() (a kernel macro), volatile (MMIO through an mmap)
# and stdint types (bench/ is userspace too; checkpatch exempts only tools/
# from that).
# A missing or broken checkpatch must not pass for a clean tree: it must
# first find the fault planted in a canary file, and then exit 0 on ours.
CHECKPATCH=$CACHE/src/scripts/checkpatch.pl
checkpatch() {	# checkpatch <ignore types> <files...>
	local ignore=$1
	shift
	[ $# -gt 0 ] || return 0
	perl "$CHECKPATCH" --strict --no-tree --quiet --show-types \
		--ignore "FILE_PATH_CHANGES${ignore:+,$ignore}" -f "$@" 2>&1
}
cd "$TOP" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '// SPDX-License-Identifier: GPL-2.0\nint canary(int a)\n{\n\treturn a; \n}\n' >"$tmp/canary.c"
out=$(checkpatch "" "$tmp/canary.c")
crc=$?
rc=0
if [ $crc = 0 ] || ! grep -q '^ERROR:TRAILING_WHITESPACE:' <<<"$out"; then
	rc=1
	echo "# checkpatch ($CHECKPATCH) exited $crc on a canary with trailing whitespace and said:"
	echo "$out" | head -20 | sed 's/^/# /'
fi
result $rc "checkpatch works: it reports the trailing whitespace of a canary file"

mapfile -t cfiles < <(git ls-files -co --exclude-standard -- '*.c' '*.h')
drv=() tools=() compat=() uapi=() trace=() fuzz=()
for f in "${cfiles[@]}"; do
	case $f in
	*/compat.h) compat+=("$f") ;;
	tools/testing/selftests/vfio/fuzz/*) fuzz+=("$f") ;;
	*/trace.h) trace+=("$f") ;;
	include/uapi/*) uapi+=("$f") ;;
	tools/*|bench/*) tools+=("$f") ;;
	*) drv+=("$f") ;;
	esac
done
rc=0
: >"$tmp/checkpatch.out"
for set in "|drv" "LINUX_VERSION_CODE,CONSTANT_COMPARISON|compat" \
	   "OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT|trace" "CAMELCASE|uapi" \
	   "BIT_MACRO,VOLATILE,PREFER_KERNEL_TYPES|tools" \
	   "CAMELCASE,PREFER_KERNEL_TYPES|fuzz"; do
	declare -n files=${set#*|}
	checkpatch "${set%|*}" "${files[@]}" >>"$tmp/checkpatch.out" || rc=1
	unset -n files
done
if [ ${#cfiles[@]} = 0 ] || grep -qE '^(ERROR|WARNING|CHECK):' "$tmp/checkpatch.out"; then
	rc=1
fi
[ $rc = 0 ] || sed 's/^/# /' "$tmp/checkpatch.out"
result $rc "checkpatch --strict exits 0 and is clean on ${#cfiles[@]} C files"

# driver_override only: the alias libvirt/driverctl look up, and no plain
# one.  modinfo must have read the module: no alias at all is a failure.
aliases=$(modinfo -F alias "$ko" 2>&1)
mrc=$?
[ $mrc = 0 ] || echo "$aliases" | head -5 | sed 's/^/# /'
[ $mrc = 0 ] && [ -n "$aliases" ]
result $? "modinfo reads the aliases of $(basename "$ko")"
[ $mrc = 0 ] && grep -qx 'vfio_pci:v00008086d000010CAsv\*sd\*bc\*sc\*i\*' <<<"$aliases"
result $? "module carries the vfio_pci: alias for 8086:10ca"
[ $mrc = 0 ] && [ -n "$aliases" ] && ! grep -q '^pci:' <<<"$aliases"
result $? "module has no plain pci: alias (binds only through driver_override)"

# the driver's pure code, built from its own sources (kselftest TAP): each
# binary's TAP between markers, held to the MANIFEST like the guest's
all=$BUILD/logs/host-selftests.out
: >"$all"
for t in "$BUILD"/selftests/host/*; do
	[ -x "$t" ] || continue
	b=$(basename "$t")
	log=$BUILD/logs/$b.tap
	"$t" >"$log" 2>&1
	trc=$?
	[ $trc = 0 ] || failed=1
	{ echo "# p2pmig-selftest: begin $b"; cat "$log"; echo "# p2pmig-selftest: end $b exit=$trc"; } >>"$all"
	# nest the binary's own TAP as a comment, keep its test lines
	grep -E '^(ok|not ok) ' "$log" | sed "s/^\(ok\|not ok\) [0-9]* /\1 - $b: /"
	grep -q '^# Totals:' "$log" ||
		{ echo "not ok - $b died before reporting"; failed=1; }
	grep -v -E '^(ok|not ok) ' "$log" | grep -E '^#.*(:[0-9]+:|FAIL)' | head -20
done
"$VM/manifest.sh" selftests host "$all" || failed=1

# the libFuzzer targets (clang, ASan, UBSan): the stream parser, and the
# igbvf record validation behind it.  Each: a short run with a fixed seed
# from the seed corpus (real streams), then every kept crash input again
# (fuzz/regressions/, shared).  A crash input goes to build/logs/.  `make
# fuzz` is the long run.
FUZZDIR=$TOP/tools/testing/selftests/vfio/fuzz
if make -s -C "$TOP/tools/testing/selftests/vfio" fuzz OUTPUT="$BUILD/selftests" \
	>"$BUILD/logs/fuzz-build.log" 2>&1; then
	result 0 "fuzz targets build (clang, ASan, UBSan)"
	nseeds=$(find "$FUZZDIR/seeds" -name '*.bin' | wc -l)
	mapfile -t kept < <(find "$FUZZDIR/regressions" -type f | sort)
	for target in "stream parser|p2pmig_stream_fuzz" "igbvf records|p2pmig_igbvf_fuzz"; do
		what=${target%|*}
		t=${target#*|}
		fuzz_bin=$BUILD/selftests/fuzz/$t
		rm -rf "$tmp/corpus"
		mkdir -p "$tmp/corpus"
		cp "$FUZZDIR"/seeds/*.bin "$tmp/corpus/"
		"$fuzz_bin" -seed=1 -runs=300000 -print_final_stats=1 \
			-artifact_prefix="$BUILD/logs/$t-" "$tmp/corpus" \
			>"$BUILD/logs/$t-short.log" 2>&1
		frc=$?
		[ $frc = 0 ] || grep -E 'p2pmig_[a-z]*_fuzz:|ERROR|SUMMARY' "$BUILD/logs/$t-short.log" |
			head -5 | sed 's/^/# /'
		result $frc "$what fuzz: 300000 fixed-seed executions from $nseeds seeds (a real stream), no crash"
		frc=0
		if [ ${#kept[@]} -gt 0 ]; then
			"$fuzz_bin" "${kept[@]}" >"$BUILD/logs/$t-regressions.log" 2>&1
			frc=$?
		fi
		result $frc "$what fuzz: the ${#kept[@]} kept crash inputs run clean"
	done
else
	sed 's/^/# /' "$BUILD/logs/fuzz-build.log" | head -20
	result 1 "fuzz targets build (clang, ASan, UBSan)"
fi

# the test bed's own checks (manifest, trace checks), on samples
"$VM/tests/run.sh" || failed=1

exit $failed
