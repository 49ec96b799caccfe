/*
 * fuzz_pk.c - the pharmacokinetics entry points on models, weights,
 * populations, infusions and sampling decoded from the bytes:
 * infuse_pk_model_validate, infuse_pk_model_from_clearances,
 * infuse_pk_patient, infuse_pk_prepare, infuse_pk_curve and
 * infuse_pk_summarize.
 *
 * Doubles come from fz_double (fuzz_common.h): mostly in a plausible
 * range, sometimes an edge (0, -0, NaN, +-inf, subnormals, DBL_MAX, the
 * range's neighbours) or raw bits.
 *
 * Input layout (reads past the end give zeros):
 *   byte 0   flags: bit 0 a NULL diagnostic; bit 1 infusions as gaps
 *            (in order, not overlapping) instead of raw starts; bit 2
 *            corrupt one field of the system before curve and summary;
 *            bit 3 a wrong struct_size (which one from a byte); bit 4 the
 *            patient drawn from a population; bit 5 rate constants of
 *            unused compartments from the bytes too; bit 6 a NULL pointer
 *            for infusions or samples; bit 7 more infusions than
 *            INFUSE_PK_MAX_INFUSIONS
 *   byte 1   the model: mod 3: 0 built-in (a byte: index, one past the
 *            end is an unknown name), 1 a raw model (compartments,
 *            v1, k10, k12, k13, k21, k31), 2 volumes and clearances
 *            (compartments, v1, v2, v3, cl, q2, q3)
 *   then     the weight; with bit 4: variability CV, median weight,
 *            weight CV, seed (8 bytes), index (8 bytes); with bit 3 the
 *            struct to spoil and its size (4 bytes); with bit 2 the field
 *            to corrupt and its value; the infusion count (a byte, mod 33)
 *            and per infusion start (or gap), duration, dose; t0, step,
 *            n (2 bytes, mod 4097), until, threshold.
 *
 * Invariants: every status is in the documented set; on an error the
 * outputs are untouched (sentinel fill, memcmp) and the diagnostic has the
 * status, a non-empty field and a message. A model from clearances has
 * k10 = cl / v1, k12 = q2 / v1, k21 = q2 / v2, k13 = q3 / v1, k31 = q3 / v3
 * and validates. A patient validates, keeps the compartment count, weighs
 * (0, 500] kg, equals the typical patient at CV 0 and is the same on a
 * second call. A prepared system has modes = compartments, v1 = v1/kg x
 * weight, cl = k10 x v1, rates positive and ascending, gains >= 0, the
 * gains adding up to 1000 / v1 (relative 1e-9) and sum gain / rate to
 * 1000 / cl (relative 1e-9 + 1e-15 x fastest / slowest rate: see
 * stiff_tol; the same tolerance below wherever auc_inf is compared). A
 * curve is finite, >= 0 (and not -0), nothing written past n (guard
 * values). A summary is finite; 0 <= tmax <= until, 0 <=
 * time_above <= until, time_above 0 at threshold 0 or when cmax <=
 * threshold, 0 <= c_until <= cmax, auc >= 0, auc_inf = total dose x 1000 /
 * cl / 60 and, for a prepared system, auc <= auc_inf x (1 + 1e-9) and
 * the AUC to 50 slowest time constants after the last infusion is auc_inf
 * (relative 1e-9: every dose is delivered, no more, no less); these two
 * when every dose and rate is above 1e-290, since a subnormal rate loses
 * its precision or underflows to 0. Both together: cmax >= every sample at a
 * time in [0, until] (relative 1e-9), and a sample at exactly `until` is
 * c_until (relative 1e-9 of cmax); a sample's time is t0 + k x step exactly
 * (see cmp_sample_time). The time above agrees with an 8192-cell grid
 * of the curve over [0, until] to within the cells that can hold a
 * crossing. The comparisons of concentrations and AUCs also allow an
 * absolute 1e-300 (TINY): subnormal results carry fewer significant bits.
 */
#include "fuzz_common.h"

static const int pk_statuses[] = {INFUSE_OK, INFUSE_E_NULL,
                                  INFUSE_E_STRUCT_SIZE, INFUSE_E_INVALID,
                                  INFUSE_E_RANGE};
