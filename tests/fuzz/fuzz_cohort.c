/*
 * fuzz_cohort.c - the cohort Monte Carlo: infuse_cohort_run over a course
 * planned with infuse_course_plan, infuse_cohort_merge of a split run and
 * of spoiled parts, infuse_cohort_rates; options decoded from the bytes.
 *
 * Input layout (reads past the end give zeros):
 *   byte 0   flags: bit 0 a NULL diagnostic; bit 1 course options from
 *            the bytes (else the defaults); bit 2 corrupt the plan (a
 *            session's index, date or phase, or the count passed); bit 3
 *            a wrong struct_size (options, model, counts or rates); bit 4
 *            the outcome model from the bytes (else the calibrated
 *            defaults); bit 5 a spoiled merge; bit 6 a horizon other than
 *            the course's; bit 7 the patient range near 2^64
 *   then     the course (with bit 1): start, a byte saying which fields
 *            follow, induction count, per week, clinic days, minimum
 *            interval, maintenance, horizon, taper steps (count, then
 *            interval and count each); the model (with bit 4): seven
 *            doubles (fz_double, so also NaN, infinities, -0, values just
 *            outside [0, 1]); seed (8 bytes); first patient; patients (a
 *            byte, mod 65; 255 is 2^62, which must be refused);
 *            futility; dose; duration; observation; median weight; weight
 *            CV; the horizon (with bit 6); the split point
 *            (a byte); then the plan corruption, the struct to spoil and
 *            the merge to spoil when their flags ask.
 *
 * Invariants (from include/infuse.h and docs/cohort.md, not from the
 * code's output):
 *  - run: status in {OK, E_NULL, E_STRUCT_SIZE, E_RANGE, E_INVALID} and
 *    the one the documented preconditions give (recomputed here: struct
 *    sizes; probabilities, relapse_28d, exclusive sums, dose, duration,
 *    observation, weights, horizon, futility, first + n; the sessions'
 *    count, indexes, dates, phases, induction count, horizon end); on an
 *    error the counts untouched and the diagnostic filled;
 *  - counts: range and patients as asked; patient_days = patients x (E -
 *    t0); responders <= responsive <= patients, remitters <= responders;
 *    the first-response curve sums to responders and is 0 past the
 *    induction; response_at_1 = first_response[0], no_response_at_1 =
 *    patients - response_at_1, response_by_3 and no_response_by_2 from the
 *    curve; each remission count within its group and within remitters;
 *    futility stops between the never-responsive and the non-responders
 *    (0 without a cut); relapses and relapse_28d_untreated <= responders;
 *    relapse_week sums to relapses and is 0 past the horizon's week;
 *    induction infusions = patients x m - stops x (m - F); maintenance <=
 *    responders x maintenance sessions; infusions = induction +
 *    maintenance; chair minutes = infusions x (duration + observation);
 *    drug within infusions x the dose bounds of |z| <= 6.77 (exactly
 *    infusions x llround(dose x median) at weight CV 0); -0 in a model or
 *    weight field gives the same counts as +0;
 *  - merge: the two parts of a split (in either order) give the whole run
 *    byte for byte; a spoiled merge (same part twice, a gap, another
 *    fingerprint, a negative count, an overflowing count, a wrong size,
 *    ranges past 2^64) fails with E_CONFLICT, E_RANGE or E_STRUCT_SIZE as
 *    documented and leaves the sum untouched;
 *  - rates: each ratio NaN exactly when its denominator is 0, else in
 *    [0, 1] and num / den; per patient-year rates NaN when no days, else
 *    >= 0 and count / (days / 365.25); wrong sizes give E_STRUCT_SIZE with
 *    the rates untouched.
 */
#include "fuzz_common.h"

#define MAX_FUZZ_PATIENTS 64
#define SENTINEL 0xa5

static const int run_statuses[] = {INFUSE_OK, INFUSE_E_NULL,
                                   INFUSE_E_STRUCT_SIZE, INFUSE_E_RANGE,
                                   INFUSE_E_INVALID};
static const int merge_statuses[] = {INFUSE_OK, INFUSE_E_NULL,
                                     INFUSE_E_STRUCT_SIZE, INFUSE_E_CONFLICT,
                                     INFUSE_E_RANGE};

