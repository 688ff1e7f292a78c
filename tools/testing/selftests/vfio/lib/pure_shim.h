/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lets p2pmig's pure sources (fsm.c, stream.c, igbvf_rec.c: fixed-width
 * types and errno values only) build in userspace.  Force-included with
 * -include.
 */
#ifndef P2PMIG_PURE_SHIM_H
#define P2PMIG_PURE_SHIM_H

#include <assert.h>
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

#ifndef GENMASK
#define GENMASK(h, l) ((~0UL << (l)) & (~0UL >> (8 * sizeof(long) - 1 - (h))))
#endif

#ifndef ETH_ALEN
#define ETH_ALEN 6
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
