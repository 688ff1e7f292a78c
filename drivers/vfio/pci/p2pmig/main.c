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
#include <linux/debugfs.h>
#include <linux/interval_tree.h>
#include <linux/iova_bitmap.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "fsm.h"
#include "igbvf.h"
#include "mig.h"
#include "p2pmig.h"
#include "trace.h"

static bool enable_p2p = true;
module_param_named(p2p, enable_p2p, bool, 0644);
MODULE_PARM_DESC(p2p, "Offer the P2P migration states (RUNNING_P2P, PRE_COPY_P2P); read when a VF is bound (default: on)");

static bool enable_pre_copy = true;
module_param_named(pre_copy, enable_pre_copy, bool, 0644);
MODULE_PARM_DESC(pre_copy, "Offer the PRE_COPY migration states; read when a VF is bound (default: on)");

static bool enable_dirty_tracking = true;
module_param_named(dirty_tracking, enable_dirty_tracking, bool, 0644);
MODULE_PARM_DESC(dirty_tracking, "Trap the registers device dirty tracking needs (the queues' doorbells among them) and offer DMA logging; off: they stay mmapped, no DMA logging; read when a VF is bound (default: on)");

#if P2PMIG_HAVE_DMA_LOGGING
static const struct vfio_log_ops p2pmig_log_ops;
#endif

static int p2pmig_init_dev(struct vfio_device *vdev)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	u32 features = P2PMIG_F_STOP_COPY;
	int ret;

	ret = vfio_pci_core_init_dev(vdev);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&p2p->ioeventfds);
	mutex_init(&p2p->ioeventfds_lock);
	mutex_init(&p2p->trap_mutex);
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

	if (p2p->inited && p2p->backend->fini)
		p2p->backend->fini(p2p);
	p2pmig_mig_release(p2p);
	mutex_destroy(&p2p->trap_mutex);
	mutex_destroy(&p2p->ioeventfds_lock);
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

/*
 * Which windows the backend traps on this device: all but the dirty
 * tracking ones when that is off, or when this kernel cannot offer DMA
 * logging (then there is nothing to trap them for).
 */
static void p2pmig_init_traps(struct p2pmig_device *p2p)
{
	const struct p2pmig_backend *be = p2p->backend;
	bool dirty = READ_ONCE(enable_dirty_tracking) && P2PMIG_HAVE_DMA_LOGGING &&
		     be->log_max_ranges;
	unsigned int i;

	for (i = 0; i < be->ntraps && i < P2PMIG_MAX_TRAPS; i++)
		if (!be->traps[i].dirty || dirty)
			__set_bit(i, &p2p->traps_on);
#if P2PMIG_HAVE_DMA_LOGGING
	if (dirty)
		p2p->core.vdev.log_ops = &p2pmig_log_ops;
#endif
}

/* The trapped window that [@off, @off + @size) of BAR0 meets, or NULL. */
static const struct p2pmig_trap *p2pmig_trap_at(struct p2pmig_device *p2p,
						u64 off, u64 size)
{
	const struct p2pmig_trap *t;
	unsigned int i;

	for_each_set_bit(i, &p2p->traps_on, P2PMIG_MAX_TRAPS) {
		t = &p2p->backend->traps[i];
		if (off < (u64)t->offset + t->size && off + size > t->offset)
			return t;
	}
	return NULL;
}

/*
 * Is [off, off + count) of region @index in a trapped window?  Return: 0
 * if not, -EINVAL if it is but not as dwords inside one window, else 1
 * (2 for a dirty tracking window).
 */
static int p2pmig_trapped(struct p2pmig_device *p2p, unsigned int index,
			  u64 off, size_t count)
{
	const struct p2pmig_trap *t;

	if (index != VFIO_PCI_BAR0_REGION_INDEX || !count)
		return 0;
	t = p2pmig_trap_at(p2p, off, count);
	if (!t)
		return 0;
	/* the registers there are 32 bits wide and accessed as such */
	if (off < t->offset || off + count > (u64)t->offset + t->size ||
	    off % 4 || count % 4) {
		dev_dbg(p2pmig_dev(p2p), "BAR0 access %#llx+%zu not by dwords inside %#x-%#x\n",
			off, count, t->offset, t->offset + t->size - 1);
		return -EINVAL;
	}
	return t->dirty ? 2 : 1;
}

/*
 * One dword of the trapped range, as vfio-pci-core guards BAR access: not
 * while a reset holds memory_lock, not while the function is powered down
 * (the user may put it in D3hot) or its memory is disabled.
 */
