// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: p2pmig's stream parser (drivers/vfio/pci/p2pmig/stream.c,
 * built in userspace with AddressSanitizer and UBSan), fed each input in
 * pieces whose sizes the input's first bytes choose, as write() calls would
 * cut it.
 *
 * Random bytes rarely carry a right CRC, so for half of the inputs the
 * harness first recomputes the header's and each record's checksum (the
 * framing the input describes stays as it is, lengths and types included):
 * those reach the length, sequence, type and END logic behind the CRC.
 *
 * Checked on every input, besides what the sanitizers catch: records come
 * in order with a payload no longer than the parser's buffer (each byte
 * is read); a failure is sticky (the same errno for every later piece);
 * the parser never claims more bytes than it was given; finish() succeeds
 * only on a stream that reached END, and fails on one that did not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

struct fuzz_ctx {
	u32 next_seq;
	u32 sum;
	bool reject_header;
};

static void fail(const char *what)
{
	fprintf(stderr, "p2pmig_stream_fuzz: %s\n", what);
	abort();
}

static int on_header(void *arg, const struct p2pmig_stream_hdr *hdr)
{
	struct fuzz_ctx *c = arg;

	/* as the driver does for another device's stream */
	if (c->reject_header && hdr->device != 0x10ca)
		return -EINVAL;
	return 0;
}

static int on_record(void *arg, const struct p2pmig_record *rec, const u8 *payload)
{
	struct fuzz_ctx *c = arg;
	u32 i;

	/* core records the parser skips itself do not come here */
	if (rec->seq < c->next_seq)
		fail("record out of sequence");
	c->next_seq = rec->seq + 1;
	if (rec->len > P2PMIG_REC_MAX_LEN)
		fail("record longer than the parser's buffer");
	for (i = 0; i < rec->len; i++)
		c->sum += payload[i];
	if ((rec->type & P2PMIG_REC_TYPE_MASK) > P2PMIG_REC_BACKEND_BASE + 8)
		return P2PMIG_REC_UNKNOWN;
	return 0;
}

static const struct p2pmig_parser_ops ops = {
	.on_header = on_header,
	.on_record = on_record,
};

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Give the stream in @s the checksums its framing calls for. */
static void fix_checksums(u8 *s, size_t size)
{
	size_t off = P2PMIG_STREAM_HDR_LEN;
	u32 len, crc;

	if (size < P2PMIG_STREAM_HDR_LEN)
		return;
	put_le32(s + 28, p2pmig_crc32(0, s, 28));
	while (off + P2PMIG_REC_HDR_LEN <= size) {
		len = get_le32(s + off + 4);
		if (len > size - off - P2PMIG_REC_HDR_LEN)
			return;
		crc = p2pmig_crc32(0, s + off, 12);
		crc = p2pmig_crc32(crc, s + off + P2PMIG_REC_HDR_LEN, len);
		put_le32(s + off + 12, crc);
		off += P2PMIG_REC_HDR_LEN + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 payload[P2PMIG_REC_MAX_LEN];
	struct fuzz_ctx c = { 0 };
	struct p2pmig_parser p;
	size_t pos = 0, piece, unit;
	int ret = 0, err;
	bool done;

	static u8 copy[1 << 20];

	if (size < 2 || size - 2 > sizeof(copy))
		return 0;
	/* byte 0: the write() size pattern; byte 1: header policy, checksums */
	unit = 1 + data[0] % 97;
	c.reject_header = data[1] & 1;
	if (data[1] & 2) {
		memcpy(copy, data + 2, size - 2);
		fix_checksums(copy, size - 2);
		data = copy;
	} else {
		data += 2;
	}
	size -= 2;

	p2pmig_parser_init(&p, payload, sizeof(payload));
	while (pos < size) {
		piece = unit & 1 ? size - pos : unit + pos % 13;
		if (piece > size - pos)
			piece = size - pos;
		err = p2pmig_parse(&p, &ops, &c, data + pos, piece);
		if (ret && err != ret)
			fail("a failed parser changed its error");
		if (err && (err > 0 || p.state != P2PMIG_PARSE_FAILED))
			fail("an error without the failed state");
		ret = err;
		pos += piece;
		if (p.offset > pos)
			fail("the parser consumed more than it was given");
	}
	done = p.state == P2PMIG_PARSE_DONE;
	if (!p2pmig_parser_finish(&p) != done)
		fail("finish() disagrees with the parser's state");
	return 0;
}
