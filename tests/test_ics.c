/*
 * test_ics.c - the iCalendar course export (RFC 5545).
 *
 * Golden files written by hand, byte for byte (with and without a result,
 * a verdict that is not ok, folds at and just past 75 octets); every
 * physical line at most 75 octets, CRLF only, valid UTF-8 on its own;
 * folding of multi-byte text compared with a second folding written here
 * and unfolded back to the original; TEXT escaping; the buffer contract;
 * every malformed export refused with nothing written. With
 * INFUSE_HAVE_LIBICAL the output is also read back with libical.
 */
#include <infuse.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef INFUSE_HAVE_LIBICAL
#include <libical/ical.h>
#endif

#define PRODID_LINE "PRODID:-//infuse//infuse " INFUSE_VERSION_STRING "//EN\r\n"
#define CAL_HEAD                                                               \
  "BEGIN:VCALENDAR\r\n"                                                        \
  "VERSION:2.0\r\n" PRODID_LINE "CALSCALE:GREGORIAN\r\n"
#define CAL_TAIL "END:VCALENDAR\r\n"

/* 2025-01-02T09:30:00Z */
#define DTSTAMP_2025 INT64_C(1735810200)

/* ---- helpers ------------------------------------------------------------- */

static int32_t day(int32_t y, int32_t m, int32_t d) {
  int32_t out = 0;
  ck_assert_int_eq(infuse_date_from_ymd(y, m, d, &out), INFUSE_OK);
  return out;
}

static infuse_session_t session(int32_t index, int32_t date,
                                infuse_phase_t phase, int32_t interval,
                                int32_t target, int32_t moved) {
  infuse_session_t s;
  memset(&s, 0, sizeof s);
  s.index = index;
  s.date = date;
  s.phase = phase;
  s.interval_days = interval;
  s.target_interval_days = target;
  s.moved_days = moved;
  return s;
}

static infuse_course_export_t export_of(const infuse_session_t *s, size_t n,
                                        const infuse_result_t *r,
                                        const char *id, const char *domain,
                                        int64_t dtstamp) {
  infuse_course_export_t x;
  memset(&x, 0, sizeof x);
  x.struct_size = sizeof x;
  x.sessions = s;
  x.n_sessions = n;
  x.result = r;
  x.course_id = id;
  x.uid_domain = domain;
  x.dtstamp = dtstamp;
  return x;
}

/* The README's pump program: 70 kg, ketamine-trd-40. */
static void trd40_result(infuse_protocol_t *p, infuse_result_t *r) {
  infuse_request_t req;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, p), INFUSE_OK);
  req.weight_g = 70000;
  memset(r, 0, sizeof *r);
  r->struct_size = sizeof *r;
  ck_assert_int_eq(infuse_pump_compute(&req, r, NULL), INFUSE_OK);
  ck_assert_int_eq(r->rate_ul_per_h, 155300);
  ck_assert_int_eq(r->vtbi_ul, 103500);
}

/* Write the export into a fresh heap buffer of exactly the size measured
 * first; the caller frees it. */
static char *write_ics(const infuse_course_export_t *x, size_t *len) {
  size_t need = 0;
  ck_assert_int_eq(infuse_course_write_ics(x, NULL, 0, &need),
                   INFUSE_E_BUFFER_TOO_SMALL);
  char *buf = malloc(need + 1);
  ck_assert_ptr_nonnull(buf);
  ck_assert_int_eq(infuse_course_write_ics(x, buf, need + 1, len), INFUSE_OK);
  ck_assert_uint_eq(*len, need);
  ck_assert_uint_eq(strlen(buf), need);
  return buf;
}

/* Compare with a golden text, reporting the first difference. */
static void assert_golden(const char *got, const char *want) {
  size_t i = 0;
  while (got[i] != '\0' && got[i] == want[i]) {
    i++;
  }
  if (got[i] != want[i]) {
    size_t from = i > 40 ? i - 40 : 0;
    ck_abort_msg("differs at octet %zu:\n got: ...%.80s\nwant: ...%.80s", i,
                 got + from, want + from);
  }
}

/* Length of the UTF-8 sequence at s, 0 if invalid (independent of the
 * library's own check). */
static size_t utf8_len(const unsigned char *s, size_t avail) {
  unsigned char c = s[0];
  size_t n;
  uint32_t cp;
  if (c < 0x80u) {
    return 1;
  } else if ((c & 0xe0u) == 0xc0u) {
    n = 2;
    cp = c & 0x1fu;
  } else if ((c & 0xf0u) == 0xe0u) {
    n = 3;
    cp = c & 0x0fu;
  } else if ((c & 0xf8u) == 0xf0u) {
    n = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (n > avail) {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0u) != 0x80u) {
      return 0;
    }
    cp = (cp << 6) | (s[i] & 0x3fu);
  }
  static const uint32_t min_cp[5] = {0, 0, 0x80u, 0x800u, 0x10000u};
  if (cp < min_cp[n] || cp > 0x10ffffu || (cp >= 0xd800u && cp <= 0xdfffu)) {
    return 0;
  }
  return n;
}

/* Every physical line ends CRLF, has at most 75 octets, is valid UTF-8 by
 * itself (no sequence cut by a fold), and a continuation line starts with
 * one space and follows a line. No NUL inside. */
