// SPDX-License-Identifier: GPL-2.0-or-later
/* Call-progress tones: libtonezone descriptions parsed and played (cptone.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cptone.h"
#include "g711.h"
#include "osc.h"

static const char *const cptone_names[CPTONE__NUM] = {
	[CPTONE_DIAL] = "dial",		    [CPTONE_BUSY] = "busy",
	[CPTONE_RINGBACK] = "ringback",	    [CPTONE_CONGESTION] = "congestion",
	[CPTONE_CALLWAIT] = "call-waiting", [CPTONE_DIALRECALL] = "dial-recall",
	[CPTONE_RECORD] = "record",	    [CPTONE_INFO] = "info",
	[CPTONE_STUTTER] = "stutter",
};

const char *cptone_name(enum cptone_id id)
{
	return (unsigned int)id < CPTONE__NUM ? cptone_names[id] : "?";
}

int cptone_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < CPTONE__NUM; i++)
		if (!strcmp(name, cptone_names[i]))
			return (int)i;
	return -1;
}

const struct cptone_zone *cptone_zone_find(const char *country)
{
	unsigned int i;

	for (i = 0; country && i < cptone_n_zones; i++)
		if (!strcmp(cptone_zones[i].country, country))
			return &cptone_zones[i];
	return NULL;
}

/* Decimal number at *p, at most max; advances *p. -1: none or too big. */
/* the current zone's tones, parsed; two sets so that a selection leaves the one playing */
static struct cptone_seq cptone_set[2][CPTONE__NUM];
static bool cptone_ok[2][CPTONE__NUM];
static const struct cptone_zone *cptone_cur;
static unsigned int cptone_cur_set;

int cptone_zone_select(const char *country, unsigned int *bad)
{
	const struct cptone_zone *z = cptone_zone_find(country);
	unsigned int k, t, n = 0;

	if (!z)
		return -ENOENT;
	k = cptone_cur ? cptone_cur_set ^ 1 : 0;
	for (t = 0; t < CPTONE__NUM; t++) {
		cptone_ok[k][t] = cptone_parse(&cptone_set[k][t], z->tone[t]) == 0 &&
				  cptone_set[k][t].n > 0;
		n += *z->tone[t] && !cptone_ok[k][t];
	}
	cptone_cur_set = k;
	cptone_cur = z;
	if (bad)
		*bad = n;
	return 0;
}

const struct cptone_zone *cptone_zone_current(void)
{
	if (!cptone_cur)
		cptone_zone_select("de", NULL);
	return cptone_cur;
}

const struct cptone_seq *cptone_tone(enum cptone_id id)
{
	if ((unsigned int)id >= CPTONE__NUM || !cptone_zone_current())
		return NULL;
	return cptone_ok[cptone_cur_set][id] ? &cptone_set[cptone_cur_set][id] : NULL;
}

static long cptone_num(const char **p, long max)
{
	long v = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		if (v > max)
			return -1;
		(*p)++;
	}
	return v;
}

int cptone_parse(struct cptone_seq *s, const char *desc)
{
	const char *p = desc;
	bool looped = false;
	long v;

	if (!s || !desc)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	while (*p) {
		struct cptone_part *t;
		bool once = false;

		if (s->n == CPTONE_PARTS_MAX)
			return -E2BIG;
		t = &s->part[s->n];
		if (*p == '!') {
			once = true;
			p++;
		}
		if ((v = cptone_num(&p, 3999)) < 0)
			return -EINVAL;
		t->f1 = (uint16_t)v;
		if (*p == '@')
			t->low = *p++ == '@';
		else if (*p == '+' || *p == '*') {
			t->mod = *p++ == '*';
			if ((v = cptone_num(&p, 3999)) < 0)
				return -EINVAL;
			t->f2 = (uint16_t)v;
			if (*p == '+' && !t->mod) {
				p++;
				if ((v = cptone_num(&p, 3999)) < 0)
					return -EINVAL;
				t->f3 = (uint16_t)v;
			}
		}
		if (*p == '/') {
			p++;
			if ((v = cptone_num(&p, 3600000)) < 0)
				return -EINVAL;
			t->ms = (uint32_t)v;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p && *p != '!') /* a ! starts a part too: nz dial-recall lacks a comma */
			return -EINVAL;
		if (!once && !looped) {
			s->loop = s->n;
			looped = true;
		}
		s->n++;
	}
	if (!looped)
		s->loop = s->n;
	return 0;
}

