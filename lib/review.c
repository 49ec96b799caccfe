/*
 * review.c - response-guided review of rating-scale scores, the exposure
 * ledger over rolling 12-month windows, and the selection screen.
 *
 * All three are decision support: they report findings and never change a
 * plan or give a verdict. Every rule below names its source in
 * /work/shared/CLINICAL.md (sections 3-6); thresholds without a primary
 * source are marked UNVERIFIED and are configurable.
 *
 * As everywhere in libinfuse, results are built in a local and copied out
 * only when complete, so an error writes nothing but the diagnostic.
 */
#include "internal.h"

#include <string.h>

/* ---- shared helpers ------------------------------------------------------ */

/* lo <= v <= hi, else E_RANGE (or `status`) naming the accepted range. */
static int struct_size_error(infuse_diag_t *diag, const char *field,
                             uint32_t size, const char *type) {
  return infuse__fail_q(diag, INFUSE_E_STRUCT_SIZE, field, (int64_t)size,
                        INFUSE_UNIT_COUNT, "is not sizeof(", type,
                        ") of this library");
}

/* ===========================================================================
 * Response-guided review
 * ========================================================================= */

/* Highest score of each scale: MADRS 0..60 (10 items x 0-6), PHQ-9 0..27
 * (9 items x 0-3). 0 for an unknown scale. */
static int32_t scale_max(int scale) {
  switch (scale) {
  case INFUSE_SCALE_MADRS:
    return 60;
  case INFUSE_SCALE_PHQ9:
    return 27;
  default:
    return 0;
  }
}

int infuse_review_init(infuse_review_options_t *opt, infuse_scale_t scale) {
  if (opt == NULL) {
    return INFUSE_E_NULL;
  }
  int32_t remission_max;
  switch (scale) {
  case INFUSE_SCALE_MADRS:
    remission_max = 10; /* MADRS <= 10 (some trials <= 12): KetECT */
    break;
  case INFUSE_SCALE_PHQ9:
    remission_max = 5; /* PHQ-9 <= 5: VA cohort (Pfeiffer et al. 2024) */
    break;
  default:
    return INFUSE_E_INVALID;
  }
  memset(opt, 0, sizeof *opt);
  opt->struct_size = (uint32_t)sizeof *opt;
  opt->scale = scale;
  /* Improvement >= 20%, partial response >= 30%: Transl Psychiatry 2024.
   * Response >= 50% reduction from baseline: the trials (CLINICAL.md 5). */
  opt->improvement_pct = 20;
  opt->partial_pct = 30;
  opt->response_pct = 50;
  opt->remission_max = remission_max;
  return INFUSE_OK;
}

static int validate_review_options(const infuse_review_options_t *o,
                                   infuse_diag_t *diag) {
  if (o->struct_size != sizeof(infuse_review_options_t)) {
    return struct_size_error(diag, "review_options.struct_size", o->struct_size,
                             "infuse_review_options_t");
  }
  int32_t max = scale_max((int)o->scale);
  if (max == 0) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "review_options.scale",
                          (int64_t)o->scale, INFUSE_UNIT_COUNT,
                          "is not a scale; accepted: 0 MADRS, 1 PHQ-9", NULL,
                          NULL);
  }
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_INVALID,
                                  "review_options.improvement_pct",
                                  o->improvement_pct, 1, 100, " percent"));
  INFUSE__TRY(infuse__check_range(
      diag, INFUSE_E_INVALID, "review_options.partial_pct", o->partial_pct,
      o->improvement_pct, 100, " percent (at least improvement_pct)"));
  INFUSE__TRY(infuse__check_range(
      diag, INFUSE_E_INVALID, "review_options.response_pct", o->response_pct,
      o->partial_pct, 100, " percent (at least partial_pct)"));
  INFUSE__TRY(infuse__check_range(
      diag, INFUSE_E_INVALID, "review_options.remission_max", o->remission_max,
      0, max, " (the scale's scores)"));
  return INFUSE_OK;
}

