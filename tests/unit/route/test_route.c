// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firmware/route: table parser and validator (each kind of bad row named), swap while calls
 * hold picks, persistence with a power cut at every octet of a table write, the selection
 * order against the documented rule (a hand-worked sequence and a reference model over random
 * call sequences), auto-pause, wrap-up and call limits. Fake clock, RAM sim flash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hlgw/bfile.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/route.h>
#include <hlgw/subsys.h>

#include "../../../drivers/flash/flash_sim.h"
#include "../../../firmware/route/route_int.h"

static uint64_t now_us = 1000000;
static struct flash_dev flash;
static struct board board = { .name = "test" };

uint64_t board_time_us(void)
{
	return now_us;
}

void board_log_write(const char *b, int len)
{
}

void sip_ka_set_cb(sip_ka_cb cb, void *arg)
{
}

/* keep-alive targets the route module adds (OPTIONS probes of unreachable advisors) */
static char ka_targets[SIP_KA_MAX][SIP_URI_MAX];
static unsigned int ka_added, ka_removed;

int sip_ka_add(const char *uri)
{
	unsigned int i;

	for (i = 0; i < SIP_KA_MAX; i++)
		if (!ka_targets[i][0]) {
			snprintf(ka_targets[i], SIP_URI_MAX, "%s", uri);
			ka_added++;
			return 0;
		}
	return -ENOSPC;
}

int sip_ka_remove(const char *uri)
{
	unsigned int i;

	for (i = 0; i < SIP_KA_MAX; i++)
		if (!strcmp(ka_targets[i], uri)) {
			ka_targets[i][0] = 0;
			ka_removed++;
			return 0;
		}
	return -ENOENT;
}

int board_file_open_read(uint32_t *size, const char *path)
{
	return -ENOTSUP;
}

int board_file_read(int fh, void *buf, unsigned int len)
{
	return -ENOTSUP;
}

int board_file_close(int fh)
{
	return 0;
}

static void reboot(void)
{
	assert_int_equal(route_subsys.init(&board), 0);
}

static int setup(void **state)
{
	memset(ka_targets, 0, sizeof(ka_targets));
	ka_added = ka_removed = 0;
	assert_int_equal(flash_sim_init(&flash, NULL, -1), 0);
	board.flash = &flash;
	reboot();
	return 0;
}

static int teardown(void **state)
{
	flash_sim_exit(&flash);
	return 0;
}

static int load(const char *text, bool persist)
{
	assert_int_equal(route_load_text(text, strlen(text), persist), 0);
	return route_load_finish();
}

static void advance_ms(uint32_t ms)
{
	now_us += ms * 1000ull;
	route_subsys.work();
}

static const char table_a[] =
	"# two hotlines\n"
	"hotline 0800100 name=Tax hours=mo-fr/08:00-18:00,sa/09:00-12:00 tz=+01:00/eu "
	"queue=answer maxwait=300 position=yes closed=closed_tax queue-ann=wait_tax "
	"overflow=0800999 ring=20 missed=2 wrapup=10\n"
	"hotline 0800200 name=Law\n"
	"\n"
	"advisor 1 name=Ann uri=sip:ann@198.18.0.10 serves=0800100:1 rating=1.00 max=1\n"
	"advisor 2 name=Bob uri=sip:bob@198.18.0.11 serves=0800100:1,0800200:2 rating=2 max=1\n"
	"advisor 3 name=Cy uri=sip:cy@198.18.0.12:5070 serves=0800100:2 rating=1.0\n"
	"advisor 7 uri=sip:dee@198.18.0.13 serves=0800200:1 rating=4.5 max=2 state=paused\r\n"
	"advisor 9 name=Eve uri=sip:eve@198.18.0.14 serves=0800200:1 state=out";

