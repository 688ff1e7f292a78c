// SPDX-License-Identifier: GPL-2.0
/*
 * Race stress on one VF, bounded in time (P2PMIG_STRESS_SECONDS, default
 * 60): in rounds of ROUND_MS, threads share VF A's device fd and data_fds:
 *   fsm      random SET_STATE walks, invalid and ERROR-causing targets
 *            included, and now and then VFIO_DEVICE_RESET
 *   reader   the one consumer of each save stream: reads of 0 bytes, of a
 *            few, of many, into unaligned buffers; parses what it gets
 *   prober   poll(), VFIO_MIG_GET_PRECOPY_INFO, reads into a buffer the
 *            kernel cannot write (EFAULT, nothing consumed), 0-byte I/O
 *   writer   a real stream (captured from A) in random pieces, garbage and
 *            unreadable buffers now and then, into the resume session
 *   guest    the trapped mailbox page, written as a guest writes it
 * and at the end of each round the device fd is closed while the data_fd
 * threads still run, then opened again.  Meanwhile VFs C and D (the other
 * PF) migrate back and forth.
 *
 * Invariants, checked on every call: the errno is one the documentation
 * gives for that call; every byte a save session yields extends a valid
 * stream (whole records, right checksums, in sequence; a stream that ends
 * is complete); VFIO_DEVICE_RESET returns the device to RUNNING; every
 * migration of C and D succeeds.  At the end, a reset A still passes a
 * frame to C.  The counts are printed.
 *
 * Needs P2PMIG_VF_A (PF0), P2PMIG_VF_C and P2PMIG_VF_D (PF1), bound to
 * p2pmig with the default module parameters.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "lib/bed_harness.h"
#include "lib/frame_util.h"
#include "lib/igbvf_user.h"
#include "lib/mig_util.h"
#include "lib/vfio_util.h"
#include "stream.h"

#define ROUND_MS	1500
#define STREAM_MAX	(64 * 1024)
#define BIG_READ	(1 << 20)
#define IOVA_A		0x10000000ULL
#define IOVA_C		0x20000000ULL
#define VMBMEM(i)	(0x0800 + 4 * (i))
#define V2PMAILBOX	0x0c40
#define MAX_ERRNO	134

enum kind {
	K_SET_STATE, K_RESET, K_READ, K_PRECOPY_INFO, K_BAD_READ, K_ZERO_IO, K_POLL,
	K_WRITE, K_MAILBOX, K_MIGRATE, K_NR
};

static const char * const kind_name[K_NR] = {
	"SET_STATE", "DEVICE_RESET", "save read", "PRECOPY_INFO",
	"read into a read-only page", "0-byte read/write", "poll",
	"resume write", "mailbox page write", "C<->D migration",
};

struct stress {
	struct vfio_dev a, c, d;
	pthread_mutex_t lock;		/* the fields below */
	int save_fd, resume_fd;		/* the current sessions, -1 if none */
	unsigned int save_gen, resume_gen;
	atomic_bool stop_fsm, stop_io, stop_mig;
	atomic_int devfd;		/* A's device fd in this round */
	uint8_t stream[STREAM_MAX];	/* a real stream of A */
	size_t stream_len;
	uint8_t *noaccess;		/* a page the kernel cannot write */
	uint8_t *unreadable;		/* a page the kernel cannot read */
	/* counts */
	atomic_long calls[K_NR];
	atomic_long errnos[K_NR][MAX_ERRNO];
	atomic_long records, streams_complete, resets_running, migrations;
	atomic_long violations;
	char first_violation[256];
};

static void violation(struct stress *s, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&s->violations, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(s->first_violation, sizeof(s->first_violation), fmt, ap);
	va_end(ap);
}

/* Count a call's outcome; an errno not in @ok (0-terminated) is a violation. */
static void account(struct stress *s, enum kind k, int err, const int *ok)
{
	int i;

	atomic_fetch_add(&s->calls[k], 1);
	if (err > 0 && err < MAX_ERRNO)
		atomic_fetch_add(&s->errnos[k][err], 1);
	if (!err)
		return;
	for (i = 0; ok[i]; i++)
		if (ok[i] == err)
			return;
	violation(s, "%s failed with %s, not a documented errno", kind_name[k], strerror(err));
}

