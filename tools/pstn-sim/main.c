// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pstn-sim: the telco side of the sim board's E1 lines. Listens on one SOCK_SEQPACKET path per
 * span, is the clock master (one 256-octet block per 1 ms of its monotonic clock, caught up
 * without drift), runs libpri on the NETWORK side over the same G.704 framer and D-channel
 * code as the box, takes commands (scenario file and/or stdin) and reports JSON lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/logging.h>

#include "psim.h"

#define PSIM_MAX_BEHIND_US 200000 /* further behind than this: skip, do not burst */
#define PSIM_HYB_HOLD_US 100000 /* a hybrid echo waits this long at most for the box's block */

struct psim psim;
static volatile sig_atomic_t psim_sig;
static struct dchan_timer psim_timers[16];

uint64_t psim_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint32_t psim_ms(void)
{
	return (uint32_t)((psim_now_us() - psim.t0_us) / 1000u);
}

static void psim_on_signal(int sig)
{
	psim_sig = sig;
}

static void psim_log(const struct dchan *dc, int layer, int level, const char *text)
{
	if (psim.verbose < 1 || (level < LOGL_NOTICE && psim.verbose < 2))
		return;
	fprintf(stderr, "pstn-sim %u (%s) L%d: %s\n", psim_ms(), dc ? dc->cfg.name : "-", layer,
		text);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: pstn-sim -s PATH [-s PATH ...] [options]\n"
"  -s, --socket PATH     listen for the box's span on PATH (repeat: span 0, 1, ...)\n"
"  -o, --out FILE        JSON event lines to FILE (default stdout)\n"
"  -x, --script FILE     run the commands in FILE first (then stdin's, unless -n)\n"
"  -n, --no-stdin        do not read commands from stdin\n"
"  -p, --pcap FILE       capture the D-channels (LINUX_LAPD pcap, network side)\n"
"      --no-crc4         lines without the CRC-4 multiframe\n"
"  -T, --timer NAME=VAL  libpri timer: t200 t203 n200 k t303 t305 t308 t309 t310 t313\n"
"  -a, --auto-answer     answer calls from the box\n"
"  -v, --verbose         libpri/D-channel messages on stderr (-vv: libpri debug)\n"
"commands (stdin/script, one per line):\n"
"  call [span=0] called=NUM [calling=NUM] [ton=national] [npi=e164] [pres=allowed]\n"
"       [bchan=1]          hangup [call=N] [cause=16]     answer [call=N]\n"
"  alerting [call=N]       play [call=N] FILE.wav|tone=HZ,LEVELdBm0[,MS] [rev=MS]  stop [call=N]\n"
"  hybrid [call=N] model=1..8 [erl=6] [delay=MS] | off   (the line's echo: G.168 Annex D)\n"
"  record [call=N] OUT.wav|stop          dtmf [call=N] DIGITS [on=100] [off=100]\n"
"  fault [span=0] los|ais|rai on|off     fault crc4 rate=N|count=N|off\n"
"  fault lfa [count=3]|on|off            fault slip [dir=-1|1]     disconnect [span=0]\n"
"  wait MS     wait-event NAME [MS] [match=TEXT]     status [span=0]    pcap FILE|stop\n"
"  auto-answer on|off      echo TEXT      quit\n"
"  raw [span=0] [ui] HEX   a Q.931 message as an I-frame (ui: UI frame); starts tracing\n"
"  bad [span=0] KIND [cref=N] [bchan=N] [ui]   malformed Q.931: good ie-overrun cause0\n"
"       cause0-release number-crlf number-quote number-sip number-long chan0 chan32\n"
"       chan16 chan globalcr flag missing-bc pd short crlen unknown-mt\n"
"  trace on|off            report the box's Q.931 messages (q931_rx events)\n");
}

