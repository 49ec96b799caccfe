/*
 * schedule.c - infuse-schedule: a course of sessions (induction, then
 * maintenance) as a table, JSON, CSV, iCalendar or FHIR, optionally with
 * the dose and pump program of each session and a response-guided review.
 *
 * The only place besides main that reads the clock: the default DTSTAMP of
 * the iCalendar and FHIR exports.
 */
#include "cli.h"
#include "course_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_help(void) {
  printf(
      "Usage: infuse-schedule --start YYYY-MM-DD [options]\n\n"
      "Plan a course of IV ketamine sessions: an induction series, then\n"
      "maintenance that tapers (or is weekly, or none), on clinic days and\n"
      "around closed dates, within a horizon. With --weight every session\n"
      "carries its dose and pump program. With --baseline and --scores the\n"
      "response-guided findings are evaluated. Findings advise; they never\n"
      "change the plan.\n\n"
      "Course:\n"
      "  --start DATE        first session's date (YYYY-MM-DD); required\n"
      "  --induction N       induction sessions, 1-12 (default 6)\n"
      "  --per-week N        induction sessions a week, 2 or 3 (default 3:\n"
      "                      Mon/Wed/Fri spacing; 2: Mon/Thu)\n"
      "  --maintenance M     taper (default), weekly or none\n"
      "  --taper LIST        taper steps INTERVAL:COUNT,..., the last may\n"
      "                      omit its count to repeat (default\n"
      "                      5d:2,7d:2,10d:2,14d:2,21d:2,28d)\n"
      "  --months N          horizon in calendar months, 1-60 (default 12)\n"
      "  --clinic-days LIST  weekdays open, e.g. mon,wed,fri or mon-fri\n"
      "                      (default mon-fri)\n"
      "  --closed LIST       closed dates, comma-separated YYYY-MM-DD\n"
      "  --min-interval T    shortest gap between sessions, whole days\n"
      "                      (default 48h)\n\n"
      "Dose on each session (optional): --weight and the options of\n"
      "infuse-rate (--dose, --duration, --vial, --bag, --final-conc, --prep,\n"
      "--volume-step, --rate-step, --weight-basis, --height, --sex,\n"
      "--protocol, --acknowledge); for ketamine-oral also --strength.\n\n"
      "Response-guided review (optional):\n"
      "  --scale S           madrs (default) or phq9\n"
      "  --baseline N        score before the first infusion\n"
      "  --scores LIST       scores after infusions 1, 2, ..., e.g. "
      "30,24,18\n\n"
      "Output (one of; default a table):\n"
      "  --json              one JSON object\n"
      "  --csv               RFC 4180 CSV\n"
      "  --ics               iCalendar, one all-day event per session;\n"
      "                      needs --course-id\n"
      "  --fhir              FHIR R4 Bundle of MedicationRequests; needs\n"
      "                      --course-id and --patient (e.g. Patient/123)\n"
      "  --course-id ID      names the course in UIDs and resource ids\n"
      "                      (letters, digits, '-', '.'; up to 64)\n"
      "  --uid-domain D      iCalendar UIDs end in @D (default "
      "infuse.invalid)\n"
      "  --dtstamp T         timestamp of the export, YYYY-MM-DDTHH:MM:SSZ\n"
      "                      (default: now)\n"
      "  --list-protocols, --help, --version\n\n"
      "Exit status: 0 success; 2 invalid input or usage; 3 the dose stops at\n"
      "a limit (the plan is still printed); 1 anything else.\n\n"
      "Example: infuse-schedule --start 2026-11-30 --weight 70kg\n\n"
      "Decision support only: it never replaces clinical judgement.\n");
}

/* A whole number in [lo, hi] written with digits only. */
static int count_value(const cli_t *c, int id, const char *text, long lo,
                       long hi, int32_t *out) {
  char *end = NULL;
  errno = 0;
  long v = 0;
  bool digits = text[0] >= '0' && text[0] <= '9';
  if (digits) {
    v = strtol(text, &end, 10);
  }
  if (!digits || errno != 0 || end == NULL || *end != '\0' || v < lo ||
      v > hi) {
    fprintf(stderr,
            "%s: error: --%s: '%s' is not accepted; accepted: a whole number "
            "from %ld to %ld\n",
            c->prog, cli_option_name(id), text, lo, hi);
    return CLI_EXIT_USAGE;
  }
  *out = (int32_t)v;
  return CLI_EXIT_OK;
}

