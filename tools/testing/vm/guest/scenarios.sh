# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
#
# QEMU end-to-end scenarios, shared by `make check` (guest/e2e-check.sh,
# which asserts their outcome) and `make bench` (which tabulates them).
# Sourced after lib.sh, l2lib.sh and e2e.sh, once e2e_setup ran.
#
# Each scenario prints one line
#   RESULT <name> verdict=pass|fail status= total_ms= downtime_ms= device_us= wait_us= ping= why=
# (device_us: p2pmig's share of the downtime; wait_us: how much of it
# QEMU's threads waited for a CPU, e2e_device_share)
# (fields without a value are "-") and returns 0 if it passed.  Guests:
#  - "bios": SeaBIOS only, no boot device.  It never touches the VFs, but
#    QEMU still runs the whole device-state path for them: P2P, pre-copy,
#    switchover-ack, multifd, config space and MSI-X;
#  - "linux": the L2 kit's Debian kernel with igbvf, pinging L1's LAN peer.

SC_ACK='{"capability":"return-path","state":true},{"capability":"switchover-ack","state":true}'
SC_NOACK='{"capability":"return-path","state":true}'
SC_MULTIFD='{"capability":"multifd","state":true}'
# Multifd: the device state goes over multifd channels.  Zero pages are
# found by the main thread ("legacy"), as without multifd: with type1
# every page is dirty in every pass, and under TCG inside TCG the channels
# move a SeaBIOS guest's all-zero RAM too slowly for it to ever converge.
SC_MULTIFD_PROPS=',x-migration-multifd-transfer=on'
SC_MULTIFD_PARAMS='{"zero-page-detection":"legacy"}'

sc_result() {	# sc_result <name> <pass|fail> <why>; uses sc_* figures
	echo "RESULT $1 verdict=$2 status=${sc_status:--} total_ms=${sc_total:--}" \
		"downtime_ms=${sc_down:--} device_us=${sc_dev:--} wait_us=${sc_wait:--}" \
		"ping=${sc_ping:--} why=$3"
	[ "$2" = pass ] && return 0
	sc_dump
	return 1
}

# sc_dump: what QEMU, the L2 guests' consoles and the kernel said last, as
# "#   " lines
sc_dump() {
	for f in src dst back; do
		[ -f "$L2DIR/$f.log" ] || continue
		grep -v -e 'vmstate_downtime' -e 'vfio_migration_set_state' \
			-e 'vfio_load_state_device' "$L2DIR/$f.log" | tail -6 | sed "s/^/#   QEMU $f: /"
	done
	for f in src dst back; do
		[ -f "$L2DIR/$f.serial" ] || continue
		tr -d '\r' <"$L2DIR/$f.serial" | grep -v '^$' | tail -8 | sed "s/^/#   L2 $f: /"
	done
	dmesg | grep -iE 'p2pmig|igb|vfio' | tail -8 | sed 's/^/#   kernel: /'
}

# sc_qemu_error: the last error QEMU gave on QMP (source, then destination)
sc_qemu_error() {
	grep -o -e '"error-desc": "[^"]*"' -e '"desc": "[^"]*"' "$L2DIR/src.qmp.log" "$L2DIR/dst.qmp.log" |
		tail -1
}

# sc_tap <stage> <scenario> [arguments...]: run a scenario; each of its
# RESULT lines becomes a TAP line of the stage, followed by its "#   "
# lines.  Returns 1 if it failed or reported nothing.
sc_tap() {
	st_stage=$1 st_rc=0
	shift
	"$@" >"$L2DIR.result" 2>&1 || st_rc=1
	sed -n "s/^RESULT \([^ ]*\) verdict=pass .* why=\(.*\)\$/ok - $st_stage: \1: \2/p
		s/^RESULT \([^ ]*\) verdict=fail .* why=\(.*\)\$/not ok - $st_stage: \1: \2/p" "$L2DIR.result"
	grep -e '^RESULT' -e '^#   ' "$L2DIR.result" | sed 's/^RESULT/# RESULT/'
	grep -q '^RESULT' "$L2DIR.result" || { echo "not ok - $st_stage: $1 reported nothing"; st_rc=1; }
	return $st_rc
}

sc_reset() { sc_status='' sc_total='' sc_down='' sc_dev='' sc_wait='' sc_ping=''; }

sc_stop() {	# stop both QEMUs, give the VFs back as libvirt does
	l2_quit src
	l2_quit dst
	e2e_release "$E2E_ETH0" "$1"
	e2e_release "$E2E_ETH1" "$1"
}

