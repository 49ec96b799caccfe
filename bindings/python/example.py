#!/usr/bin/env python3
"""A starting point for research with libinfuse from Python (standard
library only).

  python3 bindings/python/example.py [LIBRARY] [--out FILE.csv]
                                     [--patients N] [--cohort N]

LIBRARY is the built shared library (e.g. build/libinfuse.so.0); without
it the module looks at INFUSE_LIBRARY, then an installed libinfuse, then
the build/ directory of this checkout.

It
 1. compares 0.5 mg/kg of ketamine over 40 and over 100 minutes for a 70 kg
    patient (Domino model): Cmax, Tmax, AUC and time above 100 ng/mL;
 2. summarises a virtual population (30% between-subject variability,
    weight median 80 kg, CV 20%) on the 40-minute infusion with
    percentiles;
 3. runs a cohort of 10,000 patients through a 12-month tapered course
    and prints a few rates, and shows that four shards merge into exactly
    the same counts;
 4. writes both concentration curves to a CSV file (minute by minute).

Research only: nothing here is a dosing instruction.
"""

import argparse
import csv
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import infuse  # noqa: E402

THRESHOLD = 100.0  # ng/mL; dissociation rises above it (docs/clinical.md)


def compare_durations(weight_kg=70.0):
    print("1. 0.5 mg/kg over 40 vs 100 min, %g kg, Domino model" % weight_kg)
    print("   %-9s %12s %10s %14s %20s" % ("duration", "Cmax ng/mL",
                                            "Tmax min", "AUC ng h/mL",
                                            "time > 100 ng/mL min"))
    curves = {}
    for minutes in (40, 100):
        s = infuse.pk_summary("domino", weight_kg, dose_mg_per_kg=0.5,
                              duration_min=minutes,
                              threshold_ng_per_ml=THRESHOLD)
        print("   %-9s %12.1f %10.1f %14.1f %20.1f" % (
            "%d min" % minutes, s.cmax_ng_per_ml, s.tmax_min,
            s.auc_ng_h_per_ml, s.time_above_min))
        # minute by minute over the first 6 hours, for the CSV
        curves[minutes] = infuse.pk_curve("domino", weight_kg, 0.5, minutes,
                                          step_min=1, until_min=360)
    return curves


def pct(values, ps=(5, 25, 50, 75, 95)):
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return [cuts[p - 1] for p in ps]


def population(n):
    print("\n2. Virtual population: %d patients, 0.5 mg/kg over 40 min" % n)
    pop = infuse.PKPopulation("domino", variability_cv=0.3,
                              weight_median_kg=80, weight_cv=0.2, seed=2026)
    # one infusion at t = 0; the dose follows each patient's weight
    regimen = infuse.Infusions([(0.0, 40.0, 1.0)])
    t0 = time.perf_counter()
    rows = pop.summaries(regimen, n, dose_mg_per_kg=0.5,
                         until_min=24 * 60, threshold_ng_per_ml=THRESHOLD)
    dt = time.perf_counter() - t0
    weights = [w for w, _ in rows]
    cmax = [s.cmax_ng_per_ml for _, s in rows]
    auc = [s.auc_ng_h_per_ml for _, s in rows]
    above = [s.time_above_min for _, s in rows]
    print("   %-22s %8s %8s %8s %8s %8s" % ("percentile", "5th", "25th",
                                           "50th", "75th", "95th"))
    for name, vals in (("weight kg", weights), ("Cmax ng/mL", cmax),
                       ("AUC ng h/mL", auc), ("time > 100 ng/mL min", above)):
        print("   %-22s" % name + "".join("%9.1f" % v for v in pct(vals)))
    share = sum(1 for v in above if v > 0) / n
    print("   %.1f%% of patients exceed 100 ng/mL at some time "
          "(%.0f patients/s through Python)" % (100 * share, n / dt))


def cohort(n):
    print("\n3. Cohort: %d patients, 12-month taper, default model" % n)
    t0 = time.perf_counter()
    whole = infuse.cohort(patients=n, seed=2026, months=12)
    dt = time.perf_counter() - t0
    r = whole.rates
    for key, label in (
            ("response_by_infusion_3", "response by infusion 3"),
            ("response_end_of_induction", "response at end of induction"),
            ("remission_end_of_induction", "remission at end of induction"),
            ("relapse_within_28d_without_maintenance",
             "relapse within 28 d without maintenance"),
            ("relapse_in_horizon", "relapse within 12 months (responders)")):
        print("   %-42s %6.1f%%" % (label, 100 * r[key]))
    print("   %-42s %7.2f" % ("infusions per patient-year",
                              r["infusions_per_patient_year"]))
    print("   %-42s %7.1f" % ("drug mg per patient-year",
                              r["drug_mg_per_patient_year"]))
    print("   %-42s %7.1f" % ("chair hours per patient-year",
                              r["chair_hours_per_patient_year"]))
    print("   %.0f patient-years in %.3f s" % (whole.patient_years, dt))
    # The same cohort as four shards (as a cluster would run it, one
    # process per shard; counts are plain dicts, e.g. saved as JSON)
    shards = [infuse.cohort(patients=n, seed=2026, months=12, shard=(k, 4))
              for k in range(4)]
    merged = infuse.merge([s.counts for s in shards])
    print("   4 shards merged give the same counts: %s" %
          (merged.counts == whole.counts))


def write_csv(path, curves):
    times, c40 = curves[40]
    _, c100 = curves[100]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["minute", "conc_40min_ng_per_ml", "conc_100min_ng_per_ml"])
        for t, a, b in zip(times, c40, c100):
            w.writerow(["%g" % t, "%.6f" % a, "%.6f" % b])
    print("\n4. Curves written to %s (%d rows)" % (path, len(times)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("library", nargs="?",
                    help="libinfuse shared library (default: INFUSE_LIBRARY, "
                    "installed, or this checkout's build/)")
    ap.add_argument("--out", default="infuse_curves.csv",
                    help="CSV file for the curves (default infuse_curves.csv)")
    ap.add_argument("--patients", type=int, default=2000,
                    help="virtual PK patients (default 2000)")
    ap.add_argument("--cohort", type=int, default=10000,
                    help="cohort size (default 10000)")
    args = ap.parse_args()
    try:
        infuse.load(args.library)
    except infuse.LibraryError as e:
        sys.exit("example.py: %s" % e)
    print("libinfuse %s\n" % infuse.version())
    curves = compare_durations()
    population(args.patients)
    cohort(args.cohort)
    write_csv(args.out, curves)
    return 0


if __name__ == "__main__":
    sys.exit(main())
