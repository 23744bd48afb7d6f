// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SIP transport: one lwIP raw UDP pcb on the listen port (TCP: sip_tcp.c). A message is
 * checked before oSIP sees it (size, framing and Content-Length per RFC 3261 section 18.3, mandatory headers per
 * section 8.1.1), then matched to a transaction or starts a new one; what cannot be parsed is
 * counted and dropped, a request that can be answered but is malformed gets a stateless 400.
 * oSIP's send callback and the UA's own sends (ACK for 2xx, stateless answers) leave through
 * sip_transport_send(). Everything runs in the main loop: lwIP calls the receive function from
 * inside board_wait(); oSIP's callbacks run later from the subsystem's work().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hlgw/log.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#include "sip_int.h"

static struct udp_pcb *sip_pcb;
static uint16_t sip_bound_port;
int (*sip_transport_tx_hook)(const char *buf, size_t len, uint32_t dst, uint16_t port, int conn);

/* ---- framing ---- */

/* The blank line ending the headers ("\r\n\r\n"), or NULL. */
static const char *sip_hdr_end(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
			return p + i;
	return NULL;
}

static bool sip_hname_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(p, name, n);
}

/* Content-Length value "  123  " -> 123; -EINVAL when not a plain number */
static long sip_cl_value(const char *p, const char *end)
{
	long v = 0;
	int digits = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits >= 9)
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return digits && p == end ? v : -EINVAL;
}

/* Datagram (stream false) or stream framing; see sip_frame_check and sip_frame_stream. */
static int sip_frame(const char *buf, size_t len, size_t *off, size_t *msg_len, bool stream)
{
	const char *start, *hend, *line, *end;
	size_t i = 0, body;
	long cl = -1;
	bool cl_bad = false;

	while (i < len && (buf[i] == '\r' || buf[i] == '\n'))
		i++;
	*off = i;
	*msg_len = len - i;
	if (i == len)
		return -ENODATA; /* CRLF keep-alive (RFC 5626) or empty */
	start = buf + i;
	end = buf + len;
	hend = sip_hdr_end(start, (size_t)(end - start));
	if (!hend && stream) {
		for (line = start; line < end; line++)
			if ((unsigned char)*line < 0x20 && *line != '\r' && *line != '\n' &&
			    *line != '\t')
				return -EBADMSG;
		return -EAGAIN; /* the headers go on in the next segment */
	}
	if (!hend)
		return -EBADMSG;
	hend += 4;
	for (line = start; line < hend; line++)
		if ((unsigned char)*line < 0x20 && *line != '\r' && *line != '\n' && *line != '\t')
			return -EBADMSG; /* NUL or control octets in the headers: not SIP text */
	/* header lines after the start line; folded lines (leading blank) are skipped */
	line = memchr(start, '\n', (size_t)(hend - start)) + 1;
	while (line < hend - 2) {
		const char *eol = memchr(line, '\n', (size_t)(hend - line));
		const char *colon = memchr(line, ':', (size_t)(eol - line));
		const char *ne;

		if (colon && *line != ' ' && *line != '\t') {
			for (ne = colon; ne > line && (ne[-1] == ' ' || ne[-1] == '\t'); ne--)
				;
			if (sip_hname_is(line, (size_t)(ne - line), "Content-Length") ||
			    sip_hname_is(line, (size_t)(ne - line), "l")) {
				long v = sip_cl_value(colon + 1, eol[-1] == '\r' ? eol - 1 : eol);

				if (v < 0 || (cl >= 0 && v != cl))
					cl_bad = true;
				else
					cl = v;
			}
		}
		line = eol + 1;
	}
	if (cl_bad)
		return -EINVAL;
	body = (size_t)(end - hend);
	if (cl < 0)
		cl = stream ? 0 : (long)body; /* optional on UDP: the rest of the datagram */
	*msg_len = (size_t)(hend - start) + (size_t)cl; /* octets past the body are dropped */
	if (stream && i + *msg_len > SIP_MAX_MSG)
		return -EMSGSIZE;
	if ((size_t)cl > body)
		return stream ? -EAGAIN : -EPROTO;
	return 0;
}

