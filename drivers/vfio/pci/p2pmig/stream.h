/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2pmig migration stream: layout, writer helpers and an incremental parser.
 * The layout is described at the top of stream.c.
 *
 * Pure code: fixed-width types and errno values only, so the same source
 * builds into the module and into userspace tests and fuzzers.
 *
 * Copyright (C) 2026 The p2pmig authors
 */
#ifndef P2PMIG_STREAM_H
#define P2PMIG_STREAM_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/bits.h>
#endif

#define P2PMIG_STREAM_MAGIC		0x474d5032	/* "2PMG" read as le32 */
#define P2PMIG_STREAM_VERSION		1
#define P2PMIG_STREAM_HDR_LEN		32
#define P2PMIG_REC_HDR_LEN		16

/* record types: the core's below 0x100, a backend's from 0x100 up */
#define P2PMIG_REC_END			0x0001
#define P2PMIG_REC_BACKEND_BASE		0x0100
#define P2PMIG_REC_OPTIONAL		0x8000	/* may be skipped if unknown */
#define P2PMIG_REC_TYPE_MASK		0x7fff

/* no record payload is larger; a resume file needs one buffer this big */
#define P2PMIG_REC_MAX_LEN		(64 * 1024)

/* header flags */
#define P2PMIG_STREAM_F_PRE_COPY	BIT(0)	/* source was in PRE_COPY */

/**
 * struct p2pmig_stream_hdr - the decoded stream header
 * @version: stream format version (P2PMIG_STREAM_VERSION when written)
 * @vendor: PCI vendor ID of the source device
 * @device: PCI device ID of the source device
 * @backend_version: version of the backend's record layouts
 * @flags: P2PMIG_STREAM_F_*
 */
struct p2pmig_stream_hdr {
	u16 version;
	u16 vendor;
	u16 device;
	u16 backend_version;
	u32 flags;
};

/**
 * struct p2pmig_record - a decoded record header
 * @type: record type, P2PMIG_REC_OPTIONAL bit included
 * @seq: position of the record in the stream, counted from 0
 * @len: payload length in bytes
 */
struct p2pmig_record {
	u16 type;
	u32 seq;
	u32 len;
};

/* @why_arg of a parser error that has no number to go with it */
#define P2PMIG_NO_ARG			(~0ULL)

/* what the parser's on_record callback returns for a type it does not know */
#define P2PMIG_REC_UNKNOWN		1

/**
 * struct p2pmig_parser_ops - what the parser calls as the stream arrives
 * @on_header: the header is complete and self-consistent; return 0 to go
 *	on, or a negative errno (device or version mismatch) to reject it
 * @on_record: a record is complete and its checksum is right; return 0,
 *	P2PMIG_REC_UNKNOWN, or a negative errno to reject the stream
 *
 * Both set the parser's error text (p2pmig_parser_fail()) when they fail.
 */
struct p2pmig_parser_ops {
	int (*on_header)(void *ctx, const struct p2pmig_stream_hdr *hdr);
	int (*on_record)(void *ctx, const struct p2pmig_record *rec,
			 const u8 *payload);
};

enum p2pmig_parse_state {
	P2PMIG_PARSE_HEADER,
	P2PMIG_PARSE_REC_HDR,
	P2PMIG_PARSE_PAYLOAD,
	P2PMIG_PARSE_DONE,
	P2PMIG_PARSE_FAILED,
};

/**
 * struct p2pmig_parser - incremental parser state
 * @state: what the next byte belongs to
 * @have: bytes of the current header or payload received so far
 * @offset: bytes of stream consumed
 * @next_seq: sequence number the next record must carry
 * @rec: the record whose payload is arriving
 * @rec_crc: the checksum its header announced
 * @hdr: the decoded stream header
 * @head: the stream header or a record header, as it arrives
 * @buf: room for one record payload
 * @buf_len: size of @buf; payloads longer than this are rejected
 * @err: first error (sticky), 0 if none
 * @why: what was wrong, for the log
 * @why_arg: a number that goes with @why (a type, a length, a count), or
 *	P2PMIG_NO_ARG
 */
struct p2pmig_parser {
	enum p2pmig_parse_state state;
	u32 have;
	u64 offset;
	u32 next_seq;
	struct p2pmig_record rec;
	u32 rec_crc;
	struct p2pmig_stream_hdr hdr;
	u8 head[P2PMIG_STREAM_HDR_LEN];
	u8 *buf;
	u32 buf_len;
	int err;
	const char *why;
	u64 why_arg;
};

u32 p2pmig_crc32(u32 crc, const void *data, size_t len);

size_t p2pmig_stream_put_header(u8 *out, const struct p2pmig_stream_hdr *hdr);
size_t p2pmig_stream_put_record(u8 *out, u16 type, u32 seq,
				const void *payload, u32 len);

void p2pmig_parser_init(struct p2pmig_parser *p, u8 *buf, u32 buf_len);
int p2pmig_parser_fail(struct p2pmig_parser *p, int err, const char *why,
		       u64 why_arg);
int p2pmig_parse(struct p2pmig_parser *p, const struct p2pmig_parser_ops *ops,
		 void *ctx, const u8 *data, size_t len);
int p2pmig_parser_finish(const struct p2pmig_parser *p);

#endif /* P2PMIG_STREAM_H */
