/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firmware/net internals: the Ethernet netif glue (net_eth.c) and the lwIP port. */
#ifndef HLGW_NET_INT_H
#define HLGW_NET_INT_H

#include <stdint.h>

#include "lwip/netif.h"

struct eth_dev;

/* Most pbufs one frame may span before linkoutput flattens it (a DMA chain's length). */
#define NET_ETH_MAX_SEG 16
/* Largest frame accepted: 1500 octets MTU + Ethernet header + one VLAN tag. */
#define NET_ETH_MAX_FRAME 1518

struct net_eth_ctr {
	uint32_t rx_packets, rx_drops, rx_errors;
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