static void assert_lines(const char *text, size_t len) {
  ck_assert_uint_eq(strlen(text), len);
  ck_assert_uint_ge(len, 2);
  ck_assert_msg(text[len - 2] == '\r' && text[len - 1] == '\n',
                "the text does not end with CRLF");
  size_t start = 0;
  size_t line_no = 0;
  while (start < len) {
    const char *eol = strstr(text + start, "\r\n");
    ck_assert_ptr_nonnull(eol);
    size_t n = (size_t)(eol - (text + start));
    ck_assert_msg(n <= 75, "line %zu has %zu octets: %.*s", line_no, n, (int)n,
                  text + start);
    ck_assert_msg(n > 0, "line %zu is empty", line_no);
    if (text[start] == ' ') {
      ck_assert_msg(line_no > 0, "the first line is a continuation");
      ck_assert_msg(n > 1, "line %zu is a continuation with nothing", line_no);
    }
    for (size_t i = 0; i < n;) {
      const unsigned char *p = (const unsigned char *)text + start + i;
      ck_assert_msg(*p != '\r' && *p != '\n', "bare CR or LF in line %zu",
                    line_no);
      size_t u = utf8_len(p, n - i);
      ck_assert_msg(u > 0, "line %zu is not valid UTF-8 at octet %zu: %.*s",
                    line_no, i, (int)n, text + start);
      i += u;
    }
    start += n + 2;
    line_no++;
  }
}

/* Remove every fold (CRLF followed by one space or tab). */
static char *unfold(const char *text) {
  size_t n = strlen(text);
  char *out = malloc(n + 1);
  ck_assert_ptr_nonnull(out);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (text[i] == '\r' && text[i + 1] == '\n' &&
        (text[i + 2] == ' ' || text[i + 2] == '\t')) {
      i += 2;
      continue;
    }
    out[o++] = text[i];
  }
  out[o] = '\0';
  return out;
}

/* The value of the nth (from 0) content line starting "name" (which
 * includes its ':' or ';'), in unfolded text; malloc'd, NULL if none. */
static char *prop(const char *unfolded, const char *name, int nth) {
  size_t nl = strlen(name);
  const char *p = unfolded;
  while (*p != '\0') {
    const char *eol = strstr(p, "\r\n");
    ck_assert_ptr_nonnull(eol);
    if (strncmp(p, name, nl) == 0 && nth-- == 0) {
      size_t n = (size_t)(eol - p) - nl;
      char *v = malloc(n + 1);
      ck_assert_ptr_nonnull(v);
      memcpy(v, p + nl, n);
      v[n] = '\0';
      return v;
    }
    p = eol + 2;
  }
  return NULL;
}

/* RFC 5545 3.3.11 unescaping. */
static void unescape_text(char *s) {
  char *o = s;
  for (const char *p = s; *p != '\0'; p++) {
    if (*p == '\\' && p[1] != '\0') {
      p++;
      *o++ = (*p == 'n' || *p == 'N') ? '\n' : *p;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
}

/* A second folding, written here: greedy, at most 75 octets a line, a
 * unit being an escape pair or a whole UTF-8 sequence. Appends the folded
 * content line and its CRLF. */
static size_t ref_fold(const char *logical, char *out) {
  size_t col = 0, o = 0;
  const unsigned char *p = (const unsigned char *)logical;
  while (*p != '\0') {
    size_t u = *p == '\\' ? 2 : utf8_len(p, strlen((const char *)p));
    ck_assert_uint_gt(u, 0);
    if (col + u > 75) {
      memcpy(out + o, "\r\n ", 3);
      o += 3;
      col = 1;
    }
    memcpy(out + o, p, u);
    o += u;
    col += u;
    p += u;
  }
  memcpy(out + o, "\r\n", 3);
  return o + 2;
}

static size_t count(const char *text, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(text, what); p != NULL;
       p = strstr(p + strlen(what), what)) {
    n++;
  }
  return n;
}

/* ---- golden files -------------------------------------------------------- */

/* Dates only: a generic summary; the second DESCRIPTION is exactly 75
 * octets (no fold), the third one octet more (folds inside "session"). */
/* clang-format off */
static const char golden_dates[] =
    CAL_HEAD
    "BEGIN:VEVENT\r\n"
    "UID:trd-2025.01-1@clinic.example.org\r\n"
    "DTSTAMP:20250102T093000Z\r\n"
    "DTSTART;VALUE=DATE:20250106\r\n"
    "DTEND;VALUE=DATE:20250107\r\n"
    "SUMMARY:Infusion session 1 of 3 (induction)\r\n"
    "DESCRIPTION:Session 1 of 3 (induction).\r\n"
    "CATEGORIES:induction\r\n"
    "TRANSP:OPAQUE\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:trd-2025.01-2@clinic.example.org\r\n"
    "DTSTAMP:20250102T093000Z\r\n"
    "DTSTART;VALUE=DATE:20250108\r\n"
    "DTEND;VALUE=DATE:20250109\r\n"
    "SUMMARY:Infusion session 2 of 3 (induction)\r\n"
    "DESCRIPTION:Session 2 of 3 (induction)\\, 2 days after the previous "
    "session.\r\n"
    "CATEGORIES:induction\r\n"
    "TRANSP:OPAQUE\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:trd-2025.01-3@clinic.example.org\r\n"
    "DTSTAMP:20250102T093000Z\r\n"
    "DTSTART;VALUE=DATE:20250113\r\n"
    "DTEND;VALUE=DATE:20250114\r\n"
    "SUMMARY:Infusion session 3 of 3 (maintenance)\r\n"
    "DESCRIPTION:Session 3 of 3 (maintenance)\\, 5 days after the previous "
    "sessio\r\n"
    " n\\; moved 1 day later to an open clinic day.\r\n"
    "CATEGORIES:maintenance\r\n"
    "TRANSP:OPAQUE\r\n"
    "END:VEVENT\r\n" CAL_TAIL;
/* clang-format on */

START_TEST(golden_without_result) {
  infuse_session_t s[3] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0),
      session(2, day(2025, 1, 8), INFUSE_PHASE_INDUCTION, 2, 2, 0),
      session(3, day(2025, 1, 13), INFUSE_PHASE_MAINTENANCE, 5, 4, 1)};
  infuse_course_export_t x =
      export_of(s, 3, NULL, "trd-2025.01", "clinic.example.org", DTSTAMP_2025);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_golden(got, golden_dates);
  ck_assert_uint_eq(len, sizeof golden_dates - 1);
  assert_lines(got, len);
  free(got);
}
END_TEST

