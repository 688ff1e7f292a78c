/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig: VFIO PCI variant driver that live-migrates SR-IOV VFs.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_H
#define P2PMIG_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

/* after the kernel's VFIO headers, before our uAPI overlay */
#include "compat.h"
#include "uapi/linux/vfio.h"

struct p2pmig_backend;
struct p2pmig_file;

/**
 * enum p2pmig_inject - failures the tests can inject (debugfs)
 * @P2PMIG_INJECT_QUIESCE: a quiesce finds a queue that does not stop
 * @P2PMIG_INJECT_LOG_DROP: a DMA log report hands no page to the core (a
 *	tracker that misses writes: the tests' negative control)
 * @P2PMIG_NR_INJECT: their number
 *
 * /sys/kernel/debug/p2pmig/<device>/inject_* hold how many of the next
 * calls fail; paths that real hardware takes rarely (a queue held up by
 * pause frames) can so be tested on QEMU's model, and the tests can show
 * that they would catch a broken tracker.
 */
enum p2pmig_inject {
	P2PMIG_INJECT_QUIESCE,
	P2PMIG_INJECT_LOG_DROP,
	P2PMIG_NR_INJECT,
};

/**
 * struct p2pmig_mig - migration state of one device
 * @state_mutex: serializes state changes, sessions and every backend call.
 *	Per device: devices change state in parallel.  Nothing copies from
 *	or to user memory while holding it, so a reset (which arrives with
 *	vfio-pci-core's memory_lock held) may simply take it.
 * @state: current enum p2pmig_state
 * @features: P2PMIG_F_* this device offers, fixed at probe
 * @save: the open save session (data_fd), or NULL
 * @resume: the open resume session (data_fd), or NULL
 * @arc_broke: set by an arc that failed and left the device in an
 *	unknown state: the device then enters ERROR
 * @dirty_wq: woken by the backend when it has new dirty data (poll)
 */
struct p2pmig_mig {
	struct mutex state_mutex;	/* see above */
	u32 state;
	u32 features;
	struct p2pmig_file *save;
	struct p2pmig_file *resume;
	bool arc_broke;
	wait_queue_head_t dirty_wq;
};

/**
 * struct p2pmig_log - a device's limit on messages userspace can provoke
 * @lock: protects the fields below
 * @begin: jiffies at the start of the current window
 * @printed: messages printed in this window
 * @missed: messages suppressed since the last one printed
 */
struct p2pmig_log {
	spinlock_t lock;	/* see above */
	unsigned long begin;
	unsigned int printed;
	unsigned int missed;
};

/**
 * struct p2pmig_device - a VF bound to p2pmig
 * @core: the vfio-pci-core device this driver extends
 * @backend: the device backend matched from the PCI ID table
 * @priv: the backend's private per-device data (@backend->priv_size bytes)
 * @bar0: the driver's own mapping of BAR0, for backend register access
 * @mig: migration state
 * @log: rate limit of the messages userspace can provoke (p2pmig_err())
 * @ioeventfds: VFIO_DEVICE_IOEVENTFD registrations (main.c), under
 *	@ioeventfds_lock
 * @ioeventfds_lock: protects @ioeventfds and @nr_ioeventfds
 * @nr_ioeventfds: entries in @ioeventfds
 * @ioeventfd_map: our own mapping of each BAR an ioeventfd writes to
 * @core_vm_ops: vfio-pci-core's vm_operations of BAR mappings, which the
 *	ones of BAR0 mappings with the trapped page in them wrap (main.c)
 * @debugfs: the device's debugfs directory, or NULL
 * @inject: failures to inject, by enum p2pmig_inject (debugfs; tests)
 * @inited: the backend's init succeeded (its fini is due)
 * @traps_on: bit i set: the backend's window traps[i] is trapped (fixed
 *	when the device is bound: dirty windows only with dirty_tracking)
 * @trap_mutex: serializes the backend's trap_fetch + trap_write pairs and
 *	its DMA log calls; taken before vfio-pci-core's memory_lock
 * @mmio_ops: BAR0 accesses through p2pmig_rd32() and p2pmig_wr32(), for
 *	the tracepoints
 */
struct p2pmig_device {
	struct vfio_pci_core_device core;
	const struct p2pmig_backend *backend;
	void *priv;
	void __iomem *bar0;
	struct p2pmig_mig mig;
	struct p2pmig_log log;
	struct list_head ioeventfds;
	struct mutex ioeventfds_lock;	/* see above */
	unsigned int nr_ioeventfds;
	void __iomem *ioeventfd_map[PCI_STD_NUM_BARS];
	const struct vm_operations_struct *core_vm_ops;
	struct dentry *debugfs;
	atomic_t inject[P2PMIG_NR_INJECT];
	bool inited;
	unsigned long traps_on;
	struct mutex trap_mutex;	/* see above */
	atomic_long_t mmio_ops;
};

/**
 * p2pmig_rd32() - read a 32-bit register of the device's BAR0
 * @p2p: device, with vfio-pci-core's memory_lock held and MMIO enabled
 *	(see mig.c)
 * @off: the register's offset
 *
 * Return: its value.
 */
