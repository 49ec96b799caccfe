/*
 * test_limits.c - limit checks, acknowledgement, pharmacist checks and the
 * rule that errors are not findings.
 *
 * Every expected number below was worked out by hand from the rules in
 * include/infuse.h ("How the numbers are computed", "Limit checks"); the
 * arithmetic is written next to each row. Nothing here was copied from the
 * library's output.
 *
 * The tests use a copy of the built-in ketamine-trd-40 protocol with every
 * field they depend on overwritten (see base_protocol), every limit cleared
 * and every pharmacist check disabled; each test then sets only the limits
 * or checks it is about, to round numbers, so the edges are easy to compute
 * and no other finding can appear.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infuse.h>

#define N_ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define SITE_ID "site-limits"
#define SITE_VERSION "7.3-test"

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

static void set_text(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  ck_assert_uint_lt(n, cap);
  memset(dst, 0, cap);
  memcpy(dst, src, n);
}

static const infuse_limit_t NO_LIMIT = {0, 0, 0, 0};

/* The round-number limits used by the edge tables. */
static const infuse_limit_t WEIGHT_LIMITS = {40000, 50000, 150000, 200000};
static const infuse_limit_t DPK_LIMITS = {100, 200, 750, 1000};
static const infuse_limit_t DOSE_LIMITS = {10000, 20000, 75000, 100000};
static const infuse_limit_t DURATION_LIMITS = {600, 1200, 3600, 6000};
static const infuse_limit_t RATE_LIMITS = {20000, 50000, 200000, 300000};
static const infuse_limit_t CONC_LIMITS = {1000, 2000, 50000, 100000};

/* A protocol copy with known defaults, no limits and no pharmacist checks. */
static void base_protocol(infuse_protocol_t *p) {
  infuse_diag_t d;
  int rc = infuse_protocol_get("ketamine-trd-40", p, &d);
  ck_assert_msg(rc == INFUSE_OK, "protocol_get(ketamine-trd-40) = %d", rc);
  ck_assert_uint_eq(p->struct_size, sizeof(infuse_protocol_t));
  set_text(p->id, sizeof p->id, SITE_ID);
  set_text(p->version, sizeof p->version, SITE_VERSION);
  set_text(p->title, sizeof p->title, "Limit edge test protocol");
  set_text(p->drug, sizeof p->drug, "ketamine");
  p->route = INFUSE_ROUTE_IV_INFUSION;
  p->dose_ug_per_kg = 500;       /* 0.5 mg/kg */
  p->duration_s = 2400;          /* 40 min */
  p->vial_ug_per_ml = 10000;     /* 10 mg/mL */
  p->vial_volume_ul = 0;         /* vials not tracked */
  p->prep = INFUSE_PREP_ADD;
  p->bag_ul = 100000;            /* 100 mL */
  p->final_conc_ug_per_ml = 2000;
  p->volume_step_ul = 100;       /* 0.1 mL */
  p->rate_step_ul_per_h = 100;   /* 0.1 mL/h */
  p->volume_rounding = INFUSE_ROUND_NEAREST;
  p->rate_rounding = INFUSE_ROUND_NEAREST;
  p->max_deviation_ppm = 0;
  p->must_dilute_ug_per_ml = 0;
  p->volumetric_min_ul_per_h = 0;
  p->pump_max_ul_per_h = 0;
  p->dose_per_kg = NO_LIMIT;
  p->dose = NO_LIMIT;
  p->weight = NO_LIMIT;
  p->duration = NO_LIMIT;
  p->rate = NO_LIMIT;
  p->concentration = NO_LIMIT;
}

static void validate_ok(const infuse_protocol_t *p) {
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_protocol_validate(p, &d);
  ck_assert_msg(rc == INFUSE_OK, "test protocol does not validate: %d %s: %s",
                rc, d.field, d.message);
}

/* Request from the protocol's defaults, 70 kg patient. */
static void init_request(infuse_request_t *req, const infuse_protocol_t *p) {
  int rc = infuse_request_init(req, p);
  ck_assert_msg(rc == INFUSE_OK, "request_init = %d", rc);
  req->weight_g = 70000;
}

static void init_result(infuse_result_t *res) {
  memset(res, 0, sizeof *res);
  res->struct_size = (uint32_t)sizeof *res;
}

static const infuse_finding_t *find_code(const infuse_result_t *r,
                                         infuse_finding_code_t code) {
  ck_assert_int_ge(r->n_findings, 0);
  ck_assert_int_le(r->n_findings, INFUSE_MAX_FINDINGS);
  for (int i = 0; i < r->n_findings; i++) {
    if (r->findings[i].code == code) {
      return &r->findings[i];
    }
  }
  return NULL;
}

static int count_codes(const infuse_result_t *r, int lo, int hi) {
  int n = 0;
  for (int i = 0; i < r->n_findings; i++) {
    int c = (int)r->findings[i].code;
    if (c >= lo && c <= hi) {
      n++;
    }
  }
  return n;
}

static int count_code(const infuse_result_t *r, infuse_finding_code_t code) {
  return count_codes(r, (int)code, (int)code);
}

static void check_provenance(const infuse_finding_t *f) {
  ck_assert_str_eq(f->protocol_id, SITE_ID);
  ck_assert_str_eq(f->protocol_version, SITE_VERSION);
}

static int status_for(infuse_severity_t sev) {
  switch (sev) {
  case INFUSE_SEVERITY_HARD:
    return INFUSE_STOP_HARD_LIMIT;
  case INFUSE_SEVERITY_SOFT:
    return INFUSE_STOP_SOFT_LIMIT;
  default:
    return INFUSE_OK;
  }
}

/* ------------------------------------------------------------------------
 * Limit edges
 *
 * For each limited quantity: value exactly at each of the four bounds and one
 * base unit beyond it. Bounds are inclusive, and per quantity and side only
 * the most severe finding is reported, so "at hard_low" gives the soft_low
 * finding only and "one below hard_low" the hard_low finding only.
 * ---------------------------------------------------------------------- */
typedef enum quantity {
  Q_WEIGHT,         /* dose_compute, a = weight_g */
  Q_DPK,            /* dose_compute, 100 kg, a = dose_ug_per_kg */
  Q_DPK_FIXED,      /* dose_compute, FIXED, a = weight_g, b = dose_ug */
  Q_DPK_PUMP,       /* pump, 100 kg, a = ug/kg, b = volume step, c = rounding */
  Q_DOSE,           /* dose_compute, 100 kg, FIXED a = dose_ug */
  Q_DOSE_BY_WEIGHT, /* dose_compute, 500 ug/kg, a = weight_g */
  Q_DOSE_PUMP,      /* pump, 100 kg, FIXED a = ug, b = volume step, c = rnd */
  Q_DURATION,       /* pump, 70 kg, a = duration_s */
  Q_RATE,           /* pump, 70 kg, 3600 s, a = bag_ul, b = rate step */
  Q_CONC,           /* pump, 70 kg, SYRINGE, a = vial_ug_per_ml */
  Q_CONC_EXACT      /* pump, FIXED a = ug, vial 10001, ADD b = bag, step 1 */
} quantity_t;

typedef enum family {
  F_WEIGHT,
  F_DPK,
  F_DOSE,
  F_DURATION,
  F_RATE,
  F_CONC
} family_t;

static family_t family_of(quantity_t q) {
  switch (q) {
  case Q_WEIGHT:
    return F_WEIGHT;
  case Q_DPK:
  case Q_DPK_FIXED:
  case Q_DPK_PUMP:
    return F_DPK;
  case Q_DOSE:
  case Q_DOSE_BY_WEIGHT:
  case Q_DOSE_PUMP:
    return F_DOSE;
  case Q_DURATION:
    return F_DURATION;
  case Q_RATE:
    return F_RATE;
  case Q_CONC:
  case Q_CONC_EXACT:
  default:
    return F_CONC;
  }
}

/* First (hard_low) code of each family; the four codes are consecutive. */
static int family_first_code(family_t f) {
  switch (f) {
  case F_WEIGHT:
    return INFUSE_FINDING_WEIGHT_HARD_LOW;
  case F_DPK:
    return INFUSE_FINDING_DOSE_PER_KG_HARD_LOW;
  case F_DOSE:
    return INFUSE_FINDING_DOSE_HARD_LOW;
  case F_DURATION:
    return INFUSE_FINDING_DURATION_HARD_LOW;
  case F_RATE:
    return INFUSE_FINDING_RATE_HARD_LOW;
  case F_CONC:
  default:
    return INFUSE_FINDING_CONCENTRATION_HARD_LOW;
  }
}

/* The unit the header says each quantity is reported in. */
static infuse_unit_t family_unit(family_t f) {
  switch (f) {
  case F_WEIGHT:
    return INFUSE_UNIT_G;
  case F_DPK:
    return INFUSE_UNIT_NG_PER_KG;
  case F_DOSE:
    return INFUSE_UNIT_NG;
  case F_DURATION:
    return INFUSE_UNIT_S;
  case F_RATE:
    return INFUSE_UNIT_UL_PER_H;
  case F_CONC:
  default:
    return INFUSE_UNIT_NG_PER_ML;
  }
}

static uint32_t family_ack(family_t f) {
  switch (f) {
  case F_WEIGHT:
    return INFUSE_ACK_WEIGHT;
  case F_DPK:
    return INFUSE_ACK_DOSE_PER_KG;
  case F_DOSE:
    return INFUSE_ACK_DOSE;
  case F_DURATION:
    return INFUSE_ACK_DURATION;
  case F_RATE:
    return INFUSE_ACK_RATE;
  case F_CONC:
  default:
    return INFUSE_ACK_CONCENTRATION;
  }
}

static infuse_severity_t severity_of(infuse_finding_code_t code) {
  /* Within each limit family: hard_low, soft_low, soft_high, hard_high. */
  int k = ((int)code - 1) % 4;
  return (k == 0 || k == 3) ? INFUSE_SEVERITY_HARD : INFUSE_SEVERITY_SOFT;
}

typedef struct edge_row {
  const char *name;
  quantity_t q;
  int64_t a, b, c;
  infuse_finding_code_t code; /* NONE: no finding of this quantity */
  int64_t value;              /* reported value, in the family's unit */
  int64_t slack;              /* value may be value .. value + slack */
  int64_t limit;              /* reported limit, in the family's unit */
} edge_row_t;

#define NONE INFUSE_FINDING_NONE
#define NEAR INFUSE_ROUND_NEAREST
#define DOWN INFUSE_ROUND_DOWN

