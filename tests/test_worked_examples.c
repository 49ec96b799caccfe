/*
 * test_worked_examples.c - clinical worked examples, computed by hand.
 *
 * Every expected number below was worked out by hand from CLINICAL.md and
 * the formulas in include/infuse.h (the arithmetic is written next to it;
 * each was cross-checked with bc, never with the library's output). Units
 * are the library's integer units: g, ng, uL, uL/h, ms, ng/mL, ng/kg/h,
 * ppm, BMI x 100.
 *
 * Limits of the built-in ketamine IV protocols (lib/protocol.c, from
 * CLINICAL.md section 1 and the UNVERIFIED site defaults), used for the
 * expected verdicts:
 *   dose per kg  hard low 0.1, soft high 0.75, hard high 1.0 mg/kg
 *   dose         soft high 100 mg, hard high 150 mg
 *   weight       hard 30-300 kg, soft 40-150 kg
 *   duration     hard low 2 min, soft 40-100 min
 *   rate         hard 0.1-999 mL/h, soft high 300 mL/h
 *   concentration soft high 2 mg/mL, hard high 50 mg/mL
 *   deviation 5 %, must dilute at 100 mg/mL, volumetric min 5 mL/h,
 *   pump max 999 mL/h, vial 10 mg/mL x 20 mL.
 * test_protocol_values_assumed checks these first, so that a change of a
 * built-in value shows up as that, not as a wrong verdict further down.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infuse.h"

#define MAX_EXPECTED_FINDINGS 4

typedef struct worked {
  const char *name;
  const char *protocol;
  const char *weight_text; /* parsed with infuse_quantity_parse */
  infuse_weight_basis_t basis;
  int64_t height_mm;
  infuse_sex_t sex;
  infuse_dose_mode_t mode;
  int64_t dose_ug_per_kg;
  int64_t dose_ug;
  int64_t duration_s;
  int64_t vial_ug_per_ml;
  infuse_prep_t prep;
  int64_t bag_ul;
  int64_t final_conc_ug_per_ml;
  int64_t volume_step_ul;
  int64_t rate_step_ul_per_h;
  infuse_rounding_t volume_rounding;
  infuse_rounding_t rate_rounding;
  uint32_t acknowledge;

  /* Expected, by hand. */
  int status;
  /* infuse_dose_compute on the same request: only the weight, the
   * prescribed dose per kg and dose (no delivered dose, no pump checks). */
  int dose_status;
  int64_t weight_g;
  int64_t ideal_g;    /* checked for IDEAL and ADJUSTED */
  int64_t adjusted_g; /* checked for ADJUSTED */
  int64_t bmi_centi;
  int64_t dosing_g;
  int64_t dose_ng;
  int64_t drug_ul;
  int64_t vials;
  int64_t delivered_ng;
  int64_t deviation_ppm;
  int64_t diluent_ul;
  int64_t total_ul;
  int64_t final_conc_ng_per_ml;
  int64_t rate_ul_per_h;
  int64_t actual_duration_ms;
  int64_t dose_rate_ng_per_kg_per_h;
  int n_findings;
  struct {
    infuse_finding_code_t code;
    infuse_severity_t severity;
    bool acknowledged;
  } findings[MAX_EXPECTED_FINDINGS];
} worked_t;

/* The standard preparation of CLINICAL.md section 2, to be varied below. */
#define STANDARD                                                               \
  .protocol = "ketamine-trd-40", .weight_text = "70 kg",                       \
  .basis = INFUSE_WEIGHT_ACTUAL, .mode = INFUSE_DOSE_PER_KG,                   \
  .dose_ug_per_kg = 500, .duration_s = 2400, .vial_ug_per_ml = 10000,          \
  .prep = INFUSE_PREP_ADD, .bag_ul = 100000, .final_conc_ug_per_ml = 1000,     \
  .volume_step_ul = 100, .rate_step_ul_per_h = 100,                            \
  .volume_rounding = INFUSE_ROUND_NEAREST,                                     \
  .rate_rounding = INFUSE_ROUND_NEAREST

