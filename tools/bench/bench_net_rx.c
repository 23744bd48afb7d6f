// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Advisor -> caller RX into the box: instructions per received 20 ms PCMA RTP frame (214
 * octets on the wire) from the Ethernet driver's RX callback (net_eth_rx: buffer, copy,
 * ethernet_input, ip4_input with header checksum, udp_input with UDP checksum) up to the entry
 * of the udp_recv callback, and the pbuf_free that gives the buffer back later (the jitter
 * buffer's). Counted by callgrind with client requests around exactly those parts.
 * Then memory: 30 streams at 50 packets/s, each holding its last H received pbufs as the
 * jitter buffer does (H = 12 for 200 ms of 20 ms packets, 33 = jbuf's cap + the packet played
 * last): buffers in use at the peak, octets they pin, frames dropped for want of a buffer.
 *
 * Run it plainly: it starts `valgrind --tool=callgrind` on itself per figure.
 * `bench_net_rx --child MODE N` is such a run. Built with NET_RX_SMALL_BUFS=0 (net_rx.mk's
 * "nosmall" variant) it shows the figures of every frame in a PBUF_POOL pbuf.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include <drv/eth.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/net.h>
#include <hlgw/subsys.h>

#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/stats.h"
#include "lwip/udp.h"

#include "net/net_int.h"
#include "cg_run.h"

#define BOX_IP 0xc6120002u  /* 198.18.0.2 */
#define PEER_IP 0xc6120001u /* 198.18.0.1 */
#define PORT 16384
#define FRAME (14 + 20 + 8 + 12 + 160)
#define STREAMS 30
#define HOLD_MAX 40
#define WARM 100

static const uint8_t box_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t peer_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

uint64_t board_time_us(void)
{
	return 1000000;
}
void board_log_write(const char *buf, int len)
{
	if (strstr(buf, "ERROR"))
		fprintf(stderr, "%.*s", len, buf);
}

static eth_rx_cb drv_rx;
static void *drv_rx_arg;
static int drv_start(const struct eth_dev *dev, eth_rx_cb rx, void *arg)
{
	drv_rx = rx;
	drv_rx_arg = arg;
	return 0;
}
static int drv_send(const struct eth_dev *dev, const void *const *seg, const size_t *seg_len,
		    unsigned int n)
{
	return 0;
}
static int drv_get_mac(const struct eth_dev *dev, uint8_t mac[6])
{
	memcpy(mac, box_mac, 6);
	return 0;
}
static const struct eth_ops drv_ops = { .start = drv_start, .send = drv_send,
					.get_mac = drv_get_mac };
static struct eth_dev drv = { .name = "bench0", .ops = &drv_ops };
static struct board brd = { .name = "bench", .eth = &drv };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t s)
{
	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)p[0] << 8;
	return s;
}
static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A 20 ms PCMA packet of stream `st` (its own source port), sequence `seq`, checksums right. */
static void mk_frame(uint8_t *f, unsigned st, uint16_t seq)
{
	uint8_t *ip = f + 14, *u = ip + 20, *r = u + 8;
	uint32_t ps;

	memcpy(f, box_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, FRAME - 14);
	put16(ip + 4, seq);
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, PEER_IP);
	put32(ip + 16, BOX_IP);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(u, (uint16_t)(20000 + 2 * st));
	put16(u + 2, PORT);
	put16(u + 4, FRAME - 34);
	put16(u + 6, 0);
	r[0] = 0x80;
	r[1] = 8;
	put16(r + 2, seq);
	put32(r + 4, (uint32_t)seq * 160u);
	put32(r + 8, 0x1000u + st);
	for (unsigned i = 0; i < 160; i++)
		r[12 + i] = (uint8_t)(0xd5 ^ (i + seq));
	ps = (PEER_IP >> 16) + (PEER_IP & 0xffff) + (BOX_IP >> 16) + (BOX_IP & 0xffff) + 17 +
	     FRAME - 34;
	put16(u + 6, fold(sum16(u, FRAME - 34, ps)));
}

enum mode { M_RX, M_FREE, M_EMPTY, M_NUM };
static const char *const mode_name[] = { "rx", "free", "empty" };
static struct pbuf *got;
static int count_on;

#define TOGGLE()                                                                           \
	do {                                                                               \
		CALLGRIND_TOGGLE_COLLECT;                                                  \
		count_on = !count_on;                                                      \
	} while (0)

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		   u16_t port)
{
	if (count_on)
		TOGGLE(); /* the udp_recv callback reached: stop counting here */
	got = p;
}

static struct udp_pcb *setup(void)
{
	struct net_cfg cfg = { .addr = BOX_IP, .mask = 0xffffff00u };
	struct udp_pcb *pcb;

	if (hlgw_log_init() < 0 || net_subsys.init(&brd) < 0 || net_set_cfg(&cfg) < 0 ||
	    net_subsys.start() < 0) {
		fprintf(stderr, "net setup failed\n");
		exit(2);
	}
	pcb = udp_new();
	if (!pcb || udp_bind(pcb, IP4_ADDR_ANY, PORT) != ERR_OK) {
		fprintf(stderr, "udp setup failed\n");
		exit(2);
	}
	udp_recv(pcb, on_udp, NULL);
	return pcb;
}

