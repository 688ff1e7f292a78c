// SPDX-License-Identifier: GPL-2.0
/*
 * The migration stream's writer and incremental parser
 * (drivers/vfio/pci/p2pmig/stream.c, built here from the same source):
 * any split of the input parses the same, records are delivered the moment
 * they are complete, and every malformed stream is rejected with the
 * documented errno.  Runs on the build host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "stream.h"

#define T_A		(P2PMIG_REC_BACKEND_BASE + 1)
#define T_B		(P2PMIG_REC_BACKEND_BASE + 2)
#define T_UNKNOWN	(P2PMIG_REC_BACKEND_BASE + 0x77)
#define MAX_RECS	16
#define BUF_LEN		4096

struct sink {
	int headers;
	int n;
	u16 type[MAX_RECS];
	u32 len[MAX_RECS];
	u8 first[MAX_RECS];
	u64 delivered_at[MAX_RECS];	/* parser offset at delivery */
	struct p2pmig_parser *p;
	int reject_header;
};

static int on_header(void *ctx, const struct p2pmig_stream_hdr *hdr)
{
	struct sink *s = ctx;

	s->headers++;
	return s->reject_header ? -EINVAL : 0;
}

static int on_record(void *ctx, const struct p2pmig_record *rec, const u8 *payload)
{
	struct sink *s = ctx;
	u16 type = rec->type & P2PMIG_REC_TYPE_MASK;

	if (type != T_A && type != T_B)
		return P2PMIG_REC_UNKNOWN;
	if (s->n < MAX_RECS) {
		s->type[s->n] = type;
		s->len[s->n] = rec->len;
		s->first[s->n] = rec->len ? payload[0] : 0;
		s->delivered_at[s->n] = s->p->offset;
	}
	s->n++;
	return 0;
}

static const struct p2pmig_parser_ops ops = {
	.on_header = on_header,
	.on_record = on_record,
};

/* stream builder */
struct stream {
	u8 data[8192];
	size_t len;
	u32 seq;
	size_t rec_end[MAX_RECS];	/* offset just past each record */
	int nrec;
};

static void put_hdr(struct stream *st, u16 vendor)
{
	struct p2pmig_stream_hdr h = {
		.vendor = vendor, .device = 0x10ca, .backend_version = 1,
	};

	st->len = p2pmig_stream_put_header(st->data, &h);
	st->seq = 0;
	st->nrec = 0;
}

static void put_rec(struct stream *st, u16 type, u32 len, u8 fill)
{
	u8 payload[2048];

	memset(payload, fill, sizeof(payload));
	st->len += p2pmig_stream_put_record(st->data + st->len, type, st->seq++,
					    payload, len);
	st->rec_end[st->nrec++] = st->len;
}

static void put_end(struct stream *st)
{
	put_rec(st, P2PMIG_REC_END, 0, 0);
}

/* A typical stream: header, A, optional unknown, B, END. */
static void typical(struct stream *st)
{
	put_hdr(st, 0x8086);
	put_rec(st, T_A, 40, 0xa1);
	put_rec(st, T_UNKNOWN | P2PMIG_REC_OPTIONAL, 9, 0xee);
	put_rec(st, T_B, 1000, 0xb2);
	put_end(st);
}

struct run {
	struct p2pmig_parser p;
	struct sink s;
	u8 buf[BUF_LEN];
	int parse_ret;
	int finish_ret;
};

/* Parse @st cut at the offsets in @cuts (ascending), then finish. */
static void run_cuts(struct run *r, const u8 *data, size_t len,
		     const size_t *cuts, int ncuts)
{
	size_t from = 0;
	int i, ret = 0;

	memset(&r->s, 0, sizeof(r->s));
	p2pmig_parser_init(&r->p, r->buf, sizeof(r->buf));
	r->s.p = &r->p;
	for (i = 0; i <= ncuts && !ret; i++) {
		size_t to = i < ncuts ? cuts[i] : len;

		ret = p2pmig_parse(&r->p, &ops, &r->s, data + from, to - from);
		from = to;
	}
	r->parse_ret = ret;
	r->finish_ret = p2pmig_parser_finish(&r->p);
}

static void run_whole(struct run *r, const u8 *data, size_t len)
{
	run_cuts(r, data, len, NULL, 0);
}

static struct run r;
static struct stream st;

TEST(crc32_matches_the_standard_check_value)
{
	EXPECT_EQ(0xcbf43926u, p2pmig_crc32(0, "123456789", 9));
	/* incremental equals one-shot */
	EXPECT_EQ(p2pmig_crc32(0, "123456789", 9),
		  p2pmig_crc32(p2pmig_crc32(0, "1234", 4), "56789", 5));
}

TEST(whole_stream_delivers_known_records_in_order)
{
	typical(&st);
	run_whole(&r, st.data, st.len);
	EXPECT_EQ(0, r.parse_ret);
	EXPECT_EQ(0, r.finish_ret);
	EXPECT_EQ(1, r.s.headers);
	ASSERT_EQ(2, r.s.n);
	EXPECT_EQ(T_A, r.s.type[0]);
	EXPECT_EQ(40, r.s.len[0]);
	EXPECT_EQ(0xa1, r.s.first[0]);
	EXPECT_EQ(T_B, r.s.type[1]);
	EXPECT_EQ(1000, r.s.len[1]);
	EXPECT_EQ(0xb2, r.s.first[1]);
}

