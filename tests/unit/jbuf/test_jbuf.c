// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Jitter buffer and RTP receive on real lwIP pool pbufs. The clock is the sample count: each
 * simulated ms first puts the packets due then, then reads 8 samples, as the E1 side will.
 * Every test ends with the lwIP pools back to zero use (no pbuf leaked or double-freed).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"

#include "media/jbuf.h"
#include "media/rtcp.h"
#include "media/rtp_rx.h"

/* ---- lwIP port stubs (the test links lwIP without firmware/net) ------------------------- */
static unsigned lwip_asserts;
uint32_t sys_now(void)
{
	return 0;
}
void net_port_assert(const char *msg, const char *file, int line)
{
	lwip_asserts++;
	fprintf(stderr, "lwIP assert %s at %s:%d\n", msg, file, line);
}
void net_port_diag(const char *fmt, ...)
{
}
uint32_t net_port_rand(void)
{
	return 4;
}

/* ---- stream helpers ---------------------------------------------------------------------- */
#define SSRC_A 0x11223344u
#define PKT 160 /* 20 ms */
#define MAXOUT (60 * 8000)

/* 0: sample() is the test pattern; otherwise a continuous tone at this frequency (-10 dBm0) */
static double tone_hz;

/* The sample the sender has at RTP timestamp t: non-quiet, different along the stream. */
static uint8_t sample(uint32_t t)
{
	if (tone_hz)
		return jbuf_lin_to_alaw((int)lrint(7336.0 * sin(2 * M_PI * tone_hz * t / 8000)));
	return (uint8_t)((((t * 37u) ^ (t >> 7)) | 0x40) ^ 0x55); /* A-law segment >= 4 */
}

static struct pbuf *mk_rtp(uint16_t seq, uint32_t ts, uint32_t ssrc, bool m, uint8_t pt,
			   const uint8_t *pl, unsigned n)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(RTP_HDR_LEN + n), PBUF_POOL);
	uint8_t *b;

	assert_non_null(p);
	assert_null(p->next);
	b = p->payload;
	b[0] = 0x80;
	b[1] = (uint8_t)((m ? 0x80 : 0) | pt);
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	memcpy(b + RTP_HDR_LEN, pl, n);
	return p;
}

static struct jbuf jb;
static uint8_t out[MAXOUT];
static size_t nout;

/* Put one PCMA packet of len samples (the stream's samples at ts) the way rtp_rx does. */
static int put(uint16_t seq, uint32_t ts, uint32_t ssrc, bool m, unsigned len)
{
	uint8_t pl[1200];
	struct pbuf *p;
	struct rtp_rx_hdr h;
	enum rtp_rx_ctr why;
	int r;

	for (unsigned i = 0; i < len; i++)
		pl[i] = sample(ts + i);
	p = mk_rtp(seq, ts, ssrc, m, RTP_PT_PCMA, pl, len);
	assert_int_equal(rtp_rx_parse(&h, p, &why), 0);
	r = jbuf_put(&jb, p, &h);
	pbuf_free(p);
	return r;
}

/* The media path's inline jbuf_read_ms() and jbuf_read() by turns: they play the same. */
static void run_ms(unsigned ms)
{
	while (ms--) {
		assert_true(nout + 8 <= MAXOUT);
		if (nout / 8 % 3)
			assert_int_equal(jbuf_read_ms(&jb, out + nout), 0);
		else
			assert_int_equal(jbuf_read(&jb, out + nout, 8), 0);
		nout += 8;
	}
}

/* out[o..o+n) is the stream from timestamp ts on. */
static void assert_stream(size_t o, uint32_t ts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (out[o + i] != sample(ts + (uint32_t)i))
			fail_msg("sample %zu: %02x, want %02x (ts %u)", o + i, out[o + i],
				 sample(ts + (uint32_t)i), ts + (unsigned)i);
	}
}

static void assert_silence(size_t o, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (out[o + i] != JBUF_SILENCE)
			fail_msg("sample %zu: %02x, want silence", o + i, out[o + i]);
}

static void assert_pools_empty(void)
{
	for (int i = 0; i < MEMP_MAX; i++) {
		if (i == MEMP_SYS_TIMEOUT)
			continue;
		if (lwip_stats.memp[i]->used)
			fprintf(stderr, "pool %d: %u in use\n", i, lwip_stats.memp[i]->used);
		assert_int_equal(lwip_stats.memp[i]->used, 0);
		assert_int_equal(lwip_stats.memp[i]->err, 0);
	}
	assert_int_equal(lwip_stats.mem.used, 0);
	assert_int_equal(lwip_asserts, 0);
}

static int setup(void **state)
{
	nout = 0;
	tone_hz = 0;
	memset(out, 0, sizeof(out));
	return jbuf_init(&jb, NULL);
}

