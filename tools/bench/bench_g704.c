// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Microbenchmark of the software E1 framer: ns per 256-octet block for g704_rx_block()
 * (aligned steady state, CRC-4 on and off; and searching on garbage) and g704_tx_chunk().
 * Host tool, not a test. Build and run:
 *   gcc -O2 -Idrivers/include -Idrivers tools/bench/bench_g704.c drivers/e1/g704.c \
 *       -o build/bench_g704 && build/bench_g704 [blocks]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e1/g704.h"

#define NPRE 64 /* precomputed line blocks, cycled */

static uint8_t line[NPRE][E1_CHUNK_OCTETS];
static volatile uint32_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* 64 ms of line: a multiple of the 2 ms multiframe, so cycling it stays aligned. */
static void make_line(bool crc4, bool garbage)
{
	struct g704_tx tx;
	uint32_t seed = 42;

	g704_tx_init(&tx, crc4);
	for (unsigned b = 0; b < NPRE; b++) {
		for (unsigned i = 0; i < E1_CHUNK_OCTETS; i++)
			line[b][i] = (uint8_t)rnd(&seed);
		if (!garbage)
			g704_tx_chunk(&tx, line[b]);
	}
}

static double bench_rx(bool crc4, bool garbage, unsigned n, uint32_t *alarms)
{
	struct g704_rx rx;
	uint8_t out[E1_CHUNK_OCTETS];
	double t0;

	make_line(crc4, garbage);
	g704_rx_init(&rx, crc4);
	for (unsigned i = 0; i < 2 * NPRE; i++) /* align, warm up */
		g704_rx_block(&rx, line[i % NPRE], out);
	t0 = now_ns();
	for (unsigned i = 0; i < n; i++)
		*alarms |= g704_rx_block(&rx, line[i % NPRE], out);
	sink += out[0];
	return (now_ns() - t0) / n;
}

static double bench_tx(bool crc4, unsigned n)
{
	struct g704_tx tx;
	uint8_t chunk[E1_CHUNK_OCTETS];
	double t0;

	memset(chunk, 0x55, sizeof(chunk));
	g704_tx_init(&tx, crc4);
	t0 = now_ns();
	for (unsigned i = 0; i < n; i++)
		g704_tx_chunk(&tx, chunk);
	sink += chunk[0];
	return (now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 2000000;
	uint32_t a;
	double t;

	a = 0;
	t = bench_rx(false, false, n, &a);
	printf("rx aligned, CRC-4 off: %6.1f ns/block (alarms seen 0x%x)\n", t, a);
	a = 0;
	t = bench_rx(true, false, n, &a);
	printf("rx aligned, CRC-4 on:  %6.1f ns/block (alarms seen 0x%x)\n", t, a);
	a = 0;
	t = bench_rx(true, true, n / 4, &a);
	printf("rx searching garbage:  %6.1f ns/block (alarms seen 0x%x)\n", t, a);
	printf("tx chunk, CRC-4 off:   %6.1f ns/block\n", bench_tx(false, n));
	printf("tx chunk, CRC-4 on:    %6.1f ns/block\n", bench_tx(true, n));
	return 0;
}
