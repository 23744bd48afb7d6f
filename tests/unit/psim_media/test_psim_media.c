// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pstn-sim's media code (tools/pstn-sim/media.c): G.711 A-law, WAV in/out, tones in dBm0,
 * DTMF generation and detection. Every expected figure comes from this file's own reference
 * math (G.711 tables, a plain DFT, zero crossings, Q.23 frequencies), never from media.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../tools/bench/ecan/g168.h"
#include "../../../tools/pstn-sim/hybrid.h"
#include "../../../tools/pstn-sim/psim.h"

#define RATE 8000.0

/* ---- reference G.711 A-law ---------------------------------------------------------------- */
/*
 * G.711 table 1a: a 12-bit magnitude (of the 13-bit signed input) falls in one of 8 segments
 * [0,32) [32,64) [64,128) ... [2048,4096); segments 0 and 1 have 16 steps of 2, segment s >= 2
 * has 16 steps of 2^s. The decoder outputs the middle of the decision interval. Character
 * signal: bit 8 is the sign (1 = positive), bits 7..5 the segment, 4..1 the step; then the
 * even bits are inverted (XOR 0x55). In 16-bit PCM every 13-bit unit is 8.
 */
static const int ref_seg_lo[9] = { 0, 32, 64, 128, 256, 512, 1024, 2048, 4096 };

static int ref_step(int seg)
{
	return seg < 2 ? 2 : 1 << seg;
}

/* 16-bit decoded value of a character, from the table, not from a formula over the code */
static int ref_decode(uint8_t a)
{
	uint8_t c = a ^ 0x55;
	int seg = (c >> 4) & 7, q = c & 15;
	int lo = ref_seg_lo[seg] + q * ref_step(seg);
	int mid2 = 2 * lo + ref_step(seg); /* twice the interval middle, in 13-bit units */

	return (c & 0x80) ? mid2 * 4 : -mid2 * 4;
}

/* encoder by search: the character whose decision interval holds the input */
static uint8_t ref_encode(int pcm)
{
	int v = (int)floor(pcm / 8.0); /* 13-bit, rounding towards minus infinity */
	int pos = v >= 0, mag = pos ? v : -v - 1, seg, q;

	if (mag > 4095)
		mag = 4095;
	for (seg = 0; seg < 8; seg++)
		if (mag < ref_seg_lo[seg + 1])
			break;
	q = (mag - ref_seg_lo[seg]) / ref_step(seg);
	return (uint8_t)(((pos ? 0x80 : 0) | seg << 4 | q) ^ 0x55);
}

static void test_alaw_reference_points(void **state)
{
	/* zero and the smallest magnitudes: no zero level in A-law, +0 idles as 0xd5 */
	assert_int_equal(psim_alaw_encode(0), 0xd5);
	assert_int_equal(psim_alaw_encode(7), 0xd5);
	assert_int_equal(psim_alaw_encode(-1), 0x55);
	assert_int_equal(psim_alaw_encode(-8), 0x55);
	assert_int_equal(psim_alaw_encode(-16), 0x55); /* 13-bit -2: magnitude 1, still step 0 */
	assert_int_equal(psim_alaw_encode(-17), 0x54);
	assert_int_equal(psim_alaw_encode(8), 0xd5);
	assert_int_equal(psim_alaw_encode(16), 0xd4); /* 13-bit 2: step 1 of segment 0 */
	assert_int_equal(psim_alaw_decode(0xd5), 8);
	assert_int_equal(psim_alaw_decode(0x55), -8);
	assert_int_equal(psim_alaw_decode(0xd4), 24);
	assert_int_equal(PSIM_ALAW_IDLE, 0xd5);
	/* segment 0/1 boundary: 13-bit 31 -> 0x8f (^0x55 = 0xda), 32 -> 0x90 (0xc5) */
	assert_int_equal(psim_alaw_encode(31 * 8), 0xda);
	assert_int_equal(psim_alaw_encode(32 * 8), 0xc5);
	assert_int_equal(psim_alaw_decode(0xda), 31 * 8);
	assert_int_equal(psim_alaw_decode(0xc5), 33 * 8);
	/* segment 1/2 (64), 6/7 (2048) boundaries */
	assert_int_equal(psim_alaw_encode(63 * 8), 0x9f ^ 0x55);
	assert_int_equal(psim_alaw_encode(64 * 8), 0xa0 ^ 0x55);
	assert_int_equal(psim_alaw_decode(0xa0 ^ 0x55), 66 * 8);
	assert_int_equal(psim_alaw_encode(2047 * 8), 0xef ^ 0x55);
	assert_int_equal(psim_alaw_encode(2048 * 8), 0xf0 ^ 0x55);
	assert_int_equal(psim_alaw_decode(0xf0 ^ 0x55), 2112 * 8);
	/* the ends of the range: +-4032 (13-bit) = +-32256, overload clips to the last step */
	assert_int_equal(psim_alaw_encode(32767), 0xaa);
	assert_int_equal(psim_alaw_encode(-32768), 0x2a);
	assert_int_equal(psim_alaw_decode(0xaa), 32256);
	assert_int_equal(psim_alaw_decode(0x2a), -32256);
	/* the digital milliwatt (G.711 table 5): 0x34 0x21 decode to -1120 and -2624 (x8) */
	assert_int_equal(psim_alaw_decode(0x34), -8960);
	assert_int_equal(psim_alaw_decode(0x21), -20992);
	assert_int_equal(psim_alaw_decode(0xb4), 8960);
	assert_int_equal(psim_alaw_decode(0xa1), 20992);
}

