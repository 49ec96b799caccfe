#!/usr/bin/env python3
"""The baseline for bench_sim's pk_summary case: the same six-infusion
Domino course for ONE typical patient, solved the way a researcher would
without libinfuse, with scipy.integrate.solve_ivp.

  scipy_baseline.py [--library PATH] [--method LSODA] [--rtol 1e-8]
                    [--atol 1e-10] [--repeat N] [--weight 80]

Course: 0.5 mg/kg over 40 min on days 0, 2, 4, 7, 9 and 11 (minutes from
the first start), the Domino 3-compartment model, typical patient of
80 kg; Cmax, Tmax, AUC and time above 100 ng/mL on [0, last end + 24 h].

How it is solved: the amounts in the three compartments (mg) and the AUC
of the central concentration are the state. The course is cut at every
infusion start and stop; each piece has a constant input rate and is one
solve_ivp call (default LSODA, rtol 1e-8, atol 1e-10) with dense output
and two events located by root finding on it: crossings of the threshold
(time above) and zeros of dC/dt (interior maxima). Cmax is the largest of
the concentrations at the piece ends and at those maxima; AUC is the
integrated state.

With --library (the built libinfuse.so.0) the model constants come from
the library (infuse_pk_model_get) and the result is compared with
infuse_pk_summarize() for the same patient: agreement to 1e-6 relative
shows that both compute the same thing. Without it the constants are the
"domino" row of docs/clinical.md and no comparison is made.

Prints (for bench/run.sh; KEY=VALUE after a first word):
  scipy     method= rtol= atol= repeats= ms_per_patient= patients_per_s=
  result    cmax_ng_per_ml= tmax_min= auc_ng_h_per_ml= time_above_min=
  libinfuse the same four, from infuse_pk_summarize (with --library)
  compare   cmax_rel= auc_rel= time_above_rel= tmax_diff_min= agree=yes|no
Exit status: 0 (1 when --library is given and the results disagree; 2 for
usage; 3 when scipy is not installed).
"""

import argparse
import os
import sys
import time

DAYS = (0, 2, 4, 7, 9, 11)
DOSE_MG_PER_KG = 0.5
DURATION_MIN = 40.0
THRESHOLD = 100.0
# "domino" in docs/clinical.md: V1 L/kg; k10, k12, k13, k21, k31 per min
DOMINO = dict(v1_l_per_kg=0.063, k10=0.4381, k12=0.5921, k13=0.5900,
              k21=0.2470, k31=0.0146)


def course(weight_kg):
    dose = DOSE_MG_PER_KG * weight_kg
    return [(d * 1440.0, DURATION_MIN, dose) for d in DAYS]


