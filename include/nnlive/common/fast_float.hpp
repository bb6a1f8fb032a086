// SPDX-License-Identifier: MIT
// 2^t and log2 x in float32 as plain arithmetic, for loops over many values that the compiler
// vectorises (a call into libm stops it): the CPU field engine's activations and the host's
// colouring of a field view. Everything here has internal linkage and is always inlined: a
// file that builds its loops for several targets (NNLIVE_CLONES) then gets each target's own
// copy, where an inline function shared between files could be linked, compiled for AVX-512,
// into another file's baseline code.
#pragma once
#include <bit>
#include <cstdint>

// Builds a function for AVX-512, AVX2 and the x86-64 baseline; the loader picks the best the
// processor has (GCC target_clones), so one binary runs anywhere. Not under ThreadSanitizer: the
// clones' resolvers run while the dynamic loader relocates, before its runtime starts, and its
// instrumentation of them crashes the program at once.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define NNLIVE_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define NNLIVE_CLONES
#endif

namespace nnlive {
namespace {  // (internal linkage, on purpose: see above)

namespace fast_float_detail {
constexpr float k_round = 12582912.0f;  // 1.5 · 2^23: t + k_round rounds t to an integer
// 2^f for f in [−1/2, 1/2]: a polynomial fitted by weighted least squares (Lawson's reweighting,
// constant term 1): relative error 1.1e-7 with float coefficients.
constexpr float e1 = 6.931469780e-01f, e2 = 2.402224291e-01f, e3 = 5.550733673e-02f, e4 = 9.671460984e-03f,
                e5 = 1.326456599e-03f;
// 2 / ((2i + 1) ln 2): log2 m = 2 atanh(s) / ln 2 with s = (m − 1) / (m + 1), |s| ≤ 0.1716.
constexpr float l1 = 2.885390082f, l3 = 0.9617966940f, l5 = 0.5770780164f, l7 = 0.4121985831f;
constexpr std::uint32_t k_sqrt_half = 0x3f3504f3u;  // the bits of √½
}  // namespace fast_float_detail

// 2^t for t in [−126, 127] (no check: a caller clamps): 2^k, an integer k built in the
// exponent's bits, times the polynomial at the fraction f = t − k. Relative error 1.1e-7.
[[gnu::always_inline]] inline float exp2_approx(float t) {
  using namespace fast_float_detail;
  const float r = t + k_round;
  const float f = t - (r - k_round);
  const float p = ((((e5 * f + e4) * f + e3) * f + e2) * f + e1) * f + 1.0f;
  // k sits in r's low mantissa bits (two's complement, so a negative k wraps back in the sum).
  const float two_k = std::bit_cast<float>((std::bit_cast<std::uint32_t>(r) - std::bit_cast<std::uint32_t>(k_round) + 127u) << 23);
  return p * two_k;
}

// log2 x for a positive, finite x: the exponent e and a mantissa m in [√½, √2) (x = m 2^e),
// and log2 m as 2 atanh((m − 1) / (m + 1)) / ln 2 to the s⁷ term. Within 5e-8 of log2 m;
// 0 and subnormals give about −127 rather than −∞ (a value no caller distinguishes).
[[gnu::always_inline]] inline float log2_approx(float x) {
  using namespace fast_float_detail;
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const std::int32_t e = std::int32_t(bits - k_sqrt_half) >> 23;  // (an arithmetic shift: floor)
  const float m = std::bit_cast<float>(bits - (std::uint32_t(e) << 23));
  const float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  return float(e) + s * (((l7 * s2 + l5) * s2 + l3) * s2 + l1);
}

}  // namespace
}  // namespace nnlive
