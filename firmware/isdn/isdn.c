// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the module lands. */
#include <hlgw/subsys.h>

const struct hlgw_subsys isdn_subsys = { .name = "isdn" };
