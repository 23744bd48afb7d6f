#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Crosstalk: the level in dBm0 at each given frequency over the same window tools/tone measure
--onset --skip MS --len MS takes (Goertzel at the exact frequency; tools/tone's own code).
  xtalk.py IN.wav SKIP_MS LEN_MS HZ...   prints "HZ=LEVEL" per frequency"""
import importlib.machinery
import importlib.util
import os
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
loader = importlib.machinery.SourceFileLoader("tone", os.path.join(top, "tools", "tone"))
spec = importlib.util.spec_from_loader("tone", loader)
tone = importlib.util.module_from_spec(spec)
loader.exec_module(tone)

path, skip, length = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = tone.wav_read(path)
start = tone.onset(x)
if start is None:
    sys.exit("%s: no tone" % path)
start += skip * tone.RATE // 1000
win = x[start:start + length * tone.RATE // 1000]
if len(win) < length * tone.RATE // 1000:
    sys.exit("%s: too short" % path)
print(" ".join("%s=%.1f" % (h, tone.dbm0(tone.tone_amp(win, float(h)) / 2 ** 0.5))
               for h in sys.argv[4:]))
