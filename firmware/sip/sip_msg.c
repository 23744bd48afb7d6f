// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Request text for the UA and the keep-alive: random tokens (tags, branches, Call-IDs),
 * requests built as text and parsed by oSIP, URI checks (no DNS on the box: hosts must be
 * IPv4 addresses unless an outbound proxy routes), and the next hop of a request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip_int.h"

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
	int n;

	n = snprintf(buf, sizeof(buf),
		     "%s %s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:%u;rport;branch=%s\r\n"
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
		     r->method, r->ruri, sip_ip_str(ip, sip_local_addr()), sip_g.cfg.listen_port,
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
	*out = msg;
	return 0;
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

/* A URI the box may put on a request line: sip:, parseable, no blanks or controls. */
int sip_uri_check(const char *uri)
{
	osip_uri_t *u;
	const char *p;
	int rc = -EINVAL;

	if (!uri || strlen(uri) >= SIP_URI_MAX || strncasecmp(uri, "sip:", 4))
		return -EINVAL;
	for (p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == 0x7f)
			return -EINVAL;
	if (osip_uri_init(&u) != 0)
		return -ENOMEM;
	if (osip_uri_parse(u, uri) == 0 && u->host && *u->host)
		rc = 0;
	osip_uri_free(u);
	return rc;
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
			snprintf(routes, size, "Route: <sip:%s:%u;lr>\r\n", sip_ip_str(a, *ip), *port);
		return 0;
	}
	return sip_uri_dest(ip, port, uri);
}
