// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call-progress tone commands: the country whose tones the box plays (`tone-zone`, libtonezone's
 * zones), who plays the ringback while an advisor rings (`ringback inband|network`), and what
 * they are (`show tone-zones`, `show tone-zone [COUNTRY]`).
 */
#include <string.h>

#include <dsp/cptone.h>
#include <hlgw/call.h>
#include <hlgw/media.h>

#include "cli_int.h"

#define CPTONE_DEFAULT_ZONE "de"

DEFUN(cfg_tone_zone, cfg_tone_zone_cmd, "tone-zone COUNTRY",
      "Country whose call-progress tones the box plays\n"
      "Country code as in libtonezone (de, uk, us, ...: show tone-zones)\n")
{
	unsigned int bad = 0;

	if (cptone_zone_select(argv[0], &bad) < 0) {
		vty_out(vty, "%% Unknown country '%s' (show tone-zones)%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (bad)
		vty_out(vty, "%% %s: %u tone%s cannot be played (show tone-zone)%s", argv[0], bad,
			bad == 1 ? "" : "s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(cfg_ringback, cfg_ringback_cmd, "ringback (inband|network)",
      "Ringback tone while an advisor rings\n"
      "The box plays the country's ringback (ALERTING with in-band information)\n"
      "The network plays its own (ALERTING without in-band information; default)\n")
{
	call_ringback_inband_set(!strcmp(argv[0], "inband"));
	return CMD_SUCCESS;
}

DEFUN(show_tone_zones, show_tone_zones_cmd, "show tone-zones",
      SHOW_STR "Countries whose call-progress tones the box knows\n")
{
	const struct cptone_zone *cur = cptone_zone_current();
	unsigned int i;

	for (i = 0; i < cptone_n_zones; i++)
		vty_out(vty, "%c %-7s %s%s", &cptone_zones[i] == cur ? '*' : ' ',
			cptone_zones[i].country, cptone_zones[i].name, VTY_NEWLINE);
	vty_out(vty, "%u countries (libtonezone); * the one in use%s", cptone_n_zones,
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

static void cli_tone_zone_show(struct vty *vty, const struct cptone_zone *z, bool current)
{
	struct cptone_seq seq;
	unsigned int t;

	vty_out(vty, "Tone zone %s (%s)%s, %.0f dBm0 per frequency%s", z->country, z->name,
		current ? ", in use" : "", (double)MEDIA_CPTONE_DBM0, VTY_NEWLINE);
	for (t = 0; t < CPTONE__NUM; t++) {
		const char *d = z->tone[t];

		vty_out(vty, "  %-13s %s%s%s", cptone_name(t), *d ? d : "-",
			*d && cptone_parse(&seq, d) < 0 ? "  (cannot be played)" : "",
			VTY_NEWLINE);
	}
	if (current)
		vty_out(vty, "Ringback while an advisor rings: %s%s",
			call_ringback_inband() ? "inband (the box)" : "network", VTY_NEWLINE);
}

DEFUN(show_tone_zone, show_tone_zone_cmd, "show tone-zone [COUNTRY]",
      SHOW_STR "A country's call-progress tones\n" "Country code (default: the one in use)\n")
{
	const struct cptone_zone *z = argc ? cptone_zone_find(argv[0]) : cptone_zone_current();

	if (!z) {
		vty_out(vty, "%% Unknown country '%s' (show tone-zones)%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	cli_tone_zone_show(vty, z, z == cptone_zone_current());
	return CMD_SUCCESS;
}

void cli_tone_write(struct vty *vty)
{
	const struct cptone_zone *z = cptone_zone_current();

	if (z && strcmp(z->country, CPTONE_DEFAULT_ZONE))
		vty_out(vty, "tone-zone %s%s", z->country, VTY_NEWLINE);
	if (call_ringback_inband())
		vty_out(vty, "ringback inband%s", VTY_NEWLINE);
}

void cli_tone_init(void)
{
	install_element(CONFIG_NODE, &cfg_tone_zone_cmd);
	install_element(CONFIG_NODE, &cfg_ringback_cmd);
	install_element_ve(&show_tone_zones_cmd);
	install_element_ve(&show_tone_zone_cmd);
}
