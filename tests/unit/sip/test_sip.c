// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firmware/sip: MD5 (RFC 1321 vectors, and against libosip2's own MD5 on every length around
 * the block boundaries), the digest of RFC 2617 section 3.5, the SDP offer's bytes, answer
 * parsing, datagram framing, request validation (what gets 400/405/481/501), and UA flows on
 * oSIP with the transport's test backdoor as the far end: INVITE/180/200/ACK/re-ACK/BYE, 486,
 * 401 + Authorization, CANCEL/487, BYE from the far end, OPTIONS and its retransmission.
 */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <osipparser2/osip_md5.h>

#include <osmocom/core/timer.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/net.h>
#include <hlgw/subsys.h>

#include "../../../firmware/sip/sip_int.h"

#define BOX 0xc6120002u	 /* 198.18.0.2 */
#define PEER 0xc6120001u /* 198.18.0.1 */
#define PEER_PORT 5070

/* libosmocore's target list; exported, declared only in an internal header */
extern struct llist_head osmo_log_target_list;

/* ---- doubles ---- */
uint64_t board_time_us(void)
{
	return 0;
}

void board_log_write(const char *buf, int len)
{
	if (getenv("SIP_TEST_LOG"))
		fwrite(buf, 1, (size_t)len, stderr);
}

void net_get_cfg(struct net_cfg *cfg)
{
	*cfg = (struct net_cfg){ .addr = BOX, .mask = 0xffffff00u };
}

/* ---- the far end: what the box sent ---- */
#define TX_MAX 32
static struct {
	char text[SIP_MAX_MSG + 1];
	uint32_t dst;
	uint16_t port;
	int conn;
} tx[TX_MAX];
static unsigned int n_tx;

static int fake_tx(const char *buf, size_t len, uint32_t dst, uint16_t port, int conn)
{
	assert_true(len <= SIP_MAX_MSG);
	if (n_tx < TX_MAX) {
		memcpy(tx[n_tx].text, buf, len);
		tx[n_tx].text[len] = 0;
		tx[n_tx].dst = dst;
		tx[n_tx].port = port;
		tx[n_tx].conn = conn;
		n_tx++;
	}
	return 0;
}

static void rx(const char *text)
{
	sip_transport_rx(text, strlen(text), PEER, PEER_PORT);
	sip_run();
}

/* Value of header name (first occurrence, full name, any case: oSIP writes the names it does
 * not know in lower case) in msg, into buf */
static const char *hdr(char *buf, size_t size, const char *msg, const char *name)
{
	char key[64];
	const char *p, *e;

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	p = strcasestr(msg, key);
	if (!p)
		return NULL;
	p += strlen(key);
	e = strstr(p, "\r\n");
	snprintf(buf, size, "%.*s", (int)(e - p), p);
	return buf;
}

static int status_of(const char *msg)
{
	return strncmp(msg, "SIP/2.0 ", 8) ? 0 : atoi(msg + 8);
}

/* A response to request req, To tag added when given; body optional (SDP) */
static void respond(const char *req, int code, const char *reason, const char *to_tag,
		    const char *body, const char *extra)
{
	char buf[4096], via[256], from[256], to[256], cid[128], cseq[64];

	assert_non_null(hdr(via, sizeof(via), req, "Via"));
	assert_non_null(hdr(from, sizeof(from), req, "From"));
	assert_non_null(hdr(to, sizeof(to), req, "To"));
	assert_non_null(hdr(cid, sizeof(cid), req, "Call-ID"));
	assert_non_null(hdr(cseq, sizeof(cseq), req, "CSeq"));
	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %d %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s%s\r\nCall-ID: %s\r\n"
		 "CSeq: %s\r\nContact: <sip:advisor@198.18.0.1:5070>\r\n%s%s"
		 "Content-Length: %zu\r\n\r\n%s",
		 code, reason, via, from, to, to_tag && !strstr(to, "tag=") ? ";tag=" : "",
		 to_tag && !strstr(to, "tag=") ? to_tag : "", cid, cseq, extra ? extra : "",
		 body ? "Content-Type: application/sdp\r\n" : "", body ? strlen(body) : 0,
		 body ? body : "");
	rx(buf);
}

static const char answer_sdp[] = "v=0\r\no=adv 1 1 IN IP4 198.18.0.1\r\ns=-\r\n"
				 "c=IN IP4 198.18.0.1\r\nt=0 0\r\n"
				 "m=audio 6000 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\n"
				 "a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\n";

/* ---- call events ---- */
static struct {
	unsigned int n;
	struct sip_call_info last;
	struct sip_media media;
	enum sip_call_event evs[16];
} ev;

static void call_cb(struct sip_call *call, const struct sip_call_info *info, void *arg)
{
	if (ev.n < 16)
		ev.evs[ev.n] = info->ev;
	ev.n++;
	ev.last = *info;
	if (info->media)
		ev.media = *info->media;
}

static int setup(void **state)
{
	static bool once;

	if (!once) {
		hlgw_log_init();
		if (getenv("SIP_TEST_LOG")) {
			struct log_target *t;

			llist_for_each_entry(t, &osmo_log_target_list, entry)
				log_set_category_filter(t, DSIP, 1, LOGL_DEBUG);
		}
		assert_int_equal(sip_subsys.init(NULL), 0);
		once = true;
	}
	sip_transport_tx_hook = fake_tx;
	sip_g.started = true;
	memset(&sip_g.ctr, 0, sizeof(sip_g.ctr));
	memset(&ev, 0, sizeof(ev));
	n_tx = 0;
	return 0;
}

/* ---- MD5 and digest ---- */

static void test_md5_rfc1321(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901234567890"
		  "1234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char hex[33];
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sip_md5_hex(hex, v[i].in, strlen(v[i].in));
		assert_string_equal(hex, v[i].out);
	}
}

/* Every length 0..300 and split updates, against libosip2's MD5 (RSA's reference code) */
static void test_md5_lengths(void **state)
{
	unsigned char data[300], a[16], b[16];
	unsigned int len, i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (len = 0; len <= sizeof(data); len++) {
		struct sip_md5 c;
		osip_MD5_CTX o;

		sip_md5_init(&c);
		sip_md5_update(&c, data, len / 3);
		sip_md5_update(&c, data + len / 3, len - len / 3);
		sip_md5_final(a, &c);
		osip_MD5Init(&o);
		osip_MD5Update(&o, data, len);
		osip_MD5Final(b, &o);
		assert_memory_equal(a, b, 16);
	}
}

static void test_digest_rfc2617(void **state)
{
	char out[33], ha1[33], ha2[33], buf[256];

	/* RFC 2617 section 3.5 */
	assert_int_equal(sip_digest_response(out, &(struct sip_digest){
		.username = "Mufasa", .realm = "testrealm@host.com", .password = "Circle Of Life",
		.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .method = "GET",
		.uri = "/dir/index.html", .qop = "auth", .cnonce = "0a4f113b", .nc = "00000001" }),
		0);
	assert_string_equal(out, "6629fae49393a05397450978507c4ef1");
	/* without qop (RFC 2069 compatibility): MD5(HA1:nonce:HA2) */
	assert_int_equal(sip_digest_response(out, &(struct sip_digest){
		.username = "u", .realm = "r", .password = "p", .nonce = "n", .method = "INVITE",
		.uri = "sip:a@198.18.0.1" }), 0);
	sip_md5_hex(ha1, "u:r:p", 5);
	sip_md5_hex(ha2, "INVITE:sip:a@198.18.0.1", 23);
	snprintf(buf, sizeof(buf), "%s:n:%s", ha1, ha2);
	sip_md5_hex(ha1, buf, strlen(buf));
	assert_string_equal(out, ha1);
	assert_int_equal(sip_digest_response(out, &(struct sip_digest){
		.username = "u", .realm = "r", .password = "p", .nonce = "n", .method = "INVITE",
		.uri = "sip:x", .qop = "auth-int", .cnonce = "c", .nc = "00000001" }), -ENOTSUP);
}

