/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISDN PRI on the spans' D-channels: HDLC (isdnhdlc) + LAPD/Q.931 (libpri). */
#ifndef HLGW_ISDN_H
#define HLGW_ISDN_H

#include <stdbool.h>
#include <stdint.h>

struct osmo_tdef;

/* Layer 2 states, named as Q.921 names them (ETSI EN 300 125 / ITU-T Q.921 SDL). */
enum isdn_l2_state {
	ISDN_L2_TEI_UNASSIGNED,
	ISDN_L2_AWAITING_ESTABLISHMENT,
	ISDN_L2_AWAITING_RELEASE,
	ISDN_L2_MULTIPLE_FRAME_ESTABLISHED,
	ISDN_L2_TIMER_RECOVERY,
};

struct isdn_status {
	bool configured;
	bool l1_up;
	enum isdn_l2_state l2;
	uint32_t sabme_tx, sabme_rx, ua_tx, ua_rx, disc_tx, disc_rx;
	uint32_t frames_tx, frames_rx; /* all LAPD frames */
	uint32_t iframes_tx, iframes_rx;
	uint32_t hdlc_crc_err, hdlc_abort, hdlc_overlong; /* HDLC receive errors */
	uint32_t l2_up_count;
	unsigned int active_calls;
};

const char *isdn_l2_state_name(enum isdn_l2_state st);
int isdn_get_status(unsigned int span, struct isdn_status *st);
/* Start/stop writing a pcap (LINUX_LAPD) of every span's D-channel to path. */
int isdn_pcap_start(const char *path);
int isdn_pcap_stop(void);

/* Operator-tunable timers (osmo_tdef), applied to libpri when a D-channel (re)starts. */
extern struct osmo_tdef isdn_q921_tdefs[];
extern struct osmo_tdef isdn_q931_tdefs[];

#endif
