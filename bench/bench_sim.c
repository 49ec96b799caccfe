/*
 * bench_sim.c - time the research simulations: pharmacokinetic summaries of
 * virtual patients, concentration curves, and the cohort Monte Carlo; and
 * prove that the timed loops allocate nothing.
 *
 *   bench_sim                       calibrate each loop to about 0.5 s
 *   bench_sim --iterations N        run exactly N calls per loop (N >= 0;
 *                                   for callgrind: subtract an N = 0 run)
 *   bench_sim --only pk_summary|pk_curve|cohort
 *                                   run one loop only
 *   bench_sim --seconds S           target time per loop (default 0.5)
 *
 * The course of every case: six infusions of 0.5 mg/kg over 40 min on days
 * 0, 2, 4, 7, 9 and 11 (an induction series, Mon/Wed/Fri), times in minutes
 * from the first start; the Domino model.
 *
 * What one call is (CLOCK_MONOTONIC around the whole loop):
 *   pk_summary  one virtual patient: infuse_pk_patient() (30% variability,
 *               weight log-normal, median 80 kg, CV 20%; patient index
 *               advancing by one per call), the six doses set to 0.5 mg/kg
 *               of that patient's weight, infuse_pk_prepare() and
 *               infuse_pk_summarize() with a 100 ng/mL threshold until the
 *               end of the last infusion + 24 h. Item: a patient.
 *   pk_curve    infuse_pk_curve() of the typical 80 kg patient at 1-minute
 *               steps over the same span (17,321 samples). Item: a sample.
 *   cohort      infuse_cohort_run() of the next 1000 patients (default
 *               model and options, seed 1) over the 12-month default taper
 *               course from infuse_course_plan(). Item: a patient-year
 *               (counts.patient_days / 365.25).
 * Every loop folds its outputs into a checksum that is printed.
 *
 * Heap allocations are counted as in bench_pump.c (this executable defines
 * malloc and its family and forwards to glibc); any allocation inside a
 * timed loop is a failure.
 *
 * Output, one line per loop:
 *   NAME iterations=N ns_per_call=X items=I ns_per_item=Y items_per_s=Z
 *        allocations=A checksum=C
 *
 * Exit status: 0 when every call returned INFUSE_OK and, where counted, no
 * loop allocated; 1 otherwise; 2 for bad usage.
 */
#define _POSIX_C_SOURCE 200809L

#include <infuse.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"

/* -------------------------------------------------------------------------
 * The course and the context
 * ---------------------------------------------------------------------- */
#define BENCH_MODEL "domino"
#define BENCH_N_INFUSIONS 6
#define BENCH_DOSE_MG_PER_KG 0.5
#define BENCH_DURATION_MIN 40.0
#define BENCH_THRESHOLD 100.0
#define BENCH_TYPICAL_KG 80.0
#define BENCH_COHORT_CHUNK 1000u
#define BENCH_COHORT_START 20458 /* 2026-01-05, a Monday */

static const double bench_days[BENCH_N_INFUSIONS] = {0, 2, 4, 7, 9, 11};

/* Last end + 24 h (11 d + 40 min + 24 h = 17320 min), and the 1-minute
 * grid over [0, until]. */
#define BENCH_UNTIL_MIN 17320.0
#define BENCH_CURVE_N 17321u

typedef struct bench_ctx {
  infuse_pk_population_t pop;
  infuse_pk_infusion_t infusions[BENCH_N_INFUSIONS];
  infuse_pk_system_t typical;
  uint64_t next_patient;       /* pk_summary: advances by one per call */
  double conc[BENCH_CURVE_N];
  infuse_cohort_options_t cohort;
  infuse_session_t sessions[INFUSE_MAX_SESSIONS];
  size_t n_sessions;
  uint64_t next_cohort;        /* cohort: advances by a chunk per call */
  int bad_status;
  double items;                /* items done by the last loop */
} bench_ctx_t;

typedef uint64_t (*bench_loop_fn)(bench_ctx_t *ctx, uint64_t n);

static int64_t now_ns(void) { return bench_now_ns("bench_sim"); }

