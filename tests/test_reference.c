/*
 * test_reference.c - an independent second implementation of the pump
 * program, compared with infuse_pump_compute / infuse_dose_compute over many
 * random cases from a fixed-seed PRNG; first-principles invariants; invalid
 * requests leave the result untouched.
 *
 * The reference below is written from the comment block "How the numbers are
 * computed" in include/infuse.h, not from lib/: exact rational arithmetic in
 * 128-bit integers, every rounding done by this file's own helpers. Built-in
 * protocol limits are read from the protocol struct at run time (they are
 * data, not formulas).
 *
 * A mismatch prints the whole case (every request and protocol field that
 * matters) so it can be replayed by hand.
 */
#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infuse.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------------
 * PRNG: splitmix64, fixed seeds.
 * ------------------------------------------------------------------------- */
typedef struct rng {
  uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi] (hi - lo small, modulo bias irrelevant). */
static int64_t rng_range(rng_t *r, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)(hi - lo) + 1u;
  return lo + (int64_t)(rng_next(r) % span);
}

static int rng_below(rng_t *r, int n) {
  return (int)(rng_next(r) % (uint64_t)n);
}

static int64_t rng_pick(rng_t *r, const int64_t *v, size_t n) {
  return v[rng_next(r) % (uint64_t)n];
}

#define PICK(r, arr) rng_pick((r), (arr), sizeof(arr) / sizeof((arr)[0]))

/* ---------------------------------------------------------------------------
 * Exact rounding helpers (this file's own).
 * ------------------------------------------------------------------------- */

/* num / den rounded to a multiple of step; num >= 0, den > 0, step > 0. */
static u128 ref_round(u128 num, u128 den, u128 step, infuse_rounding_t mode) {
  u128 unit = den * step;
  u128 q = num / unit;
  u128 rem = num % unit;
  switch (mode) {
  case INFUSE_ROUND_NEAREST:
    if (2 * rem >= unit) q += 1; /* ties away from zero */
    break;
  case INFUSE_ROUND_DOWN:
    break;
  case INFUSE_ROUND_UP:
    if (rem != 0) q += 1;
    break;
  default:
    break;
  }
  return q * step;
}

/* Nearest integer to num / den, den > 0, ties away from zero (either sign). */
static i128 ref_nearest(i128 num, i128 den) {
  int neg = num < 0;
  u128 a = (u128)(neg ? -num : num);
  u128 q = ref_round(a, (u128)den, 1, INFUSE_ROUND_NEAREST);
  return neg ? -(i128)q : (i128)q;
}

static u128 ceil_div(u128 a, u128 b) { return (a + b - 1) / b; }

/* ---------------------------------------------------------------------------
 * Findings: severities by the header's rules.
 * ------------------------------------------------------------------------- */
#define BIT(code) (1ull << (unsigned)(code))

/* Checks inside the loops over thousands of cases: a passing ck_assert
 * costs a message to the runner, so these only call Check on failure. */
