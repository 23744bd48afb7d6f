// SPDX-License-Identifier: GPL-2.0-or-later
/* The Q.931 guard in front of libpri (see q931_guard.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "q931_guard.h"

#define GUARD_PD_Q931 0x08
#define GUARD_CREF_FLAG 0x8000

/* codeset 0 IEs (Q.931 table 4-3) */
#define IE_BEARER_CAP 0x04
#define IE_CAUSE 0x08
#define IE_CALL_STATE 0x14
#define IE_CHANNEL_ID 0x18
#define IE_PROGRESS 0x1e
#define IE_NOTIFY 0x27
#define IE_DISPLAY 0x28
#define IE_KEYPAD 0x2c
#define IE_CONNECTED_NUM 0x4c
#define IE_CALLING_NUM 0x6c
#define IE_CALLED_NUM 0x70
#define IE_REDIRECTING_NUM 0x74
#define IE_REDIRECTION_NUM 0x76
#define IE_RESTART_IND 0x79

/* Q.850 causes the guard answers with */
#define CAUSE_INVALID_NUMBER 28
#define CAUSE_CHAN_UNAVAIL 44
#define CAUSE_INVALID_CREF 81
#define CAUSE_CHAN_NOTEXIST 82
#define CAUSE_MAND_IE_MISSING 96
#define CAUSE_MSG_TYPE_NONEXIST 97
#define CAUSE_INVALID_IE 100
#define CAUSE_WRONG_STATE 101

enum { CLS_OTHER, CLS_SETUP, CLS_CLEARING };

struct guard_msg {
	uint8_t mt;
	const char *name;
	uint8_t mand[2]; /* mandatory codeset 0 IEs (channel id in SETUP: see guard_mandatory) */
	bool global;	 /* may (RESTART*: must) use the global call reference */
	uint8_t cls;
};

/* EN 300 403-1 messages; mandatory IEs as libpri 1.6 and Q.931 3 agree on them. */
static const struct guard_msg guard_msgs[] = {
	{ 0x01, "ALERTING", { 0 }, false, CLS_OTHER },
	{ 0x02, "CALL PROCEEDING", { 0 }, false, CLS_OTHER },
	{ 0x03, "PROGRESS", { IE_PROGRESS }, false, CLS_OTHER },
	{ ISDN_MT_SETUP, "SETUP", { IE_BEARER_CAP }, false, CLS_SETUP },
	{ 0x07, "CONNECT", { 0 }, false, CLS_OTHER },
	{ 0x0d, "SETUP ACKNOWLEDGE", { 0 }, false, CLS_OTHER },
	{ 0x0f, "CONNECT ACKNOWLEDGE", { 0 }, false, CLS_OTHER },
	{ 0x20, "USER INFORMATION", { 0 }, false, CLS_OTHER },
	{ 0x21, "SUSPEND REJECT", { IE_CAUSE }, false, CLS_OTHER },
	{ 0x22, "RESUME REJECT", { IE_CAUSE }, false, CLS_OTHER },
	{ 0x24, "HOLD", { 0 }, false, CLS_OTHER },
	{ 0x25, "SUSPEND", { 0 }, false, CLS_OTHER },
	{ 0x26, "RESUME", { 0 }, false, CLS_OTHER },
	{ 0x28, "HOLD ACKNOWLEDGE", { 0 }, false, CLS_OTHER },
	{ 0x2d, "SUSPEND ACKNOWLEDGE", { 0 }, false, CLS_OTHER },
	{ 0x2e, "RESUME ACKNOWLEDGE", { IE_CHANNEL_ID }, false, CLS_OTHER },
	{ 0x30, "HOLD REJECT", { IE_CAUSE }, false, CLS_OTHER },
	{ 0x31, "RETRIEVE", { 0 }, false, CLS_OTHER },
	{ 0x33, "RETRIEVE ACKNOWLEDGE", { 0 }, false, CLS_OTHER },
	{ 0x37, "RETRIEVE REJECT", { IE_CAUSE }, false, CLS_OTHER },
	{ ISDN_MT_DISCONNECT, "DISCONNECT", { IE_CAUSE }, false, CLS_CLEARING },
	{ ISDN_MT_RESTART, "RESTART", { IE_RESTART_IND }, true, CLS_OTHER },
	{ ISDN_MT_RELEASE, "RELEASE", { 0 }, false, CLS_CLEARING },
	{ ISDN_MT_RESTART_ACK, "RESTART ACKNOWLEDGE", { IE_RESTART_IND }, true, CLS_OTHER },
	{ ISDN_MT_RELEASE_COMPLETE, "RELEASE COMPLETE", { 0 }, false, CLS_CLEARING },
	{ 0x60, "SEGMENT", { 0 }, false, CLS_OTHER },
	{ 0x62, "FACILITY", { 0 }, false, CLS_OTHER },
	{ 0x64, "REGISTER", { 0 }, false, CLS_OTHER },
	{ 0x6e, "NOTIFY", { IE_NOTIFY }, false, CLS_OTHER },
	{ ISDN_MT_STATUS_ENQUIRY, "STATUS ENQUIRY", { 0 }, false, CLS_OTHER },
	{ 0x79, "CONGESTION CONTROL", { 0 }, false, CLS_OTHER },
	{ 0x7b, "INFORMATION", { 0 }, false, CLS_OTHER },
	{ ISDN_MT_STATUS, "STATUS", { IE_CAUSE, IE_CALL_STATE }, true, CLS_OTHER },
};

