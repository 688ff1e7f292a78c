// SPDX-License-Identifier: GPL-2.0
/*
 * The igbvf backend's record validation (drivers/vfio/pci/p2pmig/igbvf_rec.c,
 * built here from the same source): a valid record of each type passes,
 * and each field a source could not have sent is rejected with EINVAL and
 * a reason that names it.  Runs on the build host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "igbvf_rec.h"

/* records as the parser hands them over: in an aligned buffer */
static union {
	struct igbvf_caps_rec caps;
	struct igbvf_regs_rec regs;
	struct igbvf_config_rec cfg;
	struct igbvf_stats_rec stats;
	u8 bytes[512];
} rec;

static const char *why;
static u64 why_arg;

static void set16(__le16 *f, u16 v)
{
	u8 *p = (u8 *)f;

	p[0] = v;
	p[1] = v >> 8;
}

static void set32(__le32 *f, u32 v)
{
	u8 *p = (u8 *)f;

	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static int check(u16 type, u32 len)
{
	why = NULL;
	why_arg = 0x5eed;
	switch (type) {
	case IGBVF_REC_CAPS:
		return igbvf_rec_check_caps(rec.bytes, len, &why, &why_arg);
	case IGBVF_REC_REGS:
		return igbvf_rec_check_regs(rec.bytes, len, &why, &why_arg);
	case IGBVF_REC_CONFIG:
		return igbvf_rec_check_config(rec.bytes, len, &why, &why_arg);
	default:
		return igbvf_rec_check_stats(rec.bytes, len, &why, &why_arg);
	}
}

static u32 rec_len(u16 type)
{
	switch (type) {
	case IGBVF_REC_CAPS:
		return sizeof(struct igbvf_caps_rec);
	case IGBVF_REC_REGS:
		return sizeof(struct igbvf_regs_rec);
	case IGBVF_REC_CONFIG:
		return sizeof(struct igbvf_config_rec);
	default:
		return sizeof(struct igbvf_stats_rec);
	}
}

/* the record of @type in rec passes */
#define ACCEPTED(type) do {						\
	int __ret = check(type, rec_len(type));				\
									\
	ASSERT_EQ(0, __ret) TH_LOG("rejected: %s %llu", why,		\
				   (unsigned long long)why_arg);	\
} while (0)

/* @len bytes of it are rejected with EINVAL, @reason and its number @arg */
#define REJECTED_LEN(type, len, reason, arg) do {			\
	ASSERT_EQ(-EINVAL, check(type, len));				\
	ASSERT_NE(NULL, why);						\
	EXPECT_STREQ(reason, why);					\
	EXPECT_EQ((u64)(arg), why_arg);					\
} while (0)

#define REJECTED(type, reason, arg) REJECTED_LEN(type, rec_len(type), reason, arg)

#define CAPS	IGBVF_REC_CAPS
#define REGS	IGBVF_REC_REGS
#define CONFIG	IGBVF_REC_CONFIG
#define STATS	IGBVF_REC_STATS

static void valid_caps(void)
{
	memset(&rec, 0, sizeof(rec));
	set32(&rec.caps.queues, 2);
	set32(&rec.caps.vectors, 3);
}

/* what a running VF leaves: both rings of both queues in use */
static void valid_regs(void)
{
	struct igbvf_queue_regs *qr;
	int q, i;

	memset(&rec, 0, sizeof(rec));
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		qr = &rec.regs.q[q];
		set32(&qr->rdbal, 0x12340000 + q * 0x1000);
		set32(&qr->rdlen, 4096);	/* 256 descriptors */
		set32(&qr->rdh, 17);
		set32(&qr->rdt, 255);
		set32(&qr->rxdctl, 1 << 25);
		set32(&qr->srrctl, 0x02000402);
		set32(&qr->tdbal, 0x56780000 + q * 0x1000);
		set32(&qr->tdlen, 512);		/* 32 descriptors */
		set32(&qr->tdh, 31);
		set32(&qr->tdt, 0);
		set32(&qr->txdctl, 1 << 25);
	}
	for (i = 0; i < IGBVF_NR_VECTORS; i++)
		set32(&rec.regs.eitr[i], 0x1f0);
	set32(&rec.regs.ivar, 0x8180);
	set32(&rec.regs.ivar_misc, 0x82);
	set32(&rec.regs.eims, 7);
	set32(&rec.regs.eiac, 3);
	set32(&rec.regs.eiam, 4);
	set32(&rec.regs.v2p_r2c, 0x10);
}

