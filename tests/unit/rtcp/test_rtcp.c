// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RTCP (firmware/media/rtcp.c): packets checked octet by octet, compound parsing and its
 * rejections, RFC 3550 A.1/A.3/A.8 figures against streams computed by hand, RTT from
 * LSR/DLSR (the RFC's own example), the A.7 interval.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "media/rtcp.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const struct rtcp_block blk = {
	.ssrc = 0xcafebabe, .fraction = 0x40, .lost = -3, .ext_max_seq = 0x0001ffff,
	.jitter = 123, .lsr = 0xb7052000, .dlsr = 0x00054000,
};

static void test_sr_bytes(void **state)
{
	struct rtcp_sender si = { 0x01020304, 0xe1234567890abcdeull, 0x11111111, 1000, 160000 };
	uint8_t b[128];

	memset(b, 0xee, sizeof(b));
	assert_int_equal(rtcp_put_sr(b, sizeof(b), &si, &blk, 1), 52);
	assert_int_equal(b[0], 0x81); /* V=2, P=0, RC=1 */
	assert_int_equal(b[1], 200);
	assert_int_equal(b[2] << 8 | b[3], 12); /* 52 / 4 - 1 */
	assert_int_equal(get32(b + 4), 0x01020304);
	assert_int_equal(get32(b + 8), 0xe1234567);  /* NTP seconds */
	assert_int_equal(get32(b + 12), 0x890abcde); /* NTP fraction */
	assert_int_equal(get32(b + 16), 0x11111111);
	assert_int_equal(get32(b + 20), 1000);
	assert_int_equal(get32(b + 24), 160000);
	assert_int_equal(get32(b + 28), 0xcafebabe);
	assert_int_equal(b[32], 0x40);                     /* fraction lost */
	assert_int_equal(b[33] << 16 | b[34] << 8 | b[35], 0xfffffd); /* -3 in 24 bits */
	assert_int_equal(get32(b + 36), 0x0001ffff);
	assert_int_equal(get32(b + 40), 123);
	assert_int_equal(get32(b + 44), 0xb7052000);
	assert_int_equal(get32(b + 48), 0x00054000);
	assert_int_equal(b[52], 0xee); /* nothing beyond */
	assert_int_equal(rtcp_put_sr(b, 51, &si, &blk, 1), -ENOSPC);
	assert_int_equal(rtcp_put_sr(b, sizeof(b), &si, &blk, 32), -EINVAL);
	assert_int_equal(rtcp_put_sr(b, sizeof(b), &si, NULL, 0), 28);
	assert_int_equal(b[0], 0x80);
	assert_int_equal(b[3], 6);
}

