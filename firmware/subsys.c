// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>

#include <hlgw/subsys.h>

/* Init order: the store (saved config text), then the modules the config configures, then the
 * console, which replays the saved configuration into them and starts taking commands. */
const struct hlgw_subsys *const hlgw_subsystems[] = {
	&store_subsys, &cdr_subsys, &span_subsys, &isdn_subsys, &net_subsys, &sip_subsys,
	&route_subsys, &call_subsys, &cli_subsys, NULL,
};