static void check_diag(const infuse_diag_t *d, int rc) {
  if (d != NULL) {
    fz_check_diag(d, rc);
    FZ_CHECK(d->field[0] != '\0');
  }
}

/* ---- the documented preconditions of infuse_cohort_run ------------------ */

static bool in01(double p) { return p >= 0.0 && p <= 1.0; }

/* E_RANGE conditions that do not depend on the sessions. */
static bool options_out_of_range(const infuse_cohort_options_t *o) {
  const infuse_cohort_model_t *m = &o->model;
  if (!in01(m->responsive_fraction) || !in01(m->p_remit_first) ||
      !in01(m->p_respond_first) || !in01(m->p_remit_next) ||
      !in01(m->p_respond_next) || !in01(m->p_remit_after_response)) {
    return true;
  }
  if (!(m->relapse_28d > 0.0 && m->relapse_28d < 1.0)) {
    return true;
  }
  if (m->p_remit_first + m->p_respond_first > 1.0 + 1e-9 ||
      m->p_remit_next + m->p_respond_next > 1.0 + 1e-9) {
    return true;
  }
  if (o->dose_ug_per_kg < 1 || o->dose_ug_per_kg > 5000 ||
      o->duration_min < 1 || o->duration_min > 1440 || o->observation_min < 0 ||
      o->observation_min > 1440 ||
      !(o->weight_median_kg >= 20.0 && o->weight_median_kg <= 300.0) ||
      !(o->weight_cv >= 0.0 && o->weight_cv <= 1.0) || o->horizon_months < 1 ||
      o->horizon_months > 60) {
    return true;
  }
  return o->first_patient > UINT64_MAX - o->n_patients;
}

/* The horizon end E of docs/cohort.md for a first session on `date`. */
static int32_t horizon_end(int32_t date, int32_t months) {
  int32_t e;
  if (infuse_date_add_months(date, months, &e) != INFUSE_OK) {
    e = INFUSE_DATE_MAX + 1;
  }
  return e;
}

/* The sessions' E_INVALID conditions; on success *m is the induction
 * count. */
static bool sessions_invalid(const infuse_session_t *s, size_t n,
                             int32_t months, int32_t *m) {
  if (n == 0 || n > INFUSE_MAX_SESSIONS) {
    return true;
  }
  if (s[0].date < INFUSE_DATE_MIN || s[0].date > INFUSE_DATE_MAX) {
    return true;
  }
  int32_t end = horizon_end(s[0].date, months);
  int32_t induction = 0;
  bool maintenance_seen = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i].index != (int32_t)i + 1) {
      return true;
    }
    if (s[i].phase == INFUSE_PHASE_INDUCTION) {
      if (maintenance_seen) {
        return true;
      }
      induction++;
    } else if (s[i].phase == INFUSE_PHASE_MAINTENANCE) {
      maintenance_seen = true;
    } else {
      return true;
    }
    if (s[i].date < INFUSE_DATE_MIN || s[i].date > INFUSE_DATE_MAX) {
      return true;
    }
    if (i > 0 && s[i].date <= s[i - 1].date) {
      return true;
    }
    if (s[i].date >= end) {
      return true;
    }
  }
  if (induction < 1 || induction > INFUSE_COHORT_INFUSIONS) {
    return true;
  }
  *m = induction;
  return false;
}

/* ---- the counts ------------------------------------------------------------
 */

static int64_t sum_of(const int64_t *v, size_t n) {
  int64_t s = 0;
  for (size_t i = 0; i < n; i++) {
    s += v[i];
  }
  return s;
}