static void test_rr_sdes_bye_bytes(void **state)
{
	struct rtcp_block big = blk;
	uint8_t b[128];

	big.lost = 0x12345678; /* clamped to the 24-bit maximum */
	assert_int_equal(rtcp_put_rr(b, sizeof(b), 0x0a0b0c0d, &big, 1), 32);
	assert_int_equal(b[0], 0x81);
	assert_int_equal(b[1], 201);
	assert_int_equal(b[3], 7);
	assert_int_equal(get32(b + 4), 0x0a0b0c0d);
	assert_int_equal(get32(b + 8), 0xcafebabe);
	assert_int_equal(get32(b + 12), 0x407fffff);
	assert_int_equal(rtcp_put_rr(b, sizeof(b), 0x0a0b0c0d, NULL, 0), 8);
	assert_int_equal(b[0], 0x80);
	assert_int_equal(b[3], 1);

	/* SDES: SSRC, CNAME item, then nulls to the next 32-bit boundary (at least one) */
	memset(b, 0xee, sizeof(b));
	assert_int_equal(rtcp_put_sdes(b, sizeof(b), 0x0a0b0c0d, "hlgw@x"), 20);
	assert_int_equal(b[0], 0x81); /* SC=1 */
	assert_int_equal(b[1], 202);
	assert_int_equal(b[3], 4);
	assert_int_equal(get32(b + 4), 0x0a0b0c0d);
	assert_int_equal(b[8], 1);
	assert_int_equal(b[9], 6);
	assert_memory_equal(b + 10, "hlgw@x", 6);
	assert_int_equal(b[16] | b[17] | b[18] | b[19], 0);
	assert_int_equal(b[20], 0xee);
	assert_int_equal(rtcp_put_sdes(b, sizeof(b), 1, "ab"), 16); /* 4+4+2+2+1 -> 16 */
	assert_int_equal(rtcp_put_sdes(b, sizeof(b), 1, "abcdef"), 20); /* 4+4+2+6+1 = 17 */
	assert_int_equal(rtcp_put_sdes(b, sizeof(b), 1, "abcde"), 16);  /* 4+4+2+5+1 = 16 */
	assert_int_equal(b[15], 0);
	assert_int_equal(rtcp_put_sdes(b, sizeof(b), 1, ""), -EINVAL);
	assert_int_equal(rtcp_put_sdes(b, 15, 1, "abcde"), -ENOSPC);

	/* BYE with and without a reason */
	assert_int_equal(rtcp_put_bye(b, sizeof(b), 0x0a0b0c0d, NULL), 8);
	assert_int_equal(b[0], 0x81);
	assert_int_equal(b[1], 203);
	assert_int_equal(b[3], 1);
	assert_int_equal(get32(b + 4), 0x0a0b0c0d);
	assert_int_equal(rtcp_put_bye(b, sizeof(b), 0x0a0b0c0d, "bye"), 12);
	assert_int_equal(b[3], 2);
	assert_int_equal(b[8], 3);
	assert_memory_equal(b + 9, "bye", 3);
}

static void test_parse_compound(void **state)
{
	struct rtcp_sender si = { 0x01020304, 0x0000000180000000ull, 8000, 50, 8000 };
	struct rtcp_block two[2] = { blk, blk };
	struct rtcp_info in;
	uint8_t b[256];
	int n = 0;

	two[1].ssrc = 0x99;
	n += rtcp_put_sr(b, sizeof(b), &si, two, 2);
	n += rtcp_put_sdes(b + n, sizeof(b) - (size_t)n, 0x01020304, "advisor@198.18.0.1");
	n += rtcp_put_bye(b + n, sizeof(b) - (size_t)n, 0x01020304, "done");
	assert_int_equal(n, 76 + 32 + 16);
	assert_int_equal(rtcp_parse(&in, b, (size_t)n), 0);
	assert_true(in.sr);
	assert_int_equal(in.ssrc, 0x01020304);
	assert_int_equal(in.sender.ntp, 0x0000000180000000ull);
	assert_int_equal(in.sender.rtp_ts, 8000);
	assert_int_equal(in.sender.pkts, 50);
	assert_int_equal(in.sender.octets, 8000);
	assert_int_equal(in.nblocks, 2);
	assert_int_equal(in.block[0].ssrc, 0xcafebabe);
	assert_int_equal(in.block[0].fraction, 0x40);
	assert_int_equal(in.block[0].lost, -3);
	assert_int_equal(in.block[0].ext_max_seq, 0x0001ffff);
	assert_int_equal(in.block[0].jitter, 123);
	assert_int_equal(in.block[0].lsr, 0xb7052000);
	assert_int_equal(in.block[0].dlsr, 0x00054000);
	assert_int_equal(in.block[1].ssrc, 0x99);
	assert_true(in.has_cname);
	assert_string_equal(in.cname, "advisor@198.18.0.1");
	assert_true(in.bye);
	assert_int_equal(in.bye_ssrc, 0x01020304);

	/* by hand: RR (no blocks) + SDES with NAME before CNAME and two chunks + APP + padding */
	static const uint8_t h[] = {
		0x80, 201, 0, 1, 0, 0, 0, 7,                      /* RR from 7 */
		0x82, 202, 0, 7,                                  /* SDES, 2 chunks, 32 octets */
		0, 0, 0, 7, 2, 3, 'B', 'o', 'b', 1, 4, 'b', '@', 'h', 'x', 0, /* NAME, CNAME */
		0, 0, 0, 8, 1, 2, 'z', 'z', 0, 0, 0, 0,           /* second chunk */
		0xa0, 204, 0, 3, 0, 0, 0, 7, 'n', 'a', 'm', 'e', 0, 0, 0, 4, /* APP, padded */
	};
	assert_int_equal(rtcp_parse(&in, h, sizeof(h)), 0);
	assert_false(in.sr);
	assert_int_equal(in.ssrc, 7);
	assert_int_equal(in.nblocks, 0);
	assert_string_equal(in.cname, "b@hx");
	assert_false(in.bye);
}

