// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * re-INVITEs from the far end in an answered call (RFC 3261 14.2, RFC 3264 8, RFC 6337): hold
 * (a=sendonly/inactive or c=0.0.0.0), resume, a new RTP address. An offer is answered in the 200
 * with the same payload types and the answering direction; a re-INVITE without SDP gets the
 * box's offer in the 200 and its answer in the ACK. The o= version of the box's SDP goes up
 * each time its SDP changes. Call control hears the new session through SIP_CALL_MEDIA as soon
 * as the 200 goes (or the ACK's answer arrives). Over UDP the UA re-sends its 2xx itself (oSIP's
 * server transaction ends on 2xx) at T1, 2T1, ... T2 until the ACK, for 64*T1; then it ends the
 * call with BYE (RFC 3261 13.3.1.4). A second re-INVITE while one waits for its ACK gets 500
 * with Retry-After; one that cannot be answered 488, the call going on as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <hlgw/log.h>

#include "sip_int.h"
#include "sip_call.h"

#define SIP_T1_MS 500
#define SIP_T2_MS 4000

static const char *const sip_dir_text[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

void sip_reinvite_stop(struct sip_call *c)
{
	osmo_timer_del(&c->reinv_timer);
	osip_free(c->reinv_200);
	c->reinv_200 = NULL;
	c->reinv_pending = false;
	c->reinv_answer_in_ack = false;
}

/* Answer req on tr with code; body (SDP) and one more header line are optional. The 200's text
 * is kept for re-sending when the request came over UDP. */
static int sip_reinvite_reply(struct sip_call *c, osip_transaction_t *tr, osip_message_t *req,
			      int code, const char *sdp, const char *hname, const char *hvalue)
{
	osip_message_t *resp;
	osip_event_t *evt;
	char contact[96], ip[16], len[24];

	if (sip_response_new(&resp, req, code, c->local_tag) < 0)
		return -ENOMEM;
	if (hname)
		osip_message_set_header(resp, hname, hvalue);
	if (code == 200) {
		snprintf(contact, sizeof(contact), "<sip:hlgw@%s:%u%s>",
			 sip_ip_str(ip, sip_local_addr()), sip_g.cfg.listen_port,
			 c->tcp ? ";transport=tcp" : "");
		osip_message_set_contact(resp, contact);
		osip_message_set_allow(resp, SIP_ALLOW);
	}
	if (code == 200)
		sip_session_accepted(c, req, resp);
	if (sdp) {
		osip_content_length_free(resp->content_length);
		resp->content_length = NULL;
		snprintf(len, sizeof(len), "%zu", strlen(sdp));
		osip_message_set_content_length(resp, len);
		osip_message_set_content_type(resp, "application/sdp");
		osip_message_set_body(resp, sdp, strlen(sdp));
	}
	if (code == 200 && tr->out_socket <= 0 && !sip_msg_tcp(req)) {
		char *host = NULL, *text = NULL;
		size_t n = 0;
		int port = 0;

		osip_response_get_destination(resp, &host, &port);
		if (host && sip_parse_ipv4(&c->reinv_ip, host) == 0 && port > 0 && port < 65536 &&
		    osip_message_to_str(resp, &text, &n) == 0) {
			c->reinv_200 = text;
			c->reinv_200_len = n;
			c->reinv_port = (uint16_t)port;
		}
		osip_free(host);
	}
	evt = osip_new_outgoing_sipmessage(resp);
	if (!evt) {
		osip_message_free(resp);
		return -ENOMEM;
	}
	evt->transactionid = tr->transactionid;
	osip_transaction_add_event(tr, evt);
	sip_kick();
	return 0;
}

static void sip_reinvite_retx(void *data)
{
	struct sip_call *c = data;
	unsigned int ms;

	if (!c->reinv_pending || !c->reinv_200)
		return;
	if (c->reinv_waited_ms >= 64 * SIP_T1_MS) {
		LOGP(DSIP, LOGL_NOTICE, "call %s: no ACK for the re-INVITE's 200: BYE\n",
		     c->call_id);
		sip_reinvite_stop(c);
		if (c->state == SIP_CS_CONFIRMED && sip_call_bye_send(c, NULL) < 0)
			sip_call_event(c, SIP_CALL_ENDED, 408, false, NULL);
		return;
	}
	if (sip_transport_send(c->reinv_200, c->reinv_200_len, c->reinv_ip, c->reinv_port,
			       SIP_TP_UDP) == 0)
		sip_g.ctr.resp_tx++;
	/* the interval doubles from T1 up to T2 (RFC 3261 13.3.1.4) */
	ms = c->reinv_last_ms * 2 < SIP_T2_MS ? c->reinv_last_ms * 2 : SIP_T2_MS;
	c->reinv_last_ms = ms;
	c->reinv_waited_ms += ms;
	osmo_timer_schedule(&c->reinv_timer, ms / 1000, (ms % 1000) * 1000);
}

/* The SDP to send: the answer to m (or an offer when m is NULL); the version goes up when it
 * differs from the last one sent. Returns its length or a negative errno. */
static int sip_reinvite_sdp(struct sip_call *c, char *buf, size_t size, const struct sip_media *m)
{
	int pcma = m ? m->pcma_pt : 8, te = m ? m->te_pt : 101;
	enum sip_dir dir = m ? sip_sdp_answer_dir((enum sip_dir)m->dir) : SIP_DIR_SENDRECV;

	if (pcma != c->sdp_pcma || te != c->sdp_te || dir != c->sdp_dir) {
		c->sdp_ver++;
		c->sdp_pcma = (uint8_t)pcma;
		c->sdp_te = (int16_t)te;
		c->sdp_dir = (uint8_t)dir;
	}
	return sip_reinvite_sdp_last(c, buf, size);
}

int sip_reinvite_sdp_last(const struct sip_call *c, char *buf, size_t size)
{
	return sip_sdp_build(buf, size, sip_local_addr(), c->rtp_port, c->sdp_id, c->sdp_ver,
			     c->sdp_pcma, c->sdp_te, (enum sip_dir)c->sdp_dir);
}

static void sip_reinvite_media(struct sip_call *c, const struct sip_media *m)
{
	char ip[16];

	c->media = *m;
	LOGP(DSIP, LOGL_INFO, "call %s: session now %s:%u %s%s\n", c->call_id,
	     sip_ip_str(ip, m->addr), m->port, sip_dir_text[m->dir & 3],
	     m->sendonly ? " (held: sending nothing)" : "");
	sip_call_event(c, SIP_CALL_MEDIA, 200, true, &c->media);
}

void sip_reinvite_rx(struct sip_call *c, osip_transaction_t *tr, osip_message_t *req)
{
	const osip_body_t *b = sip_sdp_body(req);
	struct sip_media m;
	char sdp[400], retry[8], min_se[12];
	int rc;

	if (c->state != SIP_CS_CONFIRMED) {
		sip_reinvite_reply(c, tr, req, c->state >= SIP_CS_ENDING ? 481 : 491, NULL, NULL,
				   NULL);
		sip_g.ctr.reinvite_rejects++;
		return;
	}
	rc = sip_session_rx(c, req, min_se, sizeof(min_se));
	if (rc) {
		LOGP(DSIP, LOGL_INFO, "call %s: re-INVITE refused %d\n", c->call_id, rc);
		sip_reinvite_reply(c, tr, req, rc, NULL, rc == 422 ? "Min-SE" : NULL, min_se);
		sip_g.ctr.reinvite_rejects++;
		return;
	}
	if (c->reinv_pending) {
		/* RFC 3261 14.2: the last one's offer/answer is not through yet */
		snprintf(retry, sizeof(retry), "%u", osip_build_random_number() % 10);
		sip_reinvite_reply(c, tr, req, 500, NULL, "Retry-After", retry);
		sip_g.ctr.reinvite_rejects++;
		return;
	}
	if (b) {
		rc = sip_sdp_answer_parse(&m, b->body, b->length);
		if (rc < 0) {
			LOGP(DSIP, LOGL_NOTICE, "call %s: re-INVITE without usable SDP (%d): 488\n",
			     c->call_id, rc);
			sip_reinvite_reply(c, tr, req, 488, NULL, NULL, NULL);
			sip_g.ctr.reinvite_rejects++;
			return;
		}
	}
	if (sip_reinvite_sdp(c, sdp, sizeof(sdp), b ? &m : NULL) < 0 ||
	    sip_reinvite_reply(c, tr, req, 200, sdp, NULL, NULL) < 0) {
		sip_reinvite_reply(c, tr, req, 500, NULL, NULL, NULL);
		return;
	}
	sip_g.ctr.reinvites++;
	c->reinv_pending = true;
	c->reinv_answer_in_ack = !b;
	c->reinv_cseq = (uint32_t)strtoul(req->cseq->number, NULL, 10);
	c->reinv_last_ms = c->reinv_waited_ms = SIP_T1_MS;
	if (c->reinv_200) {
		osmo_timer_setup(&c->reinv_timer, sip_reinvite_retx, c);
		osmo_timer_schedule(&c->reinv_timer, 0, SIP_T1_MS * 1000);
	}
	if (b)
		sip_reinvite_media(c, &m);
	else
		LOGP(DSIP, LOGL_INFO, "call %s: re-INVITE without SDP: offered in the 200\n",
		     c->call_id);
}

void sip_reinvite_ack(osip_message_t *ack)
{
	struct sip_call *c = sip_dialog_find(ack);
	const osip_body_t *b;
	struct sip_media m;
	bool answer;

	if (!c || !c->reinv_pending ||
	    strtoul(ack->cseq->number, NULL, 10) != c->reinv_cseq)
		return;
	answer = c->reinv_answer_in_ack;
	sip_reinvite_stop(c);
	if (!answer)
		return;
	b = sip_sdp_body(ack);
	if (b && sip_sdp_answer_parse(&m, b->body, b->length) == 0) {
		sip_reinvite_media(c, &m);
		return;
	}
	/* our offer went unanswered: the session is undefined (RFC 3264 5) */
	LOGP(DSIP, LOGL_NOTICE, "call %s: ACK without a usable answer to our offer: BYE\n",
	     c->call_id);
	if (sip_call_bye_send(c, NULL) < 0)
		sip_call_event(c, SIP_CALL_ENDED, 488, false, NULL);
}
