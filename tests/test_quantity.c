/*
 * test_quantity.c - infuse_quantity_parse().
 *
 * Expected values are worked by hand from the header's unit table
 * (1 lb = 453.59237 g, 1 in = 25.4 mm, nearest with ties away from zero for
 * those two, every other unit exact), never copied from the library. The
 * arithmetic of each non-obvious row is in its comment.
 *
 * Every refusal is checked for: the exact status (where the header names
 * it), the output struct left byte-for-byte untouched, and the diagnostic
 * filled (status, field, message naming the field and the text), also with
 * a NULL field and with a NULL diag.
 *
 * A property test compares the parser with an independent exact integer
 * computation over many generated (mantissa, scale, unit) triples.
 */
#include <check.h>

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infuse.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define BIT(d) INFUSE_DIM_BIT(INFUSE_DIM_##d)
#define ALL_DIMS                                                              \
  (BIT(BODY_WEIGHT) | BIT(MASS) | BIT(VOLUME) | BIT(TIME) | BIT(DOSE_PER_KG) | \
   BIT(CONCENTRATION) | BIT(RATE) | BIT(LENGTH))
/* Every dimension except MASS, so that "g" is unambiguous (body weight). */
#define ALL_BUT_MASS (ALL_DIMS & ~BIT(MASS))

/* UTF-8 spellings of micro: U+00B5 MICRO SIGN and U+03BC GREEK SMALL MU. */
#define MICRO "\xc2\xb5"
#define GREEK_MU "\xce\xbc"

/* Byte patterns for "untouched" checks. */
#define OUT_FILL 0xA5
#define DIAG_FILL 0x3C

/* ===========================================================================
 * Helpers
 * ======================================================================== */

/* Whether the text is printable (no control bytes), so a message can be
 * expected to quote it verbatim. */
static bool printable(const char *s) {
  for (; *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

/* Whether a fixed-size char array holds a NUL. */
static bool has_nul(const char *s, size_t cap) {
  size_t i;
  for (i = 0; i < cap; i++) {
    if (s[i] == '\0') {
      return true;
    }
  }
  return false;
}

/*
 * Parse `text`, expecting a refusal. `strict`: the status must be exactly
 * `want`; otherwise any negative status. Checks, three times (with the field,
 * with a NULL field, with a NULL diag): the same status each time, *out
 * untouched, and the diag filled.
 */
static void expect_refusal(const char *text, uint32_t dims, const char *field,
                           int want, bool strict) {
  infuse_quantity_t out;
  infuse_quantity_t ref;
  infuse_diag_t diag;
  int rc;
  int rc_nullfield;
  int rc_nodiag;
  const char *shown = text != NULL ? text : "(NULL)";

  /* 1. With a field name and a diag. */
  memset(&out, OUT_FILL, sizeof out);
  memcpy(&ref, &out, sizeof ref);
  memset(&diag, DIAG_FILL, sizeof diag);
  rc = infuse_quantity_parse(text, dims, field, &out, &diag);
  if (strict) {
    ck_assert_msg(rc == want, "\"%s\" (dims 0x%x): status %d (%s), want %d (%s)",
                  shown, (unsigned)dims, rc, infuse_status_name(rc), want,
                  infuse_status_name(want));
  } else {
    ck_assert_msg(rc < 0, "\"%s\" (dims 0x%x): status %d (%s), want an error",
                  shown, (unsigned)dims, rc, infuse_status_name(rc));
  }
  ck_assert_msg(memcmp(&out, &ref, sizeof out) == 0,
                "\"%s\": output written on failure", shown);
  ck_assert_int_eq(diag.status, rc);
  ck_assert(has_nul(diag.field, sizeof diag.field));
  ck_assert(has_nul(diag.value, sizeof diag.value));
  ck_assert(has_nul(diag.message, sizeof diag.message));
  ck_assert_str_eq(diag.field, field);
  ck_assert_msg(strlen(diag.message) > 0, "\"%s\": empty message", shown);
  ck_assert_msg(strstr(diag.message, field) != NULL,
                "\"%s\": message \"%s\" does not name the field \"%s\"", shown,
                diag.message, field);
  if (text != NULL && printable(text)) {
    /* The message quotes the text; a text too long for diag.value may be
     * cut, so then only its beginning is required. */
    char head[33];
    if (strlen(text) < INFUSE_DIAG_VALUE_MAX) {
      ck_assert_msg(strstr(diag.message, text) != NULL,
                    "\"%s\": message \"%s\" does not quote the text", shown,
                    diag.message);
    } else {
      snprintf(head, sizeof head, "%.32s", text);
      ck_assert_msg(strstr(diag.message, head) != NULL,
                    "\"%s\": message \"%s\" does not quote the text's start",
                    shown, diag.message);
    }
  }
  if (text != NULL && printable(text) && text[0] != '\0') {
    /* diag.value is the offending value as text: part of the input. */
    ck_assert_msg(strstr(text, diag.value) != NULL,
                  "\"%s\": diag.value \"%s\" is not part of the text", shown,
                  diag.value);
  }

  /* 2. NULL field: diagnostics call it "value". */
  memset(&out, OUT_FILL, sizeof out);
  memset(&diag, DIAG_FILL, sizeof diag);
  rc_nullfield = infuse_quantity_parse(text, dims, NULL, &out, &diag);
  ck_assert_int_eq(rc_nullfield, rc);
  ck_assert_msg(memcmp(&out, &ref, sizeof out) == 0,
                "\"%s\": output written on failure (NULL field)", shown);
  ck_assert_int_eq(diag.status, rc);
  ck_assert(has_nul(diag.field, sizeof diag.field));
  ck_assert(has_nul(diag.message, sizeof diag.message));
  ck_assert_str_eq(diag.field, "value");
  ck_assert_uint_gt(strlen(diag.message), 0u);

  /* 3. NULL diag. */
  memset(&out, OUT_FILL, sizeof out);
  rc_nodiag = infuse_quantity_parse(text, dims, field, &out, NULL);
  ck_assert_int_eq(rc_nodiag, rc);
  ck_assert_msg(memcmp(&out, &ref, sizeof out) == 0,
                "\"%s\": output written on failure (NULL diag)", shown);
}

/* Rounded flag expectations for successes. */
enum rnd { R_NO = 0, R_YES = 1, R_ANY = 2 };

struct ok_case {
  const char *text;
  uint32_t dims;
  infuse_dim_t dim;
  infuse_unit_t unit;
  int64_t value;
  enum rnd rounded;
  int64_t mantissa;
  int32_t scale;
  const char *source_unit;
};

static void expect_ok(const struct ok_case *c) {
  infuse_quantity_t out;
  infuse_diag_t diag;
  infuse_diag_t diag_ref;
  int rc;
  memset(&out, OUT_FILL, sizeof out);
  memset(&diag, DIAG_FILL, sizeof diag);
  memcpy(&diag_ref, &diag, sizeof diag_ref);
  rc = infuse_quantity_parse(c->text, c->dims, "dose", &out, &diag);
  ck_assert_msg(rc == INFUSE_OK, "\"%s\": status %d (%s), message \"%.*s\"",
                c->text, rc, infuse_status_name(rc),
                (int)sizeof diag.message - 1, diag.message);
  /* Success leaves the diag untouched. */
  ck_assert_msg(memcmp(&diag, &diag_ref, sizeof diag) == 0,
                "\"%s\": diag written on success", c->text);
  ck_assert_msg(out.dim == c->dim, "\"%s\": dim %d, want %d", c->text,
                (int)out.dim, (int)c->dim);
  ck_assert_msg(out.unit == c->unit, "\"%s\": unit %d, want %d", c->text,
                (int)out.unit, (int)c->unit);
  ck_assert_int_eq((int)out.unit, (int)infuse_dim_unit(out.dim));
  ck_assert_msg(out.value == c->value,
                "\"%s\": value %" PRId64 ", want %" PRId64, c->text, out.value,
                c->value);
  if (c->rounded != R_ANY) {
    ck_assert_msg(out.rounded == (c->rounded == R_YES),
                  "\"%s\": rounded %d, want %d", c->text, (int)out.rounded,
                  (int)c->rounded);
  }
  ck_assert_msg(out.source_mantissa == c->mantissa,
                "\"%s\": source_mantissa %" PRId64 ", want %" PRId64, c->text,
                out.source_mantissa, c->mantissa);
  ck_assert_int_eq(out.source_scale, c->scale);
  ck_assert(has_nul(out.source_unit, sizeof out.source_unit));
  ck_assert_str_eq(out.source_unit, c->source_unit);
}

/* Shorthands for the tables. */
#define BW BIT(BODY_WEIGHT), INFUSE_DIM_BODY_WEIGHT, INFUSE_UNIT_G
#define MASS_ BIT(MASS), INFUSE_DIM_MASS, INFUSE_UNIT_UG
#define VOL BIT(VOLUME), INFUSE_DIM_VOLUME, INFUSE_UNIT_UL
#define TIME_ BIT(TIME), INFUSE_DIM_TIME, INFUSE_UNIT_S
#define DPK BIT(DOSE_PER_KG), INFUSE_DIM_DOSE_PER_KG, INFUSE_UNIT_UG_PER_KG
#define CONC                                                                  \
  BIT(CONCENTRATION), INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML
#define RATE_ BIT(RATE), INFUSE_DIM_RATE, INFUSE_UNIT_UL_PER_H
#define LEN BIT(LENGTH), INFUSE_DIM_LENGTH, INFUSE_UNIT_MM

/* ===========================================================================
 * Accepted forms
 * ======================================================================== */

static const struct ok_case OK_CASES[] = {
    /* Body weight: kg x 1000, g x 1. */
    {"72.5kg", BW, 72500, R_NO, 725, 1, "kg"},
    {"72.5 kg", BW, 72500, R_NO, 725, 1, "kg"},
    {"72.5   kg", BW, 72500, R_NO, 725, 1, "kg"},
    {"70kg", BW, 70000, R_NO, 70, 0, "kg"},
    {"72.50kg", BW, 72500, R_NO, 7250, 2, "kg"},
    {"72.575kg", BW, 72575, R_NO, 72575, 3, "kg"},
    {"0.001kg", BW, 1, R_NO, 1, 3, "kg"},
    {"72500g", BW, 72500, R_NO, 72500, 0, "g"},
    /* lb: 453.59237 g, nearest, ties away from zero. */
    /* 160 x 453.59237 = 72574.7792 -> 72575 */
    {"160lb", BW, 72575, R_YES, 160, 0, "lb"},
    {"160 lb", BW, 72575, R_YES, 160, 0, "lb"},
    /* 154 x 453.59237 = 69853.22498 -> 69853 */
    {"154lb", BW, 69853, R_YES, 154, 0, "lb"},
    {"154lbs", BW, 69853, R_YES, 154, 0, "lbs"},
    /* 0.5 x 453.59237 = 226.796185 -> 227 */
    {"0.5lb", BW, 227, R_YES, 5, 1, "lb"},
    /* 50000 x 453.59237 = 22679618.5, a tie -> 22679619 (away from 0) */
    {"50000lb", BW, 22679619, R_YES, 50000, 0, "lb"},
    /* 150000 x 453.59237 = 68038855.5, a tie -> 68038856 */
    {"150000lb", BW, 68038856, R_YES, 150000, 0, "lb"},
    /* 0.002 x 453.59237 = 0.90718474 -> 1 */
    {"0.002lb", BW, 1, R_YES, 2, 3, "lb"},
    /* 100000 lb = 45359237 g exactly: "rounded" not asserted */
    {"100000lb", BW, 45359237, R_ANY, 100000, 0, "lb"},

    /* Mass: g x 1e6, mg x 1000, mcg/ug/µg x 1. */
    {"35mg", MASS_, 35000, R_NO, 35, 0, "mg"},
    {"35 mg", MASS_, 35000, R_NO, 35, 0, "mg"},
    {"36.287mg", MASS_, 36287, R_NO, 36287, 3, "mg"},
    {"0.001mg", MASS_, 1, R_NO, 1, 3, "mg"},
    {"35000mcg", MASS_, 35000, R_NO, 35000, 0, "mcg"},
    {"35000ug", MASS_, 35000, R_NO, 35000, 0, "ug"},
    {"35000" MICRO "g", MASS_, 35000, R_NO, 35000, 0, MICRO "g"},
    {"0.035g", MASS_, 35000, R_NO, 35, 3, "g"},
    {"0.000001g", MASS_, 1, R_NO, 1, 6, "g"},

    /* Dose per kg: mg/kg x 1000, mcg/kg, ug/kg, µg/kg x 1. */
    {"0.5mg/kg", DPK, 500, R_NO, 5, 1, "mg/kg"},
    {"0.50mg/kg", DPK, 500, R_NO, 50, 2, "mg/kg"},
    {"0.5 mg/kg", DPK, 500, R_NO, 5, 1, "mg/kg"},
    {"0.75mg/kg", DPK, 750, R_NO, 75, 2, "mg/kg"},
    {"0.2mg/kg", DPK, 200, R_NO, 2, 1, "mg/kg"},
    {"500mcg/kg", DPK, 500, R_NO, 500, 0, "mcg/kg"},
    {"500ug/kg", DPK, 500, R_NO, 500, 0, "ug/kg"},
    {"500" MICRO "g/kg", DPK, 500, R_NO, 500, 0, MICRO "g/kg"},

    /* Time: h, hr x 3600, min x 60, s x 1. */
    {"40min", TIME_, 2400, R_NO, 40, 0, "min"},
    {"40 min", TIME_, 2400, R_NO, 40, 0, "min"},
    {"100min", TIME_, 6000, R_NO, 100, 0, "min"},
    {"1.5h", TIME_, 5400, R_NO, 15, 1, "h"},
    {"1.5hr", TIME_, 5400, R_NO, 15, 1, "hr"},
    {"90s", TIME_, 90, R_NO, 90, 0, "s"},
    {"0.05min", TIME_, 3, R_NO, 5, 2, "min"},   /* 0.05 x 60 = 3 exactly */
    {"0.0025h", TIME_, 9, R_NO, 25, 4, "h"},    /* 0.0025 x 3600 = 9 */
    {"0.5min", TIME_, 30, R_NO, 5, 1, "min"},

    /* Concentration: mg/mL, mg/ml, g/L x 1000; mcg/mL, ug/mL, µg/mL,
     * mg/L x 1. */
    {"10mg/mL", CONC, 10000, R_NO, 10, 0, "mg/mL"},
    {"10mg/ml", CONC, 10000, R_NO, 10, 0, "mg/ml"},
    {"1mg/mL", CONC, 1000, R_NO, 1, 0, "mg/mL"},
    {"0.001mg/mL", CONC, 1, R_NO, 1, 3, "mg/mL"},
    {"10000mcg/mL", CONC, 10000, R_NO, 10000, 0, "mcg/mL"},
    {"10000ug/mL", CONC, 10000, R_NO, 10000, 0, "ug/mL"},
    {"10000" MICRO "g/mL", CONC, 10000, R_NO, 10000, 0, MICRO "g/mL"},
    {"10g/L", CONC, 10000, R_NO, 10, 0, "g/L"},
    {"500mg/L", CONC, 500, R_NO, 500, 0, "mg/L"},

    /* Volume: L x 1e6, mL, ml x 1000, uL, µL x 1. */
    {"100mL", VOL, 100000, R_NO, 100, 0, "mL"},
    {"100ml", VOL, 100000, R_NO, 100, 0, "ml"},
    {"3.5mL", VOL, 3500, R_NO, 35, 1, "mL"},
    {"0.001mL", VOL, 1, R_NO, 1, 3, "mL"},
    {"0.1L", VOL, 100000, R_NO, 1, 1, "L"},
    {"1L", VOL, 1000000, R_NO, 1, 0, "L"},
    {"1uL", VOL, 1, R_NO, 1, 0, "uL"},
    {"250" MICRO "L", VOL, 250, R_NO, 250, 0, MICRO "L"},

    /* Rate: mL/h, mL/hr, ml/h x 1000; uL/h x 1. */
    {"0.1mL/h", RATE_, 100, R_NO, 1, 1, "mL/h"},
    {"155.25mL/h", RATE_, 155250, R_NO, 15525, 2, "mL/h"},
    {"155.3mL/hr", RATE_, 155300, R_NO, 1553, 1, "mL/hr"},
    {"52.5ml/h", RATE_, 52500, R_NO, 525, 1, "ml/h"},
    {"100uL/h", RATE_, 100, R_NO, 100, 0, "uL/h"},

    /* Length: m x 1000, cm x 10, mm x 1, in = 25.4 mm nearest. */
    {"175cm", LEN, 1750, R_NO, 175, 0, "cm"},
    {"175.3cm", LEN, 1753, R_NO, 1753, 1, "cm"},
    {"1.75m", LEN, 1750, R_NO, 175, 2, "m"},
    {"1750mm", LEN, 1750, R_NO, 1750, 0, "mm"},
    /* 69 x 25.4 = 1752.6 -> 1753 */
    {"69in", LEN, 1753, R_YES, 69, 0, "in"},
    /* 2.5 x 25.4 = 63.5, a tie -> 64 */
    {"2.5in", LEN, 64, R_YES, 25, 1, "in"},
    /* 7.5 x 25.4 = 190.5, a tie -> 191 */
    {"7.5in", LEN, 191, R_YES, 75, 1, "in"},
    /* 0.02 x 25.4 = 0.508 -> 1 */
    {"0.02in", LEN, 1, R_YES, 2, 2, "in"},
    /* 60 x 25.4 = 1524 exactly */
    {"60in", LEN, 1524, R_ANY, 60, 0, "in"},
};

/* Several dimensions allowed: the unit decides which one the text is. */
static const struct ok_case MASK_CASES[] = {
    {"35mg", BIT(DOSE_PER_KG) | BIT(MASS), INFUSE_DIM_MASS, INFUSE_UNIT_UG,
     35000, R_NO, 35, 0, "mg"},
    {"0.5mg/kg", BIT(DOSE_PER_KG) | BIT(MASS), INFUSE_DIM_DOSE_PER_KG,
     INFUSE_UNIT_UG_PER_KG, 500, R_NO, 5, 1, "mg/kg"},
    {"70kg", BIT(BODY_WEIGHT) | BIT(MASS), INFUSE_DIM_BODY_WEIGHT,
     INFUSE_UNIT_G, 70000, R_NO, 70, 0, "kg"},
    {"40min", BIT(TIME) | BIT(RATE), INFUSE_DIM_TIME, INFUSE_UNIT_S, 2400,
     R_NO, 40, 0, "min"},
    {"100mL/h", BIT(TIME) | BIT(RATE) | BIT(VOLUME), INFUSE_DIM_RATE,
     INFUSE_UNIT_UL_PER_H, 100000, R_NO, 100, 0, "mL/h"},
    {"10mg/mL", BIT(CONCENTRATION) | BIT(MASS) | BIT(VOLUME),
     INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 10000, R_NO, 10, 0,
     "mg/mL"},
    /* "m" is metres, not minutes. */
    {"1m", BIT(TIME) | BIT(LENGTH), INFUSE_DIM_LENGTH, INFUSE_UNIT_MM, 1000,
     R_NO, 1, 0, "m"},
    {"100mL", ALL_DIMS, INFUSE_DIM_VOLUME, INFUSE_UNIT_UL, 100000, R_NO, 100,
     0, "mL"},
    {"175cm", ALL_DIMS, INFUSE_DIM_LENGTH, INFUSE_UNIT_MM, 1750, R_NO, 175, 0,
     "cm"},
    {"160lb", ALL_DIMS, INFUSE_DIM_BODY_WEIGHT, INFUSE_UNIT_G, 72575, R_YES,
     160, 0, "lb"},
    {"1.5h", ALL_DIMS, INFUSE_DIM_TIME, INFUSE_UNIT_S, 5400, R_NO, 15, 1,
     "h"},
};

/* Near the ends of what is accepted: 15 digits, values close to INT64. */
static const struct ok_case LIMIT_OK_CASES[] = {
    /* 15 digits, x 1 */
    {"123456789012345ug", MASS_, INT64_C(123456789012345), R_NO,
     INT64_C(123456789012345), 0, "ug"},
    /* 15 digits x 1000 = 999999999999999000 < 2^63 */
    {"999999999999999kg", BW, INT64_C(999999999999999000), R_NO,
     INT64_C(999999999999999), 0, "kg"},
    /* 15 digits x 3600 = 3599999999999996400 < 2^63 */
    {"999999999999999h", TIME_, INT64_C(3599999999999996400), R_NO,
     INT64_C(999999999999999), 0, "h"},
    /* 9223372036854 g x 1e6 = 9223372036854000000 <= 9223372036854775807 */
    {"9223372036854g", MASS_, INT64_C(9223372036854000000), R_NO,
     INT64_C(9223372036854), 0, "g"},
    /* 15 digits: 9223372036854.77 g = 9223372036854770000 ug */
    {"9223372036854.77g", MASS_, INT64_C(9223372036854770000), R_NO,
     INT64_C(922337203685477), 2, "g"},
    /* 15 digits with a point: 12345678901234.5 mL = 12345678901234500 uL */
    {"12345678901234.5mL", VOL, INT64_C(12345678901234500), R_NO,
     INT64_C(123456789012345), 1, "mL"},
    /* The largest 15-digit pound count cannot overflow:
     * 999999999999999 x 453.59237 = 45359237 x 10^15 / 10^5 - 453.59237
     * = 453592370000000000 - 453.59237 = 453592369999999546.40763
     * -> 453592369999999546 */
    {"999999999999999lb", BW, INT64_C(453592369999999546), R_YES,
     INT64_C(999999999999999), 0, "lb"},
    /* 1 in the last place: 0.000001 g = 1 ug */
    {"0.000001g", MASS_, 1, R_NO, 1, 6, "g"},
};

/* The Greek small letter mu (U+03BC) for micro, as the brief asks. The
 * header's table spells micro with U+00B5 MICRO SIGN. */
static const struct ok_case GREEK_MU_CASES[] = {
    {"500" GREEK_MU "g/kg", DPK, 500, R_NO, 500, 0, GREEK_MU "g/kg"},
    {"35000" GREEK_MU "g", MASS_, 35000, R_NO, 35000, 0, GREEK_MU "g"},
    {"250" GREEK_MU "L", VOL, 250, R_NO, 250, 0, GREEK_MU "L"},
    {"10000" GREEK_MU "g/mL", CONC, 10000, R_NO, 10000, 0,
     GREEK_MU "g/mL"},
};

START_TEST(test_parse_ok) { expect_ok(&OK_CASES[_i]); }
END_TEST

START_TEST(test_parse_mask) { expect_ok(&MASK_CASES[_i]); }
END_TEST

START_TEST(test_parse_limits_ok) { expect_ok(&LIMIT_OK_CASES[_i]); }
END_TEST

START_TEST(test_parse_greek_mu) { expect_ok(&GREEK_MU_CASES[_i]); }
END_TEST

/* ===========================================================================
 * Refusals
 * ======================================================================== */

struct err_case {
  const char *text;
  uint32_t dims;
  int status;
  bool strict; /* false: the header does not pin the status; any error */
};

static const struct err_case ERR_CASES[] = {
    /* No unit. */
    {"70", BIT(BODY_WEIGHT), INFUSE_E_NO_UNIT, true},
    {"72.5", BIT(BODY_WEIGHT), INFUSE_E_NO_UNIT, true},
    {"0.5", BIT(DOSE_PER_KG), INFUSE_E_NO_UNIT, true},
    {"40", ALL_DIMS, INFUSE_E_NO_UNIT, true},

    /* Unknown units; units are case-sensitive. */
    {"70 stone", BIT(BODY_WEIGHT), INFUSE_E_UNKNOWN_UNIT, true},
    {"70KG", BIT(BODY_WEIGHT), INFUSE_E_UNKNOWN_UNIT, true},
    {"70Kg", BIT(BODY_WEIGHT), INFUSE_E_UNKNOWN_UNIT, true},
    {"70 MG", BIT(MASS), INFUSE_E_UNKNOWN_UNIT, true},
    {"70oz", BIT(BODY_WEIGHT), INFUSE_E_UNKNOWN_UNIT, true},
    {"100cc", BIT(VOLUME), INFUSE_E_UNKNOWN_UNIT, true},
    {"100l", BIT(VOLUME), INFUSE_E_UNKNOWN_UNIT, true},
    {"100ML", BIT(VOLUME), INFUSE_E_UNKNOWN_UNIT, true},
    {"0.5mg/KG", BIT(DOSE_PER_KG), INFUSE_E_UNKNOWN_UNIT, true},
    {"500MCG/kg", BIT(DOSE_PER_KG), INFUSE_E_UNKNOWN_UNIT, true},
    {"1mL/min", BIT(RATE), INFUSE_E_UNKNOWN_UNIT, true},
    {"0.5mg/kg/h", BIT(DOSE_PER_KG), INFUSE_E_UNKNOWN_UNIT, true},
    {"40MIN", BIT(TIME), INFUSE_E_UNKNOWN_UNIT, true},
    {"40 minutes", BIT(TIME), INFUSE_E_UNKNOWN_UNIT, true},
    {"175CM", BIT(LENGTH), INFUSE_E_UNKNOWN_UNIT, true},
    {"70 kilograms", ALL_DIMS, INFUSE_E_UNKNOWN_UNIT, true},

    /* A unit of another dimension. */
    {"70mL", BIT(BODY_WEIGHT), INFUSE_E_WRONG_DIMENSION, true},
    {"175cm", BIT(BODY_WEIGHT), INFUSE_E_WRONG_DIMENSION, true},
    {"35mg", BIT(DOSE_PER_KG), INFUSE_E_WRONG_DIMENSION, true},
    {"0.5mg/kg", BIT(MASS), INFUSE_E_WRONG_DIMENSION, true},
    {"70kg", BIT(MASS), INFUSE_E_WRONG_DIMENSION, true}, /* kg: body only */
    {"160lb", BIT(MASS), INFUSE_E_WRONG_DIMENSION, true},
    {"40min", BIT(RATE), INFUSE_E_WRONG_DIMENSION, true},
    {"10mg/mL", BIT(MASS), INFUSE_E_WRONG_DIMENSION, true},
    {"100mL/h", BIT(VOLUME), INFUSE_E_WRONG_DIMENSION, true},
    {"100mL", BIT(RATE), INFUSE_E_WRONG_DIMENSION, true},
    {"1m", BIT(TIME), INFUSE_E_WRONG_DIMENSION, true}, /* metres */
    {"69in", BIT(TIME), INFUSE_E_WRONG_DIMENSION, true},
    {"10g/L", BIT(MASS) | BIT(VOLUME), INFUSE_E_WRONG_DIMENSION, true},

    /* Signs. */
    {"-70kg", BIT(BODY_WEIGHT), INFUSE_E_NEGATIVE, true},
    {"-0.5mg/kg", BIT(DOSE_PER_KG), INFUSE_E_NEGATIVE, true},
    {"-40min", BIT(TIME), INFUSE_E_NEGATIVE, true},
    {"-1mL", BIT(VOLUME), INFUSE_E_NEGATIVE, true},
    {"+70kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"+0.5mg/kg", BIT(DOSE_PER_KG), INFUSE_E_SYNTAX, true},

    /* Zero. */
    {"0kg", BIT(BODY_WEIGHT), INFUSE_E_ZERO, true},
    {"0.0kg", BIT(BODY_WEIGHT), INFUSE_E_ZERO, true},
    {"0 kg", BIT(BODY_WEIGHT), INFUSE_E_ZERO, true},
    {"0mg/kg", BIT(DOSE_PER_KG), INFUSE_E_ZERO, true},
    {"0.000mL", BIT(VOLUME), INFUSE_E_ZERO, true},
    {"0min", BIT(TIME), INFUSE_E_ZERO, true},
    {"0lb", BIT(BODY_WEIGHT), INFUSE_E_ZERO, true},
    {"0in", BIT(LENGTH), INFUSE_E_ZERO, true},

    /* NaN, inf, hex, exponents, comma decimals, junk, grammar. */
    {"nan kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"inf kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"NaN", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"Infinity", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"0x10kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"1e3kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"1E3kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"7e1 kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"0,5mg/kg", BIT(DOSE_PER_KG), INFUSE_E_SYNTAX, true},
    {"70kg extra", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {" 70kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"70kg ", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {".5mg/kg", BIT(DOSE_PER_KG), INFUSE_E_SYNTAX, true},
    {"5.mg/kg", BIT(DOSE_PER_KG), INFUSE_E_SYNTAX, true},
    {"5. mg/kg", BIT(DOSE_PER_KG), INFUSE_E_SYNTAX, true},
    {"1.2.3kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"kg", BIT(BODY_WEIGHT), INFUSE_E_SYNTAX, true},
    {"mg/kg", BIT(DOSE_PER_KG), INFUSE_E_SYNTAX, true},

    /* Too many digits (> 15), or beyond int64 after conversion. */
    {"1234567890123456ug", BIT(MASS), INFUSE_E_RANGE, true},
    {"1000000000000000ug", BIT(MASS), INFUSE_E_RANGE, true}, /* 16 digits */
    {"1234567890123.456kg", BIT(BODY_WEIGHT), INFUSE_E_RANGE, true},
    /* a lone UTF-8 continuation byte is read as (an unknown) unit */
    {"5\x80", BIT(MASS), INFUSE_E_UNKNOWN_UNIT, true},
    /* 16 significant digits, 15 of them zeros after the point */
    {"1.000000000000000ug", BIT(MASS), INFUSE_E_RANGE, true},
    {"12345678901234567890kg", BIT(BODY_WEIGHT), INFUSE_E_RANGE, true},
    {"99999999999999999999999999999999kg", BIT(BODY_WEIGHT), INFUSE_E_RANGE,
     true},
    /* 9223372036855 g x 1e6 = 9223372036855000000 > 9223372036854775807 */
    {"9223372036855g", BIT(MASS), INFUSE_E_RANGE, true},
    /* 999999999999999 L x 1e6 ~ 1e21 */
    {"999999999999999L", BIT(VOLUME), INFUSE_E_RANGE, true},
    /* 16 digits whose value would fit: the digit count alone refuses. */
    {"1000000000000000uL/h", BIT(RATE), INFUSE_E_RANGE, true},

    /* Finer than the base unit. */
    {"0.0001kg", BIT(BODY_WEIGHT), INFUSE_E_PRECISION, true}, /* 0.1 g */
    {"72.5005kg", BIT(BODY_WEIGHT), INFUSE_E_PRECISION, true},
    {"0.5g", BIT(BODY_WEIGHT), INFUSE_E_PRECISION, true},
    {"0.5s", BIT(TIME), INFUSE_E_PRECISION, true},
    {"0.01min", BIT(TIME), INFUSE_E_PRECISION, true},   /* 0.6 s */
    {"0.001h", BIT(TIME), INFUSE_E_PRECISION, true},    /* 3.6 s */
    {"0.0001h", BIT(TIME), INFUSE_E_PRECISION, true},   /* 0.36 s */
    {"1.0005mL", BIT(VOLUME), INFUSE_E_PRECISION, true}, /* 1000.5 uL */
    {"0.0000001L", BIT(VOLUME), INFUSE_E_PRECISION, true},
    {"0.0005mg", BIT(MASS), INFUSE_E_PRECISION, true},
    {"0.0000005g", BIT(MASS), INFUSE_E_PRECISION, true},
    {"0.5ug/kg", BIT(DOSE_PER_KG), INFUSE_E_PRECISION, true},
    {"0.0005mg/kg", BIT(DOSE_PER_KG), INFUSE_E_PRECISION, true},
    {"0.5uL/h", BIT(RATE), INFUSE_E_PRECISION, true},
    {"0.0001mL/h", BIT(RATE), INFUSE_E_PRECISION, true},
    {"0.5mcg/mL", BIT(CONCENTRATION), INFUSE_E_PRECISION, true},
    {"0.5mg/L", BIT(CONCENTRATION), INFUSE_E_PRECISION, true},
    {"0.0001g/L", BIT(CONCENTRATION), INFUSE_E_PRECISION, true},
    {"175.55cm", BIT(LENGTH), INFUSE_E_PRECISION, true},
    {"1.5mm", BIT(LENGTH), INFUSE_E_PRECISION, true},
    {"1.0001m", BIT(LENGTH), INFUSE_E_PRECISION, true},
};

/* Refused, but the header does not say with which status. */
static const struct err_case ODD_CASES[] = {
    /* lb and in that round to 0 g / 0 mm: 0.001 x 453.59237 = 0.45 g,
     * 0.01 x 25.4 = 0.254 mm; the value must be > 0. */
    {"0.001lb", BIT(BODY_WEIGHT), 0, false},
    {"0.01in", BIT(LENGTH), 0, false},
    {"-0kg", BIT(BODY_WEIGHT), 0, false},
    {"--70kg", BIT(BODY_WEIGHT), 0, false},
    {"70\tkg", BIT(BODY_WEIGHT), 0, false},
    {"70kg\n", BIT(BODY_WEIGHT), 0, false},
    {"7 0kg", BIT(BODY_WEIGHT), 0, false},
    {"70k g", BIT(BODY_WEIGHT), 0, false},
    {"70 ", BIT(BODY_WEIGHT), 0, false},
    {"70" "\xc2\xa0" "kg", BIT(BODY_WEIGHT), 0, false}, /* no-break space */
    {"\xe2\x88\x92" "70kg", BIT(BODY_WEIGHT), 0, false}, /* U+2212 minus */
    {"\xff\xfe", BIT(BODY_WEIGHT), 0, false},
    {"70\xc2", BIT(BODY_WEIGHT), 0, false}, /* truncated UTF-8 */
    {"70" MICRO, BIT(MASS), 0, false},
    {"70kgkg", BIT(BODY_WEIGHT), 0, false},
    {"70 kg kg", BIT(BODY_WEIGHT), 0, false},
    /* No dimension allowed, or only bits that name no dimension. */
    {"70kg", 0u, 0, false},
    {"70kg", 1u, 0, false}, /* bit 0 is DIM_NONE */
    {"70kg", 1u << 9, 0, false},
    {"70kg", 1u << 31, 0, false},
    /* Long input: more than 15 digits and longer than diag.value. */
    {"1234567890123456789012345678901234567890123456789012345678901234567890"
     "1234567890kg",
     BIT(BODY_WEIGHT), 0, false},
};

START_TEST(test_parse_errors) {
  const struct err_case *c = &ERR_CASES[_i];
  expect_refusal(c->text, c->dims, "weight", c->status, c->strict);
}
END_TEST

START_TEST(test_parse_errors_other_field) {
  /* The field name is echoed whatever it is. */
  const struct err_case *c = &ERR_CASES[_i];
  expect_refusal(c->text, c->dims, "bag", c->status, c->strict);
}
END_TEST

START_TEST(test_parse_odd) {
  const struct err_case *c = &ODD_CASES[_i];
  expect_refusal(c->text, c->dims, "height", c->status, c->strict);
}
END_TEST

/* The refusal names what each allowed dimension accepts, the last one
 * (length) included. */
START_TEST(test_parse_error_names_every_dimension) {
  infuse_quantity_t q;
  infuse_diag_t d;
  ck_assert_int_eq(infuse_quantity_parse("180", BIT(LENGTH), "height", &q, &d),
                   INFUSE_E_NO_UNIT);
  ck_assert_msg(strstr(d.message, "a length") != NULL, "%s", d.message);
  ck_assert_int_eq(infuse_quantity_parse("180", BIT(BODY_WEIGHT) | BIT(LENGTH),
                                         "size", &q, &d),
                   INFUSE_E_NO_UNIT);
  ck_assert_msg(strstr(d.message, "a body weight") != NULL &&
                    strstr(d.message, "; or a length") != NULL,
                "%s", d.message);
}
END_TEST

START_TEST(test_parse_null_text) {
  expect_refusal(NULL, BIT(BODY_WEIGHT), "weight", INFUSE_E_NULL, true);
}
END_TEST

START_TEST(test_parse_null_out) {
  infuse_diag_t diag;
  int rc;
  memset(&diag, DIAG_FILL, sizeof diag);
  rc = infuse_quantity_parse("70kg", BIT(BODY_WEIGHT), "weight", NULL, &diag);
  ck_assert_int_eq(rc, INFUSE_E_NULL);
  ck_assert_int_eq(diag.status, INFUSE_E_NULL);
  ck_assert(has_nul(diag.field, sizeof diag.field));
  ck_assert(has_nul(diag.message, sizeof diag.message));
  ck_assert_str_eq(diag.field, "weight");
  ck_assert_uint_gt(strlen(diag.message), 0u);
  /* NULL out and NULL diag. */
  rc = infuse_quantity_parse("70kg", BIT(BODY_WEIGHT), "weight", NULL, NULL);
  ck_assert_int_eq(rc, INFUSE_E_NULL);
  /* Everything NULL. */
  rc = infuse_quantity_parse(NULL, BIT(BODY_WEIGHT), NULL, NULL, NULL);
  ck_assert_int_eq(rc, INFUSE_E_NULL);
  /* NULL text and NULL out, with a diag and no field name. */
  memset(&diag, DIAG_FILL, sizeof diag);
  rc = infuse_quantity_parse(NULL, BIT(BODY_WEIGHT), NULL, NULL, &diag);
  ck_assert_int_eq(rc, INFUSE_E_NULL);
  ck_assert_int_eq(diag.status, INFUSE_E_NULL);
  ck_assert_str_eq(diag.field, "value");
}
END_TEST

START_TEST(test_parse_success_leaves_diag) {
  /* expect_ok checks this for every row; here also with a NULL field and a
   * NULL diag, and that the field name does not matter on success. */
  infuse_quantity_t a;
  infuse_quantity_t b;
  infuse_diag_t diag;
  infuse_diag_t ref;
  memset(&diag, DIAG_FILL, sizeof diag);
  memcpy(&ref, &diag, sizeof ref);
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  ck_assert_int_eq(
      infuse_quantity_parse("0.5mg/kg", BIT(DOSE_PER_KG), NULL, &a, &diag),
      INFUSE_OK);
  ck_assert_mem_eq(&diag, &ref, sizeof diag);
  ck_assert_int_eq(
      infuse_quantity_parse("0.5mg/kg", BIT(DOSE_PER_KG), "dose", &b, NULL),
      INFUSE_OK);
  ck_assert_int_eq(a.value, 500);
  ck_assert_int_eq(b.value, 500);
  ck_assert_int_eq(a.dim, b.dim);
  ck_assert_int_eq(a.source_mantissa, b.source_mantissa);
  ck_assert_int_eq(a.source_scale, b.source_scale);
  ck_assert_str_eq(a.source_unit, b.source_unit);
}
END_TEST

START_TEST(test_parse_no_state) {
  /* A failure in between does not change the next result: no hidden
   * state. */
  infuse_quantity_t a;
  infuse_quantity_t b;
  infuse_quantity_t junk;
  int rc;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  ck_assert_int_eq(
      infuse_quantity_parse("160lb", BIT(BODY_WEIGHT), "weight", &a, NULL),
      INFUSE_OK);
  rc = infuse_quantity_parse("70 stone", BIT(BODY_WEIGHT), "weight", &junk,
                             NULL);
  ck_assert_int_eq(rc, INFUSE_E_UNKNOWN_UNIT);
  ck_assert_int_eq(
      infuse_quantity_parse("160lb", BIT(BODY_WEIGHT), "weight", &b, NULL),
      INFUSE_OK);
  ck_assert_int_eq(a.value, 72575);
  ck_assert_int_eq(b.value, 72575);
  ck_assert(a.rounded && b.rounded);
}
END_TEST

START_TEST(test_parse_long_field_name) {
  /* A field name longer than diag.field is cut, still NUL-terminated. */
  static const char longname[] =
      "a_very_long_field_name_that_does_not_fit_in_forty_eight_bytes_at_all";
  infuse_quantity_t out;
  infuse_quantity_t ref;
  infuse_diag_t diag;
  int rc;
  memset(&out, OUT_FILL, sizeof out);
  memcpy(&ref, &out, sizeof ref);
  memset(&diag, DIAG_FILL, sizeof diag);
  rc = infuse_quantity_parse("70", BIT(BODY_WEIGHT), longname, &out, &diag);
  ck_assert_int_eq(rc, INFUSE_E_NO_UNIT);
  ck_assert_mem_eq(&out, &ref, sizeof out);
  ck_assert_int_eq(diag.status, INFUSE_E_NO_UNIT);
  ck_assert(has_nul(diag.field, sizeof diag.field));
  ck_assert(has_nul(diag.message, sizeof diag.message));
  ck_assert_uint_gt(strlen(diag.field), 0u);
  ck_assert_int_eq(strncmp(diag.field, longname, strlen(diag.field)), 0);
}
END_TEST

/* ===========================================================================
 * Property test: the parser against an independent exact computation.
 * ======================================================================== */

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 wide_t;
#define WIDE_OK 1
#else
typedef uint64_t wide_t;
#define WIDE_OK 0
#endif

struct unit_def {
  const char *sym;
  infuse_dim_t dim;
  infuse_unit_t base;
  uint64_t num; /* 1 unit = num / den base units */
  uint64_t den;
  bool inexact; /* lb, in: rounded to the nearest base unit */
};

/* The header's unit table, worked into ratios by hand. */
static const struct unit_def UNITS[] = {
    {"kg", INFUSE_DIM_BODY_WEIGHT, INFUSE_UNIT_G, 1000, 1, false},
    {"g", INFUSE_DIM_BODY_WEIGHT, INFUSE_UNIT_G, 1, 1, false},
    {"lb", INFUSE_DIM_BODY_WEIGHT, INFUSE_UNIT_G, 45359237, 100000, true},
    {"lbs", INFUSE_DIM_BODY_WEIGHT, INFUSE_UNIT_G, 45359237, 100000, true},
    {"g", INFUSE_DIM_MASS, INFUSE_UNIT_UG, 1000000, 1, false},
    {"mg", INFUSE_DIM_MASS, INFUSE_UNIT_UG, 1000, 1, false},
    {"mcg", INFUSE_DIM_MASS, INFUSE_UNIT_UG, 1, 1, false},
    {"ug", INFUSE_DIM_MASS, INFUSE_UNIT_UG, 1, 1, false},
    {MICRO "g", INFUSE_DIM_MASS, INFUSE_UNIT_UG, 1, 1, false},
    {"L", INFUSE_DIM_VOLUME, INFUSE_UNIT_UL, 1000000, 1, false},
    {"mL", INFUSE_DIM_VOLUME, INFUSE_UNIT_UL, 1000, 1, false},
    {"ml", INFUSE_DIM_VOLUME, INFUSE_UNIT_UL, 1000, 1, false},
    {"uL", INFUSE_DIM_VOLUME, INFUSE_UNIT_UL, 1, 1, false},
    {MICRO "L", INFUSE_DIM_VOLUME, INFUSE_UNIT_UL, 1, 1, false},
    {"h", INFUSE_DIM_TIME, INFUSE_UNIT_S, 3600, 1, false},
    {"hr", INFUSE_DIM_TIME, INFUSE_UNIT_S, 3600, 1, false},
    {"min", INFUSE_DIM_TIME, INFUSE_UNIT_S, 60, 1, false},
    {"s", INFUSE_DIM_TIME, INFUSE_UNIT_S, 1, 1, false},
    {"mg/kg", INFUSE_DIM_DOSE_PER_KG, INFUSE_UNIT_UG_PER_KG, 1000, 1, false},
    {"mcg/kg", INFUSE_DIM_DOSE_PER_KG, INFUSE_UNIT_UG_PER_KG, 1, 1, false},
    {"ug/kg", INFUSE_DIM_DOSE_PER_KG, INFUSE_UNIT_UG_PER_KG, 1, 1, false},
    {MICRO "g/kg", INFUSE_DIM_DOSE_PER_KG, INFUSE_UNIT_UG_PER_KG, 1, 1,
     false},
    {"mg/mL", INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 1000, 1, false},
    {"mg/ml", INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 1000, 1, false},
    {"mcg/mL", INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 1, 1, false},
    {"ug/mL", INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 1, 1, false},
    {MICRO "g/mL", INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 1, 1,
     false},
    {"g/L", INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 1000, 1, false},
    {"mg/L", INFUSE_DIM_CONCENTRATION, INFUSE_UNIT_UG_PER_ML, 1, 1, false},
    {"mL/h", INFUSE_DIM_RATE, INFUSE_UNIT_UL_PER_H, 1000, 1, false},
    {"mL/hr", INFUSE_DIM_RATE, INFUSE_UNIT_UL_PER_H, 1000, 1, false},
    {"ml/h", INFUSE_DIM_RATE, INFUSE_UNIT_UL_PER_H, 1000, 1, false},
    {"uL/h", INFUSE_DIM_RATE, INFUSE_UNIT_UL_PER_H, 1, 1, false},
    {"m", INFUSE_DIM_LENGTH, INFUSE_UNIT_MM, 1000, 1, false},
    {"cm", INFUSE_DIM_LENGTH, INFUSE_UNIT_MM, 10, 1, false},
    {"mm", INFUSE_DIM_LENGTH, INFUSE_UNIT_MM, 1, 1, false},
    {"in", INFUSE_DIM_LENGTH, INFUSE_UNIT_MM, 254, 10, true},
};

/* splitmix64: a small reproducible generator, state passed explicitly. */
static uint64_t next_rand(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static uint64_t rand_below(uint64_t *state, uint64_t n) {
  return next_rand(state) % n;
}

static uint64_t pow10u(unsigned n) {
  uint64_t p = 1;
  while (n-- > 0) {
    p *= 10;
  }
  return p;
}

/* Number of decimal digits of m (m > 0). */
static unsigned digits_of(uint64_t m) {
  unsigned n = 0;
  do {
    n++;
    m /= 10;
  } while (m != 0);
  return n;
}

/* The decimal text of m / 10^scale, with the leading "0." when needed. */
static void write_number(char *buf, size_t cap, uint64_t m, unsigned scale) {
  char digits[40];
  size_t nd;
  size_t intlen;
  snprintf(digits, sizeof digits, "%0*" PRIu64, (int)scale + 1, m);
  nd = strlen(digits);
  if (scale == 0) {
    snprintf(buf, cap, "%s", digits);
    return;
  }
  intlen = nd - scale;
  snprintf(buf, cap, "%.*s.%s", (int)intlen, digits, digits + intlen);
}

/* What the parser must do, computed independently. */
struct expectation {
  int status;    /* INFUSE_OK, a strict error, or 1 for "any error" */
  int64_t value; /* when OK */
  enum rnd rounded;
};

#define ANY_ERROR 1

static struct expectation expected_for(uint64_t m, unsigned scale,
                                       const struct unit_def *u,
                                       unsigned ndigits_written) {
  struct expectation e = {ANY_ERROR, 0, R_ANY};
  wide_t num;
  wide_t den;
  wide_t q;
  wide_t r;
  if (ndigits_written > INFUSE_PARSE_MAX_DIGITS) {
    e.status = INFUSE_E_RANGE;
    return e;
  }
  num = (wide_t)m * u->num;
  den = (wide_t)u->den * pow10u(scale);
  q = num / den;
  r = num % den;
  if (u->inexact) {
    /* nearest, ties away from zero (values are positive: ties up) */
    if (2 * r >= den) {
      q += 1;
    }
    if (q == 0) {
      return e; /* rounds to 0: refused, status not pinned */
    }
    if (q > (wide_t)INT64_MAX) {
      e.status = INFUSE_E_RANGE;
      return e;
    }
    e.status = INFUSE_OK;
    e.value = (int64_t)q;
    e.rounded = r != 0 ? R_YES : R_ANY;
    return e;
  }
  if (r != 0) {
    e.status = q > (wide_t)INT64_MAX ? ANY_ERROR : INFUSE_E_PRECISION;
    return e;
  }
  if (q > (wide_t)INT64_MAX) {
    e.status = INFUSE_E_RANGE;
    return e;
  }
  e.status = INFUSE_OK;
  e.value = (int64_t)q;
  e.rounded = R_NO;
  return e;
}

#define PROPERTY_CASES 40000

START_TEST(test_parse_property) {
  uint64_t state = UINT64_C(0x1F2E3D4C5B6A7988) + (uint64_t)_i;
  int n;
  int n_ok = 0;
  int n_precision = 0;
  int n_range = 0;
  int n_rounded = 0;
  for (n = 0; n < PROPERTY_CASES; n++) {
    const struct unit_def *u = &UNITS[rand_below(&state, N_ELEMS(UNITS))];
    unsigned nd;
    unsigned scale;
    unsigned written;
    uint64_t m;
    char number[48];
    char text[80];
    const char *spaces;
    uint32_t dims;
    struct expectation e;
    infuse_quantity_t out;
    infuse_quantity_t ref;
    infuse_diag_t diag;
    int rc;
    uint64_t pick = rand_below(&state, 100);

    if (pick < 4) {
      /* Too many digits: 16 to 19, no point. */
      nd = 16 + (unsigned)rand_below(&state, 4);
      scale = 0;
    } else {
      nd = 1 + (unsigned)rand_below(&state, WIDE_OK ? 15 : 9);
      /* Mostly scales the unit can absorb, some finer than that. */
      scale = (unsigned)rand_below(&state, pick < 60 ? 4 : 8);
      if (!WIDE_OK && scale > 4) {
        scale = 4;
      }
    }
    /* First digit non-zero, the others random; sometimes trailing zeros. */
    m = 1 + rand_below(&state, 9);
    {
      unsigned k;
      bool zeros = rand_below(&state, 4) == 0;
      for (k = 1; k < nd; k++) {
        m = m * 10 + (zeros && k + 3 >= nd ? 0 : rand_below(&state, 10));
      }
    }
    /* Keep the written digits (with any leading "0.") within 15 so the
     * digit count is unambiguous, except in the "too many digits" cases. */
    written = digits_of(m) > scale ? digits_of(m) : scale + 1;
    if (nd <= 15 && written > 15) {
      scale = 0;
      written = digits_of(m);
    }
    write_number(number, sizeof number, m, scale);
    spaces = (pick % 3 == 0) ? "" : (pick % 3 == 1) ? " " : "  ";
    snprintf(text, sizeof text, "%s%s%s", number, spaces, u->sym);
    /* The unit's own dimension, or every dimension where the unit is
     * unambiguous ("g" is both body weight and mass). */
    if (strcmp(u->sym, "g") == 0 || (pick & 1u) == 0) {
      dims = INFUSE_DIM_BIT(u->dim);
    } else {
      dims = ALL_DIMS;
    }

    e = expected_for(m, scale, u, written);

    memset(&out, OUT_FILL, sizeof out);
    memcpy(&ref, &out, sizeof ref);
    memset(&diag, 0, sizeof diag);
    rc = infuse_quantity_parse(text, dims, "prop", &out, &diag);
    if (e.status == INFUSE_OK) {
      ck_assert_msg(rc == INFUSE_OK,
                    "case %d \"%s\": status %d (%s) \"%s\", want OK", n, text,
                    rc, infuse_status_name(rc), diag.message);
      ck_assert_msg(out.value == e.value,
                    "case %d \"%s\": value %" PRId64 ", want %" PRId64, n,
                    text, out.value, e.value);
      ck_assert_msg(out.dim == u->dim, "case %d \"%s\": dim %d", n, text,
                    (int)out.dim);
      ck_assert_msg(out.unit == u->base, "case %d \"%s\": unit %d", n, text,
                    (int)out.unit);
      if (e.rounded != R_ANY) {
        ck_assert_msg(out.rounded == (e.rounded == R_YES),
                      "case %d \"%s\": rounded %d", n, text, (int)out.rounded);
      }
      ck_assert_msg(out.source_mantissa == (int64_t)m,
                    "case %d \"%s\": source_mantissa %" PRId64, n, text,
                    out.source_mantissa);
      ck_assert_msg(out.source_scale == (int32_t)scale,
                    "case %d \"%s\": source_scale %d", n, text,
                    (int)out.source_scale);
      ck_assert_msg(strcmp(out.source_unit, u->sym) == 0,
                    "case %d \"%s\": source_unit \"%s\"", n, text,
                    out.source_unit);
      n_ok++;
      if (out.rounded) {
        n_rounded++;
      }
    } else {
      if (e.status == ANY_ERROR) {
        ck_assert_msg(rc < 0, "case %d \"%s\": status %d, want an error", n,
                      text, rc);
      } else {
        ck_assert_msg(rc == e.status, "case %d \"%s\": status %d (%s), want %s",
                      n, text, rc, infuse_status_name(rc),
                      infuse_status_name(e.status));
      }
      ck_assert_msg(memcmp(&out, &ref, sizeof out) == 0,
                    "case %d \"%s\": output written on failure", n, text);
      ck_assert_int_eq(diag.status, rc);
      ck_assert_str_eq(diag.field, "prop");
      if (rc == INFUSE_E_PRECISION) {
        n_precision++;
      } else if (rc == INFUSE_E_RANGE) {
        n_range++;
      }
    }
  }
  /* The generator must actually reach every branch. */
  ck_assert_int_gt(n_ok, PROPERTY_CASES / 10);
  ck_assert_int_gt(n_precision, PROPERTY_CASES / 50);
  ck_assert_int_gt(n_range, PROPERTY_CASES / 100);
  ck_assert_int_gt(n_rounded, PROPERTY_CASES / 100);
}
END_TEST

/* lb alone, over every whole number of pounds 1..2500 and tenths 0.1..250:
 * the rounding rule against exact integer arithmetic. */
START_TEST(test_parse_lb_sweep) {
  unsigned scale = (unsigned)_i; /* 0: whole pounds, 1: tenths, 2: 0.01 */
  uint64_t m;
  uint64_t top = scale == 0 ? 2500 : scale == 1 ? 2500 : 25000;
  for (m = 1; m <= top; m++) {
    char number[32];
    char text[48];
    infuse_quantity_t out;
    uint64_t num = m * UINT64_C(45359237);
    uint64_t den = UINT64_C(100000) * pow10u(scale);
    uint64_t q = num / den;
    uint64_t r = num % den;
    int rc;
    if (2 * r >= den) {
      q++;
    }
    write_number(number, sizeof number, m, scale);
    snprintf(text, sizeof text, "%slb", number);
    rc = infuse_quantity_parse(text, BIT(BODY_WEIGHT), "weight", &out, NULL);
    if (q == 0) {
      ck_assert_msg(rc < 0, "\"%s\" rounds to 0 g but was accepted", text);
      continue;
    }
    ck_assert_msg(rc == INFUSE_OK, "\"%s\": status %d", text, rc);
    ck_assert_msg(out.value == (int64_t)q,
                  "\"%s\": %" PRId64 " g, want %" PRIu64, text, out.value, q);
    if (r != 0) {
      ck_assert_msg(out.rounded, "\"%s\": not marked rounded", text);
    }
  }
}
END_TEST

/* Round trip: infuse_format prints exact units exactly, so parsing what it
 * prints gives back the same integer. */
struct roundtrip_unit {
  infuse_unit_t unit;
  infuse_dim_t dim;
};

static const struct roundtrip_unit ROUNDTRIP[] = {
    {INFUSE_UNIT_G, INFUSE_DIM_BODY_WEIGHT},       /* "72.5 kg" */
    {INFUSE_UNIT_UG, INFUSE_DIM_MASS},             /* "35 mg" */
    {INFUSE_UNIT_UL, INFUSE_DIM_VOLUME},           /* "3.5 mL" */
    {INFUSE_UNIT_UG_PER_KG, INFUSE_DIM_DOSE_PER_KG}, /* "0.5 mg/kg" */
    {INFUSE_UNIT_UG_PER_ML, INFUSE_DIM_CONCENTRATION}, /* "10 mg/mL" */
    {INFUSE_UNIT_UL_PER_H, INFUSE_DIM_RATE},       /* "155.3 mL/h" */
    {INFUSE_UNIT_MM, INFUSE_DIM_LENGTH},           /* "175.3 cm" */
};

START_TEST(test_parse_format_roundtrip) {
  const struct roundtrip_unit *rt = &ROUNDTRIP[_i];
  uint64_t state = UINT64_C(0xC0FFEE) + (uint64_t)_i;
  int n;
  for (n = 0; n < 5000; n++) {
    /* 1 .. 10^12, spread over magnitudes */
    unsigned mag = 1 + (unsigned)rand_below(&state, 12);
    int64_t v = (int64_t)(1 + rand_below(&state, pow10u(mag)));
    char text[64];
    size_t len;
    infuse_quantity_t out;
    int rc;
    len = infuse_format(v, rt->unit, text, sizeof text);
    ck_assert_uint_lt(len, sizeof text);
    rc = infuse_quantity_parse(text, INFUSE_DIM_BIT(rt->dim), "rt", &out,
                               NULL);
    ck_assert_msg(rc == INFUSE_OK, "\"%s\" (from %" PRId64 "): status %d",
                  text, v, rc);
    ck_assert_msg(out.value == v, "\"%s\": %" PRId64 ", want %" PRId64, text,
                  out.value, v);
    ck_assert(!out.rounded);
  }
}
END_TEST

/* ===========================================================================
 * Suites
 * ======================================================================== */

static Suite *quantity_suite(void) {
  Suite *s = suite_create("quantity");
  TCase *core = tcase_create("core");
  TCase *errors = tcase_create("errors");
  TCase *limits = tcase_create("limits");
  TCase *edges = tcase_create("edges");
  TCase *props = tcase_create("properties");

  tcase_add_loop_test(core, test_parse_ok, 0, (int)N_ELEMS(OK_CASES));
  tcase_add_loop_test(core, test_parse_mask, 0, (int)N_ELEMS(MASK_CASES));
  tcase_add_test(core, test_parse_success_leaves_diag);
  tcase_add_test(core, test_parse_no_state);

  tcase_add_loop_test(errors, test_parse_errors, 0, (int)N_ELEMS(ERR_CASES));
  tcase_add_loop_test(errors, test_parse_errors_other_field, 0,
                      (int)N_ELEMS(ERR_CASES));
  tcase_add_test(errors, test_parse_null_text);
  tcase_add_test(errors, test_parse_error_names_every_dimension);
  tcase_add_test(errors, test_parse_null_out);

  tcase_add_loop_test(limits, test_parse_limits_ok, 0,
                      (int)N_ELEMS(LIMIT_OK_CASES));

  tcase_add_loop_test(edges, test_parse_odd, 0, (int)N_ELEMS(ODD_CASES));
  tcase_add_test(edges, test_parse_long_field_name);
  tcase_add_loop_test(edges, test_parse_greek_mu, 0,
                      (int)N_ELEMS(GREEK_MU_CASES));

  tcase_set_timeout(props, 60);
  tcase_add_loop_test(props, test_parse_property, 0, 4);
  tcase_add_loop_test(props, test_parse_lb_sweep, 0, 3);
  tcase_add_loop_test(props, test_parse_format_roundtrip, 0,
                      (int)N_ELEMS(ROUNDTRIP));

  suite_add_tcase(s, core);
  suite_add_tcase(s, errors);
  suite_add_tcase(s, limits);
  suite_add_tcase(s, edges);
  suite_add_tcase(s, props);
  return s;
}

int main(void) {
  int failed;
  SRunner *sr = srunner_create(quantity_suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
