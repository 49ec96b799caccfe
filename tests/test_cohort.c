/*
 * test_cohort.c - the cohort Monte Carlo (lib/cohort.c, docs/cohort.md).
 *
 * No expected value here was copied from the library's output:
 *  - expectations come from an independent computation in this file: the
 *    induction Markov chain enumerated forward in long double, the
 *    durability distribution P(D = d) = S(d - 1) - S(d) with
 *    S(x) = (1 - relapse_28d)^(x / 28), and a direct walk over the plan's
 *    sessions for every d;
 *  - simulated counts must lie within 5 binomial standard errors of those
 *    expectations (plus 3 counts, for bins whose expectation is so small
 *    that the normal approximation fails); conditional rates within
 *    5 x sqrt(p (1 - p) / denominator). All seeds are fixed, so the runs
 *    are reproducible; the tolerance says how unlikely a failure of a
 *    correct implementation would be (about 6e-7 per comparison);
 *  - hand-worked cases (everybody remits, nobody responds, futility,
 *    relapse weeks, dose rounding, chair time, days followed) have their
 *    arithmetic next to them;
 *  - the documented draw layout is re-derived per patient from
 *    infuse_philox4x32 directly.
 */
#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infuse.h>

#define N_ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int32_t D(int y, int m, int d) {
  int32_t out = 0;
  int rc = infuse_date_from_ymd(y, m, d, &out);
  ck_assert_msg(rc == INFUSE_OK, "date %d-%d-%d: %d", y, m, d, rc);
  return out;
}

/* ---- plans and options ----------------------------------------------------- */

typedef struct plan {
  infuse_session_t s[INFUSE_MAX_SESSIONS + 1];
  size_t n;
  int32_t m;   /* induction sessions */
  int32_t end; /* first session + horizon months (exclusive) */
  int32_t months;
} plan_t;

static void plan_finish(plan_t *p, int32_t months) {
  p->m = 0;
  while ((size_t)p->m < p->n && p->s[p->m].phase == INFUSE_PHASE_INDUCTION) {
    p->m++;
  }
  p->months = months;
  /* as the planner: past 9999-12-31 the calendar's end is the horizon */
  if (infuse_date_add_months(p->s[0].date, months, &p->end) != INFUSE_OK) {
    p->end = INFUSE_DATE_MAX + 1;
  }
}

static void make_plan(plan_t *p, int32_t start, int32_t induction,
                      int32_t per_week, infuse_maintenance_t maint,
                      int32_t months, const int32_t *closed, int n_closed) {
  infuse_course_options_t co;
  ck_assert_int_eq(infuse_course_init(&co, start), INFUSE_OK);
  co.induction_count = induction;
  co.per_week = per_week;
  co.maintenance = maint;
  co.horizon_months = months;
  co.n_closed = n_closed;
  for (int i = 0; i < n_closed; i++) {
    co.closed[i] = closed[i];
  }
  memset(p, 0, sizeof *p);
  ck_assert_int_eq(
      infuse_course_plan(&co, p->s, INFUSE_MAX_SESSIONS, &p->n, NULL),
      INFUSE_OK);
  plan_finish(p, months);
}

/* The default course: Monday 2027-01-04, 6 x 3 per week, taper, 12 months. */
static void default_plan(plan_t *p) {
  make_plan(p, D(2027, 1, 4), 6, 3, INFUSE_MAINTENANCE_TAPER, 12, NULL, 0);
}

static infuse_cohort_options_t options(uint64_t seed, uint64_t n) {
  infuse_cohort_options_t o;
  memset(&o, 0, sizeof o);
  o.struct_size = sizeof o;
  ck_assert_int_eq(infuse_cohort_init(&o, seed, n), INFUSE_OK);
  return o;
}

static void set_model(infuse_cohort_options_t *o, double f, double a1,
                      double b1, double a, double b, double c, double rel) {
  o->model.responsive_fraction = f;
  o->model.p_remit_first = a1;
  o->model.p_respond_first = b1;
  o->model.p_remit_next = a;
  o->model.p_respond_next = b;
  o->model.p_remit_after_response = c;
  o->model.relapse_28d = rel;
}

static void run(const infuse_cohort_options_t *o, const plan_t *p,
                infuse_cohort_counts_t *c) {
  memset(c, 0, sizeof *c);
  c->struct_size = sizeof *c;
  infuse_diag_t diag;
  int rc = infuse_cohort_run(o, p->s, p->n, c, &diag);
  ck_assert_msg(rc == INFUSE_OK, "run: %d %s", rc, diag.message);
}

/* Everything but struct_size and its padding: from fingerprint on, the
 * struct is int64/uint64 only. */
static int counts_cmp(const infuse_cohort_counts_t *a,
                      const infuse_cohort_counts_t *b) {
  size_t off = offsetof(infuse_cohort_counts_t, fingerprint);
  return memcmp((const char *)a + off, (const char *)b + off,
                sizeof *a - off);
}

/* ---- the independent expectation ------------------------------------------------ */

typedef struct expect {
  /* per patient: probabilities of the indicator counts */
  long double responsive, response_at_1, response_by_3, rem3_r1, no_r1,
      rem3_nr1, no_r2, rem_nr2, responders, remitters, futility, untreated28,
      relapses;
  long double first_response[INFUSE_COHORT_INFUSIONS];
  long double relapse_week[INFUSE_COHORT_WEEKS];
  /* per patient: first and second moments of the other counts */
  long double ind_mean, ind_sq, maint_mean, maint_sq, inf_mean, inf_sq;
  long double dose_mean, dose_sq; /* one infusion, ug */
  int64_t days;                   /* followed, exact */
} expect_t;

/* Walk the plan for a responder with durability d: maintenance infusions
 * given and whether (and when, in days after the end of induction) the
 * patient relapses before the horizon end. */
static int walk(const plan_t *p, int64_t d, int32_t *maint, int64_t *rel) {
  int32_t end_induction = p->s[p->m - 1].date;
  int64_t last = end_induction;
  int32_t given = 0;
  for (size_t j = (size_t)p->m; j < p->n; j++) {
    if (p->s[j].date - last > d) {
      *maint = given;
      *rel = last + d - end_induction;
      return 1;
    }
    last = p->s[j].date;
    given++;
  }
  *maint = given;
  if (last + d < p->end) {
    *rel = last + d - end_induction;
    return 1;
  }
  return 0;
}

static void expect_compute(const infuse_cohort_options_t *o, const plan_t *p,
                           expect_t *e) {
  memset(e, 0, sizeof *e);
  const infuse_cohort_model_t *md = &o->model;
  long double f = md->responsive_fraction;
  long double a1 = md->p_remit_first, b1 = md->p_respond_first;
  long double a = md->p_remit_next, b = md->p_respond_next;
  long double c = md->p_remit_after_response;
  int32_t m = p->m;
  /* futility_after = m stops nobody early: the induction ends there anyway */
  int32_t cut =
      o->futility_after > 0 && o->futility_after < m ? o->futility_after : 0;

  /* forward probabilities of (first response, remission) among the
   * responsive; 0 = not (yet), k = at infusion k */
  static long double cur[13][13], nxt[13][13];
  memset(cur, 0, sizeof cur);
  cur[0][0] = 1.0L;
  long double stopped = 0.0L;
  for (int k = 1; k <= m; k++) {
    memset(nxt, 0, sizeof nxt);
    for (int fr = 0; fr <= 12; fr++) {
      for (int rm = 0; rm <= 12; rm++) {
        long double q = cur[fr][rm];
        if (q == 0.0L) {
          continue;
        }
        if (fr == 0) {
          long double pa = k == 1 ? a1 : a, pb = k == 1 ? b1 : b;
          nxt[k][k] += q * pa;
          nxt[k][0] += q * pb;
          long double none = q * (1.0L - pa - pb);
          if (k == cut) {
            stopped += none;
          } else {
            nxt[0][0] += none;
          }
        } else if (rm == 0) {
          nxt[fr][k] += q * c;
          nxt[fr][0] += q * (1.0L - c);
        } else {
          nxt[fr][rm] += q;
        }
      }
    }
    memcpy(cur, nxt, sizeof cur);
  }
  cur[0][0] += stopped;
  static long double full[13][13];
  for (int fr = 0; fr <= 12; fr++) {
    for (int rm = 0; rm <= 12; rm++) {
      full[fr][rm] = f * cur[fr][rm];
    }
  }
  full[0][0] += 1.0L - f;
  e->responsive = f;
  e->futility = f * stopped + (cut > 0 ? 1.0L - f : 0.0L);
  for (int fr = 0; fr <= 12; fr++) {
    for (int rm = 0; rm <= 12; rm++) {
      long double q = full[fr][rm];
      int remit3 = rm >= 1 && rm <= 3;
      if (fr >= 1) {
        e->first_response[fr - 1] += q;
        e->responders += q;
      }
      if (rm >= 1) {
        e->remitters += q;
      }
      if (fr >= 1 && fr <= 3) {
        e->response_by_3 += q;
      }
      if (fr == 1) {
        e->response_at_1 += q;
        e->rem3_r1 += remit3 ? q : 0.0L;
      } else {
        e->no_r1 += q;
        e->rem3_nr1 += remit3 ? q : 0.0L;
      }
      if (fr == 0 || fr > 2) {
        e->no_r2 += q;
        e->rem_nr2 += rm >= 1 ? q : 0.0L;
      }
    }
  }
  long double R = e->responders;
  /* induction infusions: cut for a futility stop, else m */
  e->ind_mean = (long double)m - e->futility * (long double)(m - cut);
  e->ind_sq = e->futility * (long double)cut * cut +
              (1.0L - e->futility) * (long double)m * m;

  /* durability: P(D <= d) = 1 - S(d) */
  long double keep = 1.0L - (long double)md->relapse_28d;
  int64_t dmax = p->end - p->s[0].date; /* no gap is longer */
  long double ms = 0, ms2 = 0, is2 = 0;
  int32_t n_maint = (int32_t)p->n - m;
  for (int64_t d = 1; d <= dmax; d++) {
    long double pd = powl(keep, (long double)(d - 1) / 28.0L) -
                     powl(keep, (long double)d / 28.0L);
    int32_t given;
    int64_t rel = 0;
    if (walk(p, d, &given, &rel)) {
      e->relapses += R * pd;
      ck_assert_int_lt(rel / 7, INFUSE_COHORT_WEEKS);
      e->relapse_week[rel / 7] += R * pd;
    }
    ms += pd * given;
    ms2 += pd * (long double)given * given;
    is2 += pd * (long double)(m + given) * (m + given);
  }
  long double tail = powl(keep, (long double)dmax / 28.0L);
  ms += tail * n_maint;
  ms2 += tail * (long double)n_maint * n_maint;
  is2 += tail * (long double)(m + n_maint) * (m + n_maint);
  e->untreated28 = R * (1.0L - keep); /* S(28) = 1 - relapse_28d */
  e->maint_mean = R * ms;
  e->maint_sq = R * ms2;
  e->inf_mean = e->ind_mean + e->maint_mean;
  /* responders never stop early: m + maintenance; others m or cut */
  e->inf_sq = R * is2 + e->futility * (long double)cut * cut +
              (1.0L - R - e->futility) * (long double)m * m;
  /* one infusion's dose: dose/kg x log-normal weight (rounding averages
   * out; its bias is far below the tolerance) */
  long double s2 = log1pl((long double)o->weight_cv * o->weight_cv);
  long double base = (long double)o->dose_ug_per_kg * o->weight_median_kg;
  e->dose_mean = base * expl(s2 / 2.0L);
  e->dose_sq = base * base * expl(2.0L * s2);
  e->days = p->end - p->s[0].date;
}

