/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DTMF receiver (ITU-T Q.24, ETSI ES 201 235-3 limits), one per B-channel: portable C, float,
 * no allocation, state in struct dtmf_det. Fed 8 kHz samples in any chunk size (linear on the
 * 16-bit scale, or A-law straight from the line); reports each digit's start and end through a
 * callback, with sample positions and the duration.
 *
 * How: Hann-windowed blocks of DTMF_BLOCK samples (8 ms); per block the eight Q.23 bins
 * (Goertzel, complex result). A block shows a key when the strongest row and column bins are
 * above the level floor, within the twist limits, and hold most of the block's energy (the
 * relative-energy check that rejects speech, harmonics and noise). Two consecutive blocks
 * showing the same key give each tone's frequency from the phase advance of its bin over one
 * block (unambiguous to +-62 Hz), checked against the tolerance, and the level must hold from
 * one block to the next. A digit starts after DTMF_PAIRS such pairs in a row (4 blocks: every
 * 40 ms tone has them, no tone shorter than ~26 ms does) and ends after DTMF_MISSES blocks
 * without it (a 10 ms interruption spoils at most two blocks; a 40 ms pause spoils four).
 */
#ifndef HLGW_DSP_DTMF_H
#define HLGW_DSP_DTMF_H

#include <stdbool.h>
#include <stdint.h>

#define DTMF_BLOCK 64	/* samples per analysis block, 8 ms */
#define DTMF_PAIRS 3	/* consistent block pairs in a row to take a digit */
#define DTMF_MISSES 3	/* blocks in a row without the digit to end it */

/* Thresholds (dB, percent), fixed to the Q.24 / ES 201 235-3 limits with room either side:
 * levels -3..-30 dBm0 per tone taken and -36 refused; frequency +-1.5 % taken, +-3.5 %
 * refused; twist 8 dB forward (row louder) / 4 dB reverse taken, 10 / 6 dB refused. */
#define DTMF_MIN_DBM0 (-33.0f)
#define DTMF_FREQ_TOL 0.025f
#define DTMF_TWIST_FWD_DB 9.0f
#define DTMF_TWIST_REV_DB 5.0f
#define DTMF_REL_ENERGY 0.75f /* of the block's energy in the two tones */

struct dtmf_event {
	char digit;	   /* 0-9 * # A-D */
	bool end;	   /* false: the digit started; true: it ended */
	uint32_t at;	   /* start: sample position of its onset; end: of its last sample + 1 */
	uint32_t duration; /* samples from onset to end (end events; 0 for starts) */
};

typedef void (*dtmf_det_cb)(void *arg, const struct dtmf_event *ev);

struct dtmf_det {
	/* current block */
	float s1[8], s2[8], energy;
	unsigned int n;	   /* samples in it so far */
	uint32_t pos;	   /* sample position of its first sample */
	/* the previous block */
	float re[8], im[8], pow[8];
	int key;	   /* key it showed (0..15), -1 none */
	/* digit taking */
	int cand;	   /* key of the current run of consistent pairs, -1 none */
	unsigned int run;
	uint32_t cand_at;
	int held;	   /* digit reported and not ended, -1 none */
	unsigned int miss;
	uint32_t held_at, held_end;
	float held_pow;	   /* both tones' bin power when it was taken */
	dtmf_det_cb cb;
	void *cb_arg;
};

/* Start (or restart) a detector; cb may be NULL. */
void dtmf_det_init(struct dtmf_det *d, dtmf_det_cb cb, void *arg);
/* Feed n samples. The callback runs from inside, once per start and end. */
void dtmf_det_feed(struct dtmf_det *d, const int16_t *x, unsigned int n);
void dtmf_det_feed_alaw(struct dtmf_det *d, const uint8_t *a, unsigned int n);
/* The digit now held, 0 none; and how long it has lasted so far, in samples (0 none). */
char dtmf_det_digit(const struct dtmf_det *d);
uint32_t dtmf_det_held(const struct dtmf_det *d);
/* The level of the digit now held, both tones together, in dBm0 as it was taken (the
 * RFC 4733 volume, negated); 0 when none is held. */
float dtmf_det_level(const struct dtmf_det *d);
/* The sample position the next sample fed will have (the clock of dtmf_event.at). */
static inline uint32_t dtmf_det_pos(const struct dtmf_det *d)
{
	return d->pos + d->n;
}

/* Key index 0..15 of a digit in Q.23 order (row * 4 + column), -1 if not a DTMF digit
 * (a-d taken as A-D); and back. */
int dtmf_key(char digit);
char dtmf_digit(int key);
extern const float dtmf_row_hz[4], dtmf_col_hz[4];

#endif