static const edge_row_t EDGES[] = {
    /* Weight, g; limits 40000 / 50000 / 150000 / 200000. */
    {"weight at hard_low 40 kg", Q_WEIGHT, 40000, 0, 0,
     INFUSE_FINDING_WEIGHT_SOFT_LOW, 40000, 0, 50000},
    {"weight 1 g below hard_low", Q_WEIGHT, 39999, 0, 0,
     INFUSE_FINDING_WEIGHT_HARD_LOW, 39999, 0, 40000},
    {"weight at soft_low 50 kg", Q_WEIGHT, 50000, 0, 0, NONE, 0, 0, 0},
    {"weight 1 g below soft_low", Q_WEIGHT, 49999, 0, 0,
     INFUSE_FINDING_WEIGHT_SOFT_LOW, 49999, 0, 50000},
    {"weight at soft_high 150 kg", Q_WEIGHT, 150000, 0, 0, NONE, 0, 0, 0},
    {"weight 1 g above soft_high", Q_WEIGHT, 150001, 0, 0,
     INFUSE_FINDING_WEIGHT_SOFT_HIGH, 150001, 0, 150000},
    {"weight at hard_high 200 kg", Q_WEIGHT, 200000, 0, 0,
     INFUSE_FINDING_WEIGHT_SOFT_HIGH, 200000, 0, 150000},
    {"weight 1 g above hard_high", Q_WEIGHT, 200001, 0, 0,
     INFUSE_FINDING_WEIGHT_HARD_HIGH, 200001, 0, 200000},

    /* Dose per kg at 100 kg; limits 100 / 200 / 750 / 1000 ug/kg, reported
     * in ng/kg (x 1000). */
    {"dose/kg at hard_low 0.1 mg/kg", Q_DPK, 100, 0, 0,
     INFUSE_FINDING_DOSE_PER_KG_SOFT_LOW, 100000, 0, 200000},
    {"dose/kg 1 ug/kg below hard_low", Q_DPK, 99, 0, 0,
     INFUSE_FINDING_DOSE_PER_KG_HARD_LOW, 99000, 0, 100000},
    {"dose/kg at soft_low 0.2 mg/kg", Q_DPK, 200, 0, 0, NONE, 0, 0, 0},
    {"dose/kg 1 ug/kg below soft_low", Q_DPK, 199, 0, 0,
     INFUSE_FINDING_DOSE_PER_KG_SOFT_LOW, 199000, 0, 200000},
    {"dose/kg at soft_high 0.75 mg/kg", Q_DPK, 750, 0, 0, NONE, 0, 0, 0},
    {"dose/kg 1 ug/kg above soft_high", Q_DPK, 751, 0, 0,
     INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH, 751000, 0, 750000},
    {"dose/kg at hard_high 1 mg/kg", Q_DPK, 1000, 0, 0,
     INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH, 1000000, 0, 750000},
    {"dose/kg 1 ug/kg above hard_high", Q_DPK, 1001, 0, 0,
     INFUSE_FINDING_DOSE_PER_KG_HARD_HIGH, 1001000, 0, 1000000},

    /* Dose per kg compared exactly (FIXED dose). 1e6 x D / W ng/kg:
     * W 1000000 g, D 750000 ug: exactly 750000 -> at the bound.
     * W 999997, D 749998: 749998e6 / 999997 = 750000 + 250000/999997
     *   = 750000.25 ng/kg: above soft_high by a quarter ng/kg (a check on a
     *   value rounded to ng/kg would miss it).
     * W 999997, D 749997: 750000 x 999997 = 749997750000 > 749997000000:
     *   below. W 999996, D 199999: 200000 - 200000/999996 = 199999.8 ng/kg:
     *   below soft_low by 0.2 ng/kg. */
    {"dose/kg exactly 0.75 mg/kg (FIXED, 1000 kg)", Q_DPK_FIXED, 1000000,
     750000, 0, NONE, 0, 0, 0},
    {"dose/kg 0.25 ng/kg above soft_high (exact compare)", Q_DPK_FIXED, 999997,
     749998, 0, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH, 750000, 1, 750000},
    {"dose/kg just under soft_high (FIXED)", Q_DPK_FIXED, 999997, 749997, 0,
     NONE, 0, 0, 0},
    {"dose/kg 0.2 ng/kg below soft_low (exact compare)", Q_DPK_FIXED, 999996,
     199999, 0, INFUSE_FINDING_DOSE_PER_KG_SOFT_LOW, 199999, 1, 200000},

    /* Pump: prescribed and delivered dose per kg both checked; the larger
     * against high bounds, the smaller against low ones. 100 kg, vial
     * 10 mg/mL: drug_ul = ug/kg x 100 kg / 10 ug/uL = 10 x ug/kg. */
    {"pump dose/kg 750: 7500 uL exact, at soft_high", Q_DPK_PUMP, 750, 100,
     NEAR, NONE, 0, 0, 0},
    {"pump dose/kg 750, step 1 mL: 7500 -> 8000 uL = 800 ug/kg delivered",
     Q_DPK_PUMP, 750, 1000, NEAR, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH, 800000,
     0, 750000},
    {"pump dose/kg 751, DOWN: 7510 -> 7500 uL; prescribed 751 is larger",
     Q_DPK_PUMP, 751, 100, DOWN, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH, 751000,
     0, 750000},
    {"pump dose/kg 200, step 1.5 mL: 2000 -> 1500 uL = 150 ug/kg delivered",
     Q_DPK_PUMP, 200, 1500, NEAR, INFUSE_FINDING_DOSE_PER_KG_SOFT_LOW, 150000,
     0, 200000},
    {"pump dose/kg 900, step 5.5 mL: 9000 -> 11000 uL = 1100 ug/kg",
     Q_DPK_PUMP, 900, 5500, NEAR, INFUSE_FINDING_DOSE_PER_KG_HARD_HIGH,
     1100000, 0, 1000000},
    {"pump dose/kg 105, DOWN 0.7 mL: 1050 -> 700 uL = 70 ug/kg", Q_DPK_PUMP,
     105, 700, DOWN, INFUSE_FINDING_DOSE_PER_KG_HARD_LOW, 70000, 0, 100000},
    {"pump dose/kg 110, DOWN 1 mL: 1100 -> 1000 uL = 100 ug/kg (at hard_low)",
     Q_DPK_PUMP, 110, 1000, DOWN, INFUSE_FINDING_DOSE_PER_KG_SOFT_LOW, 100000,
     0, 200000},

    /* Dose at 100 kg, FIXED; limits 10000 / 20000 / 75000 / 100000 ug,
     * reported in ng (x 1000). */
    {"dose at hard_low 10 mg", Q_DOSE, 10000, 0, 0,
     INFUSE_FINDING_DOSE_SOFT_LOW, 10000000, 0, 20000000},
    {"dose 1 ug below hard_low", Q_DOSE, 9999, 0, 0,
     INFUSE_FINDING_DOSE_HARD_LOW, 9999000, 0, 10000000},
    {"dose at soft_low 20 mg", Q_DOSE, 20000, 0, 0, NONE, 0, 0, 0},
    {"dose 1 ug below soft_low", Q_DOSE, 19999, 0, 0,
     INFUSE_FINDING_DOSE_SOFT_LOW, 19999000, 0, 20000000},
    {"dose at soft_high 75 mg", Q_DOSE, 75000, 0, 0, NONE, 0, 0, 0},
    {"dose 1 ug above soft_high", Q_DOSE, 75001, 0, 0,
     INFUSE_FINDING_DOSE_SOFT_HIGH, 75001000, 0, 75000000},
    {"dose at hard_high 100 mg", Q_DOSE, 100000, 0, 0,
     INFUSE_FINDING_DOSE_SOFT_HIGH, 100000000, 0, 75000000},
    {"dose 1 ug above hard_high", Q_DOSE, 100001, 0, 0,
     INFUSE_FINDING_DOSE_HARD_HIGH, 100001000, 0, 100000000},

    /* Dose from 500 ug/kg x weight_g ng (exact): 150000 g -> 75000000 ng;
     * 150001 g -> 75000500 ng (500 ng over). */
    {"dose 500 ug/kg x 150 kg = 75 mg, at soft_high", Q_DOSE_BY_WEIGHT, 150000,
     0, 0, NONE, 0, 0, 0},
    {"dose 500 ug/kg x 150.001 kg = 75.0005 mg", Q_DOSE_BY_WEIGHT, 150001, 0, 0,
     INFUSE_FINDING_DOSE_SOFT_HIGH, 75000500, 0, 75000000},
    {"dose 500 ug/kg x 40 kg = 20 mg, at soft_low", Q_DOSE_BY_WEIGHT, 40000, 0,
     0, NONE, 0, 0, 0},
    {"dose 500 ug/kg x 39.999 kg = 19.9995 mg", Q_DOSE_BY_WEIGHT, 39999, 0, 0,
     INFUSE_FINDING_DOSE_SOFT_LOW, 19999500, 0, 20000000},
    {"dose 500 ug/kg x 200 kg = 100 mg, at hard_high", Q_DOSE_BY_WEIGHT,
     200000, 0, 0, INFUSE_FINDING_DOSE_SOFT_HIGH, 100000000, 0, 75000000},
    {"dose 500 ug/kg x 200.001 kg = 100.0005 mg", Q_DOSE_BY_WEIGHT, 200001, 0,
     0, INFUSE_FINDING_DOSE_HARD_HIGH, 100000500, 0, 100000000},
    {"dose 500 ug/kg x 20 kg = 10 mg, at hard_low", Q_DOSE_BY_WEIGHT, 20000, 0,
     0, INFUSE_FINDING_DOSE_SOFT_LOW, 10000000, 0, 20000000},
    {"dose 500 ug/kg x 19.999 kg = 9.9995 mg", Q_DOSE_BY_WEIGHT, 19999, 0, 0,
     INFUSE_FINDING_DOSE_HARD_LOW, 9999500, 0, 10000000},

    /* Pump, FIXED dose at 100 kg: delivered dose checked as well.
     * 75000 ug / 10 ug/uL = 7500 uL; step 1000 -> 8000 uL = 80 mg. */
    {"pump dose 75 mg, 7500 uL exact", Q_DOSE_PUMP, 75000, 100, NEAR, NONE, 0,
     0, 0},
    {"pump dose 75 mg, step 1 mL: 8000 uL = 80 mg delivered", Q_DOSE_PUMP,
     75000, 1000, NEAR, INFUSE_FINDING_DOSE_SOFT_HIGH, 80000000, 0, 75000000},
    {"pump dose 20 mg, step 1.5 mL: 2000 -> 1500 uL = 15 mg delivered",
     Q_DOSE_PUMP, 20000, 1500, NEAR, INFUSE_FINDING_DOSE_SOFT_LOW, 15000000, 0,
     20000000},

    /* Duration, s; limits 600 / 1200 / 3600 / 6000. */
    {"duration at hard_low 10 min", Q_DURATION, 600, 0, 0,
     INFUSE_FINDING_DURATION_SOFT_LOW, 600, 0, 1200},
    {"duration 1 s below hard_low", Q_DURATION, 599, 0, 0,
     INFUSE_FINDING_DURATION_HARD_LOW, 599, 0, 600},
    {"duration at soft_low 20 min", Q_DURATION, 1200, 0, 0, NONE, 0, 0, 0},
    {"duration 1 s below soft_low", Q_DURATION, 1199, 0, 0,
     INFUSE_FINDING_DURATION_SOFT_LOW, 1199, 0, 1200},
    {"duration at soft_high 60 min", Q_DURATION, 3600, 0, 0, NONE, 0, 0, 0},
    {"duration 1 s above soft_high", Q_DURATION, 3601, 0, 0,
     INFUSE_FINDING_DURATION_SOFT_HIGH, 3601, 0, 3600},
    {"duration at hard_high 100 min", Q_DURATION, 6000, 0, 0,
     INFUSE_FINDING_DURATION_SOFT_HIGH, 6000, 0, 3600},
    {"duration 1 s above hard_high", Q_DURATION, 6001, 0, 0,
     INFUSE_FINDING_DURATION_HARD_HIGH, 6001, 0, 6000},

    /* Rate, uL/h; limits 20000 / 50000 / 200000 / 300000. 70 kg x 500 ug/kg
     * = 35000 ug = 3500 uL of 10 mg/mL; over 3600 s the exact rate in uL/h
     * equals the total volume, bag + 3500. */
    {"rate at hard_low 20 mL/h (bag 16500)", Q_RATE, 16500, 1, 0,
     INFUSE_FINDING_RATE_SOFT_LOW, 20000, 0, 50000},
    {"rate 1 uL/h below hard_low", Q_RATE, 16499, 1, 0,
     INFUSE_FINDING_RATE_HARD_LOW, 19999, 0, 20000},
    {"rate at soft_low 50 mL/h", Q_RATE, 46500, 1, 0, NONE, 0, 0, 0},
    {"rate 1 uL/h below soft_low", Q_RATE, 46499, 1, 0,
     INFUSE_FINDING_RATE_SOFT_LOW, 49999, 0, 50000},
    {"rate at soft_high 200 mL/h", Q_RATE, 196500, 1, 0, NONE, 0, 0, 0},
    {"rate 1 uL/h above soft_high", Q_RATE, 196501, 1, 0,
     INFUSE_FINDING_RATE_SOFT_HIGH, 200001, 0, 200000},
    {"rate at hard_high 300 mL/h", Q_RATE, 296500, 1, 0,
     INFUSE_FINDING_RATE_SOFT_HIGH, 300000, 0, 200000},
    {"rate 1 uL/h above hard_high", Q_RATE, 296501, 1, 0,
     INFUSE_FINDING_RATE_HARD_HIGH, 300001, 0, 300000},
    /* The programmed (rounded) rate is what is checked, step 0.1 mL/h:
     * 200040 -> 200000; 200050 -> 200100 (tie away); 49960 -> 50000. */
    {"rate 200.04 mL/h programs as 200.0: no finding", Q_RATE, 196540, 100, 0,
     NONE, 0, 0, 0},
    {"rate 200.05 mL/h programs as 200.1: soft high", Q_RATE, 196550, 100, 0,
     INFUSE_FINDING_RATE_SOFT_HIGH, 200100, 0, 200000},
    {"rate 49.96 mL/h programs as 50.0: no finding", Q_RATE, 46460, 100, 0,
     NONE, 0, 0, 0},

    /* Concentration: undiluted in a syringe the final concentration is the
     * vial strength exactly. Limits 1000 / 2000 / 50000 / 100000 ug/mL,
     * reported in ng/mL (x 1000). */
    {"conc at hard_low 1 mg/mL", Q_CONC, 1000, 0, 0,
     INFUSE_FINDING_CONCENTRATION_SOFT_LOW, 1000000, 0, 2000000},
    {"conc 1 ug/mL below hard_low", Q_CONC, 999, 0, 0,
     INFUSE_FINDING_CONCENTRATION_HARD_LOW, 999000, 0, 1000000},
    {"conc at soft_low 2 mg/mL", Q_CONC, 2000, 0, 0, NONE, 0, 0, 0},
    {"conc 1 ug/mL below soft_low", Q_CONC, 1999, 0, 0,
     INFUSE_FINDING_CONCENTRATION_SOFT_LOW, 1999000, 0, 2000000},
    {"conc at soft_high 50 mg/mL", Q_CONC, 50000, 0, 0, NONE, 0, 0, 0},
    {"conc 1 ug/mL above soft_high", Q_CONC, 50001, 0, 0,
     INFUSE_FINDING_CONCENTRATION_SOFT_HIGH, 50001000, 0, 50000000},
    {"conc at hard_high 100 mg/mL", Q_CONC, 100000, 0, 0,
     INFUSE_FINDING_CONCENTRATION_SOFT_HIGH, 100000000, 0, 50000000},
    {"conc 1 ug/mL above hard_high", Q_CONC, 100001, 0, 0,
     INFUSE_FINDING_CONCENTRATION_HARD_HIGH, 100001000, 0, 100000000},

    /* Concentration compared exactly (soft_high only, 2000 ug/mL). Vial
     * 10001 ug/mL, ADD, volume step 1 uL:
     * FIXED 20012 ug: 20012000 / 10001 = 2001.0999 -> 2001 uL, delivered
     *   2001 x 10001 = 20012001 ng; bag 8005 -> total 10006 uL;
     *   2000 x 10006 = 20012000, so 1 ng over: 2000000.0999 ng/mL.
     * Bag 8006 -> total 10007: 1999.8 ug/mL, below.
     * FIXED 20002 ug: 20002000 / 10001 = 2000 uL exactly, delivered 20002000
     *   ng; bag 8001 -> total 10001 uL: exactly 2000 ug/mL. */
    {"conc 0.1 ng/mL above soft_high (exact compare)", Q_CONC_EXACT, 20012,
     8005, 0, INFUSE_FINDING_CONCENTRATION_SOFT_HIGH, 2000000, 1, 2000000},
    {"conc 1999.8 ug/mL, below soft_high", Q_CONC_EXACT, 20012, 8006, 0, NONE,
     0, 0, 0},
    {"conc exactly 2000 ug/mL, at soft_high", Q_CONC_EXACT, 20002, 8001, 0,
     NONE, 0, 0, 0},
};

