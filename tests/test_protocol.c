/*
 * test_protocol.c - the built-in protocols, their defaults against
 * CLINICAL.md, infuse_protocol_validate, infuse_request_init, and a site
 * protocol that changes what compute does.
 *
 * Expected values come from CLINICAL.md and from hand arithmetic with the
 * rules in include/infuse.h, never from the library's output.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infuse.h>

#define N_ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

static void set_text(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  ck_assert_uint_lt(n, cap);
  memset(dst, 0, cap);
  memcpy(dst, src, n);
}

static void get_builtin(const char *id, infuse_protocol_t *p) {
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_protocol_get(id, p, &d);
  ck_assert_msg(rc == INFUSE_OK, "protocol_get(%s) = %d (%s)", id, rc,
                d.message);
}

static bool same_limit(const infuse_limit_t *a, const infuse_limit_t *b) {
  return a->hard_low == b->hard_low && a->soft_low == b->soft_low &&
         a->soft_high == b->soft_high && a->hard_high == b->hard_high;
}

/* Field by field (padding and bytes after a NUL may differ). */
static bool same_protocol(const infuse_protocol_t *a,
                          const infuse_protocol_t *b) {
  return a->struct_size == b->struct_size && strcmp(a->id, b->id) == 0 &&
         strcmp(a->version, b->version) == 0 &&
         strcmp(a->title, b->title) == 0 && strcmp(a->drug, b->drug) == 0 &&
         a->route == b->route && a->dose_ug_per_kg == b->dose_ug_per_kg &&
         a->duration_s == b->duration_s &&
         a->vial_ug_per_ml == b->vial_ug_per_ml &&
         a->vial_volume_ul == b->vial_volume_ul && a->prep == b->prep &&
         a->bag_ul == b->bag_ul &&
         a->final_conc_ug_per_ml == b->final_conc_ug_per_ml &&
         a->volume_step_ul == b->volume_step_ul &&
         a->rate_step_ul_per_h == b->rate_step_ul_per_h &&
         a->volume_rounding == b->volume_rounding &&
         a->rate_rounding == b->rate_rounding &&
         a->max_deviation_ppm == b->max_deviation_ppm &&
         a->must_dilute_ug_per_ml == b->must_dilute_ug_per_ml &&
         a->volumetric_min_ul_per_h == b->volumetric_min_ul_per_h &&
         a->pump_max_ul_per_h == b->pump_max_ul_per_h &&
         same_limit(&a->dose_per_kg, &b->dose_per_kg) &&
         same_limit(&a->dose, &b->dose) &&
         same_limit(&a->weight, &b->weight) &&
         same_limit(&a->duration, &b->duration) &&
         same_limit(&a->rate, &b->rate) &&
         same_limit(&a->concentration, &b->concentration);
}

static void init_result(infuse_result_t *res) {
  memset(res, 0, sizeof *res);
  res->struct_size = (uint32_t)sizeof *res;
}

static const infuse_finding_t *find_code(const infuse_result_t *r,
                                         infuse_finding_code_t code) {
  for (int i = 0; i < r->n_findings && i < INFUSE_MAX_FINDINGS; i++) {
    if (r->findings[i].code == code) {
      return &r->findings[i];
    }
  }
  return NULL;
}

static int count_dpk_findings(const infuse_result_t *r) {
  int n = 0;
  for (int i = 0; i < r->n_findings && i < INFUSE_MAX_FINDINGS; i++) {
    int c = (int)r->findings[i].code;
    if (c >= INFUSE_FINDING_DOSE_PER_KG_HARD_LOW &&
        c <= INFUSE_FINDING_DOSE_PER_KG_HARD_HIGH) {
      n++;
    }
  }
  return n;
}

static bool contains_ci(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (const char *h = hay; *h != '\0'; h++) {
    size_t i = 0;
    while (i < n && h[i] != '\0') {
      char a = h[i], b = needle[i];
      if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
      if (a != b) break;
      i++;
    }
    if (i == n) return true;
  }
  return false;
}

/* ------------------------------------------------------------------------
 * The built-ins exist
 * ---------------------------------------------------------------------- */
static const char *const BUILTIN_IDS[] = {"ketamine-trd-40", "ketamine-trd-100",
                                          "ketamine-low-dose", "ketamine-oral"};

START_TEST(test_count) {
  ck_assert_uint_eq(infuse_protocol_count(), 4);
}
END_TEST

/* infuse_protocol_at(i) is one of the four ids, each exactly once, and is
 * the same protocol infuse_protocol_get returns for that id. */
START_TEST(test_at_each_index) {
  size_t i = (size_t)_i;
  infuse_protocol_t at, byid;
  memset(&at, 0, sizeof at);
  ck_assert_int_eq(infuse_protocol_at(i, &at), INFUSE_OK);
  ck_assert_uint_eq(at.struct_size, sizeof(infuse_protocol_t));
  ck_assert_ptr_nonnull(memchr(at.id, '\0', sizeof at.id));
  int matches = 0;
  for (int k = 0; k < N_ROWS(BUILTIN_IDS); k++) {
    if (strcmp(at.id, BUILTIN_IDS[k]) == 0) {
      matches++;
    }
  }
  ck_assert_msg(matches == 1, "index %zu has unexpected id \"%s\"", i, at.id);
  for (size_t j = 0; j < infuse_protocol_count(); j++) {
    infuse_protocol_t other;
    if (j == i) continue;
    ck_assert_int_eq(infuse_protocol_at(j, &other), INFUSE_OK);
    ck_assert_msg(strcmp(other.id, at.id) != 0, "id \"%s\" at %zu and %zu",
                  at.id, i, j);
  }
  get_builtin(at.id, &byid);
  ck_assert(same_protocol(&at, &byid));
}
END_TEST

START_TEST(test_at_out_of_range) {
  static const size_t bad[] = {4, 5, 1000, SIZE_MAX};
  for (int k = 0; k < N_ROWS(bad); k++) {
    infuse_protocol_t p, sentinel;
    memset(&p, 0xA5, sizeof p);
    memcpy(&sentinel, &p, sizeof p);
    ck_assert_int_eq(infuse_protocol_at(bad[k], &p), INFUSE_E_INDEX);
    ck_assert_msg(memcmp(&p, &sentinel, sizeof p) == 0,
                  "protocol_at(%zu) wrote its output on error", bad[k]);
  }
  ck_assert_int_eq(infuse_protocol_at(0, NULL), INFUSE_E_NULL);
}
END_TEST

