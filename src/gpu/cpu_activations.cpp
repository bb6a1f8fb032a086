// SPDX-License-Identifier: MIT
// (No templates or library inline functions here: each function is compiled once per target, and
// an inline function shared with other files, compiled here for AVX-512, could be linked into
// their baseline code. tanh_approx and fast_float.hpp's functions have internal linkage.)
#include "nnlive/gpu/cpu_activations.hpp"

#include <cmath>

#include "nnlive/common/fast_float.hpp"

namespace nnlive::gpu {
namespace {

// tanh |x| = 1 − 2 / (e^{2|x|} + 1), with the sign of x put back (so tanh is exactly odd and
// tanh 0 = 0). e^{2|x|} = 2^t, t = 2|x| / ln 2 (exp2_approx: 2^k built in the exponent's bits
// times a polynomial in the fraction). Within 1.5e-7 of tanh everywhere in float32, |tanh| ≤ 1,
// NaN stays NaN. It replaced a rational approximation (x·P(x²)/Q(x²), 11 multiplies): 0.23 ns a
// value against 0.34-0.42 on one core with AVX-512, and half the field's host time on tanh
// networks had been its tanh.
constexpr float k_clamp = 9.0f;  // beyond it, float32 tanh is ±1
constexpr float k_two_over_ln2 = 2.88539008177792681f;

// Inlined into each target's clone (a call would stop the loops from being vectorised).
[[gnu::always_inline]] inline float tanh_approx(float x) {
  const float a = std::fabs(x);
  const float c = a > k_clamp ? k_clamp : a;  // (a select, which vectorises; NaN stays NaN)
  return std::copysign(1.0f - 2.0f / (exp2_approx(c * k_two_over_ln2) + 1.0f), x);
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
