# SPDX-License-Identifier: GPL-2.0-or-later
UNIT_TESTS += store
store_SRCS := tests/unit/store/test_store.c firmware/config/store.c firmware/config/crc32.c drivers/flash/flash_sim.c \
	firmware/log.c
