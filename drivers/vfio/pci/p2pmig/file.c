// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig data_fd: the save and resume sessions of the migration uAPI.
 *
 * A save session is a queue of chunks, each one record (or the stream
 * header) built when the migration core asks the backend for it: initial
 * records when the session opens, dirty records when userspace asks for
 * more in PRE_COPY, the final state and END on entering STOP_COPY.  read()
 * drains the queue.  A resume session feeds write()s to the incremental
 * parser (stream.c), which hands each complete record to the backend
 * before the write() returns.
 *
 * Locking, outermost first:
 *   io_lock     one reader or writer per file; held across user copies
 *   memory_lock vfio-pci-core's, read side, around parsing (records may
 *               make the backend touch the device); never across copies
 *   state_mutex the device's (p2pmig_mig); never held across user copies
 *   data_lock   the chunk queue; a spinlock, held only to link, unlink,
 *               claim or rewrite a chunk
 * A reset may end a session at any time: it sets ->ended under the state
 * mutex and the data lock and drops the device's reference.  The file
 * itself (chunks, parser) lives until its last reference goes, and holds a
 * reference on the VFIO device, so a late read() or write() finds -ENODEV,
 * never freed memory.
 *
 * A chunk the reader has begun to copy is its own: nothing rewrites it.
 * A record that replaces one nobody has begun to read is written over it
 * (same place, same sequence number), so a guest that keeps changing its
 * configuration does not grow the queue.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/pm_runtime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "fsm.h"
#include "mig.h"
#include "trace.h"

/* a write() is parsed in pieces of this size, outside of the user copy */
#define P2PMIG_WRITE_CHUNK	(64 * 1024)
/* no resume stream is longer: a writer cannot make us parse without end */
#define P2PMIG_STREAM_MAX	(64ULL * 1024 * 1024)

/**
 * struct p2pmig_chunk - queued bytes of a save stream: one record, or the
 *	stream header
 * @node: in p2pmig_file.chunks
 * @len: bytes in @data
 * @pos: bytes of @data read so far
 * @started: the reader has begun to copy it: it is never rewritten
 * @initial: counts as initial data (PRECOPY_INFO)
 * @type: record type, 0 for the stream header
 * @seq: the record's sequence number
 * @data: the bytes
 */
struct p2pmig_chunk {
	struct list_head node;
	size_t len;
	size_t pos;
	bool started;
	bool initial;
	u16 type;
	u32 seq;
	u8 data[];
};

/**
 * struct p2pmig_file - one data_fd
 * @filp: its file
 * @p2p: the device; valid while the file lives (it holds a reference)
 * @saving: a save session (else a resume session)
 * @ended: the session ended (state change or reset): I/O fails with
 *	-ENODEV.  Written under the state mutex and @data_lock.
 * @io_lock: one reader or writer at a time
 * @data_lock: protects @chunks and the byte counts below
 * @poll_wq: woken when data is queued and when the session ends
 * @chunks: queued, unread stream bytes (save)
 * @queued: unread bytes in @chunks
 * @initial_left: unread bytes of initial data in @chunks
 * @end_queued: the END record is queued: after it, read() returns 0
 * @reinit: initial data was replaced since PRECOPY_INFO last said so
 * @seq: sequence number of the next record (save; under the state mutex)
 * @produced: stream bytes queued so far (save; under the state mutex)
 * @bound: no save stream is longer (p2pmig_stream_bound() at its start)
 * @consumed: stream bytes read so far (save; under @data_lock)
 * @bytes: stream bytes read or written so far (under @io_lock)
 * @parser: the incremental parser (resume; under the state mutex)
 * @payload: the parser's record buffer (resume)
 * @bounce: user data of one write() piece (resume; under @io_lock)
 */
