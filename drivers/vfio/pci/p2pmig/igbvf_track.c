// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig igbvf backend: device dirty tracking wired to the VF.
 *
 * The queue registers' pages are trapped.  A write of an RX tail (RDT)
 * comes in two steps: first, with no lock held but the device's trap mutex,
 * the descriptors between the tracker's tail and the new one are copied
 * from the ring in the user's memory (vfio_dma_rw(): it may fault, so it
 * cannot run under memory_lock or the state mutex); then, under memory_lock,
 * they are given to the tracker (igbvf_dirty.c) and the write goes to the
 * device.  The device can fetch a descriptor only after the tail write that
 * posts it, so the tracker always knows a buffer before the device can
 * write it.  A write of a queue's configuration goes to the device first,
 * and the tracker is given what the registers hold after it.
 *
 * Whenever the tracker cannot be sure what a queue has posted (after a
 * reset, a resume, a ring it could not read, a tail it did not see move),
 * it holds the queue "lost": every page is reported dirty until the queue
 * is synced again, from its registers and from the ring between head and
 * tail (descriptors the device has not consumed still hold the buffer
 * addresses the guest wrote).  A sync happens before the next tail write,
 * at the start of logging and before each report.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "igbvf.h"
#include "igbvf_track.h"
#include "p2pmig.h"

#define DESC		IGBVF_DIRTY_DESC_LEN
/* the bitmaps of one logging session, in u64 words: 8 MiB at most */
#define IGBVF_TRACK_MAX_WORDS	BIT(20)

/* register @reg of RX queue @q is @off? (0x2800 + 0x100 * q + reg) */
static bool rx_reg(u32 off, u32 *q, u32 *reg)
{
	if (off < IGBVF_RDBAL(0) || off >= IGBVF_RDBAL(IGBVF_NR_QUEUES))
		return false;
	*q = (off - IGBVF_RDBAL(0)) / 0x100;
	*reg = off - 0x100 * *q;
	return true;
}

static bool tx_reg(u32 off, u32 *q, u32 *reg)
{
	if (off < IGBVF_TDBAL(0) || off >= IGBVF_TDBAL(IGBVF_NR_QUEUES))
		return false;
	*q = (off - IGBVF_TDBAL(0)) / 0x100;
	*reg = off - 0x100 * *q;
	return true;
}

static u32 ring_descs(u32 rdlen)
{
	return (rdlen & IGBVF_DIRTY_RING_MASK) / DESC;
}

/* RX queue @q's registers (memory_lock held) */
static void read_rx(struct p2pmig_device *p2p, u32 q, struct igbvf_dirty_rx_cfg *c,
		    u32 *rdt)
{
	c->base = (u64)igbvf_rd(p2p, IGBVF_RDBAH(q)) << 32 | igbvf_rd(p2p, IGBVF_RDBAL(q));
	c->len = igbvf_rd(p2p, IGBVF_RDLEN(q));
	c->srrctl = igbvf_rd(p2p, IGBVF_SRRCTL(q));
	c->enabled = igbvf_rd(p2p, IGBVF_RXDCTL(q)) & IGBVF_XDCTL_ENABLE;
	c->head = igbvf_rd(p2p, IGBVF_RDH(q));
	*rdt = igbvf_rd(p2p, IGBVF_RDT(q));
}

static void read_tx(struct p2pmig_device *p2p, u32 q, struct igbvf_dirty_tx_cfg *c)
{
	c->base = (u64)igbvf_rd(p2p, IGBVF_TDBAH(q)) << 32 | igbvf_rd(p2p, IGBVF_TDBAL(q));
	c->len = igbvf_rd(p2p, IGBVF_TDLEN(q));
	c->wbal = igbvf_rd(p2p, IGBVF_TDWBAL(q));
	c->wbah = igbvf_rd(p2p, IGBVF_TDWBAH(q));
	c->enabled = igbvf_rd(p2p, IGBVF_TXDCTL(q)) & IGBVF_XDCTL_ENABLE;
}

