// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The main loop (design.md section 4): one thread, the same on every board. The board sleeps
 * until a device has work or the nearest timer is due; device callbacks run inside
 * board_wait(); then the timers of libosmocore, lwIP and libpri run.
 */
#include <errno.h>

#include <osmocom/core/timer.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/main.h>
#include <hlgw/subsys.h>

const char hlgw_version[] = "hlgw 0.1 (" __DATE__ ")";

/* Milliseconds until the nearest libosmocore timer, or max_ms when none is nearer. */
static uint32_t osmo_timers_next_ms(uint32_t max_ms)
{
	struct timeval *tv;
	uint64_t ms;

	osmo_timers_prepare();
	tv = osmo_timers_nearest();
	if (!tv)
		return max_ms;
	ms = (uint64_t)tv->tv_sec * 1000u + (tv->tv_usec + 999) / 1000;
	return ms < max_ms ? (uint32_t)ms : max_ms;
}

int hlgw_main(struct board *b)
{
	const struct hlgw_subsys *const *s;
	int rc;

	rc = hlgw_log_init();
	if (rc < 0)
		return rc;
	LOGP(DMAIN, LOGL_NOTICE, "%s on board %s\n", hlgw_version, b->name);

	for (s = hlgw_subsystems; *s; s++) {
		if (!(*s)->init)
			continue;
		rc = (*s)->init(b);
		if (rc < 0) {
			LOGP(DMAIN, LOGL_FATAL, "%s: init failed (%d)\n", (*s)->name, rc);
			return rc;
		}
	}
	for (s = hlgw_subsystems; *s; s++) {
		if ((*s)->start && (rc = (*s)->start()) < 0) {
			LOGP(DMAIN, LOGL_FATAL, "%s: start failed (%d)\n", (*s)->name, rc);
			return rc;
		}
	}

	while (!board_stop_requested()) {
		uint32_t timeout = osmo_timers_next_ms(1000);

		for (s = hlgw_subsystems; *s; s++)
			if ((*s)->next_timeout_ms)
				hlgw_timeout_min(&timeout, (*s)->next_timeout_ms());
		board_wait(timeout);
		osmo_timers_prepare();
		osmo_timers_update();
		for (s = hlgw_subsystems; *s; s++)
			if ((*s)->work)
				(*s)->work();
	}

	LOGP(DMAIN, LOGL_NOTICE, "stopping\n");
	for (s = hlgw_subsystems; *s; s++)
		if ((*s)->stop)
			(*s)->stop();
	return 0;
}
