# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# End-to-end live migration in the test bed guest (L1): a nested guest (L2)
# with VFs bound to p2pmig assigned through QEMU's vfio-pci, migrated
# between two QEMU processes, as libvirt would drive it:
#  - each VF's MAC is set from the PF side on both hosts' VFs (`ip link set
#    <pf> vf N mac`); after a migration the source VF's MAC is cleared again
#    (libvirt restores the VF when it releases it);
#  - the destination QEMU starts with -incoming defer on a VF of the other
#    PF, at the same guest PCI address;
#  - return-path and switchover-ack are on unless the scenario says not.
#
# The L2 pings a peer outside both PFs: L1's virtio-net NIC, on the network
# hub that joins the PFs (10.0.0.1).  Sourced by the demo and test payloads
# after lib.sh and l2lib.sh.

E2E_MAC_BASE=52:54:00:12:34
E2E_PEER=10.0.0.1
E2E_ADDR0=3		# guest PCI slot of the first VF; the others follow

# e2e_setup: PFs, VFs, p2pmig, the peer address; E2E_PF{0,1}, E2E_ETH{0,1}
e2e_setup() {
	echo "# QEMU of the scenarios (L2): $(cat "$L2KIT/qemu-version" 2>/dev/null)"
	testbed_setup 4 || return 1
	install_p2pmig ./p2pmig.ko || return 1
	E2E_ETH0=$(pf_netdev "$PF0")
	E2E_ETH1=$(pf_netdev "$PF1")
	modprobe virtio_net || return 1
	sleep 1
	lan=
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink "$n/device/driver" 2>/dev/null)" 2>/dev/null)" = virtio_net ] &&
			lan=${n##*/}
	done
	[ -n "$lan" ] || { log "no virtio-net NIC for the peer"; return 1; }
	ip addr add "$E2E_PEER/24" dev "$lan" && ip link set "$lan" up || return 1
	E2E_LAN=$lan
	export E2E_ETH0 E2E_ETH1 E2E_LAN
}

# e2e_mac <i>: the MAC of the i-th VF of the guest
e2e_mac() { printf '%s:%02x\n' "$E2E_MAC_BASE" $((0x56 + $1)); }

# e2e_vfs <pf> <count>: BDFs of the first <count> VFs of a PF
e2e_vfs() {
	i=0
	while [ $i -lt "$2" ]; do vf_of "$1" $i; i=$((i + 1)); done
}

# e2e_admin_mac <pf netdev> <vf index> <mac>: what libvirt does for a hostdev
e2e_admin_mac() { /sbin/ip link set "$1" vf "$2" mac "$3"; }

# e2e_prepare <pf> <pf netdev> <count>: the VFs of a host, bound to p2pmig,
# with their guest MACs set from the PF side
e2e_prepare() {
	i=0
	for vf in $(e2e_vfs "$1" "$3"); do
		e2e_admin_mac "$2" $i "$(e2e_mac $i)" || return 1
		bind_dev "$vf" p2pmig || return 1
		i=$((i + 1))
	done
}

# e2e_release <pf netdev> <count>: libvirt gives the source VFs back
e2e_release() {
	i=0
	while [ $i -lt "$2" ]; do
		e2e_admin_mac "$1" $i 00:00:00:00:00:00
		i=$((i + 1))
	done
}

# e2e_vf_args <pf> <count> <extra vfio-pci properties>: -device arguments
e2e_vf_args() {
	i=0
	for vf in $(e2e_vfs "$1" "$2"); do
		printf -- '-device vfio-pci,host=%s,id=vf%d,addr=0x%x,enable-migration=on%s ' \
			"$vf" $i $((E2E_ADDR0 + i)) "$3"
		i=$((i + 1))
	done
}

E2E_TRACES="-trace vfio_migration_set_state -trace vmstate_downtime_save -trace vmstate_downtime_load
	-trace vfio_load_state_device_buffer_incoming -trace vfio_device_dirty_tracking_start"

