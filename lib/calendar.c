/*
 * calendar.c - civil dates as day numbers since 1970-01-01, proleptic
 * Gregorian, no time zones, no clock.
 *
 * The conversions use the era arithmetic of the Gregorian cycle: 400 years
 * are exactly 146097 days, and counting years from March puts the leap
 * day at the end of the counted year.
 */
#include "internal.h"

static bool is_leap(int32_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int32_t days_in_month(int32_t y, int32_t m) {
  static const int8_t days[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Valid for any year in 1900..9999 (and far beyond). */
static int32_t ymd_to_days(int32_t y, int32_t m, int32_t d) {
  int32_t yy = m <= 2 ? y - 1 : y; /* years start in March */
  int32_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int32_t yoe = yy - era * 400;                        /* 0..399 */
  int32_t mp = m > 2 ? m - 3 : m + 9;                  /* March = 0 */
  int32_t doy = (153 * mp + 2) / 5 + d - 1;            /* 0..365 */
  int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
  return era * 146097 + doe - 719468; /* 719468: 0000-03-01 to 1970-01-01 */
}

static void days_to_ymd(int32_t z, int32_t *y, int32_t *m, int32_t *d) {
  z += 719468;
  int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  int32_t doe = z - era * 146097;
  int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int32_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

int infuse_date_from_ymd(int32_t year, int32_t month, int32_t day,
                         int32_t *out) {
  if (out == NULL) {
    return INFUSE_E_NULL;
  }
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month)) {
    return INFUSE_E_RANGE;
  }
  *out = ymd_to_days(year, month, day);
  return INFUSE_OK;
}

int infuse_date_to_ymd(int32_t date, int32_t *year, int32_t *month,
                       int32_t *day) {
  if (year == NULL || month == NULL || day == NULL) {
    return INFUSE_E_NULL;
  }
  if (date < INFUSE_DATE_MIN || date > INFUSE_DATE_MAX) {
    return INFUSE_E_RANGE;
  }
  days_to_ymd(date, year, month, day);
  return INFUSE_OK;
}

int infuse_date_weekday(int32_t date) {
  if (date < INFUSE_DATE_MIN || date > INFUSE_DATE_MAX) {
    return 0;
  }
  /* 1970-01-01 was a Thursday (ISO 4); date - INFUSE_DATE_MIN >= 0 keeps
   * the remainder non-negative, and 1900-01-01 was a Monday. */
  return (int)((date - INFUSE_DATE_MIN) % 7) + 1;
}

static bool digits(const char *p, int n, int32_t *out) {
  int32_t v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') {
      return false;
    }
    v = v * 10 + (p[i] - '0');
  }
  *out = v;
  return true;
}

int infuse_date_parse(const char *text, const char *field, int32_t *out,
                      infuse_diag_t *diag) {
  if (text == NULL || out == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, field, "",
                        "no text or no output to parse into", NULL, NULL);
  }
  char quoted[INFUSE_DIAG_VALUE_MAX + 4];
  infuse__sb_t sb;
  infuse__sb_init(&sb, quoted, sizeof quoted);
  infuse__sb_putc(&sb, '\'');
  infuse__sb_puts(&sb, text);
  infuse__sb_puts(&sb, "' ");
  infuse__sb_finish(&sb);
  int32_t y, m, d;
  size_t len = 0;
  while (len < 11 && text[len] != '\0') {
    len++;
  }
  if (len != 10 || text[4] != '-' || text[7] != '-' || !digits(text, 4, &y) ||
      !digits(text + 5, 2, &m) || !digits(text + 8, 2, &d)) {
    return infuse__fail(diag, INFUSE_E_SYNTAX, field, text, quoted,
                        "is not a date; write YYYY-MM-DD (e.g. 2026-11-30)",
                        NULL);
  }
  int32_t days;
  if (infuse_date_from_ymd(y, m, d, &days) != INFUSE_OK) {
    return infuse__fail(diag, INFUSE_E_RANGE, field, text, quoted,
                        "is not a calendar date from 1900-01-01 to "
                        "9999-12-31",
                        NULL);
  }
  *out = days;
  return INFUSE_OK;
}

size_t infuse_date_format(int32_t date, char *buf, size_t cap) {
  int32_t y, m, d;
  if (buf == NULL || cap < 11 || infuse_date_to_ymd(date, &y, &m, &d) != 0) {
    return 0;
  }
  const int32_t parts[3] = {y, m, d};
  const int widths[3] = {4, 2, 2};
  size_t k = 0;
  for (int i = 0; i < 3; i++) {
    if (i > 0) {
      buf[k++] = '-';
    }
    for (int w = widths[i] - 1; w >= 0; w--) {
      int32_t v = parts[i];
      for (int j = 0; j < w; j++) {
        v /= 10;
      }
      buf[k++] = (char)('0' + v % 10);
    }
  }
  buf[k] = '\0';
  return k;
}

int infuse_date_add_months(int32_t date, int32_t months, int32_t *out) {
  int32_t y, m, d;
  if (out == NULL) {
    return INFUSE_E_NULL;
  }
  if (infuse_date_to_ymd(date, &y, &m, &d) != INFUSE_OK || months < -120000 ||
      months > 120000) {
    return INFUSE_E_RANGE;
  }
  int32_t total = y * 12 + (m - 1) + months;
  int32_t ny = total / 12;
  int32_t nm = total % 12 + 1;
  if (ny < 1900 || ny > 9999) {
    return INFUSE_E_RANGE;
  }
  int32_t dim = days_in_month(ny, nm);
  return infuse_date_from_ymd(ny, nm, d < dim ? d : dim, out);
}
