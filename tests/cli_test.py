#!/usr/bin/env python3
"""Tests of infuse-rate and infuse-dose as programs: options, exit statuses,
JSON fields and values. Expected numbers are hand arithmetic, written next
to each check. Usage: cli_test.py BIN_DIR"""

import json
import os
import subprocess
import sys
import unittest

BIN = None

CONTRACT_RATE_FIELDS = [
    "protocol", "dosing_weight_kg", "weight_basis", "dose_mg_per_kg",
    "dose_mg", "vial_mg_per_ml", "drug_volume_ml", "delivered_dose_mg",
    "dose_deviation_percent", "diluent_ml", "total_volume_ml",
    "final_concentration_mg_per_ml", "duration_min", "rate_ml_per_h",
    "actual_duration_min", "vtbi_ml", "dose_rate_mg_per_kg_per_h", "verdict",
    "findings", "trail",
]


def run(prog, *args):
    p = subprocess.run([os.path.join(BIN, prog), *args], capture_output=True,
                       text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def rate_json(*args):
    code, out, err = run("infuse-rate", "--json", *args)
    return code, json.loads(out), err


class RateWorkedExamples(unittest.TestCase):
    def test_default_70kg(self):
        code, j, _ = rate_json("--weight", "70kg")
        self.assertEqual(code, 0)
        for f in CONTRACT_RATE_FIELDS:
            self.assertIn(f, j)
        self.assertEqual(j["protocol"], "ketamine-trd-40")
        self.assertEqual(j["weight_basis"], "actual")
        self.assertEqual(j["dosing_weight_kg"], 70)
        self.assertEqual(j["dose_mg_per_kg"], 0.5)
        self.assertEqual(j["dose_mg"], 35)            # 70 x 0.5
        self.assertEqual(j["vial_mg_per_ml"], 10)
        self.assertEqual(j["drug_volume_ml"], 3.5)    # 35 / 10
        self.assertEqual(j["delivered_dose_mg"], 35)
        self.assertEqual(j["dose_deviation_percent"], 0)
        self.assertEqual(j["diluent_ml"], 100)
        self.assertEqual(j["total_volume_ml"], 103.5)  # 100 + 3.5
        self.assertEqual(j["vtbi_ml"], 103.5)
        self.assertEqual(j["duration_min"], 40)
        self.assertEqual(j["rate_ml_per_h"], 155.3)    # 103.5/(40/60)=155.25
        # 103.5 / 155.3 h = 0.666452... h = 39.98712 min
        self.assertEqual(j["actual_duration_min"], 39.9871)
        # 35 / 103.5 = 0.3381642... mg/mL, nearest ng/mL = 0.338164
        self.assertEqual(j["final_concentration_mg_per_ml"], 0.338164)
        # 35 mg / 70 kg / (103.5/155.3 h) = 0.5 x 155.3 / 103.5 = 0.750241...
        self.assertAlmostEqual(j["dose_rate_mg_per_kg_per_h"],
                               0.5 * 155.3 / 103.5, places=6)
        self.assertEqual(j["verdict"], "ok")
        self.assertEqual(j["findings"], [])
        steps = [s["step"] for s in j["trail"]]
        for s in ("dose", "draw_volume", "total_volume", "rate",
                  "actual_duration"):
            self.assertIn(s, steps)
        rate = [s for s in j["trail"] if s["step"] == "rate"][0]
        self.assertEqual(rate["exact"], "155.25 mL/h")
        self.assertEqual(rate["rounding"], {"mode": "nearest",
                                            "step": "0.1 mL/h"})

    def test_final_concentration_1mg_per_ml_40_and_100_min(self):
        # CLINICAL.md: 35 mg at 1 mg/mL = 35 mL; over 40 min 52.5 mL/h
        code, j, _ = rate_json("--weight", "70kg", "--final-conc", "1mg/mL")
        self.assertEqual(code, 0)
        self.assertEqual(j["total_volume_ml"], 35)
        self.assertEqual(j["diluent_ml"], 31.5)       # 35 - 3.5
        self.assertEqual(j["rate_ml_per_h"], 52.5)
        self.assertEqual(j["prep"], "final_conc")
        # over 100 min: 35 / (100/60) = 21.0 mL/h
        code, j, _ = rate_json("--weight", "70kg", "--final-conc", "1mg/mL",
                               "--protocol", "ketamine-trd-100")
        self.assertEqual(code, 0)
        self.assertEqual(j["rate_ml_per_h"], 21)
        self.assertEqual(j["duration_min"], 100)

    def test_pounds(self):
        # 154 lb x 0.45359237 = 69.85322498 kg -> 69.853 kg (nearest gram)
        code, j, _ = rate_json("--weight", "154lb")
        self.assertEqual(code, 0)
        self.assertEqual(j["dosing_weight_kg"], 69.853)
        self.assertEqual(j["dose_mg"], 34.9265)       # 69.853 x 0.5
        self.assertEqual(j["drug_volume_ml"], 3.5)    # 3.49265 -> 3.5
        self.assertEqual(j["delivered_dose_mg"], 35)
        # (35 - 34.9265) / 34.9265 = 0.21044...%
        self.assertEqual(j["dose_deviation_percent"], 0.2104)
        self.assertEqual(len(j["input_notes"]), 1)
        self.assertIn("154 lb", j["input_notes"][0])
        # the conversion is the first step of the trail, named and rounded
        conv = j["trail"][0]
        self.assertEqual(conv["step"], "weight_conversion")
        self.assertEqual(conv["expression"], "154 lb x 0.45359237 kg/lb")
        self.assertTrue(conv["rounded"])
        self.assertEqual(conv["rounding"], {"mode": "nearest",
                                            "step": "0.001 kg"})

    def test_replace_prep(self):
        # withdraw 3.5 mL from the 100 mL bag: total 100 mL, 150 mL/h
        code, j, _ = rate_json("--weight", "70kg", "--prep", "replace")
        self.assertEqual(code, 0)
        self.assertEqual(j["total_volume_ml"], 100)
        self.assertEqual(j["diluent_ml"], 96.5)
        self.assertEqual(j["rate_ml_per_h"], 150)

    def test_syringe_is_a_soft_concentration_limit(self):
        # 3.5 mL undiluted over 40 min = 5.25 -> 5.3 mL/h; 10 mg/mL > 2 mg/mL
        code, j, _ = rate_json("--weight", "70kg", "--bag", "none")
        self.assertEqual(code, 3)
        self.assertEqual(j["rate_ml_per_h"], 5.3)
        self.assertEqual(j["verdict"], "soft_limit")
        codes = [f["code"] for f in j["findings"]]
        self.assertIn("concentration_soft_high", codes)
        code, j, _ = rate_json("--weight", "70kg", "--bag", "none",
                               "--acknowledge=concentration")
        self.assertEqual(code, 0)
        self.assertEqual(j["verdict"], "ok")
        self.assertTrue(j["findings"][0]["acknowledged"])

    def test_ideal_weight(self):
        # 175 cm male: 175/2.54 = 68.8976 in; 50 + 2.3 x 8.8976 = 70.4646 kg
        code, j, _ = rate_json("--weight", "120kg", "--weight-basis", "ideal",
                               "--height", "175cm", "--sex", "male")
        self.assertEqual(code, 0)
        self.assertEqual(j["ideal_weight_kg"], 70.465)
        self.assertEqual(j["dosing_weight_kg"], 70.465)
        self.assertEqual(j["weight_basis"], "ideal")
        # adjusted: 70.465 + 0.4 x (120 - 70.465) = 90.279 kg
        code, j, _ = rate_json("--weight", "120kg", "--weight-basis",
                               "adjusted", "--height", "175cm", "--sex",
                               "male")
        self.assertEqual(j["dosing_weight_kg"], 90.279)
        # BMI = 120 / 1.75^2 = 39.18
        self.assertEqual(j["bmi"], 39.18)


class Limits(unittest.TestCase):
    def test_soft_limit_needs_acknowledgement(self):
        code, j, _ = rate_json("--weight", "70kg", "--dose", "0.9mg/kg")
        self.assertEqual(code, 3)
        self.assertEqual(j["verdict"], "soft_limit")
        f = j["findings"][0]
        self.assertEqual(f["code"], "dose_per_kg_soft_high")
        self.assertEqual(f["severity"], "soft")
        self.assertEqual(f["value"], 0.9)
        self.assertEqual(f["limit"], 0.75)
        self.assertIn("0.75 mg/kg", f["message"])
        code, j, _ = rate_json("--weight", "70kg", "--dose", "0.9mg/kg",
                               "--acknowledge")
        self.assertEqual(code, 0)
        self.assertEqual(j["verdict"], "ok")

    def test_acknowledging_another_limit_does_not_help(self):
        code, j, _ = rate_json("--weight", "70kg", "--dose", "0.9mg/kg",
                               "--acknowledge=rate,dose")
        self.assertEqual(code, 3)

    def test_hard_limit_cannot_be_acknowledged(self):
        code, j, _ = rate_json("--weight", "70kg", "--dose", "1.1mg/kg",
                               "--acknowledge")
        self.assertEqual(code, 3)
        self.assertEqual(j["verdict"], "hard_limit")

    def test_limit_is_inclusive(self):
        # 80 kg x 0.75 mg/kg = 60 mg = 6 mL exactly: at the soft maximum
        code, j, _ = rate_json("--weight", "80kg", "--dose", "0.75mg/kg")
        self.assertEqual(code, 0)
        self.assertEqual(j["dose_mg"], 60)

    def test_delivered_dose_is_checked_too(self):
        # 70 kg x 0.75 = 52.5 mg -> 5.25 mL -> 5.3 mL = 53 mg delivered,
        # 53/70 = 0.757142 mg/kg: above the 0.75 soft maximum
        code, j, _ = rate_json("--weight", "70kg", "--dose", "0.75mg/kg")
        self.assertEqual(code, 3)
        f = j["findings"][0]
        self.assertEqual(f["code"], "dose_per_kg_soft_high")
        self.assertEqual(f["value"], 0.757143)

    def test_text_output_on_limit_is_still_printed(self):
        code, out, _ = run("infuse-rate", "--weight", "70kg", "--dose",
                           "1.1mg/kg")
        self.assertEqual(code, 3)
        self.assertIn("HARD LIMIT", out)


class Refusals(unittest.TestCase):
    def refused(self, prog, *args, needle=None):
        code, out, err = run(prog, *args)
        self.assertEqual(code, 2, (args, out, err))
        self.assertEqual(out, "", "nothing on stdout when refused")
        self.assertNotEqual(err, "")
        if needle:
            self.assertIn(needle, err)
        return err

    def test_bare_number(self):
        err = self.refused("infuse-rate", "--weight", "70", needle="--weight")
        self.assertIn("'70'", err)
        self.assertIn("kg", err)

    def test_bad_inputs(self):
        for args, needle in [
            (["--weight", "70KG"], "E_UNKNOWN_UNIT"),
            (["--weight", "70mL"], "E_WRONG_DIMENSION"),
            (["--weight", "-70kg"], "E_NEGATIVE"),
            (["--weight", "0kg"], "E_ZERO"),
            (["--weight", "nan"], "E_SYNTAX"),
            (["--weight", "70,5kg"], "E_SYNTAX"),
            (["--weight", ".5kg"], "leading zero"),
            (["--weight", "70kg", "--dose", "0.5"], "--dose"),
            (["--weight", "70kg", "--duration", "40"], "--duration"),
            (["--weight", "70kg", "--vial", "10mg"], "E_WRONG_DIMENSION"),
            (["--weight", "70kg", "--weight", "70kg"], "more than once"),
            (["--weight", "70kg", "--bag", "100mL", "--final-conc",
              "1mg/mL"], "contradict"),
            (["--weight", "70kg", "--weight-basis", "ideal"], "--height"),
            (["--weight", "70kg", "--sex", "other"], "accepted"),
            (["--weight", "70kg", "--prep", "mix"], "accepted"),
            (["--weight", "70kg", "--acknowledge=everything"], "accepted"),
            (["--weight", "70kg", "--protocol", "ketamine"], "ketamine-trd-40"),
            (["--weight", "70kg", "--protocol", "ketamine-oral"], "infuse-dose"),
            (["--weight", "70kg", "--frobnicate"], "unknown option"),
            (["--weight", "70kg", "extra"], "unexpected argument"),
            (["--weight"], "needs a value"),
            ([], "--weight is required"),
            (["--weight", "1200kg"], "E_RANGE"),
        ]:
            with self.subTest(args=args):
                self.refused("infuse-rate", *args, needle=needle)

    def test_dose_refuses_pump_options(self):
        self.refused("infuse-dose", "--weight", "70kg", "--vial", "10mg/mL",
                     needle="infuse-rate")


class Programs(unittest.TestCase):
    def test_help_and_version(self):
        for prog in ("infuse-rate", "infuse-dose"):
            code, out, _ = run(prog, "--help")
            self.assertEqual(code, 0)
            self.assertIn("--weight", out)
            self.assertIn("Exit status", out)
            code, out, _ = run(prog, "--version")
            self.assertEqual(code, 0)
            self.assertRegex(out, r"^%s \(infuse\) \d+\.\d+\.\d+\n$" % prog)

    def test_list_protocols(self):
        code, out, _ = run("infuse-rate", "--list-protocols")
        self.assertEqual(code, 0)
        for pid in ("ketamine-trd-40", "ketamine-trd-100",
                    "ketamine-low-dose", "ketamine-oral"):
            self.assertIn(pid, out)
        code, out, _ = run("infuse-rate", "--list-protocols", "--json")
        ids = [p["id"] for p in json.loads(out)["protocols"]]
        self.assertEqual(len(ids), 4)

    def test_text_shows_the_arithmetic(self):
        code, out, _ = run("infuse-rate", "--weight", "70kg")
        self.assertEqual(code, 0)
        for needle in ("35 mg", "3.5 mL", "103.5 mL", "155.3 mL/h",
                       "103.5 mL / 40 min = 155.25 mL/h", "Arithmetic",
                       "Decision support only"):
            self.assertIn(needle, out)

    def test_dose_program(self):
        code, out, _ = run("infuse-dose", "--weight", "70kg", "--json")
        j = json.loads(out)
        self.assertEqual(code, 0)
        self.assertEqual(j["dose_mg"], 35)
        self.assertNotIn("rate_ml_per_h", j)
        # oral: 1 mg/kg x 70 kg = 70 mg
        code, out, _ = run("infuse-dose", "--weight", "70kg", "--protocol",
                           "ketamine-oral", "--json")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out)["dose_mg"], 70)
        # low dose 0.2 mg/kg x 70 kg = 14 mg
        code, out, _ = run("infuse-dose", "--weight", "70kg", "--protocol",
                           "ketamine-low-dose", "--json")
        self.assertEqual(json.loads(out)["dose_mg"], 14)

    def test_fixed_dose(self):
        # 35 mg fixed at 70 kg is 0.5 mg/kg
        code, j, _ = rate_json("--weight", "70kg", "--dose", "35mg")
        self.assertEqual(code, 0)
        self.assertEqual(j["dose_mode"], "fixed")
        self.assertEqual(j["dose_mg_per_kg"], 0.5)

    @unittest.skipUnless(os.path.exists("/dev/full"), "needs /dev/full")
    def test_write_error_is_exit_1(self):
        with open("/dev/full", "w") as full:
            p = subprocess.run([os.path.join(BIN, "infuse-rate"), "--weight",
                                "70kg"], stdout=full, stderr=subprocess.PIPE,
                               timeout=30)
        self.assertEqual(p.returncode, 1)


if __name__ == "__main__":
    BIN = sys.argv.pop(1)
    unittest.main(verbosity=1)
