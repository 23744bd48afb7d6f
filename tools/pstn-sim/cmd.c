// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pstn-sim commands: one per line, from a scenario file (-x) and/or stdin, run in order.
 * `wait` and `wait-event` hold the following commands back (the line clock keeps running).
 * Arguments are words and key=value pairs; see usage in main.c and the README.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hybrid.h"
#include "psim.h"

#define CMD_QUEUE 256
#define CMD_ARGS 16

static char *cmd_queue[CMD_QUEUE];
static unsigned int cmd_head, cmd_n;

static struct {
	bool active;
	uint64_t until_us;
	char ev[32];
	char match[96];
	uint64_t since;
} cmd_wait;

struct cmd_args {
	int n;
	char *key[CMD_ARGS]; /* NULL for a bare word */
	char *val[CMD_ARGS];
};

static const char *arg_get(const struct cmd_args *a, const char *key)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (a->key[i] && !strcmp(a->key[i], key))
			return a->val[i];
	return NULL;
}

/* the idx-th bare word (after the command name) */
static const char *arg_word(const struct cmd_args *a, int idx)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (!a->key[i] && idx-- == 0)
			return a->val[i];
	return NULL;
}

static long arg_long(const struct cmd_args *a, const char *key, long def)
{
	const char *v = arg_get(a, key);

	return v ? strtol(v, NULL, 0) : def;
}

static void cmd_error(const char *cmd, const char *msg)
{
	char b1[128], b2[256];

	psim_ev("error", "\"cmd\":\"%s\",\"msg\":\"%s\"", psim_json_str(b1, sizeof(b1), cmd),
		psim_json_str(b2, sizeof(b2), msg));
}

static struct psim_span *cmd_span(const struct cmd_args *a, const char *cmd)
{
	long s = arg_long(a, "span", 0);

	if (s < 0 || s >= (long)psim.nspans) {
		cmd_error(cmd, "no such span");
		return NULL;
	}
	return &psim.span[s];
}

static struct psim_call *cmd_call(const struct cmd_args *a, const char *cmd)
{
	const char *id = arg_get(a, "call");
	struct psim_call *c = id ? psim_call_get((unsigned int)atoi(id)) : psim_call_latest();

	if (!c)
		cmd_error(cmd, "no such call");
	return c;
}

static int lookup(const char *s, const char *const *names, int n, int def)
{
	int i;

	if (!s)
		return def;
	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(s, names[i]))
			return i;
	return -1;
}

static void cmd_call_place(const struct cmd_args *a)
{
	static const char *const tons[] = { "unknown", "international", "national", "network",
					     "subscriber", NULL, "abbreviated" };
	static const char *const npis[] = { "unknown", "e164", NULL, "data", "telex", NULL,
					     NULL, NULL, "national", "private" };
	static const char *const pres[] = { "allowed", "restricted", "unavailable" };
	static const int pres_val[] = { PRES_ALLOWED_USER_NUMBER_NOT_SCREENED,
					PRES_PROHIB_USER_NUMBER_NOT_SCREENED,
					PRES_NUMBER_NOT_AVAILABLE };
	struct psim_span *sp = cmd_span(a, "call");
	const char *called = arg_get(a, "called");
	int ton = lookup(arg_get(a, "ton"), tons, 7, 0);
	int npi = lookup(arg_get(a, "npi"), npis, 10, 1);
	int pr = lookup(arg_get(a, "pres"), pres, 3, 0);
	long bchan = arg_long(a, "bchan", 1);
	int rc;

	if (!sp)
		return;
	if (!called) {
		cmd_error("call", "called= missing");
		return;
	}
	if (ton < 0 || npi < 0 || pr < 0 || bchan < 1 || bchan > 31 || bchan == 16) {
		cmd_error("call", "bad ton/npi/pres/bchan");
		return;
	}
	rc = psim_call_place(sp->nr, called, arg_get(a, "calling"), ton, npi, pres_val[pr],
			     (int)bchan);
	if (rc == -1)
		cmd_error("call", "D-channel is not up");
	else if (rc < 0)
		cmd_error("call", "libpri refused the call");
}

