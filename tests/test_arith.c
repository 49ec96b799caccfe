/*
 * test_arith.c - the exact a x b / c with named rounding, and the rounding
 * of ratios to device steps. Expected values are worked by hand; the fast
 * (__int128) and portable code paths are compared with each other and with
 * a third, independent computation over many random cases.
 */
#include "internal.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- rounding tables per device step ------------------------------------- */

typedef struct round_case {
  int64_t num, den, step;
  infuse_rounding_t mode;
  int64_t expected;
} round_case_t;

/* Volumes in uL, steps of syringes: 0.01 mL (10 uL), 0.1 mL (100 uL),
 * 0.2 mL (200 uL), 1 mL (1000 uL); rates in uL/h, pump steps 0.01, 0.1
 * and 1 mL/h. Each expected value is worked by hand in the comment. */
static const round_case_t round_cases[] = {
    /* 35 mg / 10 mg/mL = 3500 uL: exact on every step */
    {35000000, 10000, 100, INFUSE_ROUND_NEAREST, 3500},
    {35000000, 10000, 1000, INFUSE_ROUND_NEAREST, 4000}, /* 3.5 -> 4 (tie up) */
    {35000000, 10000, 1000, INFUSE_ROUND_DOWN, 3000},
    {35000000, 10000, 1000, INFUSE_ROUND_UP, 4000},
    /* 36.2875 mg / 10 mg/mL = 3628.75 uL */
    {36287500, 10000, 100, INFUSE_ROUND_NEAREST, 3600},
    {36287500, 10000, 100, INFUSE_ROUND_DOWN, 3600},
    {36287500, 10000, 100, INFUSE_ROUND_UP, 3700},
    {36287500, 10000, 10, INFUSE_ROUND_NEAREST, 3630}, /* 362.875 -> 363 */
    {36287500, 10000, 10, INFUSE_ROUND_DOWN, 3620},
    {36287500, 10000, 200, INFUSE_ROUND_NEAREST, 3600}, /* 18.14 -> 18 */
    /* 3650 uL at a 100 uL step: tie, away from zero -> 3700 */
    {3650, 1, 100, INFUSE_ROUND_NEAREST, 3700},
    {3649, 1, 100, INFUSE_ROUND_NEAREST, 3600},
    {3651, 1, 100, INFUSE_ROUND_DOWN, 3600},
    {3601, 1, 100, INFUSE_ROUND_UP, 3700},
    {3600, 1, 100, INFUSE_ROUND_UP, 3600},
    /* rate: 103500 uL x 3600 / 2400 s = 155250 uL/h */
    {103500 * 3600, 2400, 100, INFUSE_ROUND_NEAREST, 155300},
    {103500 * 3600, 2400, 100, INFUSE_ROUND_DOWN, 155200},
    {103500 * 3600, 2400, 10, INFUSE_ROUND_NEAREST, 155250},
    {103500 * 3600, 2400, 1000, INFUSE_ROUND_NEAREST, 155000},
    /* 35 mL over 100 min: 35000 x 3600 / 6000 = 21000 uL/h */
    {35000 * 3600, 6000, 100, INFUSE_ROUND_NEAREST, 21000},
    /* 1 uL over 7 h: 1/7 uL/h -> 0 at a 100 uL/h step */
    {3600, 7 * 3600, 100, INFUSE_ROUND_NEAREST, 0},
    {3600, 7 * 3600, 100, INFUSE_ROUND_UP, 100},
    /* zero stays zero in every mode */
    {0, 5, 100, INFUSE_ROUND_UP, 0},
    {0, 5, 100, INFUSE_ROUND_NEAREST, 0},
};

