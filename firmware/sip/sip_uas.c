// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The UAS side: OPTIONS 200, BYE in a dialog 200 (481 outside), CANCEL 481 (the box accepts no
 * INVITE), a re-INVITE in a dialog to sip_reinvite.c (481 outside, 403 for a new call: calls
 * from SIP are not part of the product), 405 for known methods the box does not do, 501 for
 * the rest. Answers go through the server transaction oSIP made.
 */
#include <string.h>

#include <hlgw/log.h>

#include "sip_int.h"
#include "sip_call.h"

/* oSIP splits Call-ID at '@': compare both parts with ours */
bool sip_callid_is(const osip_call_id_t *id, const char *ours)
{
	const char *at = strchr(ours, '@');
	size_t n = at ? (size_t)(at - ours) : strlen(ours);

	if (!id || !id->number || strlen(id->number) != n || strncmp(id->number, ours, n))
		return false;
	if (!at)
		return !id->host;
	return id->host && !strcmp(id->host, at + 1);
}

/* ---- UAS ---- */

struct sip_call *sip_dialog_find(osip_message_t *req)
{
	const char *ftag = sip_tag_of(req->from), *ttag = sip_tag_of(req->to);
	struct sip_call *c;

	if (!ftag || !ttag)
		return NULL;
	llist_for_each_entry(c, &sip_calls, list)
		if (sip_callid_is(req->call_id, c->call_id) && !strcmp(c->local_tag, ttag) &&
		    !strcmp(c->remote_tag, ftag))
			return c;
	return NULL;
}

static void sip_uas_respond(osip_transaction_t *tr, osip_message_t *req, int code)
{
	osip_message_t *resp;
	osip_event_t *evt;
	char tag[12];

	sip_random_token(tag, sizeof(tag));
	if (sip_response_new(&resp, req, code, tag) < 0)
		return;
	if (code == 405 || (code == 200 && MSG_IS_OPTIONS(req)))
		osip_message_set_allow(resp, SIP_ALLOW);
	if (code == 200 && MSG_IS_OPTIONS(req)) {
		osip_message_set_accept(resp, "application/sdp");
		osip_message_set_header(resp, "Accept-Language", "en");
	}
	evt = osip_new_outgoing_sipmessage(resp);
	if (!evt) {
		osip_message_free(resp);
		return;
	}
	evt->transactionid = tr->transactionid;
	osip_transaction_add_event(tr, evt);
	sip_kick();
}

static bool sip_method_known(const char *m)
{
	static const char *const known[] = { "REGISTER", "SUBSCRIBE", "NOTIFY", "INFO", "PRACK",
					     "UPDATE", "MESSAGE", "REFER", "PUBLISH" };
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(m, known[i]))
			return true;
	return false;
}

void sip_uas_request(int type, osip_transaction_t *tr, osip_message_t *req)
{
	struct sip_call *c;
	int code;

	if (MSG_IS_OPTIONS(req)) {
		code = 200;
	} else if (MSG_IS_BYE(req)) {
		c = sip_dialog_find(req);
		code = c && c->state >= SIP_CS_EARLY ? 200 : 481;
		sip_uas_respond(tr, req, code);
		if (code == 200) {
			LOGP(DSIP, LOGL_INFO, "call %s: BYE from the far end\n", c->call_id);
			c->reason_rx = sip_reason_q850(req);
			sip_call_event(c, SIP_CALL_ENDED, 0, true, NULL);
		}
		return;
	} else if (MSG_IS_CANCEL(req)) {
		code = 481; /* the box has no INVITE server transaction to cancel */
	} else if (sip_method_known(req->sip_method)) {
		code = 405;
	} else {
		code = 501;
	}
	sip_uas_respond(tr, req, code);
}

void sip_uas_invite(int type, osip_transaction_t *tr, osip_message_t *req)
{
	struct sip_call *c;

	/* new calls from SIP are not part of the product */
	if (!sip_tag_of(req->to)) {
		sip_uas_respond(tr, req, 403);
		return;
	}
	c = sip_dialog_find(req);
	if (c)
		sip_reinvite_rx(c, tr, req);
	else
		sip_uas_respond(tr, req, 481);
}
