// SPDX-License-Identifier: GPL-2.0-or-later
/* Adaptive jitter buffer holding the received pbufs: see jbuf.h for the rules. */
#include <errno.h>
#include <string.h>

#include <dsp/g711.h>

#include "lwip/pbuf.h"

#include "jbuf.h"
#include "rtp_rx.h"

const char *const jbuf_ctr_names[JBUF_CTR_NUM] = {
	[JBUF_CTR_RECEIVED] = "rx:packets",
	[JBUF_CTR_PLAYED] = "play:packets",
	[JBUF_CTR_LATE] = "drop:late",
	[JBUF_CTR_LATE_PLAYED] = "late:played",
	[JBUF_CTR_LOST] = "lost",
	[JBUF_CTR_DUPLICATE] = "drop:duplicate",
	[JBUF_CTR_REORDERED] = "rx:reordered",
	[JBUF_CTR_OVERFLOW] = "drop:overflow",
	[JBUF_CTR_INVALID] = "drop:invalid",
	[JBUF_CTR_RESYNC] = "resync",
	[JBUF_CTR_CONCEALED] = "conceal:samples",
	[JBUF_CTR_INSERTED] = "adapt:inserted",
	[JBUF_CTR_DROPPED] = "adapt:dropped",
};

#define MAX_DROPOUT 3000 /* RFC 3550 A.1 */
#define SEEN_BITS 64

static const uint8_t silence[JBUF_GEN_MAX] = {
	[0 ... JBUF_GEN_MAX - 1] = JBUF_SILENCE,
};

/* ---- G.711 A-law (only for the concealment fade; the audio path never transcodes) ------- */
int16_t jbuf_alaw_to_lin(uint8_t a)
{
	return g711_alaw_dec(a);
}

uint8_t jbuf_lin_to_alaw(int lin)
{
	return g711_alaw_enc(lin);
}

