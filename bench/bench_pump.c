/*
 * bench_pump.c - time the pump program and its writers, and prove that the
 * timed loops allocate nothing.
 *
 *   bench_pump                      calibrate each loop to about 0.5 s
 *   bench_pump --iterations N       run exactly N calls per loop (N >= 0;
 *                                   for callgrind: subtract an N = 0 run)
 *   bench_pump --only pump|json|text|course
 *                                   run one loop only (with --iterations,
 *                                   gives clean instruction counts)
 *   bench_pump --seconds S          target time per loop (default 0.5)
 *
 * What is timed, per call (CLOCK_MONOTONIC around the whole loop):
 *   pump  infuse_pump_compute() for the 70 kg default request of
 *         ketamine-trd-40; the weight moves by up to 255 g from call to call
 *         (70.000 .. 70.255 kg) so the call cannot be hoisted out of the loop
 *         and the draw-up rounding is exercised.
 *   json  infuse_write_json() of one of 8 precomputed results (weights
 *         70.000 .. 70.007 kg) into a 64 KiB buffer.
 *   text  infuse_write_text(), likewise.
 * Every loop folds its outputs into a checksum that is printed, so the work
 * cannot be optimised away.
 *
 * Heap allocations: this executable defines malloc, calloc, realloc,
 * aligned_alloc and free itself. The dynamic linker binds every call in the
 * process (the library, whether linked statically or as a shared object,
 * and the C library's own internal calls) to these definitions; they count
 * the call and forward to glibc's allocator through its exported
 * __libc_malloc family. The counters are read just before and just after
 * each timed loop, so a nonzero difference is an allocation made by the code
 * under test. (mallinfo2() deltas were not used: a malloc/free pair inside
 * the loop leaves them unchanged.) Without glibc the counters are not
 * available and the report says so. Sanitizer builds replace malloc
 * themselves; build with -DBENCH_NO_MALLOC_COUNT there.
 *
 * Exit status: 0 when every loop ran with its expected status and, where
 * counted, no allocation; 1 otherwise; 2 for bad usage.
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
 * Helpers
 * ---------------------------------------------------------------------- */
#define BENCH_PROTOCOL "ketamine-trd-40"
#define BENCH_WEIGHT_G 70000
#define BENCH_N_RESULTS 8
#define BENCH_BUF_CAP 65536u
#define BENCH_COURSE_CAP (1u << 18)

static int64_t now_ns(void) { return bench_now_ns("bench_pump"); }

/* Everything a loop needs; built once, outside the timed region. */
typedef struct bench_ctx {
  infuse_protocol_t protocol;
  infuse_request_t request;
  infuse_result_t pump_result;                 /* written by the pump loop */
  infuse_result_t results[BENCH_N_RESULTS];    /* inputs of the writers */
  char buf[BENCH_BUF_CAP];
  int bad_status;                              /* unexpected statuses seen */
  infuse_course_options_t course;              /* 12-month default course */
  infuse_session_t sessions[INFUSE_MAX_SESSIONS];
  char course_buf[BENCH_COURSE_CAP];
} bench_ctx_t;

typedef uint64_t (*bench_loop_fn)(bench_ctx_t *ctx, uint64_t n);

static uint64_t loop_pump(bench_ctx_t *ctx, uint64_t n) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    ctx->request.weight_g = BENCH_WEIGHT_G + (int64_t)(i & 255u);
    ctx->pump_result.struct_size = (uint32_t)sizeof(ctx->pump_result);
    int st = infuse_pump_compute(&ctx->request, &ctx->pump_result, NULL);
    if (st < 0) {
      ctx->bad_status++;
    }
    sum += (uint64_t)(uint32_t)st + (uint64_t)ctx->pump_result.rate_ul_per_h +
           (uint64_t)ctx->pump_result.drug_volume_ul +
           (uint64_t)ctx->pump_result.actual_duration_ms;
  }
  return sum;
}

static uint64_t loop_writer(bench_ctx_t *ctx, uint64_t n,
                            int (*writer)(const infuse_result_t *, char *,
                                          size_t, size_t *)) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    size_t len = 0;
    int st = writer(&ctx->results[i % BENCH_N_RESULTS], ctx->buf,
                    sizeof(ctx->buf), &len);
    if (st != INFUSE_OK || len == 0) {
      ctx->bad_status++;
      continue;
    }
    sum += (uint64_t)len + (unsigned char)ctx->buf[i % len];
  }
  return sum;
}

