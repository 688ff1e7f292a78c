// SPDX-License-Identifier: GPL-2.0
/*
 * A VF bound to p2pmig behaves as under vfio-pci: it opens through the VFIO
 * group/container API and serves config space, BARs, MSI-X and reset.
 *
 * Needs P2PMIG_VF_A: an 82576 VF bound to p2pmig (the test bed sets it).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "lib/bed_harness.h"
#include "lib/vfio_util.h"

/* 82576 VF registers (BAR0 offsets) */
#define VTSTATUS	0x0008
#define VMBMEM1		0x0804
#define VTEICS		0x1520
#define VTEIMS		0x1524
#define VTEIMC		0x1528
#define VTEICR		0x1580
#define VTEITR1		0x1684
#define RXDCTL0		0x2828
#define RDBAL1		0x2900
#define RXDCTL_EN	(1u << 25)
#define NR_MSIX		3
#define PCI_COMMAND	0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_CAP_PTR	0x34
#define PCI_CAP_ID_MSIX	0x11
#define PAGE		0x1000u

FIXTURE(vf) {
	struct vfio_dev dev;
};

FIXTURE_SETUP(vf)
{
	const char *bdf = test_vf("A");
	int ret;

	if (!bdf)
		SKIP(return, "P2PMIG_VF_A not set: no VF bound to p2pmig");
	ret = vfio_dev_open(&self->dev, bdf, -1);
	ASSERT_EQ(0, ret) TH_LOG("open %s through VFIO: %s: %s", bdf,
				 self->dev.failed_step, strerror(-ret));
}

FIXTURE_TEARDOWN(vf)
{
	vfio_dev_close(&self->dev);
}

TEST_F(vf, device_info_reports_pci_with_reset)
{
	struct vfio_device_info *info = &self->dev.info;

	EXPECT_TRUE(info->flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_TRUE(info->flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_GE(info->num_regions, VFIO_PCI_NUM_REGIONS);
	EXPECT_GE(info->num_irqs, VFIO_PCI_NUM_IRQS);
}

TEST_F(vf, config_space_reads_82576_vf_ids)
{
	uint16_t ids[2];

	ASSERT_EQ(0, vfio_cfg_read(&self->dev, 0, ids, sizeof(ids)));
	EXPECT_EQ(IGBVF_VENDOR_ID, ids[0]);
	EXPECT_EQ(IGBVF_DEVICE_ID, ids[1]);
}

TEST_F(vf, regions_expose_bar0_and_msix_bar3)
{
	struct vfio_region_info *bar0 = &self->dev.region[VFIO_PCI_BAR0_REGION_INDEX];
	struct vfio_region_info *bar3 = &self->dev.region[VFIO_PCI_BAR3_REGION_INDEX];
	struct vfio_region_info *cfg = &self->dev.region[VFIO_PCI_CONFIG_REGION_INDEX];

	EXPECT_EQ(0x4000, bar0->size);
	EXPECT_TRUE(bar0->flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_TRUE(bar0->flags & VFIO_REGION_INFO_FLAG_WRITE);
	EXPECT_TRUE(bar0->flags & VFIO_REGION_INFO_FLAG_MMAP);
	EXPECT_EQ(0x4000, bar3->size);
	EXPECT_GE(cfg->size, 256);
	EXPECT_EQ(0, self->dev.region[VFIO_PCI_BAR1_REGION_INDEX].size);
}

/* the region info of @index, and its sparse mmap capability (or NULL) */
static struct vfio_region_info_cap_sparse_mmap *
region_sparse(int fd, uint32_t index, uint64_t *buf, size_t size)
{
	struct vfio_region_info *info = (void *)buf;
	struct vfio_region_info_cap_sparse_mmap *sparse = NULL;
	struct vfio_info_cap_header *cap;
	uint32_t off;

	memset(buf, 0, size);
	info->argsz = size;
	info->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info))
		return NULL;
	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (off = info->cap_offset; off && off < size; off = cap->next) {
		cap = (void *)((char *)buf + off);
		if (cap->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			sparse = (void *)cap;
	}
	return sparse;
}

/*
 * Does p2pmig trap the queue registers (pages 2 and 3) for device dirty
 * tracking?  It does when it offers DMA logging (dirty_tracking=1, on a
 * kernel with DMA logging); then the mmap area is page 1 alone.
 */
static bool queues_trapped(int fd)
{
	uint64_t buf[4] = {};
	struct vfio_device_feature *f = (void *)buf;

	f->argsz = sizeof(*f);
	f->flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		   VFIO_DEVICE_FEATURE_DMA_LOGGING_START;
	return !ioctl(fd, VFIO_DEVICE_FEATURE, f);
}

/*
 * BAR0's first page (control, mailbox, statistics) is trapped by p2pmig,
 * and so are the queue registers' pages when it offers DMA logging: the
 * region info offers only the rest for mmap, and through both ways the
 * registers read the same.
 */
TEST_F(vf, bar0_mmap_areas_leave_out_the_trapped_pages)
{
	uint64_t buf[64];
	struct vfio_region_info *info = (void *)buf;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	bool queues = queues_trapped(self->dev.fd);
	uint32_t reg = queues ? VTEITR1 : RDBAL1, len = queues ? 0x1000 : 0x3000;
	volatile uint32_t *map;
	uint32_t v;
	void *p;

	TH_LOG("queue registers %s", queues ? "trapped (DMA logging)" : "mmapped");
	sparse = region_sparse(self->dev.fd, VFIO_PCI_BAR0_REGION_INDEX, buf, sizeof(buf));
	ASSERT_TRUE(info->flags & VFIO_REGION_INFO_FLAG_MMAP);
	ASSERT_NE(NULL, sparse);
	ASSERT_EQ(1, sparse->nr_areas);
	EXPECT_EQ(0x1000, sparse->areas[0].offset);
	EXPECT_EQ(len, sparse->areas[0].size);

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->dev.fd,
		 info->offset + 0x1000);
	ASSERT_NE(MAP_FAILED, p);
	map = p;

	/* a register of the area: written one way, read the other */
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, reg, 0x00000200));
	EXPECT_EQ(0x00000200, map[(reg - 0x1000) / 4]);
	map[(reg - 0x1000) / 4] = 0x00000100;
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, reg, &v));
	EXPECT_EQ(0x00000100, v);
	munmap(p, len);

	/* a trapped queue register answers through the region */
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, RDBAL1, 0x00345000));
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, RDBAL1, &v));
	EXPECT_EQ(0x00345000, v);

	/* the trapped page still answers through the region */
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, VTSTATUS, &v));
	EXPECT_NE(0xffffffffu, v);
	EXPECT_EQ(-EINVAL, vfio_bar0_read32(&self->dev, VTSTATUS + 2, &v));
}

