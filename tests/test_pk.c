/*
 * test_pk.c - pharmacokinetics: built-in sets, models, prepared systems,
 * concentration curves, grid-free summaries and virtual patients.
 *
 * No expected number below was copied from the library's output. They come
 * from:
 *  - an independent reference in this file: the augmented linear system
 *    (the amounts in each compartment, the running integral of the central
 *    concentration and a constant 1 that carries the infusion rate)
 *    propagated with a long double matrix exponential (Taylor series with
 *    scaling and squaring) built directly from k10..k31 and V1, with no
 *    eigendecomposition; maxima and threshold crossings by bisection on the
 *    reference's own c' and c;
 *  - first principles: superposition, steady state = rate / CL, mass
 *    balance (AUC to infinity = dose / CL), closed forms of the
 *    1-compartment model worked by hand;
 *  - the sanity figures of CLINICAL.md section 7, as tolerances;
 *  - for virtual patients, the recipe documented in infuse.h (stream 1,
 *    fixed draw numbers, Box-Muller) recomputed here from
 *    infuse_sim_uniform, and sampling statistics with tolerances derived
 *    from the sampling error.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infuse.h>

#define N_ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef long double ld;

/* ===========================================================================
 * Helpers
 * ======================================================================= */

static infuse_pk_model_t builtin(const char *name) {
  infuse_pk_model_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = (uint32_t)sizeof m;
  infuse_diag_t d;
  int rc = infuse_pk_model_get(name, &m, &d);
  ck_assert_msg(rc == INFUSE_OK, "model %s: %d %s", name, rc, d.message);
  return m;
}

static infuse_pk_model_t user_model(int32_t n, double v1, double k10,
                                    double k12, double k13, double k21,
                                    double k31) {
  infuse_pk_model_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = (uint32_t)sizeof m;
  m.compartments = n;
  m.v1_l_per_kg = v1;
  m.k10 = k10;
  m.k12 = k12;
  m.k13 = k13;
  m.k21 = k21;
  m.k31 = k31;
  return m;
}

static infuse_pk_system_t prepare(const infuse_pk_model_t *m, double w) {
  infuse_pk_system_t s;
  memset(&s, 0, sizeof s);
  s.struct_size = (uint32_t)sizeof s;
  infuse_diag_t d;
  int rc = infuse_pk_prepare(m, w, &s, &d);
  ck_assert_msg(rc == INFUSE_OK, "prepare: %d %s", rc, d.message);
  return s;
}

static infuse_pk_summary_t summarize(const infuse_pk_system_t *s,
                                     const infuse_pk_infusion_t *inf, size_t n,
                                     double until, double thr) {
  infuse_pk_summary_t o;
  memset(&o, 0, sizeof o);
  o.struct_size = (uint32_t)sizeof o;
  infuse_diag_t d;
  int rc = infuse_pk_summarize(s, inf, n, until, thr, &o, &d);
  ck_assert_msg(rc == INFUSE_OK, "summarize: %d %s", rc, d.message);
  return o;
}

static void curve(const infuse_pk_system_t *s, const infuse_pk_infusion_t *inf,
                  size_t n_inf, double t0, double step, size_t n, double *c) {
  infuse_diag_t d;
  int rc = infuse_pk_curve(s, inf, n_inf, t0, step, n, c, &d);
  ck_assert_msg(rc == INFUSE_OK, "curve: %d %s", rc, d.message);
}

static double rel_err(double got, ld want) {
  if (want == 0.0L) {
    return got == 0.0 ? 0.0 : INFINITY;
  }
  return (double)fabsl(((ld)got - want) / want);
}

/* ===========================================================================
 * The reference: augmented system, long double matrix exponential
 * ======================================================================= */

#define RN 5 /* A1, A2, A3 (mg), I = int A1 (mg x min), 1 */

typedef struct ref_model {
  ld v1; /* L */
  ld k10, k12, k13, k21, k31;
} ref_model_t;

static ref_model_t ref_from(const infuse_pk_model_t *m, double weight) {
  ref_model_t r;
  r.v1 = (ld)m->v1_l_per_kg * (ld)weight;
  r.k10 = (ld)m->k10;
  r.k12 = (ld)m->k12;
  r.k13 = (ld)m->k13;
  r.k21 = (ld)m->k21;
  r.k31 = (ld)m->k31;
  return r;
}

/* x' = M x with the rate r (mg/min) in the constant column. */
static void ref_matrix(const ref_model_t *m, ld r, ld M[RN][RN]) {
  memset(M, 0, sizeof(ld) * RN * RN);
  M[0][0] = -(m->k10 + m->k12 + m->k13);
  M[0][1] = m->k21;
  M[0][2] = m->k31;
  M[0][4] = r;
  M[1][0] = m->k12;
  M[1][1] = -m->k21;
  M[2][0] = m->k13;
  M[2][2] = -m->k31;
  M[3][0] = 1.0L; /* int A1; x 1000 / V1 for ng x min/mL */
}

static void mat_mul(ld a[RN][RN], ld b[RN][RN], ld out[RN][RN]) {
  ld t[RN][RN];
  for (int i = 0; i < RN; ++i) {
    for (int j = 0; j < RN; ++j) {
      ld s = 0.0L;
      for (int k = 0; k < RN; ++k) {
        s += a[i][k] * b[k][j];
      }
      t[i][j] = s;
    }
  }
  memcpy(out, t, sizeof t);
}

static ld mat_norm1(ld a[RN][RN]) {
  ld best = 0.0L;
  for (int j = 0; j < RN; ++j) {
    ld s = 0.0L;
    for (int i = 0; i < RN; ++i) {
      s += fabsl(a[i][j]);
    }
    best = s > best ? s : best;
  }
  return best;
}

/* E = exp(M dt): scale A = M dt by 2^-s to a norm <= 1, Taylor series
 * until the terms fall below 1e-24, square s times. Each squaring doubles
 * the relative error, so the error grows like ||M dt|| x epsilon: about
 * 1e-13 over the longest propagations here in 64-bit long double (see
 * ref_tol for platforms without it). */
static void ref_expm(ld M[RN][RN], ld dt, ld E[RN][RN]) {
  ld A[RN][RN];
  for (int i = 0; i < RN; ++i) {
    for (int j = 0; j < RN; ++j) {
      A[i][j] = M[i][j] * dt;
    }
  }
  int s = 0;
  ld nrm = mat_norm1(A);
  while (nrm > 1.0L) {
    nrm *= 0.5L;
    s++;
  }
  ld scale = ldexpl(1.0L, -s);
  for (int i = 0; i < RN; ++i) {
    for (int j = 0; j < RN; ++j) {
      A[i][j] *= scale;
    }
  }
  ld term[RN][RN];
  for (int i = 0; i < RN; ++i) {
    for (int j = 0; j < RN; ++j) {
      term[i][j] = i == j ? 1.0L : 0.0L;
      E[i][j] = term[i][j];
    }
  }
  for (int k = 1; k < 60; ++k) {
    mat_mul(term, A, term);
    for (int i = 0; i < RN; ++i) {
      for (int j = 0; j < RN; ++j) {
        term[i][j] /= (ld)k;
        E[i][j] += term[i][j];
      }
    }
    if (mat_norm1(term) < 1e-24L) {
      break;
    }
  }
  for (int k = 0; k < s; ++k) {
    mat_mul(E, E, E);
  }
}

static void mat_vec(ld E[RN][RN], const ld x[RN], ld out[RN]) {
  ld t[RN];
  for (int i = 0; i < RN; ++i) {
    ld s = 0.0L;
    for (int k = 0; k < RN; ++k) {
      s += E[i][k] * x[k];
    }
    t[i] = s;
  }
  memcpy(out, t, sizeof t);
}

/* The reference walk through the infusions: event 2j starts infusion j,
 * 2j + 1 ends it; times computed in double exactly as an API user would. */
typedef struct ref_walk {
  ref_model_t m;
  const infuse_pk_infusion_t *inf;
  size_t n_inf;
  ld x[RN];
  ld t;
  ld r;
  size_t k;
  /* the last exponential, reused for equal steps */
  bool cached;
  ld c_dt, c_r;
  ld c_E[RN][RN];
} ref_walk_t;

static void ref_init(ref_walk_t *w, const ref_model_t *m,
                     const infuse_pk_infusion_t *inf, size_t n) {
  memset(w, 0, sizeof *w);
  w->m = *m;
  w->inf = inf;
  w->n_inf = n;
  w->x[4] = 1.0L;
}

static ld ref_event_time(const ref_walk_t *w, size_t k) {
  if (k >= 2 * w->n_inf) {
    return INFINITY;
  }
  const infuse_pk_infusion_t *x = &w->inf[k / 2];
  double t = (k & 1u) ? x->start_min + x->duration_min : x->start_min;
  return (ld)t;
}

static void ref_apply(ref_walk_t *w, size_t k) {
  const infuse_pk_infusion_t *x = &w->inf[k / 2];
  if (k & 1u) {
    w->r = 0.0L;
  } else if (x->duration_min > 0.0) {
    w->r = (ld)x->dose_mg / (ld)x->duration_min;
  } else {
    w->x[0] += (ld)x->dose_mg;
  }
}

static void ref_prop(ref_walk_t *w, ld dt) {
  if (dt <= 0.0L) {
    return;
  }
  if (!w->cached || w->c_dt != dt || w->c_r != w->r) {
    ld M[RN][RN];
    ref_matrix(&w->m, w->r, M);
    ref_expm(M, dt, w->c_E);
    w->cached = true;
    w->c_dt = dt;
    w->c_r = w->r;
  }
  mat_vec(w->c_E, w->x, w->x);
}

static void ref_walk_to(ref_walk_t *w, ld T) {
  for (;;) {
    ld te = ref_event_time(w, w->k);
    if (te > T) {
      break;
    }
    ref_prop(w, te - w->t);
    w->t = te;
    ref_apply(w, w->k);
    w->k++;
  }
  ref_prop(w, T - w->t);
  w->t = T;
}

static ld ref_c(const ref_model_t *m, const ld x[RN]) {
  return 1000.0L * x[0] / m->v1;
}

/* dc/dt = 1000 / V1 x dA1/dt */
static ld ref_dc(const ref_model_t *m, ld r, const ld x[RN]) {
  ld M[RN][RN];
  ref_matrix(m, r, M);
  ld d = 0.0L;
  for (int k = 0; k < RN; ++k) {
    d += M[0][k] * x[k];
  }
  return 1000.0L * d / m->v1;
}

static void ref_curve(const ref_model_t *m, const infuse_pk_infusion_t *inf,
                      size_t n_inf, double t0, double step, size_t n, ld *out) {
  ref_walk_t w;
  ref_init(&w, m, inf, n_inf);
  for (size_t k = 0; k < n; ++k) {
    double tk = t0 + (double)k * step;
    ref_walk_to(&w, (ld)tk);
    out[k] = ref_c(m, w.x);
  }
}

typedef struct ref_summary {
  ld cmax, tmax, auc, c_until, above;
  int turning_maxima; /* interior maxima found (to know a case tests them) */
  ld last_turning_c;  /* the value at the last one */
  int early_maxima;   /* interior maxima in the first minute of an interval */
  ld early_max_c;     /* the value at the last one */
  int early_minima;   /* interior minima in the first minute of an interval */
  ld early_min_c;     /* the value at the last one */
  int crossings;
} ref_summary_t;

/* The state at tau after xa, at rate r. */
static void ref_at(const ref_model_t *m, ld r, const ld xa[RN], ld tau,
                   ld out[RN]) {
  if (tau <= 0.0L) {
    memcpy(out, xa, sizeof(ld) * RN);
    return;
  }
  ld M[RN][RN];
  ld E[RN][RN];
  ref_matrix(m, r, M);
  ref_expm(M, tau, E);
  mat_vec(E, xa, out);
}

/* Bisection for a sign change of c' (order 1) or c - thr (order 0) on
 * [a, b], 80 halvings. */
static ld ref_bisect(const ref_model_t *m, ld r, const ld xa[RN], ld a, ld b,
                     int order, ld thr) {
  ld x[RN];
  ref_at(m, r, xa, a, x);
  ld fa = order ? ref_dc(m, r, x) : ref_c(m, x) - thr;
  for (int it = 0; it < 80; ++it) {
    ld mid = 0.5L * (a + b);
    ref_at(m, r, xa, mid, x);
    ld fm = order ? ref_dc(m, r, x) : ref_c(m, x) - thr;
    if ((fm > 0.0L) == (fa > 0.0L)) {
      a = mid;
      fa = fm;
    } else {
      b = mid;
    }
  }
  return 0.5L * (a + b);
}

static void ref_see(ref_summary_t *s, ld c, ld t) {
  if (c > s->cmax) {
    s->cmax = c;
    s->tmax = t;
  }
}

/* One interval [ta, ta + dt] at rate r from state x (updated to the end):
 * a dense scan (geometric points near the start, then 160 even steps)
 * finds sign changes of c', bisection pins them; between them c is
 * monotone, and bisection pins the crossings of thr. */
static void ref_interval(const ref_model_t *m, ref_summary_t *s, ld x[RN], ld r,
                         ld ta, ld dt, ld thr) {
  ld xa[RN];
  memcpy(xa, x, sizeof xa);
  ld c0 = ref_c(m, xa);
  ref_see(s, c0, ta);
  if (dt <= 0.0L) {
    return;
  }
  enum { EVEN = 160, GEO = 48 };
  ld h = dt / EVEN;
  ld taus[EVEN + GEO];
  int nt = 0;
  for (int k = GEO; k >= 1; --k) {
    ld t = dt * ldexpl(1.0L, -k);
    if (t < h) {
      taus[nt++] = t;
    }
  }
  for (int k = 1; k <= EVEN; ++k) {
    taus[nt++] = k == EVEN ? dt : h * (ld)k;
  }
  ld M[RN][RN];
  ld Eh[RN][RN];
  ref_matrix(m, r, M);
  ref_expm(M, h, Eh);
  ld prev_t = 0.0L;
  ld prev_c = c0;
  ld prev_d = ref_dc(m, r, xa);
  ld cur[RN];
  memcpy(cur, xa, sizeof cur);
  for (int j = 0; j < nt; ++j) {
    ld t = taus[j];
    if (t <= h * 1.0000001L) {
      ref_at(m, r, xa, t, cur); /* fresh near the start */
    } else if (j == nt - 1) {
      ref_at(m, r, xa, t, cur);
    } else {
      mat_vec(Eh, cur, cur);
    }
    ld c = ref_c(m, cur);
    ld d = ref_dc(m, r, cur);
    /* a turning point in the step splits it into two monotone pieces,
     * each crossing the threshold at most once */
    ld cut[3] = {prev_t, t, t};
    ld cut_c[3] = {prev_c, c, c};
    int pieces = 1;
    if ((prev_d > 0.0L && d < 0.0L) || (prev_d < 0.0L && d > 0.0L)) {
      ld tz = ref_bisect(m, r, xa, prev_t, t, 1, 0.0L);
      ld xz[RN];
      ref_at(m, r, xa, tz, xz);
      ld cz = ref_c(m, xz);
      cut[1] = tz;
      cut_c[1] = cz;
      pieces = 2;
      if (prev_d > 0.0L) {
        ref_see(s, cz, ta + tz);
        s->turning_maxima++;
        s->last_turning_c = cz;
        if (tz < 1.0L) {
          s->early_maxima++;
          s->early_max_c = cz;
        }
      } else if (tz < 1.0L) {
        s->early_minima++;
        s->early_min_c = cz;
      }
    }
    for (int k = 0; k < pieces && thr > 0.0L; ++k) {
      bool above_a = cut_c[k] > thr;
      bool above_b = cut_c[k + 1] > thr;
      if (above_a && above_b) {
        s->above += cut[k + 1] - cut[k];
      } else if (above_a != above_b) {
        ld tx = ref_bisect(m, r, xa, cut[k], cut[k + 1], 0, thr);
        s->above += above_a ? tx - cut[k] : cut[k + 1] - tx;
        s->crossings++;
      }
    }
    prev_t = t;
    prev_c = c;
    prev_d = d;
  }
  ref_at(m, r, xa, dt, x);
  ref_see(s, ref_c(m, x), ta + dt);
}

