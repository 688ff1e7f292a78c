#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# packaging.sh <out>: the way users install p2pmig, tested in clean Debian
# roots (mmdebstrap, apt variant) with apt from Debian's archive:
#   bookworm (+ backports): the 6.12 test bed kernel's headers first, then
#     `apt-get install ./p2pmig-dkms_*.deb`: DKMS builds the module while
#     the package installs; then `make install` / `make uninstall` from the
#     tree against the same headers.
#   trixie (+ backports): the package first, with no kernel at all, then
#     the 7.x kernel and its headers: DKMS's kernel hooks build the module.
# In each: `dkms status`, modinfo (the module under updates/dkms, its
# vfio_pci: alias), modprobe's view of its dependencies; purging the
# package leaves nothing of p2pmig behind.
# The modules DKMS built are left as <out>/<kver>/p2pmig.ko: the test bed
# boots them (check.sh).  TAP on stdout; logs in <out>/*.log.
set -uo pipefail
. "$(dirname "$0")/config.sh"
load_versions || exit 1

out=$1
ALIAS='vfio_pci:v00008086d000010CAsv*sd*bc*sc*i*'
n=0
result() {	# result <rc> <description>
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - packaging: $2"
	else
		echo "not ok $n - packaging: $2"
	fi
}

# dkms_built <root> <kver>: DKMS says installed, modinfo finds the module
# DKMS put under updates/dkms and its vfio_pci: alias
dkms_built() {
	local root=$1 k=$2 st f
	st=$(in_root "$root" dkms status -m p2pmig -k "$k" 2>/dev/null)
	echo "# dkms status: $st"
	case $st in
	*": installed"*) ;;
	*) return 1 ;;
	esac
	f=$(in_root "$root" modinfo -k "$k" -F filename p2pmig 2>&1)
	echo "# modinfo -k $k: $f"
	case $f in
	"/lib/modules/$k/updates/dkms/p2pmig.ko"*) ;;
	*) return 1 ;;
	esac
	f=$(in_root "$root" modinfo -k "$k" -F alias p2pmig 2>&1)
	grep -qxF "$ALIAS" <<<"$f" || { echo "# no alias $ALIAS in: $f"; return 1; }
}

# depends_known <root> <kver>: modprobe resolves p2pmig with vfio-pci-core
depends_known() {
	local deps
	deps=$(in_root "$1" modprobe -S "$2" --show-depends p2pmig 2>&1)
	grep -q '/vfio-pci-core\.ko' <<<"$deps" || { echo "# modprobe --show-depends: $deps"; return 1; }
}

# take_module <root> <kver>: copy what DKMS built out for the test bed
take_module() {
	local root=$1 k=$2 f
	f=$(ls "$root/lib/modules/$k/updates/dkms/"p2pmig.ko* 2>/dev/null | head -1)
	[ -n "$f" ] || return 1
	mkdir -p "$out/$k"
	case $f in
	*.xz) xz -dc "$f" >"$out/$k/p2pmig.ko" ;;
	*.zst) zstd -qdc "$f" >"$out/$k/p2pmig.ko" ;;
	*) cp "$f" "$out/$k/p2pmig.ko" ;;
	esac
	# a module for that kernel
	f=$(modinfo -F vermagic "$out/$k/p2pmig.ko" 2>&1)
	case $f in
	"$k "*) ;;
	*) echo "# vermagic of $out/$k/p2pmig.ko: $f"; rm -f "$out/$k/p2pmig.ko"; return 1 ;;
	esac
}

