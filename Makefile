# SPDX-License-Identifier: GPL-2.0
#
# p2pmig: out-of-tree VFIO PCI variant driver.
#
#   make                 build drivers/vfio/pci/p2pmig/p2pmig.ko against KDIR
#   make install         install it for KDIR's kernel, as
#                        <INSTALL_MOD_DIR>/drivers/vfio/pci/p2pmig/p2pmig.ko
#                        (default updates/; INSTALL_MOD_PATH for another
#                        root), and run depmod
#   make uninstall       remove what make install put there
#   make deb             the Debian package p2pmig-dkms (DKMS builds the
#                        module on the machine it is installed on), in DEB_OUT
#   make check           install deps, build, boot the test bed, run every test
#   make demo            the test bed's main job (see README.md)
#   make bench           benchmarks in the test bed (figures, not tests);
#                        writes bench/RESULTS.md
#   make fuzz            the long libFuzzer runs over the stream parser and
#                        the igbvf record validation behind it (figures per
#                        target: executions/s, coverage, crashes)
#
#   QEMU=/path/to/qemu-system-x86_64 (demo, check, bench): the QEMU that the
#   end-to-end scenarios run inside the test bed as the VFIO client, e.g. a
#   QEMU developer's own build; by default Debian's.  QEMU_ROOT=/path/to/root:
#   a QEMU installed in that root (QEMU= then names it inside the root),
#   run with the root's libraries and firmware.
#
KDIR ?= /lib/modules/$(shell uname -r)/build
TESTBED := tools/testing/vm
ifneq ($(QEMU),)
export P2PMIG_QEMU := $(abspath $(QEMU))
endif
ifneq ($(QEMU_ROOT),)
export P2PMIG_QEMU_ROOT := $(abspath $(QEMU_ROOT))
endif

KVER = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
INSTALL_MOD_DIR ?= updates
DEB_OUT ?= build/deb
# what the source package holds: the module's sources and the packaging
DEB_FILES := Makefile Kbuild LICENSE README.md dkms.conf debian drivers include

.PHONY: all modules install uninstall deb clean check demo deps selftests bench fuzz

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	@test -n "$(KVER)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

uninstall:
	@test -n "$(KVER)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/drivers/vfio/pci/p2pmig/p2pmig.ko*
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

# built from a copy of the working tree without build products
deb:
	rm -rf $(DEB_OUT)/p2pmig $(DEB_OUT)/p2pmig-dkms_* $(DEB_OUT)/p2pmig_*
	mkdir -p $(DEB_OUT)/p2pmig
	tar -C $(CURDIR) --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	    --exclude='*.mod.c' --exclude='.*.cmd' --exclude=modules.order \
	    --exclude=Module.symvers -cf - $(DEB_FILES) | tar -C $(DEB_OUT)/p2pmig -xf -
	cd $(DEB_OUT)/p2pmig && dpkg-buildpackage -b -uc -us
	@ls $(DEB_OUT)/p2pmig-dkms_*.deb

# DKMS cleans its copy of the sources (no selftests, no bench) with it too
clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(if $(wildcard tools/testing/selftests/vfio),$(MAKE) -C tools/testing/selftests/vfio clean)
	$(if $(wildcard bench/Makefile),$(MAKE) -C bench clean)
	rm -rf build

deps:
	$(TESTBED)/deps.sh

selftests:
	$(MAKE) -C tools/testing/selftests/vfio

check:
	$(TESTBED)/check.sh

demo:
	$(TESTBED)/demo.sh

bench:
	$(TESTBED)/bench.sh

fuzz:
	$(TESTBED)/fuzz.sh
