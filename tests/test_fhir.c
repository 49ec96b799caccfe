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

static void compute_with(const char *protocol, bool pump) {
  infuse_protocol_t p;
  infuse_request_t q;
  ck_assert_int_eq(infuse_protocol_get(protocol, &p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  q.weight_g = 70000;
  memset(&result, 0, sizeof result);
  result.struct_size = sizeof result;
  int rc = pump ? infuse_pump_compute(&q, &result, NULL)
                : infuse_dose_compute(&q, &result, NULL);
  ck_assert_int_eq(rc, INFUSE_OK);
}

static void compute(bool pump) { compute_with("ketamine-trd-40", pump); }

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

/* The longest protocol id and version, every byte escaped: the note keeps
 * all of them (quotes and backslashes escaped, a control byte as '?'). */
START_TEST(note_with_longest_escaped_protocol) {
  plan_default();
  compute(true);
  memset(result.protocol_id, '"', sizeof result.protocol_id - 1);
  result.protocol_id[sizeof result.protocol_id - 1] = '\0';
  memset(result.protocol_version, '\\', sizeof result.protocol_version - 2);
  result.protocol_version[sizeof result.protocol_version - 2] = '\x01';
  result.protocol_version[sizeof result.protocol_version - 1] = '\0';
  x.result = &result;
  write_ok(NULL);
  char want[256] = "\"text\": \"Protocol ";
  for (size_t i = 0; i + 1 < sizeof result.protocol_id; i++) {
    strcat(want, "\\\"");
  }
  strcat(want, " version ");
  for (size_t i = 0; i + 2 < sizeof result.protocol_version; i++) {
    strcat(want, "\\\\");
  }
  strcat(want, "?; computed by infuse, for a prescriber to review and sign.\"");
  ck_assert_uint_eq(strlen(want), 18 + 31 * 2 + 9 + 14 * 2 + 1 + 59);
  ck_assert_msg(strstr(buf, want) != NULL, "no note %s in\n%.600s", want,
                buf);
  ck_assert_uint_eq(count(buf, want), count(buf, "\"note\""));
}
END_TEST

/* The 100-minute protocol: a duration of three digits. */
START_TEST(hundred_minute_infusion) {
  plan_default();
  compute_with("ketamine-trd-100", true);
  x.result = &result;
  write_ok(NULL);
  ck_assert_ptr_nonnull(strstr(buf, "\"duration\": 100,\n"));
  ck_assert_ptr_null(strstr(buf, "\"duration\": 40,"));
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

/* Bundle and first request ids for course ids "x" .. 64 x "x" (patient
 * "Patient/1", default domain): the UUID names then end at every offset of
 * a SHA-1 block, so both padding cases (one or two final blocks) occur.
 * Expected values from Python's uuid.uuid5(uuid.NAMESPACE_URL, name), an
 * independent implementation. */
static const char *const uuid_by_length[64][2] = {
    {"af71f804-90c7-5c0f-98e8-12f9740cba35", "5f7d9992-31df-5908-8129-171047060461"}, /* 1 */
    {"11e6fec8-f2c2-59e8-b599-46e833d7ef48", "755b4674-8721-5a98-a4d5-f0b145292e36"}, /* 2 */
    {"d39ac285-3a74-5d47-b438-3c354c47e785", "ef46d0ee-afa0-52ac-b5c7-2af8a5b4e2fa"}, /* 3 */
    {"43598a0f-d18e-5049-9dd6-40644d849b96", "e7ac634a-48b5-5641-81cf-c3f1f62a2490"}, /* 4 */
    {"afa03250-7671-5227-8ddd-0d49dd9483b0", "9688f89b-bc75-5ed2-8a7b-6be685d5478a"}, /* 5 */
    {"2853441f-fbbf-52b7-a741-2066d0b9c26a", "ecbbd780-0f64-5b87-87ec-3dc93bfe6cdf"}, /* 6 */
    {"a49264ab-698f-539e-8dc7-560464cc8278", "26a479c2-29fc-54f9-82ff-76116fa9d087"}, /* 7 */
    {"c8965626-0b18-5d0a-b325-874a5deba3cd", "f998dd68-e2b8-5de8-a1e6-2effb611e7f1"}, /* 8 */
    {"8a6ad48e-75d4-53bf-818a-e1d4f4700c9f", "7402e7b5-3b18-5d2f-a9b9-eed564068f54"}, /* 9 */
    {"0b983224-c18d-51ca-be6a-319f3b59a045", "c7c19787-d8b7-5b0a-a6b0-39dcec2ca20f"}, /* 10 */
    {"20cc63ab-c12a-5d8b-8b4c-06d6331ee197", "22e64f9c-8fe8-51e8-a980-2ea81e73a009"}, /* 11 */
    {"4f33489c-5504-59f6-9429-3a0f5f50a536", "4edfba62-93a5-59c0-88d5-997d454fe252"}, /* 12 */
    {"d721932c-f1ed-5e1a-b2c4-9411caec1e0a", "d7884b37-fced-5218-ab36-9ef74cbce866"}, /* 13 */
    {"3db805f9-6c07-5212-8879-19c93a2612f4", "22f60c99-8f9f-52f5-a0fe-53070276d4f0"}, /* 14 */
    {"356547f3-9744-5939-83d8-fcbc27a25dac", "835d4bc7-7e50-562a-a08c-a6bf6bb40c55"}, /* 15 */
    {"207fc244-8127-514a-8103-ca081d8cf060", "07de9b3e-d2a9-59b8-8a6f-061f11aadfb8"}, /* 16 */
    {"ffcf60d4-3ffc-5841-825d-4843c0767c7f", "f9d18d15-27df-5310-b34d-78aa38e0cb07"}, /* 17 */
    {"d13efb71-c200-5d2b-b947-7b28cfdb19a8", "d15fe75b-5e83-5a21-878d-c2a986170d79"}, /* 18 */
    {"fe5b9e24-58c4-5f59-bcf1-b66ffe3ce82a", "8029799d-f61f-578d-ade2-f150e58be2ab"}, /* 19 */
    {"24c55beb-9e65-53a7-9feb-0f4c6fd9856c", "cb928c4f-77c8-5436-a89a-b616028a8de6"}, /* 20 */
    {"5a8028a3-9956-5187-bac2-9e8019187d6c", "769c29f9-2fd1-5854-86d4-9efca0c38863"}, /* 21 */
    {"0645e95b-bbea-56c1-8b2e-14c59e3e2dc1", "4ae5dec8-2134-5d7f-8d04-bb15731f16de"}, /* 22 */
    {"43d6bc2e-949c-52b3-8a93-f4498a9518b4", "f2d5f154-7aa0-55a1-a3fc-332bdb4ff249"}, /* 23 */
    {"a8bd2afb-b8bc-5889-835d-2d882c756931", "cb278ff2-0088-5e21-b18e-6d5640114d63"}, /* 24 */
    {"d65ed63c-e5f1-5086-b5a8-908949e248ef", "62a93fb8-7927-5ee8-a777-c87510b64722"}, /* 25 */
    {"b3c2903f-8ae3-512b-8c2f-95884bcd50ef", "8715c693-609e-54b5-8e15-c35f0f983fa6"}, /* 26 */
    {"9f20ee13-3cbc-50e4-bd1a-94eef49620ab", "41ca7a67-4354-522e-9f2c-5be190389ece"}, /* 27 */
    {"41e8e95d-148d-5569-a709-840764b0528f", "d94258c6-b4eb-51fe-b870-bbe0c7b45bc4"}, /* 28 */
    {"2c0daa51-f99d-56e4-817f-1c40d65b38ab", "4c27acd4-811c-58d3-ade0-1811fa08ac79"}, /* 29 */
    {"e143d958-257f-51e3-bcfc-7b9e5da370a4", "5ab96121-c982-5e4c-8270-e5306c370d98"}, /* 30 */
    {"4fd06575-d41f-50bc-b956-84fd872c08df", "f4e32493-b7d5-5dca-a999-f3691cc0a32b"}, /* 31 */
    {"f1234837-9267-5e3a-be03-139aa8e096d6", "940edac1-54e5-52f7-ab4b-c9e279fa2b1b"}, /* 32 */
    {"ddc55047-4387-5556-9209-b060c5371a84", "09b760d6-ae04-5d01-8345-89feffe59c4b"}, /* 33 */
    {"1cabdd04-22b0-555c-b942-1321a290d7c5", "1a6823cd-8d2e-5f27-8adf-f93ddd36a6bc"}, /* 34 */
    {"6cb1c889-2d7e-566e-a889-01c18104c281", "25036199-ce99-54b0-89d4-81d0861c49a5"}, /* 35 */
    {"905de287-d589-5360-b1fb-c9dc3c693cd1", "de1c9d82-63b7-5d32-a763-e90b3b25d7e4"}, /* 36 */
    {"cf88f11d-200f-5e5c-b912-8b6e16fc1709", "716f64c2-19bb-500b-b6cf-99145f700004"}, /* 37 */
    {"b7cf4548-6f49-5aa6-8118-b8ebb75a6453", "af16e573-022f-52ad-8751-4e78d4692946"}, /* 38 */
    {"6612b6aa-c2ad-56bb-991c-6e3cc0f9af73", "b94c3246-5291-5f1a-91e6-8b03c73a4a3a"}, /* 39 */
    {"b798e4dd-4926-52bc-a33c-5eafde9bc84f", "e40c3dae-0abf-55f6-adaa-ef5ef2c74a52"}, /* 40 */
    {"802bff92-9367-5100-91c3-2b9359ac9fe5", "8bb978e3-7d0b-5382-99cd-6ff32213ca0c"}, /* 41 */
    {"c3c471fb-7f92-5b55-bb0b-8553c7c9b113", "8bfe78cc-43ce-55ad-9961-bd0191904b91"}, /* 42 */
    {"fb9533e8-32a1-5aa9-aafc-8825b50f7274", "11b223cb-58ef-5ec7-ae8f-eeebb83fc3ce"}, /* 43 */
    {"aeb3298c-558e-5d07-bf41-963de04fe667", "d5a0b08f-6dd0-5065-ab92-850f2a8ad7a9"}, /* 44 */
    {"c83c31d2-fbc0-5b78-b1b5-d305ed11b3ee", "06f908c5-b458-54a5-9eee-85fd6f87600f"}, /* 45 */
    {"1b407cb2-7a36-5799-a5d1-87a281b7aba5", "e2d19e67-86f7-5bcc-8c9f-202f63d023f8"}, /* 46 */
    {"791834ad-f427-50b9-bfcc-01e4a3b2b4d5", "ac1b7610-47e9-56f6-8927-c5210e5dd4c5"}, /* 47 */
    {"aa8c3447-804b-5da2-8efc-3dad990ef917", "0b9e067b-22ca-55ea-9963-b4444151fedd"}, /* 48 */
    {"213437f4-8020-539d-a4ed-1d39dbd48d94", "06e108a5-c838-52a3-9aef-710d17bfefb8"}, /* 49 */
    {"5136d1c0-28bd-5c30-83fc-3413731cd508", "47d5a7b9-b737-5fa5-8016-92bd609ae4a3"}, /* 50 */
    {"5907ae05-a3a5-5466-bf57-ce7795abf2a5", "d0811ee8-d354-5c8c-ad67-8f76d33d60cf"}, /* 51 */
    {"51aaff47-aed0-5f0d-8be9-7a1ba2b3f059", "676af6a0-1dc7-5057-af70-6a0bbb4dff65"}, /* 52 */
    {"48119ba3-0f5e-5f8b-90c9-d81768d6bb8b", "abf4da67-2c03-594c-be9b-4ff588297f38"}, /* 53 */
    {"df506fb4-530c-59bb-8f7f-c14329856076", "93fd541c-a5c0-5b98-9f70-19a6011170fe"}, /* 54 */
    {"46c8cb73-b130-5793-817c-d7efa0fd9a31", "b6acb5ca-bc4b-5676-936c-01a66a9eb7dc"}, /* 55 */
    {"4f5c5ae5-8cf1-5ed3-aaba-eb07f402e3ef", "8ea24b89-9bcd-5d1b-8b54-e8e7d152fad2"}, /* 56 */
    {"f8f38ac8-8226-58be-b2f4-ec566c3299f4", "b0f22e4a-5e4c-5eec-9f7b-53e6d644f8cc"}, /* 57 */
    {"10b457a2-c45a-58ba-8e57-d5cf490c922e", "d0b4b693-3744-5f50-9743-e811cd3ae29c"}, /* 58 */
    {"f4653ecf-d3c8-5535-b9eb-c998e14e70ad", "3d79f673-c197-5cfe-9e3c-adfadcfd4bcc"}, /* 59 */
    {"4cc515d2-b246-5bed-b359-884fe05ecc45", "c61d5799-57b2-5033-a957-eef3ffc19f4f"}, /* 60 */
    {"b4b0c3eb-524e-579b-b7f6-23c792b8318d", "7a97f8e9-73c9-5eb6-b5da-452f8a280b64"}, /* 61 */
    {"a5c5f288-20d3-51b6-a0c9-5fe8c89458be", "286b9a1c-44c6-5a8d-b79e-794cdebfb968"}, /* 62 */
    {"271ec962-6c2e-5470-a23b-c568073cc400", "159ee2ec-b6c3-53fd-80c4-84bfb06cc961"}, /* 63 */
    {"7cb5b7db-9245-5940-b309-d8f2a8bce16b", "92424b7b-123f-52f1-8f77-a86a28d9199d"}, /* 64 */
};

START_TEST(uuids_for_every_name_length) {
  char cid[65];
  infuse_session_t one[1] = {{1, day(2026, 11, 30), INFUSE_PHASE_INDUCTION, 0,
                               0, 0}};
  for (int len = 1; len <= 64; len++) {
    memset(cid, 'x', (size_t)len);
    cid[len] = '\0';
    memset(&x, 0, sizeof x);
    x.struct_size = sizeof x;
    x.sessions = one;
    x.n_sessions = 1;
    x.course_id = cid;
    x.patient_reference = "Patient/1";
    x.dtstamp = 1764495000;
    size_t n = 0;
    ck_assert_int_eq(infuse_course_write_fhir(&x, buf, sizeof buf, &n),
                     INFUSE_OK);
    char want[64];
    snprintf(want, sizeof want, "\"id\": \"%s\"", uuid_by_length[len - 1][0]);
    ck_assert_msg(strstr(buf, want) != NULL, "length %d: bundle id %s missing",
                  len, uuid_by_length[len - 1][0]);
    snprintf(want, sizeof want, "\"id\": \"%s\"", uuid_by_length[len - 1][1]);
    ck_assert_msg(strstr(buf, want) != NULL,
                  "length %d: request id %s missing", len,
                  uuid_by_length[len - 1][1]);
  }
}
END_TEST

static Suite *fhir_suite(void) {
  Suite *s = suite_create("fhir");
  TCase *core = tcase_create("core");
  tcase_add_test(core, json_validator_rejects);
  tcase_add_test(core, golden_pump_course);
  tcase_add_test(core, golden_dates_only);
  tcase_add_test(core, uuids_for_every_name_length);
  tcase_add_test(core, default_course_runs);
  tcase_add_test(core, dose_only_result);
  tcase_add_test(core, dates_only_default_course);
  tcase_add_test(core, note_with_longest_escaped_protocol);
  tcase_add_test(core, hundred_minute_infusion);
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
