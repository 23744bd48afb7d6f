// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SIP commands: the `sip` node (listen port, domain, outbound proxy, credentials, OPTIONS
 * interval, TCP idle time, session timer), `show sip` (transports, TCP connections, counters, keep-alive),
 * and the diagnostics `test sip invite URI` / `test sip bye` that place a call without ISDN (like `ping` on other gateways: for commissioning and tests).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <hlgw/sip.h>

#include "cli_int.h"


/* Far above cli_int.h's nodes so that a node added there does not collide with this one. */
#define CLI_SIP_NODE (_LAST_OSMOVTY_NODE + 32)

#define SIP_STR "Session Initiation Protocol (advisor side)\n"

static struct cmd_node cli_sip_node = { CLI_SIP_NODE, "%s(config-sip)# ", 1 };

static int cli_sip_apply(struct vty *vty, const struct sip_cfg *cfg)
{
	int rc = sip_set_cfg(cfg);

	switch (rc) {
	case 0:
		return CMD_SUCCESS;
	case -EADDRINUSE:
		vty_out(vty, "%% UDP port %u cannot be bound%s", cfg->listen_port, VTY_NEWLINE);
		return CMD_WARNING;
	default:
		vty_out(vty, "%% Invalid SIP setting (%d)%s", rc, VTY_NEWLINE);
		return CMD_WARNING;
	}
}

/* Set one string field: blanks, quotes, <>, \ ; , and over-long names are refused. */
static int cli_sip_str(struct vty *vty, size_t off, size_t size, const char *val,
		       const char *what)
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	if (strlen(val) >= size) {
		vty_out(vty, "%% %s too long (at most %zu characters)%s", what, size - 1,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy((char *)&cfg + off, val, size);
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip, cfg_sip_cmd, "sip", SIP_STR)
{
	vty->node = CLI_SIP_NODE;
	vty->index = NULL;
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_port, cfg_sip_port_cmd, "listen port <1-65535>",
      "Where the user agent listens\n" "UDP port\n" "Port number (default 5060)\n")
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.listen_port = (uint16_t)atoi(argv[0]);
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip_domain, cfg_sip_domain_cmd, "domain NAME",
      "SIP domain in From (default: the box's address)\n" "Domain name\n")
{
	return cli_sip_str(vty, offsetof(struct sip_cfg, domain), SIP_NAME_MAX, argv[0], "Domain");
}

DEFUN(cfg_sip_no_domain, cfg_sip_no_domain_cmd, "no domain",
      NO_STR "Use the box's address in From\n")
{
	return cli_sip_str(vty, offsetof(struct sip_cfg, domain), SIP_NAME_MAX, "", "Domain");
}

