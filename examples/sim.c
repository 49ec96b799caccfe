/*
 * sim.c - infuse-sim: research simulations on the command line.
 *
 *   infuse-sim pk      plasma concentration curves (one or many virtual
 *                      patients, several models and infusion durations),
 *                      or distributions of Cmax, Tmax, AUC and the time
 *                      above a threshold over many patients;
 *   infuse-sim cohort  a Monte Carlo cohort through a course, whole or as
 *                      one shard of a split run;
 *   infuse-sim merge   the JSON outputs of a run's shards merged into the
 *                      output of the unsharded run, byte for byte.
 *
 * The library computes; this file reads argv and files and writes stdout
 * and the SVG file. Output is built in memory and written at the end, so a
 * refusal prints nothing on stdout. Every refusal names the option, the
 * value and what is accepted. No locale is set: numbers are printed with a
 * point. Nothing here is a clinical instruction.
 */
#include "sim.h"

#include "course_args.h"

#include <infuse.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The exit statuses of the command-line contract (as in cli.h). */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_OTHER = 1,
  CLI_EXIT_USAGE = 2
};

/* ---- options -------------------------------------------------------------- */

enum { SC_PK = 1, SC_COHORT = 2, SC_MERGE = 4, SC_ALL = 7 };

enum sim_opt_id {
  O_HELP,
  O_VERSION,
  O_JSON,
  O_CSV,
  O_SVG,
  /* pk: models */
  O_MODEL,
  O_V1,
  O_V2,
  O_V3,
  O_K10,
  O_K12,
  O_K13,
  O_K21,
  O_K31,
  O_CL,
  O_Q2,
  O_Q3,
  /* pk: patient, dose, times */
  O_WEIGHT,
  O_DOSE,
  O_DURATION,
  O_SESSIONS,
  O_EVERY,
  O_STEP,
  O_UNTIL,
  O_THRESHOLD,
  O_VARIABILITY,
  O_SUMMARY,
  /* course (pk and cohort) */
  O_START,
  O_INDUCTION,
  O_PER_WEEK,
  O_MAINTENANCE,
  O_TAPER,
  O_MONTHS,
  O_CLINIC_DAYS,
  O_CLOSED,
  O_MIN_INTERVAL,
  /* population (pk and cohort) */
  O_PATIENTS,
  O_SEED,
  O_WEIGHT_CV,
  /* cohort */
  O_SHARD,
  O_FUTILITY,
  O_OBSERVATION,
  O_WEIGHT_MEDIAN,
  O_RESPONSIVE,
  O_P_REMIT_FIRST,
  O_P_RESPOND_FIRST,
  O_P_REMIT_NEXT,
  O_P_RESPOND_NEXT,
  O_P_REMIT_AFTER,
  O_RELAPSE_28D,
  /* merge */
  O_PARTIAL,
  O_COUNT
};

typedef struct sim_opt_def {
  const char *name;
  bool arg;
  unsigned sc;
} sim_opt_t;

static const sim_opt_t opts[O_COUNT] = {
    [O_HELP] = {"help", false, SC_ALL},
    [O_VERSION] = {"version", false, SC_ALL},
    [O_JSON] = {"json", false, SC_ALL},
    [O_CSV] = {"csv", false, SC_ALL},
    [O_SVG] = {"svg", true, SC_ALL},
    [O_MODEL] = {"model", true, SC_PK},
    [O_V1] = {"v1", true, SC_PK},
    [O_V2] = {"v2", true, SC_PK},
    [O_V3] = {"v3", true, SC_PK},
    [O_K10] = {"k10", true, SC_PK},
    [O_K12] = {"k12", true, SC_PK},
    [O_K13] = {"k13", true, SC_PK},
    [O_K21] = {"k21", true, SC_PK},
    [O_K31] = {"k31", true, SC_PK},
    [O_CL] = {"cl", true, SC_PK},
    [O_Q2] = {"q2", true, SC_PK},
    [O_Q3] = {"q3", true, SC_PK},
    [O_WEIGHT] = {"weight", true, SC_PK},
    [O_DOSE] = {"dose", true, SC_PK | SC_COHORT},
    [O_DURATION] = {"duration", true, SC_PK | SC_COHORT},
    [O_SESSIONS] = {"sessions", true, SC_PK},
    [O_EVERY] = {"every", true, SC_PK},
    [O_STEP] = {"step", true, SC_PK},
    [O_UNTIL] = {"until", true, SC_PK},
    [O_THRESHOLD] = {"threshold", true, SC_PK},
    [O_VARIABILITY] = {"variability", true, SC_PK},
    [O_SUMMARY] = {"summary", false, SC_PK},
    [O_START] = {"start", true, SC_PK | SC_COHORT},
    [O_INDUCTION] = {"induction", true, SC_PK | SC_COHORT},
    [O_PER_WEEK] = {"per-week", true, SC_PK | SC_COHORT},
    [O_MAINTENANCE] = {"maintenance", true, SC_PK | SC_COHORT},
    [O_TAPER] = {"taper", true, SC_PK | SC_COHORT},
    [O_MONTHS] = {"months", true, SC_PK | SC_COHORT},
    [O_CLINIC_DAYS] = {"clinic-days", true, SC_PK | SC_COHORT},
    [O_CLOSED] = {"closed", true, SC_PK | SC_COHORT},
    [O_MIN_INTERVAL] = {"min-interval", true, SC_PK | SC_COHORT},
    [O_PATIENTS] = {"patients", true, SC_PK | SC_COHORT},
    [O_SEED] = {"seed", true, SC_PK | SC_COHORT},
    [O_WEIGHT_CV] = {"weight-cv", true, SC_PK | SC_COHORT},
    [O_SHARD] = {"shard", true, SC_COHORT},
    [O_FUTILITY] = {"futility", true, SC_COHORT},
    [O_OBSERVATION] = {"observation", true, SC_COHORT},
    [O_WEIGHT_MEDIAN] = {"weight-median", true, SC_COHORT},
    [O_RESPONSIVE] = {"responsive-fraction", true, SC_COHORT},
    [O_P_REMIT_FIRST] = {"p-remit-first", true, SC_COHORT},
    [O_P_RESPOND_FIRST] = {"p-respond-first", true, SC_COHORT},
    [O_P_REMIT_NEXT] = {"p-remit-next", true, SC_COHORT},
    [O_P_RESPOND_NEXT] = {"p-respond-next", true, SC_COHORT},
    [O_P_REMIT_AFTER] = {"p-remit-after-response", true, SC_COHORT},
    [O_RELAPSE_28D] = {"relapse-28d", true, SC_COHORT},
    [O_PARTIAL] = {"partial", false, SC_MERGE},
};

typedef struct ctx {
  const char *prog; /* "infuse-sim pk" */
  int sc;
  bool given[O_COUNT];
  const char *value[O_COUNT];
  const char **files; /* merge */
  size_t n_files;
} ctx_t;

/* ---- messages ------------------------------------------------------------- */

static int usage_error(const ctx_t *c, const char *fmt, ...) SIM_PRINTF(2, 3);
static int usage_error(const ctx_t *c, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: error: ", c->prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '%s --help' for the options.\n", c->prog);
  return CLI_EXIT_USAGE;
}

/* The value of option `id` is refused. */
static int bad_value(const ctx_t *c, int id, const char *accepted) {
  fprintf(stderr, "%s: error: --%s: '%s' is not accepted; accepted: %s\n",
          c->prog, opts[id].name, c->value[id], accepted);
  return CLI_EXIT_USAGE;
}

static int out_of_memory(const ctx_t *c) {
  fprintf(stderr, "%s: error: out of memory\n", c->prog);
  return CLI_EXIT_OTHER;
}

/* A library error: the message names the field; `option` (may be NULL)
 * names what the person typed. */
static int library_error(const ctx_t *c, int rc, const infuse_diag_t *d,
                         const char *option) {
  fprintf(stderr, "%s: error: ", c->prog);
  if (option != NULL) {
    fprintf(stderr, "%s: ", option);
  }
  fprintf(stderr, "%s [%s]\n", d->message, infuse_status_name(rc));
  return rc == INFUSE_E_NULL || rc == INFUSE_E_STRUCT_SIZE ||
                 rc == INFUSE_E_BUFFER_TOO_SMALL
             ? CLI_EXIT_OTHER
             : CLI_EXIT_USAGE;
}

/* ---- help ----------------------------------------------------------------- */

static void help_main(void) {
  printf(
      "Usage: infuse-sim pk [options]\n"
      "       infuse-sim cohort [options]\n"
      "       infuse-sim merge [options] FILE...\n"
      "       infuse-sim SUBCOMMAND --help\n"
      "       infuse-sim --help | --version\n\n"
      "Research simulations of IV ketamine courses. Nothing here is a "
      "clinical\ninstruction or a prediction for a patient.\n\n"
      "Subcommands:\n"
      "  pk       plasma concentration of one or many virtual patients: "
      "curves,\n"
      "           Cmax, Tmax, AUC and time above a threshold, or their\n"
      "           distributions (--summary); compare models and durations\n"
      "  cohort   a Monte Carlo cohort through a course: response, "
      "remission,\n"
      "           relapse, infusions, drug and chair time; split a run into\n"
      "           shards with --shard K/M\n"
      "  merge    merge the JSON outputs of a run's shards; the result is\n"
      "           the output of the unsharded run, byte for byte\n\n"
      "Every quantity needs its unit (70kg, 0.5mg/kg, 40min, 100ng/mL); a "
      "bare\nnumber is refused. Options take their value as --opt VALUE or\n"
      "--opt=VALUE, once each.\n\n"
      "Exit status: 0 success; 2 invalid input or usage (nothing is printed "
      "on\nstandard output); 1 anything else (e.g. the SVG file cannot be "
      "written).\n\n"
      "Example: infuse-sim pk --duration 40min,100min --svg pk.svg\n");
}

static void help_pk(void) {
  printf(
      "Usage: infuse-sim pk [options]\n\n"
      "Central (plasma) concentration of ketamine for one or many virtual\n"
      "patients: sampled curves, and Cmax, Tmax, AUC and the time above a\n"
      "threshold (solved exactly between infusion events, not from the\n"
      "samples). Comma lists in --model and --duration give one curve per\n"
      "combination. Research simulation only.\n\n"
      "Model:\n"
      "  --model LIST       domino (3 compartments; default), clements (2) or\n"
      "                     custom, comma-separated (domino,clements)\n"
      "  --v1 V             custom central volume per kg (0.063L/kg, "
      "63mL/kg)\n"
      "  --k10 K ... --k31  custom rate constants (0.4381/min, 26.3/h): --k10\n"
      "                     with --v1 is 1 compartment; add --k12 --k21 for 2,\n"
      "                     and --k13 --k31 for 3\n"
      "  --cl C --q2 C --q3 C, --v2 V --v3 V\n"
      "                     or custom clearances per kg (0.0276L/min/kg,\n"
      "                     1.656L/h/kg) and volumes: --v1 --cl, then --v2\n"
      "                     --q2, then --v3 --q3\n\n"
      "Patient and infusions:\n"
      "  --weight W         body weight (70kg, 154lb; default 70kg); the\n"
      "                     median weight with --patients\n"
      "  --dose D           per kg (0.5mg/kg; default) or fixed (35mg)\n"
      "  --duration LIST    infusion time(s), comma-separated (default "
      "40min;\n"
      "                     40min,100min)\n"
      "  --sessions N       N infusions (1-1000; default 1) ...\n"
      "  --every T          ... starting T apart (2d, 84h)\n"
      "  or a course, with the options of infuse-schedule:\n"
      "  --start DATE       first session (YYYY-MM-DD); with --induction N,\n"
      "                     --per-week N, --maintenance taper|weekly|none,\n"
      "                     --taper LIST, --months N, --clinic-days LIST,\n"
      "                     --closed LIST, --min-interval T\n\n"
      "Sampling:\n"
      "  --step T           sampling step (default 1min)\n"
      "  --until T          end of the simulation (default 24h after the "
      "last\n"
      "                     infusion ends)\n"
      "  --threshold C      dissociation level (default 100ng/mL)\n\n"
      "Virtual patients:\n"
      "  --patients N       N patients drawn from the population (1-1000000)\n"
      "  --seed N           random seed (0-18446744073709551615; default 1)\n"
      "  --variability P    between-patient CV of v1 and each rate constant\n"
      "                     (0%%-200%%; default 30%%)\n"
      "  --weight-cv P      CV of the body weight (0%%-100%%; default 0%%)\n"
      "  --summary          percentiles 5, 25, 50, 75, 95 and the mean of\n"
      "                     Cmax, Tmax, AUC and time above threshold instead\n"
      "                     of curves (curves of at most 100 patients)\n\n"
      "Output (default a table):\n"
      "  --json             one JSON object\n"
      "  --csv              CSV: time_min, then one column per curve\n"
      "  --svg FILE         also write the curves as an SVG chart\n"
      "  --help, --version\n\n"
      "Example: infuse-sim pk --duration 40min,100min --svg pk.svg\n");
}

static void help_cohort(void) {
  printf(
      "Usage: infuse-sim cohort [options]\n\n"
      "A Monte Carlo cohort of virtual patients through a course of IV\n"
      "ketamine: response, remission, relapse, infusions, drug and chair "
      "time.\nPatient i's draws depend only on the seed and i, so a run "
      "split into\nshards merges exactly (infuse-sim merge). Research "
      "simulation only.\n\n"
      "Run:\n"
      "  --patients N       cohort size (1-1000000000000; default 1000)\n"
      "  --seed N           random seed (0-18446744073709551615; default 1)\n"
      "  --shard K/M        run shard K of M: patients K*N/M to "
      "(K+1)*N/M - 1;\n"
      "                     K from 0 to M-1 (M from 1 to 100000, at most N)\n\n"
      "Course (as infuse-schedule):\n"
      "  --start DATE       first session (default 2026-01-05, a Monday)\n"
      "  --induction N      induction infusions, 1-12 (default 6)\n"
      "  --per-week N       2 or 3 (default 3)\n"
      "  --maintenance M    taper (default), weekly or none\n"
      "  --taper LIST       taper steps (default 5d:2,7d:2,10d:2,14d:2,21d:2,"
      "28d)\n"
      "  --months N         horizon, 1-60 (default 12)\n"
      "  --clinic-days LIST (default mon-fri); --closed LIST;\n"
      "  --min-interval T   (default 48h)\n\n"
      "Policy and infusion:\n"
      "  --futility N       stop induction after N infusions without a\n"
      "                     response (0: never; default 0)\n"
      "  --dose D           per kg, 0.001mg/kg-5mg/kg (default 0.5mg/kg)\n"
      "  --duration T       whole minutes, 1min-24h (default 40min)\n"
      "  --observation T    chair time after the infusion, whole minutes,\n"
      "                     0min-24h (default 60min)\n"
      "  --weight-median W  median body weight, 20kg-300kg (default 80kg)\n"
      "  --weight-cv P      0%%-100%% (default 20%%)\n\n"
      "Outcome model (probabilities: 0.16 or 16%%; defaults: the library's\n"
      "calibration):\n"
      "  --responsive-fraction P, --p-remit-first P, --p-respond-first P,\n"
      "  --p-remit-next P, --p-respond-next P, --p-remit-after-response P,\n"
      "  --relapse-28d P (strictly between 0 and 1)\n\n"
      "Output (default a table):\n"
      "  --json             one JSON object (counts, rates, options); the\n"
      "                     input of infuse-sim merge\n"
      "  --csv              CSV: kind,name,index,value\n"
      "  --svg FILE         also write the response and relapse curves\n"
      "  --help, --version\n\n"
      "Example: infuse-sim cohort --patients 100000 --shard 0/4 --json > "
      "s0.json\n");
}

static void help_merge(void) {
  printf(
      "Usage: infuse-sim merge [options] FILE...\n\n"
      "Merge the --json outputs of infuse-sim cohort shards (in any order)\n"
      "into one result: counts added in patient order, rates recomputed. "
      "The\nfiles must come from one run (the same options and "
      "fingerprint) and\ncover the cohort without gaps or overlaps. The "
      "merged JSON is byte for\nbyte the output of the unsharded run.\n\n"
      "Options:\n"
      "  --partial          allow files covering only part of the cohort\n"
      "                     (a contiguous range), e.g. to merge in stages\n"
      "  --json             one JSON object (the default)\n"
      "  --csv              CSV: kind,name,index,value\n"
      "  --svg FILE         also write the response and relapse curves\n"
      "  --                 end of options (for a file whose name starts "
      "with -)\n"
      "  --help, --version\n\n"
      "Example: infuse-sim merge shard-*.json > cohort.json\n");
}

/* ---- argv ----------------------------------------------------------------- */

static int parse_args(ctx_t *c, int argc, char **argv) {
  bool options_done = false;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!options_done && strcmp(a, "-h") == 0) {
      a = "--help";
    }
    if (!options_done && c->sc == SC_MERGE && strcmp(a, "--") == 0) {
      options_done = true;
      continue;
    }
    if (options_done || strncmp(a, "--", 2) != 0 || a[2] == '\0') {
      if (c->sc == SC_MERGE) {
        c->files[c->n_files++] = argv[i];
        continue;
      }
      if ((a[0] >= 'a' && a[0] <= 'z') || (a[0] >= 'A' && a[0] <= 'Z')) {
        return usage_error(c,
                           "unexpected argument: %s (a value with a space "
                           "before its unit must be quoted, e.g. --weight "
                           "'70 kg')",
                           a);
      }
      return usage_error(c, "unexpected argument: %s", a);
    }
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    int id = -1;
    for (int k = 0; k < O_COUNT; k++) {
      if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0) {
        id = k;
        break;
      }
    }
    if (id < 0) {
      return usage_error(c, "unknown option: %s", a);
    }
    if ((opts[id].sc & (unsigned)c->sc) == 0) {
      unsigned sc = opts[id].sc;
      const char *where = sc == (SC_PK | SC_COHORT) ? "pk and cohort"
                          : (sc & SC_PK) != 0       ? "pk"
                          : (sc & SC_COHORT) != 0   ? "cohort"
                                                    : "merge";
      if (id == O_WEIGHT && c->sc == SC_COHORT) {
        return usage_error(c, "--weight is an option of pk; a cohort's "
                              "weights are drawn around --weight-median "
                              "with --weight-cv");
      }
      return usage_error(c, "--%s is not an option of '%s' (it is an option "
                            "of infuse-sim %s)",
                         opts[id].name, c->prog, where);
    }
    if (c->given[id]) {
      return usage_error(c, "--%s is given more than once; give it once",
                         opts[id].name);
    }
    c->given[id] = true;
    if (!opts[id].arg) {
      if (eq != NULL) {
        return usage_error(c, "--%s takes no value", opts[id].name);
      }
    } else if (eq != NULL) {
      c->value[id] = eq + 1;
    } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
      c->value[id] = argv[++i];
    } else {
      return usage_error(c, "--%s needs a value", opts[id].name);
    }
  }
  return CLI_EXIT_OK;
}