/* the queue's posted slots are not known: lost until synced (t->lock held) */
static void rx_lose(struct igbvf_track *t, u32 q)
{
	igbvf_dirty_rx_lose(&t->d, q);
	t->rx[q].resync = true;
	t->rx[q].fetched = false;
}

/*
 * Storage for a ring of @ndesc descriptors (trap mutex held, no other
 * lock).  The tracker lets go of the old storage before it is freed: the
 * queue is lost then, and synced again later.
 */
static int grow(struct igbvf_track *t, u32 q, u32 ndesc)
{
	struct igbvf_track_rxq *rx = &t->rx[q];
	struct igbvf_dirty_rx_cfg none = {};
	struct igbvf_dirty_slot *slots, *old_slots;
	u8 *descs, *old_descs;

	if (ndesc <= rx->nslots)
		return 0;
	slots = kvcalloc(ndesc, sizeof(*slots), GFP_KERNEL_ACCOUNT);
	descs = kvmalloc_array(ndesc, DESC, GFP_KERNEL_ACCOUNT);
	if (!slots || !descs) {
		kvfree(slots);
		kvfree(descs);
		return -ENOMEM;
	}
	mutex_lock(&t->lock);
	old_slots = rx->slots;
	old_descs = rx->descs;
	igbvf_dirty_rx_lose(&t->d, q);
	/* reports what the old slots held, then holds the new storage */
	igbvf_dirty_rx_config(&t->d, q, &none, slots, ndesc);
	rx->slots = slots;
	rx->descs = descs;
	rx->nslots = ndesc;
	rx_lose(t, q);
	mutex_unlock(&t->lock);
	kvfree(old_slots);
	kvfree(old_descs);
	return 0;
}

/* Copy @n descriptors from slot @first of a ring of @ndesc at @base. */
static int read_ring(struct p2pmig_device *p2p, u64 base, u32 ndesc, u32 first,
		     u32 n, u8 *buf)
{
	u32 k = min(n, ndesc - first);
	int ret;

	ret = p2pmig_dma_read(p2p, base + (u64)first * DESC, buf, (size_t)k * DESC);
	if (!ret && n > k)
		ret = p2pmig_dma_read(p2p, base, buf + (size_t)k * DESC,
				      (size_t)(n - k) * DESC);
	return ret;
}

/*
 * Sync a lost RX queue (trap mutex held, no other lock): its registers,
 * then the descriptors between head and tail, then the head again.  Slots
 * the device consumed meanwhile are not recorded: what they wrote is
 * covered by the queue having been lost until now.
 */
static void rx_sync(struct p2pmig_device *p2p, struct igbvf_track *t, u32 q)
{
	struct igbvf_track_rxq *rx = &t->rx[q];
	struct igbvf_dirty_rx_cfg c0, c1;
	u32 t0, t1, ndesc, n = 0, moved = 0;
	bool resync;
	int ret;

	mutex_lock(&t->lock);
	resync = rx->resync;
	mutex_unlock(&t->lock);
	if (!resync || p2pmig_mmio_begin(p2p))
		return;
	read_rx(p2p, q, &c0, &t0);
	p2pmig_mmio_end(p2p);

	ndesc = ring_descs(c0.len);
	if (grow(t, q, ndesc))
		return;
	/*
	 * A tail beyond the ring: what the device fetches is not known (QEMU's
	 * model takes the ring as empty, the 82576 datasheet does not say).
	 */
	if (ndesc && t0 >= ndesc) {
		dev_dbg(p2pmig_dev(p2p), "RX ring %u: tail %u beyond its %u descriptors: queue stays lost\n",
			q, t0, ndesc);
		return;
	}
	if (ndesc && c0.head < ndesc) {
		n = (t0 + ndesc - c0.head) % ndesc;
		if (n && read_ring(p2p, c0.base, ndesc, c0.head, n, rx->descs)) {
			dev_dbg(p2pmig_dev(p2p), "RX ring %u at %#llx unreadable: queue stays lost\n",
				q, c0.base);
			return;
		}
	}

	if (p2pmig_mmio_begin(p2p))
		return;
	read_rx(p2p, q, &c1, &t1);
	mutex_lock(&t->lock);
	if (ndesc && c1.head < ndesc)
		moved = (c1.head + ndesc - c0.head) % ndesc;
	if (c1.base == c0.base && c1.len == c0.len && t1 == t0 && moved <= n &&
	    rx->resync) {
		ret = igbvf_dirty_rx_config(&t->d, q, &c1, rx->slots, rx->nslots);
		if (!ret && n > moved)
			ret = igbvf_dirty_rx_post(&t->d, q, c1.head, t1,
						  rx->descs + (size_t)moved * DESC, n - moved);
		if (!ret && !t->d.rx[q].lost)
			rx->resync = false;
		else
			rx_lose(t, q);
	}
	mutex_unlock(&t->lock);
	p2pmig_mmio_end(p2p);
}

