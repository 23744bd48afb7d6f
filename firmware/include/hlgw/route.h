/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Routing tables and best-free-advisor selection (firmware/route).
 *
 * A table is text, one record per line (README "Routing tables"): `hotline NUMBER key=value...`
 * and `advisor ID key=value...`. It is parsed and validated in slices from the main loop into
 * the spare one of two static buffers, then made active by a pointer flip; a bad row rejects
 * the whole table (line, field and reason kept for the console) and the active table stays.
 * Accepted tables are persisted in their own flash area (two slots + seq + CRC-32) and loaded
 * again at start.
 *
 * Calls hold a struct route_pick: the table generation, the advisor's index and id. After a
 * swap the route module finds the advisor again by id, so calls in progress keep working and
 * only new decisions use the new table. Everything runs in the main loop.
 */
#ifndef HLGW_ROUTE_H
#define HLGW_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "autoconf.h"
#include <hlgw/sip.h>

#define ROUTE_NUM_MAX 32	/* hotline number: digits * #, leading + */
#define ROUTE_NAME_MAX 31	/* names: [A-Za-z0-9._-] */
#define ROUTE_LINE_MAX 1024	/* one table row */
#define ROUTE_SERVES_PER_ADV 16 /* hotlines one advisor serves */
#define ROUTE_MAX_CALLS 8	/* simultaneous calls per advisor (max=) */
#define ROUTE_RATING_MIN 1	/* rating in hundredths: 0.01 .. 5.00 */
#define ROUTE_RATING_MAX 500
#define ROUTE_SKILL_MAX 9	/* skill level 1..9 */
#define ROUTE_STRIDE1 (1ull << 32) /* stride = ROUTE_STRIDE1 / (rating hundredths x skill) */

enum route_queue_mode {
	ROUTE_QUEUE_ALERTING, /* ALERTING with in-band progress: the caller is not charged */
	ROUTE_QUEUE_ANSWER,   /* answer, announcement and music */
};

/* Opening hours: minutes after local midnight, per weekday (0 Monday .. 6 Sunday); open ==
 * close: closed all day; open 0, close 1440: open all day. tz: a fixed UTC offset in minutes,
 * plus the EU summer-time rule when tz_eu (last Sunday of March 01:00 UTC to last Sunday of
 * October 01:00 UTC: +60 minutes). */
struct route_hours {
	uint16_t open[7], close[7];
	int16_t tz_min;
	bool tz_eu;
};

struct route_hotline_info {
	char number[ROUTE_NUM_MAX + 1];
	char name[ROUTE_NAME_MAX + 1];
	struct route_hours hours;
	enum route_queue_mode queue;
	uint16_t max_wait_s;
	bool announce_position;
	char ann_closed[ROUTE_NAME_MAX + 1], ann_queue[ROUTE_NAME_MAX + 1];
	char overflow[ROUTE_NUM_MAX + 1]; /* "" none */
	uint16_t ring_timeout_s;
	uint8_t missed_to_pause;	  /* 0: never */
	uint16_t wrapup_s;
	uint32_t n_serving;		  /* advisors serving it */
	uint32_t n_eligible;		  /* of those, free now */
};

enum route_adv_state {
	ROUTE_ADV_OUT,	  /* logged out */
	ROUTE_ADV_IN,	  /* logged in */
	ROUTE_ADV_PAUSED, /* paused by hand or in the table */
	ROUTE_ADV_AUTOPAUSED, /* missed N calls in a row */
};

struct route_advisor_info {
	uint32_t id;
	char name[ROUTE_NAME_MAX + 1];
	char uri[SIP_URI_MAX];
	uint16_t rating; /* hundredths */
	uint8_t max_calls, active, missed;
	enum route_adv_state state;
	bool wrapup, reachable;
	uint32_t wrapup_left_ms;
	uint32_t offered, answered; /* since the box started (carried across tables) */
	unsigned int n_serves;
	struct {
		char number[ROUTE_NUM_MAX + 1];
		uint8_t skill;
		uint64_t pass;
	} serves[ROUTE_SERVES_PER_ADV];
};

/* ---- tables ---- */
enum route_load_state {
	ROUTE_LOAD_IDLE,
	ROUTE_LOAD_BUSY,
};

struct route_load_status {
	enum route_load_state state;
	const char *source;  /* "file NAME", "flash", "console" */
	uint32_t lines;	     /* rows read so far (last load) */
	int result;	     /* last load: 0 ok, <0 -errno (-EINVAL: a bad row) */
	uint32_t err_line;   /* bad row: its line number */
	char err_field[24];  /* its field */
	char err_reason[80]; /* and why */
	uint32_t slices, max_slice_us; /* last load: main-loop slices, the longest */
	uint32_t total_ms;   /* last load: from start to swap (and persist) */
	bool persisted;	     /* last load went to flash */
	/* the active table */
	uint32_t gen;	     /* 0: no table */
	uint32_t hotlines, advisors, serves;
	uint32_t flash_seq;  /* its flash copy, 0 none */
};

