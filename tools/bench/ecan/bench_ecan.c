// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * G.168-style benchmark of the line echo canceller, side by side with speexdsp's MDF through
 * the same harness (g168.c). `make bench-ecan` runs it. Quality figures come from plain runs;
 * instructions per sample from callgrind: the program runs itself under
 * `valgrind --tool=callgrind --instr-atstart=no` (`bench_ecan --cost ENGINE TAPS`), which counts
 * only the canceller calls (instrumentation is switched on around them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include "ec_ours.h"
#include "ec_speex.h"
#include "g168.h"

static const struct g168_engine *engines[] = {
	&ec_ours_engine,
	&ec_speex_engine,
};
#define NENG ((int)(sizeof(engines) / sizeof(engines[0])))

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void run_or_die(struct g168_result *r, const struct g168_engine *e,
		       const struct g168_case *c)
{
	if (g168_run(r, e, c)) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
}

static void header(const char *what)
{
	printf("%-10s", what);
	for (int e = 0; e < NENG; e++)
		printf(" | %-34s", engines[e]->name);
	printf("\n%-10s", "");
	for (int e = 0; e < NENG; e++)
		printf(" | %8s %6s %6s %10s", "steady", "t20", "t30", "0.5-1s");
	printf("\n");
}

static void cell(const struct g168_result *r)
{
	printf(" | %8.1f %6.2f %6.2f %10.1f", r->steady_erle, r->t20, r->t30, r->erle_05_1);
}

/* all 8 models at one noise level and tail; model placed `delay_end` before the tail end when
 * >= 0, else at the default 5 ms */
static void models_table(int taps, double noise, int delay_end)
{
	double st[NENG][G168_NMODELS], t20[NENG][G168_NMODELS];
	char title[64];

	snprintf(title, sizeof(title), "%d ms tail, noise %.0f dBm0, %s", taps / 8, noise,
		 delay_end >= 0 ? "model ending at the tail end" : "5 ms pure delay");
	printf("\n== %s: ERLE dB (true residual), time to 20/30 dB s ==\n", title);
	header("model");
	for (int m = 0; m < G168_NMODELS; m++) {
		printf("%-10s", g168_models[m].name);
		for (int e = 0; e < NENG; e++) {
			struct g168_case c;
			struct g168_result r;

			g168_case_default(&c, m, taps);
			c.noise_dbm0 = noise;
			if (delay_end >= 0)
				c.delay = taps - g168_models[m].len - delay_end;
			run_or_die(&r, engines[e], &c);
			st[e][m] = r.steady_erle;
			t20[e][m] = r.t20;
			cell(&r);
		}
		printf("\n");
	}
	printf("%-10s", "median");
	for (int e = 0; e < NENG; e++) {
		double s[G168_NMODELS], t[G168_NMODELS];

		memcpy(s, st[e], sizeof(s));
		memcpy(t, t20[e], sizeof(t));
		qsort(s, G168_NMODELS, sizeof(double), cmp_d);
		qsort(t, G168_NMODELS, sizeof(double), cmp_d);
		printf(" | %8.1f %6.2f %6s %10s", (s[3] + s[4]) / 2, (t[3] + t[4]) / 2, "", "");
	}
	printf("\n%-10s", "worst");
	for (int e = 0; e < NENG; e++) {
		double s[G168_NMODELS], t[G168_NMODELS];

		memcpy(s, st[e], sizeof(s));
		memcpy(t, t20[e], sizeof(t));
		qsort(s, G168_NMODELS, sizeof(double), cmp_d);
		qsort(t, G168_NMODELS, sizeof(double), cmp_d);
		printf(" | %8.1f %6.2f %6s %10s", s[0], t[G168_NMODELS - 1], "", "");
	}
	printf("\n");
}

/* the same figures for other talkers (the seed draws f0, intonation and syllables): steady ERLE
 * median / worst over the 8 models at -55 and -80 dBm0 */
static void talkers_table(int taps)
{
	printf("\n== %d ms tail, other talkers (speech seeds), 5 ms pure delay: steady ERLE dB "
	       "median / worst of the 8 models ==\n", taps / 8);
	printf("%-10s", "seed");
	for (int e = 0; e < NENG; e++)
		printf(" | %-11s %-11s %10s", engines[e]->name, "", "");
	printf("\n%-10s", "");
	for (int e = 0; e < NENG; e++)
		printf(" | %11s %11s %10s", "-55 dBm0", "-80 dBm0", "");
	printf("\n");
	for (uint32_t seed = 2; seed <= 4; seed++) {
		printf("%-10u", seed);
		for (int e = 0; e < NENG; e++) {
			double st[2][G168_NMODELS];

			for (int m = 0; m < G168_NMODELS; m++)
				for (int n = 0; n < 2; n++) {
					struct g168_case c;
					struct g168_result r;

					g168_case_default(&c, m, taps);
					c.seed = seed;
					c.noise_dbm0 = n ? -80 : -55;
					run_or_die(&r, engines[e], &c);
					st[n][m] = r.steady_erle;
				}
			printf(" |");
			for (int n = 0; n < 2; n++) {
				qsort(st[n], G168_NMODELS, sizeof(double), cmp_d);
				printf(" %5.1f/%5.1f", (st[n][3] + st[n][4]) / 2, st[n][0]);
			}
			printf(" %10s", "");
		}
		printf("\n");
	}
}

static void delays_table(int taps)
{
	printf("\n== %d ms tail, D.2 at pure delays up to the tail end (noise -55 dBm0) ==\n",
	       taps / 8);
	header("delay ms");
	for (int d = 0; d <= taps - g168_models[0].len; d += (taps - g168_models[0].len) / 3) {
		printf("%-10.1f", d / 8.0);
		for (int e = 0; e < NENG; e++) {
			struct g168_case c;
			struct g168_result r;

			g168_case_default(&c, 0, taps);
			c.delay = d;
			run_or_die(&r, engines[e], &c);
			cell(&r);
		}
		printf("\n");
	}
}

/* D.2, D.5 and D.8 with a case changed from the default: the composite-source-like signal, or
 * a second, weaker reflection of the same path (delay2 samples after the first, its own ERL) */
static void variant_table(int taps, const char *what, enum g168_signal sig, int delay2,
			  double erl2)
{
	printf("\n== %d ms tail, %s, noise -55 dBm0 ==\n", taps / 8, what);
	header("model");
	for (int m = 0; m < G168_NMODELS; m += 3) {
		printf("%-10s", g168_models[m].name);
		for (int e = 0; e < NENG; e++) {
			struct g168_case c;
			struct g168_result r;

			g168_case_default(&c, m, taps);
			c.sig = sig;
			c.delay2 = c.delay + delay2;
			c.erl2_db = erl2;
			run_or_die(&r, engines[e], &c);
			cell(&r);
		}
		printf("\n");
	}
}

static void dt_table(int taps)
{
	static const double lv[] = { -12, 0, 6 };

	printf("\n== %d ms tail, double talk 6-9 s (near-end speech vs far end), D.2, far end "
	       "-20 dBm0 (no clipping at +6 dB), noise -55 dBm0, NLP off ==\n", taps / 8);
	printf("%-10s", "near dB");
	for (int e = 0; e < NENG; e++)
		printf(" | %-34s", engines[e]->name);
	printf("\n%-10s", "");
	for (int e = 0; e < NENG; e++)
		printf(" | %8s %6s %6s %10s", "before", "during", "after", "near gain");
	printf("\n");
	for (int l = 0; l < 3; l++) {
		printf("%-+10.0f", lv[l]);
		for (int e = 0; e < NENG; e++) {
			struct g168_case c;
			struct g168_result r;

			g168_case_default(&c, 0, taps);
			c.secs = 14;
			c.far_dbm0 = -20;
			c.dt_db = lv[l];
			c.dt_start = 6;
			c.dt_len = 3;
			run_or_die(&r, engines[e], &c);
			printf(" | %8.1f %6.1f %6.1f %10.2f", r.steady_erle, r.erle_dt, r.erle_after,
			       r.near_gain_db);
		}
		printf("\n");
	}
}

/* echo path change at 5 s (G.168 test 4 style): how fast the new path is learnt */
static void change_table(int taps)
{
	static const int pairs[][2] = { { 0, 3 }, { 3, 6 }, { 5, 1 } };

	printf("\n== %d ms tail, echo path change at 5 s, noise -55 dBm0: time to 20 dB after it "
	       "(s), ERLE 1-2 s after it (dB) ==\n", taps / 8);
	printf("%-10s", "models");
	for (int e = 0; e < NENG; e++)
		printf(" | %-20s", engines[e]->name);
	printf("\n");
	for (int p = 0; p < 3; p++) {
		printf("%s->%-5s", g168_models[pairs[p][0]].name, g168_models[pairs[p][1]].name);
		for (int e = 0; e < NENG; e++) {
			struct g168_case c;
			struct g168_result r;

			g168_case_default(&c, pairs[p][0], taps);
			c.model2 = pairs[p][1];
			c.change_s = 5;
			run_or_die(&r, engines[e], &c);
			printf(" | %8.2f %11.1f", r.t20_change, r.erle_change);
		}
		printf("\n");
	}
}

/* NLP on: returned echo (noise -80 dBm0), comfort noise against the background (noise -55),
 * near-end talker clipped during double talk at -12 dB (6-9 s) */
static void nlp_table(int taps)
{
	printf("\n== %d ms tail, NLP on (%s only: the speexdsp adapter has no NLP) ==\n", taps / 8,
	       engines[0]->name);
	printf("%-10s %14s %12s %18s %14s\n", "model", "ret.echo dBm0", "CN-noise dB",
	       "CN/noise lag-1 r", "clipped/near");
	for (int m = 0; m < G168_NMODELS; m++) {
		struct g168_case c;
		struct g168_result r;
		double ret, diff, ro, rn;

		g168_case_default(&c, m, taps);
		c.nlp = 1;
		c.noise_dbm0 = -80;
		run_or_die(&r, engines[0], &c);
		ret = r.ret_echo_dbm0;
		c.noise_dbm0 = -55;
		run_or_die(&r, engines[0], &c);
		diff = r.cn_diff_db;
		ro = r.cn_rho_out;
		rn = r.cn_rho_noise;
		c.secs = 14;
		c.dt_db = -12;
		c.dt_start = 6;
		c.dt_len = 3;
		run_or_die(&r, engines[0], &c);
		printf("%-10s %14.1f %12.1f %8.2f / %6.2f %8d / %3d\n", g168_models[m].name, ret,
		       diff, ro, rn, r.clipped_blocks, r.near_blocks);
	}
	printf("targets: returned echo <= -65 dBm0 from 0.5 s, CN within a few dB, clipped <= 1 "
	       "in 34\n");
}

/* --cost: the canceller alone, 4 s of speech with D.2, counted by callgrind */
/* The cost is counted on a call as the quality tables run it (D.2 5 ms away, ERL 6 dB, noise
 * -55 dBm0, 10 s): the start-up helper runs as long as the echo makes it, so the figure
 * depends on the echo. Phases: the whole call, its first second (helper on), its last 4 s
 * (the helper long off: what a settled channel costs). */
#define COST_SECS 10
static const struct {
	const char *name;
	double t0, t1;
} cost_phase[] = { { "call", 0, COST_SECS }, { "first 1 s", 0, 1 },
		   { "settled", COST_SECS - 4, COST_SECS } };
#define NPHASE ((int)(sizeof(cost_phase) / sizeof(cost_phase[0])))

static int cost_child(const char *name, int taps, int ph)
{
	int n = COST_SECS * G168_RATE;
	int i0 = (int)(cost_phase[ph].t0 * G168_RATE), i1 = (int)(cost_phase[ph].t1 * G168_RATE);
	int16_t *far = malloc(n * sizeof(int16_t)), *sin = malloc(n * sizeof(int16_t));
	int16_t *noise = malloc(n * sizeof(int16_t));
	double *echo = malloc(n * sizeof(double));
	const struct g168_engine *e = NULL;
	void *st;

	for (int i = 0; i < NENG; i++)
		if (!strcmp(engines[i]->name, name))
			e = engines[i];
	if (!e || !far || !sin || !noise || !echo)
		return 1;
	g168_speech(far, n, 1, -15);
	g168_noise(noise, n, 101, -55);
	g168_echo_path(echo, far, n, &g168_models[0], 40, 6);
	for (int i = 0; i < n; i++)
		sin[i] = (int16_t)lrint(echo[i] + noise[i]);
	st = e->create(taps);
	if (!st)
		return 1;
	for (int i = 0; i < n; i += 8) {
		if (i == i0)
			CALLGRIND_START_INSTRUMENTATION;
		e->process(st, sin + i, far + i, 8);
		if (i + 8 == i1)
			CALLGRIND_STOP_INSTRUMENTATION;
	}
	e->destroy(st);
	printf("samples %d\n", i1 - i0);
	free(far);
	free(sin);
	free(noise);
	free(echo);
	return 0;
}

static double cost(const char *self, const char *name, int taps, int ph)
{
	char out[] = "/tmp/hlgw-bench-ecan.XXXXXX", cmd[512], line[256];
	double ir = -1;
	FILE *f;
	int fd = mkstemp(out);

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "valgrind -q --tool=callgrind --instr-atstart=no --callgrind-out-file=%s "
		 "%s --cost %s %d %d >/dev/null",
		 out, self, name, taps, ph);
	if (system(cmd) == 0 && (f = fopen(out, "r"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "totals:", 7) || !strncmp(line, "summary:", 8))
				ir = atof(strchr(line, ':') + 1);
		fclose(f);
	}
	remove(out);
	return ir < 0 ? -1
		      : ir / ((cost_phase[ph].t1 - cost_phase[ph].t0) * G168_RATE);
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "--cost"))
		return cost_child(argv[2], atoi(argv[3]), atoi(argv[4]) % NPHASE);
	if (argc >= 2 && !strcmp(argv[1], "--speex-frame") && argc >= 3)
		ec_speex_frame = atoi(argv[2]);

	printf("G.168-style echo canceller benchmark (tools/bench/ecan): speech-like far end at "
	       "-15 dBm0,\nERL 6 dB, 8 kHz, 1 ms chunks; speexdsp MDF frame %d samples, "
	       "preprocessor off.\n", ec_speex_frame);
	printf("Anchors (issue 5): speexdsp 41 dB steady, 20 dB after 0.53 s; targets: median "
	       ">= 45 dB,\nworst >= 40 dB at -55 dBm0 noise, >= 65 dB at -80 dBm0, 20 dB by "
	       "0.35 s (64 ms) / 0.5 s (128 ms).\n");
	models_table(512, -55, -1);
	models_table(512, -80, -1);
	models_table(1024, -55, -1);
	models_table(1024, -55, 0);
	talkers_table(512);
	delays_table(512);
	delays_table(1024);
	variant_table(512, "composite-source-like signal", G168_CSS, 0, 0);
	variant_table(512, "a second reflection 35 ms later at ERL 31 dB (25 dB under the first)",
		      G168_SPEECH, 280, 31);
	dt_table(512);
	change_table(512);
	nlp_table(512);

	printf("\n== instructions per sample (callgrind, canceller calls only, 1 ms chunks; D.2, "
	       "ERL 6 dB, noise -55 dBm0, %d s) ==\n", COST_SECS);
	printf("%-10s", "");
	for (int ph = 0; ph < NPHASE; ph++)
		printf(" | %9s %9s", cost_phase[ph].name, "");
	printf("\n%-10s", "");
	for (int ph = 0; ph < NPHASE; ph++)
		printf(" | %9s %9s", "64 ms", "128 ms");
	printf("\n");
	for (int e = 0; e < NENG; e++) {
		printf("%-10s", engines[e]->name);
		for (int ph = 0; ph < NPHASE; ph++)
			printf(" | %9.0f %9.0f", cost(argv[0], engines[e]->name, 512, ph),
			       cost(argv[0], engines[e]->name, 1024, ph));
		printf("\n");
	}
	printf("anchors: speexdsp 1,775 / 2,053; target <= 1,000 / 1,300\n");
	return 0;
}