static const char *const guard_kind_names[ISDN_GUARD__NUM] = {
	[ISDN_GUARD_OK] = "accepted",
	[ISDN_GUARD_SHORT] = "too short/long",
	[ISDN_GUARD_PD] = "protocol discriminator",
	[ISDN_GUARD_CREF] = "call reference",
	[ISDN_GUARD_GLOBAL_CREF] = "global call reference misuse",
	[ISDN_GUARD_MSG_TYPE] = "unknown message type",
	[ISDN_GUARD_IE_OVERRUN] = "IE past message end",
	[ISDN_GUARD_IE_MISSING] = "mandatory IE missing",
	[ISDN_GUARD_IE_CONTENT] = "invalid IE contents",
	[ISDN_GUARD_NUMBER] = "invalid number",
	[ISDN_GUARD_CHANNEL] = "invalid channel",
};

const char *isdn_guard_kind_name(enum isdn_guard_kind k)
{
	return (unsigned int)k < ISDN_GUARD__NUM ? guard_kind_names[k] : "?";
}

static const struct guard_msg *guard_find(uint8_t mt)
{
	size_t i;

	for (i = 0; i < sizeof(guard_msgs) / sizeof(guard_msgs[0]); i++)
		if (guard_msgs[i].mt == mt)
			return &guard_msgs[i];
	return NULL;
}

const char *isdn_guard_msg_name(uint8_t mt)
{
	const struct guard_msg *m = guard_find(mt);

	return m ? m->name : NULL;
}

/* ---- IE contents ----------------------------------------------------------------------- */

/* A problem found in one IE. */
struct guard_ie_err {
	enum isdn_guard_kind kind;
	uint8_t cause;
};

static bool guard_err(struct guard_ie_err *e, enum isdn_guard_kind kind, uint8_t cause)
{
	e->kind = kind;
	e->cause = cause;
	return false;
}

/*
 * A party number: octet 3 (type, plan), then octets 3a/3b as far as ext_max allows (0: none,
 * 1: 3a, 2: 3a and 3b), then IA5 digits, '*', '#', one leading '+', at most max digits.
 */
static bool guard_number(const uint8_t *d, unsigned int n, unsigned int ext_max, unsigned int max,
			 struct guard_ie_err *e)
{
	unsigned int p = 0, ext = 0, digits = 0;

	if (n < 1)
		return guard_err(e, ISDN_GUARD_NUMBER, CAUSE_INVALID_NUMBER);
	while (!(d[p] & 0x80)) { /* octet 3, 3a, ... continues */
		if (++ext > ext_max || p + 1 >= n)
			return guard_err(e, ISDN_GUARD_NUMBER, CAUSE_INVALID_NUMBER);
		p++;
	}
	for (p++; p < n; p++) {
		uint8_t c = d[p];

		if (c == '+' && digits == 0 && max > 0) {
			max++; /* the '+' is no digit */
		} else if (!((c >= '0' && c <= '9') || c == '*' || c == '#')) {
			return guard_err(e, ISDN_GUARD_NUMBER, CAUSE_INVALID_NUMBER);
		}
		if (++digits > max)
			return guard_err(e, ISDN_GUARD_NUMBER, CAUSE_INVALID_NUMBER);
	}
	return true;
}

