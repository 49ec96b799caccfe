/*
 * fuzz_pump.c - infuse_pump_compute, infuse_dose_compute and
 * infuse_oral_compute on a request decoded from the bytes, then the text
 * and JSON writers into small buffers.
 *
 * Input layout (reads past the end give zeros):
 *   byte 0      bits 0-1: 0 pump, 1 dose, 2 oral, 3 pump;
 *               bit 2: mutate the protocol copy; bit 3: entered weight;
 *               bit 4: entered height; bit 5: a wrong struct_size;
 *               bit 6: a NULL diagnostic
 *   byte 1      built-in protocol index (mod count)
 *   then        protocol mutations (count, then kind + value each),
 *               request fields (each a selector byte and a value: mostly
 *               inside the library's ranges, sometimes an edge or a raw
 *               int64), enums as raw bytes (so invalid values occur),
 *               acknowledge bits, then the writers' buffer sizes.
 *
 * Invariants: the status is in the documented set; on an error the result
 * is untouched and the diagnostic filled; otherwise the verdict matches
 * the findings and the return value, counts are within their maxima,
 * VTBI = total volume, rate x actual duration = VTBI (nearest), the dose
 * follows from weight and dose per kg, volumes and rates are multiples of
 * their steps, a second call gives the same bytes, and the writers keep
 * the buffer contract (never a byte past cap, untouched when too small)
 * with well-formed JSON.
 */
#include "fuzz_common.h"

#include "../json_check.h"

static const int compute_statuses[] = {INFUSE_OK,
                                       INFUSE_STOP_SOFT_LIMIT,
                                       INFUSE_STOP_HARD_LIMIT,
                                       INFUSE_E_NULL,
                                       INFUSE_E_STRUCT_SIZE,
                                       INFUSE_E_MISSING,
                                       INFUSE_E_INVALID,
                                       INFUSE_E_ZERO,
                                       INFUSE_E_NEGATIVE,
                                       INFUSE_E_RANGE,
                                       INFUSE_E_CONFLICT,
                                       INFUSE_E_PRECISION,
                                       INFUSE_E_NOT_INFUSION};
static const int writer_errors[] = {INFUSE_E_NULL, INFUSE_E_STRUCT_SIZE,
                                    INFUSE_E_INVALID};

/* A limit field of the protocol, by number. */
static int64_t *limit_field(infuse_protocol_t *p, unsigned k) {
  infuse_limit_t *limits[6] = {&p->dose_per_kg, &p->dose, &p->weight,
                               &p->duration,    &p->rate, &p->concentration};
  infuse_limit_t *l = limits[(k / 4u) % 6u];
  switch (k % 4u) {
  case 0:
    return &l->hard_low;
  case 1:
    return &l->soft_low;
  case 2:
    return &l->soft_high;
  default:
    return &l->hard_high;
  }
}

static void mutate_protocol(fz_t *f, infuse_protocol_t *p) {
  unsigned n = fz_u8(f) % 6u;
  for (unsigned i = 0; i < n; i++) {
    uint8_t kind = fz_u8(f);
    switch (kind % 8u) {
    case 0:
      p->volume_rounding = (infuse_rounding_t)(fz_u8(f) % 4u);
      break;
    case 1:
      p->rate_rounding = (infuse_rounding_t)(fz_u8(f) % 4u);
      break;
    case 2:
    case 3: {
      /* a limit: often near the current value, so orderings break */
      int64_t *v = limit_field(p, fz_u8(f));
      *v = fz_pick(f, 0, *v > 0 && *v < INT64_MAX / 2 ? 2 * *v : 2000000);
      break;
    }
    case 4:
      p->max_deviation_ppm = fz_pick(f, 0, INFUSE_MAX_DEVIATION_PPM);
      break;
    case 5:
      p->must_dilute_ug_per_ml = fz_pick(f, 0, INFUSE_MAX_CONC_UG_PER_ML);
      break;
    case 6:
      if (fz_bool(f)) {
        p->volumetric_min_ul_per_h = fz_pick(f, 0, 100000);
      } else {
        p->pump_max_ul_per_h = fz_pick(f, 0, INFUSE_MAX_RATE_UL_PER_H);
      }
      break;
    default:
      if (fz_bool(f)) {
        p->volume_step_ul = fz_pick(f, 1, INFUSE_MAX_VOLUME_STEP_UL);
      } else {
        p->vial_volume_ul = fz_pick(f, 0, 50000);
      }
      break;
    }
  }
}

