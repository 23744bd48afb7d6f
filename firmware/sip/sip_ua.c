// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user agent on oSIP's transactions. UAC: INVITE with the SDP offer, 1xx/2xx/3xx-6xx,
 * ACK for 2xx sent here and re-sent for retransmitted 2xx (oSIP's INVITE client transaction
 * ends on 2xx; it ACKs 3xx-6xx itself), CANCEL while ringing, BYE, digest authentication on
 * 401/407. The UAS side is sip_uas.c.
 * A call whose INVITE went over TCP keeps its dialog on TCP; a failed TCP connection fails the
 * client transactions sent on it at once (sip_tcp_fail_transactions).
 * oSIP calls back from the subsystem's work(); transactions that ended are freed afterwards
 * (sip_ua_reap), never inside oSIP's kill callback.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <hlgw/log.h>

#include "sip_int.h"
#include "sip_call.h"

static const char *const sip_cs_names[] = { "calling", "early", "confirmed", "ending", "done" };

LLIST_HEAD(sip_calls);
static osip_list_t sip_dead; /* transactions killed, to free after execution */

static const char *sip_hval_ok_chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+*#._-";

/* ---- client transactions ---- */

int sip_request_send(osip_transaction_t **out, osip_message_t *msg, struct sip_owner *owner,
		     uint32_t ip, uint16_t port)
{
	osip_fsm_type_t type = MSG_IS_INVITE(msg) ? ICT : NICT;
	osip_transaction_t *tr;
	osip_event_t *evt;
	char a[16];

	if (osip_transaction_init(&tr, type, sip_g.osip, msg) != 0) {
		osip_message_free(msg);
		return -ENOMEM;
	}
	sip_ip_str(a, ip);
	if (type == ICT)
		osip_ict_set_destination(tr->ict_context, osip_strdup(a), port);
	else
		osip_nict_set_destination(tr->nict_context, osip_strdup(a), port);
	osip_transaction_set_your_instance(tr, owner);
	evt = osip_new_outgoing_sipmessage(msg);
	if (!evt) {
		osip_transaction_set_your_instance(tr, NULL);
		osip_list_add(&sip_dead, tr, -1);
		sip_kick();
		return -ENOMEM;
	}
	evt->transactionid = tr->transactionid;
	if (owner && owner->kind == SIP_OWNER_CALL)
		container_of(owner, struct sip_call, owner)->refs++;
	osip_transaction_add_event(tr, evt);
	sip_kick();
	if (out)
		*out = tr;
	return 0;
}

