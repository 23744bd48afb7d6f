// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Caller -> advisor media unit test: the sim framer's TDM routing (RX de-interleave into
 * buffers, TX interleave from buffers) and firmware/media/rtp_tx on the real span, netif and
 * lwIP, with a fake eth_dev that records what linkoutput hands it, segment by segment. Chunks
 * go in through the sim framer's e1_sim_run_chunk() backdoor (no socket), as aligned frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <drv/eth.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/net.h>
#include <hlgw/span.h>
#include <hlgw/subsys.h>

#include "e1/e1_sim.h"
#include "media/media_buf.h"
#include "media/rtp_tx.h"

#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/udp.h"

#include "../common/eth_fake.h"

#define BOX_IP 0xc6120002u  /* 198.18.0.2 */
#define PEER_IP 0xc6120001u /* 198.18.0.1: ARP resolved in group setup */
#define PEER2_IP 0xc6120007u /* 198.18.0.7: not resolved until a test answers */
#define MASK24 0xffffff00u
#define HDRS (14 + 20 + 8 + 12) /* Ethernet, IPv4, UDP, RTP in front of the samples */

static const uint8_t peer_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
static const uint8_t peer2_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x07 };

/* ---- fake board: clock, log, sim poll --------------------------------------------------- */
uint64_t board_time_us(void)
{
	return 5000000;
}

static unsigned int log_errors;
void board_log_write(const char *buf, int len)
{
	if (strstr(buf, "ERROR") || strstr(buf, "FATAL"))
		log_errors++;
	fprintf(stderr, "log: %.*s", len, buf);
}

/* e1_sim.c's line socket is never opened here (no start) */
int sim_poll_add(int fd, short events, void (*cb)(int, short, void *), void *arg)
{
	return -ENOSYS;
}
int sim_poll_set_events(int fd, short events)
{
	return -ENOSYS;
}
void sim_poll_del(int fd)
{
}

static struct e1_framer_dev e1dev;
static struct board fake_board = { .name = "test", .eth = &eth_fake_dev, .e1 = { &e1dev },
				   .n_e1 = 1 };

/* ---- helpers ---------------------------------------------------------------------------- */
/* The sample the line carries in timeslot ts of frame f of chunk c: differs in every
 * timeslot, frame and chunk for 256 chunks, so a misplaced octet shows. */
static uint8_t sample(uint32_t c, unsigned int f, unsigned int ts)
{
	return (uint8_t)((c * 8 + f) * 13 + ts * 29 + (c >> 8) * 7 + 1);
}

static uint32_t chunk_no; /* chunks run since the start of the test program */

/* One 1 ms chunk through the framer (TDM RX, span chunk, TDM TX, done callbacks). */
static void run_chunk(uint8_t *txo)
{
	uint8_t rx[E1_CHUNK_OCTETS], scratch[E1_CHUNK_OCTETS];
	unsigned int f, ts;

	for (f = 0; f < E1_CHUNK_FRAMES; f++)
		for (ts = 0; ts < E1_TIMESLOTS; ts++)
			rx[f * E1_TIMESLOTS + ts] = sample(chunk_no, f, ts);
	assert_int_equal(e1_sim_run_chunk(&e1dev, rx, txo ? txo : scratch), 0);
	chunk_no++;
}

static void run_chunks(unsigned int n)
{
	while (n--)
		run_chunk(NULL);
}

/* Count buffers held by lwIP in a stream's ring from the buffer the stream fills. */
static struct media_buf *buf_of(const uint8_t *payload)
{
	return (struct media_buf *)(void *)((uint8_t *)payload - MEDIA_BUF_PAYLOAD_OFF -
					    offsetof(struct media_buf, mem));
}

/* ---- TDM routing -------------------------------------------------------------------------- */
struct tdm_ctx {
	unsigned int done[E1_TIMESLOTS];
	uint32_t done_chunk[E1_TIMESLOTS]; /* the chunk whose end ran the last done callback */
	bool rearm;
	uint8_t *buf[E1_TIMESLOTS];
	size_t len[E1_TIMESLOTS];
};
static struct tdm_ctx tctx;

static void tdm_rx_done(void *arg, unsigned int ts)
{
	struct tdm_ctx *c = arg;

	c->done[ts]++;
	c->done_chunk[ts] = chunk_no;
	if (c->rearm)
		assert_int_equal(
			e1_framer_tdm_rx_arm(&e1dev, ts, c->buf[ts], c->len[ts], tdm_rx_done, c), 0);
}

