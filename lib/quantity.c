/*
 * quantity.c - exact parsing of "72.5 kg" into integer base units.
 *
 * No strtod, no locale: digits are accumulated as an integer mantissa and
 * a decimal scale, then converted with an exact rational factor per unit.
 */
#include "internal.h"

#include <string.h>

/* Fields in reading order, matching the table below; the padding the
 * analyzer reports costs 8 bytes per entry of one small constant table.
 * NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding) */
typedef struct unit_def {
  const char *symbol;
  infuse_dim_t dim;
  uint64_t num; /* 1 symbol = num / den base units */
  uint64_t den;
  bool inexact; /* conversion rounds to the base unit */
} unit_def_t;

/* "µ" is U+00B5 MICRO SIGN, "μ" is U+03BC GREEK SMALL LETTER MU. */
#define MICRO "\xc2\xb5"
#define MU "\xce\xbc"

static const unit_def_t units[] = {
    /* body weight, g */
    {"kg", INFUSE_DIM_BODY_WEIGHT, 1000u, 1u, false},
    {"g", INFUSE_DIM_BODY_WEIGHT, 1u, 1u, false},
    {"lb", INFUSE_DIM_BODY_WEIGHT, 45359237u, 100000u, true},
    {"lbs", INFUSE_DIM_BODY_WEIGHT, 45359237u, 100000u, true},
    /* drug mass, ug */
    {"g", INFUSE_DIM_MASS, 1000000u, 1u, false},
    {"mg", INFUSE_DIM_MASS, 1000u, 1u, false},
    {"mcg", INFUSE_DIM_MASS, 1u, 1u, false},
    {"ug", INFUSE_DIM_MASS, 1u, 1u, false},
    {MICRO "g", INFUSE_DIM_MASS, 1u, 1u, false},
    {MU "g", INFUSE_DIM_MASS, 1u, 1u, false},
    /* volume, uL */
    {"L", INFUSE_DIM_VOLUME, 1000000u, 1u, false},
    {"mL", INFUSE_DIM_VOLUME, 1000u, 1u, false},
    {"ml", INFUSE_DIM_VOLUME, 1000u, 1u, false},
    {"uL", INFUSE_DIM_VOLUME, 1u, 1u, false},
    {MICRO "L", INFUSE_DIM_VOLUME, 1u, 1u, false},
    {MU "L", INFUSE_DIM_VOLUME, 1u, 1u, false},
    /* time, s */
    {"d", INFUSE_DIM_TIME, 86400u, 1u, false},
    {"h", INFUSE_DIM_TIME, 3600u, 1u, false},
    {"hr", INFUSE_DIM_TIME, 3600u, 1u, false},
    {"min", INFUSE_DIM_TIME, 60u, 1u, false},
    {"s", INFUSE_DIM_TIME, 1u, 1u, false},
    /* dose per body weight, ug/kg */
    {"mg/kg", INFUSE_DIM_DOSE_PER_KG, 1000u, 1u, false},
    {"mcg/kg", INFUSE_DIM_DOSE_PER_KG, 1u, 1u, false},
    {"ug/kg", INFUSE_DIM_DOSE_PER_KG, 1u, 1u, false},
    {MICRO "g/kg", INFUSE_DIM_DOSE_PER_KG, 1u, 1u, false},
    {MU "g/kg", INFUSE_DIM_DOSE_PER_KG, 1u, 1u, false},
    /* concentration, ug/mL */
    {"mg/mL", INFUSE_DIM_CONCENTRATION, 1000u, 1u, false},
    {"mg/ml", INFUSE_DIM_CONCENTRATION, 1000u, 1u, false},
    {"mcg/mL", INFUSE_DIM_CONCENTRATION, 1u, 1u, false},
    {"ug/mL", INFUSE_DIM_CONCENTRATION, 1u, 1u, false},
    {MICRO "g/mL", INFUSE_DIM_CONCENTRATION, 1u, 1u, false},
    {MU "g/mL", INFUSE_DIM_CONCENTRATION, 1u, 1u, false},
    {"g/L", INFUSE_DIM_CONCENTRATION, 1000u, 1u, false},
    {"mg/L", INFUSE_DIM_CONCENTRATION, 1u, 1u, false},
    /* rate, uL/h */
    {"mL/h", INFUSE_DIM_RATE, 1000u, 1u, false},
    {"mL/hr", INFUSE_DIM_RATE, 1000u, 1u, false},
    {"ml/h", INFUSE_DIM_RATE, 1000u, 1u, false},
    {"ml/hr", INFUSE_DIM_RATE, 1000u, 1u, false},
    {"uL/h", INFUSE_DIM_RATE, 1u, 1u, false},
    /* length, mm */
    {"m", INFUSE_DIM_LENGTH, 1000u, 1u, false},
    {"cm", INFUSE_DIM_LENGTH, 10u, 1u, false},
    {"mm", INFUSE_DIM_LENGTH, 1u, 1u, false},
    {"in", INFUSE_DIM_LENGTH, 254u, 10u, true},
};

