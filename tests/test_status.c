/*
 * test_status.c - status codes, names of enumerations, version, and
 * infuse_format().
 *
 * Every expected value below was written by hand from the documentation in
 * include/infuse.h (the pinned numbers of the X-macro tables, the display
 * units and rounding rules of infuse_format), never copied from the
 * library's output. The arithmetic of each infuse_format row is shown in its
 * comment.
 */
#include <check.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infuse.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ===========================================================================
 * Status codes
 * ======================================================================== */

/* The ABI pin: every status with the literal number written in the header's
 * table. Written out by hand on purpose; if someone renumbers the X-macro
 * table, this test fails. */
struct status_pin {
  int status;         /* the enumerator */
  int pinned;         /* the literal number from the header */
  const char *name;   /* infuse_status_name() */
};

static const struct status_pin STATUS_PINS[] = {
    {INFUSE_OK, 0, "OK"},
    {INFUSE_STOP_SOFT_LIMIT, 1, "STOP_SOFT_LIMIT"},
    {INFUSE_STOP_HARD_LIMIT, 2, "STOP_HARD_LIMIT"},
    {INFUSE_E_NULL, -1, "E_NULL"},
    {INFUSE_E_STRUCT_SIZE, -2, "E_STRUCT_SIZE"},
    {INFUSE_E_SYNTAX, -3, "E_SYNTAX"},
    {INFUSE_E_NO_UNIT, -4, "E_NO_UNIT"},
    {INFUSE_E_UNKNOWN_UNIT, -5, "E_UNKNOWN_UNIT"},
    {INFUSE_E_WRONG_DIMENSION, -6, "E_WRONG_DIMENSION"},
    {INFUSE_E_NEGATIVE, -7, "E_NEGATIVE"},
    {INFUSE_E_ZERO, -8, "E_ZERO"},
    {INFUSE_E_PRECISION, -9, "E_PRECISION"},
    {INFUSE_E_RANGE, -10, "E_RANGE"},
    {INFUSE_E_INVALID, -11, "E_INVALID"},
    {INFUSE_E_CONFLICT, -12, "E_CONFLICT"},
    {INFUSE_E_MISSING, -13, "E_MISSING"},
    {INFUSE_E_UNKNOWN_PROTOCOL, -14, "E_UNKNOWN_PROTOCOL"},
    {INFUSE_E_NOT_INFUSION, -15, "E_NOT_INFUSION"},
    {INFUSE_E_BUFFER_TOO_SMALL, -16, "E_BUFFER_TOO_SMALL"},
    {INFUSE_E_INDEX, -17, "E_INDEX"},
};

/* The same table as the header's X-macro expands it, to check the map and
 * the pins agree entry for entry and that the sentences reach strerror. */
struct status_map_row {
  int status;
  const char *name;
  const char *text;
};

static const struct status_map_row STATUS_MAP_ROWS[] = {
#define ROW(name, value, text) {value, #name, text},
    INFUSE_STATUS_MAP(ROW)
#undef ROW
};

/* Values that are not statuses. */
static const int UNKNOWN_STATUSES[] = {3, 4, 100, 12345, -18, -100, -999,
                                       INT_MAX, INT_MIN};

START_TEST(test_status_pinned_value) {
  const struct status_pin *p = &STATUS_PINS[_i];
  ck_assert_msg(p->status == p->pinned, "%s is %d, pinned as %d", p->name,
                p->status, p->pinned);
  /* Sign convention: 0 success, > 0 limit stops, < 0 errors. */
  if (strcmp(p->name, "OK") == 0) {
    ck_assert_int_eq(p->status, 0);
  } else if (strncmp(p->name, "STOP_", 5) == 0) {
    ck_assert_int_gt(p->status, 0);
  } else {
    ck_assert_int_lt(p->status, 0);
  }
}
END_TEST

START_TEST(test_status_map_matches_pins) {
  size_t i;
  size_t j;
  /* Same number of entries: a status added to the map without a pin here
   * (or deleted from it) fails. */
  ck_assert_uint_eq(N_ELEMS(STATUS_MAP_ROWS), N_ELEMS(STATUS_PINS));
  ck_assert_uint_eq(N_ELEMS(STATUS_PINS), 20u);
  for (i = 0; i < N_ELEMS(STATUS_MAP_ROWS); i++) {
    bool found = false;
    for (j = 0; j < N_ELEMS(STATUS_PINS); j++) {
      if (strcmp(STATUS_MAP_ROWS[i].name, STATUS_PINS[j].name) == 0) {
        ck_assert_int_eq(STATUS_MAP_ROWS[i].status, STATUS_PINS[j].pinned);
        found = true;
      }
    }
    ck_assert_msg(found, "map entry %s has no pin", STATUS_MAP_ROWS[i].name);
  }
}
END_TEST

START_TEST(test_status_values_distinct) {
  size_t i;
  size_t j;
  for (i = 0; i < N_ELEMS(STATUS_MAP_ROWS); i++) {
    for (j = i + 1; j < N_ELEMS(STATUS_MAP_ROWS); j++) {
      ck_assert_msg(STATUS_MAP_ROWS[i].status != STATUS_MAP_ROWS[j].status,
                    "%s and %s share the value %d", STATUS_MAP_ROWS[i].name,
                    STATUS_MAP_ROWS[j].name, STATUS_MAP_ROWS[i].status);
      ck_assert_str_ne(STATUS_MAP_ROWS[i].name, STATUS_MAP_ROWS[j].name);
    }
  }
}
END_TEST

START_TEST(test_status_name_known) {
  const struct status_pin *p = &STATUS_PINS[_i];
  const char *name = infuse_status_name(p->pinned);
  ck_assert_ptr_nonnull(name);
  ck_assert_str_eq(name, p->name);
}
END_TEST

START_TEST(test_strerror_known) {
  const struct status_map_row *r = &STATUS_MAP_ROWS[_i];
  const char *text = infuse_strerror(r->status);
  ck_assert_ptr_nonnull(text);
  ck_assert_uint_gt(strlen(text), 0u);
  /* The sentence is the one in the header's table. */
  ck_assert_str_eq(text, r->text);
}
END_TEST

START_TEST(test_strerror_spot_checks) {
  /* A few sentences typed from the header, independent of the X-macro. */
  ck_assert_str_eq(infuse_strerror(0), "success");
  ck_assert_str_eq(infuse_strerror(-4),
                   "a number without a unit; every quantity needs its unit");
  ck_assert_str_eq(infuse_strerror(-16), "the output buffer is too small");
  ck_assert_str_eq(infuse_status_name(-4), "E_NO_UNIT");
  ck_assert_str_eq(infuse_status_name(2), "STOP_HARD_LIMIT");
  ck_assert_str_eq(infuse_status_name(-17), "E_INDEX");
}
END_TEST