# e2e_start_guest <name> <pf> <count> <linux|bios> <vfio-pci props> [-incoming defer]
e2e_start_guest() {
	name=$1 pf=$2 count=$3 kind=$4 props=$5
	shift 5
	if [ "$kind" = linux ]; then
		set -- -m 128 -kernel "$L2KIT/l2/vmlinuz" -initrd "$L2KIT/l2/initrd.gz" \
			-append "console=ttyS0 panic=-1 quiet p2pmig.secs=${E2E_PING_SECS:-90} ${E2E_L2_ARGS:-}" "$@"
	else
		set -- -m 64 "$@"
	fi
	# shellcheck disable=SC2046,SC2086
	l2_start "$name" "$@" $(e2e_vf_args "$pf" "$count" "$props") $E2E_TRACES
	l2_wait_qmp "$name" 60
}

# e2e_trace_on / e2e_trace_off: p2pmig's tracepoints in L1, to $1.  The
# global clock: the checks below compare timestamps taken on both vCPUs.
e2e_trace_on() {
	t=/sys/kernel/tracing
	echo global >"$t/trace_clock"
	echo >"$t/trace"
	echo 1 >"$t/events/p2pmig/enable"
}

e2e_trace_off() {
	t=/sys/kernel/tracing
	echo 0 >"$t/events/p2pmig/enable"
	cat "$t/trace" >"$1"
}

# Convergence.  With VFIO's legacy type1 container QEMU counts every page
# of the guest dirty in every pass, so the RAM left to send never shrinks:
# QEMU switches over only when it believes the whole RAM fits in
# downtime-limit, i.e. when  RAM <= bandwidth x downtime-limit.  By default
# "bandwidth" is QEMU's estimate from the pass so far, which under TCG
# inside TCG swings with the load of the machine (a SeaBIOS guest migrated
# in 0.8 s in one run and never in 300 s in another).  avail-switchover-
# bandwidth (QEMU >= 8.2) replaces the estimate in that decision only, so
# QEMU switches over at its first check (once the destination acked the
# device's initial bytes, with switchover-ack) whatever TCG's speed.  The
# downtime itself is what it is: the final pass still sends the whole RAM.
# E2E_SWITCHOVER_BW=0 leaves the decision to the estimate (the "cancel"
# phase, which must stay in pre-copy).
E2E_SWITCHOVER_BW_DEFAULT=1073741824	# 1 GiB/s x 8 s >> 128 MiB of RAM

# e2e_migrate <src> <dst> <caps json list> [parameters json]: run one
# migration, print "status total_ms downtime_ms"; status "setup-error" if
# QEMU refused a capability or parameter.  A poll QEMU leaves unanswered
# (its switchover holds the main loop) is asked again, up to the timeout.
# E2E_MIGRATING=<function>: called with <src> at each poll while the
# migration runs (its output is dropped).
e2e_migrate() {
	src=$1 dst=$2 caps=$3 params=${4:-}
	l2_qmp "$dst" "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":$caps}}" \
		"{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"unix:$L2DIR/$dst.mig\"}}" \
		>"$L2DIR/$dst.qmp.log"
	[ -n "$params" ] && l2_qmp "$dst" \
		"{\"execute\":\"migrate-set-parameters\",\"arguments\":$params}" >>"$L2DIR/$dst.qmp.log"
	l2_qmp "$src" "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":$caps}}" \
		"{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"downtime-limit\":${E2E_DOWNTIME_LIMIT:-8000},\"max-bandwidth\":${E2E_MAX_BW:-1073741824},\"avail-switchover-bandwidth\":${E2E_SWITCHOVER_BW:-$E2E_SWITCHOVER_BW_DEFAULT}}}" \
		>"$L2DIR/$src.qmp.log"
	[ -n "$params" ] && l2_qmp "$src" \
		"{\"execute\":\"migrate-set-parameters\",\"arguments\":$params}" >>"$L2DIR/$src.qmp.log"
	if grep -q '"error"' "$L2DIR/$src.qmp.log" "$L2DIR/$dst.qmp.log"; then
		echo "setup-error - -"
		return
	fi
	l2_qmp "$src" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$L2DIR/$dst.mig\"}}" \
		>>"$L2DIR/$src.qmp.log"
	end=$(($(cut -d. -f1 /proc/uptime) + ${E2E_MIGRATE_TIMEOUT:-300}))
	while :; do
		st=$(l2_migrate_status "$src")
		case $st in
		completed | failed | cancelled | none) break ;;
		esac
		[ -z "${E2E_MIGRATING:-}" ] || "$E2E_MIGRATING" "$src" >/dev/null 2>&1
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || { st=timeout; break; }
		sleep 0.5
	done
	q=$(l2_query "$src" '{"execute":"query-migrate"}')
	echo "$q" >>"$L2DIR/$src.qmp.log"
	echo "$st $(echo "$q" | json_field total-time) $(echo "$q" | json_field downtime)"
}

