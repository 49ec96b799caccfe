/*
 * test_review.c - response-guided review, exposure ledger, selection
 * screen.
 *
 * Every expected number below was worked out by hand from the rules in
 * include/infuse.h and lib/review.c (sources in CLINICAL.md 3-6); the
 * arithmetic is written next to the rows. Nothing was copied from the
 * library's output. The exposure peak is also checked against an
 * independent O(n^2) brute force (and an all-days scan) over random event
 * lists.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <infuse.h>

#define N_ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MG 1000000 /* ng per mg */

static int32_t D(int y, int m, int d) {
  int32_t out = 0;
  int rc = infuse_date_from_ymd(y, m, d, &out);
  ck_assert_msg(rc == INFUSE_OK, "date %d-%d-%d: %d", y, m, d, rc);
  return out;
}

/* The diag of an error: the status, the expected field, a message. */
static void check_diag(const infuse_diag_t *d, int status, const char *field,
                       const char *name) {
  ck_assert_msg(d->status == status, "%s: diag.status %d, expected %d", name,
                d->status, status);
  ck_assert_msg(strcmp(d->field, field) == 0, "%s: diag.field '%s', want '%s'",
                name, d->field, field);
  ck_assert_msg(strlen(d->message) > strlen(field) + 2,
                "%s: diag.message '%s' is empty", name, d->message);
  ck_assert_msg(memchr(d->message, '\0', sizeof d->message) != NULL,
                "%s: message not terminated", name);
}

/* =========================================================================
 * Review: defaults
 * ======================================================================= */

START_TEST(review_init_defaults) {
  infuse_review_options_t o;
  ck_assert_int_eq(infuse_review_init(&o, INFUSE_SCALE_MADRS), INFUSE_OK);
  ck_assert_uint_eq(o.struct_size, sizeof o);
  ck_assert_int_eq(o.scale, INFUSE_SCALE_MADRS);
  ck_assert_int_eq(o.improvement_pct, 20); /* Transl Psychiatry 2024 */
  ck_assert_int_eq(o.partial_pct, 30);     /* Transl Psychiatry 2024 */
  ck_assert_int_eq(o.response_pct, 50);    /* trials */
  ck_assert_int_eq(o.remission_max, 10);   /* MADRS <= 10: KetECT */
  ck_assert_int_eq(infuse_review_init(&o, INFUSE_SCALE_PHQ9), INFUSE_OK);
  ck_assert_int_eq(o.scale, INFUSE_SCALE_PHQ9);
  ck_assert_int_eq(o.improvement_pct, 20);
  ck_assert_int_eq(o.partial_pct, 30);
  ck_assert_int_eq(o.response_pct, 50);
  ck_assert_int_eq(o.remission_max, 5); /* PHQ-9 <= 5: VA */
}
END_TEST