/* With the README's pump program: the drug in the summary, dose, rate,
 * VTBI and duration in the description; no uid_domain; DTSTAMP at the
 * epoch. The second DESCRIPTION's first line is exactly 75 octets, so the
 * "\n" escape goes whole to the next line. */
/* clang-format off */
static const char golden_pump[] =
    CAL_HEAD
    "BEGIN:VEVENT\r\n"
    "UID:c1-1@infuse.invalid\r\n"
    "DTSTAMP:19700101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20250303\r\n"
    "DTEND;VALUE=DATE:20250304\r\n"
    "SUMMARY:Ketamine infusion 1 of 2 (induction)\r\n"
    "DESCRIPTION:Session 1 of 2 (induction).\\nDose: 35 mg.\\nPump: rate "
    "155.3 mL/\r\n"
    " h\\, VTBI 103.5 mL\\, duration 40 min (39.99 min at the programmed "
    "rate).\\nP\r\n"
    " rotocol: ketamine-trd-40 version 1.\r\n"
    "CATEGORIES:induction\r\n"
    "TRANSP:OPAQUE\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:c1-2@infuse.invalid\r\n"
    "DTSTAMP:19700101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20250305\r\n"
    "DTEND;VALUE=DATE:20250306\r\n"
    "SUMMARY:Ketamine infusion 2 of 2 (induction)\r\n"
    "DESCRIPTION:Session 2 of 2 (induction)\\, 2 days after the previous "
    "session.\r\n"
    " \\nDose: 35 mg.\\nPump: rate 155.3 mL/h\\, VTBI 103.5 mL\\, duration 40 "
    "min (3\r\n"
    " 9.99 min at the programmed rate).\\nProtocol: ketamine-trd-40 version "
    "1.\r\n"
    "CATEGORIES:induction\r\n"
    "TRANSP:OPAQUE\r\n"
    "END:VEVENT\r\n" CAL_TAIL;
/* clang-format on */

START_TEST(golden_with_pump_result) {
  infuse_protocol_t p;
  infuse_result_t r;
  trd40_result(&p, &r);
  infuse_session_t s[2] = {
      session(1, day(2025, 3, 3), INFUSE_PHASE_INDUCTION, 0, 0, 0),
      session(2, day(2025, 3, 5), INFUSE_PHASE_INDUCTION, 2, 2, 0)};
  infuse_course_export_t x = export_of(s, 2, &r, "c1", NULL, 0);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_golden(got, golden_pump);
  ck_assert_uint_eq(len, sizeof golden_pump - 1);
  assert_lines(got, len);
  free(got);
  /* an actual duration equal to the prescribed one is not repeated */
  r.actual_duration_ms = r.duration_s * 1000;
  got = write_ics(&x, &len);
  ck_assert_ptr_null(strstr(got, "programmed"));
  ck_assert_ptr_nonnull(strstr(got, "\\, duration 40 min.\\nP"));
  free(got);
}
END_TEST

/* A site protocol the library does not know (generic summary), a dose
 * without a pump program, escaped protocol text, a first session that was
 * moved, a soft-limit verdict with its findings, the last DTSTAMP. */
/* clang-format off */
static const char golden_verdict[] =
    CAL_HEAD
    "BEGIN:VEVENT\r\n"
    "UID:X-1@example.com\r\n"
    "DTSTAMP:99991231T235959Z\r\n"
    "DTSTART;VALUE=DATE:20250203\r\n"
    "DTEND;VALUE=DATE:20250204\r\n"
    "SUMMARY:Infusion session 1 of 1 (maintenance)\r\n"
    "DESCRIPTION:Session 1 of 1 (maintenance)\\; moved 2 days later to an "
    "open cl\r\n"
    " inic day.\\nDose: 52.5 mg.\\nProtocol: site-ket version "
    "2024\\,b\\;1.\\nVerdict\r\n"
    " : soft_limit\\; findings: dose_per_kg_soft_high (soft)\\, "
    "dose_soft_high (so\r\n"
    " ft\\, acknowledged). Review before use.\r\n"
    "CATEGORIES:maintenance\r\n"
    "TRANSP:OPAQUE\r\n"
    "END:VEVENT\r\n" CAL_TAIL;
/* clang-format on */