DEFUN(cfg_sip_proxy, cfg_sip_proxy_cmd, "outbound-proxy ADDR [tcp]",
      "Send every request through this proxy (kamailio) and probe it with OPTIONS\n"
      "A.B.C.D or A.B.C.D:PORT (default port 5060)\n"
      "Reach it over TCP (default UDP)\n")
{
	char ip[16], *colon;
	struct sip_cfg cfg;
	unsigned int addr;
	long port = 5060;

	sip_get_cfg(&cfg);
	colon = strchr(argv[0], ':');
	if (colon) {
		char *end;

		port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || port < 1 || port > 65535) {
			vty_out(vty, "%% Invalid port '%s'%s", colon + 1, VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	if ((size_t)(colon ? colon - argv[0] : (long)strlen(argv[0])) >= sizeof(ip)) {
		vty_out(vty, "%% Invalid address '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(ip, argv[0], colon ? (size_t)(colon - argv[0]) + 1 : sizeof(ip));
	if (cli_parse_ip(&addr, ip) < 0 || !addr) {
		vty_out(vty, "%% Invalid address '%s'%s", ip, VTY_NEWLINE);
		return CMD_WARNING;
	}
	cfg.proxy_addr = addr;
	cfg.proxy_port = (uint16_t)port;
	cfg.proxy_tcp = argc > 1;
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip_no_proxy, cfg_sip_no_proxy_cmd, "no outbound-proxy",
      NO_STR "Send requests straight to the advisors' addresses\n")
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.proxy_addr = 0;
	cfg.proxy_port = 0;
	cfg.proxy_tcp = false;
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip_user, cfg_sip_user_cmd, "username NAME",
      "Digest user name for 401/407 challenges\n" "User name\n")
{
	return cli_sip_str(vty, offsetof(struct sip_cfg, username), SIP_NAME_MAX, argv[0],
			   "User name");
}

DEFUN(cfg_sip_no_user, cfg_sip_no_user_cmd, "no username",
      NO_STR "No credentials: challenges fail the request\n")
{
	return cli_sip_str(vty, offsetof(struct sip_cfg, username), SIP_NAME_MAX, "", "User name");
}

DEFUN(cfg_sip_pass, cfg_sip_pass_cmd, "password WORD",
      "Digest password\n" "Password (no blanks or quotes)\n")
{
	return cli_sip_str(vty, offsetof(struct sip_cfg, password), SIP_NAME_MAX, argv[0],
			   "Password");
}

DEFUN(cfg_sip_no_pass, cfg_sip_no_pass_cmd, "no password", NO_STR "Remove the password\n")
{
	return cli_sip_str(vty, offsetof(struct sip_cfg, password), SIP_NAME_MAX, "", "Password");
}

DEFUN(cfg_sip_opt, cfg_sip_opt_cmd, "options-interval <5-3600>",
      "OPTIONS keep-alive period towards the proxy and advisors\n"
      "Seconds (default 30); no answer within it (at most 32 s) marks a target down\n")
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.options_interval_s = (uint16_t)atoi(argv[0]);
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip_tcp_idle, cfg_sip_tcp_idle_cmd, "tcp-idle <5-3600>",
      "Close a SIP TCP connection without traffic for this long (none while a transaction or "
      "a call uses it)\n"
      "Seconds (default 120)\n")
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.tcp_idle_s = (uint16_t)atoi(argv[0]);
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip_se, cfg_sip_se_cmd, "session-expires <90-86400>",
      "Session timer (RFC 4028): the interval the INVITE asks for; refreshed at half of it\n"
      "Seconds (default 1800)\n")
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.session_expires_s = (uint32_t)atoi(argv[0]);
	if (cfg.session_expires_s < cfg.min_se_s) {
		vty_out(vty, "%% Below min-se %u%s", cfg.min_se_s, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip_no_se, cfg_sip_no_se_cmd, "no session-expires",
      NO_STR "No session timer: INVITEs do not ask for one, 2xx do not start one\n")
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.session_expires_s = 0;
	return cli_sip_apply(vty, &cfg);
}

DEFUN(cfg_sip_min_se, cfg_sip_min_se_cmd, "min-se <90-86400>",
      "Shortest session interval accepted (RFC 4028 Min-SE; shorter gets 422)\n"
      "Seconds (default 90, the RFC's floor)\n")
{
	struct sip_cfg cfg;

	sip_get_cfg(&cfg);
	cfg.min_se_s = (uint32_t)atoi(argv[0]);
	if (cfg.session_expires_s && cfg.session_expires_s < cfg.min_se_s) {
		vty_out(vty, "%% Above session-expires %u%s", cfg.session_expires_s, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return cli_sip_apply(vty, &cfg);
}

DEFUN(show_sip, show_sip_cmd, "show sip",
      SHOW_STR "SIP user agent: transport, proxy, counters, keep-alive targets\n")
{
	struct sip_tcp_info ti;
	struct sip_ka_info ka;
	struct sip_status st;
	struct sip_cfg cfg;
	char a[16];
	unsigned int i;

	sip_get_cfg(&cfg);
	sip_get_status(&st);
	vty_out(vty, "SIP user agent: transports UDP %s, TCP %s%s",
		st.bound ? "listening" : "not listening",
		st.tcp_listening ? "listening" : "not listening", VTY_NEWLINE);
	vty_out(vty, "  Listen address %s port %u%s",
		st.addr ? cli_ip_str(a, sizeof(a), st.addr) : "(no address)", st.port,
		VTY_NEWLINE);
	if (cfg.proxy_addr)
		vty_out(vty, "  Outbound proxy %s:%u over %s%s",
			cli_ip_str(a, sizeof(a), cfg.proxy_addr),
			cfg.proxy_port ? cfg.proxy_port : SIP_DEFAULT_PORT,
			cfg.proxy_tcp ? "TCP" : "UDP", VTY_NEWLINE);
	else
		vty_out(vty, "  Outbound proxy none (direct to advisors)%s", VTY_NEWLINE);
	vty_out(vty, "  Domain %s, credentials %s, OPTIONS every %u s%s",
		*cfg.domain ? cfg.domain : "(box address)", *cfg.username ? cfg.username : "none",
		cfg.options_interval_s, VTY_NEWLINE);
	if (cfg.session_expires_s)
		vty_out(vty, "  Session timer %u s (Min-SE %u s): %u refreshes sent, %u sessions "
			"expired%s", cfg.session_expires_s, cfg.min_se_s, st.ctr.session_refreshes,
			st.ctr.session_expiries, VTY_NEWLINE);
	else
		vty_out(vty, "  Session timer off (Min-SE %u s)%s", cfg.min_se_s, VTY_NEWLINE);
	vty_out(vty, "  %u re-INVITEs accepted, %u refused%s", st.ctr.reinvites,
		st.ctr.reinvite_rejects, VTY_NEWLINE);
	vty_out(vty, "  %u calls, %u transactions%s", st.calls, st.transactions, VTY_NEWLINE);
	vty_out(vty, "  %u requests received, %u responses received%s", st.ctr.req_rx,
		st.ctr.resp_rx, VTY_NEWLINE);
	vty_out(vty, "  %u requests sent, %u responses sent, %u send errors%s", st.ctr.req_tx,
		st.ctr.resp_tx, st.ctr.tx_errors, VTY_NEWLINE);
	vty_out(vty, "  %u parse errors, %u dropped, %u bad requests (400)%s",
		st.ctr.parse_errors, st.ctr.dropped, st.ctr.bad_requests, VTY_NEWLINE);
	vty_out(vty, "  %u stray responses, %u ACKs re-sent, %u authentication retries%s",
		st.ctr.stray_responses, st.ctr.reacks, st.ctr.auth_retries, VTY_NEWLINE);
	vty_out(vty, "  TCP: %u connections open, %u accepted, %u opened, %u failed, %u idle closes "
		"(after %u s), %u rejects, %u requests over 1300 octets sent by TCP%s",
		st.tcp_conns, st.ctr.tcp_accepted, st.ctr.tcp_opened, st.ctr.tcp_failures,
		st.ctr.tcp_idle_closed, cfg.tcp_idle_s, st.ctr.tcp_rejects, st.ctr.tcp_size_switch,
		VTY_NEWLINE);
	for (i = 0; sip_tcp_get(i, &ti) == 0; i++)
		vty_out(vty, "  TCP connection %d %s %s:%u, %s, %u messages in, %u out, %u octets "
			"queued%s", ti.id, ti.incoming ? "from" : "to",
			cli_ip_str(a, sizeof(a), ti.ip), ti.port,
			ti.connected ? "connected" : "connecting", ti.msgs_rx, ti.msgs_tx, ti.queued,
			VTY_NEWLINE);
	for (i = 0; sip_ka_get(i, &ka) == 0; i++)
		vty_out(vty, "  Keep-alive %s%s: %s, %u sent, %u answered, %u timeouts, last %d%s",
			ka.target, ka.is_proxy ? " (proxy)" : "", sip_ka_state_name(ka.state),
			ka.sent, ka.answered, ka.timeouts, ka.last_status, VTY_NEWLINE);
	vty_out(vty, "  Test call: %s%s", sip_test_state(), VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(test_sip_invite, test_sip_invite_cmd, "test sip invite URI",
      "Diagnostics\n" SIP_STR "Place a test call (SDP offer PCMA/8, telephone-event/101)\n"
      "sip:user@A.B.C.D[:PORT]\n")
{
	int rc;

	rc = sip_test_invite(argv[0]);
	switch (rc) {
	case 0:
		vty_out(vty, "Calling %s (outcome: show sip, log DSIP)%s", argv[0], VTY_NEWLINE);
		return CMD_SUCCESS;
	case -EBUSY:
		vty_out(vty, "%% A test call is up: test sip bye first%s", VTY_NEWLINE);
		return CMD_WARNING;
	case -ENETDOWN:
		vty_out(vty, "%% No IP address or SIP port not bound%s", VTY_NEWLINE);
		return CMD_WARNING;
	default:
		vty_out(vty, "%% Invalid URI '%s' (sip:user@A.B.C.D[:PORT])%s", argv[0],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
}

DEFUN(test_sip_bye, test_sip_bye_cmd, "test sip bye",
      "Diagnostics\n" SIP_STR "End the test call (CANCEL while ringing, BYE once answered)\n")
{
	if (sip_test_bye() < 0) {
		vty_out(vty, "%% No test call%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

static int cli_sip_write(struct vty *vty)
{
	struct sip_cfg cfg;
	char a[16];

	sip_get_cfg(&cfg);
	vty_out(vty, "sip%s", VTY_NEWLINE);
	if (cfg.listen_port != SIP_DEFAULT_PORT)
		vty_out(vty, " listen port %u%s", cfg.listen_port, VTY_NEWLINE);
	if (*cfg.domain)
		vty_out(vty, " domain %s%s", cfg.domain, VTY_NEWLINE);
	if (cfg.proxy_addr)
		vty_out(vty, " outbound-proxy %s:%u%s%s", cli_ip_str(a, sizeof(a), cfg.proxy_addr),
			cfg.proxy_port ? cfg.proxy_port : SIP_DEFAULT_PORT,
			cfg.proxy_tcp ? " tcp" : "", VTY_NEWLINE);
	if (*cfg.username)
		vty_out(vty, " username %s%s", cfg.username, VTY_NEWLINE);
	if (*cfg.password)
		vty_out(vty, " password %s%s", cfg.password, VTY_NEWLINE);
	if (cfg.options_interval_s != SIP_DEFAULT_OPTIONS_INTERVAL)
		vty_out(vty, " options-interval %u%s", cfg.options_interval_s, VTY_NEWLINE);
	if (cfg.tcp_idle_s != SIP_DEFAULT_TCP_IDLE)
		vty_out(vty, " tcp-idle %u%s", cfg.tcp_idle_s, VTY_NEWLINE);
	if (cfg.min_se_s != SIP_MIN_SE)
		vty_out(vty, " min-se %u%s", cfg.min_se_s, VTY_NEWLINE);
	if (!cfg.session_expires_s)
		vty_out(vty, " no session-expires%s", VTY_NEWLINE);
	else if (cfg.session_expires_s != SIP_DEFAULT_SESSION_EXPIRES)
		vty_out(vty, " session-expires %u%s", cfg.session_expires_s, VTY_NEWLINE);
	return 1;
}

void cli_sip_init(void)
{
	install_element_ve(&show_sip_cmd);
	install_element(ENABLE_NODE, &test_sip_invite_cmd);
	install_element(ENABLE_NODE, &test_sip_bye_cmd);
	install_element(CONFIG_NODE, &cfg_sip_cmd);
	install_node(&cli_sip_node, cli_sip_write);
	install_element(CLI_SIP_NODE, &cfg_sip_port_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_domain_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_no_domain_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_proxy_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_no_proxy_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_user_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_no_user_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_pass_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_no_pass_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_opt_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_tcp_idle_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_se_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_no_se_cmd);
	install_element(CLI_SIP_NODE, &cfg_sip_min_se_cmd);
}
