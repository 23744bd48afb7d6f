// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Line echo canceller: partitioned-block frequency-domain adaptive filter (see ecan.h).
 *
 * Per block of N = ECAN_BLOCK samples, FFT size M = 2N, P = taps / N partitions:
 *   X0 = FFT(last 2N reference samples), kept for the last P blocks (X[p], p = age);
 *   Y  = sum_p W[p] X[p]; y = last N of IFFT(Y); e = d - y   (background W, foreground F)
 *   E  = FFT(0..0, e_bg);  W[p] += mu_k E conj(X[p]) / (sum_p |X[p]|^2 + delta)
 *   one partition per block is constrained (IFFT, zero the circular half, FFT) in turn.
 * Fixed step ECAN_MU, normalised per bin by the reference power over the tail plus a
 * regularisation (DELTA_RMS). A learning rate from the estimated residual echo (|E|^2 vs
 * |Y|^2 regression, as in Valin 2007) was tried and lost 10 dB here: still to be redone.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "ecan.h"

#define N ECAN_BLOCK
#define M (2 * ECAN_BLOCK)
#define NB (N + 1) /* bins 0..N of a real 2N-point spectrum */
#define LOGM 6

#define CONSTRAIN_PER_BLOCK 1 /* partitions made linear again per block, in turn */
#define ECAN_MU 0.5f
/* per-bin regularisation: a -24 dBm0 reference. Without it the bins between the harmonics
 * of voiced speech (little reference power) take noise-driven steps: 26 dB steady at most. */
#define DELTA_RMS 1000.0f

struct cpx {
	float re, im;
};

struct ecan {
	int taps, parts;
	int fill;      /* samples gathered in the current block */
	int head;      /* X ring: index of the newest partition */
	int constrain; /* next partition to constrain */
	float s_bg, s_fg, s_d, s_x; /* smoothed block energies */
	struct ecan_stats st;
	struct cpx tw[M / 2];
	uint8_t rev[M];
	int16_t din[N], xin[N], out[N];
	float xold[N];
	float xpow[NB]; /* sum over partitions of |X[p]|^2 */
	struct cpx *X, *W, *F; /* parts x NB each */
};

/* ---- FFT (radix 2, in place) -------------------------------------------------------------- */
static void fft(const struct ecan *ec, struct cpx *a, int inverse)
{
	for (int i = 0; i < M; i++) {
		int j = ec->rev[i];

		if (j > i) {
			struct cpx t = a[i];

			a[i] = a[j];
			a[j] = t;
		}
	}
	for (int len = 2; len <= M; len <<= 1) {
		int half = len >> 1, step = M / len;

		for (int i = 0; i < M; i += len)
			for (int k = 0; k < half; k++) {
				struct cpx w = ec->tw[k * step], *u = &a[i + k], *v = &a[i + k + half];
				float wi = inverse ? -w.im : w.im;
				float tr = v->re * w.re - v->im * wi, ti = v->re * wi + v->im * w.re;

				v->re = u->re - tr;
				v->im = u->im - ti;
				u->re += tr;
				u->im += ti;
			}
	}
}

/* real 2N-point signal -> bins 0..N */
static void rfft(const struct ecan *ec, struct cpx *spec, const float *x)
{
	struct cpx a[M];

	for (int i = 0; i < M; i++)
		a[i].re = x[i], a[i].im = 0;
	fft(ec, a, 0);
	memcpy(spec, a, NB * sizeof(*spec));
}

/* bins 0..N (Hermitian) -> real 2N-point signal, scaled by 1/M */
static void irfft(const struct ecan *ec, float *x, const struct cpx *spec)
{
	struct cpx a[M];

	memcpy(a, spec, NB * sizeof(*spec));
	a[0].im = a[N].im = 0;
	for (int k = 1; k < N; k++)
		a[M - k].re = spec[k].re, a[M - k].im = -spec[k].im;
	fft(ec, a, 1);
	for (int i = 0; i < M; i++)
		x[i] = a[i].re * (1.0f / M);
}

/* ---- state -------------------------------------------------------------------------------- */
static size_t ecan_hdr(void)
{
	return (sizeof(struct ecan) + 15) & ~(size_t)15;
}

size_t ecan_size(int taps)
{
	if (taps < N || taps > ECAN_TAPS_MAX || taps % N)
		return 0;
	return ecan_hdr() + 3 * (size_t)(taps / N) * NB * sizeof(struct cpx);
}

