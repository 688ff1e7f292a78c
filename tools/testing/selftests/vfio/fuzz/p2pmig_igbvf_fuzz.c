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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igbvf_rec.h"
#include "stream.h"

struct fuzz_ctx {
	bool reject_header;
	bool caps_seen;
	bool cfg_seen;
	bool regs_seen;
	u32 next_seq;
};

static void fail(const char *what)
{
	fprintf(stderr, "p2pmig_igbvf_fuzz: %s\n", what);
	__builtin_trap();
}

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
		fail("accepted ring length the hardware cannot hold");
	if (!len && (head || tail))
		fail("accepted head or tail without a ring");
	if (len && (head >= len / IGBVF_DESC_LEN || tail >= len / IGBVF_DESC_LEN))
		fail("accepted head or tail beyond the ring");
}

static void check_regs(const struct igbvf_regs_rec *r)
{
	int q;

	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		check_ring(get32(&r->q[q].rdlen), get32(&r->q[q].rdh), get32(&r->q[q].rdt));
		check_ring(get32(&r->q[q].tdlen), get32(&r->q[q].tdh), get32(&r->q[q].tdt));
	}
	if ((get32(&r->eims) | get32(&r->eiac) | get32(&r->eiam)) & ~IGBVF_VECTORS_MASK)
		fail("accepted interrupt masks beyond the VF's vectors");
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
		fail("accepted unknown configuration flags");
	if (cfg->reset != !!(flags & IGBVF_CFG_RESET) ||
	    cfg->mac_set != !!(flags & IGBVF_CFG_MAC) ||
	    cfg->mc_overflow != !!(flags & IGBVF_CFG_MC_OVERFLOW))
		fail("flags decoded wrong");
	if (cfg->nr_uc > IGBVF_MAX_UC || cfg->nr_mc > IGBVF_MAX_MC ||
	    cfg->nr_vlans > IGBVF_MAX_VLANS)
		fail("accepted more filters than the PF holds");
	if (cfg->nr_uc != rec->nr_uc || cfg->nr_mc != rec->nr_mc ||
	    cfg->nr_vlans != rec->nr_vlans)
		fail("counts decoded wrong");
	if (cfg->mac_set && !unicast(cfg->mac))
		fail("accepted an invalid MAC");
	if (memcmp(cfg->mac, rec->mac, ETH_ALEN))
		fail("MAC decoded wrong");
	for (i = 0; i < cfg->nr_uc; i++)
		if (!unicast(cfg->uc[i]) || memcmp(cfg->uc[i], rec->uc[i], ETH_ALEN))
			fail("accepted an invalid unicast filter, or decoded it wrong");
	for (i = 0; i < cfg->nr_vlans; i++)
		if (cfg->vlans[i] > IGBVF_MAX_VLAN_ID || cfg->vlans[i] != get16(&rec->vlans[i]))
			fail("accepted a VLAN ID above 4095, or decoded it wrong");
	for (i = 0; i < cfg->nr_mc; i++)
		if (cfg->mc[i] != get16(&rec->mc[i]))
			fail("multicast hash decoded wrong");
	if (cfg->max_frame && (cfg->max_frame < IGBVF_MIN_FRAME ||
			       cfg->max_frame > IGBVF_MAX_FRAME))
		fail("accepted a frame size the PF does not take");
	if (cfg->max_frame != get32(&rec->max_frame))
		fail("frame size decoded wrong");
	if (cfg->promisc & ~IGBVF_MSG_INFO || cfg->promisc != get32(&rec->promisc))
		fail("accepted promiscuous bits outside the info field, or decoded them wrong");
	if (rec->reserved0[0] | rec->reserved0[1] | rec->reserved0[2] ||
	    get32(&rec->reserved[0]) | get32(&rec->reserved[1]))
		fail("accepted reserved bytes set");

	/* the replay's SET_MULTICAST, as replay_cfg() builds it */
	if (cfg->nr_mc) {
		memset(msg, 0, sizeof(msg));
		msg[0] = IGBVF_MSG_SET_MULTICAST |
			 (cfg->nr_mc + cfg->mc_overflow) << 16;
		for (i = 0; i < cfg->nr_mc; i++)
			msg[1 + i / 2] |= (u32)cfg->mc[i] << (16 * (i % 2));
		if (1 + (cfg->nr_mc + 1) / 2 > IGBVF_MBX_WORDS)
			fail("SET_MULTICAST longer than the mailbox");
	}
}

