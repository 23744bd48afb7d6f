/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * E1 framer device class. A real framer+LIU chip driver (drivers/e1/<chip>.c) and the sim
 * back-end (drivers/e1/e1_sim.c, a software G.704 framer on a SOCK_SEQPACKET line) implement
 * the same ops. The firmware sees 1 ms chunks: 8 frames of 32 octets in each direction.
 *
 * TDM routing (optional ops tdm_rx_arm/tdm_tx_arm), programmed as a framer's TDM DMA is: per
 * timeslot and direction one buffer descriptor (address, length). While armed, the driver
 * moves the timeslot's 8 samples of every chunk between the line and the buffer, frame 0's
 * sample first, and advances through it by itself: RX stores them before the chunk callback
 * runs, TX takes them after it (so TX arming from the chunk callback applies to this chunk).
 * When a buffer is used up its descriptor disarms and its done callback runs, after the chunk
 * callback, once per buffer (the DMA's end-of-buffer interrupt): arm the next buffer from
 * there and no sample is lost. Unarmed timeslots: RX samples are only in the chunk callback's
 * rx; TX sends what the chunk callback left in tx. Media buffers are filled in place this way
 * (design.md section 3): no per-sample work on the CPU on a real framer.
 */
#ifndef DRV_E1_FRAMER_H
#define DRV_E1_FRAMER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define E1_TIMESLOTS 32
#define E1_CHUNK_FRAMES 8 /* 1 ms */
#define E1_CHUNK_OCTETS (E1_TIMESLOTS * E1_CHUNK_FRAMES)
#define E1_DCHAN_TS 16

/* Alarm bits, named as DAHDI names them so that admins recognise them. */
#define E1_ALARM_LOS (1u << 0)	/* loss of signal (G.775): no pulses */
#define E1_ALARM_AIS (1u << 1)	/* alarm indication signal: all ones (blue) */
#define E1_ALARM_LFA (1u << 2)	/* loss of frame alignment (G.706) (red) */
#define E1_ALARM_LMFA (1u << 3) /* loss of CRC-4 multiframe alignment */
#define E1_ALARM_RAI (1u << 4)	/* remote alarm indication, A-bit from the far end (yellow) */
#define E1_ALARM_RED (E1_ALARM_LOS | E1_ALARM_LFA | E1_ALARM_LMFA)

enum e1_linecode { E1_LINECODE_HDB3, E1_LINECODE_AMI };
enum e1_clock { E1_CLOCK_LINE, E1_CLOCK_INTERNAL };
enum e1_loopback {
	E1_LOOP_NONE,
	E1_LOOP_LOCAL,	 /* our TX looped to our RX, line gets AIS */
	E1_LOOP_REMOTE,	 /* line RX looped back to line TX */
	E1_LOOP_PAYLOAD, /* TS1..31 looped at the framer, framing regenerated */
};

struct e1_line_cfg {
	bool crc4;
	enum e1_linecode linecode;
	enum e1_clock clock;
};

/* Counters since start, never reset by the driver (DAHDI's span counters). */
struct e1_counters {
	uint32_t crc4;	 /* CRC-4 sub-multiframe errors received */
	uint32_t ebit;	 /* E-bits received set to 0 (far end saw our CRC-4 errors) */
	uint32_t fas;	 /* FAS words received in error */
	uint32_t slips;	 /* controlled frame slips */
	uint32_t lfa;	 /* frame alignment losses */
	uint32_t blocks; /* CRC-4 sub-multiframes checked (G.826 blocks) */
};

struct e1_framer_dev;

/* A TDM buffer of timeslot ts was used up (see the top of this file); arg as given to arm. */
typedef void (*e1_tdm_done_cb)(void *arg, unsigned int ts);

struct e1_framer_cbs {
	/* Every 1 ms: rx holds 8 aligned frames (TS0 as received, all ones while not aligned);
	 * fill tx's TS1..31 (TS0 belongs to the framer). */
	void (*chunk)(void *arg, const uint8_t *rx, uint8_t *tx);
	/* The alarm set changed. */
	void (*alarm)(void *arg, uint32_t alarms);
};

struct e1_framer_ops {
	int (*configure)(const struct e1_framer_dev *dev, const struct e1_line_cfg *cfg);
	int (*start)(const struct e1_framer_dev *dev);
	int (*stop)(const struct e1_framer_dev *dev);
	int (*set_callbacks)(const struct e1_framer_dev *dev, const struct e1_framer_cbs *cbs,
			     void *arg);
	int (*get_alarms)(const struct e1_framer_dev *dev, uint32_t *alarms);
	int (*get_counters)(const struct e1_framer_dev *dev, struct e1_counters *ctr);
	int (*set_loopback)(const struct e1_framer_dev *dev, enum e1_loopback lb);
	/* Send RAI (A-bit) on our own initiative; the driver sends it anyway while it has a
	 * red alarm. */
	int (*force_rai)(const struct e1_framer_dev *dev, bool on);
	/* Arm timeslot ts (1..31) with buf of len octets (a multiple of 8: whole chunks):
	 * RX stores received samples there, TX sends from there. Replaces an armed buffer;
	 * buf NULL and len 0 disarm. done (may be NULL) runs when the buffer is used up. */
	int (*tdm_rx_arm)(const struct e1_framer_dev *dev, unsigned int ts, uint8_t *buf,
			  size_t len, e1_tdm_done_cb done, void *arg);
	int (*tdm_tx_arm)(const struct e1_framer_dev *dev, unsigned int ts, const uint8_t *buf,
			  size_t len, e1_tdm_done_cb done, void *arg);
};

struct e1_framer_dev {
	const char *name;
	const struct e1_framer_ops *ops;
	const void *cfg;
	void *priv;
};

#define E1_OP(dev, op, ...) \
	((dev)->ops->op ? (dev)->ops->op((dev), ##__VA_ARGS__) : -ENOTSUP)

static inline int e1_framer_configure(const struct e1_framer_dev *dev,
				      const struct e1_line_cfg *cfg)
{
	return E1_OP(dev, configure, cfg);
}
static inline int e1_framer_start(const struct e1_framer_dev *dev) { return E1_OP(dev, start); }
static inline int e1_framer_stop(const struct e1_framer_dev *dev) { return E1_OP(dev, stop); }
static inline int e1_framer_set_callbacks(const struct e1_framer_dev *dev,
					  const struct e1_framer_cbs *cbs, void *arg)
{
	return E1_OP(dev, set_callbacks, cbs, arg);
}
static inline int e1_framer_get_alarms(const struct e1_framer_dev *dev, uint32_t *alarms)
{
	return E1_OP(dev, get_alarms, alarms);
}
static inline int e1_framer_get_counters(const struct e1_framer_dev *dev, struct e1_counters *c)
{
	return E1_OP(dev, get_counters, c);
}
static inline int e1_framer_set_loopback(const struct e1_framer_dev *dev, enum e1_loopback lb)
{
	return E1_OP(dev, set_loopback, lb);
}
static inline int e1_framer_force_rai(const struct e1_framer_dev *dev, bool on)
{
	return E1_OP(dev, force_rai, on);
}
/* Returns 0, -EINVAL (ts 0 or > 31, len not a positive multiple of 8 or longer than the
 * driver's descriptors count (the sim: 2048), buf NULL with len) or -ENOTSUP (a framer
 * without TDM routing). */
static inline int e1_framer_tdm_rx_arm(const struct e1_framer_dev *dev, unsigned int ts,
				       uint8_t *buf, size_t len, e1_tdm_done_cb done, void *arg)
{
	return E1_OP(dev, tdm_rx_arm, ts, buf, len, done, arg);
}
static inline int e1_framer_tdm_tx_arm(const struct e1_framer_dev *dev, unsigned int ts,
				       const uint8_t *buf, size_t len, e1_tdm_done_cb done,
				       void *arg)
{
	return E1_OP(dev, tdm_tx_arm, ts, buf, len, done, arg);
}

#endif
