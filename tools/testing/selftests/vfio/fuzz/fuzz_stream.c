// SPDX-License-Identifier: GPL-2.0
/*
 * The stream feeding both of p2pmig's libFuzzer targets share; see
 * fuzz_stream.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_stream.h"

_Noreturn void fuzz_fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", program_invocation_short_name, what);
	abort();
}

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

int fuzz_parse(const uint8_t *data, size_t size, const struct p2pmig_parser_ops *ops,
	       void *arg, bool *policy, u8 *payload, size_t cap)
{
	static u8 copy[1 << 20];
	struct p2pmig_parser p;
	size_t pos = 0, piece, unit;
	int ret = 0, err;
	bool done;

	if (size < 2 || size - 2 > sizeof(copy))
		return -1;
	unit = 1 + data[0] % 97;
	*policy = data[1] & 1;
	if (data[1] & 2) {
		memcpy(copy, data + 2, size - 2);
		fix_checksums(copy, size - 2);
		data = copy;
	} else {
		data += 2;
	}
	size -= 2;

	p2pmig_parser_init(&p, payload, cap);
	while (pos < size) {
		piece = unit & 1 ? size - pos : unit + pos % 13;
		if (piece > size - pos)
			piece = size - pos;
		err = p2pmig_parse(&p, ops, arg, data + pos, piece);
		if (ret && err != ret)
			fuzz_fail("a failed parser changed its error");
		if (err && (err > 0 || p.state != P2PMIG_PARSE_FAILED))
			fuzz_fail("an error without the failed state");
		ret = err;
		pos += piece;
		if (p.offset > pos)
			fuzz_fail("the parser consumed more than it was given");
	}
	done = p.state == P2PMIG_PARSE_DONE;
	if (!p2pmig_parser_finish(&p) != done)
		fuzz_fail("finish() disagrees with the parser's state");
	return done;
}
