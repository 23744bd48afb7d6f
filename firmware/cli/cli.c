// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The console: libosmovty's command core with an IOS-like tree (show, configure, span,
 * interface, timers, write). The board hosts the VTY on its serial line (board_console_start);
 * this file sets up the tree, replays the saved configuration at boot and turns the running
 * configuration into text for the store. No file or socket here: `write` goes to the flash
 * store, the text is produced in a VTY's output buffer.
 */
#include <errno.h>
#include <string.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/buffer.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/main.h>
#include <hlgw/store.h>
#include <hlgw/subsys.h>

#include "cli_int.h"

/* libosmovty's host settings (hostname...); exported by the library, not declared in a header */
extern struct host host;

#define CLI_REPLAY_DEPTH 8

static struct vty_app_info cli_app_info = {
	.name = CONFIG_CLI_HOSTNAME,
	.copyright = "",
};

/* Leaving a node of ours: nothing to undo, libosmovty pops the parent itself. */
static int cli_go_parent(struct vty *vty)
{
	switch (vty->node) {
	case CLI_SPAN_NODE:
	case CLI_IFACE_NODE:
	case CFG_LOG_NODE:
		vty->node = CONFIG_NODE;
		vty->index = NULL;
		break;
	default:
		break;
	}
	return vty->node;
}

void cli_hostname_set(const char *name)
{
	cli_app_info.name = name ? name : CONFIG_CLI_HOSTNAME;
}

static int cli_is_config_node(struct vty *vty, int node)
{
	return node >= CONFIG_NODE;
}

void *cli_vty_priv_new(void)
{
	struct telnet_connection *conn = talloc_zero(hlgw_ctx, struct telnet_connection);

	if (!conn)
		return NULL;
	/* libosmovty's logging commands keep their per-session target here; when the VTY
	 * closes it releases this like a telnet session (no socket behind it: fd -1) */
	INIT_LLIST_HEAD(&conn->entry);
	INIT_LLIST_HEAD(&conn->fd.list);
	conn->fd.fd = -1;
	conn->fd.data = conn;
	return conn;
}

void cli_vty_priv_free(void *priv)
{
	struct telnet_connection *conn = priv;

	if (!conn)
		return;
	if (conn->dbg) {
		log_del_target(conn->dbg);
		log_target_destroy(conn->dbg);
	}
	talloc_free(conn);
}

/* A VTY whose output stays in its buffer (type VTY_FILE: "\n" newlines, no prompt). */
static struct vty *cli_buffer_vty(void)
{
	struct vty *vty = vty_new();

	if (!vty)
		return NULL;
	vty->type = VTY_FILE;
	vty->node = CONFIG_NODE;
	return vty;
}

static void cli_buffer_vty_free(struct vty *vty)
{
	buffer_reset(vty->obuf);
	vty_close(vty);
}

/* Take what the VTY printed so far (talloc'd under tall_vty_ctx) and empty its buffer. */
static char *cli_buffer_take(struct vty *vty)
{
	char *s = buffer_getstr(vty->obuf);

	buffer_reset(vty->obuf);
	return s;
}

char *cli_running_config(void *ctx, size_t *len)
{
	struct cmd_node *node;
	struct vty *vty;
	unsigned int i;
	char *s;

	vty = cli_buffer_vty();
	if (!vty)
		return NULL;
	vty_out(vty, "! %s%s!%s", hlgw_version, VTY_NEWLINE, VTY_NEWLINE);
	/* what `show running-config` prints, node by node */
	for (i = 0; i < vector_active(cmdvec); i++) {
		node = vector_slot(cmdvec, i);
		if (node && node->func && node->func(vty))
			vty_out(vty, "!%s", VTY_NEWLINE);
	}
	vty_out(vty, "end%s", VTY_NEWLINE);
	s = cli_buffer_take(vty);
	cli_buffer_vty_free(vty);
	if (!s)
		return NULL;
	talloc_steal(ctx, s);
	if (len)
		*len = strlen(s);
	return s;
}

static const char *cli_cmd_err(int rc)
{
	switch (rc) {
	case CMD_ERR_NO_MATCH:
		return "% Unknown command.";
	case CMD_ERR_AMBIGUOUS:
		return "% Ambiguous command.";
	case CMD_ERR_INCOMPLETE:
		return "% Command incomplete.";
	default:
		return "% Command failed.";
	}
}

/* Drop leading/trailing blanks and line ends (for log messages). */
static char *cli_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	for (e = s; *e; e++)
		if (*e == '\n')
			*e = ' ';
	return s;
}

static unsigned int cli_parent_depth(struct vty *vty)
{
	return llist_count(&vty->parent_nodes);
}

/* Run one config line; the indentation decides which node it belongs to, as in a file
 * libosmovty reads, but a bad line is reported and skipped instead of ending the replay. */
