// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call control unit test: the real FSM, routing and cause tables; the SIP UA, the media
 * channel and the ISDN leg are test doubles that record what call control asked for, and
 * SIP events are played into the call through the callback it gave sip_call_invite. The ring
 * timer runs on libosmocore's fake clock (osmo_gettimeofday_override).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include <hlgw/board.h>
#include <dsp/cptone.h>
#include <hlgw/call.h>
#include <hlgw/log.h>
#include <hlgw/subsys.h>

/* ---- board ---- */
uint64_t board_time_us(void)
{
	return (uint64_t)osmo_gettimeofday_override_time.tv_sec * 1000000u +
	       osmo_gettimeofday_override_time.tv_usec;
}

void board_log_write(const char *buf, int len)
{
	if (getenv("CALL_TEST_LOG"))
		fwrite(buf, 1, len, stderr);
}

static void clock_advance_s(unsigned int s)
{
	osmo_gettimeofday_override_add(s, 0);
	osmo_timers_prepare();
	osmo_timers_update();
}

/* ---- SIP double: one record per sip_call_invite ---- */
struct sip_call {
	sip_call_cb cb;
	void *arg;
	char uri[SIP_URI_MAX], from_user[40], display[SIP_NAME_MAX], pai[40], hotline[40];
	bool privacy, hung_up, done;
	int hangup_cause;
	uint16_t rtp_port;
};

#define MAX_LEGS 16
static struct sip_call legs[MAX_LEGS];
static unsigned int n_legs;
static int invite_rc; /* what the next sip_call_invite returns */

int sip_call_invite(struct sip_call **call, const struct sip_call_params *p, sip_call_cb cb,
		    void *arg)
{
	struct sip_call *c;

	if (invite_rc)
		return invite_rc;
	assert_true(n_legs < MAX_LEGS);
	c = &legs[n_legs++];
	memset(c, 0, sizeof(*c));
	c->cb = cb;
	c->arg = arg;
	snprintf(c->uri, sizeof(c->uri), "%s", p->uri);
	snprintf(c->from_user, sizeof(c->from_user), "%s", p->from_user);
	snprintf(c->display, sizeof(c->display), "%s", p->display ? p->display : "");
	snprintf(c->pai, sizeof(c->pai), "%s", p->pai_user ? p->pai_user : "");
	snprintf(c->hotline, sizeof(c->hotline), "%s", p->hotline ? p->hotline : "");
	c->privacy = p->privacy;
	c->rtp_port = p->rtp_port;
	*call = c;
	return 0;
}

int sip_call_hangup_cause(struct sip_call *c, int q850)
{
	if (c->done || c->hung_up)
		return -EALREADY;
	c->hung_up = true;
	c->hangup_cause = q850;
	return 0;
}

int sip_call_hangup(struct sip_call *c)
{
	return sip_call_hangup_cause(c, 0);
}

static const struct sip_media adv_media = { .addr = 0xc6120001u, .port = 6000, .pcma_pt = 8,
					    .te_pt = 101, .ptime = 20 };

static void sip_ev(unsigned int leg, enum sip_call_event ev, int status, int q850)
{
	struct sip_call_info info = {
		.ev = ev, .status = status, .q850 = q850,
		.media = ev == SIP_CALL_EARLY_MEDIA || ev == SIP_CALL_ANSWERED ? &adv_media : NULL,
	};

	assert_true(leg < n_legs);
	assert_false(legs[leg].done);
	if (ev == SIP_CALL_FAILED || ev == SIP_CALL_ENDED)
		legs[leg].done = true;
	legs[leg].cb(&legs[leg], &info, legs[leg].arg);
}

/* ---- media double ---- */
struct media_chan {
	bool open;
	struct media_remote remote;
	int tone; /* the call-progress tone playing, -1 none */
};
static struct media_chan chans[4];
static unsigned int n_open, n_set_remote;
static uint32_t busy_ts;	   /* bit n: timeslot n taken by someone else */
static unsigned int last_open_ts; /* the timeslot of the last open */