static int clinic_days(const cli_t *c, uint32_t *out) {
  switch (course_args_weekdays(c->value[OPT_CLINIC_DAYS], out)) {
  case COURSE_ARGS_OK:
    return CLI_EXIT_OK;
  case COURSE_ARGS_TOO_LONG:
    return cli_usage_error(c, "--clinic-days is too long", NULL);
  case COURSE_ARGS_TOO_MANY:
    return cli_usage_error(c, "--clinic-days names more than 16 items", NULL);
  default:
    fprintf(stderr,
            "%s: error: --clinic-days: '%s' is not accepted; accepted: "
            "mon, tue, wed, thu, fri, sat, sun and ranges like mon-fri, "
            "comma-separated\n",
            c->prog, c->value[OPT_CLINIC_DAYS]);
    return CLI_EXIT_USAGE;
  }
}

static int closed_dates(const cli_t *c, infuse_course_options_t *o) {
  size_t len = strlen(c->value[OPT_CLOSED]);
  char *buf = malloc(len + 1);
  char **items = malloc(sizeof(char *) * (INFUSE_MAX_CLOSED + 1));
  int rc = CLI_EXIT_OK;
  if (buf == NULL || items == NULL) {
    free(buf);
    free(items);
    fprintf(stderr, "%s: out of memory\n", c->prog);
    return CLI_EXIT_OTHER;
  }
  memcpy(buf, c->value[OPT_CLOSED], len + 1);
  int n = course_args_split(buf, items, INFUSE_MAX_CLOSED + 1);
  if (n < 0 || n > INFUSE_MAX_CLOSED) {
    fprintf(stderr, "%s: error: --closed: more than %d dates\n", c->prog,
            INFUSE_MAX_CLOSED);
    rc = CLI_EXIT_USAGE;
  }
  for (int i = 0; rc == CLI_EXIT_OK && i < n; i++) {
    infuse_diag_t d;
    int st = infuse_date_parse(items[i], "--closed", &o->closed[i], &d);
    if (st != INFUSE_OK) {
      rc = cli_library_error(c, st, &d);
    }
  }
  if (rc == CLI_EXIT_OK) {
    o->n_closed = n;
  }
  free(buf);
  free(items);
  return rc;
}

/* A time that is a whole number of days (48h, 2d). */
static int whole_days(const cli_t *c, int id, const char *text, int32_t *out) {
  infuse_quantity_t q;
  infuse_diag_t d;
  char field[40];
  snprintf(field, sizeof field, "--%s", cli_option_name(id));
  int rc = infuse_quantity_parse(text, INFUSE_DIM_BIT(INFUSE_DIM_TIME), field,
                                 &q, &d);
  if (rc != INFUSE_OK) {
    return cli_library_error(c, rc, &d);
  }
  if (q.value % 86400 != 0 || q.value / 86400 > 365) {
    fprintf(stderr,
            "%s: error: --%s: '%s' is not accepted; accepted: a whole number "
            "of days (48h, 2d, 7d)\n",
            c->prog, cli_option_name(id), text);
    return CLI_EXIT_USAGE;
  }
  *out = (int32_t)(q.value / 86400);
  return CLI_EXIT_OK;
}

static int taper_steps(const cli_t *c, infuse_course_options_t *o) {
  char buf[512];
  char *items[INFUSE_MAX_TAPER_STEPS + 1];
  if (strlen(c->value[OPT_TAPER]) >= sizeof buf) {
    return cli_usage_error(c, "--taper is too long", NULL);
  }
  strcpy(buf, c->value[OPT_TAPER]);
  int n = course_args_split(buf, items, INFUSE_MAX_TAPER_STEPS + 1);
  if (n < 0 || n > INFUSE_MAX_TAPER_STEPS) {
    fprintf(stderr, "%s: error: --taper: more than %d steps\n", c->prog,
            INFUSE_MAX_TAPER_STEPS);
    return CLI_EXIT_USAGE;
  }
  for (int i = 0; i < n; i++) {
    char *colon = strchr(items[i], ':');
    int32_t count = 0;
    if (colon != NULL) {
      *colon = '\0';
      int rc =
          count_value(c, OPT_TAPER, colon + 1, 1, INFUSE_MAX_SESSIONS, &count);
      if (rc != 0) {
        return rc;
      }
    } else if (i != n - 1) {
      fprintf(stderr,
              "%s: error: --taper: step '%s' has no count; only the last "
              "step may repeat (write INTERVAL:COUNT, e.g. 7d:2)\n",
              c->prog, items[i]);
      return CLI_EXIT_USAGE;
    }
    int rc = whole_days(c, OPT_TAPER, items[i], &o->taper[i].interval_days);
    if (rc != 0) {
      return rc;
    }
    o->taper[i].count = count;
  }
  o->n_taper_steps = n;
  return CLI_EXIT_OK;
}

