// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call control commands: the `hotline NUMBER` node (advisors in the order they are tried,
 * ring-timeout), calling-number prefixes per type of number, the Q.850 <-> SIP cause table
 * (RFC 3398; `cause-map`), and the live calls: `show calls`, `show call ID`, `clear call ID`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <hlgw/call.h>
#include <hlgw/route.h>

#include "cli_int.h"

/* Far above cli_int.h's nodes, next to the sip node (cli_sip.c: +32). */
#define CLI_HOTLINE_NODE (_LAST_OSMOVTY_NODE + 33)

static struct cmd_node cli_hotline_node = { CLI_HOTLINE_NODE, "%s(config-hotline)# ", 1 };

/* the hotline the session is in (one console) */
static char cli_hotline_cur[CALL_NUM_MAX + 1];

#define HOTLINE_STR "A hotline: called number routed to advisors\n"
#define CAUSE_STR "Q.850 cause <-> SIP status table (RFC 3398)\n"
#define TON_ARGS "(international|national|subscriber|unknown)"
#define TON_HELP "International number\n" "National number\n" "Subscriber number\n" \
		 "Unknown type of number\n"

static const struct value_string cli_ton_names[] = {
	{ CALL_TON_INTERNATIONAL, "international" },
	{ CALL_TON_NATIONAL, "national" },
	{ CALL_TON_SUBSCRIBER, "subscriber" },
	{ CALL_TON_UNKNOWN, "unknown" },
	{}
};