#define REQUIRE(cond)                                                          \
  do {                                                                         \
    if (!(cond))                                                               \
      ck_abort_msg("%s:%d: check failed: %s", __FILE__, __LINE__, #cond);      \
  } while (0)
#define REQUIRE_MSG(cond, ...)                                                 \
  do {                                                                         \
    if (!(cond)) ck_abort_msg(__VA_ARGS__);                                    \
  } while (0)

static infuse_severity_t ref_severity(int code) {
  if (code >= 1 && code <= 24) {
    int side = (code - 1) % 4; /* 0 hard low, 1 soft low, 2 soft high, 3 hard high */
    return (side == 0 || side == 3) ? INFUSE_SEVERITY_HARD : INFUSE_SEVERITY_SOFT;
  }
  switch (code) {
  case INFUSE_FINDING_DOSE_DEVIATION:
    return INFUSE_SEVERITY_SOFT;
  case INFUSE_FINDING_UNDILUTED_STRENGTH:
  case INFUSE_FINDING_RATE_ABOVE_PUMP_MAX:
  case INFUSE_FINDING_DRAW_VOLUME_ZERO:
  case INFUSE_FINDING_RATE_ZERO:
  case INFUSE_FINDING_DRAW_EXCEEDS_BAG:
  case INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL:
    return INFUSE_SEVERITY_HARD;
  default:
    return INFUSE_SEVERITY_ADVISORY;
  }
}

/* The acknowledgement bit of a soft finding (0 for others). */
static uint32_t ref_ack_bit(int code) {
  if (code >= 1 && code <= 4) return INFUSE_ACK_DOSE_PER_KG;
  if (code >= 5 && code <= 8) return INFUSE_ACK_DOSE;
  if (code >= 9 && code <= 12) return INFUSE_ACK_WEIGHT;
  if (code >= 13 && code <= 16) return INFUSE_ACK_DURATION;
  if (code >= 17 && code <= 20) return INFUSE_ACK_RATE;
  if (code >= 21 && code <= 24) return INFUSE_ACK_CONCENTRATION;
  if (code == INFUSE_FINDING_DOSE_DEVIATION) return INFUSE_ACK_DEVIATION;
  return 0;
}

/* Codes of the four-bound families: base + 0 hard low, +1 soft low,
 * +2 soft high, +3 hard high. */
enum {
  FAM_DOSE_PER_KG = 1,
  FAM_DOSE = 5,
  FAM_WEIGHT = 9,
  FAM_DURATION = 13,
  FAM_RATE = 17,
  FAM_CONC = 21
};
#define FAM_MASK(base)                                                         \
  (BIT(base) | BIT((base) + 1) | BIT((base) + 2) | BIT((base) + 3))

/* ---------------------------------------------------------------------------
 * The expected result.
 * ------------------------------------------------------------------------- */
enum { STOP_NONE = 0, STOP_DRAW_ZERO, STOP_EXCEEDS_BAG, STOP_FINAL_ABOVE_VIAL };

typedef struct expect {
  int status; /* < 0: an error; else the verdict */
  int64_t ideal_g, adjusted_g, bmi_centi, dosing_g;
  int64_t dose_ug_per_kg, dose_ng;
  int64_t drug_ul, vials, delivered_ng, dev_ppm;
  int64_t diluent_ul, total_ul, final_conc_ng_per_ml;
  int64_t rate, actual_ms, dose_rate;
  int stop;
  bool rate_zero;
  /* A value beyond what the library promises to represent (a draw-up or
   * total volume above INFUSE_MAX_VOLUME_UL, or a result beyond int64):
   * E_RANGE is then an accepted answer too. */
  bool beyond;
  uint64_t must;     /* finding codes expected */
  uint64_t dontcare; /* codes the header leaves open in this case */
  /* Exact values behind the findings, for checking value and limit. */
  int64_t dpk_hi_ng, dpk_lo_ng; /* the doses compared for dose per kg */
} expect_t;

/* Add the findings of one four-bound check. The value is hn/hd (high side)
 * and ln/ld (low side); it is compared exactly with bound x scale, where
 * scale turns the limit's unit into the value's numerator unit. */
static void ref_limit(expect_t *e, const infuse_limit_t *lim, int base,
                      i128 hn, i128 hd, i128 ln, i128 ld, i128 scale) {
  if (lim->hard_high != 0 && hn > (i128)lim->hard_high * scale * hd)
    e->must |= BIT(base + 3);
  else if (lim->soft_high != 0 && hn > (i128)lim->soft_high * scale * hd)
    e->must |= BIT(base + 2);
  if (lim->hard_low != 0 && ln < (i128)lim->hard_low * scale * ld)
    e->must |= BIT(base + 0);
  else if (lim->soft_low != 0 && ln < (i128)lim->soft_low * scale * ld)
    e->must |= BIT(base + 1);
}

static int ref_verdict(const expect_t *e, uint32_t ack) {
  int v = INFUSE_VERDICT_OK;
  for (int c = 1; c < 64; c++) {
    if (!(e->must & BIT(c))) continue;
    infuse_severity_t s = ref_severity(c);
    if (s == INFUSE_SEVERITY_HARD) return INFUSE_VERDICT_HARD_LIMIT;
    if (s == INFUSE_SEVERITY_SOFT && !(ack & ref_ack_bit(c)))
      v = INFUSE_VERDICT_SOFT_LIMIT;
  }
  return v;
}

/* The reference computation. Only valid requests are generated for it, so
 * it implements the arithmetic and the checks, not the request errors. */
static void ref_compute(const infuse_protocol_t *p, const infuse_request_t *q,
                        bool pump, expect_t *e) {
  memset(e, 0, sizeof *e);

  /* Dosing weight. */
  int64_t w = q->weight_g;
  if (q->height_mm > 0) {
    i128 h = q->height_mm;
    e->bmi_centi = (int64_t)ref_nearest((i128)w * 100000, h * h);
  }
  if (q->weight_basis != INFUSE_WEIGHT_ACTUAL) {
    i128 base = q->sex == INFUSE_SEX_MALE ? 50000 : 45500;
    e->ideal_g = (int64_t)ref_nearest(
        254 * (base - 138000) + (i128)23000 * q->height_mm, 254);
    if (e->ideal_g <= 0) { /* "an IBW <= 0 is E_RANGE on the height" */
      e->status = INFUSE_E_RANGE;
      return;
    }
    if (q->weight_basis == INFUSE_WEIGHT_ADJUSTED)
      e->adjusted_g = (int64_t)ref_nearest(
          6 * (i128)e->ideal_g + 4 * (i128)w, 10);
    if (q->height_mm < 1524) e->must |= BIT(INFUSE_FINDING_IBW_SHORT_STATURE);
  }
  switch (q->weight_basis) {
  case INFUSE_WEIGHT_IDEAL:
    e->dosing_g = e->ideal_g;
    break;
  case INFUSE_WEIGHT_ADJUSTED:
    e->dosing_g = e->adjusted_g;
    break;
  default:
    e->dosing_g = w;
    break;
  }
  if (e->dosing_g > w) e->must |= BIT(INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL);

  /* Dose. */
  if (q->dose_mode == INFUSE_DOSE_PER_KG) {
    e->dose_ng = e->dosing_g * q->dose_ug_per_kg;
    e->dose_ug_per_kg = q->dose_ug_per_kg;
  } else {
    e->dose_ng = 1000 * q->dose_ug;
    e->dose_ug_per_kg = (int64_t)ref_nearest(e->dose_ng, e->dosing_g);
  }

  ref_limit(e, &p->weight, FAM_WEIGHT, w, 1, w, 1, 1);

  i128 hi = e->dose_ng, lo = e->dose_ng;
  if (pump) {
    int64_t vial = q->vial_ug_per_ml;
    u128 d = ref_round((u128)e->dose_ng, (u128)vial, (u128)q->volume_step_ul,
                       p->volume_rounding);
    if (d > (u128)INFUSE_MAX_VOLUME_UL) e->beyond = true;
    if (d > (u128)INT64_MAX / (u128)vial) { /* not representable at all */
      e->beyond = true;
      e->status = INFUSE_E_RANGE;
      return;
    }
    e->drug_ul = (int64_t)d;
    if (e->drug_ul == 0) {
      e->stop = STOP_DRAW_ZERO;
      e->must |= BIT(INFUSE_FINDING_DRAW_VOLUME_ZERO);
      /* What delivered/deviation read after this stop is left open. */
      e->dontcare |= BIT(FAM_DOSE_PER_KG) | BIT(FAM_DOSE_PER_KG + 1) |
                     BIT(FAM_DOSE) | BIT(FAM_DOSE + 1) |
                     BIT(INFUSE_FINDING_DOSE_DEVIATION) |
                     BIT(INFUSE_FINDING_DRAW_EXCEEDS_BAG) |
                     BIT(INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL);
    } else {
      e->delivered_ng = e->drug_ul * vial;
      i128 dev = ref_nearest((i128)1000000 * (e->delivered_ng - e->dose_ng),
                             e->dose_ng);
      if (dev > (i128)INT64_MAX || dev < -(i128)INT64_MAX) {
        e->beyond = true;
        e->status = INFUSE_E_RANGE;
        return;
      }
      e->dev_ppm = (int64_t)dev;
      /* vials: only when the protocol tracks the fill and the request uses
       * the protocol's own vial strength (another strength's fill is not
       * known). */
      if (p->vial_volume_ul > 0 && vial == p->vial_ug_per_ml)
        e->vials = (int64_t)ceil_div((u128)e->drug_ul, (u128)p->vial_volume_ul);
      if (e->delivered_ng > e->dose_ng) hi = e->delivered_ng;
      if (e->delivered_ng < e->dose_ng) lo = e->delivered_ng;
      /* |deviation| > max: "deviation" is the reported dose_deviation_ppm
       * (nearest); the header says "exactly" only for dose per kg and
       * concentration. See test_reading_deviation_rounded. */
      int64_t mag = e->dev_ppm < 0 ? -e->dev_ppm : e->dev_ppm;
      if (p->max_deviation_ppm != 0 && mag > p->max_deviation_ppm)
        e->must |= BIT(INFUSE_FINDING_DOSE_DEVIATION);
      if (e->vials > 1) e->must |= BIT(INFUSE_FINDING_MULTIPLE_VIALS);

      switch (q->prep) {
      case INFUSE_PREP_ADD:
        e->diluent_ul = q->bag_ul;
        e->total_ul = q->bag_ul + e->drug_ul;
        break;
      case INFUSE_PREP_REPLACE:
        if (e->drug_ul > q->bag_ul) {
          e->stop = STOP_EXCEEDS_BAG;
          e->must |= BIT(INFUSE_FINDING_DRAW_EXCEEDS_BAG);
        } else {
          e->diluent_ul = q->bag_ul - e->drug_ul;
          e->total_ul = q->bag_ul;
        }
        break;
      case INFUSE_PREP_FINAL_CONC:
        if (q->final_conc_ug_per_ml > vial) {
          e->stop = STOP_FINAL_ABOVE_VIAL;
          e->must |= BIT(INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL);
        } else {
          e->total_ul = (int64_t)ref_round((u128)e->delivered_ng,
                                           (u128)q->final_conc_ug_per_ml,
                                           (u128)q->volume_step_ul,
                                           p->volume_rounding);
          e->diluent_ul = e->total_ul - e->drug_ul;
        }
        break;
      default: /* SYRINGE */
        e->diluent_ul = 0;
        e->total_ul = e->drug_ul;
        break;
      }
    }
    e->dpk_hi_ng = (int64_t)hi;
    e->dpk_lo_ng = (int64_t)lo;

    ref_limit(e, &p->duration, FAM_DURATION, q->duration_s, 1, q->duration_s,
              1, 1);

    if (e->stop != STOP_NONE) {
      e->dontcare |= FAM_MASK(FAM_RATE) | FAM_MASK(FAM_CONC) |
                     BIT(INFUSE_FINDING_UNDILUTED_STRENGTH) |
                     BIT(INFUSE_FINDING_LOW_RATE_VOLUMETRIC) |
                     BIT(INFUSE_FINDING_RATE_ABOVE_PUMP_MAX) |
                     BIT(INFUSE_FINDING_RATE_ZERO);
    } else {
      int64_t tot = e->total_ul;
      e->final_conc_ng_per_ml =
          (int64_t)ref_nearest((i128)1000 * e->delivered_ng, tot);
      ref_limit(e, &p->concentration, FAM_CONC, e->delivered_ng, tot,
                e->delivered_ng, tot, 1);
      if (p->must_dilute_ug_per_ml != 0 &&
          (i128)e->delivered_ng >= (i128)p->must_dilute_ug_per_ml * tot)
        e->must |= BIT(INFUSE_FINDING_UNDILUTED_STRENGTH);

      e->rate = (int64_t)ref_round((u128)3600 * (u128)tot, (u128)q->duration_s,
                                   (u128)q->rate_step_ul_per_h,
                                   p->rate_rounding);
      if (e->rate == 0) {
        e->rate_zero = true;
        e->must |= BIT(INFUSE_FINDING_RATE_ZERO);
        /* Whether a zero rate is also checked against the rate bounds and
         * the volumetric minimum is left open by the header. */
        e->dontcare |= FAM_MASK(FAM_RATE) | BIT(INFUSE_FINDING_LOW_RATE_VOLUMETRIC);
      } else {
        e->actual_ms = (int64_t)ref_nearest((i128)3600000 * tot, e->rate);
        i128 dr = ref_nearest((i128)1000 * e->delivered_ng * e->rate,
                              (i128)e->dosing_g * tot);
        if (dr > (i128)INT64_MAX) e->beyond = true;
        e->dose_rate = dr > (i128)INT64_MAX ? INT64_MAX : (int64_t)dr;
        ref_limit(e, &p->rate, FAM_RATE, e->rate, 1, e->rate, 1, 1);
        if (p->volumetric_min_ul_per_h != 0 && q->prep != INFUSE_PREP_SYRINGE &&
            e->rate < p->volumetric_min_ul_per_h)
          e->must |= BIT(INFUSE_FINDING_LOW_RATE_VOLUMETRIC);
      }
      if (p->pump_max_ul_per_h != 0 && e->rate > p->pump_max_ul_per_h)
        e->must |= BIT(INFUSE_FINDING_RATE_ABOVE_PUMP_MAX);
    }
  } else {
    e->dpk_hi_ng = e->dose_ng;
    e->dpk_lo_ng = e->dose_ng;
  }

  /* Dose per kg: dose_ng / dosing_g is ug/kg; compared exactly. */
  ref_limit(e, &p->dose_per_kg, FAM_DOSE_PER_KG, hi, e->dosing_g, lo,
            e->dosing_g, 1);
  /* Dose in ng, limits in ug. */
  ref_limit(e, &p->dose, FAM_DOSE, hi, 1, lo, 1, 1000);

  if (e->total_ul > INFUSE_MAX_VOLUME_UL) e->beyond = true;
  e->must &= ~e->dontcare;
  e->status = ref_verdict(e, q->acknowledge);
}

/* ---------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------- */
typedef struct ref_case {
  infuse_protocol_t proto;
  infuse_request_t req;
} ref_case_t;

static void print_case(const char *what, uint64_t seed, int idx,
                       const ref_case_t *c) {
  const infuse_protocol_t *p = &c->proto;
  const infuse_request_t *q = &c->req;
  fprintf(stderr,
          "MISMATCH (%s) seed=0x%016" PRIx64 " case=%d\n"
          "  protocol=%s version=%s volume_rounding=%d rate_rounding=%d "
          "vial_volume_ul=%" PRId64 " max_deviation_ppm=%" PRId64
          " must_dilute_ug_per_ml=%" PRId64 " volumetric_min_ul_per_h=%" PRId64
          " pump_max_ul_per_h=%" PRId64 "\n"
          "  weight_g=%" PRId64 " basis=%d height_mm=%" PRId64 " sex=%d "
          "dose_mode=%d dose_ug_per_kg=%" PRId64 " dose_ug=%" PRId64
          " duration_s=%" PRId64 " vial_ug_per_ml=%" PRId64 " prep=%d bag_ul=%" PRId64
          " final_conc_ug_per_ml=%" PRId64 " volume_step_ul=%" PRId64
          " rate_step_ul_per_h=%" PRId64 " acknowledge=0x%x\n",
          what, seed, idx, p->id, p->version, (int)p->volume_rounding,
          (int)p->rate_rounding, p->vial_volume_ul, p->max_deviation_ppm,
          p->must_dilute_ug_per_ml, p->volumetric_min_ul_per_h,
          p->pump_max_ul_per_h, q->weight_g, (int)q->weight_basis, q->height_mm,
          (int)q->sex, (int)q->dose_mode, q->dose_ug_per_kg, q->dose_ug,
          q->duration_s, q->vial_ug_per_ml, (int)q->prep, q->bag_ul,
          q->final_conc_ug_per_ml, q->volume_step_ul, q->rate_step_ul_per_h,
          q->acknowledge);
  static const char *const names[6] = {"dose_per_kg", "dose", "weight",
                                       "duration", "rate", "concentration"};
  const infuse_limit_t *lims[6] = {&p->dose_per_kg, &p->dose, &p->weight,
                                   &p->duration, &p->rate, &p->concentration};
  fprintf(stderr, "  protocol vial_ug_per_ml=%" PRId64 " limits (hard_low, soft_low, "
          "soft_high, hard_high):", p->vial_ug_per_ml);
  for (int i = 0; i < 6; i++)
    fprintf(stderr, " %s={%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "}",
            names[i], lims[i]->hard_low, lims[i]->soft_low, lims[i]->soft_high,
            lims[i]->hard_high);
  fprintf(stderr, "\n");
}

/* Indexes of the built-in infusion protocols. */
static size_t infusion_protocols(size_t *idx, size_t cap) {
  size_t n = 0;
  size_t count = infuse_protocol_count();
  for (size_t i = 0; i < count && n < cap; i++) {
    infuse_protocol_t p;
    if (infuse_protocol_at(i, &p) == INFUSE_OK &&
        p.route == INFUSE_ROUTE_IV_INFUSION)
      idx[n++] = i;
  }
  return n;
}

static int64_t gen_weight_g(rng_t *r) {
  switch (rng_below(r, 8)) {
  case 0:
  case 1:
  case 2: /* whole kg */
    return 1000 * rng_range(r, 30, 250);
  case 3:
  case 4: { /* whole lb, rounded to g like the parser: lb x 453.59237 */
    int64_t lb = rng_range(r, 66, 551);
    return (int64_t)ref_nearest((i128)lb * 45359237, 100000);
  }
  case 5:
  case 6: /* any gram */
    return rng_range(r, 30000, 250000);
  default: /* outside the usual range, to reach the weight limits */
    return rng_below(r, 2) ? rng_range(r, 1000, 30000)
                           : rng_range(r, 250000, 400000);
  }
}

static const int64_t k_dpk[] = {100, 200, 300, 400, 500, 600, 750, 800, 1000};
static const int64_t k_dur[] = {2400, 6000, 2700, 3600, 1800, 600, 120, 2400};
static const int64_t k_vial[] = {10000, 50000, 100000, 10000, 50000};
static const int64_t k_bag[] = {50000, 100000, 250000, 500000, 100000};
static const int64_t k_final[] = {1000, 2000, 500, 1000};
static const int64_t k_vstep[] = {100, 100, 10, 50, 200, 1000, 1, 20, 500};
static const int64_t k_rstep[] = {100, 100, 10, 1000, 1, 50, 500};

/* Four ordered bounds spread around `center`, each absent (0) one time in
 * four; the protocol's default `inside` (0: none) stays within the hard
 * bounds, as infuse_protocol_validate requires. */
