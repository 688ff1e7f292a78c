// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig backend for the Intel 82576 Virtual Function (igbvf, 8086:10ca).
 *
 * What moves: the registers of the VF's two queue pairs, its interrupt
 * configuration and its mailbox memory.  How the VF is held still:
 *
 *  quiesce  clear RXDCTL/TXDCTL.ENABLE of both queues, keeping the values
 *           found, and wait until the hardware reports them disabled (the
 *           82576 finishes outstanding descriptor work first).  The VF then
 *           starts no DMA; its registers still answer.
 *  stop     remember the interrupt mask and mask all vectors (VTEIMC).
 *  start    restore the interrupt mask.
 *  unquiesce
 *           restore RXDCTL/TXDCTL, then rewrite each enabled queue's tail
 *           so that it fetches descriptors again.
 *
 * On the destination, the initial record checks the source VF's shape (a
 * mismatch fails the write() that delivers it, long before switchover);
 * the register record is validated and staged, and written only when
 * RESUMING ends with a complete stream, queues still disabled and
 * interrupts masked: leaving STOP and RUNNING_P2P then enables them the
 * same way as on a source.
 *
 * Every register written here is the VF's own, on QEMU's igb model and on
 * real 82576 alike; nothing touches PF-owned state.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/pci.h>

#include "backend.h"
#include "igbvf.h"
#include "igbvf_quirks.h"
#include "p2pmig.h"

/*
 * How long a queue may take to report itself disabled.  The 82576 finishes
 * the descriptor work in flight first; a transmit queue also waits out an
 * 802.3x pause from the link partner (up to 65535 x 512 bit times: 33.5 ms
 * at 1 GbE).  Three pauses in a row, then the arc fails and the queues
 * run on as before.
 */
#define IGBVF_DISABLE_TIMEOUT_US	100000

/*
 * The registers of the register record that go from the source VF to the
 * destination VF as they are, in the order the destination writes them:
 * each queue's rings (base, length, buffer sizes, head, tail, TX head
 * write-back), then the interrupt configuration.  The queue controls and
 * the interrupt mask are quiesce's and stop's.  One loop over this table
 * rather than a line per register keeps the code that runs in the
 * downtime short, and an emulator (TCG) translates that code on its first
 * run: the unrolled form cost about 1 ms there in a migration's first
 * downtime (Documentation/testbed.rst).
 */
#define REC_REG(reg, member)	{ reg, offsetof(struct igbvf_regs_rec, member) }
static const struct {
	u16 reg;	/* BAR0 offset */
	u16 member;	/* byte offset of its __le32 in struct igbvf_regs_rec */
} igbvf_rec_regs[] = {
	REC_REG(IGBVF_RDBAL(0), q[0].rdbal),
	REC_REG(IGBVF_RDBAH(0), q[0].rdbah),
	REC_REG(IGBVF_RDLEN(0), q[0].rdlen),
	REC_REG(IGBVF_SRRCTL(0), q[0].srrctl),
	REC_REG(IGBVF_RDH(0), q[0].rdh),
	REC_REG(IGBVF_RDT(0), q[0].rdt),
	REC_REG(IGBVF_TDBAL(0), q[0].tdbal),
	REC_REG(IGBVF_TDBAH(0), q[0].tdbah),
	REC_REG(IGBVF_TDLEN(0), q[0].tdlen),
	REC_REG(IGBVF_TDH(0), q[0].tdh),
	REC_REG(IGBVF_TDT(0), q[0].tdt),
	REC_REG(IGBVF_TXCTL(0), q[0].txctl),
	REC_REG(IGBVF_TDWBAL(0), q[0].tdwbal),
	REC_REG(IGBVF_TDWBAH(0), q[0].tdwbah),
	REC_REG(IGBVF_RDBAL(1), q[1].rdbal),
	REC_REG(IGBVF_RDBAH(1), q[1].rdbah),
	REC_REG(IGBVF_RDLEN(1), q[1].rdlen),
	REC_REG(IGBVF_SRRCTL(1), q[1].srrctl),
	REC_REG(IGBVF_RDH(1), q[1].rdh),
	REC_REG(IGBVF_RDT(1), q[1].rdt),
	REC_REG(IGBVF_TDBAL(1), q[1].tdbal),
	REC_REG(IGBVF_TDBAH(1), q[1].tdbah),
	REC_REG(IGBVF_TDLEN(1), q[1].tdlen),
	REC_REG(IGBVF_TDH(1), q[1].tdh),
	REC_REG(IGBVF_TDT(1), q[1].tdt),
	REC_REG(IGBVF_TXCTL(1), q[1].txctl),
	REC_REG(IGBVF_TDWBAL(1), q[1].tdwbal),
	REC_REG(IGBVF_TDWBAH(1), q[1].tdwbah),
	REC_REG(IGBVF_VTEITR(0), eitr[0]),
	REC_REG(IGBVF_VTEITR(1), eitr[1]),
	REC_REG(IGBVF_VTEITR(2), eitr[2]),
	REC_REG(IGBVF_VTIVAR, ivar),
	REC_REG(IGBVF_VTIVAR_MISC, ivar_misc),
	REC_REG(IGBVF_VTEIAC, eiac),
	REC_REG(IGBVF_VTEIAM, eiam),
};

