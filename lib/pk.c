/*
 * pk.c - pharmacokinetics: linear mammillary models (1 to 3 compartments,
 * input into and elimination from the central one), their modal form,
 * concentration curves, grid-free summaries (Cmax, Tmax, AUC, time above a
 * threshold) and virtual patients.
 *
 * Units, everywhere in this file: time in minutes, rate constants per
 * minute, volumes in litres, clearances in litres per minute, amounts in
 * mg, infusion rates in mg/min, concentrations in ng/mL (1 mg/L = 1 ug/mL
 * = 1000 ng/mL) and AUC in ng x h/mL (the integral in ng x min/mL divided
 * by 60).
 *
 * The modal form. With V_i = V1 k1i / ki1, Q_i = k1i V1 and CL = k10 V1,
 * the concentrations obey V c' = -K c + r e1 with the symmetric clearance
 * matrix K = [[CL + Q2 + Q3, -Q2, -Q3], [-Q2, Q2, 0], [-Q3, 0, Q3]].
 * B = V^-1/2 K V^-1/2 depends on the rate constants only:
 *   B = [[k10 + k12 + k13, -sqrt(k12 k21), -sqrt(k13 k31)],
 *        [-sqrt(k12 k21),   k21,            0            ],
 *        [-sqrt(k13 k31),   0,              k31          ]].
 * Its orthogonal eigendecomposition B = W diag(lambda) W^T (cyclic Jacobi)
 * gives c1 = sum_i u_i with u_i' = -lambda_i u_i + gain_i r and
 * gain_i = 1000 W[0][i]^2 / V1 (ng/mL per mg). Every gain is >= 0, the
 * gains add up to 1000 / V1 and sum_i gain_i / lambda_i = 1000 / CL.
 * Because every u_i starts at 0 and is driven by r >= 0, every u_i stays
 * >= 0: c1 is a sum of non-negative terms and keeps its relative accuracy
 * however small it gets.
 *
 * Propagation over dt at a constant rate r, with z = -lambda dt:
 *   u(dt)        = u e^z + gain r dt phi1(z),
 *   int_0^dt u   = u dt phi1(z) + gain r dt^2 phi2(z),
 * with phi1(z) = (e^z - 1) / z and phi2(z) = (e^z - 1 - z) / z^2.
 * phi1 and phi2 come from a Taylor series for |z| < 1/8 (no cancellation
 * near tiny rate constants) and from one exp() otherwise.
 *
 * No allocation, no global state except the const tables, no I/O: every
 * function is reentrant. Results are built in locals and copied out only
 * when complete, so an error writes nothing but the diagnostic.
 */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* ===========================================================================
 * Limits
 * ========================================================================= */

/* Every time (a start, an end, t0 + (n - 1) step, until) is at most this
 * many minutes (about 1900 years): dt^2 and dt / lambda stay finite. */
#define PK_MAX_TIME_MIN 1e9
/* A concentration, AUC or rate x gain above this is refused (E_RANGE)
 * rather than allowed to overflow later. */
#define PK_MAX_MAGNITUDE 1e280
/* The central volume, clearance and slowest rate of a prepared system are
 * at least this, so 1000 / V1, 1000 / CL and 1 / lambda are finite. */
#define PK_MIN_POSITIVE 1e-300
/* |z| below which phi1 and phi2 come from their Taylor series. */
#define PK_TAYLOR_Z 0.125

/* ===========================================================================
 * Built-in parameter sets (CLINICAL.md 7; docs/clinical.md). Both "as coded
 * in open-source TCI software", pending a check against the papers.
 * ========================================================================= */

typedef struct pk_builtin {
  const char *name;
  int32_t compartments;
  double v1, k10, k12, k13, k21, k31;
} pk_builtin_t;

static const pk_builtin_t PK_BUILTIN[] = {
    /* Domino et al. 1982 */
    {"domino", 3, 0.063, 0.4381, 0.5921, 0.5900, 0.2470, 0.0146},
    /* Clements & Nimmo, BJA 1981 (250 ug/kg) */
    {"clements", 2, 1.7522, 0.0109, 0.0186, 0.0, 0.0137, 0.0},
};

#define PK_N_BUILTIN (sizeof PK_BUILTIN / sizeof PK_BUILTIN[0])

/* ===========================================================================
 * Diagnostics
 * ========================================================================= */

/* Append x with 9 significant digits, locale-independent: "0.4381",
 * "1e-09", "-inf", "nan". Only for messages. */
static void put_double(infuse__sb_t *sb, double x) {
  if (isnan(x)) {
    infuse__sb_puts(sb, "nan");
    return;
  }
  if (signbit(x) && x != 0.0) {
    infuse__sb_putc(sb, '-');
    x = -x;
  }
  if (isinf(x)) {
    infuse__sb_puts(sb, "inf");
    return;
  }
  if (x == 0.0) {
    infuse__sb_putc(sb, '0');
    return;
  }
  int e10 = (int)floor(log10(x));
  /* scale x to [1e8, 1e9): x * 10^(8 - e10), in two steps for subnormals */
  int k = 8 - e10;
  double s = x;
  if (k > 300) {
    s *= 1e300;
    k -= 300;
  }
  s *= pow(10.0, (double)k);
  double rounded = nearbyint(s);
  if (rounded >= 1e9) {
    rounded = nearbyint(rounded / 10.0);
    e10++;
  } else if (rounded < 1e8) {
    rounded = nearbyint(s * 10.0);
    e10--;
  }
  uint64_t d = (uint64_t)rounded;
  char dig[9];
  for (int i = 8; i >= 0; --i) {
    dig[i] = (char)('0' + (int)(d % 10u));
    d /= 10u;
  }
  int nd = 9;
  while (nd > 1 && dig[nd - 1] == '0') {
    nd--;
  }
  if (e10 >= -5 && e10 < 9) {
    if (e10 < 0) {
      infuse__sb_puts(sb, "0.");
      for (int i = 0; i < -e10 - 1; ++i) {
        infuse__sb_putc(sb, '0');
      }
      infuse__sb_putn(sb, dig, (size_t)nd);
    } else {
      /* the digits past nd are the stripped zeros */
      infuse__sb_putn(sb, dig, (size_t)e10 + 1u);
      if (nd > e10 + 1) {
        infuse__sb_putc(sb, '.');
        infuse__sb_putn(sb, dig + e10 + 1, (size_t)(nd - e10 - 1));
      }
    }
    return;
  }
  infuse__sb_putc(sb, dig[0]);
  if (nd > 1) {
    infuse__sb_putc(sb, '.');
    infuse__sb_putn(sb, dig + 1, (size_t)(nd - 1));
  }
  infuse__sb_putc(sb, 'e');
  infuse__sb_putc(sb, e10 < 0 ? '-' : '+');
  int ae = e10 < 0 ? -e10 : e10;
  if (ae < 10) {
    infuse__sb_putc(sb, '0');
  }
  infuse__sb_int(sb, ae);
}

/* diag: field, the value as text, "'<value>' <what>". Returns status. */
static int fail_num(infuse_diag_t *diag, int status, const char *field,
                    double v, const char *what) {
  if (diag == NULL) {
    return status;
  }
  char text[INFUSE_DIAG_VALUE_MAX];
  infuse__sb_t sb;
  infuse__sb_init(&sb, text, sizeof text);
  put_double(&sb, v);
  infuse__sb_finish(&sb);
  return infuse__fail(diag, status, field, text, "'", text, what);
}

static int fail_null(infuse_diag_t *diag, const char *field) {
  return infuse__fail(diag, INFUSE_E_NULL, field, "", "is NULL", NULL, NULL);
}

static int fail_size(infuse_diag_t *diag, const char *field, uint32_t size,
                     const char *type) {
  return infuse__fail_q(diag, INFUSE_E_STRUCT_SIZE, field, (int64_t)size,
                        INFUSE_UNIT_COUNT, "is not sizeof(", type,
                        ") of this library");
}

/* "<prefix><name>" into buf. */
static const char *field_name(char *buf, size_t cap, const char *prefix,
                              const char *name) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, buf, cap);
  infuse__sb_puts(&sb, prefix);
  infuse__sb_puts(&sb, name);
  infuse__sb_finish(&sb);
  return buf;
}

/* "infusions[<i>].<name>" into buf. */
static const char *infusion_field(char *buf, size_t cap, size_t i,
                                  const char *name) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, buf, cap);
  infuse__sb_puts(&sb, "infusions[");
  infuse__sb_int(&sb, (int64_t)i);
  infuse__sb_puts(&sb, "].");
  infuse__sb_puts(&sb, name);
  infuse__sb_finish(&sb);
  return buf;
}

