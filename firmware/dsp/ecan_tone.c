// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The echo canceller's tone disabler (G.164/G.165): a 2100 Hz answer tone whose phase reverses
 * every 450 ms, in either direction, turns the canceller off (the line's own modems cancel
 * echo); it comes back once both directions have stayed below -36 dBm0 for 256 ms.
 *
 * Per block and direction the signal is correlated with a 2100 Hz phasor (21/80 of the sample
 * rate: a table of 80 values repeats exactly). The tone is present when the block is at least
 * -31 dBm0 and 2|z|^2 / (N * energy) shows most of the energy at 2100 Hz (+-21 Hz loses
 * under 1 dB over 8 ms). The phase of z then moves by a steady drift per block (the offset
 * from 2100 Hz); a reversal is a jump of about 180 degrees against that drift between the block
 * before a reversal and the one after it.
 */
#include <math.h>

#include "ecan_priv.h"

#define N ECAN_N
#define TONE_LEVEL 204000.0f  /* mean square of -31 dBm0 */
#define HOLD_LEVEL 40500.0f   /* mean square of -38 dBm0: the -36 dBm0 holding band, a margin */
#define TONE_PURITY 0.7f      /* share of the block's energy at 2100 Hz */
#define TONE_MIN_BLOCKS 20    /* 160 ms of tone before a reversal counts */
#define RELEASE_BLOCKS 32     /* 256 ms below the holding band re-enables */

void ecan_tone_init(struct ecan_tone *t)
{
	for (int i = 0; i < ECAN_TONE_PERIOD; i++) {
		t->cs[i] = cosf(2.0f * (float)M_PI * 21 * i / ECAN_TONE_PERIOD);
		t->sn[i] = sinf(2.0f * (float)M_PI * 21 * i / ECAN_TONE_PERIOD);
	}
	ecan_tone_reset(t);
}

void ecan_tone_reset(struct ecan_tone *t)
{
	t->idx = 0;
	t->disabled = 0;
	t->quiet = 0;
	for (int d = 0; d < 2; d++)
		t->dir[d] = (struct ecan_tone_dir){ .dr = 1 };
}

/* one direction, one block; returns 1 on a phase reversal of a tone present long enough */
static int tone_dir(struct ecan_tone *t, struct ecan_tone_dir *s, const int16_t *x, float *ms)
{
	float zr = 0, zi = 0, en = 0, cr, ci, m, er, ei;
	int idx = t->idx, rev = 0;

	for (int n = 0; n < N; n++) {
		float v = x[n];

		zr += v * t->cs[idx];
		zi -= v * t->sn[idx];
		en += v * v;
		if (++idx == ECAN_TONE_PERIOD)
			idx = 0;
	}
	*ms = en / N;
	if (en < N * TONE_LEVEL) {
		s->blocks = 0;
		return 0;
	}
	if (2 * (zr * zr + zi * zi) < TONE_PURITY * N * en) {
		/* a block a reversal falls into cancels itself partly: one such block keeps the
		 * tone going, the next pure one is compared with the one before it */
		if (s->blocks && !s->gap)
			s->gap = 1;
		else
			s->blocks = 0;
		return 0;
	}
	if (s->blocks) {
		/* phase step from the last pure block against the drift (squared over a gap) */
		cr = zr * s->zr + zi * s->zi;
		ci = zi * s->zr - zr * s->zi;
		er = s->dr;
		ei = s->di;
		if (s->gap) {
			er = s->dr * s->dr - s->di * s->di;
			ei = 2 * s->dr * s->di;
		}
		m = sqrtf(cr * cr + ci * ci);
		if (m > 0 && cr * er + ci * ei < -0.5f * m) {
			rev = s->blocks >= TONE_MIN_BLOCKS;
		} else if (m > 0 && !s->gap) {
			/* learn the drift from ordinary steps */
			s->dr = 0.7f * s->dr + 0.3f * cr / m;
			s->di = 0.7f * s->di + 0.3f * ci / m;
			m = sqrtf(s->dr * s->dr + s->di * s->di);
			s->dr /= m;
			s->di /= m;
		}
	}
	s->zr = zr;
	s->zi = zi;
	s->gap = 0;
	if (s->blocks < 1 << 20)
		s->blocks++;
	return rev;
}

int ecan_tone_block(struct ecan_tone *t, const int16_t *sin, const int16_t *ref)
{
	float ms_s, ms_r;
	int rev = tone_dir(t, &t->dir[0], sin, &ms_s) | tone_dir(t, &t->dir[1], ref, &ms_r);

	t->idx = (t->idx + N) % ECAN_TONE_PERIOD;
	if (rev && !t->disabled) {
		t->disabled = 1;
		t->count++;
	}
	if (t->disabled) {
		t->quiet = ms_s < HOLD_LEVEL && ms_r < HOLD_LEVEL ? t->quiet + 1 : 0;
		if (t->quiet >= RELEASE_BLOCKS) {
			t->disabled = 0;
			t->quiet = 0;
		}
	}
	return t->disabled;
}