static void test_parse_good(void **state)
{
	struct route_load_status st;
	struct route_hotline_info h;
	struct route_advisor_info a;

	assert_int_equal(load(table_a, true), 0);
	route_load_status(&st);
	assert_int_equal(st.hotlines, 2);
	assert_int_equal(st.advisors, 5);
	assert_int_equal(st.serves, 6);
	assert_int_equal(st.lines, 9);
	assert_true(st.persisted);
	assert_int_equal(st.flash_seq, 1);
	assert_int_equal(route_hotline_find("0800100", &h), 0);
	assert_string_equal(h.name, "Tax");
	assert_int_equal(h.queue, ROUTE_QUEUE_ANSWER);
	assert_int_equal(h.max_wait_s, 300);
	assert_true(h.announce_position);
	assert_string_equal(h.ann_closed, "closed_tax");
	assert_string_equal(h.ann_queue, "wait_tax");
	assert_string_equal(h.overflow, "0800999");
	assert_int_equal(h.ring_timeout_s, 20);
	assert_int_equal(h.missed_to_pause, 2);
	assert_int_equal(h.wrapup_s, 10);
	assert_int_equal(h.hours.open[0], 8 * 60);
	assert_int_equal(h.hours.close[4], 18 * 60);
	assert_int_equal(h.hours.open[5], 9 * 60);
	assert_int_equal(h.hours.open[6], h.hours.close[6]);
	assert_int_equal(h.hours.tz_min, 60);
	assert_true(h.hours.tz_eu);
	assert_int_equal(h.n_serving, 3);
	assert_int_equal(h.n_eligible, 3);
	assert_int_equal(route_hotline_find("0800200", &h), 0);
	assert_int_equal(h.ring_timeout_s, 30);
	assert_string_equal(h.overflow, "");
	assert_int_equal(h.n_serving, 3);
	assert_int_equal(h.n_eligible, 1); /* 7 paused, 9 logged out */
	assert_int_equal(route_advisor_find(7, &a), 0);
	assert_string_equal(a.name, "dee@198.18.0.13"); /* no name: the URI's */
	assert_string_equal(a.uri, "sip:dee@198.18.0.13");
	assert_int_equal(a.rating, 450);
	assert_int_equal(a.max_calls, 2);
	assert_int_equal(a.state, ROUTE_ADV_PAUSED);
	assert_int_equal(route_advisor_find(3, &a), 0);
	assert_int_equal(a.rating, 100);
	assert_int_equal(a.serves[0].skill, 2);
	assert_int_equal(route_advisor_find(9, &a), 0);
	assert_int_equal(a.state, ROUTE_ADV_OUT);
	assert_int_equal(a.rating, 100);
	assert_int_equal(route_advisor_find(4, &a), -ENOENT);
}

struct bad_row {
	const char *row;
	const char *field, *reason; /* reason: a prefix */
};

static void test_parse_bad_rows(void **state)
{
	static const struct bad_row bad[] = {
		{ "hotline 08001x0", "hotline", "number" },
		{ "hotline 0800100", "hotline", "0800100 defined twice" },
		{ "hotline 0800300 hours=mo-fr/18:00-08:00", "hours", "always|closed" },
		{ "hotline 0800300 hours=xx/08:00-18:00", "hours", "always|closed" },
		{ "hotline 0800300 hours=mo-fr/08:00-18:00,fr/09:00-10:00", "hours", "always" },
		{ "hotline 0800300 tz=+15:00", "tz", "+HH:MM" },
		{ "hotline 0800300 tz=CET", "tz", "+HH:MM" },
		{ "hotline 0800300 queue=hold", "queue", "answer or alerting" },
		{ "hotline 0800300 ring=2", "ring", "seconds 5-120" },
		{ "hotline 0800300 overflow=abc", "overflow", "a number or none" },
		{ "hotline 0800300 name=a\"b", "name", "1-31" },
		{ "hotline 0800300 colour=blue", "colour", "unknown field" },
		{ "hotline 0800300 ring=20 ring=30", "ring", "given twice" },
		{ "hotline 0800300 ring", "ring", "expected key=value" },
		{ "advisor 10 uri=sip:x@198.18.0.1", "serves", "missing" },
		{ "advisor 10 serves=0800100:1", "uri", "missing" },
		{ "advisor 10 uri=http://x serves=0800100:1", "uri", "sip:" },
		{ "advisor 10 uri=sip:x@h<evil> serves=0800100:1", "uri", "sip:" },
		{ "advisor 10 uri=sip:x@h serves=0800555:1", "serves", "hotline 0800555 not def" },
		{ "advisor 10 uri=sip:x@h serves=0800100:0", "serves", "skill 1-9" },
		{ "advisor 10 uri=sip:x@h serves=0800100:1,0800100:2", "serves", "hotline 0800100 twice" },
		{ "advisor 10 uri=sip:x@h serves=0800100:1 rating=0", "rating", "0.01-5.00" },
		{ "advisor 10 uri=sip:x@h serves=0800100:1 rating=5.5", "rating", "0.01-5.00" },
		{ "advisor 10 uri=sip:x@h serves=0800100:1 rating=4.555", "rating", "0.01-5.00" },
		{ "advisor 10 uri=sip:x@h serves=0800100:1 max=9", "max", "1-8 calls" },
		{ "advisor 10 uri=sip:x@h serves=0800100:1 state=away", "state", "in, out" },
		{ "advisor 0 uri=sip:x@h serves=0800100:1", "advisor", "id 1-" },
		{ "advisor 9 uri=sip:x@h serves=0800100:1", "advisor", "id 9 not above" },
		{ "route 0800100", "route", "not a row kind" },
	};
	char text[2048];
	struct route_load_status st;
	unsigned int i;

	assert_int_equal(load(table_a, true), 0);
	route_load_status(&st);
	uint32_t gen = st.gen;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s\n%s\nadvisor 100 uri=sip:z@h serves=0800100:1\n",
			 table_a, bad[i].row);
		assert_int_equal(load(text, true), -EINVAL);
		route_load_status(&st);
		if (strcmp(st.err_field, bad[i].field) ||
		    strncmp(st.err_reason, bad[i].reason, strlen(bad[i].reason)) ||
		    st.err_line != 10)
			fail_msg("row '%s': line %u field '%s' reason '%s'", bad[i].row, st.err_line,
				 st.err_field, st.err_reason);
		/* the old table stays, in RAM and in flash */
		assert_int_equal(st.gen, gen);
		assert_int_equal(st.advisors, 5);
		assert_int_equal(st.flash_seq, 1);
	}
	/* a row too long, a control character, an empty table */
	memset(text, 'x', sizeof(text));
	memcpy(text, "hotline 1 name=", 15);
	text[sizeof(text) - 1] = 0;
	assert_int_equal(load(text, false), -EINVAL);
	route_load_status(&st);
	assert_string_equal(st.err_field, "line");
	assert_int_equal(load("hotline 1\nhotline 2 name=a\001b\n", false), -EINVAL);
	route_load_status(&st);
	assert_int_equal(st.err_line, 2);
	assert_string_equal(st.err_reason, "control character");
	assert_int_equal(load("# nothing\n", false), -EINVAL);
	route_load_status(&st);
	assert_string_equal(st.err_field, "table");
	assert_int_equal(st.gen, gen);
	/* after a restart the saved table is the active one */
	reboot();
	route_load_status(&st);
	assert_int_equal(st.advisors, 5);
	assert_int_equal(st.flash_seq, 1);
	/* a rejected load leaves a half-written copy: the next good save starts afresh */
	snprintf(text, sizeof(text), "%s\nadvisor 99 uri=sip:y serves=0800100:1 max=0\n", table_a);
	assert_int_equal(load(text, true), -EINVAL);
	snprintf(text, sizeof(text), "%s\nadvisor 100 uri=sip:z@h serves=0800100:1\n", table_a);
	assert_int_equal(load(text, true), 0);
	reboot();
	route_load_status(&st);
	assert_int_equal(st.result, 0);
	assert_int_equal(st.advisors, 6);
	assert_int_equal(st.flash_seq, 2);
}

