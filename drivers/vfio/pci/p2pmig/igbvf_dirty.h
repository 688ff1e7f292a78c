/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device dirty tracking for the 82576 VF, without help from the device:
 * what the VF may write into guest memory, kept from the descriptors the
 * guest posts (trapped RX tail doorbells) and from the queues'
 * configuration.
 *
 * Pure code: fixed-width types and errno values only, so the same source
 * builds into the module and into userspace tests.  Nothing here locks,
 * sleeps or allocates: the caller serializes the calls and provides all
 * storage.  The design: Documentation/driver.rst, "Device dirty tracking".
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_IGBVF_DIRTY_H
#define P2PMIG_IGBVF_DIRTY_H

#include <linux/types.h>

#define IGBVF_DIRTY_NR_QUEUES	2	/* queue pairs per VF */
#define IGBVF_DIRTY_MAX_RANGES	4	/* IOVA ranges of one logging session */
#define IGBVF_DIRTY_DESC_LEN	16	/* bytes per RX/TX descriptor */
#define IGBVF_DIRTY_RING_MASK	0xfff80	/* RDLEN/TDLEN bits 19:7 */
#define IGBVF_DIRTY_MAX_DESCS	(IGBVF_DIRTY_RING_MASK / IGBVF_DIRTY_DESC_LEN)
#define IGBVF_DIRTY_MIN_PAGE	4096

/* SRRCTL fields */
#define IGBVF_SRRCTL_BSIZEPKT_MASK	0x7f		/* 1 KiB units */
#define IGBVF_SRRCTL_BSIZEHDR_SHIFT	8
#define IGBVF_SRRCTL_BSIZEHDR_MASK	0xf		/* 64 B units */
#define IGBVF_SRRCTL_DESCTYPE_SHIFT	25
#define IGBVF_SRRCTL_DESCTYPE_MASK	0x7
#define IGBVF_SRRCTL_DESCTYPE_LEGACY	0
#define IGBVF_SRRCTL_DESCTYPE_ADV_ONE	1

/*
 * BSIZEPACKET 0 takes the size from the PF's RCTL.BSIZE/BSEX, which a VF
 * cannot read: count the largest RCTL allows.  BSIZEHEADER 0 is not a
 * documented value: count the largest header buffer the datasheet names.
 */
#define IGBVF_DIRTY_PKT_DEFAULT	16384
#define IGBVF_DIRTY_HDR_DEFAULT	1024

/*
 * The posted slots, from the head, whose buffers a quiesced device may have
 * written without moving its head: those in its on-chip descriptor buffer
 * (fetched, or processed but not written back), which the 5-bit RXDCTL
 * thresholds describe (at most 31 descriptors), with the buffers of one
 * frame spread over several.  Twice that, as a margin; QEMU's model needs
 * none (it moves RDH with each frame).
 */
#define IGBVF_DIRTY_RX_INFLIGHT	64

/* TDWBAL bit 0 enables head write-back; the word is 4-byte aligned */
#define IGBVF_TDWBAL_ENABLE	0x1

/**
 * typedef igbvf_dirty_set_fn - report IOVAs as dirty
 * @arg: the caller's argument to igbvf_dirty_report()
 * @iova: first byte, a multiple of the logging page size
 * @len: bytes, a multiple of the page size, never 0; @iova + @len may
 *	 be 2^64 (the last page of the address space)
 */
typedef void (*igbvf_dirty_set_fn)(void *arg, u64 iova, u64 len);

/**
 * struct igbvf_dirty_slot - what the guest posted in one RX ring slot
 * @pkt: packet buffer address (read format, bytes 0-7)
 * @hdr: header buffer address (bytes 8-15), used if the queue splits
 *
 * The caller allocates one per descriptor of the ring (RDLEN / 16).
 */
struct igbvf_dirty_slot {
	u64 pkt;
	u64 hdr;
};

/**
 * struct igbvf_dirty_rx_cfg - an RX queue's configuration registers
 * @base: RDBAH:RDBAL
 * @len: RDLEN, bytes
 * @srrctl: SRRCTL
 * @enabled: RXDCTL.ENABLE
 * @head: RDH; the queue holds no posted buffer after a reconfiguration
 */