static void check_counts(const infuse_cohort_options_t *o,
                         const infuse_session_t *s, size_t n_sessions,
                         int32_t m, const infuse_cohort_counts_t *c) {
  const int64_t n = (int64_t)o->n_patients;
  const int32_t end = horizon_end(s[0].date, o->horizon_months);
  const int32_t t_e = s[m - 1].date; /* end of induction */
  const int64_t maint_sessions = (int64_t)n_sessions - m;
  const int32_t cut =
      o->futility_after > 0 && o->futility_after < m ? o->futility_after : 0;
  const int64_t *fr = c->first_response;

  FZ_CHECK(c->struct_size == sizeof *c);
  FZ_CHECK(c->first_patient == o->first_patient);
  FZ_CHECK(c->patients == o->n_patients);
  FZ_CHECK(c->patient_days == n * (int64_t)(end - s[0].date));
  FZ_CHECK(c->responsive >= 0 && c->responsive <= n);
  FZ_CHECK(c->responders >= 0 && c->responders <= c->responsive);
  FZ_CHECK(c->remitters >= 0 && c->remitters <= c->responders);
  for (int k = 0; k < INFUSE_COHORT_INFUSIONS; k++) {
    FZ_CHECK(fr[k] >= 0);
    if (k >= m) {
      FZ_CHECK(fr[k] == 0);
    }
  }
  FZ_CHECK(sum_of(fr, INFUSE_COHORT_INFUSIONS) == c->responders);
  FZ_CHECK(c->response_at_1 == fr[0]);
  FZ_CHECK(c->no_response_at_1 == n - c->response_at_1);
  FZ_CHECK(c->response_by_3 == fr[0] + fr[1] + fr[2]);
  FZ_CHECK(c->no_response_by_2 == n - fr[0] - fr[1]);
  FZ_CHECK(c->remission_by_3_after_response_at_1 >= 0 &&
           c->remission_by_3_after_response_at_1 <= c->response_at_1);
  FZ_CHECK(c->remission_by_3_after_no_response_at_1 >= 0 &&
           c->remission_by_3_after_no_response_at_1 <= c->no_response_at_1);
  FZ_CHECK(c->remission_by_3_after_response_at_1 +
               c->remission_by_3_after_no_response_at_1 <=
           c->remitters);
  FZ_CHECK(c->remission_after_no_response_by_2 >= 0 &&
           c->remission_after_no_response_by_2 <= c->no_response_by_2 &&
           c->remission_after_no_response_by_2 <= c->remitters);
  /* futility: only patients without a response stop, and every
   * never-responsive patient does when there is a cut */
  FZ_CHECK(c->futility_stops >= 0 && c->futility_stops <= n - c->responders);
  if (cut == 0) {
    FZ_CHECK(c->futility_stops == 0);
  } else {
    FZ_CHECK(c->futility_stops >= n - c->responsive);
  }
  FZ_CHECK(c->relapse_28d_untreated >= 0 &&
           c->relapse_28d_untreated <= c->responders);
  FZ_CHECK(c->relapses >= 0 && c->relapses <= c->responders);
  FZ_CHECK(sum_of(c->relapse_week, INFUSE_COHORT_WEEKS) == c->relapses);
  int64_t last_week = ((int64_t)end - 1 - t_e) / 7;
  for (int w = 0; w < INFUSE_COHORT_WEEKS; w++) {
    FZ_CHECK(c->relapse_week[w] >= 0);
    if (w > last_week) {
      FZ_CHECK(c->relapse_week[w] == 0);
    }
  }
  FZ_CHECK(c->induction_infusions ==
           n * m - c->futility_stops * (int64_t)(m - cut));
  FZ_CHECK(c->maintenance_infusions >= 0 &&
           c->maintenance_infusions <= c->responders * maint_sessions);
  FZ_CHECK(c->infusions == c->induction_infusions + c->maintenance_infusions);
  FZ_CHECK(c->chair_minutes ==
           c->infusions * (int64_t)(o->duration_min + o->observation_min));
  /* the dose of one infusion: llround(dose x median x exp(sigma z)) with
   * |z| <= sqrt(66 ln 2) < 6.77 */
  double per = (double)o->dose_ug_per_kg * o->weight_median_kg;
  if (o->weight_cv == 0.0) {
    FZ_CHECK(c->drug_ug == c->infusions * (int64_t)llround(per));
  } else {
    double sigma = sqrt(log1p(o->weight_cv * o->weight_cv));
    double lo = floor(per * exp(-sigma * 6.77)) - 1.0;
    double hi = ceil(per * exp(sigma * 6.77)) + 1.0;
    FZ_CHECK((double)c->drug_ug >= (double)c->infusions * (lo > 0 ? lo : 0));
    FZ_CHECK((double)c->drug_ug <= (double)c->infusions * hi);
  }
  /* the extreme probabilities of the model */
  const infuse_cohort_model_t *md = &o->model;
  if (md->responsive_fraction == 0.0) {
    FZ_CHECK(c->responsive == 0);
  }
  if (md->responsive_fraction == 1.0) {
    FZ_CHECK(c->responsive == n);
    if (md->p_remit_first == 1.0) {
      FZ_CHECK(fr[0] == n && c->remitters == n);
    }
  }
}

