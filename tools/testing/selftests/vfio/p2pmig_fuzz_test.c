// SPDX-License-Identifier: GPL-2.0
/*
 * Mutated streams past the checksum: a real stream of a configured VF
 * (MAC, multicast groups, VLANs, filters) is taken apart, mutated (bit
 * flips, boundary values, lengths, records dropped, repeated, swapped,
 * retyped, header fields) and put together again with valid framing
 * (checksums and sequence numbers recomputed), so that every mutation
 * reaches the backend's record loaders.  Each goes to a VF in RESUMING, in
 * random pieces, then RESUMING -> STOP and -> RUNNING; four spare VFs take
 * streams in parallel.
 *
 * Checked for each: write() and the arcs fail only with a documented errno
 * (never EFAULT, ENOMEM or an unknown one); a stream that fails leaves the
 * VF where it failed (RESUMING, or STOP for the last arc; ERROR only when
 * the final state could not be written); VFIO_DEVICE_RESET always brings
 * it back to RUNNING.  At the end F (a fuzzed VF of the other PF), reset,
 * still takes a frame from A.  P2PMIG_FUZZ_STREAMS (default 10000) sets
 * the number, P2PMIG_FUZZ_SEED the seed (default 1, printed); outcomes are
 * counted and printed; P2PMIG_FUZZ_SAVE_DIR keeps the real stream (the
 * userspace fuzzer's seeds come from there).  The kernel log is checked
 * after every test (guest/selftests.sh; on the debug kernel with KASAN,
 * UBSAN, lockdep).
 *
 * Needs P2PMIG_VF_A (PF0) bound to p2pmig, and spare VFs the test binds
 * and unbinds itself: P2PMIG_VF_E and _SPARE (PF0), _F and _SPARE2 (PF1).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "lib/bed_harness.h"
#include "lib/frame_util.h"
#include "lib/igbvf_user.h"
#include "lib/mig_util.h"
#include "lib/stream_util.h"
#include "lib/vfio_util.h"

#define STREAM_MAX	(64 * 1024)
#define IOVA_A		0x10000000ULL
#define IOVA_C		0x20000000ULL
#define MAX_ERRNO	134

static const uint8_t mac_a[6] = { 0x02, 0x50, 0x32, 0x46, 0x01, 0x0a };
static const uint8_t mac_c[6] = { 0x02, 0x50, 0x32, 0x46, 0x01, 0x0c };
static const uint8_t mac_extra[6] = { 0x02, 0x50, 0x32, 0x46, 0x02, 0x0a };
static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0x00, 0x46, 0x01 };

/* what write() and RESUMING -> STOP may answer (Documentation/driver.rst) */
static const int resume_ok[] = { EINVAL, EOPNOTSUPP, EREMOTEIO, ETIMEDOUT, ECONNRESET,
				 ENETDOWN, EPROTO, 0 };

static bool documented(int err)
{
	int i;

	for (i = 0; resume_ok[i]; i++)
		if (resume_ok[i] == err)
			return true;
	return false;
}

enum mutation {
	M_FLIP, M_BOUNDARY, M_LENGTH, M_DROP, M_REPEAT, M_SWAP, M_RETYPE, M_HEADER, M_NR
};

static const char * const mutation_name[M_NR] = {
	"bit flips", "boundary values", "payload length", "record dropped",
	"record repeated", "records swapped", "record retyped", "header field",
};

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return n ? rand_r(seed) % n : 0;
}