/*
 * Every word of the record is the table's but the queue controls, the
 * interrupt mask, the mailbox memory and its read-to-clear bits.
 */
static_assert(ARRAY_SIZE(igbvf_rec_regs) + 2 * IGBVF_NR_QUEUES + 1 + IGBVF_MBX_WORDS + 1 ==
	      sizeof(struct igbvf_regs_rec) / sizeof(__le32));

static u32 rec_get(const struct igbvf_regs_rec *r, unsigned int i)
{
	return le32_to_cpu(*(const __le32 *)((const u8 *)r + igbvf_rec_regs[i].member));
}

static void rec_set(struct igbvf_regs_rec *r, unsigned int i, u32 val)
{
	*(__le32 *)((u8 *)r + igbvf_rec_regs[i].member) = cpu_to_le32(val);
}

static struct igbvf_priv *priv(struct p2pmig_device *p2p)
{
	return igbvf_priv(p2p);
}

static u32 rd(struct p2pmig_device *p2p, u32 reg)
{
	return igbvf_rd(p2p, reg);
}

static void wr(struct p2pmig_device *p2p, u32 reg, u32 val)
{
	igbvf_wr(p2p, reg, val);
}

static int igbvf_init(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);
	u32 status;

	igbvf_mbx_init(&vf->mbx, p2p);
	status = rd(p2p, IGBVF_VTSTATUS);
	if (status == ~0U) {
		dev_err(p2pmig_dev(p2p), "VTSTATUS reads all-ones: VF not responding\n");
		return -EIO;
	}
	igbvf_quirks_init(&vf->mbx);
	igbvf_track_init(&vf->track);
	return 0;
}

static void igbvf_fini(struct p2pmig_device *p2p)
{
	igbvf_track_destroy(&priv(p2p)->track);
}

static void igbvf_reset_done(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);

	WRITE_ONCE(vf->quiesced, false);
	vf->stopped = false;
	vf->raise_on_run = false;
	vf->caps_seen = false;
	vf->regs_staged = false;
	igbvf_mbx_forget(&vf->mbx);
	igbvf_track_lose(&vf->track);
}

/*
 * Wait until a queue control register reports the queue disabled; @stuck
 * (fault injection) makes it wait in vain, as for a queue that never stops.
 */
static int wait_disabled(struct p2pmig_device *p2p, u32 reg, bool stuck)
{
	u32 val;

	return read_poll_timeout(p2pmig_rd32, val,
				 !stuck && !(val & IGBVF_XDCTL_ENABLE), 100,
				 IGBVF_DISABLE_TIMEOUT_US, false, p2p, reg);
}

/*
 * Give the queues back the controls quiesce found, and rewrite each enabled
 * queue's tail: a queue enabled again fetches descriptors only after a tail
 * write (82576; QEMU's model likewise transmits only on a TDT write).
 */
