/*
 * cohort.c - the cohort Monte Carlo: response, remission, relapse, drug and
 * chair time for many virtual patients over the sessions of a course plan.
 *
 * The model is stated in infuse.h ("Cohort Monte Carlo") and derived in
 * docs/cohort.md; the defaults come from docs/cohort_calibration.py. Nothing
 * here is a clinical instruction.
 *
 * Random numbers. Patient p under seed s uses Philox4x32-10 blocks of
 * stream 2: block b is infuse_philox4x32(counter = (p low, p high, b, 2),
 * key = (s low, s high)), the same counter layout as infuse_sim_uniform.
 * Uniform number d (0..15) is word d % 4 of block d / 4, taken as
 * u = (word + 0.5) / 2^32, so 0 < u < 1:
 *    d = 0        latent class (responsive when u < responsive_fraction)
 *    d = 1, 2     weight (Box-Muller: u1, u2)
 *    d = 3        durability D
 *    d = 3 + k    induction infusion k, k = 1..12
 * The numbering never depends on the path a patient takes, and a patient's
 * outcome depends only on (seed, patient index, options): any split of a
 * cohort into shards simulates the same patients. Blocks a patient does not
 * need are not computed (a remitted patient's later draws change nothing).
 * No draw count depends on a libm result.
 *
 * Comparisons "u < p" are done on the 32-bit word against a threshold
 * computed once per run, which is exactly the comparison in doubles (see
 * threshold()).
 *
 * As everywhere in libinfuse: no allocation, no I/O, no global state;
 * results are built in locals and copied out only when complete.
 */
#include "internal.h"

#include <math.h>
#include <string.h>

enum {
  COHORT_STREAM = 2,
  BLOCK_PATIENT = 0,   /* class, weight u1, weight u2, durability */
  BLOCK_INDUCTION = 1, /* blocks 1..3: induction infusions 1..12 */
  MAX_INDUCTION = INFUSE_COHORT_INFUSIONS,
  DURABILITY_MAX_DAYS = 1 << 20 /* far beyond any horizon (60 months) */
};

/* The largest |z| Box-Muller can give from 32-bit words: u1 = 1 - 2^-33 at
 * most, so z <= sqrt(-2 ln 2^-33) = sqrt(66 ln 2) = 6.7641... */
static const double Z_BOUND = 6.77;

/* ---- diagnostics ---------------------------------------------------------- */

static void put_u64(infuse__sb_t *sb, uint64_t v) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0);
  while (n > 0) {
    infuse__sb_putc(sb, digits[--n]);
  }
}

/* A double as text without the locale: fixed with up to 12 decimals for
 * 1e-6 <= |x| < 1e6 (and 0), otherwise d.dddddde[-]N (6 decimals). */
static void put_double(infuse__sb_t *sb, double x) {
  if (isnan(x)) {
    infuse__sb_puts(sb, "nan");
    return;
  }
  if (signbit(x)) {
    infuse__sb_putc(sb, '-');
    x = -x;
  }
  if (isinf(x)) {
    infuse__sb_puts(sb, "inf");
    return;
  }
  int exp10 = 0;
  int decimals = 12;
  uint64_t unit = UINT64_C(1000000000000);
  if (x != 0.0 && (x >= 1e6 || x < 1e-6)) {
    exp10 = (int)floor(log10(x));
    x /= pow(10.0, (double)exp10);
    decimals = 6;
    unit = UINT64_C(1000000);
  }
  uint64_t v = (uint64_t)llround(x * (double)unit);
  /* 9.9999996 rounds up to 10. (log10 rounds up only within 1e-16 of a
   * power of ten, where the mantissa still rounds to 1.) */
  if (decimals == 6 && v >= 10 * unit) {
    v = (v + 5) / 10;
    exp10++;
  }
  put_u64(sb, v / unit);
  uint64_t frac = v % unit;
  if (frac != 0) {
    char d[12] = {0};
    int n = decimals;
    for (int i = n - 1; i >= 0; i--) {
      d[i] = (char)('0' + (int)(frac % 10u));
      frac /= 10u;
    }
    while (n > 0 && d[n - 1] == '0') {
      n--;
    }
    infuse__sb_putc(sb, '.');
    infuse__sb_putn(sb, d, (size_t)n);
  }
  if (exp10 != 0) {
    infuse__sb_putc(sb, 'e');
    infuse__sb_int(sb, exp10);
  }
}

