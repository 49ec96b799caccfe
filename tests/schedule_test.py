#!/usr/bin/env python3
"""Tests of infuse-schedule as a program. Dates are checked against an
independent planner written here with Python's datetime (its own calendar
and weekday arithmetic), following the rules documented in infuse.h.
Usage: schedule_test.py BIN_DIR"""

import csv
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import unittest

BIN = None


def run(*args):
    p = subprocess.run([os.path.join(BIN, "infuse-schedule"), *args],
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def run_bytes(*args):
    p = subprocess.run([os.path.join(BIN, "infuse-schedule"), *args],
                       capture_output=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def weekly_capacity(clinic, min_interval):
    """Most sessions a repeating week holds on these weekdays with every
    gap, including the one into the next week, at least min_interval."""
    from itertools import combinations
    best = 0
    days = sorted(clinic)
    for k in range(1, len(days) + 1):
        for pick in combinations(days, k):
            gaps = [b - a for a, b in zip(pick, pick[1:])]
            gaps.append(7 - pick[-1] + pick[0])
            if min(gaps) >= min_interval:
                best = max(best, k)
    return best


def add_months(d, months):
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(y, m, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


DEFAULT_TAPER = [(5, 2), (7, 2), (10, 2), (14, 2), (21, 2), (28, 0)]


def plan(start, induction=6, per_week=3, clinic=frozenset(range(5)),
         closed=frozenset(), min_interval=2, maintenance="taper",
         taper=DEFAULT_TAPER, months=12):
    """clinic: Python weekdays (Monday 0). Returns (date, phase, target)."""
    end = add_months(start, months)
    gaps = [2, 2, 3] if per_week == 3 else [3, 4]

    def allowed(d):
        return d.weekday() in clinic and d not in closed

    # the rhythm follows the weekday of the first session, after snapping
    first = start
    while not allowed(first):
        first += dt.timedelta(days=1)
    wd = first.weekday()  # Monday 0
    if per_week == 3:
        offset = 0 if wd <= 1 else 1 if wd <= 3 else 2
    else:
        offset = 0 if wd <= 2 else 1

    out = []
    prev = None
    steps = [list(s) for s in taper]
    step, done = 0, 0
    while True:
        k = len(out)
        if k < induction:
            phase = "induction"
            gap = 0 if k == 0 else gaps[(offset + k - 1) % len(gaps)]
        else:
            phase = "maintenance"
            if maintenance == "none":
                break
            if maintenance == "weekly":
                gap = 7
            else:
                if step >= len(steps):
                    break
                gap = steps[step][0]
                done += 1
                if steps[step][1] != 0 and done >= steps[step][1]:
                    step, done = step + 1, 0
        if k > 0:
            gap = max(gap, min_interval)
        target = start if k == 0 else prev + dt.timedelta(days=gap)
        d = target
        while not allowed(d):
            d += dt.timedelta(days=1)
        if d >= end:
            break
        out.append((d, phase, gap, (d - target).days))
        prev = d
    return out


class Schedule(unittest.TestCase):
    def check_against_model(self, args, **model):
        code, out, err = run("--json", *args)
        self.assertEqual(code, 0, err)
        j = json.loads(out)
        expected = plan(**model)
        got = j["sessions"]
        self.assertEqual(len(got), len(expected), args)
        for s, (d, phase, gap, moved) in zip(got, expected):
            self.assertEqual(s["date"], d.isoformat(), args)
            self.assertEqual(s["phase"], phase)
            self.assertEqual(s["weekday"], d.isoweekday())
            self.assertEqual(s["moved_days"], moved)
            if s["index"] > 1:
                self.assertEqual(s["target_interval_days"], gap)
        return j

    def test_default_course(self):
        j = self.check_against_model(["--start", "2026-11-30"],
                                     start=dt.date(2026, 11, 30))
        self.assertEqual(j["summary"]["induction"], 6)
        first = [s["date"] for s in j["sessions"][:6]]
        # Mon/Wed/Fri for two weeks, worked out on a calendar
        self.assertEqual(first, ["2026-11-30", "2026-12-02", "2026-12-04",
                                 "2026-12-07", "2026-12-09", "2026-12-11"])

    def test_options_against_model(self):
        start = dt.date(2024, 2, 26)
        closed = [dt.date(2024, 3, 1), dt.date(2024, 12, 25),
                  dt.date(2025, 1, 1)]
        self.check_against_model(
            ["--start", "2024-02-26", "--per-week", "2", "--induction", "4",
             "--clinic-days", "mon,tue,thu", "--closed",
             ",".join(d.isoformat() for d in closed), "--months", "14",
             "--taper", "4d:3,9d:2,30d"],
            start=start, induction=4, per_week=2,
            clinic=frozenset({0, 1, 3}), closed=frozenset(closed),
            taper=[(4, 3), (9, 2), (30, 0)], months=14)

    def test_random_courses_against_model(self):
        rng = random.Random(20261127)
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        for _ in range(40):
            start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(20000))
            days = sorted(rng.sample(range(7), rng.randint(3, 7)))
            closed = sorted({start + dt.timedelta(days=rng.randrange(400))
                             for _ in range(rng.randrange(12))})
            maintenance = rng.choice(["taper", "weekly", "none"])
            months = rng.randint(1, 18)
            args = ["--start", start.isoformat(), "--clinic-days",
                    ",".join(names[d] for d in days), "--maintenance",
                    maintenance, "--months", str(months)]
            if closed:
                args += ["--closed", ",".join(d.isoformat() for d in closed)]
            if weekly_capacity(days, 2) < 3:
                # 3 a week cannot be placed 48 h apart on these days
                code, out, err = run(*args)
                self.assertEqual(code, 2, args)
                self.assertIn("E_CONFLICT", err)
                continue
            self.check_against_model(
                args, start=start, clinic=frozenset(days),
                closed=frozenset(closed), maintenance=maintenance,
                months=months)

    def test_dose_on_every_session(self):
        code, out, err = run("--start", "2026-11-30", "--weight", "70kg",
                             "--json")
        self.assertEqual(code, 0, err)
        j = json.loads(out)
        for s in j["sessions"]:
            self.assertEqual(s["dose_mg"], 35)          # 70 kg x 0.5 mg/kg
            self.assertEqual(s["rate_ml_per_h"], 155.3)
            self.assertEqual(s["vtbi_ml"], 103.5)
        n = j["summary"]["sessions"]
        self.assertEqual(j["summary"]["total_dose_mg"], 35 * n)

    def test_weekend_start_keeps_the_rhythm(self):
        # Saturday 2026-11-28 moves to Monday 11-30, then Wed, Fri, Mon...
        j = self.check_against_model(["--start", "2026-11-28"],
                                     start=dt.date(2026, 11, 28))
        self.assertEqual([s["date"] for s in j["sessions"][:4]],
                         ["2026-11-30", "2026-12-02", "2026-12-04",
                          "2026-12-07"])
        self.assertEqual(j["sessions"][0]["moved_days"], 2)

    def test_csv(self):
        code, raw, err = run_bytes("--start", "2026-11-30", "--csv",
                                   "--months", "1")
        self.assertEqual(code, 0, err)
        out = raw.decode("ascii")
        self.assertTrue(all(line.endswith("\r") for line in
                            out.split("\n")[:-1]), "CRLF line ends")
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertEqual(rows[0]["date"], "2026-11-30")
        self.assertEqual(rows[0]["interval_days"], "")
        self.assertEqual(rows[1]["interval_days"], "2")

    def test_limit_still_prints_and_exits_3(self):
        code, out, _ = run("--start", "2026-11-30", "--weight", "70kg",
                           "--dose", "0.9mg/kg")
        self.assertEqual(code, 3)
        self.assertIn("verdict soft_limit", out)

    def test_review_findings(self):
        # MADRS baseline 30; 28, 27, 29: no 50% reduction by infusion 3
        # (15 or less needed)
        code, out, err = run("--start", "2026-11-30", "--json", "--baseline",
                             "30", "--scores", "28,27,29")
        self.assertEqual(code, 0, err)
        r = json.loads(out)["review"]
        codes = [f["code"] for f in r["findings"]]
        self.assertIn("no_response_after_3", codes)
        self.assertIsNone(r["first_response"])

    def test_scores_from_a_file(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".txt",
                                         delete=False) as f:
            f.write("28\n27\n 29\n")
            name = f.name
        try:
            code, out, err = run("--start", "2026-11-30", "--json",
                                 "--baseline", "30", "--scores", "@" + name)
            self.assertEqual(code, 0, err)
            r = json.loads(out)["review"]
            self.assertEqual([p["score"] for p in r["points"]], [28, 27, 29])
            code, out, err = run("--start", "2026-11-30", "--baseline", "30",
                                 "--scores", "@" + name + ".missing")
            self.assertEqual(code, 2)
            self.assertEqual(out, "")
            self.assertIn("cannot read", err)
        finally:
            os.unlink(name)

    def test_refusals(self):
        for args, needle in [
            ([], "--start is required"),
            (["--start", "2026-13-01"], "--start"),
            (["--start", "30/11/2026"], "YYYY-MM-DD"),
            (["--start", "2026-11-30", "--per-week", "4"], "--per-week"),
            (["--start", "2026-11-30", "--per-week", "three"], "--per-week"),
            (["--start", "2026-11-30", "--induction", "0"], "--induction"),
            (["--start", "2026-11-30", "--months", "61"], "--months"),
            (["--start", "2026-11-30", "--maintenance", "monthly"], "taper"),
            (["--start", "2026-11-30", "--clinic-days", "mon,xyz"], "mon"),
            (["--start", "2026-11-30", "--clinic-days", "mon"],
             "E_CONFLICT"),
            (["--start", "2026-11-30", "--closed", "2026-02-30"], "--closed"),
            (["--start", "2026-11-30", "--min-interval", "36h"], "whole"),
            (["--start", "2026-11-30", "--min-interval", "2"], "E_NO_UNIT"),
            (["--start", "2026-11-30", "--taper", "5d,7d:2"], "last step"),
            (["--start", "2026-11-30", "--json", "--csv"], "one output"),
            (["--start", "2026-11-30", "--ics"], "--course-id"),
            (["--start", "2026-11-30", "--fhir", "--course-id", "c1"],
             "--patient"),
            (["--start", "2026-11-30", "--course-id", "a b", "--ics"],
             "--course-id"),
            (["--start", "2026-11-30", "--dose", "0.5mg/kg"], "--weight"),
            (["--start", "2026-11-30", "--weight", "70"], "E_NO_UNIT"),
            (["--start", "2026-11-30", "--baseline", "30"], "--scores"),
            (["--start", "2026-11-30", "--baseline", "30", "--scores",
              "20,61"], "--scores"),
            (["--start", "2026-11-30", "--dtstamp", "2026-11-27 10:00"],
             "--dtstamp"),
        ]:
            with self.subTest(args=args):
                code, out, err = run(*args)
                self.assertEqual(code, 2, (args, out, err))
                self.assertEqual(out, "")
                self.assertIn(needle, err)

    def test_help_version(self):
        code, out, _ = run("--help")
        self.assertEqual(code, 0)
        self.assertIn("--start", out)
        code, out, _ = run("--version")
        self.assertRegex(out, r"^infuse-schedule \(infuse\) \d+\.\d+\.\d+\n$")


if __name__ == "__main__":
    BIN = sys.argv.pop(1)
    unittest.main(verbosity=1)