static void restore_queues(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);
	int q;

	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		wr(p2p, IGBVF_RXDCTL(q), vf->rxdctl[q]);
		wr(p2p, IGBVF_TXDCTL(q), vf->txdctl[q]);
	}
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		if (vf->rxdctl[q] & IGBVF_XDCTL_ENABLE)
			wr(p2p, IGBVF_RDT(q), rd(p2p, IGBVF_RDT(q)));
		if (vf->txdctl[q] & IGBVF_XDCTL_ENABLE)
			wr(p2p, IGBVF_TDT(q), rd(p2p, IGBVF_TDT(q)));
	}
}

static int igbvf_quiesce(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);
	bool stuck = igbvf_fail_quiesce(p2p);
	int q, ret = 0;

	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		vf->rxdctl[q] = rd(p2p, IGBVF_RXDCTL(q));
		vf->txdctl[q] = rd(p2p, IGBVF_TXDCTL(q));
	}
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		wr(p2p, IGBVF_RXDCTL(q), vf->rxdctl[q] & ~IGBVF_XDCTL_ENABLE);
		wr(p2p, IGBVF_TXDCTL(q), vf->txdctl[q] & ~IGBVF_XDCTL_ENABLE);
	}
	for (q = 0; q < IGBVF_NR_QUEUES && !ret; q++) {
		ret = wait_disabled(p2p, IGBVF_RXDCTL(q), stuck);
		if (!ret)
			ret = wait_disabled(p2p, IGBVF_TXDCTL(q), false);
	}
	if (ret) {
		p2pmig_err(p2p, "queue %d did not stop within %d us: it runs on\n",
			   q - 1, IGBVF_DISABLE_TIMEOUT_US);
		restore_queues(p2p);
		return ret;
	}
	WRITE_ONCE(vf->quiesced, true);
	return 0;
}

static void igbvf_unquiesce(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);

	if (!vf->quiesced)
		return;
	restore_queues(p2p);
	WRITE_ONCE(vf->quiesced, false);
	/* after a resume: the vectors load_finish chose (see there) */
	if (vf->raise_on_run) {
		wr(p2p, IGBVF_VTEICS, vf->eims);
		vf->raise_on_run = false;
	}
}

static int igbvf_stop(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);

	vf->eims = rd(p2p, IGBVF_VTEIMS) & IGBVF_VECTORS_MASK;
	wr(p2p, IGBVF_VTEIMC, IGBVF_VECTORS_MASK);
	vf->stopped = true;
	igbvf_mbx_settle(&vf->mbx);
	return 0;
}

static void igbvf_start(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);

	if (!vf->stopped)
		return;
	if (vf->eims)
		wr(p2p, IGBVF_VTEIMS, vf->eims);
	vf->stopped = false;
}

static int igbvf_save_initial(struct p2pmig_device *p2p, struct p2pmig_out *out)
{
	struct igbvf_caps_rec caps = {
		.queues = cpu_to_le32(IGBVF_NR_QUEUES),
		.vectors = cpu_to_le32(IGBVF_NR_VECTORS),
	};

	int ret;

	ret = p2pmig_emit(out, IGBVF_REC_CAPS, &caps, sizeof(caps));
	if (!ret)
		ret = igbvf_mbx_save_config(&priv(p2p)->mbx, out, IGBVF_SAVE_INITIAL);
	return ret;
}

static int igbvf_save_dirty(struct p2pmig_device *p2p, struct p2pmig_out *out)
{
	return igbvf_mbx_save_config(&priv(p2p)->mbx, out, IGBVF_SAVE_DIRTY);
}

static int igbvf_save_final(struct p2pmig_device *p2p, struct p2pmig_out *out)
{
	struct igbvf_priv *vf = priv(p2p);
	struct igbvf_regs_rec *r;
	int q, i, ret;

	/* a configuration change not sent yet goes first */
	ret = igbvf_mbx_save_config(&vf->mbx, out, IGBVF_SAVE_FINAL);
	if (ret)
		return ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(igbvf_rec_regs); i++)
		rec_set(r, i, rd(p2p, igbvf_rec_regs[i].reg));
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		r->q[q].rxdctl = cpu_to_le32(vf->quiesced ? vf->rxdctl[q] :
					     rd(p2p, IGBVF_RXDCTL(q)));
		r->q[q].txdctl = cpu_to_le32(vf->quiesced ? vf->txdctl[q] :
					     rd(p2p, IGBVF_TXDCTL(q)));
	}
	r->eims = cpu_to_le32(vf->stopped ? vf->eims :
			      rd(p2p, IGBVF_VTEIMS) & IGBVF_VECTORS_MASK);
	r->v2p_r2c = cpu_to_le32(igbvf_mbx_save_mem(&vf->mbx, r->vmbmem));

	ret = p2pmig_emit(out, IGBVF_REC_REGS, r, sizeof(*r));
	kfree(r);
	if (!ret) {
		struct igbvf_stats_rec stats;

		igbvf_mbx_save_stats(&vf->mbx, &stats);
		ret = p2pmig_emit(out, IGBVF_REC_STATS, &stats, sizeof(stats));
	}
	return ret;
}