static void site_result(infuse_result_t *r) {
  memset(r, 0, sizeof *r);
  r->struct_size = sizeof *r;
  r->has_pump = false;
  strcpy(r->protocol_id, "site-ket");
  strcpy(r->protocol_version, "2024,b;1");
  r->dose_ng = 52500000;
  r->verdict = INFUSE_VERDICT_SOFT_LIMIT;
  r->n_findings = 2;
  r->findings[0].code = INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH;
  r->findings[0].severity = INFUSE_SEVERITY_SOFT;
  r->findings[1].code = INFUSE_FINDING_DOSE_SOFT_HIGH;
  r->findings[1].severity = INFUSE_SEVERITY_SOFT;
  r->findings[1].acknowledged = true;
}

START_TEST(golden_with_verdict) {
  infuse_result_t r;
  site_result(&r);
  infuse_session_t s[1] = {
      session(1, day(2025, 2, 3), INFUSE_PHASE_MAINTENANCE, 0, 0, 2)};
  infuse_course_export_t x = export_of(s, 1, &r, "X", "example.com",
                                       (INT64_C(2932896) + 1) * 86400 - 1);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_golden(got, golden_verdict);
  ck_assert_uint_eq(len, sizeof golden_verdict - 1);
  assert_lines(got, len);
  free(got);
}
END_TEST

/* ---- names, dates, edges ------------------------------------------------- */

START_TEST(summary_names_the_drug_only_when_known) {
  infuse_protocol_t p;
  infuse_result_t r;
  trd40_result(&p, &r);
  infuse_session_t s[1] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0)};
  infuse_course_export_t x = export_of(s, 1, &r, "c", NULL, DTSTAMP_2025);
  size_t len = 0;

  /* Another version of the same id may be another preparation: generic. */
  strcpy(r.protocol_version, "2");
  char *got = write_ics(&x, &len);
  ck_assert_ptr_nonnull(
      strstr(got, "\r\nSUMMARY:Infusion session 1 of 1 (induction)\r\n"));
  free(got);

  /* An oral protocol: a dose, not an infusion, and no pump line. */
  infuse_protocol_t oral;
  infuse_request_t req;
  ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &oral, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, &oral), INFUSE_OK);
  req.weight_g = 70000;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_oral_compute(&req, &r, NULL), INFUSE_OK);
  got = write_ics(&x, &len);
  ck_assert_ptr_nonnull(
      strstr(got, "\r\nSUMMARY:Ketamine dose 1 of 1 (induction)\r\n"));
  char *u = unfold(got);
  char *d = prop(u, "DESCRIPTION:", 0);
  ck_assert_ptr_nonnull(d);
  ck_assert_str_eq(d, "Session 1 of 1 (induction).\\nDose: 70 mg.\\nProtocol: "
                      "ketamine-oral version 1.");
  free(d);
  free(u);
  free(got);
}
END_TEST

START_TEST(dtstamp_and_date_edges) {
  /* A session on the last day: no DTEND (RFC 5545 reads a DATE DTSTART
   * without DTEND as one day); the first day and the first DTSTAMP. */
  infuse_session_t s[2] = {
      session(1, INFUSE_DATE_MIN, INFUSE_PHASE_INDUCTION, 0, 0, 0),
      session(2, INFUSE_DATE_MAX, INFUSE_PHASE_MAINTENANCE, 7, 7, 0)};
  infuse_course_export_t x =
      export_of(s, 2, NULL, "edge", NULL, (int64_t)INFUSE_DATE_MIN * 86400);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_lines(got, len);
  ck_assert_ptr_nonnull(strstr(got, "\r\nDTSTAMP:19000101T000000Z\r\n"));
  ck_assert_ptr_nonnull(strstr(got, "\r\nDTSTART;VALUE=DATE:19000101\r\n"
                                    "DTEND;VALUE=DATE:19000102\r\n"));
  ck_assert_ptr_nonnull(strstr(got, "\r\nDTSTART;VALUE=DATE:99991231\r\n"
                                    "SUMMARY:"));
  ck_assert_uint_eq(count(got, "DTEND"), 1);
  free(got);

  /* Times before 1970 are floored to the day before. */
  static const struct {
    int64_t t;
    const char *want;
  } stamps[] = {
      {-1, "DTSTAMP:19691231T235959Z"},
      {-86400, "DTSTAMP:19691231T000000Z"},
      {-86401, "DTSTAMP:19691230T235959Z"},
      {951782400, "DTSTAMP:20000229T000000Z"},  /* a leap day */
      {4107542399, "DTSTAMP:21000228T235959Z"}, /* 2100 is no leap year */
  };
  for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
    x.dtstamp = stamps[i].t;
    got = write_ics(&x, &len);
    ck_assert_msg(strstr(got, stamps[i].want) != NULL, "%s missing",
                  stamps[i].want);
    free(got);
  }
}
END_TEST

START_TEST(course_id_of_64_and_long_domain_fold) {
  char id[65];
  memset(id, 'a', 64);
  id[64] = '\0';
  char domain[254];
  memset(domain, 'd', 253);
  domain[253] = '\0';
  infuse_session_t s[1] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0)};
  infuse_course_export_t x = export_of(s, 1, NULL, id, domain, DTSTAMP_2025);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_lines(got, len);
  char *u = unfold(got);
  char *uid = prop(u, "UID:", 0);
  ck_assert_ptr_nonnull(uid);
  char want[400];
  snprintf(want, sizeof want, "%s-1@%s", id, domain);
  ck_assert_str_eq(uid, want);
  free(uid);
  free(u);
  free(got);
}
END_TEST

/* ---- folding and escaping ------------------------------------------------ */

