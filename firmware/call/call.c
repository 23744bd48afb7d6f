// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call control: one osmo_fsm instance per call, bridging the caller's ISDN leg (isdn.c over
 * libpri) and one SIP leg at a time towards an advisor of the dialled hotline.
 *
 *   CALLING   INVITE sent to advisor n (CALL PROCEEDING went to the caller at SETUP).
 *             Ring timer T1 = the hotline's ring-timeout, restarted for every advisor.
 *   ALERTING  the advisor rings (ALERTING, or PROGRESS with in-band media from a 183).
 *   ACTIVE    200: CONNECT to the caller; media both ways.
 * Leaving CALLING/ALERTING without an answer (486/480/408/any failure, unreachable, T1) moves
 * to the next advisor; none left -> DISCONNECT with the most telling cause (call_final_cause).
 * Advisors come from the routing table (firmware/route: the best free advisor, each outcome
 * reported back: answered, busy, no answer, unreachable, failed, ended -> wrap-up) when it has
 * the hotline, else from the console's static `hotline` list in order.
 * Clearing from either side, from the console or on any failure terminates the instance;
 * .cleanup releases whatever leg is still up and the media channel.
 *
 * QUEUED and CLOSED (call_wait.c): nobody free, or outside the hours; RATING (call_rating.c):
 * the caller rates the advisor who hung up. The CDR is written at the end (call_cdr.c).
 *
 * A SIP leg is a struct call_leg, the sip_call's callback argument. A leg given up while its
 * INVITE is pending (CANCEL sent) is detached from the call and lives on until the SIP module
 * reports its end: a 200 that crosses the CANCEL gets a BYE, so that no leg is left behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <dsp/cptone.h>
#include <hlgw/board.h>
#include <hlgw/call.h>
#include <hlgw/cdr.h>
#include <hlgw/log.h>
#include <hlgw/route.h>
#include <hlgw/subsys.h>

#include "call_int.h"

static LLIST_HEAD(call_list);
static uint32_t call_next_id = 1;
static struct call_counters call_ctr;
static struct osmo_fsm call_fsm;

static const struct value_string call_event_names[] = {
	{ CALL_EV_SIP_RINGING, "SIP_RINGING" },
	{ CALL_EV_SIP_EARLY_MEDIA, "SIP_EARLY_MEDIA" },
	{ CALL_EV_SIP_ANSWERED, "SIP_ANSWERED" },
	{ CALL_EV_SIP_FAILED, "SIP_FAILED" },
	{ CALL_EV_SIP_ENDED, "SIP_ENDED" },
	{ CALL_EV_SIP_MEDIA, "SIP_MEDIA" },
	{ CALL_EV_ISDN_HANGUP, "ISDN_HANGUP" },
	{ CALL_EV_CLEAR, "CLEAR" },
	{ CALL_EV_CALLER_DIGIT, "CALLER_DIGIT" },
	{}
};

/* ---- legs ---------------------------------------------------------------------------- */

static void call_sip_cb(struct sip_call *sc, const struct sip_call_info *info, void *arg)
{
	static const uint32_t ev_of[] = {
		[SIP_CALL_RINGING] = CALL_EV_SIP_RINGING,
		[SIP_CALL_EARLY_MEDIA] = CALL_EV_SIP_EARLY_MEDIA,
		[SIP_CALL_ANSWERED] = CALL_EV_SIP_ANSWERED,
		[SIP_CALL_FAILED] = CALL_EV_SIP_FAILED,
		[SIP_CALL_ENDED] = CALL_EV_SIP_ENDED,
		[SIP_CALL_MEDIA] = CALL_EV_SIP_MEDIA,
	};
	struct call_leg *leg = arg;
	bool final = info->ev == SIP_CALL_FAILED || info->ev == SIP_CALL_ENDED;
	struct call *c = leg->call;

	if (!c) {
		/* given up: a 200 that crossed our CANCEL still needs its BYE */
		if (info->ev == SIP_CALL_ANSWERED)
			sip_call_hangup(sc);
		if (final)
			talloc_free(leg);
		return;
	}
	if (final) {
		leg->sc = NULL;
		c->leg = NULL;
	}
	if ((unsigned int)info->ev < ARRAY_SIZE(ev_of))
		osmo_fsm_inst_dispatch(c->fi, ev_of[info->ev], (void *)info);
	if (final)
		talloc_free(leg);
}