/* Rows start from STANDARD and override single fields after it, on purpose:
 * the warning about a designated initializer given twice is off here. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
static const worked_t k_worked[] = {
    {
        .name = "CLINICAL 2: 70 kg, 0.5 mg/kg, 10 mg/mL, + 100 mL bag, 40 min",
        STANDARD,
        .status = INFUSE_OK,
        .weight_g = 70000,
        .dosing_g = 70000,
        /* 70 kg x 0.5 mg/kg = 35 mg = 70000 g x 500 ug/kg = 35,000,000 ng */
        .dose_ng = 35000000,
        /* 35 mg / 10 mg/mL = 3.5 mL: 35,000,000 / 10,000 = 3500 uL, already
         * a multiple of the 100 uL step */
        .drug_ul = 3500,
        /* ceil(3500 / 20000) = 1 vial */
        .vials = 1,
        /* 3500 uL x 10,000 ug/mL = 35,000,000 ng; deviation 0 */
        .delivered_ng = 35000000,
        .deviation_ppm = 0,
        /* ADD: diluent = bag = 100 mL; total = 100 + 3.5 = 103.5 mL */
        .diluent_ul = 100000,
        .total_ul = 103500,
        /* 1000 x 35,000,000 / 103,500 = 338,164.25 -> 338,164 ng/mL
         * (103,500 x 338,164 = 34,999,974,000; rest 26,000 < 51,750) */
        .final_conc_ng_per_ml = 338164,
        /* 3600 x 103,500 / 2400 = 155,250 uL/h = 155.25 mL/h exactly;
         * 1552.5 steps of 100 -> tie, away from zero -> 1553 -> 155.3 mL/h */
        .rate_ul_per_h = 155300,
        /* 3,600,000 x 103,500 / 155,300 = 372,600,000,000 / 155,300:
         * 155,300 x 2,399,227 = 372,599,953,100; rest 46,900 < 77,650
         * -> 2,399,227 ms (39.99 min) */
        .actual_duration_ms = 2399227,
        /* 1000 x 35,000,000 x 155,300 / (70,000 x 103,500)
         * = 5,435,500,000,000,000 / 7,245,000,000 = 5,435,500,000 / 7,245
         * = 750,241.55 (7,245 x 750,241 = 5,435,496,045; rest 3,955 >
         * 3,622.5) -> 750,242 ng/kg/h */
        .dose_rate_ng_per_kg_per_h = 750242,
    },
    {
        .name = "CLINICAL 2, rate rounded down: 1552.5 steps -> 1552",
        STANDARD,
        .rate_rounding = INFUSE_ROUND_DOWN,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 100000, .total_ul = 103500,
        .final_conc_ng_per_ml = 338164,
        /* 155,250 down to a multiple of 100 -> 155,200 */
        .rate_ul_per_h = 155200,
        /* 372,600,000,000 / 155,200: 155,200 x 2,400,773 = 372,599,969,600;
         * rest 30,400 < 77,600 -> 2,400,773 ms */
        .actual_duration_ms = 2400773,
        /* 35,000,000,000 x 155,200 / 7,245,000,000 = 5,432,000,000 / 7,245
         * = 749,758.45 (7,245 x 749,758 = 5,431,996,710; rest 3,290 <
         * 3,622.5) -> 749,758 */
        .dose_rate_ng_per_kg_per_h = 749758,
    },
    {
        .name = "CLINICAL 2, rate rounded up: 1552.5 steps -> 1553",
        STANDARD,
        .rate_rounding = INFUSE_ROUND_UP,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 100000, .total_ul = 103500,
        .final_conc_ng_per_ml = 338164,
        .rate_ul_per_h = 155300, /* as nearest, see above */
        .actual_duration_ms = 2399227,
        .dose_rate_ng_per_kg_per_h = 750242,
    },
    {
        .name = "CLINICAL 2 on a 0.01 mL/h pump: 155.25 mL/h exactly",
        STANDARD,
        .rate_step_ul_per_h = 10,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 100000, .total_ul = 103500,
        .final_conc_ng_per_ml = 338164,
        /* 155,250 is a multiple of 10: no rounding */
        .rate_ul_per_h = 155250,
        /* 3,600,000 x 103,500 / 155,250 = 2,400,000 ms: 40 min exactly */
        .actual_duration_ms = 2400000,
        /* 0.5 mg/kg over 40 min = 0.75 mg/kg/h = 750,000 ng/kg/h */
        .dose_rate_ng_per_kg_per_h = 750000,
    },
    {
        .name = "CLINICAL 2: 1 mg/mL final concentration (35 mL) over 40 min",
        STANDARD,
        .prep = INFUSE_PREP_FINAL_CONC,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        /* total = 35,000,000 ng / 1000 ug/mL = 35,000 uL = 35 mL (a
         * multiple of 100); diluent = 35,000 - 3,500 = 31,500 uL */
        .diluent_ul = 31500,
        .total_ul = 35000,
        /* 1000 x 35,000,000 / 35,000 = 1,000,000 ng/mL = 1 mg/mL */
        .final_conc_ng_per_ml = 1000000,
        /* 3600 x 35,000 / 2400 = 52,500 uL/h = 52.5 mL/h */
        .rate_ul_per_h = 52500,
        /* 3,600,000 x 35,000 / 52,500 = 2,400,000 ms */
        .actual_duration_ms = 2400000,
        /* 1000 x 35e6 x 52,500 / (70,000 x 35,000) = 750,000 */
        .dose_rate_ng_per_kg_per_h = 750000,
    },
    {
        .name = "CLINICAL 2: 1 mg/mL (35 mL) over 100 min (ketamine-trd-100)",
        STANDARD,
        .protocol = "ketamine-trd-100",
        .prep = INFUSE_PREP_FINAL_CONC,
        .duration_s = 6000,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 31500, .total_ul = 35000,
        .final_conc_ng_per_ml = 1000000,
        /* 3600 x 35,000 / 6000 = 21,000 uL/h = 21.0 mL/h */
        .rate_ul_per_h = 21000,
        /* 3,600,000 x 35,000 / 21,000 = 6,000,000 ms = 100 min */
        .actual_duration_ms = 6000000,
        /* 0.5 mg/kg over 100 min = 0.3 mg/kg/h: 1000 x 35e6 x 21,000 /
         * (70,000 x 35,000) = 300,000 */
        .dose_rate_ng_per_kg_per_h = 300000,
    },
    {
        .name = "Rasmussen 2013: + 100 mL bag over 100 min",
        STANDARD,
        .protocol = "ketamine-trd-100",
        .duration_s = 6000,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 100000, .total_ul = 103500,
        .final_conc_ng_per_ml = 338164,
        /* 3600 x 103,500 / 6000 = 62,100 uL/h exactly */
        .rate_ul_per_h = 62100,
        .actual_duration_ms = 6000000,
        .dose_rate_ng_per_kg_per_h = 300000,
    },
    {
        .name = "50 mg/mL vial (not the protocol's 10 mg/mL): vials untracked",
        STANDARD,
        .vial_ug_per_ml = 50000,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        /* 35,000,000 / 50,000 = 700 uL = 0.7 mL, 7 steps exactly */
        .drug_ul = 700,
        /* the fill of a 50 mg/mL vial is not known to the protocol: 0 */
        .vials = 0,
        .delivered_ng = 35000000,
        .diluent_ul = 100000, .total_ul = 100700,
        /* 35e9 / 100,700 = 347,567.03 -> 347,567 */
        .final_conc_ng_per_ml = 347567,
        /* 3600 x 100,700 / 2400 = 151,050; 1510.5 steps -> tie -> 1511 */
        .rate_ul_per_h = 151100,
        /* 3.6e6 x 100,700 / 151,100 = 362,520,000,000 / 151,100 =
         * 2,399,205.82 -> 2,399,206 */
        .actual_duration_ms = 2399206,
        /* 1000 x 35e6 x 151,100 / (70,000 x 100,700) = 5.2885e15 /
         * 7,049,000,000 = 750,248.26 -> 750,248 */
        .dose_rate_ng_per_kg_per_h = 750248,
    },
    {
        .name = "Fava 2020 low dose: 70 kg x 0.2 mg/kg = 14 mg",
        STANDARD,
        .protocol = "ketamine-low-dose",
        .dose_ug_per_kg = 200,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000,
        /* 70,000 g x 200 ug/kg = 14,000,000 ng = 14 mg */
        .dose_ng = 14000000,
        /* 14,000,000 / 10,000 = 1,400 uL = 1.4 mL */
        .drug_ul = 1400, .vials = 1, .delivered_ng = 14000000,
        .diluent_ul = 100000,
        /* 100 + 1.4 = 101.4 mL */
        .total_ul = 101400,
        /* 14e9 / 101,400 = 138,067.06 -> 138,067 */
        .final_conc_ng_per_ml = 138067,
        /* 3600 x 101,400 / 2400 = 152,100 uL/h exactly */
        .rate_ul_per_h = 152100,
        .actual_duration_ms = 2400000,
        /* 0.2 mg/kg over 40 min = 0.3 mg/kg/h = 300,000 */
        .dose_rate_ng_per_kg_per_h = 300000,
    },
    {
        .name = "REPLACE: withdraw 3.5 mL from the 100 mL bag",
        STANDARD,
        .prep = INFUSE_PREP_REPLACE,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        /* diluent = 100,000 - 3,500 = 96,500; total = bag = 100,000 */
        .diluent_ul = 96500,
        .total_ul = 100000,
        /* 35e9 / 100,000 = 350,000 ng/mL = 0.35 mg/mL */
        .final_conc_ng_per_ml = 350000,
        /* 3600 x 100,000 / 2400 = 150,000 uL/h = 150 mL/h */
        .rate_ul_per_h = 150000,
        .actual_duration_ms = 2400000,
        .dose_rate_ng_per_kg_per_h = 750000,
    },
    {
        .name = "REPLACE from a 3.5 mL bag: the whole bag is drug (allowed)",
        STANDARD,
        .prep = INFUSE_PREP_REPLACE,
        .bag_ul = 3500,
        .status = INFUSE_STOP_SOFT_LIMIT,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        /* draw-up 3,500 uL is not above the 3,500 uL bag: diluent 3,500 -
         * 3,500 = 0, total = bag = 3,500 uL; then as the syringe below */
        .diluent_ul = 0,
        .total_ul = 3500,
        .final_conc_ng_per_ml = 10000000,
        .rate_ul_per_h = 5300,
        .actual_duration_ms = 2377358,
        .dose_rate_ng_per_kg_per_h = 757143,
        /* 10 mg/mL > 2 mg/mL soft high; 5.3 mL/h is not below 5 mL/h */
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_CONCENTRATION_SOFT_HIGH,
                      INFUSE_SEVERITY_SOFT, false}},
    },
    {
        .name = "SYRINGE: 3.5 mL of 10 mg/mL over 40 min (2 mg/mL soft limit)",
        STANDARD,
        .prep = INFUSE_PREP_SYRINGE,
        .status = INFUSE_STOP_SOFT_LIMIT,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 0,
        .total_ul = 3500,
        /* undiluted: 10 mg/mL = 10,000,000 ng/mL */
        .final_conc_ng_per_ml = 10000000,
        /* 3600 x 3,500 / 2400 = 5,250 uL/h = 5.25 mL/h; 52.5 steps -> tie,
         * away from zero -> 53 -> 5.3 mL/h */
        .rate_ul_per_h = 5300,
        /* 3,600,000 x 3,500 / 5,300 = 12,600,000,000 / 5,300: 5,300 x
         * 2,377,358 = 12,599,997,400; rest 2,600 < 2,650 -> 2,377,358 */
        .actual_duration_ms = 2377358,
        /* 1000 x 35e6 x 5,300 / (70,000 x 3,500) = 1.855e14 / 2.45e8 =
         * 757,142.86 -> 757,143 */
        .dose_rate_ng_per_kg_per_h = 757143,
        /* 10 mg/mL > soft high 2 mg/mL (hard 50): soft, not acknowledged;
         * a syringe is exempt from the volumetric 5 mL/h advisory */
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_CONCENTRATION_SOFT_HIGH,
                      INFUSE_SEVERITY_SOFT, false}},
    },
    {
        .name = "SYRINGE, concentration acknowledged",
        STANDARD,
        .prep = INFUSE_PREP_SYRINGE,
        .acknowledge = INFUSE_ACK_CONCENTRATION,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 0, .total_ul = 3500,
        .final_conc_ng_per_ml = 10000000,
        .rate_ul_per_h = 5300,
        .actual_duration_ms = 2377358,
        .dose_rate_ng_per_kg_per_h = 757143,
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_CONCENTRATION_SOFT_HIGH,
                      INFUSE_SEVERITY_SOFT, true}},
    },
    {
        .name = "160 lb patient: 72575 g, 3.62875 mL drawn as 3.6 mL",
        STANDARD,
        .weight_text = "160 lb",
        .status = INFUSE_OK,
        /* 160 x 453.59237 = 72,574.7792 g -> 72,575 g */
        .weight_g = 72575, .dosing_g = 72575,
        /* 72,575 x 500 = 36,287,500 ng = 36.2875 mg */
        .dose_ng = 36287500,
        /* 36,287,500 / 10,000 = 3,628.75 uL = 36.2875 steps -> 36 -> 3.6 mL */
        .drug_ul = 3600, .vials = 1,
        /* 3,600 x 10,000 = 36,000,000 ng = 36 mg */
        .delivered_ng = 36000000,
        /* 1e6 x (36,000,000 - 36,287,500) / 36,287,500 = -287,500,000,000 /
         * 36,287,500 = -7,922.84 (36,287,500 x 7,922 = 287,469,575,000; rest
         * 30,425,000 > 18,143,750) -> -7,923 ppm (-0.79 %) */
        .deviation_ppm = -7923,
        .diluent_ul = 100000,
        .total_ul = 103600,
        /* 36e9 / 103,600 = 347,490.35 -> 347,490 */
        .final_conc_ng_per_ml = 347490,
        /* 3600 x 103,600 / 2400 = 155,400 exactly */
        .rate_ul_per_h = 155400,
        .actual_duration_ms = 2400000,
        /* 1000 x 36e6 x 155,400 / (72,575 x 103,600) = 5.5944e15 /
         * 7,518,770,000 = 744,057.87 -> 744,058 */
        .dose_rate_ng_per_kg_per_h = 744058,
    },
    {
        .name = "IBW (Devine), male 175 cm, 120 kg",
        STANDARD,
        .weight_text = "120 kg",
        .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1750, .sex = INFUSE_SEX_MALE,
        .status = INFUSE_OK,
        .weight_g = 120000,
        /* 175 cm = 68.898 in; 50 kg + 2.3 kg x 8.898 = 70.4646 kg. Header:
         * (254 x (50,000 - 138,000) + 23,000 x 1,750) / 254 = (-22,352,000 +
         * 40,250,000) / 254 = 17,898,000 / 254 = 70,464.57 -> 70,465 g */
        .ideal_g = 70465, .dosing_g = 70465,
        /* BMI: 120,000 x 100,000 / 1,750^2 = 1.2e10 / 3,062,500 = 3,918.37
         * -> 3,918 (39.18 kg/m2) */
        .bmi_centi = 3918,
        /* 70,465 x 500 = 35,232,500 ng */
        .dose_ng = 35232500,
        /* 3,523.25 uL -> 35.2325 steps -> 35 -> 3,500 uL */
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        /* -1e6 x 232,500 / 35,232,500 = -6,599.02 -> -6,599 */
        .deviation_ppm = -6599,
        .diluent_ul = 100000, .total_ul = 103500,
        .final_conc_ng_per_ml = 338164,
        .rate_ul_per_h = 155300,
        .actual_duration_ms = 2399227,
        /* 1000 x 35e6 x 155,300 / (70,465 x 103,500) = 5.4355e15 /
         * 7,293,127,500 = 745,290.69 -> 745,291 */
        .dose_rate_ng_per_kg_per_h = 745291,
    },
    {
        .name = "IBW (Devine), female 175 cm, 60 kg: IBW above actual",
        STANDARD,
        .weight_text = "60 kg",
        .basis = INFUSE_WEIGHT_IDEAL, .height_mm = 1750, .sex = INFUSE_SEX_FEMALE,
        .status = INFUSE_OK,
        .weight_g = 60000,
        /* (254 x (45,500 - 138,000) + 40,250,000) / 254 = (-23,495,000 +
         * 40,250,000) / 254 = 16,755,000 / 254 = 65,964.57 -> 65,965 g
         * (45.5 kg + 2.3 x 8.898 = 65.9646 kg) */
        .ideal_g = 65965, .dosing_g = 65965,
        /* 6e9 / 3,062,500 = 1,959.18 -> 1,959 */
        .bmi_centi = 1959,
        /* 65,965 x 500 = 32,982,500 ng */
        .dose_ng = 32982500,
        /* 3,298.25 uL -> 32.9825 steps -> 33 -> 3,300 uL */
        .drug_ul = 3300, .vials = 1, .delivered_ng = 33000000,
        /* 1e6 x 17,500 / 32,982,500 = 530.58 -> 531 */
        .deviation_ppm = 531,
        .diluent_ul = 100000, .total_ul = 103300,
        /* 33e9 / 103,300 = 319,457.89 -> 319,458 */
        .final_conc_ng_per_ml = 319458,
        /* 3600 x 103,300 / 2400 = 154,950; 1549.5 steps -> tie -> 1550 */
        .rate_ul_per_h = 155000,
        /* 3.6e6 x 103,300 / 155,000 = 371,880,000,000 / 155,000 =
         * 2,399,225.81 -> 2,399,226 */
        .actual_duration_ms = 2399226,
        /* 1000 x 33e6 x 155,000 / (65,965 x 103,300) = 5.115e15 /
         * 6,814,184,500 = 750,640.08 -> 750,640 */
        .dose_rate_ng_per_kg_per_h = 750640,
        /* 65,965 g > 60,000 g actual */
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL,
                      INFUSE_SEVERITY_ADVISORY, false}},
    },
    {
        .name = "AdjBW, male 175 cm, 120 kg",
        STANDARD,
        .weight_text = "120 kg",
        .basis = INFUSE_WEIGHT_ADJUSTED, .height_mm = 1750,
        .sex = INFUSE_SEX_MALE,
        .status = INFUSE_OK,
        .weight_g = 120000,
        .ideal_g = 70465,
        /* (6 x 70,465 + 4 x 120,000) / 10 = (422,790 + 480,000) / 10 =
         * 90,279 g exactly (70.465 + 0.4 x 49.535 = 90.279 kg) */
        .adjusted_g = 90279, .dosing_g = 90279,
        .bmi_centi = 3918,
        /* 90,279 x 500 = 45,139,500 ng */
        .dose_ng = 45139500,
        /* 4,513.95 uL -> 45.1395 steps -> 45 -> 4,500 uL */
        .drug_ul = 4500, .vials = 1, .delivered_ng = 45000000,
        /* -1e6 x 139,500 / 45,139,500 = -3,090.42 -> -3,090 */
        .deviation_ppm = -3090,
        .diluent_ul = 100000, .total_ul = 104500,
        /* 45e9 / 104,500 = 430,622.01 -> 430,622 */
        .final_conc_ng_per_ml = 430622,
        /* 3600 x 104,500 / 2400 = 156,750; 1567.5 steps -> tie -> 1568 */
        .rate_ul_per_h = 156800,
        /* 3.6e6 x 104,500 / 156,800 = 376,200,000,000 / 156,800 =
         * 2,399,234.69 -> 2,399,235 */
        .actual_duration_ms = 2399235,
        /* 1000 x 45e6 x 156,800 / (90,279 x 104,500) = 7.056e15 /
         * 9,434,155,500 = 747,920.68 -> 747,921 */
        .dose_rate_ng_per_kg_per_h = 747921,
    },
    {
        .name = "AdjBW, female 175 cm, 120 kg",
        STANDARD,
        .weight_text = "120 kg",
        .basis = INFUSE_WEIGHT_ADJUSTED, .height_mm = 1750,
        .sex = INFUSE_SEX_FEMALE,
        .status = INFUSE_OK,
        .weight_g = 120000,
        .ideal_g = 65965,
        /* (6 x 65,965 + 480,000) / 10 = (395,790 + 480,000) / 10 = 87,579 */
        .adjusted_g = 87579, .dosing_g = 87579,
        .bmi_centi = 3918,
        /* 87,579 x 500 = 43,789,500 ng */
        .dose_ng = 43789500,
        /* 4,378.95 uL -> 43.7895 steps -> 44 -> 4,400 uL */
        .drug_ul = 4400, .vials = 1, .delivered_ng = 44000000,
        /* 1e6 x 210,500 / 43,789,500 = 4,807.09 -> 4,807 */
        .deviation_ppm = 4807,
        .diluent_ul = 100000, .total_ul = 104400,
        /* 44e9 / 104,400 = 421,455.94 -> 421,456 */
        .final_conc_ng_per_ml = 421456,
        /* 3600 x 104,400 / 2400 = 156,600 exactly */
        .rate_ul_per_h = 156600,
        .actual_duration_ms = 2400000,
        /* 1000 x 44e6 x 156,600 / (87,579 x 104,400) = 6.8904e15 /
         * 9,143,247,600 = 753,605.32 -> 753,605 */
        .dose_rate_ng_per_kg_per_h = 753605,
    },
    {
        .name = "Escalation 0.75 mg/kg = soft max (inclusive), 0.01 mL step",
        STANDARD,
        .dose_ug_per_kg = 750,
        .volume_step_ul = 10,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000,
        /* 70,000 x 750 = 52,500,000 ng = 52.5 mg */
        .dose_ng = 52500000,
        /* 52,500,000 / 10,000 = 5,250 uL, a multiple of the 10 uL step */
        .drug_ul = 5250,
        .vials = 1, .delivered_ng = 52500000,
        .diluent_ul = 100000, .total_ul = 105250,
        /* 52.5e9 / 105,250 = 498,812.35 -> 498,812 */
        .final_conc_ng_per_ml = 498812,
        /* 3600 x 105,250 / 2400 = 157,875; 1578.75 steps -> 1579 */
        .rate_ul_per_h = 157900,
        /* 3.6e6 x 105,250 / 157,900 = 378,900,000,000 / 157,900 =
         * 2,399,620.01 -> 2,399,620 */
        .actual_duration_ms = 2399620,
        /* 1000 x 52.5e6 x 157,900 / (70,000 x 105,250) = 8.28975e15 /
         * 7,367,500,000 = 1,125,178.15 -> 1,125,178 */
        .dose_rate_ng_per_kg_per_h = 1125178,
        /* 750 ug/kg is not above the 750 soft high: no finding */
    },
    {
        .name = "0.75 mg/kg at the 0.1 mL step: 5.25 mL drawn as 5.3 mL",
        STANDARD,
        .dose_ug_per_kg = 750,
        .status = INFUSE_STOP_SOFT_LIMIT,
        .weight_g = 70000, .dosing_g = 70000,
        .dose_ng = 52500000,
        /* 5,250 uL = 52.5 steps of 100 -> tie, away from zero -> 53 ->
         * 5,300 uL */
        .drug_ul = 5300,
        .vials = 1,
        /* 5,300 x 10,000 = 53,000,000 ng */
        .delivered_ng = 53000000,
        /* 1e6 x 500,000 / 52,500,000 = 9,523.81 -> 9,524 (< 5 %) */
        .deviation_ppm = 9524,
        .diluent_ul = 100000, .total_ul = 105300,
        /* 53e9 / 105,300 = 503,323.84 -> 503,324 */
        .final_conc_ng_per_ml = 503324,
        /* 3600 x 105,300 / 2400 = 157,950; 1579.5 steps -> tie -> 1580 */
        .rate_ul_per_h = 158000,
        /* 379,080,000,000 / 158,000 = 2,399,240.51 -> 2,399,241 */
        .actual_duration_ms = 2399241,
        /* 1000 x 53e6 x 158,000 / (70,000 x 105,300) = 8.374e15 /
         * 7,371,000,000 = 1,136,073.80 -> 1,136,074 */
        .dose_rate_ng_per_kg_per_h = 1136074,
        /* prescribed 750 ug/kg is at the bound; delivered 53e6 / 70,000 =
         * 757.14 ug/kg is above it, and the larger is checked: soft high */
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH,
                      INFUSE_SEVERITY_SOFT, false}},
    },
    {
        .name = "0.8 mg/kg: above the 0.75 mg/kg soft max, not acknowledged",
        STANDARD,
        .dose_ug_per_kg = 800,
        .status = INFUSE_STOP_SOFT_LIMIT,
        .dose_status = INFUSE_STOP_SOFT_LIMIT, /* 800 > 750 prescribed */
        .weight_g = 70000, .dosing_g = 70000,
        /* 70,000 x 800 = 56,000,000 ng = 56 mg -> 5,600 uL */
        .dose_ng = 56000000, .drug_ul = 5600, .vials = 1,
        .delivered_ng = 56000000,
        .diluent_ul = 100000, .total_ul = 105600,
        /* 56e9 / 105,600 = 530,303.03 -> 530,303 */
        .final_conc_ng_per_ml = 530303,
        /* 3600 x 105,600 / 2400 = 158,400 exactly */
        .rate_ul_per_h = 158400,
        .actual_duration_ms = 2400000,
        /* 0.8 mg/kg over 40 min = 1.2 mg/kg/h */
        .dose_rate_ng_per_kg_per_h = 1200000,
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH,
                      INFUSE_SEVERITY_SOFT, false}},
    },
    {
        .name = "0.8 mg/kg, dose per kg acknowledged",
        STANDARD,
        .dose_ug_per_kg = 800,
        .acknowledge = INFUSE_ACK_DOSE_PER_KG,
        .status = INFUSE_OK,
        .weight_g = 70000, .dosing_g = 70000,
        .dose_ng = 56000000, .drug_ul = 5600, .vials = 1,
        .delivered_ng = 56000000,
        .diluent_ul = 100000, .total_ul = 105600,
        .final_conc_ng_per_ml = 530303,
        .rate_ul_per_h = 158400,
        .actual_duration_ms = 2400000,
        .dose_rate_ng_per_kg_per_h = 1200000,
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH,
                      INFUSE_SEVERITY_SOFT, true}},
    },
    {
        .name = "1.1 mg/kg: above the 1.0 mg/kg hard max, even acknowledged",
        STANDARD,
        .dose_ug_per_kg = 1100,
        .acknowledge = INFUSE_ACK_ALL,
        .status = INFUSE_STOP_HARD_LIMIT,
        .dose_status = INFUSE_STOP_HARD_LIMIT, /* 1100 > 1000 prescribed */
        .weight_g = 70000, .dosing_g = 70000,
        /* 70,000 x 1,100 = 77,000,000 ng = 77 mg (below the 100 mg soft) */
        .dose_ng = 77000000, .drug_ul = 7700, .vials = 1,
        .delivered_ng = 77000000,
        .diluent_ul = 100000, .total_ul = 107700,
        /* 77e9 / 107,700 = 714,948.93 -> 714,949 */
        .final_conc_ng_per_ml = 714949,
        /* 3600 x 107,700 / 2400 = 161,550; 1615.5 steps -> tie -> 1616 */
        .rate_ul_per_h = 161600,
        /* 3.6e6 x 107,700 / 161,600 = 387,720,000,000 / 161,600 =
         * 2,399,257.43 -> 2,399,257 */
        .actual_duration_ms = 2399257,
        /* 1000 x 77e6 x 161,600 / (70,000 x 107,700) = 1.24432e16 /
         * 7,539,000,000 = 1,650,510.68 -> 1,650,511 */
        .dose_rate_ng_per_kg_per_h = 1650511,
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_DOSE_PER_KG_HARD_HIGH,
                      INFUSE_SEVERITY_HARD, false}},
    },
    {
        .name = "0.05 mg/kg: below the 0.1 mg/kg hard min",
        STANDARD,
        .dose_ug_per_kg = 50,
        .status = INFUSE_STOP_HARD_LIMIT,
        .dose_status = INFUSE_STOP_HARD_LIMIT, /* 50 < 100 prescribed */
        .weight_g = 70000, .dosing_g = 70000,
        /* 70,000 x 50 = 3,500,000 ng = 3.5 mg; 3,500,000 / 10,000 = 350 uL
         * = 3.5 steps of 100 -> tie, away from zero -> 4 steps = 400 uL */
        .dose_ng = 3500000, .drug_ul = 400, .vials = 1,
        /* 400 x 10,000 = 4,000,000 ng */
        .delivered_ng = 4000000,
        /* 1e6 x 500,000 / 3,500,000 = 142,857.14 -> 142,857 (14.3 %: above
         * the 5 % deviation limit) */
        .deviation_ppm = 142857,
        .diluent_ul = 100000, .total_ul = 100400,
        /* 4e9 / 100,400 = 39,840.64 -> 39,841 */
        .final_conc_ng_per_ml = 39841,
        /* 3600 x 100,400 / 2400 = 150,600 exactly */
        .rate_ul_per_h = 150600,
        .actual_duration_ms = 2400000,
        /* 1000 x 4e6 x 150,600 / (70,000 x 100,400) = 6.024e14 /
         * 7,028,000,000 = 85,714.29 -> 85,714 */
        .dose_rate_ng_per_kg_per_h = 85714,
        /* the smaller dose (prescribed 3.5 mg = 50 ug/kg) is checked
         * against the low bound: 50 < 100 -> hard low; |deviation| 14.3 %
         * > 5 % -> soft */
        .n_findings = 2,
        .findings = {{INFUSE_FINDING_DOSE_PER_KG_HARD_LOW,
                      INFUSE_SEVERITY_HARD, false},
                     {INFUSE_FINDING_DOSE_DEVIATION, INFUSE_SEVERITY_SOFT,
                      false}},
    },
    {
        .name = "70.1 kg x 0.75 mg/kg: the delivered dose crosses the soft max",
        STANDARD,
        .weight_text = "70.1 kg",
        .dose_ug_per_kg = 750,
        .status = INFUSE_STOP_SOFT_LIMIT,
        .weight_g = 70100, .dosing_g = 70100,
        /* 70,100 x 750 = 52,575,000 ng */
        .dose_ng = 52575000,
        /* 5,257.5 uL = 52.575 steps -> 53 -> 5,300 uL */
        .drug_ul = 5300, .vials = 1, .delivered_ng = 53000000,
        /* 1e6 x 425,000 / 52,575,000 = 8,083.69 -> 8,084 */
        .deviation_ppm = 8084,
        .diluent_ul = 100000, .total_ul = 105300,
        /* 53e9 / 105,300 = 503,323.84 -> 503,324 */
        .final_conc_ng_per_ml = 503324,
        /* 3600 x 105,300 / 2400 = 157,950; 1579.5 steps -> tie -> 1580 */
        .rate_ul_per_h = 158000,
        /* 3.6e6 x 105,300 / 158,000 = 379,080,000,000 / 158,000 =
         * 2,399,240.51 -> 2,399,241 */
        .actual_duration_ms = 2399241,
        /* 1000 x 53e6 x 158,000 / (70,100 x 105,300) = 8.374e15 /
         * 7,381,530,000 = 1,134,453.16 -> 1,134,453 */
        .dose_rate_ng_per_kg_per_h = 1134453,
        /* prescribed 750 ug/kg is at the bound, delivered 53e6 / 70,100 =
         * 756.06 ug/kg is above it: the larger is checked -> soft high */
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH,
                      INFUSE_SEVERITY_SOFT, false}},
    },
    {
        .name = "30 min infusion: below the 40 min soft minimum",
        STANDARD,
        .duration_s = 1800,
        .status = INFUSE_STOP_SOFT_LIMIT,
        .weight_g = 70000, .dosing_g = 70000, .dose_ng = 35000000,
        .drug_ul = 3500, .vials = 1, .delivered_ng = 35000000,
        .diluent_ul = 100000, .total_ul = 103500,
        .final_conc_ng_per_ml = 338164,
        /* 3600 x 103,500 / 1800 = 207,000 uL/h exactly */
        .rate_ul_per_h = 207000,
        .actual_duration_ms = 1800000,
        /* 0.5 mg/kg over 30 min = 1 mg/kg/h */
        .dose_rate_ng_per_kg_per_h = 1000000,
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_DURATION_SOFT_LOW, INFUSE_SEVERITY_SOFT,
                      false}},
    },
    {
        .name = "35 kg patient: below the 40 kg soft minimum",
        STANDARD,
        .weight_text = "35 kg",
        .status = INFUSE_STOP_SOFT_LIMIT,
        .dose_status = INFUSE_STOP_SOFT_LIMIT, /* 35 kg < 40 kg */
        .weight_g = 35000, .dosing_g = 35000,
        /* 35,000 x 500 = 17,500,000 ng */
        .dose_ng = 17500000,
        /* 1,750 uL = 17.5 steps -> tie -> 18 -> 1,800 uL */
        .drug_ul = 1800, .vials = 1, .delivered_ng = 18000000,
        /* 1e6 x 500,000 / 17,500,000 = 28,571.43 -> 28,571 (2.9 % < 5 %) */
        .deviation_ppm = 28571,
        .diluent_ul = 100000, .total_ul = 101800,
        /* 18e9 / 101,800 = 176,817.29 -> 176,817 */
        .final_conc_ng_per_ml = 176817,
        /* 3600 x 101,800 / 2400 = 152,700 exactly */
        .rate_ul_per_h = 152700,
        .actual_duration_ms = 2400000,
        /* 1000 x 18e6 x 152,700 / (35,000 x 101,800) = 2.7486e15 /
         * 3,563,000,000 = 771,428.57 -> 771,429 */
        .dose_rate_ng_per_kg_per_h = 771429,
        .n_findings = 1,
        .findings = {{INFUSE_FINDING_WEIGHT_SOFT_LOW, INFUSE_SEVERITY_SOFT,
                      false}},
    },
};
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#define N_WORKED ((int)(sizeof k_worked / sizeof k_worked[0]))

