// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile and unlucky callers of a VF bound to p2pmig: zero-length and
 * late data_fd calls, a VFIO_DEVICE_IOEVENTFD whose arguments change while
 * the kernel reads them, a record rewritten while it is being read, a
 * guest that keeps changing its configuration during pre-copy, a stream
 * left incomplete, rejections in a loop, a powered-down function, a queue
 * that never stops.  Races are made deterministic with userfaultfd (a
 * kernel copy of user memory waits on a missing page while the test acts).
 *
 * Needs P2PMIG_VF_A (PF0) and P2PMIG_VF_C (PF1) bound to p2pmig with the
 * default module parameters.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "lib/bed_harness.h"
#include "lib/frame_util.h"
#include "lib/igbvf_user.h"
#include "lib/mig_util.h"
#include "lib/race_util.h"
#include "lib/vfio_util.h"
#include "stream.h"

#define VMBMEM(i)	(0x0800 + 4 * (i))
#define VTEITR(i)	(0x1680 + 4 * (i))
#define RDBAL(q)	(0x2800 + 0x100 * (q))
#define TRAP_END	0x1000
#define STREAM_MAX	(64 * 1024)
#define IOVA_A		0x10000000ULL
#define IOVA_C		0x20000000ULL
/* record types of the igbvf backend (drivers/vfio/pci/p2pmig/igbvf.h) */
#define REC_CONFIG	(P2PMIG_REC_BACKEND_BASE + 3)

static const uint8_t mac_a[6] = { 0x02, 0x50, 0x32, 0x50, 0x01, 0x0a };
static const uint8_t mac_c[6] = { 0x02, 0x50, 0x32, 0x50, 0x01, 0x0c };

FIXTURE(rob) {
	struct vfio_dev a, c;
	struct igbvf_user ua, uc;
	bool ua_up, uc_up;
	uint8_t stream[STREAM_MAX];
};

FIXTURE_SETUP(rob)
{
	const char *a = test_vf("A"), *c = test_vf("C");
	int ret;

	if (!a || !c)
		SKIP(return, "P2PMIG_VF_A and P2PMIG_VF_C must name VFs bound to p2pmig");
	ret = vfio_dev_open(&self->a, a, -1);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", a, self->a.failed_step, strerror(-ret));
	ret = vfio_dev_open(&self->c, c, self->a.container);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", c, self->c.failed_step, strerror(-ret));
}

FIXTURE_TEARDOWN(rob)
{
	if (self->uc_up)
		igbvf_user_fini(&self->uc);
	if (self->ua_up)
		igbvf_user_fini(&self->ua);
	vfio_dev_close(&self->c);
	vfio_dev_close(&self->a);
}

/* Bring up the userspace igbvf driver on A (the guest that migrates). */
static void guest_up(struct __test_metadata *_metadata, struct _test_data_rob *self)
{
	int ret = igbvf_user_init(&self->ua, &self->a, IOVA_A, mac_a);

	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", self->ua.failed_step, strerror(-ret));
	self->ua_up = true;
}

/* The n-th multicast group of these tests: a configuration change. */
static void group(uint8_t *mac, int n)
{
	static const uint8_t base[6] = { 0x01, 0x00, 0x5e, 0x00, 0x02, 0x00 };

	memcpy(mac, base, 6);
	mac[5] = n;
	mac[4] = 2 + n / 256;
}

/*
 * Run @fn in a child process and wait up to @secs for it: a call that never
 * returns (or cannot be killed) fails the test instead of hanging it.
 * Returns the child's exit status, or -1 if it did not finish.
 */
