/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firmware/net internals: the Ethernet netif glue (net_eth.c) and the lwIP port. */
#ifndef HLGW_NET_INT_H
#define HLGW_NET_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "autoconf.h"
#include "lwip/netif.h"

struct eth_dev;

/* Most pbufs one frame may span before linkoutput flattens it (a DMA chain's length). */
#define NET_ETH_MAX_SEG 16
/* Largest frame accepted: 1500 octets MTU + Ethernet header + one VLAN tag. */
#define NET_ETH_MAX_FRAME 1518

/*
 * Small receive buffers (net_eth.c): frames up to NET_RX_SMALL_FRAME octets (RTP: 214 for
 * 20 ms PCMA, 294 for 30 ms) go into one of NET_RX_SMALL_BUFS buffers of NET_RX_SMALL_BUFSIZE
 * octets, larger ones into PBUF_POOL. The default holds 30 channels' jitter buffers at their
 * cap (32 + the packet played last, 990 buffers) with room for other traffic. 0: no pool.
 * NET_RX_SMALL_BUFS may be set on the compiler's command line (bench variants).
 */
#ifndef NET_RX_SMALL_BUFS
#ifdef CONFIG_LWIP_RX_SMALL_BUFS
#define NET_RX_SMALL_BUFS CONFIG_LWIP_RX_SMALL_BUFS
#else
#define NET_RX_SMALL_BUFS 1100
#endif
#endif
#ifdef CONFIG_LWIP_RX_SMALL_BUFSIZE
#define NET_RX_SMALL_BUFSIZE CONFIG_LWIP_RX_SMALL_BUFSIZE
#else
#define NET_RX_SMALL_BUFSIZE 320
#endif
/* Octets before the frame in a small buffer: puts the IP header on a 4-byte boundary. */
#define NET_RX_PAD 2
#define NET_RX_SMALL_FRAME (NET_RX_SMALL_BUFSIZE - NET_RX_PAD)
/* What one small buffer costs in RAM (the buffer and its pbuf_custom). */
#define NET_RX_SMALL_ELEM (sizeof(struct pbuf_custom) + NET_RX_SMALL_BUFSIZE)

/* Build the free list (net_init); returns without touching it while buffers are held. */
void net_rxpool_init(void);
/* A pbuf of len octets (<= NET_RX_SMALL_FRAME) in a small buffer, or NULL when none is
 * free (or len is larger). pbuf_free() gives it back when its last reference goes. */
struct pbuf *net_rxpool_alloc(uint16_t len);
/* Buffers in use now and at most since boot. */
void net_rxpool_stats(uint16_t *used, uint16_t *max_used);
/* Does ptr point into the small buffers' memory? (tests, diagnostics) */
bool net_rxpool_holds(const void *ptr);

struct net_eth_ctr {
	uint32_t rx_packets, rx_drops, rx_errors;
	uint32_t rx_small;	    /* frames received into small buffers */
	uint32_t rx_small_fallback; /* small frames put into PBUF_POOL: no small buffer free */
	uint32_t rx_nobuf;	    /* frames dropped: no buffer of either kind (in rx_drops) */
	uint32_t tx_packets, tx_errors;
	uint32_t tx_flattened; /* chains longer than NET_ETH_MAX_SEG sent from a copy */
	uint64_t rx_octets, tx_octets;
};

/* An lwIP netif on an eth_dev; netif.state points back here. */
struct net_eth {
	struct netif netif;
	const struct eth_dev *dev;
	struct net_eth_ctr ctr;
};

/* netif_add() init callback: state must be a struct net_eth with dev set. */
err_t net_eth_netif_init(struct netif *netif);
/* Start receiving (eth_start with our RX callback); returns 0 or a negative errno. */
int net_eth_start(struct net_eth *ne);
void net_eth_stop(struct net_eth *ne);

/* lwIP assertions/errors seen since boot (net_port.c). */
extern uint32_t net_port_errors;

#endif
