/*
 * test_fhir.c - the course as FHIR R4 JSON (infuse_course_write_fhir):
 * golden documents written by hand (tests/golden/fhir-*.json, whose UUIDs
 * were computed with Python's uuid.uuid5, an independent implementation),
 * the run and rhythm rules, well-formed JSON, the buffer contract, and
 * refusal of malformed exports with nothing written.
 *
 * With INFUSE_FHIR_DUMP_DIR set, every document a test makes is also
 * written there (fhir-out-*.json) so tests/fhir_validate.sh can check them
 * with FHIR R4 validators.
 */
#include <infuse.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

START_TEST(json_validator_rejects) {
  static const char *const bad[] = {"",
                                    "{",
                                    "{\"a\": }",
                                    "{\"a\": 1,}",
                                    "{\"a\" 1}",
                                    "{\"a\": 01}",
                                    "{\"a\": 1.}",
                                    "{\"a\": \"\x01\"}",
                                    "{\"a\": [1 2]}",
                                    "{} {}",
                                    "[1]",
                                    "{\"a\": \"\\x\"}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(!json_valid(bad[i]), "accepted: %s", bad[i]);
  }
  ck_assert(json_valid("{\"a\": [1, -0.5, \"x\\u00e9\", true, null, {}]}\n"));
}
END_TEST

/* ---- helpers --------------------------------------------------------------
 */

static int32_t day(int y, int m, int d) {
  int32_t out = 0;
  ck_assert_int_eq(infuse_date_from_ymd(y, m, d, &out), INFUSE_OK);
  return out;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL;
       p = strstr(p + 1, needle)) {
    n++;
  }
  return n;
}

