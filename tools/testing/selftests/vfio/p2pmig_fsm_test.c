// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's next-state resolver (drivers/vfio/pci/p2pmig/fsm.c, built
 * here from the same source) against an independent breadth-first search
 * over the arc graph the uAPI defines, for all 8 x 8 (current, requested)
 * pairs of each of the four feature sets; and the action fsm.c names for
 * each arc against what the two states it joins differ by.  Runs on the
 * build host.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "fsm.h"

enum { ERR, STOP, RUN, SC, RES, RP2P, PC, PCP2P, NR };

static const char * const name[NR] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
	"PRE_COPY", "PRE_COPY_P2P",
};

#define P2P	(1u << 1)
#define PRE	(1u << 2)

/*
 * The arcs of include/uapi/linux/vfio.h ("The FSM takes actions on the arcs
 * between FSM states"), written out once more from the text, not from the
 * driver: which arcs exist for which features.
 */
static bool uapi_arc(unsigned int f, int from, int to)
{
	bool p2p = f & P2P, pre = f & PRE;

	switch (from * NR + to) {
	case STOP * NR + SC:
	case SC * NR + STOP:
	case STOP * NR + RES:
	case RES * NR + STOP:
		return true;
	case RUN * NR + STOP:
	case STOP * NR + RUN:
		return !p2p;
	case RUN * NR + RP2P:
	case RP2P * NR + RUN:
	case RP2P * NR + STOP:
	case STOP * NR + RP2P:
		return p2p;
	case RUN * NR + PC:
	case PC * NR + RUN:
		return pre;
	case PC * NR + SC:
		return pre && !p2p;
	case PC * NR + PCP2P:
	case PCP2P * NR + PC:
	case RP2P * NR + PCP2P:
	case PCP2P * NR + RP2P:
	case PCP2P * NR + SC:
		return pre && p2p;
	}
	return false;
}

static bool state_exists(unsigned int f, int s)
{
	switch (s) {
	case RP2P:
		return f & P2P;
	case PC:
		return f & PRE;
	case PCP2P:
		return (f & P2P) && (f & PRE);
	default:
		return s > ERR && s < NR;
	}
}

static bool saving(int s)
{
	return s == PC || s == PCP2P || s == SC;
}

/*
 * Shortest legal path length from @cur to @target, or -1 if none: every
 * hop an arc; a saving-group state only at the ends, unless both ends are
 * in the group, and then the path stays in it (one data session).
 */
static int bfs(unsigned int f, int cur, int target)
{
	bool in_group = saving(cur) && saving(target);
	int dist[NR], queue[NR], head = 0, tail = 0, s, t;

	for (s = 0; s < NR; s++)
		dist[s] = -1;
	dist[cur] = 0;
	queue[tail++] = cur;
	while (head < tail) {
		s = queue[head++];
		if (s == target)
			return dist[s];
		for (t = 1; t < NR; t++) {
			if (dist[t] >= 0 || !state_exists(f, t) || !uapi_arc(f, s, t))
				continue;
			if (t != target && saving(t) && !in_group)
				continue;
			if (in_group && !saving(t))
				continue;
			dist[t] = dist[s] + 1;
			queue[tail++] = t;
		}
	}
	return -1;
}

FIXTURE(fsm) {
	unsigned int features;
};

FIXTURE_VARIANT(fsm) {
	unsigned int features;
};

FIXTURE_VARIANT_ADD(fsm, stop_copy) { .features = P2PMIG_F_STOP_COPY };
FIXTURE_VARIANT_ADD(fsm, p2p) { .features = P2PMIG_F_STOP_COPY | P2PMIG_F_P2P };
FIXTURE_VARIANT_ADD(fsm, pre_copy) { .features = P2PMIG_F_STOP_COPY | P2PMIG_F_PRE_COPY };
FIXTURE_VARIANT_ADD(fsm, p2p_pre_copy) {
	.features = P2PMIG_F_STOP_COPY | P2PMIG_F_P2P | P2PMIG_F_PRE_COPY
};

FIXTURE_SETUP(fsm)
{
	self->features = variant->features;
}

FIXTURE_TEARDOWN(fsm)
{
}