static int teardown(void **state)
{
	jbuf_flush(&jb);
	assert_pools_empty();
	return 0;
}

static void init_cfg(uint16_t min, uint16_t max, uint16_t init, uint16_t pkts)
{
	struct jbuf_cfg c = { min, max, init, pkts };

	assert_int_equal(jbuf_init(&jb, &c), 0);
}

#define C(x) (jb.ctr[JBUF_CTR_##x])

/* ---- tests --------------------------------------------------------------------------------- */
static void test_alaw(void **state)
{
	for (int a = 0; a < 256; a++)
		assert_int_equal(jbuf_lin_to_alaw(jbuf_alaw_to_lin((uint8_t)a)), a);
	assert_int_equal(jbuf_lin_to_alaw(0), 0xd5);
	assert_int_equal(jbuf_alaw_to_lin(0xd5), 8);
	assert_int_equal(jbuf_alaw_to_lin(0x2a), -32256); /* the largest negative */
	assert_int_equal(jbuf_lin_to_alaw(40000), 0xaa);
	struct jbuf_cfg bad = { 50, 20, 0, 0 };
	assert_int_equal(jbuf_init(&jb, &bad), -EINVAL);
	bad = (struct jbuf_cfg){ 20, 200, 0, JBUF_MAX_PKTS + 1 };
	assert_int_equal(jbuf_init(&jb, &bad), -EINVAL);
	assert_int_equal(jbuf_init(&jb, NULL), 0);
}

static void test_inorder_bit_exact(void **state)
{
	const unsigned npkt = 100;

	assert_int_equal(jbuf_target_ms(&jb), 20);
	run_ms(7); /* nothing yet: silence, not counted */
	for (unsigned k = 0; k < npkt; k++) {
		assert_int_equal(put((uint16_t)(65500 + k), 1000 + k * PKT, SSRC_A, k == 0, PKT), 0);
		assert_true(jbuf_held(&jb) <= 2);
		run_ms(20);
	}
	run_ms(20);
	assert_silence(0, 56 + PKT);                /* before the stream + the 20 ms target */
	assert_stream(56 + PKT, 1000, npkt * PKT); /* then bit-exact, across the seq wrap */
	assert_int_equal(C(RECEIVED), npkt);
	assert_int_equal(C(PLAYED), npkt);
	assert_int_equal(C(LOST) + C(LATE) + C(DUPLICATE) + C(REORDERED) + C(RESYNC), 0);
	assert_int_equal(C(CONCEALED) + C(INSERTED) + C(DROPPED), 0);
	assert_int_equal(jbuf_target_ms(&jb), 20);
	assert_int_equal(jbuf_delay_ms(&jb), 20);
	assert_int_equal(jbuf_held(&jb), 0);
}

/* A stream of npkt packets, packet k put at ms 20k unless the schedule says otherwise. */
static void play_schedule(unsigned npkt, const int *when_ms, unsigned total_ms)
{
	for (unsigned ms = 0; ms < total_ms; ms++) {
		for (unsigned k = 0; k < npkt; k++)
			if (when_ms[k] == (int)ms)
				put((uint16_t)k, k * PKT, SSRC_A, false, PKT);
		run_ms(1);
	}
}

static void test_reorder_adjacent(void **state)
{
	int when[30];

	init_cfg(20, 200, 60, 0);
	for (unsigned k = 0; k < 30; k++)
		when[k] = 20 * (int)k;
	when[5] = 120; /* 5 and 6 swapped: 5 came 20 ms late, after 6 (1 ms early) */
	when[6] = 119;
	when[17] = 360;
	when[18] = 359;
	play_schedule(30, when, 30 * 20 + 60);
	assert_silence(0, 480);
	assert_stream(480, 0, 30 * PKT);
	assert_int_equal(C(REORDERED), 2);
	assert_int_equal(C(PLAYED), 30);
	assert_int_equal(C(LOST) + C(LATE) + C(CONCEALED) + C(INSERTED) + C(DROPPED), 0);
}

static void test_duplicates(void **state)
{
	for (unsigned k = 0; k < 20; k++) {
		assert_int_equal(put((uint16_t)k, k * PKT, SSRC_A, false, PKT), 0);
		if (k == 3) /* while held */
			assert_int_equal(put(3, 3 * PKT, SSRC_A, false, PKT), -EALREADY);
		if (k == 9) /* long after it played */
			assert_int_equal(put(2, 2 * PKT, SSRC_A, false, PKT), -EALREADY);
		run_ms(20);
	}
	run_ms(20);
	assert_stream(PKT, 0, 20 * PKT);
	assert_int_equal(C(DUPLICATE), 2);
	assert_int_equal(C(RECEIVED), 22);
	assert_int_equal(C(PLAYED), 20);
	assert_int_equal(C(LOST) + C(LATE) + C(CONCEALED), 0);
}