static void test_parse_malformed(void **state)
{
	struct rtcp_info in;
	uint8_t b[256], t[256];
	int n, m;

	n = rtcp_put_rr(b, sizeof(b), 5, &blk, 1);
	n += rtcp_put_sdes(b + n, sizeof(b) - (size_t)n, 5, "abc");
	assert_int_equal(rtcp_parse(&in, b, (size_t)n), 0);

#define BAD(desc)                                                                  \
	do {                                                                       \
		if (rtcp_parse(&in, t, (size_t)m) != -EINVAL)                      \
			fail_msg("accepted: %s", desc);                            \
	} while (0)
	memcpy(t, b, (size_t)n);
	m = n - 4; /* the SDES is cut: its length goes beyond the compound */
	BAD("length beyond the buffer");
	m = n;
	t[3] = 8; /* RR says 36 octets: overlaps the SDES header */
	BAD("lengths do not add up");
	t[3] = 7;
	t[0] = 0x82; /* two report blocks in room for one */
	BAD("truncated report blocks");
	t[0] = 0x81;
	m = 20; /* the RR alone, cut inside its report block */
	t[3] = 4;
	BAD("report block cut");
	memcpy(t, b, (size_t)n);
	m = n;
	t[0] = 0x41; /* version 1 */
	BAD("version");
	t[0] = 0x81;
	t[32] = 0x41;
	BAD("version of the second packet");
	t[32] = 0x81;
	t[0] = 0xa1; /* padding on the first of two */
	BAD("padding not last");
	t[0] = 0x81;
	t[32] = 0xa1; /* padding count 0 on the last */
	t[n - 1] = 0;
	BAD("padding count 0");
	t[n - 1] = 13; /* more than the SDES body */
	BAD("padding beyond");
	memcpy(t, b, (size_t)n);
	t[41] = 60; /* CNAME length beyond the SDES */
	BAD("SDES item beyond");
	memcpy(t, b, (size_t)n);
	t[32] = 0x83; /* three SDES chunks, one present */
	BAD("SDES chunks beyond");
	memcpy(t, b + 32, (size_t)n - 32); /* SDES first */
	m = n - 32;
	BAD("SDES first");
	m = rtcp_put_rr(t, sizeof(t), 5, NULL, 0);
	m += rtcp_put_bye(t + m, sizeof(t) - (size_t)m, 5, "x");
	assert_int_equal(rtcp_parse(&in, t, (size_t)m), 0);
	t[16] = 9; /* reason longer than the BYE */
	BAD("BYE reason beyond");
	t[16] = 1;
	t[8] = 0x84; /* four SSRCs in the BYE */
	BAD("BYE SSRCs beyond");
	m = 6;
	BAD("not a multiple of 4");
	m = 4;
	BAD("header only");
	assert_int_equal(rtcp_parse(&in, b, 0), -EINVAL);
	assert_int_equal(rtcp_parse(&in, NULL, 8), -EINVAL);

	/* random bytes never crash the parser (memcheck-clean under valgrind) */
	uint32_t s = 99;
	for (unsigned i = 0; i < 20000; i++) {
		m = (int)(4 * (i % 40));
		for (int j = 0; j < m; j++) {
			s ^= s << 13, s ^= s >> 17, s ^= s << 5;
			t[j] = (uint8_t)s;
		}
		if (m)
			t[0] = (uint8_t)(0x80 | (t[0] & 0x3f)), t[1] = (uint8_t)(200 + (t[1] & 7));
		rtcp_parse(&in, t, (size_t)m);
	}
}

