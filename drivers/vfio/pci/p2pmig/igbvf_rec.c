// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig igbvf backend: what the records of a resume stream may hold.
 *
 * A destination acts on what a stream says: it writes the register record
 * into the VF and replays the configuration record through the PF's
 * mailbox.  Each record is checked here first, against its layout and
 * against what the 82576 and Linux's igb PF can hold: the source VF's
 * shape, ring lengths, heads and tails the hardware could have, interrupt
 * masks within the VF's vectors, configuration flags, counts, MACs, VLAN
 * IDs and frame sizes the PF takes, reserved bytes zero.  What the
 * records are and how the driver uses them: igbvf_rec.h, igbvf.c and
 * igbvf_mbx.c.
 *
 * Pure code, as stream.c: fixed-width types and errno values only; fields
 * are read byte by byte, so nothing here needs the kernel's byte order
 * helpers.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "igbvf_rec.h"

/* the layouts are ABI: they change only with IGBVF_BACKEND_VERSION */
static_assert(sizeof(struct igbvf_caps_rec) == 16, "capabilities record layout");
static_assert(sizeof(struct igbvf_config_rec) == 204, "configuration record layout");
static_assert(sizeof(struct igbvf_regs_rec) == 228, "register record layout");
static_assert(sizeof(struct igbvf_stats_rec) == 36, "statistics record layout");
/* the reasons below name these figures */
static_assert(IGBVF_NR_QUEUES == 2 && IGBVF_NR_VECTORS == 3, "VF shape");
static_assert(IGBVF_RING_ALIGN == 128 && IGBVF_RING_MAX_LEN == 0xfff80, "ring limits");
static_assert(IGBVF_MIN_FRAME == 64 && IGBVF_MAX_FRAME == 9728, "frame sizes");
static_assert(IGBVF_MAX_UC == 8 && IGBVF_MAX_MC == 30 && IGBVF_MAX_VLANS == 32,
	      "PF table sizes");
static_assert(IGBVF_MAX_VLAN_ID == 4095, "VLAN IDs");

static u16 get_le16(const __le16 *v)
{
	const u8 *p = (const u8 *)v;

	return p[0] | p[1] << 8;
}

static u32 get_le32(const __le32 *v)
{
	const u8 *p = (const u8 *)v;

	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* as is_zero_ether_addr() and is_valid_ether_addr() of the kernel */
static bool ether_zero(const u8 *mac)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++)
		if (mac[i])
			return false;
	return true;
}

static bool ether_unicast(const u8 *mac)
{
	return !(mac[0] & 1) && !ether_zero(mac);
}

/* The index of the first byte of @p[0..@len) that is not 0, or -1. */
static int first_set(const u8 *p, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (p[i])
			return i;
	return -1;
}

static int reject(const char **why, u64 *why_arg, const char *what, u64 arg)
{
	*why = what;
	*why_arg = arg;
	return -EINVAL;
}

/**
 * igbvf_rec_check_caps() - check a capabilities record
 * @payload: the record
 * @len: its length in bytes
 * @why: set to what is wrong, a string constant, if it is rejected
 * @why_arg: set to a number that goes with @why, or P2PMIG_NO_ARG
 *
 * The source VF must have the shape of this one: as many queue pairs and
 * MSI-X vectors.
 *
 * Return: 0, or -EINVAL (@why, @why_arg say why).
 */
int igbvf_rec_check_caps(const void *payload, u32 len, const char **why,
			 u64 *why_arg)
{
	const struct igbvf_caps_rec *caps = payload;

	if (len != sizeof(*caps))
		return reject(why, why_arg, "length is not 16 bytes but", len);
	if (get_le32(&caps->queues) != IGBVF_NR_QUEUES)
		return reject(why, why_arg, "the source VF has not 2 queue pairs but",
			      get_le32(&caps->queues));
	if (get_le32(&caps->vectors) != IGBVF_NR_VECTORS)
		return reject(why, why_arg, "the source VF has not 3 MSI-X vectors but",
			      get_le32(&caps->vectors));
	if (get_le32(&caps->reserved[0]) || get_le32(&caps->reserved[1]))
		return reject(why, why_arg, "reserved bytes set", P2PMIG_NO_ARG);
	return 0;
}

enum ring_fault {
	RING_MISALIGNED,
	RING_TOO_LONG,
	RING_EMPTY_HEAD,
	RING_EMPTY_TAIL,
	RING_HEAD_BEYOND,
	RING_TAIL_BEYOND,
	RING_FAULTS
};

