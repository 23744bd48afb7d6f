// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One G.168 case, or one row per echo-path model, through the canceller: the tool for tuning
 * experiments (bench-ecan runs the whole set and speexdsp beside it).
 *
 *   ecan_case [-t TAPS] [-n NOISE_DBM0] [-m MODEL|all] [-e DELAY_FROM_END|-d DELAY]
 *             [-s SECS] [-S SEED] [-D DT_DB START LEN] [-R DELAY2 ERL2_DB] [-x] [-T]
 *
 * -m all (the default) prints every model and a summary line: steady median / worst, t20
 * worst, 0.5-1 s worst. -R adds a second reflection of the same model DELAY2 samples into the
 * tail with its own ERL. -x runs speexdsp instead; -T prints ERLE per 50 ms block (the
 * harness's G168_TRACE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec_ours.h"
#include "ec_speex.h"
#include "g168.h"

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: ecan_case [-t TAPS] [-n NOISE_DBM0] [-m 2..9|all] "
			"[-e DELAY_FROM_END | -d DELAY] [-s SECS] [-S SEED] "
			"[-D DT_DB START LEN] [-R DELAY2 ERL2_DB] [-x] [-T]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const struct g168_engine *eng = &ec_ours_engine;
	int taps = 512, model = -1, delay = 40, from_end = -1;
	double noise = -55, secs = 10, dt_db = -999, dt_start = 0, dt_len = 0, erl2 = 0;
	int delay2 = 0;
	uint32_t seed = 1;
	double st[G168_NMODELS], t20w = 0, e05w = 1e9;
	int nm = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-x")) {
			eng = &ec_speex_engine;
			continue;
		}
		if (!strcmp(a, "-T")) {
			setenv("G168_TRACE", "1", 1);
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "-t"))
			taps = atoi(v);
		else if (!strcmp(a, "-n"))
			noise = atof(v);
		else if (!strcmp(a, "-m"))
			model = strcmp(v, "all") ? atoi(v) - 2 : -1;
		else if (!strcmp(a, "-e"))
			from_end = atoi(v);
		else if (!strcmp(a, "-d"))
			delay = atoi(v);
		else if (!strcmp(a, "-s"))
			secs = atof(v);
		else if (!strcmp(a, "-S"))
			seed = (uint32_t)atoi(v);
		else if (!strcmp(a, "-D") && i + 2 < argc) {
			dt_db = atof(v);
			dt_start = atof(argv[++i]);
			dt_len = atof(argv[++i]);
		} else if (!strcmp(a, "-R") && i + 1 < argc) {
			delay2 = atoi(v);
			erl2 = atof(argv[++i]);
		} else
			usage();
	}
	if (model >= G168_NMODELS || model < -1)
		usage();
	for (int m = model < 0 ? 0 : model; m < (model < 0 ? G168_NMODELS : model + 1); m++) {
		struct g168_case c;
		struct g168_result r;

		g168_case_default(&c, m, taps);
		c.noise_dbm0 = noise;
		c.secs = secs;
		c.seed = seed;
		c.delay = from_end >= 0 ? taps - g168_models[m].len - from_end : delay;
		if (c.delay < 0)
			c.delay = 0;
		c.delay2 = delay2;
		c.erl2_db = erl2;
		if (dt_db > -200) {
			c.dt_db = dt_db;
			c.dt_start = dt_start;
			c.dt_len = dt_len;
			c.far_dbm0 = -20;
		}
		if (g168_run(&r, eng, &c)) {
			fprintf(stderr, "out of memory\n");
			return 1;
		}
		printf("%s steady %5.1f t20 %5.2f t30 %5.2f 0.5-1 %5.1f", g168_models[m].name,
		       r.steady_erle, r.t20, r.t30, r.erle_05_1);
		if (dt_db > -200)
			printf(" dt %5.1f after %5.1f near %+.2f", r.erle_dt, r.erle_after,
			       r.near_gain_db);
		printf("\n");
		st[nm++] = r.steady_erle;
		if (r.t20 > t20w)
			t20w = r.t20;
		if (r.erle_05_1 < e05w)
			e05w = r.erle_05_1;
	}
	if (nm > 1) {
		qsort(st, nm, sizeof(double), cmp_d);
		printf("SUM steady %.1f/%.1f t20w %.2f 0.5-1w %.1f\n",
		       (st[(nm - 1) / 2] + st[nm / 2]) / 2, st[0], t20w, e05w);
	}
	return 0;
}
