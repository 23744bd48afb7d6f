/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log categories (libosmocore logging), levels settable from the console. */
#ifndef HLGW_LOG_H
#define HLGW_LOG_H

#include <osmocom/core/logging.h>

enum hlgw_log_cat {
	DMAIN,
	DE1,
	DQ921,
	DQ931,
	DSIP,
	DRTP,
	DDSP,
	DROUTE,
	DHOST,
	DCLI,
	DNET,
	DSTORE,
};

extern void *hlgw_ctx; /* talloc root */

/* Set up logging with the board's output; returns 0 or -ENOMEM. */
int hlgw_log_init(void);

#endif
