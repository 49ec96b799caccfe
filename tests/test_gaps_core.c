/*
 * test_gaps_core.c - error and edge paths of the core modules the other
 * suites leave out: muldiv's invalid mode and the portable path's zero
 * divisor, name lookups of values outside their enums, the decimal
 * formatter's guards, diagnostics with missing parts, copy_text's
 * truncation at a UTF-8 boundary, the parser's scale and precision limits,
 * protocol validation of UTF-8 text, limits and an oral protocol's
 * optional fields, malformed entered quantities in a request, the review
 * and exposure option ranges, and the date parser's digit checks.
 * Expected values are hand arithmetic.
 */
#include <infuse.h>

#include "internal.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- arith ---------------------------------------------------------------- */

START_TEST(muldiv_invalid_mode_and_zero_divisor) {
  int64_t out = 42;
  /* a mode outside the enum: E_INVALID from both paths, nothing written */
  ck_assert_int_eq(infuse__muldiv(7u, 3u, 2u, (infuse_rounding_t)3, &out),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(
      infuse__muldiv_portable(7u, 3u, 2u, (infuse_rounding_t)3, &out),
      INFUSE_E_INVALID);
  ck_assert_int_eq(out, 42);
  /* c == 0 on the portable path */
  ck_assert_int_eq(infuse__muldiv_portable(7u, 3u, 0u, INFUSE_ROUND_DOWN, &out),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(out, 42);
  /* the portable path by hand: 2^63 x 3 / 4 = 6917529027641081856 */
  ck_assert_int_eq(infuse__muldiv_portable(UINT64_C(1) << 63, 3u, 4u,
                                           INFUSE_ROUND_DOWN, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, INT64_C(6917529027641081856));
  /* (2^64 - 1) x 3 = 55340232221128654845 = 7 x 7905747460161236406 + 3:
   * down and nearest (2 x 3 < 7) give ...406, up ...407 */
  ck_assert_int_eq(infuse__muldiv_portable(UINT64_MAX, 3u, 7u,
                                           INFUSE_ROUND_DOWN, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, INT64_C(7905747460161236406));
  ck_assert_int_eq(infuse__muldiv_portable(UINT64_MAX, 3u, 7u,
                                           INFUSE_ROUND_NEAREST, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, INT64_C(7905747460161236406));
  ck_assert_int_eq(
      infuse__muldiv_portable(UINT64_MAX, 3u, 7u, INFUSE_ROUND_UP, &out),
      INFUSE_OK);
  ck_assert_int_eq(out, INT64_C(7905747460161236407));
  /* the same through the fast path */
  ck_assert_int_eq(infuse__muldiv(UINT64_MAX, 3u, 7u, INFUSE_ROUND_UP, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, INT64_C(7905747460161236407));
  /* (2^64 - 1) / 2 = 2^63 - 0.5: down is INT64_MAX, up (and nearest, a
   * tie) would be 2^63, beyond int64 */
  ck_assert_int_eq(
      infuse__muldiv_portable(UINT64_MAX, 1u, 2u, INFUSE_ROUND_UP, &out),
      INFUSE_E_RANGE);
  ck_assert_int_eq(infuse__muldiv_portable(UINT64_MAX, 1u, 2u,
                                           INFUSE_ROUND_NEAREST, &out),
                   INFUSE_E_RANGE);
  ck_assert_int_eq(
      infuse__muldiv_portable(UINT64_MAX, 1u, 2u, INFUSE_ROUND_DOWN, &out),
      INFUSE_OK);
  ck_assert_int_eq(out, INT64_MAX);
}
END_TEST

/* ---- names ---------------------------------------------------------------- */

START_TEST(names_outside_enums) {
  ck_assert_str_eq(infuse_step_name(INFUSE_STEP_HEIGHT_CONVERSION),
                   "height_conversion");
  ck_assert_str_eq(infuse_step_name(0), "unknown");
  ck_assert_str_eq(infuse_step_name(20), "unknown");
  ck_assert_str_eq(infuse_step_formula(0), "");
  ck_assert_str_eq(infuse_step_formula(-1), "");
  ck_assert_str_eq(infuse_step_formula(INFUSE_STEP_HEIGHT_CONVERSION),
                   "height = inches x 2.54 cm/in");
  ck_assert_str_eq(infuse__prep_name(INFUSE_PREP_SYRINGE), "syringe");
  ck_assert_str_eq(infuse__prep_name(4), "unknown");
  ck_assert_str_eq(infuse__prep_name(-1), "unknown");
  ck_assert_str_eq(infuse__basis_name(INFUSE_WEIGHT_ADJUSTED), "adjusted");
  ck_assert_str_eq(infuse__basis_name(3), "unknown");
  ck_assert_str_eq(infuse_dim_name((infuse_dim_t)99), "unknown");
  ck_assert_int_eq(infuse_dim_unit((infuse_dim_t)99), INFUSE_UNIT_NONE);
}
END_TEST

/* ---- format --------------------------------------------------------------- */

static const char *ratio(int64_t num, int64_t den, infuse_unit_t unit,
                         int extra, bool *exact) {
  static char out[64];
  infuse__sb_t sb;
  infuse__sb_init(&sb, out, sizeof out);
  infuse__put_ratio(&sb, num, den, unit, extra, exact);
  infuse__sb_finish(&sb);
  return out;
}

START_TEST(put_ratio_guards) {
  bool exact = true;
  /* ng shows 6 decimals of mg; 6 + 10 is capped at 12:
   * 1/3 ng = 0.000000333333... mg -> 0.000000333333 */
  ck_assert_str_eq(ratio(1, 3, INFUSE_UNIT_NG, 10, &exact), "0.000000333333");
  ck_assert(!exact);
  /* a denominator of 0 or less counts as 1: 5 g = 0.005 kg */
  exact = false;
  ck_assert_str_eq(ratio(5, 0, INFUSE_UNIT_G, 0, &exact), "0.005");
  ck_assert(exact);
  ck_assert_str_eq(ratio(5, -3, INFUSE_UNIT_G, 0, NULL), "0.005");
  /* den x 1e6 would not fit in 64 bits */
  exact = true;
  ck_assert_str_eq(ratio(1, INT64_MAX, INFUSE_UNIT_NG, 0, &exact), "overflow");
  ck_assert(!exact);
  ck_assert_str_eq(ratio(1, INT64_MAX, INFUSE_UNIT_NG, 0, NULL), "overflow");
  /* negative: -7/2 uL = -0.0035 mL */
  ck_assert_str_eq(ratio(-7, 2, INFUSE_UNIT_UL, 3, &exact), "-0.0035");
  ck_assert(exact);
}
END_TEST

START_TEST(copy_text_edges) {
  char dst[8];
  memset(dst, 'X', sizeof dst);
  infuse__copy_text(dst, 0, "abc"); /* cap 0: nothing at all */
  ck_assert_int_eq(dst[0], 'X');
  infuse__copy_text(dst, sizeof dst, NULL);
  ck_assert_str_eq(dst, "");
  /* "ab" + MICRO SIGN (c2 b5) into 4 bytes: 3 fit, the cut sequence goes */
  infuse__copy_text(dst, 4, "ab\xc2\xb5");
  ck_assert_str_eq(dst, "ab");
  /* a whole sequence that fits stays */
  infuse__copy_text(dst, 5, "ab\xc2\xb5");
  ck_assert_str_eq(dst, "ab\xc2\xb5");
  /* only continuation bytes after the first: back up to the lead */
  infuse__copy_text(dst, 3, "\xe2\x82\xac");
  ck_assert_str_eq(dst, "");
  /* no lead byte at all: nothing is kept, and the back-up stops at the
   * start of the text (the byte before it, 'A' here, is not looked at) */
  const char stray[] = "A\x80\x80\x80\x80";
  infuse__copy_text(dst, 3, stray + 1);
  ck_assert_str_eq(dst, "");
  /* control bytes and DEL become '?' */
  infuse__copy_text(dst, sizeof dst, "a\tb\x7f\x01");
  ck_assert_str_eq(dst, "a?b??");
}
END_TEST

START_TEST(fail_with_missing_parts) {
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(infuse__fail(&d, INFUSE_E_INVALID, NULL, NULL, NULL,
                                "second part", NULL),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(d.status, INFUSE_E_INVALID);
  ck_assert_str_eq(d.field, "value");
  ck_assert_str_eq(d.value, "");
  ck_assert_str_eq(d.message, "value: second part");
  ck_assert_int_eq(infuse__fail_q(&d, INFUSE_E_RANGE, "f", 35000000,
                                  INFUSE_UNIT_NG, NULL, "m2", "m3"),
                   INFUSE_E_RANGE);
  ck_assert_str_eq(d.field, "f");
  ck_assert_str_eq(d.value, "35 mg");
  ck_assert_str_eq(d.message, "f: '35 mg' m2m3");
  /* a NULL diag only returns the status */
  ck_assert_int_eq(infuse__fail_q(NULL, INFUSE_E_ZERO, "f", 0, INFUSE_UNIT_G,
                                  "x", NULL, NULL),
                   INFUSE_E_ZERO);
}
END_TEST

START_TEST(builder_full_buffer) {
  char b[4];
  infuse__sb_t sb;
  infuse__sb_init(&sb, b, sizeof b);
  infuse__sb_puts(&sb, "abcdef"); /* slow path: 3 bytes fit */
  infuse__sb_puts(&sb, "gh");     /* already full: only counted */
  ck_assert_uint_eq(infuse__sb_finish(&sb), 8);
  ck_assert_str_eq(b, "abc");
}
END_TEST

/* ---- quantity parser ------------------------------------------------------ */

START_TEST(parse_scale_and_precision_limits) {
  infuse_quantity_t q;
  infuse_diag_t d;
  /* 16 decimal places (one significant digit): over the 15-digit limit */
  ck_assert_int_eq(infuse_quantity_parse("0.0000000000000001kg",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, &d),
                   INFUSE_E_RANGE);
  ck_assert_str_eq(d.field, "weight");
  ck_assert_ptr_nonnull(strstr(d.message, "has more than 15 digits"));
  /* 15 decimals of lb: 1e-15 lb needs a divisor 1e5 x 1e15 = 1e20, beyond
   * 64 bits */
  ck_assert_int_eq(infuse_quantity_parse("0.000000000000001lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, &d),
                   INFUSE_E_PRECISION);
  ck_assert_ptr_nonnull(
      strstr(d.message, "has more decimal places than can be converted"));
  /* "g" is a body weight and a mass; asked for a volume it names the first
   * dimension it found */
  ck_assert_int_eq(infuse_quantity_parse("5g", INFUSE_DIM_BIT(INFUSE_DIM_VOLUME),
                                         "bag", &q, &d),
                   INFUSE_E_WRONG_DIMENSION);
  ck_assert_str_eq(d.message,
                   "bag: '5g' is a body weight, not what this field takes; "
                   "accepted: a volume in mL, L or uL (e.g. 100mL)");
  /* no dimension asked for */
  ck_assert_int_eq(infuse_quantity_parse("5xyz", 0, NULL, &q, &d),
                   INFUSE_E_UNKNOWN_UNIT);
  ck_assert_str_eq(d.field, "value");
  ck_assert_ptr_nonnull(
      strstr(d.message, "accepted: nothing (no dimension was asked for)"));
}
END_TEST

/* ---- protocol validation -------------------------------------------------- */

static infuse_protocol_t proto;
static infuse_diag_t diag;

static void base(const char *id) {
  ck_assert_int_eq(infuse_protocol_get(id, &proto, NULL), INFUSE_OK);
  memset(&diag, 0, sizeof diag);
}

static void expect(int status, const char *field) {
  ck_assert_int_eq(infuse_protocol_validate(&proto, &diag), status);
  ck_assert_int_eq(diag.status, status);
  ck_assert_str_eq(diag.field, field);
}

START_TEST(protocol_text_utf8) {
  base("ketamine-trd-40");
  strcpy(proto.id, "site_a.v2-1");
  ck_assert_int_eq(infuse_protocol_validate(&proto, NULL), INFUSE_OK);
  strcpy(proto.id, "Upper");
  expect(INFUSE_E_INVALID, "protocol.id");

  base("ketamine-trd-40");
  proto.version[0] = '\0';
  expect(INFUSE_E_INVALID, "protocol.version");
  ck_assert_str_eq(diag.message, "protocol.version: must be non-empty "
                                 "printable UTF-8, NUL-terminated");

  /* an empty title is allowed; good 2-, 3- and 4-byte sequences too */
  base("ketamine-trd-40");
  proto.title[0] = '\0';
  ck_assert_int_eq(infuse_protocol_validate(&proto, NULL), INFUSE_OK);
  strcpy(proto.title, "5 \xc2\xb5g \xe2\x82\xac \xf0\x9f\x92\x89 "
                      "\xf4\x8f\xbf\xbf");
  ck_assert_int_eq(infuse_protocol_validate(&proto, NULL), INFUSE_OK);

  static const char *const bad[] = {
      "\xe0\x80\xaf",     /* overlong 3-byte '/' */
      "\xed\xa0\x80",     /* surrogate U+D800 */
      "\xf0\x80\x80\xaf", /* overlong 4-byte */
      "\xf4\x90\x80\x80", /* U+110000 */
      "\xc2\x85",         /* C1 control U+0085 */
      "\xe2\x28\xa1",     /* a continuation byte missing */
      "\xf5\x80\x80\x80", /* no such lead byte */
      "\xf0\x9f\x92",     /* cut 4-byte sequence */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    base("ketamine-trd-40");
    strcpy(proto.title, bad[i]);
    expect(INFUSE_E_INVALID, "protocol.title");
    base("ketamine-trd-40");
    strcpy(proto.drug, bad[i]);
    expect(INFUSE_E_INVALID, "protocol.drug");
  }
}
END_TEST

START_TEST(protocol_limits_and_oral_fields) {
  base("ketamine-trd-40");
  proto.dose.soft_high = INFUSE_MAX_DOSE_UG + 1;
  expect(INFUSE_E_RANGE, "protocol.dose.soft_high");
  /* 1000000001 ug = 1000000.001 mg */
  ck_assert_str_eq(diag.value, "1000000.001 mg");
  ck_assert_str_eq(diag.message, "protocol.dose.soft_high: '1000000.001 mg' "
                                 "is beyond the range the library accepts");
  base("ketamine-trd-40");
  proto.concentration.hard_high = INFUSE_MAX_CONC_UG_PER_ML + 1;
  expect(INFUSE_E_RANGE, "protocol.concentration.hard_high");

  /* an oral protocol's infusion fields are optional, but checked if set */
  base("ketamine-oral");
  ck_assert_int_eq(infuse_protocol_validate(&proto, NULL), INFUSE_OK);
  proto.duration_s = -60;
  expect(INFUSE_E_NEGATIVE, "protocol.duration_s");
  base("ketamine-oral");
  proto.duration_s = INFUSE_MAX_DURATION_S + 1;
  expect(INFUSE_E_RANGE, "protocol.duration_s");
  base("ketamine-oral");
  proto.rate_step_ul_per_h = INFUSE_MAX_RATE_STEP_UL_PER_H + 1;
  expect(INFUSE_E_RANGE, "protocol.rate_step_ul_per_h");
  base("ketamine-oral");
  proto.bag_ul = -1;
  expect(INFUSE_E_NEGATIVE, "protocol.bag_ul");
  base("ketamine-oral");
  proto.final_conc_ug_per_ml = INFUSE_MAX_CONC_UG_PER_ML + 1;
  expect(INFUSE_E_RANGE, "protocol.final_conc_ug_per_ml");
  /* set within range, they pass */
  base("ketamine-oral");
  proto.duration_s = 60;
  proto.rate_step_ul_per_h = 100;
  proto.bag_ul = 100000;
  proto.final_conc_ug_per_ml = 1000;
  ck_assert_int_eq(infuse_protocol_validate(&proto, NULL), INFUSE_OK);
}
END_TEST

/* ---- requests with malformed entered quantities --------------------------- */

START_TEST(entered_quantities_malformed) {
  base("ketamine-trd-40");
  infuse_request_t req;
  infuse_result_t res;
  ck_assert_int_eq(infuse_request_init(&req, &proto), INFUSE_OK);
  infuse_quantity_t w;
  ck_assert_int_eq(infuse_quantity_parse("154lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &w, NULL),
                   INFUSE_OK);
  req.weight_g = w.value; /* 69853 g */
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  const infuse_result_t untouched = res;

  infuse_quantity_t bad[6];
  for (int i = 0; i < 6; i++) {
    bad[i] = w;
  }
  bad[0].unit = INFUSE_UNIT_MM;                           /* wrong unit */
  memset(bad[1].source_unit, 'l', sizeof bad[1].source_unit); /* no NUL */
  bad[2].source_mantissa = 0;
  bad[3].source_scale = -1;
  bad[4].source_scale = INFUSE_PARSE_MAX_DIGITS + 1;
  bad[5].dim = INFUSE_DIM_MASS;
  for (int i = 0; i < 6; i++) {
    req.weight_entered = bad[i];
    memset(&diag, 0, sizeof diag);
    ck_assert_int_eq(infuse_pump_compute(&req, &res, &diag), INFUSE_E_INVALID);
    ck_assert_str_eq(diag.field, "weight_entered");
    ck_assert_str_eq(diag.message, "weight_entered: is not a quantity from "
                                   "infuse_quantity_parse of the right "
                                   "dimension");
    ck_assert_mem_eq(&res, &untouched, sizeof res);
  }
  req.weight_entered = w;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);

  /* the height: a weight entered as a height */
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  req.height_mm = 1753;
  req.height_entered = w;
  ck_assert_int_eq(infuse_dose_compute(&req, &res, &diag), INFUSE_E_INVALID);
  ck_assert_str_eq(diag.field, "height_entered");
  ck_assert_mem_eq(&res, &untouched, sizeof res);
}
END_TEST

/* ---- review and exposure -------------------------------------------------- */

START_TEST(review_no_run_after_response) {
  infuse_review_options_t opt;
  ck_assert_int_eq(infuse_review_init(&opt, INFUSE_SCALE_MADRS), INFUSE_OK);
  /* baseline 30; 12 is a 60% reduction (response at 1), then three scores
   * of 30 (0%, not improved): no THREE_NON_IMPROVEMENTS after a response */
  const int32_t scores[] = {12, 30, 30, 30};
  infuse_review_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_review_evaluate(&opt, 30, scores, 4, &r, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(r.first_response, 1);
  ck_assert_int_eq(r.points[0].reduction_permille, 600);
  ck_assert_int_eq(r.points[3].reduction_permille, 0);
  ck_assert(!r.points[3].improved);
  ck_assert_int_eq(r.n_findings, 1);
  ck_assert_int_eq(r.findings[0].code, INFUSE_REVIEW_RESPONSE_AT_1);
  ck_assert_int_eq(r.findings[0].infusion, 1);
}
END_TEST

START_TEST(exposure_alert_dose_range) {
  infuse_exposure_options_t opt;
  ck_assert_int_eq(infuse_exposure_init(&opt), INFUSE_OK);
  infuse_exposure_t out;
  memset(&out, 0, sizeof out);
  out.struct_size = sizeof out;
  infuse_diag_t d;
  opt.alert_dose_ug = -1;
  ck_assert_int_eq(infuse_exposure_evaluate(NULL, 0, &opt, &out, &d),
                   INFUSE_E_RANGE);
  ck_assert_str_eq(d.field, "exposure_options.alert_dose_ug");
  ck_assert_str_eq(d.message, "exposure_options.alert_dose_ug: '-0.001 mg' "
                              "is outside 0 (off) to 1000000000 mg");
  opt.alert_dose_ug = INT64_C(1000000000000) + 1;
  ck_assert_int_eq(infuse_exposure_evaluate(NULL, 0, &opt, &out, &d),
                   INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1000000000.001 mg");
  opt.alert_dose_ug = INT64_C(1000000000000);
  ck_assert_int_eq(infuse_exposure_evaluate(NULL, 0, &opt, &out, &d),
                   INFUSE_OK);
  ck_assert_int_eq(out.total_infusions, 0);
}
END_TEST

/* ---- dates ---------------------------------------------------------------- */

START_TEST(date_parse_digit_checks) {
  static const char *const bad[] = {"2O25-01-01", "2025-0x-01", "2025-01-3a",
                                    "2025/01/01", "2025-01-011", "2025-1-01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int32_t out = 12345;
    infuse_diag_t d;
    ck_assert_int_eq(infuse_date_parse(bad[i], "start", &out, &d),
                     INFUSE_E_SYNTAX);
    ck_assert_int_eq(out, 12345);
    ck_assert_str_eq(d.field, "start");
  }
  int32_t out = 0;
  ck_assert_int_eq(infuse_date_parse("2000-02-29", "start", &out, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(out, 11016); /* 30 x 365 + 7 leap days + 59 */
}
END_TEST

static Suite *gaps_core_suite(void) {
  Suite *s = suite_create("gaps_core");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, muldiv_invalid_mode_and_zero_divisor);
  tcase_add_test(tc, names_outside_enums);
  tcase_add_test(tc, put_ratio_guards);
  tcase_add_test(tc, copy_text_edges);
  tcase_add_test(tc, fail_with_missing_parts);
  tcase_add_test(tc, builder_full_buffer);
  tcase_add_test(tc, parse_scale_and_precision_limits);
  suite_add_tcase(s, tc);
  TCase *pr = tcase_create("protocol_request");
  tcase_add_test(pr, protocol_text_utf8);
  tcase_add_test(pr, protocol_limits_and_oral_fields);
  tcase_add_test(pr, entered_quantities_malformed);
  suite_add_tcase(s, pr);
  TCase *rv = tcase_create("review_dates");
  tcase_add_test(rv, review_no_run_after_response);
  tcase_add_test(rv, exposure_alert_dose_range);
  tcase_add_test(rv, date_parse_digit_checks);
  suite_add_tcase(s, rv);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(gaps_core_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