/*
 * Capabilities; the configuration: initial, up to IGBVF_CFG_UPDATES more
 * times as dirty data, and once more in the final data (a change made
 * while an unread one is queued replaces it); the state.
 */
static size_t igbvf_stream_size(struct p2pmig_device *p2p)
{
	return P2PMIG_REC_HDR_LEN + sizeof(struct igbvf_caps_rec) +
	       (IGBVF_CFG_UPDATES + 2) *
	       (P2PMIG_REC_HDR_LEN + sizeof(struct igbvf_config_rec)) +
	       P2PMIG_REC_HDR_LEN + sizeof(struct igbvf_regs_rec) +
	       P2PMIG_REC_HDR_LEN + sizeof(struct igbvf_stats_rec);
}

static int igbvf_load_begin(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);

	vf->caps_seen = false;
	vf->regs_staged = false;
	igbvf_mbx_load_begin(&vf->mbx);
	memset(&vf->staged, 0, sizeof(vf->staged));
	return 0;
}

static int igbvf_load_header(struct p2pmig_device *p2p,
			     const struct p2pmig_stream_hdr *hdr)
{
	if (hdr->backend_version != IGBVF_BACKEND_VERSION) {
		p2pmig_err(p2p, "resume stream has igbvf layout version %u, this driver reads %u\n",
			   hdr->backend_version, IGBVF_BACKEND_VERSION);
		return -EINVAL;
	}
	return 0;
}

static int load_caps(struct p2pmig_device *p2p, const u8 *payload, u32 len)
{
	const char *why;
	u64 why_arg;

	if (igbvf_rec_check_caps(payload, len, &why, &why_arg))
		return igbvf_reject_rec(p2p, "capabilities", why, why_arg);
	priv(p2p)->caps_seen = true;
	return 0;
}

static int load_regs(struct p2pmig_device *p2p, const u8 *payload, u32 len)
{
	struct igbvf_priv *vf = priv(p2p);
	const char *why;
	u64 why_arg;

	if (igbvf_rec_check_regs(payload, len, &why, &why_arg))
		return igbvf_reject_rec(p2p, "register", why, why_arg);
	if (vf->regs_staged) {
		p2pmig_err(p2p, "resume stream has a second igbvf register record\n");
		return -EINVAL;
	}
	vf->staged = *(const struct igbvf_regs_rec *)payload;
	vf->regs_staged = true;
	return 0;
}

static int igbvf_load_record(struct p2pmig_device *p2p,
			     const struct p2pmig_record *rec, const u8 *payload)
{
	switch (rec->type & P2PMIG_REC_TYPE_MASK) {
	case IGBVF_REC_CAPS:
		return load_caps(p2p, payload, rec->len);
	case IGBVF_REC_REGS:
		return load_regs(p2p, payload, rec->len);
	case IGBVF_REC_CONFIG:
		return igbvf_mbx_load_config(&priv(p2p)->mbx, payload, rec->len);
	case IGBVF_REC_STATS & P2PMIG_REC_TYPE_MASK:
		return igbvf_mbx_load_stats(&priv(p2p)->mbx, payload, rec->len);
	default:
		return P2PMIG_REC_UNKNOWN;
	}
}

static int igbvf_load_check(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);
	const char *why;
	int ret;

	ret = igbvf_rec_check_complete(vf->caps_seen, vf->mbx.cfg_seen,
				       vf->regs_staged, &why);
	if (ret)
		p2pmig_err(p2p, "resume stream %s\n", why);
	return ret;
}

