#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tone generator and analyser for the audio test (8 kHz mono S16LE WAV, stdlib only).

  tone.py gen OUT.wav HZ DBM0 SECONDS   write a sine at a level in dBm0
  tone.py expect HZ DBM0                the level that sine reads after G.711 A-law and back
  tone.py measure IN.wav [--skip MS] [--len MS] [--onset]
                                        dominant frequency and its level in dBm0, the
                                        rest, and the slips (see below) in the window
  tone.py slips IN.wav HZ [--skip MS]   where a steady tone at HZ jumps (samples dropped,
                                        inserted or replaced): count and times
  tone.py selftest                      calibration checks (digital milliwatt, round trips)

Level reference, from G.711 itself: the A-law digital milliwatt (Table 5: 34 21 21 34 B4 A1 A1
B4) is 0 dBm0. Decoded on the 16-bit scale that pstn-sim and baresip use (13-bit value << 3) it
is +-8960, +-20992: RMS 16139.2, so a 0 dBm0 sine has amplitude 22824 (+3.14 dBm0 = full scale,
as G.711 says of A-law's overload point).

measure: the dominant frequency is found coarsely on 50 ms (10 Hz steps), then refined on the
whole window (1 Hz, 0.05 Hz, then golden section); the tone's level is the least-squares sine
amplitude at that frequency (a DFT at the exact frequency, no scalloping loss), the rest is
whatever else the window holds (noise, distortion, drop-outs).
"""
import math
import struct
import sys
import wave

RATE = 8000
DMW = (0x34, 0x21, 0x21, 0x34, 0xB4, 0xA1, 0xA1, 0xB4)


def alaw_decode(a):
    a ^= 0x55
    seg = (a >> 4) & 7
    mant = a & 0x0F
    v = (mant << 1) + 1 if seg == 0 else ((mant << 1) + 33) << (seg - 1)
    v <<= 3
    return v if a & 0x80 else -v


def alaw_encode(pcm):
    v = pcm >> 3
    sign = 0x80
    if v < 0:
        sign = 0
        v = -v - 1
    v = min(v, 4095)
    if v < 32:
        a = v >> 1
    else:
        seg, thr = 1, 64
        while seg < 7 and v >= thr:
            seg += 1
            thr <<= 1
        a = (seg << 4) | ((v >> seg) & 0x0F)
    return (a | sign) ^ 0x55


def rms(x):
    return math.sqrt(sum(s * s for s in x) / len(x)) if x else 0.0


REF_RMS = rms([alaw_decode(a) for a in DMW])  # 0 dBm0


def dbm0(r):
    return 20 * math.log10(r / REF_RMS) if r > 0 else -200.0


def sine(hz, level, seconds):
    amp = REF_RMS * math.sqrt(2) * 10 ** (level / 20)
    w = 2 * math.pi * hz / RATE
    return [int(round(amp * math.sin(w * i))) for i in range(int(seconds * RATE))]


def wav_write(path, x):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack("<%dh" % len(x), *x))


def wav_read(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != RATE:
            raise SystemExit("%s: need 8 kHz mono 16-bit" % path)
        b = w.readframes(w.getnframes())
    return list(struct.unpack("<%dh" % (len(b) // 2), b))


def tone_amp(x, hz):
    """Least-squares sine amplitude at hz (Goertzel; fine for windows of many periods)."""
    k = 2 * math.cos(2 * math.pi * hz / RATE)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + k * s1 - s2, s1
    p = s1 * s1 + s2 * s2 - k * s1 * s2
    return 2 * math.sqrt(max(p, 0.0)) / len(x)


def dominant(x):
    blk = x[:400]
    f = max(range(50, 3951, 10), key=lambda h: tone_amp(blk, h))
    for step, span in ((1.0, 12), (0.05, 1.0)):
        grid = [f + step * i for i in range(-int(span / step), int(span / step) + 1)]
        f = max((h for h in grid if 0 < h < RATE / 2), key=lambda h: tone_amp(x, h))
    lo, hi = f - 0.05, f + 0.05
    g = (math.sqrt(5) - 1) / 2
    for _ in range(12):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if tone_amp(x, a) > tone_amp(x, b):
            hi = b
        else:
            lo = a
    f = (lo + hi) / 2
    return f, tone_amp(x, f)


def measure(x):
    """(frequency Hz, tone dBm0, total dBm0, rest dB relative to the tone)"""
    f, amp = dominant(x)
    tone_p = amp * amp / 2
    total_p = sum(v * v for v in x) / len(x)
    rest_p = max(total_p - tone_p, 1e-9)
    return (f, dbm0(math.sqrt(tone_p)), dbm0(math.sqrt(total_p)),
            10 * math.log10(rest_p / tone_p) if tone_p > 0 else 0.0)


def onset(x, level=-40.0, blk=160):
    """index of the first 20 ms block above level dBm0, None if none"""
    for i in range(0, len(x) - blk + 1, blk):
        if dbm0(rms(x[i:i + blk])) > level:
            return i
    return None


def slips(x, hz):
    """Sample indices where x stops following a sine at hz: a sine obeys
    x[n] = 2 cos(w) x[n-1] - x[n-2]; A-law noise stays far below a quarter of the peak, one
    sample dropped or repeated does not."""
    k = 2 * math.cos(2 * math.pi * hz / RATE)
    thr = 0.25 * max((abs(v) for v in x), default=0)
    out = []
    for n in range(2, len(x)):
        if thr and abs(x[n] - (k * x[n - 1] - x[n - 2])) > thr and (not out or n - out[-1] > 2):
            out.append(n)
    return out


def expect(hz, level):
    x = [alaw_decode(alaw_encode(s)) for s in sine(hz, level, 1.0)]
    return measure(x)


def selftest():
    ok = True

    def check(what, got, want, tol):
        nonlocal ok
        good = abs(got - want) <= tol
        ok &= good
        print("%-44s %9.3f (want %g +- %g) %s" % (what, got, want, tol, "ok" if good else "BAD"))

    check("digital milliwatt RMS (0 dBm0)", REF_RMS, 16139.17, 0.01)
    check("0 dBm0 sine amplitude", REF_RMS * math.sqrt(2), 22825, 1)
    for a in range(256):
        if alaw_encode(alaw_decode(a)) != a:
            print("A-law code %02x does not round-trip" % a)
            ok = False
    for hz, lev in ((1004, -10), (440, -10), (1020, -40), (1004, 0), (2500, -20)):
        f, t, tot, rest = measure(sine(hz, lev, 1.0))
        check("linear %d Hz %d dBm0: frequency" % (hz, lev), f, hz, 0.05)
        check("linear %d Hz %d dBm0: level" % (hz, lev), t, lev, 0.01)
        f, t, tot, rest = expect(hz, lev)
        check("A-law %d Hz %d dBm0: level" % (hz, lev), t, lev, 0.1)
        check("A-law %d Hz %d dBm0: rest (dB below tone)" % (hz, lev), rest, -35, 10)
        x = [alaw_decode(alaw_encode(s)) for s in sine(hz, lev, 1.0)]
        check("A-law %d Hz %d dBm0: slips" % (hz, lev), len(slips(x, hz)), 0, 0)
        del x[4000]
        x[6000:6000] = [x[6000]]
        check("  one sample dropped, one repeated: slips", len(slips(x, hz)), 2, 0)
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 1 and argv[0] == "selftest":
        return selftest()
    if len(argv) == 5 and argv[0] == "gen":
        wav_write(argv[1], sine(float(argv[2]), float(argv[3]), float(argv[4])))
        return 0
    if len(argv) == 3 and argv[0] == "expect":
        f, t, tot, rest = expect(float(argv[1]), float(argv[2]))
        print("%.2f" % t)
        return 0
    if len(argv) in (3, 5) and argv[0] == "slips":
        x = wav_read(argv[1])
        skip = int(argv[4]) * RATE // 1000 if len(argv) == 5 and argv[3] == "--skip" else 0
        ev = [n for n in slips(x[skip:], float(argv[2]))]
        print("slips=%d first_ms=%d last_ms=%d" % (
            len(ev), (ev[0] + skip) // 8 if ev else -1, (ev[-1] + skip) // 8 if ev else -1))
        return 0
    if len(argv) >= 2 and argv[0] == "measure":
        skip, length, use_onset = 0, 1000, False
        args = argv[2:]
        while args:
            o = args.pop(0)
            if o == "--skip":
                skip = int(args.pop(0))
            elif o == "--len":
                length = int(args.pop(0))
            elif o == "--onset":
                use_onset = True
            else:
                raise SystemExit("unknown option " + o)
        x = wav_read(argv[1])
        start = 0
        if use_onset:
            start = onset(x)
            if start is None:
                print("freq=0 level=-200.00 total=%.2f rest=0 start=-1 n=%d" % (
                    dbm0(rms(x)), len(x)))
                return 0
        start += skip * RATE // 1000
        win = x[start:start + length * RATE // 1000]
        if len(win) < length * RATE // 1000:
            raise SystemExit("%s: %d samples, need %d from sample %d" % (
                argv[1], len(x), length * RATE // 1000, start))
        f, t, tot, rest = measure(win)
        print("freq=%.2f level=%.2f total=%.2f rest=%.1f slips=%d start=%d n=%d" % (
            f, t, tot, rest, len(slips(win, f)), start, len(x)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
