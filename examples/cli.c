/*
 * cli.c - the shared driver of infuse-dose and infuse-rate: options,
 * parsing with units, the library call, output and exit status.
 *
 * The library does the arithmetic; this file only turns argv into a
 * request and the result into stdout. Every refusal goes to stderr with the
 * option, the value and what is accepted, and nothing goes to stdout.
 */
#include "cli.h"
#include "course_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_RATE CLI_RATE
#define P_DOSE CLI_DOSE
#define P_SCHED CLI_SCHEDULE
#define P_ALL (P_RATE | P_DOSE | P_SCHED)
#define P_PUMP (P_RATE | P_SCHED)

static const opt_def_t opts[OPT_COUNT] = {
    [OPT_WEIGHT] = {"weight", ARG_REQUIRED, P_ALL},
    [OPT_DOSE] = {"dose", ARG_REQUIRED, P_ALL},
    [OPT_DURATION] = {"duration", ARG_REQUIRED, P_PUMP},
    [OPT_VIAL] = {"vial", ARG_REQUIRED, P_PUMP},
    [OPT_BAG] = {"bag", ARG_REQUIRED, P_PUMP},
    [OPT_FINAL_CONC] = {"final-conc", ARG_REQUIRED, P_PUMP},
    [OPT_PREP] = {"prep", ARG_REQUIRED, P_PUMP},
    [OPT_VOLUME_STEP] = {"volume-step", ARG_REQUIRED, P_ALL},
    [OPT_RATE_STEP] = {"rate-step", ARG_REQUIRED, P_PUMP},
    [OPT_STRENGTH] = {"strength", ARG_REQUIRED, P_DOSE | P_SCHED},
    [OPT_WEIGHT_BASIS] = {"weight-basis", ARG_REQUIRED, P_ALL},
    [OPT_HEIGHT] = {"height", ARG_REQUIRED, P_ALL},
    [OPT_SEX] = {"sex", ARG_REQUIRED, P_ALL},
    [OPT_PROTOCOL] = {"protocol", ARG_REQUIRED, P_ALL},
    [OPT_ACKNOWLEDGE] = {"acknowledge", ARG_OPTIONAL, P_ALL},
    [OPT_JSON] = {"json", ARG_NONE, P_ALL},
    [OPT_LIST] = {"list-protocols", ARG_NONE, P_ALL},
    [OPT_HELP] = {"help", ARG_NONE, P_ALL},
    [OPT_VERSION] = {"version", ARG_NONE, P_ALL},
    [OPT_START] = {"start", ARG_REQUIRED, P_SCHED},
    [OPT_INDUCTION] = {"induction", ARG_REQUIRED, P_SCHED},
    [OPT_PER_WEEK] = {"per-week", ARG_REQUIRED, P_SCHED},
    [OPT_MAINTENANCE] = {"maintenance", ARG_REQUIRED, P_SCHED},
    [OPT_MONTHS] = {"months", ARG_REQUIRED, P_SCHED},
    [OPT_CLINIC_DAYS] = {"clinic-days", ARG_REQUIRED, P_SCHED},
    [OPT_CLOSED] = {"closed", ARG_REQUIRED, P_SCHED},
    [OPT_MIN_INTERVAL] = {"min-interval", ARG_REQUIRED, P_SCHED},
    [OPT_TAPER] = {"taper", ARG_REQUIRED, P_SCHED},
    [OPT_CSV] = {"csv", ARG_NONE, P_SCHED},
    [OPT_ICS] = {"ics", ARG_NONE, P_SCHED},
    [OPT_FHIR] = {"fhir", ARG_NONE, P_SCHED},
    [OPT_COURSE_ID] = {"course-id", ARG_REQUIRED, P_SCHED},
    [OPT_PATIENT] = {"patient", ARG_REQUIRED, P_SCHED},
    [OPT_UID_DOMAIN] = {"uid-domain", ARG_REQUIRED, P_SCHED},
    [OPT_DTSTAMP] = {"dtstamp", ARG_REQUIRED, P_SCHED},
    [OPT_SCALE] = {"scale", ARG_REQUIRED, P_SCHED},
    [OPT_BASELINE] = {"baseline", ARG_REQUIRED, P_SCHED},
    [OPT_SCORES] = {"scores", ARG_REQUIRED, P_SCHED},
};