/* ===========================================================================
 * Models
 * ========================================================================= */

size_t infuse_pk_model_count(void) { return PK_N_BUILTIN; }

const char *infuse_pk_model_name(size_t index) {
  return index < PK_N_BUILTIN ? PK_BUILTIN[index].name : NULL;
}

int infuse_pk_model_get(const char *name, infuse_pk_model_t *model,
                        infuse_diag_t *diag) {
  if (name == NULL || model == NULL) {
    return fail_null(diag, name == NULL ? "name" : "model");
  }
  if (model->struct_size != sizeof(infuse_pk_model_t)) {
    return fail_size(diag, "model.struct_size", model->struct_size,
                     "infuse_pk_model_t");
  }
  for (size_t i = 0; i < PK_N_BUILTIN; ++i) {
    const pk_builtin_t *b = &PK_BUILTIN[i];
    if (strcmp(name, b->name) == 0) {
      infuse_pk_model_t m;
      memset(&m, 0, sizeof m);
      m.struct_size = (uint32_t)sizeof m;
      m.compartments = b->compartments;
      m.v1_l_per_kg = b->v1;
      m.k10 = b->k10;
      m.k12 = b->k12;
      m.k13 = b->k13;
      m.k21 = b->k21;
      m.k31 = b->k31;
      *model = m;
      return INFUSE_OK;
    }
  }
  return infuse__fail(diag, INFUSE_E_INVALID, "name", name,
                      "is not a built-in parameter set; accepted: domino, "
                      "clements",
                      NULL, NULL);
}

/* The model's checks with field names "<prefix>k12" etc. */
static int validate_model(const infuse_pk_model_t *m, const char *prefix,
                          infuse_diag_t *diag) {
  char field[INFUSE_DIAG_FIELD_MAX];
  if (m->struct_size != sizeof(infuse_pk_model_t)) {
    return fail_size(diag,
                     field_name(field, sizeof field, prefix, "struct_size"),
                     m->struct_size, "infuse_pk_model_t");
  }
  if (m->compartments < 1 || m->compartments > 3) {
    return infuse__check_range(
        diag, INFUSE_E_INVALID,
        field_name(field, sizeof field, prefix, "compartments"),
        m->compartments, 1, 3, " compartments");
  }
  const char *names[6] = {"v1_l_per_kg", "k10", "k12", "k13", "k21", "k31"};
  const double v[6] = {m->v1_l_per_kg, m->k10, m->k12, m->k13, m->k21, m->k31};
  for (int i = 0; i < 6; ++i) {
    if (!isfinite(v[i])) {
      return fail_num(diag, INFUSE_E_INVALID,
                      field_name(field, sizeof field, prefix, names[i]), v[i],
                      "' is not a finite number");
    }
  }
  /* k12, k21 used from 2 compartments on; k13, k31 with 3. */
  for (int i = 2; i < 6; ++i) {
    bool used =
        (i == 2 || i == 4) ? m->compartments >= 2 : m->compartments >= 3;
    if (!used && v[i] != 0.0) {
      return fail_num(diag, INFUSE_E_INVALID,
                      field_name(field, sizeof field, prefix, names[i]), v[i],
                      m->compartments == 1
                          ? "' must be 0 in a 1-compartment model"
                          : "' must be 0 in a 2-compartment model");
    }
  }
  if (!(v[0] > 0.0 && v[0] <= 100.0)) {
    return fail_num(diag, INFUSE_E_RANGE,
                    field_name(field, sizeof field, prefix, names[0]), v[0],
                    "' is outside (0, 100] L/kg");
  }
  if (!(v[1] > 0.0 && v[1] <= 100.0)) {
    return fail_num(diag, INFUSE_E_RANGE,
                    field_name(field, sizeof field, prefix, names[1]), v[1],
                    "' is outside (0, 100] per minute");
  }
  for (int i = 2; i < 6; ++i) {
    bool used =
        (i == 2 || i == 4) ? m->compartments >= 2 : m->compartments >= 3;
    if (used && !(v[i] >= 1e-9 && v[i] <= 100.0)) {
      return fail_num(diag, INFUSE_E_RANGE,
                      field_name(field, sizeof field, prefix, names[i]), v[i],
                      "' is outside [1e-9, 100] per minute");
    }
  }
  return INFUSE_OK;
}

int infuse_pk_model_validate(const infuse_pk_model_t *model,
                             infuse_diag_t *diag) {
  if (model == NULL) {
    return fail_null(diag, "model");
  }
  return validate_model(model, "model.", diag);
}

int infuse_pk_model_from_clearances(
    int32_t compartments, double v1_l_per_kg, double v2_l_per_kg,
    double v3_l_per_kg, double cl_l_per_min_per_kg, double q2_l_per_min_per_kg,
    double q3_l_per_min_per_kg, infuse_pk_model_t *model, infuse_diag_t *diag) {
  if (model == NULL) {
    return fail_null(diag, "model");
  }
  if (model->struct_size != sizeof(infuse_pk_model_t)) {
    return fail_size(diag, "model.struct_size", model->struct_size,
                     "infuse_pk_model_t");
  }
  if (compartments < 1 || compartments > 3) {
    return infuse__check_range(diag, INFUSE_E_INVALID, "compartments",
                               compartments, 1, 3, " compartments");
  }
  const char *names[6] = {"v1_l_per_kg", "cl_l_per_min_per_kg",
                          "v2_l_per_kg", "q2_l_per_min_per_kg",
                          "v3_l_per_kg", "q3_l_per_min_per_kg"};
  const double v[6] = {v1_l_per_kg, cl_l_per_min_per_kg,
                       v2_l_per_kg, q2_l_per_min_per_kg,
                       v3_l_per_kg, q3_l_per_min_per_kg};
  for (int i = 0; i < 6; ++i) {
    if (!isfinite(v[i])) {
      return fail_num(diag, INFUSE_E_INVALID, names[i], v[i],
                      "' is not a finite number");
    }
  }
  for (int i = 2; i < 6; ++i) {
    bool used = compartments >= (i < 4 ? 2 : 3);
    if (!used && v[i] != 0.0) {
      return fail_num(diag, INFUSE_E_INVALID, names[i], v[i],
                      "' must be 0 for the number of compartments");
    }
  }
  for (int i = 0; i < 6; ++i) {
    bool used = i < 2 || compartments >= (i < 4 ? 2 : 3);
    if (used && !(v[i] > 0.0)) {
      return fail_num(diag, INFUSE_E_RANGE, names[i], v[i],
                      "' must be positive");
    }
  }
  infuse_pk_model_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = (uint32_t)sizeof m;
  m.compartments = compartments;
  m.v1_l_per_kg = v1_l_per_kg;
  m.k10 = cl_l_per_min_per_kg / v1_l_per_kg;
  if (compartments >= 2) {
    m.k12 = q2_l_per_min_per_kg / v1_l_per_kg;
    m.k21 = q2_l_per_min_per_kg / v2_l_per_kg;
  }
  if (compartments >= 3) {
    m.k13 = q3_l_per_min_per_kg / v1_l_per_kg;
    m.k31 = q3_l_per_min_per_kg / v3_l_per_kg;
  }
  INFUSE__TRY(validate_model(&m, "model.", diag));
  *model = m;
  return INFUSE_OK;
}

/* ===========================================================================
 * Preparing a system: Jacobi eigendecomposition of B
 * ========================================================================= */

/* Cyclic Jacobi on the symmetric positive definite n x n matrix a (n <= 3),
 * accumulating the rotations in v. An off-diagonal element is dropped once
 * a_pq^2 <= 2^-120 a_pp a_qq (the relative criterion of Demmel and
 * Veselic, which keeps small eigenvalues relatively accurate for
 * well-scaled matrices; an underflow to 0 on the right only costs a
 * rotation more). */