static sigjmp_buf probe_env;

static void probe_sigbus(int sig)
{
	siglongjmp(probe_env, 1);
}

/* Access a mapped register: 0, or -EFAULT if the access got SIGBUS. */
static int probe(volatile uint32_t *reg, uint32_t *val, bool write)
{
	struct sigaction sa = { .sa_handler = probe_sigbus }, old;
	int ret = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(probe_env, 1))
		ret = -EFAULT;
	else if (write)
		*reg = *val;
	else
		*val = *reg;
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

/*
 * A program that maps BAR0 whole, not reading the sparse areas, gets its
 * mapping as under vfio-pci; only an access to the trapped page through it
 * faults (SIGBUS), and keeps faulting, while read() and write() reach the
 * trap.  Mappings of BAR0 that are partial, or only the trapped page,
 * behave the same, and a reset revokes and restores them as the core's.
 */
TEST_F(vf, whole_bar0_mapping_works_but_the_trapped_page_faults)
{
	uint64_t off = self->dev.region[VFIO_PCI_BAR0_REGION_INDEX].offset;
	volatile uint32_t *map;
	uint32_t v;
	void *p;

	bool queues = queues_trapped(self->dev.fd);
	uint32_t reg = queues ? VTEITR1 : RDBAL1;

	p = mmap(NULL, 0x4000, PROT_READ | PROT_WRITE, MAP_SHARED, self->dev.fd, off);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap of the whole BAR0: %s", strerror(errno));
	map = p;
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, reg, 0x00000200));
	ASSERT_EQ(0, probe(&map[reg / 4], &v, false));
	EXPECT_EQ(0x00000200, v);
	v = 0x00000100;
	ASSERT_EQ(0, probe(&map[reg / 4], &v, true));
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, reg, &v));
	EXPECT_EQ(0x00000100, v);
	if (queues) {
		/* the queue pages fault through the mapping, answer by write() */
		EXPECT_EQ(-EFAULT, probe(&map[RDBAL1 / 4], &v, false));
		EXPECT_EQ(-EFAULT, probe(&map[(RXDCTL0 + 0x1000) / 4], &v, false));
		ASSERT_EQ(0, vfio_bar0_write32(&self->dev, RDBAL1, 0x00678000));
		ASSERT_EQ(0, vfio_bar0_read32(&self->dev, RDBAL1, &v));
		EXPECT_EQ(0x00678000, v);
	}

	EXPECT_EQ(-EFAULT, probe(&map[VTSTATUS / 4], &v, false));
	v = 0x11111111;
	EXPECT_EQ(-EFAULT, probe(&map[VMBMEM1 / 4], &v, true));
	EXPECT_EQ(-EFAULT, probe(&map[VTSTATUS / 4], &v, false));
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, VMBMEM1, 0x22222222));
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, VMBMEM1, &v));
	EXPECT_EQ(0x22222222, v);
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, VTSTATUS, &v));
	EXPECT_NE(0xffffffffu, v);

	/* a reset revokes the mapping; the next access maps again */
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_RESET));
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, reg, 0x00000300));
	ASSERT_EQ(0, probe(&map[reg / 4], &v, false));
	EXPECT_EQ(0x00000300, v);
	EXPECT_EQ(-EFAULT, probe(&map[VTSTATUS / 4], &v, false));
	munmap(p, 0x4000);

	/* the first two pages, and the trapped page alone */
	p = mmap(NULL, 0x2000, PROT_READ, MAP_SHARED, self->dev.fd, off);
	ASSERT_NE(MAP_FAILED, p);
	map = p;
	EXPECT_EQ(0, probe(&map[0x1000 / 4], &v, false));
	EXPECT_EQ(-EFAULT, probe(&map[0], &v, false));
	munmap(p, 0x2000);
	p = mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, self->dev.fd, off);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-EFAULT, probe(p, &v, false));
	munmap(p, 0x1000);
}

