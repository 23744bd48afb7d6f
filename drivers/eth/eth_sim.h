/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sim Ethernet: a Linux tap device. */
#ifndef DRV_ETH_SIM_H
#define DRV_ETH_SIM_H

#include <drv/eth.h>

/* Open (creating if needed) tap interface name; returns 0 or -errno. */
int eth_sim_init(struct eth_dev *dev, const char *name);

#endif
