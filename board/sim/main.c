// SPDX-License-Identifier: GPL-2.0-or-later
/* The sim appliance: the firmware as a Linux process. Devices come from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drv/e1_framer.h>
#include <drv/eth.h>
#include <drv/flash.h>
#include <hlgw/board.h>
#include <hlgw/main.h>

#include "../../drivers/e1/e1_sim.h"
#include "../../drivers/eth/eth_sim.h"
#include "../../drivers/flash/flash_sim.h"
#include "sim_poll.h"

void sim_board_signals(void);

struct sim_opts sim_opts = { .console = NULL, .flash_cut_at = -1 };

static struct e1_framer_dev sim_e1[CONFIG_E1_SPANS];
static struct eth_dev sim_eth;
static struct flash_dev sim_flash;
static struct board sim_board = { .name = "sim" };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hlgw [options]\n"
		"  -e, --e1 PATH        E1 span line: the telco side's socket (repeat per span,\n"
		"                       up to %d spans)\n"
		"  -t, --tap NAME       Ethernet: tap interface (created if missing)\n"
		"  -c, --console PATH   console on a new pty, symlinked at PATH ('-': stdin/stdout)\n"
		"  -f, --flash FILE     flash image (created, erased, when missing)\n"
		"  -F, --factory FILE   configuration used when the flash holds none\n"
		"  -p, --pcap-dir DIR   where `debug isdn pcap` writes D-channel captures\n"
		"  -r, --route-table FILE  routing table loaded (and saved) at start\n"
		"      --flash-cut N    fault injection: power cut during the Nth flash program\n",
		CONFIG_E1_SPANS);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "e1", required_argument, NULL, 'e' },
		{ "tap", required_argument, NULL, 't' },
		{ "console", required_argument, NULL, 'c' },
		{ "flash", required_argument, NULL, 'f' },
		{ "factory", required_argument, NULL, 'F' },
		{ "pcap-dir", required_argument, NULL, 'p' },
		{ "route-table", required_argument, NULL, 'r' },
		{ "flash-cut", required_argument, NULL, 1 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned int i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "e:t:c:f:F:p:r:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (sim_opts.n_e1 == CONFIG_E1_SPANS) {
				fprintf(stderr, "hlgw: this build has %d spans\n", CONFIG_E1_SPANS);
				return 2;
			}
			sim_opts.e1_path[sim_opts.n_e1++] = optarg;
			break;
		case 't':
			sim_opts.tap = optarg;
			break;
		case 'c':
			sim_opts.console = optarg;
			break;
		case 'f':
			sim_opts.flash = optarg;
			break;
		case 'F':
			sim_opts.factory_config = optarg;
			break;
		case 'p':
			sim_opts.pcap_dir = optarg;
			break;
		case 'r':
			sim_opts.route_table = optarg;
			break;
		case 1:
			sim_opts.flash_cut_at = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	for (i = 0; i < sim_opts.n_e1; i++) {
		rc = e1_sim_init(&sim_e1[i], i, sim_opts.e1_path[i]);
		if (rc < 0) {
			fprintf(stderr, "hlgw: span %u: %s\n", i, strerror(-rc));
			return 1;
		}
		sim_board.e1[i] = &sim_e1[i];
	}
	sim_board.n_e1 = sim_opts.n_e1;
	if (sim_opts.tap) {
		rc = eth_sim_init(&sim_eth, sim_opts.tap);
		if (rc < 0) {
			fprintf(stderr, "hlgw: tap %s: %s\n", sim_opts.tap, strerror(-rc));
			return 1;
		}
		sim_board.eth = &sim_eth;
	}
	rc = flash_sim_init(&sim_flash, sim_opts.flash, sim_opts.flash_cut_at);
	if (rc < 0) {
		fprintf(stderr, "hlgw: flash %s: %s\n", sim_opts.flash ? sim_opts.flash : "(ram)",
			strerror(-rc));
		return 1;
	}
	sim_board.flash = &sim_flash;
	sim_board.pcap_dir = sim_opts.pcap_dir ? sim_opts.pcap_dir : ".";
	sim_board.route_table = sim_opts.route_table;

	sim_board_signals();
	rc = hlgw_main(&sim_board);
	return rc < 0 ? 1 : 0;
}