/* Callgrind child: n frames of one stream (held 12 deep as a 200 ms jitter buffer would),
 * counting the part `m` names. */
static void run(enum mode m, unsigned n)
{
	static struct pbuf *held[12];
	static uint8_t f[FRAME];
	unsigned k, h = 0;

	for (k = 0; k < WARM + n; k++) {
		int c = k >= WARM;

		mk_frame(f, 0, (uint16_t)k);
		got = NULL;
		if (m == M_RX && c)
			TOGGLE();
		if (m == M_EMPTY && c) {
			TOGGLE();
			TOGGLE();
		}
		drv_rx(drv_rx_arg, f, FRAME);
		if (count_on)
			TOGGLE(); /* not delivered: should not happen */
		if (!got) {
			fprintf(stderr, "frame %u not delivered\n", k);
			exit(2);
		}
		if (held[h]) {
			if (m == M_FREE && c)
				TOGGLE();
			pbuf_free(held[h]);
			if (m == M_FREE && c)
				TOGGLE();
		}
		held[h] = got;
		h = (h + 1) % 12;
	}
	for (h = 0; h < 12; h++)
		if (held[h])
			pbuf_free(held[h]);
}

/* 30 streams, 20 ms apart each, every stream keeping its last `hold` packets. */
static void load(unsigned hold, unsigned rounds)
{
	static struct pbuf *held[STREAMS][HOLD_MAX];
	static uint8_t f[FRAME];
	struct stats_mem *pool = lwip_stats.memp[MEMP_PBUF_POOL];
	struct net_status st0, st1;
	unsigned r, s, i, lost = 0;
	size_t pool_elem = memp_pools[MEMP_PBUF_POOL]->size;

	memset(held, 0, sizeof(held));
	net_get_status(&st0);
	pool->max = pool->used;
	for (r = 0; r < rounds; r++)
		for (s = 0; s < STREAMS; s++) {
			struct pbuf **slot = &held[s][r % hold];

			if (*slot)
				pbuf_free(*slot);
			*slot = NULL;
			mk_frame(f, s, (uint16_t)r);
			got = NULL;
			drv_rx(drv_rx_arg, f, FRAME);
			if (!got)
				lost++;
			*slot = got;
		}
	net_get_status(&st1);
	printf("  %2u held per stream: %4u small + %3u pool buffers at the peak = %7zu octets"
	       " (%zu / %zu each); %u fell back to the pool, %u of %u frames dropped\n",
	       hold, st1.rx_small_max_used, (unsigned)pool->max,
	       (size_t)st1.rx_small_max_used * NET_RX_SMALL_ELEM + (size_t)pool->max * pool_elem,
	       (size_t)NET_RX_SMALL_ELEM, pool_elem, st1.rx_small_fallback - st0.rx_small_fallback,
	       lost, rounds * STREAMS);
	for (s = 0; s < STREAMS; s++)
		for (i = 0; i < HOLD_MAX; i++)
			if (held[s][i])
				pbuf_free(held[s][i]);
}

static long long measure(const char *self, enum mode m, unsigned n)
{
	return cg_run("", self, "--child %s %u", mode_name[m], n);
}

int main(int argc, char **argv)
{
	unsigned n = 2000;
	long long rx, fr, base;

	setup();
	if (argc >= 4 && !strcmp(argv[1], "--child")) {
		for (int m = 0; m < M_NUM; m++)
			if (!strcmp(argv[2], mode_name[m]))
				run((enum mode)m, (unsigned)atoi(argv[3]));
		return 0;
	}
	if (argc >= 2)
		n = (unsigned)atoi(argv[1]);
	if (RUNNING_ON_VALGRIND) {
		fprintf(stderr, "run bench_net_rx plainly: it starts callgrind itself\n");
		return 1;
	}
	rx = measure(argv[0], M_RX, n);
	fr = measure(argv[0], M_FREE, n);
	base = measure(argv[0], M_EMPTY, n);
	if (rx < 0 || fr < 0 || base < 0) {
		fprintf(stderr, "callgrind run failed (is valgrind installed?)\n");
		return 1;
	}
	printf("  per 214-octet RTP frame: eth RX callback -> udp_recv callback %lld instructions;"
	       " the later pbuf_free %lld\n", (rx - base) / n, (fr - base) / n);
	printf("  (callgrind's count of a toggle pair, %lld, taken out)\n", base / n);
	printf("  memory to hold 30 streams' jitter buffers, %zu octets per buffer: 12 each (200 ms"
	       " of 20 ms) %zu, 33 each (jbuf's cap) %zu\n",
	       NET_RX_SMALL_BUFS ? (size_t)NET_RX_SMALL_ELEM : memp_pools[MEMP_PBUF_POOL]->size,
	       STREAMS * 12 * (NET_RX_SMALL_BUFS ? (size_t)NET_RX_SMALL_ELEM :
						   memp_pools[MEMP_PBUF_POOL]->size),
	       STREAMS * 33 * (NET_RX_SMALL_BUFS ? (size_t)NET_RX_SMALL_ELEM :
						   memp_pools[MEMP_PBUF_POOL]->size));
	load(12, 200);
	load(33, 200);
	return 0;
}