static void test_alaw_all_inputs(void **state)
{
	int x, prev = -40000;

	for (x = -32768; x <= 32767; x++) {
		uint8_t a = psim_alaw_encode((int16_t)x);
		int y = psim_alaw_decode(a), mag = abs(y) / 8, seg;

		if (a != ref_encode(x))
			fail_msg("encode(%d) = 0x%02x, G.711 says 0x%02x", x, a, ref_encode(x));
		/* the error is at most half a step of the segment the output lies in */
		for (seg = 0; seg < 7 && mag >= ref_seg_lo[seg + 1]; seg++)
			;
		if (abs(y - x) > 4 * ref_step(seg))
			fail_msg("round trip %d -> %d: error %d > %d", x, y, abs(y - x),
				 4 * ref_step(seg));
		if (y < prev)
			fail_msg("round trip not monotonic at %d", x);
		prev = y;
	}
}

static void test_alaw_all_codes(void **state)
{
	int c, seen_pos = 0, seen_neg = 0;

	for (c = 0; c < 256; c++) {
		int16_t y = psim_alaw_decode((uint8_t)c);

		assert_int_equal(y, ref_decode((uint8_t)c));
		assert_int_equal(psim_alaw_encode(y), c); /* every code is a fixed point */
		if (y > 0)
			seen_pos++;
		else
			seen_neg++;
	}
	assert_int_equal(seen_pos, 128);
	assert_int_equal(seen_neg, 128);
}

/* ---- signal measurement ------------------------------------------------------------------- */

/*
 * 0 dBm0 for A-law (G.711 section 5 / table 5): the digital milliwatt, the periodic sequence
 * 0x34 0x21 0x21 0x34 0xb4 0xa1 0xa1 0xb4, is a 1 kHz sine of 0 dBm0. Its RMS, decoded by the
 * reference table above, is the 0 dBm0 reference. G.711 also gives the A-law overload point
 * (13-bit 4096, 32768 in 16-bit) as +3.14 dBm0: a full-scale sine has RMS 32768/sqrt(2).
 */
static double ref_rms_0dbm0(void)
{
	static const uint8_t dmw[8] = { 0x34, 0x21, 0x21, 0x34, 0xb4, 0xa1, 0xa1, 0xb4 };
	double s = 0;
	int i;

	for (i = 0; i < 8; i++)
		s += (double)ref_decode(dmw[i]) * ref_decode(dmw[i]);
	return sqrt(s / 8);
}

static double dbm0_of_rms(double rms)
{
	return 20.0 * log10(rms / ref_rms_0dbm0());
}

static double rms(const int16_t *x, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return sqrt(s / (double)n);
}

/* amplitude of the component at f (plain DFT at one frequency, optionally Hann-windowed) */
static double amp_at(const int16_t *x, size_t n, double f, bool hann)
{
	double re = 0, im = 0, wsum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double w = hann ? 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)n) : 1.0;

		re += w * x[i] * cos(2 * M_PI * f * (double)i / RATE);
		im -= w * x[i] * sin(2 * M_PI * f * (double)i / RATE);
		wsum += w;
	}
	return 2.0 * sqrt(re * re + im * im) / wsum;
}

/* frequency of the strongest component within [lo, hi], Hann window, 0.05 Hz grid */
static double peak_freq(const int16_t *x, size_t n, double lo, double hi)
{
	double f, best = lo, bamp = -1;

	for (f = lo; f <= hi; f += 0.05) {
		double a = amp_at(x, n, f, true);

		if (a > bamp)
			bamp = a, best = f;
	}
	return best;
}

/* frequency from the zero crossings (upward, linearly interpolated) */
static double zc_freq(const int16_t *x, size_t n)
{
	double first = -1, last = -1;
	int count = 0;
	size_t i;

	for (i = 1; i < n; i++) {
		if (x[i - 1] < 0 && x[i] >= 0) {
			double t = (double)(i - 1) + (double)-x[i - 1] / (double)(x[i] - x[i - 1]);

			if (first < 0)
				first = t;
			else
				count++;
			last = t;
		}
	}
	return count ? count * RATE / (last - first) : 0;
}

/* the B-channel: what a source sends, as the other side decodes it */
static size_t take(struct psim_media *m, int16_t *out, size_t max)
{
	size_t n = 0;
	int16_t pcm;

	while (n < max && psim_media_next(m, &pcm))
		out[n++] = psim_alaw_decode(psim_alaw_encode(pcm));
	return n;
}

/* ---- tones -------------------------------------------------------------------------------- */

static void test_level_reference(void **state)
{
	/* the two G.711 definitions of the level agree (the test's own reference is sound) */
	double full = 20.0 * log10(32768.0 / sqrt(2.0) / ref_rms_0dbm0());

	assert_true(fabs(full - 3.14) < 0.01);
}

