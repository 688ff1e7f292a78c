/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lets p2pmig's pure sources (fsm.c, stream.c: fixed-width types and errno
 * values only) build in userspace.  Force-included with -include.
 */
#ifndef P2PMIG_PURE_SHIM_H
#define P2PMIG_PURE_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define u8 uint8_t
#define u16 uint16_t
#define u32 uint32_t
#define u64 uint64_t

#ifndef BIT
#define BIT(n) (1UL << (n))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