#define N_PK_STATUSES (sizeof pk_statuses / sizeof pk_statuses[0])

#define SENTINEL 0xa5
#define GUARD_SAMPLES 8
#define MAX_FUZZ_INFUSIONS 32
#define MAX_FUZZ_SAMPLES 4096
/* The absolute slack added to the relative tolerances: a subnormal dose
 * (accepted: it is > 0) gives subnormal concentrations, which carry fewer
 * than 53 significant bits, so only an absolute bound holds there. */
#define TINY 1e-300

static void check_status(int rc) {
  FZ_CHECK(fz_status_known(rc));
  FZ_CHECK(fz_status_in(rc, pk_statuses, N_PK_STATUSES));
}

/* After a call: the diagnostic when there is one, and (on error) that the
 * n bytes at out still hold the sentinel fill. */
static void check_error(int rc, const infuse_diag_t *d, const void *out,
                        const void *before, size_t n) {
  check_status(rc);
  if (rc == INFUSE_OK) {
    return;
  }
  FZ_CHECK(rc < 0);
  if (d != NULL) {
    fz_check_diag(d, rc);
    FZ_CHECK(d->field[0] != '\0');
  }
  if (out != NULL) {
    FZ_CHECK(memcmp(out, before, n) == 0);
  }
}

static bool all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(v[i])) {
      return false;
    }
  }
  return true;
}

static bool close_rel(double a, double b, double rel) {
  return fabs(a - b) <= rel * fmax(fabs(a), fabs(b));
}

/* The sign of t0 + k x step - until in exact arithmetic. A sample is at
 * the exact time t0 + k x step (the curve advances by whole steps), which
 * the double t0 + k * step may round onto `until` or below it (a step of
 * 1e-279 after t0 = until moved no double but did move the curve). Error-
 * free transformations: k x step = p + pe, t0 + p = q + qe. */
static int cmp_sample_time(double t0, size_t k, double step, double until) {
  double kk = (double)k;
  double p = kk * step;
  double pe = fma(kk, step, -p);
  double q = t0 + p;
  double b = q - t0;
  double qe = (t0 - (q - b)) + (p - b);
  if (q != until) {
    return q < until ? -1 : 1;
  }
  double e = qe + pe;
  return e < 0.0 ? -1 : e > 0.0 ? 1 : 0;
}

/* The relative tolerance of the identities that go through the gains of
 * the slow modes (sum gain / rate = 1000 / cl, hence auc_inf): 1e-9, plus
 * 1e-15 x the spread of the rates. The eigenvector components of slow
 * modes far below the fastest one are less accurate than the rates (a
 * stiff model at the validation limits, rates 1e-11 and 2e-9 per minute
 * against 100, was 2e-9 off with gains off by up to 1e-7); typical models
 * (spread below 1e3) get 1e-9. */
static double stiff_tol(const infuse_pk_system_t *s) {
  double spread = s->lambda_per_min[s->modes - 1] / s->lambda_per_min[0];
  return 1e-9 + 1e-15 * spread;
}

