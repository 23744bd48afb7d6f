/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RTP receive, advisor → caller: header validation (RFC 3550 §5.1), PCMA (PT 8) to the jitter
 * buffer, RFC 4733 telephone-events to a callback, receive statistics for RTCP.
 *
 * Everything from the network is hostile: a packet that fails a check is dropped and counted
 * under the reason, never trusted further. The caller keeps its reference to the pbuf: the
 * jitter buffer takes its own (pbuf_ref) when it holds one.
 */
#ifndef HLGW_MEDIA_RTP_RX_H
#define HLGW_MEDIA_RTP_RX_H

#include <stdbool.h>
#include <stdint.h>

struct pbuf;
struct jbuf;
struct rtcp_src;

#define RTP_PT_PCMA 8
#define RTP_PT_EVENT_DEFAULT 101 /* dynamic: the SDP answer decides; 101 is the usual choice */
#define RTP_HDR_LEN 12

/* A validated RTP header; the payload is [off, off + len) of the pbuf chain (no padding). */
struct rtp_rx_hdr {
	uint32_t ssrc;
	uint32_t ts;
	uint16_t seq;
	uint16_t off;
	uint16_t len;
	uint8_t pt;
	bool marker;
};

/* One RFC 4733 event block (§2.3): what the callback gets. */
struct rtp_event {
	uint32_t ts;       /* RTP timestamp of the event's start: the event's identity */
	uint16_t duration; /* in timestamp units (1/8 ms) so far */
	uint8_t event;     /* 0-9 * # A-D = 0-15, flash 16, others per RFC 4734 */
	uint8_t volume;    /* power level, -dBm0 (0..63) */
	bool end;
};

/* Called once when an event starts and once when it ends (the retransmitted ends are dropped). */
typedef void (*rtp_rx_event_cb)(void *arg, const struct rtp_event *ev);

enum rtp_rx_ctr {
	RTP_RX_CTR_RX,        /* "rx:packets" all packets offered */
	RTP_RX_CTR_AUDIO,     /* "rx:audio" PCMA to the jitter buffer */
	RTP_RX_CTR_EVENT,     /* "rx:event" telephone-event packets */
	RTP_RX_CTR_SHORT,     /* "drop:short" shorter than the fixed header */
	RTP_RX_CTR_VERSION,   /* "drop:version" V != 2 */
	RTP_RX_CTR_CSRC,      /* "drop:csrc" CSRC list beyond the packet */
	RTP_RX_CTR_EXT,       /* "drop:ext" header extension beyond the packet */
	RTP_RX_CTR_PADDING,   /* "drop:padding" padding count 0 or beyond the payload */
	RTP_RX_CTR_EMPTY,     /* "drop:empty" no payload */
	RTP_RX_CTR_PT,        /* "drop:pt" payload type not negotiated */
	RTP_RX_CTR_EVENT_BAD, /* "drop:event_len" event payload shorter than 4 octets */
	RTP_RX_CTR_EVENT_DUP, /* "event:dup" retransmitted end / update / stale event packets */
	RTP_RX_CTR_SSRC,      /* "rx:ssrc_change" new sender SSRC */
	RTP_RX_CTR_NUM
};
extern const char *const rtp_rx_ctr_names[RTP_RX_CTR_NUM];

struct rtp_rx_cfg {
	uint8_t pt_event;       /* telephone-event PT; 0: events not negotiated */
	rtp_rx_event_cb ev_cb;  /* may be NULL */
	void *ev_arg;
};

struct rtp_rx {
	struct rtp_rx_cfg cfg;
	struct jbuf *jb;
	struct rtcp_src *src;
	uint32_t ssrc;
	bool have_ssrc;
	bool ev_valid;   /* ev_ts names the current event */
	bool ev_ended;   /* its end was reported */
	uint32_t ev_ts;
	uint32_t ctr[RTP_RX_CTR_NUM];
};

/*
 * Check an RTP packet and fill *h. Returns 0, or -EINVAL with *why set to the counter that
 * names the reason (the packet must then be dropped).
 */
int rtp_rx_parse(struct rtp_rx_hdr *h, const struct pbuf *p, enum rtp_rx_ctr *why);

/* Decode an RFC 4733 event payload (4 octets at buf). Returns 0 or -EINVAL (len < 4). */
int rtp_event_decode(struct rtp_event *ev, const uint8_t *buf, unsigned len, uint32_t ts);

/*
 * Set up a receiver feeding jb (PCMA) and src (RTCP receive statistics; may be NULL).
 * Returns 0 or -EINVAL.
 */
int rtp_rx_init(struct rtp_rx *rx, const struct rtp_rx_cfg *cfg, struct jbuf *jb,
		struct rtcp_src *src);

/*
 * One received UDP payload. now: arrival time on the 8 kHz sample clock (the E1 line's), for
 * the RFC 3550 jitter. p stays the caller's. Returns 0 (taken), -EINVAL (dropped, counted).
 */
int rtp_rx_input(struct rtp_rx *rx, struct pbuf *p, uint32_t now);

#endif
