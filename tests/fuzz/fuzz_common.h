/*
 * fuzz_common.h - shared pieces of the fuzz targets: a reader that decodes
 * options from the input bytes, invariant checks that abort, and buffers
 * with guard bytes for the writers' buffer contract.
 *
 * Every helper is static inline so a target that does not use one gets no
 * unused-function warning.
 */
#ifndef INFUSE_FUZZ_COMMON_H
#define INFUSE_FUZZ_COMMON_H

#include <infuse.h>

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry point every target defines (libFuzzer's signature). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where invariant failures are reported (fuzz_cli points it at the real
 * stderr before it silences the programs). */
static FILE *fz_report_stream;

/* An invariant: on failure, say which one and abort, so libFuzzer and the
 * replay main both see a crash. */
#define FZ_CHECK(cond)                                                         \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(fz_report_stream != NULL ? fz_report_stream : stderr,            \
              "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);     \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* ---- the byte reader ------------------------------------------------------
 * Reads past the end give zeros, so every input decodes to something. */
typedef struct fz {
  const uint8_t *p;
  size_t n;
} fz_t;

static inline uint8_t fz_u8(fz_t *f) {
  if (f->n == 0) {
    return 0;
  }
  f->n--;
  return *f->p++;
}

static inline uint16_t fz_u16(fz_t *f) {
  uint16_t lo = fz_u8(f);
  uint16_t hi = fz_u8(f);
  return (uint16_t)(lo | (uint16_t)(hi << 8));
}

static inline uint32_t fz_u32(fz_t *f) {
  uint32_t v = 0;
  for (unsigned i = 0; i < 4; i++) {
    v |= (uint32_t)fz_u8(f) << (8u * i);
  }
  return v;
}

static inline uint64_t fz_u64(fz_t *f) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; i++) {
    v |= (uint64_t)fz_u8(f) << (8u * i);
  }
  return v;
}

static inline int64_t fz_i64_raw(fz_t *f) {
  uint64_t u = fz_u64(f);
  int64_t v;
  memcpy(&v, &u, sizeof v);
  return v;
}

static inline bool fz_bool(fz_t *f) { return (fz_u8(f) & 1u) != 0; }

/* A value decoded from a selector byte: mostly in [lo, hi] (lo <= hi),
 * sometimes an edge (0, -1, 1, lo - 1, hi + 1, INT64_MIN, INT64_MAX), and
 * sometimes a raw 64-bit value. */
static inline int64_t fz_pick(fz_t *f, int64_t lo, int64_t hi) {
  uint8_t sel = fz_u8(f);
  switch (sel & 7u) {
  case 0:
    return fz_i64_raw(f);
  case 1: {
    const int64_t edges[] = {0,
                             -1,
                             1,
                             lo == INT64_MIN ? lo : lo - 1,
                             hi == INT64_MAX ? hi : hi + 1,
                             INT64_MIN,
                             INT64_MAX,
                             lo,
                             hi};
    return edges[(sel >> 3) % (sizeof edges / sizeof edges[0])];
  }
  default: {
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint64_t r = span < 0xffffu       ? fz_u16(f)
                 : span < 0xffffffffu ? fz_u32(f)
                                      : fz_u64(f);
    if (span != UINT64_MAX) {
      r %= span + 1u;
    }
    return (int64_t)((uint64_t)lo + r);
  }
  }
}

/* The same for 32-bit fields (values outside int32 are clamped). */
static inline int32_t fz_pick32(fz_t *f, int32_t lo, int32_t hi) {
  int64_t v = fz_pick(f, lo, hi);
  if (v < INT32_MIN) {
    return INT32_MIN;
  }
  if (v > INT32_MAX) {
    return INT32_MAX;
  }
  return (int32_t)v;
}

/* A double decoded from a selector byte, for the simulations' hostile
 * inputs: mostly in [lo, hi] (linear, or log-uniform when 0 < lo), sometimes
 * an edge (0, -0, NaN, +-inf, the smallest normal and subnormal, the
 * largest finite, 1e-300, 1e300, lo and hi and their neighbours outside,
 * 1e-9, 1, 1e9), and sometimes the raw bits of a 64-bit value. */
