/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers for the p2pmig selftests: open a VF through the VFIO
 * group/container API, access its regions, drive sysfs binding.
 *
 * Every function returns 0 or a negative errno (never exits), so tests can
 * assert on the outcome with the kselftest harness.
 */
#ifndef P2PMIG_SELFTESTS_VFIO_UTIL_H
#define P2PMIG_SELFTESTS_VFIO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#define P2PMIG_DRIVER		"p2pmig"
#define IGBVF_VENDOR_ID		0x8086
#define IGBVF_DEVICE_ID		0x10ca

struct vfio_dev {
	char bdf[32];
	int group_id;
	int container;		/* -1 when borrowed from another vfio_dev */
	bool own_container;
	int group;
	int fd;
	struct vfio_device_info info;
	struct vfio_region_info region[VFIO_PCI_NUM_REGIONS];
	const char *failed_step;	/* what vfio_dev_open() failed at */
};

/* The VFs the test bed prepared, from the environment (see vm/guest/). */
const char *test_vf(const char *role);

int vfio_dev_open(struct vfio_dev *d, const char *bdf, int container);
void vfio_dev_close(struct vfio_dev *d);
/* Close the device only (its user is gone); group and container stay. */
void vfio_dev_close_device(struct vfio_dev *d);

int vfio_cfg_read(struct vfio_dev *d, unsigned int off, void *buf, size_t len);
int vfio_cfg_write(struct vfio_dev *d, unsigned int off, const void *buf, size_t len);
int vfio_bar0_read32(struct vfio_dev *d, unsigned int off, uint32_t *val);
int vfio_bar0_write32(struct vfio_dev *d, unsigned int off, uint32_t val);
/* a BAR0 register's value, or ~0 if it cannot be read */
uint32_t vfio_bar0_reg(struct vfio_dev *d, unsigned int off);
/*
 * May [@off, @off + @len) of region @index be mmapped and used: 1 if the
 * region offers mmap and the range lies in one of its sparse mmap areas
 * (or it has none), 0 if not, or a negative errno.
 */
int vfio_region_mmappable(struct vfio_dev *d, unsigned int index, uint64_t off,
			  uint64_t len);

/* IOMMU mappings in a type1 container: @va and @len page aligned */
int vfio_dma_map(int container, uint64_t iova, void *va, size_t len);
int vfio_dma_unmap(int container, uint64_t iova, size_t len);

int vfio_irq_set_eventfds(struct vfio_dev *d, unsigned int index,
			  unsigned int start, unsigned int count, const int *fds);
int vfio_irq_disable(struct vfio_dev *d, unsigned int index);
/* Wait up to @ms for @efd to be signalled; returns its count or -errno. */
int64_t eventfd_wait(int efd, int ms);

/* sysfs */
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_write(const char *path, const char *val);
int pci_driver_of(const char *bdf, char *buf, size_t len);
int pci_bind(const char *bdf, const char *driver);
int pci_unbind(const char *bdf);
int pci_iommu_group(const char *bdf);

#endif
