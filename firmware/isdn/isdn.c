// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ISDN PRI on the spans' D-channels: one dchan (HDLC + libpri) per span, CPE side unless the
 * span says network. The span calls us every 1 ms with the D-channel timeslot and tells us
 * about layer 1; libpri's events come back here.
 *
 * Incoming calls go to call control (hlgw/call.h): a SETUP for a hotline with advisors becomes
 * a call (CALL PROCEEDING, then ALERTING/PROGRESS/CONNECT/DISCONNECT as call control says
 * through isdn_leg_send/isdn_leg_release); other SETUPs get RELEASE COMPLETE with the cause
 * call control names (1 unknown hotline, 34 no advisor or no routing configured at all, 44 the
 * timeslot is busy; 34 for that too when the SETUP only prefers the channel).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include <hlgw/board.h>
#include <hlgw/call.h>
#include <hlgw/isdn.h>
#include <hlgw/log.h>
#include <hlgw/span.h>
#include <hlgw/subsys.h>

#include "dchan.h"
#include "q931_guard.h"

struct isdn_span {
	unsigned int nr;
	bool configured; /* a D-channel runs on this span */
	bool failed;	 /* set-up failed for this configuration: do not retry every turn */
	enum span_sig sig;
	enum span_switch sw;
	char name[16];
	struct dchan dc;
	struct dchan_timer timers[16];
	uint32_t setups_rx, setups_rejected;
	struct isdn_guard guard; /* Q.931 from the line is checked before libpri sees it */
};

static struct isdn_span isdn_spans[SPAN_MAX];
static unsigned int isdn_nspans;
static struct dchan_pcap isdn_pcap = { .fh = -1 };
static bool isdn_pcap_on;

/* Q.921 (ETSI EN 300 125 / libpri defaults). N200 and k are counts: X200 / X201. */
struct osmo_tdef isdn_q921_tdefs[] = {
	{ .T = 200, .default_val = 1000, .unit = OSMO_TDEF_MS, .min_val = 100,
	  .max_val = 10000, .desc = "T200: retransmission timer (SABME, I-frames)" },
	{ .T = 203, .default_val = 10000, .unit = OSMO_TDEF_MS, .min_val = 1000,
	  .max_val = 300000, .desc = "T203: idle link supervision (max time without frames)" },
	{ .T = -200, .default_val = 3, .unit = OSMO_TDEF_CUSTOM, .min_val = 1, .max_val = 16,
	  .desc = "N200: maximum number of retransmissions" },
	{ .T = -201, .default_val = 7, .unit = OSMO_TDEF_CUSTOM, .min_val = 1, .max_val = 127,
	  .desc = "k: maximum number of outstanding I-frames" },
	{}
};

/* Q.931 (ETSI EN 300 403) call timers. */
struct osmo_tdef isdn_q931_tdefs[] = {
	{ .T = 303, .default_val = 4000, .unit = OSMO_TDEF_MS, .min_val = 1000,
	  .max_val = 60000, .desc = "T303: SETUP sent, waiting for a response" },
	{ .T = 305, .default_val = 30000, .unit = OSMO_TDEF_MS, .min_val = 1000,
	  .max_val = 120000, .desc = "T305: DISCONNECT sent, waiting for RELEASE" },
	{ .T = 308, .default_val = 4000, .unit = OSMO_TDEF_MS, .min_val = 1000,
	  .max_val = 60000, .desc = "T308: RELEASE sent, waiting for RELEASE COMPLETE" },
	{ .T = 309, .default_val = 6000, .unit = OSMO_TDEF_MS, .min_val = 1000,
	  .max_val = 300000, .desc = "T309: calls survive a data link failure this long" },
	{ .T = 310, .default_val = 30000, .unit = OSMO_TDEF_MS, .min_val = 1000,
	  .max_val = 180000, .desc = "T310: CALL PROCEEDING received, waiting for more" },
	{ .T = 313, .default_val = 4000, .unit = OSMO_TDEF_MS, .min_val = 1000,
	  .max_val = 60000, .desc = "T313: CONNECT sent, waiting for CONNECT ACKNOWLEDGE" },
	{}
};

