/*
 * course_writer.c - course plans as JSON and CSV, and what every course
 * export shares: checking the description and the two-pass buffer
 * contract.
 */
#include "internal.h"

#include <string.h>

int infuse__write_bounded(infuse__render_fn render, const void *what,
                          size_t bound, char *buf, size_t cap, size_t *len) {
  if (bound > 0 && cap > bound) {
    infuse__sb_t sb;
    infuse__sb_init(&sb, buf, cap);
    render(&sb, what);
    *len = infuse__sb_finish(&sb);
    return INFUSE_OK;
  }
  return infuse__write_twice(render, what, buf, cap, len);
}

int infuse__write_twice(infuse__render_fn render, const void *what, char *buf,
                        size_t cap, size_t *len) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, NULL, 0);
  render(&sb, what);
  size_t need = sb.len;
  if (need >= cap) {
    *len = need;
    return INFUSE_E_BUFFER_TOO_SMALL;
  }
  infuse__sb_init(&sb, buf, cap);
  render(&sb, what);
  *len = infuse__sb_finish(&sb);
  return INFUSE_OK;
}

static bool printable_ascii(const char *s, size_t max, bool allow_quote) {
  size_t n = 0;
  for (; s[n] != '\0'; n++) {
    unsigned char c = (unsigned char)s[n];
    if (n >= max || c <= 0x20u || c >= 0x7fu ||
        (!allow_quote && (c == '"' || c == '\\'))) {
      return false;
    }
  }
  return n > 0;
}

int infuse__export_check(const infuse_course_export_t *x, bool need_id,
                         bool need_patient) {
  if (x == NULL || x->sessions == NULL) {
    return INFUSE_E_NULL;
  }
  if (x->struct_size != sizeof(infuse_course_export_t)) {
    return INFUSE_E_STRUCT_SIZE;
  }
  if (x->n_sessions == 0 || x->n_sessions > INFUSE_MAX_SESSIONS) {
    return INFUSE_E_INVALID;
  }
  for (size_t i = 0; i < x->n_sessions; i++) {
    const infuse_session_t *s = &x->sessions[i];
    if (s->date < INFUSE_DATE_MIN || s->date > INFUSE_DATE_MAX ||
        s->index != (int32_t)i + 1 ||
        (s->phase != INFUSE_PHASE_INDUCTION &&
         s->phase != INFUSE_PHASE_MAINTENANCE) ||
        s->interval_days < 0 || s->target_interval_days < 0 ||
        s->moved_days < 0 || s->interval_days > INFUSE_DATE_MAX ||
        s->target_interval_days > INFUSE_DATE_MAX ||
        s->moved_days > INFUSE_DATE_MAX) {
      return INFUSE_E_INVALID;
    }
  }
  if (x->result != NULL) {
    if (x->result->struct_size != sizeof(infuse_result_t)) {
      return INFUSE_E_STRUCT_SIZE;
    }
    if (memchr(x->result->protocol_id, '\0', sizeof x->result->protocol_id) ==
            NULL ||
        memchr(x->result->protocol_version, '\0',
               sizeof x->result->protocol_version) == NULL) {
      return INFUSE_E_INVALID;
    }
  }
  if (need_id) {
    if (x->course_id == NULL) {
      return INFUSE_E_NULL;
    }
    size_t n = 0;
    for (; x->course_id[n] != '\0'; n++) {
      char c = x->course_id[n];
      if (n >= INFUSE_COURSE_ID_MAX ||
          !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.')) {
        return INFUSE_E_INVALID;
      }
    }
    if (n == 0) {
      return INFUSE_E_INVALID;
    }
  }
  if (x->uid_domain != NULL && !printable_ascii(x->uid_domain, 253, false)) {
    return INFUSE_E_INVALID;
  }
  if (need_patient) {
    if (x->patient_reference == NULL) {
      return INFUSE_E_NULL;
    }
    if (!printable_ascii(x->patient_reference, 128, false)) {
      return INFUSE_E_INVALID;
    }
  }
  return INFUSE_OK;
}

/* YYYY-MM-DD of a date already checked to be in range. */
static void put_date(infuse__sb_t *sb, int32_t date) {
  int32_t y = 0, m = 0, d = 0;
  if (infuse_date_to_ymd(date, &y, &m, &d) != INFUSE_OK) {
    return; /* cannot happen: infuse__export_check checked every date */
  }
  char t[10] = {(char)('0' + y / 1000),
                (char)('0' + y / 100 % 10),
                (char)('0' + y / 10 % 10),
                (char)('0' + y % 10),
                '-',
                (char)('0' + m / 10),
                (char)('0' + m % 10),
                '-',
                (char)('0' + d / 10),
                (char)('0' + d % 10)};
  infuse__sb_putn(sb, t, sizeof t);
}

