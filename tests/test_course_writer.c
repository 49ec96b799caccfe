/*
 * test_course_writer.c - course plans as JSON and CSV: golden texts written
 * by hand, the buffer contract, and refusal of malformed exports. Also the
 * oral regimen (infuse_oral_compute), whose numbers are hand arithmetic.
 */
#include "internal.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Day numbers come from infuse_date_from_ymd, which test_calendar checks
 * against an independent implementation over every day of its range. */
static int32_t day(int y, int m, int d) {
  int32_t out = 0;
  ck_assert_int_eq(infuse_date_from_ymd(y, m, d, &out), INFUSE_OK);
  return out;
}

static infuse_session_t sessions[3];
static infuse_course_export_t x;

static void three_sessions(void) {
  memset(sessions, 0, sizeof sessions);
  sessions[0] = (infuse_session_t){1, day(2026, 11, 30), INFUSE_PHASE_INDUCTION,
                                   0, 0, 0};
  sessions[1] = (infuse_session_t){2, day(2026, 12, 2), INFUSE_PHASE_INDUCTION,
                                   2, 2, 0};
  sessions[2] = (infuse_session_t){3, day(2026, 12, 7),
                                   INFUSE_PHASE_MAINTENANCE, 5, 4, 1};
  memset(&x, 0, sizeof x);
  x.struct_size = sizeof x;
  x.sessions = sessions;
  x.n_sessions = 3;
}

static char buf[8192];

START_TEST(json_dates_only) {
  three_sessions();
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_json(&x, buf, sizeof buf, &len),
                   INFUSE_OK);
  /* 2026-11-30 is a Monday (ISO 1), 12-02 a Wednesday (3), 12-07 a Monday */
  const char *expected =
      "{\n"
      "  \"sessions\": [\n"
      "    {\"index\": 1, \"date\": \"2026-11-30\", \"weekday\": 1, "
      "\"phase\": \"induction\", \"interval_days\": null, "
      "\"target_interval_days\": null, \"moved_days\": 0},\n"
      "    {\"index\": 2, \"date\": \"2026-12-02\", \"weekday\": 3, "
      "\"phase\": \"induction\", \"interval_days\": 2, "
      "\"target_interval_days\": 2, \"moved_days\": 0},\n"
      "    {\"index\": 3, \"date\": \"2026-12-07\", \"weekday\": 1, "
      "\"phase\": \"maintenance\", \"interval_days\": 5, "
      "\"target_interval_days\": 4, \"moved_days\": 1}\n"
      "  ],\n"
      "  \"summary\": {\"sessions\": 3, \"induction\": 2, \"maintenance\": 1, "
      "\"first\": \"2026-11-30\", \"last\": \"2026-12-07\"}\n"
      "}\n";
  ck_assert_str_eq(buf, expected);
  ck_assert_uint_eq(len, strlen(expected));
}
END_TEST

START_TEST(json_and_csv_with_dose) {
  three_sessions();
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), 0);
  ck_assert_int_eq(infuse_request_init(&q, &p), 0);
  q.weight_g = 70000;
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_pump_compute(&q, &r, NULL), INFUSE_OK);
  x.result = &r;
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_json(&x, buf, sizeof buf, &len), 0);
  /* 35 mg at 155.3 mL/h, VTBI 103.5 mL on every session; 3 x 35 = 105 mg */
  ck_assert_ptr_nonnull(strstr(buf, "\"moved_days\": 0, \"dose_mg\": 35, "
                                    "\"rate_ml_per_h\": 155.3, \"vtbi_ml\": "
                                    "103.5}"));
  ck_assert_ptr_nonnull(strstr(buf, "\"protocol\": \"ketamine-trd-40\", "
                                    "\"protocol_version\": \"1\", "
                                    "\"verdict\": \"ok\", \"total_dose_mg\": "
                                    "105}"));
  ck_assert_int_eq(infuse_course_write_csv(&x, buf, sizeof buf, &len), 0);
  const char *expected =
      "index,date,phase,interval_days,target_interval_days,moved_days,"
      "dose_mg,rate_ml_per_h,vtbi_ml\r\n"
      "1,2026-11-30,induction,,,0,35,155.3,103.5\r\n"
      "2,2026-12-02,induction,2,2,0,35,155.3,103.5\r\n"
      "3,2026-12-07,maintenance,5,4,1,35,155.3,103.5\r\n";
  ck_assert_str_eq(buf, expected);
  ck_assert_uint_eq(len, strlen(expected));
}
END_TEST

