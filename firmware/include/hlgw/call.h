/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Call control (firmware/call): one osmo_fsm instance per call bridges the ISDN leg (libpri,
 * firmware/isdn) and the SIP leg (hlgw/sip.h) through a media channel (hlgw/media.h).
 *   SETUP -> CALL PROCEEDING, media channel open, INVITE to the hotline's first advisor;
 *   180/183 -> ALERTING / PROGRESS (in-band early media); 200 -> CONNECT;
 *   486/480/408/unreachable/ring timeout -> the next advisor; none left -> DISCONNECT with the
 *   cause that tells the caller most (see call_route.c); clearing from either side.
 * Routing for now: per-hotline ordered advisor lists in the running config (`hotline` node).
 * Causes: the Q.850 <-> SIP table of RFC 3398 (7.2.4.1 / 8.2.6.1), changeable at the console.
 * Everything runs in the main loop.
 */
#ifndef HLGW_CALL_H
#define HLGW_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hlgw/media.h>
#include <hlgw/sip.h>

#define CALL_NUM_MAX 32		/* digits of a number, with a leading + */
#define CALL_HOTLINES_MAX 32
#define CALL_ADVISORS_MAX 16	/* per hotline */
#define CALL_RING_TIMEOUT_DEF 30 /* s */
#define CALL_RING_TIMEOUT_MIN 5
#define CALL_RING_TIMEOUT_MAX 120
#define CALL_PREFIX_MAX 16

/* ---- hotlines (route.c) ---- */
struct call_hotline {
	char number[CALL_NUM_MAX + 1];	/* called number as the SETUP carries it */
	unsigned int ring_timeout_s;	/* per advisor */
	unsigned int n_advisors;
	char advisor[CALL_ADVISORS_MAX][SIP_URI_MAX]; /* in the order they are tried */
};

/* Create (or find) a hotline. Returns 0, -EINVAL (not 1..32 digits), -ENOSPC. */
int call_hotline_add(const char *number);
/* Returns 0 or -ENOENT. */
int call_hotline_del(const char *number);
/* Append an advisor. Returns 0, -ENOENT (no hotline), -EINVAL (not a usable sip: URI),
 * -EEXIST (already listed), -ENOSPC. */
int call_hotline_advisor_add(const char *number, const char *uri);
/* Returns 0 or -ENOENT (no such hotline or advisor). */
int call_hotline_advisor_del(const char *number, const char *uri);
/* Returns 0, -ENOENT, -ERANGE (outside 5..120). */
int call_hotline_ring_timeout(const char *number, unsigned int s);
/* Hotline number idx (0..); NULL past the last one. Valid until the next change. */
const struct call_hotline *call_hotline_get(unsigned int idx);
const struct call_hotline *call_hotline_find(const char *number);

/* ---- calling number -> E.164 (TON of the calling party number, Q.931 4.5.10) ---- */
enum call_ton {
	CALL_TON_UNKNOWN = 0,
	CALL_TON_INTERNATIONAL = 1,
	CALL_TON_NATIONAL = 2,
	CALL_TON_SUBSCRIBER = 4,
	CALL_TON__NUM = 8,
};
/* Prefix put before a calling number of this type ("+" for international by default, ""
 * for the others: set e.g. national "+49", subscriber "+4930"). Returns 0 or -EINVAL
 * (not [+]digits, or too long). */
int call_prefix_set(enum call_ton ton, const char *prefix);
const char *call_prefix_get(enum call_ton ton);
/* Numbering plan identification of the calling party number (Q.931 4.5.10). */
enum call_npi {
	CALL_NPI_UNKNOWN = 0,
	CALL_NPI_ISDN = 1,	/* ISDN/telephony, E.164 */
	CALL_NPI_DATA = 3,	/* X.121 */
	CALL_NPI_TELEX = 4,	/* F.69 */
	CALL_NPI_NATIONAL = 8,	/* national standard */
	CALL_NPI_PRIVATE = 9,
	CALL_NPI__NUM = 16,
};
/* Prefix put before a calling number of the private numbering plan (default "": such
 * numbers go to SIP as they are; e.g. "+49301234" when the PBX's extensions are a block of
 * E.164 numbers). Returns 0 or -EINVAL. */
int call_prefix_private_set(const char *prefix);
const char *call_prefix_private_get(void);
/* The calling number as SIP gets it. NPI unknown or ISDN/telephony: prefix(ton) + number,
 * without a doubled +; NPI private: the private prefix + number; the other plans (data,
 * telex, national standard) have no E.164 form: the number as it is. Returns 0, -EINVAL or
 * -ENOSPC. */
int call_number_e164(char *out, size_t size, enum call_ton ton, enum call_npi npi,
		     const char *number);
const char *call_npi_name(enum call_npi npi);
const char *call_ton_name(enum call_ton ton);

/* `ringback inband`: while the advisor rings, the box plays the selected country's ringback
 * (dsp/cptone) and sends ALERTING with progress indicator 8; off (the default): ALERTING
 * without it, and the network plays its own. */
void call_ringback_inband_set(bool on);
bool call_ringback_inband(void);

/* After the advisor hangs up, the caller is asked to rate the advisor 1-5 by DTMF, and with
 * CALL_RATING_SOLVED whether the problem was solved (1 yes, 2 no), then thanked and released;
 * the answers go into the CDR. Off (default): the advisor's hangup releases the caller. */
enum call_rating_mode {
	CALL_RATING_OFF,
	CALL_RATING_ON,
	CALL_RATING_SOLVED,
};
void call_rating_set(enum call_rating_mode m);
enum call_rating_mode call_rating_get(void);

