// SPDX-License-Identifier: GPL-2.0-or-later
/* Test signals for the DTMF receiver (sig.h): tones, noise, and a speech/music-like corpus. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "dsp/g711.h"
#include "sig.h"

#define RATE 8000.0

double sig_uniform(struct sig_rng *r)
{
	/* xorshift64*: fixed seeds give the same corpus on every run */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (double)((r->s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

double sig_gauss(struct sig_rng *r)
{
	double u = sig_uniform(r), v = sig_uniform(r);

	return sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

double sig_amp(double dbm0)
{
	return G711_DBM0_PEAK * pow(10.0, dbm0 / 20.0);
}

void sig_add_tone(double *x, size_t n, double f, double dbm0, double phase)
{
	double a = sig_amp(dbm0), w = 2 * M_PI * f / RATE;
	size_t i;

	for (i = 0; i < n; i++)
		x[i] += a * sin(w * (double)i + phase);
}

void sig_add_noise(double *x, size_t n, double dbm0, struct sig_rng *r)
{
	/* a sine of peak A has power A^2 / 2 */
	double sd = sig_amp(dbm0) / sqrt(2.0);
	size_t i;

	for (i = 0; i < n; i++)
		x[i] += sd * sig_gauss(r);
}

void sig_to_alaw(uint8_t *a, const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = g711_alaw_enc((int)lrint(x[i] > 32767 ? 32767 : x[i] < -32768 ? -32768 : x[i]));
}

/* ---- the talk-off corpus -------------------------------------------------------------------- */
/* a two-pole resonator at f with bandwidth bw */
struct reson {
	double a1, a2, g, y1, y2;
};

static void reson_set(struct reson *r, double f, double bw)
{
	double rad = exp(-M_PI * bw / RATE);

	r->a1 = 2 * rad * cos(2 * M_PI * f / RATE);
	r->a2 = -rad * rad;
	r->g = 1 - rad;
	r->y1 = r->y2 = 0;
}

static double reson_run(struct reson *r, double x)
{
	double y = r->g * x + r->a1 * r->y1 + r->a2 * r->y2;

	r->y2 = r->y1;
	r->y1 = y;
	return y;
}

/* formants F1..F4 (Hz) of a few vowels, roughly as published for adult speakers */
static const double vowels[][4] = {
	{ 730, 1090, 2440, 3400 }, /* a */
	{ 530, 1840, 2480, 3400 }, /* e */
	{ 270, 2290, 3010, 3500 }, /* i */
	{ 570, 840, 2410, 3300 },  /* o */
	{ 300, 870, 2240, 3300 },  /* u */
	{ 660, 1720, 2410, 3300 }, /* ae */
	{ 490, 1350, 1690, 3300 }, /* er */
};
#define NVOWELS (sizeof(vowels) / sizeof(vowels[0]))

/* a voiced stretch: glottal pulses with a pitch glide through formant resonators */
static void sig_vowel(double *x, size_t n, struct sig_rng *r)
{
	const double *v = vowels[(size_t)(sig_uniform(r) * NVOWELS) % NVOWELS];
	double f0 = 80 + 220 * sig_uniform(r), f1 = f0 * (0.6 + 0.9 * sig_uniform(r));
	/* one in three held on one pitch with narrow formants: the hardest case for talk-off */
	bool steady = sig_uniform(r) < 0.33;
	double lvl = sig_amp(-22 + 14 * sig_uniform(r)), ph = 0, env;
	struct reson rs[4];
	size_t i, k;

	if (steady)
		f1 = f0;
	for (k = 0; k < 4; k++)
		reson_set(&rs[k], v[k] * (0.9 + 0.2 * sig_uniform(r)), (steady ? 30 : 60) + 40 * k);
	for (i = 0; i < n; i++) {
		double t = (double)i / (double)n, f = f0 + (f1 - f0) * t, g, y = 0;

		/* Rosenberg-like pulse: half a raised cosine over 40 % of the period */
		ph += f / RATE;
		if (ph >= 1)
			ph -= 1;
		g = ph < 0.4 ? 0.5 - 0.5 * cos(2 * M_PI * ph / 0.4) : 0;
		for (k = 0; k < 4; k++)
			y += reson_run(&rs[k], g) / (double)(k + 1);
		env = sin(M_PI * t);
		x[i] += lvl * 6 * env * y;
	}
}

/* an unvoiced stretch: band-passed noise (s, sh, f-like) */
static void sig_burst(double *x, size_t n, struct sig_rng *r)
{
	struct reson rs;
	double lvl = sig_amp(-30 + 15 * sig_uniform(r));
	size_t i;

	reson_set(&rs, 1500 + 2200 * sig_uniform(r), 600 + 1200 * sig_uniform(r));
	for (i = 0; i < n; i++)
		x[i] += lvl * 4 * sin(M_PI * (double)i / (double)n) * reson_run(&rs, sig_gauss(r));
}

/* a chord: three or four equal-tempered notes with decaying harmonics (music on hold) */
static void sig_chord(double *x, size_t n, struct sig_rng *r)
{
	unsigned int notes = 3 + (sig_uniform(r) < 0.5), k, h;
	double lvl = sig_amp(-20 + 8 * sig_uniform(r)) / notes;
	int root = (int)(sig_uniform(r) * 24) - 12;
	static const int shape[2][4] = { { 0, 4, 7, 12 }, { 0, 3, 7, 10 } }; /* major, minor 7 */
	const int *sh = shape[sig_uniform(r) < 0.5];

	for (k = 0; k < notes; k++) {
		double f = 440 * pow(2, (root + sh[k]) / 12.0), ph = 2 * M_PI * sig_uniform(r);
		size_t i;

		for (h = 1; h <= 6 && f * h < 3800; h++)
			for (i = 0; i < n; i++)
				x[i] += lvl / h * exp(-3.0 * (double)i / (double)n) *
					sin(2 * M_PI * f * h * (double)i / RATE + ph * h);
	}
}

/* whistling: one tone with vibrato (a second, weaker one at times), 500-2000 Hz */
static void sig_whistle(double *x, size_t n, struct sig_rng *r)
{
	double f = 500 + 1500 * sig_uniform(r), lvl = sig_amp(-25 + 15 * sig_uniform(r));
	double f2 = sig_uniform(r) < 0.5 ? f * (1.2 + sig_uniform(r)) : 0, ph = 0, ph2 = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double t = (double)i / RATE, v = 1 + 0.02 * sin(2 * M_PI * 5.5 * t);

		ph += 2 * M_PI * f * v / RATE;
		ph2 += 2 * M_PI * f2 * v / RATE;
		x[i] += lvl * sin(M_PI * (double)i / (double)n) * (sin(ph) + 0.3 * sin(ph2));
	}
}

void sig_talk(double *x, size_t n, struct sig_rng *r)
{
	size_t i = 0;

	memset(x, 0, n * sizeof(*x));
	while (i < n) {
		double u = sig_uniform(r);
		size_t len = (size_t)(RATE * (0.06 + 0.4 * sig_uniform(r)));

		if (len > n - i)
			len = n - i;
		if (u < 0.55) {
			sig_vowel(x + i, len, r);
			if (sig_uniform(r) < 0.1)
				sig_whistle(x + i, len, r);
		} else if (u < 0.72) {
			sig_burst(x + i, len, r);
		} else if (u < 0.85) {
			sig_chord(x + i, len, r);
		} else if (u < 0.93) {
			sig_whistle(x + i, len, r);
		}
		/* else a pause */
		i += len;
	}
	sig_add_noise(x, n, -60, r);
}