static void cmd_fault(const struct cmd_args *a)
{
	struct psim_span *sp = cmd_span(a, "fault");
	const char *what = arg_word(a, 0), *arg = arg_word(a, 1);
	bool on = arg && (!strcmp(arg, "on") || !strcmp(arg, "1"));

	if (!sp || !what) {
		if (sp)
			cmd_error("fault", "which fault?");
		return;
	}
	if (!strcmp(what, "los")) {
		sp->los = on;
	} else if (!strcmp(what, "ais")) {
		g704_tx_set_ais(&sp->gtx, on);
	} else if (!strcmp(what, "rai")) {
		g704_tx_set_rai(&sp->gtx, on);
	} else if (!strcmp(what, "crc4")) {
		long rate = arg_long(a, "rate", 0), count = arg_long(a, "count", 0);

		if (arg && !strcmp(arg, "off"))
			rate = count = 0;
		if (g704_tx_corrupt_crc(&sp->gtx, (uint32_t)count, (uint32_t)rate) < 0) {
			cmd_error("fault", "CRC-4 is off on this line");
			return;
		}
	} else if (!strcmp(what, "lfa")) {
		if (arg && (!strcmp(arg, "on") || !strcmp(arg, "off"))) {
			sp->lfa_hold = on;
			if (!on)
				g704_tx_corrupt_fas(&sp->gtx, 0);
		} else {
			g704_tx_corrupt_fas(&sp->gtx, (uint32_t)arg_long(a, "count", 3));
		}
	} else if (!strcmp(what, "slip")) {
		g704_tx_slip(&sp->gtx, arg_long(a, "dir", -1) < 0 ? -1 : 1);
	} else {
		cmd_error("fault", "unknown fault (los ais rai crc4 lfa slip)");
		return;
	}
	psim_ev("fault", "\"span\":%u,\"fault\":\"%s\",\"arg\":\"%s\"", sp->nr, what,
		arg ? arg : "");
}

static void cmd_play(const struct cmd_args *a)
{
	struct psim_call *c = cmd_call(a, "play");
	const char *file = arg_get(a, "file"), *tone = arg_get(a, "tone");
	struct psim_media *m = NULL;
	char err[160];

	if (!c)
		return;
	if (!file && !tone)
		file = arg_word(a, 0);
	if (tone) {
		double f = 1000, lvl = -10;
		uint32_t ms = (uint32_t)arg_long(a, "dur", 0);
		char *end;

		f = strtod(tone, &end);
		if (*end == ',')
			lvl = strtod(end + 1, &end);
		if (!strncasecmp(end, "dBm0", 4))
			end += 4;
		if (*end == ',')
			ms = (uint32_t)strtoul(end + 1, NULL, 10);
		if (f <= 0 || f >= 4000 || lvl > 3.14) {
			cmd_error("play", "tone=FREQ,LEVELdBm0[,MS]: 0 < FREQ < 4000, LEVEL <= 3.14");
			return;
		}
		m = psim_media_tone(f, lvl, ms);
		if (m && arg_long(a, "rev", 0) > 0)
			psim_media_tone_reversals(m, (uint32_t)arg_long(a, "rev", 0));
	} else if (file) {
		m = psim_media_wav_in(file, err, sizeof(err));
		if (!m) {
			cmd_error("play", err);
			return;
		}
	} else {
		cmd_error("play", "file or tone= missing");
		return;
	}
	if (c->play)
		psim_media_close(c->play);
	c->play = m;
	psim_ev("play", "\"call\":%u", c->id);
}

/* hybrid [call=N] model=1..8 [erl=6] [delay=MS] | off: the caller's line echoes the box */
static void cmd_hybrid(const struct cmd_args *a)
{
	struct psim_call *c = cmd_call(a, "hybrid");
	const char *w = arg_word(a, 0);
	double erl = arg_get(a, "erl") ? strtod(arg_get(a, "erl"), NULL) : 6.0;
	long model = arg_long(a, "model", 0), delay = arg_long(a, "delay", 0);

	if (!c)
		return;
	if (w && !strcmp(w, "off")) {
		psim_hybrid_off(c->hyb);
		psim_ev("hybrid", "\"call\":%u,\"on\":false,\"late\":%llu", c->id,
			c->hyb ? (unsigned long long)c->hyb->late : 0ULL);
		return;
	}
	if (!c->hyb)
		c->hyb = calloc(1, sizeof(*c->hyb));
	if (!c->hyb) {
		cmd_error("hybrid", "out of memory");
		return;
	}
	if (delay < 0 || psim_hybrid_set(c->hyb, (int)model, erl, (unsigned int)delay) < 0) {
		cmd_error("hybrid", "model=1..8 (Annex D.2..D.9) [erl=0..60] [delay=0..100]");
		return;
	}
	psim_ev("hybrid", "\"call\":%u,\"on\":true,\"model\":\"D.%ld\",\"erl\":%.1f,"
		"\"delay\":%ld", c->id, model + 1, erl, delay);
}

