// SPDX-License-Identifier: GPL-2.0
/*
 * A data_fd that outlives what it belongs to: with a save session and a
 * resume session open, the device fds are closed, p2pmig is unbound, the
 * VFs are removed (sriov_numvfs=0), the PFs' interfaces go down and rmmod
 * is tried; after each step every call on the stale data_fds must answer
 * as Documentation/driver.rst says (ENODEV, POLLERR | POLLHUP, ...), and
 * closing them must work.  On the debug kernel, KASAN, lockdep and kmemleak
 * (run after all tests by guest/selftests.sh) watch the same steps.
 *
 * Needs P2PMIG_VF_SPARE (PF0) and P2PMIG_VF_SPARE2 (PF1): VFs the tests may
 * bind and unbind; and P2PMIG_VF_A..D, bound to p2pmig, which the tests
 * bind again after removing and recreating the VFs.  Every test leaves the
 * test bed as it found it (same number of VFs, A..D bound, PFs up, p2pmig
 * loaded).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "lib/bed_harness.h"
#include "lib/mig_util.h"
#include "lib/vfio_util.h"

#define HEADER_PART	16
/* removing and recreating VFs takes long on the debug kernel (KASAN, lockdep) */
#define TD_TIMEOUT	300
static const char * const bound_roles[] = { "A", "B", "C", "D" };

/* a PF's interface up or down */
static int pf_link(const char *pf, bool up)
{
	char path[PATH_MAX], cmd[PATH_MAX + 64];
	struct dirent *de;
	DIR *dir;
	int ret = -ENODEV;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net", pf);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(cmd, sizeof(cmd), "/sbin/ip link set %s %s", de->d_name,
			 up ? "up" : "down");
		ret = system(cmd) == 0 ? 0 : -EIO;
		break;
	}
	closedir(dir);
	return ret;
}

static int numvfs_set(const char *pf, int n)
{
	char path[PATH_MAX], val[16];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs", pf);
	snprintf(val, sizeof(val), "%d", n);
	return sysfs_write(path, val);
}

static int numvfs_get(const char *pf)
{
	char path[PATH_MAX], val[16];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs", pf);
	if (sysfs_read(path, val, sizeof(val)))
		return -1;
	return atoi(val);
}

static bool vf_present(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return access(path, F_OK) == 0;
}

static bool module_loaded(void)
{
	return access("/sys/module/" P2PMIG_DRIVER, F_OK) == 0;
}

static int rmmod(void)
{
	return syscall(SYS_delete_module, P2PMIG_DRIVER, O_NONBLOCK) ? -errno : 0;
}

FIXTURE(td) {
	const char *x, *y;		/* save on x (PF0), resume on y (PF1) */
	char pf[2][64];
	int numvfs[2];
	struct vfio_dev dx, dy;
	bool x_open, y_open;
	bool shaped;			/* pf[] and numvfs[] are known */
	int save_fd, resume_fd;
	uint8_t buf[4096];
};

/* Put the test bed back: PFs up with their VFs, p2pmig loaded, A..D bound. */
static int restore(struct _test_data_td *self)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 2; i++) {
		if (pf_link(self->pf[i], true))
			ret = -EIO;
		if (numvfs_get(self->pf[i]) != self->numvfs[i] &&
		    (numvfs_set(self->pf[i], 0) || numvfs_set(self->pf[i], self->numvfs[i])))
			ret = -EIO;
	}
	if (!module_loaded() && system("modprobe " P2PMIG_DRIVER))
		return -ENOENT;
	for (i = 0; i < ARRAY_SIZE(bound_roles); i++)
		if (pci_bind(test_vf(bound_roles[i]), P2PMIG_DRIVER))
			ret = -EIO;
	pci_bind(self->x, "");
	pci_bind(self->y, "");
	return ret;
}