/* Digest credentials for a 401/407 challenge: the whole header line into out. */
static int sip_auth_line(char *out, size_t size, const osip_message_t *resp, const char *method,
			 const char *uri)
{
	bool proxy = resp->status_code == 407;
	osip_www_authenticate_t *wa = NULL;
	char *realm = NULL, *nonce = NULL, *opaque = NULL, *qops = NULL, *alg = NULL;
	char resp_hex[33], cnonce[17], extra[160] = "";
	bool qop_auth = false;
	int rc = -ENOTSUP, n;

	if (proxy)
		osip_message_get_proxy_authenticate(resp, 0, &wa);
	else
		osip_message_get_www_authenticate(resp, 0, &wa);
	if (!wa || !wa->auth_type || strcasecmp(wa->auth_type, "Digest") || !wa->realm ||
	    !wa->nonce)
		return -EINVAL;
	realm = osip_strdup_without_quote(wa->realm);
	nonce = osip_strdup_without_quote(wa->nonce);
	if (wa->opaque)
		opaque = osip_strdup_without_quote(wa->opaque);
	if (wa->algorithm)
		alg = osip_strdup_without_quote(wa->algorithm);
	if (wa->qop_options) {
		char *t, *save = NULL;

		qops = osip_strdup_without_quote(wa->qop_options);
		for (t = strtok_r(qops, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
			if (!strcasecmp(t, "auth"))
				qop_auth = true;
		if (!qop_auth)
			goto out; /* auth-int only */
	}
	if (!realm || !nonce || (alg && strcasecmp(alg, "MD5")))
		goto out; /* MD5-sess, SHA-256: not done */
	sip_random_token(cnonce, sizeof(cnonce));
	rc = sip_digest_response(resp_hex, &(struct sip_digest){
		.username = sip_g.cfg.username, .realm = realm, .password = sip_g.cfg.password,
		.nonce = nonce, .method = method, .uri = uri, .qop = qop_auth ? "auth" : NULL,
		.cnonce = cnonce, .nc = "00000001" });
	if (rc < 0)
		goto out;
	if (qop_auth)
		snprintf(extra, sizeof(extra), ", qop=auth, cnonce=\"%s\", nc=00000001", cnonce);
	n = snprintf(out, size,
		     "%s: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
		     "response=\"%s\", algorithm=MD5%s%s%s%s\r\n",
		     proxy ? "Proxy-Authorization" : "Authorization", sip_g.cfg.username, realm,
		     nonce, uri, resp_hex, extra, opaque ? ", opaque=\"" : "", opaque ? opaque : "",
		     opaque ? "\"" : "");
	rc = n > 0 && (size_t)n < size ? 0 : -ENOSPC;
out:
	osip_free(realm);
	osip_free(nonce);
	osip_free(opaque);
	osip_free(qops);
	osip_free(alg);
	return rc;
}

/* ---- calls ---- */

void sip_call_event(struct sip_call *c, enum sip_call_event ev, int status,
			   bool by_remote, const struct sip_media *media)
{
	struct sip_call_info info = { .ev = ev, .status = status, .by_remote = by_remote,
				      .media = media, .q850 = c->reason_rx };

	if (c->state == SIP_CS_DONE)
		return;
	if (ev == SIP_CALL_FAILED || ev == SIP_CALL_ENDED) {
		c->state = SIP_CS_DONE;
		sip_session_stop(c);
		sip_kick(); /* reaped once no transaction refers to it */
	}
	LOGP(DSIP, LOGL_INFO, "call %s: event %d status %d\n", c->call_id, ev, status);
	if (c->cb)
		c->cb(c, &info, c->arg);
}

static int sip_call_invite_send(struct sip_call *c, const char *auth_line)
{
	char sdp[512], to[SIP_URI_MAX + 4], routes[96], extra[1600], ip[16], se[160];
	bool tcp = c->want_tcp;
	osip_message_t *msg;
	int rc;

	c->sdp_ver = 1;
	rc = sip_sdp_offer(sdp, sizeof(sdp), sip_local_addr(), c->rtp_port, c->sdp_id, c->sdp_ver,
			   false);
	if (rc < 0)
		return rc;
	c->sdp_pcma = 8;
	c->sdp_te = 101;
	c->sdp_dir = SIP_DIR_SENDRECV;
	rc = sip_session_invite_hdrs(c, se, sizeof(se), false);
	if (rc < 0)
		return rc;
	if (sip_g.cfg.proxy_addr) {
		rc = sip_request_route(&c->dst_ip, &c->dst_port, routes, sizeof(routes), c->uri);
		if (rc < 0)
			return rc;
	} else {
		/* the URI was read once in sip_call_invite */
		routes[0] = 0;
		c->dst_ip = c->uri_ip;
		c->dst_port = c->uri_port;
	}
	c->cseq++;
	c->invite_cseq = c->cseq;
	if (auth_line != c->invite_auth) { /* the same credentials again: keep them */
		osip_free(c->invite_auth);
		c->invite_auth = auth_line ? osip_strdup(auth_line) : NULL;
	}
	sip_random_token(c->branch + 7, sizeof(c->branch) - 7);
	snprintf(to, sizeof(to), "<%s>", c->uri);
	snprintf(extra, sizeof(extra),
		 "Contact: <sip:hlgw@%s:%u%s>\r\nAllow: " SIP_ALLOW "\r\n%s%s%s",
		 sip_ip_str(ip, sip_local_addr()), sip_g.cfg.listen_port,
		 tcp ? ";transport=tcp" : "", se, c->ident, auth_line ? auth_line : "");
	rc = sip_request_build(&msg, &(struct sip_req){
		.tcp = tcp, .udp_only = c->udp_only, .method = "INVITE", .ruri = c->uri, .branch = c->branch, .from = c->from, .to = to,
		.call_id = c->call_id, .cseq = c->cseq, .routes = routes, .extra = extra,
		.ctype = "application/sdp", .body = sdp });
	if (rc < 0)
		return rc;
	c->tcp = sip_msg_tcp(msg);
	c->size_tcp = c->tcp && !tcp;
	return sip_request_send(NULL, msg, &c->owner, c->dst_ip, c->dst_port);
}

int sip_call_invite(struct sip_call **call, const struct sip_call_params *p, sip_call_cb cb,
		    void *arg)
{
	struct sip_call *c;
	const char *domain;
	struct sip_uri_info ui;
	char ip[16];
	int rc;

	if (!call || !p || !p->uri || !p->from_user || !p->rtp_port || (p->rtp_port & 1))
		return -EINVAL;
	if (!*p->from_user || strlen(p->from_user) > 32 ||
	    strspn(p->from_user, sip_hval_ok_chars) != strlen(p->from_user))
		return -EINVAL;
	if (sip_uri_info(&ui, p->uri) < 0)
		return -EINVAL;
	if (!sip_g.cfg.proxy_addr && !ui.ipv4)
		return -EINVAL; /* no DNS: direct calls need an IPv4 host */
	if (!sip_local_addr() || !sip_transport_bound() || !sip_g.osip)
		return -ENETDOWN;
	c = talloc_zero(hlgw_ctx, struct sip_call);
	if (!c)
		return -ENOMEM;
	c->owner.kind = SIP_OWNER_CALL;
	c->cb = cb;
	c->arg = arg;
	c->rtp_port = p->rtp_port;
	c->want_tcp = sip_g.cfg.proxy_addr ? sip_g.cfg.proxy_tcp : ui.tcp;
	c->uri_ip = ui.ip;
	c->uri_port = ui.port;
	c->sdp_id = osip_build_random_number() & 0x7fffffff;
	osmo_strlcpy(c->uri, p->uri, sizeof(c->uri));
	sip_random_token(c->local_tag, sizeof(c->local_tag));
	sip_random_token(c->call_id, 25);
	snprintf(c->call_id + strlen(c->call_id), sizeof(c->call_id) - strlen(c->call_id), "@%s",
		 sip_ip_str(ip, sip_local_addr()));
	domain = *sip_g.cfg.domain ? sip_g.cfg.domain : ip;
	rc = sip_identity_build(c->from, sizeof(c->from) - 24, c->ident, sizeof(c->ident), p,
				domain);
	if (rc < 0) {
		talloc_free(c);
		return rc;
	}
	snprintf(c->from + strlen(c->from), 24, ";tag=%s", c->local_tag);
	strcpy(c->branch, "z9hG4bK");
	c->cseq = osip_build_random_number() % 10000;
	sip_session_init(c);
	llist_add_tail(&c->list, &sip_calls);
	rc = sip_call_invite_send(c, NULL);
	if (rc < 0) {
		llist_del(&c->list);
		osip_free(c->invite_auth);
		talloc_free(c);
		return rc;
	}
	LOGP(DSIP, LOGL_INFO, "call %s: INVITE %s\n", c->call_id, c->uri);
	*call = c;
	return 0;
}

/* CANCEL for the pending INVITE (RFC 3261 9.1: same branch, CSeq number, Route). */
static void sip_call_cancel_send(struct sip_call *c)
{
	char to[SIP_URI_MAX + 4], routes[96];
	osip_message_t *msg;
	uint32_t ip;
	uint16_t port;

	char reason[40] = "";

	c->cancelled = true;
	if (c->reason_tx)
		snprintf(reason, sizeof(reason), "Reason: Q.850;cause=%d\r\n", c->reason_tx);
	snprintf(to, sizeof(to), "<%s>", c->uri);
	if (sip_request_route(&ip, &port, routes, sizeof(routes), c->uri) < 0)
		return;
	if (sip_request_build(&msg, &(struct sip_req){
		    .tcp = c->tcp, .method = "CANCEL", .ruri = c->uri, .branch = c->branch, .from = c->from,
		    .to = to, .call_id = c->call_id, .cseq = c->invite_cseq, .routes = routes,
		    .extra = reason }) < 0)
		return;
	sip_request_send(NULL, msg, &c->owner, c->dst_ip, c->dst_port);
}

static void sip_call_to(char *to, size_t size, const struct sip_call *c)
{
	snprintf(to, size, "<%s>%s%s", c->uri, *c->remote_tag ? ";tag=" : "", c->remote_tag);
}

int sip_call_bye_send(struct sip_call *c, const char *auth_line)
{
	char to[SIP_URI_MAX + 80], branch[32] = "z9hG4bK", extra[700];
	osip_message_t *msg;
	int rc;

	snprintf(extra, sizeof(extra), "%s", auth_line ? auth_line : "");
	if (c->reason_tx)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "Reason: Q.850;cause=%d\r\n", c->reason_tx);
	sip_random_token(branch + 7, sizeof(branch) - 7);
	sip_call_to(to, sizeof(to), c);
	c->cseq++;
	rc = sip_request_build(&msg, &(struct sip_req){
		.tcp = c->tcp, .method = "BYE", .ruri = *c->remote_target ? c->remote_target : c->uri,
		.branch = branch, .from = c->from, .to = to, .call_id = c->call_id, .cseq = c->cseq,
		.routes = c->route_set, .extra = extra });
	if (rc < 0)
		return rc;
	c->state = c->state == SIP_CS_DONE ? SIP_CS_DONE : SIP_CS_ENDING;
	return sip_request_send(NULL, msg, &c->owner, c->dlg_ip, c->dlg_port);
}

int sip_call_hangup_cause(struct sip_call *c, int q850)
{
	if (c && q850 >= 1 && q850 <= 127 && c->state < SIP_CS_ENDING)
		c->reason_tx = q850;
	return sip_call_hangup(c);
}

int sip_call_hangup(struct sip_call *c)
{
	if (!c)
		return -EINVAL;
	switch (c->state) {
	case SIP_CS_CALLING:
	case SIP_CS_EARLY:
		if (c->cancelled || c->cancel_wanted)
			return -EALREADY;
		if (c->provisional)
			sip_call_cancel_send(c);
		else
			c->cancel_wanted = true; /* CANCEL goes once a 1xx arrived */
		LOGP(DSIP, LOGL_INFO, "call %s: cancelling\n", c->call_id);
		return 0;
	case SIP_CS_CONFIRMED:
		LOGP(DSIP, LOGL_INFO, "call %s: BYE\n", c->call_id);
		if (sip_call_bye_send(c, NULL) < 0)
			sip_call_event(c, SIP_CALL_ENDED, 0, false, NULL);
		return 0;
	default:
		return -EALREADY;
	}
}

struct sip_call *sip_call_of(osip_transaction_t *tr)
{
	struct sip_owner *o = tr ? osip_transaction_get_your_instance(tr) : NULL;

	return o && o->kind == SIP_OWNER_CALL ? container_of(o, struct sip_call, owner) : NULL;
}

const char *sip_tag_of(osip_to_t *h)
{
	osip_generic_param_t *tag = NULL;

	if (h && osip_to_get_tag(h, &tag) == 0 && tag && tag->gvalue)
		return tag->gvalue;
	return NULL;
}

/* Remote tag, remote target and route set from a response that makes a dialog (RFC 3261
 * 12.1.2), and where in-dialog requests go. */
static void sip_call_dialog(struct sip_call *c, osip_message_t *resp)
{
	osip_contact_t *ct = NULL;
	osip_record_route_t *rr;
	const char *tag = sip_tag_of(resp->to);
	char *s = NULL;
	int i, n;

	if (tag)
		osmo_strlcpy(c->remote_tag, tag, sizeof(c->remote_tag));
	if (osip_message_get_contact(resp, 0, &ct) >= 0 && ct && ct->url &&
	    osip_uri_to_str(ct->url, &s) == 0 && s) {
		if (sip_uri_check(s) == 0)
			osmo_strlcpy(c->remote_target, s, sizeof(c->remote_target));
		osip_free(s);
	}
	c->route_set[0] = 0;
	n = osip_list_size(&resp->record_routes);
	for (i = n - 1; i >= 0; i--) {
		size_t used = strlen(c->route_set);

		rr = osip_list_get(&resp->record_routes, i);
		s = NULL;
		if (rr && osip_record_route_to_str(rr, &s) == 0 && s)
			snprintf(c->route_set + used, sizeof(c->route_set) - used, "Route: %s\r\n", s);
		osip_free(s);
	}
	c->dlg_ip = c->dst_ip;
	c->dlg_port = c->dst_port;
	if (!sip_g.cfg.proxy_addr) {
		rr = osip_list_get(&resp->record_routes, n - 1);
		if (rr && rr->url && rr->url->host && sip_parse_ipv4(&c->dlg_ip, rr->url->host) == 0)
			c->dlg_port = rr->url->port ? (uint16_t)atoi(rr->url->port) : SIP_DEFAULT_PORT;
		else if (*c->remote_target)
			sip_uri_dest(&c->dlg_ip, &c->dlg_port, c->remote_target);
	}
}

static void sip_call_ack_send(struct sip_call *c)
{
	char to[SIP_URI_MAX + 80], branch[32] = "z9hG4bK";
	osip_message_t *msg;
	char *text = NULL;
	size_t len = 0;

	sip_random_token(branch + 7, sizeof(branch) - 7);
	sip_call_to(to, sizeof(to), c);
	if (sip_request_build(&msg, &(struct sip_req){
		    .tcp = c->tcp, .method = "ACK", .ruri = *c->remote_target ? c->remote_target : c->uri,
		    .branch = branch, .from = c->from, .to = to, .call_id = c->call_id,
		    .cseq = c->invite_cseq, .routes = c->route_set, .extra = c->invite_auth }) < 0)
		return;
	if (osip_message_to_str(msg, &text, &len) == 0 && text) {
		osip_free(c->ack);
		c->ack = text;
		c->ack_len = len;
	}
	osip_message_free(msg);
	if (c->ack && sip_transport_send(c->ack, c->ack_len, c->dlg_ip, c->dlg_port,
					 c->tcp ? SIP_TP_TCP : SIP_TP_UDP) == 0)
		sip_g.ctr.req_tx++;
	else
		sip_g.ctr.tx_errors++;
}

/* First SDP body of msg, or NULL */
const osip_body_t *sip_sdp_body(osip_message_t *msg)
{
	osip_body_t *b = NULL;

	if (osip_message_get_body(msg, 0, &b) < 0 || !b || !b->body || !b->length)
		return NULL;
	if (msg->content_type && msg->content_type->type && msg->content_type->subtype &&
	    (strcasecmp(msg->content_type->type, "application") ||
	     strcasecmp(msg->content_type->subtype, "sdp")))
		return NULL;
	return b;
}

static void sip_ict_1xx(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_call *c = sip_call_of(tr);
	const osip_body_t *b;
	struct sip_media m;

	if (!c || c->state >= SIP_CS_CONFIRMED)
		return;
	c->provisional = true;
	if (c->cancel_wanted && !c->cancelled) {
		sip_call_cancel_send(c);
		return;
	}
	if (msg->status_code == 100 || c->cancelled)
		return;
	c->state = SIP_CS_EARLY;
	if (sip_tag_of(msg->to))
		osmo_strlcpy(c->remote_tag, sip_tag_of(msg->to), sizeof(c->remote_tag));
	b = sip_sdp_body(msg);
	if (b && !c->early_told && sip_sdp_answer_parse(&m, b->body, b->length) == 0) {
		c->early_told = true;
		c->media = m;
		sip_call_event(c, SIP_CALL_EARLY_MEDIA, msg->status_code, false, &c->media);
	} else if (!c->ringing_told && !c->early_told) {
		c->ringing_told = true;
		sip_call_event(c, SIP_CALL_RINGING, msg->status_code, false, NULL);
	}
}

static void sip_ict_2xx(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_call *c = sip_call_of(tr);
	const osip_body_t *b;
	int rc = -ENOENT;

	if (!c)
		return;
	if (c->state == SIP_CS_CONFIRMED && c->reinv_out && tr->orig_request &&
	    strtoul(tr->orig_request->cseq->number, NULL, 10) == c->refresh_cseq) {
		/* the 2xx of the box's refresh: the dialog's route set stays (RFC 3261 12.2.1.2) */
		struct sip_media m;

		c->invite_cseq = c->refresh_cseq;
		osip_free(c->invite_auth);
		c->invite_auth = NULL;
		sip_call_ack_send(c);
		sip_session_refresh_result(c, tr, msg, msg->status_code);
		/* the answer to the refresh's offer may move the stream too */
		b = sip_sdp_body(msg);
		if (b && sip_sdp_answer_parse(&m, b->body, b->length) == 0 &&
		    (m.addr != c->media.addr || m.port != c->media.port ||
		     m.sendonly != c->media.sendonly || m.te_pt != c->media.te_pt)) {
			c->media = m;
			sip_call_event(c, SIP_CALL_MEDIA, msg->status_code, false, &c->media);
		}
		return;
	}
	sip_call_dialog(c, msg);
	sip_call_ack_send(c);
	if (c->state >= SIP_CS_CONFIRMED)
		return;
	if (c->cancelled || c->cancel_wanted) {
		/* the 2xx crossed our CANCEL: the call is up, end it */
		sip_call_bye_send(c, NULL);
		sip_call_event(c, SIP_CALL_FAILED, 487, false, NULL);
		return;
	}
	b = sip_sdp_body(msg);
	if (b)
		rc = sip_sdp_answer_parse(&c->media, b->body, b->length);
	if (rc < 0) {
		LOGP(DSIP, LOGL_NOTICE, "call %s: %d answer without %s: BYE\n", c->call_id,
		     msg->status_code, rc == -EPROTO ? "PCMA" : "usable SDP");
		c->state = SIP_CS_CONFIRMED;
		sip_call_bye_send(c, NULL);
		sip_call_event(c, SIP_CALL_FAILED, 488, false, NULL);
		return;
	}
	c->state = SIP_CS_CONFIRMED;
	sip_session_answered(c, msg);
	sip_call_event(c, SIP_CALL_ANSWERED, msg->status_code, false, &c->media);
}

static bool sip_auth_retry_ok(struct sip_call *c, osip_message_t *msg)
{
	return (msg->status_code == 401 || msg->status_code == 407) && *sip_g.cfg.username &&
	       c->auth_tries < 2;
}

static void sip_ict_final(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_call *c = sip_call_of(tr);
	char line[900];

	if (c && c->state >= SIP_CS_CONFIRMED)
		sip_session_refresh_result(c, tr, msg, msg->status_code);
	if (!c || c->state >= SIP_CS_CONFIRMED)
		return;
	if (!c->cancelled && !c->cancel_wanted && sip_session_retry_422(c, msg) &&
	    sip_call_invite_send(c, NULL) == 0)
		return;
	if (!c->cancelled && !c->cancel_wanted && sip_auth_retry_ok(c, msg) &&
	    sip_auth_line(line, sizeof(line), msg, "INVITE", c->uri) == 0) {
		c->auth_tries++;
		sip_g.ctr.auth_retries++;
		LOGP(DSIP, LOGL_INFO, "call %s: %d, INVITE again with credentials\n", c->call_id,
		     msg->status_code);
		if (sip_call_invite_send(c, line) == 0)
			return;
	}
	LOGP(DSIP, LOGL_INFO, "call %s: failed %d\n", c->call_id, msg->status_code);
	c->reason_rx = sip_reason_q850(msg);
	sip_call_event(c, SIP_CALL_FAILED, msg->status_code, false, NULL);
}

static void sip_ict_timeout(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_call *c = sip_call_of(tr);

	if (c && c->state < SIP_CS_CONFIRMED && c->udp_retry) {
		/* RFC 3261 18.1.1: TCP only for the size, and refused: the same over UDP */
		LOGP(DSIP, LOGL_INFO, "call %s: TCP refused, INVITE again over UDP\n", c->call_id);
		c->udp_retry = false;
		c->tp_failed = false;
		c->udp_only = true;
		if (sip_call_invite_send(c, c->invite_auth) == 0)
			return;
	}
	if (c && c->state < SIP_CS_CONFIRMED)
		sip_call_event(c, SIP_CALL_FAILED, c->tp_failed ? 503 : 408, false, NULL);
	else if (c && c->state == SIP_CS_CONFIRMED)
		sip_session_refresh_result(c, tr, NULL, 408);
}

/* BYE/CANCEL (calls) and OPTIONS (keep-alive) answered or timed out */
static void sip_nict_done(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct sip_owner *o = osip_transaction_get_your_instance(tr);
	struct sip_call *c = sip_call_of(tr);
	const char *method = tr->orig_request ? tr->orig_request->sip_method : "";
	int status = type == OSIP_NICT_STATUS_TIMEOUT ? 408 : msg ? msg->status_code : 0;
	char line[600];

	if (o && o->kind == SIP_OWNER_KA) {
		sip_ka_answer(o, tr, status, type == OSIP_NICT_STATUS_TIMEOUT);
		return;
	}
	if (!c || strcmp(method, "BYE"))
		return; /* CANCEL's own answer tells nothing: the INVITE's does */
	if (msg && sip_auth_retry_ok(c, msg) &&
	    sip_auth_line(line, sizeof(line), msg, "BYE",
			  *c->remote_target ? c->remote_target : c->uri) == 0) {
		c->auth_tries++;
		sip_g.ctr.auth_retries++;
		if (sip_call_bye_send(c, line) == 0)
			return;
	}
	sip_call_event(c, SIP_CALL_ENDED, status, false, NULL);
}

static void sip_transport_err(int type, osip_transaction_t *tr, int error)
{
	struct sip_owner *o = osip_transaction_get_your_instance(tr);
	struct sip_call *c = sip_call_of(tr);

	LOGP(DSIP, LOGL_NOTICE, "transaction %d: transport error %d\n", tr->transactionid, error);
	if (o && o->kind == SIP_OWNER_KA)
		sip_ka_answer(o, tr, 503, true);
	else if (c && type == OSIP_ICT_TRANSPORT_ERROR && c->state < SIP_CS_CONFIRMED)
		sip_call_event(c, SIP_CALL_FAILED, 503, false, NULL);
	else if (c && type == OSIP_ICT_TRANSPORT_ERROR && c->state == SIP_CS_CONFIRMED)
		sip_session_refresh_result(c, tr, NULL, 503);
	else if (c && type == OSIP_NICT_TRANSPORT_ERROR && c->state == SIP_CS_ENDING)
		sip_call_event(c, SIP_CALL_ENDED, 503, false, NULL);
}


/* A 2xx for our INVITE after its transaction ended: the ACK got lost, send it again. */
void sip_ua_stray_response(osip_message_t *resp)
{
	const char *ftag = sip_tag_of(resp->from);
	struct sip_call *c;

	if (MSG_IS_STATUS_2XX(resp) && resp->cseq && resp->cseq->method &&
	    !strcmp(resp->cseq->method, "INVITE") && ftag) {
		llist_for_each_entry(c, &sip_calls, list) {
			if (!sip_callid_is(resp->call_id, c->call_id) || strcmp(c->local_tag, ftag) ||
			    strtoul(resp->cseq->number, NULL, 10) != c->invite_cseq || !c->ack)
				continue;
			if (sip_transport_send(c->ack, c->ack_len, c->dlg_ip, c->dlg_port,
					       c->tcp ? SIP_TP_TCP : SIP_TP_UDP) == 0) {
				sip_g.ctr.reacks++;
				sip_g.ctr.req_tx++;
			}
			LOGP(DSIP, LOGL_INFO, "call %s: 2xx again, ACK again\n", c->call_id);
			return;
		}
	}
	sip_g.ctr.stray_responses++;
	LOGP(DSIP, LOGL_INFO, "response %d %s matches no transaction\n", resp->status_code,
	     resp->cseq && resp->cseq->method ? resp->cseq->method : "?");
}

/* ---- transaction life ---- */

static void sip_kill(int type, osip_transaction_t *tr)
{
	struct sip_call *c = sip_call_of(tr);
	struct sip_owner *o = osip_transaction_get_your_instance(tr);

	if (c && c->refs)
		c->refs--;
	if (o && o->kind == SIP_OWNER_KA)
		sip_ka_killed(o, tr);
	osip_transaction_set_your_instance(tr, NULL);
	osip_list_add(&sip_dead, tr, -1);
	sip_kick();
}

static void sip_call_free(struct sip_call *c)
{
	sip_reinvite_stop(c);
	sip_session_stop(c);
	llist_del(&c->list);
	osip_free(c->ack);
	osip_free(c->invite_auth);
	talloc_free(c);
}

void sip_ua_reap(void)
{
	struct sip_call *c, *n;
	osip_transaction_t *tr;

	while ((tr = osip_list_get(&sip_dead, 0))) {
		osip_list_remove(&sip_dead, 0);
		osip_remove_transaction(sip_g.osip, tr);
		osip_transaction_free2(tr);
	}
	llist_for_each_entry_safe(c, n, &sip_calls, list)
		if (c->state == SIP_CS_DONE && !c->refs)
			sip_call_free(c);
}

unsigned int sip_ua_call_count(void)
{
	return llist_count(&sip_calls);
}

unsigned int sip_ua_transaction_count(void)
{
	osip_t *o = sip_g.osip;

	if (!o)
		return 0;
	return osip_list_size(&o->osip_ict_transactions) + osip_list_size(&o->osip_ist_transactions) +
	       osip_list_size(&o->osip_nict_transactions) + osip_list_size(&o->osip_nist_transactions);
}

const char *sip_call_state_name(const struct sip_call *c)
{
	return c ? sip_cs_names[c->state] : "none";
}

void sip_ua_set_callbacks(osip_t *osip)
{
	static const int nist[] = {
		OSIP_NIST_REGISTER_RECEIVED, OSIP_NIST_BYE_RECEIVED, OSIP_NIST_OPTIONS_RECEIVED,
		OSIP_NIST_INFO_RECEIVED, OSIP_NIST_CANCEL_RECEIVED, OSIP_NIST_NOTIFY_RECEIVED,
		OSIP_NIST_SUBSCRIBE_RECEIVED, OSIP_NIST_UNKNOWN_REQUEST_RECEIVED,
	};
	unsigned int i;

	osip_set_cb_send_message(osip, sip_transport_cb_send);
	osip_set_message_callback(osip, OSIP_ICT_STATUS_1XX_RECEIVED, sip_ict_1xx);
	osip_set_message_callback(osip, OSIP_ICT_STATUS_2XX_RECEIVED, sip_ict_2xx);
	for (i = OSIP_ICT_STATUS_3XX_RECEIVED; i <= OSIP_ICT_STATUS_6XX_RECEIVED; i++)
		osip_set_message_callback(osip, i, sip_ict_final);
	osip_set_message_callback(osip, OSIP_ICT_STATUS_TIMEOUT, sip_ict_timeout);
	for (i = OSIP_NICT_STATUS_2XX_RECEIVED; i <= OSIP_NICT_STATUS_6XX_RECEIVED; i++)
		osip_set_message_callback(osip, i, sip_nict_done);
	osip_set_message_callback(osip, OSIP_NICT_STATUS_TIMEOUT, sip_nict_done);
	osip_set_message_callback(osip, OSIP_IST_INVITE_RECEIVED, sip_uas_invite);
	for (i = 0; i < sizeof(nist) / sizeof(nist[0]); i++)
		osip_set_message_callback(osip, nist[i], sip_uas_request);
	for (i = OSIP_ICT_KILL_TRANSACTION; i <= OSIP_NIST_KILL_TRANSACTION; i++)
		osip_set_kill_transaction_callback(osip, i, sip_kill);
	for (i = OSIP_ICT_TRANSPORT_ERROR; i <= OSIP_NIST_TRANSPORT_ERROR; i++)
		osip_set_transport_error_callback(osip, i, sip_transport_err);
}

int sip_ua_init(void)
{
	osip_list_init(&sip_dead);
	return 0;
}

/* Stop: calls end without signalling (the box goes down); oSIP is released by sip.c. */
void sip_ua_shutdown(void)
{
	struct sip_call *c, *n;

	llist_for_each_entry_safe(c, n, &sip_calls, list)
		sip_call_free(c);
}
