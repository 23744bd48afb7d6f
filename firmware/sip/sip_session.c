// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Session timers (RFC 4028) for the box's calls. The INVITE says Supported: timer with the
 * configured Session-Expires and Min-SE; a 422 raises both to the far end's Min-SE and the INVITE
 * goes again (twice at most). A 2xx with Session-Expires starts the timer: when the box is the
 * refresher (refresher=uac, or none given) it re-INVITEs with its unchanged SDP at half the
 * interval; when the advisor is, a refresh must come (any re-INVITE counts) or the box sends
 * BYE (Reason: Q.850 cause 102, recovery on timer expiry) min(32, SE/3) seconds before the
 * session would expire, and call control clears the caller with cause 102. A failed refresh
 * of the box's ends the call the same way: 408/481 at once, others at that same point; 491
 * (both sides re-INVITEing) tries again after 2.1-4 s. A re-INVITE from the advisor while the
 * box's refresh is out gets 491; one asking less than Min-SE gets 422.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hlgw/log.h>

#include "sip_int.h"
#include "sip_call.h"

#define SIP_SE_MAX_422 2 /* INVITEs again after 422 */

/* The value of header name (or its compact form) in msg, or NULL */
static const char *sip_session_hdr(osip_message_t *msg, const char *name, const char *compact)
{
	osip_header_t *h = NULL;

	if (osip_message_header_get_byname(msg, name, 0, &h) >= 0 && h && h->hvalue)
		return h->hvalue;
	h = NULL;
	if (compact && osip_message_header_get_byname(msg, compact, 0, &h) >= 0 && h)
		return h->hvalue;
	return NULL;
}

/* "delta-seconds[;refresher=uac|uas]": 0 or -EINVAL; *refresher 'c', 's' or 0 (none). */
static int sip_session_parse(const char *v, uint32_t *delta, char *refresher)
{
	const char *p = v, *r;
	unsigned long d = 0;
	int digits = 0;

	*refresher = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
		d = d * 10 + (unsigned long)(*p - '0');
	if (!digits || digits >= 10 || d > 0xffffffffu)
		return -EINVAL;
	for (r = p; *r; r++) {
		if (!strncasecmp(r, "refresher", 9)) {
			r += 9;
			while (*r == ' ' || *r == '=')
				r++;
			if (!strncasecmp(r, "uac", 3))
				*refresher = 'c';
			else if (!strncasecmp(r, "uas", 3))
				*refresher = 's';
			break;
		}
	}
	*delta = (uint32_t)d;
	return 0;
}

static bool sip_session_on(void)
{
	return sip_g.cfg.session_expires_s != 0;
}

void sip_session_init(struct sip_call *c)
{
	c->se_s = sip_g.cfg.session_expires_s;
	c->min_se_s = sip_g.cfg.min_se_s;
}

int sip_session_invite_hdrs(const struct sip_call *c, char *buf, size_t size, bool refresh)
{
	char min_se[24] = "";
	int n;

	buf[0] = 0;
	if (!sip_session_on())
		return 0;
	/* RFC 4028 5: no Min-SE means 90 s; left out then (each header costs call set-up
	 * some 4,000 instructions in oSIP's parser and writer) */
	if (c->min_se_s != SIP_MIN_SE)
		snprintf(min_se, sizeof(min_se), "Min-SE: %u\r\n", c->min_se_s);
	n = snprintf(buf, size, "Supported: timer\r\nSession-Expires: %u%s\r\n%s",
		     refresh ? c->st_interval_s : c->se_s, refresh ? ";refresher=uac" : "", min_se);
	return n > 0 && (size_t)n < size ? 0 : -ENOSPC;
}

bool sip_session_retry_422(struct sip_call *c, osip_message_t *resp)
{
	const char *v;
	uint32_t min_se;
	char r;

	if (resp->status_code != 422 || !sip_session_on() || c->se_422 >= SIP_SE_MAX_422)
		return false;
	v = sip_session_hdr(resp, "Min-SE", NULL);
	if (!v || sip_session_parse(v, &min_se, &r) < 0 || min_se <= c->min_se_s ||
	    min_se > 86400)
		return false;
	c->se_422++;
	c->min_se_s = min_se;
	if (c->se_s < min_se)
		c->se_s = min_se;
	LOGP(DSIP, LOGL_INFO, "call %s: 422, INVITE again with Session-Expires %u\n", c->call_id,
	     c->se_s);
	return true;
}

