// SPDX-License-Identifier: GPL-2.0-or-later
/* Logging: libosmocore categories, one target writing through the board. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <hlgw/board.h>
#include <hlgw/log.h>

void *hlgw_ctx;

static const struct log_info_cat hlgw_log_cats[] = {
	[DMAIN] = { .name = "DMAIN", .description = "Main loop and start-up",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DE1] = { .name = "DE1", .description = "E1 spans: framer, alarms, counters",
		  .enabled = 1, .loglevel = LOGL_NOTICE },
	[DQ921] = { .name = "DQ921", .description = "ISDN layer 2 (LAPD, HDLC)",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DQ931] = { .name = "DQ931", .description = "ISDN layer 3 (calls)",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSIP] = { .name = "DSIP", .description = "SIP", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DRTP] = { .name = "DRTP", .description = "RTP/RTCP media",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DDSP] = { .name = "DDSP", .description = "Echo canceller, tones, DTMF",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DROUTE] = { .name = "DROUTE", .description = "Advisor routing",
		     .enabled = 1, .loglevel = LOGL_NOTICE },
	[DHOST] = { .name = "DHOST", .description = "Host controller link",
		    .enabled = 1, .loglevel = LOGL_NOTICE },
	[DCLI] = { .name = "DCLI", .description = "Console", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DNET] = { .name = "DNET", .description = "IP stack (lwIP)",
		   .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSTORE] = { .name = "DSTORE", .description = "Flash config store",
		     .enabled = 1, .loglevel = LOGL_NOTICE },
};

static const struct log_info hlgw_log_info = {
	.cat = hlgw_log_cats,
	.num_cat = ARRAY_SIZE(hlgw_log_cats),
};

static void hlgw_log_output(struct log_target *target, unsigned int level, const char *line)
{
	board_log_write(line, (int)strlen(line));
}

int hlgw_log_init(void)
{
	struct log_target *tgt;

	hlgw_ctx = talloc_named_const(NULL, 0, "hlgw");
	if (!hlgw_ctx)
		return -ENOMEM;
	if (log_init(&hlgw_log_info, hlgw_ctx) < 0)
		return -ENOMEM;
	tgt = log_target_create();
	if (!tgt)
		return -ENOMEM;
	tgt->output = hlgw_log_output;
	log_set_use_color(tgt, 0);
	log_set_print_category(tgt, 1);
	log_set_print_category_hex(tgt, 0);
	log_set_print_level(tgt, 1);
	log_set_print_filename2(tgt, LOG_FILENAME_NONE);
	log_set_all_filter(tgt, 1);
	log_add_target(tgt);
	return 0;
}
