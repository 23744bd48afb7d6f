// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The echo canceller's start-up helper: a short time-domain NLMS filter on the first
 * ECAN_SHORT_TAPS samples of the tail (a hybrid a few ms away), running beside the partitioned
 * frequency-domain filter during the first second of far-end speech. It adapts on every
 * sample where the partitioned filter adapts once per 8 ms block, so in the first few hundred
 * ms it often removes more; ecan.c sends out, block by block, whichever of the two outputs
 * holds less. Each filter adapts on its own error (adapting both on a common error, or copying
 * these taps into the partitioned filter's weights, upset its Kalman state: tried, worse).
 * Its step is scaled by the echo's share of the error (the Kalman filter's estimate) and
 * frozen by Geigel's test while a near-end talker is heard.
 */
#include <string.h>

#include "ecan_priv.h"

#define N ECAN_N
#define S ECAN_SHORT_TAPS
#ifndef SHORT_MU
#define SHORT_MU 0.5f /* NLMS step */
#endif
#ifndef SHORT_BLOCKS
#define SHORT_BLOCKS 125 /* blocks of far-end speech it runs for (1 s) */
#endif
#ifndef GEIGEL
#define GEIGEL 0.7f /* peak line in vs reference: 3 dB (echo peaks of a 6 dB ERL reach 0.5) */
#endif
#ifndef SHORT_HOLD
#define SHORT_HOLD 4 /* blocks (32 ms) of hangover after double talk */
#endif
#define SHORT_DELTA (S * 16.0f * 16.0f) /* regularisation: a -60 dBm0 reference */

void ecan_short_reset(struct ecan_short *sh)
{
	memset(sh, 0, sizeof(*sh));
	sh->blocks = SHORT_BLOCKS;
	sh->gate = 1;
}

/* dot product with eight partial sums (the compiler vectorises it, two vectors a turn,
 * without reordering a single float sum) */
static float dot(const float *restrict a, const float *restrict b)
{
	float s[8] = { 0 };

	for (int k = 0; k < S; k += 8)
		for (int j = 0; j < 8; j++)
			s[j] += a[k + j] * b[k + j];
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

static void step(float *restrict h, const float *restrict x, float g)
{
	for (int k = 0; k < S; k += 8)
		for (int j = 0; j < 8; j++)
			h[k + j] += g * x[k + j];
}

void ecan_short_push(struct ecan_short *sh, const int16_t *xin)
{
	memmove(sh->x, sh->x + N, S * sizeof(float));
	for (int i = 0; i < N; i++)
		sh->x[S + i] = xin[i];
}

static int peak(const int16_t *v)
{
	int m = 0;

	for (int i = 0; i < N; i++) {
		int a = v[i] < 0 ? -v[i] : v[i];

		m = a > m ? a : m;
	}
	return m;
}

void ecan_short_block(struct ecan_short *sh, float *e, const int16_t *din, const int16_t *xin,
		      int learn)
{
	float *x = sh->x, *h = sh->h, p = 0, mu;
	int xmax = 0;

	ecan_short_push(sh, xin);
	/* Geigel's double-talk test: the line holds more than the echo of the reference could
	 * be (ERL >= GEIGEL): a near-end talker, the filter is left alone for a while */
	memmove(sh->peak, sh->peak + 1, sizeof(sh->peak) - sizeof(sh->peak[0]));
	sh->peak[ECAN_SHORT_PEAKS - 1] = peak(xin);
	for (int b = 0; b < ECAN_SHORT_PEAKS; b++)
		xmax = sh->peak[b] > xmax ? sh->peak[b] : xmax;
	if (peak(din) > GEIGEL * xmax)
		sh->hold = SHORT_HOLD;
	else if (sh->hold)
		sh->hold--;
	mu = learn && !sh->hold ? SHORT_MU * sh->gate : 0;
	for (int k = 1; k <= S; k++)
		p += x[k] * x[k];
	for (int i = 0; i < N; i++) {
		const float *xw = x + i + 1; /* x[n - S + 1 .. n] */
		float err = din[i] - dot(h, xw);

		e[i] = err;
		if (mu > 0)
			step(h, xw, mu * err / (p + SHORT_DELTA));
		if (i + 1 < N)
			p += x[S + i + 1] * x[S + i + 1] - x[i + 1] * x[i + 1];
	}
}
