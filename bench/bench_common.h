/*
 * bench_common.h - what the benchmark programs share: a heap counter and a
 * monotonic clock. Include it in exactly one translation unit of a
 * program (it defines malloc and friends), after defining
 * _POSIX_C_SOURCE (clock_gettime).
 *
 * The heap counter interposes malloc, calloc, realloc and aligned_alloc
 * (glibc only, through the __libc_ entry points) and counts the calls, so
 * a benchmark can report that a loop allocated nothing. Define
 * BENCH_NO_MALLOC_COUNT to leave the allocator alone (sanitizer builds
 * interpose it themselves); alloc_count() is then always 0 and
 * BENCH_COUNTS_MALLOC 0.
 */
#ifndef INFUSE_BENCH_COMMON_H
#define INFUSE_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__GLIBC__) && !defined(BENCH_NO_MALLOC_COUNT)
#define BENCH_COUNTS_MALLOC 1

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *ptr);

/* Single-threaded programs: plain counters are enough. volatile keeps the
 * compiler from caching them across the calls being measured. */
static volatile unsigned long long bench_alloc_calls;

void *malloc(size_t size) {
  bench_alloc_calls = bench_alloc_calls + 1u;
  return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
  bench_alloc_calls = bench_alloc_calls + 1u;
  return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size) {
  bench_alloc_calls = bench_alloc_calls + 1u;
  return __libc_realloc(ptr, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  bench_alloc_calls = bench_alloc_calls + 1u;
  return __libc_memalign(alignment, size);
}

void free(void *ptr) { __libc_free(ptr); }

static unsigned long long alloc_count(void) { return bench_alloc_calls; }
#else
#define BENCH_COUNTS_MALLOC 0
static unsigned long long alloc_count(void) { return 0; }
#endif

/* Nanoseconds on the monotonic clock; exits naming prog if it fails. */
static int64_t bench_now_ns(const char *prog) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    fprintf(stderr, "%s: ", prog);
    perror("clock_gettime");
    exit(1);
  }
  return (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
}

#endif
