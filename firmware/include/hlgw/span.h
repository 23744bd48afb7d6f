/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * E1 spans: the firmware's view of each framer device. A span owns its line configuration,
 * alarm state, counters and G.826 performance data; it runs the per-1 ms chunk work and hands
 * TS16 octets to its D-channel user (firmware/isdn) and the B-channel timeslots to media.
 */
#ifndef HLGW_SPAN_H
#define HLGW_SPAN_H

#include <stdbool.h>
#include <stdint.h>

#include <drv/e1_framer.h>

#include "autoconf.h"

#define SPAN_MAX CONFIG_E1_SPANS

enum span_sig { SPAN_SIG_CPE, SPAN_SIG_NET };
enum span_switch { SPAN_SWITCH_EUROISDN_E1, SPAN_SWITCH_QSIG };

/* Runtime configuration of a span (console `span N`, saved by `write`). */
struct span_cfg {
	bool enabled;
	struct e1_line_cfg line; /* framing CRC-4 on/off, line code, clock source */
	enum span_sig sig;
	enum span_switch switchtype;
	uint32_t bchan_mask; /* bit n: timeslot n is a B-channel (default TS1-15,17-31) */
	uint8_t dchan_ts;    /* 16 */
	bool echocancel;     /* echo canceller on the B-channels */
	uint16_t ec_taps;    /* tail in samples (128 = 16 ms ... 1024 = 128 ms) */
	bool ec_no_nlp;      /* the canceller's non-linear processor off (on by default) */
};

/* What a D-channel user plugs into its span. Callbacks run in the 1 ms chunk context. */
struct span_dchan_ops {
	/* n octets received on the D-channel timeslot */
	void (*rx)(void *arg, const uint8_t *octets, unsigned int n);
	/* fill n octets to send on the D-channel timeslot */
	void (*tx)(void *arg, uint8_t *octets, unsigned int n);
	/* layer 1 became usable (no red/blue alarm) or not */
	void (*l1)(void *arg, bool up);
	/* optional: the span's configuration changed (signalling, switch type, D-channel) */
	void (*reconfig)(void *arg);
};

struct g826_interval;

/* A B-channel as media sees it: the framer device whose TDM routing carries the channel's
 * samples (e1_framer_tdm_rx_arm/e1_framer_tdm_tx_arm) and its timeslot. */
struct span_chan {
	const struct e1_framer_dev *dev;
	unsigned int ts;
};

struct span_status {
	bool present;  /* a framer device exists for this span */
	bool l1_up;    /* no LOS/AIS/LFA/LMFA */
	uint32_t alarms; /* E1_ALARM_* */
	struct e1_counters ctr;
	uint32_t rai_sent; /* we are sending RAI */
};

unsigned int span_count(void);
/* Current configuration of span nr (0-based), or NULL when out of range. */
const struct span_cfg *span_get_cfg(unsigned int nr);
/* Apply a new configuration: reconfigures the framer, restarts the D-channel when the
 * signalling changed. Returns 0, -ENODEV (no such span) or -EINVAL (bad values). */
int span_set_cfg(unsigned int nr, const struct span_cfg *cfg);
int span_get_status(unsigned int nr, struct span_status *st);
int span_set_dchan(unsigned int nr, const struct span_dchan_ops *ops, void *arg);
/* B-channel ts of span nr for media. Returns 0, -ENODEV (no such span, or no framer device)
 * or -EINVAL (ts is not one of the span's B-channels). */
int span_get_channel(struct span_chan *ch, unsigned int nr, unsigned int ts);
/* G.826 figures: current 15-minute interval and the last 24 h (g826.h). */
const struct g826 *span_get_g826(unsigned int nr);

#endif
