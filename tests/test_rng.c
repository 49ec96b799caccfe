/*
 * test_rng.c - the counter-based generator behind the simulations.
 *
 * Philox4x32-10 against the three known-answer vectors published with
 * Random123 (tests/kat_vectors, the "philox4x32 10" lines), and the uniform
 * draw's documented bit layout and range. Nothing here was copied from the
 * library's output.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>

#include <infuse.h>

typedef struct kat {
  uint32_t ctr[4];
  uint32_t key[2];
  uint32_t out[4];
} kat_t;

static const kat_t KATS[] = {
    {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

START_TEST(philox_known_answers) {
  const kat_t *k = &KATS[_i];
  infuse_philox_block_t b = infuse_philox4x32(k->ctr, k->key);
  for (int w = 0; w < 4; w++) {
    ck_assert_msg(b.v[w] == k->out[w], "vector %d word %d: %08x, want %08x",
                  _i, w, (unsigned)b.v[w], (unsigned)k->out[w]);
  }
}
END_TEST

/* The uniform is the documented function of one Philox block: counter
 * (patient low, patient high, draw, stream), key (seed low, seed high), 32
 * bits of v[0] then the top 21 of v[1], scaled by 2^-53. */
START_TEST(uniform_layout) {
  const uint64_t seeds[] = {0, 1, 0x0123456789abcdefULL, UINT64_MAX};
  const uint64_t patients[] = {0, 7, 0x100000000ULL, UINT64_MAX - 3};
  for (size_t s = 0; s < 4; s++) {
    for (size_t p = 0; p < 4; p++) {
      for (uint32_t d = 0; d < 5; d++) {
        uint32_t ctr[4] = {(uint32_t)(patients[p] & 0xffffffffu),
                           (uint32_t)(patients[p] >> 32), d, 3};
        uint32_t key[2] = {(uint32_t)(seeds[s] & 0xffffffffu),
                           (uint32_t)(seeds[s] >> 32)};
        infuse_philox_block_t b = infuse_philox4x32(ctr, key);
        double want = ldexp((double)b.v[0], -32) +
                      ldexp((double)(b.v[1] >> 11), -53);
        double got = infuse_sim_uniform(seeds[s], patients[p], 3, d);
        ck_assert_msg(got == want, "seed %zu patient %zu draw %u", s, p, d);
        ck_assert(got >= 0.0 && got < 1.0);
      }
    }
  }
}
END_TEST

/* Spread: 100,000 draws in 20 bins. The chi-square statistic with 19
 * degrees of freedom exceeds 43.8 with probability 0.001; the mean of
 * uniforms has standard error 1/sqrt(12 n) = 0.00091, checked at 5 sigma.
 * The draws are fixed, so the test is deterministic. */
START_TEST(uniform_spread) {
  enum { N = 100000, BINS = 20 };
  long bins[BINS] = {0};
  double sum = 0;
  for (uint32_t i = 0; i < N; i++) {
    double u = infuse_sim_uniform(2026, i / 4, 1, i % 4);
    sum += u;
    bins[(int)(u * BINS)]++;
  }
  double chi2 = 0, e = (double)N / BINS;
  for (int b = 0; b < BINS; b++) {
    chi2 += ((double)bins[b] - e) * ((double)bins[b] - e) / e;
  }
  ck_assert_msg(chi2 < 43.8, "chi-square %g", chi2);
  ck_assert_msg(fabs(sum / N - 0.5) < 5 * 0.00091, "mean %g", sum / N);
}
END_TEST

/* Neighbouring keys, counters and streams give unrelated values. */
START_TEST(uniform_independent_inputs) {
  double base = infuse_sim_uniform(1, 1, 1, 1);
  ck_assert(base != infuse_sim_uniform(2, 1, 1, 1));
  ck_assert(base != infuse_sim_uniform(1, 2, 1, 1));
  ck_assert(base != infuse_sim_uniform(1, 1, 2, 1));
  ck_assert(base != infuse_sim_uniform(1, 1, 1, 2));
  ck_assert(base != infuse_sim_uniform(1, 1ULL << 32 | 1, 1, 1));
  ck_assert(base != infuse_sim_uniform(1ULL << 32 | 1, 1, 1, 1));
  ck_assert(base == infuse_sim_uniform(1, 1, 1, 1));
}
END_TEST

int main(void) {
  Suite *s = suite_create("rng");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, philox_known_answers, 0,
                      (int)(sizeof KATS / sizeof KATS[0]));
  tcase_add_test(tc, uniform_layout);
  tcase_add_test(tc, uniform_spread);
  tcase_add_test(tc, uniform_independent_inputs);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