/* Give the SIP leg up: CANCEL or BYE (with the Q.850 cause in a Reason header); its end
 * comes later to the detached leg. */
static void call_leg_drop(struct call *c, int cause)
{
	struct call_leg *leg = c->leg;

	if (!leg)
		return;
	c->leg = NULL;
	leg->call = NULL;
	if (sip_call_hangup_cause(leg->sc, cause) < 0)
		LOGPFSML(c->fi, LOGL_DEBUG, "SIP leg already ending\n");
	if (c->early_remote && c->mc) {
		/* stop sending to an advisor who is no longer in the call */
		media_chan_set_remote(c->mc, &(struct media_remote){ .te_pt = -1 });
		c->early_remote = false;
	}
}

/* Clear the caller's side with cause (once). */
static void call_isdn_release(struct call *c, int cause)
{
	if (!c->pcall)
		return;
	LOGPFSML(c->fi, LOGL_INFO, "clearing the caller's side, cause %d (%s)\n", cause,
		 call_cause_name(cause));
	isdn_leg_release(c->span, c->pcall, cause);
	c->pcall = NULL;
}

static void call_set_media(struct call *c, const struct sip_media *m)
{
	struct media_remote r;

	if (!c->mc || !m)
		return;
	r = (struct media_remote){ .addr = m->addr, .port = m->port, .pt_pcma = m->pcma_pt,
				   .te_pt = m->te_pt, .sendonly = m->sendonly };
	if (media_chan_set_remote(c->mc, &r) < 0)
		LOGPFSML(c->fi, LOGL_ERROR, "media: remote refused\n");
}

/* Both sides down: the instance ends (cleanup closes the media channel and writes the CDR:
 * side is who ended it, cause the release cause it records). */