struct p2pmig_file {
	struct file *filp;
	struct p2pmig_device *p2p;
	bool saving;
	bool ended;
	struct mutex io_lock;		/* readers/writers, across user copies */
	spinlock_t data_lock;		/* @chunks and byte counts */
	wait_queue_head_t poll_wq;
	struct list_head chunks;
	size_t queued;
	size_t initial_left;
	bool end_queued;
	bool reinit;
	u32 seq;
	u64 produced;
	u64 bound;
	u64 consumed;
	u64 bytes;
	struct p2pmig_parser parser;
	u8 *payload;
	u8 *bounce;
};

/**
 * struct p2pmig_out - where a backend's records go
 * @f: the save session
 * @initial: the records count as initial data (PRECOPY_INFO)
 */
struct p2pmig_out {
	struct p2pmig_file *f;
	bool initial;
};

static struct device *fdev(struct p2pmig_file *f)
{
	return p2pmig_dev(f->p2p);
}

static bool session_live(struct p2pmig_file *f)
{
	struct p2pmig_mig *mig = &f->p2p->mig;

	lockdep_assert_held(&mig->state_mutex);
	return !f->ended && (f->saving ? mig->save : mig->resume) == f;
}

/* Queue @len stream bytes built by @fill (under the state mutex). */
static int queue_bytes(struct p2pmig_file *f, bool initial, size_t len, u16 type,
		       u32 seq, void (*fill)(u8 *out, const void *arg), const void *arg)
{
	struct p2pmig_chunk *c;

	/* the backend promised a bound (MIG_DATA_SIZE): keep it or fail */
	if (WARN_ON_ONCE(f->produced + len > f->bound)) {
		p2pmig_err(f->p2p, "save stream would exceed its bound of %llu bytes\n",
			   f->bound);
		return -EFBIG;
	}
	c = kvzalloc(struct_size(c, data, len), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	c->len = len;
	c->initial = initial;
	c->type = type;
	c->seq = seq;
	fill(c->data, arg);

	spin_lock(&f->data_lock);
	list_add_tail(&c->node, &f->chunks);
	f->queued += len;
	if (initial)
		f->initial_left += len;
	spin_unlock(&f->data_lock);
	f->produced += len;
	wake_up_interruptible(&f->poll_wq);
	return 0;
}

struct record_args {
	u16 type;
	u32 seq;
	const void *payload;
	u32 len;
};

static void fill_record(u8 *out, const void *arg)
{
	const struct record_args *r = arg;

	p2pmig_stream_put_record(out, r->type, r->seq, r->payload, r->len);
}

static void fill_header(u8 *out, const void *arg)
{
	p2pmig_stream_put_header(out, arg);
}

/**
 * p2pmig_emit() - add one record to a save session
 * @out: where the backend was told to emit
 * @type: record type (P2PMIG_REC_BACKEND_BASE and up, maybe OPTIONAL)
 * @payload: @len bytes, copied
 * @len: at most P2PMIG_REC_MAX_LEN
 *
 * Return: 0 or a negative errno.
 */
int p2pmig_emit(struct p2pmig_out *out, u16 type, const void *payload, u32 len)
{
	struct p2pmig_file *f = out->f;
	struct record_args r = {
		.type = type, .seq = f->seq, .payload = payload, .len = len,
	};
	int ret;

	if (WARN_ON(len > P2PMIG_REC_MAX_LEN))
		return -EINVAL;
	ret = queue_bytes(f, out->initial, P2PMIG_REC_HDR_LEN + len, type, f->seq,
			  fill_record, &r);
	if (!ret)
		f->seq++;
	return ret;
}

/* Did userspace ask for PRECOPY_INFO's REINIT flag (7.x)? */
static bool reinit_enabled(struct p2pmig_file *f)
{
#if P2PMIG_HAVE_PRECOPY_INFO_V2
	return f->p2p->core.vdev.precopy_info_v2;
#else
	return false;
#endif
}

/**
 * p2pmig_emit_reinit() - add a record that replaces earlier data
 * @out: where the backend was told to emit (a dirty refresh, or the final
 *	data)
 * @type: record type
 * @payload: @len bytes, copied
 * @len: at most P2PMIG_REC_MAX_LEN
 * @may_append: if no unread record of @type can be rewritten, append one
 *
 * The newest queued record of @type, if the reader has not begun it, is
 * rewritten in place.  Otherwise, with @may_append, the record is added:
 * with userspace opted into PRECOPY_INFO v2 as new initial data (the next
 * PRECOPY_INFO carries VFIO_PRECOPY_INFO_REINIT), as dirty data otherwise.
 *
 * Return: 0 (rewritten), P2PMIG_EMIT_APPENDED, -ENOSPC (nothing to
 * rewrite and !@may_append), or a negative errno.
 */
int p2pmig_emit_reinit(struct p2pmig_out *out, u16 type, const void *payload,
		       u32 len, bool may_append)
{
	struct p2pmig_file *f = out->f;
	struct p2pmig_out re = { .f = f, .initial = reinit_enabled(f) };
	struct p2pmig_chunk *c;
	int ret;

	/*
	 * A record of this kind the reader has not begun is out of date:
	 * write the new one over it (same place, same sequence number)
	 * rather than letting a guest that keeps changing grow the stream.
	 * Under the data lock: the reader claims a chunk under it too.
	 */
	if (WARN_ON(len > P2PMIG_REC_MAX_LEN))
		return -EINVAL;
	spin_lock(&f->data_lock);
	list_for_each_entry_reverse(c, &f->chunks, node) {
		if (c->type != type)
			continue;
		if (c->started || c->len != P2PMIG_REC_HDR_LEN + len)
			break;
		p2pmig_stream_put_record(c->data, type, c->seq, payload, len);
		spin_unlock(&f->data_lock);
		return 0;
	}
	spin_unlock(&f->data_lock);

	if (!may_append)
		return -ENOSPC;
	ret = p2pmig_emit(&re, type, payload, len);
	if (ret)
		return ret;
	if (re.initial)
		f->reinit = true;
	return P2PMIG_EMIT_APPENDED;
}

static int queue_end(struct p2pmig_file *f)
{
	struct record_args r = { .type = P2PMIG_REC_END, .seq = f->seq };
	int ret;

	ret = queue_bytes(f, false, P2PMIG_REC_HDR_LEN, P2PMIG_REC_END, f->seq,
			  fill_record, &r);
	if (ret)
		return ret;
	f->seq++;
	spin_lock(&f->data_lock);
	f->end_queued = true;
	spin_unlock(&f->data_lock);
	return 0;
}

/* Ask the backend for dirty records (PRE_COPY*), under the state mutex. */
static int save_refresh(struct p2pmig_file *f)
{
	struct p2pmig_device *p2p = f->p2p;
	struct p2pmig_out out = { .f = f };

	if (!p2p->backend->save_dirty)
		return 0;
	return p2p->backend->save_dirty(p2p, &out);
}

/*
 * Nothing to copy now: the end of the stream (0), only of what exists yet
 * (-ENOMSG), or of the session (-ENODEV).  Returns 1 if data arrived since
 * the copy loop looked (a concurrent STOP_COPY): copy it.
 */
static ssize_t save_read_empty(struct p2pmig_file *f)
{
	ssize_t ret;

	spin_lock(&f->data_lock);
	if (f->ended)
		ret = -ENODEV;
	else if (!list_empty(&f->chunks))
		ret = 1;
	else
		ret = f->end_queued ? 0 : -ENOMSG;
	spin_unlock(&f->data_lock);
	return ret;
}

static ssize_t p2pmig_save_read(struct file *filp, char __user *buf,
				size_t len, loff_t *pos)
{
	struct p2pmig_file *f = filp->private_data;
	struct p2pmig_mig *mig = &f->p2p->mig;
	struct p2pmig_chunk *c, *done_chunk;
	struct p2pmig_span span;
	ssize_t done = 0, ret;
	bool retried = false;
	size_t n;
	u8 *src;

	p2pmig_span_begin(&span, f->p2p);
	if (pos)
		return -ESPIPE;

	ret = mutex_lock_killable(&f->io_lock);
	if (ret)
		return ret;
	mutex_lock(&mig->state_mutex);
	if (!session_live(f)) {
		mutex_unlock(&mig->state_mutex);
		done = -ENODEV;
		goto out;
	}
	if (len && (mig->state == P2PMIG_PRE_COPY || mig->state == P2PMIG_PRE_COPY_P2P)) {
		spin_lock(&f->data_lock);
		n = f->queued;
		spin_unlock(&f->data_lock);
		if (!n) {
			ret = save_refresh(f);
			if (ret) {
				mutex_unlock(&mig->state_mutex);
				done = ret;
				goto out;
			}
		}
	}
	mutex_unlock(&mig->state_mutex);

	/* each pass copies at least one byte or ends the loop */
	while (len) {
		spin_lock(&f->data_lock);
		c = list_first_entry_or_null(&f->chunks, struct p2pmig_chunk, node);
		if (f->ended || !c) {
			spin_unlock(&f->data_lock);
			if (done)
				break;
			ret = save_read_empty(f);
			/* data came since we looked: copy it, once */
			if (ret == 1 && !retried) {
				retried = true;
				continue;
			}
			done = ret == 1 ? -ENOMSG : ret;
			break;
		}
		c->started = true;
		n = min(len, c->len - c->pos);
		src = c->data + c->pos;
		spin_unlock(&f->data_lock);

		/* only this reader consumes or frees chunks, nothing rewrites
		 * a started one: @src stays valid and unchanged
		 */
		if (copy_to_user(buf, src, n)) {
			if (!done)
				done = -EFAULT;
			break;
		}

		done_chunk = NULL;
		spin_lock(&f->data_lock);
		c->pos += n;
		f->queued -= n;
		f->consumed += n;
		if (c->initial)
			f->initial_left -= n;
		if (c->pos == c->len) {
			list_del(&c->node);
			done_chunk = c;
		}
		spin_unlock(&f->data_lock);
		kvfree(done_chunk);

		f->bytes += n;
		buf += n;
		len -= n;
		done += n;
	}

	if (done > 0)
		trace_p2pmig_stream(fdev(f), true, done, f->bytes, &span);
out:
	mutex_unlock(&f->io_lock);
	return done;
}

static __poll_t p2pmig_save_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct p2pmig_file *f = filp->private_data;
	struct p2pmig_device *p2p = f->p2p;
	__poll_t mask = 0;
	u32 state;

	poll_wait(filp, &f->poll_wq, wait);
	poll_wait(filp, &p2p->mig.dirty_wq, wait);
	if (READ_ONCE(f->ended))
		return EPOLLERR | EPOLLHUP;
	spin_lock(&f->data_lock);
	if (f->queued || f->end_queued)
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&f->data_lock);
	/* dirty data the backend has and read() would fetch */
	state = READ_ONCE(p2p->mig.state);
	if ((state == P2PMIG_PRE_COPY || state == P2PMIG_PRE_COPY_P2P) &&
	    p2p->backend->dirty_pending && p2p->backend->dirty_pending(p2p))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static long p2pmig_precopy_info(struct p2pmig_file *f, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct p2pmig_mig *mig = &f->p2p->mig;
	struct vfio_precopy_info info;
	int ret;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	mutex_lock(&mig->state_mutex);
	if (mig->state != P2PMIG_PRE_COPY && mig->state != P2PMIG_PRE_COPY_P2P) {
		dev_dbg(fdev(f), "PRECOPY_INFO in %s\n", p2pmig_state_name(mig->state));
		ret = -EINVAL;
		goto unlock;
	}
	if (!session_live(f)) {
		ret = -ENODEV;
		goto unlock;
	}
	ret = save_refresh(f);
	if (ret)
		goto unlock;
	/* an output field: set by us whatever the caller put there */
	info.flags = 0;
	spin_lock(&f->data_lock);
	info.initial_bytes = f->initial_left;
	info.dirty_bytes = f->queued - f->initial_left;
	if (f->reinit) {
		/* after REINIT everything pending is initial data again */
		info.flags = VFIO_PRECOPY_INFO_REINIT;
		info.initial_bytes = f->queued;
		info.dirty_bytes = 0;
		f->reinit = false;
	}
	spin_unlock(&f->data_lock);
unlock:
	mutex_unlock(&mig->state_mutex);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long p2pmig_save_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	return p2pmig_precopy_info(filp->private_data, arg);
}