/* A 12-month default course: plan it, then write it as JSON, CSV,
 * iCalendar and FHIR with the 70 kg pump program on every session. */
static uint64_t loop_course(bench_ctx_t *ctx, uint64_t n) {
  typedef int (*course_writer)(const infuse_course_export_t *, char *, size_t,
                               size_t *);
  static const course_writer writers[4] = {
      infuse_course_write_json, infuse_course_write_csv,
      infuse_course_write_ics, infuse_course_write_fhir};
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    size_t count = 0;
    ctx->course.start = 20422 + (int32_t)(i & 7u); /* 2025-11-30 (a Sunday) + i % 8 */
    if (infuse_course_plan(&ctx->course, ctx->sessions, INFUSE_MAX_SESSIONS,
                           &count, NULL) != INFUSE_OK) {
      ctx->bad_status++;
      continue;
    }
    infuse_course_export_t x;
    memset(&x, 0, sizeof x);
    x.struct_size = (uint32_t)sizeof x;
    x.sessions = ctx->sessions;
    x.n_sessions = count;
    x.result = &ctx->pump_result;
    x.course_id = "bench-course";
    x.patient_reference = "Patient/1";
    x.dtstamp = 1764495000;
    for (int w = 0; w < 4; w++) {
      size_t len = 0;
      if (writers[w](&x, ctx->course_buf, sizeof ctx->course_buf, &len) !=
          INFUSE_OK) {
        ctx->bad_status++;
        continue;
      }
      sum += (uint64_t)len + (unsigned char)ctx->course_buf[i % len];
    }
  }
  return sum;
}

static uint64_t loop_json(bench_ctx_t *ctx, uint64_t n) {
  return loop_writer(ctx, n, infuse_write_json);
}

static uint64_t loop_text(bench_ctx_t *ctx, uint64_t n) {
  return loop_writer(ctx, n, infuse_write_text);
}

static int setup(bench_ctx_t *ctx) {
  infuse_diag_t diag;
  memset(ctx, 0, sizeof(*ctx));
  memset(&diag, 0, sizeof(diag));
  ctx->protocol.struct_size = (uint32_t)sizeof(ctx->protocol);
  int st = infuse_protocol_get(BENCH_PROTOCOL, &ctx->protocol, &diag);
  if (st != INFUSE_OK) {
    fprintf(stderr, "bench_pump: protocol %s: %s\n", BENCH_PROTOCOL,
            diag.message[0] != '\0' ? diag.message : infuse_strerror(st));
    return -1;
  }
  ctx->request.struct_size = (uint32_t)sizeof(ctx->request);
  st = infuse_request_init(&ctx->request, &ctx->protocol);
  if (st != INFUSE_OK) {
    fprintf(stderr, "bench_pump: request_init: %s\n", infuse_strerror(st));
    return -1;
  }
  ctx->request.weight_g = BENCH_WEIGHT_G;
  ctx->pump_result.struct_size = (uint32_t)sizeof(ctx->pump_result);
  st = infuse_pump_compute(&ctx->request, &ctx->pump_result, &diag);
  if (st != INFUSE_OK) {
    fprintf(stderr,
            "bench_pump: the 70 kg default request returned %s (%s); "
            "expected OK\n",
            infuse_status_name(st),
            st < 0 ? diag.message : infuse_verdict_name(st));
    return -1;
  }
  for (int k = 0; k < BENCH_N_RESULTS; k++) {
    ctx->request.weight_g = BENCH_WEIGHT_G + k;
    ctx->results[k].struct_size = (uint32_t)sizeof(ctx->results[k]);
    st = infuse_pump_compute(&ctx->request, &ctx->results[k], &diag);
    if (st < 0) {
      fprintf(stderr, "bench_pump: setup weight %d g: %s\n",
              BENCH_WEIGHT_G + k, diag.message);
      return -1;
    }
  }
  ctx->request.weight_g = BENCH_WEIGHT_G;
  st = infuse_pump_compute(&ctx->request, &ctx->pump_result, &diag);
  if (st != INFUSE_OK ||
      infuse_course_init(&ctx->course, 20422) != INFUSE_OK) {
    fprintf(stderr, "bench_pump: course setup failed\n");
    return -1;
  }
  return 0;
}

