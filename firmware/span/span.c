// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * E1 spans: configuration, alarm state, G.826 accounting and the per-1 ms chunk work. The
 * chunk callback runs in the framer's context (on the sim: inside board_wait); it hands the
 * D-channel timeslot to the span's D-channel user and fills idle on the rest for now. Media
 * moves B-channel samples through the framer's TDM routing (span_get_channel), not here.
 */
#include <errno.h>
#include <string.h>

#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/span.h>
#include <hlgw/subsys.h>

#include "g826.h"

#define SPAN_IDLE_OCTET 0xd5 /* A-law idle (positive zero) */
#define SPAN_DEFAULT_BCHANS 0xfffefffeu /* TS1-15, TS17-31 */

struct span {
	unsigned int nr;
	struct e1_framer_dev *dev;
	struct span_cfg cfg;
	bool running;
	uint32_t alarms;
	bool l1_up;
	bool defect_in_second; /* a defect was seen since the last G.826 second */
	const struct span_dchan_ops *dops;
	void *darg;
	struct e1_counters last_ctr;
	struct g826 g826;
};

static struct span spans[SPAN_MAX];
static unsigned int span_num;
static struct osmo_timer_list span_second_timer;
static uint64_t span_next_second_us;

#define SPAN_DEFECTS (E1_ALARM_LOS | E1_ALARM_AIS | E1_ALARM_LFA)

static bool span_alarms_l1_up(const struct span *sp, uint32_t alarms)
{
	uint32_t down = SPAN_DEFECTS;

	if (sp->cfg.line.crc4)
		down |= E1_ALARM_LMFA;
	return !(alarms & down);
}

static void span_update_l1(struct span *sp)
{
	bool up = sp->running && span_alarms_l1_up(sp, sp->alarms);

	if (up == sp->l1_up)
		return;
	sp->l1_up = up;
	LOGP(DE1, LOGL_NOTICE, "(S%u) layer 1 %s\n", sp->nr, up ? "up" : "down");
	if (sp->dops && sp->dops->l1)
		sp->dops->l1(sp->darg, up);
}

static void span_alarm_cb(void *arg, uint32_t alarms)
{
	struct span *sp = arg;

	sp->alarms = alarms;
	if (alarms & SPAN_DEFECTS)
		sp->defect_in_second = true;
	span_update_l1(sp);
}

static void span_chunk_cb(void *arg, const uint8_t *rx, uint8_t *tx)
{
	struct span *sp = arg;
	unsigned int ts = sp->cfg.dchan_ts;
	uint8_t d[E1_CHUNK_FRAMES];
	unsigned int f;

	if (!sp->dops || !ts)
		return;
	if (sp->l1_up) {
		for (f = 0; f < E1_CHUNK_FRAMES; f++)
			d[f] = rx[f * E1_TIMESLOTS + ts];
		sp->dops->rx(sp->darg, d, E1_CHUNK_FRAMES);
	}
	sp->dops->tx(sp->darg, d, E1_CHUNK_FRAMES);
	for (f = 0; f < E1_CHUNK_FRAMES; f++)
		tx[f * E1_TIMESLOTS + ts] = d[f];
}

static const struct e1_framer_cbs span_framer_cbs = {
	.chunk = span_chunk_cb,
	.alarm = span_alarm_cb,
};

/* Once a second: G.826 accounting from the framer's counters and the defects seen. */
static void span_second(void *arg)
{
	uint64_t now = board_time_us();
	unsigned int i;

	for (i = 0; i < span_num; i++) {
		struct span *sp = &spans[i];
		struct e1_counters c;
		bool defect;

		if (!sp->running || e1_framer_get_counters(sp->dev, &c) < 0)
			continue;
		defect = sp->defect_in_second || (sp->alarms & SPAN_DEFECTS);
		if (sp->cfg.line.crc4)
			g826_second(&sp->g826, c.crc4 - sp->last_ctr.crc4,
				    c.blocks - sp->last_ctr.blocks, defect);
		else
			g826_second(&sp->g826, c.fas - sp->last_ctr.fas, 0, defect);
		sp->last_ctr = c;
		sp->defect_in_second = false;
	}
	/* keep to the second on average, whatever the loop's jitter */
	span_next_second_us += 1000000;
	if (span_next_second_us <= now)
		span_next_second_us = now + 1000000;
	osmo_timer_schedule(&span_second_timer, 0, (long)(span_next_second_us - now));
}

static void span_default_cfg(struct span_cfg *cfg)
{
	*cfg = (struct span_cfg){
		.enabled = true, /* in service unless shut down; no line attached shows LOS */
		.line = { .crc4 = true, .linecode = E1_LINECODE_HDB3, .clock = E1_CLOCK_LINE },
		.sig = SPAN_SIG_CPE,
		.switchtype = SPAN_SWITCH_EUROISDN_E1,
		.bchan_mask = SPAN_DEFAULT_BCHANS,
		.dchan_ts = E1_DCHAN_TS,
		.echocancel = false,
		.ec_taps = 512,
	};
}

static int span_run(struct span *sp, bool on)
{
	int rc;

	if (on == sp->running)
		return 0;
	if (on) {
		rc = e1_framer_configure(sp->dev, &sp->cfg.line);
		if (rc < 0)
			return rc;
		rc = e1_framer_start(sp->dev);
		if (rc < 0)
			return rc;
		e1_framer_get_counters(sp->dev, &sp->last_ctr);
		e1_framer_get_alarms(sp->dev, &sp->alarms);
		sp->running = true;
	} else {
		e1_framer_stop(sp->dev);
		sp->running = false;
	}
	span_update_l1(sp);
	return 0;
}

