/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig igbvf backend, mailbox layer: the trapped page of BAR0, the
 * shadow of the VF's PF-side configuration and its replay (igbvf_mbx.c).
 *
 * The layer sits below the register backend (igbvf.c): igbvf.c calls it,
 * it calls nothing of igbvf.c's and keeps all it needs in struct igbvf_mbx.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_IGBVF_MBX_H
#define P2PMIG_IGBVF_MBX_H

#include <linux/bits.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "igbvf_rec.h"

struct p2pmig_device;
struct p2pmig_out;

/* the registers of the trapped page the mailbox layer acts on */
#define IGBVF_VTCTRL		0x0000
#define IGBVF_VTCTRL_RST	BIT(26)
#define IGBVF_VMBMEM(i)		(0x0800 + 4 * (i))
#define IGBVF_V2PMAILBOX	0x0c40
#define IGBVF_PBACL		0x0f04	/* see igbvf_quirk_drop_pbacl() */

/* V2PMAILBOX bits */
#define IGBVF_MBX_REQ		BIT(0)
#define IGBVF_MBX_ACK		BIT(1)
#define IGBVF_MBX_VFU		BIT(2)
#define IGBVF_MBX_PFU		BIT(3)
#define IGBVF_MBX_PFSTS		BIT(4)
#define IGBVF_MBX_PFACK		BIT(5)
#define IGBVF_MBX_RSTI		BIT(6)
#define IGBVF_MBX_RSTD		BIT(7)
#define IGBVF_MBX_R2C		(IGBVF_MBX_PFSTS | IGBVF_MBX_PFACK | IGBVF_MBX_RSTD)

/* statistics registers: read-only, never reset, 32-bit wrapping */
#define IGBVF_STATS_FIRST	0x0f10
#define IGBVF_STATS_LAST	0x0f50

/*
 * Configuration changes a save session sends during pre-copy as records
 * of their own; a change made while one is queued unread replaces it, and
 * what comes after the last of these goes with the final data.
 */
#define IGBVF_CFG_UPDATES	4

/* what igbvf_mbx_save_config() is asked for */
enum igbvf_save {
	IGBVF_SAVE_INITIAL,	/* the initial record */
	IGBVF_SAVE_DIRTY,	/* a change, during pre-copy */
	IGBVF_SAVE_FINAL,	/* a change not sent yet, in STOP */
};

/**
 * struct igbvf_mbx - the mailbox layer's state, per VF
 * @p2p: the device, for its BAR0 and the core's services (logging, the
 *	stream, dirty notification); never its backend data
 * @qemu_model: the VF is QEMU's emulated 82576, whose departures from
 *	the silicon p2pmig works around: set and tested only by
 *	igbvf_quirks.h
 * @cfg_updates: configuration records sent as dirty data in this session
 * @lock: protects the fields below, shared with the trapped MMIO path
 * @cfg: the PF-side configuration the guest set (source) or that was
 *	replayed (destination)
 * @cfg_gen: changes with every change of @cfg
 * @cfg_sent: @cfg_gen when @cfg was last put in a stream
 * @pf_touched: requests reached the PF for this VF (the guest's or the
 *	replay's) since the last release: the PF may hold filters for it
 * @pending: the guest's mailbox request awaiting the PF's reply
 * @pending_valid: @pending holds one
 * @msg_open: the guest saw a message from the PF (PFSTS) and has not
 *	acknowledged it (ACK) yet: it may be reading the mailbox memory
 * @r2c: read-to-clear V2PMAILBOX bits read from the device, not yet by
 *	the guest
 * @stat_offset: added to each statistics register the guest reads
 * @cfg_seen: the resume stream's configuration record was accepted
 * @cfg_staged: @staged_cfg waits for the end of RESUMING (late replay)
 * @staged_cfg: a received configuration not replayed yet
 * @stats_staged: @staged_stats holds the source's statistics
 * @staged_stats: the statistics the guest saw on the source
 */
struct igbvf_mbx {
	struct p2pmig_device *p2p;
	bool qemu_model;
	unsigned int cfg_updates;

	spinlock_t lock;	/* see above */
	struct igbvf_cfg cfg;
	u32 cfg_gen;
	u32 cfg_sent;
	bool pf_touched;
	u32 pending[IGBVF_MBX_WORDS];
	bool pending_valid;
	bool msg_open;
	u32 r2c;
	u32 stat_offset[IGBVF_NR_STATS];

	bool cfg_seen;
	bool cfg_staged;
	struct igbvf_cfg staged_cfg;
	bool stats_staged;
	u32 staged_stats[IGBVF_NR_STATS];
};

void igbvf_mbx_init(struct igbvf_mbx *mbx, struct p2pmig_device *p2p);
int igbvf_reject_rec(struct p2pmig_device *p2p, const char *rec,
		     const char *why, u64 why_arg);

u32 igbvf_mbx_trap_read(struct igbvf_mbx *mbx, u32 off);
void igbvf_mbx_trap_write(struct igbvf_mbx *mbx, u32 off, u32 val);
void igbvf_mbx_settle(struct igbvf_mbx *mbx);
bool igbvf_mbx_cfg_dirty(struct igbvf_mbx *mbx);
void igbvf_mbx_forget(struct igbvf_mbx *mbx);
void igbvf_mbx_release(struct igbvf_mbx *mbx);
int igbvf_mbx_save_config(struct igbvf_mbx *mbx, struct p2pmig_out *out,
			  enum igbvf_save what);
void igbvf_mbx_save_stats(struct igbvf_mbx *mbx, struct igbvf_stats_rec *rec);
u32 igbvf_mbx_save_mem(struct igbvf_mbx *mbx, __le32 *vmbmem);
void igbvf_mbx_load_begin(struct igbvf_mbx *mbx);
int igbvf_mbx_load_config(struct igbvf_mbx *mbx, const u8 *payload, u32 len);
int igbvf_mbx_load_stats(struct igbvf_mbx *mbx, const u8 *payload, u32 len);
int igbvf_mbx_load_config_finish(struct igbvf_mbx *mbx);
void igbvf_mbx_load_finish(struct igbvf_mbx *mbx, const __le32 *vmbmem, u32 r2c);

#endif /* P2PMIG_IGBVF_MBX_H */