/* Cause (Q.931 4.5.12): octet 3 [3a] 4, diagnostics; at most 32 octets. */
static bool guard_cause(const uint8_t *d, unsigned int n, struct guard_ie_err *e)
{
	unsigned int p;

	if (n < 2 || n > 32)
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	p = (d[0] & 0x80) ? 1 : 2;
	if (p >= n || !(d[p] & 0x80) || (p == 2 && !(d[1] & 0x80)))
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	return true;
}

/* Bearer capability (4.5.5): ITU-T coding, octets 3 and 4, 4.1 for multirate. */
static bool guard_bearer(const uint8_t *d, unsigned int n, struct guard_ie_err *e)
{
	if (n == 2 && d[0] == 0xa8 && d[1] == 0x80)
		return true; /* Q.SIG placeholder for signalling-only calls (ECMA-165) */
	if (n < 2 || n > 12 || (d[0] & 0x60) || !(d[0] & 0x80) ||
	    ((d[1] & 0x1f) == 0x18 && n < 3))
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	return true;
}

/*
 * Channel identification on a PRI (4.5.13): octet 3 with the interface type "other" (PRI), no
 * interface identifier, not the D-channel; "as indicated" needs octet 3.2 (ITU-T coding,
 * channel number, B-channel units) and exactly one channel number (a slot map or a list is
 * multirate, which the box does not do).
 */
static bool guard_channel(const struct isdn_guard_cfg *cfg, bool setup, const uint8_t *d,
			  unsigned int n, struct guard_ie_err *e)
{
	uint8_t o3, chan;

	if (n < 1)
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	o3 = d[0];
	if (o3 & 0x40) /* an interface identifier: another interface than this D-channel's */
		return guard_err(e, ISDN_GUARD_CHANNEL, CAUSE_CHAN_NOTEXIST);
	if (!(o3 & 0x80) || !(o3 & 0x20) || (o3 & 0x04))
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	switch (o3 & 0x03) {
	case 0: /* no channel: no call can be offered on it */
		if (setup)
			return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
		return n == 1 ? true : guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	case 3: /* any channel */
		return n == 1 ? true : guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	case 2: /* reserved */
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	default:
		break;
	}
	if (n != 3 || (d[1] & 0xf0) != 0x80 || (d[1] & 0x0f) != 0x03 || !(d[2] & 0x80))
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	chan = d[2] & 0x7f;
	if (chan < 1 || chan > 31)
		return guard_err(e, ISDN_GUARD_CHANNEL, CAUSE_CHAN_NOTEXIST);
	if (cfg->bchan_mask & (1u << chan))
		return true;
	if (chan == 16) /* TS16 is the D-channel of an E1 PRI: never a B-channel */
		return guard_err(e, ISDN_GUARD_CHANNEL, CAUSE_CHAN_NOTEXIST);
	if (o3 & 0x08) /* exclusive: this one or none */
		return guard_err(e, ISDN_GUARD_CHANNEL, CAUSE_CHAN_UNAVAIL);
	return true; /* preferred: the call may go on another channel */
}

/* IA5 text that may be shown to a person (display): printable, no quote or backslash. */
static bool guard_text(const uint8_t *d, unsigned int n, unsigned int max, struct guard_ie_err *e)
{
	unsigned int i;

	if (n > max)
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	for (i = 0; i < n; i++)
		if (d[i] < 0x20 || d[i] > 0x7e || d[i] == '"' || d[i] == '\\')
			return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	return true;
}

static bool guard_keypad(const uint8_t *d, unsigned int n, struct guard_ie_err *e)
{
	unsigned int i;

	if (n < 1 || n > 32)
		return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	for (i = 0; i < n; i++)
		if (!((d[i] >= '0' && d[i] <= '9') || d[i] == '*' || d[i] == '#'))
			return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	return true;
}

