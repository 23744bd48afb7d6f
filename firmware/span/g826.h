/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * G.826 error performance of one E1 span: ES, SES, BBE and UAS per 15-minute interval, the
 * last 96 intervals (24 h), without a wall clock: the span feeds one call per second and an
 * interval is 900 seconds fed.
 *
 * Per second (G.826 §3, Annex A, Annex B for 2048 kbit/s):
 *  - CRC-4 on (the block is the CRC-4 sub-multiframe, 1000 a second):
 *    ES  = >= 1 errored block, or a defect (LOS, AIS, LFA);
 *    SES = >= 30 % of the checked blocks errored, or a defect, or no block checked at all
 *          (CRC-4 configured but not one block could be checked: the path is not monitored);
 *    BBE = errored blocks in seconds that are not SES.
 *  - CRC-4 off: errored_blocks carries the FAS words received in error that second.
 *    ES  = >= 1 FAS error or a defect;
 *    SES = a defect, or >= 28 FAS errors: 28 errored FAS words of 7 bits in the 28000 FAS
 *          bits a second is the 1e-3 bit error ratio that G.821/M.2100 take as severely
 *          errored; BBE = FAS errors in seconds that are not SES.
 *  - Unavailable time begins at the onset of 10 consecutive SES: those 10 s are UAS, not SES
 *    (and not ES). Available time begins at the onset of 10 consecutive non-SES seconds:
 *    those 10 s are available (ES/BBE counted), not UAS. No ES/SES/BBE while unavailable.
 *    The back-dating reaches up to 9 s back, so in the first 9 s of an interval the counts
 *    of the interval just completed may still change (as G.7710 allows).
 */
#ifndef SPAN_G826_H
#define SPAN_G826_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#define G826_INTERVAL_SECS 900 /* 15 minutes */
#define G826_HISTORY 96	       /* 24 hours of intervals */
#define G826_SES_PERCENT 30    /* errored blocks in a second that make it severe */
#define G826_FAS_SES 28	       /* FAS errors in a second that make it severe (CRC-4 off) */
#define G826_UAS_RUN 10	       /* seconds that start / end unavailable time */

struct g826_counts {
	uint32_t secs; /* seconds fed (elapsed in the current interval) */
	uint32_t es;   /* errored seconds (available time only; includes SES) */
	uint32_t ses;  /* severely errored seconds (available time only) */
	uint32_t bbe;  /* background block errors (errored blocks outside SES) */
	uint32_t uas;  /* unavailable seconds */
};

struct g826_sec {
	bool es, ses;
	uint32_t bbe;
	uint32_t ivl; /* the interval it was counted in */
};

/* Fields are private; use the functions. */
struct g826 {
	bool crc4;
	bool unavailable;
	uint32_t run;	/* consecutive SES (available) or non-SES (unavailable) seconds */
	uint32_t nsec;	/* seconds fed since init */
	struct g826_sec recent[G826_UAS_RUN - 1]; /* the last 9 seconds, by nsec % 9 */
	uint32_t ivl;	/* sequence number of the current interval */
	struct g826_counts cur;
	struct g826_counts hist[G826_HISTORY]; /* completed intervals, ring */
	uint32_t hhead;			       /* next slot to write */
	uint32_t hcount;		       /* valid entries */
};

/* Start counting: available, no history. crc4 selects block (CRC-4) or FAS based counting.
 * Returns 0, -EINVAL for a NULL g. */
int g826_init(struct g826 *g, bool crc4);
/* Feed one second: errored blocks (CRC-4 errors; FAS errors when CRC-4 is off), blocks
 * checked (ignored when CRC-4 is off), whether a defect (LOS/AIS/LFA) was present.
 * Returns 0, -EINVAL for a NULL g. */
int g826_second(struct g826 *g, uint32_t errored_blocks, uint32_t blocks, bool defect);
/* Counts of the current interval so far (secs = seconds elapsed in it). Returns 0/-EINVAL. */
int g826_current(struct g826_counts *out, const struct g826 *g);
/* Counts of a completed interval, ago = 1 (most recent) .. 96. Returns 0, -EINVAL, -ENOENT
 * when that interval has not been completed yet. */
int g826_interval(struct g826_counts *out, const struct g826 *g, unsigned ago);
/* Sum of the completed intervals of the last 24 h (up to 96). Returns 0/-EINVAL. */
int g826_total_24h(struct g826_counts *out, const struct g826 *g);
/* Whether the path is in unavailable time now. */
bool g826_unavailable(const struct g826 *g);

#endif
