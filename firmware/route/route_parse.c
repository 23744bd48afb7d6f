// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Routing table rows -> a table buffer. One row per line, fields key=value separated by
 * blanks; '#' starts a comment line. Every field is checked here (numbers, names, URIs,
 * ranges, references to hotlines, ascending advisor ids), so that a table that parses is a
 * table the selection can use as it is. The first bad field names the row's error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_int.h"

static int route_err(struct route_parse_err *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int route_err(struct route_parse_err *err, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->field, sizeof(err->field), "%.20s", field);
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* 1..32 characters of digits * #, with an optional leading + */
static bool route_number_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ROUTE_NUM_MAX)
		return false;
	if (*s == '+')
		s++;
	return *s && strspn(s, "0123456789*#") == strlen(s);
}

static bool route_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= ROUTE_NAME_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* What may go on a SIP request line: sip:, printable, no blanks, quotes or angle brackets. */
static bool route_uri_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 5 || n >= SIP_URI_MAX || strncmp(s, "sip:", 4))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || strchr("\"<>\\", s[i]))
			return false;
	return true;
}

/* Decimal unsigned in [lo, hi]. */
static bool route_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return false;
	*v = strtoul(s, &end, 10);
	return *v >= lo && *v <= hi;
}

/* "4.5", "4.55", "5" -> hundredths */
static bool route_rating(const char *s, uint16_t *out)
{
	unsigned long ip, fp = 0;
	const char *dot = strchr(s, '.');
	char whole[4];
	size_t fl;

	if (!dot)
		dot = s + strlen(s);
	if (dot == s || (size_t)(dot - s) >= sizeof(whole))
		return false;
	memcpy(whole, s, (size_t)(dot - s));
	whole[dot - s] = 0;
	if (!route_uint(whole, 0, 5, &ip))
		return false;
	if (*dot) {
		fl = strlen(dot + 1);
		if (fl < 1 || fl > 2 || !route_uint(dot + 1, 0, 99, &fp))
			return false;
		if (fl == 1)
			fp *= 10;
	}
	ip = ip * 100 + fp;
	if (ip < ROUTE_RATING_MIN || ip > ROUTE_RATING_MAX)
		return false;
	*out = (uint16_t)ip;
	return true;
}

/* "HH:MM" -> minutes; 24:00 allowed as a closing time */
static bool route_hhmm(const char *s, size_t n, uint16_t *min)
{
	unsigned int h, m;

	if (n != 5 || s[2] != ':' || strspn(s, "0123456789:") < 5)
		return false;
	h = (unsigned int)(s[0] - '0') * 10 + (unsigned int)(s[1] - '0');
	m = (unsigned int)(s[3] - '0') * 10 + (unsigned int)(s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m))
		return false;
	*min = (uint16_t)(h * 60 + m);
	return true;
}

static int route_day(const char *s)
{
	static const char days[7][3] = { "mo", "tu", "we", "th", "fr", "sa", "su" };
	int i;

	for (i = 0; i < 7; i++)
		if (!strncmp(s, days[i], 2))
			return i;
	return -1;
}

/* always | closed | DAYS/HH:MM-HH:MM[,...], DAYS = mo | mo-fr | sa-su ... */
static bool route_hours_parse(struct route_hours *h, const char *s)
{
	bool seen[7] = { false };
	int d;

	if (!strcmp(s, "always")) {
		for (d = 0; d < 7; d++)
			h->open[d] = 0, h->close[d] = 1440;
		return true;
	}
	for (d = 0; d < 7; d++)
		h->open[d] = h->close[d] = 0;
	if (!strcmp(s, "closed"))
		return true;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		int d0, d1;
		uint16_t o, c;
		const char *p = s;

		if (n < 2 || (d0 = route_day(p)) < 0)
			return false;
		p += 2;
		d1 = d0;
		if (*p == '-') {
			if ((d1 = route_day(p + 1)) < 0 || d1 < d0)
				return false;
			p += 3;
		}
		if (*p != '/' || (size_t)(p - s) + 12 != n || p[6] != '-' ||
		    !route_hhmm(p + 1, 5, &o) || !route_hhmm(p + 7, 5, &c) || o >= c)
			return false;
		for (d = d0; d <= d1; d++) {
			if (seen[d])
				return false;
			seen[d] = true;
			h->open[d] = o;
			h->close[d] = c;
		}
		s += n;
		if (*s == ',' && !*++s)
			return false;
	}
	return true;
}

