/*
 * fuzz_review.c - infuse_review_evaluate, infuse_exposure_evaluate and
 * infuse_screen_evaluate on inputs decoded from the bytes, each compared
 * with a second, independent implementation of its rules written here.
 *
 * Input layout (reads past the end give zeros):
 *   byte 0   bits 0-2: which of review, exposure, screen run;
 *            bit 3: wrong struct sizes; bit 4: NULL diagnostics
 *   then     review: scale, option overrides, baseline, score count and
 *            scores; exposure: options, count, then per event a date step
 *            (sometimes backwards) and a dose; screen: the seven items and
 *            the four thresholds (selector + value each, mostly in range).
 *
 * Invariants: statuses in the documented set; on an error the output is
 * untouched and the diagnostic filled; on success every field equals the
 * reference's (points, first response and remission, findings in order,
 * each once; totals, peaks and alerts over 12-month windows; screen
 * findings in code order with NOT_ASSESSED's count), unused entries zero,
 * and the message functions keep their buffer contract.
 */
#include "fuzz_common.h"

static const int review_statuses[] = {INFUSE_OK, INFUSE_E_NULL,
                                      INFUSE_E_STRUCT_SIZE, INFUSE_E_RANGE,
                                      INFUSE_E_INVALID};

static size_t review_message(const void *f, char *buf, size_t cap) {
  return infuse_review_finding_message(f, buf, cap);
}
static size_t screen_message(const void *f, char *buf, size_t cap) {
  return infuse_screen_finding_message(f, buf, cap);
}

/* ---- review ---------------------------------------------------------------
 */
static void review_reference(const infuse_review_options_t *o, int32_t b,
                             const int32_t *s, size_t n, infuse_review_t *r) {
  memset(r, 0, sizeof *r);
  r->struct_size = (uint32_t)sizeof *r;
  r->scale = o->scale;
  r->baseline = b;
  r->n_points = (int32_t)n;
  bool response_seen = false, improved_seen = false, run_reported = false;
  int32_t run = 0;
  for (size_t i = 0; i < n; i++) {
    infuse_review_point_t *p = &r->points[i];
    int32_t inf = (int32_t)i + 1;
    p->infusion = inf;
    p->score = s[i];
    /* nearest((b - s) x 1000 / b), ties away from zero */
    int32_t num = (b - s[i]) * 1000;
    int32_t mag = num < 0 ? -num : num;
    int32_t q = mag / b + (2 * (mag % b) >= b ? 1 : 0);
    p->reduction_permille = num < 0 ? -q : q;
    p->improved = (int64_t)(b - s[i]) * 100 >= (int64_t)o->improvement_pct * b;
    p->partial = (int64_t)(b - s[i]) * 100 >= (int64_t)o->partial_pct * b;
    p->response = (int64_t)(b - s[i]) * 100 >= (int64_t)o->response_pct * b;
    p->remission = s[i] <= o->remission_max;
    if (p->response && r->first_response == 0) {
      r->first_response = inf;
    }
    if (p->remission && r->first_remission == 0) {
      r->first_remission = inf;
    }
    response_seen = response_seen || p->response;
    improved_seen = improved_seen || p->improved;
    int32_t prev = i == 0 ? b : s[i - 1];
    run = s[i] >= prev ? run + 1 : 0;
    if (inf == 3 && !response_seen) {
      r->findings[r->n_findings].code = INFUSE_REVIEW_NO_RESPONSE_AFTER_3;
      r->findings[r->n_findings++].infusion = inf;
    }
    if (inf == 4 && !improved_seen) {
      r->findings[r->n_findings].code = INFUSE_REVIEW_NO_IMPROVEMENT_AFTER_4;
      r->findings[r->n_findings++].infusion = inf;
    }
    if (run >= 3 && !run_reported && !response_seen) {
      run_reported = true;
      r->findings[r->n_findings].code = INFUSE_REVIEW_THREE_NON_IMPROVEMENTS;
      r->findings[r->n_findings++].infusion = inf;
    }
    if (inf == 1 && p->response) {
      r->findings[r->n_findings].code = INFUSE_REVIEW_RESPONSE_AT_1;
      r->findings[r->n_findings++].infusion = inf;
    }
  }
}