START_TEST(test_strerror_unknown) {
  int s = UNKNOWN_STATUSES[_i];
  const char *text = infuse_strerror(s);
  const char *fixed = infuse_strerror(12345);
  size_t k;
  ck_assert_ptr_nonnull(text);
  ck_assert_uint_gt(strlen(text), 0u);
  /* "unknown values give a fixed 'unknown status' text" */
  ck_assert_ptr_nonnull(fixed);
  ck_assert_str_eq(text, fixed);
  ck_assert_ptr_nonnull(strstr(text, "unknown"));
  for (k = 0; k < N_ELEMS(STATUS_MAP_ROWS); k++) {
    ck_assert_str_ne(text, STATUS_MAP_ROWS[k].text);
  }
}
END_TEST

START_TEST(test_status_name_unknown) {
  int s = UNKNOWN_STATUSES[_i];
  const char *name = infuse_status_name(s);
  size_t k;
  ck_assert_ptr_nonnull(name);
  /* It must not claim to be a known status. */
  for (k = 0; k < N_ELEMS(STATUS_PINS); k++) {
    ck_assert_str_ne(name, STATUS_PINS[k].name);
  }
}
END_TEST

/* ===========================================================================
 * Names of the other enumerations
 * ======================================================================== */

struct code_name {
  int code;
  int pinned;
  const char *name;
};

/* Findings are pinned like statuses: the literal numbers of the header. */
static const struct code_name FINDING_PINS[] = {
    {INFUSE_FINDING_DOSE_PER_KG_HARD_LOW, 1, "dose_per_kg_hard_low"},
    {INFUSE_FINDING_DOSE_PER_KG_SOFT_LOW, 2, "dose_per_kg_soft_low"},
    {INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH, 3, "dose_per_kg_soft_high"},
    {INFUSE_FINDING_DOSE_PER_KG_HARD_HIGH, 4, "dose_per_kg_hard_high"},
    {INFUSE_FINDING_DOSE_HARD_LOW, 5, "dose_hard_low"},
    {INFUSE_FINDING_DOSE_SOFT_LOW, 6, "dose_soft_low"},
    {INFUSE_FINDING_DOSE_SOFT_HIGH, 7, "dose_soft_high"},
    {INFUSE_FINDING_DOSE_HARD_HIGH, 8, "dose_hard_high"},
    {INFUSE_FINDING_WEIGHT_HARD_LOW, 9, "weight_hard_low"},
    {INFUSE_FINDING_WEIGHT_SOFT_LOW, 10, "weight_soft_low"},
    {INFUSE_FINDING_WEIGHT_SOFT_HIGH, 11, "weight_soft_high"},
    {INFUSE_FINDING_WEIGHT_HARD_HIGH, 12, "weight_hard_high"},
    {INFUSE_FINDING_DURATION_HARD_LOW, 13, "duration_hard_low"},
    {INFUSE_FINDING_DURATION_SOFT_LOW, 14, "duration_soft_low"},
    {INFUSE_FINDING_DURATION_SOFT_HIGH, 15, "duration_soft_high"},
    {INFUSE_FINDING_DURATION_HARD_HIGH, 16, "duration_hard_high"},
    {INFUSE_FINDING_RATE_HARD_LOW, 17, "rate_hard_low"},
    {INFUSE_FINDING_RATE_SOFT_LOW, 18, "rate_soft_low"},
    {INFUSE_FINDING_RATE_SOFT_HIGH, 19, "rate_soft_high"},
    {INFUSE_FINDING_RATE_HARD_HIGH, 20, "rate_hard_high"},
    {INFUSE_FINDING_CONCENTRATION_HARD_LOW, 21, "concentration_hard_low"},
    {INFUSE_FINDING_CONCENTRATION_SOFT_LOW, 22, "concentration_soft_low"},
    {INFUSE_FINDING_CONCENTRATION_SOFT_HIGH, 23, "concentration_soft_high"},
    {INFUSE_FINDING_CONCENTRATION_HARD_HIGH, 24, "concentration_hard_high"},
    {INFUSE_FINDING_DOSE_DEVIATION, 25, "dose_deviation"},
    {INFUSE_FINDING_UNDILUTED_STRENGTH, 26, "undiluted_strength"},
    {INFUSE_FINDING_LOW_RATE_VOLUMETRIC, 27, "low_rate_volumetric"},
    {INFUSE_FINDING_RATE_ABOVE_PUMP_MAX, 28, "rate_above_pump_max"},
    {INFUSE_FINDING_DRAW_VOLUME_ZERO, 29, "draw_volume_zero"},
    {INFUSE_FINDING_RATE_ZERO, 30, "rate_zero"},
    {INFUSE_FINDING_DRAW_EXCEEDS_BAG, 31, "draw_exceeds_bag"},
    {INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL, 32, "final_conc_above_vial"},
    {INFUSE_FINDING_MULTIPLE_VIALS, 33, "multiple_vials"},
    {INFUSE_FINDING_IBW_SHORT_STATURE, 34, "ibw_short_stature"},
    {INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL, 35,
     "dosing_weight_above_actual"},
};

static const struct code_name FINDING_MAP_ROWS[] = {
#define ROW(name, value, text) {value, value, text},
    INFUSE_FINDING_MAP(ROW)
#undef ROW
};

/* Values outside every small name table below. NONE (0) is not in the
 * finding or step tables either, so it is "unknown" there too. */
static const int UNKNOWN_CODES[] = {-1, 36, 99, 1000, -12345, INT_MAX,
                                    INT_MIN};

START_TEST(test_finding_pinned) {
  const struct code_name *p = &FINDING_PINS[_i];
  ck_assert_msg(p->code == p->pinned, "%s is %d, pinned as %d", p->name,
                p->code, p->pinned);
  ck_assert_str_eq(infuse_finding_name(p->pinned), p->name);
}
END_TEST

START_TEST(test_finding_map_matches_pins) {
  size_t i;
  size_t j;
  ck_assert_uint_eq(N_ELEMS(FINDING_MAP_ROWS), N_ELEMS(FINDING_PINS));
  ck_assert_uint_eq(N_ELEMS(FINDING_PINS), 35u);
  for (i = 0; i < N_ELEMS(FINDING_MAP_ROWS); i++) {
    ck_assert_int_eq(FINDING_MAP_ROWS[i].code, FINDING_PINS[i].pinned);
    ck_assert_str_eq(FINDING_MAP_ROWS[i].name, FINDING_PINS[i].name);
    for (j = i + 1; j < N_ELEMS(FINDING_MAP_ROWS); j++) {
      ck_assert_int_ne(FINDING_MAP_ROWS[i].code, FINDING_MAP_ROWS[j].code);
    }
  }
  ck_assert_int_eq(INFUSE_FINDING_NONE, 0);
}
END_TEST