/* ---- SDP ---- */

static void test_sdp_offer(void **state)
{
	char buf[512];
	int n = sip_sdp_offer(buf, sizeof(buf), BOX, 40000, 1234, 1, false);

	assert_string_equal(buf, "v=0\r\n"
				 "o=hlgw 1234 1 IN IP4 198.18.0.2\r\n"
				 "s=hlgw\r\n"
				 "c=IN IP4 198.18.0.2\r\n"
				 "t=0 0\r\n"
				 "m=audio 40000 RTP/AVP 8 101\r\n"
				 "a=rtpmap:8 PCMA/8000\r\n"
				 "a=rtpmap:101 telephone-event/8000\r\n"
				 "a=fmtp:101 0-15\r\n"
				 "a=ptime:20\r\n"
				 "a=sendrecv\r\n");
	assert_int_equal(n, (int)strlen(buf));
	n = sip_sdp_offer(buf, sizeof(buf), BOX, 40000, 1234, 2, true);
	assert_non_null(strstr(buf, "a=sendonly\r\n"));
	assert_int_equal(sip_sdp_offer(buf, 40, BOX, 40000, 1, 1, false), -ENOSPC);
}

static void test_sdp_answer(void **state)
{
	struct sip_media m;
	static const char *const no_pcma = "v=0\r\no=a 1 1 IN IP4 198.18.0.1\r\ns=-\r\n"
					   "c=IN IP4 198.18.0.1\r\nt=0 0\r\n"
					   "m=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n";
	static const char *const dyn = "v=0\r\no=a 1 1 IN IP4 198.18.0.1\r\ns=-\r\nt=0 0\r\n"
				       "m=audio 0 RTP/AVP 8\r\nc=IN IP4 198.18.0.9\r\n"
				       "m=audio 7000 RTP/AVP 97 0\r\nc=IN IP4 198.18.0.7\r\n"
				       "a=rtpmap:97 pcma/8000\r\na=ptime:30\r\na=sendonly\r\n";
	static const char *const remapped = "v=0\r\no=a 1 1 IN IP4 198.18.0.1\r\ns=-\r\n"
					    "c=IN IP4 198.18.0.1\r\nt=0 0\r\n"
					    "m=audio 6000 RTP/AVP 8\r\na=rtpmap:8 opus/48000/2\r\n";

	assert_int_equal(sip_sdp_answer_parse(&m, answer_sdp, strlen(answer_sdp)), 0);
	assert_int_equal(m.addr, PEER);
	assert_int_equal(m.port, 6000);
	assert_int_equal(m.pcma_pt, 8);
	assert_int_equal(m.te_pt, 96);
	assert_int_equal(m.ptime, 20);
	assert_false(m.sendonly);
	/* PCMU only: the call fails with 488 */
	assert_int_equal(sip_sdp_answer_parse(&m, no_pcma, strlen(no_pcma)), -EPROTO);
	/* rejected stream skipped, PCMA on a dynamic PT, media-level address, ptime, hold */
	assert_int_equal(sip_sdp_answer_parse(&m, dyn, strlen(dyn)), 0);
	assert_int_equal(m.addr, 0xc6120007u);
	assert_int_equal(m.port, 7000);
	assert_int_equal(m.pcma_pt, 97);
	assert_int_equal(m.te_pt, -1);
	assert_int_equal(m.ptime, 30);
	assert_true(m.sendonly);
	/* PT 8 mapped to something else is not PCMA */
	assert_int_equal(sip_sdp_answer_parse(&m, remapped, strlen(remapped)), -EPROTO);
	assert_int_equal(sip_sdp_answer_parse(&m, "hello", 5), -EINVAL);
	assert_int_equal(sip_sdp_answer_parse(&m, "v=0\r\n", 5) < 0, 1);
}

/* ---- framing and validation ---- */