/**
 * igbvf_track_init() - a tracker with nothing known and no storage
 * @t: the tracker
 *
 * The queues start lost: what the device was left with is read at the
 * first sync.
 */
void igbvf_track_init(struct igbvf_track *t)
{
	u32 q;

	mutex_init(&t->lock);
	igbvf_dirty_init(&t->d);
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++)
		rx_lose(t, q);
}

/**
 * igbvf_track_destroy() - free what igbvf_track_init() and the queues took
 * @t: the tracker, not used any more
 */
void igbvf_track_destroy(struct igbvf_track *t)
{
	u32 q;

	igbvf_track_log_stop(t);
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++) {
		kvfree(t->rx[q].slots);
		kvfree(t->rx[q].descs);
	}
	mutex_destroy(&t->lock);
}

/**
 * igbvf_track_fetch() - first step of a write to the queue registers
 * @p2p: device
 * @t: its tracker
 * @off: BAR0 offset written
 * @val: value written
 *
 * Trap mutex held, no other lock.  For an RX tail: sync the queue if it is
 * lost, then copy the descriptors the write posts.  For an RX ring length:
 * make room for the ring.  Failures leave nothing fetched: the write then
 * makes the queue lost.
 */
void igbvf_track_fetch(struct p2pmig_device *p2p, struct igbvf_track *t,
		       u32 off, u32 val)
{
	struct igbvf_track_rxq *rx;
	u32 q, reg, old, ndesc, n, gen;
	u64 base;
	bool ok;

	if (!rx_reg(off, &q, &reg))
		return;
	rx = &t->rx[q];
	if (reg == IGBVF_RDLEN(0)) {
		grow(t, q, ring_descs(val));
		return;
	}
	if (reg != IGBVF_RDT(0))
		return;

	rx_sync(p2p, t, q);
	mutex_lock(&t->lock);
	rx->fetched = false;
	ndesc = t->d.rx[q].ndesc;
	base = t->d.rx[q].base;
	gen = t->gen;
	ok = !rx->resync && !igbvf_dirty_rx_tail(&t->d, q, &old) && val < ndesc;
	mutex_unlock(&t->lock);
	if (!ok)
		return;
	n = (val + ndesc - old) % ndesc;
	if (n && read_ring(p2p, base, ndesc, old, n, rx->descs)) {
		dev_dbg(p2pmig_dev(p2p), "RX ring %u at %#llx unreadable: queue lost\n", q, base);
		return;
	}
	mutex_lock(&t->lock);
	rx->fetched = true;
	rx->gen = gen;
	rx->old_tail = old;
	rx->new_tail = val;
	rx->n = n;
	mutex_unlock(&t->lock);
}

/* an RX tail write: record what igbvf_track_fetch() copied */
static void rx_post(struct p2pmig_device *p2p, struct igbvf_track *t, u32 q, u32 val)
{
	struct igbvf_track_rxq *rx = &t->rx[q];
	int ret = -EAGAIN;

	if (rx->resync)
		return;		/* lost already; the next sync reads the ring */
	if (!t->d.rx[q].ndesc && !val)
		return;		/* no ring, nothing posted */
	if (rx->fetched && rx->gen == t->gen && rx->new_tail == val) {
		igbvf_dirty_rx_consume(&t->d, q, igbvf_rd(p2p, IGBVF_RDH(q)));
		ret = igbvf_dirty_rx_post(&t->d, q, rx->old_tail, val, rx->descs, rx->n);
	}
	if (ret || t->d.rx[q].lost)
		rx_lose(t, q);
}

