// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO migration uAPI of a VF bound to p2pmig: the state machine,
 * data_fd save and resume sessions, PRECOPY_INFO, MIG_DATA_SIZE, resets
 * with open sessions, bad streams, and the igbvf register state moving
 * from a VF on one PF to a VF on the other.
 *
 * Needs P2PMIG_VF_A (PF0) and P2PMIG_VF_C (PF1), bound to p2pmig with the
 * default module parameters (all migration features).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "lib/bed_harness.h"
#include "lib/igbvf_regs.h"
#include "lib/mig_util.h"
#include "lib/stream_util.h"
#include "lib/vfio_util.h"
#include "stream.h"

/* igbvf stream records (drivers/vfio/pci/p2pmig/igbvf.h) */
#define REC_CAPS	(P2PMIG_REC_BACKEND_BASE + 1)
#define REC_REGS	(P2PMIG_REC_BACKEND_BASE + 2)
#define REGS_Q0_RDH	16	/* byte offset of q[0].rdh in the record */

#define STREAM_MAX	(64 * 1024)

/* registers the register test programs and compares, with values */
static const struct { unsigned int off; uint32_t val; } prog[] = {
	{ RDBAL(0), 0x00011000 }, { RDBAH(0), 0x1 }, { RDLEN(0), 0x1000 },
	{ SRRCTL(0), 0x02000402 }, { RDH(0), 5 }, { RDT(0), 9 },
	{ RXDCTL(0), 0x00010808 },
	{ TDBAL(0), 0x00012000 }, { TDBAH(0), 0x1 }, { TDLEN(0), 0x800 },
	{ TDH(0), 3 }, { TDT(0), 7 }, { TXDCTL(0), 0x00010101 },
	{ TDWBAL(0), 0x00013000 }, { TDWBAH(0), 0x1 },
	{ RDBAL(1), 0x00021000 }, { RDBAH(1), 0x2 }, { RDLEN(1), 0x400 },
	{ SRRCTL(1), 0x02000802 }, { RDH(1), 1 }, { RDT(1), 2 },
	{ TDBAL(1), 0x00022000 }, { TDLEN(1), 0x400 }, { TDH(1), 4 }, { TDT(1), 6 },
	{ VTEITR(0), 0x100 }, { VTEITR(1), 0x200 }, { VTEITR(2), 0x300 },
	{ VTIVAR, 0x8180 }, { VTIVAR_MISC, 0x82 }, { VTEIAC, 0x7 }, { VTEIAM, 0x0 },
	{ VMBMEM(1), 0x11111111 }, { VMBMEM(15), 0x5a5a5a5a },
};

/* A (PF0) and C (PF1), open in one container */
struct pair {
	struct vfio_dev a;
	struct vfio_dev c;
	uint8_t stream[STREAM_MAX];
};

static void open_pair(struct __test_metadata *_metadata, struct pair *p)
{
	const char *a = test_vf("A"), *c = test_vf("C");
	int ret;

	if (!a || !c)
		SKIP(return, "P2PMIG_VF_A and P2PMIG_VF_C must name VFs bound to p2pmig");
	ret = vfio_dev_open(&p->a, a, -1);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", a, p->a.failed_step, strerror(-ret));
	ret = vfio_dev_open(&p->c, c, p->a.container);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", c, p->c.failed_step, strerror(-ret));
}

static void close_pair(struct pair *p)
{
	vfio_dev_close(&p->c);
	vfio_dev_close(&p->a);
}

FIXTURE(mig) {
	struct pair p;
};

FIXTURE_SETUP(mig)
{
	open_pair(_metadata, &self->p);
}

FIXTURE_TEARDOWN(mig)
{
	close_pair(&self->p);
}

/* Save @d's whole stream through STOP_COPY; the device ends in RUNNING. */
static ssize_t save_stream(struct vfio_dev *d, uint8_t *buf, size_t cap)
{
	int fd, err, ret;
	ssize_t n;

	ret = mig_set_state(d->fd, STOP_COPY, &fd);
	if (ret)
		return ret;
	n = mig_read_all(fd, buf, cap, &err);
	close(fd);
	ret = mig_set_state(d->fd, RUNNING, NULL);
	if (err)
		return -err;
	return ret ? ret : n;
}