/* Build the protocol copy and request of one row through the public API. */
static void setup(const worked_t *w, infuse_protocol_t *p, infuse_request_t *q) {
  infuse_diag_t diag;
  ck_assert_int_eq(infuse_protocol_get(w->protocol, p, &diag), INFUSE_OK);
  p->volume_rounding = w->volume_rounding;
  p->rate_rounding = w->rate_rounding;
  ck_assert_int_eq(infuse_protocol_validate(p, &diag), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(q, p), INFUSE_OK);

  infuse_quantity_t wq;
  ck_assert_int_eq(infuse_quantity_parse(w->weight_text,
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &wq, &diag),
                   INFUSE_OK);
  ck_assert_int_eq(wq.dim, INFUSE_DIM_BODY_WEIGHT);
  ck_assert_int_eq(wq.value, w->weight_g);
  q->weight_g = wq.value;
  q->weight_entered = wq; /* as the person entered it, for the trail */
  q->weight_basis = w->basis;
  q->height_mm = w->height_mm;
  q->sex = w->sex;
  q->dose_mode = w->mode;
  q->dose_ug_per_kg = w->dose_ug_per_kg;
  q->dose_ug = w->dose_ug;
  q->duration_s = w->duration_s;
  q->vial_ug_per_ml = w->vial_ug_per_ml;
  q->prep = w->prep;
  q->bag_ul = w->bag_ul;
  q->final_conc_ug_per_ml = w->final_conc_ug_per_ml;
  q->volume_step_ul = w->volume_step_ul;
  q->rate_step_ul_per_h = w->rate_step_ul_per_h;
  q->acknowledge = w->acknowledge;
}