/* ---- values --------------------------------------------------------------- */

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* A whole number in [lo, hi], digits only. */
static int count_value(const ctx_t *c, int id, const char *text, uint64_t lo,
                       uint64_t hi, uint64_t *out) {
  uint64_t v = 0;
  bool ok = is_digit(text[0]) && strlen(text) <= 20;
  for (size_t i = 0; ok && text[i] != '\0'; i++) {
    uint64_t d = (uint64_t)(text[i] - '0');
    ok = is_digit(text[i]) && v <= (UINT64_MAX - d) / 10;
    v = v * 10 + d;
  }
  if (!ok || v < lo || v > hi) {
    fprintf(stderr,
            "%s: error: --%s: '%s' is not accepted; accepted: a whole number "
            "from %llu to %llu, digits only\n",
            c->prog, opts[id].name, text, (unsigned long long)lo,
            (unsigned long long)hi);
    return CLI_EXIT_USAGE;
  }
  *out = v;
  return CLI_EXIT_OK;
}

static int count_opt(const ctx_t *c, int id, uint64_t lo, uint64_t hi,
                     uint64_t *out) {
  return count_value(c, id, c->value[id], lo, hi, out);
}

static int count32_opt(const ctx_t *c, int id, int32_t lo, int32_t hi,
                       int32_t *out) {
  uint64_t v;
  int rc = count_value(c, id, c->value[id], (uint64_t)lo, (uint64_t)hi, &v);
  if (rc == CLI_EXIT_OK) {
    *out = (int32_t)v;
  }
  return rc;
}

/* A quantity the library parses (weights, doses, times). */
static int lib_quantity(const ctx_t *c, int id, const char *text,
                        uint32_t dims, infuse_quantity_t *q) {
  char field[40];
  infuse_diag_t d;
  snprintf(field, sizeof field, "--%s", opts[id].name);
  int rc = infuse_quantity_parse(text, dims, field, q, &d);
  if (rc != INFUSE_OK) {
    return library_error(c, rc, &d, NULL);
  }
  return CLI_EXIT_OK;
}

/* Units of the quantities the library's parser does not know. */
typedef struct unit_def {
  const char *name;
  double factor; /* to the program's unit */
} unit_def_t;

typedef struct kind_def {
  const char *what; /* "a volume per body weight in L/kg or mL/kg" */
  const char *example;
  const unit_def_t *units; /* ends with {NULL, 0} */
} kind_def_t;

static const unit_def_t u_volume_per_kg[] = {
    {"L/kg", 1.0}, {"mL/kg", 1e-3}, {"ml/kg", 1e-3}, {NULL, 0}};
static const unit_def_t u_rate_constant[] = {
    {"/min", 1.0},       {"1/min", 1.0}, {"/h", 1.0 / 60.0},
    {"1/h", 1.0 / 60.0}, {"/s", 60.0},   {"1/s", 60.0},
    {NULL, 0}};
static const unit_def_t u_clearance_per_kg[] = {
    {"L/min/kg", 1.0},         {"mL/min/kg", 1e-3},
    {"L/kg/min", 1.0},         {"mL/kg/min", 1e-3},
    {"L/h/kg", 1.0 / 60.0},    {"mL/h/kg", 1e-3 / 60.0},
    {"L/kg/h", 1.0 / 60.0},    {"mL/kg/h", 1e-3 / 60.0},
    {NULL, 0}};
static const unit_def_t u_conc_ng[] = {
    {"ng/mL", 1.0},     {"ng/ml", 1.0},      {"ug/L", 1.0},
    {"mcg/L", 1.0},     {"\xc2\xb5g/L", 1.0}, {"ug/mL", 1000.0},
    {"mcg/mL", 1000.0}, {"\xc2\xb5g/mL", 1000.0}, {"mg/L", 1000.0},
    {NULL, 0}};
static const unit_def_t u_percent[] = {{"%", 0.01}, {NULL, 0}};
static const unit_def_t u_probability[] = {{"", 1.0}, {"%", 0.01}, {NULL, 0}};
static const unit_def_t u_minutes[] = {{"min", 1.0},  {"h", 60.0},
                                       {"hr", 60.0},  {"s", 1.0 / 60.0},
                                       {"d", 1440.0}, {NULL, 0}};

static const kind_def_t k_volume = {
    "a volume per body weight in L/kg or mL/kg", "0.063L/kg", u_volume_per_kg};
static const kind_def_t k_rate = {
    "a rate constant in /min, 1/min, /h, 1/h, /s or 1/s", "0.4381/min",
    u_rate_constant};
static const kind_def_t k_clearance = {
    "a clearance per body weight in L/min/kg, mL/min/kg, L/h/kg or mL/h/kg "
    "(also L/kg/min ...)",
    "0.0276L/min/kg", u_clearance_per_kg};
static const kind_def_t k_conc = {
    "a concentration in ng/mL, ug/L, mcg/L, ug/mL, mcg/mL or mg/L",
    "100ng/mL", u_conc_ng};
static const kind_def_t k_percent = {"a percentage", "30%", u_percent};
static const kind_def_t k_probability = {
    "a probability as a decimal from 0 to 1 or a percentage", "0.16 or 16%",
    u_probability};
static const kind_def_t k_minutes = {"a time in min, h, s or d", "60min",
                                     u_minutes};

/* Parse DIGITS [ "." DIGITS ] [ " "... ] UNIT with a unit of `kind`.
 * `zero_ok`: zero is accepted. */
static int real_value(const ctx_t *c, int id, const char *text,
                      const kind_def_t *kind, bool zero_ok, double *out) {
  char num[40];
  size_t n = 0;
  const char *p = text;
  const char *tag = "E_SYNTAX";
  const char *why = "is not a number followed by a unit";
  bool syntax = is_digit(*p);
  while (syntax && is_digit(*p) && n < sizeof num - 2) {
    num[n++] = *p++;
  }
  if (syntax && *p == '.') {
    num[n++] = *p++;
    syntax = is_digit(*p);
    while (syntax && is_digit(*p) && n < sizeof num - 1) {
      num[n++] = *p++;
    }
  }
  if (syntax && is_digit(*p)) {
    syntax = false; /* too many digits */
    why = "has too many digits";
  }
  num[n] = '\0';
  if (*text == '-') {
    why = "is negative; a positive value is needed";
    tag = "E_NEGATIVE";
  }
  if (syntax) {
    while (*p == ' ') {
      p++;
    }
    const unit_def_t *u = NULL;
    for (const unit_def_t *k = kind->units; k->name != NULL; k++) {
      if (strcmp(k->name, p) == 0) {
        u = k;
        break;
      }
    }
    double v = strtod(num, NULL);
    if (u == NULL && *p == '\0') {
      why = "has no unit; every quantity needs one";
      tag = "E_NO_UNIT";
    } else if (u == NULL) {
      why = "has a unit this program does not take here (units are "
            "case-sensitive)";
      tag = "E_UNKNOWN_UNIT";
    } else if (v == 0.0 && !zero_ok) {
      why = "is zero; a positive value is needed";
      tag = "E_ZERO";
    } else if (!isfinite(v * u->factor)) {
      why = "is too large";
      tag = "E_RANGE";
    } else {
      *out = v * u->factor;
      return CLI_EXIT_OK;
    }
  }
  fprintf(stderr, "%s: error: --%s: '%s' %s; accepted: %s (e.g. %s) [%s]\n",
          c->prog, opts[id].name, text, why, kind->what, kind->example, tag);
  return CLI_EXIT_USAGE;
}

static int real_opt(const ctx_t *c, int id, const kind_def_t *kind,
                    bool zero_ok, double *out) {
  return real_value(c, id, c->value[id], kind, zero_ok, out);
}

/* A percentage option in [lo, hi] percent, as a fraction. */
static int percent_opt(const ctx_t *c, int id, double lo, double hi,
                       double *out) {
  double v;
  int rc = real_opt(c, id, &k_percent, true, &v);
  if (rc != CLI_EXIT_OK) {
    return rc;
  }
  if (v < lo / 100.0 - 1e-12 || v > hi / 100.0 + 1e-12) {
    char accepted[96];
    snprintf(accepted, sizeof accepted, "a percentage from %g%% to %g%%", lo,
             hi);
    return bad_value(c, id, accepted);
  }
  *out = v;
  return CLI_EXIT_OK;
}

/* ---- course options (as infuse-schedule) ---------------------------------- */

static int clinic_days(const ctx_t *c, uint32_t *out) {
  if (course_args_weekdays(c->value[O_CLINIC_DAYS], out) != COURSE_ARGS_OK) {
    return bad_value(c, O_CLINIC_DAYS,
                     "mon, tue, wed, thu, fri, sat, sun and ranges like "
                     "mon-fri, comma-separated");
  }
  return CLI_EXIT_OK;
}

static int cmp_int32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static int closed_dates(const ctx_t *c, infuse_course_options_t *o) {
  size_t len = strlen(c->value[O_CLOSED]);
  char *buf = malloc(len + 1);
  char **items = malloc(sizeof(char *) * (INFUSE_MAX_CLOSED + 1));
  int rc = CLI_EXIT_OK;
  if (buf == NULL || items == NULL) {
    free(buf);
    free(items);
    return out_of_memory(c);
  }
  memcpy(buf, c->value[O_CLOSED], len + 1);
  int n = course_args_split(buf, items, INFUSE_MAX_CLOSED + 1);
  if (n < 0 || n > INFUSE_MAX_CLOSED) {
    rc = bad_value(c, O_CLOSED, "at most 128 dates YYYY-MM-DD, "
                                "comma-separated");
  }
  for (int i = 0; rc == CLI_EXIT_OK && i < n; i++) {
    infuse_diag_t d;
    int st = infuse_date_parse(items[i], "--closed", &o->closed[i], &d);
    if (st != INFUSE_OK) {
      rc = library_error(c, st, &d, NULL);
    }
  }
  if (rc == CLI_EXIT_OK) {
    /* one order for every spelling of the same dates */
    qsort(o->closed, (size_t)n, sizeof o->closed[0], cmp_int32);
    o->n_closed = n;
  }
  free(buf);
  free(items);
  return rc;
}

/* A time that is a whole number of days from 1 to 365 (48h, 2d). */
static int whole_days(const ctx_t *c, int id, const char *text, int32_t *out) {
  infuse_quantity_t q;
  int rc = lib_quantity(c, id, text, INFUSE_DIM_BIT(INFUSE_DIM_TIME), &q);
  if (rc != CLI_EXIT_OK) {
    return rc;
  }
  if (q.value % 86400 != 0 || q.value / 86400 > 365) {
    fprintf(stderr,
            "%s: error: --%s: '%s' is not accepted; accepted: a whole number "
            "of days from 1 to 365 with its unit (48h, 2d, 7d)\n",
            c->prog, opts[id].name, text);
    return CLI_EXIT_USAGE;
  }
  *out = (int32_t)(q.value / 86400);
  return CLI_EXIT_OK;
}

static int taper_steps(const ctx_t *c, infuse_course_options_t *o) {
  char buf[512];
  char *items[INFUSE_MAX_TAPER_STEPS + 1];
  if (strlen(c->value[O_TAPER]) >= sizeof buf) {
    return bad_value(c, O_TAPER, "at most 16 steps INTERVAL:COUNT");
  }
  strcpy(buf, c->value[O_TAPER]);
  int n = course_args_split(buf, items, INFUSE_MAX_TAPER_STEPS + 1);
  if (n < 0 || n > INFUSE_MAX_TAPER_STEPS) {
    return bad_value(c, O_TAPER, "at most 16 steps INTERVAL:COUNT");
  }
  for (int i = 0; i < n; i++) {
    char *colon = strchr(items[i], ':');
    uint64_t count = 0;
    if (colon != NULL) {
      *colon = '\0';
      int rc = count_value(c, O_TAPER, colon + 1, 1, INFUSE_MAX_SESSIONS,
                           &count);
      if (rc != 0) {
        return rc;
      }
    } else if (i != n - 1) {
      return bad_value(c, O_TAPER,
                       "steps INTERVAL:COUNT (e.g. 7d:2); only the last step "
                       "may leave out its count to repeat");
    }
    int rc = whole_days(c, O_TAPER, items[i], &o->taper[i].interval_days);
    if (rc != 0) {
      return rc;
    }
    o->taper[i].count = (int32_t)count;
  }
  o->n_taper_steps = n;
  return CLI_EXIT_OK;
}

static bool any_course_option(const ctx_t *c) {
  for (int id = O_INDUCTION; id <= O_MIN_INTERVAL; id++) {
    if (c->given[id]) {
      return true;
    }
  }
  return false;
}

/* Fill *o from the course options; `start` when --start is not given. */
static int course_options(const ctx_t *c, infuse_course_options_t *o,
                          int32_t start) {
  int rc;
  infuse_diag_t d;
  if (c->given[O_START]) {
    rc = infuse_date_parse(c->value[O_START], "--start", &start, &d);
    if (rc != INFUSE_OK) {
      return library_error(c, rc, &d, NULL);
    }
  }
  rc = infuse_course_init(o, start);
  if (rc != INFUSE_OK) {
    return library_error(c, rc, &d, "--start");
  }
  if (c->given[O_INDUCTION] &&
      (rc = count32_opt(c, O_INDUCTION, 1, 12, &o->induction_count)) != 0) {
    return rc;
  }
  if (c->given[O_PER_WEEK] &&
      (rc = count32_opt(c, O_PER_WEEK, 2, 3, &o->per_week)) != 0) {
    return rc;
  }
  if (c->given[O_MONTHS] &&
      (rc = count32_opt(c, O_MONTHS, 1, 60, &o->horizon_months)) != 0) {
    return rc;
  }
  if (c->given[O_MAINTENANCE]) {
    const char *m = c->value[O_MAINTENANCE];
    if (strcmp(m, "taper") == 0) {
      o->maintenance = INFUSE_MAINTENANCE_TAPER;
    } else if (strcmp(m, "weekly") == 0) {
      o->maintenance = INFUSE_MAINTENANCE_WEEKLY;
    } else if (strcmp(m, "none") == 0) {
      o->maintenance = INFUSE_MAINTENANCE_NONE;
    } else {
      return bad_value(c, O_MAINTENANCE, "taper, weekly, none");
    }
  }
  if (c->given[O_TAPER]) {
    if (o->maintenance != INFUSE_MAINTENANCE_TAPER) {
      return usage_error(c, "--taper goes with --maintenance taper");
    }
    if ((rc = taper_steps(c, o)) != 0) {
      return rc;
    }
  }
  if (c->given[O_CLINIC_DAYS] && (rc = clinic_days(c, &o->clinic_days)) != 0) {
    return rc;
  }
  if (c->given[O_CLOSED] && (rc = closed_dates(c, o)) != 0) {
    return rc;
  }
  if (c->given[O_MIN_INTERVAL] &&
      (rc = whole_days(c, O_MIN_INTERVAL, c->value[O_MIN_INTERVAL],
                       &o->min_interval_days)) != 0) {
    return rc;
  }
  return CLI_EXIT_OK;
}

/* Plan the course; *sessions is allocated (free it). */
static int plan_course(const ctx_t *c, const infuse_course_options_t *o,
                       infuse_session_t **sessions, size_t *n) {
  infuse_diag_t d;
  infuse_session_t *s = malloc(sizeof *s * INFUSE_MAX_SESSIONS);
  if (s == NULL) {
    return out_of_memory(c);
  }
  int rc = infuse_course_plan(o, s, INFUSE_MAX_SESSIONS, n, &d);
  if (rc != INFUSE_OK) {
    free(s);
    return library_error(c, rc, &d, course_args_option_of(d.field));
  }
  if (*n == 0) {
    free(s);
    return usage_error(c, "the course has no session before the horizon "
                          "(--months)");
  }
  *sessions = s;
  return CLI_EXIT_OK;
}

/* ---- writing -------------------------------------------------------------- */

static int write_svg_file(const ctx_t *c, const char *path, const sbuf_t *svg) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    fprintf(stderr, "%s: error: cannot write the SVG file '%s': %s\n", c->prog,
            path, strerror(errno));
    return CLI_EXIT_OTHER;
  }
  size_t put = fwrite(svg->data, 1, svg->len, f);
  int err = ferror(f);
  if (fclose(f) != 0 || put != svg->len || err != 0) {
    fprintf(stderr, "%s: error: cannot write the SVG file '%s'\n", c->prog,
            path);
    return CLI_EXIT_OTHER;
  }
  return CLI_EXIT_OK;
}

/* Write the SVG (when asked) and then stdout. */
static int finish(const ctx_t *c, sbuf_t *out, sbuf_t *svg) {
  if (out->failed || (svg != NULL && svg->failed)) {
    return out_of_memory(c);
  }
  if (svg != NULL && c->given[O_SVG]) {
    int rc = write_svg_file(c, c->value[O_SVG], svg);
    if (rc != CLI_EXIT_OK) {
      return rc;
    }
  }
  if (out->len > 0 && fwrite(out->data, 1, out->len, stdout) != out->len) {
    fprintf(stderr, "%s: error: cannot write the output\n", c->prog);
    return CLI_EXIT_OTHER;
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "%s: error: cannot write the output: %s\n", c->prog,
            strerror(errno));
    return CLI_EXIT_OTHER;
  }
  return CLI_EXIT_OK;
}

