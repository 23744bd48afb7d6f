// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lwIP netif over the eth_dev class.
 * TX is zero-copy: linkoutput hands the driver one scatter-gather segment per pbuf of the
 * chain, pointing into the pbufs themselves (media buffers built as custom pbufs go out from
 * the same memory the echo canceller worked in, design.md section 3). The eth_dev contract
 * is that send() is done with the segments when it returns (the tap writev()s them; a DMA
 * driver would need a TX-done callback and a pbuf_ref() held until then).
 * RX copies: eth_rx_cb lends the frame only for the callback, so it goes into a PBUF_POOL
 * pbuf (one pool buffer holds a whole frame). Zero-copy RX would need the class to lend its
 * receive buffers as custom pbufs; with one copy at 1 frame per ms of RTP it is not worth it.
 */
#include <errno.h>
#include <string.h>

#include <drv/eth.h>
#include <hlgw/log.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/snmp.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#include "net_int.h"

static void net_eth_rx(void *arg, const uint8_t *frame, size_t len)
{
	struct net_eth *ne = arg;
	struct netif *netif = &ne->netif;
	struct pbuf *p;

	if (len < SIZEOF_ETH_HDR || len > NET_ETH_MAX_FRAME) {
		ne->ctr.rx_errors++;
		LINK_STATS_INC(link.lenerr);
		LINK_STATS_INC(link.drop);
		return;
	}
	ne->ctr.rx_octets += len;
	MIB2_STATS_NETIF_ADD(netif, ifinoctets, len);
	if (!netif_is_up(netif) || !netif_is_link_up(netif)) {
		ne->ctr.rx_drops++;
		MIB2_STATS_NETIF_INC(netif, ifindiscards);
		return;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (!p) {
		ne->ctr.rx_drops++;
		LINK_STATS_INC(link.memerr);
		LINK_STATS_INC(link.drop);
		MIB2_STATS_NETIF_INC(netif, ifindiscards);
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	ne->ctr.rx_packets++;
	LINK_STATS_INC(link.recv);
	if (frame[0] & 1)
		MIB2_STATS_NETIF_INC(netif, ifinnucastpkts);
	else
		MIB2_STATS_NETIF_INC(netif, ifinucastpkts);
	if (netif->input(p, netif) != ERR_OK) {
		ne->ctr.rx_drops++;
		pbuf_free(p);
	}
}

static err_t net_eth_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct net_eth *ne = netif->state;
	const void *seg[NET_ETH_MAX_SEG];
	size_t seg_len[NET_ETH_MAX_SEG];
	struct pbuf *q, *flat = NULL;
	unsigned int n = 0;
	int rc;

	for (q = p; q; q = q->next) {
		if (!q->len)
			continue;
		if (n == NET_ETH_MAX_SEG)
			break;
		seg[n] = q->payload;
		seg_len[n++] = q->len;
	}
	if (q) {
		/* longer chain than a descriptor list: send it from one copy (counted) */
		flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (!flat) {
			ne->ctr.tx_errors++;
			LINK_STATS_INC(link.memerr);
			MIB2_STATS_NETIF_INC(netif, ifoutdiscards);
			return ERR_MEM;
		}
		ne->ctr.tx_flattened++;
		seg[0] = flat->payload;
		seg_len[0] = flat->len;
		n = 1;
	}
	rc = eth_send(ne->dev, seg, seg_len, n);
	if (flat)
		pbuf_free(flat);
	if (rc < 0) {
		ne->ctr.tx_errors++;
		LINK_STATS_INC(link.err);
		MIB2_STATS_NETIF_INC(netif, ifouterrors);
		return rc == -ENOMEM || rc == -EAGAIN || rc == -ENOBUFS ? ERR_MEM : ERR_IF;
	}
	ne->ctr.tx_packets++;
	ne->ctr.tx_octets += p->tot_len;
	LINK_STATS_INC(link.xmit);
	MIB2_STATS_NETIF_ADD(netif, ifoutoctets, p->tot_len);
	if (((const uint8_t *)p->payload)[0] & 1)
		MIB2_STATS_NETIF_INC(netif, ifoutnucastpkts);
	else
		MIB2_STATS_NETIF_INC(netif, ifoutucastpkts);
	return ERR_OK;
}

err_t net_eth_netif_init(struct netif *netif)
{
	struct net_eth *ne = netif->state;
	int rc;

	LWIP_ERROR("net_eth: no device", ne && ne->dev, return ERR_ARG);
	rc = eth_get_mac(ne->dev, netif->hwaddr);
	if (rc < 0) {
		LOGP(DNET, LOGL_ERROR, "%s: no MAC address (%d)\n", ne->dev->name, rc);
		return ERR_IF;
	}
	netif->hwaddr_len = ETH_HWADDR_LEN;
	netif->name[0] = 'e';
	netif->name[1] = 't';
	netif->mtu = 1500;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif->output = etharp_output;
	netif->linkoutput = net_eth_linkoutput;
	MIB2_INIT_NETIF(netif, snmp_ifType_ethernet_csmacd, 100000000);
	return ERR_OK;
}

int net_eth_start(struct net_eth *ne)
{
	return eth_start(ne->dev, net_eth_rx, ne);
}

void net_eth_stop(struct net_eth *ne)
{
	eth_stop(ne->dev);
}
