// SPDX-License-Identifier: GPL-2.0-or-later
/* RTCP per RFC 3550: statistics (A.1, A.3, A.8), SR/RR/SDES/BYE, compound parsing, A.7. */
#include <errno.h>
#include <string.h>

#include "rtcp.h"

const char *const rtcp_ctr_names[RTCP_CTR_NUM] = {
	[RTCP_CTR_TX] = "tx:packets",
	[RTCP_CTR_RX] = "rx:packets",
	[RTCP_CTR_RX_BAD] = "drop:malformed",
	[RTCP_CTR_SR] = "rx:sr",
	[RTCP_CTR_RTT] = "rx:rtt",
	[RTCP_CTR_BYE] = "rx:bye",
};

#define RTP_SEQ_MOD (1u << 16)
#define MAX_DROPOUT 3000
#define MAX_MISORDER 100
#define MIN_SEQUENTIAL 2
#define BLOCK_LEN 24
#define UDP_IP_HDR 28 /* A.7 counts the lower-layer headers in the average size */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* ---- receive statistics ------------------------------------------------------------------ */
static void init_seq(struct rtcp_src *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1;
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
}

void rtcp_src_init(struct rtcp_src *s, uint32_t ssrc, uint16_t seq)
{
	memset(s, 0, sizeof(*s));
	s->valid = true;
	s->ssrc = ssrc;
	init_seq(s, seq);
	s->max_seq = (uint16_t)(seq - 1);
	s->probation = MIN_SEQUENTIAL;
}

int rtcp_src_update_seq(struct rtcp_src *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);

	if (s->probation) {
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				init_seq(s, seq);
				s->received++;
				return 1;
			}
		} else {
			s->probation = MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
		}
		return 0;
	} else if (udelta < MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD; /* wrapped */
		s->max_seq = seq;
	} else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
		/* a very large jump: take it only when the next packet confirms it */
		if (seq == s->bad_seq) {
			init_seq(s, seq);
		} else {
			s->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
			return 0;
		}
	}
	/* else: duplicate or reordered, counted as received (A.3 allows negative loss) */
	s->received++;
	return 1;
}

void rtcp_src_jitter(struct rtcp_src *s, uint32_t ts, uint32_t arrival)
{
	uint32_t transit = arrival - ts;
	int32_t d;

	if (!s->have_transit) {
		s->transit = transit;
		s->have_transit = true;
		return;
	}
	d = (int32_t)(transit - s->transit);
	s->transit = transit;
	if (d < 0)
		d = -d;
	s->jitter += (uint32_t)d - ((s->jitter + 8) >> 4);
}

void rtcp_src_sr(struct rtcp_src *s, uint64_t ntp, uint32_t now_ntp32)
{
	s->lsr = rtcp_ntp32(ntp);
	s->lsr_arrival = now_ntp32;
	s->have_sr = true;
}

void rtcp_src_block(struct rtcp_src *s, struct rtcp_block *b, uint32_t now_ntp32)
{
	uint32_t ext_max = s->cycles + s->max_seq;
	uint32_t expected = ext_max - s->base_seq + 1;
	int64_t lost = (int64_t)expected - s->received;
	uint32_t expected_interval = expected - s->expected_prior;
	uint32_t received_interval = s->received - s->received_prior;
	int64_t lost_interval = (int64_t)expected_interval - received_interval;

	s->expected_prior = expected;
	s->received_prior = s->received;
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	b->ssrc = s->ssrc;
	b->lost = (int32_t)lost;
	b->fraction = (expected_interval == 0 || lost_interval <= 0)
			      ? 0
			      : (uint8_t)((lost_interval << 8) / expected_interval);
	b->ext_max_seq = ext_max;
	b->jitter = s->jitter >> 4;
	b->lsr = s->have_sr ? s->lsr : 0;
	b->dlsr = s->have_sr ? now_ntp32 - s->lsr_arrival : 0;
}

/* ---- building ---------------------------------------------------------------------------- */
static void put_hdr(uint8_t *p, unsigned count, uint8_t pt, size_t len)
{
	p[0] = (uint8_t)(0x80 | count);
	p[1] = pt;
	put16(p + 2, (uint16_t)(len / 4 - 1));
}