/*
 * RFC 3550 A.1 + A.3 by hand. Source valid after MIN_SEQUENTIAL = 2 in-order packets: 100
 * starts the probation, 101 ends it (base_seq = 101, received = 1).
 * Interval 1: 101 102 104 105 105(dup) 107  -> max 107, expected 107-101+1 = 7, received 6,
 *   lost 1 (the duplicate makes up for one of 103/106), fraction (1 << 8) / 7 = 36.
 * Interval 2: 108..117 -> expected 17 (10 more), received 16 (10 more), fraction 0, lost 1.
 * Interval 3: wrap 65530..65535 0..3 after a jump confirmed by two in a row: see below.
 */
static void test_loss_by_hand(void **state)
{
	static const uint16_t i1[] = { 100, 101, 102, 104, 105, 105, 107 };
	struct rtcp_src s;
	struct rtcp_block b;

	rtcp_src_init(&s, 42, 100);
	assert_int_equal(rtcp_src_update_seq(&s, 100), 0); /* on probation */
	for (unsigned i = 1; i < sizeof(i1) / sizeof(i1[0]); i++)
		assert_int_equal(rtcp_src_update_seq(&s, i1[i]), 1);
	rtcp_src_block(&s, &b, 0);
	assert_int_equal(b.ssrc, 42);
	assert_int_equal(b.ext_max_seq, 107);
	assert_int_equal(b.lost, 1);
	assert_int_equal(b.fraction, 36);
	for (uint16_t q = 108; q <= 117; q++)
		rtcp_src_update_seq(&s, q);
	rtcp_src_block(&s, &b, 0);
	assert_int_equal(b.ext_max_seq, 117);
	assert_int_equal(b.lost, 1);
	assert_int_equal(b.fraction, 0);
	/* 118..120 lost, 121 in: interval expected 4, received 1: fraction 3*256/4 = 192 */
	rtcp_src_update_seq(&s, 121);
	rtcp_src_block(&s, &b, 0);
	assert_int_equal(b.lost, 4);
	assert_int_equal(b.fraction, 192);
	/* duplicates only: more received than expected, fraction 0, cumulative 3 */
	rtcp_src_update_seq(&s, 121);
	rtcp_src_block(&s, &b, 0);
	assert_int_equal(b.lost, 3);
	assert_int_equal(b.fraction, 0);

	/* cycles: 65534 65535 0 1 -> extended 65536 + 1 */
	rtcp_src_init(&s, 43, 65533);
	rtcp_src_update_seq(&s, 65533);
	for (uint32_t q = 65534; q <= 65537; q++)
		rtcp_src_update_seq(&s, (uint16_t)q);
	rtcp_src_block(&s, &b, 0);
	assert_int_equal(b.ext_max_seq, 65537);
	assert_int_equal(b.lost, 0);
	/* a jump of 10000 is taken only when the next packet confirms it (then a new base) */
	assert_int_equal(rtcp_src_update_seq(&s, 10001), 0);
	assert_int_equal(rtcp_src_update_seq(&s, 10002), 1);
	rtcp_src_block(&s, &b, 0);
	assert_int_equal(b.ext_max_seq, 10002);
	assert_int_equal(b.lost, 0);
}

/*
 * A.8 by hand, J(i) = J(i-1) + (|D| - J(i-1)) / 16 with the scaled integer form
 * J16 += |D| - ((J16 + 8) >> 4), reported J16 >> 4:
 *   ts    arrival  transit  |D|   J16                     report
 *   0     1000     1000     -     0 (first: no D)         0
 *   160   1170     1010     10    0 + 10 - 0 = 10         0
 *   320   1320     1000     10    10 + 10 - 1 = 19        1
 *   480   1500     1020     20    19 + 20 - 1 = 38        2   (floating point: 2.385)
 *   640   1640     1000     20    38 + 20 - 2 = 56        3   (3.486)
 *   800   1960     1160     160   56 + 160 - 4 = 212      13  (13.27)
 */
