/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Call detail records: one per call, kept in flash until the host controller acknowledges
 * them (firmware/cdr). Records are appended to a log over the CDR area's sectors; each has
 * a log sequence number (its id) and a CRC, and is committed by a final marker programmed
 * after its body, so a power cut while one is written leaves it absent, never half there,
 * and the ones before it intact. An acknowledgement "all up to id N" is itself a record in
 * the log. A sector is erased for new records only when every CDR in it is acknowledged:
 * the store never drops one it holds; when no sector can be freed, new CDRs wait in RAM
 * (CDR_RAM_HOLD of them, counted) and the store says so.
 */
#ifndef HLGW_CDR_H
#define HLGW_CDR_H

#include <stdbool.h>
#include <stdint.h>

struct flash_dev;

#define CDR_NUM_MAX 32	   /* caller (E.164 as sent to SIP), hotline */
#define CDR_ADVISOR_MAX 64 /* the advisor who answered (or was tried last): URI or id */
#define CDR_RAM_HOLD 64

enum cdr_side {
	CDR_SIDE_CALLER,  /* the caller hung up (or never was answered and gave up) */
	CDR_SIDE_ADVISOR, /* the advisor hung up */
	CDR_SIDE_BOX,	  /* the box cleared it: no advisor, timeout, failure, console */
};

struct cdr_rec {
	uint32_t id;		/* set by the store */
	uint64_t start_ms;	/* UTC, ms since 1970: the SETUP */
	uint64_t answer_ms;	/* the advisor's answer; 0: never answered */
	uint64_t end_ms;	/* the release */
	uint8_t span, ts;
	uint8_t cause;		/* Q.850 release cause */
	uint8_t side;		/* enum cdr_side */
	uint8_t rating;		/* the caller's rating 1-5; 0: none */
	uint8_t solved;		/* 1 yes, 2 no; 0: not asked or no answer */
	uint16_t queue_s;	/* seconds waiting in the queue */
	uint32_t billable_ms;	/* advisor seconds: answer to end */
	char caller[CDR_NUM_MAX + 1];
	char hotline[CDR_NUM_MAX + 1];
	char advisor[CDR_ADVISOR_MAX + 1];
};

struct cdr_status {
	uint32_t slots;		/* records the area holds */
	uint32_t used;		/* slots written (CDRs, acknowledgements, torn ones) */
	uint32_t pending;	/* CDRs not acknowledged, in flash */
	uint32_t ram_held;	/* CDRs waiting in RAM: the area is full of unacknowledged ones */
	uint32_t last_id;	/* the newest record's id (0: none yet) */
	uint32_t acked_upto;	/* every CDR up to this id is acknowledged */
	uint32_t free_pct;	/* room left for new CDRs, erased or reclaimable, percent */
	bool nearly_full;	/* free_pct under CDR_ALARM_FREE_PCT: alarm */
	uint32_t written, acks, torn, write_errors, ram_lost;
};
#define CDR_ALARM_FREE_PCT 20

/* Open the store on [off, off + size) of flash (sector aligned) and read what it holds.
 * Returns 0, -EINVAL (area), -EIO. */
int cdr_init(const struct flash_dev *flash, uint32_t off, uint32_t size);
/* Append a CDR; *id (may be NULL) gets its id. Returns 0, -EAGAIN (held in RAM: the area has
 * no room; written when acknowledgements free a sector), -ENOSPC (RAM full too: lost, counted),
 * -EIO, -ENODEV (no store). */
int cdr_add(struct cdr_rec *r, uint32_t *id);
/* The host has every CDR up to id: record that. Returns 0, -ERANGE (beyond the newest),
 * -EIO. Frees sectors for the CDRs held in RAM, which are then written. */
int cdr_ack(uint32_t upto);
/* The first CDR with an id above after that is still pending (in log order). 0 or -ENOENT. */
int cdr_next_pending(uint32_t after, struct cdr_rec *out);
/* The newest n CDRs (acknowledged or not), oldest first, into out[]; returns how many. */
unsigned int cdr_recent(struct cdr_rec *out, unsigned int n);
void cdr_get_status(struct cdr_status *st);

#endif