static void gen_limit(rng_t *r, infuse_limit_t *l, int64_t center, int64_t inside) {
  int64_t v[4];
  for (int i = 0; i < 4; i++) v[i] = rng_range(r, center / 4, center * 3);
  for (int i = 1; i < 4; i++) /* insertion sort */
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
      int64_t t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  for (int i = 0; i < 4; i++)
    if (rng_below(r, 4) == 0) v[i] = 0;
  l->hard_low = v[0];
  l->soft_low = v[1];
  l->soft_high = v[2];
  l->hard_high = v[3];
  if (inside > 0 && l->hard_low > inside) l->hard_low = inside;
  if (inside > 0 && l->hard_high != 0 && l->hard_high < inside) l->hard_high = 0;
}

/* A duration that makes the exact rate fall exactly half-way between two
 * rate steps: 3600 x total / d = (2j + 1) x step / 2, i.e.
 * d = 7200 x total / (m x step) for an odd m; 0 if none in 60..12000 s. */
static int64_t tie_duration(int64_t total_ul, int64_t step) {
  /* total <= 1e8 uL here, so 7200 x total fits easily in 64 bits */
  uint64_t t2 = UINT64_C(7200) * (uint64_t)total_ul;
  uint64_t st = (uint64_t)step;
  uint64_t m = t2 / (UINT64_C(12000) * st); /* d <= 12000 from here on */
  if (m % 2u == 0u) m += 1u;
  for (int n = 0; n < 4000; n++) {
    uint64_t den = m * st;
    uint64_t d = t2 / den;
    if (d < 60u) break;
    if (t2 % den == 0u && d <= 12000u) return (int64_t)d;
    m += 2u;
  }
  return 0;
}

/* Set one bound of `l` (side 0..3) to exactly `value`, dropping (to 0) the
 * bounds that would then be out of order, and keeping the protocol default
 * `inside` (0: none) within the hard bounds. */
static void pin_bound(infuse_limit_t *l, int side, int64_t value, int64_t inside) {
  int64_t b[4] = {l->hard_low, l->soft_low, l->soft_high, l->hard_high};
  b[side] = value;
  for (int j = 0; j < 4; j++) {
    if (j < side && b[j] > value) b[j] = 0;
    if (j > side && b[j] != 0 && b[j] < value) b[j] = 0;
  }
  if (inside > 0 && b[0] > inside) b[0] = 0;
  if (inside > 0 && b[3] != 0 && b[3] < inside) b[3] = 0;
  l->hard_low = b[0];
  l->soft_low = b[1];
  l->soft_high = b[2];
  l->hard_high = b[3];
}

/* Put a bound or a pharmacist threshold exactly on the value it checks:
 * bounds are inclusive, so this is where > and >= differ. */
static void gen_pin(rng_t *r, infuse_protocol_t *p, const infuse_request_t *q,
                    const expect_t *e) {
  int side = rng_below(r, 4);
  switch (rng_below(r, 10)) {
  case 0:
    pin_bound(&p->weight, side, q->weight_g, 0);
    break;
  case 1:
    pin_bound(&p->duration, side, q->duration_s, p->duration_s);
    break;
  case 2:
    if (q->dose_mode == INFUSE_DOSE_PER_KG)
      pin_bound(&p->dose_per_kg, side, q->dose_ug_per_kg, p->dose_ug_per_kg);
    else if (e->dose_ng % e->dosing_g == 0)
      pin_bound(&p->dose_per_kg, side, e->dose_ng / e->dosing_g, p->dose_ug_per_kg);
    break;
  case 3:
    if (e->dose_ng % 1000 == 0) pin_bound(&p->dose, side, e->dose_ng / 1000, 0);
    break;
  case 4:
    if (e->rate > 0) pin_bound(&p->rate, side, e->rate, 0);
    break;
  case 5:
    if (e->total_ul > 0 && e->delivered_ng % e->total_ul == 0)
      pin_bound(&p->concentration, side, e->delivered_ng / e->total_ul, 0);
    break;
  case 6:
    if (e->rate > 0) p->pump_max_ul_per_h = e->rate;
    break;
  case 7:
    if (e->rate > 0) p->volumetric_min_ul_per_h = e->rate;
    break;
  case 8:
    if (e->total_ul > 0 && e->delivered_ng % e->total_ul == 0)
      p->must_dilute_ug_per_ml = e->delivered_ng / e->total_ul;
    break;
  default:
    if (e->dev_ppm != 0)
      p->max_deviation_ppm = e->dev_ppm < 0 ? -e->dev_ppm : e->dev_ppm;
    break;
  }
}

static void gen_case(rng_t *r, ref_case_t *c) {
  size_t idx[16];
  size_t n = infusion_protocols(idx, 16);
  REQUIRE(n > 0);
  infuse_protocol_t *p = &c->proto;
  memset(c, 0, sizeof *c);
  REQUIRE(infuse_protocol_at(idx[rng_next(r) % n], p) == INFUSE_OK);

  p->volume_rounding = (infuse_rounding_t)rng_below(r, 3);
  p->rate_rounding = (infuse_rounding_t)rng_below(r, 3);
  /* Vary the pharmacist checks (0 disables each). */
  if (rng_below(r, 4) == 0) {
    static const int64_t vv[] = {0, 5000, 10000, 20000, 2000};
    p->vial_volume_ul = PICK(r, vv);
  }
  if (rng_below(r, 4) == 0) {
    static const int64_t dv[] = {0, 1000, 10000, 50000, 100000};
    p->max_deviation_ppm = PICK(r, dv);
  }
  if (rng_below(r, 4) == 0) {
    static const int64_t md[] = {0, 50000, 100000, 20000};
    p->must_dilute_ug_per_ml = PICK(r, md);
  }
  if (rng_below(r, 4) == 0) {
    static const int64_t vm[] = {0, 5000, 10000, 1000};
    p->volumetric_min_ul_per_h = PICK(r, vm);
  }
  if (rng_below(r, 4) == 0) {
    static const int64_t pm[] = {0, 999000, 500000, 1200000, 200000};
    p->pump_max_ul_per_h = PICK(r, pm);
  }
  /* One case in four gets limits of its own, so that every bound of every
   * quantity (the built-ins have no soft lows, for example) is reached. */
  if (rng_below(r, 4) == 0) {
    gen_limit(r, &p->dose_per_kg, 500, p->dose_ug_per_kg);
    gen_limit(r, &p->dose, 35000, 0);
    gen_limit(r, &p->weight, 80000, 0);
    gen_limit(r, &p->duration, 2400, p->duration_s);
    gen_limit(r, &p->rate, 100000, 0);
    gen_limit(r, &p->concentration, 1000, 0);
  }
  REQUIRE(infuse_protocol_validate(p, NULL) == INFUSE_OK);

  infuse_request_t *q = &c->req;
  REQUIRE(infuse_request_init(q, p) == INFUSE_OK);
  q->weight_g = gen_weight_g(r);

  int b = rng_below(r, 10);
  q->weight_basis = b < 6 ? INFUSE_WEIGHT_ACTUAL
                    : b < 8 ? INFUSE_WEIGHT_IDEAL
                            : INFUSE_WEIGHT_ADJUSTED;
  q->height_mm = rng_range(r, 1300, 2100);
  q->sex = (infuse_sex_t)rng_range(r, 1, 2);
  if (q->weight_basis == INFUSE_WEIGHT_ACTUAL) {
    if (rng_below(r, 2)) q->height_mm = 0;
    q->sex = (infuse_sex_t)rng_range(r, 0, 2);
  }

  q->dose_ug_per_kg = rng_below(r, 2) ? PICK(r, k_dpk)
                                      : (rng_below(r, 8) ? rng_range(r, 50, 1500)
                                                         : rng_range(r, 1, 3000));
  q->dose_ug = rng_below(r, 2) ? 1000 * rng_range(r, 5, 150)
                               : rng_range(r, 500, 200000);
  q->dose_mode = rng_below(r, 5) ? INFUSE_DOSE_PER_KG : INFUSE_DOSE_FIXED;

  q->duration_s = rng_below(r, 2) ? PICK(r, k_dur) : rng_range(r, 60, 12000);
  q->vial_ug_per_ml = rng_below(r, 3) ? PICK(r, k_vial) : rng_range(r, 1000, 200000);
  q->prep = (infuse_prep_t)rng_below(r, 4);
  q->bag_ul = rng_below(r, 2) ? PICK(r, k_bag) : rng_range(r, 1000, 1000000);
  q->final_conc_ug_per_ml =
      rng_below(r, 2) ? PICK(r, k_final) : rng_range(r, 100, 120000);
  q->volume_step_ul = PICK(r, k_vstep);
  q->rate_step_ul_per_h = PICK(r, k_rstep);
  q->acknowledge = (uint32_t)rng_below(r, 128);

  /* Half the cases are everyday orders (inside most limits, so the verdict
   * is often OK and the numbers are the ones used at the bedside). */
  if (rng_below(r, 2) == 0) {
    static const int64_t cdpk[] = {200, 500, 500, 500, 600, 700, 750};
    static const int64_t cdur[] = {2400, 2400, 2700, 3000, 3600, 6000};
    static const int64_t cbag[] = {100000, 100000, 250000, 50000};
    q->weight_g = rng_below(r, 2) ? 1000 * rng_range(r, 45, 140)
                                  : (int64_t)ref_nearest(
                                        (i128)rng_range(r, 100, 300) * 45359237,
                                        100000);
    q->dose_mode = INFUSE_DOSE_PER_KG;
    q->dose_ug_per_kg = PICK(r, cdpk);
    q->duration_s = PICK(r, cdur);
    q->vial_ug_per_ml = rng_below(r, 4) ? 10000 : 50000;
    q->prep = (infuse_prep_t)rng_below(r, 3); /* ADD, REPLACE, FINAL_CONC */
    q->bag_ul = PICK(r, cbag);
    q->final_conc_ug_per_ml = rng_below(r, 2) ? 1000 : 2000;
    q->volume_step_ul = rng_below(r, 3) ? 100 : 10;
    q->rate_step_ul_per_h = rng_below(r, 3) ? 100 : 10;
  } else if (q->prep == INFUSE_PREP_REPLACE && rng_below(r, 4) == 0) {
    q->bag_ul = rng_range(r, 1000, 10000); /* a small bag: may overflow */
  }

  /* One case in eight: a fixed dose whose draw-up volume is exactly half a
   * step past a multiple, dose = vial x (k + 1/2) x step (a tie). */
  if (rng_below(r, 8) == 0 && q->volume_step_ul % 2 == 0) {
    int64_t k = rng_range(r, 0, 60);
    int64_t ng = q->vial_ug_per_ml * (k * q->volume_step_ul + q->volume_step_ul / 2);
    if (ng % 1000 == 0 && ng / 1000 <= 400000) {
      q->dose_mode = INFUSE_DOSE_FIXED;
      q->dose_ug = ng / 1000;
    }
  }
  /* One ideal-weight case in eight: the actual weight equals the IBW (so
   * the dosing weight equals the actual weight: not "above" it). */
  if (q->weight_basis != INFUSE_WEIGHT_ACTUAL && rng_below(r, 8) == 0) {
    i128 base = q->sex == INFUSE_SEX_MALE ? 50000 : 45500;
    q->weight_g = (int64_t)ref_nearest(
        254 * (base - 138000) + (i128)23000 * q->height_mm, 254);
  }

  /* One case in eight: a duration that puts the exact rate on a tie. */
  if (rng_below(r, 8) == 0) {
    expect_t e;
    q->protocol = p;
    ref_compute(p, q, true, &e);
    if (e.stop == STOP_NONE) {
      int64_t d = tie_duration(e.total_ul, q->rate_step_ul_per_h);
      if (d > 0) q->duration_s = d;
    }
  }
  /* REPLACE, one case in six: a bag of exactly the draw-up volume (allowed:
   * only a draw-up volume above the bag stops). */
  if (q->prep == INFUSE_PREP_REPLACE && rng_below(r, 6) == 0) {
    expect_t e;
    q->protocol = p;
    ref_compute(p, q, true, &e);
    if (e.status >= 0 && e.drug_ul > 0) q->bag_ul = e.drug_ul;
  }
  /* One case in four: a bound exactly on its value. */
  if (rng_below(r, 4) == 0) {
    expect_t e;
    q->protocol = p;
    ref_compute(p, q, true, &e);
    if (e.status >= 0 && e.stop == STOP_NONE) {
      infuse_protocol_t before = *p;
      gen_pin(r, p, q, &e);
      /* a value beyond the protocol ranges (say a 150 % deviation) cannot
       * be a threshold: keep the protocol as it was */
      if (infuse_protocol_validate(p, NULL) != INFUSE_OK) *p = before;
    }
  }
}

