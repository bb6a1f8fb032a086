// SPDX-License-Identifier: MIT
// field.comp: the network's forward pass at the centre of every pixel of a W x H grid.
// One invocation per pixel, each holding a whole layer's activations: the kernel for narrow
// networks (field_tiled.comp takes wide ones). Bindings and shared code: field_common.glsl.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/gpu/field_shared.h"

layout(local_size_x = FIELD_LOCAL_SIZE, local_size_y = FIELD_LOCAL_SIZE) in;

// Widest layer (inputs included) this pipeline handles; sizes the per-pixel activation arrays.
layout(constant_id = 0) const uint MAX_WIDTH = 32;

#include "field_common.glsl"

void main() {
  const uvec2 px = gl_GlobalInvocationID.xy;
  if (px.x >= p.size.x || px.y >= p.size.y) return;
  const vec2 centre = pixel_centre(px.x, px.y);
  const float x = centre.x, y = centre.y;

  // Activations as vec4s: a[i] is component i & 3 of a4[i >> 2]. Whole vec4s move at once, so
  // the aligned path below loads one activation vec4 per 16 multiply-adds.
  vec4 a4[MAX_WIDTH / 4u];
  vec4 b4[MAX_WIDTH / 4u];
  const uint n_in = p.size.w;
  a4[0] = vec4(0.0);
  a4[1] = vec4(0.0);
  for (uint i = 0; i < n_in; ++i) {
    const uint q = i >> 2, r = i & 3u;
    a4[q][r] = (raw_feature(p.features[q][r], x, y) - p.feature_offset[q][r]) * p.feature_scale[q][r];
  }

  const uint channels = p.mode.y;
  const uint base = (px.y * p.size.x + px.x) * channels;
  const uint last = p.mode.x == FIELD_MODE_NEURON ? p.mode.z : p.mode.x == FIELD_MODE_HIDDEN ? p.size.z - 2u : p.size.z - 1u;
  uint written = 0u;  // FIELD_MODE_HIDDEN: channels written so far
  for (uint l = 0; l <= last; ++l) {
    const uvec4 d = p.layers[l].dims;  // in, out, weight offset, bias offset
    const uint code = p.layers[l].act.x;
    const uint in4 = (d.x + 3u) >> 2;
    if ((d.z & 3u) == 0u && (d.x & 3u) == 0u && (d.y & 3u) == 0u) {
      // Rows start on vec4s and outputs come in fours: four rows share each activation load.
      const uint rows = d.z >> 2;
      for (uint j4 = 0; j4 < (d.y >> 2); ++j4) {
        vec4 s = vec4(weight(d.w + 4u * j4), weight(d.w + 4u * j4 + 1u), weight(d.w + 4u * j4 + 2u), weight(d.w + 4u * j4 + 3u));
        const uint r0 = rows + 4u * j4 * in4;
        for (uint k = 0; k < in4; ++k) {
          const vec4 av = a4[k];
          s += vec4(dot(w[r0 + k], av), dot(w[r0 + in4 + k], av), dot(w[r0 + 2u * in4 + k], av), dot(w[r0 + 3u * in4 + k], av));
        }
        b4[j4] = s;
      }
    } else {
      for (uint j = 0; j < d.y; ++j) {
        float s = weight(d.w + j);
        const uint row = d.z + j * d.x;
        for (uint i = 0; i < d.x; ++i) s += weight(row + i) * a4[i >> 2][i & 3u];
        b4[j >> 2][j & 3u] = s;
      }
    }
    const uint out4 = (d.y + 3u) >> 2;
    if (code == FIELD_ACT_SOFTMAX) {  // softmax across the layer
      float m = b4[0][0];
      for (uint j = 1; j < d.y; ++j) m = max(m, b4[j >> 2][j & 3u]);
      float total = 0.0;
      for (uint j = 0; j < d.y; ++j) total += exp(b4[j >> 2][j & 3u] - m);
      for (uint j = 0; j < d.y; ++j) a4[j >> 2][j & 3u] = exp(b4[j >> 2][j & 3u] - m) / total;
    } else {
      for (uint k = 0; k < out4; ++k) a4[k] = activate4(code, b4[k]);
    }
    // Unused lanes of the last vec4 must be 0 for the next layer's padded reads.
    for (uint j = d.y; j < 4u * out4; ++j) a4[j >> 2][j & 3u] = 0.0;
    if (p.mode.x == FIELD_MODE_HIDDEN) {
      for (uint j = 0; j < d.y; ++j) field[base + written + j] = a4[j >> 2][j & 3u];
      written += d.y;
    }
  }

  if (p.mode.x == FIELD_MODE_NEURON) {
    field[base] = a4[p.mode.w >> 2][p.mode.w & 3u];
  } else if (p.mode.x == FIELD_MODE_OUTPUT) {
    for (uint k = 0; k < channels; ++k) field[base + k] = a4[k >> 2][k & 3u];
  }
}
