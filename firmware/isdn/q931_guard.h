/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Q.931 guard: checks every Q.931 message the line sends (the payload of SAPI 0 I and UI
 * frames) before libpri sees it, because libpri 1.6 trusts the line (design.md 7: cause IEs
 * read past their end, number parsers walk past the IE, SETUPs on the global call reference
 * become calls, channels 0 and 32 and numbers with CR/LF or quotes reach the application).
 * Portable C, no libpri: the D-channel glue (isdn.c through dchan's layer 3 hooks) applies it.
 *
 * Checks (ETSI EN 300 403-1 / Q.931 4 and 5.8): protocol discriminator 0x08; call reference
 * length 2 (PRI) and the flag (a SETUP from the peer has flag 0); the global call reference
 * only with RESTART, RESTART ACKNOWLEDGE and STATUS (and RESTART only there); a known message
 * type; every IE (single octet or variable length, codeset shifts) within the message; the
 * mandatory IEs; the contents of the IEs libpri mis-parses or that reach the application:
 * bearer capability, cause, call state, channel identification, progress and notification
 * indicators, restart indicator, display, keypad, and called, calling, connected, redirecting
 * and redirection numbers (IA5 digits, '*', '#', one leading '+', at most max_digits).
 *
 * Reactions (Q.931 5.8):
 *  - too short or long, wrong protocol discriminator, bad call reference format, a SETUP with
 *    the flag set: ignored (DISCARD; layer 2 still acknowledges the frame);
 *  - SETUP: missing mandatory IE -> RELEASE COMPLETE 96; IE past the message end or invalid
 *    mandatory IE -> 100; bad called/calling/redirecting number -> 28; channel 0, > 31, 16,
 *    or on another interface -> 82 "identified channel does not exist" (no such B-channel on
 *    this interface); a timeslot that exists but is not configured as a B-channel, requested
 *    exclusively -> 44 "requested channel not available" (preferred: the call may go on
 *    another channel, so it passes); a bad optional IE is removed (5.8.7.2);
 *  - DISCONNECT, RELEASE, RELEASE COMPLETE must clear the call whatever they carry: bad IEs
 *    are removed and a missing or bad cause becomes cause 96 / 100 (5.8.6: as if cause 31
 *    was received, the next clearing message carries 96 / 100), then libpri gets the message;
 *  - other messages: IE past the end or invalid mandatory IE -> STATUS 100, mandatory IE
 *    missing -> STATUS 96, unknown message type -> STATUS 97 on a known call; RELEASE
 *    COMPLETE 81 on an unknown one (5.8.3.2 a); a bad optional IE is removed;
 *  - a message on the global call reference that may not use it -> STATUS 81 on the global
 *    call reference (5.8.3.2).
 *
 * How the answers get out (REFUSE): libpri owns the LAPD sequence numbers, so the guard cannot
 * send an I-frame itself. Instead libpri gets, in place of the refused message, a bare STATUS
 * ENQUIRY on the same call reference: it answers with exactly one message, STATUS cause 30
 * with the call's true state when it knows the call, RELEASE COMPLETE cause 81 when it does
 * not (and then forgets the call reference), and changes no call state. The guard arms a rule
 * for that answer and rewrites it as it goes out (isdn_guard_tx): the cause, and for a SETUP
 * or the global call reference the message. Nothing of the refused message reaches libpri.
 */
#ifndef HLGW_ISDN_Q931_GUARD_H
#define HLGW_ISDN_Q931_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include <hlgw/isdn.h> /* enum isdn_guard_kind, struct isdn_guard_stats */

#define ISDN_GUARD_N201 260	  /* longest Q.931 message in a LAPD frame */
#define ISDN_GUARD_OUT_MAX 272	  /* size of the buffers isdn_guard_rx/tx write into */
#define ISDN_GUARD_MAX_DIGITS 20  /* E.164 15 digits + prefixes */
#define ISDN_GUARD_RULES 8
#define ISDN_GUARD_RULE_MS 30000  /* an answer rule lives this long (Q.921 retransmissions) */

/* Q.931 message types the guard refers to (Q.931 table 4-2) */
#define ISDN_MT_SETUP 0x05
#define ISDN_MT_DISCONNECT 0x45
#define ISDN_MT_RESTART 0x46
#define ISDN_MT_RELEASE 0x4d
#define ISDN_MT_RESTART_ACK 0x4e
#define ISDN_MT_RELEASE_COMPLETE 0x5a
#define ISDN_MT_STATUS_ENQUIRY 0x75
#define ISDN_MT_STATUS 0x7d

enum isdn_guard_action {
	ISDN_GUARD_PASS,      /* hand the message over as it came */
	ISDN_GUARD_SANITISED, /* hand over the rewritten message (bad optional IEs out, cause) */
	ISDN_GUARD_DISCARD,   /* ignore it (an empty I-frame keeps layer 2 in step) */
	ISDN_GUARD_REFUSE,    /* answer with cause (see the header comment) */
};

struct isdn_guard_verdict {
	enum isdn_guard_action action;
	enum isdn_guard_kind kind; /* why (ISDN_GUARD_OK for PASS) */
	uint8_t cause;		   /* REFUSE: cause of the answer; SANITISED: cause put in, or 0 */
	uint8_t mt;		   /* message type, when the message had one */
	bool have_cref;
	uint16_t cref;		   /* call reference value, flag in bit 15 */
	uint8_t ie;		   /* the offending IE (codeset 0), 0 when none */
};

struct isdn_guard_cfg {
	uint32_t bchan_mask; /* bit n: timeslot n is a B-channel of this span */
	bool network;	     /* the box is the network side: channel id optional in SETUP */
	uint8_t max_digits;  /* 0: ISDN_GUARD_MAX_DIGITS */
};

/* An armed answer rewrite: libpri's answer to the STATUS ENQUIRY that replaced a message. */
struct isdn_guard_rule {
	bool used;
	uint16_t cref;	    /* as libpri sends it: the flag is the received one inverted */
	uint8_t st_cause;   /* libpri answers STATUS (known call): STATUS with this cause */
	uint8_t rc_mt;	    /* libpri answers RELEASE COMPLETE (unknown call): this message, */
	uint8_t rc_cause;   /* with this cause (rc_mt 0: leave it) */
	int ns;		    /* N(S) of the I-frame it was applied to (-1: not yet) */
	uint32_t expires_ms;
};

struct isdn_guard {
	struct isdn_guard_cfg cfg;
	struct isdn_guard_stats st;
	struct isdn_guard_rule rule[ISDN_GUARD_RULES];
};

/*
 * Check one Q.931 message (pure: no state). For SANITISED the message libpri should get is
 * written to out (outmax >= len + 4) and its length returned; otherwise returns 0.
 */
int isdn_guard_check(const struct isdn_guard_cfg *cfg, const uint8_t *msg, unsigned int len,
		     struct isdn_guard_verdict *v, uint8_t *out, unsigned int outmax);

void isdn_guard_init(struct isdn_guard *g, const struct isdn_guard_cfg *cfg);
/*
 * A received message. fresh: libpri will treat it as new (not a retransmitted I-frame): only
 * then it is counted. Writes what libpri gets instead into out (outmax >= ISDN_GUARD_OUT_MAX)
 * and returns its length (0: nothing, an empty payload), or -1: hand the message over as it
 * came. v (may be NULL) gets the verdict.
 */
int isdn_guard_rx(struct isdn_guard *g, const uint8_t *msg, unsigned int len, bool fresh,
		  uint32_t now_ms, uint8_t *out, unsigned int outmax, struct isdn_guard_verdict *v);
/*
 * libpri sends msg in the I-frame with N(S) ns (-1: not an I-frame). When it is the answer to
 * a refusal, writes the answer to send into out and returns its length; else -1.
 */
int isdn_guard_tx(struct isdn_guard *g, const uint8_t *msg, unsigned int len, int ns,
		  uint32_t now_ms, uint8_t *out, unsigned int outmax);

/* "IE overrun"...; "?" out of range. */
const char *isdn_guard_kind_name(enum isdn_guard_kind k);
/* "SETUP", "RELEASE COMPLETE"...; NULL for a message type the guard does not know. */
const char *isdn_guard_msg_name(uint8_t mt);

#endif
