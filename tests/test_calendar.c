/*
 * test_calendar.c - civil dates as day numbers (infuse.h, "Calendar: civil
 * dates as day numbers").
 *
 * Expected values are worked by hand (the arithmetic is in the comments)
 * or come from a second implementation written here from first
 * principles: days are counted year by year and month by month from
 * 1970-01-01 with a leap rule written differently from the library's, and
 * weekdays come from Zeller's congruence. The library's era arithmetic is
 * never reused.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infuse.h>

#define N_ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------------
 * The independent calendar
 * ---------------------------------------------------------------------- */

#define REF_Y0 1900
#define REF_Y1 10000 /* one past the last year, so year_start[10000] exists */

/* Gregorian: every 4th year, except centuries, except every 16th century
 * (100 = 4 x 25, so "divisible by 100" is "divisible by 4 and by 25", and
 * "divisible by 400" is then "divisible by 16"). */
static int ref_leap(int32_t y) {
  return (y & 3) == 0 && ((y % 25) != 0 || (y & 15) == 0);
}

static int32_t ref_month_len(int32_t y, int32_t m) {
  switch (m) {
  case 2:
    return ref_leap(y) ? 29 : 28;
  case 4:
  case 6:
  case 9:
  case 11:
    return 30;
  default:
    return 31;
  }
}

/* year_start[y - REF_Y0]: day number of y-01-01, counted from 1970 one
 * year at a time in both directions. */
static int32_t year_start[REF_Y1 - REF_Y0 + 1];
static int year_start_ready = 0;

static void ref_init(void) {
  if (year_start_ready) {
    return;
  }
  year_start[1970 - REF_Y0] = 0;
  for (int32_t y = 1970; y < REF_Y1; y++) {
    year_start[y + 1 - REF_Y0] =
        year_start[y - REF_Y0] + 365 + (ref_leap(y) ? 1 : 0);
  }
  for (int32_t y = 1970; y > REF_Y0; y--) {
    year_start[y - 1 - REF_Y0] =
        year_start[y - REF_Y0] - 365 - (ref_leap(y - 1) ? 1 : 0);
  }
  year_start_ready = 1;
}

static int32_t ref_days(int32_t y, int32_t m, int32_t d) {
  int32_t n = year_start[y - REF_Y0];
  for (int32_t k = 1; k < m; k++) {
    n += ref_month_len(y, k);
  }
  return n + d - 1;
}

/* Zeller's congruence for the Gregorian calendar: h = 0 Saturday, 1
 * Sunday, 2 Monday ... 6 Friday; January and February count as months 13
 * and 14 of the year before. Returned as ISO (1 Monday .. 7 Sunday). */
static int ref_zeller(int32_t y, int32_t m, int32_t d) {
  if (m < 3) {
    m += 12;
    y -= 1;
  }
  int32_t k = y % 100;
  int32_t j = y / 100;
  int32_t h = (d + (13 * (m + 1)) / 5 + k + k / 4 + j / 4 + 5 * j) % 7;
  return (int)((h + 5) % 7) + 1;
}

/* y-m-d plus `months`, the day clamped to the target month's length;
 * returns 0 when the result is outside 1900..9999. */
static int ref_add_months(int32_t y, int32_t m, int32_t d, int32_t months,
                          int32_t *out) {
  int64_t idx = (int64_t)y * 12 + (m - 1) + months; /* months since 0000-01 */
  if (idx < (int64_t)1900 * 12 || idx > (int64_t)9999 * 12 + 11) {
    return 0;
  }
  int32_t ny = (int32_t)(idx / 12);
  int32_t nm = (int32_t)(idx % 12) + 1;
  int32_t len = ref_month_len(ny, nm);
  *out = ref_days(ny, nm, d < len ? d : len);
  return 1;
}

/* A small fixed-seed PRNG (splitmix64). */
static uint64_t rng_state;

