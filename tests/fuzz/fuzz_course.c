/*
 * fuzz_course.c - infuse_course_plan on options decoded from the bytes,
 * then the four course exports (JSON, CSV, iCalendar, FHIR) into small and
 * large buffers, with or without a dose, with course id, UID domain and
 * patient reference taken from the bytes (valid and invalid ones).
 *
 * Input layout (reads past the end give zeros):
 *   byte 0   flags: bit 0 start near the end of the calendar; bit 1 taper
 *            steps from the bytes; bit 2 closed dates; bit 3 a wrong
 *            struct_size; bit 4 corrupt one session before exporting;
 *            bit 5 a NULL diagnostic
 *   then     start, induction count, per week, clinic days, minimum
 *            interval, maintenance, horizon (selector + value each), taper
 *            steps, closed dates, the plan's capacity, then the export:
 *            result kind, strings, dtstamp, buffer sizes.
 *
 * Plan invariants: status in the documented set; on an error nothing but
 * the diagnostic is written (E_BUFFER_TOO_SMALL: *n is the count needed
 * and equals a full plan's); on success indexes are 1..n, dates strictly
 * increase, start <= first date, every date is a clinic day, not closed,
 * and before the horizon; each gap = target + moved, target >= the minimum
 * interval and the rhythm's gap (2/2/3, 3/4, 7 or the taper's), moved >=
 * 0; phases induction then maintenance; nothing past *n is written.
 * Export invariants: the writers' buffer contract (fz_check_writer),
 * statuses in the documented set, JSON and FHIR well-formed, the JSON and
 * CSV lengths within their proven bounds, CSV lines CRLF (n + 1 of them),
 * iCalendar lines at most 75 octets plus CRLF, folds not splitting UTF-8,
 * one VEVENT per session.
 */
#include "fuzz_common.h"

#include "../json_check.h"
#include "internal.h"

static const int plan_statuses[] = {INFUSE_OK,
                                    INFUSE_E_NULL,
                                    INFUSE_E_STRUCT_SIZE,
                                    INFUSE_E_RANGE,
                                    INFUSE_E_INVALID,
                                    INFUSE_E_CONFLICT,
                                    INFUSE_E_BUFFER_TOO_SMALL};
static const int export_errors[] = {INFUSE_E_NULL, INFUSE_E_STRUCT_SIZE,
                                    INFUSE_E_INVALID};

static int w_json(const void *x, char *buf, size_t cap, size_t *len) {
  return infuse_course_write_json(x, buf, cap, len);
}
static int w_csv(const void *x, char *buf, size_t cap, size_t *len) {
  return infuse_course_write_csv(x, buf, cap, len);
}
static int w_ics(const void *x, char *buf, size_t cap, size_t *len) {
  return infuse_course_write_ics(x, buf, cap, len);
}
static int w_fhir(const void *x, char *buf, size_t cap, size_t *len) {
  return infuse_course_write_fhir(x, buf, cap, len);
}

static bool is_closed(const infuse_course_options_t *o, int32_t date) {
  for (int32_t i = 0; i < o->n_closed && i < INFUSE_MAX_CLOSED; i++) {
    if (o->closed[i] == date) {
      return true;
    }
  }
  return false;
}

