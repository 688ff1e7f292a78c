// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig igbvf backend: the VF's PF-side configuration.
 *
 * The mailbox layer, below the register backend (igbvf.c): igbvf.c calls
 * it through igbvf_mbx.h, it calls nothing of igbvf.c's and keeps its
 * state in its own struct igbvf_mbx.
 *
 * Much of what a guest's igbvf driver sets up lives in the PF, not the VF:
 * the receive enable, the MAC filter, extra unicast filters, multicast
 * hashes, VLAN filters, the largest frame.  The guest asks the PF for them
 * through the VF<->PF mailbox.  A destination VF, just reset, has none of
 * it; the PF knows the sender only by VF index, so p2pmig asks the
 * destination PF again through the destination VF's own mailbox.
 *
 * Source side: BAR0's first page (control, mailbox, statistics) is trapped
 * (never mmapped to userspace).  Every access is forwarded to the device,
 * and on the way p2pmig
 *  - keeps a copy of each request the guest posts (V2PMAILBOX.REQ) and,
 *    when the guest reads the PF's ACK from the mailbox memory, applies it
 *    to a shadow of the configuration (VF_RESET clears it, as does a
 *    VTCTRL.RST write);
 *  - keeps the read-to-clear mailbox bits it reads but the guest has not,
 *    and carries them to the destination;
 *  - adds per-register offsets to the statistics, which no reset clears,
 *    so the guest's counters continue on the destination;
 *  - on QEMU's model only, works around two of its departures from the
 *    silicon (igbvf_quirks.h): it drops PBACL writes and reports "reset
 *    done" (RSTD) after the guest resets its VF.
 *
 * Destination side: the configuration record arrives with the initial
 * bytes, while the guest still runs on the source.  It is replayed at once
 * (or, with replay_early=0, when RESUMING ends): VF_RESET, the MAC (unless
 * the PF already assigned that one), unicast filters, multicast hashes,
 * VLANs, the largest frame, promiscuous flags - each checked for the PF's
 * ACK.  A NACK or no answer fails the write() (or the arc) with a message
 * naming the request.  The mailbox protocol is the VF side's: take the
 * buffer (VFU), write, request, wait for the PF's ACK and message, read,
 * acknowledge.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/signal.h>

#include "backend.h"
#include "igbvf_mbx.h"
#include "igbvf_quirks.h"
#include "p2pmig.h"

static bool replay_early = true;
module_param(replay_early, bool, 0644);
MODULE_PARM_DESC(replay_early, "Replay a migrated VF's PF-side configuration as soon as it arrives (during pre-copy), not when RESUMING ends (default: on)");

/*
 * Every wait below ends at an absolute deadline (a sleep that oversleeps
 * never stretches it) and on a fatal signal.
 *
 * The PF answers from its interrupt handler: milliseconds, seconds at most.
 * One request, from taking the mailbox to the PF's answer, gets this long.
 */
#define IGBVF_MBX_TIMEOUT_US	2000000
#define IGBVF_MBX_POLL_US	100
/* PF messages that are not the answer, skipped while waiting for it */
#define IGBVF_MBX_MAX_SKIP	16
/* how long stopping a VF waits for the PF to answer the guest's request */
#define IGBVF_SETTLE_US		100000
/* releasing a VF at close must not hang on a PF that does not answer */
#define IGBVF_MBX_RELEASE_TIMEOUT_US 200000
/* a PF in reset (interface down) never clears RSTI */
#define IGBVF_PF_READY_TIMEOUT_US 2000000
/* taking the mailbox to restore its memory on a resumed VF */
#define IGBVF_MBX_RESTORE_TIMEOUT_US 20000

static u32 rd(struct igbvf_mbx *mbx, u32 reg)
{
	return p2pmig_rd32(mbx->p2p, reg);
}

static void wr(struct igbvf_mbx *mbx, u32 reg, u32 val)
{
	p2pmig_wr32(mbx->p2p, reg, val);
}

/**
 * igbvf_mbx_init() - set up a VF's mailbox layer, once, at probe
 * @mbx: its state, zeroed
 * @p2p: the device
 */
void igbvf_mbx_init(struct igbvf_mbx *mbx, struct p2pmig_device *p2p)
{
	mbx->p2p = p2p;
	spin_lock_init(&mbx->lock);
}

/**
 * igbvf_reject_rec() - log why a record of the resume stream was rejected
 * @p2p: device
 * @rec: which record ("capabilities", "configuration", ...)
 * @why: what is wrong with it (from igbvf_rec.c)
 * @why_arg: a number that goes with @why, or P2PMIG_NO_ARG
 *
 * Return: -EINVAL.
 */
int igbvf_reject_rec(struct p2pmig_device *p2p, const char *rec,
		     const char *why, u64 why_arg)
{
	if (why_arg == P2PMIG_NO_ARG)
		p2pmig_err(p2p, "igbvf %s record rejected: %s\n", rec, why);
	else
		p2pmig_err(p2p, "igbvf %s record rejected: %s %llu\n", rec, why, why_arg);
	return -EINVAL;
}

/* an absolute deadline @us microseconds from now */
static ktime_t deadline_us(unsigned int us)
{
	return ktime_add_us(ktime_get(), us);
}

/*
 * Sleep one poll interval before looking again, unless the deadline has
 * passed (-ETIMEDOUT) or a fatal signal is pending (-EINTR).
 */
static int mbx_pause(ktime_t end, unsigned int poll_us)
{
	if (ktime_after(ktime_get(), end))
		return -ETIMEDOUT;
	if (fatal_signal_pending(current))
		return -EINTR;
	usleep_range(poll_us, 2 * poll_us);
	return 0;
}

