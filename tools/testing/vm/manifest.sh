#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# manifest.sh: hold what a test run printed against the manifest of what
# must run (tools/testing/selftests/vfio/MANIFEST; its header says the
# format).  Prints TAP lines, one per test binary (or one for the e2e
# scenarios, and one per problem); exits 1 if any is "not ok".
#
#   manifest.sh [-m manifest] selftests <kernel> <output>
#       <output> holds the TAP of several kselftest binaries, each between
#       "# p2pmig-selftest: begin <binary>" and
#       "# p2pmig-selftest: end <binary> exit=<status>" (guest/selftests.sh
#       and host-tests.sh print them).  <kernel> is the short version the
#       guest ran ("6.12"; the guest entries) or "host" (the host entries).
#   manifest.sh [-m manifest] e2e <output> [<stage>]
#       <output> holds the "RESULT <scenario> ..." lines of an e2e stage
#       (default "e2e"); only the scenarios listed for that stage count
#       (or "# RESULT ...").
#   manifest.sh count <binary>...
#       The number of tests each kselftest binary holds (variants times
#       tests of each fixture, from its -l listing): the figure to write
#       into the MANIFEST after adding tests.  A test that skips itself at
#       run time still counts.
#
# Each binary must have run exactly the number of tests listed for it on
# that kernel and reported its totals; every skip must be listed with its
# exact reason; a listed binary that did not run, or one that ran without
# being listed, is a failure.  So is a listed scenario that reported no
# RESULT, or a RESULT of a scenario not listed.
set -uo pipefail

manifest=$(cd "$(dirname "$0")/../selftests/vfio" && pwd)/MANIFEST
if [ "${1:-}" = -m ]; then
	manifest=$2
	shift 2
fi
[ -r "$manifest" ] || { echo "not ok - MANIFEST: $manifest is missing"; exit 1; }