def summarize_scipy(model, weight_kg, infusions, until, threshold, method,
                    rtol, atol):
    """Cmax (ng/mL), Tmax (min), AUC (ng h/mL), time above (min)."""
    import numpy as np
    from scipy.integrate import solve_ivp

    v1 = model["v1_l_per_kg"] * weight_kg              # L
    k10, k12, k13 = model["k10"], model["k12"], model["k13"]
    k21, k31 = model["k21"], model["k31"]
    kout = k10 + k12 + k13
    to_conc = 1000.0 / v1                               # mg -> ng/mL

    cuts = {0.0, until}
    for start, dur, _ in infusions:
        for t in (start, start + dur):
            if 0.0 <= t <= until:
                cuts.add(t)
    cuts = sorted(cuts)

    def rate_at(t_mid):
        return sum(dose / dur for start, dur, dose in infusions
                   if dur > 0 and start <= t_mid < start + dur)

    y = np.zeros(4)       # A1, A2, A3 (mg), AUC of C (ng min/mL)
    cmax, tmax = 0.0, 0.0
    above = 0.0
    for a, b in zip(cuts, cuts[1:]):
        r = rate_at(0.5 * (a + b))

        def rhs(t, s, r=r):
            a1, a2, a3 = s[0], s[1], s[2]
            return [r - kout * a1 + k21 * a2 + k31 * a3,
                    k12 * a1 - k21 * a2,
                    k13 * a1 - k31 * a3,
                    to_conc * a1]

        def crossing(t, s):
            return to_conc * s[0] - threshold

        def peak(t, s, r=r):          # dC/dt, + to - at a maximum
            return r - kout * s[0] + k21 * s[1] + k31 * s[2]
        peak.direction = -1

        sol = solve_ivp(rhs, (a, b), y, method=method, rtol=rtol, atol=atol,
                        dense_output=True, events=[crossing, peak])
        if sol.status < 0:
            raise RuntimeError("solve_ivp failed: " + sol.message)
        c_a = to_conc * y[0]
        y = sol.y[:, -1].copy()
        c_b = to_conc * y[0]
        for t, c in [(a, c_a), (b, c_b)] + [
                (t, to_conc * s[0]) for t, s in zip(sol.t_events[1],
                                                    sol.y_events[1])]:
            if c > cmax:
                cmax, tmax = c, t
        # time above: the state at a, toggled at each crossing
        is_above = c_a > threshold
        seg = a
        for t in sorted(sol.t_events[0]):
            if is_above:
                above += t - seg
            is_above = not is_above
            seg = t
        if is_above:
            above += b - seg
    return cmax, tmax, y[3] / 60.0, above


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--library", help="libinfuse shared library, for the "
                    "model constants and the comparison")
    ap.add_argument("--method", default="LSODA",
                    help="solve_ivp method (default LSODA; e.g. RK45, BDF)")
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--atol", type=float, default=1e-10)
    ap.add_argument("--repeat", type=int, default=10,
                    help="solves to average over (default 10)")
    ap.add_argument("--weight", type=float, default=80.0,
                    help="the typical patient's weight, kg (default 80)")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat needs at least 1")

    try:
        import scipy
        import numpy
        del numpy  # only checked here; summarize_scipy imports it
    except ImportError as e:
        print("scipy_baseline: scipy is not installed (%s); on Debian: "
              "apt-get install python3-scipy, then run with /usr/bin/python3"
              % e, file=sys.stderr)
        return 3

    model = dict(DOMINO)
    infuse = None
    if args.library:
        sys.path.insert(0, os.path.join(os.path.dirname(
            os.path.abspath(__file__)), os.pardir, "bindings", "python"))
        import infuse
        infuse.load(args.library)
        m = infuse.pk_model("domino")
        model = dict(v1_l_per_kg=m.v1_l_per_kg, k10=m.k10, k12=m.k12,
                     k13=m.k13, k21=m.k21, k31=m.k31)

    infusions = course(args.weight)
    until = infusions[-1][0] + infusions[-1][1] + 24 * 60.0

    # one untimed solve (imports, first-call costs), then the timed ones
    res = summarize_scipy(model, args.weight, infusions, until, THRESHOLD,
                          args.method, args.rtol, args.atol)
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        res = summarize_scipy(model, args.weight, infusions, until,
                              THRESHOLD, args.method, args.rtol, args.atol)
    dt = (time.perf_counter() - t0) / args.repeat
    cmax, tmax, auc, above = res
    print("scipy   method=%s rtol=%g atol=%g repeats=%d ms_per_patient=%.3f "
          "patients_per_s=%.4g scipy_version=%s" %
          (args.method, args.rtol, args.atol, args.repeat, dt * 1e3, 1.0 / dt,
           scipy.__version__))
    print("result  cmax_ng_per_ml=%.12g tmax_min=%.12g auc_ng_h_per_ml=%.12g "
          "time_above_min=%.12g" % (cmax, tmax, auc, above))

    if infuse is None:
        return 0
    c = infuse.PKSystem("domino", args.weight).summary(
        infusions, until, THRESHOLD)

    def rel(x, ref):
        return abs(x - ref) / abs(ref) if ref != 0 else abs(x)

    cr = rel(cmax, c.cmax_ng_per_ml)
    ar = rel(auc, c.auc_ng_h_per_ml)
    tr = rel(above, c.time_above_min)
    td = abs(tmax - c.tmax_min)
    agree = max(cr, ar, tr) <= 1e-6
    print("libinfuse cmax_ng_per_ml=%.12g tmax_min=%.12g "
          "auc_ng_h_per_ml=%.12g time_above_min=%.12g" % (
              c.cmax_ng_per_ml, c.tmax_min, c.auc_ng_h_per_ml,
              c.time_above_min))
    print("compare cmax_rel=%.3g auc_rel=%.3g time_above_rel=%.3g "
          "tmax_diff_min=%.3g agree=%s" % (cr, ar, tr, td,
                                           "yes" if agree else "no"))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
