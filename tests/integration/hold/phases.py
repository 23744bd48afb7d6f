#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The box's RTP per phase of adv_hold.xml, from tshark's field dumps in DIR (ok.txt: the box's
   200s to the re-INVITEs by CSeq, ack.txt: ACKs by CSeq, bye.txt, rtp.txt: time and port).
   phases.py DIR -> one line; "BAD name,..." in it when a phase is off: held must be silent,
   the others near 50 packets/s (20 ms) to the right port and none to the other."""
import sys

d = sys.argv[1]


def table(name):
    return {int(l.split()[1]): float(l.split()[0]) for l in open(d + name) if l.strip()}


ok, ack = table("/ok.txt"), table("/ack.txt")
bye = float(open(d + "/bye.txt").read().split()[0])
rtp = [(float(t), int(p)) for t, p in (l.split() for l in open(d + "/rtp.txt") if l.strip())]


def n(port, a, b):
    return sum(1 for t, p in rtp if p == port and a < t < b)


hold, resume, move, nosdp, ans = ok[1], ok[2], ok[3], ok[4], ack[4]
# name, packets, seconds (rate checked) or None (must be 0)
phases = [
    ("held", n(6000, hold + 0.02, resume) + n(6002, hold + 0.02, resume), None),
    ("resumed", n(6000, resume + 0.1, move), move - resume - 0.1),
    ("moved:6000", n(6000, move + 0.1, nosdp), None),
    ("moved:6002", n(6002, move + 0.1, nosdp), nosdp - move - 0.1),
    ("answered:6000", n(6000, ans + 0.1, bye), bye - ans - 0.1),
]
out, bad = [], []
for name, cnt, secs in phases:
    if secs is None:
        out.append("%s %d pkts" % (name, cnt))
        if cnt:
            bad.append(name)
    else:
        out.append("%s %d pkts (%.1f/s)" % (name, cnt, cnt / secs))
        if not 45 <= cnt / secs <= 55:
            bad.append(name)
out.append("held for %.2f s" % (resume - hold))
print("; ".join(out) + (" BAD " + ",".join(bad) if bad else ""))