static void check_plan(const infuse_course_options_t *o,
                       const infuse_session_t *s, size_t n) {
  int32_t end;
  if (infuse_date_add_months(o->start, o->horizon_months, &end) != INFUSE_OK) {
    end = INFUSE_DATE_MAX + 1;
  }
  FZ_CHECK(n <= INFUSE_MAX_SESSIONS);
  if (o->maintenance == INFUSE_MAINTENANCE_NONE) {
    FZ_CHECK(n <= (size_t)o->induction_count);
  }
  int32_t first_wd = 0;
  for (size_t i = 0; i < n; i++) {
    const infuse_session_t *e = &s[i];
    FZ_CHECK(e->index == (int32_t)i + 1);
    FZ_CHECK(e->date >= o->start && e->date < end);
    FZ_CHECK(e->date >= INFUSE_DATE_MIN && e->date <= INFUSE_DATE_MAX);
    int wd = infuse_date_weekday(e->date);
    FZ_CHECK(wd >= 1 && wd <= 7);
    FZ_CHECK((o->clinic_days & INFUSE_WEEKDAY_BIT(wd)) != 0);
    FZ_CHECK(!is_closed(o, e->date));
    FZ_CHECK(e->phase == (i < (size_t)o->induction_count
                              ? INFUSE_PHASE_INDUCTION
                              : INFUSE_PHASE_MAINTENANCE));
    FZ_CHECK(e->moved_days >= 0);
    if (i == 0) {
      first_wd = wd;
      FZ_CHECK(e->interval_days == 0 && e->target_interval_days == 0);
      FZ_CHECK(e->moved_days == e->date - o->start);
      continue;
    }
    FZ_CHECK(e->date > s[i - 1].date);
    FZ_CHECK(e->interval_days == e->date - s[i - 1].date);
    FZ_CHECK(e->interval_days == e->target_interval_days + e->moved_days);
    FZ_CHECK(e->interval_days >= e->target_interval_days);
    FZ_CHECK(e->target_interval_days >= o->min_interval_days);
    int32_t rhythm;
    if (e->phase == INFUSE_PHASE_INDUCTION) {
      /* the weekly rhythm, aligned with the first session's weekday */
      static const int32_t gaps3[3] = {2, 2, 3};
      static const int32_t gaps2[2] = {3, 4};
      int32_t k = (int32_t)i - 1;
      if (o->per_week == 3) {
        int32_t phase = first_wd <= 2 ? 0 : first_wd <= 4 ? 1 : 2;
        rhythm = gaps3[(phase + k) % 3];
      } else {
        int32_t phase = first_wd <= 3 ? 0 : 1;
        rhythm = gaps2[(phase + k) % 2];
      }
    } else if (o->maintenance == INFUSE_MAINTENANCE_WEEKLY) {
      rhythm = 7;
    } else {
      /* the taper step this maintenance session falls in */
      FZ_CHECK(o->maintenance == INFUSE_MAINTENANCE_TAPER);
      size_t m = i - (size_t)o->induction_count; /* 0-based */
      int32_t step = 0;
      size_t seen = 0;
      while (step < o->n_taper_steps - 1 && o->taper[step].count != 0 &&
             m >= seen + (size_t)o->taper[step].count) {
        seen += (size_t)o->taper[step].count;
        step++;
      }
      if (o->taper[step].count != 0) {
        FZ_CHECK(m < seen + (size_t)o->taper[step].count);
      }
      rhythm = o->taper[step].interval_days;
    }
    int32_t target =
        rhythm > o->min_interval_days ? rhythm : o->min_interval_days;
    FZ_CHECK(e->target_interval_days == target);
  }
}

/* Lines of a CRLF text: every line ends CRLF, no bare CR or LF. Returns
 * the number of lines; *longest is the longest line without its CRLF;
 * *split is true when a folded line (CRLF + space) starts inside a UTF-8
 * sequence. */
static size_t crlf_lines(const char *t, size_t len, size_t *longest,
                         bool *split) {
  size_t lines = 0, start = 0;
  *longest = 0;
  *split = false;
  for (size_t i = 0; i < len; i++) {
    if (t[i] == '\r') {
      FZ_CHECK(i + 1 < len && t[i + 1] == '\n');
      size_t l = i - start;
      *longest = l > *longest ? l : *longest;
      lines++;
      i++;
      start = i + 1;
      if (start + 1 < len && t[start] == ' ' &&
          ((unsigned char)t[start + 1] & 0xc0u) == 0x80u) {
        *split = true;
      }
    } else {
      FZ_CHECK(t[i] != '\n');
    }
  }
  FZ_CHECK(start == len); /* the text ends with CRLF */
  return lines;
}

