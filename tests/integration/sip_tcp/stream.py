#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP over TCP the hard way, towards the box: one OPTIONS cut into pieces sent apart (headers
   cut mid-line, body cut), three requests in one segment, a double-CRLF ping, then on fresh
   connections a body too large for the box (413 and close) and binary junk (closed, nothing
   answered). stream.py BOX_IP BOX_PORT SRC_IP -> prints what came back; exit 1 on a wrong
   answer. With "flood N": N + 1 connections at once, exactly N served. With "idle S" instead: one OPTIONS, then the connection is left open and the box
   must close it between S and S + 3 seconds later."""
import socket
import sys
import time

box, port, src = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = 0


def req(method, cseq, body=b"", extra=b""):
    global n
    n += 1
    return (b"%s sip:hlgw@%s SIP/2.0\r\nVia: SIP/2.0/TCP %s:5090;branch=z9hG4bK-str-%d\r\n"
            b"Max-Forwards: 70\r\nFrom: <sip:t@%s>;tag=s%d\r\nTo: <sip:hlgw@%s>\r\n"
            b"Call-ID: stream-%d@%s\r\nCSeq: %d %s\r\n%sContent-Length: %d\r\n\r\n"
            % (method, box.encode(), src.encode(), n, src.encode(), n, box.encode(), n,
               src.encode(), cseq, method, extra, len(body))) + body


def conn():
    s = socket.create_connection((box, port), timeout=3, source_address=(src, 0))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_responses(s, count):
    """count responses framed by Content-Length; returns [(status, cseq line)]"""
    buf, out = b"", []
    while len(out) < count:
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d:
                return out
            buf += d
        head, rest = buf.split(b"\r\n\r\n", 1)
        cl = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                cl = int(line.split(b":")[1])
        while len(rest) < cl:
            rest += s.recv(65536)
        buf = rest[cl:]
        lines = head.split(b"\r\n")
        cseq = [x for x in lines if x.lower().startswith(b"cseq:")]
        out.append((int(lines[0].split()[1]), cseq[0].decode() if cseq else ""))
    return out


if len(sys.argv) > 5 and sys.argv[4] == "flood":
    # N connections from peers are served; the next one is refused (reset), the box keeps the
    # rest of its connections for advisors
    limit, socks, served = int(sys.argv[5]), [], 0
    for i in range(limit + 1):
        try:
            s = conn()
            s.sendall(req(b"OPTIONS", 1))
            if read_responses(s, 1) == [(200, "CSeq: 1 OPTIONS")]:
                served += 1
            socks.append(s)
        except OSError:
            pass
    for s in socks:
        s.close()
    print("flood: %d of %d connections served" % (served, limit + 1))
    sys.exit(0 if served == limit else 1)

if len(sys.argv) > 5 and sys.argv[4] == "idle":
    s = conn()
    s.sendall(req(b"OPTIONS", 1))
    r = read_responses(s, 1)
    t0 = time.monotonic()
    s.settimeout(float(sys.argv[5]) + 5)
    try:
        d = s.recv(100)
    except socket.timeout:
        d = None
    took = time.monotonic() - t0
    print("idle: %r, closed after %.1f s" % (r, took))
    ok = r == [(200, "CSeq: 1 OPTIONS")] and d == b"" and \
        float(sys.argv[5]) - 0.5 <= took <= float(sys.argv[5]) + 3
    sys.exit(0 if ok else 1)

fail = []
s = conn()
# 1: one OPTIONS with a body, in four pieces
m = req(b"OPTIONS", 1, b"v=0\r\n", b"Content-Type: application/sdp\r\n")
for piece in (m[:17], m[17:60], m[60:-3], m[-3:]):
    s.sendall(piece)
    time.sleep(0.15)
r = read_responses(s, 1)
print("split:", r)
if r != [(200, "CSeq: 1 OPTIONS")]:
    fail.append("split OPTIONS: %r" % r)
# 2: three requests in one segment, answered in order on the same connection
s.sendall(req(b"OPTIONS", 2) + req(b"FOO", 3) + req(b"OPTIONS", 4, b"x" * 40,
                                                  b"Content-Type: text/plain\r\n"))
r = read_responses(s, 3)
print("concatenated:", r)
if r != [(200, "CSeq: 2 OPTIONS"), (501, "CSeq: 3 FOO"), (200, "CSeq: 4 OPTIONS")]:
    fail.append("concatenated: %r" % r)
# 3: RFC 5626 keep-alive ping: CRLF pong
s.sendall(b"\r\n\r\n")
pong = s.recv(16)
print("ping:", pong)
if pong != b"\r\n":
    fail.append("ping answered %r" % pong)
s.close()
# 4: a body over the box's 8 KB buffer: 413, then the box closes
s = conn()
s.sendall(req(b"OPTIONS", 5, b"y" * 9000, b"Content-Type: text/plain\r\n")[:4000])
r = read_responses(s, 1)
print("oversize:", r)
if r != [(413, "CSeq: 5 OPTIONS")]:
    fail.append("oversize: %r" % r)
try:
    rest = s.recv(100)
except (ConnectionResetError, socket.timeout):
    rest = b""
if rest:
    fail.append("oversize: more after 413: %r" % rest)
s.close()
# 5: binary junk: no answer, the connection closed
s = conn()
s.sendall(bytes(range(1, 256)) * 4)
try:
    d = s.recv(100)
except ConnectionResetError:
    d = b""
print("junk:", d)
if d:
    fail.append("junk answered %r" % d)
s.close()
if fail:
    print("FAIL:", "; ".join(fail))
    sys.exit(1)
