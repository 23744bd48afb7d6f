// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Caller -> advisor media, instructions per packet (run by tools/bench/media_tx.sh under
 * valgrind --tool=callgrind, which counts the measured functions inclusively with
 * --toggle-collect and divides by the counts this program prints).
 *
 *   bench_media_tx run CHANNELS PACKETS   CHANNELS streams of 20 ms on one sim span, every
 *       1 ms chunk through the sim framer's TDM routing (e1_sim_tdm_rx: the de-interleave)
 *       and every full buffer through rtp_tx_done (RTP header, ring, re-arm, custom pbuf,
 *       udp_sendto, linkoutput, free callback) to a fake eth_dev that only notes the segment.
 *   bench_media_tx ecan CHANNELS PACKETS TAIL_MS   the same with each channel's echo canceller
 *       (media_ecan.h, as media_chan runs it in rtp_tx's packet callback, in place in the
 *       buffer about to be sent): the line sends white-ish noise at about -15 dBm0 to the
 *       caller (the far end always active: the canceller adapts all the time) and its echo
 *       comes back 3 ms later, 6 dB down.
 *   bench_media_tx floor PACKETS   bench_floor(): a 12-octet RTP header + memcpy of 160.
 *   bench_media_tx copy PACKETS    bench_copy_send(): the same packet through a PBUF_RAM
 *       pbuf the payload is copied into (the non-zero-copy way), for comparison.
 * Prints "count N" (the divisor) and checks that every frame left from a media buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drv/eth.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/net.h>
#include <hlgw/span.h>
#include <hlgw/subsys.h>

#include "dsp/g711.h"
#include "e1/e1_sim.h"
#include "media/media_buf.h"
#include "media/media_ecan.h"
#include "media/rtp_tx.h"

#include "lwip/pbuf.h"
#include "lwip/udp.h"

#define BOX_IP 0xc6120002u  /* 198.18.0.2 */
#define PEER_IP 0xc6120001u /* 198.18.0.1 */

/* ---- board doubles ------------------------------------------------------------------------ */
uint64_t board_time_us(void)
{
	return 5000000;
}
void board_log_write(const char *buf, int len)
{
	fprintf(stderr, "%.*s", len, buf);
}
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

static const uint8_t box_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t peer_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
static eth_rx_cb fake_rx;
static void *fake_rx_arg;
static unsigned long frames, frames_in_media_bufs;
static const void **segs; /* where each frame started, checked after the run */
static unsigned long max_segs;

static int fake_start(const struct eth_dev *dev, eth_rx_cb rx, void *arg)
{
	fake_rx = rx;
	fake_rx_arg = arg;
	return 0;
}
/* A DMA MAC would take the descriptor: note the segment, nothing else. */
static int fake_send(const struct eth_dev *dev, const void *const *seg, const size_t *seg_len,
		     unsigned int n)
{
	if (frames < max_segs)
		segs[frames] = seg[0];
	frames++;
	return 0;
}
static int fake_get_mac(const struct eth_dev *dev, uint8_t mac[6])
{
	memcpy(mac, box_mac, 6);
	return 0;
}
static const struct eth_ops fake_ops = {
	.start = fake_start, .send = fake_send, .get_mac = fake_get_mac,
};
static struct eth_dev fake_eth = { .name = "fake0", .ops = &fake_ops };
static struct e1_framer_dev e1dev;
static struct board fake_board = { .name = "bench", .eth = &fake_eth, .e1 = { &e1dev },
				   .n_e1 = 1 };