static inline double fz_double(fz_t *f, double lo, double hi) {
  uint8_t sel = fz_u8(f);
  switch (sel & 7u) {
  case 0: {
    uint64_t bits = fz_u64(f);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
  }
  case 1: {
    const double edges[] = {0.0,
                            -0.0,
                            (double)NAN,
                            (double)INFINITY,
                            -(double)INFINITY,
                            DBL_MIN,
                            DBL_TRUE_MIN,
                            DBL_MAX,
                            -DBL_MAX,
                            1e-300,
                            1e300,
                            lo,
                            hi,
                            nextafter(lo, -(double)INFINITY),
                            nextafter(hi, (double)INFINITY),
                            1e-9,
                            1.0,
                            1e9,
                            -1.0,
                            -DBL_TRUE_MIN};
    return edges[(sel >> 3) % (sizeof edges / sizeof edges[0])];
  }
  default: {
    double u = (double)fz_u32(f) / 4294967295.0;
    double v = (sel & 7u) == 2 && lo > 0.0
                   ? exp(log(lo) + u * (log(hi) - log(lo)))
                   : lo + u * (hi - lo);
    return v < lo ? lo : v > hi ? hi : v;
  }
  }
}

/* A NUL-terminated string of up to max_len bytes from the input, into
 * dst[max_len + 1]. mode 0: raw bytes (NUL ends early); mode 1: printable
 * ASCII; mode 2: [A-Za-z0-9.-] (a course id's characters). */
static inline void fz_string(fz_t *f, char *dst, size_t max_len, int mode) {
  static const char id_chars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
  size_t len = fz_u8(f) % (max_len + 1);
  size_t k = 0;
  for (size_t i = 0; i < len; i++) {
    uint8_t b = fz_u8(f);
    char c;
    if (mode == 0) {
      memcpy(&c, &b, 1);
    } else if (mode == 1) {
      c = (char)(0x20 + b % 95u);
    } else {
      c = id_chars[b % (sizeof id_chars - 1)];
    }
    dst[k++] = c;
  }
  dst[k] = '\0';
}

/* ---- statuses --------------------------------------------------------------
 */
static inline bool fz_status_known(int rc) {
  return strcmp(infuse_status_name(rc), "UNKNOWN") != 0;
}

/* rc is one of the n statuses in set. */
static inline bool fz_status_in(int rc, const int *set, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (set[i] == rc) {
      return true;
    }
  }
  return false;
}

/* A filled diagnostic: the status, and NUL-terminated texts. */
static inline void fz_check_diag(const infuse_diag_t *d, int rc) {
  FZ_CHECK(d->status == rc);
  FZ_CHECK(memchr(d->field, '\0', sizeof d->field) != NULL);
  FZ_CHECK(memchr(d->value, '\0', sizeof d->value) != NULL);
  FZ_CHECK(memchr(d->message, '\0', sizeof d->message) != NULL);
  FZ_CHECK(d->message[0] != '\0');
}

/* ---- guarded buffers -------------------------------------------------------
 * cap bytes filled with FZ_FILL, then FZ_GUARD bytes of FZ_GUARD_BYTE. */
#define FZ_GUARD 32u
#define FZ_FILL 0x5a
#define FZ_GUARD_BYTE 0xa5

static inline char *fz_buf_new(size_t cap) {
  char *b = malloc(cap + FZ_GUARD);
  if (b == NULL) {
    abort();
  }
  memset(b, FZ_FILL, cap);
  memset(b + cap, FZ_GUARD_BYTE, FZ_GUARD);
  return b;
}

static inline bool fz_buf_guard_ok(const char *b, size_t cap) {
  for (size_t i = 0; i < FZ_GUARD; i++) {
    if ((unsigned char)b[cap + i] != FZ_GUARD_BYTE) {
      return false;
    }
  }
  return true;
}

static inline bool fz_buf_untouched(const char *b, size_t cap) {
  for (size_t i = 0; i < cap; i++) {
    if ((unsigned char)b[i] != FZ_FILL) {
      return false;
    }
  }
  return true;
}

/* A writer with the library's buffer contract, behind a common signature. */
typedef int (*fz_writer_fn)(const void *what, char *buf, size_t cap,
                            size_t *len);

/*
 * Check one writer's buffer contract on `what`:
 *  - measuring (NULL, 0) gives E_BUFFER_TOO_SMALL and the length, or an
 *    error in errs[] with *len untouched;
 *  - a buffer of small_cap bytes (and one of exactly the length, and one of
 *    the length + 1 + extra) is either written in full (OK, *len, the NUL,
 *    no NUL inside) or left untouched (E_BUFFER_TOO_SMALL, *len the length
 *    needed); nothing is ever written past cap;
 *  - every successful write gives the same text.
 * Returns the status of the measuring call; on success *text is a malloc'd
 * copy of the output (the caller frees it), else NULL.
 */