DEFUN(cfg_hotline, cfg_hotline_cmd, "hotline NUMBER",
      HOTLINE_STR "Called number (digits, * #, leading +)\n")
{
	int rc = call_hotline_add(argv[0]);

	if (rc < 0) {
		vty_out(vty, "%% %s%s", rc == -ENOSPC ? "Too many hotlines" : "Invalid number",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(cli_hotline_cur, argv[0], sizeof(cli_hotline_cur));
	vty->node = CLI_HOTLINE_NODE;
	vty->index = cli_hotline_cur;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_hotline, cfg_no_hotline_cmd, "no hotline NUMBER",
      NO_STR HOTLINE_STR "Called number\n")
{
	if (call_hotline_del(argv[0]) < 0) {
		vty_out(vty, "%% No hotline %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_hl_advisor, cfg_hl_advisor_cmd, "advisor URI",
      "Add an advisor (tried in the order given)\n" "sip:user@A.B.C.D[:PORT]\n")
{
	int rc = call_hotline_advisor_add(cli_hotline_cur, argv[0]);

	switch (rc) {
	case 0:
		return CMD_SUCCESS;
	case -EEXIST:
		vty_out(vty, "%% Advisor already listed%s", VTY_NEWLINE);
		break;
	case -ENOSPC:
		vty_out(vty, "%% At most %u advisors%s", CALL_ADVISORS_MAX, VTY_NEWLINE);
		break;
	default:
		vty_out(vty, "%% Invalid advisor URI (sip:user@host[:port])%s", VTY_NEWLINE);
		break;
	}
	return CMD_WARNING;
}

DEFUN(cfg_hl_no_advisor, cfg_hl_no_advisor_cmd, "no advisor URI",
      NO_STR "Remove an advisor\n" "sip:user@A.B.C.D[:PORT]\n")
{
	if (call_hotline_advisor_del(cli_hotline_cur, argv[0]) < 0) {
		vty_out(vty, "%% No such advisor%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_hl_ring, cfg_hl_ring_cmd, "ring-timeout <5-120>",
      "How long an advisor may ring before the next one is tried\n" "Seconds (default 30)\n")
{
	if (call_hotline_ring_timeout(cli_hotline_cur, (unsigned int)atoi(argv[0])) < 0) {
		vty_out(vty, "%% Invalid ring timeout%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_prefix, cfg_prefix_cmd, "calling-prefix " TON_ARGS " PREFIX",
      "Prefix that makes a calling number of this type E.164 (sent to SIP)\n" TON_HELP
      "Prefix: + and digits, e.g. +49 for national numbers in Germany\n")
{
	if (call_prefix_set(get_string_value(cli_ton_names, argv[0]), argv[1]) < 0) {
		vty_out(vty, "%% Invalid prefix (+ and digits, at most %u)%s", CALL_PREFIX_MAX,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_no_prefix, cfg_no_prefix_cmd, "no calling-prefix " TON_ARGS,
      NO_STR "Calling number prefix\n" TON_HELP)
{
	enum call_ton ton = get_string_value(cli_ton_names, argv[0]);

	call_prefix_set(ton, ton == CALL_TON_INTERNATIONAL ? "+" : "");
	return CMD_SUCCESS;
}

DEFUN(cfg_prefix_priv, cfg_prefix_priv_cmd, "calling-prefix private PREFIX",
      "Prefix that makes a calling number of this type E.164 (sent to SIP)\n"
      "Numbers of the private numbering plan (NPI 9), whatever their type\n"
      "Prefix: + and digits, e.g. +49301234 for a PBX's block of extensions\n")
{
	if (call_prefix_private_set(argv[0]) < 0) {
		vty_out(vty, "%% Invalid prefix (+ and digits, at most %u)%s", CALL_PREFIX_MAX,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_no_prefix_priv, cfg_no_prefix_priv_cmd, "no calling-prefix private",
      NO_STR "Calling number prefix\n" "Private numbering plan: numbers go as they are\n")
{
	call_prefix_private_set("");
	return CMD_SUCCESS;
}

DEFUN(cfg_cause_sip, cfg_cause_sip_cmd, "cause-map sip <400-699> q850 <1-127>",
      CAUSE_STR "SIP final status -> Q.850 cause for the caller\n" "SIP status\n"
      "Q.850 cause\n" "Cause value\n")
{
	if (call_cause_map_set_sip(atoi(argv[0]), atoi(argv[1])) < 0) {
		vty_out(vty, "%% No row for SIP %s (see show cause-map)%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cause_q850, cfg_cause_q850_cmd, "cause-map q850 <1-127> sip <400-699>",
      CAUSE_STR "Q.850 cause -> SIP status for the advisor\n" "Cause value\n"
      "SIP status\n" "Status code\n")
{
	if (call_cause_map_set_q850(atoi(argv[0]), atoi(argv[1])) < 0) {
		vty_out(vty, "%% No row for cause %s (see show cause-map)%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_no_cause, cfg_no_cause_cmd, "no cause-map", NO_STR "Back to the RFC 3398 table\n")
{
	call_cause_map_reset();
	return CMD_SUCCESS;
}

DEFUN(show_cause_map, show_cause_map_cmd, "show cause-map",
      SHOW_STR "Q.850 <-> SIP cause table (RFC 3398; * changed)\n")
{
	int a, b;
	bool ch;
	unsigned int i;

	vty_out(vty, "SIP status -> Q.850 cause (RFC 3398 8.2.6.1; others: 4xx-6xx -> 31)%s",
		VTY_NEWLINE);
	for (i = 0; call_cause_sip_row(i, &a, &b, &ch) == 0; i++)
		vty_out(vty, " %3d -> %3d%s %s%s", a, b, ch ? "*" : " ", call_cause_name(b),
			VTY_NEWLINE);
	vty_out(vty, "Q.850 cause -> SIP status (RFC 3398 7.2.4.1; others -> 500)%s",
		VTY_NEWLINE);
	for (i = 0; call_cause_q850_row(i, &a, &b, &ch) == 0; i++) {
		if (b)
			vty_out(vty, " %3d -> %3d%s %s%s", a, b, ch ? "*" : " ", call_cause_name(a),
				VTY_NEWLINE);
		else
			vty_out(vty, " %3d -> BYE/CANCEL %s%s", a, call_cause_name(a), VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(show_hotlines, show_hotlines_cmd, "show hotlines",
      SHOW_STR "Hotlines and their advisors in the order they are tried\n")
{
	const struct call_hotline *h;
	unsigned int i, j;

	cli_route_show_hotlines(vty);
	for (i = 0; (h = call_hotline_get(i)); i++) {
		vty_out(vty, "Hotline %s: ring-timeout %u s, %u advisor%s%s", h->number,
			h->ring_timeout_s, h->n_advisors, h->n_advisors == 1 ? "" : "s",
			VTY_NEWLINE);
		for (j = 0; j < h->n_advisors; j++)
			vty_out(vty, "  %u %s%s", j + 1, h->advisor[j], VTY_NEWLINE);
	}
	if (!i && route_hotline_get(0, &(struct route_hotline_info){}) < 0)
		vty_out(vty, "No hotlines: every SETUP is refused%s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

static void cli_call_line(struct vty *vty, const struct call_info *ci)
{
	char dur[16], caller[CALL_NUM_MAX + CALL_PREFIX_MAX + 2], loss[16];
	uint32_t s = ci->talk_s ? ci->talk_s : ci->age_s;

	snprintf(dur, sizeof(dur), "%u:%02u", s / 60, s % 60);
	snprintf(caller, sizeof(caller), "%s%s", *ci->caller ? ci->caller : "-",
		 ci->restricted ? "*" : "");
	if (ci->media && ci->stats.rx_packets + ci->stats.rx_lost)
		snprintf(loss, sizeof(loss), "%u.%u%%",
			 ci->stats.rx_lost * 100 / (ci->stats.rx_packets + ci->stats.rx_lost),
			 ci->stats.rx_lost * 1000 / (ci->stats.rx_packets + ci->stats.rx_lost) % 10);
	else
		osmo_strlcpy(loss, "-", sizeof(loss));
	vty_out(vty, "%4u S%u/%-2u %-17s %-12s %-28s %-8s %6s %-5s %6u/%-6u %6s %4u%s", ci->id,
		ci->span, ci->ts, caller, ci->hotline, *ci->advisor ? ci->advisor : "-", ci->state,
		dur, "PCMA", ci->media ? ci->stats.tx_packets : 0,
		ci->media ? ci->stats.rx_packets : 0, loss, ci->media ? ci->stats.jitter_ms : 0,
		VTY_NEWLINE);
}

DEFUN(show_calls, show_calls_cmd, "show calls", SHOW_STR "Calls in progress\n")
{
	struct call_info ci;
	struct call_counters ctr;
	unsigned int i;

	call_get_counters(&ctr);
	vty_out(vty, "%4s %-5s %-17s %-12s %-28s %-8s %6s %-5s %13s %6s %4s%s", "ID", "SP/TS",
		"CALLER", "HOTLINE", "ADVISOR", "STATE", "TIME", "CODEC", "PKTS TX/RX", "LOSS",
		"JIT", VTY_NEWLINE);
	for (i = 0; call_get(i, &ci) == 0; i++)
		cli_call_line(vty, &ci);
	vty_out(vty, "%u call%s; since start: %u SETUPs, %u refused, %u answered, %u INVITEs, "
		"%u moved to the next advisor, %u on another channel than the preferred one%s", i,
		i == 1 ? "" : "s", ctr.setups, ctr.refused, ctr.answered, ctr.attempts,
		ctr.next_advisor, ctr.channel_picked, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_call, show_call_cmd, "show call <1-4294967295>",
      SHOW_STR "One call in detail\n" "Call ID (show calls)\n")
{
	struct call_info ci;

	if (call_get_by_id((uint32_t)strtoul(argv[0], NULL, 10), &ci) < 0) {
		vty_out(vty, "%% No call %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "Call %u: span %u timeslot %u, state %s%s", ci.id, ci.span, ci.ts, ci.state,
		VTY_NEWLINE);
	vty_out(vty, "  Caller %s%s (type %s, plan %s), hotline %s%s",
		*ci.caller ? ci.caller : "(none)", ci.restricted ? " (presentation restricted)" : "",
		call_ton_name(ci.ton), call_npi_name(ci.npi), ci.hotline, VTY_NEWLINE);
	vty_out(vty, "  Advisor %s (try %u)%s", *ci.advisor ? ci.advisor : "-", ci.attempt,
		VTY_NEWLINE);
	vty_out(vty, "  Up %u s, talking %u s%s", ci.age_s, ci.talk_s, VTY_NEWLINE);
	if (!ci.media) {
		vty_out(vty, "  No media channel%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	vty_out(vty, "  Media PCMA: %u packets sent, %u received, %u lost, %u late, %u duplicate%s",
		ci.stats.tx_packets, ci.stats.rx_packets, ci.stats.rx_lost, ci.stats.rx_late,
		ci.stats.rx_dup, VTY_NEWLINE);
	vty_out(vty, "  Jitter %u ms, playout delay %u ms, round trip %u ms%s", ci.stats.jitter_ms,
		ci.stats.jbuf_delay_ms, ci.stats.rtt_ms, VTY_NEWLINE);
	vty_out(vty, "  DTMF: %u digits from the caller (in-band), %u RFC 4733 packets sent, %u "
		"echoes of the advisor's digits ignored%s", ci.stats.dtmf_rx, ci.stats.tx_events,
		ci.stats.dtmf_echo, VTY_NEWLINE);
	if (ci.ecan.on)
		vty_out(vty, "  Echo canceller: %u ms tail, NLP %s, ERL %.1f dB, ERLE %.1f dB, %s, "
			"%s (%u times by a 2100 Hz tone)%s", ci.ecan.tail_ms,
			ci.ecan.nlp ? "on" : "off", ci.ecan.erl_db, ci.ecan.erle_db,
			ci.ecan.converged ? "converged" : "not converged",
			ci.ecan.disabled ? "disabled" : "enabled", ci.ecan.tone_disables,
			VTY_NEWLINE);
	else
		vty_out(vty, "  Echo canceller: off%s", VTY_NEWLINE);
	vty_out(vty, "  Dropped: %u from others than the advisor, %u failing the RTP/RTCP checks;"
		" %llu octets copied on TX%s", ci.stats.rx_foreign, ci.stats.rx_dropped,
		(unsigned long long)ci.stats.tx_copied, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(clear_call, clear_call_cmd, "clear call <1-4294967295>",
      "Clear something\n" "Clear a call (cause 16 to the caller, BYE/CANCEL)\n"
      "Call ID (show calls)\n")
{
	if (call_clear((uint32_t)strtoul(argv[0], NULL, 10)) < 0) {
		vty_out(vty, "%% No call %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

/* calling-prefix and cause-map lines (config level), then the hotline blocks */
static int cli_call_write(struct vty *vty)
{
	const struct call_hotline *h;
	unsigned int i, j, n = 0;
	int a, b;
	bool ch;

	for (i = 0; cli_ton_names[i].str; i++) {
		enum call_ton ton = cli_ton_names[i].value;
		const char *p = call_prefix_get(ton);

		if (strcmp(p, ton == CALL_TON_INTERNATIONAL ? "+" : "") && ++n)
			vty_out(vty, "calling-prefix %s %s%s", cli_ton_names[i].str, p, VTY_NEWLINE);
	}
	if (*call_prefix_private_get() && ++n)
		vty_out(vty, "calling-prefix private %s%s", call_prefix_private_get(), VTY_NEWLINE);
	for (i = 0; call_cause_sip_row(i, &a, &b, &ch) == 0; i++)
		if (ch && ++n)
			vty_out(vty, "cause-map sip %d q850 %d%s", a, b, VTY_NEWLINE);
	for (i = 0; call_cause_q850_row(i, &a, &b, &ch) == 0; i++)
		if (ch && b && ++n)
			vty_out(vty, "cause-map q850 %d sip %d%s", a, b, VTY_NEWLINE);
	for (i = 0; (h = call_hotline_get(i)); i++, n++) {
		vty_out(vty, "hotline %s%s", h->number, VTY_NEWLINE);
		if (h->ring_timeout_s != CALL_RING_TIMEOUT_DEF)
			vty_out(vty, " ring-timeout %u%s", h->ring_timeout_s, VTY_NEWLINE);
		for (j = 0; j < h->n_advisors; j++)
			vty_out(vty, " advisor %s%s", h->advisor[j], VTY_NEWLINE);
	}
	return n ? 1 : 0; /* 1 makes libosmovty print a "!" after the block */
}

void cli_call_init(void)
{
	install_element_ve(&show_calls_cmd);
	install_element_ve(&show_call_cmd);
	install_element_ve(&show_cause_map_cmd);
	install_element_ve(&show_hotlines_cmd);
	install_element(ENABLE_NODE, &clear_call_cmd);
	install_element(CONFIG_NODE, &cfg_hotline_cmd);
	install_element(CONFIG_NODE, &cfg_no_hotline_cmd);
	install_element(CONFIG_NODE, &cfg_prefix_cmd);
	install_element(CONFIG_NODE, &cfg_no_prefix_cmd);
	install_element(CONFIG_NODE, &cfg_prefix_priv_cmd);
	install_element(CONFIG_NODE, &cfg_no_prefix_priv_cmd);
	install_element(CONFIG_NODE, &cfg_cause_sip_cmd);
	install_element(CONFIG_NODE, &cfg_cause_q850_cmd);
	install_element(CONFIG_NODE, &cfg_no_cause_cmd);
	install_node(&cli_hotline_node, cli_call_write);
	install_element(CLI_HOTLINE_NODE, &cfg_hl_advisor_cmd);
	install_element(CLI_HOTLINE_NODE, &cfg_hl_no_advisor_cmd);
	install_element(CLI_HOTLINE_NODE, &cfg_hl_ring_cmd);
}