static void test_frame_check(void **state)
{
	static const struct {
		const char *msg;
		int rc;
		size_t len; /* expected message length when rc == 0 (0: all) */
	} t[] = {
		{ "OPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n", 0, 0 },
		{ "\r\n\r\nOPTIONS sip:a SIP/2.0\r\nl: 2\r\n\r\nabcd", 0, 33 },
		{ "\r\n\r\n", -ENODATA, 0 },
		{ "OPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n", -EBADMSG, 0 },
		{ "OPTIONS sip:a SIP/2.0\r\nX: \x01\r\n\r\n", -EBADMSG, 0 },
		{ "OPTIONS sip:a SIP/2.0\r\nContent-Length: 50\r\n\r\nv=0\r\n", -EPROTO, 0 },
		{ "OPTIONS sip:a SIP/2.0\r\ncontent-length :  x1\r\n\r\n", -EINVAL, 0 },
		{ "OPTIONS sip:a SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab", -EINVAL, 0 },
		{ "OPTIONS sip:a SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n", -EINVAL, 0 },
		{ "OPTIONS sip:a SIP/2.0\r\nX-Content-Length: 9\r\n\r\n", 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t off, len;
		int rc = sip_frame_check(t[i].msg, strlen(t[i].msg), &off, &len);

		print_message("  frame %u: %d\n", i, rc);
		assert_int_equal(rc, t[i].rc);
		if (rc == 0)
			assert_int_equal(len, t[i].len ? t[i].len : strlen(t[i].msg) - off);
	}
}

#define REQ_HDRS(method, extra)                                                              \
	method " sip:box@198.18.0.2 SIP/2.0\r\n"                                              \
	       "Via: SIP/2.0/UDP 198.18.0.1:5070;branch=z9hG4bK-" method "-%u\r\n"             \
	       "From: <sip:peer@198.18.0.1>;tag=f1\r\n"                                       \
	       "Call-ID: cid-%u@198.18.0.1\r\n" extra

/* Hostile or odd requests and what the box must answer (0: nothing) */
static void test_validation(void **state)
{
	static const struct {
		const char *fmt;
		int status;
	} t[] = {
		{ REQ_HDRS("OPTIONS", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 OPTIONS\r\n"
				      "Content-Length: 0\r\n\r\n"), 200 },
		{ REQ_HDRS("FOO", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 FOO\r\n\r\n"), 501 },
		{ REQ_HDRS("INFO", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 INFO\r\n\r\n"), 405 },
		{ REQ_HDRS("BYE", "To: <sip:box@198.18.0.2>;tag=nosuch\r\nCSeq: 2 BYE\r\n\r\n"),
		  481 },
		{ REQ_HDRS("CANCEL", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 CANCEL\r\n\r\n"), 481 },
		{ REQ_HDRS("INVITE", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 INVITE\r\n\r\n"), 403 },
		/* missing To (400), CSeq (dropped: unmatchable), CSeq method mismatch, bad number */
		{ REQ_HDRS("OPTIONS", "CSeq: 1 OPTIONS\r\n\r\n"), 400 },
		{ REQ_HDRS("OPTIONS", "To: <sip:box@198.18.0.2>\r\n\r\n"), 0 },
		{ REQ_HDRS("OPTIONS", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 BYE\r\n\r\n"), 400 },
		{ REQ_HDRS("OPTIONS", "To: <sip:box@198.18.0.2>\r\nCSeq: x1 OPTIONS\r\n\r\n"), 400 },
		/* Content-Length beyond the datagram, or not a number */
		{ REQ_HDRS("OPTIONS", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 OPTIONS\r\n"
				      "Content-Length: 500\r\n\r\nv=0\r\n"), 400 },
		{ REQ_HDRS("OPTIONS", "To: <sip:box@198.18.0.2>\r\nCSeq: 1 OPTIONS\r\n"
				      "Content-Length: abc\r\n\r\n"), 400 },
		/* no Via: nowhere to answer */
		{ "OPTIONS sip:box@198.18.0.2 SIP/2.0\r\nFrom: <sip:p@198.18.0.1>;tag=1\r\n"
		  "To: <sip:box@198.18.0.2>\r\nCall-ID: x%u%u\r\nCSeq: 1 OPTIONS\r\n\r\n", 0 },
		/* garbage, binary, a response to nothing, ACK to nothing */
		{ "hello world %u %u\r\n\r\n", 0 },
		{ "\x16\x03\x01\x02%u%u\r\n\r\n", 0 },
		{ "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bKx%u\r\n"
		  "From: <sip:a@198.18.0.2>;tag=1\r\nTo: <sip:b@198.18.0.1>;tag=2\r\n"
		  "Call-ID: nope%u\r\nCSeq: 1 OPTIONS\r\n\r\n", 0 },
		{ REQ_HDRS("ACK", "To: <sip:box@198.18.0.2>;tag=x\r\nCSeq: 1 ACK\r\n\r\n"), 0 },
	};
	char buf[1024], v[256], to403[256] = "";
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n_tx = 0;
		snprintf(buf, sizeof(buf), t[i].fmt, i, i);
		rx(buf);
		if (t[i].status == 403)
			hdr(to403, sizeof(to403), tx[0].text, "To");
		print_message("  request %u: %s\n", i, n_tx ? tx[0].text : "(no answer)");
		if (!t[i].status) {
			assert_int_equal(n_tx, 0);
			continue;
		}
		assert_int_equal(n_tx, 1);
		assert_int_equal(status_of(tx[0].text), t[i].status);
		assert_int_equal(tx[0].dst, PEER);
		assert_int_equal(tx[0].port, PEER_PORT);
		assert_non_null(hdr(v, sizeof(v), tx[0].text, "To"));
		assert_non_null(strstr(v, "tag="));
		if (t[i].status == 200) {
			assert_non_null(hdr(v, sizeof(v), tx[0].text, "Allow"));
			assert_non_null(strstr(v, "INVITE"));
			assert_non_null(hdr(v, sizeof(v), tx[0].text, "Accept"));
		}
		if (t[i].status == 405)
			assert_non_null(hdr(v, sizeof(v), tx[0].text, "Allow"));
	}
	/* ACK the 403 so that its server transaction stops retransmitting it (timer G) */
	assert_non_null(strstr(to403, "tag="));
	n_tx = 0;
	snprintf(buf, sizeof(buf),
		 "ACK sip:box@198.18.0.2 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.18.0.1:5070;branch=z9hG4bK-INVITE-5\r\n"
		 "From: <sip:peer@198.18.0.1>;tag=f1\r\nTo: %s\r\nCall-ID: cid-5@198.18.0.1\r\n"
		 "CSeq: 1 ACK\r\n\r\n", to403);
	rx(buf);
	assert_int_equal(n_tx, 0);
	assert_int_equal(sip_g.ctr.bad_requests, 5);
	assert_true(sip_g.ctr.parse_errors >= 4);
	assert_int_equal(sip_g.ctr.stray_responses, 1);
}

/* The same OPTIONS twice: the transaction answers the retransmission with the same 200. */
static void test_options_retransmission(void **state)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), REQ_HDRS("OPTIONS", "To: <sip:box@198.18.0.2>\r\n"
					    "CSeq: 7 OPTIONS\r\n\r\n"), 99u, 99u);
	rx(buf);
	rx(buf);
	assert_int_equal(n_tx, 2);
	assert_string_equal(tx[0].text, tx[1].text);
	assert_int_equal(sip_g.ctr.req_rx, 2);
}

/* ---- UAC ---- */

static struct sip_call *invite(const char *uri)
{
	struct sip_call *c = NULL;
	unsigned int i;
	char line[SIP_URI_MAX + 16];

	snprintf(line, sizeof(line), "INVITE %s SIP/2.0\r\n", uri);

	assert_int_equal(sip_call_invite(&c, &(struct sip_call_params){
		.uri = uri, .from_user = "4930123", .rtp_port = 40000 }, call_cb, NULL), 0);
	sip_run();
	/* an older test's INVITE may be retransmitted meanwhile: keep this one's */
	for (i = 0; i < n_tx; i++) {
		if (!strncmp(tx[i].text, line, strlen(line))) {
			tx[0] = tx[i];
			n_tx = 1;
		}
	}
	assert_int_equal(n_tx, 1);
	assert_memory_equal(tx[0].text, line, strlen(line));
	return c;
}

static void test_uac_answer_bye(void **state)
{
	struct sip_call *c = invite("sip:advisor@198.18.0.1:5070");
	char inv[SIP_MAX_MSG + 1], v[256], ack[SIP_MAX_MSG + 1], resp200[SIP_MAX_MSG];

	strcpy(inv, tx[0].text);
	assert_int_equal(tx[0].dst, PEER);
	assert_int_equal(tx[0].port, 5070);
	assert_memory_equal(inv, "INVITE sip:advisor@198.18.0.1:5070 SIP/2.0\r\n", 44);
	assert_non_null(strstr(hdr(v, sizeof(v), inv, "Via"), "SIP/2.0/UDP 198.18.0.2:5060"));
	assert_non_null(strstr(v, "branch=z9hG4bK"));
	assert_non_null(strstr(hdr(v, sizeof(v), inv, "From"), "<sip:4930123@198.18.0.2>;tag="));
	assert_non_null(hdr(v, sizeof(v), inv, "Contact"));
	assert_string_equal(hdr(v, sizeof(v), inv, "Content-Type"), "application/sdp");
	assert_non_null(strstr(inv, "\r\n\r\nv=0\r\n"));
	assert_non_null(strstr(inv, "m=audio 40000 RTP/AVP 8 101\r\n"));
	assert_non_null(strstr(inv, "a=ptime:20\r\n"));

	n_tx = 0;
	respond(inv, 100, "Trying", NULL, NULL, NULL);
	respond(inv, 180, "Ringing", "adv1", NULL, NULL);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.evs[0], SIP_CALL_RINGING);
	assert_int_equal(n_tx, 0);

	respond(inv, 200, "OK", "adv1", answer_sdp, "Record-Route: <sip:198.18.0.1:5070;lr>\r\n");
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.last.ev, SIP_CALL_ANSWERED);
	assert_int_equal(ev.last.status, 200);
	assert_int_equal(ev.media.addr, PEER);
	assert_int_equal(ev.media.port, 6000);
	assert_int_equal(ev.media.te_pt, 96);
	assert_int_equal(n_tx, 1);
	strcpy(ack, tx[0].text);
	assert_memory_equal(ack, "ACK sip:advisor@198.18.0.1:5070 SIP/2.0\r\n", 41);
	assert_non_null(strstr(hdr(v, sizeof(v), ack, "To"), "tag=adv1"));
	assert_non_null(strstr(hdr(v, sizeof(v), ack, "CSeq"), " ACK"));
	assert_non_null(hdr(v, sizeof(v), ack, "Route"));

	/* the 2xx again (our ACK lost): the same ACK again */
	n_tx = 0;
	respond(inv, 200, "OK", "adv1", answer_sdp, NULL);
	assert_int_equal(n_tx, 1);
	assert_string_equal(tx[0].text, ack);
	assert_int_equal(sip_g.ctr.reacks, 1);
	assert_int_equal(ev.n, 2);
	(void)resp200;

	/* BYE from the box; 200; ENDED */
	n_tx = 0;
	assert_int_equal(sip_call_hangup(c), 0);
	sip_run();
	assert_int_equal(n_tx, 1);
	assert_memory_equal(tx[0].text, "BYE sip:advisor@198.18.0.1:5070 SIP/2.0\r\n", 41);
	assert_int_equal(sip_call_hangup(c), -EALREADY);
	respond(tx[0].text, 200, "OK", NULL, NULL, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_ENDED);
	assert_false(ev.last.by_remote);
	assert_int_equal(ev.n, 3);
}

static void test_uac_busy(void **state)
{
	char inv[SIP_MAX_MSG + 1], v[256], v2[256];

	invite("sip:advisor@198.18.0.1:5070");
	strcpy(inv, tx[0].text);
	n_tx = 0;
	respond(inv, 486, "Busy Here", "b1", NULL, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_FAILED);
	assert_int_equal(ev.last.status, 486);
	/* oSIP's transaction ACKs the error: same branch as the INVITE */
	assert_int_equal(n_tx, 1);
	assert_memory_equal(tx[0].text, "ACK ", 4);
	hdr(v, sizeof(v), inv, "Via");
	hdr(v2, sizeof(v2), tx[0].text, "Via");
	assert_string_equal(strstr(v, "branch="), strstr(v2, "branch="));
	/* retransmitted 486: the transaction ACKs again, no second event */
	n_tx = 0;
	respond(inv, 486, "Busy Here", "b1", NULL, NULL);
	assert_int_equal(n_tx, 1);
	assert_int_equal(ev.n, 1);
}

static void test_uac_auth(void **state)
{
	char inv[SIP_MAX_MSG + 1], v[512], expect[33], want[64];
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	strcpy(cfg.username, "box");
	strcpy(cfg.password, "secret");
	assert_int_equal(sip_set_cfg(&cfg), 0);
	invite("sip:advisor@198.18.0.1:5070");
	strcpy(inv, tx[0].text);
	n_tx = 0;
	respond(inv, 401, "Unauthorized", "a1", NULL,
		"WWW-Authenticate: Digest realm=\"hlgw.test\", nonce=\"abc123\", qop=\"auth\", "
		"opaque=\"op\"\r\n");
	/* ACK for the 401 (oSIP) and the new INVITE */
	assert_int_equal(n_tx, 2);
	assert_memory_equal(tx[0].text, "ACK ", 4);
	assert_memory_equal(tx[1].text, "INVITE ", 7);
	assert_int_equal(sip_g.ctr.auth_retries, 1);
	assert_non_null(hdr(v, sizeof(v), tx[1].text, "Authorization"));
	print_message("  %s\n", v);
	assert_non_null(strstr(v, "username=\"box\""));
	assert_non_null(strstr(v, "uri=\"sip:advisor@198.18.0.1:5070\""));
	assert_non_null(strstr(v, "opaque=\"op\""));
	{
		const char *cn = strstr(v, "cnonce=\"") + 8;
		char cnonce[32];

		snprintf(cnonce, sizeof(cnonce), "%.*s", (int)(strchr(cn, '"') - cn), cn);
		sip_digest_response(expect, &(struct sip_digest){
			.username = "box", .realm = "hlgw.test", .password = "secret",
			.nonce = "abc123", .method = "INVITE", .uri = "sip:advisor@198.18.0.1:5070",
			.qop = "auth", .cnonce = cnonce, .nc = "00000001" });
	}
	snprintf(want, sizeof(want), "response=\"%s\"", expect);
	assert_non_null(strstr(v, want));
	/* same Call-ID, next CSeq */
	assert_string_equal(hdr(v, sizeof(v), tx[1].text, "Call-ID"),
			    hdr(want, sizeof(want), inv, "Call-ID"));
	assert_int_equal(atoi(hdr(v, sizeof(v), tx[1].text, "CSeq")),
			 atoi(hdr(want, sizeof(want), inv, "CSeq")) + 1);
	/* a second challenge fails the call after one more try */
	strcpy(inv, tx[1].text);
	n_tx = 0;
	respond(inv, 401, "Unauthorized", "a2", NULL,
		"WWW-Authenticate: Digest realm=\"hlgw.test\", nonce=\"x\"\r\n");
	strcpy(inv, tx[1].text);
	n_tx = 0;
	respond(inv, 401, "Unauthorized", "a3", NULL,
		"WWW-Authenticate: Digest realm=\"hlgw.test\", nonce=\"y\"\r\n");
	assert_int_equal(ev.last.ev, SIP_CALL_FAILED);
	assert_int_equal(ev.last.status, 401);
	cfg.username[0] = cfg.password[0] = 0;
	assert_int_equal(sip_set_cfg(&cfg), 0);
}

static void test_uac_cancel(void **state)
{
	char inv[SIP_MAX_MSG + 1], v[256], v2[256];
	struct sip_call *c = invite("sip:advisor@198.18.0.1:5070");

	strcpy(inv, tx[0].text);
	/* hangup before any 1xx: CANCEL waits (RFC 3261 9.1) */
	n_tx = 0;
	assert_int_equal(sip_call_hangup(c), 0);
	sip_run();
	assert_int_equal(n_tx, 0);
	respond(inv, 180, "Ringing", "c1", NULL, NULL);
	assert_int_equal(n_tx, 1);
	assert_memory_equal(tx[0].text, "CANCEL sip:advisor@198.18.0.1:5070 SIP/2.0\r\n", 44);
	hdr(v, sizeof(v), inv, "Via");
	hdr(v2, sizeof(v2), tx[0].text, "Via");
	assert_string_equal(strstr(v, "branch="), strstr(v2, "branch="));
	assert_non_null(strstr(hdr(v, sizeof(v), tx[0].text, "CSeq"), " CANCEL"));
	respond(tx[0].text, 200, "OK", "c1", NULL, NULL);
	respond(inv, 487, "Request Terminated", "c1", NULL, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_FAILED);
	assert_int_equal(ev.last.status, 487);
}

static void test_uac_remote_bye_and_no_pcma(void **state)
{
	static const char pcmu[] = "v=0\r\no=a 1 1 IN IP4 198.18.0.1\r\ns=-\r\n"
				   "c=IN IP4 198.18.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
	char inv[SIP_MAX_MSG + 1], bye[1024], cid[128], from[256], to[256];

	invite("sip:advisor@198.18.0.1:5070");
	strcpy(inv, tx[0].text);
	respond(inv, 200, "OK", "r1", answer_sdp, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_ANSWERED);
	/* BYE from the advisor: From/To swapped */
	hdr(cid, sizeof(cid), inv, "Call-ID");
	hdr(from, sizeof(from), inv, "From");
	hdr(to, sizeof(to), inv, "To");
	snprintf(bye, sizeof(bye),
		 "BYE sip:hlgw@198.18.0.2:5060 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.18.0.1:5070;branch=z9hG4bKbye1\r\n"
		 "From: %s;tag=r1\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: 1 BYE\r\n"
		 "Content-Length: 0\r\n\r\n", to, from, cid);
	n_tx = 0;
	rx(bye);
	assert_int_equal(n_tx, 1);
	assert_int_equal(status_of(tx[0].text), 200);
	assert_int_equal(ev.last.ev, SIP_CALL_ENDED);
	assert_true(ev.last.by_remote);

	/* an answer without PCMA: ACK, BYE, FAILED 488 */
	memset(&ev, 0, sizeof(ev));
	n_tx = 0;
	invite("sip:advisor@198.18.0.1:5070");
	strcpy(inv, tx[0].text);
	n_tx = 0;
	respond(inv, 200, "OK", "r2", pcmu, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_FAILED);
	assert_int_equal(ev.last.status, 488);
	assert_int_equal(n_tx, 2);
	assert_memory_equal(tx[0].text, "ACK ", 4);
	assert_memory_equal(tx[1].text, "BYE ", 4);
	respond(tx[1].text, 200, "OK", NULL, NULL, NULL);
	assert_int_equal(ev.n, 1); /* nothing after the final event */
}

static void test_bad_call_params(void **state)
{
	struct sip_call *c;
	struct sip_call_params p = { .uri = "sip:a@198.18.0.1", .from_user = "1",
				     .rtp_port = 40000 };

	assert_int_equal(sip_call_invite(&c, &p, call_cb, NULL), 0);
	p.uri = "sip:a@example.com"; /* no DNS, no proxy */
	assert_int_equal(sip_call_invite(&c, &p, call_cb, NULL), -EINVAL);
	p.uri = "sip:a@198.18.0.1\r\nX: y";
	assert_int_equal(sip_call_invite(&c, &p, call_cb, NULL), -EINVAL);
	p.uri = "tel:+4930";
	assert_int_equal(sip_call_invite(&c, &p, call_cb, NULL), -EINVAL);
	p.uri = "sip:a@198.18.0.1";
	p.from_user = "1\"2";
	assert_int_equal(sip_call_invite(&c, &p, call_cb, NULL), -EINVAL);
	p.from_user = "1";
	p.rtp_port = 40001;
	assert_int_equal(sip_call_invite(&c, &p, call_cb, NULL), -EINVAL);
}

/* TCP framing (RFC 3261 18.3 on a stream): pieces, back-to-back messages, oversize, junk */
static void test_frame_stream(void **state)
{
	static const char two[] = "OPTIONS sip:a SIP/2.0\r\nContent-Length: 4\r\n\r\nabcd"
				  "OPTIONS sip:b SIP/2.0\r\nl: 0\r\n\r\n";
	char big[SIP_MAX_MSG + 64];
	const char *t;
	size_t off, len, i, first;
	int rc;

	/* every cut of the first message short of its end: wait for more */
	first = strstr(two, "abcd") + 4 - two;
	for (i = 0; i < first; i++)
		assert_int_equal(sip_frame_stream(two, i, &off, &len),
				 i == 0 ? -ENODATA : -EAGAIN);
	/* two in one segment: the first, then the second from where the first ended */
	assert_int_equal(sip_frame_stream(two, strlen(two), &off, &len), 0);
	assert_int_equal(off, 0);
	assert_int_equal(len, first);
	assert_int_equal(sip_frame_stream(two + first, strlen(two) - first, &off, &len), 0);
	assert_int_equal(len, strlen(two) - first);
	/* no Content-Length on a stream: no body */
	t = "OPTIONS sip:a SIP/2.0\r\nX: 1\r\n\r\nINVITE";
	rc = sip_frame_stream(t, strlen(t), &off, &len);
	assert_int_equal(rc, 0);
	assert_int_equal(len, 31);
	/* keep-alive ping: four CRLF octets to skip */
	assert_int_equal(sip_frame_stream("\r\n\r\n", 4, &off, &len), -ENODATA);
	assert_int_equal(len, 4);
	/* a body that would not fit the buffer, known from the headers alone */
	t = "INVITE sip:a SIP/2.0\r\nl: 9000\r\n\r\nv=0";
	assert_int_equal(sip_frame_stream(t, strlen(t), &off, &len), -EMSGSIZE);
	/* binary junk before any header end: the stream is lost */
	assert_int_equal(sip_frame_stream("\x16\x03\x01\x02\x00", 5, &off, &len), -EBADMSG);
	t = "OPTIONS sip:a SIP/2.0\r\nl: x\r\n\r\n";
	assert_int_equal(sip_frame_stream(t, strlen(t), &off, &len), -EINVAL);
	/* headers longer than the buffer never end: the caller closes on a full buffer */
	memset(big, 'a', sizeof(big));
	memcpy(big, "OPTIONS sip:a SIP/2.0\r\nX: ", 26);
	assert_int_equal(sip_frame_stream(big, SIP_MAX_MSG, &off, &len), -EAGAIN);
}

static const osip_transaction_t *ict_of_last(void)
{
	osip_list_iterator_t it;
	const osip_transaction_t *tr, *last = NULL;

	for (tr = osip_list_get_first(&sip_g.osip->osip_ict_transactions, &it); tr;
	     tr = osip_list_get_next(&it))
		last = tr;
	return last;
}

/* ;transport=tcp: Via and Contact say TCP, oSIP does not retransmit, the dialog stays on TCP */
static void test_tcp_uac(void **state)
{
	struct sip_call *c = invite("sip:advisor@198.18.0.1:5070;transport=tcp");
	char inv[SIP_MAX_MSG + 1], v[256];
	const osip_transaction_t *tr = ict_of_last();

	strcpy(inv, tx[0].text);
	assert_int_equal(tx[0].conn, SIP_TP_TCP);
	assert_int_equal(tx[0].dst, PEER);
	assert_int_equal(tx[0].port, 5070);
	assert_non_null(strstr(hdr(v, sizeof(v), inv, "Via"), "SIP/2.0/TCP 198.18.0.2:5060"));
	assert_non_null(strstr(hdr(v, sizeof(v), inv, "Contact"), ";transport=tcp>"));
	assert_non_null(tr);
	assert_int_equal(tr->ict_context->timer_a_length, -1); /* Timer A off: reliable */
	assert_int_equal(sip_g.ctr.tcp_size_switch, 0);
	n_tx = 0;
	respond(inv, 200, "OK", "t1", answer_sdp, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_ANSWERED);
	assert_int_equal(n_tx, 1);
	assert_memory_equal(tx[0].text, "ACK ", 4);
	assert_int_equal(tx[0].conn, SIP_TP_TCP);
	assert_non_null(strstr(hdr(v, sizeof(v), tx[0].text, "Via"), "SIP/2.0/TCP"));
	n_tx = 0;
	assert_int_equal(sip_call_hangup(c), 0);
	sip_run();
	assert_int_equal(n_tx, 1);
	assert_memory_equal(tx[0].text, "BYE ", 4);
	assert_int_equal(tx[0].conn, SIP_TP_TCP);
	respond(tx[0].text, 200, "OK", NULL, NULL, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_ENDED);
}

/* `outbound-proxy A.B.C.D:P tcp`: requests go to the proxy over TCP, the Route says so */
static void test_tcp_proxy(void **state)
{
	char v[256];
	struct sip_cfg cfg, old;

	sip_get_cfg(&cfg);
	old = cfg;
	cfg.proxy_addr = PEER;
	cfg.proxy_port = 5090;
	cfg.proxy_tcp = true;
	assert_int_equal(sip_set_cfg(&cfg), 0);
	invite("sip:adv@example.net");
	assert_int_equal(tx[0].conn, SIP_TP_TCP);
	assert_int_equal(tx[0].dst, PEER);
	assert_int_equal(tx[0].port, 5090);
	assert_non_null(strstr(hdr(v, sizeof(v), tx[0].text, "Via"), "SIP/2.0/TCP"));
	assert_string_equal(hdr(v, sizeof(v), tx[0].text, "Route"),
			    "<sip:198.18.0.1:5090;lr;transport=tcp>");
	assert_int_equal(sip_set_cfg(&old), 0);
}

/* RFC 3261 18.1.1: an INVITE over 1300 octets (here: credentials with a long opaque) goes TCP */
static void test_tcp_size_switch(void **state)
{
	char inv[SIP_MAX_MSG + 1], v[1024], chal[700], opaque[481];
	const char *m;
	struct sip_cfg cfg;
	unsigned int i;
	int conn = -2;

	sip_get_cfg(&cfg);
	strcpy(cfg.username, "box");
	strcpy(cfg.password, "secret");
	assert_int_equal(sip_set_cfg(&cfg), 0);
	invite("sip:big@198.18.0.1:5070");
	strcpy(inv, tx[0].text);
	assert_int_equal(tx[0].conn, SIP_TP_UDP);
	assert_true(strlen(inv) <= SIP_UDP_MAX_REQ);
	n_tx = 0;
	memset(opaque, 'q', sizeof(opaque) - 1);
	opaque[sizeof(opaque) - 1] = 0;
	snprintf(chal, sizeof(chal),
		 "WWW-Authenticate: Digest realm=\"hlgw.test\", nonce=\"abc\", opaque=\"%s\"\r\n",
		 opaque);
	respond(inv, 401, "Unauthorized", "a1", NULL, chal);
	/* oSIP's ACK for the 401 goes as the INVITE did; older tests' INVITEs may come again */
	assert_true(n_tx >= 2);
	assert_memory_equal(tx[0].text, "ACK sip:big@", 12);
	assert_int_equal(tx[0].conn, SIP_TP_UDP);
	for (i = 1; i < n_tx; i++)
		if (!strncmp(tx[i].text, "INVITE sip:big@", 15))
			tx[1] = tx[i];
	assert_memory_equal(tx[1].text, "INVITE sip:big@", 15);
	print_message("  INVITEs: %zu, then %zu octets\n", strlen(inv), strlen(tx[1].text));
	assert_true(strlen(tx[1].text) > SIP_UDP_MAX_REQ);
	assert_int_equal(tx[1].conn, SIP_TP_TCP);
	assert_non_null(strstr(hdr(v, sizeof(v), tx[1].text, "Via"), "SIP/2.0/TCP"));
	assert_int_equal(sip_g.ctr.tcp_size_switch, 1);
	/* the TCP connection is refused: TCP was only for the size, so the same INVITE goes
	 * again over UDP (RFC 3261 18.1.1), big as it is; no failure reported */
	n_tx = 0;
	ev.n = 0;
	sip_tcp_fail_transactions(PEER, 5070);
	sip_run();
	m = NULL;
	for (i = 0; i < n_tx; i++)
		if (!strncmp(tx[i].text, "INVITE sip:big@", 15))
			m = tx[i].text, conn = tx[i].conn;
	assert_non_null(m);
	assert_int_equal(conn, SIP_TP_UDP);
	assert_true(strlen(m) > SIP_UDP_MAX_REQ);
	assert_non_null(strstr(hdr(v, sizeof(v), m, "Via"), "SIP/2.0/UDP"));
	assert_non_null(hdr(v, sizeof(v), m, "Authorization"));
	assert_int_equal(ev.n, 0);
	strcpy(inv, m);
	n_tx = 0;
	respond(inv, 486, "Busy Here", "a2", NULL, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_FAILED);
	assert_int_equal(ev.last.status, 486);
	/* a call asking for TCP gets no such second try: refused means unreachable (503) */
	invite("sip:big@198.18.0.1:5070;transport=tcp");
	ev.n = 0;
	sip_tcp_fail_transactions(PEER, 5070);
	sip_run();
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.last.ev, SIP_CALL_FAILED);
	assert_int_equal(ev.last.status, 503);
	cfg.username[0] = cfg.password[0] = 0;
	assert_int_equal(sip_set_cfg(&cfg), 0);
}

/* A request from a TCP connection is answered on that connection; one over UDP over UDP */
static void test_tcp_uas(void **state)
{
	static const char opt[] = "OPTIONS sip:box@198.18.0.2 SIP/2.0\r\n"
				  "Via: SIP/2.0/TCP 198.18.0.1:5070;branch=z9hG4bK-tcp1\r\n"
				  "From: <sip:peer@198.18.0.1>;tag=f1\r\nTo: <sip:box@198.18.0.2>\r\n"
				  "Call-ID: tcp1@198.18.0.1\r\nCSeq: 1 OPTIONS\r\n"
				  "Content-Length: 0\r\n\r\n";
	static const char bad[] = "OPTIONS sip:box@198.18.0.2 SIP/2.0\r\n"
				  "Via: SIP/2.0/TCP 198.18.0.1:5070;branch=z9hG4bK-tcp2\r\n"
				  "From: <sip:peer@198.18.0.1>;tag=f1\r\nTo: <sip:box@198.18.0.2>\r\n"
				  "Call-ID: tcp2@198.18.0.1\r\nCSeq: 1 OPTIONS\r\n"
				  "Content-Length: 9000\r\n\r\n";

	sip_transport_rx_tp(opt, strlen(opt), PEER, 40123, 7);
	sip_run();
	assert_int_equal(n_tx, 1);
	assert_int_equal(status_of(tx[0].text), 200);
	assert_int_equal(tx[0].conn, 7);
	/* the headers of a message too large for the buffer get 413 on their connection */
	n_tx = 0;
	sip_transport_reject(bad, strlen(bad), PEER, 40123, 7, 413);
	assert_int_equal(n_tx, 1);
	assert_int_equal(status_of(tx[0].text), 413);
	assert_int_equal(tx[0].conn, 7);
}

/* ---- re-INVITE from the advisor (hold, resume, no SDP) ---- */

static struct {
	char from[256], to[256], cid[128];
	unsigned int cseq;
} dlg;

/* An answered call; its dialog as the far end sees it in dlg. */
static struct sip_call *answered_call(void)
{
	struct sip_call *c = invite("sip:hold@198.18.0.1:5070");
	char inv[SIP_MAX_MSG + 1];

	strcpy(inv, tx[0].text);
	respond(inv, 200, "OK", "adv9", answer_sdp, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_ANSWERED);
	hdr(dlg.to, sizeof(dlg.to), inv, "From");
	snprintf(dlg.from, sizeof(dlg.from), "<sip:hold@198.18.0.1:5070>;tag=adv9");
	hdr(dlg.cid, sizeof(dlg.cid), inv, "Call-ID");
	dlg.cseq = 100;
	n_tx = 0;
	ev.n = 0;
	return c;
}

/* The far end's in-dialog request; body is SDP or NULL */
static const char *far_extra = ""; /* more header lines for far_req */

static void far_req(const char *method, const char *body, unsigned int cseq)
{
	static unsigned int branch; /* unique: older tests' transactions live on */
	char buf[4096];

	snprintf(buf, sizeof(buf),
		 "%s sip:hlgw@198.18.0.2:5060 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.18.0.1:5070;branch=z9hG4bK-far-%s-%u\r\n"
		 "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %u %s\r\n"
		 "Contact: <sip:hold@198.18.0.1:5070>\r\n%s%sContent-Length: %zu\r\n\r\n%s",
		 method, method, ++branch, dlg.from, dlg.to, dlg.cid, cseq, method, far_extra,
		 body ? "Content-Type: application/sdp\r\n" : "", body ? strlen(body) : 0,
		 body ? body : "");
	rx(buf);
}

static const char hold_sdp[] = "v=0\r\no=adv 1 2 IN IP4 198.18.0.1\r\ns=-\r\n"
			       "c=IN IP4 198.18.0.1\r\nt=0 0\r\n"
			       "m=audio 6000 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\n"
			       "a=rtpmap:96 telephone-event/8000\r\na=sendonly\r\n";
static const char resume_sdp[] = "v=0\r\no=adv 1 3 IN IP4 198.18.0.1\r\ns=-\r\n"
				 "c=IN IP4 198.18.0.1\r\nt=0 0\r\n"
				 "m=audio 6002 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\n"
				 "a=rtpmap:96 telephone-event/8000\r\n";
static const char old_hold_sdp[] = "v=0\r\no=adv 1 4 IN IP4 198.18.0.1\r\ns=-\r\n"
				   "c=IN IP4 0.0.0.0\r\nt=0 0\r\n"
				   "m=audio 6002 RTP/AVP 8\r\n";

static unsigned int sdp_version(const char *msg)
{
	const char *o = strstr(msg, "\r\no=hlgw ");

	assert_non_null(o);
	return (unsigned int)strtoul(strchr(o + 10, ' ') + 1, NULL, 10);
}

static void advance_ms(unsigned int ms)
{
	osmo_gettimeofday_override_add(ms / 1000, (ms % 1000) * 1000);
	osmo_timers_prepare();
	osmo_timers_update();
}

static void test_reinvite_hold(void **state)
{
	struct sip_call *c;
	unsigned int v1;

	osmo_gettimeofday_override = true;
	c = answered_call();
	/* hold: 200 with recvonly and the answer's payload types, o= version up */
	far_req("INVITE", hold_sdp, ++dlg.cseq);
	assert_int_equal(n_tx, 1);
	assert_int_equal(status_of(tx[0].text), 200);
	assert_non_null(strstr(tx[0].text, "\r\na=recvonly\r\n"));
	assert_non_null(strstr(tx[0].text, "m=audio 40000 RTP/AVP 8 96\r\n"));
	assert_non_null(strstr(tx[0].text, "a=rtpmap:96 telephone-event/8000\r\n"));
	assert_non_null(strstr(tx[0].text, "\r\nContact: <sip:hlgw@198.18.0.2:5060>\r\n"));
	v1 = sdp_version(tx[0].text);
	assert_int_equal(v1, 2);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.last.ev, SIP_CALL_MEDIA);
	assert_true(ev.media.sendonly);
	assert_int_equal(ev.media.dir, SIP_DIR_SENDONLY);
	/* no ACK: the UA re-sends its 200 (oSIP does not) at T1, 2 T1 */
	n_tx = 0;
	advance_ms(500);
	advance_ms(1000);
	assert_int_equal(n_tx, 2);
	assert_string_equal(tx[0].text, tx[1].text);
	assert_int_equal(status_of(tx[0].text), 200);
	/* another re-INVITE before the ACK: 500 with Retry-After (RFC 3261 14.2) */
	n_tx = 0;
	far_req("INVITE", resume_sdp, dlg.cseq + 1);
	assert_int_equal(n_tx, 1);
	assert_int_equal(status_of(tx[0].text), 500);
	assert_non_null(strstr(tx[0].text, "\r\nRetry-After: "));
	/* the ACK stops the re-sending */
	far_req("ACK", NULL, dlg.cseq);
	n_tx = 0;
	advance_ms(4000);
	assert_int_equal(n_tx, 0);
	/* resume on a new port: sendrecv, version up again, the stream moves */
	far_req("INVITE", resume_sdp, dlg.cseq += 2);
	assert_int_equal(status_of(tx[0].text), 200);
	assert_non_null(strstr(tx[0].text, "\r\na=sendrecv\r\n"));
	assert_int_equal(sdp_version(tx[0].text), v1 + 1);
	assert_false(ev.media.sendonly);
	assert_int_equal(ev.media.port, 6002);
	far_req("ACK", NULL, dlg.cseq);
	/* the same offer again: the same answer, the same version */
	n_tx = 0;
	far_req("INVITE", resume_sdp, ++dlg.cseq);
	assert_int_equal(sdp_version(tx[0].text), v1 + 1);
	far_req("ACK", NULL, dlg.cseq);
	/* c=0.0.0.0 (RFC 2543 hold): held, answered recvonly */
	n_tx = 0;
	far_req("INVITE", old_hold_sdp, ++dlg.cseq);
	assert_non_null(strstr(tx[0].text, "\r\na=recvonly\r\n"));
	assert_true(ev.media.sendonly);
	far_req("ACK", NULL, dlg.cseq);
	/* an offer without PCMA: 488, the session stays as it was */
	n_tx = 0;
	ev.n = 0;
	far_req("INVITE", "v=0\r\no=a 1 5 IN IP4 198.18.0.1\r\ns=-\r\nc=IN IP4 198.18.0.1\r\n"
			  "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\n", ++dlg.cseq);
	assert_int_equal(status_of(tx[0].text), 488);
	assert_int_equal(ev.n, 0);
	assert_int_equal(sip_g.ctr.reinvite_rejects, 2);
	assert_int_equal(sip_call_hangup(c), 0);
	sip_run();
	osmo_gettimeofday_override = false;
}

static void test_reinvite_no_sdp(void **state)
{
	struct sip_call *c;
	char v[64];

	osmo_gettimeofday_override = true;
	c = answered_call();
	/* no SDP: our offer (sendrecv, our payload types) in the 200; the ACK answers */
	far_req("INVITE", NULL, ++dlg.cseq);
	assert_int_equal(n_tx, 1);
	assert_int_equal(status_of(tx[0].text), 200);
	assert_string_equal(hdr(v, sizeof(v), tx[0].text, "Content-Type"), "application/sdp");
	assert_non_null(strstr(tx[0].text, "m=audio 40000 RTP/AVP 8 101\r\n"));
	assert_non_null(strstr(tx[0].text, "\r\na=sendrecv\r\n"));
	assert_int_equal(sdp_version(tx[0].text), 1); /* what the INVITE offered: unchanged */
	assert_int_equal(ev.n, 0);
	far_req("ACK", hold_sdp, dlg.cseq);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.last.ev, SIP_CALL_MEDIA);
	assert_true(ev.media.sendonly);
	/* a re-INVITE without SDP whose ACK brings none: BYE */
	n_tx = 0;
	far_req("INVITE", NULL, ++dlg.cseq);
	far_req("ACK", NULL, dlg.cseq);
	assert_int_equal(n_tx, 2);
	assert_memory_equal(tx[1].text, "BYE ", 4);
	respond(tx[1].text, 200, "OK", NULL, NULL, NULL);
	assert_int_equal(ev.last.ev, SIP_CALL_ENDED);
	(void)c;
	osmo_gettimeofday_override = false;
}

/* ---- session timers (RFC 4028), on libosmocore's fake clock ---- */

static void set_session(uint32_t se, uint32_t min_se)
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.session_expires_s = se;
	cfg.min_se_s = min_se;
	assert_int_equal(sip_set_cfg(&cfg), 0);
}

/* The last message sent whose first line starts with start, or NULL */
static const char *sent(const char *start)
{
	unsigned int i;

	for (i = n_tx; i-- > 0;)
		if (!strncmp(tx[i].text, start, strlen(start)))
			return tx[i].text;
	return NULL;
}

static void test_session_uac_refresh(void **state)
{
	char inv[SIP_MAX_MSG + 1], v[128], se[64];
	const char *m;

	osmo_gettimeofday_override = true;
	set_session(90, 90);
	invite("sip:st1@198.18.0.1:5070");
	strcpy(inv, tx[0].text);
	assert_string_equal(hdr(v, sizeof(v), inv, "Supported"), "timer");
	assert_string_equal(hdr(v, sizeof(v), inv, "Session-Expires"), "90");
	assert_null(hdr(v, sizeof(v), inv, "Min-SE")); /* 90, the default: left out */
	/* 422 with a higher Min-SE: the INVITE again asking for it */
	n_tx = 0;
	respond(inv, 422, "Session Interval Too Small", "s1", NULL, "Min-SE: 120\r\n");
	m = sent("INVITE sip:st1@");
	assert_non_null(m);
	strcpy(inv, m);
	assert_string_equal(hdr(v, sizeof(v), inv, "Session-Expires"), "120");
	assert_string_equal(hdr(v, sizeof(v), inv, "Min-SE"), "120");
	assert_int_equal(ev.n, 0);
	/* 200 with refresher=uac: the box refreshes at 60 s, not before */
	n_tx = 0;
	respond(inv, 200, "OK", "s2", answer_sdp, "Session-Expires: 120;refresher=uac\r\n"
						 "Require: timer\r\n");
	assert_int_equal(ev.last.ev, SIP_CALL_ANSWERED);
	n_tx = 0;
	advance_ms(59000);
	sip_run();
	assert_null(sent("INVITE "));
	advance_ms(1000);
	sip_run();
	m = sent("INVITE ");
	assert_non_null(m);
	strcpy(inv, m);
	snprintf(se, sizeof(se), "120;refresher=uac");
	assert_string_equal(hdr(v, sizeof(v), inv, "Session-Expires"), se);
	assert_non_null(strstr(hdr(v, sizeof(v), inv, "To"), "tag=s2"));
	assert_int_equal(sdp_version(inv), 1); /* the session unchanged: same SDP, same version */
	assert_int_equal(sip_g.ctr.session_refreshes, 1);
	/* its 200 (the advisor's port moved meanwhile): ACKed with its CSeq, the stream follows;
	 * the next refresh 60 s later */
	n_tx = 0;
	ev.n = 0;
	respond(inv, 200, "OK", "s2", resume_sdp, "Session-Expires: 120;refresher=uac\r\n");
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.last.ev, SIP_CALL_MEDIA);
	assert_int_equal(ev.media.port, 6002);
	m = sent("ACK ");
	assert_non_null(m);
	assert_int_equal(atoi(hdr(v, sizeof(v), m, "CSeq")), atoi(hdr(se, sizeof(se), inv, "CSeq")));
	n_tx = 0;
	advance_ms(59000);
	sip_run();
	assert_null(sent("INVITE "));
	advance_ms(1000);
	sip_run();
	m = sent("INVITE ");
	assert_non_null(m);
	strcpy(inv, m);
	/* the advisor re-INVITEs meanwhile (glare): 491 */
	n_tx = 0;
	hdr(dlg.to, sizeof(dlg.to), inv, "From");
	snprintf(dlg.from, sizeof(dlg.from), "<sip:st1@198.18.0.1:5070>;tag=s2");
	hdr(dlg.cid, sizeof(dlg.cid), inv, "Call-ID");
	far_req("INVITE", resume_sdp, 7);
	assert_int_equal(status_of(tx[0].text), 491);
	/* the refresh is never answered: BYE with cause 102 where the far end would end it */
	n_tx = 0;
	ev.n = 0;
	advance_ms(20000);
	sip_run();
	assert_null(sent("BYE "));
	advance_ms(10000);
	sip_run();
	m = sent("BYE ");
	assert_non_null(m);
	assert_string_equal(hdr(v, sizeof(v), m, "Reason"), "Q.850;cause=102");
	assert_int_equal(ev.last.ev, SIP_CALL_ENDED);
	assert_int_equal(ev.last.q850, 102);
	assert_int_equal(sip_g.ctr.session_expiries, 1);
	set_session(SIP_DEFAULT_SESSION_EXPIRES, SIP_MIN_SE);
	osmo_gettimeofday_override = false;
}