static void fuzz_review(fz_t *f, bool sizes, bool no_diag) {
  infuse_review_options_t o;
  uint8_t scale = fz_u8(f) % 3u;
  int rc_init = infuse_review_init(&o, (infuse_scale_t)scale);
  if (scale == 2) {
    FZ_CHECK(rc_init == INFUSE_E_INVALID);
    FZ_CHECK(infuse_review_init(&o, INFUSE_SCALE_MADRS) == INFUSE_OK);
    o.scale = (infuse_scale_t)2;
  } else {
    FZ_CHECK(rc_init == INFUSE_OK);
  }
  int32_t max = o.scale == INFUSE_SCALE_PHQ9 ? 27 : 60;
  uint8_t which = fz_u8(f);
  if ((which & 1u) != 0) {
    o.improvement_pct = fz_pick32(f, 0, 101);
  }
  if ((which & 2u) != 0) {
    o.partial_pct = fz_pick32(f, 0, 101);
  }
  if ((which & 4u) != 0) {
    o.response_pct = fz_pick32(f, 0, 101);
  }
  if ((which & 8u) != 0) {
    o.remission_max = fz_pick32(f, -1, max + 1);
  }
  int32_t baseline = fz_pick32(f, 0, max + 1);
  size_t n = (size_t)(fz_u8(f) % (INFUSE_MAX_SCORES + 3));
  int32_t *scores = malloc((n > 0 ? n : 1) * sizeof *scores);
  if (scores == NULL) {
    abort();
  }
  for (size_t i = 0; i < n; i++) {
    uint8_t b = fz_u8(f);
    scores[i] = b < 250 ? (int32_t)(b % (unsigned)(max + 1))
                        : fz_pick32(f, -1, max + 1);
  }

  infuse_review_t *r = malloc(sizeof *r);
  infuse_review_t *before = malloc(sizeof *before);
  infuse_review_t *ref = malloc(sizeof *ref);
  if (r == NULL || before == NULL || ref == NULL) {
    abort();
  }
  memset(r, 0xc3, sizeof *r);
  r->struct_size = (uint32_t)sizeof *r;
  if (sizes) {
    if (fz_bool(f)) {
      r->struct_size = fz_u32(f);
    } else {
      o.struct_size = fz_u32(f);
    }
  }
  memcpy(before, r, sizeof *r);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_review_evaluate(&o, baseline, n > 0 ? scores : NULL, n, r,
                                  no_diag ? NULL : &d);
  FZ_CHECK(fz_status_in(rc, review_statuses,
                        sizeof review_statuses / sizeof review_statuses[0]));
  bool valid =
      o.struct_size == sizeof o && before->struct_size == sizeof *r &&
      (o.scale == INFUSE_SCALE_MADRS || o.scale == INFUSE_SCALE_PHQ9) &&
      o.improvement_pct >= 1 && o.improvement_pct <= 100 &&
      o.partial_pct >= o.improvement_pct && o.partial_pct <= 100 &&
      o.response_pct >= o.partial_pct && o.response_pct <= 100 &&
      o.remission_max >= 0 && o.remission_max <= max && baseline >= 1 &&
      baseline <= max && n <= INFUSE_MAX_SCORES;
  for (size_t i = 0; valid && i < n; i++) {
    valid = scores[i] >= 0 && scores[i] <= max;
  }
  FZ_CHECK((rc == INFUSE_OK) == valid);
  if (rc != INFUSE_OK) {
    FZ_CHECK(memcmp(r, before, sizeof *r) == 0);
    if (!no_diag) {
      fz_check_diag(&d, rc);
    }
  } else {
    review_reference(&o, baseline, scores, n, ref);
    FZ_CHECK(r->n_findings >= 0 && r->n_findings <= 4);
    FZ_CHECK(r->first_response == 0 ||
             (r->first_response >= 1 && r->first_response <= r->n_points &&
              r->points[r->first_response - 1].response));
    FZ_CHECK(memcmp(r, ref, sizeof *r) == 0);
    for (int32_t i = 1; i < r->n_findings; i++) {
      const infuse_review_finding_t *a = &r->findings[i - 1];
      const infuse_review_finding_t *b = &r->findings[i];
      FZ_CHECK(a->infusion < b->infusion ||
               (a->infusion == b->infusion && a->code < b->code));
    }
    for (int32_t i = 0; i < r->n_findings; i++) {
      FZ_CHECK(strcmp(infuse_review_finding_name((int)r->findings[i].code),
                      "unknown") != 0);
      (void)fz_check_format(review_message, &r->findings[i], fz_u8(f), NULL, 0);
    }
  }
  free(scores);
  free(r);
  free(before);
  free(ref);
}

