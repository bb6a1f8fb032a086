// SPDX-License-Identifier: MIT
// field_common.glsl: what both field kernels (field.comp, field_tiled.comp) share: the bindings
// (weights from a uniform buffer, fast everywhere and 64 KiB, or with WEIGHTS_SSBO defined from a
// storage buffer for larger networks), pixel centres, and the activations and input features of
// nnlive/gpu/field_math.h, by the codes in nnlive/gpu/field_shared.h.

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

#include "nnlive/gpu/field_math.h"  // safe_tanh, activate, raw_feature

vec4 activate4(uint code, vec4 z) {
  return vec4(activate(code, z.x), activate(code, z.y), activate(code, z.z), activate(code, z.w));
}