/* ---- the timer ---- */

/* Seconds before expiry at which the side that does not refresh sends BYE (RFC 4028 10) */
static uint32_t sip_session_margin(uint32_t se)
{
	return se / 3 < 32 ? se / 3 : 32;
}

static void sip_session_arm(struct sip_call *c)
{
	uint32_t s = c->st_we_refresh ? c->st_interval_s / 2 :
					c->st_interval_s - sip_session_margin(c->st_interval_s);

	c->st_expiring = !c->st_we_refresh;
	osmo_timer_schedule(&c->st_timer, s, 0);
}

/* The session is over: BYE with cause 102, the caller's side hears the same. */
static void sip_session_expire(struct sip_call *c, const char *why)
{
	LOGP(DSIP, LOGL_NOTICE, "call %s: session timer: %s: BYE\n", c->call_id, why);
	sip_g.ctr.session_expiries++;
	osmo_timer_del(&c->st_timer);
	c->st_on = false;
	if (c->state != SIP_CS_CONFIRMED)
		return;
	c->reason_tx = 102;
	c->reason_rx = 102;
	sip_call_bye_send(c, NULL);
	sip_call_event(c, SIP_CALL_ENDED, 0, false, NULL);
}

static int sip_session_refresh_send(struct sip_call *c)
{
	char to[SIP_URI_MAX + 80], branch[32] = "z9hG4bK", extra[400], se[160], ip[16], sdp[400];
	osip_message_t *msg;
	int rc;

	rc = sip_reinvite_sdp_last(c, sdp, sizeof(sdp));
	if (rc < 0)
		return rc;
	rc = sip_session_invite_hdrs(c, se, sizeof(se), true);
	if (rc < 0)
		return rc;
	snprintf(extra, sizeof(extra), "Contact: <sip:hlgw@%s:%u%s>\r\nAllow: " SIP_ALLOW "\r\n%s",
		 sip_ip_str(ip, sip_local_addr()), sip_g.cfg.listen_port,
		 c->tcp ? ";transport=tcp" : "", se);
	snprintf(to, sizeof(to), "<%s>;tag=%s", c->uri, c->remote_tag);
	sip_random_token(branch + 7, sizeof(branch) - 7);
	c->cseq++;
	/* RFC 4028 7.4: the refresh carries the session as it is: the same SDP, same version */
	rc = sip_request_build(&msg, &(struct sip_req){
		.tcp = c->tcp, .method = "INVITE",
		.ruri = *c->remote_target ? c->remote_target : c->uri, .branch = branch,
		.from = c->from, .to = to, .call_id = c->call_id, .cseq = c->cseq,
		.routes = c->route_set, .extra = extra, .ctype = "application/sdp",
		.body = sdp });
	if (rc < 0)
		return rc;
	c->refresh_cseq = c->cseq;
	c->reinv_out = true;
	sip_g.ctr.session_refreshes++;
	LOGP(DSIP, LOGL_INFO, "call %s: session refresh (re-INVITE, CSeq %u)\n", c->call_id,
	     c->cseq);
	return sip_request_send(NULL, msg, &c->owner, c->dlg_ip, c->dlg_port);
}

static void sip_session_timer(void *data)
{
	struct sip_call *c = data;

	if (!c->st_on || c->state != SIP_CS_CONFIRMED)
		return;
	if (c->st_expiring) {
		sip_session_expire(c, c->st_we_refresh ? "refresh not answered" :
							 "the advisor did not refresh");
		return;
	}
	if (!c->reinv_out && !c->reinv_pending && sip_session_refresh_send(c) < 0) {
		sip_session_expire(c, "cannot send the refresh");
		return;
	}
	/* whatever happens to the refresh: the session ends where the far end would end it */
	c->st_expiring = true;
	osmo_timer_schedule(&c->st_timer,
			    c->st_interval_s / 2 - sip_session_margin(c->st_interval_s), 0);
}

