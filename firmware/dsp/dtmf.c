// SPDX-License-Identifier: GPL-2.0-or-later
/* DTMF receiver: windowed Goertzel blocks, phase-advance frequency check, Q.24 timing (dtmf.h). */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "dtmf.h"
#include "g711.h"

#define DTMF_RATE 8000.0f
#define DTMF_PI 3.14159265f

const float dtmf_row_hz[4] = { 697, 770, 852, 941 };
const float dtmf_col_hz[4] = { 1209, 1336, 1477, 1633 };
static const char dtmf_keys[16] = "123A456B789C*0#D";

/* Constants, computed once (dtmf_det_init): single-threaded main loop, nothing per channel. */
static struct {
	bool ready;
	float win[DTMF_BLOCK];	 /* Hann */
	float coef[8];		 /* 2 cos(w): rows 0..3, columns 4..7 */
	float cos_w[8], sin_w[8];
	float rot_re[8], rot_im[8]; /* exp(-j w N): the advance of a tone right on the bin */
	float cos_tol[8];	 /* cos of the phase advance DTMF_FREQ_TOL off the bin */
	float alaw[256];
	float min_pow;		 /* bin power of a tone at DTMF_MIN_DBM0 */
	float pow_0dbm0;	 /* and at 0 dBm0 */
	float twist_fwd, twist_rev;
	float rel;		 /* DTMF_REL_ENERGY scaled to bin power / windowed energy */
} dtmf_k;

int dtmf_key(char digit)
{
	const char *k;

	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	k = digit ? memchr(dtmf_keys, digit, sizeof(dtmf_keys)) : NULL;
	return k ? (int)(k - dtmf_keys) : -1;
}

char dtmf_digit(int key)
{
	return key >= 0 && key < 16 ? dtmf_keys[key] : 0;
}

static void dtmf_consts(void)
{
	float wsum = 0, amp;
	unsigned int i;

	for (i = 0; i < DTMF_BLOCK; i++) {
		dtmf_k.win[i] = 0.5f - 0.5f * cosf(2 * DTMF_PI * (float)i / DTMF_BLOCK);
		wsum += dtmf_k.win[i];
	}
	for (i = 0; i < 8; i++) {
		float f = i < 4 ? dtmf_row_hz[i] : dtmf_col_hz[i - 4];
		float w = 2 * DTMF_PI * f / DTMF_RATE;
		/* phase advance over a block, wrapped to (-pi, pi] */
		float adv = fmodf(w * DTMF_BLOCK, 2 * DTMF_PI);

		dtmf_k.cos_w[i] = cosf(w);
		dtmf_k.sin_w[i] = sinf(w);
		dtmf_k.coef[i] = 2 * cosf(w);
		dtmf_k.rot_re[i] = cosf(adv);
		dtmf_k.rot_im[i] = -sinf(adv);
		dtmf_k.cos_tol[i] = cosf(2 * DTMF_PI * f * DTMF_FREQ_TOL * DTMF_BLOCK / DTMF_RATE);
	}
	for (i = 0; i < 256; i++)
		dtmf_k.alaw[i] = g711_alaw_dec((uint8_t)i);
	/* a tone of peak A on a bin: |X| = A / 2 * sum(w) */
	amp = G711_DBM0_PEAK * powf(10.0f, DTMF_MIN_DBM0 / 20.0f);
	dtmf_k.min_pow = (amp * wsum / 2) * (amp * wsum / 2);
	dtmf_k.pow_0dbm0 = (G711_DBM0_PEAK * wsum / 2) * (G711_DBM0_PEAK * wsum / 2);
	dtmf_k.twist_fwd = powf(10.0f, DTMF_TWIST_FWD_DB / 10.0f);
	dtmf_k.twist_rev = powf(10.0f, DTMF_TWIST_REV_DB / 10.0f);
	/* windowed energy of that tone: A^2 / 2 * sum(w^2) = A^2 / 2 * 3N/8 (Hann); bin power
	 * A^2 / 4 * (N/2)^2: power / energy = N / 3 for a tone on its bin */
	dtmf_k.rel = DTMF_REL_ENERGY * DTMF_BLOCK / 3.0f;
	dtmf_k.ready = true;
}