static uint64_t rng_next(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* uniform in lo..hi (inclusive), hi - lo < 2^32 */
static int32_t rng_range(int32_t lo, int32_t hi) {
  uint64_t span = (uint64_t)((int64_t)hi - (int64_t)lo) + 1u;
  return (int32_t)((int64_t)lo + (int64_t)(rng_next() % span));
}

/* ------------------------------------------------------------------------
 * Known dates, worked by hand
 * ---------------------------------------------------------------------- */

typedef struct known_date {
  int32_t y, m, d;
  int32_t days;
  int weekday; /* ISO */
} known_date_t;

/* Each row's arithmetic is in its comment: day numbers by counting years
 * of 365 days plus the leap days between, weekdays from 1970-01-01 being a
 * Thursday (or from another row) and the count of days mod 7. */
static const known_date_t known[] = {
    /* day 0, Thursday */
    {1970, 1, 1, 0, 4},
    /* the day before: Wednesday */
    {1969, 12, 31, -1, 3},
    /* 70 x 365 + 17 leap days (1904, 1908 .. 1968) = 25567 before 1970;
     * 25567 mod 7 = 3, Thursday - 3 = Monday */
    {1900, 1, 1, -25567, 1},
    /* + 31 + 27 = 58 days, 58 mod 7 = 2: Wednesday */
    {1900, 2, 28, -25509, 3},
    /* 1900 is not a leap year: the next day is March 1st, Thursday */
    {1900, 3, 1, -25508, 4},
    /* day 364 of 1900 (not leap), 364 = 52 weeks: Monday */
    {1900, 12, 31, -25203, 1},
    {1901, 1, 1, -25202, 2},
    /* 1904-01-01 = -25567 + 4 x 365 (1900 is not leap) = -24107; + 31 + 28
     * = -24048, 1460 + 59 = 1519 = 7 x 217 days after a Monday: Monday */
    {1904, 2, 29, -24048, 1},
    /* 30 x 365 + 7 leap days (72, 76 .. 96) = 10957; 10957 mod 7 = 2:
     * Thursday + 2 = Saturday */
    {2000, 1, 1, 10957, 6},
    {1999, 12, 31, 10956, 5},
    /* 2000 is a leap year (divisible by 400): + 31 + 28 = 11016, Tuesday */
    {2000, 2, 29, 11016, 2},
    {2000, 3, 1, 11017, 3},
    /* 2^31 s / 86400 = 24855.13: the last whole day of 32-bit time_t,
     * 2038-01-19, a Tuesday */
    {2038, 1, 19, 24855, 2},
    /* 2024-01-01: 54 x 365 + 13 leap days (72 .. 2020) = 19723, mod 7 = 4:
     * Thursday + 4 = Monday */
    {2024, 1, 1, 19723, 1},
    {2023, 12, 31, 19722, 7},
    /* + 31 + 28 = 19782, 59 days after a Monday: Thursday */
    {2024, 2, 29, 19782, 4},
    {2024, 3, 1, 19783, 5},
    /* 2024 has 366 days: 2024-12-31 = 19723 + 365 = 20088, Tuesday */
    {2024, 12, 31, 20088, 2},
    {2025, 1, 1, 20089, 3},
    /* 2026-01-01 = 20089 + 365 = 20454 (Thursday); + 4 = Monday 5th */
    {2026, 1, 5, 20458, 1},
    /* 2026-11-30 = 20454 + 333 (Jan..Oct = 304, + 29): 20787, Monday */
    {2026, 11, 30, 20787, 1},
    /* 2100 is not a leap year: 2100-03-01 = 47541, Monday; 28th Sunday */
    {2100, 2, 28, 47540, 7},
    {2100, 3, 1, 47541, 1},
    /* 2400 is: 2000-03-01 + 400 years (146097 days) = 157114, so
     * 2400-02-29 = 157113, the same weekday as 2000-02-29 (146097 = 7 x
     * 20871): Tuesday */
    {2400, 2, 29, 157113, 2},
    /* 9999-12-31 = 2000-01-01 + 20 x 146097 - (10000-01-01 minus
     * 9999-12-31 = 1): 10957 + 2921940 - 1 = 2932896; 2932896 - 10957 =
     * 2921939 = 7 x 417419 + 6: Saturday + 6 = Friday */
    {9999, 12, 31, 2932896, 5},
    /* 9999 is not leap: Jan 1st is 364 days (52 weeks) earlier, Friday */
    {9999, 1, 1, 2932532, 5},
    {9999, 2, 28, 2932590, 7},
};

START_TEST(known_dates) {
  const known_date_t *k = &known[_i];
  int32_t days = 12345;
  ck_assert_int_eq(infuse_date_from_ymd(k->y, k->m, k->d, &days), INFUSE_OK);
  ck_assert_int_eq(days, k->days);
  int32_t y = -1, m = -1, d = -1;
  ck_assert_int_eq(infuse_date_to_ymd(k->days, &y, &m, &d), INFUSE_OK);
  ck_assert_int_eq(y, k->y);
  ck_assert_int_eq(m, k->m);
  ck_assert_int_eq(d, k->d);
  ck_assert_int_eq(infuse_date_weekday(k->days), k->weekday);
  /* and the independent implementation agrees with the hand value */
  ref_init();
  ck_assert_int_eq(ref_days(k->y, k->m, k->d), k->days);
  ck_assert_int_eq(ref_zeller(k->y, k->m, k->d), k->weekday);
}
END_TEST

START_TEST(range_constants) {
  ref_init();
  ck_assert_int_eq(INFUSE_DATE_MIN, -25567);
  ck_assert_int_eq(INFUSE_DATE_MAX, 2932896);
  ck_assert_int_eq(ref_days(1900, 1, 1), INFUSE_DATE_MIN);
  ck_assert_int_eq(ref_days(9999, 12, 31), INFUSE_DATE_MAX);
  /* 10000-01-01 is one past the end */
  ck_assert_int_eq(year_start[REF_Y1 - REF_Y0], INFUSE_DATE_MAX + 1);
}
END_TEST

/* Table tests that run every row in one test and report every failing
 * row (one test instead of one forked test per row keeps the run short
 * under valgrind). */
typedef struct failures {
  int count;
  char text[1200];
} failures_t;

static void note_failure(failures_t *f, int row, const char *why) {
  size_t len = strlen(f->text);
  if (len + 80 < sizeof f->text) {
    snprintf(f->text + len, sizeof f->text - len, "%s[row %d] %s",
             len ? "; " : "", row, why);
  }
  f->count++;
}

/* Dates that do not exist, or lie outside 1900..9999. */
typedef struct bad_ymd {
  int32_t y, m, d;
} bad_ymd_t;

static const bad_ymd_t bad_ymds[] = {
    {1900, 2, 29}, /* century, not divisible by 400 */
    {2100, 2, 29},        {2200, 2, 29},        {2300, 2, 29},
    {2025, 2, 29},        {2023, 2, 29},        {2024, 2, 30},
    {2000, 2, 30},        {2025, 4, 31},        {2025, 6, 31},
    {2025, 9, 31},        {2025, 11, 31},       {2025, 1, 32},
    {2025, 12, 32},       {2025, 1, 0},         {2025, 0, 1},
    {2025, 13, 1},        {2025, -1, 1},        {2025, 1, -1},
    {1899, 12, 31},       {10000, 1, 1},        {0, 1, 1},
    {-1, 1, 1},           {INT32_MAX, 1, 1},    {INT32_MIN, 1, 1},
    {2025, INT32_MAX, 1}, {2025, 1, INT32_MAX}, {2025, 1, INT32_MIN},
};

START_TEST(from_ymd_refuses) {
  failures_t f = {0, ""};
  for (int i = 0; i < N_ROWS(bad_ymds); i++) {
    const bad_ymd_t *b = &bad_ymds[i];
    int32_t out = 777;
    int rc = infuse_date_from_ymd(b->y, b->m, b->d, &out);
    if (rc != INFUSE_E_RANGE || out != 777) {
      char why[96];
      snprintf(why, sizeof why, "%d-%d-%d: rc %d, out %d", (int)b->y, (int)b->m,
               (int)b->d, rc, (int)out);
      note_failure(&f, i, why);
    }
  }
  ck_assert_msg(f.count == 0, "%d rows: %s", f.count, f.text);
}
END_TEST

START_TEST(leap_days_exist) {
  int32_t out = 0;
  ck_assert_int_eq(infuse_date_from_ymd(2000, 2, 29, &out), INFUSE_OK);
  ck_assert_int_eq(infuse_date_from_ymd(2024, 2, 29, &out), INFUSE_OK);
  ck_assert_int_eq(infuse_date_from_ymd(1904, 2, 29, &out), INFUSE_OK);
  ck_assert_int_eq(infuse_date_from_ymd(2400, 2, 29, &out), INFUSE_OK);
  ck_assert_int_eq(infuse_date_from_ymd(9996, 2, 29, &out), INFUSE_OK);
  /* NULL output */
  ck_assert_int_eq(infuse_date_from_ymd(2000, 1, 1, NULL), INFUSE_E_NULL);
}
END_TEST

/* Last day of every month of a few years: it exists, the next day number
 * is the 1st of the next month, and day + 1 does not exist. */
START_TEST(month_and_year_ends) {
  static const int32_t years[] = {1900, 1901, 1970, 1999, 2000, 2023,
                                  2024, 2025, 2100, 2400, 9999};
  static const int32_t len_common[12] = {31, 28, 31, 30, 31, 30,
                                         31, 31, 30, 31, 30, 31};
  for (int i = 0; i < N_ROWS(years); i++) {
    int32_t y = years[i];
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int32_t m = 1; m <= 12; m++) {
      int32_t len = len_common[m - 1] + (m == 2 && leap ? 1 : 0);
      int32_t last = 0, first = 0, out = 555;
      ck_assert_int_eq(infuse_date_from_ymd(y, m, len, &last), INFUSE_OK);
      ck_assert_int_eq(infuse_date_from_ymd(y, m, len + 1, &out),
                       INFUSE_E_RANGE);
      ck_assert_int_eq(out, 555);
      if (y == 9999 && m == 12) {
        ck_assert_int_eq(last, INFUSE_DATE_MAX);
        continue;
      }
      ck_assert_int_eq(infuse_date_from_ymd(m == 12 ? y + 1 : y,
                                            m == 12 ? 1 : m + 1, 1, &first),
                       INFUSE_OK);
      ck_assert_int_eq(first, last + 1);
      int32_t yy = 0, mm = 0, dd = 0;
      ck_assert_int_eq(infuse_date_to_ymd(last + 1, &yy, &mm, &dd), INFUSE_OK);
      ck_assert_int_eq(yy, m == 12 ? y + 1 : y);
      ck_assert_int_eq(mm, m == 12 ? 1 : m + 1);
      ck_assert_int_eq(dd, 1);
    }
    /* the year's length */
    if (y < 9999) {
      int32_t a = 0, b = 0;
      ck_assert_int_eq(infuse_date_from_ymd(y, 1, 1, &a), INFUSE_OK);
      ck_assert_int_eq(infuse_date_from_ymd(y + 1, 1, 1, &b), INFUSE_OK);
      ck_assert_int_eq(b - a, leap ? 366 : 365);
    }
  }
}
END_TEST

