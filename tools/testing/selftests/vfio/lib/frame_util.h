/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test frames for the p2pmig selftests: an EtherType of their own, a
 * stream number and a sequence number, and a pattern that shows damage.
 */
#ifndef P2PMIG_SELFTESTS_FRAME_UTIL_H
#define P2PMIG_SELFTESTS_FRAME_UTIL_H

#include <stdint.h>

#define FRAME_ETH_P_TEST	0x88b5
#define FRAME_LEN		128	/* without a VLAN tag */
#define FRAME_MAX_SEQ		4096

/*
 * Build a frame of @stream, sequence number @seq, from @src to @dst, with
 * an 802.1Q tag for @vlan if it is not 0.  Returns its length.
 */
int make_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src,
	       uint32_t stream, uint32_t seq, uint16_t vlan);
/*
 * The sequence number of a frame of @stream (a VLAN tag is skipped), -1 if
 * it is not one, -2 if it is damaged.
 */
int check_frame(const uint8_t *f, int len, uint32_t stream);

#endif