static const u8 mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 uc0[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const u8 uc1[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

/* the configuration of the seed streams: MAC, filter, group, VLAN 100 */
static void valid_config(void)
{
	memset(&rec, 0, sizeof(rec));
	set32(&rec.cfg.flags, IGBVF_CFG_RESET | IGBVF_CFG_MAC);
	memcpy(rec.cfg.mac, mac, ETH_ALEN);
	rec.cfg.nr_uc = 2;
	memcpy(rec.cfg.uc[0], uc0, ETH_ALEN);
	memcpy(rec.cfg.uc[1], uc1, ETH_ALEN);
	rec.cfg.nr_mc = 1;
	set16(&rec.cfg.mc[0], 0x0421);
	rec.cfg.nr_vlans = 2;
	set16(&rec.cfg.vlans[0], 100);
	set16(&rec.cfg.vlans[1], 4095);
	set32(&rec.cfg.max_frame, 1522);
	set32(&rec.cfg.promisc, 1 << 16);
}

TEST(record_layouts_keep_their_abi_sizes)
{
	EXPECT_EQ(16, sizeof(struct igbvf_caps_rec));
	EXPECT_EQ(228, sizeof(struct igbvf_regs_rec));
	EXPECT_EQ(204, sizeof(struct igbvf_config_rec));
	EXPECT_EQ(36, sizeof(struct igbvf_stats_rec));
}

/* capabilities */

TEST(caps_of_this_vf_shape_is_accepted)
{
	valid_caps();
	ACCEPTED(CAPS);
}

TEST(caps_of_wrong_length_is_rejected)
{
	u32 lens[] = { 0, 12, 15, 17, 20, 204 };
	int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		valid_caps();
		REJECTED_LEN(IGBVF_REC_CAPS, lens[i], "length is not 16 bytes but", lens[i]);
	}
}

TEST(caps_of_another_queue_count_is_rejected)
{
	u32 counts[] = { 0, 1, 3, 8, 0xffffffff };
	int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		valid_caps();
		set32(&rec.caps.queues, counts[i]);
		REJECTED(CAPS, "the source VF has not 2 queue pairs but", counts[i]);
	}
}

TEST(caps_of_another_vector_count_is_rejected)
{
	u32 counts[] = { 0, 2, 4, 0x100 + 3 };
	int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		valid_caps();
		set32(&rec.caps.vectors, counts[i]);
		REJECTED(CAPS, "the source VF has not 3 MSI-X vectors but", counts[i]);
	}
}

TEST(caps_with_any_reserved_byte_set_is_rejected)
{
	int i;

	for (i = 8; i < 16; i++) {
		valid_caps();
		rec.bytes[i] = 0x80;
		REJECTED(CAPS, "reserved bytes set", P2PMIG_NO_ARG);
	}
}

/* registers */

TEST(regs_of_a_running_vf_are_accepted)
{
	valid_regs();
	ACCEPTED(REGS);
}

TEST(regs_with_empty_rings_at_zero_are_accepted)
{
	int q;

	valid_regs();
	for (q = 0; q < IGBVF_NR_QUEUES; q++)
		memset(&rec.regs.q[q], 0, sizeof(rec.regs.q[q]));
	set32(&rec.regs.eims, 0);
	set32(&rec.regs.eiac, 0);
	set32(&rec.regs.eiam, 0);
	ACCEPTED(REGS);
}