/* (baseline - score) x 1000 / baseline, nearest, ties away from zero;
 * baseline > 0, both within 0..60, so nothing overflows. */
static int32_t reduction_permille(int32_t baseline, int32_t score) {
  int32_t num = (baseline - score) * 1000;
  int32_t mag = num < 0 ? -num : num;
  int32_t q = (2 * mag + baseline) / (2 * baseline);
  return num < 0 ? -q : q;
}

/* The reduction reaches pct percent, compared exactly in integers:
 * (baseline - score) x 100 >= pct x baseline. */
static bool reaches(int32_t baseline, int32_t score, int32_t pct) {
  return (baseline - score) * 100 >= pct * baseline;
}

static void add_review_finding(infuse_review_t *r, infuse_review_code_t code,
                               int32_t infusion) {
  /* At most 4 findings exist (each code once), within findings[8]. */
  infuse_review_finding_t *f = &r->findings[r->n_findings++];
  f->code = code;
  f->infusion = infusion;
}

/*
 * The rules (CLINICAL.md sections 3 and 5). Findings are listed by the
 * infusion they are made at and, at the same infusion, by code; each code
 * appears at most once.
 *
 *  - improved / partial / response: reduction from baseline of at least
 *    improvement_pct (20) / partial_pct (30) / response_pct (50) percent,
 *    exact integer comparison. Response >= 50%: the trials; improvement and
 *    partial response: Transl Psychiatry 2024.
 *  - remission: score <= remission_max (MADRS 10: KetECT; PHQ-9 5: VA).
 *  - RESPONSE_AT_1, at infusion 1: infusion 1 is a response. 66% of
 *    first-infusion responders remit after 3 infusions, against 40% of
 *    first-infusion non-responders (review article; UNVERIFIED beyond it).
 *  - NO_RESPONSE_AFTER_3, at infusion 3: no response at infusions 1-3.
 *    Response after more than 3 infusions is rare if none before (APA
 *    consensus, via the review article's summary).
 *  - NO_IMPROVEMENT_AFTER_4, at infusion 4: no improvement at any of
 *    infusions 1-4; predicts non-response (Transl Psychiatry 2024).
 *  - THREE_NON_IMPROVEMENTS, at the third of three consecutive infusions
 *    whose score did not fall below the previous score (infusion 1 is
 *    compared with the baseline); predicts non-response (Transl Psychiatry
 *    2024). Reading "3 non-improvements in a row" as "three scores in a
 *    row that did not fall" is this library's interpretation; the source
 *    does not define the comparison. The first such run is reported, and
 *    none once a response has been seen (a responder holding steady is
 *    not heading for non-response).
 */