static int p2pmig_trap_dword(struct p2pmig_device *p2p, u64 off, u32 *val,
			     bool write)
{
	int ret;

	ret = p2pmig_mmio_begin(p2p);
	if (ret)
		return ret;
	if (write)
		p2p->backend->trap_write(p2p, off, *val);
	else
		*val = p2p->backend->trap_read(p2p, off);
	p2pmig_mmio_end(p2p);
	trace_p2pmig_trap(p2pmig_dev(p2p), off, *val, write);
	return 0;
}

/*
 * A write to a dirty tracking window: the backend first copies what it
 * needs from the user's memory, with no lock held but the trap mutex (the
 * copy may fault, and a fault on a mapping of a BAR takes memory_lock).
 */
static int p2pmig_trap_dword_fetch(struct p2pmig_device *p2p, u64 off, u32 *val)
{
	int ret;

	if (mutex_lock_killable(&p2p->trap_mutex))
		return -EINTR;
	if (p2p->backend->trap_fetch)
		p2p->backend->trap_fetch(p2p, off, *val);
	ret = p2pmig_trap_dword(p2p, off, val, true);
	mutex_unlock(&p2p->trap_mutex);
	return ret;
}

static ssize_t p2pmig_trap_read(struct p2pmig_device *p2p, char __user *buf,
				size_t count, u64 off)
{
	size_t done;
	u32 val;
	int ret;

	for (done = 0; done < count; done += 4) {
		ret = p2pmig_trap_dword(p2p, off + done, &val, false);
		if (!ret && copy_to_user(buf + done, &val, 4))
			ret = -EFAULT;
		if (ret)
			return done ? done : ret;
	}
	return count;
}

static ssize_t p2pmig_trap_write(struct p2pmig_device *p2p,
				 const char __user *buf, size_t count, u64 off,
				 bool fetch)
{
	size_t done;
	u32 val;
	int ret;

	for (done = 0; done < count; done += 4) {
		if (copy_from_user(&val, buf + done, 4))
			ret = -EFAULT;
		else if (fetch)
			ret = p2pmig_trap_dword_fetch(p2p, off + done, &val);
		else
			ret = p2pmig_trap_dword(p2p, off + done, &val, true);
		if (ret)
			return done ? done : ret;
	}
	return count;
}

static ssize_t p2pmig_read(struct vfio_device *vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	u64 off = *ppos & VFIO_PCI_OFFSET_MASK;
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	ssize_t ret;

	ret = p2pmig_trapped(p2p, index, off, count);
	if (!ret)
		return vfio_pci_core_read(vdev, buf, count, ppos);
	if (ret > 0) {
		/* as vfio-pci-core does: a runtime-suspended function wakes up */
		ret = pm_runtime_resume_and_get(&p2p->core.pdev->dev);
		if (ret)
			return ret;
		ret = p2pmig_trap_read(p2p, buf, count, off);
		pm_runtime_put(&p2p->core.pdev->dev);
		if (ret > 0)
			*ppos += ret;
	}
	return ret;
}

/*
 * QEMU workaround, for QEMU's generic SR-IOV model (not its 82576; the
 * full list is in Documentation/driver.rst, "The 82576 VF and QEMU's
 * model of it").
 *
 * A VF's Memory Space Enable is read-only zero (PCIe SR-IOV 3.4.1.1): its
 * BARs decode while the PF's VF MSE is set, whatever userspace writes to
 * the VF's command register (vfio-pci-core keeps the user's bit virtual).
 * QEMU's SR-IOV model makes the bit writable and stops decoding the VF's
 * BARs when it is clear, and QEMU clears it on reset and on an incoming
 * migration: the destination's configuration replay, in RESUMING, would
 * then never reach the device.  Give such a VF back the decoding real
 * hardware has.  On hardware this writes a read-only bit: a no-op.
 */