/* Contents of a codeset 0 IE: true when fine, else e says why. */
static bool guard_ie(const struct isdn_guard_cfg *cfg, uint8_t mt, uint8_t id, const uint8_t *d,
		     unsigned int n, struct guard_ie_err *e)
{
	unsigned int max = cfg->max_digits ? cfg->max_digits : ISDN_GUARD_MAX_DIGITS;

	switch (id) {
	case IE_BEARER_CAP:
		return guard_bearer(d, n, e);
	case IE_CAUSE:
		return guard_cause(d, n, e);
	case IE_CALL_STATE:
	case IE_NOTIFY:
		return n >= 1 ? true : guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	case IE_PROGRESS:
		return n >= 2 ? true : guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
	case IE_RESTART_IND:
		if (n < 1 || ((d[0] & 0x07) != 0 && (d[0] & 0x07) != 6 && (d[0] & 0x07) != 7))
			return guard_err(e, ISDN_GUARD_IE_CONTENT, CAUSE_INVALID_IE);
		return true;
	case IE_CHANNEL_ID:
		return guard_channel(cfg, mt == ISDN_MT_SETUP, d, n, e);
	case IE_DISPLAY:
		return guard_text(d, n, 82, e);
	case IE_KEYPAD:
		return guard_keypad(d, n, e);
	case IE_CALLED_NUM:
		return guard_number(d, n, 0, max, e);
	case IE_CALLING_NUM:
	case IE_CONNECTED_NUM:
	case IE_REDIRECTION_NUM:
		return guard_number(d, n, 1, max, e);
	case IE_REDIRECTING_NUM:
		return guard_number(d, n, 2, max, e);
	default:
		return true;
	}
}

/* ---- the message ----------------------------------------------------------------------- */

static bool guard_mandatory(const struct isdn_guard_cfg *cfg, const struct guard_msg *m,
			    uint8_t id)
{
	if (m->mand[0] == id || m->mand[1] == id)
		return true;
	/* channel id: mandatory in a SETUP from the network (Q.931 3.1.14) */
	return m->cls == CLS_SETUP && id == IE_CHANNEL_ID && !cfg->network;
}

static int guard_verdict(struct isdn_guard_verdict *v, enum isdn_guard_action a,
			 enum isdn_guard_kind k, uint8_t cause)
{
	v->action = a;
	v->kind = k;
	v->cause = cause;
	return 0;
}

int isdn_guard_check(const struct isdn_guard_cfg *cfg, const uint8_t *msg, unsigned int len,
		     struct isdn_guard_verdict *v, uint8_t *out, unsigned int outmax)
{
	const struct guard_msg *m;
	struct guard_ie_err first = { ISDN_GUARD_OK, 0 }, mand_err = { ISDN_GUARD_OK, 0 };
	uint8_t seen[16] = { 0 }, mand_bad_ie = 0, opt_bad_ie = 0;
	unsigned int pos, o, codeset = 0;
	bool cause_bad = false, overrun = false, global;
	int shift = -1; /* a pending non-locking shift octet */
	uint16_t cref;

