// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SDP offer/answer (RFC 3264, RFC 4566) for the one media the box carries: the E1 timeslot's
 * A-law octets as PCMA/8000 (PT 8), DTMF as telephone-event/8000 (PT 101, events 0-15), 20 ms
 * packets. Offers and answers (to a re-INVITE's offer: its payload types, the direction
 * answering its own, RFC 3264 6.1) are built as text; SDP received goes through oSIP's
 * sdp_message parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_port.h>

#include "sip_int.h"

#define SIP_SDP_PT_PCMA 8
#define SIP_SDP_PT_TE 101

static const char *const sip_dir_names[] = {
	[SIP_DIR_SENDRECV] = "sendrecv",
	[SIP_DIR_SENDONLY] = "sendonly",
	[SIP_DIR_RECVONLY] = "recvonly",
	[SIP_DIR_INACTIVE] = "inactive",
};

int sip_sdp_build(char *buf, size_t size, uint32_t addr, uint16_t rtp_port, uint32_t sess_id,
		  uint32_t sess_version, int pcma_pt, int te_pt, enum sip_dir dir)
{
	char ip[16];
	int n;

	if (!buf || !addr || !rtp_port || pcma_pt < 0 || pcma_pt > 127 || te_pt > 127 ||
	    (unsigned int)dir > SIP_DIR_INACTIVE)
		return -EINVAL;
	sip_ip_str(ip, addr);
	/* one snprintf each way: call set-up counts them (~1,000 instructions apiece) */
	if (te_pt >= 0)
		n = snprintf(buf, size,
			     "v=0\r\no=hlgw %u %u IN IP4 %s\r\ns=hlgw\r\nc=IN IP4 %s\r\nt=0 0\r\n"
			     "m=audio %u RTP/AVP %d %d\r\na=rtpmap:%d PCMA/8000\r\n"
			     "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\n"
			     "a=ptime:20\r\na=%s\r\n",
			     sess_id, sess_version, ip, ip, rtp_port, pcma_pt, te_pt, pcma_pt, te_pt,
			     te_pt, sip_dir_names[dir]);
	else
		n = snprintf(buf, size,
			     "v=0\r\no=hlgw %u %u IN IP4 %s\r\ns=hlgw\r\nc=IN IP4 %s\r\nt=0 0\r\n"
			     "m=audio %u RTP/AVP %d\r\na=rtpmap:%d PCMA/8000\r\n"
			     "a=ptime:20\r\na=%s\r\n",
			     sess_id, sess_version, ip, ip, rtp_port, pcma_pt, pcma_pt,
			     sip_dir_names[dir]);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}

int sip_sdp_offer(char *buf, size_t size, uint32_t addr, uint16_t rtp_port, uint32_t sess_id,
		  uint32_t sess_version, bool hold)
{
	return sip_sdp_build(buf, size, addr, rtp_port, sess_id, sess_version, SIP_SDP_PT_PCMA,
			     SIP_SDP_PT_TE, hold ? SIP_DIR_SENDONLY : SIP_DIR_SENDRECV);
}

enum sip_dir sip_sdp_answer_dir(enum sip_dir offered)
{
	switch (offered) {
	case SIP_DIR_SENDONLY:
		return SIP_DIR_RECVONLY;
	case SIP_DIR_RECVONLY:
		return SIP_DIR_SENDONLY;
	case SIP_DIR_INACTIVE:
		return SIP_DIR_INACTIVE;
	default:
		return SIP_DIR_SENDRECV;
	}
}

/* A direction attribute name, or -1 */
static int sip_sdp_dir_of(const char *f)
{
	unsigned int i;

	for (i = 0; i < sizeof(sip_dir_names) / sizeof(sip_dir_names[0]); i++)
		if (!strcasecmp(f, sip_dir_names[i]))
			return (int)i;
	return -1;
}

/* "a=rtpmap:PT ENC/RATE[/CH]" value part: PT and encoding name/rate */
static int sip_sdp_rtpmap(const char *val, int *pt, char *enc, size_t enc_size)
{
	char *end;
	long v = strtol(val, &end, 10);
	size_t n;

	if (end == val || v < 0 || v > 127 || *end != ' ')
		return -EINVAL;
	while (*end == ' ')
		end++;
	n = strcspn(end, " ");
	if (n >= enc_size)
		return -EINVAL;
	memcpy(enc, end, n);
	enc[n] = 0;
	*pt = (int)v;
	return 0;
}

/* Is payload type pt listed on media line mi? */
static bool sip_sdp_has_pt(sdp_message_t *sdp, int mi, int pt)
{
	char *p;
	int i;

	for (i = 0; (p = sdp_message_m_payload_get(sdp, mi, i)); i++)
		if (atoi(p) == pt && *p >= '0' && *p <= '9')
			return true;
	return false;
}

