// SPDX-License-Identifier: GPL-2.0-or-later
/* Dual-tone generator: phase accumulators over a quarter-wave table, A-law out. */
#include <errno.h>
#include <string.h>

#include "jbuf.h"
#include "tone.h"

/* sin(2 pi i / 256) * 32767, i = 0..64 */
static const int16_t tone_qsin[65] = {
	0, 804, 1608, 2410, 3212, 4011, 4808, 5602, 6393, 7179, 7962, 8739, 9512, 10278, 11039,
	11793, 12539, 13279, 14010, 14732, 15446, 16151, 16846, 17530, 18204, 18868, 19519,
	20159, 20787, 21403, 22005, 22594, 23170, 23731, 24279, 24811, 25329, 25832, 26319,
	26790, 27245, 27683, 28105, 28510, 28898, 29268, 29621, 29956, 30273, 30571, 30852,
	31113, 31356, 31580, 31785, 31971, 32137, 32285, 32412, 32521, 32609, 32678, 32728,
	32757, 32767,
};

/* f * 2^32 / 8000 for the Q.23 rows (697..941 Hz) and columns (1209..1633 Hz) */
static const uint32_t tone_row_inc[4] = { 374199026, 413390602, 457414017, 505195528 };
static const uint32_t tone_col_inc[4] = { 649076933, 717259538, 792958337, 876710199 };
static const char tone_keys[16] = "123A456B789C*0#D";

/* -10 dBm0 per tone: 0 dBm0 is a sine of peak 22,700 on this 16-bit scale (G.711) */
#define TONE_AMP 7180

static inline int tone_sin(uint32_t ph)
{
	unsigned int i = ph >> 24, q = i & 63;
	int v;

	switch (i >> 6) {
	case 0: v = tone_qsin[q]; break;
	case 1: v = tone_qsin[64 - q]; break;
	case 2: v = -tone_qsin[q]; break;
	default: v = -tone_qsin[64 - q]; break;
	}
	return v;
}

int media_tone_dtmf(struct media_tone *t, char digit, uint32_t max_samples)
{
	const char *k = digit ? memchr(tone_keys, digit, sizeof(tone_keys)) : NULL;
	unsigned int i;

	if (!t || !k)
		return -EINVAL;
	i = (unsigned int)(k - tone_keys);
	t->inc[0] = tone_row_inc[i / 4];
	t->inc[1] = tone_col_inc[i % 4];
	t->ph[0] = t->ph[1] = 0;
	t->left = max_samples;
	t->on = true;
	return 0;
}

bool media_tone_fill(struct media_tone *t, uint8_t *dst, unsigned int n)
{
	unsigned int i;

	if (!t->on)
		return false;
	for (i = 0; i < n; i++) {
		int v = (tone_sin(t->ph[0]) + tone_sin(t->ph[1])) * TONE_AMP / 32767;

		dst[i] = jbuf_lin_to_alaw(v);
		t->ph[0] += t->inc[0];
		t->ph[1] += t->inc[1];
	}
	if (t->left <= n)
		t->on = false;
	else
		t->left -= n;
	return true;
}