static void p2pmig_keep_vf_decoding(struct p2pmig_device *p2p)
{
	struct pci_dev *pdev = p2p->core.pdev;
	u16 cmd;

	if (!pdev->is_virtfn || !pdev->no_command_memory)
		return;
	if (pci_user_read_config_word(pdev, PCI_COMMAND, &cmd) ||
	    (cmd & PCI_COMMAND_MEMORY))
		return;
	pci_user_write_config_word(pdev, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	dev_dbg(p2pmig_dev(p2p), "VF memory decoding kept on (command %#x)\n", cmd);
}

static ssize_t p2pmig_write(struct vfio_device *vdev, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	u64 off = *ppos & VFIO_PCI_OFFSET_MASK;
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	ssize_t ret;

	ret = p2pmig_trapped(p2p, index, off, count);
	if (!ret) {
		ret = vfio_pci_core_write(vdev, buf, count, ppos);
		if (ret > 0 && index == VFIO_PCI_CONFIG_REGION_INDEX &&
		    off < PCI_COMMAND + 2 && off + ret > PCI_COMMAND)
			p2pmig_keep_vf_decoding(p2p);
		return ret;
	}
	if (ret > 0) {
		bool fetch = ret == 2;	/* a dirty tracking window */

		ret = pm_runtime_resume_and_get(&p2p->core.pdev->dev);
		if (ret)
			return ret;
		ret = p2pmig_trap_write(p2p, buf, count, off, fetch);
		pm_runtime_put(&p2p->core.pdev->dev);
		if (ret > 0)
			*ppos += ret;
	}
	return ret;
}

/*
 * Mappings of BAR0 that cover the trapped page.  A program may map a BAR
 * whole without reading the sparse mmap areas (many do, the kernel's own
 * VFIO selftests among them): the mapping is made, only the trapped pages
 * are never mapped - an access to them through it gets SIGBUS, as one to a
 * BAR whose memory is disabled does - while read() and write() still reach
 * the trap.  The rest of the mapping is vfio-pci-core's own, revoked by it
 * on reset and power changes like any other.
 */
static struct p2pmig_device *vma_p2pmig(struct vm_area_struct *vma)
{
	return container_of((struct vfio_pci_core_device *)vma->vm_private_data,
			    struct p2pmig_device, core);
}

/* The BAR offset an address of a mapping made by vfio_pci_core_mmap() maps. */
static u64 vma_bar_offset(struct vm_area_struct *vma, unsigned long addr)
{
#if P2PMIG_HAVE_PER_PAGE_BAR_FAULT
	/* vm_pgoff is still the region offset */
	return (((u64)vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK) +
	       (addr - vma->vm_start);
#else
	/* vm_pgoff was made the BAR's first PFN */
	return ((u64)vma->vm_pgoff << PAGE_SHIFT) -
	       pci_resource_start(vma_p2pmig(vma)->core.pdev, VFIO_PCI_BAR0_REGION_INDEX) +
	       (addr - vma->vm_start);
#endif
}

/* Does [@off, @off + @size) of BAR0 meet a trapped window's pages? */
static bool bar0_range_trapped(struct p2pmig_device *p2p, u64 off, u64 size)
{
	u64 start = round_down(off, PAGE_SIZE);
	u64 end = round_up(off + size, PAGE_SIZE);

	return p2pmig_trap_at(p2p, start, end - start);
}

#if P2PMIG_HAVE_PER_PAGE_BAR_FAULT
static vm_fault_t p2pmig_bar0_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct p2pmig_device *p2p = vma_p2pmig(vma);
	const struct vm_operations_struct *core_ops = p2p->core_vm_ops;
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = ALIGN_DOWN(vmf->address, size);

	if (addr < vma->vm_start || addr + size > vma->vm_end ||
	    bar0_range_trapped(p2p, vma_bar_offset(vma, addr), size))
		return order ? VM_FAULT_FALLBACK : VM_FAULT_SIGBUS;
	if (!order)
		return core_ops->fault(vmf);
	return core_ops->huge_fault ? core_ops->huge_fault(vmf, order) : VM_FAULT_FALLBACK;
}

static vm_fault_t p2pmig_bar0_fault(struct vm_fault *vmf)
{
	return p2pmig_bar0_huge_fault(vmf, 0);
}

static const struct vm_operations_struct p2pmig_bar0_vm_ops = {
	.fault		= p2pmig_bar0_fault,
	.huge_fault	= p2pmig_bar0_huge_fault,
};

#else
/* vfio-pci-core's entry of its vma_list (6.1, private there; same layout) */
struct p2pmig_core_mmap_vma {
	struct vm_area_struct *vma;
	struct list_head vma_next;
};

/*
 * vfio-pci-core's fault maps the whole vma at once, trapped page
 * included: map page by page here instead, and put the vma on the core's
 * vma_list (taking its locks in its order) so that the core still revokes
 * it on reset and power changes; the core frees the entry then.
 */
static vm_fault_t p2pmig_bar0_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct p2pmig_device *p2p = vma_p2pmig(vma);
	struct vfio_pci_core_device *core = &p2p->core;
	unsigned long pfn = vma->vm_pgoff + ((vmf->address - vma->vm_start) >> PAGE_SHIFT);
	struct p2pmig_core_mmap_vma *mv;
	vm_fault_t ret;

	if (bar0_range_trapped(p2p, vma_bar_offset(vma, vmf->address), PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	mutex_lock(&core->vma_lock);
	down_read(&core->memory_lock);
	if (core->pm_runtime_engaged || !p2pmig_mmio_enabled(p2p)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	list_for_each_entry(mv, &core->vma_list, vma_next)
		if (mv->vma == vma)
			goto insert;
	mv = kmalloc(sizeof(*mv), GFP_KERNEL_ACCOUNT);
	if (!mv) {
		ret = VM_FAULT_OOM;
		goto out;
	}
	mv->vma = vma;
	list_add(&mv->vma_next, &core->vma_list);
insert:
	ret = vmf_insert_pfn(vma, vmf->address, pfn);
out:
	up_read(&core->memory_lock);
	mutex_unlock(&core->vma_lock);
	return ret;
}

static void p2pmig_bar0_vm_open(struct vm_area_struct *vma)
{
	vma_p2pmig(vma)->core_vm_ops->open(vma);
}

static void p2pmig_bar0_vm_close(struct vm_area_struct *vma)
{
	vma_p2pmig(vma)->core_vm_ops->close(vma);
}

static const struct vm_operations_struct p2pmig_bar0_vm_ops = {
	.open		= p2pmig_bar0_vm_open,
	.close		= p2pmig_bar0_vm_close,
	.fault		= p2pmig_bar0_fault,
};
#endif

static int p2pmig_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	unsigned int index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	u64 pgoff = vma->vm_pgoff & ((1ULL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1);
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	u64 start = pgoff << PAGE_SHIFT;
	int ret;

	ret = vfio_pci_core_mmap(vdev, vma);
	if (ret || index != VFIO_PCI_BAR0_REGION_INDEX ||
	    !bar0_range_trapped(p2p, start, vma->vm_end - vma->vm_start))
		return ret;
	/* the core's ops are the same for every mapping: keep them once */
	cmpxchg(&p2p->core_vm_ops, NULL, vma->vm_ops);
	if (WARN_ON_ONCE(p2p->core_vm_ops != vma->vm_ops))
		return -EINVAL;
	vma->vm_ops = &p2pmig_bar0_vm_ops;
	dev_dbg(p2pmig_dev(p2p), "BAR0 %#llx-%#llx mapped without its trapped pages\n",
		start, start + (vma->vm_end - vma->vm_start) - 1);
	return 0;
}

/* a range of a BAR that QEMU must not map (page-rounded by the caller) */
struct p2pmig_hole {
	u64 start, end;
};

static void p2pmig_add_hole(struct p2pmig_hole *holes, u32 *n, u64 start, u64 end)
{
	u32 i;

	start = round_down(start, PAGE_SIZE);
	end = round_up(end, PAGE_SIZE);
	/* keep them sorted; a handful, so insertion is fine */
	for (i = *n; i > 0 && holes[i - 1].start > start; i--)
		holes[i] = holes[i - 1];
	holes[i].start = start;
	holes[i].end = end;
	(*n)++;
}

/*
 * QEMU workaround, for QEMU as a VFIO user (any device; the full list is
 * in Documentation/driver.rst, "The 82576 VF and QEMU's model of it").
 *
 * The ranges of a BAR that get no mmap area: BAR0's trapped range, and the
 * pages of the MSI-X table and PBA.  vfio-pci-core lets userspace map the
 * MSI-X BAR whole (MSIX_MAPPABLE); QEMU then overlays its emulated table on
 * the mapping, and the RAM section left beside the 0x30-byte table of a
 * 3-vector VF is not page sized: QEMU 10 fails its dirty-page sync on it
 * and no migration starts.  Page-sized areas avoid that for every client.
 */
static u32 p2pmig_bar_holes(struct p2pmig_device *p2p, u32 index,
			    struct p2pmig_hole *holes)
{
	const struct p2pmig_backend *be = p2p->backend;
	struct vfio_pci_core_device *core = &p2p->core;
	struct pci_dev *pdev = core->pdev;
	u32 n = 0, pba;
	unsigned int i;

	if (index == VFIO_PCI_BAR0_REGION_INDEX)
		for_each_set_bit(i, &p2p->traps_on, P2PMIG_MAX_TRAPS)
			p2pmig_add_hole(holes, &n, be->traps[i].offset,
					(u64)be->traps[i].offset + be->traps[i].size);
	if (pdev->msix_cap && index == core->msix_bar) {
		p2pmig_add_hole(holes, &n, core->msix_offset,
				core->msix_offset + core->msix_size);
		pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);
		if ((pba & PCI_MSIX_PBA_BIR) == index) {
			pba &= PCI_MSIX_PBA_OFFSET;
			p2pmig_add_hole(holes, &n, pba, pba +
					DIV_ROUND_UP(pci_msix_vec_count(pdev), 64) * 8);
		}
	}
	return n;
}

/*
 * A BAR's region info, with a sparse mmap capability whose areas leave its
 * holes out (QEMU maps the areas and traps the rest).  Return: 0 if the
 * BAR has no holes (vfio-pci-core answers), 1 if @info and @caps are
 * filled, or a negative errno.
 */
static int p2pmig_bar_info(struct p2pmig_device *p2p,
			   struct vfio_region_info *info,
			   struct vfio_info_cap *caps)
{
	struct pci_dev *pdev = p2p->core.pdev;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct p2pmig_hole holes[P2PMIG_MAX_TRAPS + 2];
	u64 size, at = 0;
	u32 nholes, n = 0, i;
	int ret;

	if (info->index > VFIO_PCI_BAR5_REGION_INDEX)
		return 0;
	size = pci_resource_len(pdev, info->index);
	nholes = p2pmig_bar_holes(p2p, info->index, holes);
	if (!size || !nholes)
		return 0;

	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->size = size;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (!p2p->core.bar_mmap_supported[info->index])
		return 1;
	info->flags |= VFIO_REGION_INFO_FLAG_MMAP;

	sparse = kzalloc(struct_size(sparse, areas, nholes + 1), GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	for (i = 0; i <= nholes; i++) {
		u64 end = i < nholes ? min(holes[i].start, size) : size;

		if (end > at) {
			sparse->areas[n].offset = at;
			sparse->areas[n++].size = end - at;
		}
		if (i < nholes)
			at = max(at, holes[i].end);
	}
	sparse->nr_areas = n;
	ret = vfio_info_add_capability(caps, &sparse->header,
				       struct_size(sparse, areas, n));
	kfree(sparse);
	return ret ? ret : 1;
}

#if P2PMIG_HAVE_REGION_INFO_OP
static int p2pmig_get_region_info_caps(struct vfio_device *vdev,
				       struct vfio_region_info *info,
				       struct vfio_info_cap *caps)
{
	int ret = p2pmig_bar_info(to_p2pmig(vdev), info, caps);

	if (!ret)
		return vfio_pci_ioctl_get_region_info(vdev, info, caps);
	return ret < 0 ? ret : 0;
}
#else
/* Before 6.19 the region info comes through the ioctl op. */
static long p2pmig_get_region_info(struct p2pmig_device *p2p,
				   struct vfio_region_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = {};
	struct vfio_region_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = p2pmig_bar_info(p2p, &info, &caps);
	if (ret <= 0)	/* not ours (vfio-pci-core answers), or an error */
		return ret ? ret : -ENOIOCTLCMD;
	ret = 0;
	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size)) {
				ret = -EFAULT;
				goto out;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
out:
	kfree(caps.buf);
	return ret;
}

#endif

/*
 * VFIO_DEVICE_IOEVENTFD.  An ioeventfd writes to a BAR straight from the
 * kernel, past read() and write(): none may land in the trapped range.
 * vfio-pci-core would fetch the user's arguments again after any check of
 * ours, so p2pmig serves the ioctl itself, from one copy, with the core's
 * rules: naturally sized writes to a memory BAR outside the MSI-X table,
 * at most P2PMIG_IOEVENTFD_MAX per device, a duplicate is -EEXIST, fd -1
 * removes, all of them go away when the device is closed.
 */
#define P2PMIG_IOEVENTFD_MAX	1000

/**
 * struct p2pmig_ioeventfd - one registered ioeventfd
 * @node: in p2pmig_device.ioeventfds
 * @p2p: the device
 * @virqfd: the eventfd's hook
 * @addr: where it writes (our own mapping of the BAR)
 * @pos: its region offset (index and BAR offset), to find duplicates
 * @data: the value it writes
 * @count: bytes: 1, 2, 4 or 8
 */
struct p2pmig_ioeventfd {
	struct list_head node;
	struct p2pmig_device *p2p;
	struct virqfd *virqfd;
	void __iomem *addr;
	u64 pos;
	u64 data;
	u8 count;
};

static void ioeventfd_write(struct p2pmig_ioeventfd *e)
{
	switch (e->count) {
	case 1:
		iowrite8(e->data, e->addr);
		break;
	case 2:
		iowrite16(e->data, e->addr);
		break;
	case 4:
		iowrite32(e->data, e->addr);
		break;
#ifdef writeq
	case 8:
		writeq(e->data, e->addr);
		break;
#endif
	}
}

/* The eventfd fired (atomic context): write now if memory_lock is free. */
static int ioeventfd_handler(void *opaque, void *unused)
{
	struct p2pmig_ioeventfd *e = opaque;
	struct vfio_pci_core_device *core = &e->p2p->core;

	if (!down_read_trylock(&core->memory_lock))
		return 1;	/* the thread does it */
	if (p2pmig_mmio_enabled(e->p2p))
		ioeventfd_write(e);
	up_read(&core->memory_lock);
	return 0;
}

static void ioeventfd_thread(void *opaque, void *unused)
{
	struct p2pmig_ioeventfd *e = opaque;
	struct vfio_pci_core_device *core = &e->p2p->core;

	down_read(&core->memory_lock);
	if (p2pmig_mmio_enabled(e->p2p))
		ioeventfd_write(e);
	up_read(&core->memory_lock);
}

/* Our own mapping of a memory BAR, made once (under ioeventfds_lock). */
static void __iomem *ioeventfd_bar(struct p2pmig_device *p2p, int bar)
{
	if (!p2p->ioeventfd_map[bar])
		p2p->ioeventfd_map[bar] = pci_iomap(p2p->core.pdev, bar, 0);
	return p2p->ioeventfd_map[bar];
}

static long p2pmig_ioeventfd(struct p2pmig_device *p2p, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_pci_core_device *core = &p2p->core;
	struct vfio_device_ioeventfd req;
	struct p2pmig_ioeventfd *e;
	unsigned int bar, count;
	void __iomem *map;
	u64 off;
	long ret;

	/* the one and only fetch of the user's arguments */
	if (copy_from_user(&req, arg, minsz))
		return -EFAULT;
	if (req.argsz < minsz)
		return -EINVAL;
	count = req.flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
	if ((req.flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK) || hweight8(count) != 1 ||
	    req.fd < -1)
		return -EINVAL;
#ifndef writeq
	if (count == 8)
		return -EINVAL;
#endif
	bar = VFIO_PCI_OFFSET_TO_INDEX(req.offset);
	off = req.offset & VFIO_PCI_OFFSET_MASK;
	if (bar > VFIO_PCI_BAR5_REGION_INDEX ||
	    !(pci_resource_flags(core->pdev, bar) & IORESOURCE_MEM) ||
	    off + count > pci_resource_len(core->pdev, bar))
		return -EINVAL;
	if (bar == core->msix_bar &&
	    !(off + count <= core->msix_offset ||
	      off >= core->msix_offset + core->msix_size))
		return -EINVAL;
	if (p2pmig_trapped(p2p, bar, off, count)) {
		dev_dbg(p2pmig_dev(p2p), "no ioeventfd at BAR%u %#llx: the range is trapped\n",
			bar, off);
		return -EINVAL;
	}

	mutex_lock(&p2p->ioeventfds_lock);
	list_for_each_entry(e, &p2p->ioeventfds, node) {
		if (e->pos != req.offset || e->data != req.data || e->count != count)
			continue;
		if (req.fd == -1) {
			vfio_virqfd_disable(&e->virqfd);
			list_del(&e->node);
			kfree(e);
			p2p->nr_ioeventfds--;
			ret = 0;
		} else {
			ret = -EEXIST;
		}
		goto out;
	}
	ret = -ENODEV;
	if (req.fd < 0)
		goto out;
	ret = -ENOSPC;
	if (p2p->nr_ioeventfds >= P2PMIG_IOEVENTFD_MAX)
		goto out;
	ret = -ENOMEM;
	map = ioeventfd_bar(p2p, bar);
	if (!map)
		goto out;
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		goto out;
	e->p2p = p2p;
	e->addr = map + off;
	e->pos = req.offset;
	e->data = req.data;
	e->count = count;
	ret = vfio_virqfd_enable(e, ioeventfd_handler, ioeventfd_thread, NULL,
				 &e->virqfd, req.fd);
	if (ret) {
		kfree(e);
		goto out;
	}
	list_add(&e->node, &p2p->ioeventfds);
	p2p->nr_ioeventfds++;
out:
	mutex_unlock(&p2p->ioeventfds_lock);
	return ret;
}

/* The device is closed: its ioeventfds go. */
static void p2pmig_ioeventfds_release(struct p2pmig_device *p2p)
{
	struct p2pmig_ioeventfd *e, *tmp;

	mutex_lock(&p2p->ioeventfds_lock);
	list_for_each_entry_safe(e, tmp, &p2p->ioeventfds, node) {
		vfio_virqfd_disable(&e->virqfd);
		list_del(&e->node);
		kfree(e);
	}
	p2p->nr_ioeventfds = 0;
	mutex_unlock(&p2p->ioeventfds_lock);
}

static void p2pmig_close_device(struct vfio_device *vdev)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);

	p2pmig_ioeventfds_release(p2p);
	if (p2p->backend->log_stop)
		p2p->backend->log_stop(p2p);
	p2pmig_mig_close(p2p);
	vfio_pci_core_close_device(vdev);
}

