/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The build's lwipopts.h with the UDP checksum left to the MAC (bench_media_tx). */
#include_next <lwipopts.h>
#undef CHECKSUM_GEN_UDP
#define CHECKSUM_GEN_UDP 0
