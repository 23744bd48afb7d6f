/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Media packet buffers for caller -> advisor RTP (design.md sections 3 and 7): one buffer is
 * one packet, built so that lwIP sends it without copying:
 *
 *   struct pbuf_custom | pad 2 | Ethernet 14 | IPv4 20 | UDP 8 | RTP 12 | A-law samples ...
 *                      ^ mem                                            ^ mem + 56
 *
 * The samples are written in place (the framer's TDM routing stores them there); the RTP
 * header goes into the headroom in front of them; media_buf_pbuf() makes a PBUF_RAM custom
 * pbuf over the RTP header + samples whose struct lies right before the memory, so lwIP
 * writes UDP, IP and Ethernet headers into the headroom and linkoutput gets one segment
 * inside this buffer. The 2-octet pad (lwIP aligns the payload offset to MEM_ALIGNMENT)
 * puts the IP header on a 4-octet boundary, and the samples on an 8-octet one.
 * While lwIP holds a pbuf (ARP unresolved, a DMA MAC) the buffer must not be written: the
 * custom free callback says when it is back.
 */
#ifndef HLGW_MEDIA_BUF_H
#define HLGW_MEDIA_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "autoconf.h"
#include "lwip/pbuf.h"

#ifndef CONFIG_MEDIA_TX_STREAMS
#define CONFIG_MEDIA_TX_STREAMS 30 /* caller -> advisor streams at once: one span's B-channels */
#endif
#ifndef CONFIG_MEDIA_TX_RING
#define CONFIG_MEDIA_TX_RING 4 /* buffers per stream: one filling, the rest with lwIP/the MAC */
#endif
#define MEDIA_BUF_COUNT (CONFIG_MEDIA_TX_STREAMS * CONFIG_MEDIA_TX_RING)

#define MEDIA_BUF_NET_HLEN (PBUF_LINK_HLEN + PBUF_IP_HLEN + 8) /* Ethernet + IPv4 + UDP: 42 */
#define MEDIA_BUF_RTP_HLEN 12
#define MEDIA_BUF_RTP_OFF LWIP_MEM_ALIGN_SIZE(MEDIA_BUF_NET_HLEN)	 /* 44 */
#define MEDIA_BUF_PAYLOAD_OFF (MEDIA_BUF_RTP_OFF + MEDIA_BUF_RTP_HLEN) /* 56 */
#define MEDIA_BUF_MAX_PAYLOAD 240 /* 30 ms of A-law */
#define MEDIA_BUF_MEM_SIZE (MEDIA_BUF_PAYLOAD_OFF + MEDIA_BUF_MAX_PAYLOAD)

struct media_buf {
	struct pbuf_custom pc; /* first, and right before mem (design.md section 7) */
	uint8_t mem[MEDIA_BUF_MEM_SIZE] __attribute__((aligned(8)));
	void *owner;		/* the stream whose ring it is in; NULL: back to the pool */
	bool held;		/* a pbuf over it is alive (lwIP or the MAC has it) */
	struct media_buf *next; /* pool free list */
};

/* A buffer from the static pool, or NULL when all MEDIA_BUF_COUNT are taken. */
struct media_buf *media_buf_get(void);
/* Give a buffer back to the pool (not while held). */
void media_buf_put(struct media_buf *mb);
/* Buffers in the pool. */
unsigned int media_buf_available(void);

static inline uint8_t *media_buf_payload(struct media_buf *mb)
{
	return mb->mem + MEDIA_BUF_PAYLOAD_OFF;
}
static inline uint8_t *media_buf_rtp(struct media_buf *mb)
{
	return mb->mem + MEDIA_BUF_RTP_OFF;
}
static inline struct media_buf *media_buf_from_pbuf(struct pbuf *p)
{
	return (struct media_buf *)(void *)((uint8_t *)p - offsetof(struct media_buf, pc));
}

/* A custom pbuf over the RTP header + n_samples samples, marking the buffer held; free_fn
 * runs (from pbuf_free) when lwIP and the caller are done with it and must clear held.
 * Returns NULL when n_samples exceeds MEDIA_BUF_MAX_PAYLOAD or the buffer is held. Inline:
 * it is on the per-packet path. */
static inline struct pbuf *media_buf_pbuf(struct media_buf *mb, unsigned int n_samples,
					  pbuf_free_custom_fn free_fn)
{
	struct pbuf *p;

	if (n_samples > MEDIA_BUF_MAX_PAYLOAD || mb->held)
		return NULL;
	mb->pc.custom_free_function = free_fn;
	/* the layer offset makes lwIP's payload the RTP header, MEDIA_BUF_RTP_OFF into mem */
	p = pbuf_alloced_custom((pbuf_layer)MEDIA_BUF_NET_HLEN,
				(u16_t)(MEDIA_BUF_RTP_HLEN + n_samples), PBUF_RAM, &mb->pc, mb->mem,
				sizeof(mb->mem));
	if (p)
		mb->held = true;
	return p;
}

#endif
