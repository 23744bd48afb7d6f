// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Routing table commands: `route table load FILE`, `route table paste` (rows typed or pasted
 * into a route-table node, then `commit`), `show route table`, `show advisors`,
 * `show advisor ID`, `show route decisions`, `advisor ID login|logout|pause|resume`; the
 * table's hotlines in `show hotlines` (cli_route_show_hotlines, called from cli_call.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <hlgw/board.h>
#include <hlgw/route.h>

#include "cli_int.h"

#define CLI_ROUTE_STR "Routing tables\n"
#define CLI_ADVISORS_SHOWN 1000 /* lines of `show advisors` at most */
#define CLI_ROUTE_TABLE_NODE (_LAST_OSMOVTY_NODE + 34) /* next to the hotline node (+33) */
#define CLI_ROUTE_PASTE_MAX 65536 /* a pasted table; larger ones come from a file */

static struct cmd_node cli_rt_node = { CLI_ROUTE_TABLE_NODE, "%s(route-table)# ", 1 };

/* The pasted rows: they stay here while the load that commit starts reads them. */
static char cli_rt_buf[CLI_ROUTE_PASTE_MAX];
static size_t cli_rt_len;
static bool cli_rt_full;

static const char *const cli_adv_state[] = {
	[ROUTE_ADV_OUT] = "out",
	[ROUTE_ADV_IN] = "in",
	[ROUTE_ADV_PAUSED] = "paused",
	[ROUTE_ADV_AUTOPAUSED] = "auto-paused",
};

static void cli_route_status(struct vty *vty)
{
	struct route_load_status st;

	route_load_status(&st);
	if (st.gen)
		vty_out(vty, "Active table: generation %u, %u hotlines, %u advisors, %u serves; "
			"flash copy seq %u%s", st.gen, st.hotlines, st.advisors, st.serves,
			st.flash_seq, VTY_NEWLINE);
	else
		vty_out(vty, "No routing table%s", VTY_NEWLINE);
	if (!st.source)
		return;
	if (st.state == ROUTE_LOAD_BUSY) {
		vty_out(vty, "Loading from %s: %u lines so far%s", st.source, st.lines, VTY_NEWLINE);
		return;
	}
	if (st.result == 0)
		vty_out(vty, "Last load from %s: accepted, %u lines, %u ms in %u slices (longest "
			"%u us), %s%s", st.source, st.lines, st.total_ms, st.slices,
			st.max_slice_us, st.persisted ? "saved to flash" : "not saved", VTY_NEWLINE);
	else if (st.result == -EINVAL)
		vty_out(vty, "Last load from %s: rejected: line %u field %s: %s%s", st.source,
			st.err_line, st.err_field, st.err_reason, VTY_NEWLINE);
	else
		vty_out(vty, "Last load from %s: failed (%s)%s", st.source, strerror(-st.result),
			VTY_NEWLINE);
}

