/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firmware/sip internals: transport, UA, SDP, digest. */
#ifndef HLGW_SIP_INT_H
#define HLGW_SIP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/time.h> /* osip.h uses struct timeval and time_t without including them */
#include <time.h>

#include <osip2/osip.h>
#include <osipparser2/sdp_message.h>

#include <hlgw/sip.h>

#include "autoconf.h"
#ifndef CONFIG_SIP_TCP_CONNS
#define CONFIG_SIP_TCP_CONNS 32 /* builds whose .config predates the option */
#endif

/* Largest datagram taken: oSIP copies and re-copies messages, and nothing the box talks to
 * sends more than a few kilobytes; anything bigger is dropped and counted. */
#define SIP_MAX_MSG 8192
#define SIP_USER_AGENT "hlgw/0.1"
#define SIP_ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS"
/* RFC 3261 18.1.1: a request within 200 octets of the path MTU (1500) goes over TCP */
#define SIP_UDP_MAX_REQ 1300

/* How a message leaves: UDP, TCP to the destination (a connection to it reused or opened), or
 * a positive connection id (sip_tcp.c; a server transaction's out_socket). */
#define SIP_TP_UDP 0
#define SIP_TP_TCP (-1)

struct sip_glob {
	osip_t *osip;
	struct sip_cfg cfg;
	struct sip_counters ctr;
	bool started;	/* start() ran: bind and send */
	bool kick;	/* an event was queued for oSIP: sip_run() runs its passes */
	struct timeval due; /* oSIP's clock: the earliest transaction timer after the last run */
};
extern struct sip_glob sip_g;

/* Something for oSIP to do (an event queued, a transaction to reap): the next sip_run(). */
static inline void sip_kick(void)
{
	sip_g.kick = true;
}

/* ---- sip.c ---- */
/* The box's own address (host order) or 0. */
uint32_t sip_local_addr(void);
/* "A.B.C.D" -> host order; 0 or -EINVAL. */
int sip_parse_ipv4(uint32_t *ip, const char *s);
/* Dotted quad into buf (16 octets). */
const char *sip_ip_str(char *buf, uint32_t ip);

/* One turn of oSIP: timers, transaction events, then free what ended (the subsystem's
 * work(); tests call it directly). */
void sip_run(void);

/* ---- sip_transport.c ---- */
int sip_transport_open(uint16_t port);
void sip_transport_close(void);
bool sip_transport_bound(void);
/* One received datagram (addresses host order): check, parse, hand to oSIP or answer. */
void sip_transport_rx(const char *buf, size_t len, uint32_t src, uint16_t sport);
/* The same for one message from TCP connection conn (or SIP_TP_UDP). */
void sip_transport_rx_tp(const char *buf, size_t len, uint32_t src, uint16_t sport, int conn);
/* Answer the request whose headers buf holds with code (413 for a message too large), or
 * count it dropped when it cannot be answered. */
void sip_transport_reject(const char *buf, size_t len, uint32_t src, uint16_t sport, int conn,
			  int code);
/* Send text to dst:port over conn (SIP_TP_*); returns 0 or a negative errno. */
int sip_transport_send(const char *buf, size_t len, uint32_t dst, uint16_t port, int conn);
/* Test backdoor: when set, every message goes here instead of lwIP. */
extern int (*sip_transport_tx_hook)(const char *buf, size_t len, uint32_t dst, uint16_t port,
				    int conn);
/* The top Via says TCP. */
bool sip_msg_tcp(const osip_message_t *msg);
/* oSIP's send callback. */
int sip_transport_cb_send(osip_transaction_t *tr, osip_message_t *msg, char *host, int port,
			  int sock);
/* Serialise and send a message outside any transaction; counts it. 0 or negative errno. */
int sip_send_msg(osip_message_t *msg, uint32_t dst, uint16_t port, int conn);

/* Framing (RFC 3261 section 18.3 for datagrams): skips leading CRLFs, finds the header end,
 * checks Content-Length. *off and *msg_len: where the message starts and how long it is with the
 * body cut to Content-Length. Returns 0, -ENODATA (only CRLF keep-alives), -EBADMSG (no header
 * end, binary junk), -EINVAL (Content-Length not a number or given twice differently),
 * -EPROTO (the datagram ends before Content-Length octets of body). */
