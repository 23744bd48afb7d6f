// SPDX-License-Identifier: GPL-2.0-or-later
/* G.168-style test bed: signal generators, echo path, metrics (see g168.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g168.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static uint32_t rnd_next(uint32_t *s)
{
	/* xorshift32: fixed sequence per seed on every host */
	uint32_t x = *s ? *s : 0x9e3779b9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static double rnd_uni(uint32_t *s) /* [0, 1) */
{
	return (rnd_next(s) >> 8) * (1.0 / 16777216.0);
}

static double rnd_range(uint32_t *s, double lo, double hi)
{
	return lo + (hi - lo) * rnd_uni(s);
}

static double rnd_gauss(uint32_t *s)
{
	double a = 0;

	for (int i = 0; i < 12; i++)
		a += rnd_uni(s);
	return a - 6.0;
}

/* two-pole resonator at f with bandwidth bw, unity-ish gain at f */
struct reso {
	double a1, a2, g, y1, y2;
};

static void reso_set(struct reso *r, double f, double bw)
{
	double rad = exp(-M_PI * bw / G168_RATE);

	r->a1 = 2 * rad * cos(2 * M_PI * f / G168_RATE);
	r->a2 = -rad * rad;
	r->g = 1 - rad;
}

static double reso_run(struct reso *r, double x)
{
	double y = r->g * x + r->a1 * r->y1 + r->a2 * r->y2;

	r->y2 = r->y1;
	r->y1 = y;
	return y;
}

static void scale_to(int16_t *out, const double *buf, const uint8_t *act, int n, double dbm0)
{
	double e = 0, g;
	long cnt = 0;

	for (int i = 0; i < n; i++)
		if (!act || act[i]) {
			e += buf[i] * buf[i];
			cnt++;
		}
	g = cnt && e > 0 ? G168_DBM0_RMS * pow(10, dbm0 / 20) / sqrt(e / cnt) : 0;
	for (int i = 0; i < n; i++) {
		double v = buf[i] * g;

		out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)lrint(v);
	}
}

void g168_speech(int16_t *out, int n, uint32_t seed, double level_dbm0)
{
	double *buf = calloc(n, sizeof(*buf));
	uint8_t *act = calloc(n, 1);
	uint32_t s = seed * 2654435761u + 12345;
	double f0base = rnd_range(&s, 100, 220), phase = 0, hp_x = 0, hp_y = 0, lip = 0;
	struct reso glot = { 0 }, f1 = { 0 }, f2 = { 0 }, f3 = { 0 }, fr = { 0 };
	int i = 0;

	if (!buf || !act) {
		free(buf);
		free(act);
		memset(out, 0, n * sizeof(*out));
		return;
	}
	reso_set(&glot, 0, 300);
	while (i < n) {
		int spurt = (int)(rnd_range(&s, 0.4, 1.6) * G168_RATE);
		int end = i + spurt < n ? i + spurt : n;

		while (i < end) {
			int len = (int)(rnd_range(&s, 0.06, 0.25) * G168_RATE);
			int voiced = rnd_uni(&s) < 0.75;
			double amp = rnd_range(&s, 0.4, 1.0), f0 = f0base * rnd_range(&s, 0.8, 1.2);
			double f0end = f0base * rnd_range(&s, 0.8, 1.2);

			if (i + len > end)
				len = end - i;
			reso_set(&f1, rnd_range(&s, 300, 800), rnd_range(&s, 80, 160));
			reso_set(&f2, rnd_range(&s, 900, 2200), rnd_range(&s, 100, 200));
			reso_set(&f3, rnd_range(&s, 2300, 3200), rnd_range(&s, 150, 300));
			reso_set(&fr, rnd_range(&s, 2500, 3500), 1500);
			for (int k = 0; k < len; k++, i++) {
				double env = amp * 0.5 * (1 - cos(2 * M_PI * (k + 0.5) / len)), x, y;

				if (voiced) {
					double f = f0 + (f0end - f0) * k / len;

					phase += f / G168_RATE;
					x = 0;
					if (phase >= 1) {
						phase -= 1;
						x = 1;
					}
					/* glottal low-pass, lip radiation (first
					 * difference: -6 dB/octave overall), a little
					 * aspiration noise */
					x = reso_run(&glot, x * 40);
					y = x - lip;
					lip = x;
					y += 0.02 * rnd_gauss(&s);
					y = reso_run(&f1, y) * 1.0 + reso_run(&f2, y) * 0.7 +
					    reso_run(&f3, y) * 0.5;
				} else {
					y = reso_run(&fr, rnd_gauss(&s)) * 0.5;
				}
				buf[i] = y * env;
				act[i] = 1;
			}
		}
		i += (int)(rnd_range(&s, 0.15, 0.6) * G168_RATE);
	}
	for (i = 0; i < n; i++) { /* 100 Hz high-pass */
		double y = 0.924 * (hp_y + buf[i] - hp_x);

		hp_x = buf[i];
		hp_y = y;
		buf[i] = y;
	}
	scale_to(out, buf, act, n, level_dbm0);
	free(buf);
	free(act);
}

