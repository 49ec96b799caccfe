/*
 * rng.c - counter-based random numbers for the simulations.
 *
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as
 * easy as 1, 2, 3", SC'11): ten rounds of two 32x32->64 multiplications
 * with a Weyl-sequence key schedule. The output is a pure function of the
 * counter and the key, so a simulation can ask for draw d of patient p
 * directly, in any order, on any shard.
 */
#include "internal.h"

#include "infuse.h"

enum {
  PHILOX_ROUNDS = 10
};

static const uint32_t PHILOX_M0 = 0xD2511F53u;
static const uint32_t PHILOX_M1 = 0xCD9E8D57u;
static const uint32_t PHILOX_W0 = 0x9E3779B9u; /* golden ratio */
static const uint32_t PHILOX_W1 = 0xBB67AE85u; /* sqrt(3) - 1 */

infuse_philox_block_t infuse_philox4x32(const uint32_t counter[4],
                                        const uint32_t key[2]) {
  uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < PHILOX_ROUNDS; ++r) {
    uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
    uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  infuse_philox_block_t out = {{c0, c1, c2, c3}};
  return out;
}

double infuse_sim_uniform(uint64_t seed, uint64_t patient, uint32_t stream,
                          uint32_t draw) {
  const uint32_t ctr[4] = {(uint32_t)patient, (uint32_t)(patient >> 32), draw,
                           stream};
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  infuse_philox_block_t b = infuse_philox4x32(ctr, key);
  /* 53 bits: 32 from v[0] and the top 21 of v[1]. Exact in a double. */
  uint64_t bits = ((uint64_t)b.v[0] << 21) | (uint64_t)(b.v[1] >> 11);
  return (double)bits * 0x1.0p-53;
}
