// SPDX-License-Identifier: GPL-2.0
/*
 * p2pmig arc benchmark: where the time of a VF migration goes, arc by arc,
 * and how much of it falls in the downtime, with the PF-side configuration
 * replayed from the initial bytes (during pre-copy) or at the end of
 * RESUMING.  Runs in the test bed (make bench); prints figures, asserts
 * nothing.
 *
 * A VF configured like a guest's igbvf driver (MAC, multicast groups,
 * VLANs, largest frame) migrates between A (PF0) and C (PF1), back and
 * forth, in the order QEMU drives a pre-copy migration with P2P.
 *
 *   p2pmig_arc_bench [rounds]       (VFs from P2PMIG_VF_A and P2PMIG_VF_C)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "igbvf_user.h"
#include "mig_util.h"
#include "vfio_util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ROUNDS 64

enum step {
	DST_RESUMING, SRC_PRE_COPY, READ_INITIAL, WRITE_INITIAL, SRC_P2P,
	SRC_STOP_COPY, READ_FINAL, WRITE_FINAL, DST_STOP, DST_RUNNING,
	SRC_STOP, NR_STEPS
};

static const struct {
	const char *name;
	bool downtime;	/* while the guest is stopped (QEMU stops the vCPUs first) */
} steps[NR_STEPS] = {
	[DST_RESUMING]	= { "dst RUNNING -> RESUMING", false },
	[SRC_PRE_COPY]	= { "src RUNNING -> PRE_COPY", false },
	[READ_INITIAL]	= { "src read initial bytes", false },
	[WRITE_INITIAL]	= { "dst write initial bytes", false },
	[SRC_P2P]	= { "src PRE_COPY -> PRE_COPY_P2P", true },
	[SRC_STOP_COPY]	= { "src PRE_COPY_P2P -> STOP_COPY", true },
	[READ_FINAL]	= { "src read final bytes", true },
	[WRITE_FINAL]	= { "dst write final bytes", true },
	[DST_STOP]	= { "dst RESUMING -> STOP", true },
	[DST_RUNNING]	= { "dst STOP -> RUNNING", true },
	[SRC_STOP]	= { "src STOP_COPY -> STOP", false },
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#define TIMED(step, expr) ({					\
	uint64_t t0_ = now_ns();				\
	int r_ = (expr);					\
	t[step] = now_ns() - t0_;				\
	r_;							\
})

/* One migration src -> dst; @t gets the time of each step in ns. */
static int migrate(struct vfio_dev *src, struct vfio_dev *dst, uint64_t *t)
{
	int sfd = -1, dfd = -1, ret;

	ret = TIMED(DST_RESUMING, mig_set_state(dst->fd, VFIO_DEVICE_STATE_RESUMING, &dfd));
	if (!ret)
		ret = TIMED(SRC_PRE_COPY, mig_set_state(src->fd, VFIO_DEVICE_STATE_PRE_COPY, &sfd));
	if (!ret) {
		/* what QEMU does with the initial bytes, split in read and write */
		uint8_t buf[65536];
		int err;
		ssize_t n;
		uint64_t t0 = now_ns();

		n = mig_read_all(sfd, buf, sizeof(buf), &err);
		t[READ_INITIAL] = now_ns() - t0;
		if (err != ENOMSG)
			ret = err ? -err : -EPROTO;
		if (!ret)
			ret = TIMED(WRITE_INITIAL, mig_write_all(dfd, buf, n, 32768));
	}
	if (!ret)
		ret = TIMED(SRC_P2P,
			    mig_set_state(src->fd, VFIO_DEVICE_STATE_PRE_COPY_P2P, NULL));
	if (!ret)
		ret = TIMED(SRC_STOP_COPY,
			    mig_set_state(src->fd, VFIO_DEVICE_STATE_STOP_COPY, NULL));
	if (!ret) {
		uint8_t buf[65536];
		int err;
		ssize_t n;
		uint64_t t0 = now_ns();

		n = mig_read_all(sfd, buf, sizeof(buf), &err);
		t[READ_FINAL] = now_ns() - t0;
		if (err)
			ret = -err;
		if (!ret)
			ret = TIMED(WRITE_FINAL, mig_write_all(dfd, buf, n, 32768));
	}
	if (!ret)
		ret = TIMED(DST_STOP, mig_set_state(dst->fd, VFIO_DEVICE_STATE_STOP, NULL));
	if (!ret)
		ret = TIMED(DST_RUNNING, mig_set_state(dst->fd, VFIO_DEVICE_STATE_RUNNING, NULL));
	if (!ret)
		ret = TIMED(SRC_STOP, mig_set_state(src->fd, VFIO_DEVICE_STATE_STOP, NULL));
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* median, min, max of @n values, in microseconds */
static void stats(const uint64_t *v, int n, double *med, double *min, double *max)
{
	uint64_t s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_u64);
	*med = (n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) / 1e3;
	*min = s[0] / 1e3;
	*max = s[n - 1] / 1e3;
}