static int in_child(int (*fn)(void *), void *arg, int secs)
{
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -2;
	if (!pid)
		_exit(fn(arg));
	for (i = 0; i < secs * 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	return -1;
}

static int read_zero(void *arg)
{
	char buf[1];

	return read(*(int *)arg, buf, 0) == 0 ? 0 : 1;
}

static int write_zero(void *arg)
{
	char buf[1] = { 0 };

	return write(*(int *)arg, buf, 0) == 0 ? 0 : 1;
}

/* read(data_fd, buf, 0) returns 0 at once, whatever is queued. */
TEST_F(rob, zero_length_read_and_write_return_at_once)
{
	struct vfio_precopy_info before, after;
	int fd, dfd;

	ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &fd));
	ASSERT_EQ(0, mig_precopy_info(fd, &before));
	ASSERT_LT(0, before.initial_bytes);
	EXPECT_EQ(0, in_child(read_zero, &fd, 20)) TH_LOG("read(fd, buf, 0) in PRE_COPY");
	ASSERT_EQ(0, mig_precopy_info(fd, &after));
	EXPECT_EQ(before.initial_bytes, after.initial_bytes);

	ASSERT_EQ(0, mig_set_state(self->a.fd, STOP_COPY, NULL));
	EXPECT_EQ(0, in_child(read_zero, &fd, 20)) TH_LOG("read(fd, buf, 0) in STOP_COPY");
	close(fd);
	ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));

	ASSERT_EQ(0, mig_set_state(self->c.fd, RESUMING, &dfd));
	EXPECT_EQ(0, in_child(write_zero, &dfd, 20)) TH_LOG("write(fd, buf, 0) in RESUMING");
	close(dfd);
	ASSERT_EQ(0, ioctl(self->c.fd, VFIO_DEVICE_RESET));
}

/* Once a reset has ended the session, every call on its fd says so. */
TEST_F(rob, calls_after_a_reset_fail_with_enodev_in_every_state)
{
	static const struct {
		uint32_t state;
		bool drain;
	} cases[] = {
		{ PRE_COPY, false }, { PRE_COPY, true },
		{ STOP_COPY, false }, { STOP_COPY, true },
	};
	struct vfio_precopy_info info;
	struct pollfd p;
	uint8_t buf[STREAM_MAX];
	unsigned int i;
	int fd, err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, mig_set_state(self->a.fd, cases[i].state, &fd));
		if (cases[i].drain)
			mig_read_all(fd, buf, sizeof(buf), &err);
		ASSERT_EQ(0, ioctl(self->a.fd, VFIO_DEVICE_RESET));
		EXPECT_EQ(-1, read(fd, buf, sizeof(buf))) TH_LOG("case %u", i);
		EXPECT_EQ(ENODEV, errno) TH_LOG("case %u: %s", i, strerror(errno));
		EXPECT_EQ(-1, read(fd, buf, 0)) TH_LOG("case %u", i);
		EXPECT_EQ(ENODEV, errno) TH_LOG("case %u: %s", i, strerror(errno));
		EXPECT_EQ(-EINVAL, mig_precopy_info(fd, &info));
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		EXPECT_EQ(1, poll(&p, 1, 0));
		EXPECT_TRUE(p.revents & (POLLERR | POLLHUP));
		close(fd);
		EXPECT_EQ(RUNNING, mig_state_of(self->a.fd));
	}
}

struct reader {
	int fd;
	volatile int stop;
	volatile int reset_done;
	int late_ok;		/* reads begun after the reset that did not fail */
	int late_enodev;
	int bad;		/* errnos not in the documented set */
};

static long read_loop(void *arg)
{
	struct reader *r = arg;
	uint8_t buf[64];
	ssize_t n;
	int after;

	while (!r->stop) {
		after = r->reset_done;
		n = read(r->fd, buf, (r->late_ok + r->late_enodev) % 2 ? 0 : sizeof(buf));
		if (n < 0 && errno != ENOMSG && errno != ENODEV)
			r->bad++;
		if (after && n < 0 && errno == ENODEV)
			r->late_enodev++;
		else if (after)
			r->late_ok++;
	}
	return 0;
}

