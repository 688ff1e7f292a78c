// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig: the VFIO migration state machine, as data.
 *
 * Two tables describe it.  p2pmig_arcs[] lists the arcs a device takes in
 * one step, with the features each needs, what each does with data_fd and
 * the action (enum p2pmig_arc_op) the migration core takes on it; they are
 * the arcs the uAPI defines (include/uapi/linux/vfio.h, above enum
 * vfio_device_mig_state), and the only ones the migration core implements.  p2pmig_routes[][] is a
 * routing table: for every requested state, the next hop from every other
 * state along the shortest path a device with every optional state would
 * take, where a saving-group state (PRE_COPY, PRE_COPY_P2P, STOP_COPY) is
 * never an interior hop unless the path starts and ends in that group.
 *
 * A device that lacks an optional state behaves as if that state were the
 * one it merges into (RUNNING_P2P into RUNNING or STOP, PRE_COPY_P2P into
 * PRE_COPY or STOP_COPY), so its next hop is found by walking the route on
 * past every state it does not have.  The walk is bounded by the number of
 * states and stops at a blocked route, so it always terminates.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/errno.h>
#include <linux/kernel.h>

#include "fsm.h"

#define F_P2P		P2PMIG_F_P2P
#define F_PRE		P2PMIG_F_PRE_COPY

#define S_STOP	P2PMIG_STOP
#define S_RUN	P2PMIG_RUNNING
#define S_SC	P2PMIG_STOP_COPY
#define S_RES	P2PMIG_RESUMING
#define S_RP2P	P2PMIG_RUNNING_P2P
#define S_PC	P2PMIG_PRE_COPY
#define S_PCP2P	P2PMIG_PRE_COPY_P2P
#define S_BLOCK	P2PMIG_ERROR

/*
 * Every arc: what it does with data_fd, what the migration core does to
 * take it, and whether that may touch the device.  This is the only list
 * of arcs; mig.c implements each action once.
 */
static const struct {
	u8 from;
	u8 to;
	u8 kind;	/* enum p2pmig_arc */
	u8 op;		/* enum p2pmig_arc_op */
	bool device;	/* the action may touch the device */
	u8 needs;	/* features that must be present */
	u8 unless;	/* features that must be absent */
} p2pmig_arcs[] = {
	/* arcs every migratable device has */
	{ S_STOP, S_SC, P2PMIG_ARC_OPEN_SAVE, P2PMIG_OP_OPEN_STOP_COPY, true, 0, 0 },
	{ S_SC, S_STOP, P2PMIG_ARC_CLOSE, P2PMIG_OP_END_SAVE, false, 0, 0 },
	{ S_STOP, S_RES, P2PMIG_ARC_OPEN_RESUME, P2PMIG_OP_OPEN_RESUME, false, 0, 0 },
	{ S_RES, S_STOP, P2PMIG_ARC_CLOSE, P2PMIG_OP_FINISH_RESUME, true, 0, 0 },
	/* without P2P, RUNNING and STOP are neighbours */
	{ S_RUN, S_STOP, P2PMIG_ARC_PLAIN, P2PMIG_OP_QUIESCE_STOP, true, 0, F_P2P },
	{ S_STOP, S_RUN, P2PMIG_ARC_PLAIN, P2PMIG_OP_START_UNQUIESCE, true, 0, F_P2P },
	/* with P2P, RUNNING_P2P sits between them */
	{ S_RUN, S_RP2P, P2PMIG_ARC_PLAIN, P2PMIG_OP_QUIESCE, true, F_P2P, 0 },
	{ S_RP2P, S_RUN, P2PMIG_ARC_PLAIN, P2PMIG_OP_UNQUIESCE, true, F_P2P, 0 },
	{ S_RP2P, S_STOP, P2PMIG_ARC_PLAIN, P2PMIG_OP_STOP, true, F_P2P, 0 },
	{ S_STOP, S_RP2P, P2PMIG_ARC_PLAIN, P2PMIG_OP_START, true, F_P2P, 0 },
	/* pre-copy */
	{ S_RUN, S_PC, P2PMIG_ARC_OPEN_SAVE, P2PMIG_OP_OPEN_PRE_COPY, false, F_PRE, 0 },
	{ S_PC, S_RUN, P2PMIG_ARC_CLOSE, P2PMIG_OP_END_SAVE, false, F_PRE, 0 },
	{ S_PC, S_SC, P2PMIG_ARC_IN_SESSION, P2PMIG_OP_QUIESCE_FINISH_SAVE, true, F_PRE, F_P2P },
	/* pre-copy with P2P */
	{ S_PC, S_PCP2P, P2PMIG_ARC_IN_SESSION, P2PMIG_OP_QUIESCE, true, F_PRE | F_P2P, 0 },
	{ S_PCP2P, S_PC, P2PMIG_ARC_IN_SESSION, P2PMIG_OP_UNQUIESCE, true, F_PRE | F_P2P, 0 },
	{ S_RP2P, S_PCP2P, P2PMIG_ARC_OPEN_SAVE, P2PMIG_OP_OPEN_PRE_COPY, false, F_PRE | F_P2P, 0 },
	{ S_PCP2P, S_RP2P, P2PMIG_ARC_CLOSE, P2PMIG_OP_END_SAVE, false, F_PRE | F_P2P, 0 },
	{ S_PCP2P, S_SC, P2PMIG_ARC_IN_SESSION, P2PMIG_OP_FINISH_SAVE, true, F_PRE | F_P2P, 0 },
};