typedef struct edge_run {
  infuse_protocol_t protocol;
  infuse_request_t request;
  infuse_result_t result;
  bool pump;
  int status;
} edge_run_t;

/* Build the protocol and request for one row and compute. */
static void run_edge(const edge_row_t *r, uint32_t ack, edge_run_t *run) {
  infuse_protocol_t *p = &run->protocol;
  infuse_request_t *req = &run->request;
  infuse_diag_t d;

  base_protocol(p);
  switch (family_of(r->q)) {
  case F_WEIGHT:
    p->weight = WEIGHT_LIMITS;
    break;
  case F_DPK:
    p->dose_per_kg = DPK_LIMITS;
    break;
  case F_DOSE:
    p->dose = DOSE_LIMITS;
    break;
  case F_DURATION:
    p->duration = DURATION_LIMITS;
    break;
  case F_RATE:
    p->rate = RATE_LIMITS;
    break;
  case F_CONC:
    p->concentration = CONC_LIMITS;
    break;
  }
  if (r->q == Q_CONC_EXACT) {
    p->concentration = (infuse_limit_t){0, 0, 2000, 0};
  }
  if (r->q == Q_DPK_PUMP || r->q == Q_DOSE_PUMP) {
    p->volume_rounding = (infuse_rounding_t)r->c;
  }
  validate_ok(p);

  init_request(req, p);
  req->acknowledge = ack;
  run->pump = false;
  switch (r->q) {
  case Q_WEIGHT:
    req->weight_g = r->a;
    break;
  case Q_DPK:
    req->weight_g = 100000;
    req->dose_ug_per_kg = r->a;
    break;
  case Q_DPK_FIXED:
    req->weight_g = r->a;
    req->dose_mode = INFUSE_DOSE_FIXED;
    req->dose_ug = r->b;
    break;
  case Q_DPK_PUMP:
    req->weight_g = 100000;
    req->dose_ug_per_kg = r->a;
    req->volume_step_ul = r->b;
    run->pump = true;
    break;
  case Q_DOSE:
    req->weight_g = 100000;
    req->dose_mode = INFUSE_DOSE_FIXED;
    req->dose_ug = r->a;
    break;
  case Q_DOSE_BY_WEIGHT:
    req->weight_g = r->a;
    req->dose_ug_per_kg = 500;
    break;
  case Q_DOSE_PUMP:
    req->weight_g = 100000;
    req->dose_mode = INFUSE_DOSE_FIXED;
    req->dose_ug = r->a;
    req->volume_step_ul = r->b;
    run->pump = true;
    break;
  case Q_DURATION:
    req->duration_s = r->a;
    run->pump = true;
    break;
  case Q_RATE:
    req->duration_s = 3600;
    req->bag_ul = r->a;
    req->rate_step_ul_per_h = r->b;
    run->pump = true;
    break;
  case Q_CONC:
    req->prep = INFUSE_PREP_SYRINGE;
    req->vial_ug_per_ml = r->a;
    run->pump = true;
    break;
  case Q_CONC_EXACT:
    req->dose_mode = INFUSE_DOSE_FIXED;
    req->dose_ug = r->a;
    req->vial_ug_per_ml = 10001;
    req->prep = INFUSE_PREP_ADD;
    req->bag_ul = r->b;
    req->volume_step_ul = 1;
    run->pump = true;
    break;
  }

  init_result(&run->result);
  memset(&d, 0, sizeof d);
  run->status = run->pump ? infuse_pump_compute(req, &run->result, &d)
                          : infuse_dose_compute(req, &run->result, &d);
  ck_assert_msg(run->status >= 0, "%s: error %d (%s: %s)", r->name,
                run->status, d.field, d.message);
}

/* Exactly the row's finding (or none); right code, severity, unit, value,
 * limit and provenance; verdict and status follow. */
START_TEST(test_limit_edge) {
  const edge_row_t *r = &EDGES[_i];
  edge_run_t run;
  family_t fam = family_of(r->q);
  int first = family_first_code(fam);

  run_edge(r, INFUSE_ACK_NONE, &run);
  const infuse_result_t *res = &run.result;

  ck_assert_uint_eq(res->struct_size, sizeof(infuse_result_t));
  ck_assert_msg(res->has_pump == run.pump, "%s: has_pump", r->name);
  ck_assert_str_eq(res->protocol_id, SITE_ID);
  ck_assert_str_eq(res->protocol_version, SITE_VERSION);

  if (r->code == NONE) {
    ck_assert_msg(count_codes(res, first, first + 3) == 0,
                  "%s: unexpected finding code %d", r->name,
                  res->n_findings > 0 ? (int)res->findings[0].code : 0);
    ck_assert_msg(res->n_findings == 0, "%s: %d findings, expected none",
                  r->name, res->n_findings);
    ck_assert_msg(run.status == INFUSE_OK, "%s: status %d", r->name,
                  run.status);
    ck_assert_int_eq(res->verdict, INFUSE_VERDICT_OK);
    return;
  }

  ck_assert_msg(count_codes(res, first, first + 3) == 1,
                "%s: %d findings of this quantity, expected exactly 1",
                r->name, count_codes(res, first, first + 3));
  ck_assert_msg(res->n_findings == 1, "%s: %d findings, expected 1", r->name,
                res->n_findings);
  const infuse_finding_t *f = find_code(res, r->code);
  ck_assert_msg(f != NULL, "%s: expected %s, got %s", r->name,
                infuse_finding_name((int)r->code),
                infuse_finding_name((int)res->findings[0].code));
  infuse_severity_t sev = severity_of(r->code);
  ck_assert_msg(f->severity == sev, "%s: severity %d", r->name, f->severity);
  ck_assert_msg(f->unit == family_unit(fam), "%s: unit %d", r->name, f->unit);
  ck_assert_msg(f->value >= r->value && f->value <= r->value + r->slack,
                "%s: value %lld, expected %lld (+%lld)", r->name,
                (long long)f->value, (long long)r->value, (long long)r->slack);
  ck_assert_msg(f->limit == r->limit, "%s: limit %lld, expected %lld",
                r->name, (long long)f->limit, (long long)r->limit);
  ck_assert_msg(!f->acknowledged, "%s: acknowledged without ack", r->name);
  check_provenance(f);

  if (sev == INFUSE_SEVERITY_HARD) {
    ck_assert_msg(run.status == INFUSE_STOP_HARD_LIMIT, "%s: status %d",
                  r->name, run.status);
    ck_assert_int_eq(res->verdict, INFUSE_VERDICT_HARD_LIMIT);
  } else {
    ck_assert_msg(run.status == INFUSE_STOP_SOFT_LIMIT, "%s: status %d",
                  r->name, run.status);
    ck_assert_int_eq(res->verdict, INFUSE_VERDICT_SOFT_LIMIT);
  }
}
END_TEST