int media_chan_open(struct media_chan **mc, uint16_t *local_port, const struct media_params *p)
{
	unsigned int i;

	if (p->ts < 1 || p->ts > 31 || p->ts == 16)
		return -ENODEV;
	if (busy_ts >> p->ts & 1)
		return -EBUSY;
	last_open_ts = p->ts;
	for (i = 0; i < 4; i++)
		if (!chans[i].open) {
			chans[i] = (struct media_chan){ .open = true, .tone = -1 };
			*mc = &chans[i];
			*local_port = (uint16_t)(16384 + 2 * i);
			n_open++;
			return 0;
		}
	return -ENOSPC;
}

int media_chan_set_remote(struct media_chan *mc, const struct media_remote *r)
{
	mc->remote = *r;
	n_set_remote++;
	return 0;
}

int media_chan_play_tone(struct media_chan *mc, int tone)
{
	assert_true(mc->open);
	mc->tone = tone;
	return 0;
}

int media_chan_get_stats(const struct media_chan *mc, struct media_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->tx_packets = 50;
	return 0;
}

int media_chan_get_ecan(const struct media_chan *mc, struct media_ecan_info *ei)
{
	memset(ei, 0, sizeof(*ei));
	return -ENOENT;
}

void media_chan_close(struct media_chan *mc)
{
	assert_true(mc->open);
	mc->open = false;
	n_open--;
}

/* ---- ISDN leg double ---- */
static int isdn_msgs[16], n_isdn;
static bool isdn_inband[16];
static int isdn_channel[16];
static int released_cause;

int isdn_leg_send(unsigned int span, void *pcall, int channel, enum isdn_leg_msg msg,
		  bool inband)
{
	assert_non_null(pcall);
	assert_true(n_isdn < 16);
	isdn_channel[n_isdn] = channel;
	isdn_inband[n_isdn] = inband;
	isdn_msgs[n_isdn++] = msg;
	return 0;
}

int isdn_leg_release(unsigned int span, void *pcall, int cause)
{
	assert_non_null(pcall);
	assert_int_equal(released_cause, 0); /* once */
	released_cause = cause;
	return 0;
}

/* ---- helpers ---- */
static int pcall_token;

static int setup(const char *called, const char *calling, enum call_ton ton, bool restricted)
{
	struct call_setup s = { .span = 0, .channel = 5 | 1 << 16, .pcall = &pcall_token,
				.called = called, .calling = calling, .ton = ton,
				.restricted = restricted };

	return call_isdn_setup(&s);
}

static unsigned int calls_up(void)
{
	struct call_info ci;
	unsigned int n = 0;

	while (call_get(n, &ci) == 0)
		n++;
	return n;
}

static int test_setup(void **state)
{
	unsigned int i;

	n_legs = 0;
	invite_rc = 0;
	n_isdn = 0;
	released_cause = 0;
	n_set_remote = 0;
	for (i = 0; i < 4; i++)
		chans[i].open = false;
	n_open = 0;
	busy_ts = 0;
	call_cause_map_reset();
	while (call_hotline_get(0))
		call_hotline_del(call_hotline_get(0)->number);
	call_prefix_set(CALL_TON_NATIONAL, "+49");
	assert_int_equal(call_hotline_add("0800123"), 0);
	assert_int_equal(call_hotline_advisor_add("0800123", "sip:a1@198.18.0.1:5071"), 0);
	assert_int_equal(call_hotline_advisor_add("0800123", "sip:a2@198.18.0.1:5072"), 0);
	assert_int_equal(call_hotline_ring_timeout("0800123", 10), 0);
	return 0;
}

/* nothing may be left once a call is over */
static void assert_all_clear(void)
{
	assert_int_equal(calls_up(), 0);
	assert_int_equal(n_open, 0);
}

/* ---- tests ---- */

