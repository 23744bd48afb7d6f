// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IP commands: `interface ethernet 0` with `ip address A.B.C.D A.B.C.D` and
 * `ip default-gateway A.B.C.D` (also at config level), `show ip interface`. Applied live
 * through net_set_cfg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <hlgw/net.h>

#include "cli_int.h"

static struct cmd_node cli_iface_node = { CLI_IFACE_NODE, "%s(config-if)# ", 1 };

int cli_parse_ip(unsigned int *ip, const char *s)
{
	unsigned int v = 0, part, i;

	for (i = 0; i < 4; i++) {
		unsigned int digits = 0;

		for (part = 0; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			part = part * 10 + (unsigned int)(*s - '0');
		if (!digits || digits > 3 || part > 255 || (i < 3 && *s++ != '.'))
			return -EINVAL;
		v = v << 8 | part;
	}
	if (*s)
		return -EINVAL;
	*ip = v;
	return 0;
}

const char *cli_ip_str(char *buf, size_t size, unsigned int ip)
{
	snprintf(buf, size, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
		 ip & 0xff);
	return buf;
}

static unsigned int cli_mask_bits(uint32_t mask)
{
	unsigned int n = 0;

	while (mask & 0x80000000u) {
		n++;
		mask <<= 1;
	}
	return n;
}

/* Say what is wrong before net_set_cfg refuses it with a bare -EINVAL. */
static int cli_ip_check(struct vty *vty, const struct net_cfg *cfg)
{
	char a[16], b[16];
	uint32_t host;

	if (!cfg->addr) {
		if (!cfg->gw)
			return 0;
		vty_out(vty, "%% Set the address first (interface ethernet 0, ip address)%s",
			VTY_NEWLINE);
		return -EINVAL;
	}
	if (!cfg->mask || (~cfg->mask & (~cfg->mask + 1))) {
		vty_out(vty, "%% Mask %s is not contiguous%s", cli_ip_str(a, sizeof(a), cfg->mask),
			VTY_NEWLINE);
		return -EINVAL;
	}
	host = cfg->addr & ~cfg->mask;
	if (cfg->mask != 0xffffffffu && cfg->mask != 0xfffffffeu &&
	    (host == 0 || host == ~cfg->mask)) {
		vty_out(vty, "%% %s is the %s address of its subnet%s",
			cli_ip_str(a, sizeof(a), cfg->addr), host ? "broadcast" : "network",
			VTY_NEWLINE);
		return -EINVAL;
	}
	if (cfg->gw && (cfg->gw & cfg->mask) != (cfg->addr & cfg->mask)) {
		vty_out(vty, "%% Gateway %s is not in the subnet %s/%u%s",
			cli_ip_str(a, sizeof(a), cfg->gw),
			cli_ip_str(b, sizeof(b), cfg->addr & cfg->mask), cli_mask_bits(cfg->mask),
			VTY_NEWLINE);
		return -EINVAL;
	}
	return 0;
}

static int cli_ip_apply(struct vty *vty, const struct net_cfg *cfg)
{
	int rc;

	if (cli_ip_check(vty, cfg) < 0)
		return CMD_WARNING;
	rc = net_set_cfg(cfg);
	if (rc == 0)
		return CMD_SUCCESS;
	vty_out(vty, "%% The IP stack refused the address (%d)%s", rc, VTY_NEWLINE);
	return CMD_WARNING;
}

static int cli_ip_arg(struct vty *vty, unsigned int *ip, const char *s, const char *what)
{
	if (cli_parse_ip(ip, s) == 0)
		return 0;
	vty_out(vty, "%% Invalid %s '%s'%s", what, s, VTY_NEWLINE);
	return -EINVAL;
}

DEFUN(cfg_iface, cfg_iface_cmd, "interface ethernet <0-0>",
      "Configure an interface\n" "Ethernet interface\n" "Interface number\n")
{
	vty->node = CLI_IFACE_NODE;
	vty->index = NULL;
	return CMD_SUCCESS;
}

DEFUN(cfg_ip_addr, cfg_ip_addr_cmd, "ip address A.B.C.D A.B.C.D",
      "Internet Protocol\n" "Set the interface's IPv4 address\n" "Address\n" "Subnet mask\n")
{
	struct net_cfg cfg;

	net_get_cfg(&cfg);
	if (cli_ip_arg(vty, &cfg.addr, argv[0], "address") < 0 ||
	    cli_ip_arg(vty, &cfg.mask, argv[1], "mask") < 0)
		return CMD_WARNING;
	return cli_ip_apply(vty, &cfg);
}

DEFUN(cfg_no_ip_addr, cfg_no_ip_addr_cmd, "no ip address",
      NO_STR "Internet Protocol\n" "Remove the interface's address (and the gateway)\n")
{
	struct net_cfg cfg = { 0 };

	return cli_ip_apply(vty, &cfg);
}

DEFUN(cfg_ip_gw, cfg_ip_gw_cmd, "ip default-gateway A.B.C.D",
      "Internet Protocol\n" "Default gateway\n" "Gateway address (inside the subnet)\n")
{
	struct net_cfg cfg;

	net_get_cfg(&cfg);
	if (cli_ip_arg(vty, &cfg.gw, argv[0], "gateway") < 0)
		return CMD_WARNING;
	return cli_ip_apply(vty, &cfg);
}

DEFUN(cfg_no_ip_gw, cfg_no_ip_gw_cmd, "no ip default-gateway",
      NO_STR "Internet Protocol\n" "Remove the default gateway\n")
{
	struct net_cfg cfg;

	net_get_cfg(&cfg);
	cfg.gw = 0;
	return cli_ip_apply(vty, &cfg);
}

DEFUN(show_ip_iface, show_ip_iface_cmd, "show ip interface",
      SHOW_STR "Internet Protocol\n" "Interface state, address, counters\n")
{
	struct net_status st;
	struct net_cfg cfg;
	char a[16];

	net_get_cfg(&cfg);
	if (net_get_status(&st) < 0 || !st.present) {
		vty_out(vty, "Ethernet0 is down, line protocol is down%s"
			"  No Ethernet device on this board.%s", VTY_NEWLINE, VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	vty_out(vty, "Ethernet0 is %s, line protocol is %s%s", st.up ? "up" : "down",
		st.up ? "up" : "down", VTY_NEWLINE);
	vty_out(vty, "  Hardware address is %02x:%02x:%02x:%02x:%02x:%02x%s", st.mac[0],
		st.mac[1], st.mac[2], st.mac[3], st.mac[4], st.mac[5], VTY_NEWLINE);
	if (cfg.addr)
		vty_out(vty, "  Internet address is %s/%u%s", cli_ip_str(a, sizeof(a), cfg.addr),
			cli_mask_bits(cfg.mask), VTY_NEWLINE);
	else
		vty_out(vty, "  Internet address is not set%s", VTY_NEWLINE);
	if (cfg.gw)
		vty_out(vty, "  Default gateway is %s%s", cli_ip_str(a, sizeof(a), cfg.gw),
			VTY_NEWLINE);
	vty_out(vty, "  MTU is %u bytes%s", st.mtu, VTY_NEWLINE);
	vty_out(vty, "  %u packets input, %u input drops; %u packets output, %u output errors%s",
		st.rx_packets, st.rx_drops, st.tx_packets, st.tx_errors, VTY_NEWLINE);
	vty_out(vty, "  %u ICMP echo requests received%s", st.icmp_echo_rx, VTY_NEWLINE);
	/* small receive buffers hold RTP in the jitter buffers, the large ones the rest */
	vty_out(vty, "  Small receive buffers (%u octets): %u/%u in use, %u at most%s",
		st.rx_small_size, st.rx_small_used, st.rx_small_bufs, st.rx_small_max_used,
		VTY_NEWLINE);
	vty_out(vty, "  Large receive buffers (%u octets): %u/%u in use, %u at most%s",
		st.rx_pool_size, st.rx_pool_used, st.rx_pool_bufs, st.rx_pool_max_used,
		VTY_NEWLINE);
	vty_out(vty, "  %u input into small buffers, %u into large for want of small, "
		"%u no-buffer drops%s", st.rx_small, st.rx_small_fallback, st.rx_nobuf,
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

static int cli_ip_write(struct vty *vty)
{
	struct net_cfg cfg;
	char a[16], m[16];

	net_get_cfg(&cfg);
	vty_out(vty, "interface ethernet 0%s", VTY_NEWLINE);
	if (cfg.addr)
		vty_out(vty, " ip address %s %s%s", cli_ip_str(a, sizeof(a), cfg.addr),
			cli_ip_str(m, sizeof(m), cfg.mask), VTY_NEWLINE);
	if (cfg.gw)
		vty_out(vty, " ip default-gateway %s%s", cli_ip_str(a, sizeof(a), cfg.gw),
			VTY_NEWLINE);
	return 1;
}

void cli_ip_init(void)
{
	install_element_ve(&show_ip_iface_cmd);
	install_element(CONFIG_NODE, &cfg_iface_cmd);
	install_element(CONFIG_NODE, &cfg_ip_gw_cmd);
	install_element(CONFIG_NODE, &cfg_no_ip_gw_cmd);
	install_node(&cli_iface_node, cli_ip_write);
	install_element(CLI_IFACE_NODE, &cfg_ip_addr_cmd);
	install_element(CLI_IFACE_NODE, &cfg_no_ip_addr_cmd);
	install_element(CLI_IFACE_NODE, &cfg_ip_gw_cmd);
	install_element(CLI_IFACE_NODE, &cfg_no_ip_gw_cmd);
}