/* ------------------------------------------------------------------------
 * Every day against the independent implementation
 * ---------------------------------------------------------------------- */

/* Walk the calendar day by day from 1900-01-01 (day number counted back
 * from 1970 by the reference) to 9999-12-31, advancing y-m-d with the
 * reference month lengths. Every day of 1900..2100 and of the last
 * Gregorian cycle (9600..9999) is checked, and every 97th day in between
 * (97 is prime to 7 and to the month lengths, so the sample covers every
 * weekday and day of the month). A failing day is reported once, with the
 * count of failures. */
START_TEST(every_day_against_reference) {
  ref_init();
  char first[200] = "";
  long failures = 0;
  long checked = 0;
  int32_t n = year_start[0];
  for (int32_t y = REF_Y0; y < REF_Y1; y++) {
    if (n != year_start[y - REF_Y0]) {
      failures++;
    }
    for (int32_t m = 1; m <= 12; m++) {
      int32_t len = ref_month_len(y, m);
      for (int32_t d = 1; d <= len; d++, n++) {
        if (!(y <= 2100 || y >= 9600 || n % 97 == 0)) {
          continue;
        }
        checked++;
        int32_t days = INT32_MIN;
        int32_t yy = 0, mm = 0, dd = 0;
        int rc1 = infuse_date_from_ymd(y, m, d, &days);
        int rc2 = infuse_date_to_ymd(n, &yy, &mm, &dd);
        int wd = infuse_date_weekday(n);
        int zw = ref_zeller(y, m, d);
        /* the day after a month's last does not exist in that month */
        int32_t none = 424242;
        int rc3 = d == len ? infuse_date_from_ymd(y, m, d + 1, &none)
                           : INFUSE_E_RANGE;
        if (rc1 != INFUSE_OK || rc2 != INFUSE_OK || days != n || yy != y ||
            mm != m || dd != d || wd != zw || rc3 != INFUSE_E_RANGE ||
            none != 424242) {
          if (failures++ == 0) {
            snprintf(first, sizeof first,
                     "%04d-%02d-%02d: reference day %d weekday %d; library "
                     "rc %d/%d day %d, %04d-%02d-%02d, weekday %d",
                     (int)y, (int)m, (int)d, (int)n, zw, rc1, rc2, (int)days,
                     (int)yy, (int)mm, (int)dd, wd);
          }
        }
      }
    }
  }
  ck_assert_msg(failures == 0, "%ld days disagree; first: %s", failures, first);
  ck_assert_int_eq(n, INFUSE_DATE_MAX + 1);
  /* 1900..2100 and 9600..9999 are 601 years of about 365.24 days */
  ck_assert_int_gt(checked, 600L * 365 + 25000);
}
END_TEST

