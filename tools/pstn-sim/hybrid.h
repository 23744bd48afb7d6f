/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pstn-sim's hybrid echo on a caller's line: what the caller's side sends back to the box
 * gets the echo of what it receives from the box, through one of G.168 Annex D's echo paths
 * (tools/bench/ecan/g168_models.c) scaled to an ERL, after an extra pure delay.
 */
#ifndef PSIM_HYBRID_H
#define PSIM_HYBRID_H

#include <stdbool.h>
#include <stdint.h>

#define PSIM_HYB_RING 2048 /* samples from the box kept: the longest model and delay fit */
#define PSIM_HYB_DELAY_MAX 100 /* ms of extra delay at most */
#define PSIM_HYB_TAPS_MAX 160
/* samples (20 ms) by which the box may answer later than when the echo started: pstn-sim and
 * the box are processes on a shared host, and a late block would change the echo path */
#define PSIM_HYB_MARGIN 160

struct psim_hybrid {
	bool on;
	int model;		/* 1..8: Annex D.2 .. D.9 */
	double erl_db;
	unsigned int delay;	/* extra pure delay, samples */
	double h[PSIM_HYB_TAPS_MAX];
	int len;
	int16_t x[PSIM_HYB_RING]; /* from the box, by sample number mod PSIM_HYB_RING */
	uint64_t rx_n, tx_n;	/* samples received from the box and sent to it */
	int64_t lag;		/* tx_n - rx_n when the echo started, plus the margin */
	bool have_lag;
	uint64_t late;		/* echo samples whose source had not arrived yet */
};

/* The ERL is the echo path's power gain averaged over 300-3400 Hz. Returns 0 or -EINVAL
 * (model not 1..8, erl_db outside 0..60, delay_ms over PSIM_HYB_DELAY_MAX). */
int psim_hybrid_set(struct psim_hybrid *hy, int model, double erl_db, unsigned int delay_ms);
void psim_hybrid_off(struct psim_hybrid *hy);
/* One sample received from the box. */
void psim_hybrid_rx(struct psim_hybrid *hy, int16_t pcm);
/* The echo to add to the next sample sent to the box (0 while off). */
double psim_hybrid_tx(struct psim_hybrid *hy);
/* The next n samples' echo needs samples from the box that have not come yet: pstn-sim holds
 * its line clock a little rather than send a wrong echo (the box runs on the blocks it
 * receives, one back for each, so it notices nothing). */
bool psim_hybrid_waiting(const struct psim_hybrid *hy, unsigned int n);

#endif