/* +HH:MM | -HH:MM, optionally /eu (EU summer time) */
static bool route_tz_parse(struct route_hours *h, const char *s)
{
	uint16_t m;
	size_t n = strlen(s);

	h->tz_eu = false;
	if (n == 9 && !strcmp(s + 6, "/eu")) {
		h->tz_eu = true;
		n = 6;
	}
	if (n != 6 || (s[0] != '+' && s[0] != '-') || !route_hhmm(s + 1, 5, &m) || m > 14 * 60)
		return false;
	h->tz_min = (int16_t)(s[0] == '-' ? -(int)m : (int)m);
	return true;
}

static int route_str_add(struct route_table *t, const char *s, uint32_t *off)
{
	size_t n = strlen(s) + 1;

	if (n > ROUTE_STRINGS_SIZE - t->str_len)
		return -ENOSPC;
	memcpy(&t->strings[t->str_len], s, n);
	*off = t->str_len;
	t->str_len += (uint32_t)n;
	return 0;
}

/* Split "key=value"; returns false when there is no '='. */
static bool route_kv(char *tok, char **key, char **val)
{
	char *eq = strchr(tok, '=');

	if (!eq || eq == tok)
		return false;
	*eq = 0;
	*key = tok;
	*val = eq + 1;
	return true;
}

static int route_seen(unsigned int *mask, int bit, struct route_parse_err *err, const char *key)
{
	if (*mask & (1u << bit))
		return route_err(err, key, "given twice");
	*mask |= 1u << bit;
	return 0;
}

static int route_parse_hotline(struct route_table *t, char *num, char **save,
			       struct route_parse_err *err)
{
	static const char *const keys[] = { "name", "hours", "tz", "queue", "maxwait", "position",
					    "closed", "queue-ann", "overflow", "ring", "missed",
					    "wrapup", NULL };
	struct route_hl *hl;
	struct route_hotline_info *h;
	unsigned int mask = 0;
	unsigned long v;
	char *tok, *key, *val;
	int k, rc;

	if (!num || !route_number_ok(num))
		return route_err(err, "hotline", "number: 1-32 digits, * #, leading +");
	if (route_hl_index(t, num) >= 0)
		return route_err(err, "hotline", "%s defined twice", num);
	if (t->n_hl >= ROUTE_HOTLINES_MAX)
		return route_err(err, "hotline", "more than %d hotlines", ROUTE_HOTLINES_MAX);
	hl = &t->hl[t->n_hl];
	memset(hl, 0, sizeof(*hl));
	h = &hl->info;
	snprintf(h->number, sizeof(h->number), "%s", num);
	route_hours_parse(&h->hours, "always");
	h->queue = ROUTE_QUEUE_ALERTING;
	h->max_wait_s = 120;
	h->ring_timeout_s = 30;
	h->missed_to_pause = 3;
	while ((tok = strtok_r(NULL, " \t", save))) {
		if (!route_kv(tok, &key, &val))
			return route_err(err, tok, "expected key=value");
		for (k = 0; keys[k] && strcmp(keys[k], key); k++)
			;
		if (!keys[k])
			return route_err(err, key, "unknown field");
		rc = route_seen(&mask, k, err, key);
		if (rc < 0)
			return rc;
		switch (k) {
		case 0:
			if (!route_name_ok(val))
				return route_err(err, key, "1-31 of A-Z a-z 0-9 . _ -");
			snprintf(h->name, sizeof(h->name), "%s", val);
			break;
		case 1:
			if (!route_hours_parse(&h->hours, val))
				return route_err(err, key, "always|closed|mo-fr/08:00-18:00[,sa/...]");
			break;
		case 2:
			if (!route_tz_parse(&h->hours, val))
				return route_err(err, key, "+HH:MM or -HH:MM (<= 14:00), optional /eu");
			break;
		case 3:
			if (!strcmp(val, "answer"))
				h->queue = ROUTE_QUEUE_ANSWER;
			else if (!strcmp(val, "alerting"))
				h->queue = ROUTE_QUEUE_ALERTING;
			else
				return route_err(err, key, "answer or alerting");
			break;
		case 4:
			if (!route_uint(val, 0, 3600, &v))
				return route_err(err, key, "seconds 0-3600");
			h->max_wait_s = (uint16_t)v;
			break;
		case 5:
			if (strcmp(val, "yes") && strcmp(val, "no"))
				return route_err(err, key, "yes or no");
			h->announce_position = !strcmp(val, "yes");
			break;
		case 6:
		case 7:
			if (!route_name_ok(val))
				return route_err(err, key, "announcement name: 1-31 of A-Z a-z 0-9 . _ -");
			snprintf(k == 6 ? h->ann_closed : h->ann_queue, sizeof(h->ann_closed), "%s",
				 val);
			break;
		case 8:
			if (strcmp(val, "none") && !route_number_ok(val))
				return route_err(err, key, "a number or none");
			snprintf(h->overflow, sizeof(h->overflow), "%s", strcmp(val, "none") ? val : "");
			break;
		case 9:
			if (!route_uint(val, 5, 120, &v))
				return route_err(err, key, "seconds 5-120");
			h->ring_timeout_s = (uint16_t)v;
			break;
		case 10:
			if (!route_uint(val, 0, 100, &v))
				return route_err(err, key, "0 (never) to 100 calls");
			h->missed_to_pause = (uint8_t)v;
			break;
		case 11:
			if (!route_uint(val, 0, 3600, &v))
				return route_err(err, key, "seconds 0-3600");
			h->wrapup_s = (uint16_t)v;
			break;
		}
	}
	t->n_hl++;
	return 0;
}

