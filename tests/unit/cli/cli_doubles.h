/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test doubles of span/isdn/net/board for the CLI unit test (cli_doubles.c). */
#ifndef CLI_DOUBLES_H
#define CLI_DOUBLES_H

#include <stddef.h>
#include <stdint.h>

extern uint64_t double_time_us;
extern char double_log[65536];
extern size_t double_log_len;
extern const char *double_factory;
extern char double_pcap_path[256];

/* Spans, IP and capture back to their defaults. */
void double_reset(void);
void double_net_reset(void);
void double_pcap_reset(void);

#endif