int infuse_review_evaluate(const infuse_review_options_t *opt, int32_t baseline,
                           const int32_t *scores, size_t n_scores,
                           infuse_review_t *out, infuse_diag_t *diag) {
  if (opt == NULL || out == NULL || (scores == NULL && n_scores > 0)) {
    return infuse__fail(diag, INFUSE_E_NULL,
                        opt == NULL   ? "review_options"
                        : out == NULL ? "review"
                                      : "scores",
                        "", "is NULL", NULL, NULL);
  }
  if (out->struct_size != sizeof(infuse_review_t)) {
    return struct_size_error(diag, "review.struct_size", out->struct_size,
                             "infuse_review_t");
  }
  INFUSE__TRY(validate_review_options(opt, diag));
  int32_t max = scale_max((int)opt->scale);
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE, "baseline", baseline, 1,
                                  max,
                                  " (a baseline score on this scale, not 0)"));
  if (n_scores > INFUSE_MAX_SCORES) {
    return infuse__fail_q(diag, INFUSE_E_RANGE, "n_scores",
                          n_scores > (size_t)INT32_MAX ? INT32_MAX
                                                       : (int64_t)n_scores,
                          INFUSE_UNIT_COUNT,
                          "is more scores than the library reviews (at most "
                          "64)",
                          NULL, NULL);
  }
  for (size_t i = 0; i < n_scores; i++) {
    if (scores[i] < 0 || scores[i] > max) {
      char field[32];
      infuse__sb_t sb;
      infuse__sb_init(&sb, field, sizeof field);
      infuse__sb_puts(&sb, "scores[");
      infuse__sb_int(&sb, (int64_t)i);
      infuse__sb_putc(&sb, ']');
      infuse__sb_finish(&sb);
      return infuse__check_range(diag, INFUSE_E_RANGE, field, scores[i], 0, max,
                                 " (a score on this scale)");
    }
  }

  infuse_review_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = (uint32_t)sizeof r;
  r.scale = opt->scale;
  r.baseline = baseline;
  r.n_points = (int32_t)n_scores;

  bool any_response = false, any_improvement = false;
  int32_t run = 0, previous = baseline;
  bool run_found = false;
  for (size_t i = 0; i < n_scores; i++) {
    int32_t infusion = (int32_t)i + 1;
    int32_t s = scores[i];
    infuse_review_point_t *p = &r.points[i];
    p->infusion = infusion;
    p->score = s;
    p->reduction_permille = reduction_permille(baseline, s);
    p->improved = reaches(baseline, s, opt->improvement_pct);
    p->partial = reaches(baseline, s, opt->partial_pct);
    p->response = reaches(baseline, s, opt->response_pct);
    p->remission = s <= opt->remission_max;
    if (p->response && r.first_response == 0) {
      r.first_response = infusion;
    }
    if (p->remission && r.first_remission == 0) {
      r.first_remission = infusion;
    }
    any_response = any_response || p->response;
    any_improvement = any_improvement || p->improved;
    run = s >= previous ? run + 1 : 0;
    previous = s;

    /* Findings at this infusion, in code order. */
    if (infusion == 3 && !any_response) {
      add_review_finding(&r, INFUSE_REVIEW_NO_RESPONSE_AFTER_3, infusion);
    }
    if (infusion == 4 && !any_improvement) {
      add_review_finding(&r, INFUSE_REVIEW_NO_IMPROVEMENT_AFTER_4, infusion);
    }
    if (run >= 3 && !run_found && !any_response) {
      run_found = true;
      add_review_finding(&r, INFUSE_REVIEW_THREE_NON_IMPROVEMENTS, infusion);
    }
    if (infusion == 1 && p->response) {
      add_review_finding(&r, INFUSE_REVIEW_RESPONSE_AT_1, infusion);
    }
  }
  memcpy(out, &r, sizeof r);
  return INFUSE_OK;
}

const char *infuse_review_finding_name(int code) {
  switch (code) {
#define INFUSE__REVIEW_NAME(name, value, text)                                 \
  case value:                                                                  \
    return text;
    INFUSE_REVIEW_FINDING_MAP(INFUSE__REVIEW_NAME)
#undef INFUSE__REVIEW_NAME
  default:
    return "unknown";
  }
}

static const char *review_text(int code) {
  switch (code) {
  case INFUSE_REVIEW_NO_RESPONSE_AFTER_3:
    return "no response (by default a reduction of at least 50% from "
           "baseline) at infusions 1 to 3; response after more than 3 "
           "infusions is rare when none came before (APA consensus, "
           "Sanacora et al. 2017, via the review article's summary).";
  case INFUSE_REVIEW_NO_IMPROVEMENT_AFTER_4:
    return "no improvement (by default a reduction of at least 20% from "
           "baseline) at infusions 1 to 4, which predicts non-response "
           "(Transl Psychiatry 2024).";
  case INFUSE_REVIEW_THREE_NON_IMPROVEMENTS:
    return "the score has not fallen for 3 infusions in a row (each at or "
           "above the score before it, the first compared with baseline); 3 "
           "non-improvements in a row predict non-response (Transl "
           "Psychiatry 2024; reading non-improvement as no fall from the "
           "previous score is this library's interpretation).";
  case INFUSE_REVIEW_RESPONSE_AT_1:
    return "response after the first infusion; in the review article 66% "
           "of first-infusion responders remitted after 3 infusions, "
           "against 40% of first-infusion non-responders (UNVERIFIED beyond "
           "the review article).";
  default:
    return NULL;
  }
}

