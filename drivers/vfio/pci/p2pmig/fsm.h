/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig: the VFIO migration state machine, as data.
 *
 * Pure code: fixed-width types and errno values only, so the same source
 * builds into the module and into the userspace test that checks it against
 * a breadth-first search over the uAPI's arc graph.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_FSM_H
#define P2PMIG_FSM_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/bits.h>
#endif

/* The uAPI's enum vfio_device_mig_state values (they are ABI). */
enum p2pmig_state {
	P2PMIG_ERROR		= 0,
	P2PMIG_STOP		= 1,
	P2PMIG_RUNNING		= 2,
	P2PMIG_STOP_COPY	= 3,
	P2PMIG_RESUMING		= 4,
	P2PMIG_RUNNING_P2P	= 5,
	P2PMIG_PRE_COPY		= 6,
	P2PMIG_PRE_COPY_P2P	= 7,
	P2PMIG_NR_STATES
};

/* The uAPI's VFIO_MIGRATION_* feature flags. */
#define P2PMIG_F_STOP_COPY	BIT(0)
#define P2PMIG_F_P2P		BIT(1)
#define P2PMIG_F_PRE_COPY	BIT(2)

/**
 * enum p2pmig_arc - what an arc of the state machine does with data_fd
 * @P2PMIG_ARC_NONE: not an arc: never taken in one step
 * @P2PMIG_ARC_PLAIN: changes the device's operation, no file involved
 * @P2PMIG_ARC_OPEN_SAVE: opens a save session and returns its data_fd
 * @P2PMIG_ARC_OPEN_RESUME: opens a resume session and returns its data_fd
 * @P2PMIG_ARC_IN_SESSION: moves within the saving group; the session and
 *	its data_fd continue
 * @P2PMIG_ARC_CLOSE: ends the session the device was in
 */
enum p2pmig_arc {
	P2PMIG_ARC_NONE = 0,
	P2PMIG_ARC_PLAIN,
	P2PMIG_ARC_OPEN_SAVE,
	P2PMIG_ARC_OPEN_RESUME,
	P2PMIG_ARC_IN_SESSION,
	P2PMIG_ARC_CLOSE,
};

/**
 * enum p2pmig_arc_op - what the migration core does on an arc
 * @P2PMIG_OP_NONE: nothing: not an arc
 * @P2PMIG_OP_QUIESCE: no new DMA, none outstanding; MMIO still served
 * @P2PMIG_OP_UNQUIESCE: DMA again, exactly what was enabled before
 * @P2PMIG_OP_STOP: also no interrupts, no change of device state
 * @P2PMIG_OP_START: interrupts again, DMA still quiesced
 * @P2PMIG_OP_QUIESCE_STOP: quiesce, then stop (undoing the quiesce if
 *	stopping fails)
 * @P2PMIG_OP_START_UNQUIESCE: start, then unquiesce
 * @P2PMIG_OP_OPEN_PRE_COPY: open a save session that begins with the
 *	initial data; the device keeps running
 * @P2PMIG_OP_OPEN_STOP_COPY: open a save session of the whole stream at
 *	once, from a stopped device
 * @P2PMIG_OP_FINISH_SAVE: stop, then queue the rest of the stream
 * @P2PMIG_OP_QUIESCE_FINISH_SAVE: quiesce and stop, then queue the rest of
 *	the stream
 * @P2PMIG_OP_END_SAVE: end the save session
 * @P2PMIG_OP_OPEN_RESUME: open a resume session
 * @P2PMIG_OP_FINISH_RESUME: check the stream, load its final state into
 *	the device and end the resume session
 * @P2PMIG_NR_OPS: number of values, not an action
 */
enum p2pmig_arc_op {
	P2PMIG_OP_NONE = 0,
	P2PMIG_OP_QUIESCE,
	P2PMIG_OP_UNQUIESCE,
	P2PMIG_OP_STOP,
	P2PMIG_OP_START,
	P2PMIG_OP_QUIESCE_STOP,
	P2PMIG_OP_START_UNQUIESCE,
	P2PMIG_OP_OPEN_PRE_COPY,
	P2PMIG_OP_OPEN_STOP_COPY,
	P2PMIG_OP_FINISH_SAVE,
	P2PMIG_OP_QUIESCE_FINISH_SAVE,
	P2PMIG_OP_END_SAVE,
	P2PMIG_OP_OPEN_RESUME,
	P2PMIG_OP_FINISH_RESUME,
	P2PMIG_NR_OPS
};

/**
 * struct p2pmig_arc_info - one arc of the state machine
 * @kind: what the arc does with data_fd; P2PMIG_ARC_NONE if it is no arc
 * @op: what the migration core does to take it
 * @device: whether @op may touch the device (then the arc is refused while
 *	the device's memory is disabled or it is powered down)
 */
struct p2pmig_arc_info {
	enum p2pmig_arc kind;
	enum p2pmig_arc_op op;
	bool device;
};

const char *p2pmig_state_name(u32 state);
bool p2pmig_fsm_state_supported(u32 features, u32 state);
struct p2pmig_arc_info p2pmig_fsm_arc(u32 features, u32 from, u32 to);
int p2pmig_fsm_next_state(u32 features, u32 cur, u32 target, u32 *next);

#endif /* P2PMIG_FSM_H */
