/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Voice prompts the box plays to callers (the rating questions after a call): A-law, 8 kHz,
 * loaded from a WAV file (PCM 16-bit or A-law, mono, 8000 Hz) or a raw A-law file (.al, .alaw)
 * through the board's file service, into a static pool (CONFIG_PROMPT_POOL_KB). A prompt that
 * was never loaded plays a short cue of tones instead, so the caller still hears when to key.
 */
#ifndef HLGW_MEDIA_PROMPT_H
#define HLGW_MEDIA_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum prompt_id {
	PROMPT_RATING, /* "please rate the advisor from 1 to 5" */
	PROMPT_SOLVED, /* "was your problem solved? 1 yes, 2 no" */
	PROMPT_THANKS, /* "thank you, goodbye" */
	PROMPT__NUM,
};

const char *prompt_name(enum prompt_id id);

/*
 * Load a prompt from a file. Returns 0 or a negative errno with *why (may be NULL) a reason
 * for the admin: -ENOENT/-EACCES (file), -EINVAL (not WAV PCM16/A-law mono 8 kHz, nor raw
 * A-law), -EFBIG (does not fit the pool), -ENOTSUP (the board has no files). The old prompt
 * stays when loading fails.
 */
int prompt_load(enum prompt_id id, const char *path, const char **why);
/* Forget a loaded prompt (the cue plays again). */
void prompt_unload(enum prompt_id id);

/* What plays for a prompt: the loaded samples, or NULL and 0 for the cue. *path: the file it
 * came from ("" when none). */
const uint8_t *prompt_get(enum prompt_id id, size_t *len, const char **path);
/* Pool use in octets. */
size_t prompt_pool_used(void);

/* Announcements by name (the routing table's closed= and queue= announcements, music):
 * [a-z0-9_-], at most 31; the rating's names are theirs too. */
#define PROMPT_SLOTS 24
bool prompt_name_ok(const char *name);
int prompt_load_name(const char *name, const char *path, const char **why);
void prompt_unload_name(const char *name);
const uint8_t *prompt_get_name(const char *name, size_t *len, const char **path);
/* The name in slot idx (0..PROMPT_SLOTS-1): the rating's three, then "" for a free slot;
 * NULL past the end. */
const char *prompt_slot_name(unsigned int idx);

/*
 * Parse a WAV image (exposed for tests): *data and *len the sample octets, *alaw true when
 * they are A-law already (else PCM 16-bit little-endian). 0 or -EINVAL with *why.
 */
int prompt_wav_parse(const uint8_t *img, size_t size, const uint8_t **data, size_t *len,
		     int *alaw, const char **why);

#endif
