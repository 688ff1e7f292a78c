// SPDX-License-Identifier: GPL-2.0
/*
 * Frames move through 82576 VFs bound to p2pmig, driven from userspace by
 * lib/igbvf_user (rings, mailbox and MSI-X over VFIO region accesses), for
 * two pairs of VFs: two VFs of one PF (the PF's VMDq loopback switch) and
 * VFs of two PFs (through the network both PFs share).  Frames carry
 * sequence numbers and a payload pattern, so loss, duplication, reordering
 * and corruption show.  Also: a request the PF refuses comes back as NACK,
 * a received frame raises the RX MSI-X vector, and a multicast group
 * joined through the mailbox lets its frames in.
 *
 * Needs P2PMIG_VF_A, P2PMIG_VF_B (PF0) and P2PMIG_VF_D (PF1) bound to
 * p2pmig, with the PF netdevs up and no administrative VF MACs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/bed_harness.h"
#include "lib/igbvf_user.h"
#include "lib/vfio_util.h"

#define ETHERTYPE	0x88b5		/* IEEE 802 local experimental */
#define MAGIC		0x50324d54	/* "P2MT" */
#define HDR_LEN		24		/* Ethernet, magic, sequence, length */
#define MIN_FRAME	60
#define MAX_FRAME	1514
#define NR_FRAMES	1000		/* per direction: wraps the rings */
#define WINDOW		16		/* frames in flight per direction */
#define RX_TIMEOUT_MS	2000
#define QUIET_MS	300
#define IOVA_BASE	0x10000000ull
#define IOVA_STRIDE	0x01000000ull

/* vf[0] is X, vf[1] is Y; both devices in dev[0]'s container */
struct pair {
	struct vfio_dev dev[2];
	struct igbvf_user vf[2];
	bool opened[2];
	bool up[2];
	unsigned int foreign;	/* frames of other senders, ignored */
};

FIXTURE(traffic) {
	struct pair p;
};

FIXTURE_VARIANT(traffic) {
	const char *x, *y;	/* test bed roles */
};

FIXTURE_VARIANT_ADD(traffic, same_pf) {
	.x = "A", .y = "B",
};

FIXTURE_VARIANT_ADD(traffic, cross_pf) {
	.x = "A", .y = "D",
};

/* locally administered, unicast, one per role */
static void role_mac(const char *role, uint8_t mac[6])
{
	static const uint8_t base[6] = { 0x02, 0x70, 0x32, 0x6d, 0x00, 0x00 };

	memcpy(mac, base, 6);
	mac[5] = role[0];
}

/*
 * Open VF @role as p->dev[@i] and bring it up.  False when the test bed
 * did not name that VF (the test is skipped).
 */
static bool vf_up(struct __test_metadata *_metadata, struct pair *p, int i,
		  const char *role)
{
	const char *bdf = test_vf(role);
	uint8_t mac[6];
	int ret;

	if (!bdf)
		SKIP(return false, "P2PMIG_VF_%s not set: no VF bound to p2pmig", role);
	ret = vfio_dev_open(&p->dev[i], bdf, i ? p->dev[0].container : -1);
	ASSERT_EQ(0, ret) TH_LOG("open VF %s (%s) through VFIO: %s: %s", role,
				 bdf, p->dev[i].failed_step, strerror(-ret));
	p->opened[i] = true;
	role_mac(role, mac);
	ret = igbvf_user_init(&p->vf[i], &p->dev[i], IOVA_BASE + i * IOVA_STRIDE,
			      mac);
	ASSERT_EQ(0, ret) TH_LOG("bring up VF %s (%s): %s: %s", role, bdf,
				 p->vf[i].failed_step, strerror(-ret));
	p->up[i] = true;
	return true;
}

FIXTURE_SETUP(traffic)
{
	if (vf_up(_metadata, &self->p, 0, variant->x))
		vf_up(_metadata, &self->p, 1, variant->y);
}

FIXTURE_TEARDOWN(traffic)
{
	struct pair *p = &self->p;
	int i;

	for (i = 1; i >= 0; i--)
		if (p->up[i])
			igbvf_user_fini(&p->vf[i]);
	/* the first device owns the container: close it last */
	for (i = 1; i >= 0; i--) {
		if (!p->opened[i])
			continue;
		ioctl(p->dev[i].fd, VFIO_DEVICE_RESET);
		vfio_dev_close(&p->dev[i]);
	}
	if (p->foreign)
		TH_LOG("%u frames of other senders ignored", p->foreign);
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v);
}

