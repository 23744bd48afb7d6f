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

static const char *const prompt_names[PROMPT__NUM] = {
	[PROMPT_RATING] = "rating", [PROMPT_SOLVED] = "solved", [PROMPT_THANKS] = "thanks",
};

/* prompts lie in the pool one after the other in load order; off/len per id, len 0: none */
static uint8_t prompt_pool[PROMPT_POOL];
static size_t prompt_used;
static struct {
	size_t off, len;
	char path[PROMPT_PATH_MAX];
} prompt_tab[PROMPT__NUM];

const char *prompt_name(enum prompt_id id)
{
	return (unsigned int)id < PROMPT__NUM ? prompt_names[id] : "?";
}

int prompt_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < PROMPT__NUM; i++)
		if (!strcmp(name, prompt_names[i]))
			return (int)i;
	return -1;
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

/* Drop id's samples from the pool (those after it move down). */
static void prompt_remove(enum prompt_id id)
{
	size_t off = prompt_tab[id].off, len = prompt_tab[id].len;
	unsigned int i;

	if (!len)
		return;
	memmove(prompt_pool + off, prompt_pool + off + len, prompt_used - off - len);
	prompt_used -= len;
	for (i = 0; i < PROMPT__NUM; i++)
		if (prompt_tab[i].len && prompt_tab[i].off > off)
			prompt_tab[i].off -= len;
	prompt_tab[id].len = 0;
	prompt_tab[id].path[0] = 0;
}

int prompt_load(enum prompt_id id, const char *path, const char **why)
{
	uint8_t *stage = prompt_pool + prompt_used;
	size_t room = PROMPT_POOL - prompt_used, got = 0, n, i;
	const uint8_t *data;
	const char *dummy;
	uint32_t size;
	int fh, rc, alaw = 1;

	if (!why)
		why = &dummy;
	*why = NULL;
	if ((unsigned int)id >= PROMPT__NUM || !path || !*path || strlen(path) >= PROMPT_PATH_MAX) {
		*why = "bad prompt or path";
		return -EINVAL;
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
	LOGP(DRTP, LOGL_NOTICE, "prompt %s: %s, %zu samples (%zu.%zu s)\n", prompt_names[id], path,
	     n, n / 8000, n / 800 % 10);
	return 0;
}

void prompt_unload(enum prompt_id id)
{
	if ((unsigned int)id < PROMPT__NUM)
		prompt_remove(id);
}

const uint8_t *prompt_get(enum prompt_id id, size_t *len, const char **path)
{
	if ((unsigned int)id >= PROMPT__NUM || !prompt_tab[id].len) {
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

size_t prompt_pool_used(void)
{
	return prompt_used;
}