FIXTURE_SETUP(td)
{
	unsigned int i;
	uint8_t part[HEADER_PART];
	ssize_t n;
	int ret;

	self->x = test_vf("SPARE");
	self->y = test_vf("SPARE2");
	self->save_fd = -1;
	self->resume_fd = -1;
	if (!self->x || !self->y)
		SKIP(return, "P2PMIG_VF_SPARE and P2PMIG_VF_SPARE2 must name spare VFs");
	for (i = 0; i < ARRAY_SIZE(bound_roles); i++)
		if (!test_vf(bound_roles[i]))
			SKIP(return, "P2PMIG_VF_A..D must name VFs bound to p2pmig");
	/* the test bed's shape: a test killed half-way may have left it incomplete */
	if (!getenv("P2PMIG_PF0") || !getenv("P2PMIG_PF1") || !getenv("P2PMIG_NUMVFS"))
		SKIP(return, "P2PMIG_PF0, _PF1 and _NUMVFS must describe the test bed");
	for (i = 0; i < 2; i++) {
		const char *pf = getenv(i ? "P2PMIG_PF1" : "P2PMIG_PF0");

		snprintf(self->pf[i], sizeof(self->pf[i]), "%s", pf);
		self->numvfs[i] = atoi(getenv("P2PMIG_NUMVFS"));
		ASSERT_LT(0, self->numvfs[i]);
	}
	self->shaped = true;
	ASSERT_EQ(0, restore(self)) TH_LOG("the test bed is incomplete and cannot be restored");

	ASSERT_EQ(0, pci_bind(self->x, P2PMIG_DRIVER));
	ASSERT_EQ(0, pci_bind(self->y, P2PMIG_DRIVER));
	ret = vfio_dev_open(&self->dx, self->x, -1);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", self->x, self->dx.failed_step, strerror(-ret));
	self->x_open = true;
	ret = vfio_dev_open(&self->dy, self->y, self->dx.container);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s: %s", self->y, self->dy.failed_step, strerror(-ret));
	self->y_open = true;

	/* a save session in PRE_COPY, partly read */
	ASSERT_EQ(0, mig_set_state(self->dx.fd, PRE_COPY, &self->save_fd));
	n = read(self->save_fd, part, sizeof(part));
	ASSERT_EQ((ssize_t)sizeof(part), n) TH_LOG("read: %s", strerror(errno));
	/* a resume session with the beginning of a stream */
	ASSERT_EQ(0, mig_set_state(self->dy.fd, RESUMING, &self->resume_fd));
	ASSERT_EQ((ssize_t)sizeof(part), write(self->resume_fd, part, sizeof(part)));
}

FIXTURE_TEARDOWN(td)
{
	if (self->save_fd >= 0)
		close(self->save_fd);
	if (self->resume_fd >= 0)
		close(self->resume_fd);
	if (self->y_open)
		vfio_dev_close(&self->dy);
	if (self->x_open)
		vfio_dev_close(&self->dx);
	if (self->shaped)
		EXPECT_EQ(0, restore(self)) TH_LOG("the test bed could not be restored");
}

/* Every call on the two stale data_fds answers as documented. */
static void stale_fds_answer(struct __test_metadata *_metadata,
			     struct _test_data_td *self, const char *after)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	struct pollfd pfd[2] = {
		{ .fd = self->save_fd, .events = POLLIN },
		{ .fd = self->resume_fd, .events = POLLOUT },
	};

	errno = 0;
	EXPECT_EQ(-1, read(self->save_fd, self->buf, sizeof(self->buf)));
	EXPECT_EQ(ENODEV, errno) TH_LOG("after %s: save read: %s", after, strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, read(self->save_fd, self->buf, 0));
	EXPECT_EQ(ENODEV, errno) TH_LOG("after %s: save read of 0: %s", after, strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->save_fd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ(EINVAL, errno) TH_LOG("after %s: PRECOPY_INFO: %s", after, strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, pread(self->save_fd, self->buf, 16, 0));
	EXPECT_EQ(ESPIPE, errno) TH_LOG("after %s: save pread: %s", after, strerror(errno));

	memset(self->buf, 0, 64);
	errno = 0;
	EXPECT_EQ(-1, write(self->resume_fd, self->buf, 64));
	EXPECT_EQ(ENODEV, errno) TH_LOG("after %s: resume write: %s", after, strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, write(self->resume_fd, self->buf, 0));
	EXPECT_EQ(ENODEV, errno) TH_LOG("after %s: resume write of 0: %s", after, strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->resume_fd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ(ENOTTY, errno) TH_LOG("after %s: resume ioctl: %s", after, strerror(errno));

	EXPECT_EQ(2, poll(pfd, 2, 0));
	EXPECT_EQ(POLLERR | POLLHUP, pfd[0].revents & (POLLERR | POLLHUP | POLLIN))
		TH_LOG("after %s: save poll 0x%x", after, pfd[0].revents);
	EXPECT_EQ(POLLERR | POLLHUP, pfd[1].revents & (POLLERR | POLLHUP | POLLOUT))
		TH_LOG("after %s: resume poll 0x%x", after, pfd[1].revents);
}

/* The live sessions answer too: poll before anything is torn down. */
TEST_F_TIMEOUT(td, live_resume_session_polls_writable_and_ends_on_close, TD_TIMEOUT)
{
	struct pollfd pfd = { .fd = self->resume_fd, .events = POLLOUT };

	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents & (POLLERR | POLLHUP | POLLOUT));
	vfio_dev_close(&self->dy);
	self->y_open = false;
	vfio_dev_close(&self->dx);
	self->x_open = false;
	stale_fds_answer(_metadata, self, "the device fds closed");
	EXPECT_EQ(0, close(self->save_fd));
	EXPECT_EQ(0, close(self->resume_fd));
	self->save_fd = -1;
	self->resume_fd = -1;
}