START_TEST(test_get_each_id) {
  const char *id = BUILTIN_IDS[_i];
  infuse_protocol_t p;
  infuse_diag_t d, dsent;
  memset(&p, 0, sizeof p);
  memset(&d, 0x5A, sizeof d);
  memcpy(&dsent, &d, sizeof d);
  ck_assert_int_eq(infuse_protocol_get(id, &p, &d), INFUSE_OK);
  ck_assert_str_eq(p.id, id);
  ck_assert_uint_eq(p.struct_size, sizeof(infuse_protocol_t));
  ck_assert_msg(memcmp(&d, &dsent, sizeof d) == 0, "diag written on success");
  /* A copy: changing it does not change the built-in. */
  p.dose_ug_per_kg = 12345;
  infuse_protocol_t again;
  get_builtin(id, &again);
  ck_assert_int_ne(again.dose_ug_per_kg, 12345);
}
END_TEST

static const char *const UNKNOWN_IDS[] = {
    "ketamine", "", "KETAMINE-TRD-40", "Ketamine-trd-40", "ketamine-trd-40 ",
    " ketamine-trd-40", "ketamine-trd-4", "ketamine-trd-400", "ketamine_trd_40",
    "esketamine"};

START_TEST(test_get_unknown) {
  const char *id = UNKNOWN_IDS[_i];
  infuse_protocol_t p, sentinel;
  infuse_diag_t d;
  memset(&p, 0xA5, sizeof p);
  memcpy(&sentinel, &p, sizeof p);
  memset(&d, 0, sizeof d);
  int rc = infuse_protocol_get(id, &p, &d);
  ck_assert_msg(rc == INFUSE_E_UNKNOWN_PROTOCOL, "get(\"%s\") = %d", id, rc);
  ck_assert_msg(memcmp(&p, &sentinel, sizeof p) == 0,
                "get(\"%s\") wrote its output on error", id);
  ck_assert_int_eq(d.status, INFUSE_E_UNKNOWN_PROTOCOL);
  ck_assert(d.field[0] != '\0');
  ck_assert(d.message[0] != '\0');
  /* diag may be NULL */
  ck_assert_int_eq(infuse_protocol_get(id, &p, NULL),
                   INFUSE_E_UNKNOWN_PROTOCOL);
}
END_TEST

START_TEST(test_get_null) {
  infuse_protocol_t p;
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(infuse_protocol_get(NULL, &p, &d), INFUSE_E_NULL);
  ck_assert_int_eq(d.status, INFUSE_E_NULL);
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", NULL, NULL),
                   INFUSE_E_NULL);
  ck_assert_int_eq(infuse_protocol_validate(NULL, NULL), INFUSE_E_NULL);
}
END_TEST

/* ------------------------------------------------------------------------
 * Defaults against CLINICAL.md
 * ---------------------------------------------------------------------- */
typedef struct builtin_row {
  const char *id;
  bool iv;
  int64_t dose_ug_per_kg; /* 0: oral, range checked instead */
  int64_t duration_s;
} builtin_row_t;

static const builtin_row_t BUILTINS[] = {
    /* APA consensus: 0.5 mg/kg IV over 40 min. */
    {"ketamine-trd-40", true, 500, 2400},
    /* Rasmussen 2013: the same dose over 100 min. */
    {"ketamine-trd-100", true, 500, 6000},
    /* Fava 2020 arm: 0.2 mg/kg over 40 min. */
    {"ketamine-low-dose", true, 200, 2400},
    /* Oral 1-2 mg/kg, no rate. */
    {"ketamine-oral", false, 0, 0},
};

START_TEST(test_builtin_defaults) {
  const builtin_row_t *b = &BUILTINS[_i];
  infuse_protocol_t p;
  get_builtin(b->id, &p);

  ck_assert_str_eq(p.id, b->id);
  ck_assert_uint_eq(p.struct_size, sizeof(infuse_protocol_t));
  ck_assert_msg(p.version[0] != '\0', "%s: empty version", b->id);
  ck_assert_msg(p.title[0] != '\0', "%s: empty title", b->id);
  ck_assert_msg(contains_ci(p.drug, "ketamine"), "%s: drug \"%s\"", b->id,
                p.drug);

  if (!b->iv) {
    ck_assert_int_eq(p.route, INFUSE_ROUTE_ORAL);
    ck_assert_int_eq(p.duration_s, 0);
    /* CLINICAL.md 6: oral ketamine 1-2 mg/kg. */
    ck_assert_int_ge(p.dose_ug_per_kg, 1000);
    ck_assert_int_le(p.dose_ug_per_kg, 2000);
    return;
  }

  ck_assert_int_eq(p.route, INFUSE_ROUTE_IV_INFUSION);
  ck_assert_int_eq(p.dose_ug_per_kg, b->dose_ug_per_kg);
  ck_assert_int_eq(p.duration_s, b->duration_s);
  /* FDA label strength used in the worked example: 10 mg/mL. */
  ck_assert_int_eq(p.vial_ug_per_ml, 10000);
  /* "dose in 100 mL 0.9% NaCl"; worked example: added to the bag. */
  ck_assert_int_eq(p.prep, INFUSE_PREP_ADD);
  ck_assert_int_eq(p.bag_ul, 100000);
  /* Suggested limits: hard min 0.1, soft max 0.75, hard max 1.0 mg/kg. */
  ck_assert_int_eq(p.dose_per_kg.hard_low, 100);
  ck_assert_int_eq(p.dose_per_kg.soft_high, 750);
  ck_assert_int_eq(p.dose_per_kg.hard_high, 1000);
  /* The default dose needs no acknowledgement: within the soft bounds. */
  ck_assert(p.dose_per_kg.soft_low == 0 ||
            p.dose_ug_per_kg >= p.dose_per_kg.soft_low);
  ck_assert(p.dose_ug_per_kg <= p.dose_per_kg.soft_high);
  /* Durations reported safe: 2 to 100 min; default inside any duration
   * limits. */
  ck_assert(p.duration.hard_low == 0 || p.duration_s >= p.duration.hard_low);
  ck_assert(p.duration.hard_high == 0 || p.duration_s <= p.duration.hard_high);
  /* Rate resolution 0.1 mL/h by default. */
  ck_assert_int_eq(p.rate_step_ul_per_h, 100);
  /* 100 mg/mL must be diluted before IV use: the threshold catches it. */
  ck_assert_int_gt(p.must_dilute_ug_per_ml, 0);
  ck_assert_int_le(p.must_dilute_ug_per_ml, 100000);
  /* ... but the standard 10 mg/mL vial is not refused undiluted by it. */
  ck_assert_int_gt(p.must_dilute_ug_per_ml, 10000);
  /* Volumetric pumps: accurate to about 5 mL/h, up to 999 mL/h. */
  ck_assert_int_eq(p.volumetric_min_ul_per_h, 5000);
  ck_assert_int_eq(p.pump_max_ul_per_h, 999000);
  ck_assert(p.volume_step_ul > 0);
  ck_assert(p.volume_rounding == INFUSE_ROUND_NEAREST ||
            p.volume_rounding == INFUSE_ROUND_DOWN);
}
END_TEST