void dtmf_det_init(struct dtmf_det *d, dtmf_det_cb cb, void *arg)
{
	if (!dtmf_k.ready)
		dtmf_consts();
	memset(d, 0, sizeof(*d));
	d->key = d->cand = d->held = -1;
	d->cb = cb;
	d->cb_arg = arg;
}

char dtmf_det_digit(const struct dtmf_det *d)
{
	return dtmf_digit(d->held);
}

uint32_t dtmf_det_held(const struct dtmf_det *d)
{
	return d->held >= 0 ? d->held_end - d->held_at : 0;
}

float dtmf_det_level(const struct dtmf_det *d)
{
	return d->held >= 0 ? 10.0f * log10f(d->held_pow / dtmf_k.pow_0dbm0) : 0;
}

static void dtmf_report(struct dtmf_det *d, int key, bool end, uint32_t at, uint32_t dur)
{
	struct dtmf_event ev = { .digit = dtmf_keys[key], .end = end, .at = at, .duration = dur };

	if (d->cb)
		d->cb(d->cb_arg, &ev);
}

/* Does the tone in bin b advance by its nominal phase, to within the tolerance, from the
 * previous block (pr, pi) to this one (re, im)? */
static bool dtmf_freq_ok(unsigned int b, float re, float im, float pr, float pi, float mag2)
{
	/* z = this * conj(prev) * exp(-j w N): its angle is the frequency offset's advance */
	float zr = re * pr + im * pi, zi = im * pr - re * pi;
	float r = zr * dtmf_k.rot_re[b] - zi * dtmf_k.rot_im[b];

	return r >= dtmf_k.cos_tol[b] * sqrtf(mag2);
}

/* The level of bin b held from the previous block to this one, within 3 dB. */
static inline bool dtmf_steady(float now, float prev)
{
	return now <= 2 * prev && prev <= 2 * now;
}

/* A block is complete: its bins, then what they mean for the digit. */
static void dtmf_block(struct dtmf_det *d)
{
	float re[8], im[8], pw[8], rmax = 0, cmax = 0;
	unsigned int i, r = 0, c = 4;
	int key = -1;
	bool pair = false;

	for (i = 0; i < 8; i++) {
		/* Goertzel's end: s1 - exp(-jw) s2 (the block's DFT up to a fixed phase) */
		re[i] = d->s1[i] - dtmf_k.cos_w[i] * d->s2[i];
		im[i] = dtmf_k.sin_w[i] * d->s2[i];
		pw[i] = re[i] * re[i] + im[i] * im[i];
		d->s1[i] = d->s2[i] = 0;
	}
	for (i = 0; i < 4; i++) {
		if (pw[i] > rmax)
			rmax = pw[i], r = i;
		if (pw[i + 4] > cmax)
			cmax = pw[i + 4], c = i + 4;
	}
	if (rmax >= dtmf_k.min_pow && cmax >= dtmf_k.min_pow && rmax <= cmax * dtmf_k.twist_fwd &&
	    cmax <= rmax * dtmf_k.twist_rev && rmax + cmax >= dtmf_k.rel * d->energy)
		key = (int)(r * 4 + c - 4);

	/* a pair: the same key in two blocks, at the same level and at the right frequencies */
	if (key >= 0 && key == d->key && dtmf_steady(rmax, d->pow[r]) &&
	    dtmf_steady(cmax, d->pow[c]) &&
	    dtmf_freq_ok(r, re[r], im[r], d->re[r], d->im[r], rmax * d->pow[r]) &&
	    dtmf_freq_ok(c, re[c], im[c], d->re[c], d->im[c], cmax * d->pow[c]))
		pair = true;

	if (d->held >= 0) {
		/* still there: its bins lead their groups, not far below the floor, most of the
		 * energy (looser than taking it: a drop-out must not split a digit) */
		unsigned int hr = (unsigned int)d->held / 4, hc = (unsigned int)d->held % 4 + 4;

		if (r == hr && c == hc && rmax >= dtmf_k.min_pow / 4 && cmax >= dtmf_k.min_pow / 4 &&
		    rmax + cmax >= 0.6f * dtmf_k.rel * d->energy) {
			d->miss = 0;
			d->held_end = d->pos + DTMF_BLOCK;
		} else if (++d->miss >= DTMF_MISSES) {
			dtmf_report(d, d->held, true, d->held_end, d->held_end - d->held_at);
			d->held = -1;
		}
	}

	if (pair) {
		if (d->cand != key) {
			d->cand = key;
			d->run = 0;
			d->cand_at = d->pos - DTMF_BLOCK; /* the previous block's start */
		}
		d->run++;
	} else {
		d->cand = -1;
		d->run = 0;
	}
	if (d->held < 0 && d->run >= DTMF_PAIRS) {
		d->held = d->cand;
		d->held_at = d->cand_at;
		d->held_end = d->pos + DTMF_BLOCK;
		d->held_pow = rmax + cmax;
		d->miss = 0;
		d->run = 0;
		d->cand = -1;
		dtmf_report(d, d->held, false, d->held_at, 0);
	}

	memcpy(d->re, re, sizeof(re));
	memcpy(d->im, im, sizeof(im));
	memcpy(d->pow, pw, sizeof(pw));
	d->key = key;
	d->energy = 0;
	d->n = 0;
	d->pos += DTMF_BLOCK;
}

