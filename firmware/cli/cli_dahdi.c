// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DAHDI system.conf lines pasted into the config, read as the native span settings:
 *   span=<n>,<timing>,<lbo>,<framing>,<coding>[,crc4][,yellow]
 *       n: DAHDI span number (1 = our span 0); timing 0: we are the clock master (internal),
 *       >= 1: clock from the line; lbo 0-7 (no meaning on a 120 ohm E1); framing ccs;
 *       coding hdb3|ami; crc4 present = CRC-4 multiframe on.
 *   bchan=<list>, dchan=<ch>, hardhdlc=<ch>, echocanceller=<name>,<list>
 *       channels numbered as DAHDI numbers them: span s (1-based) has channels
 *       (s-1)*31+1 .. s*31 for timeslots 1..31. Inside `span N` the span's own timeslots 1-31
 *       may be given instead.
 * Each error names the line and the field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <hlgw/span.h>

#include "cli_int.h"

#define CLI_DAHDI_CHANS 31 /* channels per E1 span in DAHDI's numbering */
#define CLI_DAHDI_FIELDS 8

struct cli_dahdi {
	struct vty *vty;
	const char *line;
	int span;	/* -1: config level */
	struct span_cfg cfg[SPAN_MAX];
	uint32_t touched; /* spans the line changes */
};