/* ---- messages ------------------------------------------------------------ */

int cli_usage_error(const cli_t *c, const char *what, const char *detail) {
  fprintf(stderr, "%s: %s%s\nTry '%s --help' for the options.\n", c->prog, what,
          detail != NULL ? detail : "", c->prog);
  return CLI_EXIT_USAGE;
}

/* The library names request fields; the person typed options. */
static const char *option_of_field(const char *field) {
  static const struct {
    const char *field;
    const char *option;
  } map[] = {
      {"weight_g", "--weight"},
      {"height_mm", "--height"},
      {"sex", "--sex"},
      {"weight_basis", "--weight-basis"},
      {"dose_ug_per_kg", "--dose"},
      {"dose_ug", "--dose"},
      {"duration_s", "--duration"},
      {"vial_ug_per_ml", "--vial"},
      {"bag_ul", "--bag"},
      {"final_conc_ug_per_ml", "--final-conc"},
      {"volume_step_ul", "--volume-step"},
      {"rate_step_ul_per_h", "--rate-step"},
      {"prep", "--prep"},
      {"protocol", "--protocol"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (strcmp(map[i].field, field) == 0) {
      return map[i].option;
    }
  }
  return course_args_option_of(field);
}

int cli_library_error(const cli_t *c, int rc, const infuse_diag_t *d) {
  const char *opt = option_of_field(d->field);
  fprintf(stderr, "%s: error: %s", c->prog, d->message);
  if (opt != NULL) {
    fprintf(stderr, " (option %s)", opt);
  }
  fprintf(stderr, " [%s]\n", infuse_status_name(rc));
  return rc == INFUSE_E_BUFFER_TOO_SMALL ? CLI_EXIT_OTHER : CLI_EXIT_USAGE;
}

/* ---- help ---------------------------------------------------------------- */

static void print_help(const cli_t *c) {
  printf("Usage: %s --weight WEIGHT [options]\n\n", c->prog);
  if (c->program == CLI_RATE) {
    printf("Compute an infusion's pump program from a body weight and a "
           "protocol:\n"
           "dose, draw-up volume from the vial, diluent and bag, total volume "
           "(VTBI),\n"
           "rate in mL/h, actual duration and dose rate, with every limit "
           "checked and\n"
           "every step of the arithmetic shown.\n\n");
  } else {
    printf(
        "Compute the dosing weight and the dose from a body weight and a\n"
        "protocol, with the weight and dose limits checked and every step\n"
        "of the arithmetic shown. For the pump program use infuse-rate.\n\n");
  }
  printf(
      "Every quantity needs its unit (70kg, 154lb, 0.5mg/kg); a bare number "
      "is\n"
      "refused. Units are case-sensitive. Write a leading zero: 0.5, not .5.\n"
      "Options take their value as --opt VALUE or --opt=VALUE, once each.\n\n"
      "Patient and dose:\n"
      "  --weight W          actual body weight (kg, g, lb); required\n"
      "  --dose D            per kg (0.5mg/kg, 500mcg/kg) or fixed (35mg);\n"
      "                      default: the protocol's\n"
      "  --weight-basis B    actual (default), ideal (Devine) or adjusted\n"
      "                      (IBW + 0.4 x (actual - IBW)); ideal and adjusted\n"
      "                      need --height and --sex\n"
      "  --height H          height (175cm, 1.75m, 69in); also gives the BMI\n"
      "  --sex S             male or female\n"
      "  --protocol ID       drug-library entry (default ketamine-trd-40);\n"
      "                      see --list-protocols\n");
  if (c->program == CLI_DOSE) {
    printf("\nOral protocols (ketamine-oral):\n"
           "  --strength C       oral solution strength (default 50mg/mL)\n"
           "  --volume-step V    measurable volume (default 0.1mL)\n");
  }
  if (c->program == CLI_RATE) {
    printf(
        "\nPreparation and pump:\n"
        "  --duration T       infusion time (40min, 1.5h)\n"
        "  --vial C           vial strength (10mg/mL, 50mg/mL, 100mg/mL)\n"
        "  --bag V            diluent bag (100mL), or 'none' for an undiluted\n"
        "                     syringe on a syringe pump\n"
        "  --final-conc C     dilute to this concentration (1mg/mL) instead "
        "of\n"
        "                     a bag\n"
        "  --prep P           add (the drug to the bag; default) or replace\n"
        "                     (withdraw the same volume from the bag first)\n"
        "  --volume-step V    draw-up volume resolution (default 0.1mL)\n"
        "  --rate-step R      pump rate resolution (default 0.1mL/h)\n");
  }
  printf(
      "\nLimits and output:\n"
      "  --acknowledge[=LIST]  acknowledge soft-limit findings: all, or a\n"
      "                      comma list of dose_per_kg, dose, weight, "
      "duration,\n"
      "                      rate, concentration, deviation\n"
      "  --json              print one JSON object\n"
      "  --list-protocols    list the built-in protocols and exit\n"
      "  --help              print this help and exit\n"
      "  --version           print the version and exit\n\n"
      "Exit status: 0 success; 2 invalid input or usage; 3 a limit stops the\n"
      "calculation (hard, or soft without --acknowledge; the result is still\n"
      "printed); 1 anything else.\n\n"
      "Example: %s --weight 70kg\n\n"
      "Decision support only: it never replaces clinical judgement.\n",
      c->prog);
}

static int list_protocols(bool json) {
  size_t n = infuse_protocol_count();
  if (json) {
    printf("{\"protocols\": [");
  } else {
    printf("%-20s %-8s %-6s %-10s %-9s %s\n", "ID", "VERSION", "ROUTE", "DOSE",
           "DURATION", "TITLE");
  }
  for (size_t i = 0; i < n; i++) {
    infuse_protocol_t p;
    if (infuse_protocol_at(i, &p) != INFUSE_OK) {
      return CLI_EXIT_OTHER;
    }
    char dose[32], dur[32];
    infuse_format(p.dose_ug_per_kg, INFUSE_UNIT_UG_PER_KG, dose, sizeof dose);
    if (p.duration_s > 0) {
      infuse_format(p.duration_s, INFUSE_UNIT_S, dur, sizeof dur);
    } else {
      snprintf(dur, sizeof dur, "-");
    }
    const char *route = p.route == INFUSE_ROUTE_ORAL ? "oral" : "iv";
    if (json) {
      /* ids, versions and titles of the built-ins need no escaping */
      printf("%s\n  {\"id\": \"%s\", \"version\": \"%s\", \"route\": \"%s\", "
             "\"dose\": \"%s\", \"duration\": \"%s\", \"title\": \"%s\"}",
             i == 0 ? "" : ",", p.id, p.version, route, dose, dur, p.title);
    } else {
      printf("%-20s %-8s %-6s %-10s %-9s %s\n", p.id, p.version, route, dose,
             dur, p.title);
    }
  }
  if (json) {
    printf("\n]}\n");
  }
  return CLI_EXIT_OK;
}

/* ---- argv ---------------------------------------------------------------- */

static int parse_argv(cli_t *c, int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0) {
      a = "--help";
    }
    if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
      if (i > 1 && strcmp(argv[i - 1], "--acknowledge") == 0) {
        fprintf(stderr,
                "%s: unexpected argument: %s (--acknowledge takes its list "
                "after '=', e.g. --acknowledge=%s)\n",
                c->prog, a, a);
        return CLI_EXIT_USAGE;
      }
      if ((a[0] >= 'a' && a[0] <= 'z') || (a[0] >= 'A' && a[0] <= 'Z')) {
        fprintf(stderr,
                "%s: unexpected argument: %s (a value with a space before "
                "its unit must be quoted, e.g. --weight '70 kg')\n",
                c->prog, a);
        return CLI_EXIT_USAGE;
      }
      return cli_usage_error(c, "unexpected argument: ", a);
    }
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    int id = -1;
    for (int k = 0; k < OPT_COUNT; k++) {
      if (strlen(opts[k].name) == len &&
          strncmp(opts[k].name, name, len) == 0) {
        id = k;
        break;
      }
    }
    if (id < 0) {
      return cli_usage_error(c, "unknown option: ", a);
    }
    if ((opts[id].programs & (unsigned)c->program) == 0) {
      fprintf(stderr, "%s: --%s is not an option of %s (%s)\n", c->prog,
              opts[id].name, c->prog,
              (opts[id].programs & CLI_RATE) != 0
                  ? "it is a pump option of infuse-rate"
                  : "see --help");
      return CLI_EXIT_USAGE;
    }
    if (c->given[id]) {
      fprintf(stderr, "%s: --%s is given more than once; give it once\n",
              c->prog, opts[id].name);
      return CLI_EXIT_USAGE;
    }
    c->given[id] = true;
    switch (opts[id].arg) {
    case ARG_NONE:
      if (eq != NULL) {
        fprintf(stderr, "%s: --%s takes no value\n", c->prog, opts[id].name);
        return CLI_EXIT_USAGE;
      }
      break;
    case ARG_OPTIONAL:
      c->value[id] = eq != NULL ? eq + 1 : NULL;
      break;
    case ARG_REQUIRED:
      if (eq != NULL) {
        c->value[id] = eq + 1;
      } else if (i + 1 < argc) {
        c->value[id] = argv[++i];
      } else {
        fprintf(stderr, "%s: --%s needs a value\n", c->prog, opts[id].name);
        return CLI_EXIT_USAGE;
      }
      break;
    }
  }
  return CLI_EXIT_OK;
}

