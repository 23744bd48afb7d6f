// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The echo canceller's non-linear processor: while the far end talks (or its echo may still
 * arrive) and no near-end talker is heard, the linear output holds nothing but residual echo
 * and background noise; it is then replaced by comfort noise of the background's level and
 * spectral tilt (a one-pole shaped noise). A near-end talker is taken to be present when the
 * output holds clearly more than the residual echo the adaptive filter expects plus the
 * background; it then passes untouched, with a hangover. Gain changes ramp over a block.
 */
#include <math.h>

#include "ecan_priv.h"

#define N ECAN_N
#define NEAR_ECHO 4.0f		   /* output > 4 x the expected residual echo ... */
#define NEAR_NOISE 4.0f		   /* ... + 4 x the background: a near-end talker */
#define NEAR_HOLD 6		   /* blocks (48 ms) of hangover after a near-end talker */
#define NOISE_FALL 0.7f		   /* noise floor tracking: quick down ... */
#define NOISE_RISE 1.004f	   /* ... slow up (0.02 dB per block, 2 dB/s) */

void ecan_nlp_reset(struct ecan_nlp *nlp)
{
	int on = nlp->on;

	*nlp = (struct ecan_nlp){
		.on = on, .gain = 1, .floor = -1, .noise = 0, .rng = 0x2545f491u
	};
}

static float white(uint32_t *s) /* uniform, variance 1 */
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return ((float)(x >> 8) * (1.0f / 16777216.0f) - 0.5f) * 3.4641016f;
}

/* background: a floor that follows the quietest blocks (quick down, slow up: speech and echo
 * do not lift it), and the mean level and tilt of the blocks near that floor (the floor
 * alone reads a few dB under the mean of a noise) */
static void track_noise(struct ecan_nlp *nlp, const float *e, float pe, int quiet)
{
	float c = 0;

	if (nlp->floor < 0)
		nlp->floor = nlp->noise = pe;
	else if (pe < nlp->floor)
		nlp->floor = NOISE_FALL * nlp->floor + (1 - NOISE_FALL) * pe;
	else
		nlp->floor *= NOISE_RISE;
	if (nlp->noise > 4 * nlp->floor)
		nlp->noise = 4 * nlp->floor;
	if (!quiet || pe > 4 * nlp->floor || pe <= 0)
		return;
	nlp->noise = 0.9f * nlp->noise + 0.1f * pe + 1e-6f;
	for (int i = 1; i < N; i++)
		c += e[i] * e[i - 1];
	c /= pe * (N - 1);
	nlp->rho = 0.9f * nlp->rho + 0.1f * (c < 0 ? 0 : c > 0.95f ? 0.95f : c);
}

void ecan_nlp_block(struct ecan *ec, float *out, const float *e, float pe, float pres)
{
	struct ecan_nlp *nlp = &ec->nlp;
	float g0 = nlp->gain, g1, a, b, bg;
	int near;

	track_noise(nlp, e, pe, !ec->far_hold);
	bg = nlp->noise > nlp->floor ? nlp->noise : nlp->floor;
	near = pe > NEAR_ECHO * pres + NEAR_NOISE * bg;
	if (near)
		nlp->near_hold = NEAR_HOLD;
	else if (nlp->near_hold)
		nlp->near_hold--;
	if (!nlp->on)
		return;

	g1 = ec->far_hold && !nlp->near_hold ? 0.0f : 1.0f;
	nlp->gain = g1;
	if (g0 == 1 && g1 == 1)
		return;
	a = nlp->rho;
	b = sqrtf(nlp->noise * (1 - a * a));
	for (int i = 0; i < N; i++) {
		float g = g0 + (g1 - g0) * (i + 1) * (1.0f / N);

		nlp->cn_y = a * nlp->cn_y + b * white(&nlp->rng);
		out[i] = g * out[i] + (1 - g) * nlp->cn_y;
	}
}