START_TEST(test_finding_name_unknown) {
  const char *n = infuse_finding_name(UNKNOWN_CODES[_i]);
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n, "unknown");
}
END_TEST

START_TEST(test_finding_name_none_is_unknown) {
  /* "unknown for values not in the table": 0 (FINDING_NONE) is not in
   * INFUSE_FINDING_MAP. */
  const char *n = infuse_finding_name(INFUSE_FINDING_NONE);
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n, "unknown");
}
END_TEST

static const struct code_name SEVERITY_NAMES[] = {
    {INFUSE_SEVERITY_ADVISORY, 0, "advisory"},
    {INFUSE_SEVERITY_SOFT, 1, "soft"},
    {INFUSE_SEVERITY_HARD, 2, "hard"},
};

static const struct code_name ROUNDING_NAMES[] = {
    {INFUSE_ROUND_NEAREST, 0, "nearest"},
    {INFUSE_ROUND_DOWN, 1, "down"},
    {INFUSE_ROUND_UP, 2, "up"},
};

static const struct code_name VERDICT_NAMES[] = {
    {INFUSE_VERDICT_OK, 0, "ok"},
    {INFUSE_VERDICT_SOFT_LIMIT, 1, "soft_limit"},
    {INFUSE_VERDICT_HARD_LIMIT, 2, "hard_limit"},
};

START_TEST(test_severity_name_known) {
  const struct code_name *p = &SEVERITY_NAMES[_i];
  ck_assert_int_eq(p->code, p->pinned);
  ck_assert_str_eq(infuse_severity_name(p->pinned), p->name);
}
END_TEST

START_TEST(test_rounding_name_known) {
  const struct code_name *p = &ROUNDING_NAMES[_i];
  ck_assert_int_eq(p->code, p->pinned);
  ck_assert_str_eq(infuse_rounding_name(p->pinned), p->name);
}
END_TEST

START_TEST(test_verdict_name_known) {
  const struct code_name *p = &VERDICT_NAMES[_i];
  ck_assert_int_eq(p->code, p->pinned);
  ck_assert_str_eq(infuse_verdict_name(p->pinned), p->name);
}
END_TEST

/* 3 is the first value past each of these three-value enumerations. */
static const int UNKNOWN_SMALL[] = {3, 4, -1, 100, INT_MAX, INT_MIN};

START_TEST(test_small_names_unknown) {
  int v = UNKNOWN_SMALL[_i];
  const char *s;
  s = infuse_severity_name(v);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "unknown");
  s = infuse_rounding_name(v);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "unknown");
  s = infuse_verdict_name(v);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "unknown");
}
END_TEST

struct step_pin {
  int kind;
  int pinned;
  const char *key;
  const char *formula;
};

/* Keys and formulas typed from the header's INFUSE_STEP_MAP. */
static const struct step_pin STEP_PINS[] = {
    {INFUSE_STEP_ACTUAL_WEIGHT, 1, "actual_weight",
     "actual body weight as entered"},
    {INFUSE_STEP_IDEAL_WEIGHT, 2, "ideal_weight",
     "IBW (Devine) = base (male 50 kg, female 45.5 kg) + 2.3 kg x (height in "
     "inches - 60)"},
    {INFUSE_STEP_ADJUSTED_WEIGHT, 3, "adjusted_weight",
     "AdjBW = IBW + 0.4 x (actual - IBW)"},
    {INFUSE_STEP_BMI, 4, "bmi", "BMI = weight / height^2"},
    {INFUSE_STEP_DOSING_WEIGHT, 5, "dosing_weight",
     "dosing weight = the chosen basis"},
    {INFUSE_STEP_DOSE, 6, "dose", "dose = dose per kg x dosing weight"},
    {INFUSE_STEP_DOSE_PER_KG, 7, "dose_per_kg",
     "dose per kg = dose / dosing weight"},
    {INFUSE_STEP_DRAW_VOLUME, 8, "draw_volume",
     "draw-up volume = dose / vial strength"},
    {INFUSE_STEP_DELIVERED_DOSE, 9, "delivered_dose",
     "delivered dose = draw-up volume x vial strength"},
    {INFUSE_STEP_DEVIATION, 10, "dose_deviation",
     "deviation = (delivered - prescribed) / prescribed"},
    {INFUSE_STEP_VIALS, 11, "vials",
     "vials = draw-up volume / vial fill, rounded up"},
    {INFUSE_STEP_DILUENT, 12, "diluent", "diluent volume"},
    {INFUSE_STEP_TOTAL_VOLUME, 13, "total_volume",
     "total volume = draw-up volume + diluent"},
    {INFUSE_STEP_FINAL_CONC, 14, "final_concentration",
     "final concentration = delivered dose / total volume"},
    {INFUSE_STEP_RATE, 15, "rate", "rate = total volume / duration"},
    {INFUSE_STEP_ACTUAL_DURATION, 16, "actual_duration",
     "actual duration = VTBI / rounded rate"},
    {INFUSE_STEP_DOSE_RATE, 17, "dose_rate",
     "dose rate = delivered dose / dosing weight / actual duration"},
};

START_TEST(test_step_name_known) {
  const struct step_pin *p = &STEP_PINS[_i];
  const char *f;
  ck_assert_int_eq(p->kind, p->pinned);
  ck_assert_str_eq(infuse_step_name(p->pinned), p->key);
  f = infuse_step_formula(p->pinned);
  ck_assert_ptr_nonnull(f);
  ck_assert_str_eq(f, p->formula);
}
END_TEST

START_TEST(test_step_name_unknown) {
  int v = UNKNOWN_CODES[_i];
  const char *n = infuse_step_name(v);
  const char *f = infuse_step_formula(v);
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n, "unknown");
  ck_assert_ptr_nonnull(f);
  ck_assert_str_eq(f, "");
  /* NONE (0) is not in the step table either. */
  n = infuse_step_name(INFUSE_STEP_NONE);
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n, "unknown");
  f = infuse_step_formula(INFUSE_STEP_NONE);
  ck_assert_ptr_nonnull(f);
  ck_assert_str_eq(f, "");
}
END_TEST

/* Dimensions: literal numbers, base units from the header's dimension
 * table (" BODY_WEIGHT g ...", "RATE uL/h" ...). */
struct dim_row {
  infuse_dim_t dim;
  int pinned;
  infuse_unit_t base;
  const char *base_symbol;
};

