/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sim flash: a file (or RAM when path is NULL) with power-cut fault injection. */
#ifndef DRV_FLASH_SIM_H
#define DRV_FLASH_SIM_H

#include <drv/flash.h>

#define FLASH_SIM_SIZE (1024 * 1024)
#define FLASH_SIM_SECTOR 4096

/* cut_at >= 0: the cut_at-th program call writes only part of its data, then the process
 * "loses power" (exits). Returns 0 or -errno. */
int flash_sim_init(struct flash_dev *dev, const char *path, int cut_at);

#endif