/* "2026-11-27T10:30:00Z" -> seconds since the epoch. */
static int dtstamp_value(const cli_t *c, int64_t *out) {
  const char *t = c->value[OPT_DTSTAMP];
  char date[11];
  int hh, mm, ss;
  char z;
  int32_t day;
  if (strlen(t) != 20 || t[10] != 'T') {
    goto bad;
  }
  memcpy(date, t, 10);
  date[10] = '\0';
  if (infuse_date_parse(date, "--dtstamp", &day, NULL) != INFUSE_OK ||
      sscanf(t + 11, "%2d:%2d:%2d%c", &hh, &mm, &ss, &z) != 4 || z != 'Z' ||
      t[13] != ':' || t[16] != ':' || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
      ss < 0 || ss > 59) {
    goto bad;
  }
  *out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss;
  return CLI_EXIT_OK;
bad:
  fprintf(stderr,
          "%s: error: --dtstamp: '%s' is not accepted; accepted: "
          "YYYY-MM-DDTHH:MM:SSZ (UTC)\n",
          c->prog, t);
  return CLI_EXIT_USAGE;
}

static int course_options(const cli_t *c, infuse_course_options_t *o) {
  int rc;
  int32_t start;
  infuse_diag_t d;
  if (!c->given[OPT_START]) {
    return cli_usage_error(c, "--start is required (e.g. --start 2026-11-30)",
                           NULL);
  }
  rc = infuse_date_parse(c->value[OPT_START], "--start", &start, &d);
  if (rc != INFUSE_OK) {
    return cli_library_error(c, rc, &d);
  }
  if (infuse_course_init(o, start) != INFUSE_OK) {
    return cli_usage_error(c, "--start is out of range", NULL);
  }
  if (c->given[OPT_INDUCTION] &&
      (rc = count_value(c, OPT_INDUCTION, c->value[OPT_INDUCTION], 1, 12,
                        &o->induction_count)) != 0) {
    return rc;
  }
  if (c->given[OPT_PER_WEEK] &&
      (rc = count_value(c, OPT_PER_WEEK, c->value[OPT_PER_WEEK], 2, 3,
                        &o->per_week)) != 0) {
    return rc;
  }
  if (c->given[OPT_MONTHS] &&
      (rc = count_value(c, OPT_MONTHS, c->value[OPT_MONTHS], 1, 60,
                        &o->horizon_months)) != 0) {
    return rc;
  }
  if (c->given[OPT_MAINTENANCE]) {
    const char *m = c->value[OPT_MAINTENANCE];
    if (strcmp(m, "taper") == 0) {
      o->maintenance = INFUSE_MAINTENANCE_TAPER;
    } else if (strcmp(m, "weekly") == 0) {
      o->maintenance = INFUSE_MAINTENANCE_WEEKLY;
    } else if (strcmp(m, "none") == 0) {
      o->maintenance = INFUSE_MAINTENANCE_NONE;
    } else {
      fprintf(stderr,
              "%s: error: --maintenance: '%s' is not accepted; accepted: "
              "taper, weekly, none\n",
              c->prog, m);
      return CLI_EXIT_USAGE;
    }
  }
  if (c->given[OPT_TAPER]) {
    if (o->maintenance != INFUSE_MAINTENANCE_TAPER) {
      return cli_usage_error(c, "--taper goes with --maintenance taper", NULL);
    }
    if ((rc = taper_steps(c, o)) != 0) {
      return rc;
    }
  }
  if (c->given[OPT_CLINIC_DAYS] &&
      (rc = clinic_days(c, &o->clinic_days)) != 0) {
    return rc;
  }
  if (c->given[OPT_CLOSED] && (rc = closed_dates(c, o)) != 0) {
    return rc;
  }
  if (c->given[OPT_MIN_INTERVAL] &&
      (rc = whole_days(c, OPT_MIN_INTERVAL, c->value[OPT_MIN_INTERVAL],
                       &o->min_interval_days)) != 0) {
    return rc;
  }
  return CLI_EXIT_OK;
}

