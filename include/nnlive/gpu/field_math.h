// SPDX-License-Identifier: MIT
// The field's activations and input features, written once for GLSL (the field kernels, through
// field_common.glsl) and for C++ (the fp16 kernel's CPU reference, field_fp16.cpp), by the codes
// of field_shared.h. Only what both languages read the same way: float literals with f, the
// functions GLSL has built in (C++ takes std's; sign is defined below).
#ifndef NNLIVE_GPU_FIELD_MATH_H
#define NNLIVE_GPU_FIELD_MATH_H
#include "nnlive/gpu/field_shared.h"

#ifdef __cplusplus
#include <algorithm>
#include <cmath>
namespace nnlive::gpu::shared {
using std::abs;
using std::exp;
using std::max;
using std::sin;
inline float sign(float v) { return v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : 0.0f; }
#define FIELD_FUNCTION inline
#else
#define FIELD_FUNCTION
#endif

// tanh from exp(-2|z|): finite for every z (exp(2z) / exp(2z) overflows to NaN).
FIELD_FUNCTION float safe_tanh(float z) {
  float t = exp(-2.0f * abs(z));
  return sign(z) * (1.0f - t) / (1.0f + t);
}

// Softmax is applied across a layer by the caller; here it is the identity, as linear.
FIELD_FUNCTION float activate(uint code, float z) {
  switch (code) {
    case FIELD_ACT_SIGMOID: return 1.0f / (1.0f + exp(-z));
    case FIELD_ACT_TANH: return safe_tanh(z);
    case FIELD_ACT_RELU: return max(z, 0.0f);
    case FIELD_ACT_LEAKY_RELU: return z > 0.0f ? z : 0.01f * z;
    case FIELD_ACT_GELU: return 0.5f * z * (1.0f + safe_tanh(0.7978845608f * (z + 0.044715f * z * z * z)));
    case FIELD_ACT_SIN: return sin(z);
    default: return z;
  }
}

// Input feature `code` at the point (x, y), before its offset and scale.
FIELD_FUNCTION float raw_feature(uint code, float x, float y) {
  switch (code) {
    case FIELD_FEATURE_X: return x;
    case FIELD_FEATURE_Y: return y;
    case FIELD_FEATURE_X2: return x * x;
    case FIELD_FEATURE_Y2: return y * y;
    case FIELD_FEATURE_XY: return x * y;
    case FIELD_FEATURE_SIN_X: return sin(x);
    default: return sin(y);
  }
}

#ifdef __cplusplus
}  // namespace nnlive::gpu::shared
#endif

#endif
