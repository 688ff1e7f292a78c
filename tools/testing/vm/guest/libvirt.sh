# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
#
# libvirt in the test bed guest (L1): Debian's libvirtd and virsh from a
# root shared read-only over 9p (qemu-root.sh -l, run-l1.sh -r), run
# chrooted into it with L1's /proc, /sys, /dev and kernel modules, its
# writable places on tmpfs.  The scenario: a nested Linux guest with a
# <hostdev managed='yes'> VF - libvirt picks p2pmig from modules.alias and
# binds the VF itself - saved with `virsh save` and restored with `virsh
# restore` onto a VF of the other PF.  Sourced after lib.sh, l2lib.sh,
# e2e.sh and scenarios.sh, once e2e_setup ran.

LV_ROOT=${LV_ROOT:-/sysroot}
LV_DIR=/tmp		# the root's /tmp: L1's $L2DIR
LV_TIMEOUT=600		# seconds any one virsh command may take

# lv_in <command...>: run in the root
lv_in() {
	chroot "$LV_ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
		LANG=C.UTF-8 "$@"
}

# lv_virsh <args...>: virsh on the local libvirtd, bounded in time
lv_virsh() {
	timeout $LV_TIMEOUT chroot "$LV_ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/tmp LANG=C.UTF-8 virsh -q -k 0 -c qemu:///system "$@"
}

# lv_start: mount what the root needs, start libvirtd, wait until it
# answers
lv_start() {
	r=$LV_ROOT
	[ -x "$r/usr/sbin/libvirtd" ] || { log "no libvirtd in $r"; return 1; }
	mount --bind /proc "$r/proc" && mount --bind /sys "$r/sys" &&
		mount --bind /dev "$r/dev" && mount --bind "${LV_MODULES:-/lib/modules}" "$r/usr/lib/modules" &&
		mount --bind "$L2KIT" "$r/mnt" || { log "mounting into $r failed"; return 1; }
	mkdir -p "$L2DIR" && mount --bind "$L2DIR" "$r/tmp" || { log "mounting $L2DIR failed"; return 1; }
	for d in run var/lib/libvirt var/cache/libvirt var/log; do
		mount -t tmpfs tmpfs "$r/$d" || { log "tmpfs on $r/$d failed"; return 1; }
	done
	mkdir -p /tmp/lv-etc "$r/var/log/libvirt/qemu"
	cp -a "$r/etc/libvirt/." /tmp/lv-etc/ && mount --bind /tmp/lv-etc "$r/etc/libvirt" ||
		{ log "a writable /etc/libvirt failed"; return 1; }
	# the module indexes as Debian's depmod writes them (libvirt's modprobe)
	lv_in depmod "$(uname -r)" || { log "depmod in $r failed"; return 1; }
	lv_in /usr/sbin/libvirtd --daemon || { log "libvirtd did not start"; return 1; }
	n=0
	until lv_virsh version >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -lt 300 ] || { log "libvirtd did not answer in 300 s"; return 1; }
		sleep 1
	done
	log "libvirtd answers after ${n} s: $(lv_virsh version | tr '\n' ' ')"
}

# lv_stop: no domain left, libvirtd gone, nothing mounted
lv_stop() {
	r=$LV_ROOT
	for d in $(lv_virsh list --name 2>/dev/null); do
		lv_virsh destroy "$d" >/dev/null 2>&1
	done
	p=$(cat "$r/run/libvirtd.pid" 2>/dev/null)
	if [ -n "$p" ]; then
		kill "$p" 2>/dev/null
		n=0
		while kill -0 "$p" 2>/dev/null && [ $n -lt 20 ]; do
			sleep 0.5
			n=$((n + 1))
		done
		kill -9 "$p" 2>/dev/null
	fi
	for d in etc/libvirt var/log var/cache/libvirt var/lib/libvirt tmp run mnt \
		 usr/lib/modules dev sys proc; do
		umount "$r/$d" 2>/dev/null
	done
	return 0
}

# lv_pci_address <bdf>: a PCI address as libvirt's <address> attributes
lv_pci_address() {
	echo "$1" | sed -E "s/^(....):(..):(..)\.(.)$/domain='0x\1' bus='0x\2' slot='0x\3' function='0x\4'/"
}

