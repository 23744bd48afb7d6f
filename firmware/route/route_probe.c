// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reachability: an advisor that did not respond (no answer at all to an INVITE, 408, 503,
 * transport failure) is marked unreachable and probed with OPTIONS (the SIP module's
 * keep-alive); callers skip it meanwhile instead of waiting out its ring timeout. When the
 * probe is answered the advisor is reachable again and the probe is dropped. The keep-alive
 * has SIP_KA_MAX targets: with none free the advisor is not marked (it only counts a miss).
 * Targets that somebody else set up (the console, the proxy) count as well.
 */
#include <errno.h>
#include <string.h>

#include <hlgw/log.h>
#include <hlgw/sip.h>

#include "route_int.h"

static struct {
	char uri[SIP_URI_MAX];
	bool used, drop; /* drop: answered, remove from the main loop (not inside the callback) */
} route_probes[SIP_KA_MAX];

int route_probe_add(const char *uri)
{
	unsigned int i, free_i = SIP_KA_MAX;
	int rc;

	for (i = 0; i < SIP_KA_MAX; i++) {
		if (route_probes[i].used && !strcmp(route_probes[i].uri, uri)) {
			route_probes[i].drop = false;
			return 0;
		}
		if (!route_probes[i].used && free_i == SIP_KA_MAX)
			free_i = i;
	}
	if (free_i == SIP_KA_MAX)
		return -ENOSPC;
	rc = sip_ka_add(uri);
	if (rc < 0)
		return rc;
	strncpy(route_probes[free_i].uri, uri, SIP_URI_MAX - 1);
	route_probes[free_i].uri[SIP_URI_MAX - 1] = 0;
	route_probes[free_i].used = true;
	route_probes[free_i].drop = false;
	LOGP(DROUTE, LOGL_INFO, "probing %s with OPTIONS until it answers\n", uri);
	return 0;
}

void route_probe_state(const char *uri, enum sip_ka_state state)
{
	unsigned int i;

	if (!uri || state == SIP_KA_UNKNOWN)
		return;
	route_advisor_reachable(uri, state == SIP_KA_UP);
	for (i = 0; state == SIP_KA_UP && i < SIP_KA_MAX; i++)
		if (route_probes[i].used && !strcmp(route_probes[i].uri, uri))
			route_probes[i].drop = true;
}

void route_probe_work(void)
{
	unsigned int i;

	for (i = 0; i < SIP_KA_MAX; i++) {
		if (!route_probes[i].used || !route_probes[i].drop)
			continue;
		sip_ka_remove(route_probes[i].uri);
		route_probes[i].used = false;
	}
}

void route_probe_init(void)
{
	memset(route_probes, 0, sizeof(route_probes));
}
