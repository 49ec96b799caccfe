#!/usr/bin/env python3
"""Derive the default parameters of the cohort outcome model (docs/cohort.md).

Standard library only. Run: python3 docs/cohort_calibration.py

The model (lib/cohort.c, include/infuse.h "Cohort Monte Carlo"): a patient is
in the ketamine-responsive class with probability f; a responsive patient not
yet responding remits at infusion 1 with probability a1 or responds without
remission with b1, at each later induction infusion with a and b; a responder
not in remission remits at each later induction infusion with c. Induction is
6 infusions, futility off.

The review figures (CLINICAL.md section 5) give five equations:

  T1 response by infusion 3                                        = 0.67
  T2 remission by 3 | response at infusion 1                       = 0.66
  T3 remission by 3 | no response at infusion 1                    = 0.40
  T4 remission by the end of induction | no response after 1 and 2 = 0.20
  T6 remission at the end of induction (all patients)              = 0.555
     (the review's range is 52-59%; 0.555 is its middle)

(T5, relapse within 28 days without maintenance = 0.70, is the parameter
relapse_28d itself.) Five equations, six unknowns (f, a1, b1, a, b, c): a
one-parameter family. The rule that picks the defaults: c, the chance that a
responder not yet in remission remits at a later infusion, is set to 0.15;
the other five are solved, then everything is rounded to 4 significant
digits. The script also prints the family for other values of c.
"""

import math

INDUCTION = 6
TARGETS = (0.67, 0.66, 0.40, 0.20, 0.555)
NAMES = ("response_by_infusion_3", "remission_by_3_given_response_at_1",
         "remission_by_3_given_no_response_at_1",
         "remission_given_no_response_by_2", "remission_end_of_induction")
RULE_C = 0.15


def remit_from_responder(c, k):
    """P(in remission after k more infusions | responder, not in remission)."""
    return 1.0 - (1.0 - c) ** k


def remit_from_none(a, b, c, k):
    """P(in remission after k more infusions | responsive, not responding),
    with the 'next' probabilities a (remit) and b (respond only)."""
    r = 0.0  # k = 0
    for j in range(1, k + 1):
        # first step: remit (a), respond (b, then j-1 steps as a responder),
        # or nothing (then j-1 steps from 'none')
        r = a + b * remit_from_responder(c, j - 1) + (1.0 - a - b) * r
    return r


def targets(p):
    """The five target rates, closed form, for p = (f, a1, b1, a, b, c)."""
    f, a1, b1, a, b, c = p
    q1 = 1.0 - a1 - b1  # responsive, no response at infusion 1
    q = 1.0 - a - b     # responsive, no new response at a later infusion
    t1 = f * (1.0 - q1 * q * q)
    t2 = (a1 + b1 * remit_from_responder(c, 2)) / (a1 + b1)
    t3 = f * q1 * remit_from_none(a, b, c, 2) / (1.0 - f * (a1 + b1))
    no_resp_by_2 = 1.0 - f * (1.0 - q1 * q)
    t4 = f * q1 * q * remit_from_none(a, b, c, INDUCTION - 2) / no_resp_by_2
    t6 = f * (a1 + b1 * remit_from_responder(c, INDUCTION - 1) +
              q1 * remit_from_none(a, b, c, INDUCTION - 1))
    return (t1, t2, t3, t4, t6)


def solve(c, guess):
    """Newton's method on (f, a1, b1, a, b) with c fixed; numeric Jacobian,
    Gaussian elimination with partial pivoting."""
    x = list(guess)
    for _ in range(100):
        fx = [t - g for t, g in zip(targets(x + [c]), TARGETS)]
        if max(abs(v) for v in fx) < 1e-14:
            return x
        jac = []
        for i in range(5):
            h = 1e-7
            xp = list(x)
            xp[i] += h
            fp = [t - g for t, g in zip(targets(xp + [c]), TARGETS)]
            jac.append([(fp[r] - fx[r]) / h for r in range(5)])
        # jac[i][r] = d f_r / d x_i; build the matrix rows r, columns i
        m = [[jac[i][r] for i in range(5)] + [-fx[r]] for r in range(5)]
        for col in range(5):
            piv = max(range(col, 5), key=lambda r: abs(m[r][col]))
            m[col], m[piv] = m[piv], m[col]
            for r in range(col + 1, 5):
                k = m[r][col] / m[col][col]
                for cc in range(col, 6):
                    m[r][cc] -= k * m[col][cc]
        dx = [0.0] * 5
        for r in range(4, -1, -1):
            s = m[r][5] - sum(m[r][cc] * dx[cc] for cc in range(r + 1, 5))
            dx[r] = s / m[r][r]
        x = [xi + d for xi, d in zip(x, dx)]
    raise RuntimeError("Newton did not converge for c = %g" % c)


def round_sig(v, digits=4):
    if v == 0:
        return 0.0
    e = math.floor(math.log10(abs(v)))
    return round(v, digits - 1 - e)


def valid(p):
    f, a1, b1, a, b, c = p
    return (0 <= f <= 1 and min(a1, b1, a, b, c) >= 0 and a1 + b1 <= 1
            and a + b <= 1 and c <= 1)


def main():
    guess = [0.69, 0.16, 0.14, 0.5, 0.28]
    names = ("responsive_fraction", "p_remit_first", "p_respond_first",
             "p_remit_next", "p_respond_next", "p_remit_after_response")
    print("The family of exact solutions (c = p_remit_after_response):")
    print("     c        f       a1       b1        a        b  valid")
    start = solve(RULE_C, guess)
    for i in range(0, 21):
        c = 0.03 + 0.01 * i
        try:
            x = solve(c, start)
        except (RuntimeError, ZeroDivisionError):
            print("  %.3f  (Newton does not converge here)" % c)
            continue
        p = x + [c]
        print("  %.3f  " % c + "  ".join("%7.4f" % v for v in x) +
              ("  yes" if valid(p) else "  no"))
    print("(valid: every probability in [0, 1]; the family is valid for c "
          "in about 0.032 .. 0.221)")

    x = solve(RULE_C, guess)
    exact = x + [RULE_C]
    rounded = [round_sig(v) for v in exact]
    print()
    print("Rule: p_remit_after_response = %.2f; exact solution and defaults "
          "(4 significant digits):" % RULE_C)
    for n, e, r in zip(names, exact, rounded):
        print("  %-24s %.10f  -> %s" % (n, e, repr(r)))
    print()
    print("Targets reproduced by the rounded defaults:")
    for n, t, v in zip(NAMES, TARGETS, targets(rounded)):
        print("  %-40s target %.3f  model %.6f  (diff %+.6f)" %
              (n, t, v, v - t))
    print("  %-40s target %.3f  model %.3f  (a parameter)" %
          ("relapse_within_28d_without_maintenance", 0.70, 0.70))
    f, a1, b1, a, b, c = rounded
    print()
    print("Other quantities of the defaults:")
    print("  response at infusion 1            %.6f" % (f * (a1 + b1)))
    q1, q = 1 - a1 - b1, 1 - a - b
    print("  response by end of induction      %.6f" %
          (f * (1 - q1 * q ** (INDUCTION - 1))))


if __name__ == "__main__":
    main()
