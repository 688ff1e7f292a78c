# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# TAP helpers for host-side checks (sourced).

# tap_result <log> <ok?> <description>
tap_result() {
	if [ "$2" = 0 ]; then
		echo "ok - $3" | tee -a "$1"
	else
		echo "not ok - $3" | tee -a "$1"
	fi
}

# tap_count <files...>: "N passed, N failed[, N skipped]" over top-level
# TAP lines (kselftest and our own); SKIP directives count as skipped.
tap_count() {
	cat "$@" 2>/dev/null | awk '
		/^ok .*# [Ss][Kk][Ii][Pp]/ { skip++; next }
		/^ok / { pass++; next }
		/^not ok / { fail++ }
		END {
			line = sprintf("%d passed, %d failed", pass, fail)
			if (skip) line = line sprintf(", %d skipped", skip)
			print line
		}'
}