/* ---- exposure -------------------------------------------------------------
 */
static int64_t window_end(int32_t date) {
  int32_t end;
  return infuse_date_add_months(date, 12, &end) == INFUSE_OK
             ? end
             : (int64_t)INFUSE_DATE_MAX + 1;
}

static void fuzz_exposure(fz_t *f, bool sizes, bool no_diag) {
  infuse_exposure_options_t o;
  FZ_CHECK(infuse_exposure_init(&o) == INFUSE_OK);
  uint8_t which = fz_u8(f);
  if ((which & 1u) != 0) {
    o.alert_infusions = fz_pick32(f, 0, 40);
  }
  if ((which & 2u) != 0) {
    o.alert_dose_ug = fz_pick(f, 0, 5000000);
  }
  size_t n = (which & 4u) != 0 ? (size_t)(fz_u16(f) % 1003u)
                               : (size_t)(fz_u8(f) % 40u);
  infuse_exposure_event_t *ev = malloc((n > 0 ? n : 1) * sizeof *ev);
  if (ev == NULL) {
    abort();
  }
  int32_t date = (which & 8u) != 0
                     ? INFUSE_DATE_MAX - (int32_t)(fz_u16(f) % 2000u)
                     : fz_pick32(f, 19000, 22000);
  for (size_t i = 0; i < n; i++) {
    uint8_t b = fz_u8(f);
    if (b == 255) {
      date = fz_pick32(f, INFUSE_DATE_MIN - 1, INFUSE_DATE_MAX + 1);
    } else if (b == 254 && date > INT32_MIN) {
      date -= 1; /* out of order */
    } else if (date <= INFUSE_DATE_MAX) {
      date += (int32_t)(b % 30u);
    }
    ev[i].date = date;
    uint8_t k = fz_u8(f);
    ev[i].dose_ng = k < 250
                        ? ((int64_t)k + 1) * 1000000
                        : fz_pick(f, 0, (int64_t)INFUSE_MAX_DOSE_UG * 1000 + 1);
  }
  infuse_exposure_t x, before;
  memset(&x, 0xc3, sizeof x);
  x.struct_size = (uint32_t)sizeof x;
  if (sizes) {
    if (fz_bool(f)) {
      x.struct_size = fz_u32(f);
    } else {
      o.struct_size = fz_u32(f);
    }
  }
  memcpy(&before, &x, sizeof x);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_exposure_evaluate(n > 0 ? ev : NULL, n, &o, &x,
                                    no_diag ? NULL : &d);
  FZ_CHECK(fz_status_in(rc, review_statuses,
                        sizeof review_statuses / sizeof review_statuses[0]));
  bool valid = o.struct_size == sizeof o && before.struct_size == sizeof x &&
               o.alert_infusions >= 0 && o.alert_infusions <= 1000 &&
               o.alert_dose_ug >= 0 && o.alert_dose_ug <= 1000000000000 &&
               n <= INFUSE_MAX_SESSIONS;
  for (size_t i = 0; valid && i < n; i++) {
    valid = ev[i].date >= INFUSE_DATE_MIN && ev[i].date <= INFUSE_DATE_MAX &&
            ev[i].dose_ng > 0 &&
            ev[i].dose_ng <= (int64_t)INFUSE_MAX_DOSE_UG * 1000 &&
            (i == 0 || ev[i].date >= ev[i - 1].date);
  }
  FZ_CHECK((rc == INFUSE_OK) == valid);
  if (rc != INFUSE_OK) {
    FZ_CHECK(memcmp(&x, &before, sizeof x) == 0);
    if (!no_diag) {
      fz_check_diag(&d, rc);
    }
    free(ev);
    return;
  }
  /* reference: every window starting on an event date, O(n^2) */
  int64_t total = 0, peak_dose = 0;
  int32_t peak_n = 0, peak_n_start = 0, peak_dose_start = 0;
  for (size_t i = 0; i < n; i++) {
    total += ev[i].dose_ng;
    int64_t end = window_end(ev[i].date);
    int32_t count = 0;
    int64_t dose = 0;
    for (size_t j = 0; j < n; j++) {
      if (ev[j].date >= ev[i].date && ev[j].date < end) {
        count++;
        dose += ev[j].dose_ng;
      }
    }
    if (count > peak_n) {
      peak_n = count;
      peak_n_start = ev[i].date;
    }
    if (dose > peak_dose) {
      peak_dose = dose;
      peak_dose_start = ev[i].date;
    }
  }
  FZ_CHECK(x.struct_size == sizeof x);
  FZ_CHECK(x.total_infusions == (int32_t)n);
  FZ_CHECK(x.total_dose_ng == total);
  FZ_CHECK(x.peak_infusions == peak_n);
  FZ_CHECK(x.peak_infusions_start == peak_n_start);
  FZ_CHECK(x.peak_dose_ng == peak_dose);
  FZ_CHECK(x.peak_dose_start == peak_dose_start);
  FZ_CHECK(x.alert_infusions ==
           (o.alert_infusions != 0 && peak_n > o.alert_infusions));
  FZ_CHECK(x.alert_dose ==
           (o.alert_dose_ug != 0 && peak_dose > o.alert_dose_ug * 1000));
  free(ev);
}