/* The protocol text starts at octet 66 of the DESCRIPTION line; k ASCII
 * octets before the multi-byte ones move every 2-, 3- and 4-octet sequence
 * across the 75-octet boundary. The folded line must be what a second,
 * independent folding gives, every physical line valid UTF-8, and
 * unfolding must give the text back. */
START_TEST(folding_keeps_utf8_sequences_whole) {
  int k = _i;
  infuse_protocol_t p;
  infuse_result_t r;
  trd40_result(&p, &r);
  r.has_pump = false;
  char id[INFUSE_PROTOCOL_ID_MAX];
  memset(id, 'a', (size_t)k);
  strcpy(id + k, "\xf0\x9f\x98\x80\xe2\x82\xac\xc2\xb5\xf0\x9f\x98\x80"
                 "\xe2\x82\xac"); /* U+1F600 EURO MICRO U+1F600 EURO */
  strcpy(r.protocol_id, id);
  const char *version = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9f\x98\x80";
  strcpy(r.protocol_version, version);
  infuse_session_t s[1] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0)};
  infuse_course_export_t x = export_of(s, 1, &r, "u", NULL, DTSTAMP_2025);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_lines(got, len);

  char logical[256];
  snprintf(logical, sizeof logical,
           "DESCRIPTION:Session 1 of 1 (induction).\\nDose: 35 mg.\\nProtocol: "
           "%s version %s.",
           id, version);
  ck_assert_uint_eq(strlen("DESCRIPTION:Session 1 of 1 (induction).\\nDose: "
                           "35 mg.\\nProtocol: "),
                    65);
  char folded[512];
  ref_fold(logical, folded);
  ck_assert_msg(strstr(got, folded) != NULL, "k=%d: folding differs:\n%s", k,
                got);

  char *u = unfold(got);
  char *d = prop(u, "DESCRIPTION:", 0);
  ck_assert_ptr_nonnull(d);
  ck_assert_str_eq(d, logical + strlen("DESCRIPTION:"));
  unescape_text(d);
  char plain[256];
  snprintf(plain, sizeof plain,
           "Session 1 of 1 (induction).\nDose: 35 mg.\nProtocol: %s version "
           "%s.",
           id, version);
  ck_assert_str_eq(d, plain);
  free(d);
  free(u);
  free(got);
}
END_TEST

START_TEST(text_is_escaped) {
  infuse_result_t r;
  site_result(&r);
  r.verdict = INFUSE_VERDICT_OK;
  strcpy(r.protocol_id, "a\\b;c,d\ne\x01"
                        "f:g\th");
  /* invalid UTF-8: a lone 0xff, a cut sequence, a surrogate, an overlong */
  strcpy(r.protocol_version, "\xff\xc3(\xed\xa0\x80\xc0\xaf");
  infuse_session_t s[1] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0)};
  infuse_course_export_t x =
      export_of(s, 1, &r, "e", "host;x,y:z", DTSTAMP_2025);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_lines(got, len);
  char *u = unfold(got);
  char *uid = prop(u, "UID:", 0);
  ck_assert_str_eq(uid, "e-1@host\\;x\\,y:z");
  char *d = prop(u, "DESCRIPTION:", 0);
  ck_assert_str_eq(d, "Session 1 of 1 (induction).\\nDose: 52.5 mg.\\n"
                      "Protocol: a\\\\b\\;c\\,d\\ne?f:g?h version ?"
                      "?(?????.");
  unescape_text(d);
  ck_assert_str_eq(d, "Session 1 of 1 (induction).\nDose: 52.5 mg.\n"
                      "Protocol: a\\b;c,d\ne?f:g?h version ?"
                      "?(?????.");
  free(d);
  free(uid);
  free(u);
  free(got);
}
END_TEST

/* Whole plans from infuse_course_plan, with a pump result: line rules,
 * one VEVENT per session with the session's date and UID. */
START_TEST(planned_courses_keep_line_rules) {
  static const infuse_maintenance_t modes[] = {INFUSE_MAINTENANCE_TAPER,
                                               INFUSE_MAINTENANCE_WEEKLY,
                                               INFUSE_MAINTENANCE_NONE};
  infuse_protocol_t p;
  infuse_result_t r;
  trd40_result(&p, &r);
  infuse_course_options_t opt;
  ck_assert_int_eq(infuse_course_init(&opt, day(2025, 1, 6)), INFUSE_OK);
  opt.maintenance = modes[_i % 3];
  /* 18 months: long enough for every taper step and a year of 28-day
   * gaps, short enough for valgrind (the checks are quadratic in n) */
  opt.horizon_months = 18;
  infuse_session_t *s = malloc(INFUSE_MAX_SESSIONS * sizeof *s);
  ck_assert_ptr_nonnull(s);
  size_t n = 0;
  ck_assert_int_eq(infuse_course_plan(&opt, s, INFUSE_MAX_SESSIONS, &n, NULL),
                   INFUSE_OK);
  infuse_course_export_t x = export_of(s, n, _i < 3 ? &r : NULL, "plan.2025-01",
                                       "example.org", DTSTAMP_2025);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_lines(got, len);
  ck_assert_uint_eq(count(got, "\r\nBEGIN:VEVENT\r\n"), n);
  ck_assert_uint_eq(count(got, "\r\nEND:VEVENT\r\n"), n);
  char *u = unfold(got);
  for (size_t i = 0; i < n; i++) {
    char want[64];
    char *v = prop(u, "DTSTART;VALUE=DATE:", (int)i);
    ck_assert_ptr_nonnull(v);
    int32_t y, m, d;
    ck_assert_int_eq(infuse_date_to_ymd(s[i].date, &y, &m, &d), INFUSE_OK);
    snprintf(want, sizeof want, "%04d%02d%02d", (int)y, (int)m, (int)d);
    ck_assert_str_eq(v, want);
    free(v);
    v = prop(u, "UID:", (int)i);
    snprintf(want, sizeof want, "plan.2025-01-%zu@example.org", i + 1);
    ck_assert_str_eq(v, want);
    free(v);
  }
  free(u);
  free(got);
  free(s);
}
END_TEST