/* E_RANGE (or `status`) for a double field: "field: 'x' is outside ...". */
static int fail_double(infuse_diag_t *diag, int status, const char *field,
                       double x, const char *m1, const char *m2) {
  if (diag == NULL) {
    return status;
  }
  char text[INFUSE_DIAG_VALUE_MAX];
  infuse__sb_t sb;
  infuse__sb_init(&sb, text, sizeof text);
  put_double(&sb, x);
  infuse__sb_finish(&sb);
  char msg[INFUSE_DIAG_MESSAGE_MAX];
  infuse__sb_init(&sb, msg, sizeof msg);
  infuse__sb_putc(&sb, '\'');
  infuse__sb_puts(&sb, text);
  infuse__sb_puts(&sb, "' ");
  infuse__sb_puts(&sb, m1);
  infuse__sb_finish(&sb);
  return infuse__fail(diag, status, field, text, msg, m2, NULL);
}

static int fail_u64(infuse_diag_t *diag, int status, const char *field,
                    uint64_t v, const char *m1) {
  if (diag == NULL) {
    return status;
  }
  char text[INFUSE_DIAG_VALUE_MAX];
  infuse__sb_t sb;
  infuse__sb_init(&sb, text, sizeof text);
  put_u64(&sb, v);
  infuse__sb_finish(&sb);
  char msg[INFUSE_DIAG_MESSAGE_MAX];
  infuse__sb_init(&sb, msg, sizeof msg);
  infuse__sb_putc(&sb, '\'');
  infuse__sb_puts(&sb, text);
  infuse__sb_puts(&sb, "' ");
  infuse__sb_finish(&sb);
  return infuse__fail(diag, status, field, text, msg, m1, NULL);
}

static int struct_size_error(infuse_diag_t *diag, const char *field,
                             uint32_t size, const char *type) {
  return infuse__fail_q(diag, INFUSE_E_STRUCT_SIZE, field, (int64_t)size,
                        INFUSE_UNIT_COUNT, "is not sizeof(", type,
                        ") of this library");
}

/* lo <= x <= hi (NaN fails), else E_RANGE. */
static int check_closed(infuse_diag_t *diag, const char *field, double x,
                        double lo, double hi, const char *accepted) {
  if (x >= lo && x <= hi) {
    return INFUSE_OK;
  }
  return fail_double(diag, INFUSE_E_RANGE, field, x, "is outside ", accepted);
}

/* ---- defaults --------------------------------------------------------------
 * docs/cohort.md: with p_remit_after_response fixed at 0.15 (the rule that
 * picks one member of the one-parameter family), the other five solve the
 * review's figures exactly; rounded to 4 significant digits. UNVERIFIED
 * beyond the review article. */

static void default_model(infuse_cohort_model_t *m) {
  m->struct_size = (uint32_t)sizeof *m;
  m->responsive_fraction = 0.6940;
  m->p_remit_first = 0.1600;
  m->p_respond_first = 0.1422;
  m->p_remit_next = 0.4998;
  m->p_respond_next = 0.2776;
  m->p_remit_after_response = 0.1500;
  m->relapse_28d = 0.70; /* review: ~70% relapse within 4 weeks */
}

int infuse_cohort_model_init(infuse_cohort_model_t *model) {
  if (model == NULL) {
    return INFUSE_E_NULL;
  }
  if (model->struct_size != sizeof *model) {
    return INFUSE_E_STRUCT_SIZE;
  }
  infuse_cohort_model_t m;
  memset(&m, 0, sizeof m);
  default_model(&m);
  *model = m;
  return INFUSE_OK;
}

int infuse_cohort_init(infuse_cohort_options_t *opt, uint64_t seed,
                       uint64_t n_patients) {
  if (opt == NULL) {
    return INFUSE_E_NULL;
  }
  if (opt->struct_size != sizeof *opt) {
    return INFUSE_E_STRUCT_SIZE;
  }
  infuse_cohort_options_t o;
  memset(&o, 0, sizeof o);
  o.struct_size = (uint32_t)sizeof o;
  o.horizon_months = 12;
  default_model(&o.model);
  o.seed = seed;
  o.first_patient = 0;
  o.n_patients = n_patients;
  o.futility_after = 0;
  o.dose_ug_per_kg = 500; /* 0.5 mg/kg: ketamine-trd-40 */
  o.duration_min = 40;
  o.observation_min = 60;    /* UNVERIFIED site default */
  o.weight_median_kg = 80.0; /* UNVERIFIED */
  o.weight_cv = 0.2;         /* UNVERIFIED */
  *opt = o;
  return INFUSE_OK;
}

/* ---- validation ------------------------------------------------------------ */