# nothing_left <root> <kver>: no trace of p2pmig after a purge, not even
# in the module index
nothing_left() {
	local root=$1 k=$2 left
	left=$(cd "$root" && ls -d usr/src/p2pmig-* var/lib/dkms/p2pmig \
		lib/modules/*/updates/dkms/p2pmig.ko* 2>/dev/null)
	[ -z "$left" ] || { echo "# left behind: $left"; return 1; }
	! grep -qs p2pmig "$root/lib/modules/$k/modules.alias" "$root/lib/modules/$k/modules.dep" ||
		{ echo "# p2pmig still in the module index of $k"; return 1; }
	! in_root "$root" dpkg -s p2pmig-dkms >/dev/null 2>&1
}

rm -rf "$out"
mkdir -p "$out"
t0=$SECONDS
if make -s -C "$TOP" deb DEB_OUT="$out/deb" >"$out/deb.log" 2>&1; then
	result 0 "make deb builds p2pmig-dkms with dh-dkms"
else
	result 1 "make deb builds p2pmig-dkms with dh-dkms"
	tail -20 "$out/deb.log"
	exit 0
fi
deb=$(ls "$out"/deb/p2pmig-dkms_*_all.deb)
ver=$(dpkg-deb -f "$deb" Version)

# --- bookworm: headers first, then the package ------------------------------
k=$K_TESTBED
root=$out/bookworm
log=$out/bookworm.log
if mkroot bookworm "$root" "$log" &&
	apt_in "$root" "$log" install -t bookworm-backports "linux-headers-$k"; then
	cp "$deb" "$root/tmp/"
	apt_in "$root" "$log" install "/tmp/${deb##*/}"
	result $? "[bookworm] apt-get install ./${deb##*/} succeeds with the $k headers installed"
	dkms_built "$root" "$k"
	result $? "[bookworm] DKMS built and installed p2pmig $ver for $k; modinfo shows the vfio_pci: alias"
	depends_known "$root" "$k"
	result $? "[bookworm] modprobe resolves p2pmig and its dependency on vfio-pci-core"
	take_module "$root" "$k"
	result $? "[bookworm] the module DKMS built is taken for the $(kshort "$k") test bed"
	# the check must see the installed package before it may pass the purge
	! nothing_left "$root" "$k" >/dev/null && apt_in "$root" "$log" purge p2pmig-dkms &&
		nothing_left "$root" "$k"
	result $? "[bookworm] apt-get purge p2pmig-dkms leaves nothing of p2pmig behind"
	# make install / uninstall from the tree, against the same headers
	copy_module_sources "$root/root/p2pmig"
	in_root "$root" make -C /root/p2pmig install KDIR="/lib/modules/$k/build" >>"$log" 2>&1 &&
		f=$(in_root "$root" modinfo -k "$k" -F filename p2pmig 2>&1) &&
		echo "# modinfo -k $k after make install: $f" &&
		case $f in "/lib/modules/$k/updates/drivers/vfio/pci/p2pmig/p2pmig.ko"*) true ;; *) false ;; esac
	result $? "[bookworm] make install puts p2pmig under updates/ and depmod finds it"
	in_root "$root" make -C /root/p2pmig uninstall KDIR="/lib/modules/$k/build" >>"$log" 2>&1 &&
		! in_root "$root" modinfo -k "$k" p2pmig >/dev/null 2>&1
	result $? "[bookworm] make uninstall removes it and depmod forgets it"
else
	result 1 "[bookworm] a clean root with the $k headers (see $log)"
	tail -20 "$log"
fi

# --- trixie: the package first, then the kernel and its headers -------------
k=$K_7
root=$out/trixie
log=$out/trixie.log
if mkroot trixie "$root" "$log"; then
	cp "$deb" "$root/tmp/"
	apt_in "$root" "$log" install "/tmp/${deb##*/}"
	result $? "[trixie] apt-get install ./${deb##*/} succeeds with no kernel installed"
	apt_in "$root" "$log" install -t trixie-backports "linux-image-$k" "linux-headers-$k" &&
		dkms_built "$root" "$k"
	result $? "[trixie] installing the $k kernel and headers afterwards builds p2pmig through DKMS's kernel hooks"
	depends_known "$root" "$k"
	result $? "[trixie] modprobe resolves p2pmig and its dependency on vfio-pci-core"
	take_module "$root" "$k"
	result $? "[trixie] the module DKMS built is taken for the $(kshort "$k") test bed"
	# the check must see the installed package before it may pass the purge
	! nothing_left "$root" "$k" >/dev/null && apt_in "$root" "$log" purge p2pmig-dkms &&
		nothing_left "$root" "$k"
	result $? "[trixie] apt-get purge p2pmig-dkms leaves nothing of p2pmig behind"
else
	result 1 "[trixie] a clean root (see $log)"
	tail -20 "$log"
fi
echo "# packaging: $((SECONDS - t0)) s"
# the roots are large; only the modules and logs stay
rm -rf "$out/bookworm" "$out/trixie"
