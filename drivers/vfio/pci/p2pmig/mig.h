/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig migration core: what the VFIO glue calls.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_MIG_H
#define P2PMIG_MIG_H

#include "p2pmig.h"

struct p2pmig_out;

extern const struct vfio_migration_ops p2pmig_mig_ops;

void p2pmig_mig_init(struct p2pmig_device *p2p, u32 features);
void p2pmig_mig_release(struct p2pmig_device *p2p);
void p2pmig_mig_open(struct p2pmig_device *p2p);
void p2pmig_mig_close(struct p2pmig_device *p2p);
void p2pmig_mig_reset_done(struct p2pmig_device *p2p);
int p2pmig_mig_device_feature(struct p2pmig_device *p2p, u32 flags,
			      void __user *arg, size_t argsz);

/* file.c: data_fd sessions, called with the state mutex held */
struct p2pmig_file *p2pmig_save_open(struct p2pmig_device *p2p, bool pre_copy);
int p2pmig_save_finish(struct p2pmig_file *f);
struct p2pmig_file *p2pmig_resume_open(struct p2pmig_device *p2p);
int p2pmig_resume_finish(struct p2pmig_file *f);
struct file *p2pmig_file_get(struct p2pmig_file *f);
void p2pmig_file_end(struct p2pmig_file *f);
size_t p2pmig_stream_bound(struct p2pmig_device *p2p);

#endif /* P2PMIG_MIG_H */