static void put_blocks(uint8_t *p, const struct rtcp_block *b, unsigned nb)
{
	for (unsigned i = 0; i < nb; i++, p += BLOCK_LEN) {
		int32_t lost = b[i].lost;

		if (lost > 0x7fffff)
			lost = 0x7fffff;
		if (lost < -0x800000)
			lost = -0x800000;
		put32(p, b[i].ssrc);
		put32(p + 4, (uint32_t)b[i].fraction << 24 | ((uint32_t)lost & 0xffffff));
		put32(p + 8, b[i].ext_max_seq);
		put32(p + 12, b[i].jitter);
		put32(p + 16, b[i].lsr);
		put32(p + 20, b[i].dlsr);
	}
}

int rtcp_put_sr(uint8_t *buf, size_t size, const struct rtcp_sender *si,
		const struct rtcp_block *b, unsigned nb)
{
	size_t len = 28 + (size_t)nb * BLOCK_LEN;

	if (!buf || !si || nb > 31 || (nb && !b))
		return -EINVAL;
	if (size < len)
		return -ENOSPC;
	put_hdr(buf, nb, RTCP_PT_SR, len);
	put32(buf + 4, si->ssrc);
	put32(buf + 8, (uint32_t)(si->ntp >> 32));
	put32(buf + 12, (uint32_t)si->ntp);
	put32(buf + 16, si->rtp_ts);
	put32(buf + 20, si->pkts);
	put32(buf + 24, si->octets);
	put_blocks(buf + 28, b, nb);
	return (int)len;
}

int rtcp_put_rr(uint8_t *buf, size_t size, uint32_t ssrc, const struct rtcp_block *b,
		unsigned nb)
{
	size_t len = 8 + (size_t)nb * BLOCK_LEN;

	if (!buf || nb > 31 || (nb && !b))
		return -EINVAL;
	if (size < len)
		return -ENOSPC;
	put_hdr(buf, nb, RTCP_PT_RR, len);
	put32(buf + 4, ssrc);
	put_blocks(buf + 8, b, nb);
	return (int)len;
}

int rtcp_put_sdes(uint8_t *buf, size_t size, uint32_t ssrc, const char *cname)
{
	size_t n, len;

	if (!buf || !cname)
		return -EINVAL;
	n = strlen(cname);
	if (!n || n > RTCP_CNAME_MAX)
		return -EINVAL;
	len = (4 + 4 + 2 + n + 1 + 3) & ~(size_t)3; /* item list ends with at least one null */
	if (size < len)
		return -ENOSPC;
	memset(buf, 0, len);
	put_hdr(buf, 1, RTCP_PT_SDES, len);
	put32(buf + 4, ssrc);
	buf[8] = RTCP_SDES_CNAME;
	buf[9] = (uint8_t)n;
	memcpy(buf + 10, cname, n);
	return (int)len;
}

int rtcp_put_bye(uint8_t *buf, size_t size, uint32_t ssrc, const char *reason)
{
	size_t n = reason ? strlen(reason) : 0, len;

	if (!buf || n > 255)
		return -EINVAL;
	len = 8 + (n ? (1 + n + 3) & ~(size_t)3 : 0);
	if (size < len)
		return -ENOSPC;
	memset(buf, 0, len);
	put_hdr(buf, 1, RTCP_PT_BYE, len);
	put32(buf + 4, ssrc);
	if (n) {
		buf[8] = (uint8_t)n;
		memcpy(buf + 9, reason, n);
	}
	return (int)len;
}

/* ---- parsing ----------------------------------------------------------------------------- */
static void get_blocks(struct rtcp_info *out, const uint8_t *p, unsigned nb)
{
	for (unsigned i = 0; i < nb; i++, p += BLOCK_LEN) {
		struct rtcp_block *b;
		uint32_t w;

		out->nblocks_all++;
		if (out->nblocks >= RTCP_MAX_BLOCKS)
			continue;
		b = &out->block[out->nblocks++];
		b->ssrc = get32(p);
		w = get32(p + 4);
		b->fraction = (uint8_t)(w >> 24);
		b->lost = (int32_t)(w << 8) >> 8; /* sign-extend 24 bits */
		b->ext_max_seq = get32(p + 8);
		b->jitter = get32(p + 12);
		b->lsr = get32(p + 16);
		b->dlsr = get32(p + 20);
	}
}