# lv_domain <name> <VF> <serial> <kernel command line>: a domain with the
# L2 kit's kernel and a VF as a managed hostdev; QEMU's vfio-pci defaults
# (migration "auto") as libvirt leaves them
lv_domain() {
	cat <<-EOF
	<domain type='qemu'>
	  <name>$1</name>
	  <memory unit='MiB'>128</memory>
	  <vcpu>1</vcpu>
	  <os>
	    <type arch='x86_64' machine='q35'>hvm</type>
	    <kernel>/mnt/l2/vmlinuz</kernel>
	    <initrd>/mnt/l2/initrd.gz</initrd>
	    <cmdline>$4</cmdline>
	  </os>
	  <features><acpi/><tcg><tb-cache unit='MiB'>128</tb-cache></tcg></features>
	  <cpu mode='maximum'/>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <emulator>/usr/bin/qemu-system-x86_64</emulator>
	    <controller type='usb' model='none'/>
	    <memballoon model='none'/>
	    <serial type='file'>
	      <source path='$3' append='on'/>
	    </serial>
	    <hostdev mode='subsystem' type='pci' managed='yes'>
	      <source>
	        <address $(lv_pci_address "$2")/>
	      </source>
	    </hostdev>
	  </devices>
	</domain>
	EOF
}

# lv_move_hostdev <VF>: the domain XML on stdin with its hostdev's host
# address changed to <VF> (what a restore onto another host's VF edits)
lv_move_hostdev() {
	sed "/<source>/,/<\/source>/ s|<address domain=[^>]*/>|<address $(lv_pci_address "$1")/>|"
}

# lv_serial_wait <pattern> <timeout s>: the guest's console (libvirt's
# serial file, appended to by every QEMU of the domain) shows it
lv_serial_wait() { l2_wait_serial lv "$1" "$2"; }

# lv_driver_check <VF> <driver>: the VF is bound to <driver> (none: "")
# and its driver_override names it (libvirt writes it; we never do here);
# prints what differs
lv_driver_check() {
	o=$(cat "/sys/bus/pci/devices/$1/driver_override")
	[ "$o" = "(null)" ] && o=
	[ "$(pci_drv "$1")" = "$2" ] || echo "$1 is bound to '$(pci_drv "$1")', not '$2'"
	[ "$o" = "$2" ] || echo "$1's driver_override is '$o', not '$2'"
}