/* ---- JSON -----------------------------------------------------------------
 */

/* What both passes share: the export and the part of every session or row
 * that is the same throughout, formatted once. */
typedef struct prepared {
  const infuse_course_export_t *x;
  char tail[160];
  size_t tail_len;
} prepared_t;

static void prepare_json(prepared_t *p, const infuse_course_export_t *x) {
  const infuse_result_t *r = x->result;
  infuse__sb_t t;
  p->x = x;
  infuse__sb_init(&t, p->tail, sizeof p->tail);
  if (r != NULL) {
    infuse__sb_puts(&t, ", \"dose_mg\": ");
    infuse__put_number(&t, r->dose_ng, INFUSE_UNIT_NG, 6);
    if (r->has_pump) {
      infuse__sb_puts(&t, ", \"rate_ml_per_h\": ");
      infuse__put_number(&t, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H, 3);
      infuse__sb_puts(&t, ", \"vtbi_ml\": ");
      infuse__put_number(&t, r->vtbi_ul, INFUSE_UNIT_UL, 3);
    }
  }
  infuse__sb_putc(&t, '}');
  p->tail_len = infuse__sb_finish(&t);
}

/* Longest JSON string of s (every byte as \u00XX) with its quotes. */
static size_t json_string_bound(const char *s) { return 6 * strlen(s) + 2; }

/* Literal text of one session is under 160 bytes with 7-digit numbers
 * (intervals and moves are at most INFUSE_DATE_MAX days); the summary
 * under 200 plus its strings and one number. */
static size_t json_bound(const prepared_t *p) {
  const infuse_course_export_t *x = p->x;
  size_t b = 64 + x->n_sessions * (200 + p->tail_len) + 200;
  if (x->result != NULL) {
    b += json_string_bound(x->result->protocol_id) +
         json_string_bound(x->result->protocol_version) + 64;
  }
  return b;
}

static void render_json(infuse__sb_t *sb, const void *what) {
  const prepared_t *p = what;
  const infuse_course_export_t *x = p->x;
  const infuse_result_t *r = x->result;
  const char *tail = p->tail;
  size_t tail_len = p->tail_len;
  int32_t n_induction = 0;
  infuse__sb_puts(sb, "{\n  \"sessions\": [");
  for (size_t i = 0; i < x->n_sessions; i++) {
    const infuse_session_t *s = &x->sessions[i];
    if (s->phase == INFUSE_PHASE_INDUCTION) {
      n_induction++;
    }
    infuse__sb_puts(sb, i == 0 ? "\n    {\"index\": " : ",\n    {\"index\": ");
    infuse__sb_int(sb, s->index);
    infuse__sb_puts(sb, ", \"date\": \"");
    put_date(sb, s->date);
    infuse__sb_puts(sb, "\", \"weekday\": ");
    infuse__sb_int(sb, infuse_date_weekday(s->date));
    infuse__sb_puts(sb, ", \"phase\": ");
    infuse__json_string(sb, infuse_phase_name((int)s->phase));
    infuse__sb_puts(sb, ", \"interval_days\": ");
    if (i == 0) {
      infuse__sb_puts(sb, "null, \"target_interval_days\": null");
    } else {
      infuse__sb_int(sb, s->interval_days);
      infuse__sb_puts(sb, ", \"target_interval_days\": ");
      infuse__sb_int(sb, s->target_interval_days);
    }
    infuse__sb_puts(sb, ", \"moved_days\": ");
    infuse__sb_int(sb, s->moved_days);
    infuse__sb_putn(sb, tail, tail_len);
  }
  infuse__sb_puts(sb, "\n  ],\n  \"summary\": {\"sessions\": ");
  infuse__sb_int(sb, (int64_t)x->n_sessions);
  infuse__sb_puts(sb, ", \"induction\": ");
  infuse__sb_int(sb, n_induction);
  infuse__sb_puts(sb, ", \"maintenance\": ");
  infuse__sb_int(sb, (int64_t)x->n_sessions - n_induction);
  infuse__sb_puts(sb, ", \"first\": \"");
  put_date(sb, x->sessions[0].date);
  infuse__sb_puts(sb, "\", \"last\": \"");
  put_date(sb, x->sessions[x->n_sessions - 1].date);
  infuse__sb_putc(sb, '"');
  if (r != NULL) {
    infuse__sb_puts(sb, ", \"protocol\": ");
    infuse__json_string(sb, r->protocol_id);
    infuse__sb_puts(sb, ", \"protocol_version\": ");
    infuse__json_string(sb, r->protocol_version);
    infuse__sb_puts(sb, ", \"verdict\": ");
    infuse__json_string(sb, infuse_verdict_name((int)r->verdict));
    /* total drug: n x dose, exact in ng (n <= 1000, dose <= 1e12 ng) */
    infuse__sb_puts(sb, ", \"total_dose_mg\": ");
    infuse__put_number(sb, r->dose_ng * (int64_t)x->n_sessions, INFUSE_UNIT_NG,
                       6);
  }
  infuse__sb_puts(sb, "}\n}\n");
}