size_t infuse_review_finding_message(const infuse_review_finding_t *finding,
                                     char *buf, size_t cap) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, buf, cap);
  if (finding != NULL) {
    const char *text = review_text((int)finding->code);
    if (text == NULL) {
      infuse__sb_puts(&sb, "Unknown review finding.");
    } else {
      infuse__sb_puts(&sb, "Infusion ");
      infuse__sb_int(&sb, finding->infusion);
      infuse__sb_puts(&sb, ": ");
      infuse__sb_puts(&sb, text);
    }
  }
  return infuse__sb_finish(&sb);
}

/* ===========================================================================
 * Exposure ledger
 * ========================================================================= */

/* Site defaults, UNVERIFIED (CLINICAL.md 4 and 6: track infusions and mg
 * per rolling 12 months; no source gives an alert level).
 *  - 26 infusions: one every two weeks for a year. The VA cohort averaged
 *    18 infusions in 12 months (Pfeiffer et al. 2024), and the default
 *    course (6 induction infusions, then the VA-style taper to every 4
 *    weeks) plans fewer than 26 in its first 12 months, so the alert marks
 *    a course denser than fortnightly, not an ordinary one.
 *  - dose: off. A mg figure depends on body weight and the dose per kg, so
 *    no single default fits; a site that wants one sets it. */
#define EXPOSURE_DEFAULT_INFUSIONS 26
#define EXPOSURE_DEFAULT_DOSE_UG 0

int infuse_exposure_init(infuse_exposure_options_t *opt) {
  if (opt == NULL) {
    return INFUSE_E_NULL;
  }
  memset(opt, 0, sizeof *opt);
  opt->struct_size = (uint32_t)sizeof *opt;
  opt->alert_infusions = EXPOSURE_DEFAULT_INFUSIONS;
  opt->alert_dose_ug = EXPOSURE_DEFAULT_DOSE_UG;
  return INFUSE_OK;
}

#define MAX_EVENT_DOSE_NG ((int64_t)INFUSE_MAX_DOSE_UG * 1000)
#define MAX_ALERT_DOSE_UG ((int64_t)INFUSE_MAX_DOSE_UG * INFUSE_MAX_SESSIONS)

static void event_field(char *field, size_t cap, size_t i, const char *name) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, field, cap);
  infuse__sb_puts(&sb, "events[");
  infuse__sb_int(&sb, (int64_t)i);
  infuse__sb_puts(&sb, "].");
  infuse__sb_puts(&sb, name);
  infuse__sb_finish(&sb);
}

static int validate_events(const infuse_exposure_event_t *ev, size_t n,
                           infuse_diag_t *diag) {
  char field[40];
  for (size_t i = 0; i < n; i++) {
    if (ev[i].date < INFUSE_DATE_MIN || ev[i].date > INFUSE_DATE_MAX) {
      event_field(field, sizeof field, i, "date");
      return infuse__check_range(diag, INFUSE_E_RANGE, field, ev[i].date,
                                 INFUSE_DATE_MIN, INFUSE_DATE_MAX,
                                 " (day numbers of 1900-01-01 to 9999-12-31)");
    }
    if (ev[i].dose_ng <= 0 || ev[i].dose_ng > MAX_EVENT_DOSE_NG) {
      event_field(field, sizeof field, i, "dose_ng");
      return infuse__fail_q(diag, INFUSE_E_RANGE, field, ev[i].dose_ng,
                            INFUSE_UNIT_NG,
                            "is outside the accepted doses (more than 0, at "
                            "most 1000000 mg)",
                            NULL, NULL);
    }
    if (i > 0 && ev[i].date < ev[i - 1].date) {
      char text[16];
      (void)infuse_date_format(ev[i].date, text, sizeof text);
      event_field(field, sizeof field, i, "date");
      return infuse__fail(diag, INFUSE_E_INVALID, field, text, text,
                          " is before the date of the event before it; "
                          "events must be in date order",
                          NULL);
    }
  }
  return INFUSE_OK;
}