static size_t count_of(const char *t, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(t, what); p != NULL; p = strstr(p + 1, what)) {
    n++;
  }
  return n;
}

/* A result for the exports: none, computed by the library (pump, dose only
 * or oral; any verdict), or zeros with only the struct size. */
static const infuse_result_t *make_result(fz_t *f, infuse_result_t *r,
                                          infuse_protocol_t *p) {
  uint8_t kind = fz_u8(f);
  if (kind % 5u == 0) {
    return NULL;
  }
  if (kind % 5u == 4) {
    memset(r, 0, sizeof *r);
    r->struct_size = (uint32_t)sizeof *r;
    return r;
  }
  if (infuse_protocol_at(fz_u8(f) % infuse_protocol_count(), p) != INFUSE_OK) {
    return NULL;
  }
  infuse_request_t q;
  if (infuse_request_init(&q, p) != INFUSE_OK) {
    return NULL;
  }
  q.weight_g = fz_pick(f, 20000, 250000);
  q.acknowledge = fz_u8(f) & 0x7fu;
  r->struct_size = (uint32_t)sizeof *r;
  int rc;
  if (kind % 5u == 3 || p->route == INFUSE_ROUTE_ORAL) {
    rc = p->route == INFUSE_ROUTE_ORAL ? infuse_oral_compute(&q, r, NULL)
                                       : infuse_dose_compute(&q, r, NULL);
  } else {
    rc = infuse_pump_compute(&q, r, NULL);
  }
  return rc >= 0 ? r : NULL;
}

/* A text argument: NULL, a valid one, or bytes (raw, printable, id
 * characters). */
static const char *make_text(fz_t *f, char *buf, size_t max_len,
                             const char *valid) {
  uint8_t mode = fz_u8(f) % 6u;
  switch (mode) {
  case 0:
    return NULL;
  case 1:
  case 2:
    return valid;
  case 3:
    fz_string(f, buf, max_len, 0);
    return buf;
  case 4:
    fz_string(f, buf, max_len, 1);
    return buf;
  default:
    fz_string(f, buf, max_len, 2);
    return buf;
  }
}