TEST_F(mig, migration_feature_offers_stop_copy_p2p_and_pre_copy)
{
	uint64_t flags = 0;

	ASSERT_EQ(0, mig_get_flags(self->p.a.fd, &flags));
	EXPECT_EQ(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY,
		  flags);
	EXPECT_EQ(RUNNING, mig_state_of(self->p.a.fd));
}

TEST_F(mig, each_state_is_reached_from_running_with_a_data_fd_exactly_where_due)
{
	static const uint32_t targets[] = {
		STOP, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P, STOP_COPY, RESUMING,
	};
	unsigned int i;
	int fd, ret;

	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		uint32_t t = targets[i];
		bool wants_fd = t == PRE_COPY || t == PRE_COPY_P2P ||
				t == STOP_COPY || t == RESUMING;

		ret = mig_set_state(self->p.a.fd, t, &fd);
		ASSERT_EQ(0, ret) TH_LOG("RUNNING -> %s: %s", mig_state_name(t), strerror(-ret));
		EXPECT_EQ(t, mig_state_of(self->p.a.fd));
		EXPECT_EQ(wants_fd, fd >= 0) TH_LOG("%s", mig_state_name(t));
		if (fd >= 0)
			close(fd);
		if (t == RESUMING) {
			/* an empty stream cannot be loaded: reset to leave */
			EXPECT_EQ(-EINVAL, mig_set_state(self->p.a.fd, STOP, NULL));
			EXPECT_EQ(RESUMING, mig_state_of(self->p.a.fd));
			ASSERT_EQ(0, ioctl(self->p.a.fd, VFIO_DEVICE_RESET));
		} else {
			ret = mig_set_state(self->p.a.fd, RUNNING, &fd);
			EXPECT_EQ(0, ret) TH_LOG("%s -> RUNNING", mig_state_name(t));
			EXPECT_EQ(-1, fd);
		}
		EXPECT_EQ(RUNNING, mig_state_of(self->p.a.fd));
	}
}

TEST_F(mig, error_and_unknown_states_cannot_be_requested)
{
	EXPECT_EQ(-EINVAL, mig_set_state(self->p.a.fd, VFIO_DEVICE_STATE_ERROR, NULL));
	EXPECT_EQ(-EINVAL, mig_set_state(self->p.a.fd, 8, NULL));
	EXPECT_EQ(-EINVAL, mig_set_state(self->p.a.fd, 0x7fffffff, NULL));
	EXPECT_EQ(RUNNING, mig_state_of(self->p.a.fd));
}

TEST_F(mig, stop_copy_to_pre_copy_is_refused)
{
	int fd;

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, STOP_COPY, &fd));
	EXPECT_EQ(-EINVAL, mig_set_state(self->p.a.fd, PRE_COPY, NULL));
	EXPECT_EQ(-EINVAL, mig_set_state(self->p.a.fd, PRE_COPY_P2P, NULL));
	EXPECT_EQ(STOP_COPY, mig_state_of(self->p.a.fd));
	close(fd);
	EXPECT_EQ(0, mig_set_state(self->p.a.fd, RUNNING, NULL));
}

