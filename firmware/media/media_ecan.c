// SPDX-License-Identifier: GPL-2.0-or-later
/* The media channels' echo canceller pool and its run on a wrapping reference (media_ecan.h). */
#include <errno.h>

#include "media_ecan.h"

#if CONFIG_ECAN_CHANNELS > 0
static uint8_t media_ecan_mem[CONFIG_ECAN_CHANNELS][MEDIA_ECAN_BYTES] __attribute__((aligned(16)));
#else
static uint8_t media_ecan_mem[1][8] __attribute__((aligned(16)));
#endif
static bool media_ecan_used[CONFIG_ECAN_CHANNELS > 0 ? CONFIG_ECAN_CHANNELS : 1];

int media_ecan_get(struct media_ecan *me, int taps, bool nlp)
{
	int i, rc;

	if (!me || taps <= 0)
		return -EINVAL;
	me->ec = NULL;
	if (taps > MEDIA_ECAN_TAPS_MAX)
		taps = MEDIA_ECAN_TAPS_MAX;
	for (i = 0; i < CONFIG_ECAN_CHANNELS; i++)
		if (!media_ecan_used[i])
			break;
	if (i >= CONFIG_ECAN_CHANNELS)
		return -ENOSPC;
	/* every call: the tail may differ from the slot's last one */
	rc = ecan_init(&me->ec, media_ecan_mem[i], sizeof(media_ecan_mem[i]), taps);
	if (rc < 0)
		return rc;
	ecan_set_nlp(me->ec, nlp);
	media_ecan_used[i] = true;
	me->slot = i;
	me->taps = taps;
	me->nlp = nlp;
	return 0;
}

void media_ecan_put(struct media_ecan *me)
{
	if (!me || !me->ec)
		return;
	media_ecan_used[me->slot] = false;
	me->ec = NULL;
}

void media_ecan_run(struct media_ecan *me, uint8_t *sin, unsigned int n, const uint8_t *ring,
		    unsigned int len, unsigned int end)
{
	unsigned int start = (end + len - n % len) % len;

	if (!me->ec || !n || n > len)
		return;
	if (start + n <= len) {
		ecan_process_alaw(me->ec, sin, ring + start, (int)n);
		return;
	}
	ecan_process_alaw(me->ec, sin, ring + start, (int)(len - start));
	ecan_process_alaw(me->ec, sin + (len - start), ring, (int)(n - (len - start)));
}

unsigned int media_ecan_available(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < CONFIG_ECAN_CHANNELS; i++)
		n += !media_ecan_used[i];
	return n;
}