/* A CSV field, quoted when it needs it (RFC 4180). */
static void csv_field(sbuf_t *b, const char *s) {
  if (strpbrk(s, ",\"\r\n") == NULL) {
    sb_puts(b, s);
    return;
  }
  sb_put(b, "\"", 1);
  for (; *s != '\0'; s++) {
    if (*s == '"') {
      sb_put(b, "\"", 1);
    }
    sb_put(b, s, 1);
  }
  sb_put(b, "\"", 1);
}

/* JSON string of text without control characters (labels, names). */
static void json_string(sbuf_t *b, const char *s) {
  sb_put(b, "\"", 1);
  for (; *s != '\0'; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      sb_put(b, "\\", 1);
      sb_put(b, s, 1);
    } else if (ch < 0x20) {
      sb_printf(b, "\\u%04x", ch);
    } else {
      sb_put(b, s, 1);
    }
  }
  sb_put(b, "\"", 1);
}

/* A decimal fraction of an integer count: 500 with scale 1000 (a power of
 * ten) is "0.5". */
static void sb_scaled(sbuf_t *b, int64_t v, int64_t scale) {
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  uint64_t s = (uint64_t)scale;
  sb_printf(b, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(u / s));
  uint64_t frac = u % s;
  if (frac == 0) {
    return;
  }
  char digits[24];
  size_t n = 0;
  for (uint64_t p = s / 10; p > 0 && n < sizeof digits; p /= 10) {
    digits[n++] = (char)('0' + (frac / p) % 10);
  }
  while (n > 0 && digits[n - 1] == '0') {
    n--;
  }
  sb_put(b, ".", 1);
  sb_put(b, digits, n);
}

/* ---- pk ------------------------------------------------------------------- */

enum { PK_MAX_MODELS = 4, PK_MAX_DURATIONS = 16, PK_MAX_CURVES = 100 };
#define PK_MAX_VALUES 5000000u   /* samples held over all curves */
#define PK_MAX_PATIENTS 1000000u
#define PK_MAX_DURATION_S ((int64_t)7 * 86400)
#define PK_MAX_EVERY_S ((int64_t)365 * 86400)
#define PK_MAX_UNTIL_S ((int64_t)3660 * 86400)

typedef struct pk_run {
  int n_models;
  const char *model_name[PK_MAX_MODELS];
  infuse_pk_model_t model[PK_MAX_MODELS];
  int n_durations;
  int64_t duration_s[PK_MAX_DURATIONS];
  double weight_kg;
  bool per_kg;
  int64_t dose_ug_per_kg; /* per_kg */
  int64_t dose_ug;        /* fixed */
  size_t n_starts;
  int64_t *start_s;       /* infusion starts, from the first */
  int64_t step_s, until_s;
  size_t n_samples;
  double threshold;
  bool population;
  uint64_t patients, seed;
  double variability, weight_cv;
  bool summary;
} pk_run_t;

typedef struct pk_curve {
  char label[96];
  int m, d;
  bool has_patient;
  uint64_t patient;
  infuse_pk_model_t params;
  double weight_kg, dose_mg;
  infuse_pk_summary_t sum;
  double *conc; /* n_samples, or NULL */
} pk_curve_t;

static bool custom_given(const ctx_t *c) {
  for (int id = O_V1; id <= O_Q3; id++) {
    if (c->given[id]) {
      return true;
    }
  }
  return false;
}

static int custom_model(const ctx_t *c, infuse_pk_model_t *m) {
  bool rates = false, clear = false;
  for (int id = O_K10; id <= O_K31; id++) {
    rates = rates || c->given[id];
  }
  clear = c->given[O_CL] || c->given[O_Q2] || c->given[O_Q3] ||
          c->given[O_V2] || c->given[O_V3];
  if (rates && clear) {
    return usage_error(c, "give the custom model either as rate constants "
                          "(--v1, --k10, --k12, ...) or as volumes and "
                          "clearances (--v1, --cl, --v2, --q2, ...), not both");
  }
  if (!c->given[O_V1] || (!rates && !clear)) {
    return usage_error(c, "--model custom needs --v1 with --k10 (rate "
                          "constants) or with --cl (clearances), e.g. --v1 "
                          "0.063L/kg --k10 0.4381/min");
  }
  double v1, k[5] = {0, 0, 0, 0, 0};
  int rc = real_opt(c, O_V1, &k_volume, false, &v1);
  if (rc != 0) {
    return rc;
  }
  infuse_diag_t d;
  infuse_pk_model_t out;
  memset(&out, 0, sizeof out);
  out.struct_size = (uint32_t)sizeof out;
  if (rates) {
    if (!c->given[O_K10]) {
      return usage_error(c, "--model custom with rate constants needs "
                            "--k10 (elimination, e.g. 0.4381/min)");
    }
    if (c->given[O_K12] != c->given[O_K21]) {
      return usage_error(c, "--k12 and --k21 go together (a second "
                            "compartment)");
    }
    if (c->given[O_K13] != c->given[O_K31]) {
      return usage_error(c, "--k13 and --k31 go together (a third "
                            "compartment)");
    }
    if (c->given[O_K13] && !c->given[O_K12]) {
      return usage_error(c, "--k13 and --k31 (a third compartment) need "
                            "--k12 and --k21 (the second)");
    }
    for (int id = O_K10; id <= O_K31; id++) {
      if (c->given[id] &&
          (rc = real_opt(c, id, &k_rate, false, &k[id - O_K10])) != 0) {
        return rc;
      }
    }
    out.compartments = c->given[O_K13] ? 3 : c->given[O_K12] ? 2 : 1;
    out.v1_l_per_kg = v1;
    out.k10 = k[0];
    out.k12 = k[1];
    out.k13 = k[2];
    out.k21 = k[3];
    out.k31 = k[4];
    rc = infuse_pk_model_validate(&out, &d);
  } else {
    double v2 = 0, v3 = 0, cl = 0, q2 = 0, q3 = 0;
    if (!c->given[O_CL]) {
      return usage_error(c, "--model custom with volumes needs --cl (the "
                            "clearance, e.g. 0.0276L/min/kg)");
    }
    if (c->given[O_V2] != c->given[O_Q2]) {
      return usage_error(c, "--v2 and --q2 go together (a second "
                            "compartment)");
    }
    if (c->given[O_V3] != c->given[O_Q3]) {
      return usage_error(c, "--v3 and --q3 go together (a third "
                            "compartment)");
    }
    if (c->given[O_V3] && !c->given[O_V2]) {
      return usage_error(c, "--v3 and --q3 (a third compartment) need --v2 "
                            "and --q2 (the second)");
    }
    if ((rc = real_opt(c, O_CL, &k_clearance, false, &cl)) != 0 ||
        (c->given[O_V2] &&
         ((rc = real_opt(c, O_V2, &k_volume, false, &v2)) != 0 ||
          (rc = real_opt(c, O_Q2, &k_clearance, false, &q2)) != 0)) ||
        (c->given[O_V3] &&
         ((rc = real_opt(c, O_V3, &k_volume, false, &v3)) != 0 ||
          (rc = real_opt(c, O_Q3, &k_clearance, false, &q3)) != 0))) {
      return rc;
    }
    int32_t n = c->given[O_V3] ? 3 : c->given[O_V2] ? 2 : 1;
    rc = infuse_pk_model_from_clearances(n, v1, v2, v3, cl, q2, q3, &out, &d);
  }
  if (rc != INFUSE_OK) {
    /* name the option of a rate constant or volume the library refused */
    static const char *const fields[] = {"v1", "k10", "k12", "k13",
                                         "k21", "k31"};
    static const char *const names[] = {"--v1", "--k10", "--k12",
                                        "--k13", "--k21", "--k31"};
    const char *option = "--model custom";
    for (size_t i = 0; rates && i < sizeof fields / sizeof fields[0]; i++) {
      const char *f = strstr(d.field, fields[i]);
      if (f != NULL && (f == d.field || f[-1] == '.')) {
        option = names[i];
      }
    }
    return library_error(c, rc, &d, option);
  }
  *m = out;
  return CLI_EXIT_OK;
}

static int pk_models(const ctx_t *c, pk_run_t *r) {
  char buf[128];
  char *items[PK_MAX_MODELS + 1];
  char accepted[160] = "";
  size_t nb = infuse_pk_model_count();
  for (size_t i = 0; i < nb; i++) {
    size_t len = strlen(accepted);
    snprintf(accepted + len, sizeof accepted - len, "%s, ",
             infuse_pk_model_name(i));
  }
  strncat(accepted, "custom, comma-separated, each once",
          sizeof accepted - strlen(accepted) - 1);
  const char *list = c->given[O_MODEL] ? c->value[O_MODEL]
                     : custom_given(c) ? "custom"
                                       : "domino";
  if (strlen(list) >= sizeof buf) {
    return bad_value(c, O_MODEL, accepted);
  }
  strcpy(buf, list);
  int n = course_args_split(buf, items, PK_MAX_MODELS + 1);
  if (n < 0 || n > PK_MAX_MODELS) {
    return bad_value(c, O_MODEL, accepted);
  }
  bool custom = false;
  for (int i = 0; i < n; i++) {
    const char *name = NULL;
    for (int j = 0; j < i; j++) {
      if (strcmp(r->model_name[j], items[i]) == 0) {
        return bad_value(c, O_MODEL, accepted);
      }
    }
    if (strcmp(items[i], "custom") == 0) {
      int rc = custom_model(c, &r->model[i]);
      if (rc != 0) {
        return rc;
      }
      name = "custom";
      custom = true;
    } else {
      for (size_t k = 0; k < nb; k++) {
        if (strcmp(items[i], infuse_pk_model_name(k)) == 0) {
          name = infuse_pk_model_name(k);
        }
      }
      r->model[i].struct_size = (uint32_t)sizeof r->model[i];
      if (name == NULL ||
          infuse_pk_model_get(name, &r->model[i], NULL) != INFUSE_OK) {
        return bad_value(c, O_MODEL, accepted);
      }
    }
    r->model_name[i] = name;
  }
  if (custom_given(c) && !custom) {
    return usage_error(c, "--v1, --k10, --cl ... describe a custom model: "
                          "add custom to --model (e.g. --model domino,custom)");
  }
  r->n_models = n;
  return CLI_EXIT_OK;
}

static int pk_durations(const ctx_t *c, pk_run_t *r) {
  char buf[512];
  char *items[PK_MAX_DURATIONS + 1];
  const char *list = c->given[O_DURATION] ? c->value[O_DURATION] : "40min";
  const char *accepted = "up to 16 different times from 1s to 7d with their "
                         "unit, comma-separated (40min,100min)";
  if (strlen(list) >= sizeof buf) {
    return bad_value(c, O_DURATION, accepted);
  }
  strcpy(buf, list);
  int n = course_args_split(buf, items, PK_MAX_DURATIONS + 1);
  if (n < 0 || n > PK_MAX_DURATIONS) {
    return bad_value(c, O_DURATION, accepted);
  }
  for (int i = 0; i < n; i++) {
    infuse_quantity_t q;
    int rc = lib_quantity(c, O_DURATION, items[i],
                          INFUSE_DIM_BIT(INFUSE_DIM_TIME), &q);
    if (rc != 0) {
      return rc;
    }
    if (q.value > PK_MAX_DURATION_S) {
      return bad_value(c, O_DURATION, accepted);
    }
    for (int j = 0; j < i; j++) {
      if (r->duration_s[j] == q.value) {
        return bad_value(c, O_DURATION, accepted);
      }
    }
    r->duration_s[i] = q.value;
  }
  r->n_durations = n;
  return CLI_EXIT_OK;
}

/* The infusion starts: one, --sessions/--every, or a course. */
static int pk_starts(const ctx_t *c, pk_run_t *r) {
  bool course = c->given[O_START] || any_course_option(c);
  if (course && (c->given[O_SESSIONS] || c->given[O_EVERY])) {
    return usage_error(c, "give --sessions and --every, or a course "
                          "(--start ...), not both");
  }
  if (course) {
    if (!c->given[O_START]) {
      return usage_error(c, "the course options need --start (e.g. --start "
                            "2026-11-30)");
    }
    infuse_course_options_t o;
    infuse_session_t *s = NULL;
    size_t n = 0;
    int rc = course_options(c, &o, 0);
    if (rc == 0) {
      rc = plan_course(c, &o, &s, &n);
    }
    if (rc != 0) {
      return rc;
    }
    r->start_s = malloc(sizeof *r->start_s * n);
    if (r->start_s == NULL) {
      free(s);
      return out_of_memory(c);
    }
    for (size_t i = 0; i < n; i++) {
      r->start_s[i] = (int64_t)(s[i].date - s[0].date) * 86400;
    }
    r->n_starts = n;
    free(s);
    return CLI_EXIT_OK;
  }
  uint64_t n = 1;
  int64_t every = 0;
  int rc;
  if (c->given[O_EVERY] && !c->given[O_SESSIONS]) {
    return usage_error(c, "--every goes with --sessions (e.g. --sessions 6 "
                          "--every 2d)");
  }
  if (c->given[O_SESSIONS] &&
      (rc = count_opt(c, O_SESSIONS, 1, INFUSE_MAX_SESSIONS, &n)) != 0) {
    return rc;
  }
  if (n > 1 && !c->given[O_EVERY]) {
    return usage_error(c, "--sessions %llu needs --every (the time from one "
                          "infusion's start to the next, e.g. --every 2d)",
                       (unsigned long long)n);
  }
  if (c->given[O_EVERY]) {
    infuse_quantity_t q;
    if ((rc = lib_quantity(c, O_EVERY, c->value[O_EVERY],
                           INFUSE_DIM_BIT(INFUSE_DIM_TIME), &q)) != 0) {
      return rc;
    }
    if (q.value > PK_MAX_EVERY_S) {
      return bad_value(c, O_EVERY, "a time from 1s to 365d with its unit");
    }
    every = q.value;
  }
  r->start_s = malloc(sizeof *r->start_s * (size_t)n);
  if (r->start_s == NULL) {
    return out_of_memory(c);
  }
  for (uint64_t i = 0; i < n; i++) {
    r->start_s[i] = (int64_t)i * every;
  }
  r->n_starts = (size_t)n;
  return CLI_EXIT_OK;
}

static int pk_options(const ctx_t *c, pk_run_t *r) {
  int rc;
  infuse_quantity_t q;
  if (c->given[O_JSON] && c->given[O_CSV]) {
    return usage_error(c, "give one output format: --json or --csv");
  }
  if ((rc = pk_models(c, r)) != 0 || (rc = pk_durations(c, r)) != 0) {
    return rc;
  }
  r->weight_kg = 70.0;
  if (c->given[O_WEIGHT]) {
    if ((rc = lib_quantity(c, O_WEIGHT, c->value[O_WEIGHT],
                           INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT), &q)) != 0) {
      return rc;
    }
    r->weight_kg = (double)q.value / 1000.0;
  }
  r->per_kg = true;
  r->dose_ug_per_kg = 500;
  if (c->given[O_DOSE]) {
    if ((rc = lib_quantity(c, O_DOSE, c->value[O_DOSE],
                           INFUSE_DIM_BIT(INFUSE_DIM_DOSE_PER_KG) |
                               INFUSE_DIM_BIT(INFUSE_DIM_MASS),
                           &q)) != 0) {
      return rc;
    }
    r->per_kg = q.dim == INFUSE_DIM_DOSE_PER_KG;
    if (r->per_kg) {
      r->dose_ug_per_kg = q.value;
    } else {
      r->dose_ug = q.value;
    }
    if (q.value > 1000000) {
      return bad_value(c, O_DOSE, "a dose per kg up to 1000mg/kg or a fixed "
                                  "dose up to 1000mg");
    }
  }
  if ((rc = pk_starts(c, r)) != 0) {
    return rc;
  }
  /* infusions must not overlap */
  int64_t longest = 0;
  for (int d = 0; d < r->n_durations; d++) {
    longest = r->duration_s[d] > longest ? r->duration_s[d] : longest;
  }
  for (size_t i = 1; i < r->n_starts; i++) {
    if (r->start_s[i] - r->start_s[i - 1] < longest) {
      char gap[32];
      infuse_format(r->start_s[i] - r->start_s[i - 1], INFUSE_UNIT_S, gap,
                    sizeof gap);
      return usage_error(c, "--duration: an infusion would still run when "
                            "the next one starts (%s later); infusions must "
                            "not overlap",
                         gap);
    }
  }
  r->step_s = 60;
  if (c->given[O_STEP]) {
    if ((rc = lib_quantity(c, O_STEP, c->value[O_STEP],
                           INFUSE_DIM_BIT(INFUSE_DIM_TIME), &q)) != 0) {
      return rc;
    }
    r->step_s = q.value;
  }
  if (r->start_s == NULL || r->n_starts == 0) {
    return usage_error(c, "no infusion to simulate");
  }
  r->until_s = r->start_s[r->n_starts - 1] + longest + 86400;
  if (c->given[O_UNTIL]) {
    if ((rc = lib_quantity(c, O_UNTIL, c->value[O_UNTIL],
                           INFUSE_DIM_BIT(INFUSE_DIM_TIME), &q)) != 0) {
      return rc;
    }
    if (q.value > PK_MAX_UNTIL_S) {
      return bad_value(c, O_UNTIL, "a time from 1s to 3660d with its unit");
    }
    r->until_s = q.value;
  }
  if (r->step_s > r->until_s) {
    return usage_error(c, "--step is longer than the simulated time "
                          "(--until)");
  }
  r->n_samples = (size_t)(r->until_s / r->step_s) + 1;
  r->threshold = 100.0;
  if (c->given[O_THRESHOLD] &&
      (rc = real_opt(c, O_THRESHOLD, &k_conc, false, &r->threshold)) != 0) {
    return rc;
  }
  /* virtual patients */
  r->population = c->given[O_PATIENTS];
  r->patients = 1;
  r->seed = 1;
  r->variability = 0.3;
  r->weight_cv = 0.0;
  if (!r->population) {
    for (int id = O_SEED; id <= O_WEIGHT_CV; id++) {
      if (c->given[id]) {
        return usage_error(c, "--%s goes with --patients", opts[id].name);
      }
    }
    if (c->given[O_VARIABILITY]) {
      return usage_error(c, "--variability goes with --patients");
    }
  } else {
    if ((rc = count_opt(c, O_PATIENTS, 1, PK_MAX_PATIENTS, &r->patients)) !=
            0 ||
        (c->given[O_SEED] &&
         (rc = count_opt(c, O_SEED, 0, UINT64_MAX, &r->seed)) != 0) ||
        (c->given[O_VARIABILITY] &&
         (rc = percent_opt(c, O_VARIABILITY, 0, 200, &r->variability)) != 0) ||
        (c->given[O_WEIGHT_CV] &&
         (rc = percent_opt(c, O_WEIGHT_CV, 0, 100, &r->weight_cv)) != 0)) {
      return rc;
    }
    if (r->weight_kg < 20.0 || r->weight_kg > 300.0) {
      return bad_value(c, O_WEIGHT, "with --patients, the population's median "
                                    "weight, from 20kg to 300kg");
    }
  }
  if (!r->population && r->weight_kg > 500.0) {
    return bad_value(c, O_WEIGHT, "a body weight up to 500kg");
  }
  r->summary = c->given[O_SUMMARY];
  size_t combos = (size_t)r->n_models * (size_t)r->n_durations;
  if (r->summary && c->given[O_SVG]) {
    return usage_error(c, "--svg draws curves; leave out --summary to draw "
                          "them");
  }
  if (!r->summary) {
    if (r->patients * combos > PK_MAX_CURVES) {
      return usage_error(c, "%llu curves (patients x models x durations: "
                            "%llu x %zu x %zu) are more than %d; use "
                            "--summary for distributions over many "
                            "patients",
                         (unsigned long long)r->patients * combos,
                         (unsigned long long)r->patients,
                         (size_t)r->n_models, (size_t)r->n_durations,
                         PK_MAX_CURVES);
    }
    if ((uint64_t)r->n_samples * r->patients * combos > PK_MAX_VALUES) {
      return usage_error(c, "the curves would hold more than %u samples; use "
                            "a larger --step, an earlier --until, fewer "
                            "curves, or --summary",
                         PK_MAX_VALUES);
    }
  }
  return CLI_EXIT_OK;
}