/* a write of an RX queue's configuration went to the device */
static void rx_config(struct p2pmig_device *p2p, struct igbvf_track *t, u32 q)
{
	struct igbvf_track_rxq *rx = &t->rx[q];
	struct igbvf_dirty_rx_cfg c;
	u32 rdt, tail;

	read_rx(p2p, q, &c, &rdt);
	if (rx->resync)
		return;
	/*
	 * Posted slots the tracker has not seen (the device's tail is not the
	 * tracker's after the change): lost until synced from the ring.
	 */
	if (igbvf_dirty_rx_config(&t->d, q, &c, rx->slots, rx->nslots) ||
	    t->d.rx[q].lost ||
	    (t->d.rx[q].ndesc && (igbvf_dirty_rx_tail(&t->d, q, &tail) || tail != rdt)))
		rx_lose(t, q);
}

/**
 * igbvf_track_write() - second step of a write to the queue registers
 * @p2p: device
 * @t: its tracker
 * @off: BAR0 offset written
 * @val: value written
 *
 * memory_lock (read) and the trap mutex held.  An RX tail is recorded
 * before it goes to the device; a configuration register goes to the
 * device first and the tracker learns what the queue holds after it.
 */
void igbvf_track_write(struct p2pmig_device *p2p, struct igbvf_track *t,
		       u32 off, u32 val)
{
	struct igbvf_dirty_tx_cfg tc;
	u32 q, reg;

	if (rx_reg(off, &q, &reg)) {
		mutex_lock(&t->lock);
		if (reg == IGBVF_RDT(0)) {
			rx_post(p2p, t, q, val);
			t->rx[q].fetched = false;
			igbvf_wr(p2p, off, val);
		} else {
			t->rx[q].fetched = false;
			igbvf_wr(p2p, off, val);
			rx_config(p2p, t, q);
		}
		mutex_unlock(&t->lock);
		return;
	}
	igbvf_wr(p2p, off, val);
	if (!tx_reg(off, &q, &reg) || reg == IGBVF_TDH(0) || reg == IGBVF_TDT(0) ||
	    reg == IGBVF_TXCTL(0))
		return;
	read_tx(p2p, q, &tc);
	mutex_lock(&t->lock);
	igbvf_dirty_tx_config(&t->d, q, &tc);
	mutex_unlock(&t->lock);
}

/**
 * igbvf_track_lose() - the VF was reset, or went back to the host
 * @t: the tracker
 *
 * What the queues may have written is reported once more; they are synced
 * again from the device before they are trusted.  Touches no device.
 */
void igbvf_track_lose(struct igbvf_track *t)
{
	u32 q;

	mutex_lock(&t->lock);
	igbvf_dirty_reset(&t->d);
	t->gen++;
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++)
		rx_lose(t, q);
	mutex_unlock(&t->lock);
}

/**
 * igbvf_track_restored() - a resume wrote the queues' registers
 * @t: the tracker
 * @tx: each TX queue as it runs once the device runs again: the registers
 *	written, and enabled as the stream's TXDCTL says
 *
 * The resume left the queues disabled, and leaving STOP and RUNNING_P2P
 * enables them without a trapped write, so @tx cannot come from the
 * registers.  The RX queues are lost until synced (their posted slots are
 * in the ring; a sync reads the registers).  Touches no device.
 */
void igbvf_track_restored(struct igbvf_track *t,
			  const struct igbvf_dirty_tx_cfg tx[IGBVF_DIRTY_NR_QUEUES])
{
	u32 q;

	mutex_lock(&t->lock);
	t->gen++;
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++) {
		rx_lose(t, q);
		igbvf_dirty_tx_config(&t->d, q, &tx[q]);
	}
	mutex_unlock(&t->lock);
}

/*
 * Tell the tracker where the device's RX heads are (trap mutex held): the
 * slots the device consumed since go to the bitmaps, so that a report
 * made while the device runs need not cover the slots still posted.
 */