/* SDES body: count chunks of SSRC + items, each chunk ending with a null and padded to 4. */
static int parse_sdes(struct rtcp_info *out, const uint8_t *p, size_t len, unsigned count)
{
	size_t o = 0;

	for (unsigned c = 0; c < count; c++) {
		uint32_t ssrc;

		if (len - o < 4)
			return -EINVAL;
		ssrc = get32(p + o);
		o += 4;
		for (;;) {
			uint8_t type, n;

			if (o >= len)
				return -EINVAL;
			type = p[o];
			if (type == 0) { /* end of items: skip to the next 32-bit boundary */
				o = (o + 4) & ~(size_t)3;
				if (o > len)
					return -EINVAL;
				break;
			}
			if (len - o < 2)
				return -EINVAL;
			n = p[o + 1];
			if (len - o - 2 < n)
				return -EINVAL;
			if (type == RTCP_SDES_CNAME && !out->has_cname &&
			    (ssrc == out->ssrc || c == 0)) {
				memcpy(out->cname, p + o + 2, n);
				out->cname[n] = '\0';
				out->has_cname = true;
			}
			o += 2 + (size_t)n;
		}
	}
	return 0;
}

int rtcp_parse(struct rtcp_info *out, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	bool first = true;

	if (!out || !buf)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (len < 8 || len % 4)
		return -EINVAL;
	while (off < len) {
		const uint8_t *h = buf + off, *body = h + 4;
		unsigned count = h[0] & 0x1f;
		uint8_t pt = h[1];
		size_t plen = ((size_t)get16(h + 2) + 1) * 4, blen;

		if (len - off < 4 || (h[0] >> 6) != 2 || plen > len - off)
			return -EINVAL;
		blen = plen - 4;
		if (h[0] & 0x20) { /* padding: only on the last packet, count within it */
			uint8_t pad = h[plen - 1];

			if (off + plen != len || pad == 0 || pad > blen || first)
				return -EINVAL;
			blen -= pad;
		}
		if (first && pt != RTCP_PT_SR && pt != RTCP_PT_RR)
			return -EINVAL;
		switch (pt) {
		case RTCP_PT_SR:
			if (blen < 24 + (size_t)count * BLOCK_LEN)
				return -EINVAL;
			if (first) {
				out->ssrc = get32(body);
				out->sr = true;
				out->sender.ssrc = out->ssrc;
				out->sender.ntp = (uint64_t)get32(body + 4) << 32 | get32(body + 8);
				out->sender.rtp_ts = get32(body + 12);
				out->sender.pkts = get32(body + 16);
				out->sender.octets = get32(body + 20);
			}
			get_blocks(out, body + 24, count);
			break;
		case RTCP_PT_RR:
			if (blen < 4 + (size_t)count * BLOCK_LEN)
				return -EINVAL;
			if (first)
				out->ssrc = get32(body);
			get_blocks(out, body + 4, count);
			break;
		case RTCP_PT_SDES:
			if (parse_sdes(out, body, blen, count) < 0)
				return -EINVAL;
			break;
		case RTCP_PT_BYE:
			if (blen < (size_t)count * 4)
				return -EINVAL;
			if (blen > (size_t)count * 4 && body[count * 4] > blen - count * 4 - 1)
				return -EINVAL; /* reason beyond the packet */
			out->bye = true;
			if (count)
				out->bye_ssrc = get32(body);
			break;
		default: /* APP, feedback, XR: not used, skipped */
			break;
		}
		first = false;
		off += plen;
	}
	return 0;
}

int rtcp_rtt(uint32_t *rtt, uint32_t arrival_ntp32, uint32_t lsr, uint32_t dlsr)
{
	uint32_t r;

	if (!lsr)
		return -ENODATA;
	r = arrival_ntp32 - lsr - dlsr;
	if ((int32_t)r < 0)
		return -ERANGE;
	*rtt = r;
	return 0;
}

uint32_t rtcp_interval_ms(unsigned members, unsigned senders, uint32_t rtcp_bw, bool we_sent,
			  unsigned avg_size, bool initial, uint32_t rnd)
{
	uint64_t t, min = initial ? RTCP_MIN_INTERVAL_MS / 2 : RTCP_MIN_INTERVAL_MS;
	uint64_t bw = rtcp_bw;
	unsigned n = members;

	if ((uint64_t)senders * 4 <= members) {
		if (we_sent) {
			bw /= 4;
			n = senders;
		} else {
			bw = bw * 3 / 4;
			n = members - senders;
		}
	}
	t = bw ? (uint64_t)avg_size * n * 1000 / bw : min;
	if (t < min)
		t = min;
	t = t / 2 + ((t * rnd) >> 32);     /* x [0.5, 1.5) */
	return (uint32_t)(t * 1000000 / 1218282); /* / (e - 3/2) */
}

