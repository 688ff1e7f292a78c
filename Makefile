# SPDX-License-Identifier: GPL-2.0
#
# p2pmig: out-of-tree VFIO PCI variant driver.
#
#   make                 build drivers/vfio/pci/p2pmig/p2pmig.ko against KDIR
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
#   QEMU developer's own build; by default Debian's.
#
KDIR ?= /lib/modules/$(shell uname -r)/build
TESTBED := tools/testing/vm
ifneq ($(QEMU),)
export P2PMIG_QEMU := $(abspath $(QEMU))
endif

.PHONY: all modules clean check demo deps selftests bench fuzz

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/testing/selftests/vfio clean
	$(MAKE) -C bench clean
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