/* The matching acknowledgement clears a soft finding (still reported,
 * acknowledged); INFUSE_ACK_ALL never clears a hard one. */
START_TEST(test_limit_edge_acknowledged) {
  const edge_row_t *r = &EDGES[_i];
  edge_run_t run;
  family_t fam = family_of(r->q);

  if (r->code == NONE) {
    run_edge(r, INFUSE_ACK_ALL, &run);
    ck_assert_int_eq(run.status, INFUSE_OK);
    ck_assert_int_eq(run.result.n_findings, 0);
    return;
  }
  if (severity_of(r->code) == INFUSE_SEVERITY_SOFT) {
    run_edge(r, family_ack(fam), &run);
    const infuse_finding_t *f = find_code(&run.result, r->code);
    ck_assert_msg(f != NULL, "%s: soft finding vanished when acknowledged",
                  r->name);
    ck_assert_msg(f->acknowledged, "%s: not marked acknowledged", r->name);
    ck_assert_int_eq(f->severity, INFUSE_SEVERITY_SOFT);
    ck_assert_msg(run.status == INFUSE_OK, "%s: status %d with ack", r->name,
                  run.status);
    ck_assert_int_eq(run.result.verdict, INFUSE_VERDICT_OK);
  } else {
    run_edge(r, INFUSE_ACK_ALL, &run);
    const infuse_finding_t *f = find_code(&run.result, r->code);
    ck_assert_msg(f != NULL, "%s: hard finding missing", r->name);
    ck_assert_msg(!f->acknowledged, "%s: hard finding acknowledged", r->name);
    ck_assert_int_eq(f->severity, INFUSE_SEVERITY_HARD);
    ck_assert_msg(run.status == INFUSE_STOP_HARD_LIMIT, "%s: status %d",
                  r->name, run.status);
    ck_assert_int_eq(run.result.verdict, INFUSE_VERDICT_HARD_LIMIT);
  }
}
END_TEST

/* Every ack bit except the right one leaves a soft finding unacknowledged. */
START_TEST(test_limit_edge_wrong_ack) {
  const edge_row_t *r = &EDGES[_i];
  edge_run_t run;
  if (r->code == NONE || severity_of(r->code) != INFUSE_SEVERITY_SOFT) {
    return;
  }
  uint32_t others = INFUSE_ACK_ALL & ~family_ack(family_of(r->q));
  run_edge(r, others, &run);
  const infuse_finding_t *f = find_code(&run.result, r->code);
  ck_assert_msg(f != NULL, "%s: finding missing", r->name);
  ck_assert_msg(!f->acknowledged, "%s: acknowledged by another bit", r->name);
  ck_assert_msg(run.status == INFUSE_STOP_SOFT_LIMIT, "%s: status %d", r->name,
                run.status);
  ck_assert_int_eq(run.result.verdict, INFUSE_VERDICT_SOFT_LIMIT);
}
END_TEST

/* Several findings together: every soft one must be acknowledged, and a hard
 * one wins over acknowledged soft ones. */
START_TEST(test_limit_combined) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  base_protocol(&p);
  p.weight = WEIGHT_LIMITS;
  p.dose_per_kg = DPK_LIMITS;
  validate_ok(&p);

  /* 150.001 kg (weight soft high) at 751 ug/kg (dose/kg soft high). */
  init_request(&req, &p);
  req.weight_g = 150001;
  req.dose_ug_per_kg = 751;

  init_result(&res);
  req.acknowledge = INFUSE_ACK_WEIGHT;
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL),
                   INFUSE_STOP_SOFT_LIMIT);
  ck_assert_int_eq(res.n_findings, 2);
  const infuse_finding_t *fw = find_code(&res, INFUSE_FINDING_WEIGHT_SOFT_HIGH);
  const infuse_finding_t *fd =
      find_code(&res, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH);
  ck_assert_ptr_nonnull(fw);
  ck_assert_ptr_nonnull(fd);
  ck_assert(fw->acknowledged);
  ck_assert(!fd->acknowledged);
  ck_assert_int_eq(res.verdict, INFUSE_VERDICT_SOFT_LIMIT);

  init_result(&res);
  req.acknowledge = INFUSE_ACK_WEIGHT | INFUSE_ACK_DOSE_PER_KG;
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.n_findings, 2);
  ck_assert_int_eq(res.verdict, INFUSE_VERDICT_OK);

  /* 200.001 kg is a hard weight breach: acknowledging everything leaves it
   * hard; the dose/kg soft finding is acknowledged. */
  init_result(&res);
  req.weight_g = 200001;
  req.acknowledge = INFUSE_ACK_ALL;
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  ck_assert_int_eq(res.verdict, INFUSE_VERDICT_HARD_LIMIT);
  fw = find_code(&res, INFUSE_FINDING_WEIGHT_HARD_HIGH);
  fd = find_code(&res, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH);
  ck_assert_ptr_nonnull(fw);
  ck_assert_ptr_nonnull(fd);
  ck_assert(!fw->acknowledged);
  ck_assert(fd->acknowledged);
  ck_assert_int_eq(count_code(&res, INFUSE_FINDING_WEIGHT_SOFT_HIGH), 0);
  /* The result is written in full on a limit stop. */
  ck_assert_int_eq(res.actual_weight_g, 200001);
  ck_assert_int_eq(res.dosing_weight_g, 200001);
  /* 200001 g x 751 ug/kg = 150200751 ng */
  ck_assert_int_eq(res.dose_ng, 150200751);
}
END_TEST

/* ------------------------------------------------------------------------
 * Pharmacist checks and dose-weight remarks
 * ---------------------------------------------------------------------- */
typedef struct scen {
  const char *name;
  bool pump;
  /* protocol changes (0: off / default) */
  int64_t vial_volume_ul, max_dev_ppm, must_dilute, vol_min, pump_max;
  infuse_rounding_t vol_rounding;
  /* request (0: base value) */
  int64_t weight_g, dose_ug_per_kg, vial, bag, final_conc, duration_s;
  int64_t volume_step, rate_step;
  infuse_prep_t prep;
  infuse_weight_basis_t basis;
  int64_t height_mm;
  infuse_sex_t sex;
  uint32_t ack;
  /* expected */
  infuse_finding_code_t code;
  bool present;
  infuse_severity_t severity;
  bool acked;
  int n_findings;
  bool check_value;
  infuse_unit_t unit;
  int64_t value, limit;
  int64_t dosing_weight_g; /* 0: not checked */
  int64_t vials;           /* 0: not checked */
  bool later_zero;         /* rate, actual duration, dose rate left 0 */
} scen_t;

#define ADVISORY INFUSE_SEVERITY_ADVISORY
#define SOFT INFUSE_SEVERITY_SOFT
#define HARD INFUSE_SEVERITY_HARD

