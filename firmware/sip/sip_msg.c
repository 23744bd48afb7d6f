// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Request text for the UA and the keep-alive: random tokens (tags, branches, Call-IDs),
 * requests built as text and parsed by oSIP, URI checks (no DNS on the box: hosts must be
 * IPv4 addresses unless an outbound proxy routes), and the next hop of a request and its
 * transport (TCP when the URI or the proxy asks for it, or past 1300 octets: RFC 3261 18.1.1).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip_int.h"

/* How much longer oSIP's text of a request may come out than the text it parsed (an
 * Authorization header was seen ~50 octets longer) */
#define SIP_REWRITE_SLACK 200

void sip_random_token(char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (!size)
		return;
	for (i = 0; i + 1 < size; i += 8) {
		unsigned int r = osip_build_random_number();
		size_t j;

		for (j = 0; j < 8 && i + j + 1 < size; j++, r >>= 4)
			buf[i + j] = hex[r & 15];
	}
	buf[size - 1] = 0;
}

/* ---- requests ---- */

int sip_request_build(osip_message_t **out, const struct sip_req *r)
{
	static char buf[SIP_MAX_MSG]; /* one thread: no need for 8 KB of stack */
	char ip[16];
	osip_message_t *msg;
	size_t body_len = r->body ? strlen(r->body) : 0;
	bool tcp = r->tcp;
	int n;

again:
	n = snprintf(buf, sizeof(buf),
		     "%s %s SIP/2.0\r\n"
		     "Via: SIP/2.0/%s %s:%u;rport;branch=%s\r\n"
		     "Max-Forwards: 70\r\n"
		     "%s"
		     "From: %s\r\n"
		     "To: %s\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: %u %s\r\n"
		     "%s"
		     "User-Agent: " SIP_USER_AGENT "\r\n"
		     "%s%s%s"
		     "Content-Length: %zu\r\n\r\n%s",
		     r->method, r->ruri, tcp ? "TCP" : "UDP", sip_ip_str(ip, sip_local_addr()),
		     sip_g.cfg.listen_port,
		     r->branch, r->routes ? r->routes : "", r->from, r->to, r->call_id, r->cseq,
		     r->method, r->extra ? r->extra : "",
		     r->body ? "Content-Type: " : "", r->body ? r->ctype : "", r->body ? "\r\n" : "",
		     body_len, r->body ? r->body : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENOSPC;
	if (osip_message_init(&msg) != 0)
		return -ENOMEM;
	if (osip_message_parse(msg, buf, (size_t)n) != 0) {
		osip_message_free(msg);
		return -EINVAL;
	}
	/* RFC 3261 18.1.1: too close to the MTU for UDP, measured as oSIP will send it (its
	 * text can be longer than ours: measured only near the limit, a serialisation costs
	 * ~10,000 instructions); an ACK or CANCEL follows its INVITE's transport, which the
	 * caller set */
	if (!tcp && !r->udp_only && n > SIP_UDP_MAX_REQ - SIP_REWRITE_SLACK &&
	    strcmp(r->method, "ACK") && strcmp(r->method, "CANCEL")) {
		char *text = NULL;
		size_t len = 0;

		if (osip_message_to_str(msg, &text, &len) == 0 && len > SIP_UDP_MAX_REQ) {
			osip_free(text);
			osip_message_free(msg);
			tcp = true;
			sip_g.ctr.tcp_size_switch++;
			goto again;
		}
		osip_free(text);
	}
	*out = msg;
	return 0;
}

bool sip_request_tcp(const char *uri)
{
	return sip_g.cfg.proxy_addr ? sip_g.cfg.proxy_tcp : sip_uri_tcp(uri);
}

/* host and port of a sip: URI with an IPv4 host */
int sip_uri_dest(uint32_t *ip, uint16_t *port, const char *uri)
{
	osip_uri_t *u;
	int rc = -EINVAL;

	if (osip_uri_init(&u) != 0)
		return -ENOMEM;
	if (osip_uri_parse(u, uri) == 0 && u->scheme && !strcasecmp(u->scheme, "sip") &&
	    u->host && sip_parse_ipv4(ip, u->host) == 0) {
		int p = u->port ? atoi(u->port) : SIP_DEFAULT_PORT;

		if (p > 0 && p < 65536) {
			*port = (uint16_t)p;
			rc = 0;
		}
	}
	osip_uri_free(u);
	return rc;
}

int sip_uri_info(struct sip_uri_info *ui, const char *uri)
{
	osip_uri_param_t *t = NULL;
	osip_uri_t *u;
	const char *p;
	int rc = -EINVAL;

	memset(ui, 0, sizeof(*ui));
	if (!uri || strlen(uri) >= SIP_URI_MAX || strncasecmp(uri, "sip:", 4))
		return -EINVAL;
	for (p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == 0x7f)
			return -EINVAL;
	if (osip_uri_init(&u) != 0)
		return -ENOMEM;
	if (osip_uri_parse(u, uri) == 0 && u->host && *u->host) {
		int port = u->port ? atoi(u->port) : SIP_DEFAULT_PORT;

		rc = 0;
		if (osip_uri_uparam_get_byname(u, "transport", &t) == 0 && t && t->gvalue)
			ui->tcp = !strcasecmp(t->gvalue, "tcp");
		if (u->scheme && !strcasecmp(u->scheme, "sip") &&
		    sip_parse_ipv4(&ui->ip, u->host) == 0 && port > 0 && port < 65536) {
			ui->ipv4 = true;
			ui->port = (uint16_t)port;
		}
	}
	osip_uri_free(u);
	return rc;
}

/* A URI the box may put on a request line: sip:, parseable, no blanks or controls. */
int sip_uri_check(const char *uri)
{
	struct sip_uri_info ui;

	return sip_uri_info(&ui, uri);
}

bool sip_uri_tcp(const char *uri)
{
	struct sip_uri_info ui;

	return sip_uri_info(&ui, uri) == 0 && ui.tcp;
}

/* Where an out-of-dialog request for uri goes: the outbound proxy when set, else the URI. */
int sip_request_route(uint32_t *ip, uint16_t *port, char *routes, size_t size, const char *uri)
{
	char a[16];

	if (routes && size)
		routes[0] = 0;
	if (sip_g.cfg.proxy_addr) {
		*ip = sip_g.cfg.proxy_addr;
		*port = sip_g.cfg.proxy_port ? sip_g.cfg.proxy_port : SIP_DEFAULT_PORT;
		if (routes)
			snprintf(routes, size, "Route: <sip:%s:%u;lr%s>\r\n", sip_ip_str(a, *ip),
				 *port, sip_g.cfg.proxy_tcp ? ";transport=tcp" : "");
		return 0;
	}
	return sip_uri_dest(ip, port, uri);
}

/* ---- identity (RFC 3323/3325) and Reason (RFC 3326) ---- */

static bool sip_chars_ok(const char *s, const char *ok, size_t max)
{
	size_t n = strlen(s);

	return n && n < max && strspn(s, ok) == n;
}

static bool sip_display_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= SIP_NAME_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s > '~' || *s == '"' || *s == '\\')
			return false;
	return true;
}

