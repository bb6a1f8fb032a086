// SPDX-License-Identifier: MIT
// field_tiled.comp: the network's forward pass over a W x H grid as one tiled matrix product per
// layer, for wide networks. A workgroup of 64 invocations takes a block of PIX pixels (consecutive
// in row-major order) and keeps the block's activations in shared memory, one row of PIX values
// per neuron. Each layer is out[PIX x N] = act[PIX x K] * W^T[K x N]: the layer's weights are
// staged in shared memory KC inputs at a time, and each invocation keeps the partial sums of four
// 1-pixel x 16-neuron tiles in registers (64 floats), loading one activation and four weight
// vec4s (the same for its neighbours) per 16 multiply-adds. Once every sum of the layer is done
// they replace its inputs.
//
// PIX * MAX_WIDTH = 4096, so the activations take 16 KiB whatever the width (512 wide: 8 pixels;
// 64 wide: 64 pixels) and the 256 tiles of a full-width layer are exactly four per invocation.
// With the weight tile (KC x MAX_WIDTH floats) a pipeline needs at most 32 KiB of shared memory;
// FieldEvaluator uses field.comp where the device offers less.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/gpu/field_shared.h"

layout(local_size_x = FIELD_TILED_INVOCATIONS) in;

// Widest layer (inputs included), a power of two from 16 to 512.
layout(constant_id = 0) const uint MAX_WIDTH = 64;
const uint PIX = FIELD_TILED_BLOCK_VALUES / MAX_WIDTH;  // pixels per workgroup
const uint KC = FIELD_TILED_WEIGHT_ROWS;                // inputs per staged weight tile
const uint T = FIELD_TILED_INVOCATIONS;

#include "field_common.glsl"

shared float act[MAX_WIDTH * PIX];  // act[j * PIX + p]: neuron j of the block's pixel p
shared vec4 wt[KC * MAX_WIDTH / 4u];  // wt[(k * MAX_WIDTH + j) / 4][j % 4]: the weight from input k0 + k to neuron j

void main() {
  const uint t = gl_LocalInvocationIndex;
  const uint total = p.size.x * p.size.y;
  const uint block = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  const uint first = block * PIX;  // the block's first pixel, row-major
  if (first >= total) return;      // whole workgroup: barriers stay uniform

  // Inputs: feature i of pixel p in act[i * PIX + p]. Pixels past the grid's end compute
  // harmlessly from (0, 0) and are never written.
  const uint n_in = p.size.w;
  for (uint e = t; e < n_in * PIX; e += T) {
    const uint i = e / PIX, px = e % PIX, idx = first + px;
    const vec2 c = idx < total ? pixel_centre(idx % p.size.x, idx / p.size.x) : vec2(0.0);
    const uint q = i >> 2, r = i & 3u;
    act[e] = (raw_feature(p.features[q][r], c.x, c.y) - p.feature_offset[q][r]) * p.feature_scale[q][r];
  }

  const uint channels = p.mode.y;
  const uint last = p.mode.x == FIELD_MODE_NEURON ? p.mode.z : p.mode.x == FIELD_MODE_HIDDEN ? p.size.z - 2u : p.size.z - 1u;
  uint written = 0u;  // FIELD_MODE_HIDDEN: channels written so far
  for (uint l = 0; l <= last; ++l) {
    const uvec4 d = p.layers[l].dims;  // in, out, weight offset, bias offset
    const uint K = d.x, N = d.y, code = p.layers[l].act.x;

    // This invocation's tiles: tile m = t + T * s is pixel m % PIX and neurons 16 * (m / PIX)
    // .. + 15; acc[4 * s + q] holds its sums for neurons 4q .. 4q + 3 of those. Neighbouring
    // invocations take neighbouring pixels of the same neurons, so in each step they read
    // consecutive activations and the same weights (one broadcast).
    vec4 acc[16];
    for (uint s = 0; s < 4u; ++s) {
      const uint j16 = 16u * ((t + T * s) / PIX);
      for (uint q = 0; q < 4u; ++q) {
        vec4 bias = vec4(0.0);
        for (uint i = 0; i < 4u; ++i) bias[i] = j16 + 4u * q + i < N ? weight(d.w + j16 + 4u * q + i) : 0.0;
        acc[4u * s + q] = bias;
      }
    }

    barrier();  // the inputs are written (features, or the previous layer's outputs)
    for (uint k0 = 0; k0 < K; k0 += KC) {
      // Stage W[j][k0 .. k0 + KC - 1] for every neuron j, transposed; consecutive invocations
      // read consecutive inputs of one neuron's row.
      for (uint e = t; e < KC * MAX_WIDTH / 4u; e += T) {
        const uint k = e % KC, j = 4u * (e / KC);
        vec4 v;
        for (uint i = 0; i < 4u; ++i) v[i] = (j + i < N && k0 + k < K) ? weight(d.z + (j + i) * K + k0 + k) : 0.0;
        wt[(k * MAX_WIDTH + j) / 4u] = v;
      }
      barrier();
      const uint kn = min(KC, K - k0);
      for (uint s = 0; s < 4u; ++s) {
        const uint m = t + T * s, px = m % PIX, j16 = 16u * (m / PIX);
        if (j16 >= N) continue;
        for (uint k = 0; k < kn; ++k) {
          const float a = act[(k0 + k) * PIX + px];
          const uint r = (k * MAX_WIDTH + j16) / 4u;
          acc[4u * s] += a * wt[r];
          acc[4u * s + 1u] += a * wt[r + 1u];
          acc[4u * s + 2u] += a * wt[r + 2u];
          acc[4u * s + 3u] += a * wt[r + 3u];
        }
      }
      barrier();  // the weight tile is read before the next one replaces it
    }

    // Every sum is done (the barrier above): outputs replace the inputs.
    for (uint s = 0; s < 4u; ++s) {
      const uint m = t + T * s, px = m % PIX, j16 = 16u * (m / PIX);
      for (uint q = 0; q < 4u; ++q) {
        for (uint i = 0; i < 4u; ++i) {
          const uint j = j16 + 4u * q + i;
          if (j < N) act[j * PIX + px] = code == FIELD_ACT_SOFTMAX ? acc[4u * s + q][i] : activate(code, acc[4u * s + q][i]);
        }
      }
    }
    barrier();

    if (code == FIELD_ACT_SOFTMAX) {  // across the layer, one pixel per invocation
      for (uint px = t; px < PIX; px += T) {
        float mx = act[px];
        for (uint j = 1; j < N; ++j) mx = max(mx, act[j * PIX + px]);
        float sum = 0.0;
        for (uint j = 0; j < N; ++j) sum += exp(act[j * PIX + px] - mx);
        for (uint j = 0; j < N; ++j) act[j * PIX + px] = exp(act[j * PIX + px] - mx) / sum;
      }
      barrier();
    }

    if (p.mode.x == FIELD_MODE_HIDDEN) {
      for (uint e = t; e < N * PIX; e += T) {
        const uint px = e % PIX, j = e / PIX, idx = first + px;
        if (idx < total) field[idx * channels + written + j] = act[e];
      }
      written += N;
    }
  }

  for (uint px = t; px < PIX; px += T) {
    const uint idx = first + px;
    if (idx >= total) continue;
    if (p.mode.x == FIELD_MODE_NEURON) {
      field[idx] = act[p.mode.w * PIX + px];
    } else if (p.mode.x == FIELD_MODE_OUTPUT) {
      for (uint k = 0; k < channels; ++k) field[idx * channels + k] = act[k * PIX + px];
    }
  }
}
