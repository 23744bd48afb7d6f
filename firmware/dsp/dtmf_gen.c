// SPDX-License-Identifier: GPL-2.0-or-later
/* DTMF generator: two dsp/osc oscillators per digit (dtmf_gen.h). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "dtmf.h"
#include "dtmf_gen.h"
#include "g711.h"
#include "osc.h"

static int32_t dtmf_gen_amp(float dbm0)
{
	return (int32_t)(G711_DBM0_PEAK * powf(10.0f, dbm0 / 20.0f) + 0.5f);
}

/* enter the digit at g->next, or end */
static void dtmf_gen_digit(struct dtmf_gen *g)
{
	int k;

	if (!g->digits[g->next]) {
		g->active = false;
		return;
	}
	k = dtmf_key(g->digits[g->next++]); /* checked by dtmf_gen_start() */
	g->inc[0] = osc_inc(dtmf_row_hz[k / 4]);
	g->inc[1] = osc_inc(dtmf_col_hz[k % 4]);
	g->ph[0] = g->ph[1] = 0;
	g->tone = true;
	g->left = g->on;
}

int dtmf_gen_start(struct dtmf_gen *g, const char *digits, const struct dtmf_gen_cfg *cfg)
{
	size_t i, n;

	if (!g || !digits || !cfg || !cfg->on || cfg->row_dbm0 > 3.2f || cfg->col_dbm0 > 3.2f ||
	    cfg->row_dbm0 < -40 || cfg->col_dbm0 < -40)
		return -EINVAL;
	n = strlen(digits);
	if (!n || n > DTMF_GEN_MAX_DIGITS)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (dtmf_key(digits[i]) < 0)
			return -EINVAL;
	memcpy(g->digits, digits, n + 1);
	g->next = 0;
	g->amp[0] = dtmf_gen_amp(cfg->row_dbm0);
	g->amp[1] = dtmf_gen_amp(cfg->col_dbm0);
	g->on = cfg->on;
	g->off = cfg->off;
	g->active = true;
	dtmf_gen_digit(g);
	return 0;
}

/* the next sample */
static inline int dtmf_gen_next(struct dtmf_gen *g)
{
	int v = 0;

	if (!g->active)
		return 0;
	if (g->tone) {
		v = (osc_sin(g->ph[0]) * g->amp[0] + osc_sin(g->ph[1]) * g->amp[1]) / 32767;
		g->ph[0] += g->inc[0];
		g->ph[1] += g->inc[1];
	}
	if (--g->left == 0) {
		if (g->tone && g->off) {
			g->tone = false;
			g->left = g->off;
		} else {
			dtmf_gen_digit(g);
		}
	}
	return v;
}

bool dtmf_gen_lin(struct dtmf_gen *g, int16_t *dst, unsigned int n)
{
	unsigned int i;

	if (!g->active)
		return false;
	for (i = 0; i < n; i++) {
		int v = dtmf_gen_next(g);

		dst[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
	}
	return true;
}

bool dtmf_gen_alaw(struct dtmf_gen *g, uint8_t *dst, unsigned int n)
{
	unsigned int i;

	if (!g->active)
		return false;
	for (i = 0; i < n; i++)
		dst[i] = g711_alaw_enc(dtmf_gen_next(g));
	return true;
}
