/*
 * test_gaps_writer.c - the result writers' branches the other suites leave
 * out: every preparation in the text report (replace, final concentration,
 * syringe), fixed doses, height/IBW/adjusted lines, the oral solution in
 * text and JSON, dose-only reports, the soft-limit verdict, zero draw-up
 * volume and zero rate (pump fields left out), several vials, every
 * finding's sentence, JSON escaping, and the writers' refusal of a
 * malformed result. Expected numbers are hand arithmetic (shown next to
 * each check).
 */
#include <infuse.h>

#include "internal.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

static infuse_protocol_t proto;
static infuse_request_t req;
static infuse_result_t res;
static char buf[32768];

static void setup(const char *id) {
  ck_assert_int_eq(infuse_protocol_get(id, &proto, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, &proto), INFUSE_OK);
  req.weight_g = 70000;
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
}

static const char *text(void) {
  size_t len = 0;
  ck_assert_int_eq(infuse_write_text(&res, buf, sizeof buf, &len), INFUSE_OK);
  ck_assert_uint_eq(len, strlen(buf));
  return buf;
}

static const char *json(void) {
  size_t len = 0;
  ck_assert_int_eq(infuse_write_json(&res, buf, sizeof buf, &len), INFUSE_OK);
  ck_assert_uint_eq(len, strlen(buf));
  ck_assert_msg(json_valid(buf), "invalid JSON:\n%s", buf);
  return buf;
}

#define HAS(hay, needle)                                                       \
  ck_assert_msg(strstr((hay), (needle)) != NULL, "missing <%s> in:\n%.1500s",    \
                (needle), (hay))
#define LACKS(hay, needle)                                                     \
  ck_assert_msg(strstr((hay), (needle)) == NULL, "unexpected <%s> in:\n%s",   \
                (needle), (hay))

static bool has_finding(infuse_finding_code_t code) {
  for (int i = 0; i < res.n_findings; i++) {
    if (res.findings[i].code == code) {
      return true;
    }
  }
  return false;
}

/* ---- the trail's wording of the basis and of a 1-unit rounding ---------- */

/* Each basis names itself in the trail's dosing-weight step, and only
 * itself (the summary line above the trail says it separately). */
START_TEST(trail_names_the_basis) {
  setup("ketamine-trd-40");
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  HAS(t, "\n       70 kg (actual body weight)\n");
  LACKS(t, "adjusted body weight");
  LACKS(t, "ideal body weight");
  setup("ketamine-trd-40");
  req.weight_g = 80000;
  req.height_mm = 1700;
  req.sex = INFUSE_SEX_FEMALE;
  req.weight_basis = INFUSE_WEIGHT_IDEAL;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  t = text();
  /* IBW = 45.5 + 2.3 x (170 / 2.54 - 60) = 61.437 kg (as above) */
  HAS(t, "\n       61.437 kg (ideal body weight)\n");
  LACKS(t, "(actual body weight)\n       ");
  LACKS(t, "adjusted body weight");
}
END_TEST

/* The pound conversion rounds to 1 g, the smallest step there is: its
 * rounding is still reported, as 0.001 kg. */