int sip_frame_check(const char *buf, size_t len, size_t *off, size_t *msg_len)
{
	return sip_frame(buf, len, off, msg_len, false);
}

int sip_frame_stream(const char *buf, size_t len, size_t *off, size_t *msg_len)
{
	int rc = sip_frame(buf, len, off, msg_len, true);

	if (rc == -ENODATA)
		*msg_len = *off; /* the CRLFs: a ping when there are two pairs */
	return rc;
}

/* The header block of a message whose Content-Length is wrong, without its Content-Length
 * lines and body, so that oSIP parses it and a 400 can be built. NULL when it will not do. */
static osip_event_t *sip_parse_headers_only(const char *msg, size_t len)
{
	static char tmp[SIP_MAX_MSG + 32];
	const char *hend = sip_hdr_end(msg, len), *line, *eol;
	size_t n = 0;

	if (!hend)
		return NULL;
	for (line = msg; line < hend + 2; line = eol + 1) {
		const char *colon;
		const char *ne;

		eol = memchr(line, '\n', (size_t)(hend + 2 - line));
		if (!eol)
			break;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (line != msg && colon) {
			for (ne = colon; ne > line && (ne[-1] == ' ' || ne[-1] == '\t'); ne--)
				;
			if (sip_hname_is(line, (size_t)(ne - line), "Content-Length") ||
			    sip_hname_is(line, (size_t)(ne - line), "l"))
				continue;
		}
		memcpy(tmp + n, line, (size_t)(eol + 1 - line));
		n += (size_t)(eol + 1 - line);
	}
	memcpy(tmp + n, "Content-Length: 0\r\n\r\n", 21);
	n += 21;
	tmp[n] = 0;
	return osip_parse(tmp, n);
}

/* ---- checks after parsing ---- */

int sip_msg_check(const osip_message_t *msg, const char **why)
{
	const osip_via_t *via = osip_list_get(&msg->vias, 0);
	bool req = MSG_IS_REQUEST(msg);

	*why = NULL;
	if (req && (!msg->sip_method || !msg->req_uri || !msg->req_uri->scheme)) {
		*why = "Bad Request-Line";
		return 400;
	}
	if (!via || !via->host || !via->protocol)
		return -1; /* nowhere to send an answer */
	/* without From, Call-ID or CSeq a response could not be matched by the sender: drop */
	if (!msg->from || !msg->from->url || !msg->call_id || !msg->call_id->number ||
	    !msg->cseq || !msg->cseq->number || !msg->cseq->method) {
		*why = "Missing From, Call-ID or CSeq";
		return -1;
	}
	if (!msg->to || !msg->to->url) {
		*why = "Missing or bad To";
	} else {
		const char *p = msg->cseq->number;

		for (; *p; p++)
			if (*p < '0' || *p > '9')
				*why = "Bad CSeq number";
		if (!*why && strlen(msg->cseq->number) > 10)
			*why = "Bad CSeq number";
		if (!*why && req && strcmp(msg->cseq->method, msg->sip_method) &&
		    !(MSG_IS_ACK(msg) && !strcmp(msg->cseq->method, "INVITE")))
			*why = "CSeq method does not match";
	}
	if (!*why)
		return 0;
	return req ? 400 : -1;
}

