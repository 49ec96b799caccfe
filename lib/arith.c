/*
 * arith.c - exact integer arithmetic: a * b / c with named rounding.
 *
 * Every computed quantity in libinfuse goes through infuse__muldiv, so no
 * product can overflow and every rounding is one of the three named modes.
 */
#include "internal.h"

#include <limits.h>

/* Apply the rounding mode to quotient q with remainder r of division by c. */
static int finish(uint64_t q, uint64_t r, uint64_t c, infuse_rounding_t mode,
                  int64_t *out) {
  switch (mode) {
  case INFUSE_ROUND_NEAREST:
    /* ties away from zero: round up when r >= c - r, i.e. 2r >= c */
    if (r >= c - r) {
      q += 1;
    }
    break;
  case INFUSE_ROUND_DOWN:
    break;
  case INFUSE_ROUND_UP:
    if (r != 0) {
      q += 1;
    }
    break;
  default:
    return INFUSE_E_INVALID;
  }
  if (q > (uint64_t)INT64_MAX) {
    return INFUSE_E_RANGE;
  }
  *out = (int64_t)q;
  return INFUSE_OK;
}

int infuse__muldiv_portable(uint64_t a, uint64_t b, uint64_t c,
                            infuse_rounding_t mode, int64_t *out) {
  if (c == 0) {
    return INFUSE_E_INVALID;
  }
  /* 64 x 64 -> 128 bits from 32-bit halves. */
  uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
  uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
  uint64_t ll = a_lo * b_lo;
  uint64_t lh = a_lo * b_hi;
  uint64_t hl = a_hi * b_lo;
  uint64_t hh = a_hi * b_hi;
  uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
  uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
  uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

  /* The quotient must fit in 64 bits for the result to be representable. */
  if (hi >= c) {
    return INFUSE_E_RANGE;
  }
  /* Long division of (hi:lo) by c, one bit at a time; hi < c throughout. */
  uint64_t rem = hi;
  uint64_t q = 0;
  for (int i = 63; i >= 0; i--) {
    uint64_t carry = rem >> 63;
    rem = (rem << 1) | ((lo >> i) & 1u);
    q <<= 1;
    if (carry || rem >= c) {
      rem -= c;
      q |= 1u;
    }
  }
  return finish(q, rem, c, mode, out);
}

int infuse__muldiv(uint64_t a, uint64_t b, uint64_t c, infuse_rounding_t mode,
                   int64_t *out) {
  if (c == 0) {
    return INFUSE_E_INVALID;
  }
  /* most products fit in 64 bits: no 128-bit division then */
  if (b == 0 || a <= UINT64_MAX / b) {
    uint64_t p = a * b;
    return finish(p / c, p % c, c, mode, out);
  }
#if defined(__SIZEOF_INT128__) && !defined(INFUSE_NO_INT128)
  __extension__ typedef unsigned __int128 u128;
  u128 p = (u128)a * b;
  u128 q = p / c;
  uint64_t r = (uint64_t)(p % c);
  if (q > (u128)UINT64_MAX) {
    return INFUSE_E_RANGE;
  }
  return finish((uint64_t)q, r, c, mode, out);
#else
  return infuse__muldiv_portable(a, b, c, mode, out);
#endif
}

int infuse_round_ratio(int64_t num, int64_t den, int64_t step,
                       infuse_rounding_t mode, int64_t *out) {
  if (out == NULL) {
    return INFUSE_E_NULL;
  }
  if (num < 0 || den <= 0 || step <= 0 ||
      (mode != INFUSE_ROUND_NEAREST && mode != INFUSE_ROUND_DOWN &&
       mode != INFUSE_ROUND_UP)) {
    return INFUSE_E_INVALID;
  }
  if ((uint64_t)den > UINT64_MAX / (uint64_t)step) {
    return INFUSE_E_RANGE;
  }
  int64_t n_steps;
  int rc = infuse__muldiv((uint64_t)num, 1u, (uint64_t)den * (uint64_t)step,
                          mode, &n_steps);
  if (rc != INFUSE_OK) {
    return rc;
  }
  if (n_steps > INT64_MAX / step) {
    return INFUSE_E_RANGE;
  }
  *out = n_steps * step;
  return INFUSE_OK;
}
