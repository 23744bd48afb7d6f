// SPDX-License-Identifier: GPL-2.0-or-later
/* pstn-sim's report: JSON lines {"t":<ms since start>,"ev":"<name>",...} on stdout or -o. */
#include <stdarg.h>
#include <string.h>

#include "psim.h"

#define PSIM_HIST 256

/* recent events, for wait-event: name and the whole line */
static struct {
	uint64_t seq;
	char ev[32];
	char line[512];
} psim_hist[PSIM_HIST];
static uint64_t psim_seq;

const char *psim_json_str(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!len)
		return "";
	for (; s && *s && o + 7 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			o += (size_t)snprintf(buf + o, len - o, "\\u%04x", ch);
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
	return buf;
}

void psim_ev(const char *ev, const char *fmt, ...)
{
	char line[512];
	int n;
	unsigned int slot;

	n = snprintf(line, sizeof(line), "{\"t\":%u,\"ev\":\"%s\"", psim_ms(), ev);
	if (fmt && *fmt && n < (int)sizeof(line) - 2) {
		va_list ap;

		line[n++] = ',';
		va_start(ap, fmt);
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '}';
	line[n] = '\0';
	fprintf(psim.out, "%s\n", line);
	fflush(psim.out);

	slot = (unsigned int)(psim_seq % PSIM_HIST);
	psim_hist[slot].seq = ++psim_seq;
	snprintf(psim_hist[slot].ev, sizeof(psim_hist[slot].ev), "%s", ev);
	snprintf(psim_hist[slot].line, sizeof(psim_hist[slot].line), "%s", line);
}

uint64_t psim_ev_seq(void)
{
	return psim_seq;
}

/* An event named ev (with match somewhere in its line, when given) after sequence seq. */
bool psim_ev_seen_since(const char *ev, uint64_t seq, const char *match)
{
	uint64_t s;

	for (s = seq + 1; s <= psim_seq; s++) {
		unsigned int slot = (unsigned int)((s - 1) % PSIM_HIST);

		if (psim_hist[slot].seq != s)
			continue; /* overwritten */
		if (strcmp(psim_hist[slot].ev, ev))
			continue;
		if (!match || strstr(psim_hist[slot].line, match))
			return true;
	}
	return false;
}
