/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RTCP (RFC 3550 §6, appendix A) for one media stream: receive statistics of the remote
 * source (A.1 sequence validation with cycles, A.3 cumulative and fractional loss, A.8
 * interarrival jitter), SR / RR / SDES CNAME / BYE building and compound parsing (A.2 checks),
 * round-trip time from LSR/DLSR, and the report interval (A.7).
 *
 * Portable: byte buffers in and out (the caller moves them to and from pbufs), times given by
 * the caller: the RTP arrival clock in timestamp units (8 kHz), wall-clock as 64-bit NTP
 * (32.32 fixed point seconds; any monotonic origin works for RTT, RFC 3550 §4).
 */
#ifndef HLGW_MEDIA_RTCP_H
#define HLGW_MEDIA_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTCP_PT_SR 200
#define RTCP_PT_RR 201
#define RTCP_PT_SDES 202
#define RTCP_PT_BYE 203
#define RTCP_PT_APP 204
#define RTCP_SDES_CNAME 1
#define RTCP_MAX_BLOCKS 4    /* report blocks kept by the parser (one peer is the norm) */
#define RTCP_CNAME_MAX 255
#define RTCP_MIN_INTERVAL_MS 5000

/* Receive statistics for one remote source (RFC 3550 A.1, A.3, A.8). */
struct rtcp_src {
	bool valid;         /* rtcp_src_init() ran: a source was seen */
	uint32_t ssrc;
	uint16_t max_seq;   /* highest sequence number seen */
	uint32_t cycles;    /* shifted count of sequence number cycles */
	uint32_t base_seq;
	uint32_t bad_seq;   /* last 'bad' sequence number + 1 */
	uint32_t probation; /* packets still needed before the source is valid */
	uint32_t received;
	uint32_t expected_prior, received_prior;
	uint32_t transit;   /* relative transit time of the previous packet */
	uint32_t jitter;    /* estimated jitter, scaled by 16 (A.8) */
	bool have_transit;
	/* last SR from it: LSR (middle 32 bits of its NTP time) and when it came (ours) */
	uint32_t lsr;
	uint32_t lsr_arrival;
	bool have_sr;
};

/* One report block (§6.4.1), as built or parsed. */
struct rtcp_block {
	uint32_t ssrc;
	uint8_t fraction; /* lost since the last report, /256 */
	int32_t lost;     /* cumulative, 24-bit signed */
	uint32_t ext_max_seq;
	uint32_t jitter;  /* timestamp units */
	uint32_t lsr;
	uint32_t dlsr;    /* 1/65536 s */
};

/* Sender info of an SR (§6.4.1). */
struct rtcp_sender {
	uint32_t ssrc;
	uint64_t ntp;
	uint32_t rtp_ts;
	uint32_t pkts;
	uint32_t octets;
};

/* What rtcp_parse() found in a compound packet. */
struct rtcp_info {
	uint32_t ssrc;          /* sender of the SR or RR */
	bool sr;
	struct rtcp_sender sender;
	unsigned nblocks;       /* kept in block[]; nblocks_all counts them all */
	unsigned nblocks_all;
	struct rtcp_block block[RTCP_MAX_BLOCKS];
	bool has_cname;
	char cname[RTCP_CNAME_MAX + 1];
	bool bye;
	uint32_t bye_ssrc;      /* first SSRC of the BYE */
};

/* ---- receive statistics ------------------------------------------------------------------ */
/* A new source: its first packet has sequence number seq (A.1: probation of 2 packets). */
void rtcp_src_init(struct rtcp_src *s, uint32_t ssrc, uint16_t seq);
/* A.1 update_seq(): returns 1 when the packet counts (valid source), 0 otherwise. */
int rtcp_src_update_seq(struct rtcp_src *s, uint16_t seq);
/* A.8: one data packet with timestamp ts arrived at arrival (same units). */
void rtcp_src_jitter(struct rtcp_src *s, uint32_t ts, uint32_t arrival);
/* An SR from the source arrived: ntp is its NTP time, now_ntp32 ours (middle 32 bits). */
void rtcp_src_sr(struct rtcp_src *s, uint64_t ntp, uint32_t now_ntp32);
/* A.3: fill a report block and start a new reporting interval. */
void rtcp_src_block(struct rtcp_src *s, struct rtcp_block *b, uint32_t now_ntp32);

/* ---- packets ----------------------------------------------------------------------------- */
/* Each returns the octets written, or -ENOSPC (buf too small) / -EINVAL. */
int rtcp_put_sr(uint8_t *buf, size_t size, const struct rtcp_sender *si,
		const struct rtcp_block *b, unsigned nb);
