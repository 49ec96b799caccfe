/*
 * test_course.c - course plans: induction series, maintenance, clinic days,
 * closed dates, horizon (infuse.h, the rules above infuse_course_options_t).
 *
 * The golden plans were worked out by hand with a calendar: the weekday
 * and the date arithmetic of every row is in the comments, and each table
 * was cross-checked against a separate script written from the header's
 * rules, never against the library. The property tests run over thousands
 * of random option sets from a fixed seed, and compare the library with a
 * second planner written here from the header's rules on its own calendar
 * (days counted year by year from 1970, weekdays from 1970-01-01 being a
 * Thursday).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infuse.h>

#define N_ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------------
 * An independent calendar
 * ---------------------------------------------------------------------- */

static int ref_leap(int32_t y) {
  return (y & 3) == 0 && ((y % 25) != 0 || (y & 15) == 0);
}

static int32_t ref_month_len(int32_t y, int32_t m) {
  static const int32_t len[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return len[m - 1] + (m == 2 && ref_leap(y) ? 1 : 0);
}

static int32_t ref_year_len(int32_t y) { return ref_leap(y) ? 366 : 365; }

/* Day number of y-m-d: whole years from 1970, then whole months. */
static int32_t ref_days(int32_t y, int32_t m, int32_t d) {
  int32_t n = 0;
  for (int32_t k = 1970; k < y; k++) {
    n += ref_year_len(k);
  }
  for (int32_t k = y; k < 1970; k++) {
    n -= ref_year_len(k);
  }
  for (int32_t k = 1; k < m; k++) {
    n += ref_month_len(y, k);
  }
  return n + d - 1;
}

static void ref_ymd(int32_t n, int32_t *y, int32_t *m, int32_t *d) {
  int32_t yy = 1970;
  while (n < 0) {
    yy--;
    n += ref_year_len(yy);
  }
  while (n >= ref_year_len(yy)) {
    n -= ref_year_len(yy);
    yy++;
  }
  int32_t mm = 1;
  while (n >= ref_month_len(yy, mm)) {
    n -= ref_month_len(yy, mm);
    mm++;
  }
  *y = yy;
  *m = mm;
  *d = n + 1;
}

/* ISO weekday: 1970-01-01 (day 0) was a Thursday (4). */
static int ref_weekday(int32_t n) { return (int)(((n % 7) + 7 + 3) % 7) + 1; }

/* n plus `months`, the day clamped to the month; 0 outside 1900..9999. */
static int ref_add_months(int32_t n, int32_t months, int32_t *out) {
  int32_t y, m, d;
  ref_ymd(n, &y, &m, &d);
  int32_t idx = y * 12 + (m - 1) + months;
  if (idx < 1900 * 12 || idx > 9999 * 12 + 11) {
    return 0;
  }
  int32_t ny = idx / 12, nm = idx % 12 + 1;
  int32_t len = ref_month_len(ny, nm);
  *out = ref_days(ny, nm, d < len ? d : len);
  return 1;
}

/* "YYYY-MM-DD" (well formed: only the test's own literals) to a day. */
static int32_t D(const char *s) {
  int32_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
              (s[3] - '0');
  int32_t m = (s[5] - '0') * 10 + (s[6] - '0');
  int32_t d = (s[8] - '0') * 10 + (s[9] - '0');
  return ref_days(y, m, d);
}

static void fmt_day(int32_t n, char *buf, size_t cap) {
  int32_t y, m, d;
  ref_ymd(n, &y, &m, &d);
  snprintf(buf, cap, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

#define MAXS INFUSE_MAX_SESSIONS
static infuse_session_t sess[MAXS + 8];
static infuse_session_t sess2[MAXS + 8];

static void fill_sentinel(infuse_session_t *s, size_t count) {
  memset(s, 0xa5, count * sizeof *s);
}

static int is_sentinel(const infuse_session_t *s, size_t count) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < count * sizeof *s; i++) {
    if (p[i] != 0xa5) {
      return 0;
    }
  }
  return 1;
}

static infuse_course_options_t defaults(const char *start) {
  infuse_course_options_t o;
  memset(&o, 0, sizeof o);
  ck_assert_int_eq(infuse_course_init(&o, D(start)), INFUSE_OK);
  return o;
}

static void add_closed(infuse_course_options_t *o, const char *date) {
  ck_assert_int_lt(o->n_closed, INFUSE_MAX_CLOSED);
  o->closed[o->n_closed++] = D(date);
}

/* A hand-worked session: date, 'I'nduction or 'M'aintenance, interval,
 * target interval, moved days. */
typedef struct golden {
  const char *date;
  char phase;
  int32_t interval, target, moved;
} golden_t;

static void expect_plan(const infuse_course_options_t *o, const golden_t *g,
                        int rows) {
  fill_sentinel(sess, MAXS + 8);
  size_t n = 9999;
  infuse_diag_t diag;
  memset(&diag, 0x33, sizeof diag);
  infuse_diag_t diag0 = diag;
  infuse_course_options_t copy = *o;
  int rc = infuse_course_plan(o, sess, MAXS, &n, &diag);
  ck_assert_msg(rc == INFUSE_OK, "rc %d (%s): %s", rc, infuse_status_name(rc),
                rc < 0 ? diag.message : "");
  ck_assert_int_eq(memcmp(&diag, &diag0, sizeof diag), 0);
  ck_assert_int_eq(memcmp(&copy, o, sizeof copy), 0); /* opt is input only */
  ck_assert_uint_eq(n, (size_t)rows);
  for (int i = 0; i < rows; i++) {
    const infuse_session_t *s = &sess[i];
    char got[16];
    fmt_day(s->date, got, sizeof got);
    ck_assert_msg(s->date == D(g[i].date), "session %d: expected %s, got %s",
                  i + 1, g[i].date, got);
    ck_assert_int_eq(s->index, i + 1);
    ck_assert_msg(s->phase == (g[i].phase == 'I' ? INFUSE_PHASE_INDUCTION
                                                 : INFUSE_PHASE_MAINTENANCE),
                  "session %d (%s): phase %d", i + 1, got, (int)s->phase);
    ck_assert_msg(s->interval_days == g[i].interval,
                  "session %d (%s): interval %d, expected %d", i + 1, got,
                  (int)s->interval_days, (int)g[i].interval);
    ck_assert_msg(s->target_interval_days == g[i].target,
                  "session %d (%s): target %d, expected %d", i + 1, got,
                  (int)s->target_interval_days, (int)g[i].target);
    ck_assert_msg(s->moved_days == g[i].moved,
                  "session %d (%s): moved %d, expected %d", i + 1, got,
                  (int)s->moved_days, (int)g[i].moved);
  }
  /* nothing written past the plan */
  ck_assert(is_sentinel(sess + rows, (size_t)(MAXS + 8 - rows)));
}

/* ------------------------------------------------------------------------
 * Defaults
 * ---------------------------------------------------------------------- */

START_TEST(init_defaults) {
  infuse_course_options_t o;
  memset(&o, 0x77, sizeof o);
  ck_assert_int_eq(infuse_course_init(&o, 20787), INFUSE_OK);
  ck_assert_uint_eq(o.struct_size, sizeof(infuse_course_options_t));
  ck_assert_int_eq(o.start, 20787);
  ck_assert_int_eq(o.induction_count, 6);
  ck_assert_int_eq(o.per_week, 3);
  ck_assert_uint_eq(o.clinic_days, 0x1fu); /* Mon..Fri: bits 0..4 */
  ck_assert_uint_eq(o.clinic_days, INFUSE_CLINIC_MON_FRI);
  ck_assert_int_eq(o.min_interval_days, 2);
  ck_assert_int_eq(o.maintenance, INFUSE_MAINTENANCE_TAPER);
  ck_assert_int_eq(o.n_taper_steps, 6);
  static const int32_t iv[6] = {5, 7, 10, 14, 21, 28};
  static const int32_t ct[6] = {2, 2, 2, 2, 2, 0};
  for (int i = 0; i < 6; i++) {
    ck_assert_int_eq(o.taper[i].interval_days, iv[i]);
    ck_assert_int_eq(o.taper[i].count, ct[i]);
  }
  ck_assert_int_eq(o.horizon_months, 12);
  ck_assert_int_eq(o.n_closed, 0);
  /* the ends of the range are starts */
  ck_assert_int_eq(infuse_course_init(&o, INFUSE_DATE_MIN), INFUSE_OK);
  ck_assert_int_eq(o.start, INFUSE_DATE_MIN);
  ck_assert_int_eq(infuse_course_init(&o, INFUSE_DATE_MAX), INFUSE_OK);
  ck_assert_int_eq(o.start, INFUSE_DATE_MAX);
  /* weekday bits */
  ck_assert_uint_eq(INFUSE_WEEKDAY_BIT(1), 1u);
  ck_assert_uint_eq(INFUSE_WEEKDAY_BIT(7), 64u);
}
END_TEST

START_TEST(init_errors) {
  infuse_course_options_t o, before;
  memset(&o, 0x77, sizeof o);
  before = o;
  ck_assert_int_eq(infuse_course_init(&o, INFUSE_DATE_MIN - 1), INFUSE_E_RANGE);
  ck_assert_int_eq(infuse_course_init(&o, INFUSE_DATE_MAX + 1), INFUSE_E_RANGE);
  ck_assert_int_eq(infuse_course_init(&o, INT32_MIN), INFUSE_E_RANGE);
  ck_assert_int_eq(memcmp(&o, &before, sizeof o), 0);
  ck_assert_int_eq(infuse_course_init(NULL, 0), INFUSE_E_NULL);
}
END_TEST

START_TEST(phase_names) {
  ck_assert_str_eq(infuse_phase_name(INFUSE_PHASE_INDUCTION), "induction");
  ck_assert_str_eq(infuse_phase_name(INFUSE_PHASE_MAINTENANCE), "maintenance");
  ck_assert_str_eq(infuse_phase_name(2), "unknown");
  ck_assert_str_eq(infuse_phase_name(-1), "unknown");
}
END_TEST

/* ------------------------------------------------------------------------
 * Golden plans, by hand
 * ---------------------------------------------------------------------- */

/* Default options from Monday 2026-11-30; horizon 2027-11-30 (exclusive).
 * Induction Mon/Wed/Fri: gaps 2, 2, 3, 2, 2. Maintenance from the last
 * induction session (Fri 12-11): 5, 5, 7, 7, 10, 10, 14, 14, 21, 21, then
 * 28 until the horizon. Weekends snap forward to Monday. */
static const golden_t g_default[] = {
    {"2026-11-30", 'I', 0, 0, 0},   /* Mon */
    {"2026-12-02", 'I', 2, 2, 0},   /* Wed */
    {"2026-12-04", 'I', 2, 2, 0},   /* Fri */
    {"2026-12-07", 'I', 3, 3, 0},   /* Mon */
    {"2026-12-09", 'I', 2, 2, 0},   /* Wed */
    {"2026-12-11", 'I', 2, 2, 0},   /* Fri */
    {"2026-12-16", 'M', 5, 5, 0},   /* Fri + 5 = Wed */
    {"2026-12-21", 'M', 5, 5, 0},   /* Mon */
    {"2026-12-28", 'M', 7, 7, 0},   /* Mon */
    {"2027-01-04", 'M', 7, 7, 0},   /* Dec 28 + 7 = Dec 35 = Jan 4, Mon */
    {"2027-01-14", 'M', 10, 10, 0}, /* Thu */
    {"2027-01-25", 'M', 11, 10, 1}, /* Jan 24 is a Sunday -> Mon 25 */
    {"2027-02-08", 'M', 14, 14, 0}, /* Jan 25 + 14 = Jan 39 = Feb 8 */
    {"2027-02-22", 'M', 14, 14, 0},
    {"2027-03-15", 'M', 21, 21, 0}, /* Feb 22 + 21 = Feb 43 = Mar 15 */
    {"2027-04-05", 'M', 21, 21, 0}, /* Mar 36 = Apr 5 */
    {"2027-05-03", 'M', 28, 28, 0}, /* Apr 33 = May 3 */
    {"2027-05-31", 'M', 28, 28, 0},
    {"2027-06-28", 'M', 28, 28, 0}, /* May 59 = Jun 28 */
    {"2027-07-26", 'M', 28, 28, 0}, /* Jun 56 = Jul 26 */
    {"2027-08-23", 'M', 28, 28, 0}, /* Jul 54 = Aug 23 */
    {"2027-09-20", 'M', 28, 28, 0}, /* Aug 51 = Sep 20 */
    {"2027-10-18", 'M', 28, 28, 0}, /* Sep 48 = Oct 18 */
    {"2027-11-15", 'M', 28, 28, 0}, /* Oct 46 = Nov 15; next Dec 13 is
                                       past the horizon 2027-11-30 */
};

START_TEST(golden_default) {
  infuse_course_options_t o = defaults("2026-11-30");
  expect_plan(&o, g_default, N_ROWS(g_default));
}
END_TEST

/* From Monday 2026-12-21 with 2026-12-25 and 2027-01-01 closed. */
static const golden_t g_holidays[] = {
    {"2026-12-21", 'I', 0, 0, 0}, /* Mon */
    {"2026-12-23", 'I', 2, 2, 0}, /* Wed */
    {"2026-12-28", 'I', 5, 2, 3}, /* Fri 25 closed, then the weekend */
    {"2026-12-31", 'I', 3, 3, 0}, /* the cycle goes on: + 3 = Thu */
    {"2027-01-04", 'I', 4, 2, 2}, /* + 2 = Sat Jan 2 -> Mon */
    {"2027-01-06", 'I', 2, 2, 0}, /* Wed */
    {"2027-01-11", 'M', 5, 5, 0}, /* Mon */
    {"2027-01-18", 'M', 7, 5, 2}, /* + 5 = Sat 16 -> Mon 18 */
    {"2027-01-25", 'M', 7, 7, 0},
    {"2027-02-01", 'M', 7, 7, 0},
    {"2027-02-11", 'M', 10, 10, 0}, /* Thu */
    {"2027-02-22", 'M', 11, 10, 1}, /* Sun 21 -> Mon 22 */
    {"2027-03-08", 'M', 14, 14, 0}, /* Feb 36 = Mar 8 */
    {"2027-03-22", 'M', 14, 14, 0},
    {"2027-04-12", 'M', 21, 21, 0}, /* Mar 43 = Apr 12 */
    {"2027-05-03", 'M', 21, 21, 0},
    {"2027-05-31", 'M', 28, 28, 0},
    {"2027-06-28", 'M', 28, 28, 0},
    {"2027-07-26", 'M', 28, 28, 0},
    {"2027-08-23", 'M', 28, 28, 0},
    {"2027-09-20", 'M', 28, 28, 0},
    {"2027-10-18", 'M', 28, 28, 0},
    {"2027-11-15", 'M', 28, 28, 0},
    {"2027-12-13", 'M', 28, 28, 0}, /* before 2027-12-21; next Jan 10 not */
};

START_TEST(golden_holidays) {
  infuse_course_options_t o = defaults("2026-12-21");
  add_closed(&o, "2027-01-01");
  add_closed(&o, "2026-12-25");
  expect_plan(&o, g_holidays, N_ROWS(g_holidays));
}
END_TEST

/* From Monday 2026-12-28, same holidays, no maintenance: Fri Jan 1st is
 * closed. */
static const golden_t g_new_year[] = {
    {"2026-12-28", 'I', 0, 0, 0}, /* Mon */
    {"2026-12-30", 'I', 2, 2, 0}, /* Wed */
    {"2027-01-04", 'I', 5, 2, 3}, /* Fri Jan 1 closed -> Mon Jan 4 */
    {"2027-01-07", 'I', 3, 3, 0}, /* Thu */
    {"2027-01-11", 'I', 4, 2, 2}, /* Sat 9 -> Mon 11 */
    {"2027-01-13", 'I', 2, 2, 0}, /* Wed; NONE: the plan ends */
};

START_TEST(golden_new_year_no_maintenance) {
  infuse_course_options_t o = defaults("2026-12-28");
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  add_closed(&o, "2026-12-25");
  add_closed(&o, "2027-01-01");
  expect_plan(&o, g_new_year, N_ROWS(g_new_year));
}
END_TEST

/* From 2026-11-30 with every clinic day of the week of Dec 7 closed. */
static const golden_t g_closed_week[] = {
    {"2026-11-30", 'I', 0, 0, 0},
    {"2026-12-02", 'I', 2, 2, 0},
    {"2026-12-04", 'I', 2, 2, 0},
    {"2026-12-14", 'I', 10, 3, 7}, /* Mon 7 .. Fri 11 closed, weekend */
    {"2026-12-16", 'I', 2, 2, 0},
    {"2026-12-18", 'I', 2, 2, 0},
    {"2026-12-23", 'M', 5, 5, 0}, /* Wed */
    {"2026-12-28", 'M', 5, 5, 0}, /* Mon */
    {"2027-01-04", 'M', 7, 7, 0},
    {"2027-01-11", 'M', 7, 7, 0},
    {"2027-01-21", 'M', 10, 10, 0}, /* Thu */
    {"2027-02-01", 'M', 11, 10, 1}, /* Sun Jan 31 -> Mon Feb 1 */
    {"2027-02-15", 'M', 14, 14, 0},
    {"2027-03-01", 'M', 14, 14, 0}, /* Feb 29 = Mar 1 (2027 not leap) */
    {"2027-03-22", 'M', 21, 21, 0},
    {"2027-04-12", 'M', 21, 21, 0},
    {"2027-05-10", 'M', 28, 28, 0}, /* Apr 40 = May 10 */
    {"2027-06-07", 'M', 28, 28, 0},
    {"2027-07-05", 'M', 28, 28, 0},
    {"2027-08-02", 'M', 28, 28, 0},
    {"2027-08-30", 'M', 28, 28, 0},
    {"2027-09-27", 'M', 28, 28, 0},
    {"2027-10-25", 'M', 28, 28, 0},
    {"2027-11-22", 'M', 28, 28, 0}, /* next Dec 20: past 2027-11-30 */
};

START_TEST(golden_closed_week) {
  infuse_course_options_t o = defaults("2026-11-30");
  add_closed(&o, "2026-12-11");
  add_closed(&o, "2026-12-09");
  add_closed(&o, "2026-12-07");
  add_closed(&o, "2026-12-10");
  add_closed(&o, "2026-12-08");
  expect_plan(&o, g_closed_week, N_ROWS(g_closed_week));
}
END_TEST

/* From Monday 2026-12-14, closed 2026-12-24 .. 2027-01-03 (11 days). */
static const golden_t g_closed_run[] = {
    {"2026-12-14", 'I', 0, 0, 0},
    {"2026-12-16", 'I', 2, 2, 0},
    {"2026-12-18", 'I', 2, 2, 0},
    {"2026-12-21", 'I', 3, 3, 0},
    {"2026-12-23", 'I', 2, 2, 0},
    {"2027-01-04", 'I', 12, 2, 10}, /* Fri 25 .. Sun Jan 3 closed/weekend */
    {"2027-01-11", 'M', 7, 5, 2},   /* Sat 9 -> Mon 11 */
    {"2027-01-18", 'M', 7, 5, 2},   /* Sat 16 -> Mon 18 */
    {"2027-01-25", 'M', 7, 7, 0},
    {"2027-02-01", 'M', 7, 7, 0},
    {"2027-02-11", 'M', 10, 10, 0},
    {"2027-02-22", 'M', 11, 10, 1},
    {"2027-03-08", 'M', 14, 14, 0},
    {"2027-03-22", 'M', 14, 14, 0},
    {"2027-04-12", 'M', 21, 21, 0},
    {"2027-05-03", 'M', 21, 21, 0},
    {"2027-05-31", 'M', 28, 28, 0},
    {"2027-06-28", 'M', 28, 28, 0},
    {"2027-07-26", 'M', 28, 28, 0},
    {"2027-08-23", 'M', 28, 28, 0},
    {"2027-09-20", 'M', 28, 28, 0},
    {"2027-10-18", 'M', 28, 28, 0},
    {"2027-11-15", 'M', 28, 28, 0},
    {"2027-12-13", 'M', 28, 28, 0}, /* before 2027-12-14 */
};

START_TEST(golden_closed_run) {
  infuse_course_options_t o = defaults("2026-12-14");
  for (int32_t d = D("2026-12-24"); d <= D("2027-01-03"); d++) {
    o.closed[o.n_closed++] = d;
  }
  ck_assert_int_eq(o.n_closed, 11);
  expect_plan(&o, g_closed_run, N_ROWS(g_closed_run));
}
END_TEST

/* Saturday 2026-11-28: the first session moves to Monday 11-30 (moved 2,
 * from the start); from a Monday the rhythm is Mon/Wed/Fri, so the plan is
 * the default plan's, the horizon being 2027-11-28 (Nov 15 still fits). */
START_TEST(golden_saturday_start) {
  golden_t g[N_ROWS(g_default)];
  memcpy(g, g_default, sizeof g);
  g[0].moved = 2;
  infuse_course_options_t o = defaults("2026-11-28");
  expect_plan(&o, g, N_ROWS(g));
}
END_TEST

/* 2 per week from Monday 2026-11-30: Mon/Thu (gaps 3, 4), then weekly from
 * the last induction session (Thu 12-17); Thu 2026-12-31 is closed. */
START_TEST(golden_twice_weekly_then_weekly) {
  infuse_course_options_t o = defaults("2026-11-30");
  o.per_week = 2;
  o.maintenance = INFUSE_MAINTENANCE_WEEKLY;
  add_closed(&o, "2026-12-31");
  golden_t g[55];
  static const golden_t head[] = {
      {"2026-11-30", 'I', 0, 0, 0}, /* Mon */
      {"2026-12-03", 'I', 3, 3, 0}, /* Thu */
      {"2026-12-07", 'I', 4, 4, 0}, /* Mon */
      {"2026-12-10", 'I', 3, 3, 0}, {"2026-12-14", 'I', 4, 4, 0},
      {"2026-12-17", 'I', 3, 3, 0}, {"2026-12-24", 'M', 7, 7, 0}, /* Thu */
      {"2027-01-01", 'M', 8, 7, 1}, /* Thu Dec 31 closed -> Fri Jan 1 */
  };
  memcpy(g, head, sizeof head);
  /* then every Friday from Jan 8: Jan 1 + 7k; the last before 2027-11-30
   * is Nov 26 (day 330 of 2027 = Jan 1 + 329 = + 47 weeks): 47 more */
  static char dates[47][11];
  int32_t first = D("2027-01-08");
  for (int k = 0; k < 47; k++) {
    fmt_day(first + 7 * k, dates[k], sizeof dates[k]);
    g[8 + k].date = dates[k];
    g[8 + k].phase = 'M';
    g[8 + k].interval = 7;
    g[8 + k].target = 7;
    g[8 + k].moved = 0;
  }
  ck_assert_str_eq(dates[46], "2027-11-26");
  expect_plan(&o, g, 55);
}
END_TEST

/* 2 per week from a Thursday: Thu/Mon (4, 3). */
static const golden_t g_thursday[] = {
    {"2026-12-03", 'I', 0, 0, 0}, /* Thu */
    {"2026-12-07", 'I', 4, 4, 0}, /* Mon */
    {"2026-12-10", 'I', 3, 3, 0}, {"2026-12-14", 'I', 4, 4, 0},
    {"2026-12-17", 'I', 3, 3, 0}, {"2026-12-21", 'I', 4, 4, 0},
};

/* 3 per week from a Wednesday: Wed/Fri/Mon (2, 3, 2) */
static const golden_t g_wednesday[] = {
    {"2026-12-02", 'I', 0, 0, 0}, {"2026-12-04", 'I', 2, 2, 0},
    {"2026-12-07", 'I', 3, 3, 0}, {"2026-12-09", 'I', 2, 2, 0},
    {"2026-12-11", 'I', 2, 2, 0}, {"2026-12-14", 'I', 3, 3, 0},
};

/* 3 per week from a Friday: Fri/Mon/Wed (3, 2, 2) */
static const golden_t g_friday[] = {
    {"2026-12-04", 'I', 0, 0, 0}, {"2026-12-07", 'I', 3, 3, 0},
    {"2026-12-09", 'I', 2, 2, 0}, {"2026-12-11", 'I', 2, 2, 0},
    {"2026-12-14", 'I', 3, 3, 0}, {"2026-12-16", 'I', 2, 2, 0},
};

START_TEST(golden_week_rhythms) {
  infuse_course_options_t o = defaults("2026-12-03");
  o.per_week = 2;
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  expect_plan(&o, g_thursday, N_ROWS(g_thursday));
  o = defaults("2026-12-02");
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  expect_plan(&o, g_wednesday, N_ROWS(g_wednesday));
  o = defaults("2026-12-04");
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  expect_plan(&o, g_friday, N_ROWS(g_friday));
}
END_TEST

/* A custom taper with a finite last step: 7 d x 3, 14 d x 2, then the plan
 * ends (the horizon is far). */
static const golden_t g_finite_taper[] = {
    {"2026-11-30", 'I', 0, 0, 0},   {"2026-12-02", 'I', 2, 2, 0},
    {"2026-12-04", 'I', 2, 2, 0},   {"2026-12-07", 'I', 3, 3, 0},
    {"2026-12-09", 'I', 2, 2, 0},   {"2026-12-11", 'I', 2, 2, 0},
    {"2026-12-18", 'M', 7, 7, 0},   /* Fri */
    {"2026-12-25", 'M', 7, 7, 0},   /* Fri (nothing closed) */
    {"2027-01-01", 'M', 7, 7, 0},   /* Fri */
    {"2027-01-15", 'M', 14, 14, 0}, /* Fri */
    {"2027-01-29", 'M', 14, 14, 0}, /* Fri: the last step is done */
};

/* The same with 2026-12-25 and 2027-01-01 closed. */
static const golden_t g_finite_taper_holidays[] = {
    {"2026-11-30", 'I', 0, 0, 0},   {"2026-12-02", 'I', 2, 2, 0},
    {"2026-12-04", 'I', 2, 2, 0},   {"2026-12-07", 'I', 3, 3, 0},
    {"2026-12-09", 'I', 2, 2, 0},   {"2026-12-11", 'I', 2, 2, 0},
    {"2026-12-18", 'M', 7, 7, 0},   /* Fri */
    {"2026-12-28", 'M', 10, 7, 3},  /* Fri 25 closed, weekend -> Mon 28 */
    {"2027-01-04", 'M', 7, 7, 0},   /* Mon (Jan 1 is not a target) */
    {"2027-01-18", 'M', 14, 14, 0}, /* Mon */
    {"2027-02-01", 'M', 14, 14, 0}, /* Mon: done */
};

START_TEST(golden_finite_taper) {
  infuse_course_options_t o = defaults("2026-11-30");
  o.n_taper_steps = 2;
  o.taper[0].interval_days = 7;
  o.taper[0].count = 3;
  o.taper[1].interval_days = 14;
  o.taper[1].count = 2;
  o.horizon_months = 60;
  expect_plan(&o, g_finite_taper, N_ROWS(g_finite_taper));
  add_closed(&o, "2026-12-25");
  add_closed(&o, "2027-01-01");
  expect_plan(&o, g_finite_taper_holidays, N_ROWS(g_finite_taper_holidays));
}
END_TEST

/* min_interval_days 3, 2 per week, every weekday a clinic day, taper 1 d x
 * 2, 2 d x 1, 4 d x 1, then 9 d; horizon 2 months (2027-01-30). The 1 and
 * 2 day targets are raised to 3. */
static const golden_t g_min_interval[] = {
    {"2026-11-30", 'I', 0, 0, 0}, /* Mon */
    {"2026-12-03", 'I', 3, 3, 0}, /* Thu */
    {"2026-12-07", 'I', 4, 4, 0},
    {"2026-12-10", 'I', 3, 3, 0},
    {"2026-12-14", 'I', 4, 4, 0},
    {"2026-12-17", 'I', 3, 3, 0},
    {"2026-12-20", 'M', 3, 3, 0}, /* 1 -> 3; Sunday is a clinic day here */
    {"2026-12-23", 'M', 3, 3, 0}, /* 1 -> 3 */
    {"2026-12-26", 'M', 3, 3, 0}, /* 2 -> 3 */
    {"2026-12-30", 'M', 4, 4, 0},
    {"2027-01-08", 'M', 9, 9, 0}, /* Dec 39 = Jan 8 */
    {"2027-01-17", 'M', 9, 9, 0},
    {"2027-01-26", 'M', 9, 9, 0}, /* next Feb 4: past Jan 30 */
};

START_TEST(golden_min_interval) {
  infuse_course_options_t o = defaults("2026-11-30");
  o.per_week = 2;
  o.min_interval_days = 3;
  o.clinic_days = 0x7f;
  o.n_taper_steps = 4;
  o.taper[0] = (infuse_taper_step_t){1, 2};
  o.taper[1] = (infuse_taper_step_t){2, 1};
  o.taper[2] = (infuse_taper_step_t){4, 1};
  o.taper[3] = (infuse_taper_step_t){9, 0};
  o.horizon_months = 2;
  expect_plan(&o, g_min_interval, N_ROWS(g_min_interval));
}
END_TEST

/* Leap year: Monday 2024-02-26; Feb 28 + 2 = Mar 1 only because Feb 29
 * exists. Horizon 2025-02-26; crosses the year end. */
static const golden_t g_leap[] = {
    {"2024-02-26", 'I', 0, 0, 0}, /* Mon */
    {"2024-02-28", 'I', 2, 2, 0}, /* Wed */
    {"2024-03-01", 'I', 2, 2, 0}, /* Fri (28 + 2 over the 29th) */
    {"2024-03-04", 'I', 3, 3, 0}, /* Mon */
    {"2024-03-06", 'I', 2, 2, 0},   {"2024-03-08", 'I', 2, 2, 0},
    {"2024-03-13", 'M', 5, 5, 0}, /* Wed */
    {"2024-03-18", 'M', 5, 5, 0}, /* Mon */
    {"2024-03-25", 'M', 7, 7, 0},   {"2024-04-01", 'M', 7, 7, 0},
    {"2024-04-11", 'M', 10, 10, 0}, /* Thu */
    {"2024-04-22", 'M', 11, 10, 1}, /* Sun 21 -> Mon 22 */
    {"2024-05-06", 'M', 14, 14, 0}, {"2024-05-20", 'M', 14, 14, 0},
    {"2024-06-10", 'M', 21, 21, 0}, {"2024-07-01", 'M', 21, 21, 0},
    {"2024-07-29", 'M', 28, 28, 0}, {"2024-08-26", 'M', 28, 28, 0},
    {"2024-09-23", 'M', 28, 28, 0}, {"2024-10-21", 'M', 28, 28, 0},
    {"2024-11-18", 'M', 28, 28, 0}, {"2024-12-16", 'M', 28, 28, 0},
    {"2025-01-13", 'M', 28, 28, 0}, /* Dec 44 = Jan 13 */
    {"2025-02-10", 'M', 28, 28, 0}, /* next Mar 10: past Feb 26 */
};

START_TEST(golden_leap_year) {
  infuse_course_options_t o = defaults("2024-02-26");
  expect_plan(&o, g_leap, N_ROWS(g_leap));
}
END_TEST

/* The horizon is start + N calendar months with the day clamped, and is
 * exclusive: 2024-01-31 + 1 month = 2024-02-29, 2024-02-29 + 12 months =
 * 2025-02-28. One induction session, then a 29 (or 365) day taper. */
START_TEST(horizon_clamped_and_exclusive) {
  infuse_course_options_t o = defaults("2024-01-31");
  o.clinic_days = 0x7f;
  o.induction_count = 1;
  o.n_taper_steps = 1;
  o.taper[0] = (infuse_taper_step_t){29, 0};
  o.horizon_months = 1;
  /* Jan 31 + 29 = Feb 29 = the horizon: not planned */
  static const golden_t one[] = {{"2024-01-31", 'I', 0, 0, 0}};
  expect_plan(&o, one, 1);
  o.horizon_months = 2; /* horizon 2024-03-31 */
  static const golden_t three[] = {{"2024-01-31", 'I', 0, 0, 0},
                                   {"2024-02-29", 'M', 29, 29, 0},
                                   {"2024-03-29", 'M', 29, 29, 0}};
  expect_plan(&o, three, 3);
  o.start = D("2024-02-29");
  o.taper[0].interval_days = 365;
  o.horizon_months = 12; /* horizon 2025-02-28 = Feb 29 + 365 */
  static const golden_t leap1[] = {{"2024-02-29", 'I', 0, 0, 0}};
  expect_plan(&o, leap1, 1);
  o.horizon_months = 13; /* horizon 2025-03-29 */
  static const golden_t leap2[] = {{"2024-02-29", 'I', 0, 0, 0},
                                   {"2025-02-28", 'M', 365, 365, 0}};
  expect_plan(&o, leap2, 2);
}
END_TEST

/* Horizon 1 month cutting induction short: 12 sessions 2 per week from
 * Monday 2027-02-01; the horizon is 2027-03-01 (exclusive), which is
 * exactly the 9th session's date. */
static const golden_t g_short[] = {
    {"2027-02-01", 'I', 0, 0, 0}, {"2027-02-04", 'I', 3, 3, 0},
    {"2027-02-08", 'I', 4, 4, 0}, {"2027-02-11", 'I', 3, 3, 0},
    {"2027-02-15", 'I', 4, 4, 0}, {"2027-02-18", 'I', 3, 3, 0},
    {"2027-02-22", 'I', 4, 4, 0}, {"2027-02-25", 'I', 3, 3, 0},
};

START_TEST(horizon_cuts_induction) {
  infuse_course_options_t o = defaults("2027-02-01");
  o.per_week = 2;
  o.induction_count = 12;
  o.horizon_months = 1;
  expect_plan(&o, g_short, N_ROWS(g_short));
  /* default plan with a 1 month horizon (2026-12-30): the first 9 rows */
  o = defaults("2026-11-30");
  o.horizon_months = 1;
  expect_plan(&o, g_default, 9);
}
END_TEST

/* At the end of the calendar the plan stops at 9999-12-31 (start +
 * horizon is past the calendar: not an error). 9999-12-20 is a Monday. */
START_TEST(calendar_end) {
  static const golden_t g_end[] = {
      {"9999-12-20", 'I', 0, 0, 0}, {"9999-12-22", 'I', 2, 2, 0},
      {"9999-12-24", 'I', 2, 2, 0}, {"9999-12-27", 'I', 3, 3, 0},
      {"9999-12-29", 'I', 2, 2, 0}, {"9999-12-31", 'I', 2, 2, 0},
  };
  infuse_course_options_t o = defaults("9999-12-20");
  expect_plan(&o, g_end, N_ROWS(g_end));
  o.horizon_months = 60;
  expect_plan(&o, g_end, N_ROWS(g_end));
  /* a start on the last day, a Friday */
  o = defaults("9999-12-31");
  o.horizon_months = 1;
  static const golden_t last[] = {{"9999-12-31", 'I', 0, 0, 0}};
  expect_plan(&o, last, 1);
  /* Friday is not a clinic day: nothing fits, an empty plan */
  o.clinic_days = 0x0f;
  o.per_week = 2;
  expect_plan(&o, last, 0);
  /* and the first day of the calendar, a Monday */
  o = defaults("1900-01-01");
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  static const golden_t g_1900[] = {
      {"1900-01-01", 'I', 0, 0, 0}, {"1900-01-03", 'I', 2, 2, 0},
      {"1900-01-05", 'I', 2, 2, 0}, {"1900-01-08", 'I', 3, 3, 0},
      {"1900-01-10", 'I', 2, 2, 0}, {"1900-01-12", 'I', 2, 2, 0},
  };
  expect_plan(&o, g_1900, N_ROWS(g_1900));
}
END_TEST

/* ------------------------------------------------------------------------
 * Closed runs: 366 days with no allowed day is still planned, more is
 * E_CONFLICT
 * ---------------------------------------------------------------------- */

/* Clinic Mon + Thu, 2 per week, start Tuesday 2026-12-01. Closing every
 * Thursday (day 2 + 7j) and Monday (day 6 + 7j) for j = 0..51 (104 dates)
 * leaves days 0..365 with no allowed day; day 366 = 2027-12-02 is a
 * Thursday (2027 has 365 days: +365 = Wed Dec 1). */
static void close_mon_thu_year(infuse_course_options_t *o) {
  o->clinic_days = INFUSE_WEEKDAY_BIT(1) | INFUSE_WEEKDAY_BIT(4);
  o->per_week = 2;
  o->n_closed = 0;
  for (int32_t j = 0; j < 52; j++) {
    o->closed[o->n_closed++] = o->start + 2 + 7 * j;
    o->closed[o->n_closed++] = o->start + 6 + 7 * j;
  }
}

START_TEST(closed_366_days_allowed) {
  infuse_course_options_t o = defaults("2026-12-01");
  close_mon_thu_year(&o);
  o.induction_count = 1;
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  o.horizon_months = 13; /* 2028-01-01 */
  static const golden_t g[] = {{"2027-12-02", 'I', 0, 0, 366}};
  expect_plan(&o, g, 1);
  /* within a 12 month horizon (2027-12-01) nothing fits: empty plan */
  o.horizon_months = 12;
  expect_plan(&o, g, 0);
}
END_TEST

static void expect_error(const infuse_course_options_t *o, int status,
                         const char *field_part, const char *what) {
  fill_sentinel(sess, MAXS + 8);
  size_t n = 4242;
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  infuse_course_options_t copy = *o;
  int rc = infuse_course_plan(o, sess, MAXS, &n, &diag);
  ck_assert_msg(rc == status, "%s: expected %s, got %s (%s)", what,
                infuse_status_name(status), infuse_status_name(rc),
                diag.message);
  ck_assert_uint_eq(n, 4242);
  ck_assert(is_sentinel(sess, MAXS + 8));
  ck_assert_int_eq(memcmp(&copy, o, sizeof copy), 0);
  ck_assert_int_eq(diag.status, status);
  ck_assert_msg(strstr(diag.field, field_part) != NULL,
                "diag.field '%s' does not name '%s'", diag.field, field_part);
  ck_assert_uint_gt(strlen(diag.message), 0);
  ck_assert_ptr_nonnull(strstr(diag.message, diag.field));
  /* the same without a diag, and with cap 0 */
  n = 4242;
  ck_assert_int_eq(infuse_course_plan(o, sess, MAXS, &n, NULL), status);
  ck_assert_int_eq(infuse_course_plan(o, NULL, 0, &n, NULL), status);
  ck_assert_uint_eq(n, 4242);
  ck_assert(is_sentinel(sess, MAXS + 8));
}

START_TEST(closed_more_than_366_days) {
  infuse_course_options_t o = defaults("2026-12-01");
  close_mon_thu_year(&o);
  o.induction_count = 1;
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  o.horizon_months = 13;
  o.closed[o.n_closed++] = D("2027-12-02"); /* the next: Mon Dec 6, +370 */
  expect_error(&o, INFUSE_E_CONFLICT, "closed", "closed run");
}
END_TEST

/* Mon + Thu from 2026-11-30, 2 per week, weekly; every Mon and Thu
 * closed for 53 weeks from Monday 2027-03-01 (106 dates). */
static void mon_thu_closed_from_march(infuse_course_options_t *o) {
  *o = defaults("2026-11-30");
  o->clinic_days = INFUSE_WEEKDAY_BIT(1) | INFUSE_WEEKDAY_BIT(4);
  o->per_week = 2;
  o->maintenance = INFUSE_MAINTENANCE_WEEKLY;
  int32_t mon = D("2027-03-01");
  ck_assert_int_eq(ref_weekday(mon), 1);
  for (int32_t j = 0; j < 53; j++) {
    o->closed[o->n_closed++] = mon + 7 * j;
    o->closed[o->n_closed++] = mon + 3 + 7 * j;
  }
}

/* Sessions already planned, then the closures: the weekly target Thu
 * 2027-03-04 has no open clinic day until Mon 2028-03-06, 368 days later.
 * Still nothing written. */
START_TEST(closed_run_mid_plan) {
  infuse_course_options_t o;
  mon_thu_closed_from_march(&o);
  o.horizon_months = 36;
  expect_error(&o, INFUSE_E_CONFLICT, "closed", "closed run");
}
END_TEST

/* The same closures after a horizon of 3 months (2026-11-30 + 3 months =
 * Feb 30, clamped to 2027-02-28): every session is before the closures,
 * and the next target, Thu 2027-03-04, is past the horizon, so it is not
 * planned and the run after it does not matter. */
static const golden_t g_before_closures[] = {
    {"2026-11-30", 'I', 0, 0, 0}, /* Mon */
    {"2026-12-03", 'I', 3, 3, 0}, /* Thu */
    {"2026-12-07", 'I', 4, 4, 0}, {"2026-12-10", 'I', 3, 3, 0},
    {"2026-12-14", 'I', 4, 4, 0}, {"2026-12-17", 'I', 3, 3, 0},
    {"2026-12-24", 'M', 7, 7, 0}, /* weekly on Thursdays */
    {"2026-12-31", 'M', 7, 7, 0}, {"2027-01-07", 'M', 7, 7, 0},
    {"2027-01-14", 'M', 7, 7, 0}, {"2027-01-21", 'M', 7, 7, 0},
    {"2027-01-28", 'M', 7, 7, 0}, {"2027-02-04", 'M', 7, 7, 0},
    {"2027-02-11", 'M', 7, 7, 0}, {"2027-02-18", 'M', 7, 7, 0},
    {"2027-02-25", 'M', 7, 7, 0}, /* next Mar 4: past Feb 28 */
};

START_TEST(closed_run_after_horizon) {
  infuse_course_options_t o;
  mon_thu_closed_from_march(&o);
  o.horizon_months = 3;
  expect_plan(&o, g_before_closures, N_ROWS(g_before_closures));
}
END_TEST

/* ------------------------------------------------------------------------
 * Buffer contract
 * ---------------------------------------------------------------------- */

START_TEST(buffer_contract) {
  infuse_course_options_t o = defaults("2026-11-30");
  size_t n = 0;
  infuse_diag_t diag;
  /* cap 0 with NULL sessions: the count */
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(infuse_course_plan(&o, NULL, 0, &n, &diag),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(n, 24);
  /* cap one short: the count, nothing written */
  fill_sentinel(sess, MAXS + 8);
  n = 0;
  ck_assert_int_eq(infuse_course_plan(&o, sess, 23, &n, NULL),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(n, 24);
  ck_assert(is_sentinel(sess, MAXS + 8));
  /* cap 1 with a buffer */
  n = 0;
  ck_assert_int_eq(infuse_course_plan(&o, sess, 1, &n, NULL),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(n, 24);
  ck_assert(is_sentinel(sess, MAXS + 8));
  /* exactly enough */
  n = 0;
  ck_assert_int_eq(infuse_course_plan(&o, sess, 24, &n, NULL), INFUSE_OK);
  ck_assert_uint_eq(n, 24);
  ck_assert_int_eq(sess[23].date, D("2027-11-15"));
  ck_assert(is_sentinel(sess + 24, MAXS + 8 - 24));
  /* an empty plan fits in cap 0: Mon-Fri closed for a month, horizon 1 */
  infuse_course_options_t e = defaults("2026-11-30");
  e.horizon_months = 1; /* 2026-12-30 */
  for (int32_t d = D("2026-11-30"); d < D("2026-12-30"); d++) {
    if (ref_weekday(d) <= 5) {
      e.closed[e.n_closed++] = d;
    }
  }
  n = 77;
  ck_assert_int_eq(infuse_course_plan(&e, NULL, 0, &n, NULL), INFUSE_OK);
  ck_assert_uint_eq(n, 0);
}
END_TEST

/* An error status fills a non-NULL diag (infuse.h, "Diagnostics"): the
 * buffer-too-small status is an error status too. */
START_TEST(buffer_too_small_fills_diag) {
  infuse_course_options_t o = defaults("2026-11-30");
  size_t n = 0;
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(infuse_course_plan(&o, sess, 3, &n, &diag),
                   INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_int_eq(diag.status, INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_gt(strlen(diag.message), 0);
}
END_TEST

START_TEST(null_arguments) {
  infuse_course_options_t o = defaults("2026-11-30");
  size_t n = 4242;
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(infuse_course_plan(NULL, sess, MAXS, &n, &diag),
                   INFUSE_E_NULL);
  ck_assert_int_eq(diag.status, INFUSE_E_NULL);
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, NULL, NULL),
                   INFUSE_E_NULL);
  ck_assert_int_eq(infuse_course_plan(&o, NULL, 5, &n, NULL), INFUSE_E_NULL);
  ck_assert_uint_eq(n, 4242);
}
END_TEST

/* At most INFUSE_MAX_SESSIONS: daily sessions (min interval 1, every day
 * a clinic day). 6 induction sessions + a 1 d x 994 taper = 1000 sessions
 * fit; 1 d x 995 = 1001 do not; "repeat until the horizon" over 5 years
 * neither. */
START_TEST(session_limit) {
  infuse_course_options_t o = defaults("2026-11-30");
  o.clinic_days = 0x7f;
  o.per_week = 2;
  o.min_interval_days = 1;
  o.n_taper_steps = 1;
  o.taper[0] = (infuse_taper_step_t){1, 994};
  o.horizon_months = 60;
  size_t n = 0;
  fill_sentinel(sess, MAXS + 8);
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  ck_assert_uint_eq(n, 1000);
  /* induction 2/week from Mon 11-30 ends Thu 12-17, then daily from 12-18:
   * session 1000 is 12-18 + 993 days; 2026-12-18 + 365 + 366 (2028) =
   * 2028-12-18, + 262 = 2029-09-06 */
  ck_assert_int_eq(sess[999].date, D("2026-12-18") + 993);
  ck_assert_int_eq(sess[999].date, D("2029-09-06"));
  ck_assert(is_sentinel(sess + 1000, 8));
  o.taper[0].count = 995;
  expect_error(&o, INFUSE_E_RANGE, "", "over 1000 sessions");
  o.taper[0].count = 0;
  expect_error(&o, INFUSE_E_RANGE, "", "over 1000 sessions");
}
END_TEST

/* ------------------------------------------------------------------------
 * Invalid options: refused, nothing written
 * ---------------------------------------------------------------------- */

typedef struct bad_option {
  const char *what;
  int status;
  const char *field;
} bad_option_t;

static const bad_option_t bad_options[] = {
    {"struct_size 0", INFUSE_E_STRUCT_SIZE, "struct_size"},
    {"struct_size - 4", INFUSE_E_STRUCT_SIZE, "struct_size"},
    {"struct_size + 4", INFUSE_E_STRUCT_SIZE, "struct_size"},
    {"start before 1900", INFUSE_E_RANGE, "start"},
    {"start after 9999", INFUSE_E_RANGE, "start"},
    {"induction 0", INFUSE_E_RANGE, "induction_count"},
    {"induction 13", INFUSE_E_RANGE, "induction_count"},
    {"induction -1", INFUSE_E_RANGE, "induction_count"},
    {"per_week 1", INFUSE_E_RANGE, "per_week"},
    {"per_week 4", INFUSE_E_RANGE, "per_week"},
    {"per_week 0", INFUSE_E_RANGE, "per_week"},
    {"clinic_days 0", INFUSE_E_INVALID, "clinic_days"},
    {"clinic_days bit 7 only", INFUSE_E_INVALID, "clinic_days"},
    {"clinic_days Mon-Fri + bit 7", INFUSE_E_INVALID, "clinic_days"},
    {"clinic_days Mon-Fri + bit 8", INFUSE_E_INVALID, "clinic_days"},
    {"3/week on Mon+Tue, 48 h", INFUSE_E_CONFLICT, "per_week"},
    {"2/week on Mon+Tue, 48 h", INFUSE_E_CONFLICT, "per_week"},
    {"3/week on Mon-Wed, 48 h", INFUSE_E_CONFLICT, "per_week"},
    {"2/week on Monday only", INFUSE_E_CONFLICT, "per_week"},
    {"3/week with 72 h", INFUSE_E_CONFLICT, "per_week"},
    {"2/week with 96 h", INFUSE_E_CONFLICT, "per_week"},
    {"min interval 0", INFUSE_E_RANGE, "min_interval_days"},
    {"min interval 29", INFUSE_E_RANGE, "min_interval_days"},
    {"horizon 0", INFUSE_E_RANGE, "horizon_months"},
    {"horizon 61", INFUSE_E_RANGE, "horizon_months"},
    {"horizon -12", INFUSE_E_RANGE, "horizon_months"},
    {"maintenance 3", INFUSE_E_INVALID, "maintenance"},
    {"taper: no steps", INFUSE_E_RANGE, "taper"},
    {"taper: 17 steps", INFUSE_E_RANGE, "taper"},
    {"taper: count 0 not last", INFUSE_E_INVALID, "taper"},
    {"taper: interval 0", INFUSE_E_RANGE, "taper"},
    {"taper: interval -7", INFUSE_E_RANGE, "taper"},
    {"taper: count -1", INFUSE_E_RANGE, "taper"},
    {"n_closed 129", INFUSE_E_RANGE, "n_closed"},
    {"n_closed -1", INFUSE_E_RANGE, "n_closed"},
    {"closed date before 1900", INFUSE_E_RANGE, "closed"},
    {"closed date after 9999", INFUSE_E_RANGE, "closed"},
};

static void make_bad(int which, infuse_course_options_t *o) {
  switch (which) {
  case 0:
    o->struct_size = 0;
    break;
  case 1:
    o->struct_size -= 4;
    break;
  case 2:
    o->struct_size += 4;
    break;
  case 3:
    o->start = INFUSE_DATE_MIN - 1;
    break;
  case 4:
    o->start = INFUSE_DATE_MAX + 1;
    break;
  case 5:
    o->induction_count = 0;
    break;
  case 6:
    o->induction_count = 13;
    break;
  case 7:
    o->induction_count = -1;
    break;
  case 8:
    o->per_week = 1;
    break;
  case 9:
    o->per_week = 4;
    break;
  case 10:
    o->per_week = 0;
    break;
  case 11:
    o->clinic_days = 0;
    break;
  case 12:
    o->clinic_days = 0x80;
    break;
  case 13:
    o->clinic_days = 0x9f;
    break;
  case 14:
    o->clinic_days = 0x11f;
    break;
  case 15:
    o->clinic_days = 0x03;
    break;
  case 16:
    o->clinic_days = 0x03;
    o->per_week = 2;
    break;
  case 17:
    o->clinic_days = 0x07;
    break;
  case 18:
    o->clinic_days = 0x01;
    o->per_week = 2;
    break;
  case 19:
    o->min_interval_days = 3;
    break;
  case 20:
    o->min_interval_days = 4;
    o->per_week = 2;
    o->clinic_days = 0x7f;
    break;
  case 21:
    o->min_interval_days = 0;
    break;
  case 22:
    o->min_interval_days = 29;
    break;
  case 23:
    o->horizon_months = 0;
    break;
  case 24:
    o->horizon_months = 61;
    break;
  case 25:
    o->horizon_months = -12;
    break;
  case 26:
    o->maintenance = (infuse_maintenance_t)3;
    break;
  case 27:
    o->n_taper_steps = 0;
    break;
  case 28:
    o->n_taper_steps = 17;
    break;
  case 29:
    o->taper[2].count = 0;
    break;
  case 30:
    o->taper[1].interval_days = 0;
    break;
  case 31:
    o->taper[5].interval_days = -7;
    break;
  case 32:
    o->taper[0].count = -1;
    break;
  case 33:
    o->n_closed = 129;
    break;
  case 34:
    o->n_closed = -1;
    break;
  case 35:
    o->n_closed = 3;
    o->closed[1] = INFUSE_DATE_MIN - 1;
    break;
  case 36:
    o->n_closed = 3;
    o->closed[2] = INFUSE_DATE_MAX + 1;
    break;
  default:
    ck_abort_msg("no such case");
    break;
  }
}

START_TEST(invalid_options) {
  const bad_option_t *b = &bad_options[_i];
  infuse_course_options_t o = defaults("2026-11-30");
  for (int32_t i = 0; i < INFUSE_MAX_CLOSED; i++) {
    o.closed[i] = D("2026-12-25") + 7 * i; /* valid, unused by default */
  }
  make_bad(_i, &o);
  expect_error(&o, b->status, b->field, b->what);
}
END_TEST

/* The valid neighbours of the refused values. */
START_TEST(valid_edges) {
  size_t n = 0;
  infuse_course_options_t o = defaults("2026-11-30");
  o.clinic_days = 0x15; /* Mon/Wed/Fri exactly */
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  o = defaults("2026-11-30");
  o.clinic_days = 0x09; /* Mon/Thu, 2 per week */
  o.per_week = 2;
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  o = defaults("2026-11-30");
  o.clinic_days = 0x07; /* Mon-Wed: 3 a week with 24 h */
  o.min_interval_days = 1;
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  o = defaults("2026-11-30");
  o.min_interval_days = 3; /* 72 h: 2 a week fit */
  o.per_week = 2;
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  o = defaults("2026-11-30");
  o.induction_count = 12;
  o.horizon_months = 60;
  o.n_closed = INFUSE_MAX_CLOSED;
  for (int32_t i = 0; i < INFUSE_MAX_CLOSED; i++) {
    o.closed[i] = i % 2 ? INFUSE_DATE_MIN : INFUSE_DATE_MAX;
  }
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  o = defaults("2026-11-30");
  o.induction_count = 1;
  o.n_taper_steps = INFUSE_MAX_TAPER_STEPS;
  for (int32_t i = 0; i < INFUSE_MAX_TAPER_STEPS; i++) {
    o.taper[i] = (infuse_taper_step_t){7 + i, i + 1 < INFUSE_MAX_TAPER_STEPS};
  }
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  /* WEEKLY and NONE do not use the taper list */
  o = defaults("2026-11-30");
  o.maintenance = INFUSE_MAINTENANCE_NONE;
  ck_assert_int_eq(infuse_course_plan(&o, sess, MAXS, &n, NULL), INFUSE_OK);
  ck_assert_uint_eq(n, 6);
}
END_TEST

/* ------------------------------------------------------------------------
 * A second planner, from the header's rules
 * ---------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static int32_t rng_range(int32_t lo, int32_t hi) {
  uint64_t span = (uint64_t)((int64_t)hi - (int64_t)lo) + 1u;
  return (int32_t)((int64_t)lo + (int64_t)(rng_next() % span));
}

static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

typedef struct ref_ctx {
  const infuse_course_options_t *o;
  int32_t closed[INFUSE_MAX_CLOSED];
  size_t n_closed;
} ref_ctx_t;

static int ref_allowed(const ref_ctx_t *c, int32_t d) {
  if ((c->o->clinic_days >> (ref_weekday(d) - 1)) % 2u == 0) {
    return 0;
  }
  return bsearch(&d, c->closed, c->n_closed, sizeof(int32_t), cmp_i32) == NULL;
}

#define SNAP_PAST 1 /* at or past the horizon, or past 9999-12-31 */
#define SNAP_NONE 2 /* more than 366 days with no allowed day */

/* The first allowed day on or after t. A day at or past the horizon `end`
 * would not be planned, so the search stops there: only a run of closed
 * days that keeps a session from being planned before the horizon is a
 * conflict. */
static int ref_snap(const ref_ctx_t *c, int32_t t, int32_t end, int32_t *out) {
  for (int32_t k = 0; k <= 366; k++) {
    if (t + k > INFUSE_DATE_MAX || t + k >= end) {
      return SNAP_PAST;
    }
    if (ref_allowed(c, t + k)) {
      *out = t + k;
      return 0;
    }
  }
  return SNAP_NONE;
}

/* Sessions a week the clinic days hold under the minimum interval: the
 * largest set of weekdays repeated every week whose gaps (around the week)
 * are all at least min_interval. */
static int32_t ref_capacity(uint32_t clinic, int32_t min_interval) {
  int32_t best = 0;
  for (uint32_t set = 1; set < 128; set++) {
    if ((set & ~clinic) != 0) {
      continue;
    }
    int32_t days[7], k = 0;
    for (int32_t d = 0; d < 7; d++) {
      if ((set >> d) & 1u) {
        days[k++] = d;
      }
    }
    int ok = 1;
    for (int32_t i = 0; i < k; i++) {
      int32_t gap = i + 1 < k ? days[i + 1] - days[i] : days[0] + 7 - days[i];
      if (gap < min_interval) {
        ok = 0;
      }
    }
    if (ok && k > best) {
      best = k;
    }
  }
  return best;
}

static int ref_validate(const infuse_course_options_t *o) {
  if (o->struct_size != sizeof *o) {
    return INFUSE_E_STRUCT_SIZE;
  }
  if (o->start < INFUSE_DATE_MIN || o->start > INFUSE_DATE_MAX ||
      o->induction_count < 1 || o->induction_count > 12 || o->per_week < 2 ||
      o->per_week > 3 || o->min_interval_days < 1 ||
      o->min_interval_days > 28 || o->horizon_months < 1 ||
      o->horizon_months > 60) {
    return INFUSE_E_RANGE;
  }
  if (o->clinic_days == 0 || o->clinic_days > 127) {
    return INFUSE_E_INVALID;
  }
  if (ref_capacity(o->clinic_days, o->min_interval_days) < o->per_week) {
    return INFUSE_E_CONFLICT;
  }
  if (o->maintenance == INFUSE_MAINTENANCE_TAPER) {
    if (o->n_taper_steps < 1 || o->n_taper_steps > INFUSE_MAX_TAPER_STEPS) {
      return INFUSE_E_RANGE;
    }
    for (int32_t i = 0; i < o->n_taper_steps; i++) {
      if (o->taper[i].count == 0 && i + 1 < o->n_taper_steps) {
        return INFUSE_E_INVALID;
      }
    }
  }
  if (o->n_closed < 0 || o->n_closed > INFUSE_MAX_CLOSED) {
    return INFUSE_E_RANGE;
  }
  for (int32_t i = 0; i < o->n_closed; i++) {
    if (o->closed[i] < INFUSE_DATE_MIN || o->closed[i] > INFUSE_DATE_MAX) {
      return INFUSE_E_RANGE;
    }
  }
  return INFUSE_OK;
}

/* The j-th maintenance gap (from 0) of a taper; 0 when the list is done. */
static int32_t ref_taper_gap(const infuse_course_options_t *o, int32_t j) {
  for (int32_t i = 0; i < o->n_taper_steps; i++) {
    if (o->taper[i].count == 0 || j < o->taper[i].count) {
      return o->taper[i].interval_days;
    }
    j -= o->taper[i].count;
  }
  return 0;
}

/* The week's rhythm: position in the cycle (2, 2, 3 or 3, 4) for ISO
 * weekday wd, so that Mon/Wed/Fri (Mon/Thu) lines up from a Monday. The
 * header documents Mon, Wed, Fri (3 a week) and Mon, Thu (2 a week); for
 * the other weekdays it says nothing, and a day here counts as the
 * documented day at or before it (Tue as Mon, Sat and Sun as Fri). */
static int32_t ref_rhythm(int32_t per_week, int wd) {
  if (per_week == 3) {
    return wd <= 2 ? 0 : wd <= 4 ? 1 : 2; /* Mon/Wed/Fri: 0, 1, 2 */
  }
  return wd <= 3 ? 0 : 1; /* Mon, Thu */
}

/* The plan by the rules. align_on_first: the week's rhythm follows the
 * first session's weekday: the header's "Mon/Wed/Fri from a Monday" is
 * about the sessions, so a start moved from a Saturday to a Monday is a
 * series from a Monday. align_on_first 0: it follows the start's weekday
 * even when the start moved (used only to sort differences). */
static int ref_plan(const infuse_course_options_t *o, int align_on_first,
                    infuse_session_t *out, size_t *n_out) {
  int rc = ref_validate(o);
  if (rc != INFUSE_OK) {
    return rc;
  }
  ref_ctx_t c;
  c.o = o;
  c.n_closed = (size_t)o->n_closed;
  memcpy(c.closed, o->closed, c.n_closed * sizeof(int32_t));
  qsort(c.closed, c.n_closed, sizeof(int32_t), cmp_i32);
  int32_t end;
  if (!ref_add_months(o->start, o->horizon_months, &end)) {
    end = INFUSE_DATE_MAX + 1;
  }
  static const int32_t cyc3[3] = {2, 2, 3}, cyc2[2] = {3, 4};
  const int32_t *cyc = o->per_week == 3 ? cyc3 : cyc2;
  int32_t ncyc = o->per_week == 3 ? 3 : 2;
  int32_t rhythm = 0;
  size_t n = 0;
  int32_t prev = 0;
  for (;;) {
    int32_t i = (int32_t)n;
    int32_t gap = 0;
    int32_t target;
    if (i == 0) {
      target = o->start;
    } else {
      if (i < o->induction_count) {
        gap = cyc[(rhythm + i - 1) % ncyc];
      } else if (o->maintenance == INFUSE_MAINTENANCE_WEEKLY) {
        gap = 7;
      } else if (o->maintenance == INFUSE_MAINTENANCE_TAPER) {
        gap = ref_taper_gap(o, i - o->induction_count);
      }
      if (gap == 0) {
        break; /* NONE, or the taper list is done */
      }
      if (gap < o->min_interval_days) {
        gap = o->min_interval_days;
      }
      target = prev + gap;
    }
    int32_t date = 0;
    int s = ref_snap(&c, target, end, &date);
    if (s == SNAP_PAST) {
      break;
    }
    if (s == SNAP_NONE) {
      return INFUSE_E_CONFLICT;
    }
    if (date >= end) {
      break;
    }
    if (n == MAXS) {
      return INFUSE_E_RANGE;
    }
    if (i == 0) {
      rhythm = ref_rhythm(o->per_week,
                          ref_weekday(align_on_first ? date : o->start));
    }
    out[n].index = i + 1;
    out[n].date = date;
    out[n].phase = i < o->induction_count ? INFUSE_PHASE_INDUCTION
                                          : INFUSE_PHASE_MAINTENANCE;
    out[n].interval_days = i == 0 ? 0 : date - prev;
    out[n].target_interval_days = gap;
    out[n].moved_days = date - target;
    prev = date;
    n++;
  }
  *n_out = n;
  return INFUSE_OK;
}

/* ------------------------------------------------------------------------
 * Random option sets
 * ---------------------------------------------------------------------- */

#define N_RANDOM 3400

typedef struct gen_info {
  int sorted_taper; /* taper intervals non-decreasing */
} gen_info_t;

static void gen_options(infuse_course_options_t *o, gen_info_t *info) {
  static const uint32_t masks[] = {0x1f, 0x1f, 0x1f, 0x15, 0x09, 0x0f,
                                   0x7f, 0x3f, 0x2a, 0x55, 0x1e, 0x6d};
  int32_t start = rng_range(D("1990-01-01"), D("2090-12-31"));
  ck_assert_int_eq(infuse_course_init(o, start), INFUSE_OK);
  o->clinic_days = rng_next() % 2 ? masks[rng_next() % N_ROWS(masks)]
                                  : (uint32_t)rng_range(1, 127);
  o->per_week = rng_next() % 5 < 3 ? 3 : 2;
  int32_t r = rng_range(0, 99);
  o->min_interval_days = r < 50   ? 2
                         : r < 75 ? 1
                         : r < 97 ? 3
                                  : rng_range(4, 28);
  o->induction_count = rng_range(1, 12);
  r = rng_range(0, 9);
  o->maintenance = r < 6   ? INFUSE_MAINTENANCE_TAPER
                   : r < 8 ? INFUSE_MAINTENANCE_WEEKLY
                           : INFUSE_MAINTENANCE_NONE;
  info->sorted_taper = 1;
  if (rng_next() % 4 != 0) { /* else keep the default taper */
    o->n_taper_steps = rng_next() % 3 == 0
                           ? rng_range(1, INFUSE_MAX_TAPER_STEPS)
                           : rng_range(1, 6);
    int32_t iv = rng_range(1, 10);
    info->sorted_taper = rng_next() % 4 != 0;
    for (int32_t i = 0; i < o->n_taper_steps; i++) {
      o->taper[i].interval_days = info->sorted_taper ? iv : rng_range(1, 60);
      iv += rng_range(0, 8);
      o->taper[i].count = rng_range(1, 5);
    }
    if (rng_next() % 5 < 3) {
      o->taper[o->n_taper_steps - 1].count = 0;
    }
  }
  r = rng_range(0, 9);
  o->horizon_months = r < 6 ? rng_range(1, 14) : rng_range(1, 60);
  o->n_closed = 0;
  r = rng_range(0, 9);
  if (r >= 3) {
    int32_t want = r < 8 ? rng_range(1, 40) : rng_range(40, INFUSE_MAX_CLOSED);
    while (o->n_closed < want) {
      int32_t kind = rng_range(0, 9);
      if (kind < 4) { /* a run of closed days near the start */
        int32_t from = start + rng_range(-5, 120);
        int32_t len = rng_range(1, 16);
        for (int32_t k = 0; k < len && o->n_closed < want; k++) {
          if (from + k >= INFUSE_DATE_MIN && from + k <= INFUSE_DATE_MAX) {
            o->closed[o->n_closed++] = from + k;
          }
        }
      } else if (kind < 9) { /* scattered within the horizon */
        o->closed[o->n_closed++] =
            start + rng_range(-3, o->horizon_months * 31);
      } else { /* anywhere, duplicates allowed */
        int32_t d = rng_next() % 2 && o->n_closed > 0
                        ? o->closed[rng_next() % (uint32_t)o->n_closed]
                        : rng_range(INFUSE_DATE_MIN, INFUSE_DATE_MAX);
        o->closed[o->n_closed++] = d;
      }
    }
  }
}

/* Check's ck_assert records every passing assertion (a message to the
 * runner), which is slow in loops over thousands of sessions: this checks
 * and only calls Check on a failure. */
#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      char when_[16];                                                          \
      fmt_day(s->date, when_, sizeof when_);                                   \
      ck_abort_msg("case %d, session %d (%s): %s", iter, i + 1, when_, #cond); \
    }                                                                          \
  } while (0)

/* Properties every plan has, checked without a second planner. */
START_TEST(random_properties) {
  rng_state = 0xc0ffee11u;
  int32_t planned = 0, refused = 0, sessions_total = 0, moved_total = 0;
  int32_t start_lo = D("1990-01-01"), start_hi = D("2090-12-31");
  for (int iter = 0; iter < N_RANDOM; iter++) {
    infuse_course_options_t o;
    gen_info_t info;
    gen_options(&o, &info);
    ck_assert(o.start >= start_lo && o.start <= start_hi);
    size_t n = 0;
    int rc = infuse_course_plan(&o, sess, MAXS, &n, NULL);
    if (rc != INFUSE_OK) {
      /* refusals are compared with the rules in random_against_reference */
      refused++;
      continue;
    }
    planned++;
    ck_assert_uint_le(n, MAXS);
    sessions_total += (int32_t)n;
    int32_t end;
    if (!ref_add_months(o.start, o.horizon_months, &end)) {
      end = INFUSE_DATE_MAX + 1;
    }
    ref_ctx_t c;
    c.o = &o;
    c.n_closed = (size_t)o.n_closed;
    memcpy(c.closed, o.closed, c.n_closed * sizeof(int32_t));
    qsort(c.closed, c.n_closed, sizeof(int32_t), cmp_i32);
    int32_t n_ind = 0, n_maint = 0;
    int32_t rhythm_ok[3] = {1, 1, 1};
    static const int32_t cyc3[3] = {2, 2, 3}, cyc2[2] = {3, 4};
    const int32_t *cyc = o.per_week == 3 ? cyc3 : cyc2;
    int32_t ncyc = o.per_week == 3 ? 3 : 2;
    int32_t prev_maint_target = 0;
    for (size_t k = 0; k < n; k++) {
      const infuse_session_t *s = &sess[k];
      int32_t i = (int32_t)k;
      EXPECT(s->index == i + 1);
      EXPECT(ref_allowed(&c, s->date)); /* a clinic day, not closed */
      EXPECT(s->date < end);            /* before start + horizon */
      EXPECT(s->date >= o.start);
      int32_t target =
          i == 0 ? o.start : sess[k - 1].date + s->target_interval_days;
      if (i == 0) {
        EXPECT(s->interval_days == 0);
        EXPECT(s->target_interval_days == 0);
      } else {
        EXPECT(s->date > sess[k - 1].date);
        EXPECT(s->interval_days == s->date - sess[k - 1].date);
        EXPECT(s->target_interval_days >= o.min_interval_days);
        EXPECT(s->interval_days >= s->target_interval_days);
        EXPECT(s->interval_days >= o.min_interval_days);
      }
      EXPECT(s->moved_days == s->date - target);
      EXPECT(s->moved_days >= 0);
      moved_total += s->moved_days;
      /* snapping goes to the next allowed day: none in between */
      for (int32_t d = target; d < s->date; d++) {
        EXPECT(!ref_allowed(&c, d));
      }
      if (i < o.induction_count) {
        EXPECT(s->phase == INFUSE_PHASE_INDUCTION);
        n_ind++;
        if (i > 0) {
          /* the cycle 2, 2, 3 (3, 4) from some position */
          for (int32_t p = 0; p < ncyc; p++) {
            int32_t g = cyc[(p + i - 1) % ncyc];
            if (g < o.min_interval_days) {
              g = o.min_interval_days;
            }
            if (g != s->target_interval_days) {
              rhythm_ok[p] = 0;
            }
          }
        }
      } else {
        EXPECT(s->phase == INFUSE_PHASE_MAINTENANCE);
        int32_t want = 0;
        if (o.maintenance == INFUSE_MAINTENANCE_WEEKLY) {
          want = 7;
        } else if (o.maintenance == INFUSE_MAINTENANCE_TAPER) {
          want = ref_taper_gap(&o, n_maint); /* the steps, in order */
        }
        EXPECT(want != 0); /* no session after the maintenance ended */
        if (want < o.min_interval_days) {
          want = o.min_interval_days;
        }
        EXPECT(s->target_interval_days == want);
        if (info.sorted_taper) {
          EXPECT(s->target_interval_days >= prev_maint_target);
        }
        prev_maint_target = s->target_interval_days;
        n_maint++;
      }
    }
    ck_assert_msg(rhythm_ok[0] || rhythm_ok[1] || (ncyc == 3 && rhythm_ok[2]),
                  "case %d: induction gaps do not follow the cycle", iter);
    /* induction first, as many as fit; nothing after NONE */
    ck_assert_int_le(n_ind, o.induction_count);
    if (n_ind < o.induction_count) {
      ck_assert_int_eq(n_maint, 0);
    }
    if (o.maintenance == INFUSE_MAINTENANCE_NONE) {
      ck_assert_int_eq(n_maint, 0);
    }
    /* the closed list's order does not matter */
    if (iter % 4 == 0 && o.n_closed > 1) {
      infuse_course_options_t r = o;
      for (int32_t a = 0, b = r.n_closed - 1; a < b; a++, b--) {
        int32_t t = r.closed[a];
        r.closed[a] = r.closed[b];
        r.closed[b] = t;
      }
      size_t n2 = 0;
      ck_assert_int_eq(infuse_course_plan(&r, sess2, MAXS, &n2, NULL),
                       INFUSE_OK);
      ck_assert_uint_eq(n2, n);
      ck_assert_int_eq(memcmp(sess, sess2, n * sizeof *sess), 0);
    }
    /* buffer contract */
    if (iter % 8 == 0) {
      size_t need = 0;
      int brc = infuse_course_plan(&o, NULL, 0, &need, NULL);
      ck_assert_int_eq(brc, n == 0 ? INFUSE_OK : INFUSE_E_BUFFER_TOO_SMALL);
      ck_assert_uint_eq(need, n);
      if (n > 0) {
        fill_sentinel(sess2, n);
        need = 0;
        ck_assert_int_eq(infuse_course_plan(&o, sess2, n - 1, &need, NULL),
                         INFUSE_E_BUFFER_TOO_SMALL);
        ck_assert_uint_eq(need, n);
        ck_assert(is_sentinel(sess2, n));
      }
    }
  }
  ck_assert_int_ge(planned, 2000);
  ck_assert_int_gt(refused, 0);
  ck_assert_int_gt(moved_total, 0);
  ck_assert_int_gt(sessions_total, 20 * planned);
}
END_TEST

static void describe(char *buf, size_t cap, const infuse_course_options_t *o,
                     const infuse_session_t *a, size_t na,
                     const infuse_session_t *b, size_t nb, int rca, int rcb) {
  char start[16];
  fmt_day(o->start, start, sizeof start);
  size_t k = 0;
  while (k < na && k < nb && a[k].date == b[k].date &&
         a[k].interval_days == b[k].interval_days &&
         a[k].target_interval_days == b[k].target_interval_days &&
         a[k].moved_days == b[k].moved_days && a[k].phase == b[k].phase &&
         a[k].index == b[k].index) {
    k++;
  }
  char da[16] = "-", db[16] = "-";
  if (k < na) {
    fmt_day(a[k].date, da, sizeof da);
  }
  if (k < nb) {
    fmt_day(b[k].date, db, sizeof db);
  }
  snprintf(buf, cap,
           "start %s (weekday %d) clinic 0x%02x per_week %d min %d "
           "induction %d maintenance %d horizon %d n_closed %d: rules rc %d "
           "n %zu, library rc %d n %zu; first difference at session %zu: "
           "rules %s (target %d moved %d), library %s (target %d moved %d)",
           start, ref_weekday(o->start), (unsigned)o->clinic_days,
           (int)o->per_week, (int)o->min_interval_days, (int)o->induction_count,
           (int)o->maintenance, (int)o->horizon_months, (int)o->n_closed, rca,
           na, rcb, nb, k + 1, da, k < na ? (int)a[k].target_interval_days : 0,
           k < na ? (int)a[k].moved_days : 0, db,
           k < nb ? (int)b[k].target_interval_days : 0,
           k < nb ? (int)b[k].moved_days : 0);
}

static int same_plan(int rca, const infuse_session_t *a, size_t na, int rcb,
                     const infuse_session_t *b, size_t nb) {
  if (rca != rcb) {
    return 0;
  }
  if (rca != INFUSE_OK) {
    return 1;
  }
  if (na != nb) {
    return 0;
  }
  for (size_t k = 0; k < na; k++) {
    if (a[k].index != b[k].index || a[k].date != b[k].date ||
        a[k].phase != b[k].phase || a[k].interval_days != b[k].interval_days ||
        a[k].target_interval_days != b[k].target_interval_days ||
        a[k].moved_days != b[k].moved_days) {
      return 0;
    }
  }
  return 1;
}

static infuse_session_t ref_sess[MAXS];

/* The library against the second planner, session by session. Differences
 * are sorted: "rhythm" when the library matches the rules except that the
 * week's rhythm follows the start's weekday instead of the first
 * session's, "other" for anything else. */
START_TEST(random_against_reference) {
  rng_state = 0xc0ffee11u;
  int32_t planned = 0, agree = 0, rhythm = 0, other = 0;
  char first_rhythm[700] = "", first_other[700] = "";
  for (int iter = 0; iter < N_RANDOM; iter++) {
    infuse_course_options_t o;
    gen_info_t info;
    gen_options(&o, &info);
    size_t n = 0, rn = 0;
    int rc = infuse_course_plan(&o, sess, MAXS, &n, NULL);
    int rrc = ref_plan(&o, 1, ref_sess, &rn);
    planned += rc == INFUSE_OK;
    if (same_plan(rrc, ref_sess, rn, rc, sess, n)) {
      agree++;
      continue;
    }
    size_t an = 0;
    int arc = ref_plan(&o, 0, sess2, &an);
    if (same_plan(arc, sess2, an, rc, sess, n)) {
      if (rhythm++ == 0) {
        describe(first_rhythm, sizeof first_rhythm, &o, ref_sess, rn, sess, n,
                 rrc, rc);
      }
    } else if (other++ == 0) {
      describe(first_other, sizeof first_other, &o, ref_sess, rn, sess, n, rrc,
               rc);
    }
  }
  ck_assert_int_ge(planned, 2000);
  ck_assert_msg(other == 0,
                "%d of %d random plans differ from the rules; "
                "first: %s",
                (int)other, N_RANDOM, first_other);
  ck_assert_msg(rhythm == 0,
                "%d of %d random plans take the week's rhythm "
                "from the start's weekday, not the first session's; first: %s",
                (int)rhythm, N_RANDOM, first_rhythm);
  ck_assert_int_eq(agree, N_RANDOM);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *course_suite(void) {
  Suite *s = suite_create("course");
  TCase *core = tcase_create("core");
  tcase_add_test(core, init_defaults);
  tcase_add_test(core, phase_names);
  tcase_add_test(core, golden_default);
  tcase_add_test(core, golden_holidays);
  tcase_add_test(core, golden_new_year_no_maintenance);
  tcase_add_test(core, golden_closed_week);
  tcase_add_test(core, golden_closed_run);
  tcase_add_test(core, golden_saturday_start);
  tcase_add_test(core, golden_twice_weekly_then_weekly);
  tcase_add_test(core, golden_week_rhythms);
  tcase_add_test(core, golden_finite_taper);
  tcase_add_test(core, golden_min_interval);
  tcase_add_test(core, golden_leap_year);
  tcase_add_test(core, horizon_clamped_and_exclusive);
  tcase_add_test(core, horizon_cuts_induction);
  tcase_add_test(core, calendar_end);
  tcase_add_test(core, closed_366_days_allowed);
  tcase_add_test(core, buffer_contract);
  tcase_add_test(core, valid_edges);
  suite_add_tcase(s, core);
  TCase *limits = tcase_create("limits");
  tcase_add_test(limits, session_limit);
  tcase_add_test(limits, closed_more_than_366_days);
  tcase_add_test(limits, closed_run_mid_plan);
  tcase_add_test(limits, closed_run_after_horizon);
  suite_add_tcase(s, limits);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, init_errors);
  tcase_add_loop_test(errors, invalid_options, 0, N_ROWS(bad_options));
  tcase_add_test(errors, null_arguments);
  tcase_add_test(errors, buffer_too_small_fills_diag);
  suite_add_tcase(s, errors);
  TCase *props = tcase_create("properties");
  tcase_set_timeout(props, 120);
  tcase_add_test(props, random_properties);
  tcase_add_test(props, random_against_reference);
  suite_add_tcase(s, props);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(course_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