static void jacobi(int n, double a[3][3], double v[3][3]) {
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      v[i][j] = i == j ? 1.0 : 0.0;
    }
  }
  for (int sweep = 0; sweep < 60; ++sweep) {
    bool rotated = false;
    for (int p = 0; p < n - 1; ++p) {
      for (int q = p + 1; q < n; ++q) {
        double apq = a[p][q];
        if (apq == 0.0) {
          continue;
        }
        if (apq * apq <= 0x1p-120 * fabs(a[p][p] * a[q][q])) {
          a[p][q] = 0.0;
          a[q][p] = 0.0;
          continue;
        }
        double theta = (a[q][q] - a[p][p]) / (2.0 * apq);
        double t;
        if (fabs(theta) > 1e150) {
          t = 0.5 / theta;
        } else {
          t = 1.0 / (fabs(theta) + sqrt(theta * theta + 1.0));
          if (theta < 0.0) {
            t = -t;
          }
        }
        double c = 1.0 / sqrt(t * t + 1.0);
        double s = t * c;
        a[p][p] -= t * apq;
        a[q][q] += t * apq;
        a[p][q] = 0.0;
        a[q][p] = 0.0;
        for (int r = 0; r < n; ++r) {
          if (r != p && r != q) {
            double arp = a[r][p];
            double arq = a[r][q];
            a[r][p] = c * arp - s * arq;
            a[p][r] = a[r][p];
            a[r][q] = s * arp + c * arq;
            a[q][r] = a[r][q];
          }
        }
        for (int r = 0; r < n; ++r) {
          double vrp = v[r][p];
          double vrq = v[r][q];
          v[r][p] = c * vrp - s * vrq;
          v[r][q] = s * vrp + c * vrq;
        }
        rotated = true;
      }
    }
    if (!rotated) {
      break;
    }
  }
}

/* Eigenvalues (ascending) and first eigenvector components of B for a
 * validated model. Small eigenvalues are then recomputed from invariants of
 * B that have no cancellation (det B = k10 k21 k31 and the sum of the
 * principal 2 x 2 minors, all sums of positive products), so an
 * eigenvalue far below the largest keeps its relative accuracy even when
 * k10 is small against k12 + k13 (B badly scaled). */
static void modal(const infuse_pk_model_t *m, double lam[3], double w[3]) {
  int n = m->compartments;
  if (n == 1) {
    lam[0] = m->k10;
    w[0] = 1.0;
    return;
  }
  double a[3][3] = {{0}};
  double v[3][3];
  a[0][0] = m->k10 + m->k12 + m->k13;
  a[0][1] = -sqrt(m->k12 * m->k21);
  a[1][0] = a[0][1];
  a[1][1] = m->k21;
  if (n == 3) {
    a[0][2] = -sqrt(m->k13 * m->k31);
    a[2][0] = a[0][2];
    a[2][2] = m->k31;
  }
  jacobi(n, a, v);
  for (int i = 0; i < n; ++i) {
    lam[i] = a[i][i];
    w[i] = v[0][i];
  }
  /* sort ascending (n <= 3) */
  for (int i = 1; i < n; ++i) {
    for (int j = i; j > 0 && lam[j] < lam[j - 1]; --j) {
      double tl = lam[j];
      lam[j] = lam[j - 1];
      lam[j - 1] = tl;
      double tw = w[j];
      w[j] = w[j - 1];
      w[j - 1] = tw;
    }
  }
  if (n == 2) {
    /* lambda1 lambda2 = det B = k10 k21 */
    lam[0] = m->k10 * m->k21 / lam[1];
  } else {
    double e3 = m->k10 * m->k21 * m->k31;
    double e2 = (m->k10 + m->k13) * m->k21 + (m->k10 + m->k12) * m->k31 +
                m->k21 * m->k31;
    /* the two smaller eigenvalues: product P, sum S */
    double prod = e3 / lam[2];
    double sum = (e2 - prod) / lam[2];
    if (lam[1] < 1e-4 * lam[2] || !(lam[1] > 0.0)) {
      double disc = sum * sum - 4.0 * prod;
      if (disc >= 1e-4 * sum * sum || !(lam[1] > 0.0)) {
        lam[1] = 0.5 * (sum + sqrt(disc > 0.0 ? disc : 0.0));
      }
    }
    lam[0] = prod / lam[1];
    if (lam[0] > lam[1]) {
      /* the two were equal to rounding: keep the order */
      lam[0] = lam[1];
    }
  }
}

int infuse_pk_prepare(const infuse_pk_model_t *model, double weight_kg,
                      infuse_pk_system_t *sys, infuse_diag_t *diag) {
  if (model == NULL || sys == NULL) {
    return fail_null(diag, model == NULL ? "model" : "system");
  }
  if (sys->struct_size != sizeof(infuse_pk_system_t)) {
    return fail_size(diag, "system.struct_size", sys->struct_size,
                     "infuse_pk_system_t");
  }
  INFUSE__TRY(validate_model(model, "model.", diag));
  if (!isfinite(weight_kg)) {
    return fail_num(diag, INFUSE_E_INVALID, "weight", weight_kg,
                    "' is not a finite number");
  }
  if (!(weight_kg > 0.0 && weight_kg <= 500.0)) {
    return fail_num(diag, INFUSE_E_RANGE, "weight", weight_kg,
                    "' is outside (0, 500] kg");
  }
  double v1 = model->v1_l_per_kg * weight_kg;
  double cl = model->k10 * v1;
  if (!(v1 >= PK_MIN_POSITIVE && cl >= PK_MIN_POSITIVE)) {
    return fail_num(diag, INFUSE_E_RANGE, "weight", weight_kg,
                    "' kg makes the central volume or the clearance "
                    "smaller than 1e-300");
  }
  double lam[3] = {0.0, 0.0, 0.0};
  double w[3] = {0.0, 0.0, 0.0};
  modal(model, lam, w);
  int n = model->compartments;
  if (!(lam[0] >= PK_MIN_POSITIVE)) {
    return fail_num(diag, INFUSE_E_RANGE, "model.k10", model->k10,
                    "' makes the slowest rate of the system smaller than "
                    "1e-300 per minute");
  }
  infuse_pk_system_t s;
  memset(&s, 0, sizeof s);
  s.struct_size = (uint32_t)sizeof s;
  s.modes = n;
  s.weight_kg = weight_kg;
  s.v1_l = v1;
  s.cl_l_per_min = cl;
  double per_v1 = 1000.0 / v1; /* ng/mL per mg in the central volume */
  for (int i = 0; i < n; ++i) {
    s.lambda_per_min[i] = lam[i];
    s.gain_ng_per_ml_per_mg[i] = w[i] * w[i] * per_v1;
  }
  *sys = s;
  return INFUSE_OK;
}

/* ===========================================================================
 * Modes, coefficients, events
 * ========================================================================= */

typedef struct pk_modes {
  int m;
  double lam[3]; /* per min */
  double inv[3]; /* 1 / lam, min */
  double g[3];   /* ng/mL per mg */
  double ss[3];  /* g / lam: ng/mL per mg/min at steady state */
  double gsum;   /* ng/mL per mg (bolus response at 0) */
  double sssum;  /* ng/mL per mg/min = ng x min/mL per mg */
  double per_cl; /* 1000 / CL: auc_inf per mg, ng x min/mL */
} pk_modes_t;

/* Check a system (it may not come from infuse_pk_prepare) and load its
 * modes. */
static int load_system(const infuse_pk_system_t *sys, pk_modes_t *md,
                       infuse_diag_t *diag) {
  if (sys->struct_size != sizeof(infuse_pk_system_t)) {
    return fail_size(diag, "system.struct_size", sys->struct_size,
                     "infuse_pk_system_t");
  }
  if (sys->modes < 1 || sys->modes > INFUSE_PK_MAX_MODES) {
    return infuse__check_range(diag, INFUSE_E_INVALID, "system.modes",
                               sys->modes, 1, INFUSE_PK_MAX_MODES,
                               " (not a prepared system)");
  }
  if (!(isfinite(sys->v1_l) && sys->v1_l >= PK_MIN_POSITIVE)) {
    return fail_num(diag, INFUSE_E_INVALID, "system.v1_l", sys->v1_l,
                    "' is not a positive finite volume (not a prepared "
                    "system)");
  }
  if (!(isfinite(sys->cl_l_per_min) && sys->cl_l_per_min >= PK_MIN_POSITIVE)) {
    return fail_num(diag, INFUSE_E_INVALID, "system.cl_l_per_min",
                    sys->cl_l_per_min,
                    "' is not a positive finite clearance (not a prepared "
                    "system)");
  }
  memset(md, 0, sizeof *md);
  md->m = sys->modes;
  for (int i = 0; i < md->m; ++i) {
    double l = sys->lambda_per_min[i];
    double g = sys->gain_ng_per_ml_per_mg[i];
    if (!(isfinite(l) && l >= PK_MIN_POSITIVE &&
          (i == 0 || l >= sys->lambda_per_min[i - 1]))) {
      return fail_num(diag, INFUSE_E_INVALID, "system.lambda_per_min", l,
                      "' is not positive, finite and ascending (not a "
                      "prepared system)");
    }
    if (!(isfinite(g) && g >= 0.0 && g <= PK_MAX_MAGNITUDE)) {
      return fail_num(diag, INFUSE_E_INVALID, "system.gain_ng_per_ml_per_mg", g,
                      "' is not a finite gain >= 0 (not a prepared system)");
    }
    md->lam[i] = l;
    md->inv[i] = 1.0 / l;
    md->g[i] = g;
    md->ss[i] = g / l;
    md->gsum += g;
    md->sssum += md->ss[i];
  }
  if (!(md->sssum <= PK_MAX_MAGNITUDE)) {
    return fail_num(diag, INFUSE_E_INVALID, "system.lambda_per_min", md->lam[0],
                    "' gives a steady state that overflows (not a prepared "
                    "system)");
  }
  /* = sssum for a prepared system; for another one, the bound on doses
   * must keep auc_inf finite too */
  md->per_cl = 1000.0 / sys->cl_l_per_min;
  /* unused modes: no gain, no state, harmless rate */
  for (int i = md->m; i < 3; ++i) {
    md->lam[i] = 1.0;
    md->inv[i] = 1.0;
  }
  return INFUSE_OK;
}

