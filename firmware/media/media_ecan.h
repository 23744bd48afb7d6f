/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The media channels' echo cancellers (dsp/ecan.h): a static pool of CONFIG_ECAN_CHANNELS
 * states, each sized for the longest tail (CONFIG_ECAN_TAIL_MAX_MS), taken per call on a span
 * whose echocanceller is on. The canceller runs in place on the caller's samples in the
 * zero-copy TX buffer; its reference is read from the ring of samples the channel sent to the
 * line (media_chan.c), which may wrap.
 */
#ifndef HLGW_MEDIA_ECAN_H
#define HLGW_MEDIA_ECAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dsp/ecan.h>

#include "autoconf.h"

#ifndef CONFIG_ECAN_CHANNELS
#define CONFIG_ECAN_CHANNELS 30
#endif
#ifndef CONFIG_ECAN_TAIL_MAX_MS
#define CONFIG_ECAN_TAIL_MAX_MS 128
#endif
#define MEDIA_ECAN_TAPS_MAX (CONFIG_ECAN_TAIL_MAX_MS * 8 / ECAN_BLOCK * ECAN_BLOCK)
#define MEDIA_ECAN_BYTES ECAN_SIZE(MEDIA_ECAN_TAPS_MAX) /* per channel */

struct media_ecan {
	struct ecan *ec; /* NULL: none (the span's is off, or the pool was empty) */
	int slot;
	int taps;
	bool nlp;
};

/* Take a canceller of taps (capped at MEDIA_ECAN_TAPS_MAX) from the pool, reset, NLP as
 * asked. Returns 0, -EINVAL or -ENOSPC (all CONFIG_ECAN_CHANNELS in use). */
int media_ecan_get(struct media_ecan *me, int taps, bool nlp);
/* Give it back (nothing when me holds none). */
void media_ecan_put(struct media_ecan *me);
/* Cancel sin[0..n) in place; the reference is the n samples of ring[len] that end at
 * ring[end] (exclusive), sent to the line at the same time. */
void media_ecan_run(struct media_ecan *me, uint8_t *sin, unsigned int n, const uint8_t *ring,
		    unsigned int len, unsigned int end);
/* Cancellers free in the pool. */
unsigned int media_ecan_available(void);

#endif