/* ---- buffer contract and refusals ---------------------------------------- */

START_TEST(too_small_leaves_buffer_untouched) {
  infuse_session_t s[3] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0),
      session(2, day(2025, 1, 8), INFUSE_PHASE_INDUCTION, 2, 2, 0),
      session(3, day(2025, 1, 13), INFUSE_PHASE_MAINTENANCE, 5, 4, 1)};
  infuse_course_export_t x =
      export_of(s, 3, NULL, "trd-2025.01", "clinic.example.org", DTSTAMP_2025);
  const size_t need = sizeof golden_dates - 1;
  char buf[sizeof golden_dates + 16];
  const size_t caps[] = {0, 1, 2, need / 2, need - 1, need};
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    memset(buf, 0x5a, sizeof buf);
    size_t len = 7;
    ck_assert_int_eq(infuse_course_write_ics(&x, buf, caps[i], &len),
                     INFUSE_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, need);
    for (size_t j = 0; j < sizeof buf; j++) {
      ck_assert_msg(buf[j] == 0x5a, "cap %zu: octet %zu written", caps[i], j);
    }
  }
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_ics(&x, NULL, 0, &len),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, need);
  memset(buf, 0x5a, sizeof buf);
  ck_assert_int_eq(infuse_course_write_ics(&x, buf, need + 1, &len), INFUSE_OK);
  ck_assert_uint_eq(len, need);
  ck_assert_str_eq(buf, golden_dates);
  for (size_t j = need + 1; j < sizeof buf; j++) {
    ck_assert(buf[j] == 0x5a);
  }
}
END_TEST

#define N_INVALID 28

START_TEST(invalid_export_writes_nothing) {
  infuse_protocol_t p;
  infuse_result_t r;
  trd40_result(&p, &r);
  infuse_session_t s[3] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0),
      session(2, day(2025, 1, 8), INFUSE_PHASE_INDUCTION, 2, 2, 0),
      session(3, day(2025, 1, 10), INFUSE_PHASE_INDUCTION, 2, 2, 0)};
  infuse_course_export_t x =
      export_of(s, 3, &r, "course-1", "example.org", DTSTAMP_2025);
  char id65[66];
  memset(id65, 'a', 65);
  id65[65] = '\0';
  char domain254[255];
  memset(domain254, 'd', 254);
  domain254[254] = '\0';

  const infuse_course_export_t *xp = &x;
  char buf[8192];
  size_t cap = sizeof buf;
  char *bp = buf;
  size_t len = 12345;
  size_t *lenp = &len;
  int want = INFUSE_E_INVALID;
  const char *what = "";
  switch (_i) {
  case 0:
    xp = NULL;
    want = INFUSE_E_NULL;
    what = "NULL export";
    break;
  case 1:
    lenp = NULL;
    want = INFUSE_E_NULL;
    what = "NULL len";
    break;
  case 2:
    bp = NULL;
    want = INFUSE_E_NULL;
    what = "NULL buf, cap > 0";
    break;
  case 3:
    x.sessions = NULL;
    want = INFUSE_E_NULL;
    what = "NULL sessions";
    break;
  case 4:
    x.struct_size -= 1;
    want = INFUSE_E_STRUCT_SIZE;
    what = "size - 1";
    break;
  case 5:
    x.struct_size = 0;
    want = INFUSE_E_STRUCT_SIZE;
    what = "size 0";
    break;
  case 6:
    x.n_sessions = 0;
    what = "no sessions";
    break;
  case 7:
    x.n_sessions = INFUSE_MAX_SESSIONS + 1;
    what = "too many";
    break;
  case 8:
    x.course_id = NULL;
    want = INFUSE_E_NULL;
    what = "no course_id";
    break;
  case 9:
    x.course_id = "";
    what = "empty course_id";
    break;
  case 10:
    x.course_id = "bad id";
    what = "course_id with a space";
    break;
  case 11:
    x.course_id = "a_b";
    what = "course_id with _";
    break;
  case 12:
    x.course_id = "caf\xc3\xa9";
    what = "course_id not ASCII";
    break;
  case 13:
    x.course_id = id65;
    what = "course_id of 65";
    break;
  case 14:
    x.course_id = "a@b";
    what = "course_id with @";
    break;
  case 15:
    x.uid_domain = "a b";
    what = "uid_domain with a space";
    break;
  case 16:
    x.uid_domain = "";
    what = "empty uid_domain";
    break;
  case 17:
    x.uid_domain = "a\"b";
    what = "uid_domain with a quote";
    break;
  case 18:
    x.uid_domain = "a\tb";
    what = "uid_domain with a tab";
    break;
  case 19:
    x.uid_domain = domain254;
    what = "uid_domain of 254";
    break;
  case 20:
    x.dtstamp = (int64_t)INFUSE_DATE_MIN * 86400 - 1;
    what = "dtstamp before 1900";
    break;
  case 21:
    x.dtstamp = ((int64_t)INFUSE_DATE_MAX + 1) * 86400;
    what = "dtstamp in 10000";
    break;
  case 22:
    x.dtstamp = INT64_MIN;
    what = "dtstamp INT64_MIN";
    break;
  case 23:
    x.dtstamp = INT64_MAX;
    what = "dtstamp INT64_MAX";
    break;
  case 24:
    s[1].index = 3;
    what = "index out of order";
    break;
  case 25:
    s[2].date = INFUSE_DATE_MAX + 1;
    what = "date out of range";
    break;
  case 26:
    r.struct_size = 0;
    want = INFUSE_E_STRUCT_SIZE;
    what = "result struct_size";
    break;
  case 27:
    memset(r.protocol_version, 'v', sizeof r.protocol_version);
    what = "protocol_version without NUL";
    break;
  default:
    ck_abort_msg("no case %d", _i);
  }
  memset(buf, 0x5a, sizeof buf);
  ck_assert_msg(infuse_course_write_ics(xp, bp, cap, lenp) == want,
                "%s: not refused with %s", what, infuse_status_name(want));
  ck_assert_uint_eq(len, 12345);
  for (size_t j = 0; j < sizeof buf; j++) {
    ck_assert_msg(buf[j] == 0x5a, "%s: octet %zu written", what, j);
  }
}
END_TEST