static const u16 igbvf_stat_regs[IGBVF_NR_STATS] = {
	0x0f10, 0x0f14, 0x0f18, 0x0f34, 0x0f3c, 0x0f40, 0x0f44, 0x0f48, 0x0f50,
};

static int stat_index(u32 off)
{
	int i;

	for (i = 0; i < IGBVF_NR_STATS; i++)
		if (igbvf_stat_regs[i] == off)
			return i;
	return -1;
}

static const char *msg_name(u32 type)
{
	switch (type) {
	case IGBVF_MSG_RESET:
		return "VF_RESET";
	case IGBVF_MSG_SET_MAC:
		return "SET_MAC_ADDR";
	case IGBVF_MSG_SET_MULTICAST:
		return "SET_MULTICAST";
	case IGBVF_MSG_SET_VLAN:
		return "SET_VLAN";
	case IGBVF_MSG_SET_LPE:
		return "SET_LPE";
	case IGBVF_MSG_SET_PROMISC:
		return "SET_PROMISC";
	default:
		return "unknown message";
	}
}

/* A MAC address as the mailbox carries it: bytes of words 1 and 2. */
static void msg_get_mac(const u32 *msg, u8 *mac)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = msg[1 + i / 4] >> (8 * (i % 4));
}

static void msg_put_mac(u32 *msg, const u8 *mac)
{
	int i;

	msg[1] = 0;
	msg[2] = 0;
	for (i = 0; i < ETH_ALEN; i++)
		msg[1 + i / 4] |= (u32)mac[i] << (8 * (i % 4));
}

/*
 * The shadow.  Called with mbx->lock held.
 */

static void cfg_changed(struct igbvf_mbx *mbx)
{
	mbx->cfg_gen++;
	p2pmig_notify_dirty(mbx->p2p);
}

static void shadow_clear(struct igbvf_mbx *mbx)
{
	memset(&mbx->cfg, 0, sizeof(mbx->cfg));
	mbx->pending_valid = false;
	mbx->msg_open = false;
	cfg_changed(mbx);
}

static void shadow_vlan(struct igbvf_cfg *cfg, u16 vid, bool add)
{
	int i;

	for (i = 0; i < cfg->nr_vlans; i++)
		if (cfg->vlans[i] == vid)
			break;
	if (add && i == cfg->nr_vlans && cfg->nr_vlans < IGBVF_MAX_VLANS)
		cfg->vlans[cfg->nr_vlans++] = vid;
	if (!add && i < cfg->nr_vlans)
		cfg->vlans[i] = cfg->vlans[--cfg->nr_vlans];
}

/* The PF acknowledged @msg (@reply is its answer): the shadow follows. */
static void shadow_commit(struct igbvf_mbx *mbx, const u32 *msg, const u32 *reply)
{
	struct igbvf_cfg *cfg = &mbx->cfg;
	u32 info = FIELD_GET(IGBVF_MSG_INFO, msg[0]);
	u8 mac[ETH_ALEN];
	int i, n;

	switch (FIELD_GET(IGBVF_MSG_TYPE, msg[0])) {
	case IGBVF_MSG_RESET:
		memset(cfg, 0, sizeof(*cfg));
		cfg->reset = true;
		if (reply[0] & IGBVF_MSG_ACK) {
			msg_get_mac(reply, cfg->mac);
			cfg->mac_set = is_valid_ether_addr(cfg->mac);
		}
		break;
	case IGBVF_MSG_SET_MAC:
		msg_get_mac(msg, mac);
		if (info == IGBVF_MSG_MAC_FILTER_CLR) {
			cfg->nr_uc = 0;
		} else if (info == IGBVF_MSG_MAC_FILTER_ADD) {
			for (i = 0; i < cfg->nr_uc; i++)
				if (ether_addr_equal(cfg->uc[i], mac))
					break;
			if (i == cfg->nr_uc && cfg->nr_uc < IGBVF_MAX_UC)
				ether_addr_copy(cfg->uc[cfg->nr_uc++], mac);
		} else if (!info) {
			ether_addr_copy(cfg->mac, mac);
			cfg->mac_set = true;
		}
		break;
	case IGBVF_MSG_SET_MULTICAST:
		n = min_t(int, info, IGBVF_MAX_MC);
		for (i = 0; i < n; i++)
			cfg->mc[i] = msg[1 + i / 2] >> (16 * (i % 2));
		cfg->nr_mc = n;
		cfg->mc_overflow = info > IGBVF_MAX_MC;
		break;
	case IGBVF_MSG_SET_VLAN:
		shadow_vlan(cfg, msg[1] & 0xfff, info);
		break;
	case IGBVF_MSG_SET_LPE:
		if (msg[1] < IGBVF_MIN_FRAME || msg[1] > IGBVF_MAX_FRAME) {
			dev_dbg(p2pmig_dev(mbx->p2p), "SET_LPE %u out of range: not migrated\n",
				msg[1]);
			return;
		}
		cfg->max_frame = msg[1];
		break;
	case IGBVF_MSG_SET_PROMISC:
		cfg->promisc = msg[0] & IGBVF_MSG_INFO;
		break;
	default:
		dev_dbg(p2pmig_dev(mbx->p2p), "mailbox message %#x is not migrated\n", msg[0]);
		return;
	}
	cfg_changed(mbx);
}