/* Every timeslot 1..31 armed with 10, 20 or 30 ms buffers; the buffers fill with exactly
 * the timeslot's samples in frame order across chunk boundaries, nothing lands outside them,
 * done comes once per buffer, after its last chunk, and re-arming from done loses nothing. */
static void test_tdm_rx_all_timeslots(void **state)
{
	enum { GUARD = 16, MAXB = 240 };
	static uint8_t mem[E1_TIMESLOTS][GUARD + MAXB + GUARD];
	unsigned int ts, k, f, round;
	uint32_t c0;

	memset(&tctx, 0, sizeof(tctx));
	memset(mem, 0xee, sizeof(mem));
	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		tctx.buf[ts] = mem[ts] + GUARD;
		tctx.len[ts] = 80 * (1 + ts % 3);
		assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, ts, tctx.buf[ts], tctx.len[ts],
						      tdm_rx_done, &tctx),
				 0);
	}
	tctx.rearm = false;
	c0 = chunk_no;
	for (k = 0; k < 30; k++) {
		run_chunk(NULL);
		for (ts = 1; ts < E1_TIMESLOTS; ts++) {
			unsigned int chunks = (unsigned int)tctx.len[ts] / 8;

			/* done once, right after the chunk that filled the buffer */
			assert_int_equal(tctx.done[ts], k + 1 >= chunks ? 1 : 0);
			if (k + 1 == chunks) /* in the buffer's last chunk */
				assert_int_equal(tctx.done_chunk[ts], chunk_no - 1);
		}
	}
	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		for (k = 0; k < tctx.len[ts] / 8; k++)
			for (f = 0; f < 8; f++)
				assert_int_equal(tctx.buf[ts][k * 8 + f], sample(c0 + k, f, ts));
		for (k = 0; k < GUARD; k++) {
			assert_int_equal(mem[ts][k], 0xee);
			assert_int_equal(mem[ts][GUARD + tctx.len[ts] + k], 0xee);
		}
	}
	/* re-armed from done: continuous, buffer after buffer */
	memset(&tctx.done, 0, sizeof(tctx.done));
	tctx.rearm = true;
	for (ts = 1; ts < E1_TIMESLOTS; ts++)
		assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, ts, tctx.buf[ts], tctx.len[ts],
						      tdm_rx_done, &tctx),
				 0);
	c0 = chunk_no;
	for (round = 0; round < 12; round++) {
		run_chunks(10); /* 120 chunks: 12, 6 and 4 buffers of 10/20/30 ms */
	}
	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		unsigned int chunks = (unsigned int)tctx.len[ts] / 8;

		assert_int_equal(tctx.done[ts], 120 / chunks);
		/* the last buffer holds the last chunks' samples */
		for (k = 0; k < chunks; k++)
			for (f = 0; f < 8; f++)
				assert_int_equal(tctx.buf[ts][k * 8 + f],
						 sample(c0 + 120 - chunks + k, f, ts));
	}
	/* disarmed: nothing more is written, no callback */
	for (ts = 1; ts < E1_TIMESLOTS; ts++)
		assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, ts, NULL, 0, NULL, NULL), 0);
	memset(&tctx.done, 0, sizeof(tctx.done));
	memset(mem, 0xee, sizeof(mem));
	run_chunks(40);
	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		assert_int_equal(tctx.done[ts], 0);
		for (k = 0; k < sizeof(mem[ts]); k++)
			assert_int_equal(mem[ts][k], 0xee);
	}
}