/* The first day after the window that starts on `date`: date + 12 calendar
 * months (a 29 February start gives 28 February). A window that would end
 * after 9999-12-31 contains every later event, so it is unbounded. */
static int64_t window_end(int32_t date) {
  int32_t end;
  if (infuse_date_add_months(date, 12, &end) != INFUSE_OK) {
    return (int64_t)INFUSE_DATE_MAX + 1;
  }
  return end;
}

/*
 * Totals, and the peaks over every window [d, d + 12 calendar months).
 * A window holding the most infusions (or drug) can always be moved
 * forward to start on the first event it holds without losing any
 * (its end only moves forward too), so only windows starting on an event
 * date are examined: two pointers over the sorted events, O(n). The
 * earliest such window wins a tie. Alerts are strictly above the
 * thresholds; a threshold of 0 is off.
 */
int infuse_exposure_evaluate(const infuse_exposure_event_t *events, size_t n,
                             const infuse_exposure_options_t *opt,
                             infuse_exposure_t *out, infuse_diag_t *diag) {
  if (opt == NULL || out == NULL || (events == NULL && n > 0)) {
    return infuse__fail(diag, INFUSE_E_NULL,
                        opt == NULL   ? "exposure_options"
                        : out == NULL ? "exposure"
                                      : "events",
                        "", "is NULL", NULL, NULL);
  }
  if (opt->struct_size != sizeof(infuse_exposure_options_t)) {
    return struct_size_error(diag, "exposure_options.struct_size",
                             opt->struct_size, "infuse_exposure_options_t");
  }
  if (out->struct_size != sizeof(infuse_exposure_t)) {
    return struct_size_error(diag, "exposure.struct_size", out->struct_size,
                             "infuse_exposure_t");
  }
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE,
                                  "exposure_options.alert_infusions",
                                  opt->alert_infusions, 0, INFUSE_MAX_SESSIONS,
                                  " (0 turns the alert off)"));
  if (opt->alert_dose_ug < 0 || opt->alert_dose_ug > MAX_ALERT_DOSE_UG) {
    return infuse__fail_q(diag, INFUSE_E_RANGE,
                          "exposure_options.alert_dose_ug", opt->alert_dose_ug,
                          INFUSE_UNIT_UG, "is outside 0 (off) to 1000000000 mg",
                          NULL, NULL);
  }
  if (n > INFUSE_MAX_SESSIONS) {
    return infuse__fail_q(diag, INFUSE_E_RANGE, "n",
                          n > (size_t)INT32_MAX ? INT32_MAX : (int64_t)n,
                          INFUSE_UNIT_COUNT,
                          "is more events than the library accepts (at most "
                          "1000)",
                          NULL, NULL);
  }
  INFUSE__TRY(validate_events(events, n, diag));

  infuse_exposure_t x;
  memset(&x, 0, sizeof x);
  x.struct_size = (uint32_t)sizeof x;
  x.total_infusions = (int32_t)n;
  /* Sums stay below 1000 x 1e12 ng, far inside int64. */
  int64_t window_dose = 0;
  size_t j = 0; /* first event not in the current window */
  for (size_t i = 0; i < n; i++) {
    x.total_dose_ng += events[i].dose_ng;
    int64_t end = window_end(events[i].date);
    while (j < n && events[j].date < end) {
      window_dose += events[j].dose_ng;
      j++;
    }
    int32_t count = (int32_t)(j - i);
    if (count > x.peak_infusions) {
      x.peak_infusions = count;
      x.peak_infusions_start = events[i].date;
    }
    if (window_dose > x.peak_dose_ng) {
      x.peak_dose_ng = window_dose;
      x.peak_dose_start = events[i].date;
    }
    window_dose -= events[i].dose_ng; /* the next window starts after i */
  }
  x.alert_infusions =
      opt->alert_infusions != 0 && x.peak_infusions > opt->alert_infusions;
  x.alert_dose =
      opt->alert_dose_ug != 0 && x.peak_dose_ng > opt->alert_dose_ug * 1000;
  memcpy(out, &x, sizeof x);
  return INFUSE_OK;
}

