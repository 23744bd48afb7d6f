// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Software G.704/G.706 E1 framer (see g704.h for the criteria in one place).
 *
 * RX works on the octet stream: octets not yet consumed stay in rx->buf. Aligned, buf[0] is
 * a frame start and each block yields exactly 8 frames (the carry of a partial frame stays
 * below 32 octets), so the steady state is two copies, a TS0 check per frame and a
 * CRC-4 folded from 64-bit words (four per frame). Searching, every octet offset of the buffered stream is a
 * candidate; the last 64 octets are kept because they may begin a FAS-NFAS-FAS run.
 *
 * Slip vs. loss of alignment: a controlled slip deletes or repeats a whole frame, so the
 * octet phase stays and only the FAS/NFAS parity (and the multiframe position) moves by one
 * frame. The FAS slots then hold NFAS words (bit 2 = 1) and the NFAS slots hold correct FAS
 * words. Two such swapped pairs in a row are taken as a slip, decided at the second one,
 * before the third bad FAS would declare LFA. Any other FAS error pattern (an octet shift,
 * corrupted FAS words, garbage) runs into the G.706 rule of 3 bad FAS words. After a slip
 * with CRC-4 the multiframe position is re-found from the next MF word (G704_MF_RESYNC, no
 * LMFA); if that fails within 4 ms, MF alignment is lost.
 */
#include <string.h>

#include "e1/g704.h"

#define G704_MF_WORD 0x0b	  /* 001011 in bit 1 of NFAS frames 1, 3 .. 11 */
#define G704_MF_SEARCH_FRAMES 64  /* 8 ms: G.706 4.2 */
#define G704_MF_RESYNC_FRAMES 32  /* 4 ms: two chances to see the MF word after a slip */
#define G704_FAS_LOSS 3		  /* consecutive bad FAS words: G.706 4.1.1 */
#define G704_SLIP_PAIRS 2	  /* swapped FAS/NFAS pairs that make a slip */
#define G704_MF_LOSS 2		  /* consecutive bad MF words */
#define G704_WIN_BLOCKS 1000	  /* G.706 4.3.2: >= 915 of 1000 errored: false alignment */
#define G704_WIN_FALSE 915
#define G704_RAI_RUN 3		  /* NFAS words to set / clear RAI */
#define G704_AIS_RUN 2		  /* 512-bit periods to set / clear AIS (G.775) */
#define G704_AIS_ZEROS 3	  /* fewer zeros than this in 512 bits: AIS-like */
#define G704_LOS_OCTETS 32	  /* zero octets (256 bit times) that make LOS */
#define G704_EBITS_MAX 16	  /* E-bits queued at most (2 leave per 2 ms) */

