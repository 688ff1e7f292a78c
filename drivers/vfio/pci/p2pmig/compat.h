/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig builds from one tree against Linux 6.1, 6.12 and 7.x.  Every
 * kernel version test lives here and names the feature it stands for; the
 * rest of the driver only tests these names.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_COMPAT_H
#define P2PMIG_COMPAT_H

#include <linux/version.h>
#include <linux/vfio.h>

/* 6.2: iommufd ops in vfio_device_ops, migration_get_data_size in mig_ops */
#define P2PMIG_HAVE_IOMMUFD_OPS		(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0))
#define P2PMIG_HAVE_MIG_DATA_SIZE_OP	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0))
/* 6.6: detach_ioas */
#define P2PMIG_HAVE_DETACH_IOAS		(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0))
/* 6.10: __assign_str() in trace events takes the field name only */
#define P2PMIG_HAVE_ASSIGN_STR_1	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0))
/*
 * 6.12: vfio-pci-core maps a BAR mapping page by page at fault time (with
 * .huge_fault) and revokes it through the device file's address_space;
 * before, it mapped the whole vma at the first fault and revoked the vmas
 * on its vma_list.
 */
#define P2PMIG_HAVE_PER_PAGE_BAR_FAULT	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0))
/* 6.15: PASID attach/detach */
#define P2PMIG_HAVE_PASID_OPS		(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0))
/* 6.17: VF token match for iommufd cdev binds */
#define P2PMIG_HAVE_MATCH_TOKEN_UUID	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0))
/* 6.19: the core decodes VFIO_DEVICE_GET_REGION_INFO and calls an op */
#define P2PMIG_HAVE_REGION_INFO_OP	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0))

/*
 * DMA logging (vfio_log_ops) needs iova_bitmap: part of vfio.ko from 6.1,
 * moved to iommufd's driver support in 6.7, where a kernel built without
 * CONFIG_IOMMUFD_DRIVER (Debian's 6.12, say) has stubs that fail every
 * report: do not offer logging there.
 */
#define P2PMIG_HAVE_DMA_LOGGING		(LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0) || \
					 IS_ENABLED(CONFIG_IOMMUFD_DRIVER))

/* 6.7: iova_bitmap's symbols are in the IOMMUFD namespace; 6.13: quoted */
#define P2PMIG_IOVA_BITMAP_NS		(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0))
#define P2PMIG_HAVE_QUOTED_NS		(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0))

/*
 * 7.x: VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 lets userspace opt into the
 * REINIT flag of PRECOPY_INFO (vfio_device.precopy_info_v2).  The uAPI
 * flag and the field came together: test the flag in the kernel's own
 * header (included above); our uAPI overlay must come after this file.
 */
#ifdef VFIO_PRECOPY_INFO_REINIT
#define P2PMIG_HAVE_PRECOPY_INFO_V2	1
#else
#define P2PMIG_HAVE_PRECOPY_INFO_V2	0
#endif

#endif /* P2PMIG_COMPAT_H */
