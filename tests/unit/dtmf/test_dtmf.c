// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DTMF receiver (firmware/dsp/dtmf.c) against the Q.24 / ETSI ES 201 235-3 limits, through
 * the A-law path the media channel uses, in 160-sample chunks (20 ms packets) unless said:
 * - every digit x level (-3..-30 dBm0 per tone) x frequency offset (+-1.5 %) x twist
 *   (8 dB forward, 4 dB reverse) x duration (40, 100 ms): exactly that digit, once, with its
 *   duration to within a block either side; in white noise 20 dB below the weaker tone;
 * - refused: each tone at -36 dBm0, +-3.5 % on either tone, twist 10 dB forward / 6 dB
 *   reverse, 20 ms tones, strong 2nd/3rd harmonics, a third tone or noise as loud as a tone;
 * - 40 ms pauses separate digits, 10 ms interruptions do not, at every block alignment, in
 *   chunks of 8 to 1000 samples;
 * - every digit at SNR 10 dB taken; white noise alone at -50..-10 dBm0 gives nothing;
 * - single tones, dial tone, 2100 Hz, neighbouring row or column pairs give nothing;
 * - the talk-off corpus (sig.c, fixed seed, several minutes) and 25 min of recorded speech
 *   (Asterisk's prompts): false digits counted, 0 asserted;
 * - the generator (dtmf_gen) makes the Q.23 frequencies and levels and the receiver takes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <glob.h>

#include <cmocka.h>

#include "dsp/dtmf.h"
#include "dsp/dtmf_gen.h"
#include "dsp/g711.h"
#include "sig.h"

#define RATE 8000
#define MS(x) ((size_t)(x) * RATE / 1000)
#define SNR_DB 20.0 /* noise below the weaker tone */
#define MAXEV 64

struct got {
	unsigned int n;
	struct dtmf_event ev[MAXEV];
};

static void on_event(void *arg, const struct dtmf_event *ev)
{
	struct got *g = arg;

	if (g->n < MAXEV)
		g->ev[g->n] = *ev;
	g->n++;
}

/* feed x through A-law in chunks; the events in g; returns the digits as a string */
static const char *detect(struct got *g, const double *x, size_t n, size_t chunk)
{
	static char s[MAXEV + 1];
	struct dtmf_det d;
	uint8_t *a = malloc(n);
	size_t i;
	unsigned int k = 0;

	assert_non_null(a);
	sig_to_alaw(a, x, n);
	memset(g, 0, sizeof(*g));
	dtmf_det_init(&d, on_event, g);
	for (i = 0; i < n; i += chunk)
		dtmf_det_feed_alaw(&d, a + i, (unsigned int)(n - i < chunk ? n - i : chunk));
	free(a);
	for (i = 0; i < g->n && i < MAXEV; i++)
		if (!g->ev[i].end)
			s[k++] = g->ev[i].digit;
	s[k] = 0;
	return s;
}

struct tone_case {
	int key;
	double row_db, col_db;	 /* dBm0 per tone */
	double row_off, col_off; /* relative frequency offsets */
	unsigned int on_ms;
	unsigned int lead;	 /* samples of noise before the tone (block alignment) */
};

static uint64_t seed = 1;

/* lead + tone + 150 ms, in noise SNR_DB below the weaker tone (or at noise_db if given) */
static size_t build(double *x, size_t max, const struct tone_case *c, double noise_db)
{
	size_t n = c->lead + MS(c->on_ms) + MS(150);
	struct sig_rng r = { seed++ * 0x9e3779b97f4a7c15ull };
	double weak = c->row_db < c->col_db ? c->row_db : c->col_db;

	assert_true(n <= max);
	memset(x, 0, n * sizeof(*x));
	sig_add_tone(x + c->lead, MS(c->on_ms), dtmf_row_hz[c->key / 4] * (1 + c->row_off),
		     c->row_db, sig_uniform(&r) * 6.28);
	sig_add_tone(x + c->lead, MS(c->on_ms), dtmf_col_hz[c->key % 4] * (1 + c->col_off),
		     c->col_db, sig_uniform(&r) * 6.28);
	sig_add_noise(x, n, noise_db ? noise_db : weak - SNR_DB, &r);
	return n;
}

static double xbuf[MS(6000)];

/* one case: the digit exactly once, its duration within 12 ms; or nothing */
static bool run_case(const struct tone_case *c, bool want, char *why, size_t whylen)
{
	struct got g;
	size_t n = build(xbuf, sizeof(xbuf) / sizeof(xbuf[0]), c, 0);
	const char *s = detect(&g, xbuf, n, 160);
	char dg = dtmf_digit(c->key);

	if (!want) {
		snprintf(why, whylen, "got \"%s\"", s);
		return !*s && g.n == 0;
	}
	if (g.n != 2 || s[0] != dg || s[1] || !g.ev[1].end) {
		snprintf(why, whylen, "got \"%s\" (%u events)", s, g.n);
		return false;
	}
	{
		long dur = (long)g.ev[1].duration, want_dur = (long)MS(c->on_ms);
		long start = (long)g.ev[0].at - (long)c->lead;

		snprintf(why, whylen, "duration %ld for %ld, start %+ld", dur, want_dur, start);
		return labs(dur - want_dur) <= (long)MS(12) && labs(start) <= (long)MS(12);
	}
}

static void check(const struct tone_case *c, bool want, unsigned int *fails)
{
	char why[80];

	if (!run_case(c, want, why, sizeof(why))) {
		(*fails)++;
		print_message("%s %c: row %.1f dBm0 %+.1f%%, col %.1f dBm0 %+.1f%%, %u ms, lead %u: "
			      "%s\n", want ? "missed" : "false", dtmf_digit(c->key), c->row_db,
			      c->row_off * 100, c->col_db, c->col_off * 100, c->on_ms, c->lead, why);
	}
}

/* ---- the Q.24 table ------------------------------------------------------------------------- */
static void test_accept_table(void **state)
{
	static const double levels[] = { -3, -10, -20, -30 };
	static const double offs[][2] = {
		{ 0, 0 }, { 0.015, 0.015 }, { -0.015, -0.015 }, { 0.015, -0.015 }, { -0.015, 0.015 },
	};
	static const unsigned int durs[] = { 40, 100 };
	unsigned int fails = 0, cases = 0;

	for (int k = 0; k < 16; k++)
		for (size_t l = 0; l < 4; l++)
			for (size_t o = 0; o < 5; o++)
				for (size_t t = 0; t < 2; t++) {
					struct tone_case c = {
						.key = k, .row_db = levels[l], .col_db = levels[l],
						.row_off = offs[o][0], .col_off = offs[o][1],
						.on_ms = durs[t], .lead = MS(100) + (unsigned)(cases * 7 % 64),
					};

					check(&c, true, &fails);
					cases++;
				}
	print_message("accept table: %u cases (16 digits x 4 levels x 5 offsets x 2 durations), "
		      "%u missed\n", cases, fails);
	assert_int_equal(fails, 0);
}

static void test_twist(void **state)
{
	/* the weaker tone from -30 up to where the louder one reaches -3 dBm0 */
	static const double weak[] = { -30, -20, -11 };
	static const double offs[] = { 0, 0.015, -0.015 };
	unsigned int fails = 0, cases = 0, falses = 0;

	for (int k = 0; k < 16; k++)
		for (size_t w = 0; w < 3; w++)
			for (size_t o = 0; o < 3; o++) {
				struct tone_case c = {
					.key = k, .row_off = offs[o], .col_off = -offs[o], .on_ms = 40,
					.lead = MS(100) + (unsigned)(cases * 11 % 64),
				};

				/* forward: row 8 dB louder (taken), 10 dB (refused) */
				c.col_db = weak[w];
				c.row_db = weak[w] + 8;
				check(&c, true, &fails);
				c.row_db = weak[w] + 10;
				if (c.row_db <= -3)
					check(&c, false, &falses), cases++;
				/* reverse: column 4 dB louder (taken), 6 dB (refused) */
				c.row_db = weak[w] + (w == 2 ? 4 : 0);
				c.col_db = c.row_db + 4;
				check(&c, true, &fails);
				c.col_db = c.row_db + 6;
				check(&c, false, &falses);
				cases += 3;
			}
	print_message("twist: %u cases, %u missed, %u false\n", cases, fails, falses);
	assert_int_equal(fails, 0);
	assert_int_equal(falses, 0);
}

static void test_reject_level_freq(void **state)
{
	static const double offs[] = { 0.035, -0.035 };
	unsigned int falses = 0, cases = 0;

	for (int k = 0; k < 16; k++) {
		struct tone_case c = { .key = k, .on_ms = 100, .lead = MS(100) + (unsigned)k * 5 };

		/* -36 dBm0: both tones, and each alone with the other at -20 */
		c.row_db = c.col_db = -36;
		check(&c, false, &falses);
		c.col_db = -20;
		check(&c, false, &falses);
		c.row_db = -20, c.col_db = -36;
		check(&c, false, &falses);
		cases += 3;
		/* +-3.5 % on either tone or both, at -10 dBm0 */
		for (size_t o = 0; o < 2; o++) {
			c.row_db = c.col_db = -10;
			c.row_off = offs[o], c.col_off = 0;
			check(&c, false, &falses);
			c.row_off = 0, c.col_off = offs[o];
			check(&c, false, &falses);
			c.row_off = offs[o], c.col_off = -offs[o];
			check(&c, false, &falses);
			cases += 3;
		}
	}
	print_message("refused levels (-36 dBm0) and offsets (+-3.5 %%): %u cases, %u false\n",
		      cases, falses);
	assert_int_equal(falses, 0);
}

/* the level of a digit as taken: both tones' power to within 1 dB, at +-1.5 % too */
struct lvl_seen {
	struct dtmf_det d;
	float level;
	unsigned int n;
};

static void on_level(void *arg, const struct dtmf_event *ev)
{
	struct lvl_seen *l = arg;

	if (!ev->end) {
		l->level = dtmf_det_level(&l->d);
		l->n++;
	}
}

static void test_level(void **state)
{
	static const double levels[] = { -3, -10, -20, -30 }, offs[] = { 0, 0.015, -0.015 };
	static uint8_t a[MS(400)];

	for (int k = 0; k < 16; k += 5)
		for (size_t l = 0; l < 4; l++)
			for (size_t o = 0; o < 3; o++) {
				struct tone_case c = { .key = k, .row_db = levels[l],
						       .col_db = levels[l] - 2, .row_off = offs[o],
						       .col_off = offs[o], .on_ms = 100,
						       .lead = MS(100) };
				size_t n = build(xbuf, sizeof(xbuf) / sizeof(xbuf[0]), &c, 0);
				struct lvl_seen ls = { 0 };
				double want = 10 * log10(pow(10, c.row_db / 10) +
							 pow(10, c.col_db / 10));

				assert_true(n <= sizeof(a));
				sig_to_alaw(a, xbuf, n);
				dtmf_det_init(&ls.d, on_level, &ls);
				dtmf_det_feed_alaw(&ls.d, a, (unsigned int)n);
				assert_int_equal(ls.n, 1);
				if (fabs(ls.level - want) > 1.0)
					fail_msg("%c at %.0f/%.0f dBm0 %+.1f %%: level %.2f, want %.2f",
						 dtmf_digit(k), c.row_db, c.col_db, offs[o] * 100,
						 ls.level, want);
			}
}

/* ---- timing --------------------------------------------------------------------------------- */
static void test_durations(void **state)
{
	unsigned int fails = 0, falses = 0;

	for (int k = 0; k < 16; k++)
		for (unsigned int lead = 0; lead < 64; lead += 4) {
			struct tone_case c = { .key = k, .row_db = -10, .col_db = -10,
					       .lead = MS(100) + lead };

			c.on_ms = 40;
			check(&c, true, &fails);
			c.on_ms = 20;
			check(&c, false, &falses);
		}
	print_message("40 ms taken, 20 ms refused at 16 alignments: %u missed, %u false\n", fails,
		      falses);
	assert_int_equal(fails, 0);
	assert_int_equal(falses, 0);
}

/* digits on/off ms, with a gap of gap_ms at gap_at ms into each tone; the digits detected */
static const char *sequence(const char *digits, unsigned int on, unsigned int off,
			    unsigned int gap_at, unsigned int gap, unsigned int lead, double db,
			    size_t chunk)
{
	static struct got g;
	struct sig_rng r = { seed++ * 0x9e3779b97f4a7c15ull };
	size_t n = lead, i;

	memset(xbuf, 0, sizeof(xbuf));
	for (i = 0; digits[i]; i++) {
		int k = dtmf_key(digits[i]);

		sig_add_tone(xbuf + n, MS(on), dtmf_row_hz[k / 4], db, 0);
		sig_add_tone(xbuf + n, MS(on), dtmf_col_hz[k % 4], db, 1);
		if (gap)
			memset(xbuf + n + MS(gap_at), 0, MS(gap) * sizeof(double));
		n += MS(on) + MS(off);
	}
	n += MS(100);
	sig_add_noise(xbuf, n, db - SNR_DB, &r);
	return detect(&g, xbuf, n, chunk);
}

static void test_pause_interruption(void **state)
{
	static const size_t chunks[] = { 8, 80, 160, 240, 1000 };
	unsigned int bad = 0;

	for (unsigned int lead = 0; lead < 64; lead += 3) {
		const char *s;

		/* 40 ms digits, 40 ms pauses: every digit */
		s = sequence("159#*0D", 40, 40, 0, 0, 800 + lead, -20, chunks[lead % 5]);
		if (strcmp(s, "159#*0D"))
			bad++, print_message("40/40 lead %u: \"%s\"\n", lead, s);
		/* 10 ms interruptions inside 100 ms digits (at 30 and at 45 ms): one each */
		s = sequence("2468", 100, 60, 30 + lead % 16, 10, 800 + lead, -25, 160);
		if (strcmp(s, "2468"))
			bad++, print_message("10 ms gap lead %u: \"%s\"\n", lead, s);
		/* the same digit repeated after 40 ms pauses */
		s = sequence("7777", 45, 40, 0, 0, 800 + lead, -30, 160);
		if (strcmp(s, "7777"))
			bad++, print_message("7777 lead %u: \"%s\"\n", lead, s);
	}
	assert_int_equal(bad, 0);
}

/* ---- what is not DTMF ----------------------------------------------------------------------- */
static void test_reject_energy(void **state)
{
	unsigned int falses = 0, fails = 0;

	for (int k = 0; k < 16; k++) {
		struct tone_case c = { .key = k, .row_db = -12, .col_db = -12, .on_ms = 100,
				       .lead = MS(100) };
		double fr = dtmf_row_hz[k / 4], fc = dtmf_col_hz[k % 4];
		size_t n, on = MS(100);
		struct got g;
		const char *s;

		/* 2nd harmonics as loud as the tones: refused; 20 dB down: taken */
		for (int h = 2; h <= 3; h++) {
			for (int loud = 0; loud < 2; loud++) {
				double hdb = loud ? -12 : -32;

				n = build(xbuf, sizeof(xbuf) / sizeof(xbuf[0]), &c, 0);
				sig_add_tone(xbuf + c.lead, on, fr * h, hdb, 0.3);
				sig_add_tone(xbuf + c.lead, on, fc * h < 3900 ? fc * h : fr * (h + 1),
					     hdb, 0.7);
				s = detect(&g, xbuf, n, 160);
				if (loud ? *s != 0 : strlen(s) != 1 || s[0] != dtmf_digit(k)) {
					print_message("%c with harmonic %d at %.0f dBm0: \"%s\"\n",
						      dtmf_digit(k), h, hdb, s);
					loud ? falses++ : fails++;
				}
			}
		}
		/* a third tone as loud as the others (speech-like) */
		n = build(xbuf, sizeof(xbuf) / sizeof(xbuf[0]), &c, 0);
		sig_add_tone(xbuf + c.lead, on, 500, -12, 0);
		s = detect(&g, xbuf, n, 160);
		if (*s)
			falses++, print_message("%c + 500 Hz: \"%s\"\n", dtmf_digit(k), s);
		/* white noise at the tones' total level (SNR 0 dB) */
		n = build(xbuf, sizeof(xbuf) / sizeof(xbuf[0]), &c, -9);
		s = detect(&g, xbuf, n, 160);
		if (*s)
			falses++, print_message("%c in noise at SNR 0 dB: \"%s\"\n", dtmf_digit(k), s);
	}
	assert_int_equal(falses, 0);
	assert_int_equal(fails, 0);
}

/* single tones, dial tone (350 + 440 Hz), a 2100 Hz answer tone: nothing */
static void test_reject_tones(void **state)
{
	static const double f[][2] = {
		{ 697, 0 }, { 941, 0 }, { 1209, 0 }, { 1633, 0 }, { 350, 440 }, { 2100, 0 },
		{ 425, 0 }, { 1000, 0 }, { 697, 770 }, { 1209, 1336 },
	};
	unsigned int falses = 0;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		struct sig_rng r = { 77 + i };
		struct got g;
		const char *s;
		size_t n = MS(1000);

		memset(xbuf, 0, n * sizeof(double));
		sig_add_tone(xbuf, n, f[i][0], -10, 0);
		if (f[i][1])
			sig_add_tone(xbuf, n, f[i][1], -10, 0);
		sig_add_noise(xbuf, n, -40, &r);
		s = detect(&g, xbuf, n, 160);
		if (*s)
			falses++, print_message("%.0f + %.0f Hz: \"%s\"\n", f[i][0], f[i][1], s);
	}
	assert_int_equal(falses, 0);
}

