/*
 * compute.c - dosing weight, dose, preparation, pump program, limits.
 *
 * The formulas are documented in include/infuse.h above
 * infuse_dose_compute. Everything is computed into a local result that is
 * copied out only when the computation completes, so an error never leaves
 * a half-written result behind.
 */
#include "internal.h"

#include <string.h>

/* What a computation covers. */
typedef enum mode { MODE_DOSE, MODE_PUMP, MODE_ORAL } mode_t_;

/* ---- trail ----------------------------------------------------------------
 */

static int64_t gcd64(int64_t a, int64_t b) {
  if (a < 0) {
    a = -a;
  }
  while (b != 0) {
    int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Exact rationals are kept with denominators up to this, so that display
 * (den x display divisor) stays within 64 bits. */
#define EXACT_DEN_MAX 1000000000000

static infuse_step_t *add_step(infuse_result_t *r, infuse_step_kind_t kind,
                               infuse_unit_t unit) {
  /* The number of steps is bounded by construction (at most 17 kinds, each
   * added at most once), below INFUSE_MAX_STEPS. */
  infuse_step_t *s = &r->steps[r->n_steps++];
  s->kind = kind;
  s->unit = unit;
  s->exact_den = 1;
  return s;
}

static void add_operand(infuse_step_t *s, int64_t value, infuse_unit_t unit) {
  s->operands[s->n_operands].unit = unit;
  s->operands[s->n_operands].value = value;
  s->n_operands++;
}

/* Record the exact result num/den and the value used from here on. */
static void set_result(infuse_step_t *s, int64_t num, int64_t den,
                       int64_t value) {
  int64_t g = gcd64(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  s->value = value;
  /* den != 0 at every call: a positive constant, a table denominator x 1e6,
   * or a divisor the caller has already divided by (infuse__muldiv or
   * infuse_round_ratio fail on 0) or tested; the analyzer loses that through
   * the table lookup and the out-of-file division.
   * NOLINTNEXTLINE(clang-analyzer-core.DivideZero) */
  s->rounded = !(num % den == 0 && num / den == value);
  s->signed_value = num < 0;
  if (den > EXACT_DEN_MAX) {
    /* Too long to keep exactly: keep the rounded value, flagged. */
    s->exact_num = value;
    s->exact_den = 1;
  } else {
    s->exact_num = num;
    s->exact_den = den;
  }
}

static void set_rounding(infuse_step_t *s, infuse_rounding_t mode,
                         int64_t step) {
  s->rounding = mode;
  s->round_step = step;
}

/* ---- findings -------------------------------------------------------------
 */

typedef struct ctx {
  infuse_result_t r;
  const infuse_protocol_t *p;
  uint32_t ack;
} ctx_t;

static void add_finding(ctx_t *c, int code, infuse_severity_t severity,
                        infuse_unit_t unit, int64_t value, int64_t limit,
                        uint32_t ack_bit) {
  infuse_result_t *r = &c->r;
  if (r->n_findings >= INFUSE_MAX_FINDINGS) {
    return; /* cannot happen: at most 14 findings exist per calculation */
  }
  infuse_finding_t *f = &r->findings[r->n_findings++];
  f->code = (infuse_finding_code_t)code;
  f->severity = severity;
  f->acknowledged = severity == INFUSE_SEVERITY_SOFT && (c->ack & ack_bit) != 0;
  f->unit = unit;
  f->value = value;
  f->limit = limit;
  memcpy(f->protocol_id, c->p->id, sizeof f->protocol_id);
  memcpy(f->protocol_version, c->p->version, sizeof f->protocol_version);
}

/* Compare num/den (den > 0, num >= 0) with the integer bound. */
static int cmp_ratio(int64_t num, int64_t den, int64_t bound) {
  int64_t q = num / den;
  if (q != bound) {
    return q > bound ? 1 : -1;
  }
  return (num % den) != 0 ? 1 : 0;
}

/* Offsets of the four codes of one limited quantity. */
enum {
  OFF_HARD_LOW = 0,
  OFF_SOFT_LOW = 1,
  OFF_SOFT_HIGH = 2,
  OFF_HARD_HIGH = 3
};

typedef struct checked {
  int64_t hi_num, lo_num, den; /* the values checked, as ratios */
  int64_t bound_scale;         /* limit x bound_scale is in ratio units */
  infuse_unit_t unit;          /* the unit findings are reported in */
  int64_t hi_value, lo_value;  /* the values reported, in unit */
  int64_t limit_scale;         /* limit x limit_scale is in unit */
} checked_t;

static void check_limit(ctx_t *c, const infuse_limit_t *l, int code_base,
                        uint32_t ack_bit, const checked_t *v) {
  if (l->hard_high != 0 &&
      cmp_ratio(v->hi_num, v->den, l->hard_high * v->bound_scale) > 0) {
    add_finding(c, code_base + OFF_HARD_HIGH, INFUSE_SEVERITY_HARD, v->unit,
                v->hi_value, l->hard_high * v->limit_scale, ack_bit);
  } else if (l->soft_high != 0 &&
             cmp_ratio(v->hi_num, v->den, l->soft_high * v->bound_scale) > 0) {
    add_finding(c, code_base + OFF_SOFT_HIGH, INFUSE_SEVERITY_SOFT, v->unit,
                v->hi_value, l->soft_high * v->limit_scale, ack_bit);
  }
  if (l->hard_low != 0 &&
      cmp_ratio(v->lo_num, v->den, l->hard_low * v->bound_scale) < 0) {
    add_finding(c, code_base + OFF_HARD_LOW, INFUSE_SEVERITY_HARD, v->unit,
                v->lo_value, l->hard_low * v->limit_scale, ack_bit);
  } else if (l->soft_low != 0 &&
             cmp_ratio(v->lo_num, v->den, l->soft_low * v->bound_scale) < 0) {
    add_finding(c, code_base + OFF_SOFT_LOW, INFUSE_SEVERITY_SOFT, v->unit,
                v->lo_value, l->soft_low * v->limit_scale, ack_bit);
  }
}

static void check_scalar(ctx_t *c, const infuse_limit_t *l, int code_base,
                         uint32_t ack_bit, int64_t value, infuse_unit_t unit) {
  checked_t v = {value, value, 1, 1, unit, value, value, 1};
  check_limit(c, l, code_base, ack_bit, &v);
}

/* Dose limits on the prescribed dose and, with a pump program, also on the
 * delivered one. Values are exact in ng; per kg they are ng per g = ug/kg. */
static int check_dose_limits(ctx_t *c, int64_t delivered_ng) {
  infuse_result_t *r = &c->r;
  int64_t hi = r->dose_ng;
  int64_t lo = hi;
  if (delivered_ng >= 0) {
    hi = delivered_ng > hi ? delivered_ng : hi;
    lo = delivered_ng < lo ? delivered_ng : lo;
  }
  int64_t w = r->dosing_weight_g;
  checked_t per_kg = {hi, lo, w, 1, INFUSE_UNIT_NG_PER_KG, 0, 0, 1000};
  /* reported: ng/kg = 1000 x ng / g, nearest */
  if (infuse__muldiv((uint64_t)hi, 1000u, (uint64_t)w, INFUSE_ROUND_NEAREST,
                     &per_kg.hi_value) != INFUSE_OK ||
      infuse__muldiv((uint64_t)lo, 1000u, (uint64_t)w, INFUSE_ROUND_NEAREST,
                     &per_kg.lo_value) != INFUSE_OK) {
    return INFUSE_E_RANGE;
  }
  check_limit(c, &c->p->dose_per_kg, INFUSE_FINDING_DOSE_PER_KG_HARD_LOW,
              INFUSE_ACK_DOSE_PER_KG, &per_kg);
  checked_t abs = {hi, lo, 1, 1000, INFUSE_UNIT_NG, hi, lo, 1000};
  check_limit(c, &c->p->dose, INFUSE_FINDING_DOSE_HARD_LOW, INFUSE_ACK_DOSE,
              &abs);
  return INFUSE_OK;
}

/* ---- request validation ---------------------------------------------------
 */

/* How an entered quantity was converted: 1 unit = num / den base units,
 * and the unit it is shown in (x 1e6) in the trail. */
typedef struct conversion {
  const char *symbol;
  uint64_t num, den;
  infuse_unit_t micro_unit;
  infuse_step_kind_t step;
} conversion_t;

static const conversion_t conversions[] = {
    {"lb", 45359237u, 100000u, INFUSE_UNIT_MICRO_LB,
     INFUSE_STEP_WEIGHT_CONVERSION},
    {"lbs", 45359237u, 100000u, INFUSE_UNIT_MICRO_LB,
     INFUSE_STEP_WEIGHT_CONVERSION},
    {"in", 254u, 10u, INFUSE_UNIT_MICRO_IN, INFUSE_STEP_HEIGHT_CONVERSION},
};

static const conversion_t *conversion_of(const infuse_quantity_t *e) {
  for (size_t i = 0; i < sizeof conversions / sizeof conversions[0]; i++) {
    if (strcmp(e->source_unit, conversions[i].symbol) == 0) {
      return &conversions[i];
    }
  }
  return NULL;
}

static const int64_t pow10s[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* An entered quantity must be the one the request's value came from. */
static int check_entered(infuse_diag_t *diag, const char *field,
                         const infuse_quantity_t *e, infuse_dim_t dim,
                         int64_t value) {
  if (e->dim == INFUSE_DIM_NONE) {
    return INFUSE_OK;
  }
  if (e->dim != dim || e->unit != infuse_dim_unit(dim) ||
      memchr(e->source_unit, '\0', sizeof e->source_unit) == NULL ||
      e->source_mantissa <= 0 || e->source_scale < 0 ||
      e->source_scale > INFUSE_PARSE_MAX_DIGITS) {
    return infuse__fail(diag, INFUSE_E_INVALID, field, "",
                        "is not a quantity from infuse_quantity_parse of the "
                        "right dimension",
                        NULL, NULL);
  }
  if (e->value != value) {
    return infuse__fail_q(diag, INFUSE_E_CONFLICT, field, e->value, e->unit,
                          "differs from the value in the request", NULL, NULL);
  }
  const conversion_t *cv = conversion_of(e);
  if (cv == NULL) {
    return INFUSE_OK; /* exact units: no conversion step */
  }
  if (e->source_scale > 6) {
    return infuse__fail_q(diag, INFUSE_E_PRECISION, field, e->value, e->unit,
                          "was entered with more than 6 decimals of ",
                          cv->symbol, "");
  }
  /* the conversion must give the value: nearest(m x num / (den x 10^s)) */
  int64_t g;
  if (infuse__muldiv((uint64_t)e->source_mantissa, cv->num,
                     cv->den * (uint64_t)pow10s[e->source_scale],
                     INFUSE_ROUND_NEAREST, &g) != INFUSE_OK ||
      g != value) {
    return infuse__fail_q(diag, INFUSE_E_CONFLICT, field, e->value, e->unit,
                          "does not follow from the digits entered", NULL,
                          NULL);
  }
  return INFUSE_OK;
}

/* The trail step of a conversion from lb or in, when there was one. */
static void conversion_step(infuse_result_t *r, const infuse_quantity_t *e) {
  if (e->dim == INFUSE_DIM_NONE) {
    return;
  }
  const conversion_t *cv = conversion_of(e);
  if (cv == NULL) {
    return;
  }
  /* micro-units: m x 10^(6 - s); exact = micro x num / (den x 1e6) */
  int64_t micro = e->source_mantissa * pow10s[6 - e->source_scale];
  infuse_step_t *s = add_step(r, cv->step, e->unit);
  add_operand(s, micro, cv->micro_unit);
  set_result(s, micro * (int64_t)cv->num, (int64_t)cv->den * 1000000, e->value);
  set_rounding(s, INFUSE_ROUND_NEAREST, 1);
}

static int validate_request(const infuse_request_t *q, mode_t_ mode,
                            infuse_diag_t *diag) {
  const infuse_protocol_t *p = q->protocol;
  if (p == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, "protocol", "",
                        "the request names no protocol", NULL, NULL);
  }
  INFUSE__TRY(infuse_protocol_validate(p, diag));
  if (mode == MODE_ORAL && p->route != INFUSE_ROUTE_ORAL) {
    return infuse__fail(diag, INFUSE_E_INVALID, "protocol", p->id,
                        "this protocol is an infusion, not an oral regimen; "
                        "use the pump program",
                        NULL, NULL);
  }
  if (mode == MODE_PUMP && p->route != INFUSE_ROUTE_IV_INFUSION) {
    return infuse__fail(diag, INFUSE_E_NOT_INFUSION, "protocol", p->id,
                        "this protocol is not an infusion; it has a dose but "
                        "no pump program",
                        NULL, NULL);
  }
  if (q->weight_g == 0) {
    return infuse__fail(diag, INFUSE_E_MISSING, "weight_g", "0",
                        "the patient's actual body weight is required", NULL,
                        NULL);
  }
  INFUSE__TRY(infuse__check_positive(diag, "weight_g", q->weight_g,
                                     INFUSE_MAX_WEIGHT_G, INFUSE_UNIT_G));
  if (q->weight_basis != INFUSE_WEIGHT_ACTUAL &&
      q->weight_basis != INFUSE_WEIGHT_IDEAL &&
      q->weight_basis != INFUSE_WEIGHT_ADJUSTED) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "weight_basis",
                          (int64_t)q->weight_basis, INFUSE_UNIT_COUNT,
                          "is not a weight basis; accepted: 0 actual, 1 "
                          "ideal, 2 adjusted",
                          NULL, NULL);
  }
  if (q->sex != INFUSE_SEX_UNSPECIFIED && q->sex != INFUSE_SEX_MALE &&
      q->sex != INFUSE_SEX_FEMALE) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "sex", (int64_t)q->sex,
                          INFUSE_UNIT_COUNT,
                          "is not a sex; accepted: 0 unspecified, 1 male, 2 "
                          "female",
                          NULL, NULL);
  }
  if (q->height_mm < 0) {
    return infuse__fail_q(diag, INFUSE_E_NEGATIVE, "height_mm", q->height_mm,
                          INFUSE_UNIT_MM, "is negative", NULL, NULL);
  }
  if (q->height_mm != 0 && (q->height_mm < INFUSE_MIN_HEIGHT_MM ||
                            q->height_mm > INFUSE_MAX_HEIGHT_MM)) {
    return infuse__fail_q(
        diag, INFUSE_E_RANGE, "height_mm", q->height_mm, INFUSE_UNIT_MM,
        "is outside 300 to 3000 mm (30 to 300 cm)", NULL, NULL);
  }
  if (q->weight_basis != INFUSE_WEIGHT_ACTUAL) {
    if (q->height_mm == 0) {
      return infuse__fail(diag, INFUSE_E_MISSING, "height_mm", "0",
                          "ideal and adjusted body weight need the height",
                          NULL, NULL);
    }
    if (q->sex == INFUSE_SEX_UNSPECIFIED) {
      return infuse__fail(diag, INFUSE_E_MISSING, "sex", "unspecified",
                          "ideal and adjusted body weight need the sex (male "
                          "or female)",
                          NULL, NULL);
    }
  }
  if (q->dose_mode == INFUSE_DOSE_PER_KG) {
    INFUSE__TRY(infuse__check_positive(
        diag, "dose_ug_per_kg", q->dose_ug_per_kg, INFUSE_MAX_DOSE_UG_PER_KG,
        INFUSE_UNIT_UG_PER_KG));
  } else if (q->dose_mode == INFUSE_DOSE_FIXED) {
    INFUSE__TRY(infuse__check_positive(diag, "dose_ug", q->dose_ug,
                                       INFUSE_MAX_DOSE_UG, INFUSE_UNIT_UG));
  } else {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "dose_mode",
                          (int64_t)q->dose_mode, INFUSE_UNIT_COUNT,
                          "is not a dose mode; accepted: 0 per kg, 1 fixed",
                          NULL, NULL);
  }
  if ((q->acknowledge & ~INFUSE_ACK_ALL) != 0) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "acknowledge",
                          (int64_t)q->acknowledge, INFUSE_UNIT_COUNT,
                          "has bits that are not INFUSE_ACK_* flags", NULL,
                          NULL);
  }
  INFUSE__TRY(check_entered(diag, "weight_entered", &q->weight_entered,
                            INFUSE_DIM_BODY_WEIGHT, q->weight_g));
  INFUSE__TRY(check_entered(diag, "height_entered", &q->height_entered,
                            INFUSE_DIM_LENGTH, q->height_mm));
  if (mode == MODE_DOSE) {
    return INFUSE_OK;
  }
  if (mode == MODE_PUMP) {
    INFUSE__TRY(infuse__check_positive(diag, "duration_s", q->duration_s,
                                       INFUSE_MAX_DURATION_S, INFUSE_UNIT_S));
  }
  INFUSE__TRY(infuse__check_positive(diag, "vial_ug_per_ml", q->vial_ug_per_ml,
                                     INFUSE_MAX_CONC_UG_PER_ML,
                                     INFUSE_UNIT_UG_PER_ML));
  INFUSE__TRY(infuse__check_positive(diag, "volume_step_ul", q->volume_step_ul,
                                     INFUSE_MAX_VOLUME_STEP_UL,
                                     INFUSE_UNIT_UL));
  if (mode == MODE_ORAL) {
    return INFUSE_OK;
  }
  INFUSE__TRY(infuse__check_positive(
      diag, "rate_step_ul_per_h", q->rate_step_ul_per_h,
      INFUSE_MAX_RATE_STEP_UL_PER_H, INFUSE_UNIT_UL_PER_H));
  switch (q->prep) {
  case INFUSE_PREP_ADD:
  case INFUSE_PREP_REPLACE:
    INFUSE__TRY(infuse__check_positive(diag, "bag_ul", q->bag_ul,
                                       INFUSE_MAX_VOLUME_UL, INFUSE_UNIT_UL));
    break;
  case INFUSE_PREP_FINAL_CONC:
    INFUSE__TRY(infuse__check_positive(
        diag, "final_conc_ug_per_ml", q->final_conc_ug_per_ml,
        INFUSE_MAX_CONC_UG_PER_ML, INFUSE_UNIT_UG_PER_ML));
    break;
  case INFUSE_PREP_SYRINGE:
    break;
  default:
    return infuse__fail_q(diag, INFUSE_E_INVALID, "prep", (int64_t)q->prep,
                          INFUSE_UNIT_COUNT,
                          "is not a preparation; accepted: 0 add, 1 replace, "
                          "2 final concentration, 3 syringe",
                          NULL, NULL);
  }
  return INFUSE_OK;
}