static const struct {
	struct osmo_tdef *tdefs;
	int T;
	int pri_timer;
} isdn_timer_map[] = {
	{ isdn_q921_tdefs, 200, PRI_TIMER_T200 },  { isdn_q921_tdefs, 203, PRI_TIMER_T203 },
	{ isdn_q921_tdefs, -200, PRI_TIMER_N200 }, { isdn_q921_tdefs, -201, PRI_TIMER_K },
	{ isdn_q931_tdefs, 303, PRI_TIMER_T303 },  { isdn_q931_tdefs, 305, PRI_TIMER_T305 },
	{ isdn_q931_tdefs, 308, PRI_TIMER_T308 },  { isdn_q931_tdefs, 309, PRI_TIMER_T309 },
	{ isdn_q931_tdefs, 310, PRI_TIMER_T310 },  { isdn_q931_tdefs, 313, PRI_TIMER_T313 },
};

/* Numbers come from the line verbatim (design.md 7): make them safe for a log line. */
static const char *isdn_printable(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i]; i++)
		buf[i] = isprint((unsigned char)s[i]) && s[i] != '"' ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static void isdn_log(const struct dchan *dc, int layer, int level, const char *text)
{
	const char *name = dc ? dc->cfg.name : "-";

	if (layer == 2)
		LOGP(DQ921, level, "(%s) %s\n", name, text);
	else
		LOGP(DQ931, level, "(%s) %s\n", name, text);
}

static void isdn_ring(struct isdn_span *is, pri_event *ev)
{
	char called[32], calling[32];
	int plan = ev->ring.callingplan;
	struct call_setup cs = {
		.span = is->nr,
		.channel = ev->ring.channel,
		.pcall = ev->ring.call,
		/* the guard passed only digits * # and a leading + (isdn_printable for the log) */
		.called = ev->ring.callednum,
		.calling = ev->ring.callingnum,
		.ton = (enum call_ton)((plan >> 4) & 7),
		.npi = (enum call_npi)(plan & 0xf),
		.restricted = (ev->ring.callingpres & PRI_PRES_RESTRICTION) != PRI_PRES_ALLOWED,
		.preferred = ev->ring.flexible,
	};
	int cause;

	is->setups_rx++;
	cause = call_isdn_setup(&cs);
	if (cause == 0)
		return;
	/*
	 * 44 means the timeslot is taken. Q.931 5.2.3.1: 44 answers an exclusive channel; for a
	 * preferred one call control has already looked for another free one: none is left, 34.
	 */
	if (cause == 44 && ev->ring.flexible)
		cause = 34;
	LOGP(DQ931, LOGL_NOTICE, "(%s) SETUP cref %d channel %d called '%s' calling '%s': "
	     "RELEASE COMPLETE cause %d\n", is->name, ev->ring.cref, ev->ring.channel & 0xff,
	     isdn_printable(called, sizeof(called), ev->ring.callednum),
	     isdn_printable(calling, sizeof(calling), ev->ring.callingnum), cause);
	if (pri_hangup(dchan_pri(&is->dc), ev->ring.call, cause) == 0)
		is->setups_rejected++;
}

/* ---- the call control's ISDN leg (hlgw/call.h) ------------------------------------------ */

static struct pri *isdn_leg_pri(unsigned int span)
{
	if (span >= isdn_nspans || !isdn_spans[span].configured)
		return NULL;
	return dchan_pri(&isdn_spans[span].dc);
}

int isdn_leg_send(unsigned int span, void *pcall, int channel, enum isdn_leg_msg msg,
		  bool inband)
{
	struct pri *pri = isdn_leg_pri(span);
	int rc;

	if (!pri || !pcall)
		return -ENODEV;
	switch (msg) {
	case ISDN_LEG_PROCEEDING:
		rc = pri_proceeding(pri, pcall, channel, 0);
		break;
	case ISDN_LEG_ALERTING: /* info: progress indicator 8, in-band information available */
		rc = pri_acknowledge(pri, pcall, channel, inband ? 1 : 0);
		break;
	case ISDN_LEG_PROGRESS:
		rc = pri_progress(pri, pcall, channel, inband ? 1 : 0);
		break;
	case ISDN_LEG_CONNECT:
		rc = pri_answer(pri, pcall, channel, 0);
		break;
	default:
		return -EINVAL;
	}
	return rc ? -EIO : 0;
}

int isdn_leg_release(unsigned int span, void *pcall, int cause)
{
	struct pri *pri = isdn_leg_pri(span);

	if (!pri || !pcall)
		return -ENODEV;
	return pri_hangup(pri, pcall, cause) ? -EIO : 0;
}

/* ---- the Q.931 guard (q931_guard.h) on dchan's layer 3 hooks ---------------------------- */

static const char *const isdn_guard_action_txt[] = {
	[ISDN_GUARD_PASS] = "passed",
	[ISDN_GUARD_SANITISED] = "passed without the bad IEs",
	[ISDN_GUARD_DISCARD] = "ignored",
	[ISDN_GUARD_REFUSE] = "refused",
};