static int validate_model(const infuse_cohort_model_t *m, infuse_diag_t *diag) {
  if (m->struct_size != sizeof *m) {
    return struct_size_error(diag, "cohort.model.struct_size", m->struct_size,
                             "infuse_cohort_model_t");
  }
  static const char unit_interval[] = "[0, 1] (a probability)";
  INFUSE__TRY(check_closed(diag, "cohort.model.responsive_fraction",
                           m->responsive_fraction, 0.0, 1.0, unit_interval));
  INFUSE__TRY(check_closed(diag, "cohort.model.p_remit_first",
                           m->p_remit_first, 0.0, 1.0, unit_interval));
  INFUSE__TRY(check_closed(diag, "cohort.model.p_respond_first",
                           m->p_respond_first, 0.0, 1.0, unit_interval));
  INFUSE__TRY(check_closed(diag, "cohort.model.p_remit_next", m->p_remit_next,
                           0.0, 1.0, unit_interval));
  INFUSE__TRY(check_closed(diag, "cohort.model.p_respond_next",
                           m->p_respond_next, 0.0, 1.0, unit_interval));
  INFUSE__TRY(check_closed(diag, "cohort.model.p_remit_after_response",
                           m->p_remit_after_response, 0.0, 1.0,
                           unit_interval));
  if (!(m->relapse_28d > 0.0 && m->relapse_28d < 1.0)) {
    return fail_double(diag, INFUSE_E_RANGE, "cohort.model.relapse_28d",
                       m->relapse_28d, "is outside ",
                       "(0, 1) (a probability other than 0 and 1)");
  }
  /* exclusive outcomes of one draw; 1e-9 forgives decimal rounding */
  if (m->p_remit_first + m->p_respond_first > 1.0 + 1e-9) {
    return fail_double(diag, INFUSE_E_RANGE, "cohort.model.p_respond_first",
                       m->p_respond_first, "plus p_remit_first is above 1",
                       " (they are exclusive outcomes of one infusion)");
  }
  if (m->p_remit_next + m->p_respond_next > 1.0 + 1e-9) {
    return fail_double(diag, INFUSE_E_RANGE, "cohort.model.p_respond_next",
                       m->p_respond_next, "plus p_remit_next is above 1",
                       " (they are exclusive outcomes of one infusion)");
  }
  return INFUSE_OK;
}

static int validate_options(const infuse_cohort_options_t *o,
                            infuse_diag_t *diag) {
  if (o->struct_size != sizeof *o) {
    return struct_size_error(diag, "cohort.struct_size", o->struct_size,
                             "infuse_cohort_options_t");
  }
  INFUSE__TRY(validate_model(&o->model, diag));
  if (o->first_patient > UINT64_MAX - o->n_patients) {
    return fail_u64(diag, INFUSE_E_RANGE, "cohort.n_patients", o->n_patients,
                    "patients: first_patient + n_patients must not exceed "
                    "2^64 - 1");
  }
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE,
                                  "cohort.dose_ug_per_kg", o->dose_ug_per_kg,
                                  1, 5000, " ug/kg"));
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE, "cohort.duration_min",
                                  o->duration_min, 1, 1440, " min"));
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE,
                                  "cohort.observation_min", o->observation_min,
                                  0, 1440, " min"));
  INFUSE__TRY(check_closed(diag, "cohort.weight_median_kg",
                           o->weight_median_kg, 20.0, 300.0, "20 to 300 kg"));
  INFUSE__TRY(check_closed(diag, "cohort.weight_cv", o->weight_cv, 0.0, 1.0,
                           "0 to 1"));
  INFUSE__TRY(infuse__check_range(diag, INFUSE_E_RANGE,
                                  "cohort.horizon_months", o->horizon_months,
                                  1, 60, " months"));
  return INFUSE_OK;
}

static int session_error(infuse_diag_t *diag, size_t i, const char *what) {
  return infuse__fail_q(diag, INFUSE_E_INVALID, "sessions", (int64_t)i + 1,
                        INFUSE_UNIT_COUNT, "(session index) ", what, NULL);
}

/* Sessions: 1..INFUSE_MAX_SESSIONS, index i + 1, dates in range and
 * strictly increasing, induction first (1..12 of them), then maintenance,
 * all before the horizon end. Sets *m (induction count) and *end. */
