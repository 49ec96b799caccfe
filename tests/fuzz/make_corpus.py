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


TARGETS = {
    "quantity": quantity_seeds,
    "pump": pump_seeds,
    "course": course_seeds,
    "review": review_seeds,
    "cli": cli_seeds,
}


def main():
    check = "--check" in sys.argv[1:]
    bad = False
    for target, make in TARGETS.items():
        d = os.path.join(HERE, "corpus", target)
        want = {}
        for i, (name, data) in enumerate(make()):
            assert len(data) <= 1024, (target, name, len(data))
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