/* ---- review -------------------------------------------------------------- */

static int review(const cli_t *c, infuse_review_t *out) {
  if (!c->given[OPT_BASELINE] || !c->given[OPT_SCORES]) {
    return cli_usage_error(c, "--baseline and --scores go together", NULL);
  }
  infuse_scale_t scale = INFUSE_SCALE_MADRS;
  if (c->given[OPT_SCALE]) {
    if (strcmp(c->value[OPT_SCALE], "madrs") == 0) {
      scale = INFUSE_SCALE_MADRS;
    } else if (strcmp(c->value[OPT_SCALE], "phq9") == 0) {
      scale = INFUSE_SCALE_PHQ9;
    } else {
      fprintf(stderr,
              "%s: error: --scale: '%s' is not accepted; accepted: madrs, "
              "phq9\n",
              c->prog, c->value[OPT_SCALE]);
      return CLI_EXIT_USAGE;
    }
  }
  int32_t max = scale == INFUSE_SCALE_MADRS ? 60 : 27;
  int32_t baseline;
  int rc =
      count_value(c, OPT_BASELINE, c->value[OPT_BASELINE], 1, max, &baseline);
  if (rc != 0) {
    return rc;
  }
  char buf[512];
  char *items[INFUSE_MAX_SCORES + 1];
  int32_t scores[INFUSE_MAX_SCORES];
  const char *list = c->value[OPT_SCORES];
  if (list[0] == '@') {
    /* @FILE: the scores in a file, separated by commas, spaces or lines */
    FILE *f = fopen(list + 1, "r");
    if (f == NULL) {
      fprintf(stderr, "%s: error: --scores: cannot read '%s': %s\n", c->prog,
              list + 1, strerror(errno));
      return CLI_EXIT_USAGE;
    }
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    bool more = fgetc(f) != EOF;
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || more) {
      fprintf(stderr, "%s: error: --scores: '%s' %s\n", c->prog, list + 1,
              failed ? "could not be read" : "is longer than 511 bytes");
      return CLI_EXIT_USAGE;
    }
    buf[got] = '\0';
    /* normalise separators to commas and drop a trailing one */
    size_t k = 0;
    for (size_t i = 0; i < got; i++) {
      char ch = buf[i];
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == ',') {
        if (k > 0 && buf[k - 1] != ',') {
          buf[k++] = ',';
        }
      } else {
        buf[k++] = ch;
      }
    }
    if (k > 0 && buf[k - 1] == ',') {
      k--;
    }
    buf[k] = '\0';
  } else {
    if (strlen(list) >= sizeof buf) {
      return cli_usage_error(c, "--scores is too long", NULL);
    }
    strcpy(buf, list);
  }
  int n = course_args_split(buf, items, INFUSE_MAX_SCORES + 1);
  if (n < 0 || n > INFUSE_MAX_SCORES) {
    return cli_usage_error(c, "--scores: more than 64 scores", NULL);
  }
  for (int i = 0; i < n; i++) {
    if ((rc = count_value(c, OPT_SCORES, items[i], 0, max, &scores[i])) != 0) {
      return rc;
    }
  }
  infuse_review_options_t opt;
  infuse_diag_t d;
  if (infuse_review_init(&opt, scale) != INFUSE_OK) {
    return CLI_EXIT_OTHER;
  }
  out->struct_size = (uint32_t)sizeof *out;
  rc = infuse_review_evaluate(&opt, baseline, scores, (size_t)n, out, &d);
  if (rc != INFUSE_OK) {
    return cli_library_error(c, rc, &d);
  }
  return CLI_EXIT_OK;
}