static void check_findings(const worked_t *w, const infuse_result_t *r) {
  ck_assert_msg(r->n_findings == w->n_findings,
                "%s: %d findings, expected %d (first: %s)", w->name,
                r->n_findings, w->n_findings,
                r->n_findings > 0 ? infuse_finding_name((int)r->findings[0].code)
                                  : "-");
  for (int i = 0; i < w->n_findings; i++) {
    bool found = false;
    for (int j = 0; j < r->n_findings; j++) {
      const infuse_finding_t *f = &r->findings[j];
      if (f->code != w->findings[i].code) continue;
      found = true;
      ck_assert_int_eq(f->severity, w->findings[i].severity);
      ck_assert_int_eq(f->acknowledged, w->findings[i].acknowledged);
      ck_assert_str_eq(f->protocol_id, w->protocol);
      ck_assert_str_eq(f->protocol_version, r->protocol_version);
    }
    ck_assert_msg(found, "%s: finding %s missing", w->name,
                  infuse_finding_name((int)w->findings[i].code));
  }
}

START_TEST(test_worked_pump) {
  const worked_t *w = &k_worked[_i];
  infuse_protocol_t p;
  infuse_request_t q;
  setup(w, &p, &q);

  infuse_result_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  infuse_diag_t diag, diag_before;
  memset(&diag, 0x5A, sizeof diag);
  memcpy(&diag_before, &diag, sizeof diag);
  int st = infuse_pump_compute(&q, &r, &diag);
  ck_assert_msg(st == w->status, "%s: status %d (%s), expected %d", w->name, st,
                infuse_status_name(st), w->status);
  /* "on success it [diag] is left untouched" */
  if (st == INFUSE_OK)
    ck_assert(memcmp(&diag, &diag_before, sizeof diag) == 0);
  ck_assert_msg(r.has_pump, "%s: no pump program", w->name);
  ck_assert_int_eq(r.verdict, w->status);
  ck_assert_str_eq(r.protocol_id, w->protocol);

  ck_assert_int_eq(r.actual_weight_g, w->weight_g);
  ck_assert_int_eq(r.height_mm, w->height_mm);
  ck_assert_int_eq(r.bmi_centi, w->bmi_centi);
  if (w->basis != INFUSE_WEIGHT_ACTUAL) ck_assert_int_eq(r.ideal_weight_g, w->ideal_g);
  if (w->basis == INFUSE_WEIGHT_ADJUSTED)
    ck_assert_int_eq(r.adjusted_weight_g, w->adjusted_g);
  ck_assert_int_eq(r.weight_basis, w->basis);
  ck_assert_int_eq(r.dosing_weight_g, w->dosing_g);
  ck_assert_int_eq(r.dose_mode, w->mode);
  ck_assert_int_eq(r.dose_ug_per_kg, w->dose_ug_per_kg);
  ck_assert_int_eq(r.dose_ng, w->dose_ng);

  ck_assert_int_eq(r.prep, w->prep);
  ck_assert_int_eq(r.vial_ug_per_ml, w->vial_ug_per_ml);
  ck_assert_int_eq(r.volume_step_ul, w->volume_step_ul);
  ck_assert_int_eq(r.drug_volume_ul, w->drug_ul);
  ck_assert_int_eq(r.vials, w->vials);
  ck_assert_int_eq(r.delivered_dose_ng, w->delivered_ng);
  ck_assert_int_eq(r.dose_deviation_ppm, w->deviation_ppm);
  ck_assert_int_eq(r.diluent_ul, w->diluent_ul);
  ck_assert_int_eq(r.total_volume_ul, w->total_ul);
  ck_assert_int_eq(r.final_conc_ng_per_ml, w->final_conc_ng_per_ml);

  ck_assert_int_eq(r.duration_s, w->duration_s);
  ck_assert_int_eq(r.rate_step_ul_per_h, w->rate_step_ul_per_h);
  ck_assert_int_eq(r.rate_ul_per_h, w->rate_ul_per_h);
  /* VTBI is the total volume. */
  ck_assert_int_eq(r.vtbi_ul, w->total_ul);
  ck_assert_int_eq(r.vtbi_ul, r.total_volume_ul);
  ck_assert_int_eq(r.actual_duration_ms, w->actual_duration_ms);
  ck_assert_int_eq(r.dose_rate_ng_per_kg_per_h, w->dose_rate_ng_per_kg_per_h);

  check_findings(w, &r);

  /* Pounds are converted in the trail's first step: 160 lb x 453.59237 g =
   * 72,574.7792 g exactly, used as 72,575 g. Kilograms need no step. */
  const infuse_step_t *conv = NULL;
  for (int i = 0; i < r.n_steps && i < INFUSE_MAX_STEPS; i++)
    if (r.steps[i].kind == INFUSE_STEP_WEIGHT_CONVERSION) conv = &r.steps[i];
  if (strstr(w->weight_text, " lb") != NULL) {
    ck_assert_ptr_nonnull(conv);
    ck_assert_int_eq(r.steps[0].kind, INFUSE_STEP_WEIGHT_CONVERSION);
    ck_assert_int_eq(conv->value, w->weight_g);
    ck_assert(conv->rounded);
    ck_assert_int_gt(conv->exact_den, 0);
    /* the one pound row, 160 lb: exact_num / exact_den == 72,574.7792 ==
     * 725,747,792 / 10,000 */
    ck_assert_str_eq(w->weight_text, "160 lb");
    ck_assert_int_eq(conv->exact_num * 10000, 725747792 * conv->exact_den);
  } else {
    ck_assert_ptr_null(conv);
  }
}
END_TEST

