/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NOR-flash-like device class: erase sets a sector to 0xff, program only clears bits. */
#ifndef DRV_FLASH_H
#define DRV_FLASH_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

struct flash_dev;

struct flash_ops {
	int (*read)(const struct flash_dev *dev, uint32_t off, void *buf, size_t len);
	int (*program)(const struct flash_dev *dev, uint32_t off, const void *buf, size_t len);
	int (*erase)(const struct flash_dev *dev, uint32_t off, size_t len);
	int (*get_geometry)(const struct flash_dev *dev, uint32_t *size, uint32_t *sector);
};

struct flash_dev {
	const char *name;
	const struct flash_ops *ops;
	const void *cfg;
	void *priv;
};

static inline int flash_read(const struct flash_dev *d, uint32_t off, void *buf, size_t len)
{
	return d->ops->read ? d->ops->read(d, off, buf, len) : -ENOTSUP;
}
static inline int flash_program(const struct flash_dev *d, uint32_t off, const void *buf,
				size_t len)
{
	return d->ops->program ? d->ops->program(d, off, buf, len) : -ENOTSUP;
}
static inline int flash_erase(const struct flash_dev *d, uint32_t off, size_t len)
{
	return d->ops->erase ? d->ops->erase(d, off, len) : -ENOTSUP;
}
static inline int flash_get_geometry(const struct flash_dev *d, uint32_t *size, uint32_t *sector)
{
	return d->ops->get_geometry ? d->ops->get_geometry(d, size, sector) : -ENOTSUP;
}

#endif
