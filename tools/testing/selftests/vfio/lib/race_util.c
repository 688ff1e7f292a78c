// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic races and the kernel log for the p2pmig selftests; see
 * race_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "race_util.h"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int stall_init(struct stall *s)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int ret;

	memset(s, 0, sizeof(*s));
	s->page = sysconf(_SC_PAGESIZE);
	s->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (s->uffd < 0)
		return neg_errno();
	if (ioctl(s->uffd, UFFDIO_API, &api)) {
		ret = neg_errno();
		close(s->uffd);
		return ret;
	}
	s->area = mmap(NULL, 2 * s->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED) {
		ret = neg_errno();
		close(s->uffd);
		return ret;
	}
	memset(s->area, 0, s->page);	/* the first page is present */
	reg.range.start = (unsigned long)stall_edge(s);
	reg.range.len = s->page;
	if (ioctl(s->uffd, UFFDIO_REGISTER, &reg)) {
		ret = neg_errno();
		stall_fini(s);
		return ret;
	}
	return 0;
}

void stall_fini(struct stall *s)
{
	if (s->area && s->area != MAP_FAILED)
		munmap(s->area, 2 * s->page);
	if (s->uffd > 0)
		close(s->uffd);
	s->area = NULL;
	s->uffd = -1;
}

int stall_wait(struct stall *s, int ms)
{
	struct pollfd p = { .fd = s->uffd, .events = POLLIN };
	struct uffd_msg msg;
	ssize_t n;

	n = poll(&p, 1, ms);
	if (n < 0)
		return neg_errno();
	if (n == 0)
		return -ETIMEDOUT;
	n = read(s->uffd, &msg, sizeof(msg));
	if (n != sizeof(msg))
		return n < 0 ? neg_errno() : -EIO;
	if (msg.event != UFFD_EVENT_PAGEFAULT)
		return -EPROTO;
	return 0;
}

int stall_release(struct stall *s, const void *page)
{
	struct uffdio_copy copy = {
		.dst = (unsigned long)stall_edge(s),
		.src = (unsigned long)page,
		.len = s->page,
	};

	return ioctl(s->uffd, UFFDIO_COPY, &copy) ? neg_errno() : 0;
}

static void *bg_run(void *arg)
{
	struct bg_call *c = arg;

	errno = 0;
	c->ret = c->fn(c->arg);
	c->err = errno;
	return NULL;
}

int bg_start(struct bg_call *c, long (*fn)(void *), void *arg)
{
	c->fn = fn;
	c->arg = arg;
	c->ret = -1;
	c->err = 0;
	return -pthread_create(&c->thread, NULL, bg_run, c);
}

int bg_join(struct bg_call *c, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return -pthread_timedjoin_np(c->thread, NULL, &ts);
}

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return neg_errno();
	if (lseek(fd, 0, SEEK_END) < 0) {
		int ret = neg_errno();

		close(fd);
		return ret;
	}
	return fd;
}

int kmsg_count(int fd, const char *needle, int max_level)
{
	char rec[8192];
	int n = 0;
	ssize_t len;

	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0) {
			if (errno == EPIPE)	/* overwritten records: go on */
				continue;
			break;
		}
		rec[len] = 0;
		/* "<facility * 8 + level>,<seq>,<usec>,<flags>;<text>" */
		if (atoi(rec) % 8 <= max_level && strstr(rec, needle))
			n++;
	}
	return n;
}
