#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Stray media at the box during a call: RTP-looking and random datagrams that the box must drop.
   stray.py BOX_IP RTP_PORT ADV_IP WRONG_IP [SECONDS]
   - to the call's own RTP port: RTP PT 8 (loud noise, foreign SSRC, the call's sequence range
     guessed at random) from the advisor's address on a wrong port, and from a wrong address
   - to the call's RTCP port (RTP + 1) from a wrong address: garbage and RTCP-looking packets;
     from the advisor's address on a wrong port: RTCP headers with garbage lengths and bodies
   - to other ports of the RTP range 16384-16895 and to random ports outside it: garbage
   Source ports 40990-40999 only, so that a capture can leave these out.
   Paced over SECONDS (default 3). Prints what was sent per target and any answer received."""
import os
import random
import socket
import struct
import sys
import time

box, rtp, adv, wrong = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
secs = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0
rnd = random.Random(int(os.environ.get("STRAY_SEED", "3")))


def sock(ip, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, port))
    s.setblocking(False)
    return s


s_adv = sock(adv, 40999)    # the advisor's address, a wrong port
s_wrong = sock(wrong, 40998)  # a wrong address
s_rand = sock(wrong, 40997)   # garbage elsewhere


def rtp_pkt(seq, ts, ssrc, marker=False):
    hdr = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | 8, seq & 0xFFFF, ts & 0xFFFFFFFF,
                      ssrc)
    return hdr + bytes(rnd.getrandbits(8) for _ in range(160))  # noise at full scale


def garbage():
    return bytes(rnd.getrandbits(8) for _ in range(rnd.choice((1, 4, 12, 60, 172, 500, 1400))))


plan = []  # (socket, payload, port, label)
ssrc1, ssrc2 = rnd.getrandbits(32), rnd.getrandbits(32)
seq1, seq2 = rnd.getrandbits(16), rnd.getrandbits(16)
for i in range(100):
    plan.append((s_adv, rtp_pkt(seq1 + i, 160 * i, ssrc1, i == 0), rtp, "rtp-adv-wrong-port"))
    plan.append((s_wrong, rtp_pkt(seq2 + i, 160 * i, ssrc2, i == 0), rtp, "rtp-wrong-addr"))
for i in range(20):
    plan.append((s_wrong, garbage(), rtp, "garbage-rtp-port"))
    # RTCP-looking: SR header, random rest; and plain garbage, to RTP + 1
    plan.append((s_wrong, struct.pack("!BBH", 0x80, 200, 6) + garbage()[:24].ljust(24, b"\0"),
                 rtp + 1, "rtcp-wrong-addr"))
    plan.append((s_wrong, garbage(), rtp + 1, "rtcp-wrong-addr"))
    # the advisor's address, another port: the box accepts RTCP by address only (NAT), so this
    # reaches its RTCP parser
    plan.append((s_adv, struct.pack("!BBH", 0x81, rnd.choice((200, 201, 202, 203, 204)),
                                    rnd.getrandbits(16)) + garbage(), rtp + 1, "rtcp-adv-garbage"))
others = [p for p in range(16384, 16896) if p not in (rtp, rtp + 1)]
for i in range(100):
    plan.append((s_rand, rnd.choice((rtp_pkt(i, 160 * i, ssrc2), garbage())), rnd.choice(others),
                 "rtp-range-other"))
for i in range(60):
    while True:
        p = rnd.randrange(1, 65536)
        if p != 5060 and not 16384 <= p <= 16895:
            break
    plan.append((s_rand, garbage(), p, "random-port"))
rnd.shuffle(plan)

counts = {}
answers = 0
gap = secs / len(plan)
t0 = time.monotonic()
for n, (s, data, port, label) in enumerate(plan):
    s.sendto(data, (box, port))
    counts[label] = counts.get(label, 0) + 1
    delay = t0 + (n + 1) * gap - time.monotonic()
    if delay > 0:
        time.sleep(delay)
time.sleep(0.2)
for s in (s_adv, s_wrong, s_rand):
    while True:
        try:
            data, src = s.recvfrom(65535)
        except (BlockingIOError, ConnectionRefusedError):
            break
        answers += 1
        print("answer from %s:%d: %r" % (src[0], src[1], data[:40]))
print("sent %d: %s; answers %d" % (len(plan), " ".join("%s=%d" % kv for kv in sorted(counts.items())),
                                    answers))
sys.exit(0 if answers == 0 else 1)
