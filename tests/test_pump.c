/*
 * test_pump.c - the pump program's own contracts that the other suites do
 * not cover: conversions from lb and in recorded in the trail, the trail's
 * order and exactness flags, request_init, determinism, and results left
 * untouched by every error. Expected numbers are hand arithmetic.
 */
#include <infuse.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

static infuse_protocol_t proto;
static infuse_request_t req;
static infuse_result_t res;

static void setup_70kg(void) {
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &proto, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&req, &proto), INFUSE_OK);
  req.weight_g = 70000;
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
}

static const infuse_step_t *find_step(const infuse_result_t *r,
                                      infuse_step_kind_t kind) {
  for (int i = 0; i < r->n_steps; i++) {
    if (r->steps[i].kind == kind) {
      return &r->steps[i];
    }
  }
  return NULL;
}

START_TEST(request_init_copies_defaults) {
  setup_70kg();
  ck_assert_uint_eq(req.struct_size, sizeof req);
  ck_assert_ptr_eq(req.protocol, &proto);
  ck_assert_int_eq(req.dose_mode, INFUSE_DOSE_PER_KG);
  ck_assert_int_eq(req.dose_ug_per_kg, 500);   /* 0.5 mg/kg */
  ck_assert_int_eq(req.duration_s, 2400);      /* 40 min */
  ck_assert_int_eq(req.vial_ug_per_ml, 10000); /* 10 mg/mL */
  ck_assert_int_eq(req.bag_ul, 100000);        /* 100 mL */
  ck_assert_int_eq(req.prep, INFUSE_PREP_ADD);
  ck_assert_int_eq(req.volume_step_ul, 100);
  ck_assert_int_eq(req.rate_step_ul_per_h, 100);
  ck_assert_int_eq(req.acknowledge, INFUSE_ACK_NONE);
  ck_assert_int_eq(req.weight_entered.dim, INFUSE_DIM_NONE);
  /* errors write nothing */
  infuse_request_t before = req;
  ck_assert_int_eq(infuse_request_init(NULL, &proto), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_request_init(&req, NULL), INFUSE_E_NULL);
  infuse_protocol_t bad = proto;
  bad.struct_size = 3;
  ck_assert_int_eq(infuse_request_init(&req, &bad), INFUSE_E_STRUCT_SIZE);
  ck_assert_mem_eq(&req, &before, sizeof req);
}
END_TEST

START_TEST(pounds_conversion_in_trail) {
  setup_70kg();
  infuse_quantity_t q;
  /* 154 lb x 453.59237 g/lb = 69853.22498 g -> 69853 g */
  ck_assert_int_eq(infuse_quantity_parse("154lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(q.value, 69853);
  req.weight_g = q.value;
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.steps[0].kind, INFUSE_STEP_WEIGHT_CONVERSION);
  const infuse_step_t *s = &res.steps[0];
  ck_assert_int_eq(s->operands[0].unit, INFUSE_UNIT_MICRO_LB);
  ck_assert_int_eq(s->operands[0].value, 154000000);
  ck_assert(s->rounded);
  ck_assert_int_eq(s->value, 69853);
  ck_assert_int_eq(s->rounding, INFUSE_ROUND_NEAREST);
  ck_assert_int_eq(s->round_step, 1);
  /* exact: 154 x 45359237 / 100000 = 6985322498 / 100000 g, reduced */
  ck_assert_int_eq(s->exact_num * 100000, 6985322498 * s->exact_den);
  ck_assert_int_eq(res.steps[1].kind, INFUSE_STEP_ACTUAL_WEIGHT);
  char text[16384];
  size_t len;
  ck_assert_int_eq(infuse_write_text(&res, text, sizeof text, &len),
                   INFUSE_OK);
  ck_assert_ptr_nonnull(strstr(text, "154 lb x 0.45359237 kg/lb = "
                                     "~69.853225 kg; rounded nearest to "
                                     "0.001 kg: 69.853 kg"));
}
END_TEST

START_TEST(inches_conversion_in_trail) {
  setup_70kg();
  infuse_quantity_t q;
  /* 69.5 in x 25.4 = 1765.3 mm -> 1765 mm */
  ck_assert_int_eq(infuse_quantity_parse("69.5in",
                                         INFUSE_DIM_BIT(INFUSE_DIM_LENGTH),
                                         "height", &q, NULL),
                   INFUSE_OK);
  req.height_mm = q.value;
  req.height_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  const infuse_step_t *s = find_step(&res, INFUSE_STEP_HEIGHT_CONVERSION);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(s->value, 1765);
  ck_assert_int_eq(s->operands[0].value, 69500000);
  ck_assert(s->rounded);
  /* BMI = 70000 x 100000 / 1765^2 = 7e9 / 3115225 = 2247.04 -> 2247 */
  ck_assert_int_eq(res.bmi_centi, 2247);
}
END_TEST

START_TEST(kilograms_need_no_conversion_step) {
  setup_70kg();
  infuse_quantity_t q;
  ck_assert_int_eq(infuse_quantity_parse("70kg",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, NULL),
                   INFUSE_OK);
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_ptr_null(find_step(&res, INFUSE_STEP_WEIGHT_CONVERSION));
  ck_assert_int_eq(res.steps[0].kind, INFUSE_STEP_ACTUAL_WEIGHT);
}
END_TEST

START_TEST(entered_quantity_must_match) {
  setup_70kg();
  infuse_quantity_t q;
  ck_assert_int_eq(infuse_quantity_parse("154lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, NULL),
                   INFUSE_OK);
  memset(&res, 0xA5, sizeof res);
  res.struct_size = sizeof res;
  infuse_result_t before = res;
  infuse_diag_t d;

  req.weight_g = 70000; /* not 69853 */
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, &d), INFUSE_E_CONFLICT);
  ck_assert_str_eq(d.field, "weight_entered");

  req.weight_g = 69853;
  q.source_mantissa = 155; /* 155 lb is not 69853 g */
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, &d), INFUSE_E_CONFLICT);

  q.source_mantissa = 154;
  q.dim = INFUSE_DIM_MASS; /* wrong dimension */
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, &d), INFUSE_E_INVALID);

  /* 154.0000001 lb: 7 decimals */
  ck_assert_int_eq(infuse_quantity_parse("154.0000001lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, NULL),
                   INFUSE_OK);
  req.weight_g = q.value;
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, &d), INFUSE_E_PRECISION);
  ck_assert_mem_eq(&res, &before, sizeof res);
}
END_TEST

