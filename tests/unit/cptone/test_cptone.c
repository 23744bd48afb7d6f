// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firmware/dsp/cptone: libtonezone descriptions parsed (good, bad, every builtin zone), and
 * the player's output measured: frequency and level by Goertzel, cadence by 10 ms blocks,
 * once-only parts, amplitude modulation's sidebands, the A-law path.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dsp/cptone.h"
#include "dsp/g711.h"

#define RATE 8000
#define DBM0_RMS (G711_DBM0_PEAK / M_SQRT2)

static int16_t buf[RATE * 12];

/* Level in dBm0 of frequency f in x[0..n) (Goertzel, whole cycles assumed). */
static double level_at(const int16_t *x, size_t n, double f)
{
	double w = 2 * M_PI * f / RATE, c = 2 * cos(w), s1 = 0, s2 = 0, p;
	size_t i;

	for (i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	p = s1 * s1 + s2 * s2 - c * s1 * s2; /* |X|^2 */
	return 20 * log10(sqrt(2 * p) / n / DBM0_RMS + 1e-12);
}

static double level_all(const int16_t *x, size_t n)
{
	double e = 0;
	size_t i;

	for (i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return 10 * log10(e / n / (DBM0_RMS * DBM0_RMS) + 1e-15);
}

/* 10 ms blocks from..to: 1 where the block holds any sound. */
static unsigned int blocks_on(const int16_t *x, unsigned int from, unsigned int to)
{
	unsigned int b, n = 0;

	for (b = from; b < to; b++)
		n += level_all(x + b * 80, 80) > -60;
	return n;
}

static void play(const char *desc, float dbm0, unsigned int samples, struct cptone_seq *s)
{
	struct cptone_player p;

	assert_int_equal(cptone_parse(s, desc), 0);
	assert_int_equal(cptone_start(&p, s, dbm0), 0);
	memset(buf, 0x55, sizeof(buf));
	/* in 8-sample chunks, as the media path pulls them */
	for (unsigned int k = 0; k < samples; k += 8)
		assert_true(cptone_fill_lin(&p, buf + k, 8));
}

static void test_parse(void **state)
{
	struct cptone_seq s;
	char many[400] = "";
	int i;

	assert_int_equal(cptone_parse(&s, "425/1000,0/4000"), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.loop, 0);
	assert_int_equal(s.part[0].f1, 425);
	assert_int_equal(s.part[0].ms, 1000);
	assert_int_equal(s.part[1].f1, 0);
	assert_int_equal(s.part[1].ms, 4000);
	assert_int_equal(cptone_parse(&s, "!425/100,!0/100,350+440"), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.loop, 2);
	assert_int_equal(s.part[2].f2, 440);
	assert_false(s.part[2].mod);
	assert_int_equal(s.part[2].ms, 0);
	assert_int_equal(cptone_parse(&s, "400*33/400,0/200"), 0);
	assert_true(s.part[0].mod);
	assert_int_equal(s.part[0].f2, 33);
	assert_int_equal(cptone_parse(&s, "!1400/80"), 0);
	assert_int_equal(s.loop, s.n); /* plays once */
	assert_int_equal(cptone_parse(&s, ""), 0);
	assert_int_equal(s.n, 0);

	static const char *const bad[] = { "425/", "abc", "425,,0", "4000", "425+", "!", "425*",
					    "425/3600001", "425 /100", "-425", "425/100;0", "+440",
					    "425/100,", ",425" };
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++)
		if (cptone_parse(&s, bad[i]) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	for (i = 0; i < CPTONE_PARTS_MAX + 1; i++)
		strcat(many, i ? ",425/10" : "425/10");
	assert_int_equal(cptone_parse(&s, many), -E2BIG);
}

/* every tone of every country that libtonezone knows parses, but Thailand's call waiting:
 * "1000/400,10000/400,1000/400" names 10 kHz, which an 8 kHz line cannot carry */
static void test_zones(void **state)
{
	struct cptone_seq s;
	unsigned int z, t, tones = 0, bad = 0;

	assert_true(cptone_n_zones >= 40);
	for (z = 0; z < cptone_n_zones; z++)
		for (t = 0; t < CPTONE__NUM; t++) {
			const char *d = cptone_zones[z].tone[t];

			if (cptone_parse(&s, d) != 0) {
				if (strcmp(cptone_zones[z].country, "th") || t != CPTONE_CALLWAIT)
					fail_msg("%s %s: '%s'", cptone_zones[z].country,
						 cptone_name(t), d);
				bad++;
			}
			tones += *d != 0;
		}
	assert_int_equal(bad, 1);
	assert_true(tones >= 7 * cptone_n_zones);
	assert_non_null(cptone_zone_find("de"));
	assert_string_equal(cptone_zone_find("de")->tone[CPTONE_RINGBACK], "425/1000,0/4000");
	assert_null(cptone_zone_find("xx"));
	assert_int_equal(cptone_by_name("ringback"), CPTONE_RINGBACK);
	assert_int_equal(cptone_by_name("queue"), -1);
}

/* Germany's ringback: 425 Hz at the level asked, 1 s on, 4 s off, repeated */
static void test_ringback_de(void **state)
{
	struct cptone_seq s;

	play(cptone_zone_find("de")->tone[CPTONE_RINGBACK], -10, RATE * 11, &s);
	/* 0.05-0.85 s: 340 whole cycles, so no leakage between the bins */
	assert_float_equal(level_at(buf + 400, 6400, 425), -10.0, 0.1);
	assert_float_equal(level_all(buf + 400, 6400), -10.0, 0.1); /* nothing else */
	if (level_at(buf + 400, 6400, 850) > -80)	    /* a clean sine */
		fail_msg("2nd harmonic at %.1f dBm0", level_at(buf + 400, 6400, 850));
	assert_int_equal(blocks_on(buf, 0, 100), 100);
	assert_int_equal(blocks_on(buf, 100, 500), 0);
	assert_int_equal(blocks_on(buf, 500, 600), 100);
	assert_int_equal(blocks_on(buf, 600, 1000), 0);
	assert_int_equal(blocks_on(buf, 1000, 1100), 100);
}

/* busy 480/480 ms; a dual tone's two frequencies each at the level */
static void test_busy_and_dual(void **state)
{
	struct cptone_seq s;
	unsigned int b, on = 0, edges = 0;

	play(cptone_zone_find("de")->tone[CPTONE_BUSY], -12, RATE * 5, &s);
	for (b = 0; b < 480; b++) { /* 4.8 s in 10 ms blocks: 48 on, 48 off, alternating */
		bool o = level_all(buf + b * 80, 80) > -60;

		on += o;
		edges += b && o != (level_all(buf + (b - 1) * 80, 80) > -60);
	}
	assert_int_equal(on, 240);
	assert_int_equal(edges, 9);
	play("350+440", -13, RATE, &s);
	assert_float_equal(level_at(buf, 8000, 350), -13.0, 0.1);
	assert_float_equal(level_at(buf, 8000, 440), -13.0, 0.1);
	play(cptone_zone_find("hu")->tone[CPTONE_STUTTER], -15, RATE, &s); /* 350+375+400 */
	assert_float_equal(level_at(buf, 8000, 350), -15.0, 0.1);
	assert_float_equal(level_at(buf, 8000, 375), -15.0, 0.1);
	assert_float_equal(level_at(buf, 8000, 400), -15.0, 0.1);
}

/* "!" parts play once, then the sequence loops from the first plain part */
static void test_once_parts(void **state)
{
	struct cptone_seq s;
	struct cptone_player p;

	play("!425/100,!0/100,!425/100,!0/100,1400", -10, RATE * 2, &s);
	assert_int_equal(blocks_on(buf, 0, 10), 10);
	assert_int_equal(blocks_on(buf, 10, 20), 0);
	assert_int_equal(blocks_on(buf, 20, 30), 10);
	assert_int_equal(blocks_on(buf, 30, 40), 0);
	assert_float_equal(level_at(buf + 3200, 8000, 1400), -10.0, 0.1);
	assert_int_equal(blocks_on(buf, 40, 200), 160);
	/* all parts once: it ends, and says so */
	assert_int_equal(cptone_parse(&s, "!1400/80"), 0);
	assert_int_equal(cptone_start(&p, &s, -10), 0);
	for (int k = 0; k < 80; k++)
		assert_true(cptone_fill_lin(&p, buf, 8));
	assert_true(cptone_fill_lin(&p, buf, 8)); /* the last chunk: silence */
	assert_false(cptone_fill_lin(&p, buf, 8));
	assert_false(cptone_active(&p));
	assert_int_equal(cptone_start(&p, &s, 3), -EINVAL);
}

/* "400*33": 400 Hz at 0.9 of the level modulated 22 % by 33 Hz: sidebands at 367 and 433 Hz,
 * 0.11 of the carrier; "425@": 0.3 of the level */
static void test_modulated_and_low(void **state)
{
	struct cptone_seq s;
	double c, lo, hi;

	play("400*33", -10, RATE, &s);
	c = level_at(buf, 8000, 400);
	lo = level_at(buf, 8000, 367);
	hi = level_at(buf, 8000, 433);
	assert_float_equal(c, -10.0 + 20 * log10(0.9), 0.1);
	assert_float_equal(lo - c, 20 * log10(0.11), 0.3);
	assert_float_equal(hi - c, 20 * log10(0.11), 0.3);
	play(cptone_zone_find("au")->tone[CPTONE_CONGESTION], -10, RATE * 2, &s);
	assert_float_equal(level_at(buf, 3000, 425), -10.0, 0.1);
	assert_float_equal(level_at(buf + 6000, 3000, 425), -10.0 + 20 * log10(0.3), 0.1);
}

/* the A-law the line gets carries the same tone */
static void test_alaw(void **state)
{
	struct cptone_seq s;
	struct cptone_player p;
	static uint8_t a[RATE];
	int16_t lin[RATE];
	int i;

	assert_int_equal(cptone_parse(&s, "425"), 0);
	assert_int_equal(cptone_start(&p, &s, -10), 0);
	assert_true(cptone_fill_alaw(&p, a, RATE));
	for (i = 0; i < RATE; i++)
		lin[i] = g711_alaw_dec(a[i]);
	assert_float_equal(level_at(lin, RATE, 425), -10.0, 0.1);
	cptone_stop(&p);
	assert_false(cptone_fill_alaw(&p, a, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	     cmocka_unit_test(test_zones),
		cmocka_unit_test(test_ringback_de),  cmocka_unit_test(test_busy_and_dual),
		cmocka_unit_test(test_once_parts),   cmocka_unit_test(test_modulated_and_low),
		cmocka_unit_test(test_alaw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
