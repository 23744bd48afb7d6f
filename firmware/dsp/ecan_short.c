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

/* dot product with four partial sums (the compiler vectorises it without reordering a single
 * float sum) */
static float dot(const float *restrict a, const float *restrict b)
{
	float s[4] = { 0, 0, 0, 0 };

	for (int k = 0; k < S; k += 4)
		for (int j = 0; j < 4; j++)
			s[j] += a[k + j] * b[k + j];
	return (s[0] + s[1]) + (s[2] + s[3]);
}

static void step(float *restrict h, const float *restrict x, float g)
{
	for (int k = 0; k < S; k++)
		h[k] += g * x[k];
}

void ecan_short_block(struct ecan_short *sh, float *e, const int16_t *din, const int16_t *xin,
		      int learn)
{
	float *x = sh->x, hr[S], p = 0, mu, xmax = 0, dmax = 0;

	memmove(x, x + N, S * sizeof(float));
	for (int i = 0; i < N; i++)
		x[S + i] = xin[i];
	/* Geigel's double-talk test: the line holds more than the echo of the reference could
	 * be (ERL >= GEIGEL): a near-end talker, the filter is left alone for a while */
	for (int i = 0; i < S + N; i++)
		xmax = x[i] > xmax ? x[i] : -x[i] > xmax ? -x[i] : xmax;
	for (int i = 0; i < N; i++)
		dmax = din[i] > dmax ? din[i] : -din[i] > dmax ? -din[i] : dmax;
	if (dmax > GEIGEL * xmax)
		sh->hold = SHORT_HOLD;
	else if (sh->hold)
		sh->hold--;
	mu = learn && !sh->hold ? SHORT_MU * sh->gate : 0;
	/* taps reversed so that tap k meets x[n - k] as a forward walk */
	for (int k = 0; k < S; k++)
		hr[k] = sh->h[S - 1 - k];
	for (int k = 1; k <= S; k++)
		p += x[k] * x[k];
	for (int i = 0; i < N; i++) {
		const float *xw = x + i + 1; /* x[n - S + 1 .. n] */
		float err = din[i] - dot(hr, xw);

		e[i] = err;
		if (mu > 0)
			step(hr, xw, mu * err / (p + SHORT_DELTA));
		if (i + 1 < N)
			p += x[S + i + 1] * x[S + i + 1] - x[i + 1] * x[i + 1];
	}
	for (int k = 0; k < S; k++)
		sh->h[k] = hr[S - 1 - k];
}
