// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig migration core: the VFIO migration state machine of one device.
 *
 * SET_STATE is resolved into single arcs by fsm.c, which also names the
 * action each arc takes (enum p2pmig_arc_op) and whether it may touch the
 * device; p2pmig_arc_do() below implements each action once.  The device
 * work itself is the backend's (backend.h); the core owns the sessions,
 * the locking and the error handling.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/file.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/pm_runtime.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "fsm.h"
#include "mig.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static const struct p2pmig_backend *be(struct p2pmig_device *p2p)
{
	return p2p->backend;
}

/*
 * Device access.  vfio-pci-core guards its own BAR accesses with
 * memory_lock (read) and refuses them while memory is disabled or the
 * function is powered down; a reset takes memory_lock for writing around
 * the FLR and calls our reset_done under it.  p2pmig does the same for
 * every backend call that may touch the device, always taking memory_lock
 * before the state mutex (the order reset_done imposes) and never across
 * a user copy (a fault on a BAR mapping takes memory_lock too).
 */
/**
 * p2pmig_mmio_enabled() - may the device be touched?
 * @p2p: device, with vfio-pci-core's memory_lock held
 *
 * vfio-pci-core's own test: the function is in D0 and its memory decodes
 * (a VF's memory decodes as its PF's SR-IOV control says, whatever its
 * own command register holds).
 *
 * Return: true if MMIO may go to the device.
 */
bool p2pmig_mmio_enabled(struct p2pmig_device *p2p)
{
	struct vfio_pci_core_device *core = &p2p->core;
	u16 cmd = le16_to_cpu(*(__le16 *)&core->vconfig[PCI_COMMAND]);

	lockdep_assert_held(&core->memory_lock);
	return core->pdev->current_state == PCI_D0 &&
	       (core->pdev->no_command_memory || (cmd & PCI_COMMAND_MEMORY));
}

/**
 * p2pmig_mmio_begin() - the backend may touch the device from here on
 * @p2p: device
 *
 * Takes vfio-pci-core's memory_lock for reading (killable) and checks that
 * the function's memory is enabled and that it is in D0.  Call it before
 * taking the state mutex, never across a user copy.
 *
 * Return: 0 with the lock held, -EINTR, or -EIO (memory disabled, or the
 * function powered down) without it.
 */
int p2pmig_mmio_begin(struct p2pmig_device *p2p)
{
	struct vfio_pci_core_device *core = &p2p->core;

	if (down_read_killable(&core->memory_lock))
		return -EINTR;
	if (p2pmig_mmio_enabled(p2p))
		return 0;
	up_read(&core->memory_lock);
	dev_dbg(p2pmig_dev(p2p), "device access refused: memory disabled or not in D0 (%s)\n",
		pci_power_name(core->pdev->current_state));
	return -EIO;
}

/**
 * p2pmig_mmio_end() - undo a successful p2pmig_mmio_begin()
 * @p2p: device
 */
void p2pmig_mmio_end(struct p2pmig_device *p2p)
{
	up_read(&p2p->core.memory_lock);
}

/**
 * p2pmig_step_start() - begin a step of an arc or of a data_fd call
 * @s: the step's span; not traced (@s->ns 0) while the p2pmig_step
 *	tracepoint is off
 * @p2p: device
 */
void p2pmig_step_start(struct p2pmig_span *s, struct p2pmig_device *p2p)
{
	if (trace_p2pmig_step_enabled())
		p2pmig_span_begin(s, p2p);
	else
		s->ns = 0;
}

/**
 * p2pmig_step_end() - trace a step begun by p2pmig_step_start()
 * @p2p: device
 * @what: the step's name (its first 15 characters are kept)
 * @s: the step's span
 * @ret: the step's outcome
 */
void p2pmig_step_end(struct p2pmig_device *p2p, const char *what,
		     const struct p2pmig_span *s, int ret)
{
	if (s->ns)
		trace_p2pmig_step(p2pmig_dev(p2p), what, s, ret);
}

/* void backend calls, as steps that always succeed */
static int be_unquiesce(struct p2pmig_device *p2p)
{
	be(p2p)->unquiesce(p2p);
	return 0;
}