/* phi2(w) = sum_{k>=0} w^k / (k+2)!, for |w| < 1/8 to a relative 2e-18;
 * four terms suffice below 2^-14 (the first omitted term is below 1e-20). */
static inline double phi2_series(double w) {
  if (fabs(w) < 0x1p-14) {
    return ((w * (1.0 / 120.0) + 1.0 / 24.0) * w + 1.0 / 6.0) * w + 0.5;
  }
  double p = 1.0 / 39916800.0; /* 1/11! */
  p = p * w + 1.0 / 3628800.0; /* 1/10! */
  p = p * w + 1.0 / 362880.0;  /* 1/9! */
  p = p * w + 1.0 / 40320.0;   /* 1/8! */
  p = p * w + 1.0 / 5040.0;    /* 1/7! */
  p = p * w + 1.0 / 720.0;     /* 1/6! */
  p = p * w + 1.0 / 120.0;     /* 1/5! */
  p = p * w + 1.0 / 24.0;      /* 1/4! */
  p = p * w + 1.0 / 6.0;       /* 1/3! */
  p = p * w + 0.5;             /* 1/2! */
  return p;
}

/* e^z: the series above for small |z|, exp() otherwise, and 0 without a
 * call where exp() would underflow to 0 anyway. */
static inline double exp_small(double z) {
  if (fabs(z) < PK_TAYLOR_Z) {
    return 1.0 + z * (1.0 + z * phi2_series(z));
  }
  return z < -746.0 ? 0.0 : exp(z);
}

/* For one mode over dt (any sign), z = -lam dt:
 *   *e = e^z, *f = dt phi1(z) = int_0^dt e^{-lam s} ds (min),
 *   *h = dt^2 phi2(z) = int_0^dt f(s) ds (min^2) when h != NULL. */
static inline void coef(double lam, double inv, double dt, double *e, double *f,
                        double *h) {
  double z = -lam * dt;
  if (fabs(z) < PK_TAYLOR_Z) {
    double p2 = phi2_series(z);
    double p1 = 1.0 + z * p2;
    *e = 1.0 + z * p1;
    *f = dt * p1;
    if (h != NULL) {
      *h = dt * (dt * p2);
    }
  } else {
    double ez = z < -746.0 ? 0.0 : exp(z);
    double fz = (1.0 - ez) * inv;
    *e = ez;
    *f = fz;
    if (h != NULL) {
      *h = (dt - fz) * inv;
    }
  }
}

/* The infusions after validation, as events: event 2j is the start of
 * infusion j, event 2j + 1 its end. */
typedef struct pk_events {
  const infuse_pk_infusion_t *inf;
  size_t n;
  double total_mg;
} pk_events_t;

/* The length of infusion x as the events see it: its end is the double
 * start + duration, which is not start + duration exactly. The rate is the
 * dose over this length, so every infusion delivers its dose; a duration
 * too short to move the end past the start (0 here) is a bolus. */
static inline double span(const infuse_pk_infusion_t *x) {
  return (x->start_min + x->duration_min) - x->start_min;
}

static inline double event_time(const pk_events_t *ev, size_t k) {
  if (k >= 2 * ev->n) {
    return HUGE_VAL;
  }
  const infuse_pk_infusion_t *x = &ev->inf[k / 2];
  return (k & 1u) ? x->start_min + x->duration_min : x->start_min;
}

/* Check the infusions. */
static int check_infusions(const pk_modes_t *md,
                           const infuse_pk_infusion_t *inf, size_t n,
                           pk_events_t *ev, infuse_diag_t *diag) {
  if (n > INFUSE_PK_MAX_INFUSIONS) {
    return fail_num(diag, INFUSE_E_RANGE, "n_infusions", (double)n,
                    "' is more than INFUSE_PK_MAX_INFUSIONS (100000)");
  }
  char field[INFUSE_DIAG_FIELD_MAX];
  double prev_end = 0.0;
  double total = 0.0;
  /* bounds on concentration and AUC per mg */
  double per_mg = md->gsum > md->sssum ? md->gsum : md->sssum;
  per_mg = md->per_cl > per_mg ? md->per_cl : per_mg;
  for (size_t i = 0; i < n; ++i) {
    const infuse_pk_infusion_t *x = &inf[i];
    if (!isfinite(x->start_min)) {
      return fail_num(diag, INFUSE_E_INVALID,
                      infusion_field(field, sizeof field, i, "start_min"),
                      x->start_min, "' is not a finite number");
    }
    if (!isfinite(x->duration_min)) {
      return fail_num(diag, INFUSE_E_INVALID,
                      infusion_field(field, sizeof field, i, "duration_min"),
                      x->duration_min, "' is not a finite number");
    }
    if (!isfinite(x->dose_mg)) {
      return fail_num(diag, INFUSE_E_INVALID,
                      infusion_field(field, sizeof field, i, "dose_mg"),
                      x->dose_mg, "' is not a finite number");
    }
    if (!(x->start_min >= 0.0 && x->start_min <= PK_MAX_TIME_MIN)) {
      return fail_num(diag, INFUSE_E_RANGE,
                      infusion_field(field, sizeof field, i, "start_min"),
                      x->start_min, "' min is outside [0, 1e9] min");
    }
    if (!(x->duration_min >= 0.0 &&
          x->start_min + x->duration_min <= PK_MAX_TIME_MIN)) {
      return fail_num(diag, INFUSE_E_RANGE,
                      infusion_field(field, sizeof field, i, "duration_min"),
                      x->duration_min,
                      "' min is negative or ends the infusion after 1e9 min");
    }
    if (!(x->dose_mg > 0.0)) {
      return fail_num(diag, INFUSE_E_RANGE,
                      infusion_field(field, sizeof field, i, "dose_mg"),
                      x->dose_mg, "' mg is not positive");
    }
    if (i > 0 && x->start_min < inf[i - 1].start_min) {
      return fail_num(diag, INFUSE_E_INVALID,
                      infusion_field(field, sizeof field, i, "start_min"),
                      x->start_min,
                      "' min is before the previous infusion's start; "
                      "infusions must be in order");
    }
    if (i > 0 && x->start_min < prev_end) {
      return fail_num(diag, INFUSE_E_INVALID,
                      infusion_field(field, sizeof field, i, "start_min"),
                      x->start_min,
                      "' min is before the previous infusion ends; "
                      "infusions must not overlap");
    }
    total += x->dose_mg;
    if (!(total * per_mg <= PK_MAX_MAGNITUDE)) {
      return fail_num(diag, INFUSE_E_RANGE,
                      infusion_field(field, sizeof field, i, "dose_mg"),
                      x->dose_mg,
                      "' mg makes the concentrations or the AUC overflow");
    }
    if (x->duration_min > 0.0 &&
        (!(x->dose_mg / x->duration_min * per_mg <= PK_MAX_MAGNITUDE) ||
         (span(x) > 0.0 &&
          !(x->dose_mg / span(x) * per_mg <= PK_MAX_MAGNITUDE)))) {
      return fail_num(diag, INFUSE_E_RANGE,
                      infusion_field(field, sizeof field, i, "duration_min"),
                      x->duration_min,
                      "' min is too short for the dose: the rate overflows");
    }
    prev_end = x->start_min + x->duration_min;
  }
  ev->inf = inf;
  ev->n = n;
  ev->total_mg = total;
  return INFUSE_OK;
}