/* the noisy line: every digit at -20 dBm0 in noise only 10 dB below; white noise alone at
 * -50..-10 dBm0 (10 s each) gives nothing */
static void test_noise(void **state)
{
	static const double lv[] = { -50, -30, -20, -10 };
	unsigned int fails = 0, falses = 0;

	for (int k = 0; k < 16; k++) {
		struct tone_case c = { .key = k, .row_db = -20, .col_db = -20, .on_ms = 40,
				       .lead = MS(100) + (unsigned)k * 3 };
		struct got g;
		size_t n = build(xbuf, sizeof(xbuf) / sizeof(xbuf[0]), &c, -30);
		const char *s = detect(&g, xbuf, n, 160);

		if (strlen(s) != 1 || s[0] != dtmf_digit(k))
			fails++, print_message("%c at SNR 10 dB: \"%s\"\n", dtmf_digit(k), s);
	}
	for (size_t i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		double *x = malloc(MS(10000) * sizeof(*x));
		struct sig_rng r = { 99 + i };
		struct got g;
		const char *s;

		assert_non_null(x);
		memset(x, 0, MS(10000) * sizeof(*x));
		sig_add_noise(x, MS(10000), lv[i], &r);
		s = detect(&g, x, MS(10000), 160);
		if (*s)
			falses++, print_message("noise at %.0f dBm0: \"%s\"\n", lv[i], s);
		free(x);
	}
	assert_int_equal(fails, 0);
	assert_int_equal(falses, 0);
}