/* ---------------------------------------------------------------------------
 * Comparison
 * ------------------------------------------------------------------------- */
typedef struct cmp_ctx {
  int errors;
  int printed;
  const char *what;
  uint64_t seed;
  int idx;
  const ref_case_t *c;
  bool header_done;
} cmp_ctx_t;

#define MAX_PRINTED 12

static void fail_note(cmp_ctx_t *x, const char *field, int64_t expected,
                      int64_t actual) {
  x->errors++;
  if (x->printed >= MAX_PRINTED) return;
  if (!x->header_done) {
    print_case(x->what, x->seed, x->idx, x->c);
    x->header_done = true;
  }
  fprintf(stderr, "    %-28s expected %" PRId64 "  actual %" PRId64 "\n", field,
          expected, actual);
}

#define CMP(x, field, exp, act)                                                \
  do {                                                                         \
    int64_t e_ = (int64_t)(exp), a_ = (int64_t)(act);                          \
    if (e_ != a_) fail_note((x), (field), e_, a_);                             \
  } while (0)

static const infuse_limit_t *family_limit(const infuse_protocol_t *p, int base) {
  switch (base) {
  case FAM_DOSE_PER_KG: return &p->dose_per_kg;
  case FAM_DOSE: return &p->dose;
  case FAM_WEIGHT: return &p->weight;
  case FAM_DURATION: return &p->duration;
  case FAM_RATE: return &p->rate;
  default: return &p->concentration;
  }
}

static int64_t bound_of(const infuse_limit_t *l, int side) {
  switch (side) {
  case 0: return l->hard_low;
  case 1: return l->soft_low;
  case 2: return l->soft_high;
  default: return l->hard_high;
  }
}

/* The value and limit of a limit finding, where the header fixes them. */
static void check_finding_detail(cmp_ctx_t *x, const expect_t *e,
                                 const infuse_finding_t *f) {
  const infuse_protocol_t *p = &x->c->proto;
  const infuse_request_t *q = &x->c->req;
  int code = (int)f->code;
  if (code < 1 || code > 24) return;
  int base = ((code - 1) / 4) * 4 + 1;
  int side = (code - 1) % 4;
  int64_t bound = bound_of(family_limit(p, base), side);
  bool high = side >= 2;
  switch (base) {
  case FAM_WEIGHT:
    CMP(x, "finding weight unit", INFUSE_UNIT_G, f->unit);
    CMP(x, "finding weight value", q->weight_g, f->value);
    CMP(x, "finding weight limit", bound, f->limit);
    break;
  case FAM_DURATION:
    CMP(x, "finding duration unit", INFUSE_UNIT_S, f->unit);
    CMP(x, "finding duration value", q->duration_s, f->value);
    CMP(x, "finding duration limit", bound, f->limit);
    break;
  case FAM_RATE:
    CMP(x, "finding rate unit", INFUSE_UNIT_UL_PER_H, f->unit);
    CMP(x, "finding rate value", e->rate, f->value);
    CMP(x, "finding rate limit", bound, f->limit);
    break;
  case FAM_DOSE:
    CMP(x, "finding dose unit", INFUSE_UNIT_NG, f->unit);
    CMP(x, "finding dose value", high ? e->dpk_hi_ng : e->dpk_lo_ng, f->value);
    CMP(x, "finding dose limit (ng)", bound * 1000, f->limit);
    break;
  case FAM_DOSE_PER_KG: {
    CMP(x, "finding dose/kg unit", INFUSE_UNIT_NG_PER_KG, f->unit);
    CMP(x, "finding dose/kg limit (ng/kg)", bound * 1000, f->limit);
    /* ng/kg = 1000 x ng / g; the rounding is not fixed: within 1. */
    i128 num = (i128)1000 * (high ? e->dpk_hi_ng : e->dpk_lo_ng);
    i128 diff = (i128)f->value * e->dosing_g - num;
    if (diff < 0) diff = -diff;
    if (diff >= (i128)e->dosing_g)
      fail_note(x, "finding dose/kg value (+-1)",
                (int64_t)(num / e->dosing_g), f->value);
    break;
  }
  default: { /* concentration */
    CMP(x, "finding conc unit", INFUSE_UNIT_NG_PER_ML, f->unit);
    CMP(x, "finding conc limit (ng/mL)", bound * 1000, f->limit);
    i128 num = (i128)1000 * e->delivered_ng;
    i128 diff = (i128)f->value * e->total_ul - num;
    if (diff < 0) diff = -diff;
    if (diff >= (i128)e->total_ul)
      fail_note(x, "finding conc value (+-1)", e->final_conc_ng_per_ml, f->value);
    break;
  }
  }
}

static const infuse_step_t *find_step(const infuse_result_t *res,
                                      infuse_step_kind_t kind) {
  int n = res->n_steps;
  if (n < 0 || n > INFUSE_MAX_STEPS) return NULL;
  for (int i = 0; i < n; i++)
    if (res->steps[i].kind == kind) return &res->steps[i];
  return NULL;
}

/* A rounding step of the trail: its value, mode, step and exact ratio
 * (exact_num / exact_den == xn / xd). */
static void check_round_step(cmp_ctx_t *x, const infuse_result_t *res,
                             infuse_step_kind_t kind, const char *name,
                             int64_t value, infuse_rounding_t mode,
                             int64_t step, i128 xn, i128 xd) {
  const infuse_step_t *s = find_step(res, kind);
  if (s == NULL) {
    fail_note(x, name, (int64_t)kind, -1);
    return;
  }
  CMP(x, name, value, s->value);
  CMP(x, "trail round_step", step, s->round_step);
  CMP(x, "trail rounding", mode, s->rounding);
  if (s->exact_den <= 0 ||
      (i128)s->exact_num * xd != xn * (i128)s->exact_den)
    fail_note(x, "trail exact_num (den)", (int64_t)(xn / xd), s->exact_num);
  bool exact_is_value = xn == (i128)value * xd;
  CMP(x, "trail rounded flag", !exact_is_value, s->rounded);
}

static void compare(cmp_ctx_t *x, const expect_t *e, int status,
                    const infuse_result_t *res, bool pump) {
  const infuse_protocol_t *p = &x->c->proto;
  const infuse_request_t *q = &x->c->req;

  if (e->beyond && status == INFUSE_E_RANGE) return;
  CMP(x, "status", e->status, status);
  if (status < 0 || e->status < 0) return;
  CMP(x, "has_pump", pump, res->has_pump);
  CMP(x, "verdict", e->status, res->verdict);
  if (strcmp(res->protocol_id, p->id) != 0) fail_note(x, "protocol_id", 0, 1);
  if (strcmp(res->protocol_version, p->version) != 0)
    fail_note(x, "protocol_version", 0, 1);

  CMP(x, "actual_weight_g", q->weight_g, res->actual_weight_g);
  CMP(x, "height_mm", q->height_mm, res->height_mm);
  CMP(x, "bmi_centi", e->bmi_centi, res->bmi_centi);
  if (q->weight_basis != INFUSE_WEIGHT_ACTUAL)
    CMP(x, "ideal_weight_g", e->ideal_g, res->ideal_weight_g);
  if (q->weight_basis == INFUSE_WEIGHT_ADJUSTED)
    CMP(x, "adjusted_weight_g", e->adjusted_g, res->adjusted_weight_g);
  CMP(x, "weight_basis", q->weight_basis, res->weight_basis);
  CMP(x, "dosing_weight_g", e->dosing_g, res->dosing_weight_g);
  CMP(x, "dose_mode", q->dose_mode, res->dose_mode);
  CMP(x, "dose_ug_per_kg", e->dose_ug_per_kg, res->dose_ug_per_kg);
  CMP(x, "dose_ng", e->dose_ng, res->dose_ng);

  if (pump) {
    CMP(x, "prep", q->prep, res->prep);
    CMP(x, "vial_ug_per_ml", q->vial_ug_per_ml, res->vial_ug_per_ml);
    CMP(x, "volume_step_ul", q->volume_step_ul, res->volume_step_ul);
    CMP(x, "duration_s", q->duration_s, res->duration_s);
    CMP(x, "rate_step_ul_per_h", q->rate_step_ul_per_h, res->rate_step_ul_per_h);
    CMP(x, "drug_volume_ul", e->drug_ul, res->drug_volume_ul);
    if (e->stop != STOP_DRAW_ZERO) {
      CMP(x, "vials", e->vials, res->vials);
      CMP(x, "delivered_dose_ng", e->delivered_ng, res->delivered_dose_ng);
      CMP(x, "dose_deviation_ppm", e->dev_ppm, res->dose_deviation_ppm);
      check_round_step(x, res, INFUSE_STEP_DRAW_VOLUME, "trail draw_volume",
                       e->drug_ul, p->volume_rounding, q->volume_step_ul,
                       e->dose_ng, q->vial_ug_per_ml);
    }
    /* After a stop the later fields are left 0 (then all expected 0). */
    CMP(x, "diluent_ul", e->diluent_ul, res->diluent_ul);
    CMP(x, "total_volume_ul", e->total_ul, res->total_volume_ul);
    CMP(x, "final_conc_ng_per_ml", e->final_conc_ng_per_ml,
        res->final_conc_ng_per_ml);
    CMP(x, "rate_ul_per_h", e->rate, res->rate_ul_per_h);
    CMP(x, "vtbi_ul", e->total_ul, res->vtbi_ul);
    CMP(x, "actual_duration_ms", e->actual_ms, res->actual_duration_ms);
    CMP(x, "dose_rate_ng_per_kg_per_h", e->dose_rate,
        res->dose_rate_ng_per_kg_per_h);
    if (e->stop == STOP_NONE)
      check_round_step(x, res, INFUSE_STEP_RATE, "trail rate", e->rate,
                       p->rate_rounding, q->rate_step_ul_per_h,
                       (i128)3600 * e->total_ul, q->duration_s);
  }

  /* Findings: the set of codes, each once, severity and acknowledgement. */
  if (res->n_findings < 0 || res->n_findings > INFUSE_MAX_FINDINGS) {
    fail_note(x, "n_findings", 0, res->n_findings);
    return;
  }
  uint64_t got = 0;
  for (int i = 0; i < res->n_findings; i++) {
    const infuse_finding_t *f = &res->findings[i];
    int code = (int)f->code;
    if (code < 1 || code > 63) {
      fail_note(x, "finding code in range", 1, code);
      continue;
    }
    if (got & BIT(code)) fail_note(x, "finding reported twice", 0, code);
    got |= BIT(code);
    if (e->dontcare & BIT(code)) continue;
    infuse_severity_t sev = ref_severity(code);
    if ((int)f->severity != (int)sev) fail_note(x, "finding severity (code)", code, f->severity);
    bool ack = sev == INFUSE_SEVERITY_SOFT && (q->acknowledge & ref_ack_bit(code));
    if (f->acknowledged != ack) fail_note(x, "finding acknowledged (code)", code, f->acknowledged);
    if (strcmp(f->protocol_id, p->id) != 0 ||
        strcmp(f->protocol_version, p->version) != 0)
      fail_note(x, "finding protocol id/version (code)", code, -1);
    if (e->must & BIT(code)) check_finding_detail(x, e, f);
  }
  uint64_t g = got & ~e->dontcare;
  for (int code = 1; code < 64; code++) {
    if ((e->must & BIT(code)) && !(g & BIT(code)))
      fail_note(x, "finding missing (code)", code, 0);
    if (!(e->must & BIT(code)) && (g & BIT(code)))
      fail_note(x, "finding unexpected (code)", 0, code);
  }
  /* The stops always carry a hard finding. */
  if (e->stop != STOP_NONE || e->rate_zero)
    CMP(x, "verdict after stop", INFUSE_VERDICT_HARD_LIMIT, res->verdict);
}