static int be_start(struct p2pmig_device *p2p)
{
	be(p2p)->start(p2p);
	return 0;
}

/* a window of the per-device log limit, and the messages it lets through */
#define P2PMIG_LOG_INTERVAL	(5 * HZ)
#define P2PMIG_LOG_BURST	10

/**
 * p2pmig_log_allowed() - may one more message that userspace provoked go out?
 * @p2p: device
 * @missed: set to the number of messages suppressed since the last one
 *	that went out, when this one may go out
 *
 * Any context.  See p2pmig_err().
 *
 * Return: true if the message may be printed.
 */
bool p2pmig_log_allowed(struct p2pmig_device *p2p, unsigned int *missed)
{
	struct p2pmig_log *l = &p2p->log;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&l->lock, flags);
	if (!l->begin || time_after(jiffies, l->begin + P2PMIG_LOG_INTERVAL)) {
		l->begin = jiffies ? jiffies : 1;
		l->printed = 0;
	}
	ok = l->printed < P2PMIG_LOG_BURST;
	if (ok) {
		l->printed++;
		*missed = l->missed;
		l->missed = 0;
	} else {
		l->missed++;
	}
	spin_unlock_irqrestore(&l->lock, flags);
	return ok;
}

/* Quiesce, then stop; undo the quiesce if stopping fails. */
static int quiesce_and_stop(struct p2pmig_device *p2p)
{
	int ret;

	ret = P2PMIG_STEP(p2p, "quiesce", be(p2p)->quiesce(p2p));
	if (ret)
		return ret;
	ret = P2PMIG_STEP(p2p, "stop", be(p2p)->stop(p2p));
	if (ret)
		P2PMIG_STEP(p2p, "unquiesce", be_unquiesce(p2p));
	return ret;
}

/* End a session: its data_fd fails from now on. */
static void end_save(struct p2pmig_device *p2p)
{
	struct p2pmig_file *f = p2p->mig.save;

	p2p->mig.save = NULL;
	if (f)
		p2pmig_file_end(f);
}

static void end_resume(struct p2pmig_device *p2p)
{
	struct p2pmig_file *f = p2p->mig.resume;

	p2p->mig.resume = NULL;
	if (f)
		p2pmig_file_end(f);
}

/*
 * PRE_COPY(_P2P) -> STOP_COPY: queue the rest of the stream, once the device
 * has stopped; @stopped is how stopping it went (0, or the arc's error).
 */
static struct file *finish_save(struct p2pmig_device *p2p, int stopped)
{
	int ret;

	if (stopped)
		return ERR_PTR(stopped);
	ret = p2pmig_save_finish(p2p->mig.save);
	/* part of the stream may be queued: the session cannot go on */
	if (ret)
		p2p->mig.arc_broke = true;
	return ERR_PTR(ret);
}

/* Open a save session and return its data_fd. */
static struct file *open_save(struct p2pmig_device *p2p, bool pre_copy)
{
	struct p2pmig_file *f;

	if (WARN_ON(p2p->mig.save))
		end_save(p2p);
	f = p2pmig_save_open(p2p, pre_copy);
	if (IS_ERR(f))
		return ERR_CAST(f);
	p2p->mig.save = f;
	return p2pmig_file_get(f);
}

/* STOP -> STOP_COPY: the whole stream at once, the device is stopped */
static struct file *open_stop_copy(struct p2pmig_device *p2p)
{
	struct file *filp;
	int ret;

	filp = open_save(p2p, false);
	if (IS_ERR(filp))
		return filp;
	ret = p2pmig_save_finish(p2p->mig.save);
	if (ret) {
		fput(filp);
		end_save(p2p);
		return ERR_PTR(ret);
	}
	return filp;
}

/* STOP -> RESUMING: a stream will be written to the new data_fd */
static struct file *open_resume(struct p2pmig_device *p2p)
{
	struct p2pmig_file *f;
	int ret;