static void consume_heads(struct p2pmig_device *p2p, struct igbvf_track *t)
{
	u32 q;

	if (p2pmig_mmio_begin(p2p))
		return;		/* the next report covers them: still posted */
	mutex_lock(&t->lock);
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++)
		if (!t->rx[q].resync && t->d.rx[q].ndesc &&
		    igbvf_dirty_rx_consume(&t->d, q, igbvf_rd(p2p, IGBVF_RDH(q))))
			rx_lose(t, q);
	mutex_unlock(&t->lock);
	p2pmig_mmio_end(p2p);
}

/*
 * Sync every lost queue, then take in the heads (no lock held); -EINTR on
 * a fatal signal.
 */
static int sync_all(struct p2pmig_device *p2p, struct igbvf_track *t)
{
	u32 q;

	if (mutex_lock_killable(&p2p->trap_mutex))
		return -EINTR;
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++)
		rx_sync(p2p, t, q);
	consume_heads(p2p, t);
	mutex_unlock(&p2p->trap_mutex);
	return 0;
}

/**
 * igbvf_track_log_start() - start a DMA logging session
 * @p2p: device
 * @t: its tracker
 * @ranges: sorted, disjoint, at most IGBVF_DIRTY_MAX_RANGES
 * @nranges: their number
 * @page_size: in: asked for; out: used (coarser if the bitmaps would
 *	exceed IGBVF_TRACK_MAX_WORDS)
 *
 * No lock held; lost queues are synced first, so that logging starts from
 * what the device has posted.
 *
 * Return: 0, -EBUSY (a session runs), -EINVAL, -ENOMEM or -EINTR.
 */
int igbvf_track_log_start(struct p2pmig_device *p2p, struct igbvf_track *t,
			  const struct p2pmig_log_range *ranges,
			  unsigned int nranges, u64 *page_size)
{
	struct igbvf_dirty_range dr[IGBVF_DIRTY_MAX_RANGES] = {};
	u64 ps = igbvf_dirty_page_size(*page_size), words, total;
	unsigned int i;
	int ret;

	if (!nranges || nranges > IGBVF_DIRTY_MAX_RANGES)
		return -EINVAL;
	for (; ps; ps = igbvf_dirty_page_size(ps * 2)) {
		total = 0;
		for (i = 0; i < nranges; i++) {
			words = igbvf_dirty_bitmap_words(ranges[i].start, ranges[i].len, ps);
			if (!words)
				return -EINVAL;
			total += words;
		}
		if (total <= IGBVF_TRACK_MAX_WORDS)
			break;
	}
	if (!ps)
		return -EINVAL;
	for (i = 0; i < nranges; i++) {
		dr[i].start = ranges[i].start;
		dr[i].len = ranges[i].len;
		dr[i].nwords = igbvf_dirty_bitmap_words(dr[i].start, dr[i].len, ps);
		dr[i].bits = kvcalloc(dr[i].nwords, sizeof(u64), GFP_KERNEL_ACCOUNT);
		if (!dr[i].bits) {
			ret = -ENOMEM;
			goto err;
		}
	}
	ret = sync_all(p2p, t);
	if (ret)
		goto err;
	mutex_lock(&t->lock);
	ret = igbvf_dirty_log_start(&t->d, dr, nranges, &ps);
	if (!ret)
		for (i = 0; i < nranges; i++)
			t->bits[i] = dr[i].bits;
	mutex_unlock(&t->lock);
	if (ret)
		goto err;
	*page_size = ps;
	return 0;
err:
	for (i = 0; i < nranges; i++)
		kvfree(dr[i].bits);
	return ret;
}

/**
 * igbvf_track_log_stop() - end the logging session, if any
 * @t: the tracker
 */
void igbvf_track_log_stop(struct igbvf_track *t)
{
	u64 *bits[IGBVF_DIRTY_MAX_RANGES];
	unsigned int i;

	mutex_lock(&t->lock);
	igbvf_dirty_log_stop(&t->d);
	memcpy(bits, t->bits, sizeof(bits));
	memset(t->bits, 0, sizeof(t->bits));
	mutex_unlock(&t->lock);
	for (i = 0; i < IGBVF_DIRTY_MAX_RANGES; i++)
		kvfree(bits[i]);
}

