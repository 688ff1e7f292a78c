/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig tracepoints: where migration time goes, per device.
 *
 *   trace-cmd record -e p2pmig ...      or
 *   echo 1 > /sys/kernel/tracing/events/p2pmig/enable
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM p2pmig

#if !defined(_P2PMIG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _P2PMIG_TRACE_H

#include <linux/device.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "p2pmig.h"

#if P2PMIG_HAVE_ASSIGN_STR_1
#define p2pmig_assign_dev(dev)	__assign_str(dev)
#else
#define p2pmig_assign_dev(dev)	__assign_str(dev, dev_name(d))
#endif

#define p2pmig_show_state(s)						\
	__print_symbolic(s, { 0, "ERROR" }, { 1, "STOP" }, { 2, "RUNNING" },	\
			 { 3, "STOP_COPY" }, { 4, "RESUMING" },		\
			 { 5, "RUNNING_P2P" }, { 6, "PRE_COPY" },		\
			 { 7, "PRE_COPY_P2P" })

/* a move between two device states: how long it took and how it ended */
DECLARE_EVENT_CLASS(p2pmig_move,
	TP_PROTO(struct device *d, u32 from, u32 to, const struct p2pmig_span *s,
		 int ret),
	TP_ARGS(d, from, to, s, ret),
	TP_STRUCT__entry(
		__string(dev, dev_name(d))
		__field(u32, from)
		__field(u32, to)
		__field(u64, ns)
		__field(int, ret)
		__field(u32, sleeps)
		__field(u32, preemptions)
		__field(u32, mmio)
		__field(u64, waited)
	),
	TP_fast_assign(
		p2pmig_assign_dev(dev);
		__entry->from = from;
		__entry->to = to;
		__entry->ns = ktime_get_ns() - s->ns;
		__entry->ret = ret;
		__entry->sleeps = current->nvcsw - s->nvcsw;
		__entry->preemptions = current->nivcsw - s->nivcsw;
		__entry->mmio = atomic_long_read(&s->p2p->mmio_ops) - s->mmio;
		__entry->waited = p2pmig_run_delay() - s->run_delay;
	),
	TP_printk("%s %s -> %s %llu ns ret=%d sleeps=%u preemptions=%u mmio=%u waited=%llu",
		  __get_str(dev), p2pmig_show_state(__entry->from),
		  p2pmig_show_state(__entry->to), __entry->ns, __entry->ret,
		  __entry->sleeps, __entry->preemptions, __entry->mmio,
		  __entry->waited)
);

/* one arc of the state machine */
DEFINE_EVENT(p2pmig_move, p2pmig_arc,
	TP_PROTO(struct device *d, u32 from, u32 to, const struct p2pmig_span *s,
		 int ret),
	TP_ARGS(d, from, to, s, ret)
);

/* a SET_STATE request, all its arcs together ("=>" where an arc has "->") */
DEFINE_EVENT_PRINT(p2pmig_move, p2pmig_set_state,
	TP_PROTO(struct device *d, u32 from, u32 to, const struct p2pmig_span *s,
		 int ret),
	TP_ARGS(d, from, to, s, ret),
	TP_printk("%s %s => %s %llu ns ret=%d sleeps=%u preemptions=%u mmio=%u waited=%llu",
		  __get_str(dev), p2pmig_show_state(__entry->from),
		  p2pmig_show_state(__entry->to), __entry->ns, __entry->ret,
		  __entry->sleeps, __entry->preemptions, __entry->mmio,
		  __entry->waited)
);