int sip_response_new(osip_message_t **resp, const osip_message_t *req, int code,
		     const char *to_tag)
{
	osip_message_t *r;
	const char *reason = osip_message_get_reason(code);

	if (osip_message_init(&r) != 0)
		return -ENOMEM;
	osip_message_set_version(r, osip_strdup("SIP/2.0"));
	osip_message_set_status_code(r, code);
	osip_message_set_reason_phrase(r, osip_strdup(reason ? reason : "Unknown"));
	if (!req->to && req->req_uri) {
		/* a request without To still gets its 400: To from the Request-URI */
		if (osip_to_init(&r->to) || osip_uri_clone(req->req_uri, &r->to->url)) {
			osip_message_free(r);
			return -ENOMEM;
		}
	} else if (osip_to_clone(req->to, &r->to)) {
		osip_message_free(r);
		return -ENOMEM;
	}
	if (osip_list_clone(&req->vias, &r->vias, (int (*)(void *, void **))osip_via_clone) ||
	    osip_from_clone(req->from, &r->from) ||
	    osip_call_id_clone(req->call_id, &r->call_id) || osip_cseq_clone(req->cseq, &r->cseq)) {
		osip_message_free(r);
		return -ENOMEM;
	}
	if (to_tag && code > 100) {
		osip_generic_param_t *tag = NULL;

		if (osip_to_get_tag(r->to, &tag) != 0)
			osip_to_set_tag(r->to, osip_strdup(to_tag));
	}
	osip_message_set_user_agent(r, SIP_USER_AGENT);
	osip_message_set_content_length(r, "0");
	*resp = r;
	return 0;
}

/* Where a response goes (RFC 3261 18.2.2 and RFC 3581): the source address; the port from
 * rport when the request asked for it, else from sent-by. */
static uint16_t sip_resp_port(const osip_message_t *req, uint16_t sport)
{
	osip_via_t *via = osip_list_get(&req->vias, 0);
	osip_generic_param_t *rport = NULL;

	if (!via)
		return sport;
	osip_via_param_get_byname(via, "rport", &rport);
	if (rport)
		return sport;
	if (via->port) {
		int p = atoi(via->port);

		if (p > 0 && p < 65536)
			return (uint16_t)p;
	}
	return SIP_DEFAULT_PORT;
}

static void sip_respond_stateless(const osip_message_t *req, int code, const char *why,
				  uint32_t src, uint16_t sport, int conn)
{
	osip_message_t *resp;
	char tag[12];

	if (MSG_IS_ACK(req))
		return; /* never answer an ACK */
	sip_random_token(tag, sizeof(tag));
	if (sip_response_new(&resp, req, code, tag) < 0)
		return;
	if (why) {
		osip_free(resp->reason_phrase);
		resp->reason_phrase = osip_strdup(why);
	}
	if (sip_send_msg(resp, src, conn ? sport : sip_resp_port(req, sport), conn) == 0 &&
	    code == 400)
		sip_g.ctr.bad_requests++;
	osip_message_free(resp);
}

/* ---- receive ---- */

static void sip_rx_parsed(osip_event_t *evt, uint32_t src, uint16_t sport, int conn)
{
	osip_message_t *msg = evt->sip;
	osip_transaction_t *tr;
	const char *why;
	char ip[16];
	int st;

	if (MSG_IS_REQUEST(msg))
		sip_g.ctr.req_rx++;
	else
		sip_g.ctr.resp_rx++;
	st = sip_msg_check(msg, &why);
	if (st) {
		LOGP(DSIP, LOGL_INFO, "%s from %s:%u: %s\n",
		     MSG_IS_REQUEST(msg) ? "request" : "response", sip_ip_str(ip, src), sport,
		     why ? why : "no usable Via");
		if (st > 0)
			sip_respond_stateless(msg, st, why, src, sport, conn);
		else
			sip_g.ctr.dropped++;
		osip_event_free(evt);
		return;
	}
	if (MSG_IS_REQUEST(msg))
		osip_message_fix_last_via_header(msg, sip_ip_str(ip, src), sport);
	if (osip_find_transaction_and_add_event(sip_g.osip, evt) == 0) {
		sip_kick();
		return; /* a retransmission or the answer to our request: oSIP has it */
	}
	if (MSG_IS_RESPONSE(msg)) {
		sip_ua_stray_response(msg);
		osip_event_free(evt);
		return;
	}
	if (MSG_IS_ACK(msg)) {
		/* ACK for a 2xx (to a re-INVITE) or a late one */
		sip_reinvite_ack(msg);
		osip_event_free(evt);
		return;
	}
	tr = osip_create_transaction(sip_g.osip, evt);
	if (!tr) {
		LOGP(DSIP, LOGL_NOTICE, "%s from %s:%u: no transaction\n", msg->sip_method,
		     sip_ip_str(ip, src), sport);
		sip_respond_stateless(msg, 500, NULL, src, sport, conn);
		osip_event_free(evt);
		return;
	}
	/* responses of this server transaction leave on the request's connection */
	osip_transaction_set_out_socket(tr, conn);
	osip_transaction_add_event(tr, evt);
	sip_kick();
}