static ref_summary_t ref_summarize(const ref_model_t *m,
                                   const infuse_pk_infusion_t *inf, size_t n,
                                   double until, double thr) {
  ref_summary_t s;
  memset(&s, 0, sizeof s);
  ld x[RN] = {0.0L, 0.0L, 0.0L, 0.0L, 1.0L};
  ld t = 0.0L;
  ld U = (ld)until;
  for (size_t j = 0; j < n; ++j) {
    ld st = (ld)inf[j].start_min;
    if (st > U) {
      break;
    }
    ref_interval(m, &s, x, 0.0L, t, st - t, (ld)thr);
    t = st;
    if (inf[j].duration_min > 0.0) {
      ld end = (ld)(inf[j].start_min + inf[j].duration_min);
      end = end > U ? U : end;
      ref_interval(m, &s, x, (ld)inf[j].dose_mg / (ld)inf[j].duration_min, t,
                   end - t, (ld)thr);
      t = end;
    } else {
      x[0] += (ld)inf[j].dose_mg;
    }
  }
  if (t < U) {
    ref_interval(m, &s, x, 0.0L, t, U - t, (ld)thr);
  }
  s.c_until = ref_c(m, x);
  ref_see(&s, s.c_until, U);
  s.auc = x[3] * 1000.0L / m->v1 / 60.0L;
  return s;
}

/* ===========================================================================
 * Models and regimens used against the reference
 * ======================================================================= */

enum {
  M_DOMINO,
  M_CLEMENTS,
  M_ONE,           /* Kamp et al. 2020 as a 1-compartment model */
  M_NEAR_EQUAL,    /* k12 nearly equal to k21 */
  M_STIFF,         /* rate constants 1e-6 and 50 per minute */
  M_SLOW_ELIM,     /* k10 = 1e-6 against k12 = 50: B badly scaled */
  M_TWIN,          /* two equal peripheral compartments: equal eigenstructure */
  M_NEAR_TWIN,     /* the same, k31 off by a relative 1e-9 */
  M_ALL_EQUAL,     /* 2-compartment, k10 = k12 = k21 */
  M_TINY_COUPLING, /* Domino with k13 = k31 = 1e-9 */
  M_TWO_SLOW,      /* two eigenvalues far below the third */
  M_FAST2,         /* 2-compartment, distribution in about 0.4 min */
  M_FAST3,         /* the same with a slow third compartment */
  M_COUNT
};

static const char *const MODEL_NAMES[M_COUNT] = {
    "domino",           "clements",
    "one-compartment",  "k12~k21",
    "stiff 1e-6/50",    "k10 1e-6 vs k12 50",
    "twin peripherals", "near-twin peripherals",
    "all equal",        "tiny coupling",
    "two slow modes",   "fast 2-compartment",
    "fast 3-compartment"};

static infuse_pk_model_t test_model(int which) {
  switch (which) {
  case M_DOMINO:
    return builtin("domino");
  case M_CLEMENTS:
    return builtin("clements");
  case M_ONE:
    /* Vd 252 L / 70 kg = 3.6 L/kg; CL 79 L/h / 70 kg / 60 = 0.018810
     * L/min/kg; k10 = CL / V = 0.0052249 /min (docs/clinical.md) */
    return user_model(1, 3.6, 0.0052249, 0, 0, 0, 0);
  case M_NEAR_EQUAL:
    return user_model(2, 0.2, 0.2, 0.3, 0, 0.3 * (1.0 + 1e-12), 0);
  case M_STIFF:
    return user_model(3, 0.1, 0.5, 50.0, 1e-6, 1e-6, 50.0);
  case M_SLOW_ELIM:
    return user_model(2, 0.1, 1e-6, 50.0, 0, 1.0, 0);
  case M_TWIN:
    return user_model(3, 0.1, 0.3, 0.4, 0.4, 0.05, 0.05);
  case M_NEAR_TWIN:
    return user_model(3, 0.1, 0.3, 0.4, 0.4, 0.05, 0.05 * (1.0 + 1e-9));
  case M_ALL_EQUAL:
    return user_model(2, 0.5, 0.1, 0.1, 0, 0.1, 0);
  case M_TINY_COUPLING:
    return user_model(3, 0.063, 0.4381, 0.5921, 1e-9, 0.2470, 1e-9);
  case M_FAST2: /* eigenvalues 2.581 and 0.0194 per minute */
    return user_model(2, 0.05, 0.1, 2.0, 0, 0.5, 0);
  case M_FAST3: /* 2.831, 0.0847 and 0.0042 per minute */
    return user_model(3, 0.05, 0.1, 2.0, 0.3, 0.5, 0.02);
  default: /* M_TWO_SLOW */
    return user_model(3, 0.1, 1e-6, 50.0, 20.0, 1.0, 1e-5);
  }
}

enum {
  R_SINGLE, /* 0.5 mg/kg over 40 min */
  R_BOLUS,  /* 0.5 mg/kg at once */
  R_COURSE, /* 6 x 0.5 mg/kg over 40 min, days 0, 2, 4, 7, 9, 11 */
  R_EVENTS, /* boluses and back-to-back infusions, odd times */
  R_TURN2,  /* a rate drop giving two turning points (3 compartments) */
  R_TURN1,  /* a rate drop giving an interior maximum */
  R_VARIED, /* a course of unequal infusions (the crossings differ) */
  R_EARLY,  /* turning points in the first minute of an interval */
  R_BIG_SMALL, /* a large infusion, then a small one */
  R_COUNT
};

static const char *const REGIMEN_NAMES[R_COUNT] = {
    "single 40 min",      "bolus",
    "6-infusion course",  "mixed events",
    "two turning points", "interior maximum",
    "unequal course",     "early turning points",
    "large then small"};

/* Fills inf (room for 8) for a patient of weight w; returns the count. */
static size_t regimen(int which, double w, infuse_pk_infusion_t *inf) {
  memset(inf, 0, 8 * sizeof *inf);
  switch (which) {
  case R_SINGLE:
    inf[0] = (infuse_pk_infusion_t){0.0, 40.0, 0.5 * w};
    return 1;
  case R_BOLUS:
    inf[0] = (infuse_pk_infusion_t){0.0, 0.0, 0.5 * w};
    return 1;
  case R_COURSE: {
    const double days[6] = {0, 2, 4, 7, 9, 11};
    for (int i = 0; i < 6; ++i) {
      inf[i] = (infuse_pk_infusion_t){days[i] * 1440.0, 40.0, 0.5 * w};
    }
    return 6;
  }
  case R_EVENTS:
    inf[0] = (infuse_pk_infusion_t){5.0, 0.0, 0.1 * w};   /* bolus */
    inf[1] = (infuse_pk_infusion_t){5.0, 40.0, 0.3 * w};  /* right after */
    inf[2] = (infuse_pk_infusion_t){45.0, 2.5, 0.05 * w}; /* back to back */
    inf[3] = (infuse_pk_infusion_t){60.125, 200.0, 0.2 * w};
    inf[4] = (infuse_pk_infusion_t){300.0, 0.0, 0.05 * w}; /* bolus */
    inf[5] = (infuse_pk_infusion_t){300.0, 0.0, 0.05 * w}; /* same time */
    return 6;
  case R_TURN2:
    /* 2 mg/min for 10 min, 5 min off, 0.2 mg/min for 200 min (70 kg):
     * the fast mode rises, the middle one falls, the slow one rises */
    inf[0] = (infuse_pk_infusion_t){0.0, 10.0, 20.0 * w / 70.0};
    inf[1] = (infuse_pk_infusion_t){15.0, 200.0, 40.0 * w / 70.0};
    return 2;
  case R_TURN1:
    inf[0] = (infuse_pk_infusion_t){0.0, 30.0, 60.0 * w / 70.0};
    inf[1] = (infuse_pk_infusion_t){35.0, 200.0, 40.0 * w / 70.0};
    return 2;
  case R_EARLY:
    /* For M_FAST2 and M_FAST3 (70 kg): 2 mg/min for 60 min, 2 min off, then
     * 0.4 mg/min: the fast mode refills the central compartment while the
     * slow ones drain it, a maximum about 0.25 min in. Later, 5 mg/min for
     * 0.5 min, then 2 mg/min at once: the fast mode drains the excess before
     * the infusion lifts the level again, a minimum about 0.5 min in. */
    inf[0] = (infuse_pk_infusion_t){0.0, 60.0, 120.0 * w / 70.0};
    inf[1] = (infuse_pk_infusion_t){62.0, 100.0, 40.0 * w / 70.0};
    inf[2] = (infuse_pk_infusion_t){2000.0, 0.5, 2.5 * w / 70.0};
    inf[3] = (infuse_pk_infusion_t){2000.5, 100.0, 200.0 * w / 70.0};
    return 4;
  case R_BIG_SMALL:
    /* 0.5 mg/kg over 500 min, then 0.4 mg (70 kg) over 500 min: after
     * the small one a low threshold is crossed about 45 min after its end,
     * while the large one crossed it about 1200 min after its end */
    inf[0] = (infuse_pk_infusion_t){0.0, 500.0, 0.5 * w};
    inf[1] = (infuse_pk_infusion_t){3000.0, 500.0, 0.4 * w / 70.0};
    return 2;
  default: /* R_VARIED: doses 0.05 to 2 mg/kg over 5 to 240 min */
    inf[0] = (infuse_pk_infusion_t){0.0, 40.0, 0.5 * w};
    inf[1] = (infuse_pk_infusion_t){1440.0, 5.0, 0.3 * w};
    inf[2] = (infuse_pk_infusion_t){2880.0, 240.0, 2.0 * w};
    inf[3] = (infuse_pk_infusion_t){4320.0, 40.0, 0.05 * w};
    inf[4] = (infuse_pk_infusion_t){4500.0, 100.0, 0.75 * w};
    inf[5] = (infuse_pk_infusion_t){4600.0, 10.0, 0.4 * w};
    inf[6] = (infuse_pk_infusion_t){7200.0, 60.0, 1.0 * w};
    return 7;
  }
}

/* ===========================================================================
 * 1. Against the reference
 * ======================================================================= */

typedef struct ref_case {
  int model;
  int regimen;
  double weight;
  double t0, step;
  size_t n;
  double until;
  double thr_fraction; /* thresholds: fractions of the reference's Cmax */
} ref_case_t;