/* ===========================================================================
 * Selection screen
 * ========================================================================= */

/* Site defaults. The TRD criterion is sourced; the vital-sign thresholds
 * are UNVERIFIED site choices (CLINICAL.md 6: "no verified guideline
 * numbers").
 *  - min_failed_trials 2: TRD is failure of >= 2 adequate antidepressant
 *    trials (review article).
 *  - 160/100 mmHg: the FDA label reports mean rises of +3 to +16 mmHg
 *    systolic during the infusion; starting at or below 160/100 keeps the
 *    expected peak under 180 mmHg. A common clinic choice, not a guideline.
 *  - 110 bpm: clear tachycardia before the infusion. Site choice. */
int infuse_screen_init(infuse_screen_thresholds_t *thresholds) {
  if (thresholds == NULL) {
    return INFUSE_E_NULL;
  }
  memset(thresholds, 0, sizeof *thresholds);
  thresholds->struct_size = (uint32_t)sizeof *thresholds;
  thresholds->min_failed_trials = 2;
  thresholds->max_systolic_mmhg = 160;
  thresholds->max_diastolic_mmhg = 100;
  thresholds->max_heart_rate_bpm = 110;
  return INFUSE_OK;
}

/* 0 (not measured / off), or lo..hi. */
static int check_vital(infuse_diag_t *diag, const char *field, int32_t v,
                       int32_t lo, int32_t hi, const char *zero) {
  if (v == 0) {
    return INFUSE_OK;
  }
  return infuse__check_range(diag, INFUSE_E_RANGE, field, v, lo, hi, zero);
}

static int check_flag(infuse_diag_t *diag, const char *field, int32_t v) {
  if (v >= -1 && v <= 1) {
    return INFUSE_OK;
  }
  return infuse__fail_q(diag, INFUSE_E_RANGE, field, v, INFUSE_UNIT_COUNT,
                        "is not 1 (yes), 0 (no) or -1 (unknown)", NULL, NULL);
}

static int validate_screen(const infuse_screen_input_t *in,
                           const infuse_screen_thresholds_t *t,
                           infuse_diag_t *diag) {
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE, "screen.failed_trials",
                                  in->failed_trials, -1, 50, " (-1 unknown)"));
  INFUSE__TRY(
      check_flag(diag, "screen.psychotic_symptoms", in->psychotic_symptoms));
  INFUSE__TRY(
      check_flag(diag, "screen.substance_misuse", in->substance_misuse));
  INFUSE__TRY(
      check_flag(diag, "screen.unstable_medical", in->unstable_medical));
  INFUSE__TRY(check_vital(diag, "screen.systolic_mmhg", in->systolic_mmhg, 40,
                          300, " mmHg (0 not measured)"));
  INFUSE__TRY(check_vital(diag, "screen.diastolic_mmhg", in->diastolic_mmhg, 40,
                          300, " mmHg (0 not measured)"));
  INFUSE__TRY(check_vital(diag, "screen.heart_rate_bpm", in->heart_rate_bpm, 20,
                          250, " bpm (0 not measured)"));
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE,
                                  "thresholds.min_failed_trials",
                                  t->min_failed_trials, 0, 50, NULL));
  INFUSE__TRY(check_vital(diag, "thresholds.max_systolic_mmhg",
                          t->max_systolic_mmhg, 40, 300, " mmHg (0 off)"));
  INFUSE__TRY(check_vital(diag, "thresholds.max_diastolic_mmhg",
                          t->max_diastolic_mmhg, 40, 300, " mmHg (0 off)"));
  INFUSE__TRY(check_vital(diag, "thresholds.max_heart_rate_bpm",
                          t->max_heart_rate_bpm, 20, 250, " bpm (0 off)"));
  return INFUSE_OK;
}