/* Reads racing a reset: data or ENOMSG before it, ENODEV for good after. */
TEST_F(rob, reads_racing_a_reset_end_in_enodev)
{
	struct reader r = { 0 };
	struct bg_call bg;
	uint8_t buf[STREAM_MAX];
	int err, round;

	for (round = 0; round < 20; round++) {
		ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &r.fd));
		mig_read_all(r.fd, buf, sizeof(buf), &err);
		r.stop = 0;
		r.reset_done = 0;
		ASSERT_EQ(0, bg_start(&bg, read_loop, &r));
		usleep(1000 * (round % 5));
		ASSERT_EQ(0, ioctl(self->a.fd, VFIO_DEVICE_RESET));
		r.reset_done = 1;
		usleep(20000);
		r.stop = 1;
		ASSERT_EQ(0, bg_join(&bg, 10000));
		close(r.fd);
	}
	EXPECT_EQ(0, r.bad);
	EXPECT_EQ(0, r.late_ok) TH_LOG("%d reads begun after a reset did not fail with ENODEV",
				       r.late_ok);
	EXPECT_LT(0, r.late_enodev);
}

static uint64_t bar0(struct vfio_dev *d)
{
	return d->region[VFIO_PCI_BAR0_REGION_INDEX].offset;
}

static int ioeventfd(struct vfio_dev *d, uint32_t off, uint64_t data, int fd)
{
	struct vfio_device_ioeventfd e = {
		.argsz = sizeof(e),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = bar0(d) + off,
		.data = data,
		.fd = fd,
	};

	return ioctl(d->fd, VFIO_DEVICE_IOEVENTFD, &e) ? -errno : 0;
}

/* No ioeventfd may write into the trapped page, nor straddle its end. */
TEST_F(rob, ioeventfd_into_the_trapped_page_is_refused)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	EXPECT_EQ(-EINVAL, ioeventfd(&self->a, VMBMEM(3), 1, efd));
	EXPECT_EQ(-EINVAL, ioeventfd(&self->a, 0, 1, efd));
	EXPECT_EQ(-EINVAL, ioeventfd(&self->a, TRAP_END - 2, 1, efd));
	close(efd);
}

/* Elsewhere it works as under vfio-pci: written when signalled, removable. */
TEST_F(rob, ioeventfd_outside_the_trap_writes_when_signalled)
{
	uint64_t one = 1;
	int efd = eventfd(0, EFD_CLOEXEC), i;

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vfio_bar0_write32(&self->a, VTEITR(1), 0x100));
	ASSERT_EQ(0, ioeventfd(&self->a, VTEITR(1), 0x2f0, efd));
	EXPECT_EQ(-EEXIST, ioeventfd(&self->a, VTEITR(1), 0x2f0, efd));
	EXPECT_EQ(0x100, vfio_bar0_reg(&self->a, VTEITR(1)));
	ASSERT_EQ(8, write(efd, &one, 8));
	for (i = 0; i < 100 && vfio_bar0_reg(&self->a, VTEITR(1)) != 0x2f0; i++)
		usleep(10000);
	EXPECT_EQ(0x2f0, vfio_bar0_reg(&self->a, VTEITR(1)));
	EXPECT_EQ(0, ioeventfd(&self->a, VTEITR(1), 0x2f0, -1));
	EXPECT_EQ(-ENODEV, ioeventfd(&self->a, VTEITR(1), 0x2f0, -1));
	ASSERT_EQ(0, vfio_bar0_write32(&self->a, VTEITR(1), 0x100));
	ASSERT_EQ(8, write(efd, &one, 8));
	usleep(100000);
	EXPECT_EQ(0x100, vfio_bar0_reg(&self->a, VTEITR(1)));
	close(efd);
}

struct ioctl_call {
	int fd;
	void *arg;
};

static long call_ioeventfd(void *arg)
{
	struct ioctl_call *c = arg;

	return ioctl(c->fd, VFIO_DEVICE_IOEVENTFD, c->arg);
}

/*
 * The arguments change while the kernel reads them: the offset is a benign
 * one when the kernel starts, the mailbox once it is half way through.
 * Whatever the kernel decided, no write may land in the trapped page.
 */
