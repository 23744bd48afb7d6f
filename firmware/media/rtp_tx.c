// SPDX-License-Identifier: GPL-2.0-or-later
/* RTP sender, caller -> advisor, zero-copy from the TDM routing to linkoutput (rtp_tx.h). */
#include <errno.h>
#include <string.h>

#include <drv/e1_framer.h>
#include <hlgw/log.h>

#include "lwip/ip_addr.h"
#include "lwip/udp.h"

#include "rtp_tx.h"

struct rtp_tx {
	bool used;
	bool own_pcb;
	bool first; /* marker on the next packet sent */
	struct span_chan ch; /* ch.dev NULL: fed by rtp_tx_feed() */
	struct udp_pcb *pcb;
	ip_addr_t dst;
	uint16_t dst_port;
	uint16_t n;	  /* samples per packet */
	uint16_t fill;	  /* fed streams: samples in cur */
	uint16_t seq;
	uint32_t ts;	  /* RTP timestamp of cur's first sample */
	struct media_buf *cur; /* being filled; NULL: overrun, samples go to the sink */
	unsigned int next;     /* ring index to try first */
	struct media_buf *ring[CONFIG_MEDIA_TX_RING];
	struct rtp_tx_stats st;
	rtp_tx_pkt_cb pkt_cb;
	void *pkt_arg;
};

static struct rtp_tx rtp_tx_streams[CONFIG_MEDIA_TX_STREAMS];
/* where an overrunning stream's samples go: never read */
static uint8_t rtp_tx_sink[MEDIA_BUF_MAX_PAYLOAD] __attribute__((aligned(8)));

/* v in network byte order at p (one store where the CPU allows it) */
static inline void rtp_tx_put32(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(p, &v, 4);
}

/* lwIP and we are done with a packet: its buffer may be filled again. */
static void rtp_tx_pbuf_free(struct pbuf *p)
{
	struct media_buf *mb = media_buf_from_pbuf(p);

	mb->held = false;
	if (!mb->owner) /* its stream closed meanwhile */
		media_buf_put(mb);
}

/* The next buffer of the ring that lwIP gave back, other than the one just filled; or NULL. */
static struct media_buf *rtp_tx_take(struct rtp_tx *st)
{
	unsigned int i, k = st->next;

	/* usually the next one in ring order is back already */
	if (!st->ring[k]->held && st->ring[k] != st->cur) {
		st->next = k + 1 == CONFIG_MEDIA_TX_RING ? 0 : k + 1;
		return st->ring[k];
	}
	for (i = 0; i < CONFIG_MEDIA_TX_RING; i++) {
		struct media_buf *mb = st->ring[k];

		if (++k == CONFIG_MEDIA_TX_RING)
			k = 0;
		if (!mb->held && mb != st->cur) {
			st->next = k;
			return mb;
		}
	}
	return NULL;
}

static void rtp_tx_done(void *arg, unsigned int ts);

/* Start filling the next buffer; returns the framer's error (0 for fed streams). Inlined
 * here and in rtp_tx_send(): both are on the per-packet path. */
static inline __attribute__((always_inline)) int rtp_tx_arm(struct rtp_tx *st)
{
	st->cur = rtp_tx_take(st);
	st->fill = 0;
	if (!st->ch.dev)
		return 0;
	return e1_framer_tdm_rx_arm(st->ch.dev, st->ch.ts,
				    st->cur ? media_buf_payload(st->cur) : rtp_tx_sink, st->n,
				    rtp_tx_done, st);
}

/* Send a full buffer (NULL: the packet time was dropped). */
static inline __attribute__((always_inline)) void rtp_tx_send(struct rtp_tx *st, struct media_buf *mb)
{
	struct pbuf *p;
	uint8_t *h;
	err_t err;

	if (!mb) {
		st->st.overruns++;
		st->ts += st->n;
		return;
	}
	if (st->pkt_cb)
		st->pkt_cb(st->pkt_arg, media_buf_payload(mb), st->n, st->ts);
	h = media_buf_rtp(mb);
	/* V=2, no padding, extension or CSRC; marker; PT; sequence number */
	rtp_tx_put32(h, 0x80000000u | (st->first ? 0x800000u : 0) | RTP_TX_PT_PCMA << 16 |
				st->seq);
	rtp_tx_put32(h + 4, st->ts);
	rtp_tx_put32(h + 8, st->st.ssrc);
	p = media_buf_pbuf(mb, st->n, rtp_tx_pbuf_free);
	if (!p) { /* cannot happen: the ring only hands out buffers that are not held */
		st->st.send_errors++;
		st->ts += st->n;
		return;
	}
	err = udp_sendto(st->pcb, p, &st->dst, st->dst_port);
	pbuf_free(p); /* ours; lwIP keeps its own reference while it queues the packet */
	st->seq++;
	st->ts += st->n;
	st->first = false;
	if (err != ERR_OK) {
		st->st.send_errors++;
		return;
	}
	st->st.packets++;
	st->st.octets += st->n;
}