static int psim_timer_opt(const char *s)
{
	static const struct {
		const char *name;
		int id;
	} t[] = {
		{ "t200", PRI_TIMER_T200 }, { "t203", PRI_TIMER_T203 }, { "n200", PRI_TIMER_N200 },
		{ "k", PRI_TIMER_K },	    { "t303", PRI_TIMER_T303 }, { "t305", PRI_TIMER_T305 },
		{ "t308", PRI_TIMER_T308 }, { "t309", PRI_TIMER_T309 }, { "t310", PRI_TIMER_T310 },
		{ "t313", PRI_TIMER_T313 },
	};
	const char *eq = strchr(s, '=');
	unsigned int i;

	if (!eq || psim.n_timers == sizeof(psim_timers) / sizeof(psim_timers[0]))
		return -1;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strlen(t[i].name) == (size_t)(eq - s) && !strncasecmp(s, t[i].name, eq - s)) {
			psim_timers[psim.n_timers].id = t[i].id;
			psim_timers[psim.n_timers].value = atoi(eq + 1);
			psim.n_timers++;
			return 0;
		}
	}
	return -1;
}

/* stdin: commands, one per line */
static int psim_stdin(char *buf, size_t *fill, size_t size)
{
	ssize_t n = read(STDIN_FILENO, buf + *fill, size - 1 - *fill);
	char *nl;

	if (n <= 0)
		return n == 0 || (errno != EAGAIN && errno != EINTR) ? -1 : 0;
	*fill += (size_t)n;
	buf[*fill] = '\0';
	while ((nl = strchr(buf, '\n'))) {
		*nl = '\0';
		psim_cmd_line(buf);
		memmove(buf, nl + 1, *fill - (size_t)(nl + 1 - buf) + 1);
		*fill -= (size_t)(nl + 1 - buf);
	}
	if (*fill == size - 1) { /* an overlong line: drop it */
		*fill = 0;
		buf[0] = '\0';
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "script", required_argument, NULL, 'x' },
		{ "no-stdin", no_argument, NULL, 'n' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "no-crc4", no_argument, NULL, 1 },
		{ "timer", required_argument, NULL, 'T' },
		{ "auto-answer", no_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *script = NULL, *pcap = NULL, *out = NULL;
	bool use_stdin = true, crc4 = true;
	char inbuf[4096];
	size_t infill = 0;
	uint64_t next_tick;
	bool hold = false;
	unsigned int i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "s:o:x:np:T:avh", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (psim.nspans == PSIM_SPANS) {
				fprintf(stderr, "pstn-sim: at most %d spans\n", PSIM_SPANS);
				return 2;
			}
			psim.span[psim.nspans++].path = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'x':
			script = optarg;
			break;
		case 'n':
			use_stdin = false;
			break;
		case 'p':
			pcap = optarg;
			break;
		case 1:
			crc4 = false;
			break;
		case 'T':
			if (psim_timer_opt(optarg) < 0) {
				fprintf(stderr, "pstn-sim: bad timer %s\n", optarg);
				return 2;
			}
			break;
		case 'a':
			psim.auto_answer = true;
			break;
		case 'v':
			psim.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!psim.nspans || optind != argc) {
		usage(stderr);
		return 2;
	}
	psim.out = stdout;
	if (out && !(psim.out = fopen(out, "w"))) {
		fprintf(stderr, "pstn-sim: %s: %s\n", out, strerror(errno));
		return 1;
	}
	psim.t0_us = psim_now_us();
	psim.pcap.fh = -1;
	psim.timers = psim_timers;
	dchan_set_log(psim_log);

	for (i = 0; i < psim.nspans; i++) {
		struct psim_span *sp = &psim.span[i];
		struct dchan_cfg dcfg = {
			.nodetype = PRI_NETWORK,
			.switchtype = PRI_SWITCH_EUROISDN_E1,
			.timers = psim_timers,
			.n_timers = psim.n_timers,
			.pri_debug = psim.verbose >= 2 ? (PRI_DEBUG_Q921_STATE | PRI_DEBUG_Q931_DUMP |
							  PRI_DEBUG_Q931_STATE) : 0,
			.event = psim_call_event,
			.l3_rx = psim_raw_l3_rx,
			.l3_tx = psim_raw_l3_tx,
			.arg = sp,
		};

		sp->nr = i;
		sp->crc4 = crc4;
		sp->raw.ns = -1;
		snprintf(sp->name, sizeof(sp->name), "S%u:T16", i);
		dcfg.name = sp->name;
		dchan_init(&sp->dc, &dcfg);
		rc = psim_span_listen(sp);
		if (rc < 0) {
			fprintf(stderr, "pstn-sim: %s: %s\n", sp->path, strerror(-rc));
			return 1;
		}
	}
	if (pcap) {
		rc = dchan_pcap_open(&psim.pcap, pcap);
		if (rc < 0) {
			fprintf(stderr, "pstn-sim: %s: %s\n", pcap, strerror(-rc));
			return 1;
		}
		psim.pcap_on = true;
		for (i = 0; i < psim.nspans; i++)
			psim.span[i].dc.pcap = &psim.pcap;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, psim_on_signal);
	signal(SIGINT, psim_on_signal);
	if (use_stdin)
		fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);

	psim_ev("ready", "\"spans\":%u,\"crc4\":%s", psim.nspans, crc4 ? "true" : "false");
	if (script && psim_cmd_queue_file(script) < 0) {
		fprintf(stderr, "pstn-sim: %s: %s\n", script, strerror(errno));
		return 1;
	}
	next_tick = psim_now_us();

	while (!psim.quit && !psim_sig) {
		struct pollfd pfd[2 * PSIM_SPANS + 1];
		struct timespec ts;
		unsigned int n = 0;
		uint64_t now;
		int64_t wait_us;

		for (i = 0; i < psim.nspans; i++) {
			pfd[n++] = (struct pollfd){ .fd = psim.span[i].lfd, .events = POLLIN };
			pfd[n++] = (struct pollfd){ .fd = psim.span[i].cfd, .events = POLLIN };
		}
		pfd[n++] = (struct pollfd){ .fd = use_stdin ? STDIN_FILENO : -1, .events = POLLIN };
		now = psim_now_us();
		wait_us = (int64_t)(next_tick - now);
		if (wait_us < 0)
			wait_us = hold ? 1000 : 0; /* the box's block wakes us earlier */
		ts.tv_sec = wait_us / 1000000;
		ts.tv_nsec = (wait_us % 1000000) * 1000;
		rc = ppoll(pfd, n, &ts, NULL);
		if (rc > 0) {
			for (i = 0; i < psim.nspans; i++) {
				if (pfd[2 * i].revents & POLLIN)
					psim_span_accept(&psim.span[i]);
				if (pfd[2 * i + 1].revents & (POLLIN | POLLHUP | POLLERR))
					psim_span_read(&psim.span[i]);
			}
			if (pfd[n - 1].revents & (POLLIN | POLLHUP | POLLERR))
				if (psim_stdin(inbuf, &infill, sizeof(inbuf)) < 0)
					use_stdin = false; /* EOF: keep serving the lines */
		}
		/* the line clock: one block per ms, all that are due */
		now = psim_now_us();
		if (now >= next_tick + PSIM_MAX_BEHIND_US) {
			psim_ev("clock_skip", "\"ms\":%llu",
				(unsigned long long)((now - next_tick) / 1000u));
			next_tick = now;
		}
		hold = false;
		while (now >= next_tick) {
			if (psim_calls_hybrid_wait() && now < next_tick + PSIM_HYB_HOLD_US) {
				hold = true;
				break;
			}
			for (i = 0; i < psim.nspans; i++)
				psim_span_tick(&psim.span[i]);
			next_tick += 1000;
		}
		for (i = 0; i < psim.nspans; i++)
			dchan_timers(&psim.span[i].dc);
		psim_cmd_poll();
	}

	psim_ev("quit", NULL);
	for (i = 0; i < psim.nspans; i++) {
		struct psim_span *sp = &psim.span[i];

		if (sp->cfd >= 0)
			close(sp->cfd);
		close(sp->lfd);
		unlink(sp->path);
	}
	for (i = 0; i < PSIM_CALLS; i++)
		psim_call_free(&psim.calls[i]);
	if (psim.pcap_on)
		dchan_pcap_close(&psim.pcap);
	if (psim.out != stdout)
		fclose(psim.out);
	return 0;
}