/* The golden file beside this source (__FILE__ is absolute under CMake). */
static char *read_golden(const char *name) {
  char path[4096];
  const char *dir = getenv("INFUSE_GOLDEN_DIR");
  if (dir != NULL) {
    snprintf(path, sizeof path, "%s/%s", dir, name);
  } else {
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    int dlen = slash == NULL ? 1 : (int)(slash - file);
    snprintf(path, sizeof path, "%.*s/golden/%s", dlen,
             slash == NULL ? "." : file, name);
  }
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s (set INFUSE_GOLDEN_DIR)", path);
  static char text[1 << 16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  ck_assert_int_eq(ferror(f), 0);
  ck_assert_uint_lt(n, sizeof text - 1);
  fclose(f);
  text[n] = '\0';
  return text;
}

/* Equal, or fail naming the first line that differs. */
static void assert_same_text(const char *got, const char *want) {
  size_t line = 1;
  size_t i = 0;
  for (; got[i] != '\0' && got[i] == want[i]; i++) {
    line += got[i] == '\n';
  }
  if (got[i] == want[i]) {
    return;
  }
  size_t start = i;
  while (start > 0 && got[start - 1] != '\n') {
    start--;
  }
  ck_abort_msg("differs at line %zu:\n got: %.100s\nwant: %.100s", line,
               got + start, want + start);
}

/* Write the document to $INFUSE_FHIR_DUMP_DIR/fhir-out-<name>.json. */
static void dump(const char *name, const char *text, size_t len) {
  const char *dir = getenv("INFUSE_FHIR_DUMP_DIR");
  if (dir == NULL || dir[0] == '\0') {
    return;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/fhir-out-%s.json", dir, name);
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  ck_assert_uint_eq(fwrite(text, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

static infuse_result_t result;

static void compute(bool pump) {
  infuse_protocol_t p;
  infuse_request_t q;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  q.weight_g = 70000;
  memset(&result, 0, sizeof result);
  result.struct_size = sizeof result;
  int rc = pump ? infuse_pump_compute(&q, &result, NULL)
                : infuse_dose_compute(&q, &result, NULL);
  ck_assert_int_eq(rc, INFUSE_OK);
}

static infuse_session_t sessions[INFUSE_MAX_SESSIONS];
static infuse_course_export_t x;
static char buf[1 << 21];

static void export_init(size_t n) {
  memset(&x, 0, sizeof x);
  x.struct_size = sizeof x;
  x.sessions = sessions;
  x.n_sessions = n;
  x.course_id = "c42";
  x.patient_reference = "Patient/123";
  x.dtstamp = 1764495000; /* 2025-11-30T09:30:00Z */
}

static void set_session(size_t i, int32_t date, infuse_phase_t phase,
                        int32_t interval, int32_t target) {
  sessions[i] = (infuse_session_t){(int32_t)i + 1, date,   phase,
                                   interval,       target, interval - target};
}

static size_t write_ok(const char *dump_name) {
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_fhir(&x, buf, sizeof buf, &len),
                   INFUSE_OK);
  ck_assert_uint_eq(len, strlen(buf));
  ck_assert_msg(json_valid(buf), "not well-formed JSON:\n%.400s", buf);
  if (dump_name != NULL) {
    dump(dump_name, buf, len);
  }
  return len;
}

/* ---- golden documents -----------------------------------------------------
 */

/* 4 induction sessions 2 per week, 2 weekly (one moved a day), 1 at 14 days:
 * three runs, three MedicationRequests. */
START_TEST(golden_pump_course) {
  compute(true);
  export_init(7);
  set_session(0, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0);
  set_session(1, day(2026, 12, 3), INFUSE_PHASE_INDUCTION, 3, 3);
  set_session(2, day(2026, 12, 7), INFUSE_PHASE_INDUCTION, 4, 4);
  set_session(3, day(2026, 12, 10), INFUSE_PHASE_INDUCTION, 3, 3);
  set_session(4, day(2026, 12, 17), INFUSE_PHASE_MAINTENANCE, 7, 7);
  set_session(5, day(2026, 12, 25), INFUSE_PHASE_MAINTENANCE, 8, 7);
  set_session(6, day(2027, 1, 8), INFUSE_PHASE_MAINTENANCE, 14, 14);
  x.result = &result;
  x.course_id = "c-2026.11";
  x.patient_reference = "Patient/example";
  x.uid_domain = "clinic.example.org";
  x.dtstamp = 1795767330; /* 2026-11-27T08:15:30Z */
  size_t len = write_ok("course");
  assert_same_text(buf, read_golden("fhir-course.json"));
  ck_assert_uint_eq(len, strlen(read_golden("fhir-course.json")));
}
END_TEST

/* No result: no dose, rate, duration or note; one session alone has no
 * rhythm; the default UID domain. */
START_TEST(golden_dates_only) {
  export_init(2);
  set_session(0, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0);
  set_session(1, day(2026, 12, 7), INFUSE_PHASE_MAINTENANCE, 7, 5);
  write_ok("dates-only");
  assert_same_text(buf, read_golden("fhir-dates-only.json"));
}
END_TEST

/* ---- the default course from the planner -----------------------------------
 */

static size_t plan_default(void) {
  infuse_course_options_t opt;
  ck_assert_int_eq(infuse_course_init(&opt, day(2026, 11, 30)), INFUSE_OK);
  size_t n = 0;
  ck_assert_int_eq(
      infuse_course_plan(&opt, sessions, INFUSE_MAX_SESSIONS, &n, NULL),
      INFUSE_OK);
  export_init(n);
  return n;
}

/* Runs are the induction and then one per taper step: default steps 5, 7,
 * 10, 14, 21, then 28 days, so 7 MedicationRequests; together their events
 * are every session date, once, in order. */
START_TEST(default_course_runs) {
  size_t n = plan_default();
  compute(true);
  x.result = &result;
  write_ok("default-course");
  ck_assert_uint_eq(count(buf, "\"resourceType\": \"MedicationRequest\""), 7);
  ck_assert_uint_eq(count(buf, "\"fullUrl\": \"urn:uuid:"), 7);
  ck_assert_uint_eq(count(buf, "\"rateQuantity\""), 7);
  const char *p = buf;
  for (size_t i = 0; i < n; i++) {
    char d[16];
    ck_assert_uint_eq(infuse_date_format(sessions[i].date, d, sizeof d), 10);
    char ev[48];
    snprintf(ev, sizeof ev, "\n                \"%s\"", d);
    p = strstr(p, ev);
    ck_assert_msg(p != NULL, "event %s missing or out of order", d);
  }
  ck_assert_uint_eq(count(buf, "\n                \"2"), n);
  ck_assert_ptr_nonnull(strstr(buf, "3 times a week, 6 sessions from "
                                    "2026-11-30 to 2026-12-11."));
  const char *steps[] = {"every 5 days",  "once a week",   "every 10 days",
                         "every 2 weeks", "every 3 weeks", "every 4 weeks"};
  for (size_t i = 0; i < 6; i++) {
    ck_assert_msg(count(buf, steps[i]) == 2, "%s", steps[i]); /* text + div */
  }
  /* deterministic */
  static char again[sizeof buf];
  size_t len2 = 0;
  ck_assert_int_eq(infuse_course_write_fhir(&x, again, sizeof again, &len2),
                   INFUSE_OK);
  ck_assert_str_eq(again, buf);
}
END_TEST

START_TEST(dose_only_result) {
  plan_default();
  compute(false);
  x.result = &result;
  write_ok("dose-only");
  ck_assert_uint_eq(count(buf, "\"doseQuantity\""), 7);
  ck_assert_ptr_null(strstr(buf, "rateQuantity"));
  ck_assert_ptr_null(strstr(buf, "\"duration"));
  ck_assert_ptr_null(strstr(buf, "VTBI"));
  ck_assert_ptr_nonnull(strstr(buf, "Induction: ketamine 35 mg IV, 3 times"));
}
END_TEST

START_TEST(dates_only_default_course) {
  plan_default();
  write_ok("dates-only-default-course");
  ck_assert_ptr_null(strstr(buf, "doseAndRate"));
  ck_assert_ptr_null(strstr(buf, "\"note\""));
  ck_assert_ptr_nonnull(strstr(buf, "Induction: ketamine IV, 3 times"));
}
END_TEST

/* A duration that is not whole minutes is given exactly, in seconds. */
START_TEST(duration_in_seconds) {
  compute(true);
  export_init(1);
  set_session(0, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0);
  result.duration_s = 2401;
  x.result = &result;
  write_ok("duration-seconds");
  ck_assert_ptr_nonnull(strstr(buf, "\"duration\": 2401,\n"));
  ck_assert_ptr_nonnull(strstr(buf, "\"durationUnit\": \"s\"\n"));
  ck_assert_ptr_nonnull(strstr(buf, "over 40.02 min at")); /* text: nearest */
}
END_TEST

/* ---- rhythm of a run: frequency per period
 * ----------------------------------- */

typedef struct rhythm_case {
  const char *name;
  int n;
  int induction; /* the first `induction` sessions are induction */
  int32_t targets[8];
  int runs;
  const char *frequency; /* NULL: no rhythm in the (last) run */
  const char *period;
  const char *unit;
  const char *text;
} rhythm_case_t;

static const rhythm_case_t rhythms[] = {
    {"3/week", 6, 6, {0, 2, 2, 3, 2, 2}, 1, "3", "1", "wk", "3 times a week"},
    {"2/week", 4, 4, {0, 3, 4, 3}, 1, "2", "1", "wk", "2 times a week"},
    {"3 sessions 3/week", 3, 3, {0, 2, 2}, 1, "1", "2", "d", "every 2 days"},
    {"2 gaps, no repeat", 3, 3, {0, 2, 5}, 1, "2", "1", "wk", "2 times a week"},
    {"2 per 3 days", 3, 3, {0, 1, 2}, 1, "2", "3", "d", "2 times every 3 days"},
    {"daily", 3, 3, {0, 1, 1}, 1, "1", "1", "d", "daily"},
    {"one session", 1, 1, {0}, 1, NULL, NULL, NULL, "IV, 1 session on"},
    {"every 3 weeks", 3, 0, {21, 21, 21}, 1, "1", "3", "wk", "every 3 weeks"},
    {"every 10 days", 2, 0, {10, 10}, 1, "1", "10", "d", "every 10 days"},
    {"maintenance first, no gap", 1, 0, {0}, 1, NULL, NULL, NULL, "IV, 1"},
    {"taper steps",
     5,
     1,
     {0, 7, 7, 14, 14},
     3,
     "1",
     "2",
     "wk",
     "every 2 weeks"},
    {"phase change, same gap",
     4,
     2,
     {0, 7, 7, 7},
     2,
     "1",
     "1",
     "wk",
     "once a week, 2 sessions"},
};

START_TEST(rhythm) {
  const rhythm_case_t *c = &rhythms[_i];
  export_init((size_t)c->n);
  int32_t date = day(2026, 11, 30);
  for (int i = 0; i < c->n; i++) {
    date += c->targets[i];
    set_session((size_t)i, date,
                i < c->induction ? INFUSE_PHASE_INDUCTION
                                 : INFUSE_PHASE_MAINTENANCE,
                c->targets[i], c->targets[i]);
  }
  write_ok(NULL);
  ck_assert_msg(count(buf, "\"resourceType\": \"MedicationRequest\"") ==
                    (size_t)c->runs,
                "%s: runs", c->name);
  /* the last run's repeat */
  const char *last = strrchr(buf, '{'); /* inside the last route coding */
  const char *rep = buf;
  for (const char *p = strstr(buf, "\"repeat\""); p != NULL && p < last;
       p = strstr(p + 1, "\"repeat\"")) {
    rep = p;
  }
  const char *end = strstr(rep, "\"route\"");
  ck_assert_ptr_nonnull(end);
  char want[64];
  if (c->frequency == NULL) {
    const char *f = strstr(rep, "\"frequency\"");
    ck_assert_msg(f == NULL || f > end, "%s: has a frequency", c->name);
  } else {
    snprintf(want, sizeof want, "\"frequency\": %s,", c->frequency);
    const char *f = strstr(rep, want);
    ck_assert_msg(f != NULL && f < end, "%s: %s", c->name, want);
    snprintf(want, sizeof want, "\"period\": %s,", c->period);
    f = strstr(rep, want);
    ck_assert_msg(f != NULL && f < end, "%s: %s", c->name, want);
    snprintf(want, sizeof want, "\"periodUnit\": \"%s\"", c->unit);
    f = strstr(rep, want);
    ck_assert_msg(f != NULL && f < end, "%s: %s", c->name, want);
  }
  ck_assert_msg(strstr(buf, c->text) != NULL, "%s: text %s", c->name, c->text);
}
END_TEST

/* ---- ids --------------------------------------------------------------------
 */

/* The longest name the checks allow (several SHA-1 blocks), against Python's
 * uuid.uuid5(NAMESPACE_URL, "infuse-fhir " + domain + " " + patient + " " +
 * course + " 0"). */
START_TEST(uuid_long_name) {
  static char domain[254], patient[129], course[65]; /* the longest */
  memset(domain, 'd', sizeof domain - 1);
  memset(patient, 'p', sizeof patient - 1);
  memset(course, 'c', sizeof course - 1);
  domain[sizeof domain - 1] = patient[sizeof patient - 1] =
      course[sizeof course - 1] = '\0';
  export_init(1);
  set_session(0, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0);
  x.uid_domain = domain;
  x.patient_reference = patient;
  x.course_id = course;
  write_ok(NULL);
  /* python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL,
   *   "infuse-fhir " + "d"*253 + " " + "p"*128 + " " + "c"*64 + " 0"))' */
  ck_assert_ptr_nonnull(strstr(buf, "\"id\": \""
                                    "99dda7e1-dc7e-5280-8916-133b7e7a1f52"
                                    "\""));
}
END_TEST

/* Every part of the name changes every id; ids are valid FHIR ids. */
START_TEST(ids_depend_on_course_patient_domain) {
  export_init(1);
  set_session(0, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0);
  write_ok(NULL);
  static char base[8192];
  strcpy(base, buf);
  const char *bundle_id = strstr(base, "\"id\": \"");
  ck_assert_ptr_nonnull(bundle_id);
  char id[37];
  memcpy(id, bundle_id + 7, 36);
  id[36] = '\0';
  for (size_t i = 0; i < 36; i++) {
    bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    ck_assert(hyphen ? id[i] == '-'
                     : strchr("0123456789abcdef", id[i]) != NULL);
  }
  ck_assert_int_eq(id[14], '5');                 /* version 5 */
  ck_assert_ptr_nonnull(strchr("89ab", id[19])); /* RFC 9562 variant */
  x.course_id = "c43";
  write_ok(NULL);
  ck_assert_ptr_null(strstr(buf, id));
  export_init(1);
  x.patient_reference = "Patient/124";
  write_ok(NULL);
  ck_assert_ptr_null(strstr(buf, id));
  export_init(1);
  x.uid_domain = "infuse.invalid"; /* the default, spelled out */
  write_ok(NULL);
  ck_assert_str_eq(buf, base);
  x.uid_domain = "other.example";
  write_ok(NULL);
  ck_assert_ptr_null(strstr(buf, id));
}
END_TEST

/* ---- authoredOn and timestamp
 * ------------------------------------------------ */

typedef struct instant_case {
  int64_t t;
  const char *text;
} instant_case_t;

static const instant_case_t instants[] = {
    {0, "1970-01-01T00:00:00Z"},
    {-1, "1969-12-31T23:59:59Z"},
    {1764495000, "2025-11-30T09:30:00Z"},
    {-2208988800, "1900-01-01T00:00:00Z"},       /* the first second allowed */
    {253402300799, "9999-12-31T23:59:59Z"},      /* the last */
    {951782400 + 86399, "2000-02-29T23:59:59Z"}, /* a leap day */
};

START_TEST(instant) {
  export_init(1);
  set_session(0, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0);
  x.dtstamp = instants[_i].t;
  write_ok(NULL);
  char want[64];
  snprintf(want, sizeof want, "\"timestamp\": \"%s\",", instants[_i].text);
  ck_assert_msg(strstr(buf, want) != NULL, "%s", want);
  snprintf(want, sizeof want, "\"authoredOn\": \"%s\",", instants[_i].text);
  ck_assert_msg(strstr(buf, want) != NULL, "%s", want);
}
END_TEST

/* ---- buffer contract and refusals -------------------------------------------
 */

START_TEST(too_small_leaves_buffer_untouched) {
  compute(true);
  plan_default();
  x.result = &result;
  size_t need = 0;
  ck_assert_int_eq(infuse_course_write_fhir(&x, NULL, 0, &need),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_gt(need, 1000);
  char *b = malloc(need + 1);
  ck_assert_ptr_nonnull(b);
  memset(b, 'X', need + 1);
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_fhir(&x, b, need, &len),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, need);
  for (size_t i = 0; i <= need; i++) {
    ck_assert_int_eq(b[i], 'X');
  }
  ck_assert_int_eq(infuse_course_write_fhir(&x, b, 1, &len),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_int_eq(b[0], 'X');
  ck_assert_int_eq(infuse_course_write_fhir(&x, b, need + 1, &len), INFUSE_OK);
  ck_assert_uint_eq(len, need);
  ck_assert_uint_eq(strlen(b), need);
  ck_assert(json_valid(b));
  free(b);
}
END_TEST

static infuse_session_t bad_sessions[2];
static infuse_result_t bad_result;

typedef struct refusal {
  const char *name;
  int status;
} refusal_t;

static const refusal_t refusals[] = {
    {"no course_id", INFUSE_E_NULL},
    {"course_id with a space", INFUSE_E_INVALID},
    {"course_id of 65", INFUSE_E_INVALID},
    {"empty course_id", INFUSE_E_INVALID},
    {"no patient_reference", INFUSE_E_NULL},
    {"patient_reference with a space", INFUSE_E_INVALID},
    {"patient_reference with a quote", INFUSE_E_INVALID},
    {"empty patient_reference", INFUSE_E_INVALID},
    {"uid_domain with a space", INFUSE_E_INVALID},
    {"struct_size", INFUSE_E_STRUCT_SIZE},
    {"no sessions", INFUSE_E_NULL},
    {"zero sessions", INFUSE_E_INVALID},
    {"too many sessions", INFUSE_E_INVALID},
    {"index out of order", INFUSE_E_INVALID},
    {"unknown phase", INFUSE_E_INVALID},
    {"date out of range", INFUSE_E_INVALID},
    {"result struct_size", INFUSE_E_STRUCT_SIZE},
    {"hard limit result", INFUSE_E_INVALID},
    {"unacknowledged soft limit result", INFUSE_E_INVALID},
    {"dtstamp before 1900", INFUSE_E_INVALID},
    {"dtstamp after 9999", INFUSE_E_INVALID},
    {"dtstamp INT64_MIN", INFUSE_E_INVALID},
    {"dtstamp INT64_MAX", INFUSE_E_INVALID},
    {"NULL export", INFUSE_E_NULL},
};

START_TEST(refused_with_nothing_written) {
  const refusal_t *c = &refusals[_i];
  compute(true);
  bad_result = result;
  bad_sessions[0] =
      (infuse_session_t){1, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0, 0};
  bad_sessions[1] =
      (infuse_session_t){2, day(2026, 12, 2), INFUSE_PHASE_INDUCTION, 2, 2, 0};
  export_init(2);
  x.sessions = bad_sessions;
  x.result = &bad_result;
  const infuse_course_export_t *px = &x;
  switch (_i) {
  case 0:
    x.course_id = NULL;
    break;
  case 1:
    x.course_id = "c 42";
    break;
  case 2:
    x.course_id = "12345678901234567890123456789012345678901234567890"
                  "123456789012345";
    break;
  case 3:
    x.course_id = "";
    break;
  case 4:
    x.patient_reference = NULL;
    break;
  case 5:
    x.patient_reference = "Patient/1 23";
    break;
  case 6:
    x.patient_reference = "Patient/\"1";
    break;
  case 7:
    x.patient_reference = "";
    break;
  case 8:
    x.uid_domain = "a b";
    break;
  case 9:
    x.struct_size = 8;
    break;
  case 10:
    x.sessions = NULL;
    break;
  case 11:
    x.n_sessions = 0;
    break;
  case 12:
    x.n_sessions = INFUSE_MAX_SESSIONS + 1;
    break;
  case 13:
    bad_sessions[1].index = 3;
    break;
  case 14:
    bad_sessions[1].phase = (infuse_phase_t)2;
    break;
  case 15:
    bad_sessions[1].date = INFUSE_DATE_MAX + 1;
    break;
  case 16:
    bad_result.struct_size = 4;
    break;
  case 17:
    bad_result.verdict = INFUSE_VERDICT_HARD_LIMIT;
    break;
  case 18:
    bad_result.verdict = INFUSE_VERDICT_SOFT_LIMIT;
    break;
  case 19:
    x.dtstamp = -2208988801;
    break;
  case 20:
    x.dtstamp = 253402300800;
    break;
  case 21:
    x.dtstamp = INT64_MIN;
    break;
  case 22:
    x.dtstamp = INT64_MAX;
    break;
  default:
    px = NULL;
    break;
  }
  char b[64];
  memset(b, 'X', sizeof b);
  size_t len = 12345;
  ck_assert_msg(infuse_course_write_fhir(px, b, sizeof b, &len) == c->status,
                "%s", c->name);
  ck_assert_uint_eq(len, 12345);
  for (size_t i = 0; i < sizeof b; i++) {
    ck_assert_int_eq(b[i], 'X');
  }
  /* the same with room enough: still refused, still nothing */
  ck_assert_int_eq(infuse_course_write_fhir(px, buf, sizeof buf, &len),
                   c->status);
  ck_assert_uint_eq(len, 12345);
}
END_TEST

START_TEST(null_len_or_buffer) {
  export_init(1);
  set_session(0, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0, 0);
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_fhir(&x, buf, sizeof buf, NULL),
                   INFUSE_E_NULL);
  ck_assert_int_eq(infuse_course_write_fhir(&x, NULL, 10, &len), INFUSE_E_NULL);
  ck_assert_uint_eq(len, 0);
}
END_TEST

static Suite *fhir_suite(void) {
  Suite *s = suite_create("fhir");
  TCase *core = tcase_create("core");
  tcase_add_test(core, json_validator_rejects);
  tcase_add_test(core, golden_pump_course);
  tcase_add_test(core, golden_dates_only);
  tcase_add_test(core, default_course_runs);
  tcase_add_test(core, dose_only_result);
  tcase_add_test(core, dates_only_default_course);
  tcase_add_test(core, duration_in_seconds);
  tcase_add_loop_test(core, rhythm, 0,
                      (int)(sizeof rhythms / sizeof rhythms[0]));
  tcase_add_test(core, uuid_long_name);
  tcase_add_test(core, ids_depend_on_course_patient_domain);
  tcase_add_loop_test(core, instant, 0,
                      (int)(sizeof instants / sizeof instants[0]));
  suite_add_tcase(s, core);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, too_small_leaves_buffer_untouched);
  tcase_add_loop_test(errors, refused_with_nothing_written, 0,
                      (int)(sizeof refusals / sizeof refusals[0]));
  tcase_add_test(errors, null_len_or_buffer);
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(fhir_suite());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
