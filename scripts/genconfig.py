#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate autoconf.h and lwipopts.h from the build's .config (kconfiglib).

Warnings are errors: a defconfig that names an unknown symbol or sets an impossible
value fails the build instead of being silently dropped.
"""
import os
import sys

import kconfiglib


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: genconfig.py KCONFIG DOTCONFIG OUTDIR")
    kconf_path, dotconfig, outdir = sys.argv[1:]
    kconf = kconfiglib.Kconfig(kconf_path, warn_to_stderr=False)
    kconf.load_config(dotconfig)
    if kconf.warnings:
        for w in kconf.warnings:
            print("genconfig: " + w, file=sys.stderr)
        sys.exit(1)
    os.makedirs(outdir, exist_ok=True)
    kconf.write_autoconf(os.path.join(outdir, "autoconf.h.tmp"))
    replace_if_changed(os.path.join(outdir, "autoconf.h"))

    sym = kconf.syms
    val = lambda n: sym[n].str_value
    yes = lambda n: 1 if sym[n].str_value == "y" else 0
    with open(os.path.join(outdir, "lwipopts.h.tmp"), "w") as f:
        f.write(LWIPOPTS.format(
            mem=val("LWIP_MEM_SIZE"), pool=val("LWIP_PBUF_POOL_SIZE"),
            udp=val("LWIP_UDP_PCBS"), tcp=val("LWIP_TCP_PCBS"),
            arp=val("LWIP_ARP_TABLE_SIZE"), gen=0 if yes("LWIP_CHECKSUM_OFFLOAD") else 1,
            dbg=yes("LWIP_DEBUG")))
    replace_if_changed(os.path.join(outdir, "lwipopts.h"))


def replace_if_changed(path):
    """Keep the old file (and its mtime) when nothing changed, so make rebuilds nothing."""
    tmp = path + ".tmp"
    new = open(tmp).read()
    if os.path.exists(path) and open(path).read() == new:
        os.unlink(tmp)
    else:
        os.replace(tmp, path)


LWIPOPTS = """/* Generated from Kconfig by scripts/genconfig.py: do not edit. */
#ifndef HLGW_LWIPOPTS_H
#define HLGW_LWIPOPTS_H

/* One main loop, no OS (design.md section 4) */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TIMERS 1

#define MEM_ALIGNMENT 4
#define MEM_SIZE {mem}
#define PBUF_POOL_SIZE {pool}
#define PBUF_POOL_BUFSIZE 1536
#define MEMP_NUM_UDP_PCB {udp}
#define MEMP_NUM_TCP_PCB {tcp}
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_TCP_SEG 64
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)

#define LWIP_ARP 1
#define ARP_TABLE_SIZE {arp}
#define ARP_QUEUEING 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 1
#define LWIP_ETHERNET 1
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1

/* Zero-copy TX of media buffers (design.md section 7) */
#define LWIP_SUPPORT_CUSTOM_PBUF 1
#define PBUF_LINK_HLEN 14
#define PBUF_LINK_ENCAPSULATION_HLEN 0
#define ETH_PAD_SIZE 0

/* Checksums: generated in software unless the MAC (or the tap's vnet header) does it */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP {gen}
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
#define LWIP_CHECKSUM_ON_COPY 0
#define LWIP_CHKSUM_ALGORITHM 3

#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
/* MIB2 counters: echo requests/replies and per-interface octets for `show ip interface` */
#define MIB2_STATS 1
#if {dbg}
#define LWIP_DEBUG 1
#define NETIF_DEBUG LWIP_DBG_ON
#define ICMP_DEBUG LWIP_DBG_ON
#endif

#endif
"""

if __name__ == "__main__":
    main()