void call_end_by(struct call *c, int isdn_cause, int sip_cause, enum cdr_side side,
			int cause)
{
	c->rel_side = (uint8_t)side;
	c->rel_cause = (uint8_t)cause;
	call_leg_drop(c, sip_cause);
	call_isdn_release(c, isdn_cause);
	osmo_fsm_inst_term(c->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

/* What tells the caller most after every advisor was tried: someone was busy (17), someone
 * rang without answering (19), nobody responded (18); else the last failure as RFC 3398
 * maps it. */
static int call_final_cause(const struct call *c)
{
	if (c->any_busy)
		return 17;
	if (c->any_noanswer)
		return 19;
	if (c->any_noresponse)
		return 18;
	return c->last_cause ? c->last_cause : 34;
}

/* Tell the route module what became of the current table pick (once; ANSWERED, then ENDED). */
void call_route_report(struct call *c, enum route_outcome out)
{
	if (!c->picked)
		return;
	route_outcome(&c->pick, out, c->id);
	if (out == ROUTE_OUT_ANSWERED)
		c->talking = true;
	else
		c->picked = c->talking = false;
}

/* The failure of an unanswered try, as the route module counts it. */
static enum route_outcome call_route_failure(int status)
{
	switch (status) {
	case 486:
	case 600:
		return ROUTE_OUT_BUSY;
	case 480:
		return ROUTE_OUT_NOANSWER;
	case 408:
	case 503:
		return ROUTE_OUT_UNREACHABLE;
	default:
		return ROUTE_OUT_FAILED;
	}
}

/* The next advisor's URI and ring timeout: the table's best free one, or the static list's
 * next. Returns false when none is left. */
static bool call_next_advisor(struct call *c, const struct call_hotline *h, char *uri,
			      unsigned int *ring_s)
{
	if (c->routed) {
		int rc;

		if (c->have_pick) { /* chosen by the queue's poll */
			c->have_pick = false;
			osmo_strlcpy(uri, c->pick.uri, SIP_URI_MAX);
			*ring_s = c->pick.ring_timeout_s;
			return true;
		}
		/* at most ROUTE_TRIED_MAX advisors per call: each is tried once */
		if (c->tried.n >= ROUTE_TRIED_MAX)
			return false;
		rc = route_select(&c->pick, c->rhotline, &c->tried, c->id);
		c->none_free = rc == -EAGAIN;
		if (rc < 0)
			return false;
		c->picked = true;
		c->tried.id[c->tried.n++] = c->pick.id;
		osmo_strlcpy(uri, c->pick.uri, SIP_URI_MAX);
		*ring_s = c->pick.ring_timeout_s;
		return true;
	}
	if (!h || c->next_adv >= h->n_advisors)
		return false;
	osmo_strlcpy(uri, h->advisor[c->next_adv++], SIP_URI_MAX);
	*ring_s = h->ring_timeout_s;
	return true;
}

void call_try_next(struct call *c)
{
	const struct call_hotline *h = c->routed ? NULL : call_hotline_find(c->hotline);
	char display[SIP_NAME_MAX], uri[SIP_URI_MAX];
	unsigned int ring_s;

	while (call_next_advisor(c, h, uri, &ring_s)) {
		struct call_leg *leg = talloc_zero(hlgw_ctx, struct call_leg);
		struct sip_call_params p = {
			.uri = uri,
			.from_user = c->anonymous ? "anonymous" : c->caller,
			.rtp_port = c->rtp_port,
			.display = display,
			.pai_user = c->anonymous ? NULL : c->caller,
			.privacy = c->restricted,
			.hotline = c->hotline,
		};
		int rc;

		snprintf(display, sizeof(display), "Hotline %.24s / %.24s", c->hotline,
			 c->restricted || c->anonymous ? "anonymous" : c->caller);
		osmo_strlcpy(c->advisor, p.uri, sizeof(c->advisor));
		c->attempt++;
		if (c->attempt > 1)
			call_ctr.next_advisor++;
		if (!leg) {
			c->last_cause = 47;
			call_route_report(c, ROUTE_OUT_FAILED);
			continue;
		}
		leg->call = c;
		rc = sip_call_invite(&leg->sc, &p, call_sip_cb, leg);
		if (rc < 0) {
			LOGPFSML(c->fi, LOGL_NOTICE, "advisor %u %s: cannot call (%d)\n", c->attempt,
				 c->advisor, rc);
			talloc_free(leg);
			c->last_cause = call_cause_from_sip(503);
			call_route_report(c, ROUTE_OUT_UNREACHABLE);
			continue;
		}
		call_ctr.attempts++;
		c->leg = leg;
		LOGPFSML(c->fi, LOGL_INFO, "advisor %u: %s\n", c->attempt, c->advisor);
		osmo_fsm_inst_state_chg(c->fi, CALL_ST_CALLING, ring_s, CALL_T_RING);
		return;
	}
	osmo_strlcpy(c->last_advisor, c->advisor, sizeof(c->last_advisor)); /* for the CDR */
	c->advisor[0] = 0;
	if (call_queue_enter(c))
		return;
	LOGPFSML(c->fi, LOGL_NOTICE, "no advisor left after %u tries\n", c->attempt);
	call_end_by(c, call_final_cause(c), 0, CDR_SIDE_BOX, call_final_cause(c));
}

/* ---- FSM ------------------------------------------------------------------------------- */

static bool call_ringback_box; /* `ringback inband`: the box plays it, not the network */

void call_ringback_inband_set(bool on)
{
	call_ringback_box = on;
}

bool call_ringback_inband(void)
{
	return call_ringback_box;
}

/* The advisor's phone rings and sends no early media: with `ringback inband` the caller hears
 * the country's ringback from the box (kept through a move to the next advisor). */
static void call_ringback_start(struct call *c)
{
	if (!call_ringback_box || c->ringback || c->early_remote || !c->mc)
		return;
	if (media_chan_play_tone(c->mc, CPTONE_RINGBACK) == 0)
		c->ringback = true;
}

static void call_ringback_stop(struct call *c)
{
	if (c->ringback && c->mc)
		media_chan_play_tone(c->mc, -1);
	c->ringback = false;
}

static void call_fsm_ringing(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct call *c = fi->priv;
	const struct sip_call_info *info = data;

	switch (event) {
	case CALL_EV_SIP_RINGING:
		/* in-band information available while early media flows */
		call_ringback_start(c);
		if (!c->alerted && c->pcall)
			isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_ALERTING,
				      c->early_remote || c->ringback);
		c->alerted = true;
		osmo_fsm_inst_state_chg_keep_timer(fi, CALL_ST_ALERTING);
		break;
	case CALL_EV_SIP_EARLY_MEDIA:
		/* in-band media from the advisor (ringback, announcement): let the caller hear it */
		call_ringback_stop(c);
		call_set_media(c, info->media);
		c->early_remote = true;
		if (c->pcall && info->status == 180 && !c->alerted) {
			isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_ALERTING, true);
			c->alerted = true;
		} else if (c->pcall && !c->progressed) {
			isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_PROGRESS, true);
			c->progressed = true;
		}
		osmo_fsm_inst_state_chg_keep_timer(fi, CALL_ST_ALERTING);
		break;
	case CALL_EV_SIP_ANSWERED:
		call_ringback_stop(c);
		call_set_media(c, info->media);
		c->early_remote = false;
		if (c->pcall && !c->box_answered)
			isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_CONNECT, false);
		c->t_connect_ms = board_time_ms();
		call_ctr.answered++;
		call_route_report(c, ROUTE_OUT_ANSWERED);
		LOGPFSML(fi, LOGL_NOTICE, "advisor %s answered\n", c->advisor);
		osmo_fsm_inst_state_chg(fi, CALL_ST_ACTIVE, 0, 0);
		break;
	case CALL_EV_SIP_FAILED:
		LOGPFSML(fi, LOGL_INFO, "advisor %u %s: %d\n", c->attempt, c->advisor, info->status);
		if (c->early_remote && c->mc)
			media_chan_set_remote(c->mc, &(struct media_remote){ .te_pt = -1 });
		c->early_remote = false;
		if (info->status == 486 || info->status == 600)
			c->any_busy = true;
		c->last_cause = info->q850 ? info->q850 : call_cause_from_sip(info->status);
		call_route_report(c, call_route_failure(info->status));
		call_try_next(c);
		break;
	case CALL_EV_SIP_ENDED: /* not answered, so not expected: take it as a failure */
		c->last_cause = 41;
		call_route_report(c, ROUTE_OUT_FAILED);
		call_try_next(c);
		break;
	}
}