/* Walk the resolver from @cur; returns the hop count or -1 on error. */
static int walk(struct __test_metadata *_metadata, unsigned int f, int cur,
		int target, int *path)
{
	u32 s = cur, next;
	int hops = 0;

	path[0] = cur;
	while ((int)s != target) {
		if (hops >= NR) {
			TH_LOG("%s -> %s: no arrival after %d hops", name[cur],
			       name[target], hops);
			return -1;
		}
		if (p2pmig_fsm_next_state(f, s, target, &next))
			return -1;
		path[++hops] = next;
		s = next;
	}
	return hops;
}

TEST_F(fsm, every_request_follows_a_shortest_legal_path)
{
	unsigned int f = self->features;
	int cur, target, path[NR + 1], want, got, i;

	for (cur = STOP; cur < NR; cur++) {
		for (target = STOP; target < NR; target++) {
			if (!state_exists(f, cur) || !state_exists(f, target))
				continue;
			want = bfs(f, cur, target);
			if (want < 0)
				continue;
			got = walk(_metadata, f, cur, target, path);
			EXPECT_EQ(want, got) TH_LOG("%s -> %s", name[cur], name[target]);
			for (i = 1; i <= got; i++) {
				EXPECT_TRUE(uapi_arc(f, path[i - 1], path[i]))
					TH_LOG("%s -> %s: hop %s -> %s is no uAPI arc",
					       name[cur], name[target],
					       name[path[i - 1]], name[path[i]]);
				if (i < got && !(saving(cur) && saving(target))) {
					EXPECT_FALSE(saving(path[i]))
						TH_LOG("%s -> %s passes through %s",
						       name[cur], name[target], name[path[i]]);
				}
			}
		}
	}
}

TEST_F(fsm, every_hop_is_an_arc_the_driver_implements)
{
	unsigned int f = self->features;
	int cur, target, path[NR + 1], got, i;

	for (cur = STOP; cur < NR; cur++) {
		for (target = STOP; target < NR; target++) {
			if (!state_exists(f, cur) || !state_exists(f, target) ||
			    bfs(f, cur, target) < 0)
				continue;
			got = walk(_metadata, f, cur, target, path);
			ASSERT_LE(0, got);
			for (i = 1; i <= got; i++) {
				enum p2pmig_arc kind = p2pmig_fsm_arc(f, path[i - 1], path[i]).kind;

				EXPECT_NE(P2PMIG_ARC_NONE, kind)
					TH_LOG("%s -> %s: hop %s -> %s not implemented",
					       name[cur], name[target],
					       name[path[i - 1]], name[path[i]]);
				/* a data_fd is returned by the last hop only */
				if (i < got) {
					EXPECT_TRUE(kind != P2PMIG_ARC_OPEN_SAVE &&
						    kind != P2PMIG_ARC_OPEN_RESUME)
						TH_LOG("%s -> %s opens a file at hop %d",
						       name[cur], name[target], i);
				}
			}
		}
	}
}

TEST_F(fsm, driver_arcs_are_exactly_the_uapi_arcs)
{
	unsigned int f = self->features;
	int from, to;

	for (from = ERR; from < NR; from++) {
		for (to = ERR; to < NR; to++) {
			bool uapi = state_exists(f, from) && state_exists(f, to) &&
				    uapi_arc(f, from, to);

			EXPECT_EQ(uapi, p2pmig_fsm_arc(f, from, to).kind != P2PMIG_ARC_NONE)
				TH_LOG("%s -> %s", name[from], name[to]);
		}
	}
}

TEST_F(fsm, data_fd_opens_exactly_on_uapi_arcs)
{
	unsigned int f = self->features;
	int from, to;

	for (from = ERR; from < NR; from++) {
		for (to = ERR; to < NR; to++) {
			enum p2pmig_arc kind = p2pmig_fsm_arc(f, from, to).kind;
			bool save = (from == RUN && to == PC) ||
				    (from == RP2P && to == PCP2P) ||
				    (from == STOP && to == SC);
			bool resume = from == STOP && to == RES;

			if (kind == P2PMIG_ARC_NONE)
				continue;
			EXPECT_EQ(save, kind == P2PMIG_ARC_OPEN_SAVE)
				TH_LOG("%s -> %s", name[from], name[to]);
			EXPECT_EQ(resume, kind == P2PMIG_ARC_OPEN_RESUME)
				TH_LOG("%s -> %s", name[from], name[to]);
		}
	}
}