/* ---- dose -----------------------------------------------------------------
 */

static int compute_dose(ctx_t *c, const infuse_request_t *q,
                        infuse_diag_t *diag) {
  infuse_result_t *r = &c->r;
  infuse_step_t *s;
  r->actual_weight_g = q->weight_g;
  r->height_mm = q->height_mm;
  r->weight_basis = q->weight_basis;
  r->dose_mode = q->dose_mode;

  conversion_step(r, &q->weight_entered);
  conversion_step(r, &q->height_entered);
  s = add_step(r, INFUSE_STEP_ACTUAL_WEIGHT, INFUSE_UNIT_G);
  add_operand(s, q->weight_g, INFUSE_UNIT_G);
  set_result(s, q->weight_g, 1, q->weight_g);

  int64_t dosing = q->weight_g;
  if (q->weight_basis != INFUSE_WEIGHT_ACTUAL) {
    /* Devine: base + 2.3 kg per inch over 60 in; 1 in = 25.4 mm, so
     * 2300 g x (h / 25.4 - 60) = (23000 h - 138000 x 254) / 254. */
    int64_t base = q->sex == INFUSE_SEX_MALE ? 50000 : 45500;
    int64_t num = 254 * (base - 138000) + 23000 * q->height_mm;
    if (num < 254 / 2) { /* nearest(num / 254) would be 0 or less */
      return infuse__fail_q(diag, INFUSE_E_RANGE, "height_mm", q->height_mm,
                            INFUSE_UNIT_MM,
                            "is too short for the Devine formula (ideal body "
                            "weight would be 0 or less)",
                            NULL, NULL);
    }
    int64_t ibw;
    INFUSE__TRY(
        infuse__muldiv((uint64_t)num, 1u, 254u, INFUSE_ROUND_NEAREST, &ibw));
    s = add_step(r, INFUSE_STEP_IDEAL_WEIGHT, INFUSE_UNIT_G);
    add_operand(s, base, INFUSE_UNIT_G);
    add_operand(s, q->height_mm, INFUSE_UNIT_MM);
    set_result(s, num, 254, ibw);
    set_rounding(s, INFUSE_ROUND_NEAREST, 1);
    r->ideal_weight_g = ibw;
    dosing = ibw;
    if (q->weight_basis == INFUSE_WEIGHT_ADJUSTED) {
      int64_t anum = 6 * ibw + 4 * q->weight_g;
      int64_t adj;
      INFUSE__TRY(
          infuse__muldiv((uint64_t)anum, 1u, 10u, INFUSE_ROUND_NEAREST, &adj));
      s = add_step(r, INFUSE_STEP_ADJUSTED_WEIGHT, INFUSE_UNIT_G);
      add_operand(s, ibw, INFUSE_UNIT_G);
      add_operand(s, q->weight_g, INFUSE_UNIT_G);
      set_result(s, anum, 10, adj);
      set_rounding(s, INFUSE_ROUND_NEAREST, 1);
      r->adjusted_weight_g = adj;
      dosing = adj;
    }
  }
  if (q->height_mm != 0) {
    int64_t h2 = q->height_mm * q->height_mm;
    int64_t bmi;
    INFUSE__TRY(infuse__muldiv((uint64_t)q->weight_g, 100000u, (uint64_t)h2,
                               INFUSE_ROUND_NEAREST, &bmi));
    s = add_step(r, INFUSE_STEP_BMI, INFUSE_UNIT_CENTI_KG_PER_M2);
    add_operand(s, q->weight_g, INFUSE_UNIT_G);
    add_operand(s, q->height_mm, INFUSE_UNIT_MM);
    set_result(s, q->weight_g * 100000, h2, bmi);
    set_rounding(s, INFUSE_ROUND_NEAREST, 1);
    r->bmi_centi = bmi;
  }
  if (dosing <= 0) {
    return infuse__fail_q(diag, INFUSE_E_RANGE, "height_mm", q->height_mm,
                          INFUSE_UNIT_MM, "gives a dosing weight of 0 or less",
                          NULL, NULL);
  }
  s = add_step(r, INFUSE_STEP_DOSING_WEIGHT, INFUSE_UNIT_G);
  add_operand(s, dosing, INFUSE_UNIT_G);
  set_result(s, dosing, 1, dosing);
  r->dosing_weight_g = dosing;

  if (q->dose_mode == INFUSE_DOSE_PER_KG) {
    /* g x ug/kg = ng, exactly */
    r->dose_ng = dosing * q->dose_ug_per_kg;
    r->dose_ug_per_kg = q->dose_ug_per_kg;
    s = add_step(r, INFUSE_STEP_DOSE, INFUSE_UNIT_NG);
    add_operand(s, q->dose_ug_per_kg, INFUSE_UNIT_UG_PER_KG);
    add_operand(s, dosing, INFUSE_UNIT_G);
    set_result(s, r->dose_ng, 1, r->dose_ng);
  } else {
    r->dose_ng = q->dose_ug * 1000;
    s = add_step(r, INFUSE_STEP_DOSE, INFUSE_UNIT_NG);
    add_operand(s, q->dose_ug, INFUSE_UNIT_UG);
    set_result(s, r->dose_ng, 1, r->dose_ng);
    /* ng / g = ug/kg */
    int64_t per_kg;
    INFUSE__TRY(infuse__muldiv((uint64_t)r->dose_ng, 1u, (uint64_t)dosing,
                               INFUSE_ROUND_NEAREST, &per_kg));
    s = add_step(r, INFUSE_STEP_DOSE_PER_KG, INFUSE_UNIT_UG_PER_KG);
    add_operand(s, r->dose_ng, INFUSE_UNIT_NG);
    add_operand(s, dosing, INFUSE_UNIT_G);
    set_result(s, r->dose_ng, dosing, per_kg);
    set_rounding(s, INFUSE_ROUND_NEAREST, 1);
    r->dose_ug_per_kg = per_kg;
  }
  return INFUSE_OK;
}

