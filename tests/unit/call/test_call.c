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
#include <hlgw/cdr.h>
#include <hlgw/log.h>
#include <hlgw/route.h>
#include <hlgw/subsys.h>

#include "media/prompt.h"

/* ---- board ---- */
uint64_t board_time_us(void)
{
	return (uint64_t)osmo_gettimeofday_override_time.tv_sec * 1000000u +
	       osmo_gettimeofday_override_time.tv_usec;
}
uint64_t board_utc_ms(void)
{
	return 1795000000000ull + board_time_us() / 1000u;
}

/* ---- CDR store double: the last record ---- */
static struct cdr_rec last_cdr;
static unsigned int n_cdr;

int cdr_add(struct cdr_rec *r, uint32_t *id)
{
	r->id = ++n_cdr;
	last_cdr = *r;
	if (id)
		*id = r->id;
	return 0;
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

/* ---- what the route module needs besides the clock ---- */
void sip_ka_set_cb(sip_ka_cb cb, void *arg)
{
}

int sip_ka_add(const char *uri)
{
	return -ENOSPC;
}

int sip_ka_remove(const char *uri)
{
	return -ENOENT;
}

int board_file_open_read(uint32_t *size, const char *path)
{
	return -ENOENT;
}

int board_file_read(int fh, void *buf, unsigned int len)
{
	return -EIO;
}

int board_file_close(int fh)
{
	return 0;
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

#define MAX_LEGS 32
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
	media_dtmf_cb caller_dtmf; /* call control's: the caller's digits */
	void *cb_arg;
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
			chans[i] = (struct media_chan){ .open = true, .tone = -1,
							.caller_dtmf = p->caller_dtmf_cb,
							.cb_arg = p->cb_arg };
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

/* the caller's rating: what it hears (a prompt, or the cue's tone sequence) */
static unsigned int n_prompts;
static const uint8_t prompt_rating[800] = { 0xd5 };

const uint8_t *prompt_get(enum prompt_id id, size_t *len, const char **path)
{
	if (id == PROMPT_RATING) { /* a 100 ms prompt loaded; the others play their cue */
		*len = sizeof(prompt_rating);
		return prompt_rating;
	}
	*len = 0;
	return NULL;
}

const uint8_t *prompt_get_name(const char *name, size_t *len, const char **path)
{
	*len = 0; /* announcements and music: their tones */
	return NULL;
}

int media_chan_play_prompt(struct media_chan *mc, const uint8_t *alaw, size_t n)
{
	assert_true(mc->open);
	if (!n)
		return 0; /* a stop */
	assert_ptr_equal(alaw, prompt_rating);
	n_prompts++;
	return 0;
}

int media_chan_play_seq(struct media_chan *mc, const struct cptone_seq *seq)
{
	assert_true(mc->open);
	assert_true(seq->n > 0);
	n_prompts++;
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
	n_cdr = 0;
	memset(&last_cdr, 0, sizeof(last_cdr));
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

	clock_advance_s(5);
	call_isdn_hangup(0, &pcall_token, 16);
	assert_true(legs[0].hung_up);
	assert_int_equal(legs[0].hangup_cause, 16);
	assert_int_equal(released_cause, 0); /* libpri clears the caller's side itself */
	assert_all_clear();
	sip_ev(0, SIP_CALL_ENDED, 200, 0); /* the BYE's answer reaches the detached leg */
	/* its CDR: the caller ended it after 65 s of talk */
	assert_int_equal(n_cdr, 1);
	assert_string_equal(last_cdr.caller, "+4930123456");
	assert_string_equal(last_cdr.hotline, "0800123");
	assert_string_equal(last_cdr.advisor, "sip:a1@198.18.0.1:5071");
	assert_int_equal(last_cdr.side, CDR_SIDE_CALLER);
	assert_int_equal(last_cdr.cause, 16);
	assert_int_equal(last_cdr.ts, 5);
	assert_true(last_cdr.answer_ms >= last_cdr.start_ms);
	assert_int_equal(last_cdr.end_ms - last_cdr.answer_ms, 65000);
	assert_int_equal(last_cdr.billable_ms, 65000);
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
	assert_int_equal(last_cdr.side, CDR_SIDE_ADVISOR);
	assert_int_equal(last_cdr.cause, 31);
	assert_true(last_cdr.answer_ms != 0);
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

/* the caller keys a digit (the media channel's DTMF receiver, at its end) */
static void caller_key(char d)
{
	assert_non_null(chans[0].caller_dtmf);
	chans[0].caller_dtmf(&chans[0], d, false, chans[0].cb_arg);
	chans[0].caller_dtmf(&chans[0], d, true, chans[0].cb_arg);
}

static void clock_advance_ms(unsigned int ms)
{
	osmo_gettimeofday_override_add(ms / 1000, (ms % 1000) * 1000);
	osmo_timers_prepare();
	osmo_timers_update();
}

/* `caller-rating with-solved`: the advisor hangs up, the caller stays, hears the questions and
 * answers them; its answers and the talk time (not the rating's) go into the CDR */
static void test_caller_rating(void **state)
{
	struct call_info ci;

	call_rating_set(CALL_RATING_SOLVED);
	n_prompts = 0;
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	caller_key('5'); /* while talking: not a rating */
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0);
	clock_advance_s(10);
	caller_key('5');
	sip_ev(0, SIP_CALL_ENDED, 0, 0); /* the advisor's BYE */
	assert_int_equal(call_get(0, &ci), 0);
	assert_string_equal(ci.state, "RATING");
	assert_int_equal(released_cause, 0); /* the caller stays */
	assert_int_equal(chans[0].remote.addr, 0); /* nothing to the advisor any more */
	assert_int_equal(n_prompts, 1);		   /* the rating prompt (loaded) */
	clock_advance_s(3);
	caller_key('7'); /* not 1-5: ignored */
	caller_key('0');
	assert_int_equal(n_prompts, 1);
	caller_key('4');
	assert_int_equal(n_prompts, 2); /* "solved?" (its cue) */
	caller_key('6');		/* neither 1 nor 2 */
	assert_int_equal(n_prompts, 2);
	caller_key('1');
	assert_int_equal(n_prompts, 3); /* the thanks */
	assert_int_equal(call_get(0, &ci), 0);
	caller_key('3'); /* after the last answer: nothing */
	clock_advance_ms(700);	   /* the thanks (300 ms) and the tail (300 ms) */
	assert_int_equal(released_cause, 16);
	assert_all_clear();
	assert_int_equal(last_cdr.rating, 4);
	assert_int_equal(last_cdr.solved, 1);
	assert_int_equal(last_cdr.side, CDR_SIDE_ADVISOR);
	assert_int_equal(last_cdr.cause, 16);
	assert_int_equal(last_cdr.billable_ms, 10000);
	assert_int_equal(last_cdr.end_ms - last_cdr.answer_ms, 13700);

	/* no answer within 8 s of the question: released without a rating */
	test_setup(NULL);
	call_rating_set(CALL_RATING_ON);
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0);
	sip_ev(0, SIP_CALL_ENDED, 0, 31);
	assert_int_equal(call_get(0, &ci), 0);
	assert_string_equal(ci.state, "RATING");
	assert_int_equal(released_cause, 0);
	clock_advance_ms(7950);
	assert_int_equal(released_cause, 0);
	clock_advance_ms(200); /* the 100 ms prompt + 8 s */
	assert_int_equal(released_cause, 16);
	assert_int_equal(last_cdr.rating, 0);
	assert_int_equal(last_cdr.cause, 31); /* the advisor's */

	/* the caller hangs up while rating: the talk still ended by the advisor */
	test_setup(NULL);
	assert_int_equal(setup("0800123", "30123456", CALL_TON_NATIONAL, false), 0);
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0);
	sip_ev(0, SIP_CALL_ENDED, 0, 0);
	caller_key('2');
	call_isdn_hangup(0, &pcall_token, 16);
	assert_all_clear();
	assert_int_equal(last_cdr.rating, 2);
	assert_int_equal(last_cdr.solved, 0);
	assert_int_equal(last_cdr.side, CDR_SIDE_ADVISOR);
	call_rating_set(CALL_RATING_OFF);
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
	/* nobody answered: the box ended it, cause 17, the last advisor tried, no answer time */
	assert_int_equal(n_cdr, 1);
	assert_int_equal(last_cdr.side, CDR_SIDE_BOX);
	assert_int_equal(last_cdr.cause, 17);
	assert_string_equal(last_cdr.advisor, "sip:a2@198.18.0.1:5072");
	assert_true(last_cdr.answer_ms == 0 && last_cdr.billable_ms == 0);
	assert_int_equal(last_cdr.end_ms - last_cdr.start_ms, 11000);
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

/* Nobody free: the caller waits (ALERTING with in-band information), in arrival order; a
 * freed advisor gets the oldest; after the maximum wait the overflow hotline takes it; the
 * CDR has the seconds waited. */
static void test_queue(void **state)
{
	static struct board b = { .name = "test" };
	static int pc1, pc2, pc3;
	const char *t = "hotline 0800200 ring=10 queue=alerting maxwait=30 position=yes "
			"overflow=0800300\n"
			"hotline 0800300 ring=10 maxwait=0\n"
			"advisor 1 uri=sip:a@198.18.0.1:5071 serves=0800200:1 max=1\n"
			"advisor 2 uri=sip:b@198.18.0.1:5072 serves=0800300:1 max=1\n";
	struct call_info ci;
	int n0;

	assert_int_equal(route_subsys.init(&b), 0);
	assert_int_equal(route_load_text(t, strlen(t), false), 0);
	assert_int_equal(route_load_finish(), 0);
	assert_int_equal(call_isdn_setup(&(struct call_setup){ .channel = 1 | 1 << 16,
								.pcall = &pc1, .called = "0800200",
								.calling = "301" }), 0);
	assert_int_equal(n_legs, 1);
	sip_ev(0, SIP_CALL_ANSWERED, 200, 0); /* advisor 1 talks */
	n0 = n_isdn;
	assert_int_equal(call_isdn_setup(&(struct call_setup){ .channel = 2 | 1 << 16,
								.pcall = &pc2, .called = "0800200",
								.calling = "302" }), 0);
	assert_int_equal(n_legs, 1); /* nobody free: no INVITE */
	assert_int_equal(isdn_msgs[n0], ISDN_LEG_PROCEEDING);
	assert_int_equal(isdn_msgs[n0 + 1], ISDN_LEG_ALERTING);
	assert_true(isdn_inband[n0 + 1]);
	assert_int_equal(call_get(1, &ci), 0);
	assert_string_equal(ci.state, "QUEUED");
	clock_advance_s(5);
	assert_int_equal(call_isdn_setup(&(struct call_setup){ .channel = 3 | 1 << 16,
								.pcall = &pc3, .called = "0800200",
								.calling = "303" }), 0);
	assert_int_equal(call_get(2, &ci), 0);
	assert_string_equal(ci.state, "QUEUED");
	clock_advance_s(2);
	assert_int_equal(n_legs, 1);
	/* advisor 1's call ends: its next call is the oldest waiting one */
	call_isdn_hangup(0, &pc1, 16);
	clock_advance_ms(300);
	assert_int_equal(n_legs, 2);
	assert_string_equal(legs[1].uri, "sip:a@198.18.0.1:5071");
	assert_string_equal(legs[1].from_user, "302");
	sip_ev(1, SIP_CALL_ANSWERED, 200, 0);
	/* the third waits on: after 30 s, the overflow hotline's advisor */
	clock_advance_s(20);
	assert_int_equal(n_legs, 2);
	clock_advance_s(8);
	assert_int_equal(n_legs, 3);
	assert_string_equal(legs[2].uri, "sip:b@198.18.0.1:5072");
	assert_string_equal(legs[2].from_user, "303");
	sip_ev(2, SIP_CALL_ANSWERED, 200, 0);
	call_isdn_hangup(0, &pc3, 16);
	assert_int_equal(last_cdr.queue_s, 30);
	assert_string_equal(last_cdr.hotline, "0800200");
	call_isdn_hangup(0, &pc2, 16);
	assert_int_equal(last_cdr.queue_s, 7);
	assert_all_clear();
}

/* Outside the opening hours: PROGRESS with in-band information, the closed announcement (here
 * the special information tone), release with cause 16; no advisor is called */
static void test_closed(void **state)
{
	static struct board b = { .name = "test" };
	const char *t = "hotline 0800400 hours=closed\n"
			"advisor 1 uri=sip:a@198.18.0.1:5071 serves=0800400:1\n";
	struct call_info ci;

	assert_int_equal(route_subsys.init(&b), 0);
	assert_int_equal(route_load_text(t, strlen(t), false), 0);
	assert_int_equal(route_load_finish(), 0);
	assert_int_equal(setup("0800400", "301", CALL_TON_UNKNOWN, false), 0);
	assert_int_equal(n_legs, 0);
	assert_int_equal(isdn_msgs[1], ISDN_LEG_PROGRESS);
	assert_true(isdn_inband[1]);
	assert_int_equal(call_get(0, &ci), 0);
	assert_string_equal(ci.state, "CLOSED");
	clock_advance_ms(2400);
	assert_int_equal(released_cause, 16);
	assert_all_clear();
	assert_int_equal(last_cdr.side, CDR_SIDE_BOX);
}

/* A hotline of the routing table: advisors come from the route module, best free first, and
 * every outcome goes back to it (busy, no answer -> auto-pause, answered, ended -> wrap-up). */
static void test_table_routing(void **state)
{
	static struct board b = { .name = "test" };
	static int pcall2;
	const char *t = "hotline 0800777 ring=10 missed=1 wrapup=30\n"
			"advisor 1 uri=sip:a@198.18.0.1:5071 serves=0800777:1 rating=1\n"
			"advisor 2 uri=sip:b@198.18.0.1:5072 serves=0800777:1 rating=5\n"
			"advisor 3 uri=sip:c@198.18.0.1:5073 serves=0800777:1 rating=3\n";
	struct route_advisor_info a;
	struct route_decision d;

	assert_int_equal(route_subsys.init(&b), 0);
	assert_int_equal(route_load_text(t, strlen(t), false), 0);
	assert_int_equal(route_load_finish(), 0);
	/* all passes 0: the lowest id first; 486 -> the next best */
	assert_int_equal(setup("0800777", "30123456", CALL_TON_NATIONAL, false), 0);
	assert_int_equal(n_legs, 1);
	assert_string_equal(legs[0].uri, "sip:a@198.18.0.1:5071");
	sip_ev(0, SIP_CALL_FAILED, 486, 0);
	assert_int_equal(n_legs, 2);
	assert_string_equal(legs[1].uri, "sip:b@198.18.0.1:5072");
	/* rings out (the table's ring=10): missed 1 of 1 -> auto-paused, next */
	sip_ev(1, SIP_CALL_RINGING, 180, 0);
	clock_advance_s(11);
	assert_true(legs[1].hung_up);
	assert_int_equal(legs[1].hangup_cause, 19);
	assert_int_equal(route_advisor_find(2, &a), 0);
	assert_int_equal(a.state, ROUTE_ADV_AUTOPAUSED);
	assert_int_equal(n_legs, 3);
	assert_string_equal(legs[2].uri, "sip:c@198.18.0.1:5073");
	sip_ev(2, SIP_CALL_ANSWERED, 200, 0);
	assert_int_equal(route_advisor_find(3, &a), 0);
	assert_int_equal(a.active, 1);
	assert_int_equal(a.answered, 1);
	/* while 3 talks, a second call gets 1 (2 paused, 3 busy) */
	assert_int_equal(call_isdn_setup(&(struct call_setup){ .channel = 6 | 1 << 16,
								.pcall = &pcall2, .called = "0800777",
								.calling = "30123457" }), 0);
	assert_int_equal(n_legs, 4);
	assert_string_equal(legs[3].uri, "sip:a@198.18.0.1:5071");
	/* the caller gives up while it rings: no fault of 1's */
	call_isdn_hangup(0, &pcall2, 16);
	assert_int_equal(route_advisor_find(1, &a), 0);
	assert_int_equal(a.active, 0);
	assert_int_equal(a.missed, 0);
	/* 3's call ends: wrap-up */
	sip_ev(2, SIP_CALL_ENDED, 200, 0);
	assert_int_equal(route_advisor_find(3, &a), 0);
	assert_int_equal(a.active, 0);
	assert_true(a.wrapup);
	assert_int_equal(route_decision_get(0, &d), 0);
	assert_string_equal(d.text, "call ended: wrap-up 30 s");
	assert_int_equal(d.adv_id, 3);
	/* a hotline with more advisors than a call may try: 16 busy ones, then the caller gets
	 * cause 17, no advisor twice */
	{
		static char big[4096];
		size_t n = (size_t)snprintf(big, sizeof(big), "hotline 0800888 ring=10\n");
		unsigned int i, first = n_legs;

		for (i = 1; i <= 20; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n,
					      "advisor %u uri=sip:x%u@198.18.0.1:5071 "
					      "serves=0800888:1\n", i, i);
		assert_int_equal(route_load_text(big, n, false), 0);
		assert_int_equal(route_load_finish(), 0);
		released_cause = 0;
		assert_int_equal(call_isdn_setup(&(struct call_setup){ .channel = 7 | 1 << 16,
									.pcall = &pcall2,
									.called = "0800888",
									.calling = "30123458" }), 0);
		for (i = 0; i < ROUTE_TRIED_MAX; i++) {
			assert_int_equal(n_legs, first + i + 1);
			sip_ev(first + i, SIP_CALL_FAILED, 486, 0);
		}
		assert_int_equal(n_legs, first + ROUTE_TRIED_MAX);
		assert_int_equal(released_cause, 17);
	}
	/* a number the table does not know is still refused with cause 1 */
	assert_int_equal(setup("0800778", "30123456", CALL_TON_NATIONAL, false), 1);
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
		cmocka_unit_test_setup(test_caller_rating, test_setup),
		cmocka_unit_test_setup(test_refusals, test_setup),
		cmocka_unit_test_setup(test_route_and_numbers, test_setup),
		cmocka_unit_test_setup(test_cause_tables, test_setup),
		cmocka_unit_test_setup(test_table_routing, test_setup),
		cmocka_unit_test_setup(test_queue, test_setup),
		cmocka_unit_test_setup(test_closed, test_setup),
	};

	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = 1000 };
	hlgw_log_init();
	assert_int_equal(call_subsys.init(NULL), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