/*
 * QEMU overlays its MSI-X table emulation on what it maps of the MSI-X
 * BAR; a mapping that is not made of whole pages around the table leaves
 * RAM sections QEMU cannot track for migration.  The areas offered must be
 * page sized and leave the table's and the PBA's pages out.
 */
TEST_F(vf, msix_bar_mmap_areas_are_pages_beside_table_and_pba)
{
	uint32_t cap = 0, table, pba, i, start, end;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	uint64_t buf[64];
	uint8_t pos, id;
	uint16_t flags;

	/* where the device puts its table and PBA (config space) */
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, PCI_CAP_PTR, &pos, 1));
	while (pos && !cap) {
		ASSERT_EQ(0, vfio_cfg_read(&self->dev, pos, &id, 1));
		if (id == PCI_CAP_ID_MSIX)
			cap = pos;
		else
			ASSERT_EQ(0, vfio_cfg_read(&self->dev, pos + 1, &pos, 1));
	}
	ASSERT_NE(0, cap);
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, cap + 2, &flags, 2));
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, cap + 4, &table, 4));
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, cap + 8, &pba, 4));
	ASSERT_EQ(3, table & 7) TH_LOG("82576 VF: MSI-X table in BAR3");
	ASSERT_EQ(3, pba & 7);
	table &= ~7u;
	pba &= ~7u;

	sparse = region_sparse(self->dev.fd, VFIO_PCI_BAR3_REGION_INDEX, buf, sizeof(buf));
	ASSERT_NE(NULL, sparse) TH_LOG("BAR3 has no sparse mmap capability");
	ASSERT_LT(0, sparse->nr_areas);
	for (i = 0; i < sparse->nr_areas; i++) {
		start = sparse->areas[i].offset;
		end = start + sparse->areas[i].size;
		EXPECT_EQ(0, start % PAGE) TH_LOG("area %u at %#x", i, start);
		EXPECT_EQ(0, end % PAGE) TH_LOG("area %u ends at %#x", i, end);
		EXPECT_LE(end, 0x4000);
		/* no area touches the page of the table or of the PBA */
		EXPECT_FALSE(start < (table & ~(PAGE - 1)) + PAGE &&
			     end > (table & ~(PAGE - 1)));
		EXPECT_FALSE(start < (pba & ~(PAGE - 1)) + PAGE &&
			     end > (pba & ~(PAGE - 1)));
	}
}