/* ---- rates -----------------------------------------------------------------
 */

static void check_ratio(double r, int64_t num, int64_t den) {
  if (den == 0) {
    FZ_CHECK(isnan(r));
  } else {
    FZ_CHECK(r >= 0.0 && r <= 1.0);
    FZ_CHECK(r == (double)num / (double)den);
  }
}

static void check_per_year(double r, int64_t count, int64_t days,
                           double scale) {
  if (days == 0) {
    FZ_CHECK(isnan(r));
    return;
  }
  double want = (double)count / scale / ((double)days / 365.25);
  FZ_CHECK(r >= 0.0 && isfinite(r));
  FZ_CHECK(fabs(r - want) <= 1e-12 * want);
}

static void check_rates(const infuse_cohort_counts_t *c) {
  infuse_cohort_rates_t r;
  memset(&r, SENTINEL, sizeof r);
  r.struct_size = (uint32_t)sizeof r;
  FZ_CHECK(infuse_cohort_rates(c, &r) == INFUSE_OK);
  FZ_CHECK(r.struct_size == sizeof r);
  int64_t n = (int64_t)c->patients;
  check_ratio(r.response_by_infusion_3, c->response_by_3, n);
  check_ratio(r.remission_by_3_given_response_at_1,
              c->remission_by_3_after_response_at_1, c->response_at_1);
  check_ratio(r.remission_by_3_given_no_response_at_1,
              c->remission_by_3_after_no_response_at_1, c->no_response_at_1);
  check_ratio(r.remission_given_no_response_by_2,
              c->remission_after_no_response_by_2, c->no_response_by_2);
  check_ratio(r.relapse_within_28d_without_maintenance,
              c->relapse_28d_untreated, c->responders);
  check_ratio(r.response_end_of_induction, c->responders, n);
  check_ratio(r.remission_end_of_induction, c->remitters, n);
  check_ratio(r.relapse_in_horizon, c->relapses, c->responders);
  check_per_year(r.infusions_per_patient_year, c->infusions, c->patient_days,
                 1.0);
  check_per_year(r.drug_mg_per_patient_year, c->drug_ug, c->patient_days,
                 1000.0);
  check_per_year(r.chair_hours_per_patient_year, c->chair_minutes,
                 c->patient_days, 60.0);
}

/* Rates with a wrong size, or of spoiled counts: the status only, and the
 * rates untouched on error. */
static void check_rates_errors(fz_t *f, const infuse_cohort_counts_t *c) {
  infuse_cohort_counts_t k = *c;
  infuse_cohort_rates_t r, before;
  memset(&r, SENTINEL, sizeof r);
  r.struct_size = (uint32_t)sizeof r;
  uint8_t which = fz_u8(f);
  uint32_t size = fz_u32(f);
  if ((which & 1u) != 0) {
    k.struct_size = size;
  } else {
    r.struct_size = size;
  }
  memcpy(&before, &r, sizeof r);
  int rc = infuse_cohort_rates(&k, &r);
  bool wrong = k.struct_size != sizeof k || r.struct_size != sizeof r;
  FZ_CHECK(rc == (wrong ? INFUSE_E_STRUCT_SIZE : INFUSE_OK));
  if (wrong) {
    FZ_CHECK(memcmp(&r, &before, sizeof r) == 0);
  }
  FZ_CHECK(infuse_cohort_rates(NULL, &r) == INFUSE_E_NULL);
  FZ_CHECK(infuse_cohort_rates(&k, NULL) == INFUSE_E_NULL);
}

/* ---- merge -----------------------------------------------------------------
 */

static int merge_checked(infuse_cohort_counts_t *sum,
                         const infuse_cohort_counts_t *part,
                         infuse_diag_t *dp) {
  infuse_cohort_counts_t before = *sum;
  int rc = infuse_cohort_merge(sum, part, dp);
  FZ_CHECK(fz_status_known(rc));
  FZ_CHECK(fz_status_in(rc, merge_statuses,
                        sizeof merge_statuses / sizeof merge_statuses[0]));
  if (rc != INFUSE_OK) {
    check_diag(dp, rc);
    FZ_CHECK(memcmp(sum, &before, sizeof before) == 0);
  }
  return rc;
}