static const struct dim_row DIM_ROWS[] = {
    {INFUSE_DIM_BODY_WEIGHT, 1, INFUSE_UNIT_G, "g"},
    {INFUSE_DIM_MASS, 2, INFUSE_UNIT_UG, "ug"},
    {INFUSE_DIM_VOLUME, 3, INFUSE_UNIT_UL, "uL"},
    {INFUSE_DIM_TIME, 4, INFUSE_UNIT_S, "s"},
    {INFUSE_DIM_DOSE_PER_KG, 5, INFUSE_UNIT_UG_PER_KG, "ug/kg"},
    {INFUSE_DIM_CONCENTRATION, 6, INFUSE_UNIT_UG_PER_ML, "ug/mL"},
    {INFUSE_DIM_RATE, 7, INFUSE_UNIT_UL_PER_H, "uL/h"},
    {INFUSE_DIM_LENGTH, 8, INFUSE_UNIT_MM, "mm"},
};

START_TEST(test_dim_known) {
  const struct dim_row *r = &DIM_ROWS[_i];
  const char *name = infuse_dim_name(r->dim);
  size_t k;
  ck_assert_int_eq((int)r->dim, r->pinned);
  ck_assert_int_eq((int)infuse_dim_unit(r->dim), (int)r->base);
  ck_assert_ptr_nonnull(name);
  ck_assert_uint_gt(strlen(name), 0u);
  /* Names of different dimensions differ. */
  for (k = 0; k < N_ELEMS(DIM_ROWS); k++) {
    if (k != (size_t)_i) {
      ck_assert_str_ne(name, infuse_dim_name(DIM_ROWS[k].dim));
    }
  }
  ck_assert_str_eq(infuse_unit_symbol(r->base), r->base_symbol);
}
END_TEST

START_TEST(test_dim_name_documented) {
  /* The header's own example. */
  ck_assert_str_eq(infuse_dim_name(INFUSE_DIM_BODY_WEIGHT), "body weight");
  ck_assert_int_eq(INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT), 2);
  ck_assert_int_eq(INFUSE_DIM_BIT(INFUSE_DIM_LENGTH), 256);
}
END_TEST

static const int UNKNOWN_DIMS[] = {0, 9, 10, 100, -1, INT_MAX};

START_TEST(test_dim_unknown) {
  infuse_dim_t d = (infuse_dim_t)UNKNOWN_DIMS[_i];
  const char *n = infuse_dim_name(d);
  ck_assert_ptr_nonnull(n);
  ck_assert_int_eq((int)infuse_dim_unit(d), (int)INFUSE_UNIT_NONE);
}
END_TEST

/* Unit enumerators with their literal numbers. */
static const struct code_name UNIT_PINS[] = {
    {INFUSE_UNIT_NONE, 0, "NONE"},
    {INFUSE_UNIT_G, 1, "G"},
    {INFUSE_UNIT_UG, 2, "UG"},
    {INFUSE_UNIT_NG, 3, "NG"},
    {INFUSE_UNIT_UL, 4, "UL"},
    {INFUSE_UNIT_S, 5, "S"},
    {INFUSE_UNIT_MS, 6, "MS"},
    {INFUSE_UNIT_UG_PER_KG, 7, "UG_PER_KG"},
    {INFUSE_UNIT_UG_PER_ML, 8, "UG_PER_ML"},
    {INFUSE_UNIT_NG_PER_ML, 9, "NG_PER_ML"},
    {INFUSE_UNIT_UL_PER_H, 10, "UL_PER_H"},
    {INFUSE_UNIT_MM, 11, "MM"},
    {INFUSE_UNIT_PPM, 12, "PPM"},
    {INFUSE_UNIT_NG_PER_KG_PER_H, 13, "NG_PER_KG_PER_H"},
    {INFUSE_UNIT_CENTI_KG_PER_M2, 14, "CENTI_KG_PER_M2"},
    {INFUSE_UNIT_COUNT, 15, "COUNT"},
    {INFUSE_UNIT_NG_PER_KG, 16, "NG_PER_KG"},
};

START_TEST(test_unit_symbol_known) {
  const struct code_name *p = &UNIT_PINS[_i];
  const char *sym = infuse_unit_symbol((infuse_unit_t)p->pinned);
  size_t k;
  ck_assert_int_eq(p->code, p->pinned);
  ck_assert_ptr_nonnull(sym);
  if (p->pinned == 0) {
    return; /* NONE: only "never NULL" is documented */
  }
  ck_assert_uint_gt(strlen(sym), 0u);
  /* Every real unit has its own symbol. */
  for (k = 1; k < N_ELEMS(UNIT_PINS); k++) {
    if (k != (size_t)_i) {
      ck_assert_str_ne(sym, infuse_unit_symbol((infuse_unit_t)k));
    }
  }
}
END_TEST

START_TEST(test_unit_symbol_documented) {
  /* The header's example: "e.g. uL/h". */
  ck_assert_str_eq(infuse_unit_symbol(INFUSE_UNIT_UL_PER_H), "uL/h");
}
END_TEST

static const int UNKNOWN_UNITS[] = {17, 18, 100, -1, INT_MAX};

START_TEST(test_unit_symbol_unknown) {
  const char *s = infuse_unit_symbol((infuse_unit_t)UNKNOWN_UNITS[_i]);
  ck_assert_ptr_nonnull(s);
}
END_TEST

/* ===========================================================================
 * Version
 * ======================================================================== */

START_TEST(test_version_hex) {
  uint32_t expect = ((uint32_t)INFUSE_VERSION_MAJOR << 16) |
                    ((uint32_t)INFUSE_VERSION_MINOR << 8) |
                    (uint32_t)INFUSE_VERSION_PATCH;
  ck_assert_uint_eq(infuse_version(), (uint32_t)INFUSE_VERSION_HEX);
  ck_assert_uint_eq((uint32_t)INFUSE_VERSION_HEX, expect);
  /* One byte each. */
  ck_assert_int_ge(INFUSE_VERSION_MAJOR, 0);
  ck_assert_int_le(INFUSE_VERSION_MAJOR, 255);
  ck_assert_int_ge(INFUSE_VERSION_MINOR, 0);
  ck_assert_int_le(INFUSE_VERSION_MINOR, 255);
  ck_assert_int_ge(INFUSE_VERSION_PATCH, 0);
  ck_assert_int_le(INFUSE_VERSION_PATCH, 255);
}
END_TEST

