// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ISDN commands: `show isdn status` (layer 1/2/3 per span, in the words of an IOS router),
 * the Q.931 guard's reject counters (`show isdn rejects`), the Q.921/Q.931 timers
 * (`timer q921 T200 1000`, libosmovty's osmo_tdef commands) and the D-channel capture
 * (`debug isdn pcap FILE`).
 */
#include <errno.h>
#include <string.h>

#include <osmocom/core/tdef.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include <hlgw/isdn.h>
#include <hlgw/span.h>

#include "cli_int.h"

static struct osmo_tdef_group cli_isdn_timers[] = {
	{ .name = "q921", .desc = "ISDN layer 2 (LAPD) timers and counters", },
	{ .name = "q931", .desc = "ISDN layer 3 (call control) timers", },
	{}
};

static void cli_isdn_show_span(struct vty *vty, unsigned int nr, const struct isdn_status *st)
{
	const struct span_cfg *cfg = span_get_cfg(nr);

	vty_out(vty, "ISDN span %u, switch type %s, %s side:%s", nr,
		cfg && cfg->switchtype == SPAN_SWITCH_QSIG ? "QSIG" : "EuroISDN (primary-net5)",
		st->network ? "network" : "user (CPE)", VTY_NEWLINE);
	vty_out(vty, "    Layer 1 Status:%s        %s%s", VTY_NEWLINE,
		st->l1_up ? "ACTIVE" : "DEACTIVATED", VTY_NEWLINE);
	vty_out(vty, "    Layer 2 Status:%s        TEI = 0, SAPI = 0, State = %s%s", VTY_NEWLINE,
		isdn_l2_state_name(st->l2), VTY_NEWLINE);
	vty_out(vty, "        SABME sent %u, received %u; UA sent %u, received %u%s", st->sabme_tx,
		st->sabme_rx, st->ua_tx, st->ua_rx, VTY_NEWLINE);
	vty_out(vty, "        DISC sent %u, received %u; DM sent %u, received %u%s", st->disc_tx,
		st->disc_rx, st->dm_tx, st->dm_rx, VTY_NEWLINE);
	vty_out(vty, "        Frames sent %u, received %u (I-frames %u, %u)%s", st->frames_tx,
		st->frames_rx, st->iframes_tx, st->iframes_rx, VTY_NEWLINE);
	vty_out(vty, "        HDLC errors: %u CRC, %u aborts, %u too long%s", st->hdlc_crc_err,
		st->hdlc_abort, st->hdlc_overlong, VTY_NEWLINE);
	vty_out(vty, "        Link established %u time(s)%s", st->l2_up_count, VTY_NEWLINE);
	vty_out(vty, "    Layer 3 Status:%s        %u Active Layer 3 Call(s)%s", VTY_NEWLINE,
		st->active_calls, VTY_NEWLINE);
	vty_out(vty, "        %u incoming SETUP(s), %u refused%s", st->setups_rx,
		st->setups_rejected, VTY_NEWLINE);
}

/* Each kind of reject (firmware/isdn/q931_guard.h) and what the guard answers, for the operator. */
static const struct {
	const char *name, *reaction;
} cli_isdn_rejects[ISDN_GUARD__NUM] = {
	[ISDN_GUARD_SHORT] = { "too short/long", "ignored" },
	[ISDN_GUARD_PD] = { "protocol discriminator", "ignored" },
	[ISDN_GUARD_CREF] = { "call reference", "ignored" },
	[ISDN_GUARD_GLOBAL_CREF] = { "global call reference misuse", "STATUS 81" },
	[ISDN_GUARD_MSG_TYPE] = { "unknown message type", "STATUS 97 / REL COMP 81" },
	[ISDN_GUARD_IE_OVERRUN] = { "IE past message end", "REL COMP / STATUS 100" },
	[ISDN_GUARD_IE_MISSING] = { "mandatory IE missing", "REL COMP / STATUS 96" },
	[ISDN_GUARD_IE_CONTENT] = { "invalid IE contents", "REL COMP / STATUS 100, or IE dropped" },
	[ISDN_GUARD_NUMBER] = { "invalid number", "REL COMP 28, or IE dropped" },
	[ISDN_GUARD_CHANNEL] = { "invalid channel", "REL COMP 82 / 44" },
};

DEFUN(show_isdn_rejects, show_isdn_rejects_cmd, "show isdn rejects",
      SHOW_STR "ISDN\n" "Q.931 messages from the line the guard refused, ignored or cleaned\n")
{
	unsigned int i, k, shown = 0;

	for (i = 0; i < span_count(); i++) {
		struct isdn_status st;
		const struct isdn_guard_stats *gs = &st.guard;

		if (isdn_get_status(i, &st) < 0 || !st.configured)
			continue;
		vty_out(vty, "ISDN span %u, Q.931 guard: %u checked, %u passed, %u cleaned, "
			"%u ignored, %u refused (%u answers)%s", i, gs->checked, gs->passed,
			gs->sanitised, gs->discarded, gs->refused, gs->answers, VTY_NEWLINE);
		for (k = ISDN_GUARD_OK + 1; k < ISDN_GUARD__NUM; k++)
			vty_out(vty, "    %-30s %10u   %s%s", cli_isdn_rejects[k].name, gs->kind[k],
				cli_isdn_rejects[k].reaction, VTY_NEWLINE);
		shown++;
	}
	if (!shown)
		vty_out(vty, "No ISDN D-channel is configured (no span in service).%s",
			VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_isdn_status, show_isdn_status_cmd, "show isdn status",
      SHOW_STR "ISDN\n" "Layer 1, 2 and 3 state of every D-channel\n")
{
	unsigned int i, shown = 0;

	for (i = 0; i < span_count(); i++) {
		struct isdn_status st;

		if (isdn_get_status(i, &st) < 0 || !st.configured)
			continue;
		cli_isdn_show_span(vty, i, &st);
		shown++;
	}
	if (!shown)
		vty_out(vty, "No ISDN D-channel is configured (no span in service).%s",
			VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(debug_isdn_pcap, debug_isdn_pcap_cmd, "debug isdn pcap FILE",
      "Debugging\n" "ISDN\n" "Capture every D-channel to a pcap file (Wireshark: LAPD)\n"
      "File name (relative: in the board's capture directory)\n")
{
	int rc = isdn_pcap_start(argv[0]);

	switch (rc) {
	case 0:
		vty_out(vty, "ISDN D-channel capture to %s started%s", argv[0], VTY_NEWLINE);
		return CMD_SUCCESS;
	case -EBUSY:
		vty_out(vty, "%% A capture is already running (no debug isdn pcap first)%s",
			VTY_NEWLINE);
		return CMD_WARNING;
	case -ENOTSUP:
		vty_out(vty, "%% This board cannot write captures%s", VTY_NEWLINE);
		return CMD_WARNING;
	default:
		vty_out(vty, "%% Cannot capture to %s: %s%s", argv[0], strerror(-rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
}

DEFUN(no_debug_isdn_pcap, no_debug_isdn_pcap_cmd, "no debug isdn pcap",
      NO_STR "Debugging\n" "ISDN\n" "Stop the D-channel capture\n")
{
	int rc = isdn_pcap_stop();

	if (rc < 0) {
		vty_out(vty, "%% Stopping the capture failed: %s%s", strerror(-rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

void cli_isdn_init(void)
{
	cli_isdn_timers[0].tdefs = isdn_q921_tdefs;
	cli_isdn_timers[1].tdefs = isdn_q931_tdefs;
	/* `timer [q921|q931] [TNNNN] [VAL]` in config mode, `show timer` */
	osmo_tdef_vty_groups_init(CONFIG_NODE, cli_isdn_timers);
	install_element_ve(&show_isdn_status_cmd);
	install_element_ve(&show_isdn_rejects_cmd);
	install_element(ENABLE_NODE, &debug_isdn_pcap_cmd);
	install_element(ENABLE_NODE, &no_debug_isdn_pcap_cmd);
}