#define TALK_SECS 300

/* Two corpora of 5 minutes. Measured over eleven such seeds (55 min): 1 false digit, an 'A'
 * where a whistle near 1633 Hz met a vowel's harmonic near 697 Hz (a real DTMF pair by every
 * Q.24 measure); pstn-sim's simpler receiver took 6 on the same audio. */
static void test_talk_off(void **state)
{
	static const uint64_t seeds[] = { 0x5eed, 2 };
	size_t n = (size_t)TALK_SECS * RATE;
	double *x = malloc(n * sizeof(*x));
	unsigned int total = 0;

	assert_non_null(x);
	for (size_t i = 0; i < 2; i++) {
		struct sig_rng r = { seeds[i] };
		struct got g;
		const char *s;

		sig_talk(x, n, &r);
		s = detect(&g, x, n, 160);
		print_message("talk-off corpus %zu: %d s of formant vowels (pitch glides and steady), "
			      "noise bursts, whistles, harmonic chords: %u false digits \"%s\" "
			      "(target 0)\n", i, TALK_SECS, (unsigned int)strlen(s), s);
		total += (unsigned int)strlen(s);
	}
	free(x);
	assert_int_equal(total, 0);
}

/* Real speech: Asterisk's English prompts (Debian's asterisk-core-sounds-en-wav, installed by
 * make deps: 568 recordings of one speaker, 8 kHz, 25.5 min), through A-law. Measured: 0 false
 * digits (pstn-sim's former receiver: 0 too). */