START_TEST(test_version_string) {
  const char *s = infuse_version_string();
  unsigned major = 0;
  unsigned minor = 0;
  unsigned patch = 0;
  int consumed = 0;
  char canon[32];
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, INFUSE_VERSION_STRING);
  ck_assert_int_eq(sscanf(s, "%u.%u.%u%n", &major, &minor, &patch, &consumed),
                   3);
  ck_assert_uint_eq((size_t)consumed, strlen(s)); /* nothing after PATCH */
  ck_assert_uint_eq(major, (unsigned)INFUSE_VERSION_MAJOR);
  ck_assert_uint_eq(minor, (unsigned)INFUSE_VERSION_MINOR);
  ck_assert_uint_eq(patch, (unsigned)INFUSE_VERSION_PATCH);
  /* Canonical form: no leading zeros, no signs, no spaces. */
  snprintf(canon, sizeof canon, "%d.%d.%d", INFUSE_VERSION_MAJOR,
           INFUSE_VERSION_MINOR, INFUSE_VERSION_PATCH);
  ck_assert_str_eq(s, canon);
  ck_assert_uint_eq(((uint32_t)major << 16) | ((uint32_t)minor << 8) | patch,
                    infuse_version());
}
END_TEST

/* ===========================================================================
 * infuse_format
 * ======================================================================== */

struct fmt_case {
  int64_t value;
  infuse_unit_t unit;
  const char *text;
};

/* Exact units (every digit shown, no trailing zeros). */
static const struct fmt_case FMT_EXACT[] = {
    /* G -> kg, / 1000 */
    {72500, INFUSE_UNIT_G, "72.5 kg"},
    {70000, INFUSE_UNIT_G, "70 kg"},
    {72575, INFUSE_UNIT_G, "72.575 kg"},   /* 160 lb, rounded to g */
    {1, INFUSE_UNIT_G, "0.001 kg"},
    {10, INFUSE_UNIT_G, "0.01 kg"},
    {1000000, INFUSE_UNIT_G, "1000 kg"},
    {-72500, INFUSE_UNIT_G, "-72.5 kg"},
    /* UG -> mg, / 1000 */
    {35000, INFUSE_UNIT_UG, "35 mg"},
    {36287, INFUSE_UNIT_UG, "36.287 mg"},
    {1, INFUSE_UNIT_UG, "0.001 mg"},
    {100, INFUSE_UNIT_UG, "0.1 mg"},
    /* NG -> mg, / 1e6, exact */
    {35000000, INFUSE_UNIT_NG, "35 mg"},
    {36287500, INFUSE_UNIT_NG, "36.2875 mg"}, /* 72.575 kg x 0.5 mg/kg */
    {1, INFUSE_UNIT_NG, "0.000001 mg"},
    {1234567, INFUSE_UNIT_NG, "1.234567 mg"},
    {-35000000, INFUSE_UNIT_NG, "-35 mg"},
    /* UL -> mL, / 1000 */
    {3500, INFUSE_UNIT_UL, "3.5 mL"},
    {103500, INFUSE_UNIT_UL, "103.5 mL"},
    {100000, INFUSE_UNIT_UL, "100 mL"},
    {35000, INFUSE_UNIT_UL, "35 mL"},
    {1, INFUSE_UNIT_UL, "0.001 mL"},
    /* UL_PER_H -> mL/h, / 1000 */
    {155300, INFUSE_UNIT_UL_PER_H, "155.3 mL/h"},
    {155250, INFUSE_UNIT_UL_PER_H, "155.25 mL/h"}, /* 103.5 mL over 40 min */
    {52500, INFUSE_UNIT_UL_PER_H, "52.5 mL/h"},
    {21000, INFUSE_UNIT_UL_PER_H, "21 mL/h"},
    {100, INFUSE_UNIT_UL_PER_H, "0.1 mL/h"},
    {-155300, INFUSE_UNIT_UL_PER_H, "-155.3 mL/h"},
    /* UG_PER_ML -> mg/mL, / 1000 */
    {10000, INFUSE_UNIT_UG_PER_ML, "10 mg/mL"},
    {1000, INFUSE_UNIT_UG_PER_ML, "1 mg/mL"},
    {100000, INFUSE_UNIT_UG_PER_ML, "100 mg/mL"},
    {338, INFUSE_UNIT_UG_PER_ML, "0.338 mg/mL"},
    {1, INFUSE_UNIT_UG_PER_ML, "0.001 mg/mL"},
    /* UG_PER_KG -> mg/kg, / 1000 */
    {500, INFUSE_UNIT_UG_PER_KG, "0.5 mg/kg"},
    {750, INFUSE_UNIT_UG_PER_KG, "0.75 mg/kg"},
    {200, INFUSE_UNIT_UG_PER_KG, "0.2 mg/kg"},
    {1000, INFUSE_UNIT_UG_PER_KG, "1 mg/kg"},
    {1, INFUSE_UNIT_UG_PER_KG, "0.001 mg/kg"},
    /* NG_PER_KG -> mg/kg, / 1e6, exact (no decimal cap documented) */
    {500000, INFUSE_UNIT_NG_PER_KG, "0.5 mg/kg"},
    {499999, INFUSE_UNIT_NG_PER_KG, "0.499999 mg/kg"},
    {2980000, INFUSE_UNIT_NG_PER_KG, "2.98 mg/kg"},
    {1, INFUSE_UNIT_NG_PER_KG, "0.000001 mg/kg"},
    /* MM -> cm, / 10 */
    {1753, INFUSE_UNIT_MM, "175.3 cm"},
    {1750, INFUSE_UNIT_MM, "175 cm"},
    {1524, INFUSE_UNIT_MM, "152.4 cm"},
    {1, INFUSE_UNIT_MM, "0.1 cm"},
    /* CENTI_KG_PER_M2 -> kg/m2, / 100 */
    {2279, INFUSE_UNIT_CENTI_KG_PER_M2, "22.79 kg/m2"},
    {2500, INFUSE_UNIT_CENTI_KG_PER_M2, "25 kg/m2"},
    {2250, INFUSE_UNIT_CENTI_KG_PER_M2, "22.5 kg/m2"},
    {5, INFUSE_UNIT_CENTI_KG_PER_M2, "0.05 kg/m2"},
    /* COUNT: just the number */
    {3, INFUSE_UNIT_COUNT, "3"},
    {12, INFUSE_UNIT_COUNT, "12"},
    {-2, INFUSE_UNIT_COUNT, "-2"},
};

/* Units with a capped number of decimals: nearest, ties away from zero.
 * S, MS, PPM: 2 decimals; NG_PER_ML, NG_PER_KG_PER_H: 4 decimals. */