static void duration_text(int64_t s, char *buf, size_t cap) {
  infuse_format(s, INFUSE_UNIT_S, buf, cap);
}

/* One patient on one model and duration: parameters, dose, curve, summary. */
static int pk_patient(const ctx_t *c, const pk_run_t *r, int m, int d,
                      uint64_t p, infuse_pk_infusion_t *inf, pk_curve_t *cv) {
  infuse_diag_t dg;
  int rc;
  cv->m = m;
  cv->d = d;
  cv->has_patient = r->population;
  cv->patient = p;
  cv->params = r->model[m];
  cv->weight_kg = r->weight_kg;
  char dur[32];
  duration_text(r->duration_s[d], dur, sizeof dur);
  if (r->population) {
    infuse_pk_population_t pop;
    memset(&pop, 0, sizeof pop);
    pop.struct_size = (uint32_t)sizeof pop;
    pop.model = r->model[m];
    pop.variability_cv = r->variability;
    pop.weight_median_kg = r->weight_kg;
    pop.weight_cv = r->weight_cv;
    pop.seed = r->seed;
    rc = infuse_pk_patient(&pop, p, &cv->params, &cv->weight_kg, &dg);
    if (rc != INFUSE_OK) {
      return library_error(c, rc, &dg, "--patients");
    }
    snprintf(cv->label, sizeof cv->label, "%s %s patient %llu",
             r->model_name[m], dur, (unsigned long long)p);
  } else {
    snprintf(cv->label, sizeof cv->label, "%s %s", r->model_name[m], dur);
  }
  infuse_pk_system_t sys;
  memset(&sys, 0, sizeof sys);
  sys.struct_size = (uint32_t)sizeof sys;
  rc = infuse_pk_prepare(&cv->params, cv->weight_kg, &sys, &dg);
  if (rc != INFUSE_OK) {
    return library_error(c, rc, &dg, r->model_name[m]);
  }
  cv->dose_mg = r->per_kg
                    ? (double)r->dose_ug_per_kg * cv->weight_kg / 1000.0
                    : (double)r->dose_ug / 1000.0;
  for (size_t i = 0; i < r->n_starts; i++) {
    inf[i].start_min = (double)r->start_s[i] / 60.0;
    inf[i].duration_min = (double)r->duration_s[d] / 60.0;
    inf[i].dose_mg = cv->dose_mg;
  }
  if (cv->conc != NULL) {
    rc = infuse_pk_curve(&sys, inf, r->n_starts, 0.0, (double)r->step_s / 60.0,
                         r->n_samples, cv->conc, &dg);
    if (rc != INFUSE_OK) {
      return library_error(c, rc, &dg, NULL);
    }
  }
  memset(&cv->sum, 0, sizeof cv->sum);
  cv->sum.struct_size = (uint32_t)sizeof cv->sum;
  rc = infuse_pk_summarize(&sys, inf, r->n_starts, (double)r->until_s / 60.0,
                           r->threshold, &cv->sum, &dg);
  if (rc != INFUSE_OK) {
    return library_error(c, rc, &dg, NULL);
  }
  return CLI_EXIT_OK;
}

/* -- distributions -- */

enum { MET_CMAX, MET_TMAX, MET_AUC, MET_ABOVE, MET_WEIGHT, MET_DOSE, MET_N };
static const char *const met_json[MET_N] = {
    "cmax_ng_per_ml",           "tmax_min", "auc_ng_h_per_ml",
    "time_above_threshold_min", "weight_kg", "dose_mg"};
static const char *const met_text[MET_N] = {
    "Cmax (ng/mL)", "Tmax (min)", "AUC (ng*h/mL)", "above threshold (min)",
    "weight (kg)", "dose (mg)"};
static const double pct_levels[5] = {0.05, 0.25, 0.50, 0.75, 0.95};
static const char *const pct_names[5] = {"p5", "p25", "p50", "p75", "p95"};

typedef struct dist {
  double p[5];
  double mean;
} dist_t;

typedef struct pk_dist {
  int m, d;
  char label[96];
  dist_t met[MET_N];
} pk_dist_t;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Percentiles by linear interpolation between order statistics
 * (x[(n-1)p]; Hyndman and Fan type 7), and the mean as
 * min + sum(x - min) / n, which is exact when all values are equal. */
static void distribution(double *x, size_t n, dist_t *out) {
  qsort(x, n, sizeof *x, cmp_double);
  for (int k = 0; k < 5; k++) {
    double h = (double)(n - 1) * pct_levels[k];
    size_t lo = (size_t)floor(h);
    double frac = h - (double)lo;
    out->p[k] = lo + 1 < n && frac > 0 ? x[lo] + frac * (x[lo + 1] - x[lo])
                                       : x[lo];
  }
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    sum += x[i] - x[0];
  }
  out->mean = x[0] + sum / (double)n;
}

/* -- output -- */

/* The x unit of the chart: minutes, hours or days. */
static double time_unit(int64_t until_s, const char **label) {
  if (until_s <= (int64_t)600 * 60) {
    *label = "time (min)";
    return 1.0;
  }
  if (until_s <= (int64_t)4 * 86400) {
    *label = "time (h)";
    return 60.0;
  }
  *label = "time (d)";
  return 1440.0;
}

static void json_kv_double(sbuf_t *b, const char *indent, const char *key,
                           double v, bool comma) {
  sb_printf(b, "%s\"%s\": ", indent, key);
  sb_double(b, v);
  sb_puts(b, comma ? ",\n" : "\n");
}

static void pk_json_common(sbuf_t *b, const pk_run_t *r) {
  sb_printf(b, "{\n  \"infuse_version\": \"%s\",\n",
            infuse_version_string());
  json_kv_double(b, "  ", "threshold_ng_per_ml", r->threshold, true);
  if (!r->summary) {
    json_kv_double(b, "  ", "step_min", (double)r->step_s / 60.0, true);
  }
  json_kv_double(b, "  ", "until_min", (double)r->until_s / 60.0, true);
  sb_puts(b, "  \"infusion_starts_min\": [");
  for (size_t i = 0; i < r->n_starts; i++) {
    sb_puts(b, i == 0 ? "" : ", ");
    sb_double(b, (double)r->start_s[i] / 60.0);
  }
  sb_puts(b, "],\n  \"dose_mg_per_kg\": ");
  if (r->per_kg) {
    sb_scaled(b, r->dose_ug_per_kg, 1000);
  } else {
    sb_puts(b, "null");
  }
  sb_puts(b, ",\n  \"dose_fixed_mg\": ");
  if (r->per_kg) {
    sb_puts(b, "null");
  } else {
    sb_scaled(b, r->dose_ug, 1000);
  }
  sb_puts(b, ",\n  \"population\": ");
  if (r->population) {
    sb_printf(b, "{\"patients\": %llu, \"seed\": %llu, \"variability_cv\": ",
              (unsigned long long)r->patients, (unsigned long long)r->seed);
    sb_double(b, r->variability);
    sb_puts(b, ", \"weight_median_kg\": ");
    sb_double(b, r->weight_kg);
    sb_puts(b, ", \"weight_cv\": ");
    sb_double(b, r->weight_cv);
    sb_puts(b, "},\n");
  } else {
    sb_puts(b, "null,\n");
  }
}

static void pk_json_params(sbuf_t *b, const infuse_pk_model_t *m) {
  sb_printf(b, "{\"compartments\": %d, \"v1_l_per_kg\": ",
            (int)m->compartments);
  sb_double(b, m->v1_l_per_kg);
  const double k[5] = {m->k10, m->k12, m->k13, m->k21, m->k31};
  const char *names[5] = {"k10", "k12", "k13", "k21", "k31"};
  for (int i = 0; i < 5; i++) {
    sb_printf(b, ", \"%s_per_min\": ", names[i]);
    sb_double(b, k[i]);
  }
  sb_puts(b, "}");
}

static void pk_json_curve(sbuf_t *b, const pk_run_t *r, const pk_curve_t *cv,
                          const char *in, bool last_comma) {
  sb_printf(b, "%s\"label\": ", in);
  json_string(b, cv->label);
  sb_printf(b, ",\n%s\"model\": \"%s\",\n", in, r->model_name[cv->m]);
  json_kv_double(b, in, "duration_min", (double)r->duration_s[cv->d] / 60.0,
                 true);
  if (cv->has_patient) {
    sb_printf(b, "%s\"patient\": %llu,\n", in,
              (unsigned long long)cv->patient);
  } else {
    sb_printf(b, "%s\"patient\": null,\n", in);
  }
  json_kv_double(b, in, "weight_kg", cv->weight_kg, true);
  json_kv_double(b, in, "dose_mg", cv->dose_mg, true);
  sb_printf(b, "%s\"parameters\": ", in);
  pk_json_params(b, &cv->params);
  sb_puts(b, ",\n");
  json_kv_double(b, in, "cmax_ng_per_ml", cv->sum.cmax_ng_per_ml, true);
  json_kv_double(b, in, "tmax_min", cv->sum.tmax_min, true);
  json_kv_double(b, in, "auc_ng_h_per_ml", cv->sum.auc_ng_h_per_ml, true);
  json_kv_double(b, in, "auc_inf_ng_h_per_ml", cv->sum.auc_inf_ng_h_per_ml,
                 true);
  json_kv_double(b, in, "time_above_threshold_min", cv->sum.time_above_min,
                 true);
  json_kv_double(b, in, "c_until_ng_per_ml", cv->sum.c_until_ng_per_ml, true);
  sb_printf(b, "%s\"times_min\": [", in);
  for (size_t k = 0; k < r->n_samples; k++) {
    sb_puts(b, k == 0 ? "" : ", ");
    sb_double(b, (double)((int64_t)k * r->step_s) / 60.0);
  }
  sb_printf(b, "],\n%s\"conc_ng_per_ml\": [", in);
  for (size_t k = 0; k < r->n_samples; k++) {
    sb_puts(b, k == 0 ? "" : ", ");
    sb_double(b, cv->conc[k]);
  }
  sb_printf(b, "]%s\n", last_comma ? "," : "");
}

static void pk_json_curves(sbuf_t *b, const pk_run_t *r,
                           const pk_curve_t *cv, size_t n) {
  pk_json_common(b, r);
  pk_json_curve(b, r, &cv[0], "  ", true);
  sb_puts(b, "  \"curves\": [\n");
  for (size_t i = 0; i < n; i++) {
    sb_puts(b, "    {\n");
    pk_json_curve(b, r, &cv[i], "      ", false);
    sb_puts(b, i + 1 < n ? "    },\n" : "    }\n");
  }
  sb_puts(b, "  ]\n}\n");
}

static void pk_json_dist_fields(sbuf_t *b, const pk_run_t *r,
                                const pk_dist_t *ds, const char *in,
                                bool last_comma) {
  sb_printf(b, "%s\"label\": ", in);
  json_string(b, ds->label);
  sb_printf(b, ",\n%s\"model\": \"%s\",\n", in, r->model_name[ds->m]);
  json_kv_double(b, in, "duration_min", (double)r->duration_s[ds->d] / 60.0,
                 true);
  sb_printf(b, "%s\"patients\": %llu,\n", in, (unsigned long long)r->patients);
  for (int k = 0; k < MET_N; k++) {
    sb_printf(b, "%s\"%s\": {", in, met_json[k]);
    for (int p = 0; p < 5; p++) {
      sb_printf(b, "\"%s\": ", pct_names[p]);
      sb_double(b, ds->met[k].p[p]);
      sb_puts(b, ", ");
    }
    sb_puts(b, "\"mean\": ");
    sb_double(b, ds->met[k].mean);
    sb_puts(b, k + 1 < MET_N || last_comma ? "},\n" : "}\n");
  }
}

static void pk_json_summary(sbuf_t *b, const pk_run_t *r, const pk_dist_t *ds,
                            size_t n) {
  pk_json_common(b, r);
  pk_json_dist_fields(b, r, &ds[0], "  ", true);
  sb_puts(b, "  \"summaries\": [\n");
  for (size_t i = 0; i < n; i++) {
    sb_puts(b, "    {\n");
    pk_json_dist_fields(b, r, &ds[i], "      ", false);
    sb_puts(b, i + 1 < n ? "    },\n" : "    }\n");
  }
  sb_puts(b, "  ]\n}\n");
}

static void pk_csv_curves(sbuf_t *b, const pk_run_t *r, const pk_curve_t *cv,
                          size_t n) {
  sb_puts(b, "time_min");
  for (size_t i = 0; i < n; i++) {
    sb_puts(b, ",");
    csv_field(b, cv[i].label);
  }
  sb_puts(b, "\r\n");
  for (size_t k = 0; k < r->n_samples; k++) {
    sb_double(b, (double)((int64_t)k * r->step_s) / 60.0);
    for (size_t i = 0; i < n; i++) {
      sb_puts(b, ",");
      sb_double(b, cv[i].conc[k]);
    }
    sb_puts(b, "\r\n");
  }
}

static void pk_csv_summary(sbuf_t *b, const pk_run_t *r, const pk_dist_t *ds,
                           size_t n) {
  sb_puts(b, "label,model,duration_min,patients,metric,p5,p25,p50,p75,p95,"
             "mean\r\n");
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < MET_N; k++) {
      csv_field(b, ds[i].label);
      sb_printf(b, ",%s,", r->model_name[ds[i].m]);
      sb_double(b, (double)r->duration_s[ds[i].d] / 60.0);
      sb_printf(b, ",%llu,%s", (unsigned long long)r->patients, met_json[k]);
      for (int p = 0; p < 5; p++) {
        sb_puts(b, ",");
        sb_double(b, ds[i].met[k].p[p]);
      }
      sb_puts(b, ",");
      sb_double(b, ds[i].met[k].mean);
      sb_puts(b, "\r\n");
    }
  }
}

static void pk_text_header(sbuf_t *b, const pk_run_t *r) {
  char until[32], step[32];
  sb_printf(b, "infuse-sim %s: plasma concentration (research simulation)\n",
            infuse_version_string());
  sb_puts(b, "dose ");
  if (r->per_kg) {
    sb_scaled(b, r->dose_ug_per_kg, 1000);
    sb_puts(b, " mg/kg");
  } else {
    sb_scaled(b, r->dose_ug, 1000);
    sb_puts(b, " mg");
  }
  sb_printf(b, ", %zu infusion%s", r->n_starts, r->n_starts == 1 ? "" : "s");
  if (r->population) {
    sb_printf(b, "; %llu virtual patients (seed %llu), median weight ",
              (unsigned long long)r->patients, (unsigned long long)r->seed);
    sb_double(b, r->weight_kg);
    sb_printf(b, " kg, weight CV %.4g%%, variability CV %.4g%%",
              r->weight_cv * 100, r->variability * 100);
  } else {
    sb_puts(b, "; weight ");
    sb_double(b, r->weight_kg);
    sb_puts(b, " kg");
  }
  duration_text(r->until_s, until, sizeof until);
  duration_text(r->step_s, step, sizeof step);
  sb_puts(b, "\nthreshold ");
  sb_double(b, r->threshold);
  sb_printf(b, " ng/mL; simulated to %s", until);
  if (!r->summary) {
    sb_printf(b, ", sampled every %s", step);
  }
  sb_puts(b, "\n\n");
}

