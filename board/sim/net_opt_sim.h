/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SIM_NET_OPT_H
#define SIM_NET_OPT_H

/*
 * --ip A.B.C.D/NN[,GW]: the box's IPv4 address from the command line, handed to
 * net_set_cfg() (applied when the network starts). A stop-gap for tests until the console's
 * `ip address` replays from the factory configuration; the console overrides it.
 * Returns 0 or -EINVAL.
 */
int sim_net_opt(const char *arg);

#endif