/* Mutated tables (bytes flipped, cut, duplicated, random printable runs): each load ends in
 * accepted or rejected-with-a-line, never a crash, and a rejected one leaves the table. */
static void test_parse_fuzz(void **state)
{
	static char text[4096];
	struct route_load_status st;
	unsigned int i, k, accepted = 0, rejected = 0;
	size_t base = strlen(table_a), n;

	srand(7);
	assert_int_equal(load(table_a, false), 0);
	for (i = 0; i < 3000; i++) {
		memcpy(text, table_a, base);
		n = base;
		for (k = 0; k < 1 + (unsigned)rand() % 6; k++) {
			size_t at = (size_t)rand() % n;

			switch (rand() % 4) {
			case 0: /* flip a byte to anything but NUL */
				text[at] = (char)(1 + rand() % 255);
				break;
			case 1: /* cut */
				n = at;
				break;
			case 2: /* duplicate a run */
				if (n + 64 < sizeof(text)) {
					memmove(text + at + 64, text + at, n - at);
					n += 64;
				}
				break;
			default: /* printable noise */
				text[at] = (char)(0x20 + rand() % 95);
				break;
			}
			if (!n)
				n = 1, text[0] = 'h';
		}
		text[n] = 0;
		assert_int_equal(route_load_text(text, n, false), 0);
		switch (route_load_finish()) {
		case 0:
			accepted++;
			break;
		case -EINVAL:
			rejected++;
			route_load_status(&st);
			assert_true(st.err_line >= 1 && st.err_line <= 200);
			assert_true(st.err_field[0] && st.err_reason[0]);
			break;
		default:
			fail_msg("load %u: unexpected result", i);
		}
	}
	print_message("  %u mutated tables: %u accepted, %u rejected\n", i, accepted, rejected);
	assert_true(rejected > 1000);
}

static void test_hours(void **state)
{
	struct route_hours h;
	/* 2026-11-23 was a Monday; 2026-03-29 and 2026-10-25 are the EU switch Sundays */
	const int64_t mon_nov = 1795392000; /* 2026-11-23 00:00 UTC */
	const int64_t mon_jul = 1784505600; /* 2026-07-20 00:00 UTC */

	memset(&h, 0, sizeof(h));
	h.open[0] = 8 * 60, h.close[0] = 18 * 60;
	h.tz_min = 60;
	h.tz_eu = true;
	/* winter: CET = UTC+1: 07:00 UTC is 08:00 local */
	assert_false(route_hours_open(&h, mon_nov + 6 * 3600 + 59 * 60));
	assert_true(route_hours_open(&h, mon_nov + 7 * 3600));
	assert_true(route_hours_open(&h, mon_nov + 16 * 3600 + 59 * 60));
	assert_false(route_hours_open(&h, mon_nov + 17 * 3600));
	/* summer: CEST = UTC+2: 06:00 UTC is 08:00 local */
	assert_true(route_hours_open(&h, mon_jul + 6 * 3600));
	assert_false(route_hours_open(&h, mon_jul + 16 * 3600));
	/* Tuesday: closed */
	assert_false(route_hours_open(&h, mon_nov + 86400 + 10 * 3600));
	/* without the EU rule, July is UTC+1 too */
	h.tz_eu = false;
	assert_false(route_hours_open(&h, mon_jul + 6 * 3600 + 30 * 60));
	/* a negative offset moves the day: Monday 02:00 UTC is Sunday 21:00 at -05:00 */
	h.tz_min = -300;
	h.open[6] = 20 * 60, h.close[6] = 22 * 60;
	assert_true(route_hours_open(&h, mon_nov + 2 * 3600));
}