/* (v * x^4) mod (x^4 + x + 1): CRC-4 of one octet v, MSB first (G.704 2.3.3.5). */
static const uint8_t g704_crc4_tab[256] = {
	0x0, 0x3, 0x6, 0x5, 0xc, 0xf, 0xa, 0x9, 0xb, 0x8, 0xd, 0xe, 0x7, 0x4, 0x1, 0x2,
	0x5, 0x6, 0x3, 0x0, 0x9, 0xa, 0xf, 0xc, 0xe, 0xd, 0x8, 0xb, 0x2, 0x1, 0x4, 0x7,
	0xa, 0x9, 0xc, 0xf, 0x6, 0x5, 0x0, 0x3, 0x1, 0x2, 0x7, 0x4, 0xd, 0xe, 0xb, 0x8,
	0xf, 0xc, 0x9, 0xa, 0x3, 0x0, 0x5, 0x6, 0x4, 0x7, 0x2, 0x1, 0x8, 0xb, 0xe, 0xd,
	0x7, 0x4, 0x1, 0x2, 0xb, 0x8, 0xd, 0xe, 0xc, 0xf, 0xa, 0x9, 0x0, 0x3, 0x6, 0x5,
	0x2, 0x1, 0x4, 0x7, 0xe, 0xd, 0x8, 0xb, 0x9, 0xa, 0xf, 0xc, 0x5, 0x6, 0x3, 0x0,
	0xd, 0xe, 0xb, 0x8, 0x1, 0x2, 0x7, 0x4, 0x6, 0x5, 0x0, 0x3, 0xa, 0x9, 0xc, 0xf,
	0x8, 0xb, 0xe, 0xd, 0x4, 0x7, 0x2, 0x1, 0x3, 0x0, 0x5, 0x6, 0xf, 0xc, 0x9, 0xa,
	0xe, 0xd, 0x8, 0xb, 0x2, 0x1, 0x4, 0x7, 0x5, 0x6, 0x3, 0x0, 0x9, 0xa, 0xf, 0xc,
	0xb, 0x8, 0xd, 0xe, 0x7, 0x4, 0x1, 0x2, 0x0, 0x3, 0x6, 0x5, 0xc, 0xf, 0xa, 0x9,
	0x4, 0x7, 0x2, 0x1, 0x8, 0xb, 0xe, 0xd, 0xf, 0xc, 0x9, 0xa, 0x3, 0x0, 0x5, 0x6,
	0x1, 0x2, 0x7, 0x4, 0xd, 0xe, 0xb, 0x8, 0xa, 0x9, 0xc, 0xf, 0x6, 0x5, 0x0, 0x3,
	0x9, 0xa, 0xf, 0xc, 0x5, 0x6, 0x3, 0x0, 0x2, 0x1, 0x4, 0x7, 0xe, 0xd, 0x8, 0xb,
	0xc, 0xf, 0xa, 0x9, 0x0, 0x3, 0x6, 0x5, 0x7, 0x4, 0x1, 0x2, 0xb, 0x8, 0xd, 0xe,
	0x3, 0x0, 0x5, 0x6, 0xf, 0xc, 0x9, 0xa, 0x8, 0xb, 0xe, 0xd, 0x4, 0x7, 0x2, 0x1,
	0x6, 0x5, 0x0, 0x3, 0xa, 0x9, 0xc, 0xf, 0xd, 0xe, 0xb, 0x8, 0x1, 0x2, 0x7, 0x4,
};

/* Number of zero bits in an octet. */
static const uint8_t g704_zeros[256] = {
	8, 7, 7, 6, 7, 6, 6, 5, 7, 6, 6, 5, 6, 5, 5, 4, 7, 6, 6, 5, 6, 5, 5, 4, 6, 5, 5, 4, 5, 4, 4, 3,
	7, 6, 6, 5, 6, 5, 5, 4, 6, 5, 5, 4, 5, 4, 4, 3, 6, 5, 5, 4, 5, 4, 4, 3, 5, 4, 4, 3, 4, 3, 3, 2,
	7, 6, 6, 5, 6, 5, 5, 4, 6, 5, 5, 4, 5, 4, 4, 3, 6, 5, 5, 4, 5, 4, 4, 3, 5, 4, 4, 3, 4, 3, 3, 2,
	6, 5, 5, 4, 5, 4, 4, 3, 5, 4, 4, 3, 4, 3, 3, 2, 5, 4, 4, 3, 4, 3, 3, 2, 4, 3, 3, 2, 3, 2, 2, 1,
	7, 6, 6, 5, 6, 5, 5, 4, 6, 5, 5, 4, 5, 4, 4, 3, 6, 5, 5, 4, 5, 4, 4, 3, 5, 4, 4, 3, 4, 3, 3, 2,
	6, 5, 5, 4, 5, 4, 4, 3, 5, 4, 4, 3, 4, 3, 3, 2, 5, 4, 4, 3, 4, 3, 3, 2, 4, 3, 3, 2, 3, 2, 2, 1,
	6, 5, 5, 4, 5, 4, 4, 3, 5, 4, 4, 3, 4, 3, 3, 2, 5, 4, 4, 3, 4, 3, 3, 2, 4, 3, 3, 2, 3, 2, 2, 1,
	5, 4, 4, 3, 4, 3, 3, 2, 4, 3, 3, 2, 3, 2, 2, 1, 4, 3, 3, 2, 3, 2, 2, 1, 3, 2, 2, 1, 2, 1, 1, 0,
};

static inline bool g704_is_fas(uint8_t ts0)
{
	return (ts0 & G704_FAS_MASK) == G704_FAS;
}

