/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig device backends: what a device supplies to the migration core.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_BACKEND_H
#define P2PMIG_BACKEND_H

#include <linux/types.h>

#include "stream.h"

struct p2pmig_device;
struct p2pmig_out;

#define P2PMIG_MAX_TRAPS	4

/**
 * struct p2pmig_trap - a window of BAR0 the backend traps
 * @offset: its first byte, page aligned
 * @size: its length, a multiple of the page size
 * @dirty: trapped for device dirty tracking only: its writes go through
 *	@trap_fetch first, and with the dirty_tracking module parameter off
 *	the window is left to userspace's mmap like the rest of the BAR
 */
struct p2pmig_trap {
	u32 offset;
	u32 size;
	bool dirty;
};

/**
 * struct p2pmig_log_range - an IOVA range of a DMA logging session
 * @start: its first byte
 * @len: its length in bytes, not 0
 */
struct p2pmig_log_range {
	u64 start;
	u64 len;
};

/**
 * typedef p2pmig_log_set_fn - report [@iova, @iova + @len) as written
 * @arg: the argument given to the backend's log_report
 * @iova: the first byte
 * @len: bytes, not 0
 */
typedef void (*p2pmig_log_set_fn)(void *arg, u64 iova, u64 len);

/**
 * struct p2pmig_backend - a device family p2pmig can migrate
 * @name: short name used in logs
 * @vendor: PCI vendor ID of the VF
 * @device: PCI device ID of the VF
 * @version: version of the backend's record layouts; written to every
 *	stream, and a destination accepts only streams it can read
 * @bar0_size: the smallest BAR0 the backend can drive; probe refuses less
 * @priv_size: size of the backend's per-device data (p2pmig_device.priv)
 * @traps: the parts of BAR0 the backend traps: userspace cannot mmap
 *	them (the region info's sparse mmap areas leave them out) and their
 *	accesses go to @trap_read and @trap_write
 * @ntraps: entries of @traps, at most P2PMIG_MAX_TRAPS
 * @trap_read: a 32-bit read at @off (BAR0 offset) inside a trapped window
 * @trap_fetch: before @trap_write of a window marked @dirty: with no lock
 *	of the core held but the device's trap mutex (which serializes these
 *	pairs), copy what the write needs from the user's DMA memory
 *	(p2pmig_dma_read()); may sleep.  May be NULL
 * @trap_write: a 32-bit write at @off inside a trapped window
 * @log_max_ranges: how many IOVA ranges @log_start takes; 0 if the
 *	backend offers no DMA logging (device dirty tracking)
 * @log_start: start DMA logging of @ranges (sorted, disjoint, merged down
 *	to @log_max_ranges); *@page_size in: what userspace asked for, out:
 *	the granularity used (at least as coarse).  No lock of the core held;
 *	may sleep and read the user's DMA memory.  -EBUSY if logging runs
 * @log_stop: end DMA logging, if it runs; any context that may sleep
 * @log_report: call @set for every run of pages in [@iova, @iova + @len)
 *	the device may have written since the last report (or the start) and
 *	clear them; over-reporting is allowed, missing a page is not.
 *	No lock of the core held; may sleep and read the user's DMA memory
 * @init: once at probe, after BAR0 is mapped; may be NULL
 * @fini: once when the device is freed (after @init succeeded): free what
 *	the backend allocated; touches no device; may be NULL
 * @reset_done: the function was reset (FLR, VFIO_DEVICE_RESET); forget
 *	what is known about the device's state.  Called under vfio-pci-core's
 *	memory_lock: must not touch the device.  May be NULL
 * @release: userspace closed the device, which goes back to the host:
 *	undo what the device's user set up outside the device (the PF's
 *	filters for it); may be NULL
 * @quiesce: RUNNING -> RUNNING_P2P: stop initiating DMA and wait until
 *	none is outstanding; MMIO is still served.  On failure leave the
 *	device running exactly as before (as @unquiesce would).
 * @unquiesce: RUNNING_P2P -> RUNNING: restore exactly what @quiesce stopped
 * @stop: RUNNING_P2P -> STOP: also raise no interrupts and change no state
 * @start: STOP -> RUNNING_P2P: undo @stop
 * @save_initial: emit the records a destination can act on while the
 *	source still runs (with p2pmig_emit())
 * @save_dirty: in PRE_COPY(_P2P): emit what changed in the initial data
 *	since it was last emitted, with p2pmig_emit_reinit() for records that
 *	replace initial data; the backend may hold changes back for
 *	@save_final to keep its @stream_size bound; may be NULL
 * @dirty_pending: would @save_dirty emit anything now?  Any context, no
 *	lock of the core held; may be NULL.  A backend that gets new dirty
 *	data calls p2pmig_notify_dirty() so that poll() wakes up.
 * @save_final: in STOP: emit what changed and was not sent yet, then the
 *	device state
 * @stream_size: an upper bound of all the bytes @save_initial,
 *	@save_dirty and @save_final emit in one session, record headers
 *	included, however the guest changes the device meanwhile; never 0.
 *	The core reports it (MIG_DATA_SIZE) and enforces it: a record that
 *	would exceed it fails the session.
 * @load_begin: STOP -> RESUMING: forget any staged state
 * @load_header: a stream header arrived: is it for this device and can
 *	this backend read its version?  0 or -EINVAL, with a p2pmig_err()
 * @load_record: one complete, checksummed record; act on it (initial
 *	records) or stage it (final state).  0, P2PMIG_REC_UNKNOWN, or a
 *	negative errno with a p2pmig_err() naming the problem
 * @load_check: RESUMING -> STOP with a complete stream: is the staged
 *	state complete?  0 or -EINVAL with a p2pmig_err(); touches no device
 * @load_prepare: after @load_check: work that may fail but leaves the
 *	device fit to stay in RESUMING (a late configuration replay); may be
 *	NULL
 * @load_finish: after @load_prepare: write the staged state to the device;
 *	a failure leaves it in an unknown state (ERROR)
 *
 * The core serializes all calls for one device under its state mutex,
 * except @trap_read, @trap_fetch, @trap_write and the log calls, which
 * come from userspace at any time and must take the backend's own lock
 * for what they share with the other calls.  Around every call that may
 * touch the device (@trap_read, @trap_write, @quiesce, @unquiesce, @stop, @start,
 * @save_final, @load_record, @load_prepare, @load_finish, @release) the
 * core holds vfio-pci-core's memory_lock for reading, with the function
 * in D0 and its memory enabled.  A backend never takes the core's locks,
 * never opens files, and bounds every wait with a deadline it also
 * abandons on a fatal signal.
 */