/* stream bytes through a data_fd: read (save) or written (resume) */
TRACE_EVENT(p2pmig_stream,
	TP_PROTO(struct device *d, bool save, size_t bytes, u64 total,
		 const struct p2pmig_span *s),
	TP_ARGS(d, save, bytes, total, s),
	TP_STRUCT__entry(
		__string(dev, dev_name(d))
		__field(bool, save)
		__field(size_t, bytes)
		__field(u64, total)
		__field(u64, ns)
		__field(u32, sleeps)
		__field(u32, preemptions)
		__field(u32, mmio)
		__field(u64, waited)
	),
	TP_fast_assign(
		p2pmig_assign_dev(dev);
		__entry->save = save;
		__entry->bytes = bytes;
		__entry->total = total;
		__entry->ns = ktime_get_ns() - s->ns;
		__entry->sleeps = current->nvcsw - s->nvcsw;
		__entry->preemptions = current->nivcsw - s->nivcsw;
		__entry->mmio = atomic_long_read(&s->p2p->mmio_ops) - s->mmio;
		__entry->waited = p2pmig_run_delay() - s->run_delay;
	),
	TP_printk("%s %s %zu bytes (%llu in all) %llu ns sleeps=%u preemptions=%u mmio=%u waited=%llu",
		  __get_str(dev), __entry->save ? "read" : "written",
		  __entry->bytes, __entry->total, __entry->ns, __entry->sleeps,
		  __entry->preemptions, __entry->mmio, __entry->waited)
);

/* a step of a backend inside an arc or a data_fd write (e.g. "replay") */
TRACE_EVENT(p2pmig_step,
	TP_PROTO(struct device *d, const char *what, const struct p2pmig_span *s,
		 int ret),
	TP_ARGS(d, what, s, ret),
	TP_STRUCT__entry(
		__string(dev, dev_name(d))
		__array(char, what, 16)
		__field(u64, ns)
		__field(int, ret)
		__field(u32, sleeps)
		__field(u32, preemptions)
		__field(u32, mmio)
		__field(u64, waited)
	),
	TP_fast_assign(
		p2pmig_assign_dev(dev);
		strscpy(__entry->what, what, sizeof(__entry->what));
		__entry->ns = ktime_get_ns() - s->ns;
		__entry->ret = ret;
		__entry->sleeps = current->nvcsw - s->nvcsw;
		__entry->preemptions = current->nivcsw - s->nivcsw;
		__entry->mmio = atomic_long_read(&s->p2p->mmio_ops) - s->mmio;
		__entry->waited = p2pmig_run_delay() - s->run_delay;
	),
	TP_printk("%s %s %llu ns ret=%d sleeps=%u preemptions=%u mmio=%u waited=%llu",
		  __get_str(dev), __entry->what, __entry->ns, __entry->ret, __entry->sleeps,
		  __entry->preemptions, __entry->mmio, __entry->waited)
);

/* a DMA log report (log_read_and_clear): the range asked, the bytes dirty */
TRACE_EVENT(p2pmig_log,
	TP_PROTO(struct device *d, u64 iova, u64 len, u64 dirty,
		 const struct p2pmig_span *s, int ret),
	TP_ARGS(d, iova, len, dirty, s, ret),
	TP_STRUCT__entry(
		__string(dev, dev_name(d))
		__field(u64, iova)
		__field(u64, len)
		__field(u64, dirty)
		__field(u64, ns)
		__field(int, ret)
	),
	TP_fast_assign(
		p2pmig_assign_dev(dev);
		__entry->iova = iova;
		__entry->len = len;
		__entry->dirty = dirty;
		__entry->ns = ktime_get_ns() - s->ns;
		__entry->ret = ret;
	),
	TP_printk("%s report %#llx+%#llx: %llu bytes dirty %llu ns ret=%d",
		  __get_str(dev), __entry->iova, __entry->len, __entry->dirty,
		  __entry->ns, __entry->ret)
);

/* a guest access to the trapped part of BAR0 (value as seen by the guest) */
TRACE_EVENT(p2pmig_trap,
	TP_PROTO(struct device *d, u32 off, u32 val, bool write),
	TP_ARGS(d, off, val, write),
	TP_STRUCT__entry(
		__string(dev, dev_name(d))
		__field(u32, off)
		__field(u32, val)
		__field(bool, write)
	),
	TP_fast_assign(
		p2pmig_assign_dev(dev);
		__entry->off = off;
		__entry->val = val;
		__entry->write = write;
	),
	TP_printk("%s %s %#06x %#010x", __get_str(dev),
		  __entry->write ? "write" : "read", __entry->off, __entry->val)
);

#endif /* _P2PMIG_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
