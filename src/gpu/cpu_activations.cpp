// SPDX-License-Identifier: MIT
// (No templates or library inline functions here: each function is compiled once per target, and
// an inline function shared with other files, compiled here for AVX-512, could be linked into
// their baseline code. tanh_approx has internal linkage.)
#include "nnlive/gpu/cpu_activations.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

// Not under ThreadSanitizer: the clones' resolvers run while the dynamic loader relocates, before
// its runtime starts, and its instrumentation of them crashes the program at once.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define NNLIVE_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define NNLIVE_CLONES
#endif

namespace nnlive::gpu {
namespace {

// tanh |x| = 1 − 2 / (e^{2|x|} + 1), with the sign of x put back (so tanh is exactly odd and
// tanh 0 = 0). e^{2|x|} = 2^t, t = 2|x| / ln 2, is 2^k (an integer k, built in the exponent's
// bits) times 2^f for f = t − k in [−1/2, 1/2], a polynomial fitted here (weighted least squares,
// Lawson's reweighting, constant term 1: relative error 1.1e-7 with float coefficients). Within
// 1.5e-7 of tanh everywhere in float32, |tanh| ≤ 1, NaN stays NaN. It replaced a rational
// approximation (x·P(x²)/Q(x²), 11 multiplies): 0.23 ns a value against 0.34-0.42 on one core
// with AVX-512, and half the field's host time on tanh networks had been its tanh.
constexpr float k_clamp = 9.0f;                    // beyond it, float32 tanh is ±1
constexpr float k_two_over_ln2 = 2.88539008177792681f;
constexpr float k_round = 12582912.0f;             // 1.5 · 2^23: t + k_round rounds t to an integer
constexpr float e1 = 6.931469780e-01f, e2 = 2.402224291e-01f, e3 = 5.550733673e-02f, e4 = 9.671460984e-03f,
                e5 = 1.326456599e-03f;

// Inlined into each target's clone (a call would stop the loops from being vectorised).
[[gnu::always_inline]] inline float tanh_approx(float x) {
  const float a = std::fabs(x);
  const float c = a > k_clamp ? k_clamp : a;  // (a select, which vectorises; NaN stays NaN)
  const float t = c * k_two_over_ln2;
  const float r = t + k_round;
  const float f = t - (r - k_round);
  const float p = ((((e5 * f + e4) * f + e3) * f + e2) * f + e1) * f + 1.0f;
  // 2^k: k sits in r's low mantissa bits; k ≤ 26, so 2^k is a normal float.
  const float two_k = std::bit_cast<float>((std::bit_cast<std::uint32_t>(r) - std::bit_cast<std::uint32_t>(k_round) + 127u) << 23);
  return std::copysign(1.0f - 2.0f / (p * two_k + 1.0f), x);
}

[[gnu::always_inline]] inline float sigmoid_approx(float x) { return 0.5f + 0.5f * tanh_approx(0.5f * x); }

[[gnu::always_inline]] inline float gelu_approx(float x) {
  return 0.5f * x * (1.0f + tanh_approx(0.7978845608f * (x + 0.044715f * x * x * x)));
}

}  // namespace

// (Two loops each, with and without `add`, so that both vectorise.)
NNLIVE_CLONES void tanh_in_place(float* z, std::size_t n, const float* add) {
  if (add) for (std::size_t i = 0; i < n; ++i) z[i] = tanh_approx(z[i] + add[i]);
  else for (std::size_t i = 0; i < n; ++i) z[i] = tanh_approx(z[i]);
}

NNLIVE_CLONES void sigmoid_in_place(float* z, std::size_t n, const float* add) {
  if (add) for (std::size_t i = 0; i < n; ++i) z[i] = sigmoid_approx(z[i] + add[i]);
  else for (std::size_t i = 0; i < n; ++i) z[i] = sigmoid_approx(z[i]);
}

NNLIVE_CLONES void gelu_in_place(float* z, std::size_t n, const float* add) {
  if (add) for (std::size_t i = 0; i < n; ++i) z[i] = gelu_approx(z[i] + add[i]);
  else for (std::size_t i = 0; i < n; ++i) z[i] = gelu_approx(z[i]);
}

NNLIVE_CLONES void add_in_place(float* z, std::size_t n, const float* add) {
  for (std::size_t i = 0; i < n; ++i) z[i] += add[i];
}

}  // namespace nnlive::gpu
