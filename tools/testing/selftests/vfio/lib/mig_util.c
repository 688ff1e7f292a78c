// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration uAPI helpers for the p2pmig selftests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "mig_util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int mig_feature(int devfd, uint32_t flags, void *payload, size_t size)
{
	uint64_t buf[8] = {};
	struct vfio_device_feature *f = (void *)buf;

	if (sizeof(*f) + size > sizeof(buf))
		return -EINVAL;
	f->argsz = sizeof(*f) + size;
	f->flags = flags;
	if (size)
		memcpy(f->data, payload, size);
	if (ioctl(devfd, VFIO_DEVICE_FEATURE, f))
		return neg_errno();
	if (size)
		memcpy(payload, f->data, size);
	return 0;
}

int mig_get_flags(int devfd, uint64_t *flags)
{
	struct vfio_device_feature_migration m = {};
	int ret;

	ret = mig_feature(devfd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
			  &m, sizeof(m));
	if (!ret)
		*flags = m.flags;
	return ret;
}

int mig_get_state(int devfd, uint32_t *state)
{
	struct vfio_device_feature_mig_state m = {};
	int ret;

	ret = mig_feature(devfd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			  &m, sizeof(m));
	if (!ret)
		*state = m.device_state;
	return ret;
}

uint32_t mig_state_of(int devfd)
{
	uint32_t s = ~0u;

	mig_get_state(devfd, &s);
	return s;
}

int mig_set_state(int devfd, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = -1 };
	int ret;

	ret = mig_feature(devfd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			  &m, sizeof(m));
	if (data_fd)
		*data_fd = ret ? -1 : m.data_fd;
	else if (!ret && m.data_fd >= 0)
		close(m.data_fd);
	return ret;
}

int mig_data_size(int devfd, uint64_t *len)
{
	struct vfio_device_feature_mig_data_size d = {};
	int ret;

	ret = mig_feature(devfd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
			  &d, sizeof(d));
	if (!ret)
		*len = d.stop_copy_length;
	return ret;
}

int mig_precopy_info(int data_fd, struct vfio_precopy_info *info)
{
	info->argsz = sizeof(*info);
	return ioctl(data_fd, VFIO_MIG_GET_PRECOPY_INFO, info) ? neg_errno() : 0;
}

ssize_t mig_read_all(int data_fd, uint8_t *buf, size_t cap, int *end_errno)
{
	size_t got = 0;
	ssize_t n;

	*end_errno = 0;
	while (got < cap) {
		n = read(data_fd, buf + got, cap - got);
		if (n < 0) {
			*end_errno = errno;
			break;
		}
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int mig_write_all(int data_fd, const uint8_t *buf, size_t len, size_t piece)
{
	size_t done = 0, n;
	ssize_t w;

	while (done < len) {
		n = len - done < piece ? len - done : piece;
		w = write(data_fd, buf + done, n);
		if (w < 0)
			return neg_errno();
		if (w == 0)
			return -EIO;
		done += w;
	}
	return 0;
}

const char *mig_state_name(uint32_t state)
{
	static const char * const names[] = {
		"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING",
		"RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}