/*
 * A VF's Memory Space Enable is read-only zero on hardware: a VF keeps
 * decoding its BARs when the user clears the bit, as QEMU does on reset
 * and when it waits for an incoming migration.
 */
TEST_F(vf, bar0_decodes_after_the_user_clears_memory_enable)
{
	uint16_t cmd, off = 0;
	uint32_t v;

	ASSERT_EQ(0, vfio_cfg_read(&self->dev, PCI_COMMAND, &cmd, 2));
	ASSERT_EQ(0, vfio_cfg_write(&self->dev, PCI_COMMAND, &off, 2));

	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, RDBAL1, 0x00abc000));
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, RDBAL1, &v));
	EXPECT_EQ(0x00abc000, v) TH_LOG("BAR0 stopped decoding with MSE clear");

	cmd |= PCI_COMMAND_MEMORY;
	ASSERT_EQ(0, vfio_cfg_write(&self->dev, PCI_COMMAND, &cmd, 2));
}

TEST_F(vf, irq_info_offers_three_msix_vectors_and_no_intx)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };

	irq.index = VFIO_PCI_MSIX_IRQ_INDEX;
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	EXPECT_EQ(NR_MSIX, irq.count);
	EXPECT_TRUE(irq.flags & VFIO_IRQ_INFO_EVENTFD);

	irq.index = VFIO_PCI_INTX_IRQ_INDEX;
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	EXPECT_EQ(0, irq.count);
}

/* The device raises each MSI-X vector through the IOMMU to our eventfd. */
TEST_F(vf, msix_vectors_fire_on_vteics)
{
	uint16_t cmd;
	int efd[NR_MSIX], i;

	/* MSI-X messages are memory writes: the function must be bus master */
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, PCI_COMMAND, &cmd, sizeof(cmd)));
	cmd |= PCI_COMMAND_MASTER;
	ASSERT_EQ(0, vfio_cfg_write(&self->dev, PCI_COMMAND, &cmd, sizeof(cmd)));
	for (i = 0; i < NR_MSIX; i++) {
		efd[i] = eventfd(0, EFD_NONBLOCK);
		ASSERT_GE(efd[i], 0);
	}
	ASSERT_EQ(0, vfio_irq_set_eventfds(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX,
					   0, NR_MSIX, efd));
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, VTEIMS, (1u << NR_MSIX) - 1));
	for (i = 0; i < NR_MSIX; i++) {
		ASSERT_EQ(0, vfio_bar0_write32(&self->dev, VTEICS, 1u << i));
		EXPECT_LT(0, eventfd_wait(efd[i], 2000))
			TH_LOG("MSI-X vector %d did not fire", i);
	}
	/* mask and acknowledge what we raised */
	vfio_bar0_write32(&self->dev, VTEIMC, (1u << NR_MSIX) - 1);
	vfio_bar0_write32(&self->dev, VTEICR, (1u << NR_MSIX) - 1);
	EXPECT_EQ(0, vfio_irq_disable(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX));
	for (i = 0; i < NR_MSIX; i++)
		close(efd[i]);
}

/* VFIO_DEVICE_RESET is a function-level reset: queue enables drop. */
TEST_F(vf, device_reset_clears_rx_queue_enable)
{
	uint32_t v;

	/* ring length 0 and no PF-side enable: the queue cannot DMA */
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev, RXDCTL0, RXDCTL_EN));
	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, RXDCTL0, &v));
	ASSERT_TRUE(v & RXDCTL_EN) TH_LOG("RXDCTL0 = %#x", v);

	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_RESET));

	ASSERT_EQ(0, vfio_bar0_read32(&self->dev, RXDCTL0, &v));
	EXPECT_FALSE(v & RXDCTL_EN) TH_LOG("RXDCTL0 = %#x after reset", v);
	ASSERT_EQ(0, vfio_cfg_read(&self->dev, 2, &v, 2));
	EXPECT_EQ(IGBVF_DEVICE_ID, v & 0xffff);
}

TEST_HARNESS_MAIN
