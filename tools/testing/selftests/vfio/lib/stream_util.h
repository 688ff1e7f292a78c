/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2pmig streams taken apart and put back together, for tests that damage
 * or mutate them (the framing is rebuilt with the driver's stream.c, so
 * checksums and sequence numbers stay valid).
 */
#ifndef P2PMIG_SELFTESTS_STREAM_UTIL_H
#define P2PMIG_SELFTESTS_STREAM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/pure_shim.h"
#include "stream.h"

#define STREAM_UTIL_MAX_RECS	16
#define STREAM_UTIL_MAX_PAYLOAD	2048

struct rec {
	uint16_t type;
	uint32_t len;
	uint8_t payload[STREAM_UTIL_MAX_PAYLOAD];
};

struct parsed {
	struct p2pmig_stream_hdr hdr;
	struct rec rec[STREAM_UTIL_MAX_RECS];
	int n;		/* records before END */
};

/* Split a valid stream into header fields and records (END dropped): 0, or -1. */
int split(const uint8_t *s, size_t len, struct parsed *p);
/* Encode @p (with an END record if @end); returns the length. */
size_t build(uint8_t *out, const struct parsed *p, bool end);
/* Insert a record of @len bytes of 0x3c at @at. */
void insert_rec(struct parsed *p, int at, uint16_t type, uint32_t len);
/* The index of the first record of @type, or -1. */
int find_rec(const struct parsed *p, uint16_t type);

#endif