/* Start loading a table from a board file (sim: host path). Persisted when valid.
 * Returns 0 (the load runs in slices; route_load_status tells the outcome), -EBUSY (a load is
 * running) or -errno from the board. */
int route_load_file(const char *path);
/* Same from text in memory (console paste, tests); the text must stay valid until the load
 * ends. persist: write it to flash when valid. */
int route_load_text(const char *text, size_t len, bool persist);
/* Run the load to its end now (tests, the bench). Returns the load's result. */
int route_load_finish(void);
/* One slice of the running load, at most budget_us long (the main loop calls this; 0: one
 * step of work, for tests). Returns true while work is left. */
bool route_load_step(uint32_t budget_us);
void route_load_status(struct route_load_status *st);
/* Flash area geometry in use (the bench, tests): offset and slot size. */
void route_flash_geometry(uint32_t *off, uint32_t *slot_size);

/* ---- lookups for the console ---- */
/* Hotline idx (0..) of the active table; -ENOENT past the end. */
int route_hotline_get(unsigned int idx, struct route_hotline_info *info);
/* By number: 0 or -ENOENT. */
int route_hotline_find(const char *number, struct route_hotline_info *info);
/* Advisor idx (0.., ascending id); -ENOENT past the end. */
int route_advisor_get(unsigned int idx, struct route_advisor_info *info);
int route_advisor_find(uint32_t id, struct route_advisor_info *info);
/* Is the hotline open at this UTC time (seconds since 1970)? */
bool route_hours_open(const struct route_hours *h, int64_t utc_s);

/* ---- selection (select.c) ---- */
struct route_pick {
	uint32_t gen;	   /* table generation when chosen */
	uint32_t adv;	   /* advisor index in that table */
	uint32_t id;	   /* advisor id */
	uint16_t hotline;  /* hotline index in that table */
	char number[ROUTE_NUM_MAX + 1]; /* the hotline */
	char uri[SIP_URI_MAX];
	uint16_t ring_timeout_s;
};

#define ROUTE_TRIED_MAX 16
struct route_tried {
	unsigned int n;
	uint32_t id[ROUTE_TRIED_MAX];
};

/* Does the active table route this number? */
bool route_has_hotline(const char *number);
/* Choose the best free advisor for the hotline, skipping those in tried (a call's earlier
 * tries), and count the offer (the advisor is busy with this call until route_outcome).
 * call_id: for the decision log. Returns 0, -ENOENT (no such hotline), -EAGAIN (nobody free). */
int route_select(struct route_pick *pick, const char *hotline, const struct route_tried *tried,
		 uint32_t call_id);

enum route_outcome {
	ROUTE_OUT_ANSWERED,    /* 200: stays busy until ENDED */
	ROUTE_OUT_BUSY,	       /* 486/600: no fault of the advisor's */
	ROUTE_OUT_NOANSWER,    /* rang out (ring timeout) or 480/408: counts as missed */
	ROUTE_OUT_UNREACHABLE, /* no response / transport failure: counts as missed */
	ROUTE_OUT_FAILED,      /* other failure, or the caller gave up while it rang */
	ROUTE_OUT_ENDED,       /* an answered call ended: wrap-up starts */
};
/* Report what became of an offer (once; ANSWERED then ENDED). */
void route_outcome(const struct route_pick *pick, enum route_outcome out, uint32_t call_id);

enum route_adv_cmd {
	ROUTE_CMD_LOGIN,
	ROUTE_CMD_LOGOUT,
	ROUTE_CMD_PAUSE,
	ROUTE_CMD_RESUME, /* also ends an auto-pause and clears the missed count */
};
/* By hand from the console. Returns 0 or -ENOENT. */
int route_advisor_cmd(uint32_t id, enum route_adv_cmd cmd);
/* Reachability (OPTIONS keep-alive) of every advisor with this URI. */
void route_advisor_reachable(const char *uri, bool up);

/* Decision log (a ring of the last ROUTE_DECISIONS): idx 0 = the newest. */
#define ROUTE_DECISIONS 256
struct route_decision {
	uint32_t t_ms;
	uint32_t call_id;
	uint32_t adv_id; /* 0 none */
	char hotline[ROUTE_NUM_MAX + 1];
	char text[96];	 /* the reason */
};
int route_decision_get(unsigned int idx, struct route_decision *d);

#endif