static void weight_findings(ctx_t *c, const infuse_request_t *q) {
  infuse_result_t *r = &c->r;
  check_scalar(c, &c->p->weight, INFUSE_FINDING_WEIGHT_HARD_LOW,
               INFUSE_ACK_WEIGHT, q->weight_g, INFUSE_UNIT_G);
  if (q->weight_basis != INFUSE_WEIGHT_ACTUAL) {
    /* 60 in = 1524 mm */
    if (q->height_mm < 1524) {
      add_finding(c, INFUSE_FINDING_IBW_SHORT_STATURE, INFUSE_SEVERITY_ADVISORY,
                  INFUSE_UNIT_MM, q->height_mm, 1524, 0);
    }
    if (r->dosing_weight_g > r->actual_weight_g) {
      add_finding(c, INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL,
                  INFUSE_SEVERITY_ADVISORY, INFUSE_UNIT_G, r->dosing_weight_g,
                  r->actual_weight_g, 0);
    }
  }
}

/* ---- pump program ---------------------------------------------------------
 */

/* Draw-up (or oral) volume from the vial or solution, the delivered dose,
 * its deviation, and the dose limits on both doses. */
static int compute_draw(ctx_t *c, const infuse_request_t *q) {
  infuse_result_t *r = &c->r;
  const infuse_protocol_t *p = c->p;
  infuse_step_t *s;
  int64_t vial = q->vial_ug_per_ml;
  int64_t vstep = q->volume_step_ul;

  r->vial_ug_per_ml = vial;
  r->volume_step_ul = vstep;

  /* draw-up volume: ng / (ug/mL) = uL */
  int64_t draw;
  INFUSE__TRY(
      infuse_round_ratio(r->dose_ng, vial, vstep, p->volume_rounding, &draw));
  s = add_step(r, INFUSE_STEP_DRAW_VOLUME, INFUSE_UNIT_UL);
  add_operand(s, r->dose_ng, INFUSE_UNIT_NG);
  add_operand(s, vial, INFUSE_UNIT_UG_PER_ML);
  set_result(s, r->dose_ng, vial, draw);
  set_rounding(s, p->volume_rounding, vstep);
  r->drug_volume_ul = draw;
  if (draw > INFUSE_MAX_VOLUME_UL) {
    return INFUSE_E_RANGE;
  }

  /* uL x ug/mL = ng, exactly */
  int64_t delivered = draw * vial;
  s = add_step(r, INFUSE_STEP_DELIVERED_DOSE, INFUSE_UNIT_NG);
  add_operand(s, draw, INFUSE_UNIT_UL);
  add_operand(s, vial, INFUSE_UNIT_UG_PER_ML);
  set_result(s, delivered, 1, delivered);
  r->delivered_dose_ng = delivered;

  int64_t diff = delivered - r->dose_ng;
  uint64_t mag = diff < 0 ? (uint64_t)(-diff) : (uint64_t)diff;
  int64_t dev_mag;
  INFUSE__TRY(infuse__muldiv(mag, 1000000u, (uint64_t)r->dose_ng,
                             INFUSE_ROUND_NEAREST, &dev_mag));
  int64_t dev = diff < 0 ? -dev_mag : dev_mag;
  s = add_step(r, INFUSE_STEP_DEVIATION, INFUSE_UNIT_PPM);
  add_operand(s, delivered, INFUSE_UNIT_NG);
  add_operand(s, r->dose_ng, INFUSE_UNIT_NG);
  set_result(s, diff * 1000000, r->dose_ng, dev);
  set_rounding(s, INFUSE_ROUND_NEAREST, 1);
  r->dose_deviation_ppm = dev;

  INFUSE__TRY(check_dose_limits(c, delivered));
  if (p->max_deviation_ppm != 0 && dev_mag > p->max_deviation_ppm) {
    add_finding(c, INFUSE_FINDING_DOSE_DEVIATION, INFUSE_SEVERITY_SOFT,
                INFUSE_UNIT_PPM, dev, p->max_deviation_ppm,
                INFUSE_ACK_DEVIATION);
  }
  if (draw == 0) {
    add_finding(c, INFUSE_FINDING_DRAW_VOLUME_ZERO, INFUSE_SEVERITY_HARD,
                INFUSE_UNIT_UL, draw, vstep, 0);
  }
  return INFUSE_OK;
}