static int isdn_l3_rx(struct dchan *dc, const uint8_t *msg, unsigned int len, bool fresh,
		      uint8_t *out, unsigned int max, void *arg)
{
	struct isdn_span *is = arg;
	const struct span_cfg *cfg = span_get_cfg(is->nr);
	struct isdn_guard_verdict v;
	const char *mname;
	char ie[16], cause[16];
	int n;

	if (cfg) /* the operator may change the B-channels at any time */
		is->guard.cfg.bchan_mask = cfg->bchan_mask;
	is->guard.cfg.network = dc->network;
	n = isdn_guard_rx(&is->guard, msg, len, fresh, board_time_ms(), out, max, &v);
	if (!fresh || v.action == ISDN_GUARD_PASS)
		return n;
	/* only numbers and the guard's own names: nothing of the message itself is printed */
	mname = v.have_cref ? isdn_guard_msg_name(v.mt) : NULL;
	snprintf(ie, sizeof(ie), v.ie ? " (IE 0x%02x)" : "", v.ie);
	snprintf(cause, sizeof(cause), v.cause ? ", cause %u" : "", v.cause);
	if (v.have_cref)
		LOGP(DQ931, LOGL_NOTICE, "(%s) Q.931 %s (0x%02x) cref %u/%u, %u octets: %s%s, %s%s\n",
		     is->name, mname ? mname : "unknown message", v.mt, v.cref & 0x7fff,
		     v.cref >> 15, len, isdn_guard_kind_name(v.kind), ie,
		     isdn_guard_action_txt[v.action], cause);
	else
		LOGP(DQ931, LOGL_NOTICE, "(%s) Q.931 message, %u octets: %s, %s\n", is->name, len,
		     isdn_guard_kind_name(v.kind), isdn_guard_action_txt[v.action]);
	return n;
}

static int isdn_l3_tx(struct dchan *dc, const uint8_t *msg, unsigned int len, int ns,
		      uint8_t *out, unsigned int max, void *arg)
{
	struct isdn_span *is = arg;

	return isdn_guard_tx(&is->guard, msg, len, ns, board_time_ms(), out, max);
}

static void isdn_event(struct dchan *dc, pri_event *ev, void *arg)
{
	struct isdn_span *is = arg;
	struct pri *pri = dchan_pri(dc);

	switch (ev->e) {
	case PRI_EVENT_DCHAN_UP:
		LOGP(DQ921, LOGL_NOTICE, "(%s) D-channel up\n", is->name);
		break;
	case PRI_EVENT_DCHAN_DOWN:
		LOGP(DQ921, LOGL_NOTICE, "(%s) D-channel down\n", is->name);
		break;
	case PRI_EVENT_RING:
		isdn_ring(is, ev);
		break;
	case PRI_EVENT_HANGUP_REQ:
	case PRI_EVENT_HANGUP:
		/* design.md 7: both want pri_hangup() to finish the call in libpri */
		LOGP(DQ931, LOGL_INFO, "(%s) call cref %d cleared, cause %d\n", is->name,
		     ev->hangup.cref, ev->hangup.cause);
		call_isdn_hangup(is->nr, ev->hangup.call, ev->hangup.cause);
		pri_hangup(pri, ev->hangup.call, ev->hangup.cause);
		break;
	case PRI_EVENT_HANGUP_ACK:
		break;
	case PRI_EVENT_RESTART:
		LOGP(DQ931, LOGL_INFO, "(%s) RESTART channel %d\n", is->name,
		     ev->restart.channel & 0xff);
		break;
	case PRI_EVENT_CONFIG_ERR:
		LOGP(DQ931, LOGL_ERROR, "(%s) libpri configuration error: %s\n", is->name,
		     ev->err.err);
		break;
	default:
		LOGP(DQ931, LOGL_DEBUG, "(%s) libpri event %d (%s)\n", is->name, ev->e,
		     pri_event2str(ev->e));
		break;
	}
}

static unsigned int isdn_fill_timers(struct isdn_span *is);

/* ---- span D-channel ops (1 ms chunk context) ---------------------------------------- */

static void isdn_span_rx(void *arg, const uint8_t *octets, unsigned int n)
{
	struct isdn_span *is = arg;

	if (is->configured)
		dchan_rx(&is->dc, octets, n);
}

static void isdn_span_tx(void *arg, uint8_t *octets, unsigned int n)
{
	struct isdn_span *is = arg;

	if (is->configured)
		dchan_tx(&is->dc, octets, n);
	else
		memset(octets, 0x7e, n); /* idle flags */
}