/* An entered weight or height: text built from the bytes, parsed, and
 * used (consistent, or with a mismatching value). */
static void entered(fz_t *f, uint32_t dim_bit, const char *const *units,
                    size_t n_units, infuse_quantity_t *q, int64_t *value) {
  char text[64];
  uint32_t whole = fz_u32(f) % 100000u;
  uint32_t frac = fz_u32(f) % 10000000u;
  const char *unit = units[fz_u8(f) % n_units];
  uint8_t form = fz_u8(f);
  if ((form & 1u) != 0) {
    snprintf(text, sizeof text, "%lu.%lu %s", (unsigned long)whole,
             (unsigned long)frac, unit);
  } else {
    snprintf(text, sizeof text, "%lu%s", (unsigned long)whole, unit);
  }
  infuse_quantity_t parsed;
  if (infuse_quantity_parse(text, dim_bit, NULL, &parsed, NULL) != INFUSE_OK) {
    return;
  }
  *q = parsed;
  *value = (form & 2u) != 0 ? parsed.value + (int64_t)(form >> 2) - 32
                            : parsed.value;
}

static int write_text(const void *r, char *buf, size_t cap, size_t *len) {
  return infuse_write_text(r, buf, cap, len);
}
static int write_json(const void *r, char *buf, size_t cap, size_t *len) {
  return infuse_write_json(r, buf, cap, len);
}
static size_t finding_message(const void *f, char *buf, size_t cap) {
  return infuse_finding_message(f, buf, cap);
}