/* NUM:SKILL[,NUM:SKILL...] */
static int route_parse_serves(struct route_table *t, struct route_adv *a, char *val,
			      struct route_parse_err *err)
{
	char *save, *item;

	for (item = strtok_r(val, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		struct route_mem *m;
		unsigned long skill;
		int hl;
		unsigned int i;

		if (!colon)
			return route_err(err, "serves", "NUMBER:SKILL, ...");
		*colon = 0;
		hl = route_hl_index(t, item);
		if (hl < 0)
			return route_err(err, "serves", "hotline %.32s not defined above", item);
		if (!route_uint(colon + 1, 1, ROUTE_SKILL_MAX, &skill))
			return route_err(err, "serves", "skill 1-%d", ROUTE_SKILL_MAX);
		for (i = 0; i < a->n_mem; i++)
			if (t->mem[a->mem_off + i].hl == hl)
				return route_err(err, "serves", "hotline %.32s twice", item);
		if (a->n_mem >= ROUTE_SERVES_PER_ADV)
			return route_err(err, "serves", "more than %d hotlines", ROUTE_SERVES_PER_ADV);
		if (t->n_mem >= ROUTE_SERVES_MAX)
			return route_err(err, "serves", "table full (%d)", ROUTE_SERVES_MAX);
		m = &t->mem[t->n_mem++];
		m->pass = 0;
		m->adv = t->n_adv;
		m->heap_pos = ROUTE_NONE;
		m->hl = (uint16_t)hl;
		m->skill = (uint8_t)skill;
		a->n_mem++;
	}
	if (!a->n_mem)
		return route_err(err, "serves", "no hotline");
	return 0;
}

static int route_parse_advisor(struct route_table *t, char *idstr, char **save,
			       struct route_parse_err *err)
{
	static const char *const keys[] = { "name", "uri", "serves", "rating", "max", "state",
					    NULL };
	struct route_adv *a;
	unsigned int mask = 0;
	unsigned long v;
	char *tok, *key, *val;
	int k, rc;