/* A few timeslots in each transpose half; the others untouched. Re-arming replaces. */
static void test_tdm_rx_some_timeslots(void **state)
{
	static uint8_t b3[160], b17[80], b31[240], other[80];
	unsigned int k, f;
	uint32_t c0;

	memset(&tctx, 0, sizeof(tctx));
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 3, b3, 160, tdm_rx_done, &tctx), 0);
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 31, b31, 240, tdm_rx_done, &tctx), 0);
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 17, other, 80, tdm_rx_done, &tctx), 0);
	run_chunks(3);
	/* replaced: the first buffer reports nothing, the second fills from now */
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 17, b17, 80, tdm_rx_done, &tctx), 0);
	c0 = chunk_no;
	run_chunks(10);
	assert_int_equal(tctx.done[17], 1);
	assert_int_equal(tctx.done_chunk[17], c0 + 9);
	for (k = 0; k < 10; k++)
		for (f = 0; f < 8; f++)
			assert_int_equal(b17[k * 8 + f], sample(c0 + k, f, 17));
	run_chunks(7);
	assert_int_equal(tctx.done[3], 1);
	assert_int_equal(tctx.done[31], 0);
	for (k = 0; k < 20; k++)
		for (f = 0; f < 8; f++)
			assert_int_equal(b3[k * 8 + f], sample(c0 - 3 + k, f, 3));
	run_chunks(10);
	assert_int_equal(tctx.done[31], 1);
	for (k = 0; k < 30; k++)
		for (f = 0; f < 8; f++)
			assert_int_equal(b31[k * 8 + f], sample(c0 - 3 + k, f, 31));
	for (k = 0; k < E1_TIMESLOTS; k++)
		if (k != 3 && k != 17 && k != 31)
			assert_int_equal(tctx.done[k], 0);
}

static void test_tdm_arm_errors(void **state)
{
	static uint8_t b[4096];

	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 0, b, 160, NULL, NULL), -EINVAL);
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 32, b, 160, NULL, NULL), -EINVAL);
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 1, b, 0, NULL, NULL), -EINVAL);
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 1, b, 12, NULL, NULL), -EINVAL);
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 1, b, 2056, NULL, NULL), -EINVAL);
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 1, NULL, 8, NULL, NULL), -EINVAL);
	assert_int_equal(e1_framer_tdm_tx_arm(&e1dev, 0, b, 160, NULL, NULL), -EINVAL);
	assert_int_equal(e1_framer_tdm_tx_arm(&e1dev, 1, b, 7, NULL, NULL), -EINVAL);
	/* the longest buffer a descriptor counts, without a callback */
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 1, b, 2048, NULL, NULL), 0);
	run_chunks(256);
	assert_int_equal(b[2047], sample(chunk_no - 1, 7, 1));
	assert_int_equal(e1_framer_tdm_rx_arm(&e1dev, 1, NULL, 0, NULL, NULL), 0);
}

struct tx_ctx {
	unsigned int done[E1_TIMESLOTS];
};
static void tdm_tx_done(void *arg, unsigned int ts)
{
	((struct tx_ctx *)arg)->done[ts]++;
}

static uint8_t tx_sample(unsigned int n, unsigned int ts)
{
	return (uint8_t)(n * 5 + ts * 11 + 3);
}

/* TX: armed timeslots send their buffers' samples frame by frame; the rest keep what the
 * chunk callback left (idle here); TS0 is the framer's. */
static void test_tdm_tx(void **state)
{
	static uint8_t src[E1_TIMESLOTS][240];
	struct tx_ctx c = { { 0 } };
	uint8_t out[E1_CHUNK_OCTETS];
	unsigned int ts, k, f, n;

	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		for (n = 0; n < 240; n++)
			src[ts][n] = tx_sample(n, ts);
		if (ts == 2 || ts == 16)
			continue; /* two left unarmed */
		assert_int_equal(e1_framer_tdm_tx_arm(&e1dev, ts, src[ts], 80 * (1 + ts % 3),
						      tdm_tx_done, &c),
				 0);
	}
	for (k = 0; k < 30; k++) {
		run_chunk(out);
		for (f = 0; f < 8; f++) {
			assert_int_equal(out[f * 32], 0xd5);
			for (ts = 1; ts < E1_TIMESLOTS; ts++) {
				bool armed = ts != 2 && ts != 16 && k < 10 * (1 + ts % 3);

				assert_int_equal(out[f * 32 + ts],
						 armed ? tx_sample(k * 8 + f, ts) : 0xd5);
			}
		}
	}
	for (ts = 1; ts < E1_TIMESLOTS; ts++)
		assert_int_equal(c.done[ts], ts == 2 || ts == 16 ? 0 : 1);
	/* one timeslot, 8 samples at a time (a jitter buffer's chunk-by-chunk source) */
	for (k = 0; k < 5; k++) {
		assert_int_equal(e1_framer_tdm_tx_arm(&e1dev, 9, src[9] + k * 8, 8, NULL, NULL), 0);
		run_chunk(out);
		for (f = 0; f < 8; f++) {
			assert_int_equal(out[f * 32 + 9], tx_sample(k * 8 + f, 9));
			assert_int_equal(out[f * 32 + 10], 0xd5);
		}
	}
}

