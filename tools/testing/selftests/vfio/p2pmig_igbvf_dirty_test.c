// SPDX-License-Identifier: GPL-2.0
/*
 * The igbvf backend's dirty tracker (drivers/vfio/pci/p2pmig/igbvf_dirty.c,
 * built here from the same source).  An oracle: a simulated 82576 VF writes
 * into a simulated guest memory at the buffers it consumes, the rings and
 * the head write-back word, while a random guest posts, reconfigures and
 * resets; every page whose bytes changed since the last report must be
 * reported.  Then targeted cases.  Runs on the build host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "igbvf_dirty.h"

/* ---- what a report said: runs of bytes ---- */

struct runs {
	u64 iova[4096];
	u64 len[4096];
	int n;
	int calls;
	u64 page;		/* every run must be aligned to it */
	int misaligned;
	int overflowed;
};

static void collect(void *arg, u64 iova, u64 len)
{
	struct runs *r = arg;

	r->calls++;
	if (!len || iova % r->page || len % r->page)
		r->misaligned++;
	if (r->n == (int)ARRAY_SIZE(r->iova)) {
		r->overflowed++;
		return;
	}
	r->iova[r->n] = iova;
	r->len[r->n] = len;
	r->n++;
}

static bool covered(const struct runs *r, u64 addr)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (addr >= r->iova[i] && addr - r->iova[i] < r->len[i])
			return true;
	return false;
}

static u64 total(const struct runs *r)
{
	u64 t = 0;
	int i;

	for (i = 0; i < r->n; i++)
		t += r->len[i];
	return t;
}

/* a report with the slots still posted (the device quiesced) or without */
static int report_posted(struct igbvf_dirty *d, struct runs *r, u64 iova, u64 len,
			 bool posted)
{
	u64 page = r->page;

	memset(r, 0, sizeof(*r));
	r->page = page;
	return igbvf_dirty_report(d, iova, len, posted, collect, r);
}

static int report(struct igbvf_dirty *d, struct runs *r, u64 iova, u64 len)
{
	return report_posted(d, r, iova, len, true);
}

static void put64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* ---- a session over one or two ranges, bitmaps from the heap ---- */

static u64 *bits[IGBVF_DIRTY_MAX_RANGES];

static int start(struct igbvf_dirty *d, const struct igbvf_dirty_range *in,
		 u32 n, u64 *page)
{
	struct igbvf_dirty_range r[IGBVF_DIRTY_MAX_RANGES];
	u64 ps = igbvf_dirty_page_size(*page);
	u32 i;

	for (i = 0; i < n; i++) {
		r[i] = in[i];
		r[i].nwords = igbvf_dirty_bitmap_words(r[i].start, r[i].len, ps);
		free(bits[i]);
		bits[i] = calloc(r[i].nwords + 1, sizeof(u64));
		r[i].bits = bits[i];
	}
	return igbvf_dirty_log_start(d, r, n, page);
}

#define MB		0x100000ULL
#define BASE		0x40000000ULL

static struct igbvf_dirty_slot slots[IGBVF_DIRTY_NR_QUEUES][512];
static struct igbvf_dirty_slot alt_slots[IGBVF_DIRTY_NR_QUEUES][512];

/* queue 0: 8 descriptors at BASE, one-buffer advanced, 2 KiB buffers */
static int do_setup8(struct igbvf_dirty *d, struct runs *r)
{
	struct igbvf_dirty_range range = { .start = BASE, .len = 64 * MB };
	struct igbvf_dirty_rx_cfg c = {
		.base = BASE, .len = 128, .srrctl = 0x02000002, .enabled = true,
	};
	u64 page = 4096;

	igbvf_dirty_init(d);
	r->page = 4096;
	if (start(d, &range, 1, &page))
		return -1;
	return igbvf_dirty_rx_config(d, 0, &c, slots[0], 8);
}

#define setup8(d, r) ASSERT_EQ(0, do_setup8(d, r))

/* post slots @from .. @to - 1 with buffers at BASE + (slot + 1) MiB + @off */
static int post(struct igbvf_dirty *d, u32 from, u32 to, u32 ndesc, u64 off)
{
	u8 descs[512 * 16];
	u32 i, n = (to + ndesc - from) % ndesc;

	for (i = 0; i < n; i++) {
		put64(descs + 16 * i, BASE + ((from + i) % ndesc + 1) * MB + off);
		put64(descs + 16 * i + 8, BASE + ((from + i) % ndesc + 1) * MB + 0x80000);
	}
	return igbvf_dirty_rx_post(d, 0, from, to, descs, n);
}

static bool slot_reported(const struct runs *r, u32 slot, u64 off)
{
	return covered(r, BASE + (slot + 1) * MB + off);
}

/* Bit i set: slot i of the 8-slot ring reported at @off into its buffer. */
static u32 slots_reported(const struct runs *r, u64 off)
{
	u32 i, mask = 0;

	for (i = 0; i < 8; i++)
		mask |= (u32)slot_reported(r, i, off) << i;
	return mask;
}