int infuse_course_write_json(const infuse_course_export_t *x, char *buf,
                             size_t cap, size_t *len) {
  if (len == NULL || (buf == NULL && cap != 0)) {
    return INFUSE_E_NULL;
  }
  INFUSE__TRY(infuse__export_check(x, false, false));
  prepared_t p;
  prepare_json(&p, x);
  return infuse__write_bounded(render_json, &p, json_bound(&p), buf, cap, len);
}

/* ---- CSV (RFC 4180: CRLF, a header line; no field needs quoting) --------- */

static void prepare_csv(prepared_t *p, const infuse_course_export_t *x) {
  const infuse_result_t *r = x->result;
  infuse__sb_t t;
  p->x = x;
  infuse__sb_init(&t, p->tail, sizeof p->tail);
  infuse__sb_putc(&t, ',');
  if (r != NULL) {
    infuse__put_number(&t, r->dose_ng, INFUSE_UNIT_NG, 6);
  }
  infuse__sb_putc(&t, ',');
  if (r != NULL && r->has_pump) {
    infuse__put_number(&t, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H, 3);
  }
  infuse__sb_putc(&t, ',');
  if (r != NULL && r->has_pump) {
    infuse__put_number(&t, r->vtbi_ul, INFUSE_UNIT_UL, 3);
  }
  infuse__sb_puts(&t, "\r\n");
  p->tail_len = infuse__sb_finish(&t);
}

/* Header under 100 bytes; a row is at most 4 + 10 + 11 + 3 x 7 digits and
 * 6 commas before its tail. */
static size_t csv_bound(const prepared_t *p) {
  return 100 + p->x->n_sessions * (64 + p->tail_len);
}

static void render_csv(infuse__sb_t *sb, const void *what) {
  const prepared_t *p = what;
  const infuse_course_export_t *x = p->x;
  const char *tail = p->tail;
  size_t tail_len = p->tail_len;
  infuse__sb_puts(sb, "index,date,phase,interval_days,target_interval_days,"
                      "moved_days,dose_mg,rate_ml_per_h,vtbi_ml\r\n");
  for (size_t i = 0; i < x->n_sessions; i++) {
    const infuse_session_t *s = &x->sessions[i];
    infuse__sb_int(sb, s->index);
    infuse__sb_putc(sb, ',');
    put_date(sb, s->date);
    infuse__sb_putc(sb, ',');
    infuse__sb_puts(sb, infuse_phase_name((int)s->phase));
    infuse__sb_putc(sb, ',');
    if (i > 0) {
      infuse__sb_int(sb, s->interval_days);
    }
    infuse__sb_putc(sb, ',');
    if (i > 0) {
      infuse__sb_int(sb, s->target_interval_days);
    }
    infuse__sb_putc(sb, ',');
    infuse__sb_int(sb, s->moved_days);
    infuse__sb_putn(sb, tail, tail_len);
  }
}

int infuse_course_write_csv(const infuse_course_export_t *x, char *buf,
                            size_t cap, size_t *len) {
  if (len == NULL || (buf == NULL && cap != 0)) {
    return INFUSE_E_NULL;
  }
  INFUSE__TRY(infuse__export_check(x, false, false));
  prepared_t p;
  prepare_csv(&p, x);
  return infuse__write_bounded(render_csv, &p, csv_bound(&p), buf, cap, len);
}

size_t infuse__course_json_bound(const infuse_course_export_t *x) {
  prepared_t p;
  prepare_json(&p, x);
  return json_bound(&p);
}

size_t infuse__course_csv_bound(const infuse_course_export_t *x) {
  prepared_t p;
  prepare_csv(&p, x);
  return csv_bound(&p);
}