/*
 * close, unbind, sriov_numvfs=0, PF down, rmmod: the stale fds answer the
 * same after each step; rmmod is refused while they are open and works
 * once they are closed.
 */
TEST_F_TIMEOUT(td, stale_data_fds_survive_close_unbind_vf_removal_pf_down_and_rmmod, TD_TIMEOUT)
{
	vfio_dev_close(&self->dy);
	self->y_open = false;
	vfio_dev_close(&self->dx);
	self->x_open = false;
	stale_fds_answer(_metadata, self, "the device fds closed");

	ASSERT_EQ(0, pci_unbind(self->x));
	ASSERT_EQ(0, pci_unbind(self->y));
	stale_fds_answer(_metadata, self, "unbind");

	ASSERT_EQ(0, numvfs_set(self->pf[0], 0));
	ASSERT_EQ(0, numvfs_set(self->pf[1], 0));
	ASSERT_FALSE(vf_present(self->x));
	ASSERT_FALSE(vf_present(self->y));
	stale_fds_answer(_metadata, self, "sriov_numvfs=0");

	ASSERT_EQ(0, pf_link(self->pf[0], false));
	ASSERT_EQ(0, pf_link(self->pf[1], false));
	stale_fds_answer(_metadata, self, "the PFs went down");

	/* the open data_fds hold the module */
	EXPECT_EQ(-EWOULDBLOCK, rmmod());
	ASSERT_TRUE(module_loaded());
	stale_fds_answer(_metadata, self, "a refused rmmod");

	EXPECT_EQ(0, close(self->save_fd));
	EXPECT_EQ(0, close(self->resume_fd));
	self->save_fd = -1;
	self->resume_fd = -1;
	/* nothing holds it now (A..D went with their VFs) */
	EXPECT_EQ(0, rmmod());
	EXPECT_FALSE(module_loaded());
}

/* rmmod while only a data_fd is open (the VFs still bound): refused. */
TEST_F_TIMEOUT(td, rmmod_is_refused_while_a_data_fd_is_open, TD_TIMEOUT)
{
	struct vfio_dev a;
	int ret;

	vfio_dev_close(&self->dy);
	self->y_open = false;
	vfio_dev_close(&self->dx);
	self->x_open = false;
	EXPECT_EQ(0, close(self->resume_fd));
	self->resume_fd = -1;

	EXPECT_EQ(-EWOULDBLOCK, rmmod());
	ASSERT_TRUE(module_loaded());
	/* the bound VFs still work: A opens and resets */
	ret = vfio_dev_open(&a, test_vf("A"), -1);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", a.failed_step, strerror(-ret));
	EXPECT_EQ(0, ioctl(a.fd, VFIO_DEVICE_RESET));
	vfio_dev_close(&a);
	EXPECT_EQ(0, close(self->save_fd));
	self->save_fd = -1;
}

TEST_HARNESS_MAIN
