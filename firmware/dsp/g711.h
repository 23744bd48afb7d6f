/* SPDX-License-Identifier: GPL-2.0-or-later */
/* G.711 A-law <-> linear on the 16-bit scale (0 dBm0 = a sine of peak 22,803), for the DSP. */
#ifndef HLGW_DSP_G711_H
#define HLGW_DSP_G711_H

#include <stdint.h>

#define G711_ALAW_SILENCE 0xd5
#define G711_DBM0_PEAK 22803.0f /* peak of a 0 dBm0 sine: full scale is +3.14 dBm0 */

int16_t g711_alaw_dec(uint8_t a);
uint8_t g711_alaw_enc(int lin);

#endif
