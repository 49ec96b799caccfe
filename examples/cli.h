/*
 * cli.h - the shared driver of infuse-dose, infuse-rate and
 * infuse-schedule.
 */
#ifndef INFUSE_CLI_H
#define INFUSE_CLI_H

#include <infuse.h>

#include <stdbool.h>

/* Exit statuses of the command-line contract. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_OTHER = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_LIMIT = 3
};

/* The programs (bits, so an option can belong to several). */
enum { CLI_RATE = 1, CLI_DOSE = 2, CLI_SCHEDULE = 4 };

enum opt_id {
  OPT_WEIGHT,
  OPT_DOSE,
  OPT_DURATION,
  OPT_VIAL,
  OPT_BAG,
  OPT_FINAL_CONC,
  OPT_PREP,
  OPT_VOLUME_STEP,
  OPT_RATE_STEP,
  OPT_STRENGTH,
  OPT_WEIGHT_BASIS,
  OPT_HEIGHT,
  OPT_SEX,
  OPT_PROTOCOL,
  OPT_ACKNOWLEDGE,
  OPT_JSON,
  OPT_LIST,
  OPT_HELP,
  OPT_VERSION,
  OPT_START,
  OPT_INDUCTION,
  OPT_PER_WEEK,
  OPT_MAINTENANCE,
  OPT_MONTHS,
  OPT_CLINIC_DAYS,
  OPT_CLOSED,
  OPT_MIN_INTERVAL,
  OPT_TAPER,
  OPT_CSV,
  OPT_ICS,
  OPT_FHIR,
  OPT_COURSE_ID,
  OPT_PATIENT,
  OPT_UID_DOMAIN,
  OPT_DTSTAMP,
  OPT_SCALE,
  OPT_BASELINE,
  OPT_SCORES,
  OPT_COUNT
};

enum arg_kind { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

typedef struct opt_def {
  const char *name;
  enum arg_kind arg;
  unsigned programs; /* CLI_* bits */
} opt_def_t;

typedef struct cli {
  const char *prog;
  int program; /* CLI_RATE, CLI_DOSE or CLI_SCHEDULE */
  bool given[OPT_COUNT];
  const char *value[OPT_COUNT]; /* NULL for flags and a bare --acknowledge */
} cli_t;

/* Up to four notes on inputs that were converted with rounding. */
typedef struct notes {
  int n;
  char text[4][160];
} notes_t;

/* Run a program. */
int cli_main(int argc, char **argv, int program);

/* Shared pieces, for the schedule program (schedule.c). */
int cli_usage_error(const cli_t *c, const char *what, const char *detail);
int cli_library_error(const cli_t *c, int rc, const infuse_diag_t *d);
/* Fill req from the protocol and the patient, dose and pump options. */
int cli_build_request(cli_t *c, infuse_request_t *req, notes_t *notes);
/* The option's name for messages, e.g. "--weight". */
const char *cli_option_name(int id);
/* Run infuse-schedule after its options were read. */
int schedule_main(cli_t *c);

#endif