static void test_loss_concealment(void **state)
{
	size_t gap = PKT + 10 * PKT; /* output index of packet 10's first sample */

	for (unsigned k = 0; k < 30; k++) {
		if (k != 10)
			put((uint16_t)k, k * PKT, SSRC_A, false, PKT);
		run_ms(20);
	}
	run_ms(20);
	assert_stream(PKT, 0, 10 * PKT);
	/* concealment: the last 10 ms again, fading linearly to silence, then silence */
	for (unsigned i = 0; i < 80; i++) {
		uint8_t h = sample(10 * PKT - 80 + i);
		uint8_t want = jbuf_lin_to_alaw(jbuf_alaw_to_lin(h) * (int)(80 - i) / 80);

		assert_int_equal(out[gap + i], want);
	}
	assert_int_equal(out[gap], sample(10 * PKT - 80)); /* full level at first */
	assert_silence(gap + 80, 80);
	assert_stream(gap + PKT, 11 * PKT, 19 * PKT); /* resumes bit-exact */
	assert_int_equal(C(CONCEALED), PKT);
	assert_int_equal(C(LOST), 1);
	assert_int_equal(C(PLAYED), 29);
	assert_int_equal(C(LATE) + C(INSERTED) + C(DROPPED) + C(RESYNC), 0);
}

static void test_ssrc_change_resyncs(void **state)
{
	size_t b0;

	for (unsigned k = 0; k < 10; k++) {
		put((uint16_t)k, k * PKT, SSRC_A, false, PKT);
		run_ms(20);
	}
	b0 = nout;
	for (unsigned k = 0; k < 10; k++) {
		/* a new sender: other SSRC, sequence and timestamp origin */
		assert_int_equal(put((uint16_t)(40000 + k), 7777777 + k * PKT, 0xabcdef, k == 0, PKT),
				 0);
		run_ms(20);
	}
	run_ms(20);
	assert_int_equal(C(RESYNC), 1);
	assert_silence(b0, PKT); /* the new stream starts after the target delay */
	assert_stream(b0 + PKT, 7777777, 10 * PKT);
	assert_int_equal(C(LOST), 0);
}

static void test_timestamp_jump_resyncs(void **state)
{
	size_t b0;

	for (unsigned k = 0; k < 10; k++) {
		put((uint16_t)k, k * PKT, SSRC_A, false, PKT);
		run_ms(20);
	}
	b0 = nout;
	for (unsigned k = 10; k < 20; k++) {
		put((uint16_t)k, 3000000 + k * PKT, SSRC_A, false, PKT); /* 6 minutes ahead */
		run_ms(20);
	}
	run_ms(20);
	assert_int_equal(C(RESYNC), 1);
	assert_silence(b0, PKT);
	assert_stream(b0 + PKT, 3000000 + 10 * PKT, 10 * PKT);
	assert_int_equal(C(LATE) + C(LOST), 0);
}

/* Talkspurts (DTX): a marker with a timestamp jump on an empty buffer re-places playout. */
static void test_marker_talkspurt(void **state)
{
	size_t b0;

	for (unsigned k = 0; k < 10; k++) {
		put((uint16_t)k, k * PKT, SSRC_A, k == 0, PKT);
		run_ms(20);
	}
	run_ms(90); /* the sender is silent for 90 ms; the last 20 ms buffered play meanwhile */
	b0 = nout;
	for (unsigned k = 10; k < 20; k++) {
		put((uint16_t)k, k * PKT + 720, SSRC_A, k == 10, PKT);
		run_ms(20);
	}
	run_ms(20);
	assert_int_equal(C(RESYNC), 1);
	assert_silence(b0, PKT); /* placed at the target delay again */
	assert_stream(b0 + PKT, 10 * PKT + 720, 10 * PKT);
	assert_int_equal(C(LOST) + C(LATE), 0);
}