/* ---- span ------------------------------------------------------------------------------ */
static void test_span_get_channel(void **state)
{
	struct span_chan ch;

	assert_int_equal(span_get_channel(&ch, 0, 5), 0);
	assert_ptr_equal(ch.dev, &e1dev);
	assert_int_equal(ch.ts, 5);
	assert_int_equal(span_get_channel(&ch, 0, 16), -EINVAL); /* the D-channel */
	assert_int_equal(span_get_channel(&ch, 0, 0), -EINVAL);
	assert_int_equal(span_get_channel(&ch, 0, 32), -EINVAL);
	assert_int_equal(span_get_channel(&ch, SPAN_MAX, 1), -ENODEV);
	assert_int_equal(span_get_channel(NULL, 0, 1), -EINVAL);
}

/* ---- RTP TX ---------------------------------------------------------------------------- */
static struct rtp_tx *open_stream(unsigned int ts, uint32_t dst, uint8_t ptime)
{
	struct rtp_tx_cfg cfg = { .dst_addr = dst, .dst_port = 20000 + ts * 2,
				  .src_port = 10000 + ts * 2, .ptime_ms = ptime };
	struct span_chan ch;
	struct rtp_tx *st;

	assert_int_equal(span_get_channel(&ch, 0, ts), 0);
	assert_int_equal(rtp_tx_open(&st, &ch, &cfg), 0);
	return st;
}

/* One RTP packet as sent: headers, and the payload = timeslot ts's samples of the chunks
 * from c0 on. Returns the RTP header. */
static const uint8_t *check_packet(const struct eth_fake_frame *fr, unsigned int ts, uint32_t dst,
				   const uint8_t *dst_mac, unsigned int n, uint32_t c0)
{
	const uint8_t *ip = fr->data + 14, *u = ip + 20, *r = u + 8;
	uint32_t ps = (BOX_IP >> 16) + (BOX_IP & 0xffff) + (dst >> 16) + (dst & 0xffff) + 17 +
		      8 + 12 + n;
	unsigned int k;

	assert_int_equal(fr->nseg, 1);
	assert_int_equal(fr->len, HDRS + n);
	assert_memory_equal(fr->data, dst_mac, 6);
	assert_memory_equal(fr->data + 6, eth_fake_mac, 6);
	assert_int_equal(get16(fr->data + 12), 0x0800);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(get16(ip + 2), 20 + 8 + 12 + n);
	assert_int_equal(ip[9], 17);
	assert_int_equal(eth_fake_csum(ip, 20, 0), 0);
	assert_int_equal(get32(ip + 12), BOX_IP);
	assert_int_equal(get32(ip + 16), dst);
	assert_int_equal(get16(u), 10000 + ts * 2);
	assert_int_equal(get16(u + 2), 20000 + ts * 2);
	assert_int_equal(get16(u + 4), 8 + 12 + n);
	if (get16(u + 6)) /* software checksum (0: offloaded) */
		assert_int_equal(eth_fake_csum(u, 8 + 12 + n, ps), 0);
	assert_int_equal(r[0], 0x80);
	assert_int_equal(r[1] & 0x7f, 8);
	for (k = 0; k < n; k++)
		assert_int_equal(r[12 + k], sample(c0 + k / 8, k % 8, ts));
	return r;
}

/* The hot path: 20 ms of samples go from the de-interleave to linkoutput in one buffer.
 * The segment the eth device gets is the buffer the TDM routing filled, headers in front. */
