/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sine oscillator for the DSP's generators: a 32-bit phase (2^32 = one period) into a
 * quarter-wave table of 257 Q15 values with linear interpolation between them, so a tone's
 * harmonics and noise stay below -90 dB (the A-law coding's own noise is near -38 dB).
 * Integer only: the same on a Cortex-M without FPU as on the sim.
 */
#ifndef HLGW_DSP_OSC_H
#define HLGW_DSP_OSC_H

#include <stdint.h>

/* Phase increment per 8 kHz sample for hz (0 .. 4000). */
static inline uint32_t osc_inc(float hz)
{
	return (uint32_t)(hz * 536870.912f + 0.5f); /* hz * 2^32 / 8000 */
}

/* sin(2 pi ph / 2^32) * 32767. */
int16_t osc_sin(uint32_t ph);

#endif