int rtcp_put_rr(uint8_t *buf, size_t size, uint32_t ssrc, const struct rtcp_block *b,
		unsigned nb);
int rtcp_put_sdes(uint8_t *buf, size_t size, uint32_t ssrc, const char *cname);
int rtcp_put_bye(uint8_t *buf, size_t size, uint32_t ssrc, const char *reason);

/*
 * Parse a compound packet (A.2: version 2, SR or RR first, padding only on the last, the
 * lengths add up exactly; report blocks and SDES items within their packet). Unknown packet
 * types are skipped. Returns 0 or -EINVAL (the whole compound is then ignored).
 */
int rtcp_parse(struct rtcp_info *out, const uint8_t *buf, size_t len);

/*
 * Round-trip time (§6.4.1) from a report block received at arrival_ntp32: A - LSR - DLSR in
 * 1/65536 s into *rtt. Returns 0, or -ENODATA (LSR 0: no SR yet) / -ERANGE (negative).
 */
int rtcp_rtt(uint32_t *rtt, uint32_t arrival_ntp32, uint32_t lsr, uint32_t dlsr);

/*
 * A.7 rtcp_interval() in ms, without floating point. rtcp_bw in octets/s (5 % of the session
 * bandwidth), avg_size in octets, rnd a uniform 32-bit random number (the factor 0.5..1.5).
 * The minimum is 5 s (2.5 s initially); the result is divided by e - 3/2 (A.7).
 */
uint32_t rtcp_interval_ms(unsigned members, unsigned senders, uint32_t rtcp_bw, bool we_sent,
			  unsigned avg_size, bool initial, uint32_t rnd);

static inline uint32_t rtcp_ntp32(uint64_t ntp)
{
	return (uint32_t)(ntp >> 16);
}

/* ---- one session: our SSRC and the peer ---------------------------------------------------- */
enum rtcp_ctr {
	RTCP_CTR_TX,     /* "tx:packets" compounds built */
	RTCP_CTR_RX,     /* "rx:packets" compounds accepted */
	RTCP_CTR_RX_BAD, /* "drop:malformed" */
	RTCP_CTR_SR,     /* "rx:sr" */
	RTCP_CTR_RTT,    /* "rx:rtt" RTT measurements */
	RTCP_CTR_BYE,    /* "rx:bye" */
	RTCP_CTR_NUM
};
extern const char *const rtcp_ctr_names[RTCP_CTR_NUM];

struct rtcp_sess {
	uint32_t ssrc;
	char cname[64];
	struct rtcp_src remote; /* fed by rtp_rx (rtp_rx_init(..., &sess.remote)) */
	/* what we sent (the TX side tells, rtcp_sess_sent) */
	uint32_t tx_pkts, tx_octets;
	bool sent_since_report;
	/* the peer's view of our stream */
	bool have_peer_report;
	struct rtcp_block peer_report;
	bool have_rtt;
	uint32_t rtt;    /* 1/65536 s */
	bool bye;        /* the peer said BYE */
	unsigned avg_size; /* A.7 avg_rtcp_size (octets, with UDP/IP headers) */
	uint32_t ctr[RTCP_CTR_NUM];
};

/* Returns 0 or -EINVAL (cname empty or longer than 63). */
int rtcp_sess_init(struct rtcp_sess *s, uint32_t ssrc, const char *cname);
/* The TX side sent one RTP packet with len payload octets. */
void rtcp_sess_sent(struct rtcp_sess *s, unsigned len);
/*
 * Build the next compound: SR (when we sent since the last report) or RR, a report block for
 * the peer when it is valid, SDES CNAME, and BYE when bye. rtp_ts is our RTP timestamp that
 * corresponds to now. Returns the length or -ENOSPC.
 */
int rtcp_sess_build(struct rtcp_sess *s, uint8_t *buf, size_t size, uint64_t now_ntp,
		    uint32_t rtp_ts, bool bye);
/* A received compound (arrived at now_ntp). Returns 0 or -EINVAL (dropped, counted). */
int rtcp_sess_input(struct rtcp_sess *s, const uint8_t *buf, size_t len, uint64_t now_ntp);
/* Next report interval for a two-party call at 64 kbit/s (rtcp_bw 400 octets/s), in ms. */
uint32_t rtcp_sess_interval_ms(const struct rtcp_sess *s, bool initial, uint32_t rnd);
/* RTT in ms (0 when none measured yet). */
uint32_t rtcp_sess_rtt_ms(const struct rtcp_sess *s);

#endif
