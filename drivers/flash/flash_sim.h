/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sim flash: a file (or RAM when path is NULL) with power-cut fault injection. */
#ifndef DRV_FLASH_SIM_H
#define DRV_FLASH_SIM_H

#include <drv/flash.h>

#include "autoconf.h"

/* config store at 0, routing tables after it (Kconfig ROUTE_FLASH_*) */
#define FLASH_SIM_SIZE CONFIG_FLASH_SIM_SIZE
#define FLASH_SIM_SECTOR 4096

/* A NOR flash: erase sets whole sectors to 0xff, program only clears bits (new = old & data).
 * path: image file (created erased when missing or short), NULL: RAM only.
 * cut_at >= 0: program call number cut_at (counted from 1 since init; 0 counts as 1) writes
 * only the first half of its data, then the process "loses power" (_exit(3)).
 * Returns 0 or -errno. */
int flash_sim_init(struct flash_dev *dev, const char *path, int cut_at);

/* Release the device's memory and file (tests that init many devices). */
void flash_sim_exit(struct flash_dev *dev);

/* Test backdoors for in-process unit tests. */

/* Arm a cut without exiting: the call-th program call from now (1 = the next one) writes only
 * its first `bytes` octets and returns -EIO; later calls work again. call 0 disarms. */
void flash_sim_set_cut(struct flash_dev *dev, unsigned int call, size_t bytes);
/* Program calls made since init. */
unsigned int flash_sim_program_count(const struct flash_dev *dev);
/* Direct access to the image (corrupt a byte, inspect contents). */
uint8_t *flash_sim_image(struct flash_dev *dev);

#endif