static const char * const ring_why[2][RING_FAULTS] = {
	{
		[RING_MISALIGNED] = "RX ring length is not a multiple of 128 bytes, queue pair",
		[RING_TOO_LONG] = "RX ring is longer than 0xfff80 bytes, queue pair",
		[RING_EMPTY_HEAD] = "RX head is not 0 without a ring, queue pair",
		[RING_EMPTY_TAIL] = "RX tail is not 0 without a ring, queue pair",
		[RING_HEAD_BEYOND] = "RX head is beyond the ring, queue pair",
		[RING_TAIL_BEYOND] = "RX tail is beyond the ring, queue pair",
	}, {
		[RING_MISALIGNED] = "TX ring length is not a multiple of 128 bytes, queue pair",
		[RING_TOO_LONG] = "TX ring is longer than 0xfff80 bytes, queue pair",
		[RING_EMPTY_HEAD] = "TX head is not 0 without a ring, queue pair",
		[RING_EMPTY_TAIL] = "TX tail is not 0 without a ring, queue pair",
		[RING_HEAD_BEYOND] = "TX head is beyond the ring, queue pair",
		[RING_TAIL_BEYOND] = "TX tail is beyond the ring, queue pair",
	},
};

/*
 * Is a ring length/head/tail triple one the hardware could hold?  Return:
 * RING_FAULTS if so, or what is wrong with it.
 */
static enum ring_fault ring_check(u32 len, u32 head, u32 tail)
{
	u32 descs = len / IGBVF_DESC_LEN;

	if (len % IGBVF_RING_ALIGN)
		return RING_MISALIGNED;
	if (len > IGBVF_RING_MAX_LEN)
		return RING_TOO_LONG;
	if (!len)
		return head ? RING_EMPTY_HEAD : tail ? RING_EMPTY_TAIL : RING_FAULTS;
	if (head >= descs)
		return RING_HEAD_BEYOND;
	if (tail >= descs)
		return RING_TAIL_BEYOND;
	return RING_FAULTS;
}

/**
 * igbvf_rec_check_regs() - check a register record
 * @payload: the record
 * @len: its length in bytes
 * @why: set to what is wrong, a string constant, if it is rejected
 * @why_arg: set to a number that goes with @why, or P2PMIG_NO_ARG
 *
 * Each ring's length, head and tail must be ones the hardware could hold,
 * and the interrupt masks (EIMS, EIAC, EIAM) may name the VF's vectors
 * only.  The other registers are written as they come: the VF holds
 * whatever it is given there.
 *
 * Return: 0, or -EINVAL (@why, @why_arg say why).
 */
int igbvf_rec_check_regs(const void *payload, u32 len, const char **why,
			 u64 *why_arg)
{
	const struct igbvf_regs_rec *r = payload;
	enum ring_fault fault;
	int q;

	if (len != sizeof(*r))
		return reject(why, why_arg, "length is not 228 bytes but", len);
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		const struct igbvf_queue_regs *qr = &r->q[q];

		fault = ring_check(get_le32(&qr->rdlen), get_le32(&qr->rdh),
				   get_le32(&qr->rdt));
		if (fault != RING_FAULTS)
			return reject(why, why_arg, ring_why[0][fault], q);
		fault = ring_check(get_le32(&qr->tdlen), get_le32(&qr->tdh),
				   get_le32(&qr->tdt));
		if (fault != RING_FAULTS)
			return reject(why, why_arg, ring_why[1][fault], q);
	}
	if (get_le32(&r->eims) & ~IGBVF_VECTORS_MASK)
		return reject(why, why_arg, "EIMS names vectors beyond the VF's 3, mask",
			      get_le32(&r->eims));
	if (get_le32(&r->eiac) & ~IGBVF_VECTORS_MASK)
		return reject(why, why_arg, "EIAC names vectors beyond the VF's 3, mask",
			      get_le32(&r->eiac));
	if (get_le32(&r->eiam) & ~IGBVF_VECTORS_MASK)
		return reject(why, why_arg, "EIAM names vectors beyond the VF's 3, mask",
			      get_le32(&r->eiam));
	return 0;
}

/**
 * igbvf_rec_check_config() - check a configuration record
 * @payload: the record
 * @len: its length in bytes
 * @why: set to what is wrong, a string constant, if it is rejected
 * @why_arg: set to a number that goes with @why, or P2PMIG_NO_ARG
 *
 * Only what the PF could have taken from the guest passes: known flags, a
 * largest frame the PF takes (or none), no more filters than it holds, a
 * valid unicast MAC if one is set and valid unicast filters, promiscuous
 * flags within the message's info bits, VLAN IDs of 12 bits, and zero
 * reserved bytes.
 *
 * Return: 0, or -EINVAL (@why, @why_arg say why).
 */