/* A validator's verdict: 0, or EINVAL with a reason. */
static void check_verdict(int ret, const char *why)
{
	if (ret && ret != -EINVAL)
		fail("a record rejected with another errno than EINVAL");
	if (ret && (!why || !*why))
		fail("a record rejected without a reason");
}

static int on_record(void *arg, const struct p2pmig_record *rec, const u8 *payload)
{
	struct fuzz_ctx *c = arg;
	const char *why = NULL, *why2 = NULL;
	u64 why_arg = 0, why_arg2 = 0;
	struct igbvf_cfg cfg;
	int ret, ret2;

	if (rec->seq < c->next_seq)
		fail("record out of sequence");
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
				fail("accepted capabilities of another VF");
			c->caps_seen = true;
		}
		break;
	case IGBVF_REC_REGS:
		ret = igbvf_rec_check_regs(payload, rec->len, &why, &why_arg);
		ret2 = igbvf_rec_check_regs(payload, rec->len, &why2, &why_arg2);
		check_verdict(ret, why);
		if (!ret) {
			if (rec->len != sizeof(struct igbvf_regs_rec))
				fail("accepted a register record of another length");
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
				fail("accepted a configuration record of another length");
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
			fail("accepted a statistics record of another length");
		break;
	default:
		return P2PMIG_REC_UNKNOWN;
	}
	if (ret != ret2 || why != why2 || why_arg != why_arg2)
		fail("a second look at a record gave another verdict");
	return ret;
}

static const struct p2pmig_parser_ops ops = {
	.on_header = on_header,
	.on_record = on_record,
};

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Give the stream in @s the checksums its framing calls for. */
static void fix_checksums(u8 *s, size_t size)
{
	size_t off = P2PMIG_STREAM_HDR_LEN;
	u32 len, crc;

	if (size < P2PMIG_STREAM_HDR_LEN)
		return;
	put_le32(s + 28, p2pmig_crc32(0, s, 28));
	while (off + P2PMIG_REC_HDR_LEN <= size) {
		len = get_le32(s + off + 4);
		if (len > size - off - P2PMIG_REC_HDR_LEN)
			return;
		crc = p2pmig_crc32(0, s + off, 12);
		crc = p2pmig_crc32(crc, s + off + P2PMIG_REC_HDR_LEN, len);
		put_le32(s + off + 12, crc);
		off += P2PMIG_REC_HDR_LEN + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* aligned as the driver's (kvzalloc'ed) record buffer */
	static union {
		u8 buf[P2PMIG_REC_MAX_LEN];
		u64 align;
	} payload;
	static u8 copy[1 << 20];
	struct fuzz_ctx c = { 0 };
	struct p2pmig_parser p;
	size_t pos = 0, piece, unit;
	const char *why = NULL;
	int ret = 0, err;
	bool done;

	if (size < 2 || size - 2 > sizeof(copy))
		return 0;
	/* byte 0: the write() size pattern; byte 1: header policy, checksums */
	unit = 1 + data[0] % 97;
	c.reject_header = data[1] & 1;
	if (data[1] & 2) {
		memcpy(copy, data + 2, size - 2);
		fix_checksums(copy, size - 2);
		data = copy;
	} else {
		data += 2;
	}
	size -= 2;

	p2pmig_parser_init(&p, payload.buf, sizeof(payload.buf));
	while (pos < size) {
		piece = unit & 1 ? size - pos : unit + pos % 13;
		if (piece > size - pos)
			piece = size - pos;
		err = p2pmig_parse(&p, &ops, &c, data + pos, piece);
		if (ret && err != ret)
			fail("a failed parser changed its error");
		if (err && (err > 0 || p.state != P2PMIG_PARSE_FAILED))
			fail("an error without the failed state");
		ret = err;
		pos += piece;
		if (p.offset > pos)
			fail("the parser consumed more than it was given");
	}
	done = p.state == P2PMIG_PARSE_DONE;
	if (!p2pmig_parser_finish(&p) != done)
		fail("finish() disagrees with the parser's state");
	if (!done)
		return 0;

	/* as p2pmig_resume_finish(): END came, are the mandatory records in? */
	err = igbvf_rec_check_complete(c.caps_seen, c.cfg_seen, c.regs_seen, &why);
	if (err != (c.caps_seen && c.cfg_seen && c.regs_seen ? 0 : -EINVAL))
		fail("the missing-records check disagrees with the records seen");
	if (err && (!why || !*why))
		fail("a missing record without a reason");
	return 0;
}