/* ---- comparisons ------------------------------------------------------------ */

static void near_count(const char *set, const char *what, int64_t got,
                       long double mean, long double var, uint64_t n) {
  long double want = mean * (long double)n;
  long double sd = sqrtl((var > 0 ? var : 0) * (long double)n);
  long double tol = 5.0L * sd + 3.0L;
  ck_assert_msg(fabsl((long double)got - want) <= tol,
                "%s: %s = %lld, expected %.3Lf +- %.3Lf", set, what,
                (long long)got, want, tol);
}

static void near_binary(const char *set, const char *what, int64_t got,
                        long double p, uint64_t n) {
  near_count(set, what, got, p, p * (1.0L - p), n);
}

static void near_rate(const char *set, const char *what, double got,
                      int64_t den, long double p) {
  ck_assert_msg(den > 0, "%s: %s has no denominator", set, what);
  long double tol = 5.0L * sqrtl(p * (1.0L - p) / (long double)den) +
                    3.0L / (long double)den;
  ck_assert_msg(fabsl((long double)got - p) <= tol,
                "%s: %s = %.6f, expected %.6Lf +- %.6Lf", set, what, got, p,
                tol);
}

static void check_against(const char *set, const infuse_cohort_options_t *o,
                          const plan_t *p, const infuse_cohort_counts_t *c) {
  expect_t e;
  expect_compute(o, p, &e);
  uint64_t n = o->n_patients;
  ck_assert_uint_eq(c->patients, n);
  ck_assert_int_eq(c->patient_days, (int64_t)n * e.days);
  near_binary(set, "responsive", c->responsive, e.responsive, n);
  near_binary(set, "response_at_1", c->response_at_1, e.response_at_1, n);
  near_binary(set, "response_by_3", c->response_by_3, e.response_by_3, n);
  near_binary(set, "remission_by_3_after_response_at_1",
              c->remission_by_3_after_response_at_1, e.rem3_r1, n);
  near_binary(set, "no_response_at_1", c->no_response_at_1, e.no_r1, n);
  near_binary(set, "remission_by_3_after_no_response_at_1",
              c->remission_by_3_after_no_response_at_1, e.rem3_nr1, n);
  near_binary(set, "no_response_by_2", c->no_response_by_2, e.no_r2, n);
  near_binary(set, "remission_after_no_response_by_2",
              c->remission_after_no_response_by_2, e.rem_nr2, n);
  near_binary(set, "responders", c->responders, e.responders, n);
  near_binary(set, "remitters", c->remitters, e.remitters, n);
  near_binary(set, "futility_stops", c->futility_stops, e.futility, n);
  near_binary(set, "relapse_28d_untreated", c->relapse_28d_untreated,
              e.untreated28, n);
  near_binary(set, "relapses", c->relapses, e.relapses, n);
  char name[64];
  for (int k = 0; k < INFUSE_COHORT_INFUSIONS; k++) {
    snprintf(name, sizeof name, "first_response[%d]", k);
    near_binary(set, name, c->first_response[k], e.first_response[k], n);
  }
  int64_t week_sum = 0;
  for (int w = 0; w < INFUSE_COHORT_WEEKS; w++) {
    snprintf(name, sizeof name, "relapse_week[%d]", w);
    near_binary(set, name, c->relapse_week[w], e.relapse_week[w], n);
    week_sum += c->relapse_week[w];
  }
  ck_assert_int_eq(week_sum, c->relapses);
  near_count(set, "induction_infusions", c->induction_infusions, e.ind_mean,
             e.ind_sq - e.ind_mean * e.ind_mean, n);
  near_count(set, "maintenance_infusions", c->maintenance_infusions,
             e.maint_mean, e.maint_sq - e.maint_mean * e.maint_mean, n);
  near_count(set, "infusions", c->infusions, e.inf_mean,
             e.inf_sq - e.inf_mean * e.inf_mean, n);
  ck_assert_int_eq(c->infusions,
                   c->induction_infusions + c->maintenance_infusions);
  /* drug = dose x infusions, independent factors */
  long double dm = e.dose_mean * e.inf_mean;
  long double dsq = e.dose_sq * e.inf_sq;
  near_count(set, "drug_ug", c->drug_ug, dm, dsq - dm * dm, n);
  ck_assert_int_eq(c->chair_minutes,
                   c->infusions * (o->duration_min + o->observation_min));

  /* the target rates, conditional standard errors */
  infuse_cohort_rates_t r;
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_cohort_rates(c, &r), INFUSE_OK);
  near_rate(set, "response_by_infusion_3", r.response_by_infusion_3,
            (int64_t)n, e.response_by_3);
  if (e.response_at_1 > 0) {
    near_rate(set, "remission_by_3_given_response_at_1",
              r.remission_by_3_given_response_at_1, c->response_at_1,
              e.rem3_r1 / e.response_at_1);
  }
  near_rate(set, "remission_by_3_given_no_response_at_1",
            r.remission_by_3_given_no_response_at_1, c->no_response_at_1,
            e.rem3_nr1 / e.no_r1);
  if (e.no_r2 > 0) {
    near_rate(set, "remission_given_no_response_by_2",
              r.remission_given_no_response_by_2, c->no_response_by_2,
              e.rem_nr2 / e.no_r2);
  } else {
    ck_assert_int_eq(c->no_response_by_2, 0);
    ck_assert(isnan(r.remission_given_no_response_by_2));
  }
  near_rate(set, "relapse_within_28d_without_maintenance",
            r.relapse_within_28d_without_maintenance, c->responders,
            e.untreated28 / e.responders);
  near_rate(set, "remission_end_of_induction", r.remission_end_of_induction,
            (int64_t)n, e.remitters);
  near_rate(set, "relapse_in_horizon", r.relapse_in_horizon, c->responders,
            e.relapses / e.responders);
}

/* =========================================================================
 * 1. Exact expectations against large simulations
 * ======================================================================= */

START_TEST(defaults_match_exact_expectation) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(20261127u, 200000u);
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  check_against("defaults", &o, &p, &c);
}
END_TEST

START_TEST(twice_weekly_weekly_futility) {
  /* 8 infusions twice a week, then weekly, 6 months; futility after 3 */
  static plan_t p;
  make_plan(&p, D(2027, 3, 3), 8, 2, INFUSE_MAINTENANCE_WEEKLY, 6, NULL, 0);
  infuse_cohort_options_t o = options(7u, 100000u);
  o.horizon_months = 6;
  set_model(&o, 0.5, 0.3, 0.2, 0.25, 0.15, 0.4, 0.5);
  o.futility_after = 3;
  o.dose_ug_per_kg = 200;
  o.duration_min = 100;
  o.observation_min = 30;
  o.weight_median_kg = 70.0;
  o.weight_cv = 0.35;
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  ck_assert_int_gt(c.futility_stops, 0);
  check_against("twice weekly", &o, &p, &c);
}
END_TEST