static void call_fsm_active(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct call *c = fi->priv;
	const struct sip_call_info *info = data;

	switch (event) {
	case CALL_EV_SIP_ENDED:
	case CALL_EV_SIP_FAILED:
		LOGPFSML(fi, LOGL_INFO, "advisor cleared%s\n", info->q850 ? " (Reason Q.850)" : "");
		c->adv_cause = (uint8_t)(info->q850 ? info->q850 : 16);
		c->t_talk_end_ms = board_time_ms();
		if (call_rating_get() != CALL_RATING_OFF && c->mc && c->pcall) {
			/* the talk is over (wrap-up starts), the caller stays to rate it */
			call_leg_drop(c, 0);
			call_route_report(c, ROUTE_OUT_ENDED);
			media_chan_set_remote(c->mc, &(struct media_remote){ .te_pt = -1 });
			osmo_fsm_inst_state_chg_ms(fi, CALL_ST_RATING,
						   call_rating_start(&c->rate, c->mc), CALL_T_RATE);
			break;
		}
		call_end_by(c, c->adv_cause, 0, CDR_SIDE_ADVISOR, c->adv_cause);
		break;
	case CALL_EV_SIP_EARLY_MEDIA:
	case CALL_EV_SIP_ANSWERED:
		call_set_media(c, info->media);
		break;
	case CALL_EV_SIP_MEDIA:
		/* held: nothing goes to the advisor, the caller hears silence; the ISDN call
		 * stays as it is */
		LOGPFSML(fi, LOGL_INFO, "advisor %s\n",
			 info->media->sendonly ? "holds the call" : "resumes or moves the stream");
		call_set_media(c, info->media);
		break;
	default:
		break;
	}
}

