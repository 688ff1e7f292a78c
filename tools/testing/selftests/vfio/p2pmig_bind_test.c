// SPDX-License-Identifier: GPL-2.0
/*
 * Binding p2pmig: only through driver_override, repeatedly, with the
 * device open, and with VFs of two PFs side by side.
 *
 * Needs P2PMIG_VF_SPARE (a VF this test may bind and unbind), and
 * P2PMIG_VF_A / P2PMIG_VF_C (VFs on different PFs, bound to p2pmig).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "lib/bed_harness.h"
#include "lib/vfio_util.h"

#define CYCLES 5

TEST(probe_without_driver_override_leaves_vf_alone)
{
	const char *bdf = test_vf("SPARE");
	char drv[64];

	if (!bdf)
		SKIP(return, "P2PMIG_VF_SPARE not set");
	ASSERT_EQ(0, pci_bind(bdf, ""));
	ASSERT_EQ(0, pci_driver_of(bdf, drv, sizeof(drv)));
	EXPECT_STRNE(P2PMIG_DRIVER, drv);

	ASSERT_EQ(0, pci_bind(bdf, P2PMIG_DRIVER));
	ASSERT_EQ(0, pci_driver_of(bdf, drv, sizeof(drv)));
	EXPECT_STREQ(P2PMIG_DRIVER, drv);
	EXPECT_EQ(0, pci_bind(bdf, ""));
}

TEST(bind_open_unbind_cycles_keep_vf_usable)
{
	const char *bdf = test_vf("SPARE");
	struct vfio_dev dev;
	uint16_t did;
	int i, ret;

	if (!bdf)
		SKIP(return, "P2PMIG_VF_SPARE not set");
	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, pci_bind(bdf, P2PMIG_DRIVER)) TH_LOG("cycle %d: bind", i);
		ret = vfio_dev_open(&dev, bdf, -1);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: open: %s: %s", i, dev.failed_step,
					 strerror(-ret));
		EXPECT_EQ(0, vfio_cfg_read(&dev, 2, &did, sizeof(did)));
		EXPECT_EQ(IGBVF_DEVICE_ID, did);
		EXPECT_EQ(0, ioctl(dev.fd, VFIO_DEVICE_RESET));
		vfio_dev_close(&dev);
		ASSERT_EQ(0, pci_unbind(bdf)) TH_LOG("cycle %d: unbind", i);
	}
	EXPECT_EQ(0, pci_bind(bdf, ""));
}

static int unbind_returned;

static void *unbind_thread(void *arg)
{
	long ret = pci_unbind(arg);

	__atomic_store_n(&unbind_returned, 1, __ATOMIC_SEQ_CST);
	return (void *)ret;
}

/* Unbinding an open VF asks its user to let go (VFIO_PCI_REQ_IRQ_INDEX). */
TEST(unbind_of_open_vf_signals_request_and_waits_for_close)
{
	const char *bdf = test_vf("SPARE");
	struct vfio_dev dev;
	pthread_t thread;
	char drv[64];
	void *ret;
	int efd;

	if (!bdf)
		SKIP(return, "P2PMIG_VF_SPARE not set");
	ASSERT_EQ(0, pci_bind(bdf, P2PMIG_DRIVER));
	ASSERT_EQ(0, vfio_dev_open(&dev, bdf, -1));
	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, vfio_irq_set_eventfds(&dev, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &efd));

	ASSERT_EQ(0, pthread_create(&thread, NULL, unbind_thread, (void *)bdf));
	EXPECT_LT(0, eventfd_wait(efd, 10000)) TH_LOG("no device request");
	/* the unbind waits for the user to close the device */
	usleep(300 * 1000);
	EXPECT_EQ(0, __atomic_load_n(&unbind_returned, __ATOMIC_SEQ_CST));

	vfio_dev_close(&dev);
	ASSERT_EQ(0, pthread_join(thread, &ret));
	EXPECT_EQ(0, (long)ret);
	EXPECT_EQ(1, __atomic_load_n(&unbind_returned, __ATOMIC_SEQ_CST));
	ASSERT_EQ(0, pci_driver_of(bdf, drv, sizeof(drv)));
	EXPECT_STREQ("", drv);
	close(efd);
	EXPECT_EQ(0, pci_bind(bdf, ""));
}

TEST(vfs_of_two_pfs_open_in_separate_groups_of_one_container)
{
	const char *a = test_vf("A"), *c = test_vf("C");
	struct vfio_dev da, dc;
	uint16_t did;
	int ret;

	if (!a || !c)
		SKIP(return, "P2PMIG_VF_A or P2PMIG_VF_C not set");
	ret = vfio_dev_open(&da, a, -1);
	ASSERT_EQ(0, ret) TH_LOG("open %s: %s: %s", a, da.failed_step, strerror(-ret));
	ret = vfio_dev_open(&dc, c, da.container);
	ASSERT_EQ(0, ret) TH_LOG("open %s: %s: %s", c, dc.failed_step, strerror(-ret));
	EXPECT_NE(da.group_id, dc.group_id);
	EXPECT_EQ(0, vfio_cfg_read(&dc, 2, &did, sizeof(did)));
	EXPECT_EQ(IGBVF_DEVICE_ID, did);
	vfio_dev_close(&dc);
	vfio_dev_close(&da);
}

/* libvirt and driverctl find a variant driver through its vfio_pci: alias. */
TEST(modules_alias_maps_vfio_pci_alias_to_p2pmig)
{
	char path[256], line[512];
	struct utsname u;
	bool found = false;
	FILE *f;

	ASSERT_EQ(0, uname(&u));
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "alias vfio_pci:v00008086d000010CAsv*sd*bc*sc*i* p2pmig\n"))
			found = true;
	fclose(f);
	EXPECT_TRUE(found);
}

TEST_HARNESS_MAIN