/* Fold a double's bits into a checksum. */
static uint64_t bits_of(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

/* -------------------------------------------------------------------------
 * Loops
 * ---------------------------------------------------------------------- */
static uint64_t loop_pk_summary(bench_ctx_t *ctx, uint64_t n) {
  uint64_t sum = 0;
  infuse_pk_model_t model;
  infuse_pk_system_t sys;
  infuse_pk_summary_t s;
  for (uint64_t i = 0; i < n; i++) {
    double w = 0.0;
    model.struct_size = (uint32_t)sizeof model;
    sys.struct_size = (uint32_t)sizeof sys;
    s.struct_size = (uint32_t)sizeof s;
    if (infuse_pk_patient(&ctx->pop, ctx->next_patient++, &model, &w, NULL) !=
            INFUSE_OK ||
        infuse_pk_prepare(&model, w, &sys, NULL) != INFUSE_OK) {
      ctx->bad_status++;
      continue;
    }
    for (int k = 0; k < BENCH_N_INFUSIONS; k++) {
      ctx->infusions[k].dose_mg = BENCH_DOSE_MG_PER_KG * w;
    }
    if (infuse_pk_summarize(&sys, ctx->infusions, BENCH_N_INFUSIONS,
                            BENCH_UNTIL_MIN, BENCH_THRESHOLD, &s,
                            NULL) != INFUSE_OK) {
      ctx->bad_status++;
      continue;
    }
    sum += bits_of(s.cmax_ng_per_ml) ^ bits_of(s.auc_ng_h_per_ml) ^
           bits_of(s.time_above_min);
  }
  ctx->items = (double)n;
  return sum;
}

static uint64_t loop_pk_curve(bench_ctx_t *ctx, uint64_t n) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (infuse_pk_curve(&ctx->typical, ctx->infusions, BENCH_N_INFUSIONS, 0.0,
                        1.0, BENCH_CURVE_N, ctx->conc, NULL) != INFUSE_OK) {
      ctx->bad_status++;
      continue;
    }
    sum += bits_of(ctx->conc[(i * 7919u) % BENCH_CURVE_N]);
  }
  ctx->items = (double)n * (double)BENCH_CURVE_N;
  return sum;
}

static uint64_t loop_cohort(bench_ctx_t *ctx, uint64_t n) {
  uint64_t sum = 0;
  int64_t days = 0;
  infuse_cohort_counts_t counts;
  for (uint64_t i = 0; i < n; i++) {
    ctx->cohort.first_patient = ctx->next_cohort;
    ctx->cohort.n_patients = BENCH_COHORT_CHUNK;
    ctx->next_cohort += BENCH_COHORT_CHUNK;
    counts.struct_size = (uint32_t)sizeof counts;
    if (infuse_cohort_run(&ctx->cohort, ctx->sessions, ctx->n_sessions,
                          &counts, NULL) != INFUSE_OK) {
      ctx->bad_status++;
      continue;
    }
    days += counts.patient_days;
    sum += (uint64_t)counts.infusions + (uint64_t)counts.responders +
           (uint64_t)counts.relapses;
  }
  ctx->items = (double)days / 365.25;
  return sum;
}

/* -------------------------------------------------------------------------
 * Setup
 * ---------------------------------------------------------------------- */
static int fail(const char *what, int st, const infuse_diag_t *diag) {
  fprintf(stderr, "bench_sim: %s: %s (%s)\n", what, infuse_status_name(st),
          diag->message[0] != '\0' ? diag->message : infuse_strerror(st));
  return -1;
}

