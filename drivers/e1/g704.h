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
 *
 * Bit numbering is G.704's: bit 1 is the first bit on the line, the octet's MSB.
 *
 * RX criteria (see g704.c for the reasoning):
 *  - frame alignment: FAS in frame n, NFAS bit 2 = 1 in n+1, FAS in n+2, searched at every
 *    octet offset of the stream; lost on 3 consecutive FAS words in error (G.706 4.1);
 *  - slip: a FAS slot holding a word with bit 2 = 1 followed by a NFAS slot holding a valid
 *    FAS, twice in a row at the same octet phase: the frame parity is flipped (ctr.slips++)
 *    instead of declaring LFA, which would otherwise come at the third bad FAS;
 *  - CRC-4 multiframe: MF word 001011 seen, then seen again exactly 2 ms later (G.706 4.2);
 *    lost on 2 consecutive MF words in error; no MF alignment within 8 ms of frame alignment,
 *    or >= 915 errored of 1000 CRC blocks, means false frame alignment: frame search restarts;
 *  - RAI: A-bit = 1 in 3 consecutive NFAS words sets it, A = 0 in 3 consecutive clears it;
 *  - AIS (G.775): < 3 zeros in each of 2 consecutive 512-bit periods sets it, >= 3 zeros in
 *    each of 2 consecutive periods clears it;
 *  - LOS: a run of >= 32 zero octets (256 bit times, G.775 allows 10..255) sets it, or
 *    g704_rx_los(); a whole 1 ms block with no such run and >= 12.5 % ones clears it.
 */
#ifndef E1_G704_H
#define E1_G704_H

#include <stdbool.h>
#include <stdint.h>

#include <drv/e1_framer.h>

#define G704_FAS 0x1b	    /* bits 2..8 of the FAS word: 0011011 */
#define G704_FAS_MASK 0x7f
#define G704_NFAS_BIT2 0x40 /* always 1 in NFAS */
#define G704_NFAS_A 0x20    /* remote alarm */
#define G704_NFAS_SA 0x1f   /* Sa4..Sa8 */
#define G704_SI 0x80	    /* bit 1: Si / C-bit / MF alignment bit / E-bit */

/* Transmit side. Fields are private; use the functions. */
struct g704_tx {
	bool crc4;
	bool rai;		/* send A-bit = 1 */
	bool ais;		/* send all ones instead of frames */
	uint8_t fno;		/* frame number in the CRC-4 multiframe, 0..15 */
	uint16_t crc_cur;	/* CRC-4 residue (mod x^15 - 1) of the current SMF so far */
	uint8_t crc_send;	/* CRC-4 of the previous SMF, sent in this SMF's C-bits */
	uint8_t sa;		/* Sa4..Sa8 sent in NFAS (default all ones) */
	uint8_t slip;		/* pending slip: 0 none, 1 delete, 2 repeat a frame */
	uint32_t ebits_pending; /* E-bits still to send as 0 (far end's CRC errors we saw) */
	uint32_t corrupt_crc;   /* fault: corrupt the C-bits of this many coming SMFs */
	uint32_t corrupt_every; /* fault: corrupt 1 SMF in every N (0 = off) */
	uint32_t corrupt_phase; /* SMFs sent since the last corruption of the 1-in-N fault */
	uint32_t corrupt_fas;   /* fault: send this many coming FAS words in error */
	struct {		/* state before the last frame, to repeat it */
		uint8_t fno, crc_send;
		uint16_t crc_cur;
	} last;
};

enum g704_rx_state {
	G704_RX_SEARCH,	 /* looking for FAS */
	G704_RX_ALIGNED, /* frame aligned */
};

enum g704_mf_state {
	G704_MF_HUNT,	 /* looking for the MF alignment word */
	G704_MF_CONFIRM, /* seen once, expecting it again 16 frames later */
	G704_MF_ALIGNED,
	G704_MF_RESYNC, /* after a slip: MF position re-found without raising LMFA */
};

#define G704_RX_BUF (E1_CHUNK_OCTETS + 4 * E1_TIMESLOTS)

/* Receive side. alarms and ctr may be read directly; everything else is private. */
struct g704_rx {
	bool crc4;
	enum g704_rx_state state;
	bool mf_aligned; /* CRC-4 blocks are being checked (or a slip resync is running) */
	uint32_t alarms; /* E1_ALARM_*, as last returned by g704_rx_block() */
	struct e1_counters ctr;

