// SPDX-License-Identifier: GPL-2.0-or-later
/* Voice prompts: files parsed and kept as A-law in a static pool (prompt.h). */
#include <errno.h>
#include <string.h>

#include <dsp/g711.h>
#include <hlgw/bfile.h>
#include <hlgw/log.h>

#include "autoconf.h"
#include "prompt.h"

#define PROMPT_POOL ((size_t)CONFIG_PROMPT_POOL_KB * 1024u)
#define PROMPT_PATH_MAX 128
#define PROMPT_NAME_MAX 31

static const char *const prompt_names[PROMPT__NUM] = {
	[PROMPT_RATING] = "rating", [PROMPT_SOLVED] = "solved", [PROMPT_THANKS] = "thanks",
};

/* prompts lie in the pool one after the other in load order; off/len per slot, len 0: none.
 * Slots 0..PROMPT__NUM-1 are the rating's; the others take announcements by name. */
static uint8_t prompt_pool[PROMPT_POOL];
static size_t prompt_used;
static struct {
	char name[PROMPT_NAME_MAX + 1];
	size_t off, len;
	char path[PROMPT_PATH_MAX];
} prompt_tab[PROMPT_SLOTS];

/* The slot of a name (create: take a free one); -1 when none. */
static int prompt_slot(const char *name, bool create)
{
	int i, free_slot = -1;

	if (!name || !*name || strlen(name) > PROMPT_NAME_MAX)
		return -1;
	for (i = 0; i < PROMPT__NUM; i++)
		if (!strcmp(name, prompt_names[i]))
			return i;
	for (i = PROMPT__NUM; i < PROMPT_SLOTS; i++) {
		if (prompt_tab[i].len && !strcmp(prompt_tab[i].name, name))
			return i;
		if (!prompt_tab[i].len && free_slot < 0)
			free_slot = i;
	}
	return create ? free_slot : -1;
}

bool prompt_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n && n <= PROMPT_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

