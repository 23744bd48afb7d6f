/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sim board's event sources: sim drivers register host file descriptors here and
 * board_wait() poll()s them. Only board/sim and drivers' *_sim.c files include this. */
#ifndef SIM_POLL_H
#define SIM_POLL_H

typedef void (*sim_poll_cb)(int fd, short revents, void *arg);

/* Watch fd for events (POLLIN...); returns 0 or -ENOSPC / -EEXIST. */
int sim_poll_add(int fd, short events, sim_poll_cb cb, void *arg);
int sim_poll_set_events(int fd, short events);
void sim_poll_del(int fd);

/* Options the sim drivers read (set from the command line in board/sim/main.c). */
struct sim_opts {
	const char *e1_path[8]; /* telco-side socket per span */
	unsigned int n_e1;
	const char *tap;	/* tap interface name */
	const char *console;	/* "-" (stdin/stdout) or a pty symlink path */
	const char *flash;	/* flash image file */
	const char *pcap_dir;
	const char *factory_config; /* config text used when the flash holds none */
	const char *route_table;    /* routing table file loaded at start */
	int flash_cut_at;	    /* fault injection: cut the Nth program call, -1 none */
};
extern struct sim_opts sim_opts;

#endif
