// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lwIP netif over the eth_dev class.
 * TX is zero-copy: linkoutput hands the driver one scatter-gather segment per pbuf of the
 * chain, pointing into the pbufs themselves (media buffers built as custom pbufs go out from
 * the same memory the echo canceller worked in, design.md section 3). The eth_dev contract
 * is that send() is done with the segments when it returns (the tap writev()s them; a DMA
 * driver would need a TX-done callback and a pbuf_ref() held until then).
 * RX copies: eth_rx_cb lends the frame only for the callback. As a MAC with a small- and a
 * large-buffer descriptor ring would, frames up to NET_RX_SMALL_FRAME octets (RTP) go into a
 * small buffer (below), larger ones into a PBUF_POOL pbuf (one pool buffer holds a
 * whole frame): the jitter buffer holds received RTP pbufs for up to 200 ms, and 1,536-octet
 * pool buffers for that would cost seven times the memory. Small buffers all in use: the
 * frame goes to the pool (counted); the pool empty too: dropped (counted). Zero-copy RX would
 * need the class to lend its receive buffers as custom pbufs; with one copy at 1 frame per
 * ms of RTP it is not worth it.
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

/*
 * Small receive buffers (net_int.h): what a MAC's second, small-buffer descriptor ring gives.
 * RTP frames (214 octets for 20 ms PCMA) sit in the jitter buffer for up to 200 ms; in a
 * 1,536-octet PBUF_POOL pbuf each pins seven times its size and 30 channels empty the pool.
 * Frames up to NET_RX_SMALL_FRAME octets go into one of these instead: a custom pbuf
 * (struct pbuf_custom right before its memory, as for media TX: lwIP's header-room check
 * then works and an ICMP echo reply still goes out of the received buffer) that returns to
 * a free list when its last reference goes. pbuf_ref/pbuf_free work on it as on any pbuf.
 * The frame starts NET_RX_PAD octets into the memory so that the IP header is 4-aligned.
 */
#if NET_RX_SMALL_BUFS > 65535
#error "NET_RX_SMALL_BUFS: at most 65535 (16-bit counters)"
#endif
#if NET_RX_SMALL_BUFSIZE < 64 + NET_RX_PAD || NET_RX_SMALL_BUFSIZE > 1536
#error "NET_RX_SMALL_BUFSIZE: 66 to 1536 octets"
#endif

#if NET_RX_SMALL_BUFS > 0
struct net_rxbuf {
	struct pbuf_custom pc; /* first: the struct pbuf is the buffer's address */
	uint8_t mem[NET_RX_SMALL_BUFSIZE];
};

static struct net_rxbuf net_rxbufs[NET_RX_SMALL_BUFS];
static struct pbuf *net_rxfree; /* free buffers, chained through pbuf.next */
static uint16_t net_rx_used, net_rx_max_used;

/* lwIP calls this when the last reference to a small buffer goes. */
static void net_rxpool_free(struct pbuf *p)
{
	p->next = net_rxfree;
	net_rxfree = p;
	net_rx_used--;
}

void net_rxpool_init(void)
{
	unsigned int i;

	if (net_rx_used) {
		/* buffers still held somewhere: keep the list as it is */
		LOGP(DNET, LOGL_ERROR, "rx pool: init with %u buffers in use\n", net_rx_used);
		return;
	}
	net_rxfree = NULL;
	for (i = NET_RX_SMALL_BUFS; i-- > 0;) {
		net_rxbufs[i].pc.custom_free_function = net_rxpool_free;
		net_rxbufs[i].pc.pbuf.next = net_rxfree;
		net_rxfree = &net_rxbufs[i].pc.pbuf;
	}
	net_rx_max_used = 0;
}

struct pbuf *net_rxpool_alloc(uint16_t len)
{
	struct net_rxbuf *b = (struct net_rxbuf *)net_rxfree;
	struct pbuf *p;

	if (!b || len > NET_RX_SMALL_FRAME)
		return NULL;
	net_rxfree = b->pc.pbuf.next;
	p = pbuf_alloced_custom(PBUF_RAW, (u16_t)(len + NET_RX_PAD), PBUF_RAM, &b->pc, b->mem,
				sizeof(b->mem));
	/* cannot fail: len fits (checked above), the memory is aligned */
	pbuf_remove_header(p, NET_RX_PAD);
	if (++net_rx_used > net_rx_max_used)
		net_rx_max_used = net_rx_used;
	return p;
}

void net_rxpool_stats(uint16_t *used, uint16_t *max_used)
{
	*used = net_rx_used;
	*max_used = net_rx_max_used;
}

bool net_rxpool_holds(const void *ptr)
{
	const uint8_t *b = ptr, *base = (const uint8_t *)net_rxbufs;

	return b >= base && b < base + sizeof(net_rxbufs);
}
#else
void net_rxpool_init(void)
{
}

struct pbuf *net_rxpool_alloc(uint16_t len)
{
	return NULL;
}

void net_rxpool_stats(uint16_t *used, uint16_t *max_used)
{
	*used = 0;
	*max_used = 0;
}

bool net_rxpool_holds(const void *ptr)
{
	return false;
}
#endif

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
	p = NULL;
	if (len <= NET_RX_SMALL_FRAME) {
		p = net_rxpool_alloc((u16_t)len);
		if (p) {
			ne->ctr.rx_small++;
			memcpy(p->payload, frame, len);
		} else if (NET_RX_SMALL_BUFS) {
			ne->ctr.rx_small_fallback++;
		}
	}
	if (!p) {
		p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
		if (!p) {
			ne->ctr.rx_drops++;
			ne->ctr.rx_nobuf++;
			LINK_STATS_INC(link.memerr);
			LINK_STATS_INC(link.drop);
			MIB2_STATS_NETIF_INC(netif, ifindiscards);
			return;
		}
		pbuf_take(p, frame, (u16_t)len);
	}
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