static uint16_t get16(const uint8_t *b)
{
	return b[0] << 8 | b[1];
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)get16(b) << 16 | get16(b + 2);
}

/* lengths sweep 60..1514 bytes */
static size_t frame_len(uint32_t seq)
{
	return MIN_FRAME + (seq * 97u) % (MAX_FRAME - MIN_FRAME + 1);
}

static uint8_t pattern(uint32_t seq, size_t i, uint8_t salt)
{
	return seq * 0x9d + i * 0x3b + (i >> 8) * 0x11 + salt;
}

static size_t build_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src,
			  uint32_t seq)
{
	size_t len = frame_len(seq), i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, ETHERTYPE);
	put32(f + 14, MAGIC);
	put32(f + 18, seq);
	put16(f + 22, len);
	for (i = HDR_LEN; i < len; i++)
		f[i] = pattern(seq, i, src[5]);
	return len;
}

/* one of our test frames, from @src? */
static bool is_ours(const uint8_t *f, int n, const uint8_t *src)
{
	return n >= HDR_LEN && get16(f + 12) == ETHERTYPE &&
	       get32(f + 14) == MAGIC && !memcmp(f + 6, src, 6);
}

/* NULL if @f (@n bytes) is the frame its sequence number says, intact */
static const char *damage(const uint8_t *f, int n, const uint8_t *dst,
			  size_t *at)
{
	uint32_t seq = get32(f + 18);
	size_t i;

	*at = 0;
	if (memcmp(f, dst, 6))
		return "wrong destination address";
	if (get16(f + 22) != n || frame_len(seq) != (size_t)n)
		return "wrong length";
	for (i = HDR_LEN; i < (size_t)n; i++) {
		if (f[i] != pattern(seq, i, f[11])) {
			*at = i;
			return "payload differs";
		}
	}
	return NULL;
}

static int send_seq(struct igbvf_user *from, const uint8_t *dst, uint32_t seq)
{
	uint8_t f[MAX_FRAME];
	size_t len = build_frame(f, dst, from->mac, seq);

	return igbvf_user_send(from, f, len);
}

/*
 * Receive on @to the frames @src sent to @dst numbered *@next to @end - 1,
 * in order and intact; frames of other senders are counted and skipped.
 */
static void expect_frames(struct __test_metadata *_metadata, struct pair *p,
			  struct igbvf_user *to, const uint8_t *dst,
			  const uint8_t *src, uint32_t *next, uint32_t end,
			  const char *dir)
{
	uint8_t f[IGBVF_USER_BUF];
	const char *bad;
	uint32_t seq;
	size_t at;
	int n;

	while (*next < end) {
		n = igbvf_user_recv(to, f, sizeof(f), RX_TIMEOUT_MS);
		ASSERT_LT(0, n) TH_LOG("%s: frame %u: %s", dir, *next,
				       n == -ETIMEDOUT ? "not received (lost)" :
				       strerror(-n));
		if (!is_ours(f, n, src)) {
			p->foreign++;
			continue;
		}
		seq = get32(f + 18);
		ASSERT_EQ(*next, seq)
			TH_LOG("%s: frame %u where %u was due: %s", dir, seq, *next,
			       seq < *next ? "duplicate or reordered" : "frames lost");
		bad = damage(f, n, dst, &at);
		ASSERT_TRUE(!bad)
			TH_LOG("%s: frame %u (%d bytes): %s (offset %zu)",
			       dir, seq, n, bad, at);
		(*next)++;
	}
}

/* no (more) frames from @src arrive on @to */
static void expect_quiet(struct __test_metadata *_metadata, struct pair *p,
			 struct igbvf_user *to, const uint8_t *src,
			 const char *dir)
{
	uint8_t f[IGBVF_USER_BUF];
	int n;

	for (;;) {
		n = igbvf_user_recv(to, f, sizeof(f), QUIET_MS);
		if (n == -ETIMEDOUT)
			return;
		ASSERT_LT(0, n) TH_LOG("%s: %s", dir, strerror(-n));
		ASSERT_FALSE(is_ours(f, n, src))
			TH_LOG("%s: unexpected frame %u", dir, get32(f + 18));
		p->foreign++;
	}
}

