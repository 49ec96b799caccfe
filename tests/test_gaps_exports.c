/*
 * test_gaps_exports.c - course exports: the export description checks one
 * field at a time, JSON and CSV with a dose-only result and bad buffers,
 * the one-pass writer with no bound, and the iCalendar and FHIR branches
 * the other suites leave out: a delivered dose that differs from the
 * prescribed one, invalid UTF-8 in caller text, a UID domain and a
 * DESCRIPTION too long for their per-render buffers (rendered straight
 * through the folding writer), three-digit session numbers, leap days of
 * 2000 and 2100, quotes and control bytes in a FHIR note, an oral result,
 * more than nine MedicationRequests, and a "times a day" rhythm.
 * Expected values are hand arithmetic.
 */
#include <infuse.h>

#include "internal.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

#define HAS(hay, needle)                                                       \
  ck_assert_msg(strstr((hay), (needle)) != NULL, "missing <%s> in:\n%.1500s",    \
                (needle), (hay))
#define LACKS(hay, needle)                                                     \
  ck_assert_msg(strstr((hay), (needle)) == NULL, "unexpected <%s>", (needle))

static char buf[1 << 20];
static char unfolded[1 << 20];
static infuse_session_t sess[128];
static infuse_course_export_t x;
static infuse_protocol_t proto;
static infuse_request_t req;
static infuse_result_t res;

#define D_2025_01_06 20094 /* a Monday */

/* n sessions one week apart from 2025-01-06, the first induction, the
 * rest maintenance. */
static void sessions(size_t n) {
  memset(sess, 0, sizeof sess);
  for (size_t i = 0; i < n; i++) {
    sess[i].index = (int32_t)i + 1;
    sess[i].date = D_2025_01_06 + 7 * (int32_t)i;
    sess[i].phase = i == 0 ? INFUSE_PHASE_INDUCTION : INFUSE_PHASE_MAINTENANCE;
    sess[i].interval_days = i == 0 ? 0 : 7;
    sess[i].target_interval_days = i == 0 ? 0 : 7;
  }
  memset(&x, 0, sizeof x);
  x.struct_size = sizeof x;
  x.sessions = sess;
  x.n_sessions = n;
  x.course_id = "c1";
  x.patient_reference = "Patient/1";
  x.dtstamp = 1767225600; /* 2026-01-01T00:00:00Z */
}

static void compute(int64_t weight_g, int64_t vial) {
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &proto, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, &proto), INFUSE_OK);
  req.weight_g = weight_g;
  req.vial_ug_per_ml = vial;
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
}

typedef int (*export_fn)(const infuse_course_export_t *, char *, size_t,
                         size_t *);
static const export_fn exporters[4] = {
    infuse_course_write_json, infuse_course_write_csv, infuse_course_write_ics,
    infuse_course_write_fhir};

static int run(export_fn f) {
  size_t len = 0;
  int rc = f(&x, buf, sizeof buf, &len);
  if (rc == INFUSE_OK) {
    ck_assert_uint_eq(len, strlen(buf));
  }
  return rc;
}

/* The ICS text with folds (CRLF + space) removed. */
static const char *ics_unfolded(void) {
  ck_assert_int_eq(run(infuse_course_write_ics), INFUSE_OK);
  size_t o = 0;
  for (size_t i = 0; buf[i] != '\0'; i++) {
    if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == ' ') {
      i += 2;
      continue;
    }
    unfolded[o++] = buf[i];
  }
  unfolded[o] = '\0';
  /* every physical line is at most 75 octets */
  size_t col = 0;
  for (size_t i = 0; buf[i] != '\0'; i++) {
    if (buf[i] == '\r') {
      ck_assert_uint_le(col, 75);
      col = 0;
      i++;
    } else {
      col++;
    }
  }
  return unfolded;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL;
       p = strstr(p + 1, needle)) {
    n++;
  }
  return n;
}

/* ---- the export description, one field at a time -------------------------- */