static void pk_text_curves(sbuf_t *b, const pk_run_t *r, const pk_curve_t *cv,
                           size_t n) {
  pk_text_header(b, r);
  int w = 5;
  for (size_t i = 0; i < n; i++) {
    int len = (int)strlen(cv[i].label);
    w = len > w ? len : w;
  }
  sb_printf(b, "%-*s  %9s  %9s  %10s  %9s  %12s  %11s\n", w, "curve",
            "weight", "dose", "Cmax", "Tmax", "AUC", "above");
  sb_printf(b, "%-*s  %9s  %9s  %10s  %9s  %12s  %11s\n", w, "", "kg", "mg",
            "ng/mL", "min", "ng*h/mL", "thresh. min");
  for (size_t i = 0; i < n; i++) {
    sb_printf(b, "%-*s  %9.2f  %9.3f  %10.2f  %9.2f  %12.2f  %11.2f\n", w,
              cv[i].label, cv[i].weight_kg, cv[i].dose_mg,
              cv[i].sum.cmax_ng_per_ml, cv[i].sum.tmax_min,
              cv[i].sum.auc_ng_h_per_ml, cv[i].sum.time_above_min);
  }
  sb_puts(b, "\nCmax, Tmax, AUC and the time above the threshold are solved "
             "between infusion\nevents, not read from the samples. The "
             "sampled curves: --csv, --json or --svg.\n"
             "Research simulation only: not a dosing instruction.\n");
}

static void pk_text_summary(sbuf_t *b, const pk_run_t *r, const pk_dist_t *ds,
                            size_t n) {
  pk_text_header(b, r);
  for (size_t i = 0; i < n; i++) {
    sb_printf(b, "%s (%llu patient%s)\n", ds[i].label,
              (unsigned long long)r->patients, r->patients == 1 ? "" : "s");
    sb_printf(b, "  %-22s %10s %10s %10s %10s %10s %10s\n", "", "p5", "p25",
              "p50", "p75", "p95", "mean");
    for (int k = 0; k < MET_N; k++) {
      sb_printf(b, "  %-22s", met_text[k]);
      for (int p = 0; p < 5; p++) {
        sb_printf(b, " %10.2f", ds[i].met[k].p[p]);
      }
      sb_printf(b, " %10.2f\n", ds[i].met[k].mean);
    }
    sb_puts(b, "\n");
  }
  sb_puts(b, "Percentiles interpolate linearly between order statistics.\n"
             "Research simulation only: not a dosing instruction.\n");
}

static int pk_svg(const ctx_t *c, sbuf_t *svg, const pk_run_t *r,
                  const pk_curve_t *cv, size_t n) {
  const char *xlabel;
  double unit = time_unit(r->until_s, &xlabel);
  double *x = malloc(sizeof *x * r->n_samples);
  svg_series_t *series = malloc(sizeof *series * n);
  if (x == NULL || series == NULL) {
    free(x);
    free(series);
    return out_of_memory(c);
  }
  for (size_t k = 0; k < r->n_samples; k++) {
    x[k] = (double)((int64_t)k * r->step_s) / 60.0 / unit;
  }
  for (size_t i = 0; i < n; i++) {
    series[i].x = x;
    series[i].y = cv[i].conc;
    series[i].n = r->n_samples;
    series[i].label = cv[i].label;
    series[i].step = false;
    series[i].markers = false;
  }
  char hline[64], thr[32], subtitle[256];
  fmt_double(thr, sizeof thr, r->threshold);
  snprintf(hline, sizeof hline, "threshold %s ng/mL", thr);
  sbuf_t sub;
  sb_init(&sub);
  if (r->per_kg) {
    sb_scaled(&sub, r->dose_ug_per_kg, 1000);
    sb_puts(&sub, " mg/kg");
  } else {
    sb_scaled(&sub, r->dose_ug, 1000);
    sb_puts(&sub, " mg");
  }
  sb_printf(&sub, ", %zu infusion%s; ", r->n_starts,
            r->n_starts == 1 ? "" : "s");
  if (r->population) {
    sb_printf(&sub, "%llu virtual patients, median weight ",
              (unsigned long long)r->patients);
  } else {
    sb_puts(&sub, "weight ");
  }
  sb_double(&sub, r->weight_kg);
  sb_puts(&sub, " kg; dashed: dissociation threshold. Research simulation, "
                "not a dosing instruction.");
  snprintf(subtitle, sizeof subtitle, "%s",
           sub.failed || sub.data == NULL ? "" : sub.data);
  sb_free(&sub);
  svg_chart_t chart;
  memset(&chart, 0, sizeof chart);
  chart.title = "Central (plasma) concentration";
  chart.x_label = xlabel;
  chart.y_label = "concentration (ng/mL)";
  chart.series = series;
  chart.n_series = n;
  chart.x_min = 0;
  chart.x_max = (double)r->until_s / 60.0 / unit;
  chart.hline = true;
  chart.hline_y = r->threshold;
  chart.hline_label = hline;
  svg_render(svg, "Ketamine plasma concentration", subtitle, &chart, 1);
  free(x);
  free(series);
  return CLI_EXIT_OK;
}

static int pk_main(const ctx_t *c) {
  pk_run_t r;
  memset(&r, 0, sizeof r);
  pk_curve_t *cv = NULL;
  pk_dist_t *ds = NULL;
  infuse_pk_infusion_t *inf = NULL;
  double *values = NULL;
  sbuf_t out, svg;
  sb_init(&out);
  sb_init(&svg);
  size_t combos = 0, n_curves = 0;
  int rc = pk_options(c, &r);
  if (rc != 0) {
    goto done;
  }
  combos = (size_t)r.n_models * (size_t)r.n_durations;
  inf = malloc(sizeof *inf * r.n_starts);
  if (inf == NULL) {
    rc = out_of_memory(c);
    goto done;
  }
  if (!r.summary) {
    n_curves = combos * (size_t)r.patients;
    cv = n_curves > 0 ? calloc(n_curves, sizeof *cv) : NULL;
    if (cv == NULL) {
      rc = out_of_memory(c);
      goto done;
    }
    for (size_t i = 0; i < n_curves; i++) {
      cv[i].conc = malloc(sizeof(double) * r.n_samples);
      if (cv[i].conc == NULL) {
        rc = out_of_memory(c);
        goto done;
      }
    }
    size_t i = 0;
    for (int m = 0; m < r.n_models; m++) {
      for (int d = 0; d < r.n_durations; d++) {
        for (uint64_t p = 0; p < r.patients; p++, i++) {
          if ((rc = pk_patient(c, &r, m, d, p, inf, &cv[i])) != 0) {
            goto done;
          }
        }
      }
    }
    if (c->given[O_SVG] && (rc = pk_svg(c, &svg, &r, cv, n_curves)) != 0) {
      goto done;
    }
    if (c->given[O_JSON]) {
      pk_json_curves(&out, &r, cv, n_curves);
    } else if (c->given[O_CSV]) {
      pk_csv_curves(&out, &r, cv, n_curves);
    } else {
      pk_text_curves(&out, &r, cv, n_curves);
    }
  } else {
    ds = combos > 0 ? calloc(combos, sizeof *ds) : NULL;
    values = malloc(sizeof *values * (size_t)r.patients * MET_N);
    if (ds == NULL || values == NULL) {
      rc = out_of_memory(c);
      goto done;
    }
    size_t i = 0;
    size_t np = (size_t)r.patients;
    for (int m = 0; m < r.n_models; m++) {
      for (int d = 0; d < r.n_durations; d++, i++) {
        pk_curve_t one;
        for (size_t p = 0; p < np; p++) {
          memset(&one, 0, sizeof one);
          if ((rc = pk_patient(c, &r, m, d, p, inf, &one)) != 0) {
            goto done;
          }
          values[MET_CMAX * np + p] = one.sum.cmax_ng_per_ml;
          values[MET_TMAX * np + p] = one.sum.tmax_min;
          values[MET_AUC * np + p] = one.sum.auc_ng_h_per_ml;
          values[MET_ABOVE * np + p] = one.sum.time_above_min;
          values[MET_WEIGHT * np + p] = one.weight_kg;
          values[MET_DOSE * np + p] = one.dose_mg;
        }
        ds[i].m = m;
        ds[i].d = d;
        char dur[32];
        duration_text(r.duration_s[d], dur, sizeof dur);
        snprintf(ds[i].label, sizeof ds[i].label, "%s %s", r.model_name[m],
                 dur);
        for (int k = 0; k < MET_N; k++) {
          distribution(values + (size_t)k * np, np, &ds[i].met[k]);
        }
      }
    }
    if (c->given[O_JSON]) {
      pk_json_summary(&out, &r, ds, combos);
    } else if (c->given[O_CSV]) {
      pk_csv_summary(&out, &r, ds, combos);
    } else {
      pk_text_summary(&out, &r, ds, combos);
    }
  }
  rc = finish(c, &out, &svg);
done:
  if (cv != NULL) {
    for (size_t i = 0; i < n_curves; i++) {
      free(cv[i].conc);
    }
  }
  free(cv);
  free(ds);
  free(values);
  free(inf);
  free(r.start_s);
  sb_free(&out);
  sb_free(&svg);
  return rc;
}

/* ---- cohort: the JSON layout ---------------------------------------------- */



/* The integer counts after fingerprint, first_patient and patients. */
static const struct {
  const char *name;
  size_t off;
} count_fields[] = {
#define COUNT_FIELD(f) {#f, offsetof(infuse_cohort_counts_t, f)}
    COUNT_FIELD(patient_days),
    COUNT_FIELD(responsive),
    COUNT_FIELD(response_at_1),
    COUNT_FIELD(response_by_3),
    COUNT_FIELD(remission_by_3_after_response_at_1),
    COUNT_FIELD(no_response_at_1),
    COUNT_FIELD(remission_by_3_after_no_response_at_1),
    COUNT_FIELD(no_response_by_2),
    COUNT_FIELD(remission_after_no_response_by_2),
    COUNT_FIELD(responders),
    COUNT_FIELD(remitters),
    COUNT_FIELD(futility_stops),
    COUNT_FIELD(relapse_28d_untreated),
    COUNT_FIELD(relapses),
    COUNT_FIELD(infusions),
    COUNT_FIELD(induction_infusions),
    COUNT_FIELD(maintenance_infusions),
    COUNT_FIELD(drug_ug),
    COUNT_FIELD(chair_minutes),
#undef COUNT_FIELD
};
#define N_COUNT_FIELDS (sizeof count_fields / sizeof count_fields[0])

static const struct {
  const char *name;
  size_t off;
} rate_fields[] = {
#define RATE_FIELD(f) {#f, offsetof(infuse_cohort_rates_t, f)}
    RATE_FIELD(response_by_infusion_3),
    RATE_FIELD(remission_by_3_given_response_at_1),
    RATE_FIELD(remission_by_3_given_no_response_at_1),
    RATE_FIELD(remission_given_no_response_by_2),
    RATE_FIELD(relapse_within_28d_without_maintenance),
    RATE_FIELD(response_end_of_induction),
    RATE_FIELD(remission_end_of_induction),
    RATE_FIELD(relapse_in_horizon),
    RATE_FIELD(infusions_per_patient_year),
    RATE_FIELD(drug_mg_per_patient_year),
    RATE_FIELD(chair_hours_per_patient_year),
#undef RATE_FIELD
};
#define N_RATE_FIELDS (sizeof rate_fields / sizeof rate_fields[0])

/* The options object: every key, in order, and whether it is a string. */
static const struct {
  const char *name;
  bool string;
} option_keys[] = {
    {"seed", false},
    {"patients", false},
    {"start", true},
    {"months", false},
    {"induction", false},
    {"per_week", false},
    {"maintenance", true},
    {"taper", true},
    {"clinic_days", true},
    {"closed", true},
    {"min_interval_days", false},
    {"futility", false},
    {"dose_mg_per_kg", false},
    {"duration_min", false},
    {"observation_min", false},
    {"weight_median_kg", false},
    {"weight_cv", false},
    {"responsive_fraction", false},
    {"p_remit_first", false},
    {"p_respond_first", false},
    {"p_remit_next", false},
    {"p_respond_next", false},
    {"p_remit_after_response", false},
    {"relapse_28d", false},
};
#define N_OPTION_KEYS (sizeof option_keys / sizeof option_keys[0])

static int64_t count_at(const infuse_cohort_counts_t *k, size_t i) {
  int64_t v;
  memcpy(&v, (const char *)k + count_fields[i].off, sizeof v);
  return v;
}

static void set_count_at(infuse_cohort_counts_t *k, size_t i, int64_t v) {
  memcpy((char *)k + count_fields[i].off, &v, sizeof v);
}

static double rate_at(const infuse_cohort_rates_t *r, size_t i) {
  double v;
  memcpy(&v, (const char *)r + rate_fields[i].off, sizeof v);
  return v;
}

typedef struct cohort_run {
  infuse_course_options_t course;
  infuse_cohort_options_t opt;
  uint64_t patients; /* the whole cohort */
} cohort_run_t;

/* The options object, as it appears in the JSON output (indented for a
 * member of the top-level object). */
static void cohort_options_json(sbuf_t *b, const cohort_run_t *r) {
  const infuse_course_options_t *o = &r->course;
  const infuse_cohort_options_t *p = &r->opt;
  const infuse_cohort_model_t *m = &p->model;
  char date[16];
  static const char *const maint[3] = {"taper", "weekly", "none"};
  sb_printf(b, "{\n    \"seed\": %llu,\n    \"patients\": %llu,\n",
            (unsigned long long)p->seed, (unsigned long long)r->patients);
  infuse_date_format(o->start, date, sizeof date);
  sb_printf(b, "    \"start\": \"%s\",\n    \"months\": %d,\n", date,
            (int)o->horizon_months);
  sb_printf(b, "    \"induction\": %d,\n    \"per_week\": %d,\n",
            (int)o->induction_count, (int)o->per_week);
  int mi = (int)o->maintenance;
  sb_printf(b, "    \"maintenance\": \"%s\",\n    \"taper\": \"",
            mi >= 0 && mi < 3 ? maint[mi] : "unknown");
  if (o->maintenance == INFUSE_MAINTENANCE_TAPER) {
    for (int32_t i = 0; i < o->n_taper_steps; i++) {
      sb_printf(b, "%s%dd", i == 0 ? "" : ",", (int)o->taper[i].interval_days);
      if (o->taper[i].count != 0) {
        sb_printf(b, ":%d", (int)o->taper[i].count);
      }
    }
  }
  sb_puts(b, "\",\n    \"clinic_days\": \"");
  bool first = true;
  for (int d = 1; d <= 7; d++) {
    if ((o->clinic_days & INFUSE_WEEKDAY_BIT(d)) != 0) {
      sb_printf(b, "%s%s", first ? "" : ",", course_args_weekday_name(d));
      first = false;
    }
  }
  sb_puts(b, "\",\n    \"closed\": \"");
  for (int32_t i = 0; i < o->n_closed; i++) {
    if (i > 0 && o->closed[i] == o->closed[i - 1]) {
      continue;
    }
    infuse_date_format(o->closed[i], date, sizeof date);
    sb_printf(b, "%s%s", i == 0 ? "" : ",", date);
  }
  sb_printf(b, "\",\n    \"min_interval_days\": %d,\n",
            (int)o->min_interval_days);
  sb_printf(b, "    \"futility\": %d,\n    \"dose_mg_per_kg\": ",
            (int)p->futility_after);
  sb_scaled(b, p->dose_ug_per_kg, 1000);
  sb_printf(b, ",\n    \"duration_min\": %d,\n    \"observation_min\": %d,\n",
            (int)p->duration_min, (int)p->observation_min);
  json_kv_double(b, "    ", "weight_median_kg", p->weight_median_kg, true);
  json_kv_double(b, "    ", "weight_cv", p->weight_cv, true);
  json_kv_double(b, "    ", "responsive_fraction", m->responsive_fraction,
                 true);
  json_kv_double(b, "    ", "p_remit_first", m->p_remit_first, true);
  json_kv_double(b, "    ", "p_respond_first", m->p_respond_first, true);
  json_kv_double(b, "    ", "p_remit_next", m->p_remit_next, true);
  json_kv_double(b, "    ", "p_respond_next", m->p_respond_next, true);
  json_kv_double(b, "    ", "p_remit_after_response",
                 m->p_remit_after_response, true);
  json_kv_double(b, "    ", "relapse_28d", m->relapse_28d, false);
  sb_puts(b, "  }");
}

static void cohort_counts_json(sbuf_t *b, const infuse_cohort_counts_t *k) {
  sb_printf(b,
            "{\n    \"fingerprint\": \"%016llx\",\n    \"first_patient\": "
            "%llu,\n    \"patients\": %llu,\n",
            (unsigned long long)k->fingerprint,
            (unsigned long long)k->first_patient,
            (unsigned long long)k->patients);
  for (size_t i = 0; i < N_COUNT_FIELDS; i++) {
    sb_printf(b, "    \"%s\": %lld,\n", count_fields[i].name,
              (long long)count_at(k, i));
  }
  sb_puts(b, "    \"first_response\": [");
  for (int i = 0; i < INFUSE_COHORT_INFUSIONS; i++) {
    sb_printf(b, "%s%lld", i == 0 ? "" : ", ", (long long)k->first_response[i]);
  }
  sb_puts(b, "],\n    \"relapse_week\": [");
  for (int i = 0; i < INFUSE_COHORT_WEEKS; i++) {
    sb_printf(b, "%s%lld", i == 0 ? "" : ", ", (long long)k->relapse_week[i]);
  }
  sb_puts(b, "]\n  }");
}

static void cohort_rates_json(sbuf_t *b, const infuse_cohort_rates_t *r) {
  sb_puts(b, "{\n");
  for (size_t i = 0; i < N_RATE_FIELDS; i++) {
    json_kv_double(b, "    ", rate_fields[i].name, rate_at(r, i),
                   i + 1 < N_RATE_FIELDS);
  }
  sb_puts(b, "  }");
}

/* The whole document. `options` is the options object's text. */
static void cohort_json(sbuf_t *b, const char *version, size_t vlen,
                        const char *options, size_t olen,
                        const infuse_cohort_counts_t *k,
                        const infuse_cohort_rates_t *r) {
  sb_puts(b, "{\n  \"infuse_version\": \"");
  sb_put(b, version, vlen);
  sb_puts(b, "\",\n  \"options\": ");
  sb_put(b, options, olen);
  sb_puts(b, ",\n  \"counts\": ");
  cohort_counts_json(b, k);
  sb_puts(b, ",\n  \"rates\": ");
  cohort_rates_json(b, r);
  sb_puts(b, "\n}\n");
}