static void call_fsm_rating(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct call *c = fi->priv;
	uint32_t wait_ms;

	if (event != CALL_EV_CALLER_DIGIT || c->rate.q == PROMPT_THANKS)
		return; /* SIP: the leg is gone; digits after the last answer: ignored */
	if (call_rating_digit(&c->rate, c->mc, *(const char *)data, &wait_ms)) {
		LOGPFSML(fi, LOGL_INFO, "caller's answer: %c\n", *(const char *)data);
		osmo_fsm_inst_state_chg_ms(fi, CALL_ST_RATING, wait_ms, CALL_T_RATE);
	}
}

/* The caller's DTMF digits (media channel): only the rating takes them. */
static void call_caller_dtmf(struct media_chan *mc, char digit, bool end, void *arg)
{
	struct call *c = arg;

	if (end && c->fi && c->fi->state == CALL_ST_RATING)
		osmo_fsm_inst_dispatch(c->fi, CALL_EV_CALLER_DIGIT, &digit);
}

static void call_fsm_allstate(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct call *c = fi->priv;

	switch (event) {
	case CALL_EV_ISDN_HANGUP: {
		int cause = data ? *(int *)data : 16;

		/* libpri finishes the caller's side itself (isdn.c calls pri_hangup) */
		c->pcall = NULL;
		LOGPFSML(fi, LOGL_INFO, "caller cleared, cause %d\n", cause);
		if (fi->state == CALL_ST_RATING) /* the talk had ended by the advisor */
			call_end_by(c, 16, 0, CDR_SIDE_ADVISOR, c->adv_cause);
		else
			call_end_by(c, 16, cause ? cause : 16, CDR_SIDE_CALLER, cause ? cause : 16);
		break;
	}
	case CALL_EV_CLEAR:
		LOGPFSML(fi, LOGL_NOTICE, "cleared from the console\n");
		call_end_by(c, 16, 16, CDR_SIDE_BOX, 16);
		break;
	}
}

static int call_fsm_timer(struct osmo_fsm_inst *fi)
{
	struct call *c = fi->priv;

	if (fi->T == CALL_T_QUEUE) {
		call_queue_timeout(c);
		return 0;
	}
	if (fi->T == CALL_T_CLOSED) {
		call_end_by(c, 16, 0, CDR_SIDE_BOX, 16);
		return 0;
	}
	if (fi->T == CALL_T_RATE) { /* thanked, or no answer in time: release */
		LOGPFSML(fi, LOGL_INFO, "rating %u, solved %u: released\n", c->rate.rating,
			 c->rate.solved);
		call_end_by(c, 16, 0, CDR_SIDE_ADVISOR, c->adv_cause);
		return 0;
	}
	if (fi->T != CALL_T_RING)
		return 0;
	LOGPFSML(fi, LOGL_INFO, "advisor %u %s: no answer within the ring timeout\n", c->attempt,
		 c->advisor);
	if (fi->state == CALL_ST_ALERTING)
		c->any_noanswer = true;
	else
		c->any_noresponse = true;
	/* RFC 3398 7.2.4.1 would say 480 for 19: the CANCEL carries the cause instead */
	call_leg_drop(c, fi->state == CALL_ST_ALERTING ? 19 : 18);
	call_route_report(c, fi->state == CALL_ST_ALERTING ? ROUTE_OUT_NOANSWER :
							      ROUTE_OUT_UNREACHABLE);
	call_try_next(c);
	return 0;
}