# sc_migrate <caps> [params]: migrate src to dst with tracing, fill sc_*
sc_migrate() {
	e2e_trace_on
	# shellcheck disable=SC2046
	set -- $(e2e_migrate src dst "[$1]" "${2:-}")
	e2e_trace_off "$L2DIR/trace"
	sc_status=$1 sc_total=${2:-} sc_down=${3:-}
	sc_dev=$(e2e_device_share "$L2DIR/trace")
	sc_wait=$(e2e_device_share "$L2DIR/trace" waited)
}

# sc_all_went <trace> <pf> <count> <arc>: every VF of the list saw the arc
sc_all_went() {
	for vf in $(e2e_vfs "$2" "$3"); do
		e2e_states "$1" | grep -q "^$vf: $4\$" || { echo "$vf never went $4"; return 1; }
	done
}

# sc_stream_start: serve a file of random bytes from L1's LAN address, and
# have the Linux guest (E2E_L2_ARGS) download it in a loop and check it
sc_stream_start() {
	mkdir -p /tmp/www
	dd if=/dev/urandom of=/tmp/www/s.bin bs=1k count="${SC_STREAM_KB:-4096}" 2>/dev/null || return 1
	httpd -p "$E2E_PEER:8080" -h /tmp/www || return 1
	E2E_L2_ARGS="p2pmig.stream=http://$E2E_PEER:8080/s.bin p2pmig.stream_md5=$(md5sum </tmp/www/s.bin | cut -d' ' -f1)"
}

sc_stream_stop() {
	pkill -f "httpd -p $E2E_PEER:8080" 2>/dev/null
	E2E_L2_ARGS=
}

# sc_stream_verdict: sc_stream_why= "ok", or what went wrong with the
# guest's downloads; their counts go to sc_ping
sc_stream_verdict() {
	l=$(cat "$L2DIR/dst.serial" "$L2DIR/back.serial" 2>/dev/null | tr -d '\r' | grep '^L2-STREAM' | tail -1)
	ok=$(echo "$l" | sed -n 's/.*ok=\([0-9]*\).*/\1/p')
	bad=$(echo "$l" | sed -n 's/.*bad=\([0-9]*\).*/\1/p')
	sc_ping="$sc_ping,stream${ok:-?}ok${bad:-?}bad"
	if [ -z "$l" ]; then
		sc_stream_why="the guest reported no downloads"
	elif [ "$bad" != 0 ]; then
		sc_stream_why="$bad of the guest's downloads arrived with other bytes ($l)"
	elif [ "${ok:-0}" -lt 2 ]; then
		sc_stream_why="the guest completed ${ok:-0} downloads ($l)"
	else
		sc_stream_why=ok
		sc_stream_pass=", $ok downloads intact"
	fi
}

# sc_vfio_error <qemu>: the last error QEMU "qemu" reported about a VFIO
# device (its save or load, or the device itself), if any: its own lines
# ("qemu-system-...: "), not the trace's (vfio_migration_set_state names
# a recover state ERROR)
sc_vfio_error() {
	grep 'qemu-system' "$L2DIR/$1.log" 2>/dev/null | grep -i 'vfio' | grep -iE 'error|fail' |
		grep -v "doesn't support device and IOMMU dirty tracking" | tail -1
}

# sc_cancel_and_check: cancel the source's migration, stop both QEMUs;
# why= "ok" if the guest still ran and pinged on the source
sc_cancel_and_check() {
	l2_qmp src '{"execute":"migrate_cancel"}' >/dev/null
	n=0
	while :; do
		case $(l2_migrate_status src) in cancelled | failed | completed | none) break ;; esac
		n=$((n + 1))
		[ $n -lt 60 ] || break
		sleep 0.5
	done
	l2_quit dst
	if ! sc_running src; then
		why="the guest stopped on the source after migrate_cancel"
	elif ! sc_pinging; then
		why="the guest stopped pinging on the source after migrate_cancel"
	fi
	l2_quit src
}

sc_running() {	# sc_running <qemu>: the guest runs there
	l2_qmp "$1" '{"execute":"query-status"}' | grep -q '"status": "running"'
}

# sc_pinging: the L2 still pings: L1's LAN peer receives frames
# (after a pause of up to 20 s, printed: QEMU 11's migrate_cancel stalled
# the guest 4-6 s in two runs, and it pinged again)
sc_pinging() {
	sp_n=$(sc_lan_frames 4)
	[ "$sp_n" -ge 5 ] && return 0
	sc_ping_resumed "$sp_n"
}

# sc_lan_frames <seconds>: frames L1's LAN interface receives meanwhile
sc_lan_frames() {
	lf_a=$(cat "/sys/class/net/$E2E_LAN/statistics/rx_packets")
	sleep "$1"
	lf_b=$(cat "/sys/class/net/$E2E_LAN/statistics/rx_packets")
	echo $((lf_b - lf_a))
}

