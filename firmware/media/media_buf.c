// SPDX-License-Identifier: GPL-2.0-or-later
/* Media packet buffers: the static pool (media_buf.h). */
#include <stddef.h>

#include "media_buf.h"

/* lwIP's header-room check compares the new header start with the pbuf struct's end: the
 * struct must come before the memory, with no more than alignment padding in between. */
_Static_assert(offsetof(struct media_buf, pc) == 0, "pbuf_custom first");
_Static_assert(offsetof(struct media_buf, mem) - sizeof(struct pbuf_custom) < 8,
	       "pbuf_custom right before mem");
_Static_assert(MEDIA_BUF_PAYLOAD_OFF % 8 == 0, "samples 8-aligned for the TDM stores");

static struct media_buf media_bufs[MEDIA_BUF_COUNT];
static struct media_buf *media_buf_free_list;
static unsigned int media_buf_nfree;
static bool media_buf_ready;

static void media_buf_init(void)
{
	unsigned int i;

	for (i = MEDIA_BUF_COUNT; i-- > 0;) {
		media_bufs[i].next = media_buf_free_list;
		media_buf_free_list = &media_bufs[i];
	}
	media_buf_nfree = MEDIA_BUF_COUNT;
	media_buf_ready = true;
}

struct media_buf *media_buf_get(void)
{
	struct media_buf *mb;

	if (!media_buf_ready)
		media_buf_init();
	mb = media_buf_free_list;
	if (!mb)
		return NULL;
	media_buf_free_list = mb->next;
	media_buf_nfree--;
	mb->next = NULL;
	mb->owner = NULL;
	mb->held = false;
	return mb;
}

void media_buf_put(struct media_buf *mb)
{
	if (!mb || mb->held)
		return;
	mb->owner = NULL;
	mb->next = media_buf_free_list;
	media_buf_free_list = mb;
	media_buf_nfree++;
}

unsigned int media_buf_available(void)
{
	return media_buf_ready ? media_buf_nfree : MEDIA_BUF_COUNT;
}
