// SPDX-License-Identifier: GPL-2.0-or-later
/* One PRI D-channel: isdnhdlc <-> LAPD <-> libpri (see dchan.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <osmocom/core/logging.h>

#include "dchan.h"

/* LAPD control field, P/F bit masked out (Q.921 table 5) */
#define LAPD_PF 0x10
#define LAPD_U_SABME 0x6f
#define LAPD_U_UA 0x63
#define LAPD_U_DISC 0x43
#define LAPD_U_DM 0x0f
#define LAPD_U_FRMR 0x87
#define LAPD_U_UI 0x03
#define LAPD_U_XID 0xaf

static dchan_log_cb dchan_log_fn;

void dchan_set_log(dchan_log_cb fn)
{
	dchan_log_fn = fn;
}

static void dchan_log(const struct dchan *dc, int layer, int level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void dchan_log(const struct dchan *dc, int layer, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!dchan_log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dchan_log_fn(dc, layer, level, buf);
}

/* libpri's message/error hooks are global: find the D-channel through the userdata. */
static void dchan_pri_text(struct pri *pri, char *s, int level)
{
	struct dchan *dc = pri ? pri_get_userdata(pri) : NULL;
	size_t n = strlen(s);

	if (!dchan_log_fn)
		return;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	if (n)
		dchan_log_fn(dc, 3, level, s);
}

static void dchan_pri_message(struct pri *pri, char *s)
{
	dchan_pri_text(pri, s, LOGL_DEBUG);
}

static void dchan_pri_error(struct pri *pri, char *s)
{
	dchan_pri_text(pri, s, LOGL_NOTICE);
}

const char *isdn_l2_state_name(enum isdn_l2_state st)
{
	switch (st) {
	case ISDN_L2_TEI_UNASSIGNED:
		return "TEI_UNASSIGNED";
	case ISDN_L2_TEI_ASSIGNED:
		return "TEI_ASSIGNED";
	case ISDN_L2_AWAITING_ESTABLISHMENT:
		return "AWAITING_ESTABLISHMENT";
	case ISDN_L2_AWAITING_RELEASE:
		return "AWAITING_RELEASE";
	case ISDN_L2_MULTIPLE_FRAME_ESTABLISHED:
		return "MULTIPLE_FRAME_ESTABLISHED";
	case ISDN_L2_TIMER_RECOVERY:
		return "TIMER_RECOVERY";
	}
	return "UNKNOWN";
}

static void dchan_set_l2(struct dchan *dc, enum isdn_l2_state st)
{
	if (dc->l2 == st || dc->raw_tx)
		return;
	dchan_log(dc, 2, LOGL_INFO, "L2 %s -> %s", isdn_l2_state_name(dc->l2),
		  isdn_l2_state_name(st));
	if (st == ISDN_L2_MULTIPLE_FRAME_ESTABLISHED && dc->l2 != ISDN_L2_TIMER_RECOVERY)
		dc->ctr.l2_up_count++;
	dc->l2 = st;
}

static void dchan_frame_track(struct dchan *dc, const uint8_t *f, int len, bool tx,
			      bool from_network);

/*
 * Count a frame and follow the layer 2 state. Commands from the network side carry C/R=1,
 * from the user side C/R=0 (Q.921 table 1); responses the opposite.
 */
static void dchan_frame_seen(struct dchan *dc, const uint8_t *f, int len, bool tx)
{
	bool from_network = tx ? dc->network : !dc->network;

	if (tx)
		dc->ctr.frames_tx++;
	else
		dc->ctr.frames_rx++;
	if (dc->pcap && len > 0)
		dchan_pcap_frame(dc->pcap, tx, dc->network, f, (unsigned int)len);
	dchan_frame_track(dc, f, len, tx, from_network);
}

/* Counters by frame type, and the layer 2 state, from a frame sent or received. */
static void dchan_frame_track(struct dchan *dc, const uint8_t *f, int len, bool tx,
			      bool from_network)
{
	struct dchan_ctr scratch = { 0 }, *ctr = dc->discard_ctr ? &scratch : &dc->ctr;
	bool cr, command;
	uint8_t c;

	if (len < 3)
		return;
	cr = f[0] & 0x02;
	command = from_network ? cr : !cr;
	c = f[2];

	if (!(c & 0x01)) { /* I-frame */
		if (tx)
			ctr->iframes_tx++;
		else
			ctr->iframes_rx++;
		return;
	}
	if ((c & 0x03) == 0x01) { /* S-frame: RR/RNR/REJ, P/F in the 2nd octet */
		bool pf = len >= 4 && (f[3] & 0x01);

		if (tx && command && pf && dc->l2 == ISDN_L2_MULTIPLE_FRAME_ESTABLISHED)
			dchan_set_l2(dc, ISDN_L2_TIMER_RECOVERY);
		else if (!tx && !command && pf && dc->l2 == ISDN_L2_TIMER_RECOVERY)
			dchan_set_l2(dc, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
		return;
	}
	switch (c & ~LAPD_PF) {
	case LAPD_U_SABME:
		if (tx) {
			ctr->sabme_tx++;
			dchan_set_l2(dc, ISDN_L2_AWAITING_ESTABLISHMENT);
		} else {
			ctr->sabme_rx++;
			dc->peer_ucmd = LAPD_U_SABME;
			dc->rx_vr = 0; /* libpri answers with UA and resets V(R) */
		}
		break;
	case LAPD_U_UA:
		if (tx) {
			ctr->ua_tx++;
			/* our UA answers the peer's last SABME or DISC */
			if (dc->peer_ucmd == LAPD_U_SABME) {
				if (dc->l2 == ISDN_L2_AWAITING_ESTABLISHMENT && !dc->raw_tx)
					dc->ua_inject = true; /* see dchan_rx_frame() */
				dchan_set_l2(dc, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
			}
			else if (dc->peer_ucmd == LAPD_U_DISC)
				dchan_set_l2(dc, ISDN_L2_TEI_ASSIGNED);
		} else {
			ctr->ua_rx++;
			if (dc->l2 == ISDN_L2_AWAITING_ESTABLISHMENT)
				dc->rx_vr = 0; /* our SABME answered: V(R) = 0 */
			if (dc->l2 == ISDN_L2_AWAITING_ESTABLISHMENT)
				dchan_set_l2(dc, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
			else if (dc->l2 == ISDN_L2_AWAITING_RELEASE)
				dchan_set_l2(dc, ISDN_L2_TEI_ASSIGNED);
		}
		break;
	case LAPD_U_DISC:
		if (tx) {
			ctr->disc_tx++;
			dchan_set_l2(dc, ISDN_L2_AWAITING_RELEASE);
		} else {
			ctr->disc_rx++;
			dc->peer_ucmd = LAPD_U_DISC;
		}
		break;
	case LAPD_U_DM:
		if (tx) {
			ctr->dm_tx++;
		} else {
			ctr->dm_rx++;
			if (dc->l2 != ISDN_L2_TEI_UNASSIGNED)
				dchan_set_l2(dc, ISDN_L2_TEI_ASSIGNED);
		}
		break;
	default:
		break;
	}
}

/* A SAPI 0 I-frame (hdr 4) or UI frame (hdr 3) on a valid address: Q.931 inside. 0 if not. */
static unsigned int dchan_l3_hdr(const uint8_t *f, int len)
{
	if (len < 3 || (f[0] & 0xfd) != 0x00 || !(f[1] & 0x01))
		return 0; /* SAPI 0 (C/R masked), EA 0 then 1 */
	if (!(f[2] & 0x01))
		return len >= 4 ? 4 : 0;
	if ((f[2] & ~LAPD_PF) == LAPD_U_UI)
		return 3;
	return 0;
}

/* Let the layer 3 hook rewrite a Q.931 message libpri sends (queued frame f). */
static void dchan_l3_tx(struct dchan *dc, struct dchan_txf *f)
{
	unsigned int hdr = dchan_l3_hdr(f->buf, f->len);
	int n;

	if (!dc->cfg.l3_tx || !hdr)
		return;
	n = dc->cfg.l3_tx(dc, f->buf + hdr, f->len - hdr, hdr == 4 ? f->buf[2] >> 1 : -1,
			  dc->l3_txbuf, sizeof(dc->l3_txbuf), dc->cfg.arg);
	if (n < 0 || hdr + (unsigned int)n > DCHAN_MAX_FRAME)
		return;
	memcpy(f->buf + hdr, dc->l3_txbuf, (size_t)n);
	f->len = (uint16_t)(hdr + (unsigned int)n);
}

/* libpri wants to send: len includes 2 FCS placeholders, which HDLC computes instead. */
static int dchan_pri_write(struct pri *pri, void *buf, int buflen)
{
	struct dchan *dc = pri_get_userdata(pri);
	struct dchan_txf *f;
	int len = buflen - 2;

	if (!dc || len < DCHAN_MIN_FRAME)
		return buflen;
	if (dc->discard_tx) {
		/* layer 1 down: the frame is lost on the line, but libpri's state moved */
		if (len >= 3) {
			dc->discard_ctr = true;
			dchan_frame_track(dc, buf, len, true, dc->network);
			dc->discard_ctr = false;
		}
		return buflen;
	}
	if (len > DCHAN_MAX_FRAME || dc->txq_n == DCHAN_TXQ) {
		dc->ctr.txq_drops++;
		dchan_log(dc, 2, LOGL_ERROR, "TX frame dropped (len %d, queue %u)", len,
			  dc->txq_n);
		return buflen; /* Q.921 recovers by retransmission */
	}
	f = &dc->txq[(dc->txq_head + dc->txq_n) % DCHAN_TXQ];
	memcpy(f->buf, buf, (size_t)len);
	f->len = (uint16_t)len;
	dchan_l3_tx(dc, f);
	dc->txq_n++;
	dchan_frame_seen(dc, f->buf, f->len, true);
	return buflen;
}

/* Shortest frame handed to isdnhdlc's encoder (see dchan_send_frame). */
#define DCHAN_MIN_TX 2

int dchan_send_frame(struct dchan *dc, const uint8_t *frame, unsigned int len)
{
	struct dchan_txf *f;

	/* runts down to 2 octets may go out (fuzzing the peer's receiver), but not 1: isdnhdlc's
	 * encoder spins forever on a 1-octet frame queued right after a closing flag */
	if (!dc || !frame || len < DCHAN_MIN_TX || len > DCHAN_MAX_FRAME)
		return -EINVAL;
	if (dc->discard_tx)
		return -ENETDOWN;
	if (dc->txq_n == DCHAN_TXQ)
		return -ENOSPC;
	f = &dc->txq[(dc->txq_head + dc->txq_n) % DCHAN_TXQ];
	memcpy(f->buf, frame, len);
	f->len = (uint16_t)len;
	dc->txq_n++;
	/* counted and captured, but not libpri's: it says nothing of libpri's layer 2 state */
	dc->raw_tx = true;
	dchan_frame_seen(dc, f->buf, (int)len, true);
	dc->raw_tx = false;
	return 0;
}

/* libpri reads the frame dchan_rx is delivering: one frame plus 2 dummy FCS octets. */
static int dchan_pri_read(struct pri *pri, void *buf, int buflen)
{
	struct dchan *dc = pri_get_userdata(pri);
	int len;

	if (!dc || !dc->rd_frame)
		return 0;
	len = dc->rd_len;
	if (len + 2 > buflen)
		len = buflen - 2;
	if (len < 0)
		return 0;
	memcpy(buf, dc->rd_frame, (size_t)len);
	memset((uint8_t *)buf + len, 0, 2);
	dc->rd_frame = NULL;
	return len + 2;
}

static void dchan_deliver(struct dchan *dc, pri_event *ev)
{
	if (!ev)
		return;
	switch (ev->e) {
	case PRI_EVENT_DCHAN_UP:
		dchan_log(dc, 2, LOGL_INFO, "D-channel up");
		dchan_set_l2(dc, ISDN_L2_MULTIPLE_FRAME_ESTABLISHED);
		break;
	case PRI_EVENT_DCHAN_DOWN:
		dchan_log(dc, 2, LOGL_INFO, "D-channel down");
		if (dc->l2 == ISDN_L2_MULTIPLE_FRAME_ESTABLISHED ||
		    dc->l2 == ISDN_L2_TIMER_RECOVERY)
			dchan_set_l2(dc, ISDN_L2_TEI_ASSIGNED);
		break;
	default:
		break;
	}
	if (dc->cfg.event)
		dc->cfg.event(dc, ev, dc->cfg.arg);
}

/*
 * Feed libpri a U frame as the peer would send it: a command carries C/R=1 from the network
 * side and C/R=0 from the user side, a response the opposite (Q.921 table 1).
 */
static void dchan_inject_u(struct dchan *dc, uint8_t ctrl, bool command)
{
	bool cr = dc->network ? !command : command; /* the peer is the other side */
	uint8_t f[3] = { cr ? 0x02 : 0x00, 0x01, ctrl };

	if (command)
		dc->peer_ucmd = ctrl & ~LAPD_PF;
	dc->rd_frame = f;
	dc->rd_len = sizeof(f);
	dchan_deliver(dc, pri_check_event(dc->pri));
	dc->rd_frame = NULL;
}

/* Hand one received LAPD frame (FCS already checked and stripped) to libpri. */
static void dchan_rx_frame(struct dchan *dc, const uint8_t *f, int len)
{
	unsigned int hdr;

	dchan_frame_seen(dc, f, len, false);
	if (len < 3) {
		dc->ctr.short_frames++;
		return;
	}
	if (!dc->pri || !dc->l1_up)
		return;
	hdr = dchan_l3_hdr(f, len);
	if (hdr && dc->cfg.l3_rx) {
		bool fresh = true;
		int n;

		if (hdr == 4) {
			fresh = (f[2] >> 1) == dc->rx_vr;
			if (fresh)
				dc->rx_vr = (dc->rx_vr + 1) & 0x7f;
		}
		n = dc->cfg.l3_rx(dc, f + hdr, (unsigned int)len - hdr, fresh, dc->l3_buf + hdr,
				  sizeof(dc->l3_buf) - hdr, dc->cfg.arg);
		if (n == 0 && hdr == 3)
			return; /* a UI frame the guard drops */
		if (n >= 0 && hdr + (unsigned int)n <= DCHAN_MAX_FRAME) {
			memcpy(dc->l3_buf, f, hdr);
			f = dc->l3_buf;
			len = (int)hdr + n;
		}
	}
	dc->rd_frame = f;
	dc->rd_len = len;
	dchan_deliver(dc, pri_check_event(dc->pri));
	dc->rd_frame = NULL;
	/*
	 * Both sides send SABME when the link starts. libpri answers the peer's SABME with UA
	 * but, while its own SABME is unanswered (lost to a layer 1 flap, or crossing), stays
	 * in AWAITING_ESTABLISHMENT until T200 and then sends SABME again, which resets the
	 * link the peer already uses and loses what the peer sent meanwhile (design.md 7: the
	 * SETUP lost after link-up). The link is in fact up once we sent that UA: tell libpri
	 * with the UA it is waiting for.
	 */
	if (dc->ua_inject) {
		dc->ua_inject = false;
		if (dc->pri && dc->l1_up)
			dchan_inject_u(dc, LAPD_U_UA | LAPD_PF, false);
	}
}

void dchan_rx(struct dchan *dc, const uint8_t *octets, unsigned int n)
{
	int left = (int)n;
	int guard = 8 * (int)n + 8; /* each call consumes an octet or ends a frame */

	/*
	 * decode() may complete a frame on bits still held from the previous call's last
	 * octet: then it returns the frame with *count == 0. Only "0, nothing consumed" means
	 * it needs more input.
	 */
	while (left > 0 && guard-- > 0) {
		int count = 0;
		int rc = osmo_isdnhdlc_decode(&dc->rx_hdlc, octets, left, &count, dc->rx_buf,
					      sizeof(dc->rx_buf));

		if (count < 0 || count > left)
			count = left;
		octets += count;
		left -= count;
		if (rc > 0)
			dchan_rx_frame(dc, dc->rx_buf, rc);
		else if (rc == -OSMO_HDLC_CRC_ERROR)
			dc->ctr.hdlc_crc_err++;
		else if (rc == -OSMO_HDLC_FRAMING_ERROR)
			dc->ctr.hdlc_abort++;
		else if (rc == -OSMO_HDLC_LENGTH_ERROR)
			dc->ctr.hdlc_overlong++;
		else if (count == 0)
			break;
	}
	dchan_timers(dc);
}

void dchan_tx(struct dchan *dc, uint8_t *octets, unsigned int n)
{
	unsigned int filled = 0;

	while (filled < n) {
		struct dchan_txf *f = dc->txq_n ? &dc->txq[dc->txq_head] : NULL;
		const uint8_t *src;
		int slen, count = 0, rc;

		if (f && f->len < DCHAN_MIN_TX) { /* never a 1-octet frame (dchan_send_frame) */
			dc->txq_head = (dc->txq_head + 1) % DCHAN_TXQ;
			dc->txq_n--;
			dc->tx_pos = 0;
			continue;
		}
		src = f ? f->buf + dc->tx_pos : NULL;
		slen = f ? f->len - dc->tx_pos : 0;
		rc = osmo_isdnhdlc_encode(&dc->tx_hdlc, src, (uint16_t)slen, &count,
					      octets + filled, (int)(n - filled));

		if (rc <= 0) {
			memset(octets + filled, 0x7e, n - filled);
			break;
		}
		filled += (unsigned int)rc;
		if (f) {
			dc->tx_pos += count;
			if (dc->tx_pos >= f->len) {
				dc->txq_head = (dc->txq_head + 1) % DCHAN_TXQ;
				dc->txq_n--;
				dc->tx_pos = 0;
			}
		}
	}
}

void dchan_timers(struct dchan *dc)
{
	pri_event *ev;
	int guard = 64;

	if (!dc->pri)
		return;
	while (guard-- > 0 && (ev = pri_schedule_run(dc->pri)))
		dchan_deliver(dc, ev);
}

uint32_t dchan_next_timeout_ms(struct dchan *dc, uint32_t max_ms)
{
	struct timeval *next, now;
	int64_t ms;

	if (!dc->pri)
		return max_ms;
	next = pri_schedule_next(dc->pri);
	if (!next)
		return max_ms;
	gettimeofday(&now, NULL);
	ms = ((int64_t)next->tv_sec - now.tv_sec) * 1000 +
	     ((int64_t)next->tv_usec - now.tv_usec + 999) / 1000;
	if (ms < 0)
		return 0;
	return ms < max_ms ? (uint32_t)ms : max_ms;
}

void dchan_apply_timers(struct dchan *dc)
{
	unsigned int i;

	if (!dc->pri)
		return;
	for (i = 0; i < dc->cfg.n_timers; i++)
		if (pri_set_timer(dc->pri, dc->cfg.timers[i].id, dc->cfg.timers[i].value) < 0)
			dchan_log(dc, 2, LOGL_ERROR, "libpri refused timer %d = %d",
				  dc->cfg.timers[i].id, dc->cfg.timers[i].value);
}

unsigned int dchan_active_calls(struct dchan *dc)
{
	unsigned int n = 0;
	char *s, *p;

	if (!dc->pri)
		return 0;
	s = pri_dump_info_str(dc->pri);
	if (!s)
		return 0;
	p = strstr(s, "Total active-calls:");
	if (p)
		n = (unsigned int)strtoul(p + strlen("Total active-calls:"), NULL, 10);
	free(s);
	return n;
}

int dchan_init(struct dchan *dc, const struct dchan_cfg *cfg)
{
	static bool hooks_set;

	if (!dc || !cfg || (cfg->nodetype != PRI_CPE && cfg->nodetype != PRI_NETWORK))
		return -EINVAL;
	if (!hooks_set) {
		pri_set_message(dchan_pri_message);
		pri_set_error(dchan_pri_error);
		hooks_set = true;
	}
	memset(dc, 0, sizeof(*dc));
	dc->cfg = *cfg;
	dc->network = cfg->nodetype == PRI_NETWORK;
	dc->l2 = ISDN_L2_TEI_UNASSIGNED;
	dc->discard_tx = true;
	osmo_isdnhdlc_rcv_init(&dc->rx_hdlc, OSMO_HDLC_F_BITREVERSE);
	osmo_isdnhdlc_out_init(&dc->tx_hdlc, OSMO_HDLC_F_BITREVERSE);
	return 0;
}


int dchan_l1(struct dchan *dc, bool up)
{
	if (up == dc->l1_up)
		return 0;
	dc->l1_up = up;
	dchan_log(dc, 2, LOGL_INFO, "layer 1 %s", up ? "up" : "down");
	if (up) {
		/* restart HDLC: whatever was half-sent or half-received is gone */
		osmo_isdnhdlc_rcv_init(&dc->rx_hdlc, OSMO_HDLC_F_BITREVERSE);
		osmo_isdnhdlc_out_init(&dc->tx_hdlc, OSMO_HDLC_F_BITREVERSE);
		dc->txq_n = 0;
		dc->tx_pos = 0;
		dc->discard_tx = false;
		dc->rx_vr = 0;
		if (!dc->pri) {
			/* pri_new_cb sends SABME from inside: the I/O must be ready now */
			dc->pri = pri_new_cb(-1, dc->cfg.nodetype, dc->cfg.switchtype,
					     dchan_pri_read, dchan_pri_write, dc);
			if (!dc->pri) {
				dc->discard_tx = true;
				return -ENOMEM;
			}
			pri_set_debug(dc->pri, dc->cfg.pri_debug);
		}
		dchan_apply_timers(dc);
		return 0;
	}
	/* down: tell libpri the link is gone, then black-hole its frames until L1 is back */
	dc->discard_tx = true;
	dc->txq_n = 0;
	dc->tx_pos = 0;
	if (dc->pri && (dc->l2 == ISDN_L2_MULTIPLE_FRAME_ESTABLISHED ||
			dc->l2 == ISDN_L2_TIMER_RECOVERY)) {
		dchan_inject_u(dc, LAPD_U_DISC | LAPD_PF, true);
		/* libpri answered with UA (discarded) and may already retry SABME */
		if (dc->l2 != ISDN_L2_AWAITING_ESTABLISHMENT)
			dchan_set_l2(dc, ISDN_L2_TEI_ASSIGNED);
	}
	/* AWAITING_ESTABLISHMENT stays: libpri keeps sending SABME every T200 */
	return 0;
}
