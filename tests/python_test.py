#!/usr/bin/env python3
"""Tests of the Python module (bindings/python/infuse) against the built
shared library: the worked pump example, error mapping, course dates by
hand and against the independent planner of schedule_test.py, struct sizes
against the ABI snapshot, a one-compartment model against its closed form,
virtual patients and cohort shards.

Usage: python_test.py LIBRARY   (the built libinfuse.so.0)
Standard library only.
"""

import ctypes
import datetime as dt
import json
import math
import os
import random
import re
import sys
import unittest
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "bindings", "python"))
sys.path.insert(0, HERE)

import infuse  # noqa: E402
from infuse import _native  # noqa: E402
from schedule_test import plan as independent_plan  # noqa: E402

LIBRARY = None


def setUpModule():
    infuse.load(LIBRARY)


class Loading(unittest.TestCase):
    def test_version(self):
        lib = infuse.library()
        self.assertEqual(lib.version_tuple[0], _native.ABI_MAJOR)
        self.assertRegex(infuse.version(), r"^\d+\.\d+\.\d+$")
        self.assertEqual(lib.missing, [], "functions the library lacks")

    def test_not_a_library(self):
        with self.assertRaises(infuse.LibraryError):
            _native.Library(os.path.join(HERE, "no-such-libinfuse.so"))


class Pump(unittest.TestCase):
    def test_worked_example(self):
        # 70 kg x 0.5 mg/kg = 35 mg; 35 mg / 10 mg/mL = 3.5 mL drawn up and
        # added to a 100 mL bag: 103.5 mL; 103.5 mL / 40 min = 155.25 mL/h,
        # programmed 155.3 mL/h (nearest 0.1); VTBI 103.5 mL.
        r = infuse.pump("70kg", dose="0.5mg/kg", duration="40min",
                        vial="10mg/mL", bag="100mL", prep="add")
        self.assertEqual(r.status, infuse.OK)
        self.assertTrue(r.ok)
        self.assertEqual(r.verdict, "ok")
        self.assertEqual(r.protocol, "ketamine-trd-40")
        self.assertEqual(r.dose_mg, 35)
        self.assertEqual(r.drug_volume_ml, 3.5)
        self.assertEqual(r.delivered_dose_mg, 35)
        self.assertEqual(r.diluent_ml, 100)
        self.assertEqual(r.total_volume_ml, 103.5)
        self.assertEqual(r.rate_ml_per_h, 155.3)
        self.assertEqual(r.vtbi_ml, 103.5)
        self.assertEqual(r.prep, "add")
        self.assertEqual(r.findings, ())
        # the integers as the library holds them
        self.assertEqual(r.raw["dose_ng"], 35000000)
        self.assertEqual(r.raw["drug_volume_ul"], 3500)
        self.assertEqual(r.raw["total_volume_ul"], 103500)
        self.assertEqual(r.raw["rate_ul_per_h"], 155300)
        self.assertEqual(r.raw["vtbi_ul"], 103500)
        # 103.5 mL / 155.3 mL/h = 0.6664520... h = 2399227.3 ms, nearest
        self.assertEqual(r.raw["actual_duration_ms"], 2399227)
        # the rate step: exact 155.25 mL/h, rounded nearest to 0.1 mL/h
        step = r.step("rate")
        self.assertEqual(step.exact, Fraction(155250))     # uL/h
        self.assertEqual(step.value, 155300)
        self.assertTrue(step.rounded)
        self.assertEqual(step.rounding, "nearest")
        self.assertEqual(step.round_step, 100)
        self.assertEqual(step.unit, "uL/h")

    def test_defaults_equal_worked_example(self):
        a = infuse.pump("70kg")
        b = infuse.pump("70kg", dose="0.5mg/kg", duration="40min",
                        vial="10mg/mL", bag="100mL", prep="add")
        self.assertEqual(a.raw, b.raw)

    def test_json_matches_fields(self):
        r = infuse.pump("70kg")
        j = json.loads(infuse.write_json(r))
        for name in ("dose_mg", "drug_volume_ml", "total_volume_ml",
                     "rate_ml_per_h", "vtbi_ml", "duration_min",
                     "dosing_weight_kg", "dose_mg_per_kg", "diluent_ml",
                     "final_concentration_mg_per_ml"):
            self.assertEqual(j[name], getattr(r, name), name)
        self.assertEqual(j["verdict"], r.verdict)
        self.assertEqual(len(j["trail"]), len(r.trail))
        self.assertIn("155.25 mL/h", infuse.write_text(r))

    def test_pounds(self):
        # 154 lb x 0.45359237 = 69.853225 kg -> 69853 g (nearest gram)
        r = infuse.pump("154lb")
        self.assertEqual(r.raw["actual_weight_g"], 69853)
        self.assertEqual(r.trail[0].name, "weight_conversion")

    def test_limit_stop_is_a_result(self):
        # 2 mg/kg is above the hard maximum (1 mg/kg): a result, verdict
        # hard_limit, status 2, and the findings name it.
        r = infuse.pump("70kg", dose="2mg/kg")
        self.assertEqual(r.status, infuse.STOP_HARD_LIMIT)
        self.assertFalse(r.ok)
        self.assertEqual(r.verdict, "hard_limit")
        codes = [f.code for f in r.findings]
        self.assertIn("dose_per_kg_hard_high", codes)
        f = r.findings[codes.index("dose_per_kg_hard_high")]
        self.assertEqual(f.severity, "hard")
        self.assertIn("2 mg/kg", f.message)

    def test_acknowledge(self):
        r = infuse.pump("70kg", dose="1mg/kg")
        self.assertEqual(r.verdict, "soft_limit")
        r = infuse.pump("70kg", dose="1mg/kg", acknowledge="dose_per_kg")
        self.assertEqual(r.verdict, "ok")
        self.assertTrue(all(f.acknowledged for f in r.findings
                            if f.severity == "soft"))

    def test_syringe_and_final_conc(self):
        r = infuse.pump("70kg", bag="none", vial="10mg/mL")
        self.assertEqual(r.prep, "syringe")
        self.assertEqual(r.total_volume_ml, 3.5)
        r = infuse.pump("70kg", final_conc="1mg/mL")
        self.assertEqual(r.prep, "final_conc")
        self.assertEqual(r.total_volume_ml, 35)      # 35 mg at 1 mg/mL

    def test_oral_dose(self):
        # 70 kg x 1 mg/kg = 70 mg of a 50 mg/mL solution: 1.4 mL
        r = infuse.dose("70kg", protocol="ketamine-oral", strength="50mg/mL")
        self.assertFalse(r.has_pump)
        self.assertEqual(r.dose_mg, 70)
        self.assertEqual(r.drug_volume_ml, 1.4)
        self.assertIsNone(r.rate_ml_per_h)

    def test_protocols(self):
        ids = [p["id"] for p in infuse.protocols()]
        self.assertIn("ketamine-trd-40", ids)
        self.assertIn("ketamine-trd-100", ids)


