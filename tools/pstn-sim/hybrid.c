// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pstn-sim's hybrid echo (hybrid.h). The echo of the sample sent as number t comes from the
 * box's samples up to number t - lag - delay, lag being fixed when the echo starts (the
 * samples in flight then, plus a margin for the box answering late): a constant bulk delay,
 * whatever the scheduling of the two processes, as a real line's is.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "../bench/ecan/g168.h"
#include "hybrid.h"


/* |H(f)|^2 of taps h averaged over 300..3400 Hz */
static double psim_hybrid_band_gain(const double *h, int len)
{
	double sum = 0;
	int n = 0;

	for (double f = 300; f <= 3400; f += 25, n++) {
		double re = 0, im = 0, w = 2 * M_PI * f / 8000;

		for (int k = 0; k < len; k++) {
			re += h[k] * cos(w * k);
			im -= h[k] * sin(w * k);
		}
		sum += re * re + im * im;
	}
	return sum / n;
}

int psim_hybrid_set(struct psim_hybrid *hy, int model, double erl_db, unsigned int delay_ms)
{
	const struct g168_model *m;
	double g;

	if (!hy || model < 1 || model > G168_NMODELS || erl_db < 0 || erl_db > 60 ||
	    delay_ms > PSIM_HYB_DELAY_MAX)
		return -EINVAL;
	m = &g168_models[model - 1];
	if (m->len > PSIM_HYB_TAPS_MAX)
		return -EINVAL;
	for (int k = 0; k < m->len; k++)
		hy->h[k] = m->h[k];
	g = psim_hybrid_band_gain(hy->h, m->len);
	g = g > 0 ? sqrt(pow(10, -erl_db / 10) / g) : 0;
	for (int k = 0; k < m->len; k++)
		hy->h[k] *= g;
	hy->len = m->len;
	hy->model = model;
	hy->erl_db = erl_db;
	hy->delay = delay_ms * 8;
	if (!hy->on) {
		hy->have_lag = false;
		hy->late = 0;
	}
	hy->on = true;
	return 0;
}

void psim_hybrid_off(struct psim_hybrid *hy)
{
	if (hy)
		hy->on = false;
}

void psim_hybrid_rx(struct psim_hybrid *hy, int16_t pcm)
{
	hy->x[hy->rx_n++ % PSIM_HYB_RING] = pcm;
}

bool psim_hybrid_waiting(const struct psim_hybrid *hy, unsigned int n)
{
	if (!hy || !hy->on || !hy->have_lag || !n)
		return false;
	return (int64_t)(hy->tx_n + n - 1) - hy->lag - (int64_t)hy->delay >= (int64_t)hy->rx_n;
}

double psim_hybrid_tx(struct psim_hybrid *hy)
{
	int64_t t = (int64_t)hy->tx_n++, j;
	double y = 0;

	if (!hy->on)
		return 0;
	if (!hy->have_lag) {
		hy->lag = t - (int64_t)hy->rx_n + PSIM_HYB_MARGIN;
		hy->have_lag = true;
	}
	j = t - hy->lag - (int64_t)hy->delay; /* the newest source sample of this echo */
	if (j >= (int64_t)hy->rx_n)
		hy->late++;
	for (int k = 0; k < hy->len; k++, j--) {
		if (j < 0 || j < (int64_t)hy->rx_n - PSIM_HYB_RING)
			break;
		if (j < (int64_t)hy->rx_n)
			y += hy->h[k] * hy->x[j % PSIM_HYB_RING];
	}
	return y;
}