	if (!idstr || !route_uint(idstr, 1, 0xfffffffeul, &v))
		return route_err(err, "advisor", "id 1-4294967294");
	if (t->n_adv && v <= t->adv[t->n_adv - 1].id)
		return route_err(err, "advisor", "id %lu not above the previous row's %u", v,
				 t->adv[t->n_adv - 1].id);
	if (t->n_adv >= ROUTE_ADVISORS_MAX)
		return route_err(err, "advisor", "more than %d advisors", ROUTE_ADVISORS_MAX);
	a = &t->adv[t->n_adv];
	memset(a, 0, sizeof(*a));
	a->id = (uint32_t)v;
	a->mem_off = t->n_mem;
	a->rating = 100;
	a->max_calls = 1;
	a->flags = ROUTE_F_IN;
	a->name_off = ROUTE_NONE;
	a->uri_off = ROUTE_NONE;
	while ((tok = strtok_r(NULL, " \t", save))) {
		if (!route_kv(tok, &key, &val))
			goto err_kv;
		for (k = 0; keys[k] && strcmp(keys[k], key); k++)
			;
		if (!keys[k]) {
			rc = route_err(err, key, "unknown field");
			goto err;
		}
		rc = route_seen(&mask, k, err, key);
		if (rc < 0)
			goto err;
		switch (k) {
		case 0:
		case 1:
			if (k == 0 ? !route_name_ok(val) : !route_uri_ok(val)) {
				rc = route_err(err, key, k == 0 ? "1-31 of A-Z a-z 0-9 . _ -" :
						 "sip:user@host[:port], printable, < 128");
				goto err;
			}
			if (route_str_add(t, val, k == 0 ? &a->name_off : &a->uri_off) < 0) {
				rc = route_err(err, key, "string space full (%d octets)",
					       ROUTE_STRINGS_SIZE);
				goto err;
			}
			break;
		case 2:
			rc = route_parse_serves(t, a, val, err);
			if (rc < 0)
				goto err;
			break;
		case 3:
			if (!route_rating(val, &a->rating)) {
				rc = route_err(err, key, "0.01-5.00");
				goto err;
			}
			break;
		case 4:
			if (!route_uint(val, 1, ROUTE_MAX_CALLS, &v)) {
				rc = route_err(err, key, "1-%d calls", ROUTE_MAX_CALLS);
				goto err;
			}
			a->max_calls = (uint8_t)v;
			break;
		case 5:
			if (!strcmp(val, "in"))
				a->flags = ROUTE_F_IN;
			else if (!strcmp(val, "out"))
				a->flags = 0;
			else if (!strcmp(val, "paused"))
				a->flags = ROUTE_F_IN | ROUTE_F_PAUSED;
			else {
				rc = route_err(err, key, "in, out or paused");
				goto err;
			}
			break;
		}
	}
	if (a->uri_off == ROUTE_NONE) {
		rc = route_err(err, "uri", "missing");
		goto err;
	}
	if (!a->n_mem) {
		rc = route_err(err, "serves", "missing");
		goto err;
	}
	if (a->name_off == ROUTE_NONE)
		a->name_off = a->uri_off + 4; /* the URI without sip: */
	for (k = 0; k < a->n_mem; k++)
		t->hl[t->mem[a->mem_off + k].hl].info.n_serving++;
	t->n_adv++;
	return 0;

err_kv:
	rc = route_err(err, tok, "expected key=value");
err:
	t->n_mem = a->mem_off; /* drop what this row added */
	return rc;
}

void route_parse_reset(struct route_table *t)
{
	t->n_hl = t->n_adv = t->n_mem = t->str_len = 0;
}

int route_parse_line(struct route_table *t, char *line, struct route_parse_err *err)
{
	char *save, *kind;
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = 0;
	kind = strtok_r(line, " \t", &save);
	if (!kind || *kind == '#')
		return 0;
	if (!strcmp(kind, "hotline"))
		return route_parse_hotline(t, strtok_r(NULL, " \t", &save), &save, err);
	if (!strcmp(kind, "advisor"))
		return route_parse_advisor(t, strtok_r(NULL, " \t", &save), &save, err);
	return route_err(err, kind, "not a row kind (hotline, advisor)");
}

int route_parse_finish(struct route_table *t, struct route_parse_err *err)
{
	uint32_t i, off = 0;

	if (!t->n_hl)
		return route_err(err, "table", "no hotline");
	for (i = 0; i < t->n_hl; i++) {
		t->hl[i].heap_off = off;
		t->hl[i].info.n_eligible = 0;
		t->hl[i].vt = 0;
		off += t->hl[i].info.n_serving;
	}
	return 0;
}