START_TEST(round_table) {
  const round_case_t *c = &round_cases[_i];
  int64_t out = -1;
  ck_assert_int_eq(infuse_round_ratio(c->num, c->den, c->step, c->mode, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, c->expected);
}
END_TEST

START_TEST(round_errors) {
  int64_t out = 42;
  ck_assert_int_eq(infuse_round_ratio(1, 1, 1, INFUSE_ROUND_NEAREST, NULL),
                   INFUSE_E_NULL);
  ck_assert_int_eq(infuse_round_ratio(-1, 1, 1, INFUSE_ROUND_NEAREST, &out),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(infuse_round_ratio(1, 0, 1, INFUSE_ROUND_NEAREST, &out),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(infuse_round_ratio(1, 1, 0, INFUSE_ROUND_NEAREST, &out),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(infuse_round_ratio(1, 1, 1, (infuse_rounding_t)3, &out),
                   INFUSE_E_INVALID);
  /* INT64_MAX rounded up to a step of 10 does not fit */
  ck_assert_int_eq(infuse_round_ratio(INT64_MAX, 1, 10, INFUSE_ROUND_UP, &out),
                   INFUSE_E_RANGE);
  /* den x step beyond 64 bits */
  ck_assert_int_eq(
      infuse_round_ratio(1, INT64_MAX, INT64_MAX, INFUSE_ROUND_UP, &out),
      INFUSE_E_RANGE);
  ck_assert_int_eq(out, 42); /* untouched by every failure */
}
END_TEST

/* ---- muldiv -------------------------------------------------------------- */

START_TEST(muldiv_hand) {
  int64_t out = 0;
  /* 2^63 - 1 = 9223372036854775807; x 2 / 2 is itself (needs 128 bits) */
  ck_assert_int_eq(infuse__muldiv((uint64_t)INT64_MAX, 2u, 2u,
                                  INFUSE_ROUND_NEAREST, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, INT64_MAX);
  ck_assert_int_eq(infuse__muldiv_portable((uint64_t)INT64_MAX, 2u, 2u,
                                           INFUSE_ROUND_NEAREST, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, INT64_MAX);
  /* 10^18 x 10^3 / 10^4 = 10^17 */
  ck_assert_int_eq(infuse__muldiv(1000000000000000000u, 1000u, 10000u,
                                  INFUSE_ROUND_DOWN, &out),
                   INFUSE_OK);
  ck_assert_int_eq(out, 100000000000000000);
  /* 7 / 2 = 3.5: nearest 4, down 3, up 4; 5 / 2 ... */
  ck_assert_int_eq(infuse__muldiv(7u, 1u, 2u, INFUSE_ROUND_NEAREST, &out), 0);
  ck_assert_int_eq(out, 4);
  ck_assert_int_eq(infuse__muldiv(7u, 1u, 2u, INFUSE_ROUND_DOWN, &out), 0);
  ck_assert_int_eq(out, 3);
  ck_assert_int_eq(infuse__muldiv(7u, 1u, 3u, INFUSE_ROUND_NEAREST, &out), 0);
  ck_assert_int_eq(out, 2); /* 2.33 */
  ck_assert_int_eq(infuse__muldiv(8u, 1u, 3u, INFUSE_ROUND_NEAREST, &out), 0);
  ck_assert_int_eq(out, 3); /* 2.67 */
  ck_assert_int_eq(infuse__muldiv(7u, 1u, 3u, INFUSE_ROUND_UP, &out), 0);
  ck_assert_int_eq(out, 3);
  /* results past INT64_MAX are refused; division by zero too */
  out = 5;
  ck_assert_int_eq(infuse__muldiv(UINT64_MAX, UINT64_MAX, 1u,
                                  INFUSE_ROUND_DOWN, &out),
                   INFUSE_E_RANGE);
  ck_assert_int_eq(infuse__muldiv_portable(UINT64_MAX, UINT64_MAX, 1u,
                                           INFUSE_ROUND_DOWN, &out),
                   INFUSE_E_RANGE);
  ck_assert_int_eq(infuse__muldiv((uint64_t)INT64_MAX + 1u, 1u, 1u,
                                  INFUSE_ROUND_DOWN, &out),
                   INFUSE_E_RANGE);
  ck_assert_int_eq(infuse__muldiv(1u, 1u, 0u, INFUSE_ROUND_DOWN, &out),
                   INFUSE_E_INVALID);
  ck_assert_int_eq(out, 5);
}
END_TEST

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_u64(void) {
  /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* A number with a random bit length, so small and large values both occur. */
static uint64_t random_operand(void) {
  unsigned bits = (unsigned)(next_u64() % 64u) + 1u;
  uint64_t v = next_u64();
  return bits == 64 ? v : v & ((UINT64_C(1) << bits) - 1u);
}

/* Independent reference: schoolbook on 16-bit limbs. */
static void ref_mul(uint64_t a, uint64_t b, uint32_t limbs[8]) {
  uint32_t x[4], y[4];
  for (int i = 0; i < 4; i++) {
    x[i] = (uint32_t)((a >> (16 * i)) & 0xffffu);
    y[i] = (uint32_t)((b >> (16 * i)) & 0xffffu);
  }
  uint64_t acc[8] = {0};
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 4; j++) {
      acc[i + j] += (uint64_t)x[i] * y[j];
    }
  }
  uint64_t carry = 0;
  for (int k = 0; k < 8; k++) {
    uint64_t v = acc[k] + carry;
    limbs[k] = (uint32_t)(v & 0xffffu);
    carry = v >> 16;
  }
}

/* Divide the 128-bit number in 16-bit limbs by c, bit by bit. */
static void ref_divmod(const uint32_t limbs[8], uint64_t c, uint64_t *q_hi,
                       uint64_t *q_lo, uint64_t *r) {
  uint64_t rem = 0;
  *q_hi = 0;
  *q_lo = 0;
  for (int bit = 127; bit >= 0; bit--) {
    uint32_t b = (limbs[bit / 16] >> (bit % 16)) & 1u;
    int top = (rem >> 63) != 0;
    rem = (rem << 1) | b;
    *q_hi = (*q_hi << 1) | (*q_lo >> 63);
    *q_lo <<= 1;
    if (top || rem >= c) {
      rem -= c;
      *q_lo |= 1u;
    }
  }
  *r = rem;
}

START_TEST(muldiv_random_agree) {
  for (int n = 0; n < 20000; n++) {
    uint64_t a = random_operand(), b = random_operand();
    uint64_t c = random_operand();
    if (c == 0) {
      c = 1;
    }
    infuse_rounding_t mode = (infuse_rounding_t)(next_u64() % 3u);
    uint32_t limbs[8];
    uint64_t qh, ql, r;
    ref_mul(a, b, limbs);
    ref_divmod(limbs, c, &qh, &ql, &r);
    int expect_rc = INFUSE_OK;
    uint64_t q = ql;
    bool bump = (mode == INFUSE_ROUND_UP && r != 0) ||
                (mode == INFUSE_ROUND_NEAREST && r >= c - r);
    if (qh != 0 || (bump && q == UINT64_MAX)) {
      expect_rc = INFUSE_E_RANGE;
    } else {
      q += bump ? 1u : 0u;
      if (q > (uint64_t)INT64_MAX) {
        expect_rc = INFUSE_E_RANGE;
      }
    }
    int64_t fast = -7, portable = -7;
    int rc1 = infuse__muldiv(a, b, c, mode, &fast);
    int rc2 = infuse__muldiv_portable(a, b, c, mode, &portable);
    ck_assert_int_eq(rc1, expect_rc);
    ck_assert_int_eq(rc2, expect_rc);
    if (expect_rc == INFUSE_OK) {
      ck_assert_int_eq(fast, (int64_t)q);
      ck_assert_int_eq(portable, (int64_t)q);
    } else {
      ck_assert_int_eq(fast, -7);
      ck_assert_int_eq(portable, -7);
    }
  }
}
END_TEST

static Suite *arith_suite(void) {
  Suite *s = suite_create("arith");
  TCase *core = tcase_create("core");
  tcase_add_loop_test(core, round_table, 0,
                      (int)(sizeof round_cases / sizeof round_cases[0]));
  tcase_add_test(core, muldiv_hand);
  tcase_add_test(core, muldiv_random_agree);
  suite_add_tcase(s, core);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, round_errors);
  suite_add_tcase(s, errors);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(arith_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
