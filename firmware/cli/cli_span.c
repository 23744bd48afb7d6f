// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * E1 span commands: `show controllers e1 [N]` (state, alarms, counters, G.826) and the
 * `span N` node (framing, line code, clock, signalling, switch type, channels, echo canceller,
 * shutdown). Every change goes live through span_set_cfg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <hlgw/span.h>

#include "../span/g826.h"
#include "cli_int.h"

#define SPAN_NODE_STR "Configure an E1 span\n"

static unsigned int cli_span_ids[SPAN_MAX];

static struct cmd_node cli_span_node = { CLI_SPAN_NODE, "%s(config-span)# ", 1 };

void cli_ts_list(char *buf, size_t size, unsigned int mask)
{
	unsigned int ts = 1, len = 0;

	buf[0] = 0;
	while (ts < 32) {
		unsigned int end;

		if (!(mask & (1u << ts))) {
			ts++;
			continue;
		}
		for (end = ts; end + 1 < 32 && (mask & (1u << (end + 1))); end++)
			;
		if (end == ts)
			len += snprintf(buf + len, size > len ? size - len : 0, "%s%u",
					len ? "," : "", ts);
		else
			len += snprintf(buf + len, size > len ? size - len : 0, "%s%u-%u",
					len ? "," : "", ts, end);
		ts = end + 1;
	}
}

/* Take the number at *s (decimal, 1-3 digits); returns -1 when there is none. */
static int cli_take_num(const char **s)
{
	int v = 0, n = 0;

	while (**s >= '0' && **s <= '9' && n < 4) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n && n < 4 ? v : -1;
}

int cli_parse_list(unsigned long long *mask, const char *s, unsigned int lo, unsigned int hi,
		   const char **bad)
{
	*mask = 0;
	*bad = s;
	if (hi - lo >= 64 || !*s)
		return -EINVAL;
	while (*s) {
		int a, b;

		*bad = s;
		a = cli_take_num(&s);
		b = a;
		if (*s == '-') {
			s++;
			b = cli_take_num(&s);
		}
		if (a < 0 || b < 0 || (*s && *s != ',') || a > b || (unsigned int)a < lo ||
		    (unsigned int)b > hi)
			return -EINVAL;
		for (; a <= b; a++)
			*mask |= 1ull << (a - lo);
		if (*s == ',')
			s++;
	}
	return 0;
}

static unsigned int cli_span_nr(struct vty *vty)
{
	return *(unsigned int *)vty->index;
}