static int validate_sessions(const infuse_session_t *s, size_t n,
                             int32_t horizon_months, int32_t *m, int32_t *end,
                             infuse_diag_t *diag) {
  if (n == 0) {
    return infuse__fail(diag, INFUSE_E_INVALID, "sessions", "0",
                        "there are no sessions; pass the plan of "
                        "infuse_course_plan",
                        NULL, NULL);
  }
  if (n > INFUSE_MAX_SESSIONS) {
    return infuse__check_range(diag, INFUSE_E_INVALID, "n_sessions",
                               (int64_t)n, 1, INFUSE_MAX_SESSIONS,
                               " (sessions in a plan)");
  }
  if (s[0].date < INFUSE_DATE_MIN || s[0].date > INFUSE_DATE_MAX) {
    return session_error(diag, 0, "has a date outside 1900-01-01..9999-12-31");
  }
  int32_t e;
  if (infuse_date_add_months(s[0].date, horizon_months, &e) != INFUSE_OK) {
    e = INFUSE_DATE_MAX + 1; /* as the planner: the calendar's end */
  }
  int32_t induction = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i].index != (int32_t)i + 1) {
      return session_error(diag, i, "does not have index i + 1 (in order)");
    }
    if (s[i].phase == INFUSE_PHASE_INDUCTION) {
      if ((size_t)induction != i) {
        return session_error(diag, i,
                             "is an induction session after maintenance");
      }
      induction++;
    } else if (s[i].phase != INFUSE_PHASE_MAINTENANCE) {
      return session_error(diag, i, "has an unknown phase");
    }
    if (i > 0 && s[i].date <= s[i - 1].date) {
      return session_error(diag, i,
                           "is not after the previous session's date");
    }
    if (s[i].date >= e) {
      return session_error(diag, i,
                           "is on or after the horizon end (first session + "
                           "horizon_months)");
    }
  }
  if (induction == 0) {
    return session_error(diag, 0, "is not an induction session");
  }
  if (induction > MAX_INDUCTION) {
    return infuse__check_range(diag, INFUSE_E_INVALID, "sessions", induction,
                               1, MAX_INDUCTION, " induction sessions");
  }
  *m = induction;
  *end = e;
  return INFUSE_OK;
}

/* ---- fingerprint ------------------------------------------------------------
 * FNV-1a (64-bit) over the little-endian bytes of every input that shapes a
 * patient's outcome, then a SplitMix64 finaliser to spread the bits. The
 * patient range is left out so that shards of one cohort match. */

typedef struct fp {
  uint64_t h;
} fp_t;

static void fp_u64(fp_t *f, uint64_t v) {
  for (int i = 0; i < 8; i++) {
    f->h ^= (v >> (8 * i)) & 0xffu;
    f->h *= 0x100000001b3u;
  }
}

static void fp_double(fp_t *f, double x) {
  x += 0.0; /* -0 and +0 are the same input */
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  fp_u64(f, bits);
}

static void fp_i32(fp_t *f, int32_t v) { fp_u64(f, (uint64_t)(int64_t)v); }