TEST(regs_other_registers_take_any_value)
{
	int q, i;

	valid_regs();
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		struct igbvf_queue_regs *qr = &rec.regs.q[q];

		set32(&qr->rdbal, ~0u);
		set32(&qr->rdbah, ~0u);
		set32(&qr->srrctl, ~0u);
		set32(&qr->rxdctl, ~0u);
		set32(&qr->tdbal, ~0u);
		set32(&qr->tdbah, ~0u);
		set32(&qr->txdctl, ~0u);
		set32(&qr->txctl, ~0u);
		set32(&qr->tdwbal, ~0u);
		set32(&qr->tdwbah, ~0u);
	}
	for (i = 0; i < IGBVF_NR_VECTORS; i++)
		set32(&rec.regs.eitr[i], ~0u);
	set32(&rec.regs.ivar, ~0u);
	set32(&rec.regs.ivar_misc, ~0u);
	for (i = 0; i < IGBVF_MBX_WORDS; i++)
		set32(&rec.regs.vmbmem[i], ~0u);
	set32(&rec.regs.v2p_r2c, ~0u);
	ACCEPTED(REGS);
}

TEST(regs_of_wrong_length_are_rejected)
{
	u32 lens[] = { 0, 16, 224, 227, 229, 232 };
	int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		valid_regs();
		REJECTED_LEN(IGBVF_REC_REGS, lens[i], "length is not 228 bytes but", lens[i]);
	}
}

/* ring @ring (0..3: RX 0, TX 0, RX 1, TX 1) of the record */
struct ring {
	__le32 *len, *head, *tail;
	const char *dir;
	int q;
};

static struct ring ring_of(int ring)
{
	struct igbvf_queue_regs *qr = &rec.regs.q[ring / 2];

	if (ring % 2)
		return (struct ring){ &qr->tdlen, &qr->tdh, &qr->tdt, "TX", ring / 2 };
	return (struct ring){ &qr->rdlen, &qr->rdh, &qr->rdt, "RX", ring / 2 };
}

static char reason[128];

static const char *ring_reason(const struct ring *r, const char *what)
{
	snprintf(reason, sizeof(reason), "%s %s, queue pair", r->dir, what);
	return reason;
}

TEST(regs_ring_length_not_a_multiple_of_128_is_rejected)
{
	u32 lens[] = { 16, 64, 4096 + 16, 4096 - 64, 0xfff80 - 1 };
	struct ring r;
	int i, n;

	for (n = 0; n < 4; n++) {
		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			valid_regs();
			r = ring_of(n);
			set32(r.len, lens[i]);
			REJECTED(REGS,
				 ring_reason(&r, "ring length is not a multiple of 128 bytes"),
				 r.q);
		}
	}
}

TEST(regs_ring_longer_than_the_maximum_is_rejected)
{
	u32 lens[] = { 0xfff80 + 128, 0x100000, 0xffffff80 };
	struct ring r;
	int i, n;

	for (n = 0; n < 4; n++) {
		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			valid_regs();
			r = ring_of(n);
			set32(r.len, lens[i]);
			REJECTED(REGS, ring_reason(&r, "ring is longer than 0xfff80 bytes"), r.q);
		}
	}
}

TEST(regs_longest_ring_with_head_and_tail_at_its_last_descriptor_is_accepted)
{
	struct ring r;
	int n;

	for (n = 0; n < 4; n++) {
		valid_regs();
		r = ring_of(n);
		set32(r.len, 0xfff80);
		set32(r.head, 0xfff80 / 16 - 1);
		set32(r.tail, 0xfff80 / 16 - 1);
		ACCEPTED(REGS);
	}
}

TEST(regs_head_or_tail_beyond_the_ring_is_rejected)
{
	u32 beyond[] = { 8, 9, 4096, 0xffffffff };
	struct ring r;
	int i, n;

	for (n = 0; n < 4; n++) {
		for (i = 0; i < ARRAY_SIZE(beyond); i++) {
			valid_regs();
			r = ring_of(n);
			set32(r.len, 128);	/* 8 descriptors */
			set32(r.head, 7);
			set32(r.tail, 7);
			ACCEPTED(REGS);
			set32(r.head, beyond[i]);
			REJECTED(REGS, ring_reason(&r, "head is beyond the ring"), r.q);
			set32(r.head, 0);
			set32(r.tail, beyond[i]);
			REJECTED(REGS, ring_reason(&r, "tail is beyond the ring"), r.q);
		}
	}
}