START_TEST(no_maintenance_futility_1) {
  /* 4 infusions, no maintenance, 3 months; futility after the first */
  static plan_t p;
  make_plan(&p, D(2027, 5, 12), 4, 3, INFUSE_MAINTENANCE_NONE, 3, NULL, 0);
  infuse_cohort_options_t o = options(UINT64_C(0xfeedface12345678), 100000u);
  o.first_patient = UINT64_C(1) << 40; /* the high counter word */
  o.horizon_months = 3;
  set_model(&o, 0.9, 0.05, 0.6, 0.1, 0.3, 0.05, 0.95);
  o.futility_after = 1;
  o.weight_cv = 0.0;
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  ck_assert_int_eq(c.maintenance_infusions, 0);
  check_against("no maintenance", &o, &p, &c);
}
END_TEST

START_TEST(twelve_infusions_holidays_five_years) {
  /* 12 induction infusions over the holidays, taper over 60 months: the
   * longest horizon, irregular gaps from the closures */
  static plan_t p;
  const int32_t closed[] = {D(2026, 12, 24), D(2026, 12, 25), D(2026, 12, 28),
                            D(2026, 12, 29), D(2026, 12, 31), D(2027, 1, 1),
                            D(2027, 2, 15),  D(2027, 2, 16),  D(2027, 2, 17)};
  make_plan(&p, D(2026, 12, 14), 12, 3, INFUSE_MAINTENANCE_TAPER, 60, closed,
            N_ROWS(closed));
  infuse_cohort_options_t o = options(99u, 60000u);
  o.horizon_months = 60;
  /* p_remit_next + p_respond_next = 1 (allowed), c = 1 */
  set_model(&o, 1.0, 0.0, 0.1, 0.6, 0.4, 1.0, 0.3);
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  check_against("five years", &o, &p, &c);
  /* every responsive patient responds by infusion 2, so responders = n */
  ck_assert_int_eq(c.responders, (int64_t)o.n_patients);
}
END_TEST

START_TEST(calibrated_review_figures) {
  /* 2. The defaults reproduce the review's figures (CLINICAL.md 5) in
   * expectation under the default plan, to the rounding of the defaults;
   * and the simulation reproduces them within its tolerance. */
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(424242u, 200000u);
  ck_assert_int_eq(o.futility_after, 0);
  ck_assert_int_eq(p.m, 6);
  expect_t e;
  expect_compute(&o, &p, &e);
  const long double eps = 0.002L;
  long double t1 = e.response_by_3;
  long double t2 = e.rem3_r1 / e.response_at_1;
  long double t3 = e.rem3_nr1 / e.no_r1;
  long double t4 = e.rem_nr2 / e.no_r2;
  long double t5 = e.untreated28 / e.responders;
  long double t6 = e.remitters;
  ck_assert_msg(fabsl(t1 - 0.67L) < eps, "response by 3: %.5Lf", t1);
  ck_assert_msg(fabsl(t2 - 0.66L) < eps, "remission | response at 1: %.5Lf",
                t2);
  ck_assert_msg(fabsl(t3 - 0.40L) < eps,
                "remission | no response at 1: %.5Lf", t3);
  ck_assert_msg(fabsl(t4 - 0.20L) < eps,
                "remission | no response by 2: %.5Lf", t4);
  ck_assert_msg(fabsl(t5 - 0.70L) < 1e-12L, "relapse 28 d: %.5Lf", t5);
  ck_assert_msg(t6 >= 0.52L && t6 <= 0.59L && fabsl(t6 - 0.555L) < eps,
                "remission at the end of induction: %.5Lf", t6);

  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  infuse_cohort_rates_t r;
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_cohort_rates(&c, &r), INFUSE_OK);
  /* review figure within 5 conditional standard errors + the rounding */
  struct {
    const char *what;
    double got;
    long double target;
    int64_t den;
  } rows[] = {
      {"response_by_infusion_3", r.response_by_infusion_3, 0.67L,
       (int64_t)c.patients},
      {"remission_by_3_given_response_at_1",
       r.remission_by_3_given_response_at_1, 0.66L, c.response_at_1},
      {"remission_by_3_given_no_response_at_1",
       r.remission_by_3_given_no_response_at_1, 0.40L, c.no_response_at_1},
      {"remission_given_no_response_by_2", r.remission_given_no_response_by_2,
       0.20L, c.no_response_by_2},
      {"relapse_within_28d_without_maintenance",
       r.relapse_within_28d_without_maintenance, 0.70L, c.responders},
      {"remission_end_of_induction", r.remission_end_of_induction, 0.555L,
       (int64_t)c.patients},
  };
  for (int i = 0; i < N_ROWS(rows); i++) {
    long double p0 = rows[i].target;
    long double tol =
        5.0L * sqrtl(p0 * (1.0L - p0) / (long double)rows[i].den) + eps;
    ck_assert_msg(fabsl((long double)rows[i].got - p0) <= tol,
                  "%s: simulated %.5f, review %.3Lf +- %.5Lf", rows[i].what,
                  rows[i].got, p0, tol);
  }
}
END_TEST

START_TEST(defaults_values) {
  infuse_cohort_model_t m;
  m.struct_size = sizeof m;
  ck_assert_int_eq(infuse_cohort_model_init(&m), INFUSE_OK);
  ck_assert_uint_eq(m.struct_size, sizeof m);
  /* docs/cohort.md: the rule p_remit_after_response = 0.15 */
  ck_assert_double_eq(m.p_remit_after_response, 0.15);
  ck_assert_double_eq(m.relapse_28d, 0.70);
  ck_assert_double_eq(m.responsive_fraction, 0.694);
  ck_assert_double_eq(m.p_remit_first, 0.16);
  ck_assert_double_eq(m.p_respond_first, 0.1422);
  ck_assert_double_eq(m.p_remit_next, 0.4998);
  ck_assert_double_eq(m.p_respond_next, 0.2776);
  infuse_cohort_options_t o = options(5u, 77u);
  ck_assert_int_eq(memcmp(&o.model, &m, sizeof m), 0);
  ck_assert_uint_eq(o.seed, 5u);
  ck_assert_uint_eq(o.first_patient, 0u);
  ck_assert_uint_eq(o.n_patients, 77u);
  ck_assert_int_eq(o.futility_after, 0);
  ck_assert_int_eq(o.dose_ug_per_kg, 500);
  ck_assert_int_eq(o.duration_min, 40);
  ck_assert_int_eq(o.observation_min, 60);
  ck_assert_double_eq(o.weight_median_kg, 80.0);
  ck_assert_double_eq(o.weight_cv, 0.2);
  ck_assert_int_eq(o.horizon_months, 12);
}
END_TEST

START_TEST(init_errors) {
  infuse_cohort_model_t m, snap_m;
  memset(&m, 0xA5, sizeof m);
  memcpy(&snap_m, &m, sizeof m);
  ck_assert_int_eq(infuse_cohort_model_init(&m), INFUSE_E_STRUCT_SIZE);
  ck_assert_int_eq(memcmp(&m, &snap_m, sizeof m), 0);
  ck_assert_int_eq(infuse_cohort_model_init(NULL), INFUSE_E_NULL);
  infuse_cohort_options_t o, snap_o;
  memset(&o, 0xA5, sizeof o);
  memcpy(&snap_o, &o, sizeof o);
  ck_assert_int_eq(infuse_cohort_init(&o, 1, 2), INFUSE_E_STRUCT_SIZE);
  ck_assert_int_eq(memcmp(&o, &snap_o, sizeof o), 0);
  ck_assert_int_eq(infuse_cohort_init(NULL, 1, 2), INFUSE_E_NULL);
}
END_TEST

/* =========================================================================
 * 3. Shards: the same patients, exact sums
 * ======================================================================= */