struct igbvf_dirty_rx_cfg {
	u64 base;
	u32 len;
	u32 srrctl;
	bool enabled;
	u32 head;
};

/**
 * struct igbvf_dirty_tx_cfg - a TX queue's configuration registers
 * @base: TDBAH:TDBAL
 * @len: TDLEN, bytes
 * @wbal: TDWBAL (bit 0: head write-back enable)
 * @wbah: TDWBAH
 * @enabled: TXDCTL.ENABLE
 */
struct igbvf_dirty_tx_cfg {
	u64 base;
	u32 len;
	u32 wbal;
	u32 wbah;
	bool enabled;
};

/**
 * struct igbvf_dirty_range - one IOVA range of a logging session
 * @start: first byte
 * @len: bytes, not 0
 * @bits: one bit per page, igbvf_dirty_bitmap_words() long, zeroed, kept
 *	  by the caller until igbvf_dirty_log_stop()
 * @nwords: the length of @bits
 */
struct igbvf_dirty_range {
	u64 start;
	u64 len;
	u64 *bits;
	u64 nwords;
};

struct igbvf_dirty_rxq {
	struct igbvf_dirty_slot *slots;
	u32 nslots;		/* storage */
	u32 ndesc;		/* ring size */
	u64 base;
	u32 len;
	u32 pkt_len;
	u32 hdr_len;		/* 0: no header buffers */
	bool enabled;
	bool lost;		/* what it may write is not known */
	u32 head;		/* first posted slot */
	u32 nposted;		/* slots head .. head + nposted - 1 */
};

struct igbvf_dirty_txq {
	struct igbvf_dirty_tx_cfg cfg;
};

struct igbvf_dirty_log_range {
	u64 first;		/* page numbers, inclusive */
	u64 last;
	u64 *bits;
};

/**
 * struct igbvf_dirty - the tracker of one VF
 * @rx: RX queues
 * @tx: TX queues
 * @logging: between igbvf_dirty_log_start() and igbvf_dirty_log_stop()
 * @page_shift: log2 of the logging page size
 * @nranges: entries of @ranges
 * @ranges: the session's ranges, in page numbers
 *
 * What the device may still write is kept in @rx (posted slots) and
 * derived from the configuration (rings, head write-back).  What left
 * that state (a consumed or reused slot, a ring reconfigured away) is
 * set in the ranges' bitmaps until it is reported, once.
 */
struct igbvf_dirty {
	struct igbvf_dirty_rxq rx[IGBVF_DIRTY_NR_QUEUES];
	struct igbvf_dirty_txq tx[IGBVF_DIRTY_NR_QUEUES];
	bool logging;
	u32 page_shift;
	u32 nranges;
	struct igbvf_dirty_log_range ranges[IGBVF_DIRTY_MAX_RANGES];
};

void igbvf_dirty_init(struct igbvf_dirty *d);
u64 igbvf_dirty_page_size(u64 requested);
u64 igbvf_dirty_bitmap_words(u64 start, u64 len, u64 page_size);
int igbvf_dirty_log_start(struct igbvf_dirty *d,
			  const struct igbvf_dirty_range *ranges, u32 nranges,
			  u64 *page_size);
void igbvf_dirty_log_stop(struct igbvf_dirty *d);
int igbvf_dirty_rx_config(struct igbvf_dirty *d, u32 q,
			  const struct igbvf_dirty_rx_cfg *cfg,
			  struct igbvf_dirty_slot *slots, u32 nslots);
int igbvf_dirty_rx_consume(struct igbvf_dirty *d, u32 q, u32 head);
int igbvf_dirty_rx_post(struct igbvf_dirty *d, u32 q, u32 old_tail,
			u32 new_tail, const void *descs, u32 ndescs);
int igbvf_dirty_rx_lose(struct igbvf_dirty *d, u32 q);
int igbvf_dirty_rx_tail(const struct igbvf_dirty *d, u32 q, u32 *tail);
int igbvf_dirty_tx_config(struct igbvf_dirty *d, u32 q,
			  const struct igbvf_dirty_tx_cfg *cfg);
void igbvf_dirty_reset(struct igbvf_dirty *d);
int igbvf_dirty_report(struct igbvf_dirty *d, u64 iova, u64 length, bool posted,
		       igbvf_dirty_set_fn set_dirty, void *arg);

#endif
