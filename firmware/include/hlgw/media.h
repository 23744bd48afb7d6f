/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A call's media channel: one B-channel timeslot bridged to one RTP session (PCMA).
 * Caller -> advisor: the framer's TDM routing fills RTP buffers in place (rtp_tx, zero-copy).
 * Advisor -> caller: RTP from the advisor's address -> jitter buffer -> the timeslot's TX
 * samples each 1 ms (rtp_rx, jbuf). RTCP on the next port. The caller's in-band DTMF is
 * detected in the outgoing packets and sent as RFC 4733 events (media_chan.c), after the
 * span's echo canceller took the line's echo out of them. Call control owns the channels;
 * everything runs in the main loop.
 */
#ifndef HLGW_MEDIA_H
#define HLGW_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

struct media_chan;

/* A digit starts or ends: an RFC 4733 event from the advisor, or a digit detected in-band in
 * the caller's audio (media_params says which callback is which). */
typedef void (*media_dtmf_cb)(struct media_chan *mc, char digit, bool end, void *arg);

struct media_params {
	unsigned int span;     /* 0-based */
	unsigned int ts;       /* B-channel timeslot 1..31 */
	uint8_t ptime_ms;      /* 10, 20 or 30 */
	media_dtmf_cb dtmf_cb; /* the advisor's events; may be NULL */
	void *cb_arg;	       /* for both callbacks */
	/* addition: the caller's in-band digits as the DTMF receiver takes and ends them (the
	 * caller's rating after the call, say); may be NULL */
	media_dtmf_cb caller_dtmf_cb;
};

struct media_remote {
	uint32_t addr;	    /* advisor's RTP address, host byte order; 0 = not known yet */
	uint16_t port;
	uint8_t pt_pcma;    /* payload type the answer gave PCMA (8) */
	int te_pt;	    /* telephone-event payload type, -1 none */
	bool sendonly;	    /* the advisor holds the call: send nothing */
	uint16_t rtcp_port; /* addition: the advisor's RTCP port (a=rtcp); 0: port + 1 */
};

struct media_stats {
	uint32_t tx_packets, rx_packets;
	uint32_t rx_lost, rx_late, rx_dup;
	uint32_t jitter_ms;	 /* RFC 3550 interarrival jitter of the advisor's stream */
	uint32_t rtt_ms;	 /* from RTCP, 0 until known */
	uint32_t jbuf_delay_ms;	 /* current playout delay */
	uint64_t tx_copied;	 /* payload octets copied on the TX path: stays 0 */
	/* additions */
	uint32_t rx_foreign;	 /* RTP/RTCP from other than the advisor's address, dropped */
	uint32_t rx_dropped;	 /* RTP from the advisor that failed the checks (rtp_rx) */
	uint32_t tx_overruns;	 /* packet times dropped: no free TX buffer */
	uint32_t tx_events;	 /* RFC 4733 packets sent */
	uint32_t dtmf_rx;	 /* the caller's in-band DTMF digits detected */
	uint32_t dtmf_echo;	 /* digits heard while playing the advisor's: their echo, ignored */
	uint32_t rtcp_tx, rtcp_rx; /* RTCP compounds sent, accepted */
};

/* A channel's echo canceller (show ecan, show call). */
struct media_ecan_info {
	bool on;	   /* the channel has one (its span's echocanceller is on) */
	unsigned int tail_ms;
	bool nlp;	   /* non-linear processor with comfort noise */
	float erl_db;	   /* echo return loss of the line */
	float erle_db;	   /* what the canceller takes off on top */
	bool converged;
	bool disabled;	   /* bypassed: a 2100 Hz answer tone with phase reversals */
	unsigned int tone_disables;
};

/* A channel as the console lists it (media_chan_info_get). */
struct media_chan_info {
	unsigned int span, ts;
	uint16_t local_port;
	struct media_remote remote;
	struct media_stats st;
	struct media_ecan_info ec;
};

#define MEDIA_PORT_DEFAULT_MIN 16384 /* RTP port range (RTP even, RTCP +1): 256 pairs */
#define MEDIA_PORT_DEFAULT_MAX 16895
#define MEDIA_PORT_MAX_PAIRS 1024

/* Take the timeslot and a local RTP port pair (even port: RTP, +1: RTCP), start receiving.
 * *local_port is the port to put in the SDP. Returns 0, -ENODEV (no such span/timeslot),
 * -EBUSY (timeslot in use), -ENOSPC (no ports/streams/buffers left). */
int media_chan_open(struct media_chan **mc, uint16_t *local_port, const struct media_params *p);
/* The advisor's address and payload types (from the SDP answer, or early media). Starts
 * sending. May be called again (re-INVITE, hold). Returns 0 or -EINVAL. */
int media_chan_set_remote(struct media_chan *mc, const struct media_remote *r);
/* Send an RFC 4733 event to the advisor (digit from the caller): 0-9 * # A-D, duration_ms
 * 40..5000 (clamped). The packets follow on the 1 ms line clock (start with the marker,
 * updates every ptime, three end packets). Returns 0, -EINVAL (bad digit), -ENOTSUP (no
 * telephone-event negotiated, no remote yet, or sendonly) or -EBUSY (an event is still being
 * sent: the caller queues). */
int media_chan_send_dtmf(struct media_chan *mc, char digit, unsigned int duration_ms);
/* Play a call-progress tone of the selected country (enum cptone_id of dsp/cptone.h:
 * ringback, busy, ...) to the caller instead of the advisor's audio; -1 stops it. Returns 0,
 * -EINVAL or -ENOENT (the country has no such tone). A tone that plays once stops by itself. */
#define MEDIA_CPTONE_DBM0 -10.0f /* per frequency, as DAHDI plays them */
int media_chan_play_tone(struct media_chan *mc, int tone);
/* Play a tone sequence of one's own (kept by reference while it plays); 0 or -EINVAL. */
struct cptone_seq;
int media_chan_play_seq(struct media_chan *mc, const struct cptone_seq *seq);
/* Play n A-law samples (kept by reference while they play) to the caller, instead of the
 * advisor and any tone; n 0 stops. 0 or -EINVAL. */
int media_chan_play_prompt(struct media_chan *mc, const uint8_t *alaw, size_t n);
int media_chan_get_stats(const struct media_chan *mc, struct media_stats *st);
/* The channel's echo canceller. Returns 0, -ENOENT (none: ei->on false) or -EINVAL. */
int media_chan_get_ecan(const struct media_chan *mc, struct media_ecan_info *ei);
/* The canceller pool: size, free now, calls that found it empty (and went on without). */
void media_ecan_pool_info(unsigned int *total, unsigned int *free_now, uint32_t *short_calls);
/* Release the timeslot and the ports (sends RTCP BYE). */
void media_chan_close(struct media_chan *mc);

/* Channel slot idx (0..): 0, -ENOENT (slot unused: go on) or -ERANGE (no more slots). */
int media_chan_info_get(unsigned int idx, struct media_chan_info *info);

/* Local RTP port range for new channels: min even, max >= min + 1, at most
 * MEDIA_PORT_MAX_PAIRS pairs. Returns 0, -EINVAL, or -EBUSY (ports of the old range in use). */
int media_port_set_range(uint16_t min, uint16_t max);
void media_port_get_range(uint16_t *min, uint16_t *max);

#endif