START_TEST(shard_invariance) {
  static plan_t p;
  default_plan(&p);
  const uint64_t N = 10007;
  infuse_cohort_options_t o = options(31337u, N);
  infuse_cohort_counts_t whole;
  run(&o, &p, &whole);
  ck_assert_int_gt(whole.relapses, 0);
  ck_assert_int_gt(whole.maintenance_infusions, 0);

  /* shards of odd sizes, one of them empty */
  const uint64_t cuts[] = {0, 1, 1000, 1000, 1001, 4567, 9999, N};
  enum { NS = N_ROWS(cuts) - 1 };
  infuse_cohort_counts_t part[NS];
  for (int i = 0; i < NS; i++) {
    infuse_cohort_options_t s = o;
    s.first_patient = cuts[i];
    s.n_patients = cuts[i + 1] - cuts[i];
    run(&s, &p, &part[i]);
    ck_assert_uint_eq(part[i].fingerprint, whole.fingerprint);
  }
  /* forward order, from an all-zero sum */
  infuse_cohort_counts_t fwd;
  memset(&fwd, 0, sizeof fwd);
  fwd.struct_size = sizeof fwd;
  for (int i = 0; i < NS; i++) {
    ck_assert_int_eq(infuse_cohort_merge(&fwd, &part[i], NULL), INFUSE_OK);
  }
  ck_assert_int_eq(counts_cmp(&fwd, &whole), 0);
  /* backward: each part goes right before the sum */
  infuse_cohort_counts_t back;
  memset(&back, 0, sizeof back);
  back.struct_size = sizeof back;
  for (int i = NS - 1; i >= 0; i--) {
    ck_assert_int_eq(infuse_cohort_merge(&back, &part[i], NULL), INFUSE_OK);
  }
  ck_assert_int_eq(counts_cmp(&back, &whole), 0);
  /* from the middle out, alternating sides: 3, 4, 2, 5, 1, 6, 0 */
  infuse_cohort_counts_t mid = part[3];
  const int order[] = {4, 2, 5, 1, 6, 0};
  for (int i = 0; i < N_ROWS(order); i++) {
    ck_assert_int_eq(infuse_cohort_merge(&mid, &part[order[i]], NULL),
                     INFUSE_OK);
  }
  ck_assert_int_eq(counts_cmp(&mid, &whole), 0);
  /* two halves merged as sums of sums */
  infuse_cohort_counts_t lo = part[0], hi = part[4];
  for (int i = 1; i < 4; i++) {
    ck_assert_int_eq(infuse_cohort_merge(&lo, &part[i], NULL), INFUSE_OK);
  }
  for (int i = 5; i < NS; i++) {
    ck_assert_int_eq(infuse_cohort_merge(&hi, &part[i], NULL), INFUSE_OK);
  }
  ck_assert_int_eq(infuse_cohort_merge(&hi, &lo, NULL), INFUSE_OK);
  ck_assert_int_eq(counts_cmp(&hi, &whole), 0);
  ck_assert_uint_eq(hi.first_patient, 0u);
  ck_assert_uint_eq(hi.patients, N);
}
END_TEST

START_TEST(same_seed_same_output) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(1u, 3000u);
  infuse_cohort_counts_t a, b, c;
  run(&o, &p, &a);
  run(&o, &p, &b);
  ck_assert_int_eq(counts_cmp(&a, &b), 0);
  o.seed = 2u;
  run(&o, &p, &c);
  ck_assert_uint_ne(c.fingerprint, a.fingerprint);
  ck_assert_int_ne(memcmp(c.relapse_week, a.relapse_week,
                          sizeof a.relapse_week),
                   0);
  ck_assert_int_ne(c.drug_ug, a.drug_ug);
}
END_TEST

START_TEST(fingerprint_covers_options) {
  static plan_t p, q;
  default_plan(&p);
  infuse_cohort_options_t o = options(11u, 10u);
  infuse_cohort_counts_t base, c;
  run(&o, &p, &base);
  /* the patient range does not change it */
  infuse_cohort_options_t s = o;
  s.first_patient = 123456789u;
  s.n_patients = 3u;
  run(&s, &p, &c);
  ck_assert_uint_eq(c.fingerprint, base.fingerprint);
  /* -0.0 is the same input as 0.0 */
  s = o;
  s.weight_cv = 0.0;
  run(&s, &p, &c);
  uint64_t zero = c.fingerprint;
  s.weight_cv = -0.0;
  run(&s, &p, &c);
  ck_assert_uint_eq(c.fingerprint, zero);
  /* a model value one ulp apart is another input (its bits are hashed,
   * nothing is rounded first) */
  s = o;
  s.model.relapse_28d = nextafter(o.model.relapse_28d, 1.0);
  run(&s, &p, &c);
  ck_assert_uint_ne(c.fingerprint, base.fingerprint);
  s = o;
  s.weight_cv = 0.0;
  run(&s, &p, &c);
  s.weight_cv = 4.9406564584124654e-324; /* the least subnormal */
  run(&s, &p, &base);
  ck_assert_uint_ne(c.fingerprint, base.fingerprint);
  run(&o, &p, &base);
  /* every option that shapes an outcome does */
  for (int i = 0; i < 17; i++) {
    s = o;
    switch (i) {
    case 0: s.model.responsive_fraction = 0.5; break;
    case 1: s.model.p_remit_first = 0.2; break;
    case 2: s.model.p_respond_first = 0.2; break;
    case 3: s.model.p_remit_next = 0.4; break;
    case 4: s.model.p_respond_next = 0.2; break;
    case 5: s.model.p_remit_after_response = 0.2; break;
    case 6: s.model.relapse_28d = 0.6; break;
    case 7: s.seed = 12u; break;
    case 8: s.futility_after = 3; break;
    case 9: s.dose_ug_per_kg = 400; break;
    case 10: s.duration_min = 100; break;
    case 11: s.observation_min = 30; break;
    case 12: s.weight_median_kg = 81.0; break;
    case 13: s.weight_cv = 0.25; break;
    case 14: s.horizon_months = 13; break;
    default: break;
    }
    if (i < 15) {
      run(&s, &p, &c);
    } else {
      /* the sessions: one date earlier; one phase different */
      memcpy(&q, &p, sizeof q);
      if (i == 15) {
        q.s[q.n - 1].date -= 1;
      } else {
        q.s[6].phase = INFUSE_PHASE_INDUCTION; /* 7 induction sessions */
      }
      run(&s, &q, &c);
    }
    ck_assert_msg(c.fingerprint != base.fingerprint, "option %d", i);
  }
}
END_TEST

static void check_merge_error(infuse_cohort_counts_t *sum,
                              const infuse_cohort_counts_t *part, int status,
                              const char *field) {
  infuse_cohort_counts_t snap = *sum;
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(infuse_cohort_merge(sum, part, &diag), status);
  ck_assert_int_eq(diag.status, status);
  ck_assert_str_eq(diag.field, field);
  ck_assert_int_eq(memcmp(sum, &snap, sizeof snap), 0);
  ck_assert_int_eq(infuse_cohort_merge(sum, part, NULL), status);
  ck_assert_int_eq(memcmp(sum, &snap, sizeof snap), 0);
}

START_TEST(merge_errors) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(8u, 100u);
  infuse_cohort_counts_t a, b, x;
  run(&o, &p, &a); /* [0, 100) */
  infuse_cohort_options_t s = o;
  s.first_patient = 100u;
  run(&s, &p, &b); /* [100, 200) */
  /* different options: fingerprints differ */
  s.seed = 9u;
  run(&s, &p, &x);
  check_merge_error(&a, &x, INFUSE_E_CONFLICT, "part.fingerprint");
  /* a gap: [0, 100) and [101, 201) */
  s = o;
  s.first_patient = 101u;
  run(&s, &p, &x);
  check_merge_error(&a, &x, INFUSE_E_CONFLICT, "part.first_patient");
  /* an overlap: [0, 100) and [50, 150) */
  s.first_patient = 50u;
  run(&s, &p, &x);
  check_merge_error(&a, &x, INFUSE_E_CONFLICT, "part.first_patient");
  /* the same part twice */
  check_merge_error(&a, &a, INFUSE_E_CONFLICT, "part.first_patient");
  /* overflow of a count */
  x = b;
  x.drug_ug = INT64_MAX - a.drug_ug + 1;
  check_merge_error(&a, &x, INFUSE_E_RANGE, "part.drug_ug");
  x = b;
  x.drug_ug = INT64_MAX - a.drug_ug; /* exactly INT64_MAX: fine */
  infuse_cohort_counts_t ok = a;
  ck_assert_int_eq(infuse_cohort_merge(&ok, &x, NULL), INFUSE_OK);
  ck_assert_int_eq(ok.drug_ug, INT64_MAX);
  x = b;
  x.relapse_week[261] = INT64_MAX;
  ok = a;
  ok.relapse_week[261] = 1;
  check_merge_error(&ok, &x, INFUSE_E_RANGE, "part.relapse_week");
  x = b;
  x.first_response[11] = INT64_MAX;
  ok = a;
  ok.first_response[11] = 1;
  check_merge_error(&ok, &x, INFUSE_E_RANGE, "part.first_response");
  /* a negative count is not a count */
  x = b;
  x.relapses = -1;
  check_merge_error(&a, &x, INFUSE_E_RANGE, "part.relapses");
  /* a range past the last patient index */
  x = b;
  x.patients = UINT64_MAX;
  check_merge_error(&a, &x, INFUSE_E_RANGE, "part.patients");
  /* struct sizes and NULL */
  x = b;
  x.struct_size = 8;
  check_merge_error(&a, &x, INFUSE_E_STRUCT_SIZE, "part.struct_size");
  ok = a;
  ok.struct_size = 0;
  check_merge_error(&ok, &b, INFUSE_E_STRUCT_SIZE, "sum.struct_size");
  check_merge_error(&a, NULL, INFUSE_E_NULL, "part");
  infuse_diag_t diag;
  ck_assert_int_eq(infuse_cohort_merge(NULL, &b, &diag), INFUSE_E_NULL);
  ck_assert_str_eq(diag.field, "sum");
  /* and the valid merge still works after all that */
  ck_assert_int_eq(infuse_cohort_merge(&a, &b, NULL), INFUSE_OK);
  ck_assert_uint_eq(a.patients, 200u);
}
END_TEST