TEST(regs_head_or_tail_without_a_ring_is_rejected)
{
	struct ring r;
	int n;

	for (n = 0; n < 4; n++) {
		valid_regs();
		r = ring_of(n);
		set32(r.len, 0);
		set32(r.head, 0);
		set32(r.tail, 0);
		ACCEPTED(REGS);
		set32(r.head, 1);
		REJECTED(REGS, ring_reason(&r, "head is not 0 without a ring"), r.q);
		set32(r.head, 0);
		set32(r.tail, 5);
		REJECTED(REGS, ring_reason(&r, "tail is not 0 without a ring"), r.q);
	}
}

TEST(regs_interrupt_masks_beyond_the_vectors_are_rejected)
{
	u32 masks[] = { 1 << 3, 0xf, 1u << 31, ~0u };
	int i;

	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		valid_regs();
		set32(&rec.regs.eims, masks[i]);
		REJECTED(REGS, "EIMS names vectors beyond the VF's 3, mask", masks[i]);
		valid_regs();
		set32(&rec.regs.eiac, masks[i]);
		REJECTED(REGS, "EIAC names vectors beyond the VF's 3, mask", masks[i]);
		valid_regs();
		set32(&rec.regs.eiam, masks[i]);
		REJECTED(REGS, "EIAM names vectors beyond the VF's 3, mask", masks[i]);
	}
}

/* configuration */

TEST(config_of_a_configured_vf_is_accepted_and_decoded)
{
	struct igbvf_cfg cfg;

	valid_config();
	set32(&rec.cfg.flags, IGBVF_CFG_RESET | IGBVF_CFG_MAC | IGBVF_CFG_MC_OVERFLOW);
	ACCEPTED(CONFIG);
	memset(&cfg, 0xaa, sizeof(cfg));
	igbvf_rec_to_cfg(rec.bytes, &cfg);
	EXPECT_TRUE(cfg.reset);
	EXPECT_TRUE(cfg.mac_set);
	EXPECT_TRUE(cfg.mc_overflow);
	EXPECT_EQ(0, memcmp(cfg.mac, mac, ETH_ALEN));
	ASSERT_EQ(2, cfg.nr_uc);
	EXPECT_EQ(0, memcmp(cfg.uc[0], uc0, ETH_ALEN));
	EXPECT_EQ(0, memcmp(cfg.uc[1], uc1, ETH_ALEN));
	ASSERT_EQ(1, cfg.nr_mc);
	EXPECT_EQ(0x0421, cfg.mc[0]);
	EXPECT_EQ(0, cfg.mc[1]);
	ASSERT_EQ(2, cfg.nr_vlans);
	EXPECT_EQ(100, cfg.vlans[0]);
	EXPECT_EQ(4095, cfg.vlans[1]);
	EXPECT_EQ(1522, cfg.max_frame);
	EXPECT_EQ(1 << 16, cfg.promisc);
}

TEST(config_of_a_vf_never_set_up_is_accepted_and_decoded_empty)
{
	struct igbvf_cfg cfg, zero;

	memset(&rec, 0, sizeof(rec));
	ACCEPTED(CONFIG);
	memset(&cfg, 0xaa, sizeof(cfg));
	memset(&zero, 0, sizeof(zero));
	igbvf_rec_to_cfg(rec.bytes, &cfg);
	EXPECT_EQ(0, memcmp(&zero, &cfg, sizeof(cfg)));
}

TEST(config_of_wrong_length_is_rejected)
{
	u32 lens[] = { 0, 16, 200, 203, 205, 208 };
	int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		valid_config();
		REJECTED_LEN(IGBVF_REC_CONFIG, lens[i], "length is not 204 bytes but", lens[i]);
	}
}

TEST(config_with_unknown_flags_is_rejected)
{
	u32 flags[] = { 1 << 3, 1u << 31, ~0u };
	int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		valid_config();
		set32(&rec.cfg.flags, flags[i]);
		REJECTED(CONFIG, "unknown flags", flags[i]);
	}
}

