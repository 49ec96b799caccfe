/*
 * protocol.c - the built-in drug-library entries and their validation.
 *
 * Values and sources: docs/clinical.md.
 * Limits marked UNVERIFIED are site-configurable defaults without a
 * primary source; they guard against unit and entry errors.
 */
#include "internal.h"

#include <string.h>

/* clang-format off */
#define KETAMINE_IV_COMMON                                                     \
  .drug = "ketamine", .route = INFUSE_ROUTE_IV_INFUSION,                       \
  /* FDA label: 10 mg/mL comes in 20 mL vials */                               \
  .vial_ug_per_ml = 10000, .vial_volume_ul = 20000,                            \
  /* psychiatric practice: dose in 100 mL 0.9% NaCl */                         \
  .prep = INFUSE_PREP_ADD, .bag_ul = 100000,                                   \
  .final_conc_ug_per_ml = 1000, /* label standard 1 mg/mL */                   \
  .volume_step_ul = 100,        /* 0.1 mL syringe graduation */                \
  .rate_step_ul_per_h = 100,    /* 0.1 mL/h pump resolution */                 \
  .volume_rounding = INFUSE_ROUND_NEAREST,                                     \
  .rate_rounding = INFUSE_ROUND_NEAREST,                                       \
  .max_deviation_ppm = 50000,   /* 5 %: UNVERIFIED site default */            \
  .must_dilute_ug_per_ml = 100000, /* FDA label: 100 mg/mL must be diluted */ \
  .volumetric_min_ul_per_h = 5000, /* volumetric pumps: ~5 mL/h accuracy */    \
  .pump_max_ul_per_h = 999000,     /* volumetric pumps: 999 mL/h */            \
  /* docs/clinical.md: hard min 0.1, soft max 0.75, hard max 1.0 mg/kg */        \
  .dose_per_kg = {100, 0, 750, 1000},                                          \
  /* absolute dose: UNVERIFIED (1.0 mg/kg at 150 kg = 150 mg) */              \
  .dose = {0, 0, 100000, 150000},                                              \
  /* adult body weight: UNVERIFIED plausibility bounds (unit errors) */       \
  .weight = {30000, 40000, 150000, 300000},                                    \
  /* Andrade 2017: 2 to 100 min reported safe; APA standard 40 min */         \
  .duration = {120, 2400, 6000, 0},                                            \
  /* pump 0.1 to 999 mL/h; soft high 300 mL/h UNVERIFIED */                   \
  .rate = {100, 0, 300000, 999000},                                            \
  /* label standard 1-2 mg/mL; hard 50 mg/mL UNVERIFIED */                    \
  .concentration = {0, 0, 2000, 50000}
/* clang-format on */

static const infuse_protocol_t builtins[] = {
    {
        .struct_size = sizeof(infuse_protocol_t),
        .id = "ketamine-trd-40",
        .version = "1",
        .title = "IV ketamine for TRD, 0.5 mg/kg over 40 min",
        /* APA consensus (Sanacora 2017) */
        .dose_ug_per_kg = 500,
        .duration_s = 2400,
        KETAMINE_IV_COMMON,
    },
    {
        .struct_size = sizeof(infuse_protocol_t),
        .id = "ketamine-trd-100",
        .version = "1",
        .title = "IV ketamine for TRD, 0.5 mg/kg over 100 min",
        /* Rasmussen 2013 */
        .dose_ug_per_kg = 500,
        .duration_s = 6000,
        KETAMINE_IV_COMMON,
    },
    {
        .struct_size = sizeof(infuse_protocol_t),
        .id = "ketamine-low-dose",
        .version = "1",
        .title = "IV ketamine, low dose 0.2 mg/kg over 40 min",
        /* Fava 2020 dose-ranging arm */
        .dose_ug_per_kg = 200,
        .duration_s = 2400,
        KETAMINE_IV_COMMON,
    },
    {
        .struct_size = sizeof(infuse_protocol_t),
        .id = "ketamine-oral",
        .version = "1",
        .title = "Oral ketamine, 1-2 mg/kg every 1-3 days",
        .drug = "ketamine",
        .route = INFUSE_ROUTE_ORAL,
        /* J Clin Psychiatry 2019 systematic review: 1-2 mg/kg */
        .dose_ug_per_kg = 1000,
        .duration_s = 0,
        .vial_ug_per_ml = 50000, /* oral solution strength: UNVERIFIED */
        .vial_volume_ul = 0,
        .prep = INFUSE_PREP_SYRINGE,
        .bag_ul = 0,
        .final_conc_ug_per_ml = 0,
        .volume_step_ul = 100,
        .rate_step_ul_per_h = 0,
        .volume_rounding = INFUSE_ROUND_NEAREST,
        .rate_rounding = INFUSE_ROUND_NEAREST,
        .max_deviation_ppm = 50000,
        .must_dilute_ug_per_ml = 0,
        .volumetric_min_ul_per_h = 0,
        .pump_max_ul_per_h = 0,
        /* soft 1-2 mg/kg from the review; hard bounds UNVERIFIED */
        .dose_per_kg = {500, 1000, 2000, 3000},
        .dose = {0, 0, 200000, 300000},
        .weight = {30000, 40000, 150000, 300000},
        .duration = {0, 0, 0, 0},
        .rate = {0, 0, 0, 0},
        .concentration = {0, 0, 0, 0},
    },
};