static void isdn_span_l1(void *arg, bool up)
{
	struct isdn_span *is = arg;
	int rc;

	if (!is->configured)
		return;
	if (up) /* operator timer changes take effect when the link (re)starts */
		isdn_fill_timers(is);
	rc = dchan_l1(&is->dc, up);
	if (rc < 0)
		LOGP(DQ921, LOGL_ERROR, "(%s) cannot start libpri: %d\n", is->name, rc);
}

/* Signalling changed: isdn_work() sets the D-channel up again from the new configuration. */
static void isdn_span_reconfig(void *arg)
{
	struct isdn_span *is = arg;

	is->configured = false;
	is->failed = false;
}

static const struct span_dchan_ops isdn_span_ops = {
	.rx = isdn_span_rx,
	.tx = isdn_span_tx,
	.l1 = isdn_span_l1,
	.reconfig = isdn_span_reconfig,
};

/* ---- set-up ---------------------------------------------------------------------------- */

static unsigned int isdn_fill_timers(struct isdn_span *is)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(isdn_timer_map) && n < ARRAY_SIZE(is->timers); i++) {
		struct osmo_tdef *t = osmo_tdef_get_entry(isdn_timer_map[i].tdefs,
							  isdn_timer_map[i].T);

		if (!t)
			continue;
		is->timers[n].id = isdn_timer_map[i].pri_timer;
		is->timers[n].value = (int)t->val;
		n++;
	}
	return n;
}

/*
 * (Re)create the span's D-channel from its configuration. libpri 1.6 cannot free an instance:
 * a signalling change (rare, operator-made) leaves the old one behind; layer 1 flaps do not
 * come here (dchan_l1 restarts the link on the same instance).
 */
static int isdn_span_setup(struct isdn_span *is, const struct span_cfg *cfg)
{
	struct dchan_cfg dcfg = {
		.name = is->name,
		.nodetype = cfg->sig == SPAN_SIG_NET ? PRI_NETWORK : PRI_CPE,
		.switchtype = cfg->switchtype == SPAN_SWITCH_QSIG ? PRI_SWITCH_QSIG
								   : PRI_SWITCH_EUROISDN_E1,
		.timers = is->timers,
		.event = isdn_event,
		.l3_rx = isdn_l3_rx,
		.l3_tx = isdn_l3_tx,
		.arg = is,
	};
	struct span_status st;
	int rc;

	dcfg.n_timers = isdn_fill_timers(is);
	is->configured = false;
	is->sig = cfg->sig;
	is->sw = cfg->switchtype;
	rc = dchan_init(&is->dc, &dcfg);
	if (rc < 0)
		return rc;
	if (isdn_pcap_on)
		is->dc.pcap = &isdn_pcap;
	is->configured = true;
	LOGP(DQ921, LOGL_INFO, "(%s) D-channel %s, %s\n", is->name,
	     cfg->sig == SPAN_SIG_NET ? "network side" : "CPE side",
	     cfg->switchtype == SPAN_SWITCH_QSIG ? "QSIG" : "EuroISDN E1");
	/* layer 1 may already be up (a restart for a new configuration) */
	if (span_get_status(is->nr, &st) == 0 && st.l1_up)
		return dchan_l1(&is->dc, true);
	return 0;
}

static int isdn_init(struct board *b)
{
	unsigned int i;

	dchan_set_log(isdn_log);
	isdn_nspans = span_count();
	if (isdn_nspans > SPAN_MAX)
		isdn_nspans = SPAN_MAX;
	osmo_tdefs_reset(isdn_q921_tdefs);
	osmo_tdefs_reset(isdn_q931_tdefs);
	for (i = 0; i < isdn_nspans; i++) {
		struct isdn_span *is = &isdn_spans[i];

		memset(is, 0, sizeof(*is));
		is->nr = i;
		isdn_guard_init(&is->guard, NULL);
		snprintf(is->name, sizeof(is->name), "S%u:T16", i);
		span_set_dchan(i, &isdn_span_ops, is);
	}
	return 0;
}

/* The console replays the saved configuration during init: spans are final at start. */
static int isdn_start(void)
{
	unsigned int i;

	for (i = 0; i < isdn_nspans; i++) {
		const struct span_cfg *cfg = span_get_cfg(i);
		int rc;

		if (!cfg || !cfg->enabled)
			continue;
		rc = isdn_span_setup(&isdn_spans[i], cfg);
		isdn_spans[i].failed = rc < 0;
		if (rc < 0)
			LOGP(DQ921, LOGL_ERROR, "(%s) cannot set up: %d\n", isdn_spans[i].name, rc);
	}
	return 0;
}

