// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Issue 3 benchmark: how many channels the sim box carries on one core before it misses its
 * 1 ms deadline (target >= 240, 8 E1 spans, echo cancellation off).
 *
 * The box in-process, built with tools/bench/capacity/defconfig (8 spans, 248 streams): the
 * span, isdn and net subsystems over 8 sim framer devices (e1_sim's ops without the line
 * socket) and tests/unit/common's fake Ethernet device. Each channel is a media_chan as call
 * control opens it, sending to and receiving from an advisor at 198.18.0.1.
 *
 * One turn is what the box does per 1 ms: per span the soft framer's RX block (G.704 with
 * CRC-4), the span's chunk (D-channel HDLC, TDM de-interleave into the channels' buffers, the
 * advisor's audio out of the jitter buffers), the framer's TX block; the RTP packets that
 * arrive in that ms handed to the Ethernet driver's RX (one per channel per 20 ms, spread over
 * the 20 ms); osmocom timers and the subsystems' work (lwIP input, RTP out, RTCP). The telco's
 * side (its framer making the line's blocks) and the building of the advisor's frames are not
 * timed. The thread's CPU time per turn on one pinned CPU (CLOCK_THREAD_CPUTIME_ID): a turn
 * over 1 ms is a missed deadline; turns over 1 ms of wall time are counted beside it (the
 * host's other processes preempt the sim, a real board's loop has the core to itself). The
 * "framer chip" figures leave the soft framer out, as a board with a
 * hardware framer would.
 *
 *   bench_capacity [SECONDS] [--ecan TAIL_MS]   (default 5 s of line time per channel count;
 *       --ecan: every span's echo canceller on with that tail, one per channel from the
 *       pool, as calls take them; the advisors' audio is a steady square wave, so the
 *       cancellers adapt all the time: their worst case. The calls start 1 ms apart, as
 *       calls do at random times: otherwise every canceller's 8 ms block would fall in the
 *       same turn)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/timer.h>

#include <drv/e1_framer.h>
#include <drv/eth.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/media.h>
#include <hlgw/net.h>
#include <hlgw/span.h>
#include <hlgw/subsys.h>

#include "e1/e1_sim.h"
#include "e1/g704.h"
#include "../../tests/unit/common/eth_fake.h"
#include "box_doubles.h"

#define BOX_IP 0xc6120002u  /* 198.18.0.2 */
#define PEER_IP 0xc6120001u /* 198.18.0.1: the advisors */
#define MASK24 0xffffff00u
#define SPANS CONFIG_E1_SPANS
#define CHANS_MAX (SPANS * 30 < CONFIG_MEDIA_TX_STREAMS ? SPANS * 30 : CONFIG_MEDIA_TX_STREAMS)
#define DEADLINE_NS 1000000
#define RTP_LEN (12 + 160)

static const uint8_t peer_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* ---- framer devices: e1_sim behind shims (tools/bench/box_doubles) ---------------- */
static struct e1_framer_dev e1real[SPANS], e1shim[SPANS];

static struct board bench_board = { .name = "bench", .eth = &eth_fake_dev, .n_e1 = SPANS,
				    .pcap_dir = "" };

static const struct hlgw_subsys *const subs[] = {
	&span_subsys, &isdn_subsys, &net_subsys, NULL,
};

/* the line, per span: the telco's framer (untimed) and the box's soft framer (timed) */
static struct g704_tx telco_tx[SPANS], box_tx[SPANS];
static struct g704_rx box_rx[SPANS];
static uint8_t line_in[SPANS][E1_CHUNK_OCTETS];

/* ---- the advisors' RTP ---------------------------------------------------------------- */
static struct media_chan *chan[CHANS_MAX];
static uint16_t chan_port[CHANS_MAX];
static uint16_t adv_seq[CHANS_MAX];
static uint8_t adv_frame[CHANS_MAX][42 + RTP_LEN];
static unsigned long tx_frames;

static void on_send(struct eth_fake_frame *f)
{
	tx_frames++;
}

/* The advisor's frame for channel k, its header at sequence number seq (payload fixed). */
static void adv_frame_update(unsigned int k)
{
	uint8_t *fr = adv_frame[k], *rtp = fr + 42;
	uint16_t seq = adv_seq[k]++;
	uint32_t ts = (uint32_t)seq * 160u;

	rtp[2] = (uint8_t)(seq >> 8);
	rtp[3] = (uint8_t)seq;
	rtp[4] = (uint8_t)(ts >> 24);
	rtp[5] = (uint8_t)(ts >> 16);
	rtp[6] = (uint8_t)(ts >> 8);
	rtp[7] = (uint8_t)ts;
	eth_fake_ip_hdr(fr + 14, 20 + 8 + RTP_LEN, seq, 0, 17, PEER_IP, BOX_IP);
}

static void adv_frame_init(unsigned int k)
{
	uint8_t *fr = adv_frame[k], *rtp = fr + 42;
	unsigned int i;

	eth_fake_eth_hdr(fr, eth_fake_mac, peer_mac, 0x0800);
	put16(fr + 34, (uint16_t)(20000 + 2 * k)); /* the advisor's RTP port */
	put16(fr + 36, chan_port[k]);
	put16(fr + 38, 8 + RTP_LEN);
	put16(fr + 40, 0); /* no UDP checksum */
	rtp[0] = 0x80;
	rtp[1] = 8;
	rtp[8] = 0x11;
	rtp[9] = 0x22;
	rtp[10] = 0x33;
	rtp[11] = (uint8_t)k;
	for (i = 0; i < 160; i++) /* a 1 kHz-ish square at a modest level */
		rtp[12 + i] = (i & 4) ? 0xa5 : 0x25;
	adv_seq[k] = 1000;
	adv_frame_update(k);
}

/* ---- one 1 ms turn ------------------------------------------------------------------- */
static uint64_t now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The telco's line blocks for this ms: idle A-law, a tone-ish pattern on the B-channels. */
static void telco_blocks(unsigned int ms)
{
	unsigned int s, f, t;

	for (s = 0; s < SPANS; s++) {
		uint8_t *b = line_in[s];

		for (f = 0; f < E1_CHUNK_FRAMES; f++)
			for (t = 1; t < E1_TIMESLOTS; t++)
				b[f * E1_TIMESLOTS + t] = (uint8_t)((ms + f) & 2 ? 0xa5 : 0x25);
		g704_tx_chunk(&telco_tx[s], b);
	}
}

/* One turn; returns its CPU time in ns (*wall: its wall time). The frames of the advisors
 * due this ms: n_ch. */
static uint64_t turn(unsigned int ms, unsigned int n_ch, bool soft_framer, uint64_t *wall)
{
	uint8_t out[E1_CHUNK_OCTETS], txb[E1_CHUNK_OCTETS];
	const struct hlgw_subsys *const *sub;
	unsigned int s, k;
	uint64_t t0, w0, t;

	telco_blocks(ms);
	for (k = ms % 20; k < n_ch; k += 20)
		adv_frame_update(k);
	w0 = now_ns(CLOCK_MONOTONIC);
	t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	for (s = 0; s < SPANS; s++) {
		if (soft_framer) {
			g704_rx_block(&box_rx[s], line_in[s], out);
			e1_sim_run_chunk(&e1real[s], out, txb);
			g704_tx_chunk(&box_tx[s], txb);
		} else {
			e1_sim_run_chunk(&e1real[s], line_in[s], txb);
		}
	}
	for (k = ms % 20; k < n_ch; k += 20)
		eth_fake_inject(adv_frame[k], sizeof(adv_frame[k]));
	osmo_timers_prepare();
	osmo_timers_update();
	for (sub = subs; *sub; sub++)
		if ((*sub)->work)
			(*sub)->work();
	t = now_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
	if (wall)
		*wall = now_ns(CLOCK_MONOTONIC) - w0;
	bench_fake_us += 1000;
	osmo_gettimeofday_override_add(0, 1000);
	return t;
}

static int box_up(void)
{
	struct net_cfg cfg = { .addr = BOX_IP, .mask = MASK24 };
	const struct hlgw_subsys *const *s;
	unsigned int i;

	eth_fake_on_send = on_send;
	eth_fake_set_limit(1, true);
	if (hlgw_log_init() < 0)
		return -1;
	osmo_gettimeofday_override = true;
	for (i = 0; i < SPANS; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/nonexistent/e1-%u", i);
		if (e1_sim_init(&e1real[i], i, path) < 0)
			return -1;
		bench_e1_shim(&e1shim[i], &e1real[i]);
		bench_board.e1[i] = &e1shim[i];
		g704_tx_init(&telco_tx[i], true);
		g704_tx_init(&box_tx[i], true);
		g704_rx_init(&box_rx[i], true);
	}
	for (s = subs; *s; s++)
		if ((*s)->init && (*s)->init(&bench_board) < 0) {
			fprintf(stderr, "%s: init failed\n", (*s)->name);
			return -1;
		}
	if (net_set_cfg(&cfg) < 0)
		return -1;
	for (s = subs; *s; s++)
		if ((*s)->start && (*s)->start() < 0) {
			fprintf(stderr, "%s: start failed\n", (*s)->name);
			return -1;
		}
	eth_fake_inject_arp(1, PEER_IP, peer_mac, BOX_IP); /* the advisors' MAC known */
	for (i = 0; i < 100; i++) /* framers aligned (CRC-4 multiframe), lwIP settled */
		turn(i, 0, true, NULL);
	return 0;
}

static bool stagger; /* calls start 1 ms apart (their packets and canceller blocks spread) */

/* Channels 0..n-1 up: span k / 30, timeslots 1-15, 17-31. */
static int chans_open(unsigned int from, unsigned int n)
{
	static unsigned int ms = 500;
	unsigned int k;

	for (k = from; k < n; k++) {
		unsigned int b = k % 30;
		struct media_params p = { .span = k / 30, .ts = b < 15 ? b + 1 : b + 2,
					  .ptime_ms = 20 };
		struct media_remote r = { .addr = PEER_IP, .port = (uint16_t)(20000 + 2 * k),
					  .pt_pcma = 8, .te_pt = 101 };
		int rc = media_chan_open(&chan[k], &chan_port[k], &p);

		if (rc < 0 || (rc = media_chan_set_remote(chan[k], &r)) < 0) {
			fprintf(stderr, "channel %u (span %u ts %u): %s\n", k, p.span, p.ts,
				strerror(-rc));
			return -1;
		}
		adv_frame_init(k);
		if (stagger)
			turn(ms++, k + 1, true, NULL);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct run_res {
	uint64_t p50, p999, max;
	unsigned int misses;	 /* turns over 1 ms of CPU: the box's own miss */
	unsigned int wall_late; /* over 1 ms of wall time: preempted by the host too */
	double rx_per_ms, tx_per_ms;
};

/* ms turns with n channels; the channels' RX/TX counters checked against what was sent. */
static int run(unsigned int n, unsigned int ms, bool soft_framer, struct run_res *res)
{
	static unsigned int clock_ms = 1000;
	uint64_t *t = calloc(ms, sizeof(*t));
	uint32_t rx = 0;
	unsigned long tx0;
	struct media_stats st;
	unsigned int i;

	if (!t)
		return -1;
	res->wall_late = 0;
	for (i = 0; i < 200; i++) /* warm: caches, jitter buffers at their target */
		turn(clock_ms++, n, soft_framer, NULL);
	tx0 = tx_frames;
	for (i = 0; i < n; i++)
		if (media_chan_get_stats(chan[i], &st) == 0)
			rx -= st.rx_packets;
	res->misses = 0;
	for (i = 0; i < ms; i++) {
		uint64_t wall;

		t[i] = turn(clock_ms++, n, soft_framer, &wall);
		res->misses += t[i] > DEADLINE_NS;
		res->wall_late += wall > DEADLINE_NS;
	}
	for (i = 0; i < n; i++)
		if (media_chan_get_stats(chan[i], &st) == 0)
			rx += st.rx_packets;
	res->rx_per_ms = (double)rx / ms;
	res->tx_per_ms = (double)(tx_frames - tx0) / ms;
	qsort(t, ms, sizeof(*t), cmp_u64);
	res->p50 = t[ms / 2];
	res->p999 = t[ms - 1 - ms / 1000];
	res->max = t[ms - 1];
	free(t);
	return 0;
}

/* Every span's echo canceller on with tail_ms, for the channels opened after. */
static int ecan_on(int tail_ms)
{
	unsigned int s;

	for (s = 0; s < SPANS; s++) {
		struct span_cfg cfg = *span_get_cfg(s);

		cfg.echocancel = true;
		cfg.ec_taps = (uint16_t)(tail_ms * 8);
		if (span_set_cfg(s, &cfg) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int steps[] = { 0, 30, 60, 120, 180, 240 };
	unsigned int secs = argc > 1 ? (unsigned int)atoi(argv[1]) : 5, ms, i, n_open = 0;
	int ecan_ms = argc > 3 && !strcmp(argv[2], "--ecan") ? atoi(argv[3]) : 0;
	unsigned int ec_total, ec_free;
	uint32_t ec_short;
	double slope = 0, base = 0;
	struct run_res last = { 0 };
	unsigned int last_n = 0;
	cpu_set_t cpus;
	int cpu = sched_getcpu();

	CPU_ZERO(&cpus);
	CPU_SET(cpu < 0 ? 0 : cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus); /* best effort: one core */
	ms = (secs ? secs : 1) * 1000;
	if (box_up() < 0) {
		fprintf(stderr, "bench_capacity: box did not come up\n");
		return 1;
	}
	stagger = ecan_ms != 0;
	if (ecan_ms && ecan_on(ecan_ms) < 0) {
		fprintf(stderr, "bench_capacity: --ecan %d: no such tail (32, 64, 128)\n", ecan_ms);
		return 1;
	}
	if (ecan_ms)
		printf("channels on one core within the 1 ms deadline (8 spans, echo cancellation "
		       "ON: %d ms tail, far end always active),\n", ecan_ms);
	else
		printf("channels on one core within the 1 ms deadline (target >= 240, 8 spans, "
		       "echo cancellation off),\n");
	printf("%u s of line time per row, CPU ns per 1 ms turn (missed: turns over 1 ms of CPU; "
	       "late: over 1 ms of wall time, host preemption included):\n", secs);
	printf("  %8s %8s %8s %8s %6s %5s | %8s %8s %8s %6s\n", "channels", "p50", "p99.9",
	       "max", "missed", "late", "chip p50", "p99.9", "max", "missed");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && steps[i] <= CHANS_MAX; i++) {
		unsigned int n = steps[i];
		struct run_res soft, chip;

		if (chans_open(n_open, n) < 0)
			return 1;
		n_open = n;
		if (run(n, ms, true, &soft) < 0 || run(n, ms, false, &chip) < 0)
			return 1;
		printf("  %8u %8llu %8llu %8llu %6u %5u | %8llu %8llu %8llu %6u\n", n,
		       (unsigned long long)soft.p50, (unsigned long long)soft.p999,
		       (unsigned long long)soft.max, soft.misses, soft.wall_late,
		       (unsigned long long)chip.p50, (unsigned long long)chip.p999,
		       (unsigned long long)chip.max, chip.misses);
		last = soft;
		last_n = n;
		/* every channel sent and received its 50 packets a second */
		if (n && (soft.tx_per_ms < 0.045 * n || soft.rx_per_ms < 0.045 * n)) {
			fprintf(stderr, "%u channels: %.2f TX / %.2f RX packets per ms, want %.2f\n",
				n, soft.tx_per_ms, soft.rx_per_ms, 0.05 * n);
			return 1;
		}
		if (!n)
			base = (double)soft.p50;
		else
			slope = ((double)soft.p50 - base) / n;
	}
	media_ecan_pool_info(&ec_total, &ec_free, &ec_short);
	if (ecan_ms && (ec_short || ec_total - ec_free != last_n)) {
		fprintf(stderr, "%u channels but %u cancellers in use, %u calls without one\n",
			last_n, ec_total - ec_free, ec_short);
		return 1;
	}
	if (last_n)
		printf("  %u channels: %s; the turn takes %.1f %% of the 1 ms at p50, %.1f %% at "
		       "p99.9, %.0f ns more per channel (p50 slope)\n", last_n,
		       last.misses ? "deadline MISSED" : "no deadline missed",
		       last.p50 / 1e4, last.p999 / 1e4, slope);
	if (bench_log_errors) {
		fprintf(stderr, "%u errors logged (BENCH_LOG=1 shows them)\n", bench_log_errors);
		return 1;
	}
	return 0;
}
