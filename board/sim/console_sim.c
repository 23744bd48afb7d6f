// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sim's serial console: libosmovty's VTY on a socketpair, relayed to the "serial line"
 * (stdin/stdout, or a pty whose slave is symlinked at --console PATH). libosmovty expects a
 * telnet peer: the relay drops its telnet negotiation (IAC ...) on the way out, and on the
 * way in turns CR LF / LF into one CR (else a line runs twice) and drops 0xff (IAC) so line
 * noise cannot start a telnet sub-negotiation that swallows the input. `exit` at the top
 * level ends the session; a new one starts at once, as on a router's console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <osmocom/core/signal.h>
#include <osmocom/vty/buffer.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include <hlgw/board.h>
#include <hlgw/log.h>

#include "../../firmware/cli/cli.h"
#include "sim_poll.h"

#define CONSOLE_OUT_MAX (256 * 1024) /* serial output waiting for the line, then dropped */

enum console_iac { IAC_NONE, IAC_SEEN, IAC_OPT, IAC_SB, IAC_SB_IAC };

static struct {
	bool started;
	int in_fd, out_fd;   /* the serial line (the same fd for a pty) */
	int pty_slave;	     /* kept open so the pty survives its peer closing */
	const char *link;    /* symlink to the pty slave */
	bool tty_saved;
	struct termios tty_orig;
	int vty_fd, relay_fd; /* socketpair: libosmovty's end, ours */
	struct vty *vty;
	bool vty_wants_out;  /* vty output is pending: wait for vty_fd to be writable */
	enum console_iac iac;
	bool last_cr;
	uint8_t *out;	     /* output for the serial line not written yet */
	size_t out_len;
	bool out_polled;
	bool in_eof;
	char *factory;
	size_t factory_len;
} con = { .in_fd = -1, .out_fd = -1, .pty_slave = -1, .vty_fd = -1, .relay_fd = -1 };

static void console_update_out_poll(void);
static int console_session_new(void);

const char *board_factory_config(size_t *len)
{
	FILE *f;
	long size;

	if (!sim_opts.factory_config)
		return NULL;
	if (!con.factory) {
		f = fopen(sim_opts.factory_config, "rb");
		if (!f) {
			fprintf(stderr, "hlgw: factory config %s: %s\n", sim_opts.factory_config,
				strerror(errno));
			return NULL;
		}
		if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
		    fseek(f, 0, SEEK_SET) == 0 && (con.factory = malloc(size + 1))) {
			con.factory_len = fread(con.factory, 1, size, f);
			con.factory[con.factory_len] = 0;
		}
		fclose(f);
		if (!con.factory)
			return NULL;
	}
	*len = con.factory_len;
	return con.factory;
}

/* ---- towards the serial line ---------------------------------------------------------- */

static void console_out_flush(void)
{
	while (con.out_len) {
		ssize_t n = write(con.out_fd, con.out, con.out_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			con.out_len = 0; /* the line is gone: output is lost, as on a cut cable */
			break;
		}
		memmove(con.out, con.out + n, con.out_len - n);
		con.out_len -= n;
	}
	console_update_out_poll();
}

static void console_out_byte(uint8_t c)
{
	if (con.out_len < CONSOLE_OUT_MAX)
		con.out[con.out_len++] = c;
}

/* Strip telnet commands from what the VTY sends. */
static void console_from_vty(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		switch (con.iac) {
		case IAC_NONE:
			if (c == 0xff)
				con.iac = IAC_SEEN;
			else
				console_out_byte(c);
			break;
		case IAC_SEEN:
			if (c >= 251 && c <= 254) /* WILL WONT DO DONT: one option octet follows */
				con.iac = IAC_OPT;
			else if (c == 250) /* SB ... IAC SE */
				con.iac = IAC_SB;
			else
				con.iac = IAC_NONE; /* IAC IAC, or a two-octet command */
			break;
		case IAC_OPT:
			con.iac = IAC_NONE;
			break;
		case IAC_SB:
			if (c == 0xff)
				con.iac = IAC_SB_IAC;
			break;
		case IAC_SB_IAC:
			con.iac = c == 240 ? IAC_NONE : IAC_SB;
			break;
		}
	}
}

