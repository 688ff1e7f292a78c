// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig igbvf backend: device dirty tracking without the device's help.
 *
 * The 82576 VF writes guest memory in three places only: the RX buffers
 * the guest posted (read-format descriptors), the RX and TX descriptor
 * rings (write-back) and the TX head write-back word.  The addresses of
 * RX buffers are overwritten by the write-back, so they are kept here
 * from the descriptors the guest posts, copied by the caller when it
 * traps an RX tail doorbell.
 *
 * What the device may still write is reported at every report: enabled
 * rings and head write-back always, the buffers of the posted slots the
 * device may have fetched when the caller says so (its device is
 * quiesced: a report while the device runs
 * leaves them to the report after they are consumed, see
 * igbvf_dirty_report()).  What left that state since the last report (a
 * slot the device consumed or the guest reused, a ring or a queue
 * reconfigured away, a reset) is set in the logging session's bitmaps
 * when it leaves, and reported once.  Whatever this
 * code cannot follow (a tail outside the ring, a head beyond the posted
 * slots, a ring too long for the caller's storage) makes the queue
 * "lost": every page of every report is dirty until the queue is
 * configured again, and that report covers all that happened meanwhile.
 *
 * Pure code, as stream.c: fixed-width types and errno values only.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "igbvf_dirty.h"

#define DIRTY_U64_MAX	(~(u64)0)
#define DIRTY_RING_ALIGN 128	/* RDBAL/TDBAL bits 6:0 are 0 */

static u64 get_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static u64 min_u64(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u64 max_u64(u64 a, u64 b)
{
	return a > b ? a : b;
}

/* The last byte of [@start, @start + @len), @len > 0; the top if it wraps. */
static u64 last_byte(u64 start, u64 len)
{
	u64 last = start + (len - 1);

	return last < start ? DIRTY_U64_MAX : last;
}

/* Set the pages of [@start, @last] in the session's bitmaps. */
static void mark(struct igbvf_dirty *d, u64 start, u64 last)
{
	u64 first_pg, last_pg, lo, hi, pg;
	u32 i;

	if (!d->logging)
		return;
	first_pg = start >> d->page_shift;
	last_pg = last >> d->page_shift;
	for (i = 0; i < d->nranges; i++) {
		struct igbvf_dirty_log_range *r = &d->ranges[i];

		lo = max_u64(first_pg, r->first);
		hi = min_u64(last_pg, r->last);
		if (lo > hi)
			continue;
		for (pg = lo - r->first; ; pg++) {
			r->bits[pg / 64] |= (u64)1 << (pg % 64);
			if (pg == hi - r->first)
				break;
		}
	}
}

static void mark_len(struct igbvf_dirty *d, u64 start, u64 len)
{
	if (len)
		mark(d, start, last_byte(start, len));
}

/* Every page of the session. */
static void mark_all(struct igbvf_dirty *d)
{
	u32 i;

	if (!d->logging)
		return;
	for (i = 0; i < d->nranges; i++)
		mark(d, d->ranges[i].first << d->page_shift,
		     (d->ranges[i].last << d->page_shift) |
		     (((u64)1 << d->page_shift) - 1));
}

/*
 * A buffer address's bit 0 may be an address bit or a no-snoop flag
 * (read format, A0/NSE): cover both readings.  They differ only when it
 * is set.
 */
static u64 buf_len(u64 addr, u32 len)
{
	return (u64)len + (addr & 1);
}

static void mark_buf(struct igbvf_dirty *d, u64 addr, u32 len)
{
	mark_len(d, addr & ~(u64)1, buf_len(addr, len));
}

static void mark_ring(struct igbvf_dirty *d, u64 base, u32 len)
{
	if (len)
		mark(d, base & ~(u64)(DIRTY_RING_ALIGN - 1), last_byte(base, len));
}

static void mark_tx(struct igbvf_dirty *d, const struct igbvf_dirty_tx_cfg *c)
{
	if (!c->enabled)
		return;
	mark_ring(d, c->base, c->len & IGBVF_DIRTY_RING_MASK);
	if (c->wbal & IGBVF_TDWBAL_ENABLE)
		mark_len(d, ((u64)c->wbah << 32 | c->wbal) & ~(u64)3, 4);
}

static struct igbvf_dirty_slot *slot_at(struct igbvf_dirty_rxq *rq, u32 i)
{
	return &rq->slots[(rq->head + i) % rq->ndesc];
}

/* Retire the @n slots from the head: they are reported once more. */
static void retire(struct igbvf_dirty *d, struct igbvf_dirty_rxq *rq, u32 n)
{
	struct igbvf_dirty_slot *s;
	u32 i;

	for (i = 0; i < n && rq->nposted; i++) {
		s = slot_at(rq, 0);
		mark_buf(d, s->pkt, rq->pkt_len);
		if (rq->hdr_len)
			mark_buf(d, s->hdr, rq->hdr_len);
		rq->head = (rq->head + 1) % rq->ndesc;
		rq->nposted--;
	}
}

/* Everything the queue may have written goes to the bitmaps. */
static void rx_flush(struct igbvf_dirty *d, struct igbvf_dirty_rxq *rq)
{
	if (rq->lost)
		mark_all(d);
	retire(d, rq, rq->nposted);
	if (rq->enabled)
		mark_ring(d, rq->base, rq->len);
}

static void rx_lose(struct igbvf_dirty_rxq *rq)
{
	rq->lost = true;
}

/**
 * igbvf_dirty_init() - an empty tracker: no queue configured, not logging
 * @d: the tracker
 */
void igbvf_dirty_init(struct igbvf_dirty *d)
{
	memset(d, 0, sizeof(*d));
}

/**
 * igbvf_dirty_page_size() - the logging page size for a requested one
 * @requested: what userspace asked for
 *
 * Return: the smallest power of two of at least @requested and 4 KiB, or
 * 0 if that is beyond 1 GiB.
 */
u64 igbvf_dirty_page_size(u64 requested)
{
	u64 ps = IGBVF_DIRTY_MIN_PAGE;

	while (ps < requested) {
		if (ps >= (u64)1 << 30)
			return 0;
		ps <<= 1;
	}
	return ps;
}

static u32 page_shift(u64 page_size)
{
	u32 shift = 0;

	while (((u64)1 << shift) < page_size)
		shift++;
	return shift;
}

/**
 * igbvf_dirty_bitmap_words() - the bitmap a logging range needs
 * @start: the range's first byte
 * @len: its length in bytes
 * @page_size: as igbvf_dirty_page_size() returned
 *
 * Return: the number of u64 words of the range's bitmap, or 0 if the
 * range is empty, wraps, or @page_size is not one of this tracker's.
 */
u64 igbvf_dirty_bitmap_words(u64 start, u64 len, u64 page_size)
{
	u32 shift;
	u64 pages;

	if (!len || start + (len - 1) < start ||
	    igbvf_dirty_page_size(page_size) != page_size)
		return 0;
	shift = page_shift(page_size);
	pages = ((start + (len - 1)) >> shift) - (start >> shift) + 1;
	return pages / 64 + !!(pages % 64);
}

/**
 * igbvf_dirty_log_start() - start a logging session
 * @d: the tracker
 * @ranges: the IOVA ranges to track, each with its zeroed bitmap
 * @nranges: their number, 1 to IGBVF_DIRTY_MAX_RANGES
 * @page_size: in: the page size asked for; out: the one used (rounded up)
 *
 * What the device may write from now on is reported from the queues'
 * state; the bitmaps collect what leaves it.
 *
 * Return: 0, -EBUSY if a session runs, -EINVAL if a range or the page
 * size is not one this tracker can take or a bitmap is too short.
 */
int igbvf_dirty_log_start(struct igbvf_dirty *d,
			  const struct igbvf_dirty_range *ranges, u32 nranges,
			  u64 *page_size)
{
	u64 ps = igbvf_dirty_page_size(*page_size);
	u32 i, shift;
	u64 w, words;

	if (d->logging)
		return -EBUSY;
	if (!ps || !nranges || nranges > IGBVF_DIRTY_MAX_RANGES)
		return -EINVAL;
	for (i = 0; i < nranges; i++) {
		words = igbvf_dirty_bitmap_words(ranges[i].start, ranges[i].len, ps);
		if (!words || !ranges[i].bits || ranges[i].nwords < words)
			return -EINVAL;
	}
	shift = page_shift(ps);
	for (i = 0; i < nranges; i++) {
		struct igbvf_dirty_log_range *r = &d->ranges[i];

		r->first = ranges[i].start >> shift;
		r->last = last_byte(ranges[i].start, ranges[i].len) >> shift;
		r->bits = ranges[i].bits;
		words = (r->last - r->first) / 64 + 1;
		for (w = 0; w < words; w++)
			r->bits[w] = 0;
	}
	d->nranges = nranges;
	d->page_shift = shift;
	d->logging = true;
	*page_size = ps;
	return 0;
}

/**
 * igbvf_dirty_log_stop() - end the logging session, if any
 * @d: the tracker
 *
 * The caller may free the bitmaps afterwards.  The queues are still
 * followed, for the next session.
 */
void igbvf_dirty_log_stop(struct igbvf_dirty *d)
{
	d->logging = false;
	d->nranges = 0;
	memset(d->ranges, 0, sizeof(d->ranges));
}

/**
 * igbvf_dirty_rx_config() - an RX queue's configuration changed
 * @d: the tracker
 * @q: the queue
 * @cfg: its registers now (any of RDBAL/RDBAH/RDLEN/SRRCTL/RXDCTL/RDH
 *	 written)
 * @slots: storage for its slots, kept until the next call for @q or
 *	   igbvf_dirty_reset()
 * @nslots: the length of @slots; at least @cfg->len / 16
 *
 * The slots posted so far are kept if the ring and @slots stay and the
 * head is within them (those before it are consumed; the buffer sizes
 * only grow); otherwise they are reported once more
 * and forgotten, and the caller records the descriptors between the head
 * and the tail again with igbvf_dirty_rx_post().  A ring that was enabled
 * is reported once more.
 *
 * Return: 0, -EINVAL for a bad @q, or -ENOSPC if @slots is too short
 * (the queue is lost then: every page is reported until it is configured
 * with enough storage).
 */
int igbvf_dirty_rx_config(struct igbvf_dirty *d, u32 q,
			  const struct igbvf_dirty_rx_cfg *cfg,
			  struct igbvf_dirty_slot *slots, u32 nslots)
{
	struct igbvf_dirty_rxq *rq;
	u32 len, srrctl = cfg->srrctl, type, pkt, hdr;
	bool keep;

	if (q >= IGBVF_DIRTY_NR_QUEUES)
		return -EINVAL;
	rq = &d->rx[q];
	len = cfg->len & IGBVF_DIRTY_RING_MASK;

	pkt = (srrctl & IGBVF_SRRCTL_BSIZEPKT_MASK) * 1024;
	if (!pkt)
		pkt = IGBVF_DIRTY_PKT_DEFAULT;
	type = (srrctl >> IGBVF_SRRCTL_DESCTYPE_SHIFT) & IGBVF_SRRCTL_DESCTYPE_MASK;
	hdr = 0;
	if (type != IGBVF_SRRCTL_DESCTYPE_LEGACY &&
	    type != IGBVF_SRRCTL_DESCTYPE_ADV_ONE) {
		hdr = ((srrctl >> IGBVF_SRRCTL_BSIZEHDR_SHIFT) &
		       IGBVF_SRRCTL_BSIZEHDR_MASK) * 64;
		if (!hdr)
			hdr = IGBVF_DIRTY_HDR_DEFAULT;
	}

	/* same ring, storage and a head within the posted slots */
	keep = !rq->lost && rq->nposted && rq->slots == slots &&
	       rq->base == cfg->base && rq->len == len && cfg->head < rq->ndesc &&
	       (cfg->head + rq->ndesc - rq->head) % rq->ndesc <= rq->nposted;
	if (keep) {
		retire(d, rq, (cfg->head + rq->ndesc - rq->head) % rq->ndesc);
		if (rq->enabled)
			mark_ring(d, rq->base, rq->len);
		rq->pkt_len = max_u64(rq->pkt_len, pkt);
		rq->hdr_len = rq->hdr_len && hdr ? max_u64(rq->hdr_len, hdr) :
			      rq->hdr_len | hdr;
		rq->enabled = cfg->enabled;
		return 0;
	}

	rx_flush(d, rq);
	rq->slots = slots;
	rq->nslots = nslots;
	rq->base = cfg->base;
	rq->len = len;
	rq->ndesc = len / IGBVF_DIRTY_DESC_LEN;
	rq->pkt_len = pkt;
	rq->hdr_len = hdr;
	rq->enabled = cfg->enabled;
	rq->lost = false;
	rq->nposted = 0;
	rq->head = 0;
	if (rq->ndesc && (!slots || nslots < rq->ndesc)) {
		rx_lose(rq);
		return -ENOSPC;
	}
	/* a head past the ring: the device's behaviour is not known */
	if (cfg->head >= rq->ndesc) {
		if (rq->ndesc || cfg->head)
			rx_lose(rq);
		return 0;
	}
	rq->head = cfg->head;
	return 0;
}

/**
 * igbvf_dirty_rx_consume() - the device's RX head moved
 * @d: the tracker
 * @q: the queue
 * @head: RDH, as read from the device
 *
 * The slots from the previous head up to @head were written back: they are
 * reported once more, then forgotten.  Optional for completeness (slots
 * not consumed are reported while they are kept); called before
 * igbvf_dirty_rx_post() it keeps a post from being read as an overrun.
 *
 * Return: 0, or -EINVAL if @q or @head is not one the queue can have (the
 * queue is lost then if @head passes the posted slots).
 */
int igbvf_dirty_rx_consume(struct igbvf_dirty *d, u32 q, u32 head)
{
	struct igbvf_dirty_rxq *rq;
	u32 n;

	if (q >= IGBVF_DIRTY_NR_QUEUES)
		return -EINVAL;
	rq = &d->rx[q];
	if (rq->lost)
		return 0;
	if (!rq->ndesc)
		return head ? -EINVAL : 0;
	if (head >= rq->ndesc)
		return -EINVAL;
	n = (head + rq->ndesc - rq->head) % rq->ndesc;
	if (n > rq->nposted) {
		rx_lose(rq);
		return -EINVAL;
	}
	retire(d, rq, n);
	return 0;
}

/**
 * igbvf_dirty_rx_post() - the guest moved an RX tail
 * @d: the tracker
 * @q: the queue
 * @old_tail: RDT before the write
 * @new_tail: RDT written
 * @descs: the descriptors of slots @old_tail .. @new_tail - 1 (modulo the
 *	   ring), 16 bytes each, as the guest wrote them (read format)
 * @ndescs: their number
 *
 * Each slot keeps its packet buffer, and its header buffer if the queue
 * may split headers.  A post over slots still kept (the device head has
 * passed them, or the guest overran its own ring) retires those first.
 *
 * Return: 0; -EINVAL for a bad @q, a tail outside the ring or an @old_tail
 * that is not the tracker's (the queue is lost then), or an @ndescs that
 * is not the distance between the tails (nothing changes then).
 */
int igbvf_dirty_rx_post(struct igbvf_dirty *d, u32 q, u32 old_tail,
			u32 new_tail, const void *descs, u32 ndescs)
{
	const u8 *desc = descs;
	struct igbvf_dirty_rxq *rq;
	struct igbvf_dirty_slot *s;
	u32 n, over, i;

	if (q >= IGBVF_DIRTY_NR_QUEUES)
		return -EINVAL;
	rq = &d->rx[q];
	if (old_tail == new_tail)
		return ndescs ? -EINVAL : 0;
	if (rq->lost)
		return 0;
	if (old_tail >= rq->ndesc || new_tail >= rq->ndesc ||
	    old_tail != (rq->head + rq->nposted) % rq->ndesc) {
		rx_lose(rq);
		return -EINVAL;
	}
	n = (new_tail + rq->ndesc - old_tail) % rq->ndesc;
	if (ndescs != n || !descs)
		return -EINVAL;
	/* at most ndesc - 1 slots can be posted: RDH == RDT is empty */
	if (rq->nposted + n > rq->ndesc - 1) {
		over = rq->nposted + n - (rq->ndesc - 1);
		retire(d, rq, over);
	}
	for (i = 0; i < n; i++, desc += IGBVF_DIRTY_DESC_LEN) {
		s = slot_at(rq, rq->nposted);
		s->pkt = get_le64(desc);
		s->hdr = get_le64(desc + 8);
		rq->nposted++;
	}
	return 0;
}

/**
 * igbvf_dirty_rx_lose() - what an RX queue may write is no longer known
 * @d: the tracker
 * @q: the queue
 *
 * Every page is reported until igbvf_dirty_rx_config() gives the queue a
 * configuration again (its caller then records the posted slots anew).
 *
 * Return: 0, or -EINVAL for a bad @q.
 */
int igbvf_dirty_rx_lose(struct igbvf_dirty *d, u32 q)
{
	if (q >= IGBVF_DIRTY_NR_QUEUES)
		return -EINVAL;
	rx_lose(&d->rx[q]);
	return 0;
}

/**
 * igbvf_dirty_rx_tail() - the RX tail the tracker believes the device has
 * @d: the tracker
 * @q: the queue
 * @tail: set to the slot after the last one posted
 *
 * Return: 0, -EINVAL for a bad @q, or -ENOENT if the queue is lost or has
 * no ring (@tail is not set then).
 */
int igbvf_dirty_rx_tail(const struct igbvf_dirty *d, u32 q, u32 *tail)
{
	const struct igbvf_dirty_rxq *rq;

	if (q >= IGBVF_DIRTY_NR_QUEUES)
		return -EINVAL;
	rq = &d->rx[q];
	if (rq->lost || !rq->ndesc)
		return -ENOENT;
	*tail = (rq->head + rq->nposted) % rq->ndesc;
	return 0;
}

/**
 * igbvf_dirty_tx_config() - a TX queue's configuration changed
 * @d: the tracker
 * @q: the queue
 * @cfg: its registers now (any of TDBAL/TDBAH/TDLEN/TDWBAL/TDWBAH/TXDCTL
 *	 written)
 *
 * The ring and head write-back word of an enabled queue are reported at
 * every report; those it had before are reported once more.
 *
 * Return: 0, or -EINVAL for a bad @q.
 */
int igbvf_dirty_tx_config(struct igbvf_dirty *d, u32 q,
			  const struct igbvf_dirty_tx_cfg *cfg)
{
	if (q >= IGBVF_DIRTY_NR_QUEUES)
		return -EINVAL;
	mark_tx(d, &d->tx[q].cfg);
	d->tx[q].cfg = *cfg;
	return 0;
}

/**
 * igbvf_dirty_reset() - the VF was reset (VF reset, FLR): forget the queues
 * @d: the tracker
 *
 * What the device may have written before the reset is reported once
 * more.  Slot storage is no longer used; the logging session stays.
 */
void igbvf_dirty_reset(struct igbvf_dirty *d)
{
	u32 q;

	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++) {
		rx_flush(d, &d->rx[q]);
		memset(&d->rx[q], 0, sizeof(d->rx[q]));
		mark_tx(d, &d->tx[q].cfg);
		memset(&d->tx[q], 0, sizeof(d->tx[q]));
	}
}

struct report {
	igbvf_dirty_set_fn set_dirty;
	void *arg;
	u32 shift;
	u64 first;	/* the request, in pages */
	u64 last;
};

static void set_none(void *arg, u64 iova, u64 len)
{
}

/* Report pages [@lo, @hi] clipped to the request. */
static void emit(const struct report *rp, u64 lo, u64 hi)
{
	u64 max = (u64)1 << (63 - rp->shift), n;

	lo = max_u64(lo, rp->first);
	hi = min_u64(hi, rp->last);
	while (lo <= hi) {
		n = min_u64(hi - lo + 1, max);
		rp->set_dirty(rp->arg, lo << rp->shift, n << rp->shift);
		if (n == hi - lo + 1)
			break;
		lo += n;
	}
}

static void emit_bytes(const struct report *rp, u64 start, u64 last)
{
	emit(rp, start >> rp->shift, last >> rp->shift);
}

static void emit_buf(const struct report *rp, u64 addr, u32 len)
{
	emit_bytes(rp, addr & ~(u64)1,
		   last_byte(addr & ~(u64)1, buf_len(addr, len)));
}

static void emit_ring(const struct report *rp, u64 base, u32 len)
{
	if (len)
		emit_bytes(rp, base & ~(u64)(DIRTY_RING_ALIGN - 1),
			   last_byte(base, len));
}

/* Report and clear the bits of @r within the request, in runs. */
static void emit_bits(const struct report *rp, struct igbvf_dirty_log_range *r)
{
	u64 lo = max_u64(r->first, rp->first) - r->first;
	u64 hi = min_u64(r->last, rp->last) - r->first;
	u64 pg, run = 0;
	bool in_run = false, set;

	if (max_u64(r->first, rp->first) > min_u64(r->last, rp->last))
		return;
	for (pg = lo; ; pg++) {
		if (!in_run && !(pg % 64) && !r->bits[pg / 64] && hi - pg >= 64) {
			pg += 63;
			continue;
		}
		set = r->bits[pg / 64] & ((u64)1 << (pg % 64));
		if (set) {
			r->bits[pg / 64] &= ~((u64)1 << (pg % 64));
			if (!in_run)
				run = pg;
			in_run = true;
		} else if (in_run) {
			emit(rp, r->first + run, r->first + pg - 1);
			in_run = false;
		}
		if (pg == hi)
			break;
	}
	if (in_run)
		emit(rp, r->first + run, r->first + hi);
}

/**
 * igbvf_dirty_report() - report what the device may have written
 * @d: the tracker
 * @iova: the first byte asked for
 * @length: bytes asked for
 * @posted: also report the buffers of the first IGBVF_DIRTY_RX_INFLIGHT
 *	    slots still posted
 * @set_dirty: called for each run of dirty pages within the request
 * @arg: its argument
 *
 * Reports every page of the request (in logging pages) that an enabled
 * ring or head write-back word covers, the buffers of the first posted
 * slots if @posted, and every page set in the bitmaps, which are cleared.
 * Posted slots stay posted: with @posted they are reported again next
 * time.  A lost queue makes every page dirty.
 *
 * The device writes a slot's buffers before it writes the slot back and
 * moves its head past it, so a caller that has just told the tracker the
 * device's heads (igbvf_dirty_rx_consume()) may leave @posted false while
 * the device runs: a slot the device writes from then on is in the report
 * after the one that sees it consumed.  It must be true for a report made
 * after the device was quiesced (the last one of a migration), so that
 * whatever the device wrote without moving its head is in it: only slots
 * it had fetched, the first IGBVF_DIRTY_RX_INFLIGHT from the head at most.
 * The rest it never fetched (a Linux guest keeps 256 posted; reported,
 * they were some 2 MiB of the last RAM pass, in the downtime).
 *
 * Return: 0, or -EINVAL if no session runs or the request wraps.
 */
int igbvf_dirty_report(struct igbvf_dirty *d, u64 iova, u64 length, bool posted,
		       igbvf_dirty_set_fn set_dirty, void *arg)
{
	struct report rp = { .set_dirty = set_dirty, .arg = arg };
	bool lost = false;
	u32 q, i, inflight;

	if (!d->logging || (length && iova + (length - 1) < iova))
		return -EINVAL;
	if (!length)
		return 0;
	rp.shift = d->page_shift;
	rp.first = iova >> rp.shift;
	rp.last = (iova + (length - 1)) >> rp.shift;

	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++)
		lost |= d->rx[q].lost;
	if (lost) {
		struct report clear = rp;

		/* every page is reported: clear the bits only */
		clear.set_dirty = set_none;
		for (i = 0; i < d->nranges; i++)
			emit_bits(&clear, &d->ranges[i]);
		emit(&rp, rp.first, rp.last);
		return 0;
	}

	for (i = 0; i < d->nranges; i++)
		emit_bits(&rp, &d->ranges[i]);

	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++) {
		struct igbvf_dirty_rxq *rq = &d->rx[q];
		const struct igbvf_dirty_tx_cfg *tc = &d->tx[q].cfg;

		inflight = min_u64(rq->nposted, IGBVF_DIRTY_RX_INFLIGHT);
		for (i = 0; posted && i < inflight; i++) {
			const struct igbvf_dirty_slot *s = slot_at(rq, i);

			emit_buf(&rp, s->pkt, rq->pkt_len);
			if (rq->hdr_len)
				emit_buf(&rp, s->hdr, rq->hdr_len);
		}
		if (rq->enabled)
			emit_ring(&rp, rq->base, rq->len);
		if (tc->enabled) {
			emit_ring(&rp, tc->base, tc->len & IGBVF_DIRTY_RING_MASK);
			if (tc->wbal & IGBVF_TDWBAL_ENABLE)
				emit_bytes(&rp, ((u64)tc->wbah << 32 | tc->wbal) & ~(u64)3,
					   (((u64)tc->wbah << 32 | tc->wbal) & ~(u64)3) + 3);
		}
	}
	return 0;
}