class Errors(unittest.TestCase):
    def check(self, status, field, fn, *args, **kw):
        with self.assertRaises(infuse.InfuseError) as cm:
            fn(*args, **kw)
        e = cm.exception
        self.assertEqual(e.status, status, str(e))
        self.assertEqual(e.field, field, str(e))
        self.assertTrue(e.message)
        self.assertEqual(e.name, infuse.library().status_text(status))
        return e

    def test_bare_number_weight(self):
        e = self.check(_native.E_NO_UNIT, "weight", infuse.pump, 70)
        self.assertEqual(e.value, "70")
        self.assertEqual(e.name, "E_NO_UNIT")
        self.check(_native.E_NO_UNIT, "weight", infuse.pump, "70")
        self.check(_native.E_NO_UNIT, "weight", infuse.pump, 70.5)

    def test_quantity_errors_name_the_argument(self):
        self.check(_native.E_NO_UNIT, "duration", infuse.pump, "70kg",
                   duration=40)
        self.check(_native.E_WRONG_DIMENSION, "vial", infuse.pump, "70kg",
                   vial="10mg")
        self.check(_native.E_UNKNOWN_UNIT, "weight", infuse.pump, "70stone")
        self.check(_native.E_ZERO, "weight", infuse.pump, "0kg")
        self.check(_native.E_NEGATIVE, "weight", infuse.pump, "-70kg")
        self.check(_native.E_SYNTAX, "dose", infuse.pump, "70kg",
                   dose=".5mg/kg")

    def test_library_errors_map_fields(self):
        # weight_g (library) -> weight (argument)
        e = self.check(_native.E_RANGE, "weight", infuse.pump, "1001kg")
        self.assertEqual(e.c_field, "weight_g")
        self.check(_native.E_MISSING, "height", infuse.pump, "70kg",
                   weight_basis="ideal")
        self.check(_native.E_UNKNOWN_PROTOCOL, "protocol", infuse.pump,
                   "70kg", protocol="no-such-protocol")

    def test_refusals_before_the_call(self):
        self.check(_native.E_CONFLICT, "final_conc", infuse.pump, "70kg",
                   bag="100mL", final_conc="1mg/mL")
        self.check(_native.E_INVALID, "prep", infuse.pump, "70kg",
                   prep="mix")
        self.check(_native.E_INVALID, "acknowledge", infuse.pump, "70kg",
                   acknowledge="everything")
        self.check(_native.E_NOT_INFUSION, "protocol", infuse.pump, "70kg",
                   protocol="ketamine-oral")

    def test_course_errors(self):
        self.check(_native.E_RANGE, "start", infuse.course, "2026-02-30")
        self.check(_native.E_SYNTAX, "start", infuse.course, "2026-2-3")
        self.check(_native.E_RANGE, "per_week", infuse.course, "2026-02-02",
                   per_week=4)
        self.check(_native.E_RANGE, "months", infuse.course, "2026-02-02",
                   months=0)
        self.check(_native.E_INVALID, "maintenance", infuse.course,
                   "2026-02-02", maintenance="monthly")

    def test_is_an_exception_with_fields(self):
        try:
            infuse.pump(70)
        except infuse.InfuseError as e:
            self.assertEqual(e.args[:2], (_native.E_NO_UNIT, "weight"))
            self.assertIn("[E_NO_UNIT]", str(e))
        else:
            self.fail("no exception")