/* ---- a strict JSON reader --------------------------------------------------
 * RFC 8259 syntax into a tree of nodes that point into the text. Used to
 * read back exactly the documents this program writes: the callers check
 * the keys, the types and finally that the document is byte for byte what
 * this program would write. */

typedef enum jtype { J_NULL, J_TRUE, J_FALSE, J_NUM, J_STR, J_ARR, J_OBJ } jtype_t;
#define JNONE ((size_t)-1)

typedef struct jnode {
  jtype_t type;
  size_t begin, end;   /* the value's text */
  size_t kbegin, kend; /* a member's key, without its quotes */
  size_t first, next;  /* first child, next sibling; JNONE for none */
  size_t count;        /* children */
} jnode_t;

typedef struct jdoc {
  const char *text;
  size_t len, pos;
  jnode_t *nodes;
  size_t n, cap;
  const char *error; /* the first problem */
  size_t error_pos;
  bool oom;
} jdoc_t;

static bool j_fail(jdoc_t *d, const char *msg) {
  if (d->error == NULL) {
    d->error = msg;
    d->error_pos = d->pos;
  }
  return false;
}

static size_t j_new(jdoc_t *d, jtype_t t) {
  if (d->n == d->cap) {
    size_t cap = d->cap == 0 ? 64 : d->cap * 2;
    jnode_t *p = realloc(d->nodes, sizeof *p * cap);
    if (p == NULL) {
      d->oom = true;
      j_fail(d, "out of memory");
      return JNONE;
    }
    d->nodes = p;
    d->cap = cap;
  }
  jnode_t *x = &d->nodes[d->n];
  memset(x, 0, sizeof *x);
  x->type = t;
  x->begin = d->pos;
  x->first = x->next = JNONE;
  return d->n++;
}

static void j_ws(jdoc_t *d) {
  while (d->pos < d->len &&
         (d->text[d->pos] == ' ' || d->text[d->pos] == '\t' ||
          d->text[d->pos] == '\n' || d->text[d->pos] == '\r')) {
    d->pos++;
  }
}

static bool j_hex(char ch) {
  return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool j_string(jdoc_t *d) {
  d->pos++; /* the opening quote */
  for (;;) {
    if (d->pos >= d->len) {
      return j_fail(d, "a string is not closed");
    }
    unsigned char ch = (unsigned char)d->text[d->pos];
    if (ch == '"') {
      d->pos++;
      return true;
    }
    if (ch < 0x20) {
      return j_fail(d, "a control character inside a string");
    }
    if (ch == '\\') {
      d->pos++;
      char e = '\0';
      if (d->pos < d->len) {
        e = d->text[d->pos];
      }
      if (e == 'u') {
        for (int i = 1; i <= 4; i++) {
          if (d->pos + (size_t)i >= d->len || !j_hex(d->text[d->pos + (size_t)i])) {
            return j_fail(d, "an invalid \\u escape in a string");
          }
        }
        d->pos += 4;
      } else if (e == '\0' || strchr("\"\\/bfnrt", e) == NULL) {
        return j_fail(d, "an invalid escape in a string");
      }
    }
    d->pos++;
  }
}

static bool j_digits(jdoc_t *d) {
  size_t start = d->pos;
  while (d->pos < d->len && is_digit(d->text[d->pos])) {
    d->pos++;
  }
  return d->pos > start;
}

static bool j_number(jdoc_t *d) {
  if (d->text[d->pos] == '-') {
    d->pos++;
  }
  if (d->pos < d->len && d->text[d->pos] == '0') {
    d->pos++;
  } else if (!j_digits(d)) {
    return j_fail(d, "an invalid number");
  }
  if (d->pos < d->len && d->text[d->pos] == '.') {
    d->pos++;
    if (!j_digits(d)) {
      return j_fail(d, "an invalid number (no digit after the point)");
    }
  }
  if (d->pos < d->len && (d->text[d->pos] == 'e' || d->text[d->pos] == 'E')) {
    d->pos++;
    if (d->pos < d->len &&
        (d->text[d->pos] == '+' || d->text[d->pos] == '-')) {
      d->pos++;
    }
    if (!j_digits(d)) {
      return j_fail(d, "an invalid number (no digit in the exponent)");
    }
  }
  return true;
}

static bool j_same_key(const jdoc_t *d, const jnode_t *a, const jnode_t *b) {
  return a->kend - a->kbegin == b->kend - b->kbegin &&
         memcmp(d->text + a->kbegin, d->text + b->kbegin,
                a->kend - a->kbegin) == 0;
}

static size_t j_value(jdoc_t *d, int depth) {
  j_ws(d);
  if (d->pos >= d->len) {
    j_fail(d, "the text ends where a value was expected");
    return JNONE;
  }
  if (depth > 16) {
    j_fail(d, "values nested too deeply");
    return JNONE;
  }
  char ch = d->text[d->pos];
  size_t id;
  if (ch == '{' || ch == '[') {
    bool obj = ch == '{';
    char close = obj ? '}' : ']';
    id = j_new(d, obj ? J_OBJ : J_ARR);
    if (id == JNONE) {
      return JNONE;
    }
    d->pos++;
    j_ws(d);
    size_t last = JNONE;
    if (d->pos < d->len && d->text[d->pos] == close) {
      d->pos++;
    } else {
      for (;;) {
        size_t kb = 0, ke = 0;
        if (obj) {
          j_ws(d);
          if (d->pos >= d->len || d->text[d->pos] != '"') {
            j_fail(d, "expected a key in double quotes");
            return JNONE;
          }
          kb = d->pos + 1;
          if (!j_string(d)) {
            return JNONE;
          }
          ke = d->pos - 1;
          j_ws(d);
          if (d->pos >= d->len || d->text[d->pos] != ':') {
            j_fail(d, "expected ':' after a key");
            return JNONE;
          }
          d->pos++;
        }
        size_t child = j_value(d, depth + 1);
        if (child == JNONE) {
          return JNONE;
        }
        d->nodes[child].kbegin = kb;
        d->nodes[child].kend = ke;
        if (obj) {
          for (size_t k = d->nodes[id].first; k != JNONE;
               k = d->nodes[k].next) {
            if (j_same_key(d, &d->nodes[k], &d->nodes[child])) {
              d->pos = kb;
              j_fail(d, "a key appears twice in one object");
              return JNONE;
            }
          }
        }
        if (last == JNONE) {
          d->nodes[id].first = child;
        } else {
          d->nodes[last].next = child;
        }
        last = child;
        d->nodes[id].count++;
        j_ws(d);
        if (d->pos < d->len && d->text[d->pos] == ',') {
          d->pos++;
          continue;
        }
        if (d->pos < d->len && d->text[d->pos] == close) {
          d->pos++;
          break;
        }
        j_fail(d, obj ? "expected ',' or '}' in an object"
                      : "expected ',' or ']' in an array");
        return JNONE;
      }
    }
  } else if (ch == '"') {
    id = j_new(d, J_STR);
    if (id == JNONE || !j_string(d)) {
      return JNONE;
    }
  } else if (ch == '-' || is_digit(ch)) {
    id = j_new(d, J_NUM);
    if (id == JNONE || !j_number(d)) {
      return JNONE;
    }
  } else {
    static const struct {
      const char *word;
      jtype_t type;
    } words[] = {{"null", J_NULL}, {"true", J_TRUE}, {"false", J_FALSE}};
    id = JNONE;
    for (size_t i = 0; i < 3; i++) {
      size_t n = strlen(words[i].word);
      if (d->len - d->pos >= n &&
          memcmp(d->text + d->pos, words[i].word, n) == 0) {
        id = j_new(d, words[i].type);
        if (id == JNONE) {
          return JNONE;
        }
        d->pos += n;
        break;
      }
    }
    if (id == JNONE) {
      j_fail(d, "unexpected character (not JSON)");
      return JNONE;
    }
  }
  d->nodes[id].end = d->pos;
  return id;
}

/* Parse text as one JSON object; false with d->error set otherwise. */
static bool j_parse(jdoc_t *d, const char *text, size_t len) {
  memset(d, 0, sizeof *d);
  d->text = text;
  d->len = len;
  size_t root = j_value(d, 0);
  if (root == JNONE) {
    return false;
  }
  j_ws(d);
  if (d->pos != d->len) {
    return j_fail(d, "more text after the end of the JSON object");
  }
  if (d->nodes[root].type != J_OBJ) {
    d->pos = d->nodes[root].begin;
    return j_fail(d, "the document is not a JSON object");
  }
  return true;
}

static void j_free(jdoc_t *d) {
  free(d->nodes);
  d->nodes = NULL;
}

static void j_line_col(const char *text, size_t pos, size_t *line,
                       size_t *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < pos; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

/* The member `key` of object node `obj`, or JNONE. */
static size_t j_get(const jdoc_t *d, size_t obj, const char *key) {
  size_t n = strlen(key);
  for (size_t k = d->nodes[obj].first; k != JNONE; k = d->nodes[k].next) {
    const jnode_t *x = &d->nodes[k];
    if (x->kend - x->kbegin == n && memcmp(d->text + x->kbegin, key, n) == 0) {
      return k;
    }
  }
  return JNONE;
}

/* A non-negative integer written with digits only. */
static bool j_uint(const jdoc_t *d, size_t node, uint64_t *out) {
  const jnode_t *x = &d->nodes[node];
  if (x->type != J_NUM || x->end == x->begin || x->end - x->begin > 20) {
    return false;
  }
  uint64_t v = 0;
  for (size_t i = x->begin; i < x->end; i++) {
    if (!is_digit(d->text[i])) {
      return false;
    }
    uint64_t dg = (uint64_t)(d->text[i] - '0');
    if (v > (UINT64_MAX - dg) / 10) {
      return false;
    }
    v = v * 10 + dg;
  }
  *out = v;
  return true;
}

/* ---- cohort: output --------------------------------------------------------- */

static void rates_of(const infuse_cohort_counts_t *k, infuse_cohort_rates_t *r) {
  memset(r, 0, sizeof *r);
  r->struct_size = (uint32_t)sizeof *r;
  if (infuse_cohort_rates(k, r) != INFUSE_OK) {
    for (size_t i = 0; i < N_RATE_FIELDS; i++) {
      double nan = NAN;
      memcpy((char *)r + rate_fields[i].off, &nan, sizeof nan);
    }
  }
}

/* An option's value as text: a string's content or a number's digits. */
static void option_text(const jdoc_t *o, size_t node, const char **s,
                        size_t *n) {
  const jnode_t *x = &o->nodes[node];
  *s = o->text + x->begin + (x->type == J_STR ? 1 : 0);
  *n = x->end - x->begin - (x->type == J_STR ? 2 : 0);
}

static uint64_t option_uint(const jdoc_t *o, const char *key, uint64_t dflt) {
  size_t node = j_get(o, 0, key);
  uint64_t v;
  return node != JNONE && j_uint(o, node, &v) ? v : dflt;
}

static void cohort_csv(sbuf_t *b, const jdoc_t *o,
                       const infuse_cohort_counts_t *k,
                       const infuse_cohort_rates_t *r) {
  sb_puts(b, "kind,name,index,value\r\n");
  for (size_t n = o->nodes[0].first; n != JNONE; n = o->nodes[n].next) {
    const char *s;
    size_t len;
    option_text(o, n, &s, &len);
    char *v = malloc(len + 1);
    if (v == NULL) {
      b->failed = true;
      return;
    }
    memcpy(v, s, len);
    v[len] = '\0';
    sb_puts(b, "option,");
    sb_put(b, o->text + o->nodes[n].kbegin,
           o->nodes[n].kend - o->nodes[n].kbegin);
    sb_puts(b, ",,");
    csv_field(b, v);
    sb_puts(b, "\r\n");
    free(v);
  }
  sb_printf(b, "count,fingerprint,,%016llx\r\n",
            (unsigned long long)k->fingerprint);
  sb_printf(b, "count,first_patient,,%llu\r\ncount,patients,,%llu\r\n",
            (unsigned long long)k->first_patient,
            (unsigned long long)k->patients);
  for (size_t i = 0; i < N_COUNT_FIELDS; i++) {
    sb_printf(b, "count,%s,,%lld\r\n", count_fields[i].name,
              (long long)count_at(k, i));
  }
  for (int i = 0; i < INFUSE_COHORT_INFUSIONS; i++) {
    sb_printf(b, "count,first_response,%d,%lld\r\n", i + 1,
              (long long)k->first_response[i]);
  }
  for (int i = 0; i < INFUSE_COHORT_WEEKS; i++) {
    sb_printf(b, "count,relapse_week,%d,%lld\r\n", i,
              (long long)k->relapse_week[i]);
  }
  for (size_t i = 0; i < N_RATE_FIELDS; i++) {
    double v = rate_at(r, i);
    sb_printf(b, "rate,%s,,", rate_fields[i].name);
    if (isfinite(v)) {
      sb_double(b, v);
    }
    sb_puts(b, "\r\n");
  }
}

static void cohort_text(sbuf_t *b, const jdoc_t *o,
                        const infuse_cohort_counts_t *k,
                        const infuse_cohort_rates_t *r) {
  uint64_t n = option_uint(o, "patients", 0);
  sb_printf(b, "infuse-sim %s: cohort simulation (research simulation)\n",
            infuse_version_string());
  sb_printf(b, "patients %llu to %llu of %llu; fingerprint %016llx\n\n",
            (unsigned long long)k->first_patient,
            (unsigned long long)(k->first_patient + k->patients - 1),
            (unsigned long long)n, (unsigned long long)k->fingerprint);
  sb_puts(b, "Options\n");
  for (size_t x = o->nodes[0].first; x != JNONE; x = o->nodes[x].next) {
    const char *s;
    size_t len;
    option_text(o, x, &s, &len);
    sb_printf(b, "  %-40.*s %.*s\n",
              (int)(o->nodes[x].kend - o->nodes[x].kbegin),
              o->text + o->nodes[x].kbegin, (int)len, s);
  }
  sb_puts(b, "\nRates\n");
  for (size_t i = 0; i < N_RATE_FIELDS; i++) {
    double v = rate_at(r, i);
    if (isfinite(v)) {
      sb_printf(b, "  %-40s %.4f\n", rate_fields[i].name, v);
    } else {
      sb_printf(b, "  %-40s -\n", rate_fields[i].name);
    }
  }
  sb_puts(b, "\nCounts\n");
  sb_printf(b, "  %-40s %llu\n", "patients", (unsigned long long)k->patients);
  for (size_t i = 0; i < N_COUNT_FIELDS; i++) {
    sb_printf(b, "  %-40s %lld\n", count_fields[i].name,
              (long long)count_at(k, i));
  }
  sb_puts(b, "\nFirst response at infusion (1, 2, ... 12)\n ");
  for (int i = 0; i < INFUSE_COHORT_INFUSIONS; i++) {
    sb_printf(b, " %lld", (long long)k->first_response[i]);
  }
  sb_puts(b, "\n\nRelapses by week after the end of induction (weeks with "
             "any)\n");
  int shown = 0;
  for (int i = 0; i < INFUSE_COHORT_WEEKS; i++) {
    if (k->relapse_week[i] != 0) {
      sb_printf(b, "%sweek %d: %lld",
                shown == 0 ? "  " : shown % 6 == 0 ? "\n  " : ", ", i,
                (long long)k->relapse_week[i]);
      shown++;
    }
  }
  sb_puts(b, shown == 0 ? "  none\n" : "\n");
  sb_puts(b, "\nResearch simulation only: not a prediction for any "
             "patient.\n");
}

static void cohort_svg(sbuf_t *svg, const jdoc_t *o,
                       const infuse_cohort_counts_t *k) {
  double rx[INFUSE_COHORT_INFUSIONS + 1], ry[INFUSE_COHORT_INFUSIONS + 1];
  double wx[INFUSE_COHORT_WEEKS + 1], wy[INFUSE_COHORT_WEEKS + 1];
  double patients = (double)k->patients;
  int64_t cum = 0;
  rx[0] = 0;
  ry[0] = 0;
  for (int i = 0; i < INFUSE_COHORT_INFUSIONS; i++) {
    cum += k->first_response[i];
    rx[i + 1] = i + 1;
    ry[i + 1] = patients > 0 ? 100.0 * (double)cum / patients : 0.0;
  }
  uint64_t months = option_uint(o, "months", 12);
  uint64_t induction = option_uint(o, "induction", 12);
  int weeks = (int)ceil((double)months * 365.2425 / 12.0 / 7.0);
  weeks = weeks > INFUSE_COHORT_WEEKS ? INFUSE_COHORT_WEEKS : weeks;
  double responders = (double)k->responders;
  cum = 0;
  wx[0] = 0;
  wy[0] = 0;
  for (int i = 0; i < weeks; i++) {
    cum += k->relapse_week[i];
    wx[i + 1] = i + 1;
    wy[i + 1] = responders > 0 ? 100.0 * (double)cum / responders : 0.0;
  }
  svg_series_t s1 = {rx, ry, (size_t)INFUSE_COHORT_INFUSIONS + 1,
                     "responded by infusion n", false, true};
  svg_series_t s2 = {wx, wy, (size_t)weeks + 1,
                     "responders relapsed by week w", true, false};
  svg_chart_t charts[2];
  memset(charts, 0, sizeof charts);
  charts[0].title = "Cumulative response by infusion";
  charts[0].x_label = "infusion";
  charts[0].y_label = "patients responding (%)";
  charts[0].series = &s1;
  charts[0].n_series = 1;
  charts[0].x_min = 0;
  charts[0].x_max = (double)(induction < 12 ? induction : 12);
  charts[0].y_max = 100;
  charts[1].title = "Relapse after the end of induction";
  charts[1].x_label = "weeks after the end of induction";
  charts[1].y_label = "responders relapsed (%)";
  charts[1].series = &s2;
  charts[1].n_series = 1;
  charts[1].x_min = 0;
  charts[1].x_max = weeks;
  charts[1].y_max = 100;
  char title[96], subtitle[200];
  snprintf(title, sizeof title, "Cohort outcomes: %llu patients",
           (unsigned long long)k->patients);
  const char *maint = "?";
  size_t ml = 1;
  size_t mnode = j_get(o, 0, "maintenance");
  if (mnode != JNONE) {
    option_text(o, mnode, &maint, &ml);
  }
  snprintf(subtitle, sizeof subtitle,
           "seed %llu, %llu months, %.*s maintenance; patients %llu to %llu. "
           "Research simulation, not a prediction.",
           (unsigned long long)option_uint(o, "seed", 0),
           (unsigned long long)months, (int)ml, maint,
           (unsigned long long)k->first_patient,
           (unsigned long long)(k->first_patient + k->patients - 1));
  svg_render(svg, title, subtitle, charts, 2);
}

/* Print a cohort result: JSON (the default of merge), CSV, a table, SVG. */
static int cohort_emit(const ctx_t *c, bool json, const char *version,
                       size_t vlen, const char *options, size_t olen,
                       const infuse_cohort_counts_t *k) {
  infuse_cohort_rates_t r;
  rates_of(k, &r);
  sbuf_t out, svg;
  sb_init(&out);
  sb_init(&svg);
  jdoc_t o;
  if (!j_parse(&o, options, olen)) {
    bool oom = o.oom;
    j_free(&o);
    fprintf(stderr, "%s: error: %s\n", c->prog,
            oom ? "out of memory" : "internal error: unreadable options");
    return CLI_EXIT_OTHER;
  }
  if (c->given[O_CSV]) {
    cohort_csv(&out, &o, k, &r);
  } else if (json) {
    cohort_json(&out, version, vlen, options, olen, k, &r);
  } else {
    cohort_text(&out, &o, k, &r);
  }
  if (c->given[O_SVG]) {
    cohort_svg(&svg, &o, k);
  }
  int rc = finish(c, &out, &svg);
  j_free(&o);
  sb_free(&out);
  sb_free(&svg);
  return rc;
}

/* ---- cohort ------------------------------------------------------------------ */

#define COHORT_MAX_PATIENTS 1000000000000ull
#define COHORT_MAX_SHARDS 100000u

static int probability_opt(const ctx_t *c, int id, double *out) {
  double v;
  int rc = real_opt(c, id, &k_probability, true, &v);
  if (rc != 0) {
    return rc;
  }
  if (v > 1.0) {
    return bad_value(c, id, "a probability from 0 to 1 (0.16) or a "
                            "percentage from 0% to 100% (16%)");
  }
  *out = v;
  return CLI_EXIT_OK;
}

static int shard_opt(const ctx_t *c, uint64_t n, uint64_t *first,
                     uint64_t *count) {
  const char *v = c->value[O_SHARD];
  const char *slash = strchr(v, '/');
  char kbuf[24];
  uint64_t k = 0, m = 0;
  bool ok = slash != NULL && (size_t)(slash - v) < sizeof kbuf &&
            slash > v && slash[1] != '\0';
  if (ok) {
    memcpy(kbuf, v, (size_t)(slash - v));
    kbuf[slash - v] = '\0';
    for (const char *p = kbuf; *p != '\0'; p++) {
      ok = ok && is_digit(*p);
    }
    for (const char *p = slash + 1; *p != '\0'; p++) {
      ok = ok && is_digit(*p);
    }
    ok = ok && strlen(kbuf) <= 6 && strlen(slash + 1) <= 6;
  }
  if (ok) {
    k = strtoull(kbuf, NULL, 10);
    m = strtoull(slash + 1, NULL, 10);
  }
  if (!ok || m < 1 || m > COHORT_MAX_SHARDS) {
    return bad_value(c, O_SHARD, "K/M with whole numbers, M from 1 to "
                                 "100000 and K from 0 to M-1 (e.g. 0/4 ... "
                                 "3/4)");
  }
  if (k >= m) {
    fprintf(stderr,
            "%s: error: --shard: '%s' is not accepted; shards are numbered "
            "from 0 to M-1, so K must be below %llu (for job ids that count "
            "from 1, give K-1)\n",
            c->prog, v, (unsigned long long)m);
    return CLI_EXIT_USAGE;
  }
  if (m > n) {
    fprintf(stderr,
            "%s: error: --shard: '%s' is not accepted; %llu shards of %llu "
            "patients would leave a shard empty: M must be at most "
            "--patients\n",
            c->prog, v, (unsigned long long)m, (unsigned long long)n);
    return CLI_EXIT_USAGE;
  }
  /* floor(K * N / M) without overflow: K * (N / M) + K * (N % M) / M */
  uint64_t a = k * (n / m) + k * (n % m) / m;
  uint64_t b = (k + 1) * (n / m) + (k + 1) * (n % m) / m;
  *first = a;
  *count = b - a;
  return CLI_EXIT_OK;
}

/* The cohort fields of the library's diagnostics and their options. */
static const char *cohort_option_of(const char *field) {
  static const struct {
    const char *field, *option;
  } map[] = {
      {"dose_ug_per_kg", "--dose"},
      {"duration_min", "--duration"},
      {"observation_min", "--observation"},
      {"futility_after", "--futility"},
      {"weight_median_kg", "--weight-median"},
      {"weight_cv", "--weight-cv"},
      {"responsive_fraction", "--responsive-fraction"},
      {"p_remit_first", "--p-remit-first"},
      {"p_respond_first", "--p-respond-first"},
      {"p_remit_next", "--p-remit-next"},
      {"p_respond_next", "--p-respond-next"},
      {"p_remit_after_response", "--p-remit-after-response"},
      {"relapse_28d", "--relapse-28d"},
      {"n_patients", "--patients"},
      {"first_patient", "--shard"},
  };
  const char *dot = strrchr(field, '.');
  const char *name = dot != NULL ? dot + 1 : field;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (strcmp(map[i].field, name) == 0) {
      return map[i].option;
    }
  }
  return course_args_option_of(field);
}

static int cohort_options(const ctx_t *c, cohort_run_t *r, uint64_t *first,
                          uint64_t *count) {
  int rc;
  int32_t start;
  infuse_quantity_t q;
  if (c->given[O_JSON] && c->given[O_CSV]) {
    return usage_error(c, "give one output format: --json or --csv");
  }
  if (infuse_date_from_ymd(2026, 1, 5, &start) != INFUSE_OK) {
    return CLI_EXIT_OTHER;
  }
  if ((rc = course_options(c, &r->course, start)) != 0) {
    return rc;
  }
  uint64_t seed = 1;
  r->patients = 1000;
  if ((c->given[O_PATIENTS] &&
       (rc = count_opt(c, O_PATIENTS, 1, COHORT_MAX_PATIENTS, &r->patients)) !=
           0) ||
      (c->given[O_SEED] &&
       (rc = count_opt(c, O_SEED, 0, UINT64_MAX, &seed)) != 0)) {
    return rc;
  }
  infuse_cohort_options_t *o = &r->opt;
  memset(o, 0, sizeof *o);
  o->struct_size = (uint32_t)sizeof *o;
  o->model.struct_size = (uint32_t)sizeof o->model;
  if (infuse_cohort_init(o, seed, r->patients) != INFUSE_OK) {
    fprintf(stderr, "%s: internal error: cannot start a cohort\n", c->prog);
    return CLI_EXIT_OTHER;
  }
  /* The follow-up is the course's horizon: with maintenance "none" the
   * sessions end with induction, so the plan alone cannot say it. */
  o->horizon_months = r->course.horizon_months;
  *first = 0;
  *count = r->patients;
  if (c->given[O_SHARD] && (rc = shard_opt(c, r->patients, first, count))) {
    return rc;
  }
  if (c->given[O_FUTILITY]) {
    if ((rc = count32_opt(c, O_FUTILITY, 0, 12, &o->futility_after)) != 0) {
      return rc;
    }
    if (o->futility_after > r->course.induction_count) {
      fprintf(stderr,
              "%s: error: --futility: '%s' is not accepted; accepted: 0 "
              "(never) to the number of induction infusions (%d)\n",
              c->prog, c->value[O_FUTILITY], (int)r->course.induction_count);
      return CLI_EXIT_USAGE;
    }
  }
  if (c->given[O_DOSE]) {
    if ((rc = lib_quantity(c, O_DOSE, c->value[O_DOSE],
                           INFUSE_DIM_BIT(INFUSE_DIM_DOSE_PER_KG), &q)) != 0) {
      return rc;
    }
    if (q.value > 5000) {
      return bad_value(c, O_DOSE, "a dose per kg from 0.001mg/kg to 5mg/kg");
    }
    o->dose_ug_per_kg = (int32_t)q.value;
  }
  if (c->given[O_DURATION]) {
    if ((rc = lib_quantity(c, O_DURATION, c->value[O_DURATION],
                           INFUSE_DIM_BIT(INFUSE_DIM_TIME), &q)) != 0) {
      return rc;
    }
    if (q.value % 60 != 0 || q.value > 86400) {
      return bad_value(c, O_DURATION, "a whole number of minutes from 1min "
                                      "to 24h (40min, 1.5h)");
    }
    o->duration_min = (int32_t)(q.value / 60);
  }
  if (c->given[O_OBSERVATION]) {
    double v;
    if ((rc = real_opt(c, O_OBSERVATION, &k_minutes, true, &v)) != 0) {
      return rc;
    }
    if (v != floor(v) || v > 1440) {
      return bad_value(c, O_OBSERVATION, "a whole number of minutes from "
                                         "0min to 24h (60min, 1h)");
    }
    o->observation_min = (int32_t)v;
  }
  if (c->given[O_WEIGHT_MEDIAN]) {
    if ((rc = lib_quantity(c, O_WEIGHT_MEDIAN, c->value[O_WEIGHT_MEDIAN],
                           INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT), &q)) != 0) {
      return rc;
    }
    if (q.value < 20000 || q.value > 300000) {
      return bad_value(c, O_WEIGHT_MEDIAN, "a body weight from 20kg to 300kg");
    }
    o->weight_median_kg = (double)q.value / 1000.0;
  }
  if (c->given[O_WEIGHT_CV] &&
      (rc = percent_opt(c, O_WEIGHT_CV, 0, 100, &o->weight_cv)) != 0) {
    return rc;
  }
  infuse_cohort_model_t *m = &o->model;
  static const int ids[7] = {O_RESPONSIVE,     O_P_REMIT_FIRST,
                             O_P_RESPOND_FIRST, O_P_REMIT_NEXT,
                             O_P_RESPOND_NEXT,  O_P_REMIT_AFTER,
                             O_RELAPSE_28D};
  double *fields[7] = {&m->responsive_fraction, &m->p_remit_first,
                       &m->p_respond_first,     &m->p_remit_next,
                       &m->p_respond_next,      &m->p_remit_after_response,
                       &m->relapse_28d};
  for (int i = 0; i < 7; i++) {
    if (c->given[ids[i]] && (rc = probability_opt(c, ids[i], fields[i])) != 0) {
      return rc;
    }
  }
  if (!(m->relapse_28d > 0.0 && m->relapse_28d < 1.0)) {
    return bad_value(c, O_RELAPSE_28D, "a probability strictly between 0 and "
                                       "1 (0.7 or 70%)");
  }
  if (m->p_remit_first + m->p_respond_first > 1.0 + 1e-9) {
    return usage_error(c, "--p-remit-first and --p-respond-first are "
                          "exclusive outcomes of one draw: their sum must "
                          "not exceed 1");
  }
  if (m->p_remit_next + m->p_respond_next > 1.0 + 1e-9) {
    return usage_error(c, "--p-remit-next and --p-respond-next are exclusive "
                          "outcomes of one draw: their sum must not exceed 1");
  }
  return CLI_EXIT_OK;
}

