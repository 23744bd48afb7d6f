// SPDX-License-Identifier: GPL-2.0-or-later
/* Board files on the sim: host files, relative paths under --pcap-dir. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hlgw/bfile.h>

#include "sim_poll.h"

/* Open path (relative: under --pcap-dir) with flags; *size gets its length. A file to read
 * must be a regular file. Returns the fd or -errno. */
static int bfile_open(uint32_t *size, const char *path, int flags)
{
	char full[PATH_MAX];
	struct stat st;
	int fd, rc;

	if (!size || !path || !*path)
		return -EINVAL;
	if (path[0] != '/' && sim_opts.pcap_dir && *sim_opts.pcap_dir) {
		if (snprintf(full, sizeof(full), "%s/%s", sim_opts.pcap_dir, path) >=
		    (int)sizeof(full))
			return -ENAMETOOLONG;
		path = full;
	}
	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto err_close;
	}
	if ((flags & O_ACCMODE) == O_RDONLY && !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto err_close;
	}
	*size = st.st_size > UINT32_MAX ? UINT32_MAX : (uint32_t)st.st_size;
	return fd;

err_close:
	close(fd);
	return rc;
}

int board_file_open_append(uint32_t *size, const char *path)
{
	return bfile_open(size, path, O_WRONLY | O_CREAT | O_APPEND);
}

int board_file_open_read(uint32_t *size, const char *path)
{
	return bfile_open(size, path, O_RDONLY);
}

int board_file_read(int fh, void *buf, unsigned int len)
{
	for (;;) {
		ssize_t rc = read(fh, buf, len);

		if (rc >= 0)
			return (int)rc;
		if (errno != EINTR)
			return -errno;
	}
}

int board_file_write(int fh, const void *buf, unsigned int len)
{
	const char *p = buf;
	unsigned int done = 0;

	while (done < len) {
		ssize_t rc = write(fh, p + done, len - done);

		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (unsigned int)rc;
	}
	return (int)len;
}

int board_file_close(int fh)
{
	return close(fh) < 0 ? -errno : 0;
}
