// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The echo canceller's start-up helper: a short time-domain filter over the 20 ms of the tail
 * that hold the echo, running beside the partitioned frequency-domain filter while a call
 * starts. Its window starts at the tail's start (a hybrid a few ms away) and moves to where
 * the partitioned filter finds the echo's peak (ecan.c asks, ecan_short_move()).
 *
 * It is an affine-projection filter of order 2: each sample's step makes the filter right on
 * this sample and the one before, which undoes most of what the reference's spectral colour
 * does to an NLMS filter (on the G.168 speech-like signal, 128 taps over the echo: NLMS 25 dB
 * after 3 s, this 20 dB after 0.3 s). The 2 x 2 system is regularised by a tenth of the
 * reference's energy while the far end talks: speech's neighbouring samples are strongly correlated and the bare
 * inverse amplifies the line noise into the taps.
 *
 * ecan.c sends out, block by block, whichever of the two outputs holds less. Each filter
 * adapts on its own error (adapting both on a common error upset the Kalman state: tried,
 * worse); once, after 2 s of far-end speech, the partitioned filter takes these taps if they
 * still do better (ecan.c, hand_over()). Its step is scaled by
 * the echo's share of the error (the Kalman filter's estimate) and frozen by Geigel's test
 * while a near-end talker is heard.
 *
 * The fast start: when the window sits away from the tail's start (the echo 12 ms or more
 * away), a second filter over the same window learns by recursive least squares during the
 * first 2 s of far-end speech, its gain R^-1 x from the fast Kalman recursion (forward and
 * backward linear predictors of the window, O(S) per sample), and its block goes out when it
 * holds less than both others. What held the start there was the AP filter's learning, not
 * where the window was: with an exact RLS over the located window (an oracle, O(S^2)), the
 * 128 ms tail with the echo at its end reached 20 dB by 0.25-0.35 s on every model and 44-48
 * dB over 0.5-1 s on all but D.8 (29.2-30.6), where this helper took 0.40-0.80 s and 24-36
 * dB. Its own filter, not the helper's: taking over the helper's taps after the first second
 * cost the partitioned filter up to 3.8 dB of steady ERLE through the hand-over. It starts again on
 * each new window, prewindowed (the samples before the start are zero to the recursion):
 * 0.5-1 s 11-12 dB under the oracle on D.2/D.4 when it learns from its first sample, so it
 * holds the helper's taps for its first FAST_AFTER samples. While Geigel's test holds it
 * neither learns nor is its output taken, unless its last block took out 10 dB of the line
 * (fast_block(); without that test, the echo 5 ms away, early double talk at 0 dB: during
 * 8.6 -> 7.8 dB, the talker -0.04 -> -0.07 dB).
 */
#include <string.h>

#include "ecan_priv.h"

#define N ECAN_N
#define S ECAN_SHORT_TAPS
#define H ECAN_SHORT_HIST
#ifndef SHORT_MU
#define SHORT_MU 0.5f /* step */
#endif
#ifndef SHORT_REG
#define SHORT_REG 0.1f /* regularisation: share of the window's mean energy while talking */
#endif
#ifndef SHORT_AVG
#define SHORT_AVG 0.05f /* the talking level's smoothing per block */
#endif
#ifndef SHORT_BLOCKS
#define SHORT_BLOCKS 125 /* blocks of far-end speech it runs for (1 s) */
#endif
#ifndef SHORT_LONG
/* ... and this many more per partition beyond 8 (64 ms): at 128 ms 557 blocks, 4.5 s. There
 * the partitioned filter settles slowly (14 partitions without echo hold weights that cost it
 * ~6 dB: zeroing them, an oracle, took the 10 s steady ERLE from 40.2 to 46.6 dB) and dips
 * for a syllable seconds later: D.8 5 ms away, a 100 ms window of 19.5 dB at 5.25 s after
 * the helper had stopped at 3.0 s (t20 5.35 -> 0.30 s; needs >= ~525 blocks). D.2, the
 * bench's cost call, runs it to 587 blocks anyway (8 x 54 is a multiple of ecan.c's 6 blocks
 * between the stop checks: with 55 they fell elsewhere, D.2's helper ran on and the settled
 * cost rose from 1,137 to 1,176 instructions per sample). Not at 64 ms: there, at -80 dBm0, a
 * longer run lost 3 dB of D.3's steady ERLE (the smaller block output is not the smaller
 * residual when the residual is near the noise). */
