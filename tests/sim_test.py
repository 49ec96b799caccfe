#!/usr/bin/env python3
"""Tests of infuse-sim as a program.

Expected values come from hand arithmetic or from independent models
written here: the closed form of a 1-compartment infusion (superposition
of the textbook solution), and a 2/3-compartment reference propagated with
the matrix exponential of the augmented linear system (Taylor series with
scaling and squaring, pure Python), whose extra state integrates the
central amount for the AUC. Cohort shards are merged by the program and
compared with the unsharded run byte for byte.
Usage: sim_test.py BIN_DIR"""

import csv
import io
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

BIN = None
SVG_NS = "{http://www.w3.org/2000/svg}"


def run(*args, env=None):
    p = subprocess.run([os.path.join(BIN, "infuse-sim"), *args],
                       capture_output=True, timeout=120, env=env)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def run_bytes(*args):
    p = subprocess.run([os.path.join(BIN, "infuse-sim"), *args],
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8")


def run_json(*args):
    code, out, err = run(*args, "--json")
    if code != 0:
        raise AssertionError("exit %d: %s" % (code, err))
    return json.loads(out)


def close(a, b, rel, abs_tol=0.0):
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_tol)


# ---- an independent 1-compartment model (closed form) ----------------------

def one_comp_conc(t, starts, T, dose_mg, V, k):
    """ng/mL at t (min): superposition of constant-rate infusions of
    dose_mg over T min into V litres with elimination k per min."""
    R = dose_mg / T
    c = 0.0
    for s in starts:
        u = t - s
        if u <= 0:
            continue
        if u <= T:
            c += R / (k * V) * (1 - math.exp(-k * u))
        else:
            c += R / (k * V) * (1 - math.exp(-k * T)) * math.exp(-k * (u - T))
    return c * 1000.0


def one_comp_auc(U, starts, T, dose_mg, V, k):
    """ng*h/mL over [0, U]."""
    R = dose_mg / T
    total = 0.0  # mg*min/L
    for s in starts:
        if U <= s:
            continue
        tau = min(U - s, T)
        total += R / (k * V) * (tau - (1 - math.exp(-k * tau)) / k)
        if U - s > T:
            cT = R / (k * V) * (1 - math.exp(-k * T))
            total += cT / k * (1 - math.exp(-k * (U - s - T)))
    return total * 1000.0 / 60.0


def time_above(f, U, threshold, scan=0.05):
    """Time on [0, U] with f(t) > threshold: sign changes on a fine scan,
    each refined by bisection."""
    total, t0 = 0.0, 0.0
    above = f(0.0) > threshold
    start = 0.0 if above else None
    n = int(math.ceil(U / scan))
    for i in range(1, n + 1):
        t1 = min(U, i * scan)
        now = f(t1) > threshold
        if now != above:
            lo, hi = t0, t1
            for _ in range(80):
                mid = (lo + hi) / 2
                if (f(mid) > threshold) == above:
                    lo = mid
                else:
                    hi = mid
            cross = (lo + hi) / 2
            if above:
                total += cross - start
            else:
                start = cross
            above = now
        t0 = t1
    if above:
        total += U - start
    return total


# ---- an independent 2/3-compartment model (matrix exponential) -------------

def mat_mul(A, B):
    n, m, p = len(A), len(B), len(B[0])
    return [[sum(A[i][k] * B[k][j] for k in range(m)) for j in range(p)]
            for i in range(n)]


def expm(M):
    n = len(M)
    norm = max(sum(abs(x) for x in row) for row in M)
    s = 0
    while norm / (2 ** s) > 0.25:
        s += 1
    A = [[x / (2 ** s) for x in row] for row in M]
    E = [[float(i == j) for j in range(n)] for i in range(n)]
    term = [row[:] for row in E]
    for k in range(1, 30):
        term = [[x / k for x in row] for row in mat_mul(term, A)]
        E = [[E[i][j] + term[i][j] for j in range(n)] for i in range(n)]
    for _ in range(s):
        E = mat_mul(E, E)
    return E