/* ---- selection --------------------------------------------------------------------------- */

static uint32_t pick_id(const char *hl, const struct route_tried *tried, struct route_pick *p)
{
	struct route_pick tmp;

	if (!p)
		p = &tmp;
	if (route_select(p, hl, tried, 1) < 0)
		return 0;
	return p->id;
}

/* One answered call that ends at once (hotline 0800200 has no wrap-up). */
static uint32_t call_answered(const char *hl)
{
	struct route_pick p;
	uint32_t id = pick_id(hl, NULL, &p);

	if (id) {
		route_outcome(&p, ROUTE_OUT_ANSWERED, 1);
		advance_ms(1);
		route_outcome(&p, ROUTE_OUT_ENDED, 1);
	}
	advance_ms(1);
	return id;
}

static void test_select_worked_example(void **state)
{
	/*
	 * README's worked example. Strides: A (1.00 x 1) 42949672, B (2.00 x 1) and C (1.00 x 2)
	 * 21474836. All passes 0 and nobody idle longer: the ids decide (A B C); then B and C
	 * (21474836, B idle longer), then all three at 42949672 (A idle longest): A B C again.
	 */
	static const uint32_t expect[] = { 1, 2, 3, 2, 3, 1, 2, 3, 2, 3, 1, 2, 3, 2, 3 };
	const char *t = "hotline 0800200 wrapup=0\n"
			"advisor 1 uri=sip:a@198.18.0.10 serves=0800200:1 rating=1.00\n"
			"advisor 2 uri=sip:b@198.18.0.11 serves=0800200:1 rating=2.00\n"
			"advisor 3 uri=sip:c@198.18.0.12 serves=0800200:2 rating=1.00\n"
			"advisor 4 uri=sip:d@198.18.0.13 serves=0800200:1 rating=1.00 state=out\n";
	struct route_advisor_info a;
	struct route_decision d;
	unsigned int i;

	assert_int_equal(load(t, false), 0);
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		assert_int_equal(call_answered("0800200"), expect[i]);
	/* 4 logs in late: raised to the virtual time, not a run of catch-up calls */
	assert_int_equal(route_advisor_cmd(4, ROUTE_CMD_LOGIN), 0);
	assert_int_equal(route_advisor_find(4, &a), 0);
	assert_int_equal(a.serves[0].pass, 5ull * 21474836); /* C's pass at the last choice */
	for (i = 0, a.offered = 0; i < 10; i++)
		call_answered("0800200");
	assert_int_equal(route_advisor_find(4, &a), 0);
	assert_in_range(a.offered, 1, 3);
	/* the decision log has the reason */
	assert_int_equal(route_decision_get(0, &d), 0);
	assert_string_equal(d.text, "call ended: free");
	assert_int_equal(route_decision_get(2, &d), 0);
	assert_memory_equal(d.text, "chosen: pass ", 13);
}

/*
 * Reference model: the rule as README states it, by a scan over all advisors. Random
 * sequences of selections and outcomes (busy, no answer, answered/ended, pause/resume) must
 * give the same choices as the heaps.
 */
#define REF_N 40
struct ref_adv {
	uint32_t id;
	unsigned int rating, skill, max, active, missed;
	bool in, paused, autopaused, wrap;
	uint32_t wrap_until, idle;
	uint64_t pass;
	bool in_heap;
};
static struct ref_adv ref[REF_N];
static uint64_t ref_vt;

static bool ref_eligible(const struct ref_adv *r)
{
	return r->in && !r->paused && !r->autopaused && !r->wrap && r->active < r->max;
}

static void ref_refresh(void)
{
	unsigned int i;

	for (i = 0; i < REF_N; i++) {
		bool el = ref_eligible(&ref[i]);

		if (el && !ref[i].in_heap && ref[i].pass < ref_vt)
			ref[i].pass = ref_vt;
		ref[i].in_heap = el;
	}
}

static int ref_select(const struct route_tried *tried)
{
	int best = -1;
	unsigned int i, k;

	for (i = 0; i < REF_N; i++) {
		struct ref_adv *r = &ref[i];
		bool skip = false;

		if (!r->in_heap)
			continue;
		for (k = 0; tried && k < tried->n; k++)
			skip |= tried->id[k] == r->id;
		if (skip)
			continue;
		if (best < 0 || r->pass < ref[best].pass ||
		    (r->pass == ref[best].pass && ((int32_t)(r->idle - ref[best].idle) < 0 ||
						   (r->idle == ref[best].idle && r->id < ref[best].id))))
			best = (int)i;
	}
	if (best >= 0) {
		ref_vt = ref[best].pass;
		ref[best].pass += ROUTE_STRIDE1 / ((uint64_t)ref[best].rating * ref[best].skill);
		ref[best].active++;
		ref_refresh();
	}
	return best;
}