/* ---- read back with libical ---------------------------------------------- */

#ifdef INFUSE_HAVE_LIBICAL

/* Parse, check the calendar, and check every VEVENT against the sessions:
 * DTSTART a DATE equal to the session date, DTEND the day after, DTSTAMP
 * in UTC, UID "<course_id>-<index>@<domain>", SUMMARY and DESCRIPTION
 * equal to the unfolded, unescaped text (want_description: the first
 * one, or NULL). */
static void read_back(const char *ics, const infuse_session_t *s, size_t n,
                      const char *course_id, const char *domain,
                      const char *want_description) {
  icalcomponent *cal = icalparser_parse_string(ics);
  ck_assert_ptr_nonnull(cal);
  ck_assert_int_eq(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
  ck_assert_int_eq(icalcomponent_count_errors(cal), 0);
  /* a plain calendar file: no iTIP METHOD, and libical's restriction
   * check (RFC 5546 rules apply only with a METHOD) finds nothing */
  ck_assert_int_eq(icalcomponent_get_method(cal), ICAL_METHOD_NONE);
  ck_assert_int_eq(icalrestriction_check(cal), 1);
  ck_assert_int_eq(icalcomponent_count_errors(cal), 0);
  icalproperty *prodid =
      icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY);
  ck_assert_ptr_nonnull(prodid);
  ck_assert_str_eq(icalproperty_get_prodid(prodid),
                   "-//infuse//infuse " INFUSE_VERSION_STRING "//EN");
  icalproperty *version =
      icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY);
  ck_assert_ptr_nonnull(version);
  ck_assert_str_eq(icalproperty_get_version(version), "2.0");
  ck_assert_int_eq(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT),
                   (int)n);

  char *u = unfold(ics);
  size_t i = 0;
  for (icalcomponent *ev =
           icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != NULL;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), i++) {
    ck_assert_uint_lt(i, n);
    int32_t y, m, d;
    ck_assert_int_eq(infuse_date_to_ymd(s[i].date, &y, &m, &d), INFUSE_OK);
    struct icaltimetype start = icalcomponent_get_dtstart(ev);
    ck_assert(start.is_date);
    ck_assert_int_eq(start.year, y);
    ck_assert_int_eq(start.month, m);
    ck_assert_int_eq(start.day, d);
    if (s[i].date < INFUSE_DATE_MAX) {
      ck_assert_int_eq(infuse_date_to_ymd(s[i].date + 1, &y, &m, &d),
                       INFUSE_OK);
      icalproperty *end =
          icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
      ck_assert_ptr_nonnull(end);
      struct icaltimetype e = icalproperty_get_dtend(end);
      ck_assert(e.is_date);
      ck_assert_int_eq(e.year, y);
      ck_assert_int_eq(e.month, m);
      ck_assert_int_eq(e.day, d);
    }
    struct icaltimetype stamp = icalcomponent_get_dtstamp(ev);
    ck_assert(icaltime_is_utc(stamp));
    ck_assert(!stamp.is_date);

    char want[512];
    snprintf(want, sizeof want, "%s-%d@%s", course_id, (int)s[i].index, domain);
    ck_assert_str_eq(icalcomponent_get_uid(ev), want);

    char *sum = prop(u, "SUMMARY:", (int)i);
    unescape_text(sum);
    ck_assert_str_eq(icalcomponent_get_summary(ev), sum);
    free(sum);
    char *desc = prop(u, "DESCRIPTION:", (int)i);
    unescape_text(desc);
    ck_assert_str_eq(icalcomponent_get_description(ev), desc);
    if (i == 0 && want_description != NULL) {
      ck_assert_str_eq(icalcomponent_get_description(ev), want_description);
    }
    free(desc);
    icalproperty *tr =
        icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY);
    ck_assert_ptr_nonnull(tr);
    ck_assert_int_eq(icalproperty_get_transp(tr), ICAL_TRANSP_OPAQUE);
  }
  ck_assert_uint_eq(i, n);
  free(u);
  icalcomponent_free(cal);
  icalmemory_free_ring();
}

