/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel 82576 Virtual Function: the registers p2pmig touches, in the VF's
 * view of BAR0 (82576 datasheet, "Virtual Function Registers"), and the
 * igbvf backend's state.  The records it puts in a migration stream are in
 * igbvf_rec.h.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_IGBVF_H
#define P2PMIG_IGBVF_H

#include <linux/bits.h>
#include <linux/if_ether.h>
#include <linux/io.h>
#include <linux/types.h>

#include "igbvf_mbx.h"
#include "igbvf_rec.h"
#include "igbvf_track.h"
#include "p2pmig.h"

#define IGBVF_DEVICE_ID		0x10ca
#define IGBVF_BAR0_SIZE		0x4000

/* the mailbox and statistics registers are in igbvf_mbx.h */
#define IGBVF_VTSTATUS		0x0008
#define IGBVF_VTEICS		0x1520
#define IGBVF_VTEIMS		0x1524
#define IGBVF_VTEIMC		0x1528
#define IGBVF_VTEIAC		0x152c
#define IGBVF_VTEIAM		0x1530
#define IGBVF_VTEICR		0x1580
#define IGBVF_VTEITR(i)		(0x1680 + 4 * (i))
#define IGBVF_VTIVAR		0x1700
#define IGBVF_VTIVAR_MISC	0x1740

/* queue q (0 or 1) of the VF */
#define IGBVF_RDBAL(q)		(0x2800 + 0x100 * (q))
#define IGBVF_RDBAH(q)		(0x2804 + 0x100 * (q))
#define IGBVF_RDLEN(q)		(0x2808 + 0x100 * (q))
#define IGBVF_SRRCTL(q)		(0x280c + 0x100 * (q))
#define IGBVF_RDH(q)		(0x2810 + 0x100 * (q))
#define IGBVF_RDT(q)		(0x2818 + 0x100 * (q))
#define IGBVF_RXDCTL(q)		(0x2828 + 0x100 * (q))
#define IGBVF_TDBAL(q)		(0x3800 + 0x100 * (q))
#define IGBVF_TDBAH(q)		(0x3804 + 0x100 * (q))
#define IGBVF_TDLEN(q)		(0x3808 + 0x100 * (q))
#define IGBVF_TDH(q)		(0x3810 + 0x100 * (q))
#define IGBVF_TXCTL(q)		(0x3814 + 0x100 * (q))
#define IGBVF_TDT(q)		(0x3818 + 0x100 * (q))
#define IGBVF_TXDCTL(q)		(0x3828 + 0x100 * (q))
#define IGBVF_TDWBAL(q)		(0x3838 + 0x100 * (q))
#define IGBVF_TDWBAH(q)		(0x383c + 0x100 * (q))

#define IGBVF_XDCTL_ENABLE	BIT(25)	/* RXDCTL/TXDCTL queue enable */

/**
 * struct igbvf_priv - per-VF backend state
 * @rxdctl: RXDCTL of each queue as quiesce found it
 * @txdctl: TXDCTL of each queue as quiesce found it
 * @quiesced: queues are disabled by us; @rxdctl/@txdctl hold the truth
 * @eims: the interrupt mask start restores: as stop found it, or on a
 *	resumed VF the source's with its auto-masked vectors added
 * @stopped: interrupts are masked by us; @eims holds the truth
 * @raise_on_run: raise the vectors of @eims when the device runs again
 *	(after a resume: causes pending on the source are not visible)
 * @caps_seen: the resume stream's capabilities record was accepted
 * @regs_staged: @staged holds an accepted register record
 * @staged: register state waiting for the end of RESUMING
 * @mbx: the mailbox layer's state (igbvf_mbx.h): the trapped page, the
 *	PF-side configuration, the records that carry it and the statistics
 * @track: device dirty tracking (igbvf_track.h): the trapped queue
 *	registers and what the queues may write
 */
struct igbvf_priv {
	u32 rxdctl[IGBVF_NR_QUEUES];
	u32 txdctl[IGBVF_NR_QUEUES];
	bool quiesced;
	u32 eims;
	bool stopped;
	bool raise_on_run;

	bool caps_seen;
	bool regs_staged;
	struct igbvf_regs_rec staged;

	struct igbvf_mbx mbx;
	struct igbvf_track track;
};

static inline struct igbvf_priv *igbvf_priv(struct p2pmig_device *p2p)
{
	return p2p->priv;
}

static inline u32 igbvf_rd(struct p2pmig_device *p2p, u32 reg)
{
	return p2pmig_rd32(p2p, reg);
}

static inline void igbvf_wr(struct p2pmig_device *p2p, u32 reg, u32 val)
{
	p2pmig_wr32(p2p, reg, val);
}

/* fault injection (debugfs, see main.c): make this quiesce fail */
static inline bool igbvf_fail_quiesce(struct p2pmig_device *p2p)
{
	return p2pmig_inject(p2p, P2PMIG_INJECT_QUIESCE);
}

#endif /* P2PMIG_IGBVF_H */
