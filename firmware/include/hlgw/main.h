/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HLGW_MAIN_H
#define HLGW_MAIN_H

#include <stdint.h>

struct board;

/* The firmware: initialise every subsystem on the board's devices and run the main loop
 * until board_stop_requested(). Returns 0 on a clean stop, negative errno on a failed start. */
int hlgw_main(struct board *b);

/* Version string shown by `show version` and the banner. */
extern const char hlgw_version[];

/* Upper bound of the next sleep; each subsystem lowers it to its next timer. */
static inline void hlgw_timeout_min(uint32_t *cur, uint32_t ms)
{
	if (ms < *cur)
		*cur = ms;
}

#endif