/* The int64 counts of a counts struct: patient_days to chair_minutes,
 * then first_response and relapse_week, contiguous (all int64_t). */
#define FIRST_COUNT offsetof(infuse_cohort_counts_t, patient_days)
#define N_INT64_COUNTS                                                         \
  ((sizeof(infuse_cohort_counts_t) - FIRST_COUNT) / sizeof(int64_t))

static void set_count(infuse_cohort_counts_t *c, size_t i, int64_t v) {
  memcpy((char *)c + FIRST_COUNT + i * sizeof v, &v, sizeof v);
}

/* One spoiled merge of part b after part a (two halves of one run). */
static void spoiled_merge(fz_t *f, const infuse_cohort_counts_t *a,
                          const infuse_cohort_counts_t *b, infuse_diag_t *dp) {
  FZ_CHECK(offsetof(infuse_cohort_counts_t, relapse_week) +
               sizeof a->relapse_week ==
           FIRST_COUNT + N_INT64_COUNTS * sizeof(int64_t));
  infuse_cohort_counts_t sum = *a;
  infuse_cohort_counts_t part = *b;
  uint8_t kind = fz_u8(f);
  size_t field = fz_u16(f) % N_INT64_COUNTS;
  /* the expected status, and another one the contract also allows */
  int expect, or_else;
  switch (kind % 8u) {
  case 0: /* the same part twice (an empty range is adjacent to itself) */
    part = *a;
    expect = or_else = a->patients == 0 ? INFUSE_OK : INFUSE_E_CONFLICT;
    break;
  case 1: /* a gap; a range pushed past 2^64 - 1 may be E_RANGE instead */
    part.first_patient += 1u + fz_u8(f);
    expect = INFUSE_E_CONFLICT;
    or_else = part.first_patient < b->first_patient ||
                      part.first_patient > UINT64_MAX - part.patients
                  ? INFUSE_E_RANGE
                  : INFUSE_E_CONFLICT;
    break;
  case 2: /* another run */
    part.fingerprint ^= (uint64_t)1 << (fz_u8(f) % 64u);
    expect = or_else = INFUSE_E_CONFLICT;
    break;
  case 3: /* a negative count */
    set_count(&part, field, -1 - (int64_t)fz_u8(f));
    expect = or_else = INFUSE_E_RANGE;
    break;
  case 4: /* a count that overflows the sum */
    set_count(&sum, field, INT64_MAX - (int64_t)fz_u8(f));
    set_count(&part, field, INT64_MAX);
    expect = or_else = INFUSE_E_RANGE;
    break;
  case 5: /* a wrong size */
    if (fz_bool(f)) {
      sum.struct_size ^= 1u + fz_u8(f);
    } else {
      part.struct_size ^= 1u + fz_u8(f);
    }
    expect = or_else = INFUSE_E_STRUCT_SIZE;
    break;
  case 6: /* a range past 2^64 - 1 */
    part.first_patient = UINT64_MAX - fz_u8(f);
    part.patients = UINT64_MAX;
    expect = INFUSE_E_RANGE;
    or_else = INFUSE_E_CONFLICT;
    break;
  default: /* NULL pointers */
    FZ_CHECK(infuse_cohort_merge(NULL, &part, dp) == INFUSE_E_NULL);
    check_diag(dp, INFUSE_E_NULL);
    FZ_CHECK(infuse_cohort_merge(&sum, NULL, dp) == INFUSE_E_NULL);
    check_diag(dp, INFUSE_E_NULL);
    return;
  }
  int rc = merge_checked(&sum, &part, dp);
  FZ_CHECK(rc == expect || rc == or_else);
}

/* ---- the course -------------------------------------------------------------
 */

