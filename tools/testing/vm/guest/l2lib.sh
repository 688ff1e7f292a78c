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

# l2_qmp <name> <command json>...: run commands, print the replies
l2_qmp() {
	name=$1
	shift
	{
		echo '{"execute":"qmp_capabilities"}'
		for c in "$@"; do echo "$c"; done
		sleep 1
	} | socat -t 3 - "UNIX-CONNECT:$L2DIR/$name.qmp" 2>&1
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
# "none" if QMP has no status (a failed migrate leaves none)
l2_migrate_status() {
	s=$(l2_qmp "$1" '{"execute":"query-migrate"}' | grep '"return"' | tail -1 | json_field status)
	echo "${s:-none}"
}

l2_quit() {
	l2_qmp "$1" '{"execute":"quit"}' >/dev/null 2>&1
	n=0
	while l2_alive "$1" && [ $n -lt 20 ]; do sleep 0.5; n=$((n + 1)); done
	l2_alive "$1" && kill -9 "$(l2_pid "$1")" 2>/dev/null
	return 0
}
