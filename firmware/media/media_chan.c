// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A call's media channel (hlgw/media.h): one B-channel timeslot and one RTP session.
 *
 * Caller -> advisor: rtp_tx on the channel's TDM RX routing (zero-copy), through the channel's
 * RTP pcb. Advisor -> caller: the RTP pcb's receive callback takes only the advisor's
 * address and port (anyone else's packets would make the jitter buffer resync on their SSRC),
 * rtp_rx checks them into the jitter buffer; the timeslot's TDM TX is armed 8 samples at a
 * time from two alternating buffers that the end-of-buffer callback refills with jbuf_read()
 * each 1 ms (silence until the advisor sends). RTCP on the next port, on an osmo_timer with
 * the RFC 3550 A.7 interval. RFC 4733 events to the advisor run on the same 1 ms clock.
 *
 * The caller's in-band DTMF: each packet's samples, in the zero-copy TX buffer just before it
 * goes out (rtp_tx's packet callback), run through the DTMF receiver (dsp/dtmf.h). A digit
 * becomes a live RFC 4733 event: the start (marker, the tone's onset as timestamp) from the
 * packet where it was taken, updates every ptime, three ends once the receiver ends it. While
 * the advisor takes telephone-event, the packets from the one where a digit is taken to the one
 * where it ends carry silence instead of the tone (the advisor's phone plays the event; the
 * tone's first ~40 ms, before it is recognised, still pass). Without telephone-event the tone
 * passes untouched; digits are counted either way. A digit that starts while the box plays the
 * advisor's events to the caller, or within MEDIA_ECHO_GUARD_MS after, is the line's echo of
 * that tone, not the caller: it is counted as such and nothing else (no event, no muting).
 *
 * Echo canceller (span's echocanceller on): one from the pool (media_ecan.h) per channel. The
 * samples sent to the caller go out of a ring of MEDIA_LINE_RING samples that the TDM TX reads
 * in place, the canceller's reference. The caller's samples are cancelled in place in the
 * zero-copy TX buffer 1 ms at a time, as the TDM RX stores them (DAHDI's order: echo-cancel,
 * receive, transmit per chunk): each chunk's 8 in the line's TX callback, the packet's last 8
 * in its packet callback, before the DTMF receiver. Either way they are cancelled against the
 * ring's newest chunk, sent to the caller during the same millisecond. A packet's worth at
 * once would put 20 ms of every channel's canceller into one ms whenever calls' packets line
 * up. The line's round trip (box TX -> hybrid -> box RX) lies inside the tail.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/timer.h>

#include <drv/e1_framer.h>
#include <dsp/cptone.h>
#include <dsp/dtmf.h>
#include <dsp/dtmf_gen.h>
#include <dsp/ecan.h>
#include <dsp/g711.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/media.h>
#include <hlgw/net.h>
#include <hlgw/span.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#include "jbuf.h"
#include "media_buf.h"
#include "media_ecan.h"
#include "media_port.h"
#include "rtcp.h"
#include "rtp_rx.h"
#include "rtp_tx.h"

#define MEDIA_CHAN_MAX CONFIG_MEDIA_TX_STREAMS /* one caller -> advisor stream each */
_Static_assert(MEMP_NUM_UDP_PCB >= 2 * MEDIA_CHAN_MAX + 2,
	       "LWIP_UDP_PCBS: RTP and RTCP per media channel, SIP and one spare");
#define MEDIA_EV_VOLUME 10		       /* -dBm0 of the events call control asks for */
#define MEDIA_EV_ENDS 3			       /* RFC 4733 2.5.1.4: the end three times */
#define MEDIA_EV_MIN_MS 40
#define MEDIA_EV_MAX_MS 5000
#define MEDIA_RTCP_MAX 256 /* SR + 1 block + SDES + BYE fit with room */
#define MEDIA_TONE_MAX_MS 5000 /* an advisor event whose end never comes */
/* the advisor's digits to the caller: each tone at the event's volume when it lies within
 * -36..-10 dBm0, else at -10 dBm0 */
#define MEDIA_TONE_DBM0 (-10.0f)
/* A digit the caller's side starts while we play a tone, or this long after, is taken for
 * the line's echo of that tone (the longest G.168 tail, 128 ms, and some) */
#define MEDIA_ECHO_GUARD_MS 160
/* samples sent to the caller, kept for the canceller's reference: a packet's worth (30 ms)
 * and the chunk being sent, rounded up to a power of 2 */
#define MEDIA_LINE_RING 256
_Static_assert(MEDIA_LINE_RING >= MEDIA_BUF_MAX_PAYLOAD + E1_CHUNK_FRAMES, "a packet's reference");

/* RFC 4733 sender, on the audio stream (rtp_tx_send_event) */
struct media_ev {
	bool active;
	bool live;	   /* detected on the line: its end is not known yet */
	uint8_t event;
	uint8_t volume;	   /* -dBm0 */
	uint8_t ends;	   /* end packets still to send */
	uint32_t ts;	   /* the event's start: its identity */
	uint32_t elapsed;  /* samples since the start */
	uint32_t total;	   /* samples the event lasts */
	uint32_t next;	   /* elapsed at which the next packet goes */
	uint32_t known;	   /* live: the duration the receiver has seen so far */
};

struct media_chan {
	bool used;
	bool have_remote;   /* an address and port to send to */
	unsigned int span;
	struct span_chan ch;
	struct media_params p;
	struct media_remote r;
	ip_addr_t raddr;
	uint16_t port;
	struct udp_pcb *rtp_pcb, *rtcp_pcb;
	struct rtp_tx *tx;   /* NULL: not sending (no remote, sendonly, or no buffers) */
	uint32_t ssrc;
	struct rtp_tx_stats tx_base; /* totals of the streams closed before (hold/resume) */
	struct rtp_rx rx;
	struct jbuf jb;
	struct rtcp_sess rtcp;
	struct osmo_timer_list rtcp_timer;
	/* the timeslot's TX samples: a ring of 1 ms chunks (jbuf_read_ms()'s JBUF_RATE), each
	 * armed in turn, kept as the echo canceller's reference */
	uint8_t line[MEDIA_LINE_RING];
	unsigned int line_pos; /* the chunk armed last ends here */
	struct media_ecan ecan;
	const uint8_t *ec_buf;  /* the TX buffer being filled, as the canceller last saw it */
	unsigned int ec_done;   /* its samples cancelled so far */
	uint32_t clock;      /* 1 ms chunks since open */
	/* where our RTP timestamp is, for the SR: the last packet rtp_tx sent */
	const uint8_t *last_fill;
	bool have_rtp_ts;
	uint32_t rtp_ts;     /* RTP timestamp of the sample after that packet */
	uint32_t rtp_ts_clock; /* clock when it was taken */
	struct media_ev ev;
	struct dtmf_gen tone;  /* the advisor's events as tones to the caller */
	struct cptone_player cpt; /* a call-progress tone to the caller, instead of the advisor */
	const uint8_t *prompt;	  /* a voice prompt to the caller (A-law), instead of both */
	size_t prompt_left;
	struct dtmf_det det;   /* the caller's in-band DTMF */
	uint32_t det_pos;      /* receiver's sample position of the packet being inspected */
	uint32_t det_ts;       /* and its RTP timestamp */
	unsigned int det_n;    /* and its samples */
	bool det_mute;         /* a digit started or ended in this packet: mute it */
	bool det_echo;         /* the digit held is the echo of our own tone */
	unsigned int tone_guard; /* ms left in which a digit is taken for our tone's echo */
	uint32_t dtmf_rx, dtmf_echo;
	uint32_t rx_foreign, tx_events;
};

static struct media_chan media_chans[MEDIA_CHAN_MAX];
static uint32_t media_busy[SPAN_MAX]; /* bit ts: the timeslot has a channel */
static uint32_t media_ecan_short; /* calls that found no free canceller in the pool */

static const char media_ev_digits[16] = "0123456789*#ABCD";

static inline uint32_t media_get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline void media_put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* Monotonic time as 32.32 NTP (RFC 3550 4: any origin serves RTT). */
static uint64_t media_ntp_now(void)
{
	uint64_t us = board_time_us();

	return (us / 1000000u) << 32 | ((us % 1000000u) << 32) / 1000000u;
}

static int media_send(struct media_chan *mc, struct udp_pcb *pcb, uint16_t port,
		      const uint8_t *buf, unsigned int len)
{
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	err_t err;

	if (!p)
		return -ENOMEM;
	memcpy(p->payload, buf, len);
	err = udp_sendto(pcb, p, &mc->raddr, port);
	pbuf_free(p);
	return err == ERR_OK ? 0 : -EIO;
}

/* ---- caller -> advisor RTP ------------------------------------------------------------------ */
static void media_tx_stop(struct media_chan *mc)
{
	struct rtp_tx_stats s;

	if (!mc->tx)
		return;
	if (rtp_tx_get_stats(mc->tx, &s) == 0) {
		mc->tx_base.packets += s.packets;
		mc->tx_base.octets += s.octets;
		mc->tx_base.overruns += s.overruns;
		mc->tx_base.send_errors += s.send_errors;
		mc->tx_base.copied += s.copied;
	}
	rtp_tx_close(mc->tx);
	mc->tx = NULL;
	/* an event in progress cannot be ended on a stream that is gone; the next stream's
	 * receiver starts afresh */
	mc->ev.active = mc->ev.live = false;
	mc->last_fill = NULL;
	mc->have_rtp_ts = false; /* the next stream has its own timestamps */
}

static void media_det_packet(void *arg, uint8_t *samples, unsigned int n, uint32_t ts);
static void media_det_event(void *arg, const struct dtmf_event *de);

static int media_tx_start(struct media_chan *mc)
{
	struct rtp_tx_cfg cfg = {
		.dst_addr = mc->r.addr, .dst_port = mc->r.port, .pcb = mc->rtp_pcb,
		.ptime_ms = mc->p.ptime_ms, .ssrc = mc->ssrc,
		.pkt_cb = media_det_packet, .pkt_arg = mc,
	};
	int rc;

	if (mc->tx)
		return 0;
	dtmf_det_init(&mc->det, media_det_event, mc); /* a new stream: a new sample clock */
	mc->det_echo = false;
	rc = rtp_tx_open(&mc->tx, &mc->ch, &cfg);
	/* armed outside the chunk context: its first chunk comes with the next one */
	mc->ec_buf = rc == 0 ? rtp_tx_filling(mc->tx) : NULL;
	mc->ec_done = 0;
	return rc;
}

/* Once per chunk: when rtp_tx moved to another buffer, the one it filled before has just
 * gone out with its RTP header in front of the samples (rtp_tx.h, media_buf.h): note its
 * timestamp, so that an SR can say which RTP time "now" is. */
static void media_tx_track(struct media_chan *mc)
{
	const uint8_t *fill = rtp_tx_filling(mc->tx);

	if (fill == mc->last_fill)
		return;
	if (mc->last_fill) {
		mc->rtp_ts = media_get32(mc->last_fill - MEDIA_BUF_RTP_HLEN + 4) +
			     mc->p.ptime_ms * JBUF_RATE;
		mc->rtp_ts_clock = mc->clock;
		mc->have_rtp_ts = true;
	}
	mc->last_fill = fill;
}

/* ---- RFC 4733 to the advisor ---------------------------------------------------------------- */
/* One event packet, in the audio stream's SSRC and sequence space (RFC 4733 section 2.1). */
static void media_ev_send(struct media_chan *mc, bool marker, bool end, uint32_t duration)
{
	uint8_t b[4];

	if (!mc->tx)
		return;
	if (duration > 0xffff) /* a key held over 8.2 s: its duration stays at the most there is */
		duration = 0xffff;
	b[0] = mc->ev.event;
	b[1] = (uint8_t)((end ? 0x80 : 0) | mc->ev.volume);
	b[2] = (uint8_t)(duration >> 8);
	b[3] = (uint8_t)duration;
	if (rtp_tx_send_event(mc->tx, (uint8_t)mc->r.te_pt, marker, mc->ev.ts, b, sizeof(b)) == 0)
		mc->tx_events++;
}

/* Each 1 ms: updates every ptime while the event lasts, then the end packets a ptime apart. */
static void media_ev_tick(struct media_chan *mc)
{
	struct media_ev *ev = &mc->ev;
	uint32_t step = mc->p.ptime_ms * JBUF_RATE;

	if (!ev->active)
		return;
	ev->elapsed += E1_CHUNK_FRAMES;
	if (ev->elapsed < ev->next)
		return;
	ev->next += step;
	if (ev->live) {
		media_ev_send(mc, false, false, ev->known);
		return;
	}
	if (ev->elapsed < ev->total) {
		media_ev_send(mc, false, false, ev->elapsed);
		return;
	}
	media_ev_send(mc, false, true, ev->total);
	if (--ev->ends == 0)
		ev->active = false;
}

/* The ends of an event still owed, at once (a new event is about to start). */
static void media_ev_flush(struct media_chan *mc)
{
	struct media_ev *ev = &mc->ev;

	if (ev->live)
		ev->total = ev->known;
	for (; ev->ends; ev->ends--)
		media_ev_send(mc, false, true, ev->total);
	ev->active = ev->live = false;
}

static bool media_ev_allowed(const struct media_chan *mc)
{
	return mc->tx && mc->have_remote && !mc->r.sendonly && mc->r.te_pt >= 0;
}

/* ---- caller's in-band DTMF -> RFC 4733 ------------------------------------------------------ */
/* The receiver took or ended a digit, inside the packet at mc->det_pos / mc->det_ts. */
static void media_det_event(void *arg, const struct dtmf_event *de)
{
	struct media_chan *mc = arg;
	struct media_ev *ev = &mc->ev;
	/* the packet's end: "now" on the receiver's clock */
	uint32_t now = mc->det_pos + mc->det_n;
	const char *k = memchr(media_ev_digits, de->digit, sizeof(media_ev_digits));
	float lvl;

	if (!de->end && mc->tone_guard) {
		mc->det_echo = true;
		mc->dtmf_echo++;
	}
	LOGP(DDSP, LOGL_INFO, "S%u:T%u: caller DTMF %c %s (%u ms)%s\n", mc->span, mc->ch.ts,
	     de->digit, de->end ? "end" : "start", de->duration / JBUF_RATE,
	     mc->det_echo ? ": the echo of our tone, ignored" : "");
	if (mc->det_echo) {
		if (de->end)
			mc->det_echo = false;
		return;
	}
	if (!de->end)
		mc->dtmf_rx++;
	mc->det_mute = true;
	if (mc->p.caller_dtmf_cb)
		mc->p.caller_dtmf_cb(mc, de->digit, de->end, mc->p.cb_arg);
	if (!media_ev_allowed(mc) || !k)
		return;
	if (de->end) {
		if (ev->active && ev->live) {
			/* the end packets follow from the next tick, a ptime apart */
			ev->live = false;
			ev->total = de->duration;
			ev->next = ev->elapsed;
		}
		return;
	}
	if (ev->active)
		media_ev_flush(mc);
	ev->event = (uint8_t)(k - media_ev_digits);
	/* the tones' level as the receiver measured it, RFC 4733 section 2.3.4 */
	lvl = -dtmf_det_level(&mc->det) + 0.5f;
	ev->volume = (uint8_t)(lvl < 0 ? 0 : lvl > 63 ? 63 : lvl);
	ev->ts = mc->det_ts + (de->at - mc->det_pos); /* the onset, RFC 4733 section 2.5.1.1 */
	ev->elapsed = now - de->at;
	ev->total = 0;
	ev->known = dtmf_det_held(&mc->det);
	ev->next = ev->elapsed + mc->p.ptime_ms * JBUF_RATE;
	ev->ends = MEDIA_EV_ENDS;
	ev->live = true;
	ev->active = true;
	media_ev_send(mc, true, false, ev->known); /* the start, with the marker */
}

/* rtp_tx's packet callback: the caller's samples in the buffer about to go out. */
static void media_det_packet(void *arg, uint8_t *samples, unsigned int n, uint32_t ts)
{
	struct media_chan *mc = arg;

	/* the echo first: the receiver then hears the caller, not our tones' echo */
	if (mc->ecan.ec) {
		if (samples != mc->ec_buf || mc->ec_done > n)
			mc->ec_done = 0; /* not the buffer seen filling: all of it now */
		media_ecan_run(&mc->ecan, samples + mc->ec_done, n - mc->ec_done, mc->line,
			       MEDIA_LINE_RING, mc->line_pos);
		mc->ec_done = n;
	}
	mc->det_pos = dtmf_det_pos(&mc->det);
	mc->det_ts = ts;
	mc->det_n = n;
	mc->det_mute = false;
	dtmf_det_feed_alaw(&mc->det, samples, n);
	if (mc->ev.live)
		mc->ev.known = dtmf_det_held(&mc->det);
	/* muting rewrites the samples in place: still no copy */
	if ((mc->det_mute || (dtmf_det_digit(&mc->det) && !mc->det_echo)) && mc->r.te_pt >= 0)
		memset(samples, G711_ALAW_SILENCE, n);
}

/* ---- advisor -> caller ---------------------------------------------------------------------- */
/* The end of the timeslot's TX buffer (1 ms chunk context): arm the next 8 samples. */
_Static_assert(E1_CHUNK_FRAMES == JBUF_RATE, "the line pulls 1 ms chunks: jbuf_read_ms()");

/* The next 1 ms of the prompt playing (silence after its end). */
static void media_prompt_fill(struct media_chan *mc, uint8_t *b)
{
	size_t n = mc->prompt_left < E1_CHUNK_FRAMES ? mc->prompt_left : E1_CHUNK_FRAMES;

	memcpy(b, mc->prompt, n);
	memset(b + n, G711_ALAW_SILENCE, E1_CHUNK_FRAMES - n);
	mc->prompt += n;
	mc->prompt_left -= n;
}

/* The line's TX callback, after this ms's TDM RX: the chunk the caller's side just stored
 * into the TX buffer being filled is cancelled against the ring's newest chunk (sent in the
 * same ms), unless the buffer was armed in this very chunk (empty yet) or it is the packet's
 * last (its packet callback has done it). */
static void media_ecan_chunk(struct media_chan *mc)
{
	uint8_t *fill = (uint8_t *)rtp_tx_filling(mc->tx);
	unsigned int n = mc->p.ptime_ms * E1_CHUNK_FRAMES;

	if (fill != mc->ec_buf) {
		mc->ec_buf = fill;
		mc->ec_done = 0;
		return;
	}
	if (!fill || mc->ec_done + E1_CHUNK_FRAMES >= n)
		return;
	media_ecan_run(&mc->ecan, fill + mc->ec_done, E1_CHUNK_FRAMES, mc->line, MEDIA_LINE_RING,
		       mc->line_pos);
	mc->ec_done += E1_CHUNK_FRAMES;
}

static void media_line_tx(void *arg, unsigned int ts)
{
	struct media_chan *mc = arg;
	uint8_t *b;
	int rc;

	if (mc->tx && mc->ecan.ec)
		media_ecan_chunk(mc);
	b = mc->line + mc->line_pos;
	mc->line_pos = (mc->line_pos + E1_CHUNK_FRAMES) % MEDIA_LINE_RING;
	mc->clock++;
	jbuf_read_ms(&mc->jb, b); /* always: the buffer's clock is the line's */
	cptone_fill_alaw(&mc->cpt, b, E1_CHUNK_FRAMES);
	if (mc->prompt_left)
		media_prompt_fill(mc, b);
	if (dtmf_gen_alaw(&mc->tone, b, E1_CHUNK_FRAMES))
		mc->tone_guard = MEDIA_ECHO_GUARD_MS;
	else if (mc->tone_guard)
		mc->tone_guard--;
	rc = e1_framer_tdm_tx_arm(mc->ch.dev, ts, b, E1_CHUNK_FRAMES, media_line_tx, mc);
	if (rc < 0)
		LOGP(DRTP, LOGL_ERROR, "S%u:T%u: cannot arm TX: %d\n", mc->span, ts, rc);
	if (mc->tx)
		media_tx_track(mc);
	media_ev_tick(mc);
}

static void media_rtp_event(void *arg, const struct rtp_event *ev)
{
	struct media_chan *mc = arg;
	char digit;

	if (ev->event >= sizeof(media_ev_digits))
		return; /* flash and RFC 4734 tones: nothing to do on a PRI call */
	digit = media_ev_digits[ev->event];
	if (ev->end) {
		dtmf_gen_stop(&mc->tone);
	} else {
		struct dtmf_gen_cfg tc = { .row_dbm0 = -(float)ev->volume,
					   .col_dbm0 = -(float)ev->volume,
					   .on = MEDIA_TONE_MAX_MS * JBUF_RATE };
		char d[2] = { digit, 0 };

		if (tc.row_dbm0 > MEDIA_TONE_DBM0 || tc.row_dbm0 < -36)
			tc.row_dbm0 = tc.col_dbm0 = MEDIA_TONE_DBM0;
		dtmf_gen_start(&mc->tone, d, &tc);
	}
	if (mc->p.dtmf_cb)
		mc->p.dtmf_cb(mc, digit, ev->end, mc->p.cb_arg);
}

static bool media_from_remote(const struct media_chan *mc, const ip_addr_t *addr)
{
	return mc->have_remote && ip_addr_cmp(addr, &mc->raddr);
}

static void media_rtp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			   u16_t port)
{
	struct media_chan *mc = arg;

	if (!media_from_remote(mc, addr) || port != mc->r.port)
		mc->rx_foreign++;
	else
		rtp_rx_input(&mc->rx, p, mc->jb.clock);
	pbuf_free(p);
}

static void media_rtcp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
			    const ip_addr_t *addr, u16_t port)
{
	struct media_chan *mc = arg;
	uint8_t buf[512];
	u16_t n;

	/* the address only: RTCP may come from another port than a=rtcp says (NAT) */
	if (!media_from_remote(mc, addr)) {
		mc->rx_foreign++;
		pbuf_free(p);
		return;
	}
	n = pbuf_copy_partial(p, buf, sizeof(buf), 0);
	if (p->tot_len > sizeof(buf))
		n = 0; /* longer than any compound we expect: rtcp_parse refuses it, counted */
	rtcp_sess_input(&mc->rtcp, buf, n, media_ntp_now());
	pbuf_free(p);
}

/* ---- RTCP ----------------------------------------------------------------------------------- */
static void media_rtcp_send(struct media_chan *mc, bool bye)
{
	struct rtp_tx_stats s = mc->tx_base;
	uint8_t buf[MEDIA_RTCP_MAX];
	uint32_t rtp_ts;
	int n;

	if (mc->tx) {
		struct rtp_tx_stats cur;

		if (rtp_tx_get_stats(mc->tx, &cur) == 0) {
			s.packets += cur.packets;
			s.octets += cur.octets;
		}
	}
	/* the sender's counts (rtcp_sess_sent would take them packet by packet) */
	if (s.packets != mc->rtcp.tx_pkts)
		mc->rtcp.sent_since_report = true;
	mc->rtcp.tx_pkts = s.packets;
	mc->rtcp.tx_octets = (uint32_t)s.octets;
	rtp_ts = mc->rtp_ts + (mc->clock - mc->rtp_ts_clock) * E1_CHUNK_FRAMES;
	if (!mc->have_rtp_ts)
		mc->rtcp.sent_since_report = false; /* no RTP time to put in an SR yet: RR */
	n = rtcp_sess_build(&mc->rtcp, buf, sizeof(buf), media_ntp_now(), rtp_ts, bye);
	if (n < 0) {
		LOGP(DRTP, LOGL_ERROR, "S%u:T%u: RTCP build: %d\n", mc->span, mc->ch.ts, n);
		return;
	}
	media_send(mc, mc->rtcp_pcb, mc->r.rtcp_port ? mc->r.rtcp_port : mc->r.port + 1, buf,
		   (unsigned int)n);
}

static void media_rtcp_schedule(struct media_chan *mc, bool initial)
{
	uint32_t ms = rtcp_sess_interval_ms(&mc->rtcp, initial, LWIP_RAND());

	osmo_timer_schedule(&mc->rtcp_timer, ms / 1000, (ms % 1000) * 1000);
}

static void media_rtcp_timer(void *arg)
{
	struct media_chan *mc = arg;

	if (mc->have_remote)
		media_rtcp_send(mc, false);
	media_rtcp_schedule(mc, false);
}

/* ---- API ------------------------------------------------------------------------------------ */
static int media_bind(struct media_chan *mc)
{
	uint16_t lo, hi, port;
	unsigned int tries;

	media_port_get_range(&lo, &hi);
	for (tries = (hi + 1u - lo) / 2; tries; tries--) {
		if (media_port_alloc(&port) < 0)
			return -ENOSPC;
		/* a port someone else bound (SIP, a test) is skipped */
		if (udp_bind(mc->rtp_pcb, IP4_ADDR_ANY, port) == ERR_OK &&
		    udp_bind(mc->rtcp_pcb, IP4_ADDR_ANY, (u16_t)(port + 1)) == ERR_OK) {
			mc->port = port;
			return 0;
		}
		udp_remove(mc->rtp_pcb);
		udp_remove(mc->rtcp_pcb);
		media_port_free(port);
		mc->rtp_pcb = udp_new();
		mc->rtcp_pcb = udp_new();
		if (!mc->rtp_pcb || !mc->rtcp_pcb)
			return -ENOSPC;
	}
	return -ENOSPC;
}

/* The span's echo canceller for this call, if it has one on and the pool one free. */
static void media_chan_ecan_start(struct media_chan *mc)
{
	const struct span_cfg *cfg = span_get_cfg(mc->span);
	int rc;

	if (!cfg || !cfg->echocancel)
		return;
	rc = media_ecan_get(&mc->ecan, cfg->ec_taps, !cfg->ec_no_nlp);
	if (rc == -ENOSPC)
		media_ecan_short++;
	if (rc < 0)
		LOGP(DDSP, LOGL_ERROR, "S%u:T%u: no echo canceller (%d), the call goes on without\n",
		     mc->span, mc->ch.ts, rc);
}

int media_chan_open(struct media_chan **out, uint16_t *local_port, const struct media_params *p)
{
	struct rtp_rx_cfg rxc = { .ev_cb = media_rtp_event };
	struct media_chan *mc = NULL;
	struct span_chan ch;
	struct net_cfg ncfg;
	char cname[40];
	unsigned int i;
	int rc;

	if (!out || !local_port || !p ||
	    (p->ptime_ms != 10 && p->ptime_ms != 20 && p->ptime_ms != 30))
		return -EINVAL;
	if (p->span >= SPAN_MAX || span_get_channel(&ch, p->span, p->ts) < 0)
		return -ENODEV;
	if (media_busy[p->span] & (1u << p->ts))
		return -EBUSY;
	for (i = 0; i < MEDIA_CHAN_MAX && !mc; i++)
		if (!media_chans[i].used)
			mc = &media_chans[i];
	if (!mc)
		return -ENOSPC;
	memset(mc, 0, sizeof(*mc));
	mc->span = p->span;
	mc->ch = ch;
	mc->p = *p;
	mc->r.te_pt = -1;
	mc->r.pt_pcma = RTP_PT_PCMA;
	while (!mc->ssrc)
		mc->ssrc = LWIP_RAND();

	net_get_cfg(&ncfg);
	snprintf(cname, sizeof(cname), "hlgw@%u.%u.%u.%u", ncfg.addr >> 24, (ncfg.addr >> 16) & 255,
		 (ncfg.addr >> 8) & 255, ncfg.addr & 255);
	rc = jbuf_init(&mc->jb, NULL);
	if (rc == 0)
		rc = rtcp_sess_init(&mc->rtcp, mc->ssrc, cname);
	rxc.ev_arg = mc;
	if (rc == 0)
		rc = rtp_rx_init(&mc->rx, &rxc, &mc->jb, &mc->rtcp.remote);
	if (rc < 0)
		return rc;

	mc->rtp_pcb = udp_new();
	mc->rtcp_pcb = udp_new();
	if (!mc->rtp_pcb || !mc->rtcp_pcb) {
		rc = -ENOSPC;
		goto err_pcbs;
	}
	rc = media_bind(mc);
	if (rc < 0)
		goto err_pcbs;
	udp_recv(mc->rtp_pcb, media_rtp_recv, mc);
	udp_recv(mc->rtcp_pcb, media_rtcp_recv, mc);

	memset(mc->line, JBUF_SILENCE, sizeof(mc->line));
	rc = e1_framer_tdm_tx_arm(ch.dev, ch.ts, mc->line, E1_CHUNK_FRAMES, media_line_tx, mc);
	if (rc < 0)
		goto err_port;
	mc->line_pos = E1_CHUNK_FRAMES;
	media_chan_ecan_start(mc);
	osmo_timer_setup(&mc->rtcp_timer, media_rtcp_timer, mc);
	media_busy[p->span] |= 1u << p->ts;
	mc->used = true;
	*out = mc;
	*local_port = mc->port;
	LOGP(DRTP, LOGL_INFO, "S%u:T%u: media on port %u\n", mc->span, ch.ts, mc->port);
	return 0;

err_port:
	media_port_free(mc->port);
err_pcbs:
	if (mc->rtp_pcb)
		udp_remove(mc->rtp_pcb);
	if (mc->rtcp_pcb)
		udp_remove(mc->rtcp_pcb);
	mc->rtp_pcb = mc->rtcp_pcb = NULL;
	return rc;
}

int media_chan_set_remote(struct media_chan *mc, const struct media_remote *r)
{
	bool moved;
	int rc = 0;

	if (!mc || !mc->used || !r || (r->addr && !r->port) || r->pt_pcma != RTP_PT_PCMA ||
	    r->te_pt > 127 || r->te_pt == RTP_PT_PCMA || (r->te_pt >= 0 && r->te_pt < 96))
		return -EINVAL;
	moved = r->addr != mc->r.addr || r->port != mc->r.port;
	mc->r = *r;
	mc->rx.cfg.pt_event = r->te_pt >= 0 ? (uint8_t)r->te_pt : 0;
	mc->have_remote = r->addr != 0;
	ip_addr_set_ip4_u32(&mc->raddr, lwip_htonl(r->addr));
	if (moved || r->sendonly || !mc->have_remote)
		media_tx_stop(mc);
	if (r->sendonly || r->te_pt < 0)
		mc->ev.active = false;
	if (mc->have_remote && !r->sendonly) {
		rc = media_tx_start(mc);
		if (rc < 0)
			LOGP(DRTP, LOGL_ERROR, "S%u:T%u: cannot send RTP: %d\n", mc->span, mc->ch.ts,
			     rc);
	}
	if (mc->have_remote && !osmo_timer_pending(&mc->rtcp_timer))
		media_rtcp_schedule(mc, true);
	return rc;
}

int media_chan_play_tone(struct media_chan *mc, int tone)
{
	const struct cptone_seq *seq;

	if (!mc || !mc->used)
		return -EINVAL;
	if (tone < 0) {
		cptone_stop(&mc->cpt);
		return 0;
	}
	seq = cptone_tone((enum cptone_id)tone);
	if (!seq)
		return -ENOENT;
	return cptone_start(&mc->cpt, seq, MEDIA_CPTONE_DBM0);
}

int media_chan_play_seq(struct media_chan *mc, const struct cptone_seq *seq)
{
	if (!mc || !mc->used || !seq)
		return -EINVAL;
	return cptone_start(&mc->cpt, seq, MEDIA_CPTONE_DBM0);
}

int media_chan_play_prompt(struct media_chan *mc, const uint8_t *alaw, size_t n)
{
	if (!mc || !mc->used || (!alaw && n))
		return -EINVAL;
	cptone_stop(&mc->cpt);
	mc->prompt = alaw;
	mc->prompt_left = n;
	return 0;
}

int media_chan_send_dtmf(struct media_chan *mc, char digit, unsigned int duration_ms)
{
	const char *k;

	if (!mc || !mc->used || !digit)
		return -EINVAL;
	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	k = memchr(media_ev_digits, digit, sizeof(media_ev_digits));
	if (!k)
		return -EINVAL;
	if (!mc->have_remote || mc->r.sendonly || mc->r.te_pt < 0 || !mc->tx)
		return -ENOTSUP;
	if (mc->ev.active)
		return -EBUSY;
	if (duration_ms < MEDIA_EV_MIN_MS)
		duration_ms = MEDIA_EV_MIN_MS;
	if (duration_ms > MEDIA_EV_MAX_MS)
		duration_ms = MEDIA_EV_MAX_MS;
	mc->ev.event = (uint8_t)(k - media_ev_digits);
	mc->ev.volume = MEDIA_EV_VOLUME;
	mc->ev.ts = rtp_tx_timestamp(mc->tx); /* the line's time now, to within a ptime */
	mc->ev.elapsed = 0;
	mc->ev.live = false;
	mc->ev.total = duration_ms * JBUF_RATE;
	mc->ev.next = mc->p.ptime_ms * JBUF_RATE;
	mc->ev.ends = MEDIA_EV_ENDS;
	mc->ev.active = true;
	media_ev_send(mc, true, false, 0); /* the start, with the marker (RFC 4733 2.5.1.2) */
	return 0;
}

int media_chan_get_stats(const struct media_chan *mc, struct media_stats *st)
{
	struct rtp_tx_stats s;
	unsigned int i;

	if (!mc || !mc->used || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	s = mc->tx_base;
	if (mc->tx) {
		struct rtp_tx_stats cur;

		if (rtp_tx_get_stats(mc->tx, &cur) == 0) {
			s.packets += cur.packets;
			s.overruns += cur.overruns;
			s.copied += cur.copied;
		}
	}
	st->tx_packets = s.packets;
	st->tx_overruns = s.overruns;
	st->tx_copied = s.copied;
	st->tx_events = mc->tx_events;
	st->dtmf_rx = mc->dtmf_rx;
	st->dtmf_echo = mc->dtmf_echo;
	st->rx_packets = mc->rx.ctr[RTP_RX_CTR_AUDIO] + mc->rx.ctr[RTP_RX_CTR_EVENT];
	st->rx_lost = mc->jb.ctr[JBUF_CTR_LOST];
	st->rx_late = mc->jb.ctr[JBUF_CTR_LATE];
	st->rx_dup = mc->jb.ctr[JBUF_CTR_DUPLICATE];
	st->rx_foreign = mc->rx_foreign;
	for (i = RTP_RX_CTR_SHORT; i <= RTP_RX_CTR_EVENT_BAD; i++)
		st->rx_dropped += mc->rx.ctr[i];
	st->rx_dropped += mc->rtcp.ctr[RTCP_CTR_RX_BAD];
	st->jitter_ms = mc->rtcp.remote.valid ? (mc->rtcp.remote.jitter >> 4) / JBUF_RATE : 0;
	st->rtt_ms = rtcp_sess_rtt_ms(&mc->rtcp);
	st->jbuf_delay_ms = jbuf_delay_ms(&mc->jb);
	st->rtcp_tx = mc->rtcp.ctr[RTCP_CTR_TX];
	st->rtcp_rx = mc->rtcp.ctr[RTCP_CTR_RX];
	return 0;
}

void media_chan_close(struct media_chan *mc)
{
	if (!mc || !mc->used)
		return;
	e1_framer_tdm_tx_arm(mc->ch.dev, mc->ch.ts, NULL, 0, NULL, NULL);
	media_tx_stop(mc);
	osmo_timer_del(&mc->rtcp_timer);
	if (mc->have_remote)
		media_rtcp_send(mc, true);
	udp_remove(mc->rtp_pcb);
	udp_remove(mc->rtcp_pcb);
	mc->rtp_pcb = mc->rtcp_pcb = NULL;
	jbuf_flush(&mc->jb);
	media_port_free(mc->port);
	media_busy[mc->span] &= ~(1u << mc->ch.ts);
	media_ecan_put(&mc->ecan);
	mc->used = false;
	LOGP(DRTP, LOGL_INFO, "S%u:T%u: media closed\n", mc->span, mc->ch.ts);
}

int media_chan_info_get(unsigned int idx, struct media_chan_info *info)
{
	const struct media_chan *mc;

	if (idx >= MEDIA_CHAN_MAX)
		return -ERANGE;
	mc = &media_chans[idx];
	if (!mc->used)
		return -ENOENT;
	if (!info)
		return -EINVAL;
	info->span = mc->span;
	info->ts = mc->ch.ts;
	info->local_port = mc->port;
	info->remote = mc->r;
	media_chan_get_ecan(mc, &info->ec);
	return media_chan_get_stats(mc, &info->st);
}

int media_chan_get_ecan(const struct media_chan *mc, struct media_ecan_info *ei)
{
	struct ecan_stats st;

	if (!mc || !mc->used || !ei)
		return -EINVAL;
	memset(ei, 0, sizeof(*ei));
	if (!mc->ecan.ec || ecan_get_stats(&st, mc->ecan.ec) < 0)
		return -ENOENT;
	ei->on = true;
	ei->tail_ms = (unsigned int)mc->ecan.taps / 8;
	ei->nlp = mc->ecan.nlp;
	ei->erl_db = st.erl_db;
	ei->erle_db = st.erle_db;
	ei->converged = st.converged;
	ei->disabled = st.disabled;
	ei->tone_disables = st.tone_disables;
	return 0;
}

void media_ecan_pool_info(unsigned int *total, unsigned int *free_now, uint32_t *short_calls)
{
	if (total)
		*total = CONFIG_ECAN_CHANNELS;
	if (free_now)
		*free_now = media_ecan_available();
	if (short_calls)
		*short_calls = media_ecan_short;
}
