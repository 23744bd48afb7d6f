// SPDX-License-Identifier: GPL-2.0-or-later
/* firmware/dsp/ecan behind the g168 engine interface (bench and unit tests). */
#include <stdlib.h>

#include "dsp/ecan.h"
#include "ec_ours.h"

static void *ours_create(int taps)
{
	size_t len = ecan_size(taps);
	void *mem = len ? aligned_alloc(16, (len + 15) & ~(size_t)15) : NULL;
	struct ecan *ec;

	if (!mem || ecan_init(&ec, mem, len, taps)) {
		free(mem);
		return NULL;
	}
	return ec;
}

static void ours_process(void *st, int16_t *sin, const int16_t *ref, int n)
{
	ecan_process(st, sin, ref, n);
}

static int ours_set_nlp(void *st, int on)
{
	return ecan_set_nlp(st, on);
}

static int ours_latency(void *st)
{
	return ecan_latency(st);
}

const struct g168_engine ec_ours_engine = {
	.name = "hlgw",
	.create = ours_create,
	.process = ours_process,
	.destroy = free, /* the state is the block handed to ecan_init */
	.latency = ours_latency,
	.set_nlp = ours_set_nlp,
};