void sip_transport_rx(const char *buf, size_t len, uint32_t src, uint16_t sport)
{
	sip_transport_rx_tp(buf, len, src, sport, SIP_TP_UDP);
}

void sip_transport_reject(const char *buf, size_t len, uint32_t src, uint16_t sport, int conn,
			  int code)
{
	static char msg[SIP_MAX_MSG + 1];
	osip_event_t *evt;
	const char *why;

	if (len > SIP_MAX_MSG)
		len = SIP_MAX_MSG;
	memcpy(msg, buf, len);
	msg[len] = 0;
	evt = sip_parse_headers_only(msg, len);
	if (evt && evt->sip && MSG_IS_REQUEST(evt->sip) && sip_msg_check(evt->sip, &why) >= 0) {
		sip_g.ctr.req_rx++;
		sip_respond_stateless(evt->sip, code, NULL, src, sport, conn);
	} else {
		sip_g.ctr.dropped++;
	}
	if (evt)
		osip_event_free(evt);
}

void sip_transport_rx_tp(const char *buf, size_t len, uint32_t src, uint16_t sport, int conn)
{
	static char msg[SIP_MAX_MSG + 1];
	osip_event_t *evt;
	size_t off, mlen;
	char ip[16];
	int rc;

	if (!sip_g.osip || !buf)
		return;
	if (len > SIP_MAX_MSG) {
		sip_g.ctr.dropped++;
		LOGP(DSIP, LOGL_INFO, "%zu-octet datagram from %s:%u: too large, dropped\n", len,
		     sip_ip_str(ip, src), sport);
		return;
	}
	rc = sip_frame_check(buf, len, &off, &mlen);
	if (rc == -ENODATA)
		return;
	if (rc == -EBADMSG) {
		sip_g.ctr.parse_errors++;
		sip_g.ctr.dropped++;
		LOGP(DSIP, LOGL_INFO, "datagram from %s:%u is not SIP, dropped\n",
		     sip_ip_str(ip, src), sport);
		return;
	}
	memcpy(msg, buf + off, mlen);
	msg[mlen] = 0;
	if (rc < 0) {
		/* Content-Length wrong: a request gets 400 (RFC 3261 18.3), a response is dropped */
		sip_g.ctr.parse_errors++;
		evt = sip_parse_headers_only(msg, mlen);
		LOGP(DSIP, LOGL_INFO, "message from %s:%u: bad Content-Length\n",
		     sip_ip_str(ip, src), sport);
		if (evt && evt->sip && MSG_IS_REQUEST(evt->sip)) {
			const char *why;

			sip_g.ctr.req_rx++;
			if (sip_msg_check(evt->sip, &why) >= 0)
				sip_respond_stateless(evt->sip, 400, "Bad Content-Length", src,
						      sport, conn);
			else
				sip_g.ctr.dropped++;
		} else {
			sip_g.ctr.dropped++;
		}
		if (evt)
			osip_event_free(evt);
		return;
	}
	evt = osip_parse(msg, mlen);
	if (!evt || !evt->sip) {
		sip_g.ctr.parse_errors++;
		sip_g.ctr.dropped++;
		LOGP(DSIP, LOGL_INFO, "unparsable message from %s:%u, dropped\n",
		     sip_ip_str(ip, src), sport);
		if (evt)
			osip_event_free(evt);
		return;
	}
	sip_rx_parsed(evt, src, sport, conn);
}

static void sip_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			 u16_t port)
{
	static char buf[SIP_MAX_MSG];
	uint16_t n;

	if (!p)
		return;
	if (p->tot_len > SIP_MAX_MSG || !addr || !IP_IS_V4(addr)) {
		sip_g.ctr.dropped++;
		LOGP(DSIP, LOGL_INFO, "%u-octet datagram dropped (too large)\n", p->tot_len);
		pbuf_free(p);
		return;
	}
	n = pbuf_copy_partial(p, buf, p->tot_len, 0);
	pbuf_free(p);
	sip_transport_rx(buf, n, lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr))), port);
}