/* The guest (or p2pmig, settling) reads word 0 of the mailbox memory. */
static void snoop_reply(struct igbvf_mbx *mbx, u32 word0)
{
	u32 reply[3];

	if (!mbx->pending_valid ||
	    FIELD_GET(IGBVF_MSG_TYPE, word0) != FIELD_GET(IGBVF_MSG_TYPE, mbx->pending[0]) ||
	    !(word0 & (IGBVF_MSG_ACK | IGBVF_MSG_NACK)))
		return;
	mbx->pending_valid = false;
	reply[0] = word0;
	reply[1] = rd(mbx, IGBVF_VMBMEM(1));
	reply[2] = rd(mbx, IGBVF_VMBMEM(2));
	/* a reset's NACK only says the PF had no MAC: the reset happened */
	if ((word0 & IGBVF_MSG_ACK) ||
	    FIELD_GET(IGBVF_MSG_TYPE, word0) == IGBVF_MSG_RESET)
		shadow_commit(mbx, mbx->pending, reply);
}

/**
 * igbvf_mbx_trap_read() - the guest reads a register of BAR0's first page
 * @mbx: the mailbox layer of a device
 * @off: BAR0 offset, dword aligned, inside the trapped page
 *
 * Return: the value the guest sees.
 */
u32 igbvf_mbx_trap_read(struct igbvf_mbx *mbx, u32 off)
{
	unsigned long flags;
	u32 val;
	int i;

	spin_lock_irqsave(&mbx->lock, flags);
	val = rd(mbx, off);
	if (off == IGBVF_V2PMAILBOX) {
		val |= mbx->r2c;
		mbx->r2c = 0;
		if (val & IGBVF_MBX_PFSTS)
			mbx->msg_open = true;
	} else if (off == IGBVF_VMBMEM(0)) {
		snoop_reply(mbx, val);
	} else {
		i = stat_index(off);
		if (i >= 0)
			val += mbx->stat_offset[i];
	}
	spin_unlock_irqrestore(&mbx->lock, flags);
	return val;
}

/**
 * igbvf_mbx_trap_write() - the guest writes a register of BAR0's first page
 * @mbx: the mailbox layer of a device
 * @off: BAR0 offset, dword aligned, inside the trapped page
 * @val: the value
 */
void igbvf_mbx_trap_write(struct igbvf_mbx *mbx, u32 off, u32 val)
{
	unsigned long flags;
	int i;

	/* QEMU model workaround: PBACL clears the PF's pending bits */
	if (igbvf_quirk_drop_pbacl(mbx, off)) {
		dev_dbg_ratelimited(p2pmig_dev(mbx->p2p), "PBACL write dropped\n");
		return;
	}

	spin_lock_irqsave(&mbx->lock, flags);
	if (off == IGBVF_V2PMAILBOX && (val & IGBVF_MBX_ACK))
		mbx->msg_open = false;
	if (off == IGBVF_V2PMAILBOX && (val & IGBVF_MBX_REQ)) {
		/*
		 * The guest posts a request: remember what it asks for.  Its
		 * message replaced whatever it had not acknowledged.
		 */
		mbx->msg_open = false;
		for (i = 0; i < IGBVF_MBX_WORDS; i++)
			mbx->pending[i] = rd(mbx, IGBVF_VMBMEM(i));
		mbx->pending_valid = true;
		mbx->pf_touched = true;
	} else if (off == IGBVF_VTCTRL && (val & IGBVF_VTCTRL_RST)) {
		/* the PF sees the VF reset and drops its configuration */
		shadow_clear(mbx);
		/*
		 * QEMU model workaround: the guest driver waits for "reset
		 * done" (RSTD), which the 82576 sets and the model does not.
		 */
		if (igbvf_quirk_no_rstd(mbx))
			mbx->r2c |= IGBVF_MBX_RSTD;
	}
	wr(mbx, off, val);
	spin_unlock_irqrestore(&mbx->lock, flags);
}

/**
 * igbvf_mbx_settle() - the guest stopped: take in an answered request
 * @mbx: the mailbox layer of a device, in STOP
 *
 * A request the PF answered but whose answer the guest has not read yet
 * still belongs to the configuration that moves.
 */
void igbvf_mbx_settle(struct igbvf_mbx *mbx)
{
	ktime_t end = deadline_us(IGBVF_SETTLE_US);
	unsigned long flags;
	bool pending;

	/* the PF answers within milliseconds: wait that long for it */
	do {
		spin_lock_irqsave(&mbx->lock, flags);
		if (mbx->pending_valid) {
			/* keep what this read clears for the guest */
			mbx->r2c |= rd(mbx, IGBVF_V2PMAILBOX) & IGBVF_MBX_R2C;
			/* the answer: unread, or seen and not read yet */
			if ((mbx->r2c & IGBVF_MBX_PFSTS) || mbx->msg_open)
				snoop_reply(mbx, rd(mbx, IGBVF_VMBMEM(0)));
		}
		pending = mbx->pending_valid;
		spin_unlock_irqrestore(&mbx->lock, flags);
		if (!pending)
			return;
	} while (!mbx_pause(end, IGBVF_MBX_POLL_US));
	dev_dbg(p2pmig_dev(mbx->p2p), "the PF did not answer the guest's last request\n");
}

/**
 * igbvf_mbx_cfg_dirty() - did the configuration change since it was sent?
 * @mbx: the mailbox layer of a device
 *
 * Return: true if a save session should send it again.
 */
bool igbvf_mbx_cfg_dirty(struct igbvf_mbx *mbx)
{
	return READ_ONCE(mbx->cfg_gen) != READ_ONCE(mbx->cfg_sent) &&
	       READ_ONCE(mbx->cfg_updates) < IGBVF_CFG_UPDATES;
}

/**
 * igbvf_mbx_forget() - the function was reset: the PF forgot its setup
 * @mbx: the mailbox layer of a device
 *
 * Also forgets what a resume stream staged here.
 */