static void test_session_uas_refresher(void **state)
{
	char inv[SIP_MAX_MSG + 1], v[128];
	const char *m;

	osmo_gettimeofday_override = true;
	set_session(90, 90);
	invite("sip:st2@198.18.0.1:5070");
	strcpy(inv, tx[0].text);
	respond(inv, 200, "OK", "u1", answer_sdp, "Session-Expires: 90;refresher=uas\r\n");
	assert_int_equal(ev.last.ev, SIP_CALL_ANSWERED);
	hdr(dlg.to, sizeof(dlg.to), inv, "From");
	snprintf(dlg.from, sizeof(dlg.from), "<sip:st2@198.18.0.1:5070>;tag=u1");
	hdr(dlg.cid, sizeof(dlg.cid), inv, "Call-ID");
	/* the advisor refreshes at 40 s: answered with the interval, the timer starts over */
	n_tx = 0;
	advance_ms(40000);
	far_extra = "Supported: timer\r\nSession-Expires: 90\r\n";
	far_req("INVITE", resume_sdp, 20);
	far_extra = "";
	assert_int_equal(status_of(tx[0].text), 200);
	assert_string_equal(hdr(v, sizeof(v), tx[0].text, "Session-Expires"),
			    "90;refresher=uac");
	assert_string_equal(hdr(v, sizeof(v), tx[0].text, "Require"), "timer");
	far_req("ACK", NULL, 20);
	/* a refresh asking less than Min-SE: 422 with Min-SE; the timer runs on */
	n_tx = 0;
	far_extra = "Session-Expires: 60\r\n";
	far_req("INVITE", resume_sdp, 21);
	far_extra = "";
	assert_int_equal(n_tx, 1);
	assert_int_equal(status_of(tx[0].text), 422);
	assert_string_equal(hdr(v, sizeof(v), tx[0].text, "Min-SE"), "90");
	/* no refresh after that: BYE 90 - 30 = 60 s after the last accepted refresh */
	n_tx = 0;
	ev.n = 0;
	advance_ms(59000);
	sip_run();
	assert_null(sent("BYE "));
	advance_ms(1000);
	sip_run();
	m = sent("BYE ");
	assert_non_null(m);
	assert_string_equal(hdr(v, sizeof(v), m, "Reason"), "Q.850;cause=102");
	assert_int_equal(ev.last.ev, SIP_CALL_ENDED);
	assert_int_equal(ev.last.q850, 102);
	/* the 2xx without Session-Expires: no timer at all */
	set_session(SIP_DEFAULT_SESSION_EXPIRES, SIP_MIN_SE);
	osmo_gettimeofday_override = false;
}

