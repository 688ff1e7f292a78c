// SPDX-License-Identifier: GPL-2.0
/*
 * Test frames for the p2pmig selftests; see frame_util.h.
 */
#include <string.h>

#include "frame_util.h"

#define MAGIC		0x5032504d	/* "MP2P" */
#define ETH_P_8021Q	0x8100

int make_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src,
	       uint32_t stream, uint32_t seq, uint16_t vlan)
{
	uint32_t hdr[3] = { MAGIC, stream, seq };
	int i, at = 12;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan) {
		f[at++] = ETH_P_8021Q >> 8;
		f[at++] = ETH_P_8021Q & 0xff;
		f[at++] = (vlan >> 8) & 0x0f;
		f[at++] = vlan & 0xff;
	}
	f[at++] = FRAME_ETH_P_TEST >> 8;
	f[at++] = FRAME_ETH_P_TEST & 0xff;
	memcpy(f + at, hdr, sizeof(hdr));
	for (i = at + sizeof(hdr); i < FRAME_LEN + (vlan ? 4 : 0); i++)
		f[i] = (uint8_t)(seq * 7 + i - (vlan ? 4 : 0));
	return FRAME_LEN + (vlan ? 4 : 0);
}

int check_frame(const uint8_t *f, int len, uint32_t stream)
{
	uint32_t hdr[3];
	int i, tag = 0;

	if (len >= 16 && f[12] == ETH_P_8021Q >> 8 && f[13] == (ETH_P_8021Q & 0xff))
		tag = 4;
	if (len < FRAME_LEN + tag || f[12 + tag] != FRAME_ETH_P_TEST >> 8 ||
	    f[13 + tag] != (FRAME_ETH_P_TEST & 0xff))
		return -1;
	memcpy(hdr, f + 14 + tag, sizeof(hdr));
	if (hdr[0] != MAGIC || hdr[1] != stream)
		return -1;
	for (i = 14 + tag + sizeof(hdr); i < FRAME_LEN + tag; i++)
		if (f[i] != (uint8_t)(hdr[2] * 7 + i - tag))
			return -2;
	return hdr[2] < FRAME_MAX_SEQ ? (int)hdr[2] : -2;
}
