/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel 82576 Virtual Function: the registers p2pmig touches, in the VF's
 * view of BAR0 (82576 datasheet, "Virtual Function Registers"), and the
 * records the igbvf backend puts in a migration stream.
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

#include "p2pmig.h"
#include "stream.h"

struct p2pmig_out;

#define IGBVF_DEVICE_ID		0x10ca
#define IGBVF_BAR0_SIZE		0x4000
#define IGBVF_NR_QUEUES		2	/* queue pairs per VF */
#define IGBVF_NR_VECTORS	3	/* MSI-X vectors per VF */
#define IGBVF_MBX_WORDS		16

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

/* VF <-> PF messages (word 0) */
#define IGBVF_MSG_TYPE		GENMASK(15, 0)
#define IGBVF_MSG_INFO		GENMASK(23, 16)
#define IGBVF_MSG_ACK		BIT(31)
#define IGBVF_MSG_NACK		BIT(30)
#define IGBVF_MSG_CTS		BIT(29)
#define IGBVF_MSG_RESET		0x01
#define IGBVF_MSG_SET_MAC	0x02
#define IGBVF_MSG_MAC_FILTER_CLR 1	/* info of SET_MAC */
#define IGBVF_MSG_MAC_FILTER_ADD 2
#define IGBVF_MSG_SET_MULTICAST	0x03
#define IGBVF_MSG_SET_VLAN	0x04
#define IGBVF_MSG_SET_LPE	0x05
#define IGBVF_MSG_SET_PROMISC	0x06

/* statistics registers: read-only, never reset, 32-bit wrapping */
#define IGBVF_NR_STATS		9
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
#define IGBVF_VECTORS_MASK	GENMASK(IGBVF_NR_VECTORS - 1, 0)
#define IGBVF_DESC_LEN		16	/* advanced descriptors */
#define IGBVF_RING_ALIGN	128	/* RDLEN/TDLEN granularity */

/* backend version: the layouts below */
#define IGBVF_BACKEND_VERSION	1

/* stream records */
#define IGBVF_REC_CAPS		(P2PMIG_REC_BACKEND_BASE + 1)	/* initial */
#define IGBVF_REC_REGS		(P2PMIG_REC_BACKEND_BASE + 2)	/* final */
#define IGBVF_REC_CONFIG	(P2PMIG_REC_BACKEND_BASE + 3)	/* initial */
#define IGBVF_REC_STATS		(P2PMIG_REC_OPTIONAL | (P2PMIG_REC_BACKEND_BASE + 4))

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

/* what the PF keeps for a VF that its guest driver asked for */
#define IGBVF_MAX_UC		8	/* extra unicast filters */
#define IGBVF_MAX_MC		30	/* multicast hashes (the PF's limit) */
#define IGBVF_MAX_VLANS		32	/* VLVF entries */

/**
 * struct igbvf_caps_rec - what the source VF is (initial record)
 * @queues: queue pairs
 * @vectors: MSI-X vectors
 * @reserved: 0
 */
struct igbvf_caps_rec {
	__le32 queues;
	__le32 vectors;
	__le32 reserved[2];
};

/**
 * struct igbvf_queue_regs - one queue pair's registers
 * @rdbal: RX descriptor ring base, low
 * @rdbah: RX descriptor ring base, high
 * @rdlen: RX ring length in bytes
 * @srrctl: RX buffer sizes and descriptor type
 * @rdh: RX head
 * @rdt: RX tail
 * @rxdctl: RX queue control, enable bit as the guest left it
 * @tdbal: TX descriptor ring base, low
 * @tdbah: TX descriptor ring base, high
 * @tdlen: TX ring length in bytes
 * @tdh: TX head
 * @tdt: TX tail
 * @txdctl: TX queue control, enable bit as the guest left it
 * @txctl: TX DCA control
 * @tdwbal: TX head write-back address, low
 * @tdwbah: TX head write-back address, high
 */
struct igbvf_queue_regs {
	__le32 rdbal, rdbah, rdlen, srrctl, rdh, rdt, rxdctl;
	__le32 tdbal, tdbah, tdlen, tdh, tdt, txdctl, txctl, tdwbal, tdwbah;
};

