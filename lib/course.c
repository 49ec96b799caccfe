/*
 * course.c - plan a course: induction series, then maintenance, on clinic
 * days, around closed dates, within a horizon. Rules in infuse.h above
 * infuse_course_options_t.
 */
#include "internal.h"

#include <string.h>

const char *infuse_phase_name(int phase) {
  switch (phase) {
  case INFUSE_PHASE_INDUCTION:
    return "induction";
  case INFUSE_PHASE_MAINTENANCE:
    return "maintenance";
  default:
    return "unknown";
  }
}

/* Pfeiffer et al. 2024 (VA): from every 5 days to every 3-4 weeks over the
 * first 5 months. The steps are a configurable reading of that report. */
static const infuse_taper_step_t default_taper[] = {{5, 2},  {7, 2},  {10, 2},
                                                    {14, 2}, {21, 2}, {28, 0}};

int infuse_course_init(infuse_course_options_t *opt, int32_t start) {
  if (opt == NULL) {
    return INFUSE_E_NULL;
  }
  if (start < INFUSE_DATE_MIN || start > INFUSE_DATE_MAX) {
    return INFUSE_E_RANGE;
  }
  memset(opt, 0, sizeof *opt);
  opt->struct_size = (uint32_t)sizeof *opt;
  opt->start = start;
  opt->induction_count = 6;
  opt->per_week = 3;
  opt->clinic_days = INFUSE_CLINIC_MON_FRI;
  opt->min_interval_days = 2;
  opt->maintenance = INFUSE_MAINTENANCE_TAPER;
  opt->n_taper_steps =
      (int32_t)(sizeof default_taper / sizeof default_taper[0]);
  memcpy(opt->taper, default_taper, sizeof default_taper);
  opt->horizon_months = 12;
  opt->n_closed = 0;
  return INFUSE_OK;
}

/* ---- allowed days ---------------------------------------------------------
 */

typedef struct planner {
  const infuse_course_options_t *opt;
  int32_t closed[INFUSE_MAX_CLOSED]; /* sorted */
  int32_t n_closed;
} planner_t;

static bool is_closed(const planner_t *pl, int32_t date) {
  int32_t lo = 0, hi = pl->n_closed;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo) / 2;
    if (pl->closed[mid] < date) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < pl->n_closed && pl->closed[lo] == date;
}

static bool is_allowed(const planner_t *pl, int32_t date) {
  int wd = infuse_date_weekday(date);
  return wd != 0 && (pl->opt->clinic_days & INFUSE_WEEKDAY_BIT(wd)) != 0 &&
         !is_closed(pl, date);
}

#define MAX_SEARCH_DAYS 366

/* The first allowed day on or after `date` and before `end`: INFUSE_OK;
 * E_RANGE when the horizon or the calendar ends first (the plan ends
 * there); E_CONFLICT after MAX_SEARCH_DAYS days with none. */
static int next_allowed(const planner_t *pl, int32_t date, int32_t end,
                        int32_t *out) {
  for (int32_t k = 0; k <= MAX_SEARCH_DAYS; k++) {
    if (date + k > INFUSE_DATE_MAX || date + k >= end) {
      return INFUSE_E_RANGE;
    }
    if (is_allowed(pl, date + k)) {
      *out = date + k;
      return INFUSE_OK;
    }
  }
  return INFUSE_E_CONFLICT;
}

/* Most sessions per week the clinic days allow with the minimum interval:
 * greedy placement over four weeks, from the best starting weekday. */
static int32_t weekly_capacity(uint32_t clinic_days, int32_t min_interval) {
  int32_t best = 0;
  for (int32_t s = 0; s < 7; s++) {
    if ((clinic_days & (1u << s)) == 0) {
      continue;
    }
    int32_t count = 0;
    int32_t next = s;
    for (int32_t d = s; d < s + 28; d++) {
      if (d >= next && (clinic_days & (1u << (d % 7))) != 0) {
        count++;
        next = d + min_interval;
      }
    }
    if (count / 4 > best) {
      best = count / 4;
    }
  }
  return best;
}

/* ---- validation -----------------------------------------------------------
 */

/* A course option in [lo, hi], else E_RANGE naming the range. */
static int check_range(infuse_diag_t *diag, const char *field, int32_t v,
                       int32_t lo, int32_t hi) {
  return infuse__check_range(diag, INFUSE_E_RANGE, field, v, lo, hi, NULL);
}

