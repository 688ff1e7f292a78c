// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig: VFIO PCI variant driver that live-migrates SR-IOV VFs.
 *
 * This file is the glue: the PCI driver, its ID table (driver_override
 * only), and the vfio_device_ops on top of vfio-pci-core.  A VF bound here
 * behaves as under vfio-pci; what differs is added by the migration core
 * and the device backend.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "backend.h"
#include "fsm.h"
#include "igbvf.h"
#include "mig.h"
#include "p2pmig.h"

static bool enable_p2p = true;
module_param_named(p2p, enable_p2p, bool, 0644);
MODULE_PARM_DESC(p2p, "Offer the P2P migration states (RUNNING_P2P, PRE_COPY_P2P); read when a VF is bound (default: on)");

static bool enable_pre_copy = true;
module_param_named(pre_copy, enable_pre_copy, bool, 0644);
MODULE_PARM_DESC(pre_copy, "Offer the PRE_COPY migration states; read when a VF is bound (default: on)");

static int p2pmig_init_dev(struct vfio_device *vdev)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	u32 features = P2PMIG_F_STOP_COPY;
	int ret;

	ret = vfio_pci_core_init_dev(vdev);
	if (ret)
		return ret;
	if (READ_ONCE(enable_p2p))
		features |= P2PMIG_F_P2P;
	if (READ_ONCE(enable_pre_copy))
		features |= P2PMIG_F_PRE_COPY;
	p2pmig_mig_init(p2p, features);
	return 0;
}

static void p2pmig_release_dev(struct vfio_device *vdev)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);

	p2pmig_mig_release(p2p);
	kfree(p2p->priv);
	vfio_pci_core_release_dev(vdev);
}

static int p2pmig_open_device(struct vfio_device *vdev)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	int ret;

	ret = vfio_pci_core_enable(&p2p->core);
	if (ret)
		return ret;

	p2pmig_mig_open(p2p);
	vfio_pci_core_finish_enable(&p2p->core);
	return 0;
}

static void p2pmig_close_device(struct vfio_device *vdev)
{
	p2pmig_mig_close(to_p2pmig(vdev));
	vfio_pci_core_close_device(vdev);
}

static int p2pmig_device_feature(struct vfio_device *vdev, u32 flags,
				 void __user *arg, size_t argsz)
{
	int ret;

	ret = p2pmig_mig_device_feature(to_p2pmig(vdev), flags, arg, argsz);
	if (ret != -ENOTTY)
		return ret;
	return vfio_pci_core_ioctl_feature(vdev, flags, arg, argsz);
}

static const struct vfio_device_ops p2pmig_ops = {
	.name		= "p2pmig",
	.init		= p2pmig_init_dev,
	.release	= p2pmig_release_dev,
	.open_device	= p2pmig_open_device,
	.close_device	= p2pmig_close_device,
	.ioctl		= vfio_pci_core_ioctl,
#if P2PMIG_HAVE_REGION_INFO_OP
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,
#endif
	.device_feature	= p2pmig_device_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
#if P2PMIG_HAVE_MATCH_TOKEN_UUID
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#endif
#if P2PMIG_HAVE_IOMMUFD_OPS
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
#endif
#if P2PMIG_HAVE_DETACH_IOAS
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
#endif
#if P2PMIG_HAVE_PASID_OPS
	.pasid_attach_ioas = vfio_iommufd_physical_pasid_attach_ioas,
	.pasid_detach_ioas = vfio_iommufd_physical_pasid_detach_ioas,
#endif
};

static int p2pmig_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct p2pmig_backend *backend = (const void *)id->driver_data;
	struct p2pmig_device *p2p;
	void __iomem *bar0;
	int ret;

	if (pci_resource_len(pdev, 0) < backend->bar0_size ||
	    !(pci_resource_flags(pdev, 0) & IORESOURCE_MEM)) {
		dev_err(&pdev->dev, "BAR0 is %pR, %s needs %pa bytes of MMIO\n",
			&pdev->resource[0], backend->name, &backend->bar0_size);
		return -ENODEV;
	}

	bar0 = pci_iomap(pdev, 0, backend->bar0_size);
	if (!bar0) {
		dev_err(&pdev->dev, "cannot map BAR0\n");
		return -ENOMEM;
	}

	p2p = vfio_alloc_device(p2pmig_device, core.vdev, &pdev->dev,
				&p2pmig_ops);
	if (IS_ERR(p2p)) {
		ret = PTR_ERR(p2p);
		goto err_unmap;
	}
	p2p->backend = backend;
	p2p->bar0 = bar0;
	if (backend->priv_size) {
		p2p->priv = kzalloc(backend->priv_size, GFP_KERNEL_ACCOUNT);
		if (!p2p->priv) {
			ret = -ENOMEM;
			goto err_put;
		}
	}
	if (backend->init) {
		ret = backend->init(p2p);
		if (ret)
			goto err_put;
	}

	dev_set_drvdata(&pdev->dev, &p2p->core);
	ret = vfio_pci_core_register_device(&p2p->core);
	if (ret)
		goto err_put;

	dev_info(&pdev->dev, "%s %s bound, migration:%s%s%s\n", backend->name,
		 pdev->is_virtfn ? "VF" : "function",
		 " STOP_COPY",
		 p2p->mig.features & P2PMIG_F_P2P ? " P2P" : "",
		 p2p->mig.features & P2PMIG_F_PRE_COPY ? " PRE_COPY" : "");
	return 0;

err_put:
	vfio_put_device(&p2p->core.vdev);
err_unmap:
	pci_iounmap(pdev, bar0);
	return ret;
}

static void p2pmig_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);
	struct p2pmig_device *p2p = to_p2pmig(&core->vdev);
	void __iomem *bar0 = p2p->bar0;

	vfio_pci_core_unregister_device(core);
	vfio_put_device(&core->vdev);
	pci_iounmap(pdev, bar0);
}

static void p2pmig_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);
	struct p2pmig_device *p2p = to_p2pmig(&core->vdev);

	dev_dbg(&pdev->dev, "function reset\n");
	p2pmig_mig_reset_done(p2p);
}

static const struct pci_error_handlers p2pmig_err_handlers = {
	.reset_done	= p2pmig_reset_done,
	.error_detected	= vfio_pci_core_aer_err_detected,
};

/* Only through driver_override: the VFs keep their native driver otherwise. */
static const struct pci_device_id p2pmig_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, IGBVF_DEVICE_ID),
	  .driver_data = (kernel_ulong_t)&p2pmig_igbvf_backend },
	{ }
};
MODULE_DEVICE_TABLE(pci, p2pmig_pci_table);

static struct pci_driver p2pmig_pci_driver = {
	.name			= KBUILD_MODNAME,
	.id_table		= p2pmig_pci_table,
	.probe			= p2pmig_probe,
	.remove			= p2pmig_remove,
	.err_handler		= &p2pmig_err_handlers,
	.driver_managed_dma	= true,
};
module_pci_driver(p2pmig_pci_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The p2pmig authors");
MODULE_DESCRIPTION("VFIO PCI variant driver for live migration of SR-IOV VFs");
