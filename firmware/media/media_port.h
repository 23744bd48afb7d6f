/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Local RTP port pairs for media channels (the range: media_port_set_range in hlgw/media.h). */
#ifndef HLGW_MEDIA_PORT_H
#define HLGW_MEDIA_PORT_H

#include <stdint.h>

/* Take the next free even port after the one handed out last (next fit: a port just freed is
 * not reused at once, so late packets of the last call do not reach the next one).
 * Returns 0 or -ENOSPC. */
int media_port_alloc(uint16_t *port);
/* Give a pair back (ports outside the range are ignored). */
void media_port_free(uint16_t port);
/* Pairs taken. */
unsigned int media_port_in_use(void);

#endif