static void test_jitter_by_hand(void **state)
{
	static const uint32_t ts[] = { 0, 160, 320, 480, 640, 800 };
	static const uint32_t arr[] = { 1000, 1170, 1320, 1500, 1640, 1960 };
	static const uint32_t j16[] = { 0, 10, 19, 38, 56, 212 };
	static const uint32_t rep[] = { 0, 0, 1, 2, 3, 13 };
	struct rtcp_src s;
	struct rtcp_block b;

	rtcp_src_init(&s, 1, 0);
	for (unsigned i = 0; i < 6; i++) {
		rtcp_src_jitter(&s, ts[i], arr[i]);
		assert_int_equal(s.jitter, j16[i]);
		rtcp_src_block(&s, &b, 0);
		assert_int_equal(b.jitter, rep[i]);
	}
	/* a constant |D| of 160 converges to 160 */
	for (unsigned i = 0; i < 300; i++)
		rtcp_src_jitter(&s, 1000 + 160 * i, 5000 + 160 * i + (i & 1) * 160);
	rtcp_src_block(&s, &b, 0);
	assert_in_range(b.jitter, 159, 160);
	/* the timestamp wraps: transit is modular, no jump */
	rtcp_src_init(&s, 1, 0);
	rtcp_src_jitter(&s, 0xffffff00u, 100);
	rtcp_src_jitter(&s, 0x00000060u, 100 + 0x160);
	assert_int_equal(s.jitter, 0);
}

/* RFC 3550 §6.4.1 figure: A 0xb710:8000, LSR 0xb705:2000, DLSR 0x0005:4000 -> 0x0006:2000. */
static void test_rtt_rfc_example(void **state)
{
	uint32_t rtt = 0;

	assert_int_equal(rtcp_rtt(&rtt, 0xb7108000, 0xb7052000, 0x00054000), 0);
	assert_int_equal(rtt, 0x00062000); /* 6.125 s */
	assert_int_equal(rtcp_rtt(&rtt, 0xb7108000, 0, 0), -ENODATA);
	assert_int_equal(rtcp_rtt(&rtt, 0xb7052000, 0xb7052000, 0x00054000), -ERANGE);
}

#define NTP(sec, frac16) (((uint64_t)(sec) << 32) | ((uint64_t)(frac16) << 16))

/* Two sessions with unrelated clocks: A's SR, B's RR 0.5 s later, RTT = the two paths. */
static void test_rtt_between_sessions(void **state)
{
	struct rtcp_sess a, bs;
	struct rtcp_info in;
	uint8_t buf[256];
	int n;

	assert_int_equal(rtcp_sess_init(&a, 0xaaaa, "box@198.18.0.2"), 0);
	assert_int_equal(rtcp_sess_init(&bs, 0xbbbb, "advisor@198.18.0.1"), 0);
	/* both sent RTP; each saw the other's stream (rtp_rx feeds .remote) */
	rtcp_src_init(&a.remote, 0xbbbb, 10);
	rtcp_src_init(&bs.remote, 0xaaaa, 500);
	for (uint16_t q = 10; q < 60; q++)
		rtcp_src_update_seq(&a.remote, q);
	for (uint16_t q = 500; q < 600; q++)
		if (q != 550)
			rtcp_src_update_seq(&bs.remote, q);
	for (int i = 0; i < 100; i++)
		rtcp_sess_sent(&a, 160);

	/* A at 1000.0 s sends an SR; it reaches B at B's 5000.25 s */
	n = rtcp_sess_build(&a, buf, sizeof(buf), NTP(1000, 0), 123456, false);
	assert_true(n > 0);
	assert_int_equal(rtcp_parse(&in, buf, (size_t)n), 0);
	assert_true(in.sr);
	assert_int_equal(in.sender.pkts, 100);
	assert_int_equal(in.sender.octets, 16000);
	assert_int_equal(in.sender.rtp_ts, 123456);
	assert_int_equal(in.nblocks, 1); /* about B's stream */
	assert_int_equal(in.block[0].ssrc, 0xbbbb);
	assert_int_equal(in.block[0].lsr, 0); /* no SR from B yet */
	assert_string_equal(in.cname, "box@198.18.0.2");
	assert_int_equal(rtcp_sess_input(&bs, buf, (size_t)n, NTP(5000, 0x4000)), 0);
	assert_int_equal(bs.ctr[RTCP_CTR_SR], 1);

	/* B did not send since: an RR 0.5 s later, with LSR and DLSR = 0.5 s (0x8000) */
	n = rtcp_sess_build(&bs, buf, sizeof(buf), NTP(5000, 0xc000), 0, false);
	assert_int_equal(rtcp_parse(&in, buf, (size_t)n), 0);
	assert_false(in.sr);
	assert_int_equal(in.block[0].ssrc, 0xaaaa);
	assert_int_equal(in.block[0].lsr, 0x03e80000); /* 1000.0 s, middle 32 bits */
	assert_int_equal(in.block[0].dlsr, 0x8000);
	assert_int_equal(in.block[0].lost, 1);
	assert_int_equal(in.block[0].ext_max_seq, 599);
	/* ... reaching A at 1000.875 s: 0.25 + 0.125 s on the wire */
	assert_int_equal(rtcp_sess_input(&a, buf, (size_t)n, NTP(1000, 0xe000)), 0);
	assert_true(a.have_rtt);
	assert_int_equal(a.rtt, 0x6000);
	assert_int_equal(rtcp_sess_rtt_ms(&a), 375);
	assert_true(a.have_peer_report);
	assert_int_equal(a.peer_report.lost, 1);

	/* a BYE ends it; a malformed compound is counted and changes nothing */
	n = rtcp_sess_build(&bs, buf, sizeof(buf), NTP(5001, 0), 0, true);
	assert_int_equal(rtcp_sess_input(&a, buf, (size_t)n, NTP(1001, 0)), 0);
	assert_true(a.bye);
	assert_int_equal(rtcp_sess_input(&a, buf, (size_t)n - 4, NTP(1001, 0)), -EINVAL);
	assert_int_equal(a.ctr[RTCP_CTR_RX], 2);
	assert_int_equal(a.ctr[RTCP_CTR_RX_BAD], 1);
	assert_int_equal(a.ctr[RTCP_CTR_BYE], 1);
	assert_int_equal(rtcp_sess_build(&a, buf, 40, NTP(1002, 0), 0, false), -ENOSPC);
}