/* receive frame @seq from @src on @to within @ms, intact */
static void expect_one(struct __test_metadata *_metadata, struct pair *p,
		       struct igbvf_user *to, const uint8_t *dst,
		       const uint8_t *src, uint32_t seq, int ms)
{
	uint8_t f[IGBVF_USER_BUF];
	const char *bad;
	size_t at;
	int n;

	for (;;) {
		n = igbvf_user_recv(to, f, sizeof(f), ms);
		ASSERT_LT(0, n) TH_LOG("frame %u: %s", seq,
				       n == -ETIMEDOUT ? "not received" : strerror(-n));
		if (is_ours(f, n, src))
			break;
		p->foreign++;
	}
	ASSERT_EQ(seq, get32(f + 18));
	bad = damage(f, n, dst, &at);
	ASSERT_TRUE(!bad) TH_LOG("frame %u: %s (offset %zu)", seq, bad, at);
}

/* the device's ring registers agree with the library's indices */
static void expect_rings_in_step(struct __test_metadata *_metadata,
				 struct igbvf_user *u, const char *name)
{
	struct igbvf_user_hw_ring r;

	ASSERT_EQ(0, igbvf_user_read_hw_ring(u, &r));
	EXPECT_EQ(u->tx_next, r.tdt) TH_LOG("%s: TDT", name);
	EXPECT_EQ(u->tx_next, r.tdh) TH_LOG("%s: TDH: TX not all processed", name);
	EXPECT_EQ(u->rx_next, r.rdh) TH_LOG("%s: RDH", name);
	EXPECT_EQ((u->rx_next + IGBVF_USER_RING - 1) % IGBVF_USER_RING, r.rdt)
		TH_LOG("%s: RDT", name);
}

/* @count frames each way between X and Y, WINDOW at a time */
static void exchange(struct __test_metadata *_metadata, struct pair *p,
		     const char *xy, const char *yx, uint32_t count)
{
	struct igbvf_user *x = &p->vf[0], *y = &p->vf[1];
	uint32_t sent_x = 0, sent_y = 0, got_x = 0, got_y = 0, k;
	uint64_t tx0_x = x->tx_frames, tx0_y = y->tx_frames;

	while (got_x < count || got_y < count) {
		for (k = 0; k < WINDOW && sent_x < count; k++, sent_x++)
			ASSERT_EQ(0, send_seq(x, y->mac, sent_x))
				TH_LOG("%s: send frame %u", xy, sent_x);
		for (k = 0; k < WINDOW && sent_y < count; k++, sent_y++)
			ASSERT_EQ(0, send_seq(y, x->mac, sent_y))
				TH_LOG("%s: send frame %u", yx, sent_y);
		/* sent means: the device wrote DD back into the descriptor */
		ASSERT_EQ(0u, igbvf_user_tx_reclaim(x))
			TH_LOG("%s: TX descriptors not completed", xy);
		ASSERT_EQ(0u, igbvf_user_tx_reclaim(y))
			TH_LOG("%s: TX descriptors not completed", yx);
		expect_frames(_metadata, p, y, y->mac, x->mac, &got_x, sent_x, xy);
		expect_frames(_metadata, p, x, x->mac, y->mac, &got_y, sent_y, yx);
	}
	expect_quiet(_metadata, p, y, x->mac, xy);
	expect_quiet(_metadata, p, x, y->mac, yx);

	EXPECT_EQ(count, x->tx_frames - tx0_x);
	EXPECT_EQ(count, y->tx_frames - tx0_y);
	EXPECT_EQ(x->tx_frames, x->tx_done);
	EXPECT_EQ(y->tx_frames, y->tx_done);
	EXPECT_EQ(0u, x->rx_errors);
	EXPECT_EQ(0u, y->rx_errors);
	expect_rings_in_step(_metadata, x, xy);
	expect_rings_in_step(_metadata, y, yx);
}

/*
 * The PF (igb_set_vf_mac_addr) refuses a MAC address that is not a valid
 * unicast address: NACK, with CTS still set.  A valid one is then ACKed.
 */
static void check_nack(struct __test_metadata *_metadata, struct igbvf_user *u)
{
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	uint32_t msg[3] = { IGBVF_MSG_SET_MAC }, reply[1] = { 0 };
	uint8_t mac[6];

	memcpy(mac, u->mac, 6);
	memcpy(&msg[1], mcast, 6);
	EXPECT_EQ(-EREMOTEIO, igbvf_user_mbx(u, msg, 3, reply, 1));
	EXPECT_EQ(IGBVF_MSG_SET_MAC | IGBVF_MSG_NACK | IGBVF_MSG_CTS, reply[0])
		TH_LOG("reply word 0: %#x", reply[0]);

	EXPECT_EQ(-EREMOTEIO, igbvf_user_set_mac(u, mcast));
	EXPECT_EQ(0, memcmp(u->mac, mac, 6)) TH_LOG("refused address was kept");

	/* the PF still serves us: a valid request is ACKed */
	EXPECT_EQ(0, igbvf_user_set_mac(u, mac));
	EXPECT_EQ(IGBVF_MSG_SET_MAC | IGBVF_MSG_ACK | IGBVF_MSG_CTS, u->mbx_reply)
		TH_LOG("reply word 0: %#x", u->mbx_reply);
}

