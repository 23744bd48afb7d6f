/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A subsystem plugs into the main loop through this table, so that the loop stays the same
 * while modules are added. Order matters: init runs top to bottom (the config store before
 * the console replays the saved config into spans, ISDN and IP).
 */
#ifndef HLGW_SUBSYS_H
#define HLGW_SUBSYS_H

#include <stdint.h>

struct board;

struct hlgw_subsys {
	const char *name;
	int (*init)(struct board *b);	   /* set up, no traffic yet */
	int (*start)(void);		   /* after every init: go */
	uint32_t (*next_timeout_ms)(void); /* ms until this module's next timer */
	void (*work)(void);		   /* once per loop turn, after board_wait */
	void (*stop)(void);
};

/* NULL-terminated, in init order; defined in firmware/subsys.c */
extern const struct hlgw_subsys *const hlgw_subsystems[];

extern const struct hlgw_subsys store_subsys; /* firmware/config: flash config store */
extern const struct hlgw_subsys cdr_subsys;   /* firmware/cdr: call detail records in flash */
extern const struct hlgw_subsys span_subsys;  /* firmware/span: E1 spans, alarms, G.826 */
extern const struct hlgw_subsys isdn_subsys;  /* firmware/isdn: D-channels, libpri */
extern const struct hlgw_subsys net_subsys;   /* firmware/net: lwIP, netif */
extern const struct hlgw_subsys sip_subsys;   /* firmware/sip: SIP user agent (oSIP) */
extern const struct hlgw_subsys route_subsys;  /* firmware/route: tables, best free advisor */
extern const struct hlgw_subsys call_subsys;  /* firmware/call: call control, hotlines */
extern const struct hlgw_subsys cli_subsys;   /* firmware/cli: VTY tree, config replay */

#endif