static void test_answer_and_caller_hangup(void **state)
{
	struct call_info ci;

	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	assert_int_equal(n_isdn, 1);
	assert_int_equal(isdn_msgs[0], ISDN_LEG_PROCEEDING);
	assert_int_equal(n_legs, 1);
	assert_string_equal(legs[0].uri, "sip:a1@198.18.0.1:5071");
	assert_string_equal(legs[0].from_user, "+4930123456");
	assert_string_equal(legs[0].pai, "+4930123456");
	assert_string_equal(legs[0].display, "Hotline 0800123 / +4930123456");
	assert_string_equal(legs[0].hotline, "0800123");
	assert_int_equal(legs[0].rtp_port, 16384);
	assert_false(legs[0].privacy);

	sip_ev(0, SIP_CALL_RINGING, 180, 0);
	assert_int_equal(isdn_msgs[1], ISDN_LEG_ALERTING);
	assert_false(isdn_inband[1]);
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0);
	assert_int_equal(isdn_msgs[2], ISDN_LEG_CONNECT);
	assert_int_equal(chans[0].remote.port, 6000);
	assert_int_equal(call_get(0, &ci), 0);
	assert_string_equal(ci.state, "ACTIVE");
	assert_string_equal(ci.caller, "+4930123456");
	assert_true(ci.media);

	/* the ring timer is off once answered */
	clock_advance_s(60);
	assert_false(legs[0].hung_up);

	call_isdn_hangup(0, &pcall_token, 16);
	assert_true(legs[0].hung_up);
	assert_int_equal(legs[0].hangup_cause, 16);
	assert_int_equal(released_cause, 0); /* libpri clears the caller's side itself */
	assert_all_clear();
	sip_ev(0, SIP_CALL_ENDED, 200, 0); /* the BYE's answer reaches the detached leg */
}

static void test_advisor_bye_with_reason(void **state)
{
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0);
	sip_ev(0, SIP_CALL_ENDED, 0, 0);
	assert_int_equal(released_cause, 16);
	assert_all_clear();

	test_setup(NULL);
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0);
	sip_ev(0, SIP_CALL_ENDED, 0, 31);
	assert_int_equal(released_cause, 31);
	assert_all_clear();
}

static void test_early_media_progress(void **state)
{
	assert_int_equal(setup("0800123", "", CALL_TON_UNKNOWN, false), 0);
	assert_string_equal(legs[0].from_user, "anonymous");
	assert_string_equal(legs[0].pai, "");
	sip_ev(0, SIP_CALL_EARLY_MEDIA, 183, 0);
	assert_int_equal(isdn_msgs[1], ISDN_LEG_PROGRESS);
	assert_true(isdn_inband[1]);
	assert_int_equal(chans[0].remote.port, 6000);
	/* the advisor fails after early media: stop sending to it, try the next */
	sip_ev(0, SIP_CALL_FAILED, 480, 0);
	assert_int_equal(chans[0].remote.addr, 0);
	assert_int_equal(n_legs, 2);
	sip_ev(1, SIP_CALL_ANSWERED, 200, 0);
	assert_int_equal(isdn_msgs[2], ISDN_LEG_CONNECT);
	assert_int_equal(call_clear(1000), -ENOENT);
	{
		struct call_info ci;

		assert_int_equal(call_get(0, &ci), 0);
		assert_int_equal(ci.attempt, 2);
		assert_int_equal(call_clear(ci.id), 0);
	}
	assert_true(legs[1].hung_up);
	assert_int_equal(released_cause, 16);
	assert_all_clear();
}

/* `ringback inband`: ALERTING with in-band information and the box's ringback while the
 * advisors ring, through a move to the next one; the advisor's early media or answer stops
 * it. Off: ALERTING without in-band information, no tone. */