#define SHORT_LONG 54
#endif
#ifndef GEIGEL
#define GEIGEL 1.0f /* line power vs the reference window's: 0 dB */
#endif
#ifndef KNOWN
#define KNOWN 0.5f /* ... unless the other filter's output holds less than this of the line */
#endif
#ifndef SHORT_HOLD
#define SHORT_HOLD 3 /* the block and 2 more (16 ms) of hangover after double talk */
#endif
#ifndef FAST_RUNS
/* the fast start runs over the helper's first blocks of far-end speech (2 s; 63: nothing left
 * of its gain, 0.5-1 s means 3.9-8.6 dB lower; 125: the same on seed 1's talker, but other
 * talkers' t20 with the echo at the end of a 128 ms tail 1.90 / 2.30 / 1.20 / 1.25 s (seeds 2,
 * 3, 7, 8) where 250 gives 0.75 / 1.20 / 0.50 / 0.25; 375 no better) */
#define FAST_RUNS 250
#endif
#ifndef FAST_AFTER
/* ... holds the helper's taps until its recursion has run more than this many samples on its
 * window (64: from its second block on; from its third: worst 0.5-1 s 0.8-1.1 dB lower with
 * the echo 150 samples before the end of a 64 ms tail and 300 before that of a 128 ms one) */
#define FAST_AFTER 64
#endif
#ifndef FAST_OFF
/* ... and runs while the window starts this many samples or more into the tail: a hybrid a few
 * ms away is learnt fast enough without it (t20 0.30 s), and there it would cost a call's first
 * second 2,500 instructions per sample more (x86, callgrind) */
#define FAST_OFF 64
#endif
#ifndef FAST_KNOWN
#define FAST_KNOWN 0.1f /* see fast_block() (0.25: the same figures) */
#endif
#ifndef FAST_REG
/* its regularisation (the recursion's start, R = FAST_REG x mean square x I): 0.1-0.3 alike,
 * 1: worst 0.5-1 s at 128 ms with the echo at the tail end 35.9 -> 32.6 dB */
#define FAST_REG 0.1f
#endif
#define SHORT_ACTIVE (16.0f * 16.0f) /* mean square, about -60 dBm0: speech in the window */
#ifndef SHORT_DELTA
#define SHORT_DELTA (S * 16.0f * 16.0f) /* regularisation floor: a -60 dBm0 reference */
#endif

void ecan_short_reset(struct ecan_short *sh, int taps)
{
	memset(sh, 0, sizeof(*sh));
	sh->blocks = SHORT_BLOCKS + (taps > 8 * N ? (taps / N - 8) * SHORT_LONG : 0);
	sh->taps = taps;
	sh->gate = 1;
	sh->xpk = -1;
	sh->fast.off = -1;
}

static float dot(const float *restrict h, const float *restrict x)
{
	float a[8] = { 0 };

	for (int k = 0; k < S; k += 8)
		for (int j = 0; j < 8; j++)
			a[j] += h[k + j] * x[k + j];
	return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
}

static void step2(float *restrict h, const float *restrict x, float g0, float g1)
{
	for (int k = 0; k < S; k += 8)
		for (int j = 0; j < 8; j++)
			h[k + j] += g0 * x[k + j + 1] + g1 * x[k + j];
}

void ecan_short_push(struct ecan_short *sh, const int16_t *xin)
{
	memmove(sh->hist, sh->hist + N, (H - N) * sizeof(sh->hist[0]));
	memcpy(sh->hist + H - N, xin, N * sizeof(sh->hist[0]));
}

static void axpy(float *restrict y, const float *restrict x, float g)
{
	for (int k = 0; k < S; k++)
		y[k] += g * x[k];
}

/* t[j] = k[j + 1] + g a[j + 1]: k and a are kept with a zero past their end */
static void shift_add(float *restrict t, const float *restrict k1, const float *restrict a1,
		      float g)
{
	for (int j = 0; j < S; j++)
		t[j] = k1[j] + g * a1[j];
}

/* k = (t - m0 b) r, then b -= k eb */
static void gain_back(float *restrict k, float *restrict b, const float *restrict t, float m0,
		      float r, float eb)
{
	for (int j = 0; j < S; j++) {
		k[j] = (t[j] - m0 * b[j]) * r;
		b[j] -= k[j] * eb;
	}
}

/* The window moved d samples later: h[k] meets the delay off + S - 1 - k, keep the taps both
 * windows hold */
static void shift_taps(float *h, int d)
{
	if (d > 0) {
		int keep = S - d > 0 ? S - d : 0;

		memmove(h + d, h, keep * sizeof(float));
		memset(h, 0, (S - keep) * sizeof(float));
	} else {
		int keep = S + d > 0 ? S + d : 0;

		memmove(h, h - d, keep * sizeof(float));
		memset(h + keep, 0, (S - keep) * sizeof(float));
	}
}

