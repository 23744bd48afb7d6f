// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw and malformed Q.931 towards the box, and the box's Q.931 as JSON.
 *
 * libpri (NETWORK) owns the LAPD sequence numbers and only sends well-formed messages. To put
 * an arbitrary Q.931 message into an I-frame with the right N(S)/N(R), pstn-sim lets libpri
 * send a placeholder SETUP on a throw-away call and swaps the frame's payload on its way out
 * (dchan's l3_tx hook), then destroys the throw-away call (no T303, no retransmitted SETUP).
 * A retransmission of that I-frame (same N(S), placeholder call reference) is swapped again.
 * `raw ui` sends a UI frame instead (no sequence numbers at all).
 *
 * With tracing on (`trace on`, or after the first raw/bad command) every Q.931 message from
 * the box is reported: {"ev":"q931_rx","span":0,"mt":90,"msg":"RELEASE COMPLETE","cref":5,
 * "flag":1,"cause":28,"state":-1,"len":9}.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "psim.h"

static const struct {
	uint8_t mt;
	const char *name;
} raw_names[] = {
	{ 0x01, "ALERTING" },	     { 0x02, "CALL PROCEEDING" }, { 0x03, "PROGRESS" },
	{ 0x05, "SETUP" },	     { 0x07, "CONNECT" },	  { 0x0d, "SETUP ACKNOWLEDGE" },
	{ 0x0f, "CONNECT ACKNOWLEDGE" }, { 0x45, "DISCONNECT" },  { 0x46, "RESTART" },
	{ 0x4d, "RELEASE" },	     { 0x4e, "RESTART ACKNOWLEDGE" },
	{ 0x5a, "RELEASE COMPLETE" }, { 0x62, "FACILITY" },	  { 0x6e, "NOTIFY" },
	{ 0x75, "STATUS ENQUIRY" },  { 0x7b, "INFORMATION" },	  { 0x7d, "STATUS" },
};

static const char *raw_mt_name(uint8_t mt)
{
	unsigned int i;

	for (i = 0; i < sizeof(raw_names) / sizeof(raw_names[0]); i++)
		if (raw_names[i].mt == mt)
			return raw_names[i].name;
	return "?";
}

/* The value of a codeset 0 IE (first one), or NULL. */
static const uint8_t *raw_ie(const uint8_t *m, unsigned int len, unsigned int pos, uint8_t want,
			     unsigned int *n)
{
	while (pos < len) {
		if (m[pos] & 0x80) {
			if ((m[pos] & 0xf0) == 0x90)
				return NULL;
			pos++;
			continue;
		}
		if (pos + 2 > len || pos + 2 + m[pos + 1] > len)
			return NULL;
		if (m[pos] == want) {
			*n = m[pos + 1];
			return m + pos + 2;
		}
		pos += 2 + m[pos + 1];
	}
	return NULL;
}

int psim_raw_l3_rx(struct dchan *dc, const uint8_t *m, unsigned int len, bool fresh,
		   uint8_t *out, unsigned int max, void *arg)
{
	struct psim_span *sp = arg;
	const uint8_t *c, *s;
	unsigned int cl, hl, cn = 0, sn = 0;
	int cause = -1, state = -1;
	unsigned int cref = 0;

	if (!psim.trace_q931 || !fresh)
		return -1;
	if (len < 2 || m[0] != 0x08) {
		psim_ev("q931_rx", "\"span\":%u,\"pd\":%d,\"len\":%u", sp->nr, len ? m[0] : -1, len);
		return -1;
	}
	cl = m[1] & 0x0f;
	hl = 2 + cl + 1;
	if (len < hl) {
		psim_ev("q931_rx", "\"span\":%u,\"short\":true,\"len\":%u", sp->nr, len);
		return -1;
	}
	for (unsigned int i = 0; i < cl; i++)
		cref = cref << 8 | m[2 + i];
	c = raw_ie(m, len, hl, 0x08, &cn);
	if (c && cn >= 2)
		cause = (c[0] & 0x80 ? c[1] : cn >= 3 ? c[2] : 0) & 0x7f;
	s = raw_ie(m, len, hl, 0x14, &sn);
	if (s && sn >= 1)
		state = s[0] & 0x3f;
	psim_ev("q931_rx", "\"span\":%u,\"mt\":%u,\"msg\":\"%s\",\"cref\":%u,\"flag\":%u,"
		"\"cause\":%d,\"state\":%d,\"len\":%u", sp->nr, m[hl - 1],
		raw_mt_name(m[hl - 1]), cl ? cref & ~(0x80u << (8 * (cl - 1))) : 0,
		cl ? (cref >> (8 * cl - 1)) & 1 : 0, cause, state, len);
	return -1;
}

int psim_raw_l3_tx(struct dchan *dc, const uint8_t *m, unsigned int len, int ns, uint8_t *out,
		   unsigned int max, void *arg)
{
	struct psim_span *sp = arg;
	struct psim_raw *r = &sp->raw;
	uint16_t cref;

	if (len < 5 || m[0] != 0x08 || m[1] != 2 || m[4] != 0x05 || r->len > max)
		return -1;
	cref = (uint16_t)(m[2] << 8 | m[3]);
	if (r->pending) {
		r->pending = false;
		r->ns = ns;
		r->cref = cref;
	} else if (r->ns < 0 || ns != r->ns || cref != r->cref) {
		return -1;
	}
	memcpy(out, r->msg, r->len);
	return (int)r->len;
}

int psim_raw_send(struct psim_span *sp, const uint8_t *msg, unsigned int len, bool ui)
{
	struct pri *pri = dchan_pri(&sp->dc);
	uint8_t f[DCHAN_MAX_FRAME];
	q931_call *call;
	struct pri_sr *sr;
	int rc;

	if (len > sizeof(sp->raw.msg) || len + 3 > sizeof(f))
		return -2;
	psim.trace_q931 = true;
	if (ui) { /* SAPI 0, C/R 1 (a command from the network), TEI 0, UI */
		f[0] = 0x02;
		f[1] = 0x01;
		f[2] = 0x03;
		memcpy(f + 3, msg, len);
		return dchan_send_frame(&sp->dc, f, len + 3) == 0 ? 0 : -1;
	}
	if (!pri || sp->dc.l2 != ISDN_L2_MULTIPLE_FRAME_ESTABLISHED)
		return -1;
	call = pri_new_call(pri);
	sr = pri_sr_new();
	if (!call || !sr) {
		if (sr)
			pri_sr_free(sr);
		if (call)
			pri_destroycall(pri, call);
		return -2;
	}
	pri_sr_set_channel(sr, 1, 1, 0);
	pri_sr_set_bearer(sr, PRI_TRANS_CAP_SPEECH, PRI_LAYER_1_ALAW);
	pri_sr_set_called(sr, "0", 0x21, 1);
	memcpy(sp->raw.msg, msg, len);
	sp->raw.len = len;
	sp->raw.pending = true;
	rc = pri_setup(pri, call, sr);
	pri_sr_free(sr);
	pri_destroycall(pri, call); /* the placeholder's call: gone, its timers too */
	if (rc) {
		sp->raw.pending = false;
		return -3;
	}
	return 0; /* still pending: libpri queued the frame, it is swapped when it goes out */
}

/* ---- `bad KIND`: the malformed messages of the hostile-line test ------------------------ */

struct raw_buf {
	uint8_t b[DCHAN_MAX_FRAME];
	unsigned int n;
};

static void rb_put(struct raw_buf *r, const void *p, unsigned int n)
{
	if (r->n + n <= sizeof(r->b)) {
		memcpy(r->b + r->n, p, n);
		r->n += n;
	}
}

static void rb_hdr(struct raw_buf *r, uint16_t cref, uint8_t mt)
{
	uint8_t h[5] = { 0x08, 0x02, (uint8_t)(cref >> 8), (uint8_t)cref, mt };

	rb_put(r, h, 5);
}

static void rb_bearer(struct raw_buf *r)
{
	static const uint8_t bc[] = { 0x04, 0x03, 0x80, 0x90, 0xa3 }; /* speech, 64k, A-law */

	rb_put(r, bc, sizeof(bc));
}

static void rb_chan(struct raw_buf *r, unsigned int ts, bool exclusive)
{
	uint8_t ci[] = { 0x18, 0x03, (uint8_t)(exclusive ? 0xa9 : 0xa1), 0x83,
			 (uint8_t)(0x80 | (ts & 0x7f)) };

	rb_put(r, ci, sizeof(ci));
}

/* calling (octet 3 + 3a) or called (octet 3) number, national/E.164 */
static void rb_number(struct raw_buf *r, uint8_t ie, const char *digits)
{
	unsigned int n = (unsigned int)strlen(digits);
	uint8_t h[4] = { ie, 0, 0, 0 };

	if (ie == 0x6c) {
		h[1] = (uint8_t)(n + 2);
		h[2] = 0x21;
		h[3] = 0x80; /* presentation allowed, user provided not screened */
		rb_put(r, h, 4);
	} else {
		h[1] = (uint8_t)(n + 1);
		h[2] = 0xa1;
		rb_put(r, h, 3);
	}
	rb_put(r, digits, n);
}

/* A SETUP: bearer, channel, calling, called (any may be left out or replaced). */
static void rb_setup(struct raw_buf *r, uint16_t cref, bool bc, unsigned int ts, bool excl,
		     const char *calling, const char *called)
{
	rb_hdr(r, cref, 0x05);
	if (bc)
		rb_bearer(r);
	if (ts < 256)
		rb_chan(r, ts, excl);
	if (calling)
		rb_number(r, 0x6c, calling);
	if (called)
		rb_number(r, 0x70, called);
}

static unsigned int raw_next_cref = 0x100;

/* Build the message for kind; returns 0 or -1 for an unknown kind. */
int psim_raw_bad(struct psim_span *sp, const char *kind, long cref_arg, long bchan, bool ui)
{
	struct raw_buf r = { .n = 0 };
	uint16_t cref = (uint16_t)(cref_arg >= 0 ? cref_arg : (long)raw_next_cref++);
	unsigned int ts = bchan > 0 ? (unsigned int)bchan : 1;
	char hex[2 * DCHAN_MAX_FRAME + 1];
	unsigned int i;
	int rc;

	if (raw_next_cref > 0x7f00)
		raw_next_cref = 0x100;
	if (!strcmp(kind, "good")) {
		rb_setup(&r, cref, true, ts, true, "4930123456", "0800123");
	} else if (!strcmp(kind, "ie-overrun")) {
		/* the channel identification claims 10 octets, 3 follow */
		rb_setup(&r, cref, true, 256, true, NULL, NULL);
		rb_put(&r, (const uint8_t[]){ 0x18, 0x0a, 0xa9, 0x83, 0x81 }, 5);
	} else if (!strcmp(kind, "cause0") || !strcmp(kind, "cause0-release")) {
		rb_hdr(&r, cref, !strcmp(kind, "cause0") ? 0x45 : 0x4d);
		rb_put(&r, (const uint8_t[]){ 0x08, 0x00 }, 2);
	} else if (!strcmp(kind, "number-crlf")) {
		rb_setup(&r, cref, true, ts, true, "4930123", "0800\r\nVia: EVIL");
	} else if (!strcmp(kind, "number-quote")) {
		rb_setup(&r, cref, true, ts, true, "49\"EVIL\"", "0800123");
	} else if (!strcmp(kind, "number-sip")) {
		rb_setup(&r, cref, true, ts, true, "4930123", "<sip:EVIL@198.18.0.1>");
	} else if (!strcmp(kind, "number-long")) {
		rb_setup(&r, cref, true, ts, true, "4930123", "0123456789012345678901234");
	} else if (!strcmp(kind, "chan0")) {
		rb_setup(&r, cref, true, 0, true, "4930123", "0800123");
	} else if (!strcmp(kind, "chan32")) {
		rb_setup(&r, cref, true, 32, true, "4930123", "0800123");
	} else if (!strcmp(kind, "chan16")) {
		rb_setup(&r, cref, true, 16, true, "4930123", "0800123");
	} else if (!strcmp(kind, "chan")) { /* bchan=N exclusive, e.g. one not configured */
		rb_setup(&r, cref, true, ts, true, "4930123", "0800123");
	} else if (!strcmp(kind, "globalcr")) {
		rb_setup(&r, 0, true, ts, true, "4930123", "0800123");
		cref = 0;
	} else if (!strcmp(kind, "flag")) {
		rb_setup(&r, (uint16_t)(cref | 0x8000), true, ts, true, "4930123", "0800123");
	} else if (!strcmp(kind, "missing-bc")) {
		rb_setup(&r, cref, false, ts, true, "4930123", "0800123");
	} else if (!strcmp(kind, "pd")) { /* maintenance PD: libpri would echo it back */
		rb_setup(&r, cref, true, ts, true, "4930123", "0800123");
		r.b[0] = 0x03;
	} else if (!strcmp(kind, "short")) {
		rb_put(&r, (const uint8_t[]){ 0x08, 0x02 }, 2);
	} else if (!strcmp(kind, "crlen")) {
		rb_put(&r, (const uint8_t[]){ 0x08, 0x01, 0x05, 0x05 }, 4);
		rb_bearer(&r);
	} else if (!strcmp(kind, "unknown-mt")) {
		rb_hdr(&r, cref, 0x0b);
	} else {
		return -1;
	}
	rc = psim_raw_send(sp, r.b, r.n, ui);
	for (i = 0; i < r.n; i++)
		snprintf(hex + 2 * i, 3, "%02x", r.b[i]);
	psim_ev("raw_sent", "\"span\":%u,\"kind\":\"%s\",\"cref\":%u,\"len\":%u,\"ui\":%s,"
		"\"rc\":%d,\"hex\":\"%s\"", sp->nr, kind, cref, r.n, ui ? "true" : "false", rc,
		hex);
	return 0;
}

/* Hex octets (spaces allowed between pairs) into buf; returns the count or -1. */
int psim_raw_hex(uint8_t *buf, unsigned int max, const char *s)
{
	unsigned int n = 0;

	while (*s) {
		char pair[3] = { 0 };

		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		if (!s[1] || n == max)
			return -1;
		pair[0] = s[0];
		pair[1] = s[1];
		if (strspn(pair, "0123456789abcdefABCDEF") != 2)
			return -1;
		buf[n++] = (uint8_t)strtoul(pair, NULL, 16);
		s += 2;
	}
	return (int)n;
}
