/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lwIP port: compiler and platform glue, the same on every board (NO_SYS, no OS headers).
 * Assertions and diagnostics go to the DNET log and never abort: an lwIP assertion is logged
 * and counted (net_status.lwip_errors) and lwIP carries on, as the box must keep running.
 */
#ifndef HLGW_LWIP_ARCH_CC_H
#define HLGW_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* The compiler knows the byte order; lwIP's default would silently assume little endian. */
#ifndef BYTE_ORDER
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BYTE_ORDER BIG_ENDIAN
#else
#define BYTE_ORDER LITTLE_ENDIAN
#endif
#endif

/* Byte swaps inline: lwIP's default is a function call on every header field (about 18
 * instructions per RTP packet on the media path). */
#if BYTE_ORDER == LITTLE_ENDIAN
#define lwip_htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#endif

/* Implemented in firmware/net/net_port.c */
void net_port_assert(const char *msg, const char *file, int line);
void net_port_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint32_t net_port_rand(void);

#define LWIP_PLATFORM_ASSERT(x) net_port_assert((x), __FILE__, __LINE__)
#define LWIP_PLATFORM_DIAG(x) do { net_port_diag x; } while (0)
#define LWIP_RAND() net_port_rand()

#endif