TEST_F(fsm, every_arc_has_an_action_in_range)
{
	unsigned int f = self->features;
	int from, to;

	for (from = ERR; from < NR + 2; from++) {
		for (to = ERR; to < NR + 2; to++) {
			struct p2pmig_arc_info arc = p2pmig_fsm_arc(f, from, to);

			if (arc.kind == P2PMIG_ARC_NONE) {
				EXPECT_EQ(P2PMIG_OP_NONE, arc.op)
					TH_LOG("%d -> %d: no arc, but an action", from, to);
				EXPECT_FALSE(arc.device)
					TH_LOG("%d -> %d: no arc, but touches the device",
					       from, to);
				continue;
			}
			EXPECT_LT(P2PMIG_OP_NONE, arc.op)
				TH_LOG("%s -> %s: no action", name[from], name[to]);
			EXPECT_GT(P2PMIG_NR_OPS, arc.op)
				TH_LOG("%s -> %s: action %d out of range",
				       name[from], name[to], arc.op);
		}
	}
}

/*
 * What each action does, written out from its meaning: which of the
 * device's activities it ends or resumes, what it does with the session,
 * and whether it touches the device.  An action touches the device when it
 * changes what the device does, or moves the device's own state into or
 * out of a stream; opening a pre-copy or resume session and ending a save
 * session do neither.
 */
enum session { FD_KEEP, FD_OPEN_PRE, FD_OPEN_FULL, FD_FINISH, FD_END, FD_OPEN_RES, FD_LOAD };

static const struct {
	bool quiesce, unquiesce, stop, start;
	enum session session;
	bool device;
} action[P2PMIG_NR_OPS] = {
	[P2PMIG_OP_QUIESCE]		= { .quiesce = true, .device = true },
	[P2PMIG_OP_UNQUIESCE]		= { .unquiesce = true, .device = true },
	[P2PMIG_OP_STOP]		= { .stop = true, .device = true },
	[P2PMIG_OP_START]		= { .start = true, .device = true },
	[P2PMIG_OP_QUIESCE_STOP]	= { .quiesce = true, .stop = true, .device = true },
	[P2PMIG_OP_START_UNQUIESCE]	= { .start = true, .unquiesce = true, .device = true },
	[P2PMIG_OP_OPEN_PRE_COPY]	= { .session = FD_OPEN_PRE },
	[P2PMIG_OP_OPEN_STOP_COPY]	= { .session = FD_OPEN_FULL, .device = true },
	[P2PMIG_OP_FINISH_SAVE]		= { .stop = true, .session = FD_FINISH, .device = true },
	[P2PMIG_OP_QUIESCE_FINISH_SAVE]	= {
		.quiesce = true, .stop = true, .session = FD_FINISH, .device = true
	},
	[P2PMIG_OP_END_SAVE]		= { .session = FD_END },
	[P2PMIG_OP_OPEN_RESUME]		= { .session = FD_OPEN_RES },
	[P2PMIG_OP_FINISH_RESUME]	= { .session = FD_LOAD, .device = true },
};

/* the device may start DMA in @s */
static bool dma(int s)
{
	return s == RUN || s == PC;
}

/* the device runs (is not stopped) in @s */
static bool running(int s)
{
	return s == RUN || s == RP2P || s == PC || s == PCP2P;
}

/* what the uAPI says happens to data_fd from @from to @to */
static enum session session(int from, int to)
{
	if (from == STOP && to == RES)
		return FD_OPEN_RES;
	if (from == RES && to == STOP)
		return FD_LOAD;
	if (!saving(from) && saving(to))
		return to == SC ? FD_OPEN_FULL : FD_OPEN_PRE;
	if (saving(from) && !saving(to))
		return FD_END;
	if (from != SC && to == SC)
		return FD_FINISH;
	return FD_KEEP;
}

/* the arc kind the session's fate makes of @from -> @to */
static enum p2pmig_arc kind_of(enum session s, int from, int to)
{
	switch (s) {
	case FD_OPEN_PRE:
	case FD_OPEN_FULL:
		return P2PMIG_ARC_OPEN_SAVE;
	case FD_OPEN_RES:
		return P2PMIG_ARC_OPEN_RESUME;
	case FD_END:
	case FD_LOAD:
		return P2PMIG_ARC_CLOSE;
	case FD_FINISH:
		return P2PMIG_ARC_IN_SESSION;
	case FD_KEEP:
		break;
	}
	return saving(from) && saving(to) ? P2PMIG_ARC_IN_SESSION : P2PMIG_ARC_PLAIN;
}