/**
 * p2pmig_dma_read() - copy from the device's user's DMA memory
 * @p2p: device
 * @iova: where, as the device sees it
 * @buf: to where
 * @len: bytes
 *
 * Only from the user's own syscalls and with no lock of the core held:
 * the copy may fault.  Works with a type1 container or an iommufd access;
 * a device bound through iommufd's cdev gets -EINVAL.
 *
 * Return: 0 or a negative errno.
 */
int p2pmig_dma_read(struct p2pmig_device *p2p, u64 iova, void *buf, size_t len)
{
	might_sleep();
	if (iova + len < iova)
		return -EINVAL;
	return vfio_dma_rw(&p2p->core.vdev, iova, buf, len, false);
}

#if P2PMIG_HAVE_DMA_LOGGING
/*
 * DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_*), answered by the backend.
 * The core keeps no logging state: a second start without a stop, a stop or
 * report without a start come here and get an errno from the backend.
 */

/* Merge @r[0..*n) (sorted, disjoint) down to @max ranges over the smallest gaps. */
static void p2pmig_log_merge(struct p2pmig_log_range *r, u32 *n, u32 max)
{
	u32 i, best;
	u64 gap, best_gap;

	while (*n > max) {
		best = 0;
		best_gap = U64_MAX;
		for (i = 0; i + 1 < *n; i++) {
			gap = r[i + 1].start - (r[i].start + r[i].len);
			if (gap < best_gap) {
				best_gap = gap;
				best = i;
			}
		}
		r[best].len = r[best + 1].start + r[best + 1].len - r[best].start;
		memmove(&r[best + 1], &r[best + 2], (*n - best - 2) * sizeof(*r));
		(*n)--;
	}
}

