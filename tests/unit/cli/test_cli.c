// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CLI transcript tests: the real command tree on a VTY over a socketpair, as the console runs
 * it, fed command lines; the session output is compared with golden transcripts
 * (tests/unit/cli/transcripts/NAME.in -> NAME.out; CLI_GOLDEN_UPDATE=1 rewrites the .out
 * files). Also: write + replay round trip, replay error reporting, random-byte lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/vty.h>

#include <hlgw/board.h>
#include <hlgw/log.h>
#include <hlgw/store.h>
#include <hlgw/subsys.h>

#include "../../../drivers/flash/flash_sim.h"
#include "../../../firmware/cli/cli_int.h"
#include "cli_doubles.h"

static struct flash_dev flash;
static struct board board = { .name = "test" };

static struct {
	int fd[2];
	struct vty *vty;
	char *out; /* what the session printed (talloc) */
} sess;

/* ---- a console session on a socketpair ---- */

static void sess_read(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(sess.fd[1], buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		ssize_t i;

		for (i = 0; i < n; i++) {
			unsigned char c = buf[i];

			if (c == '\r' || c >= 0x80)
				continue; /* \r\n -> \n; telnet negotiation octets */
			sess.out = talloc_strndup_append(sess.out, &buf[i], 1);
		}
	}
}

static void sess_open(void)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sess.fd), 0);
	fcntl(sess.fd[0], F_SETFL, O_NONBLOCK);
	sess.vty = vty_create(sess.fd[0], cli_vty_priv_new());
	assert_non_null(sess.vty);
	vty_flush(sess.vty);
	sess_read();
	/* the banner is not part of a transcript, the first prompt is */
	{
		char *nl = strrchr(sess.out, '\n');
		char *prompt = talloc_strdup(NULL, nl ? nl + 1 : sess.out);

		talloc_free(sess.out);
		sess.out = prompt;
	}
}

static void sess_close(void)
{
	if (sess.vty)
		vty_close(sess.vty);
	sess.vty = NULL;
	close(sess.fd[1]);
	talloc_free(sess.out);
	sess.out = NULL;
}

/* Type bytes at the console; returns false when the session ended (exit). */
static bool sess_type(const char *bytes, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(sess.fd[1], bytes + done, len - done);

		assert_true(n > 0);
		done += (size_t)n;
		/* libosmovty reads up to 512 octets at a time */
		while (1) {
			char peek;

			if (recv(sess.fd[0], &peek, 1, MSG_PEEK | MSG_DONTWAIT) != 1)
				break;
			if (vty_read(sess.vty) < 0) {
				sess.vty = NULL;
				sess_read();
				close(sess.fd[1]);
				return false;
			}
			vty_flush(sess.vty);
			sess_read();
		}
	}
	return true;
}

static bool sess_line(const char *line)
{
	return sess_type(line, strlen(line)) && sess_type("\r", 1);
}

/* ---- golden transcripts ---- */

