// SPDX-License-Identifier: GPL-2.0-or-later
/* `show queue`: the calls waiting for a free advisor, oldest first. */
#include <hlgw/call.h>

#include "cli_int.h"

DEFUN(show_queue, show_queue_cmd, "show queue",
      SHOW_STR "Calls waiting for a free advisor, oldest first\n")
{
	struct call_queue_info q;
	unsigned int i;

	vty_out(vty, "%4s %-5s %-17s %-12s %4s %6s %s%s", "ID", "SP/TS", "CALLER", "HOTLINE", "POS",
		"WAITED", "MODE", VTY_NEWLINE);
	for (i = 0; call_queue_info_get(i, &q) == 0; i++)
		vty_out(vty, "%4u S%u/%-2u %-17s %-12s %4u %5us %s%s", q.id, q.span, q.ts,
			*q.caller ? q.caller : "-", q.hotline, q.position, q.waited_s,
			q.answered ? "answered" : "alerting", VTY_NEWLINE);
	vty_out(vty, "%u call%s waiting%s", i, i == 1 ? "" : "s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

void cli_queue_init(void)
{
	install_element_ve(&show_queue_cmd);
}