int sip_frame_check(const char *buf, size_t len, size_t *off, size_t *msg_len);
/* The same on a TCP byte stream (section 18.3: Content-Length cuts the stream; missing means
 * 0): -EAGAIN when the message is not all there yet, -EMSGSIZE when it will not fit
 * SIP_MAX_MSG (headers complete from *off), -ENODATA with *msg_len CRLF octets to skip. */
int sip_frame_stream(const char *buf, size_t len, size_t *off, size_t *msg_len);

/* ---- sip_tcp.c ---- */
#define SIP_TCP_MAX CONFIG_SIP_TCP_CONNS /* connections at once, both directions */
#define SIP_TCP_MAX_IN (SIP_TCP_MAX / 2) /* of them accepted: the rest stays for advisors */
int sip_tcp_listen(uint16_t port);
/* Close every connection and the listener. */
void sip_tcp_shutdown(void);
bool sip_tcp_listening(void);
/* Queue text on connection conn (> 0), else on one to ip:port, opened when there is none.
 * Returns 0, -ENOTCONN (not listening), -ENOBUFS (no connection or queue full). */
int sip_tcp_send(int conn, const char *buf, size_t len, uint32_t ip, uint16_t port);
/* The TCP connection to ip:port failed: the client transactions sent there fail now. */
void sip_tcp_fail_transactions(uint32_t ip, uint16_t port);
/* A transaction or a call still uses connection conn (or, client side, TCP to ip:port). */
bool sip_tcp_in_use(uint32_t ip, uint16_t port, int conn);
/* Mandatory headers after parsing: 0, or the status to answer a request with (400) and
 * *why a reason phrase; responses get -1 (drop). */
int sip_msg_check(const osip_message_t *msg, const char **why);

/* A response for req (Via, From, To (+tag when given and To has none), Call-ID, CSeq
 * copied). Returns 0 or a negative errno. */
int sip_response_new(osip_message_t **resp, const osip_message_t *req, int code,
		     const char *to_tag);

/* ---- sip_ua.c (calls, UAS, oSIP callbacks) and sip_msg.c (request text, URIs) ---- */
/* What a transaction's "your instance" points at: a call or a keep-alive target. */
enum sip_owner_kind {
	SIP_OWNER_CALL = 1,
	SIP_OWNER_KA,
};
struct sip_owner {
	enum sip_owner_kind kind;
};

/* An out-of-dialog or in-dialog request as text fields (sip_request_build). */
struct sip_req {
	bool tcp; /* Via TCP; a request over SIP_UDP_MAX_REQ octets is made TCP anyway */
	bool udp_only; /* never made TCP for its size (RFC 3261 18.1.1's fallback) */
	const char *method, *ruri, *branch;
	const char *from, *to; /* header values, tags included */
	const char *call_id;
	uint32_t cseq;
	const char *routes; /* "Route: ...\r\n" lines or NULL */
	const char *extra;  /* more header lines or NULL */
	const char *ctype, *body;
};
/* Build a request (Via from the box's address and port). 0, -ENOSPC, -EINVAL, -ENOMEM. */
int sip_request_build(osip_message_t **msg, const struct sip_req *r);
/* The URI asks for TCP (;transport=tcp). */
bool sip_uri_tcp(const char *uri);
/* Host/port of a sip: URI with an IPv4 host: 0 or -EINVAL. */
int sip_uri_dest(uint32_t *ip, uint16_t *port, const char *uri);
/* A URI fit for a request line: 0 or -EINVAL. */
int sip_uri_check(const char *uri);
/* What a URI says, from one parse (call set-up counts them: ~3,000 instructions each). */
struct sip_uri_info {
	bool ipv4;	/* the host is an IPv4 address: ip and port are set */
	bool tcp;	/* ;transport=tcp */
	uint32_t ip;
	uint16_t port;
};
/* The checks of sip_uri_check and what the URI says. 0, -EINVAL, -ENOMEM. */
int sip_uri_info(struct sip_uri_info *ui, const char *uri);
/* Next hop for an out-of-dialog request: the outbound proxy (routes gets its Route line) or
 * the URI's host. 0 or -EINVAL. */
int sip_request_route(uint32_t *ip, uint16_t *port, char *routes, size_t size, const char *uri);
/* Whether an out-of-dialog request for uri goes over TCP (the proxy's or the URI's
 * transport). */