/* ---- session ----------------------------------------------------------------------------- */
int rtcp_sess_init(struct rtcp_sess *s, uint32_t ssrc, const char *cname)
{
	size_t n;

	if (!s || !cname)
		return -EINVAL;
	n = strlen(cname);
	if (!n || n >= sizeof(s->cname))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	memcpy(s->cname, cname, n + 1);
	s->avg_size = 100; /* a first guess: RR + SDES + headers */
	return 0;
}

void rtcp_sess_sent(struct rtcp_sess *s, unsigned len)
{
	s->tx_pkts++;
	s->tx_octets += len;
	s->sent_since_report = true;
}

int rtcp_sess_build(struct rtcp_sess *s, uint8_t *buf, size_t size, uint64_t now_ntp,
		    uint32_t rtp_ts, bool bye)
{
	struct rtcp_src saved = s->remote;
	struct rtcp_block b;
	unsigned nb = 0;
	int r, off;

	if (s->remote.valid && !s->remote.probation) {
		rtcp_src_block(&s->remote, &b, rtcp_ntp32(now_ntp));
		nb = 1;
	}
	if (s->sent_since_report) {
		struct rtcp_sender si = { s->ssrc, now_ntp, rtp_ts, s->tx_pkts, s->tx_octets };

		r = rtcp_put_sr(buf, size, &si, &b, nb);
	} else {
		r = rtcp_put_rr(buf, size, s->ssrc, &b, nb);
	}
	if (r < 0)
		goto err_restore;
	off = r;
	r = rtcp_put_sdes(buf + off, size - (size_t)off, s->ssrc, s->cname);
	if (r < 0)
		goto err_restore;
	off += r;
	if (bye) {
		r = rtcp_put_bye(buf + off, size - (size_t)off, s->ssrc, NULL);
		if (r < 0)
			goto err_restore;
		off += r;
	}
	s->sent_since_report = false;
	s->avg_size = (unsigned)((off + UDP_IP_HDR + 15u * s->avg_size) / 16);
	s->ctr[RTCP_CTR_TX]++;
	return off;

err_restore:
	s->remote = saved; /* the interval did not end */
	return r;
}

int rtcp_sess_input(struct rtcp_sess *s, const uint8_t *buf, size_t len, uint64_t now_ntp)
{
	struct rtcp_info in;
	uint32_t now32 = rtcp_ntp32(now_ntp);

	if (rtcp_parse(&in, buf, len) < 0) {
		s->ctr[RTCP_CTR_RX_BAD]++;
		return -EINVAL;
	}
	s->ctr[RTCP_CTR_RX]++;
	s->avg_size = (unsigned)((len + UDP_IP_HDR + 15u * s->avg_size) / 16);
	if (in.sr && (!s->remote.valid || in.ssrc == s->remote.ssrc)) {
		rtcp_src_sr(&s->remote, in.sender.ntp, now32);
		s->ctr[RTCP_CTR_SR]++;
	}
	for (unsigned i = 0; i < in.nblocks; i++) {
		uint32_t rtt;

		if (in.block[i].ssrc != s->ssrc)
			continue;
		s->peer_report = in.block[i];
		s->have_peer_report = true;
		if (rtcp_rtt(&rtt, now32, in.block[i].lsr, in.block[i].dlsr) == 0) {
			s->rtt = rtt;
			s->have_rtt = true;
			s->ctr[RTCP_CTR_RTT]++;
		}
	}
	if (in.bye) {
		s->bye = true;
		s->ctr[RTCP_CTR_BYE]++;
	}
	return 0;
}

uint32_t rtcp_sess_interval_ms(const struct rtcp_sess *s, bool initial, uint32_t rnd)
{
	/* two members; we count as a sender when we sent since the last report */
	return rtcp_interval_ms(2, s->sent_since_report ? 2 : 1, 400, s->sent_since_report,
				s->avg_size, initial, rnd);
}

uint32_t rtcp_sess_rtt_ms(const struct rtcp_sess *s)
{
	return s->have_rtt ? (uint32_t)(((uint64_t)s->rtt * 1000) >> 16) : 0;
}
