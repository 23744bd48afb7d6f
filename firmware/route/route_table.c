// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The two table buffers and their lookups, the pointer flip that makes a new table active,
 * opening hours, and the route subsystem (wrap-up timers and table loads in the main loop).
 */
#include <errno.h>
#include <string.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/route.h>
#include <hlgw/subsys.h>

#include "route_int.h"

/* Static arena: the active table and the spare one that the next load fills. */
static struct route_table route_buf[2];
struct route_table *route_active;
static uint32_t route_gen;

struct route_table *route_spare(void)
{
	return route_active == &route_buf[0] ? &route_buf[1] : &route_buf[0];
}

void route_table_flip(struct route_table *t)
{
	t->gen = ++route_gen ? route_gen : ++route_gen;
	route_active = t;
}

int route_adv_index(const struct route_table *t, uint32_t id)
{
	uint32_t lo = 0, hi = t ? t->n_adv : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->adv[mid].id == id)
			return (int)mid;
		if (t->adv[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -ENOENT;
}

int route_hl_index(const struct route_table *t, const char *number)
{
	uint32_t i;

	for (i = 0; t && number && i < t->n_hl; i++)
		if (!strcmp(t->hl[i].info.number, number))
			return (int)i;
	return -ENOENT;
}

bool route_has_hotline(const char *number)
{
	return route_hl_index(route_active, number) >= 0;
}

/* ---- console lookups --------------------------------------------------------------------- */

int route_hotline_get(unsigned int idx, struct route_hotline_info *info)
{
	if (!route_active || idx >= route_active->n_hl || !info)
		return -ENOENT;
	*info = route_active->hl[idx].info;
	return 0;
}

int route_hotline_find(const char *number, struct route_hotline_info *info)
{
	int i = route_hl_index(route_active, number);

	return i < 0 ? -ENOENT : route_hotline_get((unsigned int)i, info);
}

int route_advisor_get(unsigned int idx, struct route_advisor_info *info)
{
	const struct route_table *t = route_active;
	const struct route_adv *a;
	uint32_t i;

	if (!t || idx >= t->n_adv || !info)
		return -ENOENT;
	a = &t->adv[idx];
	memset(info, 0, sizeof(*info));
	info->id = a->id;
	strncpy(info->name, route_str(t, a->name_off), sizeof(info->name) - 1);
	strncpy(info->uri, route_str(t, a->uri_off), sizeof(info->uri) - 1);
	info->rating = a->rating;
	info->max_calls = a->max_calls;
	info->active = a->active;
	info->missed = a->missed;
	if (!(a->flags & ROUTE_F_IN))
		info->state = ROUTE_ADV_OUT;
	else if (a->flags & ROUTE_F_PAUSED)
		info->state = ROUTE_ADV_PAUSED;
	else if (a->flags & ROUTE_F_AUTOPAUSED)
		info->state = ROUTE_ADV_AUTOPAUSED;
	else
		info->state = ROUTE_ADV_IN;
	info->wrapup = a->flags & ROUTE_F_WRAPUP;
	if (info->wrapup) {
		int32_t left = (int32_t)(a->wrap_until_ms - board_time_ms());

		info->wrapup_left_ms = left > 0 ? (uint32_t)left : 0;
	}
	info->reachable = !(a->flags & ROUTE_F_UNREACH);
	info->offered = a->offered;
	info->answered = a->answered;
	info->n_serves = a->n_mem;
	for (i = 0; i < a->n_mem; i++) {
		const struct route_mem *m = &t->mem[a->mem_off + i];

		memcpy(info->serves[i].number, t->hl[m->hl].info.number, ROUTE_NUM_MAX + 1);
		info->serves[i].skill = m->skill;
		info->serves[i].pass = m->pass;
	}
	return 0;
}

int route_advisor_find(uint32_t id, struct route_advisor_info *info)
{
	int i = route_adv_index(route_active, id);

	return i < 0 ? -ENOENT : route_advisor_get((unsigned int)i, info);
}

/* ---- opening hours ----------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
static int64_t route_days(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int64_t route_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* UTC seconds of the last Sunday of month m at 01:00 UTC. */
static int64_t route_last_sunday(int64_t y, unsigned int m)
{
	int64_t last = route_days(y, m + 1, 1) - 1; /* m is 3 or 10 */
	int64_t wd = ((last + 3) % 7 + 7) % 7;	     /* 0 Monday .. 6 Sunday */

	return (last - (wd + 1) % 7) * 86400 + 3600;
}

bool route_hours_open(const struct route_hours *h, int64_t utc_s)
{
	int64_t local = utc_s + (int64_t)h->tz_min * 60, days, y;
	unsigned int wd, min;

	if (h->tz_eu) {
		/* the year of the UTC date is close enough: the switches are in spring/autumn */
		y = 1970 + route_floor_div(utc_s, 31556952);
		if (route_days(y + 1, 1, 1) * 86400 <= utc_s)
			y++;
		else if (route_days(y, 1, 1) * 86400 > utc_s)
			y--;
		if (utc_s >= route_last_sunday(y, 3) && utc_s < route_last_sunday(y, 10))
			local += 3600;
	}
	days = route_floor_div(local, 86400);
	wd = (unsigned int)(((days + 3) % 7 + 7) % 7);
	min = (unsigned int)((local - days * 86400) / 60);
	return min >= h->open[wd] && min < h->close[wd];
}