#define IGBVF_CFG_RESET		BIT(0)	/* the guest completed VF_RESET */
#define IGBVF_CFG_MAC		BIT(1)	/* @mac is set */
/* more groups than hashes: the PF receives all multicast for the VF */
#define IGBVF_CFG_MC_OVERFLOW	BIT(2)

/* SET_LPE sizes the PF takes (ETH_ZLEN + FCS .. the 82576's jumbo limit) */
#define IGBVF_MIN_FRAME		64
#define IGBVF_MAX_FRAME		9728

/**
 * struct igbvf_config_rec - the VF's PF-side configuration (initial record)
 * @flags: IGBVF_CFG_*
 * @mac: primary MAC address
 * @nr_uc: entries in @uc
 * @nr_mc: entries in @mc
 * @uc: extra unicast filters
 * @mc: multicast hashes, as the guest sent them
 * @vlans: VLAN IDs the guest added
 * @nr_vlans: entries in @vlans
 * @reserved0: 0
 * @max_frame: largest frame (SET_LPE), 0 if never set
 * @promisc: SET_PROMISC message info bits, 0 if never set
 * @reserved: 0
 */
struct igbvf_config_rec {
	__le32 flags;
	u8 mac[ETH_ALEN];
	u8 nr_uc;
	u8 nr_mc;
	u8 uc[IGBVF_MAX_UC][ETH_ALEN];
	__le16 mc[IGBVF_MAX_MC];
	__le16 vlans[IGBVF_MAX_VLANS];
	u8 nr_vlans;
	u8 reserved0[3];
	__le32 max_frame;
	__le32 promisc;
	__le32 reserved[2];
};

/**
 * struct igbvf_stats_rec - the statistics the guest saw (optional record)
 * @stat: VFGPRC, VFGPTC, VFGORC, VFGOTC, VFMPRC, VFGPRLBC, VFGPTLBC,
 *	VFGORLBC, VFGOTLBC as read through p2pmig
 */
struct igbvf_stats_rec {
	__le32 stat[IGBVF_NR_STATS];
};

/**
 * struct igbvf_regs_rec - the VF's register state (final record)
 * @q: both queue pairs
 * @eitr: interrupt throttling per vector
 * @ivar: queue 0 RX/TX vector allocation
 * @ivar_misc: mailbox vector allocation
 * @eiac: auto-clear vectors
 * @eiam: auto-mask vectors
 * @eims: the interrupt mask the guest had set
 * @vmbmem: the mailbox memory
 * @v2p_r2c: read-to-clear mailbox bits the guest has not read yet
 */
struct igbvf_regs_rec {
	struct igbvf_queue_regs q[IGBVF_NR_QUEUES];
	__le32 eitr[IGBVF_NR_VECTORS];
	__le32 ivar, ivar_misc, eiac, eiam, eims;
	__le32 vmbmem[IGBVF_MBX_WORDS];
	__le32 v2p_r2c;
};

/**
 * struct igbvf_cfg - a VF's PF-side configuration, as its guest set it
 * @reset: the guest completed VF_RESET (the PF lets it configure)
 * @mac_set: @mac is valid
 * @mac: primary MAC address
 * @nr_uc: entries in @uc
 * @uc: extra unicast filters
 * @nr_mc: entries in @mc
 * @mc: multicast hashes
 * @mc_overflow: the guest asked for more groups than the PF has hashes
 * @nr_vlans: entries in @vlans
 * @vlans: VLAN IDs
 * @max_frame: SET_LPE value, 0 if never set
 * @promisc: SET_PROMISC info bits
 */
struct igbvf_cfg {
	bool reset;
	bool mac_set;
	u8 mac[ETH_ALEN];
	u8 nr_uc;
	u8 uc[IGBVF_MAX_UC][ETH_ALEN];
	u8 nr_mc;
	u16 mc[IGBVF_MAX_MC];
	bool mc_overflow;
	u8 nr_vlans;
	u16 vlans[IGBVF_MAX_VLANS];
	u32 max_frame;
	u32 promisc;
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