/*
 * CRC-4 without a per-octet chain: x^4 + x + 1 is primitive, so x^15 = 1 modulo it and a
 * message can first be reduced modulo x^15 - 1, which is folding it into 15-bit chunks.
 * The running state is that 15-bit residue; g704_crc4_end() turns it into the CRC-4
 * (residue * x^4 mod g) with two table lookups.
 */
static inline uint64_t g704_be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | p[7];
}

static inline uint32_t g704_fold15(uint64_t w)
{
	return (uint32_t)((w & 0x7fff) ^ ((w >> 15) & 0x7fff) ^ ((w >> 30) & 0x7fff) ^
			  ((w >> 45) & 0x7fff) ^ (w >> 60));
}

static inline uint32_t g704_rotl15(uint32_t v, unsigned k)
{
	return ((v << k) | (v >> (15 - k))) & 0x7fff;
}

/* Residue of the SMF so far followed by one frame; TS0 is passed with its C-bit masked. */
static inline uint16_t g704_crc4_frame(uint16_t acc, uint8_t ts0, const uint8_t *f)
{
	uint64_t w0 = (g704_be64(f) & 0x00ffffffffffffffull) | (uint64_t)ts0 << 56;
	uint32_t v;

	/* x^256 = x^1, x^192 = x^12, x^128 = x^8, x^64 = x^4 (mod x^15 - 1) */
	v = g704_rotl15(acc, 1) ^ g704_rotl15(g704_fold15(w0), 12) ^
	    g704_rotl15(g704_fold15(g704_be64(f + 8)), 8) ^
	    g704_rotl15(g704_fold15(g704_be64(f + 16)), 4) ^ g704_fold15(g704_be64(f + 24));
	return (uint16_t)v;
}

static inline uint8_t g704_crc4_end(uint16_t acc)
{
	uint8_t c = g704_crc4_tab[acc >> 8];

	return g704_crc4_tab[(c << 4) ^ (acc & 0xff)];
}

/* ---- TX ---------------------------------------------------------------------------------- */

void g704_tx_init(struct g704_tx *tx, bool crc4)
{
	memset(tx, 0, sizeof(*tx));
	tx->crc4 = crc4;
	tx->sa = G704_NFAS_SA;
}

void g704_tx_set_rai(struct g704_tx *tx, bool on)
{
	tx->rai = on;
}

void g704_tx_set_ais(struct g704_tx *tx, bool on)
{
	tx->ais = on;
}

void g704_tx_set_sa(struct g704_tx *tx, uint8_t sa)
{
	tx->sa = sa & G704_NFAS_SA;
}

void g704_tx_add_ebits(struct g704_tx *tx, uint32_t n)
{
	tx->ebits_pending += n;
	if (tx->ebits_pending > G704_EBITS_MAX)
		tx->ebits_pending = G704_EBITS_MAX;
}

int g704_tx_corrupt_crc(struct g704_tx *tx, uint32_t count, uint32_t every)
{
	if (!tx->crc4)
		return -EINVAL;
	tx->corrupt_crc = count;
	tx->corrupt_every = every;
	tx->corrupt_phase = 0;
	return 0;
}

void g704_tx_corrupt_fas(struct g704_tx *tx, uint32_t count)
{
	tx->corrupt_fas = count;
}

int g704_tx_slip(struct g704_tx *tx, int dir)
{
	if (!dir)
		return -EINVAL;
	tx->slip = dir < 0 ? 1 : 2;
	return 0;
}

/* Is the SMF starting now to carry corrupted C-bits? */
static bool g704_tx_smf_bad(struct g704_tx *tx)
{
	if (tx->corrupt_crc) {
		tx->corrupt_crc--;
		return true;
	}
	if (tx->corrupt_every && ++tx->corrupt_phase >= tx->corrupt_every) {
		tx->corrupt_phase = 0;
		return true;
	}
	return false;
}

