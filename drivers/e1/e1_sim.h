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
/* One 1 ms chunk of aligned frames (rx) through the framer's output side as if the line had
 * delivered it, without a socket: TDM RX routing, the chunk callback, TDM TX routing, the
 * end-of-buffer callbacks. tx gets the chunk that would go to the line (TS0 not yet framed).
 * Returns 0 or -EINVAL. */
int e1_sim_run_chunk(const struct e1_framer_dev *dev, const uint8_t *rx, uint8_t *tx);

#endif