/* the documented errnos of each call (Documentation/driver.rst) */
static const int set_state_ok[] = { EINVAL, EIO, ETIMEDOUT, EREMOTEIO, ECONNRESET,
				    ENETDOWN, EPROTO, EINTR, 0 };
static const int reset_ok[] = { EAGAIN, 0 };
static const int read_ok[] = { ENODEV, ENOMSG, EINTR, 0 };
static const int precopy_info_ok[] = { ENODEV, EINVAL, 0 };
static const int bad_read_ok[] = { EFAULT, ENODEV, ENOMSG, EINTR, 0 };
static const int zero_io_ok[] = { ENODEV, 0 };
static const int poll_ok[] = { 0 };
static const int write_ok[] = { ENODEV, EINVAL, EOPNOTSUPP, EFAULT, EIO, ETIMEDOUT,
				EREMOTEIO, ECONNRESET, ENETDOWN, EPROTO, EINTR, 0 };
static const int mailbox_ok[] = { 0 };

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return rand_r(seed) % n;
}

/* Take a reference (a dup) to the current session fd of one kind. */
static int session_get(struct stress *s, bool save, unsigned int *gen)
{
	int fd;

	pthread_mutex_lock(&s->lock);
	fd = save ? s->save_fd : s->resume_fd;
	*gen = save ? s->save_gen : s->resume_gen;
	fd = fd >= 0 ? dup(fd) : -1;
	pthread_mutex_unlock(&s->lock);
	return fd;
}

static void session_set(struct stress *s, bool save, int fd)
{
	int old;

	pthread_mutex_lock(&s->lock);
	if (save) {
		old = s->save_fd;
		s->save_fd = fd;
		s->save_gen++;
	} else {
		old = s->resume_fd;
		s->resume_fd = fd;
		s->resume_gen++;
	}
	pthread_mutex_unlock(&s->lock);
	if (old >= 0)
		close(old);
}

/* One SET_STATE: its outcome counted, a new data_fd published. */
static int set_state(struct stress *s, int devfd, uint32_t t)
{
	int fd, ret;

	ret = mig_set_state(devfd, t, &fd);
	account(s, K_SET_STATE, ret < 0 ? -ret : 0, set_state_ok);
	if (!ret && fd >= 0)
		session_set(s, t != RESUMING, fd);
	return ret;
}

static void *fsm_thread(void *arg)
{
	static const uint32_t targets[] = {
		STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P,
		VFIO_DEVICE_STATE_ERROR, 8, 0xffffffff,
	};
	struct stress *s = arg;
	unsigned int seed = 1;
	uint32_t t;
	int ret;

	while (!atomic_load(&s->stop_fsm)) {
		int devfd = atomic_load(&s->devfd);

		if (!rnd(&seed, 40)) {
			ret = ioctl(devfd, VFIO_DEVICE_RESET) ? errno : 0;
			account(s, K_RESET, ret, reset_ok);
			if (!ret) {
				/* only this thread changes A's state */
				if (mig_state_of(devfd) == RUNNING)
					atomic_fetch_add(&s->resets_running, 1);
				else
					violation(s, "VFIO_DEVICE_RESET left A in %s",
						  mig_state_name(mig_state_of(devfd)));
			}
			continue;
		}
		switch (rnd(&seed, 6)) {
		case 0:
		case 1:
			/* a save as QEMU walks it, the reader racing along */
			set_state(s, devfd, PRE_COPY);
			usleep(rnd(&seed, 2000));
			set_state(s, devfd, PRE_COPY_P2P);
			set_state(s, devfd, STOP_COPY);
			usleep(1000 + rnd(&seed, 4000));
			set_state(s, devfd, STOP);
			break;
		case 2:
			/* a resume, the writer writing a real stream */
			set_state(s, devfd, RESUMING);
			usleep(2000 + rnd(&seed, 8000));
			set_state(s, devfd, STOP);
			set_state(s, devfd, RUNNING);
			break;
		default:
			t = targets[rnd(&seed, ARRAY_SIZE(targets))];
			if (!set_state(s, devfd, t) && t == VFIO_DEVICE_STATE_ERROR)
				violation(s, "SET_STATE to ERROR succeeded");
			break;
		}
	}
	return NULL;
}