/* Weekdays advance by one each day, and wrap Sunday -> Monday. */
START_TEST(weekday_sequence) {
  int32_t fails = 0;
  int prev = infuse_date_weekday(INFUSE_DATE_MIN);
  ck_assert_int_eq(prev, 1);
  for (int32_t n = INFUSE_DATE_MIN + 1; n < INFUSE_DATE_MIN + 80000; n++) {
    int wd = infuse_date_weekday(n);
    if (wd != prev % 7 + 1) {
      fails++;
    }
    prev = wd;
  }
  ck_assert_int_eq(fails, 0);
  ck_assert_int_eq(infuse_date_weekday(INFUSE_DATE_MAX), 5);
  /* outside the range: 0 */
  ck_assert_int_eq(infuse_date_weekday(INFUSE_DATE_MIN - 1), 0);
  ck_assert_int_eq(infuse_date_weekday(INFUSE_DATE_MAX + 1), 0);
  ck_assert_int_eq(infuse_date_weekday(INT32_MIN), 0);
  ck_assert_int_eq(infuse_date_weekday(INT32_MAX), 0);
}
END_TEST

START_TEST(to_ymd_refuses) {
  static const int32_t bad[] = {INFUSE_DATE_MIN - 1,
                                INFUSE_DATE_MAX + 1,
                                INT32_MIN,
                                INT32_MAX,
                                -1000000,
                                3000000};
  for (int i = 0; i < N_ROWS(bad); i++) {
    int32_t y = 11, m = 22, d = 33;
    ck_assert_int_eq(infuse_date_to_ymd(bad[i], &y, &m, &d), INFUSE_E_RANGE);
    ck_assert_int_eq(y, 11);
    ck_assert_int_eq(m, 22);
    ck_assert_int_eq(d, 33);
  }
  int32_t y = 11, m = 22, d = 33;
  ck_assert_int_eq(infuse_date_to_ymd(0, NULL, &m, &d), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_date_to_ymd(0, &y, NULL, &d), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_date_to_ymd(0, &y, &m, NULL), INFUSE_E_NULL);
  ck_assert_int_eq(y, 11);
  ck_assert_int_eq(m, 22);
  ck_assert_int_eq(d, 33);
}
END_TEST

