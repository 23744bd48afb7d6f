/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The echo canceller's transform: a real FFT of ECAN_FFT_N = 2 * ECAN_BLOCK points (128)
 * computed as a complex FFT of half the size on the even/odd sample pairs plus a split step
 * (half the work of a complex FFT of the full size). Spectra are kept as separate real and
 * imaginary arrays (bins 0..ECAN_FFT_N/2, padded to ECAN_FFT_BINS_PAD so that per-bin loops
 * have a trip count the compiler can vectorise).
 */
#ifndef HLGW_ECAN_FFT_H
#define HLGW_ECAN_FFT_H

#include "ecan.h"

#define ECAN_FFT_N (2 * ECAN_BLOCK)		     /* real points */
#define ECAN_FFT_H (ECAN_FFT_N / 2)		     /* complex points of the inner FFT */
#define ECAN_FFT_BINS (ECAN_FFT_H + 1)		     /* bins 0..N/2 of a real spectrum */
#define ECAN_FFT_BINS_PAD ((ECAN_FFT_BINS + 3) & ~3) /* rounded up to a multiple of 4 */

struct ecan_fft {
	float tw_re[ECAN_FFT_H - 4], tw_im[ECAN_FFT_H - 4]; /* stages of 8 points and up */
	float sp_re[ECAN_FFT_BINS], sp_im[ECAN_FFT_BINS];   /* split: e^-j2pi k/N */
	unsigned char rev[ECAN_FFT_H];
};

/** Fill the twiddle and bit-reversal tables. */
void ecan_fft_init(struct ecan_fft *f);

/** x[ECAN_FFT_N] -> bins 0..ECAN_FFT_N/2 of its (unscaled) DFT; the padding bins are left
 * alone. */
void ecan_rfft(const struct ecan_fft *f, float *re, float *im, const float *x);

/** Bins 0..ECAN_FFT_N/2 -> the real samples whose rfft they are (exact inverse of ecan_rfft).
 * Only samples [from, ECAN_FFT_N) are written, from being 0 or ECAN_FFT_N/2. */
void ecan_irfft(const struct ecan_fft *f, float *x, const float *re, const float *im, int from);

#endif
