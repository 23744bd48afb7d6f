// SPDX-License-Identifier: GPL-2.0-or-later
/* Board and framer doubles for the in-process box benches (box_doubles.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hlgw/board.h>

#include "../../board/sim/sim_poll.h"
#include "box_doubles.h"

struct sim_opts sim_opts; /* bfile_sim.c reads pcap_dir */
uint64_t bench_fake_us = 5000000;
unsigned int bench_log_errors;

uint64_t board_time_us(void)
{
	return bench_fake_us;
}

uint64_t board_utc_ms(void)
{
	return 1795000000000ull + bench_fake_us / 1000u;
}

void board_log_write(const char *buf, int len)
{
	if (strstr(buf, "ERROR") || strstr(buf, "FATAL"))
		bench_log_errors++;
	if (getenv("BENCH_LOG"))
		fprintf(stderr, "log: %.*s", len, buf);
}

int sim_poll_add(int fd, short events, sim_poll_cb cb, void *arg)
{
	return -ENOSYS;
}

int sim_poll_set_events(int fd, short events)
{
	return -ENOSYS;
}

void sim_poll_del(int fd)
{
}

static struct e1_framer_ops shim_ops;

static int shim_nop(const struct e1_framer_dev *dev)
{
	return 0;
}

static int shim_get_alarms(const struct e1_framer_dev *dev, uint32_t *alarms)
{
	*alarms = 0;
	return 0;
}

static int shim_configure(const struct e1_framer_dev *dev, const struct e1_line_cfg *cfg)
{
	return 0;
}

void bench_e1_shim(struct e1_framer_dev *shim, const struct e1_framer_dev *real)
{
	shim_ops = *real->ops;
	shim_ops.start = shim_nop;
	shim_ops.stop = shim_nop;
	shim_ops.get_alarms = shim_get_alarms;
	shim_ops.configure = shim_configure;
	*shim = (struct e1_framer_dev){ .name = "e1shim", .ops = &shim_ops, .cfg = real->cfg,
					.priv = real->priv };
}