	if (WARN_ON(p2p->mig.resume))
		end_resume(p2p);
	ret = P2PMIG_STEP(p2p, "load_begin", be(p2p)->load_begin(p2p));
	if (ret)
		return ERR_PTR(ret);
	f = p2pmig_resume_open(p2p);
	if (IS_ERR(f))
		return ERR_CAST(f);
	p2p->mig.resume = f;
	return p2pmig_file_get(f);
}

/*
 * RESUMING -> STOP: the stream must be complete and valid; only then does
 * its final state reach the device.  A rejected stream leaves the device
 * untouched and in RESUMING (the user may reset it).
 */
static struct file *finish_resume(struct p2pmig_device *p2p)
{
	int ret;

	ret = p2pmig_resume_finish(p2p->mig.resume);
	if (ret)
		return ERR_PTR(ret);
	end_resume(p2p);
	return NULL;
}

/*
 * Take the action of an arc (fsm.c says which arcs take which).  No
 * default: the compiler warns about an action that is not handled here.
 *
 * Return: the new data_fd (an arc that opens a session), NULL, or an
 * ERR_PTR().
 */
static struct file *p2pmig_arc_do(struct p2pmig_device *p2p,
				  enum p2pmig_arc_op op)
{
	switch (op) {
	case P2PMIG_OP_QUIESCE:
		return ERR_PTR(P2PMIG_STEP(p2p, "quiesce", be(p2p)->quiesce(p2p)));
	case P2PMIG_OP_UNQUIESCE:
		P2PMIG_STEP(p2p, "unquiesce", be_unquiesce(p2p));
		return NULL;
	case P2PMIG_OP_STOP:
		return ERR_PTR(P2PMIG_STEP(p2p, "stop", be(p2p)->stop(p2p)));
	case P2PMIG_OP_START:
		P2PMIG_STEP(p2p, "start", be_start(p2p));
		return NULL;
	case P2PMIG_OP_QUIESCE_STOP:
		return ERR_PTR(quiesce_and_stop(p2p));
	case P2PMIG_OP_START_UNQUIESCE:
		P2PMIG_STEP(p2p, "start", be_start(p2p));
		P2PMIG_STEP(p2p, "unquiesce", be_unquiesce(p2p));
		return NULL;
	case P2PMIG_OP_OPEN_PRE_COPY:
		return open_save(p2p, true);
	case P2PMIG_OP_OPEN_STOP_COPY:
		return open_stop_copy(p2p);
	case P2PMIG_OP_FINISH_SAVE:
		return finish_save(p2p, P2PMIG_STEP(p2p, "stop", be(p2p)->stop(p2p)));
	case P2PMIG_OP_QUIESCE_FINISH_SAVE:
		return finish_save(p2p, quiesce_and_stop(p2p));
	case P2PMIG_OP_END_SAVE:
		end_save(p2p);
		return NULL;
	case P2PMIG_OP_OPEN_RESUME:
		return open_resume(p2p);
	case P2PMIG_OP_FINISH_RESUME:
		return finish_resume(p2p);
	case P2PMIG_OP_NONE:
	case P2PMIG_NR_OPS:
		break;
	}
	WARN_ON_ONCE(1);
	return ERR_PTR(-EINVAL);
}

/* Take one arc; on failure the state stays, or is ERROR if unknown. */
static struct file *p2pmig_step(struct p2pmig_device *p2p, u32 next)
{
	struct p2pmig_mig *mig = &p2p->mig;
	u32 cur = mig->state;
	struct p2pmig_arc_info arc = p2pmig_fsm_arc(mig->features, cur, next);
	struct p2pmig_span span;
	struct file *res;

	if (WARN_ON(arc.kind == P2PMIG_ARC_NONE || arc.op == P2PMIG_OP_NONE ||
		    arc.op >= P2PMIG_NR_OPS))
		return ERR_PTR(-EINVAL);
	if (arc.device && !p2pmig_mmio_enabled(p2p)) {
		dev_dbg(p2pmig_dev(p2p), "%s -> %s refused: memory disabled or not in D0\n",
			p2pmig_state_name(cur), p2pmig_state_name(next));
		return ERR_PTR(-EIO);
	}