/* One sample of the fast Kalman recursion (Falconer-Ljung): with R the window's autocorrelation
 * matrix summed over the samples so far (plus the regularisation), k = R^-1 x_n follows from the
 * forward and backward linear predictors of the window in O(S). xo: x_(n-1) = xo[0 .. S-1] and
 * the new sample xo[S]. Returns 0 when the recursion has lost its way (it is not stable for
 * ever in floating point; over a second it held in every case tried). */
static int fast_step(struct ecan_fast *f, const float *xo)
{
	float t[S], ef, ef2, eb, g, m0, den, r;

	/* forward: a priori error, predictor, a posteriori error (a's step changed its
	 * estimate by ef k.x) */
	ef = xo[S] + dot(f->a, xo);
	ef2 = ef * (1 - dot(f->k, xo));
	axpy(f->a, f->k, -ef);
	f->alpha += ef * ef2;
	g = ef2 / f->alpha;
	/* the gain of the window one sample longer, [k; 0] + g [a; 1]: its first entry m0
	 * and the rest t */
	m0 = f->k[0] + g * f->a[0];
	shift_add(t, f->k + 1, f->a + 1, g);
	t[S - 1] = g;
	eb = xo[0] + dot(f->b, xo + 1);
	den = 1 - m0 * eb;
	if (!(den > 0 && den <= 1.0001f && f->alpha > 0))
		return 0;
	r = 1 / den;
	gain_back(f->k, f->b, t, m0, r, eb);
	return 1;
}

/* The window's samples as the recursion sees them: a new window (a move) starts it again, and the
 * samples from before that start are zero to it (the prewindowed form). */
static void fast_window(struct ecan_short *sh, float *z, const float *x)
{
	struct ecan_fast *f = &sh->fast;

	if (f->off != sh->off) {
		int d = sh->off - f->off;

		/* a move within the window (the weights' look, every 6 blocks, moves it a few
		 * samples now and then) keeps the taps it learnt, as the helper's; only the
		 * recursion starts again, its filter not stepping meanwhile (64 ms, echo 300
		 * samples before the tail end: D.4's window moved 3 samples at 0.38 s, and
		 * starting again from the helper's taps cost it t20 0.30 -> 0.70 s) */
		f->keep = f->off >= 0 && f->age > FAST_AFTER && d < S && -d < S;
		if (f->keep)
			shift_taps(f->h, d);
		memset(f->a, 0, sizeof(f->a));
		memset(f->b, 0, sizeof(f->b));
		memset(f->k, 0, sizeof(f->k));
		f->alpha = FAST_REG * (sh->pavg + SHORT_DELTA) / S;
		f->zero = S + 1;
		f->age = 0;
		f->off = sh->off;
	}
	for (int j = 0; j < S + N; j++)
		z[j] = j < f->zero ? 0 : x[j];
	f->zero = f->zero > N ? f->zero - N : 0;
}

/* the block's window: x[j] = reference at (block start - off - S + j), j < S + N; returns its
 * energy */
static float window(const struct ecan_short *sh, float *x)
{
	const int16_t *src = sh->hist + H - N - sh->off - S;
	float px = 0;

	for (int j = 0; j < S + N; j++) {
		x[j] = src[j];
		px += x[j] * x[j];
	}
	return px;
}

void ecan_short_idle(struct ecan_short *sh, const int16_t *xin)
{
	struct ecan_fast *f = &sh->fast;
	float x[S + N], z[S + N];
	int good = 1;

	ecan_short_push(sh, xin);
	if (sh->run >= FAST_RUNS || sh->off < FAST_OFF)
		return;
	window(sh, x);
	fast_window(sh, z, x);
	for (int i = 0; i < N; i++)
		good &= fast_step(f, z + i);
	f->age += N;
	if (!good)
		f->off = -1;
}

int ecan_short_move(struct ecan_short *sh, int peak)
{
	int off = peak - ECAN_SHORT_PRE, d;

	if (off > sh->taps - S)
		off = sh->taps - S;
	if (off < 0)
		off = 0;
	d = off - sh->off;
	if (!d)
		return 0;
	shift_taps(sh->h, d);
	sh->off = off;
	return d;
}

/* The fast start over one block: its recursion, and its filter's output and steps once the
 * recursion has run FAST_AFTER samples on this window (till then it holds the helper's taps). */