/* ------------------------------------------------------------------------
 * Parse and format
 * ---------------------------------------------------------------------- */

typedef struct good_text {
  const char *text;
  int32_t days;
} good_text_t;

static const good_text_t good_texts[] = {
    {"1970-01-01", 0},     {"1900-01-01", -25567}, {"9999-12-31", 2932896},
    {"2000-02-29", 11016}, {"2024-02-29", 19782},  {"2026-01-05", 20458},
    {"2026-11-30", 20787}, {"1969-12-31", -1},
};

START_TEST(parse_accepts) {
  const good_text_t *g = &good_texts[_i];
  int32_t out = 4242;
  infuse_diag_t diag, before;
  memset(&diag, 0x5a, sizeof diag);
  memcpy(&before, &diag, sizeof diag);
  ck_assert_int_eq(infuse_date_parse(g->text, "start", &out, &diag), INFUSE_OK);
  ck_assert_int_eq(out, g->days);
  /* success leaves the diagnostic untouched */
  ck_assert_int_eq(memcmp(&diag, &before, sizeof diag), 0);
  /* and a NULL diag is fine */
  out = 4242;
  ck_assert_int_eq(infuse_date_parse(g->text, NULL, &out, NULL), INFUSE_OK);
  ck_assert_int_eq(out, g->days);
}
END_TEST

typedef struct bad_text {
  const char *text;
  int status;
} bad_text_t;

static const bad_text_t bad_texts[] = {
    {"2026-1-5", INFUSE_E_SYNTAX},     {"26-01-05", INFUSE_E_SYNTAX},
    {"2026/01/05", INFUSE_E_SYNTAX},   {"2026-01-05T00:00", INFUSE_E_SYNTAX},
    {" 2026-01-05", INFUSE_E_SYNTAX},  {"2026-01-05 ", INFUSE_E_SYNTAX},
    {"2026-01-05\n", INFUSE_E_SYNTAX}, {"2026-01-5 ", INFUSE_E_SYNTAX},
    {"2026-01-05Z", INFUSE_E_SYNTAX},  {"20260105", INFUSE_E_SYNTAX},
    {"2026-01", INFUSE_E_SYNTAX},      {"+026-01-05", INFUSE_E_SYNTAX},
    {"-026-01-05", INFUSE_E_SYNTAX},   {"2026-+1-05", INFUSE_E_SYNTAX},
    {"2026--1-05", INFUSE_E_SYNTAX},   {"2026-01-+5", INFUSE_E_SYNTAX},
    {"2026-0a-05", INFUSE_E_SYNTAX},   {"2026_01_05", INFUSE_E_SYNTAX},
    {"10000-01-01", INFUSE_E_SYNTAX},  {"", INFUSE_E_SYNTAX},
    {"today", INFUSE_E_SYNTAX},        {"2026-02-30", INFUSE_E_RANGE},
    {"2025-02-29", INFUSE_E_RANGE},    {"1900-02-29", INFUSE_E_RANGE},
    {"2100-02-29", INFUSE_E_RANGE},    {"2026-04-31", INFUSE_E_RANGE},
    {"2026-13-01", INFUSE_E_RANGE},    {"2026-00-10", INFUSE_E_RANGE},
    {"2026-01-00", INFUSE_E_RANGE},    {"2026-01-32", INFUSE_E_RANGE},
    {"1899-12-31", INFUSE_E_RANGE},    {"0000-01-01", INFUSE_E_RANGE},
};

