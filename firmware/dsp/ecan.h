/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line echo canceller (G.168), one per B-channel. Portable C, float, no OS calls, no
 * allocation: the caller hands each channel ecan_size(taps) bytes once (a static pool at boot)
 * and the per-sample path touches only that state.
 *
 *   sin  = samples from the caller's line (with the echo), cancelled in place
 *   ref  = the samples sent to the caller at the same time (the echo's source)
 *
 * Algorithm: a partitioned-block frequency-domain adaptive filter (blocks of ECAN_BLOCK samples,
 * real FFTs of 2 * ECAN_BLOCK) whose step per bin and partition is a Kalman gain: large while
 * the echo path is unknown, small once it is learnt, and near zero while a near-end talker is
 * in the error, which keeps double talk from spoiling the weights without a detector.
 * A non-linear processor replaces residual echo with comfort noise (ecan_set_nlp()); a 2100 Hz
 * answer tone with phase reversals disables the canceller until the line is quiet again.
 * Any chunk length works (1 ms = 8 samples, 20 ms = 160); the output is ECAN_BLOCK samples
 * late (ecan_latency()).
 */
#ifndef HLGW_ECAN_H
#define HLGW_ECAN_H

#include <stddef.h>
#include <stdint.h>

#define ECAN_BLOCK 64	 /* samples per adaptation block (8 ms) = algorithmic delay */
#define ECAN_TAPS_MAX 1024 /* 128 ms */

/* A bound on ecan_size(taps) known at compile time, for static pools (ecan.c checks it):
 * the state's header, then 7 arrays of (taps / ECAN_BLOCK) spectra of ECAN_BINS_PAD floats. */
#define ECAN_HDR_MAX 11264
#define ECAN_BINS_PAD ((ECAN_BLOCK + 1 + 3) & ~3)
#define ECAN_SIZE(taps) (ECAN_HDR_MAX + 7u * ((taps) / ECAN_BLOCK) * ECAN_BINS_PAD * 4u)

struct ecan;

struct ecan_stats {
	float erl_db;  /* echo return loss seen on the line (sin vs ref), smoothed */
	float erle_db; /* echo return loss enhancement of the output (sin vs out), smoothed */
	int converged; /* erle >= 20 dB while the far end talks */
	int disabled;  /* off: a 2100 Hz tone with phase reversals was heard (G.164/G.165) */
	unsigned tone_disables; /* times that happened */
};

/** Bytes of state for a tail of taps samples (256/512/1024 for 32/64/128 ms, or any multiple
 * of ECAN_BLOCK up to ECAN_TAPS_MAX); 0 when taps is not valid. */
size_t ecan_size(int taps);

/** Set up a canceller in mem (len >= ecan_size(taps), 8-byte aligned).
 * Returns 0, -EINVAL (bad taps or mem) or -ENOSPC (len too small). */
int ecan_init(struct ecan **ec, void *mem, size_t len, int taps);

/** Forget the echo path (new call). */
void ecan_reset(struct ecan *ec);

/** Cancel n linear samples of sin in place, ref being the n samples sent at the same time. */
void ecan_process(struct ecan *ec, int16_t *sin, const int16_t *ref, int n);

/** The same on A-law octets (the media path's buffers), in place. */
void ecan_process_alaw(struct ecan *ec, uint8_t *sin, const uint8_t *ref, int n);

/** Non-linear processor with comfort noise on (the default after ecan_init) or off.
 * Returns 0 or -EINVAL. */
int ecan_set_nlp(struct ecan *ec, int on);

/** Output delay in samples. */
int ecan_latency(const struct ecan *ec);

/** Current figures for `show ecan`. Returns 0 or -EINVAL. */
int ecan_get_stats(struct ecan_stats *st, const struct ecan *ec);

#endif
