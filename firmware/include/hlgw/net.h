/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IP networking: lwIP (NO_SYS) on the board's Ethernet device. */
#ifndef HLGW_NET_H
#define HLGW_NET_H

#include <stdbool.h>
#include <stdint.h>

/* Addresses in host byte order; 0 = unset. */
struct net_cfg {
	uint32_t addr;
	uint32_t mask;
	uint32_t gw;
};

struct net_status {
	bool present; /* the board has an Ethernet device */
	bool up;      /* admin up and address set */
	uint8_t mac[6];
	uint32_t rx_packets, tx_packets, rx_drops, tx_errors;
	uint32_t icmp_echo_rx;
	uint16_t mtu;
	uint32_t icmp_echo_tx; /* echo replies sent */
	uint64_t rx_octets, tx_octets;
	uint32_t lwip_errors; /* lwIP assertions/errors logged since boot (0 in a healthy box) */
	/* Receive buffers: small ones for frames up to rx_small_size - 2 octets (RTP), the
	 * PBUF_POOL (rx_pool_size octets each) for larger frames and when no small one is free */
	uint32_t rx_small;	    /* frames received into small buffers */
	uint32_t rx_small_fallback; /* small frames put into the pool: no small buffer free */
	uint32_t rx_nobuf;	    /* frames dropped for want of any buffer (also in rx_drops) */
	uint16_t rx_small_bufs, rx_small_size, rx_small_used, rx_small_max_used;
	uint16_t rx_pool_bufs, rx_pool_size, rx_pool_used, rx_pool_max_used;
};

void net_get_cfg(struct net_cfg *cfg);
/* Apply a new address/mask/gateway; returns 0 or -EINVAL (mask not contiguous, gateway off
 * subnet, address is network/broadcast). */
int net_set_cfg(const struct net_cfg *cfg);
/* Interface state and counters for `show ip interface`; returns 0 or -EINVAL. */
int net_get_status(struct net_status *st);

#endif