/*
 * p2pmig_routes[target][from]: the next hop from @from toward @target with
 * every optional state present.  P2PMIG_ERROR marks a blocked route (the
 * uAPI forbids STOP_COPY -> PRE_COPY/PRE_COPY_P2P); rows and columns of
 * ERROR are never used.
 */
static const u8 p2pmig_routes[P2PMIG_NR_STATES][P2PMIG_NR_STATES] = {
	[P2PMIG_STOP] = {
		[S_STOP] = S_STOP,	[S_RUN] = S_RP2P,	[S_SC] = S_STOP,
		[S_RES] = S_STOP,	[S_RP2P] = S_STOP,	[S_PC] = S_RUN,
		[S_PCP2P] = S_RP2P,
	},
	[P2PMIG_RUNNING] = {
		[S_STOP] = S_RP2P,	[S_RUN] = S_RUN,	[S_SC] = S_STOP,
		[S_RES] = S_STOP,	[S_RP2P] = S_RUN,	[S_PC] = S_RUN,
		[S_PCP2P] = S_RP2P,
	},
	[P2PMIG_STOP_COPY] = {
		[S_STOP] = S_SC,	[S_RUN] = S_RP2P,	[S_SC] = S_SC,
		[S_RES] = S_STOP,	[S_RP2P] = S_STOP,	[S_PC] = S_PCP2P,
		[S_PCP2P] = S_SC,
	},
	[P2PMIG_RESUMING] = {
		[S_STOP] = S_RES,	[S_RUN] = S_RP2P,	[S_SC] = S_STOP,
		[S_RES] = S_RES,	[S_RP2P] = S_STOP,	[S_PC] = S_RUN,
		[S_PCP2P] = S_RP2P,
	},
	[P2PMIG_RUNNING_P2P] = {
		[S_STOP] = S_RP2P,	[S_RUN] = S_RP2P,	[S_SC] = S_STOP,
		[S_RES] = S_STOP,	[S_RP2P] = S_RP2P,	[S_PC] = S_RUN,
		[S_PCP2P] = S_RP2P,
	},
	[P2PMIG_PRE_COPY] = {
		[S_STOP] = S_RP2P,	[S_RUN] = S_PC,		[S_SC] = S_BLOCK,
		[S_RES] = S_STOP,	[S_RP2P] = S_RUN,	[S_PC] = S_PC,
		[S_PCP2P] = S_PC,
	},
	[P2PMIG_PRE_COPY_P2P] = {
		[S_STOP] = S_RP2P,	[S_RUN] = S_RP2P,	[S_SC] = S_BLOCK,
		[S_RES] = S_STOP,	[S_RP2P] = S_PCP2P,	[S_PC] = S_PCP2P,
		[S_PCP2P] = S_PCP2P,
	},
};

static const char * const p2pmig_state_names[P2PMIG_NR_STATES] = {
	[P2PMIG_ERROR]		= "ERROR",
	[P2PMIG_STOP]		= "STOP",
	[P2PMIG_RUNNING]	= "RUNNING",
	[P2PMIG_STOP_COPY]	= "STOP_COPY",
	[P2PMIG_RESUMING]	= "RESUMING",
	[P2PMIG_RUNNING_P2P]	= "RUNNING_P2P",
	[P2PMIG_PRE_COPY]	= "PRE_COPY",
	[P2PMIG_PRE_COPY_P2P]	= "PRE_COPY_P2P",
};