TEST_F(rob, ioeventfd_arguments_changed_during_the_call_never_reach_the_trap)
{
	const uint32_t sentinel = 0x5e471e17;
	struct vfio_device_ioeventfd *e;
	uint8_t page[65536] = { 0 };
	struct ioctl_call call;
	struct bg_call bg;
	struct stall st;
	uint64_t one = 1;
	int efd, ret;

	ret = stall_init(&st);
	if (ret)
		SKIP(return, "no userfaultfd here (%s)", strerror(-ret));
	ASSERT_GE(sizeof(page), st.page);
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	/* argsz, flags, offset in the present page; data, fd in the missing one */
	e = (void *)(stall_edge(&st) - offsetof(struct vfio_device_ioeventfd, data));
	e->argsz = sizeof(*e);
	e->flags = VFIO_DEVICE_IOEVENTFD_32;
	e->offset = bar0(&self->a) + VTEITR(2);
	memcpy(page, &(uint64_t){ 0x1d0 }, 8);
	memcpy(page + 8, &efd, 4);

	ASSERT_EQ(0, vfio_bar0_write32(&self->a, VMBMEM(5), sentinel));
	call = (struct ioctl_call){ .fd = self->a.fd, .arg = e };
	ASSERT_EQ(0, bg_start(&bg, call_ioeventfd, &call));
	ASSERT_EQ(0, stall_wait(&st, 10000)) TH_LOG("the kernel never read the arguments");
	e->offset = bar0(&self->a) + VMBMEM(5);
	ASSERT_EQ(0, stall_release(&st, page));
	ASSERT_EQ(0, bg_join(&bg, 10000));

	ASSERT_EQ(8, write(efd, &one, 8));
	usleep(200000);
	EXPECT_EQ(sentinel, vfio_bar0_reg(&self->a, VMBMEM(5)))
		TH_LOG("an ioeventfd wrote into the trapped page (ioctl returned %ld)", bg.ret);
	if (!bg.ret)
		EXPECT_EQ(0x1d0, vfio_bar0_reg(&self->a, VTEITR(2)));
	close(efd);
	stall_fini(&st);
}

/* Split a save stream into records with the driver's own parser. */
struct checker {
	struct p2pmig_parser p;
	uint8_t buf[P2PMIG_REC_MAX_LEN];
	int records;
	int configs;
	uint8_t last_config[256];
	uint32_t last_config_len;
};

static int check_rec(void *ctx, const struct p2pmig_record *rec, const uint8_t *payload)
{
	struct checker *c = ctx;

	c->records++;
	if ((rec->type & P2PMIG_REC_TYPE_MASK) == REC_CONFIG &&
	    rec->len <= sizeof(c->last_config)) {
		c->configs++;
		memcpy(c->last_config, payload, rec->len);
		c->last_config_len = rec->len;
	}
	return 0;
}

static const struct p2pmig_parser_ops checker_ops = { .on_record = check_rec };

static int check_stream(struct checker *c, const uint8_t *s, size_t len)
{
	int ret;

	memset(c, 0, sizeof(*c));
	p2pmig_parser_init(&c->p, c->buf, sizeof(c->buf));
	ret = p2pmig_parse(&c->p, &checker_ops, c, s, len);
	return ret ? ret : p2pmig_parser_finish(&c->p);
}

struct read_call {
	int fd;
	void *buf;
	size_t len;
};

static long call_read(void *arg)
{
	struct read_call *r = arg;

	return read(r->fd, r->buf, r->len);
}

/*
 * A configuration record is being copied to the reader when the guest
 * changes its configuration again: the record the reader gets is whole
 * (its checksum holds), and the change still follows.
 */