void igbvf_mbx_forget(struct igbvf_mbx *mbx)
{
	unsigned long flags;

	mbx->cfg_seen = false;
	mbx->cfg_staged = false;
	mbx->stats_staged = false;
	spin_lock_irqsave(&mbx->lock, flags);
	shadow_clear(mbx);
	mbx->r2c = 0;
	memset(mbx->stat_offset, 0, sizeof(mbx->stat_offset));
	spin_unlock_irqrestore(&mbx->lock, flags);
}

/*
 * The stream.
 */

static void cfg_to_rec(const struct igbvf_cfg *cfg, struct igbvf_config_rec *rec)
{
	int i;

	memset(rec, 0, sizeof(*rec));
	rec->flags = cpu_to_le32((cfg->reset ? IGBVF_CFG_RESET : 0) |
				 (cfg->mac_set ? IGBVF_CFG_MAC : 0) |
				 (cfg->mc_overflow ? IGBVF_CFG_MC_OVERFLOW : 0));
	ether_addr_copy(rec->mac, cfg->mac);
	rec->nr_uc = cfg->nr_uc;
	memcpy(rec->uc, cfg->uc, sizeof(rec->uc));
	rec->nr_mc = cfg->nr_mc;
	for (i = 0; i < IGBVF_MAX_MC; i++)
		rec->mc[i] = cpu_to_le16(cfg->mc[i]);
	rec->nr_vlans = cfg->nr_vlans;
	for (i = 0; i < IGBVF_MAX_VLANS; i++)
		rec->vlans[i] = cpu_to_le16(cfg->vlans[i]);
	rec->max_frame = cpu_to_le32(cfg->max_frame);
	rec->promisc = cpu_to_le32(cfg->promisc);
}

/**
 * igbvf_mbx_save_config() - put the configuration in a save stream
 * @mbx: the mailbox layer of a device
 * @out: where to emit
 * @what: the initial record; or, if it changed since it was last put in
 *	this stream, a record that replaces it: during pre-copy (at most
 *	IGBVF_CFG_UPDATES appended, then only an unread one rewritten, the
 *	rest waits for the final data) or in the final data
 *
 * Return: 0 or a negative errno.
 */
int igbvf_mbx_save_config(struct igbvf_mbx *mbx, struct p2pmig_out *out,
			  enum igbvf_save what)
{
	struct igbvf_config_rec *rec;
	unsigned long flags;
	u32 gen;
	int ret;

	if (what != IGBVF_SAVE_INITIAL && READ_ONCE(mbx->cfg_gen) == mbx->cfg_sent)
		return 0;
	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	spin_lock_irqsave(&mbx->lock, flags);
	gen = mbx->cfg_gen;
	cfg_to_rec(&mbx->cfg, rec);
	spin_unlock_irqrestore(&mbx->lock, flags);

	switch (what) {
	case IGBVF_SAVE_INITIAL:
		ret = p2pmig_emit(out, IGBVF_REC_CONFIG, rec, sizeof(*rec));
		WRITE_ONCE(mbx->cfg_updates, 0);
		break;
	case IGBVF_SAVE_DIRTY:
		ret = p2pmig_emit_reinit(out, IGBVF_REC_CONFIG, rec, sizeof(*rec),
					 mbx->cfg_updates < IGBVF_CFG_UPDATES);
		if (ret == P2PMIG_EMIT_APPENDED)
			WRITE_ONCE(mbx->cfg_updates, mbx->cfg_updates + 1);
		break;
	default:
		ret = p2pmig_emit_reinit(out, IGBVF_REC_CONFIG, rec, sizeof(*rec), true);
		break;
	}
	if (ret == -ENOSPC) {
		/* no more updates in pre-copy: the final data carries it */
		ret = 0;
	} else if (ret >= 0) {
		mbx->cfg_sent = gen;
		ret = 0;
	}
	kfree(rec);
	return ret;
}

/**
 * igbvf_mbx_save_stats() - the statistics as the guest sees them
 * @mbx: the mailbox layer of a device
 * @rec: filled in
 */
void igbvf_mbx_save_stats(struct igbvf_mbx *mbx, struct igbvf_stats_rec *rec)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&mbx->lock, flags);
	for (i = 0; i < IGBVF_NR_STATS; i++)
		rec->stat[i] = cpu_to_le32(rd(mbx, igbvf_stat_regs[i]) +
					   mbx->stat_offset[i]);
	spin_unlock_irqrestore(&mbx->lock, flags);
}

/**
 * igbvf_mbx_save_mem() - the mailbox memory and the bits the guest has not read
 * @mbx: the mailbox layer of a device, in STOP
 * @vmbmem: IGBVF_MBX_WORDS words, zeroed, for the mailbox memory
 *
 * The whole memory is read only while a message is in it that the guest
 * writes or reads: it holds the buffer (VFU), a request of its is open, or
 * a message or acknowledgment from the PF is unread or unacknowledged.
 * Otherwise only word 0 is the guest's (igbvf's link check reads its CTS
 * bit), and the rest stays zero.  The read-to-clear bits stay pending
 * here too, should the migration be cancelled.
 *
 * Return: the read-to-clear bits, with IGBVF_REC_MBX_IDLE if only word 0
 * was read.
 */