/* ---- helpers ----------------------------------------------------------------------------- */
static inline int32_t tsd(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline struct jbuf_slot *slot_at(struct jbuf *jb, unsigned i)
{
	i += jb->head;
	if (i >= JBUF_MAX_PKTS)
		i -= JBUF_MAX_PKTS;
	return &jb->slot[i];
}

static inline int32_t tmin_win(const struct jbuf *jb)
{
	return jb->tmin[0] < jb->tmin[1] ? jb->tmin[0] : jb->tmin[1];
}

/* How much lower one window's minimum transit is than the other's: a spike of early arrivals
 * that only one window holds, not (yet) the path's delay. */
static inline int32_t tmin_gap(const struct jbuf *jb)
{
	int32_t d = jb->tmin[0] - jb->tmin[1];

	return d < 0 ? -d : d;
}

/* The transit spread to cover: max - min over the windows, at least what a resync carried. */
static inline int32_t win_spread(const struct jbuf *jb)
{
	int32_t hi = jb->tmax[0] > jb->tmax[1] ? jb->tmax[0] : jb->tmax[1];
	int32_t d = hi - tmin_win(jb);

	return d > jb->carry ? d : jb->carry;
}

/* How long the earliest-arriving packets wait now (samples). */
static inline int32_t cur_delay(const struct jbuf *jb)
{
	return tsd(jb->clock - jb->play_ts, jb->tbase) - tmin_win(jb);
}

/* Steady: at target (within 1 ms above it), nothing to insert: jbuf_read's fast path may
 * skip the adaptation step. Whatever moves play_ts against the clock calls this. */
static void reeval(struct jbuf *jb)
{
	uint32_t ex = (uint32_t)(cur_delay(jb) - jb->target); /* below target: huge */

	/* 2: at target; 1: above it by less than JBUF_BAND; 0 */
	jb->steady = (uint8_t)((jb->synced && !jb->insert && ex < JBUF_BAND) << (ex < JBUF_RATE));
	if (!jb->steady)
		jb->fast_left = 0;
}

/* A played packet: it stays held as prev (the concealment history) until the next one is. */
static void retire_head(struct jbuf *jb)
{
	if (jb->prev.p)
		pbuf_free(jb->prev.p);
	jb->prev = jb->slot[jb->head];
	jb->slot[jb->head].p = NULL;
	if (++jb->head == JBUF_MAX_PKTS)
		jb->head = 0;
	jb->n--;
}

static void pop_head(struct jbuf *jb)
{
	struct jbuf_slot *s = &jb->slot[jb->head];

	jb->fast_left = 0;
	pbuf_free(s->p);
	s->p = NULL;
	if (++jb->head == JBUF_MAX_PKTS)
		jb->head = 0;
	jb->n--;
}

static bool seq_seen(const struct jbuf *jb, uint16_t seq)
{
	uint16_t back = (uint16_t)(jb->hi_seq - seq);

	return back < SEEN_BITS && (jb->seen >> back & 1);
}

static void seq_mark(struct jbuf *jb, uint16_t seq)
{
	uint16_t d = (uint16_t)(seq - jb->hi_seq);

	if (d && d < 0x8000) {
		jb->seen = d >= SEEN_BITS ? 1 : (jb->seen << d) | 1;
		jb->hi_seq = seq;
	} else if ((uint16_t)-d < SEEN_BITS) {
		jb->seen |= 1ull << (uint16_t)-d;
	}
}

/* Playout reached packet seq: the numbers between the last one and it never came. */
static void count_lost(struct jbuf *jb, uint16_t seq)
{
	if (jb->have_last) {
		uint16_t gap = (uint16_t)(seq - jb->last_seq - 1);

		if (gap < MAX_DROPOUT) {
			for (uint16_t s = (uint16_t)(jb->last_seq + 1); s != seq; s++)
				if (!seq_seen(jb, s))
					jb->ctr[JBUF_CTR_LOST]++;
		}
	}
	jb->last_seq = seq;
	jb->have_last = true;
}

/* Transit of a packet into the min/max windows; the target follows the spread. Before real
 * audio plays the play position follows them too: returns true when it was re-placed. */
static inline bool stats_add(struct jbuf *jb, uint32_t ts)
{
	int32_t t = tsd(jb->clock - ts, jb->tbase);
	uint32_t age = jb->clock - jb->win_start;
	int32_t spread;

	if (age >= JBUF_WIN) {
		if (age >= 2 * JBUF_WIN) {
			/* also the stream's second packet (sync_new dates the window back): the first
			 * one's transit, the anchor, is not kept */
			jb->tmin[1] = jb->tmax[1] = t;
		} else {
			jb->tmin[1] = jb->tmin[0];
			jb->tmax[1] = jb->tmax[0];
			jb->carry = 0;
		}
		jb->tmin[0] = jb->tmax[0] = t;
		jb->win_start = jb->clock;
	} else if (t < jb->tmin[0]) {
		jb->tmin[0] = t;
	} else if (t > jb->tmax[0]) {
		jb->tmax[0] = t;
	} else {
		return false; /* within the window's range: the target stays */
	}
	spread = win_spread(jb) + JBUF_SAFETY;
	jb->target = spread < jb->min ? jb->min : spread > jb->max ? jb->max : spread;
	if (jb->started)
		return false;
	/* only prefill silence played since the anchor: re-place the play position at target
	 * from the minimum transit measured now (a late first packet costs nothing) */
	jb->play_ts = jb->clock - jb->tbase - (uint32_t)tmin_win(jb) - (uint32_t)jb->target;
	jb->real_end = jb->play_ts;
	jb->fast_left = 0;
	jb->insert = 0;
	return true;
}

/* Start a new timeline with h at the current target: new SSRC, timestamp or sequence jump. */
static void sync_new(struct jbuf *jb, const struct rtp_rx_hdr *h, bool count)
{
	int32_t keep = jb->target - JBUF_SAFETY;

	jbuf_flush(jb);
	jb->synced = true;
	jb->slow_tick = 0;
	jb->ssrc = h->ssrc;
	jb->hi_seq = h->seq;
	jb->seen = 1;
	jb->play_ts = h->ts - (uint32_t)jb->target;
	jb->real_end = jb->play_ts;
	jb->tbase = jb->clock - h->ts;
	/* the path's jitter does not change with the stream: carry the spread over one window, as
	 * a width (the new stream's transits are measured from its second packet on) */
	jb->tmin[0] = jb->tmax[0] = jb->tmin[1] = jb->tmax[1] = 0;
	jb->carry = keep > 0 ? keep : 0;
	jb->win_start = jb->clock - 2 * JBUF_WIN; /* the next packet starts the windows afresh */
	jb->next_adapt = jb->clock;
	if (count)
		jb->ctr[JBUF_CTR_RESYNC]++;
}

/* Same timeline, buffer empty (talkspurt start, or back after running dry): re-place the
 * play position at the target delay. */
static void realign(struct jbuf *jb)
{
	jb->play_ts = jb->clock - jb->tbase - (uint32_t)tmin_win(jb) - (uint32_t)jb->target;
	jb->fast_left = 0;
	jb->real_end = jb->play_ts;
	jb->started = false;
	jb->dry = false;
	jb->insert = 0;
	jb->gap = 0;
	jb->ctr[JBUF_CTR_RESYNC]++;
}

/* Insert h sorted by timestamp, then bound the buffer. */
static int keep(struct jbuf *jb, struct pbuf *p, const struct rtp_rx_hdr *h)
{
	struct jbuf_slot *s;
	unsigned i = jb->n;

	if (i && i < jb->max_pkts && tsd(h->ts, slot_at(jb, i - 1)->ts) > 0)
		goto insert; /* the usual case: after everything held, room left */
	while (i > 0 && tsd(slot_at(jb, i - 1)->ts, h->ts) > 0)
		i--;
	if (i > 0 && slot_at(jb, i - 1)->ts == h->ts) {
		jb->ctr[JBUF_CTR_DUPLICATE]++;
		return -EALREADY;
	}
	if (jb->n >= jb->max_pkts) {
		if (i == 0) { /* older than everything held in a full buffer */
			jb->ctr[JBUF_CTR_OVERFLOW]++;
			return -ENOBUFS;
		}
		if (tsd(jb->play_ts, jb->slot[jb->head].ts + jb->slot[jb->head].len) < 0)
			jb->play_ts = jb->slot[jb->head].ts + jb->slot[jb->head].len;
		pop_head(jb);
		jb->ctr[JBUF_CTR_OVERFLOW]++;
		i--;
	}
	if (i == 0)
		jb->fast_left = 0; /* a new head: not the packet the fast path plays */
insert:
	for (unsigned j = jb->n; j > i; j--)
		*slot_at(jb, j) = *slot_at(jb, j - 1);
	s = slot_at(jb, i);
	pbuf_ref(p);
	s->p = p;
	s->ts = h->ts;
	s->seq = h->seq;
	s->off = h->off;
	s->len = h->len;
	jb->n++;
	jb->dry = false;

	/* a burst beyond max: drop the oldest audio so that at most max stays buffered */
	s = slot_at(jb, jb->n - 1);
	if (tsd(s->ts + s->len, jb->play_ts) > jb->max) {
		jb->play_ts = s->ts + s->len - (uint32_t)jb->max;
		jb->fast_left = 0;
		jb->insert = 0;
		while (jb->n > 1 && tsd(jb->slot[jb->head].ts + jb->slot[jb->head].len,
					jb->play_ts) <= 0) {
			pop_head(jb);
			jb->ctr[JBUF_CTR_OVERFLOW]++;
		}
	}
	return 0;
}

/* ---- API --------------------------------------------------------------------------------- */
int jbuf_init(struct jbuf *jb, const struct jbuf_cfg *cfg)
{
	struct jbuf_cfg c = { 20, 200, 0, JBUF_MAX_PKTS };

	if (!jb)
		return -EINVAL;
	if (cfg) {
		if (cfg->min_ms)
			c.min_ms = cfg->min_ms;
		if (cfg->max_ms)
			c.max_ms = cfg->max_ms;
		c.init_ms = cfg->init_ms;
		if (cfg->max_pkts)
			c.max_pkts = cfg->max_pkts;
	}
	if (!c.init_ms)
		c.init_ms = c.min_ms;
	if (c.max_ms < c.min_ms || c.max_ms > 1000 || c.init_ms < c.min_ms ||
	    c.init_ms > c.max_ms || c.max_pkts < 2 || c.max_pkts > JBUF_MAX_PKTS)
		return -EINVAL;
	memset(jb, 0, sizeof(*jb));
	jb->min = c.min_ms * JBUF_RATE;
	jb->max = c.max_ms * JBUF_RATE;
	jb->init = c.init_ms * JBUF_RATE;
	jb->max_pkts = c.max_pkts;
	jb->target = jb->init;
	memset(jb->hist, JBUF_SILENCE, sizeof(jb->hist));
	return 0;
}

void jbuf_flush(struct jbuf *jb)
{
	while (jb->n)
		pop_head(jb);
	if (jb->prev.p)
		pbuf_free(jb->prev.p);
	jb->prev.p = NULL;
	jb->hist_valid = false;
	jb->head = 0;
	jb->synced = jb->started = jb->dry = jb->have_last = false;
	jb->steady = 0;
	jb->fast_left = 0;
	jb->insert = 0;
	jb->gap = 0;
	jb->shrink_tick = 0;
}

void jbuf_note_seq(struct jbuf *jb, uint16_t seq, uint32_t ssrc)
{
	if (jb->synced && ssrc == jb->ssrc && (uint16_t)(seq - jb->hi_seq) < MAX_DROPOUT)
		seq_mark(jb, seq);
}

static int put(struct jbuf *jb, struct pbuf *p, const struct rtp_rx_hdr *h);

int jbuf_put(struct jbuf *jb, struct pbuf *p, const struct rtp_rx_hdr *h)
{
	int r;

	if (!jb || !p || !h)
		return -EINVAL;
	/* whatever moves the play position or the head here clears fast_left (the fast path's
	 * pointer holds only while the same packet plays on at the same place) */
	r = put(jb, p, h);
	reeval(jb);
	return r;
}

static int put(struct jbuf *jb, struct pbuf *p, const struct rtp_rx_hdr *h)
{
	uint16_t ud;
	int32_t margin, len;
	bool newer;

	len = h->len;
	if (!len || len > jb->max || (uint32_t)h->off + h->len > p->tot_len) {
		jb->ctr[JBUF_CTR_INVALID]++;
		return -EINVAL;
	}
	jb->ctr[JBUF_CTR_RECEIVED]++;
	if (!jb->synced || h->ssrc != jb->ssrc) {
		sync_new(jb, h, jb->synced);
		return keep(jb, p, h);
	}
	ud = (uint16_t)(h->seq - jb->hi_seq);
	newer = ud && ud < 0x8000;
	if (!newer && seq_seen(jb, h->seq)) {
		jb->ctr[JBUF_CTR_DUPLICATE]++;
		return -EALREADY;
	}
	margin = tsd(h->ts, jb->play_ts);
	if (newer) {
		if (ud >= MAX_DROPOUT || margin > 2 * jb->max || margin + len < -jb->max) {
			sync_new(jb, h, true);
			return keep(jb, p, h);
		}
	} else {
		jb->ctr[JBUF_CTR_REORDERED]++;
		if ((uint16_t)-ud >= SEEN_BITS || margin > 2 * jb->max || margin + len < -jb->max) {
			jb->ctr[JBUF_CTR_LATE]++;
			return -ETIME;
		}
	}
	seq_mark(jb, h->seq);
	if (stats_add(jb, h->ts))
		margin = tsd(h->ts, jb->play_ts);
	if (newer && !jb->n && (jb->dry || (h->marker && h->ts != jb->real_end))) {
		realign(jb);
		margin = tsd(h->ts, jb->play_ts);
	}
	if (margin < 0) {
		/* due already: rewind over what was only concealed, if the delay allows */
		uint32_t from = tsd(h->ts, jb->real_end) >= 0 ? h->ts : jb->real_end;
		int32_t grow = tsd(jb->play_ts, from);

		if (tsd(from, h->ts + (uint32_t)len) >= 0) {
			jb->ctr[JBUF_CTR_LATE]++;
			return -ETIME;
		}
		if (grow > 0 && cur_delay(jb) + grow <= jb->max) {
			jb->play_ts = from;
			jb->fast_left = 0;
			jb->insert = 0;
			jb->ctr[JBUF_CTR_LATE_PLAYED]++;
		} else if (margin + len <= 0) {
			jb->ctr[JBUF_CTR_LATE]++;
			return -ETIME;
		}
	}
	return keep(jb, p, h);
}

/* Pointer to sample idx of a held packet; *avail is cut to what is contiguous there. */
static const uint8_t *pkt_ptr(const struct jbuf_slot *s, unsigned idx, unsigned *avail)
{
	const struct pbuf *q = s->p;
	unsigned o = s->off + idx;

	while (o >= q->len) {
		o -= q->len;
		q = q->next;
	}
	if (*avail > q->len - o)
		*avail = q->len - o;
	return (const uint8_t *)q->payload + o;
}

/*
 * The last 10 ms played, taken from the packet playing and the one before it (kept as prev
 * for this: the read path copies nothing); samples neither holds (packets shorter than 5 ms,
 * a skip) count as silence.
 */
static void hist_snapshot(struct jbuf *jb)
{
	const struct jbuf_slot *cand[2] = { jb->n ? &jb->slot[jb->head] : NULL,
					    jb->prev.p ? &jb->prev : NULL };

	for (unsigned i = 0; i < JBUF_HIST; i++) {
		uint32_t t = jb->real_end - JBUF_HIST + i;

		jb->hist[i] = JBUF_SILENCE;
		for (unsigned c = 0; c < 2; c++) {
			uint32_t idx;
			unsigned one = 1;

			if (!cand[c])
				continue;
			idx = t - cand[c]->ts;
			if (idx < cand[c]->len) {
				jb->hist[i] = *pkt_ptr(cand[c], idx, &one);
				break;
			}
		}
	}
	jb->hist_end = jb->real_end;
	jb->hist_valid = true;
}

/* Concealment: the last 10 ms once more, faded to zero over them, then silence. */
static void conceal(struct jbuf *jb, unsigned k)
{
	if (jb->started && jb->gap < JBUF_HIST && (!jb->hist_valid || jb->hist_end != jb->real_end))
		hist_snapshot(jb);
	for (unsigned i = 0; i < k; i++) {
		uint32_t g = jb->gap + i;

		if (!jb->started || g >= JBUF_HIST) {
			jb->gen[i] = JBUF_SILENCE;
			continue;
		}
		jb->gen[i] = jbuf_lin_to_alaw(jbuf_alaw_to_lin(jb->hist[g]) *
					      (int)(JBUF_HIST - g) / JBUF_HIST);
	}
}

/* Are the next 8 samples quiet or missing (a whole ms may be dropped there)? */
static bool quiet_next(struct jbuf *jb)
{
	const struct jbuf_slot *s;
	const uint8_t *p;
	unsigned avail = JBUF_RATE;
	int32_t idx;

	if (!jb->n)
		return true;
	s = &jb->slot[jb->head];
	idx = tsd(jb->play_ts, s->ts);
	if (idx <= -JBUF_RATE)
		return true;
	if (idx < 0 || idx + JBUF_RATE > s->len)
		return false;
	p = pkt_ptr(s, (unsigned)idx, &avail);
	if (avail < JBUF_RATE)
		return false;
	for (unsigned i = 0; i < JBUF_RATE; i++)
		if ((p[i] ^ 0x55) & 0x70)
			return false;
	return true;
}

/* The n samples from the play position on, decoded, if the held packets have them all. */
static bool gather(struct jbuf *jb, int16_t *x, unsigned n)
{
	uint32_t t = jb->play_ts;
	unsigned i = 0;

	for (unsigned j = 0; j < jb->n && i < n; j++) {
		const struct jbuf_slot *s = slot_at(jb, j);
		int32_t idx = tsd(t, s->ts);

		if (idx < 0)
			return false; /* a gap */
		while (i < n && idx < s->len) {
			unsigned avail = s->len - (unsigned)idx;
			const uint8_t *p = pkt_ptr(s, (unsigned)idx, &avail);

			if (avail > n - i)
				avail = n - i;
			for (unsigned k = 0; k < avail; k++)
				x[i++] = jbuf_alaw_to_lin(p[k]);
			idx += (int32_t)avail;
			t += avail;
		}
	}
	return i == n;
}

/*
 * A pitch period L <= lmax to skip at the play position: the JBUF_PWIN samples after L repeat
 * the JBUF_PWIN at it within -18 dB (sum of |difference| <= 1/8 of sum of |x|). 0: none.
 */
static unsigned pitch_skip(struct jbuf *jb, int32_t lmax)
{
	int16_t x[JBUF_PMAX + JBUF_PWIN];
	int32_t energy = 0, best_err = INT32_MAX;
	unsigned best = 0;

	if (lmax > JBUF_PMAX)
		lmax = JBUF_PMAX;
	if (lmax < JBUF_PMIN || !gather(jb, x, (unsigned)lmax + JBUF_PWIN))
		return 0;
	for (unsigned i = 0; i < JBUF_PWIN; i++)
		energy += x[i] < 0 ? -x[i] : x[i];
	for (unsigned l = JBUF_PMIN; l <= (unsigned)lmax; l++) {
		int32_t err = 0;

		for (unsigned i = 0; i < JBUF_PWIN && err < best_err; i++) {
			int32_t d = x[i] - x[i + l];

			err += d < 0 ? -d : d;
		}
		if (err < best_err) {
			best_err = err;
			best = l;
		}
	}
	return best && best_err <= energy / 8 ? best : 0;
}

/* Once per ms: grow at once below target, shrink a ms or more above it without a click. */
static void adapt(struct jbuf *jb)
{
	int32_t ex;
	unsigned k = 0;

	jb->next_adapt = jb->clock + JBUF_RATE;
	if (jb->insert > 0)
		return;
	ex = cur_delay(jb) - jb->target;
	if (ex < 0) {
		/* continuous signal while the latest packets still wait a ms or more: a splice
		 * now is audible and nothing is due yet, the next quiet ms takes the insertion */
		if (!jb->started || cur_delay(jb) - win_spread(jb) < JBUF_RATE || quiet_next(jb))
			jb->insert = -ex;
	} else if (ex < JBUF_RATE || !jb->n) {
		/* !n: ran dry, the next packet is late (lost ones leave a hole before a held one):
		 * skipping ahead in the concealment would only make it later still */
		jb->shrink_tick = 0;
	} else if (quiet_next(jb)) {
		k = JBUF_RATE;
	} else if ((ex -= tmin_gap(jb)) < JBUF_BAND) {
		/* continuous signal, a little above, or above only by an early spike that one
		 * window holds (it leaves as the windows roll over): wait for a quiet ms */
		jb->shrink_tick = 0;
	} else if (++jb->shrink_tick >= 10) {
		jb->shrink_tick = 0;
		k = pitch_skip(jb, ex);
		if (!k && ++jb->slow_tick >= 10) {
			jb->slow_tick = 0;
			k = 1; /* no period (noise-like): one sample per 100 ms */
		}
	}
	if (k) {
		jb->play_ts += k;
		jb->ctr[JBUF_CTR_DROPPED] += k;
	}
	reeval(jb);
}

const uint8_t *jbuf_peek(struct jbuf *jb, unsigned *n)
{
	struct jbuf_slot *s;
	unsigned k = *n;
	int32_t idx;

	if (!jb->synced || jb->dry) {
		jb->src = JBUF_SRC_SILENCE;
		goto gen_silence;
	}
	if (tsd(jb->clock, jb->next_adapt) >= 0)
		adapt(jb);
	if (jb->insert > 0) {
		if (k > (unsigned)jb->insert)
			k = (unsigned)jb->insert;
		if (k > JBUF_GEN_MAX)
			k = JBUF_GEN_MAX;
		conceal(jb, k);
		jb->src = JBUF_SRC_INSERT;
		*n = jb->src_n = k;
		return jb->gen;
	}
	while (jb->n) {
		s = &jb->slot[jb->head];
		if (tsd(s->ts + s->len, jb->play_ts) > 0)
			break;
		retire_head(jb); /* passed over by a shrink or overlapped by its successor */
	}
	if (jb->n) {
		s = &jb->slot[jb->head];
		idx = tsd(jb->play_ts, s->ts);
		if (idx >= 0) {
			unsigned left = s->len - (unsigned)idx;

			jb->src_ptr = pkt_ptr(s, (unsigned)idx, &left);
			jb->seg_left = left;
			if (k > left)
				k = left;
			jb->src = JBUF_SRC_PKT;
			*n = jb->src_n = k;
			return jb->src_ptr;
		}
		if (k > (unsigned)-idx)
			k = (unsigned)-idx;
	}
	if (k > JBUF_GEN_MAX)
		k = JBUF_GEN_MAX;
	if (jb->started) {
		conceal(jb, k);
		jb->src = JBUF_SRC_CONCEAL;
		*n = jb->src_n = k;
		return jb->gen;
	}
	jb->src = JBUF_SRC_PREFILL;
gen_silence:
	if (k > JBUF_GEN_MAX)
		k = JBUF_GEN_MAX;
	*n = jb->src_n = k;
	return silence;
}

void jbuf_advance(struct jbuf *jb, unsigned k)
{
	struct jbuf_slot *s;

	if (k > jb->src_n)
		k = jb->src_n;
	jb->src_n -= k;
	jb->clock += k;
	jb->fast_left = 0;
	switch (jb->src) {
	case JBUF_SRC_SILENCE:
		break;
	case JBUF_SRC_PREFILL:
		jb->play_ts += k;
		break;
	case JBUF_SRC_INSERT:
		jb->insert -= (int32_t)k;
		jb->gap += k;
		jb->ctr[JBUF_CTR_INSERTED] += k;
		if (!jb->insert)
			reeval(jb);
		break;
	case JBUF_SRC_CONCEAL:
		jb->play_ts += k;
		jb->gap += k;
		jb->ctr[JBUF_CTR_CONCEALED] += k;
		if (jb->gap > (uint32_t)jb->max && !jb->n)
			jb->dry = true;
		break;
	case JBUF_SRC_PKT:
		s = &jb->slot[jb->head];
		if (!jb->have_last || jb->last_seq != s->seq) {
			count_lost(jb, s->seq);
			jb->ctr[JBUF_CTR_PLAYED]++;
		}
		jb->play_ts += k;
		jb->real_end = jb->play_ts;
		jb->gap = 0;
		jb->started = true;
		if (tsd(s->ts + s->len, jb->play_ts) <= 0) {
			retire_head(jb);
		} else if (jb->steady) { /* the next reads may take the fast path */
			jb->fast_ptr = jb->src_ptr + k;
			jb->fast_left = jb->seg_left - k;
		}
		break;
	}
}

static __attribute__((noinline)) int read_slow(struct jbuf *jb, uint8_t *dst, unsigned n)
{
	while (n) {
		unsigned k = n;
		const uint8_t *src = jbuf_peek(jb, &k);

		memcpy(dst, src, k);
		jbuf_advance(jb, k);
		dst += k;
		n -= k;
	}
	return 0;
}

int jbuf_read(struct jbuf *jb, uint8_t *dst, unsigned n)
{
	const uint8_t *src;

	if (!jb || !dst)
		return -EINVAL;
	/* fast path, the 1 ms chunk in steady state: 8 samples further into the packet that
	 * plays, or from the start of the next one when it follows on (fast_left is 0 whenever
	 * anything but this path moved the play position; steady: nothing to adapt) */
	if (n != JBUF_RATE)
		return read_slow(jb, dst, n);
	if (jb->fast_left < JBUF_RATE) {
		const struct jbuf_slot *s = &jb->slot[jb->head];

		/* steady 1 (a little above target): the packet's first read looks for quiet */
		if (jb->fast_left || jb->steady != 2 || !jb->n || s->ts != jb->play_ts ||
		    (uint16_t)(s->seq - jb->last_seq) != 1 || s->off + s->len > s->p->len)
			return read_slow(jb, dst, n);
		jb->fast_ptr = (const uint8_t *)s->p->payload + s->off;
		jb->fast_left = s->len;
		jb->last_seq = s->seq;
		jb->ctr[JBUF_CTR_PLAYED]++;
		if (s->len < JBUF_RATE) { /* undo: a tiny packet goes the slow way */
			jb->fast_left = 0;
			jb->last_seq--;
			jb->ctr[JBUF_CTR_PLAYED]--;
			return read_slow(jb, dst, n);
		}
	}
	src = jb->fast_ptr;
	memcpy(dst, src, JBUF_RATE);
	jb->fast_ptr = src + JBUF_RATE;
	jb->fast_left -= JBUF_RATE;
	jb->play_ts += JBUF_RATE;
	jb->real_end = jb->play_ts;
	jb->clock += JBUF_RATE;
	if (!jb->fast_left && tsd(jb->slot[jb->head].ts + jb->slot[jb->head].len,
				  jb->play_ts) <= 0)
		retire_head(jb);
	return 0;
}

unsigned jbuf_delay_ms(const struct jbuf *jb)
{
	int32_t d;

	if (!jb->synced)
		return 0;
	d = cur_delay(jb);
	return d > 0 ? (unsigned)d / JBUF_RATE : 0;
}

unsigned jbuf_target_ms(const struct jbuf *jb)
{
	return (unsigned)jb->target / JBUF_RATE;
}

unsigned jbuf_held(const struct jbuf *jb)
{
	return jb->n;
}