static int cli_dahdi_err(struct cli_dahdi *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "% <line>: <message>", the line as the admin gave it. */
static int cli_dahdi_err(struct cli_dahdi *d, const char *fmt, ...)
{
	struct vty *vty = d->vty;
	va_list ap;

	vty_out(vty, "%% %s: ", d->line);
	va_start(ap, fmt);
	vty_out_va(vty, fmt, ap);
	va_end(ap);
	vty_out(vty, "%s", VTY_NEWLINE);
	return CMD_WARNING;
}

/* Split s (modified) at commas into at most max fields. */
static int cli_dahdi_split(char **f, int max, char *s)
{
	int n = 0;

	while (n < max) {
		f[n++] = s;
		s = strchr(s, ',');
		if (!s)
			return n;
		*s++ = 0;
	}
	return -1;
}

static bool cli_dahdi_uint(unsigned int *v, const char *s, unsigned int max)
{
	char *end;
	unsigned long l;

	if (!*s || *s < '0' || *s > '9')
		return false;
	l = strtoul(s, &end, 10);
	if (*end || l > max)
		return false;
	*v = (unsigned int)l;
	return true;
}

/* Channel number -> (span, timeslot); in a span node 1-31 are that span's timeslots. */
static int cli_dahdi_chan(struct cli_dahdi *d, unsigned int ch, unsigned int *span,
			  unsigned int *ts)
{
	if (ch == 0)
		return -EINVAL;
	if (d->span >= 0 && ch <= CLI_DAHDI_CHANS) {
		*span = d->span;
		*ts = ch;
		return 0;
	}
	*span = (ch - 1) / CLI_DAHDI_CHANS;
	*ts = (ch - 1) % CLI_DAHDI_CHANS + 1;
	if (*span >= span_count() || (d->span >= 0 && *span != (unsigned int)d->span))
		return -EINVAL;
	return 0;
}

/* Parse a channel list into per-span timeslot masks. */
static int cli_dahdi_chans(struct cli_dahdi *d, uint32_t *masks, const char *list,
			   const char *field)
{
	char item[24];
	const char *s = list;

	memset(masks, 0, sizeof(uint32_t) * SPAN_MAX);
	if (!*s)
		return cli_dahdi_err(d, "field %s: empty channel list", field);
	while (*s) {
		unsigned int a, b, sp, ts;
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char *dash;

		osmo_strlcpy(item, s, n + 1 < sizeof(item) ? n + 1 : sizeof(item));
		s += n + (comma ? 1 : 0);
		dash = strchr(item, '-');
		if (dash)
			*dash = 0;
		if (!cli_dahdi_uint(&a, item, 9999) ||
		    !cli_dahdi_uint(&b, dash ? dash + 1 : item, 9999) || a > b) {
			if (dash)
				*dash = '-';
			return cli_dahdi_err(d, "field %s: '%s' is not a channel or range",
					     field, item);
		}
		for (; a <= b; a++) {
			if (cli_dahdi_chan(d, a, &sp, &ts) < 0) {
				return cli_dahdi_err(d, "field %s: channel %u is not on %s", field,
						     a, d->span >= 0 ? "this span" : "a span of this box");
			}
			masks[sp] |= 1u << ts;
		}
	}
	return CMD_SUCCESS;
}

static int cli_dahdi_span(struct cli_dahdi *d, char *val)
{
	char *f[CLI_DAHDI_FIELDS];
	char num[16];
	unsigned int nr, timing, lbo;
	struct span_cfg *cfg;
	int n, i;

	n = cli_dahdi_split(f, CLI_DAHDI_FIELDS, val);
	if (n < 5)
		return cli_dahdi_err(d, "expected span=<span>,<timing>,<lbo>,<framing>,<coding>"
				     "[,crc4]");
	if (!cli_dahdi_uint(&nr, f[0], 999) || nr < 1 || nr > span_count()) {
		snprintf(num, sizeof(num), "%u", span_count());
		return cli_dahdi_err(d, "field 1 (span): '%s' is not a span 1-%s", f[0], num);
	}
	if (d->span >= 0 && nr - 1 != (unsigned int)d->span) {
		snprintf(num, sizeof(num), "%d", d->span + 1);
		return cli_dahdi_err(d, "field 1 (span): this is DAHDI span %s, not %s", num,
				     f[0]);
	}
	if (!cli_dahdi_uint(&timing, f[1], 999))
		return cli_dahdi_err(d, "field 2 (timing): '%s' is not a number", f[1]);
	if (!cli_dahdi_uint(&lbo, f[2], 7))
		return cli_dahdi_err(d, "field 3 (lbo): '%s' is not 0-7", f[2]);
	cfg = &d->cfg[nr - 1];
	if (!strcasecmp(f[3], "cas"))
		return cli_dahdi_err(d, "field 4 (framing): '%s': CAS is not supported, a PRI is "
				     "ccs", f[3]);
	if (strcasecmp(f[3], "ccs"))
		return cli_dahdi_err(d, "field 4 (framing): '%s' is not ccs (E1 PRI)", f[3]);
	if (!strcasecmp(f[4], "hdb3"))
		cfg->line.linecode = E1_LINECODE_HDB3;
	else if (!strcasecmp(f[4], "ami"))
		cfg->line.linecode = E1_LINECODE_AMI;
	else
		return cli_dahdi_err(d, "field 5 (coding): '%s' is not hdb3 or ami", f[4]);
	cfg->line.crc4 = false;
	for (i = 5; i < n; i++) {
		if (!strcasecmp(f[i], "crc4"))
			cfg->line.crc4 = true;
		else if (strcasecmp(f[i], "yellow")) {
			snprintf(num, sizeof(num), "%d", i + 1);
			return cli_dahdi_err(d, "field %s: '%s' is not crc4 or yellow", num, f[i]);
		}
	}
	cfg->line.clock = timing == 0 ? E1_CLOCK_INTERNAL : E1_CLOCK_LINE;
	d->touched |= 1u << (nr - 1);
	return CMD_SUCCESS;
}

static int cli_dahdi_bchan(struct cli_dahdi *d, const char *val)
{
	uint32_t masks[SPAN_MAX];
	unsigned int i;
	char num[16];
	int rc;

	rc = cli_dahdi_chans(d, masks, val, "1 (channels)");
	if (rc != CMD_SUCCESS)
		return rc;
	for (i = 0; i < span_count(); i++) {
		if (!masks[i])
			continue;
		if (masks[i] & (1u << d->cfg[i].dchan_ts)) {
			snprintf(num, sizeof(num), "%u", d->cfg[i].dchan_ts);
			return cli_dahdi_err(d, "field 1 (channels): timeslot %s is the D-channel "
					     "(give dchan= first)", num);
		}
		d->cfg[i].bchan_mask = masks[i];
		d->touched |= 1u << i;
	}
	return CMD_SUCCESS;
}

static int cli_dahdi_dchan(struct cli_dahdi *d, const char *val)
{
	unsigned int ch, sp, ts;

	if (!cli_dahdi_uint(&ch, val, 9999) || cli_dahdi_chan(d, ch, &sp, &ts) < 0)
		return cli_dahdi_err(d, "field 1 (channel): '%s' is not a channel of %s", val,
				     d->span >= 0 ? "this span" : "this box");
	d->cfg[sp].dchan_ts = ts;
	d->cfg[sp].bchan_mask &= ~(1u << ts);
	d->touched |= 1u << sp;
	return CMD_SUCCESS;
}

static int cli_dahdi_ec(struct cli_dahdi *d, char *val)
{
	static const char *const ecs[] = { "mg2", "kb1", "oslec", "sec", "sec2", "hpec", "jpah" };
	uint32_t masks[SPAN_MAX];
	char *comma = strchr(val, ',');
	unsigned int i;
	int rc;

	if (!comma)
		return cli_dahdi_err(d, "expected echocanceller=<name>,<channels>");
	*comma = 0;
	for (i = 0; i < ARRAY_SIZE(ecs); i++)
		if (!strcasecmp(val, ecs[i]))
			break;
	if (i == ARRAY_SIZE(ecs))
		return cli_dahdi_err(d, "field 1 (name): '%s' is not a DAHDI echo canceller "
				     "(mg2, kb1, oslec, sec, sec2, hpec)", val);
	rc = cli_dahdi_chans(d, masks, comma + 1, "2 (channels)");
	if (rc != CMD_SUCCESS)
		return rc;
	/* one canceller per span here: on when any of its channels is listed */
	for (i = 0; i < span_count(); i++) {
		if (!masks[i])
			continue;
		d->cfg[i].echocancel = true;
		d->touched |= 1u << i;
	}
	return CMD_SUCCESS;
}

int cli_dahdi_line(struct vty *vty, int span, const char *line)
{
	struct cli_dahdi d = { .vty = vty, .line = line, .span = span };
	char key[16], val[160];
	const char *eq = strchr(line, '=');
	unsigned int i;
	int rc;

	if (!eq || eq == line)
		return CMD_ERR_NO_MATCH;
	if ((size_t)(eq - line) >= sizeof(key) || strlen(eq + 1) >= sizeof(val))
		return cli_dahdi_err(&d, "line too long");
	osmo_strlcpy(key, line, eq - line + 1);
	osmo_strlcpy(val, eq + 1, sizeof(val));
	for (i = 0; i < span_count(); i++)
		d.cfg[i] = *span_get_cfg(i);

	if (!strcmp(key, "span"))
		rc = cli_dahdi_span(&d, val);
	else if (!strcmp(key, "bchan"))
		rc = cli_dahdi_bchan(&d, val);
	else if (!strcmp(key, "dchan") || !strcmp(key, "hardhdlc"))
		rc = cli_dahdi_dchan(&d, val);
	else if (!strcmp(key, "echocanceller"))
		rc = cli_dahdi_ec(&d, val);
	else
		return cli_dahdi_err(&d, "'%s' is not a DAHDI setting this box takes (span, bchan, "
				     "dchan, hardhdlc, echocanceller)", key);
	if (rc != CMD_SUCCESS)
		return rc;
	for (i = 0; i < span_count(); i++) {
		if (!(d.touched & (1u << i)))
			continue;
		rc = span_set_cfg(i, &d.cfg[i]);
		if (rc < 0) {
			vty_out(vty, "%% %s: span %u refused the setting (%d)%s", line, i, rc,
				VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	return CMD_SUCCESS;
}
