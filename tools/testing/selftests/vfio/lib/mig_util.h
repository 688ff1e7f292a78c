/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFIO migration uAPI helpers for the p2pmig selftests.  Functions return
 * 0 (or a count) or a negative errno.
 */
#ifndef P2PMIG_SELFTESTS_MIG_UTIL_H
#define P2PMIG_SELFTESTS_MIG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

/* the uAPI's device states, by shorter names */
#define STOP		VFIO_DEVICE_STATE_STOP
#define RUNNING		VFIO_DEVICE_STATE_RUNNING
#define STOP_COPY	VFIO_DEVICE_STATE_STOP_COPY
#define RESUMING	VFIO_DEVICE_STATE_RESUMING
#define RUNNING_P2P	VFIO_DEVICE_STATE_RUNNING_P2P
#define PRE_COPY	VFIO_DEVICE_STATE_PRE_COPY
#define PRE_COPY_P2P	VFIO_DEVICE_STATE_PRE_COPY_P2P

/* a VFIO_DEVICE_FEATURE call with @size bytes of payload, copied back */
int mig_feature(int devfd, uint32_t flags, void *payload, size_t size);
int mig_get_flags(int devfd, uint64_t *flags);
int mig_get_state(int devfd, uint32_t *state);
/* the device's state, or ~0 if it cannot be read */
uint32_t mig_state_of(int devfd);
/* *data_fd is the new data_fd or -1 */
int mig_set_state(int devfd, uint32_t state, int *data_fd);
int mig_data_size(int devfd, uint64_t *len);
int mig_precopy_info(int data_fd, struct vfio_precopy_info *info);
/* read until end of stream (0) or an error; *end_errno is 0 or the errno */
ssize_t mig_read_all(int data_fd, uint8_t *buf, size_t cap, int *end_errno);
/* write @len bytes in pieces of @piece bytes */
int mig_write_all(int data_fd, const uint8_t *buf, size_t len, size_t piece);
const char *mig_state_name(uint32_t state);

#endif