/* level (dBm0) of an ideal sine at f, dbm0 after the reference codec: what coding alone does */
static double coded_ideal(double f, double dbm0)
{
	double a = ref_rms_0dbm0() * sqrt(2.0) * pow(10.0, dbm0 / 20.0), re = 0, im = 0;
	int i;

	for (i = 0; i < 8000; i++) {
		int y = ref_decode(ref_encode((int)lrint(a * sin(2 * M_PI * f * i / RATE))));

		re += y * cos(2 * M_PI * f * i / RATE);
		im += y * sin(2 * M_PI * f * i / RATE);
	}
	return dbm0_of_rms(2.0 * sqrt(re * re + im * im) / 8000 / sqrt(2.0));
}

/*
 * One second of the tone: before coding, frequency within 0.06 Hz (the peak search's grid) and
 * level within 0.03 dB (rounding to integers);
 * on the line (A-law and back), frequency within 1 Hz and level within tol dB.
 */
static void check_tone(double f, double dbm0, double tol)
{
	static int16_t raw[8000], x[8000];
	struct psim_media *m = psim_media_tone(f, dbm0, 1000);
	double fz, fp, lvl, lvl_rms, lvl_raw;
	size_t n = 0;

	assert_non_null(m);
	while (n < 8000 && psim_media_next(m, &raw[n]))
		n++;
	assert_int_equal(n, 8000);
	assert_false(psim_media_next(m, &raw[0]));
	psim_media_close(m);
	for (n = 0; n < 8000; n++)
		x[n] = psim_alaw_decode(psim_alaw_encode(raw[n]));
	lvl_raw = dbm0_of_rms(amp_at(raw, 8000, f, false) / sqrt(2.0)); /* 1 s: whole periods */
	fz = zc_freq(x, 8000);
	fp = peak_freq(x, 8000, f - 5, f + 5);
	lvl = dbm0_of_rms(amp_at(x, 8000, f, false) / sqrt(2.0));
	lvl_rms = dbm0_of_rms(rms(x, 8000));
	print_message("tone %6.1f Hz %6.2f dBm0: generated %8.3f dBm0; on the line %8.3f Hz "
		      "(peak %7.2f) %7.3f dBm0 (total %7.3f)\n",
		      f, dbm0, lvl_raw, fz, fp, lvl, lvl_rms);
	if (fabs(peak_freq(raw, 8000, f - 1, f + 1) - f) > 0.06 || fabs(lvl_raw - dbm0) > 0.03)
		fail_msg("%g Hz %g dBm0 generated as %.2f Hz %.3f dBm0", f, dbm0,
			 peak_freq(raw, 8000, f - 1, f + 1), lvl_raw);
	if (fabs(fz - f) > 1.0 || fabs(fp - f) > 1.0)
		fail_msg("%g Hz tone measures %.3f / %.2f Hz", f, fz, fp);
	if (fabs(lvl - dbm0) > tol || fabs(lvl_rms - dbm0) > tol)
		fail_msg("%g dBm0 tone measures %.3f dBm0 (total %.3f)", dbm0, lvl, lvl_rms);
}

static void test_tone_1k_minus10(void **state)
{
	check_tone(1000, -10, 0.2);
}

static void test_tone_grid(void **state)
{
	static const double fr[] = { 300, 440, 1004, 3400 };
	static const double lv[] = { 0, -20, -40 };
	size_t i, j;

	for (i = 0; i < sizeof(fr) / sizeof(fr[0]); i++)
		for (j = 0; j < sizeof(lv) / sizeof(lv[0]); j++)
			check_tone(fr[i], lv[j], 0.2);
	/* full scale: the codec's top step (+-32256) clips the peaks a little */
	check_tone(300, 3.14, 0.2);
	check_tone(3400, 3.14, 0.2);
}

/*
 * 1000 Hz is 8 samples a period, locked to the sampling: the same 3 magnitudes are quantised
 * every period and the A-law error does not average out. At -40 dBm0 (13-bit amplitude 28, in
 * the codec's 2-unit steps) coding alone makes it +0.25 dB: G.711's own arithmetic, which is why
 * test sets use 1004 or 1020 Hz. Assert that the generated tone is coded exactly as an ideal
 * sine would be, and that this stays inside a recorded-level check's +-1 dB.
 */
static void test_tone_1k_synchronous(void **state)
{
	static const double lv[] = { 3.14, 0, -20, -30, -40 };
	size_t i;

	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		double ideal = coded_ideal(1000, lv[i]);

		print_message("1000 Hz %6.2f dBm0: an ideal sine coded is %.3f dBm0\n", lv[i], ideal);
		check_tone(1000, lv[i], fabs(ideal - lv[i]) > 0.2 ? fabs(ideal - lv[i]) + 0.02 : 0.2);
	}
	assert_true(fabs(coded_ideal(1000, -40) + 40) < 1.0);
}

static void test_tone_0dbm0_is_milliwatt(void **state)
{
	/* before coding, a 0 dBm0 sine has the digital milliwatt's RMS */
	struct psim_media *m = psim_media_tone(1000, 0, 0);
	int16_t pcm;
	double s = 0;
	int i;

	for (i = 0; i < 8000; i++) {
		assert_true(psim_media_next(m, &pcm));
		s += (double)pcm * pcm;
	}
	psim_media_close(m);
	assert_true(fabs(dbm0_of_rms(sqrt(s / 8000)) - 0.0) < 0.01);
}