static void call_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct call *c = fi->priv;

	call_queue_leave(c);
	osmo_timer_del(&c->qmedia);
	call_leg_drop(c, 16);
	call_isdn_release(c, 41); /* only when something failed on the way */
	/* the caller gave up while it rang (no fault of the advisor's), or the talk ended */
	call_route_report(c, c->talking ? ROUTE_OUT_ENDED : ROUTE_OUT_FAILED);
	if (c->mc)
		media_chan_close(c->mc);
	c->mc = NULL;
	llist_del(&c->list);
	call_cdr(c);
	call_ctr.completed++;
	fi->priv = NULL;
}

#define S(x) (1 << (x))
#define CALL_SIP_EVENTS                                                                       \
	(S(CALL_EV_SIP_RINGING) | S(CALL_EV_SIP_EARLY_MEDIA) | S(CALL_EV_SIP_ANSWERED) |       \
	 S(CALL_EV_SIP_FAILED) | S(CALL_EV_SIP_ENDED) | S(CALL_EV_SIP_MEDIA))

static const struct osmo_fsm_state call_fsm_states[] = {
	[CALL_ST_CALLING] = {
		.name = "CALLING",
		.in_event_mask = CALL_SIP_EVENTS,
		.out_state_mask = S(CALL_ST_CALLING) | S(CALL_ST_ALERTING) | S(CALL_ST_ACTIVE) |
				  S(CALL_ST_QUEUED) | S(CALL_ST_CLOSED),
		.action = call_fsm_ringing,
	},
	[CALL_ST_ALERTING] = {
		.name = "ALERTING",
		.in_event_mask = CALL_SIP_EVENTS,
		.out_state_mask = S(CALL_ST_CALLING) | S(CALL_ST_ALERTING) | S(CALL_ST_ACTIVE) |
				  S(CALL_ST_QUEUED),
		.action = call_fsm_ringing,
	},
	[CALL_ST_ACTIVE] = {
		.name = "ACTIVE",
		.in_event_mask = CALL_SIP_EVENTS,
		.out_state_mask = S(CALL_ST_RATING),
		.action = call_fsm_active,
	},
	[CALL_ST_RATING] = {
		.name = "RATING",
		.in_event_mask = CALL_SIP_EVENTS | S(CALL_EV_CALLER_DIGIT),
		.out_state_mask = S(CALL_ST_RATING),
		.action = call_fsm_rating,
	},
	[CALL_ST_QUEUED] = {
		.name = "QUEUED",
		.out_state_mask = S(CALL_ST_CALLING) | S(CALL_ST_QUEUED),
	},
	[CALL_ST_CLOSED] = {
		.name = "CLOSED",
	},
};

static struct osmo_fsm call_fsm = {
	.name = "call",
	.states = call_fsm_states,
	.num_states = ARRAY_SIZE(call_fsm_states),
	.allstate_event_mask = S(CALL_EV_ISDN_HANGUP) | S(CALL_EV_CLEAR),
	.allstate_action = call_fsm_allstate,
	.timer_cb = call_fsm_timer,
	.cleanup = call_fsm_cleanup,
	.log_subsys = DROUTE,
	.event_names = call_event_names,
};
#undef S

/* ---- the ISDN leg's entry points ------------------------------------------------------ */

/*
 * The SETUP's channel was only preferred and is busy: Q.931 5.2.3.1 b) lets the user side
 * take any free B-channel of the span; CALL PROCEEDING names it (exclusive). The lowest free
 * timeslot is taken. Returns media_chan_open()'s result: -EBUSY when none is free.
 */