# sc_ping_resumed <frames in the 4 s>: after a quiet window, whether the
# pings come back within 20 s (status 0 if they do), said as a "#   " line
sc_ping_resumed() {
	pr_n=0 pr_f=0
	while [ $pr_n -lt 10 ]; do
		pr_f=$(sc_lan_frames 2)
		pr_n=$((pr_n + 1))
		[ "$pr_f" -ge 3 ] && break
	done
	echo "#   pinging: $1 frames from the guest in 4 s; then $pr_f in 2 s, $((pr_n * 2)) s later"
	[ "$pr_f" -ge 3 ]
}

# sc_ping_verdict <serial of the last QEMU> <serial files...>: sc_ping
# from the Linux guest's ping report; sc_ping_why= what is wrong with it,
# empty if the pings were answered to the end, without a gap longer than
# SC_MAX_GAP_MS, and the guest's TX interrupts kept coming
sc_ping_verdict() {
	pv_last=$1
	shift
	p=$(e2e_ping_report "$@")
	sent=$(echo "$p" | sed -n 's/.*sent=\([0-9]*\).*/\1/p')
	got=$(echo "$p" | sed -n 's/.*received=\([0-9]*\).*/\1/p')
	gap=$(echo "$p" | sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p')
	last=$(echo "$p" | sed -n 's/.*last_answered=\([0-9-]*\).*/\1/p')
	# frames the guest reclaimed after sending: it does so only from its
	# TX interrupt, whose loss ping shows much later
	tx=$(e2e_tx_done "$pv_last")
	sc_ping="${got:-0}/${sent:-0},gap${gap:-?}ms,txdone${tx:-0}"
	sc_ping_why=
	if [ -z "$sent" ] || [ "$sent" -eq 0 ] || [ "${got:-0}" -gt "$sent" ]; then
		sc_ping_why="ping ended without statistics: $(tr -d '\r' <"$pv_last" |
			grep 'ping exited' | tail -1)"
	elif [ $((sent - 1 - last)) -gt 5 ]; then
		sc_ping_why="pings stopped being answered after the migration ($p)"
	elif [ "${gap:-99999}" -gt "${SC_MAX_GAP_MS:-10000}" ]; then
		sc_ping_why="pings unanswered for $gap ms"
	elif [ "${tx:-0}" -lt $((sent * 9 / 10)) ]; then
		sc_ping_why="the guest reclaimed ${tx:-0} of $sent sent frames: its TX interrupts stopped"
	fi
}

# sc_check_bios <VFs> <props>: what is wrong after a SeaBIOS migration
sc_check_bios() {
	if [ "$sc_status" != completed ]; then
		echo "migration $sc_status: $(sc_qemu_error)"
	elif ! sc_running dst; then
		echo "the guest does not run on the destination"
	elif [ "$1" -gt 1 ] && ! sc_all_went "$L2DIR/trace" "$PF0" "$1" "PRE_COPY -> PRE_COPY_P2P"; then
		:
	elif ! sc_all_went "$L2DIR/trace" "$PF1" "$1" "RUNNING_P2P -> RUNNING"; then
		:
	else
		case $2 in
		*multifd-transfer=on*)
			grep -q vfio_load_state_device_buffer_incoming "$L2DIR/dst.log" ||
				echo "no device state came over multifd"
			;;
		esac
	fi
}

# scenario_bios <name> <VFs> <caps> [vfio-pci props [parameters json]]:
# migrate a SeaBIOS guest with <VFs> VFs from PF0's to PF1's; all devices
# must take the P2P arcs when there are several, and the destination must
# run.  With SC_RETURN=1 it then migrates back (sc_return, RESULT
# <name>-return), so that the arcs run once more, warm.
scenario_bios() {
	sc_name=$1 sc_n=$2 sc_caps=$3 sc_props=${4:-} sc_params=${5:-}
	sc_reset
	e2e_prepare "$PF0" "$E2E_ETH0" "$sc_n" && e2e_prepare "$PF1" "$E2E_ETH1" "$sc_n" ||
		{ sc_result "$sc_name" fail "binding VFs"; return 1; }
	e2e_start_guest src "$PF0" "$sc_n" bios "$sc_props" &&
		e2e_start_guest dst "$PF1" "$sc_n" bios "$sc_props" -incoming defer ||
		{ sc_stop "$sc_n"; sc_result "$sc_name" fail "QEMU did not start"; return 1; }
	sleep 2
	sc_migrate "$sc_caps" "$sc_params"
	why=$(sc_check_bios "$sc_n" "$sc_props")
	[ -n "$why" ] || why=ok
	sb_rc=0
	if [ "$why" = ok ] && [ "${SC_RETURN:-0}" = 1 ]; then
		l2_quit src
		sc_return "$sc_caps" "$sc_name-return" "$sc_n" bios "$sc_props" "$sc_params" || sb_rc=1
		l2_quit back
	fi
	sc_stop "$sc_n"
	[ "$why" = ok ] && { sc_result "$sc_name" pass "$why"; return $sb_rc; }
	sc_result "$sc_name" fail "$why"
}