struct p2pmig_backend {
	const char *name;
	u16 vendor;
	u16 device;
	u16 version;
	resource_size_t bar0_size;
	size_t priv_size;
	const struct p2pmig_trap *traps;
	unsigned int ntraps;
	u32 (*trap_read)(struct p2pmig_device *p2p, u32 off);
	void (*trap_fetch)(struct p2pmig_device *p2p, u32 off, u32 val);
	void (*trap_write)(struct p2pmig_device *p2p, u32 off, u32 val);
	unsigned int log_max_ranges;
	int (*log_start)(struct p2pmig_device *p2p,
			 const struct p2pmig_log_range *ranges,
			 unsigned int nranges, u64 *page_size);
	void (*log_stop)(struct p2pmig_device *p2p);
	int (*log_report)(struct p2pmig_device *p2p, u64 iova, u64 len,
			  p2pmig_log_set_fn set, void *arg);
	int (*init)(struct p2pmig_device *p2p);
	void (*fini)(struct p2pmig_device *p2p);
	void (*reset_done)(struct p2pmig_device *p2p);
	void (*release)(struct p2pmig_device *p2p);

	int (*quiesce)(struct p2pmig_device *p2p);
	void (*unquiesce)(struct p2pmig_device *p2p);
	int (*stop)(struct p2pmig_device *p2p);
	void (*start)(struct p2pmig_device *p2p);

	int (*save_initial)(struct p2pmig_device *p2p, struct p2pmig_out *out);
	int (*save_dirty)(struct p2pmig_device *p2p, struct p2pmig_out *out);
	bool (*dirty_pending)(struct p2pmig_device *p2p);
	int (*save_final)(struct p2pmig_device *p2p, struct p2pmig_out *out);
	size_t (*stream_size)(struct p2pmig_device *p2p);

	int (*load_begin)(struct p2pmig_device *p2p);
	int (*load_header)(struct p2pmig_device *p2p,
			   const struct p2pmig_stream_hdr *hdr);
	int (*load_record)(struct p2pmig_device *p2p,
			   const struct p2pmig_record *rec, const u8 *payload);
	int (*load_check)(struct p2pmig_device *p2p);
	int (*load_prepare)(struct p2pmig_device *p2p);
	int (*load_finish)(struct p2pmig_device *p2p);
};

int p2pmig_dma_read(struct p2pmig_device *p2p, u64 iova, void *buf, size_t len);
int p2pmig_emit(struct p2pmig_out *out, u16 type, const void *payload, u32 len);
void p2pmig_notify_dirty(struct p2pmig_device *p2p);
/* p2pmig_emit_reinit() added a record (rather than rewriting one) */
#define P2PMIG_EMIT_APPENDED	1
int p2pmig_emit_reinit(struct p2pmig_out *out, u16 type, const void *payload,
		       u32 len, bool may_append);

extern const struct p2pmig_backend p2pmig_igbvf_backend;

#endif /* P2PMIG_BACKEND_H */