int sip_identity_build(char *from, size_t from_size, char *hdrs, size_t hdrs_size,
		       const struct sip_call_params *p, const char *domain)
{
	static const char user_ok[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+*#._-";
	char disp[SIP_NAME_MAX + 3] = "";
	size_t n = 0;
	int w;

	if ((p->display && !sip_display_ok(p->display)) ||
	    (p->pai_user && !sip_chars_ok(p->pai_user, user_ok, 33)) ||
	    (p->hotline && !sip_chars_ok(p->hotline, "0123456789*#+", 33)))
		return -EINVAL;
	if (p->display)
		snprintf(disp, sizeof(disp), "\"%s\" ", p->display);
	/* RFC 3323 4.1.1.3: an anonymous From; the identity goes in P-Asserted-Identity */
	if (p->privacy)
		w = snprintf(from, from_size, "%s<sip:anonymous@anonymous.invalid>",
			     *disp ? disp : "\"Anonymous\" ");
	else
		w = snprintf(from, from_size, "%s<sip:%s@%s>", disp, p->from_user, domain);
	if (w < 0 || (size_t)w >= from_size)
		return -ENOSPC;
	hdrs[0] = 0;
	/* RFC 3325 5: with Privacy: id the identity leaves the trust domain only through a
	 * proxy of it (which removes it); a phone reached directly is outside */
	if (p->pai_user && (!p->privacy || sip_g.cfg.proxy_addr)) {
		w = snprintf(hdrs + n, hdrs_size - n, "P-Asserted-Identity: <sip:%s@%s>\r\n",
			     p->pai_user, domain);
		if (w < 0 || (size_t)w >= hdrs_size - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	if (p->privacy) {
		w = snprintf(hdrs + n, hdrs_size - n, "Privacy: id\r\n");
		if (w < 0 || (size_t)w >= hdrs_size - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	if (p->hotline) {
		w = snprintf(hdrs + n, hdrs_size - n, "X-Hotline: %s\r\n", p->hotline);
		if (w < 0 || (size_t)w >= hdrs_size - n)
			return -ENOSPC;
	}
	return 0;
}

int sip_reason_q850(osip_message_t *msg)
{
	osip_header_t *h = NULL;
	int pos = 0;

	if (!msg)
		return 0;
	while ((pos = osip_message_header_get_byname(msg, "Reason", pos, &h)) >= 0 && h) {
		const char *v = h->hvalue, *c;

		pos++;
		if (!v || strncasecmp(v, "Q.850", 5))
			continue;
		c = strstr(v, "cause=");
		if (c) {
			int cause = atoi(c + 6);

			if (cause >= 1 && cause <= 127)
				return cause;
		}
	}
	return 0;
}