# scenario_no_p2p: with p2pmig's P2P turned off, QEMU must refuse to
# migrate a guest with two VFs (it moves several devices only with P2P).
scenario_no_p2p() {
	sc_name=bios-2vf-p2p-off
	sc_reset
	echo 0 >/sys/module/p2pmig/parameters/p2p
	e2e_prepare "$PF0" "$E2E_ETH0" 2 && e2e_prepare "$PF1" "$E2E_ETH1" 2 || {
		echo 1 >/sys/module/p2pmig/parameters/p2p
		sc_result "$sc_name" fail "binding VFs"
		return 1
	}
	why=''
	if e2e_start_guest src "$PF0" 2 bios ""; then
		e2e_start_guest dst "$PF1" 2 bios "" -incoming defer
		sleep 2
		sc_migrate "$SC_ACK"
		msg=$(grep -o '"desc": "[^"]*P2P[^"]*"' "$L2DIR/src.qmp.log" | tail -1)
		[ -n "$msg" ] || msg=$(grep -o '"error-desc": "[^"]*P2P[^"]*"' "$L2DIR/src.qmp.log" | tail -1)
		[ "$sc_status" != completed ] && [ -n "$msg" ] && sc_running src ||
			why="migration $sc_status, no P2P refusal seen"
		sc_status=refused
	else
		# QEMU may refuse at start already
		msg=$(grep -o '.*P2P.*' "$L2DIR/src.log" | tail -1)
		[ -n "$msg" ] || why="QEMU did not start, and not for P2P"
		sc_status=refused-at-start
	fi
	sc_stop 2
	echo 1 >/sys/module/p2pmig/parameters/p2p
	# the VFs pick P2P up again when they are bound next
	e2e_prepare "$PF0" "$E2E_ETH0" 2 && e2e_prepare "$PF1" "$E2E_ETH1" 2
	e2e_release "$E2E_ETH0" 2
	e2e_release "$E2E_ETH1" 2
	[ -z "$why" ] && { sc_result "$sc_name" pass "QEMU: ${msg#*: }"; return 0; }
	sc_result "$sc_name" fail "$why"
}

# sc_return <caps> <name> [VFs [guest [vfio-pci props [parameters]]]]:
# the guest that just arrived on "dst" (a Linux guest with one VF unless
# said otherwise) migrates back to a new QEMU ("back") on the source VFs,
# which its first QEMU has released.  Prints the RESULT line <name> of
# that migration; returns 0 if it completed (the guest is on "back" then),
# 1 if it stayed on dst.
# The first migration is often the first time TCG runs p2pmig's arc code
# (and the kernel's around it) since it last emptied its translation
# cache, and it translates that code then: it measures the test bed as
# much as the device.  This one runs the same code warm, as a host would.
sc_return() {
	sr_caps=$1 sr_name=$2
	sr_status=$sc_status sr_total=$sc_total sr_down=$sc_down sr_dev=$sc_dev sr_wait=$sc_wait
	rm -f "$L2DIR/back.serial"
	sr_guest=${4:-linux} sr_params=${6:-}
	e2e_start_guest back "$PF0" "${3:-1}" "$sr_guest" "${5:-}" -incoming defer
	sleep 2
	e2e_trace_on
	# shellcheck disable=SC2046
	set -- $(e2e_migrate dst back "[$sr_caps]" "$sr_params")
	e2e_trace_off "$L2DIR/trace.return"
	sc_status=$1 sc_total=${2:-} sc_down=${3:-}
	sc_dev=$(e2e_device_share "$L2DIR/trace.return")
	sc_wait=$(e2e_device_share "$L2DIR/trace.return" waited)
	sr_moved=0
	if [ "$sc_status" != completed ]; then
		sr_why="migration back $sc_status: $(grep -o '"desc": "[^"]*"' "$L2DIR/dst.qmp.log" | tail -1)"
		l2_quit back
	else
		sr_moved=1
		l2_quit dst
		sr_why="back on the source VF, running"
		sc_running back || sr_why="the guest does not run after migrating back"
		# (a SeaBIOS guest never configures its VF: nothing to replay)
		case $sr_guest$sr_caps in
		linux*'"switchover-ack"'*)
			order=$(e2e_replay_order "$L2DIR/trace.return" "$(vf_of "$PF1" 0)" "$(vf_of "$PF0" 0)")
			[ -z "$order" ] || sr_why="switchover-ack, migrating back: $order"
			;;
		esac
	fi
	e2e_arcs "$L2DIR/trace.return" | sed 's/^/#   return: /'
	case $sr_why in
	back*) sc_result "$sr_name" pass "$sr_why" ;;
	*) sc_result "$sr_name" fail "$sr_why" ;;
	esac
	sc_status=$sr_status sc_total=$sr_total sc_down=$sr_down sc_dev=$sr_dev sc_wait=$sr_wait
	[ $sr_moved = 1 ]
}