static void feed_arp_request(void)
{
	uint8_t f[60] = { 0 }, *a = f + 14;

	memset(f, 0xff, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08, f[13] = 0x06;
	a[1] = 1, a[2] = 0x08, a[4] = 6, a[5] = 4, a[7] = 1;
	memcpy(a + 8, peer_mac, 6);
	a[14] = 198, a[15] = 18, a[16] = 0, a[17] = 1;
	a[24] = 198, a[25] = 18, a[26] = 0, a[27] = 2;
	fake_rx(fake_rx_arg, f, sizeof(f));
}

static int setup(void)
{
	struct net_cfg cfg = { .addr = BOX_IP, .mask = 0xffffff00u };

	if (hlgw_log_init() < 0 || e1_sim_init(&e1dev, 0, "/nonexistent/e1") < 0 ||
	    span_subsys.init(&fake_board) < 0 || net_subsys.init(&fake_board) < 0 ||
	    net_set_cfg(&cfg) < 0 || net_subsys.start() < 0)
		return -1;
	feed_arp_request();
	frames = 0;
	return 0;
}

/* ---- ecan: the line's TX samples and their echo, per timeslot ------------------------------ */
#define BENCH_RING 256
struct bench_line {
	struct media_ecan me;
	uint8_t ring[BENCH_RING]; /* sent to the caller: the canceller's reference */
	unsigned int pos;	  /* the newest chunk ends here */
};
static struct bench_line bench_lines[E1_TIMESLOTS];
static bool bench_ecan;

static void bench_pkt(void *arg, uint8_t *samples, unsigned int n, uint32_t ts)
{
	struct bench_line *l = arg;

	media_ecan_run(&l->me, samples, n, l->ring, BENCH_RING, l->pos);
}

/* One ms of the line: 8 new samples to the caller per channel, and their echo in rx. */
static void bench_line_ms(uint8_t *rx)
{
	static uint32_t rng = 1;
	unsigned int ts, f;

	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		struct bench_line *l = &bench_lines[ts];

		if (!l->me.ec)
			continue;
		for (f = 0; f < E1_CHUNK_FRAMES; f++) {
			unsigned int k = l->pos + f, e = (k + BENCH_RING - 24) % BENCH_RING;

			rng = rng * 1103515245u + 12345u;
			l->ring[k] = g711_alaw_enc((int)(rng >> 16 & 0x7fff) - 16384);
			rx[f * E1_TIMESLOTS + ts] = g711_alaw_enc(g711_alaw_dec(l->ring[e]) / 2);
		}
		l->pos = (l->pos + E1_CHUNK_FRAMES) % BENCH_RING;
	}
}

/* ---- run: the real path --------------------------------------------------------------- */
static int bench_run(unsigned int channels, unsigned int packets, int tail_ms)
{
	static struct rtp_tx *st[E1_TIMESLOTS];
	uint8_t rx[E1_CHUNK_OCTETS], txo[E1_CHUNK_OCTETS];
	unsigned long done = 0, copied = 0, ms;
	unsigned int ts, n = 0, i;

	for (ts = 1; ts < E1_TIMESLOTS && n < channels; ts++) {
		struct rtp_tx_cfg cfg = { .dst_addr = PEER_IP, .dst_port = (uint16_t)(20000 + 2 * ts),
					  .src_port = (uint16_t)(10000 + 2 * ts), .ptime_ms = 20 };
		struct span_chan ch;

		if (span_get_channel(&ch, 0, ts) < 0)
			continue;
		if (tail_ms) {
			if (media_ecan_get(&bench_lines[ts].me, tail_ms * 8, false) < 0)
				return -1;
			cfg.pkt_cb = bench_pkt;
			cfg.pkt_arg = &bench_lines[ts];
			bench_ecan = true;
		}
		if (rtp_tx_open(&st[ts], &ch, &cfg) < 0)
			return -1;
		n++;
	}
	if (n != channels)
		return -1;
	max_segs = (unsigned long)channels * packets;
	segs = calloc(max_segs, sizeof(*segs));
	if (!segs)
		return -1;
	for (ms = 0; ms < 20ul * packets; ms++) {
		for (i = 0; i < sizeof(rx); i++)
			rx[i] = (uint8_t)(ms * 7 + i);
		if (bench_ecan)
			bench_line_ms(rx);
		e1_sim_run_chunk(&e1dev, rx, txo);
	}
	for (ts = 1; ts < E1_TIMESLOTS; ts++) {
		struct rtp_tx_stats s;

		if (!st[ts] || rtp_tx_get_stats(st[ts], &s) < 0)
			continue;
		done += s.packets + s.overruns + s.send_errors;
		copied += s.copied;
		for (i = 0; i < frames && i < max_segs; i++) {
			/* the frame lies in one of this stream's buffers: Ethernet, IP, UDP and RTP
			 * headers right before the samples */
			const uint8_t *payload = (const uint8_t *)segs[i] + 54;
			const struct media_buf *mb = (const void *)(payload - MEDIA_BUF_PAYLOAD_OFF -
							offsetof(struct media_buf, mem));

			if (mb->owner == st[ts])
				frames_in_media_bufs++;
		}
		rtp_tx_close(st[ts]);
		if (bench_lines[ts].me.ec) {
			struct ecan_stats es;

			ecan_get_stats(&es, bench_lines[ts].me.ec);
			if (ts == 1)
				printf("ecan ts 1: ERL %.1f dB ERLE %.1f dB\n", es.erl_db, es.erle_db);
			media_ecan_put(&bench_lines[ts].me);
		}
	}
	printf("channels %u packets %lu frames %lu zero_copy_frames %lu copied %lu\n", n, done,
	       frames, frames_in_media_bufs, copied);
	printf("count %lu deint_count %lu\n", done, ms * n / 20);
	return frames == done && frames_in_media_bufs == done && !copied ? 0 : 1;
}