/* Four filters at a time (GCC's generic vectors: SSE on x86-64, scalar code where there is
 * no SIMD, as on a Cortex-M7). */
typedef float dtmf_v4 __attribute__((vector_size(16)));

/* The per-sample part, for either input: window, energy, eight Goertzel filters. The states
 * stay in registers; two samples per step swap the roles of s1 and s2 instead of moving them. */
static inline __attribute__((always_inline)) void dtmf_run(struct dtmf_det *d, const int16_t *x,
							    const uint8_t *a, unsigned int n)
{
	dtmf_v4 ca, cb;

	memcpy(&ca, dtmf_k.coef, sizeof(ca));
	memcpy(&cb, dtmf_k.coef + 4, sizeof(cb));
	while (n) {
		unsigned int m = DTMF_BLOCK - d->n, i;
		const float *w = dtmf_k.win + d->n;
		dtmf_v4 s1a, s1b, s2a, s2b;
		float e = d->energy;

		if (m > n)
			m = n;
		memcpy(&s1a, d->s1, sizeof(s1a));
		memcpy(&s1b, d->s1 + 4, sizeof(s1b));
		memcpy(&s2a, d->s2, sizeof(s2a));
		memcpy(&s2b, d->s2 + 4, sizeof(s2b));
		for (i = 0; i + 2 <= m; i += 2) {
			float v0 = (x ? (float)x[i] : dtmf_k.alaw[a[i]]) * w[i];
			float v1 = (x ? (float)x[i + 1] : dtmf_k.alaw[a[i + 1]]) * w[i + 1];
			dtmf_v4 b0 = { v0, v0, v0, v0 }, b1 = { v1, v1, v1, v1 };

			e += v0 * v0 + v1 * v1;
			s2a = b0 + ca * s1a - s2a; /* s2 now holds the newest */
			s2b = b0 + cb * s1b - s2b;
			s1a = b1 + ca * s2a - s1a; /* and s1 again */
			s1b = b1 + cb * s2b - s1b;
		}
		if (i < m) {
			float v0 = (x ? (float)x[i] : dtmf_k.alaw[a[i]]) * w[i];
			dtmf_v4 b0 = { v0, v0, v0, v0 }, t;

			e += v0 * v0;
			t = b0 + ca * s1a - s2a;
			s2a = s1a;
			s1a = t;
			t = b0 + cb * s1b - s2b;
			s2b = s1b;
			s1b = t;
		}
		memcpy(d->s1, &s1a, sizeof(s1a));
		memcpy(d->s1 + 4, &s1b, sizeof(s1b));
		memcpy(d->s2, &s2a, sizeof(s2a));
		memcpy(d->s2 + 4, &s2b, sizeof(s2b));
		d->energy = e;
		d->n += m;
		n -= m;
		if (x)
			x += m;
		else
			a += m;
		if (d->n == DTMF_BLOCK)
			dtmf_block(d);
	}
}

void dtmf_det_feed(struct dtmf_det *d, const int16_t *x, unsigned int n)
{
	if (d && x)
		dtmf_run(d, x, NULL, n);
}

void dtmf_det_feed_alaw(struct dtmf_det *d, const uint8_t *a, unsigned int n)
{
	if (d && a)
		dtmf_run(d, NULL, a, n);
}