static void test_ringback_inband(void **state)
{
	call_ringback_inband_set(true);
	assert_int_equal(setup("0800123", "301", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_RINGING, 180, 0);
	assert_int_equal(isdn_msgs[1], ISDN_LEG_ALERTING);
	assert_true(isdn_inband[1]);
	assert_int_equal(chans[0].tone, CPTONE_RINGBACK);
	sip_ev(0, SIP_CALL_FAILED, 486, 0); /* busy: the next advisor; the caller hears ringing */
	assert_int_equal(chans[0].tone, CPTONE_RINGBACK);
	sip_ev(1, SIP_CALL_RINGING, 180, 0);
	assert_int_equal(n_isdn, 2); /* ALERTING once */
	sip_ev(1, SIP_CALL_EARLY_MEDIA, 183, 0);
	assert_int_equal(chans[0].tone, -1); /* the advisor's own media now */
	sip_ev(1, SIP_CALL_ANSWERED, 200, 0);
	assert_int_equal(chans[0].tone, -1);
	call_isdn_hangup(0, &pcall_token, 16);
	assert_all_clear();

	call_ringback_inband_set(false);
	n_isdn = 0;
	n_legs = 0;
	assert_int_equal(setup("0800123", "301", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_RINGING, 180, 0);
	assert_int_equal(isdn_msgs[1], ISDN_LEG_ALERTING);
	assert_false(isdn_inband[1]);
	assert_int_equal(chans[0].tone, -1);
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0);
	call_isdn_hangup(0, &pcall_token, 16);
	assert_all_clear();
}

static void test_busy_then_timeout_cause(void **state)
{
	/* 486 from the first, the second rings past the ring timeout: busy tells most */
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_FAILED, 486, 0);
	assert_int_equal(n_legs, 2);
	sip_ev(1, SIP_CALL_RINGING, 180, 0);
	clock_advance_s(9);
	assert_false(legs[1].hung_up);
	clock_advance_s(2);
	assert_true(legs[1].hung_up);
	assert_int_equal(legs[1].hangup_cause, 19);
	assert_int_equal(released_cause, 17);
	assert_all_clear();
	/* a 200 that crossed the CANCEL gets a BYE */
	sip_ev(1, SIP_CALL_ANSWERED, 200, 0);
	assert_true(legs[1].hung_up);
	sip_ev(1, SIP_CALL_ENDED, 200, 0);
}

static void test_no_answer_and_no_response(void **state)
{
	/* both ring past the timeout: 19; the first CANCEL goes with Reason 19 */
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_RINGING, 180, 0);
	clock_advance_s(11);
	assert_int_equal(legs[0].hangup_cause, 19);
	assert_int_equal(n_legs, 2);
	/* the 487 of the cancelled leg does not disturb the call */
	sip_ev(0, SIP_CALL_FAILED, 487, 0);
	assert_int_equal(n_legs, 2);
	assert_int_equal(released_cause, 0);
	sip_ev(1, SIP_CALL_RINGING, 180, 0);
	assert_int_equal(n_isdn, 2); /* ALERTING once */
	clock_advance_s(11);
	assert_int_equal(released_cause, 19);
	assert_all_clear();

	/* nobody responds at all: 18 */
	test_setup(NULL);
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	clock_advance_s(11);
	clock_advance_s(11);
	assert_int_equal(legs[1].hangup_cause, 18);
	assert_int_equal(released_cause, 18);
	assert_all_clear();
}

static void test_failures_map_rfc3398(void **state)
{
	/* last failure decides when nobody was busy or rang: 404 -> 1, Reason wins over it */
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_FAILED, 503, 0);
	sip_ev(1, SIP_CALL_FAILED, 404, 0);
	assert_int_equal(released_cause, 1);
	assert_all_clear();

	test_setup(NULL);
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_FAILED, 503, 0);
	sip_ev(1, SIP_CALL_FAILED, 603, 21);
	assert_int_equal(released_cause, 21);

	/* the console changes the table */
	test_setup(NULL);
	assert_int_equal(call_cause_map_set_sip(404, 3), 0);
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_FAILED, 503, 0);
	sip_ev(1, SIP_CALL_FAILED, 404, 0);
	assert_int_equal(released_cause, 3);
	call_cause_map_reset();

	/* advisors the SIP module cannot call (no address): next, then 41 (503) */
	test_setup(NULL);
	invite_rc = -ENETDOWN;
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	assert_int_equal(released_cause, 41);
	assert_all_clear();
}

