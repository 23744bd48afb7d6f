# SPDX-License-Identifier: GPL-2.0-or-later
# hlgw: out-of-tree builds in build/<board>/.  `make` builds BOARD=sim.
#   make deps            install build/test dependencies (Debian 12, root), fetch lwIP source
#   make sim_defconfig   (re)create build/sim/.config from board/sim/defconfig
#   make menuconfig      edit build/$(BOARD)/.config;  make savedefconfig: write it back
#   make test            unit + integration tests;  make demo: the sim appliance end to end
BOARD ?= sim
O := build/$(BOARD)
PY := /usr/bin/python3
KCONFIG_ENV = KCONFIG_CONFIG=$(O)/.config srctree=$(CURDIR)
# the .config's origin; a bench may build a variant in its own O= from another one
DEFCONFIG ?= board/$(BOARD)/defconfig
LWIP_DIR := build/src/lwip-2.1.3+dfsg1
V ?= 0
ifeq ($(V),0)
Q := @
endif

ifeq ($(wildcard board/$(BOARD)/defconfig),)
$(error no board '$(BOARD)': boards are the folders under board/)
endif
# board/mps2-an500 has its defconfig only: its start-up code, linker script and the
# cross-built libraries (libosmocore --enable-embedded, libpri, newlib) are still to come.
ifeq ($(wildcard board/$(BOARD)/*.c),)
ifeq ($(filter %_defconfig menuconfig savedefconfig config defconfig-apply deps clean distclean,$(MAKECMDGOALS)),)
$(error board '$(BOARD)' has no firmware port yet: only its Kconfig defaults exist)
endif
endif
CC := gcc
WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP -fno-strict-aliasing
CPPFLAGS := -I$(O)/include -Ifirmware/include -Ifirmware -Idrivers/include -Idrivers \
	-Ifirmware/net/port -I$(LWIP_DIR)/src/include
PKGS := libosmocore libosmovty libosip2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# -z now: symbols bound at load, as in a statically linked firmware image; lazy binding would
# put ~120,000 instructions of dynamic linker work into the first call's SETUP -> INVITE.
LIBS = $(PKG_LIBS) -lpri -lm -Wl,-z,relro,-z,now

.PHONY: all deps test unit integration demo bench clean distclean menuconfig savedefconfig \
	config defconfig-apply
all: $(O)/hlgw $(O)/pstn-sim

# ---- configuration ------------------------------------------------------------------------
$(O)/.config: $(DEFCONFIG) Kconfig
	$(Q)mkdir -p $(O)
	$(Q)$(KCONFIG_ENV) $(PY) /usr/lib/python3/dist-packages/defconfig.py --kconfig Kconfig $< >/dev/null
# make <board>_defconfig: start build/<board>/.config afresh from board/<board>/defconfig
%_defconfig: board/%/defconfig
	$(Q)$(MAKE) --no-print-directory BOARD=$* defconfig-apply
defconfig-apply:
	$(Q)rm -f $(O)/.config
	$(Q)$(MAKE) --no-print-directory $(O)/.config
	@echo "  CONFIG $(O)/.config from board/$(BOARD)/defconfig"
menuconfig: $(O)/.config
	$(KCONFIG_ENV) $(PY) /usr/lib/python3/dist-packages/menuconfig.py Kconfig
savedefconfig: $(O)/.config
	$(KCONFIG_ENV) $(PY) /usr/lib/python3/dist-packages/savedefconfig.py --kconfig Kconfig \
		--out board/$(BOARD)/defconfig
# one run writes both (grouped target: parallel make must not run it twice at once)
$(O)/include/autoconf.h $(O)/include/lwipopts.h &: $(O)/.config scripts/genconfig.py Kconfig
	$(Q)$(PY) scripts/genconfig.py Kconfig $(O)/.config $(O)/include
	$(Q)touch $(O)/include/autoconf.h $(O)/include/lwipopts.h
config: $(O)/include/autoconf.h

# ---- sources ------------------------------------------------------------------------------
LWIP_SRCS := $(wildcard $(LWIP_DIR)/src/core/*.c $(LWIP_DIR)/src/core/ipv4/*.c) \
	$(LWIP_DIR)/src/netif/ethernet.c
FW_SRCS := $(wildcard firmware/*.c firmware/*/*.c firmware/*/*/*.c)
ifeq ($(BOARD),sim)
DRV_SRCS := $(wildcard drivers/*/*.c)
else
DRV_SRCS := $(filter-out %_sim.c,$(wildcard drivers/*/*.c))
endif
BOARD_SRCS := $(wildcard board/$(BOARD)/*.c)
# the countries' call-progress tones, generated from DAHDI's libtonezone (firmware/dsp/cptone.h)
TONEZONE_C := $(O)/gen/tonezone_data.c
HLGW_SRCS := $(FW_SRCS) $(TONEZONE_C) $(DRV_SRCS) $(BOARD_SRCS) $(LWIP_SRCS)
# pstn-sim: the telco side, on the same framer and D-channel code as the box
PSTN_SRCS := $(wildcard tools/pstn-sim/*.c) drivers/e1/g704.c $(wildcard firmware/isdn/dchan*.c) \
	tools/bench/ecan/g168_models.c \
	firmware/dsp/dtmf.c firmware/dsp/g711.c

obj = $(patsubst %.c,$(O)/obj/%.o,$(patsubst $(LWIP_DIR)/%,lwip/%,$(1)))
HLGW_OBJS := $(call obj,$(HLGW_SRCS))
PSTN_OBJS := $(call obj,$(PSTN_SRCS))

$(O)/obj/lwip/%.o: $(LWIP_DIR)/%.c $(O)/include/autoconf.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) -std=gnu11 -O2 -g -w -MMD -MP -c $< -o $@
$(O)/obj/%.o: %.c $(O)/include/autoconf.h
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

$(O)/tools/gen_tonezone: tools/tonezone/gen_tonezone.c firmware/dsp/cptone.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC $<"
	$(Q)$(CC) -Ifirmware $(CFLAGS) -o $@ $< -ltonezone
$(TONEZONE_C): $(O)/tools/gen_tonezone
	@mkdir -p $(dir $@)
	@echo "  GEN $@"
	$(Q)$< $@

$(O)/hlgw: $(HLGW_OBJS)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ $(LIBS)
$(O)/pstn-sim: $(PSTN_OBJS)
	@echo "  LD $@"
	$(Q)$(CC) -o $@ $^ $(LIBS)

# $(LWIP_DIR) is fetched by make deps; say so instead of a cryptic missing-file error
$(LWIP_DIR)/src/core/init.c:
	@echo "lwIP source missing: run 'make deps' (as root) first" >&2; exit 1

# ---- tests --------------------------------------------------------------------------------
# Each tests/unit/<name>/unit.mk adds <name> to UNIT_TESTS and sets <name>_SRCS (real modules
# linked against sim drivers and a fake clock).
UNIT_TESTS :=
include $(wildcard tests/unit/*/unit.mk)
UNIT_BINS := $(addprefix $(O)/tests/,$(UNIT_TESTS))
define unit_rule
$(O)/tests/$(1): $(call obj,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  LD $$@"
	$(Q)$(CC) -o $$@ $$^ $(LIBS) -lcmocka $($(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

deps:
	$(Q)scripts/deps.sh

# Benchmarks print figures beside their anchors; they are not timed tests.
BENCH_BINS := $(O)/bench/bench_g704
include tools/bench/bench.mk
include tools/bench/ecan.mk
include tools/bench/net_rx.mk
include tools/bench/setup.mk
include tools/bench/capacity.mk
include tools/bench/dtmf.mk
include tools/bench/route.mk
BENCH_BINS += $(O)/bench/bench_jbuf
$(O)/bench/bench_jbuf: $(call obj,tools/bench/bench_jbuf.c tools/bench/cg_run.c firmware/media/jbuf.c \
		firmware/dsp/g711.c firmware/media/rtp_rx.c firmware/media/rtcp.c $(LWIP_SRCS))
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^
$(O)/bench/bench_g704: $(call obj,tools/bench/bench_g704.c drivers/e1/g704.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^
bench: $(BENCH_BINS)
	@echo "software E1 framer, ns per 1 ms block (anchor: 1 ms per block per span at 8 spans"
	@echo "leaves 125,000 ns; a framer chip does this in hardware):"
	$(Q)$(O)/bench/bench_g704
	@echo
	$(Q)tools/bench/media_tx.sh $(O)
	@echo
	@echo "advisor->caller RX: RTP checks + jitter buffer, instructions per 20 ms packet by"
	@echo "callgrind (anchor: <= 1,200 per packet including the jitter buffer):"
	$(Q)$(O)/bench/bench_jbuf
	@echo
	$(Q)$(O)/bench/bench_setup
	@echo
	$(Q)$(MAKE) --no-print-directory bench-capacity
	@echo
	$(Q)$(O)/bench/bench_dtmf

unit: $(UNIT_BINS)
	$(Q)scripts/run-tests.sh unit $(O) $(UNIT_TESTS)
integration: all
	$(Q)scripts/run-tests.sh integration $(O)
test: deps
	$(Q)$(MAKE) --no-print-directory -j$$(nproc) all $(UNIT_BINS)
	$(Q)scripts/run-tests.sh all $(O) $(UNIT_TESTS)
demo: deps
	$(Q)$(MAKE) --no-print-directory -j$$(nproc) all
	$(Q)scripts/demo.sh $(O)

clean:
	rm -rf $(O)
distclean:
	rm -rf build

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