static void check_exports(fz_t *f, const infuse_session_t *sessions, size_t n,
                          bool corrupt) {
  infuse_session_t *s = malloc((n > 0 ? n : 1) * sizeof *s);
  infuse_result_t *result = malloc(sizeof *result);
  infuse_protocol_t *protocol = malloc(sizeof *protocol);
  if (s == NULL || result == NULL || protocol == NULL) {
    abort();
  }
  memcpy(s, sessions, n * sizeof *s);
  if (corrupt && n > 0) {
    infuse_session_t *e = &s[fz_u16(f) % n];
    int32_t v = fz_pick32(f, -2, 40);
    switch (fz_u8(f) % 6u) {
    case 0:
      e->index = v;
      break;
    case 1:
      e->date = fz_pick32(f, INFUSE_DATE_MIN - 1, INFUSE_DATE_MAX + 1);
      break;
    case 2:
      e->phase = (infuse_phase_t)(fz_u8(f) % 3u);
      break;
    case 3:
      e->interval_days = v;
      break;
    case 4:
      e->target_interval_days = v;
      break;
    default:
      e->moved_days = v;
      break;
    }
  }

  char id_buf[80], domain_buf[300], patient_buf[150];
  infuse_course_export_t x;
  memset(&x, 0, sizeof x);
  x.struct_size = (uint32_t)sizeof x;
  x.sessions = s;
  x.n_sessions = n;
  x.result = make_result(f, result, protocol);
  x.course_id = make_text(f, id_buf, 70, "course-2026.1");
  x.uid_domain = make_text(f, domain_buf, 260, "clinic.example.org");
  x.patient_reference = make_text(f, patient_buf, 140, "Patient/123");
  x.dtstamp = fz_pick(f, -2208988800 - 2, 253402300799 + 2);
  uint8_t misc = fz_u8(f);
  if ((misc & 1u) != 0) {
    x.n_sessions = (size_t)fz_pick(f, 0, (int64_t)n + 1);
    if (x.n_sessions > n) {
      x.n_sessions = n; /* never read past the array */
    }
  }
  if ((misc & 2u) != 0 && x.result != NULL) {
    /* the result's texts unterminated, or its size wrong */
    if (fz_bool(f)) {
      memset(result->protocol_id, 'k', sizeof result->protocol_id);
    } else {
      result->struct_size = fz_u32(f);
    }
  }
  if ((misc & 4u) != 0) {
    x.struct_size = fz_u32(f);
  }

  fz_writer_fn writers[4] = {w_json, w_csv, w_ics, w_fhir};
  for (int k = 0; k < 4; k++) {
    size_t small = (size_t)fz_u8(f) * 64u + fz_u8(f) % 64u;
    size_t extra = fz_u8(f);
    size_t bound = 0;
    if (k < 2 && infuse__export_check(&x, false, false) == INFUSE_OK) {
      /* a buffer larger than the proven bound takes the one-pass path */
      bound =
          k == 0 ? infuse__course_json_bound(&x) : infuse__course_csv_bound(&x);
      extra += bound;
    }
    char *text = NULL;
    int rc =
        fz_check_writer(writers[k], &x, small, extra, export_errors,
                        sizeof export_errors / sizeof export_errors[0], &text);
    if (rc != INFUSE_E_BUFFER_TOO_SMALL) {
      FZ_CHECK(text == NULL);
      continue;
    }
    FZ_CHECK(x.n_sessions >= 1);
    size_t len = strlen(text);
    if (k < 2) {
      FZ_CHECK(len <= bound);
    }
    size_t longest = 0;
    bool split = false;
    switch (k) {
    case 0:
      FZ_CHECK(json_valid(text));
      FZ_CHECK(count_of(text, "\"index\"") == x.n_sessions);
      break;
    case 1:
      FZ_CHECK(crlf_lines(text, len, &longest, &split) == x.n_sessions + 1);
      break;
    case 2:
      (void)crlf_lines(text, len, &longest, &split);
      FZ_CHECK(longest <= 75);
      FZ_CHECK(!split);
      FZ_CHECK(strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0);
      FZ_CHECK(len >= 15 && strcmp(text + len - 15, "END:VCALENDAR\r\n") == 0);
      /* at line starts: user text (a uid_domain) may end in the same
       * words just before a line end */
      FZ_CHECK(count_of(text, "\r\nBEGIN:VEVENT\r\n") == x.n_sessions);
      break;
    default:
      FZ_CHECK(json_valid(text));
      FZ_CHECK(x.result == NULL || x.result->verdict == INFUSE_VERDICT_OK);
      break;
    }
    free(text);
  }
  free(s);
  free(result);
  free(protocol);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) {
    return 0;
  }
  fz_t f = {data, size};
  uint8_t flags = fz_u8(&f);

  infuse_course_options_t o;
  FZ_CHECK(infuse_course_init(&o, 20000) == INFUSE_OK);
  o.start = (flags & 1u) != 0 ? INFUSE_DATE_MAX - (int32_t)(fz_u16(&f) % 800u)
                              : fz_pick32(&f, 19000, 22000);
  uint8_t which = fz_u8(&f);
  if ((which & 1u) != 0) {
    o.induction_count = fz_pick32(&f, 0, 13);
  }
  if ((which & 2u) != 0) {
    o.per_week = fz_pick32(&f, 1, 4);
  }
  if ((which & 4u) != 0) {
    uint8_t c = fz_u8(&f);
    o.clinic_days = (c & 0x80u) != 0 ? fz_u32(&f) : (uint32_t)c;
  }
  if ((which & 8u) != 0) {
    o.min_interval_days = fz_pick32(&f, 0, 29);
  }
  if ((which & 16u) != 0) {
    o.maintenance = (infuse_maintenance_t)(fz_u8(&f) % 4u);
  }
  if ((which & 32u) != 0) {
    o.horizon_months = fz_pick32(&f, 0, 61);
  }
  if ((flags & 2u) != 0) {
    o.n_taper_steps = fz_pick32(&f, 0, INFUSE_MAX_TAPER_STEPS + 1);
    int32_t fill = o.n_taper_steps < 0 ? 0
                   : o.n_taper_steps > INFUSE_MAX_TAPER_STEPS
                       ? INFUSE_MAX_TAPER_STEPS
                       : o.n_taper_steps;
    for (int32_t i = 0; i < fill; i++) {
      o.taper[i].interval_days = fz_pick32(&f, 1, 60);
      o.taper[i].count = fz_pick32(&f, 0, 12);
    }
  }
  if ((flags & 4u) != 0) {
    o.n_closed = fz_pick32(&f, 0, INFUSE_MAX_CLOSED + 1);
    int32_t fill = o.n_closed < 0                   ? 0
                   : o.n_closed > INFUSE_MAX_CLOSED ? INFUSE_MAX_CLOSED
                                                    : o.n_closed;
    for (int32_t i = 0; i < fill; i++) {
      uint8_t b = fz_u8(&f);
      int64_t near = (int64_t)o.start + (int64_t)(b & 0x7fu);
      o.closed[i] = (b & 0x80u) != 0
                        ? fz_pick32(&f, INFUSE_DATE_MIN, INFUSE_DATE_MAX)
                        : (int32_t)(near > INT32_MAX ? INT32_MAX : near);
    }
  }
  if ((flags & 8u) != 0) {
    o.struct_size = fz_u32(&f);
  }
  uint8_t capb = fz_u8(&f);
  size_t cap = capb == 255 ? INFUSE_MAX_SESSIONS : capb;

  /* the plan into an array of cap sessions, then one of the maximum */
  infuse_session_t *s = malloc((cap + 1) * sizeof *s);
  infuse_session_t *full = malloc(INFUSE_MAX_SESSIONS * sizeof *full);
  if (s == NULL || full == NULL) {
    abort();
  }
  memset(s, 0xc3, (cap + 1) * sizeof *s);
  infuse_session_t fill_pattern;
  memset(&fill_pattern, 0xc3, sizeof fill_pattern);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  infuse_diag_t *dp = (flags & 32u) != 0 ? NULL : &d;
  size_t n = (size_t)-1;
  int rc =
      infuse_course_plan(&o, cap == 0 && (capb & 1u) ? NULL : s, cap, &n, dp);
  FZ_CHECK(fz_status_known(rc));
  FZ_CHECK(fz_status_in(rc, plan_statuses,
                        sizeof plan_statuses / sizeof plan_statuses[0]));
  size_t n_full = (size_t)-1;
  int rc_full =
      infuse_course_plan(&o, full, INFUSE_MAX_SESSIONS, &n_full, NULL);
  FZ_CHECK(rc_full != INFUSE_E_BUFFER_TOO_SMALL);

  size_t untouched_from = 0;
  if (rc == INFUSE_OK) {
    FZ_CHECK(rc_full == INFUSE_OK && n_full == n && n <= cap);
    check_plan(&o, s, n);
    FZ_CHECK(memcmp(s, full, n * sizeof *s) == 0);
    untouched_from = n;
  } else {
    if (dp != NULL) {
      fz_check_diag(&d, rc);
    }
    if (rc == INFUSE_E_BUFFER_TOO_SMALL) {
      FZ_CHECK(rc_full == INFUSE_OK && n == n_full && n > cap);
    } else {
      FZ_CHECK(rc_full == rc && n == (size_t)-1 && n_full == (size_t)-1);
    }
  }
  for (size_t i = untouched_from; i < cap + 1; i++) {
    FZ_CHECK(memcmp(&s[i], &fill_pattern, sizeof fill_pattern) == 0);
  }

  if (rc_full == INFUSE_OK) {
    check_plan(&o, full, n_full);
    check_exports(&f, full, n_full, (flags & 16u) != 0);
  }
  free(s);
  free(full);
  return 0;
}