static int p2pmig_log_start(struct vfio_device *vdev, struct rb_root_cached *ranges,
			    u32 nnodes, u64 *page_size)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	const struct p2pmig_backend *be = p2p->backend;
	struct p2pmig_log_range *r;
	struct interval_tree_node *node;
	u32 n = 0;
	int ret;

	if (!nnodes || nnodes > U16_MAX)
		return -EINVAL;
	r = kvcalloc(nnodes, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	for (node = interval_tree_iter_first(ranges, 0, ULONG_MAX); node && n < nnodes;
	     node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		/* the core checked them: sorted, disjoint, not wrapping */
		r[n].start = node->start;
		r[n++].len = node->last - node->start + 1;
	}
	p2pmig_log_merge(r, &n, be->log_max_ranges);
	ret = n ? be->log_start(p2p, r, n, page_size) : -EINVAL;
	kvfree(r);
	if (ret)
		dev_dbg(p2pmig_dev(p2p), "DMA logging not started: %d\n", ret);
	else
		dev_dbg(p2pmig_dev(p2p), "DMA logging started: %u ranges, %llu-byte pages\n",
			n, *page_size);
	return ret;
}

static int p2pmig_log_stop(struct vfio_device *vdev)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);

	p2p->backend->log_stop(p2p);
	return 0;
}