START_TEST(export_check_sessions) {
  export_fn f = exporters[_i];
  sessions(3);
  ck_assert_int_eq(run(f), INFUSE_OK);
  infuse_session_t good = sess[1];
#define BAD(field, v)                                                          \
  do {                                                                         \
    sess[1] = good;                                                            \
    sess[1].field = (v);                                                       \
    ck_assert_int_eq(run(f), INFUSE_E_INVALID);                                \
  } while (0)
  BAD(date, INFUSE_DATE_MIN - 1);
  BAD(date, INFUSE_DATE_MAX + 1);
  BAD(index, 3);
  BAD(phase, (infuse_phase_t)2);
  BAD(interval_days, -1);
  BAD(target_interval_days, -1);
  BAD(moved_days, -1);
  BAD(interval_days, INFUSE_DATE_MAX + 1);
  BAD(target_interval_days, INFUSE_DATE_MAX + 1);
  BAD(moved_days, INFUSE_DATE_MAX + 1);
#undef BAD
  sess[1] = good;
  /* a result whose version is not terminated */
  compute(70000, 10000);
  memset(res.protocol_version, 'v', sizeof res.protocol_version);
  x.result = &res;
  ck_assert_int_eq(run(f), INFUSE_E_INVALID);
  /* a domain with a quote, a space, or longer than 253 octets */
  x.result = NULL;
  x.uid_domain = "ex\"ample.org";
  ck_assert_int_eq(run(f), INFUSE_E_INVALID);
  x.uid_domain = "example .org";
  ck_assert_int_eq(run(f), INFUSE_E_INVALID);
  x.uid_domain = "";
  ck_assert_int_eq(run(f), INFUSE_E_INVALID);
  char longdom[260];
  memset(longdom, 'a', 254);
  longdom[254] = '\0';
  x.uid_domain = longdom;
  ck_assert_int_eq(run(f), INFUSE_E_INVALID);
  longdom[253] = '\0';
  ck_assert_int_eq(run(f), INFUSE_OK);
  /* bad buffers */
  size_t len = 0;
  ck_assert_int_eq(f(&x, buf, sizeof buf, NULL), INFUSE_E_NULL);
  ck_assert_int_eq(f(&x, NULL, 5, &len), INFUSE_E_NULL);
}
END_TEST

START_TEST(export_check_ids) {
  sessions(2);
  /* course id: 64 characters at most, [A-Za-z0-9.-] */
  char id[70];
  memset(id, 'A', 64);
  id[64] = '\0';
  x.course_id = id;
  ck_assert_int_eq(run(infuse_course_write_ics), INFUSE_OK);
  id[64] = 'A';
  id[65] = '\0';
  ck_assert_int_eq(run(infuse_course_write_ics), INFUSE_E_INVALID);
  x.course_id = "a_b";
  ck_assert_int_eq(run(infuse_course_write_ics), INFUSE_E_INVALID);
  x.course_id = "Zz.9-0";
  ck_assert_int_eq(run(infuse_course_write_ics), INFUSE_OK);
  /* patient reference: no backslash, at most 128 octets */
  x.patient_reference = "Patient\\1";
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_E_INVALID);
  char ref[140];
  memset(ref, 'p', 129);
  ref[129] = '\0';
  x.patient_reference = ref;
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_E_INVALID);
  ref[128] = '\0';
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_OK);
}
END_TEST

/* ---- JSON and CSV ------------------------------------------------------------ */

START_TEST(json_csv_dose_only) {
  sessions(2);
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &proto, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, &proto), INFUSE_OK);
  req.weight_g = 70000;
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  x.result = &res;
  ck_assert_int_eq(run(infuse_course_write_json), INFUSE_OK);
  ck_assert(json_valid(buf));
  HAS(buf, "\"dose_mg\": 35}");
  LACKS(buf, "rate_ml_per_h");
  ck_assert_int_eq(run(infuse_course_write_csv), INFUSE_OK);
  /* 2025-01-06 + 7 = 2025-01-13; dose 35 mg, no pump: two empty fields */
  HAS(buf, "\r\n2,2025-01-13,maintenance,7,7,0,35,,\r\n");
}
END_TEST

static void render_abc(infuse__sb_t *sb, const void *what) {
  infuse__sb_puts(sb, (const char *)what);
}

START_TEST(write_bounded_without_bound) {
  char b[8];
  size_t len = 0;
  /* bound 0: always the two passes */
  ck_assert_int_eq(infuse__write_bounded(render_abc, "abcdefgh", 0, b,
                                         sizeof b, &len),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, 8);
  ck_assert_int_eq(infuse__write_bounded(render_abc, "abc", 0, b, sizeof b,
                                         &len),
                   INFUSE_OK);
  ck_assert_uint_eq(len, 3);
  ck_assert_str_eq(b, "abc");
  /* a bound below the capacity: one pass */
  ck_assert_int_eq(infuse__write_bounded(render_abc, "xy", 4, b, sizeof b,
                                         &len),
                   INFUSE_OK);
  ck_assert_str_eq(b, "xy");
}
END_TEST

/* ---- iCalendar ------------------------------------------------------------- */

