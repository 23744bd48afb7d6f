/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The echo canceller's transform: a real 64-point FFT computed as a 32-point complex FFT of
 * the even/odd sample pairs plus a split step (half the work of a complex 64-point FFT).
 * Spectra are kept as separate real and imaginary arrays (bins 0..32, padded to
 * ECAN_FFT_BINS_PAD so that per-bin loops have a trip count the compiler can vectorise).
 */
#ifndef HLGW_ECAN_FFT_H
#define HLGW_ECAN_FFT_H

#include "ecan.h"

#define ECAN_FFT_N (2 * ECAN_BLOCK) /* real points */
#define ECAN_FFT_H (ECAN_FFT_N / 2)	    /* complex points of the inner FFT */
#define ECAN_FFT_BINS (ECAN_FFT_H + 1)	    /* bins 0..N/2 of a real spectrum */
#define ECAN_FFT_BINS_PAD ((ECAN_FFT_BINS + 3) & ~3)		    /* bins rounded up to a multiple of 4 */

struct ecan_fft {
	float tw_re[ECAN_FFT_H - 4], tw_im[ECAN_FFT_H - 4];  /* stages 8, 16, 32 */
	float sp_re[ECAN_FFT_BINS], sp_im[ECAN_FFT_BINS];     /* split: e^-j2pi k/64 */
	unsigned char rev[ECAN_FFT_H];
};

/** Fill the twiddle and bit-reversal tables. */
void ecan_fft_init(struct ecan_fft *f);

/** x[64] -> bins 0..32 of its (unscaled) DFT; re/im[33..35] are left alone. */
void ecan_rfft(const struct ecan_fft *f, float *re, float *im, const float *x);

/** Bins 0..32 -> the 64 real samples whose rfft they are (exact inverse of ecan_rfft).
 * Only samples [from, 64) are written, from being 0 or 32. */
void ecan_irfft(const struct ecan_fft *f, float *x, const float *re, const float *im, int from);

#endif
