// SPDX-License-Identifier: GPL-2.0-or-later
/* RTP receive: header checks (RFC 3550 §5.1, A.1), PCMA to the jitter buffer, RFC 4733 events. */
#include <errno.h>
#include <string.h>

#include "lwip/pbuf.h"

#include "jbuf.h"
#include "rtcp.h"
#include "rtp_rx.h"

const char *const rtp_rx_ctr_names[RTP_RX_CTR_NUM] = {
	[RTP_RX_CTR_RX] = "rx:packets",
	[RTP_RX_CTR_AUDIO] = "rx:audio",
	[RTP_RX_CTR_EVENT] = "rx:event",
	[RTP_RX_CTR_SHORT] = "drop:short",
	[RTP_RX_CTR_VERSION] = "drop:version",
	[RTP_RX_CTR_CSRC] = "drop:csrc",
	[RTP_RX_CTR_EXT] = "drop:ext",
	[RTP_RX_CTR_PADDING] = "drop:padding",
	[RTP_RX_CTR_EMPTY] = "drop:empty",
	[RTP_RX_CTR_PT] = "drop:pt",
	[RTP_RX_CTR_EVENT_BAD] = "drop:event_len",
	[RTP_RX_CTR_EVENT_DUP] = "event:dup",
	[RTP_RX_CTR_SSRC] = "rx:ssrc_change",
};

/* Octet at off of the chain; off < p->tot_len is the caller's to check. */
static inline uint8_t at(const struct pbuf *p, unsigned off)
{
	if (off < p->len)
		return ((const uint8_t *)p->payload)[off];
	return pbuf_get_at(p, (u16_t)off);
}

static inline uint16_t at16(const struct pbuf *p, unsigned off)
{
	return (uint16_t)(at(p, off) << 8 | at(p, off + 1));
}

static inline uint32_t at32(const struct pbuf *p, unsigned off)
{
	return (uint32_t)at16(p, off) << 16 | at16(p, off + 2);
}

/* Big-endian 32 bits from any alignment (one load and a byte swap where the compiler can). */
static inline uint32_t be32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

int rtp_rx_parse(struct rtp_rx_hdr *h, const struct pbuf *p, enum rtp_rx_ctr *why)
{
	const uint8_t *b = p->payload;
	unsigned tot = p->tot_len, hlen, end = tot;
	uint8_t b0;

	if (tot < RTP_HDR_LEN) {
		*why = RTP_RX_CTR_SHORT;
		return -EINVAL;
	}
	if (p->len >= RTP_HDR_LEN) { /* the usual case: one pool pbuf */
		uint32_t w0 = be32(b);

		b0 = (uint8_t)(w0 >> 24);
		h->marker = (w0 >> 23) & 1;
		h->pt = (w0 >> 16) & 0x7f;
		h->seq = (uint16_t)w0;
		h->ts = be32(b + 4);
		h->ssrc = be32(b + 8);
	} else {
		b0 = at(p, 0);
		h->marker = at(p, 1) >> 7;
		h->pt = at(p, 1) & 0x7f;
		h->seq = at16(p, 2);
		h->ts = at32(p, 4);
		h->ssrc = at32(p, 8);
	}
	if ((b0 >> 6) != 2) {
		*why = RTP_RX_CTR_VERSION;
		return -EINVAL;
	}
	hlen = RTP_HDR_LEN + 4u * (b0 & 0x0f);
	if (hlen > tot) {
		*why = RTP_RX_CTR_CSRC;
		return -EINVAL;
	}
	if (b0 & 0x10) { /* extension: 16-bit profile, 16-bit length in words, then data */
		if (hlen + 4 > tot) {
			*why = RTP_RX_CTR_EXT;
			return -EINVAL;
		}
		hlen += 4 + 4u * at16(p, hlen + 2);
		if (hlen > tot) {
			*why = RTP_RX_CTR_EXT;
			return -EINVAL;
		}
	}
	if (b0 & 0x20) { /* padding: the last octet counts it, itself included */
		uint8_t pad = at(p, tot - 1);

		if (pad == 0 || pad > tot - hlen) {
			*why = RTP_RX_CTR_PADDING;
			return -EINVAL;
		}
		end -= pad;
	}
	if (end == hlen) {
		*why = RTP_RX_CTR_EMPTY;
		return -EINVAL;
	}
	h->off = (uint16_t)hlen;
	h->len = (uint16_t)(end - hlen);
	return 0;
}

