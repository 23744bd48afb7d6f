// SPDX-License-Identifier: GPL-2.0-or-later
/* lwIP port (NO_SYS): time from the board, assertions and diagnostics into the DNET log. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hlgw/board.h>
#include <hlgw/log.h>

#include "lwip/opt.h"
#include "lwip/sys.h"

#include "net_int.h"

uint32_t net_port_errors;

u32_t sys_now(void)
{
	return board_time_ms();
}

/*
 * lwIP's LWIP_ASSERT and LWIP_ERROR end up here. The default port aborts; the box must not,
 * so log and let lwIP go on (LWIP_ERROR then takes its error path, LWIP_ASSERT continues).
 */
void net_port_assert(const char *msg, const char *file, int line)
{
	const char *base = strrchr(file, '/');

	net_port_errors++;
	LOGP(DNET, LOGL_ERROR, "lwIP assertion \"%s\" failed at %s:%d\n", msg,
	     base ? base + 1 : file, line);
}

/*
 * lwIP debug output (LWIP_DEBUG builds only) comes in pieces without a line end each time:
 * collect until '\n' so that each log line carries one message.
 */
void net_port_diag(const char *fmt, ...)
{
	static char line[256];
	static size_t used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line + used, sizeof(line) - used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	used += (size_t)n < sizeof(line) - used ? (size_t)n : sizeof(line) - 1 - used;
	if (used && (line[used - 1] == '\n' || used == sizeof(line) - 1)) {
		LOGP(DNET, LOGL_DEBUG, "lwip: %s%s", line, line[used - 1] == '\n' ? "" : "\n");
		used = 0;
		line[0] = '\0';
	}
}

/* xorshift32 for lwIP's random local ports; seeded from the clock at first use. */
uint32_t net_port_rand(void)
{
	static uint32_t s;

	if (!s)
		s = (uint32_t)board_time_us() * 2654435761u | 1u;
	s ^= s << 13;
	s ^= s >> 17;
	s ^= s << 5;
	return s;
}