/* The staged register record goes in: queues off and vectors masked. */
static int write_regs(struct p2pmig_device *p2p, const struct igbvf_regs_rec *r)
{
	struct igbvf_priv *vf = priv(p2p);
	int q, i;

	/*
	 * Queues off and interrupts masked while the rest goes in.  STOP, the
	 * way into RESUMING, left them so; the queue controls go in as they
	 * are when the device runs again (restore_queues()).
	 */
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		vf->rxdctl[q] = le32_to_cpu(r->q[q].rxdctl);
		vf->txdctl[q] = le32_to_cpu(r->q[q].txdctl);
		if (vf->quiesced)
			continue;
		wr(p2p, IGBVF_RXDCTL(q), vf->rxdctl[q] & ~IGBVF_XDCTL_ENABLE);
		wr(p2p, IGBVF_TXDCTL(q), vf->txdctl[q] & ~IGBVF_XDCTL_ENABLE);
	}
	if (!vf->stopped)
		wr(p2p, IGBVF_VTEIMC, IGBVF_VECTORS_MASK);

	for (i = 0; i < ARRAY_SIZE(igbvf_rec_regs); i++)
		wr(p2p, igbvf_rec_regs[i].reg, rec_get(r, i));
	return 0;
}

static int write_mbx(struct igbvf_mbx *mbx, const struct igbvf_regs_rec *r)
{
	igbvf_mbx_load_finish(mbx, r->vmbmem, le32_to_cpu(r->v2p_r2c));
	return 0;
}

static int restore_track(struct p2pmig_device *p2p, const struct igbvf_regs_rec *r)
{
	struct igbvf_dirty_tx_cfg tx[IGBVF_DIRTY_NR_QUEUES];
	int q;

	BUILD_BUG_ON(IGBVF_DIRTY_NR_QUEUES != IGBVF_NR_QUEUES);
	for (q = 0; q < IGBVF_NR_QUEUES; q++) {
		const struct igbvf_queue_regs *qr = &r->q[q];

		tx[q] = (struct igbvf_dirty_tx_cfg){
			.base = (u64)le32_to_cpu(qr->tdbah) << 32 | le32_to_cpu(qr->tdbal),
			.len = le32_to_cpu(qr->tdlen),
			.wbal = le32_to_cpu(qr->tdwbal),
			.wbah = le32_to_cpu(qr->tdwbah),
			.enabled = le32_to_cpu(qr->txdctl) & IGBVF_XDCTL_ENABLE,
		};
	}
	igbvf_track_restored(&priv(p2p)->track, tx);
	return 0;
}

/* The parts are steps of their own in the trace (p2pmig_step). */
static int igbvf_load_finish(struct p2pmig_device *p2p)
{
	struct igbvf_priv *vf = priv(p2p);
	const struct igbvf_regs_rec *r = &vf->staged;

	P2PMIG_STEP(p2p, "load_regs", write_regs(p2p, r));
	P2PMIG_STEP(p2p, "load_mbx", write_mbx(&vf->mbx, r));

	/*
	 * STOP, as a source would be: leaving STOP and P2P restore the rest.
	 * A vector the guest set to auto-mask (EIAM) that is masked fired on
	 * the source, and its handler, which unmasks it, has not run yet: the
	 * message may not have reached the guest before the source stopped
	 * (QEMU drops what it had not injected).  Such a vector is unmasked
	 * and raised here, as are the unmasked ones; one spurious interrupt
	 * costs the guest a ring or mailbox check, a lost one stops that
	 * vector for good.
	 */
	WRITE_ONCE(vf->quiesced, true);
	vf->eims = (le32_to_cpu(r->eims) | le32_to_cpu(r->eiam)) & IGBVF_VECTORS_MASK;
	vf->stopped = true;
	vf->raise_on_run = true;
	vf->regs_staged = false;
	P2PMIG_STEP(p2p, "load_track", restore_track(p2p, r));
	return 0;
}

/*
 * The trapped windows: the first page (control, mailbox, statistics) is
 * the mailbox layer's; the queue registers' pages, trapped for device
 * dirty tracking only, are the tracker's.
 */