TEST_F(mig, pre_copy_initial_bytes_shrink_as_read_then_read_fails_enomsg)
{
	struct vfio_precopy_info info;
	uint64_t initial, total_size;
	uint8_t buf[4096];
	int fd, err;
	ssize_t n;

	ASSERT_EQ(0, mig_data_size(self->p.a.fd, &total_size));
	ASSERT_EQ(0, mig_set_state(self->p.a.fd, PRE_COPY, &fd));
	ASSERT_GE(fd, 0);

	memset(&info, 0, sizeof(info));
	info.flags = 0xdeadbeef;	/* an output field: must not come back */
	ASSERT_EQ(0, mig_precopy_info(fd, &info));
	EXPECT_EQ(0, info.flags);
	initial = info.initial_bytes;
	EXPECT_LT(0, initial);
	EXPECT_GT(total_size, initial);

	ASSERT_EQ(1, read(fd, buf, 1));
	ASSERT_EQ(0, mig_precopy_info(fd, &info));
	EXPECT_EQ(initial - 1, info.initial_bytes);

	n = mig_read_all(fd, buf, sizeof(buf), &err);
	EXPECT_EQ(initial - 1, n);
	EXPECT_EQ(ENOMSG, err) TH_LOG("read at the temporary end: %s", strerror(err));
	ASSERT_EQ(0, mig_precopy_info(fd, &info));
	EXPECT_EQ(0, info.initial_bytes);
	EXPECT_EQ(0, info.dirty_bytes);

	/* PRE_COPY_P2P: the same session, PRECOPY_INFO still answers */
	ASSERT_EQ(0, mig_set_state(self->p.a.fd, PRE_COPY_P2P, NULL));
	EXPECT_EQ(0, mig_precopy_info(fd, &info));

	/* STOP_COPY: the rest, then end of stream */
	ASSERT_EQ(0, mig_set_state(self->p.a.fd, STOP_COPY, NULL));
	EXPECT_EQ(-EINVAL, mig_precopy_info(fd, &info));
	n = mig_read_all(fd, buf, sizeof(buf), &err);
	EXPECT_EQ(0, err);
	EXPECT_LT(0, n);
	EXPECT_LE(initial + n, total_size);
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, RUNNING, NULL));
	EXPECT_EQ(-1, read(fd, buf, 1));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
}

TEST_F(mig, precopy_info_outside_pre_copy_is_einval)
{
	struct vfio_precopy_info info;
	int fd;

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, STOP_COPY, &fd));
	EXPECT_EQ(-EINVAL, mig_precopy_info(fd, &info));
	close(fd);
	ASSERT_EQ(0, mig_set_state(self->p.a.fd, RUNNING, NULL));
}

TEST_F(mig, data_fd_refuses_positioned_io)
{
	uint8_t buf[16];
	int fd;

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, PRE_COPY, &fd));
	EXPECT_EQ(-1, pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	close(fd);
	ASSERT_EQ(0, mig_set_state(self->p.a.fd, RUNNING, NULL));
}

TEST_F(mig, stop_copy_stream_fits_in_mig_data_size)
{
	uint64_t size = 0;
	ssize_t n;

	ASSERT_EQ(0, mig_data_size(self->p.a.fd, &size));
	EXPECT_LT(0, size);
	n = save_stream(&self->p.a, self->p.stream, sizeof(self->p.stream));
	ASSERT_LT(0, n) TH_LOG("save: %s", strerror(-n));
	EXPECT_LE(n, size);
}

/*
 * Program A, move its state to C through a stream written byte by byte.
 * A message the PF posted to C and nobody read (its PF pings every VF when
 * its link comes up) would rightly take the place of A's mailbox memory:
 * C's status is read first, which consumes it.
 */
TEST_F(mig, register_state_moves_to_a_vf_on_the_other_pf)
{
	unsigned int i;
	ssize_t n;
	int fd;

	vfio_bar0_reg(&self->p.c, V2PMAILBOX);
	/* hold the mailbox buffer, as a driver writing a message does */
	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, V2PMAILBOX, V2P_VFU));
	for (i = 0; i < ARRAY_SIZE(prog); i++)
		ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, prog[i].off, prog[i].val));
	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, VTEIMS, 0x5));
	/* the source holds what was programmed */
	for (i = 0; i < ARRAY_SIZE(prog); i++)
		ASSERT_EQ(prog[i].val, vfio_bar0_reg(&self->p.a, prog[i].off))
			TH_LOG("source register %#x", prog[i].off);

	n = save_stream(&self->p.a, self->p.stream, sizeof(self->p.stream));
	ASSERT_LT(0, n) TH_LOG("save: %s", strerror(-n));
	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, V2PMAILBOX, 0));

	ASSERT_EQ(0, mig_set_state(self->p.c.fd, RESUMING, &fd));
	ASSERT_EQ(0, mig_write_all(fd, self->p.stream, n, 1));
	ASSERT_EQ(0, mig_set_state(self->p.c.fd, RUNNING, NULL));
	close(fd);

	for (i = 0; i < ARRAY_SIZE(prog); i++)
		EXPECT_EQ(prog[i].val, vfio_bar0_reg(&self->p.c, prog[i].off))
			TH_LOG("register %#x", prog[i].off);
	EXPECT_EQ(0x5, vfio_bar0_reg(&self->p.c, VTEIMS) & 0x7);
}