static uint64_t fingerprint(const infuse_cohort_options_t *o,
                            const infuse_session_t *s, size_t n) {
  fp_t f = {0xcbf29ce484222325u};
  fp_u64(&f, 0x636f686f72740001u); /* "cohort", model version 1 */
  const infuse_cohort_model_t *m = &o->model;
  fp_double(&f, m->responsive_fraction);
  fp_double(&f, m->p_remit_first);
  fp_double(&f, m->p_respond_first);
  fp_double(&f, m->p_remit_next);
  fp_double(&f, m->p_respond_next);
  fp_double(&f, m->p_remit_after_response);
  fp_double(&f, m->relapse_28d);
  fp_u64(&f, o->seed);
  fp_i32(&f, o->futility_after);
  fp_i32(&f, o->dose_ug_per_kg);
  fp_i32(&f, o->duration_min);
  fp_i32(&f, o->observation_min);
  fp_double(&f, o->weight_median_kg);
  fp_double(&f, o->weight_cv);
  fp_i32(&f, o->horizon_months);
  fp_u64(&f, (uint64_t)n);
  for (size_t i = 0; i < n; i++) {
    fp_i32(&f, s[i].date);
    fp_i32(&f, (int32_t)s[i].phase);
  }
  uint64_t z = f.h;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* ---- the simulation -------------------------------------------------------- */

/* The count of 32-bit words w with (w + 0.5) / 2^32 < p: then "u < p" is
 * exactly "w < threshold(p)". p x 2^32 is exact (a power-of-two scale) and
 * so is x - 0.5 for x >= 0.5; w + 0.5 < x <=> w < ceil(x - 0.5). */
static uint64_t threshold(double p) {
  double x = p * 4294967296.0;
  if (x <= 0.5) {
    return 0;
  }
  if (x >= 4294967296.0) {
    return UINT64_C(4294967296);
  }
  return (uint64_t)ceil(x - 0.5);
}

static double uniform32(uint32_t w) {
  return ((double)w + 0.5) * 0x1.0p-32;
}

/* A maintenance gap that is longer than every gap before it: the first gap
 * longer than D, if any, is one of these. */
typedef struct gap_record {
  int32_t gap;   /* days to the next session, or to the horizon end */
  int32_t given; /* maintenance infusions given before this gap */
  int32_t from;  /* days from the end of induction to the gap's start */
} gap_record_t;

typedef struct cohort_run {
  uint32_t key[2];
  uint64_t t_responsive;
  uint64_t t_remit_first, t_response_first; /* u < a1, u < a1 + b1 */
  uint64_t t_remit_next, t_response_next;   /* u < a, u < a + b */
  uint64_t t_remit_after;                   /* u < c */
  int32_t induction;                        /* m */
  int32_t cut;          /* infusions before a futility stop; 0: none */
  int32_t maintenance;  /* maintenance sessions in the plan */
  int32_t n_records;
  double inv_rate;      /* 1 / durability rate (days) */
  double sigma;         /* log-normal weight sigma */
  double median_kg;
  double dose_ug_per_kg;
  gap_record_t records[INFUSE_MAX_SESSIONS + 1];
} cohort_run_t;

/* The largest possible dose of one infusion (ug), for the overflow bound. */
static double max_dose_ug(const infuse_cohort_options_t *o, double sigma) {
  return (double)o->dose_ug_per_kg * o->weight_median_kg *
             exp(sigma * Z_BOUND) +
         1.0;
}

static void prepare(const infuse_cohort_options_t *o,
                    const infuse_session_t *s, size_t n, int32_t m,
                    int32_t end, cohort_run_t *r) {
  const infuse_cohort_model_t *md = &o->model;
  r->key[0] = (uint32_t)o->seed;
  r->key[1] = (uint32_t)(o->seed >> 32);
  r->t_responsive = threshold(md->responsive_fraction);
  r->t_remit_first = threshold(md->p_remit_first);
  r->t_response_first = threshold(md->p_remit_first + md->p_respond_first);
  r->t_remit_next = threshold(md->p_remit_next);
  r->t_response_next = threshold(md->p_remit_next + md->p_respond_next);
  r->t_remit_after = threshold(md->p_remit_after_response);
  r->induction = m;
  r->cut = o->futility_after > 0 && o->futility_after < m ? o->futility_after
                                                           : 0;
  r->maintenance = (int32_t)n - m;
  /* rate = -ln(1 - relapse_28d) / 28, so P(X <= 28) = relapse_28d */
  r->inv_rate = 28.0 / -log1p(-md->relapse_28d);
  r->sigma = sqrt(log1p(o->weight_cv * o->weight_cv));
  r->median_kg = o->weight_median_kg;
  r->dose_ug_per_kg = (double)o->dose_ug_per_kg;

  int32_t end_induction = s[m - 1].date;
  int32_t prev = end_induction;
  int32_t longest = 0;
  int32_t k = 0;
  for (size_t j = (size_t)m; j <= n; j++) {
    int32_t next = j < n ? s[j].date : end;
    int32_t gap = next - prev;
    if (gap > longest) {
      r->records[k].gap = gap;
      r->records[k].given = (int32_t)j - m;
      r->records[k].from = prev - end_induction;
      k++;
      longest = gap;
    }
    prev = next;
  }
  r->n_records = k;
}

static infuse_philox_block_t block(const cohort_run_t *r, uint64_t patient,
                                   uint32_t b) {
  const uint32_t ctr[4] = {(uint32_t)patient, (uint32_t)(patient >> 32), b,
                           COHORT_STREAM};
  return infuse_philox4x32(ctr, r->key);
}

/* Dose of one infusion for weight draws w1, w2: nearest microgram (ties
 * away from zero) of dose_ug_per_kg x median x exp(sigma z),
 * z = sqrt(-2 ln(1 - u1)) cos(2 pi u2). */
static int64_t dose_ug(const cohort_run_t *r, uint32_t w1, uint32_t w2) {
  double u1 = uniform32(w1), u2 = uniform32(w2);
  double z = sqrt(-2.0 * log1p(-u1)) * cos(6.283185307179586 * u2);
  double kg = r->median_kg * exp(r->sigma * z);
  return (int64_t)llround(r->dose_ug_per_kg * kg);
}

/* Outcome tallies of the induction: hist[first response][remission], 0 for
 * none, 1..12 the infusion it happened at. */
typedef struct tally {
  int64_t hist[MAX_INDUCTION + 1][MAX_INDUCTION + 1];
  int64_t responsive;
  int64_t futility_stops;
  int64_t maintenance;
  int64_t relapses;
  int64_t untreated_28d;
  int64_t drug_ug;
} tally_t;

static void simulate(const cohort_run_t *r, uint64_t first, uint64_t n,
                     tally_t *t, int64_t *relapse_week) {
  const int32_t m = r->induction;
  for (uint64_t i = 0; i < n; i++) {
    const uint64_t p = first + i;
    infuse_philox_block_t b0 = block(r, p, BLOCK_PATIENT);
    int64_t dose = dose_ug(r, b0.v[1], b0.v[2]);
    int32_t responded = 0, remitted = 0; /* infusion numbers; 0: no */
    int32_t given = m;                   /* induction infusions */
    if (b0.v[0] < r->t_responsive) {
      t->responsive++;
      infuse_philox_block_t bk = {{0, 0, 0, 0}};
      for (int32_t k = 0; k < m; k++) {
        if ((k & 3) == 0) {
          bk = block(r, p, (uint32_t)(BLOCK_INDUCTION + k / 4));
        }
        uint32_t w = bk.v[k & 3];
        if (responded == 0) {
          uint64_t remit = k == 0 ? r->t_remit_first : r->t_remit_next;
          uint64_t respond = k == 0 ? r->t_response_first : r->t_response_next;
          if (w < remit) {
            responded = remitted = k + 1;
            break; /* remission is final within induction */
          }
          if (w < respond) {
            responded = k + 1;
          } else if (k + 1 == r->cut) {
            given = r->cut;
            break;
          }
        } else if (w < r->t_remit_after) {
          remitted = k + 1;
          break;
        }
      }
    } else if (r->cut > 0) {
      given = r->cut;
    }
    if (given < m) {
      t->futility_stops++;
    }
    t->hist[responded][remitted]++;
    if (responded > 0) {
      double x = -log1p(-uniform32(b0.v[3])) * r->inv_rate;
      /* x > 0: -ln(1 - u) >= 1.1e-10 and 1 / rate >= 28 / 36.8, so D >= 1 */
      int64_t d = x < (double)DURABILITY_MAX_DAYS ? (int64_t)ceil(x)
                                                  : DURABILITY_MAX_DAYS;
      if (d <= 28) {
        t->untreated_28d++;
      }
      int32_t maint = r->maintenance;
      for (int32_t k = 0; k < r->n_records; k++) {
        if (r->records[k].gap > d) {
          maint = r->records[k].given;
          /* < horizon end - end of induction <= 60 months <= 1827 days,
           * so the week is at most 260 < INFUSE_COHORT_WEEKS */
          relapse_week[((int64_t)r->records[k].from + d) / 7]++;
          t->relapses++;
          break;
        }
      }
      t->maintenance += maint;
      given += maint;
    }
    t->drug_ug += dose * given;
  }
}

int infuse_cohort_run(const infuse_cohort_options_t *opt,
                      const infuse_session_t *sessions, size_t n_sessions,
                      infuse_cohort_counts_t *out, infuse_diag_t *diag) {
  if (opt == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, "cohort", "",
                        "the options pointer is NULL", NULL, NULL);
  }
  if (sessions == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, "sessions", "",
                        "the sessions pointer is NULL", NULL, NULL);
  }
  if (out == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, "counts", "",
                        "the counts pointer is NULL", NULL, NULL);
  }
  if (out->struct_size != sizeof *out) {
    return struct_size_error(diag, "counts.struct_size", out->struct_size,
                             "infuse_cohort_counts_t");
  }
  INFUSE__TRY(validate_options(opt, diag));
  int32_t m = 0, end = 0;
  INFUSE__TRY(validate_sessions(sessions, n_sessions, opt->horizon_months, &m,
                                &end, diag));
  if (opt->futility_after < 0 || opt->futility_after > m) {
    return infuse__check_range(diag, INFUSE_E_RANGE, "cohort.futility_after",
                               opt->futility_after, 0, m,
                               " (0 never; at most the induction sessions)");
  }
  /* Every count is a sum of per-patient amounts; bound the largest of
   * them (drug: dose bound x sessions; chair minutes; days followed, which
   * also bound every other count) so that no sum can overflow. */
  cohort_run_t run;
  prepare(opt, sessions, n_sessions, m, end, &run);
  const int32_t horizon_days = end - sessions[0].date;
  const int32_t chair_per_infusion = opt->duration_min + opt->observation_min;
  double per_patient = max_dose_ug(opt, run.sigma) * (double)n_sessions;
  double chair = (double)chair_per_infusion * (double)n_sessions;
  if (chair > per_patient) {
    per_patient = chair;
  }
  if ((double)horizon_days > per_patient) {
    per_patient = (double)horizon_days;
  }
  if ((double)opt->n_patients * per_patient > 9.0e18) {
    return fail_u64(diag, INFUSE_E_RANGE, "cohort.n_patients",
                    opt->n_patients,
                    "patients could overflow the 64-bit sums; split the "
                    "cohort into shards and merge fewer of them");
  }

  tally_t t;
  memset(&t, 0, sizeof t);
  infuse_cohort_counts_t c;
  memset(&c, 0, sizeof c);
  simulate(&run, opt->first_patient, opt->n_patients, &t, c.relapse_week);

  const int64_t n = (int64_t)opt->n_patients;
  c.struct_size = out->struct_size;
  c.fingerprint = fingerprint(opt, sessions, n_sessions);
  c.first_patient = opt->first_patient;
  c.patients = opt->n_patients;
  c.patient_days = n * horizon_days;
  c.responsive = t.responsive;
  for (int32_t f = 0; f <= MAX_INDUCTION; f++) {
    for (int32_t q = 0; q <= MAX_INDUCTION; q++) {
      int64_t h = t.hist[f][q];
      bool remit_by_3 = q >= 1 && q <= 3;
      if (f >= 1) {
        c.first_response[f - 1] += h;
        c.responders += h;
      }
      if (q >= 1) {
        c.remitters += h;
      }
      if (f >= 1 && f <= 3) {
        c.response_by_3 += h;
      }
      if (f == 1) {
        c.response_at_1 += h;
        c.remission_by_3_after_response_at_1 += remit_by_3 ? h : 0;
      } else {
        c.no_response_at_1 += h;
        c.remission_by_3_after_no_response_at_1 += remit_by_3 ? h : 0;
      }
      if (f == 0 || f > 2) {
        c.no_response_by_2 += h;
        c.remission_after_no_response_by_2 += q >= 1 ? h : 0;
      }
    }
  }
  c.futility_stops = t.futility_stops;
  c.relapse_28d_untreated = t.untreated_28d;
  c.relapses = t.relapses;
  c.induction_infusions =
      n * m - t.futility_stops * (int64_t)(m - run.cut);
  c.maintenance_infusions = t.maintenance;
  c.infusions = c.induction_infusions + c.maintenance_infusions;
  c.drug_ug = t.drug_ug;
  c.chair_minutes = c.infusions * chair_per_infusion;
  *out = c;
  return INFUSE_OK;
}