# sc_migrate_until_reinit <caps>: sc_migrate, held in pre-copy until QEMU
# saw a REINIT (or 120 s), then let through.  QEMU asks for PRECOPY_INFO
# only when it considers switching over: when the RAM it estimates is left
# is below what it could send within the downtime limit.  Held: it sends at
# 2 MB/s and counts on 2 MB/s for the switchover, with a 60 s limit, so it
# asks each time less than 120 MB is left; asking, it syncs the dirty
# bitmap, and with the type1 container the whole 128 MiB of the guest is
# dirty again: no switchover.  Let through: 1 GiB/s.
sc_migrate_until_reinit() {
	sq_base=$(grep -c 'vfio_query_precopy_size ' "$L2DIR/src.log")
	sr_base=$(grep -c 'vfio_query_precopy_size .* reinit 1,' "$L2DIR/src.log")
	sr_until=$(($(cut -d. -f1 /proc/uptime) + 120))
	rm -f "$L2DIR/released"
	E2E_MAX_BW=2000000 E2E_SWITCHOVER_BW=2000000 E2E_DOWNTIME_LIMIT=60000 \
		E2E_MIGRATING=sc_release_after_reinit sc_migrate "$1"
	unset E2E_MAX_BW E2E_SWITCHOVER_BW E2E_DOWNTIME_LIMIT E2E_MIGRATING	# ash may keep them
}

sc_release_after_reinit() {	# <src>: E2E_MIGRATING of the above
	[ -f "$L2DIR/released" ] && return 0
	if [ "$(grep -c 'vfio_query_precopy_size .* reinit 1,' "$L2DIR/$1.log")" -gt "$sr_base" ] ||
		[ "$(cut -d. -f1 /proc/uptime)" -ge "$sr_until" ]; then
		l2_qmp "$1" '{"execute":"migrate-set-parameters","arguments":{"max-bandwidth":1073741824,"avail-switchover-bandwidth":1073741824}}' \
			>>"$L2DIR/$1.qmp.log"
		touch "$L2DIR/released"
	fi
}