static int validate(const infuse_course_options_t *o, infuse_diag_t *diag) {
  if (o->struct_size != sizeof(infuse_course_options_t)) {
    return infuse__fail_q(diag, INFUSE_E_STRUCT_SIZE, "course.struct_size",
                          (int64_t)o->struct_size, INFUSE_UNIT_COUNT,
                          "is not sizeof(infuse_course_options_t) of this "
                          "library",
                          NULL, NULL);
  }
  INFUSE__TRY(check_range(diag, "course.start", o->start, INFUSE_DATE_MIN,
                          INFUSE_DATE_MAX));
  INFUSE__TRY(
      check_range(diag, "course.induction_count", o->induction_count, 1, 12));
  INFUSE__TRY(check_range(diag, "course.per_week", o->per_week, 2, 3));
  INFUSE__TRY(check_range(diag, "course.min_interval_days",
                          o->min_interval_days, 1, 28));
  INFUSE__TRY(
      check_range(diag, "course.horizon_months", o->horizon_months, 1, 60));
  if (o->clinic_days == 0 || (o->clinic_days & ~0x7fu) != 0) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "course.clinic_days",
                          (int64_t)o->clinic_days, INFUSE_UNIT_COUNT,
                          "must name at least one weekday (bits 0 Monday to "
                          "6 Sunday) and nothing else",
                          NULL, NULL);
  }
  if (weekly_capacity(o->clinic_days, o->min_interval_days) < o->per_week) {
    return infuse__fail_q(diag, INFUSE_E_CONFLICT, "course.per_week",
                          o->per_week, INFUSE_UNIT_COUNT,
                          "sessions a week cannot be placed on these clinic "
                          "days with the minimum interval between them",
                          NULL, NULL);
  }
  if (o->maintenance != INFUSE_MAINTENANCE_TAPER &&
      o->maintenance != INFUSE_MAINTENANCE_WEEKLY &&
      o->maintenance != INFUSE_MAINTENANCE_NONE) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "course.maintenance",
                          (int64_t)o->maintenance, INFUSE_UNIT_COUNT,
                          "is not a maintenance; accepted: 0 taper, 1 weekly, "
                          "2 none",
                          NULL, NULL);
  }
  if (o->maintenance == INFUSE_MAINTENANCE_TAPER) {
    INFUSE__TRY(check_range(diag, "course.n_taper_steps", o->n_taper_steps, 1,
                            INFUSE_MAX_TAPER_STEPS));
    for (int32_t i = 0; i < o->n_taper_steps; i++) {
      INFUSE__TRY(check_range(diag, "course.taper.interval_days",
                              o->taper[i].interval_days, 1, 365));
      INFUSE__TRY(check_range(diag, "course.taper.count", o->taper[i].count, 0,
                              INFUSE_MAX_SESSIONS));
      if (o->taper[i].count == 0 && i != o->n_taper_steps - 1) {
        return infuse__fail(diag, INFUSE_E_INVALID, "course.taper.count", "0",
                            "a count of 0 (repeat until the horizon) is "
                            "allowed only on the last taper step",
                            NULL, NULL);
      }
    }
  }
  INFUSE__TRY(
      check_range(diag, "course.n_closed", o->n_closed, 0, INFUSE_MAX_CLOSED));
  for (int32_t i = 0; i < o->n_closed; i++) {
    INFUSE__TRY(check_range(diag, "course.closed", o->closed[i],
                            INFUSE_DATE_MIN, INFUSE_DATE_MAX));
  }
  return INFUSE_OK;
}

/* ---- planning -------------------------------------------------------------
 */