struct check {
	struct stress *s;
	long records;
};

static int chk_header(void *ctx, const struct p2pmig_stream_hdr *hdr)
{
	return hdr->vendor == IGBVF_VENDOR_ID && hdr->device == IGBVF_DEVICE_ID ? 0 : -EINVAL;
}

static int chk_record(void *ctx, const struct p2pmig_record *rec, const u8 *payload)
{
	((struct check *)ctx)->records++;
	return 0;
}

static const struct p2pmig_parser_ops chk_ops = {
	.on_header = chk_header,
	.on_record = chk_record,
};

static void *reader_thread(void *arg)
{
	static const size_t sizes[] = { 0, 1, 7, 13, 16, 100, 512, 4096, BIG_READ };
	struct stress *s = arg;
	struct p2pmig_parser p;
	struct check ck = { .s = s };
	unsigned int seed = 2, gen, cur_gen = ~0u;
	uint8_t *payload = malloc(P2PMIG_REC_MAX_LEN), *buf = malloc(BIG_READ + 64);
	bool ended = true;
	size_t len, off;
	ssize_t n;
	int fd;

	if (!payload || !buf) {
		violation(s, "reader: out of memory");
		return NULL;
	}
	while (!atomic_load(&s->stop_io)) {
		fd = session_get(s, true, &gen);
		if (fd < 0) {
			usleep(200);
			continue;
		}
		if (gen != cur_gen) {
			cur_gen = gen;
			p2pmig_parser_init(&p, payload, P2PMIG_REC_MAX_LEN);
			ended = false;
		}
		len = sizes[rnd(&seed, ARRAY_SIZE(sizes))];
		off = rnd(&seed, 64);	/* unaligned buffers */
		n = read(fd, buf + off, len);
		close(fd);
		account(s, K_READ, n < 0 ? errno : 0, read_ok);
		if (n > 0 && ended) {
			violation(s, "a save stream yielded %zd bytes after its end", n);
		} else if (n > 0) {
			ck.records = 0;
			if (p2pmig_parse(&p, &chk_ops, &ck, buf + off, n))
				violation(s, "save stream invalid at byte %llu: %s",
					  (unsigned long long)p.offset, p.why ? p.why : "?");
			atomic_fetch_add(&s->records, ck.records);
		} else if (!n && len && !ended) {
			ended = true;
			if (p2pmig_parser_finish(&p))
				violation(s, "a save stream ended incomplete at byte %llu",
					  (unsigned long long)p.offset);
			else
				atomic_fetch_add(&s->streams_complete, 1);
		}
	}
	free(payload);
	free(buf);
	return NULL;
}

static void *prober_thread(void *arg)
{
	struct stress *s = arg;
	unsigned int seed = 3, gen;
	ssize_t n;
	int fd, ret;

	while (!atomic_load(&s->stop_io)) {
		bool save = rnd(&seed, 3);

		fd = session_get(s, save, &gen);
		if (fd < 0) {
			usleep(200);
			continue;
		}
		switch (save ? rnd(&seed, 4) : 2 + rnd(&seed, 2)) {
		case 0: {
			struct vfio_precopy_info info = { .argsz = sizeof(info) };

			ret = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info) ? errno : 0;
			if (!ret && info.flags & ~VFIO_PRECOPY_INFO_REINIT)
				violation(s, "PRECOPY_INFO flags 0x%x", info.flags);
			account(s, K_PRECOPY_INFO, ret, precopy_info_ok);
			break;
		}
		case 1:
			/*
			 * The kernel cannot write there: EFAULT, nothing
			 * consumed (0 at the end of a stream: nothing to copy)
			 */
			n = read(fd, s->noaccess, 4096);
			ret = n < 0 ? errno : 0;
			if (n > 0)
				violation(s, "a read into a read-only page returned %zd", n);
			account(s, K_BAD_READ, ret, bad_read_ok);
			break;
		case 2:
			ret = (save ? read(fd, s->noaccess, 0) : write(fd, s->noaccess, 0)) ?
			      errno : 0;
			account(s, K_ZERO_IO, ret, zero_io_ok);
			break;
		default: {
			struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

			ret = poll(&pfd, 1, 0) < 0 ? errno : 0;
			if (!ret && pfd.revents & POLLNVAL)
				violation(s, "poll on a data_fd: POLLNVAL");
			if (!ret && !save && !(pfd.revents & (POLLOUT | POLLHUP)))
				violation(s, "poll on a resume fd: 0x%x", pfd.revents);
			account(s, K_POLL, ret, poll_ok);
			break;
		}
		}
		close(fd);
	}
	return NULL;
}

