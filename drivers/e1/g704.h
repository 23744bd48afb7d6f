/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Software G.704/G.706 E1 framer: what a framer chip does, in C, on a stream of octets.
 * Shared by the box's sim framer driver (drivers/e1/e1_sim.c) and the telco side
 * (tools/pstn-sim). Portable: no OS calls, no allocation.
 *
 * TX: the caller fills TS1..31 of each frame; g704_tx_frame() writes TS0 (FAS / NFAS with the
 * CRC-4 multiframe: C-bits, multiframe alignment word, E-bits, A-bit, Sa bits).
 * RX: g704_rx_block() takes 256 octets as they came off the line (not necessarily frame
 * aligned), finds and keeps frame and CRC-4 multiframe alignment (G.706), checks CRC-4,
 * detects AIS / LOS (G.775), RAI, E-bits and slips, and outputs 8 aligned frames (all ones
 * while out of alignment, as a framer's AIS-on-LOF does).
 */
#ifndef E1_G704_H
#define E1_G704_H

#include <stdbool.h>
#include <stdint.h>

#include <drv/e1_framer.h>

struct g704_tx {
	bool crc4;
	bool rai;	     /* send A-bit = 1 */
	bool ais;	     /* send all ones instead of frames */
	uint8_t fno;	     /* frame number in the CRC-4 multiframe, 0..15 */
	uint8_t crc_cur;     /* CRC-4 running over the current sub-multiframe */
	uint8_t crc_prev[2]; /* CRC-4 of the previous SMF I / SMF II, sent in the C-bits */
	uint8_t ebits_pending; /* E-bits to send as 0 (far end's CRC errors we saw) */
	uint8_t ebit_smf;      /* bits 0/1: E-bit value (1 ok) for SMF I / II this multiframe */
	uint8_t sa;	       /* Sa4..Sa8 sent in NFAS (default all ones) */
	uint32_t corrupt_crc;  /* test/fault hook: corrupt C-bits of this many coming SMFs */
};

enum g704_rx_state {
	G704_RX_SEARCH,	  /* looking for FAS */
	G704_RX_FAS_SEEN, /* FAS found, checking NFAS bit 2 then FAS again */
	G704_RX_ALIGNED,
};

struct g704_rx {
	bool crc4;
	enum g704_rx_state state;
	bool mf_aligned;
	uint32_t alarms; /* E1_ALARM_* */
	struct e1_counters ctr;
	/* ... private state: stream buffer, phase, error runs, AIS/LOS windows ... */
	uint8_t buf[2 * E1_TIMESLOTS * E1_CHUNK_FRAMES];
	uint32_t fill;
	uint32_t phase;		/* octet offset of frame start in the stream */
	uint32_t fno;		/* received frame counter in the multiframe */
	uint32_t fas_err_run;
	uint32_t priv[16];	/* scratch for the implementation */
};

void g704_tx_init(struct g704_tx *tx, bool crc4);
/* Write TS0 of frame (TS1..31 already filled); advances the multiframe. */
void g704_tx_frame(struct g704_tx *tx, uint8_t frame[E1_TIMESLOTS]);
/* Fill TS0 of the 8 frames of a 1 ms chunk (or all ones when tx->ais). */
void g704_tx_chunk(struct g704_tx *tx, uint8_t chunk[E1_CHUNK_OCTETS]);

void g704_rx_init(struct g704_rx *rx, bool crc4);
/* Feed one 1 ms block off the line; out gets 8 aligned frames. Returns the alarm set. */
uint32_t g704_rx_block(struct g704_rx *rx, const uint8_t in[E1_CHUNK_OCTETS],
		       uint8_t out[E1_CHUNK_OCTETS]);
/* CRC-4 errors seen since the last call, to send back as E-bits (0) by g704_tx. */
uint32_t g704_rx_take_ebits(struct g704_rx *rx);

#endif