static void add_screen_finding(infuse_screen_t *s, infuse_screen_code_t code,
                               int32_t value, int32_t limit) {
  /* At most 8 findings exist (each code once), within findings[12]. */
  infuse_screen_finding_t *f = &s->findings[s->n_findings++];
  f->code = code;
  f->value = value;
  f->limit = limit;
}

/* A measured vital sign strictly above a threshold that is set. */
static void check_high(infuse_screen_t *s, infuse_screen_code_t code,
                       int32_t value, int32_t limit, int32_t *unmeasured) {
  if (value == 0) {
    (*unmeasured)++;
  } else if (limit != 0 && value > limit) {
    add_screen_finding(s, code, value, limit);
  }
}

/*
 * The rules (CLINICAL.md 6), findings in code order:
 *  - TRD_NOT_MET: failed_trials known and below min_failed_trials (TRD:
 *    failed >= 2 adequate antidepressant trials; review article).
 *  - PSYCHOTIC_SYMPTOMS, SUBSTANCE_MISUSE, UNSTABLE_MEDICAL: the flag is 1
 *    (the review article's selection criteria exclude each).
 *  - SYSTOLIC_HIGH, DIASTOLIC_HIGH, HEART_RATE_HIGH: measured and strictly
 *    above the site threshold (the FDA label: blood pressure rises during
 *    the infusion; the numbers are site choices). A threshold of 0 is off.
 *  - NOT_ASSESSED: value = how many of the 7 items are unknown (-1) or not
 *    measured (0).
 */
int infuse_screen_evaluate(const infuse_screen_input_t *in,
                           const infuse_screen_thresholds_t *t,
                           infuse_screen_t *out, infuse_diag_t *diag) {
  if (in == NULL || t == NULL || out == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL,
                        in == NULL  ? "screen_input"
                        : t == NULL ? "thresholds"
                                    : "screen",
                        "", "is NULL", NULL, NULL);
  }
  if (in->struct_size != sizeof(infuse_screen_input_t)) {
    return struct_size_error(diag, "screen_input.struct_size", in->struct_size,
                             "infuse_screen_input_t");
  }
  if (t->struct_size != sizeof(infuse_screen_thresholds_t)) {
    return struct_size_error(diag, "thresholds.struct_size", t->struct_size,
                             "infuse_screen_thresholds_t");
  }
  if (out->struct_size != sizeof(infuse_screen_t)) {
    return struct_size_error(diag, "screen.struct_size", out->struct_size,
                             "infuse_screen_t");
  }
  INFUSE__TRY(validate_screen(in, t, diag));

  infuse_screen_t s;
  memset(&s, 0, sizeof s);
  s.struct_size = (uint32_t)sizeof s;
  int32_t unknown = 0;
  if (in->failed_trials < 0) {
    unknown++;
  } else if (in->failed_trials < t->min_failed_trials) {
    add_screen_finding(&s, INFUSE_SCREEN_TRD_NOT_MET, in->failed_trials,
                       t->min_failed_trials);
  }
  const int32_t flags[3] = {in->psychotic_symptoms, in->substance_misuse,
                            in->unstable_medical};
  const infuse_screen_code_t flag_codes[3] = {INFUSE_SCREEN_PSYCHOTIC_SYMPTOMS,
                                              INFUSE_SCREEN_SUBSTANCE_MISUSE,
                                              INFUSE_SCREEN_UNSTABLE_MEDICAL};
  for (int i = 0; i < 3; i++) {
    if (flags[i] < 0) {
      unknown++;
    } else if (flags[i] == 1) {
      add_screen_finding(&s, flag_codes[i], 0, 0);
    }
  }
  check_high(&s, INFUSE_SCREEN_SYSTOLIC_HIGH, in->systolic_mmhg,
             t->max_systolic_mmhg, &unknown);
  check_high(&s, INFUSE_SCREEN_DIASTOLIC_HIGH, in->diastolic_mmhg,
             t->max_diastolic_mmhg, &unknown);
  check_high(&s, INFUSE_SCREEN_HEART_RATE_HIGH, in->heart_rate_bpm,
             t->max_heart_rate_bpm, &unknown);
  if (unknown > 0) {
    add_screen_finding(&s, INFUSE_SCREEN_NOT_ASSESSED, unknown, 0);
  }
  memcpy(out, &s, sizeof s);
  return INFUSE_OK;
}

