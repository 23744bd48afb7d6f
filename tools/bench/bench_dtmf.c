// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DTMF receiver cost (firmware/dsp/dtmf.c): instructions per sample of dtmf_det_feed_alaw()
 * as the media path calls it (160 A-law samples per 20 ms packet), counted by callgrind with
 * --toggle-collect (inclusive: the per-block analysis and the callbacks count too), on three
 * signals of 60 s each: speech-like talk (tests/unit/dtmf/sig.c's corpus), DTMF digits
 * (100 ms on, 100 ms off) and silence. Run it plainly: it runs itself under
 * `valgrind --tool=callgrind` once per signal (`bench_dtmf --child SIGNAL` is that run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/dtmf.h"
#include "dsp/dtmf_gen.h"
#include "dsp/g711.h"
#include "../../tests/unit/dtmf/sig.h"
#include "cg_run.h"

#define SECS 60
#define N (SECS * 8000)
#define PKT 160
#define TARGET 30 /* instructions per sample */

static const char *const sig_names[] = { "talk", "digits", "silence" };

static uint8_t *make(const char *which)
{
	uint8_t *a = malloc(N);
	double *x = calloc(N, sizeof(*x));
	struct sig_rng r = { 0x5eed };

	if (!a || !x)
		exit(1);
	if (!strcmp(which, "talk")) {
		sig_talk(x, N, &r);
	} else if (!strcmp(which, "digits")) {
		struct dtmf_gen_cfg gc = { .row_dbm0 = -9, .col_dbm0 = -7, .on = 800, .off = 800 };
		struct dtmf_gen g;
		int16_t y[1600];

		for (size_t i = 0; i + 1600 * 16 <= N; i += 1600 * 16) {
			dtmf_gen_start(&g, "123A456B789C*0#D", &gc);
			for (size_t k = 0; k < 16; k++) {
				dtmf_gen_lin(&g, y, 1600);
				for (size_t j = 0; j < 1600; j++)
					x[i + k * 1600 + j] = y[j];
			}
		}
		sig_add_noise(x, N, -50, &r);
	} else {
		sig_add_noise(x, N, -70, &r);
	}
	sig_to_alaw(a, x, N);
	free(x);
	return a;
}

static unsigned int digits;

static void on_ev(void *arg, const struct dtmf_event *ev)
{
	digits += !ev->end;
}

static void run(const uint8_t *a)
{
	struct dtmf_det d;

	dtmf_det_init(&d, on_ev, NULL);
	for (size_t i = 0; i < N; i += PKT)
		dtmf_det_feed_alaw(&d, a + i, PKT);
}

static long long measure(const char *self, const char *which)
{
	return cg_run("--toggle-collect=dtmf_det_feed_alaw", self, "--child %s", which);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	uint8_t *a;

	if (argc >= 3 && !strcmp(argv[1], "--child")) {
		a = make(argv[2]);
		run(a);
		free(a);
		return 0;
	}
	printf("DTMF receiver (dtmf_det_feed_alaw, 160-sample packets, x86-64 -O2), instructions\n"
	       "per sample by callgrind, %d s of each signal:\n", SECS);
	for (size_t i = 0; i < 3; i++) {
		long long ir = measure(argv[0], sig_names[i]);

		if (ir < 0) {
			fprintf(stderr, "callgrind run failed (is valgrind installed?)\n");
			return 1;
		}
		printf("  %-8s %6.1f   target <= %d\n", sig_names[i], (double)ir / N, TARGET);
	}
	a = make("digits");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("  host time on the digits: %.1f ns per sample; %u digits taken of %d sent\n",
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / N, digits,
	       N / 1600 / 16 * 16);
	free(a);
	return 0;
}