static void cmd_record(const struct cmd_args *a)
{
	struct psim_call *c = cmd_call(a, "record");
	const char *file = arg_get(a, "file");
	char err[160];

	if (!c)
		return;
	if (!file)
		file = arg_word(a, 0);
	if (!file) {
		cmd_error("record", "file missing");
		return;
	}
	if (c->rec) {
		psim_media_close(c->rec);
		c->rec = NULL;
		psim_ev("record_done", "\"call\":%u", c->id);
	}
	if (!strcmp(file, "stop"))
		return;
	c->rec = psim_media_wav_out(file, err, sizeof(err));
	if (!c->rec)
		cmd_error("record", err);
	else
		psim_ev("record", "\"call\":%u", c->id);
}

static void cmd_status(const struct cmd_args *a)
{
	struct psim_span *sp = cmd_span(a, "status");
	const struct dchan_ctr *c;
	char al[64];

	if (!sp)
		return;
	c = &sp->dc.ctr;
	psim_ev("status", "\"span\":%u,\"connected\":%s,\"l1\":%s,\"alarms\":%s,\"l2\":\"%s\","
		"\"sabme_tx\":%u,\"sabme_rx\":%u,\"ua_tx\":%u,\"ua_rx\":%u,\"frames_tx\":%u,"
		"\"frames_rx\":%u,\"iframes_tx\":%u,\"iframes_rx\":%u,\"hdlc_crc_err\":%u,"
		"\"crc4_err\":%u,\"ebit\":%u,\"slips\":%u,\"blocks_tx\":%llu,\"blocks_rx\":%llu,"
		"\"tx_dropped\":%llu",
		sp->nr, sp->cfd >= 0 ? "true" : "false", sp->l1_up ? "true" : "false",
		psim_alarm_list(al, sizeof(al), sp->rx_alarms), isdn_l2_state_name(sp->dc.l2),
		c->sabme_tx, c->sabme_rx, c->ua_tx, c->ua_rx, c->frames_tx, c->frames_rx,
		c->iframes_tx, c->iframes_rx, c->hdlc_crc_err, sp->grx.ctr.crc4, sp->grx.ctr.ebit,
		sp->grx.ctr.slips, (unsigned long long)sp->blocks_tx,
		(unsigned long long)sp->blocks_rx, (unsigned long long)sp->tx_dropped);
}

/*
 * Robustness: random LAPD frames (valid HDLC, so they reach the box's LAPD/Q.931 code):
 * a mix of random bytes, random U/S frames, and UI frames carrying Q.931-like messages with
 * random IEs. They are sent with the network's C/R bit.
 */
static void cmd_fuzz(const struct cmd_args *a)
{
	struct psim_span *sp = cmd_span(a, "fuzz");
	long n = arg_long(a, "frames", 100), sent = 0, i;
	uint8_t f[DCHAN_MAX_FRAME];

	if (!sp)
		return;
	srandom((unsigned int)arg_long(a, "seed", (long)psim_now_us()));
	for (i = 0; i < n; i++) {
		unsigned int len, j, kind = (unsigned int)random() % 3;

		if (kind == 0) { /* anything */
			len = 2 + (unsigned int)random() % 63; /* 1 octet: see dchan_send_frame */
			for (j = 0; j < len; j++)
				f[j] = (uint8_t)random();
		} else if (kind == 1) { /* S/U frames on SAPI 0 / TEI 0 */
			f[0] = 0x02;
			f[1] = 0x01;
			f[2] = (uint8_t)(random() | 0x01);
			f[3] = (uint8_t)random();
			len = 3 + (unsigned int)random() % 2;
		} else { /* UI with a Q.931-ish message: pd, cref, type, random IEs */
			f[0] = 0x02;
			f[1] = 0x01;
			f[2] = 0x03;
			f[3] = 0x08;
			f[4] = 0x02;
			f[5] = (uint8_t)random();
			f[6] = (uint8_t)random();
			f[7] = (uint8_t)random();
			len = 8 + (unsigned int)random() % 120;
			for (j = 8; j < len; j++)
				f[j] = (uint8_t)random();
			if (random() % 2)
				f[7] = 0x05; /* SETUP */
		}
		if (dchan_send_frame(&sp->dc, f, len) == 0)
			sent++;
		else
			break; /* queue full: the rest next time */
	}
	psim_ev("fuzz", "\"span\":%u,\"frames\":%ld", sp->nr, sent);
}

