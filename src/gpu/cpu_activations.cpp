// SPDX-License-Identifier: MIT
// (No templates or library inline functions here: each function is compiled once per target, and
// an inline function shared with other files, compiled here for AVX-512, could be linked into
// their baseline code. tanh_approx has internal linkage.)
#include "nnlive/gpu/cpu_activations.hpp"

// Not under ThreadSanitizer: the clones' resolvers run while the dynamic loader relocates, before
// its runtime starts, and its instrumentation of them crashes the program at once.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define NNLIVE_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define NNLIVE_CLONES
#endif

namespace nnlive::gpu {
namespace {

// Fitted here (weighted linearised least squares on [0, 7.905], Q kept positive); in float32
// the largest error against tanh is 3.3e-7, at |x| ≈ 6.
constexpr float k_clamp = 7.90531110763549805f;
constexpr float p0 = 9.999999927e-01f, p1 = 1.312515569e-01f, p2 = 3.150332848e-03f, p3 = 1.165490698e-05f,
                p4 = -2.238375198e-08f, p5 = 6.412638210e-11f, p6 = -1.173496588e-13f;
constexpr float q1 = 4.645848566e-01f, q2 = 2.467866354e-02f, q3 = 2.614511742e-04f;

// Inlined into each target's clone (a call would stop the loops from being vectorised).
[[gnu::always_inline]] inline float tanh_approx(float x) {
  float c = x > k_clamp ? k_clamp : x;  // (two selects, which vectorise; NaN stays NaN)
  c = c < -k_clamp ? -k_clamp : c;
  const float s = c * c;
  const float p = (((((p6 * s + p5) * s + p4) * s + p3) * s + p2) * s + p1) * s + p0;
  const float q = ((q3 * s + q2) * s + q1) * s + 1.0f;
  return c * p / q;
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