START_TEST(csv_dates_only) {
  three_sessions();
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_csv(&x, buf, sizeof buf, &len), 0);
  ck_assert_str_eq(buf,
                   "index,date,phase,interval_days,target_interval_days,"
                   "moved_days,dose_mg,rate_ml_per_h,vtbi_ml\r\n"
                   "1,2026-11-30,induction,,,0,,,\r\n"
                   "2,2026-12-02,induction,2,2,0,,,\r\n"
                   "3,2026-12-07,maintenance,5,4,1,,,\r\n");
}
END_TEST

typedef int (*writer_fn)(const infuse_course_export_t *, char *, size_t,
                         size_t *);
static const writer_fn writers[2] = {infuse_course_write_json,
                                     infuse_course_write_csv};

START_TEST(too_small_untouched) {
  three_sessions();
  size_t need = 0;
  ck_assert_int_eq(writers[_i](&x, NULL, 0, &need), INFUSE_E_BUFFER_TOO_SMALL);
  memset(buf, 'Z', sizeof buf);
  size_t len = 1;
  ck_assert_int_eq(writers[_i](&x, buf, need, &len),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, need);
  for (size_t i = 0; i < need + 8; i++) {
    ck_assert_int_eq(buf[i], 'Z');
  }
  ck_assert_int_eq(writers[_i](&x, buf, need + 1, &len), INFUSE_OK);
  ck_assert_uint_eq(len, need);
}
END_TEST

START_TEST(malformed_exports_refused) {
  size_t len = 77;
  three_sessions();
  ck_assert_int_eq(writers[_i](NULL, buf, sizeof buf, &len), INFUSE_E_NULL);
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, NULL), INFUSE_E_NULL);
  x.struct_size = 4;
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, &len),
                   INFUSE_E_STRUCT_SIZE);
  three_sessions();
  x.n_sessions = 0;
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, &len), INFUSE_E_INVALID);
  three_sessions();
  sessions[1].index = 7; /* indexes must be 1..n in order */
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, &len), INFUSE_E_INVALID);
  three_sessions();
  sessions[2].date = INFUSE_DATE_MAX + 1;
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, &len), INFUSE_E_INVALID);
  three_sessions();
  sessions[0].phase = (infuse_phase_t)5;
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, &len), INFUSE_E_INVALID);
  three_sessions();
  x.uid_domain = "has space.example";
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, &len), INFUSE_E_INVALID);
  three_sessions();
  infuse_result_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = 3;
  x.result = &r;
  ck_assert_int_eq(writers[_i](&x, buf, sizeof buf, &len),
                   INFUSE_E_STRUCT_SIZE);
  ck_assert_uint_eq(len, 77);
}
END_TEST

/* The one-pass path (buffer larger than the bound) and the two-pass path
 * (buffer just large enough) give the same bytes, and the bound is never
 * below the length, over random plans, doses and protocol texts. */
START_TEST(bound_holds_and_paths_agree) {
  static infuse_session_t many[INFUSE_MAX_SESSIONS];
  static char one[1 << 18], two[1 << 18];
  uint64_t state = 0x243f6a8885a308d3u;
  for (int trial = 0; trial < 300; trial++) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    uint32_t rnd = (uint32_t)(state >> 33);
    infuse_course_options_t o;
    ck_assert_int_eq(infuse_course_init(&o, day(1990, 1, 1) +
                                                (int32_t)(rnd % 30000)),
                     INFUSE_OK);
    o.maintenance = (infuse_maintenance_t)(rnd % 3);
    o.horizon_months = 1 + (int32_t)(rnd / 3 % 60);
    size_t n = 0;
    ck_assert_int_eq(
        infuse_course_plan(&o, many, INFUSE_MAX_SESSIONS, &n, NULL), 0);
    infuse_protocol_t p;
    infuse_request_t q;
    infuse_result_t r;
    ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), 0);
    /* odd but printable protocol text, to stress escaping */
    strcpy(p.version, (rnd & 1) ? "v\"\\x\xc3\xa9" : "1");
    ck_assert_int_eq(infuse_request_init(&q, &p), 0);
    q.weight_g = 30000 + (int64_t)(rnd % 270000);
    q.acknowledge = INFUSE_ACK_ALL;
    r.struct_size = sizeof r;
    ck_assert_int_ge(infuse_pump_compute(&q, &r, NULL), 0);
    infuse_course_export_t e;
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    e.sessions = many;
    e.n_sessions = n;
    e.result = (rnd & 2) ? &r : NULL;
    for (int w = 0; w < 2; w++) {
      size_t need = 0, len1 = 0, len2 = 0;
      ck_assert_int_eq(writers[w](&e, NULL, 0, &need),
                       INFUSE_E_BUFFER_TOO_SMALL);
      size_t bound = w == 0 ? infuse__course_json_bound(&e)
                            : infuse__course_csv_bound(&e);
      ck_assert_uint_ge(bound, need);
      ck_assert_uint_lt(bound + 1, sizeof one);
      ck_assert_int_eq(writers[w](&e, one, bound + 1, &len1), INFUSE_OK);
      ck_assert_int_eq(writers[w](&e, two, need + 1, &len2), INFUSE_OK);
      ck_assert_uint_eq(len1, need);
      ck_assert_uint_eq(len2, need);
      ck_assert_mem_eq(one, two, need + 1);
    }
  }
}
END_TEST