	mig->arc_broke = false;
	p2pmig_span_begin(&span, p2p);
	res = p2pmig_arc_do(p2p, arc.op);
	trace_p2pmig_arc(p2pmig_dev(p2p), cur, next, &span, PTR_ERR_OR_ZERO(res));
	if (IS_ERR(res)) {
		if (mig->arc_broke) {
			p2pmig_err(p2p, "%s -> %s failed (%ld), device state unknown: ERROR\n",
				   p2pmig_state_name(cur), p2pmig_state_name(next),
				   PTR_ERR(res));
			end_save(p2p);
			end_resume(p2p);
			mig->state = P2PMIG_ERROR;
		} else {
			dev_dbg(p2pmig_dev(p2p), "%s -> %s failed (%ld)\n",
				p2pmig_state_name(cur), p2pmig_state_name(next), PTR_ERR(res));
		}
		return res;
	}
	dev_dbg(p2pmig_dev(p2p), "%s -> %s\n", p2pmig_state_name(cur),
		p2pmig_state_name(next));
	mig->state = next;
	return res;
}

static struct file *p2pmig_set_state(struct vfio_device *vdev,
				     enum vfio_device_mig_state new_state)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);
	struct p2pmig_mig *mig = &p2p->mig;
	struct file *res = NULL;
	struct p2pmig_span span;
	u32 from, next;
	int ret;

	p2pmig_span_begin(&span, p2p);
	/* arcs may touch the device: memory_lock first (see p2pmig_mmio_enabled()) */
	if (down_read_killable(&p2p->core.memory_lock))
		return ERR_PTR(-EINTR);
	mutex_lock(&mig->state_mutex);
	from = mig->state;
	while (mig->state != new_state) {
		ret = p2pmig_fsm_next_state(mig->features, mig->state, new_state, &next);
		if (ret) {
			dev_dbg(p2pmig_dev(p2p), "no way from %s to %s\n",
				p2pmig_state_name(mig->state), p2pmig_state_name(new_state));
			res = ERR_PTR(ret);
			break;
		}
		res = p2pmig_step(p2p, next);
		if (IS_ERR(res))
			break;
		/* fsm.c opens a session only on the last hop */
		if (WARN_ON(res && next != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	trace_p2pmig_set_state(p2pmig_dev(p2p), from, new_state, &span,
			       PTR_ERR_OR_ZERO(res));
	mutex_unlock(&mig->state_mutex);
	up_read(&p2p->core.memory_lock);
	return res;
}

static int p2pmig_get_state(struct vfio_device *vdev,
			    enum vfio_device_mig_state *state)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);

	mutex_lock(&p2p->mig.state_mutex);
	*state = p2p->mig.state;
	mutex_unlock(&p2p->mig.state_mutex);
	return 0;
}

static int p2pmig_get_data_size(struct vfio_device *vdev,
				unsigned long *stop_copy_length)
{
	struct p2pmig_device *p2p = to_p2pmig(vdev);

	mutex_lock(&p2p->mig.state_mutex);
	*stop_copy_length = p2pmig_stream_bound(p2p);
	mutex_unlock(&p2p->mig.state_mutex);
	return 0;
}

const struct vfio_migration_ops p2pmig_mig_ops = {
	.migration_set_state = p2pmig_set_state,
	.migration_get_state = p2pmig_get_state,
#if P2PMIG_HAVE_MIG_DATA_SIZE_OP
	.migration_get_data_size = p2pmig_get_data_size,
#endif
};

/**
 * p2pmig_notify_dirty() - the backend has new dirty data for a save session
 * @p2p: device
 *
 * Wakes poll() on the data_fd.  Any context.
 */
void p2pmig_notify_dirty(struct p2pmig_device *p2p)
{
	wake_up(&p2p->mig.dirty_wq);
}

/**
 * p2pmig_mig_device_feature() - features older VFIO cores do not handle
 * @p2p: device
 * @flags: VFIO_DEVICE_FEATURE flags
 * @arg: user argument
 * @argsz: its size
 *
 * Linux 6.1's core does not know VFIO_DEVICE_FEATURE_MIG_DATA_SIZE and
 * passes it to the driver; newer cores answer it through p2pmig_mig_ops.
 *
 * Return: the feature's result, or -ENOTTY if it is not one of ours.
 */
