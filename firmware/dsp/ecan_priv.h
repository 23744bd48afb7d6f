/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The echo canceller's state, shared by its parts: the adaptive filter (ecan.c), the
 * non-linear processor with comfort noise (ecan_nlp.c) and the 2100 Hz tone disabler
 * (ecan_tone.c). Not for users of the canceller: they see struct ecan as opaque.
 */
#ifndef HLGW_ECAN_PRIV_H
#define HLGW_ECAN_PRIV_H

#include <stdint.h>

#include "ecan.h"
#include "ecan_fft.h"

#define ECAN_N ECAN_BLOCK	  /* samples per block */
#define ECAN_NBP ECAN_FFT_BINS_PAD /* stored bins per spectrum */
/* partitions whose weights have a full covariance per bin (the rest: its diagonal) */
#ifndef ECAN_FULL
#define ECAN_FULL 2
#endif
#define ECAN_PAIRS (ECAN_FULL * (ECAN_FULL - 1) / 2)

/* non-linear processor and comfort noise (ecan_nlp.c) */
struct ecan_nlp {
	int on;
	int near_hold;	/* blocks a near-end talker is still taken to be present */
	float gain;	/* output gain at the end of the last block (1 = pass, 0 = noise) */
	float floor;	/* quietest recent output, mean square */
	float noise;	/* background noise in the output (mean of blocks near the floor) */
	float rho;	/* its lag-1 correlation (spectral tilt) */
	float cn_y;	/* comfort noise filter state */
	uint32_t rng;
};

/* 2100 Hz tone disabler (ecan_tone.c) */
#define ECAN_TONE_PERIOD 80 /* 2100 Hz = 21/80 of 8 kHz */

struct ecan_tone_dir {
	float zr, zi; /* 2100 Hz phasor of the last block with the tone */
	float dr, di; /* phase drift per block (unit vector) */
	int blocks;   /* blocks of tone in a row */
	int gap;      /* a block of the tone spoilt by a reversal came since */
};

struct ecan_tone {
	float cs[ECAN_TONE_PERIOD], sn[ECAN_TONE_PERIOD];
	int idx;
	struct ecan_tone_dir dir[2]; /* line in, reference */
	int disabled;
	int quiet; /* blocks below the holding band while disabled */
	unsigned count;
};

/* short time-domain affine-projection filter over the part of the tail that holds the echo,
 * beside the partitioned filter while a call starts (ecan_short.c) */
#define ECAN_SHORT_TAPS 160 /* 20 ms: a hybrid's dispersion with margin */
#define ECAN_SHORT_HIST (ECAN_TAPS_MAX + ECAN_N) /* reference history it can reach back to */
/* taps its window starts before the echo's peak: 24 left D.7's first 11 taps (and D.8's 15)
 * outside it; 32 (with the hand-over, ecan.c): ERLE 0.5-1 s worst at -55 dBm0 30.6 -> 32.1 dB,
 * speech seeds 1-8 summed steady median/worst -55 358.2/328.5 -> 356.9/344.2, -80
 * 487.7/386.0 -> 495.8/404.4; 40 and up cost early double talk (during 8.0 -> 7.3 dB at 0 dB
 * 0.2 s into the call) */
#define ECAN_SHORT_PRE 32

/* the helper's fast start (ecan_short.c): a second filter over the same window during its first
 * 2 s, learning by a fast recursive least squares (fast Kalman, Falconer-Ljung) */
struct ecan_fast {
	int off;			   /* the window it runs on; -1: start again */
	int age;			   /* samples its recursion has run on that window */
	int zero;			   /* window samples from before its start (zero to it) */
	int ok;				   /* e holds its output for this block */
	int known;			   /* it took out most of the line in the last one */
	int keep;			   /* it keeps its taps over a move (see fast_window()) */
	float alpha;			   /* forward prediction error energy */
	float a[ECAN_SHORT_TAPS + 4];	   /* forward predictor (a zero past its end) */
	float b[ECAN_SHORT_TAPS];	   /* backward predictor */
	float k[ECAN_SHORT_TAPS + 4];	   /* gain: inverse autocorrelation times the window (a zero
					    * past its end) */
	float h[ECAN_SHORT_TAPS];	   /* taps, as the helper's (h below) */
	float e[ECAN_N];		   /* its output */
	float pe;			   /* ... and that output's energy */
};