/* ---- merge ------------------------------------------------------------------ */

/* Every int64 count outside the two arrays, by name. */
#define COHORT_COUNTS(X)                                                       \
  X(patient_days)                                                              \
  X(responsive)                                                                \
  X(response_at_1)                                                             \
  X(response_by_3)                                                             \
  X(remission_by_3_after_response_at_1)                                        \
  X(no_response_at_1)                                                          \
  X(remission_by_3_after_no_response_at_1)                                     \
  X(no_response_by_2)                                                          \
  X(remission_after_no_response_by_2)                                          \
  X(responders)                                                                \
  X(remitters)                                                                 \
  X(futility_stops)                                                            \
  X(relapse_28d_untreated)                                                     \
  X(relapses)                                                                  \
  X(infusions)                                                                 \
  X(induction_infusions)                                                       \
  X(maintenance_infusions)                                                     \
  X(drug_ug)                                                                   \
  X(chair_minutes)

static bool is_empty(const infuse_cohort_counts_t *c) {
  bool empty = c->fingerprint == 0 && c->first_patient == 0 && c->patients == 0;
#define COHORT_ZERO(name) empty = empty && c->name == 0;
  COHORT_COUNTS(COHORT_ZERO)
#undef COHORT_ZERO
  for (int i = 0; i < INFUSE_COHORT_INFUSIONS; i++) {
    empty = empty && c->first_response[i] == 0;
  }
  for (int i = 0; i < INFUSE_COHORT_WEEKS; i++) {
    empty = empty && c->relapse_week[i] == 0;
  }
  return empty;
}

