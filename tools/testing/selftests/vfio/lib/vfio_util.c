// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the p2pmig selftests: VFIO group/container access and sysfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "vfio_util.h"

const char *test_vf(const char *role)
{
	char name[64];

	snprintf(name, sizeof(name), "P2PMIG_VF_%s", role);
	return getenv(name);
}

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return neg_errno();
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = neg_errno();
		close(fd);
		return n;
	}
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return neg_errno();
	n = write(fd, val, len);
	if (n < 0)
		ret = neg_errno();
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

int pci_driver_of(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			return neg_errno();
		buf[0] = '\0';
		return 0;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
	return 0;
}

int pci_unbind(const char *bdf)
{
	char path[PATH_MAX], drv[64];
	int ret;

	ret = pci_driver_of(bdf, drv, sizeof(drv));
	if (ret || !drv[0])
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", drv);
	return sysfs_write(path, bdf);
}

/* Bind @bdf to @driver the way libvirt and driverctl do: driver_override. */
int pci_bind(const char *bdf, const char *driver)
{
	char path[PATH_MAX], drv[64];
	int ret;

	ret = pci_unbind(bdf);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	ret = sysfs_write(path, driver && driver[0] ? driver : "\n");
	if (ret)
		return ret;
	/* drivers_probe fails with ENODEV/EINVAL when nothing binds: not an error here */
	sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	ret = pci_driver_of(bdf, drv, sizeof(drv));
	if (ret)
		return ret;
	if (driver && driver[0] && strcmp(drv, driver))
		return -ENODEV;
	return 0;
}

int pci_iommu_group(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return neg_errno();
	target[n] = '\0';
	base = strrchr(target, '/');
	return atoi(base ? base + 1 : target);
}

/*
 * A group is busy while another process holds it.  Between tests that is
 * the previous test's process: the harness does not wait for one it killed
 * on timeout, and closing its VFs (a reset each) takes a while under TCG.
 * Wait for it, boundedly, and say so; a group held for good still fails.
 */
#define GROUP_BUSY_WAIT_MS	30000

static int open_group(const char *path)
{
	int fd, ms, err;

	for (ms = 0;; ms += 100) {
		fd = open(path, O_RDWR);
		err = errno;
		if (fd >= 0 || err != EBUSY || ms >= GROUP_BUSY_WAIT_MS)
			break;
		usleep(100 * 1000);
	}
	if (ms)
		fprintf(stderr, "# %s busy for %d ms (a previous test still closing?)%s\n",
			path, ms, fd < 0 ? ": gave up" : "");
	errno = err;
	return fd;
}

int vfio_dev_open(struct vfio_dev *d, const char *bdf, int container)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	unsigned int i;
	int ret;

	memset(d, 0, sizeof(*d));
	d->container = -1;
	d->group = -1;
	d->fd = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);

	d->group_id = pci_iommu_group(bdf);
	if (d->group_id < 0) {
		d->failed_step = "iommu_group link";
		return d->group_id;
	}

	if (container < 0) {
		d->container = open("/dev/vfio/vfio", O_RDWR);
		if (d->container < 0) {
			d->failed_step = "open /dev/vfio/vfio";
			return neg_errno();
		}
		d->own_container = true;
		if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
		    !ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU)) {
			d->failed_step = "VFIO_CHECK_EXTENSION(TYPE1v2)";
			ret = -EOPNOTSUPP;
			goto err;
		}
	} else {
		d->container = container;
	}

	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
	d->group = open_group(path);
	if (d->group < 0) {
		d->failed_step = "open group";
		ret = neg_errno();
		goto err;
	}
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status)) {
		d->failed_step = "VFIO_GROUP_GET_STATUS";
		ret = neg_errno();
		goto err;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		d->failed_step = "group not viable";
		ret = -EBUSY;
		goto err;
	}
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container)) {
		d->failed_step = "VFIO_GROUP_SET_CONTAINER";
		ret = neg_errno();
		goto err;
	}
	if (d->own_container &&
	    ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		d->failed_step = "VFIO_SET_IOMMU";
		ret = neg_errno();
		goto err;
	}

	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0) {
		d->failed_step = "VFIO_GROUP_GET_DEVICE_FD";
		ret = neg_errno();
		goto err;
	}

	d->info.argsz = sizeof(d->info);
	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, &d->info)) {
		d->failed_step = "VFIO_DEVICE_GET_INFO";
		ret = neg_errno();
		goto err;
	}
	/* BARs, ROM, config; VGA only exists on VGA devices */
	for (i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX && i < d->info.num_regions; i++) {
		d->region[i].argsz = sizeof(d->region[i]);
		d->region[i].index = i;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &d->region[i])) {
			d->failed_step = "VFIO_DEVICE_GET_REGION_INFO";
			ret = neg_errno();
			goto err;
		}
	}
	return 0;