static void test_rtp_zero_copy(void **state)
{
	struct rtp_tx_stats s;
	struct rtp_tx *st;
	const uint8_t *fill, *r, *prev = NULL;
	uint32_t c0, seq0 = 0, ts0 = 0, ssrc = 0;
	unsigned int i;

	eth_fake_reset();
	st = open_stream(5, PEER_IP, 20);
	for (i = 0; i < 50; i++) {
		fill = rtp_tx_filling(st);
		assert_non_null(fill);
		c0 = chunk_no;
		run_chunks(19);
		assert_int_equal(eth_fake_ntx, i); /* not before the 20th chunk */
		run_chunk(NULL);
		assert_int_equal(eth_fake_ntx, i + 1);
		/* pointer identity: the frame starts in the very buffer the driver wrote */
		assert_ptr_equal(eth_fake_tx[i].seg[0], fill - HDRS);
		/* still there, unchanged */
		assert_memory_equal(eth_fake_tx[i].seg[0], eth_fake_tx[i].data, eth_fake_tx[i].len);
		r = check_packet(&eth_fake_tx[i], 5, PEER_IP, peer_mac, 160, c0);
		if (!i) {
			assert_int_equal(r[1], 0x80 | 8); /* marker on the first */
			seq0 = get16(r + 2);
			ts0 = get32(r + 4);
			ssrc = get32(r + 8);
		} else {
			assert_int_equal(r[1], 8);
			assert_int_equal(get16(r + 2), (uint16_t)(seq0 + i));
			assert_int_equal(get32(r + 4), ts0 + 160 * i);
			assert_int_equal(get32(r + 8), ssrc);
			/* the ring moves on: the next packet is another buffer */
			assert_ptr_not_equal(fill, prev);
		}
		prev = fill;
	}
	assert_int_equal(rtp_tx_get_stats(st, &s), 0);
	assert_int_equal(s.ssrc, ssrc);
	assert_int_equal(s.packets, 50);
	assert_int_equal(s.octets, 50 * 160);
	assert_int_equal(s.overruns, 0);
	assert_int_equal(s.send_errors, 0);
	assert_int_equal(s.copied, 0);
	rtp_tx_close(st);
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
	run_chunks(40);
	assert_int_equal(eth_fake_ntx, 50); /* closed: nothing more */
}

/* 10 and 30 ms packets: sizes and timestamp steps. */
static void test_rtp_ptime(void **state)
{
	static const uint8_t ptimes[] = { 10, 30 };
	unsigned int p, i;

	for (p = 0; p < 2; p++) {
		unsigned int n = ptimes[p] * 8;
		struct rtp_tx *st;
		uint32_t c0, ts0 = 0;

		eth_fake_reset();
		st = open_stream(7, PEER_IP, ptimes[p]);
		c0 = chunk_no;
		run_chunks(ptimes[p] * 5);
		assert_int_equal(eth_fake_ntx, 5);
		for (i = 0; i < 5; i++) {
			const uint8_t *r = check_packet(&eth_fake_tx[i], 7, PEER_IP, peer_mac, n,
							c0 + i * ptimes[p]);
			if (!i)
				ts0 = get32(r + 4);
			assert_int_equal(get32(r + 4), ts0 + n * i);
		}
		rtp_tx_close(st);
	}
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
}

/* A whole span's B-channels for 2 s: every buffer comes back, lwIP's pools too. */
static void test_rtp_all_channels(void **state)
{
	static struct rtp_tx *st[E1_TIMESLOTS];
	unsigned int ts, n = 0, i;
	struct rtp_tx_stats s;

	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		if (ts == 16)
			continue;
		st[ts] = open_stream(ts, PEER_IP, (uint8_t)(10 * (1 + ts % 3)));
		n++;
	}
	assert_int_equal(n, 30);
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT - 30 * CONFIG_MEDIA_TX_RING);
	for (i = 0; i < 2000; i++) {
		eth_fake_reset();
		run_chunk(NULL);
	}
	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		if (ts == 16)
			continue;
		assert_int_equal(rtp_tx_get_stats(st[ts], &s), 0);
		assert_int_equal(s.packets, 2000 / (10 * (1 + ts % 3)));
		assert_int_equal(s.overruns, 0);
		assert_int_equal(s.copied, 0);
		rtp_tx_close(st[ts]);
	}
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
	assert_int_equal(lwip_stats.mem.used, 0);
}

/* ARP unresolved: lwIP queues the packets by reference to our buffers (3 at most, dropping
 * the oldest). A held buffer is never refilled: the ring skips it, and with none free the
 * packet time is dropped (overrun), nothing blocks. When the reply comes, the queued packets
 * go out from those very buffers, each still holding its own period's samples. */