static void check_result(const infuse_request_t *q, const infuse_result_t *r,
                         int rc, int fn) {
  /* verdict, findings, steps */
  FZ_CHECK(r->struct_size == sizeof(infuse_result_t));
  FZ_CHECK(r->n_findings >= 0 && r->n_findings <= INFUSE_MAX_FINDINGS);
  FZ_CHECK(r->n_steps >= 1 && r->n_steps < INFUSE_MAX_STEPS);
  bool hard = false, soft = false;
  for (int i = 0; i < r->n_findings; i++) {
    const infuse_finding_t *f = &r->findings[i];
    FZ_CHECK(strcmp(infuse_finding_name((int)f->code), "unknown") != 0);
    FZ_CHECK(f->severity == INFUSE_SEVERITY_ADVISORY ||
             f->severity == INFUSE_SEVERITY_SOFT ||
             f->severity == INFUSE_SEVERITY_HARD);
    FZ_CHECK(!f->acknowledged || f->severity == INFUSE_SEVERITY_SOFT);
    FZ_CHECK(strcmp(f->protocol_id, q->protocol->id) == 0);
    hard = hard || f->severity == INFUSE_SEVERITY_HARD;
    soft = soft || (f->severity == INFUSE_SEVERITY_SOFT && !f->acknowledged);
  }
  infuse_verdict_t want = hard   ? INFUSE_VERDICT_HARD_LIMIT
                          : soft ? INFUSE_VERDICT_SOFT_LIMIT
                                 : INFUSE_VERDICT_OK;
  FZ_CHECK(r->verdict == want);
  FZ_CHECK(rc == (int)want);
  for (int i = 0; i < r->n_steps; i++) {
    const infuse_step_t *s = &r->steps[i];
    FZ_CHECK(strcmp(infuse_step_name((int)s->kind), "unknown") != 0);
    FZ_CHECK(s->n_operands >= 0 && s->n_operands <= INFUSE_STEP_MAX_OPERANDS);
    FZ_CHECK(s->exact_den > 0);
    FZ_CHECK(s->round_step >= 0);
  }
  FZ_CHECK(strcmp(r->protocol_id, q->protocol->id) == 0);
  FZ_CHECK(r->route == q->protocol->route);

  /* the patient and the dose */
  FZ_CHECK(r->actual_weight_g == q->weight_g);
  FZ_CHECK(r->dosing_weight_g > 0);
  if (q->weight_basis == INFUSE_WEIGHT_ACTUAL) {
    FZ_CHECK(r->dosing_weight_g == r->actual_weight_g);
  }
  FZ_CHECK(r->dose_mode == q->dose_mode);
  if (q->dose_mode == INFUSE_DOSE_PER_KG) {
    FZ_CHECK(r->dose_ug_per_kg == q->dose_ug_per_kg);
    FZ_CHECK(r->dose_ng == r->dosing_weight_g * q->dose_ug_per_kg);
  } else {
    FZ_CHECK(r->dose_ng == 1000 * q->dose_ug);
  }

  /* the preparation and the pump program */
  FZ_CHECK(r->has_pump == (fn == 0));
  if (fn == 1) {
    return;
  }
  FZ_CHECK(r->drug_volume_ul >= 0 && r->volume_step_ul > 0);
  FZ_CHECK(r->drug_volume_ul % r->volume_step_ul == 0);
  FZ_CHECK(r->delivered_dose_ng == 0 ||
           r->delivered_dose_ng == r->drug_volume_ul * r->vial_ug_per_ml);
  if (!r->has_pump) {
    return;
  }
  FZ_CHECK(r->vtbi_ul == r->total_volume_ul);
  FZ_CHECK(r->rate_ul_per_h >= 0 && r->rate_step_ul_per_h > 0);
  FZ_CHECK(r->rate_ul_per_h % r->rate_step_ul_per_h == 0);
  FZ_CHECK(r->diluent_ul >= 0);
  if (r->total_volume_ul > 0) {
    FZ_CHECK(r->total_volume_ul == r->drug_volume_ul + r->diluent_ul);
    FZ_CHECK(r->total_volume_ul <= INFUSE_MAX_VOLUME_UL * 2);
  }
  if (r->rate_ul_per_h > 0) {
    /* actual duration = nearest(3.6e6 x VTBI / rate): all within int64 */
    int64_t num = 3600000 * r->vtbi_ul;
    int64_t want_ms = (2 * num + r->rate_ul_per_h) / (2 * r->rate_ul_per_h);
    FZ_CHECK(r->actual_duration_ms == want_ms);
  } else {
    FZ_CHECK(r->actual_duration_ms == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) {
    return 0;
  }
  fz_t f = {data, size};
  uint8_t flags = fz_u8(&f);
  int fn =
      (flags & 3u) == 3u ? 0 : (int)(flags & 3u); /* 0 pump 1 dose 2 oral */

  infuse_protocol_t protocol;
  size_t count = infuse_protocol_count();
  FZ_CHECK(count > 0);
  FZ_CHECK(infuse_protocol_at(fz_u8(&f) % count, &protocol) == INFUSE_OK);
  FZ_CHECK(infuse_protocol_validate(&protocol, NULL) == INFUSE_OK);
  if ((flags & 4u) != 0) {
    mutate_protocol(&f, &protocol);
  }

  infuse_request_t q;
  FZ_CHECK(infuse_request_init(&q, &protocol) == INFUSE_OK);
  q.weight_g = fz_pick(&f, 1, 300000);
  uint8_t which = fz_u8(&f); /* which defaults to override */
  if ((which & 1u) != 0) {
    q.dose_mode = (infuse_dose_mode_t)(fz_u8(&f) % 3u);
    q.dose_ug_per_kg = fz_pick(&f, 1, 5000);
    q.dose_ug = fz_pick(&f, 1, 500000);
  }
  if ((which & 2u) != 0) {
    q.duration_s = fz_pick(&f, 1, 86400);
  }
  if ((which & 4u) != 0) {
    q.vial_ug_per_ml = fz_pick(&f, 1, 200000);
    q.volume_step_ul = fz_pick(&f, 1, 5000);
  }
  if ((which & 8u) != 0) {
    q.prep = (infuse_prep_t)(fz_u8(&f) % 5u);
    q.bag_ul = fz_pick(&f, 1, 1000000);
    q.final_conc_ug_per_ml = fz_pick(&f, 1, 200000);
  }
  if ((which & 16u) != 0) {
    q.rate_step_ul_per_h = fz_pick(&f, 1, 10000);
  }
  if ((which & 32u) != 0) {
    q.weight_basis = (infuse_weight_basis_t)(fz_u8(&f) % 4u);
    q.height_mm = fz_pick(&f, 0, 2500);
    q.sex = (infuse_sex_t)(fz_u8(&f) % 4u);
  }
  if ((which & 64u) != 0) {
    uint8_t a = fz_u8(&f);
    q.acknowledge = (a & 0x80u) != 0 ? fz_u32(&f) : (uint32_t)(a & 0x7fu);
  }
  if ((flags & 8u) != 0) {
    static const char *const w_units[] = {"lb", "lbs", "kg", "g"};
    entered(&f, INFUSE_DIM_BIT(INFUSE_DIM_BODY_WEIGHT), w_units, 4,
            &q.weight_entered, &q.weight_g);
  }
  if ((flags & 16u) != 0) {
    static const char *const h_units[] = {"in", "cm", "m", "mm"};
    entered(&f, INFUSE_DIM_BIT(INFUSE_DIM_LENGTH), h_units, 4,
            &q.height_entered, &q.height_mm);
  }

  infuse_result_t *r = malloc(sizeof *r);
  infuse_result_t *before = malloc(sizeof *before);
  infuse_result_t *again = malloc(sizeof *again);
  if (r == NULL || before == NULL || again == NULL) {
    abort();
  }
  memset(r, 0xc3, sizeof *r);
  r->struct_size = (uint32_t)sizeof *r;
  if ((flags & 32u) != 0) {
    switch (fz_u8(&f) % 3u) {
    case 0:
      r->struct_size = fz_u32(&f);
      break;
    case 1:
      q.struct_size = fz_u32(&f);
      break;
    default:
      protocol.struct_size = fz_u32(&f);
      break;
    }
  }
  memcpy(before, r, sizeof *r);
  memcpy(again, r, sizeof *r);

  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  infuse_diag_t *dp = (flags & 64u) != 0 ? NULL : &d;
  int rc = fn == 0   ? infuse_pump_compute(&q, r, dp)
           : fn == 1 ? infuse_dose_compute(&q, r, dp)
                     : infuse_oral_compute(&q, r, dp);
  FZ_CHECK(fz_status_known(rc));
  FZ_CHECK(fz_status_in(rc, compute_statuses,
                        sizeof compute_statuses / sizeof compute_statuses[0]));
  if (rc == INFUSE_E_NOT_INFUSION) {
    FZ_CHECK(fn == 0 && protocol.route == INFUSE_ROUTE_ORAL);
  }
  /* the same call again (without a diagnostic) gives the same bytes */
  int rc2 = fn == 0   ? infuse_pump_compute(&q, again, NULL)
            : fn == 1 ? infuse_dose_compute(&q, again, NULL)
                      : infuse_oral_compute(&q, again, NULL);
  FZ_CHECK(rc2 == rc);
  FZ_CHECK(memcmp(r, again, sizeof *r) == 0);

  if (rc < 0) {
    FZ_CHECK(memcmp(r, before, sizeof *r) == 0);
    if (dp != NULL) {
      fz_check_diag(&d, rc);
    }
  } else {
    infuse_diag_t zero;
    memset(&zero, 0, sizeof zero);
    FZ_CHECK(memcmp(&d, &zero, sizeof d) == 0);
    check_result(&q, r, rc, fn);

    for (int i = 0; i < r->n_findings; i++) {
      (void)fz_check_format(finding_message, &r->findings[i], fz_u8(&f), NULL,
                            0);
    }
    size_t small_text = (size_t)fz_u8(&f) * 16u + fz_u8(&f) % 16u;
    size_t small_json = (size_t)fz_u8(&f) * 16u + fz_u8(&f) % 16u;
    char *text = NULL, *json = NULL;
    FZ_CHECK(fz_check_writer(write_text, r, small_text, fz_u8(&f),
                             writer_errors, 3,
                             &text) == INFUSE_E_BUFFER_TOO_SMALL);
    FZ_CHECK(fz_check_writer(write_json, r, small_json, fz_u8(&f),
                             writer_errors, 3,
                             &json) == INFUSE_E_BUFFER_TOO_SMALL);
    FZ_CHECK(text != NULL && json != NULL);
    FZ_CHECK(json_valid(json));
    free(text);
    free(json);
  }
  free(r);
  free(before);
  free(again);
  return 0;
}