static void test_late_packets(void **state)
{
	int when[20];

	for (unsigned k = 0; k < 20; k++)
		when[k] = 20 * (int)k;
	when[5] = 125; /* 5 ms after its playout time; nothing after it played yet */
	when[12] = 290; /* after 13 began to play: too late */
	uint32_t concealed;

	play_schedule(20, when, 400);
	concealed = C(CONCEALED); /* before the stream's end */
	run_ms(100);
	assert_int_equal(C(LATE_PLAYED), 1);
	assert_int_equal(C(LATE), 1);
	assert_int_equal(C(LOST), 1);
	assert_int_equal(C(PLAYED), 19);
	/* packet 5 was played whole, after 5 ms of concealment that became delay and the 2 ms
	 * inserted at once for the new target (spread 25 ms + 2 ms) */
	assert_stream(6 * PKT + 40 + 16, 5 * PKT, 2 * PKT);
	assert_int_equal(concealed, 40 + 160); /* the 5 ms before packet 5, and packet 12 */
	assert_int_equal(jbuf_target_ms(&jb), 52);    /* packet 12 came 50 ms late */
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Packets every 20 ms (1450 of them), each delayed by 40 ms + a jitter in [-30, +30] ms for the
 * first 1000, without jitter after; put in arrival order. */
#define JN 1450
static int arr[JN], order[JN];
static int by_arrival(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return arr[x] != arr[y] ? arr[x] - arr[y] : x - y;
}

static void test_jitter_adapts(void **state)
{
	uint32_t late = 0, late_played = 0, concealed = 0;
	unsigned next = 0;

	for (int i = 0; i < JN; i++) {
		arr[i] = 20 * i + 40 + (i < 1000 ? (int)(rnd() % 61) - 30 : 0);
		order[i] = i;
	}
	qsort(order, JN, sizeof(order[0]), by_arrival);
	for (int ms = 0; ms < 20 * JN + 100; ms++) {
		while (next < JN && arr[order[next]] == ms) {
			int i = order[next++];

			put((uint16_t)i, (uint32_t)i * PKT, SSRC_A, false, PKT);
		}
		run_ms(1);
		if (ms == 10000) { /* 10 s of +-30 ms: the target grew to cover the 60 ms spread */
			late = C(LATE);
			late_played = C(LATE_PLAYED);
			concealed = C(CONCEALED);
			assert_in_range(jbuf_target_ms(&jb), 60, 63);
			assert_in_range(jbuf_delay_ms(&jb), 60, 64);
		}
		if (ms == 20 * (JN - 1) + 40) /* the last packet: nothing concealed since 10 s */
			assert_int_equal(C(CONCEALED), concealed);
		if (ms == 20000) { /* 10 s more: settled, nothing late any more */
			assert_int_equal(C(LATE), late);
			assert_int_equal(C(LATE_PLAYED), late_played);
			assert_int_equal(C(CONCEALED), concealed);
			assert_in_range(jbuf_target_ms(&jb), 60, 63);
			fprintf(stderr, "jitter: late %u late_played %u lost %u concealed %u "
				"inserted %u dropped %u target %u delay %u\n", C(LATE),
				C(LATE_PLAYED), C(LOST), C(CONCEALED), C(INSERTED), C(DROPPED),
				jbuf_target_ms(&jb), jbuf_delay_ms(&jb));
		}
	}
	/* the jitter stopped at 20 s: within the window (<= 4 s) the target fell back to 20 ms
	 * and the delay followed by skipping whole periods of the signal (the pattern repeats
	 * within -18 dB every 83 samples: "voiced"), to less than JBUF_BAND above the target
	 * (the rest is not skipped in the concealment after the last packet: a buffer run dry
	 * waits for a late packet) */
	assert_int_equal(jbuf_target_ms(&jb), 20);
	assert_in_range(jbuf_delay_ms(&jb), 20, 24);
	assert_int_equal(C(LATE), late);
	assert_int_equal(C(RESYNC), 0);
	assert_int_equal(C(PLAYED) + C(LOST), JN);
}

/*
 * The evidence (baresip advisor, docs/notes.md): its first packet, the marker at answer, comes
 * 5 ms later relative to its timestamp than the rest, which jitter by +-2 ms; a continuous
 * 1004 Hz tone. Over 5 s (past two window rollovers) the tone plays on unbroken: nothing
 * dropped, inserted or concealed after the initial fill, the target stays at 20 ms.
 */
static void test_first_packet_late_tone(void **state)
{
	const unsigned npkt = 250, total = 20 * npkt + 60;
	uint32_t adapted = ~0u, concealed = ~0u;
	size_t first = 0;

	tone_hz = 1004;
	rnd_state = 777;
	for (unsigned k = 0; k < npkt; k++)
		arr[k] = 10 + 20 * (int)k + (k == 0 ? 5 : (int)(rnd() % 5) - 2);
	for (unsigned ms = 0, k = 0; ms < total; ms++) {
		while (k < npkt && arr[k] == (int)ms) {
			assert_int_equal(put((uint16_t)(1000 + k), 5003 + k * PKT, SSRC_A, k == 0, PKT),
					 0);
			k++;
		}
		run_ms(1);
		if (C(PLAYED) == npkt && adapted == ~0u) { /* the last packet began to play */
			adapted = C(INSERTED) + C(DROPPED);
			concealed = C(CONCEALED);
		}
		if (ms == 1000 || ms == 2500 || ms == 4500) {
			assert_int_equal(jbuf_target_ms(&jb), 20);
			assert_in_range(jbuf_delay_ms(&jb), 20, 24);
		}
	}
	fprintf(stderr, "first packet late, tone, until the last packet played: inserted+dropped "
		"%u concealed %u; late %u lost %u resync %u target %u\n", adapted, concealed,
		C(LATE), C(LOST), C(RESYNC), jbuf_target_ms(&jb));
	/* until the stream ended (then the concealment tail is dropped in steps, as it may) */
	assert_int_equal(adapted, 0);
	assert_int_equal(concealed, 0);
	assert_int_equal(C(LATE) + C(LATE_PLAYED) + C(LOST) + C(RESYNC), 0);
	assert_int_equal(C(PLAYED), npkt);
	assert_int_equal(jbuf_target_ms(&jb), 20);
	/* the output is silence, then the sender's tone sample for sample: no slip anywhere */
	while (first < nout && out[first] == JBUF_SILENCE)
		first++;
	assert_in_range(first, 8 * 10 + 8 * 18, 8 * 10 + 8 * 22); /* ~20 ms after packet 0 was due */
	assert_stream(first, 5003, npkt * PKT);
}

/*
 * A continuous 1004 Hz tone, 20 ms packets, no jitter but one spike: packet 50 comes
 * spike_ms away from its usual time (negative: early); 1.5 s in, the delay (early spike) or
 * the target (late) is want_spike_ms. Over 7 s, two window rollovers after
 * the spike: the tone plays on sample for sample (nothing dropped, inserted or concealed) and
 * the delay is back at the target once the spike left the windows.
 */
static void tone_with_spike(int spike_ms, unsigned want_target_ms, unsigned want_spike_ms)
{
	const unsigned npkt = 350, total = 20 * npkt + 60;
	uint32_t adapted = ~0u, concealed = ~0u;
	unsigned in_window = 0;
	size_t first = 0;

	tone_hz = 1004;
	for (unsigned k = 0; k < npkt; k++)
		arr[k] = 10 + 20 * (int)k + (k == 50 ? spike_ms : 0);
	for (unsigned ms = 0, k = 0; ms < total; ms++) {
		while (k < npkt && arr[k] == (int)ms) {
			assert_int_equal(put((uint16_t)(1000 + k), 5003 + k * PKT, SSRC_A, false, PKT),
					 0);
			k++;
		}
		run_ms(1);
		if (C(PLAYED) == npkt && adapted == ~0u) {
			adapted = C(INSERTED) + C(DROPPED);
			concealed = C(CONCEALED);
		}
		if (ms == 1500) /* the spike in the windows */
			in_window = spike_ms < 0 ? jbuf_delay_ms(&jb) : jbuf_target_ms(&jb);
		if (ms == 6500) {
			assert_int_equal(jbuf_target_ms(&jb), want_target_ms);
			assert_in_range(jbuf_delay_ms(&jb), want_target_ms, want_target_ms + 1);
		}
	}
	fprintf(stderr, "tone, spike %+d ms: at 1.5 s %s %u ms; inserted+dropped %u concealed %u "
		"late %u late_played %u\n", spike_ms, spike_ms < 0 ? "delay" : "target", in_window,
		adapted, concealed, C(LATE), C(LATE_PLAYED));
	/* the spike was measured: the early packet waited longer, the late one raised the target */
	assert_in_range(in_window, want_spike_ms, want_spike_ms + 1);
	assert_int_equal(adapted, 0);
	assert_int_equal(concealed, 0);
	assert_int_equal(C(LATE) + C(LATE_PLAYED) + C(LOST) + C(RESYNC), 0);
	assert_int_equal(C(PLAYED), npkt);
	while (first < nout && out[first] == JBUF_SILENCE)
		first++;
	assert_stream(first, 5003, npkt * PKT);
}

/* An early spike (a burst after a stall upstream) with the target at its minimum: the buffer
 * holds 12 ms more for a while; no period is cut out of the tone for it. */
static void test_early_spike_tone(void **state)
{
	tone_with_spike(-12, 20, 32);
}

/* A late spike that still came in time raises the target by 1 ms: the tone is not spliced
 * to grow the delay while the latest packets still wait a ms; the target falls back later. */
static void test_late_spike_tone(void **state)
{
	init_cfg(10, 200, 0, 0);
	tone_with_spike(9, 10, 11);
}

static void test_shrink_in_silence(void **state)
{
	uint8_t quiet[PKT];
	struct pbuf *p;
	struct rtp_rx_hdr h;
	enum rtp_rx_ctr why;

	memset(quiet, 0xd5, sizeof(quiet));
	init_cfg(20, 200, 100, 0);
	for (unsigned k = 0; k < 300; k++) { /* 6 s of silence from the sender, no jitter */
		p = mk_rtp((uint16_t)k, k * PKT, SSRC_A, false, RTP_PT_PCMA, quiet, PKT);
		assert_int_equal(rtp_rx_parse(&h, p, &why), 0);
		assert_int_equal(jbuf_put(&jb, p, &h), 0);
		pbuf_free(p);
		run_ms(20);
	}
	/* the initial 100 ms is dropped to 20 ms a whole ms at a time once the window passed */
	assert_int_equal(jbuf_target_ms(&jb), 20);
	assert_int_equal(jbuf_delay_ms(&jb), 20);
	assert_int_equal(C(DROPPED), 80 * 8);
	assert_int_equal(C(CONCEALED) + C(INSERTED) + C(LATE) + C(LOST), 0);
}

static void test_burst_overflow_bounded(void **state)
{
	/* 1.2 s of packets at once (a sender's burst), then the stream goes on */
	for (unsigned k = 0; k < 60; k++) {
		put((uint16_t)k, k * PKT, SSRC_A, false, PKT);
		assert_true(jbuf_held(&jb) <= 11); /* 200 ms of 20 ms packets + the one playing */
	}
	assert_true(C(OVERFLOW) >= 49);
	assert_true(jbuf_delay_ms(&jb) <= 200);
	run_ms(100);
	jbuf_flush(&jb);
	/* ten slots only: the count bounds it too (10 ms packets) */
	init_cfg(20, 200, 0, 10);
	for (unsigned k = 0; k < 100; k++) {
		put((uint16_t)k, k * 80, SSRC_A, false, 80);
		assert_true(jbuf_held(&jb) <= 10);
	}
	assert_int_equal(C(RECEIVED), 100);
	assert_int_equal(C(OVERFLOW), 90);
	run_ms(300);
	assert_int_equal(jbuf_held(&jb), 0);
}

/* ---- RTP receive ------------------------------------------------------------------------------ */
static struct pbuf *raw(const uint8_t *b, unsigned n)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);

	assert_non_null(p);
	if (n)
		memcpy(p->payload, b, n);
	return p;
}

