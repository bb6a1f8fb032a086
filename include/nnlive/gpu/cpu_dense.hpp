// SPDX-License-Identifier: MIT
// The CPU field engine's own layer kernel (cpu_dense.cpp): a dense layer over a block of pixels
// held feature-major, one pixel per lane of an AVX-512 register.
#pragma once
#include <cstddef>

namespace nnlive::gpu {

// Whether this processor has AVX-512 (the kernel's instructions); without it, the engine uses
// OpenBLAS and must not call dense_feature_major.
bool dense_feature_major_available();

// z (out × pixels) = W (out × in, row-major) · a (in × pixels) + bias (one per output), every
// matrix row-major: row k of `a` holds input k of each pixel. `pixels` must be a multiple of 16.
void dense_feature_major(const float* w, const float* bias, const float* a, float* z, std::size_t in, std::size_t out,
                         std::size_t pixels);

}  // namespace nnlive::gpu
