/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test scaffolding shared by the unit tests that run lwIP through firmware/net: a fake eth_dev
 * that records every frame linkoutput hands it, segment by segment (bytes and where they
 * live, for zero-copy checks), frame builders to inject ARP/IPv4 through its RX callback, and
 * the teardown check that lwIP's pools are back to zero.
 */
#ifndef HLGW_TESTS_ETH_FAKE_H
#define HLGW_TESTS_ETH_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drv/eth.h>

#define ETH_FAKE_MAX_TX 512 /* frames recorded at most */
#define ETH_FAKE_MAX_SEG 32 /* segments per frame */

struct eth_fake_frame {
	unsigned int nseg;
	const uint8_t *seg[ETH_FAKE_MAX_SEG]; /* as handed to send(): zero-copy identity */
	size_t seg_len[ETH_FAKE_MAX_SEG];
	size_t len;
	uint8_t data[1600]; /* the segments, concatenated */
};

extern struct eth_dev eth_fake_dev;		/* get_mac() gives eth_fake_mac */
extern const uint8_t eth_fake_mac[6];		/* 02:11:22:33:44:55 */
extern struct eth_fake_frame eth_fake_tx[ETH_FAKE_MAX_TX];
extern unsigned int eth_fake_ntx;		/* frames in eth_fake_tx */

/*
 * What send() does with one frame more than max_tx (at most ETH_FAKE_MAX_TX): fail the test,
 * or (keep_last) record it over the last slot so ntx stays max_tx. Also empties the record.
 * Defaults: ETH_FAKE_MAX_TX, fail.
 */
void eth_fake_set_limit(unsigned int max_tx, bool keep_last);

/* Called by send() after recording frame f (e.g. to note buffer state at send time). */
extern void (*eth_fake_on_send)(struct eth_fake_frame *f);

/* Forget the recorded frames. */
void eth_fake_reset(void);

/* Hand frame to the netif through the RX callback that start() kept (fails if not started). */
void eth_fake_inject(const void *frame, size_t len);

/* Inject an ARP request (op 1, broadcast) or reply (op 2, to eth_fake_mac) from ip/mac to
 * target_ip. */
void eth_fake_inject_arp(uint16_t op, uint32_t ip, const uint8_t mac[6], uint32_t target_ip);

/* Writes an Ethernet header at f; returns its length (14). */
size_t eth_fake_eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type);

/* Writes an IPv4 header (20 octets, TTL 64, checksum set) at ip; frag is the flags+offset
 * field (offset in 8-octet units). */
void eth_fake_ip_hdr(uint8_t *ip, uint16_t tot_len, uint16_t id, uint16_t frag, uint8_t proto,
		     uint32_t src, uint32_t dst);

/* RFC 1071 sum of p[0..len) on top of sum; returns the complement (0 for a correct header or
 * message). */
uint16_t eth_fake_csum(const uint8_t *p, size_t len, uint32_t sum);

/* Asserts that lwIP holds nothing: every memp pool but the timeouts' and the heap unused, and,
 * with errors_too, no allocation ever failed. */
void eth_fake_pools_idle(bool errors_too);

/* Network-order readers and writers. */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

#endif