TEST(config_largest_frame_out_of_range_is_rejected)
{
	u32 bad[] = { 1, 63, 9729, 0x10000, ~0u };
	u32 good[] = { 0, 64, 1518, 9728 };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		valid_config();
		set32(&rec.cfg.max_frame, bad[i]);
		REJECTED(CONFIG, "largest frame out of range (64 to 9728 bytes):", bad[i]);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		valid_config();
		set32(&rec.cfg.max_frame, good[i]);
		ACCEPTED(CONFIG);
	}
}

TEST(config_with_more_filters_than_the_pf_holds_is_rejected)
{
	int i;

	/* as many as the PF holds pass */
	valid_config();
	rec.cfg.nr_uc = IGBVF_MAX_UC;
	for (i = 0; i < IGBVF_MAX_UC; i++)
		memcpy(rec.cfg.uc[i], uc1, ETH_ALEN);
	rec.cfg.nr_mc = IGBVF_MAX_MC;
	rec.cfg.nr_vlans = IGBVF_MAX_VLANS;
	ACCEPTED(CONFIG);

	rec.cfg.nr_uc = IGBVF_MAX_UC + 1;
	REJECTED(CONFIG, "more unicast filters than the PF holds (8):", IGBVF_MAX_UC + 1);
	rec.cfg.nr_uc = 255;
	REJECTED(CONFIG, "more unicast filters than the PF holds (8):", 255);
	rec.cfg.nr_uc = IGBVF_MAX_UC;
	rec.cfg.nr_mc = IGBVF_MAX_MC + 1;
	REJECTED(CONFIG, "more multicast hashes than the PF holds (30):", IGBVF_MAX_MC + 1);
	rec.cfg.nr_mc = 255;
	REJECTED(CONFIG, "more multicast hashes than the PF holds (30):", 255);
	rec.cfg.nr_mc = IGBVF_MAX_MC;
	rec.cfg.nr_vlans = IGBVF_MAX_VLANS + 1;
	REJECTED(CONFIG, "more VLANs than the PF holds (32):", IGBVF_MAX_VLANS + 1);
	rec.cfg.nr_vlans = 255;
	REJECTED(CONFIG, "more VLANs than the PF holds (32):", 255);
}

TEST(config_with_a_multicast_or_zero_mac_is_rejected)
{
	static const u8 bad[][ETH_ALEN] = {
		{ 0, 0, 0, 0, 0, 0 },
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x53, 0x54, 0x00, 0x12, 0x34, 0x56 },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		valid_config();
		memcpy(rec.cfg.mac, bad[i], ETH_ALEN);
		REJECTED(CONFIG, "invalid MAC", P2PMIG_NO_ARG);
		/* without IGBVF_CFG_MAC the field is not a MAC */
		set32(&rec.cfg.flags, IGBVF_CFG_RESET);
		ACCEPTED(CONFIG);
	}
}

TEST(config_with_promiscuous_bits_outside_the_info_field_is_rejected)
{
	u32 bad[] = { 1, 0xffff, 1 << 24, 1u << 31, ~0u };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		valid_config();
		set32(&rec.cfg.promisc, bad[i]);
		REJECTED(CONFIG, "invalid promiscuous flags", bad[i]);
	}
	valid_config();
	set32(&rec.cfg.promisc, 0xff << 16);
	ACCEPTED(CONFIG);
}

TEST(config_with_any_reserved_byte_set_is_rejected)
{
	size_t offs[] = {
		offsetof(struct igbvf_config_rec, reserved0),
		offsetof(struct igbvf_config_rec, reserved),
	};
	size_t lens[] = { 3, 8 };
	size_t i, off;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (off = offs[i]; off < offs[i] + lens[i]; off++) {
			valid_config();
			rec.bytes[off] = 1;
			REJECTED(CONFIG, "reserved byte set, offset", off);
		}
	}
}

