/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ISDN PRI on the spans' D-channels: HDLC (isdnhdlc) + LAPD/Q.931 (libpri), one D-channel per
 * configured span (span_cfg.sig: CPE or network side; switchtype EuroISDN E1 or QSIG).
 */
#ifndef HLGW_ISDN_H
#define HLGW_ISDN_H

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/tdef.h>

/* Layer 2 states, named as Q.921 names them (ETSI EN 300 125 / ITU-T Q.921 SDL). libpri does
 * not expose its state: it is inferred from the frames and libpri's events (dchan.h). */
enum isdn_l2_state {
	ISDN_L2_TEI_UNASSIGNED,	    /* layer 1 never came up yet (PRI: TEI 0 is fixed) */
	ISDN_L2_TEI_ASSIGNED,	    /* link down (released, refused, or layer 1 lost) */
	ISDN_L2_AWAITING_ESTABLISHMENT, /* SABME sent, waiting for UA */
	ISDN_L2_AWAITING_RELEASE,   /* DISC sent, waiting for UA */
	ISDN_L2_MULTIPLE_FRAME_ESTABLISHED,
	ISDN_L2_TIMER_RECOVERY,	    /* enquiry (P=1) sent, waiting for the F=1 response */
};

/* Why the Q.931 guard (firmware/isdn/q931_guard.h) did not hand a message over as it came. */
enum isdn_guard_kind {
	ISDN_GUARD_OK,
	ISDN_GUARD_SHORT,	/* shorter than its header, or longer than N201 */
	ISDN_GUARD_PD,		/* protocol discriminator is not Q.931 (0x08) */
	ISDN_GUARD_CREF,	/* call reference length not 2, SETUP with the flag set, ... */
	ISDN_GUARD_GLOBAL_CREF, /* global call reference with a message that may not use it */
	ISDN_GUARD_MSG_TYPE,	/* unknown message type */
	ISDN_GUARD_IE_OVERRUN,	/* an IE runs past the message end */
	ISDN_GUARD_IE_MISSING,	/* a mandatory IE is missing */
	ISDN_GUARD_IE_CONTENT,	/* invalid IE contents */
	ISDN_GUARD_NUMBER,	/* a number with other than digits * # and a leading +, or too long */
	ISDN_GUARD_CHANNEL,	/* channel out of range or not configured */
	ISDN_GUARD__NUM
};

/* The Q.931 guard's counters of one D-channel. */
struct isdn_guard_stats {
	uint32_t checked;   /* messages checked (retransmitted I-frames not counted) */
	uint32_t passed, sanitised, discarded, refused;
	uint32_t answers;   /* libpri answers rewritten for a refusal */
	uint32_t kind[ISDN_GUARD__NUM]; /* by reason (kind[ISDN_GUARD_OK]: accepted) */
};

struct isdn_status {
	bool configured;
	bool l1_up;
	bool network;		/* this side is the network (span_cfg.sig = NET) */
	enum isdn_l2_state l2;
	uint32_t sabme_tx, sabme_rx, ua_tx, ua_rx, disc_tx, disc_rx, dm_tx, dm_rx;
	uint32_t frames_tx, frames_rx; /* all LAPD frames */
	uint32_t iframes_tx, iframes_rx;
	uint32_t hdlc_crc_err, hdlc_abort, hdlc_overlong; /* HDLC receive errors */
	uint32_t l2_up_count;	/* times the link became MULTIPLE_FRAME_ESTABLISHED */
	unsigned int active_calls;
	uint32_t setups_rx, setups_rejected; /* incoming SETUPs and how many the box refused */
	struct isdn_guard_stats guard; /* Q.931 from the line: what the guard refused (show isdn rejects) */
};

/* "MULTIPLE_FRAME_ESTABLISHED"...; "UNKNOWN" for values out of range. */
const char *isdn_l2_state_name(enum isdn_l2_state st);
/* Status of span's D-channel; -ENODEV for a span out of range (an unconfigured span
 * returns 0 with configured = false). */
int isdn_get_status(unsigned int span, struct isdn_status *st);
/* Start/stop writing a pcap (LINUX_LAPD) of every span's D-channel to path (relative paths
 * go to the board's pcap directory). 0, -EBUSY (already capturing), -ENOTSUP (no files on
 * this board) or -errno from the board. */
int isdn_pcap_start(const char *path);
int isdn_pcap_stop(void);

/*
 * A SETUP that call control does not take (no hotline configured at all, or none of its
 * advisors can be tried) is refused with RELEASE COMPLETE and this Q.850 cause: 34 "no
 * circuit/channel available" is a resource-class cause, so the exchange may try another box of
 * the trunk group; and libpri 1.6 rejects a SETUP with RELEASE COMPLETE only for causes 1, 34,
 * 44, 81, 82 (any other becomes a DISCONNECT, which libpri silently never sends for a call not
 * yet answered with CALL PROCEEDING).
 */
#define ISDN_SETUP_REJECT_CAUSE 34

/* Operator-tunable timers (osmo_tdef), applied to libpri when a D-channel (re)starts.
 * Q.921: T200, T203 (ms), N200, K; Q.931: T303, T305, T308, T309, T310, T313 (ms). */
extern struct osmo_tdef isdn_q921_tdefs[];
extern struct osmo_tdef isdn_q931_tdefs[];

#endif