/* a report in progress: the core's bitmap, and the bytes set in it */
struct p2pmig_log_out {
	struct iova_bitmap *bitmap;
	u64 bytes;
};

static void p2pmig_log_set(void *arg, u64 iova, u64 len)
{
	struct p2pmig_log_out *out = arg;

	iova_bitmap_set(out->bitmap, iova, len);
	out->bytes += len;
}

static int p2pmig_log_read_and_clear(struct vfio_device *vdev, unsigned long iova,
				     unsigned long length, struct iova_bitmap *dirty)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	struct p2pmig_log_out out = { .bitmap = dirty };
	struct p2pmig_span span;
	int ret;

	p2pmig_span_begin(&span, p2p);
	ret = p2p->backend->log_report(p2p, iova, length, p2pmig_log_set, &out);
	trace_p2pmig_log(p2pmig_dev(p2p), iova, length, out.bytes, &span, ret);
	return ret;
}

static const struct vfio_log_ops p2pmig_log_ops = {
	.log_start		= p2pmig_log_start,
	.log_stop		= p2pmig_log_stop,
	.log_read_and_clear	= p2pmig_log_read_and_clear,
};
#endif

static long p2pmig_ioctl(struct vfio_device *vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);

	if (cmd == VFIO_DEVICE_IOEVENTFD)
		return p2pmig_ioeventfd(p2p, (void __user *)arg);