static void decode_model(fz_t *f, uint8_t flags, uint8_t kind,
                         infuse_pk_model_t *m, infuse_diag_t *dp) {
  memset(m, 0, sizeof *m);
  m->struct_size = (uint32_t)sizeof *m;
  switch (kind % 3u) {
  case 0: {
    size_t count = infuse_pk_model_count();
    size_t i = fz_u8(f) % (count + 1);
    const char *name = i < count ? infuse_pk_model_name(i) : "nope";
    FZ_CHECK(name != NULL);
    infuse_pk_model_t before;
    memset(m, SENTINEL, sizeof *m);
    m->struct_size = (uint32_t)sizeof *m;
    memcpy(&before, m, sizeof before);
    int rc = infuse_pk_model_get(name, m, dp);
    check_error(rc, dp, m, &before, sizeof *m);
    FZ_CHECK((rc == INFUSE_OK) == (i < count));
    if (rc == INFUSE_OK) {
      FZ_CHECK(infuse_pk_model_validate(m, NULL) == INFUSE_OK);
    } else {
      /* fall back to the first built-in set */
      FZ_CHECK(infuse_pk_model_get(infuse_pk_model_name(0), m, NULL) ==
               INFUSE_OK);
    }
    break;
  }
  case 1: {
    m->compartments = fz_pick32(f, 1, 3);
    m->v1_l_per_kg = fz_double(f, 1e-4, 100.0);
    m->k10 = fz_double(f, 1e-9, 100.0);
    bool all = (flags & 32u) != 0;
    double k12 = fz_double(f, 1e-9, 100.0);
    double k13 = fz_double(f, 1e-9, 100.0);
    double k21 = fz_double(f, 1e-9, 100.0);
    double k31 = fz_double(f, 1e-9, 100.0);
    if (all || m->compartments >= 2) {
      m->k12 = k12;
      m->k21 = k21;
    }
    if (all || m->compartments >= 3) {
      m->k13 = k13;
      m->k31 = k31;
    }
    int rc = infuse_pk_model_validate(m, dp);
    check_error(rc, dp, NULL, NULL, 0);
    break;
  }
  default: {
    int32_t n = fz_pick32(f, 1, 3);
    bool all = (flags & 32u) != 0;
    double v1 = fz_double(f, 1e-4, 100.0);
    double v2 = fz_double(f, 1e-4, 100.0);
    double v3 = fz_double(f, 1e-4, 100.0);
    double cl = fz_double(f, 1e-7, 10.0);
    double q2 = fz_double(f, 1e-7, 10.0);
    double q3 = fz_double(f, 1e-7, 10.0);
    if (!all && n < 3) {
      v3 = q3 = 0.0;
    }
    if (!all && n < 2) {
      v2 = q2 = 0.0;
    }
    infuse_pk_model_t before;
    memset(m, SENTINEL, sizeof *m);
    m->struct_size = (uint32_t)sizeof *m;
    memcpy(&before, m, sizeof before);
    int rc = infuse_pk_model_from_clearances(n, v1, v2, v3, cl, q2, q3, m, dp);
    check_error(rc, dp, m, &before, sizeof *m);
    if (rc == INFUSE_OK) {
      FZ_CHECK(m->compartments == n);
      FZ_CHECK(m->v1_l_per_kg == v1);
      FZ_CHECK(m->k10 == cl / v1);
      FZ_CHECK(m->k12 == (n >= 2 ? q2 / v1 : 0.0));
      FZ_CHECK(m->k21 == (n >= 2 ? q2 / v2 : 0.0));
      FZ_CHECK(m->k13 == (n >= 3 ? q3 / v1 : 0.0));
      FZ_CHECK(m->k31 == (n >= 3 ? q3 / v3 : 0.0));
      FZ_CHECK(infuse_pk_model_validate(m, NULL) == INFUSE_OK);
    } else {
      memset(m, 0, sizeof *m);
      m->struct_size = (uint32_t)sizeof *m;
      m->compartments = n;
      m->v1_l_per_kg = v1;
      m->k10 = cl; /* something hostile for the calls below */
    }
    break;
  }
  }
}

/* A prepared system's documented properties. */
static void check_system(const infuse_pk_model_t *m, double weight,
                         const infuse_pk_system_t *s) {
  FZ_CHECK(s->struct_size == sizeof *s);
  FZ_CHECK(s->modes == m->compartments);
  FZ_CHECK(s->weight_kg == weight);
  FZ_CHECK(s->v1_l == m->v1_l_per_kg * weight);
  FZ_CHECK(s->cl_l_per_min == m->k10 * s->v1_l);
  FZ_CHECK(isfinite(s->v1_l) && s->v1_l > 0.0);
  FZ_CHECK(isfinite(s->cl_l_per_min) && s->cl_l_per_min > 0.0);
  double gsum = 0.0, ss = 0.0;
  for (int i = 0; i < s->modes; i++) {
    double l = s->lambda_per_min[i], g = s->gain_ng_per_ml_per_mg[i];
    FZ_CHECK(isfinite(l) && l > 0.0);
    FZ_CHECK(i == 0 || l >= s->lambda_per_min[i - 1]);
    FZ_CHECK(isfinite(g) && g >= 0.0);
    gsum += g;
    ss += g / l;
  }
  FZ_CHECK(close_rel(gsum, 1000.0 / s->v1_l, 1e-9));
  FZ_CHECK(close_rel(ss, 1000.0 / s->cl_l_per_min, stiff_tol(s)));
}

