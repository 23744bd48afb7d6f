// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SIP subsystem: settings, status, the main-loop hooks that drive oSIP, and the console's
 * test call. oSIP's timers read the clock through gettimeofday() (osip_gettimeofday): the
 * sim has it; a target needs a gettimeofday backed by the board tick (as libpri does,
 * design.md section 7) and malloc for oSIP's allocations.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/utils.h>
#include <osip2/osip_time.h>

#include <hlgw/log.h>
#include <hlgw/net.h>
#include <hlgw/subsys.h>

#include "sip_int.h"

struct sip_glob sip_g = {
	.cfg = {
		.listen_port = SIP_DEFAULT_PORT,
		.options_interval_s = SIP_DEFAULT_OPTIONS_INTERVAL,
		.tcp_idle_s = SIP_DEFAULT_TCP_IDLE,
		.session_expires_s = SIP_DEFAULT_SESSION_EXPIRES,
		.min_se_s = SIP_MIN_SE,
	},
};

/* ---- small helpers ---- */

uint32_t sip_local_addr(void)
{
	struct net_cfg c;

	net_get_cfg(&c);
	return c.addr;
}

int sip_parse_ipv4(uint32_t *ip, const char *s)
{
	uint32_t v = 0;
	unsigned int i;

	if (!ip || !s)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		unsigned int part = 0, digits = 0;

		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			part = part * 10 + (unsigned int)(*s - '0');
		if (!digits || digits > 3 || part > 255 || (i < 3 && *s++ != '.'))
			return -EINVAL;
		v = v << 8 | part;
	}
	if (*s)
		return -EINVAL;
	*ip = v;
	return 0;
}

const char *sip_ip_str(char *buf, uint32_t ip)
{
	char *p = buf;
	int shift;

	/* by hand: a call's set-up writes the address some eight times, snprintf costs ~1,000
	 * instructions a time */
	for (shift = 24; shift >= 0; shift -= 8) {
		unsigned int o = (ip >> shift) & 0xff;

		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
		*p++ = shift ? '.' : 0;
	}
	return buf;
}

/* oSIP's own trace (it prints parse errors of hostile input on stderr otherwise) */
static void sip_osip_trace(const char *fi, int li, osip_trace_level_t level, const char *fmt,
			   va_list ap)
{
	char line[256];
	size_t n;

	if (!log_check_level(DSIP, LOGL_DEBUG))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	LOGP(DSIP, LOGL_DEBUG, "osip: %s\n", line);
}

/* ---- settings ---- */

/* Names that go into headers and console lines: printable, no blanks, quotes, <>, \ */
static bool sip_name_ok(const char *s, bool empty_ok)
{
	if (!*s)
		return empty_ok;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr("\"<>\\;,", *s))
			return false;
	return true;
}

void sip_get_cfg(struct sip_cfg *cfg)
{
	if (cfg)
		*cfg = sip_g.cfg;
}

int sip_set_cfg(const struct sip_cfg *cfg)
{
	struct sip_cfg old = sip_g.cfg;
	int rc;

	if (!cfg || !cfg->listen_port || cfg->options_interval_s < 5 ||
	    cfg->options_interval_s > 3600 || cfg->tcp_idle_s < 5 || cfg->tcp_idle_s > 3600)
		return -EINVAL;
	if (cfg->min_se_s < SIP_MIN_SE || cfg->min_se_s > 86400 ||
	    (cfg->session_expires_s &&
	     (cfg->session_expires_s > 86400 || cfg->session_expires_s < cfg->min_se_s)))
		return -EINVAL;
	if (!memchr(cfg->domain, 0, sizeof(cfg->domain)) ||
	    !memchr(cfg->username, 0, sizeof(cfg->username)) ||
	    !memchr(cfg->password, 0, sizeof(cfg->password)))
		return -EINVAL;
	if (!sip_name_ok(cfg->domain, true) || !sip_name_ok(cfg->username, true) ||
	    !sip_name_ok(cfg->password, true))
		return -EINVAL;
	if (cfg->proxy_addr && (cfg->proxy_addr >> 24 == 0 || cfg->proxy_addr >> 24 >= 224))
		return -EINVAL;
	if (sip_g.started && cfg->listen_port != old.listen_port) {
		rc = sip_transport_open(cfg->listen_port);
		if (rc < 0)
			return rc;
	}
	sip_g.cfg = *cfg;
	if (cfg->proxy_addr != old.proxy_addr || cfg->proxy_port != old.proxy_port)
		sip_ka_proxy_changed();
	if (cfg->options_interval_s != old.options_interval_s)
		sip_ka_interval_changed();
	return 0;
}

