#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Deterministic: the same files every run, named NNN-what. Each seed follows
the byte layout its target decodes (see the comment at the top of each
fuzz_*.c); the encoders below mirror fz_pick() in fuzz_common.h.

    python3 tests/fuzz/make_corpus.py            # rewrite the corpora
    python3 tests/fuzz/make_corpus.py --check    # fail if they differ
"""
import datetime
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

DATE_MIN, DATE_MAX = -25567, 2932896


def day(y, m, d):
    return (datetime.date(y, m, d) - datetime.date(1970, 1, 1)).days


# ---- encoders mirroring fuzz_common.h --------------------------------------

def u8(v):
    return bytes([v & 0xFF])


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def pick(v, lo, hi):
    """fz_pick(lo, hi) decoding to v (lo <= v <= hi): selector 2, offset."""
    assert lo <= v <= hi, (v, lo, hi)
    span = hi - lo
    r = v - lo
    if span < 0xFFFF:
        return u8(2) + u16(r)
    if span < 0xFFFFFFFF:
        return u8(2) + u32(r)
    return u8(2) + struct.pack("<Q", r)


def raw(v):
    """fz_pick decoding to the raw int64 v."""
    return u8(0) + struct.pack("<q", v)


EDGE_ZERO, EDGE_MINUS1, EDGE_ONE, EDGE_LO_1, EDGE_HI_1, EDGE_MIN, EDGE_MAX = \
    range(7)


def edge(i):
    return u8(1 | (i << 3))


def text(s, max_len=None):
    """fz_string: a length byte, then the bytes (mode 0 keeps them)."""
    b = s.encode("utf-8") if isinstance(s, str) else s
    return u8(len(b)) + b


# ---- quantity ---------------------------------------------------------------

DIM = {"weight": 1, "mass": 2, "volume": 3, "time": 4, "dose_per_kg": 5,
       "conc": 6, "rate": 7, "length": 8}


def mask(*names):
    m = 0
    for n in names:
        m |= 1 << (DIM[n] - 1)
    return m


def quantity_seeds():
    s = []
    add = lambda name, m, t: s.append((name, u8(m) + t.encode("utf-8")))
    add("weight-kg", mask("weight"), "70kg")
    add("weight-space", mask("weight"), "72.5 kg")
    add("weight-lb", mask("weight"), "154.3 lb")
    add("weight-lbs", mask("weight"), "154lbs")
    add("weight-g", mask("weight"), "70000g")
    add("dose-per-kg", mask("dose_per_kg", "mass"), "0.5mg/kg")
    add("dose-mcg", mask("dose_per_kg", "mass"), "500mcg/kg")
    add("dose-micro", mask("dose_per_kg", "mass"), "500 \u00b5g/kg")
    add("dose-fixed", mask("dose_per_kg", "mass"), "35mg")
    add("height-cm", mask("length"), "175cm")
    add("height-in", mask("length"), "69.5in")
    add("height-m", mask("length"), "1.75m")
    add("time-min", mask("time"), "40min")
    add("time-h", mask("time"), "1.5h")
    add("time-d", mask("time"), "2d")
    add("volume-ml", mask("volume"), "100mL")
    add("volume-l", mask("volume"), "0.25L")
    add("conc", mask("conc"), "10mg/mL")
    add("conc-gl", mask("conc"), "1g/L")
    add("rate", mask("rate"), "120.5mL/h")
    add("all-dims", 0xFF, "5 ug")
    add("no-dims", 0x00, "5mg")
    add("negative", mask("weight"), "-5kg")
    add("plus", mask("weight"), "+5kg")
    add("leading-point", mask("mass"), ".5mg")
    add("trailing-point", mask("mass"), "5.mg")
    add("no-unit", mask("mass"), "5")
    add("unknown-unit", mask("weight"), "5 stone")
    add("wrong-dim", mask("weight"), "5mL")
    add("exponent", mask("mass"), "1e3mg")
    add("zero", mask("mass"), "0.000mg")
    add("precision", mask("mass"), "0.0001mg")
    add("too-many-digits", mask("mass"), "1234567890123456mg")
    add("huge-lb", mask("weight"), "999999999999999lb")
    add("date", 0, "2026-11-30")
    add("date-leap", 0, "2024-02-29")
    add("date-not-leap", 0, "2025-02-29")
    add("date-max", 0, "9999-12-31")
    add("date-before-min", 0, "1899-12-31")
    add("date-short", 0, "2026-1-30")
    s.append(("embedded-nul", u8(mask("weight")) + b"70kg\x00junk"))
    s.append(("bad-utf8", u8(0xFF) + b"5 \xc2"))
    return s


# ---- pump -------------------------------------------------------------------

def pump(fn=0, proto=0, weight=70000, which=0, fields=b"", flags_extra=0,
         mutations=None, entered=b"", sizes=b"", tail=b"\x10" * 12):
    flags = fn | flags_extra
    b = u8(flags) + u8(proto)
    if mutations is not None:
        flags |= 4
        b = u8(flags) + u8(proto) + u8(len(mutations)) + b"".join(mutations)
    if isinstance(weight, bytes):
        b += weight
    else:
        b += pick(weight, 1, 300000)
    b += u8(which) + fields + entered + sizes + tail
    return b


def dose_fields(mode, per_kg, fixed):
    return u8(mode) + pick(per_kg, 1, 5000) + pick(fixed, 1, 500000)


def pump_seeds():
    s = []
    s.append(("default-70kg", pump()))
    s.append(("dose-only", pump(fn=1)))
    s.append(("oral", pump(fn=2, proto=3)))
    s.append(("pump-on-oral", pump(fn=0, proto=3)))
    s.append(("oral-on-iv", pump(fn=2, proto=0)))
    s.append(("trd-100", pump(proto=1, weight=85000)))
    s.append(("low-dose", pump(proto=2, weight=55000)))
    s.append(("heavy", pump(weight=180000)))
    s.append(("light", pump(weight=3000)))
    s.append(("weight-zero", pump(weight=edge(EDGE_ZERO))))
    s.append(("weight-negative", pump(weight=edge(EDGE_MINUS1))))
    s.append(("weight-max", pump(weight=raw(2 ** 63 - 1))))
    s.append(("fixed-dose", pump(which=1, fields=dose_fields(1, 500, 35000))))
    s.append(("bad-dose-mode", pump(which=1, fields=dose_fields(2, 500, 35000))))
    s.append(("high-dose", pump(which=1, fields=dose_fields(0, 2000, 1))))
    s.append(("duration", pump(which=2, fields=pick(6000, 1, 86400))))
    s.append(("vial-and-step", pump(which=4, fields=pick(50000, 1, 200000) +
                                    pick(100, 1, 5000))))
    for prep in range(5):
        s.append(("prep-%d" % prep,
                  pump(which=8, fields=u8(prep) + pick(100000, 1, 1000000) +
                       pick(1000, 1, 200000))))
    s.append(("replace-small-bag",
              pump(which=8, fields=u8(1) + pick(10, 1, 1000000) +
                   pick(1000, 1, 200000))))
    s.append(("rate-step", pump(which=16, fields=pick(1000, 1, 10000))))
    s.append(("ideal-male", pump(which=32, fields=u8(1) + pick(1800, 0, 2500) +
                                 u8(1))))
    s.append(("adjusted-female", pump(which=32, weight=110000,
                                      fields=u8(2) + pick(1500, 0, 2500) +
                                      u8(2))))
    s.append(("ideal-no-height", pump(which=32, fields=u8(1) + pick(0, 0, 2500) +
                                      u8(1))))
    s.append(("ack-all", pump(which=64, fields=u8(0x7F), weight=160000)))
    s.append(("ack-bad-bits", pump(which=64, fields=u8(0x80) + u32(0x100))))
    s.append(("everything", pump(which=0x7F, fields=dose_fields(0, 500, 1) +
                                 pick(2400, 1, 86400) + pick(10000, 1, 200000) +
                                 pick(100, 1, 5000) + u8(0) +
                                 pick(100000, 1, 1000000) + pick(1, 1, 200000) +
                                 pick(100, 1, 10000) + u8(0) + pick(0, 0, 2500) +
                                 u8(0) + u8(0))))
    # entered weight in pounds, consistent and not
    ent = u32(154) + u32(3) + u8(0) + u8(1)
    s.append(("entered-lb", pump(flags_extra=8, entered=ent)))
    s.append(("entered-lb-conflict",
              pump(flags_extra=8, entered=u32(154) + u32(3) + u8(0) + u8(3))))
    s.append(("entered-height-in",
              pump(flags_extra=16, which=32,
                   fields=u8(1) + pick(1760, 0, 2500) + u8(1),
                   entered=u32(69) + u32(25) + u8(0) + u8(1))))
    s.append(("struct-size-result", pump(flags_extra=32, sizes=u8(0) + u32(7))))
    s.append(("struct-size-request", pump(flags_extra=32, sizes=u8(1) + u32(7))))
    s.append(("struct-size-protocol",
              pump(flags_extra=32, sizes=u8(2) + u32(7))))
    s.append(("null-diag", pump(flags_extra=64, weight=edge(EDGE_ZERO))))
    # protocol mutations: rounding modes, limits, checks, steps
    s.append(("mut-rounding", pump(mutations=[u8(0) + u8(2), u8(1) + u8(1)])))
    s.append(("mut-rounding-bad", pump(mutations=[u8(0) + u8(3)])))
    s.append(("mut-limit", pump(mutations=[u8(2) + u8(2) + pick(1, 0, 2000000)])))
    s.append(("mut-deviation", pump(mutations=[u8(4) + pick(1, 0, 1000000)])))
    s.append(("mut-must-dilute", pump(mutations=[u8(5) + pick(1000, 0, 10000000)])))
    s.append(("mut-pump-max", pump(mutations=[u8(6) + u8(0) + pick(1000, 0, 100000000)])))
    s.append(("mut-volumetric", pump(mutations=[u8(6) + u8(1) + pick(100000, 0, 100000)])))
    s.append(("mut-vial-fill", pump(mutations=[u8(7) + u8(0) + pick(1000, 0, 50000)])))
    s.append(("small-buffers", pump(tail=b"\x00" * 12)))
    s.append(("large-buffers", pump(tail=b"\xff" * 12)))
    return s


# ---- course -----------------------------------------------------------------

def course(flags=0, start=day(2026, 11, 30), which=0, fields=b"", taper=None,
           closed=None, size=b"", cap=255, corrupt=b"", result=u8(0),
           strings=(u8(1), u8(1), u8(1)), dtstamp=1798675200, misc=0,
           writers=b"\x04\x00\x10" * 4):
    b = b""
    if taper is not None:
        flags |= 2
    if closed is not None:
        flags |= 4
    if size:
        flags |= 8
    if corrupt:
        flags |= 16
    b += u8(flags)
    if flags & 1:
        b += u16(start)
        start = DATE_MAX - start % 800
    else:
        b += pick(start, 19000, 22000)
    b += u8(which) + fields
    if taper is not None:
        b += pick(len(taper), 0, 17)
        for iv, cnt in taper:
            b += pick(iv, 1, 60) + pick(cnt, 0, 12)
    if closed is not None:
        b += pick(len(closed), 0, 129)
        for c in closed:
            off = c - start
            assert 0 <= off < 128
            b += u8(off)
    b += size + u8(cap) + corrupt + result + b"".join(strings)
    b += pick(dtstamp, -2208988802, 253402300801) + u8(misc) + writers
    return b


def course_fields(induction=None, per_week=None, clinic=None, min_iv=None,
                  maint=None, horizon=None):
    which, f = 0, b""
    if induction is not None:
        which |= 1
        f += pick(induction, 0, 13)
    if per_week is not None:
        which |= 2
        f += pick(per_week, 1, 4)
    if clinic is not None:
        which |= 4
        f += u8(clinic)
    if min_iv is not None:
        which |= 8
        f += pick(min_iv, 0, 29)
    if maint is not None:
        which |= 16
        f += u8(maint)
    if horizon is not None:
        which |= 32
        f += pick(horizon, 0, 61)
    return which, f


def pump_result(proto=0, weight=70000, ack=0):
    return u8(1) + u8(proto) + pick(weight, 20000, 250000) + u8(ack)


def course_seeds():
    s = []

    def add(name, **kw):
        if "opts" in kw:
            which, fields = course_fields(**kw.pop("opts"))
            kw["which"], kw["fields"] = which, fields
        s.append((name, course(**kw)))

    add("default")
    add("wednesday-start", start=day(2026, 12, 2))
    add("saturday-start", start=day(2026, 12, 5))
    add("two-per-week", opts=dict(per_week=2))
    add("two-per-week-thursday", start=day(2026, 12, 3), opts=dict(per_week=2))
    add("weekly", opts=dict(maint=1))
    add("none", opts=dict(maint=2, induction=12))
    add("bad-maintenance", opts=dict(maint=3))
    add("mon-wed-fri", opts=dict(clinic=0x15))
    add("mon-tue-only", opts=dict(clinic=0x03))
    add("no-clinic-day", opts=dict(clinic=0))
    add("weekend", opts=dict(clinic=0x60, min_iv=1))
    add("min-interval-7", opts=dict(min_iv=7, per_week=2))
    add("min-interval-28", opts=dict(min_iv=28))
    add("horizon-60", opts=dict(horizon=60))
    add("horizon-1", opts=dict(horizon=1))
    add("horizon-0", opts=dict(horizon=0))
    add("induction-1", opts=dict(induction=1))
    add("induction-13", opts=dict(induction=13))
    add("taper-custom", taper=[(5, 3), (10, 2), (30, 0)])
    add("taper-finite", taper=[(7, 4)])
    add("taper-zero-early", taper=[(7, 0), (14, 2)])
    add("taper-empty", taper=[])
    d0 = day(2026, 11, 30)
    add("closed-christmas", start=d0,
        closed=[day(2026, 12, 24), day(2026, 12, 25), day(2026, 12, 28)])
    add("closed-start", start=d0, closed=[d0, d0 + 1])
    add("closed-many", start=d0, closed=list(range(d0, d0 + 120)))
    add("end-of-calendar", flags=1, start=700)
    add("end-of-calendar-last", flags=1, start=799)
    add("struct-size", size=u32(12))
    add("cap-0", cap=0)
    add("cap-3", cap=3)
    add("cap-null", cap=1)
    add("pump-result", result=pump_result())
    add("pump-result-heavy", result=pump_result(weight=200000))
    add("pump-result-ack", result=pump_result(weight=200000, ack=0x7F))
    add("dose-only-result", result=u8(3) + u8(0) + pick(70000, 20000, 250000) + u8(0))
    add("oral-result", result=pump_result(proto=3))
    add("zero-result", result=u8(4))
    add("no-strings", strings=(u8(0), u8(0), u8(0)))
    add("raw-strings", result=pump_result(),
        strings=(u8(3) + text("c\"1\n"), u8(3) + text("a b"),
                 u8(3) + text("Patient/\u00e9")))
    add("long-id", strings=(u8(5) + u8(70) + bytes(range(70)), u8(1), u8(1)))
    add("printable-domain", strings=(u8(1), u8(4) + u8(40) + bytes(range(40)),
                                     u8(4) + u8(20) + bytes(range(60, 80))))
    add("empty-id", strings=(u8(3) + u8(0), u8(1), u8(1)))
    add("dtstamp-min", dtstamp=-2208988800)
    add("dtstamp-max", dtstamp=253402300799)
    add("dtstamp-too-late", dtstamp=253402300800)
    add("corrupt-index", corrupt=u16(2) + pick(9, -2, 40) + u8(0))
    add("corrupt-phase", corrupt=u16(0) + pick(0, -2, 40) + u8(2) + u8(2))
    add("corrupt-moved", corrupt=u16(5) + pick(-1, -2, 40) + u8(5))
    add("fewer-sessions", misc=1)
    add("bad-result-id", result=pump_result(), misc=2)
    add("bad-export-size", misc=4)
    add("tiny-buffers", writers=b"\x00\x00\x00" * 4)
    add("big-buffers", writers=b"\xff\xff\xff" * 4)
    # Found by the 30 s CI smoke run: a uid_domain ending in "BEGIN:VEVENT"
    # puts that text before a CRLF on every UID line. The export was right;
    # the target's count of event lines was too loose (now at line starts).
    s.append(("uid-domain-ends-with-begin-vevent", bytes.fromhex(
        "00fb0206041502fb061502fb061502fb061502fb06272727272727272727272727"
        "272723272727272727272727272727272727274245474" "94e3a564556454e54"
        "0d0a0415")))
    return s


# ---- review -----------------------------------------------------------------

def review(scale=0, which=0, fields=b"", baseline=30, scores=(), max_=60):
    b = u8(scale) + u8(which) + fields + pick(baseline, 0, max_ + 1)
    b += u8(len(scores))
    for sc in scores:
        b += u8(sc)
    return b


def exposure(which=0, fields=b"", n=0, start=day(2025, 1, 6), events=()):
    b = u8(which) + fields
    b += u16(n) if which & 4 else u8(n)
    b += u16(start) if which & 8 else pick(start, 19000, 22000)
    for step, dose in events:
        b += u8(step) + dose
    return b


def screen(items=(3, 0, 0, 0, 130, 80, 70), which=0, fields=b""):
    ranges = [(-2, 51), (-2, 2), (-2, 2), (-2, 2), (0, 301), (0, 301), (0, 251)]
    b = b"".join(pick(v, lo, hi) for v, (lo, hi) in zip(items, ranges))
    return b + u8(which) + fields


def review_seeds():
    s = []
    add = lambda name, flags, body: s.append((name, u8(flags) + body + b"\x20" * 8))
    add("madrs-responder", 1, review(scores=(20, 14, 9, 8)))
    add("madrs-response-at-1", 1, review(scores=(12, 10, 8)))
    add("madrs-non-responder", 1, review(scores=(29, 30, 31, 30, 29)))
    add("madrs-flat", 1, review(baseline=35, scores=(35, 35, 35, 34)))
    add("madrs-no-scores", 1, review())
    add("madrs-64", 1, review(scores=tuple((i * 7) % 61 for i in range(64))))
    add("madrs-65", 1, review(scores=tuple(20 for _ in range(65))))
    add("phq9", 1, review(scale=1, baseline=20, scores=(15, 10, 4), max_=27))
    add("phq9-out-of-scale", 1,
        review(scale=1, baseline=20, scores=(15, 250), max_=27) + pick(28, -1, 28))
    add("bad-scale", 1, review(scale=2))
    add("baseline-0", 1, review(baseline=0, scores=(1,)))
    add("custom-options", 1,
        review(which=15, fields=pick(10, 0, 101) + pick(25, 0, 101) +
               pick(40, 0, 101) + pick(12, -1, 61), scores=(25, 20, 15)))
    add("inverted-options", 1,
        review(which=3, fields=pick(60, 0, 101) + pick(30, 0, 101)))
    add("review-struct-size", 1 | 8, review(scores=(10,)) + u8(1) + u32(3))
    add("review-null-diag", 1 | 16, review(baseline=0))
    one_year = [(0, u8(49))] + [(14, u8(49)) for _ in range(30)]
    add("exposure-fortnightly", 2, exposure(n=31, events=one_year))
    add("exposure-alerts", 2,
        exposure(which=3, fields=pick(10, 0, 40) + pick(100000, 0, 5000000),
                 n=31, events=one_year))
    add("exposure-empty", 2, exposure())
    add("exposure-out-of-order", 2,
        exposure(n=3, events=[(0, u8(10)), (254, u8(10)), (3, u8(10))]))
    add("exposure-bad-dose", 2,
        exposure(n=2, events=[(0, u8(10)), (3, u8(250) + edge(EDGE_ZERO))]))
    add("exposure-calendar-end", 2,
        exposure(which=8, start=100, n=4,
                 events=[(0, u8(1)), (20, u8(1)), (29, u8(1)), (29, u8(1))]))
    add("exposure-leap", 2,
        exposure(n=3, start=day(2024, 2, 29),
                 events=[(0, u8(1)), (0, u8(1)), (29, u8(1))]))
    add("exposure-too-many", 2,
        exposure(which=4, n=1001, events=[(1, u8(1))] * 10))
    add("exposure-struct-size", 2 | 8, exposure() + u8(0) + u32(5))
    add("screen-clear", 4, screen())
    add("screen-all-findings", 4, screen(items=(1, 1, 1, 1, 190, 110, 130)))
    add("screen-unknowns", 4, screen(items=(-1, -1, -1, -1, 0, 0, 0)))
    add("screen-out-of-range", 4, screen(items=(-2, 2, 0, 0, 30, 301, 251)))
    add("screen-thresholds-off", 4,
        screen(items=(0, 0, 0, 0, 200, 120, 140), which=15,
               fields=pick(0, -1, 51) + pick(0, 0, 301) + pick(0, 0, 301) +
               pick(0, 0, 251)))
    add("screen-bad-threshold", 4,
        screen(which=2, fields=pick(39, 0, 301)))
    add("screen-struct-size", 4 | 8, screen() + u8(1) + u32(9))
    add("all-three", 7,
        review(scores=(20, 14)) + exposure(n=2, events=one_year[:2]) + screen())
    return s


# ---- cli --------------------------------------------------------------------

def cli(program, *args):
    return u8({"rate": 0, "dose": 1, "schedule": 2}[program]) + \
        b"\x00".join(a.encode("utf-8") for a in args)


def cli_seeds():
    c = [
        ("rate-basic", cli("rate", "--weight", "70kg")),
        ("rate-json", cli("rate", "--weight=82.5kg", "--json")),
        ("rate-lb", cli("rate", "--weight", "154.3lb", "--duration", "40min")),
        ("rate-syringe", cli("rate", "--weight", "70kg", "--bag", "none",
                             "--vial", "10mg/mL")),
        ("rate-final-conc", cli("rate", "--weight", "70kg", "--final-conc",
                                "1mg/mL")),
        ("rate-replace", cli("rate", "--weight", "70kg", "--bag", "100mL",
                             "--prep", "replace")),
        ("rate-bag-and-conc", cli("rate", "--weight", "70kg", "--bag", "100mL",
                                  "--final-conc", "1mg/mL")),
        ("rate-ideal", cli("rate", "--weight", "120kg", "--weight-basis",
                           "ideal", "--height", "69in", "--sex", "male")),
        ("rate-adjusted-no-sex", cli("rate", "--weight", "120kg",
                                     "--weight-basis", "adjusted",
                                     "--height", "175cm")),
        ("rate-steps", cli("rate", "--weight", "70kg", "--volume-step", "1mL",
                           "--rate-step", "1mL/h")),
        ("rate-ack", cli("rate", "--weight", "200kg", "--acknowledge")),
        ("rate-ack-list", cli("rate", "--weight", "200kg",
                              "--acknowledge=weight,dose")),
        ("rate-ack-space", cli("rate", "--weight", "200kg", "--acknowledge",
                               "all")),
        ("rate-protocol", cli("rate", "--weight", "70kg", "--protocol",
                              "ketamine-trd-100")),
        ("rate-oral", cli("rate", "--weight", "70kg", "--protocol",
                          "ketamine-oral")),
        ("rate-unknown-protocol", cli("rate", "--weight", "70kg",
                                      "--protocol", "nope")),
        ("rate-help", cli("rate", "--help")),
        ("rate-h", cli("rate", "-h")),
        ("rate-version", cli("rate", "--version")),
        ("rate-list", cli("rate", "--list-protocols", "--json")),
        ("rate-no-weight", cli("rate", "--dose", "0.5mg/kg")),
        ("rate-bare-number", cli("rate", "--weight", "70")),
        ("rate-twice", cli("rate", "--weight", "70kg", "--weight", "71kg")),
        ("rate-unknown-option", cli("rate", "--frobnicate")),
        ("rate-missing-value", cli("rate", "--weight")),
        ("rate-stray", cli("rate", "70", "kg")),
        ("rate-strength", cli("rate", "--weight", "70kg", "--strength",
                              "50mg/mL")),
        ("dose-basic", cli("dose", "--weight", "70kg", "--dose", "35mg")),
        ("dose-oral", cli("dose", "--weight", "70kg", "--protocol",
                          "ketamine-oral", "--strength", "50mg/mL",
                          "--volume-step", "0.1mL")),
        ("dose-oral-pump-option", cli("dose", "--weight", "70kg", "--protocol",
                                      "ketamine-oral", "--duration", "40min")),
        ("dose-volume-step-iv", cli("dose", "--weight", "70kg",
                                    "--volume-step", "1mL")),
        ("dose-json", cli("dose", "--weight", "70kg", "--json")),
        ("dose-pump-option", cli("dose", "--weight", "70kg", "--bag", "100mL")),
        ("schedule-basic", cli("schedule", "--start", "2026-11-30")),
        ("schedule-json", cli("schedule", "--start", "2026-11-30", "--json",
                              "--weight", "70kg")),
        ("schedule-csv", cli("schedule", "--start", "2026-11-30", "--csv")),
        ("schedule-ics", cli("schedule", "--start", "2026-11-30", "--ics",
                             "--course-id", "c1", "--uid-domain",
                             "clinic.example.org",
                             "--dtstamp", "2026-11-01T08:00:00Z")),
        ("schedule-fhir", cli("schedule", "--start", "2026-11-30", "--fhir",
                              "--course-id", "c1", "--patient", "Patient/1",
                              "--weight", "70kg",
                              "--dtstamp", "2026-11-01T08:00:00Z")),
        ("schedule-fhir-no-patient", cli("schedule", "--start", "2026-11-30",
                                         "--fhir", "--course-id", "c1")),
        ("schedule-options", cli("schedule", "--start", "2026-11-30",
                                 "--induction", "8", "--per-week", "2",
                                 "--maintenance", "weekly", "--months", "6",
                                 "--clinic-days", "mon,thu",
                                 "--min-interval", "3d")),
        ("schedule-taper", cli("schedule", "--start", "2026-11-30", "--taper",
                               "7d:2,14d:2,28d")),
        ("schedule-closed", cli("schedule", "--start", "2026-11-30",
                                "--closed", "2026-12-24,2026-12-25",
                                "--clinic-days", "mon-fri")),
        ("schedule-review", cli("schedule", "--start", "2026-11-30",
                                "--baseline", "30", "--scores", "20,14,9",
                                "--json")),
        ("schedule-phq9", cli("schedule", "--start", "2026-11-30", "--scale",
                              "phq9", "--baseline", "20", "--scores", "15")),
        ("schedule-bad-date", cli("schedule", "--start", "2026-02-30")),
        ("schedule-no-start", cli("schedule", "--weight", "70kg")),
        ("schedule-help", cli("schedule", "--help")),
        ("schedule-oral", cli("schedule", "--start", "2026-11-30", "--weight",
                              "70kg", "--protocol", "ketamine-oral")),
        ("schedule-rate-options", cli("schedule", "--start", "2026-11-30",
                                      "--weight", "70kg", "--bag", "none",
                                      "--duration", "1h")),
        ("schedule-bad-taper", cli("schedule", "--start", "2026-11-30",
                                   "--taper", "7d:0,14d")),
        ("schedule-scores-file", cli("schedule", "--start", "2026-11-30",
                                     "--baseline", "30", "--scores",
                                     "@/etc/passwd")),
    ]
    return c


# ---- pk ---------------------------------------------------------------------

def dbl(v):
    """fz_double decoding to exactly v: selector 0, the raw bits."""
    return u8(0) + struct.pack("<d", v)


def dedge(i):
    """fz_double's edge i (0, -0, NaN, inf, -inf, DBL_MIN, the smallest
    subnormal, DBL_MAX, -DBL_MAX, 1e-300, 1e300, lo, hi, below lo, above
    hi, 1e-9, 1, 1e9, -1, minus the smallest subnormal)."""
    return u8(1 | (i << 3))


D_ZERO, D_NEG_ZERO, D_NAN, D_INF, D_NEG_INF, D_MIN, D_TRUE_MIN, D_MAX, \
    D_NEG_MAX, D_1E_300, D_1E300, D_LO, D_HI, D_BELOW, D_ABOVE, D_1E_9, \
    D_ONE, D_1E9, D_MINUS_ONE, D_NEG_TRUE_MIN = range(20)


def val(v):
    return v if isinstance(v, bytes) else dbl(v)


PK_NULL_DIAG, PK_GAPS, PK_CORRUPT, PK_SPOIL, PK_POP, PK_ALL_K, PK_NULL_PTR, \
    PK_MANY = (1 << i for i in range(8))


def pk(flags=PK_GAPS, model=u8(0) + u8(0), weight=70.0, pop=None,
       spoil=None, corrupt=None, infusions=((0.0, 40.0, 35.0),), t0=0.0,
       step=1.0, n=600, until=1440.0, threshold=100.0, null_ptr=None):
    if pop is not None:
        flags |= PK_POP
    if spoil is not None:
        flags |= PK_SPOIL
    if corrupt is not None:
        flags |= PK_CORRUPT
    if null_ptr is not None:
        flags |= PK_NULL_PTR
    b = u8(flags) + model + val(weight)
    if pop is not None:
        cv, median, wcv, seed, index = pop
        b += val(cv) + val(median) + val(wcv) + struct.pack("<QQ", seed, index)
    if spoil is not None:
        b += u8(spoil[0]) + u32(spoil[1])
    if corrupt is not None:
        b += corrupt
    b += u8(len(infusions))
    for start, dur, dose in infusions:
        b += val(start) + val(dur) + val(dose)
    b += val(t0) + val(step) + u16(n) + val(until) + val(threshold)
    if null_ptr is not None:
        b += u8(null_ptr)
    return b


def pk_raw(c, v1, k10, k12=0.0, k13=0.0, k21=0.0, k31=0.0):
    return u8(1) + pick(c, 1, 3) + b"".join(val(x) for x in
                                            (v1, k10, k12, k13, k21, k31))


def pk_clear(c, v1, v2, v3, cl, q2, q3):
    return u8(2) + pick(c, 1, 3) + b"".join(val(x) for x in
                                            (v1, v2, v3, cl, q2, q3))


def pk_seeds():
    s = []
    add = lambda name, **kw: s.append((name, pk(**kw)))
    course = [(0.0, 40.0, 35.0), (2880.0 - 40.0, 40.0, 35.0),
              (5760.0 - 40.0, 40.0, 35.0)]  # gaps: 2 days apart
    add("domino-40min")
    add("clements", model=u8(0) + u8(1))
    add("unknown-model", model=u8(0) + u8(2))
    add("three-infusions", infusions=course, n=4096, step=3.0,
        until=8000.0)
    add("bolus", infusions=[(10.0, 0.0, 35.0)], t0=0.0, step=10.0, n=10,
        until=100.0)
    add("bolus-at-until", infusions=[(100.0, 0.0, 35.0)], step=10.0, n=11,
        until=100.0)
    add("sample-at-until", step=60.0, n=30, until=1440.0)
    add("threshold-zero", threshold=0.0)
    add("threshold-high", threshold=1e6)
    add("no-infusions", infusions=[])
    add("no-samples", n=0)
    add("one-sample", n=1, t0=40.0)
    add("late-t0", t0=1e9 - 100.0, step=1e-3, n=4096, until=1e5)
    add("raw-out-of-order", flags=0,
        infusions=[(100.0, 10.0, 5.0), (50.0, 10.0, 5.0)])
    add("raw-overlap", flags=0,
        infusions=[(0.0, 100.0, 5.0), (50.0, 10.0, 5.0)])
    add("raw-touching", flags=0,
        infusions=[(0.0, 100.0, 5.0), (100.0, 10.0, 5.0)])
    add("one-compartment", model=pk_raw(1, 0.5, 0.1))
    add("two-compartment", model=pk_raw(2, 1.0, 0.01, 0.02, 0.0, 0.01))
    add("three-compartment", model=pk_raw(3, 0.063, 0.4381, 0.5921, 0.59,
                                          0.247, 0.0146))
    add("stiff", model=pk_raw(3, 0.01, 1e-9, 100.0, 100.0, 1e-9, 1e-9))
    add("close-rates", model=pk_raw(3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1))
    add("k-nan", model=pk_raw(3, 0.063, dedge(D_NAN), 0.5, 0.5, 0.2, 0.01))
    add("k-inf", model=pk_raw(2, 0.063, 0.4, dedge(D_INF), 0.0, 0.2))
    add("k-negative-zero", model=pk_raw(2, 0.063, 0.4, dedge(D_NEG_ZERO), 0.0,
                                        0.2))
    add("k-subnormal", model=pk_raw(2, 0.063, 0.4, dedge(D_TRUE_MIN), 0.0,
                                    0.2))
    add("v1-huge", model=pk_raw(1, dedge(D_MAX), 0.4))
    add("unused-k-set", flags=PK_GAPS | PK_ALL_K,
        model=pk_raw(1, 0.5, 0.1, 0.3, 0.3, 0.3, 0.3))
    add("bad-compartments", model=u8(1) + pick(4, 0, 4) +
        b"".join(dbl(x) for x in (0.5, 0.1, 0, 0, 0, 0)))
    add("clearances-1", model=pk_clear(1, 0.5, 0, 0, 0.02, 0, 0))
    add("clearances-3", model=pk_clear(3, 0.063, 0.15, 2.5, 0.0276, 0.0373,
                                       0.0372))
    add("clearances-zero-q", model=pk_clear(2, 0.5, 1.0, 0, 0.02, 0.0, 0))
    add("clearances-nan", model=pk_clear(2, 0.5, dedge(D_NAN), 0, 0.02, 0.1,
                                         0))
    add("weight-zero", weight=0.0)
    add("weight-negative-zero", weight=dedge(D_NEG_ZERO))
    add("weight-500", weight=500.0)
    add("weight-above-500", weight=500.0000001)
    add("weight-nan", weight=dedge(D_NAN))
    add("weight-subnormal", weight=dedge(D_TRUE_MIN))
    add("population", pop=(0.3, 70.0, 0.2, 1, 0))
    add("population-typical", pop=(0.0, 80.0, 0.0, 7, 12))
    add("population-extreme", pop=(2.0, 300.0, 1.0, 2026, 123456789))
    add("population-bad-cv", pop=(2.5, 70.0, 0.2, 1, 0))
    add("population-nan-median", pop=(0.3, dedge(D_NAN), 0.2, 1, 0))
    add("population-clements", model=u8(0) + u8(1),
        pop=(0.5, 80.0, 0.3, 99, 2 ** 63))
    add("spoil-population", pop=(0.3, 70.0, 0.2, 1, 0), spoil=(0, 7))
    add("spoil-patient-model", pop=(0.3, 70.0, 0.2, 1, 0), spoil=(1, 7))
    add("spoil-system", spoil=(2, 3))
    add("spoil-summary", spoil=(3, 1000))
    add("corrupt-modes", corrupt=u8(0) + pick(4, 0, 4))
    add("corrupt-v1", corrupt=u8(1) + dedge(D_NEG_ZERO))
    add("corrupt-cl", corrupt=u8(2) + dbl(1e-301))
    add("corrupt-rate-order", corrupt=u8(3 | (1 << 4)) + dbl(1e-5))
    add("corrupt-gain", corrupt=u8(4 | (2 << 4)) + dbl(1e300))
    add("corrupt-gain-negative", corrupt=u8(4) + dedge(D_MINUS_ONE))
    add("null-infusions", null_ptr=1)
    add("null-samples", null_ptr=2)
    add("too-many-infusions", flags=PK_GAPS | PK_MANY)
    add("dose-nan", infusions=[(0.0, 40.0, dedge(D_NAN))])
    add("dose-huge", infusions=[(0.0, 40.0, 1e300)])
    add("duration-tiny", infusions=[(0.0, dedge(D_TRUE_MIN), 35.0)])
    add("start-negative-zero", flags=0,
        infusions=[(dedge(D_NEG_ZERO), 40.0, 35.0)])
    add("start-late", flags=0, infusions=[(1e9, 0.0, 35.0)], until=1e9)
    add("step-zero", step=0.0)
    add("step-negative", step=-1.0)
    add("until-zero", until=0.0)
    add("until-inf", until=dedge(D_INF))
    add("threshold-negative", threshold=-1.0)
    add("t0-nan", t0=dedge(D_NAN))
    add("null-diag-error", flags=PK_GAPS | PK_NULL_DIAG, weight=0.0)
    # found by fuzz_pk: the time above the threshold came out one ulp
    # longer than `until` (pieces of lengths far apart in magnitude)
    add("time-above-past-until", flags=0,
        infusions=[(4.034684707496261e-307, 1.8085243871440857e-307,
                    3.25939083473148e-309),
                   (4.871873497460821e-120, 96.47058823529413,
                    2.2250738585072014e-308)],
        n=0, until=2.1756165818546548e-110, threshold=5.333806864100789e-315)
    # found by fuzz_pk: Tmax one ulp past `until` (the end of the last
    # interval is its start + (until - start), rounded up)
    add("tmax-past-until", infusions=[(58.868054081422287, 600.0, 10000.0)],
        n=0, until=476.90444950904822, threshold=2917.2835994784914)
    # found by fuzz_pk: a system not from infuse_pk_prepare (a clearance
    # that does not match its gains) let auc_inf = dose x 1000 / cl
    # overflow to inf: doses are now bounded by 1000 / cl too
    add("corrupt-cl-auc-overflow", corrupt=u8(2) + dbl(1e-290),
        infusions=[(0.0, 40.0, 1e20)])
    # found by fuzz_pk: the curve multiplied rate x time first, which
    # underflowed (1e-19 mg/min over 2e-308 min) where gain x rate x time
    # did not, so the sample at `until` differed from c_until
    add("curve-rate-time-underflow", model=u8(0) + u8(1),
        weight=2.1622452312378893e-110, flags=0,
        infusions=[(8.289046058458095e-317, 2.052268400663887e-289,
                    2.2250738585072014e-308)],
        t0=2.2250738585072014e-308, step=1.0, n=1,
        until=2.2250738585072014e-308, threshold=0.0)
    # found by fuzz_pk (target errors): a subnormal rate is imprecise
    add("subnormal-rate", infusions=[(8.0947715414629834e-317,
                                      2.3437498608473106,
                                      1.8972120800303867e-321)],
        weight=2.596444305481195e-66, n=0, until=100000.0,
        threshold=6.3240402667679558e-322)
    # the samples are at t0 + k x step
    # exactly, which the double t0 + k * step rounded onto `until` here
    add("sample-time-rounds-onto-until", infusions=[(1.0, 1.0, 35.0)],
        t0=1.0, step=8.8144256497420756e-280, n=1285, until=1.0,
        threshold=1.0)
    # found by fuzz_pk: an infusion's end is the double start + duration,
    # so a short infusion late in time delivered dose x (end - start) /
    # duration (here 4e-4 too much), and one shorter than half an ulp of
    # its start delivered nothing
    add("short-infusion-late", infusions=[(21000.0, 1e-9, 35.0)], t0=20990.0,
        step=1.0, n=30, until=30000.0)
    add("infusion-shorter-than-ulp", infusions=[(21000.0, 1e-12, 35.0)],
        t0=20990.0, step=1.0, n=30, until=30000.0)
    # found by fuzz_pk: a stiff model at the validation limits (slow rates
    # 2e-11 and 2e-9 per minute against 100): the slow modes' gains are off
    # by up to 1e-7 and sum gain / rate by 2e-9 (see stiff_tol)
    add("stiff-slow-gains", weight=0.53813883081035196,
        model=pk_raw(3, 0.01, 1.0000000000000001e-09, 1.6431718395877803e-09,
                     98.03921012164173, 1.8070491829752321e-09,
                     1.9607664333124457))
    # found by a mutation test, then in seconds by fuzz_pk once it compared
    # the time above with a grid: next to a turning point (c' nearly 0)
    # Halley's step shrank toward 0 and was taken for convergence, so a
    # crossing 26 min into a piece was put at its start (fast distribution;
    # minimum 0.5 min into the last infusion)
    add("crossing-after-turning-point", flags=0,
        model=pk_raw(2, 0.05, 0.1, 2.0, 0.0, 0.5, 0.0),
        infusions=[(0.0, 60.0, 120.0), (62.0, 100.0, 40.0),
                   (2000.0, 0.5, 2.5), (2000.5, 100.0, 200.0)],
        n=0, until=2200.0, threshold=2468.1)
    # found by fuzz_pk with that check, after the fix above: a falling
    # crossing searched from where the previous one was (1200 min after an
    # infusion's end, this one 45 min after): the error predicted there,
    # where the fast mode had died out, was taken as the error at the
    # crossing, 1150 min away, where it had not
    add("falling-crossing-far-from-last", flags=0, model=u8(0) + u8(1),
        infusions=[(0.0, 500.0, 35.0), (3000.0, 500.0, 0.4)],
        n=0, until=7000.0, threshold=0.368452)
    return s


# ---- cohort -----------------------------------------------------------------

def ipick(v, lo, hi):
    """fz_pick decoding to v, in [lo, hi] or not (then the raw int64)."""
    return pick(v, lo, hi) if lo <= v <= hi else raw(v)


CO_NULL_DIAG, CO_COURSE, CO_CORRUPT, CO_SPOIL, CO_MODEL, CO_MERGE, \
    CO_HORIZON, CO_HIGH_RANGE = (1 << i for i in range(8))

DEFAULT_COHORT_MODEL = (0.6940, 0.1600, 0.1422, 0.4998, 0.2776, 0.15, 0.70)


def cohort_course(start=day(2026, 1, 5), induction=None, per_week=None,
                  clinic=None, min_iv=None, maint=None, horizon=None,
                  taper=None, calendar_end=None):
    which, f = 0, b""
    if induction is not None:
        which |= 1
        f += pick(induction, 1, 13)
    if per_week is not None:
        which |= 2
        f += pick(per_week, 2, 3)
    if clinic is not None:
        which |= 4
        f += u8(clinic)
    if min_iv is not None:
        which |= 8
        f += pick(min_iv, 0, 14)
    if maint is not None:
        which |= 16
        f += u8(maint)
    if horizon is not None:
        which |= 32
        f += pick(horizon, 1, 60)
    if taper is not None:
        which |= 64
        f += pick(len(taper), 1, 4)
        for iv, cnt in taper:
            f += pick(iv, 1, 60) + pick(cnt, 0, 6)
    if calendar_end is not None:
        which |= 128
        f += u16(calendar_end)
    return pick(start, 19000, 22000) + u8(which) + f


def cohort(flags=0, course=None, model=None, seed=2026, first=0, n=20,
           futility=0, dose=500, duration=40, observation=60, median=80.0,
           cv=0.2, horizon=None, split=7, corrupt=None, spoil=None,
           merge=None, rates=(0, 0)):
    if course is not None:
        flags |= CO_COURSE
    if model is not None:
        flags |= CO_MODEL
    if horizon is not None:
        flags |= CO_HORIZON
    if corrupt is not None:
        flags |= CO_CORRUPT
    if spoil is not None:
        flags |= CO_SPOIL
    if merge is not None:
        flags |= CO_MERGE
    b = u8(flags)
    if course is not None:
        b += course
    if model is not None:
        b += b"".join(val(x) for x in model)
    b += struct.pack("<Q", seed)
    b += u8(first) if flags & CO_HIGH_RANGE else ipick(first, 0, 1000000)
    b += u8(n) + ipick(futility, 0, 12) + ipick(dose, 1, 5000)
    b += ipick(duration, 1, 1440) + ipick(observation, 0, 1440)
    b += val(median) + val(cv)
    if horizon is not None:
        b += pick(horizon, 1, 60)
    b += u8(split)
    if corrupt is not None:
        b += corrupt
    if spoil is not None:
        b += u8(spoil[0]) + u32(spoil[1])
    if merge is not None:
        b += merge + u8(rates[0]) + u32(rates[1])
    return b


def cohort_seeds():
    s = []
    add = lambda name, **kw: s.append((name, cohort(**kw)))
    m = list(DEFAULT_COHORT_MODEL)

    def model(**kw):
        names = ["f", "a1", "b1", "a", "b", "c", "relapse"]
        v = list(m)
        for k, x in kw.items():
            v[names.index(k)] = x
        return v

    add("default")
    add("one-patient", n=1, split=1)
    add("no-patients", n=0, split=0)
    add("sixty-four", n=64, split=31)
    add("split-at-0", split=0)
    add("split-at-end", split=20)
    add("high-first", first=999990, n=10)
    add("range-near-2^64", flags=CO_HIGH_RANGE, first=10, n=10)
    add("range-past-2^64", flags=CO_HIGH_RANGE, first=3, n=10)
    add("patients-2^62", n=255)
    add("futility-2", futility=2)
    add("futility-6", futility=6)
    add("futility-7", futility=7)
    add("dose-min", dose=1)
    add("dose-max", dose=5000, median=300.0, cv=1.0)
    add("dose-zero", dose=0)
    add("futility-negative", futility=-1)
    add("duration-zero", duration=0)
    add("observation-negative", observation=-1)
    add("duration-max", duration=1440, observation=1440)
    add("observation-zero", observation=0)
    add("weight-cv-zero", cv=0.0)
    add("weight-cv-negative-zero", cv=dedge(D_NEG_ZERO))
    add("weight-median-nan", median=dedge(D_NAN))
    add("weight-median-low", median=19.999999)
    add("model-default", model=m)
    add("model-all-respond", model=model(f=1.0, a1=1.0, b1=0.0))
    add("model-nobody", model=model(f=0.0))
    add("model-negative-zero", model=model(f=dedge(D_NEG_ZERO)))
    add("model-sum-above-1", model=model(a1=0.6, b1=0.4000000001))
    add("model-sum-just-1", model=model(a=0.5, b=0.5000000009))
    add("model-nan", model=model(c=dedge(D_NAN)))
    add("model-inf", model=model(a=dedge(D_INF)))
    add("model-above-1", model=model(f=dedge(D_ABOVE)))
    add("model-subnormal", model=model(a1=dedge(D_TRUE_MIN)))
    add("relapse-0", model=model(relapse=0.0))
    add("relapse-1", model=model(relapse=1.0))
    add("relapse-tiny", model=model(relapse=dedge(D_TRUE_MIN)))
    add("relapse-almost-1", model=model(relapse=0.9999999999999999))
    add("course-weekly", course=cohort_course(maint=1, horizon=24),
        horizon=24)
    add("course-none", course=cohort_course(maint=2, induction=12))
    add("course-two-per-week", course=cohort_course(per_week=2, induction=4))
    add("course-taper", course=cohort_course(taper=[(7, 2), (14, 2), (28, 0)]))
    add("course-60-months", course=cohort_course(horizon=60, maint=1),
        horizon=60)
    add("course-1-month", course=cohort_course(horizon=1), horizon=1)
    add("course-calendar-end", course=cohort_course(calendar_end=40))
    add("course-mon-thu", course=cohort_course(clinic=0x09, min_iv=3))
    add("horizon-shorter", horizon=2)
    add("horizon-longer", horizon=36)
    add("corrupt-index", corrupt=u8(0) + u16(3) + pick(9, -1, 1002))
    add("corrupt-date-out", corrupt=u8(1) + u16(0) +
        pick(DATE_MIN - 1, DATE_MIN - 1, DATE_MAX + 1))
    add("corrupt-date-back", corrupt=u8(2) + u16(4) + pick(-10, -30, 30))
    add("corrupt-phase", corrupt=u8(3) + u16(2) + u8(2))
    add("corrupt-maintenance-first", corrupt=u8(3) + u16(0) + u8(1))
    add("corrupt-count-0", corrupt=u8(4) + u16(0) + u16(0))
    add("corrupt-count-1001", corrupt=u8(4) + u16(0) + u16(1001))
    add("corrupt-count-1", corrupt=u8(4) + u16(0) + u16(1))
    add("corrupt-swap", corrupt=u8(5) + u16(1) + u16(8))
    add("spoil-options", spoil=(0, 8))
    add("spoil-model", spoil=(1, 8))
    add("spoil-counts", spoil=(2, 8))
    for k, name in enumerate(["twice", "gap", "fingerprint", "negative",
                              "overflow", "size", "past-2^64", "null"]):
        add("merge-" + name, merge=u8(k) + u16(5 * k) + u8(3) + u8(1) +
            u8(2), rates=(k & 1, 8))
    add("merge-twice-empty", n=0, split=0, merge=u8(0) + u16(0))
    add("null-diag-error", flags=CO_NULL_DIAG, dose=0)
    return s


# ---- sim_cli ----------------------------------------------------------------

def project_version():
    """The version infuse-sim writes into its JSON (project() in the top
    CMakeLists.txt): merge refuses files of another version, so the merge
    seeds carry this one."""
    with open(os.path.join(HERE, "..", "..", "CMakeLists.txt")) as f:
        for line in f:
            m = re.match(r"project\(infuse VERSION ([0-9.]+)", line)
            if m:
                return m.group(1)
    raise SystemExit("make_corpus.py: no project version in CMakeLists.txt")


# `infuse-sim cohort --patients 20 --json --shard 0/2` and `--shard 1/2`,
# captured once (seeds, not expected values; @VERSION@ is the project's).
SHARD_0_OF_2 = (
    "{\n"
    "  \"infuse_version\": \"@VERSION@\",\n"
    "  \"options\": {\n"
    "    \"seed\": 1,\n"
    "    \"patients\": 20,\n"
    "    \"start\": \"2026-01-05\",\n"
    "    \"months\": 12,\n"
    "    \"induction\": 6,\n"
    "    \"per_week\": 3,\n"
    "    \"maintenance\": \"taper\",\n"
    "    \"taper\": \"5d:2,7d:2,10d:2,14d:2,21d:2,28d\",\n"
    "    \"clinic_days\": \"mon,tue,wed,thu,fri\",\n"
    "    \"closed\": \"\",\n"
    "    \"min_interval_days\": 2,\n"
    "    \"futility\": 0,\n"
    "    \"dose_mg_per_kg\": 0.5,\n"
    "    \"duration_min\": 40,\n"
    "    \"observation_min\": 60,\n"
    "    \"weight_median_kg\": 80,\n"
    "    \"weight_cv\": 0.2,\n"
    "    \"responsive_fraction\": 0.694,\n"
    "    \"p_remit_first\": 0.16,\n"
    "    \"p_respond_first\": 0.1422,\n"
    "    \"p_remit_next\": 0.4998,\n"
    "    \"p_respond_next\": 0.2776,\n"
    "    \"p_remit_after_response\": 0.15,\n"
    "    \"relapse_28d\": 0.7\n"
    "  },\n"
    "  \"counts\": {\n"
    "    \"fingerprint\": \"784aea38e5f81c83\",\n"
    "    \"first_patient\": 0,\n"
    "    \"patients\": 10,\n"
    "    \"patient_days\": 3650,\n"
    "    \"responsive\": 5,\n"
    "    \"response_at_1\": 0,\n"
    "    \"response_by_3\": 4,\n"
    "    \"remission_by_3_after_response_at_1\": 0,\n"
    "    \"no_response_at_1\": 10,\n"
    "    \"remission_by_3_after_no_response_at_1\": 2,\n"
    "    \"no_response_by_2\": 7,\n"
    "    \"remission_after_no_response_by_2\": 1,\n"
    "    \"responders\": 5,\n"
    "    \"remitters\": 3,\n"
    "    \"futility_stops\": 0,\n"
    "    \"relapse_28d_untreated\": 4,\n"
    "    \"relapses\": 4,\n"
    "    \"infusions\": 98,\n"
    "    \"induction_infusions\": 60,\n"
    "    \"maintenance_infusions\": 38,\n"
    "    \"drug_ug\": 3942006,\n"
    "    \"chair_minutes\": 9800,\n"
    "    \"first_response\": [0, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],\n"
    "    \"relapse_week\": [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0]\n"
    "  },\n"
    "  \"rates\": {\n"
    "    \"response_by_infusion_3\": 0.4,\n"
    "    \"remission_by_3_given_response_at_1\": null,\n"
    "    \"remission_by_3_given_no_response_at_1\": 0.2,\n"
    "    \"remission_given_no_response_by_2\": 0.14285714285714285,\n"
    "    \"relapse_within_28d_without_maintenance\": 0.8,\n"
    "    \"response_end_of_induction\": 0.5,\n"
    "    \"remission_end_of_induction\": 0.3,\n"
    "    \"relapse_in_horizon\": 0.8,\n"
    "    \"infusions_per_patient_year\": 9.806712328767123,\n"
    "    \"drug_mg_per_patient_year\": 394.47060041095887,\n"
    "    \"chair_hours_per_patient_year\": 16.344520547945205\n"
    "  }\n"
    "}\n")
SHARD_1_OF_2 = (
    "{\n"
    "  \"infuse_version\": \"@VERSION@\",\n"
    "  \"options\": {\n"
    "    \"seed\": 1,\n"
    "    \"patients\": 20,\n"
    "    \"start\": \"2026-01-05\",\n"
    "    \"months\": 12,\n"
    "    \"induction\": 6,\n"
    "    \"per_week\": 3,\n"
    "    \"maintenance\": \"taper\",\n"
    "    \"taper\": \"5d:2,7d:2,10d:2,14d:2,21d:2,28d\",\n"
    "    \"clinic_days\": \"mon,tue,wed,thu,fri\",\n"
    "    \"closed\": \"\",\n"
    "    \"min_interval_days\": 2,\n"
    "    \"futility\": 0,\n"
    "    \"dose_mg_per_kg\": 0.5,\n"
    "    \"duration_min\": 40,\n"
    "    \"observation_min\": 60,\n"
    "    \"weight_median_kg\": 80,\n"
    "    \"weight_cv\": 0.2,\n"
    "    \"responsive_fraction\": 0.694,\n"
    "    \"p_remit_first\": 0.16,\n"
    "    \"p_respond_first\": 0.1422,\n"
    "    \"p_remit_next\": 0.4998,\n"
    "    \"p_respond_next\": 0.2776,\n"
    "    \"p_remit_after_response\": 0.15,\n"
    "    \"relapse_28d\": 0.7\n"
    "  },\n"
    "  \"counts\": {\n"
    "    \"fingerprint\": \"784aea38e5f81c83\",\n"
    "    \"first_patient\": 10,\n"
    "    \"patients\": 10,\n"
    "    \"patient_days\": 3650,\n"
    "    \"responsive\": 9,\n"
    "    \"response_at_1\": 0,\n"
    "    \"response_by_3\": 9,\n"
    "    \"remission_by_3_after_response_at_1\": 0,\n"
    "    \"no_response_at_1\": 10,\n"
    "    \"remission_by_3_after_no_response_at_1\": 5,\n"
    "    \"no_response_by_2\": 2,\n"
    "    \"remission_after_no_response_by_2\": 1,\n"
    "    \"responders\": 9,\n"
    "    \"remitters\": 8,\n"
    "    \"futility_stops\": 0,\n"
    "    \"relapse_28d_untreated\": 4,\n"
    "    \"relapses\": 4,\n"
    "    \"infusions\": 166,\n"
    "    \"induction_infusions\": 60,\n"
    "    \"maintenance_infusions\": 106,\n"
    "    \"drug_ug\": 6558846,\n"
    "    \"chair_minutes\": 16600,\n"
    "    \"first_response\": [0, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],\n"
    "    \"relapse_week\": [2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 0, 0]\n"
    "  },\n"
    "  \"rates\": {\n"
    "    \"response_by_infusion_3\": 0.9,\n"
    "    \"remission_by_3_given_response_at_1\": null,\n"
    "    \"remission_by_3_given_no_response_at_1\": 0.5,\n"
    "    \"remission_given_no_response_by_2\": 0.5,\n"
    "    \"relapse_within_28d_without_maintenance\": 0.4444444444444444,\n"
    "    \"response_end_of_induction\": 0.9,\n"
    "    \"remission_end_of_induction\": 0.8,\n"
    "    \"relapse_in_horizon\": 0.4444444444444444,\n"
    "    \"infusions_per_patient_year\": 16.6113698630137,\n"
    "    \"drug_mg_per_patient_year\": 656.3338360273972,\n"
    "    \"chair_hours_per_patient_year\": 27.685616438356163\n"
    "  }\n"
    "}\n")


SIM_SUB = {"pk": 0, "cohort": 1, "merge": 2, "text": 3}


def sim(sub, *args, files=()):
    """Byte 0: the subcommand and the merge file count; the files (merge);
    the arguments, NUL-separated."""
    mode = SIM_SUB[sub] | (max(len(files), 1) - 1) << 2
    b = u8(mode)
    if sub == "merge":
        for content in files or [b""]:
            data = content.encode("utf-8") if isinstance(content, str) \
                else content
            b += u16(len(data)) + data
    return b + b"\x00".join(a.encode("utf-8") for a in args)


def sim_cli_seeds():
    v = project_version()
    s0 = SHARD_0_OF_2.replace("@VERSION@", v)
    s1 = SHARD_1_OF_2.replace("@VERSION@", v)
    c = []
    add = lambda name, *args, **kw: c.append((name, sim(*args, **kw)))
    # pk
    add("pk-default", "pk")
    add("pk-json", "pk", "--json")
    add("pk-csv", "pk", "--csv", "--step", "10min")
    add("pk-svg", "pk", "--svg", "pk.svg")
    add("pk-svg-equals", "pk", "--svg=pk.svg", "--model", "clements")
    add("pk-models-durations", "pk", "--model", "domino,clements",
        "--duration", "40min,100min", "--step=5min")
    add("pk-custom-rates", "pk", "--model", "custom", "--v1", "0.063L/kg",
        "--k10", "0.4381/min", "--k12", "0.5921/min", "--k21", "0.247/min",
        "--k13", "26.3/h", "--k31", "0.0146/min")
    add("pk-custom-clearances", "pk", "--v1", "63mL/kg", "--cl",
        "0.0276L/min/kg", "--v2", "0.15L/kg", "--q2", "1.656L/h/kg")
    add("pk-custom-both", "pk", "--v1", "63mL/kg", "--cl", "0.0276L/min/kg",
        "--k10", "0.4/min")
    add("pk-sessions", "pk", "--sessions", "6", "--every", "2d", "--until",
        "14d", "--step", "30min", "--json")
    add("pk-sessions-overlap", "pk", "--sessions", "2", "--every", "10min")
    add("pk-course", "pk", "--start", "2026-11-30", "--until", "30d",
        "--step", "2h", "--maintenance", "weekly", "--months", "1")
    add("pk-course-no-start", "pk", "--induction", "4")
    add("pk-patients", "pk", "--patients", "5", "--seed", "7",
        "--variability", "50%", "--weight-cv", "10%", "--weight", "80kg")
    add("pk-summary", "pk", "--summary", "--patients", "200", "--json")
    add("pk-summary-csv", "pk", "--summary", "--patients", "20", "--csv",
        "--threshold", "1ug/mL")
    add("pk-summary-svg", "pk", "--summary", "--patients", "2", "--svg",
        "x.svg")
    add("pk-fixed-dose", "pk", "--dose", "35mg", "--weight", "154lb")
    add("pk-bare-number", "pk", "--weight", "70")
    add("pk-negative", "pk", "--threshold", "-5ng/mL")
    add("pk-too-many-digits", "pk", "--v1", "0." + "1" * 45 + "L/kg",
        "--k10", "1/min")
    add("pk-step-long", "pk", "--step", "3d", "--until", "1d")
    add("pk-seed-no-patients", "pk", "--seed", "5")
    add("pk-json-csv", "pk", "--json", "--csv")
    add("pk-twice", "pk", "--json", "--json")
    add("pk-unknown", "pk", "--frobnicate")
    add("pk-cohort-option", "pk", "--futility", "2")
    add("pk-positional", "pk", "70kg")
    add("pk-help", "pk", "--help")
    add("pk-h", "pk", "-h")
    add("pk-version", "pk", "--version")
    add("pk-value-missing", "pk", "--weight")
    add("pk-help-value", "pk", "--help=yes")
    # cohort
    add("cohort-json", "cohort", "--patients", "20", "--json")
    add("cohort-shard", "cohort", "--patients", "20", "--json", "--shard",
        "1/3")
    add("cohort-csv", "cohort", "--patients", "50", "--csv")
    add("cohort-svg", "cohort", "--patients", "50", "--svg", "c.svg")
    add("cohort-table", "cohort", "--patients", "30", "--futility", "2",
        "--months", "24", "--maintenance", "weekly")
    add("cohort-model", "cohort", "--patients", "40",
        "--responsive-fraction", "70%", "--p-remit-first", "0.2",
        "--p-respond-first", "0.1", "--p-remit-next", "0.5",
        "--p-respond-next", "0.3", "--p-remit-after-response", "15%",
        "--relapse-28d", "0.6")
    add("cohort-model-sum-above-1", "cohort", "--patients", "10",
        "--p-remit-first", "0.9", "--p-respond-first", "0.2")
    add("cohort-relapse-1", "cohort", "--patients", "10", "--relapse-28d",
        "1")
    add("cohort-course", "cohort", "--patients", "10", "--start",
        "2026-11-30", "--closed", "2026-12-24,2026-12-25", "--clinic-days",
        "mon-wed,fri", "--taper", "7d:2,14d", "--min-interval", "3d",
        "--per-week", "2", "--induction", "4")
    add("cohort-policy", "cohort", "--patients", "10", "--dose", "0.75mg/kg",
        "--duration", "100min", "--observation", "0min", "--weight-median",
        "95kg", "--weight-cv", "0%")
    add("cohort-shard-k-too-big", "cohort", "--patients", "10", "--shard",
        "3/3")
    add("cohort-shard-more-than-patients", "cohort", "--patients", "2",
        "--shard", "0/3")
    add("cohort-shard-bad", "cohort", "--shard", "1-3")
    add("cohort-patients-zero", "cohort", "--patients", "0")
    add("cohort-weight", "cohort", "--weight", "70kg")
    add("cohort-no-session", "cohort", "--patients", "5", "--clinic-days",
        "sat", "--start", "2026-01-05", "--months", "1", "--closed",
        ",".join("2026-01-%02d" % d for d in (10, 17, 24, 31)))
    add("cohort-help", "cohort", "--help")
    # merge: the reader
    add("merge-two-shards", "merge", "a.json", "b.json", files=[s0, s1])
    add("merge-reversed", "merge", "a.json", "b.json", files=[s1, s0])
    add("merge-csv", "merge", "--csv", "a", "b", files=[s0, s1])
    add("merge-svg", "merge", "--svg", "m.svg", "a", "b", files=[s0, s1])
    add("merge-partial", "merge", "--partial", "a", files=[s1])
    add("merge-missing-shard", "merge", "a", files=[s1])
    add("merge-same-twice", "merge", "a", "a", files=[s0])
    add("merge-overlap", "merge", "a", "b", "c", files=[s0, s1])
    add("merge-after-dash-dash", "merge", "--", "--json", "-x",
        files=[s0, s1])
    add("merge-no-files", "merge", "--json")
    add("merge-json-csv", "merge", "--json", "--csv", "a", files=[s0])
    add("merge-pk-option", "merge", "--patients", "3", "a", files=[s0])
    add("merge-help", "merge", "--help")
    add("merge-truncated", "merge", "a", files=[s0[:1000]])
    add("merge-empty", "merge", "a", files=[""])
    add("merge-not-json", "merge", "a", files=["hello"])
    add("merge-not-object", "merge", "a", files=["[1, 2, 3]"])
    add("merge-nul", "merge", "a", files=[s0[:40] + "\x00" + s0[40:]])
    add("merge-duplicate-key", "merge", "a",
        files=[s0.replace('"seed": 1,', '"seed": 1,\n    "seed": 1,', 1)])
    add("merge-unknown-key", "merge", "a",
        files=[s0.replace('"seed": 1,', '"sead": 1,', 1)])
    add("merge-missing-key", "merge", "a",
        files=[s0.replace('    "seed": 1,\n', '', 1)])
    add("merge-edited-count", "merge", "a",
        files=[s0.replace('"responsive": 5,', '"responsive": 6,', 1)])
    add("merge-reformatted", "merge", "a",
        files=[s0.replace('": ', '":  ', 3)])
    add("merge-other-version", "merge", "a",
        files=[s0.replace('"' + v + '"', '"0.0.0-other"', 1)])
    add("merge-different-runs", "merge", "a", "b",
        files=[s0, s1.replace('"seed": 1,', '"seed": 2,', 1)])
    add("merge-bad-fingerprint", "merge", "a",
        files=[s0.replace('"fingerprint": "', '"fingerprint": "X', 1)])
    add("merge-huge-count", "merge", "a",
        files=[s0.replace('"patients": 10,', '"patients": ' + "9" * 25 +
                          ',', 1)])
    add("merge-negative-count", "merge", "a",
        files=[s0.replace('"relapses": 4,', '"relapses": -4,', 1)])
    add("merge-short-array", "merge", "a",
        files=[s0.replace('[0, 3, 1, 1, 0, ', '[3, 1, 1, 0, ', 1)])
    add("merge-string-count", "merge", "a",
        files=[s0.replace('"remitters": 3,', '"remitters": "3",', 1)])
    add("merge-rate-null", "merge", "a",
        files=[s0.replace('"relapse_in_horizon": ', '"relapse_in_horizon": '
                          'null, "x": ', 1)])
    add("merge-escapes", "merge", "a",
        files=['{"infuse_version": "\\u00e9\\n\\/", "options": {}}'])
    add("merge-bad-escape", "merge", "a", files=['{"a": "\\x"}'])
    add("merge-deep", "merge", "a", files=["[" * 40 + "]" * 40])
    add("merge-numbers", "merge", "a",
        files=['{"a": -0.5e+10, "b": 1E5, "c": 0, "d": -, "e": 1.}'])
    add("merge-words", "merge", "a", files=['{"a": true, "b": false, '
                                            '"c": null, "d": nul}'])
    add("merge-trailing", "merge", "a", files=[s0 + "x"])
    add("merge-four-files", "merge", "a", "b", "c", "d",
        files=[s0, s1, "{}", "[]"])
    # found by fuzz_sim_cli: the options object is copied as it is, so
    # shards whose options differ only in spacing or key order passed the
    # layout check, and the message about the differing option then read
    # the node of a key that was not found (index (size_t)-1)
    add("merge-options-spacing", "merge", "a", "b",
        files=[s0.replace('"observation_min": 60', '"observation_min" :60',
                          1), s1])
    add("merge-options-key-order", "merge", "a", "b",
        files=[s0, s1.replace('    "seed": 1,\n    "patients": 20,\n',
                              '    "patients": 20,\n    "seed": 1,\n', 1)])
    # argv[1] from the text
    add("text-help", "text", "--help")
    add("text-version", "text", "--version")
    add("text-help-extra", "text", "--help", "pk")
    add("text-nothing", "text")
    add("text-unknown", "text", "frobnicate")
    add("text-option-first", "text", "--json", "pk")
    add("text-merge", "text", "merge", "a", "b")
    add("text-pk", "text", "pk", "--json", "--until", "2h")
    return c


TARGETS = {
    "quantity": quantity_seeds,
    "pump": pump_seeds,
    "course": course_seeds,
    "review": review_seeds,
    "cli": cli_seeds,
    "pk": pk_seeds,
    "cohort": cohort_seeds,
    "sim_cli": sim_cli_seeds,
}


def main():
    check = "--check" in sys.argv[1:]
    bad = False
    for target, make in TARGETS.items():
        d = os.path.join(HERE, "corpus", target)
        want = {}
        for i, (name, data) in enumerate(make()):
            # seeds are small; merge seeds of sim_cli carry whole files
            limit = 8192 if target == "sim_cli" else 1024
            assert len(data) <= limit, (target, name, len(data))
            want["%03d-%s" % (i, name)] = data
        if check:
            have = set(os.listdir(d)) if os.path.isdir(d) else set()
            if have != set(want):
                print("%s: files differ: %s" % (target,
                      sorted(have.symmetric_difference(want))))
                bad = True
            for name, data in want.items():
                p = os.path.join(d, name)
                if os.path.exists(p) and open(p, "rb").read() != data:
                    print("%s/%s differs" % (target, name))
                    bad = True
            continue
        os.makedirs(d, exist_ok=True)
        for old in os.listdir(d):
            if old not in want:
                os.remove(os.path.join(d, old))
        for name, data in want.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (target, len(want)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
