/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The caller's rating after the call (call_rating.c), for call.c. */
#ifndef HLGW_CALL_RATING_H
#define HLGW_CALL_RATING_H

#include <stdbool.h>
#include <stdint.h>

#include <hlgw/call.h>

struct media_chan;

#define CALL_RATING_INPUT_MS 8000 /* for a digit, after its question ends */
#define CALL_RATING_TAIL_MS 300	  /* after the thanks, before the release */

struct call_rating {
	uint8_t q;		/* enum prompt_id: the question asked (PROMPT_THANKS: done) */
	uint8_t rating, solved; /* 1-5; 1 yes, 2 no; 0: no answer */
};

/* Ask the first question; returns how long to wait (ms) for the caller's digit. */
uint32_t call_rating_start(struct call_rating *r, struct media_chan *mc);
/* A digit from the caller: true when it answered the question (*wait_ms: what to wait now;
 * r->q == PROMPT_THANKS once all is answered: release after the wait), false to ignore it. */
bool call_rating_digit(struct call_rating *r, struct media_chan *mc, char d, uint32_t *wait_ms);

#endif
