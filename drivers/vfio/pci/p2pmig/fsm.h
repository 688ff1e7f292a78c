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

const char *p2pmig_state_name(u32 state);
bool p2pmig_fsm_state_supported(u32 features, u32 state);
enum p2pmig_arc p2pmig_fsm_arc(u32 features, u32 from, u32 to);
int p2pmig_fsm_next_state(u32 features, u32 cur, u32 target, u32 *next);

#endif /* P2PMIG_FSM_H */