u32 igbvf_mbx_save_mem(struct igbvf_mbx *mbx, __le32 *vmbmem)
{
	unsigned long flags;
	bool busy;
	u32 v2p, r2c;
	int i, n;

	spin_lock_irqsave(&mbx->lock, flags);
	v2p = rd(mbx, IGBVF_V2PMAILBOX);
	mbx->r2c |= v2p & IGBVF_MBX_R2C;
	r2c = mbx->r2c;
	busy = (v2p & IGBVF_MBX_VFU) ||
	       (r2c & (IGBVF_MBX_PFSTS | IGBVF_MBX_PFACK)) ||
	       mbx->pending_valid || mbx->msg_open;
	n = busy ? IGBVF_MBX_WORDS : 1;
	for (i = 0; i < n; i++)
		vmbmem[i] = cpu_to_le32(rd(mbx, IGBVF_VMBMEM(i)));
	spin_unlock_irqrestore(&mbx->lock, flags);
	return busy ? r2c : r2c | IGBVF_REC_MBX_IDLE;
}

/*
 * The destination's side of the mailbox.
 */

/* Read V2PMAILBOX, keeping (read-to-clear) bits seen in @seen. */
static u32 mbx_read(struct igbvf_mbx *mbx, u32 *seen)
{
	u32 v = rd(mbx, IGBVF_V2PMAILBOX);

	*seen |= v;
	return v;
}

/*
 * Take the mailbox buffer (VFU).  The PF holds it (PFU) from reading a
 * request until its answer is written, which under load takes the PF's
 * interrupt latency: retry, sleeping, until @end.
 */
static int mbx_lock(struct igbvf_mbx *mbx, u32 *seen, ktime_t end)
{
	int ret;

	do {
		wr(mbx, IGBVF_V2PMAILBOX, IGBVF_MBX_VFU);
		if (mbx_read(mbx, seen) & IGBVF_MBX_VFU)
			return 0;
		ret = mbx_pause(end, IGBVF_MBX_POLL_US);
	} while (!ret);
	return ret == -ETIMEDOUT ? -EBUSY : ret;
}

/* Wait until every bit of @bits was seen in V2PMAILBOX. */
static int mbx_wait(struct igbvf_mbx *mbx, u32 *seen, u32 bits, ktime_t end)
{
	int ret;

	do {
		mbx_read(mbx, seen);
		if ((*seen & bits) == bits)
			return 0;
		ret = mbx_pause(end, IGBVF_MBX_POLL_US);
	} while (!ret);
	return ret;
}

/*
 * One request and its answer, as a VF driver sends it: take the buffer,
 * write, request (which also frees the buffer), wait until the PF took the
 * request (PFACK) and posted a message (PFSTS), take the buffer, read,
 * acknowledge.  A PF message that is not the answer (a control message the
 * PF sends all VFs, posted while the request was in flight) is
 * acknowledged and skipped, IGBVF_MBX_MAX_SKIP of them at most.  All of it
 * before @end.  Return: 0 on ACK, -EREMOTEIO on NACK (the answer is
 * in @reply), -ECONNRESET when the PF is not clear to send (it took the
 * request and never answered, or answered a request other than VF_RESET
 * with a NACK without CTS: Linux's igb does either after a VF reset event
 * until the next VF_RESET), -ETIMEDOUT, -EBUSY, -EPROTO (too many other
 * messages), -EINTR.
 */
static int mbx_request_until(struct igbvf_mbx *mbx, const u32 *msg, int len,
			     u32 *reply, int rlen, ktime_t end)
{
	u32 type = FIELD_GET(IGBVF_MSG_TYPE, msg[0]);
	u32 seen = 0;
	int i, skipped, ret;

	ret = mbx_lock(mbx, &seen, end);
	if (ret)
		return ret;
	for (i = 0; i < len; i++)
		wr(mbx, IGBVF_VMBMEM(i), msg[i]);
	seen = 0;
	wr(mbx, IGBVF_V2PMAILBOX, IGBVF_MBX_REQ);
	ret = mbx_wait(mbx, &seen, IGBVF_MBX_PFACK, end);
	if (ret)
		return ret;
	for (skipped = 0;; skipped++) {
		if (skipped > IGBVF_MBX_MAX_SKIP)
			return -EPROTO;
		/* the PF answers in the interrupt that took the request */
		ret = mbx_wait(mbx, &seen, IGBVF_MBX_PFSTS, end);
		if (ret)
			return ret == -ETIMEDOUT ? -ECONNRESET : ret;
		seen &= ~IGBVF_MBX_PFSTS;
		ret = mbx_lock(mbx, &seen, end);
		if (ret)
			return ret;
		for (i = 0; i < rlen; i++)
			reply[i] = rd(mbx, IGBVF_VMBMEM(i));
		wr(mbx, IGBVF_V2PMAILBOX, IGBVF_MBX_ACK);
		if (FIELD_GET(IGBVF_MSG_TYPE, reply[0]) == type &&
		    (reply[0] & (IGBVF_MSG_ACK | IGBVF_MSG_NACK)))
			break;
		dev_dbg(p2pmig_dev(mbx->p2p), "PF message %#x skipped while waiting for the %s answer\n",
			reply[0], msg_name(type));
	}
	if (!(reply[0] & IGBVF_MSG_NACK))
		return 0;
	/* every answer but VF_RESET's carries CTS while the PF is clear to send */
	if (type != IGBVF_MSG_RESET && !(reply[0] & IGBVF_MSG_CTS))
		return -ECONNRESET;
	return -EREMOTEIO;
}

static int mbx_request(struct igbvf_mbx *mbx, const u32 *msg, int len,
		       u32 *reply, int rlen)
{
	return mbx_request_until(mbx, msg, len, reply, rlen,
				 deadline_us(IGBVF_MBX_TIMEOUT_US));
}