/* =========================================================================
 * 4. Hand-worked cases
 * ======================================================================= */

START_TEST(everyone_remits_at_1) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(3u, 1000u);
  set_model(&o, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1e-12);
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  ck_assert_int_eq(c.responsive, 1000);
  ck_assert_int_eq(c.response_at_1, 1000);
  ck_assert_int_eq(c.first_response[0], 1000);
  ck_assert_int_eq(c.response_by_3, 1000);
  ck_assert_int_eq(c.remission_by_3_after_response_at_1, 1000);
  ck_assert_int_eq(c.no_response_at_1, 0);
  ck_assert_int_eq(c.remission_by_3_after_no_response_at_1, 0);
  ck_assert_int_eq(c.no_response_by_2, 0);
  ck_assert_int_eq(c.responders, 1000);
  ck_assert_int_eq(c.remitters, 1000);
  /* relapse_28d 1e-12: P(D <= 5 years) = 1 - (1 - 1e-12)^(1827/28), about
   * 6.5e-11 per patient: nobody relapses, everybody gets every session */
  ck_assert_int_eq(c.relapses, 0);
  ck_assert_int_eq(c.relapse_28d_untreated, 0);
  ck_assert_int_eq(c.induction_infusions, 6 * 1000);
  ck_assert_int_eq(c.maintenance_infusions, (int64_t)(p.n - 6) * 1000);
  ck_assert_int_eq(c.infusions, (int64_t)p.n * 1000);
}
END_TEST

START_TEST(nobody_responds) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(4u, 1000u);
  set_model(&o, 1.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.7);
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  ck_assert_int_eq(c.responsive, 1000);
  ck_assert_int_eq(c.responders, 0);
  ck_assert_int_eq(c.remitters, 0);
  ck_assert_int_eq(c.response_by_3, 0);
  ck_assert_int_eq(c.no_response_at_1, 1000);
  ck_assert_int_eq(c.no_response_by_2, 1000);
  ck_assert_int_eq(c.remission_after_no_response_by_2, 0);
  for (int k = 0; k < INFUSE_COHORT_INFUSIONS; k++) {
    ck_assert_int_eq(c.first_response[k], 0);
  }
  ck_assert_int_eq(c.maintenance_infusions, 0);
  ck_assert_int_eq(c.relapses, 0);
  ck_assert_int_eq(c.relapse_28d_untreated, 0);
  ck_assert_int_eq(c.induction_infusions, 6 * 1000);
  ck_assert_int_eq(c.infusions, 6 * 1000);
  /* the same with the non-responsive class */
  set_model(&o, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.7);
  run(&o, &p, &c);
  ck_assert_int_eq(c.responsive, 0);
  ck_assert_int_eq(c.responders, 0);
  ck_assert_int_eq(c.infusions, 6 * 1000);
}
END_TEST

START_TEST(futility_stops) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(5u, 1000u);
  infuse_cohort_counts_t c;
  /* nobody responsive, stop after 3: 3 infusions each */
  set_model(&o, 0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.7);
  o.futility_after = 3;
  run(&o, &p, &c);
  ck_assert_int_eq(c.futility_stops, 1000);
  ck_assert_int_eq(c.induction_infusions, 3 * 1000);
  ck_assert_int_eq(c.infusions, 3 * 1000);
  /* futility_after = induction count stops nobody early */
  o.futility_after = 6;
  run(&o, &p, &c);
  ck_assert_int_eq(c.futility_stops, 0);
  ck_assert_int_eq(c.infusions, 6 * 1000);
  /* everybody responds at infusion 2 exactly: after 1 they are stopped;
   * after 2 they are not */
  set_model(&o, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1e-12);
  o.futility_after = 1;
  run(&o, &p, &c);
  ck_assert_int_eq(c.futility_stops, 1000);
  ck_assert_int_eq(c.responders, 0);
  ck_assert_int_eq(c.infusions, 1000);
  o.futility_after = 2;
  run(&o, &p, &c);
  ck_assert_int_eq(c.futility_stops, 0);
  ck_assert_int_eq(c.responders, 1000);
  ck_assert_int_eq(c.first_response[1], 1000);
  ck_assert_int_eq(c.no_response_at_1, 1000);
  ck_assert_int_eq(c.no_response_by_2, 0);
  ck_assert_int_eq(c.infusions, (int64_t)p.n * 1000);
}
END_TEST

START_TEST(relapse_weeks_without_maintenance) {
  /* Everybody remits at infusion 1, no maintenance, relapse_28d = 0.75:
   * rate = -ln(0.25) / 28 = ln 2 / 14, so P(D <= d) = 1 - 2^(-d/14) for
   * whole d. The relapse comes D days after the last induction infusion,
   * in week floor(D / 7):
   *   week 0: D 1..6    1 - 2^(-6/14)             = 0.2570028554
   *   week 1: D 7..13   2^(-6/14) - 2^(-13/14)    = 0.2176188252
   *   week 2: D 14..20  2^(-13/14) - 2^(-20/14)   = 0.1538797471
   *   week 3: D 21..27  2^(-20/14) - 2^(-27/14)   = 0.1088094126
   *   D <= 28           1 - 2^(-2)                = 0.75 */
  static plan_t p;
  make_plan(&p, D(2027, 1, 4), 6, 3, INFUSE_MAINTENANCE_NONE, 12, NULL, 0);
  const uint64_t n = 100000;
  infuse_cohort_options_t o = options(6u, n);
  set_model(&o, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.75);
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  near_binary("weeks", "week 0", c.relapse_week[0], 0.2570028554L, n);
  near_binary("weeks", "week 1", c.relapse_week[1], 0.2176188252L, n);
  near_binary("weeks", "week 2", c.relapse_week[2], 0.1538797471L, n);
  near_binary("weeks", "week 3", c.relapse_week[3], 0.1088094126L, n);
  near_binary("weeks", "D <= 28", c.relapse_28d_untreated, 0.75L, n);
  /* the horizon ends 354 days after the end of induction (2027-01-15 to
   * 2028-01-04): P(D >= 354) = 2^(-353/14), about 3e-8 */
  ck_assert_int_eq(c.relapses, (int64_t)n);
  ck_assert_int_eq(c.maintenance_infusions, 0);
  ck_assert_int_eq(c.infusions, 6 * (int64_t)n);
  infuse_cohort_rates_t r;
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_cohort_rates(&c, &r), INFUSE_OK);
  ck_assert_double_eq(r.relapse_in_horizon, 1.0);
}
END_TEST

START_TEST(drug_by_hand) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(7u, 1000u);
  set_model(&o, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7); /* 6 infusions each */
  o.weight_cv = 0.0;
  o.weight_median_kg = 72.5;
  infuse_cohort_counts_t c;
  run(&o, &p, &c);
  /* 500 ug/kg x 72.5 kg = 36250 ug; x 6 x 1000 */
  ck_assert_int_eq(c.drug_ug, INT64_C(36250) * 6 * 1000);
  /* 101 x 72.5 = 7322.5: ties away from zero, 7323 */
  o.dose_ug_per_kg = 101;
  run(&o, &p, &c);
  ck_assert_int_eq(c.drug_ug, INT64_C(7323) * 6 * 1000);
  /* 333 x 70.3 = 23409.9 -> 23410 */
  o.dose_ug_per_kg = 333;
  o.weight_median_kg = 70.3;
  run(&o, &p, &c);
  ck_assert_int_eq(c.drug_ug, INT64_C(23410) * 6 * 1000);
  /* chair time: (40 + 60) min x 6000 infusions; then (100 + 0) */
  ck_assert_int_eq(c.chair_minutes, 100 * 6000);
  o.duration_min = 100;
  o.observation_min = 0;
  run(&o, &p, &c);
  ck_assert_int_eq(c.chair_minutes, 100 * 6000);
  o.duration_min = 1440;
  o.observation_min = 1440;
  run(&o, &p, &c);
  ck_assert_int_eq(c.chair_minutes, 2880 * 6000);
}
END_TEST

START_TEST(patient_days_by_hand) {
  static plan_t p;
  infuse_cohort_counts_t c;
  /* 2027-01-04 + 6 months = 2027-07-04: 31+28+31+30+31+30 = 181 days */
  make_plan(&p, D(2027, 1, 4), 6, 3, INFUSE_MAINTENANCE_TAPER, 6, NULL, 0);
  infuse_cohort_options_t o = options(8u, 10u);
  o.horizon_months = 6;
  run(&o, &p, &c);
  ck_assert_int_eq(c.patient_days, 181 * 10);
  /* a Saturday start snaps to Monday 2027-01-04: followed from there */
  make_plan(&p, D(2027, 1, 2), 6, 3, INFUSE_MAINTENANCE_TAPER, 6, NULL, 0);
  ck_assert_int_eq(p.s[0].date, D(2027, 1, 4));
  run(&o, &p, &c);
  ck_assert_int_eq(c.patient_days, 181 * 10);
  /* 12 months over a leap day: 2028-01-03 to 2029-01-03 = 366 days */
  make_plan(&p, D(2028, 1, 3), 6, 3, INFUSE_MAINTENANCE_NONE, 12, NULL, 0);
  o.horizon_months = 12;
  run(&o, &p, &c);
  ck_assert_int_eq(c.patient_days, 366 * 10);
  /* rates per patient-year (365.25 days): 60 infusions in 3660 days */
  infuse_cohort_rates_t r;
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_cohort_rates(&c, &r), INFUSE_OK);
  ck_assert_int_eq(c.infusions, 60);
  ck_assert_double_eq_tol(r.infusions_per_patient_year,
                          60.0 / (3660.0 / 365.25), 1e-12);
}
END_TEST