/* *acc += v for counts that are never negative; E_RANGE naming the field
 * when either is negative or the sum passes INT64_MAX. */
static int add_count(int64_t *acc, int64_t v, const char *field,
                     infuse_diag_t *diag) {
  if (*acc < 0 || v < 0) {
    return infuse__fail_q(diag, INFUSE_E_RANGE, field, *acc < 0 ? *acc : v,
                          INFUSE_UNIT_COUNT,
                          "is negative; counts are never negative", NULL,
                          NULL);
  }
  if (v > INT64_MAX - *acc) {
    return infuse__fail_q(diag, INFUSE_E_RANGE, field, v, INFUSE_UNIT_COUNT,
                          "would make the sum pass 2^63 - 1", NULL, NULL);
  }
  *acc += v;
  return INFUSE_OK;
}

int infuse_cohort_merge(infuse_cohort_counts_t *sum,
                        const infuse_cohort_counts_t *part,
                        infuse_diag_t *diag) {
  if (sum == NULL || part == NULL) {
    return infuse__fail(diag, INFUSE_E_NULL, sum == NULL ? "sum" : "part", "",
                        "the counts pointer is NULL", NULL, NULL);
  }
  if (sum->struct_size != sizeof *sum) {
    return struct_size_error(diag, "sum.struct_size", sum->struct_size,
                             "infuse_cohort_counts_t");
  }
  if (part->struct_size != sizeof *part) {
    return struct_size_error(diag, "part.struct_size", part->struct_size,
                             "infuse_cohort_counts_t");
  }
  if (is_empty(sum)) {
    *sum = *part;
    return INFUSE_OK;
  }
  if (part->fingerprint != sum->fingerprint) {
    return fail_u64(diag, INFUSE_E_CONFLICT, "part.fingerprint",
                    part->fingerprint,
                    "differs from the sum's: the parts come from different "
                    "options, seeds or plans");
  }
  if (sum->first_patient > UINT64_MAX - sum->patients ||
      part->first_patient > UINT64_MAX - part->patients) {
    return fail_u64(diag, INFUSE_E_RANGE, "part.patients", part->patients,
                    "patients: first_patient + patients must not exceed "
                    "2^64 - 1");
  }
  uint64_t first;
  if (part->first_patient == sum->first_patient + sum->patients) {
    first = sum->first_patient; /* part right after sum */
  } else if (part->first_patient + part->patients == sum->first_patient) {
    first = part->first_patient; /* part right before sum */
  } else {
    return fail_u64(diag, INFUSE_E_CONFLICT, "part.first_patient",
                    part->first_patient,
                    "does not make a range adjacent to the sum's (the part "
                    "must start where the sum ends or end where it starts)");
  }
  /* both ranges end by 2^64 - 1 and are adjacent, so the union does too */
  infuse_cohort_counts_t r = *sum;
  r.first_patient = first;
  r.patients = sum->patients + part->patients;
#define COHORT_ADD(name)                                                       \
  INFUSE__TRY(add_count(&r.name, part->name, "part." #name, diag));
  COHORT_COUNTS(COHORT_ADD)
#undef COHORT_ADD
  for (int i = 0; i < INFUSE_COHORT_INFUSIONS; i++) {
    INFUSE__TRY(add_count(&r.first_response[i], part->first_response[i],
                          "part.first_response", diag));
  }
  for (int i = 0; i < INFUSE_COHORT_WEEKS; i++) {
    INFUSE__TRY(add_count(&r.relapse_week[i], part->relapse_week[i],
                          "part.relapse_week", diag));
  }
  *sum = r;
  return INFUSE_OK;
}

/* ---- rates -------------------------------------------------------------------- */

static double ratio(int64_t num, int64_t den) {
  return den == 0 ? (double)NAN : (double)num / (double)den;
}

int infuse_cohort_rates(const infuse_cohort_counts_t *counts,
                        infuse_cohort_rates_t *rates) {
  if (counts == NULL || rates == NULL) {
    return INFUSE_E_NULL;
  }
  if (counts->struct_size != sizeof *counts ||
      rates->struct_size != sizeof *rates) {
    return INFUSE_E_STRUCT_SIZE;
  }
  const infuse_cohort_counts_t *c = counts;
  const int64_t n = (int64_t)c->patients;
  infuse_cohort_rates_t r;
  memset(&r, 0, sizeof r);
  r.struct_size = rates->struct_size;
  r.response_by_infusion_3 = ratio(c->response_by_3, n);
  r.remission_by_3_given_response_at_1 =
      ratio(c->remission_by_3_after_response_at_1, c->response_at_1);
  r.remission_by_3_given_no_response_at_1 =
      ratio(c->remission_by_3_after_no_response_at_1, c->no_response_at_1);
  r.remission_given_no_response_by_2 =
      ratio(c->remission_after_no_response_by_2, c->no_response_by_2);
  r.relapse_within_28d_without_maintenance =
      ratio(c->relapse_28d_untreated, c->responders);
  r.response_end_of_induction = ratio(c->responders, n);
  r.remission_end_of_induction = ratio(c->remitters, n);
  r.relapse_in_horizon = ratio(c->relapses, c->responders);
  /* a patient-year is 365.25 days */
  double years = (double)c->patient_days / 365.25;
  double nan = (double)NAN;
  r.infusions_per_patient_year =
      c->patient_days == 0 ? nan : (double)c->infusions / years;
  r.drug_mg_per_patient_year =
      c->patient_days == 0 ? nan : (double)c->drug_ug / 1000.0 / years;
  r.chair_hours_per_patient_year =
      c->patient_days == 0 ? nan : (double)c->chair_minutes / 60.0 / years;
  *rates = r;
  return INFUSE_OK;
}