START_TEST(one_gram_rounding_is_reported) {
  setup("ketamine-trd-40");
  infuse_quantity_t q;
  ck_assert_int_eq(infuse_quantity_parse("154lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, NULL),
                   INFUSE_OK);
  req.weight_g = q.value; /* 154 x 453.59237 = 69853.22 g -> 69853 g */
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const char *j = json();
  HAS(j, "\"rounding\": {\"mode\": \"nearest\", \"step\": \"0.001 kg\"}");
}
END_TEST

/* ---- preparations in the text report ------------------------------------ */

START_TEST(text_replace) {
  setup("ketamine-trd-40");
  req.prep = INFUSE_PREP_REPLACE;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  /* 0.5 mg/kg x 70 kg = 35 mg; / 10 mg/mL = 3.5 mL; bag 100 - 3.5 = 96.5 */
  HAS(t, "  diluent               96.5 mL (first withdraw 3.5 mL from the "
         "bag, then add the drug)\n");
  HAS(t, "  total volume          100 mL\n");
  HAS(t, "diluent = bag - the same volume withdrawn first\n"
         "       100 mL - 3.5 mL = 96.5 mL\n");
  /* 100 mL over 40 min = 150 mL/h */
  HAS(t, "  rate                  150 mL/h\n");
  HAS(json(), "\"prep\": \"replace\"");
}
END_TEST

START_TEST(text_final_conc) {
  setup("ketamine-trd-40");
  req.prep = INFUSE_PREP_FINAL_CONC; /* protocol: 1 mg/mL */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  /* total 35 mg / 1 mg/mL = 35 mL, diluent 35 - 3.5 = 31.5 mL */
  HAS(t, "  diluent               31.5 mL (to the final concentration)\n");
  HAS(t, "total volume = delivered dose / final concentration\n"
         "       35 mg / 1 mg/mL = 35 mL\n");
  HAS(t, "diluent = total volume - draw-up volume\n"
         "       35 mL - 3.5 mL = 31.5 mL\n");
  /* 35 mL / 40 min = 52.5 mL/h */
  HAS(t, "  rate                  52.5 mL/h\n");
}
END_TEST

START_TEST(text_syringe) {
  setup("ketamine-trd-40");
  req.prep = INFUSE_PREP_SYRINGE;
  /* undiluted 10 mg/mL is above the 2 mg/mL soft maximum */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_SOFT_LIMIT);
  const char *t = text();
  HAS(t, "  diluent               0 mL (undiluted, syringe pump)\n");
  HAS(t, "  total volume          3.5 mL\n");
  HAS(t, "total volume = draw-up volume (undiluted, syringe)\n"
         "       3.5 mL\n");
  /* 3.5 mL / 40 min = 5.25 mL/h, tie away from zero: 5.3 mL/h;
   * 3.5 / 5.3 h = 0.6603774 h = 39.6226 min */
  HAS(t, "  rate                  5.3 mL/h\n");
  HAS(t, "40 min prescribed, 39.62 min at the programmed rate\n");
  HAS(t, "\nVerdict   SOFT LIMIT: do not use without acknowledgement\n");
  HAS(t, "  [soft] concentration_soft_high: final concentration 10 mg/mL is "
         "above the soft maximum 2 mg/mL; needs acknowledgement (protocol "
         "ketamine-trd-40 v1)\n");
  /* acknowledged, the same finding says so and the verdict is OK */
  req.acknowledge = INFUSE_ACK_CONCENTRATION;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  t = text();
  HAS(t, "\nVerdict   OK\n");
  HAS(t, "is above the soft maximum 2 mg/mL; acknowledged (protocol");
  HAS(json(), "\"acknowledged\": true");
}
END_TEST

/* ---- patient and dose lines ---------------------------------------------- */

START_TEST(text_ideal_weight_and_height) {
  setup("ketamine-trd-40");
  req.weight_g = 50000;
  req.height_mm = 1900;
  req.sex = INFUSE_SEX_MALE;
  req.weight_basis = INFUSE_WEIGHT_IDEAL;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  /* IBW = 50 + 2.3 x (190 / 2.54 - 60) = 84.047244 kg -> 84.047 kg;
   * BMI = 50 / 1.9^2 = 13.850416 -> 13.85 */
  HAS(t, "  height                190 cm\n"
         "  BMI                   13.85 kg/m2\n"
         "  ideal weight (Devine) 84.047 kg\n"
         "  dosing weight         84.047 kg (ideal body weight)\n");
  LACKS(t, "adjusted weight");
  /* 0.5 x 84.047 = 42.0235 mg -> 4.2 mL -> 42 mg, (42 - 42.0235) / 42.0235
   * = -0.0559% -> -0.06% */
  HAS(t, "  delivered dose        42 mg (deviation -0.06%)\n");
  /* advisory: 84.047 kg dosing weight above the 50 kg actual */
  ck_assert(has_finding(INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL));
  HAS(t, "  [advisory] dosing_weight_above_actual: dosing weight 84.047 kg is "
         "above the actual body weight 50 kg (protocol ketamine-trd-40 v1)\n");
  HAS(t, "\nVerdict   OK\n");
  HAS(t, "50 kg + 2.3 kg x (190 cm / 2.54 cm - 60) = ~84.047244 kg; rounded "
         "nearest to 0.001 kg: 84.047 kg\n");
}
END_TEST

