// SPDX-License-Identifier: MIT
// The CPU field engine's smooth activations, in place over n values: tanh, and sigmoid and GELU
// through it. One approximation of tanh, 1 − 2 / (e^{2|x|} + 1) with the sign of x, e^{2|x|} as
// 2^k times a polynomial in the fraction (beyond |x| = 9, float32 tanh is ±1): within 1.5e-7 of
// tanh everywhere in float32, exactly odd, with |tanh| ≤ 1. Plain loops that the
// compiler vectorises; each is built for AVX-512, AVX2 and the x86-64 baseline, and the
// loader picks the best the processor has (GCC target_clones), so one binary runs anywhere.
#pragma once
#include <cstddef>

namespace nnlive::gpu {

// Each of z[i] + add[i] when `add` is given (a layer's bias, tiled over its rows: added in the
// same pass), else of z[i].
void tanh_in_place(float* z, std::size_t n, const float* add = nullptr);
void sigmoid_in_place(float* z, std::size_t n, const float* add = nullptr);  // 1 / (1 + e^−z) = (1 + tanh(z / 2)) / 2
void gelu_in_place(float* z, std::size_t n, const float* add = nullptr);     // z (1 + tanh(√(2/π) (z + 0.044715 z³))) / 2, as field.comp
void add_in_place(float* z, std::size_t n, const float* add);              // z[i] + add[i] (no activation)

}  // namespace nnlive::gpu