/* raw [span=0] [ui] HEX...: the bare words are hex octets */
static void cmd_raw(const struct cmd_args *a)
{
	struct psim_span *sp = cmd_span(a, "raw");
	uint8_t msg[DCHAN_MAX_FRAME];
	char hex[2 * DCHAN_MAX_FRAME + 64] = "";
	bool ui = false;
	const char *w;
	int i, n, rc;

	if (!sp)
		return;
	for (i = 0; (w = arg_word(a, i)); i++) {
		if (!strcmp(w, "ui"))
			ui = true;
		else if (strlen(hex) + strlen(w) < sizeof(hex))
			strcat(hex, w);
	}
	n = psim_raw_hex(msg, sizeof(msg), hex);
	if (n <= 0) {
		cmd_error("raw", "HEX octets expected");
		return;
	}
	rc = psim_raw_send(sp, msg, (unsigned int)n, ui);
	psim_ev("raw_sent", "\"span\":%u,\"kind\":\"raw\",\"len\":%d,\"ui\":%s,\"rc\":%d", sp->nr,
		n, ui ? "true" : "false", rc);
	if (rc == -1)
		cmd_error("raw", "D-channel is not up");
}

static void cmd_bad(const struct cmd_args *a)
{
	struct psim_span *sp = cmd_span(a, "bad");
	const char *kind = arg_word(a, 0), *ui = arg_word(a, 1);

	if (!sp)
		return;
	if (!kind) {
		cmd_error("bad", "which kind?");
		return;
	}
	if (psim_raw_bad(sp, kind, arg_long(a, "cref", -1), arg_long(a, "bchan", 1),
			 ui && !strcmp(ui, "ui")) < 0)
		cmd_error("bad", "unknown kind (see usage)");
}

static void cmd_exec(char *line)
{
	struct cmd_args a = { 0 };
	char *p = line, *cmd, *tok, *save = NULL;
	struct psim_call *c;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return;
	cmd = strtok_r(p, " \t\r\n", &save);
	if (!cmd)
		return;
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) && a.n < CMD_ARGS) {
		char *eq = strchr(tok, '=');

		if (eq && eq != tok) {
			*eq = '\0';
			a.key[a.n] = tok;
			a.val[a.n] = eq + 1;
		} else {
			a.key[a.n] = NULL;
			a.val[a.n] = tok;
		}
		a.n++;
	}

	if (!strcmp(cmd, "call")) {
		cmd_call_place(&a);
	} else if (!strcmp(cmd, "hangup")) {
		c = cmd_call(&a, cmd);
		if (c) {
			pri_hangup(dchan_pri(&psim.span[c->span].dc), c->call,
				   (int)arg_long(&a, "cause", 16));
			psim_ev("hangup_sent", "\"call\":%u,\"cause\":%ld", c->id,
				arg_long(&a, "cause", 16));
		}
	} else if (!strcmp(cmd, "answer")) {
		c = cmd_call(&a, cmd);
		if (c) {
			pri_answer(dchan_pri(&psim.span[c->span].dc), c->call, c->bchan, 0);
			c->answered = true;
			psim_ev("answer_sent", "\"call\":%u", c->id);
		}
	} else if (!strcmp(cmd, "alerting")) {
		c = cmd_call(&a, cmd);
		if (c)
			pri_acknowledge(dchan_pri(&psim.span[c->span].dc), c->call, c->bchan, 1);
	} else if (!strcmp(cmd, "play")) {
		cmd_play(&a);
	} else if (!strcmp(cmd, "stop")) {
		c = cmd_call(&a, cmd);
		if (c && c->play) {
			psim_media_close(c->play);
			c->play = NULL;
			psim_ev("play_done", "\"call\":%u", c->id);
		}
	} else if (!strcmp(cmd, "record")) {
		cmd_record(&a);
	} else if (!strcmp(cmd, "hybrid")) {
		cmd_hybrid(&a);
	} else if (!strcmp(cmd, "dtmf")) {
		c = cmd_call(&a, cmd);
		if (c && arg_word(&a, 0)) {
			if (c->play)
				psim_media_close(c->play);
			c->play = psim_media_dtmf(arg_word(&a, 0), (uint32_t)arg_long(&a, "on", 100),
						  (uint32_t)arg_long(&a, "off", 100));
			psim_ev("dtmf_sent", "\"call\":%u,\"digits\":\"%s\"", c->id, arg_word(&a, 0));
		} else if (c) {
			cmd_error(cmd, "digits missing");
		}
	} else if (!strcmp(cmd, "fault")) {
		cmd_fault(&a);
	} else if (!strcmp(cmd, "fuzz")) {
		cmd_fuzz(&a);
	} else if (!strcmp(cmd, "raw")) {
		cmd_raw(&a);
	} else if (!strcmp(cmd, "bad")) {
		cmd_bad(&a);
	} else if (!strcmp(cmd, "trace")) {
		psim.trace_q931 = arg_word(&a, 0) && !strcmp(arg_word(&a, 0), "on");
	} else if (!strcmp(cmd, "disconnect")) {
		struct psim_span *sp = cmd_span(&a, cmd);

		if (sp)
			psim_span_close(sp, "disconnect command");
	} else if (!strcmp(cmd, "auto-answer")) {
		psim.auto_answer = arg_word(&a, 0) && !strcmp(arg_word(&a, 0), "on");
	} else if (!strcmp(cmd, "pcap")) {
		const char *f = arg_word(&a, 0);

		if (psim.pcap_on) {
			unsigned int i;

			for (i = 0; i < psim.nspans; i++)
				psim.span[i].dc.pcap = NULL;
			dchan_pcap_close(&psim.pcap);
			psim.pcap_on = false;
		}
		if (f && strcmp(f, "stop")) {
			int rc = dchan_pcap_open(&psim.pcap, f);
			unsigned int i;

			if (rc < 0) {
				cmd_error(cmd, strerror(-rc));
				return;
			}
			psim.pcap_on = true;
			for (i = 0; i < psim.nspans; i++)
				psim.span[i].dc.pcap = &psim.pcap;
		}
	} else if (!strcmp(cmd, "status")) {
		cmd_status(&a);
	} else if (!strcmp(cmd, "echo")) {
		char b[256];

		psim_ev("echo", "\"text\":\"%s\"", psim_json_str(b, sizeof(b), arg_word(&a, 0)));
	} else if (!strcmp(cmd, "wait")) {
		const char *ms = arg_word(&a, 0);

		cmd_wait.active = true;
		cmd_wait.ev[0] = '\0';
		cmd_wait.until_us = psim_now_us() + (uint64_t)(ms ? atol(ms) : 0) * 1000u;
	} else if (!strcmp(cmd, "wait-event")) {
		const char *ev = arg_word(&a, 0), *ms = arg_word(&a, 1), *m = arg_get(&a, "match");

		if (!ev) {
			cmd_error(cmd, "event name missing");
			return;
		}
		cmd_wait.active = true;
		snprintf(cmd_wait.ev, sizeof(cmd_wait.ev), "%s", ev);
		snprintf(cmd_wait.match, sizeof(cmd_wait.match), "%s", m ? m : "");
		cmd_wait.since = arg_get(&a, "since-start") ? 0 : psim_ev_seq();
		cmd_wait.until_us = psim_now_us() + (uint64_t)(ms ? atol(ms) : 10000) * 1000u;
	} else if (!strcmp(cmd, "quit")) {
		psim.quit = true;
	} else {
		cmd_error(cmd, "unknown command");
	}
}