static void print_review_text(const infuse_review_t *r) {
  printf("\nResponse-guided review (%s, baseline %d)\n",
         r->scale == INFUSE_SCALE_MADRS ? "MADRS" : "PHQ-9", (int)r->baseline);
  for (int32_t i = 0; i < r->n_points; i++) {
    const infuse_review_point_t *p = &r->points[i];
    printf("  infusion %2d  score %2d  %s%d.%d%%%s%s%s%s\n", (int)p->infusion,
           (int)p->score, p->reduction_permille < 0 ? "-" : "",
           abs((int)p->reduction_permille) / 10,
           abs((int)p->reduction_permille) % 10,
           p->improved ? "  improved" : "", p->partial ? ", partial" : "",
           p->response ? ", response" : "", p->remission ? ", remission" : "");
  }
  for (int32_t i = 0; i < r->n_findings; i++) {
    char msg[512];
    infuse_review_finding_message(&r->findings[i], msg, sizeof msg);
    printf("  %s\n", msg);
  }
  if (r->n_findings == 0) {
    printf("  no findings\n");
  }
  printf("  (findings advise; the plan above is not changed)\n");
}

static void json_text(const char *s) {
  putchar('"');
  for (; *s != '\0'; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      printf("\\%c", ch);
    } else if (ch < 0x20) {
      printf("\\u%04x", ch);
    } else {
      putchar(ch);
    }
  }
  putchar('"');
}

static void print_review_json(const infuse_review_t *r) {
  printf(",\n  \"review\": {\"scale\": \"%s\", \"baseline\": %d, "
         "\"first_response\": ",
         r->scale == INFUSE_SCALE_MADRS ? "madrs" : "phq9", (int)r->baseline);
  if (r->first_response != 0) {
    printf("%d", (int)r->first_response);
  } else {
    printf("null");
  }
  printf(", \"first_remission\": ");
  if (r->first_remission != 0) {
    printf("%d", (int)r->first_remission);
  } else {
    printf("null");
  }
  printf(", \"points\": [");
  for (int32_t i = 0; i < r->n_points; i++) {
    const infuse_review_point_t *p = &r->points[i];
    printf("%s{\"infusion\": %d, \"score\": %d, \"reduction_percent\": "
           "%s%d.%d, \"improved\": %s, \"partial\": %s, \"response\": %s, "
           "\"remission\": %s}",
           i == 0 ? "" : ", ", (int)p->infusion, (int)p->score,
           p->reduction_permille < 0 ? "-" : "",
           abs((int)p->reduction_permille) / 10,
           abs((int)p->reduction_permille) % 10, p->improved ? "true" : "false",
           p->partial ? "true" : "false", p->response ? "true" : "false",
           p->remission ? "true" : "false");
  }
  printf("], \"findings\": [");
  for (int32_t i = 0; i < r->n_findings; i++) {
    char msg[512];
    infuse_review_finding_message(&r->findings[i], msg, sizeof msg);
    printf("%s{\"code\": \"%s\", \"infusion\": %d, \"message\": ",
           i == 0 ? "" : ", ",
           infuse_review_finding_name((int)r->findings[i].code),
           (int)r->findings[i].infusion);
    json_text(msg);
    printf("}");
  }
  printf("]}");
}

/* ---- output -------------------------------------------------------------- */

typedef int (*course_writer_fn)(const infuse_course_export_t *, char *, size_t,
                                size_t *);

static int write_export(const cli_t *c, course_writer_fn w,
                        const infuse_course_export_t *x, bool strip_end,
                        const infuse_review_t *rv) {
  size_t need = 0;
  int rc = w(x, NULL, 0, &need);
  if (rc != INFUSE_E_BUFFER_TOO_SMALL && rc != INFUSE_OK) {
    fprintf(stderr, "%s: cannot write the export: %s [%s]\n", c->prog,
            infuse_strerror(rc), infuse_status_name(rc));
    return rc == INFUSE_E_INVALID || rc == INFUSE_E_NULL ? CLI_EXIT_USAGE
                                                         : CLI_EXIT_OTHER;
  }
  char *buf = malloc(need + 1);
  if (buf == NULL) {
    fprintf(stderr, "%s: out of memory\n", c->prog);
    return CLI_EXIT_OTHER;
  }
  size_t len = 0;
  rc = w(x, buf, need + 1, &len);
  if (rc != INFUSE_OK) {
    free(buf);
    fprintf(stderr, "%s: cannot write the export: %s\n", c->prog,
            infuse_strerror(rc));
    return CLI_EXIT_OTHER;
  }
  if (strip_end && len >= 3) {
    /* the JSON object ends "\n}\n": add the review before the brace */
    fwrite(buf, 1, len - 3, stdout);
    if (rv != NULL) {
      print_review_json(rv);
    }
    printf("\n}\n");
  } else {
    fwrite(buf, 1, len, stdout);
  }
  free(buf);
  return CLI_EXIT_OK;
}