class Course(unittest.TestCase):
    def test_hand_worked_default_course(self):
        # Start Monday 2026-01-05 (1 Jan 2026 is a Thursday). Induction
        # Mon/Wed/Fri for two weeks; taper 5 d x 2, 7 d x 2, 10 d x 2,
        # 14 d x 2, 21 d x 2, then every 28 d until 2027-01-05 (exclusive).
        # 19 Feb + 10 d = Sun 1 Mar -> Mon 2 Mar (moved 1 day).
        expected = [
            ("2026-01-05", "induction", None, 0),
            ("2026-01-07", "induction", 2, 0),
            ("2026-01-09", "induction", 2, 0),
            ("2026-01-12", "induction", 3, 0),
            ("2026-01-14", "induction", 2, 0),
            ("2026-01-16", "induction", 2, 0),
            ("2026-01-21", "maintenance", 5, 0),
            ("2026-01-26", "maintenance", 5, 0),
            ("2026-02-02", "maintenance", 7, 0),
            ("2026-02-09", "maintenance", 7, 0),
            ("2026-02-19", "maintenance", 10, 0),
            ("2026-03-02", "maintenance", 11, 1),
            ("2026-03-16", "maintenance", 14, 0),
            ("2026-03-30", "maintenance", 14, 0),
            ("2026-04-20", "maintenance", 21, 0),
            ("2026-05-11", "maintenance", 21, 0),
            ("2026-06-08", "maintenance", 28, 0),
            ("2026-07-06", "maintenance", 28, 0),
            ("2026-08-03", "maintenance", 28, 0),
            ("2026-08-31", "maintenance", 28, 0),
            ("2026-09-28", "maintenance", 28, 0),
            ("2026-10-26", "maintenance", 28, 0),
            ("2026-11-23", "maintenance", 28, 0),
            ("2026-12-21", "maintenance", 28, 0),
        ]
        got = infuse.course("2026-01-05", induction=6, per_week=3,
                            maintenance="taper", months=12)
        self.assertEqual(len(got), len(expected))
        for i, (s, (date, phase, gap, moved)) in enumerate(zip(got,
                                                               expected)):
            self.assertEqual(s.index, i + 1)
            self.assertEqual(s.date, dt.date.fromisoformat(date))
            self.assertEqual(s.phase, phase)
            self.assertEqual(s.interval_days, gap)
            self.assertEqual(s.moved_days, moved)
        self.assertEqual(got[11].target_interval_days, 10)
        # a date object gives the same plan
        self.assertEqual(infuse.course(dt.date(2026, 1, 5)), got)

    def test_against_independent_planner(self):
        rng = random.Random(20260105)
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        for _ in range(30):
            start = dt.date(2000, 1, 1) + dt.timedelta(
                days=rng.randrange(15000))
            days = sorted(rng.sample(range(7), rng.randint(5, 7)))
            closed = sorted({start + dt.timedelta(days=rng.randrange(300))
                             for _ in range(rng.randrange(8))})
            maintenance = rng.choice(["taper", "weekly", "none"])
            months = rng.randint(1, 18)
            got = infuse.course(start, maintenance=maintenance,
                                months=months,
                                clinic_days=",".join(names[d] for d in days),
                                closed=closed)
            want = independent_plan(start, clinic=frozenset(days),
                                    closed=frozenset(closed),
                                    maintenance=maintenance, months=months)
            self.assertEqual([(s.date, s.phase, s.moved_days) for s in got],
                             [(d, ph, mv) for d, ph, _, mv in want],
                             (start, days, closed, maintenance, months))

    def test_exports(self):
        sessions = infuse.course("2026-11-30")
        r = infuse.pump("70kg")
        j = json.loads(infuse.course_json(sessions, r))
        self.assertEqual(len(j["sessions"]), len(sessions))
        self.assertEqual(j["sessions"][0]["date"], "2026-11-30")
        self.assertIsNone(j["sessions"][0]["interval_days"])
        self.assertEqual(j["sessions"][0]["rate_ml_per_h"], 155.3)
        csv_text = infuse.course_csv(sessions)
        self.assertTrue(csv_text.startswith("index,date,phase"))
        self.assertEqual(csv_text.count("\r\n"), len(sessions) + 1)
        ics = infuse.course_ics(sessions, r, course_id="c1",
                                dtstamp=dt.datetime(2026, 11, 1,
                                                    tzinfo=dt.timezone.utc))
        self.assertEqual(ics.count("BEGIN:VEVENT"), len(sessions))
        self.assertIn("DTSTAMP:20261101T000000Z", ics)
        fhir = json.loads(infuse.course_fhir(sessions, r, course_id="c1",
                                             patient_reference="Patient/1",
                                             dtstamp=1790000000))
        self.assertEqual(fhir["resourceType"], "Bundle")