class Mammillary:
    """States: amounts in the compartments (mg), the integral of the central
    amount (mg*min) and the constant 1 that carries the infusion rate."""

    def __init__(self, v1_l_per_kg, k, weight_kg):
        self.V = v1_l_per_kg * weight_kg
        self.k = k  # k10, k12, k13, k21, k31 per min

    def matrix(self, rate, h):
        k10, k12, k13, k21, k31 = self.k
        M = [[-(k10 + k12 + k13), k21, k31, 0, rate],
             [k12, -k21, 0, 0, 0],
             [k13, 0, -k31, 0, 0],
             [1, 0, 0, 0, 0],
             [0, 0, 0, 0, 0]]
        return [[x * h for x in row] for row in M]

    def curve(self, dose_mg, T, step, n):
        """Concentrations (ng/mL) at k*step, the state at the end, and a
        function c(t) for any t. T must be a multiple of step."""
        rate = dose_mg / T
        E_on = expm(self.matrix(rate, step))
        E_off = expm(self.matrix(0.0, step))
        x = [[0.0], [0.0], [0.0], [0.0], [1.0]]
        out, states = [], []
        for i in range(n):
            out.append(x[0][0] / self.V * 1000.0)
            states.append(x)
            x = mat_mul(E_on if (i + 1) * step <= T + 1e-9 else E_off, x)
        self._states, self._step, self._T, self._rate = states, step, T, rate
        return out

    def state_at(self, t):
        i = min(int(t // self._step), len(self._states) - 1)
        h = t - i * self._step
        x = self._states[i]
        if h == 0:
            return x
        t0 = i * self._step
        if t0 < self._T < t0 + h:
            x = mat_mul(expm(self.matrix(self._rate, self._T - t0)), x)
            return mat_mul(expm(self.matrix(0.0, t0 + h - self._T)), x)
        rate = self._rate if t0 < self._T else 0.0
        return mat_mul(expm(self.matrix(rate, h)), x)

    def conc_at(self, t):
        return self.state_at(t)[0][0] / self.V * 1000.0

    def auc(self, t):
        return self.state_at(t)[3][0] / self.V * 1000.0 / 60.0


DOMINO = (0.063, (0.4381, 0.5921, 0.5900, 0.2470, 0.0146))
CLEMENTS = (1.7522, (0.0109, 0.0186, 0.0, 0.0137, 0.0))

COUNT_FIELDS = [
    "fingerprint", "first_patient", "patients", "patient_days",
    "responsive", "response_at_1", "response_by_3",
    "remission_by_3_after_response_at_1", "no_response_at_1",
    "remission_by_3_after_no_response_at_1", "no_response_by_2",
    "remission_after_no_response_by_2", "responders", "remitters",
    "futility_stops", "relapse_28d_untreated", "relapses", "infusions",
    "induction_infusions", "maintenance_infusions", "drug_ug",
    "chair_minutes", "first_response", "relapse_week"]
RATE_FIELDS = [
    "response_by_infusion_3", "remission_by_3_given_response_at_1",
    "remission_by_3_given_no_response_at_1",
    "remission_given_no_response_by_2",
    "relapse_within_28d_without_maintenance", "response_end_of_induction",
    "remission_end_of_induction", "relapse_in_horizon",
    "infusions_per_patient_year", "drug_mg_per_patient_year",
    "chair_hours_per_patient_year"]
CURVE_FIELDS = ["label", "model", "duration_min", "times_min",
                "conc_ng_per_ml", "cmax_ng_per_ml", "tmax_min",
                "auc_ng_h_per_ml", "time_above_threshold_min"]


class PkOneCompartment(unittest.TestCase):
    """A custom 1-compartment model against its closed form at 1e-9."""

    V1, K10, W = 0.5, 0.05, 70.0

    def check(self, args, starts, T, dose_mg, until, step, threshold=100.0):
        j = run_json("pk", *args)
        V, k = self.V1 * self.W, self.K10
        c = j["conc_ng_per_ml"]
        self.assertEqual(len(c), int(until // step) + 1)
        self.assertEqual(len(j["times_min"]), len(c))
        for i, got in enumerate(c):
            t = i * step
            self.assertEqual(j["times_min"][i], t)
            want = one_comp_conc(t, starts, T, dose_mg, V, k)
            self.assertTrue(close(got, want, 1e-9, 1e-12),
                            (t, got, want))
        f = lambda t: one_comp_conc(t, starts, T, dose_mg, V, k)
        ends = [s + T for s in starts if s + T <= until]
        tmax = max(ends, key=f)
        self.assertTrue(close(j["cmax_ng_per_ml"], f(tmax), 1e-9))
        self.assertTrue(close(j["tmax_min"], tmax, 1e-9))
        self.assertTrue(close(j["auc_ng_h_per_ml"],
                              one_comp_auc(until, starts, T, dose_mg, V, k),
                              1e-9))
        # over [0, inf): total dose / clearance
        self.assertTrue(close(j["auc_inf_ng_h_per_ml"],
                              dose_mg * len(starts) / (k * V) * 1000 / 60,
                              1e-9))
        self.assertTrue(close(j["time_above_threshold_min"],
                              time_above(f, until, threshold), 1e-9, 1e-9))
        return j

    def test_single_infusion(self):
        # 0.5 mg/kg x 70 kg = 35 mg over 40 min; until 300 min
        j = self.check(["--model", "custom", "--v1", "0.5L/kg", "--k10",
                        "0.05/min", "--until", "300min"],
                       [0.0], 40.0, 35.0, 300.0, 1.0)
        # hand arithmetic: Css = 35/40 / (0.05 x 35) = 0.5 mg/L
        self.assertTrue(close(j["cmax_ng_per_ml"],
                              500 * (1 - math.exp(-2)), 1e-12))
        self.assertEqual(j["dose_mg"], 35)
        self.assertEqual(j["parameters"]["compartments"], 1)

    def test_other_unit_spellings_same_model(self):
        base = run_json("pk", "--v1", "0.5L/kg", "--k10", "0.05/min")
        for args in (["--v1", "500mL/kg", "--k10", "3/h"],
                     ["--v1", "0.5 L/kg", "--k10", "3 1/h"],
                     ["--v1", "0.5L/kg", "--cl", "0.025L/min/kg"],
                     ["--v1", "0.5L/kg", "--cl", "1.5L/h/kg"],
                     ["--v1", "500mL/kg", "--cl", "25mL/kg/min"]):
            with self.subTest(args=args):
                j = run_json("pk", *args)
                self.assertEqual(j["model"], "custom")
                for a, b in zip(j["conc_ng_per_ml"], base["conc_ng_per_ml"]):
                    self.assertTrue(close(a, b, 1e-12, 1e-15))

    def test_repeated_infusions_and_fixed_dose(self):
        # 3 infusions of 20 mg over 30 min every 2 h, sampled every 30 s
        self.check(["--v1", "0.5L/kg", "--k10", "0.05/min", "--dose", "20mg",
                    "--duration", "30min", "--sessions", "3", "--every",
                    "2h", "--step", "30s", "--until", "8h",
                    "--threshold", "0.1mg/L"],
                   [0.0, 120.0, 240.0], 30.0, 20.0, 480.0, 0.5,
                   threshold=100.0)

    def test_weight_in_pounds(self):
        # 154 lb = 69853.22 g, rounded to the gram: 69.853 kg
        j = run_json("pk", "--v1", "0.5L/kg", "--k10", "0.05/min",
                     "--weight", "154lb")
        self.assertEqual(j["weight_kg"], 69.853)
        self.assertTrue(close(j["dose_mg"], 0.5 * 69.853, 1e-15))

    def test_default_until_is_24h_after_the_last_infusion(self):
        j = run_json("pk", "--sessions", "2", "--every", "1d", "--step",
                     "10min")
        self.assertEqual(j["until_min"], 1440 + 40 + 1440)
        self.assertEqual(j["times_min"][-1], 2920)
        self.assertEqual(j["infusion_starts_min"], [0, 1440])


class PkMultiCompartment(unittest.TestCase):
    """The built-in sets against a matrix-exponential reference."""

    def compare(self, name, params, duration, tol=1e-7):
        step, until, w = 1.0, duration + 1440.0, 70.0
        j = run_json("pk", "--model", name, "--duration", "%dmin" % duration)
        ref = Mammillary(params[0], params[1], w)
        n = int(until // step) + 1
        want = ref.curve(0.5 * w, duration, step, n)
        got = j["conc_ng_per_ml"]
        self.assertEqual(len(got), n)
        cmax = max(want)
        for i, (a, b) in enumerate(zip(got, want)):
            self.assertTrue(close(a, b, tol, 1e-9 * cmax), (i, a, b))
        # the peak is at the end of the infusion
        self.assertTrue(close(j["tmax_min"], duration, 1e-9))
        self.assertTrue(close(j["cmax_ng_per_ml"], ref.conc_at(duration),
                              1e-9))
        self.assertTrue(close(j["auc_ng_h_per_ml"], ref.auc(until), 1e-9))
        above = time_above(ref.conc_at, until, 100.0, scan=1.0)
        self.assertTrue(close(j["time_above_threshold_min"], above, 1e-7,
                              1e-7))
        return j

    def test_domino_40_and_100_min(self):
        j = self.compare("domino", DOMINO, 40)
        # CLINICAL.md 7: about 240 ng/mL
        self.assertTrue(235 < j["cmax_ng_per_ml"] < 245)
        j = self.compare("domino", DOMINO, 100)
        self.assertTrue(119 < j["cmax_ng_per_ml"] < 125)  # about 122

    def test_clements_40_min(self):
        j = self.compare("clements", CLEMENTS, 40)
        self.assertTrue(173 < j["cmax_ng_per_ml"] < 181)  # about 177
        self.assertEqual(j["parameters"]["compartments"], 2)

    def test_custom_three_compartments_equal_domino(self):
        a = run_json("pk")
        b = run_json("pk", "--v1", "0.063L/kg", "--k10", "0.4381/min",
                     "--k12", "0.5921/min", "--k13", "0.59/min", "--k21",
                     "0.247/min", "--k31", "0.0146/min")
        for x, y in zip(a["conc_ng_per_ml"], b["conc_ng_per_ml"]):
            self.assertTrue(close(x, y, 1e-12, 1e-15))

    def test_clearances_two_compartments(self):
        # Clements from volumes and clearances: cl = k10 v1, q2 = k12 v1,
        # v2 = q2 / k21
        v1, (k10, k12, _, k21, _) = CLEMENTS
        q2 = k12 * v1
        j = run_json("pk", "--v1", "%.17gL/kg" % v1, "--cl",
                     "%.17gL/min/kg" % (k10 * v1), "--v2",
                     "%.17gL/kg" % (q2 / k21), "--q2", "%.17gL/min/kg" % q2)
        ref = run_json("pk", "--model", "clements")
        for x, y in zip(j["conc_ng_per_ml"], ref["conc_ng_per_ml"]):
            self.assertTrue(close(x, y, 1e-9, 1e-12))


class PkOutputs(unittest.TestCase):
    def test_json_comparison_curves(self):
        j = run_json("pk", "--duration", "40min,100min", "--model",
                     "domino,clements", "--step", "5min")
        curves = j["curves"]
        self.assertEqual([c["label"] for c in curves],
                         ["domino 40 min", "domino 100 min",
                          "clements 40 min", "clements 100 min"])
        self.assertEqual([c["duration_min"] for c in curves],
                         [40, 100, 40, 100])
        self.assertEqual([c["model"] for c in curves],
                         ["domino", "domino", "clements", "clements"])
        # the default until: 24 h after the longest infusion
        self.assertEqual(j["until_min"], 100 + 1440)
        for c in curves:
            for f in CURVE_FIELDS:
                self.assertIn(f, c)
            self.assertEqual(c["times_min"], j["times_min"])
            self.assertEqual(len(c["conc_ng_per_ml"]), 1540 // 5 + 1)
        for f in CURVE_FIELDS:
            self.assertEqual(j[f], curves[0][f], f)
        # the same dose over a longer time: a lower peak, the same AUC to
        # infinity
        self.assertLess(curves[1]["cmax_ng_per_ml"],
                        curves[0]["cmax_ng_per_ml"])
        self.assertTrue(close(curves[0]["auc_inf_ng_h_per_ml"],
                              curves[1]["auc_inf_ng_h_per_ml"], 1e-12))

    def test_csv_shape(self):
        code, raw, err = run_bytes("pk", "--duration", "40min,100min",
                                   "--step", "10min", "--csv")
        self.assertEqual(code, 0, err)
        text = raw.decode("ascii")
        lines = text.split("\n")
        self.assertEqual(lines[-1], "")
        self.assertTrue(all(l.endswith("\r") for l in lines[:-1]))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(rows[0], ["time_min", "domino 40 min",
                                   "domino 100 min"])
        j = run_json("pk", "--duration", "40min,100min", "--step", "10min")
        self.assertEqual(len(rows) - 1, len(j["times_min"]))
        for i, row in enumerate(rows[1:]):
            self.assertEqual(float(row[0]), j["times_min"][i])
            self.assertEqual(float(row[1]),
                             j["curves"][0]["conc_ng_per_ml"][i])
            self.assertEqual(float(row[2]),
                             j["curves"][1]["conc_ng_per_ml"][i])

    def test_svg(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "pk.svg")
            code, out, err = run("pk", "--duration", "40min,100min",
                                 "--svg", path)
            self.assertEqual(code, 0, err)
            self.assertIn("domino 40 min", out)  # the table still printed
            root = ET.parse(path).getroot()
        self.assertEqual(root.tag, SVG_NS + "svg")
        curves = root.findall(".//%spolyline[@class='curve']" % SVG_NS)
        self.assertEqual([c.get("data-label") for c in curves],
                         ["domino 40 min", "domino 100 min"])
        self.assertEqual(len({c.get("stroke") for c in curves}), 2)
        for c in curves:
            self.assertGreater(len(c.get("points").split()), 100)
        texts = ["".join(t.itertext()) for t in root.iter(SVG_NS + "text")]
        self.assertIn("threshold 100 ng/mL", texts)
        self.assertIn("time (h)", texts)
        self.assertIn("concentration (ng/mL)", texts)
        self.assertIn("Ketamine plasma concentration", texts)
        legend = [t for t in texts if t in ("domino 40 min", "domino 100 min")]
        self.assertEqual(len(legend), 2)
        dashed = [l for l in root.iter(SVG_NS + "line")
                  if l.get("stroke-dasharray")]
        self.assertTrue(dashed, "a dashed threshold line")
        self.assertIsNotNone(root.find(".//%sg[@class='threshold']" % SVG_NS))

    def test_svg_escapes_and_unwritable_file(self):
        code, out, err = run("pk", "--svg", os.path.join(
            tempfile.gettempdir(), "no-such-dir-infuse", "x.svg"))
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("cannot write the SVG file", err)

    def test_patients_curves_and_reproducibility(self):
        a = run_json("pk", "--patients", "3", "--seed", "7")
        b = run_json("pk", "--patients", "3", "--seed", "7")
        c = run_json("pk", "--patients", "3", "--seed", "8")
        self.assertEqual(a, b)
        self.assertNotEqual(a["curves"][0]["conc_ng_per_ml"],
                            c["curves"][0]["conc_ng_per_ml"])
        self.assertEqual([x["patient"] for x in a["curves"]], [0, 1, 2])
        self.assertEqual(a["curves"][2]["label"], "domino 40 min patient 2")
        self.assertEqual(a["population"]["seed"], 7)
        self.assertEqual(a["population"]["variability_cv"], 0.3)
        # patient i is the same patient on every model and duration
        d = run_json("pk", "--patients", "3", "--seed", "7", "--duration",
                     "100min")
        self.assertEqual([x["parameters"] for x in d["curves"]],
                         [x["parameters"] for x in a["curves"]])

    def test_summary(self):
        j = run_json("pk", "--patients", "2000", "--summary", "--duration",
                     "40min,100min", "--weight-cv", "20%")
        self.assertEqual(len(j["summaries"]), 2)
        for s in j["summaries"]:
            self.assertEqual(s["patients"], 2000)
            for m in ("cmax_ng_per_ml", "tmax_min", "auc_ng_h_per_ml",
                      "time_above_threshold_min", "weight_kg", "dose_mg"):
                d = s[m]
                self.assertLessEqual(d["p5"], d["p25"])
                self.assertLessEqual(d["p25"], d["p50"])
                self.assertLessEqual(d["p50"], d["p75"])
                self.assertLessEqual(d["p75"], d["p95"])
                self.assertLessEqual(d["p5"], d["mean"])
                self.assertLessEqual(d["mean"], d["p95"])
            # weights around the 70 kg median, doses 0.5 mg/kg of them
            self.assertTrue(65 < s["weight_kg"]["p50"] < 75)
            self.assertTrue(close(s["dose_mg"]["p50"],
                                  0.5 * s["weight_kg"]["p50"], 1e-12))
            self.assertLess(s["cmax_ng_per_ml"]["p5"],
                            s["cmax_ng_per_ml"]["p95"])
        for k in ("label", "cmax_ng_per_ml", "tmax_min"):
            self.assertEqual(j[k], j["summaries"][0][k])
        self.assertNotIn("times_min", j)

    def test_summary_without_variability_is_the_single_patient(self):
        one = run_json("pk", "--duration", "40min,100min")
        j = run_json("pk", "--patients", "50", "--variability", "0%",
                     "--summary", "--duration", "40min,100min")
        for s, c in zip(j["summaries"], one["curves"]):
            for m in ("cmax_ng_per_ml", "tmax_min", "auc_ng_h_per_ml",
                      "time_above_threshold_min"):
                for k in ("p5", "p25", "p50", "p75", "p95", "mean"):
                    self.assertEqual(s[m][k], c[m], (m, k))
            self.assertEqual(s["weight_kg"]["p50"], 70)

    def test_summary_percentiles_by_hand(self):
        # 5 patients: p25 is the 2nd order statistic, p5 interpolates 20%
        # of the way from the 1st to the 2nd (type 7)
        j = run_json("pk", "--patients", "5", "--summary")
        cur = run_json("pk", "--patients", "5")
        x = sorted(c["cmax_ng_per_ml"] for c in cur["curves"])
        d = j["cmax_ng_per_ml"]
        self.assertEqual(d["p25"], x[1])
        self.assertEqual(d["p50"], x[2])
        self.assertEqual(d["p75"], x[3])
        self.assertTrue(close(d["p5"], x[0] + 0.2 * (x[1] - x[0]), 1e-12))
        self.assertTrue(close(d["p95"], x[3] + 0.8 * (x[4] - x[3]), 1e-12))
        self.assertTrue(close(d["mean"], sum(x) / 5, 1e-12))

    def test_summary_csv(self):
        code, out, err = run("pk", "--patients", "20", "--summary", "--csv")
        self.assertEqual(code, 0, err)
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertEqual([r["metric"] for r in rows],
                         ["cmax_ng_per_ml", "tmax_min", "auc_ng_h_per_ml",
                          "time_above_threshold_min", "weight_kg", "dose_mg"])
        self.assertEqual(rows[0]["label"], "domino 40 min")

    def test_course_from_the_planner(self):
        # the default course from Monday 2026-11-30: 24 sessions; the first
        # six Mon/Wed/Fri (days 0, 2, 4, 7, 9, 11)
        j = run_json("pk", "--start", "2026-11-30", "--step", "1h",
                     "--summary")
        starts = j["infusion_starts_min"]
        self.assertEqual(len(starts), 24)
        self.assertEqual(starts[:6], [d * 1440 for d in (0, 2, 4, 7, 9, 11)])
        j = run_json("pk", "--start", "2026-11-30", "--maintenance", "none",
                     "--step", "1h")
        self.assertEqual(len(j["infusion_starts_min"]), 6)
        self.assertEqual(j["until_min"], 11 * 1440 + 40 + 1440)

    def test_locale_does_not_change_numbers(self):
        env = dict(os.environ, LC_ALL="de_DE.UTF-8", LANG="de_DE.UTF-8")
        a = run("pk", "--csv", "--step", "7min")
        b = run("pk", "--csv", "--step", "7min", env=env)
        self.assertEqual(a, b)


class PkRefusals(unittest.TestCase):
    def test_refusals(self):
        cases = [
            (["pk", "--weight", "70"], "--weight"),
            (["pk", "--dose", "0.5"], "--dose"),
            (["pk", "--duration", "40"], "--duration"),
            (["pk", "--duration", "40min,100"], "--duration"),
            (["pk", "--step", "1"], "--step"),
            (["pk", "--until", "24"], "--until"),
            (["pk", "--sessions", "2", "--every", "2"], "--every"),
            (["pk", "--threshold", "100"], "--threshold"),
            (["pk", "--threshold", "100ng"], "--threshold"),
            (["pk", "--v1", "0.063", "--k10", "0.4381/min"], "--v1"),
            (["pk", "--v1", "0.063L/kg", "--k10", "0.4381"], "--k10"),
            (["pk", "--v1", "0.063L", "--k10", "0.4381/min"], "--v1"),
            (["pk", "--v1", "0.5L/kg", "--cl", "0.02"], "--cl"),
            (["pk", "--v1", "0.5L/kg", "--k10", "-1/min"], "--k10"),
            (["pk", "--v1", "0.5L/kg", "--k10", ".5/min"], "--k10"),
            (["pk", "--v1", "0.5L/kg", "--k10", "1e-3/min"], "--k10"),
            (["pk", "--v1", "0.5L/kg", "--k10", "0/min"], "--k10"),
            (["pk", "--patients", "10", "--variability", "30"],
             "--variability"),
            (["pk", "--patients", "10", "--weight-cv", "0.1"], "--weight-cv"),
            (["pk", "--patients", "10", "--variability", "300%"],
             "--variability"),
            (["pk", "--patients", "0"], "--patients"),
            (["pk", "--patients", "ten"], "--patients"),
            (["pk", "--patients", "10", "--seed", "-1"], "--seed"),
            (["pk", "--patients", "10", "--seed", "18446744073709551616"],
             "--seed"),
            (["pk", "--seed", "3"], "--seed"),
            (["pk", "--variability", "30%"], "--variability"),
            (["pk", "--patients", "101"], "--summary"),
            (["pk", "--patients", "60", "--duration", "40min,100min"],
             "--summary"),
            (["pk", "--patients", "10", "--summary", "--svg", "x.svg"],
             "--svg"),
            (["pk", "--patients", "10", "--weight", "10kg"], "--weight"),
            (["pk", "--model", "marsh"], "--model"),
            (["pk", "--model", "domino,domino"], "--model"),
            (["pk", "--model", "custom"], "--v1"),
            (["pk", "--v1", "0.5L/kg"], "--k10"),
            (["pk", "--model", "domino", "--v1", "0.5L/kg", "--k10",
              "1/min"], "--model"),
            (["pk", "--v1", "0.5L/kg", "--k10", "1/min", "--k12", "1/min"],
             "--k21"),
            (["pk", "--v1", "0.5L/kg", "--k10", "1/min", "--cl",
              "1L/min/kg"], "--cl"),
            (["pk", "--duration", "40min,40min"], "--duration"),
            (["pk", "--sessions", "3"], "--every"),
            (["pk", "--every", "2d"], "--sessions"),
            (["pk", "--sessions", "1001", "--every", "1d"], "--sessions"),
            (["pk", "--sessions", "2", "--every", "1d", "--duration", "2d"],
             "--duration"),
            (["pk", "--sessions", "2", "--every", "2d", "--start",
              "2026-11-30"], "--sessions"),
            (["pk", "--induction", "4"], "--start"),
            (["pk", "--start", "2026-13-01"], "--start"),
            (["pk", "--start", "2026-11-30", "--maintenance", "monthly"],
             "--maintenance"),
            (["pk", "--start", "2026-11-30", "--min-interval", "2"],
             "--min-interval"),
            (["pk", "--step", "10min", "--until", "5min"], "--step"),
            (["pk", "--step", "1s", "--until", "3660d"], "--step"),
            (["pk", "--json", "--csv"], "--json"),
            (["pk", "--weight", "70kg", "--weight", "80kg"], "--weight"),
            (["pk", "--shard", "0/2"], "--shard"),
            (["pk", "--summary=yes"], "--summary"),
            (["pk", "--svg"], "--svg"),
            (["pk", "--bogus"], "--bogus"),
            (["pk", "70kg"], "70kg"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                code, out, err = run(*args)
                self.assertEqual(code, 2, (args, err))
                self.assertEqual(out, "")
                self.assertIn(needle, err)
                self.assertIn("error", err)

    def test_bare_numbers_name_the_missing_unit(self):
        for opt, value in (("--weight", "70"), ("--duration", "40"),
                           ("--v1", "0.063"), ("--threshold", "100")):
            code, out, err = run("pk", opt, value, *(
                ["--k10", "1/min"] if opt == "--v1" else []))
            self.assertEqual(code, 2)
            self.assertIn("E_NO_UNIT", err, opt)


# ---- cohort and merge ------------------------------------------------------

class Cohort(unittest.TestCase):
    N = 600

    def cohort(self, *args):
        code, out, err = run_bytes("cohort", "--patients", str(self.N),
                                   "--json", *args)
        self.assertEqual(code, 0, err)
        return out

    def test_json_layout_and_hand_arithmetic(self):
        j = json.loads(self.cohort("--seed", "5"))
        self.assertEqual(list(j), ["infuse_version", "options", "counts",
                                   "rates"])
        c, r, o = j["counts"], j["rates"], j["options"]
        self.assertEqual(sorted(c), sorted(COUNT_FIELDS))
        self.assertEqual(sorted(r), sorted(RATE_FIELDS))
        self.assertRegex(c["fingerprint"], r"^[0-9a-f]{16}$")
        self.assertEqual(len(c["first_response"]), 12)
        self.assertEqual(len(c["relapse_week"]), 262)
        for k in COUNT_FIELDS[1:]:
            for v in (c[k] if isinstance(c[k], list) else [c[k]]):
                self.assertIsInstance(v, int)
                self.assertGreaterEqual(v, 0)
        self.assertEqual((c["first_patient"], c["patients"]), (0, self.N))
        self.assertEqual(o["seed"], 5)
        self.assertEqual(o["patients"], self.N)
        self.assertEqual(o["months"], 12)
        self.assertEqual(o["maintenance"], "taper")
        self.assertEqual(o["start"], "2026-01-05")
        # followed from the first session (Monday 2026-01-05) to the
        # horizon 2027-01-05: 365 days each
        self.assertEqual(c["patient_days"], 365 * self.N)
        # no futility rule: every patient has the 6 induction infusions
        self.assertEqual(c["induction_infusions"], 6 * self.N)
        self.assertEqual(c["infusions"], c["induction_infusions"] +
                         c["maintenance_infusions"])
        # chair time: 40 min infusion + 60 min observation each
        self.assertEqual(c["chair_minutes"], 100 * c["infusions"])
        # the rates from the counts, as infuse.h defines them
        n = c["patients"]
        self.assertEqual(r["response_by_infusion_3"], c["response_by_3"] / n)
        self.assertEqual(r["remission_by_3_given_response_at_1"],
                         c["remission_by_3_after_response_at_1"] /
                         c["response_at_1"])
        self.assertEqual(r["remission_given_no_response_by_2"],
                         c["remission_after_no_response_by_2"] /
                         c["no_response_by_2"])
        self.assertEqual(r["response_end_of_induction"], c["responders"] / n)
        self.assertEqual(r["relapse_in_horizon"],
                         c["relapses"] / c["responders"])

    def test_options_are_used(self):
        j = json.loads(self.cohort(
            "--maintenance", "none", "--duration", "100min", "--observation",
            "0min", "--dose", "0.75mg/kg", "--p-remit-first", "16%",
            "--months", "3", "--futility", "3", "--induction", "4"))
        c, o = j["counts"], j["options"]
        self.assertEqual(c["maintenance_infusions"], 0)
        self.assertEqual(c["chair_minutes"], 100 * c["infusions"])
        self.assertEqual(o["p_remit_first"], 0.16)
        self.assertEqual(o["dose_mg_per_kg"], 0.75)
        self.assertEqual((o["futility"], o["induction"], o["months"]),
                         (3, 4, 3))
        self.assertLessEqual(c["induction_infusions"], 4 * self.N)
        # --months is the follow-up: 2026-01-05 to 2026-04-05 is
        # 26 + 28 + 31 + 5 = 90 days, also with maintenance "none"
        self.assertEqual(c["patient_days"], 90 * self.N)

    def test_nan_rates_are_null(self):
        j = json.loads(self.cohort("--responsive-fraction", "0"))
        self.assertEqual(j["counts"]["responders"], 0)
        self.assertIsNone(j["rates"]["relapse_in_horizon"])
        self.assertIsNone(
            j["rates"]["relapse_within_28d_without_maintenance"])
        self.assertEqual(j["rates"]["response_end_of_induction"], 0)

    def test_same_seed_same_output_different_seed_different(self):
        a = self.cohort("--seed", "11")
        self.assertEqual(a, self.cohort("--seed", "11"))
        b = self.cohort("--seed", "12")
        self.assertNotEqual(json.loads(a)["counts"]["relapse_week"],
                            json.loads(b)["counts"]["relapse_week"])

    def test_text_and_csv(self):
        code, out, err = run("cohort", "--patients", "100")
        self.assertEqual(code, 0, err)
        self.assertIn("response_by_infusion_3", out)
        code, out, err = run("cohort", "--patients", "100", "--csv")
        self.assertEqual(code, 0, err)
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        j = json.loads(run_bytes("cohort", "--patients", "100",
                                 "--json")[1])
        opts = {r["name"]: r["value"] for r in rows if r["kind"] == "option"}
        self.assertEqual(opts["taper"], j["options"]["taper"])
        self.assertEqual(len(opts), len(j["options"]))
        weeks = [int(r["value"]) for r in rows
                 if r["kind"] == "count" and r["name"] == "relapse_week"]
        self.assertEqual(weeks, j["counts"]["relapse_week"])
        firsts = [(int(r["index"]), int(r["value"])) for r in rows
                  if r["name"] == "first_response"]
        self.assertEqual(firsts, list(enumerate(
            j["counts"]["first_response"], 1)))
        rates = {r["name"]: r["value"] for r in rows if r["kind"] == "rate"}
        self.assertEqual(sorted(rates), sorted(RATE_FIELDS))

    def test_svg(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "c.svg")
            code, out, err = run("cohort", "--patients", "200", "--json",
                                 "--svg", path)
            self.assertEqual(code, 0, err)
            root = ET.parse(path).getroot()
        charts = root.findall(".//%sg[@class='chart']" % SVG_NS)
        self.assertEqual(len(charts), 2)
        texts = ["".join(t.itertext()) for t in root.iter(SVG_NS + "text")]
        self.assertIn("Cumulative response by infusion", texts)
        self.assertIn("Relapse after the end of induction", texts)
        self.assertIn("weeks after the end of induction", texts)
        self.assertEqual(len(root.findall(
            ".//%spolyline[@class='curve']" % SVG_NS)), 2)

    def test_shards_merge_to_the_unsharded_run(self):
        full = self.cohort("--seed", "3")
        with tempfile.TemporaryDirectory() as tmp:
            for m in (1, 2, 3, 7, 10):
                files = []
                for k in range(m):
                    out = self.cohort("--seed", "3", "--shard", "%d/%d" % (k, m))
                    c = json.loads(out)["counts"]
                    # [K*N/M, (K+1)*N/M) in integer arithmetic
                    self.assertEqual(c["first_patient"], k * self.N // m)
                    self.assertEqual(c["patients"],
                                     (k + 1) * self.N // m - k * self.N // m)
                    path = os.path.join(tmp, "s%d-%d.json" % (m, k))
                    with open(path, "wb") as f:
                        f.write(out)
                    files.append(path)
                random.Random(m).shuffle(files)
                code, merged, err = run_bytes("merge", *files)
                self.assertEqual(code, 0, err)
                self.assertEqual(merged, full, "M=%d" % m)
                # CSV of the merge equals the CSV of the run
                code, mcsv, err = run_bytes("merge", "--csv", *files)
                self.assertEqual(code, 0, err)
                self.assertEqual(mcsv, run_bytes(
                    "cohort", "--patients", str(self.N), "--seed", "3",
                    "--csv")[1])

    def test_uneven_shards_and_merging_in_stages(self):
        n = 997
        args = ["cohort", "--patients", str(n), "--json"]
        full = run_bytes(*args)[1]
        with tempfile.TemporaryDirectory() as tmp:
            parts = []
            for k in range(4):
                path = os.path.join(tmp, "p%d.json" % k)
                with open(path, "wb") as f:
                    f.write(run_bytes(*args, "--shard", "%d/4" % k)[1])
                parts.append(path)
            a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
            for out, ins in ((a, parts[:2]), (b, parts[2:])):
                code, data, err = run_bytes("merge", "--partial", *ins)
                self.assertEqual(code, 0, err)
                with open(out, "wb") as f:
                    f.write(data)
            code, data, err = run_bytes("merge", b, a)
            self.assertEqual(code, 0, err)
            self.assertEqual(data, full)
            # a partial merge without --partial is refused
            code, out, err = run("merge", a)
            self.assertEqual(code, 2)
            self.assertEqual(out, "")
            self.assertIn("missing", err)

    def test_merge_refusals(self):
        with tempfile.TemporaryDirectory() as tmp:
            def save(name, data):
                path = os.path.join(tmp, name)
                with open(path, "wb") as f:
                    f.write(data if isinstance(data, bytes) else
                            data.encode("utf-8"))
                return path

            s = [save("s%d.json" % k, self.cohort("--shard", "%d/3" % k))
                 for k in range(3)]
            other = save("other.json",
                         self.cohort("--seed", "99", "--shard", "1/3"))
            bigger = save("bigger.json", run_bytes(
                "cohort", "--patients", str(self.N + 3), "--json",
                "--shard", "1/3")[1])
            half = save("half.json", self.cohort("--shard", "0/2"))
            with open(s[1], encoding="utf-8") as f:
                text = f.read()
            c = json.loads(text)["counts"]
            fp = c["fingerprint"]
            fp2 = ("0" if fp[0] != "0" else "1") + fp[1:]
            forged = save("forged.json", text.replace(fp, fp2))
            edited = save("edited.json", re.sub(
                r'"relapses": (\d+)',
                lambda m: '"relapses": %d' % (int(m.group(1)) + 1), text))
            j = json.loads(text)
            reformatted = save("reformatted.json", json.dumps(j))
            extra = dict(j, comment="x")
            extra_key = save("extra.json", json.dumps(extra, indent=2))
            missing = dict(j)
            del missing["rates"]
            missing_key = save("missing.json", json.dumps(missing, indent=2))
            wrong_type = save("type.json", text.replace(
                '"patients": %d,\n    "patient_days"' % c["patients"],
                '"patients": "%d",\n    "patient_days"' % c["patients"]))
            version = save("version.json", text.replace(
                j["infuse_version"], "99.0.0"))
            cases = [
                ([s[0], s[2]], "missing"),                    # a gap
                ([s[0], s[1], s[1], s[2]], "overlap"),        # twice
                ([half, s[1], s[2]], "overlap"),              # other split
                ([s[0], other, s[2]], "different runs"),      # other seed
                ([s[0], bigger, s[2]], "different runs"),     # other N
                ([s[0], forged, s[2]], "fingerprint"),
                ([s[0], s[1]], "missing"),                    # incomplete
                ([save("empty.json", "")], "empty"),
                ([save("garbage.json", "hello\n")], "garbage.json"),
                ([save("nul.json", b"{\0}")], "NUL"),
                ([save("truncated.json", text[:len(text) // 2])],
                 "truncated.json: line"),
                ([save("array.json", "[1, 2]\n")], "not a JSON object"),
                ([save("trailing.json", text + "{}")], "more text"),
                ([save("dup.json", text.replace(
                    '"rates": {', '"rates": {\n    "relapse_in_horizon": 1,'))],
                 "twice"),
                ([reformatted], "laid out"),
                ([extra_key], "comment"),
                ([missing_key], "rates"),
                ([wrong_type], "patients"),
                ([edited], "rates do not follow"),
                ([version], "99.0.0"),
                ([os.path.join(tmp, "absent.json")], "absent.json"),
                ([], "give the files"),
            ]
            for files, needle in cases:
                with self.subTest(files=[os.path.basename(f) for f in files]):
                    code, out, err = run("merge", *files)
                    self.assertEqual(code, 2, err)
                    self.assertEqual(out, "")
                    self.assertIn(needle, err)
                    if len(files) == 1:  # the problem names its file
                        self.assertIn(os.path.basename(files[0]), err)

    def test_refusals(self):
        cases = [
            (["cohort", "--shard", "3/3"], "0 to M-1"),
            (["cohort", "--shard", "0/0"], "--shard"),
            (["cohort", "--shard", "1"], "--shard"),
            (["cohort", "--shard", "-1/3"], "--shard"),
            (["cohort", "--patients", "10", "--shard", "0/11"], "--shard"),
            (["cohort", "--patients", "0"], "--patients"),
            (["cohort", "--patients", "1000000000001"], "--patients"),
            (["cohort", "--p-remit-first", "16"], "--p-remit-first"),
            (["cohort", "--p-remit-first", "101%"], "--p-remit-first"),
            (["cohort", "--p-remit-first", "-0.1"], "--p-remit-first"),
            (["cohort", "--p-remit-next", "0.9", "--p-respond-next", "0.2"],
             "--p-respond-next"),
            (["cohort", "--relapse-28d", "1"], "--relapse-28d"),
            (["cohort", "--relapse-28d", "0%"], "--relapse-28d"),
            (["cohort", "--futility", "7"], "--futility"),
            (["cohort", "--futility", "5", "--induction", "4"], "--futility"),
            (["cohort", "--dose", "0.5"], "--dose"),
            (["cohort", "--dose", "35mg"], "--dose"),
            (["cohort", "--dose", "6mg/kg"], "--dose"),
            (["cohort", "--duration", "40"], "--duration"),
            (["cohort", "--duration", "90s"], "--duration"),
            (["cohort", "--observation", "60"], "--observation"),
            (["cohort", "--observation", "0.5min"], "--observation"),
            (["cohort", "--weight-median", "80"], "--weight-median"),
            (["cohort", "--weight-median", "10kg"], "--weight-median"),
            (["cohort", "--weight-cv", "20"], "--weight-cv"),
            (["cohort", "--months", "61"], "--months"),
            (["cohort", "--maintenance", "monthly"], "--maintenance"),
            (["cohort", "--start", "2026-02-30"], "--start"),
            (["cohort", "--clinic-days", "mon"], "E_CONFLICT"),
            (["cohort", "--weight", "70kg"], "--weight"),
            (["cohort", "--summary"], "--summary"),
            (["cohort", "--json", "--csv"], "--csv"),
            (["cohort", "--seed", "1", "--seed", "2"], "--seed"),
            (["merge", "--patients", "3"], "--patients"),
            (["merge", "--json", "--csv", "x"], "--csv"),
            ([], "subcommand"),
            (["simulate"], "simulate"),
            (["--json"], "--json"),
            (["--help", "pk"], "--help"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                code, out, err = run(*args)
                self.assertEqual(code, 2, (args, err))
                self.assertEqual(out, "")
                self.assertIn(needle, err)

    def test_help_version(self):
        code, out, _ = run("--help")
        self.assertEqual(code, 0)
        for sub in ("pk", "cohort", "merge"):
            self.assertIn(sub, out)
        for sub, opt in (("pk", "--variability"), ("cohort", "--shard"),
                         ("merge", "--partial")):
            code, out, _ = run(sub, "--help")
            self.assertEqual(code, 0)
            self.assertIn(opt, out)
        code, out, _ = run("--version")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"^infuse-sim \(infuse\) \d+\.\d+\.\d+\n$")
        self.assertEqual(run("pk", "--version")[1], out)


if __name__ == "__main__":
    BIN = sys.argv.pop(1)
    unittest.main(verbosity=1)