/* ---------------------------------------------------------------------------
 * Random comparison: chunks of cases, each chunk its own fixed seed.
 * ------------------------------------------------------------------------- */
#define N_CHUNKS 16
#define CASES_PER_CHUNK 1000
#define BASE_SEED UINT64_C(0x1F05E5EED)

typedef struct stats {
  int n, stops, rate_zero, soft, hard, ties_vol, ties_rate;
} stats_t;

static int run_case(uint64_t seed, int i, rng_t *r, stats_t *st, int *printed) {
  ref_case_t c;
  gen_case(r, &c);
  c.req.protocol = &c.proto;

  expect_t e;
  infuse_result_t res;
  cmp_ctx_t x = {0, *printed, "pump", seed, i, &c, false};

  ref_compute(&c.proto, &c.req, true, &e);
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  int status = infuse_pump_compute(&c.req, &res, NULL);
  compare(&x, &e, status, &res, true);

  st->n++;
  if (e.stop) st->stops++;
  if (e.rate_zero) st->rate_zero++;
  if (e.status == INFUSE_STOP_SOFT_LIMIT) st->soft++;
  if (e.status == INFUSE_STOP_HARD_LIMIT) st->hard++;
  if (e.stop == STOP_NONE &&
      ((u128)e.dose_ng % (u128)(c.req.vial_ug_per_ml * c.req.volume_step_ul)) * 2 ==
          (u128)(c.req.vial_ug_per_ml * c.req.volume_step_ul))
    st->ties_vol++;
  if (e.stop == STOP_NONE &&
      ((u128)3600 * (u128)e.total_ul %
       (u128)(c.req.duration_s * c.req.rate_step_ul_per_h)) * 2 ==
          (u128)(c.req.duration_s * c.req.rate_step_ul_per_h))
    st->ties_rate++;

  /* The dose-only entry point on the same request. */
  expect_t ed;
  cmp_ctx_t xd = {0, x.printed + (x.errors ? 1 : 0), "dose", seed, i, &c, false};
  ref_compute(&c.proto, &c.req, false, &ed);
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  status = infuse_dose_compute(&c.req, &res, NULL);
  compare(&xd, &ed, status, &res, false);

  int errs = x.errors + xd.errors;
  if (errs) *printed += 1;
  return errs;
}

START_TEST(test_random_vs_reference) {
  uint64_t seed = BASE_SEED ^ ((uint64_t)(unsigned)_i * UINT64_C(0x9E3779B97F4A7C15));
  rng_t r = {seed};
  stats_t st = {0, 0, 0, 0, 0, 0, 0};
  int printed = 0;
  int bad_cases = 0;
  for (int i = 0; i < CASES_PER_CHUNK; i++) {
    /* Each case's seed is printed on mismatch: the chunk seed plus the case
     * index replays it (cases are drawn in order from one stream). */
    if (run_case(seed, i, &r, &st, &printed)) bad_cases++;
  }
  if (_i == 0)
    fprintf(stderr,
            "reference chunk 0: %d cases, %d stops, %d zero rates, %d soft, "
            "%d hard, %d draw-volume ties, %d rate ties\n",
            st.n, st.stops, st.rate_zero, st.soft, st.hard, st.ties_vol,
            st.ties_rate);
  ck_assert_msg(bad_cases == 0, "%d of %d cases differ from the reference",
                bad_cases, CASES_PER_CHUNK);
}
END_TEST

/* A value spread over many orders of magnitude in [lo, hi]. */
static int64_t gen_wide(rng_t *r, int64_t lo, int64_t hi) {
  int64_t top = lo;
  int digits = rng_below(r, 10);
  for (int i = 0; i < digits && top <= hi / 10; i++) top *= 10;
  if (top > hi) top = hi;
  if (rng_below(r, 8) == 0) return rng_below(r, 2) ? lo : hi; /* the ends */
  return rng_range(r, lo, top);
}

/* Anywhere in the ranges the library accepts (INFUSE_MAX_*): the exact
 * arithmetic must hold at the extremes too, or refuse with E_RANGE only
 * where a value really is beyond them. */
static void gen_extreme_case(rng_t *r, ref_case_t *c) {
  gen_case(r, c);
  infuse_request_t *q = &c->req;
  q->weight_g = gen_wide(r, 1, INFUSE_MAX_WEIGHT_G);
  q->height_mm = q->weight_basis == INFUSE_WEIGHT_ACTUAL && rng_below(r, 2)
                     ? 0
                     : rng_range(r, INFUSE_MIN_HEIGHT_MM, INFUSE_MAX_HEIGHT_MM);
  q->dose_ug_per_kg = gen_wide(r, 1, INFUSE_MAX_DOSE_UG_PER_KG);
  q->dose_ug = gen_wide(r, 1, INFUSE_MAX_DOSE_UG);
  q->duration_s = gen_wide(r, 1, INFUSE_MAX_DURATION_S);
  q->vial_ug_per_ml = gen_wide(r, 1, INFUSE_MAX_CONC_UG_PER_ML);
  q->bag_ul = gen_wide(r, 1, INFUSE_MAX_VOLUME_UL);
  q->final_conc_ug_per_ml = gen_wide(r, 1, INFUSE_MAX_CONC_UG_PER_ML);
  q->volume_step_ul = gen_wide(r, 1, INFUSE_MAX_VOLUME_STEP_UL);
  q->rate_step_ul_per_h = gen_wide(r, 1, INFUSE_MAX_RATE_STEP_UL_PER_H);
}

#define N_EXTREME 4000

START_TEST(test_extremes_vs_reference) {
  uint64_t seed = UINT64_C(0xE8713E5);
  rng_t r = {seed};
  int printed = 0, bad = 0, ranged = 0;
  for (int i = 0; i < N_EXTREME; i++) {
    ref_case_t c;
    gen_extreme_case(&r, &c);
    c.req.protocol = &c.proto;
    for (int pump = 0; pump < 2; pump++) {
      expect_t e;
      infuse_result_t res;
      cmp_ctx_t x = {0, printed, pump ? "extreme pump" : "extreme dose", seed,
                     i, &c, false};
      ref_compute(&c.proto, &c.req, pump != 0, &e);
      memset(&res, 0, sizeof res);
      res.struct_size = sizeof res;
      int st = pump ? infuse_pump_compute(&c.req, &res, NULL)
                    : infuse_dose_compute(&c.req, &res, NULL);
      if (st == INFUSE_E_RANGE) ranged++;
      compare(&x, &e, st, &res, pump != 0);
      if (x.errors) {
        bad++;
        printed++;
      }
    }
  }
  fprintf(stderr, "reference extremes: %d cases x 2 entry points, %d E_RANGE\n",
          N_EXTREME, ranged);
  ck_assert_msg(bad == 0, "%d extreme cases differ from the reference", bad);
  ck_assert_int_lt(ranged, N_EXTREME); /* most extremes are computed */
}
END_TEST

/* The generator reaches what it must: every finding code, every verdict,
 * every stop, and rounding ties, over the same cases as the chunks above.
 * (Without this, a generator change could silently stop testing a rule.) */