static const ref_case_t REF_CASES[] = {
    /* events on samples (0, 40 on a 0.5 grid) */
    {M_DOMINO, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_CLEMENTS, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_ONE, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    /* events between samples (0.7 grid) */
    {M_DOMINO, R_SINGLE, 55.5, 0.35, 0.7, 900, 1e4, 0.1},
    {M_DOMINO, R_BOLUS, 70.0, 0.0, 0.25, 2000, 600.0, 0.05},
    {M_CLEMENTS, R_BOLUS, 80.0, 0.0, 0.25, 2000, 600.0, 0.3},
    {M_ONE, R_BOLUS, 70.0, 0.0, 0.25, 2000, 600.0, 0.5},
    {M_DOMINO, R_COURSE, 70.0, 0.0, 7.3, 2400, 13.0 * 1440.0, 0.2},
    {M_CLEMENTS, R_COURSE, 70.0, 0.0, 7.3, 2400, 13.0 * 1440.0, 0.3},
    {M_DOMINO, R_EVENTS, 70.0, 1.0, 0.125, 3200, 400.0, 0.5},
    {M_CLEMENTS, R_EVENTS, 70.0, 1.0, 0.3, 1400, 400.0, 0.5},
    {M_DOMINO, R_TURN2, 70.0, 0.0, 0.2, 2000, 400.0, 0.6},
    {M_DOMINO, R_TURN1, 70.0, 0.0, 0.2, 2000, 400.0, 0.5},
    {M_CLEMENTS, R_TURN1, 70.0, 0.0, 0.2, 2000, 400.0, 0.8},
    {M_NEAR_EQUAL, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_NEAR_EQUAL, R_EVENTS, 70.0, 1.0, 0.125, 3200, 400.0, 0.5},
    {M_STIFF, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_STIFF, R_EVENTS, 70.0, 1.0, 0.125, 3200, 400.0, 0.5},
    {M_SLOW_ELIM, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_SLOW_ELIM, R_COURSE, 70.0, 0.0, 7.3, 2400, 13.0 * 1440.0, 0.5},
    {M_TWIN, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_TWIN, R_TURN2, 70.0, 0.0, 0.2, 2000, 400.0, 0.5},
    {M_NEAR_TWIN, R_EVENTS, 70.0, 1.0, 0.125, 3200, 400.0, 0.5},
    {M_ALL_EQUAL, R_EVENTS, 70.0, 1.0, 0.3, 1400, 400.0, 0.5},
    {M_ALL_EQUAL, R_BOLUS, 70.0, 0.0, 0.25, 2000, 600.0, 0.5},
    {M_TINY_COUPLING, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_TINY_COUPLING, R_COURSE, 70.0, 0.0, 7.3, 2400, 13.0 * 1440.0, 0.2},
    {M_TWO_SLOW, R_SINGLE, 70.0, 0.0, 0.5, 1201, 600.0, 0.4},
    {M_TWO_SLOW, R_EVENTS, 70.0, 1.0, 0.125, 3200, 400.0, 0.5},
    /* unequal infusions: the crossings of one infusion are poor starting
     * points for the next */
    {M_DOMINO, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.1},
    {M_DOMINO, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.35},
    {M_DOMINO, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.7},
    {M_CLEMENTS, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.2},
    {M_CLEMENTS, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.5},
    {M_STIFF, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.3},
    {M_ONE, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.4},
    {M_TWIN, R_VARIED, 70.0, 0.0, 3.1, 3000, 9000.0, 0.25},
    /* turning points within the first minute of an interval */
    {M_FAST2, R_EARLY, 70.0, 0.0, 0.05, 4000, 2200.0, 0.5},
    {M_FAST3, R_EARLY, 70.0, 0.0, 0.05, 4000, 2200.0, 0.3},
    {M_FAST2, R_EARLY, 70.0, 1995.0, 0.01, 4000, 2200.0, 0.1},
    /* a falling crossing far from where the previous one was (the solver
     * starts there; the fast mode, negligible at that start, is not at the
     * crossing) */
    {M_CLEMENTS, R_BIG_SMALL, 70.0, 0.0, 2.0, 3501, 7000.0, 0.008},
    {M_CLEMENTS, R_BIG_SMALL, 70.0, 0.0, 2.0, 3501, 7000.0, 0.005},
    {M_DOMINO, R_BIG_SMALL, 70.0, 0.0, 2.0, 3501, 7000.0, 0.005},
};

/* The relative error allowed against the reference: 1e-9 (the required
 * accuracy). The reference needs a long double wider than double; where it
 * is not (valgrind runs x87 arithmetic at double precision; some ABIs have
 * long double = double) it loses up to about 3 digits over the longest
 * propagations (||M dt|| x 1e-16, see ref_expm), and the bound is 1e-8. */
static double ref_tol(void) {
  volatile long double one = 1.0L;
  volatile long double eps = LDBL_EPSILON;
  bool wide = LDBL_MANT_DIG > DBL_MANT_DIG && one + eps != one;
  return wide ? 1e-9 : 1e-8;
}
#define REF_TOL ref_tol()

START_TEST(reference_curve) {
  const ref_case_t *rc = &REF_CASES[_i];
  infuse_pk_model_t m = test_model(rc->model);
  infuse_pk_system_t s = prepare(&m, rc->weight);
  infuse_pk_infusion_t inf[8];
  size_t ni = regimen(rc->regimen, rc->weight, inf);
  static double got[4096];
  static ld want[4096];
  ck_assert_uint_le(rc->n, 4096);
  curve(&s, inf, ni, rc->t0, rc->step, rc->n, got);
  ref_model_t rm = ref_from(&m, rc->weight);
  ref_curve(&rm, inf, ni, rc->t0, rc->step, rc->n, want);
  double worst = 0.0;
  size_t worst_k = 0;
  for (size_t k = 0; k < rc->n; ++k) {
    double e = rel_err(got[k], want[k]);
    if (e > worst) {
      worst = e;
      worst_k = k;
    }
  }
#ifdef PK_REPORT
  printf("curve   %-22s %-20s worst %.2e\n", MODEL_NAMES[rc->model],
         REGIMEN_NAMES[rc->regimen], worst);
#endif
  ck_assert_msg(worst <= REF_TOL,
                "%s, %s: curve sample %zu (t = %.6g) off by %.3g relative "
                "(got %.17g, reference %.17Lg)",
                MODEL_NAMES[rc->model], REGIMEN_NAMES[rc->regimen], worst_k,
                rc->t0 + (double)worst_k * rc->step, worst, got[worst_k],
                want[worst_k]);
}
END_TEST

START_TEST(reference_summary) {
  const ref_case_t *rc = &REF_CASES[_i];
  infuse_pk_model_t m = test_model(rc->model);
  infuse_pk_system_t s = prepare(&m, rc->weight);
  infuse_pk_infusion_t inf[8];
  size_t ni = regimen(rc->regimen, rc->weight, inf);
  ref_model_t rm = ref_from(&m, rc->weight);
  ref_summary_t peak = ref_summarize(&rm, inf, ni, rc->until, 0.0);
  double thr = rc->thr_fraction * (double)peak.cmax;
  ref_summary_t want = ref_summarize(&rm, inf, ni, rc->until, thr);
  infuse_pk_summary_t got = summarize(&s, inf, ni, rc->until, thr);
  const char *mn = MODEL_NAMES[rc->model];
  const char *rn = REGIMEN_NAMES[rc->regimen];
#ifdef PK_REPORT
  printf("summary %-22s %-20s auc %.2e cmax %.2e c_until %.2e above %.2e min "
         "(%d crossings, %d interior maxima)\n",
         mn, rn, rel_err(got.auc_ng_h_per_ml, want.auc),
         rel_err(got.cmax_ng_per_ml, want.cmax),
         rel_err(got.c_until_ng_per_ml, want.c_until),
         fabs(got.time_above_min - (double)want.above), want.crossings,
         want.turning_maxima);
#endif
  ck_assert_msg(rel_err(got.auc_ng_h_per_ml, want.auc) <= REF_TOL,
                "%s, %s: AUC %.17g, reference %.17Lg", mn, rn,
                got.auc_ng_h_per_ml, want.auc);
  ck_assert_msg(rel_err(got.cmax_ng_per_ml, want.cmax) <= REF_TOL,
                "%s, %s: Cmax %.17g, reference %.17Lg", mn, rn,
                got.cmax_ng_per_ml, want.cmax);
  ck_assert_msg(rel_err(got.c_until_ng_per_ml, want.c_until) <= REF_TOL,
                "%s, %s: c(until) %.17g, reference %.17Lg", mn, rn,
                got.c_until_ng_per_ml, want.c_until);
  /* Tmax: the reference concentration there is the maximum (to the same
   * tolerance). The time itself is ill-conditioned: at an interior maximum
   * c is flat, and the peaks of a course of equal infusions differ by less
   * than the precision. */
  ck_assert_msg(got.tmax_min >= 0.0 && got.tmax_min <= rc->until,
                "%s, %s: Tmax %.17g", mn, rn, got.tmax_min);
  ld at_tmax;
  ref_curve(&rm, inf, ni, got.tmax_min, 1.0, 1, &at_tmax);
  ck_assert_msg(rel_err(got.cmax_ng_per_ml, at_tmax) <= REF_TOL,
                "%s, %s: c(Tmax = %.17g) = %.17Lg, Cmax %.17Lg", mn, rn,
                got.tmax_min, at_tmax, want.cmax);
  if (want.turning_maxima == 0 && ni == 1) {
    ck_assert(got.tmax_min == (double)want.tmax); /* at an event */
  }
  /* time above: each crossing to a relative 1e-12 in time in the library
   * (80 bisections in the reference); up to 12 crossings, and the
   * reference's own error: 2e-11 of the horizon */
  ck_assert_msg(fabs(got.time_above_min - (double)want.above) <=
                    (REF_TOL < 1e-8 ? 2e-11 : 2e-9) * rc->until,
                "%s, %s: time above %.17g min, reference %.17Lg (thr %.6g, "
                "%d crossings)",
                mn, rn, got.time_above_min, want.above, thr, want.crossings);
  ck_assert_msg(want.crossings > 0, "%s, %s: the case crosses its threshold",
                mn, rn);
}
END_TEST

/* The turning-point regimens really have interior maxima (so the reference
 * comparison above exercises that path), and a threshold just below such a
 * local maximum, crossed up and down inside one interval, is measured as
 * the reference measures it. */
START_TEST(reference_turning_points_present) {
  const int regimens[2] = {R_TURN1, R_TURN2};
  const int models[2] = {M_DOMINO, M_TWIN};
  for (int k = 0; k < 2; ++k) {
    for (int j = 0; j < 2; ++j) {
      infuse_pk_model_t m = test_model(models[j]);
      infuse_pk_system_t s = prepare(&m, 70.0);
      infuse_pk_infusion_t inf[8];
      size_t ni = regimen(regimens[k], 70.0, inf);
      ref_model_t rm = ref_from(&m, 70.0);
      ref_summary_t r = ref_summarize(&rm, inf, ni, 400.0, 0.0);
      ck_assert_msg(r.turning_maxima >= 1, "%s, %s: no interior maximum",
                    MODEL_NAMES[models[j]], REGIMEN_NAMES[regimens[k]]);
      ld thr = r.last_turning_c * 0.999L;
      ref_summary_t rt = ref_summarize(&rm, inf, ni, 400.0, (double)thr);
      infuse_pk_summary_t got = summarize(&s, inf, ni, 400.0, (double)thr);
      ck_assert_int_ge(rt.crossings, 2);
      ck_assert_msg(fabs(got.time_above_min - (double)rt.above) <= 1e-7,
                    "%s, %s: time above the local maximum %.17g vs %.17Lg",
                    MODEL_NAMES[models[j]], REGIMEN_NAMES[regimens[k]],
                    got.time_above_min, rt.above);
    }
  }
}
END_TEST

/* A maximum and a minimum less than a minute into an interval (fast
 * distribution, 2 and 3 compartments): thresholds just below the maximum
 * and just above the minimum are crossed twice inside that first minute,
 * and the time above matches the reference. */
START_TEST(reference_turning_points_early) {
  const int models[2] = {M_FAST2, M_FAST3};
  for (int j = 0; j < 2; ++j) {
    const char *mn = MODEL_NAMES[models[j]];
    infuse_pk_model_t m = test_model(models[j]);
    infuse_pk_system_t s = prepare(&m, 70.0);
    infuse_pk_infusion_t inf[8];
    size_t ni = regimen(R_EARLY, 70.0, inf);
    ref_model_t rm = ref_from(&m, 70.0);
    ref_summary_t r = ref_summarize(&rm, inf, ni, 2200.0, 0.0);
    ck_assert_msg(r.early_maxima == 1 && r.early_minima == 1,
                  "%s: %d maxima and %d minima in a first minute", mn,
                  r.early_maxima, r.early_minima);
    const ld thr[2] = {r.early_max_c * 0.9995L, r.early_min_c * 1.0005L};
    for (int k = 0; k < 2; ++k) {
      ref_summary_t rt = ref_summarize(&rm, inf, ni, 2200.0, (double)thr[k]);
      infuse_pk_summary_t got = summarize(&s, inf, ni, 2200.0, (double)thr[k]);
      ck_assert_int_ge(rt.crossings, 2);
      ck_assert_msg(fabs(got.time_above_min - (double)rt.above) <= 1e-7,
                    "%s, threshold %.9Lg near the %s: time above %.17g, "
                    "reference %.17Lg",
                    mn, thr[k], k == 0 ? "maximum" : "minimum",
                    got.time_above_min, rt.above);
    }
  }
}
END_TEST

/* The reference itself against the 1-compartment closed form, so its
 * accuracy is known: c = dose / V e^{-k t} for a bolus. */
START_TEST(reference_self_check) {
  infuse_pk_model_t m = test_model(M_ONE);
  ref_model_t rm = ref_from(&m, 70.0);
  infuse_pk_infusion_t bolus = {0.0, 0.0, 35.0};
  ld c[5];
  ref_curve(&rm, &bolus, 1, 0.0, 250.0, 5, c);
  for (int k = 0; k < 5; ++k) {
    ld want = 35.0L * 1000.0L / rm.v1 * expl(-rm.k10 * 250.0L * (ld)k);
    ld tol = REF_TOL < 1e-8 ? 1e-15L : 1e-12L;
    ck_assert_msg(fabsl(c[k] - want) <= tol * want, "k %d: %.20Lg %.20Lg", k,
                  c[k], want);
  }
}
END_TEST

/* ===========================================================================
 * Prepared systems
 * ======================================================================= */

/* det(B - x I) of the symmetrised matrix and its derivative, in long
 * double, from its invariants: the trace e1, the sum of the principal 2 x 2
 * minors e2 and the determinant e3 (B's 2 x 2 minors are
 * (k10 + k13) k21, (k10 + k12) k31 and k21 k31; det B = k10 k21 k31). */
static void char_poly(const infuse_pk_model_t *m, ld x, ld *p, ld *dp) {
  ld k10 = m->k10, k12 = m->k12, k13 = m->k13, k21 = m->k21, k31 = m->k31;
  switch (m->compartments) {
  case 1:
    *p = k10 - x;
    *dp = -1.0L;
    return;
  case 2: {
    ld e1 = k10 + k12 + k21;
    ld e2 = k10 * k21;
    *p = (x - e1) * x + e2;
    *dp = 2.0L * x - e1;
    return;
  }
  default: {
    ld e1 = k10 + k12 + k13 + k21 + k31;
    ld e2 = (k10 + k13) * k21 + (k10 + k12) * k31 + k21 * k31;
    ld e3 = k10 * k21 * k31;
    *p = ((-x + e1) * x - e2) * x + e3;
    *dp = (-3.0L * x + 2.0L * e1) * x - e2;
    return;
  }
  }
}

START_TEST(prepare_properties) {
  infuse_pk_model_t m = test_model(_i);
  double w = 70.0;
  infuse_pk_system_t s = prepare(&m, w);
  const char *mn = MODEL_NAMES[_i];
  ck_assert_int_eq(s.modes, m.compartments);
  ck_assert(s.weight_kg == w);
  ck_assert(s.v1_l == m.v1_l_per_kg * w);
  ck_assert(s.cl_l_per_min == m.k10 * (m.v1_l_per_kg * w));
  ld gsum = 0.0L;
  ld ssum = 0.0L;
  for (int i = 0; i < s.modes; ++i) {
    double l = s.lambda_per_min[i];
    double g = s.gain_ng_per_ml_per_mg[i];
    ck_assert_msg(l > 0.0 && isfinite(l), "%s: lambda %d = %g", mn, i, l);
    ck_assert_msg(g >= 0.0 && isfinite(g), "%s: gain %d = %g", mn, i, g);
    if (i > 0) {
      ck_assert_msg(l >= s.lambda_per_min[i - 1], "%s: ascending", mn);
    }
    gsum += (ld)g;
    ssum += (ld)g / (ld)l;
    /* each eigenvalue is a root of det(B - x I) to a relative 1e-12:
     * one Newton step would move it by less, |p(x)| <= 1e-12 x |p'(x)| */
    ld x = (ld)l;
    ld p;
    ld dp;
    char_poly(&m, x, &p, &dp);
    ck_assert_msg(fabsl(p) <= 1e-12L * x * fabsl(dp),
                  "%s: lambda %d = %.17g is not an eigenvalue: p = %Lg, "
                  "x p' = %Lg",
                  mn, i, l, p, x * dp);
  }
  for (int i = s.modes; i < INFUSE_PK_MAX_MODES; ++i) {
    ck_assert(s.lambda_per_min[i] == 0.0);
    ck_assert(s.gain_ng_per_ml_per_mg[i] == 0.0);
  }
  /* bolus response at 0: 1000 / V1; steady state per unit rate 1000 / CL */
  ld v1 = (ld)m.v1_l_per_kg * (ld)w;
  ck_assert_msg(fabsl(gsum - 1000.0L / v1) <= 1e-13L * 1000.0L / v1,
                "%s: sum of gains %.17Lg, 1000 / V1 = %.17Lg", mn, gsum,
                1000.0L / v1);
  ld cl = (ld)m.k10 * v1;
  ck_assert_msg(fabsl(ssum - 1000.0L / cl) <= 1e-11L * 1000.0L / cl,
                "%s: sum gain / lambda %.17Lg, 1000 / CL = %.17Lg", mn, ssum,
                1000.0L / cl);
}
END_TEST

/* Twin peripheral compartments: B has the eigenvalue k21 exactly, with
 * eigenvector (0, 1, -1) / sqrt 2: that mode has no gain. */
START_TEST(prepare_twin_mode_has_no_gain) {
  infuse_pk_model_t m = test_model(M_TWIN);
  infuse_pk_system_t s = prepare(&m, 70.0);
  int found = 0;
  for (int i = 0; i < 3; ++i) {
    if (fabs(s.lambda_per_min[i] - 0.05) <= 1e-15) {
      found++;
      ck_assert_msg(s.gain_ng_per_ml_per_mg[i] <= 1e-20,
                    "gain of the decoupled mode %g",
                    s.gain_ng_per_ml_per_mg[i]);
    }
  }
  ck_assert_int_eq(found, 1);
}
END_TEST

/* 1 compartment: lambda = k10, gain = 1000 / V1, by hand. */
START_TEST(prepare_one_compartment_by_hand) {
  infuse_pk_model_t m = user_model(1, 2.0, 0.25, 0, 0, 0, 0);
  infuse_pk_system_t s = prepare(&m, 50.0);
  ck_assert_int_eq(s.modes, 1);
  ck_assert(s.lambda_per_min[0] == 0.25);
  ck_assert(s.v1_l == 100.0);
  ck_assert(s.cl_l_per_min == 25.0);
  ck_assert(fabs(s.gain_ng_per_ml_per_mg[0] - 10.0) <= 1e-15); /* 1000/100 */
}
END_TEST

/* 2 compartments by hand: k10 = 0.3, k12 = 0.2, k21 = 0.1 gives
 * B = [[0.5, -sqrt(0.02)], [-sqrt(0.02), 0.1]]; trace 0.6, det 0.03:
 * lambda = 0.3 -+ sqrt(0.09 - 0.03) = 0.3 -+ sqrt(0.06). The first
 * eigenvector component squared is (lambda - 0.1) / (lambda1 - lambda2)
 * with the sign that makes it positive (from (B - lambda) v = 0). */
START_TEST(prepare_two_compartment_by_hand) {
  infuse_pk_model_t m = user_model(2, 1.0, 0.3, 0.2, 0, 0.1, 0);
  infuse_pk_system_t s = prepare(&m, 10.0); /* V1 = 10 L */
  double r = sqrt(0.06);
  double l1 = 0.3 - r;
  double l2 = 0.3 + r;
  ck_assert(fabs(s.lambda_per_min[0] - l1) <= 1e-15);
  ck_assert(fabs(s.lambda_per_min[1] - l2) <= 1e-15);
  double w1 = (0.1 - l1) / (l2 - l1); /* = (l2 - 0.5) / (l2 - l1) */
  double w2 = (l2 - 0.1) / (l2 - l1);
  ck_assert(fabs(s.gain_ng_per_ml_per_mg[0] - 100.0 * w1) <= 1e-13);
  ck_assert(fabs(s.gain_ng_per_ml_per_mg[1] - 100.0 * w2) <= 1e-13);
}
END_TEST

/* ===========================================================================
 * 2. Invariants
 * ======================================================================= */

/* Superposition: the curve of a course is the sum of the curves of any
 * split of its infusions. */
START_TEST(invariant_superposition) {
  infuse_pk_model_t m = test_model(_i);
  infuse_pk_system_t s = prepare(&m, 70.0);
  infuse_pk_infusion_t all[8];
  size_t n = regimen(R_COURSE, 70.0, all);
  infuse_pk_infusion_t odd[3] = {all[0], all[2], all[4]};
  infuse_pk_infusion_t even[3] = {all[1], all[3], all[5]};
  enum { N = 2000 };
  static double ca[N], co[N], ce[N];
  curve(&s, all, n, 0.0, 8.75, N, ca);
  curve(&s, odd, 3, 0.0, 8.75, N, co);
  curve(&s, even, 3, 0.0, 8.75, N, ce);
  for (int k = 0; k < N; ++k) {
    double sum = co[k] + ce[k];
    ck_assert_msg(fabs(ca[k] - sum) <= 1e-12 * ca[k] + 1e-300,
                  "%s: k %d: %.17g vs %.17g + %.17g", MODEL_NAMES[_i], k, ca[k],
                  co[k], ce[k]);
  }
  /* and the AUCs add up */
  double until = 12.5 * 1440.0;
  infuse_pk_summary_t sa = summarize(&s, all, n, until, 0.0);
  infuse_pk_summary_t so = summarize(&s, odd, 3, until, 0.0);
  infuse_pk_summary_t se = summarize(&s, even, 3, until, 0.0);
  ck_assert(fabs(sa.auc_ng_h_per_ml - so.auc_ng_h_per_ml -
                 se.auc_ng_h_per_ml) <= 1e-12 * sa.auc_ng_h_per_ml);
  ck_assert(fabs(sa.auc_inf_ng_h_per_ml - so.auc_inf_ng_h_per_ml -
                 se.auc_inf_ng_h_per_ml) <= 1e-13 * sa.auc_inf_ng_h_per_ml);
}
END_TEST

/* Steady state: a long infusion approaches rate / CL (x 1000 for ng/mL). */
START_TEST(invariant_steady_state) {
  infuse_pk_model_t m = test_model(_i);
  double w = 70.0;
  infuse_pk_system_t s = prepare(&m, w);
  ld v1 = (ld)m.v1_l_per_kg * (ld)w;
  ld cl = (ld)m.k10 * v1;
  /* long enough that the slowest mode is e^-60 from its plateau */
  double dur = 60.0 / s.lambda_per_min[0];
  if (dur > 9e8) {
    return; /* k10 1e-6: the plateau is beyond the 1e9 min horizon */
  }
  double rate = 0.5; /* mg/min */
  infuse_pk_infusion_t inf = {0.0, dur, rate * dur};
  double c[2];
  curve(&s, &inf, 1, dur, 1.0, 1, c);
  ld want = (ld)rate * 1000.0L / cl;
  ck_assert_msg(rel_err(c[0], want) <= 1e-12, "%s: %.17g vs %.17Lg",
                MODEL_NAMES[_i], c[0], want);
  infuse_pk_summary_t o = summarize(&s, &inf, 1, dur, 0.0);
  ck_assert(rel_err(o.cmax_ng_per_ml, want) <= 1e-12);
  ck_assert(rel_err(o.c_until_ng_per_ml, want) <= 1e-12);
  ck_assert(o.tmax_min == dur); /* still rising at the end */
}
END_TEST

/* Mass balance: AUC(0, inf) = dose / CL, and the summary's AUC reaches it
 * for a long horizon. */
START_TEST(invariant_mass_balance) {
  infuse_pk_model_t m = test_model(_i);
  double w = 70.0;
  infuse_pk_system_t s = prepare(&m, w);
  infuse_pk_infusion_t inf[8];
  size_t n = regimen(R_COURSE, w, inf);
  ld v1 = (ld)m.v1_l_per_kg * (ld)w;
  ld cl = (ld)m.k10 * v1;
  /* 6 x 35 mg = 210 mg; mg / (L/min) x 1000 = ng min/mL; / 60 = ng h/mL */
  ld want = 6.0L * 35.0L * 1000.0L / cl / 60.0L;
  double until = 11.0 * 1440.0 + 80.0 / s.lambda_per_min[0];
  if (until > 1e9) {
    return;
  }
  infuse_pk_summary_t o = summarize(&s, inf, n, until, 0.0);
  ck_assert_msg(rel_err(o.auc_inf_ng_h_per_ml, want) <= 1e-14,
                "%s: auc_inf %.17g vs %.17Lg", MODEL_NAMES[_i],
                o.auc_inf_ng_h_per_ml, want);
  ck_assert_msg(rel_err(o.auc_ng_h_per_ml, want) <= 1e-11,
                "%s: auc %.17g vs auc_inf %.17Lg", MODEL_NAMES[_i],
                o.auc_ng_h_per_ml, want);
  /* infusions after `until` count in auc_inf only */
  infuse_pk_summary_t part = summarize(&s, inf, n, 3.0 * 1440.0, 0.0);
  ck_assert(part.auc_inf_ng_h_per_ml == o.auc_inf_ng_h_per_ml);
  ck_assert(part.auc_ng_h_per_ml < o.auc_ng_h_per_ml);
}
END_TEST

/* After an infusion ends the concentration strictly falls. */
START_TEST(invariant_falls_after_infusion) {
  infuse_pk_model_t m = test_model(_i);
  infuse_pk_system_t s = prepare(&m, 70.0);
  infuse_pk_infusion_t inf = {0.0, 40.0, 35.0};
  enum { N = 1000 };
  static double c[N];
  curve(&s, &inf, 1, 40.0, 0.37, N, c);
  for (int k = 1; k < N; ++k) {
    ck_assert_msg(c[k] < c[k - 1], "%s: c rises after the end at k %d",
                  MODEL_NAMES[_i], k);
  }
  /* and rises during it */
  curve(&s, &inf, 1, 0.0, 0.04, N, c);
  for (int k = 1; k < N; ++k) {
    ck_assert_msg(c[k] > c[k - 1], "%s: c falls during the infusion at k %d",
                  MODEL_NAMES[_i], k);
  }
  /* the maximum is at the end */
  infuse_pk_summary_t o = summarize(&s, &inf, 1, 600.0, 0.0);
  ck_assert(o.tmax_min == 40.0);
}
END_TEST

/* The same dose over 40 or 100 min: the same AUC to infinity, nearly the
 * same AUC to a long horizon, a lower peak over 100 min. */
START_TEST(invariant_duration_keeps_exposure) {
  infuse_pk_model_t m = test_model(_i);
  infuse_pk_system_t s = prepare(&m, 70.0);
  infuse_pk_infusion_t a = {0.0, 40.0, 35.0};
  infuse_pk_infusion_t b = {0.0, 100.0, 35.0};
  double until = 100.0 + 80.0 / s.lambda_per_min[0];
  if (until > 1e9) {
    return;
  }
  infuse_pk_summary_t oa = summarize(&s, &a, 1, until, 0.0);
  infuse_pk_summary_t ob = summarize(&s, &b, 1, until, 0.0);
  ck_assert(oa.auc_inf_ng_h_per_ml == ob.auc_inf_ng_h_per_ml);
  ck_assert_msg(fabs(oa.auc_ng_h_per_ml - ob.auc_ng_h_per_ml) <=
                    1e-11 * oa.auc_ng_h_per_ml,
                "%s: %.17g vs %.17g", MODEL_NAMES[_i], oa.auc_ng_h_per_ml,
                ob.auc_ng_h_per_ml);
  ck_assert(ob.cmax_ng_per_ml < oa.cmax_ng_per_ml);
}
END_TEST

/* 1 compartment, worked by hand: V = 2 L/kg x 50 kg = 100 L, k = 0.25/min,
 * CL = 25 L/min. */
START_TEST(one_compartment_closed_forms) {
  infuse_pk_model_t m = user_model(1, 2.0, 0.25, 0, 0, 0, 0);
  infuse_pk_system_t s = prepare(&m, 50.0);
  /* bolus of 10 mg at 0: c0 = 10 mg / 100 L = 0.1 mg/L = 100 ng/mL,
   * c(t) = 100 e^{-0.25 t} */
  infuse_pk_infusion_t bolus = {0.0, 0.0, 10.0};
  double c[41];
  curve(&s, &bolus, 1, 0.0, 0.5, 41, c);
  for (int k = 0; k <= 40; ++k) {
    double want = 100.0 * exp(-0.25 * 0.5 * k);
    ck_assert_msg(fabs(c[k] - want) <= 1e-14 * want, "bolus k %d: %.17g %.17g",
                  k, c[k], want);
  }
  /* time above 20 ng/mL: ln(100 / 20) / 0.25 = 4 ln 5 min */
  infuse_pk_summary_t o = summarize(&s, &bolus, 1, 100.0, 20.0);
  ck_assert_msg(
      fabs(o.time_above_min - 4.0 * log(5.0)) <= 1e-12 * 4.0 * log(5.0),
      "time above %.17g, want %.17g", o.time_above_min, 4.0 * log(5.0));
  ck_assert(o.cmax_ng_per_ml == 100.0); /* 10 mg x 1000 / 100 L */
  ck_assert(o.tmax_min == 0.0);
  /* AUC(0, 100) = c0 / k (1 - e^{-25}) ng min/mL = 400 (1 - e^-25) / 60 */
  double auc = 400.0 * -expm1(-25.0) / 60.0;
  ck_assert(fabs(o.auc_ng_h_per_ml - auc) <= 1e-14 * auc);
  ck_assert(fabs(o.auc_inf_ng_h_per_ml - 400.0 / 60.0) <= 1e-15 * 400.0);
  ck_assert(fabs(o.c_until_ng_per_ml - 100.0 * exp(-25.0)) <=
            1e-13 * 100.0 * exp(-25.0));

  /* infusion of 20 mg over 8 min (2.5 mg/min): during it
   * c = R / CL (1 - e^{-k t}) = 2.5 / 25 x 1000 (1 - e^{-t/4}) ng/mL
   * = 100 (1 - e^{-t/4}); after it c(8) e^{-(t - 8)/4} */
  infuse_pk_infusion_t inf = {0.0, 8.0, 20.0};
  double d[33];
  curve(&s, &inf, 1, 0.0, 0.5, 33, d);
  double c8 = 100.0 * -expm1(-2.0);
  for (int k = 0; k <= 32; ++k) {
    double t = 0.5 * k;
    double want =
        t <= 8.0 ? 100.0 * -expm1(-t / 4.0) : c8 * exp(-(t - 8.0) / 4.0);
    ck_assert_msg(fabs(d[k] - want) <= 1e-14 * 100.0, "inf k %d: %.17g %.17g",
                  k, d[k], want);
  }
  /* time above 50 ng/mL: up at 100 (1 - e^{-t/4}) = 50, t = 4 ln 2; down
   * at c8 e^{-(t-8)/4} = 50, t = 8 + 4 ln(c8 / 50) */
  infuse_pk_summary_t oi = summarize(&s, &inf, 1, 60.0, 50.0);
  double above = 8.0 + 4.0 * log(c8 / 50.0) - 4.0 * log(2.0);
  ck_assert_msg(fabs(oi.time_above_min - above) <= 1e-12 * 8.0,
                "infusion time above %.17g, want %.17g", oi.time_above_min,
                above);
  ck_assert(fabs(oi.cmax_ng_per_ml - c8) <= 1e-14 * c8);
  ck_assert(oi.tmax_min == 8.0);
  /* AUC(0, 60): during, 100 (8 - 4 (1 - e^-2)); after, c8 x 4 (1 - e^-13) */
  double auc_i =
      (100.0 * (8.0 - 4.0 * -expm1(-2.0)) + c8 * 4.0 * -expm1(-13.0)) / 60.0;
  ck_assert_msg(fabs(oi.auc_ng_h_per_ml - auc_i) <= 1e-14 * auc_i,
                "infusion AUC %.17g, want %.17g", oi.auc_ng_h_per_ml, auc_i);
}
END_TEST

/* Boluses and samples: a bolus at a sample time is in that sample (the
 * value after the event); two boluses at one time add. */
START_TEST(bolus_at_sample_time) {
  infuse_pk_model_t m = user_model(1, 2.0, 0.25, 0, 0, 0, 0);
  infuse_pk_system_t s = prepare(&m, 50.0);
  infuse_pk_infusion_t two[2] = {{4.0, 0.0, 10.0}, {4.0, 0.0, 10.0}};
  double c[3];
  curve(&s, two, 2, 2.0, 2.0, 3, c);
  ck_assert(c[0] == 0.0);
  ck_assert(fabs(c[1] - 200.0) <= 1e-13);
  ck_assert(fabs(c[2] - 200.0 * exp(-0.5)) <= 1e-13);
  /* a bolus at `until` is in Cmax and c_until */
  infuse_pk_summary_t o = summarize(&s, two, 2, 4.0, 150.0);
  ck_assert(fabs(o.c_until_ng_per_ml - 200.0) <= 1e-13);
  ck_assert(fabs(o.cmax_ng_per_ml - 200.0) <= 1e-13);
  ck_assert(o.tmax_min == 4.0);
  ck_assert(o.time_above_min == 0.0);
  ck_assert(o.auc_ng_h_per_ml == 0.0);
}
END_TEST

/* Edge cases of the API that are not errors. */
/* The last sample of a curve must be at most 1e9 min: checked from two
 * samples on (one sample is t0 itself, checked on its own). */
START_TEST(curve_last_sample_limit) {
  infuse_pk_model_t m = builtin("domino");
  infuse_pk_system_t s = prepare(&m, 70.0);
  double c[2];
  infuse_diag_t d;
  ck_assert_int_eq(infuse_pk_curve(&s, NULL, 0, 1e9 - 1.0, 1.0, 2, c, &d),
                   INFUSE_OK);
  ck_assert_int_eq(infuse_pk_curve(&s, NULL, 0, 1e9 - 0.5, 1.0, 2, c, &d),
                   INFUSE_E_RANGE);
  ck_assert_str_eq(d.field, "step");
  ck_assert_int_eq(infuse_pk_curve(&s, NULL, 0, 1e9, 1.0, 1, c, &d),
                   INFUSE_OK);
}
END_TEST

START_TEST(empty_inputs) {
  infuse_pk_model_t m = builtin("domino");
  infuse_pk_system_t s = prepare(&m, 70.0);
  infuse_diag_t d;
  ck_assert_int_eq(infuse_pk_curve(&s, NULL, 0, 0.0, 1.0, 0, NULL, &d),
                   INFUSE_OK);
  double c[4] = {1, 1, 1, 1};
  ck_assert_int_eq(infuse_pk_curve(&s, NULL, 0, 3.0, 1.0, 4, c, NULL),
                   INFUSE_OK);
  for (int k = 0; k < 4; ++k) {
    ck_assert(c[k] == 0.0);
  }
  /* n = 1: step is not used, 0 is fine */
  infuse_pk_infusion_t inf = {0.0, 40.0, 35.0};
  ck_assert_int_eq(infuse_pk_curve(&s, &inf, 1, 40.0, 0.0, 1, c, NULL),
                   INFUSE_OK);
  ck_assert(c[0] > 200.0);
  infuse_pk_summary_t o = summarize(&s, NULL, 0, 10.0, 1.0);
  ck_assert(o.cmax_ng_per_ml == 0.0 && o.tmax_min == 0.0);
  ck_assert(o.auc_ng_h_per_ml == 0.0 && o.auc_inf_ng_h_per_ml == 0.0);
  ck_assert(o.time_above_min == 0.0 && o.c_until_ng_per_ml == 0.0);
  /* threshold 0: no time above */
  o = summarize(&s, &inf, 1, 600.0, 0.0);
  ck_assert(o.time_above_min == 0.0);
  /* until inside the infusion: rising, the maximum at until */
  o = summarize(&s, &inf, 1, 20.0, 0.0);
  ck_assert(o.tmax_min == 20.0);
  ck_assert(o.cmax_ng_per_ml == o.c_until_ng_per_ml);
  /* an infusion starting after until adds to auc_inf only */
  infuse_pk_infusion_t late[2] = {{0.0, 40.0, 35.0}, {700.0, 40.0, 35.0}};
  infuse_pk_summary_t o1 = summarize(&s, late, 1, 600.0, 50.0);
  infuse_pk_summary_t o2 = summarize(&s, late, 2, 600.0, 50.0);
  ck_assert(o1.auc_ng_h_per_ml == o2.auc_ng_h_per_ml);
  ck_assert(o1.time_above_min == o2.time_above_min);
  ck_assert(fabs(o2.auc_inf_ng_h_per_ml - 2.0 * o1.auc_inf_ng_h_per_ml) <=
            1e-15 * o2.auc_inf_ng_h_per_ml);
  /* the largest accepted times */
  infuse_pk_infusion_t far = {1e9 - 100.0, 100.0, 35.0};
  o = summarize(&s, &far, 1, 1e9, 50.0);
  ck_assert(o.tmax_min == 1e9);
  ck_assert(isfinite(o.auc_ng_h_per_ml) && o.auc_ng_h_per_ml > 0.0);
}
END_TEST

/* ===========================================================================
 * 3. Sanity figures (CLINICAL.md 7: tolerances, not citations)
 * ======================================================================= */

typedef struct sanity_row {
  const char *model;
  double duration_min;
  double peak_ng_per_ml;
} sanity_row_t;

/* 70 kg, 0.5 mg/kg (35 mg). "About" 240, 177 and 122 ng/mL: held to 3%. */
static const sanity_row_t SANITY[] = {
    {"domino", 40.0, 240.0},
    {"clements", 40.0, 177.0},
    {"domino", 100.0, 122.0},
};

START_TEST(sanity_peaks) {
  const sanity_row_t *r = &SANITY[_i];
  infuse_pk_model_t m = builtin(r->model);
  infuse_pk_system_t s = prepare(&m, 70.0);
  infuse_pk_infusion_t inf = {0.0, r->duration_min, 35.0};
  infuse_pk_summary_t o = summarize(&s, &inf, 1, 600.0, 0.0);
  ck_assert_msg(fabs(o.cmax_ng_per_ml - r->peak_ng_per_ml) <=
                    0.03 * r->peak_ng_per_ml,
                "%s over %g min: peak %.3f, about %.0f expected", r->model,
                r->duration_min, o.cmax_ng_per_ml, r->peak_ng_per_ml);
  ck_assert(o.tmax_min == r->duration_min);
}
END_TEST

START_TEST(builtin_sets) {
  ck_assert_uint_eq(infuse_pk_model_count(), 2);
  ck_assert_str_eq(infuse_pk_model_name(0), "domino");
  ck_assert_str_eq(infuse_pk_model_name(1), "clements");
  ck_assert_ptr_null(infuse_pk_model_name(2));
  ck_assert_ptr_null(infuse_pk_model_name(SIZE_MAX));
  /* CLINICAL.md 7, as coded in open TCI software */
  infuse_pk_model_t d = builtin("domino");
  ck_assert_int_eq(d.compartments, 3);
  ck_assert(d.v1_l_per_kg == 0.063 && d.k10 == 0.4381 && d.k12 == 0.5921 &&
            d.k13 == 0.5900 && d.k21 == 0.2470 && d.k31 == 0.0146);
  infuse_pk_model_t c = builtin("clements");
  ck_assert_int_eq(c.compartments, 2);
  ck_assert(c.v1_l_per_kg == 1.7522 && c.k10 == 0.0109 && c.k12 == 0.0186 &&
            c.k21 == 0.0137 && c.k13 == 0.0 && c.k31 == 0.0);
  ck_assert_int_eq(infuse_pk_model_validate(&d, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_pk_model_validate(&c, NULL), INFUSE_OK);
}
END_TEST

START_TEST(from_clearances) {
  infuse_pk_model_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = (uint32_t)sizeof m;
  infuse_diag_t d;
  /* Kamp 2020 as 1 compartment: 3.6 L/kg, 0.018810 L/min/kg */
  ck_assert_int_eq(
      infuse_pk_model_from_clearances(1, 3.6, 0, 0, 0.018810, 0, 0, &m, &d),
      INFUSE_OK);
  ck_assert_int_eq(m.compartments, 1);
  ck_assert(m.v1_l_per_kg == 3.6);
  ck_assert(m.k10 == 0.018810 / 3.6);
  ck_assert(m.k12 == 0.0 && m.k21 == 0.0 && m.k13 == 0.0 && m.k31 == 0.0);
  /* 3 compartments: v 1, 2, 4 L/kg; cl 0.1, q2 0.4, q3 0.8 L/min/kg:
   * k10 0.1, k12 0.4, k21 0.2, k13 0.8, k31 0.2 */
  ck_assert_int_eq(
      infuse_pk_model_from_clearances(3, 1.0, 2.0, 4.0, 0.1, 0.4, 0.8, &m, &d),
      INFUSE_OK);
  ck_assert_int_eq(m.compartments, 3);
  ck_assert(m.k10 == 0.1 && m.k12 == 0.4 && m.k21 == 0.2 && m.k13 == 0.8 &&
            m.k31 == 0.2);
  /* 2 compartments: v 0.5, 2 L/kg; cl 0.05, q2 0.25 L/min/kg: k10 0.1,
   * k12 0.5, k21 0.125; a third compartment's values must be 0 */
  ck_assert_int_eq(
      infuse_pk_model_from_clearances(2, 0.5, 2.0, 4.0, 0.05, 0.25, 0.8, &m, &d),
      INFUSE_E_INVALID);
  ck_assert_str_eq(d.field, "v3_l_per_kg");
  ck_assert_int_eq(
      infuse_pk_model_from_clearances(2, 0.5, 2.0, 0.0, 0.05, 0.25, 0.0, &m, &d),
      INFUSE_OK);
  ck_assert_int_eq(m.compartments, 2);
  ck_assert(m.k10 == 0.1 && m.k12 == 0.5 && m.k21 == 0.125 && m.k13 == 0.0 &&
            m.k31 == 0.0);
  /* and the model of the Domino set back from its clearances */
  infuse_pk_model_t dom = builtin("domino");
  double v2 = dom.v1_l_per_kg * dom.k12 / dom.k21;
  double v3 = dom.v1_l_per_kg * dom.k13 / dom.k31;
  ck_assert_int_eq(infuse_pk_model_from_clearances(
                       3, dom.v1_l_per_kg, v2, v3, dom.k10 * dom.v1_l_per_kg,
                       dom.k12 * dom.v1_l_per_kg, dom.k13 * dom.v1_l_per_kg, &m,
                       &d),
                   INFUSE_OK);
  ck_assert(fabs(m.k10 - dom.k10) <= 1e-15 && fabs(m.k12 - dom.k12) <= 1e-15 &&
            fabs(m.k21 - dom.k21) <= 1e-15 && fabs(m.k13 - dom.k13) <= 1e-15 &&
            fabs(m.k31 - dom.k31) <= 1e-15);
}
END_TEST

/* A system handed in (not from infuse_pk_prepare) may have a volume, a
 * clearance and (with no gain) a rate down to 1e-300, that value included;
 * below it the field is named. */
START_TEST(system_smallest_values) {
  infuse_pk_model_t m = test_model(M_ONE);
  const char *const fields[2] = {"system.v1_l", "system.cl_l_per_min"};
  for (int k = 0; k < 2; ++k) {
    for (int below = 0; below < 2; ++below) {
      infuse_pk_system_t s = prepare(&m, 70.0);
      double v = below ? nextafter(1e-300, 0.0) : 1e-300;
      if (k == 0) {
        s.v1_l = v;
      } else {
        s.cl_l_per_min = v;
      }
      double c[2];
      infuse_diag_t d;
      int rc = infuse_pk_curve(&s, NULL, 0, 0.0, 1.0, 2, c, &d);
      if (below) {
        ck_assert_int_eq(rc, INFUSE_E_INVALID);
        ck_assert_str_eq(d.field, fields[k]);
      } else {
        ck_assert_msg(rc == INFUSE_OK, "%s = 1e-300: %d %s", fields[k], rc,
                      d.message);
      }
    }
  }
  /* rates must ascend, and may be equal */
  {
    infuse_pk_model_t cl = builtin("clements");
    infuse_pk_system_t s = prepare(&cl, 70.0);
    s.lambda_per_min[1] = s.lambda_per_min[0];
    double c[2];
    infuse_diag_t d;
    ck_assert_int_eq(infuse_pk_curve(&s, NULL, 0, 0.0, 1.0, 2, c, &d),
                     INFUSE_OK);
    s.lambda_per_min[1] = nextafter(s.lambda_per_min[0], 0.0);
    ck_assert_int_eq(infuse_pk_curve(&s, NULL, 0, 0.0, 1.0, 2, c, &d),
                     INFUSE_E_INVALID);
  }
  /* a rate may be 1e-300 too where its gain is 0 (no steady state to
   * overflow), and not below */
  infuse_pk_model_t two = builtin("clements");
  for (int below = 0; below < 2; ++below) {
    infuse_pk_system_t s = prepare(&two, 70.0);
    s.lambda_per_min[0] = below ? nextafter(1e-300, 0.0) : 1e-300;
    s.gain_ng_per_ml_per_mg[0] = 0.0;
    double c[2];
    infuse_diag_t d;
    int rc = infuse_pk_curve(&s, NULL, 0, 0.0, 1.0, 2, c, &d);
    ck_assert_int_eq(rc, (below ? INFUSE_E_INVALID : INFUSE_OK));
    if (below) {
      ck_assert_str_eq(d.field, "system.lambda_per_min");
    }
  }
}
END_TEST

START_TEST(validate_accepted_edges) {
  infuse_pk_model_t m = user_model(3, 100.0, 100.0, 1e-9, 100.0, 1e-9, 100.0);
  ck_assert_int_eq(infuse_pk_model_validate(&m, NULL), INFUSE_OK);
  m = user_model(1, 1e-3, 1e-12, 0, 0, 0, 0);
  ck_assert_int_eq(infuse_pk_model_validate(&m, NULL), INFUSE_OK);
  /* and both prepare */
  infuse_pk_system_t s = prepare(&m, 500.0);
  ck_assert(s.lambda_per_min[0] == 1e-12);
  m = user_model(3, 100.0, 100.0, 1e-9, 100.0, 1e-9, 100.0);
  s = prepare(&m, 1e-3);
  ck_assert(s.lambda_per_min[0] > 0.0);
}
END_TEST

/* ===========================================================================
 * 4. Virtual patients
 * ======================================================================= */

static infuse_pk_population_t population(const char *model, double cv,
                                         double wmed, double wcv,
                                         uint64_t seed) {
  infuse_pk_population_t p;
  memset(&p, 0, sizeof p);
  p.struct_size = (uint32_t)sizeof p;
  p.model = builtin(model);
  p.variability_cv = cv;
  p.weight_median_kg = wmed;
  p.weight_cv = wcv;
  p.seed = seed;
  return p;
}

static int draw(const infuse_pk_population_t *p, uint64_t i,
                infuse_pk_model_t *m, double *w) {
  memset(m, 0, sizeof *m);
  m->struct_size = (uint32_t)sizeof *m;
  return infuse_pk_patient(p, i, m, w, NULL);
}

START_TEST(patient_cv0_is_typical) {
  infuse_pk_population_t p = population("domino", 0.0, 80.0, 0.0, 7);
  for (uint64_t i = 0; i < 50; ++i) {
    infuse_pk_model_t m;
    double w;
    ck_assert_int_eq(draw(&p, i * 977u, &m, &w), INFUSE_OK);
    ck_assert(w == 80.0);
    ck_assert(memcmp(&m, &p.model, sizeof m) == 0);
  }
}
END_TEST

/* The population's accepted edges: weight median 20 and 300 kg, CVs 0 and
 * 2 (variability) and 1 (weight), all included: a patient may still fall
 * outside a model's range (E_RANGE naming the patient), but the population
 * itself is not refused. */
START_TEST(patient_accepted_edges) {
  const double edges[4][3] = {
      {0.0, 20.0, 0.0}, {0.0, 300.0, 0.0}, {2.0, 80.0, 0.0}, {0.0, 20.0, 1.0}};
  for (int k = 0; k < 4; ++k) {
    infuse_pk_population_t p =
        population("domino", edges[k][0], edges[k][1], edges[k][2], 3);
    for (uint64_t i = 0; i < 20; ++i) {
      infuse_pk_model_t m;
      memset(&m, 0, sizeof m);
      m.struct_size = (uint32_t)sizeof m;
      double w;
      infuse_diag_t d;
      int rc = infuse_pk_patient(&p, i, &m, &w, &d);
      ck_assert_msg(rc == INFUSE_OK ||
                        strncmp(d.field, "population", 10) != 0,
                    "edges %d, patient %d: %d %s", k, (int)i, rc, d.message);
    }
  }
}
END_TEST

START_TEST(patient_reproducible_and_distinct) {
  infuse_pk_population_t p = population("domino", 0.3, 80.0, 0.2, 12345);
  infuse_pk_model_t a;
  infuse_pk_model_t b;
  double wa;
  double wb;
  ck_assert_int_eq(draw(&p, 42, &a, &wa), INFUSE_OK);
  ck_assert_int_eq(draw(&p, 42, &b, &wb), INFUSE_OK);
  ck_assert(memcmp(&a, &b, sizeof a) == 0 && wa == wb);
  ck_assert_int_eq(draw(&p, 43, &b, &wb), INFUSE_OK);
  ck_assert(wa != wb && a.k10 != b.k10 && a.v1_l_per_kg != b.v1_l_per_kg &&
            a.k12 != b.k12 && a.k13 != b.k13 && a.k21 != b.k21 &&
            a.k31 != b.k31);
  /* another seed, another patient */
  p.seed = 12346;
  ck_assert_int_eq(draw(&p, 42, &b, &wb), INFUSE_OK);
  ck_assert(wa != wb && a.k10 != b.k10);
  /* the patient does not depend on the other patients (or on order) */
  p.seed = 12345;
  ck_assert_int_eq(draw(&p, UINT64_MAX, &b, &wb), INFUSE_OK);
  ck_assert_int_eq(draw(&p, 42, &b, &wb), INFUSE_OK);
  ck_assert(memcmp(&a, &b, sizeof a) == 0 && wa == wb);
  /* and each patient is a valid model */
  ck_assert_int_eq(infuse_pk_model_validate(&a, NULL), INFUSE_OK);
}
END_TEST

/* The documented recipe, recomputed: stream 1; draws 0-1 the weight
 * (cosine half), 2-3 v1 and k10, 4-5 k12 and k21, 6-7 k13 and k31;
 * z = sqrt(-2 ln(1 - u)) cos or sin(2 pi u'); factor exp(omega z),
 * omega^2 = ln(1 + CV^2). */
START_TEST(patient_documented_draws) {
  infuse_pk_population_t p = population("domino", 0.45, 75.0, 0.25, 99);
  const double pi2 = 6.283185307179586;
  double om = sqrt(log(1.0 + 0.45 * 0.45));
  double omw = sqrt(log(1.0 + 0.25 * 0.25));
  for (uint64_t i = 0; i < 200; ++i) {
    uint64_t idx = i * 0x9E3779B97F4A7C15u;
    double u[8];
    for (uint32_t k = 0; k < 8; ++k) {
      u[k] = infuse_sim_uniform(99, idx, 1, k);
    }
    double zw = sqrt(-2.0 * log(1.0 - u[0])) * cos(pi2 * u[1]);
    double z[6];
    for (int j = 0; j < 3; ++j) {
      double rad = sqrt(-2.0 * log(1.0 - u[2 + 2 * j]));
      z[2 * j] = rad * cos(pi2 * u[3 + 2 * j]);
      z[2 * j + 1] = rad * sin(pi2 * u[3 + 2 * j]);
    }
    infuse_pk_model_t m;
    double w;
    ck_assert_int_eq(draw(&p, idx, &m, &w), INFUSE_OK);
    const double tol = 1e-12;
    ck_assert(fabs(w / (75.0 * exp(omw * zw)) - 1.0) <= tol);
    ck_assert(fabs(m.v1_l_per_kg / (0.063 * exp(om * z[0])) - 1.0) <= tol);
    ck_assert(fabs(m.k10 / (0.4381 * exp(om * z[1])) - 1.0) <= tol);
    ck_assert(fabs(m.k12 / (0.5921 * exp(om * z[2])) - 1.0) <= tol);
    ck_assert(fabs(m.k21 / (0.2470 * exp(om * z[3])) - 1.0) <= tol);
    ck_assert(fabs(m.k13 / (0.5900 * exp(om * z[4])) - 1.0) <= tol);
    ck_assert(fabs(m.k31 / (0.0146 * exp(om * z[5])) - 1.0) <= tol);
  }
  /* 2 compartments: k13 and k31 stay 0 */
  p = population("clements", 0.45, 75.0, 0.25, 99);
  infuse_pk_model_t m;
  double w;
  ck_assert_int_eq(draw(&p, 5, &m, &w), INFUSE_OK);
  ck_assert(m.k13 == 0.0 && m.k31 == 0.0 && m.compartments == 2);
}
END_TEST

/* 20,000 patients: ln(factor) has mean 0 and variance omega^2 =
 * ln(1 + CV^2). Standard errors: mean omega / sqrt(N); variance
 * omega^2 sqrt(2 / (N - 1)) (normal data). Tolerances: 5 standard errors.
 * Correlations between parameters: |r| <= 5 / sqrt(N). */
START_TEST(patient_statistics) {
  enum { N = 20000, P = 7 };
  const double cv = 0.3;
  const double wcv = 0.2;
  infuse_pk_population_t p = population("domino", cv, 80.0, wcv, 2024);
  const double typ[P] = {80.0, 0.063, 0.4381, 0.5921, 0.5900, 0.2470, 0.0146};
  const double om2[P] = {log(1.0 + wcv * wcv), log(1.0 + cv * cv),
                         log(1.0 + cv * cv),   log(1.0 + cv * cv),
                         log(1.0 + cv * cv),   log(1.0 + cv * cv),
                         log(1.0 + cv * cv)};
  static double x[P][N];
  for (int i = 0; i < N; ++i) {
    infuse_pk_model_t m;
    double w;
    ck_assert_int_eq(draw(&p, (uint64_t)i, &m, &w), INFUSE_OK);
    const double v[P] = {w, m.v1_l_per_kg, m.k10, m.k12, m.k13, m.k21, m.k31};
    for (int j = 0; j < P; ++j) {
      x[j][i] = log(v[j] / typ[j]);
    }
  }
  double mean[P];
  double var[P];
  for (int j = 0; j < P; ++j) {
    double s = 0.0;
    for (int i = 0; i < N; ++i) {
      s += x[j][i];
    }
    mean[j] = s / N;
    double ss = 0.0;
    for (int i = 0; i < N; ++i) {
      ss += (x[j][i] - mean[j]) * (x[j][i] - mean[j]);
    }
    var[j] = ss / (N - 1);
    double se_mean = sqrt(om2[j] / N);
    double se_var = om2[j] * sqrt(2.0 / (N - 1));
    ck_assert_msg(fabs(mean[j]) <= 5.0 * se_mean, "param %d: mean %g (se %g)",
                  j, mean[j], se_mean);
    ck_assert_msg(fabs(var[j] - om2[j]) <= 5.0 * se_var,
                  "param %d: variance %g, want %g (se %g)", j, var[j], om2[j],
                  se_var);
  }
  /* the weight's geometric mean is the median (within 5 standard errors) */
  double gm = 80.0 * exp(mean[0]);
  ck_assert_msg(fabs(gm / 80.0 - 1.0) <= 5.0 * sqrt(om2[0] / N) * 1.01,
                "geometric mean weight %g", gm);
  for (int a = 0; a < P; ++a) {
    for (int b = a + 1; b < P; ++b) {
      double sab = 0.0;
      for (int i = 0; i < N; ++i) {
        sab += (x[a][i] - mean[a]) * (x[b][i] - mean[b]);
      }
      double r = sab / (N - 1) / sqrt(var[a] * var[b]);
      ck_assert_msg(fabs(r) <= 5.0 / sqrt((double)N),
                    "params %d and %d correlate: r = %g", a, b, r);
    }
  }
}
END_TEST

/* A population whose tail leaves the accepted ranges: reported, never
 * clamped, outputs untouched. Median 300 kg with CV 1: about 28% of
 * patients draw more than 500 kg. */
START_TEST(patient_tail_out_of_range) {
  infuse_pk_population_t p = population("domino", 0.0, 300.0, 1.0, 5);
  int over = 0;
  int ok = 0;
  for (uint64_t i = 0; i < 200; ++i) {
    infuse_pk_model_t m;
    memset(&m, 0xA5, sizeof m);
    m.struct_size = (uint32_t)sizeof m;
    infuse_pk_model_t before = m;
    double w = -7.0;
    infuse_diag_t d;
    memset(&d, 0, sizeof d);
    int rc = infuse_pk_patient(&p, i, &m, &w, &d);
    if (rc == INFUSE_OK) {
      ok++;
      ck_assert(w > 0.0 && w <= 500.0);
    } else {
      over++;
      ck_assert_int_eq(rc, INFUSE_E_RANGE);
      ck_assert_str_eq(d.field, "patient.weight_kg");
      ck_assert(memcmp(&m, &before, sizeof m) == 0 && w == -7.0);
    }
  }
  ck_assert_int_gt(over, 20);
  ck_assert_int_gt(ok, 100);
  /* a rate constant far in its tail: CV 2 on k10 = 60/min (Domino-like
   * with k10 near the 100/min limit) */
  p = population("domino", 2.0, 80.0, 0.0, 5);
  p.model.k10 = 60.0;
  int k_over = 0;
  for (uint64_t i = 0; i < 200; ++i) {
    infuse_pk_model_t m;
    double w;
    infuse_diag_t d;
    memset(&m, 0, sizeof m);
    m.struct_size = (uint32_t)sizeof m;
    int rc = infuse_pk_patient(&p, i, &m, &w, &d);
    if (rc != INFUSE_OK) {
      ck_assert_int_eq(rc, INFUSE_E_RANGE);
      ck_assert_msg(strncmp(d.field, "patient.", 8) == 0, "field %s", d.field);
      k_over++;
    }
  }
  ck_assert_int_gt(k_over, 10);
}
END_TEST

/* ===========================================================================
 * 5. Errors: right status and field, outputs untouched
 * ======================================================================= */

typedef enum {
  F_GET,
  F_VALIDATE,
  F_CLEARANCES,
  F_PREPARE,
  F_CURVE,
  F_SUMMARIZE,
  F_PATIENT
} fn_t;

/* The valid arguments of every call, mutated per row. */
typedef struct call {
  const char *name;
  infuse_pk_model_t model;
  int32_t n_comp;
  double cl_args[6]; /* v1, v2, v3, cl, q2, q3 */
  double weight;
  infuse_pk_system_t sys;
  infuse_pk_infusion_t inf[4];
  size_t n_inf;
  bool inf_null;
  double t0, step;
  size_t n;
  bool conc_null;
  double until, thr;
  infuse_pk_population_t pop;
  bool null_first; /* the first pointer argument NULL */
  bool null_second;
  bool null_third;
  uint32_t out_size; /* struct_size of the output (model, summary) */
  bool out_size_set;
} call_t;

static call_t valid_call(void) {
  call_t c;
  memset(&c, 0, sizeof c);
  c.name = "domino";
  c.model = builtin("domino");
  c.n_comp = 3;
  c.cl_args[0] = 1.0;
  c.cl_args[1] = 2.0;
  c.cl_args[2] = 4.0;
  c.cl_args[3] = 0.1;
  c.cl_args[4] = 0.4;
  c.cl_args[5] = 0.8;
  c.weight = 70.0;
  c.sys = prepare(&c.model, 70.0);
  c.inf[0] = (infuse_pk_infusion_t){0.0, 40.0, 35.0};
  c.inf[1] = (infuse_pk_infusion_t){100.0, 0.0, 5.0};
  c.inf[2] = (infuse_pk_infusion_t){100.0, 40.0, 35.0};
  c.inf[3] = (infuse_pk_infusion_t){2880.0, 40.0, 35.0};
  c.n_inf = 4;
  c.t0 = 0.0;
  c.step = 1.0;
  c.n = 8;
  c.until = 600.0;
  c.thr = 50.0;
  c.pop = population("domino", 0.3, 80.0, 0.2, 1);
  return c;
}

/* Run one call with outputs filled with a sentinel; check the status, the
 * field and that the outputs did not change. Also with diag NULL. */
static void run_error(fn_t fn, call_t *c, int want, const char *field,
                      const char *label) {
  for (int with_diag = 1; with_diag >= 0; --with_diag) {
    infuse_diag_t d;
    memset(&d, 0, sizeof d);
    infuse_diag_t *dp = with_diag ? &d : NULL;
    unsigned char out[512];
    unsigned char before[512];
    memset(out, 0xA5, sizeof out);
    int rc = INFUSE_OK;
    switch (fn) {
    case F_GET: {
      infuse_pk_model_t *m = (infuse_pk_model_t *)(void *)out;
      m->struct_size = c->out_size_set ? c->out_size : (uint32_t)sizeof *m;
      memcpy(before, out, sizeof out);
      rc = infuse_pk_model_get(c->null_first ? NULL : c->name,
                               c->null_second ? NULL : m, dp);
      break;
    }
    case F_VALIDATE:
      memcpy(before, out, sizeof out);
      rc = infuse_pk_model_validate(c->null_first ? NULL : &c->model, dp);
      break;
    case F_CLEARANCES: {
      infuse_pk_model_t *m = (infuse_pk_model_t *)(void *)out;
      m->struct_size = c->out_size_set ? c->out_size : (uint32_t)sizeof *m;
      memcpy(before, out, sizeof out);
      rc = infuse_pk_model_from_clearances(
          c->n_comp, c->cl_args[0], c->cl_args[1], c->cl_args[2], c->cl_args[3],
          c->cl_args[4], c->cl_args[5], c->null_first ? NULL : m, dp);
      break;
    }
    case F_PREPARE: {
      infuse_pk_system_t *s = (infuse_pk_system_t *)(void *)out;
      s->struct_size = c->out_size_set ? c->out_size : (uint32_t)sizeof *s;
      memcpy(before, out, sizeof out);
      rc = infuse_pk_prepare(c->null_first ? NULL : &c->model, c->weight,
                             c->null_second ? NULL : s, dp);
      break;
    }
    case F_CURVE: {
      double *conc = (double *)(void *)out;
      memcpy(before, out, sizeof out);
      rc = infuse_pk_curve(c->null_first ? NULL : &c->sys,
                           c->inf_null ? NULL : c->inf, c->n_inf, c->t0,
                           c->step, c->n, c->conc_null ? NULL : conc, dp);
      break;
    }
    case F_SUMMARIZE: {
      infuse_pk_summary_t *o = (infuse_pk_summary_t *)(void *)out;
      o->struct_size = c->out_size_set ? c->out_size : (uint32_t)sizeof *o;
      memcpy(before, out, sizeof out);
      rc = infuse_pk_summarize(c->null_first ? NULL : &c->sys,
                               c->inf_null ? NULL : c->inf, c->n_inf, c->until,
                               c->thr, c->null_second ? NULL : o, dp);
      break;
    }
    case F_PATIENT: {
      infuse_pk_model_t *m = (infuse_pk_model_t *)(void *)out;
      m->struct_size = c->out_size_set ? c->out_size : (uint32_t)sizeof *m;
      double *w = (double *)(void *)(out + 256);
      memcpy(before, out, sizeof out);
      rc = infuse_pk_patient(c->null_first ? NULL : &c->pop, 3,
                             c->null_second ? NULL : m,
                             c->null_third ? NULL : w, dp);
      break;
    }
    }
    ck_assert_msg(rc == want, "%s: status %d (%s), want %d (%s)", label, rc,
                  infuse_status_name(rc), want, infuse_status_name(want));
    ck_assert_msg(memcmp(out, before, sizeof out) == 0,
                  "%s: an output was written on error", label);
    if (with_diag) {
      ck_assert_msg(d.status == want, "%s: diag.status %d", label, d.status);
      ck_assert_msg(strcmp(d.field, field) == 0,
                    "%s: diag.field '%s', want '%s'", label, d.field, field);
      ck_assert_msg(strlen(d.message) > strlen(field) + 2,
                    "%s: diag.message '%s'", label, d.message);
    }
  }
}

typedef struct err_row {
  const char *label;
  fn_t fn;
  void (*mutate)(call_t *c);
  int status;
  const char *field;
} err_row_t;

#define MUT(name, body)                                                        \
  static void name(call_t *c) { body; }

MUT(m_null1, c->null_first = true)
MUT(m_null2, c->null_second = true)
MUT(m_null3, c->null_third = true)
MUT(m_outsize, {
  c->out_size = 12;
  c->out_size_set = true;
})
MUT(m_name_unknown, c->name = "propofol")
MUT(m_name_case, c->name = "Domino")
MUT(m_model_size, c->model.struct_size = 4)
MUT(m_comp0, c->model.compartments = 0)
MUT(m_comp4, c->model.compartments = 4)
MUT(m_v1_nan, c->model.v1_l_per_kg = NAN)
MUT(m_v1_zero, c->model.v1_l_per_kg = 0.0)
MUT(m_v1_big, c->model.v1_l_per_kg = 100.0000001)
MUT(m_v1_neg, c->model.v1_l_per_kg = -1.0)
MUT(m_k10_inf, c->model.k10 = INFINITY)
MUT(m_k10_zero, c->model.k10 = 0.0)
MUT(m_k10_big, c->model.k10 = 101.0)
MUT(m_k12_small, c->model.k12 = 0.99e-9)
MUT(m_k12_nan, c->model.k12 = NAN)
MUT(m_k13_zero, c->model.k13 = 0.0)
MUT(m_k21_big, c->model.k21 = 100.5)
MUT(m_k31_neg, c->model.k31 = -0.1)
MUT(m_k31_ninf, c->model.k31 = -INFINITY)
MUT(m_one_k12, { c->model = user_model(1, 1.0, 0.1, 0.2, 0, 0, 0); })
MUT(m_two_k31, { c->model = user_model(2, 1.0, 0.1, 0.2, 0, 0.1, 0.3); })
MUT(m_two_k13, { c->model = user_model(2, 1.0, 0.1, 0.2, 0.01, 0.1, 0); })
/* the range of k12 and k21 applies from 2 compartments on, not only 3 */
MUT(m_two_k21_big, { c->model = user_model(2, 1.0, 0.1, 0.2, 0, 200.0, 0); })
MUT(m_two_k12_small,
    { c->model = user_model(2, 1.0, 0.1, 0.5e-9, 0, 0.1, 0); })
MUT(m_cl_comp, c->n_comp = 5)
MUT(m_cl_v1_nan, c->cl_args[0] = NAN)
MUT(m_cl_v2_inf, c->cl_args[1] = INFINITY)
MUT(m_cl_q3_nan, c->cl_args[5] = NAN)
MUT(m_cl_v1_zero, c->cl_args[0] = 0.0)
MUT(m_cl_cl_neg, c->cl_args[3] = -0.1)
MUT(m_cl_v3_zero, c->cl_args[2] = 0.0)
MUT(m_cl_q2_zero, c->cl_args[4] = 0.0)
MUT(m_cl_unused_q3, {
  c->n_comp = 2;
  c->cl_args[2] = 0.0;
})
MUT(m_cl_unused_v2, {
  c->n_comp = 1;
  c->cl_args[4] = 0.0;
  c->cl_args[2] = 0.0;
  c->cl_args[5] = 0.0;
})
MUT(m_cl_k12_big, c->cl_args[4] = 200.0)  /* q2 / v1 = 200 /min */
MUT(m_cl_k31_small, c->cl_args[2] = 1e12) /* q3 / v3 below 1e-9 */
MUT(m_w_nan, c->weight = NAN)
MUT(m_w_zero, c->weight = 0.0)
MUT(m_w_neg, c->weight = -70.0)
MUT(m_w_big, c->weight = 500.001)
MUT(m_w_tiny, {
  c->model = user_model(1, 1e-200, 0.1, 0, 0, 0, 0);
  c->weight = 1e-200;
})
MUT(m_slowest_underflow, {
  c->model = user_model(3, 100.0, 1e-290, 100.0, 100.0, 1e-9, 1e-9);
  c->weight = 500.0;
})
MUT(m_sys_size, c->sys.struct_size = 1)
MUT(m_sys_modes0, c->sys.modes = 0)
MUT(m_sys_modes4, c->sys.modes = 4)
MUT(m_sys_v1, c->sys.v1_l = NAN)
MUT(m_sys_cl, c->sys.cl_l_per_min = 0.0)
MUT(m_sys_order, c->sys.lambda_per_min[0] = 5.0)
MUT(m_sys_lambda0, c->sys.lambda_per_min[0] = 0.0)
MUT(m_sys_gain, c->sys.gain_ng_per_ml_per_mg[1] = -1.0)
MUT(m_sys_gain_inf, c->sys.gain_ng_per_ml_per_mg[2] = INFINITY)
MUT(m_sys_steady_inf, {
  c->sys.lambda_per_min[0] = 1e-300; /* gain / lambda overflows */
})
MUT(m_inf_null, c->inf_null = true)
MUT(m_conc_null, c->conc_null = true)
MUT(m_too_many, c->n_inf = (size_t)INFUSE_PK_MAX_INFUSIONS + 1)
MUT(m_start_nan, c->inf[1].start_min = NAN)
MUT(m_dur_inf, c->inf[1].duration_min = INFINITY)
MUT(m_dose_nan, c->inf[1].dose_mg = NAN)
MUT(m_start_neg, c->inf[0].start_min = -1.0)
MUT(m_start_late, c->inf[3].start_min = 2e9)
MUT(m_dur_neg, c->inf[2].duration_min = -1.0)
MUT(m_end_late, c->inf[3].duration_min = 1e9)
MUT(m_dose_zero, c->inf[2].dose_mg = 0.0)
MUT(m_dose_neg, c->inf[3].dose_mg = -35.0)
MUT(m_order, c->inf[3].start_min = 50.0)
MUT(m_overlap, c->inf[1].start_min = 39.5)
MUT(m_overlap2, c->inf[3].start_min = 139.0)
MUT(m_dose_huge, c->inf[2].dose_mg = 1e300)
MUT(m_rate_huge, c->inf[2].duration_min = 1e-300)
MUT(m_t0_nan, c->t0 = NAN)
MUT(m_t0_neg, c->t0 = -0.5)
MUT(m_t0_late, c->t0 = 1.5e9)
MUT(m_step_nan, c->step = NAN)
MUT(m_step_zero, c->step = 0.0)
MUT(m_step_neg, c->step = -1.0)
MUT(m_step_late, c->step = 2e8)
MUT(m_until_nan, c->until = NAN)
MUT(m_until_zero, c->until = 0.0)
MUT(m_until_neg, c->until = -1.0)
MUT(m_until_late, c->until = 1e9 + 1.0)
MUT(m_thr_nan, c->thr = NAN)
MUT(m_thr_neg, c->thr = -1.0)
MUT(m_pop_size, c->pop.struct_size = 3)
MUT(m_pop_model, c->pop.model.k10 = 0.0)
MUT(m_pop_model_size, c->pop.model.struct_size = 0)
MUT(m_pop_cv_nan, c->pop.variability_cv = NAN)
MUT(m_pop_cv_neg, c->pop.variability_cv = -0.01)
MUT(m_pop_cv_big, c->pop.variability_cv = 2.01)
MUT(m_pop_wmed_nan, c->pop.weight_median_kg = INFINITY)
MUT(m_pop_wmed_low, c->pop.weight_median_kg = 19.9)
MUT(m_pop_wmed_high, c->pop.weight_median_kg = 300.1)
MUT(m_pop_wcv_nan, c->pop.weight_cv = NAN)
MUT(m_pop_wcv_big, c->pop.weight_cv = 1.01)

static const err_row_t ERR_ROWS[] = {
    /* infuse_pk_model_get */
    {"get name NULL", F_GET, m_null1, INFUSE_E_NULL, "name"},
    {"get model NULL", F_GET, m_null2, INFUSE_E_NULL, "model"},
    {"get struct_size", F_GET, m_outsize, INFUSE_E_STRUCT_SIZE,
     "model.struct_size"},
    {"get unknown", F_GET, m_name_unknown, INFUSE_E_INVALID, "name"},
    {"get case", F_GET, m_name_case, INFUSE_E_INVALID, "name"},
    /* infuse_pk_model_validate */
    {"validate NULL", F_VALIDATE, m_null1, INFUSE_E_NULL, "model"},
    {"validate size", F_VALIDATE, m_model_size, INFUSE_E_STRUCT_SIZE,
     "model.struct_size"},
    {"compartments 0", F_VALIDATE, m_comp0, INFUSE_E_INVALID,
     "model.compartments"},
    {"compartments 4", F_VALIDATE, m_comp4, INFUSE_E_INVALID,
     "model.compartments"},
    {"v1 NaN", F_VALIDATE, m_v1_nan, INFUSE_E_INVALID, "model.v1_l_per_kg"},
    {"v1 0", F_VALIDATE, m_v1_zero, INFUSE_E_RANGE, "model.v1_l_per_kg"},
    {"v1 > 100", F_VALIDATE, m_v1_big, INFUSE_E_RANGE, "model.v1_l_per_kg"},
    {"v1 < 0", F_VALIDATE, m_v1_neg, INFUSE_E_RANGE, "model.v1_l_per_kg"},
    {"k10 inf", F_VALIDATE, m_k10_inf, INFUSE_E_INVALID, "model.k10"},
    {"k10 0", F_VALIDATE, m_k10_zero, INFUSE_E_RANGE, "model.k10"},
    {"k10 > 100", F_VALIDATE, m_k10_big, INFUSE_E_RANGE, "model.k10"},
    {"k12 < 1e-9", F_VALIDATE, m_k12_small, INFUSE_E_RANGE, "model.k12"},
    {"k12 NaN", F_VALIDATE, m_k12_nan, INFUSE_E_INVALID, "model.k12"},
    {"k13 0 in 3 comp", F_VALIDATE, m_k13_zero, INFUSE_E_RANGE, "model.k13"},
    {"k21 > 100", F_VALIDATE, m_k21_big, INFUSE_E_RANGE, "model.k21"},
    {"k31 < 0", F_VALIDATE, m_k31_neg, INFUSE_E_RANGE, "model.k31"},
    {"k31 -inf", F_VALIDATE, m_k31_ninf, INFUSE_E_INVALID, "model.k31"},
    {"1 comp with k12", F_VALIDATE, m_one_k12, INFUSE_E_INVALID, "model.k12"},
    {"2 comp, k21 > 100", F_VALIDATE, m_two_k21_big, INFUSE_E_RANGE,
     "model.k21"},
    {"2 comp, k12 < 1e-9", F_VALIDATE, m_two_k12_small, INFUSE_E_RANGE,
     "model.k12"},
    {"2 comp with k31", F_VALIDATE, m_two_k31, INFUSE_E_INVALID, "model.k31"},
    {"2 comp with k13", F_VALIDATE, m_two_k13, INFUSE_E_INVALID, "model.k13"},
    /* infuse_pk_model_from_clearances */
    {"clearances model NULL", F_CLEARANCES, m_null1, INFUSE_E_NULL, "model"},
    {"clearances size", F_CLEARANCES, m_outsize, INFUSE_E_STRUCT_SIZE,
     "model.struct_size"},
    {"clearances compartments", F_CLEARANCES, m_cl_comp, INFUSE_E_INVALID,
     "compartments"},
    {"clearances v1 NaN", F_CLEARANCES, m_cl_v1_nan, INFUSE_E_INVALID,
     "v1_l_per_kg"},
    {"clearances v2 inf", F_CLEARANCES, m_cl_v2_inf, INFUSE_E_INVALID,
     "v2_l_per_kg"},
    {"clearances q3 NaN", F_CLEARANCES, m_cl_q3_nan, INFUSE_E_INVALID,
     "q3_l_per_min_per_kg"},
    {"clearances v1 0", F_CLEARANCES, m_cl_v1_zero, INFUSE_E_RANGE,
     "v1_l_per_kg"},
    {"clearances cl < 0", F_CLEARANCES, m_cl_cl_neg, INFUSE_E_RANGE,
     "cl_l_per_min_per_kg"},
    {"clearances v3 0", F_CLEARANCES, m_cl_v3_zero, INFUSE_E_RANGE,
     "v3_l_per_kg"},
    {"clearances q2 0", F_CLEARANCES, m_cl_q2_zero, INFUSE_E_RANGE,
     "q2_l_per_min_per_kg"},
    {"clearances 2 comp with q3", F_CLEARANCES, m_cl_unused_q3,
     INFUSE_E_INVALID, "q3_l_per_min_per_kg"},
    {"clearances 1 comp with v2", F_CLEARANCES, m_cl_unused_v2,
     INFUSE_E_INVALID, "v2_l_per_kg"},
    {"clearances k12 > 100", F_CLEARANCES, m_cl_k12_big, INFUSE_E_RANGE,
     "model.k12"},
    {"clearances k31 < 1e-9", F_CLEARANCES, m_cl_k31_small, INFUSE_E_RANGE,
     "model.k31"},
    /* infuse_pk_prepare */
    {"prepare model NULL", F_PREPARE, m_null1, INFUSE_E_NULL, "model"},
    {"prepare system NULL", F_PREPARE, m_null2, INFUSE_E_NULL, "system"},
    {"prepare system size", F_PREPARE, m_outsize, INFUSE_E_STRUCT_SIZE,
     "system.struct_size"},
    {"prepare model invalid", F_PREPARE, m_k10_big, INFUSE_E_RANGE,
     "model.k10"},
    {"prepare model size", F_PREPARE, m_model_size, INFUSE_E_STRUCT_SIZE,
     "model.struct_size"},
    {"weight NaN", F_PREPARE, m_w_nan, INFUSE_E_INVALID, "weight"},
    {"weight 0", F_PREPARE, m_w_zero, INFUSE_E_RANGE, "weight"},
    {"weight < 0", F_PREPARE, m_w_neg, INFUSE_E_RANGE, "weight"},
    {"weight > 500", F_PREPARE, m_w_big, INFUSE_E_RANGE, "weight"},
    {"volume underflow", F_PREPARE, m_w_tiny, INFUSE_E_RANGE, "weight"},
    {"slowest rate underflow", F_PREPARE, m_slowest_underflow, INFUSE_E_RANGE,
     "model.k10"},
    /* infuse_pk_curve */
    {"curve system NULL", F_CURVE, m_null1, INFUSE_E_NULL, "system"},
    {"curve infusions NULL", F_CURVE, m_inf_null, INFUSE_E_NULL, "infusions"},
    {"curve conc NULL", F_CURVE, m_conc_null, INFUSE_E_NULL, "conc_ng_per_ml"},
    {"curve system size", F_CURVE, m_sys_size, INFUSE_E_STRUCT_SIZE,
     "system.struct_size"},
    {"curve modes 0", F_CURVE, m_sys_modes0, INFUSE_E_INVALID, "system.modes"},
    {"curve modes 4", F_CURVE, m_sys_modes4, INFUSE_E_INVALID, "system.modes"},
    {"curve v1 NaN", F_CURVE, m_sys_v1, INFUSE_E_INVALID, "system.v1_l"},
    {"curve cl 0", F_CURVE, m_sys_cl, INFUSE_E_INVALID, "system.cl_l_per_min"},
    {"curve lambdas unordered", F_CURVE, m_sys_order, INFUSE_E_INVALID,
     "system.lambda_per_min"},
    {"curve lambda 0", F_CURVE, m_sys_lambda0, INFUSE_E_INVALID,
     "system.lambda_per_min"},
    {"curve gain < 0", F_CURVE, m_sys_gain, INFUSE_E_INVALID,
     "system.gain_ng_per_ml_per_mg"},
    {"curve gain inf", F_CURVE, m_sys_gain_inf, INFUSE_E_INVALID,
     "system.gain_ng_per_ml_per_mg"},
    {"curve steady state overflows", F_CURVE, m_sys_steady_inf,
     INFUSE_E_INVALID, "system.lambda_per_min"},
    {"curve t0 NaN", F_CURVE, m_t0_nan, INFUSE_E_INVALID, "t0"},
    {"curve t0 < 0", F_CURVE, m_t0_neg, INFUSE_E_RANGE, "t0"},
    {"curve t0 > 1e9", F_CURVE, m_t0_late, INFUSE_E_RANGE, "t0"},
    {"curve step NaN", F_CURVE, m_step_nan, INFUSE_E_INVALID, "step"},
    {"curve step 0", F_CURVE, m_step_zero, INFUSE_E_RANGE, "step"},
    {"curve step < 0", F_CURVE, m_step_neg, INFUSE_E_RANGE, "step"},
    {"curve last sample > 1e9", F_CURVE, m_step_late, INFUSE_E_RANGE, "step"},
    {"curve too many", F_CURVE, m_too_many, INFUSE_E_RANGE, "n_infusions"},
    {"curve start NaN", F_CURVE, m_start_nan, INFUSE_E_INVALID,
     "infusions[1].start_min"},
    {"curve duration inf", F_CURVE, m_dur_inf, INFUSE_E_INVALID,
     "infusions[1].duration_min"},
    {"curve dose NaN", F_CURVE, m_dose_nan, INFUSE_E_INVALID,
     "infusions[1].dose_mg"},
    {"curve start < 0", F_CURVE, m_start_neg, INFUSE_E_RANGE,
     "infusions[0].start_min"},
    {"curve start > 1e9", F_CURVE, m_start_late, INFUSE_E_RANGE,
     "infusions[3].start_min"},
    {"curve duration < 0", F_CURVE, m_dur_neg, INFUSE_E_RANGE,
     "infusions[2].duration_min"},
    {"curve end > 1e9", F_CURVE, m_end_late, INFUSE_E_RANGE,
     "infusions[3].duration_min"},
    {"curve dose 0", F_CURVE, m_dose_zero, INFUSE_E_RANGE,
     "infusions[2].dose_mg"},
    {"curve dose < 0", F_CURVE, m_dose_neg, INFUSE_E_RANGE,
     "infusions[3].dose_mg"},
    {"curve out of order", F_CURVE, m_order, INFUSE_E_INVALID,
     "infusions[3].start_min"},
    {"curve overlap", F_CURVE, m_overlap, INFUSE_E_INVALID,
     "infusions[1].start_min"},
    {"curve overlap after a bolus", F_CURVE, m_overlap2, INFUSE_E_INVALID,
     "infusions[3].start_min"},
    {"curve dose overflows", F_CURVE, m_dose_huge, INFUSE_E_RANGE,
     "infusions[2].dose_mg"},
    {"curve rate overflows", F_CURVE, m_rate_huge, INFUSE_E_RANGE,
     "infusions[2].duration_min"},
    /* infuse_pk_summarize */
    {"summary system NULL", F_SUMMARIZE, m_null1, INFUSE_E_NULL, "system"},
    {"summary out NULL", F_SUMMARIZE, m_null2, INFUSE_E_NULL, "summary"},
    {"summary infusions NULL", F_SUMMARIZE, m_inf_null, INFUSE_E_NULL,
     "infusions"},
    {"summary size", F_SUMMARIZE, m_outsize, INFUSE_E_STRUCT_SIZE,
     "summary.struct_size"},
    {"summary system size", F_SUMMARIZE, m_sys_size, INFUSE_E_STRUCT_SIZE,
     "system.struct_size"},
    {"summary modes 4", F_SUMMARIZE, m_sys_modes4, INFUSE_E_INVALID,
     "system.modes"},
    {"summary gain < 0", F_SUMMARIZE, m_sys_gain, INFUSE_E_INVALID,
     "system.gain_ng_per_ml_per_mg"},
    {"summary until NaN", F_SUMMARIZE, m_until_nan, INFUSE_E_INVALID, "until"},
    {"summary until 0", F_SUMMARIZE, m_until_zero, INFUSE_E_RANGE, "until"},
    {"summary until < 0", F_SUMMARIZE, m_until_neg, INFUSE_E_RANGE, "until"},
    {"summary until > 1e9", F_SUMMARIZE, m_until_late, INFUSE_E_RANGE, "until"},
    {"summary threshold NaN", F_SUMMARIZE, m_thr_nan, INFUSE_E_INVALID,
     "threshold"},
    {"summary threshold < 0", F_SUMMARIZE, m_thr_neg, INFUSE_E_RANGE,
     "threshold"},
    {"summary too many", F_SUMMARIZE, m_too_many, INFUSE_E_RANGE,
     "n_infusions"},
    {"summary start NaN", F_SUMMARIZE, m_start_nan, INFUSE_E_INVALID,
     "infusions[1].start_min"},
    {"summary dose 0", F_SUMMARIZE, m_dose_zero, INFUSE_E_RANGE,
     "infusions[2].dose_mg"},
    {"summary overlap", F_SUMMARIZE, m_overlap, INFUSE_E_INVALID,
     "infusions[1].start_min"},
    {"summary out of order", F_SUMMARIZE, m_order, INFUSE_E_INVALID,
     "infusions[3].start_min"},
    {"summary dose overflows", F_SUMMARIZE, m_dose_huge, INFUSE_E_RANGE,
     "infusions[2].dose_mg"},
    /* infuse_pk_patient */
    {"patient population NULL", F_PATIENT, m_null1, INFUSE_E_NULL,
     "population"},
    {"patient model NULL", F_PATIENT, m_null2, INFUSE_E_NULL, "model"},
    {"patient weight NULL", F_PATIENT, m_null3, INFUSE_E_NULL, "weight_kg"},
    {"patient model size", F_PATIENT, m_outsize, INFUSE_E_STRUCT_SIZE,
     "model.struct_size"},
    {"patient population size", F_PATIENT, m_pop_size, INFUSE_E_STRUCT_SIZE,
     "population.struct_size"},
    {"patient typical model", F_PATIENT, m_pop_model, INFUSE_E_RANGE,
     "population.model.k10"},
    {"patient typical model size", F_PATIENT, m_pop_model_size,
     INFUSE_E_STRUCT_SIZE, "population.model.struct_size"},
    {"patient cv NaN", F_PATIENT, m_pop_cv_nan, INFUSE_E_INVALID,
     "population.variability_cv"},
    {"patient cv < 0", F_PATIENT, m_pop_cv_neg, INFUSE_E_RANGE,
     "population.variability_cv"},
    {"patient cv > 2", F_PATIENT, m_pop_cv_big, INFUSE_E_RANGE,
     "population.variability_cv"},
    {"patient median inf", F_PATIENT, m_pop_wmed_nan, INFUSE_E_INVALID,
     "population.weight_median_kg"},
    {"patient median < 20", F_PATIENT, m_pop_wmed_low, INFUSE_E_RANGE,
     "population.weight_median_kg"},
    {"patient median > 300", F_PATIENT, m_pop_wmed_high, INFUSE_E_RANGE,
     "population.weight_median_kg"},
    {"patient weight cv NaN", F_PATIENT, m_pop_wcv_nan, INFUSE_E_INVALID,
     "population.weight_cv"},
    {"patient weight cv > 1", F_PATIENT, m_pop_wcv_big, INFUSE_E_RANGE,
     "population.weight_cv"},
};

START_TEST(errors) {
  const err_row_t *r = &ERR_ROWS[_i];
  call_t c = valid_call();
  r->mutate(&c);
  run_error(r->fn, &c, r->status, r->field, r->label);
}
END_TEST

/* The unmutated calls succeed (so each error row tests one thing). */
START_TEST(errors_baseline_ok) {
  call_t c = valid_call();
  infuse_pk_model_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = (uint32_t)sizeof m;
  ck_assert_int_eq(infuse_pk_model_get(c.name, &m, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_pk_model_validate(&c.model, NULL), INFUSE_OK);
  ck_assert_int_eq(infuse_pk_model_from_clearances(
                       c.n_comp, c.cl_args[0], c.cl_args[1], c.cl_args[2],
                       c.cl_args[3], c.cl_args[4], c.cl_args[5], &m, NULL),
                   INFUSE_OK);
  infuse_pk_system_t s;
  memset(&s, 0, sizeof s);
  s.struct_size = (uint32_t)sizeof s;
  ck_assert_int_eq(infuse_pk_prepare(&c.model, c.weight, &s, NULL), INFUSE_OK);
  double conc[8];
  ck_assert_int_eq(
      infuse_pk_curve(&c.sys, c.inf, c.n_inf, c.t0, c.step, c.n, conc, NULL),
      INFUSE_OK);
  infuse_pk_summary_t o;
  memset(&o, 0, sizeof o);
  o.struct_size = (uint32_t)sizeof o;
  ck_assert_int_eq(
      infuse_pk_summarize(&c.sys, c.inf, c.n_inf, c.until, c.thr, &o, NULL),
      INFUSE_OK);
  double w;
  ck_assert_int_eq(infuse_pk_patient(&c.pop, 3, &m, &w, NULL), INFUSE_OK);
}
END_TEST

/* Diagnostic messages name the value in a locale-independent form. */
START_TEST(error_messages) {
  infuse_pk_model_t m = builtin("domino");
  infuse_diag_t d;
  m.k12 = 1.5e-10;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1.5e-10");
  ck_assert_str_eq(d.message,
                   "model.k12: '1.5e-10' is outside [1e-9, 100] per minute");
  m = builtin("domino");
  m.v1_l_per_kg = -0.25;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "-0.25");
  m.v1_l_per_kg = NAN;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_E_INVALID);
  ck_assert_str_eq(d.value, "nan");
  m.v1_l_per_kg = -INFINITY;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_E_INVALID);
  ck_assert_str_eq(d.value, "-inf");
  m.v1_l_per_kg = 123456789.0;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "123456789");
  m.v1_l_per_kg = 1234567891.0;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1.23456789e+09");
  m.v1_l_per_kg = 100.5;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "100.5");
  m.v1_l_per_kg = 4.9e-324;
  ck_assert_int_eq(infuse_pk_model_validate(&m, &d), INFUSE_OK);
  infuse_pk_system_t s;
  memset(&s, 0, sizeof s);
  s.struct_size = (uint32_t)sizeof s;
  ck_assert_int_eq(infuse_pk_prepare(&m, 1e-300, &s, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1e-300");
  ck_assert_int_eq(infuse_pk_prepare(&m, 0.000125, &s, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "0.000125");
  ck_assert_int_eq(infuse_pk_prepare(&m, 1e308, &s, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1e+308");
  ck_assert_int_eq(infuse_pk_prepare(&m, 99999999999.0, &s, &d),
                   INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1e+11");
  ck_assert_int_eq(infuse_pk_prepare(&m, 1234.5, &s, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1234.5");
  ck_assert_int_eq(infuse_pk_prepare(&m, 0.00001234, &s, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "0.00001234");
  ck_assert_int_eq(infuse_pk_prepare(&m, 0.000001234, &s, &d), INFUSE_E_RANGE);
  ck_assert_str_eq(d.value, "1.234e-06");
}
END_TEST

/* ======================================================================= */

/* Stiff 3-compartment models, where the two small eigenvalues are
 * recomputed from determinants: the eigenvalues' elementary symmetric
 * functions equal those of the rate matrix, worked by hand from its
 * principal minors: trace = k10 + k12 + k13 + k21 + k31; e2 = (k10 + k13)
 * k21 + (k10 + k12) k31 + k21 k31; e3 = k10 k21 k31. Every term of e2
 * matters at 1e-9 in these models. */
START_TEST(stiff_eigenvalues_symmetric_functions) {
  static const double K[][5] = {
      /* k10, k12, k13, k21, k31 */
      {1e-3, 40.0, 60.0, 2e-3, 5e-3},
      {2e-3, 70.0, 30.0, 4e-3, 1e-3},
      {5e-4, 20.0, 80.0, 1e-2, 3e-3},
  };
  for (int c = 0; c < N_ROWS(K); c++) {
    const double *k = K[c];
    infuse_pk_model_t m = user_model(3, 0.5, k[0], k[1], k[2], k[3], k[4]);
    infuse_pk_system_t sys;
    memset(&sys, 0, sizeof sys);
    sys.struct_size = (uint32_t)sizeof sys;
    ck_assert_int_eq(infuse_pk_prepare(&m, 70.0, &sys, NULL), INFUSE_OK);
    const double *l = sys.lambda_per_min;
    ck_assert_msg(l[1] < 1e-4 * l[2], "case %d is not stiff", c);
    double tr = k[0] + k[1] + k[2] + k[3] + k[4];
    double e2 = (k[0] + k[2]) * k[3] + (k[0] + k[1]) * k[4] + k[3] * k[4];
    double e3 = k[0] * k[3] * k[4];
    double got_tr = l[0] + l[1] + l[2];
    double got_e2 = l[0] * l[1] + l[0] * l[2] + l[1] * l[2];
    double got_e3 = l[0] * l[1] * l[2];
    ck_assert_msg(fabs(got_tr - tr) <= 1e-12 * tr, "case %d trace %.17g", c,
                  got_tr);
    ck_assert_msg(fabs(got_e2 - e2) <= 1e-9 * e2, "case %d e2 %.17g vs %.17g",
                  c, got_e2, e2);
    ck_assert_msg(fabs(got_e3 - e3) <= 1e-9 * e3, "case %d e3 %.17g vs %.17g",
                  c, got_e3, e3);
  }
}
END_TEST

static Suite *pk_suite(void) {
  Suite *s = suite_create("pk");

  TCase *ref = tcase_create("reference");
  tcase_add_test(ref, reference_self_check);
  tcase_add_loop_test(ref, reference_curve, 0, N_ROWS(REF_CASES));
  tcase_add_loop_test(ref, reference_summary, 0, N_ROWS(REF_CASES));
  tcase_add_test(ref, reference_turning_points_present);
  tcase_add_test(ref, reference_turning_points_early);
  tcase_set_timeout(ref, 600);
  suite_add_tcase(s, ref);

  TCase *sys = tcase_create("system");
  tcase_add_test(sys, builtin_sets);
  tcase_add_test(sys, stiff_eigenvalues_symmetric_functions);
  tcase_add_test(sys, from_clearances);
  tcase_add_test(sys, validate_accepted_edges);
  tcase_add_test(sys, system_smallest_values);
  tcase_add_loop_test(sys, prepare_properties, 0, M_COUNT);
  tcase_add_test(sys, prepare_twin_mode_has_no_gain);
  tcase_add_test(sys, prepare_one_compartment_by_hand);
  tcase_add_test(sys, prepare_two_compartment_by_hand);
  suite_add_tcase(s, sys);

  TCase *inv = tcase_create("invariants");
  tcase_add_loop_test(inv, invariant_superposition, 0, M_COUNT);
  tcase_add_loop_test(inv, invariant_steady_state, 0, M_COUNT);
  tcase_add_loop_test(inv, invariant_mass_balance, 0, M_COUNT);
  tcase_add_loop_test(inv, invariant_falls_after_infusion, 0, M_COUNT);
  tcase_add_loop_test(inv, invariant_duration_keeps_exposure, 0, M_COUNT);
  tcase_add_test(inv, one_compartment_closed_forms);
  tcase_add_test(inv, bolus_at_sample_time);
  tcase_add_test(inv, empty_inputs);
  tcase_add_test(inv, curve_last_sample_limit);
  tcase_set_timeout(inv, 120);
  suite_add_tcase(s, inv);

  TCase *san = tcase_create("sanity");
  tcase_add_loop_test(san, sanity_peaks, 0, N_ROWS(SANITY));
  suite_add_tcase(s, san);

  TCase *pat = tcase_create("patients");
  tcase_add_test(pat, patient_cv0_is_typical);
  tcase_add_test(pat, patient_accepted_edges);
  tcase_add_test(pat, patient_reproducible_and_distinct);
  tcase_add_test(pat, patient_documented_draws);
  tcase_add_test(pat, patient_statistics);
  tcase_add_test(pat, patient_tail_out_of_range);
  tcase_set_timeout(pat, 120);
  suite_add_tcase(s, pat);

  TCase *err = tcase_create("errors");
  tcase_add_test(err, errors_baseline_ok);
  tcase_add_loop_test(err, errors, 0, N_ROWS(ERR_ROWS));
  tcase_add_test(err, error_messages);
  suite_add_tcase(s, err);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(pk_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