bool sip_request_tcp(const char *uri);
/* Start a client transaction for msg (taken over, also on error) towards ip:port, owned by
 * owner. 0 or -ENOMEM. */
int sip_request_send(osip_transaction_t **tr, osip_message_t *msg, struct sip_owner *owner,
		     uint32_t ip, uint16_t port);
const char *sip_call_state_name(const struct sip_call *c);
/* From (display name and URI, no tag) and the identity headers of a call's INVITE
 * (P-Asserted-Identity, Privacy, X-Hotline; RFC 3323/3325) from p. 0, -EINVAL, -ENOSPC. */
int sip_identity_build(char *from, size_t from_size, char *hdrs, size_t hdrs_size,
		       const struct sip_call_params *p, const char *domain);
/* The cause of a "Reason: Q.850;cause=N" header (RFC 3326) in msg: 1..127, or 0. */
int sip_reason_q850(osip_message_t *msg);

/* An ACK outside any transaction: for a 2xx the box sent to a re-INVITE (sip_reinvite.c). */
void sip_reinvite_ack(osip_message_t *ack);
int sip_ua_init(void);
void sip_ua_shutdown(void);
/* Install oSIP callbacks. */
void sip_ua_set_callbacks(osip_t *osip);
/* A response oSIP found no transaction for (retransmitted 2xx for INVITE: re-ACK). */
void sip_ua_stray_response(osip_message_t *resp);
/* Free transactions that ended (never inside oSIP's kill callback). */
void sip_ua_reap(void);
unsigned int sip_ua_call_count(void);
unsigned int sip_ua_transaction_count(void);

/* ---- sip_ka.c ---- */
/* An OPTIONS transaction of target o ended with status (timeout: no answer at all). */
void sip_ka_answer(struct sip_owner *o, osip_transaction_t *tr, int status, bool timeout);
/* oSIP killed the transaction tr of target o. */
void sip_ka_killed(struct sip_owner *o, osip_transaction_t *tr);
void sip_ka_init(void);
void sip_ka_shutdown(void);
/* The proxy setting changed: keep the keep-alive target list in step. */
void sip_ka_proxy_changed(void);
/* New interval: re-arm the probes. */
void sip_ka_interval_changed(void);
/* Random token of hex digits (tags, branches, Call-ID). */
void sip_random_token(char *buf, size_t size);

/* ---- sip_sdp.c ---- */
/* The offer (or a hold offer, a=sendonly) into buf. Returns its length or -ENOSPC. */
int sip_sdp_offer(char *buf, size_t size, uint32_t addr, uint16_t rtp_port, uint32_t sess_id,
		  uint32_t sess_version, bool hold);
/* Any SDP of the box: PCMA as pcma_pt, telephone-event as te_pt (-1: none), direction dir.
 * Returns its length, -EINVAL or -ENOSPC. */
int sip_sdp_build(char *buf, size_t size, uint32_t addr, uint16_t rtp_port, uint32_t sess_id,
		  uint32_t sess_version, int pcma_pt, int te_pt, enum sip_dir dir);
/* The direction that answers an offered one (sendonly -> recvonly, ...). */
enum sip_dir sip_sdp_answer_dir(enum sip_dir offered);
/* Parse an answer (or an offer: the same fields). Returns 0, -EINVAL (not SDP), -ENOENT (no usable audio stream, no
 * address), -EPROTO (no PCMA: the call fails with 488 semantics). */
int sip_sdp_answer_parse(struct sip_media *m, const char *body, size_t len);

/* ---- sip_md5.c ---- */
struct sip_md5 {
	uint32_t h[4];
	uint64_t len;
	uint8_t buf[64];
};
void sip_md5_init(struct sip_md5 *c);
void sip_md5_update(struct sip_md5 *c, const void *data, size_t len);
void sip_md5_final(uint8_t out[16], struct sip_md5 *c);
void sip_md5_hex(char out[33], const void *data, size_t len);

struct sip_digest {
	const char *username, *realm, *password, *nonce, *method, *uri;
	const char *qop; /* NULL/"" or "auth" */
	const char *cnonce, *nc;
};
/* The 32-hex-digit request-digest (RFC 2617 3.2.2.1, MD5). Returns 0, -EINVAL, -ENOTSUP
 * (qop other than auth). */
int sip_digest_response(char out[33], const struct sip_digest *d);

#endif