static void *writer_thread(void *arg)
{
	static const size_t pieces[] = { 0, 1, 7, 16, 100, 4096, STREAM_MAX };
	struct stress *s = arg;
	unsigned int seed = 4, gen, cur_gen = ~0u;
	uint8_t junk[256];
	size_t pos = 0, len;
	ssize_t n;
	int fd;

	while (!atomic_load(&s->stop_io)) {
		fd = session_get(s, false, &gen);
		if (fd < 0) {
			usleep(200);
			continue;
		}
		if (gen != cur_gen) {
			cur_gen = gen;
			pos = 0;
		}
		switch (rnd(&seed, 20)) {
		case 0:
			for (len = 0; len < sizeof(junk); len++)
				junk[len] = rand_r(&seed);
			n = write(fd, junk, 1 + rnd(&seed, sizeof(junk)));
			break;
		case 1:
			n = write(fd, s->unreadable, 64);
			break;
		default:
			len = pieces[rnd(&seed, ARRAY_SIZE(pieces))];
			if (len > s->stream_len - pos)
				len = s->stream_len - pos;
			n = write(fd, s->stream + pos, len);
			if (n > 0)
				pos += n;
			break;
		}
		close(fd);
		account(s, K_WRITE, n < 0 ? errno : 0, write_ok);
	}
	return NULL;
}

static void *guest_thread(void *arg)
{
	struct stress *s = arg;
	unsigned int seed = 5;
	uint32_t v;
	off_t off;
	ssize_t n;

	while (!atomic_load(&s->stop_fsm)) {
		int devfd = atomic_load(&s->devfd);

		off = s->a.region[VFIO_PCI_BAR0_REGION_INDEX].offset;
		if (rnd(&seed, 4)) {
			off += VMBMEM(rnd(&seed, 16));
			v = rand_r(&seed);
		} else {
			off += V2PMAILBOX;
			v = rand_r(&seed) & 0xf;	/* REQ, ACK, VFU, PFU */
		}
		n = pwrite(devfd, &v, 4, off);
		account(s, K_MAILBOX, n == 4 ? 0 : n < 0 ? errno : EIO, mailbox_ok);
		usleep(100);
	}
	return NULL;
}

/* One migration @from -> @to: PRE_COPY, STOP_COPY, RESUMING, back to RUNNING. */
static int migrate(struct vfio_dev *from, struct vfio_dev *to, uint8_t *buf)
{
	int sfd = -1, rfd = -1, err, ret;
	ssize_t n;

	ret = mig_set_state(from->fd, PRE_COPY, &sfd);
	if (!ret)
		ret = mig_set_state(from->fd, PRE_COPY_P2P, NULL);
	if (!ret)
		ret = mig_set_state(from->fd, STOP_COPY, NULL);
	if (ret)
		goto out;
	n = mig_read_all(sfd, buf, STREAM_MAX, &err);
	if (err || n <= 0) {
		ret = err ? -err : -EIO;
		goto out;
	}
	ret = mig_set_state(to->fd, RESUMING, &rfd);
	if (!ret)
		ret = mig_write_all(rfd, buf, n, 4096);
	if (!ret)
		ret = mig_set_state(to->fd, STOP, NULL);
	if (!ret)
		ret = mig_set_state(to->fd, RUNNING, NULL);
out:
	if (sfd >= 0)
		close(sfd);
	if (rfd >= 0)
		close(rfd);
	mig_set_state(from->fd, RUNNING, NULL);
	return ret;
}