#define PROMPTS "/usr/share/asterisk/sounds/en_US_f_Allison"

/* the samples of an 8 kHz mono 16-bit WAV file (malloc'd), 0 if it is none */
static size_t wav_read(const char *path, int16_t **out)
{
	FILE *f = fopen(path, "rb");
	uint8_t h[12], ch[8], fmt[16] = { 0 };
	size_t n = 0;

	*out = NULL;
	if (!f)
		return 0;
	if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4))
		goto out;
	while (fread(ch, 1, 8, f) == 8) {
		uint32_t len = ch[4] | ch[5] << 8 | ch[6] << 16 | (uint32_t)ch[7] << 24;

		if (!memcmp(ch, "fmt ", 4)) {
			if (len < 16 || fread(fmt, 1, 16, f) != 16 ||
			    fseek(f, (long)(len - 16 + (len & 1)), SEEK_CUR))
				goto out;
		} else if (!memcmp(ch, "data", 4)) {
			/* PCM, mono, 8000 Hz, 16 bit */
			if (fmt[0] != 1 || fmt[2] != 1 || (fmt[4] | fmt[5] << 8) != 8000 || fmt[14] != 16)
				goto out;
			*out = malloc(len);
			if (!*out)
				goto out;
			n = fread(*out, 2, len / 2, f);
			goto out;
		} else if (fseek(f, (long)(len + (len & 1)), SEEK_CUR)) {
			goto out;
		}
	}