# scenario_linux <caps> [phases]: a Linux guest pinging through one VF.
# Phases, in order, on one boot: "cancel" (a migration cancelled mid-way:
# the guest keeps running and pinging on the source), "dstfail" (the
# destination PF is down, so the destination cannot load the device: the
# guest keeps running and pinging on the source), then the migration that
# completes; the ping must survive it.  With switchover-ack, the
# destination's configuration replay must come before the source's
# PRE_COPY -> PRE_COPY_P2P (p2pmig's "replay" step in the trace).  With
# SC_RETURN=1 the guest then migrates back to the source VF (sc_return),
# and the ping must survive both.
scenario_linux() {
	sl_caps=$1 sl_phases=${2:-} sl_tag=${3:-linux-1vf}
	sc_reset
	E2E_PING_SECS=${SC_PING_SECS:-150}
	E2E_L2_ARGS= sc_stream_pass=
	rm -f "$L2DIR/back.serial"
	[ "${SC_STREAM:-0}" = 1 ] && { sc_stream_start || { sc_result "$sl_tag" fail "no HTTP server in L1"; return 1; }; }
	# SC_RXMODE=<s>: the guest switches its receive mode at that interval
	[ -n "${SC_RXMODE:-}" ] && E2E_L2_ARGS="${E2E_L2_ARGS:-} p2pmig.rxmode=$SC_RXMODE"
	e2e_prepare "$PF0" "$E2E_ETH0" 1 && e2e_prepare "$PF1" "$E2E_ETH1" 1 ||
		{ sc_result "$sl_tag" fail "binding VFs"; return 1; }
	e2e_start_guest src "$PF0" 1 linux "" || { sc_result "$sl_tag" fail "QEMU did not start"; return 1; }
	if ! l2_wait_serial src L2-READY 900; then
		sc_stop 1
		sc_result "$sl_tag" fail "the guest's network never came up"
		return 1
	fi
	sl_rc=0
	for sl_ph in $sl_phases; do
		sc_reset
		sl_note=
		case $sl_ph in
		cancel)
			e2e_start_guest dst "$PF1" 1 linux "" -incoming defer
			sleep 2
			# slow enough to be caught in pre-copy, and the switchover
			# left to QEMU's estimate of those 2 MB/s: it never comes
			e2e_trace_on
			E2E_MAX_BW=2000000 E2E_SWITCHOVER_BW=0 E2E_MIGRATE_TIMEOUT=0 \
				e2e_migrate src dst "[$sl_caps]" >/dev/null
			unset E2E_MAX_BW E2E_SWITCHOVER_BW E2E_MIGRATE_TIMEOUT	# ash may keep them
			n=0
			while [ "$(l2_migrate_status src)" != active ] && [ $n -lt 20 ]; do
				sleep 0.5
				n=$((n + 1))
			done
			l2_qmp src '{"execute":"migrate_cancel"}' >/dev/null
			n=0
			while :; do
				sc_status=$(l2_migrate_status src)
				case $sc_status in cancelled | failed | completed | none) break ;; esac
				n=$((n + 1))
				[ $n -lt 60 ] || break
				sleep 0.5
			done
			e2e_trace_off "$L2DIR/trace"
			l2_quit dst
			why=ok
			case $sc_status in
			cancelled) ;;
			failed)
				# QEMU 10.0's migrate_cancel shuts the return path down
				# before it marks the migration cancelling, and the
				# return path's thread may fail the migration first (a
				# later QEMU reorders them).  The device failing it
				# instead shows as a VFIO error in QEMU's log.
				err=$(sc_vfio_error src)
				if [ -n "$err" ]; then
					why="status failed after migrate_cancel: $err"
				else
					sl_note="; QEMU said failed, not cancelled: its cancel shut the return path first"
				fi
				;;
			*) why="status $sc_status after migrate_cancel" ;;
			esac
			;;
		dstfail)
			ip link set "$E2E_ETH1" down
			e2e_start_guest dst "$PF1" 1 linux "" -incoming defer
			sleep 2
			sc_migrate "$sl_caps"
			l2_quit dst
			ip link set "$E2E_ETH1" up
			why=ok
			[ "$sc_status" = failed ] || why="status $sc_status with the destination PF down"
			grep -q 'load of migration failed' "$L2DIR/dst.log" ||
				why="$why; the destination did not report a failed load"
			sleep 3	# the PF's link and mailbox come back
			;;
		esac
		if [ "$why" = ok ]; then
			if ! sc_running src; then
				why="the guest stopped on the source"
			elif ! e2e_states "$L2DIR/trace" | grep -q "^$(vf_of "$PF0" 0): .* -> RUNNING\$"; then
				why="the source VF never went back to RUNNING"
			elif ! sc_pinging; then
				why="the guest stopped pinging on the source"
			fi
		fi
		sc_ping="-"
		if [ "$why" = ok ]; then
			sc_result "$sl_tag-$sl_ph" pass "guest runs and pings on the source$sl_note"
		else
			sc_result "$sl_tag-$sl_ph" fail "$why"
			sl_rc=1
		fi
	done

	sc_reset
	e2e_start_guest dst "$PF1" 1 linux "" -incoming defer
	sleep 2
	if [ "${SC_REINIT:-0}" = 1 ]; then
		sc_migrate_until_reinit "$sl_caps"
	else
		sc_migrate "$sl_caps"
	fi
	why=ok sl_pass="ping survived"
	if [ "$sc_status" = timeout ] && [ "${SC_TIMEOUT_OK:-0}" = 1 ]; then
		# SC_TIMEOUT_OK=1: not converging is a result (the type1 container
		# at a real downtime-limit): cancelled, the guest runs on
		sc_cancel_and_check
		sl_pass="no switchover in ${E2E_MIGRATE_TIMEOUT:-300} s: cancelled, the guest pings on the source"
	elif [ "$sc_status" != completed ]; then
		why="migration $sc_status: $(sc_qemu_error)"
		l2_quit dst
		l2_quit src
	else
		l2_quit src
		sl_last=dst
		if [ "${SC_RETURN:-0}" = 1 ]; then
			sc_return "$sl_caps" "$sl_tag-return" && sl_last=back
		fi
		if ! l2_wait_serial $sl_last L2-DONE $((E2E_PING_SECS * 4)); then
			why="the guest did not finish on the destination"
		else
			sc_ping_verdict "$L2DIR/$sl_last.serial" \
				"$L2DIR/src.serial" "$L2DIR/dst.serial" "$L2DIR/back.serial"
			[ -z "$sc_ping_why" ] || why=$sc_ping_why
		fi
		l2_quit $sl_last
	fi
	# the guest downloaded a file again and again across the migration
	# (SC_STREAM=1): no copy may differ
	if [ "${SC_STREAM:-0}" = 1 ] && [ "$sc_status" = completed ]; then
		sc_stream_verdict
		[ "$why" = ok ] && why=$sc_stream_why
		sc_stream_stop
	fi
	# device dirty tracking asked for (SC_DIRTY=1): QEMU used the VF's
	# DMA logging, not the container's, by QEMU's own trace
	if [ "$why" = ok ] && [ "$sc_status" = completed ] && [ "${SC_DIRTY:-0}" = 1 ] &&
		! grep -q 'vfio_device_dirty_tracking_start' "$L2DIR/src.log"; then
		why="QEMU did not start device dirty tracking"
	fi
	# PRECOPY_INFO v2 (SC_REINIT=1, QEMU >= 11): QEMU opted in, and the
	# guest's configuration changes during the pre-copy (SC_RXMODE)
	# reached it as REINIT - by QEMU's own trace
	if [ "$why" = ok ] && [ "$sc_status" = completed ] && [ "${SC_REINIT:-0}" = 1 ]; then
		q=$(grep -c 'vfio_query_precopy_size ' "$L2DIR/src.log")
		r=$(($(grep -c 'vfio_query_precopy_size .* reinit 1,' "$L2DIR/src.log") - sr_base))
		m=$(cat "$L2DIR/dst.serial" "$L2DIR/back.serial" 2>/dev/null | tr -d '\r' | grep '^L2-RXMODE')
		echo "#   QEMU: $((q - sq_base)) PRECOPY_INFO queries in the migration, $r of them REINIT; guest: ${m:-no L2-RXMODE line}"
		if ! grep -q 'vfio_migration_init .*precopy_info_v2_used 1' "$L2DIR/src.log"; then
			why="QEMU did not opt into PRECOPY_INFO v2"
		elif [ "$r" -le 0 ]; then
			why="QEMU saw no REINIT in $((q - sq_base)) PRECOPY_INFO queries of the migration"
		fi
	fi
	# switchover-ack: the destination replayed the VF's configuration
	# before the source stopped it (the point of the ack)
	case $sl_caps in
	*'"switchover-ack"'*)
		if [ "$why" = ok ] && [ "$sc_status" = completed ]; then
			order=$(e2e_replay_order "$L2DIR/trace" "$(vf_of "$PF0" 0)" "$(vf_of "$PF1" 0)")
			[ -z "$order" ] || why="switchover-ack: $order"
		fi
		;;
	esac
	e2e_release "$E2E_ETH0" 1
	e2e_release "$E2E_ETH1" 1
	if [ "$why" = ok ]; then
		sc_result "$sl_tag" pass "$sl_pass$sc_stream_pass"
		return $sl_rc
	fi
	sc_result "$sl_tag" fail "$why"
	return 1
}

