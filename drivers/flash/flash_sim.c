// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sim flash: NOR semantics over a RAM image, mirrored to a file when one is given so that the
 * config survives a restart. Every program/erase writes the changed range through to the file
 * before returning, so a power cut (_exit) leaves exactly what a real chip would hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flash_sim.h"

struct flash_sim {
	uint8_t *mem;
	int fd; /* -1: RAM only */
	unsigned int programs;
	int exit_at; /* power cut (exit) at this program call, 0: none */
	unsigned int cut_call; /* backdoor: -EIO cut at this program call (absolute), 0: none */
	size_t cut_bytes;
};

static int flash_sim_sync(const struct flash_sim *fs, uint32_t off, size_t len)
{
	size_t done = 0;

	if (fs->fd < 0)
		return 0;
	while (done < len) {
		ssize_t n = pwrite(fs->fd, fs->mem + off + done, len - done, off + done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	return 0;
}

static bool flash_sim_range_ok(uint32_t off, size_t len)
{
	return off <= FLASH_SIM_SIZE && len <= FLASH_SIM_SIZE - off;
}

static int flash_sim_read(const struct flash_dev *dev, uint32_t off, void *buf, size_t len)
{
	const struct flash_sim *fs = dev->priv;

	if (!flash_sim_range_ok(off, len))
		return -EINVAL;
	memcpy(buf, fs->mem + off, len);
	return 0;
}

/* NOR programming: bits only go from 1 to 0. */
static void flash_sim_and(struct flash_sim *fs, uint32_t off, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fs->mem[off + i] &= data[i];
}

static int flash_sim_program(const struct flash_dev *dev, uint32_t off, const void *buf,
			     size_t len)
{
	struct flash_sim *fs = dev->priv;
	unsigned int call;
	int rc;

	if (!flash_sim_range_ok(off, len))
		return -EINVAL;
	call = ++fs->programs;
	if (fs->exit_at && call == (unsigned int)fs->exit_at) {
		flash_sim_and(fs, off, buf, len / 2);
		flash_sim_sync(fs, off, len / 2);
		_exit(3); /* power cut: no atexit handlers, no flushing */
	}
	if (fs->cut_call && call == fs->cut_call) {
		size_t n = fs->cut_bytes < len ? fs->cut_bytes : len;

		fs->cut_call = 0;
		flash_sim_and(fs, off, buf, n);
		flash_sim_sync(fs, off, n);
		return -EIO;
	}
	flash_sim_and(fs, off, buf, len);
	rc = flash_sim_sync(fs, off, len);
	return rc;
}

static int flash_sim_erase(const struct flash_dev *dev, uint32_t off, size_t len)
{
	struct flash_sim *fs = dev->priv;

	if (!flash_sim_range_ok(off, len) || off % FLASH_SIM_SECTOR || len % FLASH_SIM_SECTOR)
		return -EINVAL;
	memset(fs->mem + off, 0xff, len);
	return flash_sim_sync(fs, off, len);
}

static int flash_sim_get_geometry(const struct flash_dev *dev, uint32_t *size, uint32_t *sector)
{
	*size = FLASH_SIM_SIZE;
	*sector = FLASH_SIM_SECTOR;
	return 0;
}

static const struct flash_ops flash_sim_ops = {
	.read = flash_sim_read,
	.program = flash_sim_program,
	.erase = flash_sim_erase,
	.get_geometry = flash_sim_get_geometry,
};

/* Load the image; a missing or short file is extended with erased (0xff) octets. */
static int flash_sim_open(struct flash_sim *fs, const char *path)
{
	size_t have = 0;
	int rc;

	fs->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fs->fd < 0)
		return -errno;
	while (have < FLASH_SIM_SIZE) {
		ssize_t n = pread(fs->fd, fs->mem + have, FLASH_SIM_SIZE - have, have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto err_close;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if (have < FLASH_SIM_SIZE) {
		rc = flash_sim_sync(fs, have, FLASH_SIM_SIZE - have);
		if (rc < 0)
			goto err_close;
	}
	return 0;

err_close:
	close(fs->fd);
	fs->fd = -1;
	return rc;
}

int flash_sim_init(struct flash_dev *dev, const char *path, int cut_at)
{
	struct flash_sim *fs;
	int rc;

	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->mem = malloc(FLASH_SIM_SIZE);
	if (!fs->mem) {
		rc = -ENOMEM;
		goto err_free;
	}
	memset(fs->mem, 0xff, FLASH_SIM_SIZE);
	fs->fd = -1;
	fs->exit_at = cut_at < 0 ? 0 : (cut_at == 0 ? 1 : cut_at);
	if (path) {
		rc = flash_sim_open(fs, path);
		if (rc < 0)
			goto err_free_mem;
	}
	dev->name = "flash0";
	dev->ops = &flash_sim_ops;
	dev->cfg = NULL;
	dev->priv = fs;
	return 0;

err_free_mem:
	free(fs->mem);
err_free:
	free(fs);
	return rc;
}

void flash_sim_exit(struct flash_dev *dev)
{
	struct flash_sim *fs = dev->priv;

	if (!fs)
		return;
	if (fs->fd >= 0)
		close(fs->fd);
	free(fs->mem);
	free(fs);
	dev->priv = NULL;
}

void flash_sim_set_cut(struct flash_dev *dev, unsigned int call, size_t bytes)
{
	struct flash_sim *fs = dev->priv;

	fs->cut_call = call ? fs->programs + call : 0;
	fs->cut_bytes = bytes;
}

unsigned int flash_sim_program_count(const struct flash_dev *dev)
{
	const struct flash_sim *fs = dev->priv;

	return fs->programs;
}

uint8_t *flash_sim_image(struct flash_dev *dev)
{
	struct flash_sim *fs = dev->priv;

	return fs->mem;
}
