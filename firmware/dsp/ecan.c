// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Line echo canceller: partitioned-block frequency-domain adaptive filter whose step is a
 * Kalman gain per bin and partition (see ecan.h).
 *
 * Per block of N = ECAN_BLOCK samples, FFT size 2N, P = taps / N partitions of age p:
 *   X_p  reference spectrum of the 2N samples ending p blocks ago
 *   Y    = sum_p W_p X_p, y = last N of IFFT(Y), e = d - y (output), E = FFT(0..0, e)
 *   R    = sum_p s_p V_p |X_p|^2        echo still expected in the error (V: weight variance)
 *   Phi  = what the error holds besides that echo (noise, near-end talker), fast attack
 *   K_p  = s_p V_p / (R/2 + Phi)        Kalman gain, s_p the proportionate share
 *   W_p += MU K_p conj(X_p) E;  V_p -= VAR_DEC K_p V_p |X_p|^2;  V_p += q (|W_p|^2 + W0)
 * except for the ECAN_FULL partitions of largest weight norm, whose covariance per bin is kept
 * in full (cross terms in R, gain and update: see full_gain()), so that a block's correction
 * goes where the block shows it and not into the partitions beside them.
 * A new echo path has a large V: the step is the full normalised one. As the weights settle V
 * shrinks and so does the step, down to what the noise allows; a near-end talker raises Phi and
 * freezes adaptation without a double-talk detector. One partition per block is constrained
 * (IFFT, zero the circular half, FFT) in turn. While a call starts a short time-domain
 * affine-projection filter runs beside it over the 20 ms of the tail where the echo is (early
 * the whitened cross-correlation in the smoothed gradient shows it, then the weights;
 * ecan_short.c), for at least one second of far-end speech and on while its output
 * holds less, with a fast start in its first 2 s when the echo is far into the tail (a
 * second filter over its window, recursive least squares); the block's output is the smallest
 * of them. If it still holds less after 2 s of far-end speech, the partitioned filter takes
 * its taps. Partitions far from the echo that hold next to nothing leak towards zero once
 * ERLE passes 30 dB (leak()); past 40 dB the step follows the gradient's coherence bin by bin
 * (step()). The linear output then goes through the NLP (ecan_nlp.c).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "ecan_priv.h"
#include "g711.h"

#define N ECAN_N
#define NBP ECAN_NBP

/* Tuned on the G.168 bench (tools/bench/ecan); each can be set with -D for tuning runs. */
#ifndef ECAN_MU
#define ECAN_MU 0.35f /* step on the Kalman gain (its theoretical value is 0.5 here) */
#endif
#ifndef V0
#define V0 0.2f /* initial weight variance per bin and partition */
#endif
#ifndef Q
/* process noise relative to |W|^2 per block: tracking against noise. 1e-7 before the
 * hand-over; 5e-8 since: -55 dBm0 46.7/46.2 -> 47.0/46.4, -80 64.7/62.9 -> 65.1/63.0, path
 * changes as they were (the boost), A-law with the NLP 40.5 -> 40.2 dB */
#define Q 5e-8f
#endif
#ifndef Q_ERLE
/* ... while the filter takes out less than this (40 dB); beyond, Q falls with the residual's
 * share of the line (down to Q_MIN of it): the random walk Q adds is what holds a converged
 * filter's ERLE at -80 dBm0 noise (started on the true path: 63.2 / 67.1 / 70.2 dB with
 * Q 1e-7 / 1e-8 / 1e-9), and a path change brings the residual, so Q, back at once */
#define Q_ERLE 1e-4f
#endif
#ifndef Q_MIN
#define Q_MIN 0.03f
#endif
#ifndef MU_ERLE
/* once the filter takes out more than this (40 dB, which only a quiet line allows: at -55 dBm0
 * noise the measured ERLE stays under 35 dB) the step follows the gradient's coherence per bin
 * (see step()) */
#define MU_ERLE 1e-4f
#endif
#ifndef MU_QUIET
#define MU_QUIET 0.7f /* ... MU times this where the gradient is incoherent (weights right) */
#endif
#ifndef MU_COH
#define MU_COH 1.3f /* ... MU times this where it is coherent (still learning) */
#endif
#ifndef COH_STEP
#define COH_STEP 2.0f /* ... coherent: this many times the level an incoherent gradient shows */
#endif
#ifndef COH_PARTS
/* ... summed over this many partitions, whatever the tail: the echo's few hold the coherent
 * part, and with all 16 of a 128 ms tail the test hardly fired and MU x 0.7 slowed its
 * convergence (-80 dBm0 128 ms steady 60.3/54.8 -> 58.0/55.1 dB; with 8: 60.6/54.3) */
#define COH_PARTS 8
#endif
#ifndef MU_LOW
#define MU_LOW 2 /* ... except bins under this (0-62 Hz), which never go under MU */
#endif
#ifndef PHI_SMOOTH
#define PHI_SMOOTH 0.8f /* near-end power: release per block */
#endif
#ifndef RES_SCALE
#define RES_SCALE 0.5f /* echo power as it shows in E (N of the 2N samples) */
#endif
#ifndef VAR_DEC
/* variance decrease per unit of gain; below Kalman's 0.25: the partitions of one bin are not
 * independent for speech, a block tells less than the model thinks */
#define VAR_DEC 0.1f
#endif
#ifndef PROP
/* proportionate share: partitions holding more of the echo path (by weight norm) take more of
 * the step and of the expected residual; the rest is spread evenly */
#define PROP 0.9f
#endif
#ifndef DEC_PARTS
/* ... times the partitions over this many for those away from the echo (far_part()). While the
 * expected residual R makes most of the gain's denominator a block takes about 2 VAR_DEC / P of
 * a partition's V: at 128 ms (16 partitions) V fell half as fast as at 64 ms, the expected
 * residual stayed 10-20 dB over the error's power for 2-6 s (64 ms: 3-8 dB) and the 14
 * partitions without echo took the step's noise (each weight error 3-5 dB over 64 ms's, their
 * sum most of the misalignment). Now as at 64 ms: 128 ms -55 dBm0 40.9/40.1 -> 44.2/43.5,
 * -e 0 40.4/39.6 -> 44.5/43.5, -80 60.5/53.4 -> 60.9/58.9, -R 700 31 40.2/38.9 -> 43.7/41.3
 * dB; speech seeds 1-8 summed (median/worst) 313.4/307.2 -> 339.8/331.3; 64 ms unchanged.
 * 1.25 x that (DEC_PARTS 6.4: 44.9/44.2), or all partitions' VAR_DEC x 2, lose a weak
 * reflection far in the tail (-R 900 31 worst 39.2 -> 32.8, -R 700 31 26.8) */
#define DEC_PARTS 8
#endif
#ifndef FAR_GAP
/* ... away: this many partitions beyond the helper's window (0: 44.6/44.0, but seed 2's D.6
 * -2 dB and seed 3 worst 43.5 -> 41.5) */