TEST(every_two_piece_split_parses_the_same)
{
	size_t cut;

	typical(&st);
	for (cut = 0; cut <= st.len; cut++) {
		run_cuts(&r, st.data, st.len, &cut, 1);
		ASSERT_EQ(0, r.parse_ret) TH_LOG("cut at %zu", cut);
		ASSERT_EQ(0, r.finish_ret) TH_LOG("cut at %zu", cut);
		ASSERT_EQ(2, r.s.n) TH_LOG("cut at %zu", cut);
		ASSERT_EQ(T_B, r.s.type[1]);
	}
}

TEST(byte_by_byte_and_random_splits_parse_the_same)
{
	size_t cuts[8192];
	int i, n, trial;

	typical(&st);
	for (i = 0; i < (int)st.len - 1; i++)
		cuts[i] = i + 1;
	run_cuts(&r, st.data, st.len, cuts, st.len - 1);
	EXPECT_EQ(0, r.parse_ret);
	EXPECT_EQ(0, r.finish_ret);
	EXPECT_EQ(2, r.s.n);

	srandom(1);
	for (trial = 0; trial < 500; trial++) {
		size_t at = 0;

		for (n = 0; n < 8; n++) {
			at += 1 + random() % 400;
			if (at >= st.len)
				break;
			cuts[n] = at;
		}
		run_cuts(&r, st.data, st.len, cuts, n);
		ASSERT_EQ(0, r.finish_ret) TH_LOG("trial %d", trial);
		ASSERT_EQ(2, r.s.n) TH_LOG("trial %d", trial);
	}
}

/* switchover-ack relies on this: a record acts before write() returns */
TEST(record_is_delivered_by_the_call_with_its_last_byte)
{
	size_t end_a;

	typical(&st);
	end_a = st.rec_end[0];
	memset(&r.s, 0, sizeof(r.s));
	p2pmig_parser_init(&r.p, r.buf, sizeof(r.buf));
	r.s.p = &r.p;
	ASSERT_EQ(0, p2pmig_parse(&r.p, &ops, &r.s, st.data, end_a - 1));
	EXPECT_EQ(0, r.s.n);
	ASSERT_EQ(0, p2pmig_parse(&r.p, &ops, &r.s, st.data + end_a - 1, 1));
	ASSERT_EQ(1, r.s.n);
	EXPECT_EQ(end_a, r.s.delivered_at[0]);
}

TEST(every_truncation_fails_at_finish_with_einval)
{
	size_t len;

	typical(&st);
	for (len = 0; len < st.len; len++) {
		run_whole(&r, st.data, len);
		ASSERT_EQ(0, r.parse_ret) TH_LOG("prefix %zu", len);
		ASSERT_EQ(-EINVAL, r.finish_ret) TH_LOG("prefix %zu", len);
	}
}

/* Asking for the end too early is not a rejection: the rest still parses. */
TEST(finish_on_an_incomplete_stream_leaves_it_open)
{
	size_t cut;

	typical(&st);
	for (cut = 0; cut < st.len; cut++) {
		memset(&r.s, 0, sizeof(r.s));
		p2pmig_parser_init(&r.p, r.buf, sizeof(r.buf));
		r.s.p = &r.p;
		ASSERT_EQ(0, p2pmig_parse(&r.p, &ops, &r.s, st.data, cut));
		ASSERT_EQ(-EINVAL, p2pmig_parser_finish(&r.p)) TH_LOG("cut %zu", cut);
		ASSERT_EQ(-EINVAL, p2pmig_parser_finish(&r.p)) TH_LOG("cut %zu", cut);
		ASSERT_EQ(0, p2pmig_parse(&r.p, &ops, &r.s, st.data + cut, st.len - cut))
			TH_LOG("cut %zu", cut);
		ASSERT_EQ(0, p2pmig_parser_finish(&r.p)) TH_LOG("cut %zu", cut);
		ASSERT_EQ(2, r.s.n);
	}
}

TEST(every_flipped_bit_is_rejected)
{
	size_t byte;
	int bit;

	typical(&st);
	for (byte = 0; byte < st.len; byte++) {
		for (bit = 0; bit < 8; bit++) {
			st.data[byte] ^= 1 << bit;
			run_whole(&r, st.data, st.len);
			st.data[byte] ^= 1 << bit;
			ASSERT_NE(0, r.finish_ret) TH_LOG("byte %zu bit %d", byte, bit);
			ASSERT_TRUE(r.finish_ret == -EINVAL || r.finish_ret == -EOPNOTSUPP)
				TH_LOG("byte %zu bit %d: %d", byte, bit, r.finish_ret);
		}
	}
}

