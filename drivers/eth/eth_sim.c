// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the tap driver lands. */
#include <errno.h>

#include "eth_sim.h"

int eth_sim_init(struct eth_dev *dev, const char *name)
{
	return -ENOTSUP;
}