/* G.168 C.1: the voiced section of the composite source signal (its published samples) */
static const int16_t css_voiced[] = {
	-155, 276, 517, 578, 491, 302, 86, -103, -207, -198, 60, 190, 543, 948, 1362, 1741, 2043,
	2276, 2422, 2500, 2552, 2595, 2655, 2758, 2896, 3060, 3224, 3370, 3500, 3569, 3603, 3603,
	3595, 3586, 3595, 3638, 3724, 3819, 3922, 4000, 4043, 4034, 3974, 3862, 3724, 3577, 3439,
	3336, 3267, 3224, 3198, 3172, 3129, 3043, 2914, 2750, 2560, 2353, 2155, 1991, 1853, 1750,
	1672, 1603, 1534, 1440, 1310, 1146, 965, 776, 603, 448, 345, 276, 250, 250, 267, 267, 241,
	190, 103, -9, -138, -267, -388, -491, -569, -638, -698, -759, -813, -888, -957, -1034,
	-1103, -1146, -1181, -1190, -1198, -1215, -1259, -1327, -1457, -1629, -1853, -2121, -2414,
	-2707, -3017, -3319, -3612, -3913, -4224, -4560, -4922, -5301, -5715, -6137, -6560, -6948,
	-7301, -7568, -7732, -7758, -7620, -7310, -6810, -6155, -5344, -4439, -3474, -2508,
	-1595, -802,
};

void g168_css(int16_t *out, int n, double level_dbm0)
{
	const int nv = sizeof(css_voiced) / sizeof(css_voiced[0]);
	const int lv = 389, ln = 1600, lp = 811; /* 48.62, 200, 101.38 ms */
	double *buf = calloc(n, sizeof(*buf));
	uint8_t *act = calloc(n, 1);
	uint32_t s = 0x5eed;
	double lp_y = 0;

	if (!buf || !act) {
		free(buf);
		free(act);
		memset(out, 0, n * sizeof(*out));
		return;
	}
	for (int i = 0; i < n; i++) {
		int t = i % (2 * (lv + ln + lp)), half = t >= lv + ln + lp;
		double sign = half ? -1 : 1;

		t %= lv + ln + lp;
		if (t < lv) {
			buf[i] = sign * css_voiced[t % nv];
			act[i] = 1;
		} else if (t < lv + ln) {
			lp_y = 0.6 * lp_y + 0.4 * rnd_gauss(&s);
			buf[i] = sign * lp_y * 2500;
			act[i] = 1;
		}
	}
	scale_to(out, buf, act, n, level_dbm0);
	free(buf);
	free(act);
}

void g168_noise(int16_t *out, int n, uint32_t seed, double level_dbm0)
{
	double *buf = calloc(n, sizeof(*buf)), y = 0;
	uint32_t s = seed * 747796405u + 1;

	if (!buf) {
		memset(out, 0, n * sizeof(*out));
		return;
	}
	for (int i = 0; i < n; i++) {
		double w = rnd_gauss(&s);

		y = 0.67 * y + 0.33 * w;
		buf[i] = y + 0.2 * w;
	}
	/* int16 would round a -80 dBm0 noise to a few LSB: keep it, it is what the line gives */
	scale_to(out, buf, NULL, n, level_dbm0);
	free(buf);
}

void g168_case_default(struct g168_case *c, int model, int taps)
{
	memset(c, 0, sizeof(*c));
	c->sig = G168_SPEECH;
	c->model = model;
	c->delay = 40; /* 5 ms of pure delay before the hybrid */
	c->erl_db = 6;
	c->far_dbm0 = -15;
	c->noise_dbm0 = -55;
	c->dt_db = -999;
	c->secs = 10;
	c->seed = 1;
	c->taps = taps;
	c->frame = 8; /* 1 ms, as the media path delivers */
}

static double db(double num, double den)
{
	if (den <= 0)
		return 200;
	if (num <= 0)
		return -200;
	return 10 * log10(num / den);
}

/* first time from which every valid 100 ms window (hop 50 ms) has ERLE >= thr */
static double time_to(const double *echo2, const double *res2, int nblk, double thr,
		      double floor_e)
{
	double t = 0;

	for (int b = 0; b + 1 < nblk; b++) {
		double e = echo2[b] + echo2[b + 1], r = res2[b] + res2[b + 1];

		if (e < floor_e)
			continue;
		if (db(e, r) < thr)
			t = (b + 2) * 0.05;
	}
	return t;
}