/* Why a refused text's row fails, or "" when it passes. */
static void check_bad_text(const bad_text_t *b, char *why, size_t cap) {
  int32_t out = 4242;
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  int rc = infuse_date_parse(b->text, "start", &out, &diag);
  why[0] = '\0';
  if (rc != b->status) {
    snprintf(why, cap, "rc %s, expected %s", infuse_status_name(rc),
             infuse_status_name(b->status));
  } else if (out != 4242) {
    snprintf(why, cap, "out written (%d)", (int)out);
  } else if (diag.status != b->status) {
    snprintf(why, cap, "diag.status %d", diag.status);
  } else if (strcmp(diag.field, "start") != 0) {
    snprintf(why, cap, "diag.field '%s'", diag.field);
  } else if (strstr(diag.message, "start") == NULL) {
    /* the message names the field ... */
    snprintf(why, cap, "message '%.100s' does not name the field",
             diag.message);
  } else if (strchr(b->text, '\n') == NULL &&
             (strcmp(diag.value, b->text) != 0 ||
              strstr(diag.message, b->text) == NULL)) {
    /* ... and the value (a control character may be shown escaped) */
    snprintf(why, cap, "value '%.40s' / message '%.100s'", diag.value,
             diag.message);
  } else if (strlen(diag.value) != strlen(b->text)) {
    snprintf(why, cap, "value '%s'", diag.value);
  } else if (infuse_date_parse(b->text, "start", &out, NULL) != b->status ||
             out != 4242) {
    /* a NULL diag is fine and gives the same status */
    snprintf(why, cap, "differs without a diag");
  }
}

START_TEST(parse_refuses) {
  failures_t f = {0, ""};
  for (int i = 0; i < N_ROWS(bad_texts); i++) {
    char why[200];
    check_bad_text(&bad_texts[i], why, sizeof why);
    if (why[0] != '\0') {
      note_failure(&f, i, why);
    }
  }
  ck_assert_msg(f.count == 0, "%d rows: %s", f.count, f.text);
}
END_TEST

START_TEST(parse_null) {
  int32_t out = 4242;
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(infuse_date_parse(NULL, "course.start", &out, &diag),
                   INFUSE_E_NULL);
  ck_assert_int_eq(out, 4242);
  ck_assert_int_eq(diag.status, INFUSE_E_NULL);
  ck_assert_str_eq(diag.field, "course.start");
  ck_assert_uint_gt(strlen(diag.message), 0);
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(infuse_date_parse("2026-01-05", "start", NULL, &diag),
                   INFUSE_E_NULL);
  ck_assert_int_eq(diag.status, INFUSE_E_NULL);
  ck_assert_int_eq(infuse_date_parse(NULL, NULL, NULL, NULL), INFUSE_E_NULL);
}
END_TEST

/* A long text: refused, the diagnostic's strings stay terminated within
 * their arrays. */