/* ---- send ---- */

int sip_transport_send(const char *buf, size_t len, uint32_t dst, uint16_t port, int conn)
{
	ip_addr_t to;
	struct pbuf *p;
	err_t err;

	if (sip_transport_tx_hook)
		return sip_transport_tx_hook(buf, len, dst, port, conn);
	if (conn != SIP_TP_UDP)
		return sip_tcp_send(conn, buf, len, dst, port);
	if (!sip_pcb)
		return -ENOTCONN;
	if (len > 0xffff - 28)
		return -EMSGSIZE;
	/* PBUF_RAM copy: lwIP may hold it while ARP resolves */
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p)
		return -ENOMEM;
	memcpy(p->payload, buf, len);
	ip_addr_set_ip4_u32(&to, lwip_htonl(dst));
	err = udp_sendto(sip_pcb, p, &to, port);
	pbuf_free(p);
	return err == ERR_OK ? 0 : -EIO;
}

bool sip_msg_tcp(const osip_message_t *msg)
{
	const osip_via_t *via = osip_list_get(&msg->vias, 0);

	return via && via->protocol && !strcasecmp(via->protocol, "TCP");
}

int sip_send_msg(osip_message_t *msg, uint32_t dst, uint16_t port, int conn)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (osip_message_to_str(msg, &text, &len) != 0 || !text)
		return -ENOMEM;
	rc = sip_transport_send(text, len, dst, port, conn);
	osip_free(text);
	if (rc < 0) {
		sip_g.ctr.tx_errors++;
		return rc;
	}
	if (MSG_IS_REQUEST(msg))
		sip_g.ctr.req_tx++;
	else
		sip_g.ctr.resp_tx++;
	return 0;
}

int sip_transport_cb_send(osip_transaction_t *tr, osip_message_t *msg, char *host, int port,
			  int sock)
{
	uint32_t dst;
	int conn = SIP_TP_UDP;

	if (!host || sip_parse_ipv4(&dst, host) < 0 || port <= 0 || port > 65535) {
		LOGP(DSIP, LOGL_NOTICE, "cannot send to '%s' port %d (IPv4 only)\n",
		     host ? host : "?", port);
		return -1;
	}
	/* a request goes as its Via says (the UA chose); a response on the connection its
	 * request came on (out_socket), or a new one to the Via's address when that went */
	if (MSG_IS_REQUEST(msg) ? sip_msg_tcp(msg) : sock > 0 || sip_msg_tcp(msg))
		conn = MSG_IS_RESPONSE(msg) && sock > 0 ? sock : SIP_TP_TCP;
	return sip_send_msg(msg, dst, (uint16_t)port, conn) == 0 ? 0 : -1;
}

/* ---- pcb ---- */

int sip_transport_open(uint16_t port)
{
	struct udp_pcb *pcb;

	if (sip_pcb && sip_bound_port == port)
		return 0;
	pcb = udp_new();
	if (!pcb)
		return -ENOMEM;
	if (udp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
		udp_remove(pcb);
		LOGP(DSIP, LOGL_ERROR, "cannot bind UDP port %u\n", port);
		return -EADDRINUSE;
	}
	udp_recv(pcb, sip_udp_recv, NULL);
	sip_transport_close();
	sip_pcb = pcb;
	sip_bound_port = port;
	LOGP(DSIP, LOGL_NOTICE, "listening on UDP port %u\n", port);
	/* TCP too (RFC 3261 18: a UA must); without it the box still works over UDP */
	sip_tcp_listen(port);
	return 0;
}

void sip_transport_close(void)
{
	sip_tcp_shutdown();
	if (!sip_pcb)
		return;
	udp_remove(sip_pcb);
	sip_pcb = NULL;
	sip_bound_port = 0;
}

bool sip_transport_bound(void)
{
	return sip_pcb != NULL || sip_transport_tx_hook != NULL;
}