START_TEST(text_adjusted_weight) {
  setup("ketamine-trd-40");
  req.weight_g = 80000;
  req.height_mm = 1700;
  req.sex = INFUSE_SEX_FEMALE;
  req.weight_basis = INFUSE_WEIGHT_ADJUSTED;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  /* IBW = 45.5 + 2.3 x (170 / 2.54 - 60) = 61.437008 -> 61.437 kg;
   * AdjBW = 61.437 + 0.4 x (80 - 61.437) = 68.8622 -> 68.862 kg;
   * BMI = 80 / 1.7^2 = 27.6817 -> 27.68 */
  HAS(t, "  BMI                   27.68 kg/m2\n"
         "  ideal weight (Devine) 61.437 kg\n"
         "  adjusted weight       68.862 kg\n"
         "  dosing weight         68.862 kg (adjusted body weight)\n");
  HAS(t, "61.437 kg + 0.4 x (80 kg - 61.437 kg) = 68.8622 kg; rounded "
         "nearest to 0.001 kg: 68.862 kg\n");
  HAS(t, "68.862 kg (adjusted body weight)\n");
  const char *j = json();
  HAS(j, "\"ideal_weight_kg\": 61.437,\n  \"adjusted_weight_kg\": 68.862,");
}
END_TEST

START_TEST(text_fixed_dose_several_vials) {
  setup("ketamine-trd-40");
  req.dose_mode = INFUSE_DOSE_FIXED;
  req.dose_ug = 250000; /* 250 mg: above the 150 mg hard maximum */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  const char *t = text();
  /* 250 mg / 70 kg = 3.571429 mg/kg -> 3.571 */
  HAS(t, "  dose per kg           3.571 mg/kg (from the fixed dose)\n"
         "  dose                  250 mg\n");
  /* 250 mg / 10 mg/mL = 25 mL; 25 / 20 mL vials -> 2 */
  HAS(t, "  draw up               25 mL (2 vials)\n");
  HAS(t, "\nVerdict   HARD LIMIT: do not use\n");
  HAS(t, "dose = the fixed dose ordered\n       250 mg\n");
  HAS(t, "  [advisory] multiple_vials: the draw-up volume needs 2 vials "
         "(protocol ketamine-trd-40 v1)\n");
  HAS(t, "  [hard] dose_hard_high: dose 250 mg is above the hard maximum "
         "150 mg; rejected (protocol ketamine-trd-40 v1)\n");
  const char *j = json();
  HAS(j, "\"dose_mode\": \"fixed\"");
  HAS(j, "\"vials\": 2,");
  HAS(j, "\"verdict\": \"hard_limit\"");
}
END_TEST

START_TEST(text_other_vial_not_counted) {
  setup("ketamine-trd-40");
  req.weight_g = 71300;
  req.vial_ug_per_ml = 50000; /* not the protocol's strength: no vial count */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.vials, 0);
  const char *t = text();
  /* 35.65 mg / 50 mg/mL = 0.713 mL -> 0.7 mL */
  HAS(t, "  draw up               0.7 mL\n");
  /* 100.7 mL / 40 min = 151.05 mL/h -> 151.1; 100.7 / 151.1 h = 39.98676
   * min -> 39.99 */
  HAS(t, "40 min prescribed, 39.99 min at the programmed rate\n");
  HAS(json(), "\"vials\": null,");
}
END_TEST

START_TEST(text_dose_only) {
  setup("ketamine-trd-40");
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  LACKS(t, "Preparation");
  LACKS(t, "Pump program");
  LACKS(t, "Oral solution");
  HAS(t, "  dose                  35 mg\n\nVerdict   OK\n");
  const char *j = json();
  LACKS(j, "vial_mg_per_ml");
  LACKS(j, "solution_mg_per_ml");
}
END_TEST

/* ---- oral ----------------------------------------------------------------- */