static const scen_t SCENARIOS[] = {
    /* DOSE_DEVIATION. 80 kg x 500 ug/kg = 40000 ug = 4000 uL; step 4.5 mL:
     * 4000/4500 = 0.89 -> 4500 uL, delivered 45000 ug: +5000/40000 =
     * +12.5 % = 125000 ppm exactly. */
    {.name = "deviation 125000 ppm, max 125000: at the bound", .pump = true,
     .max_dev_ppm = 125000, .weight_g = 80000, .volume_step = 4500,
     .code = INFUSE_FINDING_DOSE_DEVIATION, .present = false},
    {.name = "deviation 125000 ppm, max 124999: soft", .pump = true,
     .max_dev_ppm = 124999, .weight_g = 80000, .volume_step = 4500,
     .code = INFUSE_FINDING_DOSE_DEVIATION, .present = true, .severity = SOFT,
     .n_findings = 1, .check_value = true, .unit = INFUSE_UNIT_PPM,
     .value = 125000, .limit = 124999},
    {.name = "deviation soft, acknowledged", .pump = true,
     .max_dev_ppm = 124999, .weight_g = 80000, .volume_step = 4500,
     .ack = INFUSE_ACK_DEVIATION, .code = INFUSE_FINDING_DOSE_DEVIATION,
     .present = true, .severity = SOFT, .acked = true, .n_findings = 1},
    {.name = "deviation soft, other acks do not count", .pump = true,
     .max_dev_ppm = 124999, .weight_g = 80000, .volume_step = 4500,
     .ack = INFUSE_ACK_ALL & ~INFUSE_ACK_DEVIATION,
     .code = INFUSE_FINDING_DOSE_DEVIATION, .present = true, .severity = SOFT,
     .n_findings = 1},
    /* DOWN, step 3 mL: 4000 -> 3000 uL: -25 % = -250000 ppm. */
    {.name = "deviation -250000 ppm, max 250000: at the bound", .pump = true,
     .max_dev_ppm = 250000, .vol_rounding = INFUSE_ROUND_DOWN,
     .weight_g = 80000, .volume_step = 3000,
     .code = INFUSE_FINDING_DOSE_DEVIATION, .present = false},
    {.name = "deviation -250000 ppm, max 249999: soft", .pump = true,
     .max_dev_ppm = 249999, .vol_rounding = INFUSE_ROUND_DOWN,
     .weight_g = 80000, .volume_step = 3000,
     .code = INFUSE_FINDING_DOSE_DEVIATION, .present = true, .severity = SOFT,
     .n_findings = 1},

    /* UNDILUTED_STRENGTH: 100 mg/mL undiluted in a syringe. 35000 ug /
     * 100 ug/uL = 350 uL -> 400 uL at a 0.1 mL step; undiluted, the final
     * concentration is the vial strength whatever the rounding. */
    {.name = "100 mg/mL undiluted in a syringe: hard", .pump = true,
     .must_dilute = 100000, .vial = 100000, .prep = INFUSE_PREP_SYRINGE,
     .code = INFUSE_FINDING_UNDILUTED_STRENGTH, .present = true,
     .severity = HARD, .n_findings = 1},
    {.name = "100 mg/mL undiluted, ACK_ALL: still hard", .pump = true,
     .must_dilute = 100000, .vial = 100000, .prep = INFUSE_PREP_SYRINGE,
     .ack = INFUSE_ACK_ALL, .code = INFUSE_FINDING_UNDILUTED_STRENGTH,
     .present = true, .severity = HARD, .n_findings = 1},
    {.name = "99.999 mg/mL undiluted, must_dilute 100 mg/mL: none",
     .pump = true, .must_dilute = 100000, .vial = 99999,
     .prep = INFUSE_PREP_SYRINGE, .code = INFUSE_FINDING_UNDILUTED_STRENGTH,
     .present = false},
    {.name = "100 mg/mL added to a 100 mL bag: none", .pump = true,
     .must_dilute = 100000, .vial = 100000, .prep = INFUSE_PREP_ADD,
     .code = INFUSE_FINDING_UNDILUTED_STRENGTH, .present = false},

    /* LOW_RATE_VOLUMETRIC: over 3600 s, rate (step 1 uL/h) = total volume
     * = bag + 3500 uL (ADD) or bag (REPLACE). */
    {.name = "bag rate 4.999 mL/h < 5 mL/h: advisory, verdict ok",
     .pump = true, .vol_min = 5000, .bag = 1499, .duration_s = 3600,
     .rate_step = 1, .code = INFUSE_FINDING_LOW_RATE_VOLUMETRIC,
     .present = true, .severity = ADVISORY, .n_findings = 1,
     .check_value = true, .unit = INFUSE_UNIT_UL_PER_H, .value = 4999,
     .limit = 5000},
    {.name = "bag rate exactly 5 mL/h: none", .pump = true, .vol_min = 5000,
     .bag = 1500, .duration_s = 3600, .rate_step = 1,
     .code = INFUSE_FINDING_LOW_RATE_VOLUMETRIC, .present = false},
    {.name = "REPLACE bag 4.999 mL at 4.999 mL/h: advisory", .pump = true,
     .vol_min = 5000, .bag = 4999, .duration_s = 3600, .rate_step = 1,
     .prep = INFUSE_PREP_REPLACE, .code = INFUSE_FINDING_LOW_RATE_VOLUMETRIC,
     .present = true, .severity = ADVISORY, .n_findings = 1},
    {.name = "syringe at 3.5 mL/h: no volumetric advisory", .pump = true,
     .vol_min = 5000, .duration_s = 3600, .rate_step = 1,
     .prep = INFUSE_PREP_SYRINGE, .code = INFUSE_FINDING_LOW_RATE_VOLUMETRIC,
     .present = false},

    /* RATE_ABOVE_PUMP_MAX, 999 mL/h pump: bag 995501 + 3500 = 999001 uL/h. */
    {.name = "rate 999.001 mL/h > pump max 999 mL/h: hard", .pump = true,
     .pump_max = 999000, .bag = 995501, .duration_s = 3600, .rate_step = 1,
     .code = INFUSE_FINDING_RATE_ABOVE_PUMP_MAX, .present = true,
     .severity = HARD, .n_findings = 1, .check_value = true,
     .unit = INFUSE_UNIT_UL_PER_H, .value = 999001, .limit = 999000},
    {.name = "rate exactly pump max: none", .pump = true, .pump_max = 999000,
     .bag = 995500, .duration_s = 3600, .rate_step = 1,
     .code = INFUSE_FINDING_RATE_ABOVE_PUMP_MAX, .present = false},
    /* Syringe, 3500 uL over 12 s: 3600 x 3500 / 12 = 1050000 uL/h. */
    {.name = "syringe push 3.5 mL in 12 s = 1050 mL/h: hard", .pump = true,
     .pump_max = 999000, .duration_s = 12, .prep = INFUSE_PREP_SYRINGE,
     .code = INFUSE_FINDING_RATE_ABOVE_PUMP_MAX, .present = true,
     .severity = HARD, .n_findings = 1, .check_value = true,
     .unit = INFUSE_UNIT_UL_PER_H, .value = 1050000, .limit = 999000},

    /* DRAW_VOLUME_ZERO: 3500 uL with a 10 mL step: 0.35 -> 0. */
    {.name = "draw-up 3.5 mL at a 10 mL step rounds to 0: hard", .pump = true,
     .volume_step = 10000, .code = INFUSE_FINDING_DRAW_VOLUME_ZERO,
     .present = true, .severity = HARD, .n_findings = 1, .later_zero = true},
    {.name = "draw-up 3.5 mL, 5 mL step, DOWN -> 0: hard", .pump = true,
     .vol_rounding = INFUSE_ROUND_DOWN, .volume_step = 5000,
     .code = INFUSE_FINDING_DRAW_VOLUME_ZERO, .present = true,
     .severity = HARD, .n_findings = 1, .later_zero = true},
    {.name = "draw-up 3.5 mL at a 7 mL step: tie rounds away, 7 mL",
     .pump = true, .volume_step = 7000, .code = INFUSE_FINDING_DRAW_VOLUME_ZERO,
     .present = false},

    /* DRAW_EXCEEDS_BAG: REPLACE needs drug volume (3500 uL) <= bag. */
    {.name = "REPLACE 3.5 mL from a 3.499 mL bag: hard", .pump = true,
     .bag = 3499, .prep = INFUSE_PREP_REPLACE,
     .code = INFUSE_FINDING_DRAW_EXCEEDS_BAG, .present = true,
     .severity = HARD, .n_findings = 1, .later_zero = true},
    {.name = "REPLACE 3.5 mL from a 3.5 mL bag: none", .pump = true,
     .bag = 3500, .prep = INFUSE_PREP_REPLACE,
     .code = INFUSE_FINDING_DRAW_EXCEEDS_BAG, .present = false},
    {.name = "ADD 3.5 mL to a 3.499 mL bag: not a REPLACE, none",
     .pump = true, .bag = 3499, .prep = INFUSE_PREP_ADD,
     .code = INFUSE_FINDING_DRAW_EXCEEDS_BAG, .present = false},

    /* FINAL_CONC_ABOVE_VIAL: vial 10 mg/mL. */
    {.name = "final 10.001 mg/mL from a 10 mg/mL vial: hard", .pump = true,
     .final_conc = 10001, .prep = INFUSE_PREP_FINAL_CONC,
     .code = INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL, .present = true,
     .severity = HARD, .n_findings = 1, .later_zero = true},
    {.name = "final 10 mg/mL from a 10 mg/mL vial: none", .pump = true,
     .final_conc = 10000, .prep = INFUSE_PREP_FINAL_CONC,
     .code = INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL, .present = false},

    /* MULTIPLE_VIALS: ceil(3500 / fill). */
    {.name = "3.5 mL from 2 mL vials: 2 vials, advisory", .pump = true,
     .vial_volume_ul = 2000, .code = INFUSE_FINDING_MULTIPLE_VIALS,
     .present = true, .severity = ADVISORY, .n_findings = 1, .vials = 2},
    {.name = "3.5 mL from 3.499 mL vials: 2 vials, advisory", .pump = true,
     .vial_volume_ul = 3499, .code = INFUSE_FINDING_MULTIPLE_VIALS,
     .present = true, .severity = ADVISORY, .n_findings = 1, .vials = 2},
    {.name = "3.5 mL from 3.5 mL vials: 1 vial, none", .pump = true,
     .vial_volume_ul = 3500, .code = INFUSE_FINDING_MULTIPLE_VIALS,
     .present = false, .vials = 1},
    {.name = "3.5 mL from 20 mL vials: 1 vial, none", .pump = true,
     .vial_volume_ul = 20000, .code = INFUSE_FINDING_MULTIPLE_VIALS,
     .present = false, .vials = 1},

    /* IBW_SHORT_STATURE (height < 1524 mm with IDEAL/ADJUSTED).
     * Male 1523 mm: (254 x -88000 + 23000 x 1523) / 254 = 12677000 / 254 =
     * 49909.45 -> 49909 g. Male 1524: 12700000 / 254 = 50000 g.
     * ADJUSTED, 70 kg: (6 x 49909 + 4 x 70000) / 10 = 57945.4 -> 57945 g. */
    {.name = "IDEAL, male 152.3 cm: short stature advisory",
     .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1523, .sex = INFUSE_SEX_MALE,
     .code = INFUSE_FINDING_IBW_SHORT_STATURE, .present = true,
     .severity = ADVISORY, .n_findings = 1, .dosing_weight_g = 49909},
    {.name = "IDEAL, male 152.4 cm (60 in): none",
     .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1524, .sex = INFUSE_SEX_MALE,
     .code = INFUSE_FINDING_IBW_SHORT_STATURE, .present = false,
     .dosing_weight_g = 50000},
    {.name = "ADJUSTED, male 152.3 cm, 70 kg: advisory",
     .basis = INFUSE_WEIGHT_ADJUSTED, .height_mm = 1523,
     .sex = INFUSE_SEX_MALE, .code = INFUSE_FINDING_IBW_SHORT_STATURE,
     .present = true, .severity = ADVISORY, .n_findings = 1,
     .dosing_weight_g = 57945},
    {.name = "ACTUAL with height 140 cm: no IBW, no advisory",
     .basis = INFUSE_WEIGHT_ACTUAL, .height_mm = 1400, .sex = INFUSE_SEX_MALE,
     .code = INFUSE_FINDING_IBW_SHORT_STATURE, .present = false,
     .dosing_weight_g = 70000},
    {.name = "pump, IDEAL, male 152.3 cm: advisory", .pump = true,
     .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1523, .sex = INFUSE_SEX_MALE,
     .code = INFUSE_FINDING_IBW_SHORT_STATURE, .present = true,
     .severity = ADVISORY, .n_findings = 1, .dosing_weight_g = 49909},

    /* DOSING_WEIGHT_ABOVE_ACTUAL. Male 1800 mm: (-22352000 + 41400000) / 254
     * = 74992.13 -> 74992 g. ADJUSTED at 60 kg: (449952 + 240000) / 10 =
     * 68995.2 -> 68995. Female 1800: (254 x -92500 + 41400000) / 254 =
     * 17905000 / 254 = 70492.13 -> 70492. Female 1500: 11005000 / 254 =
     * 43326.77 -> 43327. */
    {.name = "IDEAL 74.992 kg > actual 60 kg: advisory",
     .weight_g = 60000, .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1800,
     .sex = INFUSE_SEX_MALE, .code = INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL,
     .present = true, .severity = ADVISORY, .n_findings = 1,
     .dosing_weight_g = 74992},
    {.name = "ADJUSTED 68.995 kg > actual 60 kg: advisory",
     .weight_g = 60000, .basis = INFUSE_WEIGHT_ADJUSTED, .height_mm = 1800,
     .sex = INFUSE_SEX_MALE, .code = INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL,
     .present = true, .severity = ADVISORY, .n_findings = 1,
     .dosing_weight_g = 68995},
    {.name = "IDEAL equal to actual 74.992 kg: none", .weight_g = 74992,
     .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1800, .sex = INFUSE_SEX_MALE,
     .code = INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL, .present = false,
     .dosing_weight_g = 74992},
    {.name = "IDEAL female 180 cm 70.492 kg > 70 kg: advisory",
     .weight_g = 70000, .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1800,
     .sex = INFUSE_SEX_FEMALE,
     .code = INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL, .present = true,
     .severity = ADVISORY, .n_findings = 1, .dosing_weight_g = 70492},
    {.name = "IDEAL female 180 cm at 70.492 kg: none", .weight_g = 70492,
     .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1800, .sex = INFUSE_SEX_FEMALE,
     .code = INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL, .present = false,
     .dosing_weight_g = 70492},
    {.name = "IDEAL female 150 cm 40 kg: above actual (and short)",
     .weight_g = 40000, .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1500,
     .sex = INFUSE_SEX_FEMALE,
     .code = INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL, .present = true,
     .severity = ADVISORY, .n_findings = 2, .dosing_weight_g = 43327},
    {.name = "IDEAL female 150 cm 40 kg: short (and above actual)",
     .weight_g = 40000, .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1500,
     .sex = INFUSE_SEX_FEMALE, .code = INFUSE_FINDING_IBW_SHORT_STATURE,
     .present = true, .severity = ADVISORY, .n_findings = 2,
     .dosing_weight_g = 43327},
};