START_TEST(test_builtin_validates) {
  infuse_protocol_t p;
  infuse_diag_t d, dsent;
  ck_assert_int_eq(infuse_protocol_at((size_t)_i, &p), INFUSE_OK);
  memset(&d, 0x5A, sizeof d);
  memcpy(&dsent, &d, sizeof d);
  int rc = infuse_protocol_validate(&p, &d);
  ck_assert_msg(rc == INFUSE_OK, "%s: %d %s", p.id, rc,
                rc == INFUSE_OK ? "" : d.message);
  ck_assert_msg(memcmp(&d, &dsent, sizeof d) == 0, "diag written on success");
  ck_assert_int_eq(infuse_protocol_validate(&p, NULL), INFUSE_OK);
}
END_TEST

/* A 70 kg patient on each IV default: no limit stops, and the numbers of
 * CLINICAL.md's worked example (by hand, ADD to 100 mL, rate step 0.1 mL/h):
 *   trd-40:   70 kg x 0.5 = 35 mg = 3.5 mL; 103.5 mL over 2400 s
 *             = 155.25 mL/h -> 155.3 (tie away from zero).
 *   trd-100:  103.5 mL over 6000 s = 62.1 mL/h.
 *   low-dose: 70 x 0.2 = 14 mg = 1.4 mL; 101.4 mL over 2400 s = 152.1 mL/h. */
typedef struct default_run {
  const char *id;
  int64_t dose_ng, drug_ul, total_ul, rate_ul_per_h;
} default_run_t;

static const default_run_t DEFAULT_RUNS[] = {
    {"ketamine-trd-40", 35000000, 3500, 103500, 155300},
    {"ketamine-trd-100", 35000000, 3500, 103500, 62100},
    {"ketamine-low-dose", 14000000, 1400, 101400, 152100},
};

START_TEST(test_builtin_default_request) {
  const default_run_t *e = &DEFAULT_RUNS[_i];
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res;
  get_builtin(e->id, &p);
  ck_assert_int_eq(infuse_request_init(&req, &p), INFUSE_OK);
  req.weight_g = 70000;
  init_result(&res);
  int rc = infuse_pump_compute(&req, &res, NULL);
  ck_assert_msg(rc == INFUSE_OK, "%s: status %d, %d findings (first %s)",
                e->id, rc, res.n_findings,
                res.n_findings > 0
                    ? infuse_finding_name((int)res.findings[0].code)
                    : "-");
  ck_assert_int_eq(res.verdict, INFUSE_VERDICT_OK);
  ck_assert_str_eq(res.protocol_id, e->id);
  ck_assert_int_eq(res.dose_ng, e->dose_ng);
  ck_assert_int_eq(res.drug_volume_ul, e->drug_ul);
  ck_assert_int_eq(res.total_volume_ul, e->total_ul);
  ck_assert_int_eq(res.rate_ul_per_h, e->rate_ul_per_h);
}
END_TEST