/* Entering RUNNING_P2P stops the queues (no DMA); MMIO is still served. */
TEST_F(mig, running_p2p_disables_queues_and_running_restores_them)
{
	/* ring length 0 and no PF-side enable: these queues cannot DMA */
	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, RXDCTL(0), XDCTL_ENABLE | 0x808));
	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, TXDCTL(1), XDCTL_ENABLE | 0x101));

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, RUNNING_P2P, NULL));
	EXPECT_EQ(0, vfio_bar0_reg(&self->p.a, RXDCTL(0)) & XDCTL_ENABLE);
	EXPECT_EQ(0, vfio_bar0_reg(&self->p.a, TXDCTL(1)) & XDCTL_ENABLE);
	EXPECT_NE(~0u, vfio_bar0_reg(&self->p.a, VTSTATUS));

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, RUNNING, NULL));
	EXPECT_EQ(XDCTL_ENABLE | 0x808, vfio_bar0_reg(&self->p.a, RXDCTL(0)));
	EXPECT_EQ(XDCTL_ENABLE | 0x101, vfio_bar0_reg(&self->p.a, TXDCTL(1)));
	EXPECT_EQ(0, vfio_bar0_reg(&self->p.a, RXDCTL(1)) & XDCTL_ENABLE);
	ASSERT_EQ(0, ioctl(self->p.a.fd, VFIO_DEVICE_RESET));
}

/* STOP raises no interrupt; the cause is delivered once running again. */
TEST_F(mig, stop_holds_an_interrupt_that_running_then_delivers)
{
	uint16_t cmd;
	int efd[3], i;

	ASSERT_EQ(0, vfio_cfg_read(&self->p.a, 4, &cmd, sizeof(cmd)));
	cmd |= 0x4;	/* bus master: MSI-X messages are memory writes */
	ASSERT_EQ(0, vfio_cfg_write(&self->p.a, 4, &cmd, sizeof(cmd)));
	for (i = 0; i < 3; i++) {
		efd[i] = eventfd(0, EFD_NONBLOCK);
		ASSERT_LE(0, efd[i]);
	}
	ASSERT_EQ(0, vfio_irq_set_eventfds(&self->p.a, VFIO_PCI_MSIX_IRQ_INDEX, 0, 3, efd));
	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, VTEIMS, 0x7));

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, STOP, NULL));
	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, VTEICS, 0x1));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(efd[0], 300));

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, RUNNING, NULL));
	EXPECT_LT(0, eventfd_wait(efd[0], 2000));

	vfio_bar0_write32(&self->p.a, VTEIMC, 0x7);
	vfio_bar0_write32(&self->p.a, VTEICR, 0x7);
	vfio_irq_disable(&self->p.a, VFIO_PCI_MSIX_IRQ_INDEX);
	for (i = 0; i < 3; i++)
		close(efd[i]);
}

