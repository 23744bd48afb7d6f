// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OPTIONS keep-alive: every options-interval seconds an OPTIONS goes to each target (the
 * outbound proxy when one is set, advisors that call control adds). Any final response means
 * the target is up, even 4xx/5xx: something answered. No answer within the interval (at most
 * 32 s, the transaction's own timeout) marks it down; the callback hears every change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <hlgw/log.h>

#include "sip_int.h"

#define SIP_KA_FIRST_S 1	/* first probe soon after the target is added */
#define SIP_KA_MAX_WAIT_S 32	/* 64*T1: a non-INVITE transaction's timeout */

struct sip_ka {
	struct sip_owner owner;
	bool used, is_proxy;
	char uri[SIP_URI_MAX];
	enum sip_ka_state state;
	uint32_t sent, answered, timeouts;
	int last_status;
	bool waiting;		/* the current probe has no answer yet */
	osip_transaction_t *tr; /* the current probe */
	struct osmo_timer_list probe, deadline;
};

static struct sip_ka sip_kas[SIP_KA_MAX];
static sip_ka_cb sip_ka_cb_fn;
static void *sip_ka_cb_arg;

const char *sip_ka_state_name(enum sip_ka_state st)
{
	switch (st) {
	case SIP_KA_UP:
		return "up";
	case SIP_KA_DOWN:
		return "down";
	default:
		return "unknown";
	}
}

static void sip_ka_set_state(struct sip_ka *ka, enum sip_ka_state st)
{
	if (ka->state == st)
		return;
	ka->state = st;
	LOGP(DSIP, st == SIP_KA_DOWN ? LOGL_NOTICE : LOGL_INFO, "keep-alive %s: %s\n", ka->uri,
	     sip_ka_state_name(st));
	if (sip_ka_cb_fn)
		sip_ka_cb_fn(ka->uri, st, sip_ka_cb_arg);
}

static unsigned int sip_ka_wait_s(void)
{
	unsigned int i = sip_g.cfg.options_interval_s;

	return i < SIP_KA_MAX_WAIT_S ? i : SIP_KA_MAX_WAIT_S;
}

static void sip_ka_probe(void *data)
{
	struct sip_ka *ka = data;
	char from[SIP_NAME_MAX + 48], to[SIP_URI_MAX + 4], routes[96], call_id[48];
	char branch[32] = "z9hG4bK", tag[12], ip[16];
	osip_message_t *msg;
	uint32_t dst;
	uint16_t port;
	int rc;

	osmo_timer_schedule(&ka->probe, sip_g.cfg.options_interval_s, 0);
	if (!sip_local_addr() || !sip_transport_bound() || !sip_g.osip)
		return;
	if (ka->is_proxy) {
		routes[0] = 0;
		rc = sip_uri_dest(&dst, &port, ka->uri);
	} else {
		rc = sip_request_route(&dst, &port, routes, sizeof(routes), ka->uri);
	}
	if (rc < 0)
		return;
	sip_random_token(branch + 7, sizeof(branch) - 7);
	sip_random_token(tag, sizeof(tag));
	sip_random_token(call_id, 25);
	snprintf(call_id + strlen(call_id), sizeof(call_id) - strlen(call_id), "@%s",
		 sip_ip_str(ip, sip_local_addr()));
	snprintf(from, sizeof(from), "<sip:hlgw@%s>;tag=%s",
		 *sip_g.cfg.domain ? sip_g.cfg.domain : ip, tag);
	snprintf(to, sizeof(to), "<%s>", ka->uri);
	if (sip_request_build(&msg, &(struct sip_req){
		    .tcp = ka->is_proxy ? sip_g.cfg.proxy_tcp : sip_request_tcp(ka->uri),
		    .method = "OPTIONS", .ruri = ka->uri, .branch = branch, .from = from, .to = to,
		    .call_id = call_id, .cseq = 1, .routes = routes,
		    .extra = "Accept: application/sdp\r\n" }) < 0)
		return;
	if (sip_request_send(&ka->tr, msg, &ka->owner, dst, port) < 0)
		return;
	ka->sent++;
	ka->waiting = true;
	osmo_timer_schedule(&ka->deadline, sip_ka_wait_s(), 0);
}

static void sip_ka_deadline(void *data)
{
	struct sip_ka *ka = data;

	if (!ka->waiting)
		return;
	ka->waiting = false;
	ka->timeouts++;
	sip_ka_set_state(ka, SIP_KA_DOWN);
}

void sip_ka_answer(struct sip_owner *o, osip_transaction_t *tr, int status, bool timeout)
{
	struct sip_ka *ka = container_of(o, struct sip_ka, owner);

	if (timeout) {
		/* only the current probe's failure counts; the deadline may have told already */
		if (tr == ka->tr && ka->waiting) {
			ka->waiting = false;
			ka->timeouts++;
			osmo_timer_del(&ka->deadline);
			sip_ka_set_state(ka, SIP_KA_DOWN);
		}
		return;
	}
	ka->answered++;
	ka->last_status = status;
	if (tr == ka->tr) {
		ka->waiting = false;
		osmo_timer_del(&ka->deadline);
	}
	sip_ka_set_state(ka, SIP_KA_UP);
}

void sip_ka_killed(struct sip_owner *o, osip_transaction_t *tr)
{
	struct sip_ka *ka = container_of(o, struct sip_ka, owner);

	if (ka->tr == tr)
		ka->tr = NULL;
}

static struct sip_ka *sip_ka_find(const char *uri)
{
	unsigned int i;

	for (i = 0; i < SIP_KA_MAX; i++)
		if (sip_kas[i].used && !strcasecmp(sip_kas[i].uri, uri))
			return &sip_kas[i];
	return NULL;
}

static int sip_ka_add2(const char *uri, bool is_proxy)
{
	struct sip_ka *ka = NULL;
	uint32_t ip;
	uint16_t port;
	unsigned int i;

	if (!uri || sip_uri_check(uri) < 0 || (is_proxy && sip_uri_dest(&ip, &port, uri) < 0))
		return -EINVAL;
	if (!sip_g.cfg.proxy_addr && sip_uri_dest(&ip, &port, uri) < 0)
		return -EINVAL; /* no DNS: without a proxy the host must be an address */
	if (sip_ka_find(uri))
		return -EEXIST;
	for (i = 0; i < SIP_KA_MAX && !ka; i++)
		if (!sip_kas[i].used)
			ka = &sip_kas[i];
	if (!ka)
		return -ENOSPC;
	memset(ka, 0, sizeof(*ka));
	ka->owner.kind = SIP_OWNER_KA;
	ka->used = true;
	ka->is_proxy = is_proxy;
	osmo_strlcpy(ka->uri, uri, sizeof(ka->uri));
	osmo_timer_setup(&ka->probe, sip_ka_probe, ka);
	osmo_timer_setup(&ka->deadline, sip_ka_deadline, ka);
	osmo_timer_schedule(&ka->probe, SIP_KA_FIRST_S, 0);
	return 0;
}

int sip_ka_add(const char *uri)
{
	return sip_ka_add2(uri, false);
}

static void sip_ka_drop(struct sip_ka *ka)
{
	osmo_timer_del(&ka->probe);
	osmo_timer_del(&ka->deadline);
	if (ka->tr)
		osip_transaction_set_your_instance(ka->tr, NULL);
	ka->tr = NULL;
	ka->used = false;
}

int sip_ka_remove(const char *uri)
{
	struct sip_ka *ka = uri ? sip_ka_find(uri) : NULL;

	if (!ka)
		return -ENOENT;
	sip_ka_drop(ka);
	return 0;
}

void sip_ka_set_cb(sip_ka_cb cb, void *arg)
{
	sip_ka_cb_fn = cb;
	sip_ka_cb_arg = arg;
}

int sip_ka_get(unsigned int idx, struct sip_ka_info *info)
{
	unsigned int i, n = 0;

	for (i = 0; i < SIP_KA_MAX; i++) {
		const struct sip_ka *ka = &sip_kas[i];

		if (!ka->used || n++ != idx)
			continue;
		if (info) {
			memset(info, 0, sizeof(*info));
			osmo_strlcpy(info->target, ka->uri, sizeof(info->target));
			info->state = ka->state;
			info->sent = ka->sent;
			info->answered = ka->answered;
			info->timeouts = ka->timeouts;
			info->last_status = ka->last_status;
			info->is_proxy = ka->is_proxy;
		}
		return 0;
	}
	return -ENOENT;
}

void sip_ka_proxy_changed(void)
{
	char uri[SIP_URI_MAX], ip[16];
	unsigned int i;

	for (i = 0; i < SIP_KA_MAX; i++)
		if (sip_kas[i].used && sip_kas[i].is_proxy)
			sip_ka_drop(&sip_kas[i]);
	if (!sip_g.cfg.proxy_addr)
		return;
	snprintf(uri, sizeof(uri), "sip:%s:%u", sip_ip_str(ip, sip_g.cfg.proxy_addr),
		 sip_g.cfg.proxy_port ? sip_g.cfg.proxy_port : SIP_DEFAULT_PORT);
	if (sip_ka_add2(uri, true) < 0)
		LOGP(DSIP, LOGL_NOTICE, "no keep-alive slot for the proxy %s\n", uri);
}

void sip_ka_interval_changed(void)
{
	unsigned int i;

	for (i = 0; i < SIP_KA_MAX; i++)
		if (sip_kas[i].used)
			osmo_timer_schedule(&sip_kas[i].probe, sip_g.cfg.options_interval_s, 0);
}

void sip_ka_init(void)
{
	memset(sip_kas, 0, sizeof(sip_kas));
}

void sip_ka_shutdown(void)
{
	unsigned int i;

	for (i = 0; i < SIP_KA_MAX; i++)
		if (sip_kas[i].used)
			sip_ka_drop(&sip_kas[i]);
}