/* A.7: two members at 64 kbit/s: the 5 s minimum, x [0.5, 1.5), / (e - 1.5). */
static void test_interval(void **state)
{
	assert_int_equal(rtcp_interval_ms(2, 1, 400, true, 100, false, 0), 2052);
	assert_int_equal(rtcp_interval_ms(2, 1, 400, true, 100, false, 0x80000000u), 4104);
	assert_int_equal(rtcp_interval_ms(2, 1, 400, true, 100, false, 0xffffffffu), 6155);
	assert_int_equal(rtcp_interval_ms(2, 1, 400, true, 100, true, 0x80000000u), 2052);
	/* 100 members, one sender (us): senders get a quarter of 400 octets/s: 1 * 100 / 100 s
	 * = 1 s < 5 s; a receiver shares 300 among 99: 99 * 100 / 300 = 33 s */
	assert_int_equal(rtcp_interval_ms(100, 1, 400, true, 100, false, 0x80000000u), 4104);
	assert_int_equal(rtcp_interval_ms(100, 1, 400, false, 100, false, 0x80000000u), 27087);
	assert_int_equal(rtcp_interval_ms(2, 1, 0, false, 100, false, 0x80000000u), 4104);
	/* every value lies in [2.052, 6.155] s for a call */
	struct rtcp_sess s;
	uint32_t r = 7, lo = ~0u, hi = 0;
	assert_int_equal(rtcp_sess_init(&s, 1, "x"), 0);
	for (int i = 0; i < 1000; i++) {
		uint32_t t;

		r ^= r << 13, r ^= r >> 17, r ^= r << 5;
		t = rtcp_sess_interval_ms(&s, false, r);
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	assert_in_range(lo, 2052, 2200);
	assert_in_range(hi, 6000, 6155);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sr_bytes),
		cmocka_unit_test(test_rr_sdes_bye_bytes),
		cmocka_unit_test(test_parse_compound),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_loss_by_hand),
		cmocka_unit_test(test_jitter_by_hand),
		cmocka_unit_test(test_rtt_rfc_example),
		cmocka_unit_test(test_rtt_between_sessions),
		cmocka_unit_test(test_interval),
	};

	return cmocka_run_group_tests_name("rtcp", tests, NULL, NULL);
}
