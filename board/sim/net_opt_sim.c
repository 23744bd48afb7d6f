// SPDX-License-Identifier: GPL-2.0-or-later
/* The sim board's --ip option (see net_opt_sim.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hlgw/net.h>

#include "net_opt_sim.h"

static int sim_net_parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

int sim_net_opt(const char *arg)
{
	char buf[64], *slash, *comma, *end;
	struct net_cfg cfg = { 0 };
	long len;

	if (!arg || strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	comma = strchr(buf, ',');
	if (comma) {
		*comma++ = '\0';
		if (sim_net_parse_ip(comma, &cfg.gw) < 0)
			return -EINVAL;
	}
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash++ = '\0';
	errno = 0;
	len = strtol(slash, &end, 10);
	if (errno || end == slash || *end || len < 1 || len > 32)
		return -EINVAL;
	if (sim_net_parse_ip(buf, &cfg.addr) < 0)
		return -EINVAL;
	cfg.mask = len == 32 ? 0xffffffffu : ~(0xffffffffu >> len);
	return net_set_cfg(&cfg);
}