/* One mutation of @p (at least one record is kept). */
static void mutate(struct parsed *p, enum mutation m, unsigned int *seed)
{
	static const uint32_t boundary[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
					     0x7fffffff, 0x80000000, 0xffffffff };
	struct rec *r = &p->rec[rnd(seed, p->n)];
	struct rec tmp;
	uint32_t v, off;
	int i, j;

	switch (m) {
	case M_FLIP:
		for (i = 1 + rnd(seed, 8); i && r->len; i--)
			r->payload[rnd(seed, r->len)] ^= 1 << rnd(seed, 8);
		break;
	case M_BOUNDARY:
		if (r->len < 4)
			break;
		v = boundary[rnd(seed, ARRAY_SIZE(boundary))];
		off = rnd(seed, r->len - 3);
		switch (rnd(seed, 3)) {
		case 0:
			r->payload[off] = v;
			break;
		case 1:
			memcpy(&r->payload[off], &v, 2);
			break;
		default:
			memcpy(&r->payload[off], &v, 4);
			break;
		}
		break;
	case M_LENGTH:
		v = rnd(seed, 3) ? rnd(seed, r->len + 64) : rnd(seed, STREAM_UTIL_MAX_PAYLOAD + 1);
		if (v > r->len)
			for (off = r->len; off < v; off++)
				r->payload[off] = rand_r(seed);
		r->len = v;
		break;
	case M_DROP:
		if (p->n < 2)
			break;
		i = r - p->rec;
		memmove(&p->rec[i], &p->rec[i + 1], (p->n - i - 1) * sizeof(*r));
		p->n--;
		break;
	case M_REPEAT:
		if (p->n >= STREAM_UTIL_MAX_RECS)
			break;
		i = r - p->rec;
		memmove(&p->rec[i + 1], &p->rec[i], (p->n - i) * sizeof(*r));
		p->n++;
		break;
	case M_SWAP:
		i = rnd(seed, p->n);
		j = rnd(seed, p->n);
		tmp = p->rec[i];
		p->rec[i] = p->rec[j];
		p->rec[j] = tmp;
		break;
	case M_RETYPE:
		switch (rnd(seed, 3)) {
		case 0:
			r->type ^= P2PMIG_REC_OPTIONAL;
			break;
		case 1:
			r->type = P2PMIG_REC_BACKEND_BASE + rnd(seed, 8);
			break;
		default:
			r->type = rand_r(seed);
			break;
		}
		break;
	default:
		switch (rnd(seed, 3)) {
		case 0:
			p->hdr.backend_version = boundary[rnd(seed, ARRAY_SIZE(boundary))];
			break;
		case 1:
			p->hdr.flags ^= 1u << rnd(seed, 32);
			break;
		default:
			p->hdr.device ^= 1u << rnd(seed, 16);
			break;
		}
		break;
	}
}

/* one target VF and its share of the streams, run by a thread */
struct target {
	struct vfio_dev *d;
	const struct parsed *base;
	unsigned int seed, streams, done;
	long mutations[M_NR], errs_write[MAX_ERRNO], errs_arc[MAX_ERRNO];
	long accepted, in_error, bad, wrong_state, reset_failed;
	char first_bad[160];
	struct parsed p;
	uint8_t out[STREAM_MAX];
};

static void target_bad(struct target *t, const char *what, int err, uint32_t st)
{
	if (t->bad++)
		return;
	snprintf(t->first_bad, sizeof(t->first_bad), "stream %u: %s: %s (state %s)",
		 t->done, what, strerror(err), mig_state_name(st));
}

/* Feed one mutated stream to the target; leave it in RUNNING. */
static void one_stream(struct target *t)
{
	size_t len, pos, piece;
	uint32_t st, failed_in = RESUMING;
	int fd, ret, err = 0, n, m;

	t->p = *t->base;
	for (n = 1 + rnd(&t->seed, 3); n; n--) {
		m = rnd(&t->seed, M_NR);
		mutate(&t->p, m, &t->seed);
		t->mutations[m]++;
	}
	len = build(t->out, &t->p, rnd(&t->seed, 16) != 0);

	ret = mig_set_state(t->d->fd, RESUMING, &fd);
	if (ret) {
		target_bad(t, "RESUMING", -ret, mig_state_of(t->d->fd));
		return;
	}
	for (pos = 0; pos < len && !err; pos += piece) {
		piece = rnd(&t->seed, 4) ? len - pos : 1 + rnd(&t->seed, len - pos);
		errno = 0;
		if (write(fd, t->out + pos, piece) != (ssize_t)piece)
			err = errno ? errno : EIO;
	}
	close(fd);
	if (err) {
		t->errs_write[err < MAX_ERRNO ? err : 0]++;
		if (!documented(err))
			target_bad(t, "write()", err, mig_state_of(t->d->fd));
	} else {
		ret = mig_set_state(t->d->fd, STOP, NULL);
		if (!ret) {
			failed_in = STOP;
			ret = mig_set_state(t->d->fd, RUNNING, NULL);
		}
		if (!ret) {
			t->accepted++;
		} else {
			err = -ret;
			t->errs_arc[err < MAX_ERRNO ? err : 0]++;
			if (!documented(err))
				target_bad(t, "arc", err, mig_state_of(t->d->fd));
		}
	}
	st = mig_state_of(t->d->fd);
	if (st == VFIO_DEVICE_STATE_ERROR)
		t->in_error++;
	else if (err && st != failed_in)
		t->wrong_state++;
	if (st == RUNNING)
		return;
	ret = ioctl(t->d->fd, VFIO_DEVICE_RESET) ? errno : 0;
	if (ret || mig_state_of(t->d->fd) != RUNNING) {
		t->reset_failed++;
		target_bad(t, "reset", ret, mig_state_of(t->d->fd));
	}
}

