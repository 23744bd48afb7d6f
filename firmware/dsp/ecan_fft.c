// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real FFT for the echo canceller (see ecan_fft.h): a radix-2 complex FFT of half the size on
 * split real/imaginary arrays, the first two stages without multiplications, then the split
 * step that turns the FFT of z[n] = x[2n] + j x[2n+1] into the spectrum of x.
 */
#include <math.h>

#include "ecan_fft.h"

#define H ECAN_FFT_H

void ecan_fft_init(struct ecan_fft *f)
{
	int o = 0;

	for (int len = 8; len <= H; len <<= 1)
		for (int k = 0; k < len / 2; k++, o++) {
			f->tw_re[o] = cosf(-2.0f * (float)M_PI * k / len);
			f->tw_im[o] = sinf(-2.0f * (float)M_PI * k / len);
		}
	for (int k = 0; k < ECAN_FFT_BINS; k++) {
		f->sp_re[k] = cosf(-2.0f * (float)M_PI * k / ECAN_FFT_N);
		f->sp_im[k] = sinf(-2.0f * (float)M_PI * k / ECAN_FFT_N);
	}
	for (int i = 0; i < H; i++) {
		int r = 0;

		for (int b = 1, t = H >> 1; b < H; b <<= 1, t >>= 1)
			if (i & b)
				r |= t;
		f->rev[i] = (unsigned char)r;
	}
}

/* one radix-2 stage of butterflies with half = len/2 (constant after inlining) */
static inline void stage(float *restrict re, float *restrict im, const float *restrict wr,
			 const float *restrict wi, int half)
{
	for (int i = 0; i < H; i += 2 * half)
		for (int k = 0; k < half; k++) {
			float *ur = re + i + k, *ui = im + i + k;
			float *vr = ur + half, *vi = ui + half;
			float tr = *vr * wr[k] - *vi * wi[k], ti = *vr * wi[k] + *vi * wr[k];

			*vr = *ur - tr;
			*vi = *ui - ti;
			*ur += tr;
			*ui += ti;
		}
}

/* in place, input in bit-reversed order, natural order out, forward (e^-j) */
static void fft_h(const struct ecan_fft *f, float *restrict re, float *restrict im)
{
	for (int i = 0; i < H; i += 4) {
		float a0r = re[i] + re[i + 1], a0i = im[i] + im[i + 1];
		float a1r = re[i] - re[i + 1], a1i = im[i] - im[i + 1];
		float a2r = re[i + 2] + re[i + 3], a2i = im[i + 2] + im[i + 3];
		float a3r = re[i + 2] - re[i + 3], a3i = im[i + 2] - im[i + 3];

		/* len 4: twiddles 1 and -j */
		re[i] = a0r + a2r;
		im[i] = a0i + a2i;
		re[i + 2] = a0r - a2r;
		im[i + 2] = a0i - a2i;
		re[i + 1] = a1r + a3i;
		im[i + 1] = a1i - a3r;
		re[i + 3] = a1r - a3i;
		im[i + 3] = a1i + a3r;
	}
	stage(re, im, f->tw_re, f->tw_im, 4);
	stage(re, im, f->tw_re + 4, f->tw_im + 4, 8);
	stage(re, im, f->tw_re + 12, f->tw_im + 12, 16);
	if (H >= 64)
		stage(re, im, f->tw_re + 28, f->tw_im + 28, 32);
	if (H >= 128)
		stage(re, im, f->tw_re + 60, f->tw_im + 60, 64);
}

void ecan_rfft(const struct ecan_fft *f, float *re, float *im, const float *x)
{
	float zr[H], zi[H];

	for (int n = 0; n < H; n++) {
		zr[f->rev[n]] = x[2 * n];
		zi[f->rev[n]] = x[2 * n + 1];
	}
	fft_h(f, zr, zi);
	/* X[k] = Fe + W^k Fo, Fe = (Z[k] + Z*[H-k]) / 2, Fo = (Z[k] - Z*[H-k]) / 2j */
	for (int k = 0; k <= H / 2; k++) {
		int j = (H - k) & (H - 1);
		float fer = 0.5f * (zr[k] + zr[j]), fei = 0.5f * (zi[k] - zi[j]);
		float forr = 0.5f * (zi[k] + zi[j]), foi = -0.5f * (zr[k] - zr[j]);
		float wr = f->sp_re[k], wi = f->sp_im[k];
		float tr = wr * forr - wi * foi, ti = wr * foi + wi * forr;

		/* bin k and its mirror H-k share Fe/Fo up to conjugation */
		re[k] = fer + tr;
		im[k] = fei + ti;
		re[H - k] = fer - tr;
		im[H - k] = -(fei - ti);
	}
}

void ecan_irfft(const struct ecan_fft *f, float *x, const float *re, const float *im, int from)
{
	float zr[H], zi[H];

	/* Fe = (X[k] + X*[H-k]) / 2, Fo = (X[k] - X*[H-k]) W^-k / 2, Z = Fe + j Fo; the inverse
	 * FFT is conj(FFT(conj(Z))) / H, both halves of 1/2 folded into the output scale */
	for (int k = 0; k < H; k++) {
		int j = H - k;
		float fer = re[k] + re[j], fei = im[k] - im[j];
		float dr = re[k] - re[j], di = im[k] + im[j];
		float wr = f->sp_re[k], wi = -f->sp_im[k];
		float forr = dr * wr - di * wi, foi = dr * wi + di * wr;
		int r = f->rev[k];

		zr[r] = fer - foi;
		zi[r] = -(fei + forr);
	}
	fft_h(f, zr, zi);
	for (int n = from / 2; n < H; n++) {
		x[2 * n] = zr[n] * (0.5f / H);
		x[2 * n + 1] = -zi[n] * (0.5f / H);
	}
}