static int compute_pump(ctx_t *c, const infuse_request_t *q) {
  infuse_result_t *r = &c->r;
  const infuse_protocol_t *p = c->p;
  infuse_step_t *s;
  int64_t vial = q->vial_ug_per_ml;
  int64_t vstep = q->volume_step_ul;

  r->prep = q->prep;
  r->duration_s = q->duration_s;
  r->rate_step_ul_per_h = q->rate_step_ul_per_h;
  INFUSE__TRY(compute_draw(c, q));
  check_scalar(c, &p->duration, INFUSE_FINDING_DURATION_HARD_LOW,
               INFUSE_ACK_DURATION, q->duration_s, INFUSE_UNIT_S);
  int64_t draw = r->drug_volume_ul;
  int64_t delivered = r->delivered_dose_ng;
  if (draw == 0) {
    return INFUSE_OK;
  }

  /* The protocol's vial fill belongs to its own vial strength: with another
   * strength the fill is unknown and vials are not counted. */
  if (p->vial_volume_ul != 0 && vial == p->vial_ug_per_ml) {
    int64_t vials;
    INFUSE__TRY(infuse__muldiv((uint64_t)draw, 1u, (uint64_t)p->vial_volume_ul,
                               INFUSE_ROUND_UP, &vials));
    s = add_step(r, INFUSE_STEP_VIALS, INFUSE_UNIT_COUNT);
    add_operand(s, draw, INFUSE_UNIT_UL);
    add_operand(s, p->vial_volume_ul, INFUSE_UNIT_UL);
    set_result(s, draw, p->vial_volume_ul, vials);
    set_rounding(s, INFUSE_ROUND_UP, 1);
    r->vials = vials;
    if (vials > 1) {
      add_finding(c, INFUSE_FINDING_MULTIPLE_VIALS, INFUSE_SEVERITY_ADVISORY,
                  INFUSE_UNIT_COUNT, vials, 1, 0);
    }
  }

  int64_t diluent = 0, total = 0;
  switch (q->prep) {
  case INFUSE_PREP_ADD:
    diluent = q->bag_ul;
    total = q->bag_ul + draw;
    s = add_step(r, INFUSE_STEP_DILUENT, INFUSE_UNIT_UL);
    add_operand(s, q->bag_ul, INFUSE_UNIT_UL);
    set_result(s, diluent, 1, diluent);
    s = add_step(r, INFUSE_STEP_TOTAL_VOLUME, INFUSE_UNIT_UL);
    add_operand(s, draw, INFUSE_UNIT_UL);
    add_operand(s, diluent, INFUSE_UNIT_UL);
    set_result(s, total, 1, total);
    break;
  case INFUSE_PREP_REPLACE:
    if (draw > q->bag_ul) {
      add_finding(c, INFUSE_FINDING_DRAW_EXCEEDS_BAG, INFUSE_SEVERITY_HARD,
                  INFUSE_UNIT_UL, draw, q->bag_ul, 0);
      return INFUSE_OK;
    }
    diluent = q->bag_ul - draw;
    total = q->bag_ul;
    s = add_step(r, INFUSE_STEP_DILUENT, INFUSE_UNIT_UL);
    add_operand(s, q->bag_ul, INFUSE_UNIT_UL);
    add_operand(s, draw, INFUSE_UNIT_UL);
    set_result(s, diluent, 1, diluent);
    s = add_step(r, INFUSE_STEP_TOTAL_VOLUME, INFUSE_UNIT_UL);
    add_operand(s, draw, INFUSE_UNIT_UL);
    add_operand(s, diluent, INFUSE_UNIT_UL);
    set_result(s, total, 1, total);
    break;
  case INFUSE_PREP_FINAL_CONC: {
    int64_t fc = q->final_conc_ug_per_ml;
    if (fc > vial) {
      add_finding(c, INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL, INFUSE_SEVERITY_HARD,
                  INFUSE_UNIT_UG_PER_ML, fc, vial, 0);
      return INFUSE_OK;
    }
    /* ng / (ug/mL) = uL, rounded to the volume step */
    /* fc <= vial, so the exact total is >= draw, and draw is a multiple of
     * the step: rounding in any mode keeps total >= draw. */
    INFUSE__TRY(
        infuse_round_ratio(delivered, fc, vstep, p->volume_rounding, &total));
    s = add_step(r, INFUSE_STEP_TOTAL_VOLUME, INFUSE_UNIT_UL);
    add_operand(s, delivered, INFUSE_UNIT_NG);
    add_operand(s, fc, INFUSE_UNIT_UG_PER_ML);
    set_result(s, delivered, fc, total);
    set_rounding(s, p->volume_rounding, vstep);
    diluent = total - draw;
    s = add_step(r, INFUSE_STEP_DILUENT, INFUSE_UNIT_UL);
    add_operand(s, total, INFUSE_UNIT_UL);
    add_operand(s, draw, INFUSE_UNIT_UL);
    set_result(s, diluent, 1, diluent);
    break;
  }
  case INFUSE_PREP_SYRINGE:
  default:
    diluent = 0;
    total = draw;
    s = add_step(r, INFUSE_STEP_TOTAL_VOLUME, INFUSE_UNIT_UL);
    add_operand(s, draw, INFUSE_UNIT_UL);
    set_result(s, total, 1, total);
    break;
  }
  if (total > 2 * (int64_t)INFUSE_MAX_VOLUME_UL) {
    return INFUSE_E_RANGE;
  }
  r->diluent_ul = diluent;
  r->total_volume_ul = total;
  r->vtbi_ul = total;

  /* ng / uL = ug/mL; x 1000 = ng/mL */
  int64_t fconc;
  INFUSE__TRY(infuse__muldiv((uint64_t)delivered, 1000u, (uint64_t)total,
                             INFUSE_ROUND_NEAREST, &fconc));
  s = add_step(r, INFUSE_STEP_FINAL_CONC, INFUSE_UNIT_NG_PER_ML);
  add_operand(s, delivered, INFUSE_UNIT_NG);
  add_operand(s, total, INFUSE_UNIT_UL);
  set_result(s, delivered * 1000, total, fconc);
  set_rounding(s, INFUSE_ROUND_NEAREST, 1);
  r->final_conc_ng_per_ml = fconc;
  {
    checked_t v = {delivered, delivered, total, 1, INFUSE_UNIT_NG_PER_ML,
                   fconc,     fconc,     1000};
    check_limit(c, &p->concentration, INFUSE_FINDING_CONCENTRATION_HARD_LOW,
                INFUSE_ACK_CONCENTRATION, &v);
    if (p->must_dilute_ug_per_ml != 0 &&
        cmp_ratio(delivered, total, p->must_dilute_ug_per_ml) >= 0) {
      add_finding(c, INFUSE_FINDING_UNDILUTED_STRENGTH, INFUSE_SEVERITY_HARD,
                  INFUSE_UNIT_NG_PER_ML, fconc, p->must_dilute_ug_per_ml * 1000,
                  0);
    }
  }

  /* rate: uL x 3600 / s = uL/h, rounded to the pump step */
  int64_t rstep = q->rate_step_ul_per_h;
  int64_t rate;
  INFUSE__TRY(infuse_round_ratio(total * 3600, q->duration_s, rstep,
                                 p->rate_rounding, &rate));
  s = add_step(r, INFUSE_STEP_RATE, INFUSE_UNIT_UL_PER_H);
  add_operand(s, total, INFUSE_UNIT_UL);
  add_operand(s, q->duration_s, INFUSE_UNIT_S);
  set_result(s, total * 3600, q->duration_s, rate);
  set_rounding(s, p->rate_rounding, rstep);
  r->rate_ul_per_h = rate;
  check_scalar(c, &p->rate, INFUSE_FINDING_RATE_HARD_LOW, INFUSE_ACK_RATE, rate,
               INFUSE_UNIT_UL_PER_H);
  if (rate == 0) {
    add_finding(c, INFUSE_FINDING_RATE_ZERO, INFUSE_SEVERITY_HARD,
                INFUSE_UNIT_UL_PER_H, rate, rstep, 0);
    return INFUSE_OK;
  }
  if (p->pump_max_ul_per_h != 0 && rate > p->pump_max_ul_per_h) {
    add_finding(c, INFUSE_FINDING_RATE_ABOVE_PUMP_MAX, INFUSE_SEVERITY_HARD,
                INFUSE_UNIT_UL_PER_H, rate, p->pump_max_ul_per_h, 0);
  }
  if (q->prep != INFUSE_PREP_SYRINGE && p->volumetric_min_ul_per_h != 0 &&
      rate < p->volumetric_min_ul_per_h) {
    add_finding(c, INFUSE_FINDING_LOW_RATE_VOLUMETRIC, INFUSE_SEVERITY_ADVISORY,
                INFUSE_UNIT_UL_PER_H, rate, p->volumetric_min_ul_per_h, 0);
  }

  /* actual duration: uL / (uL/h) h = 3.6e6 x uL / (uL/h) ms */
  int64_t actual_ms;
  INFUSE__TRY(infuse__muldiv((uint64_t)total, 3600000u, (uint64_t)rate,
                             INFUSE_ROUND_NEAREST, &actual_ms));
  s = add_step(r, INFUSE_STEP_ACTUAL_DURATION, INFUSE_UNIT_MS);
  add_operand(s, total, INFUSE_UNIT_UL);
  add_operand(s, rate, INFUSE_UNIT_UL_PER_H);
  set_result(s, total * 3600000, rate, actual_ms);
  set_rounding(s, INFUSE_ROUND_NEAREST, 1);
  r->actual_duration_ms = actual_ms;

  /* dose rate: ng / kg / h = 1000 x ng x (uL/h) / (g x uL) */
  int64_t dr;
  int64_t wt = r->dosing_weight_g;
  INFUSE__TRY(infuse__muldiv((uint64_t)delivered * 1000u, (uint64_t)rate,
                             (uint64_t)wt * (uint64_t)total,
                             INFUSE_ROUND_NEAREST, &dr));
  s = add_step(r, INFUSE_STEP_DOSE_RATE, INFUSE_UNIT_NG_PER_KG_PER_H);
  add_operand(s, delivered, INFUSE_UNIT_NG);
  add_operand(s, wt, INFUSE_UNIT_G);
  add_operand(s, total, INFUSE_UNIT_UL);
  add_operand(s, rate, INFUSE_UNIT_UL_PER_H);
  {
    /* keep the exact ratio when it fits in 64 bits */
    int64_t num;
    if (infuse__muldiv((uint64_t)delivered * 1000u, (uint64_t)rate, 1u,
                       INFUSE_ROUND_DOWN, &num) == INFUSE_OK &&
        (uint64_t)wt <= (uint64_t)INT64_MAX / (uint64_t)total) {
      int64_t den = wt * total;
      set_result(s, num, den, dr);
    } else {
      set_result(s, dr, 1, dr);
      s->rounded = true;
    }
  }
  set_rounding(s, INFUSE_ROUND_NEAREST, 1);
  r->dose_rate_ng_per_kg_per_h = dr;
  return INFUSE_OK;
}