/* a report is made in pieces of at most this many logging pages */
#define IGBVF_TRACK_REPORT_PAGES	BIT(20)

/* one piece of a report: a bitmap of its logging pages, from @first */
struct igbvf_track_piece {
	unsigned long *bits;
	u64 first;
	u32 shift;
};

static void piece_set(void *arg, u64 iova, u64 len)
{
	struct igbvf_track_piece *pc = arg;

	/* the tracker reports whole logging pages, within the piece */
	bitmap_set(pc->bits, (iova >> pc->shift) - pc->first, len >> pc->shift);
}

/**
 * igbvf_track_log_report() - report and clear what the VF may have written
 * @p2p: device
 * @t: its tracker
 * @iova: first byte asked for
 * @len: bytes asked for
 * @quiesced: the device is quiesced (no DMA): report the buffers of the
 *	posted slots it may have fetched too
 * @set: called for each run of dirty pages
 * @arg: its argument
 *
 * No lock held; lost queues are synced first (one that stays lost makes
 * every page dirty), and the heads read: while the device runs, a report
 * covers the slots it consumed, not those still posted, which it has not
 * written yet (see igbvf_dirty_report()); once it is quiesced, those it may
 * have fetched.
 *
 * @set is never called under the tracker's mutex: the core's
 * iova_bitmap_set() may pin the user's bitmap pages (mmap_lock), and a
 * fault on a BAR mapping takes memory_lock under mmap_lock, which a
 * trapped write holds around the tracker's mutex.  So the tracker
 * reports into a bitmap of our own, a piece of IGBVF_TRACK_REPORT_PAGES
 * logging pages at a time, which is then handed to @set unlocked.
 *
 * Return: 0, -EINVAL if no session runs (or it changed during the
 * report), -ENOMEM or -EINTR.
 */
int igbvf_track_log_report(struct p2pmig_device *p2p, struct igbvf_track *t,
			   u64 iova, u64 len, bool quiesced, p2pmig_log_set_fn set,
			   void *arg)
{
	struct igbvf_track_piece pc = {};
	u64 first, last, lo, hi, n;
	unsigned int rs, re;
	bool logging, drop;
	int ret;

	if (!len || iova + (len - 1) < iova)
		return -EINVAL;
	drop = p2pmig_inject(p2p, P2PMIG_INJECT_LOG_DROP);
	ret = sync_all(p2p, t);
	if (ret)
		return ret;
	mutex_lock(&t->lock);
	logging = t->d.logging;
	pc.shift = t->d.page_shift;
	mutex_unlock(&t->lock);
	if (!logging)
		return -EINVAL;
	first = iova >> pc.shift;
	last = (iova + (len - 1)) >> pc.shift;
	pc.bits = kvmalloc_array(BITS_TO_LONGS(min_t(u64, last - first + 1,
						     IGBVF_TRACK_REPORT_PAGES)),
				 sizeof(unsigned long), GFP_KERNEL_ACCOUNT);
	if (!pc.bits)
		return -ENOMEM;
	for (pc.first = first; ; pc.first += n) {
		n = min_t(u64, last - pc.first + 1, IGBVF_TRACK_REPORT_PAGES);
		lo = max(iova, pc.first << pc.shift);
		hi = min(iova + (len - 1), ((pc.first + n) << pc.shift) - 1);
		bitmap_zero(pc.bits, n);
		mutex_lock(&t->lock);
		if (t->d.page_shift == pc.shift)
			ret = igbvf_dirty_report(&t->d, lo, hi - lo + 1, quiesced,
						 piece_set, &pc);
		else
			ret = -EINVAL;	/* stopped and started again meanwhile */
		mutex_unlock(&t->lock);
		if (ret)
			break;
		if (!drop)	/* the tests' negative control: see p2pmig.h */
			for_each_set_bitrange(rs, re, pc.bits, n)
				set(arg, (pc.first + rs) << pc.shift, (u64)(re - rs) << pc.shift);
		if (last - pc.first < n)
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kvfree(pc.bits);
	return ret;
}