#define FAR_GAP 1
#endif
#ifndef FAR_AFTER
/* ... once the echo has been found (the early look's 36 blocks of far-end speech and the first
 * look of the weights after it): from the start, 128 ms -e 300 t20 0.35 -> 0.75 s */
#define FAR_AFTER 42
#endif
#ifndef REFL_R
/* a partition away from the echo holds a reflection when its share beyond the even part is
 * this many times the median's of those partitions (or its neighbour's is: a dispersive
 * reflection's tail); see reflection() */
#define REFL_R 2.5f
#endif
#ifndef SHRINK
/* after the hand-over, the taps of the partitions away from the echo and from reflections
 * under this many times the rms of their taps (median over those partitions) ... */
#define SHRINK 3.0f
#endif
#ifndef SHRINK_F
#define SHRINK_F 0.9f /* ... are scaled by this each time their partition is constrained */
#endif
#ifndef FULL_DEC
/* VAR_DEC of the partitions with a full covariance (see full_gain()): there it shrinks only in
 * the direction a block shows, not in all of them */
#define FULL_DEC 0.07f
#endif
#ifndef FULL_HYST
#define FULL_HYST 1.2f /* a partition joins the full set with this much more weight norm */
#endif
#ifndef GRAD_SMOOTH
#define GRAD_SMOOTH 0.03f /* gradient coherence: smoothing per block */
#endif
#ifndef COH_FACTOR
#define COH_FACTOR 8.0f /* coherence above this many times the incoherent level: path wrong */
#endif
#ifndef BOOST
#define BOOST 3.0f /* variance raised to BOOST x the weight error the gradient shows */
#endif
#ifndef BOOST_ERLE
#define BOOST_ERLE 0.1f /* ... and only while the output is within 10 dB of the input */
#endif
#ifndef CONSTRAIN_N
#define CONSTRAIN_N 2 /* partitions made linear convolutions again per block, in turn */
#endif
#ifndef LOC_SHARE
#define LOC_SHARE 0.3f /* a partition holding this share of the weights' energy has the echo */
#endif
#ifndef LOC_EVERY
#define LOC_EVERY 6 /* blocks of far-end speech between looks for the echo */
#endif
/* the early look for the echo (xlocate()), while the weights cannot tell yet */
#ifndef XLOC_RUNS
#define XLOC_RUNS 36 /* blocks of far-end speech it looks, once per block (30-48 alike) */
#endif
#ifndef XLOC_PEAK
#define XLOC_PEAK 4.5f /* a peak this many times the rms of the delays that have seen speech */
#endif
#ifndef XLOC_SAME
#define XLOC_SAME 3 /* ... found in this many looks in a row, within XLOC_TOL samples */
#endif
#define XLOC_TOL 8
#ifndef XLOC_MIN
#define XLOC_MIN 32 /* the window moves for it when that is this far from where it is */
#endif
#ifndef XLOC_GUARD
#define XLOC_GUARD 0.25f /* ... and its output holds at least this share of the line */
#endif
#define XLOC_REG 0.1f /* whitening: |X|^2 plus this share of its mean over the bins */
#ifndef RESEED_WAIT
#define RESEED_WAIT 12 /* blocks of far-end speech after a seed before it is seeded again */
#endif
#ifndef RESEED_RUNS
#define RESEED_RUNS 125 /* ... during its first second of far-end speech */
#endif
#ifndef SHORT_MAX
#define SHORT_MAX 1250 /* blocks of far-end speech the start-up helper may run (10 s) */
#endif
#ifndef HANDOVER
#define HANDOVER 1.0f /* it goes on while its output holds less than the other's */
#endif
#define HO_SMOOTH 0.1f /* the two outputs' powers: smoothing per block */
#ifndef DC_LEAK
#define DC_LEAK 0.1f /* 1/pi^2: see block() */
#endif
#ifndef LEAK
#define LEAK 1e-2f /* leak per block of the partitions away from the echo (see leak()) */
#endif
#ifndef LEAK_SHARE
/* ... holding under this share of the strongest one's energy: 1e-2 took a second reflection
 * 25 dB under the first (steady 29-34 dB on such a line); 1e-4 D.7's at 31 dB (38.1) */
#define LEAK_SHARE 3e-5f
#endif
#ifndef LEAK_AFTER
#define LEAK_AFTER 3 /* ... more than 1 before or this many after the full set */
#endif
#ifndef LEAK_ERLE
#define LEAK_ERLE 1e-3f /* ... once the filter takes out 30 dB */
#endif
#ifndef LEAK_EVERY
/* ... every this many blocks, LEAK_EVERY x LEAK at a time: the same figures as every block
 * (within 0.2 dB), settled cost 889 / 1,227 -> 854 / 1,150 instructions per sample */
#define LEAK_EVERY 8
#endif
#ifndef LEAK_V
/* variance added per unit of the power leaked away (1e3 x LEAK^2 |W|^2 per block): what leaks
 * may be a weak echo after all; it is learnt again sooner (second reflection 36 dB under the
 * far end, worst 44.5 -> 45.0 dB) */
#define LEAK_V 1e3f
#endif
#ifndef HAND_AT
/* the partitioned filter takes the helper's taps after this many blocks of far-end speech (2 s)
 * if the helper still runs and holds less (see hand_over()). 64 ms, seed 1: -55 dBm0 steady
 * 45.6/45.0 -> 46.6/46.2, -80 63.1/60.8 -> 64.6/60.8, 128 ms 40.2/39.6 -> 40.8/40.0; speech
 * seeds 1-8 summed (median/worst, -55 and -80): 334.8/286.6 and 474.1/341.8 -> 352.6/327.2 and
 * 482.1/380.2. At 0.5 s (60): 335.9/304.1, 468.2/389.2; at 1 s with the helper's output
 * under half the other's: 342.9/311.4, 479.2/388.8 but D.9 at -80 60.8 -> 57.2 */
#define HAND_AT 250
#endif
/* process noise floor, as a weight power: Q0 = 1e-9 at Q (it falls with q as well: -80 dBm0
 * median/worst 62.6/60.7 -> 63.1/60.8 dB; started on the true path 65.5 -> 68.2 on D.4) */
#define W0 (1e-9f / Q)
#define PHI_FLOOR 1.0f		 /* error units: far below a -90 dBm0 line */
#define FAR_ACTIVE (16.0f * 16.0f) /* mean square, about -60 dBm0 */
#define TINY 1e-6f /* keeps smoothed powers out of denormals in digital silence */

/* ---- state -------------------------------------------------------------------------------- */
_Static_assert(ECAN_NBP == ECAN_BINS_PAD, "ecan.h's ECAN_SIZE() must know the spectra's size");
_Static_assert(((sizeof(struct ecan) + 15) & ~(size_t)15) <= ECAN_HDR_MAX,
	       "raise ECAN_HDR_MAX in ecan.h: static pools are sized by ECAN_SIZE()");