/* Parse an option's value as a quantity of one of `dims`. */
static int quantity(const cli_t *c, int id, uint32_t dims,
                    infuse_quantity_t *q) {
  char field[40];
  snprintf(field, sizeof field, "--%s", opts[id].name);
  infuse_diag_t d;
  int rc = infuse_quantity_parse(c->value[id], dims, field, q, &d);
  if (rc != INFUSE_OK) {
    fprintf(stderr, "%s: error: %s [%s]\n", c->prog, d.message,
            infuse_status_name(rc));
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

static int choice(const cli_t *c, int id, const char *const *names, int n,
                  int *out) {
  for (int i = 0; i < n; i++) {
    if (strcmp(c->value[id], names[i]) == 0) {
      *out = i;
      return CLI_EXIT_OK;
    }
  }
  fprintf(stderr, "%s: error: --%s: '%s' is not accepted; accepted:", c->prog,
          opts[id].name, c->value[id]);
  for (int i = 0; i < n; i++) {
    fprintf(stderr, "%s %s", i == 0 ? "" : ",", names[i]);
  }
  fprintf(stderr, "\n");
  return CLI_EXIT_USAGE;
}

static int acknowledgements(const cli_t *c, uint32_t *ack) {
  static const struct {
    const char *name;
    uint32_t bit;
  } names[] = {{"all", INFUSE_ACK_ALL},
               {"dose_per_kg", INFUSE_ACK_DOSE_PER_KG},
               {"dose", INFUSE_ACK_DOSE},
               {"weight", INFUSE_ACK_WEIGHT},
               {"duration", INFUSE_ACK_DURATION},
               {"rate", INFUSE_ACK_RATE},
               {"concentration", INFUSE_ACK_CONCENTRATION},
               {"deviation", INFUSE_ACK_DEVIATION}};
  const char *v = c->value[OPT_ACKNOWLEDGE];
  if (v == NULL) {
    *ack = INFUSE_ACK_ALL;
    return CLI_EXIT_OK;
  }
  uint32_t bits = 0;
  const char *p = v;
  for (;;) {
    const char *end = strchr(p, ',');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    bool found = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      if (strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0) {
        bits |= names[i].bit;
        found = true;
      }
    }
    if (!found) {
      fprintf(stderr,
              "%s: error: --acknowledge: '%.*s' is not a limit; accepted: "
              "all, dose_per_kg, dose, weight, duration, rate, "
              "concentration, deviation\n",
              c->prog, (int)len, p);
      return CLI_EXIT_USAGE;
    }
    if (end == NULL) {
      break;
    }
    p = end + 1;
  }
  *ack = bits;
  return CLI_EXIT_OK;
}

/* ---- input notes (conversions that rounded) ------------------------------ */

static void note_rounding(notes_t *notes, const char *option,
                          const infuse_quantity_t *q) {
  if (!q->rounded || notes->n >= 4) {
    return;
  }
  char digits[48], shown[40];
  /* the number as typed: the mantissa's digits with the point put back */
  char raw[32];
  int s = (int)q->source_scale;
  int n = snprintf(raw, sizeof raw, "%lld", (long long)q->source_mantissa);
  if (n < 0 || s < 0 || s > 15) {
    return;
  }
  size_t k = 0;
  int int_digits = n - s;
  if (int_digits <= 0) {
    digits[k++] = '0';
    if (s > 0) {
      digits[k++] = '.';
    }
    for (int i = 0; i < -int_digits; i++) {
      digits[k++] = '0';
    }
    for (int i = 0; i < n; i++) {
      digits[k++] = raw[i];
    }
  } else {
    for (int i = 0; i < n; i++) {
      if (i == int_digits) {
        digits[k++] = '.';
      }
      digits[k++] = raw[i];
    }
  }
  digits[k] = '\0';
  infuse_format(q->value, q->unit, shown, sizeof shown);
  const char *factor = q->dim == INFUSE_DIM_BODY_WEIGHT
                           ? "1 lb = 0.45359237 kg; rounded to the gram"
                           : "1 in = 2.54 cm; rounded to the millimetre";
  snprintf(notes->text[notes->n++], sizeof notes->text[0],
           "%s %s %s -> %s (%s)", option, digits, q->source_unit, shown,
           factor);
}

/* ---- output -------------------------------------------------------------- */

static int emit(const cli_t *c, const infuse_result_t *r, bool json,
                const notes_t *notes) {
  size_t need = 0;
  int rc = json ? infuse_write_json(r, NULL, 0, &need)
                : infuse_write_text(r, NULL, 0, &need);
  if (rc != INFUSE_E_BUFFER_TOO_SMALL && rc != INFUSE_OK) {
    fprintf(stderr, "%s: cannot render the result: %s\n", c->prog,
            infuse_strerror(rc));
    return CLI_EXIT_OTHER;
  }
  char *buf = malloc(need + 1);
  if (buf == NULL) {
    fprintf(stderr, "%s: out of memory\n", c->prog);
    return CLI_EXIT_OTHER;
  }
  size_t len = 0;
  rc = json ? infuse_write_json(r, buf, need + 1, &len)
            : infuse_write_text(r, buf, need + 1, &len);
  if (rc != INFUSE_OK) {
    free(buf);
    fprintf(stderr, "%s: cannot render the result: %s\n", c->prog,
            infuse_strerror(rc));
    return CLI_EXIT_OTHER;
  }
  if (json) {
    /* The object ends "\n}\n"; add the input notes before the brace. */
    if (len >= 3) {
      len -= 3;
    }
    fwrite(buf, 1, len, stdout);
    printf(",\n  \"input_notes\": [");
    for (int i = 0; i < notes->n; i++) {
      printf("%s\"%s\"", i == 0 ? "" : ", ", notes->text[i]);
    }
    printf("]\n}\n");
  } else {
    infuse_protocol_t p;
    printf("%s %s", c->prog, infuse_version_string());
    if (infuse_protocol_get(r->protocol_id, &p, NULL) == INFUSE_OK) {
      printf(": %s", p.title);
    }
    printf("\n");
    for (int i = 0; i < notes->n; i++) {
      printf("input: %s\n", notes->text[i]);
    }
    printf("\n");
    fwrite(buf, 1, len, stdout);
    printf("\nDecision support only: check every number against the order "
           "and the\nlocal drug library before use.\n");
  }
  free(buf);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "%s: cannot write the output: %s\n", c->prog,
            strerror(errno));
    return CLI_EXIT_OTHER;
  }
  return CLI_EXIT_OK;
}