/* Run the plan; write sessions only when `out` is not NULL. */
static int plan(const planner_t *pl, int32_t end, infuse_session_t *out,
                size_t *n, infuse_diag_t *diag) {
  const infuse_course_options_t *o = pl->opt;
  static const int32_t gaps3[3] = {2, 2, 3};
  static const int32_t gaps2[2] = {3, 4};
  const int32_t *gaps = o->per_week == 3 ? gaps3 : gaps2;
  int32_t n_gaps = o->per_week == 3 ? 3 : 2;
  /* align the weekly rhythm with the first session's weekday (Mon/Wed/Fri,
   * or Mon/Thu, from a Monday); it is set once the first date is known */
  int32_t phase_of_week = 0;

  size_t count = 0;
  int32_t prev = 0;
  int32_t step = 0, step_done = 0; /* taper position */
  for (;;) {
    int32_t target_gap = 0;
    infuse_phase_t phase;
    if (count < (size_t)o->induction_count) {
      phase = INFUSE_PHASE_INDUCTION;
      if (count > 0) {
        target_gap = gaps[(phase_of_week + (int32_t)count - 1) % n_gaps];
      }
    } else {
      phase = INFUSE_PHASE_MAINTENANCE;
      if (o->maintenance == INFUSE_MAINTENANCE_NONE) {
        break;
      }
      if (o->maintenance == INFUSE_MAINTENANCE_WEEKLY) {
        target_gap = 7;
      } else {
        if (step >= o->n_taper_steps) {
          break;
        }
        target_gap = o->taper[step].interval_days;
        step_done++;
        if (o->taper[step].count != 0 && step_done >= o->taper[step].count) {
          step++;
          step_done = 0;
        }
      }
    }
    if (count > 0 && target_gap < o->min_interval_days) {
      target_gap = o->min_interval_days;
    }
    int32_t target = count == 0 ? o->start : prev + target_gap;
    int32_t date;
    int rc = target > INFUSE_DATE_MAX ? INFUSE_E_RANGE
                                      : next_allowed(pl, target, end, &date);
    if (rc == INFUSE_E_RANGE) {
      break; /* no open day before the horizon: the plan ends */
    }
    if (rc != INFUSE_OK) {
      char when[16];
      infuse_date_format(target, when, sizeof when);
      return infuse__fail(diag, rc, "course.closed", when,
                          "no clinic day that is open within 366 days of ",
                          when, "");
    }
    if (date >= end) {
      break;
    }
    if (count == 0) {
      int wd = infuse_date_weekday(date);
      phase_of_week = o->per_week == 3 ? (wd <= 2   ? 0
                                          : wd <= 4 ? 1
                                                    : 2)
                                       : (wd <= 3 ? 0 : 1);
    }
    if (count >= INFUSE_MAX_SESSIONS) {
      return infuse__fail(diag, INFUSE_E_RANGE, "course.horizon_months", "",
                          "the plan would have more than 1000 sessions", NULL,
                          NULL);
    }
    if (out != NULL) {
      infuse_session_t *s = &out[count];
      s->index = (int32_t)count + 1;
      s->date = date;
      s->phase = phase;
      s->interval_days = count == 0 ? 0 : date - prev;
      s->target_interval_days = count == 0 ? 0 : target_gap;
      s->moved_days = date - target;
    }
    prev = date;
    count++;
  }
  *n = count;
  return INFUSE_OK;
}

int infuse_course_plan(const infuse_course_options_t *opt,
                       infuse_session_t *sessions, size_t cap, size_t *n,
                       infuse_diag_t *diag) {
  if (opt == NULL || n == NULL || (sessions == NULL && cap != 0)) {
    return infuse__fail(diag, INFUSE_E_NULL, "course", "",
                        "a required pointer is NULL", NULL, NULL);
  }
  INFUSE__TRY(validate(opt, diag));
  planner_t pl;
  pl.opt = opt;
  pl.n_closed = 0;
  /* sorted copy of the closed dates (insertion sort: at most 128) */
  for (int32_t i = 0; i < opt->n_closed; i++) {
    int32_t v = opt->closed[i];
    int32_t j = pl.n_closed;
    while (j > 0 && pl.closed[j - 1] > v) {
      pl.closed[j] = pl.closed[j - 1];
      j--;
    }
    pl.closed[j] = v;
    pl.n_closed++;
  }
  int32_t end;
  if (infuse_date_add_months(opt->start, opt->horizon_months, &end) !=
      INFUSE_OK) {
    end = INFUSE_DATE_MAX + 1; /* the calendar's end is the horizon */
  }
  size_t count = 0;
  INFUSE__TRY(plan(&pl, end, NULL, &count, diag));
  if (count > cap) {
    *n = count;
    return infuse__fail(diag, INFUSE_E_BUFFER_TOO_SMALL, "sessions", "",
                        "the array is too small for the plan; *n is the "
                        "number of sessions needed",
                        NULL, NULL);
  }
  INFUSE__TRY(plan(&pl, end, sessions, &count, diag));
  *n = count;
  return INFUSE_OK;
}