/* A request of the replay; a failure is logged with what was asked. */
static int replay_one(struct igbvf_mbx *mbx, const u32 *msg, int len,
		      u32 *reply, int rlen, const char *what)
{
	u32 type = FIELD_GET(IGBVF_MSG_TYPE, msg[0]);
	int ret;

	ret = mbx_request(mbx, msg, len, reply, rlen);
	if (ret == -ECONNRESET)
		dev_dbg(p2pmig_dev(mbx->p2p), "configuration replay: the PF dropped %s%s%s: not clear to send\n",
			msg_name(type), what ? " " : "", what ? what : "");
	else if (ret)
		p2pmig_err(mbx->p2p, "configuration replay: the PF %s %s%s%s (%d)\n",
			   ret == -EREMOTEIO ? "refused (NACK)" :
			   ret == -ETIMEDOUT ? "did not answer" : "botched",
			   msg_name(type), what ? " " : "", what ? what : "", ret);
	return ret;
}

static void mac_msg(u32 *msg, u32 info, const u8 *mac)
{
	msg[0] = IGBVF_MSG_SET_MAC | FIELD_PREP(IGBVF_MSG_INFO, info);
	msg_put_mac(msg, mac);
}

static int replay_mac(struct igbvf_mbx *mbx, u32 info, const u8 *mac,
		      const char *what)
{
	u32 msg[3], reply[1];
	char buf[40];

	mac_msg(msg, info, mac);
	snprintf(buf, sizeof(buf), "%s %pM", what, mac);
	return replay_one(mbx, msg, 3, reply, 1, buf);
}

/*
 * The PF accepts a filter request only with a valid unicast address, even
 * one that clears: give it the VF's own MAC, or this stand-in.
 */
static const u8 igbvf_clear_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/*
 * VF_RESET once the PF is out of reset (RSTI clear, by @ready: -ENETDOWN
 * otherwise), answered by @end: the PF enables the VF and lets it
 * configure (CTS).  @pf_mac is the MAC the PF holds for the VF (set by an
 * administrator), or zero.
 *
 * Sent twice.  Linux's igb handles a VF's reset event (VFLRE: the FLR that
 * opened the VF, a VTCTRL.RST) and its messages in one pass of its mailbox
 * interrupt, the reset first; a pass that checked this VF for a reset just
 * before the reset happened answers a VF_RESET posted meanwhile, still
 * holding the VF's old MAC, and handles the reset in its next pass: that
 * revokes CTS (the next request goes unanswered) and forgets the MAC, but
 * leaves it in the receive filter.  A second VF_RESET can only be found by
 * a later pass, which handles the pending reset first.
 */
static int vf_reset_request(struct igbvf_mbx *mbx, ktime_t ready, ktime_t end,
			    u8 *pf_mac)
{
	u32 msg[1] = { IGBVF_MSG_RESET }, reply[3], seen = 0;
	int i, ret = 0;

	while (mbx_read(mbx, &seen) & IGBVF_MBX_RSTI) {
		ret = mbx_pause(ready, 1000);
		if (ret)
			return ret == -ETIMEDOUT ? -ENETDOWN : ret;
	}
	for (i = 0; i < 2; i++) {
		eth_zero_addr(pf_mac);
		ret = mbx_request_until(mbx, msg, 1, reply, 3, end);
		/* a NACK only says the PF has no MAC for the VF: it reset */
		if (ret == -EREMOTEIO &&
		    FIELD_GET(IGBVF_MSG_TYPE, reply[0]) == IGBVF_MSG_RESET)
			ret = 0;
		else if (!ret)
			msg_get_mac(reply, pf_mac);
		if (ret)
			break;
	}
	return ret;
}

