/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test signals for the DTMF receiver, built here (double precision, fixed seeds) so that they
 * do not depend on the generator under test: tone pairs at a level, frequency offset and
 * duration, white Gaussian noise, and the talk-off corpus (formant-synthesised vowels with
 * pitch glides, fricative-like noise bursts, chords of harmonic notes).
 */
#ifndef TEST_DTMF_SIG_H
#define TEST_DTMF_SIG_H

#include <stddef.h>
#include <stdint.h>

struct sig_rng {
	uint64_t s;
};

double sig_gauss(struct sig_rng *r);
double sig_uniform(struct sig_rng *r);
/* peak of a sine at dbm0 on the 16-bit scale */
double sig_amp(double dbm0);
/* add a sine (f Hz, dbm0, phase) to x[0..n) */
void sig_add_tone(double *x, size_t n, double f, double dbm0, double phase);
/* add white Gaussian noise of power dbm0 (a 0 dBm0 sine's power is the reference) */
void sig_add_noise(double *x, size_t n, double dbm0, struct sig_rng *r);
/* the talk-off corpus: n samples of speech- and music-like sound around -15 dBm0 */
void sig_talk(double *x, size_t n, struct sig_rng *r);
/* A-law, as the line carries it */
void sig_to_alaw(uint8_t *a, const double *x, size_t n);

#endif
