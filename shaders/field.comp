// SPDX-License-Identifier: MIT
// field.comp: the network's forward pass at the centre of every pixel of a W x H grid.
// One invocation per pixel, each holding a whole layer's activations: the kernel for narrow
// networks (field_tiled.comp takes wide ones). Bindings and shared code: field_common.glsl.
//
// A pipeline may be specialised to one network's shape (SHAPE_LAYERS > 0): then every layer's
// width and activation are constants, each layer is its own copy of the code below with loops
// of known length, and the activation's switch is gone. Without it, the shape comes from the
// parameters and one pipeline serves every network up to MAX_WIDTH.
#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "nnlive/gpu/field_shared.h"

layout(local_size_x = FIELD_LOCAL_SIZE, local_size_y = FIELD_LOCAL_SIZE) in;

// Widest layer (inputs included) this pipeline handles; sizes the per-pixel activation arrays.
layout(constant_id = 0) const uint MAX_WIDTH = 32;
// The network's shape, when the pipeline is specialised to it (ids as in FieldEvaluator).
layout(constant_id = 1) const uint SHAPE_LAYERS = 0;  // 0: not specialised
layout(constant_id = 2) const uint SHAPE_INPUTS = 0;
layout(constant_id = 3) const uint SHAPE_OUT0 = 0;
layout(constant_id = 4) const uint SHAPE_OUT1 = 0;
layout(constant_id = 5) const uint SHAPE_OUT2 = 0;
layout(constant_id = 6) const uint SHAPE_OUT3 = 0;
layout(constant_id = 7) const uint SHAPE_OUT4 = 0;
layout(constant_id = 8) const uint SHAPE_OUT5 = 0;
layout(constant_id = 9) const uint SHAPE_OUT6 = 0;
layout(constant_id = 10) const uint SHAPE_OUT7 = 0;
layout(constant_id = 11) const uint SHAPE_OUT8 = 0;
layout(constant_id = 12) const uint SHAPE_ACT0 = 0;
layout(constant_id = 13) const uint SHAPE_ACT1 = 0;
layout(constant_id = 14) const uint SHAPE_ACT2 = 0;
layout(constant_id = 15) const uint SHAPE_ACT3 = 0;
layout(constant_id = 16) const uint SHAPE_ACT4 = 0;
layout(constant_id = 17) const uint SHAPE_ACT5 = 0;
layout(constant_id = 18) const uint SHAPE_ACT6 = 0;
layout(constant_id = 19) const uint SHAPE_ACT7 = 0;
layout(constant_id = 20) const uint SHAPE_ACT8 = 0;

#include "field_common.glsl"

#if FIELD_MAX_LAYERS != 9
#error "field.comp has one shape constant and one run_layer call per layer: 9"
#endif

uint layer_out(uint l) {
  if (SHAPE_LAYERS == 0u) return p.layers[l].dims.y;
  switch (l) {
    case 0: return SHAPE_OUT0;
    case 1: return SHAPE_OUT1;
    case 2: return SHAPE_OUT2;
    case 3: return SHAPE_OUT3;
    case 4: return SHAPE_OUT4;
    case 5: return SHAPE_OUT5;
    case 6: return SHAPE_OUT6;
    case 7: return SHAPE_OUT7;
    default: return SHAPE_OUT8;
  }
}
uint layer_in(uint l) {
  if (SHAPE_LAYERS == 0u) return p.layers[l].dims.x;
  return l == 0u ? SHAPE_INPUTS : layer_out(l - 1u);
}
uint layer_act(uint l) {
  if (SHAPE_LAYERS == 0u) return p.layers[l].act.x;
  switch (l) {
    case 0: return SHAPE_ACT0;
    case 1: return SHAPE_ACT1;
    case 2: return SHAPE_ACT2;
    case 3: return SHAPE_ACT3;
    case 4: return SHAPE_ACT4;
    case 5: return SHAPE_ACT5;
    case 6: return SHAPE_ACT6;
    case 7: return SHAPE_ACT7;
    default: return SHAPE_ACT8;
  }
}

