/*
 * status.c - status codes, names of enumerations, version.
 */
#include "internal.h"

const char *infuse_strerror(int status) {
  switch (status) {
#define INFUSE__STATUS_TEXT(name, value, text)                                 \
  case value:                                                                  \
    return text;
    INFUSE_STATUS_MAP(INFUSE__STATUS_TEXT)
#undef INFUSE__STATUS_TEXT
  default:
    return "unknown status";
  }
}

const char *infuse_status_name(int status) {
  switch (status) {
#define INFUSE__STATUS_NAME(name, value, text)                                 \
  case value:                                                                  \
    return #name;
    INFUSE_STATUS_MAP(INFUSE__STATUS_NAME)
#undef INFUSE__STATUS_NAME
  default:
    return "UNKNOWN";
  }
}

const char *infuse_finding_name(int code) {
  switch (code) {
#define INFUSE__FINDING_NAME(name, value, text)                                \
  case value:                                                                  \
    return text;
    INFUSE_FINDING_MAP(INFUSE__FINDING_NAME)
#undef INFUSE__FINDING_NAME
  default:
    return "unknown";
  }
}

const char *infuse_step_name(int kind) {
  switch (kind) {
#define INFUSE__STEP_NAME(name, value, key, formula)                           \
  case value:                                                                  \
    return key;
    INFUSE_STEP_MAP(INFUSE__STEP_NAME)
#undef INFUSE__STEP_NAME
  default:
    return "unknown";
  }
}

const char *infuse_step_formula(int kind) {
  switch (kind) {
#define INFUSE__STEP_FORMULA(name, value, key, formula)                        \
  case value:                                                                  \
    return formula;
    INFUSE_STEP_MAP(INFUSE__STEP_FORMULA)
#undef INFUSE__STEP_FORMULA
  default:
    return "";
  }
}

const char *infuse_severity_name(int severity) {
  switch (severity) {
  case INFUSE_SEVERITY_ADVISORY:
    return "advisory";
  case INFUSE_SEVERITY_SOFT:
    return "soft";
  case INFUSE_SEVERITY_HARD:
    return "hard";
  default:
    return "unknown";
  }
}

const char *infuse_rounding_name(int mode) {
  switch (mode) {
  case INFUSE_ROUND_NEAREST:
    return "nearest";
  case INFUSE_ROUND_DOWN:
    return "down";
  case INFUSE_ROUND_UP:
    return "up";
  default:
    return "unknown";
  }
}

const char *infuse_verdict_name(int verdict) {
  switch (verdict) {
  case INFUSE_VERDICT_OK:
    return "ok";
  case INFUSE_VERDICT_SOFT_LIMIT:
    return "soft_limit";
  case INFUSE_VERDICT_HARD_LIMIT:
    return "hard_limit";
  default:
    return "unknown";
  }
}

const char *infuse__prep_name(int prep) {
  switch (prep) {
  case INFUSE_PREP_ADD:
    return "add";
  case INFUSE_PREP_REPLACE:
    return "replace";
  case INFUSE_PREP_FINAL_CONC:
    return "final_conc";
  case INFUSE_PREP_SYRINGE:
    return "syringe";
  default:
    return "unknown";
  }
}

const char *infuse__basis_name(int basis) {
  switch (basis) {
  case INFUSE_WEIGHT_ACTUAL:
    return "actual";
  case INFUSE_WEIGHT_IDEAL:
    return "ideal";
  case INFUSE_WEIGHT_ADJUSTED:
    return "adjusted";
  default:
    return "unknown";
  }
}

uint32_t infuse_version(void) { return (uint32_t)INFUSE_VERSION_HEX; }

const char *infuse_version_string(void) { return INFUSE_VERSION_STRING; }
