/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-process box benches' doubles for the board (fake clock, log sink, no poll) and the
 * framer devices: e1_sim's ops without the line socket, layer 1 up, no alarms, chunks through
 * e1_sim_run_chunk(). BENCH_LOG=1 prints the box's log lines.
 */
#ifndef HLGW_BENCH_BOX_DOUBLES_H
#define HLGW_BENCH_BOX_DOUBLES_H

#include <stdint.h>

#include <drv/e1_framer.h>

extern uint64_t bench_fake_us;	    /* board_time_us(); board_utc_ms() follows it */
extern unsigned int bench_log_errors; /* ERROR/FATAL lines the box logged */

/* shim: a device with real's state and ops but no socket, no alarms (real from e1_sim_init). */
void bench_e1_shim(struct e1_framer_dev *shim, const struct e1_framer_dev *real);

#endif