TEST_F(mig, reset_ends_open_sessions_and_returns_to_running)
{
	struct vfio_precopy_info info;
	uint8_t buf[8];
	int save, resume;

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, PRE_COPY, &save));
	ASSERT_EQ(0, mig_set_state(self->p.c.fd, RESUMING, &resume));

	ASSERT_EQ(0, ioctl(self->p.a.fd, VFIO_DEVICE_RESET));
	ASSERT_EQ(0, ioctl(self->p.c.fd, VFIO_DEVICE_RESET));
	EXPECT_EQ(RUNNING, mig_state_of(self->p.a.fd));
	EXPECT_EQ(RUNNING, mig_state_of(self->p.c.fd));

	EXPECT_EQ(-1, read(save, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	/* the device left PRE_COPY: the uAPI answer is EINVAL */
	EXPECT_EQ(-EINVAL, mig_precopy_info(save, &info));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(-1, write(resume, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	close(save);
	close(resume);

	/* and migration works again */
	EXPECT_LT(0, save_stream(&self->p.a, self->p.stream, sizeof(self->p.stream)));
}

TEST_F(mig, closing_the_device_ends_its_sessions)
{
	char bdf[32];
	uint8_t buf[8];
	int save;

	ASSERT_EQ(0, mig_set_state(self->p.a.fd, PRE_COPY, &save));
	snprintf(bdf, sizeof(bdf), "%s", self->p.a.bdf);
	vfio_dev_close(&self->p.c);
	vfio_dev_close(&self->p.a);

	EXPECT_EQ(-1, read(save, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	close(save);

	ASSERT_EQ(0, vfio_dev_open(&self->p.a, bdf, -1));
	EXPECT_EQ(RUNNING, mig_state_of(self->p.a.fd));
	ASSERT_EQ(0, vfio_dev_open(&self->p.c, test_vf("C"), self->p.a.container));
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fputs(s, f) < 0 ? -EIO : 0;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/* Each arc and the stream bytes show in tracefs with device and duration. */
TEST_F(mig, arcs_and_stream_bytes_are_traced)
{
	const char *t = "/sys/kernel/tracing";
	char path[128], line[512], want[128];
	bool arc = false, stream = false, summary = false, waited = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/p2pmig/enable", t);
	if (access(path, W_OK))
		SKIP(return, "no tracefs at %s", t);
	snprintf(path, sizeof(path), "%s/trace", t);
	ASSERT_EQ(0, write_file(path, ""));
	snprintf(path, sizeof(path), "%s/events/p2pmig/enable", t);
	ASSERT_EQ(0, write_file(path, "1"));

	ASSERT_LT(0, save_stream(&self->p.a, self->p.stream, sizeof(self->p.stream)));

	ASSERT_EQ(0, write_file(path, "0"));
	snprintf(path, sizeof(path), "%s/trace", t);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	snprintf(want, sizeof(want), "p2pmig_arc: %s RUNNING_P2P -> STOP ", self->p.a.bdf);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, want) && strstr(line, " ns ret=0"))
			arc = true;
		if (strstr(line, "p2pmig_stream: ") && strstr(line, self->p.a.bdf) &&
		    strstr(line, " read "))
			stream = true;
		if (strstr(line, "p2pmig_set_state: ") && strstr(line, "RUNNING => STOP_COPY")) {
			summary = true;
			/* the time it waited for a CPU, in ns */
			waited = strstr(line, " waited=") && strspn(strstr(line, " waited=") + 8,
								    "0123456789");
		}
	}
	fclose(f);
	EXPECT_TRUE(arc) TH_LOG("no line with \"%s\"", want);
	EXPECT_TRUE(stream);
	EXPECT_TRUE(summary);
	EXPECT_TRUE(waited);
}

struct cycler {
	struct vfio_dev *d;
	int rounds;
	int failures;
	uint8_t buf[STREAM_MAX];
};

static void *cycle(void *arg)
{
	struct cycler *c = arg;
	int i;

	for (i = 0; i < c->rounds; i++)
		if (save_stream(c->d, c->buf, sizeof(c->buf)) <= 0)
			c->failures++;
	return NULL;
}

TEST_F(mig, two_vfs_migrate_at_the_same_time)
{
	static struct cycler ca, cc;
	pthread_t ta, tc;

	ca = (struct cycler){ .d = &self->p.a, .rounds = 50 };
	cc = (struct cycler){ .d = &self->p.c, .rounds = 50 };
	ASSERT_EQ(0, pthread_create(&ta, NULL, cycle, &ca));
	ASSERT_EQ(0, pthread_create(&tc, NULL, cycle, &cc));
	pthread_join(ta, NULL);
	pthread_join(tc, NULL);
	EXPECT_EQ(0, ca.failures);
	EXPECT_EQ(0, cc.failures);
	EXPECT_EQ(RUNNING, mig_state_of(self->p.a.fd));
	EXPECT_EQ(RUNNING, mig_state_of(self->p.c.fd));
}

/*
 * Bad streams, each fed to C in RESUMING: a clear errno at write() or at
 * RESUMING -> STOP, never EFAULT, nothing reaches the device, C stays in
 * RESUMING and VFIO_DEVICE_RESET brings it back.
 */
enum damage {
	TRUNCATED, BAD_CHECKSUM, OTHER_DEVICE, OTHER_BACKEND_VERSION,
	UNKNOWN_MANDATORY, OVERSIZED, TRAILING_GARBAGE, EMPTY, NO_REGISTERS,
	WRONG_QUEUE_COUNT, BAD_RING_INDEX,
};

FIXTURE(bad_stream) {
	struct pair p;
};

FIXTURE_SETUP(bad_stream)
{
	open_pair(_metadata, &self->p);
}

FIXTURE_TEARDOWN(bad_stream)
{
	close_pair(&self->p);
}

FIXTURE_VARIANT(bad_stream) {
	enum damage damage;
	int write_errno;	/* expected from write(), 0 if accepted */
	int stop_errno;		/* expected from RESUMING -> STOP */
};

FIXTURE_VARIANT_ADD(bad_stream, truncated) { TRUNCATED, 0, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, bad_checksum) { BAD_CHECKSUM, EINVAL, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, other_device) { OTHER_DEVICE, EINVAL, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, other_backend_version) { OTHER_BACKEND_VERSION, EINVAL, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, unknown_mandatory) { UNKNOWN_MANDATORY, EOPNOTSUPP, EOPNOTSUPP };
FIXTURE_VARIANT_ADD(bad_stream, oversized_record) { OVERSIZED, EINVAL, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, trailing_garbage) { TRAILING_GARBAGE, EINVAL, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, empty) { EMPTY, 0, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, no_register_record) { NO_REGISTERS, 0, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, wrong_queue_count) { WRONG_QUEUE_COUNT, EINVAL, EINVAL };
FIXTURE_VARIANT_ADD(bad_stream, ring_index_past_end) { BAD_RING_INDEX, EINVAL, EINVAL };

TEST_F(bad_stream, is_rejected_with_its_errno_and_leaves_the_device_untouched)
{
	static uint8_t bad[STREAM_MAX + 128 * 1024];
	static struct parsed p;
	const uint32_t sentinel = 0x00abc000, from_a = 0x00fed000;
	size_t len = 0;
	ssize_t n;
	int fd, ret, i;

	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, RDBAL(1), from_a));
	n = save_stream(&self->p.a, self->p.stream, sizeof(self->p.stream));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, split(self->p.stream, n, &p));

	switch (variant->damage) {
	case TRUNCATED:
		len = n - 8;
		memcpy(bad, self->p.stream, len);
		break;
	case BAD_CHECKSUM:
		len = n;
		memcpy(bad, self->p.stream, len);
		bad[len - P2PMIG_REC_HDR_LEN - 20] ^= 0x10;	/* in the registers */
		break;
	case OTHER_DEVICE:
		p.hdr.device = 0x10c9;
		len = build(bad, &p, true);
		break;
	case OTHER_BACKEND_VERSION:
		p.hdr.backend_version = 99;
		len = build(bad, &p, true);
		break;
	case UNKNOWN_MANDATORY:
		insert_rec(&p, p.n, P2PMIG_REC_BACKEND_BASE + 0x55, 12);
		len = build(bad, &p, true);
		break;
	case OVERSIZED:
		len = p2pmig_stream_put_header(bad, &p.hdr);
		memset(bad + len, 0, 16);
		bad[len] = REC_CAPS & 0xff;
		bad[len + 1] = REC_CAPS >> 8;
		bad[len + 6] = 0x02;		/* length 128 KiB */
		len += 16 + 128 * 1024;
		break;
	case TRAILING_GARBAGE:
		len = n;
		memcpy(bad, self->p.stream, len);
		bad[len++] = 0;
		break;
	case EMPTY:
		len = 0;
		break;
	case NO_REGISTERS:
		i = find_rec(&p, REC_REGS);
		ASSERT_LE(0, i);
		p.n = i;	/* the register record is last */
		len = build(bad, &p, true);
		break;
	case WRONG_QUEUE_COUNT:
		i = find_rec(&p, REC_CAPS);
		ASSERT_LE(0, i);
		p.rec[i].payload[0] = 4;
		len = build(bad, &p, true);
		break;
	case BAD_RING_INDEX:
		i = find_rec(&p, REC_REGS);
		ASSERT_LE(0, i);
		/* q0: 4 KiB ring = 256 descriptors; head 300 cannot be */
		memcpy(p.rec[i].payload + 8, "\x00\x10\x00\x00", 4);	/* rdlen */
		p.rec[i].payload[REGS_Q0_RDH] = 300 & 0xff;
		p.rec[i].payload[REGS_Q0_RDH + 1] = 300 >> 8;
		len = build(bad, &p, true);
		break;
	}

	ASSERT_EQ(0, vfio_bar0_write32(&self->p.c, RDBAL(1), sentinel));
	ASSERT_EQ(0, mig_set_state(self->p.c.fd, RESUMING, &fd));
	ret = len ? mig_write_all(fd, bad, len, 4096) : 0;
	EXPECT_EQ(-variant->write_errno, ret) TH_LOG("write: %s", strerror(-ret));
	EXPECT_NE(-EFAULT, ret);

	ret = mig_set_state(self->p.c.fd, STOP, NULL);
	EXPECT_EQ(-variant->stop_errno, ret) TH_LOG("RESUMING -> STOP: %s", strerror(-ret));
	EXPECT_EQ(RESUMING, mig_state_of(self->p.c.fd));
	EXPECT_EQ(sentinel, vfio_bar0_reg(&self->p.c, RDBAL(1)));
	EXPECT_NE(from_a, vfio_bar0_reg(&self->p.c, RDBAL(1)));
	close(fd);
	ASSERT_EQ(0, ioctl(self->p.c.fd, VFIO_DEVICE_RESET));
	EXPECT_EQ(RUNNING, mig_state_of(self->p.c.fd));
}

/* An optional record a reader does not know is skipped, the rest loads. */
TEST_F(mig, unknown_optional_record_is_skipped)
{
	static struct parsed p;
	static uint8_t out[STREAM_MAX];
	size_t len;
	ssize_t n;
	int fd;

	ASSERT_EQ(0, vfio_bar0_write32(&self->p.a, RDBAL(1), 0x00fed000));
	n = save_stream(&self->p.a, self->p.stream, sizeof(self->p.stream));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, split(self->p.stream, n, &p));
	insert_rec(&p, 1, (P2PMIG_REC_BACKEND_BASE + 0x55) | P2PMIG_REC_OPTIONAL, 12);
	len = build(out, &p, true);

	ASSERT_EQ(0, mig_set_state(self->p.c.fd, RESUMING, &fd));
	EXPECT_EQ(0, mig_write_all(fd, out, len, 4096));
	EXPECT_EQ(0, mig_set_state(self->p.c.fd, RUNNING, NULL));
	EXPECT_EQ(0x00fed000, vfio_bar0_reg(&self->p.c, RDBAL(1)));
	close(fd);
}

TEST_HARNESS_MAIN