static void cptone_enter(struct cptone_player *p, uint8_t idx)
{
	const struct cptone_part *t;

	if (idx >= p->seq->n) /* the sequence was re-parsed under the player: start over */
		idx = 0;
	t = &p->seq->part[idx];

	p->idx = idx;
	p->left = t->ms ? t->ms * 8u : UINT32_MAX;
	p->inc1 = osc_inc(t->f1);
	p->inc2 = osc_inc(t->f2);
	p->inc3 = osc_inc(t->f3);
	p->ph1 = p->ph2 = p->ph3 = 0; /* each part starts at a zero crossing: no click */
}

int cptone_start(struct cptone_player *p, const struct cptone_seq *seq, float dbm0)
{
	if (!p || !seq || !(dbm0 >= -40.0f && dbm0 <= 0.0f))
		return -EINVAL;
	p->seq = seq;
	p->amp = (int32_t)(G711_DBM0_PEAK * powf(10.0f, dbm0 / 20.0f) + 0.5f);
	p->active = seq->n > 0;
	if (p->active)
		cptone_enter(p, 0);
	return 0;
}

/* The next part after the current one ended; false when the sequence is over. */
static bool cptone_next(struct cptone_player *p)
{
	uint8_t i = (uint8_t)(p->idx + 1);

	if (i >= p->seq->n) {
		if (p->seq->loop >= p->seq->n) {
			p->active = false;
			return false;
		}
		i = p->seq->loop;
	}
	cptone_enter(p, i);
	return true;
}

bool cptone_fill_lin(struct cptone_player *p, int16_t *dst, unsigned int n)
{
	const struct cptone_part *t;
	unsigned int k;

	if (!p->active)
		return false;
	for (k = 0; k < n; k++) {
		int32_t v = 0;

		while (!p->left)
			if (!cptone_next(p)) {
				memset(dst + k, 0, (n - k) * sizeof(*dst));
				return true;
			}
		t = &p->seq->part[p->idx];
		if (t->f1) {
			int32_t s1 = osc_sin(p->ph1);

			if (!t->f2)
				v = s1;
			else if (!t->mod)
				v = s1 + osc_sin(p->ph2) + (t->f3 ? osc_sin(p->ph3) : 0);
			else /* "F1*F2" as DAHDI plays it: 0.9 s1 (1 - 0.22 s2) (Q15) */
				v = (((s1 * (32768 - ((7209 * osc_sin(p->ph2)) >> 15))) >> 15) *
				     29491) >> 15;
			if (t->low) /* "F1@": DAHDI's 0.3 of the level */
				v = (v * 9830) >> 15;
			p->ph1 += p->inc1;
			p->ph2 += p->inc2;
			p->ph3 += p->inc3;
			v = (int32_t)(((int64_t)v * p->amp) >> 15);
			if (v > 32767)
				v = 32767;
			else if (v < -32768)
				v = -32768;
		}
		dst[k] = (int16_t)v;
		if (p->left != UINT32_MAX)
			p->left--;
	}
	return true;
}

bool cptone_fill_alaw(struct cptone_player *p, uint8_t *dst, unsigned int n)
{
	int16_t lin[40];

	if (!p->active)
		return false;
	while (n) {
		unsigned int k = n < 40 ? n : 40, i;

		if (!cptone_fill_lin(p, lin, k))
			memset(lin, 0, sizeof(lin));
		for (i = 0; i < k; i++)
			dst[i] = g711_alaw_enc(lin[i]);
		dst += k;
		n -= k;
	}
	return true;
}