int igbvf_rec_check_config(const void *payload, u32 len, const char **why,
			   u64 *why_arg)
{
	const struct igbvf_config_rec *rec = payload;
	u32 flags, max_frame, promisc;
	int i;

	if (len != sizeof(*rec))
		return reject(why, why_arg, "length is not 204 bytes but", len);
	flags = get_le32(&rec->flags);
	max_frame = get_le32(&rec->max_frame);
	promisc = get_le32(&rec->promisc);

	if (flags & ~IGBVF_CFG_FLAGS)
		return reject(why, why_arg, "unknown flags", flags);
	if (max_frame && (max_frame < IGBVF_MIN_FRAME || max_frame > IGBVF_MAX_FRAME))
		return reject(why, why_arg, "largest frame out of range (64 to 9728 bytes):",
			      max_frame);
	if (rec->nr_uc > IGBVF_MAX_UC)
		return reject(why, why_arg, "more unicast filters than the PF holds (8):",
			      rec->nr_uc);
	if (rec->nr_mc > IGBVF_MAX_MC)
		return reject(why, why_arg, "more multicast hashes than the PF holds (30):",
			      rec->nr_mc);
	if (rec->nr_vlans > IGBVF_MAX_VLANS)
		return reject(why, why_arg, "more VLANs than the PF holds (32):",
			      rec->nr_vlans);
	if ((flags & IGBVF_CFG_MAC) && !ether_unicast(rec->mac))
		return reject(why, why_arg, "invalid MAC", P2PMIG_NO_ARG);
	if (promisc & ~IGBVF_MSG_INFO)
		return reject(why, why_arg, "invalid promiscuous flags", promisc);
	i = first_set(rec->reserved0, sizeof(rec->reserved0));
	if (i >= 0)
		return reject(why, why_arg, "reserved byte set, offset",
			      offsetof(struct igbvf_config_rec, reserved0) + i);
	i = first_set((const u8 *)rec->reserved, sizeof(rec->reserved));
	if (i >= 0)
		return reject(why, why_arg, "reserved byte set, offset",
			      offsetof(struct igbvf_config_rec, reserved) + i);
	for (i = 0; i < rec->nr_uc; i++)
		if (!ether_unicast(rec->uc[i]))
			return reject(why, why_arg, "invalid unicast filter, entry", i);
	for (i = 0; i < rec->nr_vlans; i++)
		if (get_le16(&rec->vlans[i]) > IGBVF_MAX_VLAN_ID)
			return reject(why, why_arg, "VLAN ID above 4095:",
				      get_le16(&rec->vlans[i]));
	return 0;
}

/**
 * igbvf_rec_to_cfg() - the configuration a configuration record holds
 * @payload: a record igbvf_rec_check_config() accepted
 * @cfg: filled in
 */
void igbvf_rec_to_cfg(const void *payload, struct igbvf_cfg *cfg)
{
	const struct igbvf_config_rec *rec = payload;
	u32 flags = get_le32(&rec->flags);
	int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->reset = flags & IGBVF_CFG_RESET;
	cfg->mac_set = flags & IGBVF_CFG_MAC;
	memcpy(cfg->mac, rec->mac, ETH_ALEN);
	cfg->nr_uc = rec->nr_uc;
	memcpy(cfg->uc, rec->uc, sizeof(cfg->uc));
	cfg->nr_mc = rec->nr_mc;
	cfg->mc_overflow = flags & IGBVF_CFG_MC_OVERFLOW;
	for (i = 0; i < IGBVF_MAX_MC; i++)
		cfg->mc[i] = get_le16(&rec->mc[i]);
	cfg->nr_vlans = rec->nr_vlans;
	for (i = 0; i < IGBVF_MAX_VLANS; i++)
		cfg->vlans[i] = get_le16(&rec->vlans[i]);
	cfg->max_frame = get_le32(&rec->max_frame);
	cfg->promisc = get_le32(&rec->promisc);
}

/**
 * igbvf_rec_check_stats() - check a statistics record
 * @payload: the record
 * @len: its length in bytes
 * @why: set to what is wrong, a string constant, if it is rejected
 * @why_arg: set to a number that goes with @why, or P2PMIG_NO_ARG
 *
 * Any value is one a counter may hold: only the length is checked.
 *
 * Return: 0, or -EINVAL (@why, @why_arg say why).
 */
int igbvf_rec_check_stats(const void *payload, u32 len, const char **why,
			  u64 *why_arg)
{
	if (len != sizeof(struct igbvf_stats_rec))
		return reject(why, why_arg, "length is not 36 bytes but", len);
	return 0;
}

/**
 * igbvf_rec_check_complete() - the stream ended: did every record come?
 * @caps: the capabilities record was accepted
 * @cfg: a configuration record was accepted
 * @regs: the register record was accepted
 * @why: set to what is missing ("lacks the igbvf ... record"), a string
 *	constant, if a record did not come
 *
 * Return: 0, or -EINVAL (@why says which record is missing).
 */
int igbvf_rec_check_complete(bool caps, bool cfg, bool regs, const char **why)
{
	if (!caps)
		*why = "lacks the igbvf capabilities record";
	else if (!cfg)
		*why = "lacks the igbvf configuration record";
	else if (!regs)
		*why = "lacks the igbvf register record";
	else
		return 0;
	return -EINVAL;
}
