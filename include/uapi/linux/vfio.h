/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * p2pmig's overlay of the VFIO uAPI header.
 *
 * Userspace (the selftests, bench/) builds with -I include/uapi, so
 * <linux/vfio.h> lands here and pulls in the installed header with
 * #include_next.  The module includes this file as "uapi/linux/vfio.h"
 * after the kernel's own <linux/vfio.h>.  Either way, what follows adds,
 * each under its own guard, the migration uAPI that older headers lack:
 *
 *  - PRE_COPY states, VFIO_MIGRATION_PRE_COPY, VFIO_MIG_GET_PRECOPY_INFO
 *    and VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (Linux 6.2);
 *  - VFIO_PRECOPY_INFO_REINIT and VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2
 *    (Linux 7.x).
 *
 * Values are the ABI: they never change, so redefining them here is safe.
 */
#ifndef P2PMIG_UAPI_LINUX_VFIO_H
#define P2PMIG_UAPI_LINUX_VFIO_H

#ifdef __KERNEL__
#include <linux/vfio.h>
#else
#include_next <linux/vfio.h>
#endif

/*
 * Linux 6.2: the PRE_COPY states.  In older headers the states are an enum
 * that ends at RUNNING_P2P, so the flag stands for the whole group.
 */
#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY			(1 << 2)
#define VFIO_DEVICE_STATE_PRE_COPY		6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P		7
#endif

#ifndef VFIO_MIG_GET_PRECOPY_INFO
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO		_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif

#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};

#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE	9
#endif

/* Linux 7.x: re-initialisation of the initial bytes during PRE_COPY. */
#ifndef VFIO_PRECOPY_INFO_REINIT
#define VFIO_PRECOPY_INFO_REINIT		(1 << 0)
#endif

#ifndef VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2
#define VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2	12
#endif

#endif /* P2PMIG_UAPI_LINUX_VFIO_H */