case ${1:-} in
count)
	shift
	[ $# -gt 0 ] || { echo "usage: $0 count <binary>..." >&2; exit 2; }
	for b in "$@"; do
		# the harness lists "%-20s %-25s %s" (fixture, variant, test) rows,
		# fixtures apart by dashes; the fixture name is on its first row
		n=$("$b" -l 2>&1 | awk '
		function flush() { if (fx) total += (nv ? nv : 1) * nt; nv = nt = 0 }
		/^# FIXTURE/ { next }
		/^-+$/ { flush(); fx = 0; next }
		{
			pos = 1; vcol = 22
			while (match(substr($0, pos), /[^ ]+/)) {
				start = pos + RSTART - 1
				if (start == 1) {
					fx = 1
					if (RLENGTH > 20) vcol = RLENGTH + 2
				} else if (start <= vcol) {
					nv++
				} else {
					nt++
				}
				pos = start + RLENGTH
			}
		}
		END { flush(); print total + 0 }')
		echo "${b##*/} $n"
	done
	;;
selftests)
	[ $# = 3 ] || { echo "usage: $0 [-m manifest] selftests <kernel|host> <output>" >&2; exit 2; }
	kernel=$2
	out=$3
	[ -r "$out" ] || { echo "not ok - MANIFEST [$kernel]: no test output ($out)"; exit 1; }
	awk -v kernel="$kernel" '
	# glob (*, ?) to an anchored regular expression
	function glob(g,   r) {
		r = g
		gsub(/[.+^$(){}|\[\]\\]/, "\\\\&", r)
		gsub(/\*/, ".*", r)
		gsub(/\?/, ".", r)
		return "^" r "$"
	}
	function kernels_match(list,   n, i, k) {
		n = split(list, k, ",")
		for (i = 1; i <= n; i++)
			if (k[i] == "*" || kernel ~ glob(k[i]))
				return 1
		return 0
	}
	FNR == NR {	# the manifest
		if ($0 ~ /^[ \t]*(#|$)/)
			next
		if (($1 == "guest" && kernel != "host") || ($1 == "host" && kernel == "host")) {
			want[$2] = $3
			order[++nwant] = $2
			for (i = 4; i <= NF; i++) {
				split($i, kv, "=")
				if (kernels_match(kv[1]))
					want[$2] = kv[2]
			}
		} else if ($1 == "skip" && kernels_match($3)) {
			reason = $0
			for (i = 1; i <= 4; i++)
				sub(/^[ \t]*[^ \t]+[ \t]+/, "", reason)
			allowed[$2, $4] = reason
		}
		next
	}
	/^# p2pmig-selftest: begin / {
		cur = $4
		if (!(cur in seen))
			ran[++nran] = cur
		seen[cur]++
		next
	}
	/^# p2pmig-selftest: end / {
		ended[$4] = 1
		st = $5; sub(/^exit=/, "", st); status[$4] = st
		cur = ""
		next
	}
	cur == "" { next }
	/^1\.\.[0-9]+/ && !(cur in plan) { p = $1; sub(/^1\.\./, "", p); plan[cur] = p + 0; next }
	/^# Totals:/ { totals[cur] = 1; next }
	/^(ok|not ok) [0-9]+ / {
		results[cur]++
		if ($1 == "not")
			failed[cur]++
		if (index($0, " # SKIP")) {
			line = $0
			sub(/^ok [0-9]+ /, "", line)
			i = index(line, " # SKIP")
			test = substr(line, 1, i - 1)
			reason = substr(line, i + 7)
			sub(/^[ \t]+/, "", reason)
			skips[cur]++
			if (!((cur, test) in allowed) || allowed[cur, test] != reason)
				bad[cur] = bad[cur] sprintf("; %s skipped (\"%s\"), not listed with that reason", test, reason)
		}
	}
	END {
		tag = kernel == "host" ? "" : "[" kernel "] "
		for (j = 1; j <= nwant; j++) {
			b = order[j]
			why = ""
			if (!(b in seen)) {
				why = "; did not run"
			} else {
				if (seen[b] > 1)
					why = why "; ran " seen[b] " times"
				if (!(b in ended))
					why = why "; never finished"
				if (!(b in totals))
					why = why "; died before reporting its totals"
				if (results[b] + 0 != want[b])
					why = why sprintf("; ran %d tests, MANIFEST lists %d", results[b], want[b])
				if ((b in plan) && plan[b] != want[b])
					why = why sprintf("; planned %d tests", plan[b])
				why = why bad[b]
				if (status[b] != "" && status[b] != 0 && !failed[b])
					why = why "; exited " status[b] " with no failed test"
			}
			if (why == "") {
				printf "ok - %sMANIFEST: %s ran its %d tests", tag, b, want[b]
				if (skips[b])
					printf " (%d listed skips)", skips[b]
				printf "\n"
			} else {
				printf "not ok - %sMANIFEST: %s: %s\n", tag, b, substr(why, 3)
				rc = 1
			}
		}
		for (j = 1; j <= nran; j++)
			if (!(ran[j] in want)) {
				printf "not ok - %sMANIFEST: %s ran but is not listed\n", tag, ran[j]
				rc = 1
			}
		if (!nwant) {
			printf "not ok - %sMANIFEST: lists no binary\n", tag
			rc = 1
		}
		exit rc
	}' "$manifest" "$out"
	;;
e2e)
	[ $# = 2 ] || [ $# = 3 ] || { echo "usage: $0 [-m manifest] e2e <output> [<stage>]" >&2; exit 2; }
	out=$2
	[ -r "$out" ] || { echo "not ok - e2e: MANIFEST: no e2e output ($out)"; exit 1; }
	awk -v stage="${3:-e2e}" '
	FNR == NR {
		if ($1 == "e2e" && ($3 == "" ? "e2e" : $3) == stage) {
			want[$2] = 1
			order[++nwant] = $2
		}
		next
	}
	/^(# )?RESULT / {
		name = $1 == "#" ? $3 : $2
		if (!(name in got))
			reported[++nrep] = name
		got[name]++
	}
	END {
		for (j = 1; j <= nwant; j++) {
			s = order[j]
			if (!(s in got)) {
				print "not ok - e2e: MANIFEST: scenario " s " reported no RESULT"
				rc = 1
			} else if (got[s] > 1) {
				print "not ok - e2e: MANIFEST: scenario " s " reported " got[s] " RESULTs"
				rc = 1
			}
		}
		for (j = 1; j <= nrep; j++)
			if (!(reported[j] in want)) {
				print "not ok - e2e: MANIFEST: scenario " reported[j] " ran but is not listed"
				rc = 1
			}
		if (!nwant) {
			print "not ok - e2e: MANIFEST: lists no scenario"
			rc = 1
		}
		if (!rc)
			print "ok - e2e: MANIFEST: its " nwant " scenarios reported, and no other"
		exit rc
	}' "$manifest" "$out"
	;;
*)
	echo "usage: $0 [-m manifest] selftests <kernel|host> <output> | e2e <output> [<stage>] | count <binary>..." >&2
	exit 2
	;;
esac
