/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sim Ethernet: a Linux tap device. */
#ifndef DRV_ETH_SIM_H
#define DRV_ETH_SIM_H

#include <stdint.h>

#include <drv/eth.h>

/*
 * Open tap interface name (created when missing, attached when it exists, e.g. made
 * persistent with `ip tuntap add`). The MAC is 02:xx:xx:xx:xx:xx from a hash of the name, so
 * it is the same across restarts. Nothing is received before eth_start().
 * Returns 0 or -errno (-ENAMETOOLONG, and open/ioctl errors such as -EPERM).
 */
int eth_sim_init(struct eth_dev *dev, const char *name);

/* Test backdoor: the driver's counters. */
struct eth_sim_stats {
	uint32_t rx_frames, rx_errors, rx_oversize;
	uint32_t tx_frames, tx_errors, tx_busy;
	uint32_t tx_nocarrier; /* dropped while the host side of the tap was down */
	uint32_t rx_max_batch; /* most frames read in one wakeup */
};
int eth_sim_get_stats(const struct eth_dev *dev, struct eth_sim_stats *st);

#endif