typedef struct bench_case {
  const char *name;     /* --only name */
  const char *label;    /* printed name */
  bench_loop_fn fn;
} bench_case_t;

/* Runs one case: calibrated (iterations < 0) or fixed. Prints one line:
 *   NAME iterations=N ns_per_call=X allocations=A checksum=C            */
static int run_case(bench_ctx_t *ctx, const bench_case_t *c,
                    long long iterations, double seconds) {
  uint64_t n;
  uint64_t sum = 0;

  if (iterations >= 0) {
    n = (uint64_t)iterations;
  } else {
    /* Warm up, then double until one run takes 50 ms; scale to `seconds`. */
    n = 1000;
    for (;;) {
      int64_t t0 = now_ns();
      sum ^= c->fn(ctx, n);
      int64_t dt = now_ns() - t0;
      if (dt >= 50000000 || n >= (UINT64_C(1) << 40)) {
        double per = (double)dt / (double)n;
        double want = seconds * 1e9 / (per > 0.0 ? per : 1.0);
        n = want < 1000.0 ? 1000u : (uint64_t)want;
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

  double ns = n > 0 ? (double)(t1 - t0) / (double)n : 0.0;
  printf("%-11s iterations=%llu ns_per_call=%.1f allocations=", c->label,
         (unsigned long long)n, ns);
  if (BENCH_COUNTS_MALLOC) {
    printf("%llu", a1 - a0);
  } else {
    printf("n/a");
  }
  printf(" checksum=%llu\n", (unsigned long long)sum);

  int ok = 1;
  if (ctx->bad_status != bad_before) {
    fprintf(stderr, "bench_pump: %s: %d calls returned an unexpected status\n",
            c->label, ctx->bad_status - bad_before);
    ok = 0;
  }
  if (BENCH_COUNTS_MALLOC && a1 != a0) {
    fprintf(stderr, "bench_pump: %s: %llu heap allocations in the loop\n",
            c->label, a1 - a0);
    ok = 0;
  }
  return ok ? 0 : -1;
}

static void usage(FILE *f) {
  fputs("usage: bench_pump [--iterations N] [--only pump|json|text|course] "
        "[--seconds S]\n",
        f);
}

/* Static: the context holds nine results and a 64 KiB buffer. */
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
        fprintf(stderr, "bench_pump: --iterations needs a count >= 0\n");
        return 2;
      }
    } else if (strcmp(a, "--seconds") == 0) {
      seconds = strtod(v, &end);
      if (errno != 0 || end == v || *end != '\0' || !(seconds > 0.0) ||
          seconds > 60.0) {
        fprintf(stderr, "bench_pump: --seconds needs a value in (0, 60]\n");
        return 2;
      }
    } else {
      only = v;
    }
  }

  static const bench_case_t cases[] = {
      {"pump", "pump", loop_pump},
      {"json", "write_json", loop_json},
      {"text", "write_text", loop_text},
      {"course", "course", loop_course},
  };
  const size_t n_cases = sizeof(cases) / sizeof(cases[0]);
  if (only != NULL) {
    size_t k = 0;
    while (k < n_cases && strcmp(cases[k].name, only) != 0) {
      k++;
    }
    if (k == n_cases) {
      fprintf(stderr, "bench_pump: --only takes pump, json, text or course\n");
      return 2;
    }
  }

  if (setup(&bench_ctx) != 0) {
    return 1;
  }
  {
    char rate[32];
    char vol[32];
    (void)infuse_format(bench_ctx.results[0].rate_ul_per_h,
                        INFUSE_UNIT_UL_PER_H, rate, sizeof(rate));
    (void)infuse_format(bench_ctx.results[0].total_volume_ul, INFUSE_UNIT_UL,
                        vol, sizeof(vol));
    printf("bench_pump: libinfuse %s, %s, 70 kg default request: "
           "%s at %s; heap counter: %s\n",
           infuse_version_string(), BENCH_PROTOCOL, vol, rate,
           BENCH_COUNTS_MALLOC ? "interposed malloc/calloc/realloc/"
                                 "aligned_alloc"
                               : "not available");
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