/**
 * p2pmig_state_name() - the uAPI name of a migration state
 * @state: a state, possibly out of range
 *
 * Return: "STOP", "PRE_COPY_P2P", ... or "INVALID".
 */
const char *p2pmig_state_name(u32 state)
{
	return state < P2PMIG_NR_STATES ? p2pmig_state_names[state] : "INVALID";
}

/**
 * p2pmig_fsm_state_supported() - may a device with @features be in @state?
 * @features: P2PMIG_F_* flags the device offers
 * @state: a state, possibly out of range
 *
 * ERROR is reachable by any device (on failure) but is not a state one can
 * ask for; callers check that separately.
 *
 * Return: true if @state exists for such a device.
 */
bool p2pmig_fsm_state_supported(u32 features, u32 state)
{
	switch (state) {
	case P2PMIG_ERROR:
	case P2PMIG_STOP:
	case P2PMIG_RUNNING:
	case P2PMIG_STOP_COPY:
	case P2PMIG_RESUMING:
		return features & P2PMIG_F_STOP_COPY;
	case P2PMIG_RUNNING_P2P:
		return (features & (P2PMIG_F_STOP_COPY | F_P2P)) ==
		       (P2PMIG_F_STOP_COPY | F_P2P);
	case P2PMIG_PRE_COPY:
		return (features & (P2PMIG_F_STOP_COPY | F_PRE)) ==
		       (P2PMIG_F_STOP_COPY | F_PRE);
	case P2PMIG_PRE_COPY_P2P:
		return (features & (P2PMIG_F_STOP_COPY | F_PRE | F_P2P)) ==
		       (P2PMIG_F_STOP_COPY | F_PRE | F_P2P);
	default:
		return false;
	}
}

/**
 * p2pmig_fsm_arc() - is @from -> @to one step for a device with @features?
 * @features: P2PMIG_F_* flags the device offers
 * @from: current state
 * @to: state after the step
 *
 * Return: what the arc does with data_fd, the action that takes it and
 * whether that may touch the device; P2PMIG_ARC_NONE and P2PMIG_OP_NONE if
 * it is not an arc.
 */
struct p2pmig_arc_info p2pmig_fsm_arc(u32 features, u32 from, u32 to)
{
	struct p2pmig_arc_info none = { P2PMIG_ARC_NONE, P2PMIG_OP_NONE, false };
	unsigned int i;

	if (!(features & P2PMIG_F_STOP_COPY))
		return none;
	for (i = 0; i < ARRAY_SIZE(p2pmig_arcs); i++) {
		if (p2pmig_arcs[i].from != from || p2pmig_arcs[i].to != to)
			continue;
		if ((features & p2pmig_arcs[i].needs) != p2pmig_arcs[i].needs ||
		    (features & p2pmig_arcs[i].unless))
			return none;
		return (struct p2pmig_arc_info) {
			.kind = p2pmig_arcs[i].kind,
			.op = p2pmig_arcs[i].op,
			.device = p2pmig_arcs[i].device,
		};
	}
	return none;
}

/**
 * p2pmig_fsm_next_state() - the next step from @cur toward @target
 * @features: P2PMIG_F_* flags the device offers
 * @cur: the device's current state
 * @target: the state the user asked for
 * @next: the state to step to next (== @cur if @cur is @target)
 *
 * Return: 0, or -EINVAL if @target cannot be asked for (ERROR, out of
 * range, or a state the device lacks), if @cur is ERROR (only a reset
 * leaves it), or if the uAPI forbids going from @cur to @target.
 */
int p2pmig_fsm_next_state(u32 features, u32 cur, u32 target, u32 *next)
{
	unsigned int hops;
	u32 s = cur;

	if (cur == P2PMIG_ERROR || target == P2PMIG_ERROR ||
	    !p2pmig_fsm_state_supported(features, cur) ||
	    !p2pmig_fsm_state_supported(features, target))
		return -EINVAL;

	if (cur == target) {
		*next = cur;
		return 0;
	}

	/* walk past the states this device does not have */
	for (hops = 0; hops < P2PMIG_NR_STATES; hops++) {
		s = p2pmig_routes[target][s];
		if (s == S_BLOCK)
			return -EINVAL;
		if (p2pmig_fsm_state_supported(features, s)) {
			*next = s;
			return 0;
		}
	}
	return -EINVAL;
}