int sip_get_status(struct sip_status *st)
{
	if (!st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->bound = sip_transport_bound();
	st->tcp_listening = sip_tcp_listening();
	{
		struct sip_tcp_info ti;

		while (sip_tcp_get(st->tcp_conns, &ti) == 0)
			st->tcp_conns++;
	}
	st->addr = sip_local_addr();
	st->port = sip_g.cfg.listen_port;
	st->calls = sip_ua_call_count();
	st->transactions = sip_ua_transaction_count();
	st->ctr = sip_g.ctr;
	return 0;
}

/* ---- the console's test call ---- */

static struct sip_call *sip_test_call;
static char sip_test_text[192] = "idle";

static void sip_test_media(char *buf, size_t size, const struct sip_media *m)
{
	char ip[16];

	snprintf(buf, size, "remote %s:%u PCMA/%u telephone-event/%d ptime %u",
		 sip_ip_str(ip, m->addr), m->port, m->pcma_pt, m->te_pt, m->ptime);
}

static void sip_test_cb(struct sip_call *call, const struct sip_call_info *info, void *arg)
{
	char media[96] = "";

	if (info->media)
		sip_test_media(media, sizeof(media), info->media);
	switch (info->ev) {
	case SIP_CALL_RINGING:
		snprintf(sip_test_text, sizeof(sip_test_text), "ringing %d", info->status);
		break;
	case SIP_CALL_EARLY_MEDIA:
		snprintf(sip_test_text, sizeof(sip_test_text), "early media %d: %s", info->status,
			 media);
		break;
	case SIP_CALL_ANSWERED:
		snprintf(sip_test_text, sizeof(sip_test_text), "answered %d: %s", info->status,
			 media);
		break;
	case SIP_CALL_MEDIA:
		snprintf(sip_test_text, sizeof(sip_test_text), "session changed: %s%s", media,
			 info->media->sendonly ? ", held" : "");
		break;
	case SIP_CALL_FAILED:
		snprintf(sip_test_text, sizeof(sip_test_text), "failed %d", info->status);
		sip_test_call = NULL;
		break;
	case SIP_CALL_ENDED:
		snprintf(sip_test_text, sizeof(sip_test_text), "ended by %s %d%s",
			 info->by_remote ? "remote" : "local", info->status,
			 info->q850 == 102 ? " (session timer, cause 102)" : "");
		sip_test_call = NULL;
		break;
	}
	LOGP(DSIP, LOGL_NOTICE, "test call: %s\n", sip_test_text);
}

int sip_test_invite(const char *uri)
{
	int rc;

	if (sip_test_call)
		return -EBUSY;
	rc = sip_call_invite(&sip_test_call, &(struct sip_call_params){
		.uri = uri, .from_user = "hlgw-test", .rtp_port = 40000 }, sip_test_cb, NULL);
	if (rc < 0) {
		sip_test_call = NULL;
		return rc;
	}
	snprintf(sip_test_text, sizeof(sip_test_text), "calling %s", uri);
	LOGP(DSIP, LOGL_NOTICE, "test call: %s\n", sip_test_text);
	return 0;
}

int sip_test_bye(void)
{
	if (!sip_test_call)
		return -ENOENT;
	return sip_call_hangup(sip_test_call);
}

const char *sip_test_state(void)
{
	return sip_test_text;
}

/* ---- subsystem ---- */

static int sip_init(struct board *b)
{
	/* oSIP's trace, levels FATAL..WARNING, into DSIP debug */
	osip_trace_initialize_func(OSIP_INFO1, sip_osip_trace);
	if (osip_init(&sip_g.osip) != 0) {
		LOGP(DSIP, LOGL_ERROR, "osip_init failed\n");
		return -ENOMEM;
	}
	sip_ua_set_callbacks(sip_g.osip);
	sip_ua_init();
	sip_ka_init();
	return 0;
}

static int sip_start(void)
{
	sip_g.started = true;
	/* a port that cannot be bound is reported; the box runs on without SIP */
	sip_transport_open(sip_g.cfg.listen_port);
	return 0;
}

/* Milliseconds from oSIP's clock's now until when (0 when due). */
static uint32_t sip_ms_until(const struct timeval *when)
{
	struct timeval now;
	int64_t us;

	osip_gettimeofday(&now, NULL);
	us = ((int64_t)when->tv_sec - now.tv_sec) * 1000000 + (when->tv_usec - now.tv_usec);
	if (us <= 0)
		return 0;
	return us / 1000 >= UINT32_MAX ? UINT32_MAX : (uint32_t)((us + 999) / 1000);
}

static uint32_t sip_next_timeout_ms(void)
{
	if (!sip_g.osip)
		return UINT32_MAX;
	return sip_g.kick ? 0 : sip_ms_until(&sip_g.due);
}

/*
 * oSIP walks every transaction in each of its timer and event passes, so with 30 calls a
 * turn costs ~13,000 instructions even when nothing happens. The event passes run only when
 * an event was queued (sip_kick()), the timer passes when the earliest oSIP timer is due (kept
 * in sip_g.due, recomputed after each run).
 */
void sip_run(void)
{
	osip_t *o = sip_g.osip;
	struct timeval tv = { 0 };
	unsigned int i;
	bool timers;

	if (!o)
		return;
	timers = !sip_ms_until(&sip_g.due);
	if (!sip_g.kick && !timers)
		return;
	sip_g.kick = false;
	if (timers) { /* ~400 instructions per transaction: a clock read per timer */
		osip_timers_ict_execute(o);
		osip_timers_ist_execute(o);
		osip_timers_nict_execute(o);
		osip_timers_nist_execute(o);
	}
	/* twice: a callback may start a transaction of another kind (CANCEL from an ICT event) */
	for (i = 0; i < 2; i++) {
		osip_ict_execute(o);
		osip_ist_execute(o);
		osip_nict_execute(o);
		osip_nist_execute(o);
	}
	sip_ua_reap();
	/* relative, at most about an hour when no transaction runs a timer */
	osip_timers_gettimeout(o, &tv);
	osip_gettimeofday(&sip_g.due, NULL);
	if (tv.tv_sec > 0 || tv.tv_usec > 0)
		add_gettimeofday(&sip_g.due, (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000));
}

static void sip_stop(void)
{
	sip_ka_shutdown();
	sip_ua_shutdown();
	sip_transport_close();
	sip_g.started = false;
}

const struct hlgw_subsys sip_subsys = {
	.name = "sip",
	.init = sip_init,
	.start = sip_start,
	.next_timeout_ms = sip_next_timeout_ms,
	.work = sip_run,
	.stop = sip_stop,
};