# scenario_linux_novf [name]: the same Linux guest without any VF, idle,
# migrated the same way (the benchmark's baseline for the downtime)
scenario_linux_novf() {
	sl_tag=${1:-linux-novf}
	sc_reset
	E2E_PING_SECS=${SC_PING_SECS:-150}
	E2E_L2_ARGS=p2pmig.novf=1
	why=ok
	if ! e2e_start_guest src "$PF0" 0 linux ""; then
		why="QEMU did not start"
	elif ! l2_wait_serial src L2-READY 900; then
		why="the guest did not boot"
	else
		e2e_start_guest dst "$PF1" 0 linux "" -incoming defer
		sleep 2
		sc_migrate "$SC_ACK"
		if [ "$sc_status" != completed ]; then
			why="migration $sc_status: $(sc_qemu_error)"
		elif ! sc_running dst; then
			why="the guest does not run on the destination"
		fi
	fi
	l2_quit src
	l2_quit dst
	E2E_L2_ARGS=
	sc_dev=- sc_wait=-
	[ "$why" = ok ] && { sc_result "$sl_tag" pass "no VF"; return 0; }
	sc_result "$sl_tag" fail "$why"
}

# sc_downtime_report <name> [source] [destination]: where the last
# migration from QEMU "source" (default src) to "destination" (default dst)
# spent its downtime, by QEMU's own trace (needs E2E_TRACES with -trace
# vmstate_downtime_checkpoint and -msg timestamp=on): its checkpoints in ms
# after the source stopped the guest, and the longest device saves and
# loads, as "#   " lines.  A later migration (the guest migrating back)
# ends the window.
sc_downtime_report() {
	awk -v name="$1" -v srcf="$L2DIR/${2:-src}.log" '
	function ts(l) { sub(/:.*/, "", l); sub(/^[0-9]+@/, "", l); return l + 0 }
	{ sub(/\r$/, "") }
	/vmstate_downtime_checkpoint / {
		t = ts($0)
		if ($NF == "src-downtime-start") {
			starts[++ns] = t
			if (FILENAME == srcf) start = t	# its last migration out
		}
		n++; cps[n] = $NF; at[n] = t
	}
	/vmstate_downtime_(save|load) / {
		m++; st[m] = /_save / ? "save" : "load"; mt[m] = ts($0)
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^idstr=/) id[m] = substr($i, 7)
			if ($i ~ /^downtime=/) us[m] = substr($i, 10) + 0
		}
	}
	END {
		if (!start) { printf "#   %s: QEMU traced no downtime checkpoints\n", name; exit }
		stop = 0
		for (i = 1; i <= ns; i++)
			if (starts[i] > start && (!stop || starts[i] < stop)) stop = starts[i]
		line = ""
		for (i = 1; i <= n; i++)
			if (at[i] >= start && (!stop || at[i] < stop))
				line = line sprintf(" %s %.1f,", cps[i], (at[i] - start) * 1000)
		printf "#   %s: QEMU checkpoints (ms after src-downtime-start):%s\n", name, line
		for (s = 0; s < 2; s++) {
			side = s ? "load" : "save"; sum = 0; k = 0
			for (i = 1; i <= m; i++)
				if (st[i] == side && mt[i] >= start && (!stop || mt[i] < stop)) {
					sum += us[i]; k++; o[k] = i
				}
			# the three longest, by selection
			top = ""
			for (j = 1; j <= 3 && j <= k; j++) {
				b = j
				for (i = j + 1; i <= k; i++) if (us[o[i]] > us[o[b]]) b = i
				x = o[j]; o[j] = o[b]; o[b] = x
				top = top sprintf(" %s %.1f ms,", id[o[j]], us[o[j]] / 1000)
			}
			printf "#   %s: %d device %ss, %.1f ms in all; longest:%s\n", name, k, side, sum / 1000, top
		}
	}' "$L2DIR/${2:-src}.log" $([ -f "$L2DIR/${3:-dst}.log" ] && echo "$L2DIR/${3:-dst}.log")
}

