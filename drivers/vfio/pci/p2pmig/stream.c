// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2pmig migration stream: what data_fd carries from source to destination.
 *
 * All fields are little-endian.  A stream is one header, then records, the
 * last of which is an END record; nothing may follow it.
 *
 *  Stream header, 32 bytes
 *  +------+-------------------+--------------------------------------------+
 *  | off  | field             |                                            |
 *  +------+-------------------+--------------------------------------------+
 *  |   0  | magic       le32  | P2PMIG_STREAM_MAGIC                        |
 *  |   4  | version     le16  | format version, P2PMIG_STREAM_VERSION      |
 *  |   6  | hdr_len     le16  | 32                                         |
 *  |   8  | vendor      le16  | PCI vendor ID of the source device         |
 *  |  10  | device      le16  | PCI device ID of the source device         |
 *  |  12  | be_version  le16  | version of the backend's record layouts    |
 *  |  14  | reserved    le16  | 0                                          |
 *  |  16  | flags       le32  | P2PMIG_STREAM_F_*, unknown bits rejected   |
 *  |  20  | reserved    8     | 0                                          |
 *  |  28  | crc         le32  | CRC-32 of bytes 0..27                      |
 *  +------+-------------------+--------------------------------------------+
 *
 *  Record, 16 bytes of header then len bytes of payload
 *  +------+-------------------+--------------------------------------------+
 *  |   0  | type        le16  | bit 15: optional; below 0x100: the core's; |
 *  |      |                   | from 0x100: the device backend's           |
 *  |   2  | flags       le16  | 0                                          |
 *  |   4  | len         le32  | payload length, at most P2PMIG_REC_MAX_LEN |
 *  |   8  | seq         le32  | 0 for the first record, then +1 each       |
 *  |  12  | crc         le32  | CRC-32 of bytes 0..11 and the payload      |
 *  |  16  | payload     len   | type-specific                              |
 *  +------+-------------------+--------------------------------------------+
 *
 * The END record (type 1) has no payload.  A reader skips a record with an
 * unknown type if it is optional and rejects the stream otherwise.  The
 * sequence numbers catch lost, repeated or reordered chunks that happen to
 * keep each record intact.
 *
 * The source writes the header and the backend's "initial" records first
 * (what the destination can act on while the source still runs), then any
 * "dirty" records (updates to initial data), then the final device state
 * and END.  The parser takes input cut at any byte boundary and hands each
 * record to its user the moment its last byte arrives.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#include <linux/errno.h>
#include <linux/string.h>

#include "stream.h"

#define HDR_CRC_OFF	28
#define REC_CRC_OFF	12

