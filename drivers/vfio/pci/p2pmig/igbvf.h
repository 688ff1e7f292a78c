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
#include <linux/spinlock.h>
#include <linux/types.h>

#include "igbvf_rec.h"
#include "p2pmig.h"

struct p2pmig_out;

#define IGBVF_DEVICE_ID		0x10ca
#define IGBVF_BAR0_SIZE		0x4000

#define IGBVF_VTCTRL		0x0000
#define IGBVF_VTCTRL_RST	BIT(26)
#define IGBVF_VTSTATUS		0x0008
#define IGBVF_VMBMEM(i)		(0x0800 + 4 * (i))
#define IGBVF_V2PMAILBOX	0x0c40
#define IGBVF_PBACL		0x0f04	/* QEMU's igb forwards it to the PF */

/* V2PMAILBOX bits */
#define IGBVF_MBX_REQ		BIT(0)
#define IGBVF_MBX_ACK		BIT(1)
#define IGBVF_MBX_VFU		BIT(2)
#define IGBVF_MBX_PFU		BIT(3)
#define IGBVF_MBX_PFSTS		BIT(4)
#define IGBVF_MBX_PFACK		BIT(5)
#define IGBVF_MBX_RSTI		BIT(6)
#define IGBVF_MBX_RSTD		BIT(7)
#define IGBVF_MBX_R2C		(IGBVF_MBX_PFSTS | IGBVF_MBX_PFACK | IGBVF_MBX_RSTD)

/* statistics registers: read-only, never reset, 32-bit wrapping */
#define IGBVF_STATS_FIRST	0x0f10
#define IGBVF_STATS_LAST	0x0f50
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

/*
 * Configuration changes a save session sends during pre-copy as records
 * of their own; a change made while one is queued unread replaces it, and
 * what comes after the last of these goes with the final data.
 */
#define IGBVF_CFG_UPDATES	4

/* what igbvf_save_config() is asked for */
enum igbvf_save {
	IGBVF_SAVE_INITIAL,	/* the initial record */
	IGBVF_SAVE_DIRTY,	/* a change, during pre-copy */
	IGBVF_SAVE_FINAL,	/* a change not sent yet, in STOP */
};

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
 * @qemu_model: the VF is QEMU's emulated 82576 (hw/net/igbvf.c), whose
 *	departures from the silicon p2pmig works around (see igbvf_init())
 * @cfg_updates: configuration records sent as dirty data in this session
 * @lock: protects the fields below, shared with the trapped MMIO path
 * @cfg: the PF-side configuration the guest set (source) or that was
 *	replayed (destination)
 * @cfg_gen: changes with every change of @cfg
 * @cfg_sent: @cfg_gen when @cfg was last put in a stream
 * @pf_touched: requests reached the PF for this VF (the guest's or the
 *	replay's) since the last release: the PF may hold filters for it
 * @pending: the guest's mailbox request awaiting the PF's reply
 * @pending_valid: @pending holds one
 * @r2c: read-to-clear V2PMAILBOX bits read from the device, not yet by
 *	the guest
 * @stat_offset: added to each statistics register the guest reads
 * @caps_seen: the resume stream's capabilities record was accepted
 * @cfg_seen: ... and its configuration record
 * @cfg_staged: @staged_cfg waits for the end of RESUMING (late replay)
 * @staged_cfg: a received configuration not replayed yet
 * @stats_staged: @staged_stats holds the source's statistics
 * @staged_stats: the statistics the guest saw on the source
 * @regs_staged: @staged holds an accepted register record
 * @staged: register state waiting for the end of RESUMING
 */
struct igbvf_priv {
	u32 rxdctl[IGBVF_NR_QUEUES];
	u32 txdctl[IGBVF_NR_QUEUES];
	bool quiesced;
	u32 eims;
	bool stopped;
	bool raise_on_run;
	bool qemu_model;
	unsigned int cfg_updates;

	spinlock_t lock;	/* see above */
	struct igbvf_cfg cfg;
	u32 cfg_gen;
	u32 cfg_sent;
	bool pf_touched;
	u32 pending[IGBVF_MBX_WORDS];
	bool pending_valid;
	u32 r2c;
	u32 stat_offset[IGBVF_NR_STATS];

	bool caps_seen;
	bool cfg_seen;
	bool cfg_staged;
	struct igbvf_cfg staged_cfg;
	bool stats_staged;
	u32 staged_stats[IGBVF_NR_STATS];
	bool regs_staged;
	struct igbvf_regs_rec staged;
};

static inline struct igbvf_priv *igbvf_priv(struct p2pmig_device *p2p)
{
	return p2p->priv;
}

static inline u32 igbvf_rd(struct p2pmig_device *p2p, u32 reg)
{
	return readl(p2p->bar0 + reg);
}

static inline void igbvf_wr(struct p2pmig_device *p2p, u32 reg, u32 val)
{
	writel(val, p2p->bar0 + reg);
}

int igbvf_reject_rec(struct p2pmig_device *p2p, const char *rec,
		     const char *why, u64 why_arg);

/* igbvf_mbx.c: the trapped page, the configuration shadow and its replay */
u32 igbvf_trap_read(struct p2pmig_device *p2p, u32 off);
void igbvf_trap_write(struct p2pmig_device *p2p, u32 off, u32 val);
void igbvf_mbx_settle(struct p2pmig_device *p2p);
bool igbvf_cfg_dirty(struct p2pmig_device *p2p);
void igbvf_mbx_forget(struct p2pmig_device *p2p);
void igbvf_mbx_release(struct p2pmig_device *p2p);
int igbvf_save_config(struct p2pmig_device *p2p, struct p2pmig_out *out,
		      enum igbvf_save what);
void igbvf_save_stats(struct p2pmig_device *p2p, struct igbvf_stats_rec *rec);
u32 igbvf_save_r2c(struct p2pmig_device *p2p);
int igbvf_load_config(struct p2pmig_device *p2p, const u8 *payload, u32 len);
int igbvf_load_stats(struct p2pmig_device *p2p, const u8 *payload, u32 len);
int igbvf_load_config_finish(struct p2pmig_device *p2p);
void igbvf_load_mbx_finish(struct p2pmig_device *p2p, const __le32 *vmbmem, u32 r2c);

/* fault injection (debugfs, see main.c): make this quiesce fail */
static inline bool igbvf_fail_quiesce(struct p2pmig_device *p2p)
{
	return p2pmig_inject(p2p, P2PMIG_INJECT_QUIESCE);
}

#endif /* P2PMIG_IGBVF_H */