const char *prompt_name(enum prompt_id id)
{
	return (unsigned int)id < PROMPT__NUM ? prompt_names[id] : "?";
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int prompt_wav_parse(const uint8_t *img, size_t size, const uint8_t **data, size_t *len,
		     int *alaw, const char **why)
{
	size_t off = 12;
	int fmt = -1;

	*why = NULL;
	if (size < 12 || memcmp(img, "RIFF", 4) || memcmp(img + 8, "WAVE", 4)) {
		*why = "not a RIFF/WAVE file";
		return -EINVAL;
	}
	while (off + 8 <= size) {
		uint32_t clen = rd32(img + off + 4);
		const uint8_t *c = img + off + 8;

		if (clen > size - off - 8) {
			*why = "a chunk runs past the end of the file";
			return -EINVAL;
		}
		if (!memcmp(img + off, "fmt ", 4)) {
			uint16_t tag, ch, bits;

			if (clen < 16) {
				*why = "fmt chunk too short";
				return -EINVAL;
			}
			tag = rd16(c);
			ch = rd16(c + 2);
			bits = rd16(c + 14);
			if (ch != 1 || rd32(c + 4) != 8000) {
				*why = "not mono 8000 Hz";
				return -EINVAL;
			}
			if (tag == 1 && bits == 16)
				fmt = 0;
			else if (tag == 6 && bits == 8)
				fmt = 1;
			else {
				*why = "neither 16-bit PCM nor A-law";
				return -EINVAL;
			}
		} else if (!memcmp(img + off, "data", 4)) {
			if (fmt < 0) {
				*why = "data before fmt";
				return -EINVAL;
			}
			if (!clen || (!fmt && clen % 2)) {
				*why = "empty or odd data chunk";
				return -EINVAL;
			}
			*data = c;
			*len = clen;
			*alaw = fmt;
			return 0;
		}
		off += 8 + (size_t)clen + (clen & 1); /* chunks are padded to even sizes */
	}
	*why = fmt < 0 ? "no fmt chunk" : "no data chunk";
	return -EINVAL;
}

static int prompt_is_raw(const char *path)
{
	size_t n = strlen(path);

	return (n > 3 && !strcmp(path + n - 3, ".al")) ||
	       (n > 5 && !strcmp(path + n - 5, ".alaw"));
}

/* Drop a slot's samples from the pool (those after it move down). */
static void prompt_remove(int id)
{
	size_t off = prompt_tab[id].off, len = prompt_tab[id].len;
	unsigned int i;

	if (!len)
		return;
	memmove(prompt_pool + off, prompt_pool + off + len, prompt_used - off - len);
	prompt_used -= len;
	for (i = 0; i < PROMPT_SLOTS; i++)
		if (prompt_tab[i].len && prompt_tab[i].off > off)
			prompt_tab[i].off -= len;
	prompt_tab[id].len = 0;
	prompt_tab[id].path[0] = 0;
}

int prompt_load_name(const char *name, const char *path, const char **why)
{
	int id = prompt_slot(name, true);
	uint8_t *stage = prompt_pool + prompt_used;
	size_t room = PROMPT_POOL - prompt_used, got = 0, n, i;
	const uint8_t *data;
	const char *dummy;
	uint32_t size;
	int fh, rc, alaw = 1;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (!prompt_name_ok(name) || !path || !*path || strlen(path) >= PROMPT_PATH_MAX) {
		*why = "bad prompt name or path";
		return -EINVAL;
	}
	if (id < 0) {
		*why = "no free prompt slot";
		return -ENOSPC;
	}
	fh = board_file_open_read(&size, path);
	if (fh < 0) {
		*why = "cannot open the file";
		return fh;
	}
	if (size > room) {
		board_file_close(fh);
		*why = "larger than the prompt pool's free room";
		return -EFBIG;
	}
	while (got < size) {
		rc = board_file_read(fh, stage + got, (unsigned int)(size - got));
		if (rc <= 0)
			break;
		got += (size_t)rc;
	}
	board_file_close(fh);
	if (got != size) {
		*why = "read error";
		return -EIO;
	}
	if (prompt_is_raw(path)) {
		data = stage;
		n = got;
		if (!n) {
			*why = "empty file";
			return -EINVAL;
		}
	} else {
		rc = prompt_wav_parse(stage, got, &data, &n, &alaw, why);
		if (rc < 0)
			return rc;
	}
	/* the samples to the start of the staging room, as A-law (16-bit PCM halves in place) */
	if (alaw) {
		memmove(stage, data, n);
	} else {
		for (i = 0; i < n / 2; i++)
			stage[i] = g711_alaw_enc((int16_t)rd16(data + 2 * i));
		n /= 2;
	}
	prompt_used += n;
	{
		size_t new_off = prompt_used - n;

		if (prompt_tab[id].len) { /* the old one goes; the new one moves down with the rest */
			new_off -= prompt_tab[id].len;
			prompt_remove(id);
		}
		prompt_tab[id].off = new_off;
		prompt_tab[id].len = n;
	}
	memcpy(prompt_tab[id].path, path, strlen(path) + 1);
	memcpy(prompt_tab[id].name, name, strlen(name) + 1);
	LOGP(DRTP, LOGL_NOTICE, "prompt %s: %s, %zu samples (%zu.%zu s)\n", name, path, n,
	     n / 8000, n / 800 % 10);
	return 0;
}

int prompt_load(enum prompt_id id, const char *path, const char **why)
{
	return prompt_load_name(prompt_name(id), path, why);
}

void prompt_unload_name(const char *name)
{
	int id = prompt_slot(name, false);

	if (id >= 0)
		prompt_remove(id);
}

void prompt_unload(enum prompt_id id)
{
	prompt_unload_name(prompt_name(id));
}

const uint8_t *prompt_get_name(const char *name, size_t *len, const char **path)
{
	int id = prompt_slot(name, false);

	if (id < 0 || !prompt_tab[id].len) {
		*len = 0;
		if (path)
			*path = "";
		return NULL;
	}
	*len = prompt_tab[id].len;
	if (path)
		*path = prompt_tab[id].path;
	return prompt_pool + prompt_tab[id].off;
}

const uint8_t *prompt_get(enum prompt_id id, size_t *len, const char **path)
{
	return prompt_get_name(prompt_name(id), len, path);
}

const char *prompt_slot_name(unsigned int idx)
{
	if (idx >= PROMPT_SLOTS)
		return NULL;
	if (idx < PROMPT__NUM)
		return prompt_names[idx];
	return prompt_tab[idx].len ? prompt_tab[idx].name : "";
}

size_t prompt_pool_used(void)
{
	return prompt_used;
}