class StructSizes(unittest.TestCase):
    def snapshot(self):
        sizes = {}
        with open(os.path.join(HERE, "abi_sizes.txt"), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                name, size = line.split()
                sizes[name] = int(size)
        return sizes

    @unittest.skipUnless(ctypes.sizeof(ctypes.c_void_p) == 8
                         and ctypes.sizeof(ctypes.c_long) == 8,
                         "the snapshot is for LP64")
    def test_sizes_equal_the_snapshot(self):
        # tests/abi_sizes.txt: "name size" lines, '#' comments; every
        # public struct is listed, and every one is mirrored
        snap = self.snapshot()
        self.assertEqual(set(infuse.STRUCTS), set(snap))
        for name, size in snap.items():
            self.assertEqual(ctypes.sizeof(infuse.STRUCTS[name]), size, name)

    def test_fields_match_the_header(self):
        # A field added into padding keeps the size: compare the member
        # names, in order, with include/infuse.h.
        path = os.path.join(HERE, os.pardir, "include", "infuse.h")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"//[^\n]*", " ", text)
        found = {}
        for m in re.finditer(r"typedef\s+struct\s+\w+\s*\{(.*?)\}\s*(\w+)\s*;",
                             text, flags=re.S):
            names = []
            for decl in m.group(1).split(";"):
                decl = " ".join(decl.split())
                if not decl:
                    continue
                for part in decl.split(","):
                    ident = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", part)
                    self.assertIsNotNone(ident, decl)
                    names.append(ident.group(1))
            found[m.group(2)] = names
        self.assertEqual(set(found), set(infuse.STRUCTS))
        for name, cls in infuse.STRUCTS.items():
            self.assertEqual([f[0] for f in cls._fields_], found[name], name)

    def test_library_accepts_every_struct_size(self):
        # The library refuses a struct_size it does not know (E_STRUCT_SIZE),
        # so calls that succeed confirm the mirrored sizes.
        infuse.pump("70kg")
        infuse.course("2026-01-05")
        infuse.PKSystem("domino", 70).summary([(0, 40, 35)])
        infuse.pk_patient(infuse.PKPopulation(), 0)
        infuse.cohort(patients=10, seed=1)