	if (!v)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	if (!cfg || !msg)
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_SHORT, 0);
	/* 5.8.1, 5.8.2: too short, other protocol: ignore */
	if (len < 1 || len > ISDN_GUARD_N201)
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_SHORT, 0);
	if (msg[0] != GUARD_PD_Q931)
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_PD, 0);
	if (len < 2)
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_SHORT, 0);
	/* 5.8.3.1: call reference format (PRI: two octets) */
	if (msg[1] != 2)
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_CREF, 0);
	if (len < 5)
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_SHORT, 0);
	cref = (uint16_t)(msg[2] << 8 | msg[3]);
	v->have_cref = true;
	v->cref = cref;
	v->mt = msg[4];
	global = !(cref & ~GUARD_CREF_FLAG);
	m = (msg[4] & 0x80) ? NULL : guard_find(msg[4]);
	if (!m) /* 5.8.4 */
		return guard_verdict(v, ISDN_GUARD_REFUSE, ISDN_GUARD_MSG_TYPE,
				     CAUSE_MSG_TYPE_NONEXIST);
	if (global && !m->global) /* 5.8.3.2 d */
		return guard_verdict(v, ISDN_GUARD_REFUSE, ISDN_GUARD_GLOBAL_CREF,
				     CAUSE_INVALID_CREF);
	if (!global && (m->mt == ISDN_MT_RESTART || m->mt == ISDN_MT_RESTART_ACK))
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_CREF, 0);
	if (m->cls == CLS_SETUP && (cref & GUARD_CREF_FLAG)) /* 5.8.3.2 e */
		return guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_CREF, 0);
	if (!out || outmax < len + 4)
		return -EINVAL;

	/* IEs: copy the good ones to out while walking (the sanitised message) */
	memcpy(out, msg, 5);
	o = 5;
	for (pos = 5; pos < len;) {
		uint8_t id = msg[pos];
		unsigned int cs, n;
		struct guard_ie_err e = { ISDN_GUARD_OK, 0 };
		bool ok;

		if (id & 0x80) { /* single octet IE (4.5.1) */
			if ((id & 0xf0) == 0x90 && (id & 0x08)) {
				shift = id; /* non-locking: only the next IE */
			} else {
				if ((id & 0xf0) == 0x90) /* locking shift; never back to 0 (4.5.3) */
					codeset = (id & 7) ? (id & 7) : codeset;
				if (shift >= 0)
					out[o++] = (uint8_t)shift;
				shift = -1;
				out[o++] = id;
			}
			pos++;
			continue;
		}
		cs = shift >= 0 ? (unsigned int)(shift & 7) : codeset;
		if (pos + 2 > len || pos + 2 + msg[pos + 1] > len) {
			overrun = true; /* an IE past the end: the rest cannot be trusted */
			if (cs == 0 && id == IE_CAUSE)
				cause_bad = true;
			if (cs == 0 && guard_mandatory(cfg, m, id))
				seen[id >> 3] |= (uint8_t)(1u << (id & 7));
			if (!first.kind) {
				first.kind = ISDN_GUARD_IE_OVERRUN;
				first.cause = CAUSE_INVALID_IE;
				opt_bad_ie = cs == 0 ? id : 0;
			}
			break;
		}
		n = msg[pos + 1];
		ok = cs != 0 || guard_ie(cfg, m->mt, id, msg + pos + 2, n, &e);
		if (cs == 0)
			seen[id >> 3] |= (uint8_t)(1u << (id & 7));
		if (ok) {
			if (shift >= 0)
				out[o++] = (uint8_t)shift;
			memcpy(out + o, msg + pos, 2 + n);
			o += 2 + n;
		} else {
			bool decisive = guard_mandatory(cfg, m, id) ||
					(m->cls == CLS_SETUP && (e.kind == ISDN_GUARD_NUMBER ||
								 e.kind == ISDN_GUARD_CHANNEL)) ||
					(m->cls == CLS_OTHER && id == IE_CHANNEL_ID);

			if (id == IE_CAUSE)
				cause_bad = true;
			if (decisive && !mand_err.kind) {
				mand_err = e;
				mand_bad_ie = id;
			}
			if (!first.kind) {
				first = e;
				opt_bad_ie = id;
			}
		}
		shift = -1;
		pos += 2 + n;
	}

	/* outcome, by class of message (see the header comment) */
	if (m->cls == CLS_CLEARING) {
		bool missing = m->mand[0] == IE_CAUSE && !(seen[IE_CAUSE >> 3] & (1u << (IE_CAUSE & 7)));
		uint8_t c = cause_bad ? CAUSE_INVALID_IE : missing ? CAUSE_MAND_IE_MISSING : 0;

		if (!first.kind && !c)
			return guard_verdict(v, ISDN_GUARD_PASS, ISDN_GUARD_OK, 0);
		if (c) { /* a cause IE first (after the header), then the rest */
			memmove(out + 9, out + 5, o - 5);
			out[5] = IE_CAUSE;
			out[6] = 2;
			out[7] = 0x80; /* ITU-T, user */
			out[8] = (uint8_t)(0x80 | c);
			o += 4;
		}
		guard_verdict(v, ISDN_GUARD_SANITISED,
			      first.kind ? first.kind : ISDN_GUARD_IE_MISSING, c);
		v->ie = first.kind ? opt_bad_ie : IE_CAUSE;
		return (int)o;
	}
	if (overrun) {
		v->ie = opt_bad_ie;
		return guard_verdict(v, ISDN_GUARD_REFUSE, ISDN_GUARD_IE_OVERRUN, CAUSE_INVALID_IE);
	}
	if (mand_err.kind) {
		v->ie = mand_bad_ie;
		/* SETUP: the IE's own cause (28, 82, 44, 100); others: STATUS 100 */
		return guard_verdict(v, ISDN_GUARD_REFUSE, mand_err.kind,
				     m->cls == CLS_SETUP ? mand_err.cause : CAUSE_INVALID_IE);
	}
	for (pos = 0; pos < 2; pos++) {
		uint8_t id = m->mand[pos];

		if (id && !(seen[id >> 3] & (1u << (id & 7)))) {
			v->ie = id;
			return guard_verdict(v, ISDN_GUARD_REFUSE, ISDN_GUARD_IE_MISSING,
					     CAUSE_MAND_IE_MISSING);
		}
	}
	if (guard_mandatory(cfg, m, IE_CHANNEL_ID) && m->cls == CLS_SETUP &&
	    !(seen[IE_CHANNEL_ID >> 3] & (1u << (IE_CHANNEL_ID & 7)))) {
		v->ie = IE_CHANNEL_ID;
		return guard_verdict(v, ISDN_GUARD_REFUSE, ISDN_GUARD_IE_MISSING,
				     CAUSE_MAND_IE_MISSING);
	}
	if (first.kind) { /* 5.8.7.2: act as if the bad optional IEs were absent */
		v->ie = opt_bad_ie;
		guard_verdict(v, ISDN_GUARD_SANITISED, first.kind, 0);
		return (int)o;
	}
	return guard_verdict(v, ISDN_GUARD_PASS, ISDN_GUARD_OK, 0);
}

