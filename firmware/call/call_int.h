/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firmware/call internals: the call's FSM and state, shared by call.c, call_wait.c, call_cdr.c. */
#ifndef HLGW_CALL_INT_H
#define HLGW_CALL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>

#include <dsp/cptone.h>
#include <hlgw/call.h>
#include <hlgw/cdr.h>
#include <hlgw/route.h>
#include <hlgw/sip.h>

#include "call_queue.h"
#include "call_rating.h"
#include "media/prompt.h"

enum call_fsm_state {
	CALL_ST_CALLING,
	CALL_ST_ALERTING,
	CALL_ST_ACTIVE,
	CALL_ST_RATING,	/* the advisor hung up; the caller rates (call_rating.c) */
	CALL_ST_QUEUED,	/* nobody free: waiting in the hotline's queue (call_queue.c) */
	CALL_ST_CLOSED,	/* outside opening hours: the closed announcement, then release */
};

enum call_fsm_event {
	CALL_EV_SIP_RINGING,	/* data: const struct sip_call_info * */
	CALL_EV_SIP_EARLY_MEDIA,
	CALL_EV_SIP_ANSWERED,
	CALL_EV_SIP_FAILED,
	CALL_EV_SIP_ENDED,
	CALL_EV_SIP_MEDIA,	/* the advisor's re-INVITE: hold, resume, new address */
	CALL_EV_ISDN_HANGUP,	/* data: int * Q.850 cause from the caller's side */
	CALL_EV_CLEAR,		/* console: clear call */
	CALL_EV_CALLER_DIGIT,	/* data: const char *: a DTMF digit from the caller, ended */
};

#define CALL_T_RING 1
#define CALL_T_RATE 2
#define CALL_T_QUEUE 3	/* the hotline's maximum wait */
#define CALL_T_CLOSED 4
#define CALL_QUEUE_CYCLE_S 20	/* the queue's announcement and position again */

struct call;

struct call_leg {
	struct call *call; /* NULL once given up: the leg ends by itself */
	struct sip_call *sc;
};

struct call {
	struct llist_head list;
	struct osmo_fsm_inst *fi;
	uint32_t id;
	/* ISDN leg */
	unsigned int span, ts;
	int channel;
	void *pcall; /* NULL once released */
	bool alerted, progressed;
	bool ringback;		/* the box plays the country's ringback to the caller */
	/* who and what */
	char caller[CALL_NUM_MAX + CALL_PREFIX_MAX + 1];
	bool restricted, anonymous;
	enum call_ton ton;	/* of the calling number in the SETUP */
	enum call_npi npi;
	char hotline[CALL_NUM_MAX + 1];
	/* SIP leg */
	struct call_leg *leg;
	unsigned int next_adv, attempt;
	char advisor[SIP_URI_MAX];
	char last_advisor[SIP_URI_MAX]; /* tried last, once none is left */
	bool routed;		  /* advisors from the routing table */
	bool picked;		  /* pick is offered, its outcome not yet (fully) reported */
	bool talking;		  /* pick answered: ENDED comes at the end */
	struct route_pick pick;
	struct route_tried tried; /* advisors this call tried */
	bool early_remote; /* media towards an advisor's early media */
	/* outcome of the tries so far, for the caller's cause */
	bool any_busy, any_noanswer, any_noresponse;
	int last_cause;
	/* media */
	struct media_chan *mc;
	uint16_t rtp_port;
	uint32_t t_setup_ms, t_connect_ms;
	uint64_t utc_setup_ms;	/* wall clock at the SETUP (0: unknown): the CDR's times */
	uint8_t rel_cause, rel_side; /* how it ended, for the CDR (enum cdr_side) */
	uint32_t t_talk_end_ms;	/* the advisor hung up (0: not yet): billable time ends */
	uint8_t adv_cause;	/* the advisor's release cause, while the caller rates */
	struct call_rating rate;
	/* queue (issue 4 point 3) */
	struct call_queue_item q;
	char rhotline[CALL_NUM_MAX + 1]; /* the hotline routed to (the overflow's after one) */
	bool none_free;		/* the last selection found nobody free */
	bool have_pick;		/* the queue got an advisor: the next try takes it */
	bool box_answered;	/* the box answered it (queue mode answer) */
	bool overflowed;
	bool from_queue;	/* the queue gave it its advisor: nobody free again -> back in */
	uint32_t queue_ms;	/* waited in queues so far */
	struct osmo_timer_list qmedia;	/* the queue's announcement steps */
	uint8_t qstep;
	struct cptone_seq qseq;	/* position beeps */
};

/* call.c */
/* Both sides down: the instance ends (its cleanup closes the media channel and writes the
 * CDR); side: who ended it, cause: the release cause the CDR records. */
void call_end_by(struct call *c, int isdn_cause, int sip_cause, enum cdr_side side, int cause);
/* The next advisor (the table's best free one, or the static list's next); none left: the
 * queue (call_queue_enter), or the release. */
void call_try_next(struct call *c);
/* Tell the route module what became of the current table pick. */
void call_route_report(struct call *c, enum route_outcome out);

/* call_wait.c */
bool call_queue_enter(struct call *c);
void call_queue_leave(struct call *c);
bool call_queue_try(struct call_queue_item *it);
void call_queue_timeout(struct call *c);
bool call_closed(struct call *c);
void call_queue_media(void *arg);

/* call_cdr.c */
void call_cdr(struct call *c);

#endif