static void print_table(const infuse_course_export_t *x,
                        const infuse_result_t *r) {
  static const char *const days[8] = {"?",   "Mon", "Tue", "Wed",
                                      "Thu", "Fri", "Sat", "Sun"};
  char first[16], last[16];
  infuse_date_format(x->sessions[0].date, first, sizeof first);
  infuse_date_format(x->sessions[x->n_sessions - 1].date, last, sizeof last);
  printf("infuse-schedule %s: course from %s\n", infuse_version_string(),
         first);
  if (r != NULL) {
    char dose[32], rate[32], vtbi[32], per_kg[32];
    infuse_format(r->dose_ng, INFUSE_UNIT_NG, dose, sizeof dose);
    infuse_format(r->dose_ug_per_kg, INFUSE_UNIT_UG_PER_KG, per_kg,
                  sizeof per_kg);
    printf("each session: %s (%s, protocol %s v%s)", dose, per_kg,
           r->protocol_id, r->protocol_version);
    if (r->has_pump) {
      infuse_format(r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H, rate, sizeof rate);
      infuse_format(r->vtbi_ul, INFUSE_UNIT_UL, vtbi, sizeof vtbi);
      printf(", %s, VTBI %s", rate, vtbi);
    }
    printf("; verdict %s\n", infuse_verdict_name((int)r->verdict));
    for (int i = 0; i < r->n_findings; i++) {
      char msg[512];
      infuse_finding_message(&r->findings[i], msg, sizeof msg);
      printf("  [%s] %s: %s\n",
             infuse_severity_name((int)r->findings[i].severity),
             infuse_finding_name((int)r->findings[i].code), msg);
    }
  }
  printf("\n    #  date        day  phase        interval  target  moved\n");
  int n_induction = 0;
  for (size_t i = 0; i < x->n_sessions; i++) {
    const infuse_session_t *s = &x->sessions[i];
    char date[16];
    infuse_date_format(s->date, date, sizeof date);
    if (s->phase == INFUSE_PHASE_INDUCTION) {
      n_induction++;
    }
    if (i == 0) {
      printf("  %3d  %s  %s  %-11s  %8s  %6s  %4dd\n", (int)s->index, date,
             days[infuse_date_weekday(s->date)],
             infuse_phase_name((int)s->phase), "-", "-", (int)s->moved_days);
    } else {
      printf("  %3d  %s  %s  %-11s  %7dd  %5dd  %4dd\n", (int)s->index, date,
             days[infuse_date_weekday(s->date)],
             infuse_phase_name((int)s->phase), (int)s->interval_days,
             (int)s->target_interval_days, (int)s->moved_days);
    }
  }
  printf("\n%zu session%s: %d induction, %zu maintenance; %s to %s",
         x->n_sessions, x->n_sessions == 1 ? "" : "s", n_induction,
         x->n_sessions - (size_t)n_induction, first, last);
  if (r != NULL) {
    char total[32];
    infuse_format(r->dose_ng * (int64_t)x->n_sessions, INFUSE_UNIT_NG, total,
                  sizeof total);
    printf("; total drug %s", total);
  }
  printf("\n");
}