#if !P2PMIG_HAVE_REGION_INFO_OP
	if (cmd == VFIO_DEVICE_GET_REGION_INFO) {
		long ret = p2pmig_get_region_info(p2p, (void __user *)arg);

		if (ret != -ENOIOCTLCMD)
			return ret;
	}
#endif
	return vfio_pci_core_ioctl(vdev, cmd, arg);
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
	.ioctl		= p2pmig_ioctl,
#if P2PMIG_HAVE_REGION_INFO_OP
	.get_region_info_caps = p2pmig_get_region_info_caps,
#endif
	.device_feature	= p2pmig_device_feature,
	.read		= p2pmig_read,
	.write		= p2pmig_write,
	.mmap		= p2pmig_mmap,
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

/* /sys/kernel/debug/p2pmig/: a directory per bound device */
static struct dentry *p2pmig_debugfs_root;

/*
 * Fault injection for the tests: inject_quiesce holds how many of the
 * next quiesces fail (as if a queue never stopped), so that the recovery
 * of paths only real hardware takes can be tested on QEMU's model;
 * inject_log_drop how many of the next DMA log reports drop every page
 * (the negative control of the dirty tracking tests).
 */
static const char * const p2pmig_inject_names[P2PMIG_NR_INJECT] = {
	[P2PMIG_INJECT_QUIESCE] = "inject_quiesce",
	[P2PMIG_INJECT_LOG_DROP] = "inject_log_drop",
};