static const char *accepted_units(infuse_dim_t dim) {
  switch (dim) {
  case INFUSE_DIM_BODY_WEIGHT:
    return "kg, g or lb";
  case INFUSE_DIM_MASS:
    return "mg, mcg, ug or g";
  case INFUSE_DIM_VOLUME:
    return "mL, L or uL";
  case INFUSE_DIM_TIME:
    return "min, h, s or d";
  case INFUSE_DIM_DOSE_PER_KG:
    return "mg/kg, mcg/kg or ug/kg";
  case INFUSE_DIM_CONCENTRATION:
    return "mg/mL, mcg/mL, ug/mL, g/L or mg/L";
  case INFUSE_DIM_RATE:
    return "mL/h or uL/h";
  case INFUSE_DIM_LENGTH:
    return "cm, m, mm or in";
  case INFUSE_DIM_NONE:
  default:
    return "none";
  }
}

static const char *example_of(infuse_dim_t dim) {
  switch (dim) {
  case INFUSE_DIM_BODY_WEIGHT:
    return "70kg or 154lb";
  case INFUSE_DIM_MASS:
    return "35mg";
  case INFUSE_DIM_VOLUME:
    return "100mL";
  case INFUSE_DIM_TIME:
    return "40min";
  case INFUSE_DIM_DOSE_PER_KG:
    return "0.5mg/kg";
  case INFUSE_DIM_CONCENTRATION:
    return "10mg/mL";
  case INFUSE_DIM_RATE:
    return "0.1mL/h";
  case INFUSE_DIM_LENGTH:
    return "175cm";
  case INFUSE_DIM_NONE:
  default:
    return "";
  }
}

/* "kg, g or lb (e.g. 70kg or 154lb)" for every dimension in the mask. */
static void put_accepted(infuse__sb_t *sb, uint32_t dims) {
  bool first = true;
  for (int d = INFUSE_DIM_BODY_WEIGHT; d <= INFUSE_DIM_LENGTH; d++) {
    if ((dims & INFUSE_DIM_BIT(d)) == 0) {
      continue;
    }
    if (!first) {
      infuse__sb_puts(sb, "; or ");
    }
    first = false;
    infuse__sb_puts(sb, "a ");
    infuse__sb_puts(sb, infuse_dim_name((infuse_dim_t)d));
    infuse__sb_puts(sb, " in ");
    infuse__sb_puts(sb, accepted_units((infuse_dim_t)d));
    infuse__sb_puts(sb, " (e.g. ");
    infuse__sb_puts(sb, example_of((infuse_dim_t)d));
    infuse__sb_puts(sb, ")");
  }
  if (first) {
    infuse__sb_puts(sb, "nothing (no dimension was asked for)");
  }
}