/* (Re)start from a Session-Expires value; the refresher as the box sees it */
static void sip_session_run(struct sip_call *c, uint32_t interval, bool we_refresh)
{
	if (interval < 90)
		interval = 90; /* RFC 4028 4: nobody may ask less */
	c->st_on = true;
	c->st_interval_s = interval;
	c->st_we_refresh = we_refresh;
	osmo_timer_setup(&c->st_timer, sip_session_timer, c);
	sip_session_arm(c);
	LOGP(DSIP, LOGL_INFO, "call %s: session timer %u s, refresher %s\n", c->call_id, interval,
	     we_refresh ? "the box" : "the advisor");
}

void sip_session_answered(struct sip_call *c, osip_message_t *resp)
{
	const char *v = sip_session_hdr(resp, "Session-Expires", "x");
	uint32_t se;
	char r;

	/* RFC 4028 7.2: no Session-Expires in the 2xx, no session timer */
	if (!sip_session_on() || !v || sip_session_parse(v, &se, &r) < 0) {
		osmo_timer_del(&c->st_timer);
		c->st_on = false;
		return;
	}
	sip_session_run(c, se, r != 's');
}

bool sip_session_refresh_result(struct sip_call *c, osip_transaction_t *tr,
				osip_message_t *resp, int status)
{
	unsigned int ms;

	if (!c->reinv_out || !tr->orig_request || !tr->orig_request->cseq ||
	    strtoul(tr->orig_request->cseq->number, NULL, 10) != c->refresh_cseq)
		return false;
	c->reinv_out = false;
	if (status >= 200 && status < 300) {
		sip_session_answered(c, resp);
		return true;
	}
	LOGP(DSIP, LOGL_NOTICE, "call %s: session refresh got %d\n", c->call_id, status);
	if (status == 408 || status == 481) {
		/* RFC 3261 12.2.1.2: the dialog is gone */
		sip_session_expire(c, "refresh failed");
	} else if (status == 491 && c->st_on) {
		/* RFC 3261 14.1: the Call-ID's owner waits 2.1 to 4 s */
		ms = 2100 + osip_build_random_number() % 1900;
		c->st_expiring = false;
		osmo_timer_schedule(&c->st_timer, ms / 1000, (ms % 1000) * 1000);
	}
	return true;
}

int sip_session_rx(struct sip_call *c, osip_message_t *req, char *min_se, size_t size)
{
	const char *v = sip_session_hdr(req, "Session-Expires", "x");
	uint32_t se;
	char r;

	if (c->reinv_out)
		return 491; /* RFC 3261 14.2: both sides re-INVITE at once */
	if (!sip_session_on() || !v || sip_session_parse(v, &se, &r) < 0)
		return 0;
	if (se < c->min_se_s) {
		snprintf(min_se, size, "%u", c->min_se_s);
		return 422;
	}
	return 0;
}

int sip_session_accepted(struct sip_call *c, osip_message_t *req, osip_message_t *resp)
{
	const char *v = sip_session_hdr(req, "Session-Expires", "x");
	char line[48], r = 'c';
	uint32_t se;

	if (!sip_session_on())
		return 0;
	if (v && sip_session_parse(v, &se, &r) == 0) {
		/* the advisor is the UAC here: uac (or none) means it refreshes */
		sip_session_run(c, se, r == 's');
	} else if (c->st_on) {
		sip_session_arm(c); /* any re-INVITE refreshes (RFC 4028 10) */
		return 0;
	} else {
		return 0;
	}
	snprintf(line, sizeof(line), "%u;refresher=%s", c->st_interval_s, r == 's' ? "uas" : "uac");
	osip_message_set_header(resp, "Session-Expires", line);
	osip_message_set_header(resp, "Require", "timer");
	return 0;
}

void sip_session_stop(struct sip_call *c)
{
	osmo_timer_del(&c->st_timer);
	c->st_on = false;
}