/* ---- the per D-channel guard: counters and answers ------------------------------------- */

void isdn_guard_init(struct isdn_guard *g, const struct isdn_guard_cfg *cfg)
{
	memset(g, 0, sizeof(*g));
	if (cfg)
		g->cfg = *cfg;
}

/* PD, cref, mt, cause [, call state] */
static unsigned int guard_build(uint8_t *out, uint16_t cref, uint8_t mt, uint8_t loc,
				uint8_t cause, int state)
{
	unsigned int o = 0;

	out[o++] = GUARD_PD_Q931;
	out[o++] = 2;
	out[o++] = (uint8_t)(cref >> 8);
	out[o++] = (uint8_t)cref;
	out[o++] = mt;
	out[o++] = IE_CAUSE;
	out[o++] = 2;
	out[o++] = (uint8_t)(0x80 | (loc & 0x0f));
	out[o++] = (uint8_t)(0x80 | cause);
	if (state >= 0) {
		out[o++] = IE_CALL_STATE;
		out[o++] = 1;
		out[o++] = (uint8_t)state;
	}
	return o;
}

static void guard_arm(struct isdn_guard *g, const struct isdn_guard_verdict *v, uint32_t now)
{
	struct isdn_guard_rule *r = NULL;
	unsigned int i;
	bool global = !(v->cref & ~GUARD_CREF_FLAG);

	for (i = 0; i < ISDN_GUARD_RULES; i++) {
		struct isdn_guard_rule *c = &g->rule[i];

		if (!c->used || (int32_t)(now - c->expires_ms) >= 0) {
			r = c;
			break;
		}
		if (!r || (int32_t)(c->expires_ms - r->expires_ms) < 0)
			r = c; /* all in use: the oldest goes */
	}
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->cref = v->cref ^ GUARD_CREF_FLAG;
	r->ns = -1;
	r->expires_ms = now + ISDN_GUARD_RULE_MS;
	if (v->mt == ISDN_MT_SETUP && !global) {
		/* the call reference is in use: the SETUP is not compatible with its state */
		r->st_cause = CAUSE_WRONG_STATE;
		r->rc_mt = ISDN_MT_RELEASE_COMPLETE;
		r->rc_cause = v->cause;
	} else {
		r->st_cause = v->cause;
		if (global) { /* libpri makes a throw-away call of cref 0: answer as 5.8.3.2 d */
			r->rc_mt = ISDN_MT_STATUS;
			r->rc_cause = v->cause;
		}
	}
}