# e2e_device_share <trace file> [waited]: microseconds p2pmig's own work
# took in the downtime, all VFs summed: SET_STATE requests and data_fd
# transfers from the source's first step taken with the vCPUs stopped
# (PRE_COPY => PRE_COPY_P2P; RUNNING => RUNNING_P2P without pre-copy;
# => STOP_COPY without P2P) to the destination's last step to RUNNING.
# The source's STOP_COPY => STOP comes after the switchover and is not in
# it.  With "waited": how many of those microseconds QEMU's threads spent
# waiting for a CPU instead (the events' waited=; 0 if they have none).
# (Timestamps are those of the trace lines, written when a step ends.)
e2e_device_share() {
	awk -v waited="${2:-}" '
	function ts() { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) return substr($i, 1, length($i) - 1) + 0; return 0 }
	function ns() { for (i = 1; i <= NF; i++) if ($i == "ns") return $(i - 1); return 0 }
	function waitns() { for (i = 1; i <= NF; i++) if ($i ~ /^waited=[0-9]+$/) return substr($i, 8) + 0; return 0 }
	/p2pmig_set_state:|p2pmig_stream:/ {
		n++; t[n] = ts(); d[n] = waited == "" ? ns() : waitns(); after[n] = / STOP_COPY => STOP /
		if (/p2pmig_set_state:/ && !start &&
		    (/ PRE_COPY => PRE_COPY_P2P / || / RUNNING => RUNNING_P2P / || /=> STOP_COPY /))
			start = t[n]
		if (/p2pmig_set_state:/ && /=> RUNNING /)
			end = t[n]
	}
	END {
		for (j = 1; j <= n; j++)
			if (start && t[j] >= start && t[j] <= end && !after[j])
				sum += d[j]
		printf "%d\n", sum / 1000
	}' "$1"
}

# e2e_replay_order <trace file> <source VF> <destination VF>: with
# switchover-ack the destination replays the VF's configuration (through
# its mailbox, inside a data_fd write) before the source stops: prints why
# the destination VF's "replay" step (p2pmig_step, ret=0) did not end
# before the source VF's PRE_COPY => PRE_COPY_P2P began; nothing if it did.
e2e_replay_order() {
	awk -v src="$2" -v dst="$3" '
	function ts() { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) return substr($i, 1, length($i) - 1) + 0; return 0 }
	function at(name) { for (i = 1; i <= NF; i++) if ($i == name) return i; return 0 }
	/p2pmig_step:/ {
		k = at("p2pmig_step:")
		if ($(k + 1) != dst || $(k + 2) != "replay")
			next
		nrep++
		r = $(k + 5); sub(/^ret=/, "", r)
		if (r + 0 != 0) { bad = r; next }
		t = ts()
		if (!good || t < good) good = t
	}
	/p2pmig_set_state:/ {
		k = at("p2pmig_set_state:")
		if ($(k + 1) == src && $(k + 2) == "PRE_COPY" && $(k + 4) == "PRE_COPY_P2P" && !p2p)
			p2p = ts() - $(k + 5) / 1000000000
	}
	END {
		if (!p2p)
			print "the source VF " src " never went PRE_COPY -> PRE_COPY_P2P"
		else if (!nrep)
			print "no p2pmig_step replay line for the destination VF " dst " in the trace"
		else if (!good)
			print "the destination VF " dst " replay failed (ret=" bad ")"
		else if (good > p2p)
			printf "the destination VF %s replay ended at %.6f s, after the source VF %s began PRE_COPY -> PRE_COPY_P2P at %.6f s\n", dst, good, src, p2p
	}' "$1"
}

