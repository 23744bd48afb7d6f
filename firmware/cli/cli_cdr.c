// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CDR commands: `show cdr [N]` (the store's state and the newest records), `show cdr pending`
 * (what the host has not acknowledged yet) and `cdr ack ID` (acknowledge by hand: what the host
 * controller does over its link).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <hlgw/cdr.h>

#include "cli_int.h"

#define CDR_STR "Call detail records\n"

/* "YYYY-MM-DD hh:mm:ss" of ms since 1970 UTC (civil date from the day count). */
static const char *cli_utc(char *buf, size_t size, uint64_t ms)
{
	int64_t s = (int64_t)(ms / 1000u), days = s / 86400, sod = s % 86400;
	int64_t era, doe, yoe, doy, mp, y, m, d;

	if (!ms) {
		snprintf(buf, size, "%-19s", "-");
		return buf;
	}
	days += 719468; /* from 0000-03-01 */
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d", (int)y, (int)m, (int)d,
		 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	return buf;
}

static const char *const cli_cdr_side[] = { "caller", "advisor", "box" };

static void cli_cdr_line(struct vty *vty, const struct cdr_rec *r)
{
	char t[48], ans[24], talk[24], rating[4], solved[4];

	cli_utc(t, sizeof(t), r->start_ms);
	if (r->answer_ms)
		snprintf(ans, sizeof(ans), "%u.%u s", (unsigned int)((r->answer_ms - r->start_ms) / 1000),
			 (unsigned int)((r->answer_ms - r->start_ms) / 100 % 10));
	else
		snprintf(ans, sizeof(ans), "no");
	snprintf(talk, sizeof(talk), "%u:%02u", r->billable_ms / 60000, r->billable_ms / 1000 % 60);
	snprintf(rating, sizeof(rating), "%c", r->rating ? '0' + r->rating : '-');
	snprintf(solved, sizeof(solved), "%s", r->solved == 1 ? "yes" : r->solved == 2 ? "no" : "-");
	vty_out(vty, "%6" PRIu32 " %s S%u/%-2u %-16s %-12s %-30s %6s %6s %5u %-7s %-3s %-3s%s",
		r->id, t, r->span, r->ts, *r->caller ? r->caller : "-", r->hotline,
		*r->advisor ? r->advisor : "-", ans, talk, r->cause,
		r->side < 3 ? cli_cdr_side[r->side] : "?", rating, solved, VTY_NEWLINE);
}

static void cli_cdr_status(struct vty *vty)
{
	struct cdr_status st;

	cdr_get_status(&st);
	vty_out(vty, "CDR store: %u slots, %u pending, acknowledged up to %u, newest %u, %u %% "
		"free%s", st.slots, st.pending, st.acked_upto, st.last_id, st.free_pct, VTY_NEWLINE);
	vty_out(vty, "  %u written, %u acknowledgements, %u torn slots skipped, %u write errors, "
		"%u held in RAM, %u lost%s", st.written, st.acks, st.torn, st.write_errors,
		st.ram_held, st.ram_lost, VTY_NEWLINE);
	if (st.nearly_full)
		vty_out(vty, "  ALARM: the CDR store is %s%s", st.ram_held ? "full (CDRs wait in RAM)"
			: st.slots ? "nearly full" : "not available", VTY_NEWLINE);
	vty_out(vty, "%6s %-19s %-5s %-16s %-12s %-30s %6s %6s %5s %-7s %-3s %-3s%s", "ID",
		"START (UTC)", "SP/TS", "CALLER", "HOTLINE", "ADVISOR", "ANSWER", "TALK", "CAUSE",
		"ENDED", "RAT", "SOL", VTY_NEWLINE);
}

DEFUN(show_cdr, show_cdr_cmd, "show cdr [<1-100>]",
      SHOW_STR CDR_STR "How many of the newest (default 10)\n")
{
	static struct cdr_rec recs[100];
	unsigned int n = argc ? (unsigned int)atoi(argv[0]) : 10, got, i;

	cli_cdr_status(vty);
	got = cdr_recent(recs, n);
	for (i = 0; i < got; i++)
		cli_cdr_line(vty, &recs[i]);
	return CMD_SUCCESS;
}

DEFUN(show_cdr_pending, show_cdr_pending_cmd, "show cdr pending",
      SHOW_STR CDR_STR "Those the host has not acknowledged yet (at most 100)\n")
{
	struct cdr_rec r;
	uint32_t after = 0;
	unsigned int n = 0;

	cli_cdr_status(vty);
	while (n < 100 && cdr_next_pending(after, &r) == 0) {
		cli_cdr_line(vty, &r);
		after = r.id;
		n++;
	}
	return CMD_SUCCESS;
}

DEFUN(cdr_ack_cmd_fn, cdr_ack_cmd, "cdr ack <1-4294967295>",
      CDR_STR "Acknowledge every CDR up to an id (as the host controller does)\n" "CDR id\n")
{
	int rc = cdr_ack((uint32_t)strtoul(argv[0], NULL, 10));

	if (rc == -ERANGE) {
		vty_out(vty, "%% No CDR %s yet%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc < 0) {
		vty_out(vty, "%% Acknowledgement not stored (%d)%s", rc, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

void cli_cdr_init(void)
{
	install_element_ve(&show_cdr_cmd);
	install_element_ve(&show_cdr_pending_cmd);
	install_element(ENABLE_NODE, &cdr_ack_cmd);
}