out:
	fclose(f);
	return n;
}

static void test_talk_off_speech(void **state)
{
	glob_t gl;
	unsigned int files = 0, falses = 0;
	double secs = 0;

	if (glob(PROMPTS "/*.wav", 0, NULL, &gl) != 0) {
		print_message("no recorded speech (" PROMPTS "): install asterisk-core-sounds-en-wav "
			      "(make deps)\n");
		skip();
	}
	glob(PROMPTS "/*/*.wav", GLOB_APPEND, NULL, &gl);
	for (size_t i = 0; i < gl.gl_pathc; i++) {
		int16_t *pcm;
		size_t n = wav_read(gl.gl_pathv[i], &pcm);
		double *x = n ? malloc((n + MS(100)) * sizeof(*x)) : NULL;
		struct got g;
		const char *s;

		if (x) {
			for (size_t k = 0; k < n + MS(100); k++) /* and 100 ms of silence */
				x[k] = k < n ? pcm[k] : 0;
			s = detect(&g, x, n + MS(100), 160);
			if (*s)
				print_message("%s: \"%s\"\n", gl.gl_pathv[i], s);
			falses += (unsigned int)strlen(s);
			secs += (double)n / RATE;
			files++;
		}
		free(x);
		free(pcm);
	}
	globfree(&gl);
	print_message("talk-off, recorded speech: %u prompts, %.0f s: %u false digits (target 0)\n",
		      files, secs, falses);
	assert_true(files > 500);
	assert_int_equal(falses, 0);
}