static size_t ecan_hdr(void)
{
	return (sizeof(struct ecan) + 15) & ~(size_t)15;
}

size_t ecan_size(int taps)
{
	if (taps < N || taps > ECAN_TAPS_MAX || taps % N)
		return 0;
	return ecan_hdr() + 7 * (size_t)(taps / N) * NBP * sizeof(float);
}

void ecan_reset(struct ecan *ec)
{
	size_t arr = (size_t)ec->parts * NBP;

	memset(ec->xr, 0, 4 * arr * sizeof(float));
	memset(ec->gr, 0, 2 * arr * sizeof(float));
	for (size_t i = 0; i < arr; i++)
		ec->pv[i] = V0;
	memset(ec->sxx, 0, sizeof(ec->sxx));
	memset(ec->see, 0, sizeof(ec->see));
	memset(ec->coh, 0, sizeof(ec->coh));
	ec->leak_in = 0;
	ec->boost = 0;
	ec->nfull = ec->parts < ECAN_FULL ? ec->parts : ECAN_FULL;
	for (int i = 0; i < ECAN_FULL; i++)
		ec->full[i] = i;
	memset(ec->ccr, 0, sizeof(ec->ccr));
	memset(ec->cci, 0, sizeof(ec->cci));
	memset(ec->din, 0, sizeof(ec->din));
	memset(ec->xin, 0, sizeof(ec->xin));
	memset(ec->out, 0, sizeof(ec->out));
	memset(ec->xold, 0, sizeof(ec->xold));
	memset(ec->phi, 0, sizeof(ec->phi));
	memset(ec->trms, 0, sizeof(ec->trms));
	memset(&ec->st, 0, sizeof(ec->st));
	for (int p = 0; p < ECAN_TAPS_MAX / N; p++)
		ec->pw[p] = 1;
	ec->fill = ec->head = ec->constrain = ec->far_hold = 0;
	ec->s_x = ec->s_d = ec->s_e = 0;
	ec->q = Q;
	ecan_nlp_reset(&ec->nlp);
	ecan_tone_reset(&ec->tone);
	ecan_short_reset(&ec->sh, ec->taps);
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
	arr = (size_t)ec->parts * NBP;
	ec->xr = (float *)((char *)mem + ecan_hdr());
	ec->xi = ec->xr + arr;
	ec->wr = ec->xi + arr;
	ec->wi = ec->wr + arr;
	ec->pv = ec->wi + arr;
	ec->gr = ec->pv + arr;
	ec->gi = ec->gr + arr;
	ecan_fft_init(&ec->fft);
	ecan_tone_init(&ec->tone);
	ec->nlp.on = 1;
	ecan_reset(ec);
	*out = ec;
	return 0;
}

