/*
 * test_writers.c - text and JSON writers: buffer contract (too small leaves
 * the buffer untouched and reports the size), escaping, and well-formed JSON
 * checked by a small independent validator written here.
 */
#include <infuse.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

/* ---- fixtures ------------------------------------------------------------- */

static infuse_protocol_t proto;
static infuse_request_t req;
static infuse_result_t res;

static void compute_70kg(bool pump) {
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &proto, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, &proto), INFUSE_OK);
  req.weight_g = 70000;
  res.struct_size = sizeof res;
  int rc = pump ? infuse_pump_compute(&req, &res, NULL)
                : infuse_dose_compute(&req, &res, NULL);
  ck_assert_int_eq(rc, INFUSE_OK);
}

typedef int (*writer_fn)(const infuse_result_t *, char *, size_t, size_t *);
static const writer_fn writers[2] = {infuse_write_text, infuse_write_json};

START_TEST(too_small_leaves_buffer_untouched) {
  compute_70kg(true);
  writer_fn w = writers[_i];
  size_t need = 0;
  ck_assert_int_eq(w(&res, NULL, 0, &need), INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_gt(need, 100);
  char *buf = malloc(need + 1);
  ck_assert_ptr_nonnull(buf);
  /* cap == need leaves no room for the NUL */
  memset(buf, 'X', need + 1);
  size_t len = 0;
  ck_assert_int_eq(w(&res, buf, need, &len), INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, need);
  for (size_t i = 0; i <= need; i++) {
    ck_assert_int_eq(buf[i], 'X');
  }
  /* one more byte fits exactly */
  ck_assert_int_eq(w(&res, buf, need + 1, &len), INFUSE_OK);
  ck_assert_uint_eq(len, need);
  ck_assert_uint_eq(strlen(buf), need);
  free(buf);
}
END_TEST

START_TEST(bad_arguments) {
  compute_70kg(true);
  writer_fn w = writers[_i];
  char buf[64];
  size_t len = 7;
  ck_assert_int_eq(w(NULL, buf, sizeof buf, &len), INFUSE_E_NULL);
  ck_assert_int_eq(w(&res, buf, sizeof buf, NULL), INFUSE_E_NULL);
  ck_assert_int_eq(w(&res, NULL, 10, &len), INFUSE_E_NULL);
  infuse_result_t bad = res;
  bad.struct_size = 12;
  ck_assert_int_eq(w(&bad, buf, sizeof buf, &len), INFUSE_E_STRUCT_SIZE);
  bad = res;
  bad.n_findings = INFUSE_MAX_FINDINGS + 1;
  ck_assert_int_eq(w(&bad, buf, sizeof buf, &len), INFUSE_E_INVALID);
  bad = res;
  bad.n_steps = -1;
  ck_assert_int_eq(w(&bad, buf, sizeof buf, &len), INFUSE_E_INVALID);
  bad = res;
  bad.steps[0].exact_den = 0;
  ck_assert_int_eq(w(&bad, buf, sizeof buf, &len), INFUSE_E_INVALID);
  bad = res;
  memset(bad.protocol_id, 'a', sizeof bad.protocol_id);
  ck_assert_int_eq(w(&bad, buf, sizeof buf, &len), INFUSE_E_INVALID);
  ck_assert_uint_eq(len, 7);
}
END_TEST

static char big[1 << 16];

START_TEST(json_is_well_formed) {
  /* default, dose only, a limit case with findings, fixed dose, ideal
   * weight with height */
  size_t len;
  compute_70kg(true);
  ck_assert_int_eq(infuse_write_json(&res, big, sizeof big, &len), INFUSE_OK);
  ck_assert_msg(json_valid(big), "invalid JSON:\n%s", big);
  ck_assert_ptr_nonnull(strstr(big, "\"rate_ml_per_h\": 155.3,"));
  ck_assert_ptr_nonnull(strstr(big, "\"vtbi_ml\": 103.5,"));
  ck_assert_ptr_nonnull(strstr(big, "\"findings\": []"));

  compute_70kg(false);
  ck_assert_int_eq(infuse_write_json(&res, big, sizeof big, &len), INFUSE_OK);
  ck_assert(json_valid(big));
  ck_assert_ptr_null(strstr(big, "rate_ml_per_h"));
  ck_assert_ptr_nonnull(strstr(big, "\"dose_mg\": 35,"));

  compute_70kg(true);
  req.dose_ug_per_kg = 1100; /* 1.1 mg/kg: hard */
  req.prep = INFUSE_PREP_SYRINGE;
  req.vial_ug_per_ml = 100000;
  req.weight_basis = INFUSE_WEIGHT_ADJUSTED;
  req.height_mm = 1500;
  req.sex = INFUSE_SEX_FEMALE;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  ck_assert_int_gt(res.n_findings, 2);
  ck_assert_int_eq(infuse_write_json(&res, big, sizeof big, &len), INFUSE_OK);
  ck_assert_msg(json_valid(big), "invalid JSON:\n%s", big);
  ck_assert_ptr_nonnull(strstr(big, "\"verdict\": \"hard_limit\""));
  ck_assert_ptr_nonnull(strstr(big, "\"code\": \"undiluted_strength\""));
  ck_assert_ptr_nonnull(strstr(big, "\"code\": \"ibw_short_stature\""));
}
END_TEST

START_TEST(json_escapes_protocol_text) {
  compute_70kg(true);
  /* printable UTF-8 with characters JSON must escape */
  strcpy(proto.version, "2\"a\\b");
  ck_assert_int_eq(infuse_protocol_validate(&proto, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  size_t len;
  ck_assert_int_eq(infuse_write_json(&res, big, sizeof big, &len), INFUSE_OK);
  ck_assert_ptr_nonnull(strstr(big, "\"protocol_version\": \"2\\\"a\\\\b\""));
  ck_assert(json_valid(big));
}
END_TEST

START_TEST(text_shows_numbers_and_steps) {
  compute_70kg(true);
  size_t len;
  ck_assert_int_eq(infuse_write_text(&res, big, sizeof big, &len), INFUSE_OK);
  static const char *const needles[] = {
      "dose                  35 mg",
      "draw up               3.5 mL",
      "total volume          103.5 mL",
      "rate                  155.3 mL/h",
      "VTBI                  103.5 mL",
      "0.5 mg/kg x 70 kg = 35 mg",
      "35 mg / 10 mg/mL = 3.5 mL",
      ("103.5 mL / 40 min = 155.25 mL/h; rounded nearest to 0.1 mL/h: "
       "155.3 mL/h"),
      "Verdict   OK",
  };
  for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
    ck_assert_msg(strstr(big, needles[i]) != NULL, "missing '%s' in:\n%s",
                  needles[i], big);
  }
}
END_TEST

START_TEST(finding_message_contract) {
  compute_70kg(true);
  req.dose_ug_per_kg = 900; /* 0.9 mg/kg, soft high 0.75 */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_SOFT_LIMIT);
  ck_assert_int_eq(res.n_findings, 1);
  char msg[256];
  size_t n = infuse_finding_message(&res.findings[0], msg, sizeof msg);
  ck_assert_uint_eq(n, strlen(msg));
  ck_assert_str_eq(msg, "dose per kg 0.9 mg/kg is above the soft maximum "
                        "0.75 mg/kg; needs acknowledgement (protocol "
                        "ketamine-trd-40 v1)");
  char small[8];
  memset(small, 'X', sizeof small);
  ck_assert_uint_eq(infuse_finding_message(&res.findings[0], small,
                                           sizeof small),
                    n);
  ck_assert_str_eq(small, "dose pe");
  ck_assert_uint_eq(infuse_finding_message(&res.findings[0], NULL, 0), n);
}
END_TEST

static Suite *writers_suite(void) {
  Suite *s = suite_create("writers");
  TCase *core = tcase_create("core");
  tcase_add_loop_test(core, too_small_leaves_buffer_untouched, 0, 2);
  tcase_add_test(core, json_is_well_formed);
  tcase_add_test(core, json_escapes_protocol_text);
  tcase_add_test(core, text_shows_numbers_and_steps);
  tcase_add_test(core, finding_message_contract);
  suite_add_tcase(s, core);
  TCase *errors = tcase_create("errors");
  tcase_add_loop_test(errors, bad_arguments, 0, 2);
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(writers_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