/* One field of a system replaced by a hostile value. */
static void corrupt_system(fz_t *f, infuse_pk_system_t *s) {
  uint8_t which = fz_u8(f);
  int i = (which >> 4) % INFUSE_PK_MAX_MODES;
  switch (which % 6u) {
  case 0:
    s->modes = fz_pick32(f, 0, 4);
    break;
  case 1:
    s->v1_l = fz_double(f, 1e-300, 1e3);
    break;
  case 2:
    s->cl_l_per_min = fz_double(f, 1e-300, 1e3);
    break;
  case 3:
    s->lambda_per_min[i] = fz_double(f, 1e-300, 1e3);
    break;
  case 4:
    s->gain_ng_per_ml_per_mg[i] = fz_double(f, 0.0, 1e300);
    break;
  default:
    s->weight_kg = fz_double(f, 0.0, 500.0); /* not read by the calls */
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) {
    return 0;
  }
  fz_t f = {data, size};
  uint8_t flags = fz_u8(&f);
  uint8_t kind = fz_u8(&f);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  infuse_diag_t *dp = (flags & 1u) != 0 ? NULL : &d;

  infuse_pk_model_t model;
  decode_model(&f, flags, kind, &model, dp);
  double weight = fz_double(&f, 0.5, 500.0);

  /* a spoiled struct size: 0 population, 1 patient model, 2 system,
   * 3 summary */
  int spoil = -1;
  uint32_t spoil_size = 0;

  infuse_pk_population_t pop;
  bool population = (flags & 16u) != 0;
  uint64_t index = 0;
  if (population) {
    memset(&pop, 0, sizeof pop);
    pop.struct_size = (uint32_t)sizeof pop;
    pop.model = model;
    pop.variability_cv = fz_double(&f, 0.0, 2.0);
    pop.weight_median_kg = fz_double(&f, 20.0, 300.0);
    pop.weight_cv = fz_double(&f, 0.0, 1.0);
    pop.seed = fz_u64(&f);
    index = fz_u64(&f);
  }
  if ((flags & 8u) != 0) {
    spoil = fz_u8(&f) % 4;
    spoil_size = fz_u32(&f);
    if (spoil_size == 0) {
      spoil_size = 1;
    }
  }
  if (population) {
    infuse_pk_model_t pm, pm_before;
    double w = 0.0, w_before;
    memset(&pm, SENTINEL, sizeof pm);
    memset(&w, SENTINEL, sizeof w);
    pm.struct_size = (uint32_t)sizeof pm;
    if (spoil == 0) {
      pop.struct_size = spoil_size;
    } else if (spoil == 1) {
      pm.struct_size = spoil_size;
    }
    memcpy(&pm_before, &pm, sizeof pm);
    memcpy(&w_before, &w, sizeof w);
    int rc = infuse_pk_patient(&pop, index, &pm, &w, dp);
    check_error(rc, dp, &pm, &pm_before, sizeof pm);
    FZ_CHECK(memcmp(&w, &w_before, sizeof w) == 0 || rc == INFUSE_OK);
    bool wrong = (spoil == 0 && spoil_size != sizeof pop) ||
                 (spoil == 1 && spoil_size != sizeof pm);
    if (wrong) {
      FZ_CHECK(rc == INFUSE_E_STRUCT_SIZE);
    }
    if (rc == INFUSE_OK) {
      FZ_CHECK(infuse_pk_model_validate(&pm, NULL) == INFUSE_OK);
      FZ_CHECK(pm.compartments == pop.model.compartments);
      FZ_CHECK(w > 0.0 && w <= 500.0);
      if (pop.variability_cv == 0.0) {
        FZ_CHECK(memcmp(&pm, &pop.model, sizeof pm) == 0);
      }
      if (pop.weight_cv == 0.0) {
        FZ_CHECK(w == pop.weight_median_kg);
      }
      infuse_pk_model_t again;
      double w2 = 0.0;
      memset(&again, 0, sizeof again);
      again.struct_size = (uint32_t)sizeof again;
      FZ_CHECK(infuse_pk_patient(&pop, index, &again, &w2, NULL) == INFUSE_OK);
      FZ_CHECK(memcmp(&again, &pm, sizeof pm) == 0 && w2 == w);
      model = pm;
      weight = w;
    }
  }

  /* prepare */
  infuse_pk_system_t sys, sys_before;
  memset(&sys, SENTINEL, sizeof sys);
  sys.struct_size = (uint32_t)sizeof sys;
  if (spoil == 2) {
    sys.struct_size = spoil_size;
  }
  memcpy(&sys_before, &sys, sizeof sys);
  int rc_prep = infuse_pk_prepare(&model, weight, &sys, dp);
  check_error(rc_prep, dp, &sys, &sys_before, sizeof sys);
  if (spoil == 2 && spoil_size != sizeof sys) {
    FZ_CHECK(rc_prep == INFUSE_E_STRUCT_SIZE);
  }
  bool prepared = rc_prep == INFUSE_OK;
  if (prepared) {
    check_system(&model, weight, &sys);
  } else {
    /* a system from a valid model, for the calls below */
    infuse_pk_model_t dm;
    memset(&dm, 0, sizeof dm);
    dm.struct_size = (uint32_t)sizeof dm;
    FZ_CHECK(infuse_pk_model_get(infuse_pk_model_name(0), &dm, NULL) ==
             INFUSE_OK);
    memset(&sys, 0, sizeof sys);
    sys.struct_size = (uint32_t)sizeof sys;
    FZ_CHECK(infuse_pk_prepare(&dm, 70.0, &sys, NULL) == INFUSE_OK);
    prepared = true;
  }
  if ((flags & 4u) != 0) {
    corrupt_system(&f, &sys);
    prepared = false; /* cl and the gains may disagree now */
  }

  /* infusions */
  size_t n_inf = fz_u8(&f) % (MAX_FUZZ_INFUSIONS + 1);
  infuse_pk_infusion_t inf[MAX_FUZZ_INFUSIONS];
  double total_mg = 0.0;
  double prev_end = 0.0;
  for (size_t i = 0; i < n_inf; i++) {
    if ((flags & 2u) != 0) {
      inf[i].start_min = prev_end + fz_double(&f, 0.0, 3000.0);
    } else {
      inf[i].start_min = fz_double(&f, 0.0, 1e4);
    }
    inf[i].duration_min = fz_double(&f, 0.0, 600.0);
    inf[i].dose_mg = fz_double(&f, 1e-3, 1e4);
    prev_end = inf[i].start_min + inf[i].duration_min;
    total_mg += inf[i].dose_mg;
  }
  /* no dose or rate in (or near) the subnormals: a subnormal rate loses
   * its precision or underflows to 0, and the mass balance with it */
  bool normal = true;
  for (size_t i = 0; i < n_inf; i++) {
    double span = (inf[i].start_min + inf[i].duration_min) - inf[i].start_min;
    normal = normal && inf[i].dose_mg >= 1e-290 &&
             (span == 0.0 || inf[i].dose_mg / span >= 1e-290);
  }
  double t0 = fz_double(&f, 0.0, 1e4);
  double step = fz_double(&f, 1e-3, 1e3);
  size_t n = fz_u16(&f) % (MAX_FUZZ_SAMPLES + 1);
  double until = fz_double(&f, 1e-3, 1e5);
  double threshold = fz_double(&f, 0.0, 1e4);
  if (spoil == 2) {
    sys.struct_size = spoil_size; /* also when prepare refused it */
  }

  const infuse_pk_infusion_t *inf_arg = inf;
  size_t n_inf_arg = n_inf;
  infuse_pk_infusion_t *many = NULL;
  bool null_inf = false, null_conc = false;
  if ((flags & 64u) != 0) {
    uint8_t b = fz_u8(&f);
    null_inf = (b & 1u) != 0 && n_inf > 0;
    null_conc = (b & 2u) != 0 && n > 0;
    if (null_inf) {
      inf_arg = NULL;
    }
  }
  if ((flags & 128u) != 0) {
    n_inf_arg = INFUSE_PK_MAX_INFUSIONS + 1;
    many = calloc(n_inf_arg, sizeof *many);
    if (many == NULL) {
      abort();
    }
    inf_arg = many;
    null_inf = false;
  }

  /* curve: n samples and guard values after them */
  double *conc = malloc((n + GUARD_SAMPLES) * sizeof *conc);
  double *conc_before = malloc((n + GUARD_SAMPLES) * sizeof *conc);
  if (conc == NULL || conc_before == NULL) {
    abort();
  }
  memset(conc, SENTINEL, (n + GUARD_SAMPLES) * sizeof *conc);
  memcpy(conc_before, conc, (n + GUARD_SAMPLES) * sizeof *conc);
  int rc_curve = infuse_pk_curve(&sys, inf_arg, n_inf_arg, t0, step, n,
                                 null_conc ? NULL : conc, dp);
  check_error(rc_curve, dp, conc, conc_before,
              (n + GUARD_SAMPLES) * sizeof *conc);
  FZ_CHECK(memcmp(conc + n, conc_before + n, GUARD_SAMPLES * sizeof *conc) ==
           0);
  if (null_inf || null_conc) {
    FZ_CHECK(rc_curve == INFUSE_E_NULL);
  } else if (spoil == 2 && spoil_size != sizeof sys) {
    FZ_CHECK(rc_curve == INFUSE_E_STRUCT_SIZE);
  }
  if (many != NULL && !null_conc && rc_curve != INFUSE_E_STRUCT_SIZE) {
    FZ_CHECK(rc_curve == INFUSE_E_RANGE || rc_curve == INFUSE_E_INVALID);
  }
  if (rc_curve == INFUSE_OK) {
    for (size_t k = 0; k < n; k++) {
      FZ_CHECK(isfinite(conc[k]));
      FZ_CHECK(conc[k] >= 0.0 && !signbit(conc[k]));
    }
  }

  /* summary */
  infuse_pk_summary_t sum, sum_before;
  memset(&sum, SENTINEL, sizeof sum);
  sum.struct_size = (uint32_t)sizeof sum;
  if (spoil == 3) {
    sum.struct_size = spoil_size;
  }
  memcpy(&sum_before, &sum, sizeof sum);
  int rc_sum =
      infuse_pk_summarize(&sys, inf_arg, n_inf_arg, until, threshold, &sum, dp);
  check_error(rc_sum, dp, &sum, &sum_before, sizeof sum);
  if (null_inf) {
    FZ_CHECK(rc_sum == INFUSE_E_NULL);
  } else if ((spoil == 2 && spoil_size != sizeof sys) ||
             (spoil == 3 && spoil_size != sizeof sum)) {
    FZ_CHECK(rc_sum == INFUSE_E_STRUCT_SIZE);
  }
  if (many != NULL && rc_sum != INFUSE_E_STRUCT_SIZE) {
    FZ_CHECK(rc_sum == INFUSE_E_RANGE || rc_sum == INFUSE_E_INVALID);
  }
  if (rc_sum == INFUSE_OK) {
    const double v[6] = {sum.cmax_ng_per_ml,  sum.tmax_min,
                         sum.auc_ng_h_per_ml, sum.auc_inf_ng_h_per_ml,
                         sum.time_above_min,  sum.c_until_ng_per_ml};
    FZ_CHECK(all_finite(v, 6));
    FZ_CHECK(sum.struct_size == sizeof sum);
    FZ_CHECK(sum.cmax_ng_per_ml >= 0.0);
    FZ_CHECK(sum.tmax_min >= 0.0 && sum.tmax_min <= until);
    FZ_CHECK(sum.time_above_min >= 0.0 && sum.time_above_min <= until);
    FZ_CHECK(sum.c_until_ng_per_ml >= 0.0 &&
             sum.c_until_ng_per_ml <= sum.cmax_ng_per_ml);
    FZ_CHECK(sum.auc_ng_h_per_ml >= 0.0);
    if (threshold == 0.0 || sum.cmax_ng_per_ml <= threshold) {
      FZ_CHECK(sum.time_above_min == 0.0);
    }
    double auc_inf = total_mg * 1000.0 / sys.cl_l_per_min / 60.0;
    FZ_CHECK(close_rel(sum.auc_inf_ng_h_per_ml, auc_inf, 1e-12));
    if (n_inf == 0) {
      FZ_CHECK(sum.cmax_ng_per_ml == 0.0 && sum.auc_ng_h_per_ml == 0.0 &&
               sum.auc_inf_ng_h_per_ml == 0.0 && sum.time_above_min == 0.0);
    }
    if (prepared && normal) {
      FZ_CHECK(sum.auc_ng_h_per_ml <=
               sum.auc_inf_ng_h_per_ml * (1.0 + stiff_tol(&sys)) + TINY);
    }
  }

  /* mass balance: on a prepared system every dose comes out again, so the
   * AUC to 50 slowest time constants after the last infusion ends is
   * auc_inf (the rest is below e^-50 of it) */
  if (rc_sum == INFUSE_OK && prepared && n_inf > 0 && n_inf_arg == n_inf) {
    double last_end = 0.0;
    for (size_t i = 0; i < n_inf; i++) {
      double e = inf[i].start_min + inf[i].duration_min;
      last_end = e > last_end ? e : last_end;
    }
    double far = last_end + 50.0 / sys.lambda_per_min[0];
    if (far <= 1e9 && normal) {
      infuse_pk_summary_t all;
      memset(&all, 0, sizeof all);
      all.struct_size = (uint32_t)sizeof all;
      FZ_CHECK(infuse_pk_summarize(&sys, inf, n_inf, far, threshold, &all,
                                   NULL) == INFUSE_OK);
      FZ_CHECK(fabs(all.auc_ng_h_per_ml - all.auc_inf_ng_h_per_ml) <=
               stiff_tol(&sys) * all.auc_inf_ng_h_per_ml + TINY);
      FZ_CHECK(all.auc_inf_ng_h_per_ml == sum.auc_inf_ng_h_per_ml);
    }
  }

  /* the samples against the summary of the same system and infusions: a
   * sample at a time in [0, until] is at most cmax, and one at until is
   * c_until */
  if (rc_curve == INFUSE_OK && rc_sum == INFUSE_OK) {
    for (size_t k = 0; k < n; k++) {
      int where = cmp_sample_time(t0, k, step, until);
      if (where > 0) {
        break;
      }
      FZ_CHECK(conc[k] <= sum.cmax_ng_per_ml * (1.0 + 1e-9) + TINY);
      if (where == 0) {
        FZ_CHECK(fabs(conc[k] - sum.c_until_ng_per_ml) <=
                 1e-9 * sum.cmax_ng_per_ml + TINY);
      }
    }
  }
  /* time above against a grid: G cells over [0, until], sampled at their
   * midpoints. A cell without a crossing is wholly above or wholly below
   * the threshold, so the grid's count misses the time above by at most
   * one cell per crossing: c is monotone on at most `modes` pieces of each
   * of the at most 2 n + 1 intervals between events, and a bolus may jump
   * across once. Samples within the accuracy of the threshold (a touch)
   * count as unknown. */
  if (rc_sum == INFUSE_OK && prepared && normal && n_inf_arg == n_inf &&
      threshold > 0.0 && until >= 1e-3) {
    enum { G = 8192 };
    static double grid[G];
    double h = until / G;
    FZ_CHECK(infuse_pk_curve(&sys, inf, n_inf, 0.5 * h, h, G, grid, NULL) ==
             INFUSE_OK);
    double band = stiff_tol(&sys) * sum.cmax_ng_per_ml + TINY;
    size_t sure = 0;
    size_t maybe = 0;
    for (size_t k = 0; k < G; k++) {
      sure += grid[k] > threshold + band;
      maybe += grid[k] >= threshold - band;
    }
    double slack =
        (double)((size_t)sys.modes * (2 * n_inf + 1) + n_inf + 1) * h;
    FZ_CHECK(sum.time_above_min >= (double)sure * h - slack - 1e-9 * until);
    FZ_CHECK(sum.time_above_min <= (double)maybe * h + slack + 1e-9 * until);
  }
  free(conc);
  free(conc_before);
  free(many);
  return 0;
}