/* Six decimals of a pound are the most an entered weight may carry. */
START_TEST(six_decimals_of_a_pound_accepted) {
  setup_70kg();
  infuse_quantity_t q;
  /* 154.123456 lb x 453.59237 g/lb: 154123456 x 45359237 / 10^11 =
   * 69909.2237 g -> 69909 g (nearest) */
  ck_assert_int_eq(infuse_quantity_parse("154.123456lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &q, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(q.value, 69909);
  req.weight_g = q.value;
  req.weight_entered = q;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.steps[0].kind, INFUSE_STEP_WEIGHT_CONVERSION);
  ck_assert_int_eq(res.steps[0].operands[0].value, 154123456);
}
END_TEST

/* The oral entry has no pump: every pump check and limit is off (0), as
 * docs/clinical.md documents. */
START_TEST(oral_protocol_has_no_pump_checks) {
  infuse_protocol_t p;
  ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(p.route, INFUSE_ROUTE_ORAL);
  ck_assert_int_eq(p.duration_s, 0);
  ck_assert_int_eq(p.rate_step_ul_per_h, 0);
  ck_assert_int_eq(p.pump_max_ul_per_h, 0);
  ck_assert_int_eq(p.volumetric_min_ul_per_h, 0);
  ck_assert_int_eq(p.must_dilute_ug_per_ml, 0);
  const infuse_limit_t *off[3] = {&p.duration, &p.rate, &p.concentration};
  for (int i = 0; i < 3; i++) {
    ck_assert_int_eq(off[i]->hard_low, 0);
    ck_assert_int_eq(off[i]->soft_low, 0);
    ck_assert_int_eq(off[i]->soft_high, 0);
    ck_assert_int_eq(off[i]->hard_high, 0);
  }
}
END_TEST

/* The limits reported with two pharmacist findings. */
START_TEST(finding_limits_reported) {
  setup_70kg();
  /* 100 mg/mL undiluted: the must-dilute strength 100 mg/mL is reported
   * as 100,000,000 ng/mL */
  req.prep = INFUSE_PREP_SYRINGE;
  req.vial_ug_per_ml = 100000;
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  bool seen = false;
  for (int i = 0; i < res.n_findings; i++) {
    if (res.findings[i].code == INFUSE_FINDING_UNDILUTED_STRENGTH) {
      ck_assert_int_eq(res.findings[i].limit, 100000000);
      seen = true;
    }
  }
  ck_assert(seen);
  /* a fixed 300 mg at 150 kg (2 mg/kg: a hard stop, still computed) = 30 mL
   * of 10 mg/mL: two 20 mL vials; the remark's limit is 1 vial */
  setup_70kg();
  req.weight_g = 150000;
  req.dose_mode = INFUSE_DOSE_FIXED;
  req.dose_ug = 300000;
  req.acknowledge = INFUSE_ACK_ALL;
  ck_assert_int_ge(infuse_pump_compute(&req, &res, NULL), 0);
  seen = false;
  for (int i = 0; i < res.n_findings; i++) {
    if (res.findings[i].code == INFUSE_FINDING_MULTIPLE_VIALS) {
      ck_assert_int_eq(res.findings[i].value, 2);
      ck_assert_int_eq(res.findings[i].limit, 1);
      seen = true;
    }
  }
  ck_assert(seen);
}
END_TEST

/* One-character UID domains and patient references are valid. */
START_TEST(one_character_export_names) {
  infuse_session_t one[1] = {{1, 20422, INFUSE_PHASE_INDUCTION, 0, 0, 0}};
  infuse_course_export_t x;
  memset(&x, 0, sizeof x);
  x.struct_size = sizeof x;
  x.sessions = one;
  x.n_sessions = 1;
  x.course_id = "c";
  x.uid_domain = "d";
  x.patient_reference = "p";
  x.dtstamp = 1764495000;
  static char out[65536];
  size_t len = 0;
  ck_assert_int_eq(infuse_course_write_ics(&x, out, sizeof out, &len),
                   INFUSE_OK);
  ck_assert_ptr_nonnull(strstr(out, "UID:c-1@d\r\n"));
  ck_assert_int_eq(infuse_course_write_fhir(&x, out, sizeof out, &len),
                   INFUSE_OK);
  ck_assert_ptr_nonnull(strstr(out, "\"reference\": \"p\""));
}
END_TEST

START_TEST(trail_order_and_flags) {
  setup_70kg();
  ck_assert_int_eq(infuse_pump_compute(&req, &res, NULL), INFUSE_OK);
  static const infuse_step_kind_t order[] = {
      INFUSE_STEP_ACTUAL_WEIGHT,  INFUSE_STEP_DOSING_WEIGHT,
      INFUSE_STEP_DOSE,           INFUSE_STEP_DRAW_VOLUME,
      INFUSE_STEP_DELIVERED_DOSE, INFUSE_STEP_DEVIATION,
      INFUSE_STEP_VIALS,          INFUSE_STEP_DILUENT,
      INFUSE_STEP_TOTAL_VOLUME,   INFUSE_STEP_FINAL_CONC,
      INFUSE_STEP_RATE,           INFUSE_STEP_ACTUAL_DURATION,
      INFUSE_STEP_DOSE_RATE};
  ck_assert_int_eq(res.n_steps, (int)(sizeof order / sizeof order[0]));
  for (int i = 0; i < res.n_steps; i++) {
    ck_assert_int_eq(res.steps[i].kind, order[i]);
    ck_assert_int_gt(res.steps[i].exact_den, 0);
  }
  /* 35 mg / 10 mg/mL is exactly 3.5 mL: not rounded */
  const infuse_step_t *draw = find_step(&res, INFUSE_STEP_DRAW_VOLUME);
  ck_assert(!draw->rounded);
  ck_assert_int_eq(draw->round_step, 100);
  /* 103.5 mL x 3600 / 2400 s = 155250 uL/h exactly, programmed 155300 */
  const infuse_step_t *rate = find_step(&res, INFUSE_STEP_RATE);
  ck_assert(rate->rounded);
  ck_assert_int_eq(rate->exact_num, 155250 * rate->exact_den);
  ck_assert_int_eq(rate->value, 155300);
  /* 35 mg in 103.5 mL: 35000000 ng x 1000 / 103500 uL = 338164.25... ng/mL,
   * shown as 338164 */
  const infuse_step_t *fc = find_step(&res, INFUSE_STEP_FINAL_CONC);
  ck_assert(fc->rounded);
  ck_assert_int_eq(fc->exact_num * 103500, 35000000000 * fc->exact_den);
  ck_assert_int_eq(fc->value, 338164);
}
END_TEST

START_TEST(same_request_same_result) {
  setup_70kg();
  req.weight_g = 83417;
  req.dose_ug_per_kg = 613;
  infuse_result_t a, b;
  memset(&a, 0x11, sizeof a);
  memset(&b, 0x77, sizeof b);
  a.struct_size = b.struct_size = sizeof a;
  ck_assert_int_eq(infuse_pump_compute(&req, &a, NULL),
                   infuse_pump_compute(&req, &b, NULL));
  /* the whole struct, padding included, is written the same way */
  ck_assert_mem_eq(&a, &b, sizeof a);
}
END_TEST

START_TEST(dose_only_leaves_pump_fields_zero) {
  setup_70kg();
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert(!res.has_pump);
  ck_assert_int_eq(res.dose_ng, 35000000);
  ck_assert_int_eq(res.rate_ul_per_h, 0);
  ck_assert_int_eq(res.vtbi_ul, 0);
  ck_assert_ptr_null(find_step(&res, INFUSE_STEP_RATE));
}
END_TEST

static Suite *pump_suite(void) {
  Suite *s = suite_create("pump");
  TCase *core = tcase_create("core");
  tcase_add_test(core, request_init_copies_defaults);
  tcase_add_test(core, pounds_conversion_in_trail);
  tcase_add_test(core, inches_conversion_in_trail);
  tcase_add_test(core, kilograms_need_no_conversion_step);
  tcase_add_test(core, trail_order_and_flags);
  tcase_add_test(core, six_decimals_of_a_pound_accepted);
  tcase_add_test(core, oral_protocol_has_no_pump_checks);
  tcase_add_test(core, finding_limits_reported);
  tcase_add_test(core, one_character_export_names);
  tcase_add_test(core, same_request_same_result);
  tcase_add_test(core, dose_only_leaves_pump_fields_zero);
  suite_add_tcase(s, core);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, entered_quantity_must_match);
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(pump_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