static int call_pick_channel(struct call *c)
{
	unsigned int ts;
	int rc = -EBUSY;

	for (ts = 1; ts <= 31; ts++) {
		if (ts == c->ts)
			continue;
		rc = media_chan_open(&c->mc, &c->rtp_port,
				     &(struct media_params){ .span = c->span, .ts = ts,
							     .ptime_ms = 20,
							     .caller_dtmf_cb = call_caller_dtmf,
							     .cb_arg = c });
		if (rc == 0) {
			LOGPFSML(c->fi, LOGL_INFO, "S%u TS%u busy (preferred): TS%u instead\n",
				 c->span, c->ts, ts);
			c->ts = ts;
			c->channel = (c->channel & ~0xff) | (int)ts;
			call_ctr.channel_picked++;
			return 0;
		}
		if (rc != -EBUSY && rc != -ENODEV) /* out of streams or ports: give up */
			return rc;
		rc = -EBUSY;
	}
	return rc;
}

int call_isdn_setup(const struct call_setup *s)
{
	const struct call_hotline *h;
	struct osmo_fsm_inst *fi;
	struct call *c = NULL;
	char id[16];
	int rc = -ENOMEM;

	if (!s || !s->called || !s->pcall)
		return 34;
	call_ctr.setups++;
	h = call_hotline_find(s->called);
	if (!route_has_hotline(s->called) && (!h || !h->n_advisors)) {
		call_ctr.refused++;
		/* no routing configured at all: as before call control (another box may) */
		if (!call_hotline_get(0) && route_hotline_get(0, &(struct route_hotline_info){}) < 0)
			return 34;
		return h ? 34 : 1;
	}
	if ((s->channel & 0xff) < 1 || (s->channel & 0xff) > 31) {
		call_ctr.refused++;
		return 34;
	}
	snprintf(id, sizeof(id), "%u", call_next_id);
	fi = osmo_fsm_inst_alloc(&call_fsm, hlgw_ctx, NULL, LOGL_INFO, id);
	if (!fi)
		goto err_refuse;
	c = talloc_zero(fi, struct call);
	if (!c)
		goto err_fi;
	fi->priv = c;
	c->fi = fi;
	c->id = call_next_id++;
	c->span = s->span;
	c->channel = s->channel;
	c->ts = (unsigned int)s->channel & 0xff;
	c->restricted = s->restricted;
	c->anonymous = !s->calling || !*s->calling;
	c->ton = s->ton;
	c->npi = s->npi;
	if (!c->anonymous &&
	    call_number_e164(c->caller, sizeof(c->caller), s->ton, s->npi, s->calling) < 0)
		c->anonymous = true;
	osmo_strlcpy(c->hotline, s->called, sizeof(c->hotline));
	osmo_strlcpy(c->rhotline, s->called, sizeof(c->rhotline));
	c->routed = route_has_hotline(s->called);
	osmo_timer_setup(&c->qmedia, call_queue_media, c);
	c->t_setup_ms = board_time_ms();
	c->utc_setup_ms = board_utc_ms();
	rc = media_chan_open(&c->mc, &c->rtp_port,
			     &(struct media_params){ .span = s->span, .ts = c->ts, .ptime_ms = 20,
						     .caller_dtmf_cb = call_caller_dtmf, .cb_arg = c });
	if (rc == -EBUSY && s->preferred)
		rc = call_pick_channel(c);
	if (rc < 0) {
		LOGPFSML(fi, LOGL_ERROR, "no media channel for S%u TS%u (%d)\n", c->span, c->ts,
			 rc);
		c->mc = NULL;
		goto err_fi;
	}
	c->pcall = s->pcall;
	INIT_LLIST_HEAD(&c->list);
	llist_add_tail(&c->list, &call_list);
	LOGPFSML(fi, LOGL_NOTICE, "S%u TS%u caller %s%s hotline %s, RTP port %u\n", c->span, c->ts,
		 c->anonymous ? "-" : c->caller, c->restricted ? " (restricted)" : "", c->hotline,
		 c->rtp_port);
	/* CALL PROCEEDING first: libpri then sends DISCONNECT with any cause we clear with */
	isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_PROCEEDING, false);
	if (!call_closed(c))
		call_try_next(c); /* may already end the call (nobody callable): pcall handled */
	return 0;

