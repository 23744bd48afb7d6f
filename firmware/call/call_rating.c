// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The caller's rating after the advisor hung up (issue 4 point 4): the questions, the digits
 * they take and what the caller hears (the admin's prompts, or a cue of beeps when a prompt
 * was never loaded). call.c runs it from its RATING state: each step returns how long to wait
 * for the caller before giving up.
 */
#include <errno.h>

#include <dsp/cptone.h>
#include <hlgw/log.h>
#include <hlgw/media.h>

#include "call_rating.h"
#include "media/prompt.h"

static enum call_rating_mode call_rating_cfg = CALL_RATING_OFF;

/* the cue for a prompt never loaded: three, two or one beep */
static const char *const call_rating_cue_desc[PROMPT__NUM] = {
	[PROMPT_RATING] = "!1000/150,!0/100,!1000/150,!0/100,!1000/150",
	[PROMPT_SOLVED] = "!1000/150,!0/100,!1000/150",
	[PROMPT_THANKS] = "!800/300",
};
static struct cptone_seq call_rating_cue[PROMPT__NUM];
static bool call_rating_cue_ready;

void call_rating_set(enum call_rating_mode m)
{
	call_rating_cfg = m;
}

enum call_rating_mode call_rating_get(void)
{
	return call_rating_cfg;
}

/* Play a prompt (or its cue) to the caller; returns its length in ms. */
static uint32_t call_rating_play(struct media_chan *mc, enum prompt_id id)
{
	const uint8_t *p;
	uint32_t ms = 0;
	size_t n;
	unsigned int i;

	p = prompt_get(id, &n, NULL);
	if (p) {
		media_chan_play_prompt(mc, p, n);
		return (uint32_t)(n / 8);
	}
	if (!call_rating_cue_ready) {
		for (i = 0; i < PROMPT__NUM; i++)
			cptone_parse(&call_rating_cue[i], call_rating_cue_desc[i]);
		call_rating_cue_ready = true;
	}
	media_chan_play_seq(mc, &call_rating_cue[id]);
	for (i = 0; i < call_rating_cue[id].n; i++)
		ms += call_rating_cue[id].part[i].ms;
	return ms;
}

uint32_t call_rating_start(struct call_rating *r, struct media_chan *mc)
{
	r->rating = r->solved = 0;
	r->q = PROMPT_RATING;
	return call_rating_play(mc, PROMPT_RATING) + CALL_RATING_INPUT_MS;
}

bool call_rating_digit(struct call_rating *r, struct media_chan *mc, char d, uint32_t *wait_ms)
{
	if (r->q == PROMPT_RATING && d >= '1' && d <= '5') {
		r->rating = (uint8_t)(d - '0');
		if (call_rating_cfg == CALL_RATING_SOLVED) {
			r->q = PROMPT_SOLVED;
			*wait_ms = call_rating_play(mc, PROMPT_SOLVED) + CALL_RATING_INPUT_MS;
			return true;
		}
	} else if (r->q == PROMPT_SOLVED && (d == '1' || d == '2')) {
		r->solved = (uint8_t)(d - '0');
	} else {
		return false; /* not an answer to this question: ignored */
	}
	r->q = PROMPT_THANKS;
	*wait_ms = call_rating_play(mc, PROMPT_THANKS) + CALL_RATING_TAIL_MS;
	return true;
}