static void test_tone_duration(void **state)
{
	static int16_t x[2000];
	struct psim_media *m = psim_media_tone(440, -10, 100);

	assert_int_equal(take(m, x, 2000), 800); /* 100 ms at 8 kHz, then the source ends */
	psim_media_close(m);
	m = psim_media_tone(440, -10, 0); /* 0: until stopped */
	assert_int_equal(take(m, x, 2000), 2000);
	psim_media_close(m);
}

/* G.165's answer tone: 2100 Hz whose phase turns by 180 degrees every 450 ms, sample-exact */
static void test_tone_reversals(void **state)
{
	static int16_t x[8000];
	struct psim_media *m = psim_media_tone(2100, -12, 1000);
	double amp = 32767.0 * pow(10.0, (-12 - 3.14) / 20.0);

	psim_media_tone_reversals(m, 450);
	for (int n = 0; n < 8000; n++) { /* linear: before A-law */
		double want = amp * sin(2 * M_PI * 2100 * n / RATE + M_PI * (n / 3600));

		assert_true(psim_media_next(m, &x[n]));
		assert_true(fabs(x[n] - want) <= 1.0);
	}
	assert_false(psim_media_next(m, &x[0]));
	psim_media_close(m);
}

/* ---- hybrid echo (tools/pstn-sim/hybrid.c) ------------------------------------------------- */
/* The line as pstn-sim runs it: per 1 ms, 8 samples to the box (with the echo), then the box's
 * 8. An impulse from the box comes back as Annex D's model, scaled, after the bulk delay
 * (the 20 ms margin, the samples in flight, the extra delay); a band-flat signal (sines every
 * 100 Hz from 300 to 3400 Hz) comes back at the ERL. */
static void test_hybrid(void **state)
{
	static double out[16000];
	static struct psim_hybrid hy;
	const struct g168_model *md = &g168_models[4]; /* D.6 */
	double pin = 0, pout = 0, ratio = 0;
	int first = -1;

	assert_int_equal(psim_hybrid_set(&hy, 0, 6, 0), -EINVAL);
	assert_int_equal(psim_hybrid_set(&hy, 9, 6, 0), -EINVAL);
	assert_int_equal(psim_hybrid_set(&hy, 5, 6, 101), -EINVAL);
	assert_int_equal(psim_hybrid_set(&hy, 5, 6, 10), 0);
	for (int ms = 0; ms < 200; ms++) {
		for (int f = 0; f < 8; f++)
			out[ms * 8 + f] = psim_hybrid_tx(&hy);
		for (int f = 0; f < 8; f++)
			psim_hybrid_rx(&hy, ms * 8 + f == 80 ? 10000 : 0);
	}
	for (int n = 0; n < 1600; n++)
		if (first < 0 && out[n] != 0)
			first = n;
	/* the first box sample (0) echoes after the margin and the 80-sample delay, the impulse 80
	 * samples after that */
	assert_int_equal(first, 80 + PSIM_HYB_MARGIN + 80 + (md->h[0] == 0));
	for (int k = 1; k < md->len; k++)
		if (md->h[k] != 0 && md->h[0] != 0)
			ratio = out[first + k] / out[first] * md->h[0] / md->h[k];
	assert_true(fabs(ratio - 1) < 1e-9);
	assert_int_equal(hy.late, 0);

	memset(&hy, 0, sizeof(hy));
	assert_int_equal(psim_hybrid_set(&hy, 5, 6, 0), 0);
	for (int ms = 0; ms < 2000; ms++) {
		for (int f = 0; f < 8; f++)
			out[(ms * 8 + f) % 16000] = psim_hybrid_tx(&hy);
		for (int f = 0; f < 8; f++) {
			int n = ms * 8 + f;
			double v = 0;

			for (int fr = 300; fr <= 3400; fr += 100)
				v += 300 * sin(2 * M_PI * fr * n / RATE + fr * 0.37);
			psim_hybrid_rx(&hy, (int16_t)lrint(v));
			if (ms >= 500)
				pin += v * v;
		}
		if (ms >= 500)
			for (int f = 0; f < 8; f++)
				pout += out[(ms * 8 + f) % 16000] * out[(ms * 8 + f) % 16000];
	}
	assert_true(fabs(10 * log10(pin / pout) - 6) < 0.5);
	psim_hybrid_off(&hy);
	assert_true(psim_hybrid_tx(&hy) == 0);
}

/* ---- WAV ------------------------------------------------------------------------------------ */

static char tmpdir[64];

