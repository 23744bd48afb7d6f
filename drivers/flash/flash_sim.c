// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the flash simulator lands. */
#include <errno.h>

#include "flash_sim.h"

static const struct flash_ops flash_sim_ops;

int flash_sim_init(struct flash_dev *dev, const char *path, int cut_at)
{
	dev->name = "flash0";
	dev->ops = &flash_sim_ops;
	return 0;
}
