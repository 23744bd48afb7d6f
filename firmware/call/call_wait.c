// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call control's waiting (issue 4 point 3): a routed call that finds nobody free waits in its
 * hotline's queue (call_queue.c keeps the order) hearing the announcement, its position and
 * music; the queue's poll gives it the next free advisor; after the maximum wait the overflow
 * hotline or a release. Outside opening hours: the closed announcement and a release.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/media.h>

#include "call_int.h"

/* An announcement by name (prompt NAME FILE), else tones; returns its length in ms (0: the
 * tones of desc play, for ever when they repeat). */
static uint32_t call_announce(struct call *c, const char *name, const char *desc)
{
	const uint8_t *p;
	size_t n;

	p = *name ? prompt_get_name(name, &n, NULL) : NULL;
	if (p) {
		media_chan_play_prompt(c->mc, p, n);
		return (uint32_t)(n / 8);
	}
	if (desc && cptone_parse(&c->qseq, desc) == 0)
		media_chan_play_seq(c->mc, &c->qseq);
	return 0;
}

/* What a waiting caller hears, in turns of CALL_QUEUE_CYCLE_S: the hotline's queue
 * announcement, its position (announce_position: the prompt "position-N" when loaded, else one
 * 1400 Hz beep per call ahead and its own), then music (prompt "music") or the country's
 * ringback. */
void call_queue_media(void *arg)
{
	struct call *c = arg;
	struct route_hotline_info hi;
	uint32_t ms = 0;
	unsigned int pos, i;

	if (!c->mc || route_hotline_find(c->rhotline, &hi) < 0)
		return;
	switch (c->qstep++) {
	case 0:
		ms = call_announce(c, hi.ann_queue, NULL);
		if (ms)
			break;
		/* fall through - no announcement */
	case 1:
		c->qstep = 2;
		pos = call_queue_position(&c->q);
		if (hi.announce_position && pos) {
			char pname[24];

			/* the admin's spoken position ("position-3": you are third), else beeps */
			snprintf(pname, sizeof(pname), "position-%u", pos);
			ms = call_announce(c, pname, NULL);
			if (ms)
				break;
			memset(&c->qseq, 0, sizeof(c->qseq));
			for (i = 0; i < pos && i < CPTONE_PARTS_MAX / 2; i++) {
				c->qseq.part[2 * i] = (struct cptone_part){ .f1 = 1400, .ms = 150 };
				c->qseq.part[2 * i + 1] = (struct cptone_part){ .ms = 250 };
			}
			c->qseq.n = c->qseq.loop = (uint8_t)(2 * i);
			media_chan_play_seq(c->mc, &c->qseq);
			ms = 400 * i + 500;
			break;
		}
		/* fall through */
	default: {
		const uint8_t *m;
		size_t n;

		m = prompt_get_name("music", &n, NULL);
		if (m)
			media_chan_play_prompt(c->mc, m, n);
		else
			media_chan_play_tone(c->mc, CPTONE_RINGBACK);
		c->qstep = 0;
		osmo_timer_schedule(&c->qmedia, CALL_QUEUE_CYCLE_S, 0);
		return;
	}
	}
	osmo_timer_schedule(&c->qmedia, ms / 1000, ms % 1000 * 1000);
}

/* Nobody free for a routed call when it came (or when the queue's advisor failed it): wait in
 * the hotline's queue (max_wait_s > 0), in the mode the table says. A call whose offers all
 * failed (busy elsewhere, no answer) is not queued. false: the caller is released. */
bool call_queue_enter(struct call *c)
{
	struct route_hotline_info hi;

	if (!c->routed || !c->none_free || !c->pcall || !c->mc ||
	    (c->attempt && !c->from_queue && !c->overflowed) ||
	    route_hotline_find(c->rhotline, &hi) < 0 || !hi.max_wait_s)
		return false;
	/* one that got an advisor from the queue and lost it keeps its place: at the head */
	call_queue_add(&c->q, c->rhotline, c->from_queue);
	c->tried.n = 0;
	if (hi.queue == ROUTE_QUEUE_ANSWER) {
		if (!c->box_answered)
			isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_CONNECT, false);
		c->box_answered = true;
	} else if (!c->alerted) {
		isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_ALERTING, true);
		c->alerted = true;
	}
	LOGPFSML(c->fi, LOGL_NOTICE, "nobody free on %s: queued (position %u, %s, at most %u s)\n",
		 c->rhotline, call_queue_position(&c->q),
		 hi.queue == ROUTE_QUEUE_ANSWER ? "answered" : "alerting", hi.max_wait_s);
	c->queue_ms -= board_time_ms(); /* += when it leaves */
	c->qstep = 0;
	call_queue_media(c);
	osmo_fsm_inst_state_chg(c->fi, CALL_ST_QUEUED, hi.max_wait_s, CALL_T_QUEUE);
	return true;
}

