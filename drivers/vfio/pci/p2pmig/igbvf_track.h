/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig igbvf backend: device dirty tracking wired to the VF.  The pure
 * tracker is igbvf_dirty.c; this is what feeds it (the trapped queue
 * registers, the descriptors the guest posts) and answers DMA logging.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_IGBVF_TRACK_H
#define P2PMIG_IGBVF_TRACK_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "backend.h"
#include "igbvf_dirty.h"

struct p2pmig_device;

/* the queue registers' window: RX queues at 0x2800, TX queues at 0x3800 */
#define IGBVF_TRACK_WINDOW	0x2000
#define IGBVF_TRACK_WINDOW_SIZE	0x2000

/**
 * struct igbvf_track_rxq - what the glue keeps for one RX queue
 * @slots: the tracker's slot storage, @nslots entries
 * @descs: descriptors copied from the ring, @nslots * 16 bytes
 * @nslots: storage size, in descriptors; only grows
 * @fetched: @descs holds the slots @old_tail .. @new_tail - 1 for the RDT
 *	write that follows, copied while the tracker was at @gen
 * @gen: see @fetched
 * @old_tail: see @fetched
 * @new_tail: see @fetched
 * @n: their number
 * @resync: what the device may write is not known (the tracker holds the
 *	queue lost): read its registers and ring again before the next post
 */
struct igbvf_track_rxq {
	struct igbvf_dirty_slot *slots;
	u8 *descs;
	u32 nslots;
	bool fetched;
	u32 gen;
	u32 old_tail;
	u32 new_tail;
	u32 n;
	bool resync;
};

/**
 * struct igbvf_track - device dirty tracking of one VF
 * @lock: protects @d, @gen, @bits and the @rx fields the tracker shares
 *	(taken under vfio-pci-core's memory_lock and the trap mutex, never
 *	around a user copy)
 * @d: the pure tracker
 * @gen: bumped when the queues change behind the trap mutex's back
 *	(reset, resume): a fetch made before is stale
 * @rx: per RX queue; storage changes only under the trap mutex
 * @bits: the logging session's bitmaps, or NULL
 */
struct igbvf_track {
	struct mutex lock;	/* see above */
	struct igbvf_dirty d;
	u32 gen;
	struct igbvf_track_rxq rx[IGBVF_DIRTY_NR_QUEUES];
	u64 *bits[IGBVF_DIRTY_MAX_RANGES];
};

void igbvf_track_init(struct igbvf_track *t);
void igbvf_track_destroy(struct igbvf_track *t);
void igbvf_track_fetch(struct p2pmig_device *p2p, struct igbvf_track *t,
		       u32 off, u32 val);
void igbvf_track_write(struct p2pmig_device *p2p, struct igbvf_track *t,
		       u32 off, u32 val);
void igbvf_track_lose(struct igbvf_track *t);
void igbvf_track_restored(struct igbvf_track *t,
			  const struct igbvf_dirty_tx_cfg tx[IGBVF_DIRTY_NR_QUEUES]);
int igbvf_track_log_start(struct p2pmig_device *p2p, struct igbvf_track *t,
			  const struct p2pmig_log_range *ranges,
			  unsigned int nranges, u64 *page_size);
void igbvf_track_log_stop(struct igbvf_track *t);
int igbvf_track_log_report(struct p2pmig_device *p2p, struct igbvf_track *t,
			   u64 iova, u64 len, bool quiesced, p2pmig_log_set_fn set,
			   void *arg);

#endif