static int setup(bench_ctx_t *ctx) {
  infuse_diag_t diag;
  int st;
  memset(ctx, 0, sizeof *ctx);
  memset(&diag, 0, sizeof diag);

  ctx->pop.struct_size = (uint32_t)sizeof ctx->pop;
  ctx->pop.model.struct_size = (uint32_t)sizeof ctx->pop.model;
  if ((st = infuse_pk_model_get(BENCH_MODEL, &ctx->pop.model, &diag)) !=
      INFUSE_OK) {
    return fail("pk_model_get", st, &diag);
  }
  ctx->pop.variability_cv = 0.3;
  ctx->pop.weight_median_kg = 80.0;
  ctx->pop.weight_cv = 0.2;
  ctx->pop.seed = 1;

  for (int k = 0; k < BENCH_N_INFUSIONS; k++) {
    ctx->infusions[k].start_min = bench_days[k] * 1440.0;
    ctx->infusions[k].duration_min = BENCH_DURATION_MIN;
    ctx->infusions[k].dose_mg = BENCH_DOSE_MG_PER_KG * BENCH_TYPICAL_KG;
  }
  double last_end_plus_24h = ctx->infusions[BENCH_N_INFUSIONS - 1].start_min +
                             BENCH_DURATION_MIN + 1440.0;
  if (last_end_plus_24h < BENCH_UNTIL_MIN - 0.5 ||
      last_end_plus_24h > BENCH_UNTIL_MIN + 0.5) {
    fprintf(stderr, "bench_sim: BENCH_UNTIL_MIN is not last end + 24 h\n");
    return -1;
  }
  ctx->typical.struct_size = (uint32_t)sizeof ctx->typical;
  if ((st = infuse_pk_prepare(&ctx->pop.model, BENCH_TYPICAL_KG, &ctx->typical,
                              &diag)) != INFUSE_OK) {
    return fail("pk_prepare", st, &diag);
  }

  infuse_course_options_t course;
  if ((st = infuse_course_init(&course, BENCH_COHORT_START)) != INFUSE_OK) {
    return fail("course_init", st, &diag);
  }
  if ((st = infuse_course_plan(&course, ctx->sessions, INFUSE_MAX_SESSIONS,
                               &ctx->n_sessions, &diag)) != INFUSE_OK) {
    return fail("course_plan", st, &diag);
  }
  ctx->cohort.struct_size = (uint32_t)sizeof ctx->cohort;
  if ((st = infuse_cohort_init(&ctx->cohort, 1, BENCH_COHORT_CHUNK)) !=
      INFUSE_OK) {
    return fail("cohort_init", st, &diag);
  }
  return 0;
}

/* The typical patient's summary, printed once so that a reader (and
 * scipy_baseline.py) can compare. */
static int print_typical(bench_ctx_t *ctx) {
  infuse_pk_summary_t s;
  infuse_diag_t diag;
  s.struct_size = (uint32_t)sizeof s;
  int st = infuse_pk_summarize(&ctx->typical, ctx->infusions,
                               BENCH_N_INFUSIONS, BENCH_UNTIL_MIN,
                               BENCH_THRESHOLD, &s, &diag);
  if (st != INFUSE_OK) {
    return fail("pk_summarize", st, &diag);
  }
  printf("typical     weight_kg=%.1f cmax_ng_per_ml=%.17g tmax_min=%.17g "
         "auc_ng_h_per_ml=%.17g time_above_min=%.17g\n",
         BENCH_TYPICAL_KG, s.cmax_ng_per_ml, s.tmax_min, s.auc_ng_h_per_ml,
         s.time_above_min);
  return 0;
}

/* -------------------------------------------------------------------------
 * Running a case
 * ---------------------------------------------------------------------- */
typedef struct bench_case {
  const char *name;
  bench_loop_fn fn;
  uint64_t first_n; /* calibration starts here */
} bench_case_t;