int isdn_guard_rx(struct isdn_guard *g, const uint8_t *msg, unsigned int len, bool fresh,
		  uint32_t now_ms, uint8_t *out, unsigned int outmax, struct isdn_guard_verdict *vp)
{
	struct isdn_guard_verdict vv, *v = vp ? vp : &vv;
	int n;

	if (!g || !out || outmax < ISDN_GUARD_OUT_MAX)
		return -EINVAL;
	n = isdn_guard_check(&g->cfg, msg, len, v, out, outmax);
	if (n < 0) { /* cannot happen with outmax >= OUT_MAX; be safe: hand over nothing */
		guard_verdict(v, ISDN_GUARD_DISCARD, ISDN_GUARD_SHORT, 0);
		n = 0;
	}
	if (fresh) {
		g->st.checked++;
		g->st.kind[v->kind]++;
	}
	switch (v->action) {
	case ISDN_GUARD_PASS:
		if (fresh)
			g->st.passed++;
		return -1;
	case ISDN_GUARD_SANITISED:
		if (fresh)
			g->st.sanitised++;
		return n;
	case ISDN_GUARD_DISCARD:
		if (fresh)
			g->st.discarded++;
		return 0;
	case ISDN_GUARD_REFUSE:
		break;
	}
	if (fresh)
		g->st.refused++;
	guard_arm(g, v, now_ms);
	/* a bare STATUS ENQUIRY on the same call reference: libpri's answer is rewritten */
	out[0] = GUARD_PD_Q931;
	out[1] = 2;
	out[2] = (uint8_t)(v->cref >> 8);
	out[3] = (uint8_t)v->cref;
	out[4] = ISDN_MT_STATUS_ENQUIRY;
	return 5;
}

/* The value of a codeset 0 IE of msg (first occurrence), or NULL. */
static const uint8_t *guard_find_ie(const uint8_t *msg, unsigned int len, uint8_t want,
				    unsigned int *n)
{
	unsigned int pos = 5;

	while (pos < len) {
		if (msg[pos] & 0x80) {
			if ((msg[pos] & 0xf0) == 0x90)
				return NULL; /* libpri's own answers have no shifts */
			pos++;
			continue;
		}
		if (pos + 2 > len || pos + 2 + msg[pos + 1] > len)
			return NULL;
		if (msg[pos] == want) {
			*n = msg[pos + 1];
			return msg + pos + 2;
		}
		pos += 2 + msg[pos + 1];
	}
	return NULL;
}

int isdn_guard_tx(struct isdn_guard *g, const uint8_t *msg, unsigned int len, int ns,
		  uint32_t now_ms, uint8_t *out, unsigned int outmax)
{
	const uint8_t *cause, *state;
	unsigned int i, cn = 0, sn = 0;
	uint16_t cref;
	uint8_t mt, loc;

	if (!g || !msg || !out || outmax < ISDN_GUARD_OUT_MAX || len < 5 ||
	    msg[0] != GUARD_PD_Q931 || msg[1] != 2)
		return -1;
	mt = msg[4];
	if (mt != ISDN_MT_STATUS && mt != ISDN_MT_RELEASE_COMPLETE)
		return -1;
	cref = (uint16_t)(msg[2] << 8 | msg[3]);
	cause = guard_find_ie(msg, len, IE_CAUSE, &cn);
	loc = cause && cn >= 1 ? cause[0] & 0x0f : 0;
	for (i = 0; i < ISDN_GUARD_RULES; i++) {
		struct isdn_guard_rule *r = &g->rule[i];

		if (!r->used)
			continue;
		if ((int32_t)(now_ms - r->expires_ms) >= 0) {
			r->used = false;
			continue;
		}
		if (r->cref != cref || (r->ns >= 0 && r->ns != ns))
			continue;
		if (mt == ISDN_MT_STATUS && r->st_cause) {
			state = guard_find_ie(msg, len, IE_CALL_STATE, &sn);
			if (r->ns < 0)
				g->st.answers++;
			r->ns = ns;
			return (int)guard_build(out, cref, ISDN_MT_STATUS, loc, r->st_cause,
						state && sn >= 1 ? state[0] : 0);
		}
		if (mt == ISDN_MT_RELEASE_COMPLETE && r->rc_mt) {
			if (r->ns < 0)
				g->st.answers++;
			r->ns = ns;
			return (int)guard_build(out, cref, r->rc_mt, loc, r->rc_cause,
						r->rc_mt == ISDN_MT_STATUS ? 0 : -1);
		}
		if (r->ns < 0)
			r->ns = ns; /* libpri's answer goes out as it is (RELEASE COMPLETE 81) */
		return -1;
	}
	return -1;
}