TEST(unknown_mandatory_record_is_eopnotsupp)
{
	put_hdr(&st, 0x8086);
	put_rec(&st, T_A, 4, 1);
	put_rec(&st, T_UNKNOWN, 4, 2);
	put_end(&st);
	run_whole(&r, st.data, st.len);
	EXPECT_EQ(-EOPNOTSUPP, r.parse_ret);
	EXPECT_EQ(-EOPNOTSUPP, r.finish_ret);
	EXPECT_EQ(1, r.s.n);
	EXPECT_NE(NULL, r.p.why);
}

TEST(unknown_core_record_below_backend_range_is_eopnotsupp)
{
	put_hdr(&st, 0x8086);
	put_rec(&st, 0x0042, 4, 1);
	put_end(&st);
	run_whole(&r, st.data, st.len);
	EXPECT_EQ(-EOPNOTSUPP, r.finish_ret);
}

TEST(bytes_after_the_end_record_are_rejected)
{
	typical(&st);
	st.data[st.len++] = 0;
	run_whole(&r, st.data, st.len);
	EXPECT_EQ(-EINVAL, r.parse_ret);
	EXPECT_EQ(-EINVAL, r.finish_ret);
}

TEST(record_larger_than_the_buffer_is_rejected)
{
	u8 small[64];

	put_hdr(&st, 0x8086);
	put_rec(&st, T_A, 65, 1);
	put_end(&st);
	memset(&r.s, 0, sizeof(r.s));
	r.s.p = &r.p;
	p2pmig_parser_init(&r.p, small, sizeof(small));
	EXPECT_EQ(-EINVAL, p2pmig_parse(&r.p, &ops, &r.s, st.data, st.len));
	EXPECT_EQ(0, r.s.n);
}

TEST(header_with_wrong_magic_version_or_flags_is_rejected)
{
	struct p2pmig_stream_hdr h = { .vendor = 0x8086, .device = 0x10ca };
	u8 *d = st.data;
	u32 crc;
	int i;

	for (i = 0; i < 3; i++) {
		p2pmig_stream_put_header(d, &h);
		if (i == 0)
			d[0] ^= 0xff;			/* magic */
		else if (i == 1)
			d[4] = P2PMIG_STREAM_VERSION + 1;	/* version */
		else
			d[19] = 0x80;			/* flags */
		crc = p2pmig_crc32(0, d, 28);
		memcpy(d + 28, &crc, 4);		/* a valid checksum */
		run_whole(&r, d, P2PMIG_STREAM_HDR_LEN);
		EXPECT_EQ(-EINVAL, r.parse_ret) TH_LOG("case %d", i);
		EXPECT_EQ(0, r.s.headers) TH_LOG("case %d", i);
	}
}

TEST(header_rejected_by_its_user_stops_the_stream)
{
	typical(&st);
	memset(&r.s, 0, sizeof(r.s));
	r.s.reject_header = 1;
	r.s.p = &r.p;
	p2pmig_parser_init(&r.p, r.buf, sizeof(r.buf));
	EXPECT_EQ(-EINVAL, p2pmig_parse(&r.p, &ops, &r.s, st.data, st.len));
	EXPECT_EQ(0, r.s.n);
	/* and stays rejected */
	EXPECT_EQ(-EINVAL, p2pmig_parse(&r.p, &ops, &r.s, st.data, 1));
}

TEST(records_out_of_sequence_are_rejected)
{
	put_hdr(&st, 0x8086);
	put_rec(&st, T_A, 4, 1);
	st.seq++;				/* a record went missing */
	put_rec(&st, T_B, 4, 2);
	put_end(&st);
	run_whole(&r, st.data, st.len);
	EXPECT_EQ(-EINVAL, r.finish_ret);
	EXPECT_EQ(1, r.s.n);
}

TEST(end_record_with_payload_is_rejected)
{
	put_hdr(&st, 0x8086);
	put_rec(&st, P2PMIG_REC_END, 4, 0);
	run_whole(&r, st.data, st.len);
	EXPECT_EQ(-EINVAL, r.finish_ret);
}

/* Random damage, cut at random places: never a crash, never a success. */
TEST(random_damage_is_always_rejected_the_same_way_when_split)
{
	static u8 copy[8192];
	struct run whole;
	size_t cuts[4];
	int trial, k, n;

	typical(&st);
	srandom(2);
	for (trial = 0; trial < 3000; trial++) {
		memcpy(copy, st.data, st.len);
		n = 1 + random() % 4;
		for (k = 0; k < n; k++)
			copy[random() % st.len] ^= 1 + random() % 255;
		if (!memcmp(copy, st.data, st.len))
			continue;
		run_whole(&whole, copy, st.len);
		for (k = 0; k < 4; k++)
			cuts[k] = (k + 1) * st.len / 5 + random() % 7;
		run_cuts(&r, copy, st.len, cuts, 4);
		ASSERT_NE(0, whole.finish_ret) TH_LOG("trial %d", trial);
		ASSERT_EQ(whole.finish_ret, r.finish_ret) TH_LOG("trial %d", trial);
	}
}

TEST_HARNESS_MAIN