int schedule_main(cli_t *c) {
  if (c->given[OPT_HELP]) {
    print_help();
    return CLI_EXIT_OK;
  }
  int formats = (int)c->given[OPT_JSON] + (int)c->given[OPT_CSV] +
                (int)c->given[OPT_ICS] + (int)c->given[OPT_FHIR];
  if (formats > 1) {
    return cli_usage_error(c,
                           "give one output format of --json, --csv, "
                           "--ics and --fhir",
                           NULL);
  }
  infuse_course_options_t *opt = malloc(sizeof *opt);
  infuse_session_t *sessions =
      malloc(sizeof(infuse_session_t) * INFUSE_MAX_SESSIONS);
  infuse_result_t *result = malloc(sizeof *result);
  infuse_review_t *rv = malloc(sizeof *rv);
  int rc = CLI_EXIT_OK, limit = INFUSE_OK;
  infuse_protocol_t protocol;
  bool have_result = false, have_review = false;
  size_t n = 0;
  infuse_diag_t d;
  if (opt == NULL || sessions == NULL || result == NULL || rv == NULL) {
    fprintf(stderr, "%s: out of memory\n", c->prog);
    rc = CLI_EXIT_OTHER;
    goto done;
  }
  if ((rc = course_options(c, opt)) != 0) {
    goto done;
  }
  /* The dose of every session, when a weight is given. */
  bool dose_options = false;
  for (int id = OPT_DOSE; id <= OPT_ACKNOWLEDGE; id++) {
    dose_options = dose_options || c->given[id];
  }
  if (dose_options && !c->given[OPT_WEIGHT]) {
    rc = cli_usage_error(c, "dose and pump options need --weight", NULL);
    goto done;
  }
  if (c->given[OPT_WEIGHT]) {
    const char *id =
        c->given[OPT_PROTOCOL] ? c->value[OPT_PROTOCOL] : "ketamine-trd-40";
    int st = infuse_protocol_get(id, &protocol, &d);
    if (st != INFUSE_OK) {
      rc = cli_library_error(c, st, &d);
      goto done;
    }
    if (protocol.route != INFUSE_ROUTE_IV_INFUSION) {
      fprintf(stderr,
              "%s: error: protocol '%s' is oral; infuse-schedule plans IV "
              "courses (induction and maintenance infusions). Use infuse-dose "
              "for the oral dose.\n",
              c->prog, protocol.id);
      rc = CLI_EXIT_USAGE;
      goto done;
    }
    infuse_request_t req;
    notes_t notes;
    memset(&notes, 0, sizeof notes);
    if (infuse_request_init(&req, &protocol) != INFUSE_OK) {
      rc = CLI_EXIT_OTHER;
      goto done;
    }
    if ((rc = cli_build_request(c, &req, &notes)) != 0) {
      goto done;
    }
    result->struct_size = (uint32_t)sizeof *result;
    limit = protocol.route == INFUSE_ROUTE_ORAL
                ? infuse_oral_compute(&req, result, &d)
                : infuse_pump_compute(&req, result, &d);
    if (limit < 0) {
      rc = cli_library_error(c, limit, &d);
      goto done;
    }
    have_result = true;
  }
  if ((c->given[OPT_BASELINE] || c->given[OPT_SCORES] || c->given[OPT_SCALE]) &&
      (c->given[OPT_CSV] || c->given[OPT_ICS] || c->given[OPT_FHIR])) {
    rc = cli_usage_error(c,
                         "the review (--baseline, --scores) is shown in "
                         "the table or with --json, not in --csv, --ics "
                         "or --fhir",
                         NULL);
    goto done;
  }
  if (c->given[OPT_BASELINE] || c->given[OPT_SCORES] || c->given[OPT_SCALE]) {
    if ((rc = review(c, rv)) != 0) {
      goto done;
    }
    have_review = true;
  }
  int st = infuse_course_plan(opt, sessions, INFUSE_MAX_SESSIONS, &n, &d);
  if (st != INFUSE_OK) {
    rc = cli_library_error(c, st, &d);
    goto done;
  }
  if (n == 0) {
    fprintf(stderr, "%s: the horizon leaves no session\n", c->prog);
    rc = CLI_EXIT_USAGE;
    goto done;
  }

  infuse_course_export_t x;
  memset(&x, 0, sizeof x);
  x.struct_size = (uint32_t)sizeof x;
  x.sessions = sessions;
  x.n_sessions = n;
  x.result = have_result ? result : NULL;
  x.course_id = c->given[OPT_COURSE_ID] ? c->value[OPT_COURSE_ID] : NULL;
  x.uid_domain = c->given[OPT_UID_DOMAIN] ? c->value[OPT_UID_DOMAIN] : NULL;
  x.patient_reference = c->given[OPT_PATIENT] ? c->value[OPT_PATIENT] : NULL;
  if (c->given[OPT_DTSTAMP]) {
    if ((rc = dtstamp_value(c, &x.dtstamp)) != 0) {
      goto done;
    }
  } else {
    x.dtstamp = (int64_t)time(NULL);
  }
  if (c->given[OPT_COURSE_ID]) {
    const char *id = c->value[OPT_COURSE_ID];
    size_t len = strlen(id);
    bool ok = len >= 1 && len <= INFUSE_COURSE_ID_MAX &&
              strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789-.") == len;
    if (!ok) {
      fprintf(stderr,
              "%s: error: --course-id: '%s' is not accepted; accepted: 1 to "
              "64 letters, digits, '-' and '.'\n",
              c->prog, id);
      rc = CLI_EXIT_USAGE;
      goto done;
    }
  }
  for (int id = OPT_UID_DOMAIN; id >= OPT_PATIENT; id--) {
    if (!c->given[id]) {
      continue;
    }
    const char *v = c->value[id];
    size_t len = strlen(v);
    bool ok = len >= 1 && len <= (id == OPT_PATIENT ? 128u : 253u);
    for (size_t i = 0; ok && i < len; i++) {
      unsigned char ch = (unsigned char)v[i];
      ok = ch > 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
    }
    if (!ok) {
      fprintf(stderr,
              "%s: error: --%s: '%s' is not accepted; accepted: printable "
              "ASCII without spaces, quotes or backslashes (e.g. %s)\n",
              c->prog, cli_option_name(id), v,
              id == OPT_PATIENT ? "Patient/123" : "clinic.example.org");
      rc = CLI_EXIT_USAGE;
      goto done;
    }
  }
  if ((c->given[OPT_ICS] || c->given[OPT_FHIR]) && !c->given[OPT_COURSE_ID]) {
    rc = cli_usage_error(c,
                         "--ics and --fhir need --course-id (e.g. "
                         "--course-id ket-2026-001)",
                         NULL);
    goto done;
  }
  if (c->given[OPT_FHIR] && !c->given[OPT_PATIENT]) {
    rc = cli_usage_error(c,
                         "--fhir needs --patient (e.g. --patient "
                         "Patient/123)",
                         NULL);
    goto done;
  }
  if (c->given[OPT_FHIR] && have_result &&
      (result->verdict != INFUSE_VERDICT_OK ||
       result->route != INFUSE_ROUTE_IV_INFUSION)) {
    fprintf(stderr, "%s: error: %s\n", c->prog,
            result->route != INFUSE_ROUTE_IV_INFUSION
                ? "--fhir describes IV infusions; an oral protocol has no "
                  "MedicationRequest export here"
                : "the dose stops at a limit, and a stopped dose is not "
                  "exported as an order; change the order or acknowledge "
                  "its soft limits (run without --fhir to see them)");
    rc = result->route != INFUSE_ROUTE_IV_INFUSION ? CLI_EXIT_USAGE
                                                   : CLI_EXIT_LIMIT;
    goto done;
  }
  if (c->given[OPT_JSON]) {
    rc = write_export(c, infuse_course_write_json, &x, true,
                      have_review ? rv : NULL);
  } else if (c->given[OPT_CSV]) {
    rc = write_export(c, infuse_course_write_csv, &x, false, NULL);
  } else if (c->given[OPT_ICS]) {
    rc = write_export(c, infuse_course_write_ics, &x, false, NULL);
  } else if (c->given[OPT_FHIR]) {
    rc = write_export(c, infuse_course_write_fhir, &x, false, NULL);
  } else {
    print_table(&x, have_result ? result : NULL);
    if (have_review) {
      print_review_text(rv);
    }
    printf("\nDecision support only: check every date and dose against the "
           "order.\n");
  }
  if (rc == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
    fprintf(stderr, "%s: cannot write the output: %s\n", c->prog,
            strerror(errno));
    rc = CLI_EXIT_OTHER;
  }
  if (rc == CLI_EXIT_OK && limit != INFUSE_OK) {
    rc = CLI_EXIT_LIMIT;
  }
done:
  free(opt);
  free(sessions);
  free(result);
  free(rv);
  return rc;
}