static void test_select_reference_model(void **state)
{
	static char text[8192];
	struct route_pick picks[64];
	int ref_of[64];
	unsigned int n_open = 0, i, step, checked = 0;
	size_t n;

	srand(4);
	n = (size_t)snprintf(text, sizeof(text), "hotline 0800100 missed=3 wrapup=5\n");
	for (i = 0; i < REF_N; i++) {
		ref[i] = (struct ref_adv){ .id = 10 + i * 3, .rating = 1 + (unsigned)rand() % 500,
					   .skill = 1 + (unsigned)rand() % 9,
					   .max = 1 + (unsigned)rand() % 3, .in = rand() % 8 != 0 };
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "advisor %u uri=sip:a%u@198.18.0.20 serves=0800100:%u "
				      "rating=%u.%02u max=%u state=%s\n", ref[i].id, i, ref[i].skill,
				      ref[i].rating / 100, ref[i].rating % 100, ref[i].max,
				      ref[i].in ? "in" : "out");
	}
	ref_vt = 0;
	ref_refresh();
	assert_int_equal(load(text, false), 0);

	for (step = 0; step < 3000; step++) {
		int r = rand() % 10;

		if ((r < 5 || !n_open) && n_open < 64) {
			struct route_tried tried = { .n = 0 };
			int want;
			uint32_t got;

			/* a call that already tried one or two advisors, sometimes */
			while (rand() % 4 == 0 && tried.n < 2)
				tried.id[tried.n++] = ref[rand() % REF_N].id;
			want = ref_select(&tried);
			got = pick_id("0800100", &tried, &picks[n_open]);
			assert_int_equal(got, want < 0 ? 0 : ref[want].id);
			checked++;
			if (want >= 0)
				ref_of[n_open++] = want;
		} else if (r < 9 && n_open) {
			unsigned int k = (unsigned)rand() % n_open;
			struct ref_adv *a = &ref[ref_of[k]];
			int o = rand() % 4;

			a->active--;
			if (o == 0) {
				route_outcome(&picks[k], ROUTE_OUT_BUSY, 1);
			} else if (o == 1) {
				route_outcome(&picks[k], ROUTE_OUT_NOANSWER, 1);
				if (++a->missed >= 3)
					a->autopaused = true;
			} else {
				route_outcome(&picks[k], ROUTE_OUT_ANSWERED, 1);
				route_outcome(&picks[k], ROUTE_OUT_ENDED, 1);
				a->missed = 0;
				a->wrap = true;
				a->wrap_until = (uint32_t)(now_us / 1000) + 5000;
			}
			ref_refresh();
			picks[k] = picks[n_open - 1];
			ref_of[k] = ref_of[--n_open];
		} else {
			/* time passes: wrap-ups end; somebody resumes */
			unsigned int ms = 1 + (unsigned)rand() % 3000;
			uint32_t t;

			now_us += ms * 1000ull;
			t = (uint32_t)(now_us / 1000);
			route_subsys.work();
			for (i = 0; i < REF_N; i++)
				if (ref[i].wrap && (int32_t)(ref[i].wrap_until - t) <= 0) {
					ref[i].wrap = false;
					ref[i].idle = t;
				}
			i = (unsigned)rand() % REF_N;
			if (ref[i].autopaused) {
				route_advisor_cmd(ref[i].id, ROUTE_CMD_RESUME);
				ref[i].autopaused = false;
				ref[i].missed = 0;
			}
			ref_refresh();
		}
	}
	print_message("  %u decisions matched the reference model\n", checked);
}