// Activations as vec4s: a[i] is component i & 3 of a4[i >> 2]. Whole vec4s move at once, so
// the aligned path below loads one activation vec4 per 16 multiply-adds.
vec4 a4[MAX_WIDTH / 4u];
vec4 b4[MAX_WIDTH / 4u];
uint written = 0u;  // FIELD_MODE_HIDDEN: channels written so far

// Four rows' sums (rows q < nq; row q's weights from e + q * K) plus their weights at e .. e + 3
// times av, one term at a time.
vec4 add_four_inputs(vec4 s, const uint e, const uint K, const uint nq, const vec4 av) {
  [[unroll]] for (uint q = 0; q < 4u; ++q) {
    if (q < nq) {
      const uint f = e + q * K;
      s[q] += weight(f) * av.x;
      s[q] += weight(f + 1u) * av.y;
      s[q] += weight(f + 2u) * av.z;
      s[q] += weight(f + 3u) * av.w;
    }
  }
  return s;
}

// Layer l: a4 (its inputs) becomes its outputs. A specialised pipeline calls it with l a
// literal, so that every size and code below is a constant.
//
// The loops take four outputs and sixteen inputs a step: lavapipe's llvmpipe ends every loop of a
// shader once they have run 65,535 iterations in all, per invocation, without a word (Mesa's
// LP_MAX_TGSI_LOOP_ITERATIONS), and one output or one vec4 a step ran past it from five layers
// of 512 on. This way the largest networks, 8 hidden layers of 512 (or 510: rows not on vec4s),
// every hidden neuron written, take at most about 39,000. Each sum keeps its order.
void run_layer(const uint l, const uint base) {
  const uint K = layer_in(l), N = layer_out(l), code = layer_act(l);
  const uint wo = p.layers[l].dims.z, bo = p.layers[l].dims.w;  // weight and bias offsets
  const uint in4 = (K + 3u) >> 2;
  if ((wo & 3u) == 0u && (K & 3u) == 0u && (N & 3u) == 0u) {
    // Rows start on vec4s and outputs come in fours: four rows share each activation load.
    const uint rows = wo >> 2;
    for (uint j4 = 0; j4 < (N >> 2); ++j4) {
      vec4 s = vec4(weight(bo + 4u * j4), weight(bo + 4u * j4 + 1u), weight(bo + 4u * j4 + 2u), weight(bo + 4u * j4 + 3u));
      const uint r0 = rows + 4u * j4 * in4;
      uint k = 0u;
      for (; k + 4u <= in4; k += 4u) {
        [[unroll]] for (uint u = 0; u < 4u; ++u) {
          const vec4 av = a4[k + u];
          const uint r = r0 + k + u;
          s += vec4(dot(w[r], av), dot(w[r + in4], av), dot(w[r + 2u * in4], av), dot(w[r + 3u * in4], av));
        }
      }
      for (; k < in4; ++k) {
        const vec4 av = a4[k];
        s += vec4(dot(w[r0 + k], av), dot(w[r0 + in4 + k], av), dot(w[r0 + 2u * in4 + k], av), dot(w[r0 + 3u * in4 + k], av));
      }
      b4[j4] = s;
    }
  } else {
    // Any shape: four rows at a time (fewer in the last group), their weights one at a time, the
    // inputs 16 at a step, then 4, then 1.
    for (uint j0 = 0; j0 < N; j0 += 4u) {
      const uint nq = min(4u, N - j0);
      vec4 s = vec4(0.0);
      [[unroll]] for (uint q = 0; q < 4u; ++q) {
        if (q < nq) s[q] = weight(bo + j0 + q);
      }
      const uint row = wo + j0 * K;  // (row q at row + q * K)
      uint i = 0u;
      for (; i + 16u <= K; i += 16u) {
        [[unroll]] for (uint v = 0; v < 4u; ++v) s = add_four_inputs(s, row + i + 4u * v, K, nq, a4[(i >> 2) + v]);
      }
      for (; i + 4u <= K; i += 4u) s = add_four_inputs(s, row + i, K, nq, a4[i >> 2]);
      for (; i < K; ++i) {
        const float a = a4[i >> 2][i & 3u];
        [[unroll]] for (uint q = 0; q < 4u; ++q) {
          if (q < nq) s[q] += weight(row + q * K + i) * a;
        }
      }
      b4[j0 >> 2] = s;  // (lanes past N: 0; the padding below zeroes their activations)
    }
  }
  const uint out4 = (N + 3u) >> 2;
  if (code == FIELD_ACT_SOFTMAX) {  // softmax across the layer
    float m = b4[0][0];
    for (uint j = 1; j < N; ++j) m = max(m, b4[j >> 2][j & 3u]);
    float total = 0.0;
    for (uint j = 0; j < N; ++j) total += exp(b4[j >> 2][j & 3u] - m);
    for (uint j = 0; j < N; ++j) a4[j >> 2][j & 3u] = exp(b4[j >> 2][j & 3u] - m) / total;
  } else {
    for (uint k = 0; k < out4; ++k) a4[k] = activate4(code, b4[k]);
  }
  // Unused lanes of the last vec4 must be 0 for the next layer's padded reads.
  for (uint j = N; j < 4u * out4; ++j) a4[j >> 2][j & 3u] = 0.0;
  if (p.mode.x == FIELD_MODE_HIDDEN) {
    for (uint j = 0; j < N; ++j) field[base + written + j] = a4[j >> 2][j & 3u];
    written += N;
  }
}