TEST_F(fsm, every_action_is_what_its_states_differ_by)
{
	unsigned int f = self->features;
	int from, to;

	for (from = ERR; from < NR; from++) {
		for (to = ERR; to < NR; to++) {
			struct p2pmig_arc_info arc = p2pmig_fsm_arc(f, from, to);
			enum session want = session(from, to);

			if (arc.kind == P2PMIG_ARC_NONE)
				continue;
			ASSERT_LT(P2PMIG_OP_NONE, arc.op);
			ASSERT_GT(P2PMIG_NR_OPS, arc.op);
			EXPECT_EQ(dma(from) && !dma(to), action[arc.op].quiesce)
				TH_LOG("%s -> %s: quiesce", name[from], name[to]);
			EXPECT_EQ(!dma(from) && dma(to), action[arc.op].unquiesce)
				TH_LOG("%s -> %s: unquiesce", name[from], name[to]);
			EXPECT_EQ(running(from) && !running(to), action[arc.op].stop)
				TH_LOG("%s -> %s: stop", name[from], name[to]);
			EXPECT_EQ(!running(from) && running(to), action[arc.op].start)
				TH_LOG("%s -> %s: start", name[from], name[to]);
			EXPECT_EQ(want, action[arc.op].session)
				TH_LOG("%s -> %s: session", name[from], name[to]);
			EXPECT_EQ(kind_of(want, from, to), arc.kind)
				TH_LOG("%s -> %s: kind", name[from], name[to]);
			EXPECT_EQ(action[arc.op].device, arc.device)
				TH_LOG("%s -> %s: touches the device", name[from], name[to]);
		}
	}
}

/* every action is taken by some arc of some feature set */
TEST(no_action_is_unused)
{
	static const unsigned int sets[] = {
		P2PMIG_F_STOP_COPY, P2PMIG_F_STOP_COPY | P2P, P2PMIG_F_STOP_COPY | PRE,
		P2PMIG_F_STOP_COPY | P2P | PRE,
	};
	bool used[P2PMIG_NR_OPS] = { false };
	unsigned int i;
	int from, to, op;

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		for (from = ERR; from < NR; from++) {
			for (to = ERR; to < NR; to++) {
				struct p2pmig_arc_info arc = p2pmig_fsm_arc(sets[i], from, to);

				if (arc.op > P2PMIG_OP_NONE && arc.op < P2PMIG_NR_OPS)
					used[arc.op] = true;
			}
		}
	}
	for (op = P2PMIG_OP_NONE + 1; op < P2PMIG_NR_OPS; op++)
		EXPECT_TRUE(used[op]) TH_LOG("action %d is never taken", op);
}

TEST_F(fsm, blocked_and_invalid_requests_fail)
{
	unsigned int f = self->features;
	u32 next;
	int cur, target;

	for (cur = ERR; cur < NR + 2; cur++) {
		for (target = ERR; target < NR + 2; target++) {
			bool valid = cur < NR && target < NR &&
				     state_exists(f, cur) && state_exists(f, target) &&
				     bfs(f, cur, target) >= 0;
			int ret = p2pmig_fsm_next_state(f, cur, target, &next);

			EXPECT_EQ(valid ? 0 : -EINVAL, ret)
				TH_LOG("%d -> %d", cur, target);
		}
	}
	/* the uAPI's two forbidden arcs, when PRE_COPY exists */
	if (f & PRE)
		EXPECT_EQ(-EINVAL, p2pmig_fsm_next_state(f, SC, PC, &next));
	if ((f & PRE) && (f & P2P))
		EXPECT_EQ(-EINVAL, p2pmig_fsm_next_state(f, SC, PCP2P, &next));
}

TEST(without_stop_copy_nothing_resolves)
{
	u32 next;
	int cur, target;

	for (cur = ERR; cur < NR; cur++)
		for (target = ERR; target < NR; target++)
			EXPECT_EQ(-EINVAL, p2pmig_fsm_next_state(P2P | PRE, cur, target, &next));
}

TEST_HARNESS_MAIN