START_TEST(parse_long_text) {
  char text[400];
  memset(text, '7', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  int32_t out = 4242;
  infuse_diag_t diag;
  memset(&diag, 0x41, sizeof diag);
  ck_assert_int_eq(infuse_date_parse(text, "start", &out, &diag),
                   INFUSE_E_SYNTAX);
  ck_assert_int_eq(out, 4242);
  ck_assert_ptr_nonnull(memchr(diag.field, '\0', sizeof diag.field));
  ck_assert_ptr_nonnull(memchr(diag.value, '\0', sizeof diag.value));
  ck_assert_ptr_nonnull(memchr(diag.message, '\0', sizeof diag.message));
  ck_assert_str_eq(diag.field, "start");
}
END_TEST

typedef struct fmt_case {
  int32_t days;
  const char *text;
} fmt_case_t;

static const fmt_case_t fmt_cases[] = {
    {0, "1970-01-01"},       {-1, "1969-12-31"},     {-25567, "1900-01-01"},
    {2932896, "9999-12-31"}, {11016, "2000-02-29"},  {19782, "2024-02-29"},
    {20458, "2026-01-05"},   {20787, "2026-11-30"},  {24855, "2038-01-19"},
    {157113, "2400-02-29"},  {-24048, "1904-02-29"}, {2932532, "9999-01-01"},
};

START_TEST(format_known) {
  const fmt_case_t *f = &fmt_cases[_i];
  char buf[32];
  memset(buf, 'x', sizeof buf);
  ck_assert_uint_eq(infuse_date_format(f->days, buf, sizeof buf), 10);
  ck_assert_str_eq(buf, f->text);
  ck_assert_int_eq(buf[11], 'x'); /* nothing past the NUL */
  /* exactly 11 bytes is enough */
  char tight[11];
  ck_assert_uint_eq(infuse_date_format(f->days, tight, sizeof tight), 10);
  ck_assert_str_eq(tight, f->text);
}
END_TEST

START_TEST(format_refuses) {
  char buf[32];
  memset(buf, 'x', sizeof buf);
  ck_assert_uint_eq(infuse_date_format(0, buf, 10), 0);
  ck_assert_uint_eq(infuse_date_format(0, buf, 0), 0);
  ck_assert_uint_eq(infuse_date_format(INFUSE_DATE_MIN - 1, buf, sizeof buf),
                    0);
  ck_assert_uint_eq(infuse_date_format(INFUSE_DATE_MAX + 1, buf, sizeof buf),
                    0);
  ck_assert_uint_eq(infuse_date_format(INT32_MIN, buf, sizeof buf), 0);
  ck_assert_uint_eq(infuse_date_format(INT32_MAX, buf, sizeof buf), 0);
  for (size_t i = 0; i < sizeof buf; i++) {
    ck_assert_int_eq(buf[i], 'x');
  }
  ck_assert_uint_eq(infuse_date_format(0, NULL, 11), 0);
}
END_TEST

/* Format then parse gives the day back, and the text is the reference's
 * y-m-d, for random days across the whole range. */
START_TEST(format_parse_round_trip) {
  ref_init();
  rng_state = 0x5eed0001u;
  char first[160] = "";
  int32_t failures = 0;
  for (int i = 0; i < 20000; i++) {
    int32_t n = rng_range(INFUSE_DATE_MIN, INFUSE_DATE_MAX);
    /* the reference's y-m-d of n: the last year starting on or before n */
    int32_t lo = REF_Y0, hi = REF_Y1 - 1;
    while (lo < hi) {
      int32_t mid = lo + (hi - lo + 1) / 2;
      if (year_start[mid - REF_Y0] <= n) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    int32_t y = lo;
    int32_t m = 1;
    int32_t rest = n - year_start[y - REF_Y0];
    while (rest >= ref_month_len(y, m)) {
      rest -= ref_month_len(y, m);
      m++;
    }
    char want[48];
    snprintf(want, sizeof want, "%04d-%02d-%02d", (int)y, (int)m,
             (int)(rest + 1));
    char buf[16];
    size_t len = infuse_date_format(n, buf, sizeof buf);
    int32_t back = INT32_MIN;
    int rc = infuse_date_parse(buf, "d", &back, NULL);
    if (len != 10 || strcmp(buf, want) != 0 || rc != INFUSE_OK || back != n) {
      if (failures++ == 0) {
        snprintf(first, sizeof first,
                 "day %d: want %s, got '%s' (%zu), "
                 "parse rc %d -> %d",
                 (int)n, want, buf, len, rc, (int)back);
      }
    }
  }
  ck_assert_msg(failures == 0, "%d failures; first: %s", (int)failures, first);
}
END_TEST

/* ------------------------------------------------------------------------
 * Adding months
 * ---------------------------------------------------------------------- */

typedef struct add_case {
  int32_t y, m, d, months;
  int32_t ey, em, ed; /* expected; ey 0: E_RANGE */
} add_case_t;

static const add_case_t add_cases[] = {
    /* the day becomes the last day of a shorter month */
    {2025, 1, 31, 1, 2025, 2, 28},
    {2024, 1, 31, 1, 2024, 2, 29},
    {2024, 2, 29, 12, 2025, 2, 28},
    {2024, 2, 29, 48, 2028, 2, 29},
    {2024, 2, 29, 1, 2024, 3, 29},
    {2024, 3, 31, 1, 2024, 4, 30},
    {2024, 10, 31, 1, 2024, 11, 30},
    {1900, 1, 31, 1, 1900, 2, 28},
    {2000, 1, 31, 1, 2000, 2, 29},
    {2100, 1, 29, 1, 2100, 2, 28},
    {2026, 11, 30, 12, 2027, 11, 30},
    {2026, 11, 30, 3, 2027, 2, 28},
    /* across year ends */
    {2024, 12, 31, 1, 2025, 1, 31},
    {2024, 12, 15, 1, 2025, 1, 15},
    {2024, 11, 30, 2, 2025, 1, 30},
    {2025, 1, 15, -1, 2024, 12, 15},
    {2025, 3, 31, -1, 2025, 2, 28},
    {2024, 3, 31, -1, 2024, 2, 29},
    {2024, 3, 31, -13, 2023, 2, 28},
    {2025, 1, 1, -12, 2024, 1, 1},
    {2025, 1, 31, -25, 2022, 12, 31},
    {2026, 5, 17, 0, 2026, 5, 17},
    {2026, 5, 17, 60, 2031, 5, 17},
    {2026, 5, 31, -60, 2021, 5, 31},
    /* at the ends of the range */
    {9999, 11, 30, 1, 9999, 12, 30},
    {9999, 12, 1, 0, 9999, 12, 1},
    {9999, 12, 31, 1, 0, 0, 0},
    {9999, 1, 1, 12, 0, 0, 0},
    {1900, 1, 31, -1, 0, 0, 0},
    {1900, 2, 1, -1, 1900, 1, 1},
    {1900, 1, 1, 8099 * 12 + 11, 9999, 12, 1},
    {1900, 1, 1, 8100 * 12, 0, 0, 0},
    {9999, 12, 31, -(8099 * 12 + 11), 1900, 1, 31},
    {9999, 12, 31, -(8100 * 12), 0, 0, 0},
    {2026, 1, 1, INT32_MAX, 0, 0, 0},
    {2026, 1, 1, INT32_MIN, 0, 0, 0},
    {2026, 1, 1, INT32_MAX / 12, 0, 0, 0},
    {2026, 1, 1, -(INT32_MAX / 12), 0, 0, 0},
};

START_TEST(add_months_table) {
  ref_init();
  failures_t f = {0, ""};
  for (int i = 0; i < N_ROWS(add_cases); i++) {
    const add_case_t *c = &add_cases[i];
    int32_t date = 0;
    ck_assert_int_eq(infuse_date_from_ymd(c->y, c->m, c->d, &date), INFUSE_OK);
    int32_t out = 919191;
    int rc = infuse_date_add_months(date, c->months, &out);
    int32_t want = c->ey == 0 ? 919191 : ref_days(c->ey, c->em, c->ed);
    int want_rc = c->ey == 0 ? INFUSE_E_RANGE : INFUSE_OK;
    if (rc != want_rc || out != want) {
      char why[120];
      snprintf(why, sizeof why,
               "%04d-%02d-%02d %+d months: rc %d out %d, "
               "expected rc %d out %d",
               (int)c->y, (int)c->m, (int)c->d, (int)c->months, rc, (int)out,
               want_rc, (int)want);
      note_failure(&f, i, why);
    }
  }
  ck_assert_msg(f.count == 0, "%d rows: %s", f.count, f.text);
}
END_TEST

START_TEST(add_months_refuses) {
  int32_t out = 919191;
  ck_assert_int_eq(infuse_date_add_months(INFUSE_DATE_MIN - 1, 0, &out),
                   INFUSE_E_RANGE);
  ck_assert_int_eq(infuse_date_add_months(INFUSE_DATE_MAX + 1, -1, &out),
                   INFUSE_E_RANGE);
  ck_assert_int_eq(infuse_date_add_months(INT32_MIN, 1, &out), INFUSE_E_RANGE);
  ck_assert_int_eq(infuse_date_add_months(INT32_MAX, -1, &out), INFUSE_E_RANGE);
  ck_assert_int_eq(out, 919191);
  ck_assert_int_eq(infuse_date_add_months(0, 1, NULL), INFUSE_E_NULL);
}
END_TEST

/* Random dates and month counts against the reference. */
START_TEST(add_months_random) {
  ref_init();
  rng_state = 0x5eed0002u;
  char first[200] = "";
  int32_t failures = 0;
  for (int i = 0; i < 20000; i++) {
    int32_t y = rng_range(1900, 9999);
    int32_t m = rng_range(1, 12);
    int32_t len = ref_month_len(y, m);
    /* days near month ends more often */
    int32_t d = (i & 1) ? rng_range(len - 3, len) : rng_range(1, len);
    int32_t months;
    switch (i % 4) {
    case 0:
      months = rng_range(-24, 24);
      break;
    case 1:
      months = rng_range(-1200, 1200);
      break;
    case 2:
      months = rng_range(-100000, 100000);
      break;
    default:
      months = rng_range(-2000000, 2000000);
      break;
    }
    int32_t date = ref_days(y, m, d);
    int32_t want = 0;
    int ok = ref_add_months(y, m, d, months, &want);
    int32_t got = 313131;
    int rc = infuse_date_add_months(date, months, &got);
    int bad = ok ? (rc != INFUSE_OK || got != want)
                 : (rc != INFUSE_E_RANGE || got != 313131);
    if (bad && failures++ == 0) {
      snprintf(first, sizeof first,
               "%04d-%02d-%02d %+d months: reference %s %d, library rc %d "
               "out %d",
               (int)y, (int)m, (int)d, (int)months, ok ? "day" : "E_RANGE",
               (int)want, rc, (int)got);
    }
  }
  ck_assert_msg(failures == 0, "%d failures; first: %s", (int)failures, first);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *calendar_suite(void) {
  Suite *s = suite_create("calendar");
  TCase *core = tcase_create("core");
  tcase_set_timeout(core, 60);
  tcase_add_loop_test(core, known_dates, 0, N_ROWS(known));
  tcase_add_test(core, range_constants);
  tcase_add_test(core, leap_days_exist);
  tcase_add_test(core, month_and_year_ends);
  tcase_add_test(core, every_day_against_reference);
  tcase_add_test(core, weekday_sequence);
  tcase_add_loop_test(core, parse_accepts, 0, N_ROWS(good_texts));
  tcase_add_loop_test(core, format_known, 0, N_ROWS(fmt_cases));
  tcase_add_test(core, format_parse_round_trip);
  tcase_add_test(core, add_months_table);
  tcase_add_test(core, add_months_random);
  suite_add_tcase(s, core);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, from_ymd_refuses);
  tcase_add_test(errors, to_ymd_refuses);
  tcase_add_test(errors, parse_refuses);
  tcase_add_test(errors, parse_null);
  tcase_add_test(errors, parse_long_text);
  tcase_add_test(errors, format_refuses);
  tcase_add_test(errors, add_months_refuses);
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(calendar_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