int ecan_set_nlp(struct ecan *ec, int on)
{
	if (!ec)
		return -EINVAL;
	ec->nlp.on = !!on;
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
static int slot_of(const struct ecan *ec, int age)
{
	int s = ec->head - age;

	return s < 0 ? s + ec->parts : s;
}

/* Y = sum_p W_p X_p and R = sum_p s_p V_p |X_p|^2 (s_p: the partition's proportionate share) */
static void filter(const struct ecan *ec, float *restrict yr, float *restrict yi,
		   float *restrict res)
{
	memset(yr, 0, NBP * sizeof(float));
	memset(yi, 0, NBP * sizeof(float));
	memset(res, 0, NBP * sizeof(float));
	for (int p = 0; p < ec->parts; p++) {
		size_t xo = (size_t)slot_of(ec, p) * NBP, wo = (size_t)p * NBP;
		const float *restrict xr = ec->xr + xo, *restrict xi = ec->xi + xo;
		const float *restrict wr = ec->wr + wo, *restrict wi = ec->wi + wo;
		const float *restrict pv = ec->pv + wo;
		const float pw = ec->pw[p];

		for (int k = 0; k < NBP; k++) {
			yr[k] += wr[k] * xr[k] - wi[k] * xi[k];
			yi[k] += wr[k] * xi[k] + wi[k] * xr[k];
			res[k] += pw * pv[k] * (xr[k] * xr[k] + xi[k] * xi[k]);
		}
	}
}

/* W_p += MU K_p conj(X_p) E with the Kalman gain K_p = s_p V_p g, the variance update, and the
 * smoothed gradient (its power summed per bin into coh) */
static void adapt_part(float *restrict wr, float *restrict wi, float *restrict pv,
		       float *restrict gr, float *restrict gi, float *restrict coh,
		       const float *restrict xr, const float *restrict xi,
		       const float *restrict er, const float *restrict ei, const float *restrict g,
		       const float *restrict vmin, const float *restrict nb, const float *restrict mu,
		       float pw, float q, float dec)
{
	for (int k = 0; k < NBP; k++) {
		float kg = pw * pv[k] * g[k], s = mu[k] * kg;
		float x2 = xr[k] * xr[k] + xi[k] * xi[k];
		float cr = xr[k] * er[k] + xi[k] * ei[k], ci = xr[k] * ei[k] - xi[k] * er[k];
		float nr = wr[k] + s * cr, ni = wi[k] + s * ci;
		float v, b;

		wr[k] = nr;
		wi[k] = ni;
		/* smoothed gradient: E[conj(X) E] = E|X|^2 times the weight error */
		gr[k] += GRAD_SMOOTH * (cr - gr[k]);
		gi[k] += GRAD_SMOOTH * (ci - gi[k]);
		b = gr[k] * gr[k] + gi[k] * gi[k];
		coh[k] += b;
		/* the variance is at least the weight error the gradient shows (when told so) */
		v = pv[k] - dec * kg * pv[k] * x2 + q * (nr * nr + ni * ni + W0);
		b = (b - nb[k]) * vmin[k];
		pv[k] = v > b ? v : b;
	}
}

/* ---- the partitions with a full covariance ------------------------------------------------
 * On speech a bin holds one pitch harmonic or formant for tens of ms: its reference spectra
 * X_p over the partitions are nearly a rotating phasor, one direction of the P unknowns at a
 * time. A diagonal covariance shrinks every partition's variance on such a block and spreads
 * the correction over all of them: the weights of neighbouring partitions then hold errors
 * that cancel each other on that direction, until new harmonics (or the end of a syllable)
 * show them. For the ECAN_FULL partitions holding most of the echo path (by weight norm) the
 * covariance C is kept in full per bin, in coordinates scaled by the square roots s_i of the
 * shares (so that the diagonal is the V of the others and the step reduces to theirs):
 *   c = C conj(s X),  R += the cross terms of (s X)^T C conj(s X),  W_i += MU g s_i c_i E,
 *   C -= FULL_DEC g c c^H.
 * C stays positive semi-definite: g (s X)^T C conj(s X) <= 1 / RES_SCALE, FULL_DEC small. */
static int pair_of(int i, int j) /* j < i */
{
	return i * (i - 1) / 2 + j;
}

static void full_diag(float *restrict cr, float *restrict ci, const float *restrict xr,
		      const float *restrict xi, const float *restrict pv, float s)
{
	for (int k = 0; k < NBP; k++) {
		cr[k] = s * pv[k] * xr[k];
		ci[k] = -s * pv[k] * xi[k];
	}
}

/* pair (i, j): C_ij = m, C_ji = conj(m); c_i += m conj(b), c_j += conj(m) conj(a) and
 * res += 2 Re(a m conj(b)), with a = s_i X_i, b = s_j X_j */
static void full_pair(float *restrict cir, float *restrict cii, float *restrict cjr,
		      float *restrict cji, float *restrict res, const float *restrict mr,
		      const float *restrict mi, const float *restrict xir, const float *restrict xii,
		      const float *restrict xjr, const float *restrict xji, float si, float sj)
{
	for (int k = 0; k < NBP; k++) {
		float ar = si * xir[k], ai = si * xii[k], br = sj * xjr[k], bi = sj * xji[k];
		float tr = mr[k] * br + mi[k] * bi, ti = mi[k] * br - mr[k] * bi;

		cir[k] += tr;
		cii[k] += ti;
		cjr[k] += mr[k] * ar - mi[k] * ai;
		cji[k] -= mr[k] * ai + mi[k] * ar;
		res[k] += 2 * (ar * tr - ai * ti);
	}
}

/* c = C conj(s X) of the full set (cr, ci: ECAN_FULL x NBP), its cross terms into res */
static void full_gain(const struct ecan *ec, float (*cr)[NBP], float (*ci)[NBP], float *res)
{
	const float *xr[ECAN_FULL], *xi[ECAN_FULL];
	float sc[ECAN_FULL];

	for (int i = 0; i < ec->nfull; i++) {
		int p = ec->full[i];
		size_t xo = (size_t)slot_of(ec, p) * NBP;

		xr[i] = ec->xr + xo;
		xi[i] = ec->xi + xo;
		sc[i] = sqrtf(ec->pw[p]);
		full_diag(cr[i], ci[i], xr[i], xi[i], ec->pv + (size_t)p * NBP, sc[i]);
	}
	for (int i = 1; i < ec->nfull; i++)
		for (int j = 0; j < i; j++) {
			int c = pair_of(i, j);

			full_pair(cr[i], ci[i], cr[j], ci[j], res, ec->ccr[c], ec->cci[c], xr[i],
				  xi[i], xr[j], xi[j], sc[i], sc[j]);
		}
}

/* a member's step: as adapt_part() with the gain numerator s c instead of s^2 V conj(X); the
 * gradient and variance-floor lines are repeated, not shared: through a helper function gcc 12
 * no longer vectorised either loop (bench-ecan: 849 -> 1,263 instructions per sample) */
static void adapt_full_part(float *restrict wr, float *restrict wi, float *restrict pv,
			    float *restrict gr, float *restrict gi, float *restrict coh,
			    const float *restrict xr, const float *restrict xi,
			    const float *restrict er, const float *restrict ei,
			    const float *restrict g, const float *restrict vmin,
			    const float *restrict nb, const float *restrict cr,
			    const float *restrict ci, const float *restrict mu, float s, float q)
{
	for (int k = 0; k < NBP; k++) {
		float m = mu[k] * s * g[k];
		float nr = wr[k] + m * (cr[k] * er[k] - ci[k] * ei[k]);
		float ni = wi[k] + m * (cr[k] * ei[k] + ci[k] * er[k]);
		float gxr = xr[k] * er[k] + xi[k] * ei[k], gxi = xr[k] * ei[k] - xi[k] * er[k];
		float v, b;

		wr[k] = nr;
		wi[k] = ni;
		gr[k] += GRAD_SMOOTH * (gxr - gr[k]);
		gi[k] += GRAD_SMOOTH * (gxi - gi[k]);
		b = gr[k] * gr[k] + gi[k] * gi[k];
		coh[k] += b;
		v = pv[k] - FULL_DEC * g[k] * (cr[k] * cr[k] + ci[k] * ci[k]) +
		    q * (nr * nr + ni * ni + W0);
		b = (b - nb[k]) * vmin[k];
		pv[k] = v > b ? v : b;
	}
}

/* C_ij -= FULL_DEC g c_i conj(c_j) */
static void full_pair_update(float *restrict mr, float *restrict mi, const float *restrict cir,
			     const float *restrict cii, const float *restrict cjr,
			     const float *restrict cji, const float *restrict g)
{
	for (int k = 0; k < NBP; k++) {
		float d = FULL_DEC * g[k];

		mr[k] -= d * (cir[k] * cjr[k] + cii[k] * cji[k]);
		mi[k] -= d * (cii[k] * cjr[k] - cir[k] * cji[k]);
	}
}

static int full_slot(const struct ecan *ec, int p)
{
	for (int i = 0; i < ec->nfull; i++)
		if (ec->full[i] == p)
			return i;
	return -1;
}

/* keep the partitions of largest weight norm in the full set: one clearly stronger than the
 * weakest member takes its slot, with no cross covariance yet */
static void full_select(struct ecan *ec, const float *nrm)
{
	for (int p = 0; p < ec->parts; p++) {
		int w = 0;

		if (full_slot(ec, p) >= 0)
			continue;
		for (int i = 1; i < ec->nfull; i++)
			if (nrm[ec->full[i]] < nrm[ec->full[w]])
				w = i;
		if (nrm[p] <= FULL_HYST * nrm[ec->full[w]])
			continue;
		ec->full[w] = p;
		for (int i = 0; i < ec->nfull; i++) {
			int c;

			if (i == w)
				continue;
			c = i > w ? pair_of(i, w) : pair_of(w, i);
			memset(ec->ccr[c], 0, sizeof(ec->ccr[c]));
			memset(ec->cci[c], 0, sizeof(ec->cci[c]));
		}
	}
}

/* The partitions well away from the echo (more than one before or LEAK_AFTER after the full
 * set) that hold next to nothing (under LEAK_SHARE of the strongest's energy, -45 dB) leak
 * towards zero once the filter takes out 30 dB: what they hold is what start-up left, errors
 * that cancel the echo partitions' on what the speech has shown, and they stay (their share of
 * the step is small). Their variance grows by what leaks, so that a weak echo there is learnt
 * again. A second reflection 25-40 dB under the first holds more than that and is left alone
 * (with a share of 1e-2 it was leaked away: steady 29-34 dB on such a line). 64 ms -55 dBm0
 * steady 47.0/46.4 -> 48.0/47.4, -80 65.1/63.0 -> 65.8/63.8, 128 ms 40.9/40.1 -> 42.0/40.3;
 * speech seeds 1-8 summed -55 352.1/336.9 -> 357.2/340.7, -80 478.8/416.4 -> 481.3/417.7
 * (seed 4 at -80: D.3 59.4 -> 54.2, its p5-p7 held 1e-6 of the echo's energy and that
 * mattered at 59 dB). */
static void leak(struct ecan *ec, const float *nrm)
{
	int lo = ec->parts, hi = 0;
	float mx = 0;

	if (ec->s_e > LEAK_ERLE * ec->s_d || ++ec->leak_in < LEAK_EVERY)
		return;
	ec->leak_in = 0;
	for (int p = 0; p < ec->parts; p++)
		mx = nrm[p] > mx ? nrm[p] : mx;
	for (int i = 0; i < ec->nfull; i++) {
		lo = ec->full[i] < lo ? ec->full[i] : lo;
		hi = ec->full[i] > hi ? ec->full[i] : hi;
	}
	for (int p = 0; p < ec->parts; p++) {
		float *wr = ec->wr + (size_t)p * NBP, *wi = ec->wi + (size_t)p * NBP;
		float *pv = ec->pv + (size_t)p * NBP;

		if ((p >= lo - 1 && p <= hi + LEAK_AFTER) || nrm[p] * nrm[p] > LEAK_SHARE * mx * mx)
			continue;
		for (int k = 0; k < NBP; k++) {
			pv[k] += LEAK_V * LEAK * LEAK * LEAK_EVERY * (wr[k] * wr[k] + wi[k] * wi[k]);
			wr[k] *= 1 - LEAK * LEAK_EVERY;
			wi[k] *= 1 - LEAK * LEAK_EVERY;
		}
	}
}

/* The step per bin. A quiet line (ERLE over 40 dB) shows what the step's own noise costs: with
 * MU x 0.7 everywhere the steady ERLE at -80 dBm0 rose 0.5-1 dB on 7 of the 8 models, but D.9,
 * still learning its low band at 10 s, lost 1.6 dB, and over other talkers it lost as much
 * as it gained. So the step follows the smoothed gradient of the last block, bin by bin:
 * coherent (COH_STEP times what an incoherent one shows, summed over the partitions: the
 * weights are still wrong there) MU x 1.3, else MU x 0.7; the bins under 62 Hz, which the
 * speech hardly reaches (a 100 Hz high-pass) and where D.9 returns much, keep MU. With the
 * bin-1 term in block(): 64 ms -80 dBm0 steady 65.8/63.8 -> 66.2/65.1 dB; speech seeds 1-8 x 8
 * models at -80, mean 59.81 -> 60.15 dB, power mean 48.04 -> 48.48, under 55 dB 17 -> 15 of
 * 64. Without the coherence (0.7 in every bin from bin 2): 66.6/64.9 but mean 59.33; with bins
 * 0-1 at 0.7 too: D.9 64.2. At -55 dBm0 noise the ERLE never gets there. */
static void step(struct ecan *ec)
{
	int quiet = ec->s_e < MU_ERLE * ec->s_d;

	for (int k = 0; k < NBP; k++) {
		float m = ECAN_MU;

		if (quiet && ec->coh[k])
			m = ECAN_MU * MU_COH;
		else if (quiet && k >= MU_LOW)
			m = ECAN_MU * MU_QUIET;
		ec->mu[k] = m;
	}
}

/* A partition away from the echo: it shares no samples with the helper's window (where the
 * echo was found) widened by FAR_GAP partitions each side. Its variance falls faster on a long
 * tail (DEC_PARTS). */
static int far_part(const struct ecan *ec, int p)
{
	int a = ec->sh.off - FAR_GAP * N, b = ec->sh.off + ECAN_SHORT_TAPS + FAR_GAP * N;

	if (ec->sh.run < FAR_AFTER)
		return 0;
	return (p + 1) * N <= a || p * N >= b;
}

/* One step of all partitions. Besides the Kalman step, the gradient conj(X_p) E is smoothed:
 * a near-end talker leaves it incoherent (it averages out), a wrong echo path (a new one after
 * a change) makes it coherent. Coherence well above the level noise leaves raises the variance
 * to the weight error it shows, so that a changed path is learnt again while double talk
 * still freezes adaptation. */
static void adapt(struct ecan *ec, const float *er, const float *ei, const float *g,
		  float (*cr)[NBP], float (*ci)[NBP])
{
	float nrm[ECAN_TAPS_MAX / N], tot = 0, coh[NBP], vmin[NBP], nb[NBP], num = 0, den = 0;
	const float bias = GRAD_SMOOTH / (2 - GRAD_SMOOTH); /* incoherent |mean|^2 / mean|.|^2 */
	const float far_dec = VAR_DEC * ec->parts / DEC_PARTS;

	for (int k = 0; k < NBP; k++) {
		float e2 = er[k] * er[k] + ei[k] * ei[k];

		coh[k] = 0;
		ec->see[k] += GRAD_SMOOTH * (e2 + TINY - ec->see[k]);
		den += ec->sxx[k] * ec->see[k];
		/* what an incoherent gradient shows, with the margin of the coherence test */
		nb[k] = COH_FACTOR * bias * ec->sxx[k] * ec->see[k];
		vmin[k] = ec->boost ? BOOST / (ec->sxx[k] * ec->sxx[k] + 1e-3f) : 0;
	}
	for (int p = 0; p < ec->parts; p++) {
		size_t xo = (size_t)slot_of(ec, p) * NBP, wo = (size_t)p * NBP;
		int f = full_slot(ec, p);

		if (f >= 0)
			adapt_full_part(ec->wr + wo, ec->wi + wo, ec->pv + wo, ec->gr + wo,
					ec->gi + wo, coh, ec->xr + xo, ec->xi + xo, er, ei, g, vmin,
					nb, cr[f], ci[f], ec->mu, sqrtf(ec->pw[p]), ec->q);
		else
			adapt_part(ec->wr + wo, ec->wi + wo, ec->pv + wo, ec->gr + wo,
				   ec->gi + wo, coh, ec->xr + xo, ec->xi + xo, er, ei, g, vmin, nb,
				   ec->mu, ec->pw[p], ec->q, far_part(ec, p) ? far_dec : VAR_DEC);
	}
	for (int i = 1; i < ec->nfull; i++)
		for (int j = 0; j < i; j++) {
			int c = pair_of(i, j);

			full_pair_update(ec->ccr[c], ec->cci[c], cr[i], ci[i], cr[j], ci[j], g);
		}
	for (int k = 0; k < NBP; k++) {
		num += coh[k];
		/* for the next block's step (step()) */
		ec->coh[k] = coh[k] > COH_STEP * bias * COH_PARTS * ec->sxx[k] * ec->see[k];
	}
	/* only while the output holds much of what came in (ERLE under 10 dB): a settled filter's
	 * small leftover errors are the Kalman step's business */
	ec->boost = num > COH_FACTOR * bias * ec->parts * den && ec->s_e > BOOST_ERLE * ec->s_d;
	for (int p = 0; p < ec->parts; p++) {
		const float *wr = ec->wr + (size_t)p * NBP, *wi = ec->wi + (size_t)p * NBP;
		float e = 0;

		for (int k = 0; k < NBP; k++)
			e += wr[k] * wr[k] + wi[k] * wi[k];
		nrm[p] = sqrtf(e);
		tot += nrm[p];
	}
	for (int p = 0; p < ec->parts; p++)
		ec->pw[p] = tot > 0 ? (1 - PROP) + PROP * ec->parts * nrm[p] / tot : 1;
	full_select(ec, nrm);
	leak(ec, nrm);
}

static void predict(float *restrict pv, const float *restrict wr, const float *restrict wi,
		    size_t n, float q)
{
	for (size_t i = 0; i < n; i++)
		pv[i] += q * (wr[i] * wr[i] + wi[i] * wi[i] + W0);
}

/* the median of a[p] over the partitions away from the echo */
static float far_median(const struct ecan *ec, const float *a)
{
	float v[ECAN_TAPS_MAX / N];
	int n = 0;

	for (int p = 0; p < ec->parts; p++) {
		int i;

		if (!far_part(ec, p))
			continue;
		for (i = n++; i > 0 && v[i - 1] > a[p]; i--)
			v[i] = v[i - 1];
		v[i] = a[p];
	}
	return n ? v[n / 2] : 0;
}

/* A partition away from the echo (far_part()) and after it (a reflection comes later than the
 * first echo: before it, what start-up left, the weights showing partition 0 before the tail
 * has filled, looked like one with the echo at the end of a 128 ms tail: seed 8 37.3/35.6 dB,
 * t20 8.10 s; after it only, 44.5/42.9, 0.25 s) holding a clear share of the weights' norm, or
 * beside one (a dispersive reflection's tail): a reflection, which the hand-over keeps and the
 * shrink leaves alone. The share is taken against the median of the partitions away from the
 * echo: by itself it does not tell a reflection 31-35 dB under the echo (0.4-0.7 at 128 ms at
 * the hand-over) from the errors those partitions hold, 0.15-0.45 with a high voice. */
static int reflection(const struct ecan *ec, int p)
{
	const float even = 1 - PROP;
	float m;

	if (p * N < ec->sh.off)
		return 0;
	m = even + REFL_R * (far_median(ec, ec->pw) - even);
	return ec->pw[p] >= m || (p > 0 && ec->pw[p - 1] >= m) ||
	       (p + 1 < ec->parts && ec->pw[p + 1] >= m);
}

/* Zero the circular half of a partition (a linear convolution again). A partition away from the
 * echo holds no echo but the noise the steps leave (or a reflection): once the hand-over has
 * set them to zero, its taps under SHRINK times their usual rms shrink a little each time
 * (SHRINK_F), the larger ones (a reflection learnt since) stay. */
static void constrain(struct ecan *ec)
{
	int p = ec->constrain;
	size_t wo = (size_t)p * NBP;
	float t[2 * N];

	ecan_irfft(&ec->fft, t, ec->wr + wo, ec->wi + wo, 0);
	memset(t + N, 0, N * sizeof(float));
	if (far_part(ec, p)) {
		float e = 0, tau;

		for (int i = 0; i < N; i++)
			e += t[i] * t[i];
		ec->trms[p] = e / N;
		tau = SHRINK * sqrtf(far_median(ec, ec->trms));
		if (ec->sh.handed && !reflection(ec, p))
			for (int i = 0; i < N; i++)
				t[i] *= t[i] > tau || t[i] < -tau ? 1 : SHRINK_F;
	}
	ecan_rfft(&ec->fft, ec->wr + wo, ec->wi + wo, t);
	if (++ec->constrain == ec->parts)
		ec->constrain = 0;
}

/* The helper moved to a part of the tail it knows nothing of: it starts from what the
 * partitioned filter learnt there (partition p's IFFT holds the taps of delays pN..pN+N-1). */
static void seed_short(struct ecan *ec)
{
	struct ecan_short *sh = &ec->sh;
	int last = sh->off + ECAN_SHORT_TAPS - 1;
	float t[2 * N];

	/* its smoothed output power is that of the taps it had: start it level with the other */
	sh->since = 0;
	sh->ps = sh->pe;
	for (int p = sh->off / N; p <= last / N && p < ec->parts; p++) {
		ecan_irfft(&ec->fft, t, ec->wr + (size_t)p * NBP, ec->wi + (size_t)p * NBP, 0);
		for (int i = 0; i < N; i++) {
			int d = p * N + i;

			if (d >= sh->off && d <= last)
				sh->h[last - d] = t[i];
		}
	}
}

static void move_short(struct ecan *ec, int peak)
{
	int d = ecan_short_move(&ec->sh, peak);

	if (d >= ECAN_SHORT_TAPS / 2 || d <= -ECAN_SHORT_TAPS / 2)
		seed_short(ec);
}

/* Where is the echo, early? The smoothed gradient conj(X_p) E is the cross-spectrum of the
 * reference and the error (the line, while the weights are still small): whitened by the
 * reference's spectrum and taken back to delays it is the cross-correlation, whose peak is the
 * echo's once the echo of the first speech has come in. Returns the delay of the largest
 * value when it stands XLOC_PEAK times above the rms of the delays that have seen speech (the
 * gradient of a partition whose reference is still silent is zero), else -1. */
static int xlocate(struct ecan *ec)
{
	float wr[NBP], wi[NBP], w[NBP], t[2 * N], m = 0, sum = 0, mean = 0;
	int pk = -1, cnt = 0;

	for (int k = 0; k < ECAN_FFT_BINS; k++)
		mean += ec->sxx[k];
	mean = XLOC_REG * mean / ECAN_FFT_BINS + TINY;
	for (int k = 0; k < NBP; k++)
		w[k] = 1.0f / (ec->sxx[k] + mean);
	for (int p = 0; p < ec->parts; p++) {
		const float *gr = ec->gr + (size_t)p * NBP, *gi = ec->gi + (size_t)p * NBP;
		float any = 0;

		for (int k = 0; k < NBP; k++) {
			wr[k] = gr[k] * w[k];
			wi[k] = gi[k] * w[k];
			any += wr[k] * wr[k] + wi[k] * wi[k];
		}
		if (!(any > 0))
			continue; /* its reference has been silent so far (early in the call) */
		ecan_irfft(&ec->fft, t, wr, wi, 0);
		for (int i = 0; i < N; i++) {
			float a = t[i] * t[i];

			sum += a;
			cnt += a > 0;
			if (a > m) {
				m = a;
				pk = p * N + i;
			}
		}
	}
	return pk >= 0 && m >= XLOC_PEAK * XLOC_PEAK * sum / cnt ? pk : -1;
}

/* Where is the echo? The partition holding most of the weights' norm, when it holds a clear
 * share, and in it the largest tap: the start-up helper's window goes there. */
static void locate(struct ecan *ec)
{
	float nrm, best = 0, tot = 0, t[2 * N], m = 0;
	int bp = 0, pk = 0;

	for (int p = 0; p < ec->parts; p++) {
		const float *wr = ec->wr + (size_t)p * NBP, *wi = ec->wi + (size_t)p * NBP;

		nrm = 0;
		for (int k = 0; k < NBP; k++)
			nrm += wr[k] * wr[k] + wi[k] * wi[k];
		tot += nrm;
		if (nrm > best) {
			best = nrm;
			bp = p;
		}
	}
	if (tot <= 0 || best < LOC_SHARE * tot)
		return;
	ecan_irfft(&ec->fft, t, ec->wr + (size_t)bp * NBP, ec->wi + (size_t)bp * NBP, 0);
	for (int i = 0; i < N; i++) {
		float a = t[i] < 0 ? -t[i] : t[i];

		if (a > m) {
			m = a;
			pk = i;
		}
	}
	move_short(ec, bp * N + pk);
}

/* The helper still holds less after HAND_AT blocks of far-end speech: the partitioned filter
 * starts again from its taps (nothing outside its window but the partitions away from it that
 * hold a reflection: reflection()), its Kalman state as it is. What
 * the partitioned filter learns while it converges leaves errors that cancel each other across
 * partitions and bins on what the speech has shown, and they stay (set to the true path, it
 * holds 64-71 dB at -80 dBm0 for 30 s; from zero 56-66); the helper's time-domain taps over the
 * echo hold fewer. (Copying an NLMS helper's taps at 1 s wrecked the Kalman state: those taps
 * were 25 dB off.) */
static void hand_over(struct ecan *ec)
{
	const struct ecan_short *sh = &ec->sh;
	float t[2 * N];

	for (int p = 0; p < ec->parts; p++) {
		int keep = far_part(ec, p) && reflection(ec, p);
		float o[2 * N];

		if (keep)
			ecan_irfft(&ec->fft, o, ec->wr + (size_t)p * NBP, ec->wi + (size_t)p * NBP,
				   0);
		for (int i = 0; i < 2 * N; i++) {
			int k = sh->off + ECAN_SHORT_TAPS - 1 - (p * N + i);

			t[i] = i < N && k >= 0 && k < ECAN_SHORT_TAPS ? sh->h[k] :
			       i < N && keep ? o[i] : 0;
		}
		ecan_rfft(&ec->fft, ec->wr + (size_t)p * NBP, ec->wi + (size_t)p * NBP, t);
	}
}

/* The start-up helper's turn is over after SHORT_BLOCKS of far-end speech unless its output
 * still holds less than the partitioned filter's (a long tail learns slowly); then up to
 * SHORT_MAX. While it runs it looks for the echo now and then: in its first XLOC_RUNS blocks
 * with the gradient's cross-correlation (xlocate()) every block, and every LOC_EVERY blocks
 * with the weights, which before the tail has filled with speech show partition 0 (0.99 of
 * their energy; 128 ms tail, echo at its end: the weights find it after ~36 blocks of speech,
 * the cross-correlation after ~26). The cross-correlation's peak moves the window when it
 * holds in XLOC_SAME looks in a row and the helper does not already take 6 dB off the line
 * (early it also peaks in the echo's tail, and a window on a steady pitch period before the
 * echo may cancel it for a while: both moved a helper that was doing well); once it has
 * moved it, the weights wait until XLOC_RUNS. During its first second a helper whose output
 * holds more than the partitioned filter's for RESEED_WAIT blocks starts again from that
 * filter's taps (after an early move they are poor, and on D.8's resonance the partitioned
 * filter learns faster). */
static void short_turn(struct ecan *ec, float pe, float pes)
{
	struct ecan_short *sh = &ec->sh;

	sh->pe += HO_SMOOTH * (pe - sh->pe);
	sh->ps += HO_SMOOTH * (pes - sh->ps);
	if (++sh->run >= HAND_AT && !sh->handed && sh->ps < sh->pe && !sh->hold &&
	    !ec->nlp.near_hold) {
		hand_over(ec);
		sh->handed = 1;
	}
	if (sh->run <= XLOC_RUNS) {
		int pk = xlocate(ec);

		if (pk >= 0 && sh->xpk >= 0 && pk - sh->xpk <= XLOC_TOL && sh->xpk - pk <= XLOC_TOL)
			sh->xsame++;
		else
			sh->xsame = pk >= 0;
		sh->xpk = pk;
		if (sh->xsame >= XLOC_SAME) {
			int d = pk - ECAN_SHORT_PRE - sh->off;

			if ((d >= XLOC_MIN || d <= -XLOC_MIN) && sh->ps >= XLOC_GUARD * ec->s_d) {
				move_short(ec, pk);
				sh->xfound = 1;
			}
		}
	}
	if (sh->run % LOC_EVERY == 0 && !(sh->xfound && sh->run <= XLOC_RUNS))
		locate(ec);
	if (++sh->since >= RESEED_WAIT && sh->run <= RESEED_RUNS && sh->ps > sh->pe)
		seed_short(ec);
	if (!--sh->blocks && sh->run < SHORT_MAX && sh->ps < HANDOVER * sh->pe)
		sh->blocks = LOC_EVERY;
}

static void stats(struct ecan *ec, float px, float pd, float pe)
{
	const float a = 0.9f;
	float r;

	if (px < FAR_ACTIVE * N)
		return;
	ec->s_x = a * ec->s_x + (1 - a) * px;
	ec->s_d = a * ec->s_d + (1 - a) * pd;
	ec->s_e = a * ec->s_e + (1 - a) * pe;
	/* the process noise follows what is left of the echo (see Q_ERLE) */
	r = ec->s_e / (Q_ERLE * ec->s_d + TINY);
	ec->q = Q * (r > 1 ? 1 : r < Q_MIN ? Q_MIN : r);
	ec->st.erl_db = 10.0f * log10f((ec->s_x + 1) / (ec->s_d + 1));
	ec->st.erle_db = 10.0f * log10f((ec->s_d + 1) / (ec->s_e + 1));
	ec->st.converged = ec->st.erle_db >= 20.0f;
}

static void block(struct ecan *ec)
{
	float t[2 * N], e[N], yr[NBP], yi[NBP], res[NBP], er[NBP], ei[NBP], g[NBP];
	float cr[ECAN_FULL][NBP], ci[ECAN_FULL][NBP];
	float px = 0, pd = 0, pe = 0, se = 0, sr = 0, sphi = 0, eo[N];
	int off = ecan_tone_block(&ec->tone, ec->din, ec->xin);
	size_t xo;

	ec->st.disabled = off;
	ec->st.tone_disables = ec->tone.count;
	/* newest reference spectrum into the ring (kept while disabled: it resumes at once) */
	ec->head = ec->head + 1 == ec->parts ? 0 : ec->head + 1;
	xo = (size_t)ec->head * NBP;
	for (int i = 0; i < N; i++) {
		t[i] = ec->xold[i];
		t[N + i] = ec->xold[i] = ec->xin[i];
		px += t[N + i] * t[N + i];
	}
	if (px > FAR_ACTIVE * N)
		ec->far_hold = ec->parts + 1;
	else if (ec->far_hold)
		ec->far_hold--;
	ecan_rfft(&ec->fft, ec->xr + xo, ec->xi + xo, t);
	for (int k = 0; k < NBP; k++) {
		float x2 = ec->xr[xo + k] * ec->xr[xo + k] + ec->xi[xo + k] * ec->xi[xo + k];

		ec->sxx[k] += GRAD_SMOOTH * (x2 + TINY - ec->sxx[k]);
	}
	if (off) {
		memcpy(ec->out, ec->din, sizeof(ec->out));
		return;
	}

	/* echo estimate, error = linear output */
	filter(ec, yr, yi, res);
	full_gain(ec, cr, ci, res);
	ecan_irfft(&ec->fft, t, yr, yi, N);
	for (int i = 0; i < N; i++) {
		float d = ec->din[i];

		e[i] = d - t[N + i];
		pd += d * d;
		pe += e[i] * e[i];
	}
	/* while the start-up helpers run, the output of whichever holds least (all model the
	 * same echo; the near end is in all of them); the partitioned
	 * filter's own figures (ERLE for its boost, the NLP's decisions) stay its own */
	memcpy(eo, e, sizeof(eo));
	if (ec->sh.blocks && !ec->far_hold) {
		ecan_short_idle(&ec->sh, ec->xin); /* the tail has been silent: no echo */
	} else if (ec->sh.blocks) {
		int talk = px > FAR_ACTIVE * N;
		float es[N], pes = 0;

		ecan_short_block(&ec->sh, es, ec->din, ec->xin, pe);
		for (int i = 0; i < N; i++)
			pes += es[i] * es[i];
		if (pes < pe)
			memcpy(eo, es, sizeof(es));
		/* the fast start's output when it holds less still (per 2 ms instead of per block:
		 * ERLE 0.5-1 s +0.2-0.6 dB, but the early talker lost 0.04-0.07 dB more) */
		if (ec->sh.fast.ok && ec->sh.fast.pe < pe && ec->sh.fast.pe < pes)
			memcpy(eo, ec->sh.fast.e, sizeof(eo));
		if (talk)
			short_turn(ec, pe, pes);
	}
	stats(ec, px, pd, pe);

	/* error spectrum (zero-padded, as the gradient needs) */
	memset(t, 0, N * sizeof(float));
	memcpy(t + N, e, sizeof(e));
	ecan_rfft(&ec->fft, er, ei, t);
	for (int k = ECAN_FFT_BINS; k < NBP; k++)
		er[k] = ei[k] = 0;

	/* near-end power: what the error holds beyond the echo still expected; rises at once,
	 * falls smoothly; then the common factor of the Kalman gains */
	for (int k = 0; k < NBP; k++) {
		float e2 = er[k] * er[k] + ei[k] * ei[k], r = RES_SCALE * res[k];
		float d = e2 - r, inst = d > 0 ? d : 0;
		float phi = PHI_SMOOTH * ec->phi[k] + (1 - PHI_SMOOTH) * inst + TINY;

		ec->phi[k] = phi;
		g[k] = 1.0f / (r + (phi > inst ? phi : inst) + PHI_FLOOR);
		se += e2;
		sr += r;
		sphi += phi;
	}
	/* E, the FFT of half a frame, mixes each bin with its odd neighbours (|G_k,k+-1|^2 =
	 * 1/pi^2): the DC bin, which the speech hardly reaches (a 100 Hz high-pass), holds twice
	 * bin 1's error that way and took it for its own (D.9 at -80 dBm0: 19 % of the residual at
	 * DC, 49 % under 190 Hz). Its gain counts that residual: -80 dBm0 worst 60.8 -> 62.9 dB
	 * (1/pi^2 x 3: 63.4, but the 128 ms end-of-tail row -0.5 dB; the same for every bin cuts
	 * all gains: -80 61.7/60.7) */
	g[0] = 1.0f / (1.0f / g[0] + DC_LEAK * 2 * RES_SCALE * res[1]);
	/* bin 1 (62.5 Hz) likewise holds its neighbours' (0 and 2) for its own, and the speech
	 * hardly reaches it either; half of that counted: -80 dBm0 D.9 +0.3-0.9 dB (with step()),
	 * the rest within 0.1 dB; all of it lost on speech seed 8's D.3 at -55 dBm0 (43.0 -> 35.7) */
	g[1] = 1.0f / (1.0f / g[1] + DC_LEAK / 2 * RES_SCALE * (res[0] + res[2]));
	/* the helper's step: the share of the error that is echo still to learn */
	ec->sh.gate = sr / (sr + sphi + 1e-3f);
	/* nothing to learn once the whole tail has been silent: only the weights' uncertainty
	 * grows with time (the Kalman prediction) */
	if (ec->far_hold) {
		step(ec);
		adapt(ec, er, ei, g, cr, ci);
		for (int c = 0; c < CONSTRAIN_N; c++)
			constrain(ec);
	} else {
		predict(ec->pv, ec->wr, ec->wi, (size_t)ec->parts * NBP, ec->q);
	}

	/* residual echo expected in the output, as a mean square: the bins 0..N of the padded
	 * spectrum hold N times the block's energy */
	ecan_nlp_block(ec, eo, e, pe / N, sr * se > 0 ? pe / N * sr / se : 0);
	for (int i = 0; i < N; i++) {
		float o = eo[i] > 32767.f ? 32767.f : eo[i] < -32768.f ? -32768.f : eo[i];

		ec->out[i] = (int16_t)lrintf(o);
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

/* ---- A-law buffers (the media path), G.711 of dsp/g711 ------------------------------------- */
void ecan_process_alaw(struct ecan *ec, uint8_t *sin, const uint8_t *ref, int n)
{
	int16_t s[ECAN_BLOCK], r[ECAN_BLOCK];

	while (n > 0) {
		int c = n < ECAN_BLOCK ? n : ECAN_BLOCK;

		for (int i = 0; i < c; i++) {
			s[i] = g711_alaw_dec(sin[i]);
			r[i] = g711_alaw_dec(ref[i]);
		}
		ecan_process(ec, s, r, c);
		for (int i = 0; i < c; i++)
			sin[i] = g711_alaw_enc(s[i]);
		sin += c;
		ref += c;
		n -= c;
	}
}