static void test_rtp_arp_unresolved(void **state)
{
	enum { PERIODS = 7 };
	const uint8_t *fills[PERIODS];
	uint32_t c[PERIODS];
	struct rtp_tx_stats s;
	struct rtp_tx *st;
	unsigned int i, j, sent;
	uint32_t prev_ts = 0, prev_seq = 0;
	int prev_j = -1;

	eth_fake_reset();
	st = open_stream(9, PEER2_IP, 20);
	for (i = 0; i < PERIODS; i++) {
		fills[i] = rtp_tx_filling(st);
		c[i] = chunk_no;
		/* never a buffer lwIP holds */
		if (fills[i])
			assert_false(buf_of(fills[i])->held);
		run_chunks(20);
	}
	assert_true(buf_of(fills[0])->held || buf_of(fills[1])->held);
	/* one ARP request went out, no packet */
	assert_int_equal(eth_fake_ntx, 1);
	assert_int_equal(get16(eth_fake_tx[0].data + 12), 0x0806);
	assert_int_equal(get32(eth_fake_tx[0].data + 14 + 24), PEER2_IP);
	assert_int_equal(rtp_tx_get_stats(st, &s), 0);
	assert_int_equal(s.packets + s.overruns, PERIODS);
	if (CONFIG_MEDIA_TX_RING <= 4)
		assert_true(s.overruns > 0);

	eth_fake_inject_arp(2, PEER2_IP, peer2_mac, BOX_IP);
	sent = s.packets < 3 ? s.packets : 3; /* lwIP's ARP_QUEUE_LEN */
	assert_int_equal(eth_fake_ntx, 1 + sent);
	for (i = 1; i < eth_fake_ntx; i++) {
		const uint8_t *payload = eth_fake_tx[i].seg[0] + HDRS, *r;
		struct media_buf *mb = buf_of(payload);
		int last = -1;

		/* the period that last filled this buffer */
		for (j = 0; j < PERIODS; j++)
			if (fills[j] == payload)
				last = (int)j;
		assert_true(last >= 0);
		r = check_packet(&eth_fake_tx[i], 9, PEER2_IP, peer2_mac, 160, c[last]);
		assert_ptr_equal(mb->owner, st);
		assert_false(mb->held); /* lwIP freed it after sending */
		if (prev_j >= 0) {
			assert_true(last > prev_j);
			assert_int_equal(get16(r + 2), (uint16_t)(prev_seq + 1));
			assert_int_equal(get32(r + 4), prev_ts + 160 * (uint32_t)(last - prev_j));
		}
		prev_j = last;
		prev_seq = get16(r + 2);
		prev_ts = get32(r + 4);
	}
	/* and on from here: no more overruns, packets straight out */
	eth_fake_reset();
	run_chunks(20 * (CONFIG_MEDIA_TX_RING + 2));
	assert_int_equal(eth_fake_ntx, CONFIG_MEDIA_TX_RING + 2);
	rtp_tx_get_stats(st, &s);
	assert_int_equal(s.packets + s.overruns, PERIODS + CONFIG_MEDIA_TX_RING + 2);
	assert_int_equal(s.copied, 0);
	rtp_tx_close(st);
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
}

/* Closing while lwIP holds buffers: they go back to the pool when lwIP frees them. */
static void test_rtp_close_while_held(void **state)
{
	struct rtp_tx *st;
	const uint8_t *b;
	unsigned int i;

	eth_fake_reset();
	st = open_stream(11, 0xc6120009u /* 198.18.0.9, never answers */, 20);
	b = rtp_tx_filling(st);
	run_chunks(20);
	assert_true(buf_of(b)->held);
	rtp_tx_close(st);
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT - 1);
	/* another stream can use the slot and the other buffers meanwhile */
	st = open_stream(11, PEER_IP, 20);
	run_chunks(20);
	rtp_tx_close(st);
	/* the ARP entry times out (5 requests, 1 s apart): lwIP frees the queue */
	for (i = 0; i < 20; i++)
		etharp_tmr();
	assert_false(buf_of(b)->held);
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
}

/* A stream fed by copy (no TDM routing) counts every octet it copies: the counter is live,
 * and the TDM streams above kept it at 0. */
