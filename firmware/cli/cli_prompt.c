// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The caller's rating after a call and its voice prompts: `caller-rating off|on|with-solved`,
 * `prompt rating|solved|thanks FILE` (WAV PCM16/A-law mono 8 kHz or raw A-law, read through
 * the board's file service when the line is applied: at the console and at every start),
 * `no prompt NAME`, `show prompts`.
 */
#include <string.h>

#include <hlgw/call.h>

#include "autoconf.h"
#include "cli_int.h"
#include "media/prompt.h"

#define PROMPT_ARGS "(rating|solved|thanks)"
#define PROMPT_HELP                                                                           \
	"The rating question (\"rate the advisor from 1 to 5\")\n"                            \
	"The second question (\"was your problem solved? 1 yes, 2 no\")\n"                    \
	"The goodbye after the answers\n"

static const char *const cli_rating_names[] = {
	[CALL_RATING_OFF] = "off", [CALL_RATING_ON] = "on", [CALL_RATING_SOLVED] = "with-solved",
};

DEFUN(cfg_caller_rating, cfg_caller_rating_cmd, "caller-rating (off|on|with-solved)",
      "After the advisor hangs up, ask the caller to rate the advisor by DTMF\n"
      "No: the advisor's hangup releases the caller (default)\n"
      "Rate 1-5\n" "Rate 1-5, then: was the problem solved (1 yes, 2 no)\n")
{
	call_rating_set(!strcmp(argv[0], "on")	  ? CALL_RATING_ON :
			!strcmp(argv[0], "off") ? CALL_RATING_OFF :
						    CALL_RATING_SOLVED);
	return CMD_SUCCESS;
}

DEFUN(cfg_prompt, cfg_prompt_cmd, "prompt " PROMPT_ARGS " FILE",
      "A voice prompt for the caller\n" PROMPT_HELP
      "WAV (16-bit PCM or A-law, mono, 8000 Hz) or raw A-law (.al, .alaw)\n")
{
	const char *why = NULL;
	int rc = prompt_load(prompt_by_name(argv[0]), argv[1], &why);

	if (rc < 0) {
		vty_out(vty, "%% Prompt %s not loaded from %s: %s%s", argv[0], argv[1],
			why ? why : "error", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_no_prompt, cfg_no_prompt_cmd, "no prompt " PROMPT_ARGS,
      NO_STR "A voice prompt for the caller (its beeps play instead)\n" PROMPT_HELP)
{
	prompt_unload(prompt_by_name(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(show_prompts, show_prompts_cmd, "show prompts",
      SHOW_STR "The caller's rating and its voice prompts\n")
{
	unsigned int i;

	vty_out(vty, "Caller rating: %s%s", cli_rating_names[call_rating_get()], VTY_NEWLINE);
	for (i = 0; i < PROMPT__NUM; i++) {
		const char *path;
		size_t n;

		if (prompt_get(i, &n, &path))
			vty_out(vty, "  %-7s %s, %zu.%zu s%s", prompt_name(i), path, n / 8000,
				n / 800 % 10, VTY_NEWLINE);
		else
			vty_out(vty, "  %-7s none: %s%s", prompt_name(i),
				i == PROMPT_RATING ? "3 beeps" : i == PROMPT_SOLVED ? "2 beeps"
										      : "1 beep",
				VTY_NEWLINE);
	}
	vty_out(vty, "Prompt memory: %zu of %u KB%s", (prompt_pool_used() + 1023) / 1024,
		CONFIG_PROMPT_POOL_KB, VTY_NEWLINE);
	return CMD_SUCCESS;
}

void cli_prompt_write(struct vty *vty)
{
	unsigned int i;

	if (call_rating_get() != CALL_RATING_OFF)
		vty_out(vty, "caller-rating %s%s", cli_rating_names[call_rating_get()], VTY_NEWLINE);
	for (i = 0; i < PROMPT__NUM; i++) {
		const char *path;
		size_t n;

		if (prompt_get(i, &n, &path))
			vty_out(vty, "prompt %s %s%s", prompt_name(i), path, VTY_NEWLINE);
	}
}

void cli_prompt_init(void)
{
	install_element(CONFIG_NODE, &cfg_caller_rating_cmd);
	install_element(CONFIG_NODE, &cfg_prompt_cmd);
	install_element(CONFIG_NODE, &cfg_no_prompt_cmd);
	install_element_ve(&show_prompts_cmd);
}
