// SPDX-License-Identifier: GPL-2.0-or-later
/* The sim board's hooks: host monotonic clock, poll() over the sim drivers' descriptors. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hlgw/board.h>

#include "sim_poll.h"

#define SIM_POLL_MAX 64

struct sim_watch {
	sim_poll_cb cb;
	void *arg;
};

static struct pollfd sim_pfd[SIM_POLL_MAX];
static struct sim_watch sim_watch[SIM_POLL_MAX];
static unsigned int sim_nfd;
static volatile sig_atomic_t sim_stop;

uint64_t board_time_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t board_utc_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int sim_poll_add(int fd, short events, sim_poll_cb cb, void *arg)
{
	unsigned int i;

	for (i = 0; i < sim_nfd; i++)
		if (sim_pfd[i].fd == fd)
			return -EEXIST;
	if (sim_nfd == SIM_POLL_MAX)
		return -ENOSPC;
	sim_pfd[sim_nfd] = (struct pollfd){ .fd = fd, .events = events };
	sim_watch[sim_nfd] = (struct sim_watch){ .cb = cb, .arg = arg };
	sim_nfd++;
	return 0;
}

int sim_poll_set_events(int fd, short events)
{
	unsigned int i;

	for (i = 0; i < sim_nfd; i++) {
		if (sim_pfd[i].fd == fd) {
			sim_pfd[i].events = events;
			return 0;
		}
	}
	return -ENOENT;
}

void sim_poll_del(int fd)
{
	unsigned int i;

	for (i = 0; i < sim_nfd; i++) {
		if (sim_pfd[i].fd != fd)
			continue;
		sim_nfd--;
		sim_pfd[i] = sim_pfd[sim_nfd];
		sim_watch[i] = sim_watch[sim_nfd];
		/* keep a just-deleted slot from being dispatched in this round */
		sim_pfd[sim_nfd].revents = 0;
		return;
	}
}

void board_wait(uint32_t timeout_ms)
{
	struct pollfd ready[SIM_POLL_MAX];
	struct sim_watch watch[SIM_POLL_MAX];
	unsigned int i, n;
	int rc;

	rc = poll(sim_pfd, sim_nfd, (int)timeout_ms);
	if (rc <= 0)
		return;
	/* callbacks may add or delete watches: dispatch from a snapshot, re-checking each fd */
	n = sim_nfd;
	memcpy(ready, sim_pfd, n * sizeof(ready[0]));
	memcpy(watch, sim_watch, n * sizeof(watch[0]));
	for (i = 0; i < n; i++) {
		unsigned int j;

		if (!ready[i].revents)
			continue;
		for (j = 0; j < sim_nfd; j++)
			if (sim_pfd[j].fd == ready[i].fd && sim_watch[j].arg == watch[i].arg)
				break;
		if (j == sim_nfd)
			continue;
		watch[i].cb(ready[i].fd, ready[i].revents, watch[i].arg);
	}
}

void board_log_write(const char *buf, int len)
{
	ssize_t rc = write(STDERR_FILENO, buf, (size_t)len);

	(void)rc;
}

bool board_stop_requested(void)
{
	return sim_stop;
}

static void sim_on_signal(int sig)
{
	sim_stop = 1;
}

void sim_board_signals(void)
{
	struct sigaction sa = { .sa_handler = sim_on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