static int cli_replay_line(struct vty *vty, char *line, unsigned int *indents,
			   unsigned int lineno, const char *what)
{
	unsigned int ind = 0, depth;
	vector vline;
	char *out;
	int rc;

	while (line[ind] == ' ' || line[ind] == '\t')
		ind++;
	vline = cmd_make_strvec(line);
	if (!vline)
		return 0; /* empty or comment */
	while ((depth = cli_parent_depth(vty)) > 0 && depth <= CLI_REPLAY_DEPTH &&
	       ind <= indents[depth - 1])
		vty_go_parent(vty);
	depth = cli_parent_depth(vty);
	rc = cmd_execute_command(vline, vty, NULL, 0);
	cmd_free_strvec(vline);
	out = cli_buffer_take(vty);
	if (rc != CMD_SUCCESS)
		LOGP(DCLI, LOGL_ERROR, "%s line %u: '%s': %s\n", what, lineno, cli_trim(line),
		     out && *cli_trim(out) ? cli_trim(out) : cli_cmd_err(rc));
	talloc_free(out);
	if (vty->node < CONFIG_NODE) {
		/* `end` or `exit` at the top: stay in config mode */
		while (cli_parent_depth(vty))
			vty_go_parent(vty);
		vty->node = CONFIG_NODE;
	} else if (cli_parent_depth(vty) > depth && depth < CLI_REPLAY_DEPTH) {
		indents[depth] = ind; /* entered a child node: deeper lines belong to it */
	}
	return rc == CMD_SUCCESS ? 0 : 1;
}

int cli_replay(const char *text, size_t len, const char *what)
{
	unsigned int indents[CLI_REPLAY_DEPTH] = { 0 }, lineno = 0;
	const char *p = text, *end = text + len;
	struct vty *vty;
	int bad = 0;

	vty = cli_buffer_vty();
	if (!vty)
		return -ENOMEM;
	vty->priv = cli_vty_priv_new();
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = talloc_strndup(vty, p, n);

		p += n + (nl ? 1 : 0);
		lineno++;
		if (!line) {
			bad++;
			break;
		}
		bad += cli_replay_line(vty, line, indents, lineno, what);
		talloc_free(line);
	}
	while (cli_parent_depth(vty))
		vty_go_parent(vty);
	cli_vty_priv_free(vty->priv);
	vty->priv = NULL;
	cli_buffer_vty_free(vty);
	LOGP(DCLI, bad ? LOGL_ERROR : LOGL_NOTICE, "%s: %u lines, %d bad\n", what, lineno, bad);
	return bad;
}

int cli_write_memory(struct vty *vty)
{
	size_t len;
	char *text;
	int rc;

	vty_out(vty, "Building configuration...%s", VTY_NEWLINE);
	text = cli_running_config(hlgw_ctx, &len);
	if (!text) {
		vty_out(vty, "%% Out of memory%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = store_save(text, len);
	talloc_free(text);
	switch (rc) {
	case 0:
		vty_out(vty, "[OK]%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	case -EFBIG:
		vty_out(vty, "%% Configuration too large for the flash slot (%zu octets)%s", len,
			VTY_NEWLINE);
		return CMD_WARNING;
	default:
		vty_out(vty, "%% Error writing the configuration to flash (%d)%s", rc,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
}

static int cli_init(struct board *b)
{
	cli_app_info.version = hlgw_version;
	cli_app_info.tall_ctx = hlgw_ctx;
	cli_app_info.go_parent_cb = cli_go_parent;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	cli_app_info.is_config_node = cli_is_config_node;
#pragma GCC diagnostic pop
	vty_init(&cli_app_info);
	logging_vty_add_cmds();
	cli_system_init();
	cli_span_init();
	cli_isdn_init();
	cli_ip_init();
	cli_sip_init();
	cli_media_init();
	cli_call_init();
	cli_tone_init();
	cli_cdr_init();
	cli_prompt_init();
	cli_route_init();
	return 0;
}

/* Saved config, or the board's factory config when the flash holds none. */
static void cli_load_config(void)
{
	const size_t size = CONFIG_STORE_SLOT_SIZE;
	const char *factory;
	size_t len;
	char *buf;
	int rc;

	buf = talloc_size(hlgw_ctx, size);
	if (!buf)
		return;
	rc = store_load(buf, size, &len);
	if (rc == 0) {
		LOGP(DCLI, LOGL_NOTICE, "replaying the saved config (seq %u, %zu octets)\n",
		     store_seq(), len);
		cli_replay(buf, len, "saved config");
	} else if ((factory = board_factory_config(&len))) {
		LOGP(DCLI, LOGL_NOTICE, "no saved config (%d): replaying the factory config\n", rc);
		cli_replay(factory, len, "factory config");
	} else {
		LOGP(DCLI, LOGL_NOTICE, "no saved config (%d): defaults\n", rc);
	}
	talloc_free(buf);
}

static int cli_start(void)
{
	int rc;

	cli_load_config();
	rc = board_console_start();
	if (rc < 0 && rc != -ENODEV)
		LOGP(DCLI, LOGL_ERROR, "console failed to start (%d)\n", rc);
	return 0;
}

static void cli_stop(void)
{
	board_console_stop();
}

const struct hlgw_subsys cli_subsys = {
	.name = "cli",
	.init = cli_init,
	.start = cli_start,
	.stop = cli_stop,
};
