# SPDX-License-Identifier: GPL-2.0-or-later
# The real command tree (firmware/cli) and store on the sim flash; span/isdn/net are test
# doubles (cli_doubles.c); G.826 figures come from the real monitor; routing tables are the
# real firmware/route.
UNIT_TESTS += cli
cli_SRCS := tests/unit/cli/test_cli.c tests/unit/cli/cli_doubles.c \
	$(wildcard firmware/cli/*.c) $(wildcard firmware/route/*.c) firmware/config/store.c \
	firmware/config/crc32.c firmware/cdr/cdr_store.c firmware/span/g826.c \
	drivers/flash/flash_sim.c firmware/log.c firmware/dsp/cptone.c firmware/dsp/osc.c \
	firmware/dsp/g711.c $(TONEZONE_C) firmware/media/prompt.c