/* A call waiting for a free advisor (arrival order: idx 0 the oldest). */
struct call_queue_info {
	uint32_t id;
	unsigned int span, ts;
	char caller[CALL_NUM_MAX + CALL_PREFIX_MAX + 1];
	char hotline[CALL_NUM_MAX + 1]; /* the one it waits on (an overflow's after one) */
	unsigned int position;		/* in its hotline's queue, 1 = next */
	uint32_t waited_s;
	bool answered;			/* answered by the box (queue=answer) */
};
/* Returns 0 or -ENOENT past the last one. */
int call_queue_info_get(unsigned int idx, struct call_queue_info *info);

/* ---- causes (cause.c): RFC 3398 ---- */
/* Q.850 cause the caller gets for a SIP final status (RFC 3398 8.2.6.1). */
int call_cause_from_sip(int status);
/* SIP status for a Q.850 cause (RFC 3398 7.2.4.1); 0 for 16 (normal clearing: BYE/CANCEL). */
int call_cause_to_sip(int cause);
/* Change one entry: dir 0 SIP status -> cause, 1 cause -> SIP status. Returns 0 or -EINVAL. */
int call_cause_map_set_sip(int status, int cause);
int call_cause_map_set_q850(int cause, int status);
/* Back to RFC 3398. */
void call_cause_map_reset(void);
/* Table rows for the console: idx 0.. ; returns 0 or -ENOENT past the end. changed: differs
 * from RFC 3398 (the running config keeps those). */
int call_cause_sip_row(unsigned int idx, int *status, int *cause, bool *changed);
int call_cause_q850_row(unsigned int idx, int *cause, int *status, bool *changed);
/* "User busy", ... ("" when unknown) */
const char *call_cause_name(int cause);

/* ---- calls ---- */
struct call_info {
	uint32_t id;
	unsigned int span, ts;
	char caller[CALL_NUM_MAX + CALL_PREFIX_MAX + 1]; /* E.164 as sent to SIP */
	bool restricted;			     /* presentation restricted */
	enum call_ton ton;			     /* of the calling number in the SETUP */
	enum call_npi npi;
	char hotline[CALL_NUM_MAX + 1];
	char advisor[SIP_URI_MAX];	/* the advisor being tried or talking; "" none */
	unsigned int attempt;		/* 1.. advisors tried so far */
	const char *state;		/* FSM state name */
	uint32_t age_s;			/* since SETUP */
	uint32_t talk_s;		/* since CONNECT, 0 before */
	bool media;			/* a media channel is open */
	struct media_stats stats;	/* valid when media */
	struct media_ecan_info ecan;	/* valid when media */
};

/* Call number idx (0..) in arrival order; returns 0 or -ENOENT past the last one. */
int call_get(unsigned int idx, struct call_info *info);
/* Returns 0 or -ENOENT. */
int call_get_by_id(uint32_t id, struct call_info *info);
/* Clear a call from the console (cause 16 to the caller, BYE/CANCEL to the advisor).
 * Returns 0 or -ENOENT. */
int call_clear(uint32_t id);

struct call_counters {
	uint32_t setups, refused, answered, completed;
	uint32_t attempts, next_advisor; /* INVITEs sent; tries moved to the next advisor */
	uint32_t channel_picked;	 /* preferred channel busy, another one taken */
};
void call_get_counters(struct call_counters *ctr);

/* ---- the ISDN leg: isdn.c -> call control ---- */
struct call_setup {
	unsigned int span;
	int channel;		 /* libpri channel as in the SETUP (timeslot in bits 0-7) */
	void *pcall;		 /* libpri q931_call */
	const char *called;	 /* as the guard passed them: digits * # and a leading + */
	const char *calling;	 /* "" when absent */
	enum call_ton ton;
	enum call_npi npi;
	bool restricted;
	bool preferred;		 /* the channel is preferred, not exclusive: another may be taken */
};
/* A SETUP arrived (libpri PRI_EVENT_RING). Returns 0 (call control owns the call now and
 * has sent CALL PROCEEDING), or the Q.850 cause to refuse it with (RELEASE COMPLETE, which
 * libpri sends for 1, 34, 44, 81, 82 only): 1 unknown hotline, 34 no advisor / no media /
 * no routing configured at all. */
int call_isdn_setup(const struct call_setup *s);
/* The caller's side cleared (DISCONNECT / RELEASE: PRI_EVENT_HANGUP_REQ, HANGUP). */
void call_isdn_hangup(unsigned int span, void *pcall, int cause);

/* ---- the ISDN leg: call control -> isdn.c (firmware/isdn/isdn.c implements these) ---- */
enum isdn_leg_msg {
	ISDN_LEG_PROCEEDING, /* CALL PROCEEDING */
	ISDN_LEG_ALERTING,   /* ALERTING (inband: the advisor sends ringback) */
	ISDN_LEG_PROGRESS,   /* PROGRESS, in-band information available */
	ISDN_LEG_CONNECT,    /* CONNECT */
};
/* Returns 0 or -EIO (libpri refused), -ENODEV (span not up). */
int isdn_leg_send(unsigned int span, void *pcall, int channel, enum isdn_leg_msg msg,
		  bool inband);
/* DISCONNECT (or RELEASE COMPLETE before CALL PROCEEDING) with a Q.850 cause; libpri owns the
 * rest of the clearing. Do not use pcall again. */
int isdn_leg_release(unsigned int span, void *pcall, int cause);

#endif