	/* octet stream not consumed yet; frame-aligned at buf[0] when ALIGNED */
	uint8_t buf[G704_RX_BUF];
	uint16_t fill;
	uint8_t fno;	     /* frame number in the multiframe (parity: even = FAS) */
	uint8_t fas_err_run; /* consecutive FAS words in error */
	uint8_t swap_run;    /* consecutive FAS/NFAS swapped pairs (slip detector) */
	bool swap_pending;   /* this FAS slot held a NFAS-like word */
	bool lost;	     /* frame alignment lost during this block */

	/* CRC-4 multiframe */
	enum g704_mf_state mf;
	uint8_t mf_hist;     /* bit 1 of the last NFAS words, newest in bit 0 */
	uint8_t mf_err_run;  /* consecutive MF words in error */
	uint16_t mf_timer;   /* frames spent hunting for MF alignment */
	bool mf_lost;	     /* MF alignment lost during this block */
	bool crc_cur_valid;  /* crc_cur covers a whole SMF from its start */
	bool crc_prev_valid; /* crc_prev is the CRC of the previous, complete SMF */
	uint16_t crc_cur;  /* CRC-4 residue (mod x^15 - 1) of this SMF so far */
	uint16_t crc_prev; /* residue of the previous SMF */
	uint8_t crc_rx;	     /* C-bits received in this SMF */
	uint16_t win_blocks; /* 1000-block window of the false-alignment check */
	uint16_t win_errs;
	uint32_t ebits_out; /* CRC errors not yet taken by g704_rx_take_ebits() */

	/* RAI / AIS / LOS */
	bool rai;
	uint8_t rai_run; /* consecutive NFAS words disagreeing with rai */
	bool ais;
	uint8_t ais_run; /* consecutive 512-bit periods disagreeing with ais */
	bool los;
	uint32_t zrun; /* zero octets at the end of the input so far */
};

/* Initialise TX; Sa bits all ones, no RAI, no AIS, no faults. */
void g704_tx_init(struct g704_tx *tx, bool crc4);
/* Write TS0 of frame (TS1..31 already filled); advances the multiframe. */
void g704_tx_frame(struct g704_tx *tx, uint8_t frame[E1_TIMESLOTS]);
/* Fill TS0 of the 8 frames of a 1 ms chunk (or all ones when AIS is on). */
void g704_tx_chunk(struct g704_tx *tx, uint8_t chunk[E1_CHUNK_OCTETS]);
/* Send RAI (A-bit = 1) or stop. */
void g704_tx_set_rai(struct g704_tx *tx, bool on);
/* Send AIS (unframed all ones) or stop. */
void g704_tx_set_ais(struct g704_tx *tx, bool on);
/* Sa4..Sa8 (bit 4 in bit 4 of the value .. Sa8 in bit 0). */
void g704_tx_set_sa(struct g704_tx *tx, uint8_t sa);
/* Queue n E-bits = 0 (CRC-4 errors from g704_rx_take_ebits()); at most 2 go out per 2 ms. */
void g704_tx_add_ebits(struct g704_tx *tx, uint32_t n);

/* Fault injection (telco simulator, tests). */
/* Corrupt the CRC-4 (C-bits) of the next count SMFs, and then of 1 SMF in every `every`
 * (0 = no periodic errors). Each corrupted SMF is exactly one CRC-4 error at the far end.
 * Returns 0, -EINVAL when CRC-4 is off. */
int g704_tx_corrupt_crc(struct g704_tx *tx, uint32_t count, uint32_t every);
/* Send the next count FAS words in error (3 in a row make the far end lose alignment). */
void g704_tx_corrupt_fas(struct g704_tx *tx, uint32_t count);
/* Slip one frame in the TS0 sequence: dir < 0 deletes a frame, dir > 0 repeats one (the
 * payload stays as the caller wrote it). Returns 0, -EINVAL for dir == 0. */
int g704_tx_slip(struct g704_tx *tx, int dir);

/* Initialise RX: searching, all alarms but RAI/AIS set until the line proves itself. */
void g704_rx_init(struct g704_rx *rx, bool crc4);
/* Feed one 1 ms block off the line; out gets 8 aligned frames. Returns the alarm set: the
 * state at the end of the block, plus LFA / LMFA when alignment was lost during it. */
uint32_t g704_rx_block(struct g704_rx *rx, const uint8_t in[E1_CHUNK_OCTETS],
		       uint8_t out[E1_CHUNK_OCTETS]);
/* The line is gone (socket closed): LOS, alignment dropped. Returns the alarm set. */
uint32_t g704_rx_los(struct g704_rx *rx);
/* CRC-4 errors seen since the last call, to send back as E-bits (0) by g704_tx. */
uint32_t g704_rx_take_ebits(struct g704_rx *rx);

#endif
