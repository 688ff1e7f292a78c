/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tools that make races in the kernel deterministic for the p2pmig
 * selftests, and a view of the kernel log.
 *
 * A "stall" is two pages: the first present, the second missing and
 * registered with userfaultfd.  A kernel copy to or from memory that runs
 * into the second page waits there until the test lets it go, after
 * changing what it likes: the kernel's view of a user buffer can so be
 * split at a chosen byte.
 */
#ifndef P2PMIG_SELFTESTS_RACE_UTIL_H
#define P2PMIG_SELFTESTS_RACE_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct stall {
	int uffd;
	uint8_t *area;		/* two pages */
	size_t page;
};

/* 0, or -errno (-ENOSYS/-EPERM: no userfaultfd here, a test skips) */
int stall_init(struct stall *s);
void stall_fini(struct stall *s);
/* the first byte of the missing page */
static inline uint8_t *stall_edge(struct stall *s)
{
	return s->area + s->page;
}

/* wait up to @ms for a thread to block on the missing page: 0 or -errno */
int stall_wait(struct stall *s, int ms);
/* let it go: the missing page becomes a copy of @page (s->page bytes) */
int stall_release(struct stall *s, const void *page);

/* A function run in a thread of its own, and its result. */
struct bg_call {
	pthread_t thread;
	long (*fn)(void *arg);
	void *arg;
	long ret;
	int err;	/* errno after fn, if ret < 0 */
};

int bg_start(struct bg_call *c, long (*fn)(void *), void *arg);
/* wait up to @ms for it: 0, or -ETIMEDOUT (the thread is left running) */
int bg_join(struct bg_call *c, int ms);

/*
 * The kernel log from now on: kmsg_open() starts at its end; kmsg_count()
 * counts the records since then of level @max_level or more urgent (3:
 * errors) that contain @needle.
 */
int kmsg_open(void);
int kmsg_count(int fd, const char *needle, int max_level);

#endif