/* ---- screen ---------------------------------------------------------------
 */
static void fuzz_screen(fz_t *f, bool sizes, bool no_diag) {
  infuse_screen_input_t in;
  memset(&in, 0, sizeof in);
  in.struct_size = (uint32_t)sizeof in;
  in.failed_trials = fz_pick32(f, -2, 51);
  in.psychotic_symptoms = fz_pick32(f, -2, 2);
  in.substance_misuse = fz_pick32(f, -2, 2);
  in.unstable_medical = fz_pick32(f, -2, 2);
  in.systolic_mmhg = fz_pick32(f, 0, 301);
  in.diastolic_mmhg = fz_pick32(f, 0, 301);
  in.heart_rate_bpm = fz_pick32(f, 0, 251);
  infuse_screen_thresholds_t t;
  FZ_CHECK(infuse_screen_init(&t) == INFUSE_OK);
  uint8_t which = fz_u8(f);
  if ((which & 1u) != 0) {
    t.min_failed_trials = fz_pick32(f, -1, 51);
  }
  if ((which & 2u) != 0) {
    t.max_systolic_mmhg = fz_pick32(f, 0, 301);
  }
  if ((which & 4u) != 0) {
    t.max_diastolic_mmhg = fz_pick32(f, 0, 301);
  }
  if ((which & 8u) != 0) {
    t.max_heart_rate_bpm = fz_pick32(f, 0, 251);
  }
  infuse_screen_t s, before;
  memset(&s, 0xc3, sizeof s);
  s.struct_size = (uint32_t)sizeof s;
  if (sizes) {
    switch (fz_u8(f) % 3u) {
    case 0:
      s.struct_size = fz_u32(f);
      break;
    case 1:
      in.struct_size = fz_u32(f);
      break;
    default:
      t.struct_size = fz_u32(f);
      break;
    }
  }
  memcpy(&before, &s, sizeof s);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_screen_evaluate(&in, &t, &s, no_diag ? NULL : &d);
  FZ_CHECK(fz_status_in(rc, review_statuses,
                        sizeof review_statuses / sizeof review_statuses[0]));
#define VITAL(v, lo, hi) ((v) == 0 || ((v) >= (lo) && (v) <= (hi)))
#define FLAG(v) ((v) >= -1 && (v) <= 1)
  bool valid =
      in.struct_size == sizeof in && t.struct_size == sizeof t &&
      before.struct_size == sizeof s && in.failed_trials >= -1 &&
      in.failed_trials <= 50 && FLAG(in.psychotic_symptoms) &&
      FLAG(in.substance_misuse) && FLAG(in.unstable_medical) &&
      VITAL(in.systolic_mmhg, 40, 300) && VITAL(in.diastolic_mmhg, 40, 300) &&
      VITAL(in.heart_rate_bpm, 20, 250) && t.min_failed_trials >= 0 &&
      t.min_failed_trials <= 50 && VITAL(t.max_systolic_mmhg, 40, 300) &&
      VITAL(t.max_diastolic_mmhg, 40, 300) &&
      VITAL(t.max_heart_rate_bpm, 20, 250);
#undef VITAL
#undef FLAG
  FZ_CHECK((rc == INFUSE_OK) == valid);
  if (rc != INFUSE_OK) {
    FZ_CHECK(memcmp(&s, &before, sizeof s) == 0);
    if (!no_diag) {
      fz_check_diag(&d, rc);
    }
    return;
  }
  /* reference */
  infuse_screen_t ref;
  memset(&ref, 0, sizeof ref);
  ref.struct_size = (uint32_t)sizeof ref;
  int32_t unknown = 0;
#define ADD(c, v, l)                                                           \
  do {                                                                         \
    ref.findings[ref.n_findings].code = (c);                                   \
    ref.findings[ref.n_findings].value = (v);                                  \
    ref.findings[ref.n_findings++].limit = (l);                                \
  } while (0)
  if (in.failed_trials == -1) {
    unknown++;
  } else if (in.failed_trials < t.min_failed_trials) {
    ADD(INFUSE_SCREEN_TRD_NOT_MET, in.failed_trials, t.min_failed_trials);
  }
  unknown += (in.psychotic_symptoms == -1) + (in.substance_misuse == -1) +
             (in.unstable_medical == -1);
  if (in.psychotic_symptoms == 1) {
    ADD(INFUSE_SCREEN_PSYCHOTIC_SYMPTOMS, 0, 0);
  }
  if (in.substance_misuse == 1) {
    ADD(INFUSE_SCREEN_SUBSTANCE_MISUSE, 0, 0);
  }
  if (in.unstable_medical == 1) {
    ADD(INFUSE_SCREEN_UNSTABLE_MEDICAL, 0, 0);
  }
  const int32_t v[3] = {in.systolic_mmhg, in.diastolic_mmhg, in.heart_rate_bpm};
  const int32_t l[3] = {t.max_systolic_mmhg, t.max_diastolic_mmhg,
                        t.max_heart_rate_bpm};
  const infuse_screen_code_t c[3] = {INFUSE_SCREEN_SYSTOLIC_HIGH,
                                     INFUSE_SCREEN_DIASTOLIC_HIGH,
                                     INFUSE_SCREEN_HEART_RATE_HIGH};
  for (int i = 0; i < 3; i++) {
    if (v[i] == 0) {
      unknown++;
    } else if (l[i] != 0 && v[i] > l[i]) {
      ADD(c[i], v[i], l[i]);
    }
  }
  if (unknown > 0) {
    ADD(INFUSE_SCREEN_NOT_ASSESSED, unknown, 0);
  }
#undef ADD
  FZ_CHECK(s.n_findings >= 0 && s.n_findings <= 8);
  FZ_CHECK(memcmp(&s, &ref, sizeof s) == 0);
  for (int32_t i = 0; i < s.n_findings; i++) {
    FZ_CHECK(i == 0 || s.findings[i - 1].code < s.findings[i].code);
    (void)fz_check_format(screen_message, &s.findings[i], fz_u8(f), NULL, 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192) {
    return 0;
  }
  fz_t f = {data, size};
  uint8_t flags = fz_u8(&f);
  bool sizes = (flags & 8u) != 0, no_diag = (flags & 16u) != 0;
  if ((flags & 1u) != 0) {
    fuzz_review(&f, sizes, no_diag);
  }
  if ((flags & 2u) != 0) {
    fuzz_exposure(&f, sizes, no_diag);
  }
  if ((flags & 4u) != 0) {
    fuzz_screen(&f, sizes, no_diag);
  }
  return 0;
}