static int run_case(bench_ctx_t *ctx, const bench_case_t *c,
                    long long iterations, double seconds) {
  uint64_t n;
  uint64_t sum = 0;

  if (iterations >= 0) {
    n = (uint64_t)iterations;
  } else {
    n = c->first_n;
    for (;;) {
      int64_t t0 = now_ns();
      sum ^= c->fn(ctx, n);
      int64_t dt = now_ns() - t0;
      if (dt >= 50000000 || n >= (UINT64_C(1) << 40)) {
        double per = (double)dt / (double)n;
        double want = seconds * 1e9 / (per > 0.0 ? per : 1.0);
        n = want < 1.0 ? 1u : (uint64_t)want;
        break;
      }
      n *= 2;
    }
  }

  int bad_before = ctx->bad_status;
  unsigned long long a0 = alloc_count();
  int64_t t0 = now_ns();
  sum += c->fn(ctx, n);
  int64_t t1 = now_ns();
  unsigned long long a1 = alloc_count();

  double ns = (double)(t1 - t0);
  double items = ctx->items;
  printf("%-11s iterations=%llu ns_per_call=%.1f items=%.10g ns_per_item=%.4g "
         "items_per_s=%.0f allocations=",
         c->name, (unsigned long long)n, n > 0 ? ns / (double)n : 0.0, items,
         items > 0 ? ns / items : 0.0, ns > 0 ? items / (ns * 1e-9) : 0.0);
  if (BENCH_COUNTS_MALLOC) {
    printf("%llu", a1 - a0);
  } else {
    printf("n/a");
  }
  printf(" checksum=%llu\n", (unsigned long long)sum);

  int ok = 1;
  if (ctx->bad_status != bad_before) {
    fprintf(stderr, "bench_sim: %s: %d calls returned an error\n", c->name,
            ctx->bad_status - bad_before);
    ok = 0;
  }
  if (BENCH_COUNTS_MALLOC && a1 != a0) {
    fprintf(stderr, "bench_sim: %s: %llu heap allocations in the loop\n",
            c->name, a1 - a0);
    ok = 0;
  }
  return ok ? 0 : -1;
}

static void usage(FILE *f) {
  fputs("usage: bench_sim [--iterations N] [--only pk_summary|pk_curve|cohort] "
        "[--seconds S]\n",
        f);
}

/* Static: the context holds the curve (17,321 doubles) and the sessions. */
static bench_ctx_t bench_ctx;

int main(int argc, char **argv) {
  long long iterations = -1;
  double seconds = 0.5;
  const char *only = NULL;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = NULL;
    if ((strcmp(a, "--iterations") == 0 || strcmp(a, "--only") == 0 ||
         strcmp(a, "--seconds") == 0) &&
        i + 1 < argc) {
      v = argv[++i];
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
    char *end = NULL;
    errno = 0;
    if (strcmp(a, "--iterations") == 0) {
      iterations = strtoll(v, &end, 10);
      if (errno != 0 || end == v || *end != '\0' || iterations < 0) {
        fprintf(stderr, "bench_sim: --iterations needs a count >= 0\n");
        return 2;
      }
    } else if (strcmp(a, "--seconds") == 0) {
      seconds = strtod(v, &end);
      if (errno != 0 || end == v || *end != '\0' || !(seconds > 0.0) ||
          seconds > 60.0) {
        fprintf(stderr, "bench_sim: --seconds needs a value in (0, 60]\n");
        return 2;
      }
    } else {
      only = v;
    }
  }

  static const bench_case_t cases[] = {
      {"pk_summary", loop_pk_summary, 1000},
      {"pk_curve", loop_pk_curve, 4},
      {"cohort", loop_cohort, 1},
  };
  const size_t n_cases = sizeof(cases) / sizeof(cases[0]);
  if (only != NULL) {
    size_t k = 0;
    while (k < n_cases && strcmp(cases[k].name, only) != 0) {
      k++;
    }
    if (k == n_cases) {
      fprintf(stderr,
              "bench_sim: --only takes pk_summary, pk_curve or cohort\n");
      return 2;
    }
  }

  if (setup(&bench_ctx) != 0) {
    return 1;
  }
  printf("bench_sim: libinfuse %s, %s model, 6 x 0.5 mg/kg over 40 min on "
         "days 0,2,4,7,9,11, until %.0f min; cohort: %zu sessions in 12 "
         "months, %u patients a call; heap counter: %s\n",
         infuse_version_string(), BENCH_MODEL, BENCH_UNTIL_MIN,
         bench_ctx.n_sessions, BENCH_COHORT_CHUNK,
         BENCH_COUNTS_MALLOC ? "interposed malloc/calloc/realloc/aligned_alloc"
                             : "not available");
  if (print_typical(&bench_ctx) != 0) {
    return 1;
  }
  fflush(stdout);

  int rc = 0;
  for (size_t k = 0; k < n_cases; k++) {
    if (only != NULL && strcmp(cases[k].name, only) != 0) {
      continue;
    }
    if (run_case(&bench_ctx, &cases[k], iterations, seconds) != 0) {
      rc = 1;
    }
    fflush(stdout);
  }
  return rc;
}
