// SPDX-License-Identifier: GPL-2.0
/*
 * p2pmig streams taken apart and put back together (see stream_util.h).
 */
#include <string.h>

#include "stream_util.h"

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

int split(const uint8_t *s, size_t len, struct parsed *p)
{
	size_t off = P2PMIG_STREAM_HDR_LEN;

	memset(p, 0, sizeof(*p));
	p->hdr.vendor = le16(s + 8);
	p->hdr.device = le16(s + 10);
	p->hdr.backend_version = le16(s + 12);
	p->hdr.flags = le32(s + 16);
	while (off + P2PMIG_REC_HDR_LEN <= len && p->n < STREAM_UTIL_MAX_RECS) {
		struct rec *r = &p->rec[p->n];

		r->type = le16(s + off);
		r->len = le32(s + off + 4);
		if (r->type == P2PMIG_REC_END)
			return 0;
		if (r->len > sizeof(r->payload) || off + P2PMIG_REC_HDR_LEN + r->len > len)
			return -1;
		memcpy(r->payload, s + off + P2PMIG_REC_HDR_LEN, r->len);
		off += P2PMIG_REC_HDR_LEN + r->len;
		p->n++;
	}
	return -1;
}

size_t build(uint8_t *out, const struct parsed *p, bool end)
{
	size_t len = p2pmig_stream_put_header(out, &p->hdr);
	int i;

	for (i = 0; i < p->n; i++)
		len += p2pmig_stream_put_record(out + len, p->rec[i].type, i,
						p->rec[i].payload, p->rec[i].len);
	if (end)
		len += p2pmig_stream_put_record(out + len, P2PMIG_REC_END, i, NULL, 0);
	return len;
}

void insert_rec(struct parsed *p, int at, uint16_t type, uint32_t len)
{
	memmove(&p->rec[at + 1], &p->rec[at], (p->n - at) * sizeof(p->rec[0]));
	p->rec[at].type = type;
	p->rec[at].len = len;
	memset(p->rec[at].payload, 0x3c, len);
	p->n++;
}

int find_rec(const struct parsed *p, uint16_t type)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->rec[i].type == type)
			return i;
	return -1;
}