static void test_autopause_wrapup_limits(void **state)
{
	const char *t = "hotline 0800100 missed=2 wrapup=10\n"
			"advisor 1 uri=sip:a@198.18.0.10 serves=0800100:1 rating=5\n"
			"advisor 2 uri=sip:b@198.18.0.11 serves=0800100:1 rating=0.01 max=2 "
			"state=paused\n";
	struct route_tried tried = { .n = 0 };
	struct route_advisor_info a;
	struct route_pick p1, p2, p3;

	assert_int_equal(load(t, false), 0);
	/* two missed calls in a row: auto-paused */
	assert_int_equal(pick_id("0800100", NULL, &p1), 1);
	route_outcome(&p1, ROUTE_OUT_NOANSWER, 1);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_int_equal(a.missed, 1);
	assert_int_equal(a.state, ROUTE_ADV_IN);
	assert_int_equal(pick_id("0800100", NULL, &p1), 1);
	route_outcome(&p1, ROUTE_OUT_UNREACHABLE, 1);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_int_equal(a.state, ROUTE_ADV_AUTOPAUSED);
	assert_int_equal(pick_id("0800100", NULL, NULL), 0);
	assert_int_equal(route_advisor_cmd(2, ROUTE_CMD_RESUME), 0);
	/* busy is no fault: 2 is not paused by it */
	assert_int_equal(pick_id("0800100", NULL, &p2), 2);
	route_outcome(&p2, ROUTE_OUT_BUSY, 1);
	assert_int_equal(route_advisor_find(2, &a), 0);
	assert_int_equal(a.missed, 0);
	/* call limit: 2 takes two calls at once, not three */
	assert_int_equal(pick_id("0800100", NULL, &p2), 2);
	assert_int_equal(pick_id("0800100", NULL, &p3), 2);
	assert_int_equal(pick_id("0800100", NULL, NULL), 0);
	route_outcome(&p3, ROUTE_OUT_FAILED, 1);
	/* the call that tried 2 already gets nobody */
	tried.id[tried.n++] = 2;
	assert_int_equal(pick_id("0800100", &tried, NULL), 0);
	route_outcome(&p2, ROUTE_OUT_ANSWERED, 1);
	route_outcome(&p2, ROUTE_OUT_ENDED, 1);
	/* wrap-up: 10 s without calls, then free */
	assert_int_equal(route_advisor_find(2, &a), 0);
	assert_true(a.wrapup);
	assert_int_equal(pick_id("0800100", NULL, NULL), 0);
	advance_ms(9999);
	assert_int_equal(pick_id("0800100", NULL, NULL), 0);
	advance_ms(1);
	assert_int_equal(route_advisor_find(2, &a), 0);
	assert_false(a.wrapup);
	assert_int_equal(pick_id("0800100", NULL, &p2), 2);
	route_outcome(&p2, ROUTE_OUT_FAILED, 1);
	/* resume by hand ends the auto-pause; 1 did not respond the last time: it waits for its
	 * OPTIONS probe to be answered */
	assert_int_equal(route_advisor_cmd(1, ROUTE_CMD_RESUME), 0);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_false(a.reachable);
	assert_string_equal(ka_targets[0], "sip:a@198.18.0.10");
	assert_int_equal(pick_id("0800100", NULL, &p2), 2);
	route_outcome(&p2, ROUTE_OUT_FAILED, 1);
	route_advisor_reachable("sip:a@198.18.0.10", true);
	assert_int_equal(pick_id("0800100", NULL, &p1), 1);
	route_outcome(&p1, ROUTE_OUT_FAILED, 1);
	assert_int_equal(route_advisor_cmd(1, ROUTE_CMD_PAUSE), 0);
	assert_int_equal(pick_id("0800100", NULL, &p2), 2);
	assert_int_equal(route_advisor_cmd(99, ROUTE_CMD_PAUSE), -ENOENT);
	/* unreachable by keep-alive */
	route_outcome(&p2, ROUTE_OUT_FAILED, 1);
	route_advisor_reachable("sip:b@198.18.0.11", false);
	assert_int_equal(pick_id("0800100", NULL, NULL), 0);
	route_advisor_reachable("sip:b@198.18.0.11", true);
	assert_int_equal(pick_id("0800100", NULL, NULL), 2);
}

/* An advisor that does not respond is probed with OPTIONS and skipped until it answers; the
 * probe is dropped then (from the main loop, not inside the keep-alive's callback). */
static void test_unreachable_probe(void **state)
{
	const char *t = "hotline 0800100 missed=0\n"
			"advisor 1 uri=sip:a@198.18.0.10 serves=0800100:1 rating=5\n"
			"advisor 2 uri=sip:b@198.18.0.11 serves=0800100:1 rating=1\n";
	struct route_advisor_info a;
	struct route_decision d;
	struct route_pick p;
	unsigned int i;

	assert_int_equal(load(t, false), 0);
	assert_int_equal(pick_id("0800100", NULL, &p), 1);
	route_outcome(&p, ROUTE_OUT_UNREACHABLE, 7);
	assert_int_equal(route_decision_get(0, &d), 0);
	assert_string_equal(d.text, "unreachable, OPTIONS probe (missed 1 in a row): next candidate");
	assert_int_equal(ka_added, 1);
	assert_string_equal(ka_targets[0], "sip:a@198.18.0.10");
	/* 1 has the lower pass (rating 5) but is skipped while unreachable */
	for (i = 0; i < 3; i++) {
		assert_int_equal(pick_id("0800100", NULL, &p), 2);
		route_outcome(&p, ROUTE_OUT_FAILED, 7);
	}
	/* the probe says down: still out; up: back, and the probe goes at the next loop turn */
	route_probe_state("sip:a@198.18.0.10", SIP_KA_DOWN);
	assert_int_equal(pick_id("0800100", NULL, &p), 2);
	route_outcome(&p, ROUTE_OUT_FAILED, 7);
	route_probe_state("sip:a@198.18.0.10", SIP_KA_UP);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_true(a.reachable);
	assert_int_equal(ka_removed, 0);
	advance_ms(1);
	assert_int_equal(ka_removed, 1);
	assert_string_equal(ka_targets[0], "");
	assert_int_equal(pick_id("0800100", NULL, &p), 1);
	route_outcome(&p, ROUTE_OUT_FAILED, 7);
	/* no keep-alive slot free: not marked, only the miss counts */
	for (i = 0; i < SIP_KA_MAX; i++)
		snprintf(ka_targets[i], SIP_URI_MAX, "sip:other%u@198.18.0.99", i);
	assert_int_equal(pick_id("0800100", NULL, &p), 1);
	route_outcome(&p, ROUTE_OUT_UNREACHABLE, 7);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_true(a.reachable);
	assert_int_equal(a.missed, 2); /* no answer in between */
}