TEST_F(rob, record_rewritten_while_being_read_is_never_torn)
{
	static struct checker chk;
	uint8_t page[65536] = { 0 }, mc[6];
	struct vfio_precopy_info info;
	struct read_call rd;
	struct bg_call bg;
	struct stall st;
	size_t len = 0, head = 20;
	ssize_t n;
	int fd, err, ret;

	ret = stall_init(&st);
	if (ret)
		SKIP(return, "no userfaultfd here (%s)", strerror(-ret));
	guest_up(_metadata, self);
	ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &fd));
	len = mig_read_all(fd, self->stream, sizeof(self->stream), &err);
	ASSERT_EQ(ENOMSG, err);

	/* a change: one configuration record queued, nobody reading it */
	group(mc, 1);
	ASSERT_EQ(0, igbvf_user_add_multicast(&self->ua, mc));
	ASSERT_EQ(0, mig_precopy_info(fd, &info));
	ASSERT_LT(0, info.initial_bytes + info.dirty_bytes);

	/* its first bytes (record header, flags) land, then the copy waits */
	rd = (struct read_call){ .fd = fd, .buf = stall_edge(&st) - head,
				 .len = info.initial_bytes + info.dirty_bytes };
	ASSERT_EQ(0, bg_start(&bg, call_read, &rd));
	ASSERT_EQ(0, stall_wait(&st, 10000)) TH_LOG("the read never reached the stall");

	/* the guest changes again while the record is half copied */
	group(mc, 2);
	ASSERT_EQ(0, igbvf_user_add_multicast(&self->ua, mc));
	ASSERT_EQ(0, mig_precopy_info(fd, &info));

	ASSERT_EQ(0, stall_release(&st, page));
	ASSERT_EQ(0, bg_join(&bg, 10000));
	ASSERT_LT(0, bg.ret) TH_LOG("read: %s", strerror(bg.err));
	memcpy(self->stream + len, rd.buf, bg.ret);
	len += bg.ret;

	ASSERT_EQ(0, mig_set_state(self->a.fd, STOP_COPY, NULL));
	n = mig_read_all(fd, self->stream + len, sizeof(self->stream) - len, &err);
	ASSERT_EQ(0, err);
	len += n;
	close(fd);
	ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));

	EXPECT_EQ(0, check_stream(&chk, self->stream, len))
		TH_LOG("%s at byte %llu", chk.p.why ? chk.p.why : "?",
		       (unsigned long long)chk.p.offset);
	/* the last configuration record has both groups (nr_mc at byte 11) */
	ASSERT_LT(11, chk.last_config_len);
	EXPECT_EQ(2, chk.last_config[11]);
	stall_fini(&st);
}

/*
 * The guest keeps changing its configuration during pre-copy, the reader
 * keeps reading: MIG_DATA_SIZE is still an upper bound, before the session
 * of the whole stream and during it of what is left, and the last change
 * reaches the destination.
 */
TEST_F(rob, mig_data_size_bounds_the_stream_however_often_the_guest_changes)
{
	static struct checker chk;
	struct vfio_precopy_info info;
	uint64_t size, left;
	uint8_t mc[6];
	size_t len, at;
	ssize_t n;
	int fd, dfd, err, i;

	guest_up(_metadata, self);
	ASSERT_EQ(0, mig_data_size(self->a.fd, &size));
	ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &fd));
	len = mig_read_all(fd, self->stream, sizeof(self->stream), &err);
	ASSERT_EQ(ENOMSG, err);
	for (i = 1; i <= 20; i++) {
		group(mc, i);
		ASSERT_EQ(0, igbvf_user_add_multicast(&self->ua, mc));
		ASSERT_EQ(0, mig_precopy_info(fd, &info));
		/* read all of it but the last byte, then the rest */
		n = info.initial_bytes + info.dirty_bytes;
		if (n > 1)
			n = read(fd, self->stream + len, n - 1);
		ASSERT_LE(0, n);
		len += n;
		ASSERT_EQ(0, mig_data_size(self->a.fd, &left));
		at = len;
		n = mig_read_all(fd, self->stream + len, sizeof(self->stream) - len, &err);
		len += n;
		EXPECT_LE(len - at, left) TH_LOG("change %d: %zu bytes left, bound %llu", i,
						 len - at, (unsigned long long)left);
	}
	ASSERT_EQ(0, mig_data_size(self->a.fd, &left));
	at = len;
	ASSERT_EQ(0, mig_set_state(self->a.fd, STOP_COPY, NULL));
	len += mig_read_all(fd, self->stream + len, sizeof(self->stream) - len, &err);
	ASSERT_EQ(0, err);
	close(fd);
	ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));
	EXPECT_LE(len - at, left);
	EXPECT_LE(len, size) TH_LOG("the stream has %zu bytes, MIG_DATA_SIZE said %llu", len,
				    (unsigned long long)size);

	ASSERT_EQ(0, check_stream(&chk, self->stream, len));
	ASSERT_LT(11, chk.last_config_len);
	EXPECT_EQ(20, chk.last_config[11]);
	/* and the destination takes it */
	ASSERT_EQ(0, mig_set_state(self->c.fd, RESUMING, &dfd));
	EXPECT_EQ(0, mig_write_all(dfd, self->stream, len, 4096));
	EXPECT_EQ(0, mig_set_state(self->c.fd, STOP, NULL));
	close(dfd);
	ASSERT_EQ(0, ioctl(self->c.fd, VFIO_DEVICE_RESET));
}