/* Advance the modes by dt at rate r (mg/min). */
static inline void propagate(const pk_modes_t *md, double u[3], double r,
                             double dt) {
  for (int i = 0; i < md->m; ++i) {
    double e;
    double f;
    coef(md->lam[i], md->inv[i], dt, &e, &f, NULL);
    /* gain x rate first, as in interval(): it is finite (checked), while
     * rate x f can underflow where the whole product does not */
    u[i] = u[i] * e + (md->g[i] * r) * f;
  }
}

/* Apply event k at its time: an infusion starts (a bolus adds its dose) or
 * ends. Returns the new rate. */
static inline double apply_event(const pk_modes_t *md, const pk_events_t *ev,
                                 size_t k, double u[3]) {
  const infuse_pk_infusion_t *x = &ev->inf[k / 2];
  if (k & 1u) {
    return 0.0;
  }
  if (span(x) > 0.0) {
    return x->dose_mg / span(x);
  }
  for (int i = 0; i < md->m; ++i) {
    u[i] += md->g[i] * x->dose_mg;
  }
  return 0.0;
}

/* A walk through the events: state at time t, after every event <= t. */
typedef struct pk_walk {
  double u[3];
  double r;
  double t;
  size_t k;      /* next event */
  double t_next; /* its time (HUGE_VAL when none) */
} pk_walk_t;

static void walk_to(const pk_modes_t *md, const pk_events_t *ev, pk_walk_t *w,
                    double t_to) {
  while (w->t_next <= t_to) {
    propagate(md, w->u, w->r, w->t_next - w->t);
    w->t = w->t_next;
    w->r = apply_event(md, ev, w->k, w->u);
    w->k++;
    w->t_next = event_time(ev, w->k);
  }
  propagate(md, w->u, w->r, t_to - w->t);
  w->t = t_to;
}

/* ===========================================================================
 * Curve
 * ========================================================================= */

int infuse_pk_curve(const infuse_pk_system_t *sys,
                    const infuse_pk_infusion_t *infusions, size_t n_infusions,
                    double t0_min, double step_min, size_t n,
                    double *conc_ng_per_ml, infuse_diag_t *diag) {
  if (sys == NULL || (infusions == NULL && n_infusions > 0) ||
      (conc_ng_per_ml == NULL && n > 0)) {
    return fail_null(diag, sys == NULL         ? "system"
                           : infusions == NULL ? "infusions"
                                               : "conc_ng_per_ml");
  }
  pk_modes_t md;
  INFUSE__TRY(load_system(sys, &md, diag));
  if (!isfinite(t0_min)) {
    return fail_num(diag, INFUSE_E_INVALID, "t0", t0_min,
                    "' is not a finite number");
  }
  if (!isfinite(step_min)) {
    return fail_num(diag, INFUSE_E_INVALID, "step", step_min,
                    "' is not a finite number");
  }
  if (!(t0_min >= 0.0 && t0_min <= PK_MAX_TIME_MIN)) {
    return fail_num(diag, INFUSE_E_RANGE, "t0", t0_min,
                    "' min is outside [0, 1e9] min");
  }
  if (n > 1 && !(step_min > 0.0)) {
    return fail_num(diag, INFUSE_E_RANGE, "step", step_min,
                    "' min is not positive");
  }
  if (n > 1 && !(t0_min + (double)(n - 1) * step_min <= PK_MAX_TIME_MIN)) {
    return fail_num(diag, INFUSE_E_RANGE, "step", step_min,
                    "' min puts the last sample after 1e9 min");
  }
  pk_events_t ev;
  INFUSE__TRY(check_infusions(&md, infusions, n_infusions, &ev, diag));
  if (n == 0) {
    return INFUSE_OK;
  }

  pk_walk_t w;
  memset(&w, 0, sizeof w);
  w.t_next = event_time(&ev, 0);
  walk_to(&md, &ev, &w, t0_min);
  conc_ng_per_ml[0] = w.u[0] + w.u[1] + w.u[2];

  /* per-step factors: u <- u E + r G, G = gain x step phi1 */
  double E[3];
  double G[3];
  for (int i = 0; i < 3; ++i) {
    double f;
    coef(md.lam[i], md.inv[i], step_min, &E[i], &f, NULL);
    G[i] = md.g[i] * f;
  }
  double u0 = w.u[0];
  double u1 = w.u[1];
  double u2 = w.u[2];
  for (size_t k = 1; k < n; ++k) {
    double tk = t0_min + (double)k * step_min;
    if (w.t_next > tk) {
      /* no event in (t_{k-1}, t_k]: a few FMAs */
      double r = w.r;
      u0 = u0 * E[0] + r * G[0];
      u1 = u1 * E[1] + r * G[1];
      u2 = u2 * E[2] + r * G[2];
      w.t = tk;
    } else {
      w.u[0] = u0;
      w.u[1] = u1;
      w.u[2] = u2;
      walk_to(&md, &ev, &w, tk);
      u0 = w.u[0];
      u1 = w.u[1];
      u2 = w.u[2];
    }
    conc_ng_per_ml[k] = u0 + u1 + u2;
  }
  return INFUSE_OK;
}

/* ===========================================================================
 * Summary
 *
 * Event to event. On an interval of length dt at rate r, starting from the
 * modes u (tau = 0 at the interval's start):
 *   c(tau)  = ca + sum_i q_i F_i(tau),  F_i(tau) = int_0^tau e_i,
 *   c'(tau) = sum_i q_i e_i(tau),       e_i(tau) = e^{-lam_i tau},
 * with q_i = gain_i r - lam_i u_i. If every q_i >= 0, c increases (and is
 * concave); if every q_i <= 0, it decreases: then with p_i = u_i - r ss_i
 * = -q_i / lam_i >= 0 and b = r sum_i ss_i <= c, c(tau) = b + sum_i p_i e_i
 * is a sum of non-negative terms and c - b is log-convex. After an infusion
 * stops r = 0, p = u >= 0: always this case. Otherwise (the rate dropped
 * while some mode was still above its steady state) c has up to modes - 1
 * turning points, found below, and is monotone between them.
 * ========================================================================= */

/* A point tau inside an interval, with e_i and F_i there (they depend on
 * tau and the rates only). */
typedef struct pk_pt {
  double tau;
  double e[3]; /* e^{-lam_i tau} */
  double f[3]; /* int_0^tau e_i */
} pk_pt_t;

static inline void pt_start(pk_pt_t *x) {
  x->tau = 0.0;
  for (int i = 0; i < 3; ++i) {
    x->e[i] = 1.0;
    x->f[i] = 0.0;
  }
}

/* Move x to tau: F(tau + d) = F(tau) + e(tau) F(d), e(tau + d) =
 * e(tau) e(d); from 0 instead for a long step back, where e^{lam |d|}
 * could overflow (or multiply an underflowed e). */
static inline void pt_goto(const pk_modes_t *md, pk_pt_t *x, double tau) {
  double d = tau - x->tau;
  if (d < 0.0 && -d * md->lam[md->m - 1] >= PK_TAYLOR_Z) {
    pt_start(x);
    d = tau;
  }
  for (int i = 0; i < md->m; ++i) {
    double e;
    double f;
    coef(md->lam[i], md->inv[i], d, &e, &f, NULL);
    x->f[i] += x->e[i] * f;
    x->e[i] *= e;
  }
  x->tau = tau;
}

/* The coefficients of the last few interval lengths: a course repeats the
 * same durations and gaps, and each costs an exp() per mode. */
#define PK_COEF_CACHE 4
typedef struct pk_coef_cache {
  int n;
  int next;
  double dt[PK_COEF_CACHE];
  double e[PK_COEF_CACHE][3], f[PK_COEF_CACHE][3], h[PK_COEF_CACHE][3];
} pk_coef_cache_t;

/* The slot holding e, F and H of every mode over dt. */
static int cached_coef(const pk_modes_t *md, pk_coef_cache_t *cc, double dt) {
  for (int k = 0; k < cc->n; ++k) {
    if (cc->dt[k] == dt) {
      return k;
    }
  }
  int k = cc->next;
  cc->next = (k + 1) % PK_COEF_CACHE;
  if (cc->n < PK_COEF_CACHE) {
    cc->n++;
  }
  cc->dt[k] = dt;
  for (int i = 0; i < md->m; ++i) {
    coef(md->lam[i], md->inv[i], dt, &cc->e[k][i], &cc->f[k][i], &cc->h[k][i]);
  }
  return k;
}