static void test_ip_str(void **state)
{
	static const struct {
		uint32_t ip;
		const char *s;
	} t[] = {
		{ 0, "0.0.0.0" }, { 0xc6120002u, "198.18.0.2" }, { 0xffffffffu, "255.255.255.255" },
		{ 0x0a090a64u, "10.9.10.100" }, { 0x01630a00u, "1.99.10.0" },
	};
	char buf[16];
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(sip_ip_str(buf, t[i].ip), t[i].s);
}

static void test_cfg(void **state)
{
	struct sip_cfg cfg, bad;

	sip_get_cfg(&cfg);
	assert_int_equal(cfg.listen_port, 5060);
	assert_int_equal(cfg.options_interval_s, 30);
	bad = cfg;
	bad.options_interval_s = 4;
	assert_int_equal(sip_set_cfg(&bad), -EINVAL);
	bad = cfg;
	strcpy(bad.username, "a b");
	assert_int_equal(sip_set_cfg(&bad), -EINVAL);
	bad = cfg;
	strcpy(bad.domain, "x\"y");
	assert_int_equal(sip_set_cfg(&bad), -EINVAL);
	bad = cfg;
	bad.proxy_addr = 0xe0000001u;
	assert_int_equal(sip_set_cfg(&bad), -EINVAL);
	assert_int_equal(cfg.tcp_idle_s, 120);
	assert_int_equal(cfg.session_expires_s, 1800);
	assert_int_equal(cfg.min_se_s, 90);
	bad = cfg;
	bad.min_se_s = 89;
	assert_int_equal(sip_set_cfg(&bad), -EINVAL);
	bad = cfg;
	bad.session_expires_s = 100;
	bad.min_se_s = 120;
	assert_int_equal(sip_set_cfg(&bad), -EINVAL);
	bad = cfg;
	bad.session_expires_s = 0; /* off */
	assert_int_equal(sip_set_cfg(&bad), 0);
	assert_int_equal(sip_set_cfg(&cfg), 0);
	bad = cfg;
	bad.tcp_idle_s = 4;
	assert_int_equal(sip_set_cfg(&bad), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_md5_rfc1321, setup),
		cmocka_unit_test_setup(test_md5_lengths, setup),
		cmocka_unit_test_setup(test_digest_rfc2617, setup),
		cmocka_unit_test_setup(test_sdp_offer, setup),
		cmocka_unit_test_setup(test_sdp_answer, setup),
		cmocka_unit_test_setup(test_frame_check, setup),
		cmocka_unit_test_setup(test_validation, setup),
		cmocka_unit_test_setup(test_options_retransmission, setup),
		cmocka_unit_test_setup(test_uac_answer_bye, setup),
		cmocka_unit_test_setup(test_uac_busy, setup),
		cmocka_unit_test_setup(test_uac_auth, setup),
		cmocka_unit_test_setup(test_uac_cancel, setup),
		cmocka_unit_test_setup(test_uac_remote_bye_and_no_pcma, setup),
		cmocka_unit_test_setup(test_bad_call_params, setup),
		cmocka_unit_test_setup(test_frame_stream, setup),
		cmocka_unit_test_setup(test_tcp_uac, setup),
		cmocka_unit_test_setup(test_tcp_proxy, setup),
		cmocka_unit_test_setup(test_tcp_size_switch, setup),
		cmocka_unit_test_setup(test_tcp_uas, setup),
		cmocka_unit_test_setup(test_reinvite_hold, setup),
		cmocka_unit_test_setup(test_reinvite_no_sdp, setup),
		cmocka_unit_test_setup(test_session_uac_refresh, setup),
		cmocka_unit_test_setup(test_session_uas_refresher, setup),
		cmocka_unit_test_setup(test_ip_str, setup),
		cmocka_unit_test_setup(test_cfg, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