static void decode_course(fz_t *f, bool from_bytes,
                          infuse_course_options_t *o) {
  int32_t start = 20454; /* 2026-01-01 */
  if (from_bytes) {
    start = fz_pick32(f, 19000, 22000);
  }
  if (infuse_course_init(o, start) != INFUSE_OK) {
    FZ_CHECK(infuse_course_init(o, 20454) == INFUSE_OK);
  }
  if (!from_bytes) {
    return;
  }
  uint8_t which = fz_u8(f);
  if ((which & 1u) != 0) {
    o->induction_count = fz_pick32(f, 1, 13);
  }
  if ((which & 2u) != 0) {
    o->per_week = fz_pick32(f, 2, 3);
  }
  if ((which & 4u) != 0) {
    o->clinic_days = fz_u8(f) & 0x7fu;
  }
  if ((which & 8u) != 0) {
    o->min_interval_days = fz_pick32(f, 0, 14);
  }
  if ((which & 16u) != 0) {
    o->maintenance = (infuse_maintenance_t)(fz_u8(f) % 3u);
  }
  if ((which & 32u) != 0) {
    o->horizon_months = fz_pick32(f, 1, 60);
  }
  if ((which & 64u) != 0) {
    o->n_taper_steps = fz_pick32(f, 1, 4);
    int32_t fill = o->n_taper_steps < 0   ? 0
                   : o->n_taper_steps > 4 ? 4
                                          : o->n_taper_steps;
    for (int32_t i = 0; i < fill; i++) {
      o->taper[i].interval_days = fz_pick32(f, 1, 60);
      o->taper[i].count = fz_pick32(f, 0, 6);
    }
  }
  if ((which & 128u) != 0) {
    o->start = INFUSE_DATE_MAX - (int32_t)(fz_u16(f) % 1000u);
  }
}