/* ---- main ---------------------------------------------------------------- */

int cli_build_request(cli_t *c, infuse_request_t *req, notes_t *notes) {
  infuse_quantity_t q;
  int rc;
  if (!c->given[OPT_WEIGHT]) {
    return cli_usage_error(c, "--weight is required (e.g. --weight 70kg)",
                           NULL);
  }
  if ((rc = quantity(c, OPT_WEIGHT, INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                     &q)) != 0) {
    return rc;
  }
  req->weight_g = q.value;
  req->weight_entered = q;
  note_rounding(notes, "--weight", &q);

  if (c->given[OPT_DOSE]) {
    if ((rc = quantity(c, OPT_DOSE,
                       INFUSE_DIM_BIT(INFUSE_DIM_DOSE_PER_KG) |
                           INFUSE_DIM_BIT(INFUSE_DIM_MASS),
                       &q)) != 0) {
      return rc;
    }
    if (q.dim == INFUSE_DIM_MASS) {
      req->dose_mode = INFUSE_DOSE_FIXED;
      req->dose_ug = q.value;
    } else {
      req->dose_mode = INFUSE_DOSE_PER_KG;
      req->dose_ug_per_kg = q.value;
    }
  }
  if (c->given[OPT_WEIGHT_BASIS]) {
    static const char *const bases[] = {"actual", "ideal", "adjusted"};
    int b;
    if ((rc = choice(c, OPT_WEIGHT_BASIS, bases, 3, &b)) != 0) {
      return rc;
    }
    req->weight_basis = (infuse_weight_basis_t)b;
  }
  if (c->given[OPT_HEIGHT]) {
    if ((rc = quantity(c, OPT_HEIGHT, INFUSE_DIM_BIT(INFUSE_DIM_LENGTH), &q)) !=
        0) {
      return rc;
    }
    req->height_mm = q.value;
    req->height_entered = q;
    note_rounding(notes, "--height", &q);
  }
  if (c->given[OPT_SEX]) {
    static const char *const sexes[] = {"male", "female"};
    int s;
    if ((rc = choice(c, OPT_SEX, sexes, 2, &s)) != 0) {
      return rc;
    }
    req->sex = s == 0 ? INFUSE_SEX_MALE : INFUSE_SEX_FEMALE;
  }
  if (req->weight_basis != INFUSE_WEIGHT_ACTUAL &&
      (!c->given[OPT_HEIGHT] || !c->given[OPT_SEX])) {
    return cli_usage_error(
        c,
        "--weight-basis ideal and adjusted need both --height "
        "and --sex",
        NULL);
  }
  if (c->given[OPT_ACKNOWLEDGE]) {
    if ((rc = acknowledgements(c, &req->acknowledge)) != 0) {
      return rc;
    }
  }
  bool oral = req->protocol->route == INFUSE_ROUTE_ORAL;
  if (c->given[OPT_STRENGTH] && !oral) {
    return cli_usage_error(c,
                           "--strength is the strength of an oral solution; "
                           "this protocol is an infusion",
                           NULL);
  }
  if (oral) {
    if (c->given[OPT_STRENGTH]) {
      if ((rc = quantity(c, OPT_STRENGTH,
                         INFUSE_DIM_BIT(INFUSE_DIM_CONCENTRATION), &q)) != 0) {
        return rc;
      }
      req->vial_ug_per_ml = q.value;
    }
    if (c->given[OPT_VOLUME_STEP]) {
      if ((rc = quantity(c, OPT_VOLUME_STEP, INFUSE_DIM_BIT(INFUSE_DIM_VOLUME),
                         &q)) != 0) {
        return rc;
      }
      req->volume_step_ul = q.value;
    }
    for (int id = OPT_DURATION; id <= OPT_RATE_STEP; id++) {
      if (c->given[id] && id != OPT_VOLUME_STEP) {
        fprintf(stderr,
                "%s: --%s is a pump option; protocol '%s' is oral and has no "
                "pump program\n",
                c->prog, opts[id].name, req->protocol->id);
        return CLI_EXIT_USAGE;
      }
    }
    return CLI_EXIT_OK;
  }
  if (c->program == CLI_DOSE) {
    if (c->given[OPT_VOLUME_STEP]) {
      return cli_usage_error(c,
                             "--volume-step applies to oral protocols here; "
                             "for an infusion use infuse-rate",
                             NULL);
    }
    return CLI_EXIT_OK;
  }

  if (c->given[OPT_DURATION]) {
    if ((rc = quantity(c, OPT_DURATION, INFUSE_DIM_BIT(INFUSE_DIM_TIME), &q)) !=
        0) {
      return rc;
    }
    req->duration_s = q.value;
  }
  if (c->given[OPT_VIAL]) {
    if ((rc = quantity(c, OPT_VIAL, INFUSE_DIM_BIT(INFUSE_DIM_CONCENTRATION),
                       &q)) != 0) {
      return rc;
    }
    req->vial_ug_per_ml = q.value;
  }
  bool syringe = c->given[OPT_BAG] && strcmp(c->value[OPT_BAG], "none") == 0;
  if (c->given[OPT_BAG] && c->given[OPT_FINAL_CONC]) {
    return cli_usage_error(c,
                           "--bag and --final-conc contradict each other: give "
                           "a bag volume, or a final concentration",
                           NULL);
  }
  if (c->given[OPT_PREP] && (syringe || c->given[OPT_FINAL_CONC])) {
    return cli_usage_error(c,
                           "--prep (add or replace) goes with a bag, not with "
                           "--bag none or --final-conc",
                           NULL);
  }
  if (c->given[OPT_BAG]) {
    if (syringe) {
      req->prep = INFUSE_PREP_SYRINGE;
    } else {
      if ((rc = quantity(c, OPT_BAG, INFUSE_DIM_BIT(INFUSE_DIM_VOLUME), &q)) !=
          0) {
        return rc;
      }
      req->bag_ul = q.value;
      if (req->prep != INFUSE_PREP_ADD && req->prep != INFUSE_PREP_REPLACE) {
        req->prep = INFUSE_PREP_ADD;
      }
    }
  }
  if (c->given[OPT_FINAL_CONC]) {
    if ((rc = quantity(c, OPT_FINAL_CONC,
                       INFUSE_DIM_BIT(INFUSE_DIM_CONCENTRATION), &q)) != 0) {
      return rc;
    }
    req->final_conc_ug_per_ml = q.value;
    req->prep = INFUSE_PREP_FINAL_CONC;
  }
  if (c->given[OPT_PREP]) {
    static const char *const preps[] = {"add", "replace"};
    int pr;
    if ((rc = choice(c, OPT_PREP, preps, 2, &pr)) != 0) {
      return rc;
    }
    req->prep = pr == 0 ? INFUSE_PREP_ADD : INFUSE_PREP_REPLACE;
  }
  if (c->given[OPT_VOLUME_STEP]) {
    if ((rc = quantity(c, OPT_VOLUME_STEP, INFUSE_DIM_BIT(INFUSE_DIM_VOLUME),
                       &q)) != 0) {
      return rc;
    }
    req->volume_step_ul = q.value;
  }
  if (c->given[OPT_RATE_STEP]) {
    if ((rc = quantity(c, OPT_RATE_STEP, INFUSE_DIM_BIT(INFUSE_DIM_RATE),
                       &q)) != 0) {
      return rc;
    }
    req->rate_step_ul_per_h = q.value;
  }
  return CLI_EXIT_OK;
}