/* The dose-only entry point on the same rows: dose fields, no pump, and
 * the pump-only checks (duration, concentration, deviation) absent. */
START_TEST(test_worked_dose_only) {
  const worked_t *w = &k_worked[_i];
  infuse_protocol_t p;
  infuse_request_t q;
  setup(w, &p, &q);

  infuse_result_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  int st = infuse_dose_compute(&q, &r, NULL);
  /* The rows whose pump verdict comes from the delivered dose (0.75 mg/kg
   * drawn as 5.3 mL, 70.1 kg), the duration or the concentration are OK
   * here: the prescribed dose alone is within its limits. */
  ck_assert_msg(st == w->dose_status, "%s: dose-only status %d, expected %d",
                w->name, st, w->dose_status);
  ck_assert(!r.has_pump);
  ck_assert_int_eq(r.verdict, st);
  ck_assert_int_eq(r.actual_weight_g, w->weight_g);
  ck_assert_int_eq(r.dosing_weight_g, w->dosing_g);
  ck_assert_int_eq(r.dose_ng, w->dose_ng);
  ck_assert_int_eq(r.bmi_centi, w->bmi_centi);
  /* Findings that need a pump program never come from the dose alone. */
  for (int i = 0; i < r.n_findings; i++) {
    infuse_finding_code_t c = r.findings[i].code;
    ck_assert_msg(c != INFUSE_FINDING_CONCENTRATION_SOFT_HIGH &&
                      c != INFUSE_FINDING_DURATION_SOFT_LOW &&
                      c != INFUSE_FINDING_DOSE_DEVIATION,
                  "%s: pump-only finding %s from dose-only compute", w->name,
                  infuse_finding_name((int)c));
  }
}
END_TEST