START_TEST(review_init_errors) {
  infuse_review_options_t o, snap;
  memset(&o, 0xA5, sizeof o);
  memcpy(&snap, &o, sizeof o);
  ck_assert_int_eq(infuse_review_init(&o, (infuse_scale_t)2), INFUSE_E_INVALID);
  ck_assert_int_eq(infuse_review_init(&o, (infuse_scale_t)-1),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(memcmp(&o, &snap, sizeof o), 0);
  ck_assert_int_eq(infuse_review_init(NULL, INFUSE_SCALE_MADRS), INFUSE_E_NULL);
}
END_TEST

/* =========================================================================
 * Review: score sequences
 *
 * flags per point: I improved (>= 20%), P partial (>= 30%), R response
 * (>= 50%), M remission (<= remission_max); '-' where false. The exact
 * comparison is (baseline - score) x 100 >= pct x baseline.
 * ======================================================================= */

typedef infuse_review_finding_t rf_t;

#define NRA3 INFUSE_REVIEW_NO_RESPONSE_AFTER_3
#define NIA4 INFUSE_REVIEW_NO_IMPROVEMENT_AFTER_4
#define TNI INFUSE_REVIEW_THREE_NON_IMPROVEMENTS
#define RA1 INFUSE_REVIEW_RESPONSE_AT_1

typedef struct review_row {
  const char *name;
  infuse_scale_t scale;
  /* overrides of the defaults; 0 keeps the default */
  int32_t improvement_pct, partial_pct, response_pct, remission_max;
  int32_t baseline;
  int n;
  int32_t scores[10];
  int32_t permille[10];
  const char *flags[10];
  int32_t first_response, first_remission;
  int n_findings;
  rf_t findings[4];
} review_row_t;

static const review_row_t review_rows[] = {
    /* A responder holding steady: 14 of 30 is 16/30 = 533.3 -> 533 permille,
     * >= 50% (1600 >= 1500): response at 1; three scores that did not fall
     * after a response are not reported as non-improvements. */
    {"responder_plateau_no_run_finding", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30,
     3, {14, 14, 14}, {533, 533, 533}, {"IPR-", "IPR-", "IPR-"}, 1, 0, 1,
     {{RA1, 1}}},
    /* 24: 6x100 = 600 >= 20x30 = 600 improved (exactly 20%); 21: 900 >=
     * 900 partial (exactly 30%); 15: 1500 >= 1500 response (exactly 50%);
     * 10 <= 10 remission. 20/30 = 666.67 permille -> 667. */
    {"madrs_exactly_at_thresholds", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 4,
     {24, 21, 15, 10}, {200, 300, 500, 667},
     {"I---", "IP--", "IPR-", "IPRM"}, 3, 4, 0, {{0, 0}}},
    /* One point short of each: 25: 500 < 600; 22: 800 < 900; 16: 1400 <
     * 1500; 11 > 10. 5/30 = 166.67 -> 167, 8/30 = 266.67 -> 267, 14/30 =
     * 466.67 -> 467, 19/30 = 633.33 -> 633. No response at 1-3. */
    {"madrs_one_short_of_thresholds", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 4,
     {25, 22, 16, 11}, {167, 267, 467, 633},
     {"----", "I---", "IP--", "IPR-"}, 4, 0, 1, {{NRA3, 3}}},
    /* 30 >= 30 (baseline), 30 >= 30, 32 >= 30: third non-fall at 3. No
     * response at 1-3; no improvement at 1-4 (28: 200 < 600). -2/30 =
     * -66.67 -> -67; 2/30 -> 67; 4/30 = 133.3 -> 133. */
    {"madrs_every_futility_finding", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 5,
     {30, 30, 32, 28, 26}, {0, 0, -67, 67, 133},
     {"----", "----", "----", "----", "----"}, 0, 0, 3,
     {{NRA3, 3}, {TNI, 3}, {NIA4, 4}}},
    /* Eight unchanged scores: each finding once, at its infusion. */
    {"madrs_each_finding_once", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 8,
     {30, 30, 30, 30, 30, 30, 30, 30}, {0, 0, 0, 0, 0, 0, 0, 0},
     {"----", "----", "----", "----", "----", "----", "----", "----"}, 0, 0,
     3, {{NRA3, 3}, {TNI, 3}, {NIA4, 4}}},
    /* 15 at infusion 1: response (1500 >= 1500). 10 remission. 12 >= 10
     * is one non-fall only. 20/30 -> 667, 18/30 = 600. */
    {"madrs_response_at_1", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 3,
     {15, 10, 12}, {500, 667, 600}, {"IPR-", "IPRM", "IPR-"}, 1, 2, 1,
     {{RA1, 1}}},
    /* 16 at infusion 1: 1400 < 1500, no response. n = 1: nothing else. */
    {"madrs_no_response_at_1", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 1, {16},
     {467}, {"IP--"}, 0, 0, 0, {{0, 0}}},
    /* 26, 25, 27, 25: reductions 4, 5, 3, 5 of 30, all < 6 (20%). Runs:
     * falls at 1 and 2, 27 >= 25 one non-fall, 25 < 27 resets. */
    {"madrs_no_improvement_after_4", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 4,
     {26, 25, 27, 25}, {133, 167, 100, 167},
     {"----", "----", "----", "----"}, 0, 0, 2, {{NRA3, 3}, {NIA4, 4}}},
    /* The same but 24 at infusion 4: exactly 20% -> improved, so no
     * NO_IMPROVEMENT_AFTER_4. */
    {"madrs_improvement_exactly_at_4", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 4,
     {26, 25, 27, 24}, {133, 167, 100, 200},
     {"----", "----", "----", "I---"}, 0, 0, 1, {{NRA3, 3}}},
    /* Baseline 40: 30: 1000 >= 800 improved, < 1200 not partial; 25:
     * 1500 >= 1200 partial, < 2000. Runs: 25 >= 25, 26 >= 25, 26 >= 26:
     * third non-fall at 5. */
    {"madrs_three_non_improvements_late", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 40,
     5, {30, 25, 25, 26, 26}, {250, 375, 375, 350, 350},
     {"I---", "IP--", "IP--", "IP--", "IP--"}, 0, 0, 2,
     {{NRA3, 3}, {TNI, 5}}},
    /* Runs: 40 >= 40, 41 >= 40, then 39 < 41 resets; 39, 39, 39: the
     * third non-fall of the new run is infusion 6. -1/40 = -25. */
    {"madrs_run_resets", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 40, 6,
     {40, 41, 39, 39, 39, 39}, {0, -25, 25, 25, 25, 25},
     {"----", "----", "----", "----", "----", "----"}, 0, 0, 3,
     {{NRA3, 3}, {NIA4, 4}, {TNI, 6}}},
    /* Ties: 3 x 1000 / 48 = 62.5 -> 63 (away from zero); worse: -63. */
    {"madrs_permille_ties", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 48, 2, {51, 45},
     {-63, 63}, {"----", "----"}, 0, 0, 0, {{0, 0}}},
    /* Two scores: no rule is due yet. 1000/30 = 33.3 -> -33. */
    {"madrs_two_scores_no_finding", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 2,
     {30, 31}, {0, -33}, {"----", "----"}, 0, 0, 0, {{0, 0}}},
    {"madrs_no_scores", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 30, 0, {0}, {0},
     {NULL}, 0, 0, 0, {{0, 0}}},
    {"madrs_full_scale_drop", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 60, 1, {0},
     {1000}, {"IPRM"}, 1, 1, 1, {{RA1, 1}}},
    /* Baseline 1, score 60: -59 x 1000 / 1 = -59000. */
    {"madrs_worst_possible", INFUSE_SCALE_MADRS, 0, 0, 0, 0, 1, 1, {60},
     {-59000}, {"----"}, 0, 0, 0, {{0, 0}}},
    /* PHQ-9: 12: 800 >= 400, 600, < 1000; 6: 1400 >= 1000 response but 6
     * > 5; 5: remission at 5, not 6. */
    {"phq9_remission_at_5_not_6", INFUSE_SCALE_PHQ9, 0, 0, 0, 0, 20, 3,
     {12, 6, 5}, {400, 700, 750}, {"IP--", "IPR-", "IPRM"}, 2, 3, 0,
     {{0, 0}}},
    /* Baseline 16: 1000/16 = 62.5 -> -63, 63; 3000/16 = 187.5 -> 188.
     * 13: 300 < 320, not improved. 17 >= 16 one non-fall; 15 resets. */
    {"phq9_permille_ties", INFUSE_SCALE_PHQ9, 0, 0, 0, 0, 16, 3, {17, 15, 13},
     {-63, 63, 188}, {"----", "----", "----"}, 0, 0, 1, {{NRA3, 3}}},
    /* A baseline already in the remission range: the futility rules are
     * about reduction from baseline and still fire (documented). */
    {"phq9_baseline_in_remission_range", INFUSE_SCALE_PHQ9, 0, 0, 0, 0, 5, 3,
     {5, 5, 5}, {0, 0, 0}, {"---M", "---M", "---M"}, 0, 1, 2,
     {{NRA3, 3}, {TNI, 3}}},
    {"phq9_full_scale", INFUSE_SCALE_PHQ9, 0, 0, 0, 0, 27, 2, {27, 0},
     {0, 1000}, {"----", "IPRM"}, 2, 2, 0, {{0, 0}}},
    /* Site options: response 60%, remission <= 12 (some trials). 13: 1700
     * < 1800, 13 > 12; 12: 1800 >= 1800 and 12 <= 12. 17/30 = 566.7 ->
     * 567. */
    {"custom_response_60_remission_12", INFUSE_SCALE_MADRS, 0, 0, 60, 12, 30,
     2, {13, 12}, {567, 600}, {"IP--", "IPRM"}, 2, 2, 0, {{0, 0}}},
    /* All three percentages equal (allowed): 25% each. 15 of 20: 500 >=
     * 500. */
    {"custom_equal_percentages", INFUSE_SCALE_MADRS, 25, 25, 25, 0, 20, 1,
     {15}, {250}, {"IPR-"}, 1, 0, 1, {{RA1, 1}}},
};

START_TEST(review_table) {
  const review_row_t *row = &review_rows[_i];
  infuse_review_options_t o;
  ck_assert_int_eq(infuse_review_init(&o, row->scale), INFUSE_OK);
  if (row->improvement_pct != 0) {
    o.improvement_pct = row->improvement_pct;
  }
  if (row->partial_pct != 0) {
    o.partial_pct = row->partial_pct;
  }
  if (row->response_pct != 0) {
    o.response_pct = row->response_pct;
  }
  if (row->remission_max != 0) {
    o.remission_max = row->remission_max;
  }
  infuse_review_t r;
  memset(&r, 0xA5, sizeof r);
  r.struct_size = sizeof r;
  infuse_diag_t d;
  memset(&d, 0x5A, sizeof d);
  infuse_diag_t dsnap = d;
  int rc = infuse_review_evaluate(&o, row->baseline, row->scores,
                                  (size_t)row->n, &r, &d);
  ck_assert_msg(rc == INFUSE_OK, "%s: rc %d (%s)", row->name, rc, d.message);
  ck_assert_msg(memcmp(&d, &dsnap, sizeof d) == 0, "%s: diag touched",
                row->name);
  ck_assert_uint_eq(r.struct_size, sizeof r);
  ck_assert_int_eq(r.scale, row->scale);
  ck_assert_int_eq(r.baseline, row->baseline);
  ck_assert_int_eq(r.n_points, row->n);
  for (int i = 0; i < row->n; i++) {
    const infuse_review_point_t *p = &r.points[i];
    const char *f = row->flags[i];
    ck_assert_msg(p->infusion == i + 1, "%s[%d]: infusion %d", row->name, i,
                  p->infusion);
    ck_assert_int_eq(p->score, row->scores[i]);
    ck_assert_msg(p->reduction_permille == row->permille[i],
                  "%s[%d]: permille %d, expected %d", row->name, i,
                  p->reduction_permille, row->permille[i]);
    ck_assert_msg(p->improved == (f[0] == 'I') && p->partial == (f[1] == 'P') &&
                      p->response == (f[2] == 'R') &&
                      p->remission == (f[3] == 'M'),
                  "%s[%d]: flags %d%d%d%d, expected %s", row->name, i,
                  p->improved, p->partial, p->response, p->remission, f);
  }
  ck_assert_msg(r.first_response == row->first_response,
                "%s: first_response %d", row->name, r.first_response);
  ck_assert_msg(r.first_remission == row->first_remission,
                "%s: first_remission %d", row->name, r.first_remission);
  ck_assert_msg(r.n_findings == row->n_findings, "%s: %d findings, want %d",
                row->name, r.n_findings, row->n_findings);
  for (int i = 0; i < row->n_findings; i++) {
    ck_assert_msg(r.findings[i].code == row->findings[i].code &&
                      r.findings[i].infusion == row->findings[i].infusion,
                  "%s: finding %d is %s at %d, expected %s at %d", row->name,
                  i, infuse_review_finding_name((int)r.findings[i].code),
                  r.findings[i].infusion,
                  infuse_review_finding_name((int)row->findings[i].code),
                  row->findings[i].infusion);
  }
}
END_TEST

/* The whole result of a run with fewer points than the array holds is
 * defined: unused points and findings are zero. */
START_TEST(review_unused_entries_zero) {
  infuse_review_options_t o;
  ck_assert_int_eq(infuse_review_init(&o, INFUSE_SCALE_MADRS), INFUSE_OK);
  infuse_review_t r;
  memset(&r, 0xA5, sizeof r);
  r.struct_size = sizeof r;
  const int32_t s[2] = {20, 10};
  ck_assert_int_eq(infuse_review_evaluate(&o, 30, s, 2, &r, NULL), INFUSE_OK);
  infuse_review_point_t zp;
  memset(&zp, 0, sizeof zp);
  for (int i = 2; i < INFUSE_MAX_SCORES; i++) {
    ck_assert_int_eq(memcmp(&r.points[i], &zp, sizeof zp), 0);
  }
  ck_assert_int_eq(r.n_findings, 0);
  for (int i = 0; i < 8; i++) {
    ck_assert_int_eq(r.findings[i].code, INFUSE_REVIEW_NONE);
    ck_assert_int_eq(r.findings[i].infusion, 0);
  }
}
END_TEST

/* Accepted edges: 64 scores, baseline and scores at the top of the scale,
 * remission_max at the top and at 0, scores NULL when there are none. */
START_TEST(review_accepted_edges) {
  infuse_review_options_t o;
  infuse_review_t r;
  r.struct_size = sizeof r;
  int32_t s[INFUSE_MAX_SCORES];
  for (int i = 0; i < INFUSE_MAX_SCORES; i++) {
    s[i] = 60;
  }
  ck_assert_int_eq(infuse_review_init(&o, INFUSE_SCALE_MADRS), INFUSE_OK);
  ck_assert_int_eq(infuse_review_evaluate(&o, 60, s, INFUSE_MAX_SCORES, &r,
                                          NULL),
                   INFUSE_OK);
  ck_assert_int_eq(r.n_points, INFUSE_MAX_SCORES);
  ck_assert_int_eq(r.points[63].infusion, 64);
  ck_assert_int_eq(r.n_findings, 3); /* each once in 64 flat scores */
  ck_assert_int_eq(infuse_review_evaluate(&o, 30, NULL, 0, &r, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(r.n_points, 0);
  ck_assert_int_eq(r.n_findings, 0);
  ck_assert_int_eq(infuse_review_init(&o, INFUSE_SCALE_PHQ9), INFUSE_OK);
  o.remission_max = 27;
  s[0] = 27;
  ck_assert_int_eq(infuse_review_evaluate(&o, 27, s, 1, &r, NULL), INFUSE_OK);
  ck_assert(r.points[0].remission);
  ck_assert_int_eq(r.first_remission, 1);
  o.remission_max = 0;
  s[0] = 1;
  s[1] = 0;
  ck_assert_int_eq(infuse_review_evaluate(&o, 27, s, 2, &r, NULL), INFUSE_OK);
  ck_assert(!r.points[0].remission);
  ck_assert(r.points[1].remission);
  ck_assert_int_eq(r.first_remission, 2);
  o.improvement_pct = 100;
  o.partial_pct = 100;
  o.response_pct = 100;
  ck_assert_int_eq(infuse_review_evaluate(&o, 27, s, 2, &r, NULL), INFUSE_OK);
  ck_assert(!r.points[0].response); /* 26/27 < 100% */
  ck_assert(r.points[1].response);  /* 0: exactly 100% */
}
END_TEST

/* ---- review: invalid input ---------------------------------------------- */

enum review_change {
  RC_NULL_OPT,
  RC_NULL_OUT,
  RC_NULL_SCORES,
  RC_OPT_SIZE,
  RC_OUT_SIZE,
  RC_SCALE,
  RC_IMPROVEMENT,
  RC_PARTIAL,
  RC_RESPONSE,
  RC_REMISSION,
  RC_BASELINE,
  RC_LAST_SCORE,
  RC_FIRST_SCORE,
  RC_N
};

typedef struct review_bad {
  const char *name;
  infuse_scale_t scale;
  enum review_change change;
  int32_t value;
  int status;
  const char *field;
} review_bad_t;

static const review_bad_t review_bad_rows[] = {
    {"null_options", INFUSE_SCALE_MADRS, RC_NULL_OPT, 0, INFUSE_E_NULL,
     "review_options"},
    {"null_review", INFUSE_SCALE_MADRS, RC_NULL_OUT, 0, INFUSE_E_NULL,
     "review"},
    {"null_scores", INFUSE_SCALE_MADRS, RC_NULL_SCORES, 0, INFUSE_E_NULL,
     "scores"},
    {"options_size_short", INFUSE_SCALE_MADRS, RC_OPT_SIZE,
     (int32_t)sizeof(infuse_review_options_t) - 4, INFUSE_E_STRUCT_SIZE,
     "review_options.struct_size"},
    {"options_size_zero", INFUSE_SCALE_MADRS, RC_OPT_SIZE, 0,
     INFUSE_E_STRUCT_SIZE, "review_options.struct_size"},
    {"review_size_zero", INFUSE_SCALE_MADRS, RC_OUT_SIZE, 0,
     INFUSE_E_STRUCT_SIZE, "review.struct_size"},
    {"review_size_long", INFUSE_SCALE_MADRS, RC_OUT_SIZE,
     (int32_t)sizeof(infuse_review_t) + 8, INFUSE_E_STRUCT_SIZE,
     "review.struct_size"},
    {"scale_2", INFUSE_SCALE_MADRS, RC_SCALE, 2, INFUSE_E_INVALID,
     "review_options.scale"},
    {"scale_minus_1", INFUSE_SCALE_MADRS, RC_SCALE, -1, INFUSE_E_INVALID,
     "review_options.scale"},
    {"improvement_0", INFUSE_SCALE_MADRS, RC_IMPROVEMENT, 0, INFUSE_E_INVALID,
     "review_options.improvement_pct"},
    {"improvement_above_partial", INFUSE_SCALE_MADRS, RC_IMPROVEMENT, 31,
     INFUSE_E_INVALID, "review_options.partial_pct"},
    {"partial_above_response", INFUSE_SCALE_MADRS, RC_PARTIAL, 51,
     INFUSE_E_INVALID, "review_options.response_pct"},
    {"response_101", INFUSE_SCALE_MADRS, RC_RESPONSE, 101, INFUSE_E_INVALID,
     "review_options.response_pct"},
    {"response_below_partial", INFUSE_SCALE_MADRS, RC_RESPONSE, 29,
     INFUSE_E_INVALID, "review_options.response_pct"},
    {"remission_minus_1", INFUSE_SCALE_MADRS, RC_REMISSION, -1,
     INFUSE_E_INVALID, "review_options.remission_max"},
    {"madrs_remission_61", INFUSE_SCALE_MADRS, RC_REMISSION, 61,
     INFUSE_E_INVALID, "review_options.remission_max"},
    {"phq9_remission_28", INFUSE_SCALE_PHQ9, RC_REMISSION, 28,
     INFUSE_E_INVALID, "review_options.remission_max"},
    {"baseline_0", INFUSE_SCALE_MADRS, RC_BASELINE, 0, INFUSE_E_RANGE,
     "baseline"},
    {"baseline_minus_1", INFUSE_SCALE_MADRS, RC_BASELINE, -1, INFUSE_E_RANGE,
     "baseline"},
    {"madrs_baseline_61", INFUSE_SCALE_MADRS, RC_BASELINE, 61, INFUSE_E_RANGE,
     "baseline"},
    {"phq9_baseline_28", INFUSE_SCALE_PHQ9, RC_BASELINE, 28, INFUSE_E_RANGE,
     "baseline"},
    {"phq9_baseline_madrs_sized", INFUSE_SCALE_PHQ9, RC_BASELINE, 40,
     INFUSE_E_RANGE, "baseline"},
    {"score_minus_1", INFUSE_SCALE_MADRS, RC_LAST_SCORE, -1, INFUSE_E_RANGE,
     "scores[2]"},
    {"madrs_score_61", INFUSE_SCALE_MADRS, RC_LAST_SCORE, 61, INFUSE_E_RANGE,
     "scores[2]"},
    {"phq9_score_28", INFUSE_SCALE_PHQ9, RC_LAST_SCORE, 28, INFUSE_E_RANGE,
     "scores[2]"},
    {"first_score_minus_1", INFUSE_SCALE_MADRS, RC_FIRST_SCORE, -1,
     INFUSE_E_RANGE, "scores[0]"},
    {"phq9_first_score_28", INFUSE_SCALE_PHQ9, RC_FIRST_SCORE, 28,
     INFUSE_E_RANGE, "scores[0]"},
    {"too_many_scores", INFUSE_SCALE_MADRS, RC_N, INFUSE_MAX_SCORES + 1,
     INFUSE_E_RANGE, "n_scores"},
};

START_TEST(review_invalid) {
  const review_bad_t *row = &review_bad_rows[_i];
  infuse_review_options_t o;
  ck_assert_int_eq(infuse_review_init(&o, row->scale), INFUSE_OK);
  int32_t scores[INFUSE_MAX_SCORES + 1];
  for (int i = 0; i < INFUSE_MAX_SCORES + 1; i++) {
    scores[i] = 10;
  }
  int32_t baseline = 20;
  size_t n = 3;
  infuse_review_t r, snap;
  memset(&r, 0xA5, sizeof r);
  r.struct_size = sizeof r;
  const infuse_review_options_t *op = &o;
  const int32_t *sp = scores;
  infuse_review_t *rp = &r;
  switch (row->change) {
  case RC_NULL_OPT:
    op = NULL;
    break;
  case RC_NULL_OUT:
    rp = NULL;
    break;
  case RC_NULL_SCORES:
    sp = NULL;
    break;
  case RC_OPT_SIZE:
    o.struct_size = (uint32_t)row->value;
    break;
  case RC_OUT_SIZE:
    r.struct_size = (uint32_t)row->value;
    break;
  case RC_SCALE:
    o.scale = (infuse_scale_t)row->value;
    break;
  case RC_IMPROVEMENT:
    o.improvement_pct = row->value;
    break;
  case RC_PARTIAL:
    o.partial_pct = row->value;
    break;
  case RC_RESPONSE:
    o.response_pct = row->value;
    break;
  case RC_REMISSION:
    o.remission_max = row->value;
    break;
  case RC_BASELINE:
    baseline = row->value;
    break;
  case RC_LAST_SCORE:
    scores[2] = row->value;
    break;
  case RC_FIRST_SCORE:
    scores[0] = row->value;
    break;
  case RC_N:
    n = (size_t)row->value;
    break;
  }
  memcpy(&snap, &r, sizeof r);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_review_evaluate(op, baseline, sp, n, rp, &d);
  ck_assert_msg(rc == row->status, "%s: rc %d, expected %d", row->name, rc,
                row->status);
  ck_assert_msg(memcmp(&r, &snap, sizeof r) == 0, "%s: output written",
                row->name);
  check_diag(&d, row->status, row->field, row->name);
  /* the same without a diag */
  rc = infuse_review_evaluate(op, baseline, sp, n, rp, NULL);
  ck_assert_int_eq(rc, row->status);
  ck_assert_int_eq(memcmp(&r, &snap, sizeof r), 0);
}
END_TEST

/* ---- review: names and messages ------------------------------------------ */

START_TEST(review_names_and_messages) {
  ck_assert_str_eq(infuse_review_finding_name(NRA3), "no_response_after_3");
  ck_assert_str_eq(infuse_review_finding_name(NIA4), "no_improvement_after_4");
  ck_assert_str_eq(infuse_review_finding_name(TNI), "three_non_improvements");
  ck_assert_str_eq(infuse_review_finding_name(RA1), "response_at_1");
  ck_assert_str_eq(infuse_review_finding_name(0), "unknown");
  ck_assert_str_eq(infuse_review_finding_name(5), "unknown");
  ck_assert_str_eq(infuse_review_finding_name(-1), "unknown");

  static const struct {
    rf_t f;
    const char *starts;
    const char *source;
    const char *also;
  } msgs[] = {
      {{NRA3, 3}, "Infusion 3: no response", "APA consensus", "rare"},
      {{NIA4, 4}, "Infusion 4: no improvement", "Transl Psychiatry 2024",
       "20%"},
      {{TNI, 5}, "Infusion 5: the score has not fallen for 3",
       "Transl Psychiatry 2024", "interpretation"},
      {{RA1, 1}, "Infusion 1: response", "review article", "66%"},
  };
  char buf[512];
  for (int i = 0; i < N_ROWS(msgs); i++) {
    size_t len = infuse_review_finding_message(&msgs[i].f, buf, sizeof buf);
    ck_assert_uint_eq(len, strlen(buf));
    ck_assert_msg(strncmp(buf, msgs[i].starts, strlen(msgs[i].starts)) == 0,
                  "message '%s'", buf);
    ck_assert_msg(strstr(buf, msgs[i].source) != NULL, "no source in '%s'",
                  buf);
    ck_assert_msg(strstr(buf, msgs[i].also) != NULL, "'%s' lacks '%s'", buf,
                  msgs[i].also);
    ck_assert_int_eq(buf[len - 1], '.');
  }
  infuse_review_finding_t unknown = {(infuse_review_code_t)9, 2};
  ck_assert_uint_gt(infuse_review_finding_message(&unknown, buf, sizeof buf),
                    0);
  ck_assert_str_eq(buf, "Unknown review finding.");
  ck_assert_uint_eq(infuse_review_finding_message(NULL, buf, sizeof buf), 0);
  ck_assert_str_eq(buf, "");
}
END_TEST

/* The buffer contract of infuse_format: the full length is returned;
 * nothing is written with NULL or cap 0; a short buffer is truncated and
 * terminated. */
START_TEST(review_message_buffer) {
  infuse_review_finding_t f = {INFUSE_REVIEW_NO_RESPONSE_AFTER_3, 3};
  char full[512];
  size_t len = infuse_review_finding_message(&f, full, sizeof full);
  ck_assert_uint_gt(len, 40);
  ck_assert_uint_eq(infuse_review_finding_message(&f, NULL, 0), len);
  ck_assert_uint_eq(infuse_review_finding_message(&f, NULL, 100), len);
  char small[12];
  memset(small, '#', sizeof small);
  ck_assert_uint_eq(infuse_review_finding_message(&f, small, 0), len);
  ck_assert_int_eq(small[0], '#');
  ck_assert_uint_eq(infuse_review_finding_message(&f, small, 10), len);
  ck_assert_int_eq(memcmp(small, full, 9), 0);
  ck_assert_int_eq(small[9], '\0');
  ck_assert_int_eq(small[10], '#');
  char exact[512];
  ck_assert_uint_eq(infuse_review_finding_message(&f, exact, len + 1), len);
  ck_assert_str_eq(exact, full);
}
END_TEST

/* =========================================================================
 * Exposure ledger
 * ======================================================================= */

START_TEST(exposure_init_defaults) {
  infuse_exposure_options_t o;
  memset(&o, 0xA5, sizeof o);
  ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
  ck_assert_uint_eq(o.struct_size, sizeof o);
  ck_assert_int_eq(o.alert_infusions, 26); /* UNVERIFIED: fortnightly */
  ck_assert_int_eq(o.alert_dose_ug, 0);    /* off */
  ck_assert_int_eq(infuse_exposure_init(NULL), INFUSE_E_NULL);
}
END_TEST

typedef struct ev {
  int y, m, d;
  int64_t mg;
} ev_t;

typedef struct exposure_row {
  const char *name;
  int n;
  ev_t ev[6];
  int32_t peak;
  int ps[3]; /* peak_infusions_start y, m, d */
  int64_t peak_mg;
  int ds[3]; /* peak_dose_start */
  int64_t total_mg;
} exposure_row_t;

/* infuse_date_add_months(d, 12): same month next year, the day kept or
 * clamped to the month's last day. Windows are [d, that date). */
static const exposure_row_t exposure_rows[] = {
    /* 2024-02-29 + 12 months = 2025-02-28 (clamped): the window ends
     * before 2025-02-28, so it holds 365 days, 02-29 .. 2025-02-27. */
    {"leap_day_window_excludes_feb28", 2,
     {{2024, 2, 29, 35}, {2025, 2, 28, 35}}, 1, {2024, 2, 29}, 35,
     {2024, 2, 29}, 70},
    {"leap_day_window_includes_feb27", 2,
     {{2024, 2, 29, 35}, {2025, 2, 27, 35}}, 2, {2024, 2, 29}, 70,
     {2024, 2, 29}, 70},
    /* 2024-02-28 + 12 months = 2025-02-28: a 366-day window (it holds
     * 2024-02-29) that still excludes 2025-02-28. */
    {"feb28_of_leap_year", 2, {{2024, 2, 28, 35}, {2025, 2, 28, 35}}, 1,
     {2024, 2, 28}, 35, {2024, 2, 28}, 70},
    /* 2023-03-01 + 12 = 2024-03-01: 366 days, holds 2024-02-29. */
    {"window_over_leap_day_holds_it", 2,
     {{2023, 3, 1, 35}, {2024, 2, 29, 35}}, 2, {2023, 3, 1}, 70,
     {2023, 3, 1}, 70},
    {"window_over_leap_day_ends_mar1", 2,
     {{2023, 3, 1, 35}, {2024, 3, 1, 35}}, 1, {2023, 3, 1}, 35,
     {2023, 3, 1}, 70},
    /* 2023-02-28 + 12 = 2024-02-28: 365 days, the leap day outside. */
    {"feb28_before_leap_year", 3,
     {{2023, 2, 28, 35}, {2024, 2, 27, 35}, {2024, 2, 29, 35}}, 2,
     {2023, 2, 28}, 70, {2023, 2, 28}, 105},
    {"month_end_jan31_in", 2, {{2025, 1, 31, 35}, {2026, 1, 30, 35}}, 2,
     {2025, 1, 31}, 70, {2025, 1, 31}, 70},
    {"month_end_jan31_out", 2, {{2025, 1, 31, 35}, {2026, 1, 31, 35}}, 1,
     {2025, 1, 31}, 35, {2025, 1, 31}, 70},
    /* 2100 is not a leap year: 2099-03-01 + 12 = 2100-03-01; 2096-02-29
     * + 12 = 2097-02-28. */
    {"year_2100_window", 2, {{2099, 3, 1, 35}, {2100, 2, 28, 35}}, 2,
     {2099, 3, 1}, 70, {2099, 3, 1}, 70},
    {"leap_day_2096", 2, {{2096, 2, 29, 35}, {2097, 2, 28, 35}}, 1,
     {2096, 2, 29}, 35, {2096, 2, 29}, 70},
    /* From 2025-01-01 (to 2026-01-01): 3 events, 120 mg. From 2025-06-01
     * (to 2026-06-01): 5 events, 50 mg. From 2025-12-01: 4, 40 mg. */
    {"peaks_start_on_different_days", 6,
     {{2025, 1, 1, 100},
      {2025, 6, 1, 10},
      {2025, 12, 1, 10},
      {2026, 1, 15, 10},
      {2026, 2, 1, 10},
      {2026, 5, 31, 10}},
     5, {2025, 6, 1}, 120, {2025, 1, 1}, 150},
    /* Equal dates: the window from 2025-03-03 holds all three (the first
     * window on that date), not 2026-03-03. */
    {"equal_dates", 4,
     {{2025, 3, 3, 35}, {2025, 3, 3, 35}, {2025, 3, 3, 35}, {2026, 3, 3, 35}},
     3, {2025, 3, 3}, 105, {2025, 3, 3}, 140},
    /* Three windows of 2 events and 100 mg each: the earliest wins. */
    {"tie_earliest_window", 3,
     {{2025, 1, 1, 50}, {2025, 12, 31, 50}, {2026, 6, 1, 50}}, 2,
     {2025, 1, 1}, 100, {2025, 1, 1}, 150},
    /* 9999-01-01 + 12 months is past the last date: the window runs to
     * the end of the range. 9998-12-31 + 12 = 9999-12-31, excluded. */
    {"window_past_date_max", 2, {{9999, 1, 1, 35}, {9999, 12, 31, 35}}, 2,
     {9999, 1, 1}, 70, {9999, 1, 1}, 70},
    {"window_ending_on_date_max", 2,
     {{9998, 12, 31, 35}, {9999, 12, 31, 35}}, 1, {9998, 12, 31}, 35,
     {9998, 12, 31}, 70},
    {"date_min", 3, {{1900, 1, 1, 35}, {1900, 12, 31, 35}, {1901, 1, 1, 35}},
     2, {1900, 1, 1}, 70, {1900, 1, 1}, 105},
    {"single_event", 1, {{2025, 5, 5, 35}}, 1, {2025, 5, 5}, 35,
     {2025, 5, 5}, 35},
};

START_TEST(exposure_table) {
  const exposure_row_t *row = &exposure_rows[_i];
  infuse_exposure_event_t events[6];
  for (int i = 0; i < row->n; i++) {
    events[i].date = D(row->ev[i].y, row->ev[i].m, row->ev[i].d);
    events[i].dose_ng = row->ev[i].mg * MG;
  }
  infuse_exposure_options_t o;
  ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
  infuse_exposure_t x;
  memset(&x, 0xA5, sizeof x);
  x.struct_size = sizeof x;
  infuse_diag_t d;
  int rc = infuse_exposure_evaluate(events, (size_t)row->n, &o, &x, &d);
  ck_assert_msg(rc == INFUSE_OK, "%s: rc %d", row->name, rc);
  ck_assert_uint_eq(x.struct_size, sizeof x);
  ck_assert_int_eq(x.total_infusions, row->n);
  ck_assert_int_eq(x.total_dose_ng, row->total_mg * MG);
  ck_assert_msg(x.peak_infusions == row->peak, "%s: peak %d, expected %d",
                row->name, x.peak_infusions, row->peak);
  ck_assert_msg(x.peak_infusions_start == D(row->ps[0], row->ps[1], row->ps[2]),
                "%s: peak start %d", row->name, x.peak_infusions_start);
  ck_assert_msg(x.peak_dose_ng == row->peak_mg * MG, "%s: peak dose %lld",
                row->name, (long long)x.peak_dose_ng);
  ck_assert_msg(x.peak_dose_start == D(row->ds[0], row->ds[1], row->ds[2]),
                "%s: peak dose start %d", row->name, x.peak_dose_start);
  ck_assert(!x.alert_infusions);
  ck_assert(!x.alert_dose);
}
END_TEST

/* The end dates the table relies on, straight from the calendar. */
START_TEST(exposure_window_ends) {
  static const int rows[][6] = {
      {2024, 2, 29, 2025, 2, 28}, {2024, 2, 28, 2025, 2, 28},
      {2023, 3, 1, 2024, 3, 1},   {2023, 2, 28, 2024, 2, 28},
      {2025, 1, 31, 2026, 1, 31}, {2096, 2, 29, 2097, 2, 28},
      {2099, 3, 1, 2100, 3, 1},   {9998, 12, 31, 9999, 12, 31},
  };
  for (int i = 0; i < N_ROWS(rows); i++) {
    int32_t end = 0;
    ck_assert_int_eq(
        infuse_date_add_months(D(rows[i][0], rows[i][1], rows[i][2]), 12, &end),
        INFUSE_OK);
    ck_assert_int_eq(end, D(rows[i][3], rows[i][4], rows[i][5]));
  }
  int32_t end = 0;
  ck_assert_int_eq(infuse_date_add_months(D(9999, 1, 1), 12, &end),
                   INFUSE_E_RANGE);
}
END_TEST

START_TEST(exposure_empty) {
  infuse_exposure_options_t o;
  ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
  o.alert_infusions = 1;
  o.alert_dose_ug = 1;
  infuse_exposure_t x, zero;
  memset(&x, 0xA5, sizeof x);
  x.struct_size = sizeof x;
  ck_assert_int_eq(infuse_exposure_evaluate(NULL, 0, &o, &x, NULL), INFUSE_OK);
  memset(&zero, 0, sizeof zero);
  zero.struct_size = sizeof zero;
  ck_assert_int_eq(memcmp(&x, &zero, sizeof x), 0);
  infuse_exposure_event_t e = {D(2025, 1, 1), 1};
  memset(&x, 0xA5, sizeof x);
  x.struct_size = sizeof x;
  ck_assert_int_eq(infuse_exposure_evaluate(&e, 0, &o, &x, NULL), INFUSE_OK);
  ck_assert_int_eq(memcmp(&x, &zero, sizeof x), 0);
}
END_TEST

/* ---- alerts: strictly above, 0 off ---------------------------------------- */

typedef struct alert_row {
  const char *name;
  int32_t alert_infusions;
  int64_t alert_dose_ug;
  int n;             /* events */
  int gap_days;      /* between events */
  int64_t dose_ng;   /* each */
  int64_t last_extra_ng; /* added to the last event */
  bool want_infusions, want_dose;
} alert_row_t;

static const alert_row_t alert_rows[] = {
    {"infusions_at_threshold", 3, 0, 3, 7, 35 * MG, 0, false, false},
    {"infusions_above_threshold", 3, 0, 4, 7, 35 * MG, 0, true, false},
    {"infusions_off", 0, 0, 40, 7, 35 * MG, 0, false, false},
    /* 2 x 50 mg = 100000 ug exactly: not above */
    {"dose_at_threshold", 0, 100000, 2, 7, 50 * MG, 0, false, false},
    /* one ng more */
    {"dose_one_ng_above", 0, 100000, 2, 7, 50 * MG, 1, false, true},
    {"dose_off", 0, 0, 40, 7, 1000 * MG, 0, false, false},
    /* defaults: 26 fortnightly infusions span 25 x 14 = 350 days: 26, not
     * above 26. 27 infusions 13 days apart span 338 days: 27. */
    {"default_26_fortnightly", 26, 0, 26, 14, 35 * MG, 0, false, false},
    {"default_27_in_338_days", 26, 0, 27, 13, 35 * MG, 0, true, false},
    /* 27 infusions 14 days apart span 364 days, inside the 365-day window
     * from 2025-01-06 (to 2026-01-06). */
    {"default_27_in_364_days", 26, 0, 27, 14, 35 * MG, 0, true, false},
    /* 15 days apart: 26 x 15 = 390 days > 365; a window holds 25. */
    {"default_27_every_15_days", 26, 0, 27, 15, 35 * MG, 0, false, false},
    {"both", 2, 60000, 3, 1, 20 * MG, 1, true, true},
};

START_TEST(exposure_alerts) {
  const alert_row_t *row = &alert_rows[_i];
  infuse_exposure_event_t events[64];
  int32_t start = D(2025, 1, 6);
  for (int i = 0; i < row->n; i++) {
    events[i].date = start + i * row->gap_days;
    events[i].dose_ng = row->dose_ng;
  }
  events[row->n - 1].dose_ng += row->last_extra_ng;
  infuse_exposure_options_t o;
  ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
  o.alert_infusions = row->alert_infusions;
  o.alert_dose_ug = row->alert_dose_ug;
  infuse_exposure_t x;
  x.struct_size = sizeof x;
  ck_assert_int_eq(
      infuse_exposure_evaluate(events, (size_t)row->n, &o, &x, NULL),
      INFUSE_OK);
  ck_assert_msg(x.alert_infusions == row->want_infusions,
                "%s: alert_infusions %d (peak %d)", row->name,
                x.alert_infusions, x.peak_infusions);
  ck_assert_msg(x.alert_dose == row->want_dose, "%s: alert_dose %d (peak %lld)",
                row->name, x.alert_dose, (long long)x.peak_dose_ng);
}
END_TEST

/* The default course (6 induction infusions, then the taper) planned over
 * 24 months never puts more than 26 infusions in 12 months, so the default
 * alert does not fire on the library's own default plan. */
START_TEST(exposure_default_course_no_alert) {
  int32_t start = D(2025, 1, 6);
  infuse_course_options_t c;
  ck_assert_int_eq(infuse_course_init(&c, start), INFUSE_OK);
  c.horizon_months = 24;
  static infuse_session_t sessions[INFUSE_MAX_SESSIONS];
  static infuse_exposure_event_t events[INFUSE_MAX_SESSIONS];
  size_t n = 0;
  ck_assert_int_eq(
      infuse_course_plan(&c, sessions, INFUSE_MAX_SESSIONS, &n, NULL),
      INFUSE_OK);
  ck_assert_uint_gt(n, 26);
  for (size_t i = 0; i < n; i++) {
    events[i].date = sessions[i].date;
    events[i].dose_ng = 35 * MG;
  }
  infuse_exposure_options_t o;
  ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
  infuse_exposure_t x;
  x.struct_size = sizeof x;
  ck_assert_int_eq(infuse_exposure_evaluate(events, n, &o, &x, NULL),
                   INFUSE_OK);
  ck_assert_int_le(x.peak_infusions, 26);
  ck_assert(!x.alert_infusions);
  ck_assert_int_eq(x.total_infusions, (int32_t)n);
}
END_TEST

/* ---- exposure: invalid input -------------------------------------------- */

enum exposure_change {
  XC_NULL_EVENTS,
  XC_NULL_OPT,
  XC_NULL_OUT,
  XC_OPT_SIZE,
  XC_OUT_SIZE,
  XC_ORDER,
  XC_DATE,
  XC_DOSE,
  XC_N,
  XC_ALERT_INF,
  XC_ALERT_DOSE
};

typedef struct exposure_bad {
  const char *name;
  enum exposure_change change;
  int64_t value;
  int status;
  const char *field;
} exposure_bad_t;

static const exposure_bad_t exposure_bad_rows[] = {
    {"null_events", XC_NULL_EVENTS, 0, INFUSE_E_NULL, "events"},
    {"null_options", XC_NULL_OPT, 0, INFUSE_E_NULL, "exposure_options"},
    {"null_exposure", XC_NULL_OUT, 0, INFUSE_E_NULL, "exposure"},
    {"options_size", XC_OPT_SIZE, 0, INFUSE_E_STRUCT_SIZE,
     "exposure_options.struct_size"},
    {"exposure_size", XC_OUT_SIZE, 4, INFUSE_E_STRUCT_SIZE,
     "exposure.struct_size"},
    {"out_of_order_by_one_day", XC_ORDER, 0, INFUSE_E_INVALID,
     "events[2].date"},
    {"date_before_min", XC_DATE, INFUSE_DATE_MIN - 1, INFUSE_E_RANGE,
     "events[0].date"},
    {"date_after_max", XC_DATE, (int64_t)INFUSE_DATE_MAX + 1, INFUSE_E_RANGE,
     "events[0].date"},
    {"dose_zero", XC_DOSE, 0, INFUSE_E_RANGE, "events[1].dose_ng"},
    {"dose_negative", XC_DOSE, -5, INFUSE_E_RANGE, "events[1].dose_ng"},
    {"dose_above_max", XC_DOSE, (int64_t)INFUSE_MAX_DOSE_UG * 1000 + 1,
     INFUSE_E_RANGE, "events[1].dose_ng"},
    {"too_many_events", XC_N, INFUSE_MAX_SESSIONS + 1, INFUSE_E_RANGE, "n"},
    {"alert_infusions_negative", XC_ALERT_INF, -1, INFUSE_E_RANGE,
     "exposure_options.alert_infusions"},
    {"alert_infusions_above_max", XC_ALERT_INF, INFUSE_MAX_SESSIONS + 1,
     INFUSE_E_RANGE, "exposure_options.alert_infusions"},
    {"alert_dose_negative", XC_ALERT_DOSE, -1, INFUSE_E_RANGE,
     "exposure_options.alert_dose_ug"},
};

START_TEST(exposure_invalid) {
  const exposure_bad_t *row = &exposure_bad_rows[_i];
  static infuse_exposure_event_t events[INFUSE_MAX_SESSIONS + 1];
  int32_t start = D(2025, 1, 6);
  for (int i = 0; i < INFUSE_MAX_SESSIONS + 1; i++) {
    events[i].date = start + i;
    events[i].dose_ng = 35 * MG;
  }
  size_t n = 3;
  infuse_exposure_options_t o;
  ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
  infuse_exposure_t x, snap;
  memset(&x, 0xA5, sizeof x);
  x.struct_size = sizeof x;
  const infuse_exposure_event_t *ep = events;
  const infuse_exposure_options_t *op = &o;
  infuse_exposure_t *xp = &x;
  switch (row->change) {
  case XC_NULL_EVENTS:
    ep = NULL;
    break;
  case XC_NULL_OPT:
    op = NULL;
    break;
  case XC_NULL_OUT:
    xp = NULL;
    break;
  case XC_OPT_SIZE:
    o.struct_size = (uint32_t)row->value;
    break;
  case XC_OUT_SIZE:
    x.struct_size = (uint32_t)row->value;
    break;
  case XC_ORDER:
    events[2].date = events[1].date - 1;
    break;
  case XC_DATE:
    events[0].date = (int32_t)row->value;
    break;
  case XC_DOSE:
    events[1].dose_ng = row->value;
    break;
  case XC_N:
    n = (size_t)row->value;
    break;
  case XC_ALERT_INF:
    o.alert_infusions = (int32_t)row->value;
    break;
  case XC_ALERT_DOSE:
    o.alert_dose_ug = row->value;
    break;
  }
  memcpy(&snap, &x, sizeof x);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_exposure_evaluate(ep, n, op, xp, &d);
  ck_assert_msg(rc == row->status, "%s: rc %d, expected %d", row->name, rc,
                row->status);
  ck_assert_msg(memcmp(&x, &snap, sizeof x) == 0, "%s: output written",
                row->name);
  check_diag(&d, row->status, row->field, row->name);
  ck_assert_int_eq(infuse_exposure_evaluate(ep, n, op, xp, NULL), row->status);
}
END_TEST

/* Accepted edges: the largest dose, 1000 events, the largest alerts. */
START_TEST(exposure_accepted_edges) {
  static infuse_exposure_event_t events[INFUSE_MAX_SESSIONS];
  int32_t start = D(2025, 1, 6);
  for (int i = 0; i < INFUSE_MAX_SESSIONS; i++) {
    events[i].date = start + i / 2; /* two a day, 500 days */
    events[i].dose_ng = (int64_t)INFUSE_MAX_DOSE_UG * 1000;
  }
  infuse_exposure_options_t o;
  ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
  o.alert_infusions = INFUSE_MAX_SESSIONS;
  o.alert_dose_ug = (int64_t)INFUSE_MAX_DOSE_UG * INFUSE_MAX_SESSIONS;
  infuse_exposure_t x;
  x.struct_size = sizeof x;
  ck_assert_int_eq(infuse_exposure_evaluate(events, INFUSE_MAX_SESSIONS, &o,
                                            &x, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(x.total_infusions, INFUSE_MAX_SESSIONS);
  ck_assert_int_eq(x.total_dose_ng, (int64_t)1000 * 1000000000000);
  /* 2025-01-06 + 12 months = 2026-01-06: 365 days x 2 events */
  ck_assert_int_eq(x.peak_infusions, 730);
  ck_assert_int_eq(x.peak_infusions_start, start);
  ck_assert_int_eq(x.peak_dose_ng, (int64_t)730 * 1000000000000);
  ck_assert(!x.alert_infusions);
  ck_assert(!x.alert_dose);
}
END_TEST

/* ---- exposure: independent brute force ------------------------------------ */

static uint64_t lcg_next(uint64_t *s) {
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  return *s >> 33;
}

static int bf_days_in_month(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

typedef struct ymd {
  int y, m, d;
} ymd_t;

static ymd_t to_ymd(int32_t date) {
  ymd_t r;
  int32_t y, m, d;
  ck_assert_int_eq(infuse_date_to_ymd(date, &y, &m, &d), INFUSE_OK);
  r.y = y;
  r.m = m;
  r.d = d;
  return r;
}

static int ymd_cmp(ymd_t a, ymd_t b) {
  if (a.y != b.y) {
    return a.y < b.y ? -1 : 1;
  }
  if (a.m != b.m) {
    return a.m < b.m ? -1 : 1;
  }
  return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
}

/* e in [s, s + 12 months): compared as (y, m, d) tuples, with the end
 * (y + 1, m, min(d, days in that month)) written out independently of
 * infuse_date_add_months. */
static bool bf_in_window(ymd_t s, ymd_t e) {
  ymd_t end = {s.y + 1, s.m, s.d};
  int dim = bf_days_in_month(end.y, end.m);
  if (end.d > dim) {
    end.d = dim;
  }
  return ymd_cmp(e, s) >= 0 && ymd_cmp(e, end) < 0;
}

START_TEST(exposure_brute_force) {
  uint64_t seed = 20250812u;
  static infuse_exposure_event_t ev[48];
  static ymd_t ey[48];
  int32_t base_lo = D(1901, 1, 1), base_hi = D(2110, 1, 1);
  for (int trial = 0; trial < 300; trial++) {
    int n = (int)(lcg_next(&seed) % 41u);
    int32_t date;
    if (trial % 10 == 9) {
      date = D(9995, 1, 1) + (int32_t)(lcg_next(&seed) % 1000u);
    } else if (trial % 3 == 0) { /* around a leap day */
      date = D(2023, 12, 1) + (int32_t)(lcg_next(&seed) % 120u);
    } else {
      date = base_lo + (int32_t)(lcg_next(&seed) %
                                 (uint64_t)(base_hi - base_lo));
    }
    int max_gap = 1 + (int)(lcg_next(&seed) % 60u);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        date += (int32_t)(lcg_next(&seed) % (uint64_t)max_gap);
      }
      if (date > INFUSE_DATE_MAX) {
        date = INFUSE_DATE_MAX;
      }
      ev[i].date = date;
      ev[i].dose_ng = 1 + (int64_t)(lcg_next(&seed) % 200000000u);
      ey[i] = to_ymd(date);
    }
    infuse_exposure_options_t o;
    ck_assert_int_eq(infuse_exposure_init(&o), INFUSE_OK);
    o.alert_infusions = 1 + (int32_t)(lcg_next(&seed) % 20u);
    o.alert_dose_ug = 1 + (int64_t)(lcg_next(&seed) % 2000000u);
    infuse_exposure_t x;
    x.struct_size = sizeof x;
    ck_assert_int_eq(infuse_exposure_evaluate(ev, (size_t)n, &o, &x, NULL),
                     INFUSE_OK);

    /* windows starting on each event: earliest maximum */
    int32_t peak = 0, peak_start = 0;
    int64_t peak_dose = 0, total = 0;
    int32_t dose_start = 0;
    for (int i = 0; i < n; i++) {
      total += ev[i].dose_ng;
      int32_t count = 0;
      int64_t dose = 0;
      for (int j = 0; j < n; j++) {
        if (bf_in_window(ey[i], ey[j])) {
          count++;
          dose += ev[j].dose_ng;
        }
      }
      if (count > peak) {
        peak = count;
        peak_start = ev[i].date;
      }
      if (dose > peak_dose) {
        peak_dose = dose;
        dose_start = ev[i].date;
      }
    }
    ck_assert_msg(x.peak_infusions == peak, "trial %d: peak %d, brute %d",
                  trial, x.peak_infusions, peak);
    ck_assert_int_eq(x.peak_infusions_start, peak_start);
    ck_assert_int_eq(x.peak_dose_ng, peak_dose);
    ck_assert_int_eq(x.peak_dose_start, dose_start);
    ck_assert_int_eq(x.total_infusions, n);
    ck_assert_int_eq(x.total_dose_ng, total);
    ck_assert(x.alert_infusions == (peak > o.alert_infusions));
    ck_assert(x.alert_dose == (peak_dose > o.alert_dose_ug * 1000));

    /* every start day, not only event days: no window holds more */
    if (n > 0 && trial % 4 == 0) {
      int32_t from = ev[0].date - 400;
      if (from < INFUSE_DATE_MIN) {
        from = INFUSE_DATE_MIN;
      }
      for (int32_t day = from; day <= ev[n - 1].date; day++) {
        ymd_t s = to_ymd(day);
        int32_t count = 0;
        int64_t dose = 0;
        for (int j = 0; j < n; j++) {
          if (bf_in_window(s, ey[j])) {
            count++;
            dose += ev[j].dose_ng;
          }
        }
        ck_assert_int_le(count, peak);
        ck_assert_int_le(dose, peak_dose);
      }
    }
  }
}
END_TEST

/* =========================================================================
 * Selection screen
 * ======================================================================= */

START_TEST(screen_init_defaults) {
  infuse_screen_thresholds_t t;
  memset(&t, 0xA5, sizeof t);
  ck_assert_int_eq(infuse_screen_init(&t), INFUSE_OK);
  ck_assert_uint_eq(t.struct_size, sizeof t);
  ck_assert_int_eq(t.min_failed_trials, 2);   /* TRD: review article */
  ck_assert_int_eq(t.max_systolic_mmhg, 160); /* UNVERIFIED site default */
  ck_assert_int_eq(t.max_diastolic_mmhg, 100);
  ck_assert_int_eq(t.max_heart_rate_bpm, 110);
  ck_assert_int_eq(infuse_screen_init(NULL), INFUSE_E_NULL);
}
END_TEST

#define TRD INFUSE_SCREEN_TRD_NOT_MET
#define PSY INFUSE_SCREEN_PSYCHOTIC_SYMPTOMS
#define SUB INFUSE_SCREEN_SUBSTANCE_MISUSE
#define UNS INFUSE_SCREEN_UNSTABLE_MEDICAL
#define SYS INFUSE_SCREEN_SYSTOLIC_HIGH
#define DIA INFUSE_SCREEN_DIASTOLIC_HIGH
#define HRH INFUSE_SCREEN_HEART_RATE_HIGH
#define NA INFUSE_SCREEN_NOT_ASSESSED

typedef struct screen_row {
  const char *name;
  int32_t in[7];  /* trials, psychotic, substance, unstable, sbp, dbp, hr */
  int32_t th[4];  /* min trials, max sbp, dbp, hr; all 0 = the defaults
                     (2, 160, 100, 110) unless th_set */
  bool th_set;
  int n;
  infuse_screen_finding_t f[8];
} screen_row_t;

static const screen_row_t screen_rows[] = {
    {"all_clear", {3, 0, 0, 0, 150, 90, 80}, {0}, false, 0, {{0, 0, 0}}},
    {"trd_exactly_2", {2, 0, 0, 0, 150, 90, 80}, {0}, false, 0, {{0, 0, 0}}},
    {"trd_1", {1, 0, 0, 0, 150, 90, 80}, {0}, false, 1, {{TRD, 1, 2}}},
    {"trd_0", {0, 0, 0, 0, 150, 90, 80}, {0}, false, 1, {{TRD, 0, 2}}},
    {"trd_unknown", {-1, 0, 0, 0, 150, 90, 80}, {0}, false, 1, {{NA, 1, 0}}},
    {"psychotic", {3, 1, 0, 0, 150, 90, 80}, {0}, false, 1, {{PSY, 0, 0}}},
    {"substance", {3, 0, 1, 0, 150, 90, 80}, {0}, false, 1, {{SUB, 0, 0}}},
    {"unstable", {3, 0, 0, 1, 150, 90, 80}, {0}, false, 1, {{UNS, 0, 0}}},
    {"psychotic_unknown", {3, -1, 0, 0, 150, 90, 80}, {0}, false, 1,
     {{NA, 1, 0}}},
    {"systolic_at_160", {3, 0, 0, 0, 160, 90, 80}, {0}, false, 0, {{0, 0, 0}}},
    {"systolic_161", {3, 0, 0, 0, 161, 90, 80}, {0}, false, 1,
     {{SYS, 161, 160}}},
    {"diastolic_at_100", {3, 0, 0, 0, 150, 100, 80}, {0}, false, 0,
     {{0, 0, 0}}},
    {"diastolic_101", {3, 0, 0, 0, 150, 101, 80}, {0}, false, 1,
     {{DIA, 101, 100}}},
    {"heart_rate_at_110", {3, 0, 0, 0, 150, 90, 110}, {0}, false, 0,
     {{0, 0, 0}}},
    {"heart_rate_111", {3, 0, 0, 0, 150, 90, 111}, {0}, false, 1,
     {{HRH, 111, 110}}},
    {"vitals_not_measured", {3, 0, 0, 0, 0, 0, 0}, {0}, false, 1,
     {{NA, 3, 0}}},
    {"nothing_known", {-1, -1, -1, -1, 0, 0, 0}, {0}, false, 1, {{NA, 7, 0}}},
    {"every_finding_but_not_assessed", {1, 1, 1, 1, 200, 120, 130}, {0}, false,
     7,
     {{TRD, 1, 2},
      {PSY, 0, 0},
      {SUB, 0, 0},
      {UNS, 0, 0},
      {SYS, 200, 160},
      {DIA, 120, 100},
      {HRH, 130, 110}}},
    {"mixed_with_not_assessed_last", {0, -1, 1, 0, 0, 101, 111}, {0}, false, 5,
     {{TRD, 0, 2}, {SUB, 0, 0}, {DIA, 101, 100}, {HRH, 111, 110}, {NA, 2, 0}}},
    {"site_thresholds_above", {2, 0, 0, 0, 141, 91, 101}, {3, 140, 90, 100},
     true, 4,
     {{TRD, 2, 3}, {SYS, 141, 140}, {DIA, 91, 90}, {HRH, 101, 100}}},
    {"site_thresholds_at", {3, 0, 0, 0, 140, 90, 100}, {3, 140, 90, 100}, true,
     0, {{0, 0, 0}}},
    {"thresholds_off", {0, 0, 0, 0, 300, 300, 250}, {0, 0, 0, 0}, true, 0,
     {{0, 0, 0}}},
    {"lowest_accepted_values", {50, 0, 0, 0, 40, 40, 20}, {0}, false, 0,
     {{0, 0, 0}}},
    {"highest_thresholds", {50, 0, 0, 0, 300, 300, 250}, {50, 300, 300, 250},
     true, 0, {{0, 0, 0}}},
    {"lowest_thresholds", {0, 0, 0, 0, 41, 41, 21}, {0, 40, 40, 20}, true, 3,
     {{SYS, 41, 40}, {DIA, 41, 40}, {HRH, 21, 20}}},
};

static void screen_input(infuse_screen_input_t *in, const int32_t v[7]) {
  memset(in, 0, sizeof *in);
  in->struct_size = sizeof *in;
  in->failed_trials = v[0];
  in->psychotic_symptoms = v[1];
  in->substance_misuse = v[2];
  in->unstable_medical = v[3];
  in->systolic_mmhg = v[4];
  in->diastolic_mmhg = v[5];
  in->heart_rate_bpm = v[6];
}

START_TEST(screen_table) {
  const screen_row_t *row = &screen_rows[_i];
  infuse_screen_input_t in;
  screen_input(&in, row->in);
  infuse_screen_thresholds_t t;
  ck_assert_int_eq(infuse_screen_init(&t), INFUSE_OK);
  if (row->th_set) {
    t.min_failed_trials = row->th[0];
    t.max_systolic_mmhg = row->th[1];
    t.max_diastolic_mmhg = row->th[2];
    t.max_heart_rate_bpm = row->th[3];
  }
  infuse_screen_t s;
  memset(&s, 0xA5, sizeof s);
  s.struct_size = sizeof s;
  infuse_diag_t d;
  int rc = infuse_screen_evaluate(&in, &t, &s, &d);
  ck_assert_msg(rc == INFUSE_OK, "%s: rc %d", row->name, rc);
  ck_assert_uint_eq(s.struct_size, sizeof s);
  ck_assert_msg(s.n_findings == row->n, "%s: %d findings, expected %d",
                row->name, s.n_findings, row->n);
  for (int i = 0; i < row->n; i++) {
    ck_assert_msg(s.findings[i].code == row->f[i].code &&
                      s.findings[i].value == row->f[i].value &&
                      s.findings[i].limit == row->f[i].limit,
                  "%s: finding %d is %s %d/%d, expected %s %d/%d", row->name,
                  i, infuse_screen_finding_name((int)s.findings[i].code),
                  s.findings[i].value, s.findings[i].limit,
                  infuse_screen_finding_name((int)row->f[i].code),
                  row->f[i].value, row->f[i].limit);
  }
  for (int i = row->n; i < 12; i++) {
    ck_assert_int_eq(s.findings[i].code, INFUSE_SCREEN_NONE);
    ck_assert_int_eq(s.findings[i].value, 0);
    ck_assert_int_eq(s.findings[i].limit, 0);
  }
}
END_TEST

enum screen_target { ST_IN, ST_TH, ST_NULL, ST_SIZE };

typedef struct screen_bad {
  const char *name;
  enum screen_target target;
  int index; /* into the input (0..6) or thresholds (0..3); for ST_NULL and
                ST_SIZE: 0 input, 1 thresholds, 2 screen */
  int32_t value;
  int status;
  const char *field;
} screen_bad_t;

static const screen_bad_t screen_bad_rows[] = {
    {"null_input", ST_NULL, 0, 0, INFUSE_E_NULL, "screen_input"},
    {"null_thresholds", ST_NULL, 1, 0, INFUSE_E_NULL, "thresholds"},
    {"null_screen", ST_NULL, 2, 0, INFUSE_E_NULL, "screen"},
    {"input_size", ST_SIZE, 0, 0, INFUSE_E_STRUCT_SIZE,
     "screen_input.struct_size"},
    {"thresholds_size", ST_SIZE, 1, 0, INFUSE_E_STRUCT_SIZE,
     "thresholds.struct_size"},
    {"screen_size", ST_SIZE, 2, 0, INFUSE_E_STRUCT_SIZE, "screen.struct_size"},
    {"trials_minus_2", ST_IN, 0, -2, INFUSE_E_RANGE, "screen.failed_trials"},
    {"trials_51", ST_IN, 0, 51, INFUSE_E_RANGE, "screen.failed_trials"},
    {"psychotic_2", ST_IN, 1, 2, INFUSE_E_RANGE, "screen.psychotic_symptoms"},
    {"substance_minus_2", ST_IN, 2, -2, INFUSE_E_RANGE,
     "screen.substance_misuse"},
    {"unstable_5", ST_IN, 3, 5, INFUSE_E_RANGE, "screen.unstable_medical"},
    {"systolic_39", ST_IN, 4, 39, INFUSE_E_RANGE, "screen.systolic_mmhg"},
    {"systolic_301", ST_IN, 4, 301, INFUSE_E_RANGE, "screen.systolic_mmhg"},
    {"systolic_minus_1", ST_IN, 4, -1, INFUSE_E_RANGE, "screen.systolic_mmhg"},
    {"diastolic_39", ST_IN, 5, 39, INFUSE_E_RANGE, "screen.diastolic_mmhg"},
    {"diastolic_301", ST_IN, 5, 301, INFUSE_E_RANGE, "screen.diastolic_mmhg"},
    {"heart_rate_19", ST_IN, 6, 19, INFUSE_E_RANGE, "screen.heart_rate_bpm"},
    {"heart_rate_251", ST_IN, 6, 251, INFUSE_E_RANGE, "screen.heart_rate_bpm"},
    {"heart_rate_minus_1", ST_IN, 6, -1, INFUSE_E_RANGE,
     "screen.heart_rate_bpm"},
    {"min_trials_minus_1", ST_TH, 0, -1, INFUSE_E_RANGE,
     "thresholds.min_failed_trials"},
    {"min_trials_51", ST_TH, 0, 51, INFUSE_E_RANGE,
     "thresholds.min_failed_trials"},
    {"max_systolic_39", ST_TH, 1, 39, INFUSE_E_RANGE,
     "thresholds.max_systolic_mmhg"},
    {"max_systolic_301", ST_TH, 1, 301, INFUSE_E_RANGE,
     "thresholds.max_systolic_mmhg"},
    {"max_diastolic_39", ST_TH, 2, 39, INFUSE_E_RANGE,
     "thresholds.max_diastolic_mmhg"},
    {"max_diastolic_minus_1", ST_TH, 2, -1, INFUSE_E_RANGE,
     "thresholds.max_diastolic_mmhg"},
    {"max_heart_rate_19", ST_TH, 3, 19, INFUSE_E_RANGE,
     "thresholds.max_heart_rate_bpm"},
    {"max_heart_rate_251", ST_TH, 3, 251, INFUSE_E_RANGE,
     "thresholds.max_heart_rate_bpm"},
};

START_TEST(screen_invalid) {
  const screen_bad_t *row = &screen_bad_rows[_i];
  int32_t v[7] = {3, 0, 0, 0, 150, 90, 80};
  if (row->target == ST_IN) {
    v[row->index] = row->value;
  }
  infuse_screen_input_t in;
  screen_input(&in, v);
  infuse_screen_thresholds_t t;
  ck_assert_int_eq(infuse_screen_init(&t), INFUSE_OK);
  if (row->target == ST_TH) {
    int32_t *th[4] = {&t.min_failed_trials, &t.max_systolic_mmhg,
                      &t.max_diastolic_mmhg, &t.max_heart_rate_bpm};
    *th[row->index] = row->value;
  }
  infuse_screen_t s, snap;
  memset(&s, 0xA5, sizeof s);
  s.struct_size = sizeof s;
  const infuse_screen_input_t *ip = &in;
  const infuse_screen_thresholds_t *tp = &t;
  infuse_screen_t *sp = &s;
  if (row->target == ST_NULL) {
    if (row->index == 0) {
      ip = NULL;
    } else if (row->index == 1) {
      tp = NULL;
    } else {
      sp = NULL;
    }
  }
  if (row->target == ST_SIZE) {
    if (row->index == 0) {
      in.struct_size = sizeof in + 4;
    } else if (row->index == 1) {
      t.struct_size = 0;
    } else {
      s.struct_size = sizeof s - 4;
    }
  }
  memcpy(&snap, &s, sizeof s);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_screen_evaluate(ip, tp, sp, &d);
  ck_assert_msg(rc == row->status, "%s: rc %d, expected %d", row->name, rc,
                row->status);
  ck_assert_msg(memcmp(&s, &snap, sizeof s) == 0, "%s: output written",
                row->name);
  check_diag(&d, row->status, row->field, row->name);
  ck_assert_int_eq(infuse_screen_evaluate(ip, tp, sp, NULL), row->status);
}
END_TEST

START_TEST(screen_names_and_messages) {
  static const struct {
    infuse_screen_finding_t f;
    const char *name;
    const char *want1;
    const char *want2;
  } rows[] = {
      {{TRD, 1, 2}, "trd_not_met",
       "1 failed adequate antidepressant trial, fewer than 2", "review article"},
      {{TRD, 0, 2}, "trd_not_met", "0 failed adequate antidepressant trials,",
       "review article"},
      {{PSY, 0, 0}, "psychotic_symptoms", "Psychotic symptoms",
       "review article"},
      {{SUB, 0, 0}, "substance_misuse", "substance misuse", "review article"},
      {{UNS, 0, 0}, "unstable_medical", "unstable medical condition",
       "review article"},
      {{SYS, 161, 160}, "systolic_high",
       "systolic blood pressure 161 mmHg is above the site threshold of 160 "
       "mmHg",
       "FDA label"},
      {{DIA, 101, 100}, "diastolic_high",
       "diastolic blood pressure 101 mmHg is above the site threshold of 100 "
       "mmHg",
       "site choice"},
      {{HRH, 111, 110}, "heart_rate_high",
       "heart rate 111 bpm is above the site threshold of 110 bpm",
       "site choice"},
      {{NA, 1, 0}, "not_assessed", "1 of the 7 screening items is unknown",
       "incomplete"},
      {{NA, 7, 0}, "not_assessed", "7 of the 7 screening items are unknown",
       "incomplete"},
  };
  char buf[512];
  for (int i = 0; i < N_ROWS(rows); i++) {
    ck_assert_str_eq(infuse_screen_finding_name((int)rows[i].f.code),
                     rows[i].name);
    size_t len = infuse_screen_finding_message(&rows[i].f, buf, sizeof buf);
    ck_assert_uint_eq(len, strlen(buf));
    ck_assert_msg(strstr(buf, rows[i].want1) != NULL, "'%s' lacks '%s'", buf,
                  rows[i].want1);
    ck_assert_msg(strstr(buf, rows[i].want2) != NULL, "'%s' lacks '%s'", buf,
                  rows[i].want2);
    ck_assert_int_eq(buf[len - 1], '.');
  }
  ck_assert_str_eq(infuse_screen_finding_name(0), "unknown");
  ck_assert_str_eq(infuse_screen_finding_name(9), "unknown");
  infuse_screen_finding_t unknown = {(infuse_screen_code_t)42, 1, 1};
  (void)infuse_screen_finding_message(&unknown, buf, sizeof buf);
  ck_assert_str_eq(buf, "Unknown screening finding.");
  ck_assert_uint_eq(infuse_screen_finding_message(NULL, buf, sizeof buf), 0);
  ck_assert_str_eq(buf, "");
  /* buffer contract */
  infuse_screen_finding_t f = {SYS, 161, 160};
  size_t len = infuse_screen_finding_message(&f, NULL, 0);
  ck_assert_uint_gt(len, 20);
  char small[8];
  memset(small, '#', sizeof small);
  ck_assert_uint_eq(infuse_screen_finding_message(&f, small, 6), len);
  ck_assert_str_eq(small, "Pre-i");
  ck_assert_int_eq(small[6], '#');
}
END_TEST

/* ======================================================================= */

static Suite *review_suite(void) {
  Suite *s = suite_create("review");
  TCase *core = tcase_create("review_core");
  tcase_add_test(core, review_init_defaults);
  tcase_add_loop_test(core, review_table, 0, N_ROWS(review_rows));
  tcase_add_test(core, review_unused_entries_zero);
  tcase_add_test(core, review_accepted_edges);
  tcase_add_test(core, review_names_and_messages);
  tcase_add_test(core, review_message_buffer);
  suite_add_tcase(s, core);
  TCase *rerr = tcase_create("review_errors");
  tcase_add_test(rerr, review_init_errors);
  tcase_add_loop_test(rerr, review_invalid, 0, N_ROWS(review_bad_rows));
  suite_add_tcase(s, rerr);

  TCase *xcore = tcase_create("exposure_core");
  tcase_add_test(xcore, exposure_init_defaults);
  tcase_add_test(xcore, exposure_window_ends);
  tcase_add_loop_test(xcore, exposure_table, 0, N_ROWS(exposure_rows));
  tcase_add_test(xcore, exposure_empty);
  tcase_add_test(xcore, exposure_accepted_edges);
  tcase_add_test(xcore, exposure_default_course_no_alert);
  tcase_add_test(xcore, exposure_brute_force);
  tcase_set_timeout(xcore, 60);
  suite_add_tcase(s, xcore);
  TCase *xlim = tcase_create("exposure_limits");
  tcase_add_loop_test(xlim, exposure_alerts, 0, N_ROWS(alert_rows));
  suite_add_tcase(s, xlim);
  TCase *xerr = tcase_create("exposure_errors");
  tcase_add_loop_test(xerr, exposure_invalid, 0, N_ROWS(exposure_bad_rows));
  suite_add_tcase(s, xerr);

  TCase *score = tcase_create("screen_core");
  tcase_add_test(score, screen_init_defaults);
  tcase_add_loop_test(score, screen_table, 0, N_ROWS(screen_rows));
  tcase_add_test(score, screen_names_and_messages);
  suite_add_tcase(s, score);
  TCase *serr = tcase_create("screen_errors");
  tcase_add_loop_test(serr, screen_invalid, 0, N_ROWS(screen_bad_rows));
  suite_add_tcase(s, serr);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(review_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