struct ecan_short {
	int blocks;			    /* blocks of far-end speech left to run; 0: off */
	int run;			    /* blocks of far-end speech it has run */
	int hold;			    /* blocks left without adapting (double talk) */
	int handed;			    /* the partitioned filter took its taps */
	int off;			    /* delay of its newest tap (samples) */
	int taps;			    /* the tail it may move in */
	float gate;			    /* step scale: echo vs near end, from the last block */
	float pe, ps;			    /* smoothed block powers: the other filter's output, its own */
	float pavg;			    /* the window's energy while the far end talks */
	float dlast;			    /* the line's last sample of the previous block */
	int xpk, xsame, xfound;		    /* the gradient's echo peak, looks in a row, found */
	int since;			    /* blocks of far-end speech since its taps were seeded */
	float h[ECAN_SHORT_TAPS];	    /* taps, last first: h[k] meets x[n - off - S + 1 + k] */
	float x[ECAN_SHORT_TAPS + ECAN_N]; /* the block's window on the reference, oldest first */
	int16_t hist[ECAN_SHORT_HIST];	    /* the reference, oldest first, newest last */
	struct ecan_fast fast;
};

struct ecan {
	int taps, parts;
	int fill;      /* samples gathered in the current block */
	int head;      /* X ring: slot of the newest reference spectrum */
	int constrain; /* next partition made a linear convolution again */
	int far_hold;  /* blocks the echo of the last far-end speech may still arrive */
	struct ecan_fft fft;
	int16_t din[ECAN_N], xin[ECAN_N], out[ECAN_N];
	float xold[ECAN_N];
	float phi[ECAN_NBP]; /* near-end (noise, talker) power per bin, error units */
	float pw[ECAN_TAPS_MAX / ECAN_N]; /* proportionate: share of the step per partition */
	float trms[ECAN_TAPS_MAX / ECAN_N]; /* mean square of its taps when last constrained */
	float s_x, s_d, s_e; /* smoothed block powers: reference, line in, line out */
	float q;	     /* process noise relative to |W|^2 (Q, less once converged) */
	struct ecan_stats st;
	struct ecan_nlp nlp;
	struct ecan_tone tone;
	/* parts x ECAN_NBP each: reference spectra (ring), weights, their Kalman state
	 * variance and smoothed gradient (by partition age) */
	float *xr, *xi, *wr, *wi, *pv;
	float *gr, *gi; /* smoothed gradient conj(X_p) E */
	float sxx[ECAN_NBP], see[ECAN_NBP]; /* smoothed |X_0|^2, |E|^2 */
	float mu[ECAN_NBP];  /* the step per bin (see ecan.c, step()) */
	uint8_t coh[ECAN_NBP]; /* the last block's gradient was coherent in this bin */
	int leak_in; /* blocks since the partitions away from the echo last leaked */
	int boost; /* the gradient is coherent: the weights are wrong (a new echo path) */
	/* the ECAN_FULL partitions of largest weight norm (by slot) and their covariances per
	 * bin, pair (i, j < i) in slot order, in the coordinates scaled by the shares */
	int full[ECAN_FULL], nfull;
	float ccr[ECAN_PAIRS][ECAN_NBP], cci[ECAN_PAIRS][ECAN_NBP];
	struct ecan_short sh;
};

/* NLP on one block: it decides on the partitioned filter's N output samples e (mean squares:
 * output pe, residual echo still expected in it pres) and works on out, the block's linear
 * output (e or the start-up helper's), replaced by what goes out. */
void ecan_nlp_block(struct ecan *ec, float *out, const float *e, float pe, float pres);
void ecan_nlp_reset(struct ecan_nlp *nlp);

void ecan_short_reset(struct ecan_short *sh, int taps);
/* Run the short filter over one block: e = d less its echo estimate, sample by sample,
 * adapting as it goes while its window holds speech; x the block's reference. */
/* pe: the partitioned filter's output energy for this block (its double-talk test uses it) */
void ecan_short_block(struct ecan_short *sh, float *e, const int16_t *d, const int16_t *x,
		      float pe);
/* Only keep the reference history (no echo to cancel). */
void ecan_short_push(struct ecan_short *sh, const int16_t *x);
/* The same while the fast start runs: its recursion goes on over the window. */
void ecan_short_idle(struct ecan_short *sh, const int16_t *x);
/* Move the window so that the echo's peak, peak samples late, falls near its start (the taps
 * it shares with the old window keep their values). Returns how far it moved (samples). */
int ecan_short_move(struct ecan_short *sh, int peak);

void ecan_tone_init(struct ecan_tone *t);
void ecan_tone_reset(struct ecan_tone *t);
/* Watch one block of both directions; returns 1 while the canceller is to be disabled. */
int ecan_tone_block(struct ecan_tone *t, const int16_t *sin, const int16_t *ref);

#endif