static void test_restricted(void **state)
{
	assert_int_equal(setup("0800123", "+4930123456", CALL_TON_INTERNATIONAL, true), 0);
	assert_true(legs[0].privacy);
	assert_string_equal(legs[0].display, "Hotline 0800123 / anonymous");
	assert_string_equal(legs[0].pai, "+4930123456"); /* the SIP module decides where it goes */
	call_isdn_hangup(0, &pcall_token, 16);
	assert_true(legs[0].hung_up);
	assert_all_clear();
}

/* Q.931 5.2.3.1: a busy preferred channel -> another free one, named in CALL PROCEEDING;
 * a busy exclusive one -> 44 */
static void test_channel_selection(void **state)
{
	struct call_setup s = { .span = 0, .channel = 5 | 1 << 16, .pcall = &pcall_token,
				.called = "0800123", .calling = "301", .ton = CALL_TON_NATIONAL };
	struct call_counters ctr;
	struct call_info ci;

	busy_ts = 1u << 5 | 1u << 1 | 1u << 2;
	assert_int_equal(call_isdn_setup(&s), 44); /* exclusive */
	assert_int_equal(n_isdn, 0);
	s.preferred = true;
	assert_int_equal(call_isdn_setup(&s), 0);
	assert_int_equal(last_open_ts, 3); /* the lowest free one */
	assert_int_equal(isdn_msgs[0], ISDN_LEG_PROCEEDING);
	assert_int_equal(isdn_channel[0], 3 | 1 << 16);
	assert_int_equal(call_get(0, &ci), 0);
	assert_int_equal(ci.ts, 3);
	call_get_counters(&ctr);
	assert_true(ctr.channel_picked >= 1);
	call_isdn_hangup(0, &pcall_token, 16);
	assert_all_clear();
	busy_ts = 0xfffffffe; /* all taken: nothing to pick, 44 (isdn.c answers it 34) */
	assert_int_equal(call_isdn_setup(&s), 44);
	assert_all_clear();
}

static void test_refusals(void **state)
{
	assert_int_equal(setup("0800999", "1", CALL_TON_UNKNOWN, false), 1);
	assert_int_equal(call_hotline_add("0800000"), 0);
	assert_int_equal(setup("0800000", "1", CALL_TON_UNKNOWN, false), 34); /* no advisor */
	call_hotline_del("0800000");
	call_hotline_del("0800123");
	assert_int_equal(setup("0800123", "1", CALL_TON_UNKNOWN, false), 34); /* no routing */
	assert_int_equal(n_legs, 0);
	assert_int_equal(n_isdn, 0);
	assert_all_clear();
}

static void test_route_and_numbers(void **state)
{
	char buf[40];
	const struct call_hotline *h;

	assert_int_equal(call_hotline_add("08001x"), -EINVAL);
	assert_int_equal(call_hotline_advisor_add("0800123", "sip:a1@198.18.0.1:5071"), -EEXIST);
	assert_int_equal(call_hotline_advisor_add("0800123", "tel:123"), -EINVAL);
	assert_int_equal(call_hotline_advisor_add("0800123", "sip:a\"@x"), -EINVAL);
	assert_int_equal(call_hotline_advisor_add("0800124", "sip:a@x"), -ENOENT);
	assert_int_equal(call_hotline_ring_timeout("0800123", 4), -ERANGE);
	assert_int_equal(call_hotline_advisor_del("0800123", "sip:a1@198.18.0.1:5071"), 0);
	h = call_hotline_find("0800123");
	assert_int_equal(h->n_advisors, 1);
	assert_string_equal(h->advisor[0], "sip:a2@198.18.0.1:5072");

	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_NATIONAL, CALL_NPI_ISDN, "30123"), 0);
	assert_string_equal(buf, "+4930123");
	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_INTERNATIONAL, CALL_NPI_ISDN, "4930"), 0);
	assert_string_equal(buf, "+4930");
	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_SUBSCRIBER, CALL_NPI_UNKNOWN, "+4930"), 0);
	assert_string_equal(buf, "+4930");
	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_UNKNOWN, CALL_NPI_UNKNOWN,
					  "030"), 0);
	assert_string_equal(buf, "030");
	/* private plan: its own prefix, none by default; the TON's prefix does not apply */
	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_NATIONAL, CALL_NPI_PRIVATE,
					  "4711"), 0);
	assert_string_equal(buf, "4711");
	assert_int_equal(call_prefix_private_set("+49301234"), 0);
	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_SUBSCRIBER, CALL_NPI_PRIVATE,
					  "4711"), 0);
	assert_string_equal(buf, "+493012344711");
	assert_int_equal(call_prefix_private_set("+49#"), -EINVAL);
	assert_int_equal(call_prefix_private_set(""), 0);
	/* data, telex, national standard plans: no E.164 form, as they are */
	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_NATIONAL, CALL_NPI_DATA,
					  "262123"), 0);
	assert_string_equal(buf, "262123");
	assert_int_equal(call_number_e164(buf, sizeof(buf), CALL_TON_NATIONAL, CALL_NPI_NATIONAL,
					  "30123"), 0);
	assert_string_equal(buf, "30123");
	assert_int_equal(call_prefix_set(CALL_TON_NATIONAL, "+4a"), -EINVAL);
	assert_int_equal(call_prefix_set(CALL_TON_NATIONAL, "+49*"), -EINVAL);
}