/* infuse_request_init copies the protocol's defaults: with only the weight
 * set, ketamine-trd-40 gives CLINICAL.md's worked example. */
START_TEST(test_defaults_give_clinical_example) {
  infuse_protocol_t p;
  infuse_request_t q;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  ck_assert_int_eq(q.weight_g, 0);
  ck_assert_int_eq(q.dose_ug_per_kg, 500);
  ck_assert_int_eq(q.duration_s, 2400);
  q.weight_g = 70000;

  infuse_result_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_pump_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert_int_eq(r.verdict, INFUSE_VERDICT_OK);
  ck_assert_int_eq(r.n_findings, 0);
  ck_assert_int_eq(r.dose_ng, 35000000);      /* 35 mg */
  ck_assert_int_eq(r.drug_volume_ul, 3500);   /* 3.5 mL */
  ck_assert_int_eq(r.total_volume_ul, 103500); /* 103.5 mL */
  ck_assert_int_eq(r.rate_ul_per_h, 155300);  /* 155.3 mL/h */
  ck_assert_int_eq(r.vtbi_ul, 103500);
  ck_assert_int_eq(r.actual_duration_ms, 2399227);

  /* The trail records the rate rounding: exact 3600 x 103,500 / 2400 =
   * 155,250 uL/h, rounded to 155,300 at the 100 uL/h step, nearest. */
  bool seen_rate = false, seen_draw = false;
  for (int i = 0; i < r.n_steps && i < INFUSE_MAX_STEPS; i++) {
    const infuse_step_t *s = &r.steps[i];
    if (s->kind == INFUSE_STEP_RATE) {
      seen_rate = true;
      ck_assert_int_gt(s->exact_den, 0);
      ck_assert_int_eq(s->exact_num, 155250 * s->exact_den);
      ck_assert_int_eq(s->value, 155300);
      ck_assert(s->rounded);
      ck_assert_int_eq(s->round_step, 100);
      ck_assert_int_eq(s->rounding, INFUSE_ROUND_NEAREST);
      ck_assert_int_eq(s->unit, INFUSE_UNIT_UL_PER_H);
    }
    if (s->kind == INFUSE_STEP_DRAW_VOLUME) {
      seen_draw = true;
      ck_assert_int_gt(s->exact_den, 0);
      ck_assert_int_eq(s->exact_num, 3500 * s->exact_den);
      ck_assert_int_eq(s->value, 3500);
      ck_assert(!s->rounded);
      ck_assert_int_eq(s->round_step, 100);
      ck_assert_int_eq(s->unit, INFUSE_UNIT_UL);
    }
  }
  ck_assert(seen_rate);
  ck_assert(seen_draw);
}
END_TEST