const char *infuse_screen_finding_name(int code) {
  switch (code) {
#define INFUSE__SCREEN_NAME(name, value, text)                                 \
  case value:                                                                  \
    return text;
    INFUSE_SCREEN_FINDING_MAP(INFUSE__SCREEN_NAME)
#undef INFUSE__SCREEN_NAME
  default:
    return "unknown";
  }
}

static void put_vital(infuse__sb_t *sb, const char *what, int32_t value,
                      int32_t limit, const char *unit, const char *why) {
  infuse__sb_puts(sb, what);
  infuse__sb_int(sb, value);
  infuse__sb_puts(sb, unit);
  infuse__sb_puts(sb, " is above the site threshold of ");
  infuse__sb_int(sb, limit);
  infuse__sb_puts(sb, unit);
  infuse__sb_puts(sb, why);
}

size_t infuse_screen_finding_message(const infuse_screen_finding_t *finding,
                                     char *buf, size_t cap) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, buf, cap);
  if (finding == NULL) {
    return infuse__sb_finish(&sb);
  }
  const infuse_screen_finding_t *f = finding;
  switch (f->code) {
  case INFUSE_SCREEN_TRD_NOT_MET:
    infuse__sb_puts(&sb, "Treatment resistance not shown: ");
    infuse__sb_int(&sb, f->value);
    infuse__sb_puts(&sb, f->value == 1 ? " failed adequate antidepressant "
                                         "trial, fewer than "
                                       : " failed adequate antidepressant "
                                         "trials, fewer than ");
    infuse__sb_int(&sb, f->limit);
    infuse__sb_puts(&sb, " (TRD: failed at least 2 adequate trials; review "
                         "article).");
    break;
  case INFUSE_SCREEN_PSYCHOTIC_SYMPTOMS:
    infuse__sb_puts(&sb, "Psychotic symptoms are present; the selection "
                         "criteria for ketamine in TRD exclude them (review "
                         "article).");
    break;
  case INFUSE_SCREEN_SUBSTANCE_MISUSE:
    infuse__sb_puts(&sb, "Significant substance misuse is present; the "
                         "selection criteria for ketamine in TRD exclude it "
                         "(review article).");
    break;
  case INFUSE_SCREEN_UNSTABLE_MEDICAL:
    infuse__sb_puts(&sb, "An unstable medical condition is present; the "
                         "selection criteria for ketamine in TRD exclude it "
                         "(review article).");
    break;
  case INFUSE_SCREEN_SYSTOLIC_HIGH:
    put_vital(&sb, "Pre-infusion systolic blood pressure ", f->value, f->limit,
              " mmHg",
              "; blood pressure rises during the infusion (FDA label), and "
              "the threshold is a site choice, not a guideline value.");
    break;
  case INFUSE_SCREEN_DIASTOLIC_HIGH:
    put_vital(&sb, "Pre-infusion diastolic blood pressure ", f->value, f->limit,
              " mmHg",
              "; blood pressure rises during the infusion (FDA label), and "
              "the threshold is a site choice, not a guideline value.");
    break;
  case INFUSE_SCREEN_HEART_RATE_HIGH:
    put_vital(&sb, "Pre-infusion heart rate ", f->value, f->limit, " bpm",
              "; the threshold is a site choice, not a guideline value.");
    break;
  case INFUSE_SCREEN_NOT_ASSESSED:
    infuse__sb_int(&sb, f->value);
    infuse__sb_puts(&sb, f->value == 1 ? " of the 7 screening items is"
                                       : " of the 7 screening items are");
    infuse__sb_puts(&sb, " unknown or not measured; the screen is "
                         "incomplete.");
    break;
  default:
    infuse__sb_puts(&sb, "Unknown screening finding.");
    break;
  }
  return infuse__sb_finish(&sb);
}