static int run_scenario(const scen_t *s, infuse_protocol_t *p,
                        infuse_request_t *req, infuse_result_t *res) {
  infuse_diag_t d;
  base_protocol(p);
  p->vial_volume_ul = s->vial_volume_ul;
  p->max_deviation_ppm = s->max_dev_ppm;
  p->must_dilute_ug_per_ml = s->must_dilute;
  p->volumetric_min_ul_per_h = s->vol_min;
  p->pump_max_ul_per_h = s->pump_max;
  p->volume_rounding = s->vol_rounding;
  validate_ok(p);

  init_request(req, p);
  if (s->weight_g) req->weight_g = s->weight_g;
  if (s->dose_ug_per_kg) req->dose_ug_per_kg = s->dose_ug_per_kg;
  if (s->vial) req->vial_ug_per_ml = s->vial;
  if (s->bag) req->bag_ul = s->bag;
  if (s->final_conc) req->final_conc_ug_per_ml = s->final_conc;
  if (s->duration_s) req->duration_s = s->duration_s;
  if (s->volume_step) req->volume_step_ul = s->volume_step;
  if (s->rate_step) req->rate_step_ul_per_h = s->rate_step;
  req->prep = s->prep;
  req->weight_basis = s->basis;
  req->height_mm = s->height_mm;
  req->sex = s->sex;
  req->acknowledge = s->ack;

  init_result(res);
  memset(&d, 0, sizeof d);
  int rc = s->pump ? infuse_pump_compute(req, res, &d)
                   : infuse_dose_compute(req, res, &d);
  ck_assert_msg(rc >= 0, "%s: error %d (%s: %s)", s->name, rc, d.field,
                d.message);
  return rc;
}

START_TEST(test_pharmacist_check) {
  const scen_t *s = &SCENARIOS[_i];
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  int rc = run_scenario(s, &p, &req, &res);

  const infuse_finding_t *f = find_code(&res, s->code);
  if (!s->present) {
    ck_assert_msg(f == NULL, "%s: unexpected %s", s->name,
                  infuse_finding_name((int)s->code));
    ck_assert_msg(res.n_findings == 0, "%s: %d findings (first %s)", s->name,
                  res.n_findings,
                  infuse_finding_name((int)res.findings[0].code));
    ck_assert_msg(rc == INFUSE_OK, "%s: status %d", s->name, rc);
    ck_assert_int_eq(res.verdict, INFUSE_VERDICT_OK);
  } else {
    ck_assert_msg(f != NULL, "%s: %s missing (%d findings)", s->name,
                  infuse_finding_name((int)s->code), res.n_findings);
    ck_assert_int_eq(count_code(&res, s->code), 1);
    ck_assert_msg(res.n_findings == s->n_findings,
                  "%s: %d findings, expected %d", s->name, res.n_findings,
                  s->n_findings);
    ck_assert_msg(f->severity == s->severity, "%s: severity %d", s->name,
                  f->severity);
    ck_assert_msg(f->acknowledged == s->acked, "%s: acknowledged %d", s->name,
                  (int)f->acknowledged);
    check_provenance(f);
    if (s->check_value) {
      ck_assert_msg(f->unit == s->unit, "%s: unit %d", s->name, f->unit);
      ck_assert_msg(f->value == s->value, "%s: value %lld, expected %lld",
                    s->name, (long long)f->value, (long long)s->value);
      ck_assert_msg(f->limit == s->limit, "%s: limit %lld, expected %lld",
                    s->name, (long long)f->limit, (long long)s->limit);
    }
    int want = (s->severity == SOFT && s->acked) ? INFUSE_OK
                                                 : status_for(s->severity);
    ck_assert_msg(rc == want, "%s: status %d, expected %d", s->name, rc, want);
    ck_assert_int_eq((int)res.verdict, want);
  }
  ck_assert(res.has_pump == s->pump);
  if (s->dosing_weight_g) {
    ck_assert_msg(res.dosing_weight_g == s->dosing_weight_g,
                  "%s: dosing weight %lld, expected %lld", s->name,
                  (long long)res.dosing_weight_g,
                  (long long)s->dosing_weight_g);
  }
  if (s->vials) {
    ck_assert_msg(res.vials == s->vials, "%s: vials %lld, expected %lld",
                  s->name, (long long)res.vials, (long long)s->vials);
  }
  if (s->later_zero) {
    ck_assert_int_eq(res.rate_ul_per_h, 0);
    ck_assert_int_eq(res.actual_duration_ms, 0);
    ck_assert_int_eq(res.dose_rate_ng_per_kg_per_h, 0);
  }
}
END_TEST

/* A negative deviation: the result keeps the sign, the finding reports the
 * deviation (sign not pinned by the header) against the limit. */
START_TEST(test_deviation_negative) {
  const scen_t *s = NULL;
  for (int i = 0; i < N_ROWS(SCENARIOS); i++) {
    if (strcmp(SCENARIOS[i].name, "deviation -250000 ppm, max 249999: soft") ==
        0) {
      s = &SCENARIOS[i];
    }
  }
  ck_assert_ptr_nonnull(s);
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  int rc = run_scenario(s, &p, &req, &res);
  ck_assert_int_eq(rc, INFUSE_STOP_SOFT_LIMIT);
  ck_assert_int_eq(res.drug_volume_ul, 3000);
  ck_assert_int_eq(res.delivered_dose_ng, 30000000);
  ck_assert_int_eq(res.dose_ng, 40000000);
  ck_assert_int_eq(res.dose_deviation_ppm, -250000);
  const infuse_finding_t *f = find_code(&res, INFUSE_FINDING_DOSE_DEVIATION);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->unit, INFUSE_UNIT_PPM);
  ck_assert_int_eq(llabs((long long)f->value), 250000);
  ck_assert_int_eq(f->limit, 249999);
}
END_TEST

/* The positive 12.5 % case: the numbers behind the deviation finding. */
START_TEST(test_deviation_positive_numbers) {
  const scen_t *s = &SCENARIOS[1];
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  ck_assert_str_eq(s->name, "deviation 125000 ppm, max 124999: soft");
  (void)run_scenario(s, &p, &req, &res);
  ck_assert_int_eq(res.dose_ng, 40000000);       /* 80000 g x 500 */
  ck_assert_int_eq(res.drug_volume_ul, 4500);    /* 4000 -> step 4500 */
  ck_assert_int_eq(res.delivered_dose_ng, 45000000);
  ck_assert_int_eq(res.dose_deviation_ppm, 125000);
}
END_TEST

/* The built-in protocol (not a test copy): a 100 mg/mL vial undiluted is
 * refused (CLINICAL.md: "100 mg/mL must be diluted before IV use"). */
START_TEST(test_builtin_undiluted_100mg) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  init_request(&req, &p);
  req.vial_ug_per_ml = 100000;
  req.prep = INFUSE_PREP_SYRINGE;
  req.acknowledge = INFUSE_ACK_ALL;
  init_result(&res);
  int rc = infuse_pump_compute(&req, &res, NULL);
  ck_assert_int_eq(rc, INFUSE_STOP_HARD_LIMIT);
  ck_assert_int_eq(res.verdict, INFUSE_VERDICT_HARD_LIMIT);
  const infuse_finding_t *f =
      find_code(&res, INFUSE_FINDING_UNDILUTED_STRENGTH);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->severity, INFUSE_SEVERITY_HARD);
  ck_assert(!f->acknowledged);
  ck_assert_str_eq(f->protocol_id, "ketamine-trd-40");
}
END_TEST

/* ------------------------------------------------------------------------
 * infuse_finding_message
 * ---------------------------------------------------------------------- */
typedef struct msg_row {
  infuse_finding_code_t code;
  infuse_severity_t severity;
  infuse_unit_t unit;
  int64_t value, limit;
  const char *value_text; /* infuse_format of value, by hand */
  const char *limit_text; /* infuse_format of limit, by hand */
} msg_row_t;

static const msg_row_t MESSAGES[] = {
    {INFUSE_FINDING_WEIGHT_HARD_LOW, HARD, INFUSE_UNIT_G, 39999, 40000,
     "39.999 kg", "40 kg"},
    {INFUSE_FINDING_WEIGHT_SOFT_HIGH, SOFT, INFUSE_UNIT_G, 150001, 150000,
     "150.001 kg", "150 kg"},
    {INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH, SOFT, INFUSE_UNIT_NG_PER_KG, 751000,
     750000, "0.751 mg/kg", "0.75 mg/kg"},
    {INFUSE_FINDING_DOSE_PER_KG_HARD_LOW, HARD, INFUSE_UNIT_NG_PER_KG, 99000,
     100000, "0.099 mg/kg", "0.1 mg/kg"},
    {INFUSE_FINDING_DOSE_SOFT_HIGH, SOFT, INFUSE_UNIT_NG, 75001000, 75000000,
     "75.001 mg", "75 mg"},
    /* S shows minutes with at most 2 decimals: 3601 s = 60.0167 min. */
    {INFUSE_FINDING_DURATION_SOFT_HIGH, SOFT, INFUSE_UNIT_S, 3601, 3600,
     "60.02 min", "60 min"},
    {INFUSE_FINDING_DURATION_HARD_LOW, HARD, INFUSE_UNIT_S, 599, 600,
     "9.98 min", "10 min"},
    {INFUSE_FINDING_RATE_SOFT_HIGH, SOFT, INFUSE_UNIT_UL_PER_H, 200100, 200000,
     "200.1 mL/h", "200 mL/h"},
    {INFUSE_FINDING_CONCENTRATION_SOFT_HIGH, SOFT, INFUSE_UNIT_NG_PER_ML,
     50001000, 50000000, "50.001 mg/mL", "50 mg/mL"},
    {INFUSE_FINDING_LOW_RATE_VOLUMETRIC, ADVISORY, INFUSE_UNIT_UL_PER_H, 4999,
     5000, "4.999 mL/h", "5 mL/h"},
    {INFUSE_FINDING_RATE_ABOVE_PUMP_MAX, HARD, INFUSE_UNIT_UL_PER_H, 999001,
     999000, "999.001 mL/h", "999 mL/h"},
    /* PPM shows percent with at most 2 decimals: 125000 ppm = 12.5 %. */
    {INFUSE_FINDING_DOSE_DEVIATION, SOFT, INFUSE_UNIT_PPM, 125000, 100000,
     "12.5%", "10%"},
};

START_TEST(test_finding_message) {
  const msg_row_t *m = &MESSAGES[_i];
  infuse_finding_t f;
  char buf[512];
  memset(&f, 0, sizeof f);
  f.code = m->code;
  f.severity = m->severity;
  f.unit = m->unit;
  f.value = m->value;
  f.limit = m->limit;
  set_text(f.protocol_id, sizeof f.protocol_id, SITE_ID);
  set_text(f.protocol_version, sizeof f.protocol_version, SITE_VERSION);

  memset(buf, 0x7f, sizeof buf);
  size_t n = infuse_finding_message(&f, buf, sizeof buf);
  ck_assert_uint_gt(n, 0);
  ck_assert_uint_lt(n, sizeof buf);
  ck_assert_uint_eq(strlen(buf), n);
  ck_assert_msg(strstr(buf, m->value_text) != NULL,
                "%s: message \"%s\" lacks value \"%s\"",
                infuse_finding_name((int)m->code), buf, m->value_text);
  ck_assert_msg(strstr(buf, m->limit_text) != NULL,
                "%s: message \"%s\" lacks limit \"%s\"",
                infuse_finding_name((int)m->code), buf, m->limit_text);
  ck_assert_msg(strchr(buf, '\n') == NULL, "message has a newline: \"%s\"",
                buf);

  /* The length needed without a buffer, and a truncated copy that is a
   * NUL-terminated prefix of the full sentence. */
  ck_assert_uint_eq(infuse_finding_message(&f, NULL, 0), n);
  char small[8];
  memset(small, 0x7f, sizeof small);
  ck_assert_uint_eq(infuse_finding_message(&f, small, sizeof small), n);
  ck_assert_ptr_nonnull(memchr(small, '\0', sizeof small));
  ck_assert_uint_le(strlen(small), sizeof small - 1);
  ck_assert_int_eq(strncmp(small, buf, strlen(small)), 0);
}
END_TEST