static uint32_t isdn_next_timeout_ms(void)
{
	uint32_t ms = 1000;
	unsigned int i;

	for (i = 0; i < isdn_nspans; i++)
		if (isdn_spans[i].configured)
			ms = dchan_next_timeout_ms(&isdn_spans[i].dc, ms);
	return ms;
}

/* Timers, and spans whose signalling the operator changed (or enabled/disabled). */
static void isdn_work(void)
{
	unsigned int i;

	for (i = 0; i < isdn_nspans; i++) {
		struct isdn_span *is = &isdn_spans[i];
		const struct span_cfg *cfg = span_get_cfg(i);

		if (!cfg)
			continue;
		if (!cfg->enabled) {
			is->configured = false;
			continue;
		}
		if (!is->configured || cfg->sig != is->sig || cfg->switchtype != is->sw) {
			int rc = isdn_span_setup(is, cfg);

			if (rc < 0) {
				LOGP(DQ921, LOGL_ERROR, "(%s) cannot set up: %d\n", is->name, rc);
				is->configured = false;
			}
			continue;
		}
		dchan_timers(&is->dc);
	}
}

static void isdn_stop(void)
{
	isdn_pcap_stop();
}

const struct hlgw_subsys isdn_subsys = {
	.name = "isdn",
	.init = isdn_init,
	.start = isdn_start,
	.next_timeout_ms = isdn_next_timeout_ms,
	.work = isdn_work,
	.stop = isdn_stop,
};

/* ---- API ------------------------------------------------------------------------------- */

int isdn_get_status(unsigned int span, struct isdn_status *st)
{
	struct isdn_span *is;
	const struct dchan_ctr *c;

	if (!st)
		return -EINVAL;
	if (span >= isdn_nspans)
		return -ENODEV;
	is = &isdn_spans[span];
	memset(st, 0, sizeof(*st));
	st->configured = is->configured;
	if (!is->configured)
		return 0;
	c = &is->dc.ctr;
	st->l1_up = is->dc.l1_up;
	st->network = is->dc.network;
	st->l2 = is->dc.l2;
	st->sabme_tx = c->sabme_tx;
	st->sabme_rx = c->sabme_rx;
	st->ua_tx = c->ua_tx;
	st->ua_rx = c->ua_rx;
	st->disc_tx = c->disc_tx;
	st->disc_rx = c->disc_rx;
	st->dm_tx = c->dm_tx;
	st->dm_rx = c->dm_rx;
	st->frames_tx = c->frames_tx;
	st->frames_rx = c->frames_rx;
	st->iframes_tx = c->iframes_tx;
	st->iframes_rx = c->iframes_rx;
	st->hdlc_crc_err = c->hdlc_crc_err;
	st->hdlc_abort = c->hdlc_abort;
	st->hdlc_overlong = c->hdlc_overlong;
	st->l2_up_count = c->l2_up_count;
	st->active_calls = dchan_active_calls(&is->dc);
	st->setups_rx = is->setups_rx;
	st->setups_rejected = is->setups_rejected;
	st->guard = is->guard.st;
	return 0;
}

int isdn_pcap_start(const char *path)
{
	unsigned int i;
	int rc;

#ifndef CONFIG_ISDN_PCAP
	return -ENOTSUP;
#endif
	if (!path || !*path)
		return -EINVAL;
	if (isdn_pcap_on)
		return -EBUSY;
	rc = dchan_pcap_open(&isdn_pcap, path);
	if (rc < 0) {
		LOGP(DQ921, LOGL_ERROR, "pcap %s: cannot open (%d)\n", path, rc);
		return rc;
	}
	isdn_pcap_on = true;
	for (i = 0; i < isdn_nspans; i++)
		isdn_spans[i].dc.pcap = &isdn_pcap;
	LOGP(DQ921, LOGL_NOTICE, "D-channel capture to %s\n", path);
	return 0;
}

int isdn_pcap_stop(void)
{
	unsigned int i;

	if (!isdn_pcap_on)
		return 0;
	for (i = 0; i < isdn_nspans; i++)
		isdn_spans[i].dc.pcap = NULL;
	dchan_pcap_close(&isdn_pcap);
	isdn_pcap_on = false;
	LOGP(DQ921, LOGL_NOTICE, "D-channel capture stopped (%u frames)\n", isdn_pcap.frames);
	return 0;
}