static void test_cause_tables(void **state)
{
	/* RFC 3398 8.2.6.1 */
	static const int sip2q[][2] = { { 400, 41 }, { 403, 21 }, { 404, 1 },	{ 408, 102 },
					{ 480, 18 },  { 484, 28 }, { 486, 17 }, { 500, 41 },
					{ 503, 41 },  { 504, 102 }, { 600, 17 }, { 603, 21 },
					{ 604, 1 },   { 499, 31 },  { 699, 31 } };
	/* RFC 3398 7.2.4.1 */
	static const int q2sip[][2] = { { 1, 404 },   { 16, 0 },    { 17, 486 }, { 18, 408 },
					{ 19, 480 },  { 21, 403 },  { 27, 502 }, { 28, 484 },
					{ 34, 503 },  { 102, 504 }, { 127, 500 }, { 99, 500 } };
	unsigned int i;

	for (i = 0; i < sizeof(sip2q) / sizeof(sip2q[0]); i++)
		assert_int_equal(call_cause_from_sip(sip2q[i][0]), sip2q[i][1]);
	for (i = 0; i < sizeof(q2sip) / sizeof(q2sip[0]); i++)
		assert_int_equal(call_cause_to_sip(q2sip[i][0]), q2sip[i][1]);
	assert_int_equal(call_cause_map_set_q850(17, 600), 0);
	assert_int_equal(call_cause_to_sip(17), 600);
	assert_int_equal(call_cause_map_set_q850(17, 200), -EINVAL);
	assert_int_equal(call_cause_map_set_sip(486, 0), -EINVAL);
	assert_int_equal(call_cause_map_set_sip(499, 17), -EINVAL); /* no such row */
	call_cause_map_reset();
	assert_int_equal(call_cause_to_sip(17), 486);
	assert_string_equal(call_cause_name(19), "No answer from user");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_answer_and_caller_hangup, test_setup),
		cmocka_unit_test_setup(test_advisor_bye_with_reason, test_setup),
		cmocka_unit_test_setup(test_early_media_progress, test_setup),
		cmocka_unit_test_setup(test_busy_then_timeout_cause, test_setup),
		cmocka_unit_test_setup(test_no_answer_and_no_response, test_setup),
		cmocka_unit_test_setup(test_failures_map_rfc3398, test_setup),
		cmocka_unit_test_setup(test_restricted, test_setup),
		cmocka_unit_test_setup(test_channel_selection, test_setup),
		cmocka_unit_test_setup(test_ringback_inband, test_setup),
		cmocka_unit_test_setup(test_refusals, test_setup),
		cmocka_unit_test_setup(test_route_and_numbers, test_setup),
		cmocka_unit_test_setup(test_cause_tables, test_setup),
	};

	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = 1000 };
	hlgw_log_init();
	assert_int_equal(call_subsys.init(NULL), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
