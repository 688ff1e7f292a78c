// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the igbvf backend's record validation
 * (drivers/vfio/pci/p2pmig/igbvf_rec.c) behind the stream parser
 * (stream.c), both built in userspace with AddressSanitizer and UBSan.
 *
 * An input is a whole stream, as for p2pmig_stream_fuzz (the same seeds):
 * byte 0 chooses the write() sizes, byte 1 bit 0 rejects another device's
 * header (or another igbvf layout version) as the driver does, bit 1
 * recomputes every checksum first, so that mutated records get past the
 * framing to the backend.  Each record the parser hands over goes where
 * igbvf_load_record() sends it, by type: capabilities, registers (a second
 * one is rejected), configuration (decoded when accepted), statistics,
 * unknown; a stream that reached END then meets the missing-records check.
 *
 * Checked on every input, besides what the sanitizers catch: a rejection is
 * EINVAL with a reason, the same on a second look; an accepted record has
 * the layout's length and holds only what the 82576 and its PF could: the
 * source VF's shape, rings the hardware could have with head and tail on
 * them, interrupt masks within the VF's vectors, a decoded configuration
 * within the PF's tables (filter counts, valid unicast MACs, 12-bit VLAN
 * IDs, the frame size range, info-field promiscuous bits) whose replay
 * fits the mailbox; the missing-records check passes exactly when every
 * mandatory record came; and the parser's own rules, as in the other
 * target.  A violation traps.
 */
#include <string.h>

#include "igbvf_rec.h"
#include "fuzz_stream.h"
#include "stream.h"

struct fuzz_ctx {
	bool reject_header;
	bool caps_seen;
	bool cfg_seen;
	bool regs_seen;
	u32 next_seq;
};

static u16 get16(const __le16 *v)
{
	const u8 *p = (const u8 *)v;

	return p[0] | p[1] << 8;
}