static int on_header(void *ctx, const struct p2pmig_stream_hdr *hdr)
{
	struct p2pmig_file *f = ctx;
	const struct p2pmig_backend *be = f->p2p->backend;

	if (hdr->vendor != be->vendor || hdr->device != be->device) {
		p2pmig_err(f->p2p, "resume stream is from a %04x:%04x device, this is %04x:%04x\n",
			   hdr->vendor, hdr->device, be->vendor, be->device);
		return p2pmig_parser_fail(&f->parser, -EINVAL,
					  "stream is for another device", P2PMIG_NO_ARG);
	}
	return be->load_header(f->p2p, hdr);
}

static int on_record(void *ctx, const struct p2pmig_record *rec, const u8 *payload)
{
	struct p2pmig_file *f = ctx;

	return f->p2p->backend->load_record(f->p2p, rec, payload);
}

static const struct p2pmig_parser_ops p2pmig_parser_ops = {
	.on_header = on_header,
	.on_record = on_record,
};

static void log_rejection(struct p2pmig_file *f)
{
	struct p2pmig_parser *p = &f->parser;

	if (p->why_arg == P2PMIG_NO_ARG)
		p2pmig_err(f->p2p, "resume stream rejected at byte %llu: %s (%d)\n",
			   p->offset, p->why ? p->why : "rejected", p->err);
	else
		p2pmig_err(f->p2p, "resume stream rejected at byte %llu: %s %llu (%d)\n",
			   p->offset, p->why ? p->why : "rejected", p->why_arg, p->err);
}