unsigned int span_count(void)
{
	return span_num;
}

const struct span_cfg *span_get_cfg(unsigned int nr)
{
	return nr < span_num ? &spans[nr].cfg : NULL;
}

static int span_check_cfg(const struct span_cfg *cfg)
{
	if (cfg->line.linecode != E1_LINECODE_HDB3 && cfg->line.linecode != E1_LINECODE_AMI)
		return -EINVAL;
	if (cfg->line.clock != E1_CLOCK_LINE && cfg->line.clock != E1_CLOCK_INTERNAL)
		return -EINVAL;
	if (cfg->sig != SPAN_SIG_CPE && cfg->sig != SPAN_SIG_NET)
		return -EINVAL;
	if (cfg->switchtype != SPAN_SWITCH_EUROISDN_E1 && cfg->switchtype != SPAN_SWITCH_QSIG)
		return -EINVAL;
	/* TS0 is framing; the D-channel may not also be a B-channel */
	if (cfg->bchan_mask & 1u)
		return -EINVAL;
	if (cfg->dchan_ts >= E1_TIMESLOTS || cfg->dchan_ts == 0)
		return -EINVAL;
	if (cfg->bchan_mask & (1u << cfg->dchan_ts))
		return -EINVAL;
	if (cfg->ec_taps != 256 && cfg->ec_taps != 512 && cfg->ec_taps != 1024)
		return -EINVAL;
	return 0;
}

int span_set_cfg(unsigned int nr, const struct span_cfg *cfg)
{
	struct span *sp;
	bool line_changed, sig_changed;
	int rc;

	if (nr >= span_num)
		return -ENODEV;
	rc = span_check_cfg(cfg);
	if (rc < 0)
		return rc;
	sp = &spans[nr];
	line_changed = memcmp(&cfg->line, &sp->cfg.line, sizeof(cfg->line)) != 0;
	sig_changed = cfg->sig != sp->cfg.sig || cfg->switchtype != sp->cfg.switchtype ||
		      cfg->dchan_ts != sp->cfg.dchan_ts;
	sp->cfg = *cfg;
	if (!sp->dev)
		return 0; /* configured ahead of hardware: kept for the running-config */
	if (cfg->line.crc4 != sp->g826.crc4)
		g826_init(&sp->g826, cfg->line.crc4); /* block- vs FAS-based counting */
	if (line_changed && sp->running) {
		rc = e1_framer_configure(sp->dev, &sp->cfg.line);
		if (rc < 0)
			return rc;
		span_update_l1(sp);
	}
	if (sig_changed && sp->dops && sp->dops->reconfig)
		sp->dops->reconfig(sp->darg);
	return span_run(sp, cfg->enabled);
}

int span_get_status(unsigned int nr, struct span_status *st)
{
	struct span *sp;

	if (nr >= span_num)
		return -ENODEV;
	sp = &spans[nr];
	memset(st, 0, sizeof(*st));
	st->present = sp->dev != NULL;
	if (!sp->dev)
		return 0;
	st->l1_up = sp->l1_up;
	st->alarms = sp->running ? sp->alarms : E1_ALARM_LOS;
	e1_framer_get_counters(sp->dev, &st->ctr);
	st->rai_sent = sp->running && (st->alarms & SPAN_DEFECTS);
	return 0;
}

int span_set_dchan(unsigned int nr, const struct span_dchan_ops *ops, void *arg)
{
	if (nr >= span_num)
		return -ENODEV;
	spans[nr].dops = ops;
	spans[nr].darg = arg;
	return 0;
}

int span_get_channel(struct span_chan *ch, unsigned int nr, unsigned int ts)
{
	if (!ch)
		return -EINVAL;
	if (nr >= span_num || !spans[nr].dev)
		return -ENODEV;
	if (ts >= E1_TIMESLOTS || !(spans[nr].cfg.bchan_mask & (1u << ts)))
		return -EINVAL;
	ch->dev = spans[nr].dev;
	ch->ts = ts;
	return 0;
}

const struct g826 *span_get_g826(unsigned int nr)
{
	return nr < span_num ? &spans[nr].g826 : NULL;
}

static int span_init(struct board *b)
{
	unsigned int i;

	/* every span the build has is configurable; those with a framer device also run */
	span_num = SPAN_MAX;
	for (i = 0; i < span_num; i++) {
		struct span *sp = &spans[i];

		memset(sp, 0, sizeof(*sp));
		sp->nr = i;
		sp->dev = i < b->n_e1 ? b->e1[i] : NULL;
		span_default_cfg(&sp->cfg);
		g826_init(&sp->g826, sp->cfg.line.crc4);
		if (sp->dev)
			e1_framer_set_callbacks(sp->dev, &span_framer_cbs, sp);
	}
	osmo_timer_setup(&span_second_timer, span_second, NULL);
	return 0;
}

static int span_start(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < span_num; i++) {
		if (!spans[i].dev || !spans[i].cfg.enabled)
			continue;
		rc = span_run(&spans[i], true);
		if (rc < 0)
			LOGP(DE1, LOGL_ERROR, "(S%u) cannot start: %d\n", i, rc);
	}
	span_next_second_us = board_time_us() + 1000000;
	osmo_timer_schedule(&span_second_timer, 1, 0);
	return 0;
}

static void span_stop(void)
{
	unsigned int i;

	osmo_timer_del(&span_second_timer);
	for (i = 0; i < span_num; i++)
		if (spans[i].dev)
			span_run(&spans[i], false);
}

const struct hlgw_subsys span_subsys = {
	.name = "span",
	.init = span_init,
	.start = span_start,
	.stop = span_stop,
};