err:
	vfio_dev_close(d);
	return ret;
}

void vfio_dev_close(struct vfio_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0) {
		ioctl(d->group, VFIO_GROUP_UNSET_CONTAINER);
		close(d->group);
	}
	if (d->own_container && d->container >= 0)
		close(d->container);
	d->fd = -1;
	d->group = -1;
	d->container = -1;
}

void vfio_dev_close_device(struct vfio_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static int region_rw(struct vfio_dev *d, unsigned int index, bool write,
		     unsigned int off, void *buf, size_t len)
{
	struct vfio_region_info *r = &d->region[index];
	ssize_t n;

	if (off + len > r->size)
		return -EINVAL;
	if (write)
		n = pwrite(d->fd, buf, len, r->offset + off);
	else
		n = pread(d->fd, buf, len, r->offset + off);
	if (n < 0)
		return neg_errno();
	return (size_t)n == len ? 0 : -EIO;
}

int vfio_cfg_read(struct vfio_dev *d, unsigned int off, void *buf, size_t len)
{
	return region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, false, off, buf, len);
}

int vfio_cfg_write(struct vfio_dev *d, unsigned int off, const void *buf, size_t len)
{
	return region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, true, off, (void *)buf, len);
}

int vfio_bar0_read32(struct vfio_dev *d, unsigned int off, uint32_t *val)
{
	return region_rw(d, VFIO_PCI_BAR0_REGION_INDEX, false, off, val, 4);
}

uint32_t vfio_bar0_reg(struct vfio_dev *d, unsigned int off)
{
	uint32_t v = ~0u;

	vfio_bar0_read32(d, off, &v);
	return v;
}

int vfio_bar0_write32(struct vfio_dev *d, unsigned int off, uint32_t val)
{
	return region_rw(d, VFIO_PCI_BAR0_REGION_INDEX, true, off, &val, 4);
}

int vfio_region_mmappable(struct vfio_dev *d, unsigned int index, uint64_t off,
			  uint64_t len)
{
	uint64_t buf[512] = { 0 };
	struct vfio_region_info *info = (void *)buf;
	struct vfio_region_info_cap_sparse_mmap *sparse = NULL;
	struct vfio_info_cap_header *cap;
	uint32_t at, i;

	info->argsz = sizeof(buf);
	info->index = index;
	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info))
		return neg_errno();
	if (!(info->flags & VFIO_REGION_INFO_FLAG_MMAP) || off + len > info->size ||
	    off + len < off)
		return 0;
	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 1;
	for (at = info->cap_offset; at && at + sizeof(*cap) <= sizeof(buf); at = cap->next) {
		cap = (void *)((char *)buf + at);
		if (cap->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			sparse = (void *)cap;
	}
	if (!sparse)
		return 1;
	for (i = 0; i < sparse->nr_areas; i++)
		if ((char *)&sparse->areas[i + 1] <= (char *)buf + sizeof(buf) &&
		    off >= sparse->areas[i].offset &&
		    off + len <= sparse->areas[i].offset + sparse->areas[i].size)
			return 1;
	return 0;
}

int vfio_dma_map(int container, uint64_t iova, void *va, size_t len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = len,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map) ? neg_errno() : 0;
}

int vfio_dma_unmap(int container, uint64_t iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return neg_errno();
	return unmap.size == len ? 0 : -ENOENT;
}

int vfio_irq_set_eventfds(struct vfio_dev *d, unsigned int index,
			  unsigned int start, unsigned int count, const int *fds)
{
	size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(int);
	struct vfio_irq_set *set = calloc(1, sz);
	int ret = 0;

	if (!set)
		return -ENOMEM;
	set->argsz = sz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = start;
	set->count = count;
	memcpy(set->data, fds, count * sizeof(int));
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set))
		ret = neg_errno();
	free(set);
	return ret;
}

int vfio_irq_disable(struct vfio_dev *d, unsigned int index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &set) ? neg_errno() : 0;
}

int64_t eventfd_wait(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t cnt;
	int n;

	n = poll(&p, 1, ms);
	if (n < 0)
		return neg_errno();
	if (n == 0)
		return -ETIMEDOUT;
	if (read(efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return neg_errno();
	return (int64_t)cnt;
}