static void g704_tx_gen(struct g704_tx *tx, uint8_t *frame)
{
	unsigned fno = tx->fno;
	uint8_t ts0, bit;

	tx->last.fno = tx->fno;
	tx->last.crc_cur = tx->crc_cur;
	tx->last.crc_send = tx->crc_send;
	if (!(fno & 1)) {
		bit = 1; /* Si */
		if (tx->crc4) {
			if (!(fno & 7) && g704_tx_smf_bad(tx))
				tx->crc_send ^= 0xf;
			bit = (tx->crc_send >> (3 - ((fno & 7) >> 1))) & 1; /* C1..C4 */
		}
		ts0 = G704_FAS;
		if (tx->corrupt_fas) {
			tx->corrupt_fas--;
			ts0 ^= 0x01;
		}
		if (tx->crc4)
			tx->crc_cur = g704_crc4_frame(tx->crc_cur, ts0, frame);
		ts0 |= bit << 7;
	} else {
		bit = 1;
		if (tx->crc4) {
			if (fno <= 11) {
				bit = (G704_MF_WORD >> (5 - (fno >> 1))) & 1;
			} else if (tx->ebits_pending) { /* frames 13, 15: E-bits */
				tx->ebits_pending--;
				bit = 0;
			}
		}
		ts0 = bit << 7 | G704_NFAS_BIT2 | (tx->rai ? G704_NFAS_A : 0) | tx->sa;
		if (tx->crc4)
			tx->crc_cur = g704_crc4_frame(tx->crc_cur, ts0, frame);
	}
	frame[0] = ts0;
	if (tx->crc4 && (fno & 7) == 7) {
		tx->crc_send = g704_crc4_end(tx->crc_cur);
		tx->crc_cur = 0;
	}
	tx->fno = (fno + 1) & 15;
}

void g704_tx_frame(struct g704_tx *tx, uint8_t frame[E1_TIMESLOTS])
{
	uint8_t lost[E1_TIMESLOTS];

	if (tx->slip == 1) { /* the deleted frame: generated, never sent */
		memcpy(lost, frame, sizeof(lost));
		g704_tx_gen(tx, lost);
	} else if (tx->slip == 2) { /* go back to the state before the last frame */
		tx->fno = tx->last.fno;
		tx->crc_cur = tx->last.crc_cur;
		tx->crc_send = tx->last.crc_send;
	}
	tx->slip = 0;
	g704_tx_gen(tx, frame);
}

void g704_tx_chunk(struct g704_tx *tx, uint8_t chunk[E1_CHUNK_OCTETS])
{
	if (tx->ais) {
		memset(chunk, 0xff, E1_CHUNK_OCTETS);
		return;
	}
	for (unsigned i = 0; i < E1_CHUNK_FRAMES; i++)
		g704_tx_frame(tx, chunk + i * E1_TIMESLOTS);
}

/* ---- RX: line signal (G.775) ------------------------------------------------------------- */

static void g704_rx_signal(struct g704_rx *rx, const uint8_t *in)
{
	unsigned lead, trail, run, maxrun, i;

	/* AIS: zeros per 512-bit period, counting stops at 3 (a live signal has them at once) */
	for (unsigned p = 0; p < E1_CHUNK_OCTETS; p += 64) {
		unsigned z = 0;
		for (i = p; i < p + 64 && z < G704_AIS_ZEROS; i++)
			z += g704_zeros[in[i]];
		bool low = z < G704_AIS_ZEROS;
		if (low != rx->ais) {
			if (++rx->ais_run >= G704_AIS_RUN) {
				rx->ais = low;
				rx->ais_run = 0;
			}
		} else {
			rx->ais_run = 0;
		}
	}

	/* LOS: longest run of zero octets, joined with the previous block's tail */
	for (lead = 0; lead < E1_CHUNK_OCTETS && !in[lead]; lead++)
		;
	if (lead == E1_CHUNK_OCTETS) {
		if (rx->zrun < UINT32_MAX - E1_CHUNK_OCTETS)
			rx->zrun += E1_CHUNK_OCTETS;
		if (rx->zrun >= G704_LOS_OCTETS)
			rx->los = true;
		return;
	}
	for (trail = 0; !in[E1_CHUNK_OCTETS - 1 - trail]; trail++)
		;
	maxrun = lead ? rx->zrun + lead : 0; /* a run that ended with the last block was seen */
	rx->zrun = trail;
	if (trail > maxrun)
		maxrun = trail;
	/* a run of 32 inside the block covers an octet at a multiple of 32: look only then */
	for (i = 0; i < E1_CHUNK_OCTETS; i += E1_TIMESLOTS)
		if (!in[i])
			break;
	if (i < E1_CHUNK_OCTETS) {
		run = 0;
		for (i = lead; i < E1_CHUNK_OCTETS - trail; i++) {
			run = in[i] ? 0 : run + 1;
			if (run > maxrun)
				maxrun = run;
		}
	}
	if (maxrun >= G704_LOS_OCTETS) {
		rx->los = true;
	} else if (rx->los) {
		unsigned ones = 0;
		for (i = 0; i < E1_CHUNK_OCTETS; i++)
			ones += 8 - g704_zeros[in[i]];
		if (ones >= E1_CHUNK_OCTETS) /* 12.5 % of 2048 bits */
			rx->los = false;
	}
}