static void fast_block(struct ecan_short *sh, const int16_t *din, int adapt, float pd)
{
	struct ecan_fast *f = &sh->fast;
	const float *x = sh->x;
	float z[S + N];
	int good = 1, use;

	f->ok = 0;
	f->pe = 0;
	if (sh->run >= FAST_RUNS || sh->off < FAST_OFF)
		return;
	fast_window(sh, z, x);
	f->age += N;
	use = f->age > FAST_AFTER;
	if (!use && !f->keep)
		memcpy(f->h, sh->h, sizeof(f->h));
	/* while Geigel's test holds the helper, it neither learns nor sends out its output (it
	 * may hold a talker it took for echo), unless it took out more than 10 dB of the line in
	 * its last block: then the line is mostly an echo it knows, as with KNOWN (D.8 returns
	 * 2.3-3.3 kHz with little loss and the test fired on its echo: 128 ms, echo at the tail
	 * end, t20 0.80 -> 0.35 s, 0.5-1 s 26.0 -> 36.8 dB; early double talk with the echo far
	 * in, talkers -12..+6 dB from 0.2 or 0.4 s: during and the talker within 0.1 dB of it
	 * held alone). The helper's own output did not do for it (notes.md: it then learnt an
	 * early talker): this filter takes out far more in its first second. */
	f->ok = (use || f->keep) && (!sh->hold || f->known);
	for (int i = 0; i < N; i++) {
		good &= fast_step(f, z + i);
		if (use || f->keep) {
			float e2 = din[i] - dot(f->h, x + i + 1);

			f->e[i] = e2;
			f->pe += e2 * e2;
			if (adapt && use)
				axpy(f->h, f->k, e2);
		}
	}
	if (!good) {
		f->off = -1;
		f->ok = 0;
	}
	f->known = (use || f->keep) && f->pe < FAST_KNOWN * pd;
}

void ecan_short_block(struct ecan_short *sh, float *e, const int16_t *din, const int16_t *xin,
		      float pe)
{
	float *x = sh->x, *h = sh->h, px, pd = 0, mu, p0, p1, c01, dprev = sh->dlast, reg, e1;
	int learn;

	ecan_short_push(sh, xin);
	px = window(sh, x);
	/* Geigel's test on power: the line holds more than the echo of the reference in the
	 * window could (ERL >= 0 dB; G.168 hybrids have 6 dB and more): a near-end talker, the
	 * filter is left alone for a while. On peaks it fired on a resonant hybrid's echo (D.8,
	 * echo peaks above the reference's) and kept that filter from learning. Unless the
	 * partitioned filter already takes out half the line or more: then the line is mostly
	 * an echo it knows (D.8 returns 2.3-3.3 kHz with little loss and the test fired on its
	 * echo: ERLE over 0.5-1 s 27.0 -> 30.6 dB with this), and a talker would stay in the
	 * other filter's output. */
	for (int i = 0; i < N; i++)
		pd += (float)din[i] * din[i];
	if (pd / N > GEIGEL * px / (S + N) && pe >= KNOWN * pd)
		sh->hold = SHORT_HOLD;
	else if (sh->hold)
		sh->hold--;
	/* what it learns from is the reference in its window, up to the tail's length ago: that
	 * must be speech, whatever the far end says now */
	learn = px > SHORT_ACTIVE * (S + N);
	mu = learn && !sh->hold ? SHORT_MU * sh->gate : 0;
	p0 = dot(x + 1, x + 1);
	p1 = dot(x, x);
	c01 = dot(x + 1, x);
	/* the regularisation follows the far end's talking level, not the instant's: a quiet
	 * syllable, whose echo is near the noise, moves the taps less */
	if (learn)
		sh->pavg += (sh->pavg ? SHORT_AVG : 1.0f) * (p0 - sh->pavg);
	reg = SHORT_REG * sh->pavg + SHORT_DELTA;
	fast_block(sh, din, learn && (!sh->hold || sh->fast.known), pd);
	/* e1, the error on the sample before with the taps as they are now, needs no second dot
	 * product: the last step changed that sample's estimate by g0 |x_(n-1)|^2 + g1 c01 */
	e1 = dprev - dot(h, x);
	for (int i = 0; i < N; i++) {
		const float *xw = x + i; /* x_n = xw[1 .. S], x_(n-1) = xw[0 .. S-1] */
		float e0 = din[i] - dot(h, xw + 1), g0 = 0, g1 = 0;

		e[i] = e0;
		if (mu > 0) {
			float a = p0 + reg, c = p1 + reg, det = a * c - c01 * c01;

			if (det > 0) {
				g0 = mu * (c * e0 - c01 * e1) / det;
				g1 = mu * (a * e1 - c01 * e0) / det;
				step2(h, xw, g0, g1);
			}
		}
		e1 = e0 - g0 * p0 - g1 * c01;
		if (i + 1 < N) {
			/* slide the window's powers by one sample */
			float in = x[S + i + 1], out0 = x[i + 1], out1 = x[i];

			p1 = p0;
			p0 += in * in - out0 * out0;
			c01 += in * x[S + i] - out0 * out1;
		}
	}
	dprev = din[N - 1];
	sh->dlast = dprev;
}