static int cohort_main(const ctx_t *c) {
  cohort_run_t r;
  memset(&r, 0, sizeof r);
  uint64_t first = 0, count = 0;
  infuse_session_t *sessions = NULL;
  size_t n = 0;
  sbuf_t options;
  sb_init(&options);
  int rc = cohort_options(c, &r, &first, &count);
  if (rc == 0) {
    rc = plan_course(c, &r.course, &sessions, &n);
  }
  if (rc != 0) {
    return rc;
  }
  r.opt.first_patient = first;
  r.opt.n_patients = count;
  infuse_cohort_counts_t *k = calloc(1, sizeof *k);
  if (k == NULL) {
    free(sessions);
    return out_of_memory(c);
  }
  k->struct_size = (uint32_t)sizeof *k;
  infuse_diag_t d;
  int st = infuse_cohort_run(&r.opt, sessions, n, k, &d);
  if (st != INFUSE_OK) {
    rc = library_error(c, st, &d, cohort_option_of(d.field));
  } else {
    cohort_options_json(&options, &r);
    if (options.failed) {
      rc = out_of_memory(c);
    } else {
      const char *v = infuse_version_string();
      rc = cohort_emit(c, c->given[O_JSON], v, strlen(v), options.data,
                       options.len, k);
    }
  }
  sb_free(&options);
  free(k);
  free(sessions);
  return rc;
}

/* ---- merge -------------------------------------------------------------------- */

#define MERGE_MAX_FILE ((size_t)64 * 1024 * 1024)

typedef struct shard {
  const char *path;
  char *text;
  size_t len;
  jdoc_t doc;
  size_t version, options; /* nodes */
  uint64_t cohort_patients;
  infuse_cohort_counts_t counts;
} shard_t;

static int file_error(const ctx_t *c, const char *path, const char *fmt, ...)
    SIM_PRINTF(3, 4);
static int file_error(const ctx_t *c, const char *path, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: error: %s: ", c->prog, path);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  return CLI_EXIT_USAGE;
}

/* A problem at a position of the file. */
static int file_error_at(const ctx_t *c, const shard_t *s, size_t pos,
                         const char *what) {
  size_t line, col;
  j_line_col(s->text, pos, &line, &col);
  return file_error(c, s->path, "line %zu, column %zu: %s (not a cohort "
                                "output of infuse-sim)",
                    line, col, what);
}

static int read_file(const ctx_t *c, shard_t *s) {
  FILE *f = fopen(s->path, "rb");
  if (f == NULL) {
    return file_error(c, s->path, "cannot read it: %s", strerror(errno));
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  int rc = CLI_EXIT_OK;
  bool oom = buf == NULL;
  while (!oom) {
    if (len == cap) {
      if (cap >= MERGE_MAX_FILE) {
        rc = file_error(c, s->path, "it is larger than 64 MiB; a cohort "
                                    "output is a few kilobytes");
        break;
      }
      char *p = realloc(buf, cap * 2);
      if (p == NULL) {
        oom = true;
        break;
      }
      buf = p;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) {
        rc = file_error(c, s->path, "cannot read it: %s", strerror(errno));
      }
      break;
    }
  }
  fclose(f);
  if (oom) {
    free(buf);
    return out_of_memory(c);
  }
  if (rc == CLI_EXIT_OK && len == 0) {
    rc = file_error(c, s->path, "it is empty (not a cohort output of "
                                "infuse-sim)");
  }
  if (rc == CLI_EXIT_OK && memchr(buf, '\0', len) != NULL) {
    rc = file_error(c, s->path, "it holds a NUL byte (not a JSON file)");
  }
  if (rc != CLI_EXIT_OK) {
    free(buf);
    return rc;
  }
  s->text = buf;
  s->len = len;
  return CLI_EXIT_OK;
}