/* ---- RX: alignment ----------------------------------------------------------------------- */

static void g704_rx_mf_hunt(struct g704_rx *rx)
{
	if (rx->mf == G704_MF_ALIGNED || rx->mf == G704_MF_RESYNC)
		rx->mf_lost = true;
	rx->mf = G704_MF_HUNT;
	rx->mf_hist = 0x3f; /* ones: no window can match before 6 real bits came in */
	rx->mf_timer = 0;
	rx->mf_err_run = 0;
	rx->crc_cur_valid = rx->crc_prev_valid = false;
}

static void g704_rx_lose(struct g704_rx *rx)
{
	rx->state = G704_RX_SEARCH;
	rx->lost = true;
	rx->ctr.lfa++;
	rx->rai = false;
	rx->rai_run = 0;
	g704_rx_mf_hunt(rx);
}

static void g704_rx_slip(struct g704_rx *rx)
{
	rx->ctr.slips++;
	rx->fas_err_run = 0;
	rx->swap_run = 0;
	rx->swap_pending = false;
	if (!rx->crc4)
		return;
	if (rx->mf == G704_MF_ALIGNED || rx->mf == G704_MF_RESYNC) {
		rx->mf = G704_MF_RESYNC;
		rx->mf_timer = 0;
		rx->mf_hist = 0x3f;
		rx->crc_cur_valid = rx->crc_prev_valid = false;
	} else {
		g704_rx_mf_hunt(rx);
	}
}

/* Bit 1 of a NFAS word: multiframe alignment and E-bits. May renumber rx->fno. */
static void g704_rx_mf_bit(struct g704_rx *rx, unsigned bit)
{
	bool match;

	rx->mf_hist = (uint8_t)(rx->mf_hist << 1 | bit);
	match = (rx->mf_hist & 0x3f) == G704_MF_WORD;
	switch (rx->mf) {
	case G704_MF_HUNT:
		if (match) {
			rx->fno = 11;
			rx->mf = G704_MF_CONFIRM;
		}
		break;
	case G704_MF_CONFIRM:
		if (rx->fno != 11)
			break;
		if (match) {
			rx->mf = G704_MF_ALIGNED;
			rx->mf_err_run = 0;
			rx->win_blocks = rx->win_errs = 0;
			rx->crc_cur_valid = rx->crc_prev_valid = false;
		} else {
			rx->mf = G704_MF_HUNT;
		}
		break;
	case G704_MF_ALIGNED:
		if (rx->fno == 11) {
			if (match)
				rx->mf_err_run = 0;
			else if (++rx->mf_err_run >= G704_MF_LOSS)
				g704_rx_mf_hunt(rx);
		} else if (rx->fno >= 13 && !bit) {
			rx->ctr.ebit++;
		}
		break;
	case G704_MF_RESYNC:
		if (match) {
			rx->fno = 11;
			rx->mf = G704_MF_ALIGNED;
			rx->mf_err_run = 0;
		}
		break;
	}
}

/* End of a sub-multiframe: compare the C-bits that came in it with the previous SMF's CRC. */
static bool g704_rx_smf_end(struct g704_rx *rx)
{
	if (rx->crc_prev_valid && rx->crc_cur_valid) {
		rx->ctr.blocks++;
		rx->win_blocks++;
		if (rx->crc_rx != g704_crc4_end(rx->crc_prev)) {
			rx->ctr.crc4++;
			rx->win_errs++;
			if (rx->ebits_out < UINT32_MAX)
				rx->ebits_out++;
		}
		if (rx->win_blocks >= G704_WIN_BLOCKS) {
			bool false_align = rx->win_errs >= G704_WIN_FALSE;
			rx->win_blocks = rx->win_errs = 0;
			if (false_align) {
				g704_rx_lose(rx);
				return false;
			}
		}
	}
	rx->crc_prev = rx->crc_cur;
	rx->crc_prev_valid = rx->crc_cur_valid;
	return true;
}