int p2pmig_mig_device_feature(struct p2pmig_device *p2p, u32 flags,
			      void __user *arg, size_t argsz)
{
	struct vfio_device_feature_mig_data_size size = {};
	unsigned long len;
	int ret;

	if ((flags & VFIO_DEVICE_FEATURE_MASK) != VFIO_DEVICE_FEATURE_MIG_DATA_SIZE)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET, sizeof(size));
	if (ret != 1)
		return ret;
	p2pmig_get_data_size(&p2p->core.vdev, &len);
	size.stop_copy_length = len;
	return copy_to_user(arg, &size, sizeof(size)) ? -EFAULT : 0;
}

/**
 * p2pmig_mig_init() - set up migration for a device, before registration
 * @p2p: device
 * @features: P2PMIG_F_* to offer (STOP_COPY at least)
 */
void p2pmig_mig_init(struct p2pmig_device *p2p, u32 features)
{
	spin_lock_init(&p2p->log.lock);
	mutex_init(&p2p->mig.state_mutex);
	init_waitqueue_head(&p2p->mig.dirty_wq);
	p2p->mig.state = P2PMIG_RUNNING;
	p2p->mig.features = features | P2PMIG_F_STOP_COPY;
	p2p->core.vdev.migration_flags = p2p->mig.features;
	p2p->core.vdev.mig_ops = &p2pmig_mig_ops;
}

/**
 * p2pmig_mig_release() - undo p2pmig_mig_init()
 * @p2p: device
 */
void p2pmig_mig_release(struct p2pmig_device *p2p)
{
	mutex_destroy(&p2p->mig.state_mutex);
}

/**
 * p2pmig_mig_open() - the device was opened: it runs
 * @p2p: device
 */
void p2pmig_mig_open(struct p2pmig_device *p2p)
{
	mutex_lock(&p2p->mig.state_mutex);
	p2p->mig.state = P2PMIG_RUNNING;
	mutex_unlock(&p2p->mig.state_mutex);
}

/* End every session and return to RUNNING (the device is reset or closed). */
static void p2pmig_mig_reset_state(struct p2pmig_device *p2p)
{
	mutex_lock(&p2p->mig.state_mutex);
	end_save(p2p);
	end_resume(p2p);
	p2p->mig.state = P2PMIG_RUNNING;
	if (be(p2p)->reset_done)
		be(p2p)->reset_done(p2p);
	mutex_unlock(&p2p->mig.state_mutex);
}

/**
 * p2pmig_mig_close() - the device was closed: end its sessions, let the
 * backend clean up after the user
 * @p2p: device
 */
void p2pmig_mig_close(struct p2pmig_device *p2p)
{
	struct pci_dev *pdev = p2p->core.pdev;

	/*
	 * The user may have left the function in low power; runtime resume
	 * takes memory_lock, so before it and the state mutex.  A function
	 * whose memory is off is left as it is (it is reset next anyway).
	 */
	if (be(p2p)->release && !pm_runtime_resume_and_get(&pdev->dev)) {
		if (!p2pmig_mmio_begin(p2p)) {
			mutex_lock(&p2p->mig.state_mutex);
			be(p2p)->release(p2p);
			mutex_unlock(&p2p->mig.state_mutex);
			p2pmig_mmio_end(p2p);
		}
		pm_runtime_put(&pdev->dev);
	}
	p2pmig_mig_reset_state(p2p);
}

/**
 * p2pmig_mig_reset_done() - the function was reset
 * @p2p: device
 *
 * Called with vfio-pci-core's memory_lock held when the reset came through
 * VFIO_DEVICE_RESET; safe because the state mutex is never held across a
 * user copy (which could need memory_lock to fault in a BAR mapping).
 */
void p2pmig_mig_reset_done(struct p2pmig_device *p2p)
{
	p2pmig_mig_reset_state(p2p);
}