void call_queue_leave(struct call *c)
{
	if (!c->q.queued)
		return;
	call_queue_del(&c->q);
	c->queue_ms += board_time_ms();
	osmo_timer_del(&c->qmedia);
	media_chan_play_prompt(c->mc, NULL, 0);
	media_chan_play_tone(c->mc, -1);
}

/* The queue's poll: the best free advisor for this waiting call, if any. */
bool call_queue_try(struct call_queue_item *it)
{
	struct call *c = container_of(it, struct call, q);
	struct route_tried none = { 0 };
	struct route_hotline_info hi;

	/* nobody eligible: not asked (each ask would log "nobody free" 4 times a second) */
	if (route_hotline_find(c->rhotline, &hi) < 0 || !hi.n_eligible ||
	    route_select(&c->pick, c->rhotline, &none, c->id) < 0)
		return false;
	c->picked = true;
	c->have_pick = true;
	c->from_queue = true;
	c->tried.n = 0;
	c->tried.id[c->tried.n++] = c->pick.id;
	call_queue_leave(c);
	LOGPFSML(c->fi, LOGL_INFO, "advisor %u free: out of the queue\n", c->pick.id);
	call_try_next(c);
	return true;
}

/* The maximum wait is over: the overflow hotline's queue once, else released (17: busy). */
void call_queue_timeout(struct call *c)
{
	struct route_hotline_info hi;

	call_queue_leave(c);
	if (!c->overflowed && route_hotline_find(c->rhotline, &hi) == 0 && *hi.overflow &&
	    route_has_hotline(hi.overflow)) {
		LOGPFSML(c->fi, LOGL_NOTICE, "waited %u s on %s: overflow to %s\n", hi.max_wait_s,
			 c->rhotline, hi.overflow);
		c->overflowed = true;
		osmo_strlcpy(c->rhotline, hi.overflow, sizeof(c->rhotline));
		c->tried.n = 0;
		call_try_next(c);
		return;
	}
	LOGPFSML(c->fi, LOGL_NOTICE, "waited the maximum on %s: released\n", c->rhotline);
	call_end_by(c, 17, 0, CDR_SIDE_BOX, 17);
}

/* Outside the hotline's opening hours: its closed announcement (else the special information
 * tone), then the release. true when closed. */
bool call_closed(struct call *c)
{
	struct route_hotline_info hi;
	uint64_t utc = board_utc_ms();
	uint32_t ms;

	if (!c->routed || !utc || route_hotline_find(c->rhotline, &hi) < 0 ||
	    route_hours_open(&hi.hours, (int64_t)(utc / 1000)))
		return false;
	isdn_leg_send(c->span, c->pcall, c->channel, ISDN_LEG_PROGRESS, true);
	c->progressed = true;
	ms = call_announce(c, hi.ann_closed, "!950/330,!1400/330,!1800/330,!0/1000");
	LOGPFSML(c->fi, LOGL_NOTICE, "%s is closed now: announcement, release\n", c->rhotline);
	osmo_fsm_inst_state_chg_ms(c->fi, CALL_ST_CLOSED, (ms ? ms : 2000) + 300, CALL_T_CLOSED);
	return true;
}

int call_queue_info_get(unsigned int idx, struct call_queue_info *info)
{
	const struct call_queue_item *it = call_queue_get(idx);
	const struct call *c;

	if (!it)
		return -ENOENT;
	c = container_of(it, struct call, q);
	memset(info, 0, sizeof(*info));
	info->id = c->id;
	info->span = c->span;
	info->ts = c->ts;
	osmo_strlcpy(info->caller, c->anonymous ? "" : c->caller, sizeof(info->caller));
	osmo_strlcpy(info->hotline, it->hotline, sizeof(info->hotline));
	info->position = call_queue_position(it);
	info->waited_s = (board_time_ms() - it->t_ms) / 1000;
	info->answered = c->box_answered;
	return 0;
}