static void put_le16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_le32(u8 *p, u32 v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

static u16 get_le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 get_le32(const u8 *p)
{
	return get_le16(p) | (u32)get_le16(p + 2) << 16;
}

/**
 * p2pmig_crc32() - CRC-32 (IEEE 802.3, reflected) of a buffer
 * @crc: 0 to start, or the result over the preceding bytes
 * @data: bytes to add
 * @len: how many
 *
 * Return: the CRC so far.
 */
u32 p2pmig_crc32(u32 crc, const void *data, size_t len)
{
	const u8 *p = data;
	int bit;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/**
 * p2pmig_stream_put_header() - encode a stream header
 * @out: P2PMIG_STREAM_HDR_LEN bytes
 * @hdr: what to encode (@hdr->version is ignored: this writes the current one)
 *
 * Return: bytes written.
 */
size_t p2pmig_stream_put_header(u8 *out, const struct p2pmig_stream_hdr *hdr)
{
	memset(out, 0, P2PMIG_STREAM_HDR_LEN);
	put_le32(out, P2PMIG_STREAM_MAGIC);
	put_le16(out + 4, P2PMIG_STREAM_VERSION);
	put_le16(out + 6, P2PMIG_STREAM_HDR_LEN);
	put_le16(out + 8, hdr->vendor);
	put_le16(out + 10, hdr->device);
	put_le16(out + 12, hdr->backend_version);
	put_le32(out + 16, hdr->flags);
	put_le32(out + HDR_CRC_OFF, p2pmig_crc32(0, out, HDR_CRC_OFF));
	return P2PMIG_STREAM_HDR_LEN;
}

/**
 * p2pmig_stream_put_record() - encode one record
 * @out: P2PMIG_REC_HDR_LEN + @len bytes
 * @type: record type
 * @seq: its sequence number
 * @payload: @len bytes (may be NULL if @len is 0)
 * @len: payload length
 *
 * Return: bytes written.
 */
size_t p2pmig_stream_put_record(u8 *out, u16 type, u32 seq,
				const void *payload, u32 len)
{
	u32 crc;

	put_le16(out, type);
	put_le16(out + 2, 0);
	put_le32(out + 4, len);
	put_le32(out + 8, seq);
	if (len)
		memcpy(out + P2PMIG_REC_HDR_LEN, payload, len);
	crc = p2pmig_crc32(0, out, REC_CRC_OFF);
	crc = p2pmig_crc32(crc, out + P2PMIG_REC_HDR_LEN, len);
	put_le32(out + REC_CRC_OFF, crc);
	return P2PMIG_REC_HDR_LEN + len;
}

/**
 * p2pmig_parser_init() - start parsing a new stream
 * @p: parser
 * @buf: room for the largest payload accepted
 * @buf_len: its size
 */
void p2pmig_parser_init(struct p2pmig_parser *p, u8 *buf, u32 buf_len)
{
	memset(p, 0, sizeof(*p));
	p->state = P2PMIG_PARSE_HEADER;
	p->buf = buf;
	p->buf_len = buf_len;
}

/**
 * p2pmig_parser_fail() - reject the stream
 * @p: parser
 * @err: negative errno to report from now on
 * @why: what was wrong (a string constant)
 * @why_arg: a number that goes with @why, or P2PMIG_NO_ARG
 *
 * The first failure sticks: later calls keep the first reason.
 *
 * Return: the parser's error.
 */
int p2pmig_parser_fail(struct p2pmig_parser *p, int err, const char *why,
		       u64 why_arg)
{
	if (p->state != P2PMIG_PARSE_FAILED) {
		p->state = P2PMIG_PARSE_FAILED;
		p->err = err;
		p->why = why;
		p->why_arg = why_arg;
	}
	return p->err;
}

static int parse_header(struct p2pmig_parser *p,
			const struct p2pmig_parser_ops *ops, void *ctx)
{
	const u8 *h = p->head;
	unsigned int i;

	if (get_le32(h) != P2PMIG_STREAM_MAGIC)
		return p2pmig_parser_fail(p, -EINVAL, "not a p2pmig stream, magic",
					  get_le32(h));
	if (get_le32(h + HDR_CRC_OFF) != p2pmig_crc32(0, h, HDR_CRC_OFF))
		return p2pmig_parser_fail(p, -EINVAL, "stream header checksum mismatch",
					  get_le32(h + HDR_CRC_OFF));
	p->hdr.version = get_le16(h + 4);
	if (p->hdr.version != P2PMIG_STREAM_VERSION)
		return p2pmig_parser_fail(p, -EINVAL, "unsupported stream format version",
					  p->hdr.version);
	if (get_le16(h + 6) != P2PMIG_STREAM_HDR_LEN)
		return p2pmig_parser_fail(p, -EINVAL, "bad stream header length",
					  get_le16(h + 6));
	for (i = 20; i < HDR_CRC_OFF; i++)
		if (h[i])
			return p2pmig_parser_fail(p, -EINVAL,
						  "reserved stream header byte set", i);
	if (get_le16(h + 14))
		return p2pmig_parser_fail(p, -EINVAL, "reserved stream header byte set", 14);
	p->hdr.vendor = get_le16(h + 8);
	p->hdr.device = get_le16(h + 10);
	p->hdr.backend_version = get_le16(h + 12);
	p->hdr.flags = get_le32(h + 16);
	if (p->hdr.flags & ~P2PMIG_STREAM_F_PRE_COPY)
		return p2pmig_parser_fail(p, -EINVAL, "unknown stream header flags",
					  p->hdr.flags);

	if (ops->on_header) {
		int ret = ops->on_header(ctx, &p->hdr);

		if (ret && !p->err)
			p2pmig_parser_fail(p, ret, "stream header rejected", P2PMIG_NO_ARG);
		if (ret)
			return p->err;
	}
	p->state = P2PMIG_PARSE_REC_HDR;
	p->have = 0;
	return 0;
}

static int parse_rec_header(struct p2pmig_parser *p)
{
	const u8 *h = p->head;

	p->rec.type = get_le16(h);
	p->rec.len = get_le32(h + 4);
	p->rec.seq = get_le32(h + 8);
	p->rec_crc = get_le32(h + REC_CRC_OFF);
	if (get_le16(h + 2))
		return p2pmig_parser_fail(p, -EINVAL, "record flags set", get_le16(h + 2));
	if (p->rec.seq != p->next_seq)
		return p2pmig_parser_fail(p, -EINVAL, "record out of sequence, seq",
					  p->rec.seq);
	if (p->rec.len > p->buf_len || p->rec.len > P2PMIG_REC_MAX_LEN)
		return p2pmig_parser_fail(p, -EINVAL, "record too large, bytes:",
					  p->rec.len);
	if ((p->rec.type & P2PMIG_REC_TYPE_MASK) == P2PMIG_REC_END && p->rec.len)
		return p2pmig_parser_fail(p, -EINVAL, "end record with payload, bytes",
					  p->rec.len);
	p->state = P2PMIG_PARSE_PAYLOAD;
	p->have = 0;
	return 0;
}

static int dispatch_record(struct p2pmig_parser *p,
			   const struct p2pmig_parser_ops *ops, void *ctx)
{
	u16 type = p->rec.type & P2PMIG_REC_TYPE_MASK;
	bool optional = p->rec.type & P2PMIG_REC_OPTIONAL;
	u32 crc;
	int ret;

	crc = p2pmig_crc32(0, p->head, REC_CRC_OFF);
	crc = p2pmig_crc32(crc, p->buf, p->rec.len);
	if (crc != p->rec_crc)
		return p2pmig_parser_fail(p, -EINVAL, "record checksum mismatch, seq",
					  p->rec.seq);
	p->next_seq++;
	p->state = P2PMIG_PARSE_REC_HDR;
	p->have = 0;

	if (type == P2PMIG_REC_END) {
		p->state = P2PMIG_PARSE_DONE;
		return 0;
	}
	if (type < P2PMIG_REC_BACKEND_BASE)
		ret = P2PMIG_REC_UNKNOWN;
	else
		ret = ops->on_record(ctx, &p->rec, p->buf);
	if (ret == P2PMIG_REC_UNKNOWN) {
		if (optional)
			return 0;
		return p2pmig_parser_fail(p, -EOPNOTSUPP,
					  "unknown mandatory record type", type);
	}
	if (ret)
		return p->err ? p->err :
		       p2pmig_parser_fail(p, ret, "record rejected, type", type);
	return 0;
}

/* Move up to @want - p->have bytes into @dst; returns bytes taken. */
static size_t take(struct p2pmig_parser *p, u8 *dst, u32 want,
		   const u8 *data, size_t len)
{
	size_t n = want - p->have;

	if (n > len)
		n = len;
	memcpy(dst + p->have, data, n);
	p->have += n;
	p->offset += n;
	return n;
}

/**
 * p2pmig_parse() - feed stream bytes to the parser
 * @p: parser
 * @ops: callbacks for the header and each record
 * @ctx: passed to @ops
 * @data: the next bytes of the stream
 * @len: how many; any split of a stream into calls parses the same
 *
 * Every record whose last byte is in @data has been handed to
 * @ops->on_record when this returns.
 *
 * Return: 0, or the (sticky) negative errno of the first problem found.
 */
int p2pmig_parse(struct p2pmig_parser *p, const struct p2pmig_parser_ops *ops,
		 void *ctx, const u8 *data, size_t len)
{
	size_t n;
	int ret;

	while (len) {
		switch (p->state) {
		case P2PMIG_PARSE_HEADER:
			n = take(p, p->head, P2PMIG_STREAM_HDR_LEN, data, len);
			if (p->have == P2PMIG_STREAM_HDR_LEN) {
				ret = parse_header(p, ops, ctx);
				if (ret)
					return ret;
			}
			break;
		case P2PMIG_PARSE_REC_HDR:
			n = take(p, p->head, P2PMIG_REC_HDR_LEN, data, len);
			if (p->have == P2PMIG_REC_HDR_LEN) {
				ret = parse_rec_header(p);
				if (!ret && !p->rec.len)
					ret = dispatch_record(p, ops, ctx);
				if (ret)
					return ret;
			}
			break;
		case P2PMIG_PARSE_PAYLOAD:
			n = take(p, p->buf, p->rec.len, data, len);
			if (p->have == p->rec.len) {
				ret = dispatch_record(p, ops, ctx);
				if (ret)
					return ret;
			}
			break;
		case P2PMIG_PARSE_DONE:
			return p2pmig_parser_fail(p, -EINVAL,
						  "bytes after the end record:", len);
		default:
			return p->err;
		}
		data += n;
		len -= n;
	}
	return p->state == P2PMIG_PARSE_FAILED ? p->err : 0;
}

/**
 * p2pmig_parser_finish() - the stream should be complete now: is it?
 * @p: parser
 *
 * An incomplete stream is not an invalid one: the parser's state is left
 * as it is, so that the rest of the stream may still arrive.
 *
 * Return: 0 if the END record arrived, the (sticky) error of a rejected
 * stream, or -EINVAL if the stream is incomplete (@p->state says where it
 * stopped: inside the header, or before the END record).
 */
int p2pmig_parser_finish(const struct p2pmig_parser *p)
{
	switch (p->state) {
	case P2PMIG_PARSE_DONE:
		return 0;
	case P2PMIG_PARSE_FAILED:
		return p->err;
	default:
		return -EINVAL;
	}
}