START_TEST(test_generator_coverage) {
  int per_code[64] = {0};
  int verdicts[3] = {0, 0, 0};
  int stops[4] = {0, 0, 0, 0};
  int rate_zero = 0, ties_vol = 0, ties_rate = 0;
  for (int ch = 0; ch < N_CHUNKS; ch++) {
    uint64_t seed = BASE_SEED ^ ((uint64_t)(unsigned)ch * UINT64_C(0x9E3779B97F4A7C15));
    rng_t r = {seed};
    for (int i = 0; i < CASES_PER_CHUNK; i++) {
      ref_case_t c;
      expect_t e;
      gen_case(&r, &c);
      c.req.protocol = &c.proto;
      ref_compute(&c.proto, &c.req, true, &e);
      for (int k = 1; k < 64; k++)
        if (e.must & BIT(k)) per_code[k]++;
      verdicts[e.status]++;
      stops[e.stop]++;
      if (e.rate_zero) rate_zero++;
      if (e.stop != STOP_NONE) continue;
      u128 unit = (u128)c.req.vial_ug_per_ml * (u128)c.req.volume_step_ul;
      if (2 * ((u128)e.dose_ng % unit) == unit) ties_vol++;
      unit = (u128)c.req.duration_s * (u128)c.req.rate_step_ul_per_h;
      if (2 * ((u128)3600 * (u128)e.total_ul % unit) == unit) ties_rate++;
    }
  }
  for (int k = 1; k <= INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL; k++)
    ck_assert_msg(per_code[k] >= 50, "finding %s reached only %d times",
                  infuse_finding_name(k), per_code[k]);
  for (int v = 0; v < 3; v++) ck_assert_int_ge(verdicts[v], 2000);
  for (int st = 1; st < 4; st++) ck_assert_int_ge(stops[st], 50);
  ck_assert_int_ge(rate_zero, 50);
  ck_assert_int_ge(ties_vol, 500);
  ck_assert_int_ge(ties_rate, 500);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Invariants over random cases (no reference needed).
 * ------------------------------------------------------------------------- */
static bool has_code(const infuse_result_t *res, int code) {
  for (int i = 0; i < res->n_findings && i < INFUSE_MAX_FINDINGS; i++)
    if ((int)res->findings[i].code == code) return true;
  return false;
}

static bool pump_complete(const infuse_result_t *res) {
  return !has_code(res, INFUSE_FINDING_DRAW_VOLUME_ZERO) &&
         !has_code(res, INFUSE_FINDING_DRAW_EXCEEDS_BAG) &&
         !has_code(res, INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL) &&
         !has_code(res, INFUSE_FINDING_RATE_ZERO);
}

static int pump(const infuse_request_t *q, infuse_result_t *res) {
  memset(res, 0, sizeof *res);
  res->struct_size = sizeof *res;
  return infuse_pump_compute(q, res, NULL);
}

START_TEST(test_invariant_mass_balance) {
  rng_t r = {0xBA1A7CEull};
  int checked = 0;
  for (int i = 0; i < 4000; i++) {
    ref_case_t c;
    gen_case(&r, &c);
    c.req.protocol = &c.proto;
    infuse_result_t res;
    int st = pump(&c.req, &res);
    REQUIRE(st >= 0);
    if (!pump_complete(&res)) continue;
    checked++;
    /* VTBI is the total volume, total = drug + diluent. */
    REQUIRE(res.vtbi_ul == res.total_volume_ul);
    REQUIRE(res.total_volume_ul == res.drug_volume_ul + res.diluent_ul);
    REQUIRE(res.diluent_ul >= 0);
    /* actual_ms = nearest(3.6e6 x V / R) means |actual_ms - 3.6e6 V / R| <=
     * 1/2; multiplied by R > 0: |R x actual_ms - 3.6e6 x V| <= R / 2, i.e.
     * 2 |R x ms - 3.6e6 V| <= R, exact in integers. */
    i128 R = res.rate_ul_per_h;
    i128 diff = R * res.actual_duration_ms - (i128)3600000 * res.vtbi_ul;
    if (diff < 0) diff = -diff;
    if (2 * diff > R) print_case("mass balance", 0xBA1A7CEull, i, &c);
    REQUIRE_MSG(2 * diff <= R, "rate x actual duration differs from VTBI by %.1f uL*ms/h",
                  (double)diff);
    /* The programmed rate is within one rate step of the exact rate
     * (half a step for NEAREST): |R x D - 3600 V| <= step x D (/2). */
    i128 D = res.duration_s;
    i128 rd = R * D - (i128)3600 * res.total_volume_ul;
    i128 step = res.rate_step_ul_per_h;
    if (c.proto.rate_rounding == INFUSE_ROUND_NEAREST) {
      REQUIRE(2 * (rd < 0 ? -rd : rd) <= step * D);
    } else if (c.proto.rate_rounding == INFUSE_ROUND_DOWN) {
      REQUIRE(rd <= 0 && -rd < step * D);
    } else {
      REQUIRE(rd >= 0 && rd < step * D);
    }
    REQUIRE(res.rate_ul_per_h % res.rate_step_ul_per_h == 0);
    REQUIRE(res.drug_volume_ul % res.volume_step_ul == 0);
  }
  REQUIRE(checked > 2000);
}
END_TEST

START_TEST(test_invariant_deviation_bound) {
  rng_t r = {0xDE71A7Eull};
  int checked = 0;
  for (int i = 0; i < 4000; i++) {
    ref_case_t c;
    gen_case(&r, &c);
    c.req.protocol = &c.proto;
    infuse_result_t res;
    REQUIRE(pump(&c.req, &res) >= 0);
    if (has_code(&res, INFUSE_FINDING_DRAW_VOLUME_ZERO)) continue;
    checked++;
    /* drug = round(dose / vial) to the step, so |drug - dose/vial| <=
     * step/2 (NEAREST) or < step (DOWN, UP); times the vial strength:
     * |delivered - dose| <= step x vial / 2, or < step x vial, with the
     * sign fixed by the direction. */
    i128 sv = (i128)res.volume_step_ul * res.vial_ug_per_ml;
    i128 d = (i128)res.delivered_dose_ng - res.dose_ng;
    REQUIRE(res.delivered_dose_ng == res.drug_volume_ul * res.vial_ug_per_ml);
    switch (c.proto.volume_rounding) {
    case INFUSE_ROUND_NEAREST:
      REQUIRE(2 * (d < 0 ? -d : d) <= sv);
      break;
    case INFUSE_ROUND_DOWN:
      REQUIRE(d <= 0 && -d < sv);
      break;
    default:
      REQUIRE(d >= 0 && d < sv);
      break;
    }
    /* The reported deviation has the sign of delivered - prescribed. */
    if (d > 0) REQUIRE(res.dose_deviation_ppm >= 0);
    if (d < 0) REQUIRE(res.dose_deviation_ppm <= 0);
    if (d == 0) REQUIRE(res.dose_deviation_ppm == 0);
  }
  REQUIRE(checked > 3000);
}
END_TEST

/* Two requests differing in one input; everything downstream must not go
 * down when the input goes up. */
static void assert_monotone(const ref_case_t *c, const infuse_request_t *lo,
                            const infuse_request_t *hi, const char *what,
                            int i) {
  infuse_result_t a, b;
  REQUIRE(pump(lo, &a) >= 0);
  REQUIRE(pump(hi, &b) >= 0);
  bool ok = b.dose_ng >= a.dose_ng && b.drug_volume_ul >= a.drug_volume_ul &&
            b.delivered_dose_ng >= a.delivered_dose_ng;
  if (ok && pump_complete(&a) && pump_complete(&b))
    ok = b.total_volume_ul >= a.total_volume_ul &&
         b.rate_ul_per_h >= a.rate_ul_per_h;
  if (!ok) {
    print_case(what, 0, i, c);
    fprintf(stderr, "  lo: dose %" PRId64 " drug %" PRId64 " rate %" PRId64
                    "; hi: dose %" PRId64 " drug %" PRId64 " rate %" PRId64 "\n",
            a.dose_ng, a.drug_volume_ul, a.rate_ul_per_h, b.dose_ng,
            b.drug_volume_ul, b.rate_ul_per_h);
  }
  REQUIRE_MSG(ok, "%s: not monotone (case %d)", what, i);
}

START_TEST(test_invariant_monotone) {
  rng_t r = {0x3070703Eull};
  for (int i = 0; i < 2000; i++) {
    ref_case_t c;
    gen_case(&r, &c);
    c.req.protocol = &c.proto;
    infuse_request_t lo = c.req, hi = c.req;

    /* In actual weight (ACTUAL and ADJUSTED depend on it; IDEAL does not). */
    lo.dose_mode = hi.dose_mode = INFUSE_DOSE_PER_KG;
    hi.weight_g = lo.weight_g + rng_range(&r, 1, 5000);
    assert_monotone(&c, &lo, &hi, "monotone in weight", i);

    /* In dose per kg. */
    hi = lo;
    hi.dose_ug_per_kg = lo.dose_ug_per_kg + rng_range(&r, 1, 200);
    assert_monotone(&c, &lo, &hi, "monotone in dose per kg", i);

    /* In a fixed dose (rate monotone in dose). */
    lo.dose_mode = hi.dose_mode = INFUSE_DOSE_FIXED;
    hi.dose_ug = lo.dose_ug + rng_range(&r, 1, 20000);
    hi.dose_ug_per_kg = lo.dose_ug_per_kg;
    assert_monotone(&c, &lo, &hi, "monotone in fixed dose", i);
  }
}
END_TEST

/* ---------------------------------------------------------------------------
 * Invalid requests: the documented error, the result untouched.
 * ------------------------------------------------------------------------- */
typedef struct bad_request {
  const char *name;
  int expect;
  bool dose_too; /* the dose-only entry point must refuse it too */
  void (*apply)(infuse_request_t *q, infuse_protocol_t *p);
} bad_request_t;

static void bad_weight_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->weight_g = 0; }
static void bad_weight_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->weight_g = -70000; }
static void bad_weight_minus1(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->weight_g = -1; }
static void bad_weight_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->weight_g = INFUSE_MAX_WEIGHT_G + 1; }
static void bad_ideal_no_height(infuse_request_t *q, infuse_protocol_t *p) {
  (void)p; q->weight_basis = INFUSE_WEIGHT_IDEAL; q->height_mm = 0; q->sex = INFUSE_SEX_MALE;
}
static void bad_adjusted_no_height(infuse_request_t *q, infuse_protocol_t *p) {
  (void)p; q->weight_basis = INFUSE_WEIGHT_ADJUSTED; q->height_mm = 0; q->sex = INFUSE_SEX_FEMALE;
}
static void bad_ideal_no_sex(infuse_request_t *q, infuse_protocol_t *p) {
  (void)p; q->weight_basis = INFUSE_WEIGHT_IDEAL; q->height_mm = 1750; q->sex = INFUSE_SEX_UNSPECIFIED;
}
static void bad_ideal_negative_ibw(infuse_request_t *q, infuse_protocol_t *p) {
  /* Female, 1000 mm: 254 x (45500 - 138000) + 23000 x 1000 = -23,495,000 +
   * 23,000,000 = -495,000 -> IBW about -1949 g <= 0: E_RANGE. */
  (void)p; q->weight_basis = INFUSE_WEIGHT_IDEAL; q->height_mm = 1000; q->sex = INFUSE_SEX_FEMALE;
}
static void bad_height_small(infuse_request_t *q, infuse_protocol_t *p) {
  (void)p; q->weight_basis = INFUSE_WEIGHT_IDEAL; q->height_mm = INFUSE_MIN_HEIGHT_MM - 1; q->sex = INFUSE_SEX_MALE;
}
static void bad_height_big(infuse_request_t *q, infuse_protocol_t *p) {
  (void)p; q->weight_basis = INFUSE_WEIGHT_IDEAL; q->height_mm = INFUSE_MAX_HEIGHT_MM + 1; q->sex = INFUSE_SEX_MALE;
}
static void bad_height_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->height_mm = -1750; }
static void bad_height_small_actual(infuse_request_t *q, infuse_protocol_t *p) {
  /* a height, when given, is used (BMI) even with the actual weight */
  (void)p; q->weight_basis = INFUSE_WEIGHT_ACTUAL; q->height_mm = INFUSE_MIN_HEIGHT_MM - 1;
}
static void bad_sex_enum_actual(infuse_request_t *q, infuse_protocol_t *p) {
  (void)p; q->weight_basis = INFUSE_WEIGHT_ACTUAL; q->sex = (infuse_sex_t)7;
}
static void bad_basis_enum(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->weight_basis = (infuse_weight_basis_t)3; }
static void bad_basis_enum_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->weight_basis = (infuse_weight_basis_t)-1; }
static void bad_sex_enum(infuse_request_t *q, infuse_protocol_t *p) {
  (void)p; q->weight_basis = INFUSE_WEIGHT_IDEAL; q->height_mm = 1750; q->sex = (infuse_sex_t)3;
}
static void bad_mode_enum(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->dose_mode = (infuse_dose_mode_t)2; }
static void bad_prep_enum(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->prep = (infuse_prep_t)4; }
static void bad_prep_enum_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->prep = (infuse_prep_t)-1; }
static void bad_duration_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->duration_s = 0; }
static void bad_duration_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->duration_s = -2400; }
static void bad_duration_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->duration_s = INFUSE_MAX_DURATION_S + 1; }
static void bad_dpk_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->dose_mode = INFUSE_DOSE_PER_KG; q->dose_ug_per_kg = 0; }
static void bad_dpk_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->dose_mode = INFUSE_DOSE_PER_KG; q->dose_ug_per_kg = -500; }
static void bad_dpk_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->dose_mode = INFUSE_DOSE_PER_KG; q->dose_ug_per_kg = INFUSE_MAX_DOSE_UG_PER_KG + 1; }
static void bad_dose_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->dose_mode = INFUSE_DOSE_FIXED; q->dose_ug = 0; }
static void bad_dose_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->dose_mode = INFUSE_DOSE_FIXED; q->dose_ug = -35000; }
static void bad_dose_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->dose_mode = INFUSE_DOSE_FIXED; q->dose_ug = INFUSE_MAX_DOSE_UG + 1; }
static void bad_vial_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->vial_ug_per_ml = 0; }
static void bad_vial_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->vial_ug_per_ml = -10000; }
static void bad_vial_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->vial_ug_per_ml = INFUSE_MAX_CONC_UG_PER_ML + 1; }
static void bad_bag_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->prep = INFUSE_PREP_ADD; q->bag_ul = 0; }
static void bad_bag_neg_replace(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->prep = INFUSE_PREP_REPLACE; q->bag_ul = -100000; }
static void bad_bag_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->prep = INFUSE_PREP_ADD; q->bag_ul = INFUSE_MAX_VOLUME_UL + 1; }
static void bad_final_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->prep = INFUSE_PREP_FINAL_CONC; q->final_conc_ug_per_ml = 0; }
static void bad_final_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->prep = INFUSE_PREP_FINAL_CONC; q->final_conc_ug_per_ml = INFUSE_MAX_CONC_UG_PER_ML + 1; }
static void bad_vstep_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->volume_step_ul = 0; }
static void bad_vstep_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->volume_step_ul = INFUSE_MAX_VOLUME_STEP_UL + 1; }
static void bad_rstep_zero(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->rate_step_ul_per_h = 0; }
static void bad_rstep_neg(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->rate_step_ul_per_h = -100; }
static void bad_rstep_big(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->rate_step_ul_per_h = INFUSE_MAX_RATE_STEP_UL_PER_H + 1; }
static void bad_ack_bits(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->acknowledge = INFUSE_ACK_ALL + 1u; }
static void bad_ack_high(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->acknowledge = 0x80000000u; }
/* The weight as entered must be the one weight_g came from. */
static void parse_into(const char *text, uint32_t dims, infuse_quantity_t *out) {
  infuse_quantity_t tmp;
  int rc = infuse_quantity_parse(text, dims, "test", &tmp, NULL);
  REQUIRE(rc == INFUSE_OK);
  *out = tmp;
}
static void bad_entered_conflict(infuse_request_t *q, infuse_protocol_t *p) {
  /* "160 lb" is 72,575 g, the request says 72,576 g */
  (void)p;
  parse_into("160 lb", INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT), &q->weight_entered);
  q->weight_g = 72576;
}
static void bad_entered_dim(infuse_request_t *q, infuse_protocol_t *p) {
  /* a length given as the weight entered */
  (void)p;
  parse_into("175 cm", INFUSE_DIM_BIT(INFUSE_DIM_LENGTH), &q->weight_entered);
  q->weight_g = 1750;
}
static void bad_entered_precision(infuse_request_t *q, infuse_protocol_t *p) {
  /* 7 decimals of lb: 160.0000001 lb = 72,574.77924536 g -> 72,575 g */
  (void)p;
  parse_into("160.0000001 lb", INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
             &q->weight_entered);
  q->weight_g = q->weight_entered.value;
}
static void bad_req_size(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->struct_size = (uint32_t)sizeof(*q) + 8u; }
static void bad_req_size0(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->struct_size = 0; }
static void bad_no_protocol(infuse_request_t *q, infuse_protocol_t *p) { (void)p; q->protocol = NULL; }
static void bad_proto_rounding(infuse_request_t *q, infuse_protocol_t *p) { (void)q; p->volume_rounding = (infuse_rounding_t)3; }
static void bad_proto_rate_rounding(infuse_request_t *q, infuse_protocol_t *p) { (void)q; p->rate_rounding = (infuse_rounding_t)7; }
static void bad_proto_size(infuse_request_t *q, infuse_protocol_t *p) { (void)q; p->struct_size = 1; }

