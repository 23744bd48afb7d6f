/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dual-tone generator in A-law (DTMF to the caller for the advisor's RFC 4733 events). */
#ifndef HLGW_MEDIA_TONE_H
#define HLGW_MEDIA_TONE_H

#include <stdbool.h>
#include <stdint.h>

struct media_tone {
	bool on;
	uint32_t ph[2], inc[2]; /* phase accumulators, 2^32 = one period */
	uint32_t left;		/* samples still to play (a bound if the end never comes) */
};

/* Start the Q.23 pair of digit (0-9 * # A-D) at about -10 dBm0 per tone for at most
 * max_samples. Returns 0 or -EINVAL. */
int media_tone_dtmf(struct media_tone *t, char digit, uint32_t max_samples);
static inline void media_tone_stop(struct media_tone *t)
{
	t->on = false;
}
/* Write n A-law samples of the tone into dst while it plays; returns whether it did. */
bool media_tone_fill(struct media_tone *t, uint8_t *dst, unsigned int n);

#endif
