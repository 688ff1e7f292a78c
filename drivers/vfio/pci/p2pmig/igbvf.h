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
#include <linux/types.h>

#include "stream.h"

#define IGBVF_DEVICE_ID		0x10ca
#define IGBVF_BAR0_SIZE		0x4000
#define IGBVF_NR_QUEUES		2	/* queue pairs per VF */
#define IGBVF_NR_VECTORS	3	/* MSI-X vectors per VF */
#define IGBVF_MBX_WORDS		16

#define IGBVF_VTCTRL		0x0000
#define IGBVF_VTSTATUS		0x0008
#define IGBVF_VMBMEM(i)		(0x0800 + 4 * (i))
#define IGBVF_V2PMAILBOX	0x0c40
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
 */
struct igbvf_regs_rec {
	struct igbvf_queue_regs q[IGBVF_NR_QUEUES];
	__le32 eitr[IGBVF_NR_VECTORS];
	__le32 ivar, ivar_misc, eiac, eiam, eims;
	__le32 vmbmem[IGBVF_MBX_WORDS];
};

#endif /* P2PMIG_IGBVF_H */