static const char *tpath(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static int setup_tmp(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/psim_media.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void write_file(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

static size_t read_file(const char *path, uint8_t *b, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(b, 1, max, f);
	fclose(f);
	return n;
}

/* canonical 44-octet header of 8 kHz mono S16LE PCM with `bytes` of data */
static size_t wav_header(uint8_t *h, uint32_t bytes)
{
	memcpy(h, "RIFF", 4);
	put_le(h + 4, 36 + bytes, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le(h + 16, 16, 4);
	put_le(h + 20, 1, 2);	  /* PCM */
	put_le(h + 22, 1, 2);	  /* mono */
	put_le(h + 24, 8000, 4);  /* rate */
	put_le(h + 28, 16000, 4); /* byte rate */
	put_le(h + 32, 2, 2);	  /* block align */
	put_le(h + 34, 16, 2);	  /* bits */
	memcpy(h + 36, "data", 4);
	put_le(h + 40, bytes, 4);
	return 44;
}

static void test_wav_write_read(void **state)
{
	static int16_t in[3001];
	static uint8_t file[44 + 2 * 3001 + 16], exp_hdr[44];
	struct psim_media *m;
	char err[160] = "";
	int16_t pcm;
	size_t i, n;

	for (i = 0; i < 3001; i++)
		in[i] = (int16_t)((i * 7919u) ^ (i << 9)); /* all bit positions, both signs */
	in[0] = -32768;
	in[1] = 32767;
	m = psim_media_wav_out(tpath("rt.wav"), err, sizeof(err));
	assert_non_null(m);
	for (i = 0; i < 3001; i++)
		psim_media_put(m, in[i]);
	psim_media_close(m);
	/* the file is exactly the canonical header plus the samples, little-endian */
	n = read_file(tpath("rt.wav"), file, sizeof(file));
	assert_int_equal(n, 44 + 2 * 3001);
	wav_header(exp_hdr, 2 * 3001);
	assert_memory_equal(file, exp_hdr, 44);
	for (i = 0; i < 3001; i++)
		assert_int_equal((int16_t)(file[44 + 2 * i] | file[45 + 2 * i] << 8), in[i]);
	m = psim_media_wav_in(tpath("rt.wav"), err, sizeof(err));
	assert_non_null(m);
	for (i = 0; i < 3001; i++) {
		assert_true(psim_media_next(m, &pcm));
		assert_int_equal(pcm, in[i]);
	}
	assert_false(psim_media_next(m, &pcm));
	psim_media_close(m);
	/* an empty recording is a valid, empty WAV */
	m = psim_media_wav_out(tpath("empty.wav"), err, sizeof(err));
	psim_media_close(m);
	m = psim_media_wav_in(tpath("empty.wav"), err, sizeof(err));
	assert_non_null(m);
	assert_false(psim_media_next(m, &pcm));
	psim_media_close(m);
	/* cannot create: an error message, no object */
	err[0] = 0;
	assert_null(psim_media_wav_out(tpath("no/such/dir.wav"), err, sizeof(err)));
	assert_true(err[0]);
}

/* a hand-built file as other tools write it: WAVE_FORMAT_PCM with an 18-octet fmt (cbSize),
 * a LIST chunk of odd length (padded) before the data, a trailing chunk after it */
static void test_wav_hand_built(void **state)
{
	static const int16_t s[5] = { 0, 1, -1, 12345, -32768 };
	uint8_t b[128];
	size_t n = 0, i;
	struct psim_media *m;
	char err[160];
	int16_t pcm;

	memcpy(b, "RIFF\0\0\0\0WAVE", 12);
	n = 12;
	memcpy(b + n, "fmt ", 4);
	put_le(b + n + 4, 18, 4);
	put_le(b + n + 8, 1, 2);
	put_le(b + n + 10, 1, 2);
	put_le(b + n + 12, 8000, 4);
	put_le(b + n + 16, 16000, 4);
	put_le(b + n + 20, 2, 2);
	put_le(b + n + 22, 16, 2);
	put_le(b + n + 24, 0, 2); /* cbSize */
	n += 8 + 18;
	memcpy(b + n, "LIST", 4);
	put_le(b + n + 4, 5, 4);
	memcpy(b + n + 8, "INFOx\0", 6); /* 5 octets + 1 pad */
	n += 8 + 6;
	memcpy(b + n, "data", 4);
	put_le(b + n + 4, sizeof(s), 4);
	n += 8;
	for (i = 0; i < 5; i++, n += 2)
		put_le(b + n, (uint16_t)s[i], 2);
	memcpy(b + n, "id3 \2\0\0\0xy", 10);
	n += 10;
	put_le(b + 4, (uint32_t)n - 8, 4);
	write_file(tpath("hand.wav"), b, n);
	m = psim_media_wav_in(tpath("hand.wav"), err, sizeof(err));
	if (!m)
		fail_msg("hand-built WAV rejected: %s", err);
	for (i = 0; i < 5; i++) {
		assert_true(psim_media_next(m, &pcm));
		assert_int_equal(pcm, s[i]);
	}
	assert_false(psim_media_next(m, &pcm)); /* stops at the data chunk's end */
	psim_media_close(m);
}

static void expect_rejected(const char *what, const void *b, size_t n)
{
	struct psim_media *m;
	char err[160] = "";

	write_file(tpath("bad.wav"), b, n);
	m = psim_media_wav_in(tpath("bad.wav"), err, sizeof(err));
	if (m) {
		psim_media_close(m);
		fail_msg("malformed WAV accepted: %s", what);
	}
	if (!err[0])
		fail_msg("malformed WAV (%s) rejected without a message", what);
}

static void test_wav_malformed(void **state)
{
	uint8_t good[44 + 200], b[sizeof(good)];
	struct psim_media *m;
	char err[160] = "", what[64];
	size_t i;

	wav_header(good, 200);
	for (i = 0; i < 200; i++)
		good[44 + i] = (uint8_t)i;
	write_file(tpath("good.wav"), good, sizeof(good));
	m = psim_media_wav_in(tpath("good.wav"), err, sizeof(err));
	assert_non_null(m);
	psim_media_close(m);

	/* cut anywhere: in the header or inside the data it announces */
	for (i = 0; i < sizeof(good); i++) {
		snprintf(what, sizeof(what), "cut at %zu of %zu", i, sizeof(good));
		expect_rejected(what, good, i);
	}
#define BAD(desc, off, val, len)                                                                   \
	do {                                                                                       \
		memcpy(b, good, sizeof(good));                                                     \
		put_le(b + (off), (val), (len));                                                   \
		expect_rejected(desc, b, sizeof(b));                                               \
	} while (0)
	BAD("RIFX", 0, 0x58464952, 4);
	BAD("not WAVE", 8, 0x45564157 ^ 0x20, 4);
	BAD("format 3 (float)", 20, 3, 2);
	BAD("format 0x0101", 20, 0x0101, 2);
	BAD("WAVE_FORMAT_EXTENSIBLE", 20, 0xfffe, 2);
	BAD("stereo", 22, 2, 2);
	BAD("257 channels", 22, 0x0101, 2);
	BAD("0 channels", 22, 0, 2);
	BAD("44.1 kHz", 24, 44100, 4);
	BAD("8 bits", 34, 8, 2);
	BAD("16+256 bits", 34, 0x0110, 2);
	BAD("block align 4", 32, 4, 2);
	BAD("fmt length 14", 16, 14, 4);
	BAD("fmt length huge", 16, 0xfffffff0, 4);
	BAD("fmt length 0xffffffff", 16, 0xffffffff, 4);
	BAD("data length beyond the file", 40, 202, 4);
	BAD("data length 0xffffffff", 40, 0xffffffff, 4);
	BAD("no data chunk", 36, 0x61746164 ^ 0x20, 4); /* "data" -> "Data": skipped */
	/* an unknown chunk whose length wraps when padded, then nothing */
	memcpy(b, good, 36);
	memcpy(b + 36, "junk", 4);
	put_le(b + 40, 0xffffffff, 4);
	memcpy(b + 44, "data", 4);
	put_le(b + 48, 4, 4);
	memset(b + 52, 0, 4);
	expect_rejected("junk chunk of length 0xffffffff", b, 56);
	/* data before fmt */
	memcpy(b, good, 12);
	memcpy(b + 12, good + 36, 8);
	memcpy(b + 20, good + 12, 24);
	expect_rejected("data before fmt", b, 44);
	expect_rejected("empty file", good, 0);
	/* a missing file and a directory */
	err[0] = 0;
	assert_null(psim_media_wav_in(tpath("missing.wav"), err, sizeof(err)));
	assert_true(err[0]);
	err[0] = 0;
	assert_null(psim_media_wav_in(tmpdir, err, sizeof(err)));
	assert_true(err[0]);
	/* random garbage after a valid RIFF/WAVE: never a crash, never a hang */
	srand(7);
	for (i = 0; i < 2000; i++) {
		size_t j, n = 12 + (size_t)rand() % 200;

		memcpy(b, good, 12);
		for (j = 12; j < n; j++)
			b[j] = (uint8_t)rand();
		if (i & 1)
			memcpy(b + 12, good + 12, 24); /* keep a good fmt, garble the rest */
		write_file(tpath("rnd.wav"), b, n);
		m = psim_media_wav_in(tpath("rnd.wav"), err, sizeof(err));
		if (m) {
			int16_t pcm;
			int k = 0;

			while (psim_media_next(m, &pcm) && k < 100000)
				k++;
			assert_true(k < 100000);
			psim_media_close(m);
		}
	}
}

/* ---- DTMF ----------------------------------------------------------------------------------- */

/* Q.23: rows 697 770 852 941 Hz, columns 1209 1336 1477 1633 Hz */
static const char dtmf_keys[] = "123A456B789C*0#D";
static const double q23_lo[4] = { 697, 770, 852, 941 }, q23_hi[4] = { 1209, 1336, 1477, 1633 };

/* feed samples to a fresh detector; the digits it reports, in order */
static void detect(char *out, size_t outlen, const int16_t *x, size_t n)
{
	struct psim_call c;
	size_t i, k = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		char d = psim_dtmf_detect(&c, x[i]);

		if (d && k + 1 < outlen)
			out[k++] = d;
	}
	out[k] = 0;
}

static void test_dtmf_generator(void **state)
{
	static int16_t x[2000];
	size_t i;

	for (i = 0; i < 16; i++) {
		char dg[2] = { dtmf_keys[i], 0 };
		struct psim_media *m = psim_media_dtmf(dg, 100, 100);
		double flo = q23_lo[i / 4], fhi = q23_hi[i % 4], plo, phi, llo, lhi, lall;

		assert_int_equal(take(m, x, 2000), 1600); /* 100 ms on + 100 ms off */
		psim_media_close(m);
		plo = peak_freq(x, 800, flo - 15, flo + 15);
		phi = peak_freq(x, 800, fhi - 15, fhi + 15);
		llo = dbm0_of_rms(amp_at(x, 800, flo, true) / sqrt(2.0));
		lhi = dbm0_of_rms(amp_at(x, 800, fhi, true) / sqrt(2.0));
		lall = dbm0_of_rms(rms(x, 800));
		print_message("DTMF %c: %7.2f Hz %6.2f dBm0 + %7.2f Hz %6.2f dBm0 (total %.2f)\n",
			      dg[0], plo, llo, phi, lhi, lall);
		/* Q.23 frequencies within +-1 Hz (Q.23 allows 1.8 %); the low group at -7 dBm0,
		 * the high group at -5 dBm0 (2 dB pre-emphasis), within 0.3 dB */
		assert_true(fabs(plo - flo) < 1.0 && fabs(phi - fhi) < 1.0);
		assert_true(fabs(llo + 7.0) < 0.3 && fabs(lhi + 5.0) < 0.3);
		/* the rest of the period is silence: A-law idles at the smallest magnitude */
		assert_true(rms(x + 800, 800) <= 8.0);
	}
}

static void test_dtmf_each_digit(void **state)
{
	static int16_t x[4000];
	char got[32];
	size_t i;

	for (i = 0; i < 16; i++) {
		char dg[2] = { dtmf_keys[i], 0 };
		struct psim_media *m = psim_media_dtmf(dg, 100, 100);
		size_t n = take(m, x, 4000);

		psim_media_close(m);
		detect(got, sizeof(got), x, n);
		if (strcmp(got, dg))
			fail_msg("digit %s detected as \"%s\"", dg, got);
	}
}

static void check_sequence(const char *digits, uint32_t on, uint32_t off, size_t lead)
{
	static int16_t x[200000];
	struct psim_media *m = psim_media_dtmf(digits, on, off);
	char got[128];
	size_t n;

	memset(x, 0, lead * sizeof(x[0])); /* shifts the tones against the detector's blocks */
	n = lead + take(m, x + lead, sizeof(x) / sizeof(x[0]) - lead);
	psim_media_close(m);
	assert_int_equal(n, lead + strlen(digits) * (on + off) * 8);
	detect(got, sizeof(got), x, n);
	if (strcmp(got, digits))
		fail_msg("on %u off %u lead %zu: sent \"%s\", detected \"%s\"", on, off, lead,
			 digits, got);
}

static void test_dtmf_sequences(void **state)
{
	static const uint32_t times[][2] = { { 100, 100 }, { 80, 80 }, { 65, 65 }, { 200, 50 } };
	size_t t, lead;

	for (t = 0; t < sizeof(times) / sizeof(times[0]); t++)
		for (lead = 0; lead < 205; lead += 17)
			check_sequence("123A456B789C*0#D", times[t][0], times[t][1], lead);
	/* repeated digits are separate key presses */
	check_sequence("1155#", 100, 100, 0);
	check_sequence("0000", 70, 70, 101);
	check_sequence("5", 1000, 100, 3); /* a long press is one digit */
}

/* Q.24: a receiver takes tones of at least 40 ms separated by pauses of at least 40 ms */
static void test_dtmf_q24_timing(void **state)
{
	size_t lead;

	for (lead = 0; lead < 205; lead += 3) {
		check_sequence("1593#", 40, 40, lead);
		check_sequence("0000", 40, 40, lead);
	}
}

/* independently synthesised digit: frequency offsets and levels as a real line delivers them */
static size_t synth_digit(int16_t *x, int key, double dev, double lvl_lo, double lvl_hi,
			  size_t on, size_t off)
{
	double a_lo = ref_rms_0dbm0() * sqrt(2.0) * pow(10.0, lvl_lo / 20.0);
	double a_hi = ref_rms_0dbm0() * sqrt(2.0) * pow(10.0, lvl_hi / 20.0);
	double flo = q23_lo[key / 4] * (1 + dev), fhi = q23_hi[key % 4] * (1 + dev);
	size_t i;

	for (i = 0; i < on; i++)
		x[i] = psim_alaw_decode(psim_alaw_encode((int16_t)lrint(
			a_lo * sin(2 * M_PI * flo * (double)i / RATE) +
			a_hi * sin(2 * M_PI * fhi * (double)i / RATE + 1.0))));
	for (; i < on + off; i++)
		x[i] = psim_alaw_decode(PSIM_ALAW_IDLE);
	return on + off;
}

static void test_dtmf_line_conditions(void **state)
{
	static int16_t x[16000];
	static const struct {
		double dev, lo, hi;
	} cond[] = {
		{ 0, -20, -20 },   { 0, -25, -23 },	{ 0.015, -7, -5 }, { -0.015, -7, -5 },
		{ 0.015, -10, -10 }, { -0.015, -20, -18 },
		{ 0, -10, -18 }, { 0, -14, -10 }, /* twist: Q.24 takes 8 dB forward, 4 dB reverse */
	};
	char got[8], want[2] = { 0 };
	size_t c, k;

	for (c = 0; c < sizeof(cond) / sizeof(cond[0]); c++)
		for (k = 0; k < 16; k++) {
			size_t n = synth_digit(x, (int)k, cond[c].dev, cond[c].lo, cond[c].hi, 800,
					       800);

			detect(got, sizeof(got), x, n);
			want[0] = dtmf_keys[k];
			if (strcmp(got, want))
				fail_msg("%s at %+.1f %%, %g/%g dBm0 detected as \"%s\"", want,
					 cond[c].dev * 100, cond[c].lo, cond[c].hi, got);
		}
}

/* too short a tone is no digit; a short drop-out inside a digit does not repeat it */
static void test_dtmf_durations(void **state)
{
	static int16_t x[8000];
	char got[8];
	size_t lead, k, n, i;

	for (k = 0; k < 16; k++)
		for (lead = 0; lead < 102; lead += 7) {
			for (i = 0; i < lead; i++)
				x[i] = 8;
			n = lead + synth_digit(x + lead, (int)k, 0, -7, -5, 120, 400); /* 15 ms */
			detect(got, sizeof(got), x, n);
			if (got[0])
				fail_msg("15 ms of %c (lead %zu) detected as \"%s\"", dtmf_keys[k],
					 lead, got);
			/* 60 ms, a 10 ms interruption (Q.24), 60 ms: one key press */
			n = lead + synth_digit(x + lead, (int)k, 0, -7, -5, 480, 80);
			n += synth_digit(x + n, (int)k, 0, -7, -5, 480, 800);
			detect(got, sizeof(got), x, n);
			if (strlen(got) != 1 || got[0] != dtmf_keys[k])
				fail_msg("%c with a 10 ms drop-out (lead %zu) detected as \"%s\"",
					 dtmf_keys[k], lead, got);
		}
}

/* a digit at -30 dBm0 a tone is taken, one at -50 dBm0 is not */
static void test_dtmf_levels(void **state)
{
	static int16_t x[1600];
	char got[8];
	size_t k, n;

	for (k = 0; k < 16; k++) {
		n = synth_digit(x, (int)k, 0, -30, -30, 800, 800);
		detect(got, sizeof(got), x, n);
		assert_true(strlen(got) == 1 && got[0] == dtmf_keys[k]);
		n = synth_digit(x, (int)k, 0, -50, -50, 800, 800);
		detect(got, sizeof(got), x, n);
		assert_string_equal(got, "");
	}
}

static void test_dtmf_no_false_digits(void **state)
{
	static int16_t x[24000];
	static const double lv[] = { 3.14, 0, -10, -20, -40 };
	char got[64];
	size_t i;

	for (i = 0; i < 24000; i++)
		x[i] = psim_alaw_decode(PSIM_ALAW_IDLE);
	detect(got, sizeof(got), x, 24000);
	assert_string_equal(got, "");
	memset(x, 0, sizeof(x));
	detect(got, sizeof(got), x, 24000);
	assert_string_equal(got, "");
	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		struct psim_media *m = psim_media_tone(1000, lv[i], 3000);

		assert_int_equal(take(m, x, 24000), 24000);
		psim_media_close(m);
		detect(got, sizeof(got), x, 24000);
		if (got[0])
			fail_msg("1 kHz at %g dBm0 detected as \"%s\"", lv[i], got);
	}
	/* one DTMF tone alone is not a digit; nor is dial tone (350 + 440 Hz) */
	for (i = 0; i < 8; i++) {
		struct psim_media *m = psim_media_tone(i < 4 ? q23_lo[i] : q23_hi[i - 4], -7, 1000);

		take(m, x, 8000);
		psim_media_close(m);
		detect(got, sizeof(got), x, 8000);
		assert_string_equal(got, "");
	}
	for (i = 0; i < 8000; i++)
		x[i] = (int16_t)lrint(3000 * (sin(2 * M_PI * 350 * i / RATE) +
					      sin(2 * M_PI * 440 * i / RATE)));
	detect(got, sizeof(got), x, 8000);
	assert_string_equal(got, "");
}

/* digits the command line may pass: lower-case a-d are the same keys; others are not sent */
static void test_dtmf_generator_input(void **state)
{
	static int16_t x[4000];
	struct psim_media *m;
	char got[8];
	size_t n;

	m = psim_media_dtmf("d", 100, 100);
	n = take(m, x, 4000);
	psim_media_close(m);
	detect(got, sizeof(got), x, n);
	assert_string_equal(got, "D");
	m = psim_media_dtmf("1", 0, 0); /* no time at all: nothing, no division by zero */
	assert_int_equal(take(m, x, 4000), 0);
	psim_media_close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alaw_reference_points),
		cmocka_unit_test(test_alaw_all_inputs),
		cmocka_unit_test(test_alaw_all_codes),
		cmocka_unit_test(test_level_reference),
		cmocka_unit_test(test_tone_1k_minus10),
		cmocka_unit_test(test_tone_grid),
		cmocka_unit_test(test_tone_1k_synchronous),
		cmocka_unit_test(test_tone_0dbm0_is_milliwatt),
		cmocka_unit_test(test_tone_duration),
		cmocka_unit_test(test_wav_write_read),
		cmocka_unit_test(test_wav_hand_built),
		cmocka_unit_test(test_wav_malformed),
		cmocka_unit_test(test_dtmf_generator),
		cmocka_unit_test(test_dtmf_each_digit),
		cmocka_unit_test(test_dtmf_sequences),
		cmocka_unit_test(test_dtmf_q24_timing),
		cmocka_unit_test(test_dtmf_line_conditions),
		cmocka_unit_test(test_dtmf_durations),
		cmocka_unit_test(test_dtmf_levels),
		cmocka_unit_test(test_dtmf_no_false_digits),
		cmocka_unit_test(test_dtmf_generator_input),
		cmocka_unit_test(test_tone_reversals),
		cmocka_unit_test(test_hybrid),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