static char *golden_path(const char *name, const char *ext)
{
	const char *dir = getenv("CLI_GOLDEN_DIR");
	char *src = talloc_strdup(NULL, __FILE__), *slash = strrchr(src, '/');
	char *p;

	if (slash)
		*slash = 0;
	p = talloc_asprintf(NULL, "%s/transcripts/%s.%s", dir ? dir : (slash ? src : "."), name,
			    ext);
	talloc_free(src);
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = talloc_strdup(NULL, ""), buf[4096];
	size_t n;

	if (!f) {
		talloc_free(s);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		s = talloc_strndup_append(s, buf, n);
	fclose(f);
	return s;
}

/* Print the first differing line of two texts. */
static void show_diff(const char *want, const char *got)
{
	unsigned int line = 1;
	const char *w = want, *g = got;

	while (*w && *w == *g) {
		if (*w == '\n')
			line++;
		w++, g++;
	}
	while (w > want && w[-1] != '\n')
		w--, g--;
	print_error("transcript differs at line %u:\n  want: %.*s\n  got:  %.*s\n", line,
		    (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"), g);
}

static void run_transcript(void **state)
{
	const char *name = *state;
	char *in_path = golden_path(name, "in"), *out_path = golden_path(name, "out");
	char *in = slurp(in_path), *want, *line, *save = NULL;

	assert_non_null(in);
	double_reset();
	sess_open();
	for (line = strtok_r(in, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (!sess_line(line))
			break;
	}
	if (getenv("CLI_GOLDEN_UPDATE")) {
		FILE *f = fopen(out_path, "w");

		assert_non_null(f);
		fputs(sess.out, f);
		fclose(f);
	}
	want = slurp(out_path);
	assert_non_null(want);
	if (strcmp(want, sess.out)) {
		show_diff(want, sess.out);
		fail();
	}
	/* leave config mode so the next session is not locked out of it */
	if (sess.vty)
		sess_line("end");
	sess_close();
	talloc_free(in);
	talloc_free(want);
	talloc_free(in_path);
	talloc_free(out_path);
}

/* ---- write and replay ---- */

static char *running_config(void)
{
	size_t len;

	return cli_running_config(NULL, &len);
}

static void test_write_replay(void **state)
{
	static const char *const setup[] = {
		"enable", "configure terminal", "span 0", "framing no-crc4", "linecode ami",
		"clock source internal", "signalling net", "switchtype qsig", "echocanceller 128",
		"dchan 15", "bchan 1-14,16-20", "exit", "span 1", "no shutdown", "exit",
		"interface ethernet 0", "ip address 198.18.3.4 255.255.255.0",
		"ip default-gateway 198.18.3.1", "exit", "timer q921 T200 1500", "log main",
		"logging level q921 debug", "end", "write memory",
	};
	char *before, *after, buf[CONFIG_STORE_SLOT_SIZE];
	size_t i, len;

	double_reset();
	sess_open();
	for (i = 0; i < ARRAY_SIZE(setup); i++)
		assert_true(sess_line(setup[i]));
	assert_non_null(strstr(sess.out, "[OK]"));
	before = running_config();
	assert_non_null(strstr(before, " framing no-crc4\n"));
	assert_non_null(strstr(before, " dchan 15\n bchan 1-14,16-20\n"));
	assert_non_null(strstr(before, "timer q921 T200 1500\n"));
	assert_non_null(strstr(before, "log main\n logging level q921 debug\n"));

	/* "reboot": everything back to defaults, then the saved config replays */
	assert_int_equal(store_load(buf, sizeof(buf), &len), 0);
	sess_line("configure terminal");
	sess_line("timer q921 T200 default");
	sess_line("log main");
	sess_line("logging level q921 notice");
	sess_line("end");
	double_reset();
	after = running_config();
	assert_string_not_equal(before, after);
	talloc_free(after);
	double_log_len = 0;
	assert_int_equal(cli_replay(buf, len, "saved config"), 0);
	after = running_config();
	assert_string_equal(before, after);
	sess_close();
	talloc_free(before);
	talloc_free(after);
}

static void test_replay_bad_lines(void **state)
{
	const char *text = "span 0\n"
			   " framing no-crc4\n"
			   " framing crc5\n"	    /* 3: unknown value */
			   " linecode ami\n"	    /* applied although line 3 failed */
			   "!\n"
			   "span 7\n"		    /* 6: no such span */
			   " linecode hdb3\n"	    /* 7: belongs to span 7's failed node */
			   "bogus\n"		    /* 8 */
			   "span=2,1,0,ccs,ami\n"   /* DAHDI at config level */
			   "span=2,1,0,ccs,b8zs\n"  /* 10: bad coding */
			   "span 1\n"
			   " echocanceller 48\n"    /* 12: not a tail length */
			   " echocanceller 32\n"
			   "end\n"
			   "interface ethernet 0\n" /* after `end` the replay stays in config mode */
			   " ip address 198.18.9.9 255.255.255.0\n";
	char *rc_text;

	double_reset();
	double_log_len = 0;
	assert_int_equal(cli_replay(text, strlen(text), "test config"), 6);
	rc_text = running_config();
	assert_non_null(strstr(rc_text, "span 0\n framing no-crc4\n linecode ami\n"));
	assert_non_null(strstr(rc_text, "span 1\n framing no-crc4\n linecode ami\n clock source line\n"));
	assert_non_null(strstr(rc_text, " echocanceller 32\n"));
	assert_non_null(strstr(rc_text, " ip address 198.18.9.9 255.255.255.0\n"));
	assert_non_null(strstr(double_log, "test config line 3: 'framing crc5': % Unknown command."));
	assert_non_null(strstr(double_log, "test config line 6: 'span 7'"));
	assert_non_null(strstr(double_log, "test config line 8: 'bogus'"));
	assert_non_null(strstr(double_log, "test config line 10: 'span=2,1,0,ccs,b8zs': "
					   "% span=2,1,0,ccs,b8zs: field 5 (coding)"));
	assert_non_null(strstr(double_log, "test config line 12:"));
	talloc_free(rc_text);
}

static void test_boot_factory_when_flash_empty(void **state)
{
	char *rc_text;

	/* empty flash: cli start replays the factory text */
	memset(flash_sim_image(&flash), 0xff, 2 * CONFIG_STORE_SLOT_SIZE);
	assert_int_equal(store_subsys.init(&board), 0);
	double_reset();
	double_factory = "span 1\n framing no-crc4\n";
	assert_int_equal(cli_subsys.start(), 0);
	rc_text = running_config();
	assert_non_null(strstr(rc_text, "span 1\n framing no-crc4\n"));
	talloc_free(rc_text);
	/* a saved config wins over the factory text */
	assert_int_equal(store_save("span 1\n linecode ami\n", 21), 0);
	double_reset();
	assert_int_equal(cli_subsys.start(), 0);
	rc_text = running_config();
	assert_non_null(strstr(rc_text, "span 1\n framing crc4\n linecode ami\n"));
	talloc_free(rc_text);
	double_factory = NULL;
}

/* ---- fuzz-ish input ---- */

static const char *const fuzz_words[] = {
	"show", "controllers", "e1", "0", "1", "9", "isdn", "status", "ip", "interface",
	"running-config", "enable", "configure", "terminal", "span", "framing", "crc4",
	"linecode", "ami", "clock", "source", "line", "bchan", "1-15,17-31", "dchan", "16",
	"no", "shutdown", "echocanceller", "64", "timer", "q921", "T200", "ethernet",
	"address", "198.18.0.1", "255.255.255.0", "default-gateway", "span=1,0,0,ccs,hdb3,crc4",
	"bchan=1-40", "dchan=16", "echocanceller=mg2,1-15", "x=", "=", "?", "\t", "exit", "end",
	"logging", "level", "all", "debug", "do", "list", "log", "main", "write", "terminal",
	"show", "startup-config",
};

static void test_fuzz(void **state)
{
	unsigned int i, j, lines = 0;
	char line[600];

	srandom(826);
	double_reset();
	sess_open();
	for (i = 0; i < 3000; i++) {
		size_t len = 0, n;

		if (i % 2) {
			/* random octets, any value */
			n = random() % sizeof(line);
			for (len = 0; len < n; len++)
				line[len] = (char)(random() & 0xff);
		} else {
			/* words of the command tree in random order */
			n = 1 + random() % 6;
			for (j = 0; j < n; j++)
				len += snprintf(line + len, sizeof(line) - len, "%s ",
						fuzz_words[random() % ARRAY_SIZE(fuzz_words)]);
			line[len++] = '\r';
		}
		if (!sess_type(line, len)) {
			/* `exit` at the top ended the session: log in again */
			talloc_free(sess.out);
			sess.out = NULL;
			sess_open();
		}
		if (talloc_get_size(sess.out) > 1000000) {
			talloc_free(sess.out);
			sess.out = talloc_strdup(NULL, "");
		}
		lines++;
	}
	/* still answering: a clean line, then a command */
	sess_type("\x03\x15\r", 3);
	sess_line("end");
	talloc_free(sess.out);
	sess.out = talloc_strdup(NULL, "");
	assert_true(sess_line("show isdn status"));
	assert_non_null(strstr(sess.out, "Layer 1 Status"));
	sess_close();
	print_message("  %u fuzz lines\n", lines);
}

static const char *const transcripts[] = {
	"basic", "span", "dahdi", "ip", "timers_debug", "sip",
};

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(transcripts) + 4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(transcripts); i++)
		tests[i] = (struct CMUnitTest){
			.name = transcripts[i],
			.test_func = run_transcript,
			.initial_state = (void *)transcripts[i],
		};
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_write_replay);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_replay_bad_lines);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_boot_factory_when_flash_empty);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_fuzz);

	hlgw_log_init();
	assert_int_equal(flash_sim_init(&flash, NULL, -1), 0);
	board.flash = &flash;
	if (store_subsys.init(&board) < 0 || cli_subsys.init(&board) < 0)
		return 1;
	double_reset();
	return _cmocka_run_group_tests("cli", tests, i, NULL, NULL);
}