static int inject_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}

static int inject_set(void *data, u64 val)
{
	if (val > 1000)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(inject_fops, inject_get, inject_set, "%llu\n");

static void p2pmig_debugfs_init(struct p2pmig_device *p2p)
{
	int i;

	if (IS_ERR_OR_NULL(p2pmig_debugfs_root))
		return;
	p2p->debugfs = debugfs_create_dir(pci_name(p2p->core.pdev), p2pmig_debugfs_root);
	for (i = 0; i < P2PMIG_NR_INJECT; i++)
		debugfs_create_file_unsafe(p2pmig_inject_names[i], 0600, p2p->debugfs,
					   &p2p->inject[i], &inject_fops);
}

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
	p2pmig_init_traps(p2p);
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
	p2p->inited = true;

	dev_set_drvdata(&pdev->dev, &p2p->core);
	ret = vfio_pci_core_register_device(&p2p->core);
	if (ret)
		goto err_put;
	p2pmig_debugfs_init(p2p);

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
	void __iomem *maps[PCI_STD_NUM_BARS];
	void __iomem *bar0 = p2p->bar0;
	int i;

	debugfs_remove_recursive(p2p->debugfs);
	vfio_pci_core_unregister_device(core);
	/* closed for good: no ioeventfd uses the mappings any more */
	memcpy(maps, p2p->ioeventfd_map, sizeof(maps));
	vfio_put_device(&core->vdev);
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (maps[i])
			pci_iounmap(pdev, maps[i]);
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

static int __init p2pmig_init(void)
{
	int ret;

	p2pmig_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = pci_register_driver(&p2pmig_pci_driver);
	if (ret)
		debugfs_remove_recursive(p2pmig_debugfs_root);
	return ret;
}
module_init(p2pmig_init);

static void __exit p2pmig_exit(void)
{
	pci_unregister_driver(&p2pmig_pci_driver);
	debugfs_remove_recursive(p2pmig_debugfs_root);
}
module_exit(p2pmig_exit);

MODULE_LICENSE("GPL");
#if P2PMIG_HAVE_DMA_LOGGING && P2PMIG_IOVA_BITMAP_NS
#if P2PMIG_HAVE_QUOTED_NS
MODULE_IMPORT_NS("IOMMUFD");
#else
MODULE_IMPORT_NS(IOMMUFD);
#endif
#endif
MODULE_AUTHOR("The p2pmig authors");
MODULE_DESCRIPTION("VFIO PCI variant driver for live migration of SR-IOV VFs");
