/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RTP sender, caller -> advisor (design.md section 3): PCMA (PT 8) from an E1 B-channel,
 * 10, 20 or 30 ms per packet, zero-copy. Each stream owns a ring of CONFIG_MEDIA_TX_RING
 * packet buffers (media_buf.h). The framer's TDM routing writes the timeslot's samples
 * straight into the buffer being filled; when it is full (the TDM end-of-buffer callback,
 * in the 1 ms chunk context) the next free buffer of the ring is armed, the RTP header is
 * written into the full one's headroom and it goes to udp_sendto() as a custom pbuf over the
 * same memory. A buffer comes back to the ring in the pbuf's free callback (lwIP may hold it
 * while ARP is unresolved). With no free buffer the packet time is dropped and counted as an
 * overrun; nothing blocks and nothing is copied.
 *
 * RTP (RFC 3550/3551): V=2, PT 8, random SSRC, sequence number and timestamp start values;
 * the sequence number counts packets handed to lwIP, the timestamp counts samples of the
 * line (8 per ms) whether sent or dropped; the marker is set on the first packet sent.
 */
#ifndef HLGW_MEDIA_RTP_TX_H
#define HLGW_MEDIA_RTP_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hlgw/span.h>

#include "media_buf.h"

struct udp_pcb;
struct rtp_tx;

#define RTP_TX_PT_PCMA 8

/* A full packet's samples, just before they go out (in the chunk context): may read them, or
 * change them in place (DTMF detection and muting). ts: RTP timestamp of samples[0]. */
typedef void (*rtp_tx_pkt_cb)(void *arg, uint8_t *samples, unsigned int n, uint32_t ts);

struct rtp_tx_cfg {
	uint32_t dst_addr;   /* advisor's IPv4 address, host byte order */
	uint16_t dst_port;
	uint16_t src_port;   /* local port, used when pcb is NULL */
	struct udp_pcb *pcb; /* send through this pcb (shared with RTP RX); NULL: an own one */
	uint8_t ptime_ms;    /* 10, 20 or 30 */
	uint32_t ssrc;	     /* 0: random */
	rtp_tx_pkt_cb pkt_cb; /* may be NULL */
	void *pkt_arg;
};

struct rtp_tx_stats {
	uint32_t ssrc;
	uint32_t packets;     /* handed to lwIP */
	uint64_t octets;      /* payload octets in them (RFC 3550 sender's octet count) */
	uint32_t overruns;    /* packet times dropped: no free buffer in the ring */
	uint32_t send_errors; /* udp_sendto() refused the packet (no route, no memory) */
	uint64_t copied;      /* payload octets copied on the TX path: 0 while TDM-routed */
};

/*
 * Start a stream on B-channel ch (span_get_channel()) to cfg's destination: takes the ring
 * from the buffer pool and arms the channel's TDM RX. ch NULL: a stream without TDM routing,
 * fed with rtp_tx_feed(). Returns 0, -EINVAL (bad cfg), -ENOSPC (no stream slot or buffers
 * left), -EADDRINUSE (cannot bind src_port), -ENOMEM (no pcb) or the framer's error.
 */
int rtp_tx_open(struct rtp_tx **out, const struct span_chan *ch, const struct rtp_tx_cfg *cfg);
/* Stop: disarms the channel; buffers lwIP still holds go back to the pool when freed. */
void rtp_tx_close(struct rtp_tx *st);
/*
 * Samples for a stream opened without a channel (tones, announcements, a framer without TDM
 * routing): they are copied into the packet buffer, and counted in stats.copied. Returns 0,
 * -EINVAL (NULL, or the stream is TDM-routed).
 */
int rtp_tx_feed(struct rtp_tx *st, const uint8_t *samples, size_t n);
int rtp_tx_get_stats(const struct rtp_tx *st, struct rtp_tx_stats *out);
/* Send a packet of another payload type (RFC 4733 events) in the stream's SSRC and sequence
 * space, between the audio packets. Returns 0, -EINVAL, -ENOMEM, -EIO (lwIP refused). */
#define RTP_TX_EVENT_MAX 64
int rtp_tx_send_event(struct rtp_tx *st, uint8_t pt, bool marker, uint32_t ts,
		      const uint8_t *payload, uint16_t len);
/* RTP timestamp of the first sample of the packet being filled: "now" to within a ptime. */
uint32_t rtp_tx_timestamp(const struct rtp_tx *st);
/* Where the buffer being filled starts (its first sample), NULL while overrunning: for
 * tests and the bench to check that the wire sees this very memory. */
const uint8_t *rtp_tx_filling(const struct rtp_tx *st);

#endif