/* ---- the documented draw layout, patient by patient ---------------------- */

static uint32_t word(uint64_t seed, uint64_t patient, uint32_t block, int i) {
  const uint32_t ctr[4] = {(uint32_t)patient, (uint32_t)(patient >> 32),
                           block, 2u};
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  return infuse_philox4x32(ctr, key).v[i];
}

static double u32(uint32_t w) { return ((double)w + 0.5) / 4294967296.0; }

/* uniform number d: word d % 4 of block d / 4 */
static double uniform(uint64_t seed, uint64_t patient, int d) {
  return u32(word(seed, patient, (uint32_t)(d / 4), d % 4));
}

START_TEST(draw_layout_per_patient) {
  static plan_t p;
  default_plan(&p);
  const uint64_t seed = UINT64_C(0x0123456789abcdef);
  const uint64_t base = (UINT64_C(1) << 33) + 777;
  for (uint64_t i = 0; i < 300; i++) {
    uint64_t pt = base + i;
    infuse_cohort_options_t o = options(seed, 1u);
    o.first_patient = pt;
    set_model(&o, 0.6, 0.2, 0.3, 0.25, 0.3, 0.4, 0.9);
    o.weight_cv = 0.3;
    infuse_cohort_counts_t c;
    run(&o, &p, &c);
    /* class: uniform 0 */
    int responsive = uniform(seed, pt, 0) < 0.6;
    ck_assert_int_eq(c.responsive, responsive);
    /* induction: uniform 3 + k for infusion k */
    int first = 0, remit = 0;
    for (int k = 1; responsive && k <= 6 && remit == 0; k++) {
      double u = uniform(seed, pt, 3 + k);
      double pa = k == 1 ? 0.2 : 0.25, pb = 0.3;
      if (first == 0) {
        if (u < pa) {
          first = remit = k;
        } else if (u < pa + pb) {
          first = k;
        }
      } else if (u < 0.4) {
        remit = k;
      }
    }
    for (int k = 1; k <= 12; k++) {
      ck_assert_int_eq(c.first_response[k - 1], first == k);
    }
    ck_assert_int_eq(c.remitters, remit > 0);
    /* durability: uniform 3; D = ceil(-ln(1 - u) / rate) */
    int maint = 0;
    int64_t rel = -1;
    if (first > 0) {
      double rate = -log1p(-0.9) / 28.0;
      int64_t d = (int64_t)ceil(-log1p(-uniform(seed, pt, 3)) / rate);
      if (d < 1) {
        d = 1;
      }
      ck_assert_int_eq(c.relapse_28d_untreated, d <= 28);
      int32_t given;
      int64_t r = 0;
      if (walk(&p, d, &given, &r)) {
        rel = r;
      }
      maint = given;
    }
    ck_assert_int_eq(c.maintenance_infusions, maint);
    ck_assert_int_eq(c.relapses, rel >= 0);
    if (rel >= 0) {
      ck_assert_int_eq(c.relapse_week[rel / 7], 1);
    }
    /* weight: uniforms 1, 2; Box-Muller, log-normal, nearest ug */
    double z = sqrt(-2.0 * log1p(-uniform(seed, pt, 1))) *
               cos(6.283185307179586 * uniform(seed, pt, 2));
    double sigma = sqrt(log1p(0.3 * 0.3));
    int64_t dose = (int64_t)llround(500.0 * 80.0 * exp(sigma * z));
    ck_assert_int_eq(c.drug_ug, dose * c.infusions);
  }
}
END_TEST

START_TEST(hand_made_sessions) {
  /* Sessions written by hand: induction on days 0, 2, 4 from 2027-03-01,
   * maintenance on days 10, 20, 50; horizon 3 months (to 2027-06-01, day
   * 92). Gaps after induction: 6, 10, 30, then 42 to the horizon end. A
   * responder with D days of benefit: D <= 5 relapses at day 4 + D with
   * no maintenance infusion; 6..9 at day 10 + D after 1; 10..29 at 20 + D
   * after 2; 30..41 at 50 + D after 3; 42 and more never. */
  static plan_t p;
  memset(&p, 0, sizeof p);
  const int32_t day0 = D(2027, 3, 1);
  const int32_t days[] = {0, 2, 4, 10, 20, 50};
  for (int i = 0; i < 6; i++) {
    p.s[i].index = i + 1;
    p.s[i].date = day0 + days[i];
    p.s[i].phase = i < 3 ? INFUSE_PHASE_INDUCTION : INFUSE_PHASE_MAINTENANCE;
  }
  p.n = 6;
  plan_finish(&p, 3);
  ck_assert_int_eq(p.end - day0, 92);
  const uint64_t seed = 77;
  int seen[4] = {0, 0, 0, 0};
  for (uint64_t pt = 0; pt < 400; pt++) {
    infuse_cohort_options_t o = options(seed, 1u);
    o.first_patient = pt;
    o.horizon_months = 3;
    set_model(&o, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.8);
    infuse_cohort_counts_t c;
    run(&o, &p, &c);
    double rate = -log1p(-0.8) / 28.0;
    int64_t d = (int64_t)ceil(-log1p(-uniform(seed, pt, 3)) / rate);
    int64_t want_maint, rel_day; /* days after the end of induction */
    if (d <= 5) {
      want_maint = 0, rel_day = d;
    } else if (d <= 9) {
      want_maint = 1, rel_day = 6 + d;
    } else if (d <= 29) {
      want_maint = 2, rel_day = 16 + d;
    } else if (d <= 41) {
      want_maint = 3, rel_day = 46 + d;
    } else {
      want_maint = 3, rel_day = -1;
    }
    seen[want_maint]++;
    ck_assert_int_eq(c.maintenance_infusions, want_maint);
    ck_assert_int_eq(c.infusions, 3 + want_maint);
    ck_assert_int_eq(c.relapses, rel_day >= 0);
    if (rel_day >= 0) {
      ck_assert_int_eq(c.relapse_week[rel_day / 7], 1);
    }
    ck_assert_int_eq(c.patient_days, 92);
  }
  for (int i = 0; i < 4; i++) {
    ck_assert_int_gt(seen[i], 0); /* every branch was reached */
  }
}
END_TEST

START_TEST(rates_by_hand) {
  infuse_cohort_counts_t c;
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.patients = 200;
  c.patient_days = 73050; /* 200 patient-years */
  c.response_by_3 = 134;
  c.response_at_1 = 50;
  c.remission_by_3_after_response_at_1 = 33;
  c.no_response_at_1 = 150;
  c.remission_by_3_after_no_response_at_1 = 60;
  c.no_response_by_2 = 100;
  c.remission_after_no_response_by_2 = 20;
  c.responders = 140;
  c.remitters = 111;
  c.relapse_28d_untreated = 98;
  c.relapses = 70;
  c.infusions = 3600;
  c.drug_ug = 144000000;
  c.chair_minutes = 360000;
  infuse_cohort_rates_t r;
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_cohort_rates(&c, &r), INFUSE_OK);
  ck_assert_uint_eq(r.struct_size, sizeof r);
  ck_assert_double_eq_tol(r.response_by_infusion_3, 0.67, 1e-15);
  ck_assert_double_eq_tol(r.remission_by_3_given_response_at_1, 0.66, 1e-15);
  ck_assert_double_eq_tol(r.remission_by_3_given_no_response_at_1, 0.40,
                          1e-15);
  ck_assert_double_eq_tol(r.remission_given_no_response_by_2, 0.20, 1e-15);
  ck_assert_double_eq_tol(r.relapse_within_28d_without_maintenance, 0.70,
                          1e-15);
  ck_assert_double_eq_tol(r.response_end_of_induction, 0.70, 1e-15);
  ck_assert_double_eq_tol(r.remission_end_of_induction, 0.555, 1e-15);
  ck_assert_double_eq_tol(r.relapse_in_horizon, 0.5, 1e-15);
  ck_assert_double_eq_tol(r.infusions_per_patient_year, 18.0, 1e-12);
  ck_assert_double_eq_tol(r.drug_mg_per_patient_year, 720.0, 1e-9);
  ck_assert_double_eq_tol(r.chair_hours_per_patient_year, 30.0, 1e-12);
  /* zero denominators: NaN */
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  ck_assert_int_eq(infuse_cohort_rates(&c, &r), INFUSE_OK);
  ck_assert(isnan(r.response_by_infusion_3));
  ck_assert(isnan(r.remission_by_3_given_response_at_1));
  ck_assert(isnan(r.relapse_in_horizon));
  ck_assert(isnan(r.infusions_per_patient_year));
  ck_assert(isnan(r.drug_mg_per_patient_year));
  ck_assert(isnan(r.chair_hours_per_patient_year));
  /* errors: nothing written */
  infuse_cohort_rates_t snap;
  memset(&r, 0xA5, sizeof r);
  r.struct_size = sizeof r;
  snap = r;
  ck_assert_int_eq(infuse_cohort_rates(NULL, &r), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_cohort_rates(&c, NULL), INFUSE_E_NULL);
  c.struct_size = 4;
  ck_assert_int_eq(infuse_cohort_rates(&c, &r), INFUSE_E_STRUCT_SIZE);
  c.struct_size = sizeof c;
  r.struct_size = 4;
  snap.struct_size = 4;
  ck_assert_int_eq(infuse_cohort_rates(&c, &r), INFUSE_E_STRUCT_SIZE);
  ck_assert_int_eq(memcmp(&r, &snap, sizeof r), 0);
}
END_TEST