START_TEST(oral_text_and_json) {
  setup("ketamine-oral");
  ck_assert_int_eq(infuse_oral_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  /* 1 mg/kg x 70 kg = 70 mg; / 50 mg/mL = 1.4 mL */
  HAS(t, "\nOral solution\n"
         "  strength              50 mg/mL\n"
         "  measure               1.4 mL\n"
         "  delivered dose        70 mg (deviation 0%)\n");
  LACKS(t, "Pump program");
  const char *j = json();
  HAS(j, "  \"solution_mg_per_ml\": 50,\n"
         "  \"volume_step_ml\": 0.1,\n"
         "  \"volume_ml\": 1.4,\n"
         "  \"delivered_dose_mg\": 70,\n"
         "  \"dose_deviation_percent\": 0,\n");
  LACKS(j, "rate_ml_per_h");
  /* the oral dose alone has no solution lines */
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.route, INFUSE_ROUTE_ORAL);
  ck_assert_int_eq(res.vial_ug_per_ml, 0);
  LACKS(text(), "Oral solution");
  LACKS(json(), "solution_mg_per_ml");
}
END_TEST

/* ---- stops that leave the pump fields out --------------------------------- */

START_TEST(draw_volume_zero_report) {
  setup("ketamine-trd-40");
  req.vial_ug_per_ml = INFUSE_MAX_CONC_UG_PER_ML; /* 10 g/mL */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  ck_assert(has_finding(INFUSE_FINDING_DRAW_VOLUME_ZERO));
  ck_assert_int_eq(res.total_volume_ul, 0);
  const char *t = text();
  /* 35 mg / 10000 mg/mL = 0.0035 mL -> 0 at 0.1 mL */
  HAS(t, "  draw up               0 mL\n"
         "  delivered dose        0 mg (deviation -100%)\n\nVerdict");
  LACKS(t, "Pump program");
  HAS(t, "  [hard] draw_volume_zero: the dose rounds to a draw-up volume of "
         "0 mL at the 0.1 mL step; use a weaker vial or a finer step; "
         "rejected (protocol ketamine-trd-40 v1)\n");
  HAS(t, "  [soft] dose_deviation: after rounding the draw-up volume the "
         "delivered dose deviates by -100% from the prescribed dose, more "
         "than the 5% allowed; needs acknowledgement (protocol "
         "ketamine-trd-40 v1)\n");
  json();
}
END_TEST

START_TEST(rate_zero_report) {
  setup("ketamine-trd-40");
  req.rate_step_ul_per_h = INFUSE_MAX_RATE_STEP_UL_PER_H; /* 1 L/h */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  ck_assert(has_finding(INFUSE_FINDING_RATE_ZERO));
  ck_assert_int_eq(res.actual_duration_ms, 0);
  ck_assert_int_eq(res.dose_rate_ng_per_kg_per_h, 0);
  const char *t = text();
  /* 103.5 mL / 40 min = 155.25 mL/h -> nearest 1000 mL/h: 0 */
  HAS(t, "  rate                  0 mL/h\n");
  HAS(t, "  duration              40 min prescribed\n\nVerdict");
  LACKS(t, "dose rate ");
  HAS(t, "  [hard] rate_zero: the rate rounds to 0 mL/h at the 1000 mL/h "
         "step; rejected (protocol ketamine-trd-40 v1)\n");
  HAS(t, "103.5 mL / 40 min = 155.25 mL/h; rounded nearest to 1000 mL/h: "
         "0 mL/h\n");
  json();
}
END_TEST

START_TEST(draw_exceeds_bag_report) {
  setup("ketamine-trd-40");
  req.prep = INFUSE_PREP_REPLACE;
  req.bag_ul = 1000; /* 1 mL bag, 3.5 mL to withdraw */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  const char *t = text();
  HAS(t, "  [hard] draw_exceeds_bag: draw-up volume 3.5 mL is more than the "
         "bag 1 mL; it cannot be withdrawn from the bag first; rejected "
         "(protocol ketamine-trd-40 v1)\n");
  LACKS(t, "Pump program");
}
END_TEST