/* Dose only: 70 kg x 0.5 mg/kg = 35 mg and 70 kg x 0.2 mg/kg = 14 mg. */
START_TEST(test_dose_only_clinical) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  q.weight_g = 70000;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert(!r.has_pump);
  ck_assert_int_eq(r.dose_ng, 35000000);
  ck_assert_int_eq(r.dose_ug_per_kg, 500);

  ck_assert_int_eq(infuse_protocol_get("ketamine-low-dose", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  ck_assert_int_eq(q.dose_ug_per_kg, 200); /* Fava 2020: 0.2 mg/kg */
  q.weight_g = 70000;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert_int_eq(r.dose_ng, 14000000); /* 70 x 0.2 = 14 mg */

  /* A fixed dose: 35 mg for a 72.575 kg (160 lb) patient is
   * 35,000,000 / 72,575 = 482.26 ug/kg -> 482 (nearest). */
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  q.weight_g = 72575;
  q.dose_mode = INFUSE_DOSE_FIXED;
  q.dose_ug = 35000;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert_int_eq(r.dose_ng, 35000000);
  ck_assert_int_eq(r.dose_ug_per_kg, 482);
  ck_assert_int_eq(r.dose_mode, INFUSE_DOSE_FIXED);

  /* BMI with the actual weight: 70 kg at 175 cm = 70 / 1.75^2 = 22.857
   * kg/m2: 70,000 x 100,000 / 1,750^2 = 7e9 / 3,062,500 = 2,285.71 ->
   * 2,286. The dosing weight stays the actual weight. */
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  q.weight_g = 70000;
  q.height_mm = 1750;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert_int_eq(r.bmi_centi, 2286);
  ck_assert_int_eq(r.height_mm, 1750);
  ck_assert_int_eq(r.dosing_weight_g, 70000);
  ck_assert_int_eq(r.dose_ng, 35000000);
}
END_TEST

/* Oral ketamine (CLINICAL.md 6: 1-2 mg/kg): the dose-only entry point works
 * for every route; 70 kg x 1 mg/kg = 70,000 g x 1,000 ug/kg = 70,000,000 ng
 * = 70 mg, at the soft low bound of 1 mg/kg (inclusive): OK. 0.9 mg/kg is
 * below it (soft), 0.4 mg/kg below the 0.5 mg/kg hard low. */
START_TEST(test_oral_dose_only) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  ck_assert_int_eq(infuse_protocol_get("ketamine-oral", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(p.route, INFUSE_ROUTE_ORAL);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  ck_assert_int_eq(q.dose_ug_per_kg, 1000);
  q.weight_g = 70000;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_OK);
  ck_assert(!r.has_pump);
  ck_assert_int_eq(r.dose_ng, 70000000);
  ck_assert_int_eq(r.n_findings, 0);

  q.dose_ug_per_kg = 900; /* 63 mg */
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_STOP_SOFT_LIMIT);
  ck_assert_int_eq(r.dose_ng, 63000000);
  ck_assert_int_eq(r.n_findings, 1);
  ck_assert_int_eq(r.findings[0].code, INFUSE_FINDING_DOSE_PER_KG_SOFT_LOW);
  /* reported in ng/kg, value and limit: 900 ug/kg = 900,000 ng/kg against
   * 1 mg/kg = 1,000,000 ng/kg */
  ck_assert_int_eq(r.findings[0].unit, INFUSE_UNIT_NG_PER_KG);
  ck_assert_int_eq(r.findings[0].value, 900000);
  ck_assert_int_eq(r.findings[0].limit, 1000000);
  ck_assert_int_eq(r.findings[0].severity, INFUSE_SEVERITY_SOFT);
  ck_assert(!r.findings[0].acknowledged);

  q.dose_ug_per_kg = 400; /* 28 mg */
  q.acknowledge = INFUSE_ACK_ALL;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_STOP_HARD_LIMIT);
  ck_assert_int_eq(r.n_findings, 1);
  ck_assert_int_eq(r.findings[0].code, INFUSE_FINDING_DOSE_PER_KG_HARD_LOW);
}
END_TEST