int rtp_tx_send_event(struct rtp_tx *st, uint8_t pt, bool marker, uint32_t ts,
		      const uint8_t *payload, uint16_t len)
{
	struct pbuf *p;
	uint8_t *h;
	err_t err;

	if (!st || !st->used || !st->pcb || !payload || !len || len > RTP_TX_EVENT_MAX || pt > 127)
		return -EINVAL;
	/* events are a few octets built here, not line samples: an ordinary PBUF_RAM */
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)(MEDIA_BUF_RTP_HLEN + len), PBUF_RAM);
	if (!p)
		return -ENOMEM;
	h = p->payload;
	rtp_tx_put32(h, 0x80000000u | (marker ? 0x800000u : 0) | (uint32_t)pt << 16 | st->seq);
	rtp_tx_put32(h + 4, ts);
	rtp_tx_put32(h + 8, st->st.ssrc);
	memcpy(h + MEDIA_BUF_RTP_HLEN, payload, len);
	err = udp_sendto(st->pcb, p, &st->dst, st->dst_port);
	pbuf_free(p);
	st->seq++; /* one sequence space with the audio (RFC 4733 section 2.1) */
	return err == ERR_OK ? 0 : -EIO;
}

uint32_t rtp_tx_timestamp(const struct rtp_tx *st)
{
	return st->ts;
}

/* TDM end of buffer, in the chunk context: keep the line flowing first, then send. */
static void rtp_tx_done(void *arg, unsigned int ts)
{
	struct rtp_tx *st = arg;
	struct media_buf *full = st->cur;
	int rc = rtp_tx_arm(st);

	if (rc < 0)
		LOGP(DRTP, LOGL_ERROR, "TS%u: cannot arm the next buffer: %d\n", ts, rc);
	rtp_tx_send(st, full);
}

int rtp_tx_open(struct rtp_tx **out, const struct span_chan *ch, const struct rtp_tx_cfg *cfg)
{
	struct rtp_tx *st = NULL;
	unsigned int i;
	int rc;

	if (!out || !cfg || !cfg->dst_addr || !cfg->dst_port ||
	    (cfg->ptime_ms != 10 && cfg->ptime_ms != 20 && cfg->ptime_ms != 30) ||
	    (ch && !ch->dev) || (!cfg->pcb && !cfg->src_port))
		return -EINVAL;
	for (i = 0; i < CONFIG_MEDIA_TX_STREAMS; i++) {
		if (!rtp_tx_streams[i].used) {
			st = &rtp_tx_streams[i];
			break;
		}
	}
	if (!st || media_buf_available() < CONFIG_MEDIA_TX_RING)
		return -ENOSPC;
	memset(st, 0, sizeof(*st));
	if (ch)
		st->ch = *ch;
	st->n = (uint16_t)(cfg->ptime_ms * E1_CHUNK_FRAMES);
	ip_addr_set_ip4_u32(&st->dst, lwip_htonl(cfg->dst_addr));
	st->dst_port = cfg->dst_port;
	st->pkt_cb = cfg->pkt_cb;
	st->pkt_arg = cfg->pkt_arg;
	st->st.ssrc = cfg->ssrc;
	while (!st->st.ssrc)
		st->st.ssrc = LWIP_RAND();
	st->seq = (uint16_t)LWIP_RAND();
	st->ts = LWIP_RAND();
	st->first = true;
	if (cfg->pcb) {
		st->pcb = cfg->pcb;
	} else {
		st->pcb = udp_new();
		if (!st->pcb)
			return -ENOMEM;
		st->own_pcb = true;
		if (udp_bind(st->pcb, IP4_ADDR_ANY, cfg->src_port) != ERR_OK) {
			rc = -EADDRINUSE;
			goto err_pcb;
		}
	}
	for (i = 0; i < CONFIG_MEDIA_TX_RING; i++) {
		st->ring[i] = media_buf_get();
		st->ring[i]->owner = st;
	}
	st->used = true;
	rc = rtp_tx_arm(st);
	if (rc < 0) {
		rtp_tx_close(st);
		return rc;
	}
	*out = st;
	return 0;

err_pcb:
	udp_remove(st->pcb);
	st->pcb = NULL;
	return rc;
}

void rtp_tx_close(struct rtp_tx *st)
{
	unsigned int i;

	if (!st || !st->used)
		return;
	if (st->ch.dev)
		e1_framer_tdm_rx_arm(st->ch.dev, st->ch.ts, NULL, 0, NULL, NULL);
	for (i = 0; i < CONFIG_MEDIA_TX_RING; i++) {
		struct media_buf *mb = st->ring[i];

		mb->owner = NULL;
		if (!mb->held)
			media_buf_put(mb); /* else rtp_tx_pbuf_free() does it */
		st->ring[i] = NULL;
	}
	if (st->own_pcb)
		udp_remove(st->pcb);
	st->pcb = NULL;
	st->cur = NULL;
	st->used = false;
}

int rtp_tx_feed(struct rtp_tx *st, const uint8_t *samples, size_t n)
{
	if (!st || !st->used || st->ch.dev || (!samples && n))
		return -EINVAL;
	while (n) {
		size_t k = st->n - st->fill;

		if (k > n)
			k = n;
		if (st->cur) {
			memcpy(media_buf_payload(st->cur) + st->fill, samples, k);
			st->st.copied += k;
		}
		st->fill = (uint16_t)(st->fill + k);
		samples += k;
		n -= k;
		if (st->fill == st->n) {
			struct media_buf *full = st->cur;

			rtp_tx_arm(st);
			rtp_tx_send(st, full);
		}
	}
	return 0;
}

int rtp_tx_get_stats(const struct rtp_tx *st, struct rtp_tx_stats *out)
{
	if (!st || !st->used || !out)
		return -EINVAL;
	*out = st->st;
	return 0;
}

const uint8_t *rtp_tx_filling(const struct rtp_tx *st)
{
	return st && st->used && st->cur ? media_buf_payload(st->cur) : NULL;
}
