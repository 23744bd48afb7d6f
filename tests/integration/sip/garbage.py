#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Datagrams that are not SIP, or SIP the box must drop: sent to the box from one port.
   garbage.py BOX_IP BOX_PORT SRC_IP SRC_PORT -> prints how many were sent and any answers."""
import socket
import sys

box, port, src, sport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, sport))
s.settimeout(0.3)
msgs = [
    b"hello world, no SIP here\r\n\r\n",
    bytes(range(256)) * 4,                       # binary
    b"\r\n\r\n",                                 # RFC 5626 keep-alive: ignored, not an error
    b"INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP", # cut in the headers
    b"OPTIONS sip:hlgw@198.18.0.2 SIP/2.0\r\n" + b"X-Pad: " + b"a" * 9000 + b"\r\n\r\n",
    b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bKnothing\r\n"
    b"From: <sip:a@198.18.0.2>;tag=1\r\nTo: <sip:b@198.18.0.1>;tag=2\r\nCall-ID: stray@x\r\n"
    b"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",  # 2xx for nothing: dropped, counted
    b"OPTIONS sip:hlgw@198.18.0.2 SIP/2.0\r\nFrom: <sip:p@198.18.0.1>;tag=1\r\n"
    b"To: <sip:hlgw@198.18.0.2>\r\nCall-ID: novia@x\r\nCSeq: 1 OPTIONS\r\n\r\n",  # no Via
]
for m in msgs:
    s.sendto(m, (box, port))
answers = 0
try:
    while True:
        data, _ = s.recvfrom(65535)
        answers += 1
        print("answer:", data.split(b"\r\n", 1)[0].decode(errors="replace"))
except socket.timeout:
    pass
print(f"sent {len(msgs)}, answers {answers}")
sys.exit(0 if answers == 0 else 1)