static void *migrate_thread(void *arg)
{
	struct stress *s = arg;
	uint8_t *buf = malloc(STREAM_MAX);
	bool back = false;
	int ret;

	while (buf && !atomic_load(&s->stop_mig)) {
		ret = back ? migrate(&s->d, &s->c, buf) : migrate(&s->c, &s->d, buf);
		account(s, K_MIGRATE, ret < 0 ? -ret : 0, (const int[]){ 0 });
		if (!ret)
			atomic_fetch_add(&s->migrations, 1);
		back = !back;
	}
	free(buf);
	return NULL;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_counts(struct __test_metadata *_metadata, struct stress *s, long ms)
{
	long total = 0;
	char line[512];
	int k, e, len;

	for (k = 0; k < K_NR; k++) {
		total += atomic_load(&s->calls[k]);
		len = snprintf(line, sizeof(line), "%-30s %8ld calls:", kind_name[k],
			       atomic_load(&s->calls[k]));
		for (e = 1; e < MAX_ERRNO && len < (int)sizeof(line) - 32; e++)
			if (atomic_load(&s->errnos[k][e]))
				len += snprintf(line + len, sizeof(line) - len, " %s %ld",
						strerrorname_np(e) ? strerrorname_np(e) : "?",
						atomic_load(&s->errnos[k][e]));
		ksft_print_msg("%s\n", line);
	}
	ksft_print_msg("stress: %ld calls in %ld ms\n", total, ms);
	ksft_print_msg("stress: checked %ld save records and %ld complete streams\n",
		       atomic_load(&s->records), atomic_load(&s->streams_complete));
	ksft_print_msg("stress: %ld resets back to RUNNING, %ld migrations of C/D\n",
		       atomic_load(&s->resets_running), atomic_load(&s->migrations));
	ksft_print_msg("stress: %ld invariant violations\n", atomic_load(&s->violations));
}

static const uint8_t mac_a[6] = { 0x02, 0x50, 0x32, 0x53, 0x01, 0x0a };
static const uint8_t mac_c[6] = { 0x02, 0x50, 0x32, 0x53, 0x01, 0x0c };

FIXTURE(stress) {
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

/* the harness's limit for the whole test; P2PMIG_STRESS_SECONDS stays below */
#define STRESS_MAX_SECONDS	(TEST_LIMIT - 120)
#define TEST_LIMIT		600

TEST_F_TIMEOUT(stress, one_vf_under_concurrent_fsm_io_reset_close_and_guest_mailbox_writes,
	       TEST_LIMIT)
{
	const char *a = test_vf("A"), *c = test_vf("C"), *d = test_vf("D");
	pthread_t fsm, reader, prober, writer, guest, mig;
	struct igbvf_user ua, uc;
	long t0, secs = 60;
	struct stress *s;
	int fd, err, ret, n, i;

	if (!a || !c || !d)
		SKIP(return, "P2PMIG_VF_A, _C and _D must name VFs bound to p2pmig");
	if (getenv("P2PMIG_STRESS_SECONDS"))
		secs = atol(getenv("P2PMIG_STRESS_SECONDS"));
	ASSERT_LT(0, secs);
	ASSERT_GE(STRESS_MAX_SECONDS, secs);
	s = calloc(1, sizeof(*s));
	ASSERT_NE(NULL, s);
	pthread_mutex_init(&s->lock, NULL);
	s->save_fd = -1;
	s->resume_fd = -1;
	s->noaccess = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s->noaccess);
	s->unreadable = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s->unreadable);

	ret = vfio_dev_open(&s->a, a, -1);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", s->a.failed_step, strerror(-ret));
	ret = vfio_dev_open(&s->c, c, s->a.container);
	ASSERT_EQ(0, ret) TH_LOG("C: %s: %s", s->c.failed_step, strerror(-ret));
	ret = vfio_dev_open(&s->d, d, s->a.container);
	ASSERT_EQ(0, ret) TH_LOG("D: %s: %s", s->d.failed_step, strerror(-ret));

	/* a real stream of A, for the writer */
	ASSERT_EQ(0, mig_set_state(s->a.fd, STOP_COPY, &fd));
	n = mig_read_all(fd, s->stream, sizeof(s->stream), &err);
	close(fd);
	ASSERT_EQ(0, err);
	ASSERT_LT(0, n);
	s->stream_len = n;
	ASSERT_EQ(0, mig_set_state(s->a.fd, RUNNING, NULL));

	ASSERT_EQ(0, pthread_create(&mig, NULL, migrate_thread, s));
	t0 = now_ms();
	for (i = 0; now_ms() - t0 < secs * 1000; i++) {
		if (i) {
			ret = vfio_dev_open(&s->a, a, -1);
			ASSERT_EQ(0, ret) TH_LOG("round %d: A: %s: %s", i, s->a.failed_step,
						 strerror(-ret));
		}
		atomic_store(&s->devfd, s->a.fd);
		atomic_store(&s->stop_fsm, false);
		atomic_store(&s->stop_io, false);
		ASSERT_EQ(0, pthread_create(&fsm, NULL, fsm_thread, s));
		ASSERT_EQ(0, pthread_create(&reader, NULL, reader_thread, s));
		ASSERT_EQ(0, pthread_create(&prober, NULL, prober_thread, s));
		ASSERT_EQ(0, pthread_create(&writer, NULL, writer_thread, s));
		ASSERT_EQ(0, pthread_create(&guest, NULL, guest_thread, s));
		usleep(ROUND_MS * 1000);
		atomic_store(&s->stop_fsm, true);
		pthread_join(fsm, NULL);
		pthread_join(guest, NULL);
		/* close the device under the data_fd threads */
		vfio_dev_close(&s->a);
		usleep(100 * 1000);
		atomic_store(&s->stop_io, true);
		pthread_join(reader, NULL);
		pthread_join(prober, NULL);
		pthread_join(writer, NULL);
		session_set(s, true, -1);
		session_set(s, false, -1);
		if (now_ms() - t0 > (i + 1) * (ROUND_MS + 100) + 2000)
			ksft_print_msg("round %d ended %ld ms into the run\n", i, now_ms() - t0);
	}
	atomic_store(&s->stop_mig, true);
	pthread_join(mig, NULL);
	print_counts(_metadata, s, now_ms() - t0);
	EXPECT_EQ(0, atomic_load(&s->violations)) TH_LOG("first: %s", s->first_violation);
	EXPECT_LT(0, atomic_load(&s->records));
	EXPECT_LT(0, atomic_load(&s->resets_running));
	EXPECT_LT(0, atomic_load(&s->migrations));

	/* A, reset, still passes a frame to C */
	ret = vfio_dev_open(&s->a, a, -1);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", s->a.failed_step, strerror(-ret));
	vfio_dev_close(&s->c);
	ret = vfio_dev_open(&s->c, c, s->a.container);
	ASSERT_EQ(0, ret) TH_LOG("C: %s: %s", s->c.failed_step, strerror(-ret));
	ASSERT_EQ(0, ioctl(s->a.fd, VFIO_DEVICE_RESET));
	EXPECT_EQ(RUNNING, mig_state_of(s->a.fd));
	ret = igbvf_user_init(&ua, &s->a, IOVA_A, mac_a);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", ua.failed_step, strerror(-ret));
	ret = igbvf_user_init(&uc, &s->c, IOVA_C, mac_c);
	ASSERT_EQ(0, ret) TH_LOG("C: %s: %s", uc.failed_step, strerror(-ret));
	EXPECT_EQ(0, igbvf_user_frame_crosses(&ua, mac_a, &uc, mac_c, 0x57))
		TH_LOG("A's frame did not reach C after the stress");
	igbvf_user_fini(&uc);
	igbvf_user_fini(&ua);
	vfio_dev_close(&s->d);
	vfio_dev_close(&s->c);
	vfio_dev_close(&s->a);
	munmap(s->noaccess, 4096);
	munmap(s->unreadable, 4096);
	free(s);
}

TEST_HARNESS_MAIN