def close(test, got, want, rel=1e-9, abs_=1e-12, msg=None):
    test.assertLessEqual(abs(got - want), max(rel * abs(want), abs_),
                         "%r != %r (%s)" % (got, want, msg))


class OneCompartment(unittest.TestCase):
    # V1 = 0.5 L/kg x 70 kg = 35 L, k = 0.1 /min, CL = 3.5 L/min.
    W = 70.0
    V = 35.0
    K = 0.1

    def system(self):
        model = infuse.PKModel(compartments=1, v1_l_per_kg=0.5, k10=self.K)
        return infuse.PKSystem(model, self.W)

    def test_prepared_system(self):
        s = self.system()
        self.assertEqual(s.modes, 1)
        close(self, s.v1_l, self.V)
        close(self, s.cl_l_per_min, self.K * self.V)
        close(self, s.lambdas[0], self.K)
        # bolus response at 0: 1 mg in 35 L = 1000/35 ng/mL
        close(self, s.gains[0], 1000.0 / self.V)

    def test_from_clearances(self):
        m = infuse.PKModel.from_clearances(1, 0.5, 0.05)
        close(self, m.k10, 0.1)
        self.assertEqual(m.compartments, 1)

    def test_bolus(self):
        # c(t) = 1000 x dose / V x exp(-k t)  (mg / L = ug/mL = 1000 ng/mL)
        dose = 10.0
        c = self.system().curve([(0.0, 0.0, dose)], 0.0, 0.5, n=400)
        for i, got in enumerate(c):
            t = 0.5 * i
            close(self, got, 1000 * dose / self.V * math.exp(-self.K * t),
                  msg=t)

    def test_infusion(self):
        # r = 35 mg / 40 min; during: 1000 r / (k V) (1 - e^-kt); after:
        # c(T) e^-k(t - T).
        dose, T = 35.0, 40.0
        r = dose / T
        c = self.system().curve([(0.0, T, dose)], 0.0, 0.25, n=800)
        cT = 1000 * r / (self.K * self.V) * (1 - math.exp(-self.K * T))
        for i, got in enumerate(c):
            t = 0.25 * i
            if t <= T:
                want = (1000 * r / (self.K * self.V)
                        * (1 - math.exp(-self.K * t)))
            else:
                want = cT * math.exp(-self.K * (t - T))
            close(self, got, want, msg=t)

    def test_two_infusions_superpose(self):
        s = self.system()
        a, b = (0.0, 40.0, 35.0), (60.0, 20.0, 10.0)
        both = s.curve([a, b], 0, 1, n=300)
        one = s.curve([a], 0, 1, n=300)
        two = s.curve([b], 0, 1, n=300)
        for i in range(300):
            close(self, both[i], one[i] + two[i], abs_=1e-9)

    def test_summary(self):
        dose, T, until, thr = 35.0, 40.0, 40.0 + 24 * 60, 10.0
        r = dose / T
        css = 1000 * r / (self.K * self.V)           # plateau, ng/mL
        cT = css * (1 - math.exp(-self.K * T))
        s = self.system().summary([(0.0, T, dose)], until, thr)
        close(self, s.cmax_ng_per_ml, cT)
        close(self, s.tmax_min, T)
        # AUC: during, css (T - (1 - e^-kT)/k); after, cT (1 - e^-k(u-T))/k;
        # ng min/mL -> ng h/mL: / 60
        auc = (css * (T - (1 - math.exp(-self.K * T)) / self.K)
               + cT * (1 - math.exp(-self.K * (until - T))) / self.K) / 60
        close(self, s.auc_ng_h_per_ml, auc)
        close(self, s.auc_inf_ng_h_per_ml,
              1000 * dose / (self.K * self.V) / 60)
        # above thr from t1 (rising: 1 - e^-kt1 = thr/css) to t2 (falling:
        # cT e^-k(t2-T) = thr)
        t1 = -math.log(1 - thr / css) / self.K
        t2 = T + math.log(cT / thr) / self.K
        close(self, s.time_above_min, t2 - t1)
        close(self, s.c_until_ng_per_ml,
              cT * math.exp(-self.K * (until - T)), abs_=1e-15)

    def test_pk_errors(self):
        s = self.system()
        with self.assertRaises(infuse.InfuseError) as cm:
            s.curve([(0, 40, 35), (20, 40, 35)], 0, 1, n=10)   # overlap
        self.assertEqual(cm.exception.status, _native.E_INVALID)
        with self.assertRaises(infuse.InfuseError) as cm:
            infuse.PKSystem("no-such-model", 70)
        self.assertEqual(cm.exception.status, _native.E_INVALID)
        with self.assertRaises(infuse.InfuseError) as cm:
            infuse.PKSystem("domino", 0)
        self.assertEqual(cm.exception.status, _native.E_RANGE)