static int refuse(infuse_diag_t *diag, int status, const char *field,
                  const char *text, const char *why, uint32_t dims) {
  if (diag == NULL) {
    return status;
  }
  char quoted[INFUSE_DIAG_VALUE_MAX + 8];
  char accepted[INFUSE_DIAG_MESSAGE_MAX];
  infuse__sb_t sb;
  infuse__sb_init(&sb, accepted, sizeof accepted);
  infuse__sb_puts(&sb, "; accepted: ");
  put_accepted(&sb, dims);
  infuse__sb_finish(&sb);
  char value[INFUSE_DIAG_VALUE_MAX];
  infuse__copy_text(value, sizeof value, text);
  infuse__sb_init(&sb, quoted, sizeof quoted);
  infuse__sb_putc(&sb, '\'');
  infuse__sb_puts(&sb, value);
  infuse__sb_puts(&sb, "' ");
  infuse__sb_finish(&sb);
  return infuse__fail(diag, status, field, value, quoted, why, accepted);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Bytes allowed in a unit: ASCII letters, '/', and UTF-8 lead/continuation
 * bytes (for the micro sign and mu). */
static bool is_unit_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
         c >= 0x80u;
}

int infuse_quantity_parse(const char *text, uint32_t dims, const char *field,
                          infuse_quantity_t *out, infuse_diag_t *diag) {
  if (text == NULL || out == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, field, "",
                        "no text or no output to parse into", NULL, NULL);
  }
  const char *p = text;
  if (*p == '-') {
    return refuse(diag, INFUSE_E_NEGATIVE, field, text,
                  "is negative; a positive value is needed", dims);
  }
  if (*p == '+') {
    return refuse(diag, INFUSE_E_SYNTAX, field, text,
                  "has a sign; write the number alone", dims);
  }
  if (*p == '.') {
    return refuse(diag, INFUSE_E_SYNTAX, field, text,
                  "starts with a decimal point; write a leading zero (0.5, "
                  "not .5)",
                  dims);
  }
  if (!is_digit(*p)) {
    return refuse(diag, INFUSE_E_SYNTAX, field, text,
                  *p == '\0' ? "is empty; a number and a unit are needed"
                             : "is not a number followed by a unit",
                  dims);
  }

  uint64_t mantissa = 0;
  int digits = 0; /* significant digits so far */
  int scale = 0;
  while (is_digit(*p)) {
    if (mantissa != 0 || *p != '0') {
      digits++;
    }
    if (digits > INFUSE_PARSE_MAX_DIGITS) {
      return refuse(diag, INFUSE_E_RANGE, field, text,
                    "has more than 15 significant digits", dims);
    }
    mantissa = mantissa * 10u + (uint64_t)(*p - '0');
    p++;
  }
  if (*p == '.') {
    p++;
    if (!is_digit(*p)) {
      return refuse(diag, INFUSE_E_SYNTAX, field, text,
                    "has a decimal point with no digit after it (write 5 or "
                    "5.0, not 5.)",
                    dims);
    }
    while (is_digit(*p)) {
      if (mantissa != 0 || *p != '0') {
        digits++;
      }
      scale++;
      if (digits > INFUSE_PARSE_MAX_DIGITS || scale > INFUSE_PARSE_MAX_DIGITS) {
        return refuse(diag, INFUSE_E_RANGE, field, text,
                      "has more than 15 digits", dims);
      }
      mantissa = mantissa * 10u + (uint64_t)(*p - '0');
      p++;
    }
  }
  while (*p == ' ') {
    p++;
  }
  if (*p == '\0') {
    return refuse(diag, INFUSE_E_NO_UNIT, field, text,
                  "has no unit; every quantity needs one", dims);
  }
  const char *unit = p;
  while (*p != '\0' && is_unit_byte((unsigned char)*p)) {
    p++;
  }
  if (*p != '\0' || p == unit) {
    return refuse(diag, INFUSE_E_SYNTAX, field, text,
                  "is not a number followed by a unit (no signs, exponents, "
                  "hex, commas or text after the unit)",
                  dims);
  }
  size_t unit_len = (size_t)(p - unit);

  const unit_def_t *match = NULL;
  const unit_def_t *other = NULL;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strlen(units[i].symbol) != unit_len ||
        memcmp(units[i].symbol, unit, unit_len) != 0) {
      continue;
    }
    if ((dims & INFUSE_DIM_BIT(units[i].dim)) != 0) {
      match = &units[i];
      break;
    }
    if (other == NULL) {
      other = &units[i];
    }
  }
  if (match == NULL) {
    if (other != NULL) {
      char why[96];
      infuse__sb_t sb;
      infuse__sb_init(&sb, why, sizeof why);
      infuse__sb_puts(&sb, "is a ");
      infuse__sb_puts(&sb, infuse_dim_name(other->dim));
      infuse__sb_puts(&sb, ", not what this field takes");
      infuse__sb_finish(&sb);
      return refuse(diag, INFUSE_E_WRONG_DIMENSION, field, text, why, dims);
    }
    return refuse(diag, INFUSE_E_UNKNOWN_UNIT, field, text,
                  "has a unit this library does not know (units are "
                  "case-sensitive)",
                  dims);
  }
  if (mantissa == 0) {
    return refuse(diag, INFUSE_E_ZERO, field, text,
                  "is zero; a positive value is needed", dims);
  }

  /* Drop trailing zeros of the fraction: 5.000 is 5. */
  uint64_t m = mantissa;
  int s = scale;
  while (s > 0 && m % 10u == 0) {
    m /= 10u;
    s--;
  }
  uint64_t den = match->den;
  for (int i = 0; i < s; i++) {
    if (den > UINT64_MAX / 10u) {
      return refuse(diag, INFUSE_E_PRECISION, field, text,
                    "has more decimal places than can be converted", dims);
    }
    den *= 10u;
  }
  int64_t down = 0, value = 0;
  int rc = infuse__muldiv(m, match->num, den, INFUSE_ROUND_DOWN, &down);
  if (rc == INFUSE_OK) {
    rc = infuse__muldiv(m, match->num, den, INFUSE_ROUND_NEAREST, &value);
  }
  if (rc != INFUSE_OK) {
    return refuse(diag, INFUSE_E_RANGE, field, text,
                  "is too large for the library to count exactly", dims);
  }
  bool rounded = value != down;
  if (!rounded) {
    int64_t up = 0;
    if (infuse__muldiv(m, match->num, den, INFUSE_ROUND_UP, &up) != INFUSE_OK) {
      return refuse(diag, INFUSE_E_RANGE, field, text,
                    "is too large for the library to count exactly", dims);
    }
    rounded = up != down;
  }
  infuse_unit_t base = infuse_dim_unit(match->dim);
  if (rounded && !match->inexact) {
    char why[128];
    infuse__sb_t sb;
    infuse__sb_init(&sb, why, sizeof why);
    infuse__sb_puts(&sb, "is finer than the library counts (1 ");
    infuse__sb_puts(&sb, infuse_unit_symbol(base));
    infuse__sb_puts(&sb, "); give fewer decimal places");
    infuse__sb_finish(&sb);
    return refuse(diag, INFUSE_E_PRECISION, field, text, why, dims);
  }
  if (value == 0) {
    return refuse(diag, INFUSE_E_PRECISION, field, text,
                  "rounds to zero in the unit the library counts in", dims);
  }

  infuse_quantity_t q;
  memset(&q, 0, sizeof q);
  q.dim = match->dim;
  q.unit = base;
  q.value = value;
  q.rounded = rounded;
  q.source_mantissa = (int64_t)mantissa;
  q.source_scale = (int32_t)scale;
  infuse__copy_text(q.source_unit, sizeof q.source_unit, match->symbol);
  *out = q;
  return INFUSE_OK;
}
