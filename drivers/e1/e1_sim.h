/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sim E1 framer: the box's end of a sim E1 line (design.md section 5), a software G.704
 * framer on a UNIX SOCK_SEQPACKET connection to the telco side.
 */
#ifndef DRV_E1_SIM_H
#define DRV_E1_SIM_H

#include <drv/e1_framer.h>

/* Set up dev for span nr on the telco side's socket path. No I/O until start. */
int e1_sim_init(struct e1_framer_dev *dev, unsigned int nr, const char *path);

/* Test backdoors */
/* Blocks received and sent, and line messages of the wrong size dropped. */
void e1_sim_get_stats(const struct e1_framer_dev *dev, uint32_t *rx_blocks, uint32_t *tx_blocks,
		      uint32_t *bad_msgs);

#endif