TEST(wrap_around_post_keeps_every_slot)
{
	struct igbvf_dirty d;
	struct runs r;

	setup8(&d, &r);
	ASSERT_EQ(0, post(&d, 0, 6, 8, 0));
	ASSERT_EQ(0, igbvf_dirty_rx_consume(&d, 0, 6));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	ASSERT_EQ(0, post(&d, 6, 3, 8, 0x1000));	/* 6, 7, 0, 1, 2 */
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(0xc7, slots_reported(&r, 0x1000));	/* 6, 7, 0, 1, 2 */
	/* kept slots are reported again; consumed ones once more, then not */
	ASSERT_EQ(0, igbvf_dirty_rx_consume(&d, 0, 1));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(0xc7, slots_reported(&r, 0x1000));	/* 6, 7, 0, 1, 2 */
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(0x06, slots_reported(&r, 0x1000));	/* 1, 2 */
	/* the ring itself, always */
	EXPECT_TRUE(covered(&r, BASE));
	EXPECT_EQ(0, r.misaligned);
}

/*
 * While the device runs, a report leaves out the slots still posted (not
 * written yet) and has those the device consumed since the last report;
 * one made with the device quiesced has the posted ones too.
 */
TEST(running_report_has_consumed_slots_and_a_quiesced_one_the_posted)
{
	struct igbvf_dirty d;
	struct runs r;

	setup8(&d, &r);
	ASSERT_EQ(0, post(&d, 0, 5, 8, 0));
	ASSERT_EQ(0, report_posted(&d, &r, BASE, 64 * MB, false));
	EXPECT_EQ(0, slots_reported(&r, 0));
	EXPECT_TRUE(covered(&r, BASE));		/* the ring, always */
	ASSERT_EQ(0, igbvf_dirty_rx_consume(&d, 0, 2));
	ASSERT_EQ(0, report_posted(&d, &r, BASE, 64 * MB, false));
	EXPECT_EQ(0x03, slots_reported(&r, 0));	/* 0, 1 */
	ASSERT_EQ(0, report_posted(&d, &r, BASE, 64 * MB, false));
	EXPECT_EQ(0, slots_reported(&r, 0));
	ASSERT_EQ(0, report_posted(&d, &r, BASE, 64 * MB, true));
	EXPECT_EQ(0x1c, slots_reported(&r, 0));	/* 2, 3, 4 */
}

/* a 512-slot ring on queue 0; slot i's buffer is at BASE + MiB + i * 8 KiB */
static int post512(struct igbvf_dirty *d, u32 n, u32 head)
{
	struct igbvf_dirty_rx_cfg c = {
		.base = BASE, .len = 512 * 16, .srrctl = 0x02000002, .enabled = true,
	};
	u8 descs[512 * 16];
	u32 i;

	if (igbvf_dirty_rx_config(d, 0, &c, slots[0], 512))
		return -1;
	for (i = 0; i < n; i++)
		put64(descs + 16 * i, BASE + MB + i * 8192);
	if (igbvf_dirty_rx_post(d, 0, 0, n, descs, n))
		return -1;
	return igbvf_dirty_rx_consume(d, 0, head);
}

/*
 * Quiesced, the device may have written only buffers of slots it had
 * fetched: the first IGBVF_DIRTY_RX_INFLIGHT from the head.  The slots
 * behind them are left out, not the ones the head passed.
 */
TEST(quiesced_report_has_the_slots_the_device_may_have_fetched_only)
{
	u32 head = 10, n = 300, i, in = 0, out = 0, behind = 0;
	struct igbvf_dirty d;
	struct runs r;

	setup8(&d, &r);
	ASSERT_EQ(0, post512(&d, n, head));
	ASSERT_EQ(0, report_posted(&d, &r, BASE, 64 * MB, true));
	for (i = 0; i < n; i++) {
		bool rep = covered(&r, BASE + MB + i * 8192);

		if (i < head)
			behind += rep;
		else if (i < head + IGBVF_DIRTY_RX_INFLIGHT)
			in += rep;
		else
			out += rep;
	}
	EXPECT_EQ(head, behind);			/* consumed: once more */
	EXPECT_EQ(IGBVF_DIRTY_RX_INFLIGHT, in);
	EXPECT_EQ(0, out);
	/* next time: those in flight again, the consumed ones not */
	ASSERT_EQ(0, report_posted(&d, &r, BASE, 64 * MB, true));
	EXPECT_FALSE(covered(&r, BASE + MB));
	EXPECT_TRUE(covered(&r, BASE + MB + head * 8192));
	EXPECT_FALSE(covered(&r, BASE + MB + (head + IGBVF_DIRTY_RX_INFLIGHT) * 8192));
}

/*
 * Bit 0 of a buffer address is A0 or the no-snoop flag: an even address
 * is the same under both readings, an odd one covers one byte more.
 */
TEST(buffer_ends_where_either_reading_of_bit_0_ends_it)
{
	struct igbvf_dirty d;
	struct runs r;

	setup8(&d, &r);
	/* 2 KiB buffers in the upper half of a page */
	ASSERT_EQ(0, post(&d, 0, 1, 8, 0x800));
	ASSERT_EQ(0, post(&d, 1, 2, 8, 0x801));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(slot_reported(&r, 0, 0x800));
	EXPECT_FALSE(slot_reported(&r, 0, 0x1000));
	EXPECT_TRUE(slot_reported(&r, 1, 0x800));
	EXPECT_TRUE(slot_reported(&r, 1, 0x1000));
}