// The outputs, or the one neuron asked for (every hidden neuron is written layer by layer).
void write_result(const uint base, const uint channels) {
  if (p.mode.x == FIELD_MODE_NEURON) {
    field[base] = a4[p.mode.w >> 2][p.mode.w & 3u];
  } else if (p.mode.x == FIELD_MODE_OUTPUT) {
    for (uint k = 0; k < channels; ++k) field[base + k] = a4[k >> 2][k & 3u];
  }
}

void main() {
  const uvec2 px = gl_GlobalInvocationID.xy;
  if (px.x >= p.size.x || px.y >= p.size.y) return;
  const vec2 centre = pixel_centre(px.x, px.y);
  const float x = centre.x, y = centre.y;

  const uint n_in = SHAPE_LAYERS == 0u ? p.size.w : SHAPE_INPUTS;
  a4[0] = vec4(0.0);
  a4[1] = vec4(0.0);
  for (uint i = 0; i < n_in; ++i) {
    const uint q = i >> 2, r = i & 3u;
    a4[q][r] = (raw_feature(p.features[q][r], x, y) - p.feature_offset[q][r]) * p.feature_scale[q][r];
  }

  const uint channels = p.mode.y;
  const uint base = (px.y * p.size.x + px.x) * channels;
  const uint layers = SHAPE_LAYERS == 0u ? p.size.z : SHAPE_LAYERS;
  const uint last = p.mode.x == FIELD_MODE_NEURON ? p.mode.z : p.mode.x == FIELD_MODE_HIDDEN ? layers - 2u : layers - 1u;
  if (SHAPE_LAYERS == 0u) {
    for (uint l = 0; l <= last; ++l) run_layer(l, base);
    write_result(base, channels);
    return;
  }
  // Specialised: one call per layer, each with a literal (FIELD_MAX_LAYERS = 9).
  if (0u <= last) run_layer(0u, base);
  if (1u <= last) run_layer(1u, base);
  if (2u <= last) run_layer(2u, base);
  if (3u <= last) run_layer(3u, base);
  if (4u <= last) run_layer(4u, base);
  if (5u <= last) run_layer(5u, base);
  if (6u <= last) run_layer(6u, base);
  if (7u <= last) run_layer(7u, base);
  if (8u <= last) run_layer(8u, base);
  write_result(base, channels);
}