/* echo[i] = (h * far)[i - delay], scaled so that the ERL on this signal is erl_db */
void g168_echo_path(double *echo, const int16_t *far, int n, const struct g168_model *m,
		      int delay, double erl_db)
{
	double ef = 0, ee = 0, g;

	for (int i = 0; i < n; i++) {
		double a = 0;

		for (int k = 0; k < m->len; k++) {
			int j = i - delay - k;

			if (j >= 0)
				a += (double)m->h[k] * far[j];
		}
		echo[i] = a;
		ef += (double)far[i] * far[i];
		ee += a * a;
	}
	g = ee > 0 ? sqrt(ef / ee) * pow(10, -erl_db / 20) : 0;
	for (int i = 0; i < n; i++)
		echo[i] *= g;
}

int g168_run(struct g168_result *r, const struct g168_engine *e, const struct g168_case *c)
{
	int n = (int)(c->secs * G168_RATE), lat, bl = G168_RATE / 20, nblk = n / bl;
	const struct g168_model *m = &g168_models[c->model];
	int16_t *far = malloc(n * sizeof(int16_t)), *sin = malloc(n * sizeof(int16_t));
	int16_t *noise = calloc(n, sizeof(int16_t)), *near = calloc(n, sizeof(int16_t));
	double *echo = calloc(n, sizeof(double)), *blk_e = calloc(nblk + 1, sizeof(double));
	double *blk_r = calloc(nblk + 1, sizeof(double));
	double ef = 0, ee = 0, floor_e;
	int dt0 = (int)(c->dt_start * G168_RATE), dt1 = (int)((c->dt_start + c->dt_len) * G168_RATE);
	int ret = 0;
	void *st;

	memset(r, 0, sizeof(*r));
	if (!far || !sin || !noise || !near || !echo || !blk_e || !blk_r) {
		ret = -ENOMEM;
		goto out;
	}
	if (c->sig == G168_CSS)
		g168_css(far, n, c->far_dbm0);
	else
		g168_speech(far, n, c->seed, c->far_dbm0);
	if (c->noise_dbm0 > -200)
		g168_noise(noise, n, c->seed + 100, c->noise_dbm0);
	if (c->dt_db > -200 && c->dt_len > 0) {
		int len = dt1 - dt0;

		if (dt1 > n)
			dt1 = n, len = n - dt0;
		g168_speech(near + dt0, len, c->seed + 7, c->far_dbm0 + c->dt_db);
	}
	/* echo = far * h after the pure delay, scaled to the ERL on this very signal (each
	 * model on its own when the path changes) */
	g168_echo_path(echo, far, n, m, c->delay, c->erl_db);
	if (c->change_s > 0) {
		double *e2 = malloc(n * sizeof(double));
		int ch = (int)(c->change_s * G168_RATE);

		if (!e2) {
			ret = -ENOMEM;
			goto out;
		}
		g168_echo_path(e2, far, n, &g168_models[c->model2], c->delay, c->erl_db);
		for (int i = ch; i < n; i++)
			echo[i] = e2[i];
		free(e2);
	}
	if (c->erl2_db > 0) {
		double *e2 = malloc(n * sizeof(double));

		if (!e2) {
			ret = -ENOMEM;
			goto out;
		}
		g168_echo_path(e2, far, n, m, c->delay2, c->erl2_db);
		for (int i = 0; i < n; i++)
			echo[i] += e2[i];
		free(e2);
	}
	for (int i = 0; i < n; i++)
		ef += (double)far[i] * far[i];
	for (int i = 0; i < n; i++) {
		double v = echo[i] + noise[i] + near[i];

		ee += echo[i] * echo[i];
		sin[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)lrint(v);
	}
	r->erl_meas = db(ef, ee);

	st = e->create(c->taps);
	if (!st) {
		ret = -ENOMEM;
		goto out;
	}
	if (e->set_nlp)
		e->set_nlp(st, c->nlp);
	lat = e->latency ? e->latency(st) : 0;
	for (int i = 0; i + c->frame <= n; i += c->frame)
		e->process(st, sin + i, far + i, c->frame);
	e->destroy(st);

	/* true residual: output minus the known near-end signal (noise + talker), aligned */
	for (int i = 0; i + lat < n && i / bl < nblk; i++) {
		double res = sin[i + lat] - (double)noise[i] - near[i];

		blk_e[i / bl] += echo[i] * echo[i];
		blk_r[i / bl] += res * res;
	}
	/* windows count when the echo is no more than 20 dB under its active level (far end
	 * talking, not a syllable's fading tail) */
	floor_e = 2 * bl * pow(G168_DBM0_RMS * pow(10, (c->far_dbm0 - c->erl_db - 20) / 20), 2);
	if (getenv("G168_TRACE"))
		for (int b = 0; b < nblk; b++)
			fprintf(stderr, "%5.2f echo %6.1f dBm0 erle %5.1f\n", b * 0.05,
				db(blk_e[b] / bl, G168_DBM0_RMS * G168_DBM0_RMS), db(blk_e[b], blk_r[b]));
	r->t20 = time_to(blk_e, blk_r, nblk, 20, floor_e);
	r->t30 = time_to(blk_e, blk_r, nblk, 30, floor_e);
	if (c->change_s > 0) {
		int b0 = (int)(c->change_s * 20), b1 = b0 + 20, b2 = b0 + 40;
		double xe = 0, xr = 0;

		if (b0 < nblk)
			r->t20_change = time_to(blk_e + b0, blk_r + b0, nblk - b0, 20, floor_e);
		for (int b = b1; b < b2 && b < nblk; b++)
			xe += blk_e[b], xr += blk_r[b];
		r->erle_change = db(xe, xr);
	}
	{
		double se = 0, sr = 0, de = 0, dr = 0, ae = 0, ar = 0, xe = 0, xr = 0, ro = 0;
		double on = 0, nn = 0;
		int b0 = nblk * 2 / 3, b1 = nblk, after = -1;

		if (c->dt_db > -200 && c->dt_len > 0) {
			b0 = dt0 / bl / 2; /* steady: the half before double talk starts */
			b1 = dt0 / bl;
			after = (dt1 + G168_RATE / 2) / bl;
		}
		for (int b = 0; b < nblk; b++) {
			if (b >= b0 && b < b1)
				se += blk_e[b], sr += blk_r[b];
			if (b >= 10 && b < 20)
				xe += blk_e[b], xr += blk_r[b];
			if (b >= 10)
				ro += blk_r[b];
			if (after >= 0 && b >= dt0 / bl && b < dt1 / bl)
				de += blk_e[b], dr += blk_r[b];
			if (after >= 0 && b >= after)
				ae += blk_e[b], ar += blk_r[b];
		}
		r->steady_erle = db(se, sr);
		r->erle_05_1 = db(xe, xr);
		r->ret_echo_dbm0 =
			db(ro / ((nblk - 10) * (double)bl), G168_DBM0_RMS * G168_DBM0_RMS);
		if (after >= 0) {
			r->erle_dt = db(de, dr);
			r->erle_after = db(ae, ar);
			for (int i = dt0; i < dt1 && i + lat < n; i++) {
				double o = sin[i + lat] - (double)noise[i];

				on += o * o;
				nn += (double)near[i] * near[i];
			}
			r->near_gain_db = db(on, nn);
		}
	}
	{
		double oo = 0, nn = 0, o1 = 0, n1 = 0, near_act;

		for (int b = 20; b < nblk; b++) {
			int i0 = b * bl, i1 = i0 + bl, talk = 0;

			if (blk_e[b] < floor_e / 2 || i1 + lat > n)
				continue;
			for (int i = i0; i < i1; i++)
				talk |= near[i] != 0;
			if (talk)
				continue;
			for (int i = i0; i < i1; i++) {
				double o = sin[i + lat], nz = noise[i];

				oo += o * o;
				nn += nz * nz;
				if (i > i0) {
					o1 += o * sin[i + lat - 1];
					n1 += nz * noise[i - 1];
				}
			}
		}
		r->cn_diff_db = db(oo, nn);
		r->cn_rho_out = oo > 0 ? o1 / oo : 0;
		r->cn_rho_noise = nn > 0 ? n1 / nn : 0;
		/* near-end talker blocks: the talker's active level is far + dt */
		near_act = bl * pow(G168_DBM0_RMS * pow(10, (c->far_dbm0 + c->dt_db - 15) / 20), 2);
		for (int b = dt0 / bl; c->dt_len > 0 && c->dt_db > -200 && b < dt1 / bl; b++) {
			double pn = 0, po = 0;

			if ((b + 1) * bl + lat > n)
				break;
			for (int i = b * bl; i < (b + 1) * bl; i++) {
				double o = sin[i + lat] - (double)noise[i];

				pn += (double)near[i] * near[i];
				po += o * o;
			}
			if (pn < near_act)
				continue;
			r->near_blocks++;
			r->clipped_blocks += po < pn / 2;
		}
	}
out:
	free(far);
	free(sin);
	free(noise);
	free(near);
	free(echo);
	free(blk_e);
	free(blk_r);
	return ret;
}
