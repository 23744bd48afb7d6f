#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A telco side that sends garbage: listen on PATH like pstn-sim, then for SECONDS send random
256-octet blocks (and now and then a message of another size) once per ms, reading whatever
the box sends back.  Usage: line-noise.py PATH SECONDS [SEED]"""
import os
import random
import select
import socket
import sys
import time

path, secs = sys.argv[1], float(sys.argv[2])
rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
srv.bind(path)
srv.listen(1)
r, _, _ = select.select([srv], [], [], 5)
if not r:
    sys.exit("line-noise: the box did not connect")
conn, _ = srv.accept()
conn.setblocking(False)
end = time.monotonic() + secs
sent = got = 0
next_t = time.monotonic()
while time.monotonic() < end:
    now = time.monotonic()
    while now >= next_t:
        n = 256 if rnd.random() < 0.97 else rnd.choice([1, 255, 257, 512, 4096])
        kind = rnd.random()
        if kind < 0.6:
            blk = rnd.randbytes(n)
        elif kind < 0.8:
            blk = bytes([0xff]) * n           # AIS-like
        elif kind < 0.9:
            blk = bytes(n)                    # no signal
        else:
            blk = bytes([0x1b, 0x40] * (n // 2)) + rnd.randbytes(n % 2)  # FAS look-alikes
        try:
            conn.send(blk)
            sent += 1
        except (BlockingIOError, OSError):
            pass
        next_t += 0.001
    try:
        while conn.recv(4096):
            got += 1
    except BlockingIOError:
        pass
    except OSError:
        break
    time.sleep(0.0005)
conn.close()
srv.close()
os.unlink(path)
print(f"line-noise: sent {sent} blocks, received {got}")
