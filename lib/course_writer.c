/*
 * course_writer.c - course plans as JSON and CSV, and what every course
 * export shares: checking the description and the two-pass buffer
 * contract.
 */
#include "internal.h"

#include <string.h>

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

static void put_date(infuse__sb_t *sb, int32_t date) {
  char d[16];
  size_t n = infuse_date_format(date, d, sizeof d);
  infuse__sb_putn(sb, d, n);
}

/* ---- JSON -----------------------------------------------------------------
 */

static void render_json(infuse__sb_t *sb, const void *what) {
  const infuse_course_export_t *x = what;
  const infuse_result_t *r = x->result;
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
    if (r != NULL) {
      infuse__sb_puts(sb, ", \"dose_mg\": ");
      infuse__put_number(sb, r->dose_ng, INFUSE_UNIT_NG, 6);
      if (r->has_pump) {
        infuse__sb_puts(sb, ", \"rate_ml_per_h\": ");
        infuse__put_number(sb, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H, 3);
        infuse__sb_puts(sb, ", \"vtbi_ml\": ");
        infuse__put_number(sb, r->vtbi_ul, INFUSE_UNIT_UL, 3);
      }
    }
    infuse__sb_putc(sb, '}');
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
  return infuse__write_twice(render_json, x, buf, cap, len);
}

/* ---- CSV (RFC 4180: CRLF, a header line; no field needs quoting) --------- */

static void render_csv(infuse__sb_t *sb, const void *what) {
  const infuse_course_export_t *x = what;
  const infuse_result_t *r = x->result;
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
    infuse__sb_putc(sb, ',');
    if (r != NULL) {
      infuse__put_number(sb, r->dose_ng, INFUSE_UNIT_NG, 6);
    }
    infuse__sb_putc(sb, ',');
    if (r != NULL && r->has_pump) {
      infuse__put_number(sb, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H, 3);
    }
    infuse__sb_putc(sb, ',');
    if (r != NULL && r->has_pump) {
      infuse__put_number(sb, r->vtbi_ul, INFUSE_UNIT_UL, 3);
    }
    infuse__sb_puts(sb, "\r\n");
  }
}

int infuse_course_write_csv(const infuse_course_export_t *x, char *buf,
                            size_t cap, size_t *len) {
  if (len == NULL || (buf == NULL && cap != 0)) {
    return INFUSE_E_NULL;
  }
  INFUSE__TRY(infuse__export_check(x, false, false));
  return infuse__write_twice(render_csv, x, buf, cap, len);
}