static const struct fmt_case FMT_ROUNDED[] = {
    /* S -> min: hundredths of a minute = s x 100 / 60 = 5s/3, which is
     * never a tie (its fraction is 0, 1/3 or 2/3). */
    {2400, INFUSE_UNIT_S, "40 min"},
    {6000, INFUSE_UNIT_S, "100 min"},
    {100, INFUSE_UNIT_S, "1.67 min"},   /* 166.67 -> 167 */
    {90, INFUSE_UNIT_S, "1.5 min"},     /* 150 exactly */
    {1, INFUSE_UNIT_S, "0.02 min"},     /* 1.667 -> 2 */
    {3, INFUSE_UNIT_S, "0.05 min"},     /* 5 exactly */
    {20, INFUSE_UNIT_S, "0.33 min"},    /* 33.33 -> 33 */
    {40, INFUSE_UNIT_S, "0.67 min"},    /* 66.67 -> 67 */
    {59, INFUSE_UNIT_S, "0.98 min"},    /* 98.33 -> 98 */
    {61, INFUSE_UNIT_S, "1.02 min"},    /* 101.67 -> 102 */
    {3599, INFUSE_UNIT_S, "59.98 min"}, /* 5998.33 -> 5998 */
    {-100, INFUSE_UNIT_S, "-1.67 min"},
    {-2400, INFUSE_UNIT_S, "-40 min"},
    /* MS -> min: hundredths = ms / 600; a tie when ms % 600 == 300. */
    {2399227, INFUSE_UNIT_MS, "39.99 min"}, /* 3998.71 -> 3999 */
    {2400000, INFUSE_UNIT_MS, "40 min"},
    {60000, INFUSE_UNIT_MS, "1 min"},
    {3600000, INFUSE_UNIT_MS, "60 min"},
    {2401234, INFUSE_UNIT_MS, "40.02 min"}, /* 4002.06 -> 4002 */
    {300, INFUSE_UNIT_MS, "0.01 min"},      /* 0.5 -> 1 (tie, away) */
    {900, INFUSE_UNIT_MS, "0.02 min"},      /* 1.5 -> 2 (tie, away) */
    {299, INFUSE_UNIT_MS, "0 min"},         /* 0.498 -> 0 */
    {1, INFUSE_UNIT_MS, "0 min"},
    {2400300, INFUSE_UNIT_MS, "40.01 min"}, /* 4000.5 -> 4001 (tie) */
    {2399700, INFUSE_UNIT_MS, "40 min"},    /* 3999.5 -> 4000 (tie) */
    {-300, INFUSE_UNIT_MS, "-0.01 min"},    /* -0.5 -> -1 (tie, away) */
    {-2400300, INFUSE_UNIT_MS, "-40.01 min"},
    /* PPM -> %: hundredths of a percent = ppm / 100; a tie at ..50. */
    {-8571, INFUSE_UNIT_PPM, "-0.86%"},  /* -85.71 -> -86 */
    {5000, INFUSE_UNIT_PPM, "0.5%"},
    {10000, INFUSE_UNIT_PPM, "1%"},
    {1000000, INFUSE_UNIT_PPM, "100%"},
    {-1000000, INFUSE_UNIT_PPM, "-100%"},
    {100, INFUSE_UNIT_PPM, "0.01%"},
    {5, INFUSE_UNIT_PPM, "0%"},          /* 0.05 -> 0 */
    {49, INFUSE_UNIT_PPM, "0%"},         /* 0.49 -> 0 */
    {50, INFUSE_UNIT_PPM, "0.01%"},      /* 0.5 -> 1 (tie, away) */
    {150, INFUSE_UNIT_PPM, "0.02%"},     /* 1.5 -> 2 (tie, away) */
    {-50, INFUSE_UNIT_PPM, "-0.01%"},    /* -0.5 -> -1 (tie, away) */
    {-150, INFUSE_UNIT_PPM, "-0.02%"},
    {2857, INFUSE_UNIT_PPM, "0.29%"},    /* 28.57 -> 29 */
    {12345, INFUSE_UNIT_PPM, "1.23%"},   /* 123.45 -> 123 */
    {12350, INFUSE_UNIT_PPM, "1.24%"},   /* 123.5 -> 124 (tie) */
    {-12350, INFUSE_UNIT_PPM, "-1.24%"},
    {99950, INFUSE_UNIT_PPM, "10%"},     /* 999.5 -> 1000 (tie, carries) */
    {-99950, INFUSE_UNIT_PPM, "-10%"},
    /* NG_PER_ML -> mg/mL: ten-thousandths = ng/mL / 100. */
    {338164, INFUSE_UNIT_NG_PER_ML, "0.3382 mg/mL"}, /* 3381.64 -> 3382 */
    {1000000, INFUSE_UNIT_NG_PER_ML, "1 mg/mL"},
    {10000000, INFUSE_UNIT_NG_PER_ML, "10 mg/mL"},
    {1234500, INFUSE_UNIT_NG_PER_ML, "1.2345 mg/mL"},
    {1234560, INFUSE_UNIT_NG_PER_ML, "1.2346 mg/mL"}, /* 12345.6 -> 12346 */
    {350, INFUSE_UNIT_NG_PER_ML, "0.0004 mg/mL"},     /* 3.5 -> 4 (tie) */
    {349, INFUSE_UNIT_NG_PER_ML, "0.0003 mg/mL"},     /* 3.49 -> 3 */
    {50, INFUSE_UNIT_NG_PER_ML, "0.0001 mg/mL"},      /* 0.5 -> 1 (tie) */
    {49, INFUSE_UNIT_NG_PER_ML, "0 mg/mL"},           /* 0.49 -> 0 */
    {1000050, INFUSE_UNIT_NG_PER_ML, "1.0001 mg/mL"}, /* 10000.5 -> 10001 */
    {999950, INFUSE_UNIT_NG_PER_ML, "1 mg/mL"},       /* 9999.5 -> 10000 */
    {-50, INFUSE_UNIT_NG_PER_ML, "-0.0001 mg/mL"},
    /* NG_PER_KG_PER_H -> mg/kg/h, 4 decimals. 0.5 mg/kg over 40 min is
     * 0.75 mg/kg/h. */
    {750000, INFUSE_UNIT_NG_PER_KG_PER_H, "0.75 mg/kg/h"},
    {300000, INFUSE_UNIT_NG_PER_KG_PER_H, "0.3 mg/kg/h"},
    {749950, INFUSE_UNIT_NG_PER_KG_PER_H, "0.75 mg/kg/h"},  /* 7499.5 (tie) */
    {745123, INFUSE_UNIT_NG_PER_KG_PER_H, "0.7451 mg/kg/h"}, /* 7451.23 */
    {745150, INFUSE_UNIT_NG_PER_KG_PER_H, "0.7452 mg/kg/h"}, /* 7451.5 tie */
    {-745150, INFUSE_UNIT_NG_PER_KG_PER_H, "-0.7452 mg/kg/h"},
    {1, INFUSE_UNIT_NG_PER_KG_PER_H, "0 mg/kg/h"},
};

