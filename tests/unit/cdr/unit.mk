# SPDX-License-Identifier: GPL-2.0-or-later
# firmware/cdr's store on the sim flash: restarts, acknowledgements, full area, power cuts.
UNIT_TESTS += cdr
cdr_SRCS := tests/unit/cdr/test_cdr.c firmware/cdr/cdr_store.c firmware/config/crc32.c \
	drivers/flash/flash_sim.c firmware/log.c
