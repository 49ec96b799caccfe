/*
 * course_args.h - the pieces of the course options that infuse-schedule
 * (schedule.c) and infuse-sim (sim.c) share: comma lists, weekday lists
 * and the option that sets each library course field. Each program prints
 * its own messages; these functions print nothing.
 */
#ifndef INFUSE_COURSE_ARGS_H
#define INFUSE_COURSE_ARGS_H

#include <stdint.h>

/* Splits the comma list in buf (changed in place) into items; returns the
 * count, or -1 when there are more than max items. An empty list is one
 * empty item. */
int course_args_split(char *buf, char **items, int max);

/* Why course_args_weekdays refused a list. */
enum {
  COURSE_ARGS_OK = 0,
  COURSE_ARGS_TOO_LONG = -1, /* 128 bytes or more */
  COURSE_ARGS_TOO_MANY = -2, /* more than 16 items */
  COURSE_ARGS_BAD = -3       /* an item is not a weekday or a range */
};

/* "mon,wed-fri" -> INFUSE_WEEKDAY_BIT of each day named; weekdays are
 * mon tue wed thu fri sat sun, a range is FROM-TO with FROM not after TO.
 * *bits is set only on success. */
int course_args_weekdays(const char *list, uint32_t *bits);

/* The name course_args_weekdays reads for weekday d, 1 (mon) to 7 (sun),
 * or NULL. */
const char *course_args_weekday_name(int d);

/* The option that sets a library course field ("course.per_week" ->
 * "--per-week"), or NULL. */
const char *course_args_option_of(const char *field);

#endif