TEST(same_tail_is_a_no_op)
{
	struct igbvf_dirty d;
	struct runs r;

	setup8(&d, &r);
	ASSERT_EQ(0, post(&d, 0, 3, 8, 0));
	ASSERT_EQ(0, igbvf_dirty_rx_post(&d, 0, 3, 3, NULL, 0));
	ASSERT_EQ(-EINVAL, igbvf_dirty_rx_post(&d, 0, 3, 3, NULL, 1));
	ASSERT_EQ(0, post(&d, 3, 5, 8, 0));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(slot_reported(&r, 4, 0));
	EXPECT_FALSE(slot_reported(&r, 5, 0));
	EXPECT_LT(total(&r), 64 * MB);
}

TEST(tail_is_what_was_posted_and_a_lost_queue_has_none)
{
	struct igbvf_dirty d;
	struct runs r;
	struct igbvf_dirty_rx_cfg c = {
		.base = BASE, .len = 128, .srrctl = 0x02000002, .enabled = true, .head = 2,
	};
	u32 tail = 99;

	setup8(&d, &r);
	ASSERT_EQ(0, igbvf_dirty_rx_tail(&d, 0, &tail));
	EXPECT_EQ(0, tail);
	ASSERT_EQ(0, post(&d, 0, 6, 8, 0));
	ASSERT_EQ(0, igbvf_dirty_rx_tail(&d, 0, &tail));
	EXPECT_EQ(6, tail);
	ASSERT_EQ(0, post(&d, 6, 1, 8, 0));
	ASSERT_EQ(0, igbvf_dirty_rx_tail(&d, 0, &tail));
	EXPECT_EQ(1, tail);
	EXPECT_EQ(-EINVAL, igbvf_dirty_rx_tail(&d, IGBVF_DIRTY_NR_QUEUES, &tail));
	/* no ring on queue 1 */
	EXPECT_EQ(-ENOENT, igbvf_dirty_rx_tail(&d, 1, &tail));

	/* lost: every page, until configured again; then the head is the tail */
	ASSERT_EQ(0, igbvf_dirty_rx_lose(&d, 0));
	EXPECT_EQ(-EINVAL, igbvf_dirty_rx_lose(&d, IGBVF_DIRTY_NR_QUEUES));
	EXPECT_EQ(-ENOENT, igbvf_dirty_rx_tail(&d, 0, &tail));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_LE(64 * MB, total(&r));
	ASSERT_EQ(0, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
	ASSERT_EQ(0, igbvf_dirty_rx_tail(&d, 0, &tail));
	EXPECT_EQ(2, tail);
	/* the configuration reported what the lost queue may have done, once */
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_LE(64 * MB, total(&r));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_GT(MB, total(&r));
	EXPECT_FALSE(slot_reported(&r, 3, 0));
}

TEST(tail_beyond_ring_is_rejected_and_loses_the_queue)
{
	struct igbvf_dirty d;
	struct runs r;
	struct igbvf_dirty_rx_cfg c = {
		.base = BASE + 4096, .len = 128, .srrctl = 2, .enabled = true,
	};
	u8 descs[16 * 16] = { 0 };

	setup8(&d, &r);
	/* a count that is not the distance: refused, nothing changes */
	ASSERT_EQ(-EINVAL, igbvf_dirty_rx_post(&d, 0, 0, 3, descs, 2));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(4096, total(&r));	/* the ring only */
	/* a tail past the ring */
	ASSERT_EQ(-EINVAL, igbvf_dirty_rx_post(&d, 0, 0, 8, descs, 8));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(64 * MB, total(&r));
	/* an old tail that is not the tracker's */
	setup8(&d, &r);
	ASSERT_EQ(-EINVAL, igbvf_dirty_rx_post(&d, 0, 2, 3, descs, 1));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(64 * MB, total(&r));
	/* a head past the posted slots */
	setup8(&d, &r);
	ASSERT_EQ(0, post(&d, 0, 2, 8, 0));
	ASSERT_EQ(-EINVAL, igbvf_dirty_rx_consume(&d, 0, 3));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(64 * MB, total(&r));
	/* until the queue is configured again: once more all, then normal */
	ASSERT_EQ(0, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(covered(&r, BASE));
	EXPECT_TRUE(covered(&r, BASE + 64 * MB - 1));
	EXPECT_LE(64 * MB, total(&r));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(4096, total(&r));
	/* storage too short */
	c.len = 256;
	ASSERT_EQ(-ENOSPC, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(64 * MB, total(&r));
}

TEST(reconfig_invalidates_kept_slots)
{
	struct igbvf_dirty d;
	struct runs r;
	struct igbvf_dirty_rx_cfg c = {
		.base = BASE + 0x100000, .len = 128, .srrctl = 2, .enabled = true,
	};

	setup8(&d, &r);
	ASSERT_EQ(0, post(&d, 0, 4, 8, 0));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(slot_reported(&r, 3, 0));
	ASSERT_EQ(0, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
	/* once more, with the old ring */
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(slot_reported(&r, 3, 0));
	EXPECT_TRUE(covered(&r, BASE));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_FALSE(slot_reported(&r, 3, 0));
	EXPECT_FALSE(covered(&r, BASE));
	EXPECT_TRUE(covered(&r, BASE + 0x100000));
	/* SRRCTL alone keeps them, with the larger size */
	ASSERT_EQ(0, post(&d, 0, 4, 8, 0));
	c.srrctl = 8;
	ASSERT_EQ(0, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
	c.srrctl = 1;
	ASSERT_EQ(0, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(slot_reported(&r, 3, 8191));
	EXPECT_FALSE(slot_reported(&r, 3, 8193 + 4095));
}

TEST(reset_forgets_everything)
{
	struct igbvf_dirty d;
	struct runs r;
	struct igbvf_dirty_tx_cfg t = {
		.base = BASE + 0x3000, .len = 128, .wbal = (u32)(BASE + 0x5000) | 1,
		.enabled = true,
	};

	setup8(&d, &r);
	ASSERT_EQ(0, igbvf_dirty_tx_config(&d, 1, &t));
	ASSERT_EQ(0, post(&d, 0, 4, 8, 0));
	igbvf_dirty_reset(&d);
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(slot_reported(&r, 0, 0));
	EXPECT_TRUE(covered(&r, BASE + 0x3000));
	EXPECT_TRUE(covered(&r, BASE + 0x5000));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_EQ(0, r.n);
	/* the old tail is gone too */
	ASSERT_EQ(-EINVAL, post(&d, 4, 5, 8, 0));
}

TEST(tx_ring_and_head_write_back)
{
	struct igbvf_dirty d;
	struct runs r;
	struct igbvf_dirty_tx_cfg t = {
		.base = BASE + 0x3000, .len = 0x2000, .wbal = 0x7ffc | 1,
		.wbah = (u32)(BASE >> 32), .enabled = true,
	};

	setup8(&d, &r);
	t.wbal |= (u32)BASE;
	ASSERT_EQ(-EINVAL, igbvf_dirty_tx_config(&d, 2, &t));
	ASSERT_EQ(0, igbvf_dirty_tx_config(&d, 0, &t));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(covered(&r, BASE + 0x3000));
	EXPECT_TRUE(covered(&r, BASE + 0x4fff));
	EXPECT_FALSE(covered(&r, BASE + 0x5000));
	EXPECT_TRUE(covered(&r, BASE + 0x7ffc));
	/* write-back off: not reported (once more, then not) */
	t.wbal &= ~1;
	ASSERT_EQ(0, igbvf_dirty_tx_config(&d, 0, &t));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(covered(&r, BASE + 0x7ffc));
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_FALSE(covered(&r, BASE + 0x7ffc));
	EXPECT_TRUE(covered(&r, BASE + 0x3000));
}

TEST(header_buffers_count_when_headers_may_split)
{
	struct igbvf_dirty d;
	struct runs r;
	struct igbvf_dirty_rx_cfg c = {
		.base = BASE, .len = 128, .enabled = true,
	};
	u32 type, legacy_or_one;

	for (type = 0; type < 8; type++) {
		setup8(&d, &r);
		c.srrctl = type << 25 | 4 << 8 | 2;
		c.base = BASE + 0x10000;	/* a new ring: the slots go */
		ASSERT_EQ(0, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
		ASSERT_EQ(0, post(&d, 0, 2, 8, 0));
		ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
		ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
		legacy_or_one = type <= 1;
		EXPECT_TRUE(slot_reported(&r, 1, 0));
		EXPECT_EQ(!legacy_or_one, slot_reported(&r, 1, 0x80000)) TH_LOG("type %u", type);
	}
}

TEST(report_is_clipped_to_the_request)
{
	struct igbvf_dirty d;
	struct runs r;
	int i;

	setup8(&d, &r);
	ASSERT_EQ(0, post(&d, 0, 7, 8, 0));
	ASSERT_EQ(0, igbvf_dirty_rx_consume(&d, 0, 7));	/* all in the bitmap */
	ASSERT_EQ(0, report(&d, &r, BASE + 2 * MB, 3 * MB));
	for (i = 0; i < r.n; i++) {
		EXPECT_GE(r.iova[i], BASE + 2 * MB);
		EXPECT_LE(r.iova[i] + r.len[i], BASE + 5 * MB);
	}
	EXPECT_TRUE(slot_reported(&r, 1, 0));
	EXPECT_TRUE(slot_reported(&r, 3, 0));
	EXPECT_FALSE(slot_reported(&r, 0, 0));
	/* the rest is still there, the reported part is not */
	ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
	EXPECT_TRUE(slot_reported(&r, 0, 0));
	EXPECT_TRUE(slot_reported(&r, 6, 0));
	EXPECT_FALSE(slot_reported(&r, 2, 0));
	/* an empty request, one that wraps, no session */
	EXPECT_EQ(0, report(&d, &r, BASE, 0));
	EXPECT_EQ(-EINVAL, report(&d, &r, ~0ULL - 10, 12));
	igbvf_dirty_log_stop(&d);
	EXPECT_EQ(-EINVAL, report(&d, &r, BASE, 64 * MB));
}

TEST(page_sizes_are_rounded_up)
{
	struct igbvf_dirty_range range = { .start = BASE + 100, .len = 64 * MB };
	struct igbvf_dirty d;
	struct runs r;
	u64 page, ps;
	int i;

	EXPECT_EQ(4096, igbvf_dirty_page_size(0));
	EXPECT_EQ(4096, igbvf_dirty_page_size(512));
	EXPECT_EQ(8192, igbvf_dirty_page_size(5000));
	EXPECT_EQ(65536, igbvf_dirty_page_size(65536));
	EXPECT_EQ(0, igbvf_dirty_page_size((1ULL << 30) + 1));
	EXPECT_EQ(0, igbvf_dirty_bitmap_words(BASE, 0, 4096));
	EXPECT_EQ(0, igbvf_dirty_bitmap_words(~0ULL, 2, 4096));
	EXPECT_EQ(0, igbvf_dirty_bitmap_words(BASE, 1, 5000));
	EXPECT_EQ(1, igbvf_dirty_bitmap_words(BASE, 64 * 4096, 4096));
	EXPECT_EQ(2, igbvf_dirty_bitmap_words(BASE + 1, 64 * 4096, 4096));

	for (page = 4096; page <= 65536; page *= 16) {
		igbvf_dirty_init(&d);
		ps = page - 1;

		ASSERT_EQ(0, start(&d, &range, 1, &ps));
		ASSERT_EQ(page, ps);
		ASSERT_EQ(-EBUSY, start(&d, &range, 1, &ps));
		setup8(&d, &r);
		igbvf_dirty_log_stop(&d);
		ps = page;
		ASSERT_EQ(0, start(&d, &range, 1, &ps));
		r.page = page;
		ASSERT_EQ(0, post(&d, 0, 7, 8, 0x1234));
		ASSERT_EQ(0, igbvf_dirty_rx_consume(&d, 0, 3));
		ASSERT_EQ(0, report(&d, &r, BASE, 64 * MB));
		EXPECT_EQ(0, r.misaligned);
		for (i = 0; i < 7; i++)
			EXPECT_TRUE(slot_reported(&r, i, 0x1234 + 2047));
		EXPECT_FALSE(slot_reported(&r, 7, 0x1234));
	}
}

static void never_called(void *arg, u64 iova, u64 len)
{
	abort();
}

TEST(top_of_the_address_space_does_not_wrap)
{
	struct igbvf_dirty_range range[2] = {
		{ .start = 0, .len = 1 * MB },
		{ .start = ~0ULL - MB + 1, .len = MB },
	};
	struct igbvf_dirty_rx_cfg c = {
		.base = 0x10000, .len = 128, .srrctl = 2, .enabled = false,
	};
	struct igbvf_dirty d;
	struct runs r = { .page = 4096 };
	u8 descs[2 * 16] = { 0 };
	u64 ps = 4096;
	int i;

	igbvf_dirty_init(&d);
	ASSERT_EQ(0, start(&d, range, 2, &ps));
	ASSERT_EQ(0, igbvf_dirty_rx_config(&d, 0, &c, slots[0], 8));
	put64(descs, 0xffffffffffffcc00ULL);		/* 2 KiB: fits */
	put64(descs + 16, 0xfffffffffffffc01ULL);	/* would wrap */
	ASSERT_EQ(0, igbvf_dirty_rx_post(&d, 0, 0, 2, descs, 2));
	ASSERT_EQ(0, report(&d, &r, 0, ~0ULL));
	EXPECT_TRUE(covered(&r, 0xffffffffffffc000ULL));
	EXPECT_TRUE(covered(&r, 0xffffffffffffd000ULL));
	EXPECT_FALSE(covered(&r, 0xffffffffffffe000ULL));
	EXPECT_TRUE(covered(&r, ~0ULL));
	EXPECT_FALSE(covered(&r, 0));
	for (i = 0; i < r.n; i++)
		EXPECT_LE(0xffffffffffffc000ULL, r.iova[i]);
	/* through the bitmap too */
	ASSERT_EQ(0, igbvf_dirty_rx_consume(&d, 0, 2));
	ASSERT_EQ(0, report(&d, &r, ~0ULL - MB + 1, MB));
	EXPECT_TRUE(covered(&r, ~0ULL));
	EXPECT_TRUE(covered(&r, 0xffffffffffffc000ULL));
	EXPECT_FALSE(covered(&r, 0xffffffffffffe000ULL));
	EXPECT_EQ(3 * 4096, total(&r));
	ASSERT_EQ(0, igbvf_dirty_report(&d, 0, ~0ULL, true, never_called, NULL));
	/* a report of the whole space when lost, in pieces that fit a u64 */
	ASSERT_EQ(-EINVAL, igbvf_dirty_rx_post(&d, 0, 5, 6, descs, 1));
	ASSERT_EQ(0, report(&d, &r, 0, ~0ULL));
	EXPECT_EQ(0, r.misaligned);
	EXPECT_EQ(2, r.n);
	EXPECT_TRUE(covered(&r, 0));
	EXPECT_TRUE(covered(&r, ~0ULL));
}

/* ---- the oracle ---- */

#define MEM_SIZE	(8 * MB)
#define MEM_PAGES	(MEM_SIZE / 4096)
#define BUF_MAX		16384		/* largest RX buffer */

static u8 mem[MEM_SIZE], seen[MEM_SIZE];
static u64 rng;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

/* the device changes bytes: each changes */
static void dev_write(u64 addr, u64 len)
{
	u64 i;

	for (i = 0; i < len; i++)
		mem[addr - BASE + i] ^= 1 | rnd();
}

/* the guest's own writes are not the device's: the oracle ignores them */
static void guest_write(u64 addr, const u8 *p, u64 len)
{
	memcpy(mem + (addr - BASE), p, len);
	memcpy(seen + (addr - BASE), p, len);
}

struct sim_rxq {
	u64 base;
	u32 ndesc, head, tail, srrctl, rctl_size;
	u32 filled;	/* slots from the head written, not written back */
	bool enabled;
	struct igbvf_dirty_slot *store;
};

struct sim_txq {
	struct igbvf_dirty_tx_cfg cfg;
};

struct sim {
	struct igbvf_dirty d;
	struct sim_rxq rx[IGBVF_DIRTY_NR_QUEUES];
	struct sim_txq tx[IGBVF_DIRTY_NR_QUEUES];
	u64 page;
	u8 reported[MEM_PAGES];		/* in 4 KiB pages */
	u64 misses, over, dirty, reports, posts, consumed, reconfigs, resets;
	u64 errors, late, quiesced;
	/*
	 * 0: the device moves RDH with each frame, as QEMU's model.  Else it
	 * may write up to this many buffers ahead of RDH and write their
	 * slots back later, as silicon with a descriptor cache: a report
	 * while it runs may then see a buffer late, a quiesced one may not.
	 */
	u32 ahead;
};

static struct sim s;

/* a call of the tracker that should have succeeded did not */
static void sim_error(int line)
{
	if (!s.errors++)
		printf("# oracle: first unexpected error at line %d\n", line);
}

/*
 * Rings in the first MiB, 256 KiB for each (RX 0, RX 1, TX 0, TX 1, with
 * the head write-back word in the upper half of the TX ones); buffers
 * above, so that no frame lands on a ring.
 */
#define RING_AREA	(256 * 1024ULL)

static u64 rand_addr(u64 len, u64 align)
{
	return BASE + MB + (below(MEM_SIZE - MB - len - 2) & ~(align - 1));
}

static u64 ring_addr(int area, u64 len, u64 align)
{
	return BASE + area * RING_AREA + (below(RING_AREA / 2 - len) & ~(align - 1));
}

static u32 rand_srrctl(void)
{
	static const u32 types[] = { 0, 1, 1, 2, 5, 3 };

	return types[below(ARRAY_SIZE(types))] << 25 | (u32)below(16) << 8 |
	       (below(4) ? 1 + below(16) : 0);
}

static void rx_sync(int q)
{
	struct sim_rxq *sq = &s.rx[q];
	struct igbvf_dirty_rx_cfg c = {
		.base = sq->base, .len = sq->ndesc * 16, .srrctl = sq->srrctl,
		.enabled = sq->enabled, .head = sq->head,
	};

	if (igbvf_dirty_rx_config(&s.d, q, &c, sq->store, 512))
		sim_error(__LINE__);
}

static void rx_new_ring(int q)
{
	struct sim_rxq *sq = &s.rx[q];

	sq->ndesc = 8 * (1 + below(64));
	sq->base = ring_addr(q, sq->ndesc * 16, 128);
	sq->head = 0;
	sq->tail = 0;
	sq->filled = 0;
	sq->srrctl = rand_srrctl();
	sq->rctl_size = 256 << below(7);	/* 256 .. 16384 */
	sq->enabled = true;
	if (below(2))
		sq->store = sq->store == slots[q] ? alt_slots[q] : slots[q];
	rx_sync(q);
}

static u32 buf_len(const struct sim_rxq *sq)
{
	u32 pkt = (sq->srrctl & 0x7f) * 1024;

	return pkt ? pkt : sq->rctl_size;
}

static u32 hdr_len(const struct sim_rxq *sq)
{
	u32 hdr = ((sq->srrctl >> 8) & 0xf) * 64;

	return hdr ? hdr : 256;
}

/* the guest posts @n buffers: descriptors into the ring, then RDT */
static void rx_post(int q, u32 n)
{
	struct sim_rxq *sq = &s.rx[q];
	u8 descs[512 * 16];
	u32 i, slot;

	for (i = 0; i < n; i++) {
		u64 odd = below(8) == 0;

		slot = (sq->tail + i) % sq->ndesc;
		put64(descs + 16 * i, rand_addr(BUF_MAX, 2) | odd);
		put64(descs + 16 * i + 8, rand_addr(BUF_MAX, 2) | odd);
		guest_write(sq->base + 16 * slot, descs + 16 * i, 16);
	}
	/* the trap: copy (done above), read RDH, record, forward */
	if (below(4) && igbvf_dirty_rx_consume(&s.d, q, sq->head))
		sim_error(__LINE__);
	if (igbvf_dirty_rx_post(&s.d, q, sq->tail, (sq->tail + n) % sq->ndesc, descs, n))
		sim_error(__LINE__);
	sq->tail = (sq->tail + n) % sq->ndesc;
	s.posts += n;
}

static u64 get64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* the device stores a frame into the buffers of slot @slot */
static void rx_store(struct sim_rxq *sq, u32 slot)
{
	u64 desc = sq->base + 16 * slot, pkt, hdr;
	u32 type = sq->srrctl >> 25 & 7, len;

	pkt = get64(mem + (desc - BASE));
	hdr = get64(mem + (desc - BASE) + 8);
	/* A0: an address bit, or a flag that is not */
	if (below(2))
		pkt &= ~1ULL, hdr &= ~1ULL;
	len = buf_len(sq);
	dev_write(pkt, below(2) ? len : 1 + below(len));
	if (type != 0 && type != 1 && (type != 2 || below(2)))
		dev_write(hdr, below(2) ? hdr_len(sq) : 1 + below(hdr_len(sq)));
}

/* the device receives a frame; or, ahead, stores one before writing back */
static void rx_frame(int q)
{
	struct sim_rxq *sq = &s.rx[q];
	u32 used = (sq->tail + sq->ndesc - sq->head) % sq->ndesc;

	if (!sq->enabled || !used)
		return;
	if (s.ahead && sq->filled < used && sq->filled < s.ahead && below(4)) {
		rx_store(sq, (sq->head + sq->filled) % sq->ndesc);
		sq->filled++;
		return;
	}
	if (sq->filled)
		sq->filled--;
	else
		rx_store(sq, sq->head);
	dev_write(sq->base + 16 * sq->head, 16);	/* write-back */
	sq->head = (sq->head + 1) % sq->ndesc;
	s.consumed++;
}

static void tx_new(int q)
{
	struct igbvf_dirty_tx_cfg *c = &s.tx[q].cfg;
	u64 wb = ring_addr(2 + q, 4, 4) + RING_AREA / 2;

	c->len = 128 * (1 + below(16));
	c->base = ring_addr(2 + q, c->len, 128);
	c->wbal = (u32)wb | (below(2) ? 1 : 0);
	c->wbah = wb >> 32;
	c->enabled = below(4);
	if (igbvf_dirty_tx_config(&s.d, q, c))
		sim_error(__LINE__);
}

static void tx_frame(int q)
{
	struct igbvf_dirty_tx_cfg *c = &s.tx[q].cfg;

	if (!c->enabled)
		return;
	dev_write(c->base + 16 * below(c->len / 16) + 12, 4);	/* DD */
	if (c->wbal & 1)
		dev_write(((u64)c->wbah << 32 | c->wbal) & ~3ULL, 4);
}

static void mark_reported(void *arg, u64 iova, u64 len)
{
	u64 a;

	if (iova % s.page || len % s.page)
		sim_error(__LINE__);
	for (a = iova; a - iova < len; a += 4096)
		if (a >= BASE && a - BASE < MEM_SIZE)
			s.reported[(a - BASE) / 4096] = 1;
}

/*
 * Report all ranges, in pieces at random, then check against memory.
 * @posted: the device is quiesced (the slots it may have fetched too).
 */
static void oracle_report_as(bool posted)
{
	u64 pos = 0, len, lp, p, i;
	bool changed, rep;
	int q;

	/* as the kernel's glue: the heads first; the posted slots too at random */
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++)
		if (igbvf_dirty_rx_consume(&s.d, q, s.rx[q].head))
			sim_error(__LINE__);
	memset(s.reported, 0, sizeof(s.reported));
	while (pos < MEM_SIZE) {
		len = below(3) ? MEM_SIZE - pos : (1 + below(MEM_SIZE / 4096)) * 4096;
		len = len < MEM_SIZE - pos ? len : MEM_SIZE - pos;
		if (igbvf_dirty_report(&s.d, BASE + pos, len, posted, mark_reported, NULL))
			sim_error(__LINE__);
		pos += len;
	}
	lp = s.page / 4096;
	for (p = 0; p < MEM_PAGES; p += lp) {
		changed = memcmp(mem + p * 4096, seen + p * 4096, s.page);
		rep = false;
		for (i = 0; i < lp; i++)
			rep |= s.reported[p + i];
		s.over += !changed && rep;
		if (changed && !rep && s.ahead && !posted) {
			s.late++;	/* must come by the next quiesced one */
			continue;
		}
		s.dirty += changed;
		s.misses += changed && !rep;
		memcpy(seen + p * 4096, mem + p * 4096, s.page);
	}
	s.reports++;
	s.quiesced += posted;
}

static void oracle_report(void)
{
	oracle_report_as(below(2));
}

static void oracle_start(void)
{
	struct igbvf_dirty_range r[3];
	u64 cut1 = (below(MEM_SIZE / 65536) * 65536), cut2;
	u32 n = 1 + below(3), i;
	u64 ps = below(2) ? 4096 : 65536;

	cut2 = cut1 + below((MEM_SIZE - cut1) / 65536) * 65536;
	if (!cut1)
		n = 1;
	if (n == 3 && (cut2 == cut1 || cut2 == MEM_SIZE))
		n = 2;
	r[0].start = BASE;
	r[0].len = n == 1 ? MEM_SIZE : cut1;
	r[1].start = BASE + cut1;
	r[1].len = n == 2 ? MEM_SIZE - cut1 : cut2 - cut1;
	r[2].start = BASE + cut2;
	r[2].len = MEM_SIZE - cut2;
	for (i = 0; i < n; i++)
		r[i].bits = NULL;
	if (start(&s.d, r, n, &ps))
		sim_error(__LINE__);
	s.page = ps;
	memcpy(seen, mem, MEM_SIZE);
}

static void sim_reset(void)
{
	int q;

	igbvf_dirty_reset(&s.d);
	memset(s.rx, 0, sizeof(s.rx));	/* the device forgets what it fetched */
	memset(s.tx, 0, sizeof(s.tx));
	for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++) {
		s.rx[q].store = slots[q];
		rx_new_ring(q);
		tx_new(q);
	}
	s.resets++;
}

static void guest_step(void)
{
	int q = below(IGBVF_DIRTY_NR_QUEUES);
	struct sim_rxq *sq = &s.rx[q];
	u32 used = (sq->tail + sq->ndesc - sq->head) % sq->ndesc;
	u32 room = sq->ndesc - 1 - used, n, what = below(1000);

	if (what < 300) {			/* a burst, or one */
		n = below(2) ? below(room + 1) : room > 0;
		if (n)
			rx_post(q, n);
	} else if (what < 700) {
		for (n = below(sq->ndesc); n; n--)
			rx_frame(q);
	} else if (what < 850) {
		tx_frame(q);
	} else if (what < 900) {
		if (igbvf_dirty_rx_consume(&s.d, q, sq->head))
			sim_error(__LINE__);
	} else if (what < 920) {
		oracle_report();
	} else if (what < 975) {		/* SRRCTL or RXDCTL only */
		if (below(2))
			sq->srrctl = rand_srrctl();
		else
			sq->enabled = !sq->enabled;
		rx_sync(q);
		s.reconfigs++;
	} else if (what < 985) {		/* a new ring */
		rx_new_ring(q);
		s.reconfigs++;
	} else if (what < 990) {		/* resync: the slots are read again */
		struct igbvf_dirty_rx_cfg c = { 0 };
		u32 i, cnt = used;
		u8 descs[512 * 16];

		for (i = 0; i < cnt; i++)
			memcpy(descs + 16 * i,
			       mem + (sq->base - BASE) + 16 * ((sq->head + i) % sq->ndesc), 16);
		/* through an empty configuration, so nothing is kept */
		igbvf_dirty_rx_config(&s.d, q, &c, NULL, 0);
		rx_sync(q);
		if (igbvf_dirty_rx_post(&s.d, q, sq->head, sq->tail, descs, cnt))
			sim_error(__LINE__);
		s.reconfigs++;
	} else if (what < 995) {
		tx_new(q);
		s.reconfigs++;
	} else if (what < 997) {
		sim_reset();
	} else {				/* a new session */
		oracle_report();
		igbvf_dirty_log_stop(&s.d);
		oracle_start();
	}
}

/* @runs random guests of 5000 steps each; the last report of each quiesced */
static void run_oracle(u32 ahead)
{
	int run, step, q;
	const char *env = getenv("P2PMIG_DIRTY_RUNS");
	int runs = env ? atoi(env) : 10;

	rng = 0x9e3779b97f4a7c15ULL;
	memset(&s, 0, sizeof(s));
	s.ahead = ahead;
	for (run = 0; run < runs; run++) {
		igbvf_dirty_init(&s.d);
		oracle_start();
		for (q = 0; q < IGBVF_DIRTY_NR_QUEUES; q++) {
			s.rx[q].store = slots[q];
			rx_new_ring(q);
			tx_new(q);
		}
		for (step = 0; step < 5000; step++)
			guest_step();
		oracle_report_as(true);
		igbvf_dirty_log_stop(&s.d);
	}
	printf("# oracle: %d runs, %llu reports (%llu quiesced), %llu posted, %llu received,",
	       runs, (unsigned long long)s.reports, (unsigned long long)s.quiesced,
	       (unsigned long long)s.posts, (unsigned long long)s.consumed);
	printf(" %llu reconfigs, %llu resets\n",
	       (unsigned long long)s.reconfigs, (unsigned long long)s.resets);
	printf("# oracle: device up to %u buffers ahead of RDH: %llu pages seen late\n",
	       ahead, (unsigned long long)s.late);
	printf("# oracle: %llu dirty pages, %llu missed, %llu over-reported",
	       (unsigned long long)s.dirty, (unsigned long long)s.misses,
	       (unsigned long long)s.over);
	printf(" (%.2f per dirty page)\n", s.dirty ? (double)s.over / s.dirty : 0.0);
}

TEST(oracle_random_guest_no_page_is_missed)
{
	run_oracle(0);
	EXPECT_EQ(0, s.errors);
	EXPECT_LT(0, s.dirty);
	EXPECT_EQ(0, s.misses);
}

/*
 * A device that stores frames ahead of RDH (descriptor cache, write-back
 * later), as far as the tracker allows for: a report while it runs may see
 * such a buffer late, a quiesced one misses nothing.  P2PMIG_DIRTY_AHEAD
 * sets how far (a negative control: IGBVF_DIRTY_RX_INFLIGHT + 1 misses).
 */
TEST(oracle_device_ahead_of_its_head_no_page_is_missed_once_quiesced)
{
	const char *env = getenv("P2PMIG_DIRTY_AHEAD");

	run_oracle(env ? atoi(env) : IGBVF_DIRTY_RX_INFLIGHT);
	EXPECT_EQ(0, s.errors);
	EXPECT_LT(0, s.dirty);
	EXPECT_LT(0, s.late);		/* the model did store ahead */
	EXPECT_EQ(0, s.misses);
}

TEST_HARNESS_MAIN
