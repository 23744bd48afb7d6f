/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The console's modules share these (firmware/cli only). */
#ifndef CLI_INT_H
#define CLI_INT_H

#include <stddef.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "cli.h"

/* libosmovty's node table; exported by the library, not declared in its headers */
extern vector cmdvec;

enum cli_node {
	CLI_SPAN_NODE = _LAST_OSMOVTY_NODE + 1, /* span N */
	CLI_IFACE_NODE,				/* interface ethernet 0 */
	CLI_MISC_NODE,	/* no commands: writes timers and the main log target */
};

/* Install each area's commands (cli.c calls them after vty_init). */
void cli_span_init(void);
void cli_isdn_init(void);
void cli_ip_init(void);
void cli_system_init(void);
void cli_sip_init(void);
void cli_media_init(void);
void cli_call_init(void);
void cli_tone_init(void);
void cli_cdr_init(void);
void cli_prompt_init(void);
/* caller-rating and prompt lines of the running config (the misc node writes them) */
void cli_prompt_write(struct vty *vty);
/* tone-zone and ringback lines of the running config (the misc node writes them) */
void cli_tone_write(struct vty *vty);
void cli_route_init(void);
struct vty;
void cli_route_show_hotlines(struct vty *vty);

/* A DAHDI system.conf line (span=, bchan=, dchan=, hardhdlc=, echocanceller=) applied to the
 * spans; span >= 0 when given inside `span N` (the line must then be about that span), -1 at
 * config level. Prints "% <line>: ..." errors; returns CMD_SUCCESS, CMD_WARNING, or
 * CMD_ERR_NO_MATCH when line is not a DAHDI line at all. */
int cli_dahdi_line(struct vty *vty, int span, const char *line);

/* "1-15,17-31" for timeslot bits 1..31 of mask; buf of at least 96 octets. */
void cli_ts_list(char *buf, size_t size, unsigned int mask);
/* Parse "1-15,17-31" into a mask of numbers lo..hi (bit n = number n - base).
 * Returns 0 or -EINVAL; *bad gets the offending item. */
int cli_parse_list(unsigned long long *mask, const char *s, unsigned int lo, unsigned int hi,
		   const char **bad);

/* The running configuration as text (talloc'd under ctx, NUL-terminated), *len its length. */
char *cli_running_config(void *ctx, size_t *len);
/* Replay config text line by line in config mode; logs each bad line with its number and goes
 * on. Returns the number of bad lines. */
int cli_replay(const char *text, size_t len, const char *what);
/* Save the running configuration to flash; prints the outcome on vty. CMD_SUCCESS/WARNING. */
int cli_write_memory(struct vty *vty);


/* The name in the prompt (NULL: the build's default). */
void cli_hostname_set(const char *name);

/* IPv4 in host byte order <-> dotted quad. */
int cli_parse_ip(unsigned int *ip, const char *s);
const char *cli_ip_str(char *buf, size_t size, unsigned int ip);

#endif
