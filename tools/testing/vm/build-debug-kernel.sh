#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debug-kernel.sh: build the test bed's debug kernel from Debian's
# linux-source-6.12 (deps.sh downloads it) with tools/testing/vm/debug.config:
# allnoconfig plus the test bed's drivers plus lockdep, KASAN, UBSAN,
# kmemleak, list/object debugging and the lockup and hung-task detectors.
#
# The result has the layout of a kernel deps.sh extracts, so the rest of the
# test bed uses it as it uses Debian's:
#   $CACHE/kernels/<kver>/image   boot/vmlinuz-<kver>, lib/modules/<kver>
#   $CACHE/kernels/<kver>/obj     the build tree (p2pmig.ko builds against it)
# <kver> is the source's version with "-p2pmig-debug" appended.  The build is
# kept while the source package, debug.config and this script are unchanged.
# Prints <kver>; the build log is $CACHE/kernels/debug-build.log.
set -euo pipefail
. "$(dirname "$0")/config.sh"

log() { printf 'debug-kernel: %s\n' "$*" >&2; }
die() { printf 'debug-kernel: error: %s\n' "$*" >&2; exit 1; }

frag=$VM/debug.config
deb=$(ls "$CACHE"/debs/linux-source-6.12_*.deb 2>/dev/null | sort -V | tail -1)
[ -n "$deb" ] || die "no linux-source-6.12 package in $CACHE/debs (run deps.sh)"

key=$(cat "$deb" "$frag" "$0" | sha256sum | cut -c1-16)
ver=$(dpkg-deb -f "$deb" Version)
ver=${ver%%-*}
kver=$ver-p2pmig-debug
dir=$CACHE/kernels/$kver
if [ -f "$dir/.done-$key" ]; then
	echo "$kver"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/src" "$dir/obj" "$dir/image"
blog=$CACHE/kernels/debug-build.log
t0=$SECONDS
log "extracting $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
	tar -C "$dir/src" --strip-components=1 -xJ

mk=(make -C "$dir/src" O="$dir/obj" ARCH=x86_64 LOCALVERSION=-p2pmig-debug
	KBUILD_BUILD_USER=p2pmig KBUILD_BUILD_HOST=testbed -j"$(nproc)")
# allnoconfig with the fragment as its base: only what we ask for
grep -v '^#' "$frag" >"$dir/obj/allno.config"
KCONFIG_ALLCONFIG="$dir/obj/allno.config" "${mk[@]}" allnoconfig >"$blog" 2>&1 ||
	die "allnoconfig failed, see $blog"
# every option of the fragment must have survived (a missing dependency
# drops an option silently)
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) grep -qxF "$line" "$dir/obj/.config" ||
		{ log "debug.config: $line did not survive, got: $(grep -E "^(# )?${line%%=*}[= ]" "$dir/obj/.config" || echo unset)"; bad=1; } ;;
	esac
done <"$frag"
[ $bad = 0 ] || die "debug.config does not apply to $kver"

log "building $kver (log: $blog)"
"${mk[@]}" bzImage modules >>"$blog" 2>&1 || { tail -30 "$blog" >&2; die "build failed"; }
"${mk[@]}" INSTALL_MOD_PATH="$dir/image" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod \
	modules_install >>"$blog" 2>&1 || die "modules_install failed, see $blog"
mkdir -p "$dir/image/boot"
cp "$dir/obj/arch/x86/boot/bzImage" "$dir/image/boot/vmlinuz-$kver"
cp "$dir/obj/.config" "$dir/image/boot/config-$kver"
[ -f "$dir/image/lib/modules/$kver/modules.dep" ] || die "no modules.dep for $kver"
# the build tree stays for module builds; its objects do not
find "$dir/obj" -name '*.o' ! -path '*/scripts/*' ! -path '*/tools/*' -delete
touch "$dir/.done-$key"
log "built $kver in $((SECONDS - t0)) s"
echo "$kver"