TEST(config_with_an_invalid_unicast_filter_is_rejected)
{
	static const u8 bad[][ETH_ALEN] = {
		{ 0, 0, 0, 0, 0, 0 },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
	};
	int i, e;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		for (e = 0; e < 2; e++) {
			valid_config();
			memcpy(rec.cfg.uc[e], bad[i], ETH_ALEN);
			REJECTED(CONFIG, "invalid unicast filter, entry", e);
		}
		/* entries past nr_uc are not looked at */
		valid_config();
		memcpy(rec.cfg.uc[2], bad[i], ETH_ALEN);
		ACCEPTED(CONFIG);
	}
}

TEST(config_with_a_vlan_id_above_4095_is_rejected)
{
	u16 bad[] = { 4096, 0x8064, 0xffff };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		valid_config();
		set16(&rec.cfg.vlans[1], bad[i]);
		REJECTED(CONFIG, "VLAN ID above 4095:", bad[i]);
		/* entries past nr_vlans are not looked at */
		valid_config();
		set16(&rec.cfg.vlans[2], bad[i]);
		ACCEPTED(CONFIG);
	}
}

TEST(config_checks_come_in_a_fixed_order)
{
	/* everything wrong at once: the first check names it */
	valid_config();
	memset(rec.bytes, 0xff, sizeof(struct igbvf_config_rec));
	REJECTED(CONFIG, "unknown flags", ~0u);
	set32(&rec.cfg.flags, IGBVF_CFG_MAC);
	REJECTED(CONFIG, "largest frame out of range (64 to 9728 bytes):", ~0u);
	set32(&rec.cfg.max_frame, 0);
	REJECTED(CONFIG, "more unicast filters than the PF holds (8):", 255);
	rec.cfg.nr_uc = 1;
	rec.cfg.nr_mc = 0;
	rec.cfg.nr_vlans = 1;
	REJECTED(CONFIG, "invalid MAC", P2PMIG_NO_ARG);
	memcpy(rec.cfg.mac, mac, ETH_ALEN);
	REJECTED(CONFIG, "invalid promiscuous flags", ~0u);
	set32(&rec.cfg.promisc, 0);
	REJECTED(CONFIG, "reserved byte set, offset",
		 offsetof(struct igbvf_config_rec, reserved0));
	memset(rec.cfg.reserved0, 0, sizeof(rec.cfg.reserved0));
	memset(rec.cfg.reserved, 0, sizeof(rec.cfg.reserved));
	REJECTED(CONFIG, "invalid unicast filter, entry", 0);
	memcpy(rec.cfg.uc[0], uc0, ETH_ALEN);
	REJECTED(CONFIG, "VLAN ID above 4095:", 0xffff);
	set16(&rec.cfg.vlans[0], 0);
	ACCEPTED(CONFIG);
}

/* statistics */

TEST(stats_of_any_value_are_accepted)
{
	memset(&rec, 0xff, sizeof(rec));
	ACCEPTED(STATS);
}

TEST(stats_of_wrong_length_are_rejected)
{
	u32 lens[] = { 0, 32, 35, 37, 40 };
	int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		REJECTED_LEN(IGBVF_REC_STATS, lens[i], "length is not 36 bytes but", lens[i]);
}

/* the end of the stream */

TEST(complete_stream_has_every_mandatory_record)
{
	why = NULL;
	EXPECT_EQ(0, igbvf_rec_check_complete(true, true, true, &why));
	EXPECT_EQ(NULL, why);
}

TEST(missing_records_are_named_first_to_last)
{
	static const struct {
		bool caps, cfg, regs;
		const char *why;
	} t[] = {
		{ false, false, false, "lacks the igbvf capabilities record" },
		{ false, true, true, "lacks the igbvf capabilities record" },
		{ true, false, false, "lacks the igbvf configuration record" },
		{ true, false, true, "lacks the igbvf configuration record" },
		{ true, true, false, "lacks the igbvf register record" },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		why = NULL;
		EXPECT_EQ(-EINVAL, igbvf_rec_check_complete(t[i].caps, t[i].cfg,
							    t[i].regs, &why));
		ASSERT_NE(NULL, why);
		EXPECT_STREQ(t[i].why, why);
	}
}

TEST_HARNESS_MAIN