DEFUN(route_load, route_load_cmd, "route table load FILE",
      CLI_ROUTE_STR "The routing table\n" "Load, check and activate a table (saved to flash)\n"
      "File (the sim: a host path; relative to --pcap-dir)\n")
{
	int rc = route_load_file(argv[0]);

	if (rc < 0) {
		vty_out(vty, "%% Cannot load %s: %s%s", argv[0],
			rc == -EBUSY ? "a load is running" : strerror(-rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "Loading %s (show route table tells the outcome)%s", argv[0], VTY_NEWLINE);
	return CMD_SUCCESS;
}

static bool cli_route_loading(void)
{
	struct route_load_status st;

	route_load_status(&st);
	return st.state == ROUTE_LOAD_BUSY;
}

DEFUN(route_paste, route_paste_cmd, "route table paste",
      CLI_ROUTE_STR "The routing table\n"
      "Type or paste table rows (hotline ..., advisor ...), then commit (or abort)\n")
{
	if (cli_route_loading()) {
		vty_out(vty, "%% A load is running%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	cli_rt_len = 0;
	cli_rt_full = false;
	vty->node = CLI_ROUTE_TABLE_NODE;
	return CMD_SUCCESS;
}

static int cli_rt_row(struct vty *vty, const char *kind, int argc, const char **argv)
{
	size_t n = strlen(kind);
	int i;

	for (i = 0; i < argc; i++)
		n += 1 + strlen(argv[i]);
	if (cli_rt_full || n + 1 > sizeof(cli_rt_buf) - cli_rt_len) {
		cli_rt_full = true;
		vty_out(vty, "%% Table too long to paste (%u octets): use route table load FILE%s",
			CLI_ROUTE_PASTE_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	cli_rt_len += (size_t)snprintf(cli_rt_buf + cli_rt_len, sizeof(cli_rt_buf) - cli_rt_len,
				       "%s", kind);
	for (i = 0; i < argc; i++)
		cli_rt_len += (size_t)snprintf(cli_rt_buf + cli_rt_len,
					       sizeof(cli_rt_buf) - cli_rt_len, " %s", argv[i]);
	cli_rt_buf[cli_rt_len++] = '\n';
	return CMD_SUCCESS;
}

DEFUN(rt_hotline, rt_hotline_cmd, "hotline .FIELDS",
      "A hotline row\n" "NUMBER key=value ... (README: Routing tables)\n")
{
	return cli_rt_row(vty, "hotline", argc, argv);
}

DEFUN(rt_advisor, rt_advisor_cmd, "advisor .FIELDS",
      "An advisor row\n" "ID key=value ... (README: Routing tables)\n")
{
	return cli_rt_row(vty, "advisor", argc, argv);
}

DEFUN(rt_commit, rt_commit_cmd, "commit",
      "Check the rows; when valid, activate and save them as the routing table\n")
{
	int rc;

	vty->node = ENABLE_NODE;
	if (cli_rt_full) {
		vty_out(vty, "%% Table too long: nothing loaded%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = route_load_text(cli_rt_buf, cli_rt_len, true);
	if (rc < 0) {
		vty_out(vty, "%% Cannot load: %s%s", rc == -EBUSY ? "a load is running" :
			strerror(-rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "Loading %zu octets (show route table tells the outcome)%s", cli_rt_len,
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(rt_abort, rt_abort_cmd, "abort", "Forget the rows typed\n")
{
	cli_rt_len = 0;
	vty->node = ENABLE_NODE;
	return CMD_SUCCESS;
}

DEFUN(show_route_table, show_route_table_cmd, "show route table",
      SHOW_STR CLI_ROUTE_STR "The active table and the last load\n")
{
	cli_route_status(vty);
	return CMD_SUCCESS;
}

static void cli_route_adv_line(struct vty *vty, const struct route_advisor_info *a)
{
	char st[24];

	snprintf(st, sizeof(st), "%s%s%s", cli_adv_state[a->state], a->wrapup ? "+wrapup" : "",
		 a->reachable ? "" : "+unreach");
	vty_out(vty, "%10u %-16s %-32s %u.%02u %u/%u %-16s %6u %6u %3u%s", a->id, a->name, a->uri,
		a->rating / 100, a->rating % 100, a->active, a->max_calls, st, a->offered,
		a->answered, a->missed, VTY_NEWLINE);
}

static bool cli_route_serves(const struct route_advisor_info *a, const char *number)
{
	unsigned int i;

	for (i = 0; i < a->n_serves; i++)
		if (!strcmp(a->serves[i].number, number))
			return true;
	return false;
}

static int cli_route_show_advisors(struct vty *vty, const char *number)
{
	struct route_advisor_info a;
	unsigned int i, shown = 0, n = 0;

	vty_out(vty, "%10s %-16s %-32s %-4s %-3s %-16s %6s %6s %3s%s", "ID", "NAME", "URI",
		"RATE", "CLS", "STATE", "OFFERS", "ANSW", "MIS", VTY_NEWLINE);
	for (i = 0; route_advisor_get(i, &a) == 0; i++) {
		if (number && !cli_route_serves(&a, number))
			continue;
		n++;
		if (shown < CLI_ADVISORS_SHOWN && ++shown)
			cli_route_adv_line(vty, &a);
	}
	if (n > shown)
		vty_out(vty, "... %u more (show advisor ID)%s", n - shown, VTY_NEWLINE);
	vty_out(vty, "%u advisor%s%s", n, n == 1 ? "" : "s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_advisors, show_advisors_cmd, "show advisors",
      SHOW_STR "Advisors of the routing table (state, calls, offers, answers, missed)\n")
{
	return cli_route_show_advisors(vty, NULL);
}

DEFUN(show_advisors_hl, show_advisors_hl_cmd, "show advisors hotline NUMBER",
      SHOW_STR "Advisors of the routing table\n" "Only those serving a hotline\n"
      "Hotline number\n")
{
	return cli_route_show_advisors(vty, argv[0]);
}

DEFUN(show_advisor, show_advisor_cmd, "show advisor <1-4294967294>",
      SHOW_STR "One advisor in detail\n" "Advisor id\n")
{
	struct route_advisor_info a;
	unsigned int i;

	if (route_advisor_find((uint32_t)strtoul(argv[0], NULL, 10), &a) < 0) {
		vty_out(vty, "%% No advisor %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "Advisor %u %s <%s>: rating %u.%02u, max %u calls%s", a.id, a.name, a.uri,
		a.rating / 100, a.rating % 100, a.max_calls, VTY_NEWLINE);
	vty_out(vty, "  State %s, %u in calls, %s, %s, missed %u in a row%s",
		cli_adv_state[a.state], a.active, a.wrapup ? "in wrap-up" : "no wrap-up",
		a.reachable ? "reachable" : "unreachable", a.missed, VTY_NEWLINE);
	if (a.wrapup)
		vty_out(vty, "  Wrap-up ends in %u ms%s", a.wrapup_left_ms, VTY_NEWLINE);
	vty_out(vty, "  Offered %u calls, answered %u%s", a.offered, a.answered, VTY_NEWLINE);
	for (i = 0; i < a.n_serves; i++)
		vty_out(vty, "  Serves %s skill %u, pass %llu%s", a.serves[i].number,
			a.serves[i].skill, (unsigned long long)a.serves[i].pass, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_route_decisions, show_route_decisions_cmd, "show route decisions",
      SHOW_STR CLI_ROUTE_STR "The last routing decisions and outcomes, newest last\n")
{
	struct route_decision d;
	int i;

	for (i = ROUTE_DECISIONS - 1; i >= 0; i--) {
		if (route_decision_get((unsigned int)i, &d) < 0)
			continue;
		vty_out(vty, "%8u.%03u call %-5u hotline %-12s advisor %-10u %s%s", d.t_ms / 1000,
			d.t_ms % 1000, d.call_id, *d.hotline ? d.hotline : "-", d.adv_id, d.text,
			VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(advisor_cmd, advisor_cmd_cmd, "advisor <1-4294967294> (login|logout|pause|resume)",
      "An advisor of the routing table, by hand\n" "Advisor id\n" "Log in\n" "Log out\n"
      "Pause (no calls)\n" "Resume (also after an auto-pause)\n")
{
	static const char *const cmds[] = { "login", "logout", "pause", "resume" };
	unsigned int c;

	for (c = 0; c < 4 && strcmp(cmds[c], argv[1]); c++)
		;
	if (route_advisor_cmd((uint32_t)strtoul(argv[0], NULL, 10), (enum route_adv_cmd)c) < 0) {
		vty_out(vty, "%% No advisor %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

static void cli_route_hours(char *buf, size_t size, const struct route_hours *h)
{
	static const char days[7][3] = { "mo", "tu", "we", "th", "fr", "sa", "su" };
	size_t n = 0;
	int d;

	buf[0] = 0;
	for (d = 0; d < 7 && n < size; d++)
		if (h->open[d] < h->close[d])
			n += (size_t)snprintf(buf + n, size - n, "%s%s/%02u:%02u-%02u:%02u",
					      n ? "," : "", days[d], h->open[d] / 60,
					      h->open[d] % 60, h->close[d] / 60, h->close[d] % 60);
	if (!n)
		snprintf(buf, size, "closed");
}

void cli_route_show_hotlines(struct vty *vty)
{
	struct route_hotline_info h;
	char hours[160];
	unsigned int i;

	for (i = 0; route_hotline_get(i, &h) == 0; i++) {
		cli_route_hours(hours, sizeof(hours), &h.hours);
		vty_out(vty, "Hotline %s (%s, table): %u advisors serving, %u free now%s", h.number,
			*h.name ? h.name : "-", h.n_serving, h.n_eligible, VTY_NEWLINE);
		vty_out(vty, "  hours %s tz %c%02d:%02d%s%s", hours, h.hours.tz_min < 0 ? '-' : '+',
			abs(h.hours.tz_min) / 60, abs(h.hours.tz_min) % 60,
			h.hours.tz_eu ? "/eu" : "", VTY_NEWLINE);
		vty_out(vty, "  ring-timeout %u s, auto-pause after %u missed, wrap-up %u s%s",
			h.ring_timeout_s, h.missed_to_pause, h.wrapup_s, VTY_NEWLINE);
		vty_out(vty, "  queue %s, max wait %u s, position %s, overflow %s%s",
			h.queue == ROUTE_QUEUE_ANSWER ? "answer" : "alerting", h.max_wait_s,
			h.announce_position ? "yes" : "no", *h.overflow ? h.overflow : "none",
			VTY_NEWLINE);
	}
}

void cli_route_init(void)
{
	install_element_ve(&show_route_table_cmd);
	install_element_ve(&show_advisors_cmd);
	install_element_ve(&show_advisors_hl_cmd);
	install_element_ve(&show_advisor_cmd);
	install_element_ve(&show_route_decisions_cmd);
	install_element(ENABLE_NODE, &route_load_cmd);
	install_element(ENABLE_NODE, &route_paste_cmd);
	install_node(&cli_rt_node, NULL);
	install_element(CLI_ROUTE_TABLE_NODE, &rt_hotline_cmd);
	install_element(CLI_ROUTE_TABLE_NODE, &rt_advisor_cmd);
	install_element(CLI_ROUTE_TABLE_NODE, &rt_commit_cmd);
	install_element(CLI_ROUTE_TABLE_NODE, &rt_abort_cmd);
	install_element(ENABLE_NODE, &advisor_cmd_cmd);
}