START_TEST(libical_reads_goldens) {
  infuse_session_t s3[3] = {
      session(1, day(2025, 1, 6), INFUSE_PHASE_INDUCTION, 0, 0, 0),
      session(2, day(2025, 1, 8), INFUSE_PHASE_INDUCTION, 2, 2, 0),
      session(3, day(2025, 1, 13), INFUSE_PHASE_MAINTENANCE, 5, 4, 1)};
  read_back(golden_dates, s3, 3, "trd-2025.01", "clinic.example.org",
            "Session 1 of 3 (induction).");

  infuse_session_t s2[2] = {
      session(1, day(2025, 3, 3), INFUSE_PHASE_INDUCTION, 0, 0, 0),
      session(2, day(2025, 3, 5), INFUSE_PHASE_INDUCTION, 2, 2, 0)};
  read_back(golden_pump, s2, 2, "c1", "infuse.invalid",
            "Session 1 of 2 (induction).\nDose: 35 mg.\nPump: rate 155.3 "
            "mL/h, VTBI 103.5 mL, duration 40 min (39.99 min at the "
            "programmed rate).\nProtocol: ketamine-trd-40 version 1.");

  infuse_session_t s1[1] = {
      session(1, day(2025, 2, 3), INFUSE_PHASE_MAINTENANCE, 0, 0, 2)};
  read_back(golden_verdict, s1, 1, "X", "example.com",
            "Session 1 of 1 (maintenance); moved 2 days later to an open "
            "clinic day.\nDose: 52.5 mg.\nProtocol: site-ket version "
            "2024,b;1.\nVerdict: soft_limit; findings: dose_per_kg_soft_high "
            "(soft), dose_soft_high (soft, acknowledged). Review before use.");
  icaltimezone_free_builtin_timezones(); /* libical's cached UTC zone */
}
END_TEST

/* A five-year plan with a pump result, multi-byte protocol text and a UID
 * domain that needs escaping. */
START_TEST(libical_reads_planned_course) {
  infuse_protocol_t p;
  infuse_result_t r;
  trd40_result(&p, &r);
  strcpy(r.protocol_version, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80,;");
  infuse_course_options_t opt;
  ck_assert_int_eq(infuse_course_init(&opt, day(2025, 1, 6)), INFUSE_OK);
  opt.horizon_months = 60;
  opt.n_closed = 1;
  opt.closed[0] = day(2025, 1, 8);
  infuse_session_t *s = malloc(INFUSE_MAX_SESSIONS * sizeof *s);
  ck_assert_ptr_nonnull(s);
  size_t n = 0;
  ck_assert_int_eq(infuse_course_plan(&opt, s, INFUSE_MAX_SESSIONS, &n, NULL),
                   INFUSE_OK);
  ck_assert_uint_gt(n, 50);
  infuse_course_export_t x =
      export_of(s, n, &r, "plan-7", "clinic;a,b.example", DTSTAMP_2025);
  size_t len = 0;
  char *got = write_ics(&x, &len);
  assert_lines(got, len);
  read_back(got, s, n, "plan-7", "clinic;a,b.example", NULL);

  /* The index and the phase in every SUMMARY (the version is not the
   * built-in one, so the drug is not named). */
  icalcomponent *cal = icalparser_parse_string(got);
  ck_assert_ptr_nonnull(cal);
  size_t i = 0;
  for (icalcomponent *ev =
           icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != NULL;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), i++) {
    char want[128];
    snprintf(want, sizeof want, "Infusion session %zu of %zu (%s)", i + 1, n,
             infuse_phase_name((int)s[i].phase));
    ck_assert_str_eq(icalcomponent_get_summary(ev), want);
    ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(ev),
                                 "version \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                                 ",;."));
    snprintf(want, sizeof want, "plan-7-%zu@clinic;a,b.example", i + 1);
    ck_assert_str_eq(icalcomponent_get_uid(ev), want);
  }
  icalcomponent_free(cal);
  icalmemory_free_ring();
  icaltimezone_free_builtin_timezones(); /* libical's cached UTC zone */
  free(got);
  free(s);
}
END_TEST

#endif /* INFUSE_HAVE_LIBICAL */

static Suite *ics_suite(void) {
  Suite *s = suite_create("ics");
  TCase *core = tcase_create("core");
  tcase_add_test(core, golden_without_result);
  tcase_add_test(core, golden_with_pump_result);
  tcase_add_test(core, golden_with_verdict);
  tcase_add_test(core, summary_names_the_drug_only_when_known);
  tcase_add_test(core, dtstamp_and_date_edges);
  tcase_add_test(core, course_id_of_64_and_long_domain_fold);
  suite_add_tcase(s, core);

  TCase *format = tcase_create("format");
  tcase_add_loop_test(format, folding_keeps_utf8_sequences_whole, 0, 13);
  tcase_add_test(format, text_is_escaped);
  tcase_add_loop_test(format, planned_courses_keep_line_rules, 0, 6);
  tcase_set_timeout(format, 60);
  suite_add_tcase(s, format);

  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, too_small_leaves_buffer_untouched);
  tcase_add_loop_test(errors, invalid_export_writes_nothing, 0, N_INVALID);
  suite_add_tcase(s, errors);

#ifdef INFUSE_HAVE_LIBICAL
  TCase *libical = tcase_create("libical");
  tcase_add_test(libical, libical_reads_goldens);
  tcase_add_test(libical, libical_reads_planned_course);
  tcase_set_timeout(libical, 60);
  suite_add_tcase(s, libical);
#endif
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(ics_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