# sc_bench_run <scenario...>: run a scenario for a benchmark, keeping its
# RESULT lines in $SC_BENCH_RES; prints them, its "#   " lines and
# p2pmig's arcs in its last migration.  Returns 1 if it failed (busybox sh
# has no pipefail: the status is taken from a file, not a pipe).
sc_bench_run() {
	rm -f "$L2DIR/trace"
	"$@" >"$L2DIR/scenario.out" 2>&1
	r=$?
	cat "$L2DIR/scenario.out" >>"$SC_BENCH_RES"
	grep "^RESULT" "$L2DIR/scenario.out" ||
		{ echo "RESULT $1 verdict=fail why=reported nothing" | tee -a "$SC_BENCH_RES"; r=1; }
	grep -q '^RESULT .* verdict=fail ' "$L2DIR/scenario.out" && r=1
	grep '^#   ' "$L2DIR/scenario.out"
	[ $r != 0 ] && echo "# bench: failed (status $r): $(sed -n 's/^RESULT \([^ ]*\) verdict=fail.*/\1/p' \
		"$L2DIR/scenario.out" | tr '\n' ' ')"
	[ -f "$L2DIR/trace" ] && e2e_arcs "$L2DIR/trace" | sed 's/^/#   /'
	return $r
}

# sc_bench_bin <benchmark> <role> <pf> <index>...: bind each VF a
# benchmark takes (P2PMIG_VF_<role>: VF <index> of <pf>) to p2pmig, run it
sc_bench_bin() {
	bb=$1
	shift
	while [ $# -ge 3 ]; do
		vf=$(vf_of "$2" "$3")
		export "P2PMIG_VF_$1=$vf"
		bind_dev "$vf" p2pmig || return 1
		shift 3
	done
	"$bb" || { echo "# bench: ${bb##*/} failed"; return 1; }
}

# sc_bench_table: the RESULT lines of $SC_BENCH_RES as a Markdown table
sc_bench_table() {
	echo "| scenario | result | QEMU status | total ms | downtime ms | device share us | of it waiting for a CPU us | ping (answered/sent, longest gap) | note |"
	echo "|---|---|---|---:|---:|---:|---:|---|---|"
	grep '^RESULT' "$SC_BENCH_RES" | sed 's/^RESULT //' | awk '{
		split("", v); name = $1; n = split($0, f, " ")
		for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = substr(f[i], length(kv[1]) + 2) }
		why = $0; sub(/.* why=/, "", why)
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, v["verdict"], v["status"],
		       v["total_ms"], v["downtime_ms"], v["device_us"], v["wait_us"], v["ping"], why
	}'
}