/* Check that object node `obj` has exactly the keys names[0..n-1]. */
static int exact_keys(const ctx_t *c, const shard_t *s, size_t obj,
                      const char *where, const char *const *names, size_t n) {
  const jdoc_t *d = &s->doc;
  for (size_t k = d->nodes[obj].first; k != JNONE; k = d->nodes[k].next) {
    const jnode_t *x = &d->nodes[k];
    bool known = false;
    for (size_t i = 0; i < n && !known; i++) {
      known = strlen(names[i]) == x->kend - x->kbegin &&
              memcmp(names[i], d->text + x->kbegin, x->kend - x->kbegin) == 0;
    }
    if (!known) {
      char msg[160];
      snprintf(msg, sizeof msg, "%s has an unknown key '%.*s'", where,
               (int)(x->kend - x->kbegin > 40 ? 40 : x->kend - x->kbegin),
               d->text + x->kbegin);
      return file_error_at(c, s, x->kbegin, msg);
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (j_get(d, obj, names[i]) == JNONE) {
      return file_error(c, s->path, "%s has no '%s' (not a cohort output of "
                                    "infuse-sim)",
                        where, names[i]);
    }
  }
  return CLI_EXIT_OK;
}

static int load_shard(const ctx_t *c, shard_t *s) {
  int rc = read_file(c, s);
  if (rc != 0) {
    return rc;
  }
  jdoc_t *d = &s->doc;
  if (!j_parse(d, s->text, s->len)) {
    if (d->oom) {
      return out_of_memory(c);
    }
    return file_error_at(c, s, d->error_pos, d->error);
  }
  static const char *const top[4] = {"infuse_version", "options", "counts",
                                     "rates"};
  if ((rc = exact_keys(c, s, 0, "the object", top, 4)) != 0) {
    return rc;
  }
  size_t ver = j_get(d, 0, "infuse_version");
  size_t opt = j_get(d, 0, "options");
  size_t cnt = j_get(d, 0, "counts");
  size_t rat = j_get(d, 0, "rates");
  const char *mine = infuse_version_string();
  const jnode_t *v = &d->nodes[ver];
  if (v->type != J_STR) {
    return file_error_at(c, s, v->begin, "infuse_version is not a string");
  }
  if (v->end - v->begin - 2 != strlen(mine) ||
      memcmp(d->text + v->begin + 1, mine, strlen(mine)) != 0) {
    return file_error(c, s->path, "it was written by infuse %.*s and this is "
                                  "infuse %s; merge with the version that "
                                  "ran the shards",
                      (int)(v->end - v->begin > 34 ? 32 : v->end - v->begin - 2),
                      d->text + v->begin + 1, mine);
  }
  s->version = ver;
  /* options */
  if (d->nodes[opt].type != J_OBJ) {
    return file_error_at(c, s, d->nodes[opt].begin, "options is not an object");
  }
  const char *onames[N_OPTION_KEYS];
  for (size_t i = 0; i < N_OPTION_KEYS; i++) {
    onames[i] = option_keys[i].name;
  }
  if ((rc = exact_keys(c, s, opt, "options", onames, N_OPTION_KEYS)) != 0) {
    return rc;
  }
  for (size_t i = 0; i < N_OPTION_KEYS; i++) {
    const jnode_t *x = &d->nodes[j_get(d, opt, option_keys[i].name)];
    if (x->type != (option_keys[i].string ? J_STR : J_NUM)) {
      char msg[96];
      snprintf(msg, sizeof msg, "options: %s is not a %s",
               option_keys[i].name,
               option_keys[i].string ? "string" : "number");
      return file_error_at(c, s, x->begin, msg);
    }
  }
  if (!j_uint(d, j_get(d, opt, "patients"), &s->cohort_patients) ||
      s->cohort_patients == 0) {
    return file_error_at(c, s, d->nodes[j_get(d, opt, "patients")].begin,
                         "options: patients is not a whole number above 0");
  }
  s->options = opt;
  /* counts */
  if (d->nodes[cnt].type != J_OBJ) {
    return file_error_at(c, s, d->nodes[cnt].begin, "counts is not an object");
  }
  const char *cnames[N_COUNT_FIELDS + 5];
  cnames[0] = "fingerprint";
  cnames[1] = "first_patient";
  cnames[2] = "patients";
  cnames[3] = "first_response";
  cnames[4] = "relapse_week";
  for (size_t i = 0; i < N_COUNT_FIELDS; i++) {
    cnames[5 + i] = count_fields[i].name;
  }
  if ((rc = exact_keys(c, s, cnt, "counts", cnames, N_COUNT_FIELDS + 5)) !=
      0) {
    return rc;
  }
  infuse_cohort_counts_t *k = &s->counts;
  memset(k, 0, sizeof *k);
  k->struct_size = (uint32_t)sizeof *k;
  const jnode_t *fp = &d->nodes[j_get(d, cnt, "fingerprint")];
  bool hex = fp->type == J_STR && fp->end - fp->begin == 18;
  for (size_t i = fp->begin + 1; hex && i + 1 < fp->end; i++) {
    char ch = d->text[i];
    hex = is_digit(ch) || (ch >= 'a' && ch <= 'f');
  }
  if (!hex) {
    return file_error_at(c, s, fp->begin, "counts: fingerprint is not a "
                                          "string of 16 lower-case hex "
                                          "digits");
  }
  char fbuf[17];
  memcpy(fbuf, d->text + fp->begin + 1, 16);
  fbuf[16] = '\0';
  k->fingerprint = strtoull(fbuf, NULL, 16);
  size_t node = j_get(d, cnt, "first_patient");
  if (!j_uint(d, node, &k->first_patient)) {
    return file_error_at(c, s, d->nodes[node].begin,
                         "counts: first_patient is not a whole number");
  }
  node = j_get(d, cnt, "patients");
  if (!j_uint(d, node, &k->patients) || k->patients == 0) {
    return file_error_at(c, s, d->nodes[node].begin,
                         "counts: patients is not a whole number above 0");
  }
  if (k->first_patient > s->cohort_patients ||
      k->patients > s->cohort_patients - k->first_patient) {
    return file_error(c, s->path, "its patients %llu to %llu lie outside "
                                  "the cohort of %llu (options.patients)",
                      (unsigned long long)k->first_patient,
                      (unsigned long long)(k->first_patient + k->patients - 1),
                      (unsigned long long)s->cohort_patients);
  }
  for (size_t i = 0; i < N_COUNT_FIELDS; i++) {
    uint64_t u;
    node = j_get(d, cnt, count_fields[i].name);
    if (!j_uint(d, node, &u) || u > (uint64_t)INT64_MAX) {
      char msg[120];
      snprintf(msg, sizeof msg, "counts: %s is not a whole number from 0 to "
                                "2^63-1",
               count_fields[i].name);
      return file_error_at(c, s, d->nodes[node].begin, msg);
    }
    set_count_at(k, i, (int64_t)u);
  }
  static const char *const arrays[2] = {"first_response", "relapse_week"};
  const size_t lengths[2] = {INFUSE_COHORT_INFUSIONS, INFUSE_COHORT_WEEKS};
  int64_t *targets[2] = {k->first_response, k->relapse_week};
  for (int a = 0; a < 2; a++) {
    node = j_get(d, cnt, arrays[a]);
    const jnode_t *x = &d->nodes[node];
    if (x->type != J_ARR || x->count != lengths[a]) {
      char msg[120];
      snprintf(msg, sizeof msg, "counts: %s is not a list of %zu counts",
               arrays[a], lengths[a]);
      return file_error_at(c, s, x->begin, msg);
    }
    size_t i = 0;
    for (size_t e = x->first; e != JNONE; e = d->nodes[e].next, i++) {
      uint64_t u;
      if (!j_uint(d, e, &u) || u > (uint64_t)INT64_MAX) {
        char msg[120];
        snprintf(msg, sizeof msg, "counts: %s holds something other than a "
                                  "whole number",
                 arrays[a]);
        return file_error_at(c, s, d->nodes[e].begin, msg);
      }
      targets[a][i] = (int64_t)u;
    }
  }
  /* rates: the keys, and that they follow from the counts */
  if (d->nodes[rat].type != J_OBJ) {
    return file_error_at(c, s, d->nodes[rat].begin, "rates is not an object");
  }
  const char *rnames[N_RATE_FIELDS];
  for (size_t i = 0; i < N_RATE_FIELDS; i++) {
    rnames[i] = rate_fields[i].name;
  }
  if ((rc = exact_keys(c, s, rat, "rates", rnames, N_RATE_FIELDS)) != 0) {
    return rc;
  }
  infuse_cohort_rates_t r;
  rates_of(k, &r);
  for (size_t i = 0; i < N_RATE_FIELDS; i++) {
    const jnode_t *x = &d->nodes[j_get(d, rat, rate_fields[i].name)];
    double want = rate_at(&r, i), got = NAN;
    if (x->type == J_NUM) {
      char num[64];
      size_t n = x->end - x->begin < sizeof num - 1 ? x->end - x->begin
                                                     : sizeof num - 1;
      memcpy(num, d->text + x->begin, n);
      num[n] = '\0';
      got = strtod(num, NULL);
    } else if (x->type != J_NULL) {
      char msg[120];
      snprintf(msg, sizeof msg, "rates: %s is neither a number nor null",
               rate_fields[i].name);
      return file_error_at(c, s, x->begin, msg);
    }
    if (isnan(want) ? !isnan(got) : got != want) {
      char a[40], b[40];
      fmt_double(a, sizeof a, got);
      fmt_double(b, sizeof b, want);
      return file_error(c, s->path, "its rates do not follow from its "
                                    "counts: %s is %s, the counts give %s "
                                    "(an edited file?)",
                        rate_fields[i].name, a, b);
    }
  }
  /* finally: byte for byte what this program writes */
  sbuf_t whole;
  sb_init(&whole);
  const jnode_t *on = &d->nodes[opt];
  cohort_json(&whole, d->text + v->begin + 1, v->end - v->begin - 2,
              d->text + on->begin, on->end - on->begin, k, &r);
  if (whole.failed) {
    sb_free(&whole);
    return out_of_memory(c);
  }
  size_t i = 0;
  while (i < whole.len && i < s->len && whole.data[i] == s->text[i]) {
    i++;
  }
  bool identical = i == whole.len && i == s->len;
  sb_free(&whole);
  if (!identical) {
    size_t line, col;
    j_line_col(s->text, i, &line, &col);
    return file_error(c, s->path, "line %zu, column %zu: it is not laid out "
                                  "exactly as infuse-sim writes it (an "
                                  "edited or reformatted file?)",
                      line, col);
  }
  return CLI_EXIT_OK;
}

/* The first option whose value differs between two shards. */
static void first_difference(const shard_t *a, const shard_t *b,
                             const char **key, size_t *klen) {
  *key = "?";
  *klen = 1;
  for (size_t i = 0; i < N_OPTION_KEYS; i++) {
    const jnode_t *x = &a->doc.nodes[j_get(&a->doc, a->options,
                                           option_keys[i].name)];
    const jnode_t *y = &b->doc.nodes[j_get(&b->doc, b->options,
                                           option_keys[i].name)];
    if (x->end - x->begin != y->end - y->begin ||
        memcmp(a->text + x->begin, b->text + y->begin, x->end - x->begin) !=
            0) {
      *key = option_keys[i].name;
      *klen = strlen(*key);
      return;
    }
  }
}

static const char *option_value(const shard_t *s, const char *key, int *len) {
  const jnode_t *x = &s->doc.nodes[j_get(&s->doc, s->options, key)];
  size_t n = x->end - x->begin;
  *len = (int)(n > 60 ? 60 : n);
  return s->text + x->begin;
}

static int cmp_shard(const void *a, const void *b) {
  const shard_t *x = *(const shard_t *const *)a;
  const shard_t *y = *(const shard_t *const *)b;
  if (x->counts.first_patient != y->counts.first_patient) {
    return x->counts.first_patient < y->counts.first_patient ? -1 : 1;
  }
  return (x->counts.patients > y->counts.patients) -
         (x->counts.patients < y->counts.patients);
}

static int merge_main(const ctx_t *c) {
  if (c->given[O_JSON] && c->given[O_CSV]) {
    return usage_error(c, "give one output format: --json or --csv");
  }
  if (c->n_files == 0) {
    return usage_error(c, "give the files to merge: the --json outputs of "
                          "infuse-sim cohort --shard K/M");
  }
  shard_t *s = calloc(c->n_files, sizeof *s);
  shard_t **order = calloc(c->n_files, sizeof(shard_t *));
  int rc = CLI_EXIT_OK;
  if (s == NULL || order == NULL) {
    rc = out_of_memory(c);
    goto done;
  }
  for (size_t i = 0; i < c->n_files && rc == 0; i++) {
    s[i].path = c->files[i];
    rc = load_shard(c, &s[i]);
    order[i] = &s[i];
  }
  if (rc != 0) {
    goto done;
  }
  /* one run */
  for (size_t i = 1; i < c->n_files; i++) {
    const jnode_t *a = &s[0].doc.nodes[s[0].options];
    const jnode_t *b = &s[i].doc.nodes[s[i].options];
    if (a->end - a->begin != b->end - b->begin ||
        memcmp(s[0].text + a->begin, s[i].text + b->begin,
               a->end - a->begin) != 0) {
      const char *key;
      size_t klen;
      int la, lb;
      first_difference(&s[0], &s[i], &key, &klen);
      if (strcmp(key, "?") == 0) {
        /* every value is the same: the spacing or the key order is not */
        fprintf(stderr,
                "%s: error: %s and %s hold the same options laid out "
                "differently (an edited or reformatted file?); merge the "
                "files as infuse-sim wrote them\n",
                c->prog, s[0].path, s[i].path);
        rc = CLI_EXIT_USAGE;
        goto done;
      }
      const char *va = option_value(&s[0], key, &la);
      const char *vb = option_value(&s[i], key, &lb);
      fprintf(stderr,
              "%s: error: %s and %s come from different runs: option %s is "
              "%.*s in one and %.*s in the other; merge the shards of one "
              "run\n",
              c->prog, s[0].path, s[i].path, key, la, va, lb, vb);
      rc = CLI_EXIT_USAGE;
      goto done;
    }
    if (s[0].counts.fingerprint != s[i].counts.fingerprint) {
      fprintf(stderr,
              "%s: error: %s and %s have the same options but different "
              "fingerprints (%016llx and %016llx): they were not simulated "
              "the same way and cannot be merged\n",
              c->prog, s[0].path, s[i].path,
              (unsigned long long)s[0].counts.fingerprint,
              (unsigned long long)s[i].counts.fingerprint);
      rc = CLI_EXIT_USAGE;
      goto done;
    }
  }
  /* patient order, no overlap, no gap */
  qsort(order, c->n_files, sizeof(shard_t *), cmp_shard);
  uint64_t n = s[0].cohort_patients;
  for (size_t i = 1; i < c->n_files; i++) {
    const infuse_cohort_counts_t *p = &order[i - 1]->counts;
    const infuse_cohort_counts_t *q = &order[i]->counts;
    uint64_t end = p->first_patient + p->patients;
    if (q->first_patient < end) {
      fprintf(stderr,
              "%s: error: %s (patients %llu to %llu) and %s (patients %llu to "
              "%llu) overlap; give each shard once\n",
              c->prog, order[i - 1]->path,
              (unsigned long long)p->first_patient,
              (unsigned long long)(end - 1), order[i]->path,
              (unsigned long long)q->first_patient,
              (unsigned long long)(q->first_patient + q->patients - 1));
      rc = CLI_EXIT_USAGE;
      goto done;
    }
    if (q->first_patient > end) {
      fprintf(stderr,
              "%s: error: patients %llu to %llu are missing between %s and "
              "%s; give every shard\n",
              c->prog, (unsigned long long)end,
              (unsigned long long)(q->first_patient - 1), order[i - 1]->path,
              order[i]->path);
      rc = CLI_EXIT_USAGE;
      goto done;
    }
  }
  const infuse_cohort_counts_t *lo = &order[0]->counts;
  const infuse_cohort_counts_t *hi = &order[c->n_files - 1]->counts;
  uint64_t end = hi->first_patient + hi->patients;
  if (!c->given[O_PARTIAL] && (lo->first_patient != 0 || end != n)) {
    fprintf(stderr,
            "%s: error: the files cover patients %llu to %llu of a cohort of "
            "%llu: patients %llu to %llu are missing; give every shard (or "
            "--partial to merge part of a run)\n",
            c->prog, (unsigned long long)lo->first_patient,
            (unsigned long long)(end - 1), (unsigned long long)n,
            (unsigned long long)(lo->first_patient != 0 ? 0 : end),
            (unsigned long long)(lo->first_patient != 0 ? lo->first_patient - 1
                                                        : n - 1));
    rc = CLI_EXIT_USAGE;
    goto done;
  }
  infuse_cohort_counts_t sum;
  memset(&sum, 0, sizeof sum);
  sum.struct_size = (uint32_t)sizeof sum;
  for (size_t i = 0; i < c->n_files; i++) {
    infuse_diag_t d;
    int st = infuse_cohort_merge(&sum, &order[i]->counts, &d);
    if (st != INFUSE_OK) {
      fprintf(stderr, "%s: error: %s: %s [%s]\n", c->prog, order[i]->path,
              d.message, infuse_status_name(st));
      rc = CLI_EXIT_USAGE;
      goto done;
    }
  }
  const jdoc_t *d0 = &s[0].doc;
  const jnode_t *vn = &d0->nodes[s[0].version];
  const jnode_t *on = &d0->nodes[s[0].options];
  rc = cohort_emit(c, true, s[0].text + vn->begin + 1, vn->end - vn->begin - 2,
                   s[0].text + on->begin, on->end - on->begin, &sum);
done:
  if (s != NULL) {
    for (size_t i = 0; i < c->n_files; i++) {
      j_free(&s[i].doc);
      free(s[i].text);
    }
  }
  free(s);
  free(order);
  return rc;
}

/* ---- main --------------------------------------------------------------------- */

int sim_main(int argc, char **argv) {
  ctx_t c;
  memset(&c, 0, sizeof c);
  c.prog = "infuse-sim";
  if (argc < 2) {
    fprintf(stderr, "infuse-sim: error: give a subcommand: pk, cohort or "
                    "merge\nTry 'infuse-sim --help' for the options.\n");
    return CLI_EXIT_USAGE;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
      strcmp(sub, "--version") == 0) {
    if (argc > 2) {
      fprintf(stderr, "infuse-sim: error: %s takes nothing after it; for a "
                      "subcommand's help: infuse-sim pk --help\n", sub);
      return CLI_EXIT_USAGE;
    }
    if (strcmp(sub, "--version") == 0) {
      printf("infuse-sim (infuse) %s\n", infuse_version_string());
    } else {
      help_main();
    }
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_OTHER;
  }
  if (strcmp(sub, "pk") == 0) {
    c.sc = SC_PK;
    c.prog = "infuse-sim pk";
  } else if (strcmp(sub, "cohort") == 0) {
    c.sc = SC_COHORT;
    c.prog = "infuse-sim cohort";
  } else if (strcmp(sub, "merge") == 0) {
    c.sc = SC_MERGE;
    c.prog = "infuse-sim merge";
  } else {
    fprintf(stderr,
            "infuse-sim: error: %s '%s'; accepted: pk, cohort, merge (the "
            "subcommand comes first, e.g. infuse-sim pk --json)\nTry "
            "'infuse-sim --help' for the options.\n",
            sub[0] == '-' ? "give the subcommand before the options, not"
                          : "unknown subcommand",
            sub);
    return CLI_EXIT_USAGE;
  }
  c.files = malloc(sizeof *c.files * (size_t)argc);
  if (c.files == NULL) {
    return out_of_memory(&c);
  }
  int rc = parse_args(&c, argc, argv);
  if (rc == CLI_EXIT_OK) {
    if (c.given[O_HELP]) {
      if (c.sc == SC_PK) {
        help_pk();
      } else if (c.sc == SC_COHORT) {
        help_cohort();
      } else {
        help_merge();
      }
      rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_OTHER;
    } else if (c.given[O_VERSION]) {
      printf("infuse-sim (infuse) %s\n", infuse_version_string());
      rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_OTHER;
    } else if (c.sc == SC_PK) {
      rc = pk_main(&c);
    } else if (c.sc == SC_COHORT) {
      rc = cohort_main(&c);
    } else {
      rc = merge_main(&c);
    }
  }
  free(c.files);
  return rc;
}