static u32 get32(const __le32 *v)
{
	const u8 *p = (const u8 *)v;

	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static bool unicast(const u8 *mac)
{
	return !(mac[0] & 1) &&
	       (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static int on_header(void *arg, const struct p2pmig_stream_hdr *hdr)
{
	struct fuzz_ctx *c = arg;

	/* as file.c's on_header() and igbvf_load_header() */
	if (c->reject_header &&
	    (hdr->vendor != 0x8086 || hdr->device != 0x10ca ||
	     hdr->backend_version != IGBVF_BACKEND_VERSION))
		return -EINVAL;
	return 0;
}

/* A ring an accepted register record holds. */
static void check_ring(u32 len, u32 head, u32 tail)
{
	if (len % IGBVF_RING_ALIGN || len > IGBVF_RING_MAX_LEN)
		fuzz_fail("accepted ring length the hardware cannot hold");
	if (!len && (head || tail))
		fuzz_fail("accepted head or tail without a ring");
	if (len && (head >= len / IGBVF_DESC_LEN || tail >= len / IGBVF_DESC_LEN))
		fuzz_fail("accepted head or tail beyond the ring");
}

static void check_regs(const struct igbvf_regs_rec *r)
{
	int q;

	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		check_ring(get32(&r->q[q].rdlen), get32(&r->q[q].rdh), get32(&r->q[q].rdt));
		check_ring(get32(&r->q[q].tdlen), get32(&r->q[q].tdh), get32(&r->q[q].tdt));
	}
	if ((get32(&r->eims) | get32(&r->eiac) | get32(&r->eiam)) & ~IGBVF_VECTORS_MASK)
		fuzz_fail("accepted interrupt masks beyond the VF's vectors");
}

/*
 * A configuration an accepted record decoded to, and the mailbox messages
 * its replay (igbvf_mbx.c's replay_cfg()) builds from it: each must fit
 * the mailbox (ASan watches @msg).
 */
static void check_cfg(const struct igbvf_config_rec *rec, const struct igbvf_cfg *cfg)
{
	u32 msg[IGBVF_MBX_WORDS], flags = get32(&rec->flags);
	int i;

	if (flags & ~IGBVF_CFG_FLAGS)
		fuzz_fail("accepted unknown configuration flags");
	if (cfg->reset != !!(flags & IGBVF_CFG_RESET) ||
	    cfg->mac_set != !!(flags & IGBVF_CFG_MAC) ||
	    cfg->mc_overflow != !!(flags & IGBVF_CFG_MC_OVERFLOW))
		fuzz_fail("flags decoded wrong");
	if (cfg->nr_uc > IGBVF_MAX_UC || cfg->nr_mc > IGBVF_MAX_MC ||
	    cfg->nr_vlans > IGBVF_MAX_VLANS)
		fuzz_fail("accepted more filters than the PF holds");
	if (cfg->nr_uc != rec->nr_uc || cfg->nr_mc != rec->nr_mc ||
	    cfg->nr_vlans != rec->nr_vlans)
		fuzz_fail("counts decoded wrong");
	if (cfg->mac_set && !unicast(cfg->mac))
		fuzz_fail("accepted an invalid MAC");
	if (memcmp(cfg->mac, rec->mac, ETH_ALEN))
		fuzz_fail("MAC decoded wrong");
	for (i = 0; i < cfg->nr_uc; i++)
		if (!unicast(cfg->uc[i]) || memcmp(cfg->uc[i], rec->uc[i], ETH_ALEN))
			fuzz_fail("accepted an invalid unicast filter, or decoded it wrong");
	for (i = 0; i < cfg->nr_vlans; i++)
		if (cfg->vlans[i] > IGBVF_MAX_VLAN_ID || cfg->vlans[i] != get16(&rec->vlans[i]))
			fuzz_fail("accepted a VLAN ID above 4095, or decoded it wrong");
	for (i = 0; i < cfg->nr_mc; i++)
		if (cfg->mc[i] != get16(&rec->mc[i]))
			fuzz_fail("multicast hash decoded wrong");
	if (cfg->max_frame && (cfg->max_frame < IGBVF_MIN_FRAME ||
			       cfg->max_frame > IGBVF_MAX_FRAME))
		fuzz_fail("accepted a frame size the PF does not take");
	if (cfg->max_frame != get32(&rec->max_frame))
		fuzz_fail("frame size decoded wrong");
	if (cfg->promisc & ~IGBVF_MSG_INFO || cfg->promisc != get32(&rec->promisc))
		fuzz_fail("accepted promiscuous bits beyond the info field, or decoded them wrong");
	if (rec->reserved0[0] | rec->reserved0[1] | rec->reserved0[2] ||
	    get32(&rec->reserved[0]) | get32(&rec->reserved[1]))
		fuzz_fail("accepted reserved bytes set");

	/* the replay's SET_MULTICAST, as replay_cfg() builds it */
	if (cfg->nr_mc) {
		memset(msg, 0, sizeof(msg));
		msg[0] = IGBVF_MSG_SET_MULTICAST |
			 (cfg->nr_mc + cfg->mc_overflow) << 16;
		for (i = 0; i < cfg->nr_mc; i++)
			msg[1 + i / 2] |= (u32)cfg->mc[i] << (16 * (i % 2));
		if (1 + (cfg->nr_mc + 1) / 2 > IGBVF_MBX_WORDS)
			fuzz_fail("SET_MULTICAST longer than the mailbox");
	}
}

/* A validator's verdict: 0, or EINVAL with a reason. */
static void check_verdict(int ret, const char *why)
{
	if (ret && ret != -EINVAL)
		fuzz_fail("a record rejected with another errno than EINVAL");
	if (ret && (!why || !*why))
		fuzz_fail("a record rejected without a reason");
}

static int on_record(void *arg, const struct p2pmig_record *rec, const u8 *payload)
{
	struct fuzz_ctx *c = arg;
	const char *why = NULL, *why2 = NULL;
	u64 why_arg = 0, why_arg2 = 0;
	struct igbvf_cfg cfg;
	int ret, ret2;

	if (rec->seq < c->next_seq)
		fuzz_fail("record out of sequence");
	c->next_seq = rec->seq + 1;

	/* as igbvf_load_record() */
	switch (rec->type & P2PMIG_REC_TYPE_MASK) {
	case IGBVF_REC_CAPS:
		ret = igbvf_rec_check_caps(payload, rec->len, &why, &why_arg);
		ret2 = igbvf_rec_check_caps(payload, rec->len, &why2, &why_arg2);
		check_verdict(ret, why);
		if (!ret) {
			const struct igbvf_caps_rec *caps = (const void *)payload;

			if (rec->len != sizeof(*caps) ||
			    get32(&caps->queues) != IGBVF_NR_QUEUES ||
			    get32(&caps->vectors) != IGBVF_NR_VECTORS ||
			    get32(&caps->reserved[0]) | get32(&caps->reserved[1]))
				fuzz_fail("accepted capabilities of another VF");
			c->caps_seen = true;
		}
		break;
	case IGBVF_REC_REGS:
		ret = igbvf_rec_check_regs(payload, rec->len, &why, &why_arg);
		ret2 = igbvf_rec_check_regs(payload, rec->len, &why2, &why_arg2);
		check_verdict(ret, why);
		if (!ret) {
			if (rec->len != sizeof(struct igbvf_regs_rec))
				fuzz_fail("accepted a register record of another length");
			check_regs((const void *)payload);
			/* a second one is the driver's to reject */
			if (c->regs_seen)
				return -EINVAL;
			c->regs_seen = true;
		}
		break;
	case IGBVF_REC_CONFIG:
		ret = igbvf_rec_check_config(payload, rec->len, &why, &why_arg);
		ret2 = igbvf_rec_check_config(payload, rec->len, &why2, &why_arg2);
		check_verdict(ret, why);
		if (!ret) {
			if (rec->len != sizeof(struct igbvf_config_rec))
				fuzz_fail("accepted a configuration record of another length");
			memset(&cfg, 0xa5, sizeof(cfg));
			igbvf_rec_to_cfg(payload, &cfg);
			check_cfg((const void *)payload, &cfg);
			/* the replay is the PF's to refuse: assume it took it */
			c->cfg_seen = true;
		}
		break;
	case IGBVF_REC_STATS & P2PMIG_REC_TYPE_MASK:
		ret = igbvf_rec_check_stats(payload, rec->len, &why, &why_arg);
		ret2 = igbvf_rec_check_stats(payload, rec->len, &why2, &why_arg2);
		check_verdict(ret, why);
		if (!ret && rec->len != sizeof(struct igbvf_stats_rec))
			fuzz_fail("accepted a statistics record of another length");
		break;
	default:
		return P2PMIG_REC_UNKNOWN;
	}
	if (ret != ret2 || why != why2 || why_arg != why_arg2)
		fuzz_fail("a second look at a record gave another verdict");
	return ret;
}

static const struct p2pmig_parser_ops ops = {
	.on_header = on_header,
	.on_record = on_record,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* aligned as the driver's (kvzalloc'ed) record buffer */
	static union {
		u8 buf[P2PMIG_REC_MAX_LEN];
		u64 align;
	} payload;
	struct fuzz_ctx c = { 0 };
	const char *why = NULL;
	int err;

	if (fuzz_parse(data, size, &ops, &c, &c.reject_header, payload.buf,
		       sizeof(payload.buf)) != 1)
		return 0;

	/* as p2pmig_resume_finish(): END came, are the mandatory records in? */
	err = igbvf_rec_check_complete(c.caps_seen, c.cfg_seen, c.regs_seen, &why);
	if (err != (c.caps_seen && c.cfg_seen && c.regs_seen ? 0 : -EINVAL))
		fuzz_fail("the missing-records check disagrees with the records seen");
	if (err && (!why || !*why))
		fuzz_fail("a missing record without a reason");
	return 0;
}