static const struct p2pmig_trap igbvf_traps[] = {
	{ .offset = 0, .size = 0x1000 },
	{ .offset = IGBVF_TRACK_WINDOW, .size = IGBVF_TRACK_WINDOW_SIZE, .dirty = true },
};

static u32 igbvf_trap_read(struct p2pmig_device *p2p, u32 off)
{
	if (off < IGBVF_TRACK_WINDOW)
		return igbvf_mbx_trap_read(&priv(p2p)->mbx, off);
	return rd(p2p, off);
}

static void igbvf_trap_fetch(struct p2pmig_device *p2p, u32 off, u32 val)
{
	igbvf_track_fetch(p2p, &priv(p2p)->track, off, val);
}

static void igbvf_trap_write(struct p2pmig_device *p2p, u32 off, u32 val)
{
	struct igbvf_priv *vf = priv(p2p);

	if (off >= IGBVF_TRACK_WINDOW) {
		igbvf_track_write(p2p, &vf->track, off, val);
		return;
	}
	igbvf_mbx_trap_write(&vf->mbx, off, val);
	/* a VF reset clears the queues */
	if (off == IGBVF_VTCTRL && (val & IGBVF_VTCTRL_RST))
		igbvf_track_lose(&vf->track);
}

static void igbvf_release(struct p2pmig_device *p2p)
{
	igbvf_mbx_release(&priv(p2p)->mbx);
	igbvf_track_lose(&priv(p2p)->track);
}

static int igbvf_log_start(struct p2pmig_device *p2p,
			   const struct p2pmig_log_range *ranges,
			   unsigned int nranges, u64 *page_size)
{
	return igbvf_track_log_start(p2p, &priv(p2p)->track, ranges, nranges, page_size);
}

static void igbvf_log_stop(struct p2pmig_device *p2p)
{
	igbvf_track_log_stop(&priv(p2p)->track);
}

static int igbvf_log_report(struct p2pmig_device *p2p, u64 iova, u64 len,
			    p2pmig_log_set_fn set, void *arg)
{
	struct igbvf_priv *vf = priv(p2p);

	/* set under the state mutex, which a report does not take */
	return igbvf_track_log_report(p2p, &vf->track, iova, len,
				      READ_ONCE(vf->quiesced), set, arg);
}

static bool igbvf_dirty_pending(struct p2pmig_device *p2p)
{
	return igbvf_mbx_cfg_dirty(&priv(p2p)->mbx);
}

static int igbvf_load_prepare(struct p2pmig_device *p2p)
{
	return igbvf_mbx_load_config_finish(&priv(p2p)->mbx);
}

const struct p2pmig_backend p2pmig_igbvf_backend = {
	.name		= "igbvf",
	.vendor		= PCI_VENDOR_ID_INTEL,
	.device		= IGBVF_DEVICE_ID,
	.version	= IGBVF_BACKEND_VERSION,
	.bar0_size	= IGBVF_BAR0_SIZE,
	.priv_size	= sizeof(struct igbvf_priv),
	.traps		= igbvf_traps,
	.ntraps		= ARRAY_SIZE(igbvf_traps),
	.trap_read	= igbvf_trap_read,
	.trap_fetch	= igbvf_trap_fetch,
	.trap_write	= igbvf_trap_write,
	.log_max_ranges	= IGBVF_DIRTY_MAX_RANGES,
	.log_start	= igbvf_log_start,
	.log_stop	= igbvf_log_stop,
	.log_report	= igbvf_log_report,
	.init		= igbvf_init,
	.fini		= igbvf_fini,
	.reset_done	= igbvf_reset_done,
	.release	= igbvf_release,
	.quiesce	= igbvf_quiesce,
	.unquiesce	= igbvf_unquiesce,
	.stop		= igbvf_stop,
	.start		= igbvf_start,
	.save_initial	= igbvf_save_initial,
	.save_dirty	= igbvf_save_dirty,
	.dirty_pending	= igbvf_dirty_pending,
	.save_final	= igbvf_save_final,
	.stream_size	= igbvf_stream_size,
	.load_begin	= igbvf_load_begin,
	.load_header	= igbvf_load_header,
	.load_record	= igbvf_load_record,
	.load_check	= igbvf_load_check,
	.load_prepare	= igbvf_load_prepare,
	.load_finish	= igbvf_load_finish,
};
