/*
 * writer.c - render a result as readable text or as JSON into a caller
 * buffer, and findings as sentences.
 *
 * Each writer renders twice at most: once to measure (no buffer), once to
 * write, so a buffer that is too small is left untouched.
 */
#include "internal.h"

#include <string.h>

/* ---- findings as sentences ------------------------------------------------
 */

static const char *limited_quantity(int code) {
  switch ((code - 1) / 4) {
  case 0:
    return "dose per kg";
  case 1:
    return "dose";
  case 2:
    return "body weight";
  case 3:
    return "duration";
  case 4:
    return "pump rate";
  case 5:
    return "final concentration";
  default:
    return "value";
  }
}

static void put_finding(infuse__sb_t *sb, const infuse_finding_t *f) {
  int code = (int)f->code;
  if (code >= INFUSE_FINDING_DOSE_PER_KG_HARD_LOW &&
      code <= INFUSE_FINDING_CONCENTRATION_HARD_HIGH) {
    int off = (code - 1) % 4;
    infuse__sb_puts(sb, limited_quantity(code));
    infuse__sb_putc(sb, ' ');
    infuse__put_quantity(sb, f->value, f->unit);
    infuse__sb_puts(sb, off >= 2 ? " is above the " : " is below the ");
    infuse__sb_puts(sb, (off == 0 || off == 3) ? "hard " : "soft ");
    infuse__sb_puts(sb, off >= 2 ? "maximum " : "minimum ");
    infuse__put_quantity(sb, f->limit, f->unit);
  } else {
    switch (f->code) {
    case INFUSE_FINDING_DOSE_DEVIATION:
      infuse__sb_puts(sb, "after rounding the draw-up volume the delivered "
                          "dose deviates by ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " from the prescribed dose, more than the ");
      infuse__put_quantity(sb, f->limit, f->unit);
      infuse__sb_puts(sb, " allowed");
      break;
    case INFUSE_FINDING_UNDILUTED_STRENGTH:
      infuse__sb_puts(sb, "final concentration ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " is at or above ");
      infuse__put_quantity(sb, f->limit, f->unit);
      infuse__sb_puts(sb, ", a strength that must be diluted before IV use");
      break;
    case INFUSE_FINDING_LOW_RATE_VOLUMETRIC:
      infuse__sb_puts(sb, "rate ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " is below ");
      infuse__put_quantity(sb, f->limit, f->unit);
      infuse__sb_puts(sb, ", where volumetric pumps are inaccurate; consider "
                          "a syringe pump");
      break;
    case INFUSE_FINDING_RATE_ABOVE_PUMP_MAX:
      infuse__sb_puts(sb, "rate ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " is above the pump maximum ");
      infuse__put_quantity(sb, f->limit, f->unit);
      break;
    case INFUSE_FINDING_DRAW_VOLUME_ZERO:
      infuse__sb_puts(sb,
                      "the dose rounds to a draw-up volume of 0 mL at the ");
      infuse__put_quantity(sb, f->limit, f->unit);
      infuse__sb_puts(sb, " step; use a weaker vial or a finer step");
      break;
    case INFUSE_FINDING_RATE_ZERO:
      infuse__sb_puts(sb, "the rate rounds to 0 mL/h at the ");
      infuse__put_quantity(sb, f->limit, f->unit);
      infuse__sb_puts(sb, " step");
      break;
    case INFUSE_FINDING_DRAW_EXCEEDS_BAG:
      infuse__sb_puts(sb, "draw-up volume ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " is more than the bag ");
      infuse__put_quantity(sb, f->limit, f->unit);
      infuse__sb_puts(sb, "; it cannot be withdrawn from the bag first");
      break;
    case INFUSE_FINDING_FINAL_CONC_ABOVE_VIAL:
      infuse__sb_puts(sb, "final concentration ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " is stronger than the vial ");
      infuse__put_quantity(sb, f->limit, f->unit);
      break;
    case INFUSE_FINDING_MULTIPLE_VIALS:
      infuse__sb_puts(sb, "the draw-up volume needs ");
      infuse__sb_int(sb, f->value);
      infuse__sb_puts(sb, " vials");
      break;
    case INFUSE_FINDING_IBW_SHORT_STATURE:
      infuse__sb_puts(sb, "height ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " is under 60 in (");
      infuse__put_quantity(sb, f->limit, f->unit);
      infuse__sb_puts(sb, "), where the Devine formula is not validated");
      break;
    case INFUSE_FINDING_DOSING_WEIGHT_ABOVE_ACTUAL:
      infuse__sb_puts(sb, "dosing weight ");
      infuse__put_quantity(sb, f->value, f->unit);
      infuse__sb_puts(sb, " is above the actual body weight ");
      infuse__put_quantity(sb, f->limit, f->unit);
      break;
    default:
      infuse__sb_puts(sb, "unknown finding");
      break;
    }
  }
  switch (f->severity) {
  case INFUSE_SEVERITY_HARD:
    infuse__sb_puts(sb, "; rejected");
    break;
  case INFUSE_SEVERITY_SOFT:
    infuse__sb_puts(sb, f->acknowledged ? "; acknowledged"
                                        : "; needs acknowledgement");
    break;
  default:
    break;
  }
  infuse__sb_puts(sb, " (protocol ");
  infuse__sb_puts(sb, f->protocol_id);
  infuse__sb_puts(sb, " v");
  infuse__sb_puts(sb, f->protocol_version);
  infuse__sb_putc(sb, ')');
}

size_t infuse_finding_message(const infuse_finding_t *finding, char *buf,
                              size_t cap) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, buf, cap);
  if (finding != NULL) {
    put_finding(&sb, finding);
  }
  return infuse__sb_finish(&sb);
}

/* ---- trail steps ------------------------------------------------------------
 */

static const char *step_formula(const infuse_step_t *s, infuse_prep_t prep) {
  if (s->kind == INFUSE_STEP_TOTAL_VOLUME) {
    if (prep == INFUSE_PREP_FINAL_CONC) {
      return "total volume = delivered dose / final concentration";
    }
    if (prep == INFUSE_PREP_SYRINGE) {
      return "total volume = draw-up volume (undiluted, syringe)";
    }
  }
  if (s->kind == INFUSE_STEP_DILUENT) {
    if (prep == INFUSE_PREP_ADD) {
      return "diluent = the bag (drug added to it)";
    }
    if (prep == INFUSE_PREP_REPLACE) {
      return "diluent = bag - the same volume withdrawn first";
    }
    if (prep == INFUSE_PREP_FINAL_CONC) {
      return "diluent = total volume - draw-up volume";
    }
  }
  if (s->kind == INFUSE_STEP_DOSE && s->n_operands == 1) {
    return "dose = the fixed dose ordered";
  }
  return infuse_step_formula((int)s->kind);
}

/* The expression with numbers: %0..%3 stand for the operands. */
static const char *step_template(const infuse_step_t *s, infuse_prep_t prep,
                                 infuse_weight_basis_t basis) {
  switch (s->kind) {
  case INFUSE_STEP_IDEAL_WEIGHT:
    return "%0 + 2.3 kg x (%1 / 2.54 cm - 60)";
  case INFUSE_STEP_ADJUSTED_WEIGHT:
    return "%0 + 0.4 x (%1 - %0)";
  case INFUSE_STEP_BMI:
    return "%0 / (%1)^2";
  case INFUSE_STEP_DOSING_WEIGHT:
    return basis == INFUSE_WEIGHT_IDEAL      ? "%0 (ideal body weight)"
           : basis == INFUSE_WEIGHT_ADJUSTED ? "%0 (adjusted body weight)"
                                             : "%0 (actual body weight)";
  case INFUSE_STEP_DOSE:
    return s->n_operands == 2 ? "%0 x %1" : "%0";
  case INFUSE_STEP_DELIVERED_DOSE:
    return "%0 x %1";
  case INFUSE_STEP_DEVIATION:
    return "(%0 - %1) / %1";
  case INFUSE_STEP_DILUENT:
    return prep == INFUSE_PREP_ADD ? "%0" : "%0 - %1";
  case INFUSE_STEP_TOTAL_VOLUME:
    return prep == INFUSE_PREP_FINAL_CONC ? "%0 / %1"
           : prep == INFUSE_PREP_SYRINGE  ? "%0"
                                          : "%0 + %1";
  case INFUSE_STEP_DOSE_RATE:
    return "%0 / %1 / (%2 / %3)";
  case INFUSE_STEP_DOSE_PER_KG:
  case INFUSE_STEP_DRAW_VOLUME:
  case INFUSE_STEP_VIALS:
  case INFUSE_STEP_FINAL_CONC:
  case INFUSE_STEP_RATE:
  case INFUSE_STEP_ACTUAL_DURATION:
    return "%0 / %1";
  case INFUSE_STEP_WEIGHT_CONVERSION:
    return "%0 x 0.45359237 kg/lb";
  case INFUSE_STEP_HEIGHT_CONVERSION:
    return "%0 x 2.54 cm/in";
  case INFUSE_STEP_ACTUAL_WEIGHT:
  default:
    return "%0";
  }
}

static void put_expression(infuse__sb_t *sb, const infuse_step_t *s,
                           infuse_prep_t prep, infuse_weight_basis_t basis) {
  const char *t = step_template(s, prep, basis);
  for (const char *p = t; *p != '\0'; p++) {
    if (p[0] == '%' && p[1] >= '0' && p[1] <= '3') {
      int i = p[1] - '0';
      if (i < s->n_operands) {
        infuse__put_quantity(sb, s->operands[i].value, s->operands[i].unit);
      } else {
        infuse__sb_putc(sb, '?');
      }
      p++;
    } else {
      infuse__sb_putc(sb, *p);
    }
  }
}

/* The exact value, "~" in front when the digits shown are not exact. */
static void put_exact(infuse__sb_t *sb, const infuse_step_t *s) {
  char tmp[64];
  infuse__sb_t t;
  bool exact = true;
  infuse__sb_init(&t, tmp, sizeof tmp);
  infuse__put_ratio(&t, s->exact_num, s->exact_den, s->unit, 3, &exact);
  infuse__sb_finish(&t);
  if (!exact) {
    infuse__sb_putc(sb, '~');
  }
  infuse__sb_puts(sb, tmp);
  const char *sym = infuse__display_symbol(s->unit);
  if (sym[0] != '\0') {
    if (s->unit != INFUSE_UNIT_PPM) {
      infuse__sb_putc(sb, ' ');
    }
    infuse__sb_puts(sb, sym);
  }
}

/* A rounding step in the display unit when that shows it exactly, else in
 * the integer unit itself ("1 ng/mL"). */
static void put_step_size(infuse__sb_t *sb, const infuse_step_t *s) {
  char tmp[40];
  infuse__sb_t t;
  bool exact = true;
  infuse__sb_init(&t, tmp, sizeof tmp);
  infuse__put_ratio(&t, s->round_step, 1, s->unit, 0, &exact);
  infuse__sb_finish(&t);
  if (exact) {
    infuse__put_quantity(sb, s->round_step, s->unit);
  } else {
    infuse__sb_int(sb, s->round_step);
    infuse__sb_putc(sb, ' ');
    infuse__sb_puts(sb, infuse_unit_symbol(s->unit));
  }
}

static void put_rounding(infuse__sb_t *sb, const infuse_step_t *s) {
  infuse__sb_puts(sb, infuse_rounding_name((int)s->rounding));
  infuse__sb_puts(sb, " to ");
  put_step_size(sb, s);
  if (s->unit == INFUSE_UNIT_COUNT && s->round_step == 1) {
    infuse__sb_puts(sb, " (whole)");
  }
}

/* ---- text -----------------------------------------------------------------
 */

static void line(infuse__sb_t *sb, const char *label, int64_t value,
                 infuse_unit_t unit) {
  infuse__sb_puts(sb, "  ");
  infuse__sb_puts(sb, label);
  for (size_t n = strlen(label); n < 22; n++) {
    infuse__sb_putc(sb, ' ');
  }
  infuse__put_quantity(sb, value, unit);
}

static void render_text(infuse__sb_t *sb, const void *what) {
  const infuse_result_t *r = what;
  infuse__sb_puts(sb, "Protocol  ");
  infuse__sb_puts(sb, r->protocol_id);
  infuse__sb_puts(sb, " v");
  infuse__sb_puts(sb, r->protocol_version);
  infuse__sb_puts(sb, "\n\nPatient\n");
  line(sb, "actual weight", r->actual_weight_g, INFUSE_UNIT_G);
  infuse__sb_putc(sb, '\n');
  if (r->height_mm != 0) {
    line(sb, "height", r->height_mm, INFUSE_UNIT_MM);
    infuse__sb_puts(sb, "\n");
    line(sb, "BMI", r->bmi_centi, INFUSE_UNIT_CENTI_KG_PER_M2);
    infuse__sb_putc(sb, '\n');
  }
  if (r->ideal_weight_g != 0) {
    line(sb, "ideal weight (Devine)", r->ideal_weight_g, INFUSE_UNIT_G);
    infuse__sb_putc(sb, '\n');
  }
  if (r->adjusted_weight_g != 0) {
    line(sb, "adjusted weight", r->adjusted_weight_g, INFUSE_UNIT_G);
    infuse__sb_putc(sb, '\n');
  }
  line(sb, "dosing weight", r->dosing_weight_g, INFUSE_UNIT_G);
  infuse__sb_puts(sb, " (");
  infuse__sb_puts(sb, infuse__basis_name((int)r->weight_basis));
  infuse__sb_puts(sb, " body weight)\n\nDose\n");
  line(sb, "dose per kg", r->dose_ug_per_kg, INFUSE_UNIT_UG_PER_KG);
  if (r->dose_mode == INFUSE_DOSE_FIXED) {
    infuse__sb_puts(sb, " (from the fixed dose)");
  }
  infuse__sb_putc(sb, '\n');
  line(sb, "dose", r->dose_ng, INFUSE_UNIT_NG);
  infuse__sb_putc(sb, '\n');

  if (r->has_pump) {
    infuse__sb_puts(sb, "\nPreparation\n");
    line(sb, "vial strength", r->vial_ug_per_ml, INFUSE_UNIT_UG_PER_ML);
    infuse__sb_putc(sb, '\n');
    line(sb, "draw up", r->drug_volume_ul, INFUSE_UNIT_UL);
    if (r->vials != 0) {
      infuse__sb_puts(sb, r->vials == 1 ? " (1 vial)" : " (");
      if (r->vials != 1) {
        infuse__sb_int(sb, r->vials);
        infuse__sb_puts(sb, " vials)");
      }
    }
    infuse__sb_putc(sb, '\n');
    line(sb, "delivered dose", r->delivered_dose_ng, INFUSE_UNIT_NG);
    infuse__sb_puts(sb, " (deviation ");
    infuse__put_quantity(sb, r->dose_deviation_ppm, INFUSE_UNIT_PPM);
    infuse__sb_puts(sb, ")\n");
    if (r->total_volume_ul != 0) {
      line(sb, "diluent", r->diluent_ul, INFUSE_UNIT_UL);
      switch (r->prep) {
      case INFUSE_PREP_ADD:
        infuse__sb_puts(sb, " (bag; add the drug to it)");
        break;
      case INFUSE_PREP_REPLACE:
        infuse__sb_puts(sb, " (first withdraw ");
        infuse__put_quantity(sb, r->drug_volume_ul, INFUSE_UNIT_UL);
        infuse__sb_puts(sb, " from the bag, then add the drug)");
        break;
      case INFUSE_PREP_FINAL_CONC:
        infuse__sb_puts(sb, " (to the final concentration)");
        break;
      case INFUSE_PREP_SYRINGE:
      default:
        infuse__sb_puts(sb, " (undiluted, syringe pump)");
        break;
      }
      infuse__sb_putc(sb, '\n');
      line(sb, "total volume", r->total_volume_ul, INFUSE_UNIT_UL);
      infuse__sb_putc(sb, '\n');
      line(sb, "final concentration", r->final_conc_ng_per_ml,
           INFUSE_UNIT_NG_PER_ML);
      infuse__sb_puts(sb, "\n\nPump program\n");
      line(sb, "rate", r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H);
      infuse__sb_putc(sb, '\n');
      line(sb, "VTBI", r->vtbi_ul, INFUSE_UNIT_UL);
      infuse__sb_putc(sb, '\n');
      line(sb, "duration", r->duration_s, INFUSE_UNIT_S);
      infuse__sb_puts(sb, " prescribed");
      if (r->actual_duration_ms != 0) {
        infuse__sb_puts(sb, ", ");
        infuse__put_quantity(sb, r->actual_duration_ms, INFUSE_UNIT_MS);
        infuse__sb_puts(sb, " at the programmed rate");
      }
      infuse__sb_putc(sb, '\n');
      if (r->dose_rate_ng_per_kg_per_h != 0) {
        line(sb, "dose rate", r->dose_rate_ng_per_kg_per_h,
             INFUSE_UNIT_NG_PER_KG_PER_H);
        infuse__sb_putc(sb, '\n');
      }
    }
  }

  if (r->route == INFUSE_ROUTE_ORAL && r->vial_ug_per_ml != 0) {
    infuse__sb_puts(sb, "\nOral solution\n");
    line(sb, "strength", r->vial_ug_per_ml, INFUSE_UNIT_UG_PER_ML);
    infuse__sb_putc(sb, '\n');
    line(sb, "measure", r->drug_volume_ul, INFUSE_UNIT_UL);
    infuse__sb_putc(sb, '\n');
    line(sb, "delivered dose", r->delivered_dose_ng, INFUSE_UNIT_NG);
    infuse__sb_puts(sb, " (deviation ");
    infuse__put_quantity(sb, r->dose_deviation_ppm, INFUSE_UNIT_PPM);
    infuse__sb_puts(sb, ")\n");
  }

  infuse__sb_puts(sb, "\nVerdict   ");
  switch (r->verdict) {
  case INFUSE_VERDICT_OK:
    infuse__sb_puts(sb, "OK");
    break;
  case INFUSE_VERDICT_SOFT_LIMIT:
    infuse__sb_puts(sb, "SOFT LIMIT: do not use without acknowledgement");
    break;
  case INFUSE_VERDICT_HARD_LIMIT:
  default:
    infuse__sb_puts(sb, "HARD LIMIT: do not use");
    break;
  }
  infuse__sb_putc(sb, '\n');
  for (int i = 0; i < r->n_findings; i++) {
    const infuse_finding_t *f = &r->findings[i];
    infuse__sb_puts(sb, "  [");
    infuse__sb_puts(sb, infuse_severity_name((int)f->severity));
    infuse__sb_puts(sb, "] ");
    infuse__sb_puts(sb, infuse_finding_name((int)f->code));
    infuse__sb_puts(sb, ": ");
    put_finding(sb, f);
    infuse__sb_putc(sb, '\n');
  }

  infuse__sb_puts(sb, "\nArithmetic\n");
  for (int i = 0; i < r->n_steps; i++) {
    const infuse_step_t *s = &r->steps[i];
    infuse__sb_puts(sb, "  ");
    infuse__sb_int(sb, i + 1);
    infuse__sb_puts(sb, ". ");
    infuse__sb_puts(sb, step_formula(s, r->prep));
    infuse__sb_puts(sb, "\n       ");
    put_expression(sb, s, r->prep, r->weight_basis);
    if (s->n_operands > 1 || s->rounded) {
      infuse__sb_puts(sb, " = ");
      put_exact(sb, s);
    }
    if (s->rounded) {
      infuse__sb_puts(sb, "; rounded ");
      if (s->round_step > 0) {
        put_rounding(sb, s);
      }
      infuse__sb_puts(sb, ": ");
      infuse__put_quantity(sb, s->value, s->unit);
    }
    infuse__sb_putc(sb, '\n');
  }
}

/* ---- JSON -----------------------------------------------------------------
 */

void infuse__json_string(infuse__sb_t *sb, const char *s) {
  static const char hex[] = "0123456789abcdef";
  infuse__sb_putc(sb, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++) {
    /* copy a run of bytes that need no escape in one go */
    const unsigned char *run = p;
    while (*p >= 0x20u && *p != '"' && *p != '\\' && *p != 0x7fu) {
      p++;
    }
    if (p != run) {
      infuse__sb_putn(sb, (const char *)run, (size_t)(p - run));
    }
    if (*p == 0) {
      break;
    }
    unsigned char c = *p;
    switch (c) {
    case '"':
      infuse__sb_puts(sb, "\\\"");
      break;
    case '\\':
      infuse__sb_puts(sb, "\\\\");
      break;
    case '\n':
      infuse__sb_puts(sb, "\\n");
      break;
    case '\r':
      infuse__sb_puts(sb, "\\r");
      break;
    case '\t':
      infuse__sb_puts(sb, "\\t");
      break;
    default:
      if (c < 0x20u || c == 0x7fu) {
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15u]};
        infuse__sb_putn(sb, esc, sizeof esc);
      } else {
        infuse__sb_putc(sb, (char)c);
      }
      break;
    }
  }
  infuse__sb_putc(sb, '"');
}

/* Where the next key goes: the top object puts one key on a line, list
 * items keep all their keys on the item's line. */
typedef struct obj {
  bool first;
  bool item;
} obj_t;

static void json_key(infuse__sb_t *sb, const char *key, obj_t *o) {
  if (o->item) {
    infuse__sb_puts(sb, o->first ? "" : ", ");
  } else {
    infuse__sb_puts(sb, o->first ? "\n  " : ",\n  ");
  }
  o->first = false;
  infuse__json_string(sb, key);
  infuse__sb_puts(sb, ": ");
}

static void json_num(infuse__sb_t *sb, const char *key, obj_t *first,
                     int64_t value, infuse_unit_t unit, int decimals) {
  json_key(sb, key, first);
  infuse__put_number(sb, value, unit, decimals);
}

static void json_num_or_null(infuse__sb_t *sb, const char *key, obj_t *first,
                             int64_t value, infuse_unit_t unit, int decimals) {
  if (value == 0) {
    json_key(sb, key, first);
    infuse__sb_puts(sb, "null");
  } else {
    json_num(sb, key, first, value, unit, decimals);
  }
}

static void json_str(infuse__sb_t *sb, const char *key, obj_t *first,
                     const char *value) {
  json_key(sb, key, first);
  infuse__json_string(sb, value);
}

/* Render into a small local buffer, then emit as a JSON string. */
#define JSON_TMP 512

static void json_text_value(infuse__sb_t *sb, const char *tmp) {
  infuse__json_string(sb, tmp);
}

static void render_json(infuse__sb_t *sb, const void *what) {
  const infuse_result_t *r = what;
  obj_t top = {true, false};
  obj_t *first = &top;
  char tmp[JSON_TMP];
  infuse__sb_t t;

  infuse__sb_putc(sb, '{');
  json_str(sb, "protocol", first, r->protocol_id);
  json_str(sb, "protocol_version", first, r->protocol_version);
  json_num(sb, "actual_weight_kg", first, r->actual_weight_g, INFUSE_UNIT_G, 3);
  json_num_or_null(sb, "height_cm", first, r->height_mm, INFUSE_UNIT_MM, 1);
  json_num_or_null(sb, "bmi", first, r->bmi_centi, INFUSE_UNIT_CENTI_KG_PER_M2,
                   2);
  json_num_or_null(sb, "ideal_weight_kg", first, r->ideal_weight_g,
                   INFUSE_UNIT_G, 3);
  json_num_or_null(sb, "adjusted_weight_kg", first, r->adjusted_weight_g,
                   INFUSE_UNIT_G, 3);
  json_str(sb, "weight_basis", first, infuse__basis_name((int)r->weight_basis));
  json_num(sb, "dosing_weight_kg", first, r->dosing_weight_g, INFUSE_UNIT_G, 3);
  json_str(sb, "dose_mode", first,
           r->dose_mode == INFUSE_DOSE_FIXED ? "fixed" : "per_kg");
  json_num(sb, "dose_mg_per_kg", first, r->dose_ug_per_kg,
           INFUSE_UNIT_UG_PER_KG, 3);
  json_num(sb, "dose_mg", first, r->dose_ng, INFUSE_UNIT_NG, 6);
  if (r->has_pump) {
    json_num(sb, "vial_mg_per_ml", first, r->vial_ug_per_ml,
             INFUSE_UNIT_UG_PER_ML, 3);
    json_num(sb, "volume_step_ml", first, r->volume_step_ul, INFUSE_UNIT_UL, 3);
    json_num(sb, "drug_volume_ml", first, r->drug_volume_ul, INFUSE_UNIT_UL, 3);
    json_num_or_null(sb, "vials", first, r->vials, INFUSE_UNIT_COUNT, 0);
    json_num(sb, "delivered_dose_mg", first, r->delivered_dose_ng,
             INFUSE_UNIT_NG, 6);
    json_num(sb, "dose_deviation_percent", first, r->dose_deviation_ppm,
             INFUSE_UNIT_PPM, 4);
    json_str(sb, "prep", first, infuse__prep_name((int)r->prep));
    json_num(sb, "diluent_ml", first, r->diluent_ul, INFUSE_UNIT_UL, 3);
    json_num(sb, "total_volume_ml", first, r->total_volume_ul, INFUSE_UNIT_UL,
             3);
    json_num(sb, "final_concentration_mg_per_ml", first,
             r->final_conc_ng_per_ml, INFUSE_UNIT_NG_PER_ML, 6);
    json_num(sb, "duration_min", first, r->duration_s, INFUSE_UNIT_S, 4);
    json_num(sb, "rate_step_ml_per_h", first, r->rate_step_ul_per_h,
             INFUSE_UNIT_UL_PER_H, 3);
    json_num(sb, "rate_ml_per_h", first, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H,
             3);
    json_num(sb, "actual_duration_min", first, r->actual_duration_ms,
             INFUSE_UNIT_MS, 4);
    json_num(sb, "vtbi_ml", first, r->vtbi_ul, INFUSE_UNIT_UL, 3);
    json_num(sb, "dose_rate_mg_per_kg_per_h", first,
             r->dose_rate_ng_per_kg_per_h, INFUSE_UNIT_NG_PER_KG_PER_H, 6);
  }
  if (r->route == INFUSE_ROUTE_ORAL && r->vial_ug_per_ml != 0) {
    json_num(sb, "solution_mg_per_ml", first, r->vial_ug_per_ml,
             INFUSE_UNIT_UG_PER_ML, 3);
    json_num(sb, "volume_step_ml", first, r->volume_step_ul, INFUSE_UNIT_UL, 3);
    json_num(sb, "volume_ml", first, r->drug_volume_ul, INFUSE_UNIT_UL, 3);
    json_num(sb, "delivered_dose_mg", first, r->delivered_dose_ng,
             INFUSE_UNIT_NG, 6);
    json_num(sb, "dose_deviation_percent", first, r->dose_deviation_ppm,
             INFUSE_UNIT_PPM, 4);
  }
  json_str(sb, "verdict", first, infuse_verdict_name((int)r->verdict));

  json_key(sb, "findings", first);
  infuse__sb_putc(sb, '[');
  for (int i = 0; i < r->n_findings; i++) {
    const infuse_finding_t *f = &r->findings[i];
    obj_t item = {true, true};
    obj_t *ff = &item;
    infuse__sb_puts(sb, i == 0 ? "\n    {" : ",\n    {");
    infuse__sb_init(&t, tmp, sizeof tmp);
    put_finding(&t, f);
    infuse__sb_finish(&t);
    json_str(sb, "code", ff, infuse_finding_name((int)f->code));
    json_str(sb, "severity", ff, infuse_severity_name((int)f->severity));
    json_key(sb, "message", ff);
    json_text_value(sb, tmp);
    json_num(sb, "value", ff, f->value, f->unit, 6);
    json_num(sb, "limit", ff, f->limit, f->unit, 6);
    json_str(sb, "unit", ff, infuse__display_symbol(f->unit));
    json_key(sb, "acknowledged", ff);
    infuse__sb_puts(sb, f->acknowledged ? "true" : "false");
    json_str(sb, "protocol_id", ff, f->protocol_id);
    json_str(sb, "protocol_version", ff, f->protocol_version);
    infuse__sb_puts(sb, "}");
  }
  infuse__sb_puts(sb, r->n_findings > 0 ? "\n  ]" : "]");

  json_key(sb, "trail", first);
  infuse__sb_putc(sb, '[');
  for (int i = 0; i < r->n_steps; i++) {
    const infuse_step_t *s = &r->steps[i];
    obj_t item = {true, true};
    obj_t *ff = &item;
    infuse__sb_puts(sb, i == 0 ? "\n    {" : ",\n    {");
    json_str(sb, "step", ff, infuse_step_name((int)s->kind));
    json_str(sb, "formula", ff, step_formula(s, r->prep));
    infuse__sb_init(&t, tmp, sizeof tmp);
    put_expression(&t, s, r->prep, r->weight_basis);
    infuse__sb_finish(&t);
    json_key(sb, "expression", ff);
    json_text_value(sb, tmp);
    infuse__sb_init(&t, tmp, sizeof tmp);
    put_exact(&t, s);
    infuse__sb_finish(&t);
    json_key(sb, "exact", ff);
    json_text_value(sb, tmp);
    infuse__sb_init(&t, tmp, sizeof tmp);
    infuse__put_quantity(&t, s->value, s->unit);
    infuse__sb_finish(&t);
    json_key(sb, "result", ff);
    json_text_value(sb, tmp);
    json_key(sb, "rounded", ff);
    infuse__sb_puts(sb, s->rounded ? "true" : "false");
    json_key(sb, "rounding", ff);
    if (s->round_step > 0) {
      infuse__sb_puts(sb, "{\"mode\": ");
      infuse__json_string(sb, infuse_rounding_name((int)s->rounding));
      infuse__sb_puts(sb, ", \"step\": ");
      infuse__sb_init(&t, tmp, sizeof tmp);
      put_step_size(&t, s);
      infuse__sb_finish(&t);
      infuse__json_string(sb, tmp);
      infuse__sb_putc(sb, '}');
    } else {
      infuse__sb_puts(sb, "null");
    }
    infuse__sb_putc(sb, '}');
  }
  infuse__sb_puts(sb, r->n_steps > 0 ? "\n  ]" : "]");
  infuse__sb_puts(sb, "\n}\n");
}

/* ---- entry points ---------------------------------------------------------
 */

static int write_with(infuse__render_fn render, const infuse_result_t *r,
                      char *buf, size_t cap, size_t *len) {
  if (r == NULL || len == NULL || (buf == NULL && cap != 0)) {
    return INFUSE_E_NULL;
  }
  if (r->struct_size != sizeof(infuse_result_t)) {
    return INFUSE_E_STRUCT_SIZE;
  }
  if (r->n_findings < 0 || r->n_findings > INFUSE_MAX_FINDINGS ||
      r->n_steps < 0 || r->n_steps > INFUSE_MAX_STEPS) {
    return INFUSE_E_INVALID;
  }
  for (int i = 0; i < r->n_steps; i++) {
    if (r->steps[i].n_operands < 0 ||
        r->steps[i].n_operands > INFUSE_STEP_MAX_OPERANDS ||
        r->steps[i].exact_den <= 0) {
      return INFUSE_E_INVALID;
    }
  }
  if (memchr(r->protocol_id, '\0', sizeof r->protocol_id) == NULL ||
      memchr(r->protocol_version, '\0', sizeof r->protocol_version) == NULL) {
    return INFUSE_E_INVALID;
  }
  for (int i = 0; i < r->n_findings; i++) {
    const infuse_finding_t *f = &r->findings[i];
    if (memchr(f->protocol_id, '\0', sizeof f->protocol_id) == NULL ||
        memchr(f->protocol_version, '\0', sizeof f->protocol_version) == NULL) {
      return INFUSE_E_INVALID;
    }
  }
  return infuse__write_twice(render, r, buf, cap, len);
}

int infuse_write_text(const infuse_result_t *result, char *buf, size_t cap,
                      size_t *len) {
  return write_with(render_text, result, buf, cap, len);
}

int infuse_write_json(const infuse_result_t *result, char *buf, size_t cap,
                      size_t *len) {
  return write_with(render_json, result, buf, cap, len);
}