# e2e_arcs <trace file>: each SET_STATE request (and under it the arcs it
# took, when there were several) and data_fd transfer with its duration, in
# microseconds; after each, the backend's steps inside it, if any
e2e_arcs() {
	awk '
	function at(name) { for (i = 1; i <= NF; i++) if ($i == name) return i; return 0 }
	function steps(d) { if (st[d] != "") print "    steps:" st[d]; st[d] = "" }
	function hex(x,  v, c) {
		v = 0; sub(/^0x/, "", x)
		while (x != "") {
			c = index("0123456789abcdef", substr(x, 1, 1)) - 1
			v = v * 16 + c; x = substr(x, 2)
		}
		return v
	}
	# " (70 MMIO, slept 2x, preempted 1x, 450 us waiting for a CPU)":
	# BAR0 accesses by p2pmig, and whether the span was off the CPU
	# meanwhile
	function off() {
		s = ""
		for (k = 1; k <= NF; k++) {
			if ($k ~ /^mmio=[1-9]/) s = s sprintf(", %d MMIO", substr($k, 6))
			if ($k ~ /^sleeps=[1-9]/) s = s sprintf(", slept %dx", substr($k, 8))
			if ($k ~ /^preemptions=[1-9]/) s = s sprintf(", preempted %dx", substr($k, 13))
			if ($k ~ /^waited=[0-9]+$/ && substr($k, 8) >= 1000)
				s = s sprintf(", %d us waiting for a CPU", substr($k, 8) / 1000)
		}
		return s == "" ? "" : " (" substr(s, 3) ")"
	}
	/p2pmig_step:/ {
		i = at("p2pmig_step:"); d = $(i + 1)
		st[d] = st[d] sprintf(" %s %d us%s", $(i + 2), $(i + 3) / 1000, off())
	}
	/p2pmig_arc:/ {
		i = at("p2pmig_arc:"); d = $(i + 1)
		arcs[d, ++n[d]] = sprintf("    %s -> %s %d us%s", $(i + 2), $(i + 4), $(i + 5) / 1000, off())
	}
	/p2pmig_set_state:/ {
		i = at("p2pmig_set_state:"); d = $(i + 1)
		printf "%s: %s -> %s %d us%s\n", d, $(i + 2), $(i + 4), $(i + 5) / 1000, off()
		for (j = 1; n[d] > 1 && j <= n[d]; j++) print arcs[d, j]
		n[d] = 0
		steps(d)
	}
	/p2pmig_stream:/ {
		i = at("p2pmig_stream:"); d = $(i + 1)
		printf "%s: %s %s bytes %d us%s\n", d, $(i + 2), $(i + 3), $(i + 8) / 1000, off()
		steps(d)
	}
	# DMA log reports (device dirty tracking): summed per device
	/p2pmig_log:/ {
		i = at("p2pmig_log:"); d = $(i + 1); b = $(i + 4) + 0
		split($(i + 3), r, "+"); len = r[2]; sub(/:$/, "", len)
		if (!(d in nrep)) devs[++ndev] = d
		nrep[d]++; sum[d] += b
		if (b > big[d]) big[d] = b
		# the whole range asked: a queue the tracker lost
		if (b == hex(len)) whole[d]++
	}
	END {
		for (k = 1; k <= ndev; k++) {
			d = devs[k]
			printf "%s: %d DMA log reports, %d of them the whole range, largest %d KiB, %d KiB in all\n",
			       d, nrep[d], whole[d], big[d] / 1024, sum[d] / 1024
		}
	}' "$1"
}

# e2e_states <trace file>: the device states the migration went through
e2e_states() {
	grep -o 'p2pmig_set_state: [^ ]* [A-Z_0-9]* => [A-Z_0-9]*' "$1" |
		awk '{ print $2 ": " $3 " -> " $5 }'
}

# e2e_ping_report <serial files...>: the L2's ping result line
e2e_ping_report() {
	cat "$@" 2>/dev/null | tr -d '\r' | grep '^L2-PING' | tail -1
}

# e2e_tx_done [serial file]: frames the Linux guest's igbvf reclaimed after
# sending them (its tx_packets), as it reported on a QEMU's console (dst's
# by default); it reclaims only from its TX interrupt
e2e_tx_done() {
	tr -d '\r' <"${1:-$L2DIR/dst.serial}" | sed -n 's/^L2-IRQ end:.* tx_packets=\([0-9]*\).*/\1/p'
}