/* Parse one piece of a write() (under memory_lock and the state mutex). */
static int resume_parse(struct p2pmig_file *f, size_t n)
{
	int ret;

	if (!session_live(f))
		return -ENODEV;
	/*
	 * Only now, with the session known to be live (the device is open:
	 * closing it ends the session under the state mutex before
	 * vfio-pci-core frees its config space), is the function's state
	 * worth looking at.
	 */
	if (!p2pmig_mmio_enabled(f->p2p)) {
		dev_dbg(fdev(f), "resume write refused: memory disabled or not in D0\n");
		return -EIO;
	}
	if (f->parser.state == P2PMIG_PARSE_FAILED)
		return f->parser.err;
	if (f->bytes + n > P2PMIG_STREAM_MAX) {
		ret = p2pmig_parser_fail(&f->parser, -EINVAL,
					 "stream longer than the limit of bytes",
					 P2PMIG_STREAM_MAX);
		log_rejection(f);
		return ret;
	}
	ret = p2pmig_parse(&f->parser, &p2pmig_parser_ops, f, f->bounce, n);
	if (ret)
		log_rejection(f);
	return ret;
}

static ssize_t p2pmig_resume_write(struct file *filp, const char __user *buf,
				   size_t len, loff_t *pos)
{
	struct p2pmig_file *f = filp->private_data;
	struct p2pmig_device *p2p = f->p2p;
	struct p2pmig_span span;
	ssize_t done = 0;
	size_t n;
	int ret;

	p2pmig_span_begin(&span, f->p2p);
	if (pos)
		return -ESPIPE;
	/*
	 * An ended session touches nothing, not even the device's power
	 * state (the function may be unbound or gone); resume_parse() checks
	 * again under the state mutex.
	 */
	if (READ_ONCE(f->ended))
		return -ENODEV;

	/* records may make the backend touch the device: not while suspended */
	ret = pm_runtime_resume_and_get(&p2p->core.pdev->dev);
	if (ret)
		return ret;
	ret = mutex_lock_killable(&f->io_lock);
	if (ret)
		goto put;
	if (!len) {
		/* nothing to parse: only say whether the session lives */
		mutex_lock(&p2p->mig.state_mutex);
		ret = session_live(f) ? 0 : -ENODEV;
		mutex_unlock(&p2p->mig.state_mutex);
	}
	while (len) {
		n = min_t(size_t, len, P2PMIG_WRITE_CHUNK);
		if (copy_from_user(f->bounce, buf, n)) {
			ret = -EFAULT;
			break;
		}
		/*
		 * memory_lock before the state mutex; whether the device may
		 * be touched is decided under both (resume_parse())
		 */
		if (down_read_killable(&p2p->core.memory_lock)) {
			ret = -EINTR;
			break;
		}
		mutex_lock(&p2p->mig.state_mutex);
		ret = resume_parse(f, n);
		mutex_unlock(&p2p->mig.state_mutex);
		up_read(&p2p->core.memory_lock);
		if (ret)
			break;

		f->bytes += n;
		buf += n;
		len -= n;
		done += n;
		if (len && fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (done)
		trace_p2pmig_stream(fdev(f), false, done, f->bytes, &span);
	mutex_unlock(&f->io_lock);
put:
	pm_runtime_put(&p2p->core.pdev->dev);
	/* what was parsed stays parsed: say so, the error comes next time */
	return done ? done : ret;
}

static void p2pmig_file_free(struct p2pmig_file *f)
{
	struct p2pmig_chunk *c, *tmp;

	list_for_each_entry_safe(c, tmp, &f->chunks, node)
		kvfree(c);
	kvfree(f->payload);
	kvfree(f->bounce);
	mutex_destroy(&f->io_lock);
	kfree(f);
}

static int p2pmig_file_release(struct inode *inode, struct file *filp)
{
	struct p2pmig_file *f = filp->private_data;
	struct vfio_device *vdev = &f->p2p->core.vdev;
	struct pci_dev *pdev = f->p2p->core.pdev;

	p2pmig_file_free(f);
	pci_dev_put(pdev);
	vfio_put_device(vdev);
	return 0;
}

/* A resume session always takes data; once ended, it reports the end. */
static __poll_t p2pmig_resume_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct p2pmig_file *f = filp->private_data;

	poll_wait(filp, &f->poll_wq, wait);
	if (READ_ONCE(f->ended))
		return EPOLLERR | EPOLLHUP;
	return EPOLLOUT | EPOLLWRNORM;
}

static const struct file_operations p2pmig_save_fops = {
	.owner		= THIS_MODULE,
	.read		= p2pmig_save_read,
	.poll		= p2pmig_save_poll,
	.unlocked_ioctl	= p2pmig_save_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= p2pmig_file_release,
};

static const struct file_operations p2pmig_resume_fops = {
	.owner		= THIS_MODULE,
	.write		= p2pmig_resume_write,
	.poll		= p2pmig_resume_poll,
	.release	= p2pmig_file_release,
};

static struct p2pmig_file *file_create(struct p2pmig_device *p2p, bool saving)
{
	struct p2pmig_file *f;
	struct file *filp;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->p2p = p2p;
	f->saving = saving;
	mutex_init(&f->io_lock);
	spin_lock_init(&f->data_lock);
	init_waitqueue_head(&f->poll_wq);
	INIT_LIST_HEAD(&f->chunks);
	if (!saving) {
		f->payload = kvzalloc(P2PMIG_REC_MAX_LEN, GFP_KERNEL_ACCOUNT);
		f->bounce = kvzalloc(P2PMIG_WRITE_CHUNK, GFP_KERNEL_ACCOUNT);
		if (!f->payload || !f->bounce) {
			p2pmig_file_free(f);
			return ERR_PTR(-ENOMEM);
		}
		p2pmig_parser_init(&f->parser, f->payload, P2PMIG_REC_MAX_LEN);
	}

	filp = anon_inode_getfile(saving ? "[p2pmig-save]" : "[p2pmig-resume]",
				  saving ? &p2pmig_save_fops : &p2pmig_resume_fops,
				  f, saving ? O_RDONLY : O_WRONLY);
	if (IS_ERR(filp)) {
		p2pmig_file_free(f);
		return ERR_CAST(filp);
	}
	stream_open(filp->f_inode, filp);
	f->filp = filp;
	/* the file may outlive the device's registration; not its memory */
	get_device(&p2p->core.vdev.device);
	pci_dev_get(p2p->core.pdev);
	return f;
}

/* Tear a file down that userspace never saw. */
static void file_discard(struct p2pmig_file *f)
{
	f->ended = true;
	fput(f->filp);
}

/**
 * p2pmig_save_open() - start a save session
 * @p2p: device, with the state mutex held
 * @pre_copy: opened for PRE_COPY (initial data only) rather than STOP_COPY
 *
 * Queues the stream header and the backend's initial records; they are the
 * initial bytes PRECOPY_INFO reports.
 *
 * Return: the session (the device keeps a file reference) or an ERR_PTR.
 */
struct p2pmig_file *p2pmig_save_open(struct p2pmig_device *p2p, bool pre_copy)
{
	const struct p2pmig_backend *be = p2p->backend;
	struct p2pmig_stream_hdr hdr = {
		.vendor = be->vendor,
		.device = be->device,
		.backend_version = be->version,
		.flags = pre_copy ? P2PMIG_STREAM_F_PRE_COPY : 0,
	};
	struct p2pmig_out out = { .initial = true };
	struct p2pmig_file *f;
	int ret;

	lockdep_assert_held(&p2p->mig.state_mutex);
	f = file_create(p2p, true);
	if (IS_ERR(f))
		return f;
	out.f = f;
	f->bound = p2pmig_stream_bound(p2p);
	ret = queue_bytes(f, true, P2PMIG_STREAM_HDR_LEN, 0, 0, fill_header, &hdr);
	if (!ret)
		ret = be->save_initial(p2p, &out);
	if (ret) {
		p2pmig_err(p2p, "cannot start the save stream: %d\n", ret);
		file_discard(f);
		return ERR_PTR(ret);
	}
	return f;
}

/**
 * p2pmig_save_finish() - queue the rest of a save stream (entering STOP_COPY)
 * @f: the save session; the device is in STOP, the state mutex held
 *
 * Return: 0 or a negative errno.
 */
int p2pmig_save_finish(struct p2pmig_file *f)
{
	struct p2pmig_device *p2p = f->p2p;
	struct p2pmig_out out = { .f = f };
	int ret;

	lockdep_assert_held(&p2p->mig.state_mutex);
	ret = P2PMIG_STEP(p2p, "save_final", p2p->backend->save_final(p2p, &out));
	if (!ret)
		ret = queue_end(f);
	if (ret)
		p2pmig_err(p2p, "cannot save the device state: %d\n", ret);
	return ret;
}

/**
 * p2pmig_resume_open() - start a resume session
 * @p2p: device, with the state mutex held
 *
 * Return: the session (the device keeps a file reference) or an ERR_PTR.
 */
struct p2pmig_file *p2pmig_resume_open(struct p2pmig_device *p2p)
{
	lockdep_assert_held(&p2p->mig.state_mutex);
	return file_create(p2p, false);
}

/**
 * p2pmig_resume_finish() - leaving RESUMING: was the stream complete?
 * @f: the resume session; memory_lock (read) and the state mutex held
 *
 * Nothing from the stream's final state has reached the device yet; if the
 * stream is complete and valid, this writes it.  A stream that is merely
 * incomplete is not rejected for good: the rest may still be written and
 * RESUMING left again.
 *
 * Return: 0; -EINVAL/-EOPNOTSUPP (stream incomplete, rejected or lacking a
 * record) or the backend's clean failure (for the 82576 VF: the late
 * configuration replay refused): the device stays in RESUMING, untouched
 * by the final state; or the backend's error while writing that state
 * (the device's state is unknown: the arc moves it to ERROR).
 */
int p2pmig_resume_finish(struct p2pmig_file *f)
{
	struct p2pmig_device *p2p = f->p2p;
	const struct p2pmig_backend *be = p2p->backend;
	struct p2pmig_parser *p = &f->parser;
	int ret;

	lockdep_assert_held(&p2p->mig.state_mutex);
	ret = p2pmig_parser_finish(p);
	if (ret) {
		if (p->state == P2PMIG_PARSE_FAILED)
			p2pmig_err(p2p, "cannot leave RESUMING: the stream was rejected at byte %llu (%s)\n",
				   p->offset, p->why ? p->why : "rejected");
		else
			p2pmig_err(p2p, "cannot leave RESUMING: the stream ends at byte %llu, %s\n",
				   p->offset, p->state == P2PMIG_PARSE_HEADER ?
				   "inside its header" : "before its end record");
		return ret;
	}
	ret = P2PMIG_STEP(p2p, "load_check", be->load_check(p2p));
	if (!ret && be->load_prepare)
		ret = P2PMIG_STEP(p2p, "load_prepare", be->load_prepare(p2p));
	if (ret)
		return ret;
	ret = P2PMIG_STEP(p2p, "load_finish", be->load_finish(p2p));
	if (ret) {
		p2p->mig.arc_broke = true;
		p2pmig_err(p2p, "cannot load the device state: %d\n", ret);
	}
	return ret;
}

/**
 * p2pmig_file_get() - a new reference to hand to userspace as data_fd
 * @f: the session
 *
 * Return: the file, with a reference for the caller.
 */
struct file *p2pmig_file_get(struct p2pmig_file *f)
{
	return get_file(f->filp);
}

/**
 * p2pmig_file_end() - end a session: its fd fails from now on
 * @f: the session, which the device no longer points to; state mutex held
 *
 * Drops the device's reference to the file.
 */
void p2pmig_file_end(struct p2pmig_file *f)
{
	lockdep_assert_held(&f->p2p->mig.state_mutex);
	spin_lock(&f->data_lock);
	WRITE_ONCE(f->ended, true);
	spin_unlock(&f->data_lock);
	wake_up_interruptible(&f->poll_wq);
	fput(f->filp);
}

/**
 * p2pmig_stream_bound() - what MIG_DATA_SIZE reports
 * @p2p: device, state mutex held
 *
 * No save stream is longer than the header, the backend's bound (which
 * queue_bytes() enforces) and END.  With a save session open, what is left
 * of it to read is at most that less what was read already.
 *
 * Return: the bound in bytes; never 0.
 */
size_t p2pmig_stream_bound(struct p2pmig_device *p2p)
{
	struct p2pmig_file *f = p2p->mig.save;
	u64 bound, consumed = 0;

	lockdep_assert_held(&p2p->mig.state_mutex);
	if (f) {
		spin_lock(&f->data_lock);
		bound = f->bound;
		consumed = f->consumed;
		spin_unlock(&f->data_lock);
	} else {
		bound = P2PMIG_STREAM_HDR_LEN + p2p->backend->stream_size(p2p) +
			P2PMIG_REC_HDR_LEN;
	}
	return max_t(u64, bound - consumed, 1);
}