/* Body weight text: 160 lb = 72,574.7792 g, rounded to 72,575 g. */
START_TEST(test_pounds_rounded) {
  infuse_quantity_t w;
  ck_assert_int_eq(infuse_quantity_parse("160 lb",
                                         INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT),
                                         "weight", &w, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(w.value, 72575);
  ck_assert(w.rounded);
  /* 175 cm is 1750 mm exactly; 69 in = 69 x 25.4 = 1752.6 -> 1753 mm */
  infuse_quantity_t h;
  ck_assert_int_eq(infuse_quantity_parse("175 cm",
                                         INFUSE_DIM_BIT(INFUSE_DIM_LENGTH),
                                         "height", &h, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(h.value, 1750);
  ck_assert(!h.rounded);
  ck_assert_int_eq(infuse_quantity_parse("69 in",
                                         INFUSE_DIM_BIT(INFUSE_DIM_LENGTH),
                                         "height", &h, NULL),
                   INFUSE_OK);
  ck_assert_int_eq(h.value, 1753);
  ck_assert(h.rounded);
}
END_TEST

/* Devine at 60 inches is the base weight: 60 in = 1524 mm exactly, so
 * IBW = (254 x (50,000 - 138,000) + 23,000 x 1524) / 254 = (-22,352,000 +
 * 35,052,000) / 254 = 12,700,000 / 254 = 50,000 g (male), and
 * (-23,495,000 + 35,052,000) / 254 = 11,557,000 / 254 = 45,500 g (female);
 * one mm shorter is short stature (advisory). */
START_TEST(test_devine_at_60_inches) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  static const struct {
    infuse_sex_t sex;
    int64_t height_mm, ibw_g;
    bool short_stature;
  } rows[] = {
      {INFUSE_SEX_MALE, 1524, 50000, false},
      {INFUSE_SEX_FEMALE, 1524, 45500, false},
      /* 1523 mm: (-22,352,000 + 35,029,000) / 254 = 12,677,000 / 254 =
       * 49,909.45 -> 49,909 g */
      {INFUSE_SEX_MALE, 1523, 49909, true},
      /* (-23,495,000 + 35,029,000) / 254 = 11,534,000 / 254 = 45,409.45 ->
       * 45,409 g */
      {INFUSE_SEX_FEMALE, 1523, 45409, true},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
    ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
    q.weight_g = 80000;
    q.weight_basis = INFUSE_WEIGHT_IDEAL;
    q.sex = rows[i].sex;
    q.height_mm = rows[i].height_mm;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    ck_assert_int_eq(infuse_dose_compute(&q, &r, NULL), INFUSE_OK);
    ck_assert_int_eq(r.ideal_weight_g, rows[i].ibw_g);
    ck_assert_int_eq(r.dosing_weight_g, rows[i].ibw_g);
    ck_assert_int_eq(r.dose_ng, rows[i].ibw_g * 500);
    bool found = false;
    for (int j = 0; j < r.n_findings; j++)
      if (r.findings[j].code == INFUSE_FINDING_IBW_SHORT_STATURE) {
        found = true;
        ck_assert_int_eq(r.findings[j].severity, INFUSE_SEVERITY_ADVISORY);
      }
    ck_assert_int_eq(found, rows[i].short_stature);
  }
}
END_TEST

/* The four stops of the pump program, by hand: the stop is a hard finding,
 * and the fields after it are left 0. */
typedef struct stop_row {
  const char *name;
  infuse_prep_t prep;
  infuse_dose_mode_t mode;
  int64_t dose_ug;
  int64_t bag_ul, final_conc_ug_per_ml, duration_s, rate_step_ul_per_h;
  infuse_finding_code_t stop;
  int64_t drug_ul, total_ul;
  bool rate_computed; /* only RATE_ZERO gets as far as the rate */
} stop_row_t;

static const stop_row_t k_stops[] = {
    /* 35 mg = 3,500 uL to withdraw from a 2 mL (2,000 uL) bag */
    {"REPLACE: 3.5 mL from a 2 mL bag", INFUSE_PREP_REPLACE, INFUSE_DOSE_PER_KG,
     0, 2000, 1000, 2400, 100, INFUSE_FINDING_DRAW_EXCEEDS_BAG, 3500, 0, false},
    /* 20 mg/mL cannot be made from a 10 mg/mL vial */
    {"FINAL_CONC 20 mg/mL from 10 mg/mL", INFUSE_PREP_FINAL_CONC,
     INFUSE_DOSE_PER_KG, 0, 100000, 20000, 2400, 100,
     INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL, 3500, 0, false},
    /* 40 ug = 40,000 ng / 10,000 ug/mL = 4 uL = 0.04 steps -> 0 */
    {"40 ug: draw-up volume rounds to 0", INFUSE_PREP_ADD, INFUSE_DOSE_FIXED, 40,
     100000, 1000, 2400, 100, INFUSE_FINDING_DRAW_VOLUME_ZERO, 0, 0, false},
    /* 1 mg = 100 uL by syringe over 100 min: 3600 x 100 / 6000 = 60 uL/h =
     * 0.06 steps of 1 mL/h -> 0 */
    {"0.1 mL over 100 min on a 1 mL/h pump", INFUSE_PREP_SYRINGE,
     INFUSE_DOSE_FIXED, 1000, 100000, 1000, 6000, 1000,
     INFUSE_FINDING_RATE_ZERO, 100, 100, true},
};

START_TEST(test_stops) {
  const stop_row_t *w = &k_stops[_i];
  infuse_protocol_t p;
  infuse_request_t q;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_request_init(&q, &p), INFUSE_OK);
  q.weight_g = 70000;
  q.prep = w->prep;
  q.dose_mode = w->mode;
  q.dose_ug = w->dose_ug;
  q.bag_ul = w->bag_ul;
  q.final_conc_ug_per_ml = w->final_conc_ug_per_ml;
  q.duration_s = w->duration_s;
  q.rate_step_ul_per_h = w->rate_step_ul_per_h;

  infuse_result_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  int st = infuse_pump_compute(&q, &r, NULL);
  ck_assert_msg(st == INFUSE_STOP_HARD_LIMIT, "%s: status %d", w->name, st);
  ck_assert(r.has_pump);
  ck_assert_int_eq(r.verdict, INFUSE_VERDICT_HARD_LIMIT);
  bool found = false;
  for (int i = 0; i < r.n_findings; i++)
    if (r.findings[i].code == w->stop) {
      found = true;
      ck_assert_int_eq(r.findings[i].severity, INFUSE_SEVERITY_HARD);
      ck_assert(!r.findings[i].acknowledged);
    }
  ck_assert_msg(found, "%s: %s missing", w->name, infuse_finding_name((int)w->stop));
  ck_assert_int_eq(r.drug_volume_ul, w->drug_ul);
  ck_assert_int_eq(r.total_volume_ul, w->total_ul);
  ck_assert_int_eq(r.vtbi_ul, w->total_ul);
  ck_assert_int_eq(r.rate_ul_per_h, 0);
  ck_assert_int_eq(r.actual_duration_ms, 0);
  ck_assert_int_eq(r.dose_rate_ng_per_kg_per_h, 0);
  if (!w->rate_computed) {
    ck_assert_int_eq(r.diluent_ul, 0);
    ck_assert_int_eq(r.final_conc_ng_per_ml, 0);
  } else {
    /* syringe: 1,000,000 ng in 100 uL = 10 mg/mL = 10,000,000 ng/mL */
    ck_assert_int_eq(r.final_conc_ng_per_ml, 10000000);
  }
}
END_TEST

/* The built-in values the expected verdicts above rely on (CLINICAL.md 1
 * and 2; limits as listed at the top of this file). */
START_TEST(test_protocol_values_assumed) {
  static const char *const ids[] = {"ketamine-trd-40", "ketamine-trd-100",
                                    "ketamine-low-dose"};
  static const int64_t dose[] = {500, 500, 200};        /* ug/kg */
  static const int64_t duration[] = {2400, 6000, 2400}; /* s */
  for (int i = 0; i < 3; i++) {
    infuse_protocol_t p;
    ck_assert_int_eq(infuse_protocol_get(ids[i], &p, NULL), INFUSE_OK);
    ck_assert_int_eq(infuse_protocol_validate(&p, NULL), INFUSE_OK);
    ck_assert_int_eq(p.route, INFUSE_ROUTE_IV_INFUSION);
    ck_assert_int_eq(p.dose_ug_per_kg, dose[i]);
    ck_assert_int_eq(p.duration_s, duration[i]);
    ck_assert_int_eq(p.vial_ug_per_ml, 10000);
    ck_assert_int_eq(p.vial_volume_ul, 20000);
    ck_assert_int_eq(p.prep, INFUSE_PREP_ADD);
    ck_assert_int_eq(p.bag_ul, 100000);
    ck_assert_int_eq(p.final_conc_ug_per_ml, 1000);
    ck_assert_int_eq(p.volume_step_ul, 100);
    ck_assert_int_eq(p.rate_step_ul_per_h, 100);
    ck_assert_int_eq(p.volume_rounding, INFUSE_ROUND_NEAREST);
    ck_assert_int_eq(p.rate_rounding, INFUSE_ROUND_NEAREST);
    ck_assert_int_eq(p.max_deviation_ppm, 50000);
    ck_assert_int_eq(p.must_dilute_ug_per_ml, 100000);
    ck_assert_int_eq(p.volumetric_min_ul_per_h, 5000);
    ck_assert_int_eq(p.pump_max_ul_per_h, 999000);
    const infuse_limit_t *l = &p.dose_per_kg;
    ck_assert(l->hard_low == 100 && l->soft_low == 0 && l->soft_high == 750 &&
              l->hard_high == 1000);
    l = &p.dose;
    ck_assert(l->hard_low == 0 && l->soft_low == 0 && l->soft_high == 100000 &&
              l->hard_high == 150000);
    l = &p.weight;
    ck_assert(l->hard_low == 30000 && l->soft_low == 40000 &&
              l->soft_high == 150000 && l->hard_high == 300000);
    l = &p.duration;
    ck_assert(l->hard_low == 120 && l->soft_low == 2400 &&
              l->soft_high == 6000 && l->hard_high == 0);
    l = &p.rate;
    ck_assert(l->hard_low == 100 && l->soft_low == 0 && l->soft_high == 300000 &&
              l->hard_high == 999000);
    l = &p.concentration;
    ck_assert(l->hard_low == 0 && l->soft_low == 0 && l->soft_high == 2000 &&
              l->hard_high == 50000);
  }
}
END_TEST

static Suite *worked_suite(void) {
  Suite *s = suite_create("worked_examples");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_protocol_values_assumed);
  tcase_add_loop_test(tc, test_worked_pump, 0, N_WORKED);
  tcase_add_loop_test(tc, test_worked_dose_only, 0, N_WORKED);
  tcase_add_test(tc, test_defaults_give_clinical_example);
  tcase_add_test(tc, test_dose_only_clinical);
  tcase_add_test(tc, test_pounds_rounded);
  tcase_add_test(tc, test_oral_dose_only);
  tcase_add_test(tc, test_devine_at_60_inches);
  tcase_add_loop_test(tc, test_stops, 0,
                      (int)(sizeof k_stops / sizeof k_stops[0]));
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(worked_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