/* A message for a finding the library produced itself. */
START_TEST(test_finding_message_from_compute) {
  edge_run_t run;
  const edge_row_t *r = NULL;
  for (int i = 0; i < N_ROWS(EDGES); i++) {
    if (strcmp(EDGES[i].name, "dose/kg 1 ug/kg above soft_high") == 0) {
      r = &EDGES[i];
    }
  }
  ck_assert_ptr_nonnull(r);
  run_edge(r, INFUSE_ACK_NONE, &run);
  ck_assert_int_eq(run.result.n_findings, 1);
  char buf[512];
  size_t n = infuse_finding_message(&run.result.findings[0], buf, sizeof buf);
  ck_assert_uint_gt(n, 0);
  ck_assert_ptr_nonnull(strstr(buf, "0.751 mg/kg"));
  ck_assert_ptr_nonnull(strstr(buf, "0.75 mg/kg"));
}
END_TEST

/* ------------------------------------------------------------------------
 * Errors are not findings: a negative status, the result untouched, the
 * diagnostic filled.
 * ---------------------------------------------------------------------- */
typedef enum which { W_DOSE = 1, W_PUMP = 2, W_BOTH = 3 } which_t;

typedef enum err_kind {
  E_WEIGHT,           /* req.weight_g = v */
  E_DOSE_PER_KG,      /* req.dose_ug_per_kg = v */
  E_DOSE_FIXED,       /* FIXED, req.dose_ug = v */
  E_DURATION,         /* req.duration_s = v */
  E_VIAL,             /* req.vial_ug_per_ml = v */
  E_BAG_ADD,          /* ADD, req.bag_ul = v */
  E_BAG_REPLACE,      /* REPLACE, req.bag_ul = v */
  E_FINAL_CONC,       /* FINAL_CONC, req.final_conc_ug_per_ml = v */
  E_VOLUME_STEP,      /* req.volume_step_ul = v */
  E_RATE_STEP,        /* req.rate_step_ul_per_h = v */
  E_PREP,             /* req.prep = v */
  E_BASIS,            /* req.weight_basis = v (height and sex given) */
  E_DOSE_MODE,        /* req.dose_mode = v */
  E_SEX,              /* IDEAL, height 1800, req.sex = v */
  E_IDEAL_HEIGHT,     /* IDEAL, male, req.height_mm = v */
  E_IDEAL_F_HEIGHT,   /* IDEAL, female, req.height_mm = v */
  E_ADJ_HEIGHT,       /* ADJUSTED, male, req.height_mm = v */
  E_REQ_SIZE,         /* req.struct_size = v */
  E_RES_SIZE,         /* result.struct_size = v */
  E_NO_PROTOCOL,      /* req.protocol = NULL */
  E_BAD_PROTOCOL,     /* protocol with soft_high > hard_high */
  E_PROTOCOL_SIZE,    /* protocol struct_size = v */
  E_ORAL_PUMP         /* the oral built-in, pump compute */
} err_kind_t;

typedef struct err_row {
  const char *name;
  which_t which;
  err_kind_t kind;
  int64_t v;
  int expect; /* 0: any negative status */
} err_row_t;

static const err_row_t ERRORS[] = {
    {"weight 0", W_BOTH, E_WEIGHT, 0, INFUSE_E_MISSING},
    {"weight -1 g", W_BOTH, E_WEIGHT, -1, INFUSE_E_NEGATIVE},
    {"weight -70 kg", W_BOTH, E_WEIGHT, -70000, INFUSE_E_NEGATIVE},
    {"weight 1000.001 kg", W_BOTH, E_WEIGHT, INFUSE_MAX_WEIGHT_G + 1,
     INFUSE_E_RANGE},
    {"dose/kg 0", W_BOTH, E_DOSE_PER_KG, 0, INFUSE_E_ZERO},
    {"dose/kg -500", W_BOTH, E_DOSE_PER_KG, -500, INFUSE_E_NEGATIVE},
    {"dose/kg above 1 g/kg", W_BOTH, E_DOSE_PER_KG,
     INFUSE_MAX_DOSE_UG_PER_KG + 1, INFUSE_E_RANGE},
    {"fixed dose 0", W_BOTH, E_DOSE_FIXED, 0, INFUSE_E_ZERO},
    {"fixed dose -1 ug", W_BOTH, E_DOSE_FIXED, -1, INFUSE_E_NEGATIVE},
    {"fixed dose above 1 kg", W_BOTH, E_DOSE_FIXED, INFUSE_MAX_DOSE_UG + 1,
     INFUSE_E_RANGE},
    {"duration 0", W_PUMP, E_DURATION, 0, INFUSE_E_ZERO},
    {"duration -1 s", W_PUMP, E_DURATION, -1, INFUSE_E_NEGATIVE},
    {"duration too long", W_PUMP, E_DURATION, INFUSE_MAX_DURATION_S + 1,
     INFUSE_E_RANGE},
    {"vial 0", W_PUMP, E_VIAL, 0, INFUSE_E_ZERO},
    {"vial -10 mg/mL", W_PUMP, E_VIAL, -10000, INFUSE_E_NEGATIVE},
    {"vial above 10 g/mL", W_PUMP, E_VIAL, INFUSE_MAX_CONC_UG_PER_ML + 1,
     INFUSE_E_RANGE},
    {"ADD bag 0", W_PUMP, E_BAG_ADD, 0, INFUSE_E_ZERO},
    {"REPLACE bag -1 uL", W_PUMP, E_BAG_REPLACE, -1, INFUSE_E_NEGATIVE},
    {"bag above 100 L", W_PUMP, E_BAG_ADD, INFUSE_MAX_VOLUME_UL + 1,
     INFUSE_E_RANGE},
    {"final concentration 0", W_PUMP, E_FINAL_CONC, 0, INFUSE_E_ZERO},
    {"final concentration -1", W_PUMP, E_FINAL_CONC, -1, INFUSE_E_NEGATIVE},
    {"volume step 0", W_PUMP, E_VOLUME_STEP, 0, INFUSE_E_ZERO},
    {"volume step -100", W_PUMP, E_VOLUME_STEP, -100, INFUSE_E_NEGATIVE},
    {"volume step above 100 mL", W_PUMP, E_VOLUME_STEP,
     INFUSE_MAX_VOLUME_STEP_UL + 1, INFUSE_E_RANGE},
    {"rate step 0", W_PUMP, E_RATE_STEP, 0, INFUSE_E_ZERO},
    {"rate step above 1 L/h", W_PUMP, E_RATE_STEP,
     INFUSE_MAX_RATE_STEP_UL_PER_H + 1, INFUSE_E_RANGE},
    {"prep 9", W_PUMP, E_PREP, 9, INFUSE_E_INVALID},
    {"prep -1", W_PUMP, E_PREP, -1, INFUSE_E_INVALID},
    {"weight basis 7", W_BOTH, E_BASIS, 7, INFUSE_E_INVALID},
    {"dose mode 5", W_BOTH, E_DOSE_MODE, 5, INFUSE_E_INVALID},
    {"sex 9 with IDEAL", W_BOTH, E_SEX, 9, INFUSE_E_INVALID},
    {"IDEAL without sex", W_BOTH, E_SEX, INFUSE_SEX_UNSPECIFIED,
     INFUSE_E_MISSING},
    {"IDEAL without height", W_BOTH, E_IDEAL_HEIGHT, 0, INFUSE_E_MISSING},
    {"ADJUSTED without height", W_BOTH, E_ADJ_HEIGHT, 0, INFUSE_E_MISSING},
    {"IDEAL height -1800 mm", W_BOTH, E_IDEAL_HEIGHT, -1800,
     INFUSE_E_NEGATIVE},
    {"IDEAL height below 300 mm", W_BOTH, E_IDEAL_HEIGHT,
     INFUSE_MIN_HEIGHT_MM - 1, INFUSE_E_RANGE},
    {"IDEAL height above 3000 mm", W_BOTH, E_IDEAL_HEIGHT,
     INFUSE_MAX_HEIGHT_MM + 1, INFUSE_E_RANGE},
    /* Male 971 mm: 254 x -88000 + 23000 x 971 = -22352000 + 22333000 < 0. */
    {"IDEAL male 97.1 cm: IBW <= 0", W_BOTH, E_IDEAL_HEIGHT, 971,
     INFUSE_E_RANGE},
    /* Female 1000 mm: -23495000 + 23000000 < 0. */
    {"IDEAL female 100 cm: IBW <= 0", W_BOTH, E_IDEAL_F_HEIGHT, 1000,
     INFUSE_E_RANGE},
    {"ADJUSTED male 90 cm: IBW <= 0", W_BOTH, E_ADJ_HEIGHT, 900,
     INFUSE_E_RANGE},
    {"request struct_size 0", W_BOTH, E_REQ_SIZE, 0, INFUSE_E_STRUCT_SIZE},
    {"request struct_size + 8", W_BOTH, E_REQ_SIZE,
     (int64_t)sizeof(infuse_request_t) + 8, INFUSE_E_STRUCT_SIZE},
    {"result struct_size 0", W_BOTH, E_RES_SIZE, 0, INFUSE_E_STRUCT_SIZE},
    {"result struct_size - 1", W_BOTH, E_RES_SIZE,
     (int64_t)sizeof(infuse_result_t) - 1, INFUSE_E_STRUCT_SIZE},
    {"no protocol", W_BOTH, E_NO_PROTOCOL, 0, 0},
    {"protocol with soft_high > hard_high", W_BOTH, E_BAD_PROTOCOL, 0, 0},
    {"protocol struct_size wrong", W_BOTH, E_PROTOCOL_SIZE, 12,
     INFUSE_E_STRUCT_SIZE},
    {"oral protocol has no pump program", W_PUMP, E_ORAL_PUMP, 0,
     INFUSE_E_NOT_INFUSION},
};