static inline u32 p2pmig_rd32(struct p2pmig_device *p2p, u32 off)
{
	atomic_long_inc(&p2p->mmio_ops);
	return readl(p2p->bar0 + off);
}

/**
 * p2pmig_wr32() - write a 32-bit register of the device's BAR0
 * @p2p: device, as for p2pmig_rd32()
 * @off: the register's offset
 * @val: the value
 */
static inline void p2pmig_wr32(struct p2pmig_device *p2p, u32 off, u32 val)
{
	atomic_long_inc(&p2p->mmio_ops);
	writel(val, p2p->bar0 + off);
}

static inline struct p2pmig_device *to_p2pmig(struct vfio_device *vdev)
{
	return container_of(vdev, struct p2pmig_device, core.vdev);
}

static inline struct device *p2pmig_dev(struct p2pmig_device *p2p)
{
	return &p2p->core.pdev->dev;
}

bool p2pmig_log_allowed(struct p2pmig_device *p2p, unsigned int *missed);

/*
 * p2pmig_err() - log an error that userspace can provoke at will
 *
 * A rejected stream, a refused arc or request: a VMM may repeat them in a
 * loop, and the host's log is not its to flood.  The first messages of a
 * window go out in full, the rest are counted and the count is reported
 * with the next one that goes out.
 */
#define p2pmig_err(p2p, fmt, ...)						\
do {										\
	struct p2pmig_device *__p2p = (p2p);					\
	unsigned int __missed = 0;						\
										\
	if (p2pmig_log_allowed(__p2p, &__missed)) {				\
		if (__missed)							\
			dev_err(p2pmig_dev(__p2p), "%u similar messages suppressed\n", \
				__missed);					\
		dev_err(p2pmig_dev(__p2p), fmt, ##__VA_ARGS__);			\
	}									\
} while (0)

/**
 * p2pmig_inject() - should this call fail, as a test asked?
 * @p2p: device
 * @what: which failure
 *
 * Return: true once for each failure a test asked for (debugfs).
 */
static inline bool p2pmig_inject(struct p2pmig_device *p2p, enum p2pmig_inject what)
{
	return atomic_add_unless(&p2p->inject[what], -1, 0);
}

bool p2pmig_mmio_enabled(struct p2pmig_device *p2p);
int p2pmig_mmio_begin(struct p2pmig_device *p2p);
void p2pmig_mmio_end(struct p2pmig_device *p2p);

/**
 * struct p2pmig_span - a span of the current task's time, for tracepoints
 * @ns: when it began (ktime_get_ns()), 0 if it is not traced
 * @nvcsw: the task's voluntary context switches then (it slept)
 * @nivcsw: its involuntary context switches then (it was preempted)
 * @run_delay: its p2pmig_run_delay() then
 * @mmio: the device's p2pmig_device.mmio_ops then
 * @p2p: the device
 *
 * The tracepoints report a span's wall time with how often the task slept
 * and was preempted meanwhile (time off the CPU shows there), how long it
 * waited for a CPU, and how many BAR0 accesses the driver made (each
 * costs an exit where the device is emulated); the latter counts every
 * context's accesses to the device.
 */
struct p2pmig_span {
	u64 ns;
	unsigned long nvcsw;
	unsigned long nivcsw;
	u64 run_delay;
	long mmio;
	struct p2pmig_device *p2p;
};

/**
 * p2pmig_run_delay() - how long the current task has waited for a CPU
 *
 * Nanoseconds it spent runnable but not running (preempted, or woken and
 * not scheduled yet), from the scheduler's accounting; 0 on kernels built
 * without it (CONFIG_SCHED_INFO).
 *
 * Return: the total so far.
 */
static inline u64 p2pmig_run_delay(void)
{
#ifdef CONFIG_SCHED_INFO
	return current->sched_info.run_delay;
#else
	return 0;
#endif
}

/**
 * p2pmig_span_begin() - a span of the current task's time begins now
 * @s: the span
 * @p2p: the device it works on
 */
static inline void p2pmig_span_begin(struct p2pmig_span *s, struct p2pmig_device *p2p)
{
	s->ns = ktime_get_ns();
	s->nvcsw = current->nvcsw;
	s->nivcsw = current->nivcsw;
	s->run_delay = p2pmig_run_delay();
	s->mmio = atomic_long_read(&p2p->mmio_ops);
	s->p2p = p2p;
}

void p2pmig_step_start(struct p2pmig_span *s, struct p2pmig_device *p2p);
void p2pmig_step_end(struct p2pmig_device *p2p, const char *what,
		     const struct p2pmig_span *s, int ret);

/*
 * P2PMIG_STEP() - evaluate @call (an int), traced as step @what of @p2p
 * (the p2pmig_step tracepoint) when that tracepoint is on
 */
#define P2PMIG_STEP(p2p, what, call)					\
({									\
	struct p2pmig_device *__p2p = (p2p);				\
	struct p2pmig_span __span;					\
	int __ret;							\
									\
	p2pmig_step_start(&__span, __p2p);				\
	__ret = (call);							\
	p2pmig_step_end(__p2p, what, &__span, __ret);			\
	__ret;								\
})

#endif /* P2PMIG_H */