START_TEST(edges_accepted) {
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(9u, 50u);
  infuse_cohort_counts_t c;
  set_model(&o, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.999999);
  o.dose_ug_per_kg = 5000;
  o.duration_min = 1440;
  o.observation_min = 0;
  o.weight_median_kg = 300.0;
  o.weight_cv = 1.0;
  o.futility_after = 6;
  run(&o, &p, &c);
  ck_assert_int_eq(c.responders, 50);
  ck_assert_int_eq(c.remitters, 50); /* c = 1: remits at infusion 2 */
  /* exclusive outcomes may add up to 1 + 1e-9 (decimal rounding), that
   * sum included */
  const double half = 0.5;
  const double rest = (1.0 + 1e-9) - half;
  ck_assert(half + rest == 1.0 + 1e-9);
  set_model(&o, 1.0, half, rest, rest, half, 0.0, 0.5);
  run(&o, &p, &c);
  set_model(&o, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-300);
  o.dose_ug_per_kg = 1;
  o.duration_min = 1;
  o.observation_min = 1440;
  o.weight_median_kg = 20.0;
  o.weight_cv = 0.0;
  o.futility_after = 0;
  run(&o, &p, &c);
  ck_assert_int_eq(c.drug_ug, 20 * 6 * 50);
  /* zero patients: counts zero, the fingerprint set */
  o.n_patients = 0;
  o.first_patient = UINT64_MAX;
  run(&o, &p, &c);
  ck_assert_uint_eq(c.patients, 0u);
  ck_assert_int_eq(c.infusions, 0);
  ck_assert_uint_ne(c.fingerprint, 0u);
  /* the last patient a range can hold: first + n <= 2^64 - 1 */
  o.n_patients = 1;
  o.first_patient = UINT64_MAX - 1;
  run(&o, &p, &c);
  ck_assert_uint_eq(c.patients, 1u);
  /* a horizon past the calendar's end: followed to 9999-12-31, as the
   * planner plans (one session, 9999-12-01) */
  static plan_t z;
  make_plan(&z, D(9999, 12, 1), 1, 3, INFUSE_MAINTENANCE_NONE, 1, NULL, 0);
  ck_assert_uint_eq(z.n, 1u);
  o = options(9u, 7u);
  o.horizon_months = 1;
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  ck_assert_int_eq(infuse_cohort_run(&o, z.s, z.n, &c, NULL), INFUSE_OK);
  ck_assert_int_eq(c.patient_days, 31 * 7); /* 9999-12-01 .. 9999-12-31 */
  /* a tiny dose: the days followed (31) are the largest per-patient
   * amount (dose 1 ug/kg x 20 kg = 20 ug, chair 1 min); 2^62 x 31 would
   * pass 2^63 - 1 */
  o.dose_ug_per_kg = 1;
  o.weight_median_kg = 20.0;
  o.weight_cv = 0.0;
  o.duration_min = 1;
  o.observation_min = 0;
  o.n_patients = UINT64_C(1) << 62;
  ck_assert_int_eq(infuse_cohort_run(&o, z.s, z.n, &c, NULL), INFUSE_E_RANGE);
  ck_assert_int_eq(c.patient_days, 31 * 7); /* untouched */
  o.duration_min = 1440; /* now chair time (2880 min) is the largest */
  o.observation_min = 1440;
  ck_assert_int_eq(infuse_cohort_run(&o, z.s, z.n, &c, NULL), INFUSE_E_RANGE);
  o.n_patients = 0;
  ck_assert_int_eq(infuse_cohort_run(&o, z.s, z.n, &c, NULL), INFUSE_OK);
  /* horizon 1 month: one induction session plan */
  static plan_t q;
  make_plan(&q, D(2027, 1, 4), 1, 3, INFUSE_MAINTENANCE_WEEKLY, 1, NULL, 0);
  o = options(9u, 50u);
  o.horizon_months = 1;
  run(&o, &q, &c);
  ck_assert_int_eq(c.patient_days, 31 * 50);
}
END_TEST

/* =========================================================================
 * 5. Errors: the right field, nothing written
 * ======================================================================= */

typedef enum bad_kind {
  K_RESPONSIVE, K_REMIT1, K_RESPOND1, K_REMIT_NEXT, K_RESPOND_NEXT, K_AFTER,
  K_RELAPSE, K_SUM_FIRST, K_SUM_NEXT, K_DOSE, K_DURATION, K_OBSERVATION,
  K_WEIGHT, K_CV, K_FUTILITY, K_HORIZON, K_FIRST_OVERFLOW, K_TOO_MANY,
  K_OPT_SIZE, K_MODEL_SIZE, K_OUT_SIZE, K_NULL_OPT, K_NULL_SESSIONS,
  K_NULL_OUT, K_NO_SESSIONS, K_SESSION_COUNT, K_INDEX, K_SAME_DATE,
  K_EARLIER_DATE, K_INDUCTION_AFTER, K_PHASE, K_ALL_MAINTENANCE,
  K_INDUCTION_13, K_AFTER_HORIZON, K_DATE_RANGE
} bad_kind_t;

typedef struct bad {
  bad_kind_t kind;
  double v;
  int status;
  const char *field;
  const char *value; /* the diag's value text, or NULL: not checked */
} bad_t;

static const bad_t bad_rows[] = {
    {K_RESPONSIVE, -0.1, INFUSE_E_RANGE, "cohort.model.responsive_fraction",
     "-0.1"},
    {K_RESPONSIVE, 1.1, INFUSE_E_RANGE, "cohort.model.responsive_fraction",
     "1.1"},
    {K_RESPONSIVE, NAN, INFUSE_E_RANGE, "cohort.model.responsive_fraction",
     "nan"},
    {K_REMIT1, 1.5, INFUSE_E_RANGE, "cohort.model.p_remit_first", "1.5"},
    /* just above 1: refused as a probability, before the sum is looked at */
    {K_REMIT1, 1.05, INFUSE_E_RANGE, "cohort.model.p_remit_first", "1.05"},
    {K_REMIT_NEXT, 1.05, INFUSE_E_RANGE, "cohort.model.p_remit_next", "1.05"},
    {K_AFTER, 1.05, INFUSE_E_RANGE, "cohort.model.p_remit_after_response",
     "1.05"},
    {K_RESPOND1, -0.5, INFUSE_E_RANGE, "cohort.model.p_respond_first",
     "-0.5"},
    {K_REMIT_NEXT, INFINITY, INFUSE_E_RANGE, "cohort.model.p_remit_next",
     "inf"},
    {K_RESPOND_NEXT, NAN, INFUSE_E_RANGE, "cohort.model.p_respond_next",
     NULL},
    {K_AFTER, 2.0, INFUSE_E_RANGE, "cohort.model.p_remit_after_response",
     "2"},
    {K_RELAPSE, 0.0, INFUSE_E_RANGE, "cohort.model.relapse_28d", "0"},
    {K_RELAPSE, 1.0, INFUSE_E_RANGE, "cohort.model.relapse_28d", "1"},
    {K_RELAPSE, -1e-300, INFUSE_E_RANGE, "cohort.model.relapse_28d",
     "-1e-300"},
    {K_RELAPSE, NAN, INFUSE_E_RANGE, "cohort.model.relapse_28d", NULL},
    {K_SUM_FIRST, 0.5, INFUSE_E_RANGE, "cohort.model.p_respond_first", NULL},
    {K_SUM_NEXT, 0.5, INFUSE_E_RANGE, "cohort.model.p_respond_next", NULL},
    {K_DOSE, 0, INFUSE_E_RANGE, "cohort.dose_ug_per_kg", NULL},
    {K_DOSE, 5001, INFUSE_E_RANGE, "cohort.dose_ug_per_kg", NULL},
    {K_DURATION, 0, INFUSE_E_RANGE, "cohort.duration_min", NULL},
    {K_DURATION, 1441, INFUSE_E_RANGE, "cohort.duration_min", NULL},
    {K_OBSERVATION, -1, INFUSE_E_RANGE, "cohort.observation_min", NULL},
    {K_OBSERVATION, 1441, INFUSE_E_RANGE, "cohort.observation_min", NULL},
    {K_WEIGHT, 19.99, INFUSE_E_RANGE, "cohort.weight_median_kg", "19.99"},
    {K_WEIGHT, 300.01, INFUSE_E_RANGE, "cohort.weight_median_kg", "300.01"},
    {K_WEIGHT, 1e300, INFUSE_E_RANGE, "cohort.weight_median_kg", "1e300"},
    {K_WEIGHT, 9.9999999e10, INFUSE_E_RANGE, "cohort.weight_median_kg",
     "1e11"},
    {K_WEIGHT, 1234567.5, INFUSE_E_RANGE, "cohort.weight_median_kg",
     "1.234568e6"},
    {K_WEIGHT, NAN, INFUSE_E_RANGE, "cohort.weight_median_kg", "nan"},
    {K_CV, -0.01, INFUSE_E_RANGE, "cohort.weight_cv", "-0.01"},
    {K_CV, 1.01, INFUSE_E_RANGE, "cohort.weight_cv", "1.01"},
    {K_FUTILITY, -1, INFUSE_E_RANGE, "cohort.futility_after", NULL},
    {K_FUTILITY, 7, INFUSE_E_RANGE, "cohort.futility_after", NULL},
    {K_HORIZON, 0, INFUSE_E_RANGE, "cohort.horizon_months", NULL},
    {K_HORIZON, 61, INFUSE_E_RANGE, "cohort.horizon_months", NULL},
    {K_FIRST_OVERFLOW, 0, INFUSE_E_RANGE, "cohort.n_patients", "1"},
    {K_TOO_MANY, 0, INFUSE_E_RANGE, "cohort.n_patients", NULL},
    {K_OPT_SIZE, 0, INFUSE_E_STRUCT_SIZE, "cohort.struct_size", NULL},
    {K_MODEL_SIZE, 0, INFUSE_E_STRUCT_SIZE, "cohort.model.struct_size", NULL},
    {K_OUT_SIZE, 0, INFUSE_E_STRUCT_SIZE, "counts.struct_size", NULL},
    {K_NULL_OPT, 0, INFUSE_E_NULL, "cohort", NULL},
    {K_NULL_SESSIONS, 0, INFUSE_E_NULL, "sessions", NULL},
    {K_NULL_OUT, 0, INFUSE_E_NULL, "counts", NULL},
    {K_NO_SESSIONS, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_SESSION_COUNT, 0, INFUSE_E_INVALID, "n_sessions", NULL},
    {K_INDEX, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_SAME_DATE, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_EARLIER_DATE, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_INDUCTION_AFTER, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_PHASE, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_ALL_MAINTENANCE, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_INDUCTION_13, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_AFTER_HORIZON, 0, INFUSE_E_INVALID, "sessions", NULL},
    {K_DATE_RANGE, 0, INFUSE_E_INVALID, "sessions", NULL},
};