static void *fuzz_thread(void *arg)
{
	struct target *t = arg;

	for (t->done = 0; t->done < t->streams && !t->bad; t->done++)
		one_stream(t);
	return NULL;
}

/*
 * The streams go to VFs no traffic test uses: QEMU's model keeps a queue's
 * transmit state (a packet being gathered) across a VF's FLR, so a fuzzed
 * register state can make it eat that VF's next frame; on the 82576 an FLR
 * clears the queues.
 */
#define TARGETS	4
static const char * const roles[TARGETS] = { "E", "F", "SPARE", "SPARE2" };

FIXTURE(fuzz) {
	struct vfio_dev a, d[TARGETS];
	bool a_open, open[TARGETS];
	uint8_t stream[STREAM_MAX];
	struct parsed base;
	struct target t[TARGETS];
};

FIXTURE_SETUP(fuzz)
{
	int i, ret;

	if (!test_vf("A"))
		SKIP(return, "P2PMIG_VF_A must name a VF bound to p2pmig");
	for (i = 0; i < TARGETS; i++)
		if (!test_vf(roles[i]))
			SKIP(return, "P2PMIG_VF_E, _F, _SPARE and _SPARE2 must name spare VFs");
	ret = vfio_dev_open(&self->a, test_vf("A"), -1);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", self->a.failed_step, strerror(-ret));
	self->a_open = true;
	for (i = 0; i < TARGETS; i++) {
		ASSERT_EQ(0, pci_bind(test_vf(roles[i]), P2PMIG_DRIVER)) TH_LOG("%s", roles[i]);
		ret = vfio_dev_open(&self->d[i], test_vf(roles[i]), self->a.container);
		ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", roles[i], self->d[i].failed_step,
					 strerror(-ret));
		self->open[i] = true;
	}
}

FIXTURE_TEARDOWN(fuzz)
{
	int i;

	for (i = TARGETS - 1; i >= 0; i--) {
		if (self->open[i])
			vfio_dev_close(&self->d[i]);
		if (test_vf(roles[i]))
			pci_bind(test_vf(roles[i]), "");
	}
	if (self->a_open)
		vfio_dev_close(&self->a);
}

/* Write @len bytes of stream to <dir>/<name>.stream; 0 or -errno. */
static int save_stream(const char *dir, const char *name, const uint8_t *s, size_t len)
{
	char path[512];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s.stream", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fwrite(s, 1, len, f) != len)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* A's stream with some configuration in it, taken apart into self->base. */
static void capture(struct __test_metadata *_metadata, struct _test_data_fuzz *self)
{
	struct vfio_dev *a = &self->a;
	struct igbvf_user ua;
	int fd, err, ret;
	ssize_t n;

	ret = igbvf_user_init(&ua, a, IOVA_A, mac_a);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", ua.failed_step, strerror(-ret));
	EXPECT_EQ(0, igbvf_user_add_multicast(&ua, group));
	EXPECT_EQ(0, igbvf_user_set_vlan(&ua, 100, true));
	EXPECT_EQ(0, igbvf_user_add_uc_filter(&ua, mac_extra));
	ASSERT_EQ(0, mig_set_state(a->fd, STOP_COPY, &fd));
	n = mig_read_all(fd, self->stream, sizeof(self->stream), &err);
	close(fd);
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, split(self->stream, n, &self->base));
	ASSERT_LT(1, self->base.n);
	igbvf_user_fini(&ua);
	ASSERT_EQ(0, ioctl(a->fd, VFIO_DEVICE_RESET));
	/* P2PMIG_FUZZ_SAVE_DIR: keep it (the userspace fuzzer's seeds) */
	if (getenv("P2PMIG_FUZZ_SAVE_DIR"))
		EXPECT_EQ(0, save_stream(getenv("P2PMIG_FUZZ_SAVE_DIR"), "igbvf-configured",
					 self->stream, n));
}

