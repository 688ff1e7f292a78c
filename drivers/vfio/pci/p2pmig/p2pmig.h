/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig: VFIO PCI variant driver that live-migrates SR-IOV VFs.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_H
#define P2PMIG_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/wait.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

/* after the kernel's VFIO headers, before our uAPI overlay */
#include "compat.h"
#include "uapi/linux/vfio.h"

struct p2pmig_backend;
struct p2pmig_file;

/**
 * struct p2pmig_mig - migration state of one device
 * @state_mutex: serializes state changes, sessions and every backend call.
 *	Per device: devices change state in parallel.  Nothing copies from
 *	or to user memory while holding it, so a reset (which arrives with
 *	vfio-pci-core's memory_lock held) may simply take it.
 * @state: current enum p2pmig_state
 * @features: P2PMIG_F_* this device offers, fixed at probe
 * @save: the open save session (data_fd), or NULL
 * @resume: the open resume session (data_fd), or NULL
 * @arc_broke: set by an arc that failed and left the device in an
 *	unknown state: the device then enters ERROR
 * @dirty_wq: woken by the backend when it has new dirty data (poll)
 */
struct p2pmig_mig {
	struct mutex state_mutex;	/* see above */
	u32 state;
	u32 features;
	struct p2pmig_file *save;
	struct p2pmig_file *resume;
	bool arc_broke;
	wait_queue_head_t dirty_wq;
};

/**
 * struct p2pmig_device - a VF bound to p2pmig
 * @core: the vfio-pci-core device this driver extends
 * @backend: the device backend matched from the PCI ID table
 * @priv: the backend's private per-device data (@backend->priv_size bytes)
 * @bar0: the driver's own mapping of BAR0, for backend register access
 * @mig: migration state
 */
struct p2pmig_device {
	struct vfio_pci_core_device core;
	const struct p2pmig_backend *backend;
	void *priv;
	void __iomem *bar0;
	struct p2pmig_mig mig;
};

static inline struct p2pmig_device *to_p2pmig(struct vfio_device *vdev)
{
	return container_of(vdev, struct p2pmig_device, core.vdev);
}

static inline struct device *p2pmig_dev(struct p2pmig_device *p2p)
{
	return &p2p->core.pdev->dev;
}

#endif /* P2PMIG_H */
