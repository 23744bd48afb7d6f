/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Call-progress tones (ringback, busy, congestion, queue beeps, ...) towards the caller, as
 * the country's network plays them. The countries and their tones come from DAHDI's
 * libtonezone at build time (tools/tonezone: cptone_zones[] in the generated
 * tonezone_data.c); the box parses a tone's description when a zone is selected and plays it
 * from a player per channel.
 *
 * A description is libtonezone's: comma-separated parts "[!]F1[+F2[+F3]|*F2|@][/MS]": F1
 * alone, the sum of F1, F2 (and F3: Hungary's stutter; each at the level), F1 amplitude-modulated by F2 (as DAHDI plays it:
 * 0.9 x F1 x (1 - 0.22 sin F2)), F1 at 0.3 of the level; 0 is silence; MS the part's length
 * (none or 0: for ever). Parts marked ! play once; the sequence repeats from the first
 * unmarked one. DAHDI's level, -10 dBm0 per frequency, is the default.
 */
#ifndef HLGW_DSP_CPTONE_H
#define HLGW_DSP_CPTONE_H

#include <stdbool.h>
#include <stdint.h>

enum cptone_id {
	CPTONE_DIAL,
	CPTONE_BUSY,
	CPTONE_RINGBACK,
	CPTONE_CONGESTION,
	CPTONE_CALLWAIT,   /* call waiting: also the queue's beeps */
	CPTONE_DIALRECALL,
	CPTONE_RECORD,	   /* the "call is recorded" beep */
	CPTONE_INFO,	   /* special information tone (SIT) */
	CPTONE_STUTTER,
	CPTONE__NUM,
};

/* One country as tools/tonezone wrote it (descriptions "" where it has none). */
struct cptone_zone {
	const char *country; /* "de" */
	const char *name;    /* "Germany" */
	const char *tone[CPTONE__NUM];
};
extern const struct cptone_zone cptone_zones[];
extern const unsigned int cptone_n_zones;

#define CPTONE_PARTS_MAX 32

struct cptone_part {
	uint16_t f1, f2, f3; /* Hz; f1 0: silence; f3: a third in a sum */
	bool mod;	 /* f1 modulated by f2 (else their sum) */
	bool low;	 /* "F1@": at 0.3 of the level (Australia's congestion) */
	uint32_t ms;	 /* 0: for ever */
};

struct cptone_seq {
	struct cptone_part part[CPTONE_PARTS_MAX];
	uint8_t n;
	uint8_t loop;	 /* the sequence repeats from part[loop]; n: it plays once */
};

/* Parse a description into s. Returns 0, -EINVAL (syntax, frequency over 3999 Hz, length over
 * an hour) or -E2BIG (more than CPTONE_PARTS_MAX parts). "" gives an empty sequence. */
int cptone_parse(struct cptone_seq *s, const char *desc);

/*
 * The zone the box plays ("de" until one is selected): its tones parsed once at selection.
 * Returns 0 or -ENOENT (no such country). *bad (may be NULL) gets the number of its tones
 * whose description does not parse (they play nothing). Players started before keep working:
 * the previous zone's tones stay until the selection after next.
 */
int cptone_zone_select(const char *country, unsigned int *bad);
const struct cptone_zone *cptone_zone_current(void);
/* A tone of the current zone; NULL when the zone has none (or it does not parse). */
const struct cptone_seq *cptone_tone(enum cptone_id id);

/* The zone of a country code, or NULL. */
const struct cptone_zone *cptone_zone_find(const char *country);
const char *cptone_name(enum cptone_id id);
/* The id of a tone name (cptone_name), or -1. */
int cptone_by_name(const char *name);

/* One channel's player. 16-bit linear samples, levels per frequency in dBm0. */
struct cptone_player {
	const struct cptone_seq *seq;
	uint8_t idx;	  /* the part playing */
	bool active;
	uint32_t left;	  /* samples left of the part (for ever: UINT32_MAX) */
	uint32_t ph1, ph2, ph3, inc1, inc2, inc3;
	int32_t amp;	  /* peak per frequency, 16-bit scale */
};

/* Play seq (kept by reference: it must outlive the playing) at dbm0 per frequency (-40..0).
 * An empty sequence plays nothing. Returns 0 or -EINVAL. */
int cptone_start(struct cptone_player *p, const struct cptone_seq *seq, float dbm0);
static inline void cptone_stop(struct cptone_player *p)
{
	p->active = false;
}
static inline bool cptone_active(const struct cptone_player *p)
{
	return p->active;
}
/* n samples of the tone (silence in its pauses); false, writing nothing, when not active
 * (a sequence without repetition stops after its last part). */
bool cptone_fill_lin(struct cptone_player *p, int16_t *dst, unsigned int n);
bool cptone_fill_alaw(struct cptone_player *p, uint8_t *dst, unsigned int n);

#endif