/* Ask the destination PF for everything @cfg holds, from VF_RESET on. */
static int replay_cfg(struct igbvf_mbx *mbx, const struct igbvf_cfg *cfg)
{
	u32 msg[IGBVF_MBX_WORDS] = {}, reply[3];
	u8 pf_mac[ETH_ALEN];
	char buf[24];
	int i, ret;

	ret = vf_reset_request(mbx, deadline_us(IGBVF_PF_READY_TIMEOUT_US),
			       deadline_us(IGBVF_PF_READY_TIMEOUT_US + IGBVF_MBX_TIMEOUT_US),
			       pf_mac);
	if (ret == -ENETDOWN) {
		p2pmig_err(mbx->p2p, "configuration replay: the PF is in reset (is its interface up?)\n");
		return ret;
	}
	if (ret) {
		p2pmig_err(mbx->p2p, "configuration replay: VF_RESET failed (%d, mailbox %#x)\n",
			   ret, rd(mbx, IGBVF_V2PMAILBOX));
		return ret;
	}

	/* an administratively set MAC cannot be changed by a VF: skip it */
	if (cfg->mac_set && !ether_addr_equal(cfg->mac, pf_mac)) {
		ret = replay_mac(mbx, 0, cfg->mac, "MAC");
		if (ret)
			return ret;
	}
	/*
	 * The PF keeps extra filters over a reset: clear what a previous
	 * user may have left before adding the guest's.  Not with an
	 * administratively set MAC: the PF then refuses every filter
	 * request, clearing included, and the guest can have had none.
	 */
	if (is_zero_ether_addr(pf_mac)) {
		ret = replay_mac(mbx, IGBVF_MSG_MAC_FILTER_CLR,
				 cfg->mac_set ? cfg->mac : igbvf_clear_mac, "clear filters");
		if (ret)
			return ret;
	}
	for (i = 0; i < cfg->nr_uc; i++) {
		ret = replay_mac(mbx, IGBVF_MSG_MAC_FILTER_ADD, cfg->uc[i], "filter");
		if (ret)
			return ret;
	}
	if (cfg->nr_mc) {
		memset(msg, 0, sizeof(msg));
		/* more groups than hashes: the PF then takes all multicast */
		msg[0] = IGBVF_MSG_SET_MULTICAST |
			 FIELD_PREP(IGBVF_MSG_INFO, cfg->nr_mc + cfg->mc_overflow);
		for (i = 0; i < cfg->nr_mc; i++)
			msg[1 + i / 2] |= (u32)cfg->mc[i] << (16 * (i % 2));
		snprintf(buf, sizeof(buf), "of %u hashes", cfg->nr_mc);
		ret = replay_one(mbx, msg, 1 + (cfg->nr_mc + 1) / 2, reply, 1, buf);
		if (ret)
			return ret;
	}
	for (i = 0; i < cfg->nr_vlans; i++) {
		msg[0] = IGBVF_MSG_SET_VLAN | FIELD_PREP(IGBVF_MSG_INFO, 1);
		msg[1] = cfg->vlans[i];
		snprintf(buf, sizeof(buf), "%u", cfg->vlans[i]);
		ret = replay_one(mbx, msg, 2, reply, 1, buf);
		if (ret)
			return ret;
	}
	if (cfg->max_frame) {
		msg[0] = IGBVF_MSG_SET_LPE;
		msg[1] = cfg->max_frame;
		snprintf(buf, sizeof(buf), "%u", cfg->max_frame);
		ret = replay_one(mbx, msg, 2, reply, 1, buf);
		if (ret)
			return ret;
	}
	if (cfg->promisc) {
		msg[0] = IGBVF_MSG_SET_PROMISC | cfg->promisc;
		ret = replay_one(mbx, msg, 1, reply, 1, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The replay, and once more if the PF stopped answering after VF_RESET.
 * vf_reset_request() closes the race of a VF reset handled only after the
 * PF answered VF_RESET (see there); should the PF still revoke CTS in the
 * middle of the replay (a VF reset from elsewhere), the next request goes
 * unanswered (-ECONNRESET), and the reset also undid what the replay had
 * set: start over from VF_RESET, once.
 */
static int igbvf_replay(struct igbvf_mbx *mbx, const struct igbvf_cfg *cfg)
{
	struct p2pmig_span span;
	int ret;

	p2pmig_step_start(&span, mbx->p2p);
	if (!cfg->reset)
		return 0;	/* the guest never set the VF up */
	mbx->pf_touched = true;

	ret = replay_cfg(mbx, cfg);
	if (ret == -ECONNRESET) {
		dev_info(p2pmig_dev(mbx->p2p), "configuration replay: the PF handled a VF reset after VF_RESET and stopped answering; replaying again\n");
		ret = replay_cfg(mbx, cfg);
		if (ret == -ECONNRESET)
			p2pmig_err(mbx->p2p, "configuration replay: the PF is still not clear to send after a second VF_RESET\n");
	}
	p2pmig_step_end(mbx->p2p, "replay", &span, ret);
	return ret;
}

/**
 * igbvf_mbx_release() - the VF goes back to the host: the PF forgets its user
 * @mbx: the mailbox layer of a device, closed by its user
 *
 * After a function reset the PF forgets the VF's MAC but leaves it in its
 * receive address filter until the VF's next VF_RESET, and keeps the extra
 * unicast filters the user added until they are cleared: the next user of
 * the VF would receive the previous one's frames, and a migrated guest's
 * MAC would stay black-holed on this PF for the VFs next to it.  So: reset
 * the VF (VTCTRL.RST) and wait until it is done, send VF_RESET (the PF
 * rewrites the filter with the forgotten, empty, address) and clear the
 * extra filters.  All within IGBVF_MBX_RELEASE_TIMEOUT_US: a PF that does
 * not answer (interface down) is left as it is.
 */
void igbvf_mbx_release(struct igbvf_mbx *mbx)
{
	ktime_t end = deadline_us(IGBVF_MBX_RELEASE_TIMEOUT_US);
	u32 msg[3], reply[1], seen = 0;
	struct p2pmig_span span;
	u8 pf_mac[ETH_ALEN];
	unsigned long flags;
	bool touched;
	int ret;

	p2pmig_step_start(&span, mbx->p2p);
	spin_lock_irqsave(&mbx->lock, flags);
	touched = mbx->pf_touched;
	spin_unlock_irqrestore(&mbx->lock, flags);
	if (!touched)
		return;

	wr(mbx, IGBVF_VTCTRL, IGBVF_VTCTRL_RST);
	/*
	 * The 82576 reports the end of a VF reset with RSTD (or RSTI while
	 * the PF itself is in reset), as Linux's igbvf waits for.  QEMU
	 * model workaround: the model resets at once and reports nothing.
	 */
	if (!igbvf_quirk_no_rstd(mbx)) {
		while (!(mbx_read(mbx, &seen) & (IGBVF_MBX_RSTD | IGBVF_MBX_RSTI))) {
			ret = mbx_pause(end, IGBVF_MBX_POLL_US);
			if (ret)
				goto out;
		}
	}
	ret = vf_reset_request(mbx, end, end, pf_mac);
	/* with an administratively set MAC the PF refuses filter requests */
	if (!ret && is_zero_ether_addr(pf_mac)) {
		mac_msg(msg, IGBVF_MSG_MAC_FILTER_CLR, igbvf_clear_mac);
		ret = mbx_request_until(mbx, msg, 3, reply, 1, end);
	}
	if (!ret)
		mbx->pf_touched = false;
out:
	p2pmig_step_end(mbx->p2p, "release", &span, ret);
	dev_dbg(p2pmig_dev(mbx->p2p), "released the PF's filters: %d\n", ret);
}

/* The destination now holds @cfg: it moves on from here with it. */
static void adopt_cfg(struct igbvf_mbx *mbx, const struct igbvf_cfg *cfg)
{
	unsigned long flags;

	spin_lock_irqsave(&mbx->lock, flags);
	mbx->cfg = *cfg;
	mbx->pending_valid = false;
	cfg_changed(mbx);
	spin_unlock_irqrestore(&mbx->lock, flags);
}

/**
 * igbvf_mbx_load_begin() - a resume stream starts: forget what was staged
 * @mbx: the mailbox layer of a device
 */
void igbvf_mbx_load_begin(struct igbvf_mbx *mbx)
{
	mbx->cfg_seen = false;
	mbx->cfg_staged = false;
	mbx->stats_staged = false;
}

/**
 * igbvf_mbx_load_config() - a configuration record arrived (RESUMING)
 * @mbx: the mailbox layer of a device
 * @payload: the record
 * @len: its length
 *
 * Replays it at once, or stages it for the end of RESUMING.  A later record
 * (the guest changed its configuration during pre-copy) replaces it.
 *
 * Return: 0, -EINVAL (bad record) or the replay's error.
 */
int igbvf_mbx_load_config(struct igbvf_mbx *mbx, const u8 *payload, u32 len)
{
	struct igbvf_cfg *cfg;
	const char *why;
	u64 why_arg;
	int ret;

	if (igbvf_rec_check_config(payload, len, &why, &why_arg))
		return igbvf_reject_rec(mbx->p2p, "configuration", why, why_arg);
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	igbvf_rec_to_cfg(payload, cfg);
	if (READ_ONCE(replay_early)) {
		ret = igbvf_replay(mbx, cfg);
		if (!ret)
			adopt_cfg(mbx, cfg);
		mbx->cfg_staged = false;
	} else {
		mbx->staged_cfg = *cfg;
		mbx->cfg_staged = true;
	}
	mbx->cfg_seen = !ret;
	kfree(cfg);
	return ret;
}

/**
 * igbvf_mbx_load_stats() - the statistics the guest saw on the source
 * @mbx: the mailbox layer of a device
 * @payload: the record
 * @len: its length
 *
 * Return: 0 or -EINVAL.
 */
int igbvf_mbx_load_stats(struct igbvf_mbx *mbx, const u8 *payload, u32 len)
{
	const struct igbvf_stats_rec *rec = (const void *)payload;
	const char *why;
	u64 why_arg;
	int i;

	if (igbvf_rec_check_stats(payload, len, &why, &why_arg))
		return igbvf_reject_rec(mbx->p2p, "statistics", why, why_arg);
	for (i = 0; i < IGBVF_NR_STATS; i++)
		mbx->staged_stats[i] = le32_to_cpu(rec->stat[i]);
	mbx->stats_staged = true;
	return 0;
}

/**
 * igbvf_mbx_load_config_finish() - end of RESUMING: replay a staged configuration
 * @mbx: the mailbox layer of a device
 *
 * With replay_early=0 this is where the configuration reaches the PF.  A
 * refusal leaves the VF's registers untouched and the configuration still
 * staged: the device may stay in RESUMING, and leaving it again retries.
 *
 * Return: 0 or the replay's error.
 */
int igbvf_mbx_load_config_finish(struct igbvf_mbx *mbx)
{
	int ret;

	if (!mbx->cfg_staged)
		return 0;
	ret = igbvf_replay(mbx, &mbx->staged_cfg);
	if (ret)
		return ret;
	adopt_cfg(mbx, &mbx->staged_cfg);
	mbx->cfg_staged = false;
	return 0;
}

/**
 * igbvf_mbx_load_finish() - end of RESUMING: the guest's view continues
 * @mbx: the mailbox layer of a device
 * @vmbmem: the mailbox memory the guest left on the source
 * @r2c: read-to-clear mailbox bits the guest had not read on the source,
 *	and IGBVF_REC_MBX_IDLE if only @vmbmem's word 0 is the guest's
 *
 * The mailbox memory is written only holding the VF's side of the buffer
 * (VFU), and only if the PF has not posted a message since the replay
 * (PFSTS): that message is the guest's to read, in place of the source's
 * memory.  The other read-to-clear bits the replay left are p2pmig's.
 */
void igbvf_mbx_load_finish(struct igbvf_mbx *mbx, const __le32 *vmbmem, u32 r2c)
{
	int i, n = r2c & IGBVF_REC_MBX_IDLE ? 1 : IGBVF_MBX_WORDS;
	unsigned long flags;
	u32 seen = 0;

	mbx_read(mbx, &seen);
	if (!(seen & IGBVF_MBX_PFSTS) &&
	    !mbx_lock(mbx, &seen, deadline_us(IGBVF_MBX_RESTORE_TIMEOUT_US))) {
		if (!(seen & IGBVF_MBX_PFSTS))
			for (i = 0; i < n; i++)
				wr(mbx, IGBVF_VMBMEM(i), le32_to_cpu(vmbmem[i]));
		wr(mbx, IGBVF_V2PMAILBOX, 0);
	}
	if (seen & IGBVF_MBX_PFSTS)
		dev_dbg(p2pmig_dev(mbx->p2p), "the PF posted a message: it replaces the source's mailbox memory\n");

	spin_lock_irqsave(&mbx->lock, flags);
	mbx->r2c = (r2c | (seen & IGBVF_MBX_PFSTS)) & IGBVF_MBX_R2C;
	/* a message the guest was reading on the source: it still is */
	mbx->msg_open = !(r2c & IGBVF_REC_MBX_IDLE);
	if (mbx->stats_staged)
		for (i = 0; i < IGBVF_NR_STATS; i++)
			mbx->stat_offset[i] = mbx->staged_stats[i] -
					     rd(mbx, igbvf_stat_regs[i]);
	mbx->stats_staged = false;
	spin_unlock_irqrestore(&mbx->lock, flags);
}
