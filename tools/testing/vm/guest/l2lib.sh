# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for running nested (L2) guests in the test bed guest (L1) and
# migrating them between two QEMU processes: the host's QEMU comes from the
# 9p share (tools/testing/vm/mkl2.sh), QMP goes through socat.

L2KIT=/share
QEMU="$L2KIT/lib/ld-linux.so --library-path $L2KIT/lib $L2KIT/bin/qemu-system-x86_64 -L $L2KIT/share/qemu"
L2DIR=/tmp/l2

# l2_start <name> <vm args...>: a QEMU with QMP at $L2DIR/<name>.qmp, its
# serial console in <name>.serial, stderr (traces) in <name>.log
l2_start() {
	name=$1
	shift
	mkdir -p $L2DIR
	# shellcheck disable=SC2086
	$QEMU -accel tcg,tb-size=128 -cpu max -machine q35 -nodefaults -display none -no-reboot \
		-serial "file:$L2DIR/$name.serial" \
		-qmp "unix:$L2DIR/$name.qmp,server=on,wait=off" \
		"$@" </dev/null >"$L2DIR/$name.log" 2>&1 &
	echo $! >"$L2DIR/$name.pid"
}

l2_pid() { cat "$L2DIR/$1.pid" 2>/dev/null; }
l2_alive() { kill -0 "$(l2_pid "$1")" 2>/dev/null; }

# l2_uptime: l2_up= whole seconds since boot (no fork)
l2_uptime() {
	read -r l2_up _ </proc/uptime
	l2_up=${l2_up%%.*}
}

# l2_qmp <name> <command json>...: run commands, print the replies.  The
# connection stays open until QEMU answered every command (or L2_QMP_WAIT
# seconds of the clock, default 30, or QEMU's exit): QEMU answers QMP from
# its main loop, and a migration holds that (the BQL) for its whole
# switchover - seconds under TCG - so a fixed wait would lose replies.
# Without all answers, socat still waits 3 s for more after its input ends.
l2_qmp() {
	name=$1
	shift
	q_out=$(mktemp "$L2DIR/qmp.XXXXXX") || return 1
	q_want=$(($# + 1))
	l2_uptime
	q_end=$((l2_up + ${L2_QMP_WAIT:-30} + 1))
	{
		echo '{"execute":"qmp_capabilities"}'
		for c in "$@"; do echo "$c"; done
		while [ "$(grep -c -e '^{"return"' -e '^{"error"' "$q_out")" -lt $q_want ]; do
			grep -q 'socat\[[0-9]*\] E ' "$q_out" && break
			l2_alive "$name" || break
			l2_uptime
			[ $l2_up -lt $q_end ] || break
			sleep 0.1
		done
	} | socat -t 3 - "UNIX-CONNECT:$L2DIR/$name.qmp" >"$q_out" 2>&1
	cat "$q_out"
	rm -f "$q_out"
}

# l2_query <name> <command json>: QEMU's reply to the command, one line;
# nothing if QEMU did not answer it
l2_query() {
	l2_qmp "$1" "$2" | grep -e '^{"return"' -e '^{"error"' | sed -n 2p
}

# l2_wait_qmp <name> <timeout s>: until its QMP socket answers
l2_wait_qmp() {
	n=0
	until l2_qmp "$1" 2>/dev/null | grep -q '"return"'; do
		l2_alive "$1" || return 1
		n=$((n + 1))
		[ $n -lt "$2" ] || return 1
		sleep 1
	done
}

# l2_wait_serial <name> <pattern> <timeout s>
l2_wait_serial() {
	n=0
	until grep -q "$2" "$L2DIR/$1.serial" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt "$3" ] || return 1
		sleep 1
	done
}

# json_field <field> < json: the last value of a number or string field
json_field() {
	sed -n 's/.*"'"$1"'": *"\{0,1\}\([^",}]*\)"\{0,1\}.*/\1/p' | tail -1
}

# l2_migrate_status <name>: status of the outgoing or incoming migration,
# "none" if QEMU has none (a failed migrate leaves none), "noreply" if QEMU
# did not answer (a caller waiting for a status asks again)
l2_migrate_status() {
	s=$(l2_query "$1" '{"execute":"query-migrate"}')
	[ -n "$s" ] || { echo noreply; return; }
	s=$(echo "$s" | json_field status)
	echo "${s:-none}"
}

l2_quit() {
	l2_qmp "$1" '{"execute":"quit"}' >/dev/null 2>&1
	n=0
	while l2_alive "$1" && [ $n -lt 20 ]; do sleep 0.5; n=$((n + 1)); done
	l2_alive "$1" && kill -9 "$(l2_pid "$1")" 2>/dev/null
	return 0
}