/* One field of one session changed, or the count passed. */
static void corrupt_plan(fz_t *f, infuse_session_t *s, size_t *n) {
  uint8_t kind = fz_u8(f);
  size_t i = *n > 0 ? fz_u16(f) % *n : 0;
  switch (kind % 6u) {
  case 0:
    s[i].index = fz_pick32(f, -1, 1002);
    break;
  case 1:
    s[i].date = fz_pick32(f, INFUSE_DATE_MIN - 1, INFUSE_DATE_MAX + 1);
    break;
  case 2: {
    int64_t moved = (int64_t)s[i].date + fz_pick32(f, -30, 30);
    s[i].date = moved < INT32_MIN   ? INT32_MIN
                : moved > INT32_MAX ? INT32_MAX
                                    : (int32_t)moved;
    break;
  }
  case 3:
    s[i].phase = (infuse_phase_t)(fz_u8(f) % 3u);
    break;
  case 4:
    *n = (size_t)(fz_u16(f) % (INFUSE_MAX_SESSIONS + 2));
    break;
  default:
    if (*n > 1) { /* two sessions swapped */
      size_t j = fz_u16(f) % *n;
      infuse_session_t t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) {
    return 0;
  }
  fz_t f = {data, size};
  uint8_t flags = fz_u8(&f);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  infuse_diag_t *dp = (flags & 1u) != 0 ? NULL : &d;

  /* the course and its plan (the default plan when it fails) */
  static infuse_session_t s[INFUSE_MAX_SESSIONS + 1];
  memset(s, 0, sizeof s);
  infuse_course_options_t co;
  decode_course(&f, (flags & 2u) != 0, &co);
  size_t n_sessions = 0;
  if (infuse_course_plan(&co, s, INFUSE_MAX_SESSIONS, &n_sessions, NULL) !=
      INFUSE_OK) {
    FZ_CHECK(infuse_course_init(&co, co.start < 19000 || co.start > 22000
                                         ? 20454
                                         : co.start) == INFUSE_OK);
    FZ_CHECK(infuse_course_plan(&co, s, INFUSE_MAX_SESSIONS, &n_sessions,
                                NULL) == INFUSE_OK);
  }

  /* the options */
  infuse_cohort_options_t o;
  memset(&o, SENTINEL, sizeof o);
  o.struct_size = (uint32_t)sizeof o;
  FZ_CHECK(infuse_cohort_init(&o, 0, 0) == INFUSE_OK);
  FZ_CHECK(o.model.struct_size == sizeof o.model && o.horizon_months == 12);
  o.horizon_months = co.horizon_months;
  if ((flags & 16u) != 0) {
    double *p[7] = {
        &o.model.responsive_fraction, &o.model.p_remit_first,
        &o.model.p_respond_first,     &o.model.p_remit_next,
        &o.model.p_respond_next,      &o.model.p_remit_after_response,
        &o.model.relapse_28d};
    for (int i = 0; i < 7; i++) {
      *p[i] = fz_double(&f, 0.0, 1.0);
    }
  }
  o.seed = fz_u64(&f);
  if ((flags & 128u) != 0) {
    o.first_patient = UINT64_MAX - (uint64_t)fz_u8(&f);
  } else {
    o.first_patient = (uint64_t)fz_pick(&f, 0, 1000000);
  }
  uint8_t nb = fz_u8(&f);
  /* 255: 2^62 patients, whose days alone overflow a 64-bit sum: refused */
  o.n_patients = nb == 255 ? UINT64_C(1) << 62 : nb % (MAX_FUZZ_PATIENTS + 1);
  o.futility_after = fz_pick32(&f, 0, 12);
  o.dose_ug_per_kg = fz_pick32(&f, 1, 5000);
  o.duration_min = fz_pick32(&f, 1, 1440);
  o.observation_min = fz_pick32(&f, 0, 1440);
  o.weight_median_kg = fz_double(&f, 20.0, 300.0);
  o.weight_cv = fz_double(&f, 0.0, 1.0);
  if ((flags & 64u) != 0) {
    o.horizon_months = fz_pick32(&f, 1, 60);
  }
  uint64_t split = fz_u8(&f);
  if ((flags & 4u) != 0) {
    corrupt_plan(&f, s, &n_sessions);
  }

  /* a wrong size: 0 options, 1 model, 2 counts */
  infuse_cohort_counts_t *whole = malloc(sizeof *whole);
  infuse_cohort_counts_t *before = malloc(sizeof *before);
  if (whole == NULL || before == NULL) {
    abort();
  }
  memset(whole, SENTINEL, sizeof *whole);
  whole->struct_size = (uint32_t)sizeof *whole;
  bool size_bad = false;
  if ((flags & 8u) != 0) {
    uint8_t which = fz_u8(&f) % 3u;
    uint32_t v = fz_u32(&f);
    if (which == 0) {
      o.struct_size = v;
      size_bad = v != sizeof o;
    } else if (which == 1) {
      o.model.struct_size = v;
      size_bad = v != sizeof o.model;
    } else {
      whole->struct_size = v;
      size_bad = v != sizeof *whole;
    }
  }
  memcpy(before, whole, sizeof *whole);

  /* the status the preconditions give */
  int32_t m = 0;
  bool invalid = sessions_invalid(s, n_sessions, o.horizon_months, &m);
  bool range = options_out_of_range(&o);
  if (!invalid && (o.futility_after < 0 || o.futility_after > m)) {
    range = true;
  }
  if (o.n_patients > MAX_FUZZ_PATIENTS) {
    range = true; /* 2^62 x at least 28 days passes 2^63 - 1 */
  }
  int rc = infuse_cohort_run(&o, s, n_sessions, whole, dp);
  FZ_CHECK(fz_status_known(rc));
  FZ_CHECK(fz_status_in(rc, run_statuses,
                        sizeof run_statuses / sizeof run_statuses[0]));
  if (size_bad) {
    FZ_CHECK(rc == INFUSE_E_STRUCT_SIZE);
  } else if (range && invalid) {
    FZ_CHECK(rc == INFUSE_E_RANGE || rc == INFUSE_E_INVALID);
  } else if (range) {
    FZ_CHECK(rc == INFUSE_E_RANGE);
  } else if (invalid) {
    FZ_CHECK(rc == INFUSE_E_INVALID);
  } else {
    FZ_CHECK(rc == INFUSE_OK);
  }
  if (rc != INFUSE_OK) {
    check_diag(dp, rc);
    FZ_CHECK(memcmp(whole, before, sizeof *whole) == 0);
    /* NULL pointers */
    FZ_CHECK(infuse_cohort_run(NULL, s, n_sessions, whole, NULL) ==
             INFUSE_E_NULL);
    FZ_CHECK(infuse_cohort_run(&o, NULL, n_sessions, whole, NULL) ==
             INFUSE_E_NULL);
    FZ_CHECK(infuse_cohort_run(&o, s, n_sessions, NULL, NULL) == INFUSE_E_NULL);
    FZ_CHECK(memcmp(whole, before, sizeof *whole) == 0);
    free(whole);
    free(before);
    return 0;
  }
  check_counts(&o, s, n_sessions, m, whole);
  check_rates(whole);

  /* -0 reads as +0 */
  double *zeros[9] = {&o.model.responsive_fraction,
                      &o.model.p_remit_first,
                      &o.model.p_respond_first,
                      &o.model.p_remit_next,
                      &o.model.p_respond_next,
                      &o.model.p_remit_after_response,
                      &o.model.relapse_28d,
                      &o.weight_median_kg,
                      &o.weight_cv};
  bool flipped = false;
  infuse_cohort_options_t o2 = o;
  double *zeros2[9] = {&o2.model.responsive_fraction,
                       &o2.model.p_remit_first,
                       &o2.model.p_respond_first,
                       &o2.model.p_remit_next,
                       &o2.model.p_respond_next,
                       &o2.model.p_remit_after_response,
                       &o2.model.relapse_28d,
                       &o2.weight_median_kg,
                       &o2.weight_cv};
  for (int i = 0; i < 9; i++) {
    if (*zeros[i] == 0.0) {
      *zeros2[i] = signbit(*zeros[i]) ? 0.0 : -0.0;
      flipped = true;
    }
  }
  if (flipped) {
    infuse_cohort_counts_t *again = malloc(sizeof *again);
    if (again == NULL) {
      abort();
    }
    memset(again, 0, sizeof *again);
    again->struct_size = (uint32_t)sizeof *again;
    FZ_CHECK(infuse_cohort_run(&o2, s, n_sessions, again, NULL) == INFUSE_OK);
    FZ_CHECK(memcmp(again, whole, sizeof *again) == 0);
    free(again);
  }

  /* the same range split in two: both parts merge into the whole run, in
   * either order */
  uint64_t k = split % (o.n_patients + 1);
  infuse_cohort_counts_t *a = malloc(sizeof *a);
  infuse_cohort_counts_t *b = malloc(sizeof *b);
  infuse_cohort_counts_t *sum = malloc(sizeof *sum);
  if (a == NULL || b == NULL || sum == NULL) {
    abort();
  }
  infuse_cohort_options_t oa = o, ob = o;
  oa.n_patients = k;
  ob.first_patient = o.first_patient + k;
  ob.n_patients = o.n_patients - k;
  memset(a, 0, sizeof *a);
  memset(b, 0, sizeof *b);
  a->struct_size = b->struct_size = (uint32_t)sizeof *a;
  FZ_CHECK(infuse_cohort_run(&oa, s, n_sessions, a, NULL) == INFUSE_OK);
  FZ_CHECK(infuse_cohort_run(&ob, s, n_sessions, b, NULL) == INFUSE_OK);
  FZ_CHECK(a->fingerprint == whole->fingerprint &&
           b->fingerprint == whole->fingerprint);
  check_counts(&oa, s, n_sessions, m, a);
  check_counts(&ob, s, n_sessions, m, b);
  check_rates(a);
  check_rates(b);

  memset(sum, 0, sizeof *sum);
  sum->struct_size = (uint32_t)sizeof *sum;
  FZ_CHECK(merge_checked(sum, a, dp) == INFUSE_OK);
  FZ_CHECK(memcmp(sum, a, sizeof *sum) == 0); /* an empty sum takes a */
  FZ_CHECK(merge_checked(sum, b, dp) == INFUSE_OK);
  FZ_CHECK(memcmp(sum, whole, sizeof *sum) == 0);

  memset(sum, 0, sizeof *sum);
  sum->struct_size = (uint32_t)sizeof *sum;
  FZ_CHECK(merge_checked(sum, b, dp) == INFUSE_OK);
  FZ_CHECK(merge_checked(sum, a, dp) == INFUSE_OK);
  FZ_CHECK(memcmp(sum, whole, sizeof *sum) == 0);

  if ((flags & 32u) != 0) {
    spoiled_merge(&f, a, b, dp);
    check_rates_errors(&f, whole);
  }
  free(a);
  free(b);
  free(sum);
  free(whole);
  free(before);
  return 0;
}