/* ---- oral regimen --------------------------------------------------------- */

START_TEST(oral_dose_and_volume) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &p, NULL), 0);
  ck_assert_int_eq(infuse_request_init(&q, &p), 0);
  /* 73 kg x 1 mg/kg = 73 mg; at 50 mg/mL = 1.46 mL -> 1.5 mL (0.1 mL
   * step, nearest) = 75 mg delivered; (75 - 73) / 73 = 2.7397 % = 27397
   * ppm (27397.26 -> 27397) */
  q.weight_g = 73000;
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_oral_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert(!r.has_pump);
  ck_assert_int_eq(r.dose_ng, 73000000);
  ck_assert_int_eq(r.drug_volume_ul, 1500);
  ck_assert_int_eq(r.delivered_dose_ng, 75000000);
  ck_assert_int_eq(r.dose_deviation_ppm, 27397);
  ck_assert_int_eq(r.rate_ul_per_h, 0);
  /* 1.5 mg/kg at 70 kg = 105 mg = 2.1 mL exactly */
  q.weight_g = 70000;
  q.dose_ug_per_kg = 1500;
  ck_assert_int_eq(infuse_oral_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert_int_eq(r.drug_volume_ul, 2100);
  ck_assert_int_eq(r.dose_deviation_ppm, 0);
  /* 2.5 mg/kg is above the oral soft high of 2 mg/kg */
  q.dose_ug_per_kg = 2500;
  ck_assert_int_eq(infuse_oral_compute(&q, &r, NULL), INFUSE_STOP_SOFT_LIMIT);
  ck_assert_int_eq(r.findings[0].code, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH);
  size_t len;
  ck_assert_int_eq(infuse_write_json(&r, buf, sizeof buf, &len), INFUSE_OK);
  /* 175 mg at 50 mg/mL = 3.5 mL */
  ck_assert_ptr_nonnull(strstr(buf, "\"volume_ml\": 3.5,"));
  ck_assert_ptr_nonnull(strstr(buf, "\"solution_mg_per_ml\": 50,"));
}
END_TEST

START_TEST(oral_refuses_infusion_protocols) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  infuse_diag_t d;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), 0);
  ck_assert_int_eq(infuse_request_init(&q, &p), 0);
  q.weight_g = 70000;
  memset(&r, 0x5a, sizeof r);
  r.struct_size = sizeof r;
  infuse_result_t before = r;
  ck_assert_int_eq(infuse_oral_compute(&q, &r, &d), INFUSE_E_INVALID);
  ck_assert_mem_eq(&r, &before, sizeof r);
  ck_assert_str_eq(d.field, "protocol");
  /* and the pump program refuses the oral protocol */
  ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &p, NULL), 0);
  ck_assert_int_eq(infuse_request_init(&q, &p), 0);
  q.weight_g = 70000;
  ck_assert_int_eq(infuse_pump_compute(&q, &r, &d), INFUSE_E_NOT_INFUSION);
  ck_assert_mem_eq(&r, &before, sizeof r);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("course_writer");
  TCase *core = tcase_create("core");
  tcase_add_test(core, json_dates_only);
  tcase_add_test(core, json_and_csv_with_dose);
  tcase_add_test(core, csv_dates_only);
  tcase_add_test(core, oral_dose_and_volume);
  tcase_add_test(core, bound_holds_and_paths_agree);
  tcase_set_timeout(core, 60);
  suite_add_tcase(s, core);
  TCase *errors = tcase_create("errors");
  tcase_add_loop_test(errors, too_small_untouched, 0, 2);
  tcase_add_loop_test(errors, malformed_exports_refused, 0, 2);
  tcase_add_test(errors, oral_refuses_infusion_protocols);
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
