// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IP networking: lwIP 2.1.3 (NO_SYS) on the board's Ethernet device, driven by the main loop.
 * Frames arrive through the driver's callback inside board_wait() and go straight into lwIP;
 * work() runs lwIP's timers. The address is runtime configuration (console `ip address`,
 * net_set_cfg()); until one is set the interface stays down and answers nothing.
 */
#include <errno.h>
#include <string.h>

#include <drv/eth.h>
#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/net.h>
#include <hlgw/subsys.h>

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "net_int.h"

static struct net_eth net_eth0;
static struct net_cfg net_cur;	/* what the operator set, applied when the netif exists */
static bool net_have_netif;
static bool net_started;	/* net_set_cfg() before start (command line, replay) waits */

static void net_ip_str(char *buf, size_t size, uint32_t host_order)
{
	ip4_addr_t a;

	ip4_addr_set_u32(&a, lwip_htonl(host_order));
	ip4addr_ntoa_r(&a, buf, (int)size);
}

static void net_apply(void)
{
	struct netif *netif = &net_eth0.netif;
	ip4_addr_t a, m, g;
	char s[3][IP4ADDR_STRLEN_MAX];

	if (!net_have_netif)
		return;
	ip4_addr_set_u32(&a, lwip_htonl(net_cur.addr));
	ip4_addr_set_u32(&m, lwip_htonl(net_cur.mask));
	ip4_addr_set_u32(&g, lwip_htonl(net_cur.gw));
	if (!net_cur.addr) {
		netif_set_down(netif);
		netif_set_addr(netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
		LOGP(DNET, LOGL_NOTICE, "%c%c: no address, interface down\n", netif->name[0],
		     netif->name[1]);
		return;
	}
	netif_set_addr(netif, &a, &m, &g);
	netif_set_up(netif);
	net_ip_str(s[0], sizeof(s[0]), net_cur.addr);
	net_ip_str(s[1], sizeof(s[1]), net_cur.mask);
	net_ip_str(s[2], sizeof(s[2]), net_cur.gw);
	LOGP(DNET, LOGL_NOTICE, "%c%c: address %s mask %s gateway %s\n", netif->name[0],
	     netif->name[1], s[0], s[1], net_cur.gw ? s[2] : "none");
}

/* A mask is contiguous when its complement is 2^k - 1. */
static bool net_mask_ok(uint32_t m)
{
	uint32_t host = ~m;

	return m && !(host & (host + 1));
}

/* A unicast address usable on this subnet: not 0/8, loopback, class D/E, network, broadcast. */
static bool net_host_ok(uint32_t a, uint32_t m)
{
	uint8_t first = (uint8_t)(a >> 24);

	if (first == 0 || first == 127 || first >= 224)
		return false;
	return (a & ~m) != 0 && (a & ~m) != ~m;
}

void net_get_cfg(struct net_cfg *cfg)
{
	if (cfg)
		*cfg = net_cur;
}

int net_set_cfg(const struct net_cfg *cfg)
{
	if (!cfg)
		return -EINVAL;
	if (!cfg->addr) {
		/* "no ip address": everything cleared */
		if (cfg->mask || cfg->gw)
			return -EINVAL;
	} else {
		/* /31 and /32 leave no room for a gateway or peer on a LAN: refuse them */
		if (!net_mask_ok(cfg->mask) || (~cfg->mask) < 3)
			return -EINVAL;
		if (!net_host_ok(cfg->addr, cfg->mask))
			return -EINVAL;
		if (cfg->gw && ((cfg->gw & cfg->mask) != (cfg->addr & cfg->mask) ||
				cfg->gw == cfg->addr || !net_host_ok(cfg->gw, cfg->mask)))
			return -EINVAL;
	}
	net_cur = *cfg;
	if (net_started)
		net_apply();
	return 0;
}

int net_get_status(struct net_status *st)
{
	const struct netif *netif = &net_eth0.netif;
	const struct net_eth_ctr *c = &net_eth0.ctr;

	if (!st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->present = net_have_netif;
	st->lwip_errors = net_port_errors;
	st->icmp_echo_rx = lwip_stats.mib2.icmpinechos;
	st->icmp_echo_tx = lwip_stats.mib2.icmpoutechoreps;
	if (!net_have_netif)
		return 0;
	st->up = netif_is_up(netif) && !ip4_addr_isany_val(*netif_ip4_addr(netif));
	memcpy(st->mac, netif->hwaddr, sizeof(st->mac));
	st->mtu = netif->mtu;
	st->rx_packets = c->rx_packets;
	st->tx_packets = c->tx_packets;
	st->rx_drops = c->rx_drops + c->rx_errors;
	st->tx_errors = c->tx_errors;
	st->rx_octets = c->rx_octets;
	st->tx_octets = c->tx_octets;
	st->rx_small = c->rx_small;
	st->rx_small_fallback = c->rx_small_fallback;
	st->rx_nobuf = c->rx_nobuf;
	st->rx_small_bufs = NET_RX_SMALL_BUFS;
	st->rx_small_size = NET_RX_SMALL_BUFS ? NET_RX_SMALL_BUFSIZE : 0;
	net_rxpool_stats(&st->rx_small_used, &st->rx_small_max_used);
	st->rx_pool_bufs = PBUF_POOL_SIZE;
	st->rx_pool_size = PBUF_POOL_BUFSIZE;
	st->rx_pool_used = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	st->rx_pool_max_used = lwip_stats.memp[MEMP_PBUF_POOL]->max;
	return 0;
}

static void net_status_cb(struct netif *netif)
{
	LOGP(DNET, LOGL_INFO, "%c%c: %s\n", netif->name[0], netif->name[1],
	     netif_is_up(netif) ? "up" : "down");
}

static int net_init(struct board *b)
{
	struct netif *netif = &net_eth0.netif;

	lwip_init();
	net_rxpool_init();
	if (!b->eth) {
		LOGP(DNET, LOGL_NOTICE, "no Ethernet device: IP networking off\n");
		return 0;
	}
	net_eth0.dev = b->eth;
	if (!netif_add(netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, &net_eth0,
		       net_eth_netif_init, ethernet_input)) {
		LOGP(DNET, LOGL_ERROR, "%s: netif_add failed\n", b->eth->name);
		return -EIO;
	}
	netif_set_status_callback(netif, net_status_cb);
	netif_set_default(netif);
	net_have_netif = true;
	LOGP(DNET, LOGL_NOTICE, "%c%c on %s, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
	     netif->name[0], netif->name[1], b->eth->name, netif->hwaddr[0], netif->hwaddr[1],
	     netif->hwaddr[2], netif->hwaddr[3], netif->hwaddr[4], netif->hwaddr[5]);
	return 0;
}

static int net_start(void)
{
	int rc;

	if (!net_have_netif)
		return 0;
	rc = net_eth_start(&net_eth0);
	if (rc < 0) {
		LOGP(DNET, LOGL_ERROR, "%s: start failed (%d)\n", net_eth0.dev->name, rc);
		return rc;
	}
	netif_set_link_up(&net_eth0.netif);
	net_started = true;
	/* an address set before start (saved config, command line) takes effect now */
	net_apply();
	return 0;
}

static uint32_t net_next_timeout_ms(void)
{
	return sys_timeouts_sleeptime();
}

static void net_work(void)
{
	sys_check_timeouts();
}

static void net_stop(void)
{
	if (!net_have_netif)
		return;
	net_started = false;
	netif_set_down(&net_eth0.netif);
	netif_set_link_down(&net_eth0.netif);
	net_eth_stop(&net_eth0);
}

const struct hlgw_subsys net_subsys = {
	.name = "net",
	.init = net_init,
	.start = net_start,
	.next_timeout_ms = net_next_timeout_ms,
	.work = net_work,
	.stop = net_stop,
};