typedef struct pk_acc {
  pk_coef_cache_t cache;
  /* where the last rising and falling crossings were found, relative to
   * their intervals: the next infusion of a course crosses at nearly the
   * same times, so they start the next solves without an exp() */
  bool up_valid, down_valid;
  pk_pt_t up, down;
  double thr;   /* ng/mL; 0: no time above */
  double cmax;  /* ng/mL */
  double tmax;  /* min */
  double auc;   /* ng x min/mL */
  double above; /* min */
} pk_acc_t;

static inline void see_max(pk_acc_t *acc, double c, double t) {
  if (c > acc->cmax) {
    acc->cmax = c;
    acc->tmax = t;
  }
}

/* ln(x) for x > 0, with the series of ln(1 + y) when x is within 1e-3 of
 * 1 (late iterations, where it is all that is needed). */
static inline double log_near1(double x) {
  double y = x - 1.0;
  if (fabs(y) < 1e-3) {
    /* y - y^2/2 + ... - y^6/6; the first omitted term is below 2e-22 */
    return y * (1.0 +
                y * (-0.5 + y * (1.0 / 3.0 +
                                 y * (-0.25 + y * (0.2 + y * (-1.0 / 6.0))))));
  }
  return log(x);
}

/* Halley's step *d for f(x) = 0 from f0..f3 (the derivatives at x), kept
 * from more than doubling Newton's. With rho = f f'' / (2 f'^2), Halley's
 * step is Newton's over 1 - rho. Returns false when the step is not to be
 * taken: rho < -1, as next to a turning point of f (f' near 0, f'' pulling
 * away from the root), where Halley's step shrinks toward 0 while the root
 * is far off; the caller bisects instead. *err is the predicted error after
 * the step, e' = K e^3, K = f'''/(6 f') - (f''/(2 f'))^2, e ~ the step. It
 * is trusted only in the asymptotic regime: Halley's correction to Newton
 * below 1% (|rho| <= 0.01) and a step short against the fastest rate
 * (|d| lam_max <= 0.5), so that the derivatives at x, sums of
 * exponentials, still hold at the root (a mode negligible at x may not be
 * there after a long step). Elsewhere *err is infinite, so only such a step
 * (or the bracket) ends a search. */
static inline bool halley(double f0, double f1, double f2, double f3,
                          double lam_max, double *d, double *err) {
  double inv1 = 1.0 / f1;
  double newton = -f0 * inv1;
  double c2 = 0.5 * f2 * inv1; /* f'' / (2 f') */
  double rho = -c2 * newton;   /* f f'' / (2 f'^2) */
  if (rho < -1.0) {
    return false;
  }
  *d = rho < 0.5 ? newton / (1.0 - rho) : newton;
  double ad = fabs(*d);
  if (fabs(rho) <= 0.01 && ad * lam_max <= 0.5) {
    double k = f3 * inv1 * (1.0 / 6.0) - c2 * c2;
    *err = fabs(k) * ad * ad * ad;
  } else {
    *err = INFINITY;
  }
  return true;
}

/* A lower bound of the tau where S(tau) = sum_i w_i e^{-lam_i tau} (w_i >= 0,
 * lam ascending) falls to T: the terms of modes 1..j are each at least
 * w_i e^{-lam_j tau}, so S stays above T until ln(W_j / T) / lam_j,
 * W_j = w_1 + ... + w_j. The largest over j; 0 if none. */
static double sum_lower_bound(const pk_modes_t *md, const double w[3],
                              double T) {
  double best = 0.0;
  double cum = 0.0;
  for (int j = 0; j < md->m; ++j) {
    cum += w[j];
    if (cum > T) {
      double g = log(cum / T) * md->inv[j];
      best = g > best ? g : best;
    }
  }
  return best;
}

/* The tau in (0, dt) where S(tau) = sum_i w_i e^{-lam_i tau} = T, for
 * w_i >= 0 and S(0) > T > S(dt) (S decreasing, log-convex). From x (tau
 * and e there; F is not used), Halley steps on g = ln(S / T), kept inside
 * the bracket (bisection otherwise), until the predicted error is below
 * 1e-12 of the absolute time ta + tau. x ends at the last point
 * evaluated. */
static double solve_sum(const pk_modes_t *md, const double w[3], double T,
                        double dt, double ta, pk_pt_t *x) {
  int m = md->m;
  double lo = 0.0;
  double hi = dt;
  double tau = x->tau;
  double *e = x->e;
  for (int it = 0; it < 200; ++it) {
    double s0 = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    double s3 = 0.0;
    for (int i = 0; i < m; ++i) {
      double we = w[i] * e[i];
      double lwe = md->lam[i] * we;
      double llwe = md->lam[i] * lwe;
      s0 += we;
      s1 -= lwe;
      s2 += llwe;
      s3 -= md->lam[i] * llwe;
    }
    if (s0 > T) {
      lo = tau;
    } else if (s0 < T) {
      hi = tau;
    } else {
      return tau;
    }
    double tol = 1e-12 * (ta + tau) + 1e-300;
    if (hi - lo <= tol) {
      return 0.5 * (lo + hi);
    }
    double next = 0.5 * (lo + hi);
    if (s1 < 0.0) {
      /* g = ln S - ln T and its derivatives through a = S'/S */
      double inv_s = 1.0 / s0;
      double a = s1 * inv_s;
      double b2 = s2 * inv_s;
      double g1 = a;
      double g2 = b2 - a * a;
      double g3 = s3 * inv_s - 3.0 * a * b2 + 2.0 * a * a * a;
      double d = 0.0;
      double err = INFINITY; /* both set when halley returns true */
      double cand = halley(log_near1(s0 / T), g1, g2, g3, md->lam[m - 1],
                           &d, &err)
                        ? tau + d
                        : lo; /* bisect */
      if (cand > lo && cand < hi) {
        if (err <= 0.1 * tol) {
          return cand;
        }
        next = cand;
      }
    }
    double step = next - tau;
    if (step < 0.0 && -step * md->lam[m - 1] >= PK_TAYLOR_Z) {
      for (int i = 0; i < m; ++i) {
        e[i] = exp_small(-md->lam[i] * next);
      }
    } else {
      for (int i = 0; i < m; ++i) {
        e[i] *= exp_small(-md->lam[i] * step);
      }
    }
    tau = next;
    x->tau = tau;
  }
  return tau;
}

/* The general case: an interval with its q_i, and points in it. */
typedef struct pk_iv {
  const pk_modes_t *md;
  double ta;     /* absolute start time, min */
  double ca;     /* c(0), ng/mL */
  double q[3];   /* ng/mL/min */
  double lq[3];  /* lam q */
  double llq[3]; /* lam^2 q */
} pk_iv_t;

/* At x, f = c - target (order 0) or c' (order 1) and its first three
 * derivatives. */
static inline void iv_eval(const pk_iv_t *iv, const pk_pt_t *x, int order,
                           double target, double f[4]) {
  double s0 = 0.0;
  double s1 = 0.0;
  double s2 = 0.0;
  double s3 = 0.0;
  double s4 = 0.0;
  for (int i = 0; i < iv->md->m; ++i) {
    double e = x->e[i];
    s0 += iv->q[i] * x->f[i];
    s1 += iv->q[i] * e;
    s2 -= iv->lq[i] * e;
    s3 += iv->llq[i] * e;
    s4 -= iv->md->lam[i] * iv->llq[i] * e;
  }
  if (order == 0) {
    f[0] = iv->ca + s0 - target;
    f[1] = s1;
    f[2] = s2;
    f[3] = s3;
  } else {
    f[0] = s1 - target;
    f[1] = s2;
    f[2] = s3;
    f[3] = s4;
  }
}

/* The root of f = c - target (order 0) or f = c' (order 1) in [lo, hi],
 * where f is monotone and changes sign (f(lo) > 0 when f_lo_positive); x
 * is a point in [lo, hi]. Halley steps, bisection whenever a step leaves
 * the bracket, until the predicted error is below 1e-12 of the absolute
 * time. */