/* ---- the floor: header + copy of the samples ------------------------------------------- */
/* external, so that the compiler keeps the stores and cannot know the source */
uint8_t bench_floor_buf[256];
uint8_t bench_floor_src[160];

__attribute__((noinline)) void bench_floor(uint16_t seq, uint32_t ts)
{
	uint8_t *h = bench_floor_buf;

	h[0] = 0x80;
	h[1] = 8;
	h[2] = (uint8_t)(seq >> 8);
	h[3] = (uint8_t)seq;
	h[4] = (uint8_t)(ts >> 24);
	h[5] = (uint8_t)(ts >> 16);
	h[6] = (uint8_t)(ts >> 8);
	h[7] = (uint8_t)ts;
	h[8] = 0x12, h[9] = 0x34, h[10] = 0x56, h[11] = 0x78;
	__builtin_memcpy(h + 12, bench_floor_src, 160);
}

/* ---- the copying way: PBUF_RAM from lwIP's heap, payload copied in ------------------------ */
static struct udp_pcb *copy_pcb;

__attribute__((noinline)) void bench_copy_send(uint16_t seq, uint32_t ts)
{
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 12 + 160, PBUF_RAM);
	ip_addr_t dst;
	uint8_t *h;

	if (!p)
		return;
	h = p->payload;
	h[0] = 0x80;
	h[1] = 8;
	h[2] = (uint8_t)(seq >> 8);
	h[3] = (uint8_t)seq;
	h[4] = (uint8_t)(ts >> 24);
	h[5] = (uint8_t)(ts >> 16);
	h[6] = (uint8_t)(ts >> 8);
	h[7] = (uint8_t)ts;
	h[8] = 0x12, h[9] = 0x34, h[10] = 0x56, h[11] = 0x78;
	__builtin_memcpy(h + 12, bench_floor_src, 160);
	ip_addr_set_ip4_u32(&dst, lwip_htonl(PEER_IP));
	udp_sendto(copy_pcb, p, &dst, 20000);
	pbuf_free(p);
}

int main(int argc, char **argv)
{
	unsigned int packets, i;

	if (argc < 3)
		goto usage;
	if (setup() < 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	if (!strcmp(argv[1], "run") && argc == 4)
		return bench_run((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]), 0);
	if (!strcmp(argv[1], "ecan") && argc == 5 && atoi(argv[4]) > 0)
		return bench_run((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]),
				 atoi(argv[4]));
	packets = (unsigned int)atoi(argv[2]);
	if (!strcmp(argv[1], "floor")) {
		for (i = 0; i < packets; i++)
			bench_floor((uint16_t)i, i * 160);
		printf("count %u\n", packets);
		return 0;
	}
	if (!strcmp(argv[1], "copy")) {
		copy_pcb = udp_new();
		if (!copy_pcb || udp_bind(copy_pcb, IP4_ADDR_ANY, 10000) != ERR_OK)
			return 1;
		for (i = 0; i < packets; i++)
			bench_copy_send((uint16_t)i, i * 160);
		printf("count %u frames %lu\n", packets, frames);
		return frames == packets ? 0 : 1;
	}
usage:
	fprintf(stderr, "usage: %s run CHANNELS PACKETS | ecan CHANNELS PACKETS TAIL_MS | "
		"floor PACKETS | copy PACKETS\n", argv[0]);
	return 2;
}