const char *cli_option_name(int id) {
  return id >= 0 && id < OPT_COUNT ? opts[id].name : "?";
}

int cli_main(int argc, char **argv, int program) {
  cli_t c;
  memset(&c, 0, sizeof c);
  c.prog = program == CLI_RATE   ? "infuse-rate"
           : program == CLI_DOSE ? "infuse-dose"
                                 : "infuse-schedule";
  c.program = program;
  bool pump = program == CLI_RATE;

  int rc = parse_argv(&c, argc, argv);
  if (rc != 0) {
    return rc;
  }
  if (c.given[OPT_HELP] && program == CLI_SCHEDULE) {
    return schedule_main(&c); /* prints its own help */
  }
  if (c.given[OPT_HELP]) {
    print_help(&c);
    return CLI_EXIT_OK;
  }
  if (c.given[OPT_VERSION]) {
    printf("%s (infuse) %s\n", c.prog, infuse_version_string());
    return CLI_EXIT_OK;
  }
  if (c.given[OPT_LIST]) {
    return list_protocols(c.given[OPT_JSON]);
  }
  if (program == CLI_SCHEDULE) {
    return schedule_main(&c);
  }

  infuse_protocol_t protocol;
  infuse_diag_t d;
  const char *id =
      c.given[OPT_PROTOCOL] ? c.value[OPT_PROTOCOL] : "ketamine-trd-40";
  rc = infuse_protocol_get(id, &protocol, &d);
  if (rc != INFUSE_OK) {
    return cli_library_error(&c, rc, &d);
  }
  if (pump && protocol.route != INFUSE_ROUTE_IV_INFUSION) {
    fprintf(stderr,
            "%s: error: protocol '%s' is not an infusion and has no pump "
            "program; use infuse-dose for its dose\n",
            c.prog, protocol.id);
    return CLI_EXIT_USAGE;
  }
  infuse_request_t req;
  if (infuse_request_init(&req, &protocol) != INFUSE_OK) {
    fprintf(stderr, "%s: internal error: cannot start a request\n", c.prog);
    return CLI_EXIT_OTHER;
  }
  notes_t notes;
  memset(&notes, 0, sizeof notes);
  rc = cli_build_request(&c, &req, &notes);
  if (rc != 0) {
    return rc;
  }

  infuse_result_t *result = malloc(sizeof *result);
  if (result == NULL) {
    fprintf(stderr, "%s: out of memory\n", c.prog);
    return CLI_EXIT_OTHER;
  }
  result->struct_size = (uint32_t)sizeof *result;
  rc = pump ? infuse_pump_compute(&req, result, &d)
       : protocol.route == INFUSE_ROUTE_ORAL
           ? infuse_oral_compute(&req, result, &d)
           : infuse_dose_compute(&req, result, &d);
  if (rc < 0) {
    free(result);
    return cli_library_error(&c, rc, &d);
  }
  int out = emit(&c, result, c.given[OPT_JSON], &notes);
  free(result);
  if (out != CLI_EXIT_OK) {
    return out;
  }
  return rc == INFUSE_OK ? CLI_EXIT_OK : CLI_EXIT_LIMIT;
}
