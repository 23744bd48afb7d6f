/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the firmware needs from a board: its devices, a monotonic clock and a way to sleep
 * until something happens. board/<name>/ implements these; nothing else in firmware/ touches
 * the hardware or the host OS.
 */
#ifndef HLGW_BOARD_H
#define HLGW_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "autoconf.h"

struct e1_framer_dev;
struct eth_dev;
struct flash_dev;

struct board {
	const char *name;
	struct e1_framer_dev *e1[CONFIG_E1_SPANS];
	unsigned int n_e1;
	struct eth_dev *eth;
	struct flash_dev *flash;
	/* Where the D-channel pcap goes ("" when the board has no file system) */
	const char *pcap_dir;
	/* A routing table file loaded at start (the sim: --route-table FILE), NULL none */
	const char *route_table;
};

/* Monotonic time since boot. */
uint64_t board_time_us(void);
static inline uint32_t board_time_ms(void) { return (uint32_t)(board_time_us() / 1000u); }
/* Wall-clock time, ms since 1970 UTC (the sim: the host's clock; a board: its RTC); 0 while
 * the board does not know it. CDR times; intervals come from board_time_us(). */
uint64_t board_utc_ms(void);

/*
 * Sleep until a device has work or timeout_ms passed (0: just poll). Device callbacks
 * (E1 chunks, Ethernet frames, console bytes) run from inside this call.
 */
void board_wait(uint32_t timeout_ms);

/* Log lines go here (the sim: stderr; a target: a UART or a RAM ring). */
void board_log_write(const char *buf, int len);

/* Ask the main loop to end (sim: SIGTERM); the firmware checks it once per loop. */
bool board_stop_requested(void);

/*
 * Console: serve the VTY on the board's serial line (the sim: stdin/stdout or a pty).
 * Returns 0 or -ENODEV when the board has no console. Stop releases the line.
 */
int board_console_start(void);
void board_console_stop(void);

/* The factory configuration text used when the flash holds none (the sim: --factory FILE),
 * with *len its length; NULL when the board has none. */
const char *board_factory_config(size_t *len);

#endif
