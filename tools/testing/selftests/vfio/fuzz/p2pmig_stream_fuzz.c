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

#include "fuzz_stream.h"
#include "stream.h"

struct fuzz_ctx {
	u32 next_seq;
	u32 sum;
	bool reject_header;
};

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
		fuzz_fail("record out of sequence");
	c->next_seq = rec->seq + 1;
	if (rec->len > P2PMIG_REC_MAX_LEN)
		fuzz_fail("record longer than the parser's buffer");
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 payload[P2PMIG_REC_MAX_LEN];
	struct fuzz_ctx c = { 0 };

	fuzz_parse(data, size, &ops, &c, &c.reject_header, payload, sizeof(payload));
	return 0;
}