/* Zero in every unit. */
static const struct fmt_case FMT_ZERO[] = {
    {0, INFUSE_UNIT_G, "0 kg"},
    {0, INFUSE_UNIT_UG, "0 mg"},
    {0, INFUSE_UNIT_NG, "0 mg"},
    {0, INFUSE_UNIT_UL, "0 mL"},
    {0, INFUSE_UNIT_S, "0 min"},
    {0, INFUSE_UNIT_MS, "0 min"},
    {0, INFUSE_UNIT_UG_PER_KG, "0 mg/kg"},
    {0, INFUSE_UNIT_UG_PER_ML, "0 mg/mL"},
    {0, INFUSE_UNIT_NG_PER_ML, "0 mg/mL"},
    {0, INFUSE_UNIT_UL_PER_H, "0 mL/h"},
    {0, INFUSE_UNIT_MM, "0 cm"},
    {0, INFUSE_UNIT_PPM, "0%"},
    {0, INFUSE_UNIT_NG_PER_KG_PER_H, "0 mg/kg/h"},
    {0, INFUSE_UNIT_CENTI_KG_PER_M2, "0 kg/m2"},
    {0, INFUSE_UNIT_COUNT, "0"},
    {0, INFUSE_UNIT_NG_PER_KG, "0 mg/kg"},
};

/* The ends of int64: no overflow while scaling, rounding or negating.
 * INT64_MAX = 9223372036854775807, INT64_MIN = -9223372036854775808. */
static const struct fmt_case FMT_EXTREMES[] = {
    {INT64_MAX, INFUSE_UNIT_G, "9223372036854775.807 kg"},
    {INT64_MIN, INFUSE_UNIT_G, "-9223372036854775.808 kg"},
    {INT64_MIN, INFUSE_UNIT_UG, "-9223372036854775.808 mg"},
    {INT64_MAX, INFUSE_UNIT_NG, "9223372036854.775807 mg"},
    {INT64_MIN, INFUSE_UNIT_NG_PER_KG, "-9223372036854.775808 mg/kg"},
    {INT64_MAX, INFUSE_UNIT_UL_PER_H, "9223372036854775.807 mL/h"},
    {INT64_MAX, INFUSE_UNIT_MM, "922337203685477580.7 cm"},
    {INT64_MIN, INFUSE_UNIT_CENTI_KG_PER_M2, "-92233720368547758.08 kg/m2"},
    {INT64_MAX, INFUSE_UNIT_COUNT, "9223372036854775807"},
    {INT64_MIN, INFUSE_UNIT_COUNT, "-9223372036854775808"},
    /* INT64_MAX s = 153722867280912930 min + 7 s; 7/60 = 0.1167 -> .12 */
    {INT64_MAX, INFUSE_UNIT_S, "153722867280912930.12 min"},
    /* INT64_MIN s: remainder 8 s; 8/60 = 0.1333 -> .13 */
    {INT64_MIN, INFUSE_UNIT_S, "-153722867280912930.13 min"},
    /* INT64_MAX ms = 153722867280912 min + 55807 ms; 0.930 -> .93 */
    {INT64_MAX, INFUSE_UNIT_MS, "153722867280912.93 min"},
    {INT64_MIN, INFUSE_UNIT_MS, "-153722867280912.93 min"},
    /* ppm / 10000 = 922337203685477 % + 5807 ppm = 0.5807 % -> .58 */
    {INT64_MAX, INFUSE_UNIT_PPM, "922337203685477.58%"},
    {INT64_MIN, INFUSE_UNIT_PPM, "-922337203685477.58%"},
    /* ng / 1e6 = 9223372036854 + 0.775807 -> .7758 (and .775808 -> .7758) */
    {INT64_MAX, INFUSE_UNIT_NG_PER_ML, "9223372036854.7758 mg/mL"},
    {INT64_MIN, INFUSE_UNIT_NG_PER_ML, "-9223372036854.7758 mg/mL"},
    {INT64_MAX, INFUSE_UNIT_NG_PER_KG_PER_H, "9223372036854.7758 mg/kg/h"},
};

/* Check one row: the text, the returned length, and that the buffer past
 * the NUL is untouched. */
static void check_format_row(const struct fmt_case *c) {
  char buf[96];
  size_t n;
  size_t want = strlen(c->text);
  memset(buf, 0x5A, sizeof buf);
  n = infuse_format(c->value, c->unit, buf, sizeof buf);
  ck_assert_msg(strcmp(buf, c->text) == 0,
                "infuse_format(%lld, %d) gave \"%s\", expected \"%s\"",
                (long long)c->value, (int)c->unit, buf, c->text);
  ck_assert_uint_eq(n, want);
  ck_assert_int_eq(buf[want + 1], 0x5A);
  /* NULL buffer, cap 0: only the length. */
  ck_assert_uint_eq(infuse_format(c->value, c->unit, NULL, 0), want);
}

START_TEST(test_format_exact) { check_format_row(&FMT_EXACT[_i]); }
END_TEST

START_TEST(test_format_rounded) { check_format_row(&FMT_ROUNDED[_i]); }
END_TEST

START_TEST(test_format_zero) { check_format_row(&FMT_ZERO[_i]); }
END_TEST

START_TEST(test_format_extremes) { check_format_row(&FMT_EXTREMES[_i]); }
END_TEST

/* strnlen is POSIX, not C11. */
static size_t bounded_len(const char *s, size_t cap) {
  size_t n = 0;
  while (n < cap && s[n] != '\0') {
    n++;
  }
  return n;
}

/* Truncation: every cap from 1 to the full length + 1 for a few texts. */
static const struct fmt_case FMT_TRUNC[] = {
    {72500, INFUSE_UNIT_G, "72.5 kg"},
    {-8571, INFUSE_UNIT_PPM, "-0.86%"},
    {2399227, INFUSE_UNIT_MS, "39.99 min"},
    {338164, INFUSE_UNIT_NG_PER_ML, "0.3382 mg/mL"},
    {3, INFUSE_UNIT_COUNT, "3"},
};

START_TEST(test_format_truncation) {
  const struct fmt_case *c = &FMT_TRUNC[_i];
  size_t want = strlen(c->text);
  size_t cap;
  for (cap = 1; cap <= want + 1; cap++) {
    char buf[64];
    size_t n;
    size_t got;
    size_t k;
    memset(buf, 0x5A, sizeof buf);
    n = infuse_format(c->value, c->unit, buf, cap);
    ck_assert_uint_eq(n, want); /* always the length needed */
    /* NUL-terminated within cap, a prefix of the full text. */
    got = bounded_len(buf, cap);
    ck_assert_msg(got < cap, "cap %zu: no NUL within cap", cap);
    ck_assert_uint_le(got, cap - 1);
    ck_assert_msg(strncmp(buf, c->text, got) == 0,
                  "cap %zu: \"%s\" is not a prefix of \"%s\"", cap, buf,
                  c->text);
    if (cap == want + 1) {
      ck_assert_str_eq(buf, c->text);
    }
    /* Nothing written at or beyond cap. */
    for (k = cap; k < sizeof buf; k++) {
      ck_assert_msg(buf[k] == 0x5A, "cap %zu: byte %zu written", cap, k);
    }
  }
}
END_TEST