START_TEST(ics_delivered_and_actual_duration) {
  sessions(2);
  /* 71.3 kg x 0.5 mg/kg = 35.65 mg; 50 mg/mL: 0.713 mL -> 0.7 mL = 35 mg;
   * 100.7 mL over 40 min = 151.05 -> 151.1 mL/h, 100.7 / 151.1 h =
   * 39.98676 min -> 39.99 */
  compute(71300, 50000);
  x.result = &res;
  const char *u = ics_unfolded();
  HAS(u, "\\nDose: 35.65 mg (delivered 35 mg).\\nPump: rate 151.1 mL/h\\, "
         "VTBI 100.7 mL\\, duration 40 min (39.99 min at the programmed "
         "rate).\\nProtocol: ketamine-trd-40 version 1.\r\n");
  HAS(u, "SUMMARY:Ketamine infusion 1 of 2 (induction)\r\n");
}
END_TEST

START_TEST(ics_invalid_utf8_in_result_text) {
  sessions(1);
  compute(70000, 10000);
  /* good: U+0800 (e0 a0 80), U+10FFFF (f4 8f bf bf); bad, each byte
   * becoming '?': e2 before '(' (second byte not a continuation), a stray
   * a1, e2 82 before '(' (third byte not one: e2 and then the stray 82),
   * 01 and 7f; ';' is escaped */
  strcpy(res.protocol_id, "\xe0\xa0\x80\xf4\x8f\xbf\xbf\xe2(\xa1\xe2\x82("
                          "\x01\x7f;");
  strcpy(res.protocol_version, "\xf0\x90\x80\x80");
  x.result = &res;
  const char *u = ics_unfolded();
  HAS(u, "\\nProtocol: \xe0\xa0\x80\xf4\x8f\xbf\xbf?(\?\?\?(\?\?\\; version "
         "\xf0\x90\x80\x80.");
  /* not a built-in protocol: no drug name */
  HAS(u, "SUMMARY:Infusion session 1 of 1 (induction)\r\n");
}
END_TEST

START_TEST(ics_long_domain_and_description) {
  sessions(2);
  compute(70000, 10000);
  /* 17 acknowledged soft findings (16 are shown) make a DESCRIPTION tail
   * longer than its 640-octet buffer */
  res.verdict = INFUSE_VERDICT_SOFT_LIMIT;
  res.n_findings = 17;
  for (int i = 0; i < INFUSE_MAX_FINDINGS; i++) {
    memset(&res.findings[i], 0, sizeof res.findings[i]);
    res.findings[i].code = INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH;
    res.findings[i].severity = INFUSE_SEVERITY_SOFT;
    res.findings[i].acknowledged = true;
  }
  x.result = &res;
  /* 200 commas, each escaped to 2 octets: a UID tail over 288 octets */
  char dom[201];
  memset(dom, ',', 200);
  dom[200] = '\0';
  x.uid_domain = dom;
  const char *u = ics_unfolded();
  char uid[512] = "UID:c1-2@";
  for (int i = 0; i < 200; i++) {
    strcat(uid, "\\,");
  }
  strcat(uid, "\r\n");
  HAS(u, uid);
  ck_assert_uint_eq(count(u, "dose_per_kg_soft_high (soft\\, acknowledged)"),
                    2 * 16);
  HAS(u, "\\nVerdict: soft_limit\\; findings: dose_per_kg_soft_high (soft\\, "
         "acknowledged)\\, dose_per_kg_soft_high");
  HAS(u, "acknowledged). Review before use.\r\nCATEGORIES:maintenance\r\n");
  /* measuring gives the same length */
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_ics(&x, NULL, 0, &len),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, strlen(buf));
}
END_TEST

START_TEST(ics_three_digit_numbers_and_leap_days) {
  sessions(101);
  ck_assert_int_eq(run(infuse_course_write_ics), INFUSE_OK);
  const char *u = ics_unfolded();
  HAS(u, "UID:c1-100@infuse.invalid\r\n");
  HAS(u, "SUMMARY:Infusion session 101 of 101 (maintenance)\r\n");
  /* a 120-day gap */
  sess[1].interval_days = 120;
  sess[1].target_interval_days = 120;
  sess[1].date = sess[0].date + 120;
  for (size_t i = 2; i < 101; i++) {
    sess[i].date = sess[i - 1].date + 7;
  }
  u = ics_unfolded();
  HAS(u, "DESCRIPTION:Session 2 of 101 (maintenance)\\, 120 days after the "
         "previous session.");
  /* leap days: 2000 is a leap year (divisible by 400), 2100 is not */
  sessions(4);
  sess[0].date = 11015; /* 2000-02-28 */
  sess[1].date = 11016; /* 2000-02-29 */
  sess[2].date = 47539; /* 2100-02-27 */
  sess[3].date = 47540; /* 2100-02-28 */
  sess[3].interval_days = 1;
  u = ics_unfolded();
  HAS(u, "DTSTART;VALUE=DATE:20000228\r\nDTEND;VALUE=DATE:20000229\r\n");
  HAS(u, "DTSTART;VALUE=DATE:20000229\r\nDTEND;VALUE=DATE:20000301\r\n");
  HAS(u, "DTSTART;VALUE=DATE:21000227\r\nDTEND;VALUE=DATE:21000228\r\n");
  HAS(u, "DTSTART;VALUE=DATE:21000228\r\nDTEND;VALUE=DATE:21000301\r\n");
  HAS(u, "\\, 1 day after the previous session");
}
END_TEST