/* ---- entry points ---------------------------------------------------------
 */

static int finish(ctx_t *c, infuse_result_t *out) {
  infuse_result_t *r = &c->r;
  bool hard = false, soft = false;
  for (int i = 0; i < r->n_findings; i++) {
    const infuse_finding_t *f = &r->findings[i];
    if (f->severity == INFUSE_SEVERITY_HARD) {
      hard = true;
    } else if (f->severity == INFUSE_SEVERITY_SOFT && !f->acknowledged) {
      soft = true;
    }
  }
  r->verdict = hard   ? INFUSE_VERDICT_HARD_LIMIT
               : soft ? INFUSE_VERDICT_SOFT_LIMIT
                      : INFUSE_VERDICT_OK;
  memcpy(out, r, sizeof *out); /* padding too: results compare bytewise */
  return hard   ? INFUSE_STOP_HARD_LIMIT
         : soft ? INFUSE_STOP_SOFT_LIMIT
                : INFUSE_OK;
}

static int compute(const infuse_request_t *q, infuse_result_t *out,
                   infuse_diag_t *diag, mode_t_ mode) {
  if (q == NULL || out == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, q == NULL ? "request" : "result",
                        "", "a required pointer is NULL", NULL, NULL);
  }
  if (q->struct_size != sizeof(infuse_request_t)) {
    return infuse__fail_q(diag, INFUSE_E_STRUCT_SIZE, "request.struct_size",
                          (int64_t)q->struct_size, INFUSE_UNIT_COUNT,
                          "is not sizeof(infuse_request_t) of this library",
                          NULL, NULL);
  }
  if (out->struct_size != sizeof(infuse_result_t)) {
    return infuse__fail_q(diag, INFUSE_E_STRUCT_SIZE, "result.struct_size",
                          (int64_t)out->struct_size, INFUSE_UNIT_COUNT,
                          "is not sizeof(infuse_result_t) of this library",
                          NULL, NULL);
  }
  INFUSE__TRY(validate_request(q, mode, diag));

  ctx_t c;
  memset(&c.r, 0, sizeof c.r);
  c.p = q->protocol;
  c.ack = q->acknowledge;
  c.r.struct_size = (uint32_t)sizeof(infuse_result_t);
  c.r.route = c.p->route;
  memcpy(c.r.protocol_id, c.p->id, sizeof c.r.protocol_id);
  memcpy(c.r.protocol_version, c.p->version, sizeof c.r.protocol_version);

  INFUSE__TRY(compute_dose(&c, q, diag));
  weight_findings(&c, q);
  int rc;
  switch (mode) {
  case MODE_PUMP:
    c.r.has_pump = true;
    rc = compute_pump(&c, q);
    break;
  case MODE_ORAL:
    rc = compute_draw(&c, q);
    break;
  case MODE_DOSE:
  default:
    rc = check_dose_limits(&c, -1);
    break;
  }
  if (rc != INFUSE_OK) {
    return infuse__fail(diag, rc, "request", "",
                        "the numbers are too large to compute exactly", NULL,
                        NULL);
  }
  return finish(&c, out);
}

