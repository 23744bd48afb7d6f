/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The build's lwipopts.h with the UDP checksum computed in software (bench_media_tx). */
#include_next <lwipopts.h>
#undef CHECKSUM_GEN_UDP
#define CHECKSUM_GEN_UDP 1