err_fi:
	if (c)
		c->pcall = NULL;
	fi->priv = NULL;
	osmo_fsm_inst_free(fi);
err_refuse:
	call_ctr.refused++;
	return rc == -EBUSY ? 44 : 34;
}

static struct call *call_find_isdn(unsigned int span, void *pcall)
{
	struct call *c;

	llist_for_each_entry(c, &call_list, list)
		if (c->span == span && c->pcall == pcall)
			return c;
	return NULL;
}

void call_isdn_hangup(unsigned int span, void *pcall, int cause)
{
	struct call *c = pcall ? call_find_isdn(span, pcall) : NULL;

	if (c)
		osmo_fsm_inst_dispatch(c->fi, CALL_EV_ISDN_HANGUP, &cause);
}

/* ---- console API ------------------------------------------------------------------------ */

static void call_fill(const struct call *c, struct call_info *info)
{
	uint32_t now = board_time_ms();

	memset(info, 0, sizeof(*info));
	info->id = c->id;
	info->span = c->span;
	info->ts = c->ts;
	osmo_strlcpy(info->caller, c->anonymous ? "" : c->caller, sizeof(info->caller));
	info->restricted = c->restricted;
	info->ton = c->ton;
	info->npi = c->npi;
	osmo_strlcpy(info->hotline, c->hotline, sizeof(info->hotline));
	osmo_strlcpy(info->advisor, c->advisor, sizeof(info->advisor));
	info->attempt = c->attempt;
	info->state = osmo_fsm_inst_state_name(c->fi);
	info->age_s = (now - c->t_setup_ms) / 1000;
	info->talk_s = c->t_connect_ms ? (now - c->t_connect_ms) / 1000 : 0;
	info->media = c->mc && media_chan_get_stats(c->mc, &info->stats) == 0;
	if (info->media)
		media_chan_get_ecan(c->mc, &info->ecan);
}

int call_get(unsigned int idx, struct call_info *info)
{
	struct call *c;

	if (!info)
		return -EINVAL;
	llist_for_each_entry(c, &call_list, list)
		if (idx-- == 0) {
			call_fill(c, info);
			return 0;
		}
	return -ENOENT;
}

static struct call *call_by_id(uint32_t id)
{
	struct call *c;

	llist_for_each_entry(c, &call_list, list)
		if (c->id == id)
			return c;
	return NULL;
}

int call_get_by_id(uint32_t id, struct call_info *info)
{
	struct call *c = call_by_id(id);

	if (!c || !info)
		return -ENOENT;
	call_fill(c, info);
	return 0;
}

int call_clear(uint32_t id)
{
	struct call *c = call_by_id(id);

	if (!c)
		return -ENOENT;
	osmo_fsm_inst_dispatch(c->fi, CALL_EV_CLEAR, NULL);
	return 0;
}

void call_get_counters(struct call_counters *ctr)
{
	if (ctr)
		*ctr = call_ctr;
}

/* ---- subsystem ---------------------------------------------------------------------------- */

static int call_init(struct board *b)
{
	static bool registered;

	if (!registered && osmo_fsm_register(&call_fsm) < 0)
		return -EEXIST;
	registered = true;
	call_queue_init(call_queue_try);
	return 0;
}

static void call_stop(void)
{
	struct call *c, *tmp;

	/* the box goes down (SIP and ISDN already stopped): only free what the calls hold */
	llist_for_each_entry_safe(c, tmp, &call_list, list) {
		if (c->leg)
			c->leg->call = NULL;
		c->leg = NULL;
		c->pcall = NULL;
		osmo_fsm_inst_term(c->fi, OSMO_FSM_TERM_REGULAR, NULL);
	}
}

const struct hlgw_subsys call_subsys = {
	.name = "call",
	.init = call_init,
	.stop = call_stop,
};
