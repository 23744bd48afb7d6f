/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files for captures and dumps (the D-channel pcap) and files to read (routing tables): the board writes them where it can
 * (the sim: the host file system; a target: a RAM disk, semihosting, or not at all). The
 * firmware never calls fopen/write itself. Handles are small integers >= 0.
 */
#ifndef HLGW_BFILE_H
#define HLGW_BFILE_H

#include <stdint.h>

/* Open path for appending (created when missing); *size gets its current length.
 * Returns a handle >= 0, or -errno (-ENOTSUP on a board without files). */
int board_file_open_append(uint32_t *size, const char *path);
/* Write len octets; returns len or -errno. */
int board_file_write(int fh, const void *buf, unsigned int len);
/* Open path for reading; *size gets its length. Returns a handle >= 0 or -errno. */
int board_file_open_read(uint32_t *size, const char *path);
/* Read up to len octets; returns how many (0 at the end) or -errno. */
int board_file_read(int fh, void *buf, unsigned int len);
/* Close; returns 0 or -errno. */
int board_file_close(int fh);

#endif