static int cli_span_apply(struct vty *vty, unsigned int nr, const struct span_cfg *cfg)
{
	int rc = span_set_cfg(nr, cfg);

	switch (rc) {
	case 0:
		return CMD_SUCCESS;
	case -EINVAL:
		vty_out(vty, "%% span %u: the span does not accept this setting%s", nr,
			VTY_NEWLINE);
		return CMD_WARNING;
	case -ENODEV:
		vty_out(vty, "%% span %u: no such span%s", nr, VTY_NEWLINE);
		return CMD_WARNING;
	default:
		vty_out(vty, "%% span %u: the framer refused the setting (%d)%s", nr, rc,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
}

/* Copy the current config of the node's span into *cfg. */
static unsigned int cli_span_cur(struct vty *vty, struct span_cfg *cfg)
{
	unsigned int nr = cli_span_nr(vty);

	*cfg = *span_get_cfg(nr);
	return nr;
}

DEFUN(cfg_span, cfg_span_cmd, "span <0-0>", SPAN_NODE_STR "Span number\n")
{
	unsigned int nr = atoi(argv[0]);

	if (nr >= span_count() || !span_get_cfg(nr)) {
		vty_out(vty, "%% No span %u (this box has %u)%s", nr, span_count(), VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty->index = &cli_span_ids[nr];
	vty->node = CLI_SPAN_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_span_framing, cfg_span_framing_cmd, "framing (crc4|no-crc4)",
      "E1 framing\n" "G.704 with the CRC-4 multiframe\n" "G.704 without CRC-4 (double frame)\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.line.crc4 = !strcmp(argv[0], "crc4");
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_linecode, cfg_span_linecode_cmd, "linecode (hdb3|ami)",
      "Line code\n" "HDB3\n" "AMI\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.line.linecode = !strcmp(argv[0], "hdb3") ? E1_LINECODE_HDB3 : E1_LINECODE_AMI;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_clock, cfg_span_clock_cmd, "clock source (line|internal)",
      "Transmit clock\n" "Clock source\n" "Recovered from the received line (the telco is master)\n"
      "Our own oscillator (we are master)\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.line.clock = !strcmp(argv[0], "line") ? E1_CLOCK_LINE : E1_CLOCK_INTERNAL;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_sig, cfg_span_sig_cmd, "signalling (cpe|net)",
      "ISDN side of this span\n" "User side (CPE, the telco is the network)\n" "Network side\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.sig = !strcmp(argv[0], "cpe") ? SPAN_SIG_CPE : SPAN_SIG_NET;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_switch, cfg_span_switch_cmd, "switchtype (euroisdn|qsig)",
      "ISDN switch type\n" "EuroISDN (ETSI EN 300 403) primary rate\n" "Q.SIG\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.switchtype = !strcmp(argv[0], "qsig") ? SPAN_SWITCH_QSIG : SPAN_SWITCH_EUROISDN_E1;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_shutdown, cfg_span_shutdown_cmd, "shutdown", "Take the span out of service\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.enabled = false;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_no_shutdown, cfg_span_no_shutdown_cmd, "no shutdown",
      NO_STR "Put the span into service\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.enabled = true;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_ec, cfg_span_ec_cmd, "echocanceller [(32|64|128)]",
      "Echo canceller on the B-channels (G.168)\n" "32 ms tail\n" "64 ms tail\n" "128 ms tail\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.echocancel = true;
	if (argc > 0 && argv[0])
		cfg.ec_taps = atoi(argv[0]) * 8;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_ec_nlp, cfg_span_ec_nlp_cmd, "echocanceller (nlp|no-nlp)",
      "Echo canceller on the B-channels (G.168)\n"
      "Non-linear processor with comfort noise after the canceller (default)\n"
      "No non-linear processor: the linear canceller's output as it is\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.ec_no_nlp = !strcmp(argv[0], "no-nlp");
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_no_ec, cfg_span_no_ec_cmd, "no echocanceller",
      NO_STR "Echo canceller on the B-channels\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.echocancel = false;
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_bchan, cfg_span_bchan_cmd, "bchan LIST",
      "B-channel timeslots\n" "Timeslots 1-31, e.g. 1-15,17-31\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);
	unsigned long long m;
	const char *bad;

	if (cli_parse_list(&m, argv[0], 1, 31, &bad) < 0) {
		vty_out(vty, "%% bchan %s: '%s' is not a timeslot list (1-31)%s", argv[0], bad,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (m & (1ull << (cfg.dchan_ts - 1))) {
		vty_out(vty, "%% bchan %s: timeslot %u is the D-channel%s", argv[0], cfg.dchan_ts,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	cfg.bchan_mask = (uint32_t)(m << 1);
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_span_dchan, cfg_span_dchan_cmd, "dchan <1-31>",
      "D-channel timeslot\n" "Timeslot (16 on a PRI)\n")
{
	struct span_cfg cfg;
	unsigned int nr = cli_span_cur(vty, &cfg);

	cfg.dchan_ts = atoi(argv[0]);
	cfg.bchan_mask &= ~(1u << cfg.dchan_ts); /* the D-channel carries no calls */
	return cli_span_apply(vty, nr, &cfg);
}

DEFUN(cfg_dahdi_line, cfg_dahdi_line_cmd, "KEY=VALUE",
      "A DAHDI system.conf line: span=, bchan=, dchan=, hardhdlc=, echocanceller=\n")
{
	int span = vty->node == CLI_SPAN_NODE ? (int)cli_span_nr(vty) : -1;

	return cli_dahdi_line(vty, span, argv[0]);
}

static void cli_span_show_alarms(struct vty *vty, const struct span_status *st)
{
	static const struct {
		uint32_t bit;
		const char *text;
	} alarms[] = {
		{ E1_ALARM_LOS, "Receiver has loss of signal." },
		{ E1_ALARM_AIS, "Receiver has AIS (blue alarm)." },
		{ E1_ALARM_LFA, "Receiver has loss of frame." },
		{ E1_ALARM_LMFA, "Receiver has loss of multiframe." },
		{ E1_ALARM_RAI, "Receiver has remote alarm." },
	};
	unsigned int i;

	if (!st->alarms)
		vty_out(vty, "  No alarms detected.%s", VTY_NEWLINE);
	for (i = 0; i < ARRAY_SIZE(alarms); i++)
		if (st->alarms & alarms[i].bit)
			vty_out(vty, "  %s%s", alarms[i].text, VTY_NEWLINE);
	if (st->rai_sent)
		vty_out(vty, "  Transmitter is sending remote alarm.%s", VTY_NEWLINE);
}

static void cli_span_show_g826(struct vty *vty, unsigned int nr)
{
	const struct g826 *g = span_get_g826(nr);
	struct g826_counts c;

	if (!g)
		return;
	if (g826_current(&c, g) == 0)
		vty_out(vty, "  Data in current interval (%u seconds elapsed):%s"
			"     %u Errored Secs, %u Severely Err Secs, %u Unavail Secs, "
			"%u Background Block Errors%s",
			c.secs, VTY_NEWLINE, c.es, c.ses, c.uas, c.bbe, VTY_NEWLINE);
	if (g826_total_24h(&c, g) == 0)
		vty_out(vty, "  Total data (last 24 hours, %u seconds):%s"
			"     %u Errored Secs, %u Severely Err Secs, %u Unavail Secs, "
			"%u Background Block Errors%s",
			c.secs, VTY_NEWLINE, c.es, c.ses, c.uas, c.bbe, VTY_NEWLINE);
	if (g826_unavailable(g))
		vty_out(vty, "  The path is in unavailable time.%s", VTY_NEWLINE);
}

static void cli_span_show(struct vty *vty, unsigned int nr)
{
	const struct span_cfg *cfg = span_get_cfg(nr);
	struct span_status st;
	char list[96];

	if (!cfg || span_get_status(nr, &st) < 0)
		return;
	vty_out(vty, "E1 %u is %s.%s", nr, st.present && cfg->enabled && st.l1_up ? "up" : "down",
		VTY_NEWLINE);
	if (!cfg->enabled)
		vty_out(vty, "  Span is administratively shut down.%s", VTY_NEWLINE);
	if (!st.present)
		vty_out(vty, "  No line attached to this span.%s", VTY_NEWLINE);
	vty_out(vty, "  Framing is %s, Line Code is %s, Clock Source is %s.%s",
		cfg->line.crc4 ? "CRC4" : "no-CRC4",
		cfg->line.linecode == E1_LINECODE_HDB3 ? "HDB3" : "AMI",
		cfg->line.clock == E1_CLOCK_LINE ? "Line" : "Internal", VTY_NEWLINE);
	cli_ts_list(list, sizeof(list), cfg->bchan_mask);
	vty_out(vty, "  Signalling %s, switch type %s, D-channel timeslot %u, B-channels %s.%s",
		cfg->sig == SPAN_SIG_CPE ? "CPE" : "network",
		cfg->switchtype == SPAN_SWITCH_QSIG ? "QSIG" : "EuroISDN", cfg->dchan_ts, list,
		VTY_NEWLINE);
	if (cfg->echocancel)
		vty_out(vty, "  Echo canceller on, %u ms tail.%s", cfg->ec_taps / 8, VTY_NEWLINE);
	else
		vty_out(vty, "  Echo canceller off.%s", VTY_NEWLINE);
	if (!st.present)
		return;
	cli_span_show_alarms(vty, &st);
	vty_out(vty, "  %u CRC-4 errors, %u E-bit errors, %u framing errors, %u slips, "
		"%u frame alignment losses%s",
		st.ctr.crc4, st.ctr.ebit, st.ctr.fas, st.ctr.slips, st.ctr.lfa, VTY_NEWLINE);
	cli_span_show_g826(vty, nr);
}

DEFUN(show_controllers_e1, show_controllers_e1_cmd, "show controllers e1 [<0-0>]",
      SHOW_STR "Interface controllers\n" "E1 spans: line state, alarms, counters, G.826\n"
      "Span number\n")
{
	unsigned int i;

	if (argc > 0 && argv[0]) {
		i = atoi(argv[0]);
		if (i >= span_count()) {
			vty_out(vty, "%% No span %u (this box has %u)%s", i, span_count(),
				VTY_NEWLINE);
			return CMD_WARNING;
		}
		cli_span_show(vty, i);
		return CMD_SUCCESS;
	}
	for (i = 0; i < span_count(); i++)
		cli_span_show(vty, i);
	return CMD_SUCCESS;
}

static int cli_span_write(struct vty *vty)
{
	unsigned int i;
	char list[96];

	for (i = 0; i < span_count(); i++) {
		const struct span_cfg *cfg = span_get_cfg(i);

		if (!cfg)
			continue;
		vty_out(vty, "span %u%s", i, VTY_NEWLINE);
		vty_out(vty, " framing %s%s", cfg->line.crc4 ? "crc4" : "no-crc4", VTY_NEWLINE);
		vty_out(vty, " linecode %s%s", cfg->line.linecode == E1_LINECODE_HDB3 ? "hdb3" : "ami",
			VTY_NEWLINE);
		vty_out(vty, " clock source %s%s",
			cfg->line.clock == E1_CLOCK_LINE ? "line" : "internal", VTY_NEWLINE);
		vty_out(vty, " signalling %s%s", cfg->sig == SPAN_SIG_CPE ? "cpe" : "net",
			VTY_NEWLINE);
		vty_out(vty, " switchtype %s%s",
			cfg->switchtype == SPAN_SWITCH_QSIG ? "qsig" : "euroisdn", VTY_NEWLINE);
		/* dchan first: it takes its timeslot out of the B-channels */
		vty_out(vty, " dchan %u%s", cfg->dchan_ts, VTY_NEWLINE);
		cli_ts_list(list, sizeof(list), cfg->bchan_mask);
		if (*list)
			vty_out(vty, " bchan %s%s", list, VTY_NEWLINE);
		if (cfg->echocancel)
			vty_out(vty, " echocanceller %u%s", cfg->ec_taps / 8, VTY_NEWLINE);
		else
			vty_out(vty, " no echocanceller%s", VTY_NEWLINE);
		if (cfg->ec_no_nlp)
			vty_out(vty, " echocanceller no-nlp%s", VTY_NEWLINE);
		vty_out(vty, " %s%s", cfg->enabled ? "no shutdown" : "shutdown", VTY_NEWLINE);
		vty_out(vty, "!%s", VTY_NEWLINE);
	}
	return 0;
}

/* "<0-0>" in a command string becomes "<0-N-1>" for this build's span count. */
static void cli_span_range(struct cmd_element *cmd)
{
	char range[16];
	const char *at = strstr(cmd->string, "<0-0>");
	char *s;

	snprintf(range, sizeof(range), "<0-%u>", span_count() ? span_count() - 1 : 0);
	s = talloc_asprintf(tall_vty_cmd_ctx, "%.*s%s%s", (int)(at - cmd->string), cmd->string,
			    range, at + 5);
	cmd->string = s;
}

void cli_span_init(void)
{
	unsigned int i;

	for (i = 0; i < SPAN_MAX; i++)
		cli_span_ids[i] = i;
	cli_span_range(&cfg_span_cmd);
	cli_span_range(&show_controllers_e1_cmd);
	install_element_ve(&show_controllers_e1_cmd);
	install_element(CONFIG_NODE, &cfg_span_cmd);
	install_element(CONFIG_NODE, &cfg_dahdi_line_cmd);
	install_node(&cli_span_node, cli_span_write);
	install_element(CLI_SPAN_NODE, &cfg_span_framing_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_linecode_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_clock_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_sig_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_switch_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_shutdown_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_no_shutdown_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_ec_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_ec_nlp_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_no_ec_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_bchan_cmd);
	install_element(CLI_SPAN_NODE, &cfg_span_dchan_cmd);
	install_element(CLI_SPAN_NODE, &cfg_dahdi_line_cmd);
}
