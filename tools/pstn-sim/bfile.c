// SPDX-License-Identifier: GPL-2.0-or-later
/* The board file hook (hlgw/bfile.h) for pstn-sim: plain stdio. */
#include <errno.h>
#include <stdio.h>

#include <hlgw/bfile.h>

#define PSIM_FILES 8

static FILE *psim_files[PSIM_FILES];

int board_file_open_append(uint32_t *size, const char *path)
{
	long pos;
	int i;

	for (i = 0; i < PSIM_FILES && psim_files[i]; i++)
		;
	if (i == PSIM_FILES)
		return -EMFILE;
	psim_files[i] = fopen(path, "ab");
	if (!psim_files[i])
		return -errno;
	fseek(psim_files[i], 0, SEEK_END);
	pos = ftell(psim_files[i]);
	*size = pos > 0 ? (uint32_t)pos : 0;
	return i;
}

int board_file_write(int fh, const void *buf, unsigned int len)
{
	if (fh < 0 || fh >= PSIM_FILES || !psim_files[fh])
		return -EBADF;
	if (fwrite(buf, 1, len, psim_files[fh]) != len)
		return -EIO;
	fflush(psim_files[fh]); /* a test may read the capture while we run */
	return (int)len;
}

int board_file_close(int fh)
{
	int rc;

	if (fh < 0 || fh >= PSIM_FILES || !psim_files[fh])
		return -EBADF;
	rc = fclose(psim_files[fh]);
	psim_files[fh] = NULL;
	return rc ? -EIO : 0;
}