START_TEST(run_errors) {
  const bad_t *b = &bad_rows[_i];
  static plan_t p;
  default_plan(&p);
  infuse_cohort_options_t o = options(1u, 10u);
  infuse_cohort_model_t *md = &o.model;
  const infuse_cohort_options_t *op = &o;
  const infuse_session_t *sp = p.s;
  size_t n = p.n;
  infuse_cohort_counts_t out, snap;
  memset(&out, 0xA5, sizeof out);
  out.struct_size = sizeof out;
  infuse_cohort_counts_t *outp = &out;
  switch (b->kind) {
  case K_RESPONSIVE: md->responsive_fraction = b->v; break;
  case K_REMIT1: md->p_remit_first = b->v; break;
  case K_RESPOND1: md->p_respond_first = b->v; break;
  case K_REMIT_NEXT: md->p_remit_next = b->v; break;
  case K_RESPOND_NEXT: md->p_respond_next = b->v; break;
  case K_AFTER: md->p_remit_after_response = b->v; break;
  case K_RELAPSE: md->relapse_28d = b->v; break;
  case K_SUM_FIRST: md->p_remit_first = 0.5; md->p_respond_first = 0.5 + 1e-6;
    break;
  case K_SUM_NEXT: md->p_remit_next = 0.7; md->p_respond_next = 0.31; break;
  case K_DOSE: o.dose_ug_per_kg = (int32_t)b->v; break;
  case K_DURATION: o.duration_min = (int32_t)b->v; break;
  case K_OBSERVATION: o.observation_min = (int32_t)b->v; break;
  case K_WEIGHT: o.weight_median_kg = b->v; break;
  case K_CV: o.weight_cv = b->v; break;
  case K_FUTILITY: o.futility_after = (int32_t)b->v; break;
  case K_HORIZON: o.horizon_months = (int32_t)b->v; break;
  case K_FIRST_OVERFLOW: o.first_patient = UINT64_MAX; o.n_patients = 1; break;
  case K_TOO_MANY: o.n_patients = UINT64_C(1) << 62; break;
  case K_OPT_SIZE: o.struct_size += 8; break;
  case K_MODEL_SIZE: md->struct_size = 0; break;
  case K_OUT_SIZE: out.struct_size = 16; break;
  case K_NULL_OPT: op = NULL; break;
  case K_NULL_SESSIONS: sp = NULL; break;
  case K_NULL_OUT: outp = NULL; break;
  case K_NO_SESSIONS: n = 0; break;
  case K_SESSION_COUNT: n = INFUSE_MAX_SESSIONS + 1; break;
  case K_INDEX: p.s[3].index = 5; break;
  case K_SAME_DATE: p.s[8].date = p.s[7].date; break;
  case K_EARLIER_DATE: p.s[2].date = p.s[1].date - 1; break;
  case K_INDUCTION_AFTER: p.s[9].phase = INFUSE_PHASE_INDUCTION; break;
  case K_PHASE: p.s[4].phase = (infuse_phase_t)7; break;
  case K_ALL_MAINTENANCE:
    for (size_t i = 0; i < p.n; i++) {
      p.s[i].phase = INFUSE_PHASE_MAINTENANCE;
    }
    break;
  case K_INDUCTION_13:
    for (size_t i = 0; i < 13; i++) {
      p.s[i].phase = INFUSE_PHASE_INDUCTION;
    }
    break;
  case K_AFTER_HORIZON: o.horizon_months = 6; break; /* a 12-month plan */
  case K_DATE_RANGE: p.s[0].date = INFUSE_DATE_MIN - 1; break;
  }
  memcpy(&snap, &out, sizeof out);
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  int rc = infuse_cohort_run(op, sp, n, outp, &diag);
  ck_assert_msg(rc == b->status, "row %d: rc %d, want %d (%s)", _i, rc,
                b->status, diag.message);
  ck_assert_int_eq(diag.status, b->status);
  ck_assert_msg(strcmp(diag.field, b->field) == 0,
                "row %d: field '%s', want '%s'", _i, diag.field, b->field);
  ck_assert_msg(strlen(diag.message) > strlen(diag.field) + 2,
                "row %d: empty message", _i);
  if (b->value != NULL) {
    ck_assert_msg(strcmp(diag.value, b->value) == 0,
                  "row %d: value '%s', want '%s'", _i, diag.value, b->value);
  }
  if (b->kind == K_SESSION_COUNT) { /* the message says what is accepted */
    ck_assert_msg(strstr(diag.message, "is outside 1 to 1000") != NULL, "%s",
                  diag.message);
  }
  if (b->kind == K_FUTILITY) { /* 0 to the 6 induction sessions */
    ck_assert_msg(strstr(diag.message, "is outside 0 to 6") != NULL, "%s",
                  diag.message);
  }
  ck_assert_int_eq(memcmp(&out, &snap, sizeof out), 0);
  /* and without a diag */
  ck_assert_int_eq(infuse_cohort_run(op, sp, n, outp, NULL), b->status);
  ck_assert_int_eq(memcmp(&out, &snap, sizeof out), 0);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *cohort_suite(void) {
  Suite *s = suite_create("cohort");
  TCase *sim = tcase_create("simulation");
  tcase_set_timeout(sim, 300);
  tcase_add_test(sim, defaults_match_exact_expectation);
  tcase_add_test(sim, twice_weekly_weekly_futility);
  tcase_add_test(sim, no_maintenance_futility_1);
  tcase_add_test(sim, twelve_infusions_holidays_five_years);
  tcase_add_test(sim, calibrated_review_figures);
  suite_add_tcase(s, sim);
  TCase *core = tcase_create("core");
  tcase_set_timeout(core, 120);
  tcase_add_test(core, defaults_values);
  tcase_add_test(core, shard_invariance);
  tcase_add_test(core, same_seed_same_output);
  tcase_add_test(core, fingerprint_covers_options);
  tcase_add_test(core, everyone_remits_at_1);
  tcase_add_test(core, nobody_responds);
  tcase_add_test(core, futility_stops);
  tcase_add_test(core, relapse_weeks_without_maintenance);
  tcase_add_test(core, drug_by_hand);
  tcase_add_test(core, patient_days_by_hand);
  tcase_add_test(core, draw_layout_per_patient);
  tcase_add_test(core, hand_made_sessions);
  tcase_add_test(core, rates_by_hand);
  tcase_add_test(core, edges_accepted);
  suite_add_tcase(s, core);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, init_errors);
  tcase_add_test(errors, merge_errors);
  tcase_add_loop_test(errors, run_errors, 0, N_ROWS(bad_rows));
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(cohort_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