class Simulation(unittest.TestCase):
    def test_builtin_models(self):
        self.assertIn("domino", infuse.pk_models())
        m = infuse.pk_model("domino")
        self.assertEqual(m.compartments, 3)
        s = infuse.PKSystem(m, 70)
        # sum gain / lambda = 1 / CL (ng/mL per mg/min)
        close(self, sum(g / l for g, l in zip(s.gains, s.lambdas)),
              1000 / s.cl_l_per_min, rel=1e-12)

    def test_pk_curve_helper(self):
        times, conc = infuse.pk_curve("domino", 70, 0.5, 40, step_min=1,
                                      until_min=100)
        self.assertEqual(len(times), 101)
        self.assertEqual(len(conc), 101)
        self.assertEqual(conc[0], 0.0)
        s = infuse.pk_summary("domino", 70, 0.5, 40, until_min=100)
        self.assertAlmostEqual(max(conc), s.cmax_ng_per_ml, delta=1.0)

    def test_virtual_patients_are_reproducible(self):
        pop = infuse.PKPopulation("domino", 0.3, 80, 0.2, seed=42)
        a = [pop.patient(i) for i in (5, 0, 7)]
        b = [infuse.pk_patient(pop, i) for i in (5, 0, 7)]
        self.assertEqual(a, b)
        self.assertNotEqual(a[0], a[1])
        typical = infuse.PKPopulation("domino", 0.0, 80, 0.0, seed=42)
        m, w = typical.patient(3)
        self.assertEqual(m, infuse.pk_model("domino"))
        self.assertAlmostEqual(w, 80.0, places=9)

    def test_cohort_shards_merge_exactly(self):
        whole = infuse.cohort(patients=3000, seed=7)
        parts = [infuse.cohort(patients=3000, seed=7, shard=(k, 4))
                 for k in (2, 0, 3, 1)]
        self.assertEqual(sum(p.patients for p in parts), 3000)
        merged = infuse.merge(parts)
        self.assertEqual(merged.counts, whole.counts)
        self.assertEqual(merged.rates.keys(), whole.rates.keys())
        # the counts dicts survive JSON (for shards run as processes)
        again = infuse.merge([json.loads(json.dumps(p.counts))
                              for p in parts])
        self.assertEqual(again.counts, whole.counts)

    def test_cohort_seed(self):
        a = infuse.cohort(patients=2000, seed=11)
        b = infuse.cohort(patients=2000, seed=11)
        c = infuse.cohort(patients=2000, seed=12)
        self.assertEqual(a.counts, b.counts)
        self.assertNotEqual(a.counts, c.counts)
        self.assertEqual(a.patients, 2000)
        self.assertGreater(a.counts["infusions"], 0)
        self.assertGreater(a.patient_years, 0)

    def test_cohort_merge_refuses_other_cohorts(self):
        a = infuse.cohort(patients=100, seed=1, shard=(0, 2))
        b = infuse.cohort(patients=100, seed=2, shard=(1, 2))
        with self.assertRaises(infuse.InfuseError) as cm:
            infuse.merge([a, b])
        self.assertEqual(cm.exception.status, _native.E_CONFLICT)

    def test_cohort_parameters(self):
        with self.assertRaises(TypeError):
            infuse.cohort(patients=10, no_such_parameter=1)
        with self.assertRaises(infuse.InfuseError) as cm:
            infuse.cohort(patients=10, responsive_fraction=1.5)
        self.assertEqual(cm.exception.status, _native.E_RANGE)
        none = infuse.cohort(patients=500, seed=3, responsive_fraction=0.0)
        self.assertEqual(none.counts["responders"], 0)
        d = infuse.cohort_defaults()
        self.assertIn("relapse_28d", d["model"])
        self.assertEqual(d["options"]["dose_ug_per_kg"], 500)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python_test.py LIBRARY")
    LIBRARY = sys.argv.pop(1)
    unittest.main(verbosity=1)
