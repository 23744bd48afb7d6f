// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * G.826 error performance (see g826.h for the rules). Every second is counted at once by the
 * availability state it arrives in; when a run of 10 moves the path between available and
 * unavailable time, the 9 seconds before the current one are moved to where they belong,
 * in the interval they were counted in (the current one or the one just completed).
 */
#include <errno.h>
#include <string.h>

#include "g826.h"

int g826_init(struct g826 *g, bool crc4)
{
	if (!g)
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	g->crc4 = crc4;
	return 0;
}

/* The counts a second was put in, or NULL when that interval is gone. */
static struct g826_counts *g826_counts_of(struct g826 *g, uint32_t ivl)
{
	if (ivl == g->ivl)
		return &g->cur;
	if (ivl + 1 == g->ivl && g->hcount)
		return &g->hist[(g->hhead + G826_HISTORY - 1) % G826_HISTORY];
	return NULL;
}

/* Move the previous 9 seconds between available and unavailable time. */
static void g826_backdate(struct g826 *g, bool to_unavailable)
{
	for (unsigned i = 0; i < G826_UAS_RUN - 1; i++) {
		const struct g826_sec *s = &g->recent[i];
		struct g826_counts *c = g826_counts_of(g, s->ivl);
		if (!c)
			continue;
		if (to_unavailable) { /* they were SES, hence ES, without BBE */
			c->es -= s->es;
			c->ses -= s->ses;
			c->uas++;
		} else { /* they were UAS */
			c->uas--;
			c->es += s->es;
			c->bbe += s->bbe;
		}
	}
}

static void g826_rollover(struct g826 *g)
{
	g->hist[g->hhead] = g->cur;
	g->hhead = (g->hhead + 1) % G826_HISTORY;
	if (g->hcount < G826_HISTORY)
		g->hcount++;
	g->ivl++;
	memset(&g->cur, 0, sizeof(g->cur));
}

int g826_second(struct g826 *g, uint32_t errored_blocks, uint32_t blocks, bool defect)
{
	struct g826_sec s = { .ivl = g ? g->ivl : 0 };

	if (!g)
		return -EINVAL;
	if (g->crc4) {
		if (errored_blocks > blocks)
			errored_blocks = blocks;
		s.ses = defect || !blocks ||
			(uint64_t)errored_blocks * 100 >= (uint64_t)blocks * G826_SES_PERCENT;
	} else {
		s.ses = defect || errored_blocks >= G826_FAS_SES;
	}
	s.es = s.ses || errored_blocks;
	s.bbe = s.ses ? 0 : errored_blocks;

	if (s.ses == !g->unavailable) /* extends the run that changes the state */
		g->run++;
	else
		g->run = 0;
	if (g->run >= G826_UAS_RUN) {
		g826_backdate(g, !g->unavailable);
		g->unavailable = !g->unavailable;
		g->run = 0;
	}
	if (g->unavailable) {
		g->cur.uas++;
	} else {
		g->cur.es += s.es;
		g->cur.ses += s.ses;
		g->cur.bbe += s.bbe;
	}
	g->recent[g->nsec % (G826_UAS_RUN - 1)] = s;
	g->nsec++;
	if (++g->cur.secs >= G826_INTERVAL_SECS)
		g826_rollover(g);
	return 0;
}

int g826_current(struct g826_counts *out, const struct g826 *g)
{
	if (!out || !g)
		return -EINVAL;
	*out = g->cur;
	return 0;
}

int g826_interval(struct g826_counts *out, const struct g826 *g, unsigned ago)
{
	if (!out || !g || !ago || ago > G826_HISTORY)
		return -EINVAL;
	if (ago > g->hcount)
		return -ENOENT;
	*out = g->hist[(g->hhead + G826_HISTORY - ago) % G826_HISTORY];
	return 0;
}

int g826_total_24h(struct g826_counts *out, const struct g826 *g)
{
	if (!out || !g)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (unsigned i = 1; i <= g->hcount; i++) {
		const struct g826_counts *c = &g->hist[(g->hhead + G826_HISTORY - i) % G826_HISTORY];
		out->secs += c->secs;
		out->es += c->es;
		out->ses += c->ses;
		out->bbe += c->bbe;
		out->uas += c->uas;
	}
	return 0;
}

bool g826_unavailable(const struct g826 *g)
{
	return g && g->unavailable;
}
