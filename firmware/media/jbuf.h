/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adaptive jitter buffer for one received PCMA stream (advisor → caller, design.md §3).
 *
 * It holds the received pbufs themselves (pbuf_ref on put, pbuf_free once played or dropped;
 * the payload is never copied on receipt), sorted by RTP timestamp, at most JBUF_MAX_PKTS of
 * them. The E1 side pulls 8 samples each 1 ms with jbuf_read(); jbuf_peek()/jbuf_advance()
 * are the same thing without the copy (a pointer into the held pbuf), for a zero-copy TX.
 *
 * Cost: jbuf_read_ms() (8 samples) in steady state takes a fast path (a pointer kept into the
 * packet playing, no copy besides dst; inline in the middle of a packet); the first read of a
 * packet, adaptation, concealment and everything else go through jbuf_peek/jbuf_advance.
 * tools/bench/bench_jbuf measures it.
 *
 * Clock: the buffer counts the samples read (jb->clock). That count is the local 8 kHz clock
 * (the E1 line's) and is what arrival times are measured against: a packet put between two
 * reads arrived "at" the current count. Tests drive it by reading, as the framer does.
 *
 * Adaptation (all figures in samples, 8 per ms):
 *  - transit = clock - RTP timestamp, per packet (late and dropped ones included) except the
 *    first packet of a stream (see "anchor" below). Its minimum and maximum are kept over two
 *    consecutive windows of JBUF_WIN (2 s); their union covers the last 2–4 s. spread = max -
 *    min is the jitter to cover.
 *  - target = clamp(spread + JBUF_SAFETY, min, max): 20..200 ms by default. A resync (and the
 *    first sync, with init_ms) carries the previous spread over as a width, not as transits of
 *    the new stream: for one window the spread is at least target - JBUF_SAFETY of before.
 *  - anchor: a new stream (and a talkspurt re-placed on an empty buffer) is placed by its first
 *    packet. Its transit is left out of the spread: senders' first packets are often late
 *    (baresip's marker packet at answer comes up to 5 ms later relative to its timestamp than
 *    the rest; counting it inflated the first window's target by those 5 ms and the later fall
 *    of the target cost a click every 10 ms). Until real audio plays (the prefill is silence)
 *    each packet re-places the play position at target from the measured minimum transit, so
 *    a late first packet costs no delay and nothing has to be dropped later.
 *  - current delay = (clock - play position) - min transit: how long the earliest-arriving
 *    packets wait before their first sample plays; the latest wait current - spread.
 *  - grow fast: below target, the missing samples are inserted at once (concealment
 *    samples, play position held) when the next ms is quiet or when the latest-arriving
 *    packets (transit max) wait less than 1 ms. Otherwise (continuous signal, nothing due
 *    yet: a late spike or a minimum that rose as the window rolled over) the insertion waits
 *    for a quiet ms, checked each ms: a splice in a tone is audible, a ms of delay is not
 *    (host scheduling hiccups on the sim board did this routinely). A packet that arrives
 *    after its playout time and whose span was only concealed so far rewinds the play
 *    position to it (the concealed samples become the insertion) as long as the delay
 *    stays within max: it is played, counted under "late_played", not lost.
 *  - shrink slowly and inaudibly, at least 1 ms above target:
 *     - quiet (the next 8 samples in A-law segment 0, |x| < 256/32768, about -39 dBm0) or
 *       concealed for a hole before a held packet: a whole ms is dropped at a time, each ms.
 *       Speech pauses take any excess. Not while the buffer is empty: the next packet is late
 *       then, and skipping ahead in its concealment made it only later (a late packet under
 *       host load came in after 9 ms skipped, to be played over the concealment: a slip).
 *     - continuous signal (a tone, voiced speech) less than JBUF_BAND (5 ms) above target:
 *       nothing is dropped; the excess waits for the next quiet ms (checked once per packet).
 *       A few ms of extra delay is inaudible, any splice in a tone is not (one sample dropped
 *       per 10 ms was a 1.25 % pitch shift with a click each 10 ms). Jitter of a few ms
 *       re-orders which packet is the earliest and leaves such an excess routinely.
 *     - an excess that only one window's minimum makes (early arrivals after a stall
 *       upstream, in one window and not the other: the excess is counted less the
 *       difference of the two windows' minimums) is not the path's delay yet: it leaves as
 *       the windows roll over, or, if the path stays that early, both windows show it and
 *       the rule below applies. Quiet ms take it meanwhile.
 *     - continuous signal JBUF_BAND or more above target: every 10 ms the next 15 ms + 5 ms
 *       are searched for a pitch period L (2.5..15 ms, at most the excess) whose next 5 ms
 *       repeat the 5 ms at the play position within -18 dB (sum of |difference| <= 1/8 of the
 *       sum of |x|, A-law decoded); the play position skips L: a whole period removed, the
 *       waveform goes on in phase (a tone, a vowel shortened by one glottal period; what time
 *       scaling "accelerate" does, without its cross-fade). Signal with no period (noise,
 *       unvoiced speech: a dropped sample there is inaudible) loses one sample per 100 ms.
 *
 * Loss concealment: the last 10 ms played (from the packet playing and the one before it,
 * which stays held for this: at most max_pkts + 1 pbufs) are replayed once, faded linearly
 * (in the linear domain, A-law decoded and re-encoded) from full level to zero over those
 * 10 ms, then A-law silence 0xd5. Before the first packet of a stream plays, and after the
 * buffer ran dry for longer than max, the output is plain silence, not counted as concealed.
 *
 * Resync (counted): a new SSRC (held packets of the old stream are dropped), an in-sequence
 * packet whose timestamp lies more than max behind or 2 * max ahead of the play position, a
 * sequence jump beyond 3000 (RFC 3550 A.1 MAX_DROPOUT), and a marker bit starting a talkspurt
 * with a timestamp jump while the buffer is empty (the play position is re-placed at target
 * then: inaudible, in silence). Resync places the packet at the current target delay.
 *
 * Overflow: when all slots are full or the buffered span exceeds max, the oldest audio is
 * dropped (play position moved forward), counted under "overflow".
 */
#ifndef HLGW_MEDIA_JBUF_H
#define HLGW_MEDIA_JBUF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "autoconf.h"

struct pbuf;
struct rtp_rx_hdr;

#ifdef CONFIG_MEDIA_JBUF_PKTS
#define JBUF_MAX_PKTS CONFIG_MEDIA_JBUF_PKTS
#else
#define JBUF_MAX_PKTS 32 /* 200 ms of 10 ms packets with room for reordering */
#endif
#define JBUF_RATE 8         /* samples per ms */
#define JBUF_HIST 80        /* 10 ms kept for concealment */
#define JBUF_GEN_MAX 80     /* generated samples (silence, concealment) per peek at most */
#define JBUF_WIN 16000      /* transit min/max window: 2 s */
#define JBUF_SAFETY 16      /* 2 ms on top of the measured spread */
#define JBUF_BAND 40        /* 5 ms: excess kept rather than spliced out of continuous signal */
#define JBUF_PMIN 20        /* pitch periods searched: 2.5 ms (400 Hz) .. */
#define JBUF_PMAX 120       /* .. 15 ms (67 Hz) */
#define JBUF_PWIN 40        /* compared over 5 ms */
#define JBUF_SILENCE 0xd5   /* A-law for 0 */

enum jbuf_ctr {
	JBUF_CTR_RECEIVED,    /* "rx:packets" packets put */
	JBUF_CTR_PLAYED,      /* "play:packets" packets whose audio reached the output */
	JBUF_CTR_LATE,        /* "drop:late" arrived after their playout time, dropped */
	JBUF_CTR_LATE_PLAYED, /* "late:played" arrived late, played by growing the delay */
	JBUF_CTR_LOST,        /* "lost" sequence numbers not received when playout passed them */
	JBUF_CTR_DUPLICATE,   /* "drop:duplicate" */
	JBUF_CTR_REORDERED,   /* "rx:reordered" older than the highest sequence seen */
	JBUF_CTR_OVERFLOW,    /* "drop:overflow" packets dropped for a full buffer */
	JBUF_CTR_INVALID,     /* "drop:invalid" bad arguments (empty, beyond the pbuf, too long) */
	JBUF_CTR_RESYNC,      /* "resync" */
	JBUF_CTR_CONCEALED,   /* "conceal:samples" samples output in place of missing audio */
	JBUF_CTR_INSERTED,    /* "adapt:inserted" samples added to grow the delay */
	JBUF_CTR_DROPPED,     /* "adapt:dropped" samples skipped to shrink the delay */
	JBUF_CTR_NUM
};
extern const char *const jbuf_ctr_names[JBUF_CTR_NUM];

struct jbuf_cfg {
	uint16_t min_ms;   /* default 20 */
	uint16_t max_ms;   /* default 200 */
	uint16_t init_ms;  /* target before anything was measured; default min_ms */
	uint16_t max_pkts; /* held pbufs at most, <= JBUF_MAX_PKTS; default JBUF_MAX_PKTS */
};

struct jbuf_slot {
	struct pbuf *p;
	uint32_t ts;  /* RTP timestamp of the first payload sample */
	uint16_t seq;
	uint16_t off; /* payload offset in the pbuf chain */
	uint16_t len; /* samples */
};

/* Where the samples of the last peek come from (jbuf_advance needs to know). */
enum jbuf_src { JBUF_SRC_SILENCE, JBUF_SRC_PREFILL, JBUF_SRC_INSERT, JBUF_SRC_CONCEAL,
		JBUF_SRC_PKT };

struct jbuf {
	/* configuration in samples */
	int32_t min, max, init;
	uint16_t max_pkts;
	/* held packets, sorted by timestamp: slot[(head + i) % JBUF_MAX_PKTS], i < n */
	struct jbuf_slot slot[JBUF_MAX_PKTS];
	uint16_t head, n;
	bool synced;      /* a stream is being played */
	bool started;     /* real audio played since the last resync */
	bool dry;         /* ran dry for longer than max: output silence, stop counting */
	bool have_last;   /* last_seq is valid */
	uint8_t steady;   /* jbuf_read's fast path: 2 at target, nothing to adapt; 1 above it by
			   * less than JBUF_BAND: the first read of each packet looks for quiet */
	uint32_t ssrc;
	uint32_t clock;    /* samples read since init */
	uint32_t play_ts;  /* RTP timestamp of the next sample to play */
	uint32_t real_end; /* RTP timestamp after the last sample played from a packet */
	uint16_t hi_seq;   /* highest sequence number seen */
	uint16_t last_seq; /* sequence number of the packet playing or last played */
	uint64_t seen;     /* bit i: hi_seq - i was received */
	/* delay estimation */
	uint32_t tbase;    /* transits are kept relative to this */
	uint32_t win_start;
	int32_t tmin[2], tmax[2]; /* [0] current window, [1] previous */
	int32_t carry;       /* spread carried over a resync, until the window rolls over */
	int32_t target;
	uint32_t next_adapt; /* clock of the next adaptation step */
	int32_t insert;      /* samples still to insert */
	uint8_t shrink_tick;
	uint8_t slow_tick;   /* no period found: one sample per 10 shrink attempts */
	/* concealment */
	struct jbuf_slot prev;  /* the packet played last, still held (pbuf NULL: none) */
	uint8_t hist[JBUF_HIST]; /* snapshot of the last 10 ms played, oldest first */
	bool hist_valid;
	uint32_t hist_end;       /* real_end when it was taken */
	uint32_t gap;     /* samples generated since the last real one */
	/* last peek */
	enum jbuf_src src;
	const uint8_t *src_ptr;
	unsigned src_n;
	unsigned seg_left;        /* samples contiguous at src_ptr in the packet */
	/* jbuf_read's fast path: the next samples of the packet playing, contiguous */
	const uint8_t *fast_ptr;
	unsigned fast_left;
	uint8_t gen[JBUF_GEN_MAX];
	uint32_t ctr[JBUF_CTR_NUM];
};

/* Set up an empty buffer; cfg may be NULL for the defaults. Returns 0 or -EINVAL. */
int jbuf_init(struct jbuf *jb, const struct jbuf_cfg *cfg);

/* Drop every held pbuf (the buffer can be used again: the next packet resyncs). */
void jbuf_flush(struct jbuf *jb);

/*
 * Offer a validated PCMA packet: h describes it (rtp_rx_parse()), p holds it. The buffer
 * takes its own reference when it keeps the packet; p stays the caller's either way.
 * Returns 0 when kept, -EALREADY (duplicate), -ETIME (late), -EINVAL (bad h) when dropped.
 */
int jbuf_put(struct jbuf *jb, struct pbuf *p, const struct rtp_rx_hdr *h);

/*
 * Play n samples into dst (the framer's TX timeslot samples), one call per 1 ms chunk.
 * Always fills dst (audio, concealment or silence). Returns 0 or -EINVAL.
 */
int jbuf_read(struct jbuf *jb, uint8_t *dst, unsigned n);

/*
 * jbuf_read(jb, dst, JBUF_RATE) with the steady state's middle of a packet inline: more than
 * the 8 samples are left of the packet playing, so nothing but pointers moves. The media
 * path's per-1 ms call (18 of the 20 reads of a 20 ms packet take this branch).
 */
static inline int jbuf_read_ms(struct jbuf *jb, uint8_t *dst)
{
	if (jb->fast_left > JBUF_RATE) {
		memcpy(dst, jb->fast_ptr, JBUF_RATE);
		jb->fast_ptr += JBUF_RATE;
		jb->fast_left -= JBUF_RATE;
		jb->play_ts += JBUF_RATE;
		jb->real_end = jb->play_ts;
		jb->clock += JBUF_RATE;
		return 0;
	}
	return jbuf_read(jb, dst, JBUF_RATE);
}

/*
 * Zero-copy playout: a pointer to the next *n (updated: at most the asked number) samples,
 * into a held pbuf or into the buffer's own generated samples. It stays valid until the next
 * call on jb. Consume them with jbuf_advance(jb, k), k <= *n, before peeking again.
 */
const uint8_t *jbuf_peek(struct jbuf *jb, unsigned *n);
void jbuf_advance(struct jbuf *jb, unsigned k);

/*
 * A packet of the stream that carries no audio (telephone-event): its sequence number is
 * marked received so that playout does not count it lost.
 */
void jbuf_note_seq(struct jbuf *jb, uint16_t seq, uint32_t ssrc);

/* Current and target delay in ms (see above); packets waiting (the one played last is held
 * besides, for concealment: at most max_pkts + 1 pbufs per stream). */
unsigned jbuf_delay_ms(const struct jbuf *jb);
unsigned jbuf_target_ms(const struct jbuf *jb);
unsigned jbuf_held(const struct jbuf *jb);

/* A-law <-> linear (16-bit scale), G.711; exported for tests and the DSP. */
int16_t jbuf_alaw_to_lin(uint8_t a);
uint8_t jbuf_lin_to_alaw(int lin);

#endif
