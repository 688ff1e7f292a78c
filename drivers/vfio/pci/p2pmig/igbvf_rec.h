/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The records the igbvf backend puts in a migration stream, and their
 * validation on the destination.
 *
 * Pure code: fixed-width types and errno values only, so the same source
 * builds into the module and into userspace tests and fuzzers.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_IGBVF_REC_H
#define P2PMIG_IGBVF_REC_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/if_ether.h>
#endif

#include "stream.h"

#define IGBVF_NR_QUEUES		2	/* queue pairs per VF */
#define IGBVF_NR_VECTORS	3	/* MSI-X vectors per VF */
#define IGBVF_MBX_WORDS		16
#define IGBVF_NR_STATS		9	/* statistics registers */

#define IGBVF_VECTORS_MASK	GENMASK(IGBVF_NR_VECTORS - 1, 0)
#define IGBVF_DESC_LEN		16	/* advanced descriptors */
#define IGBVF_RING_ALIGN	128	/* RDLEN/TDLEN granularity */
#define IGBVF_RING_MAX_LEN	0xfff80	/* RDLEN/TDLEN bits 19:7 */

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

/* backend version: the layouts below */
#define IGBVF_BACKEND_VERSION	1

/* stream records */
#define IGBVF_REC_CAPS		(P2PMIG_REC_BACKEND_BASE + 1)	/* initial */
#define IGBVF_REC_REGS		(P2PMIG_REC_BACKEND_BASE + 2)	/* final */
#define IGBVF_REC_CONFIG	(P2PMIG_REC_BACKEND_BASE + 3)	/* initial */
#define IGBVF_REC_STATS		(P2PMIG_REC_OPTIONAL | (P2PMIG_REC_BACKEND_BASE + 4))

/* what the PF keeps for a VF that its guest driver asked for */
#define IGBVF_MAX_UC		8	/* extra unicast filters */
#define IGBVF_MAX_MC		30	/* multicast hashes (the PF's limit) */
#define IGBVF_MAX_VLANS		32	/* VLVF entries */
#define IGBVF_MAX_VLAN_ID	4095

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
#define IGBVF_CFG_FLAGS		(IGBVF_CFG_RESET | IGBVF_CFG_MAC | IGBVF_CFG_MC_OVERFLOW)

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

/*
 * In igbvf_regs_rec.v2p_r2c: no message was being written or read (the
 * guest held no lock, had nothing unread or unacknowledged, no request
 * was open), so only word 0 of the mailbox memory is the guest's.  A
 * destination that does not know the bit writes the zeroes too: harmless
 * while the memory is idle.
 */
#define IGBVF_REC_MBX_IDLE	BIT(31)

/**
 * struct igbvf_regs_rec - the VF's register state (final record)
 * @q: both queue pairs
 * @eitr: interrupt throttling per vector
 * @ivar: queue 0 RX/TX vector allocation
 * @ivar_misc: mailbox vector allocation
 * @eiac: auto-clear vectors
 * @eiam: auto-mask vectors
 * @eims: the interrupt mask the guest had set
 * @vmbmem: the mailbox memory; with IGBVF_REC_MBX_IDLE only word 0 (the
 *	last reply, whose CTS bit the guest's link check reads) and zeroes
 * @v2p_r2c: read-to-clear mailbox bits the guest has not read yet, and
 *	IGBVF_REC_MBX_IDLE
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

/*
 * The checks below take a record's payload as the stream parser hands it
 * over (aligned as its buffer is: at least 4 bytes) and its length.  They
 * return 0, or -EINVAL with *@why set to what is wrong (a string constant)
 * and *@why_arg to a number that goes with it (a length, a value, a queue
 * pair or an entry, as *@why says), or P2PMIG_NO_ARG.
 */
int igbvf_rec_check_caps(const void *payload, u32 len, const char **why,
			 u64 *why_arg);
int igbvf_rec_check_regs(const void *payload, u32 len, const char **why,
			 u64 *why_arg);
int igbvf_rec_check_config(const void *payload, u32 len, const char **why,
			   u64 *why_arg);
void igbvf_rec_to_cfg(const void *payload, struct igbvf_cfg *cfg);
int igbvf_rec_check_stats(const void *payload, u32 len, const char **why,
			  u64 *why_arg);
int igbvf_rec_check_complete(bool caps, bool cfg, bool regs, const char **why);

#endif /* P2PMIG_IGBVF_REC_H */