/* Y sends to X: X's RX vector fires when unmasked, waits while masked */
static void check_rx_irq(struct __test_metadata *_metadata, struct pair *p)
{
	struct igbvf_user *x = &p->vf[0], *y = &p->vf[1];
	const int rx = IGBVF_USER_VEC_RX;
	int v;

	/* forget what bring-up raised (mailbox traffic) */
	for (v = 0; v < IGBVF_USER_NR_VEC; v++)
		igbvf_user_irq_wait(x, v, 0);
	EXPECT_EQ(-ETIMEDOUT, igbvf_user_irq_wait(x, rx, QUIET_MS))
		TH_LOG("RX vector fired with no frame sent");

	/* unmasked: the frame is in the ring when the vector fires */
	ASSERT_EQ(0, send_seq(y, x->mac, 0));
	ASSERT_LT(0, igbvf_user_irq_wait(x, rx, RX_TIMEOUT_MS))
		TH_LOG("RX MSI-X vector %d did not fire for a received frame", rx);
	expect_one(_metadata, p, x, x->mac, y->mac, 0, 0);

	/* masked: the frame arrives, the vector waits for the unmask */
	ASSERT_EQ(0, igbvf_user_irq_enable(x, 1u << rx, false));
	ASSERT_EQ(0, send_seq(y, x->mac, 1));
	expect_one(_metadata, p, x, x->mac, y->mac, 1, RX_TIMEOUT_MS);
	EXPECT_EQ(-ETIMEDOUT, igbvf_user_irq_wait(x, rx, QUIET_MS))
		TH_LOG("RX vector fired while masked");
	ASSERT_EQ(0, igbvf_user_irq_enable(x, 1u << rx, true));
	EXPECT_LT(0, igbvf_user_irq_wait(x, rx, RX_TIMEOUT_MS))
		TH_LOG("pending RX cause not signalled when unmasked");
}

/*
 * A frame to a multicast group reaches X only after X joined the group
 * through SET_MULTICAST (the PF sets the hash in the shared MTA and lets
 * X's pool take MTA hits); a group with another hash stays out.
 */
static void check_multicast(struct __test_metadata *_metadata, struct pair *p)
{
	static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0x11, 0x5a, 0xc3 };
	static const uint8_t other[6] = { 0x01, 0x00, 0x5e, 0x11, 0xa5, 0x3c };
	struct igbvf_user *x = &p->vf[0], *y = &p->vf[1];

	ASSERT_NE(igbvf_user_mc_hash(group), igbvf_user_mc_hash(other));

	ASSERT_EQ(0, send_seq(y, group, 0));
	expect_quiet(_metadata, p, x, y->mac, "to the group before joining");

	ASSERT_EQ(0, igbvf_user_add_multicast(x, group));
	ASSERT_EQ(0, send_seq(y, group, 1));
	expect_one(_metadata, p, x, group, y->mac, 1, RX_TIMEOUT_MS);

	ASSERT_EQ(0, send_seq(y, other, 2));
	expect_quiet(_metadata, p, x, y->mac, "to a group not joined");
}

TEST_F_TIMEOUT(traffic, frames_flow_both_ways_in_order_intact, 180)
{
	char xy[8], yx[8];

	snprintf(xy, sizeof(xy), "%s->%s", variant->x, variant->y);
	snprintf(yx, sizeof(yx), "%s->%s", variant->y, variant->x);
	exchange(_metadata, &self->p, xy, yx, NR_FRAMES);
}

TEST_F(traffic, nacked_mailbox_request_returns_eremoteio)
{
	check_nack(_metadata, &self->p.vf[0]);
	check_nack(_metadata, &self->p.vf[1]);
}

TEST_F(traffic, rx_frame_raises_rx_msix_vector)
{
	check_rx_irq(_metadata, &self->p);
}

TEST_F(traffic, multicast_frame_reaches_vf_after_joining_its_group)
{
	check_multicast(_metadata, &self->p);
}

TEST_HARNESS_MAIN
