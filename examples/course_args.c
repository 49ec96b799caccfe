/*
 * course_args.c - course options shared by infuse-schedule and infuse-sim
 * (course_args.h).
 */
#include "course_args.h"

#include <infuse.h>

#include <stddef.h>
#include <string.h>

int course_args_split(char *buf, char **items, int max) {
  int n = 0;
  char *p = buf;
  for (;;) {
    if (n == max) {
      return -1;
    }
    items[n++] = p;
    char *comma = strchr(p, ',');
    if (comma == NULL) {
      return n;
    }
    *comma = '\0';
    p = comma + 1;
  }
}

static const char *const weekday_names[7] = {"mon", "tue", "wed", "thu",
                                             "fri", "sat", "sun"};

const char *course_args_weekday_name(int d) {
  return d >= 1 && d <= 7 ? weekday_names[d - 1] : NULL;
}

/* 1 (mon) to 7 (sun), 0 for anything else. */
static int weekday_of(const char *name) {
  for (int i = 0; i < 7; i++) {
    if (strcmp(name, weekday_names[i]) == 0) {
      return i + 1;
    }
  }
  return 0;
}

int course_args_weekdays(const char *list, uint32_t *bits) {
  char buf[128];
  char *items[16];
  size_t len = strlen(list);
  if (len >= sizeof buf) {
    return COURSE_ARGS_TOO_LONG;
  }
  memcpy(buf, list, len + 1);
  int n = course_args_split(buf, items, 16);
  if (n < 0) {
    return COURSE_ARGS_TOO_MANY;
  }
  uint32_t b = 0;
  for (int i = 0; i < n; i++) {
    char *dash = strchr(items[i], '-');
    int from, to;
    if (dash != NULL) {
      *dash = '\0';
      from = weekday_of(items[i]);
      to = weekday_of(dash + 1);
    } else {
      from = to = weekday_of(items[i]);
    }
    if (from == 0 || to == 0 || to < from) {
      return COURSE_ARGS_BAD;
    }
    for (int d = from; d <= to; d++) {
      b |= INFUSE_WEEKDAY_BIT(d);
    }
  }
  *bits = b;
  return COURSE_ARGS_OK;
}

const char *course_args_option_of(const char *field) {
  static const struct {
    const char *field, *option;
  } map[] = {
      {"course.start", "--start"},
      {"course.induction_count", "--induction"},
      {"course.per_week", "--per-week"},
      {"course.min_interval_days", "--min-interval"},
      {"course.horizon_months", "--months"},
      {"course.clinic_days", "--clinic-days"},
      {"course.closed", "--closed"},
      {"course.n_closed", "--closed"},
      {"course.n_taper_steps", "--taper"},
      {"course.taper.interval_days", "--taper"},
      {"course.taper.count", "--taper"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (strcmp(map[i].field, field) == 0) {
      return map[i].option;
    }
  }
  return NULL;
}