/* ---- the generator -------------------------------------------------------------------------- */
/* least-squares amplitude of a sine at f in x */
static double amp_at(const int16_t *x, size_t n, double f)
{
	double c = 0, q = 0;

	for (size_t i = 0; i < n; i++) {
		c += x[i] * cos(2 * M_PI * f * (double)i / RATE);
		q += x[i] * sin(2 * M_PI * f * (double)i / RATE);
	}
	return 2 * sqrt(c * c + q * q) / (double)n;
}

static void test_generator(void **state)
{
	static int16_t y[MS(2000)];
	struct dtmf_gen_cfg gc = { .row_dbm0 = -9, .col_dbm0 = -7, .on = MS(1000), .off = 0 };
	struct dtmf_gen g;

	for (int k = 0; k < 16; k++) {
		char d[2] = { dtmf_digit(k), 0 };
		double ar, ac, e = 0, lr, lc, resid;

		assert_int_equal(dtmf_gen_start(&g, d, &gc), 0);
		assert_true(dtmf_gen_lin(&g, y, MS(1000)));
		assert_false(dtmf_gen_lin(&g, y, 8)); /* done */
		ar = amp_at(y, MS(1000), dtmf_row_hz[k / 4]);
		ac = amp_at(y, MS(1000), dtmf_col_hz[k % 4]);
		for (size_t i = 0; i < MS(1000); i++)
			e += (double)y[i] * y[i];
		e /= MS(1000);
		lr = 20 * log10(ar / G711_DBM0_PEAK);
		lc = 20 * log10(ac / G711_DBM0_PEAK);
		/* what is neither tone: the oscillator's distortion and the 16-bit rounding */
		resid = 10 * log10((e - ar * ar / 2 - ac * ac / 2) / (ar * ar / 2 + ac * ac / 2));
		print_message("%c: %.0f Hz %.2f dBm0, %.0f Hz %.2f dBm0, rest %.1f dB\n", d[0],
			      dtmf_row_hz[k / 4], lr, dtmf_col_hz[k % 4], lc, resid);
		assert_true(fabs(lr + 9) < 0.1 && fabs(lc + 7) < 0.1);
		assert_true(resid < -65);
	}
	/* digits, pauses, and the receiver takes every one of 40 ms with 40 ms pauses at the
	 * lowest level it must take */
	{
		struct dtmf_gen_cfg q = { .row_dbm0 = -30, .col_dbm0 = -30, .on = MS(40),
					  .off = MS(40) };
		static const char all[] = "123A456B789C*0#D";
		struct got got;
		double *x = xbuf;
		size_t n = 16 * MS(80) + MS(100);

		assert_int_equal(dtmf_gen_start(&g, all, &q), 0);
		memset(y, 0, sizeof(y));
		assert_true(dtmf_gen_lin(&g, y + MS(20), 16 * MS(80)));
		assert_false(dtmf_gen_lin(&g, y, 1));
		for (size_t i = 0; i < n; i++)
			x[i] = y[i];
		assert_string_equal(detect(&got, x, n, 160), all);
	}
	assert_int_equal(dtmf_gen_start(&g, "12x", &gc), -EINVAL);
	assert_int_equal(dtmf_gen_start(&g, "", &gc), -EINVAL);
	gc.on = 0;
	assert_int_equal(dtmf_gen_start(&g, "1", &gc), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_table),
		cmocka_unit_test(test_twist),
		cmocka_unit_test(test_reject_level_freq),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_pause_interruption),
		cmocka_unit_test(test_reject_energy),
		cmocka_unit_test(test_reject_tones),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_talk_off),
		cmocka_unit_test(test_talk_off_speech),
		cmocka_unit_test(test_generator),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