START_TEST(test_format_cap_zero_writes_nothing) {
  char buf[16];
  char ref[16];
  memset(buf, 0x5A, sizeof buf);
  memcpy(ref, buf, sizeof buf);
  ck_assert_uint_eq(infuse_format(72500, INFUSE_UNIT_G, buf, 0), 7u);
  ck_assert_mem_eq(buf, ref, sizeof buf);
  /* NULL buffer with a non-zero cap: nothing written, length returned. */
  ck_assert_uint_eq(infuse_format(72500, INFUSE_UNIT_G, NULL, 16), 7u);
  ck_assert_uint_eq(infuse_format(-8571, INFUSE_UNIT_PPM, NULL, 0), 6u);
}
END_TEST

START_TEST(test_format_unknown_unit_is_safe) {
  /* The header does not say what an unknown unit prints; only that the
   * return is the length and the text is NUL-terminated within cap. */
  static const int units[] = {0, 17, 99, -1};
  char buf[128];
  size_t n;
  memset(buf, 0x5A, sizeof buf);
  n = infuse_format(42, (infuse_unit_t)units[_i], buf, sizeof buf);
  ck_assert_uint_lt(n, sizeof buf);
  ck_assert_uint_eq(strlen(buf), n);
}
END_TEST

/* ===========================================================================
 * Suites
 * ======================================================================== */

static Suite *status_suite(void) {
  Suite *s = suite_create("status");
  TCase *core = tcase_create("core");
  TCase *edges = tcase_create("edges");
  tcase_add_loop_test(core, test_status_pinned_value, 0,
                      (int)N_ELEMS(STATUS_PINS));
  tcase_add_test(core, test_status_map_matches_pins);
  tcase_add_test(core, test_status_values_distinct);
  tcase_add_loop_test(core, test_status_name_known, 0,
                      (int)N_ELEMS(STATUS_PINS));
  tcase_add_loop_test(core, test_strerror_known, 0,
                      (int)N_ELEMS(STATUS_MAP_ROWS));
  tcase_add_test(core, test_strerror_spot_checks);
  tcase_add_loop_test(edges, test_strerror_unknown, 0,
                      (int)N_ELEMS(UNKNOWN_STATUSES));
  tcase_add_loop_test(edges, test_status_name_unknown, 0,
                      (int)N_ELEMS(UNKNOWN_STATUSES));
  suite_add_tcase(s, core);
  suite_add_tcase(s, edges);
  return s;
}

static Suite *names_suite(void) {
  Suite *s = suite_create("names");
  TCase *core = tcase_create("core");
  TCase *edges = tcase_create("edges");
  tcase_add_loop_test(core, test_finding_pinned, 0,
                      (int)N_ELEMS(FINDING_PINS));
  tcase_add_test(core, test_finding_map_matches_pins);
  tcase_add_loop_test(core, test_severity_name_known, 0,
                      (int)N_ELEMS(SEVERITY_NAMES));
  tcase_add_loop_test(core, test_rounding_name_known, 0,
                      (int)N_ELEMS(ROUNDING_NAMES));
  tcase_add_loop_test(core, test_verdict_name_known, 0,
                      (int)N_ELEMS(VERDICT_NAMES));
  tcase_add_loop_test(core, test_step_name_known, 0, (int)N_ELEMS(STEP_PINS));
  tcase_add_loop_test(core, test_dim_known, 0, (int)N_ELEMS(DIM_ROWS));
  tcase_add_test(core, test_dim_name_documented);
  tcase_add_loop_test(core, test_unit_symbol_known, 0,
                      (int)N_ELEMS(UNIT_PINS));
  tcase_add_test(core, test_unit_symbol_documented);
  tcase_add_loop_test(edges, test_finding_name_unknown, 0,
                      (int)N_ELEMS(UNKNOWN_CODES));
  tcase_add_test(edges, test_finding_name_none_is_unknown);
  tcase_add_loop_test(edges, test_small_names_unknown, 0,
                      (int)N_ELEMS(UNKNOWN_SMALL));
  tcase_add_loop_test(edges, test_step_name_unknown, 0,
                      (int)N_ELEMS(UNKNOWN_CODES));
  tcase_add_loop_test(edges, test_dim_unknown, 0, (int)N_ELEMS(UNKNOWN_DIMS));
  tcase_add_loop_test(edges, test_unit_symbol_unknown, 0,
                      (int)N_ELEMS(UNKNOWN_UNITS));
  suite_add_tcase(s, core);
  suite_add_tcase(s, edges);
  return s;
}

static Suite *version_suite(void) {
  Suite *s = suite_create("version");
  TCase *core = tcase_create("core");
  tcase_add_test(core, test_version_hex);
  tcase_add_test(core, test_version_string);
  suite_add_tcase(s, core);
  return s;
}

static Suite *format_suite(void) {
  Suite *s = suite_create("format");
  TCase *core = tcase_create("core");
  TCase *limits = tcase_create("limits");
  TCase *edges = tcase_create("edges");
  tcase_add_loop_test(core, test_format_exact, 0, (int)N_ELEMS(FMT_EXACT));
  tcase_add_loop_test(core, test_format_rounded, 0,
                      (int)N_ELEMS(FMT_ROUNDED));
  tcase_add_loop_test(core, test_format_zero, 0, (int)N_ELEMS(FMT_ZERO));
  tcase_add_loop_test(limits, test_format_extremes, 0,
                      (int)N_ELEMS(FMT_EXTREMES));
  tcase_add_loop_test(edges, test_format_truncation, 0,
                      (int)N_ELEMS(FMT_TRUNC));
  tcase_add_test(edges, test_format_cap_zero_writes_nothing);
  tcase_add_loop_test(edges, test_format_unknown_unit_is_safe, 0, 4);
  suite_add_tcase(s, core);
  suite_add_tcase(s, limits);
  suite_add_tcase(s, edges);
  return s;
}

int main(void) {
  int failed;
  SRunner *sr = srunner_create(status_suite());
  srunner_add_suite(sr, names_suite());
  srunner_add_suite(sr, version_suite());
  srunner_add_suite(sr, format_suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
