/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's 82576 VF model: departures from the silicon.
 *
 * QEMU emulates the 82576 and its VFs (hw/net/igb*.c).  Its emulated VF
 * carries QEMU's default subsystem IDs (1af4:1100); an 82576 board has
 * its maker's.  Where the model departs from the silicon p2pmig works
 * around it for the model only, and each workaround is here, tested at
 * its call site as "if (igbvf_quirk_...(mbx))".  One predicate,
 * igbvf_is_qemu_model(), tells the model; igbvf_quirks_init() asks it
 * once when the VF binds and keeps the answer in struct igbvf_mbx.
 *
 * The workarounds of QEMU's generic SR-IOV model and of QEMU itself, not
 * of its 82576, are in main.c; Documentation/driver.rst, "The 82576 VF
 * and QEMU's model of it", lists them all.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_IGBVF_QUIRKS_H
#define P2PMIG_IGBVF_QUIRKS_H

#include <linux/device.h>
#include <linux/pci.h>
#include <linux/types.h>

#include "igbvf_mbx.h"
#include "p2pmig.h"

/**
 * igbvf_is_qemu_model() - is this VF QEMU's emulated 82576 VF?
 * @pdev: the VF
 *
 * Return: true for QEMU's model, false for the silicon.
 */
static inline bool igbvf_is_qemu_model(struct pci_dev *pdev)
{
	return pdev->subsystem_vendor == PCI_SUBVENDOR_ID_REDHAT_QUMRANET &&
	       pdev->subsystem_device == PCI_SUBDEVICE_ID_QEMU;
}

/**
 * igbvf_quirks_init() - tell the model from the silicon, once, at bind
 * @mbx: the mailbox layer's state, whose @qemu_model it sets
 */
static inline void igbvf_quirks_init(struct igbvf_mbx *mbx)
{
	mbx->qemu_model = igbvf_is_qemu_model(mbx->p2p->core.pdev);
	if (mbx->qemu_model)
		dev_info(p2pmig_dev(mbx->p2p), "QEMU's 82576 VF model: its quirks are worked around\n");
}

/**
 * igbvf_quirk_drop_pbacl() - drop this guest write: it is to PBACL
 * @mbx: the mailbox layer's state
 * @off: BAR0 offset the guest writes
 *
 * The silicon: a VF's PBACL write clears the VF's own MSI-X pending bits.
 * The model: it clears the PF's.  p2pmig: drops the guest's write, on the
 * model only (under VFIO the VMM emulates the guest's PBA anyway, so
 * nothing is lost).
 *
 * Return: true if the write must not reach the device.
 */
static inline bool igbvf_quirk_drop_pbacl(const struct igbvf_mbx *mbx, u32 off)
{
	return off == IGBVF_PBACL && mbx->qemu_model;
}

/**
 * igbvf_quirk_no_rstd() - a VF reset never reports "reset done"
 * @mbx: the mailbox layer's state
 *
 * The silicon: a VF reset (VTCTRL.RST) ends with V2PMAILBOX.RSTD (or RSTI
 * while the PF itself is in reset), which a guest driver waits for after
 * resetting its VF.  The model (10.x): resets at once and never sets RSTD
 * for a VF reset, and Linux's igbvf then gives up on the PF.  p2pmig, on
 * the model only: reports RSTD to a guest that resets its VF
 * (igbvf_mbx_trap_write()), and does not wait for it when it resets a VF
 * itself (igbvf_mbx_release()).
 *
 * Return: true if the VF does not report RSTD after its reset.
 */
static inline bool igbvf_quirk_no_rstd(const struct igbvf_mbx *mbx)
{
	return mbx->qemu_model;
}

#endif /* P2PMIG_IGBVF_QUIRKS_H */