/* A new table while 10 calls are up: their advisors stay busy, their outcomes still land
 * (found by id), only new decisions use the new table; state changes during a sliced load
 * are carried over. */
static void test_swap_during_calls(void **state)
{
	static char t1[8192], t2[8192];
	struct route_pick p[10], q;
	struct route_advisor_info a;
	struct route_load_status st;
	size_t n1 = 0, n2 = 0;
	unsigned int i;

	n1 += (size_t)snprintf(t1, sizeof(t1), "hotline 0800100 wrapup=0\n");
	n2 += (size_t)snprintf(t2, sizeof(t2), "hotline 0800100 wrapup=0\nhotline 0800300\n");
	for (i = 1; i <= 30; i++) {
		n1 += (size_t)snprintf(t1 + n1, sizeof(t1) - n1,
				       "advisor %u uri=sip:a%u@198.18.0.30 serves=0800100:1\n", i, i);
		if (i % 3) /* every third advisor leaves; new ones come */
			n2 += (size_t)snprintf(t2 + n2, sizeof(t2) - n2,
					       "advisor %u uri=sip:a%u@198.18.0.30 "
					       "serves=0800100:1,0800300:1 rating=3\n", i, i);
	}
	for (i = 31; i <= 40; i++)
		n2 += (size_t)snprintf(t2 + n2, sizeof(t2) - n2,
				       "advisor %u uri=sip:a%u@198.18.0.30 serves=0800100:1\n", i, i);
	assert_int_equal(load(t1, false), 0);
	route_load_status(&st);
	uint32_t gen1 = st.gen;

	for (i = 0; i < 10; i++) {
		assert_int_equal(pick_id("0800100", NULL, &p[i]), i + 1);
		route_outcome(&p[i], ROUTE_OUT_ANSWERED, 1);
	}
	/* the load runs in slices; calls change state in between */
	route_outcome(&p[0], ROUTE_OUT_ENDED, 1); /* 1 frees before the load */
	now_us += 1000;
	assert_int_equal(route_load_text(t2, n2, false), 0);
	route_load_step(0);
	while (route_load_step(0))
		;
	route_load_status(&st);
	assert_int_equal(st.result, 0);
	assert_int_not_equal(st.gen, gen1);
	assert_true(st.slices > 1);
	/* advisors in calls stay busy in the new table; 1 is free */
	for (i = 2; i <= 10; i++) {
		assert_int_equal(route_advisor_find(i, &a), i % 3 ? 0 : -ENOENT);
		if (i % 3)
			assert_int_equal(a.active, 1);
	}
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_int_equal(a.active, 0);
	assert_int_equal(a.rating, 300);
	/* old picks still report: found by id; 3 and 6 left the table */
	route_outcome(&p[1], ROUTE_OUT_ENDED, 1);
	assert_int_equal(route_advisor_find(2, &a), 0);
	assert_int_equal(a.active, 0);
	route_outcome(&p[2], ROUTE_OUT_ENDED, 1);
	/* new decisions: the new table (0800300 exists now): passes 0 there; 1 ended its call
	 * before 11 came with the table (idle since the load's start): 1 idle longer */
	assert_true(route_has_hotline("0800300"));
	assert_int_equal(pick_id("0800300", NULL, &q), 1);
	assert_int_equal(q.gen, st.gen);
	for (i = 3; i < 10; i++)
		route_outcome(&p[i], ROUTE_OUT_ENDED, 1);
	/* a hotline leaves the table while its call is up: the advisor, kept, is freed at the end */
	route_outcome(&q, ROUTE_OUT_ANSWERED, 1);
	n2 = (size_t)snprintf(t2, sizeof(t2), "hotline 0800100\n"
			      "advisor 1 uri=sip:a1@198.18.0.30 serves=0800100:1\n");
	assert_int_equal(load(t2, false), 0);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_int_equal(a.active, 1);
	route_outcome(&q, ROUTE_OUT_ENDED, 1);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_int_equal(a.active, 0);
	assert_int_equal(pick_id("0800100", NULL, NULL), 1);
}

/* State changes between every slice of a load (some after the carry copied the advisor):
 * the new table ends with the same state. */