static const bad_request_t k_bad[] = {
    {"weight 0", INFUSE_E_MISSING, true, bad_weight_zero},
    {"weight negative", INFUSE_E_NEGATIVE, true, bad_weight_neg},
    {"weight -1 g", INFUSE_E_NEGATIVE, true, bad_weight_minus1},
    {"weight above INFUSE_MAX_WEIGHT_G", INFUSE_E_RANGE, true, bad_weight_big},
    {"IDEAL without height", INFUSE_E_MISSING, true, bad_ideal_no_height},
    {"ADJUSTED without height", INFUSE_E_MISSING, true, bad_adjusted_no_height},
    {"IDEAL without sex", INFUSE_E_MISSING, true, bad_ideal_no_sex},
    {"IDEAL <= 0 (female, 100 cm)", INFUSE_E_RANGE, true, bad_ideal_negative_ibw},
    {"height below minimum", INFUSE_E_RANGE, true, bad_height_small},
    {"height above maximum", INFUSE_E_RANGE, true, bad_height_big},
    {"height negative", INFUSE_E_NEGATIVE, true, bad_height_neg},
    {"height below minimum, actual weight", INFUSE_E_RANGE, true,
     bad_height_small_actual},
    {"sex 7, actual weight", INFUSE_E_INVALID, true, bad_sex_enum_actual},
    {"weight basis 3", INFUSE_E_INVALID, true, bad_basis_enum},
    {"weight basis -1", INFUSE_E_INVALID, true, bad_basis_enum_neg},
    {"sex 3", INFUSE_E_INVALID, true, bad_sex_enum},
    {"dose mode 2", INFUSE_E_INVALID, true, bad_mode_enum},
    {"prep 4", INFUSE_E_INVALID, false, bad_prep_enum},
    {"prep -1", INFUSE_E_INVALID, false, bad_prep_enum_neg},
    {"duration 0", INFUSE_E_ZERO, false, bad_duration_zero},
    {"duration negative", INFUSE_E_NEGATIVE, false, bad_duration_neg},
    {"duration too long", INFUSE_E_RANGE, false, bad_duration_big},
    {"dose per kg 0", INFUSE_E_ZERO, true, bad_dpk_zero},
    {"dose per kg negative", INFUSE_E_NEGATIVE, true, bad_dpk_neg},
    {"dose per kg too big", INFUSE_E_RANGE, true, bad_dpk_big},
    {"fixed dose 0", INFUSE_E_ZERO, true, bad_dose_zero},
    {"fixed dose negative", INFUSE_E_NEGATIVE, true, bad_dose_neg},
    {"fixed dose too big", INFUSE_E_RANGE, true, bad_dose_big},
    {"vial 0", INFUSE_E_ZERO, false, bad_vial_zero},
    {"vial negative", INFUSE_E_NEGATIVE, false, bad_vial_neg},
    {"vial too strong", INFUSE_E_RANGE, false, bad_vial_big},
    {"bag 0 (ADD)", INFUSE_E_ZERO, false, bad_bag_zero},
    {"bag negative (REPLACE)", INFUSE_E_NEGATIVE, false, bad_bag_neg_replace},
    {"bag too big", INFUSE_E_RANGE, false, bad_bag_big},
    {"final conc 0", INFUSE_E_ZERO, false, bad_final_zero},
    {"final conc too big", INFUSE_E_RANGE, false, bad_final_big},
    {"volume step 0", INFUSE_E_ZERO, false, bad_vstep_zero},
    {"volume step too big", INFUSE_E_RANGE, false, bad_vstep_big},
    {"rate step 0", INFUSE_E_ZERO, false, bad_rstep_zero},
    {"rate step negative", INFUSE_E_NEGATIVE, false, bad_rstep_neg},
    {"rate step too big", INFUSE_E_RANGE, false, bad_rstep_big},
    {"acknowledge bit 7", INFUSE_E_INVALID, true, bad_ack_bits},
    {"acknowledge bit 31", INFUSE_E_INVALID, true, bad_ack_high},
    {"weight entered differs", INFUSE_E_CONFLICT, true, bad_entered_conflict},
    {"weight entered as a length", INFUSE_E_INVALID, true, bad_entered_dim},
    {"weight entered, 7 decimals of lb", INFUSE_E_PRECISION, true,
     bad_entered_precision},
    {"request struct_size", INFUSE_E_STRUCT_SIZE, true, bad_req_size},
    {"request struct_size 0", INFUSE_E_STRUCT_SIZE, true, bad_req_size0},
    {"no protocol", INFUSE_E_NULL, true, bad_no_protocol},
    {"protocol volume rounding 3", INFUSE_E_INVALID, true, bad_proto_rounding},
    {"protocol rate rounding 7", INFUSE_E_INVALID, true, bad_proto_rate_rounding},
    {"protocol struct_size", INFUSE_E_STRUCT_SIZE, true, bad_proto_size},
};
#define N_BAD ((int)(sizeof k_bad / sizeof k_bad[0]))

static void good_request(infuse_protocol_t *p, infuse_request_t *q) {
  infuse_diag_t diag;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", p, &diag), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(q, p), INFUSE_OK);
  q->weight_g = 70000;
}

/* Call one entry point on a sentinel-filled result; the result must come
 * back byte for byte as it went in, and diag must carry the status. */
static void expect_refused(const infuse_request_t *q, bool use_pump, int expect,
                           const char *name) {
  infuse_result_t res, before;
  memset(&res, 0xA5, sizeof res);
  res.struct_size = sizeof res;
  memcpy(&before, &res, sizeof res);
  infuse_diag_t diag;
  memset(&diag, 0, sizeof diag);
  int st = use_pump ? infuse_pump_compute(q, &res, &diag)
                    : infuse_dose_compute(q, &res, &diag);
  REQUIRE_MSG(st == expect, "%s (%s): status %d (%s), expected %d (%s)", name,
                use_pump ? "pump" : "dose", st, infuse_status_name(st), expect,
                infuse_status_name(expect));
  REQUIRE_MSG(memcmp(&res, &before, sizeof res) == 0,
                "%s (%s): the result was written on an error", name,
                use_pump ? "pump" : "dose");
  REQUIRE_MSG(diag.status == expect, "%s: diag.status %d", name, diag.status);
}

START_TEST(test_invalid_request_untouched) {
  const bad_request_t *b = &k_bad[_i];
  infuse_protocol_t p;
  infuse_request_t q;
  good_request(&p, &q);
  b->apply(&q, &p);
  expect_refused(&q, true, b->expect, b->name);
  if (b->dose_too) expect_refused(&q, false, b->expect, b->name);
}
END_TEST

START_TEST(test_invalid_null_and_sizes) {
  infuse_protocol_t p;
  infuse_request_t q;
  good_request(&p, &q);
  infuse_result_t res;
  infuse_diag_t diag;
  /* NULL request or result. */
  ck_assert_int_eq(infuse_pump_compute(NULL, &res, &diag), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_pump_compute(&q, NULL, &diag), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_dose_compute(NULL, &res, NULL), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_dose_compute(&q, NULL, NULL), INFUSE_E_NULL);
  /* A result struct_size the library does not know. */
  infuse_result_t before;
  memset(&res, 0x5A, sizeof res);
  res.struct_size = (uint32_t)sizeof res - 4u;
  memcpy(&before, &res, sizeof res);
  ck_assert_int_eq(infuse_pump_compute(&q, &res, NULL), INFUSE_E_STRUCT_SIZE);
  ck_assert(memcmp(&res, &before, sizeof res) == 0);
  ck_assert_int_eq(infuse_dose_compute(&q, &res, NULL), INFUSE_E_STRUCT_SIZE);
  ck_assert(memcmp(&res, &before, sizeof res) == 0);
  /* An oral protocol has no pump program. */
  infuse_protocol_t oral;
  infuse_request_t qo;
  ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &oral, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&qo, &oral), INFUSE_OK);
  qo.weight_g = 70000;
  expect_refused(&qo, true, INFUSE_E_NOT_INFUSION, "oral protocol");
  /* The largest weight accepted is not an error (limits stop it instead). */
  q.weight_g = INFUSE_MAX_WEIGHT_G;
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  ck_assert_int_ge(infuse_pump_compute(&q, &res, NULL), 0);
  ck_assert_int_eq(res.actual_weight_g, INFUSE_MAX_WEIGHT_G);
}
END_TEST

