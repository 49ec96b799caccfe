/*
 * internal.h - declarations shared between lib/ files; never installed.
 * Names crossing files use the infuse__ prefix and stay hidden.
 */
#ifndef INFUSE_INTERNAL_H
#define INFUSE_INTERNAL_H

#include "infuse.h"

#include <string.h>

/* Exact round(a * b / c) for non-negative 64-bit a, b and c > 0, through a
 * 128-bit intermediate. Returns INFUSE_OK, or INFUSE_E_RANGE when the result
 * exceeds INT64_MAX (nothing written), or INFUSE_E_INVALID for c == 0. */
int infuse__muldiv(uint64_t a, uint64_t b, uint64_t c, infuse_rounding_t mode,
                   int64_t *out);
/* The same, always through the portable (no __int128) code path; exposed so
 * tests can compare the two. */
int infuse__muldiv_portable(uint64_t a, uint64_t b, uint64_t c,
                            infuse_rounding_t mode, int64_t *out);

/* A bounded string builder: appends while room is left for a NUL, and
 * always counts the full length, so one pass with cap 0 measures. */
typedef struct infuse__sb {
  char *buf;
  size_t cap;
  size_t len;
} infuse__sb_t;

void infuse__sb_init(infuse__sb_t *sb, char *buf, size_t cap);
void infuse__sb_putn_slow(infuse__sb_t *sb, const char *s, size_t n);

/* Append n bytes: the common case (everything fits, or only measuring) is
 * inline; a partial copy at the end of the buffer goes out of line. */
static inline void infuse__sb_putn(infuse__sb_t *sb, const char *s, size_t n) {
  if (sb->cap == 0) {
    sb->len += n;
  } else if (sb->len + n < sb->cap) {
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
  } else {
    infuse__sb_putn_slow(sb, s, n);
  }
}

static inline void infuse__sb_putc(infuse__sb_t *sb, char c) {
  if (sb->len + 1 < sb->cap) {
    sb->buf[sb->len] = c;
  }
  sb->len++;
}

static inline void infuse__sb_puts(infuse__sb_t *sb, const char *s) {
  infuse__sb_putn(sb, s, strlen(s));
}
void infuse__sb_int(infuse__sb_t *sb, int64_t v);
/* Writes the terminating NUL (if cap > 0) and returns the full length. */
size_t infuse__sb_finish(infuse__sb_t *sb);

/* Decimal text of num/den (den > 0) in `unit`'s display unit, without the
 * symbol; `extra` more decimals than infuse_format shows. *exact is set to
 * whether the digits are the exact value. */
void infuse__put_ratio(infuse__sb_t *sb, int64_t num, int64_t den,
                       infuse_unit_t unit, int extra, bool *exact);
/* The display symbol of a unit ("mL/h"), "" for counts. */
const char *infuse__display_symbol(infuse_unit_t unit);
/* value in unit, as infuse_format does it, appended to sb. */
void infuse__put_quantity(infuse__sb_t *sb, int64_t value, infuse_unit_t unit);
/* value as a plain JSON number in the display unit, exact up to `decimals`
 * (nearest, ties away from zero). */
void infuse__put_number(infuse__sb_t *sb, int64_t value, infuse_unit_t unit,
                        int decimals);

/* Copy a NUL-terminated string into a fixed array, truncating at a UTF-8
 * boundary, replacing control bytes with '?'. */
void infuse__copy_text(char *dst, size_t cap, const char *src);

/* Fill diag (if non-NULL) with status, field, value and a message built
 * from up to three parts. Returns status. */
int infuse__fail(infuse_diag_t *diag, int status, const char *field,
                 const char *value, const char *m1, const char *m2,
                 const char *m3);
/* The same with the value given as a quantity in a unit. */
int infuse__fail_q(infuse_diag_t *diag, int status, const char *field,
                   int64_t value, infuse_unit_t unit, const char *m1,
                   const char *m2, const char *m3);

/* A value that must be > 0 and <= max: INFUSE_OK, or E_ZERO, E_NEGATIVE or
 * E_RANGE (naming the maximum) with diag filled. */
int infuse__check_positive(infuse_diag_t *diag, const char *field, int64_t v,
                           int64_t max, infuse_unit_t unit);

/* A whole number that must lie in [lo, hi]: INFUSE_OK, or `status` with
 * diag naming the range and, after it, `what` (may be NULL). */
int infuse__check_range(infuse_diag_t *diag, int status, const char *field,
                        int64_t v, int64_t lo, int64_t hi, const char *what);

/* Return the status of expr from the calling function unless it is OK. */
#define INFUSE__TRY(expr)                                                      \
  do {                                                                         \
    int infuse__rc = (expr);                                                   \
    if (infuse__rc != INFUSE_OK) {                                             \
      return infuse__rc;                                                       \
    }                                                                          \
  } while (0)

/* Check a course export description: struct size, sessions (1 ..
 * INFUSE_MAX_SESSIONS, dates in range, indexes 1..n, phases known), the
 * result's struct size when given, course_id ([A-Za-z0-9.-]{1,64}) when
 * need_id, uid_domain (printable ASCII without spaces, or NULL), and
 * patient_reference (printable ASCII without spaces or quotes, 1..128
 * bytes) when need_patient. INFUSE_OK, E_NULL, E_STRUCT_SIZE or
 * E_INVALID. */
int infuse__export_check(const infuse_course_export_t *x, bool need_id,
                         bool need_patient);

/* The two-pass buffer contract shared by every writer: render once to
 * measure, then, if it fits, once to write. */
typedef void (*infuse__render_fn)(infuse__sb_t *sb, const void *what);
int infuse__write_twice(infuse__render_fn render, const void *what, char *buf,
                        size_t cap, size_t *len);
/* The same with a proven upper bound of the length: when the buffer is
 * larger than the bound, one pass writes directly (it cannot run out);
 * otherwise two passes as above. bound 0: always two passes. */
int infuse__write_bounded(infuse__render_fn render, const void *what,
                          size_t bound, char *buf, size_t cap, size_t *len);
/* Upper bounds of the course JSON and CSV lengths (for tests). */
size_t infuse__course_json_bound(const infuse_course_export_t *x);
size_t infuse__course_csv_bound(const infuse_course_export_t *x);

/* Append a JSON string literal with escaping. */
void infuse__json_string(infuse__sb_t *sb, const char *s);

/* Names of enums used by writers. */
const char *infuse__prep_name(int prep);
const char *infuse__basis_name(int basis);

#endif /* INFUSE_INTERNAL_H */