static double solve(const pk_iv_t *iv, pk_pt_t *x, int order, double target,
                    double lo, double hi, bool f_lo_positive) {
  for (int it = 0; it < 200; ++it) {
    double f[4];
    iv_eval(iv, x, order, target, f);
    if (f[0] == 0.0) {
      return x->tau;
    }
    if ((f[0] > 0.0) == f_lo_positive) {
      lo = x->tau;
    } else {
      hi = x->tau;
    }
    double tol = 1e-12 * (iv->ta + x->tau) + 1e-300;
    if (hi - lo <= tol) {
      return 0.5 * (lo + hi);
    }
    double next = 0.5 * (lo + hi);
    if (f[1] != 0.0) {
      double d = 0.0;
      double err = INFINITY; /* both set when halley returns true */
      double cand = halley(f[0], f[1], f[2], f[3], iv->md->lam[iv->md->m - 1],
                           &d, &err)
                        ? x->tau + d
                        : lo; /* bisect */
      if (cand > lo && cand < hi) {
        if (err <= 0.1 * tol) {
          return cand;
        }
        next = cand;
      }
    }
    pt_goto(iv->md, x, next);
  }
  return x->tau;
}

/* Time above the threshold on a monotone piece [a, b] of an interval, with
 * c(a) = ca, c(b) = cb; x is the point a. */
static void piece_above(const pk_iv_t *iv, pk_acc_t *acc, pk_pt_t *x, double a,
                        double b, double ca, double cb) {
  bool above_a = ca > acc->thr;
  bool above_b = cb > acc->thr;
  if (above_a && above_b) {
    acc->above += b - a;
  } else if (above_a || above_b) {
    double root = solve(iv, x, 0, acc->thr, a, b, above_a);
    acc->above += above_a ? root - a : b - root;
  }
}

/* Interior zeros of c' on (0, dt) for an interval whose q_i have mixed
 * signs, ascending; returns how many (at most modes - 1). With
 * d_i = lam_i - lam_1, h(tau) = e^{lam_1 tau} c'(tau) = q_1 + q_2 e^{-d_2 tau}
 * + q_3 e^{-d_3 tau}; h' is a 2-term exponential sum with at most one zero
 * (closed form), so h is monotone on at most two pieces, each holding at
 * most one zero of c' (the sign of c' is the sign of h). */
static int turning_points(const pk_iv_t *iv, double dt, double z[2]) {
  const pk_modes_t *md = iv->md;
  int nz = 0;
  if (md->m == 2) {
    double d2 = md->lam[1] - md->lam[0];
    if (d2 > 0.0 && iv->q[0] * iv->q[1] < 0.0) {
      /* q1 e^{-l1 t} + q2 e^{-l2 t} = 0 */
      double t = log(-iv->q[1] / iv->q[0]) / d2;
      if (t > 0.0 && t < dt) {
        z[nz++] = t;
      }
    }
    return nz;
  }
  /* m == 3 */
  double d2 = md->lam[1] - md->lam[0];
  double d3 = md->lam[2] - md->lam[0];
  double cut[3];
  int ncut = 0;
  cut[ncut++] = 0.0;
  double a2 = d2 * iv->q[1];
  double a3 = d3 * iv->q[2];
  if (d3 > d2 && a2 * a3 < 0.0) {
    double s = log(-a3 / a2) / (d3 - d2);
    if (s > 0.0 && s < dt) {
      cut[ncut++] = s;
    }
  }
  cut[ncut++] = dt;
  pk_pt_t xa;
  pt_start(&xa);
  double f[4];
  iv_eval(iv, &xa, 1, 0.0, f);
  double fa = f[0];
  for (int j = 0; j + 1 < ncut; ++j) {
    pk_pt_t xb;
    pt_start(&xb);
    pt_goto(md, &xb, cut[j + 1]);
    iv_eval(iv, &xb, 1, 0.0, f);
    double fb = f[0];
    if ((fa > 0.0 && fb < 0.0) || (fa < 0.0 && fb > 0.0)) {
      pk_pt_t x = xa;
      double t = solve(iv, &x, 1, 0.0, cut[j], cut[j + 1], fa > 0.0);
      if (t > 0.0 && t < dt && (nz == 0 || t > z[nz - 1])) {
        z[nz++] = t;
      }
    }
    xa = xb;
    fa = fb;
  }
  return nz;
}

/* The interval [ta, ta + dt] at rate r (mg/min) from the modes u (after
 * the events at ta): AUC, maximum, time above; u becomes the state at
 * ta + dt (before the events there). */
static void interval(const pk_modes_t *md, pk_acc_t *acc, double u[3], double r,
                     double ta, double dt) {
  int m = md->m;
  double ca = u[0] + u[1] + u[2];
  see_max(acc, ca, ta);
  if (!(dt > 0.0)) {
    return;
  }
  double q[3] = {0.0, 0.0, 0.0};
  double p[3] = {0.0, 0.0, 0.0};
  double auc = 0.0;
  double cb = 0.0;
  double b = 0.0;
  bool rising = true;  /* every q_i >= 0 */
  bool falling = true; /* every q_i <= 0 */
  int slot = cached_coef(md, &acc->cache, dt);
  for (int i = 0; i < m; ++i) {
    double e = acc->cache.e[slot][i];
    double f = acc->cache.f[slot][i];
    double h = acc->cache.h[slot][i];
    double gr = md->g[i] * r;
    /* ng/mL x min: u F + gain r H */
    auc += u[i] * f + gr * h;
    q[i] = gr - md->lam[i] * u[i];
    rising = rising && q[i] >= 0.0;
    falling = falling && q[i] <= 0.0;
    p[i] = u[i] - r * md->ss[i];
    b += r * md->ss[i];
    u[i] = u[i] * e + gr * f;
    cb += u[i];
  }
  acc->auc += auc;
  double tb = ta + dt;
  bool thr_on = acc->thr > 0.0;
  if (rising || falling) {
    see_max(acc, cb, tb);
    bool above_a = ca > acc->thr;
    if (!thr_on || above_a == (cb > acc->thr)) {
      acc->above += thr_on && above_a ? dt : 0.0;
      return;
    }
    if (falling) {
      /* c - b = sum p_i e_i falls through thr - b > 0; start where the
       * last falling crossing was, else at a lower bound */
      double t = acc->thr - b;
      pk_pt_t x;
      if (acc->down_valid && acc->down.tau > 0.0 && acc->down.tau < dt) {
        x = acc->down;
      } else {
        pt_start(&x);
        double g = sum_lower_bound(md, p, t);
        if (g < dt) {
          x.tau = g;
          for (int i = 0; i < m; ++i) {
            x.e[i] = exp_small(-md->lam[i] * g);
          }
        }
      }
      acc->above += solve_sum(md, p, t, dt, ta, &x);
      acc->down = x;
      acc->down_valid = true;
      return;
    }
  }
  pk_iv_t iv;
  iv.md = md;
  iv.ta = ta;
  iv.ca = ca;
  for (int i = 0; i < 3; ++i) {
    iv.q[i] = q[i];
    iv.lq[i] = md->lam[i] * q[i];
    iv.llq[i] = md->lam[i] * iv.lq[i];
  }
  if (rising) {
    /* c concave and rising through thr. Start where the last rising
     * crossing was, else at the larger of two lower bounds of the
     * crossing: the tangent at 0 and, since b - c = sum |p_i| e_i,
     * sum_lower_bound. */
    pk_pt_t x;
    if (acc->up_valid && acc->up.tau > 0.0 && acc->up.tau < dt) {
      x = acc->up;
    } else {
      double slope = q[0] + q[1] + q[2];
      double guess = slope > 0.0 ? (acc->thr - ca) / slope : 0.0;
      const double ap[3] = {-p[0], -p[1], -p[2]};
      double g = sum_lower_bound(md, ap, b - acc->thr);
      guess = g > guess ? g : guess;
      pt_start(&x);
      if (guess > 0.0 && guess < dt) {
        pt_goto(md, &x, guess);
      }
    }
    acc->above += dt - solve(&iv, &x, 0, acc->thr, 0.0, dt, false);
    acc->up = x;
    acc->up_valid = true;
    return;
  }
  /* mixed signs: monotone between the zeros of c' */
  double z[2];
  int nz = turning_points(&iv, dt, z);
  pk_pt_t xa;
  pt_start(&xa);
  double a = 0.0;
  double cpa = ca;
  for (int j = 0; j <= nz; ++j) {
    double bnd = j < nz ? z[j] : dt;
    pk_pt_t xb;
    pt_start(&xb);
    double cpb = cb;
    if (j < nz) {
      double f[4];
      pt_goto(md, &xb, bnd);
      iv_eval(&iv, &xb, 0, 0.0, f);
      cpb = f[0];
    }
    see_max(acc, cpb, j < nz ? ta + bnd : tb);
    if (thr_on) {
      pk_pt_t x = xa;
      piece_above(&iv, acc, &x, a, bnd, cpa, cpb);
    }
    if (j < nz) {
      xa = xb;
    }
    a = bnd;
    cpa = cpb;
  }
}