int rtp_event_decode(struct rtp_event *ev, const uint8_t *buf, unsigned len, uint32_t ts)
{
	if (len < 4)
		return -EINVAL;
	ev->ts = ts;
	ev->event = buf[0];
	ev->end = buf[1] >> 7;
	ev->volume = buf[1] & 0x3f;
	ev->duration = (uint16_t)(buf[2] << 8 | buf[3]);
	return 0;
}

int rtp_rx_init(struct rtp_rx *rx, const struct rtp_rx_cfg *cfg, struct jbuf *jb,
		struct rtcp_src *src)
{
	if (!rx || !jb || (cfg && cfg->pt_event == RTP_PT_PCMA) || (cfg && cfg->pt_event > 127))
		return -EINVAL;
	memset(rx, 0, sizeof(*rx));
	if (cfg)
		rx->cfg = *cfg;
	rx->jb = jb;
	rx->src = src;
	return 0;
}

/* RFC 4733: report the start of an event and its end once; the end is sent three times. */
static void event_in(struct rtp_rx *rx, const struct pbuf *p, const struct rtp_rx_hdr *h)
{
	struct rtp_event ev;
	uint8_t raw[4];

	if (pbuf_copy_partial(p, raw, 4, h->off) != 4 || rtp_event_decode(&ev, raw, h->len, h->ts)) {
		rx->ctr[RTP_RX_CTR_EVENT_BAD]++;
		return;
	}
	rx->ctr[RTP_RX_CTR_EVENT]++;
	if (!rx->ev_valid || (int32_t)(h->ts - rx->ev_ts) > 0) {
		rx->ev_valid = true;
		rx->ev_ts = h->ts;
		rx->ev_ended = ev.end;
	} else if (h->ts == rx->ev_ts && ev.end && !rx->ev_ended) {
		rx->ev_ended = true;
	} else { /* an update of the running event, a repeated end, or an older event */
		rx->ctr[RTP_RX_CTR_EVENT_DUP]++;
		return;
	}
	if (rx->cfg.ev_cb)
		rx->cfg.ev_cb(rx->cfg.ev_arg, &ev);
}

int rtp_rx_input(struct rtp_rx *rx, struct pbuf *p, uint32_t now)
{
	struct rtp_rx_hdr h;
	enum rtp_rx_ctr why;

	rx->ctr[RTP_RX_CTR_RX]++;
	if (rtp_rx_parse(&h, p, &why) < 0) {
		rx->ctr[why]++;
		return -EINVAL;
	}
	if (h.pt != RTP_PT_PCMA && (!rx->cfg.pt_event || h.pt != rx->cfg.pt_event)) {
		rx->ctr[RTP_RX_CTR_PT]++;
		return -EINVAL;
	}
	if (!rx->have_ssrc || h.ssrc != rx->ssrc) {
		if (rx->have_ssrc)
			rx->ctr[RTP_RX_CTR_SSRC]++;
		rx->have_ssrc = true;
		rx->ssrc = h.ssrc;
		rx->ev_valid = false;
		if (rx->src)
			rtcp_src_init(rx->src, h.ssrc, h.seq);
	}
	if (rx->src)
		rtcp_src_update_seq(rx->src, h.seq);
	if (h.pt == RTP_PT_PCMA) {
		rx->ctr[RTP_RX_CTR_AUDIO]++;
		/* A.8 on audio only: an event's timestamp stays at its start */
		if (rx->src)
			rtcp_src_jitter(rx->src, h.ts, now);
		jbuf_put(rx->jb, p, &h);
		return 0;
	}
	jbuf_note_seq(rx->jb, h.seq, h.ssrc);
	event_in(rx, p, &h);
	return 0;
}