static void print_errnos(const char *what, const long *errs)
{
	int n;

	for (n = 0; n < MAX_ERRNO; n++)
		if (errs[n])
			ksft_print_msg("fuzz: %s failed with %s: %ld\n", what,
				       n ? strerrorname_np(n) : "(other)", errs[n]);
}

TEST_F_TIMEOUT(fuzz, mutated_streams_with_valid_framing_fail_cleanly_and_reset_recovers, 1800)
{
	long mutations[M_NR] = { 0 }, errs_write[MAX_ERRNO] = { 0 }, errs_arc[MAX_ERRNO] = { 0 };
	long accepted = 0, in_error = 0, bad = 0, wrong_state = 0, reset_failed = 0;
	unsigned int seed = 1, streams = 10000, done = 0;
	struct igbvf_user ua, uc;
	pthread_t th[TARGETS];
	int i, m, n, ret;

	if (getenv("P2PMIG_FUZZ_STREAMS"))
		streams = strtoul(getenv("P2PMIG_FUZZ_STREAMS"), NULL, 0);
	if (getenv("P2PMIG_FUZZ_SEED"))
		seed = strtoul(getenv("P2PMIG_FUZZ_SEED"), NULL, 0);
	ksft_print_msg("fuzz: %u streams on %d VFs, seed %u\n", streams, TARGETS, seed);
	capture(_metadata, self);

	for (i = 0; i < TARGETS; i++) {
		self->t[i].d = &self->d[i];
		self->t[i].base = &self->base;
		self->t[i].seed = seed * TARGETS + i;
		self->t[i].streams = streams / TARGETS + (i < (int)(streams % TARGETS));
		ASSERT_EQ(0, pthread_create(&th[i], NULL, fuzz_thread, &self->t[i]));
	}
	for (i = 0; i < TARGETS; i++) {
		struct target *t = &self->t[i];

		pthread_join(th[i], NULL);
		for (m = 0; m < M_NR; m++)
			mutations[m] += t->mutations[m];
		for (n = 0; n < MAX_ERRNO; n++) {
			errs_write[n] += t->errs_write[n];
			errs_arc[n] += t->errs_arc[n];
		}
		done += t->done;
		accepted += t->accepted;
		in_error += t->in_error;
		bad += t->bad;
		wrong_state += t->wrong_state;
		reset_failed += t->reset_failed;
		if (t->bad)
			ksft_print_msg("fuzz: %s: %s\n", roles[i], t->first_bad);
	}
	for (m = 0; m < M_NR; m++)
		ksft_print_msg("fuzz: %-16s %ld\n", mutation_name[m], mutations[m]);
	print_errnos("write()", errs_write);
	print_errnos("RESUMING -> STOP -> RUNNING", errs_arc);
	ksft_print_msg("fuzz: %u streams, %ld accepted, %ld left a VF in ERROR\n",
		       done, accepted, in_error);
	ksft_print_msg("fuzz: %ld undocumented outcomes, %ld failed resets\n", bad, reset_failed);
	ksft_print_msg("fuzz: %ld failed streams left elsewhere than where they failed\n",
		       wrong_state);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, wrong_state);
	EXPECT_EQ(0, reset_failed);
	EXPECT_EQ(streams, done);

	/* a fuzzed VF (F, on the other PF), reset, still takes A's frame */
	ret = igbvf_user_init(&ua, &self->a, IOVA_A, mac_a);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", ua.failed_step, strerror(-ret));
	ret = igbvf_user_init(&uc, &self->d[1], IOVA_C, mac_c);
	ASSERT_EQ(0, ret) TH_LOG("F: %s: %s", uc.failed_step, strerror(-ret));
	EXPECT_EQ(0, igbvf_user_frame_crosses(&ua, mac_a, &uc, mac_c, 0x46))
		TH_LOG("A's frame did not reach F after the fuzzing");
	igbvf_user_fini(&uc);
	igbvf_user_fini(&ua);
}

TEST_HARNESS_MAIN
