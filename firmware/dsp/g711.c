// SPDX-License-Identifier: GPL-2.0-or-later
/* G.711 A-law (segment + 4-bit mantissa, even bits inverted) to and from 16-bit linear. */
#include "g711.h"

int16_t g711_alaw_dec(uint8_t a)
{
	int seg, v;

	a ^= 0x55;
	seg = (a >> 4) & 7;
	v = (a & 0x0f) << 4 | 8; /* the middle of the step */
	if (seg)
		v = (v + 0x100) << (seg - 1);
	return (int16_t)(a & 0x80 ? v : -v);
}

uint8_t g711_alaw_enc(int lin)
{
	uint8_t sign = 0x80;
	int seg, mag;

	if (lin < 0) {
		sign = 0;
		lin = -lin - 1;
	}
	mag = (lin > 32767 ? 32767 : lin) >> 3; /* 13-bit magnitude, 0..4095 */
	for (seg = 0; seg < 7 && mag >= 32 << seg; seg++)
		;
	/* segment 0 steps by 2; segment s >= 1 by 2^s, its top bit implied */
	return (uint8_t)((sign | seg << 4 | ((mag >> (seg ? seg : 1)) & 0x0f)) ^ 0x55);
}