START_TEST(test_builtin_oral) {
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res, sentinel;
  infuse_diag_t d;
  get_builtin("ketamine-oral", &p);
  ck_assert_int_eq(infuse_request_init(&req, &p), INFUSE_OK);
  req.weight_g = 70000;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert(!res.has_pump);
  /* 70000 g x default ug/kg */
  ck_assert_int_eq(res.dose_ng, 70000 * p.dose_ug_per_kg);

  memset(&res, 0xA5, sizeof res);
  res.struct_size = (uint32_t)sizeof res;
  memcpy(&sentinel, &res, sizeof res);
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(infuse_pump_compute(&req, &res, &d), INFUSE_E_NOT_INFUSION);
  ck_assert_int_eq(d.status, INFUSE_E_NOT_INFUSION);
  ck_assert(memcmp(&res, &sentinel, sizeof res) == 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * infuse_request_init
 * ---------------------------------------------------------------------- */
START_TEST(test_request_init_copies_defaults) {
  infuse_protocol_t p;
  infuse_request_t req;
  ck_assert_int_eq(infuse_protocol_at((size_t)_i, &p), INFUSE_OK);
  memset(&req, 0xA5, sizeof req);
  ck_assert_int_eq(infuse_request_init(&req, &p), INFUSE_OK);
  ck_assert_uint_eq(req.struct_size, sizeof(infuse_request_t));
  ck_assert_ptr_eq(req.protocol, &p);
  ck_assert_int_eq(req.weight_g, 0);
  ck_assert_int_eq(req.dose_mode, INFUSE_DOSE_PER_KG);
  ck_assert_int_eq(req.dose_ug_per_kg, p.dose_ug_per_kg);
  ck_assert_int_eq(req.duration_s, p.duration_s);
  ck_assert_int_eq(req.vial_ug_per_ml, p.vial_ug_per_ml);
  ck_assert_int_eq(req.prep, p.prep);
  ck_assert_int_eq(req.bag_ul, p.bag_ul);
  ck_assert_int_eq(req.final_conc_ug_per_ml, p.final_conc_ug_per_ml);
  ck_assert_int_eq(req.volume_step_ul, p.volume_step_ul);
  ck_assert_int_eq(req.rate_step_ul_per_h, p.rate_step_ul_per_h);
  ck_assert_uint_eq(req.acknowledge, INFUSE_ACK_NONE);
}
END_TEST

START_TEST(test_request_init_errors) {
  infuse_protocol_t p;
  infuse_request_t req, sentinel;
  get_builtin("ketamine-trd-40", &p);
  memset(&req, 0xA5, sizeof req);
  memcpy(&sentinel, &req, sizeof req);
  ck_assert_int_eq(infuse_request_init(NULL, &p), INFUSE_E_NULL);
  ck_assert_int_eq(infuse_request_init(&req, NULL), INFUSE_E_NULL);
  ck_assert(memcmp(&req, &sentinel, sizeof req) == 0);
  p.struct_size = (uint32_t)sizeof p - 4;
  ck_assert_int_eq(infuse_request_init(&req, &p), INFUSE_E_STRUCT_SIZE);
  ck_assert(memcmp(&req, &sentinel, sizeof req) == 0);
  p.struct_size = 0;
  ck_assert_int_eq(infuse_request_init(&req, &p), INFUSE_E_STRUCT_SIZE);
  ck_assert(memcmp(&req, &sentinel, sizeof req) == 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * Validation: one field broken at a time
 * ---------------------------------------------------------------------- */
typedef enum mut {
  M_STRUCT_SIZE,   /* struct_size = v */
  M_ID,            /* id = s */
  M_ID_FULL,       /* id: every byte 'a', no NUL */
  M_VERSION_FULL,  /* version: every byte '1', no NUL */
  M_VERSION,       /* version = s */
  M_TITLE,         /* title = s */
  M_TITLE_FULL,    /* title: every byte 'x', no NUL */
  M_DRUG,          /* drug = s */
  M_DRUG_FULL,     /* drug: every byte 'k', no NUL */
  M_ROUTE,         /* route = v */
  M_PREP,          /* prep = v */
  M_VOL_ROUNDING,  /* volume_rounding = v */
  M_RATE_ROUNDING, /* rate_rounding = v */
  M_DOSE,          /* dose_ug_per_kg = v */
  M_DOSE_NOLIM,    /* dose_ug_per_kg = v, dose_per_kg limits cleared */
  M_DURATION,      /* duration_s = v */
  M_DURATION_NOLIM,/* duration_s = v, duration limits cleared */
  M_VIAL,          /* vial_ug_per_ml = v */
  M_VIAL_NOLIM,    /* vial = v, concentration limits cleared */
  M_VIAL_VOLUME,   /* vial_volume_ul = v */
  M_VOLUME_STEP,   /* volume_step_ul = v */
  M_RATE_STEP,     /* rate_step_ul_per_h = v */
  M_BAG_ADD,       /* prep ADD, bag_ul = v */
  M_BAG_REPLACE,   /* prep REPLACE, bag_ul = v */
  M_FINAL_CONC,    /* prep FINAL_CONC, final_conc = v */
  M_MAX_DEV,       /* max_deviation_ppm = v */
  M_MUST_DILUTE,   /* must_dilute_ug_per_ml = v */
  M_VOL_MIN,       /* volumetric_min_ul_per_h = v */
  M_PUMP_MAX,      /* pump_max_ul_per_h = v */
  M_LIM_DPK,       /* dose_per_kg = lim */
  M_LIM_DOSE,      /* dose = lim */
  M_LIM_WEIGHT,    /* weight = lim */
  M_LIM_DURATION,  /* duration = lim */
  M_LIM_RATE,      /* rate = lim */
  M_LIM_CONC,      /* concentration = lim */
  M_DOSE_IN_DPK,   /* dose_per_kg = lim, dose_ug_per_kg = v */
  M_DURATION_IN_LIM /* duration = lim, duration_s = v */
} mut_t;

typedef struct mut_row {
  const char *name;
  mut_t m;
  int64_t v;
  const char *s;
  infuse_limit_t lim;
  int expect;        /* 0: any error (the header does not pin the code) */
  const char *field; /* the diag field must contain this */
} mut_row_t;

/* Limits that break only the order; every default stays inside them. */
#define L_SOFT_ABOVE_HARD {1, 2, 900000, 800000}
#define L_HARD_LOW_ABOVE_SOFT {300, 200, 800000, 900000}
#define L_SOFT_CROSSED {1, 900000, 800000, 950000}
#define L_SPARSE_CROSSED {0, 800, 750, 0}
#define NOLIM {0, 0, 0, 0}

static void apply_mut(const mut_row_t *r, infuse_protocol_t *p) {
  switch (r->m) {
  case M_STRUCT_SIZE:
    p->struct_size = (uint32_t)r->v;
    break;
  case M_ID:
    set_text(p->id, sizeof p->id, r->s);
    break;
  case M_ID_FULL:
    memset(p->id, 'a', sizeof p->id);
    break;
  case M_VERSION_FULL:
    memset(p->version, '1', sizeof p->version);
    break;
  case M_VERSION:
    set_text(p->version, sizeof p->version, r->s);
    break;
  case M_TITLE:
    set_text(p->title, sizeof p->title, r->s);
    break;
  case M_TITLE_FULL:
    memset(p->title, 'x', sizeof p->title);
    break;
  case M_DRUG:
    set_text(p->drug, sizeof p->drug, r->s);
    break;
  case M_DRUG_FULL:
    memset(p->drug, 'k', sizeof p->drug);
    break;
  case M_ROUTE:
    p->route = (infuse_route_t)r->v;
    break;
  case M_PREP:
    p->prep = (infuse_prep_t)r->v;
    break;
  case M_VOL_ROUNDING:
    p->volume_rounding = (infuse_rounding_t)r->v;
    break;
  case M_RATE_ROUNDING:
    p->rate_rounding = (infuse_rounding_t)r->v;
    break;
  case M_DOSE:
    p->dose_ug_per_kg = r->v;
    break;
  case M_DOSE_NOLIM:
    p->dose_per_kg = (infuse_limit_t)NOLIM;
    p->dose_ug_per_kg = r->v;
    break;
  case M_DURATION:
    p->duration_s = r->v;
    break;
  case M_DURATION_NOLIM:
    p->duration = (infuse_limit_t)NOLIM;
    p->duration_s = r->v;
    break;
  case M_VIAL:
    p->vial_ug_per_ml = r->v;
    break;
  case M_VIAL_NOLIM:
    p->concentration = (infuse_limit_t)NOLIM;
    p->vial_ug_per_ml = r->v;
    break;
  case M_VIAL_VOLUME:
    p->vial_volume_ul = r->v;
    break;
  case M_VOLUME_STEP:
    p->volume_step_ul = r->v;
    break;
  case M_RATE_STEP:
    p->rate_step_ul_per_h = r->v;
    break;
  case M_BAG_ADD:
    p->prep = INFUSE_PREP_ADD;
    p->bag_ul = r->v;
    break;
  case M_BAG_REPLACE:
    p->prep = INFUSE_PREP_REPLACE;
    p->bag_ul = r->v;
    break;
  case M_FINAL_CONC:
    p->prep = INFUSE_PREP_FINAL_CONC;
    p->final_conc_ug_per_ml = r->v;
    break;
  case M_MAX_DEV:
    p->max_deviation_ppm = r->v;
    break;
  case M_MUST_DILUTE:
    p->must_dilute_ug_per_ml = r->v;
    break;
  case M_VOL_MIN:
    p->volumetric_min_ul_per_h = r->v;
    break;
  case M_PUMP_MAX:
    p->pump_max_ul_per_h = r->v;
    break;
  case M_LIM_DPK:
    p->dose_per_kg = r->lim;
    break;
  case M_LIM_DOSE:
    p->dose = r->lim;
    break;
  case M_LIM_WEIGHT:
    p->weight = r->lim;
    break;
  case M_LIM_DURATION:
    p->duration = r->lim;
    break;
  case M_LIM_RATE:
    p->rate = r->lim;
    break;
  case M_LIM_CONC:
    p->concentration = r->lim;
    break;
  case M_DOSE_IN_DPK:
    p->dose_per_kg = r->lim;
    p->dose_ug_per_kg = r->v;
    break;
  case M_DURATION_IN_LIM:
    p->duration = r->lim;
    p->duration_s = r->v;
    break;
  }
}

#define SS INFUSE_E_STRUCT_SIZE
#define INV INFUSE_E_INVALID
#define RNG INFUSE_E_RANGE
#define ANY 0

static const mut_row_t INVALID[] = {
    {"struct_size - 1", M_STRUCT_SIZE, (int64_t)sizeof(infuse_protocol_t) - 1,
     NULL, NOLIM, SS, "struct_size"},
    {"struct_size + 8", M_STRUCT_SIZE, (int64_t)sizeof(infuse_protocol_t) + 8,
     NULL, NOLIM, SS, "struct_size"},
    {"struct_size 0", M_STRUCT_SIZE, 0, NULL, NOLIM, SS, "struct_size"},

    {"empty id", M_ID, 0, "", NOLIM, INV, "id"},
    {"id with uppercase", M_ID, 0, "Ketamine-trd-40", NOLIM, INV, "id"},
    {"id all uppercase", M_ID, 0, "KETAMINE-TRD-40", NOLIM, INV, "id"},
    {"id with a space", M_ID, 0, "ketamine trd", NOLIM, INV, "id"},
    {"id with a slash", M_ID, 0, "ketamine/trd", NOLIM, INV, "id"},
    {"id with a newline", M_ID, 0, "ketamine\n", NOLIM, INV, "id"},
    {"id with UTF-8", M_ID, 0, "k\xc3\xa9tamine", NOLIM, INV, "id"},
    {"id not NUL-terminated", M_ID_FULL, 0, NULL, NOLIM, INV, "id"},
    {"version not NUL-terminated", M_VERSION_FULL, 0, NULL, NOLIM, INV,
     "version"},
    {"version with a control char", M_VERSION, 0, "1\x1b", NOLIM, INV,
     "version"},

    {"title with SOH", M_TITLE, 0, "Ketamine\x01 40 min", NOLIM, INV, "title"},
    {"title with a newline", M_TITLE, 0, "Ketamine\n40 min", NOLIM, INV,
     "title"},
    {"title with a tab", M_TITLE, 0, "Ketamine\t40 min", NOLIM, INV, "title"},
    {"title with DEL", M_TITLE, 0, "Ketamine\x7f", NOLIM, INV, "title"},
    {"title with invalid UTF-8 0xff", M_TITLE, 0, "Ketamine \xff", NOLIM, INV,
     "title"},
    {"title with a truncated UTF-8 sequence", M_TITLE, 0, "Ketamine \xc3",
     NOLIM, INV, "title"},
    {"title with an overlong '/'", M_TITLE, 0, "a\xc0\xaf" "b", NOLIM, INV,
     "title"},
    {"title not NUL-terminated", M_TITLE_FULL, 0, NULL, NOLIM, INV, "title"},
    {"drug with a tab", M_DRUG, 0, "keta\tmine", NOLIM, INV, "drug"},
    {"drug not NUL-terminated", M_DRUG_FULL, 0, NULL, NOLIM, INV, "drug"},

    {"route 5", M_ROUTE, 5, NULL, NOLIM, INV, "route"},
    {"prep 9", M_PREP, 9, NULL, NOLIM, INV, "prep"},
    {"prep -1", M_PREP, -1, NULL, NOLIM, INV, "prep"},
    {"volume rounding 7", M_VOL_ROUNDING, 7, NULL, NOLIM, INV, "rounding"},
    {"rate rounding 7", M_RATE_ROUNDING, 7, NULL, NOLIM, INV, "rounding"},

    {"dose 0", M_DOSE, 0, NULL, NOLIM, ANY, "dose"},
    {"dose -500 ug/kg", M_DOSE, -500, NULL, NOLIM, ANY, "dose"},
    {"dose above 1 g/kg", M_DOSE_NOLIM, INFUSE_MAX_DOSE_UG_PER_KG + 1, NULL,
     NOLIM, RNG, "dose"},
    {"IV duration 0", M_DURATION, 0, NULL, NOLIM, ANY, "duration"},
    {"duration -1 s", M_DURATION, -1, NULL, NOLIM, ANY, "duration"},
    {"duration above the range", M_DURATION_NOLIM, INFUSE_MAX_DURATION_S + 1,
     NULL, NOLIM, RNG, "duration"},
    {"vial 0", M_VIAL, 0, NULL, NOLIM, ANY, "vial"},
    {"vial -10 mg/mL", M_VIAL, -10000, NULL, NOLIM, ANY, "vial"},
    {"vial above 10 g/mL", M_VIAL_NOLIM, INFUSE_MAX_CONC_UG_PER_ML + 1, NULL,
     NOLIM, RNG, "vial"},
    {"vial volume -1", M_VIAL_VOLUME, -1, NULL, NOLIM, ANY, "vial_volume"},
    {"volume step 0", M_VOLUME_STEP, 0, NULL, NOLIM, ANY, "volume_step"},
    {"volume step -100", M_VOLUME_STEP, -100, NULL, NOLIM, ANY, "volume_step"},
    {"volume step above 100 mL", M_VOLUME_STEP, INFUSE_MAX_VOLUME_STEP_UL + 1,
     NULL, NOLIM, RNG, "volume_step"},
    {"IV rate step 0", M_RATE_STEP, 0, NULL, NOLIM, ANY, "rate_step"},
    {"rate step above 1 L/h", M_RATE_STEP, INFUSE_MAX_RATE_STEP_UL_PER_H + 1,
     NULL, NOLIM, RNG, "rate_step"},
    {"ADD with bag 0", M_BAG_ADD, 0, NULL, NOLIM, ANY, "bag"},
    {"REPLACE with bag -1", M_BAG_REPLACE, -1, NULL, NOLIM, ANY, "bag"},
    {"bag above 100 L", M_BAG_ADD, INFUSE_MAX_VOLUME_UL + 1, NULL, NOLIM, RNG,
     "bag"},
    {"FINAL_CONC with final concentration 0", M_FINAL_CONC, 0, NULL, NOLIM,
     ANY, "final_conc"},
    {"max deviation above 100 %", M_MAX_DEV, INFUSE_MAX_DEVIATION_PPM + 1,
     NULL, NOLIM, RNG, "deviation"},
    {"max deviation -1", M_MAX_DEV, -1, NULL, NOLIM, ANY, "deviation"},
    {"must-dilute -1", M_MUST_DILUTE, -1, NULL, NOLIM, ANY, "dilute"},
    {"volumetric min -1", M_VOL_MIN, -1, NULL, NOLIM, ANY, "volumetric"},
    {"pump max -1", M_PUMP_MAX, -1, NULL, NOLIM, ANY, "pump_max"},

    {"dose/kg soft_high > hard_high", M_LIM_DPK, 0, NULL, L_SOFT_ABOVE_HARD,
     ANY, "dose_per_kg"},
    {"dose/kg hard_low > soft_low", M_LIM_DPK, 0, NULL, L_HARD_LOW_ABOVE_SOFT,
     ANY, "dose_per_kg"},
    {"dose/kg soft_low > soft_high", M_LIM_DPK, 0, NULL, L_SOFT_CROSSED, ANY,
     "dose_per_kg"},
    {"dose/kg soft_low > soft_high, others unset", M_LIM_DPK, 0, NULL,
     L_SPARSE_CROSSED, ANY, "dose_per_kg"},
    {"dose/kg hard_low > hard_high, soft unset", M_LIM_DPK, 0, NULL,
     {1000, 0, 0, 100}, ANY, "dose_per_kg"},
    {"dose/kg negative hard_low", M_LIM_DPK, 0, NULL, {-1, 0, 750, 1000}, ANY,
     "dose_per_kg"},
    {"dose soft_high > hard_high", M_LIM_DOSE, 0, NULL, L_SOFT_ABOVE_HARD, ANY,
     "dose"},
    {"dose hard_low > soft_low", M_LIM_DOSE, 0, NULL, L_HARD_LOW_ABOVE_SOFT,
     ANY, "dose"},
    {"weight soft_high > hard_high", M_LIM_WEIGHT, 0, NULL, L_SOFT_ABOVE_HARD,
     ANY, "weight"},
    {"weight hard_low > soft_low", M_LIM_WEIGHT, 0, NULL,
     L_HARD_LOW_ABOVE_SOFT, ANY, "weight"},
    {"duration soft_high > hard_high", M_LIM_DURATION, 0, NULL,
     L_SOFT_ABOVE_HARD, ANY, "duration"},
    {"duration soft_low > soft_high", M_LIM_DURATION, 0, NULL,
     {1, 900000, 800000, 950000}, ANY, "duration"},
    {"rate soft_high > hard_high", M_LIM_RATE, 0, NULL, L_SOFT_ABOVE_HARD, ANY,
     "rate"},
    {"rate hard_low > soft_low", M_LIM_RATE, 0, NULL, L_HARD_LOW_ABOVE_SOFT,
     ANY, "rate"},
    {"concentration soft_high > hard_high", M_LIM_CONC, 0, NULL,
     L_SOFT_ABOVE_HARD, ANY, "concentration"},
    {"concentration hard_low > soft_low", M_LIM_CONC, 0, NULL,
     L_HARD_LOW_ABOVE_SOFT, ANY, "concentration"},

    /* Defaults outside their own hard limits. */
    {"default dose 1.001 mg/kg above hard_high 1 mg/kg", M_DOSE_IN_DPK, 1001,
     NULL, {100, 200, 750, 1000}, ANY, "dose"},
    {"default dose 0.099 mg/kg below hard_low 0.1 mg/kg", M_DOSE_IN_DPK, 99,
     NULL, {100, 200, 750, 1000}, ANY, "dose"},
    {"default duration 7201 s above hard_high 7200 s", M_DURATION_IN_LIM, 7201,
     NULL, {600, 1200, 3600, 7200}, ANY, "duration"},
    {"default duration 599 s below hard_low 600 s", M_DURATION_IN_LIM, 599,
     NULL, {600, 1200, 3600, 7200}, ANY, "duration"},
};

static int validate_mutated(const mut_row_t *r, infuse_diag_t *d) {
  infuse_protocol_t p;
  get_builtin("ketamine-trd-40", &p);
  apply_mut(r, &p);
  memset(d, 0, sizeof *d);
  return infuse_protocol_validate(&p, d);
}

START_TEST(test_validate_rejects) {
  const mut_row_t *r = &INVALID[_i];
  infuse_diag_t d;
  int rc = validate_mutated(r, &d);
  ck_assert_msg(rc < 0, "%s: validate returned %d, expected an error", r->name,
                rc);
  if (r->expect != 0) {
    ck_assert_msg(rc == r->expect, "%s: %s, expected %s", r->name,
                  infuse_status_name(rc), infuse_status_name(r->expect));
  }
  ck_assert_msg(d.status == rc, "%s: diag.status %d", r->name, d.status);
  ck_assert_ptr_nonnull(memchr(d.field, '\0', sizeof d.field));
  ck_assert_ptr_nonnull(memchr(d.message, '\0', sizeof d.message));
  ck_assert_msg(d.field[0] != '\0', "%s: empty diag.field", r->name);
  ck_assert_msg(strstr(d.field, r->field) != NULL,
                "%s: diag.field \"%s\" does not name \"%s\"", r->name, d.field,
                r->field);
  ck_assert_msg(strstr(d.message, d.field) != NULL,
                "%s: message \"%s\" does not mention the field \"%s\"",
                r->name, d.message, d.field);
  /* And with no diag. */
  infuse_protocol_t p;
  get_builtin("ketamine-trd-40", &p);
  apply_mut(r, &p);
  ck_assert_int_eq(infuse_protocol_validate(&p, NULL), rc);
}
END_TEST

/* The header: "INFUSE_OK or the first problem found (E_NULL,
 * E_STRUCT_SIZE, E_INVALID, E_ZERO, E_NEGATIVE, E_RANGE, E_CONFLICT)". */
START_TEST(test_validate_status_documented) {
  const mut_row_t *r = &INVALID[_i];
  infuse_diag_t d;
  int rc = validate_mutated(r, &d);
  ck_assert_msg(rc == INFUSE_E_STRUCT_SIZE || rc == INFUSE_E_INVALID ||
                    rc == INFUSE_E_ZERO || rc == INFUSE_E_NEGATIVE ||
                    rc == INFUSE_E_RANGE || rc == INFUSE_E_CONFLICT,
                "%s: validate returned %s, not one of the documented "
                "E_STRUCT_SIZE, E_INVALID, E_ZERO, E_NEGATIVE, E_RANGE, "
                "E_CONFLICT",
                r->name, infuse_status_name(rc));
}
END_TEST

/* Compute refuses a request whose protocol does not validate, and writes
 * nothing. */
START_TEST(test_compute_validates_protocol) {
  const mut_row_t *r = &INVALID[_i];
  infuse_protocol_t p;
  infuse_request_t req;
  infuse_result_t res, sentinel;
  infuse_diag_t d;
  get_builtin("ketamine-trd-40", &p);
  ck_assert_int_eq(infuse_request_init(&req, &p), INFUSE_OK);
  req.weight_g = 70000;
  apply_mut(r, &p);
  memset(&res, 0xA5, sizeof res);
  res.struct_size = (uint32_t)sizeof res;
  memcpy(&sentinel, &res, sizeof res);
  memset(&d, 0, sizeof d);
  int rc = infuse_dose_compute(&req, &res, &d);
  ck_assert_msg(rc < 0, "%s: dose_compute returned %d", r->name, rc);
  ck_assert(memcmp(&res, &sentinel, sizeof res) == 0);
  ck_assert_int_eq(d.status, rc);
}
END_TEST

/* Changes a site may make that are still valid. */
static const mut_row_t VALID[] = {
    {"dose/kg limits cleared (0 = no bound)", M_LIM_DPK, 0, NULL, NOLIM, 0,
     NULL},
    {"id with . _ - and digits", M_ID, 0, "site.trd-40_v2", NOLIM, 0, NULL},
    {"id of 31 characters", M_ID, 0, "abcdefghijklmnopqrstuvwxyz01234", NOLIM,
     0, NULL},
    {"title with UTF-8 en dash and micro sign", M_TITLE, 0,
     "Ketamine 0.5 mg/kg \xe2\x80\x93 40 min, 10 \xc2\xb5g", NOLIM, 0, NULL},
    {"default dose at hard_high (inclusive)", M_DOSE_IN_DPK, 1000, NULL,
     {100, 200, 750, 1000}, 0, NULL},
    {"default dose at hard_low (inclusive)", M_DOSE_IN_DPK, 100, NULL,
     {100, 200, 750, 1000}, 0, NULL},
    {"default dose above soft_high, inside hard", M_DOSE_IN_DPK, 800, NULL,
     {100, 200, 750, 1000}, 0, NULL},
    {"sparse limits, soft high only", M_LIM_DPK, 0, NULL, {0, 0, 750, 0}, 0,
     NULL},
    {"all four bounds equal to the default", M_DOSE_IN_DPK, 500, NULL,
     {500, 500, 500, 500}, 0, NULL},
    {"default duration at hard_high", M_DURATION_IN_LIM, 7200, NULL,
     {600, 1200, 3600, 7200}, 0, NULL},
    {"max deviation 100 %", M_MAX_DEV, INFUSE_MAX_DEVIATION_PPM, NULL, NOLIM,
     0, NULL},
    {"max deviation 0 (check off)", M_MAX_DEV, 0, NULL, NOLIM, 0, NULL},
    {"must-dilute 0 (check off)", M_MUST_DILUTE, 0, NULL, NOLIM, 0, NULL},
    {"volumetric min 0 (check off)", M_VOL_MIN, 0, NULL, NOLIM, 0, NULL},
    {"pump max 0 (check off)", M_PUMP_MAX, 0, NULL, NOLIM, 0, NULL},
    {"vial volume 0 (not tracked)", M_VIAL_VOLUME, 0, NULL, NOLIM, 0, NULL},
    {"volume step at its maximum", M_VOLUME_STEP, INFUSE_MAX_VOLUME_STEP_UL,
     NULL, NOLIM, 0, NULL},
    {"volume step 1 uL", M_VOLUME_STEP, 1, NULL, NOLIM, 0, NULL},
    {"rate step at its maximum", M_RATE_STEP, INFUSE_MAX_RATE_STEP_UL_PER_H,
     NULL, NOLIM, 0, NULL},
    {"dose at the library maximum, no dose/kg limits", M_DOSE_NOLIM,
     INFUSE_MAX_DOSE_UG_PER_KG, NULL, NOLIM, 0, NULL},
    {"REPLACE with a 250 mL bag", M_BAG_REPLACE, 250000, NULL, NOLIM, 0, NULL},
    {"FINAL_CONC at 1 mg/mL", M_FINAL_CONC, 1000, NULL, NOLIM, 0, NULL},
    {"rounding DOWN", M_VOL_ROUNDING, INFUSE_ROUND_DOWN, NULL, NOLIM, 0, NULL},
    {"rate rounding UP", M_RATE_ROUNDING, INFUSE_ROUND_UP, NULL, NOLIM, 0,
     NULL},
};

START_TEST(test_validate_accepts) {
  const mut_row_t *r = &VALID[_i];
  infuse_diag_t d;
  int rc = validate_mutated(r, &d);
  ck_assert_msg(rc == INFUSE_OK, "%s: %s (%s: %s)", r->name,
                infuse_status_name(rc), d.field, d.message);
}
END_TEST

/* ------------------------------------------------------------------------
 * A site protocol changes the results
 * ---------------------------------------------------------------------- */
static void site_copy(infuse_protocol_t *p) {
  get_builtin("ketamine-trd-40", p);
  set_text(p->id, sizeof p->id, "site-trd-40");
  set_text(p->version, sizeof p->version, "2025-1");
}

static void validate_ok(const infuse_protocol_t *p) {
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_protocol_validate(p, &d);
  ck_assert_msg(rc == INFUSE_OK, "site protocol invalid: %s %s",
                infuse_status_name(rc), d.message);
}

/* Soft high lowered to 0.6 mg/kg: 0.65 mg/kg at 70 kg now needs
 * acknowledgement; with the built-in it does not. */
START_TEST(test_site_soft_high) {
  infuse_protocol_t builtin, site;
  infuse_request_t req;
  infuse_result_t res;

  get_builtin("ketamine-trd-40", &builtin);
  ck_assert_int_eq(infuse_request_init(&req, &builtin), INFUSE_OK);
  req.weight_g = 70000;
  req.dose_ug_per_kg = 650;
  init_result(&res);
  ck_assert_int_ge(infuse_dose_compute(&req, &res, NULL), 0);
  ck_assert_int_eq(count_dpk_findings(&res), 0);

  site_copy(&site);
  site.dose_per_kg.soft_high = 600;
  validate_ok(&site);
  ck_assert_int_eq(infuse_request_init(&req, &site), INFUSE_OK);
  req.weight_g = 70000;
  req.dose_ug_per_kg = 650;
  init_result(&res);
  int rc = infuse_dose_compute(&req, &res, NULL);
  ck_assert_int_eq(count_dpk_findings(&res), 1);
  const infuse_finding_t *f =
      find_code(&res, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->severity, INFUSE_SEVERITY_SOFT);
  ck_assert_int_eq(f->unit, INFUSE_UNIT_NG_PER_KG);
  ck_assert_int_eq(f->value, 650000);
  ck_assert_int_eq(f->limit, 600000);
  ck_assert(!f->acknowledged);
  ck_assert_str_eq(f->protocol_id, "site-trd-40");
  ck_assert_str_eq(f->protocol_version, "2025-1");
  ck_assert_str_eq(res.protocol_id, "site-trd-40");
  ck_assert_int_eq(rc, INFUSE_STOP_SOFT_LIMIT);
  ck_assert_int_eq(res.verdict, INFUSE_VERDICT_SOFT_LIMIT);
  ck_assert_int_eq(res.dose_ng, 45500000); /* 70000 g x 650 ug/kg */

  /* Acknowledged, it goes through. */
  req.acknowledge = INFUSE_ACK_DOSE_PER_KG;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  f = find_code(&res, INFUSE_FINDING_DOSE_PER_KG_SOFT_HIGH);
  ck_assert_ptr_nonnull(f);
  ck_assert(f->acknowledged);

  /* 0.6 mg/kg itself is within (inclusive). */
  req.acknowledge = INFUSE_ACK_NONE;
  req.dose_ug_per_kg = 600;
  init_result(&res);
  ck_assert_int_ge(infuse_dose_compute(&req, &res, NULL), 0);
  ck_assert_int_eq(count_dpk_findings(&res), 0);
}
END_TEST

/* Hard high lowered to 0.6 mg/kg: 0.65 mg/kg is refused, even acknowledged. */
START_TEST(test_site_hard_high) {
  infuse_protocol_t site;
  infuse_request_t req;
  infuse_result_t res;
  site_copy(&site);
  site.dose_per_kg.soft_high = 550;
  site.dose_per_kg.hard_high = 600;
  validate_ok(&site);
  ck_assert_int_eq(infuse_request_init(&req, &site), INFUSE_OK);
  req.weight_g = 70000;
  req.dose_ug_per_kg = 650;
  req.acknowledge = INFUSE_ACK_ALL;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL),
                   INFUSE_STOP_HARD_LIMIT);
  const infuse_finding_t *f =
      find_code(&res, INFUSE_FINDING_DOSE_PER_KG_HARD_HIGH);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->limit, 600000);
  ck_assert(!f->acknowledged);
  ck_assert_int_eq(count_dpk_findings(&res), 1);
}
END_TEST

/* A new default dose flows through infuse_request_init into compute:
 * 70000 g x 400 ug/kg = 28000000 ng. */
START_TEST(test_site_default_dose) {
  infuse_protocol_t site;
  infuse_request_t req;
  infuse_result_t res;
  site_copy(&site);
  site.dose_ug_per_kg = 400;
  validate_ok(&site);
  ck_assert_int_eq(infuse_request_init(&req, &site), INFUSE_OK);
  ck_assert_int_eq(req.dose_ug_per_kg, 400);
  req.weight_g = 70000;
  init_result(&res);
  ck_assert_int_eq(infuse_dose_compute(&req, &res, NULL), INFUSE_OK);
  ck_assert_int_eq(res.dose_ng, 28000000);
  ck_assert_int_eq(res.dose_ug_per_kg, 400);
}
END_TEST

/* A coarser pump step: 103.5 mL over 2400 s = 155250 uL/h exactly;
 * step 1 mL/h -> 155 mL/h (155.25 is nearer 155), step 0.1 mL/h -> 155.3. */
START_TEST(test_site_rate_step) {
  infuse_protocol_t site;
  infuse_request_t req;
  infuse_result_t res;
  site_copy(&site);
  site.prep = INFUSE_PREP_ADD;
  site.bag_ul = 100000;
  site.vial_ug_per_ml = 10000;
  site.rate_step_ul_per_h = 1000;
  validate_ok(&site);
  ck_assert_int_eq(infuse_request_init(&req, &site), INFUSE_OK);
  req.weight_g = 70000;
  init_result(&res);
  ck_assert_int_ge(infuse_pump_compute(&req, &res, NULL), 0);
  ck_assert_int_eq(res.total_volume_ul, 103500);
  ck_assert_int_eq(res.rate_ul_per_h, 155000);

  site.rate_step_ul_per_h = 100;
  validate_ok(&site);
  ck_assert_int_eq(infuse_request_init(&req, &site), INFUSE_OK);
  req.weight_g = 70000;
  init_result(&res);
  ck_assert_int_ge(infuse_pump_compute(&req, &res, NULL), 0);
  ck_assert_int_eq(res.rate_ul_per_h, 155300);
}
END_TEST

/* Draw-up rounded DOWN to whole mL: 3500 uL -> 3000 uL, delivered 30 mg,
 * deviation (30 - 35) / 35 = -142857.14 ppm -> -142857; with a 5 % maximum
 * that is a soft DOSE_DEVIATION finding. */
START_TEST(test_site_volume_rounding) {
  infuse_protocol_t site;
  infuse_request_t req;
  infuse_result_t res;
  site_copy(&site);
  site.prep = INFUSE_PREP_ADD;
  site.bag_ul = 100000;
  site.vial_ug_per_ml = 10000;
  site.volume_step_ul = 1000;
  site.volume_rounding = INFUSE_ROUND_DOWN;
  site.max_deviation_ppm = 50000;
  validate_ok(&site);
  ck_assert_int_eq(infuse_request_init(&req, &site), INFUSE_OK);
  req.weight_g = 70000;
  init_result(&res);
  int rc = infuse_pump_compute(&req, &res, NULL);
  ck_assert_int_eq(res.drug_volume_ul, 3000);
  ck_assert_int_eq(res.delivered_dose_ng, 30000000);
  ck_assert_int_eq(res.dose_deviation_ppm, -142857);
  const infuse_finding_t *f = find_code(&res, INFUSE_FINDING_DOSE_DEVIATION);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->severity, INFUSE_SEVERITY_SOFT);
  ck_assert_int_eq(f->limit, 50000);
  ck_assert_str_eq(f->protocol_id, "site-trd-40");
  ck_assert_int_eq(rc, INFUSE_STOP_SOFT_LIMIT);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *protocol_suite(void) {
  Suite *s = suite_create("protocol");

  TCase *core = tcase_create("core");
  tcase_add_test(core, test_count);
  tcase_add_loop_test(core, test_at_each_index, 0, N_ROWS(BUILTIN_IDS));
  tcase_add_loop_test(core, test_get_each_id, 0, N_ROWS(BUILTIN_IDS));
  tcase_add_loop_test(core, test_builtin_defaults, 0, N_ROWS(BUILTINS));
  tcase_add_loop_test(core, test_builtin_validates, 0, N_ROWS(BUILTIN_IDS));
  tcase_add_loop_test(core, test_builtin_default_request, 0,
                      N_ROWS(DEFAULT_RUNS));
  tcase_add_test(core, test_builtin_oral);
  tcase_add_loop_test(core, test_request_init_copies_defaults, 0,
                      N_ROWS(BUILTIN_IDS));
  tcase_add_loop_test(core, test_validate_accepts, 0, N_ROWS(VALID));
  suite_add_tcase(s, core);

  TCase *limits = tcase_create("limits");
  tcase_add_test(limits, test_site_soft_high);
  tcase_add_test(limits, test_site_hard_high);
  tcase_add_test(limits, test_site_default_dose);
  tcase_add_test(limits, test_site_rate_step);
  tcase_add_test(limits, test_site_volume_rounding);
  suite_add_tcase(s, limits);

  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, test_at_out_of_range);
  tcase_add_loop_test(errors, test_get_unknown, 0, N_ROWS(UNKNOWN_IDS));
  tcase_add_test(errors, test_get_null);
  tcase_add_test(errors, test_request_init_errors);
  tcase_add_loop_test(errors, test_validate_rejects, 0, N_ROWS(INVALID));
  tcase_add_loop_test(errors, test_validate_status_documented, 0,
                      N_ROWS(INVALID));
  tcase_add_loop_test(errors, test_compute_validates_protocol, 0,
                      N_ROWS(INVALID));
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(protocol_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
