// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firmware/media/media_ecan.c: the pool of CONFIG_ECAN_CHANNELS cancellers (all taken, then
 * -ENOSPC, one back and taken again), tails capped at CONFIG_ECAN_TAIL_MAX_MS, and the run on
 * a ring of the line's samples: a reference that wraps round the ring end, and 1 ms (8
 * samples) at a time as media_chan runs it, give the very output of one call over the whole
 * packet with a flat reference. The echo is cancelled (ERLE over 30 dB on noise).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "dsp/g711.h"
#include "media/media_ecan.h"

#define RING 256
#define PKT 160
#define PKTS 150 /* 3 s */

static struct media_ecan pool[CONFIG_ECAN_CHANNELS];

static void test_pool(void **state)
{
	struct media_ecan extra, big;
	int i;

	assert_int_equal(media_ecan_get(&extra, 0, true), -EINVAL);
	assert_int_equal(media_ecan_get(NULL, 512, true), -EINVAL);
	for (i = 0; i < CONFIG_ECAN_CHANNELS; i++)
		assert_int_equal(media_ecan_get(&pool[i], 512, i & 1), 0);
	assert_int_equal(media_ecan_available(), 0);
	assert_int_equal(media_ecan_get(&extra, 512, true), -ENOSPC);
	assert_null(extra.ec);
	media_ecan_put(&extra); /* holds none: nothing happens */
	media_ecan_put(&pool[3]);
	assert_null(pool[3].ec);
	assert_int_equal(media_ecan_available(), 1);
	/* a longer tail than the pool's states hold: the longest they do */
	assert_int_equal(media_ecan_get(&big, 4096, true), 0);
	assert_int_equal(big.taps, MEDIA_ECAN_TAPS_MAX);
	for (i = 0; i < CONFIG_ECAN_CHANNELS; i++)
		media_ecan_put(&pool[i]);
	media_ecan_put(&big);
	assert_int_equal(media_ecan_available(), CONFIG_ECAN_CHANNELS);
}

/* The line: pseudo-random A-law noise (about -15 dBm0) sent to the caller, its echo 6 dB
 * down 3 ms later plus a quiet near end, per 1 ms chunk. */
static uint32_t rng = 7;
static uint8_t noise(int amp)
{
	rng = rng * 1103515245u + 12345u;
	return g711_alaw_enc((int)((rng >> 16 & 0x7fff) - 16384) * amp / 16384);
}

static void test_ring_and_chunks(void **state)
{
	static uint8_t ref[PKTS * PKT], sin[PKTS * PKT], flat[PKTS * PKT], chunks[PKTS * PKT];
	static uint8_t ring[RING];
	struct media_ecan a, b;
	unsigned int i, end = 0, k;
	double pin = 0, pout = 0;

	for (i = 0; i < PKTS * PKT; i++) {
		ref[i] = noise(9000);
		sin[i] = g711_alaw_enc(g711_alaw_dec(i >= 24 ? ref[i - 24] : G711_ALAW_SILENCE) / 2 +
				       g711_alaw_dec(noise(30)));
	}
	memcpy(flat, sin, sizeof(flat));
	memcpy(chunks, sin, sizeof(chunks));
	assert_int_equal(media_ecan_get(&a, 512, false), 0);
	assert_int_equal(media_ecan_get(&b, 512, false), 0);
	/* a: whole packets against the reference as it is; b: 1 ms at a time out of the ring,
	 * whose end the packets cross (256 is no multiple of 160) */
	for (i = 0; i < PKTS; i++) {
		media_ecan_run(&a, flat + i * PKT, PKT, ref + i * PKT, PKT, 0);
		for (k = 0; k < PKT; k += 8) {
			memcpy(ring + end, ref + i * PKT + k, 8);
			end = (end + 8) % RING;
			media_ecan_run(&b, chunks + i * PKT + k, 8, ring, RING, end);
		}
	}
	assert_memory_equal(flat, chunks, sizeof(flat));
	/* and a packet's reference out of the ring across its end, in one call */
	memcpy(chunks, sin, sizeof(chunks));
	media_ecan_put(&b);
	assert_int_equal(media_ecan_get(&b, 512, false), 0);
	for (i = 0, end = 0; i < PKTS; i++) {
		for (k = 0; k < PKT; k += 8) {
			memcpy(ring + end, ref + i * PKT + k, 8);
			end = (end + 8) % RING;
		}
		media_ecan_run(&b, chunks + i * PKT, PKT, ring, RING, end);
	}
	assert_memory_equal(flat, chunks, sizeof(flat));
	/* the last second: the echo is gone */
	for (i = 2 * PKTS * PKT / 3; i < PKTS * PKT; i++) {
		double x = g711_alaw_dec(sin[i]), y = g711_alaw_dec(flat[i]);

		pin += x * x;
		pout += y * y;
	}
	print_message("ERLE over the last second: %.1f dB\n", 10 * log10(pin / pout));
	assert_true(10 * log10(pin / pout) > 30);
	media_ecan_put(&a);
	media_ecan_put(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_ring_and_chunks),
	};

	return cmocka_run_group_tests_name("ecanwire", tests, NULL, NULL);
}
