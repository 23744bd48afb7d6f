// SPDX-License-Identifier: GPL-2.0-or-later
/* Local RTP port pairs: a bitmap over the configured range, handed out next fit. */
#include <errno.h>
#include <string.h>

#include <hlgw/media.h>

#include "media_port.h"

static uint16_t media_port_min = MEDIA_PORT_DEFAULT_MIN;
static unsigned int media_port_pairs = (MEDIA_PORT_DEFAULT_MAX + 1 - MEDIA_PORT_DEFAULT_MIN) / 2;
static unsigned int media_port_next; /* pair to try first */
static unsigned int media_port_used;
static uint32_t media_port_map[MEDIA_PORT_MAX_PAIRS / 32];

int media_port_set_range(uint16_t min, uint16_t max)
{
	unsigned int pairs;

	if (min & 1 || min < 1024 || max <= min)
		return -EINVAL;
	pairs = (unsigned int)(max + 1u - min) / 2;
	if (pairs > MEDIA_PORT_MAX_PAIRS)
		return -EINVAL;
	if (media_port_used)
		return -EBUSY;
	media_port_min = min;
	media_port_pairs = pairs;
	media_port_next = 0;
	memset(media_port_map, 0, sizeof(media_port_map));
	return 0;
}

void media_port_get_range(uint16_t *min, uint16_t *max)
{
	if (min)
		*min = media_port_min;
	if (max)
		*max = (uint16_t)(media_port_min + 2 * media_port_pairs - 1);
}

int media_port_alloc(uint16_t *port)
{
	unsigned int i, k = media_port_next;

	for (i = 0; i < media_port_pairs; i++, k++) {
		if (k >= media_port_pairs)
			k = 0;
		if (media_port_map[k / 32] & (1u << (k % 32)))
			continue;
		media_port_map[k / 32] |= 1u << (k % 32);
		media_port_used++;
		media_port_next = k + 1;
		*port = (uint16_t)(media_port_min + 2 * k);
		return 0;
	}
	return -ENOSPC;
}

void media_port_free(uint16_t port)
{
	unsigned int k;

	if (port < media_port_min || (port - media_port_min) & 1)
		return;
	k = (unsigned int)(port - media_port_min) / 2;
	if (k >= media_port_pairs || !(media_port_map[k / 32] & (1u << (k % 32))))
		return;
	media_port_map[k / 32] &= ~(1u << (k % 32));
	media_port_used--;
}

unsigned int media_port_in_use(void)
{
	return media_port_used;
}