#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

size_t infuse_protocol_count(void) { return N_BUILTINS; }

int infuse_protocol_at(size_t index, infuse_protocol_t *out) {
  if (out == NULL) {
    return INFUSE_E_NULL;
  }
  if (index >= N_BUILTINS) {
    return INFUSE_E_INDEX;
  }
  *out = builtins[index];
  return INFUSE_OK;
}

int infuse_protocol_get(const char *id, infuse_protocol_t *out,
                        infuse_diag_t *diag) {
  if (id == NULL || out == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, "protocol", "",
                        "no id or no output given", NULL, NULL);
  }
  for (size_t i = 0; i < N_BUILTINS; i++) {
    if (strcmp(builtins[i].id, id) == 0) {
      *out = builtins[i];
      return INFUSE_OK;
    }
  }
  char quoted[INFUSE_DIAG_VALUE_MAX + 4];
  infuse__sb_t sb;
  infuse__sb_init(&sb, quoted, sizeof quoted);
  infuse__sb_putc(&sb, '\'');
  infuse__sb_puts(&sb, id);
  infuse__sb_puts(&sb, "' ");
  infuse__sb_finish(&sb);
  return infuse__fail(diag, INFUSE_E_UNKNOWN_PROTOCOL, "protocol", id, quoted,
                      "is not a built-in protocol; accepted: ketamine-trd-40, "
                      "ketamine-trd-100, ketamine-low-dose, ketamine-oral",
                      NULL);
}

/* ---- validation ---------------------------------------------------------- */

/* A NUL-terminated string within cap bytes. */
static bool terminated(const char *s, size_t cap) {
  return memchr(s, '\0', cap) != NULL;
}

static bool valid_id(const char *s, size_t cap) {
  if (!terminated(s, cap) || s[0] == '\0') {
    return false;
  }
  for (const char *p = s; *p != '\0'; p++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.' || c == '_')) {
      return false;
    }
  }
  return true;
}

/* Printable UTF-8: no control characters, well-formed sequences, no
 * overlong forms or surrogates. */