static inline int fz_check_writer(fz_writer_fn w, const void *what,
                                  size_t small_cap, size_t extra,
                                  const int *errs, size_t n_errs, char **text) {
  *text = NULL;
  size_t len = (size_t)-1;
  int rc = w(what, NULL, 0, &len);
  FZ_CHECK(fz_status_known(rc));
  if (rc != INFUSE_E_BUFFER_TOO_SMALL) {
    FZ_CHECK(rc < 0 && fz_status_in(rc, errs, n_errs));
    FZ_CHECK(len == (size_t)-1);
    /* the same error with a real buffer, which stays untouched */
    char *b = fz_buf_new(small_cap);
    size_t len2 = (size_t)-1;
    int rc2 = w(what, b, small_cap, &len2);
    FZ_CHECK(rc2 == rc);
    FZ_CHECK(len2 == (size_t)-1);
    FZ_CHECK(fz_buf_untouched(b, small_cap) && fz_buf_guard_ok(b, small_cap));
    free(b);
    return rc;
  }
  size_t need = len;
  FZ_CHECK(need > 0 && need < ((size_t)1 << 26));

  const size_t caps[4] = {small_cap, need, need + 1, need + 1 + extra};
  char *full = NULL;
  for (size_t k = 0; k < 4; k++) {
    size_t cap = caps[k];
    char *b = fz_buf_new(cap);
    size_t got = (size_t)-1;
    int r = w(what, cap == 0 && (k & 1u) ? NULL : b, cap, &got);
    FZ_CHECK(fz_buf_guard_ok(b, cap));
    FZ_CHECK(got == need);
    if (cap > need) {
      FZ_CHECK(r == INFUSE_OK);
      FZ_CHECK(b[need] == '\0');
      FZ_CHECK(memchr(b, '\0', need) == NULL);
      if (full == NULL) {
        full = malloc(need + 1);
        if (full == NULL) {
          abort();
        }
        memcpy(full, b, need + 1);
      } else {
        FZ_CHECK(memcmp(full, b, need + 1) == 0);
      }
    } else {
      FZ_CHECK(r == INFUSE_E_BUFFER_TOO_SMALL);
      FZ_CHECK(fz_buf_untouched(b, cap));
    }
    free(b);
  }
  FZ_CHECK(full != NULL);
  *text = full;
  return rc;
}

/* A size_t-returning formatter (infuse_format and the message functions):
 * the returned length is the same for every cap; when it fits the text is
 * NUL-terminated at that length; when not, the first cap - 1 bytes and a
 * NUL (never a byte past cap; cap 0 writes nothing). */
typedef size_t (*fz_format_fn)(const void *what, char *buf, size_t cap);

static inline size_t fz_check_format(fz_format_fn fmt, const void *what,
                                     size_t small_cap, char *out,
                                     size_t out_cap) {
  size_t need = fmt(what, NULL, 0);
  FZ_CHECK(need < 4096);
  char *full = fz_buf_new(need + 1);
  FZ_CHECK(fmt(what, full, need + 1) == need);
  FZ_CHECK(full[need] == '\0' && strlen(full) == need);
  FZ_CHECK(fz_buf_guard_ok(full, need + 1));
  const size_t caps[2] = {small_cap, 0};
  for (size_t k = 0; k < 2; k++) {
    size_t cap = caps[k];
    char *b = fz_buf_new(cap);
    FZ_CHECK(fmt(what, b, cap) == need);
    FZ_CHECK(fz_buf_guard_ok(b, cap));
    if (cap > 0) {
      size_t used = need < cap ? need : cap - 1;
      /* a truncated text may stop short of a split UTF-8 sequence */
      size_t got = strlen(b);
      FZ_CHECK(got <= used && memcmp(b, full, got) == 0);
    } else {
      FZ_CHECK(fz_buf_untouched(b, cap));
    }
    free(b);
  }
  if (out != NULL && out_cap > 0) {
    size_t n = need < out_cap ? need : out_cap - 1;
    memcpy(out, full, n);
    out[n] = '\0';
  }
  free(full);
  return need;
}

#endif