/* One frame while aligned. Returns false when alignment was lost at this frame. */
static bool g704_rx_frame(struct g704_rx *rx, const uint8_t *f)
{
	uint8_t ts0 = f[0];
	bool fas = g704_is_fas(ts0);

	if (!(rx->fno & 1)) {
		if (fas) {
			rx->fas_err_run = 0;
			rx->swap_run = 0;
			rx->swap_pending = false;
		} else {
			rx->ctr.fas++;
			if (++rx->fas_err_run >= G704_FAS_LOSS) {
				g704_rx_lose(rx);
				return false;
			}
			rx->swap_pending = (ts0 & G704_NFAS_BIT2) != 0;
		}
	} else {
		if (rx->swap_pending && fas) {
			if (++rx->swap_run >= G704_SLIP_PAIRS) {
				g704_rx_slip(rx);
				rx->fno = (rx->fno + 2) & 15; /* this was a FAS frame */
				return true;
			}
		} else {
			rx->swap_run = 0;
		}
		rx->swap_pending = false;
		if (!fas) {
			bool a = (ts0 & G704_NFAS_A) != 0;
			if (a != rx->rai) {
				if (++rx->rai_run >= G704_RAI_RUN) {
					rx->rai = a;
					rx->rai_run = 0;
				}
			} else {
				rx->rai_run = 0;
			}
		}
		if (rx->crc4)
			g704_rx_mf_bit(rx, ts0 >> 7);
	}

	if (rx->crc4) {
		if (rx->mf == G704_MF_ALIGNED) {
			unsigned fno = rx->fno;
			if (!(fno & 7)) {
				rx->crc_cur = 0;
				rx->crc_rx = 0;
				rx->crc_cur_valid = true;
			}
			if (!(fno & 1)) {
				rx->crc_rx = (uint8_t)(rx->crc_rx << 1 | ts0 >> 7);
				ts0 &= G704_FAS_MASK;
			}
			rx->crc_cur = g704_crc4_frame(rx->crc_cur, ts0, f);
			if ((fno & 7) == 7 && !g704_rx_smf_end(rx))
				return false;
		} else if (++rx->mf_timer >= (rx->mf == G704_MF_RESYNC ? G704_MF_RESYNC_FRAMES
								      : G704_MF_SEARCH_FRAMES)) {
			if (rx->mf == G704_MF_RESYNC) {
				g704_rx_mf_hunt(rx);
			} else { /* G.706 4.2: no MF in 8 ms, the FAS we hold was spurious */
				g704_rx_lose(rx);
				return false;
			}
		}
	}
	rx->fno = (rx->fno + 1) & 15;
	return true;
}

/* Look for FAS, NFAS bit 2, FAS from *pos on. Found: aligned at *pos. */
static bool g704_rx_search(struct g704_rx *rx, unsigned *pos, unsigned fill)
{
	const uint8_t *b = rx->buf;
	unsigned o;

	for (o = *pos; o + 2 * E1_TIMESLOTS < fill; o++) {
		if (g704_is_fas(b[o]) && (b[o + E1_TIMESLOTS] & G704_NFAS_BIT2) &&
		    g704_is_fas(b[o + 2 * E1_TIMESLOTS])) {
			*pos = o;
			rx->state = G704_RX_ALIGNED;
			rx->fno = 0;
			rx->fas_err_run = 0;
			rx->swap_run = 0;
			rx->swap_pending = false;
			g704_rx_mf_hunt(rx);
			rx->mf_lost = false;
			return true;
		}
	}
	if (fill > 2 * E1_TIMESLOTS && *pos < fill - 2 * E1_TIMESLOTS)
		*pos = fill - 2 * E1_TIMESLOTS;
	return false;
}