/* Fields a request does not use are ignored ("dose_mode decides; the other
 * dose field is ignored"; only fields "that are used" must be valid): junk
 * in them changes nothing, byte for byte. */
START_TEST(test_unused_fields_ignored) {
  rng_t r = {UINT64_C(0x0DDF1E1D)};
  static const int64_t junk[] = {0, -1, INT64_MIN, INT64_MAX, -123456789};
  for (int i = 0; i < 500; i++) {
    ref_case_t c;
    gen_case(&r, &c);
    c.req.protocol = &c.proto;
    infuse_request_t spoiled = c.req;
    if (spoiled.dose_mode == INFUSE_DOSE_PER_KG)
      spoiled.dose_ug = PICK(&r, junk);
    else
      spoiled.dose_ug_per_kg = PICK(&r, junk);
    if (spoiled.prep != INFUSE_PREP_ADD && spoiled.prep != INFUSE_PREP_REPLACE)
      spoiled.bag_ul = PICK(&r, junk);
    if (spoiled.prep != INFUSE_PREP_FINAL_CONC)
      spoiled.final_conc_ug_per_ml = PICK(&r, junk);
    infuse_result_t a, b;
    int sa = pump(&c.req, &a), sb = pump(&spoiled, &b);
    REQUIRE_MSG(sa == sb && memcmp(&a, &b, sizeof a) == 0,
                "pump case %d: an unused field changed the result (%d, %d)", i,
                sa, sb);
    /* The dose alone uses no pump field at all. */
    spoiled.duration_s = PICK(&r, junk);
    spoiled.vial_ug_per_ml = PICK(&r, junk);
    spoiled.volume_step_ul = PICK(&r, junk);
    spoiled.rate_step_ul_per_h = PICK(&r, junk);
    spoiled.bag_ul = PICK(&r, junk);
    spoiled.final_conc_ug_per_ml = PICK(&r, junk);
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    sa = infuse_dose_compute(&c.req, &a, NULL);
    sb = infuse_dose_compute(&spoiled, &b, NULL);
    REQUIRE_MSG(sa == sb && memcmp(&a, &b, sizeof a) == 0,
                "dose case %d: an unused field changed the result (%d, %d)", i,
                sa, sb);
  }
}
END_TEST

/* Random invalid requests: a random valid case spoiled in one field. */
START_TEST(test_invalid_random_untouched) {
  rng_t r = {0xBADBADull};
  for (int i = 0; i < 1000; i++) {
    ref_case_t c;
    gen_case(&r, &c);
    c.req.protocol = &c.proto;
    const bad_request_t *b = &k_bad[rng_below(&r, N_BAD)];
    /* Enum and field spoilers write only the one field (and what makes it
     * used); the rest stays a random valid case. */
    b->apply(&c.req, &c.proto);
    expect_refused(&c.req, true, b->expect, b->name);
    if (b->dose_too) expect_refused(&c.req, false, b->expect, b->name);
  }
}
END_TEST

/* ---------------------------------------------------------------------------
 * Readings of the header pinned by hand-made cases on the edge, where two
 * readings would differ by less than one reported unit.
 * ------------------------------------------------------------------------- */
static int edge_pump(infuse_protocol_t *p, infuse_request_t *q,
                     infuse_result_t *res) {
  q->protocol = p;
  memset(res, 0, sizeof *res);
  res->struct_size = sizeof *res;
  return infuse_pump_compute(q, res, NULL);
}

static const infuse_finding_t *find_code(const infuse_result_t *res, int code) {
  for (int i = 0; i < res->n_findings && i < INFUSE_MAX_FINDINGS; i++)
    if ((int)res->findings[i].code == code) return &res->findings[i];
  return NULL;
}

/* DOSE_DEVIATION: "|deviation| > max_deviation_ppm" compares the reported
 * deviation (nearest ppm), as the header says "exactly" only for dose per
 * kg and concentration. Volume rounding UP, 10 mg/mL, 0.1 mL step. */
START_TEST(test_reading_deviation_rounded) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t res;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  p.volume_rounding = INFUSE_ROUND_UP;
  ck_assert_int_eq(p.max_deviation_ppm, 50000);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);

  /* 70,028 g x 272 ug/kg = 19,047,616 ng -> 1,904.7616 uL -> up to 2,000 uL
   * -> 20,000,000 ng; 5 % of 19,047,616 is 952,380.8 and the difference is
   * 952,384: 3.2 ng over, 3.2e6 / 19,047,616 = 0.168 ppm -> exact deviation
   * 50,000.168 ppm, reported 50,000: not above 50,000. */
  q.weight_g = 70028;
  q.dose_ug_per_kg = 272;
  ck_assert_int_eq(edge_pump(&p, &q, &res), INFUSE_OK);
  ck_assert_int_eq(res.dose_ng, 19047616);
  ck_assert_int_eq(res.drug_volume_ul, 2000);
  ck_assert_int_eq(res.dose_deviation_ppm, 50000);
  ck_assert_ptr_null(find_code(&res, INFUSE_FINDING_DOSE_DEVIATION));

  /* 68,271 g x 279 = 19,047,609 ng -> 2,000 uL; 5 % is 952,380.45, the
   * difference 952,391: 10.55 over, 10.55e6 / 19,047,609 = 0.554 ppm ->
   * 50,000.554, reported 50,001 > 50,000: soft finding. */
  q.weight_g = 68271;
  q.dose_ug_per_kg = 279;
  ck_assert_int_eq(edge_pump(&p, &q, &res), INFUSE_STOP_SOFT_LIMIT);
  ck_assert_int_eq(res.dose_ng, 19047609);
  ck_assert_int_eq(res.dose_deviation_ppm, 50001);
  const infuse_finding_t *f = find_code(&res, INFUSE_FINDING_DOSE_DEVIATION);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->severity, INFUSE_SEVERITY_SOFT);
  ck_assert(!f->acknowledged);
  ck_assert_int_eq(res.n_findings, 1);
  q.acknowledge = INFUSE_ACK_DEVIATION;
  ck_assert_int_eq(edge_pump(&p, &q, &res), INFUSE_OK);
  f = find_code(&res, INFUSE_FINDING_DOSE_DEVIATION);
  ck_assert_ptr_nonnull(f);
  ck_assert(f->acknowledged);
}
END_TEST

/* UNDILUTED_STRENGTH compares the final concentration exactly (the header's
 * concentration check is "exactly"), not its rounded ng/mL. */
START_TEST(test_reading_undiluted_exact) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t res;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  p.must_dilute_ug_per_ml = 1;
  ck_assert_int_eq(infuse_protocol_validate(&p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  q.weight_g = 70000;
  q.dose_mode = INFUSE_DOSE_FIXED;
  q.dose_ug = 2;          /* 2,000 ng */
  q.vial_ug_per_ml = 2;   /* -> 1,000 uL drawn */
  q.prep = INFUSE_PREP_ADD;
  q.bag_ul = 1001;        /* total 2,001 uL */
  /* 2,000 / 2,001 = 0.99950 ug/mL < 1: not undiluted; reported
   * 1000 x 2,000 / 2,001 = 999.50 -> 1,000 ng/mL (2,001 x 999 =
   * 1,998,999, rest 1,001 >= 1,000.5). */
  ck_assert_int_ge(edge_pump(&p, &q, &res), 0);
  ck_assert_int_eq(res.drug_volume_ul, 1000);
  ck_assert_int_eq(res.total_volume_ul, 2001);
  ck_assert_int_eq(res.final_conc_ng_per_ml, 1000);
  ck_assert_ptr_null(find_code(&res, INFUSE_FINDING_UNDILUTED_STRENGTH));
  /* A 1,000 uL bag: 2,000 / 2,000 = 1 ug/mL exactly, >= 1: undiluted. */
  q.bag_ul = 1000;
  ck_assert_int_eq(edge_pump(&p, &q, &res), INFUSE_STOP_HARD_LIMIT);
  ck_assert_int_eq(res.final_conc_ng_per_ml, 1000);
  const infuse_finding_t *f = find_code(&res, INFUSE_FINDING_UNDILUTED_STRENGTH);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->severity, INFUSE_SEVERITY_HARD);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Self-test of the reference's own helpers, by hand.
 * ------------------------------------------------------------------------- */
START_TEST(test_reference_helpers) {
  /* 1552.5 steps -> 1553 (ties away), 1552 (down), 1553 (up). */
  ck_assert(ref_round(155250, 1, 100, INFUSE_ROUND_NEAREST) == 155300);
  ck_assert(ref_round(155250, 1, 100, INFUSE_ROUND_DOWN) == 155200);
  ck_assert(ref_round(155250, 1, 100, INFUSE_ROUND_UP) == 155300);
  /* 36287500 ng / 10000 ug/mL = 3628.75 uL -> 3600 (nearest 100). */
  ck_assert(ref_round(36287500, 10000, 100, INFUSE_ROUND_NEAREST) == 3600);
  ck_assert(ref_round(36287500, 10000, 100, INFUSE_ROUND_UP) == 3700);
  /* exact multiples stay put in every mode */
  ck_assert(ref_round(3500, 1, 100, INFUSE_ROUND_UP) == 3500);
  ck_assert(ref_round(3500, 1, 100, INFUSE_ROUND_DOWN) == 3500);
  /* -2.5 -> -3, 2.5 -> 3, -2.4 -> -2 */
  ck_assert(ref_nearest(-5, 2) == -3);
  ck_assert(ref_nearest(5, 2) == 3);
  ck_assert(ref_nearest(-12, 5) == -2);
  /* 160 lb = 72574.7792 g -> 72575 */
  ck_assert(ref_nearest((i128)160 * 45359237, 100000) == 72575);
  ck_assert(ceil_div(10001, 10000) == 2 && ceil_div(10000, 10000) == 1);
}
END_TEST

static Suite *reference_suite(void) {
  Suite *s = suite_create("reference");

  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_reference_helpers);
  tcase_add_loop_test(tc, test_random_vs_reference, 0, N_CHUNKS);
  tcase_add_test(tc, test_generator_coverage);
  tcase_add_test(tc, test_extremes_vs_reference);
  suite_add_tcase(s, tc);

  tc = tcase_create("invariants");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_invariant_mass_balance);
  tcase_add_test(tc, test_invariant_deviation_bound);
  tcase_add_test(tc, test_invariant_monotone);
  suite_add_tcase(s, tc);

  tc = tcase_create("readings");
  tcase_add_test(tc, test_reading_deviation_rounded);
  tcase_add_test(tc, test_reading_undiluted_exact);
  suite_add_tcase(s, tc);

  tc = tcase_create("errors");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_invalid_request_untouched, 0, N_BAD);
  tcase_add_test(tc, test_invalid_null_and_sizes);
  tcase_add_test(tc, test_invalid_random_untouched);
  tcase_add_test(tc, test_unused_fields_ignored);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(reference_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