static void test_swap_dirty_replay(void **state)
{
	static char t[4096];
	struct route_advisor_info a;
	struct route_hotline_info h;
	struct route_pick p[20];
	unsigned int n = 0, i, steps = 0;
	size_t len = 0;

	len += (size_t)snprintf(t, sizeof(t), "hotline 0800100 wrapup=0\n");
	for (i = 1; i <= 30; i++)
		len += (size_t)snprintf(t + len, sizeof(t) - len,
					"advisor %u uri=sip:a%u@198.18.0.10 serves=0800100:1\n", i, i);
	assert_int_equal(load(t, false), 0);
	assert_int_equal(route_load_text(t, len, false), 0);
	while (route_load_step(0)) {
		steps++;
		if (n < 20) {
			assert_int_equal(pick_id("0800100", NULL, &p[n]), n + 1);
			n++;
		}
		if (steps == 2)
			assert_int_equal(route_advisor_cmd(30, ROUTE_CMD_PAUSE), 0);
	}
	/* step 1 parsed (the pick after it is copied by the carry), step 2 carried (the pick
	 * and the pause after it are replayed before the flip) */
	assert_int_equal(steps, 2);
	for (i = 1; i <= 30; i++) {
		assert_int_equal(route_advisor_find(i, &a), 0);
		assert_int_equal(a.active, i <= n ? 1 : 0);
		assert_int_equal(a.state, i == 30 ? ROUTE_ADV_PAUSED : ROUTE_ADV_IN);
	}
	assert_int_equal(route_hotline_find("0800100", &h), 0);
	assert_int_equal(h.n_eligible, 30 - n - 1);
	assert_int_equal(pick_id("0800100", NULL, NULL), n + 1);
}

/* ---- persistence --------------------------------------------------------------------------- */

static char *make_table(unsigned int advisors, unsigned int tag)
{
	size_t size = 100 + advisors * 80, n;
	char *t = malloc(size);
	unsigned int i;

	n = (size_t)snprintf(t, size, "hotline 08001%02u\n", tag);
	for (i = 1; i <= advisors; i++)
		n += (size_t)snprintf(t + n, size - n,
				      "advisor %u uri=sip:t%u-%u@198.18.0.40 serves=08001%02u:1\n",
				      i, tag, i, tag);
	return t;
}

static void assert_active(unsigned int advisors, unsigned int tag)
{
	struct route_load_status st;
	char num[16];

	route_load_status(&st);
	assert_int_equal(st.advisors, advisors);
	snprintf(num, sizeof(num), "08001%02u", tag);
	assert_true(route_has_hotline(num));
}

static unsigned int cut_all(const char *prev, unsigned int prev_adv, unsigned int prev_tag,
			    const char *next, unsigned int next_adv, unsigned int next_tag,
			    size_t step)
{
	unsigned int calls, before, call, n = 0;
	size_t k, len = strlen(next);
	struct route_load_status st;

	/* count the program calls of a save: text chunks, then the header */
	reboot();
	assert_active(prev_adv, prev_tag);
	before = flash_sim_program_count(&flash);
	assert_int_equal(load(next, true), 0);
	calls = flash_sim_program_count(&flash) - before;
	assert_true(calls >= 2);
	/* undo: the previous table again, and that save cut at every point */
	assert_int_equal(load(prev, true), 0);
	for (call = 1; call <= calls; call++) {
		size_t n_call = call < calls ? (call * 4096 <= len ? 4096 : len % 4096) : 24;

		for (k = 0; k < n_call; k += (k < 64 || k + 64 > n_call) ? 1 : step, n++) {
			reboot();
			flash_sim_set_cut(&flash, call, k);
			assert_int_equal(load(next, true), 0); /* active, but not saved */
			route_load_status(&st);
			assert_false(st.persisted);
			reboot();
			assert_active(prev_adv, prev_tag);
		}
	}
	/* and an uncut save then wins */
	assert_int_equal(load(next, true), 0);
	reboot();
	assert_active(next_adv, next_tag);
	return n;
}

static void test_power_cut(void **state)
{
	char *a = make_table(3, 1), *b = make_table(5, 2), *c = make_table(150, 3);
	unsigned int n = 0;

	assert_int_equal(load(a, true), 0);
	/* one valid slot, then both: the cut save always goes to the older copy */
	n += cut_all(a, 3, 1, b, 5, 2, 1);
	n += cut_all(b, 5, 2, c, 150, 3, 97);
	n += cut_all(c, 150, 3, a, 3, 1, 1);
	print_message("  %u cuts checked\n", n);
	/* a flipped bit in the newest copy: the older one loads */
	{
		uint32_t off, slot;
		struct route_load_status st;

		route_flash_geometry(&off, &slot);
		route_load_status(&st);
		flash_sim_image(&flash)[off + (st.flash_seq % 2 ? 0 : slot) + 24 + 5] ^= 0x04;
		reboot();
		assert_active(150, 3);
	}
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_bad_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_fuzz, setup, teardown),
		cmocka_unit_test(test_hours),
		cmocka_unit_test_setup_teardown(test_select_worked_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_select_reference_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_autopause_wrapup_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_during_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_dirty_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_power_cut, setup, teardown),
	};

	if (hlgw_log_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
