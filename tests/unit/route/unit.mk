# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/route (tables, parser, flash copy, selection) on a fake clock and the RAM sim flash.
UNIT_TESTS += route
route_SRCS := tests/unit/route/test_route.c $(wildcard firmware/route/*.c) \
	firmware/config/crc32.c drivers/flash/flash_sim.c firmware/log.c