/* Leaving RESUMING too early fails; the rest of the stream still loads. */
TEST_F(rob, incomplete_stream_can_be_completed_after_a_refused_stop)
{
	int fd, dfd, err;
	size_t len, half;

	ASSERT_EQ(0, vfio_bar0_write32(&self->a, RDBAL(1), 0x00fed000));
	ASSERT_EQ(0, mig_set_state(self->a.fd, STOP_COPY, &fd));
	len = mig_read_all(fd, self->stream, sizeof(self->stream), &err);
	ASSERT_EQ(0, err);
	close(fd);
	ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));

	half = len / 2;
	ASSERT_EQ(0, mig_set_state(self->c.fd, RESUMING, &dfd));
	ASSERT_EQ(0, mig_write_all(dfd, self->stream, half, 4096));
	EXPECT_EQ(-EINVAL, mig_set_state(self->c.fd, STOP, NULL));
	EXPECT_EQ(RESUMING, mig_state_of(self->c.fd));
	EXPECT_EQ(0, mig_write_all(dfd, self->stream + half, len - half, 4096));
	EXPECT_EQ(0, mig_set_state(self->c.fd, RUNNING, NULL));
	EXPECT_EQ(0x00fed000, vfio_bar0_reg(&self->c, RDBAL(1)));
	close(dfd);
}

/*
 * A VMM that has its streams rejected in a loop does not flood the log:
 * the driver's limit is 10 messages per 5 s and device, and one line
 * counting what it suppressed.
 */
TEST_F(rob, rejections_in_a_loop_do_not_flood_the_kernel_log)
{
	struct timespec t0, t1;
	int kmsg, i, dfd, lines, windows;
	uint8_t junk[64];
	char who[64];

	kmsg = kmsg_open();
	if (kmsg < 0)
		SKIP(return, "cannot read /dev/kmsg (%s)", strerror(-kmsg));
	memset(junk, 0x5a, sizeof(junk));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, mig_set_state(self->c.fd, RESUMING, &dfd));
		EXPECT_EQ(-EINVAL, mig_write_all(dfd, junk, sizeof(junk), sizeof(junk)));
		EXPECT_EQ(-EINVAL, mig_set_state(self->c.fd, STOP, NULL));
		close(dfd);
		ASSERT_EQ(0, ioctl(self->c.fd, VFIO_DEVICE_RESET));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* p2pmig's errors about C (the PCI core's resets print as p2pmig's too) */
	snprintf(who, sizeof(who), "p2pmig %s: ", self->c.bdf);
	lines = kmsg_count(kmsg, who, 3);
	close(kmsg);
	/* the windows the loop can have touched, each 10 messages and a count */
	windows = (t1.tv_sec - t0.tv_sec) / 5 + 2;
	EXPECT_LT(0, lines);
	EXPECT_GE(windows * 11, lines)
		TH_LOG("200 rejections in %ld s wrote %d lines", (long)(t1.tv_sec - t0.tv_sec),
		       lines);
}

