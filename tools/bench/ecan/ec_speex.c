// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * speexdsp's MDF echo canceller behind the g168 engine interface, for comparison only (linked
 * into the benchmark, never into the firmware). Its preprocessor (residual echo suppression,
 * noise suppression) is not used: this is the linear canceller alone, as ours with the NLP
 * off. It works on whole frames: chunks are buffered, so the output is one frame late.
 */
#include <stdlib.h>
#include <string.h>

#include <speex/speex_echo.h>

#include "ec_speex.h"

int ec_speex_frame = 64; /* samples per speex frame (8 ms) */

struct ec_speex {
	SpeexEchoState *st;
	int frame, fill;
	int16_t *in, *ref, *out;
};

static void *sx_create(int taps)
{
	struct ec_speex *s = calloc(1, sizeof(*s));
	int rate = 8000;

	if (!s)
		return NULL;
	s->frame = ec_speex_frame;
	s->in = calloc(3 * s->frame, sizeof(int16_t));
	if (!s->in) {
		free(s);
		return NULL;
	}
	s->ref = s->in + s->frame;
	s->out = s->ref + s->frame;
	s->st = speex_echo_state_init(s->frame, taps);
	speex_echo_ctl(s->st, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
	return s;
}

static void sx_process(void *p, int16_t *sin, const int16_t *ref, int n)
{
	struct ec_speex *s = p;

	for (int i = 0; i < n; i++) {
		int16_t o = s->out[s->fill];

		s->in[s->fill] = sin[i];
		s->ref[s->fill] = ref[i];
		sin[i] = o;
		if (++s->fill == s->frame) {
			speex_echo_cancellation(s->st, s->in, s->ref, s->out);
			s->fill = 0;
		}
	}
}

static void sx_destroy(void *p)
{
	struct ec_speex *s = p;

	speex_echo_state_destroy(s->st);
	free(s->in);
	free(s);
}

static int sx_latency(void *p)
{
	return ((struct ec_speex *)p)->frame;
}

const struct g168_engine ec_speex_engine = {
	.name = "speexdsp",
	.create = sx_create,
	.process = sx_process,
	.destroy = sx_destroy,
	.latency = sx_latency,
};
