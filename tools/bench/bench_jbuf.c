// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Instructions per 20 ms PCMA packet on the advisor → caller path: rtp_rx_input() (header
 * checks, RTCP statistics, jitter buffer insert, the caller's pbuf_free) and the 20
 * jbuf_read_ms()s of 8 samples that play it. Counted by callgrind (client requests switch the
 * collection on around exactly those calls); the pbuf allocation and filling stand for the
 * netif and are not counted. Anchor (the issue): RX <= 1,200 instructions per packet.
 *
 * Run it plainly: it runs itself under `valgrind --tool=callgrind` once per figure and
 * prints the results (valgrind must be installed). `bench_jbuf --child MODE N` is that run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include "lwip/init.h"
#include "lwip/pbuf.h"

#include "media/jbuf.h"
#include "media/rtcp.h"
#include "media/rtp_rx.h"
#include "cg_run.h"

/* lwIP port stubs: the bench links lwIP without firmware/net */
uint32_t sys_now(void)
{
	return 0;
}
void net_port_assert(const char *msg, const char *file, int line)
{
	fprintf(stderr, "lwIP assert %s at %s:%d\n", msg, file, line);
	exit(2);
}
void net_port_diag(const char *fmt, ...)
{
}
uint32_t net_port_rand(void)
{
	return 4;
}

enum mode { M_ALL, M_RX, M_READ, M_JITTER, M_EMPTY, M_NUM };
static const char *const mode_name[] = { "all", "rx", "read", "jitter", "empty" };

#define PKT 160
#define WARM 200 /* packets before counting: the buffer in steady state */

static struct pbuf *mk(uint16_t seq, uint32_t ts)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, RTP_HDR_LEN + PKT, PBUF_POOL);
	uint8_t *b;

	if (!p) {
		fprintf(stderr, "pbuf pool empty\n");
		exit(2);
	}
	b = p->payload;
	b[0] = 0x80;
	b[1] = RTP_PT_PCMA;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[4] = (uint8_t)(ts >> 24);
	b[5] = (uint8_t)(ts >> 16);
	b[6] = (uint8_t)(ts >> 8);
	b[7] = (uint8_t)ts;
	b[8] = 0x12, b[9] = 0x34, b[10] = 0x56, b[11] = 0x78;
	for (unsigned i = 0; i < PKT; i++)
		b[RTP_HDR_LEN + i] = (uint8_t)((ts + i) * 37u | 0x40) ^ 0x55;
	return p;
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static volatile uint8_t sink;
static int *arr;

static int by_arrival(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return arr[x] != arr[y] ? arr[x] - arr[y] : x - y;
}

#define COUNT_ON(c)                                                                        \
	do {                                                                               \
		if (c)                                                                     \
			CALLGRIND_TOGGLE_COLLECT;                                          \
	} while (0)

/* One run: WARM + n packets; counts (under callgrind) only the part that mode names. */
static void run(enum mode m, unsigned n)
{
	static struct jbuf jb;
	static struct rtp_rx rx;
	static struct rtcp_src src;
	uint8_t ts_out[8];
	uint32_t seed = 1;
	unsigned total = WARM + n;

	jbuf_init(&jb, NULL);
	rtp_rx_init(&rx, NULL, &jb, &src);
	if (m == M_EMPTY) { /* what the 21 toggle pairs per packet count by themselves */
		for (unsigned k = 0; k < n; k++)
			for (int i = 0; i < 21; i++) {
				COUNT_ON(true);
				sink ^= ts_out[0];
				COUNT_ON(true);
			}
	} else if (m != M_JITTER) { /* in order: one packet, then the 20 reads that play 20 ms */
		bool crx = m == M_ALL || m == M_RX, crd = m == M_ALL || m == M_READ;

		for (unsigned k = 0; k < total; k++) {
			struct pbuf *p = mk((uint16_t)k, k * PKT);
			bool c = k >= WARM;

			COUNT_ON(c && crx);
			rtp_rx_input(&rx, p, jb.clock);
			pbuf_free(p);
			COUNT_ON(c && crx);
			for (int i = 0; i < 20; i++) {
				COUNT_ON(c && crd);
				jbuf_read_ms(&jb, ts_out);
				COUNT_ON(c && crd);
				sink ^= ts_out[7];
			}
		}
	} else { /* arrival 40 ms + [-30, +30] ms, so reordered when they cross; per ms the
		  * packets due, then one read; n packets' worth of time counted */
		int *order = calloc(total, sizeof(*order));
		unsigned next = 0;

		arr = calloc(total, sizeof(*arr));
		for (unsigned k = 0; k < total; k++) {
			arr[k] = (int)(20 * k + 40) + (int)(rnd(&seed) % 61) - 30;
			order[k] = (int)k;
		}
		qsort(order, total, sizeof(*order), by_arrival);
		for (unsigned ms = 0; ms < 20 * total; ms++) {
			bool c = ms >= 20 * WARM;

			while (next < total && arr[order[next]] == (int)ms) {
				unsigned j = (unsigned)order[next++];
				struct pbuf *p = mk((uint16_t)j, j * PKT);

				COUNT_ON(c);
				rtp_rx_input(&rx, p, jb.clock);
				pbuf_free(p);
				COUNT_ON(c);
			}
			COUNT_ON(c);
			jbuf_read_ms(&jb, ts_out);
			COUNT_ON(c);
			sink ^= ts_out[7];
		}
		free(order);
		free(arr);
	}
	jbuf_flush(&jb);
}

static long long measure(const char *self, enum mode m, unsigned n)
{
	return cg_run("", self, "--child %s %u", mode_name[m], n);
}

int main(int argc, char **argv)
{
	unsigned n = 1000;
	long long all, rxi, rd, jit, base;
	struct timespec t0, t1;

	lwip_init();
	if (argc >= 4 && !strcmp(argv[1], "--child")) {
		for (int m = 0; m < M_NUM; m++)
			if (!strcmp(argv[2], mode_name[m]))
				run((enum mode)m, (unsigned)atoi(argv[3]));
		return 0;
	}
	if (argc >= 2)
		n = (unsigned)atoi(argv[1]);
	if (RUNNING_ON_VALGRIND) {
		fprintf(stderr, "run bench_jbuf plainly: it starts callgrind itself\n");
		return 1;
	}
	all = measure(argv[0], M_ALL, n);
	rxi = measure(argv[0], M_RX, n);
	rd = measure(argv[0], M_READ, n);
	jit = measure(argv[0], M_JITTER, n);
	base = measure(argv[0], M_EMPTY, n);
	if (all < 0 || rxi < 0 || rd < 0 || jit < 0 || base < 0) {
		fprintf(stderr, "callgrind run failed (is valgrind installed?)\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(M_ALL, 20000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* the toggles' own cost (client requests and the call around them) taken out */
	base /= 21;
	printf("  per 20 ms packet, in order: %lld instructions = rtp_rx_input (RTP checks, RTCP "
	       "statistics, jbuf insert, pbuf_free) %lld + 20 x jbuf_read_ms %lld (%lld each)\n",
	       (all - 21 * base) / n, (rxi - base) / n, (rd - 20 * base) / n,
	       (rd - 20 * base) / n / 20);
	printf("  per 20 ms packet, +-30 ms jitter (reordering, adaptation): %lld instructions\n",
	       (jit - 21 * base) / n);
	printf("  (callgrind's count of the toggles themselves, %lld per call, taken out)\n",
	       base / n);
	printf("  host time, in order: %.0f ns per packet\n",
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (WARM + 20000));
	return 0;
}