int infuse_dose_compute(const infuse_request_t *req, infuse_result_t *result,
                        infuse_diag_t *diag) {
  return compute(req, result, diag, MODE_DOSE);
}

int infuse_pump_compute(const infuse_request_t *req, infuse_result_t *result,
                        infuse_diag_t *diag) {
  return compute(req, result, diag, MODE_PUMP);
}

int infuse_oral_compute(const infuse_request_t *req, infuse_result_t *result,
                        infuse_diag_t *diag) {
  return compute(req, result, diag, MODE_ORAL);
}

int infuse_request_init(infuse_request_t *req,
                        const infuse_protocol_t *protocol) {
  if (req == NULL || protocol == NULL) {
    return INFUSE_E_NULL;
  }
  if (protocol->struct_size != sizeof(infuse_protocol_t)) {
    return INFUSE_E_STRUCT_SIZE;
  }
  infuse_request_t q;
  memset(&q, 0, sizeof q);
  q.struct_size = (uint32_t)sizeof(infuse_request_t);
  q.protocol = protocol;
  q.weight_basis = INFUSE_WEIGHT_ACTUAL;
  q.sex = INFUSE_SEX_UNSPECIFIED;
  q.dose_mode = INFUSE_DOSE_PER_KG;
  q.dose_ug_per_kg = protocol->dose_ug_per_kg;
  q.duration_s = protocol->duration_s;
  q.vial_ug_per_ml = protocol->vial_ug_per_ml;
  q.prep = protocol->prep;
  q.bag_ul = protocol->bag_ul;
  q.final_conc_ug_per_ml = protocol->final_conc_ug_per_ml;
  q.volume_step_ul = protocol->volume_step_ul;
  q.rate_step_ul_per_h = protocol->rate_step_ul_per_h;
  q.acknowledge = INFUSE_ACK_NONE;
  *req = q;
  return INFUSE_OK;
}