# scenario_libvirt [name]: libvirt (Debian's, chrooted) assigns a VF to a
# Linux guest with <hostdev managed='yes'> - it finds p2pmig in
# modules.alias, loads and binds it itself - then `virsh save` and `virsh
# restore` onto a VF of the other PF (the saved XML's hostdev address
# edited); the guest pings on, p2pmig's trace shows the arcs of both VFs.
scenario_libvirt() {
	lv_tag=${1:-libvirt-save-restore}
	sc_reset
	why=ok
	src_vf=$(vf_of "$PF0" 0)
	dst_vf=$(vf_of "$PF1" 0)
	rm -f "$L2DIR/lv.serial" "$L2DIR/lv.save"
	# what a host has before libvirt: the module installed, not loaded; the
	# VFs without a driver; their MACs set from the PF side
	for vf in $src_vf $dst_vf; do
		unbind_dev "$vf"
	done
	rmmod p2pmig || { sc_result "$lv_tag" fail "p2pmig does not unload"; return 1; }
	[ ! -e /sys/module/p2pmig ] || { sc_result "$lv_tag" fail "p2pmig is still loaded"; return 1; }
	e2e_admin_mac "$E2E_ETH0" 0 "$(e2e_mac 0)" && e2e_admin_mac "$E2E_ETH1" 0 "$(e2e_mac 0)" ||
		{ sc_result "$lv_tag" fail "setting the VFs' MACs"; return 1; }
	if ! lv_start; then
		lv_stop
		sc_result "$lv_tag" fail "libvirtd did not start in the test bed"
		return 1
	fi
	lv_domain l2 "$src_vf" "$LV_DIR/lv.serial" \
		"console=ttyS0 panic=-1 quiet p2pmig.secs=${LV_PING_SECS:-40}" >"$L2DIR/lv.xml"
	t0=$(cut -d' ' -f1 /proc/uptime)
	if ! lv_virsh create "$LV_DIR/lv.xml" >"$L2DIR/lv.virsh" 2>&1; then
		why="virsh create: $(tail -1 "$L2DIR/lv.virsh")"
	else
		d=$(lv_driver_check "$src_vf" p2pmig)
		[ -z "$d" ] || why="libvirt did not bind p2pmig: $d"
	fi
	if [ "$why" = ok ] && ! lv_serial_wait L2-READY 900; then
		why="the guest's network never came up"
	fi
	if [ "$why" = ok ]; then
		e2e_trace_on
		t1=$(cut -d' ' -f1 /proc/uptime)
		lv_virsh save l2 "$LV_DIR/lv.save" >>"$L2DIR/lv.virsh" 2>&1 ||
			why="virsh save: $(tail -1 "$L2DIR/lv.virsh")"
		t2=$(cut -d' ' -f1 /proc/uptime)
	fi
	if [ "$why" = ok ]; then
		d=$(lv_driver_check "$src_vf" "")
		[ -z "$d" ] || why="libvirt did not give the source VF back: $d"
	fi
	if [ "$why" = ok ]; then
		lv_virsh save-image-dumpxml --security-info "$LV_DIR/lv.save" |
			lv_move_hostdev "$dst_vf" >"$L2DIR/lv-dst.xml"
		grep -q "$(lv_pci_address "$dst_vf")" "$L2DIR/lv-dst.xml" ||
			why="the saved domain's XML has no hostdev to move"
	fi
	if [ "$why" = ok ]; then
		lv_virsh restore "$LV_DIR/lv.save" --xml "$LV_DIR/lv-dst.xml" --running \
			>>"$L2DIR/lv.virsh" 2>&1 || why="virsh restore: $(tail -1 "$L2DIR/lv.virsh")"
		t3=$(cut -d' ' -f1 /proc/uptime)
		e2e_trace_off "$L2DIR/trace"
		echo "#   virsh save $(echo "$t1 $t2" | awk '{ printf "%.1f", $2 - $1 }') s," \
			"restore $(echo "$t2 $t3" | awk '{ printf "%.1f", $2 - $1 }') s"
		e2e_states "$L2DIR/trace" | sed 's/^/#   arc: /'
	fi
	if [ "$why" = ok ]; then
		d=$(lv_driver_check "$dst_vf" p2pmig)
		if [ -n "$d" ]; then
			why="libvirt did not bind p2pmig on restore: $d"
		elif ! e2e_states "$L2DIR/trace" | grep -q "^$src_vf: .* -> STOP_COPY\$"; then
			why="the source VF $src_vf never went to STOP_COPY"
		elif ! e2e_states "$L2DIR/trace" | grep -q "^$dst_vf: RESUMING -> "; then
			why="the destination VF $dst_vf never left RESUMING"
		elif ! e2e_states "$L2DIR/trace" | grep -q "^$dst_vf: .* -> RUNNING\$"; then
			why="the destination VF $dst_vf never went to RUNNING"
		elif ! lv_serial_wait L2-DONE $((${LV_PING_SECS:-40} * 4)); then
			why="the guest did not finish after the restore"
		else
			sc_ping_verdict "$L2DIR/lv.serial" "$L2DIR/lv.serial"
			[ -z "$sc_ping_why" ] || why=$sc_ping_why
		fi
	fi
	sc_total=$(echo "$t0 $(cut -d' ' -f1 /proc/uptime)" | awk '{ printf "%d", ($2 - $1) * 1000 }')
	# how libvirt gave QEMU the VF, at start and at restore
	grep -h 'vfio-pci' "$LV_ROOT/var/log/libvirt/qemu/l2.log" 2>/dev/null |
		sed 's/^/#   QEMU by libvirt: /'
	if [ "$why" != ok ]; then
		grep -h -e ' error : ' -e ' warning : ' "$LV_ROOT/var/log/libvirt/libvirtd.log" 2>/dev/null |
			tail -6 | sed 's/^/#   libvirtd: /'
		tail -6 "$LV_ROOT/var/log/libvirt/qemu/l2.log" 2>/dev/null | sed 's/^/#   QEMU: /'
		tr -d '\r' <"$L2DIR/lv.serial" 2>/dev/null | grep -v '^$' | tail -8 | sed 's/^/#   L2: /'
	fi
	lv_stop
	e2e_release "$E2E_ETH0" 1
	e2e_release "$E2E_ETH1" 1
	if [ "$why" != ok ]; then
		sc_result "$lv_tag" fail "$why"
		return 1
	fi
	sc_result "$lv_tag" pass "libvirt bound p2pmig itself; saved, restored onto $dst_vf, ping survived"
}