static int parse_raw(const uint8_t *b, unsigned n, struct rtp_rx_hdr *h, enum rtp_rx_ctr *why)
{
	struct pbuf *p = raw(b, n);
	int r = rtp_rx_parse(h, p, why);

	pbuf_free(p);
	return r;
}

static void test_rtp_hostile(void **state)
{
	uint8_t b[64] = { 0x80, 8, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4 };
	struct rtp_rx_hdr h;
	enum rtp_rx_ctr why = RTP_RX_CTR_NUM;

	memset(b + 12, 0x55, sizeof(b) - 12);
	assert_int_equal(parse_raw(b, 32, &h, &why), 0);
	assert_int_equal(h.off, 12);
	assert_int_equal(h.len, 20);
	assert_int_equal(h.seq, 1);
	assert_int_equal(h.ts, 160);
	assert_int_equal(h.ssrc, 0x01020304);
	assert_int_equal(h.pt, 8);

	assert_int_equal(parse_raw(b, 11, &h, &why), -EINVAL); /* short */
	assert_int_equal(why, RTP_RX_CTR_SHORT);
	assert_int_equal(parse_raw(b, 0, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_SHORT);
	assert_int_equal(parse_raw(b, 12, &h, &why), -EINVAL); /* header only */
	assert_int_equal(why, RTP_RX_CTR_EMPTY);
	b[0] = 0x40; /* version 1 */
	assert_int_equal(parse_raw(b, 32, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_VERSION);
	b[0] = 0x8f; /* 15 CSRCs = 72 octets of header in a 40-octet packet */
	assert_int_equal(parse_raw(b, 40, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_CSRC);
	b[0] = 0x82; /* 2 CSRCs and a payload */
	assert_int_equal(parse_raw(b, 20, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_EMPTY);
	assert_int_equal(parse_raw(b, 30, &h, &why), 0);
	assert_int_equal(h.off, 20);
	assert_int_equal(h.len, 10);
	b[0] = 0x90; /* extension header cut short */
	assert_int_equal(parse_raw(b, 14, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_EXT);
	b[12] = 0xbe, b[13] = 0xde, b[14] = 0x00, b[15] = 0x10; /* 16 words: beyond */
	assert_int_equal(parse_raw(b, 40, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_EXT);
	b[15] = 0x01; /* one word: payload from 20 */
	assert_int_equal(parse_raw(b, 40, &h, &why), 0);
	assert_int_equal(h.off, 20);
	assert_int_equal(h.len, 20);
	b[0] = 0xb1; /* + padding + 1 CSRC: the CSRC moves the extension to 16 */
	b[12] = 9, b[16] = 0xbe, b[17] = 0xde, b[18] = 0, b[19] = 1;
	b[39] = 3;
	assert_int_equal(parse_raw(b, 40, &h, &why), 0);
	assert_int_equal(h.off, 24);
	assert_int_equal(h.len, 13);
	b[39] = 0; /* a padding count of 0 is invalid */
	assert_int_equal(parse_raw(b, 40, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_PADDING);
	b[39] = 17; /* more padding than payload */
	assert_int_equal(parse_raw(b, 40, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_PADDING);
	b[39] = 16; /* all of the payload is padding */
	assert_int_equal(parse_raw(b, 40, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_EMPTY);
	b[39] = 200;
	assert_int_equal(parse_raw(b, 40, &h, &why), -EINVAL);
	assert_int_equal(why, RTP_RX_CTR_PADDING);
}

/* A header split across two pbufs of a chain (IP reassembly makes such chains). */
static void test_rtp_chain(void **state)
{
	uint8_t b[52] = { 0x90, 8, 0x12, 0x34, 0, 0, 0x10, 0, 9, 9, 9, 9, 0xbe, 0xde, 0, 1 };
	struct pbuf *a = pbuf_alloc(PBUF_RAW, 7, PBUF_POOL);
	struct pbuf *c = pbuf_alloc(PBUF_RAW, 45, PBUF_POOL);
	struct rtp_rx_hdr h;
	enum rtp_rx_ctr why;
	uint8_t o[8];

	for (unsigned i = 20; i < sizeof(b); i++)
		b[i] = sample(0x1000 + i - 20);
	memcpy(a->payload, b, 7);
	memcpy(c->payload, b + 7, 45);
	pbuf_cat(a, c);
	assert_int_equal(rtp_rx_parse(&h, a, &why), 0);
	assert_int_equal(h.seq, 0x1234);
	assert_int_equal(h.ts, 0x1000);
	assert_int_equal(h.ssrc, 0x09090909);
	assert_int_equal(h.off, 20);
	assert_int_equal(h.len, 32);
	assert_int_equal(jbuf_put(&jb, a, &h), 0);
	pbuf_free(a);
	run_ms(20); /* the target delay */
	nout = 0;
	for (unsigned i = 0; i < 4; i++) { /* zero-copy reads straight from the second pbuf */
		unsigned n = 8;
		const uint8_t *s = jbuf_peek(&jb, &n);

		assert_int_equal(n, 8);
		assert_ptr_equal(s, (uint8_t *)c->payload + 13 + 8 * i);
		memcpy(o, s, 8);
		jbuf_advance(&jb, n);
		for (unsigned j = 0; j < 8; j++)
			assert_int_equal(o[j], sample(0x1000 + 8 * i + j));
	}
	assert_int_equal(jbuf_held(&jb), 0);
}

/* Random packets (and random lengths) into the receiver: dropped or played, never a crash. */
static void test_rtp_fuzz(void **state)
{
	struct rtp_rx rx;
	struct rtcp_src src;
	struct rtp_rx_cfg cfg = { .pt_event = 101 };
	uint8_t b[300];
	uint32_t sum = 0;

	assert_int_equal(rtp_rx_init(&rx, &cfg, &jb, &src), 0);
	for (unsigned i = 0; i < 20000; i++) {
		unsigned n = rnd() % sizeof(b);
		struct pbuf *p;

		for (unsigned j = 0; j < n; j++)
			b[j] = (uint8_t)rnd();
		if (n && (i & 1)) /* half of them plausible headers */
			b[0] = (uint8_t)(0x80 | (b[0] & 0x3f)), b[1] = (b[1] & 0x80) | (i & 2 ? 8 : 101);
		if (n > 3 && (i & 4))
			b[2] = 0, b[3] = (uint8_t)i;
		p = raw(b, n);
		rtp_rx_input(&rx, p, i * 8);
		pbuf_free(p);
		assert_true(jbuf_held(&jb) <= JBUF_MAX_PKTS);
		run_ms(1);
	}
	for (int c = RTP_RX_CTR_AUDIO; c < RTP_RX_CTR_NUM; c++)
		if (c != RTP_RX_CTR_EVENT_DUP && c != RTP_RX_CTR_SSRC)
			sum += rx.ctr[c];
	assert_int_equal(sum, 20000); /* each packet taken or dropped under one reason */
	assert_true(rx.ctr[RTP_RX_CTR_AUDIO] > 1000);
	assert_true(rx.ctr[RTP_RX_CTR_VERSION] > 1000);
}

/* ---- RFC 4733 events through the receiver ----------------------------------------------- */
static struct rtp_event evs[8];
static unsigned nevs;
static void ev_cb(void *arg, const struct rtp_event *ev)
{
	assert_ptr_equal(arg, &nevs);
	assert_true(nevs < 8);
	evs[nevs++] = *ev;
}

static void rx_pkt(struct rtp_rx *rx, uint16_t seq, uint32_t ts, bool m, uint8_t pt,
		   const uint8_t *pl, unsigned n)
{
	struct pbuf *p = mk_rtp(seq, ts, SSRC_A, m, pt, pl, n);

	assert_int_equal(rtp_rx_input(rx, p, jb.clock), 0);
	pbuf_free(p);
}

static void test_events(void **state)
{
	struct rtp_rx rx;
	struct rtp_rx_cfg cfg = { .pt_event = 101, .ev_cb = ev_cb, .ev_arg = &nevs };
	uint8_t pl[PKT], e[4];
	uint16_t seq = 0;

	nevs = 0;
	assert_int_equal(rtp_rx_init(&rx, &cfg, &jb, NULL), 0);
	for (unsigned k = 0; k < 3; k++) {
		for (unsigned i = 0; i < PKT; i++)
			pl[i] = sample(k * PKT + i);
		rx_pkt(&rx, seq++, k * PKT, false, RTP_PT_PCMA, pl, PKT);
		run_ms(20);
	}
	/* digit 5 at -10 dBm0 from ts 480: start, two updates, end three times */
	static const uint16_t dur[] = { 160, 320, 480, 640, 640, 640 };
	for (unsigned i = 0; i < 6; i++) {
		e[0] = 5;
		e[1] = (uint8_t)((i >= 3 ? 0x80 : 0) | 10);
		e[2] = (uint8_t)(dur[i] >> 8);
		e[3] = (uint8_t)dur[i];
		rx_pkt(&rx, seq++, 480, i == 0, 101, e, 4);
		if (i < 4)
			run_ms(20);
	}
	/* the next event ('#', 11) whose start was lost: its end reported once */
	e[0] = 11, e[1] = 0x80 | 7, e[2] = 0x03, e[3] = 0x20;
	for (unsigned i = 0; i < 3; i++)
		rx_pkt(&rx, seq++, 1600, false, 101, e, 4);
	rx_pkt(&rx, seq++, 480, false, 101, e, 4); /* a stray end of the older event */
	rx_pkt(&rx, seq++, 1700, false, 101, e, 2); /* too short */
	for (unsigned k = 0; k < 3; k++) { /* audio again */
		for (unsigned i = 0; i < PKT; i++)
			pl[i] = sample(1120 + k * PKT + i);
		rx_pkt(&rx, seq++, 1120 + k * PKT, k == 0, RTP_PT_PCMA, pl, PKT);
		run_ms(20);
	}
	run_ms(40);
	assert_int_equal(nevs, 3);
	assert_int_equal(evs[0].event, 5);
	assert_int_equal(evs[0].volume, 10);
	assert_int_equal(evs[0].duration, 160);
	assert_int_equal(evs[0].ts, 480);
	assert_false(evs[0].end);
	assert_int_equal(evs[1].event, 5);
	assert_true(evs[1].end);
	assert_int_equal(evs[1].duration, 640);
	assert_int_equal(evs[2].event, 11);
	assert_int_equal(evs[2].volume, 7);
	assert_int_equal(evs[2].duration, 800);
	assert_true(evs[2].end);
	assert_int_equal(rx.ctr[RTP_RX_CTR_EVENT], 10);
	assert_int_equal(rx.ctr[RTP_RX_CTR_EVENT_DUP], 7);
	assert_int_equal(rx.ctr[RTP_RX_CTR_EVENT_BAD], 1);
	/* the event packets' sequence numbers are not audio lost */
	assert_int_equal(C(LOST), 0);
	assert_int_equal(C(PLAYED), 6);
}

/* The whole receive path with RTCP statistics: A.1/A.3 through rtp_rx. */
static void test_rx_with_rtcp_stats(void **state)
{
	struct rtp_rx rx;
	struct rtcp_src src;
	struct rtcp_block b;
	uint8_t pl[PKT];

	assert_int_equal(rtp_rx_init(&rx, NULL, &jb, &src), 0);
	for (unsigned k = 0; k < 50; k++) {
		for (unsigned i = 0; i < PKT; i++)
			pl[i] = sample(k * PKT + i);
		if (k != 20 && k != 21)
			rx_pkt(&rx, (uint16_t)(65530 + k), k * PKT, false, RTP_PT_PCMA, pl, PKT);
		run_ms(20);
	}
	rtcp_src_block(&src, &b, 0);
	/* probation: counting starts at the second packet (65531); 65531..(65579 mod 2^16) */
	assert_int_equal(b.ext_max_seq, 65536 + 43);
	assert_int_equal(b.lost, 2);
	assert_int_equal(b.fraction, 2 * 256 / 49);
	assert_int_equal(b.jitter, 0);
	assert_int_equal(C(LOST), 2);
	assert_int_equal(rx.ctr[RTP_RX_CTR_AUDIO], 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alaw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inorder_bit_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reorder_adjacent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loss_concealment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssrc_change_resyncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timestamp_jump_resyncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_marker_talkspurt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_packets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jitter_adapts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_packet_late_tone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_spike_tone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_spike_tone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shrink_in_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_overflow_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtp_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtp_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtp_fuzz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_with_rtcp_stats, setup, teardown),
	};

	lwip_init();
	return cmocka_run_group_tests_name("jbuf", tests, NULL, NULL);
}