void ecan_reset(struct ecan *ec)
{
	size_t arr = (size_t)ec->parts * NB;

	memset(ec->X, 0, 3 * arr * sizeof(struct cpx));
	memset(ec->din, 0, sizeof(ec->din));
	memset(ec->xin, 0, sizeof(ec->xin));
	memset(ec->out, 0, sizeof(ec->out));
	memset(ec->xold, 0, sizeof(ec->xold));
	memset(ec->xpow, 0, sizeof(ec->xpow));
	memset(&ec->st, 0, sizeof(ec->st));
	ec->fill = ec->head = ec->constrain = 0;
	ec->s_bg = ec->s_fg = ec->s_d = ec->s_x = 0;
}

int ecan_init(struct ecan **out, void *mem, size_t len, int taps)
{
	size_t need = ecan_size(taps), arr;
	struct ecan *ec = mem;

	if (!out || !mem || !need || ((uintptr_t)mem & 7))
		return -EINVAL;
	if (len < need)
		return -ENOSPC;
	memset(ec, 0, sizeof(*ec));
	ec->taps = taps;
	ec->parts = taps / N;
	arr = (size_t)ec->parts * NB;
	ec->X = (struct cpx *)((char *)mem + ecan_hdr());
	ec->W = ec->X + arr;
	ec->F = ec->W + arr;
	for (int k = 0; k < M / 2; k++) {
		ec->tw[k].re = cosf(-2.0f * (float)M_PI * k / M);
		ec->tw[k].im = sinf(-2.0f * (float)M_PI * k / M);
	}
	for (int i = 0; i < M; i++) {
		int r = 0;

		for (int b = 0; b < LOGM; b++)
			r |= ((i >> b) & 1) << (LOGM - 1 - b);
		ec->rev[i] = r;
	}
	ecan_reset(ec);
	*out = ec;
	return 0;
}

int ecan_latency(const struct ecan *ec)
{
	return N;
}

int ecan_get_stats(struct ecan_stats *st, const struct ecan *ec)
{
	if (!st || !ec)
		return -EINVAL;
	*st = ec->st;
	return 0;
}

/* ---- one block ---------------------------------------------------------------------------- */
static void filter_out(const struct ecan *ec, const struct cpx *w, float *y)
{
	struct cpx acc[NB];
	float t[M];

	memset(acc, 0, sizeof(acc));
	for (int p = 0; p < ec->parts; p++) {
		int slot = (ec->head + ec->parts - p) % ec->parts;
		const struct cpx *x = ec->X + (size_t)slot * NB, *h = w + (size_t)p * NB;

		for (int k = 0; k < NB; k++) {
			acc[k].re += h[k].re * x[k].re - h[k].im * x[k].im;
			acc[k].im += h[k].re * x[k].im + h[k].im * x[k].re;
		}
	}
	irfft(ec, t, acc);
	memcpy(y, t + N, N * sizeof(float));
}