int infuse_pk_summarize(const infuse_pk_system_t *sys,
                        const infuse_pk_infusion_t *infusions,
                        size_t n_infusions, double until_min,
                        double threshold_ng_per_ml, infuse_pk_summary_t *out,
                        infuse_diag_t *diag) {
  if (sys == NULL || (infusions == NULL && n_infusions > 0) || out == NULL) {
    return fail_null(diag, sys == NULL         ? "system"
                           : infusions == NULL ? "infusions"
                                               : "summary");
  }
  if (out->struct_size != sizeof(infuse_pk_summary_t)) {
    return fail_size(diag, "summary.struct_size", out->struct_size,
                     "infuse_pk_summary_t");
  }
  pk_modes_t md;
  INFUSE__TRY(load_system(sys, &md, diag));
  if (!isfinite(until_min)) {
    return fail_num(diag, INFUSE_E_INVALID, "until", until_min,
                    "' is not a finite number");
  }
  if (!isfinite(threshold_ng_per_ml)) {
    return fail_num(diag, INFUSE_E_INVALID, "threshold", threshold_ng_per_ml,
                    "' is not a finite number");
  }
  if (!(until_min > 0.0 && until_min <= PK_MAX_TIME_MIN)) {
    return fail_num(diag, INFUSE_E_RANGE, "until", until_min,
                    "' min is outside (0, 1e9] min");
  }
  if (!(threshold_ng_per_ml >= 0.0)) {
    return fail_num(diag, INFUSE_E_RANGE, "threshold", threshold_ng_per_ml,
                    "' ng/mL is negative");
  }
  pk_events_t ev;
  INFUSE__TRY(check_infusions(&md, infusions, n_infusions, &ev, diag));

  pk_acc_t acc;
  acc.cache.n = 0;
  acc.cache.next = 0;
  acc.up_valid = false;
  acc.down_valid = false;
  acc.thr = threshold_ng_per_ml;
  acc.cmax = 0.0;
  acc.tmax = 0.0;
  acc.auc = 0.0;
  acc.above = 0.0;
  double u[3] = {0.0, 0.0, 0.0};
  double t = 0.0;
  for (size_t j = 0; j < n_infusions; ++j) {
    const infuse_pk_infusion_t *x = &infusions[j];
    if (x->start_min > until_min) {
      break;
    }
    interval(&md, &acc, u, 0.0, t, x->start_min - t);
    t = x->start_min;
    if (span(x) > 0.0) {
      double end = x->start_min + x->duration_min;
      if (end > until_min) {
        end = until_min;
      }
      interval(&md, &acc, u, x->dose_mg / span(x), t, end - t);
      t = end;
    } else {
      for (int i = 0; i < md.m; ++i) {
        u[i] += md.g[i] * x->dose_mg;
      }
    }
  }
  if (t < until_min) {
    interval(&md, &acc, u, 0.0, t, until_min - t);
  }
  double c_until = u[0] + u[1] + u[2];
  see_max(&acc, c_until, until_min);

  infuse_pk_summary_t s;
  memset(&s, 0, sizeof s);
  s.struct_size = out->struct_size;
  s.cmax_ng_per_ml = acc.cmax;
  /* an interval's end is its start + length, which can round one ulp past
   * until (seen): Tmax is on [0, until] */
  s.tmax_min = acc.tmax < until_min ? acc.tmax : until_min;
  s.auc_ng_h_per_ml = acc.auc / 60.0;
  /* mg / (L/min) = mg x min/L = 1000 ng x min/mL; / 60 for hours */
  s.auc_inf_ng_h_per_ml = ev.total_mg * 1000.0 / sys->cl_l_per_min / 60.0;
  /* the pieces add up to until only to rounding (one ulp over was seen):
   * the time above is at most until */
  s.time_above_min = acc.above < until_min ? acc.above : until_min;
  s.c_until_ng_per_ml = c_until;
  *out = s;
  return INFUSE_OK;
}

/* ===========================================================================
 * Virtual patients
 *
 * Stream 1 of infuse_sim_uniform, draw numbers fixed per quantity:
 *   draws 0, 1: the weight, z = sqrt(-2 ln(1 - u0)) cos(2 pi u1) (the sine
 *               half of the pair is not used);
 *   draws 2, 3: eta of v1 (cosine half) and of k10 (sine half);
 *   draws 4, 5: eta of k12 (cosine) and of k21 (sine);
 *   draws 6, 7: eta of k13 (cosine) and of k31 (sine).
 * 1 - u lies in (0, 1], so the logarithm is finite. A rate constant that is
 * 0 for the compartment count stays 0 (its draws are skipped).
 * ========================================================================= */

#define PK_STREAM 1u

/* Two standard normal deviates from draws d and d + 1. */
static void box_muller(uint64_t seed, uint64_t index, uint32_t d, double *zc,
                       double *zs) {
  double u0 = infuse_sim_uniform(seed, index, PK_STREAM, d);
  double u1 = infuse_sim_uniform(seed, index, PK_STREAM, d + 1u);
  double rad = sqrt(-2.0 * log1p(-u0));
  double ang = 6.283185307179586476925286766559 * u1;
  *zc = rad * cos(ang);
  *zs = rad * sin(ang);
}

int infuse_pk_patient(const infuse_pk_population_t *pop, uint64_t index,
                      infuse_pk_model_t *model, double *weight_kg,
                      infuse_diag_t *diag) {
  if (pop == NULL || model == NULL || weight_kg == NULL) {
    return fail_null(diag, pop == NULL     ? "population"
                           : model == NULL ? "model"
                                           : "weight_kg");
  }
  if (pop->struct_size != sizeof(infuse_pk_population_t)) {
    return fail_size(diag, "population.struct_size", pop->struct_size,
                     "infuse_pk_population_t");
  }
  if (model->struct_size != sizeof(infuse_pk_model_t)) {
    return fail_size(diag, "model.struct_size", model->struct_size,
                     "infuse_pk_model_t");
  }
  INFUSE__TRY(validate_model(&pop->model, "population.model.", diag));
  const char *names[3] = {"population.variability_cv",
                          "population.weight_median_kg",
                          "population.weight_cv"};
  const double v[3] = {pop->variability_cv, pop->weight_median_kg,
                       pop->weight_cv};
  const double lo[3] = {0.0, 20.0, 0.0};
  const double hi[3] = {2.0, 300.0, 1.0};
  const char *range[3] = {"' is outside [0, 2]", "' kg is outside [20, 300] kg",
                          "' is outside [0, 1]"};
  for (int i = 0; i < 3; ++i) {
    if (!isfinite(v[i])) {
      return fail_num(diag, INFUSE_E_INVALID, names[i], v[i],
                      "' is not a finite number");
    }
    if (!(v[i] >= lo[i] && v[i] <= hi[i])) {
      return fail_num(diag, INFUSE_E_RANGE, names[i], v[i], range[i]);
    }
  }

  double w = pop->weight_median_kg;
  if (pop->weight_cv > 0.0) {
    double omega = sqrt(log1p(pop->weight_cv * pop->weight_cv));
    double zc;
    double zs;
    box_muller(pop->seed, index, 0u, &zc, &zs);
    w *= exp(omega * zc);
  }
  infuse_pk_model_t m = pop->model;
  if (pop->variability_cv > 0.0) {
    double omega = sqrt(log1p(pop->variability_cv * pop->variability_cv));
    double za;
    double zb;
    box_muller(pop->seed, index, 2u, &za, &zb);
    m.v1_l_per_kg *= exp(omega * za);
    m.k10 *= exp(omega * zb);
    if (m.compartments >= 2) {
      box_muller(pop->seed, index, 4u, &za, &zb);
      m.k12 *= exp(omega * za);
      m.k21 *= exp(omega * zb);
    }
    if (m.compartments >= 3) {
      box_muller(pop->seed, index, 6u, &za, &zb);
      m.k13 *= exp(omega * za);
      m.k31 *= exp(omega * zb);
    }
  }
  /* A draw far in a tail can leave the ranges infuse_pk_prepare accepts;
   * that is reported, never clamped. */
  if (!(w > 0.0 && w <= 500.0)) {
    return fail_num(diag, INFUSE_E_RANGE, "patient.weight_kg", w,
                    "' kg drawn for this patient is outside (0, 500] kg");
  }
  int rc = validate_model(&m, "patient.", diag);
  if (rc != INFUSE_OK) {
    return rc;
  }
  *model = m;
  *weight_kg = w;
  return INFUSE_OK;
}