/* The function powered down (D3hot): no arc touches it, it says why. */
TEST_F(rob, arcs_refuse_a_powered_down_function_with_eio)
{
	uint8_t pm, cap;
	uint16_t pmcsr, status;
	int fd;

	ASSERT_EQ(0, vfio_cfg_read(&self->a, 0x06, &status, 2));
	cap = 0;
	if (status & 0x10)
		ASSERT_EQ(0, vfio_cfg_read(&self->a, 0x34, &cap, 1));
	for (pm = 0; cap && pm < 48; pm++) {
		uint8_t id;

		ASSERT_EQ(0, vfio_cfg_read(&self->a, cap, &id, 1));
		if (id == 0x01)
			break;
		ASSERT_EQ(0, vfio_cfg_read(&self->a, cap + 1, &cap, 1));
	}
	if (!cap)
		SKIP(return, "this VF has no power management capability");
	ASSERT_EQ(0, vfio_cfg_read(&self->a, cap + 4, &pmcsr, 2));
	pmcsr = (pmcsr & ~3) | 3;
	ASSERT_EQ(0, vfio_cfg_write(&self->a, cap + 4, &pmcsr, 2));

	EXPECT_EQ(-EIO, mig_set_state(self->a.fd, RUNNING_P2P, NULL));
	EXPECT_EQ(RUNNING, mig_state_of(self->a.fd));
	/* an arc that needs no device access still works */
	EXPECT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &fd));
	EXPECT_EQ(-EIO, mig_set_state(self->a.fd, PRE_COPY_P2P, NULL));
	close(fd);
	EXPECT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));

	pmcsr &= ~3;
	ASSERT_EQ(0, vfio_cfg_write(&self->a, cap + 4, &pmcsr, 2));
	EXPECT_EQ(0, mig_set_state(self->a.fd, RUNNING_P2P, NULL));
	EXPECT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));
}

/*
 * A queue that does not stop (fault injection: as under a pause-frame
 * storm on real hardware) fails RUNNING -> RUNNING_P2P; the VF runs on as
 * before: frames that arrived meanwhile and after are received.
 */
TEST_F(rob, quiesce_that_times_out_leaves_the_queues_running)
{
	char path[160];
	uint8_t frame[FRAME_LEN], buf[IGBVF_USER_BUF];
	int i, n, got = 0, ret;

	snprintf(path, sizeof(path), "/sys/kernel/debug/p2pmig/%s/inject_quiesce",
		 self->a.bdf);
	if (access(path, W_OK))
		SKIP(return, "no %s (debugfs not mounted?)", path);
	guest_up(_metadata, self);
	ret = igbvf_user_init(&self->uc, &self->c, IOVA_C, mac_c);
	ASSERT_EQ(0, ret) TH_LOG("C: %s: %s", self->uc.failed_step, strerror(-ret));
	self->uc_up = true;

	ASSERT_EQ(0, sysfs_write(path, "1"));
	EXPECT_EQ(-ETIMEDOUT, mig_set_state(self->a.fd, RUNNING_P2P, NULL));
	EXPECT_EQ(RUNNING, mig_state_of(self->a.fd));

	for (i = 0; i < 10; i++) {
		make_frame(frame, mac_a, mac_c, 4, i, 0);
		ASSERT_EQ(0, igbvf_user_send(&self->uc, frame, sizeof(frame)));
	}
	while ((n = igbvf_user_recv(&self->ua, buf, sizeof(buf), 1000)) > 0)
		if (check_frame(buf, n, 4) >= 0)
			got++;
	EXPECT_EQ(10, got);
	/* and the next quiesce works */
	EXPECT_EQ(0, mig_set_state(self->a.fd, RUNNING_P2P, NULL));
	EXPECT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));
}

TEST_HARNESS_MAIN
