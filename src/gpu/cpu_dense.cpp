// SPDX-License-Identifier: MIT
// A dense layer over a block of pixels held feature-major (a value's row is its feature, its
// column the pixel), one pixel per lane of an AVX-512 register. Each weight is broadcast once
// and multiplies 16 pixels; eight outputs' sums stay in registers while the inputs stream
// through. No packing and no transposes. Measured with `nnlive bench field` against OpenBLAS's
// sgemm on the same blocks (its AVX-512 kernels): faster for every width nnlive allows, 1.7x
// for 2-24-24-1 and 1.1x for 2-512-512-1. The same code for AVX2 (8 lanes) was no faster than
// OpenBLAS's AVX2 kernels on small layers and 1.3x slower on wide ones, so without AVX-512 the
// engine keeps OpenBLAS (dense_feature_major_available). This file is compiled with
// -ffp-contract=fast: products and sums fuse into FMA.
#include "nnlive/gpu/cpu_dense.hpp"

#include <cstring>

namespace nnlive::gpu {
namespace {

template <int N>
struct Vec {
  typedef float type __attribute__((vector_size(N * sizeof(float))));
};

// (Unaligned: a row of a block starts anywhere.)
template <typename V>
[[gnu::always_inline]] inline void load(V& v, const float* p) {
  std::memcpy(&v, p, sizeof v);
}
template <typename V>
[[gnu::always_inline]] inline void store(float* p, const V& v) {
  std::memcpy(p, &v, sizeof v);
}

// Outputs [j0, j0 + J) for the pixel columns [p0, p0 + C·lanes).
template <int L, int J, int C>
[[gnu::always_inline]] inline void tile(const float* w, const float* bias, const float* a, float* z, std::size_t in,
                                        std::size_t pixels, std::size_t j0, std::size_t p0) {
  using V = typename Vec<L>::type;
  V acc[J][C];
  for (int j = 0; j < J; ++j)
    for (int c = 0; c < C; ++c) acc[j][c] = V{} + bias[j0 + j];
  const float* wj = w + j0 * in;
  for (std::size_t k = 0; k < in; ++k) {
    V x[C];
    for (int c = 0; c < C; ++c) load(x[c], a + k * pixels + p0 + std::size_t(c) * L);
    for (int j = 0; j < J; ++j) {
      const float wk = wj[std::size_t(j) * in + k];
      for (int c = 0; c < C; ++c) acc[j][c] += wk * x[c];
    }
  }
  for (int j = 0; j < J; ++j)
    for (int c = 0; c < C; ++c) store(z + (j0 + j) * pixels + p0 + std::size_t(c) * L, acc[j][c]);
}

// Eight outputs by one vector of pixels (eight sums in registers and one input vector); the
// outputs left over go four, then one at a time over four vectors, so that a lone output (the
// last layer's) still has four sums in flight.
template <int L>
[[gnu::always_inline]] inline void dense(const float* w, const float* bias, const float* a, float* z, std::size_t in,
                                         std::size_t out, std::size_t pixels) {
  for (std::size_t p = 0; p < pixels; p += L) {
    std::size_t j = 0;
    for (; j + 8 <= out; j += 8) tile<L, 8, 1>(w, bias, a, z, in, pixels, j, p);
    for (; j + 4 <= out; j += 4) tile<L, 4, 1>(w, bias, a, z, in, pixels, j, p);
  }
  const std::size_t rest = out % 4;
  if (rest == 0) return;
  std::size_t p = 0;
  for (; p + 4 * L <= pixels; p += 4 * L)
    for (std::size_t j = out - rest; j < out; ++j) tile<L, 1, 4>(w, bias, a, z, in, pixels, j, p);
  for (; p < pixels; p += L)
    for (std::size_t j = out - rest; j < out; ++j) tile<L, 1, 1>(w, bias, a, z, in, pixels, j, p);
}

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
bool dense_feature_major_available() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

__attribute__((target("avx512f"))) void dense_feature_major(const float* w, const float* bias, const float* a, float* z,
                                                             std::size_t in, std::size_t out, std::size_t pixels) {
  dense<16>(w, bias, a, z, in, out, pixels);
}
#else
bool dense_feature_major_available() { return false; }

void dense_feature_major(const float*, const float*, const float*, float*, std::size_t, std::size_t, std::size_t) {}
#endif

}  // namespace nnlive::gpu