static void test_rtp_fed_counts_copies(void **state)
{
	struct rtp_tx_cfg cfg = { .dst_addr = PEER_IP, .dst_port = 30000, .src_port = 30002,
				  .ptime_ms = 20 };
	uint8_t samples[50];
	struct rtp_tx_stats s;
	struct rtp_tx *st;
	unsigned int i;

	eth_fake_reset();
	for (i = 0; i < sizeof(samples); i++)
		samples[i] = (uint8_t)i;
	assert_int_equal(rtp_tx_open(&st, NULL, &cfg), 0);
	assert_int_equal(rtp_tx_feed(st, samples, 50), 0);
	assert_int_equal(rtp_tx_feed(st, samples, 50), 0);
	assert_int_equal(rtp_tx_feed(st, samples, 50), 0);
	assert_int_equal(eth_fake_ntx, 0);
	assert_int_equal(rtp_tx_feed(st, samples, 50), 0); /* 200: one packet, 40 over */
	assert_int_equal(eth_fake_ntx, 1);
	assert_int_equal(eth_fake_tx[0].len, HDRS + 160);
	assert_int_equal(eth_fake_tx[0].data[HDRS + 150], 0);
	assert_int_equal(eth_fake_tx[0].data[HDRS + 159], 9);
	assert_int_equal(rtp_tx_get_stats(st, &s), 0);
	assert_int_equal(s.copied, 200);
	assert_int_equal(s.packets, 1);
	rtp_tx_close(st);
}

static void test_rtp_open_errors(void **state)
{
	struct rtp_tx_cfg cfg = { .dst_addr = PEER_IP, .dst_port = 30000, .src_port = 30002,
				  .ptime_ms = 20 };
	struct span_chan ch = { .dev = &e1dev, .ts = 0 };
	struct rtp_tx *st, *st2;

	cfg.ptime_ms = 25;
	assert_int_equal(rtp_tx_open(&st, NULL, &cfg), -EINVAL);
	cfg.ptime_ms = 20;
	cfg.dst_addr = 0;
	assert_int_equal(rtp_tx_open(&st, NULL, &cfg), -EINVAL);
	cfg.dst_addr = PEER_IP;
	assert_int_equal(rtp_tx_open(&st, &ch, &cfg), -EINVAL); /* TS0: the framer refuses */
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
	assert_int_equal(rtp_tx_open(&st, NULL, &cfg), 0);
	assert_int_equal(rtp_tx_open(&st2, NULL, &cfg), -EADDRINUSE);
	ch.ts = 3;
	assert_int_equal(rtp_tx_feed(st, NULL, 3), -EINVAL);
	rtp_tx_close(st);
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
}

/* Last: nothing held by lwIP, every buffer back (timers keep their entries). */
static void test_no_leak(void **state)
{
	eth_fake_pools_idle(true);
	assert_int_equal(media_buf_available(), MEDIA_BUF_COUNT);
	assert_int_equal(log_errors, 0);
}

static int group_setup(void **state)
{
	struct net_cfg cfg = { .addr = BOX_IP, .mask = MASK24 };

	eth_fake_set_limit(64, true); /* the tests check ntx; a longer run keeps the last */
	if (hlgw_log_init() < 0)
		return -1;
	if (e1_sim_init(&e1dev, 0, "/nonexistent/e1") < 0)
		return -1;
	if (span_subsys.init(&fake_board) < 0 || net_subsys.init(&fake_board) < 0)
		return -1;
	if (net_set_cfg(&cfg) < 0 || net_subsys.start() < 0)
		return -1;
	eth_fake_inject_arp(1, PEER_IP, peer_mac, BOX_IP); /* the box learns the advisor's MAC */
	eth_fake_reset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tdm_rx_all_timeslots),
		cmocka_unit_test(test_tdm_rx_some_timeslots),
		cmocka_unit_test(test_tdm_arm_errors),
		cmocka_unit_test(test_tdm_tx),
		cmocka_unit_test(test_span_get_channel),
		cmocka_unit_test(test_rtp_zero_copy),
		cmocka_unit_test(test_rtp_ptime),
		cmocka_unit_test(test_rtp_all_channels),
		cmocka_unit_test(test_rtp_arp_unresolved),
		cmocka_unit_test(test_rtp_close_while_held),
		cmocka_unit_test(test_rtp_fed_counts_copies),
		cmocka_unit_test(test_rtp_open_errors),
		cmocka_unit_test(test_no_leak),
	};

	return cmocka_run_group_tests_name("rtp_tx", tests, group_setup, NULL);
}
