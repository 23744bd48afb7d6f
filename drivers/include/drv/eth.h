/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ethernet MAC device class: whole frames in and out, no IP knowledge. */
#ifndef DRV_ETH_H
#define DRV_ETH_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

struct eth_dev;

/* A frame arrived; the callee copies or consumes it before returning. */
typedef void (*eth_rx_cb)(void *arg, const uint8_t *frame, size_t len);

struct eth_ops {
	int (*start)(const struct eth_dev *dev, eth_rx_cb rx, void *arg);
	int (*stop)(const struct eth_dev *dev);
	/* Send one frame made of n segments (scatter-gather, as a DMA descriptor chain would). */
	int (*send)(const struct eth_dev *dev, const void *const *seg, const size_t *seg_len,
		    unsigned int n);
	int (*get_mac)(const struct eth_dev *dev, uint8_t mac[6]);
};

struct eth_dev {
	const char *name;
	const struct eth_ops *ops;
	const void *cfg;
	void *priv;
};

static inline int eth_start(const struct eth_dev *dev, eth_rx_cb rx, void *arg)
{
	return dev->ops->start ? dev->ops->start(dev, rx, arg) : -ENOTSUP;
}
static inline int eth_stop(const struct eth_dev *dev)
{
	return dev->ops->stop ? dev->ops->stop(dev) : -ENOTSUP;
}
static inline int eth_send(const struct eth_dev *dev, const void *const *seg,
			   const size_t *seg_len, unsigned int n)
{
	return dev->ops->send ? dev->ops->send(dev, seg, seg_len, n) : -ENOTSUP;
}
static inline int eth_get_mac(const struct eth_dev *dev, uint8_t mac[6])
{
	return dev->ops->get_mac ? dev->ops->get_mac(dev, mac) : -ENOTSUP;
}

#endif
