/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DTMF generator (ITU-T Q.23): the row and column tones of each digit at their own levels,
 * digits of a given length with pauses between them. Integer per sample (two dsp/osc.h
 * oscillators), no allocation; 16-bit linear or A-law out. Used for the advisor's RFC 4733
 * events towards the caller (media_chan.c) and by the tests.
 */
#ifndef HLGW_DSP_DTMF_GEN_H
#define HLGW_DSP_DTMF_GEN_H

#include <stdbool.h>
#include <stdint.h>

#define DTMF_GEN_MAX_DIGITS 32

struct dtmf_gen_cfg {
	float row_dbm0, col_dbm0; /* per tone; Q.23 sends the column 2 dB louder, e.g. -9/-7 */
	uint32_t on, off;	  /* samples of each digit and of the pause after it */
};

struct dtmf_gen {
	char digits[DTMF_GEN_MAX_DIGITS + 1];
	unsigned int next;	  /* index of the digit after the current one */
	uint32_t ph[2], inc[2];	  /* phase accumulators, 2^32 = one period */
	int32_t amp[2];		  /* peak, 16-bit scale */
	uint32_t on, off, left;	  /* samples: per digit, per pause, left in this state */
	bool tone;		  /* in a digit (else in a pause) */
	bool active;
};

/*
 * Play digits (0-9 * # A-D, a-d; at most DTMF_GEN_MAX_DIGITS) with cfg's levels and timing.
 * Levels from -40 to +3 dBm0. Returns 0 or -EINVAL (bad digit, empty, too long, on == 0).
 */
int dtmf_gen_start(struct dtmf_gen *g, const char *digits, const struct dtmf_gen_cfg *cfg);
static inline void dtmf_gen_stop(struct dtmf_gen *g)
{
	g->active = false;
}
/* Write n samples (tone, or silence in pauses and after the end) while the generator is
 * active; returns false, writing nothing, once it is not. */
bool dtmf_gen_lin(struct dtmf_gen *g, int16_t *dst, unsigned int n);
bool dtmf_gen_alaw(struct dtmf_gen *g, uint8_t *dst, unsigned int n);

#endif