static void report(const char *title, uint64_t t[][NR_STEPS], int n)
{
	uint64_t col[MAX_ROUNDS], down[MAX_ROUNDS], total[MAX_ROUNDS];
	double med, min, max, dmed, tmed;
	int s, r;

	printf("\n%s, %d migrations\n", title, n);
	printf("  %-34s %10s %10s %10s\n", "step", "median us", "min us", "max us");
	for (r = 0; r < n; r++) {
		down[r] = 0;
		total[r] = 0;
		for (s = 0; s < NR_STEPS; s++) {
			total[r] += t[r][s];
			if (steps[s].downtime)
				down[r] += t[r][s];
		}
	}
	for (s = 0; s < NR_STEPS; s++) {
		for (r = 0; r < n; r++)
			col[r] = t[r][s];
		stats(col, n, &med, &min, &max);
		printf("  %-32s%s %10.0f %10.0f %10.0f\n", steps[s].name,
		       steps[s].downtime ? " *" : "  ", med, min, max);
	}
	stats(down, n, &dmed, &min, &max);
	printf("  %-34s %10.0f %10.0f %10.0f\n", "downtime-critical (*) in all", dmed, min, max);
	stats(total, n, &tmed, &min, &max);
	printf("  %-34s %10.0f %10.0f %10.0f\n", "every step", tmed, min, max);
	printf("  downtime-critical share of the device's migration time: %.0f%%\n",
	       100.0 * dmed / tmed);
}

static const uint8_t mac[6] = { 0x02, 0x50, 0x32, 0x50, 0x00, 0x0a };
static const uint8_t groups[][6] = {
	{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
};

static const uint16_t vlans[] = { 100, 200 };

int main(int argc, char **argv)
{
	static uint64_t t[2][2][MAX_ROUNDS][NR_STEPS];	/* [mode][direction][round] */
	const char *a = test_vf("A"), *c = test_vf("C");
	struct vfio_dev va, vc, *from, *to;
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	struct igbvf_user u;
	struct utsname un;
	unsigned int i;
	int mode, r, ret;

	if (!a || !c) {
		fprintf(stderr, "P2PMIG_VF_A and P2PMIG_VF_C must name VFs bound to p2pmig\n");
		return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 10;
	uname(&un);
	if (vfio_dev_open(&va, a, -1) || vfio_dev_open(&vc, c, va.container)) {
		fprintf(stderr, "cannot open %s and %s through VFIO\n", a, c);
		return 1;
	}
	ret = igbvf_user_init(&u, &va, 0x10000000ULL, mac);
	for (i = 0; !ret && i < ARRAY_SIZE(groups); i++)
		ret = igbvf_user_add_multicast(&u, groups[i]);
	for (i = 0; !ret && i < ARRAY_SIZE(vlans); i++)
		ret = igbvf_user_set_vlan(&u, vlans[i], true);
	if (ret) {
		fprintf(stderr, "setting up the VF: %s\n", strerror(-ret));
		return 1;
	}

	printf("p2pmig arc benchmark: kernel %s, A=%s (PF0) <-> C=%s (PF1), %d rounds each way\n",
	       un.release, a, c, rounds);
	printf("the VF's PF-side configuration: MAC, %zu multicast groups, %zu VLANs, %s\n",
	       ARRAY_SIZE(groups), ARRAY_SIZE(vlans), "largest frame");
	printf("(* = the guest is stopped: PRE_COPY -> PRE_COPY_P2P, PRE_COPY_P2P -> STOP_COPY,\n"
	       " the final read and write, RESUMING -> STOP and STOP -> RUNNING on the destination)\n");

	for (mode = 0; mode < 2; mode++) {
		ret = sysfs_write("/sys/module/p2pmig/parameters/replay_early", mode ? "0" : "1");
		if (ret) {
			fprintf(stderr, "replay_early: %s\n", strerror(-ret));
			return 1;
		}
		for (r = 0; r < 2 * rounds; r++) {
			from = r % 2 ? &vc : &va;
			to = r % 2 ? &va : &vc;
			ret = migrate(from, to, t[mode][r % 2][r / 2]);
			if (ret) {
				fprintf(stderr, "migration %d: %s\n", r, strerror(-ret));
				return 1;
			}
			igbvf_user_move_to(&u, to);
		}
		report(mode ? "replay_early=0: configuration replayed at RESUMING -> STOP, A -> C" :
			      "replay_early=1: configuration replayed from the initial bytes, A -> C",
		       t[mode][0], rounds);
		report(mode ? "replay_early=0, C -> A" : "replay_early=1, C -> A",
		       t[mode][1], rounds);
	}
	sysfs_write("/sys/module/p2pmig/parameters/replay_early", "1");
	igbvf_user_fini(&u);
	vfio_dev_close(&vc);
	vfio_dev_close(&va);
	return 0;
}