static void block(struct ecan *ec)
{
	struct cpx *x0, E[NB];
	float t[M], ybg[N], yfg[N], ebg[N], efg[N];
	float eb = 0, ef = 0, ed = 0, ex = 0, delta;
	int far_active;

	/* newest reference spectrum into the ring, keeping sum_p |X[p]|^2 */
	ec->head = (ec->head + 1) % ec->parts;
	x0 = ec->X + (size_t)ec->head * NB;
	for (int k = 0; k < NB; k++)
		ec->xpow[k] -= x0[k].re * x0[k].re + x0[k].im * x0[k].im;
	for (int i = 0; i < N; i++) {
		t[i] = ec->xold[i];
		t[N + i] = ec->xold[i] = ec->xin[i];
		ex += t[N + i] * t[N + i];
	}
	rfft(ec, x0, t);
	for (int k = 0; k < NB; k++) {
		ec->xpow[k] += x0[k].re * x0[k].re + x0[k].im * x0[k].im;
		if (ec->xpow[k] < 0)
			ec->xpow[k] = 0;
	}

	filter_out(ec, ec->W, ybg);
	filter_out(ec, ec->F, yfg);
	for (int i = 0; i < N; i++) {
		float d = ec->din[i], o;

		ebg[i] = d - ybg[i];
		efg[i] = o = d - yfg[i];
		eb += ebg[i] * ebg[i];
		ef += efg[i] * efg[i];
		ed += d * d;
		o = o > 32767.f ? 32767.f : o < -32768.f ? -32768.f : o;
		ec->out[i] = (int16_t)lrintf(o);
	}

	/* two filters: the output takes the background's weights when they cancel better; a
	 * background gone far worse (double talk got through) restarts from the foreground */
	ec->s_bg = 0.7f * ec->s_bg + 0.3f * eb;
	ec->s_fg = 0.7f * ec->s_fg + 0.3f * ef;
	ec->s_d = 0.7f * ec->s_d + 0.3f * ed;
	ec->s_x = 0.7f * ec->s_x + 0.3f * ex;
	if (ec->s_bg < 0.7f * ec->s_fg && eb < ef) {
		memcpy(ec->F, ec->W, (size_t)ec->parts * NB * sizeof(struct cpx));
		ec->s_fg = ec->s_bg;
	} else if (ec->s_bg > 4.0f * ec->s_fg && ec->s_bg > 0.5f * ec->s_d) {
		memcpy(ec->W, ec->F, (size_t)ec->parts * NB * sizeof(struct cpx));
		ec->s_bg = ec->s_fg;
	}

	/* far end silent: nothing to learn from */
	far_active = ex > N * 16.0f * 16.0f; /* about -60 dBm0 */
	if (!far_active)
		goto stats;

	/* error spectrum (zero-padded, as the gradient needs), per-bin normalised step */
	memset(t, 0, N * sizeof(float));
	memcpy(t + N, ebg, sizeof(ebg));
	rfft(ec, E, t);
	delta = (float)M * ec->parts * DELTA_RMS * DELTA_RMS;
	for (int k = 0; k < NB; k++) {
		float mu = ECAN_MU / (ec->xpow[k] + delta);

		E[k].re *= mu;
		E[k].im *= mu;
	}
	for (int p = 0; p < ec->parts; p++) {
		int slot = (ec->head + ec->parts - p) % ec->parts;
		const struct cpx *x = ec->X + (size_t)slot * NB;
		struct cpx *w = ec->W + (size_t)p * NB;

		for (int k = 0; k < NB; k++) {
			w[k].re += E[k].re * x[k].re + E[k].im * x[k].im;
			w[k].im += E[k].im * x[k].re - E[k].re * x[k].im;
		}
	}
	/* keep one partition a linear (not circular) convolution per block, in turn */
	{
		for (int c = 0; c < CONSTRAIN_PER_BLOCK; c++) {
			struct cpx *w = ec->W + (size_t)ec->constrain * NB;

			irfft(ec, t, w);
			memset(t + N, 0, N * sizeof(float));
			rfft(ec, w, t);
			ec->constrain = (ec->constrain + 1) % ec->parts;
		}
	}

stats:
	if (far_active && ec->s_x > 0) {
		ec->st.erl_db = 10.0f * log10f((ec->s_x + 1) / (ec->s_d + 1));
		ec->st.erle_db = 10.0f * log10f((ec->s_d + 1) / (ec->s_fg + 1));
		ec->st.converged = ec->st.erle_db >= 20.0f;
	}
}

void ecan_process(struct ecan *ec, int16_t *sin, const int16_t *ref, int n)
{
	for (int i = 0; i < n; i++) {
		int16_t o = ec->out[ec->fill];

		ec->din[ec->fill] = sin[i];
		ec->xin[ec->fill] = ref[i];
		sin[i] = o;
		if (++ec->fill == N) {
			ec->fill = 0;
			block(ec);
		}
	}
}

/* ---- G.711 A-law ---------------------------------------------------------------------------- */
static int16_t ecan_alaw_dec(uint8_t a)
{
	int seg, v;

	a ^= 0x55;
	seg = (a >> 4) & 7;
	v = ((a & 15) << 4) + 8;
	if (seg)
		v = (v + 256) << (seg - 1);
	return (a & 0x80) ? v : -v;
}

static uint8_t ecan_alaw_enc(int lin)
{
	int mask = 0xd5, seg = 0, q;

	if (lin < 0) {
		mask = 0x55;
		lin = -lin - 1;
	}
	if (lin > 32767)
		lin = 32767;
	for (int v = lin >> 8; v && seg < 7; v >>= 1)
		seg++;
	q = seg ? (lin >> (seg + 3)) & 15 : lin >> 4;
	return (uint8_t)(((seg << 4) | q) ^ mask);
}

void ecan_process_alaw(struct ecan *ec, uint8_t *sin, const uint8_t *ref, int n)
{
	int16_t s[ECAN_BLOCK], r[ECAN_BLOCK];

	while (n > 0) {
		int c = n < ECAN_BLOCK ? n : ECAN_BLOCK;

		for (int i = 0; i < c; i++) {
			s[i] = ecan_alaw_dec(sin[i]);
			r[i] = ecan_alaw_dec(ref[i]);
		}
		ecan_process(ec, s, r, c);
		for (int i = 0; i < c; i++)
			sin[i] = ecan_alaw_enc(s[i]);
		sin += c;
		ref += c;
		n -= c;
	}
}