static void run_error(const err_row_t *e, bool pump) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res, sentinel;
  infuse_diag_t d;

  base_protocol(&p);
  p.weight = WEIGHT_LIMITS;
  p.dose_per_kg = DPK_LIMITS;
  validate_ok(&p);
  init_request(&req, &p);

  memset(&res, 0xA5, sizeof res);
  res.struct_size = (uint32_t)sizeof res;

  switch (e->kind) {
  case E_WEIGHT:
    req.weight_g = e->v;
    break;
  case E_DOSE_PER_KG:
    req.dose_ug_per_kg = e->v;
    break;
  case E_DOSE_FIXED:
    req.dose_mode = INFUSE_DOSE_FIXED;
    req.dose_ug = e->v;
    break;
  case E_DURATION:
    req.duration_s = e->v;
    break;
  case E_VIAL:
    req.vial_ug_per_ml = e->v;
    break;
  case E_BAG_ADD:
    req.prep = INFUSE_PREP_ADD;
    req.bag_ul = e->v;
    break;
  case E_BAG_REPLACE:
    req.prep = INFUSE_PREP_REPLACE;
    req.bag_ul = e->v;
    break;
  case E_FINAL_CONC:
    req.prep = INFUSE_PREP_FINAL_CONC;
    req.final_conc_ug_per_ml = e->v;
    break;
  case E_VOLUME_STEP:
    req.volume_step_ul = e->v;
    break;
  case E_RATE_STEP:
    req.rate_step_ul_per_h = e->v;
    break;
  case E_PREP:
    req.prep = (infuse_prep_t)e->v;
    break;
  case E_BASIS:
    req.height_mm = 1800;
    req.sex = INFUSE_SEX_MALE;
    req.weight_basis = (infuse_weight_basis_t)e->v;
    break;
  case E_DOSE_MODE:
    req.dose_ug = 35000;
    req.dose_mode = (infuse_dose_mode_t)e->v;
    break;
  case E_SEX:
    req.weight_basis = INFUSE_WEIGHT_IDEAL;
    req.height_mm = 1800;
    req.sex = (infuse_sex_t)e->v;
    break;
  case E_IDEAL_HEIGHT:
    req.weight_basis = INFUSE_WEIGHT_IDEAL;
    req.sex = INFUSE_SEX_MALE;
    req.height_mm = e->v;
    break;
  case E_IDEAL_F_HEIGHT:
    req.weight_basis = INFUSE_WEIGHT_IDEAL;
    req.sex = INFUSE_SEX_FEMALE;
    req.height_mm = e->v;
    break;
  case E_ADJ_HEIGHT:
    req.weight_basis = INFUSE_WEIGHT_ADJUSTED;
    req.sex = INFUSE_SEX_MALE;
    req.height_mm = e->v;
    break;
  case E_REQ_SIZE:
    req.struct_size = (uint32_t)e->v;
    break;
  case E_RES_SIZE:
    res.struct_size = (uint32_t)e->v;
    break;
  case E_NO_PROTOCOL:
    req.protocol = NULL;
    break;
  case E_BAD_PROTOCOL:
    /* Broken after the request was made from it: compute must validate. */
    p.dose_per_kg = (infuse_limit_t){100, 200, 1100, 1000};
    break;
  case E_PROTOCOL_SIZE:
    p.struct_size = (uint32_t)e->v;
    break;
  case E_ORAL_PUMP:
    ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &p, NULL), INFUSE_OK);
    init_request(&req, &p);
    break;
  }

  memcpy(&sentinel, &res, sizeof res);
  memset(&d, 0, sizeof d);
  int rc = pump ? infuse_pump_compute(&req, &res, &d)
                : infuse_dose_compute(&req, &res, &d);
  const char *fn = pump ? "pump_compute" : "dose_compute";
  ck_assert_msg(rc < 0, "%s, %s: status %d, expected an error", e->name, fn,
                rc);
  if (e->expect != 0) {
    ck_assert_msg(rc == e->expect, "%s, %s: status %s, expected %s", e->name,
                  fn, infuse_status_name(rc), infuse_status_name(e->expect));
  }
  ck_assert_msg(memcmp(&res, &sentinel, sizeof res) == 0,
                "%s, %s: the result was written on error", e->name, fn);
  ck_assert_msg(d.status == rc, "%s, %s: diag.status %d", e->name, fn,
                d.status);
  ck_assert_msg(d.field[0] != '\0', "%s, %s: diag.field empty", e->name, fn);
  ck_assert_msg(d.message[0] != '\0', "%s, %s: diag.message empty", e->name,
                fn);
  ck_assert_ptr_nonnull(memchr(d.field, '\0', sizeof d.field));
  ck_assert_ptr_nonnull(memchr(d.message, '\0', sizeof d.message));

  /* diag may be NULL: same status, result still untouched. */
  int rc2 = pump ? infuse_pump_compute(&req, &res, NULL)
                 : infuse_dose_compute(&req, &res, NULL);
  ck_assert_int_eq(rc2, rc);
  ck_assert(memcmp(&res, &sentinel, sizeof res) == 0);
}

START_TEST(test_error_dose) {
  const err_row_t *e = &ERRORS[_i];
  if (e->which & W_DOSE) {
    run_error(e, false);
  }
}
END_TEST

START_TEST(test_error_pump) {
  const err_row_t *e = &ERRORS[_i];
  if (e->which & W_PUMP) {
    run_error(e, true);
  }
}
END_TEST

START_TEST(test_error_null_args) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  infuse_diag_t d;
  base_protocol(&p);
  init_request(&req, &p);
  init_result(&res);

  memset(&d, 0, sizeof d);
  ck_assert_int_eq(infuse_dose_compute(NULL, &res, &d), INFUSE_E_NULL);
  ck_assert_int_eq(d.status, INFUSE_E_NULL);
  ck_assert_int_eq(infuse_dose_compute(&req, NULL, &d), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_pump_compute(NULL, &res, &d), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_pump_compute(&req, NULL, NULL), INFUSE_E_NULL);
}
END_TEST

/* Limit stops are not errors: 1000 kg is inside the library's range, so it
 * is a hard weight finding with the result written in full. */
START_TEST(test_limit_stop_is_not_error) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  base_protocol(&p);
  p.weight = WEIGHT_LIMITS;
  validate_ok(&p);
  init_request(&req, &p);
  req.weight_g = INFUSE_MAX_WEIGHT_G;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  ck_assert_ptr_nonnull(find_code(&res, INFUSE_FINDING_WEIGHT_HARD_HIGH));
  ck_assert_int_eq(res.actual_weight_g, INFUSE_MAX_WEIGHT_G);
  ck_assert_int_eq(res.dose_ng, 500000000); /* 1000000 g x 500 ug/kg */
  ck_assert_str_eq(res.protocol_id, SITE_ID);

  init_result(&res);
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  ck_assert(res.has_pump);
  ck_assert_int_eq(res.verdict, INFUSE_VERDICT_HARD_LIMIT);
}
END_TEST

/* The draw-up volume may be exactly INFUSE_MAX_VOLUME_UL: 1 kg fixed at
 * 10 mg/mL in a syringe is 1e12 ng / 1e4 ug/mL = 1e8 uL = 100 L, computed;
 * at 9.999 mg/mL it would be 100.010001 L, beyond what the library
 * computes. */
START_TEST(test_draw_volume_at_its_maximum) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  base_protocol(&p);
  init_request(&req, &p);
  req.dose_mode = INFUSE_DOSE_FIXED;
  req.dose_ug = INFUSE_MAX_DOSE_UG;
  req.vial_ug_per_ml = 10000;
  req.prep = INFUSE_PREP_SYRINGE;
  req.volume_step_ul = 1;
  init_result(&res);
  /* OK here (this file's site protocol has no dose limit) */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.drug_volume_ul, INFUSE_MAX_VOLUME_UL);
  ck_assert_int_eq(res.vtbi_ul, INFUSE_MAX_VOLUME_UL);
  req.vial_ug_per_ml = 9999;
  init_result(&res);
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_E_RANGE);
}
END_TEST

/* Success leaves a non-NULL diag untouched. */
START_TEST(test_success_leaves_diag) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  infuse_diag_t d, dsent;
  base_protocol(&p);
  validate_ok(&p);
  init_request(&req, &p);
  memset(&d, 0x5A, sizeof d);
  memcpy(&dsent, &d, sizeof d);
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, &d), INFUSE_OK);
  ck_assert_msg(memcmp(&d, &dsent, sizeof d) == 0, "diag written on success");
  init_result(&res);
  ck_assert_int_eq(infuse_pump_compute(&req, &res, &d), INFUSE_OK);
  ck_assert_msg(memcmp(&d, &dsent, sizeof d) == 0, "diag written on success");
}
END_TEST

/* "dose_mode decides; the other dose field is ignored." */
START_TEST(test_other_dose_field_ignored) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  base_protocol(&p);
  validate_ok(&p);

  init_request(&req, &p);
  req.dose_mode = INFUSE_DOSE_FIXED;
  req.dose_ug = 35000;
  req.dose_ug_per_kg = -5;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.dose_ng, 35000000);
  ck_assert_int_eq(res.dose_ug_per_kg, 500); /* 35000000 ng / 70000 g */

  init_request(&req, &p);
  req.dose_mode = INFUSE_DOSE_PER_KG;
  req.dose_ug = -5;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.dose_ng, 35000000); /* 70000 g x 500 ug/kg */
}
END_TEST

/* "every other numeric field that is used must be > 0": dose_compute does
 * not use the pump fields. */
START_TEST(test_dose_ignores_pump_fields) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  base_protocol(&p);
  validate_ok(&p);
  init_request(&req, &p);
  req.duration_s = 0;
  req.vial_ug_per_ml = -1;
  req.bag_ul = 0;
  req.volume_step_ul = 0;
  req.rate_step_ul_per_h = 0;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.dose_ng, 35000000);
  ck_assert(!res.has_pump);
}
END_TEST

/* Preparation fields a prep does not use are not checked. */
START_TEST(test_prep_ignores_unused_fields) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  base_protocol(&p);
  validate_ok(&p);

  /* SYRINGE: no bag, no final concentration; total = drug = 3500 uL. */
  init_request(&req, &p);
  req.prep = INFUSE_PREP_SYRINGE;
  req.bag_ul = 0;
  req.final_conc_ug_per_ml = 0;
  init_result(&res);
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert(res.has_pump);
  ck_assert_int_eq(res.total_volume_ul, 3500);
  ck_assert_int_eq(res.diluent_ul, 0);

  /* ADD: the final concentration is not used; total = 100000 + 3500. */
  init_request(&req, &p);
  req.prep = INFUSE_PREP_ADD;
  req.final_conc_ug_per_ml = -1;
  init_result(&res);
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.total_volume_ul, 103500);

  /* ACTUAL: sex is not needed. */
  init_request(&req, &p);
  req.weight_basis = INFUSE_WEIGHT_ACTUAL;
  req.sex = INFUSE_SEX_UNSPECIFIED;
  req.height_mm = 0;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.dosing_weight_g, 70000);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *limits_suite(void) {
  Suite *s = suite_create("limits");

  TCase *core = tcase_create("core");
  tcase_add_loop_test(core, test_pharmacist_check, 0, N_ROWS(SCENARIOS));
  tcase_add_test(core, test_deviation_negative);
  tcase_add_test(core, test_deviation_positive_numbers);
  tcase_add_test(core, test_builtin_undiluted_100mg);
  tcase_add_loop_test(core, test_finding_message, 0, N_ROWS(MESSAGES));
  tcase_add_test(core, test_finding_message_from_compute);
  suite_add_tcase(s, core);

  TCase *limits = tcase_create("limits");
  tcase_add_loop_test(limits, test_limit_edge, 0, N_ROWS(EDGES));
  tcase_add_loop_test(limits, test_limit_edge_acknowledged, 0, N_ROWS(EDGES));
  tcase_add_loop_test(limits, test_limit_edge_wrong_ack, 0, N_ROWS(EDGES));
  tcase_add_test(limits, test_limit_combined);
  suite_add_tcase(s, limits);

  TCase *errors = tcase_create("errors");
  tcase_add_loop_test(errors, test_error_dose, 0, N_ROWS(ERRORS));
  tcase_add_loop_test(errors, test_error_pump, 0, N_ROWS(ERRORS));
  tcase_add_test(errors, test_error_null_args);
  tcase_add_test(errors, test_limit_stop_is_not_error);
  tcase_add_test(errors, test_draw_volume_at_its_maximum);
  tcase_add_test(errors, test_success_leaves_diag);
  tcase_add_test(errors, test_other_dose_field_ignored);
  tcase_add_test(errors, test_dose_ignores_pump_fields);
  tcase_add_test(errors, test_prep_ignores_unused_fields);
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(limits_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