/* ---- FHIR ------------------------------------------------------------------- */

START_TEST(fhir_note_escapes_and_oral) {
  sessions(2);
  compute(70000, 10000);
  strcpy(res.protocol_id, "a\"b\\c\x01\x80");
  strcpy(res.protocol_version, "");
  x.result = &res;
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_OK);
  ck_assert(json_valid(buf));
  /* '"' and '\\' escaped, other bytes '?', no " version " */
  HAS(buf, "Protocol a\\\"b\\\\c\?\?; computed by infuse");
  LACKS(buf, " version ");
  /* no protocol id: no note at all */
  res.protocol_id[0] = '\0';
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_OK);
  LACKS(buf, "computed by infuse");
  /* an oral result is no IV order */
  ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &proto, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, &proto), INFUSE_OK);
  req.weight_g = 70000;
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  ck_assert_int_eq(infuse_oral_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_E_INVALID);
}
END_TEST

START_TEST(fhir_many_requests) {
  /* one induction session, then 12 maintenance sessions each with its own
   * target interval (2 .. 13 days): 13 runs, 13 MedicationRequests */
  sessions(13);
  for (size_t i = 1; i < 13; i++) {
    sess[i].target_interval_days = (int32_t)i + 1;
    sess[i].interval_days = (int32_t)i + 1;
    sess[i].date = sess[i - 1].date + (int32_t)i + 1;
  }
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_OK);
  ck_assert(json_valid(buf));
  ck_assert_uint_eq(count(buf, "\"resourceType\": \"MedicationRequest\""), 13);
  ck_assert_uint_eq(count(buf, "\"fullUrl\": \"urn:uuid:"), 13);
  /* 2025-01-06 + 2 + 3 + 4 + 5 + 6 + 7 = 2025-02-02, a 7-day run: once a
   * week; + 8 + ... + 13 (90 days in all) = 2025-04-06 */
  HAS(buf, "Maintenance: ketamine IV, once a week, 1 session on 2025-02-02.");
  HAS(buf, "\"frequency\": 1,\n                \"period\": 1,\n"
           "                \"periodUnit\": \"wk\"");
  HAS(buf, "Maintenance: ketamine IV, every 13 days, 1 session on "
           "2025-04-06.");
}
END_TEST

START_TEST(fhir_times_a_day) {
  /* induction gaps 1, 0, 1, 0: a cycle of 2 sessions in 1 day */
  sessions(5);
  static const int32_t gaps[5] = {0, 1, 0, 1, 0};
  for (size_t i = 0; i < 5; i++) {
    sess[i].phase = INFUSE_PHASE_INDUCTION;
    sess[i].interval_days = gaps[i];
    sess[i].target_interval_days = gaps[i];
    sess[i].date = i == 0 ? D_2025_01_06 : sess[i - 1].date + gaps[i];
  }
  ck_assert_int_eq(run(infuse_course_write_fhir), INFUSE_OK);
  ck_assert(json_valid(buf));
  HAS(buf, "Induction: ketamine IV, 2 times a day, 5 sessions from "
           "2025-01-06 to 2025-01-08.");
  HAS(buf, "\"frequency\": 2,\n                \"period\": 1,\n"
           "                \"periodUnit\": \"d\"");
}
END_TEST

static Suite *gaps_exports_suite(void) {
  Suite *s = suite_create("gaps_exports");
  TCase *chk = tcase_create("check");
  tcase_add_loop_test(chk, export_check_sessions, 0, 4);
  tcase_add_test(chk, export_check_ids);
  tcase_add_test(chk, json_csv_dose_only);
  tcase_add_test(chk, write_bounded_without_bound);
  suite_add_tcase(s, chk);
  TCase *ics = tcase_create("ics");
  tcase_add_test(ics, ics_delivered_and_actual_duration);
  tcase_add_test(ics, ics_invalid_utf8_in_result_text);
  tcase_add_test(ics, ics_long_domain_and_description);
  tcase_add_test(ics, ics_three_digit_numbers_and_leap_days);
  suite_add_tcase(s, ics);
  TCase *fhir = tcase_create("fhir");
  tcase_add_test(fhir, fhir_note_escapes_and_oral);
  tcase_add_test(fhir, fhir_many_requests);
  tcase_add_test(fhir, fhir_times_a_day);
  suite_add_tcase(s, fhir);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(gaps_exports_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
