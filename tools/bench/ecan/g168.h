/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * G.168-style test bed for line echo cancellers, shared by the benchmark (bench_ecan.c, which
 * also runs speexdsp through it) and the unit tests (tests/unit/ecan). Host-only code.
 *
 * Signals (all fixed-seed, 8 kHz, linear int16; 0 dBm0 = 16,037 rms, the A-law sine of
 * +3.14 dBm0 having a 32,768 peak):
 *  - speech-like: talkspurts of 0.4-1.6 s separated by 0.15-0.6 s of silence; each talkspurt is
 *    a run of 60-250 ms syllables, 75 % voiced (glottal pulse train at a per-talker f0 with
 *    +-20 % intonation, 2-pole glottal low-pass, three formant resonators F1/F2/F3 drawn per
 *    syllable, raised-cosine envelope) and 25 % unvoiced (white noise through a wide resonator
 *    at 2.5-3.5 kHz); a 100 Hz high-pass; scaled so that the active samples sit at the asked
 *    level (dBm0, rms over the talkspurts).
 *  - composite-source-like (G.168 Annex C spirit): the voiced section of C.1 (its published
 *    samples) repeated to 48.6 ms, 200 ms of low-passed pseudo-noise, 101.4 ms of silence,
 *    then the same with the sign inverted; 700 ms period; scaled like speech.
 *  - near-end noise: Hoth-like (white noise through a one-pole low-pass at ~500 Hz plus 20 %
 *    white), at the asked level.
 * Echo paths: the eight impulse responses of G.168 Annex D (D.2-D.9, their published
 * coefficients), scaled so that the ERL measured on the far-end signal of the run is the asked
 * ERL, after a pure delay (0 .. tail - model length).
 */
#ifndef G168_H
#define G168_H

#include <stdint.h>

#define G168_RATE 8000
#define G168_DBM0_RMS 16037.0
#define G168_NMODELS 8

/* A canceller under test: process n samples in place (sin = from the line, with echo) given
 * the n reference samples sent to the line at the same time. latency: output delay in
 * samples. */
struct g168_engine {
	const char *name;
	void *(*create)(int taps);
	void (*process)(void *st, int16_t *sin, const int16_t *ref, int n);
	void (*destroy)(void *st);
	int (*latency)(void *st);
	int (*set_nlp)(void *st, int on); /* NULL: no NLP */
};

struct g168_model {
	const char *name; /* "D.2" .. "D.9" */
	const int32_t *h;
	int len;
};
extern const struct g168_model g168_models[G168_NMODELS];

enum g168_signal { G168_SPEECH, G168_CSS };

struct g168_case {
	enum g168_signal sig;
	int model;	  /* index into g168_models */
	int delay;	  /* pure delay before the model, samples */
	double erl_db;	  /* echo return loss */
	double far_dbm0;  /* far-end active level */
	double noise_dbm0; /* near-end noise; < -200: none */
	double dt_db;	  /* near-end speech level relative to far-end; < -200: none */
	double dt_start, dt_len; /* s */
	double secs;
	uint32_t seed;
	int taps;
	int frame; /* samples per process call */
	int nlp;
	int model2;	  /* echo path change (G.168 test 4 style): this model ... */
	double change_s;  /* ... from this time on (s; <= 0: no change) */
	int delay2;	  /* a second reflection (the same model) this many samples in ... */
	double erl2_db;	  /* ... with this ERL of its own (<= 0: none) */
};

struct g168_result {
	double steady_erle;  /* last third of the run (before double talk, if any) */
	double t20, t30;     /* s; first time from which every 100 ms window (hop 50 ms) whose
			      * echo is within 20 dB of its active level stays >= 20/30 dB */
	double erle_05_1;    /* ERLE over 0.5..1 s */
	double erle_dt;	     /* during double talk */
	double erle_after;   /* from 0.5 s after double talk to the end */
	double near_gain_db; /* output / near-end level during double talk (NLP off: ~0) */
	double ret_echo_dbm0; /* residual echo level from 0.5 s on (true residual) */
	double erl_meas;
	/* NLP: output vs near-end noise over 50 ms blocks from 1 s on where the far end talks
	 * and no near-end talker does (comfort noise level and lag-1 correlation, a measure of
	 * spectral tilt); blocks of double talk whose near-end talker is present (within 15 dB
	 * of its active level) and how many of them come out more than 3 dB low (clipped) */
	double cn_diff_db, cn_rho_out, cn_rho_noise;
	/* echo path change: time to 20 dB after it (as t20) and ERLE 1-2 s after it */
	double t20_change, erle_change;
	int near_blocks, clipped_blocks;
};

/* Fill out[n] with the speech-like signal of the given seed at level_dbm0. */
void g168_speech(int16_t *out, int n, uint32_t seed, double level_dbm0);
/* echo[i] = (m * far)[i - delay], scaled to an ERL of erl_db on this very signal */
void g168_echo_path(double *echo, const int16_t *far, int n, const struct g168_model *m,
		    int delay, double erl_db);
void g168_css(int16_t *out, int n, double level_dbm0);
void g168_noise(int16_t *out, int n, uint32_t seed, double level_dbm0);

/* Run the case through the engine; returns 0 or -ENOMEM. */
int g168_run(struct g168_result *r, const struct g168_engine *e, const struct g168_case *c);

/* Default case: speech, ERL 6 dB, far end -15 dBm0, noise -55 dBm0, no double talk. */
void g168_case_default(struct g168_case *c, int model, int taps);

#endif
