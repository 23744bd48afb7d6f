// SPDX-License-Identifier: GPL-2.0-or-later
/* `show media`, `show ecan`: the media channels in use (timeslot <-> RTP) and their echo
 * cancellers, one line each. */
#include <errno.h>
#include <stdio.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <hlgw/media.h>

#include "cli_int.h"

DEFUN(show_media, show_media_cmd, "show media",
      SHOW_STR "Media channels: timeslot, RTP ports, packets, loss, jitter, delay\n")
{
	struct media_chan_info mi;
	uint16_t lo, hi;
	unsigned int idx, n = 0;
	char a[16], rem[24];
	int rc;

	media_port_get_range(&lo, &hi);
	for (idx = 0; (rc = media_chan_info_get(idx, &mi)) != -ERANGE; idx++) {
		if (rc < 0)
			continue;
		if (!n++)
			vty_out(vty, "Span TS Local Remote                Mode     Tx pkts  Rx pkts"
				"   Lost  Late Jitter  Delay   RTT Tx copied%s", VTY_NEWLINE);
		if (mi.remote.addr)
			snprintf(rem, sizeof(rem), "%s:%u", cli_ip_str(a, sizeof(a), mi.remote.addr),
				 mi.remote.port);
		else
			snprintf(rem, sizeof(rem), "(none yet)");
		vty_out(vty, "%4u %2u %5u %-21s %-8s %7u %8u %6u %5u %3u ms %3u ms %3u ms %9llu%s",
			mi.span, mi.ts, mi.local_port, rem,
			!mi.remote.addr ? "recvonly" : mi.remote.sendonly ? "hold" : "sendrecv",
			mi.st.tx_packets, mi.st.rx_packets, mi.st.rx_lost, mi.st.rx_late,
			mi.st.jitter_ms, mi.st.jbuf_delay_ms, mi.st.rtt_ms,
			(unsigned long long)mi.st.tx_copied, VTY_NEWLINE);
	}
	vty_out(vty, "%u media channel%s in use, RTP ports %u-%u%s", n, n == 1 ? "" : "s", lo, hi,
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

/* "on" or "off" */
static const char *cli_onoff(bool on)
{
	return on ? "on" : "off";
}

DEFUN(show_ecan, show_ecan_cmd, "show ecan",
      SHOW_STR "Echo cancellers of the channels in use: tail, ERL, ERLE, state\n")
{
	struct media_chan_info mi;
	unsigned int idx, n = 0, total, avail;
	uint32_t short_calls;
	int rc;

	for (idx = 0; (rc = media_chan_info_get(idx, &mi)) != -ERANGE; idx++) {
		if (rc < 0 || !mi.ec.on)
			continue;
		if (!n++)
			vty_out(vty, "Span TS Tail   NLP    ERL    ERLE Converged  2100 Hz tone%s",
				VTY_NEWLINE);
		vty_out(vty, "%4u %2u %3u ms %-3s %5.1f dB %5.1f dB %-9s  %s (%u time%s)%s",
			mi.span, mi.ts, mi.ec.tail_ms, cli_onoff(mi.ec.nlp), mi.ec.erl_db,
			mi.ec.erle_db, mi.ec.converged ? "yes" : "no",
			mi.ec.disabled ? "disabled" : "enabled", mi.ec.tone_disables,
			mi.ec.tone_disables == 1 ? "" : "s", VTY_NEWLINE);
	}
	media_ecan_pool_info(&total, &avail, &short_calls);
	vty_out(vty, "%u echo canceller%s in use, %u free; %u call%s found none free%s", n,
		n == 1 ? "" : "s", avail, short_calls, short_calls == 1 ? "" : "s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

void cli_media_init(void)
{
	install_element_ve(&show_media_cmd);
	install_element_ve(&show_ecan_cmd);
}
