// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * System commands: show version, write (to the flash store instead of libosmovty's config
 * file), show startup-config, hostname, `log main` (levels of the box's own log output).
 */
#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/main.h>
#include <hlgw/span.h>
#include <hlgw/store.h>

#include "cli_int.h"

extern struct host host;

static struct log_target *cli_main_log; /* the box's own log output (firmware/log.c) */
static uint64_t cli_boot_us;		/* board time when the console came up */

DEFUN(cli_show_version, cli_show_version_cmd, "show version",
      SHOW_STR "Firmware version, board and uptime\n")
{
	uint32_t s = (uint32_t)((board_time_us() - cli_boot_us) / 1000000u);
	unsigned int i, lines = 0;

	for (i = 0; i < span_count(); i++) {
		struct span_status st;

		if (span_get_status(i, &st) == 0 && st.present)
			lines++;
	}
	vty_out(vty, "%s%s", hlgw_version, VTY_NEWLINE);
	vty_out(vty, "Uptime is %ud %uh %um %us%s", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60,
		VTY_NEWLINE);
	vty_out(vty, "%u E1 span(s), %u with a line attached%s", span_count(), lines,
		VTY_NEWLINE);
	if (store_seq())
		vty_out(vty, "Startup configuration in flash (revision %u)%s", store_seq(),
			VTY_NEWLINE);
	else
		vty_out(vty, "No startup configuration in flash%s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

/* Takes over libosmovty's write / write memory / copy running-config startup-config /
 * write file: all save to the flash store (the box has no file system). */
static int cli_write_func(struct cmd_element *self, struct vty *vty, int argc,
			  const char *argv[])
{
	if (argc > 0) {
		vty_out(vty, "%% No file system on this box: use 'write memory'%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return cli_write_memory(vty);
}

static int cli_show_startup_func(struct cmd_element *self, struct vty *vty, int argc,
				 const char *argv[])
{
	const size_t size = CONFIG_STORE_SLOT_SIZE;
	char *buf, *p, *nl;
	size_t len;
	int rc;

	buf = talloc_size(vty, size + 1);
	if (!buf)
		return CMD_WARNING;
	rc = store_load(buf, size, &len);
	if (rc < 0) {
		vty_out(vty, "%% No startup configuration in flash%s", VTY_NEWLINE);
		talloc_free(buf);
		return rc == -ENOENT ? CMD_SUCCESS : CMD_WARNING;
	}
	buf[len] = 0;
	for (p = buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			vty_out(vty, "%s%s", p, VTY_NEWLINE);
			break;
		}
		*nl = 0;
		vty_out(vty, "%s%s", p, VTY_NEWLINE);
	}
	talloc_free(buf);
	return CMD_SUCCESS;
}

/* libosmovty's `shutdown` (enable mode) kills the process; an appliance is not stopped from
 * its console by one word. */
static int cli_shutdown_func(struct cmd_element *self, struct vty *vty, int argc,
			     const char *argv[])
{
	vty_out(vty, "%% Not supported: power-cycle the box to restart it%s", VTY_NEWLINE);
	return CMD_WARNING;
}

/* libosmovty's hostname commands, plus the prompt (libosmovty prompts with the app name). */
static int cli_hostname_func(struct cmd_element *self, struct vty *vty, int argc,
			     const char *argv[])
{
	const char *name = argv[0];
	size_t i;

	if (strcmp(self->string, "hostname WORD") != 0) {
		talloc_free(host.name);
		host.name = NULL;
		cli_hostname_set(NULL);
		return CMD_SUCCESS;
	}
	for (i = 0; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_' ||
		      name[i] == '.'))
			break;
	if (name[i] || i > 32 || !((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z')) {
		vty_out(vty, "%% Host name: a letter, then letters, digits, '-', '_', '.' (up to 32)%s",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	talloc_free(host.name);
	host.name = talloc_strdup(hlgw_ctx, name);
	cli_hostname_set(host.name);
	return CMD_SUCCESS;
}

/* Point libosmovty's commands named `string` (in node only, or every node when node < 0) at
 * func. The library's elements are shared between nodes, so this changes all their uses. */
static void cli_override(int only, const char *string,
			 int (*func)(struct cmd_element *, struct vty *, int, const char *[]))
{
	unsigned int i, j;

	for (i = 0; i < vector_active(cmdvec); i++) {
		struct cmd_node *node = vector_slot(cmdvec, i);

		if (!node || (only >= 0 && (int)i != only))
			continue;
		for (j = 0; j < vector_active(node->cmd_vector); j++) {
			struct cmd_element *el = vector_slot(node->cmd_vector, j);

			if (el && !strcmp(el->string, string))
				el->func = func;
		}
	}
}

DEFUN(cli_log_main, cli_log_main_cmd, "log main",
      "Configure a log output\n" "The box's own log output (levels per category)\n")
{
	if (!cli_main_log) {
		vty_out(vty, "%% No main log output%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty->index = cli_main_log;
	vty->node = CFG_LOG_NODE;
	return CMD_SUCCESS;
}

static const char *cli_level_name(int level)
{
	switch (level) {
	case LOGL_DEBUG:
		return "debug";
	case LOGL_INFO:
		return "info";
	case LOGL_NOTICE:
		return "notice";
	case LOGL_ERROR:
		return "error";
	case LOGL_FATAL:
		return "fatal";
	default:
		return NULL;
	}
}

/* Category names as libosmovty's `logging level` takes them: "DQ921" -> "q921". */
static void cli_cat_name(char *buf, size_t size, const char *name)
{
	size_t i;

	if (name[0] == 'D')
		name++;
	for (i = 0; name[i] && i + 1 < size; i++)
		buf[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i];
	buf[i] = 0;
}

static void cli_write_log_main(struct vty *vty)
{
	unsigned int i;
	bool header = false;

	if (!cli_main_log)
		return;
	for (i = 0; i < osmo_log_info->num_cat; i++) {
		const struct log_info_cat *cat = &osmo_log_info->cat[i];
		const char *lvl = cli_level_name(cli_main_log->categories[i].loglevel);
		char name[32];

		if (!cat->name || !lvl || cli_main_log->categories[i].loglevel == cat->loglevel)
			continue;
		if (!header)
			vty_out(vty, "log main%s", VTY_NEWLINE);
		header = true;
		cli_cat_name(name, sizeof(name), cat->name);
		vty_out(vty, " logging level %s %s%s", name, lvl, VTY_NEWLINE);
	}
	if (header)
		vty_out(vty, "!%s", VTY_NEWLINE);
}

static struct cmd_node cli_misc_node = { CLI_MISC_NODE, "%s(config-misc)# ", 1 };

/* Top-level settings that have no node of their own: timers, main log levels. */
static int cli_misc_write(struct vty *vty)
{
	osmo_tdef_vty_groups_write(vty, "");
	cli_write_log_main(vty);
	cli_tone_write(vty);
	cli_prompt_write(vty);
	return 0;
}

void cli_system_init(void)
{
	/* the first target is firmware/log.c's, created before the console */
	cli_boot_us = board_time_us();
	cli_main_log = log_target_find(LOG_TGT_TYPE_VTY, NULL);

	cli_override(-1, "write", cli_write_func);
	cli_override(-1, "write memory", cli_write_func);
	cli_override(-1, "copy running-config startup-config", cli_write_func);
	cli_override(-1, "write file [PATH]", cli_write_func);
	cli_override(-1, "show startup-config", cli_show_startup_func);
	cli_override(ENABLE_NODE, "shutdown", cli_shutdown_func);
	cli_override(-1, "hostname WORD", cli_hostname_func);
	cli_override(-1, "no hostname [HOSTNAME]", cli_hostname_func);

	/* ours instead of libosmovty's show version (name + copyright only) */
	cli_override(-1, "show version", cli_show_version_cmd.func);
	install_element(CONFIG_NODE, &cli_log_main_cmd);
	install_node(&cli_misc_node, cli_misc_write);
}