static void console_relay_drain(void)
{
	uint8_t buf[4096];
	ssize_t n;

	while ((n = recv(con.relay_fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		console_from_vty(buf, (size_t)n);
	console_out_flush();
}

static void console_relay_cb(int fd, short revents, void *arg)
{
	console_relay_drain();
}

/* ---- from the serial line ------------------------------------------------------------- */

static void console_vty_flush(void)
{
	if (!con.vty)
		return;
	vty_flush(con.vty);
	con.vty_wants_out = !buffer_empty(con.vty->obuf);
	sim_poll_set_events(con.vty_fd, POLLIN | (con.vty_wants_out ? POLLOUT : 0));
}

static void console_session_end(void)
{
	sim_poll_del(con.vty_fd); /* vty_close() closed it already */
	con.vty = NULL;
	con.vty_fd = -1;
	console_relay_drain(); /* what the VTY said last ("exit"...) */
	sim_poll_del(con.relay_fd);
	close(con.relay_fd);
	con.relay_fd = -1;
	if (console_session_new() < 0)
		LOGP(DCLI, LOGL_ERROR, "console: cannot start a new session\n");
}

static void console_vty_cb(int fd, short revents, void *arg)
{
	if (revents & POLLIN) {
		if (vty_read(con.vty) < 0) {
			console_session_end();
			return;
		}
	}
	console_vty_flush();
}

static void console_to_vty(const uint8_t *p, size_t n)
{
	uint8_t buf[4096];
	size_t i, len = 0, done = 0;

	for (i = 0; i < n && len < sizeof(buf); i++) {
		uint8_t c = p[i];

		if (c == '\n' && con.last_cr) {
			con.last_cr = false;
			continue;
		}
		con.last_cr = c == '\r';
		if (c == '\n')
			c = '\r';
		if (c == 0xff || c == 0)
			continue;
		buf[len++] = c;
	}
	while (done < len) {
		ssize_t w = write(con.relay_fd, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the VTY does not keep up: drop, as a UART overrun would */
		done += (size_t)w;
	}
}

static void console_line_cb(int fd, short revents, void *arg)
{
	uint8_t buf[2048];
	ssize_t n;

	if ((revents & POLLOUT) && fd == con.out_fd)
		console_out_flush();
	if (fd != con.in_fd || !(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		console_to_vty(buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EIO))
		return; /* EIO: a pty whose peer just went away */
	/* end of input (a script piped in): keep running, stop reading */
	con.in_eof = true;
	if (con.in_fd == con.out_fd)
		console_update_out_poll();
	else
		sim_poll_del(con.in_fd);
}

static void console_update_out_poll(void)
{
	bool want = con.out_len > 0;

	if (con.in_fd == con.out_fd) {
		sim_poll_set_events(con.in_fd, (con.in_eof ? 0 : POLLIN) | (want ? POLLOUT : 0));
		return;
	}
	if (want && !con.out_polled)
		con.out_polled = sim_poll_add(con.out_fd, POLLOUT, console_line_cb, NULL) == 0;
	else if (!want && con.out_polled) {
		sim_poll_del(con.out_fd);
		con.out_polled = false;
	}
}

/* libosmovty says it has output (vty_out), also outside a command (log lines to a session
 * with `logging enable`): pass it on now. */
static int console_vty_signal(unsigned int subsys, unsigned int signal, void *handler_data,
			      void *signal_data)
{
	struct vty_signal_data *sd = signal_data;

	if (subsys == SS_L_VTY && signal == S_VTY_EVENT && sd->event == VTY_WRITE &&
	    sd->vty == con.vty && con.vty && con.vty->status != VTY_CLOSE)
		console_vty_flush();
	return 0;
}

static int console_session_new(void)
{
	int sv[2];
	void *priv;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	con.vty_fd = sv[0];
	con.relay_fd = sv[1];
	con.iac = IAC_NONE;
	priv = cli_vty_priv_new();
	con.vty = vty_create(con.vty_fd, priv);
	if (!con.vty) {
		cli_vty_priv_free(priv);
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	if (sim_poll_add(con.vty_fd, POLLIN, console_vty_cb, NULL) < 0 ||
	    sim_poll_add(con.relay_fd, POLLIN, console_relay_cb, NULL) < 0)
		return -ENOSPC;
	console_vty_flush();
	return 0;
}

static int console_open_pty(const char *path)
{
	struct termios t;
	const char *slave;
	int fd;

	fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (grantpt(fd) < 0 || unlockpt(fd) < 0 || !(slave = ptsname(fd)))
		goto err_close;
	/* our own slave descriptor keeps the master from seeing a hang-up when a client
	 * disconnects; the next client attaches to the same line */
	con.pty_slave = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (con.pty_slave < 0)
		goto err_close;
	if (tcgetattr(con.pty_slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(con.pty_slave, TCSANOW, &t);
	}
	unlink(path);
	if (symlink(slave, path) < 0)
		goto err_close_slave;
	con.link = path;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	con.in_fd = con.out_fd = fd;
	return 0;

err_close_slave:
	close(con.pty_slave);
	con.pty_slave = -1;
err_close:
	{
		int rc = -errno;

		close(fd);
		return rc ? rc : -EIO;
	}
}

static void console_restore_tty(void)
{
	if (con.tty_saved) {
		tcsetattr(con.in_fd, TCSANOW, &con.tty_orig);
		con.tty_saved = false;
	}
}

static int console_open_stdio(void)
{
	struct termios t;

	con.in_fd = STDIN_FILENO;
	con.out_fd = STDOUT_FILENO;
	if (isatty(con.in_fd) && tcgetattr(con.in_fd, &con.tty_orig) == 0) {
		t = con.tty_orig;
		cfmakeraw(&t); /* libosmovty echoes and sends \r\n itself */
		tcsetattr(con.in_fd, TCSANOW, &t);
		con.tty_saved = true;
		atexit(console_restore_tty);
	}
	/* stdout stays blocking: it may share its file description with stderr (the log) */
	return 0;
}

int board_console_start(void)
{
	const char *c = sim_opts.console;
	int rc;

	if (con.started)
		return -EALREADY;
	if (!c && !isatty(STDIN_FILENO))
		return -ENODEV;
	con.out = malloc(CONSOLE_OUT_MAX);
	if (!con.out)
		return -ENOMEM;
	if (!c || !strcmp(c, "-"))
		rc = console_open_stdio();
	else
		rc = console_open_pty(c);
	if (rc < 0) {
		LOGP(DCLI, LOGL_ERROR, "console %s: %s\n", c, strerror(-rc));
		return rc;
	}
	rc = sim_poll_add(con.in_fd, POLLIN, console_line_cb, NULL);
	if (rc < 0)
		return rc;
	osmo_signal_register_handler(SS_L_VTY, console_vty_signal, NULL);
	con.started = true;
	rc = console_session_new();
	if (rc < 0)
		return rc;
	LOGP(DCLI, LOGL_NOTICE, "console on %s\n", con.link ? con.link : "stdin/stdout");
	return 0;
}

void board_console_stop(void)
{
	if (!con.started)
		return;
	console_out_flush();
	osmo_signal_unregister_handler(SS_L_VTY, console_vty_signal, NULL);
	console_restore_tty();
	if (con.link)
		unlink(con.link);
	con.link = NULL;
	con.started = false;
}