void psim_cmd_queue(const char *line)
{
	char *dup;

	if (cmd_n == CMD_QUEUE) {
		cmd_error("queue", "too many queued commands");
		return;
	}
	dup = strdup(line);
	if (!dup)
		return;
	cmd_queue[(cmd_head + cmd_n) % CMD_QUEUE] = dup;
	cmd_n++;
}

int psim_cmd_queue_file(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		psim_cmd_queue(line);
	fclose(f);
	return 0;
}

void psim_cmd_line(const char *line)
{
	psim_cmd_queue(line);
	psim_cmd_poll();
}

static bool cmd_wait_over(void)
{
	if (!cmd_wait.active)
		return true;
	if (cmd_wait.ev[0] &&
	    psim_ev_seen_since(cmd_wait.ev, cmd_wait.since,
			       cmd_wait.match[0] ? cmd_wait.match : NULL)) {
		cmd_wait.active = false;
		return true;
	}
	if (psim_now_us() >= cmd_wait.until_us) {
		cmd_wait.active = false;
		if (cmd_wait.ev[0])
			psim_ev("timeout", "\"wait\":\"%s\"", cmd_wait.ev);
		return true;
	}
	return false;
}

void psim_cmd_poll(void)
{
	while (cmd_n && !psim.quit && cmd_wait_over()) {
		char *line = cmd_queue[cmd_head];

		cmd_head = (cmd_head + 1) % CMD_QUEUE;
		cmd_n--;
		cmd_exec(line);
		free(line);
	}
	if (!cmd_n)
		cmd_wait_over();
}

uint32_t psim_cmd_next_ms(void)
{
	uint64_t now = psim_now_us();

	if (!cmd_wait.active)
		return 1000;
	return cmd_wait.until_us > now ? (uint32_t)((cmd_wait.until_us - now) / 1000u) : 0;
}