static bool valid_text(const char *s, size_t cap, bool allow_empty) {
  if (!terminated(s, cap) || (!allow_empty && s[0] == '\0')) {
    return false;
  }
  const unsigned char *p = (const unsigned char *)s;
  while (*p != 0) {
    unsigned char c = *p;
    if (c < 0x20u || c == 0x7fu) {
      return false;
    }
    if (c < 0x80u) {
      p++;
      continue;
    }
    int n;
    uint32_t cp;
    if (c >= 0xc2u && c <= 0xdfu) {
      n = 1;
      cp = c & 0x1fu;
    } else if (c >= 0xe0u && c <= 0xefu) {
      n = 2;
      cp = c & 0x0fu;
    } else if (c >= 0xf0u && c <= 0xf4u) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    for (int i = 1; i <= n; i++) {
      if ((p[i] & 0xc0u) != 0x80u) {
        return false;
      }
      cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if ((n == 2 && (cp < 0x800u || (cp >= 0xd800u && cp <= 0xdfffu))) ||
        (n == 3 && (cp < 0x10000u || cp > 0x10ffffu)) ||
        cp <= 0x9fu /* overlong ASCII, or a C1 control U+0080..U+009F */) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

static int check_optional(infuse_diag_t *diag, const char *field, int64_t v,
                          int64_t max, infuse_unit_t unit) {
  if (v == 0) {
    return INFUSE_OK;
  }
  return infuse__check_positive(diag, field, v, max, unit);
}

/* "protocol.dose.hard_low": built only when a check fails. */
static const char *limit_part_name(char *buf, size_t cap, const char *field,
                                   const char *part) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, buf, cap);
  infuse__sb_puts(&sb, field);
  infuse__sb_puts(&sb, part);
  infuse__sb_finish(&sb);
  return buf;
}

static int check_limit(infuse_diag_t *diag, const char *field,
                       const infuse_limit_t *l, int64_t max,
                       infuse_unit_t unit) {
  static const char *const part[4] = {".hard_low", ".soft_low", ".soft_high",
                                      ".hard_high"};
  const int64_t v[4] = {l->hard_low, l->soft_low, l->soft_high, l->hard_high};
  char name[INFUSE_DIAG_FIELD_MAX];
  for (int i = 0; i < 4; i++) {
    if (v[i] < 0) {
      return infuse__fail_q(
          diag, INFUSE_E_NEGATIVE,
          limit_part_name(name, sizeof name, field, part[i]), v[i], unit,
          "is negative; a bound is positive, or 0 for none", NULL, NULL);
    }
    if (v[i] > max) {
      return infuse__fail_q(
          diag, INFUSE_E_RANGE,
          limit_part_name(name, sizeof name, field, part[i]), v[i], unit,
          "is beyond the range the library accepts", NULL, NULL);
    }
  }
  /* Every set bound must not exceed a later set bound. */
  for (int i = 0; i < 4; i++) {
    for (int j = i + 1; j < 4; j++) {
      if (v[i] != 0 && v[j] != 0 && v[i] > v[j]) {
        return infuse__fail_q(
            diag, INFUSE_E_CONFLICT,
            limit_part_name(name, sizeof name, field, part[i]), v[i], unit,
            "is above ", part[j] + 1,
            "; bounds must be ordered hard_low <= soft_low <= soft_high <= "
            "hard_high");
      }
    }
  }
  return INFUSE_OK;
}

/* A default value must lie within its own hard limits. */
static int check_within_hard(infuse_diag_t *diag, const char *field, int64_t v,
                             const infuse_limit_t *l, infuse_unit_t unit) {
  if ((l->hard_low != 0 && v < l->hard_low) ||
      (l->hard_high != 0 && v > l->hard_high)) {
    return infuse__fail_q(diag, INFUSE_E_CONFLICT, field, v, unit,
                          "is outside the protocol's own hard limits", NULL,
                          NULL);
  }
  return INFUSE_OK;
}

static bool valid_rounding(infuse_rounding_t r) {
  return r == INFUSE_ROUND_NEAREST || r == INFUSE_ROUND_DOWN ||
         r == INFUSE_ROUND_UP;
}

int infuse_protocol_validate(const infuse_protocol_t *p, infuse_diag_t *diag) {
  if (p == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, "protocol", "",
                        "no protocol given", NULL, NULL);
  }
  if (p->struct_size != sizeof(infuse_protocol_t)) {
    return infuse__fail_q(diag, INFUSE_E_STRUCT_SIZE, "protocol.struct_size",
                          (int64_t)p->struct_size, INFUSE_UNIT_COUNT,
                          "is not sizeof(infuse_protocol_t) of this library",
                          NULL, NULL);
  }
  if (!valid_id(p->id, sizeof p->id)) {
    return infuse__fail(diag, INFUSE_E_INVALID, "protocol.id", "",
                        "must be 1 to 31 characters of a-z, 0-9, '-', '.' or "
                        "'_', NUL-terminated",
                        NULL, NULL);
  }
  if (!valid_text(p->version, sizeof p->version, false)) {
    return infuse__fail(diag, INFUSE_E_INVALID, "protocol.version", "",
                        "must be non-empty printable UTF-8, NUL-terminated",
                        NULL, NULL);
  }
  if (!valid_text(p->title, sizeof p->title, true)) {
    return infuse__fail(diag, INFUSE_E_INVALID, "protocol.title", "",
                        "must be printable UTF-8, NUL-terminated", NULL, NULL);
  }
  if (!valid_text(p->drug, sizeof p->drug, true)) {
    return infuse__fail(diag, INFUSE_E_INVALID, "protocol.drug", "",
                        "must be printable UTF-8, NUL-terminated", NULL, NULL);
  }
  if (p->route != INFUSE_ROUTE_IV_INFUSION && p->route != INFUSE_ROUTE_ORAL) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "protocol.route",
                          (int64_t)p->route, INFUSE_UNIT_COUNT,
                          "is not a route; accepted: 0 (IV infusion), 1 (oral)",
                          NULL, NULL);
  }
  if (p->prep != INFUSE_PREP_ADD && p->prep != INFUSE_PREP_REPLACE &&
      p->prep != INFUSE_PREP_FINAL_CONC && p->prep != INFUSE_PREP_SYRINGE) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "protocol.prep",
                          (int64_t)p->prep, INFUSE_UNIT_COUNT,
                          "is not a preparation; accepted: 0 add, 1 replace, "
                          "2 final concentration, 3 syringe",
                          NULL, NULL);
  }
  if (!valid_rounding(p->volume_rounding)) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "protocol.volume_rounding",
                          (int64_t)p->volume_rounding, INFUSE_UNIT_COUNT,
                          "is not a rounding mode; accepted: 0 nearest, 1 "
                          "down, 2 up",
                          NULL, NULL);
  }
  if (!valid_rounding(p->rate_rounding)) {
    return infuse__fail_q(diag, INFUSE_E_INVALID, "protocol.rate_rounding",
                          (int64_t)p->rate_rounding, INFUSE_UNIT_COUNT,
                          "is not a rounding mode; accepted: 0 nearest, 1 "
                          "down, 2 up",
                          NULL, NULL);
  }
  INFUSE__TRY(
      infuse__check_positive(diag, "protocol.dose_ug_per_kg", p->dose_ug_per_kg,
                             INFUSE_MAX_DOSE_UG_PER_KG, INFUSE_UNIT_UG_PER_KG));
  INFUSE__TRY(
      infuse__check_positive(diag, "protocol.vial_ug_per_ml", p->vial_ug_per_ml,
                             INFUSE_MAX_CONC_UG_PER_ML, INFUSE_UNIT_UG_PER_ML));
  INFUSE__TRY(check_optional(diag, "protocol.vial_volume_ul", p->vial_volume_ul,
                             INFUSE_MAX_VOLUME_UL, INFUSE_UNIT_UL));
  INFUSE__TRY(
      infuse__check_positive(diag, "protocol.volume_step_ul", p->volume_step_ul,
                             INFUSE_MAX_VOLUME_STEP_UL, INFUSE_UNIT_UL));
  INFUSE__TRY(check_optional(diag, "protocol.max_deviation_ppm",
                             p->max_deviation_ppm, INFUSE_MAX_DEVIATION_PPM,
                             INFUSE_UNIT_PPM));
  bool infusion = p->route == INFUSE_ROUTE_IV_INFUSION;
  if (infusion) {
    INFUSE__TRY(infuse__check_positive(diag, "protocol.duration_s",
                                       p->duration_s, INFUSE_MAX_DURATION_S,
                                       INFUSE_UNIT_S));
    INFUSE__TRY(infuse__check_positive(
        diag, "protocol.rate_step_ul_per_h", p->rate_step_ul_per_h,
        INFUSE_MAX_RATE_STEP_UL_PER_H, INFUSE_UNIT_UL_PER_H));
    if (p->prep == INFUSE_PREP_ADD || p->prep == INFUSE_PREP_REPLACE) {
      INFUSE__TRY(infuse__check_positive(diag, "protocol.bag_ul", p->bag_ul,
                                         INFUSE_MAX_VOLUME_UL, INFUSE_UNIT_UL));
    }
    if (p->prep == INFUSE_PREP_FINAL_CONC) {
      INFUSE__TRY(infuse__check_positive(
          diag, "protocol.final_conc_ug_per_ml", p->final_conc_ug_per_ml,
          INFUSE_MAX_CONC_UG_PER_ML, INFUSE_UNIT_UG_PER_ML));
    }
  } else {
    INFUSE__TRY(check_optional(diag, "protocol.duration_s", p->duration_s,
                               INFUSE_MAX_DURATION_S, INFUSE_UNIT_S));
    INFUSE__TRY(check_optional(
        diag, "protocol.rate_step_ul_per_h", p->rate_step_ul_per_h,
        INFUSE_MAX_RATE_STEP_UL_PER_H, INFUSE_UNIT_UL_PER_H));
  }
  INFUSE__TRY(check_optional(diag, "protocol.bag_ul", p->bag_ul,
                             INFUSE_MAX_VOLUME_UL, INFUSE_UNIT_UL));
  INFUSE__TRY(check_optional(diag, "protocol.final_conc_ug_per_ml",
                             p->final_conc_ug_per_ml, INFUSE_MAX_CONC_UG_PER_ML,
                             INFUSE_UNIT_UG_PER_ML));
  INFUSE__TRY(check_optional(diag, "protocol.must_dilute_ug_per_ml",
                             p->must_dilute_ug_per_ml,
                             INFUSE_MAX_CONC_UG_PER_ML, INFUSE_UNIT_UG_PER_ML));
  INFUSE__TRY(check_optional(diag, "protocol.volumetric_min_ul_per_h",
                             p->volumetric_min_ul_per_h,
                             INFUSE_MAX_RATE_UL_PER_H, INFUSE_UNIT_UL_PER_H));
  INFUSE__TRY(check_optional(diag, "protocol.pump_max_ul_per_h",
                             p->pump_max_ul_per_h, INFUSE_MAX_RATE_UL_PER_H,
                             INFUSE_UNIT_UL_PER_H));

  INFUSE__TRY(check_limit(diag, "protocol.dose_per_kg", &p->dose_per_kg,
                          INFUSE_MAX_DOSE_UG_PER_KG, INFUSE_UNIT_UG_PER_KG));
  INFUSE__TRY(check_limit(diag, "protocol.dose", &p->dose, INFUSE_MAX_DOSE_UG,
                          INFUSE_UNIT_UG));
  INFUSE__TRY(check_limit(diag, "protocol.weight", &p->weight,
                          INFUSE_MAX_WEIGHT_G, INFUSE_UNIT_G));
  INFUSE__TRY(check_limit(diag, "protocol.duration", &p->duration,
                          INFUSE_MAX_DURATION_S, INFUSE_UNIT_S));
  INFUSE__TRY(check_limit(diag, "protocol.rate", &p->rate,
                          INFUSE_MAX_RATE_UL_PER_H, INFUSE_UNIT_UL_PER_H));
  INFUSE__TRY(check_limit(diag, "protocol.concentration", &p->concentration,
                          INFUSE_MAX_CONC_UG_PER_ML, INFUSE_UNIT_UG_PER_ML));

  INFUSE__TRY(check_within_hard(diag, "protocol.dose_ug_per_kg",
                                p->dose_ug_per_kg, &p->dose_per_kg,
                                INFUSE_UNIT_UG_PER_KG));
  if (infusion) {
    INFUSE__TRY(check_within_hard(diag, "protocol.duration_s", p->duration_s,
                                  &p->duration, INFUSE_UNIT_S));
  }
  return INFUSE_OK;
}
