// SPDX-License-Identifier: MIT
// field_common.glsl: what both field kernels (field.comp, field_tiled.comp) share: the bindings
// (weights from a uniform buffer, fast everywhere and 64 KiB, or with WEIGHTS_SSBO defined from a
// storage buffer for larger networks), pixel centres, activations and input features, by the
// codes in nnlive/gpu/field_shared.h.

layout(std140, set = 0, binding = 0) uniform ParamsBlock { FieldParams p; };

#ifdef WEIGHTS_SSBO
layout(std430, set = 0, binding = 1) readonly buffer WeightsBlock { vec4 w[]; };
#else
layout(std140, set = 0, binding = 1) uniform WeightsBlock { vec4 w[FIELD_UBO_VEC4S]; };
#endif
// Weights are read as vec4s in both placements (the storage buffer is padded to 16 bytes).
float weight(uint i) { return w[i >> 2][i & 3u]; }

// (H, W, channels) row-major, row 0 at the top of the view.
layout(std430, set = 0, binding = 2) writeonly buffer FieldBlock { float field[]; };

// The centre of pixel (px, py) in data units; row 0 is the top of the view.
vec2 pixel_centre(uint px, uint py) {
  return vec2(p.view.x + (float(px) + 0.5) * (p.view.z - p.view.x) / float(p.size.x),
              p.view.w - (float(py) + 0.5) * (p.view.w - p.view.y) / float(p.size.y));
}

// tanh from exp(-2|z|): finite for every z (exp(2z) / exp(2z) overflows to NaN).
float safe_tanh(float z) {
  float t = exp(-2.0 * abs(z));
  return sign(z) * (1.0 - t) / (1.0 + t);
}

float activate(uint code, float z) {
  switch (code) {
    case FIELD_ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));                     // sigmoid
    case FIELD_ACT_TANH: return safe_tanh(z);                             // tanh
    case FIELD_ACT_RELU: return max(z, 0.0);                              // relu
    case FIELD_ACT_LEAKY_RELU: return z > 0.0 ? z : 0.01 * z;                   // leaky_relu
    case FIELD_ACT_GELU: return 0.5 * z * (1.0 + safe_tanh(0.7978845608 * (z + 0.044715 * z * z * z)));  // gelu
    case FIELD_ACT_SIN: return sin(z);                                   // sin
    default: return z;                                        // linear (softmax handled per layer)
  }
}

vec4 activate4(uint code, vec4 z) {
  return vec4(activate(code, z.x), activate(code, z.y), activate(code, z.z), activate(code, z.w));
}

float raw_feature(uint code, float x, float y) {
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