/* Pick PCMA and telephone-event from audio stream mi. */
static int sip_sdp_codecs(struct sip_media *m, sdp_message_t *sdp, int mi)
{
	bool pcma_mapped = false;
	char *f, *v;
	int i;

	m->pcma_pt = 0xff;
	m->te_pt = -1;
	for (i = 0; (f = sdp_message_a_att_field_get(sdp, mi, i)); i++) {
		char enc[32];
		int pt;

		v = sdp_message_a_att_value_get(sdp, mi, i);
		if (!strcasecmp(f, "ptime") && v) {
			int pt_ms = atoi(v);

			if (pt_ms >= 10 && pt_ms <= 60 && pt_ms % 10 == 0)
				m->ptime = (uint8_t)pt_ms;
		} else if (sip_sdp_dir_of(f) >= 0) {
			m->dir = (uint8_t)sip_sdp_dir_of(f); /* the media level wins */
		} else if (!strcasecmp(f, "rtpmap") && v &&
			   sip_sdp_rtpmap(v, &pt, enc, sizeof(enc)) == 0 &&
			   sip_sdp_has_pt(sdp, mi, pt)) {
			if (!strcasecmp(enc, "PCMA/8000") || !strcasecmp(enc, "PCMA/8000/1")) {
				/* prefer the static 8 when both appear */
				if (m->pcma_pt == 0xff || pt == SIP_SDP_PT_PCMA)
					m->pcma_pt = (uint8_t)pt;
				pcma_mapped = true;
			} else if (!strcasecmp(enc, "telephone-event/8000") && m->te_pt < 0) {
				m->te_pt = (int16_t)pt;
			} else if (pt == SIP_SDP_PT_PCMA) {
				/* PT 8 remapped to something else: not PCMA */
				pcma_mapped = true;
			}
		}
	}
	/* static payload type 8 without an rtpmap line is PCMA (RFC 3551) */
	if (m->pcma_pt == 0xff && !pcma_mapped && sip_sdp_has_pt(sdp, mi, SIP_SDP_PT_PCMA))
		m->pcma_pt = SIP_SDP_PT_PCMA;
	return m->pcma_pt == 0xff ? -EPROTO : 0;
}

int sip_sdp_answer_parse(struct sip_media *m, const char *body, size_t len)
{
	sdp_message_t *sdp = NULL;
	char *text, *media, *port, *addr, *proto;
	int rc = -ENOENT, mi, i, sess_dir = SIP_DIR_SENDRECV;
	char *f;

	if (!m || !body)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	text = osip_malloc(len + 1); /* the parser wants a terminated string */
	if (!text)
		return -ENOMEM;
	memcpy(text, body, len);
	text[len] = 0;
	if (sdp_message_init(&sdp) != 0) {
		osip_free(text);
		return -ENOMEM;
	}
	if (sdp_message_parse(sdp, text) != 0) {
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; (f = sdp_message_a_att_field_get(sdp, -1, i)); i++)
		if (sip_sdp_dir_of(f) >= 0)
			sess_dir = sip_sdp_dir_of(f);
	for (mi = 0; (media = sdp_message_m_media_get(sdp, mi)); mi++) {
		long p;
		char *end;

		if (strcasecmp(media, "audio"))
			continue;
		port = sdp_message_m_port_get(sdp, mi);
		proto = sdp_message_m_proto_get(sdp, mi);
		if (!port || !proto || strcasecmp(proto, "RTP/AVP"))
			continue;
		p = strtol(port, &end, 10);
		if (end == port || *end || p <= 0 || p > 65535)
			continue; /* port 0: stream rejected */
		addr = sdp_message_c_addr_get(sdp, mi, 0);
		if (!addr)
			addr = sdp_message_c_addr_get(sdp, -1, 0);
		if (!addr || sip_parse_ipv4(&m->addr, addr) < 0)
			continue;
		m->port = (uint16_t)p;
		m->ptime = 20;
		/* RFC 3264 8.4: c=0.0.0.0 is the old way to hold: like sendonly */
		m->dir = (uint8_t)(m->addr ? sess_dir : sess_dir == SIP_DIR_INACTIVE ?
						      SIP_DIR_INACTIVE : SIP_DIR_SENDONLY);
		rc = sip_sdp_codecs(m, sdp, mi);
		m->sendonly = m->dir == SIP_DIR_SENDONLY || m->dir == SIP_DIR_INACTIVE ||
			      !m->addr;
		if (rc == 0)
			break;
	}
out:
	sdp_message_free(sdp);
	osip_free(text);
	if (rc)
		memset(m, 0, sizeof(*m));
	return rc;
}