static uint32_t g704_rx_alarms(struct g704_rx *rx)
{
	bool aligned = rx->state == G704_RX_ALIGNED;
	uint32_t a = 0;

	rx->mf_aligned = aligned && (rx->mf == G704_MF_ALIGNED || rx->mf == G704_MF_RESYNC);
	if (rx->los)
		a |= E1_ALARM_LOS;
	if (rx->ais)
		a |= E1_ALARM_AIS;
	if (!aligned || rx->lost)
		a |= E1_ALARM_LFA;
	if (rx->crc4 && (!rx->mf_aligned || rx->lost || rx->mf_lost))
		a |= E1_ALARM_LMFA;
	if (rx->rai)
		a |= E1_ALARM_RAI;
	rx->alarms = a;
	return a;
}

void g704_rx_init(struct g704_rx *rx, bool crc4)
{
	memset(rx, 0, sizeof(*rx));
	rx->crc4 = crc4;
	rx->state = G704_RX_SEARCH;
	rx->los = true; /* nothing received yet */
	g704_rx_mf_hunt(rx);
	rx->mf_lost = false;
	g704_rx_alarms(rx);
}

uint32_t g704_rx_block(struct g704_rx *rx, const uint8_t in[E1_CHUNK_OCTETS],
		       uint8_t out[E1_CHUNK_OCTETS])
{
	const uint8_t *frames[G704_RX_BUF / E1_TIMESLOTS];
	unsigned n = 0, pos = 0, fill, pre, post, gain_n = 0;
	unsigned n1 = rx->state == G704_RX_ALIGNED ? ~0u : 0; /* frames before the first loss */

	rx->lost = false;
	rx->mf_lost = false;
	g704_rx_signal(rx, in);
	memcpy(rx->buf + rx->fill, in, E1_CHUNK_OCTETS);
	fill = rx->fill + E1_CHUNK_OCTETS;

	for (;;) {
		if (rx->state == G704_RX_ALIGNED) {
			while (pos + E1_TIMESLOTS <= fill) {
				const uint8_t *f = rx->buf + pos;
				if (!g704_rx_frame(rx, f)) {
					pos++; /* search again from the next octet */
					break;
				}
				frames[n++] = f;
				pos += E1_TIMESLOTS;
			}
			if (rx->state == G704_RX_ALIGNED)
				break;
			if (n1 > n)
				n1 = n;
		}
		if (!g704_rx_search(rx, &pos, fill))
			break;
		gain_n = n;
	}

	/* Output keeps the line's timing: frames up to the first loss in front, frames since
	 * the last (re)alignment at the end, all ones between. */
	if (n1 > n)
		n1 = n;
	post = rx->state == G704_RX_ALIGNED && n1 < n ? n - gain_n : 0;
	if (post > E1_CHUNK_FRAMES)
		post = E1_CHUNK_FRAMES;
	pre = n1 < E1_CHUNK_FRAMES - post ? n1 : E1_CHUNK_FRAMES - post;
	if (pre == E1_CHUNK_FRAMES && frames[n1 - 1] == frames[n1 - pre] + 7 * E1_TIMESLOTS) {
		memcpy(out, frames[n1 - pre], E1_CHUNK_OCTETS);
	} else {
		for (unsigned i = 0; i < pre; i++)
			memcpy(out + i * E1_TIMESLOTS, frames[n1 - pre + i], E1_TIMESLOTS);
		memset(out + pre * E1_TIMESLOTS, 0xff,
		       (E1_CHUNK_FRAMES - pre - post) * E1_TIMESLOTS);
		for (unsigned i = 0; i < post; i++)
			memcpy(out + (E1_CHUNK_FRAMES - post + i) * E1_TIMESLOTS,
			       frames[n - post + i], E1_TIMESLOTS);
	}
	rx->fill = (uint16_t)(fill - pos);
	memmove(rx->buf, rx->buf + pos, rx->fill);
	return g704_rx_alarms(rx);
}

uint32_t g704_rx_los(struct g704_rx *rx)
{
	rx->lost = false;
	rx->mf_lost = false;
	if (rx->state == G704_RX_ALIGNED)
		g704_rx_lose(rx);
	rx->fill = 0;
	rx->los = true;
	rx->ais = false;
	rx->ais_run = 0;
	rx->zrun = 0;
	return g704_rx_alarms(rx);
}

uint32_t g704_rx_take_ebits(struct g704_rx *rx)
{
	uint32_t n = rx->ebits_out;

	rx->ebits_out = 0;
	return n;
}