START_TEST(final_conc_above_vial_report) {
  setup("ketamine-trd-40");
  req.prep = INFUSE_PREP_FINAL_CONC;
  req.final_conc_ug_per_ml = 20000; /* 20 mg/mL from a 10 mg/mL vial */
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  HAS(text(), "  [hard] final_conc_above_vial: final concentration 20 mg/mL "
              "is stronger than the vial 10 mg/mL; rejected (protocol "
              "ketamine-trd-40 v1)\n");
}
END_TEST

START_TEST(height_conversion_in_text) {
  setup("ketamine-trd-40");
  infuse_quantity_t h;
  /* 69 in x 25.4 = 1752.6 mm -> 1753 mm */
  ck_assert_int_eq(infuse_quantity_parse("69in",
                                         INFUSE_DIM_BIT(INFUSE_DIM_LENGTH),
                                         "height", &h, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(h.value, 1753);
  req.height_mm = h.value;
  req.height_entered = h;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const char *t = text();
  HAS(t, "  1. height = inches x 2.54 cm/in\n"
         "       69 in x 2.54 cm/in = 175.26 cm; rounded nearest to 0.1 cm: "
         "175.3 cm\n");
  /* BMI 70 / 1.753^2 = 22.7789 -> 22.78 */
  HAS(t, "  BMI                   22.78 kg/m2\n");
  HAS(json(), "\"expression\": \"69 in x 2.54 cm/in\"");
}
END_TEST

/* ---- every finding's sentence --------------------------------------------- */

static infuse_finding_t finding(infuse_finding_code_t code,
                                infuse_severity_t sev, infuse_unit_t unit,
                                int64_t value, int64_t limit) {
  infuse_finding_t f;
  memset(&f, 0, sizeof f);
  f.code = code;
  f.severity = sev;
  f.unit = unit;
  f.value = value;
  f.limit = limit;
  strcpy(f.protocol_id, "p");
  strcpy(f.protocol_version, "2");
  return f;
}

static const char *message(const infuse_finding_t *f) {
  static char m[512];
  size_t n = infuse_finding_message(f, m, sizeof m);
  ck_assert_uint_eq(n, strlen(m));
  return m;
}

START_TEST(finding_sentences_limits) {
  /* the limited quantity comes from (code - 1) / 4, the side and the kind
   * from (code - 1) % 4 */
  infuse_finding_t f = finding(INFUSE_FINDING_WEIGHT_SOFT_LOW,
                               INFUSE_SEVERITY_SOFT, INFUSE_UNIT_G, 35000,
                               40000);
  ck_assert_str_eq(message(&f), "body weight 35 kg is below the soft minimum "
                                "40 kg; needs acknowledgement (protocol p v2)");
  f = finding(INFUSE_FINDING_DURATION_HARD_LOW, INFUSE_SEVERITY_HARD,
              INFUSE_UNIT_S, 60, 120);
  ck_assert_str_eq(message(&f), "duration 1 min is below the hard minimum "
                                "2 min; rejected (protocol p v2)");
  f = finding(INFUSE_FINDING_DURATION_SOFT_HIGH, INFUSE_SEVERITY_SOFT,
              INFUSE_UNIT_S, 7200, 6000);
  f.acknowledged = true;
  ck_assert_str_eq(message(&f), "duration 120 min is above the soft maximum "
                                "100 min; acknowledged (protocol p v2)");
  f = finding(INFUSE_FINDING_RATE_HARD_HIGH, INFUSE_SEVERITY_HARD,
              INFUSE_UNIT_UL_PER_H, 1000000, 999000);
  ck_assert_str_eq(message(&f), "pump rate 1000 mL/h is above the hard "
                                "maximum 999 mL/h; rejected (protocol p v2)");
  f = finding(INFUSE_FINDING_CONCENTRATION_HARD_HIGH, INFUSE_SEVERITY_HARD,
              INFUSE_UNIT_NG_PER_ML, 60000000, 50000000);
  ck_assert_str_eq(message(&f), "final concentration 60 mg/mL is above the "
                                "hard maximum 50 mg/mL; rejected (protocol p "
                                "v2)");
  f = finding(INFUSE_FINDING_DOSE_SOFT_LOW, INFUSE_SEVERITY_ADVISORY,
              INFUSE_UNIT_NG, 1500000, 2000000);
  /* advisory severity adds nothing before the protocol */
  ck_assert_str_eq(message(&f), "dose 1.5 mg is below the soft minimum 2 mg "
                                "(protocol p v2)");
}
END_TEST

START_TEST(finding_sentences_remarks) {
  infuse_finding_t f = finding(INFUSE_FINDING_UNDILUTED_STRENGTH,
                               INFUSE_SEVERITY_HARD, INFUSE_UNIT_NG_PER_ML,
                               100000000, 100000000);
  ck_assert_str_eq(message(&f), "final concentration 100 mg/mL is at or above "
                                "100 mg/mL, a strength that must be diluted "
                                "before IV use; rejected (protocol p v2)");
  f = finding(INFUSE_FINDING_LOW_RATE_VOLUMETRIC, INFUSE_SEVERITY_ADVISORY,
              INFUSE_UNIT_UL_PER_H, 4200, 5000);
  ck_assert_str_eq(message(&f), "rate 4.2 mL/h is below 5 mL/h, where "
                                "volumetric pumps are inaccurate; consider a "
                                "syringe pump (protocol p v2)");
  f = finding(INFUSE_FINDING_RATE_ABOVE_PUMP_MAX, INFUSE_SEVERITY_HARD,
              INFUSE_UNIT_UL_PER_H, 1000100, 999000);
  ck_assert_str_eq(message(&f), "rate 1000.1 mL/h is above the pump maximum "
                                "999 mL/h; rejected (protocol p v2)");
  f = finding(INFUSE_FINDING_IBW_SHORT_STATURE, INFUSE_SEVERITY_ADVISORY,
              INFUSE_UNIT_MM, 1500, 1524);
  ck_assert_str_eq(message(&f), "height 150 cm is under 60 in (152.4 cm), "
                                "where the Devine formula is not validated "
                                "(protocol p v2)");
  f = finding(INFUSE_FINDING_MULTIPLE_VIALS, INFUSE_SEVERITY_ADVISORY,
              INFUSE_UNIT_COUNT, 3, 1);
  ck_assert_str_eq(message(&f), "the draw-up volume needs 3 vials (protocol p "
                                "v2)");
  /* codes outside the table and severities outside the enum */
  f = finding(INFUSE_FINDING_NONE, (infuse_severity_t)7, INFUSE_UNIT_G, 1, 1);
  ck_assert_str_eq(message(&f), "unknown finding (protocol p v2)");
  f = finding((infuse_finding_code_t)36, INFUSE_SEVERITY_SOFT, INFUSE_UNIT_G,
              1, 1);
  ck_assert_str_eq(message(&f), "unknown finding; needs acknowledgement "
                                "(protocol p v2)");
  /* NULL: the empty sentence, NUL written */
  char m[4] = "xyz";
  ck_assert_uint_eq(infuse_finding_message(NULL, m, sizeof m), 0);
  ck_assert_str_eq(m, "");
  /* measuring and truncating */
  f = finding(INFUSE_FINDING_MULTIPLE_VIALS, INFUSE_SEVERITY_ADVISORY,
              INFUSE_UNIT_COUNT, 3, 1);
  size_t need = infuse_finding_message(&f, NULL, 0);
  ck_assert_uint_eq(need, strlen("the draw-up volume needs 3 vials (protocol "
                                 "p v2)"));
  ck_assert_uint_eq(infuse_finding_message(&f, m, sizeof m), need);
  ck_assert_str_eq(m, "the");
}
END_TEST

/* ---- JSON strings --------------------------------------------------------- */

static const char *json_of(const char *s) {
  static char out[256];
  infuse__sb_t sb;
  infuse__sb_init(&sb, out, sizeof out);
  infuse__json_string(&sb, s);
  infuse__sb_finish(&sb);
  return out;
}

START_TEST(json_string_escapes) {
  ck_assert_str_eq(json_of(""), "\"\"");
  ck_assert_str_eq(json_of("plain"), "\"plain\"");
  ck_assert_str_eq(json_of("a\"b\\c"), "\"a\\\"b\\\\c\"");
  ck_assert_str_eq(json_of("\n\r\t"), "\"\\n\\r\\t\"");
  ck_assert_str_eq(json_of("\x01x\x1f\x7f"), "\"\\u0001x\\u001f\\u007f\"");
  /* UTF-8 passes through unchanged */
  ck_assert_str_eq(json_of("\xc2\xb5g"), "\"\xc2\xb5g\"");
}
END_TEST

/* A result whose text fields carry bytes that need escaping: the writers
 * check only that they are terminated. */
START_TEST(json_escapes_result_text) {
  setup("ketamine-trd-40");
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  strcpy(res.protocol_id, "a\tb\"");
  strcpy(res.protocol_version, "");
  const char *j = json();
  HAS(j, "\"protocol\": \"a\\tb\\\"\",\n  \"protocol_version\": \"\",");
  HAS(text(), "Protocol  a\tb\" v\n");
}
END_TEST

/* ---- synthetic trails ------------------------------------------------------ */

START_TEST(synthetic_steps) {
  setup("ketamine-trd-40");
  req.prep = INFUSE_PREP_SYRINGE;
  req.acknowledge = INFUSE_ACK_ALL;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  res.n_findings = 0;
  res.n_steps = 3;
  infuse_step_t *s = &res.steps[0];
  memset(res.steps, 0, sizeof res.steps);
  /* a dose-rate step with only two of its four operands: '?' stands in */
  s[0].kind = INFUSE_STEP_DOSE_RATE;
  s[0].n_operands = 2;
  s[0].operands[0] = (infuse_operand_t){INFUSE_UNIT_NG, 35000000};
  s[0].operands[1] = (infuse_operand_t){INFUSE_UNIT_G, 70000};
  s[0].unit = INFUSE_UNIT_NG_PER_KG_PER_H;
  s[0].exact_num = 750000;
  s[0].exact_den = 1;
  s[0].value = 750000;
  /* rounded without a rounding point: no "nearest to" part */
  s[0].rounded = true;
  /* a diluent step in a syringe preparation: the generic formula */
  s[1].kind = INFUSE_STEP_DILUENT;
  s[1].n_operands = 2;
  s[1].operands[0] = (infuse_operand_t){INFUSE_UNIT_UL, 5000};
  s[1].operands[1] = (infuse_operand_t){INFUSE_UNIT_UL, 3500};
  s[1].unit = INFUSE_UNIT_UL;
  s[1].exact_num = 1500;
  s[1].exact_den = 1;
  s[1].value = 1500;
  /* a count rounded to a step other than 1: no "(whole)" */
  s[2].kind = INFUSE_STEP_VIALS;
  s[2].n_operands = 2;
  s[2].operands[0] = (infuse_operand_t){INFUSE_UNIT_UL, 25000};
  s[2].operands[1] = (infuse_operand_t){INFUSE_UNIT_UL, 20000};
  s[2].unit = INFUSE_UNIT_COUNT;
  s[2].exact_num = 5;
  s[2].exact_den = 4;
  s[2].value = 2;
  s[2].rounded = true;
  s[2].rounding = INFUSE_ROUND_UP;
  s[2].round_step = 2;
  const char *t = text();
  HAS(t, "  1. dose rate = delivered dose / dosing weight / actual duration\n"
         "       35 mg / 70 kg / (? / ?) = 0.75 mg/kg/h; rounded : "
         "0.75 mg/kg/h\n");
  HAS(t, "  2. diluent volume\n       5 mL - 3.5 mL = 1.5 mL\n");
  HAS(t, "  3. vials = draw-up volume / vial fill, rounded up\n"
         "       25 mL / 20 mL = 1.25; rounded up to 2: 2\n");
  const char *j = json();
  HAS(j, "\"expression\": \"35 mg / 70 kg / (? / ?)\"");
  HAS(j, "\"rounding\": {\"mode\": \"up\", \"step\": \"2\"}");
  /* one step: the list still closes on its own line */
  res.n_steps = 1;
  j = json();
  HAS(j, "}\n  ]\n}\n");
  /* no steps, no findings: empty lists */
  res.n_steps = 0;
  j = json();
  HAS(j, "\"findings\": [],\n  \"trail\": []\n}\n");
  HAS(text(), "\nArithmetic\n");
}
END_TEST

/* ---- the writers refuse a malformed result -------------------------------- */

typedef int (*writer_fn)(const infuse_result_t *, char *, size_t, size_t *);
static const writer_fn writers[2] = {infuse_write_text, infuse_write_json};

START_TEST(malformed_result) {
  writer_fn w = writers[_i];
  setup("ketamine-trd-40");
  req.dose_mode = INFUSE_DOSE_FIXED;
  req.dose_ug = 250000;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  ck_assert_int_gt(res.n_findings, 0);
  const infuse_result_t good = res;
  size_t len = 7;
  char small[8] = "1234567";

  res.n_findings = -1;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res.n_findings = INFUSE_MAX_FINDINGS + 1;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  res.n_steps = -1;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res.n_steps = INFUSE_MAX_STEPS + 1;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  res.steps[1].n_operands = 0; /* a step with no operands is allowed */
  ck_assert_int_eq(w(&res, small, sizeof small, &len),
                   INFUSE_E_BUFFER_TOO_SMALL);
  len = 7; /* set to the length needed; the refusals below leave it */
  res.steps[1].n_operands = -1;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res.steps[1].n_operands = INFUSE_STEP_MAX_OPERANDS + 1;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  res.steps[2].exact_den = 0;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  memset(res.protocol_id, 'x', sizeof res.protocol_id);
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  memset(res.protocol_version, 'x', sizeof res.protocol_version);
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  memset(res.findings[0].protocol_id, 'x', sizeof res.findings[0].protocol_id);
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  memset(res.findings[res.n_findings - 1].protocol_version, 'x',
         sizeof res.findings[0].protocol_version);
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_INVALID);
  res = good;
  res.struct_size = 1;
  ck_assert_int_eq(w(&res, small, sizeof small, &len), INFUSE_E_STRUCT_SIZE);
  /* nothing was written by any of them */
  ck_assert_uint_eq(len, 7);
  ck_assert_str_eq(small, "1234567");
  res = good;
  ck_assert_int_eq(w(&res, NULL, 0, &len), INFUSE_E_BUFFER_TOO_SMALL);
  ck_assert_uint_gt(len, 100);
}
END_TEST

static Suite *gaps_writer_suite(void) {
  Suite *s = suite_create("gaps_writer");
  TCase *tc = tcase_create("text");
  tcase_add_test(tc, text_replace);
  tcase_add_test(tc, text_final_conc);
  tcase_add_test(tc, text_syringe);
  tcase_add_test(tc, text_ideal_weight_and_height);
  tcase_add_test(tc, text_adjusted_weight);
  tcase_add_test(tc, text_fixed_dose_several_vials);
  tcase_add_test(tc, text_other_vial_not_counted);
  tcase_add_test(tc, text_dose_only);
  tcase_add_test(tc, oral_text_and_json);
  tcase_add_test(tc, draw_volume_zero_report);
  tcase_add_test(tc, rate_zero_report);
  tcase_add_test(tc, draw_exceeds_bag_report);
  tcase_add_test(tc, trail_names_the_basis);
  tcase_add_test(tc, one_gram_rounding_is_reported);
  tcase_add_test(tc, final_conc_above_vial_report);
  tcase_add_test(tc, height_conversion_in_text);
  suite_add_tcase(s, tc);
  TCase *fm = tcase_create("findings");
  tcase_add_test(fm, finding_sentences_limits);
  tcase_add_test(fm, finding_sentences_remarks);
  suite_add_tcase(s, fm);
  TCase *js = tcase_create("json");
  tcase_add_test(js, json_string_escapes);
  tcase_add_test(js, json_escapes_result_text);
  tcase_add_test(js, synthetic_steps);
  suite_add_tcase(s, js);
  TCase *bad = tcase_create("errors");
  tcase_add_loop_test(bad, malformed_result, 0, 2);
  suite_add_tcase(s, bad);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(gaps_writer_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
